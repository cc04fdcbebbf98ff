"""PGF output for ``\\input`` in LaTeX, on machines with or without a TeX installation.

matplotlib's own PGF backend asks a running LaTeX for the size of every piece of
text, so it fails where no TeX is installed. In the file, text is only placed at an
anchor (``\\pgftext[x=..,y=..,left,base]``) and LaTeX typesets it when the document
is compiled; the sizes serve the layout (margins, legend boxes). This backend asks
LaTeX when it can and otherwise measures with matplotlib's own fonts, which only
moves margins by a little when the document's font differs. Raster images are
written beside the file, named after it, and included with pgf's ``\\pgfimage``.

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
from matplotlib.backends.backend_pgf import FigureCanvasPgf, LatexError, RendererPgf

BACKEND = "module://actviz.render.pgf"

HEADER = r"""%% A PGF picture written by actviz. To include it in a LaTeX document:
%%   \usepackage{pgf}        (in the preamble)
%%   \input{<filename>.pgf}  (where the figure goes)
%% Raster images, if any, are the PNG files named <filename>-img<N>.png beside it;
%% use \import{<dir>}{<filename>.pgf} (package import) when they live elsewhere.
%% Text measured with: {measure}
"""


def latex_available() -> bool:
    """Whether the TeX program named by ``pgf.texsystem`` is on PATH."""
    return shutil.which(matplotlib.rcParams["pgf.texsystem"]) is not None


def _writeln(fh, line: str) -> None:
    # '%' ends each line so that no stray spaces reach LaTeX
    fh.write(line)
    fh.write("%\n")


class RendererActvizPgf(RendererPgf):
    """matplotlib's PGF renderer, measuring text with LaTeX when possible, else with Agg's fonts."""

    def __init__(self, figure, fh, image_stem: str | None = None, directory: Path | None = None):
        super().__init__(figure, fh)
        self.use_latex = latex_available()
        self.agg = RendererAgg(1, 1, figure.dpi)
        self.image_stem = image_stem
        self.directory = directory or Path(".")

    @property
    def measured_with(self) -> str:
        return f"LaTeX ({matplotlib.rcParams['pgf.texsystem']})" if self.use_latex else "matplotlib's fonts (no LaTeX found)"

    def get_text_width_height_descent(self, s, prop, ismath):
        if self.use_latex:
            try:
                return super().get_text_width_height_descent(s, prop, ismath)
            except (LatexError, RuntimeError, OSError):
                self.use_latex = False  # a TeX without the packages matplotlib needs: measure ourselves
        return self.agg.get_text_width_height_descent(s, prop, ismath)

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
