"""actviz warp: a spiral through one layer act(WX + b) and back with W⁺; the article's claims, measured."""
from __future__ import annotations

import io
import csv
import json
import math

import numpy as np
import pytest
from PIL import Image

from actviz import api
from actviz.core import warp
from actviz.errors import UserError

SEEDS = range(8)


def _mean_metric(spec: str, n: int, key: str, **kw) -> float:
    return float(np.mean([api.warp_result([spec], (n,), seed=s, **kw).metrics()[0][key] for s in SEEDS]))


# ----------------------------------------------------------------------------- the spiral and the weights

def test_spiral_starts_at_the_origin_and_is_evenly_spaced():
    X, s = warp.spiral(points=500, turns=2.5, scale=4.0)
    assert X.shape == (500, 2) and s[0] == 0 and s[-1] == 1
    np.testing.assert_allclose(X[0], 0, atol=1e-12)
    assert math.isclose(float(np.hypot(*X[-1])), 4.0, rel_tol=1e-9)
    steps = np.hypot(*np.diff(X, axis=0).T)
    assert steps.std() / steps.mean() < 0.01  # equal arc length between points
    angle = np.unwrap(np.arctan2(X[1:, 1], X[1:, 0]))
    assert 0 < angle[0] < 1 and math.isclose(angle[-1], 2 * math.pi * 2.5)  # 2.5 turns from angle 0
    radius = np.hypot(*X.T)
    assert np.all(np.diff(radius) > 0)  # it winds outwards


def test_grid_lines_cover_the_square_around_the_spiral():
    lines = warp.grid_lines(3.0, count=5, samples=11)
    assert lines.shape == (10, 11, 2)
    np.testing.assert_array_equal(lines[0, :, 0], -3.0)  # first vertical line at x = -3
    np.testing.assert_array_equal(lines[5, :, 1], -3.0)  # first horizontal line at y = -3
    assert lines.min() == -3.0 and lines.max() == 3.0


@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_weight_distributions(n):
    rng = np.random.default_rng(1)
    U = warp.weights(n, "uniform", rng)
    assert U.shape == (n, 2) and np.all(np.abs(U) <= 1)
    O = warp.weights(n, "orthogonal", rng)
    assert O.shape == (n, 2)
    if n >= 2:
        np.testing.assert_allclose(O.T @ O, np.eye(2), atol=1e-12)  # orthonormal columns
    else:
        assert math.isclose(float(np.linalg.norm(O)), 1.0)
    assert warp.weights(n, "normal", rng).shape == (n, 2)


def test_normal_weights_have_the_variance_of_uniform_ones():
    W = warp.weights(20_000, "normal", np.random.default_rng(0))
    assert abs(W.var() - 1 / 3) < 0.01 and abs(W.mean()) < 0.01


def test_unknown_weight_distribution_is_a_user_error():
    with pytest.raises(UserError, match="unknown weight distribution"):
        warp.weights(2, "cauchy", np.random.default_rng(0))


# ----------------------------------------------------------------------------- the round trip

@pytest.mark.parametrize("weights", warp.WEIGHTS)
@pytest.mark.parametrize("bias", [0.0, 2.0])
def test_identity_round_trip_is_exact_for_every_n_from_2(weights, bias):
    r = api.warp_result(["identity"], (2, 3, 5, 30, 200), seed=3, weights=weights, bias=bias, grid=True)
    for row in r.rows:
        np.testing.assert_allclose(row[0].Xp, r.X, atol=1e-11)
        np.testing.assert_allclose(row[0].grid, r.grid, atol=1e-11)
    assert all(m["error"] < 1e-12 and m["collapsed"] == 0 for m in r.metrics())


def test_n_1_maps_the_plane_onto_a_line():
    r = api.warp_result(["identity"], (1,), seed=2)
    w = r.rows[0][0].layer.W[0]
    projection = np.outer(r.X @ w, w) / (w @ w)  # orthogonal projection onto the row of W
    np.testing.assert_allclose(r.rows[0][0].Xp, projection, atol=1e-12)
    assert np.linalg.matrix_rank(r.rows[0][0].Xp, tol=1e-9) == 1


@pytest.mark.torch
@pytest.mark.parametrize("spec, torch_name", [("relu", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
                                              ("elu", "elu"), ("tanhshrink", "tanhshrink")])
@pytest.mark.parametrize("bias", [0.0, 0.7])
def test_round_trip_matches_pytorch(spec, torch_name, bias):
    torch = pytest.importorskip("torch")
    r = api.warp_result([spec], (2, 5, 30), seed=11, points=300, bias=bias)
    X = torch.tensor(r.X)
    for row in r.rows:
        layer = row[0].layer
        W, b = torch.tensor(layer.W), torch.tensor(layer.b)
        H = getattr(torch.nn.functional, torch_name)(X @ W.T + b)
        expected = ((H - b) @ torch.linalg.pinv(W).T).numpy()
        np.testing.assert_allclose(row[0].Xp, expected, rtol=1e-10, atol=1e-10)


def test_every_column_of_a_row_uses_the_same_weights_and_rows_depend_only_on_seed_and_n():
    r = api.warp_result(["relu", "tanh", "elu"], (2, 5, 30), seed=4)
    for row in r.rows:
        assert all(p.layer is row[0].layer for p in row)
    alone = api.warp_result(["relu"], (5,), seed=4)
    np.testing.assert_array_equal(alone.rows[0][0].layer.W, r.rows[1][0].layer.W)
    np.testing.assert_array_equal(alone.rows[0][0].Xp, r.rows[1][0].Xp)


def test_same_seed_same_arrays_other_seed_other_arrays():
    a = api.warp_result(["relu", "sigmoid"], (2, 30), seed=5, bias=1.0)
    b = api.warp_result(["relu", "sigmoid"], (2, 30), seed=5, bias=1.0)
    c = api.warp_result(["relu", "sigmoid"], (2, 30), seed=6, bias=1.0)
    for ra, rb, rc in zip(a.rows, b.rows, c.rows):
        for pa, pb, pc in zip(ra, rb, rc):
            np.testing.assert_array_equal(pa.Xp, pb.Xp)
            assert not np.allclose(pa.Xp, pc.Xp)


def test_the_blend_is_a_straight_line_from_the_input_to_the_round_trip():
    r = api.warp_result(["tanh", "relu"], (2, 5), seed=1, bias=0.5, grid=True)
    for row in r.rows:
        for p in row:
            X0, G0 = p.at(r.X, r.grid, 0.0)
            np.testing.assert_allclose(X0, r.X, atol=1e-11)
            np.testing.assert_allclose(G0, r.grid, atol=1e-11)
            Xt, _ = p.at(r.X, r.grid, 0.3)
            np.testing.assert_allclose(Xt, 0.7 * r.X + 0.3 * p.Xp, atol=1e-11)


def test_blend_schedule_goes_up_and_back_down_smoothly():
    t = warp.blend_schedule(40)
    assert len(t) == 40 and t[0] == 0 and t[20] == 1 and t.max() == 1
    np.testing.assert_allclose(t[1:20], t[39:20:-1])  # symmetric: up, then the same way back
    assert np.all(np.diff(t[:21]) > 0)
    assert abs(t[1] - t[0]) < abs(t[10] - t[9])  # eased: slow at the ends


def test_non_finite_round_trip_is_a_run_time_failure():
    from actviz.errors import RunFailure

    with pytest.raises(RunFailure, match="non-finite"):
        api.warp_result(["soft_exponential:alpha=1"], (2,), scale=1e6)


# ----------------------------------------------------------------------------- the article's claims

def test_relu_loses_less_as_n_grows():
    errors = [_mean_metric("relu", n, "error") for n in (2, 5, 30)]
    affine = [_mean_metric("relu", n, "affine_error") for n in (2, 5, 30)]
    assert errors[0] > errors[1] > errors[2], errors
    assert affine[0] > affine[1] > affine[2], affine
    collapsed = [_mean_metric("relu", n, "collapsed") for n in (2, 5, 30)]
    assert collapsed[0] > collapsed[2] and collapsed[2] < 0.01, collapsed


@pytest.mark.parametrize("n", [2, 5, 30])
def test_sigmoid_loses_more_than_tanh_without_standardised_input(n):
    assert _mean_metric("sigmoid", n, "error") > _mean_metric("tanh", n, "error")


def test_sigmoid_mostly_shrinks_and_shifts_on_small_inputs():
    """On a small spiral sigmoid is nearly affine (1/2 + z/4): a large round-trip error
    that an affine map undoes; saturation on a large spiral is what no affine map undoes."""
    small = [api.warp_result(["sigmoid"], (30,), seed=s, scale=0.5).metrics()[0] for s in SEEDS]
    assert np.mean([m["error"] for m in small]) > 0.7
    assert np.mean([m["affine_error"] for m in small]) < 0.01
    assert _mean_metric("sigmoid", 30, "affine_error", scale=8.0) > 5 * np.mean([m["affine_error"] for m in small])


# ----------------------------------------------------------------------------- metrics against oracles

def _collapsed_brute_force(X, Xp, radius, tol=warp.COLLAPSE_TOL, far=warp.COLLAPSE_FAR):
    d_out = np.hypot(*(Xp[:, None] - Xp[None]).transpose(2, 0, 1))
    d_in = np.hypot(*(X[:, None] - X[None]).transpose(2, 0, 1))
    return float(((d_out <= tol * radius) & (d_in >= far * radius)).any(axis=1).mean())


@pytest.mark.parametrize("spec, n", [("identity", 1), ("relu", 2), ("relu", 5), ("tanh", 2), ("binary_step", 3)])
@pytest.mark.parametrize("max_pairs", [37, 2_000_000])
def test_collapsed_fraction_matches_brute_force(spec, n, max_pairs):
    r = api.warp_result([spec], (n,), seed=2, points=400)
    X, Xp = r.X, r.rows[0][0].Xp
    assert warp.collapsed_fraction(X, Xp, r.scale, max_pairs=max_pairs) == _collapsed_brute_force(X, Xp, r.scale)


def test_collapsed_fraction_extremes_and_the_relu_dead_cone():
    X, _ = warp.spiral(300)
    assert warp.collapsed_fraction(X, X, 3.0) == 0.0
    assert warp.collapsed_fraction(X, np.zeros_like(X), 3.0) == 1.0
    for seed in range(4):
        r = api.warp_result(["relu"], (2,), seed=seed)
        layer = r.rows[0][0].layer
        dead = np.all(r.X @ layer.W.T <= 0, axis=1)  # both units off: the point lands on the origin
        assert r.metrics()[0]["collapsed"] >= dead.mean() > 0


def test_errors_against_their_definitions():
    X, _ = warp.spiral(200)
    Y = 0.25 * X @ np.array([[0.0, -1.0], [1.0, 0.0]]) + [0.3, -2.0]  # rotated, shrunk and shifted
    assert math.isclose(warp.reconstruction_error(X, Y), np.sqrt(((Y - X) ** 2).sum() / (X ** 2).sum()))
    assert warp.affine_error(X, Y) < 1e-12  # an affine map undoes it
    folded = np.abs(X)  # folding is not affine
    assert warp.affine_error(X, folded) > 0.1


# ----------------------------------------------------------------------------- validation

@pytest.mark.parametrize("kwargs, fragment", [
    ({"ns": ()}, "no layer width"),
    ({"ns": (0,)}, "n must be between 1"),
    ({"points": 0}, "between 2 and"),
    ({"points": -3}, "between 2 and"),
    ({"turns": 0.0}, "turns"),
    ({"scale": -1.0}, "scale"),
    ({"weights": "laplace"}, "unknown weight distribution"),
    ({"bias": float("nan")}, "bias"),
])
def test_bad_settings_are_user_errors(kwargs, fragment):
    with pytest.raises(UserError, match=fragment):
        api.warp_result(["relu"], **kwargs)


def test_default_columns_are_the_articles():
    names = [a.name for a in api.warp_result(ns=(2,)).acts]
    assert names == [n for n in warp.DEFAULT_ACTIVATIONS if n in {a.name for a in api.catalogue()}]
    assert names[:5] == ["identity", "sigmoid", "tanh", "relu", "elu"]


# ----------------------------------------------------------------------------- rendering

def test_blitted_frames_equal_full_redraws():
    from actviz.render import warp as render
    from actviz.render.figure import rc_context

    r = api.warp_result(["relu", "tanh"], (2, 5), points=200, grid=True)
    with rc_context(()):
        fast = render.WarpFrames(r, dpi=40, blit=True)
        slow = render.WarpFrames(r, dpi=40, blit=False)
        for t in (0.0, 0.4, 1.0, 0.7):
            np.testing.assert_array_equal(fast.render(t), slow.render(t))


def test_shared_frames_are_alike_and_hold_the_input():
    from actviz.render.warp import frames_for

    r = api.warp_result(["identity", "sigmoid", "relu"], (2, 30), seed=0)
    views = [v for row in frames_for(r, "shared") for v in row]
    assert len({(v.cx, v.cy, v.half) for v in views}) == 1
    assert views[0].half >= np.abs(r.X).max()
    own = frames_for(r, "panel")
    sig = own[1][1]  # sigmoid at n = 30: fitted to a much smaller spiral
    assert sig.half < 0.5 * views[0].half
    assert np.all(np.abs(r.rows[1][1].Xp - [sig.cx, sig.cy]) <= sig.half)


def test_a_panel_thrown_far_out_is_cut_rather_than_shrinking_the_others():
    from actviz.render.warp import MAX_GROW, frames_for, input_half

    r = api.warp_result(["identity", "sigmoid"], (2, 5, 30), seed=1)  # seed 1: sigmoid at n = 2 lands far away
    views = frames_for(r, "shared")
    assert views[0][0].half <= MAX_GROW * input_half(r)
    assert views[0][1].outside > 0 and views[0][0].outside == 0


# ----------------------------------------------------------------------------- the command

def test_cli_png_is_reproducible_and_follows_the_seed(actviz, tmp_path):
    paths = [tmp_path / f"{i}.png" for i in range(3)]
    for path, seed in zip(paths, (0, 0, 1)):
        r = actviz("warp", "relu", "tanh", "--n", "2,5", "--points", "300", "--seed", seed, "--dpi", "50", "-o", path)
        assert r.exit_code == 0, r.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()
    with Image.open(paths[0]) as im:
        assert im.format == "PNG"


def test_cli_metrics_without_output(actviz, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = actviz("warp", "identity", "relu", "--n", "2,30", "--metrics")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].split() == ["ACTIVATION", "N", "ERROR", "AFFINE", "ERROR", "COLLAPSED"]
    assert len(lines) == 5 and lines[1].split()[:3] == ["identity", "2", "0.0000"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_metrics_for_scripts_equal_the_api(actviz, fmt):
    r = actviz("warp", "relu", "elu:alpha=0.5", "--n", "2,5", "--seed", "3", "--metrics-format", fmt)
    assert r.exit_code == 0, r.stderr
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(r.stdout)))
    else:
        records = json.loads(r.stdout)
    expected = api.warp_result(["relu", "elu:alpha=0.5"], (2, 5), seed=3).metrics()
    assert [rec["activation"] for rec in records] == ["relu", "elu:alpha=0.5"] * 2
    for rec, exp in zip(records, expected):
        assert int(rec["n"]) == exp["n"] and int(rec["seed"]) == 3
        for key in ("error", "affine_error", "collapsed"):
            assert float(rec[key]) == exp[key]


def test_cli_figure_and_metrics_together(actviz, tmp_path):
    out = tmp_path / "w.svg"
    r = actviz("warp", "relu", "--n", "2", "--points", "200", "--grid", "--limits", "panel", "--metrics", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"<?xml") and "relu" in r.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--n", "0"], "n must be between 1"),
    (["--n", "2,x"], "whole numbers"),
    (["--n", ","], "at least one width"),
    ([""], "empty activation spec"),
    (["softmax"], "cannot use softmax"),
    (["crelu"], "cannot use crelu"),
    (["relu7"], "did you mean"),
    (["--points", "0"], "between 2 and"),
    (["--points", "-5"], "between 2 and"),
    (["--weights", "cauchy"], "'--weights'"),
    (["--scale", "0"], "scale"),
    (["--seed", "-1"], "'--seed'"),
    (["--animate"], "not 'x.png'"),
    (["--frames", "1", "-o", "x.gif"], "frames must be between"),
    (["-o", "x.bmp"], "unsupported extension"),
])
def test_cli_bad_input_exits_2_in_one_line_without_a_file(actviz, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    if "-o" not in args:
        args = [*args, "-o", "x.png"]
    r = actviz("warp", *args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_choices_are_the_cores():
    from actviz.cli import warp as command

    assert command.WEIGHTS == warp.WEIGHTS and command.LIMITS == warp.LIMITS


def test_cli_needs_something_to_do(actviz):
    r = actviz("warp", "relu")
    assert r.exit_code == 2 and "nothing to do" in r.stderr


def test_cli_small_animation_is_a_looping_gif(actviz, tmp_path):
    out, again = tmp_path / "w.gif", tmp_path / "again.gif"
    for path in (out, again):
        r = actviz("warp", "relu", "sigmoid", "--n", "2,30", "--points", "200", "--frames", "8", "--dpi", "40",
                   "-o", path)
        assert r.exit_code == 0, r.stderr
    assert out.read_bytes() == again.read_bytes()
    with Image.open(out) as im:
        assert im.format == "GIF" and im.n_frames == 8 and im.info.get("loop") == 0
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
    assert durations[0] == durations[4] > durations[1]  # the two ends (t = 0, t = 1) are held longer


@pytest.mark.slow
def test_cli_default_grid_and_animation(actviz, tmp_path):
    png, gif = tmp_path / "warp.png", tmp_path / "warp.gif"
    assert actviz("warp", "-o", png).exit_code == 0
    with Image.open(png) as im:
        assert 1000 < im.width < 2000 and im.height < im.width
    r = actviz("warp", "--animate", "-o", gif)
    assert r.exit_code == 0, r.stderr
    assert gif.stat().st_size < 2_000_000  # the gallery's budget per GIF
    with Image.open(gif) as im:
        assert im.n_frames == 40 and im.info.get("loop") == 0
