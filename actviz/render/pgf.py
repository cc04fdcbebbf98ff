"""PGF output for ``\\input`` in LaTeX, on machines with or without a TeX installation.

matplotlib's own PGF backend asks a running LaTeX for the size of every piece of
text, so it fails where no TeX is installed. In the file, text is only placed at an
anchor (``\\pgftext[x=..,y=..,left,base]``) and LaTeX typesets it when the document
is compiled; the sizes serve the layout (margins, legend boxes). This backend asks
LaTeX when it can (``pgf.texsystem`` if installed, else the first of xelatex, lualatex
and pdflatex found) and otherwise measures with matplotlib's own fonts, which only
moves margins by a little when the document's font differs. Raster images are
written beside the file, named after it, and included with pgf's ``\\pgfimage``.

Every text is written by :func:`actviz.render.text.to_latex`: TeX's special characters
escaped, Unicode as LaTeX commands, mathtext's commands as base LaTeX, so the file
compiles under pdflatex, lualatex and xelatex with only ``\\usepackage{pgf}`` loaded,
in the document's own fonts (a style's named font becomes the document's roman,
sans-serif or typewriter family).

Used through ``savefig(..., backend="module://actviz.render.pgf")``.
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_pgf import FigureCanvasPgf, LatexError, LatexManager, RendererPgf

BACKEND = "module://actviz.render.pgf"

HEADER = r"""%% A PGF picture written by actviz. To include it in a LaTeX document:
%%   \usepackage{pgf}        (in the preamble)
%%   \input{<filename>.pgf}  (where the figure goes)
%% Raster images, if any, are the PNG files named <filename>-img<N>.png beside it;
%% use \import{<dir>}{<filename>.pgf} (package import) when they live elsewhere.
%% Text measured with: {measure}
"""


ENGINES = ("xelatex", "lualatex", "pdflatex")


def latex_engine() -> str | None:
    """The TeX program to measure text with: ``pgf.texsystem`` when it is installed, else the
    first of xelatex, lualatex and pdflatex on PATH (None: no TeX)."""
    wanted = matplotlib.rcParams["pgf.texsystem"]
    for engine in (wanted, *(e for e in ENGINES if e != wanted)):
        if shutil.which(engine) is not None:
            return engine
    return None


def latex_available() -> bool:
    """Whether some TeX program that can measure text is on PATH."""
    return latex_engine() is not None


def _family_command(prop) -> str:
    """The document's family nearest to the style's font: a generic name maps directly, a named
    font by the generic list it appears in (LaTeX then sets it in the document's own font)."""
    generic = {"serif": r"\rmfamily", "sans-serif": r"\sffamily", "sans": r"\sffamily",
               "monospace": r"\ttfamily", "cursive": r"\rmfamily", "fantasy": r"\rmfamily"}
    family = prop.get_family()[0]
    if family in generic:
        return generic[family]
    for key, command in (("font.serif", r"\rmfamily"), ("font.sans-serif", r"\sffamily"),
                         ("font.monospace", r"\ttfamily")):
        if family in matplotlib.rcParams[key]:
            return command
    return ""


def latex_of(s: str, prop) -> str:
    """Text with its font size, shape and weight, as a LaTeX group."""
    from actviz.render.text import to_latex

    size = prop.get_size_in_points()
    commands = [_family_command(prop), r"\fontsize{%f}{%f}" % (size, size * 1.2),
                {"italic": r"\itshape", "oblique": r"\slshape"}.get(prop.get_style(), "")]
    weight = prop.get_weight()
    if weight in ("semibold", "demibold", "demi", "bold", "heavy", "extra bold", "black") or \
            (isinstance(weight, (int, float)) and weight >= 600):
        commands.append(r"\bfseries")
    return "{" + "".join(commands) + r"\selectfont " + to_latex(s) + "}"


def _writeln(fh, line: str) -> None:
    # '%' ends each line so that no stray spaces reach LaTeX
    fh.write(line)
    fh.write("%\n")


class RendererActvizPgf(RendererPgf):
    """matplotlib's PGF renderer, measuring text with LaTeX when possible, else with Agg's fonts."""

    def __init__(self, figure, fh, image_stem: str | None = None, directory: Path | None = None):
        super().__init__(figure, fh)
        self.engine = latex_engine()
        self.failed: str | None = None
        self.agg = RendererAgg(1, 1, figure.dpi)
        self.image_stem = image_stem
        self.directory = directory or Path(".")

    @property
    def measured_with(self) -> str:
        if self.engine:
            return f"LaTeX ({self.engine})"
        return f"matplotlib's fonts ({self.failed or 'no LaTeX found'})"

    def get_text_width_height_descent(self, s, prop, ismath):
        if self.engine:
            try:
                # matplotlib's measuring makes ^ active (for its own escaping): let it mean ^ again
                tex = r"\def^{\ifmmode\sp\else\^{}\fi}" + latex_of(s, prop)
                with matplotlib.rc_context({"pgf.texsystem": self.engine}):
                    w, h, d = LatexManager._get_cached_or_new()._get_box_metrics(tex)
                f = self.dpi / 72  # matplotlib's PGF backend measures in TeX points, laid out as 1/72 in
                return w * f, h * f, d * f
            except (LatexError, RuntimeError, OSError, ValueError, AttributeError):
                # a TeX without the packages matplotlib's measuring preamble needs: measure ourselves
                self.failed = f"{self.engine} could not measure"
                self.engine = None
        return self.agg.get_text_width_height_descent(s, prop, ismath)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        """Place ``s`` as LaTeX at its anchor (aligned by pgf, so the document's font may differ)."""
        _writeln(self.fh, r"\begin{pgfscope}")
        self._print_pgf_clip(gc)
        alpha = gc.get_alpha()
        if alpha != 1.0:
            _writeln(self.fh, r"\pgfsetfillopacity{%f}" % alpha)
            _writeln(self.fh, r"\pgfsetstrokeopacity{%f}" % alpha)
        _writeln(self.fh, r"\definecolor{textcolor}{rgb}{%f,%f,%f}" % tuple(gc.get_rgb())[:3])
        _writeln(self.fh, r"\pgfsetstrokecolor{textcolor}")
        _writeln(self.fh, r"\pgfsetfillcolor{textcolor}")
        f = 1.0 / self.figure.dpi
        if mtext is not None and (angle == 0 or mtext.get_rotation_mode() == "anchor") \
                and mtext.get_verticalalignment() != "center_baseline":
            px, py = mtext.get_transform().transform(mtext.get_unitless_position())
            place = [f"x={px * f:f}in", f"y={py * f:f}in",
                     {"left": "left", "right": "right", "center": ""}[mtext.get_horizontalalignment()],
                     {"top": "top", "bottom": "bottom", "baseline": "base", "center": ""}[
                         mtext.get_verticalalignment()]]
        else:
            place = [f"x={x * f:f}in", f"y={y * f:f}in", "left", "base"]
        if angle != 0:
            place.append(f"rotate={angle:f}")
        _writeln(self.fh, r"\pgftext[%s]{\color{textcolor}%s}" % (",".join(p for p in place if p), latex_of(s, prop)))
        _writeln(self.fh, r"\end{pgfscope}")

    def draw_image(self, gc, x, y, im, transform=None):
        from PIL import Image

        from actviz.atomic import write_bytes

        h, w = im.shape[:2]
        if w == 0 or h == 0:
            return
        name = f"{self.image_stem or 'figure'}-img{self.image_counter}.png"
        buf = io.BytesIO()
        Image.fromarray(im[::-1]).save(buf, format="png")
        write_bytes(self.directory / name, buf.getvalue())
        self.image_counter += 1
        _writeln(self.fh, r"\begin{pgfscope}")
        self._print_pgf_clip(gc)
        f = 1.0 / self.dpi
        if transform is None:
            _writeln(self.fh, r"\pgfsys@transformshift{%fin}{%fin}" % (x * f, y * f))
            w, h = w * f, h * f
        else:
            t1, t2, t3, t4, t5, t6 = transform.frozen().to_values()
            _writeln(self.fh, r"\pgfsys@transformcm{%f}{%f}{%f}{%f}{%fin}{%fin}"
                     % (t1 * f, t2 * f, t3 * f, t4 * f, (t5 + x) * f, (t6 + y) * f))
            w = h = 1
        _writeln(self.fh, r"\pgftext[left,bottom]{\pgfimage[interpolate=%s,width=%fin,height=%fin]{%s}}"
                 % (str(transform is None).lower(), w, h, name))
        _writeln(self.fh, r"\end{pgfscope}")


class FigureCanvasActvizPgf(FigureCanvasPgf):
    """Writes ``.pgf`` only (compiling to PDF/PNG is left to the user's LaTeX)."""

    filetypes = {"pgf": "LaTeX PGF picture"}

    def get_default_filetype(self) -> str:
        return "pgf"

    def print_pgf(self, fname_or_fh, *, bbox_inches_restore=None, image_stem: str | None = None, **_ignored):
        if isinstance(fname_or_fh, (str, os.PathLike)):
            with open(fname_or_fh, "w", encoding="utf-8") as fh:
                self._write(fh, bbox_inches_restore, image_stem)
        else:
            self._write(fname_or_fh, bbox_inches_restore, image_stem)

    def _write(self, fh, bbox_inches_restore, image_stem) -> None:
        w, h = self.figure.get_figwidth(), self.figure.get_figheight()
        dpi = self.figure.dpi
        body = io.StringIO()  # the header says how text was measured, known only after drawing
        directory = Path(getattr(fh, "name", "") or "x").parent
        pgf = RendererActvizPgf(self.figure, body, image_stem, directory)
        renderer = MixedModeRenderer(self.figure, w, h, dpi, pgf, bbox_inches_restore=bbox_inches_restore)
        self.figure.draw(renderer)
        fh.write(HEADER.replace("{measure}", pgf.measured_with))
        if not isinstance(fh, io.BytesIO):
            from actviz.context import note

            note(f"PGF text measured with {pgf.measured_with}; LaTeX sets the text when the file is \\input")
        _writeln(fh, r"\begingroup")
        _writeln(fh, r"\makeatletter")
        _writeln(fh, r"\begin{pgfpicture}")
        _writeln(fh, r"\pgfpathrectangle{\pgfpointorigin}{\pgfqpoint{%fin}{%fin}}" % (w, h))
        _writeln(fh, r"\pgfusepath{use as bounding box, clip}")
        fh.write(body.getvalue())
        _writeln(fh, r"\end{pgfpicture}")
        _writeln(fh, r"\makeatother")
        _writeln(fh, r"\endgroup")

    def get_renderer(self):
        return RendererActvizPgf(self.figure, None)


FigureCanvas = FigureCanvasActvizPgf
