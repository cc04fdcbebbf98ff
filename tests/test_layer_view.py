"""Every layer's picture (``train --view layers``, ``actviz layers``), the region counts of
``boundary --units/--regions`` and ``train --regions-log``: what the panels show is what the
network computes, the projections stay fixed, and the numbers printed are the exact ones."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
import torch
from PIL import Image

from actviz import api
from actviz.core import layers as core
from actviz.core import net
from actviz.core import regions as R
from actviz.core.scenes import data_box
from actviz.render import layers as render
from actviz.render.figure import rc_context
from actviz.render.layout import layers_size

QUICK = ["--steps", "40", "--frames", "4", "--count", "80"]


def quick_run(hidden, spec="relu", data="circles", frames=4, steps=40, count=80, seed=0):
    return api.train(spec, hidden=hidden, data=data, steps=steps, frames=frames, count=count, seed=seed)


# ---- the numbers behind the panels ---------------------------------------------------------

def test_layer_values_match_pytorch():
    run = quick_run((5, 3, 4), spec="leaky_relu:negative_slope=0.1", frames=2)
    theta, X = run.final.theta, run.data.X
    values = core.layer_values(run.arch, theta, X)
    h = torch.from_numpy(X)
    ws, bs = run.arch.weights(theta), run.arch.biases(theta)
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = h @ torch.from_numpy(w.copy()) + torch.from_numpy(b.copy())
        if i < len(ws) - 1:
            h = torch.nn.functional.leaky_relu(h, 0.1)
        np.testing.assert_allclose(values[i], h.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(values[-1], net.forward(run.arch, theta, X))


def test_principal_view_is_the_top_two_singular_directions():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(500, 7)) @ np.diag([5, 3, 1, 0.5, 0.2, 0.1, 0.05]) @ np.linalg.qr(rng.normal(size=(7, 7)))[0]
    view = core.principal_view(values + 4.0)
    _, s, vt = np.linalg.svd(values - values.mean(axis=0), full_matrices=False)
    for k in range(2):
        assert abs(abs(view.axes[:, k] @ vt[k]) - 1) < 1e-10
        assert view.axes[np.abs(view.axes[:, k]).argmax(), k] > 0  # the sign rule
    assert view.explained == pytest.approx((s[:2] ** 2).sum() / (s ** 2).sum(), rel=1e-10)
    projected = view(values + 4.0)
    assert projected.mean(axis=0) == pytest.approx([0, 0], abs=1e-10)
    assert projected.var(axis=0, ddof=1) == pytest.approx(s[:2] ** 2 / 499, rel=1e-10)


def test_views_by_width_and_fitted_over_all_snapshots():
    run = quick_run((1, 2, 6), frames=5)
    views = core.fit_views(run)
    assert [v.kind for v in views] == ["line", "units", "pca", "scores"]
    stacked = np.concatenate([core.layer_values(run.arch, s.theta, run.data.X)[2] for s in run.snapshots])
    expected = core.principal_view(stacked)
    np.testing.assert_allclose(views[2].axes, expected.axes, atol=1e-12)
    np.testing.assert_allclose(views[2].mean, expected.mean, atol=1e-12)
    h = core.layer_values(run.arch, run.final.theta, run.data.X)
    np.testing.assert_array_equal(views[1](h[1]), h[1])  # two units drawn as they are
    np.testing.assert_array_equal(views[0](h[0])[:, 0], h[0][:, 0])
    assert not views[0](h[0])[:, 1].any()


def test_three_classes_are_refused():
    run = api.train("relu", hidden=(3,), data="spiral", classes=3, steps=5, frames=2, count=60)
    with pytest.raises(Exception, match="2 classes"):
        core.fit_views(run)


# ---- the frames show the network -----------------------------------------------------------

def test_each_panel_shows_the_layer_and_the_limits_never_move():
    run = quick_run((2, 5), frames=4)
    with rc_context(()):
        source = render.LayerFrames(run, dpi=40)
        limits = None
        for snap in run.snapshots:
            source.render(snap)
            now = [(ax.get_xlim(), ax.get_ylim()) for ax in source.axes]
            assert limits is None or now == limits
            limits = now
            values = core.layer_values(run.arch, snap.theta, run.data.X)
            for panel, (view, vals) in enumerate(zip(source.views, values)):
                shown = {c: np.column_stack(a.get_data()) for (kind, c, _), a in
                         zip(source.parts, source.artists[panel]["lines"]) if kind == "points"}
                for c, xy in shown.items():
                    np.testing.assert_allclose(xy, view(vals[run.data.y == c]), atol=1e-12)
                    (x0, x1), (y0, y1) = limits[panel + 1]
                    assert (xy[:, 0] >= x0).all() and (xy[:, 0] <= x1).all()
                    assert (xy[:, 1] >= y0).all() and (xy[:, 1] <= y1).all()
    titles = [ax.get_title() for ax in source.axes]
    assert titles == ["input", "layer 1: 2 ReLU units", "layer 2: 5 ReLU units", "output"]
    assert any("PCA over all frames" in t.get_text() for t in source.axes[2].texts)


def test_the_boundary_image_lands_on_the_diagonal():
    """The input-plane boundary, pushed through every layer, ends on y' = x' in the output plane."""
    run = quick_run((4, 4), frames=2, steps=200, data="moons")
    with rc_context(()):
        source = render.LayerFrames(run, dpi=40)
        source.update(run.final)
    boundary = np.concatenate(source.input_boundary.get_segments())
    scores = net.forward(run.arch, run.final.theta, boundary)
    assert np.abs(scores[:, 1] - scores[:, 0]).max() < 0.05 * np.abs(scores).max()


@pytest.mark.parametrize("hidden", ["2", "3,2,4", pytest.param("300", marks=pytest.mark.slow),
                                    pytest.param("2,300", marks=pytest.mark.slow)])
def test_train_view_layers_for_one_to_three_layers(actviz, tmp_path, hidden):
    out = tmp_path / "layers.gif"
    r = actviz("train", "relu", "--hidden", hidden, "--view", "layers", *QUICK, "--dpi", "50", "-o", out)
    assert r.exit_code == 0, r.stderr
    with Image.open(out) as im:
        panels = hidden.count(",") + 3
        w, h = layers_size(panels)
        assert im.format == "GIF" and im.n_frames == 4 and im.size == (int(w * 50), int(h * 50))


def test_layers_still_figure(actviz, tmp_path):
    for ext in (".png", ".svg"):
        out = tmp_path / f"still{ext}"
        r = actviz("layers", "relu", "--hidden", "8,8", "--steps", "30", "--count", "80", "--dpi", "60", "-o", out)
        assert r.exit_code == 0, r.stderr
        assert out.stat().st_size > 1000
    fig = api.layers_figure(quick_run((3,), frames=None))
    assert [ax.get_title() for ax in fig.axes] == ["input", "layer 1: 3 ReLU units", "output"]
    assert any("PCA of the data" in t.get_text() for t in fig.axes[1].texts)


# ---- counts printed and logged -------------------------------------------------------------

def test_boundary_prints_the_exact_counts(actviz, tmp_path):
    r = actviz("boundary", "relu@4", "relu@3,3", "sigmoid@4", "--units", "--steps", "150", "--count", "120",
               "-o", tmp_path / "b.png")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[2].startswith("Sigmoid 4: curved boundary")
    ds = api.dataset("circles", count=120)
    for line, hidden in zip(lines, [(4,), (3, 3)]):
        run = api.train("relu", hidden=hidden, data=ds, steps=150, frames=None)
        bd = R.boundary(R.linear_regions(run.arch, run.final.theta, data_box(ds)))
        assert line.endswith(f": {bd.count} segments")
    r = actviz("boundary", "relu@4", "--regions", "--units", "--steps", "150", "--count", "120", "-o", tmp_path / "c.png")
    run = api.train("relu", data=ds, steps=150, frames=None)
    reg = R.linear_regions(run.arch, run.final.theta, data_box(ds))
    assert r.exit_code == 0 and r.stdout.startswith(f"ReLU 4: {reg.count} regions, ")


def test_panels_show_the_counts():
    from actviz.core.fit import FitSettings
    from actviz.render.layout import FigureSettings

    ds = api.dataset(count=100)
    archs = [net.architecture(*net.parse_model(m)) for m in ("relu@4", "tanh@4")]
    panels = api.boundary_panels(archs, ds, FitSettings(steps=100), segments=True)
    assert panels[0].boundary is not None and panels[1].boundary is None
    fig = api.panels_figure(panels, ds, FigureSettings(), units=True)
    assert f"{panels[0].boundary.count} segment" in " ".join(t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(Exception, match="--regions needs a piecewise-linear activation"):
        api.boundary_panels(archs, ds, FitSettings(steps=5), regions=True)


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_regions_log_has_one_row_per_frame(actviz, tmp_path, ext):
    log = tmp_path / f"regions.{ext}"
    r = actviz("train", "relu", "--hidden", "4,3", *QUICK, "--regions-log", log, "-o", tmp_path / "x.gif")
    assert r.exit_code == 0, r.stderr
    text = log.read_text()
    rows = json.loads(text) if ext == "json" else list(csv.DictReader(io.StringIO(text)))
    run = api.train("relu", hidden=(4, 3), steps=40, frames=4, count=80)
    assert [int(row["step"]) for row in rows] == [s.step for s in run.snapshots]
    for row, snap in zip(rows, run.snapshots):
        reg = R.linear_regions(run.arch, snap.theta, data_box(run.data))
        assert (int(row["regions_layer1"]), int(row["regions_layer2"])) == reg.counts
        assert int(row["segments"]) == R.boundary(reg).count


def test_regions_log_leaves_segments_empty_when_not_counted(actviz, tmp_path):
    log = tmp_path / "r.json"
    r = actviz("train", "hardshrink", *QUICK, "--regions-log", log, "-o", tmp_path / "x.gif")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(log.read_text())
    assert len(rows) == 4 and all(row["segments"] is None and row["regions_layer1"] >= 1 for row in rows)


def test_too_many_regions_writes_nothing(actviz, tmp_path, monkeypatch):
    monkeypatch.setattr(R, "MAX_REGIONS", 3)
    r = actviz("train", "relu", "--hidden", "6", *QUICK, "--regions-log", tmp_path / "r.csv", "-o", tmp_path / "x.gif")
    assert r.exit_code == 1 and "more than 3 linear regions" in r.stderr
    assert not list(tmp_path.iterdir())
