"""``actviz boundary``: panels titled like the article, unit lines on w.x + b = 0, and the
shapes the article describes (4 ReLU units: a polygon of at most 8 sides; 300: nearly round)."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from PIL import Image

from actviz import api
from actviz.activations import catalogue
from actviz.core import net
from actviz.render import training as render
from actviz.render.figure import rc_context

QUICK = ["--steps", "150", "--count", "120"]


def test_cli_writes_one_titled_panel_per_model(actviz, tmp_path):
    out = tmp_path / "b.png"
    r = actviz("boundary", "relu@4", "sigmoid", "tanh@3,3", *QUICK, "--units", "-o", out)
    assert r.exit_code == 0, r.stderr
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (int(3 * 2.7 * 150), int(2.85 * 150))


def test_api_titles_like_the_article_and_reports_accuracy():
    fig = api.boundary_figure(["relu@4", "sigmoid@4", "elu:alpha=0.5@8,8"], steps=100, count=100)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["ReLU 4", "Sigmoid 4", "ELU (alpha=0.5) 8-8"]
    for ax in axes:
        texts = [t.get_text() for t in ax.texts]
        assert any(t.endswith("%") for t in texts)


def test_default_models_are_the_articles_figure():
    if "softplus" not in {a.name for a in catalogue()}:
        pytest.skip("softplus not in the catalogue yet")
    titles = [net.architecture(*net.parse_model(m)).title for m in api.ARTICLE_MODELS]
    assert titles == ["Sigmoid 4", "Softplus 4", "ReLU 4", "ReLU 300"]


def unit_collections(ax):
    return [c for c in ax.collections if isinstance(c, LineCollection) and c.get_linestyle()[0][1] is not None]


def test_unit_lines_lie_on_each_first_layer_units_zero_line():
    run = api.train("relu", steps=200, frames=None, count=150)
    wide = api.train("relu", hidden=(net.MAX_UNIT_LINES + 1,), steps=5, frames=None, count=150)
    panels = [render.Panel("ReLU 4", run.arch, run.final.theta, run.final.accuracy),
              render.Panel("wide", wide.arch, wide.final.theta, wide.final.accuracy)]
    with rc_context(()):
        fig = render.boundary_figure(panels, run.data, units=True)
    small, big = fig.axes[:2]
    dashed, = unit_collections(small)
    assert unit_collections(big) == []  # wider layers get no unit lines
    w, b = run.arch.weights(run.final.theta)[0], run.arch.biases(run.final.theta)[0]
    found = set()
    for seg in dashed.get_segments():
        residual = np.abs(seg @ w + b) / np.hypot(*w)  # distance of each vertex to each unit's line
        unit = int(np.argmin(residual.max(axis=0)))
        assert residual[:, unit].max() < 1e-9
        found.add(unit)
    x0, x1, y0, y1 = render.data_box(run.data)
    corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]])
    crossing = {j for j in range(4) if np.ptp(np.sign(corners @ w[:, j] + b[j])) > 0}
    assert found == crossing  # one line for every unit whose line crosses the panel


def corners_and_turning(line: np.ndarray, merge: float = 0.04, least: float = 4.0) -> tuple[int, float, float]:
    """Corners of a closed polyline (turning of more than ``least`` degrees, merged along ``merge``
    of arc length), the turning they carry and the total, in degrees."""
    d = np.diff(line, axis=0)
    d = d[np.hypot(*d.T) > 1e-12]
    angle = np.arctan2(d[:, 1], d[:, 0])
    turn = (np.diff(np.concatenate([angle, angle[:1]])) + np.pi) % (2 * np.pi) - np.pi
    arc = np.cumsum(np.hypot(*d.T))
    clusters: list[list[float]] = []
    for t, s in zip(turn, arc):
        if abs(t) < np.radians(0.5):
            continue
        if clusters and s - clusters[-1][1] < merge:
            clusters[-1][0] += t
            clusters[-1][1] = s
        else:
            clusters.append([t, s])
    big = [abs(c[0]) for c in clusters if abs(c[0]) > np.radians(least)]
    return len(big), float(np.degrees(sum(big))), float(np.degrees(np.abs(turn).sum()))


def closed_boundary(model: str, **kw) -> np.ndarray:
    act, hidden = net.parse_model(model)
    run = api.train(act, hidden=hidden, data="circles", frames=None, **kw)
    assert run.final.accuracy >= 0.95
    xs, ys, raster = render.sample_box(render.data_box(run.data), 300)
    lines = render.boundary_lines(xs, ys, net.forward(run.arch, run.final.theta, raster))
    assert len(lines) == 1 and np.allclose(lines[0][0], lines[0][-1])  # one closed curve around the disk
    return lines[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_four_relu_units_make_a_polygon_of_at_most_eight_sides(seed):
    count, carried, total = corners_and_turning(closed_boundary("relu@4", seed=seed))
    assert 3 <= count <= 8
    assert total == pytest.approx(360, abs=1) and carried > 0.99 * total  # straight between the corners


@pytest.mark.slow
def test_three_hundred_relu_units_make_a_nearly_round_boundary():
    line = closed_boundary("relu@300")
    count, carried, total = corners_and_turning(line)
    assert count >= 12  # many short facets instead of a handful of long sides
    r = np.hypot(*line.T)
    assert r.std() / r.mean() < 0.05 and 0.5 < r.mean() < 0.8  # round, in the gap between disk and ring


@pytest.mark.parametrize("args, fragment", [
    (["relu@0"], "between 1 and"),
    (["relu@"], "no layer sizes"),
    (["crelu@4"], "boundary cannot use crelu"),
    (["relu", "--data", "nope"], "unknown data set"),
    (["relu", "--steps", "0"], "steps must be"),
    (["relu", "--lr", "0"], "learning rate"),
    (["relu", "--hidden", "-3"], "between 1 and"),
])
def test_bad_input_exits_2_in_one_line_without_a_file(actviz, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    r = actviz("boundary", *args, "-o", "b.png")
    assert r.exit_code == 2, r.stderr
    line, = r.stderr.strip().splitlines()
    assert fragment in line
    assert list(tmp_path.iterdir()) == []


def test_wrong_extension_is_refused(actviz, tmp_path):
    r = actviz("boundary", "relu", "-o", tmp_path / "b.gif")
    assert r.exit_code == 2 and "unsupported extension .gif" in r.stderr


def test_pictures_are_the_same_evaluated_in_blocks_or_at_once(monkeypatch):
    """The decision regions of relu@300 over a 300 x 300 raster come in 27 blocks of points; the
    figure is the same bytes as from one evaluation (which held 90,000 x 300 values at once)."""
    import io

    act, hidden = net.parse_model("relu@300")
    run = api.train(act, hidden=hidden, data="circles", count=100, steps=30, frames=None)
    panel = render.Panel("ReLU 300", run.arch, run.final.theta, run.final.accuracy)
    assert 90_000 // net.block_rows(run.arch) >= 20
    pngs = []
    for block_values in (net.BLOCK_VALUES, 1 << 40):
        monkeypatch.setattr(net, "BLOCK_VALUES", block_values)
        with rc_context(()):
            fig = render.boundary_figure([panel, panel], run.data, dpi=40)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=40, metadata={"Software": None})
        pngs.append(buf.getvalue())
    assert pngs[0] == pngs[1]
