"""The numpy network: gradients against finite differences and PyTorch, optimisers against
torch.optim, initialisation statistics, frame schedules, divergence and repeatability."""
from __future__ import annotations

import math

import numpy as np
import pytest

from actviz import api
from actviz.core import datasets, net
from actviz.activations import catalogue, parse_spec
from actviz.errors import RunFailure, UserError

CATALOGUE = {a.name for a in catalogue()}


def problem(spec: str, hidden, classes: int = 2, count: int = 60, seed: int = 0):
    """A small problem with generic parameters (no pre-activation exactly at a kink)."""
    ds = datasets.make("spiral" if classes > 2 else "moons", count, 0.1, seed, classes)
    arch = net.architecture(parse_spec(spec), hidden, classes=classes)
    rng = np.random.default_rng(seed + 1)
    theta = net.init(arch, rng) + rng.normal(0.0, 0.2, arch.n_params)
    return arch, theta, ds


@pytest.mark.parametrize("spec", ["relu", "sigmoid", "tanh", "elu:alpha=0.7", "softplus", "leaky_relu:negative_slope=0.2"])
@pytest.mark.parametrize("hidden, classes", [((4,), 2), ((5, 3), 2), ((6,), 3)])
def test_gradient_matches_central_differences(spec, hidden, classes):
    if spec.split(":")[0] not in CATALOGUE:
        pytest.skip(f"{spec} not in the catalogue")
    arch, theta, ds = problem(spec, hidden, classes)
    onehot = net.one_hot(ds.y, classes)
    value, grad, logits = net.loss_and_grad(arch, theta, ds.X, onehot, 0.03)
    assert logits.shape == (len(ds.X), classes)
    h = 1e-6
    numeric = np.empty_like(theta)
    for i in range(arch.n_params):
        e = np.zeros_like(theta)
        e[i] = h
        numeric[i] = (net.loss(arch, theta + e, ds.X, ds.y, 0.03) - net.loss(arch, theta - e, ds.X, ds.y, 0.03)) / (2 * h)
    assert value == pytest.approx(net.loss(arch, theta, ds.X, ds.y, 0.03))
    np.testing.assert_allclose(grad, numeric, atol=2e-8, rtol=1e-6)


def test_layout_is_one_flat_vector_of_views():
    arch = net.architecture(parse_spec("relu"), (4, 3), classes=2)
    assert arch.sizes == (2, 4, 3, 2) and arch.n_weights == 8 + 12 + 6 and arch.n_params == 26 + 4 + 3 + 2
    theta = np.arange(arch.n_params, dtype=float)
    w1, w2, w3 = arch.weights(theta)
    assert w1.shape == (2, 4) and w2.shape == (4, 3) and w3.shape == (3, 2)
    assert np.shares_memory(w2, theta) and w1[0, 0] == 0 and w3[-1, -1] == arch.n_weights - 1
    b1, _, b3 = arch.biases(theta)
    assert b1[0] == arch.n_weights and b3[-1] == arch.n_params - 1
    assert arch.title == "ReLU 4-3"


# ---- PyTorch as the oracle -------------------------------------------------------------

TORCH_FUNCTIONS = {
    "relu": lambda F, x: F.relu(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "tanh": lambda F, x: F.tanh(x),
    "elu": lambda F, x: F.elu(x),
    "softplus": lambda F, x: F.softplus(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.01),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x),
    "silu": lambda F, x: F.silu(x),
    "gelu": lambda F, x: F.gelu(x),
    "mish": lambda F, x: F.mish(x),
    "softsign": lambda F, x: F.softsign(x),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "hardtanh": lambda F, x: F.hardtanh(x),
    "relu6": lambda F, x: F.relu6(x),
}


def torch_loss_and_grads(torch, arch, theta, X, y, weight_decay, fn):
    """The same network written in PyTorch from the same numbers, differentiated by autograd."""
    F = torch.nn.functional
    ws = [torch.tensor(w.copy(), dtype=torch.float64, requires_grad=True) for w in arch.weights(theta)]
    bs = [torch.tensor(b.copy(), dtype=torch.float64, requires_grad=True) for b in arch.biases(theta)]
    h = torch.tensor(X, dtype=torch.float64)
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = h @ w + b
        if i < len(ws) - 1:
            h = fn(F, h)
    loss = F.cross_entropy(h, torch.tensor(y)) + 0.5 * weight_decay * sum((w ** 2).sum() for w in ws)
    loss.backward()
    grad = np.concatenate([w.grad.numpy().ravel() for w in ws] + [b.grad.numpy() for b in bs])
    return float(loss.detach()), grad


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(TORCH_FUNCTIONS))
@pytest.mark.parametrize("hidden", [(4,), (6, 5)])
def test_loss_and_gradients_equal_pytorch(name, hidden):
    torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")
    if name not in CATALOGUE:
        pytest.skip(f"{name} not in the catalogue")
    arch, theta, ds = problem(name, hidden, count=80, seed=5)
    value, grad, _ = net.loss_and_grad(arch, theta, ds.X, net.one_hot(ds.y, 2), 0.01)
    ref_value, ref_grad = torch_loss_and_grads(torch, arch, theta, ds.X, ds.y, 0.01, TORCH_FUNCTIONS[name])
    assert value == pytest.approx(ref_value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-9, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("name, lr, make", [
    ("sgd", 0.5, lambda t, p, lr: t.optim.SGD(p, lr=lr)),
    ("momentum", 0.1, lambda t, p, lr: t.optim.SGD(p, lr=lr, momentum=0.9)),
    ("adam", 0.02, lambda t, p, lr: t.optim.Adam(p, lr=lr)),
])
def test_optimisers_follow_torch_optim(name, lr, make):
    torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")
    arch, theta, ds = problem("tanh", (5,), count=50, seed=2)
    mine = theta.copy()
    for _ in net.train(arch, mine, ds.X, ds.y, steps=25, lr=lr, optimizer_name=name, weight_decay=0.01):
        pass
    ws = [torch.tensor(w.copy(), requires_grad=True) for w in arch.weights(theta)]
    bs = [torch.tensor(b.copy(), requires_grad=True) for b in arch.biases(theta)]
    opt = make(torch, ws + bs, lr)
    X, y = torch.tensor(ds.X), torch.tensor(ds.y)
    for _ in range(25):
        opt.zero_grad()
        h = torch.tanh(X @ ws[0] + bs[0]) @ ws[1] + bs[1]
        loss = torch.nn.functional.cross_entropy(h, y) + 0.005 * sum((w ** 2).sum() for w in ws)
        loss.backward()
        opt.step()
    theirs = np.concatenate([w.detach().numpy().ravel() for w in ws] + [b.detach().numpy() for b in bs])
    np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


# ---- initialisation ------------------------------------------------------------------

@pytest.mark.parametrize("spec, scheme", [("relu", "he"), ("leaky_relu", "he"), ("elu", "he"), ("gelu", "he"),
                                          ("softplus", "xavier"), ("sigmoid", "xavier"), ("tanh", "xavier")])
def test_auto_initialisation_follows_the_article(spec, scheme):
    if spec not in CATALOGUE:
        pytest.skip(f"{spec} not in the catalogue")
    assert net.init_scheme(parse_spec(spec), "auto") == scheme
    assert net.init_scheme(parse_spec(spec), "xavier") == "xavier"


def test_he_and_xavier_variances():
    arch = net.architecture(parse_spec("relu"), (400, 300), classes=2)
    rng = np.random.default_rng(0)
    w1, w2, w3 = arch.weights(net.init(arch, rng, "he"))
    assert w2.var() == pytest.approx(2 / 400, rel=0.03)  # He: 2 / fan_in
    assert w3.var() == pytest.approx(2 / 302, rel=0.1)  # the softmax layer always gets Xavier
    x1, x2, _ = arch.weights(net.init(arch, rng, "xavier"))
    assert x2.var() == pytest.approx(2 / 700, rel=0.03)  # Xavier: 2 / (fan_in + fan_out)
    assert np.abs(x2).max() <= math.sqrt(6 / 700)
    theta = net.init(arch, rng)
    assert all(np.all(b == net.HIDDEN_BIAS) for b in arch.biases(theta)[:-1]) and not arch.biases(theta)[-1].any()


# ---- training ------------------------------------------------------------------------

@pytest.mark.parametrize("steps, frames", [(1000, 48), (10, 10), (5, 2), (100000, 60), (7, 3)])
def test_frame_schedule(steps, frames):
    for schedule in ("log", "linear"):
        s = net.frame_steps(steps, frames, schedule)
        assert len(s) == frames and s[0] == 0 and s[-1] == steps and np.all(np.diff(s) > 0)
    log = net.frame_steps(steps, frames, "log")
    lin = net.frame_steps(steps, frames, "linear")
    assert np.all(log <= lin)  # the log schedule is denser early on


@pytest.mark.parametrize("steps, frames, fragment", [(10, 1, "at least 2"), (10, 11, "at most 10 frames")])
def test_frame_schedule_refuses(steps, frames, fragment):
    with pytest.raises(UserError, match=fragment):
        net.frame_steps(steps, frames)


def test_snapshots_and_curve_agree_with_the_loss_function():
    arch, theta, ds = problem("relu", (4,))
    theta0 = theta.copy()
    curve = net.TrainingCurve.empty(40)
    snaps = list(net.train(arch, theta, ds.X, ds.y, steps=40, lr=0.02, weight_decay=1e-3, record=[0, 7, 40],
                           curve=curve))
    assert [s.step for s in snaps] == [0, 7, 40]
    assert np.array_equal(snaps[0].theta, theta0) and np.array_equal(snaps[-1].theta, theta)
    for s in snaps:
        assert s.loss == pytest.approx(net.loss(arch, s.theta, ds.X, ds.y, 1e-3), rel=1e-12)
        assert s.accuracy == net.accuracy(net.forward(arch, s.theta, ds.X), ds.y)
        assert curve.loss[s.step] == s.loss and curve.accuracy[s.step] == s.accuracy
    assert np.isfinite(curve.loss).all() and curve.loss[-1] < curve.loss[0]


def test_mini_batches_report_full_data_snapshots():
    arch, theta, ds = problem("tanh", (4,), count=100)
    rng = np.random.default_rng(0)
    snaps = list(net.train(arch, theta, ds.X, ds.y, steps=30, lr=0.05, batch=16, rng=rng, record=[0, 30]))
    for s in snaps:
        assert s.loss == pytest.approx(net.loss(arch, s.theta, ds.X, ds.y), rel=1e-12)
    again = list(net.train(arch, problem("tanh", (4,), count=100)[1], ds.X, ds.y, steps=30, lr=0.05, batch=16,
                           rng=np.random.default_rng(0), record=[30]))
    assert np.array_equal(again[-1].theta, snaps[-1].theta)


def test_divergence_names_the_step_and_suggests_a_smaller_rate():
    arch, theta, ds = problem("relu", (4,))
    with pytest.raises(RunFailure, match=r"diverged at step \d+.*smaller learning rate, e.g. --lr 1e\+07"):
        list(net.train(arch, theta, ds.X * 1e3, ds.y, steps=50, lr=1e8, optimizer_name="sgd"))


def test_numpy_error_state_does_not_leak_out_of_the_generator():
    arch, theta, ds = problem("relu", (4,))
    gen = net.train(arch, theta, ds.X, ds.y, steps=5, lr=0.01, record=[0, 5])
    next(gen)
    assert np.geterr()["over"] != "ignore"
    list(gen)


def test_same_seed_same_run():
    a = api.train("relu", steps=60, frames=5, seed=4)
    b = api.train("relu", steps=60, frames=5, seed=4)
    assert [s.theta.tobytes() for s in a.snapshots] == [s.theta.tobytes() for s in b.snapshots]
    c = api.train("relu", steps=60, frames=5, seed=5)
    assert not np.array_equal(a.final.theta, c.final.theta)
    # the data come from their own stream: the network's settings never change them
    d = api.train("tanh", hidden=(7,), steps=10, frames=2, seed=4)
    assert np.array_equal(a.data.X, d.data.X)


def test_relu4_on_circles_with_defaults_reaches_95_percent():
    run = api.train("relu", hidden=(4,), data="circles", frames=None)
    assert run.settings["steps"] == net.DEFAULT_STEPS and run.settings["init"] == "he"
    assert run.final.accuracy >= 0.95


@pytest.mark.parametrize("text, expected", [
    ("relu@300", ("relu", (300,))),
    ("elu:alpha=0.5@8,8", ("elu:alpha=0.5", (8, 8))),
    ("tanh", ("tanh", (4,))),
])
def test_parse_model(text, expected):
    act, hidden = net.parse_model(text)
    assert (act.spec, hidden) == expected


@pytest.mark.parametrize("text, fragment", [("relu@", "no layer sizes"), ("relu@0", "between 1 and"),
                                            ("relu@4,x", "bad hidden layer size"), ("softmax@4", "not element-wise"),
                                            ("nosuch@4", "unknown activation")])
def test_parse_model_refuses(text, fragment):
    with pytest.raises(UserError, match=fragment):
        net.parse_model(text)


# ---- evaluation in blocks of points: the same numbers (to BLAS's last bits), bounded memory

@pytest.mark.parametrize("spec, hidden, classes", [("relu", (300,), 2), ("tanh", (8, 8), 3), ("elu", (4,), 2),
                                                   ("relu", (64, 64), 2)])
@pytest.mark.parametrize("block_values", [None, 5000])
def test_forward_in_blocks_equals_one_evaluation(monkeypatch, spec, hidden, classes, block_values):
    arch, theta, _ = problem(spec, hidden, classes)
    if block_values:
        monkeypatch.setattr(net, "BLOCK_VALUES", block_values)
    xs = np.linspace(-3, 3, 151)
    raster = np.column_stack([np.repeat(xs, len(xs)), np.tile(xs, len(xs))])  # 22,801 points, a ragged last block
    whole = net._forward_columns(arch, theta, raster.T).T
    blocks = net.forward(arch, theta, raster)
    # BLAS may round a sum at a block's edge differently from inside a matrix: last bits only
    np.testing.assert_allclose(blocks, whole, rtol=1e-13, atol=1e-13 * np.abs(whole).max())
    w, b = arch.weights(theta)[0], arch.biases(theta)[0]
    np.testing.assert_allclose(net.hidden_preactivations(arch, theta, raster), raster @ w + b, rtol=1e-15, atol=1e-15)
    if block_values or len(raster) > net.block_rows(arch):
        assert len(raster) > net.block_rows(arch)  # the case really was cut into blocks


def test_block_rows_hold_whole_tiles_and_about_a_fixed_number_of_values():
    for width in (1, 4, 300, 3000, net.MAX_UNITS):
        arch = net.architecture(parse_spec("relu"), (width,))
        rows = net.block_rows(arch)
        assert rows % net.BLOCK_ALIGN == 0
        assert rows * width <= max(net.BLOCK_VALUES, net.BLOCK_ALIGN * width)


def test_forward_memory_does_not_grow_with_the_width():
    """relu@3000 over a 200 x 200 raster: 960 MB of hidden values at once, a few blocks of 8 MB in blocks."""
    import tracemalloc

    xs = np.linspace(-2, 2, 200)
    raster = np.column_stack([np.repeat(xs, len(xs)), np.tile(xs, len(xs))])
    peaks = {}
    for width in (300, 3000):
        arch, theta, _ = problem("relu", (width,))
        tracemalloc.start()
        try:
            net.forward(arch, theta, raster)
            peaks[width] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    block_bytes = 8 * net.BLOCK_VALUES
    assert peaks[3000] < 8 * block_bytes, peaks
    assert peaks[3000] < 1.5 * peaks[300] + block_bytes, peaks
