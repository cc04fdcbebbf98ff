"""Gated functions f(a, b) = value(a) gate(b): values and exact partial derivatives against PyTorch (and
jax.nn.glu) in float64, limits and NaN, the properties table measured on a grid, the refusal by every
one-input command, ``actviz surface`` and the grid of ``actviz data``."""
from __future__ import annotations

import csv
import functools
import io
import math

import numpy as np
import pytest

from actviz import activations as A
from actviz import api
from actviz.errors import UserError

import mpref
from test_oracles import close

GATED = [a for a in A.catalogue() if a.gated]
NAMES = [a.name for a in GATED]
AXIS = np.concatenate([np.linspace(-8, 8, 41), [-30.0, 30.0, 7.0, -7.0, 1e-9, -1e-9, 1e3, -1e3]])
GA, GB = np.meshgrid(AXIS, AXIS)
GA, GB = GA.ravel(), GB.ravel()


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")


def _torch_gated(torch):
    F = torch.nn.functional

    def gpt_oss(a, b, alpha=1.702, limit=7.0):  # gpt-oss's reference swiglu, with its split undone
        b = b.clamp(min=None, max=limit)
        a = a.clamp(min=-limit, max=limit)
        return b * torch.sigmoid(alpha * b) * (a + 1)

    return {
        "glu": lambda a, b: F.glu(torch.stack([a, b]), dim=0)[0],
        "swiglu": lambda a, b: a * F.silu(b),
        "geglu": lambda a, b: a * F.gelu(b),
        "geglu_tanh": lambda a, b: a * F.gelu(b, approximate="tanh"),
        "reglu": lambda a, b: a * F.relu(b),
        "bilinear": lambda a, b: a * b,
        "clamped_swiglu": gpt_oss,
    }


@pytest.mark.torch
@pytest.mark.parametrize("act", GATED, ids=NAMES)
def test_gated_agree_with_pytorch(torch, act):
    at = torch.tensor(GA, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(GB, dtype=torch.float64, requires_grad=True)
    yt = _torch_gated(torch)[act.name](at, bt)
    ga, gb = torch.autograd.grad(yt.sum(), (at, bt))
    b = A.parse_spec(act.name)
    f = b.f2(GA, GB)
    da, db = b.grad(GA, GB)
    for what, ours, theirs, truth in (("f", f, yt.detach().numpy(), _truth_f), ("df/da", da, ga.numpy(), _truth_da),
                                      ("df/db", db, gb.numpy(), _truth_db)):
        ok = close(ours, theirs)
        # where PyTorch differs, the referee is mpmath: ours must be right there and PyTorch wrong
        # (PyTorch's float64 gelu(b) = b (1 + erf(b/sqrt 2))/2 cancels in the left tail; its tanh form too)
        for i in np.flatnonzero(~ok):
            t = truth(act.name, GA[i], GB[i])
            assert close(ours[i], t) and not close(theirs[i], t), (what, GA[i], GB[i], ours[i], theirs[i], t)
        assert ok.mean() > 0.7, (what, ok.mean())


GATES = {"glu": "sigmoid", "swiglu": "silu", "geglu": "gelu", "geglu_tanh": "gelu_tanh", "reglu": "relu",
         "bilinear": "identity"}


@functools.lru_cache(maxsize=None)
def _gate(name, b):
    return mpref.value(GATES[name], b, {}), mpref.derivative(GATES[name], b, {})


def _truth_f(name, a, b):
    return a * _gate(name, b)[0]


def _truth_da(name, a, b):
    return _gate(name, b)[0]


def _truth_db(name, a, b):
    return a * _gate(name, b)[1]


def test_glu_agrees_with_jax():
    jax = pytest.importorskip("jax", reason='JAX oracle not installed: pip install "jax[cpu]"')
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    fn = lambda a, b: jax.nn.glu(jnp.stack([a, b]), axis=0)  # noqa: E731
    b = A.parse_spec("jax.glu")
    assert b.act.name == "glu"
    want = np.asarray(fn(jnp.asarray(GA), jnp.asarray(GB)))[0]
    ga, gb = jax.vmap(jax.grad(lambda a, b: fn(a, b)[0], argnums=(0, 1)))(jnp.asarray(GA), jnp.asarray(GB))
    da, db = b.grad(GA, GB)
    for ours, theirs, truth in ((b.f2(GA, GB), want, _truth_f), (da, np.asarray(ga), _truth_da),
                                (db, np.asarray(gb), _truth_db)):
        ok = close(ours, theirs)
        for i in np.flatnonzero(~ok):  # JAX's float64 sigmoid is off by 1e-3 relative near b = -30: mpmath decides
            t = truth("glu", GA[i], GB[i])
            assert close(ours[i], t) and not close(theirs[i], t), (GA[i], GB[i], ours[i], theirs[i], t)
        assert ok.mean() > 0.9


@pytest.mark.parametrize("act", GATED, ids=NAMES)
def test_partials_match_central_differences(act):
    b = A.parse_spec(act.name)
    a0, b0 = np.meshgrid(np.linspace(-5, 5, 41) + 0.0123, np.linspace(-5, 5, 41) + 0.0371)
    a0, b0 = a0.ravel(), b0.ravel()
    h = 1e-6
    da, db = b.grad(a0, b0)
    fa = (b.f2(a0 + h, b0) - b.f2(a0 - h, b0)) / (2 * h)
    fb = (b.f2(a0, b0 + h) - b.f2(a0, b0 - h)) / (2 * h)
    np.testing.assert_allclose(da, fa, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(db, fb, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("act", GATED, ids=NAMES)
def test_warning_free_nan_and_limits(act):
    b = A.parse_spec(act.name)
    inf, nan = math.inf, math.nan
    a = np.array([nan, 1.0, 0.0, inf, -inf, 2.0, 1e300, -1e300, 5e-324])
    g = np.array([1.0, nan, inf, 1.0, 1.0, -inf, 1e300, 1e300, -5e-324])
    with np.errstate(all="raise"):
        f = b.f2(a, g)
        da, db = b.grad(a, g)
    for v in (f, da, db):
        assert np.isnan(v[:2]).all() and v.shape == a.shape and v.dtype == np.float64
    zero = -1.0 if act.name == "clamped_swiglu" else 0.0  # where the value factor is 0
    with np.errstate(all="raise"):
        assert b.f2(zero, inf) == 0.0 and b.f2(zero, -inf) == 0.0  # f(a0, b) = 0 for every b, so at +-inf too
    # f(+-inf, 1): the value a times the gate at 1 (or, clamped, the clamp's bound plus 1)
    gate1 = float(b.f2(1.0, 1.0))
    if act.name == "clamped_swiglu":
        assert f[3] == pytest.approx(8 * gate1 / 2) and f[4] == pytest.approx(-6 * gate1 / 2)
    else:
        assert f[3] == math.inf and f[4] == -math.inf
    assert not np.isnan(f[5:]).any()
    with np.errstate(all="raise"):
        assert np.array_equal(b.f2([[1.0, 2.0]], [[3.0], [4.0]]), b.f2([1.0, 2.0, 1.0, 2.0], [3.0, 3.0, 4.0, 4.0]).reshape(2, 2))


@pytest.mark.parametrize("act", GATED, ids=NAMES)
def test_gated_properties_match_the_function(act):
    b = A.parse_spec(act.name)
    p = act.props
    ax = np.linspace(-50, 50, 1001)
    A2, B2 = np.meshgrid(ax, ax)
    f = b.f2(A2, B2)
    da, db = b.grad(A2, B2)
    lo, hi = p.range
    assert f.min() >= lo - 1e-9 and f.max() <= hi + 1e-9
    if p.bounded:
        assert f.min() == pytest.approx(lo, rel=1e-6) and f.max() == pytest.approx(hi, rel=1e-6)
    else:
        assert f.min() < -40 and f.max() > 40
    assert b.f2(0.0, 0.0) == 0.0 and p.zero_centred
    slope = np.hypot(da, db).max()
    if math.isinf(p.max_slope):  # the gradient grows without bound: twice as far, clearly steeper
        inner = np.abs(A2) <= 25
        assert slope > 10 and slope > 1.5 * np.hypot(da[inner & (np.abs(B2) <= 25)], db[inner & (np.abs(B2) <= 25)]).max()
    else:
        assert slope <= p.max_slope * (1 + 1e-9) and slope >= p.max_slope * (1 - 1e-3)
    # the order of continuity on the plane: a partial derivative jumps somewhere exactly for C0
    fine = np.linspace(-8, 8, 801) + 0.001  # off the lattice, so b = 0 falls between two samples
    A3, B3 = np.meshgrid(fine, fine)
    pa, pb = b.grad(A3, B3)
    jumps = max(np.abs(np.diff(pa, axis=1)).max(), np.abs(np.diff(pa, axis=0)).max(),
                np.abs(np.diff(pb, axis=1)).max(), np.abs(np.diff(pb, axis=0)).max())
    smooth_step = 0.02 * 10 * 2  # a continuous partial changes by its slope (< 10 here) times the step
    assert (p.continuity == 0) == (jumps > smooth_step), jumps
    assert p.smooth == (p.continuity >= 1)


def test_one_input_commands_refuse_gated_functions():
    b = A.parse_spec("swiglu")
    with pytest.raises(UserError, match="gated function of two inputs"):
        b.f(np.zeros(3))
    with pytest.raises(UserError, match="gated function of two inputs"):
        b.df(np.zeros(3))
    with pytest.raises(UserError, match="plot cannot use swiglu"):
        api.curves(["swiglu"])
    with pytest.raises(UserError, match="function of one input"):
        A.parse_spec("relu").f2(1.0, 2.0)
    sheet = api.select_specs([], all_=True)
    assert sheet and not any(s.act.gated for s in sheet)


def test_surface_figure_shares_one_scale():
    fig = api.surface_figure(["swiglu", "geglu", "bilinear"], samples=41, dpi=50)
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 3
    assert len({(im.norm.vmin, im.norm.vmax) for im in images}) == 1
    vmax = max(float(np.abs(s.f).max()) for s in api.surfaces(["swiglu", "geglu", "bilinear"], samples=41))
    assert images[0].norm.vmax == pytest.approx(vmax) and images[0].norm.vmin == pytest.approx(-vmax)
    assert sum(1 for ax in fig.axes if ax.get_label() == "<colorbar>") == 1
    titles = [ax.get_title() for ax in fig.axes if ax.get_images()]
    assert titles[0].startswith("SwiGLU") and "$" in titles[0]


def test_surface_cli_and_data_grid(tmp_path, actviz):
    out = tmp_path / "gated.png"
    r = actviz("surface", "swiglu", "geglu", "-o", out, "--samples", "31", "--dpi", "40")
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    r = actviz("data", "swiglu", "reglu:", "--xlim", "-1", "1", "--samples", "3")
    assert r.exit_code == 2 and "no parameters" in r.stderr
    r = actviz("data", "swiglu", "reglu", "--x", "-1,0.5,2")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["a", "b", "f_swiglu", "da_swiglu", "db_swiglu", "f_reglu", "da_reglu", "db_reglu"]
    assert len(rows) == 1 + 9
    b = A.parse_spec("swiglu")
    for row in rows[1:]:
        a, g, f, da, db, rf, rda, rdb = map(float, row)
        assert f == float(b.f2(a, g)) and (da, db) == tuple(float(v) for v in b.grad(a, g))
        assert rf == a * max(g, 0.0) and rdb == (a if g > 0 else 0.0)
