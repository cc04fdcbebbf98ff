"""Paper-ready output: styles, sizes, fonts embedded as Type 42, PGF, SVG text, EPS, env defaults."""
from __future__ import annotations

import re
import shutil
import subprocess

import matplotlib
import numpy as np
import pytest
from PIL import Image

from actviz import api
from actviz.render import style

MISH = "mish2=x*tanh(log(1+exp(x)))"
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _png(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


def _size(path):
    with Image.open(path) as im:
        return im.size


def test_builtin_styles_are_shipped():
    assert {"default", "paper", "slides", "dark"} <= set(style.builtin_styles())


def test_paper_style_settings():
    with matplotlib.rc_context():
        style.apply(["paper"])
        rc = matplotlib.rcParams
        assert rc["font.family"] == ["serif"] and rc["font.serif"][0] == "STIXGeneral"
        assert rc["mathtext.fontset"] == "stix"
        from matplotlib.font_manager import FontProperties, findfont

        assert "STIXGeneral" in findfont(FontProperties(family="serif"))  # shipped with matplotlib
        for key in ("font.size", "axes.labelsize", "legend.fontsize", "xtick.labelsize", "ytick.labelsize"):
            assert 8 <= float(rc[key]) <= 9, key
        assert 8 <= float(rc["axes.titlesize"]) <= 9
        assert rc["axes.linewidth"] <= 0.8
        cycle = list(rc["axes.prop_cycle"])
        assert [c["color"].upper() for c in cycle[:7]] == OKABE_ITO
        # colour and dash both change from curve to curve, so curves stay apart in grey
        dashes = [str(c["linestyle"]) for c in cycle]
        assert len(set(dashes)) == len(dashes) == len(cycle)


def test_paper_figure_gives_each_curve_its_own_dash(tmp_path):
    out = tmp_path / "dash.svg"
    specs = ["relu", "tanh", "sigmoid", "elu", "identity"]
    api.save(api.plot_figure(specs, styles=["paper"], size=(3.5, 1.61), derivative=False), out, styles=["paper"])
    svg = out.read_text()
    strokes = re.findall(r'style="([^"]*stroke-width: 1.1[^"]*)"', svg)  # curves and legend handles
    assert len(strokes) == 10
    colours = {re.search(r"stroke: (#[0-9a-f]{6})", s).group(1) for s in strokes}
    dashes = {(re.search(r"stroke-dasharray: ([\d.,\s]+)", s) or re.search("$^|", s)).group(0) for s in strokes}
    assert len(colours) == 5 and len(dashes) == 5  # apart by colour and, in grey, by dash pattern


def test_later_styles_win_and_matplotlib_and_user_styles_work(tmp_path):
    with matplotlib.rc_context():
        style.apply(["paper", "dark"])
        assert matplotlib.rcParams["font.family"] == ["serif"]  # from paper
        assert matplotlib.rcParams["axes.facecolor"] == "#161a1f"  # from dark
        style.apply(["dark", "paper"])
        assert matplotlib.rcParams["axes.facecolor"] == "#161a1f"  # paper does not set it
        style.apply(["ggplot"])
        assert matplotlib.rcParams["axes.facecolor"] == "#E5E5E5"
    mine = tmp_path / "mine.mplstyle"
    mine.write_text("axes.facecolor: ff0000\nlines.linewidth: 7\n")
    out = tmp_path / "mine.png"
    assert api.save(api.plot_figure(["relu"], styles=[str(mine)]), out, styles=[str(mine)]) is None
    px = _png(out)
    assert ((px[..., 0] == 255) & (px[..., 1] == 0) & (px[..., 2] == 0)).mean() > 0.2


@pytest.mark.parametrize("content, fragment, secret", [
    ("no.such.key: 1\n", "line 1 names an unknown setting", "no.such.key"),
    ("# fine\nlines.linewidth: thick\n", "line 2 has a value the setting does not take", "thick"),
    ("root:$6$salt$hash:19000:0:99999:7:::\n", "line 1 names an unknown setting", "salt"),
    ("just words\n", "line 1 is not a 'key: value' setting", "words"),
    ("\xff\xfe binary", "not UTF-8 text", "binary"),
])
def test_bad_style_files_are_user_errors_that_never_echo_the_file(actviz, tmp_path, content, fragment, secret):
    """The line number and what is wrong, never the line: a file named by mistake (or by a stranger's spec)
    must not come out in an error message."""
    bad = tmp_path / "bad.mplstyle"
    bad.write_bytes(content.encode("latin-1"))
    r = actviz("plot", "relu", "--style", bad, "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and fragment in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert secret not in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_unknown_style_is_a_user_error(actviz, tmp_path):
    r = actviz("plot", "relu", "--style", "papr", "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and "unknown style 'papr'" in r.stderr and "paper" in r.stderr


TEX_PT = 1 / 72.27  # inches


@pytest.mark.parametrize("size, dpi, want", [
    ("column", 100, (221 * TEX_PT * 100, 221 * TEX_PT * 100 * 0.68)),  # the article's \columnwidth on A4
    ("page", 50, (452 * TEX_PT * 50, 452 * TEX_PT * 50 * 0.46)),
    ("article-column", 100, (229.5 * TEX_PT * 100, 229.5 * TEX_PT * 100 * 0.68)),
    ("ieee-column", 100, (252 * TEX_PT * 100, 252 * TEX_PT * 100 * 0.68)),
    ("acm-text", 50, (506.295 * TEX_PT * 50, 506.295 * TEX_PT * 50 * 0.46)),
    ("icml-column", 100, (325, 325 * 0.68)),
    ("lncs-text", 50, (12.2 / 2.54 * 50, 12.2 / 2.54 * 50 * 0.68)),
    ("229.5pt", 100, (229.5 * TEX_PT * 100, 229.5 * TEX_PT * 100 * 0.68)),
    ("81mm", 100, (81 / 25.4 * 100, 81 / 25.4 * 100 * 0.68)),
    ("4x3", 100, (400, 300)),
    ("4inx3in", 100, (400, 300)),
    ("8.89x5cm", 100, (350, 197)),
    ("8.89cm", 100, (350, 238)),
    ("88.9mmx50mm", 100, (350, 197)),
    ("252bp", 100, (350, 238)),
])
def test_sizes(actviz, tmp_path, size, dpi, want):
    out = tmp_path / "s.png"
    r = actviz("plot", "relu", "tanh", "--size", size, "--dpi", dpi, "-o", out)
    assert r.exit_code == 0, r.stderr
    width, height = _size(out)
    # matplotlib truncates to whole pixels; height: 0.68 x a narrow width, 0.46 x a wide one
    assert abs(width - want[0]) <= 1 and abs(height - want[1]) <= 1, (width, height, want)


@pytest.mark.parametrize("size", ["8cmx5", "12 furlongs", "0.1in", "200in", "-3cm", "column x 2"])
def test_bad_sizes(actviz, tmp_path, size):
    r = actviz("plot", "relu", "--size", size, "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "size" in r.stderr, r.stderr
    assert not (tmp_path / "x.png").exists()


def test_column_pdf_is_221pt_wide_with_no_type3_fonts(actviz, tmp_path):
    out = tmp_path / "cmp.pdf"
    r = actviz("plot", "--define", MISH, "mish2", "relu", "tanh", "--style", "paper", "--size", "column",
               "--formula", "legend", "-o", out)
    assert r.exit_code == 0, r.stderr
    pdf = out.read_bytes()
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert float(box.group(1)) == pytest.approx(221 * 72 / 72.27, abs=0.01)  # PDF points: 1/72 in
    # the height: 0.68 of the width, plus what the formula legend's extra rows need
    assert float(box.group(2)) >= 0.68 * float(box.group(1)) - 0.01
    assert b"/Type3" not in pdf and b"/Subtype /Type3" not in pdf
    assert b"/FontFile2" in pdf  # TrueType outlines embedded (Type 42)
    assert b"STIX" in pdf  # the paper serif, math included


def test_legend_and_labels_fit_inside_a_column_figure(tmp_path):
    from actviz.errors import UserError

    specs = ["relu", "tanh", "sigmoid", "elu", "identity"]
    width = api.figure_size("column")[0]
    for formula in ("none", "legend"):
        for derivative in (True, False):
            # only the width given: the figure takes the height its legend needs
            fig = api.plot_figure(specs, styles=["paper"], size=(width, None), formula=formula,
                                  derivative=derivative)
            renderer = fig.canvas.get_renderer()
            fig.draw(renderer)  # under the figure's own style
            drawn = fig.get_tightbbox(renderer)  # inches; everything drawn, legend included
            w, h = fig.get_size_inches()
            assert w == pytest.approx(width) and h >= 0.46 * w
            assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, (formula, derivative, drawn)
            assert drawn.x1 <= w + 0.01 and drawn.y1 <= h + 0.01, (formula, derivative, drawn)
            legend = fig.legends[0].get_window_extent(renderer)
            for ax in fig.axes:  # the legend sits below the panels, overlapping none
                assert not legend.overlaps(ax.get_window_extent(renderer))
                assert ax.get_window_extent(renderer).height > 0.25 * fig.dpi  # panels, not slivers
    # a height given outright that cannot hold five formulas is refused when saved, not written squashed
    squashed = api.plot_figure(specs, styles=["paper"], size=(width, width * 0.46), formula="legend")
    with pytest.raises(UserError, match="too small for its text"):
        api.save(squashed, tmp_path / "squashed.png")
    assert not (tmp_path / "squashed.png").exists()


def test_eps_has_type42_fonts(actviz, tmp_path):
    out = tmp_path / "f.eps"
    r = actviz("plot", "relu", "tanh", "--style", "paper", "--formula", "legend", "-o", out)
    assert r.exit_code == 0, r.stderr
    ps = out.read_bytes()
    assert ps.startswith(b"%!PS-Adobe") and b"/FontType 42" in ps and b"/FontType 3" not in ps


def test_svg_text_on_request(actviz, tmp_path):
    plain, text = tmp_path / "plain.svg", tmp_path / "text.svg"
    assert actviz("plot", "relu", "-o", plain).exit_code == 0
    assert actviz("plot", "relu", "--svg-text", "-o", text).exit_code == 0
    assert "<text" not in plain.read_text()
    body = text.read_text()
    assert "<text" in body and "ReLU" in body


def test_transparent_png(actviz, tmp_path):
    out = tmp_path / "t.png"
    assert actviz("plot", "relu", "--transparent", "-o", out).exit_code == 0
    px = _png(out)
    assert px[0, 0, 3] == 0 and px[..., 3].max() == 255


def test_pgf_is_written_and_holds_the_curves(actviz, tmp_path):
    out = tmp_path / "fig.pgf"
    r = actviz("plot", "--define", MISH, "mish2", "relu", "tanh", "--style", "paper", "--size", "column", "-o", out)
    assert r.exit_code == 0, r.stderr
    pgf = out.read_text()
    assert r"\begin{pgfpicture}" in pgf and pgf.rstrip().endswith(r"\endgroup%")
    assert "mish2" in pgf and "ReLU" in pgf and "Tanh" in pgf
    # the longest stroked path in each curve's colour: mish2 and tanh are smooth curves of many
    # segments (even after path simplification), ReLU is two straight pieces
    longest: dict[tuple, int] = {}
    for chunk in pgf.split(r"\pgfusepath{stroke}")[:-1]:
        colours = re.findall(r"\\definecolor\{currentstroke\}\{rgb\}\{([\d.]+),([\d.]+),([\d.]+)\}", chunk)
        if colours:
            key = tuple(round(float(v), 3) for v in colours[-1])
            longest[key] = max(longest.get(key, 0), chunk.count(r"\pgfpathlineto"))
    mish, relu, tanh = (tuple(round(int(h[i:i + 2], 16) / 255, 3) for i in (1, 3, 5)) for h in OKABE_ITO[:3])
    assert longest[mish] >= 20 and longest[tanh] >= 20 and longest[relu] >= 1, longest
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (apt-get install texlive-latex-base texlive-pictures)")
@pytest.mark.parametrize("measure", ["fonts", "latex"])
def test_pgf_compiles_in_latex(actviz, tmp_path, measure, monkeypatch):
    out = tmp_path / "fig.pgf"
    if measure == "fonts":  # as on a machine without TeX (CI installs every engine)
        from actviz.render import pgf

        monkeypatch.setattr(pgf, "latex_engine", lambda: None)
    styles = ["--style", "paper"]
    if measure == "latex":  # text measured by a running pdflatex, as matplotlib's own PGF backend does
        (tmp_path / "tex.mplstyle").write_text("pgf.texsystem: pdflatex\n")
        styles += ["--style", str(tmp_path / "tex.mplstyle")]
    r = actviz("-v", "plot", "relu", "tanh", *styles, "--size", "column", "--formula", "legend", "-o", out)
    assert r.exit_code == 0, r.stderr
    expected = "LaTeX (pdflatex)" if measure == "latex" else "matplotlib's fonts"
    assert f"Text measured with: {expected}" in out.read_text() and expected in r.stderr
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\n\\usepackage{pgf}\n\\begin{document}\n"
                                      "\\input{fig.pgf}\n\\end{document}\n")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


def test_env_defaults_for_style_size_and_dpi(actviz, tmp_path, monkeypatch):
    monkeypatch.setenv("ACTVIZ_STYLE", "paper dark")
    monkeypatch.setenv("ACTVIZ_SIZE", "4in")
    monkeypatch.setenv("ACTVIZ_DPI", "100")
    out = tmp_path / "env.png"
    r = actviz("plot", "relu", "-o", out)
    assert r.exit_code == 0, r.stderr
    px = _png(out)
    assert _size(out) == (400, 272)
    assert tuple(px[2, 2, :3]) == (0x16, 0x1A, 0x1F)  # dark background
    r = actviz("plot", "relu", "--size", "2x2", "-o", out)  # the command line wins over the environment
    assert _size(out) == (200, 200)


def test_verbose_and_quiet(actviz, tmp_path):
    out = tmp_path / "v.pdf"
    r = actviz("-v", "plot", "relu", "-o", out)
    assert r.exit_code == 0 and str(out) in r.stderr
    r = actviz("-q", "plot", "relu", "-o", out)
    assert r.exit_code == 0 and r.stderr == ""


@pytest.mark.parametrize("count", [3, 5, 7])
def test_legend_reads_in_plotting_order(count):
    from actviz.core.curves import distinct_labels
    from actviz.render.figure import rc_context

    specs = ["relu", "tanh", "sigmoid", "elu", "identity", "elu:alpha=0.5", "elu:alpha=2"][:count]
    fig = api.plot_figure(specs, styles=["paper"], size=(3.5, 2.4))
    with rc_context(["paper"]):
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        texts = fig.legends[0].get_texts()
        boxes = [t.get_window_extent(renderer) for t in texts]
    rows = sorted({round(b.y1 / 5) for b in boxes}, reverse=True)  # top edges: capitals align, descenders do not
    reading = sorted(zip(boxes, texts), key=lambda bt: (rows.index(round(bt[0].y1 / 5)), bt[0].x0))
    labels = distinct_labels([api.activation(s) for s in specs])  # "ELU (alpha=1)" beside "ELU (alpha=2)"
    assert [t.get_text() for _, t in reading] == labels


def test_pgf_with_a_raster_image_names_it_after_the_file(tmp_path):
    from actviz.render.figure import new_figure, rc_context, save_figure

    with rc_context(["paper"]):
        fig = new_figure(3.5, 2.0, dpi=100)
        fig.add_subplot().imshow(np.arange(12.0).reshape(3, 4))
    out = tmp_path / "heat.pgf"
    save_figure(fig, out, styles=["paper"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["heat-img0.png", "heat.pgf"]  # no temporary names
    assert r"\pgfimage[interpolate=" in out.read_text() and "{heat-img0.png}" in out.read_text()
    with Image.open(tmp_path / "heat-img0.png") as im:
        assert im.size[0] > 10 and im.size[1] > 10
