"""Figures that fit the researcher's own work: their Axes, their rcParams, their LaTeX engine, their page.

Oracles: the TeX engines themselves (pdflatex, lualatex, xelatex compile what actviz writes, and the
log says whether it overflows a column), pgfplots (reads actviz's tables by column name), matplotlib's
own pixels (a figure saved two ways), and a greyscale conversion (classes stay apart in grey).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actviz import api
from actviz.errors import UserError
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("pdflatex", "lualatex", "xelatex")
TRICKY = "a_b & 5% #1 \\$9 X′ W⁺ $x_1$"
"""A label with every character LaTeX reads specially or the engines disagree on."""


def _needs(program: str):
    return pytest.mark.skipif(shutil.which(program) is None,
                              reason=f"needs {program} (CI installs texlive-latex-base, texlive-latex-recommended, "
                                     f"texlive-pictures, texlive-luatex, texlive-xetex, poppler-utils)")


def _compile(engine: str, folder: Path, body: str, options: str = "", preamble: str = "",
             name: str = "doc") -> tuple[int, str]:
    """Compile an article (with class ``options``) around ``body``; its exit status and log."""
    tex = folder / f"{name}.tex"
    tex.write_text(f"\\documentclass[{options}]{{article}}\n\\usepackage{{pgf}}\n{preamble}\n\\begin{{document}}\n"
                   f"{body}\n\\end{{document}}\n", encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace") if (folder / f"{name}.log").exists() \
        else done.stdout
    return done.returncode, log


# ---- the API: into the user's own figure, never touching pyplot or the backend -------------------------

def test_importing_and_drawing_leave_the_backend_alone(tmp_path):
    """matplotlib.use("Agg") at import used to take over a notebook's backend."""
    probe = ("import matplotlib\nmatplotlib.use('pdf')\nimport actviz.api as av\n"
             "fig = av.plot_figure(['relu'])\nav.save(fig, 'x.png')\nav.save(fig, 'x.svg')\n"
             "import sys\nprint(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["pdf", "False"]
    assert (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG")


def test_a_figure_saves_the_same_through_savefig_and_api_save_whatever_the_session_rcparams(tmp_path):
    import matplotlib

    fig = api.plot_figure(["relu", "gelu", "tanh"], styles=["paper"], size=(3.2, 2.2), dpi=100)
    with matplotlib.rc_context({"font.serif": ["DejaVu Serif"], "lines.linewidth": 6, "axes.facecolor": "red",
                                "savefig.dpi": 33, "savefig.facecolor": "blue", "path.simplify": False,
                                "mathtext.fontset": "cm", "svg.fonttype": "none"}):
        api.save(fig, tmp_path / "api.png", dpi=100)
        fig.savefig(tmp_path / "own.png", dpi=100)
        api.save(fig, tmp_path / "api.svg")
        fig.savefig(tmp_path / "own.svg", metadata={"Date": None, "Creator": None})
        png = fig._repr_png_()  # what a notebook shows
    api.save(fig, tmp_path / "plain.png", dpi=100)  # and outside the user's rcParams
    pixels = [np.asarray(Image.open(tmp_path / n)) for n in ("api.png", "own.png", "plain.png")]
    assert pixels[0].shape == pixels[1].shape == pixels[2].shape
    assert (pixels[0] == pixels[1]).all() and (pixels[0] == pixels[2]).all()
    assert (tmp_path / "api.svg").read_bytes() == (tmp_path / "own.svg").read_bytes()
    assert b"<text" not in (tmp_path / "own.svg").read_bytes()  # the session's svg.fonttype did not leak in
    assert png.startswith(b"\x89PNG")
    assert matplotlib.rcParams["lines.linewidth"] != 6  # and the session's settings came back


def test_styles_are_named_once_when_the_figure_is_made(tmp_path):
    fig = api.plot_figure(["relu"], styles=["paper"])
    api.save(fig, tmp_path / "a.png", styles=["paper"])  # the same styles again: allowed, nothing changes
    with pytest.raises(UserError, match="styles apply when a figure is made"):
        api.save(fig, tmp_path / "b.png", styles=["dark"])
    assert not (tmp_path / "b.png").exists()


def test_into_the_users_axes_and_subfigures():
    from matplotlib.figure import Figure

    mine = Figure(figsize=(9, 6), layout="constrained")
    grid = mine.add_gridspec(2, 3)
    a = mine.add_subplot(grid[0, 0])
    b, c = mine.add_subplot(grid[0, 1]), mine.add_subplot(grid[0, 2])
    a.plot([0, 1], [0, 1], label="my own line")
    assert api.plot_figure(["relu", "tanh"], ax=a) is mine  # one Axes: f(x) only
    assert [line.get_label() for line in a.get_lines()[:3]] == ["my own line", "ReLU", "Tanh"]
    assert a.get_ylabel() == "$f(x)$" and a.get_legend() is not None
    assert api.plot_figure(["gelu; color=k; label=GELU"], ax=[b, c]) is mine  # f and f' into two Axes
    assert b.get_lines()[0].get_color() == "k" and c.get_ylabel() == "$f'(x)$"
    sub = mine.add_subfigure(grid[1, :2])
    result = api.warp_result(["relu", "tanh"], [2, 5], points=120)
    assert api.warp_figure(result, fig=sub) is sub
    assert len(sub.axes) == 4 and sub.axes[0].get_title() == "ReLU"
    d = mine.add_subplot(grid[1, 2])
    assert api.boundary_figure(["relu@3"], steps=20, count=60, ax=d) is mine
    assert d.get_title() == "ReLU 3" and len(mine.axes) == 8
    mine.canvas.draw()  # the whole composition draws
    for bad in (dict(styles=["paper"]), dict(size=(3, 2)), dict(dpi=300)):
        with pytest.raises(UserError, match="the figure is\\s+yours"):
            api.plot_figure(["relu"], ax=a, **bad)
    with pytest.raises(UserError, match="draws 2 panels, but ax has 3"):
        api.plot_figure(["relu"], ax=[a, b, c])
    with pytest.raises(UserError, match="fig= or ax=, not both"):
        api.plot_figure(["relu"], ax=a, fig=mine)


def test_per_curve_label_colour_and_line_style_through_api_and_cli(tmp_path):
    fig = api.plot_figure(["relu; label=Ours; color=C3; linestyle=:", "tanh"], labels=[None, "$\\tanh$"],
                          colors=[None, "#123456"], derivative=False)
    lines = fig.axes[0].get_lines()[:2]
    assert [ln.get_label() for ln in lines] == ["Ours", "$\\tanh$"]
    assert lines[0].get_color() == "C3" and lines[0].get_linestyle() == ":"
    assert lines[1].get_color() == "#123456"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Ours", "$\\tanh$"]
    out = tmp_path / "c.svg"
    r = run_cli("plot", "expr:x*sigmoid(b*x); b=2; label=Swish-2; color=k", "relu; linestyle=--", "--svg-text",
                "-o", out)
    assert r.exit_code == 0, r.stderr
    assert "Swish-2" in out.read_text()
    with pytest.raises(UserError, match="3 labels for 2 curves"):
        api.plot_figure(["relu", "tanh"], labels=["a", "b", "c"])


# ---- LaTeX: every command, every engine ----------------------------------------------------------------

@pytest.fixture(scope="module")
def pgf_figures(tmp_path_factory) -> Path:
    """A PGF figure of every drawing command, with every kind of text actviz writes (measured with
    matplotlib's fonts, as where no TeX is installed: what is tested here is what LaTeX makes of it)."""
    from actviz.render import pgf

    folder = tmp_path_factory.mktemp("pgf")
    commands = {
        "plot": ["plot", "--define", "my_act=x*tanh(x)", "my_act", "leaky_relu:negative_slope=0.2",
                 f"relu; label={TRICKY}", "--size", "page", "--title", "x_1 & 50% $\\alpha$", "--formula", "legend"],
        "plotpaper": ["plot", "elu:alpha=0.5", "gelu", "--style", "paper", "--size", "column"],
        "sheet": ["plot", "--all", "--style", "paper", "--size", "page"],
        "warp": ["warp", "relu", "tanh", "--n", "1,3", "--points", "150", "--style", "paper"],
        "warpuser": ["warp", "relu", "--n", "2", "--points", "150", "--title", "X′ = W⁺ act(W X) 100%"],
        "warppanel": ["warp", "sigmoid", "--n", "2", "--points", "150", "--limits", "panel"],
        "boundary": ["boundary", "relu@3", "tanh@3", "--steps", "30", "--count", "60", "--style", "paper",
                     "--size", "page", "--title", "ReLU_3 & tanh #3"],
        "regions": ["boundary", "relu@4", "--units", "--regions", "--steps", "40", "--count", "60"],
        "layers": ["layers", "relu", "--hidden", "2,2", "--steps", "40", "--count", "60"],
        "depth": ["depth", "tanh", "relu", "--init", "xavier,he", "--depth", "4", "--width", "16", "--samples", "64"],
        "converge": ["depth", "relu", "--train", "--init", "he", "--depth", "2", "--width", "4", "--seeds", "2",
                     "--steps", "10", "--count", "40"],
        "phase": ["depth", "tanh", "--phase", "--style", "paper"],
        "loss": ["loss", "--kind", "margin", "--formula", "legend"],
        "optim": ["optim", "sgd", "adam", "--surface", "beale"],
        "surface": ["surface", "swiglu", "geglu", "--samples", "40"],
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pgf, "latex_engine", lambda: None)
        for name, args in commands.items():
            r = run_cli(*args, "-o", folder / f"{name}.pgf")
            assert r.exit_code == 0, (name, r.stderr)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_every_command_compiles_under_every_engine(pgf_figures, engine):
    if shutil.which(engine) is None:
        pytest.skip(f"needs {engine} (CI installs texlive-latex-base, texlive-luatex, texlive-xetex)")
    figures = sorted(p.stem for p in pgf_figures.glob("*.pgf"))
    assert len(figures) == 15
    body = "\n".join(f"\\resizebox{{\\textwidth}}{{!}}{{\\input{{{f}.pgf}}}}\\par" for f in figures)
    status, log = _compile(engine, pgf_figures, body, preamble="\\usepackage{graphicx}", name=f"all-{engine}")
    assert status == 0, log[-3000:]
    assert "Missing character" not in log, [ln for ln in log.splitlines() if "Missing character" in ln][:5]
    assert "Undefined control sequence" not in log
    assert (pgf_figures / f"all-{engine}.pdf").stat().st_size > 10_000


def test_pgf_escapes_every_special_character(tmp_path):
    from actviz.render.text import to_latex

    assert to_latex("x_1 & 50% #3 {a} ~ ^ \\") == r"x\_1 \& 50\% \#3 \{a\} \~{} \^{} \textbackslash{}"
    assert to_latex("X′ = W⁺ act(W X)") == r"X\ensuremath{'} = W\ensuremath{^{+}} act(W X)"
    assert to_latex(r"$\operatorname{erf}(x)$ costs \$5") == r"$\mathop{\mathrm{erf}}\nolimits (x)$ costs \$5"
    assert to_latex("$x_1$ & $y$") == r"$x_1$ \& $y$"
    assert to_latex("a--b") == "a-{}-b"
    with pytest.raises(UserError, match="U\\+0416"):
        to_latex("Ж")


def test_verbose_says_which_engine_measured(tmp_path, monkeypatch):
    from actviz.render import pgf

    found = {e: shutil.which(e) for e in ENGINES}
    monkeypatch.setattr(pgf.shutil, "which", lambda name: found.get(name) if name == "pdflatex" else None)
    r = run_cli("-v", "plot", "relu", "-o", tmp_path / "f.pgf")
    assert r.exit_code == 0, r.stderr
    if found["pdflatex"]:  # only pdflatex installed: it measures, and -v says so
        assert "LaTeX (pdflatex)" in r.stderr and "Text measured with: LaTeX (pdflatex)" in (tmp_path / "f.pgf").read_text()
    monkeypatch.setattr(pgf.shutil, "which", lambda name: None)
    r = run_cli("-v", "plot", "relu", "-o", tmp_path / "g.pgf")
    assert "matplotlib's fonts (no LaTeX found)" in r.stderr


# ---- sizes of real documents ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def article_figures(tmp_path_factory) -> Path:
    """Figures at --size column and page, as PGF and PDF (PGF text measured with matplotlib's fonts:
    the width, which is what has to fit, is the figure's own)."""
    from actviz.render import pgf

    folder = tmp_path_factory.mktemp("article")
    figures = {"col": ["plot", "relu", "gelu", "tanh", "--size", "column"],
               "colpaper": ["plot", "relu", "gelu", "--style", "paper", "--size", "column", "--formula", "legend"],
               "bnd": ["boundary", "relu@3", "--steps", "20", "--count", "60", "--size", "column", "--style", "paper"],
               "page": ["plot", "--family", "sigmoidal", "--style", "paper", "--size", "page"]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pgf, "latex_engine", lambda: None)
        for name, args in figures.items():
            for ext in ("pgf", "pdf"):
                r = run_cli(*args, "-o", folder / f"{name}.{ext}")
                assert r.exit_code == 0, r.stderr
    return folder


@pytest.mark.slow
@_needs("pdflatex")
@pytest.mark.parametrize("paper", ["letterpaper", "a4paper"])
def test_column_and_page_figures_fit_a_two_column_article(article_figures, paper):
    """The issue measured --size column (3.5 in) overflowing a two-column article by 23.44pt."""
    column = "\\begin{figure}\\centering %s\\caption{A figure at the column's width.}\\end{figure}\n"
    body = "".join(column % f for f in ("\\input{col.pgf}", "\\includegraphics{col.pdf}", "\\input{colpaper.pgf}",
                                         "\\includegraphics{bnd.pdf}"))
    body += ("\\begin{figure*}\\centering\\input{page.pgf}\\par\\includegraphics{page.pdf}\\caption{Text width.}"
             "\\end{figure*}\n" + "Text. " * 600)
    status, log = _compile("pdflatex", article_figures, body, options=f"twocolumn,{paper}",
                           preamble="\\usepackage{graphicx}", name=paper)
    assert status == 0, log[-2000:]
    assert "Overfull \\hbox" not in log, [ln for ln in log.splitlines() if "Overfull" in ln]


@pytest.mark.parametrize("preset, points", [
    ("column", 221.0), ("page", 452.0), ("article-column", 229.5), ("article-text", 469.0), ("ieee-column", 252.0),
    ("ieee-text", 516.0), ("acm-column", 241.14749), ("acm-text", 506.295), ("icml-column", 234.8775),
    ("icml-text", 487.8225), ("neurips-text", 397.48499), ("iclr-text", 397.48499), ("lncs-text", 347.12354),
])
def test_presets_are_the_widths_the_classes_print(preset, points):
    from actviz.render.layout import PRESETS, read_size

    assert read_size(preset)[0] * 72.27 == pytest.approx(points, abs=0.01)
    assert PRESETS[preset][1]  # with its source


def test_a_sheet_is_fitted_to_its_width_and_never_clipped():
    from actviz.render.fit import check_fits

    width = api.figure_size("page")[0]
    names = [a.name for a in api.catalogue() if not a.gated]  # one-input functions: what plot --all draws
    fig = api.plot_figure(names, layout="grid", styles=["paper"], size=(width, None))
    assert fig.get_figwidth() == pytest.approx(width)
    check_fits(fig)  # again, and independently below: every title inside the figure, none over another
    renderer = fig.canvas.get_renderer()
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.get_visible()]
    assert len(boxes) == len(names)
    for i, box in enumerate(boxes):
        assert box.x0 >= -1 and box.x1 <= fig.bbox.width + 1
        assert not any(box.overlaps(other) for other in boxes[i + 1:])
    with pytest.raises(UserError, match="too small for its text and panels"):
        api.plot_figure(names, layout="grid", styles=["paper"], size=(width, 3.0))


def test_a_figure_whose_text_cannot_fit_is_refused_not_written(tmp_path):
    out = tmp_path / "x.png"
    r = run_cli("plot", "relu", "tanh", "elu", "swish", "gelu", "--formula", "legend", "--style", "slides",
                "--size", "column", "-o", out)
    assert r.exit_code == 2 and "too small for its text and panels" in r.stderr
    assert not out.exists()


# ---- styles: glyphs, grey print, the ecosystem ---------------------------------------------------------

GLYPH_COMMANDS = {
    "overlay": ["plot", "relu", "leaky_relu:negative_slope=0.2", "gelu", "--formula", "legend", "--title",
                "x′ and α ≤ 1"],
    "sheet": ["plot", "--all", "--dpi", "30"],
    "warp": ["warp", "relu", "tanh", "--n", "1,3", "--points", "100", "--dpi", "40"],
    "warp-panel": ["warp", "sigmoid", "--n", "2", "--points", "100", "--limits", "panel", "--bias", "0.5",
                   "--dpi", "40"],
    "warp-gif": ["warp", "relu", "--n", "2", "--points", "100", "--frames", "2", "--dpi", "30"],
    "boundary": ["boundary", "relu@3", "--units", "--steps", "10", "--count", "40", "--dpi", "40"],
    "train": ["train", "relu", "--view", "both", "--frames", "2", "--steps", "5", "--count", "40", "--dpi", "30"],
    "layers": ["layers", "relu", "--hidden", "2,2", "--steps", "10", "--count", "40", "--dpi", "30"],
    "regions": ["boundary", "relu@3", "--units", "--regions", "--steps", "10", "--count", "40", "--dpi", "30"],
    "depth": ["depth", "tanh", "--init", "xavier,he", "--depth", "3", "--width", "8", "--samples", "32", "--dpi", "30"],
    "phase": ["depth", "tanh", "--phase", "--dpi", "30"],
    "loss": ["loss", "--kind", "margin", "--formula", "legend", "--dpi", "30"],
    "optim": ["optim", "sgd", "adam", "--surface", "beale", "--dpi", "30"],
    "surface": ["surface", "swiglu", "geglu", "--samples", "40", "--dpi", "30"],
}


@pytest.mark.slow
@pytest.mark.parametrize("style", ["default", "paper", "slides", "dark", "svgtext"])
def test_no_builtin_style_draws_a_missing_glyph(tmp_path, style, caplog):
    """Warnings are errors here (pyproject), and mathtext's own notes of missing glyphs (logged,
    not warned) count too."""
    from actviz.render.style import builtin_styles

    assert style in builtin_styles()
    caplog.set_level(logging.WARNING, logger="matplotlib")
    for name, args in GLYPH_COMMANDS.items():
        ext = ".gif" if name in ("warp-gif", "train") else ".png"
        r = run_cli(*args, "--style", style, "-o", tmp_path / f"{name}{ext}")
        # a style's larger text may not fit a default size: refused in one line, never drawn with boxes
        assert r.exit_code == 0 or "too small for its text" in r.stderr, (name, r.stderr)
        assert "glyph" not in r.stderr.lower(), (name, r.stderr)
    logged = [rec.getMessage() for rec in caplog.records if "glyph" in rec.getMessage().lower()]
    assert not logged, logged[:3]


def _class_greys(fig, data, png: Path) -> list[np.ndarray]:
    """The grey level under each data point's marker, per class, in the saved image."""
    grey = np.asarray(Image.open(png).convert("L"), dtype=float)
    h = grey.shape[0]
    ax = fig.axes[0]
    out = []
    for c in np.unique(data.y):
        xy = ax.transData.transform(data.X[data.y == c])
        cols, rows = np.round(xy[:, 0]).astype(int), np.round(h - xy[:, 1]).astype(int)
        keep = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < grey.shape[1])
        out.append(grey[rows[keep], cols[keep]])
    return out


@pytest.mark.parametrize("style, apart", [("paper", True), ("default", False)])
def test_classes_stay_apart_in_greyscale_under_the_paper_style(tmp_path, style, apart):
    data = api.dataset("circles", count=300, seed=1)
    fig = api.boundary_figure(["relu@8"], data=data, steps=150, styles=[style], size=(3.0, 3.2), dpi=200)
    png = tmp_path / "b.png"
    api.save(fig, png, dpi=200)
    first, second = _class_greys(fig, data, png)
    gap = abs(float(np.median(first)) - float(np.median(second)))
    if apart:  # lightness: the classes' markers differ by far more than antialiasing blurs
        assert gap > 40, gap
        lo, hi = sorted([first, second], key=np.median)
        assert np.mean(lo < np.median(hi) - 20) > 0.9 and np.mean(hi > np.median(lo) + 20) > 0.9
        # shape: each class has its own marker
        first_path, second_path = [coll.get_paths()[0].vertices for coll in fig.axes[0].collections
                                   if len(coll.get_offsets()) > 10]
        assert first_path.shape != second_path.shape or not np.allclose(first_path, second_path)
    else:  # the default style's red and blue are one grey: why the paper style changes them
        assert gap < 25, gap


def test_a_training_frame_under_the_paper_style_tells_classes_by_marker():
    from actviz.render import training
    from actviz.render.figure import rc_context

    run = api.train("relu", hidden=[3], count=60, steps=5, frames=2)
    with rc_context(["paper"]):
        frames = training.TrainingFrames(run, view="logit")
        assert frames.look.shaped and frames.look.names[:2] == ("blue", "orange")
        shapes = {line.get_marker() for ax in frames.fig.axes for line in ax.get_lines()
                  if line.get_linestyle() == "None" and line.get_marker() not in ("None", "", None)}
        assert len(shapes) == 2  # one marker shape per class
        assert any("score of orange" in t.get_text() for t in frames.fig.texts)  # labels say the class colours
    with rc_context(()):
        assert not training.TrainingFrames(run, view="logit").look.shaped


def test_a_scienceplots_style_name_works(tmp_path):
    """A stand-in laid out as SciencePlots is (styles in styles/ and its subfolders) and registering
    them as its releases do, on import through ``plt.style.core`` (which fails under matplotlib 3.11):
    actviz finds the style files by name without importing the package."""
    pkg = tmp_path / "site" / "scienceplots"
    (pkg / "styles" / "journals").mkdir(parents=True)
    (pkg / "styles" / "science.mplstyle").write_text("axes.facecolor: 00ff00\nfont.family: serif\n")
    (pkg / "styles" / "journals" / "ieee.mplstyle").write_text("figure.facecolor: 0000ff\n")
    (pkg / "__init__.py").write_text(
        "import os\nimport matplotlib.pyplot as plt\n"
        "styles = os.path.join(os.path.dirname(__file__), 'styles')\n"
        "plt.style.core.update_nested_dict(plt.style.library, plt.style.core.read_style_directory(styles))\n"
        "plt.style.core.available[:] = sorted(plt.style.library.keys())\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    out = tmp_path / "s.png"
    done = subprocess.run([sys.executable, "-m", "actviz", "plot", "relu", "--style", "science", "--style", "ieee",
                           "--dpi", "50", "-o", str(out)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    px = np.asarray(Image.open(out).convert("RGB"))
    assert ((px[..., 0] == 0) & (px[..., 1] == 255) & (px[..., 2] == 0)).mean() > 0.2  # science's axes
    assert tuple(px[1, 1]) == (0, 0, 255)  # ieee's figure background
    done = subprocess.run([sys.executable, "-m", "actviz", "plot", "relu", "--style", "sciencey", "-o",
                           str(tmp_path / "t.png")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "unknown style 'sciencey'" in done.stderr


def test_the_paper_style_is_a_matplotlib_package_style(tmp_path):
    probe = ("import matplotlib, matplotlib.style\nmatplotlib.style.use('actviz.styles.paper')\n"
             "print(matplotlib.rcParams['font.family'][0], matplotlib.rcParams['mathtext.fontset'])\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["serif", "stix"]
    r = run_cli("plot", "relu", "--style", "actviz.styles.paper", "-o", tmp_path / "p.png")
    assert r.exit_code == 0, r.stderr


# ---- numbers for pgfplots, one JSON convention -----------------------------------------------------------

def test_every_json_output_writes_non_finite_numbers_as_null(tmp_path):
    def strict(text):
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON number {c}"))

    listing = strict(run_cli("list", "--json").stdout)
    relu = next(e for e in listing if e["name"] == "relu")
    assert relu["properties"]["range"] == [0.0, None]  # [0, inf)
    assert all(not isinstance(v, str) for e in listing for v in e["properties"]["range"])
    records = strict(run_cli("data", "expr:log(x)", "--x", "0,1", "--format", "json").stdout)
    assert records[0]["f_expr_log_x"] is None and records[1]["f_expr_log_x"] == 0.0
    csv_text = run_cli("data", "expr:log(x)", "--x", "0,1").stdout
    assert csv_text.splitlines()[1].split(",")[1] == "-inf"  # what pgfplots and numpy read


@pytest.mark.slow
@_needs("pdflatex")
def test_pgfplots_reads_the_columns_by_name(tmp_path):
    if subprocess.run(["kpsewhich", "pgfplots.sty"], capture_output=True).returncode != 0:
        pytest.skip("needs pgfplots (texlive-pictures)")
    specs = ["relu", "elu:alpha=0.5", "rrelu:lower=0.1,upper=0.3", "relu", "expr:x*sigmoid(b*x); b=2"]
    r = run_cli("data", *specs, "--samples", "5", "-o", tmp_path / "d.csv")
    assert r.exit_code == 0, r.stderr
    header = (tmp_path / "d.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["x", "f_relu", "df_relu"] and "f_relu_2" in header
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+", h) for h in header)
    plots = "\n".join(f"\\addplot table[x=x, y={h}, col sep=comma] {{d.csv}};" for h in header[1:])
    status, log = _compile("pdflatex", tmp_path, f"\\begin{{tikzpicture}}\\begin{{axis}}\n{plots}\n"
                                                 f"\\end{{axis}}\\end{{tikzpicture}}",
                           preamble="\\usepackage{pgfplots}\\pgfplotsset{compat=1.16}")
    assert status == 0, log[-2000:]
