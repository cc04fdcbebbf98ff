"""Deep stacks: gradients against PyTorch autograd, the mean-field recursion against measured
per-layer variances, the initialisation schemes, the convergence runs and ``actviz depth``."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from actviz import api
from actviz.core import converge, depth, gain, inits, net
from actviz.core.spec import parse_spec
from actviz.errors import UserError

TORCH = {
    "relu": lambda F, x: F.relu(x),
    "tanh": lambda F, x: F.tanh(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "elu": lambda F, x: F.elu(x),
    "selu": lambda F, x: F.selu(x),
    "gelu": lambda F, x: F.gelu(x),
    "leaky_relu:negative_slope=0.2": lambda F, x: F.leaky_relu(x, 0.2),
    "softplus": lambda F, x: F.softplus(x),
}


@pytest.mark.torch
@pytest.mark.parametrize("spec", sorted(TORCH))
@pytest.mark.parametrize("scheme", ["he", "orthogonal", "xavier-normal"])
def test_deep_stack_gradients_equal_pytorch_autograd(spec, scheme):
    """dL/dz_l and dL/dW_l of every layer of a 12-layer stack, L = sum(r * h_L), in float64."""
    torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")
    act = parse_spec(spec)
    settings = depth.DepthSettings((act,), depth=12, width=24, input_dim=10, samples=16, seed=3, bias_std=0.2)
    ws, bs, _, _ = depth.build(act, inits.parse_init(scheme), settings)
    X, r = depth.draw_inputs(settings)
    zs, hs, deltas, gws = depth.propagate(act, ws, bs, X, r, weight_grads=True)

    F = torch.nn.functional
    tw = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, dtype=torch.float64) for b in bs]
    h = torch.tensor(X, dtype=torch.float64)
    tz = []
    for w, b in zip(tw, tb):
        z = h @ w + b
        z.retain_grad()
        tz.append(z)
        h = TORCH[spec](F, z)
    (torch.tensor(r) * h).sum().backward()
    for i in range(len(ws)):
        np.testing.assert_allclose(zs[i], tz[i].detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(deltas[i], tz[i].grad.numpy(), rtol=1e-10, atol=1e-13 * np.abs(deltas[i]).max())
        np.testing.assert_allclose(gws[i], tw[i].grad.numpy(), rtol=1e-10, atol=1e-13 * np.abs(gws[i]).max())
    np.testing.assert_allclose(hs[-1], h.detach().numpy(), rtol=1e-12, atol=1e-14)


# ---- the mean-field recursion against measurement ------------------------------------------

def test_each_layer_follows_the_one_step_map():
    """Given the previous layer h, each input s reaches layer l with variance q(s) = v |h(s)|^2 over the
    independent rows of W_l, so the mean square of the activations is the mean of V(q(s)) =
    E[phi(sqrt(q(s)) Z)^2], the Gaussian step of the recursion: checked to 4 standard errors over units."""
    settings = depth.DepthSettings((parse_spec("tanh"),), depth=6, width=512, samples=256, seed=1)
    X, r = depth.draw_inputs(settings)
    for spec, scheme in (("tanh", "gain"), ("sigmoid", "xavier"), ("elu", "he"), ("hardswish", "gain")):
        act = parse_spec(spec)
        ws, bs, vs, _ = depth.build(act, inits.parse_init(scheme), settings)
        zs, hs, deltas, _ = depth.propagate(act, ws, bs, X, r)
        previous = X
        for v, h in zip(vs, hs):
            q = v * np.sum(previous * previous, axis=1)  # no bias here
            predicted = float(np.mean(gain.second_moment(act, q)))
            per_unit = np.mean(h * h, axis=0)  # units are independent given the previous layer
            se = per_unit.std(ddof=1) / math.sqrt(per_unit.size)
            assert abs(per_unit.mean() - predicted) <= 4 * se, (spec, scheme, per_unit.mean(), predicted, se)
            previous = h


def test_a_wide_tanh_stack_follows_the_recursion_from_the_input():
    """Orthogonal tanh layers: the forward mean squares within 2 % of the mean-field prediction; the
    gradients within 6 % (their finite-width corrections add up over depth / width = 10 / 256 = 4 %)."""
    cell = api.depth_result(["tanh"], ["orthogonal"], depth=10, width=256, samples=256).cells[0][0]
    np.testing.assert_allclose(cell.measured[:2], cell.predicted[:2], rtol=0.02)
    np.testing.assert_allclose(cell.measured[2], cell.predicted[2], rtol=0.06)


@pytest.mark.slow
@pytest.mark.parametrize("spec, scheme, input_dim", [
    ("tanh", "gain", None), ("relu", "he", None), ("sigmoid", "xavier", None), ("elu", "gain", None),
    ("relu", "xavier", 128), ("tanh", "he-fan-out", 128), ("selu", "lecun", None),
])
def test_the_recursion_predicts_the_mean_over_networks(spec, scheme, input_dim):
    """Over 8 independent wide stacks, the mean of measured / predicted is 1 for pre-activations,
    activations and gradients of every layer, within 4 standard errors of that mean plus a
    finite-width allowance of 1/width (the recursion is exact as the width grows)."""
    act, init = parse_spec(spec), inits.parse_init(scheme)
    ratios = []
    for seed in range(8):
        settings = depth.DepthSettings((act,), (init,), depth=8, width=512, input_dim=input_dim, samples=128, seed=seed)
        X, r = depth.draw_inputs(settings)
        cell = depth.measure(act, init, settings, X, r)
        ratios.append(cell.measured / cell.predicted)
    ratios = np.array(ratios)
    mean = ratios.mean(axis=0)
    se = ratios.std(axis=0, ddof=1) / math.sqrt(len(ratios))
    assert np.all(np.abs(mean - 1) <= 4 * se + 1 / 512), (mean, se)


def test_relu_and_xavier_halve_the_variance_per_layer():
    """sigma_w = 1 with ReLU: q_{l+1} = q_l / 2 exactly in the recursion, and about so in the stack."""
    cell = api.depth_result(["relu"], ["lecun"], depth=6, width=256, samples=256).cells[0][0]
    np.testing.assert_allclose(cell.predicted[0], 0.5 ** np.arange(6), rtol=1e-14)
    assert np.all(np.abs(cell.zeros[1:] - 0.5) < 0.05)  # half of ReLU's outputs and gradients are exact zeros
    slope = np.polyfit(np.arange(6), np.log2(cell.measured[0]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.1)


def test_sigmoid_gradients_vanish_geometrically():
    """The articles' claim: the sigmoid's slope (at most 1/4) makes gradients shrink layer by layer."""
    cell = api.depth_result(["sigmoid"], ["xavier"], depth=12, width=128, samples=128).cells[0][0]
    grad = cell.measured[2]
    assert np.all(np.diff(np.log(grad)) > 0)  # smaller at every step towards the input
    assert grad[0] / grad[-1] < 1e-8
    factor = 1.0 * gain.slope_moment(parse_spec("sigmoid"), cell.predicted[0][-2])  # sigma_w^2 C(q), sigma_w = 1
    assert 0 < factor < 1 / 16 + 1e-12  # E[sigmoid'^2] <= (1/4)^2


# ---- initialisations ---------------------------------------------------------------------

@pytest.mark.parametrize("scheme", inits.SCHEMES)
@pytest.mark.parametrize("shape", [(300, 200), (200, 300)])
def test_draws_have_the_variance_the_recursion_uses(scheme, shape):
    init = inits.parse_init(scheme)
    g2 = init.gain2(parse_spec("tanh"))
    w = inits.draw(init, g2, *shape, np.random.default_rng(0))
    assert w.shape == shape
    assert np.mean(w * w) == pytest.approx(inits.entry_variance(init, g2, *shape), rel=0.02)


def test_orthogonal_is_orthogonal_and_scaled_by_its_gain():
    init = inits.parse_init("orthogonal:1.5")
    for shape in ((64, 32), (32, 64)):
        w = inits.draw(init, 2.25, *shape, np.random.default_rng(1))
        small = w.T @ w if shape[0] >= shape[1] else w @ w.T
        np.testing.assert_allclose(small, 2.25 * np.eye(min(shape)), atol=1e-12)


def test_scheme_names_and_gains():
    assert inits.parse_init("he") == inits.Init("he-fan-in")
    assert inits.parse_init("Xavier") == inits.Init("xavier-uniform")
    assert inits.parse_init("kaiming_fan_out") == inits.Init("he-fan-out")
    assert inits.parse_init("gain:1.5") == inits.Init("gain", 1.5) and inits.Init("gain", 1.5).spec == "gain:1.5"
    relu, tanh = parse_spec("relu"), parse_spec("tanh")
    assert inits.Init("gain").gain2(relu) == pytest.approx(2.0, rel=1e-15)
    assert inits.Init("orthogonal").gain2(tanh) == pytest.approx(gain.gain(tanh) ** 2, rel=1e-15)
    assert inits.Init("gain").gain2(tanh, 4.0) == pytest.approx(gain.gain(tanh, 4.0) ** 2, rel=1e-15)
    for bad in ("nope", "gain:0", "gain:-1", "gain:abc", "he:nan"):
        with pytest.raises(UserError):
            inits.parse_init(bad)
    with pytest.raises(UserError, match="cannot compute a gain"):
        inits.Init("gain").gain2(parse_spec("soft_exponential:alpha=-0.5"))


def test_he_and_xavier_are_the_weights_train_uses():
    """The same names give the same numbers here and in actviz train (net.init), layer by layer."""
    arch = net.architecture(parse_spec("relu"), (16, 16), classes=2)
    for name in ("he", "xavier"):
        theta = net.init(arch, np.random.default_rng(4), name)
        rng = np.random.default_rng(4)
        init = inits.parse_init(name)
        for w in arch.weights(theta)[:-1]:
            assert np.array_equal(w, inits.draw(init, init.gain2(arch.act), *w.shape, rng))


def test_train_init_gain_uses_the_computed_gain():
    arch = net.architecture(parse_spec("tanh"), (400,), classes=2, inputs=400)
    w = arch.weights(net.init(arch, np.random.default_rng(0), "gain"))[0]
    assert np.var(w) * 400 == pytest.approx(gain.gain(parse_spec("tanh")) ** 2, rel=0.02)
    assert net.init_scheme(parse_spec("relu"), "gain") == "gain"
    assert net.init_scheme(parse_spec("relu"), "auto") == "he"  # auto stays the article's advice


# ---- determinism and the grid -------------------------------------------------------------

def test_a_cell_does_not_depend_on_the_rest_of_the_grid():
    small = api.depth_result(["tanh"], ["he"], depth=4, width=32, samples=16, seed=7).cells[0][0]
    big = api.depth_result(["relu", "tanh"], ["lecun", "he", "gain"], depth=4, width=32, samples=16,
                           seed=7).cells[1][1]
    assert np.array_equal(small.measured, big.measured) and np.array_equal(small.quantiles, big.quantiles)
    again = api.depth_result(["tanh"], ["he"], depth=4, width=32, samples=16, seed=7).cells[0][0]
    assert np.array_equal(small.measured, again.measured)
    other = api.depth_result(["tanh"], ["he"], depth=4, width=32, samples=16, seed=8).cells[0][0]
    assert not np.array_equal(small.measured, other.measured)


def test_the_rows_behind_the_panels():
    result = api.depth_result(["relu", "tanh"], ["he", "gain:1.2"], depth=3, width=16, samples=8)
    rows = result.rows()
    assert len(rows) == 2 * 2 * 3 * 3 and len(rows[0]) == len(result.COLUMNS)
    first = dict(zip(result.COLUMNS, rows[0]))
    assert first["activation"] == "relu" and first["init"] == "he-fan-in" and first["layer"] == 1
    assert first["quantity"] == "pre" and first["gain"] == pytest.approx(math.sqrt(2))
    cell = result.cells[0][0]
    assert first["mean_square"] == cell.measured[0, 0] and first["mean_field"] == cell.predicted[0, 0]
    assert {r[1] for r in rows} == {"he-fan-in", "gain:1.2"}


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(depth=0), "depth must be"), (dict(width=0), "width must be"), (dict(samples=1), "samples must be"),
    (dict(inputs="cauchy"), "unknown input distribution"), (dict(input_var=0), "input variance"),
    (dict(bias_std=-1), "bias standard deviation"), (dict(depth=500, width=4096, samples=100_000), "too much work"),
])
def test_bad_stack_settings(kwargs, fragment):
    with pytest.raises(UserError, match=fragment):
        api.depth_result(["relu"], ["he"], **kwargs)


def test_exploding_stacks_stay_finite_or_stop_predicting():
    """A gain far too large overflows: the measured numbers become inf, never a crash."""
    cell = api.depth_result(["relu"], ["gain:30"], depth=120, width=16, samples=4).cells[0][0]
    assert np.isinf(cell.measured[0, -1]) or cell.measured[0, -1] > 1e300
    assert np.isnan(cell.predicted[0, -1])


# ---- the convergence runs -----------------------------------------------------------------

def test_run_zero_is_the_network_actviz_train_trains():
    result = api.convergence_result(["tanh"], ["he"], hidden=(8, 8), data="moons", count=60, seed=2, seeds=2,
                                    steps=15, optimizer="momentum")
    run = api.train("tanh", hidden=(8, 8), data="moons", count=60, seed=2, steps=15, optimizer="momentum",
                    weight_decay=0.0, init="he", frames=None)
    np.testing.assert_array_equal(result.runs[0][0].loss[0], run.curve.loss)
    assert not np.array_equal(result.runs[0][0].loss[1], run.curve.loss)


def test_convergence_rows_and_divergence():
    result = api.convergence_result(["identity"], ["he", "xavier"], hidden=(8,) * 3, data="circles", count=40,
                                    seeds=2, steps=20,
                                    optimizer="sgd", lr=1e6)
    for runs in result.runs[0]:
        assert all(d is not None for d in runs.diverged)
        for curve, at in zip(runs.loss, runs.diverged):
            assert np.isfinite(curve[:at]).all() and np.isposinf(curve[at:]).all()
    rows = result.rows()
    assert len(rows) == 2 * 2 * 21 and rows[0][:5] == ["identity", "he", 0, 0, 0]
    summary = result.runs[0][0].summary()
    assert summary.shape == (5, 21)


def test_convergence_settings_are_checked_first():
    with pytest.raises(UserError, match="seeds must be"):
        api.convergence_result(seeds=0)
    with pytest.raises(UserError, match="cannot use softmax"):
        api.convergence_result(["softmax"])
    with pytest.raises(UserError, match="unknown initialisation"):
        api.convergence_result(["relu"], ["glorious"])
    with pytest.raises(UserError, match="too much work"):
        api.convergence_settings(["relu"], ["he"], hidden=(4096,) * 50, count=10_000, seeds=100, steps=10_000)


# ---- the command --------------------------------------------------------------------------

def test_cli_grid_figure_and_numbers(actviz, tmp_path):
    out, data = tmp_path / "d.png", tmp_path / "d.json"
    r = actviz("depth", "tanh", "relu", "--init", "he,gain", "--depth", "4", "--width", "32", "--samples", "16",
               "--dpi", "50", "-o", out, "--data", data)
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    records = json.loads(data.read_text())
    assert len(records) == 2 * 2 * 4 * 3 and set(records[0]) == set(depth.DepthResult.COLUMNS)
    again = tmp_path / "e.png"
    actviz("depth", "tanh", "relu", "--init", "he,gain", "--depth", "4", "--width", "32", "--samples", "16",
           "--dpi", "50", "-o", again)
    assert again.read_bytes() == out.read_bytes()


def test_cli_numbers_only_and_train_mode(actviz, tmp_path):
    csv = tmp_path / "n.csv"
    r = actviz("depth", "selu", "--init", "lecun", "--depth", "3", "--width", "8", "--samples", "4", "--data", csv)
    assert r.exit_code == 0 and csv.read_text().splitlines()[0].startswith("activation,init,gain,layer")
    out = tmp_path / "c.png"
    r = actviz("depth", "relu", "--train", "--depth", "2", "--width", "8", "--count", "40", "--seeds", "2",
               "--steps", "10", "--dpi", "50", "-o", out, "--data", tmp_path / "c.tsv")
    assert r.exit_code == 0, r.stderr
    assert out.is_file() and (tmp_path / "c.tsv").read_text().splitlines()[0] == "activation\tinit\trun\tseed\tstep\tloss"


def test_cli_choices_agree_with_the_core():
    from actviz.cli import depth as cmd

    assert cmd.INPUT_NAMES == depth.INPUTS and cmd.OPTIMIZER_NAMES == net.OPTIMIZERS
    assert cmd.GRID_DEFAULTS["inits"] == ",".join(depth.DEFAULT_INITS)
    assert cmd.GRID_DEFAULTS["acts"] == depth.DEFAULT_ACTIVATIONS
    assert cmd.TRAIN_DEFAULTS["acts"] == converge.DEFAULT_ACTIVATIONS
    assert cmd.TRAIN_DEFAULTS["inits"] == ",".join(converge.DEFAULT_INITS)
    assert (cmd.TRAIN_DEFAULTS["width"],) * cmd.TRAIN_DEFAULTS["depth"] == converge.DEFAULT_HIDDEN


# ---- the order-to-chaos plane -------------------------------------------------------------

def test_phase_plane_follows_the_exact_recursion():
    """The tabulated, interpolated recursion of the plane agrees with the quadrature one point by point
    (to 1e-3 after 11 layers: the tables are interpolated linearly in log-log, 40 points per decade)."""
    result = api.phase_result(["tanh", "elu"], depth=12, sigma_w=(0.5, 3.0), sigma_b=(0.0, 0.8))
    for p in result.phases:
        for i, j in ((0, 10), (40, 60), (149, 199), (75, 120)):
            sw, sb = p.sigma_w[j], p.sigma_b[i]
            q, log_ratio = sw ** 2 + sb ** 2, 0.0
            for _ in range(11):
                log_ratio += math.log10(float(gain.chi(p.act, q, sw ** 2)))
                q = float(gain.forward(p.act, q, sw ** 2, sb ** 2))
            assert p.log_ratio[i, j] == pytest.approx(log_ratio, abs=1e-3 * max(1.0, abs(log_ratio)))
            assert p.q[i, j] == pytest.approx(q, rel=1e-3)
            assert p.chi[i, j] == pytest.approx(float(gain.chi(p.act, q, sw ** 2)), rel=1e-3)


def test_relu_edge_is_sqrt2_for_every_bias_and_the_plane_matches_the_stack():
    """ReLU: each layer multiplies the gradient's mean square by sigma_w^2 / 2, whatever q and sigma_b."""
    p = api.phase_result(["relu"], depth=20).phases[0]
    expected = 19 * np.log10(p.sigma_w ** 2 / 2)
    np.testing.assert_allclose(p.log_ratio, np.broadcast_to(expected, p.log_ratio.shape), rtol=1e-6, atol=1e-9)
    tanh = api.phase_result(["tanh"], depth=20).phases[0]
    j = int(np.argmin(np.abs(tanh.sigma_w - 1.0)))
    cell = api.depth_result(["tanh"], [f"lecun:{float(tanh.sigma_w[j])!r}"], depth=20, width=256).cells[0][0]
    measured = math.log10(cell.measured[2, 0] / cell.measured[2, -1])
    assert measured == pytest.approx(tanh.log_ratio[0, j], abs=0.1)  # one network of 256 units


def test_phase_marks_sit_at_each_schemes_sigma_w():
    p = api.phase_result(["tanh"], inits="xavier,he,lecun:2,orthogonal,gain").phases[0]
    marks = dict(p.marks)
    assert marks["Xavier uniform"] == pytest.approx(1.0) and marks["He fan-in"] == pytest.approx(math.sqrt(2))
    assert marks["LeCun, g = 2"] == pytest.approx(2.0)
    assert marks["orthogonal"] == pytest.approx(api.gain("tanh")) == marks["computed gain"]
    assert api.phase_result(["tanh"], inits=()).phases[0].marks == ()


def test_phase_settings_are_checked():
    for kwargs, fragment in ((dict(depth=1), "depth must be"), (dict(sigma_w=(0.0, 1.0)), "bad --sigma-w"),
                             (dict(sigma_b=(1.0, 0.5)), "bad --sigma-b"), (dict(input_var=-1), "input variance"),
                             (dict(bias_std=math.nan), "bias standard deviation"), (dict(gain_var=0), "gain variance"),
                             (dict(inits="nope"), "unknown initialisation")):
        with pytest.raises(UserError, match=fragment):
            api.phase_result(["tanh"], **kwargs)
    with pytest.raises(UserError, match="cannot use softmax"):
        api.phase_result(["softmax"])


def test_cli_phase(actviz, tmp_path):
    out, data = tmp_path / "p.png", tmp_path / "p.csv"
    r = actviz("depth", "tanh", "--phase", "--init", "xavier,gain:1.5", "--dpi", "40", "-o", out, "--data", data)
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
    lines = data.read_text().splitlines()
    assert lines[0] == "activation,sigma_w,sigma_b,q_last,chi,log10_gradient_ratio"
    assert len(lines) == 1 + 200 * 150
