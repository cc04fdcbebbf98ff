"""Every function JAX (jax.nn) or PyTorch provides, against that framework in float64, and every other
function against mpmath at high precision: value and derivative to about 1e-12 relative.

The framework oracles are test-only (``pip install "jax[cpu]"``, PyTorch as in tests/test_catalogue.py);
without one its tests skip with the reason. Each framework's own defaults are evaluated through the
framework-qualified specs (``keras.leaky_relu`` binds negative_slope=0.2), so the variants are checked too.
Keras 3 has no backend here: its functions with a JAX twin are checked against that twin (Keras 3's
JAX backend calls them), the Keras-only ones (sparsemax's section, exponential, threshold...) against mpmath.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import mpref
from actviz import activations as A
from actviz.core import catalogue as C

ACTS = {a.name: a for a in A.catalogue() if not a.gated}
DBL_MAX = np.finfo(float).max
RTOL = 1e-12
TINY = 1e-300  # absolute slack for results that underflow towards 0


def points(act, params, *, big=True, grid=161) -> np.ndarray:
    """Ordinary, tiny, subnormal, huge inputs and both sides of every kink (not the kink itself)."""
    kinks = C.kinks_at(act, params)
    near = [k + s * d * max(1.0, abs(k)) for k in kinks for s in (-1, 1) for d in (1e-9, 1e-4)]
    x = [*np.linspace(-8, 8, grid), -30, -20, 20, 30, 50, -50, 0.5, -0.5, 1e-3, -1e-3, 1e-9, -1e-9, 1e-200,
         -1e-200, 5e-324, -5e-324, 1e-310, -1e-315, *near]
    if big:
        x += [100.0, -100.0, 700.0, -700.0, 1e5, -1e5, 1e10, -1e10, 1e100, -1e100, 1e300, -1e300]
    x = np.unique(np.array(x, dtype=float))
    return x[~np.isin(x, kinks)]


def close(ours, want, rtol=RTOL, atol=TINY):
    ours, want = np.asarray(ours, dtype=float), np.asarray(want, dtype=float)
    both_nan = np.isnan(ours) & np.isnan(want)
    same_inf = np.isinf(ours) & (ours == want)
    with np.errstate(invalid="ignore"):  # inf - inf where one side overflows: not close, and no warning
        ok = both_nan | same_inf | (np.abs(ours - want) <= rtol * np.abs(want) + atol)
    return ok


D_ATOL = 1e-70
"""Absolute slack of a derivative: the reference's Richardson difference leaves ~1e-80 where f' is exactly 0."""


def check(act, params, x, want_f, want_d, rtol=RTOL, what="", referee=None):
    """f and f' at x against the wanted values. With a ``referee`` (name of the mpmath formula), a point where
    they differ passes only if mpmath proves ours right and the oracle wrong (a framework's float64 can lose
    the tails: PyTorch's gelu cancels left of -6, JAX flushes subnormal inputs to 0)."""
    f = act.f(x, **params)
    d = act.df(x, **params)
    for what_, ours, want, atol, exact in (("f", f, want_f, TINY, mpref.value),
                                           ("f'", d, want_d, D_ATOL, mpref.derivative)):
        ok = close(ours, want, rtol, atol)
        if referee is not None and not ok.all():
            for i in np.flatnonzero(~ok):
                t = exact(referee, float(x[i]), params)
                ok[i] = bool(close(ours[i], t, rtol, atol)) and not bool(close(want[i], t, rtol, atol))
            assert np.mean(close(ours, want, rtol, atol)) > 0.5, (what, what_, "disagrees with the oracle too often")
        bad = ~ok
        assert ok.all(), (what, what_, list(zip(x[bad][:4], ours[bad][:4], np.asarray(want)[bad][:4])))


# ---------------------------------------------------------------- JAX (jax.nn) in float64

@pytest.fixture(scope="module")
def jax():
    jax = pytest.importorskip("jax", reason='JAX oracle not installed: pip install "jax[cpu]"')
    jax.config.update("jax_enable_x64", True)
    return jax


def _jax_table(jax):
    """spec -> a jax function of one float64 array with the framework's own defaults."""
    nn, jnp = jax.nn, jax.numpy
    pair = lambda fn: (lambda x: fn(jnp.stack([x, jnp.zeros_like(x)]), axis=0)[0])  # noqa: E731
    return {
        "jax.celu": nn.celu, "jax.elu": nn.elu, "jax.gelu": nn.gelu,
        "gelu": lambda x: nn.gelu(x, approximate=False), "jax.hard_sigmoid": nn.hard_sigmoid,
        "jax.hard_silu": nn.hard_silu, "jax.hard_tanh": nn.hard_tanh, "jax.identity": nn.identity,
        "jax.leaky_relu": nn.leaky_relu, "jax.log_sigmoid": nn.log_sigmoid, "jax.mish": nn.mish,
        "jax.relu": nn.relu, "jax.relu6": nn.relu6, "jax.selu": nn.selu, "jax.sigmoid": nn.sigmoid,
        "jax.silu": nn.silu, "jax.soft_sign": nn.soft_sign, "jax.softplus": nn.softplus,
        "jax.sparse_plus": nn.sparse_plus, "jax.sparse_sigmoid": nn.sparse_sigmoid, "jax.squareplus": nn.squareplus,
        "jax.tanh": nn.tanh, "jax.softmax": pair(nn.softmax), "jax.log_softmax": pair(nn.log_softmax),
        # Keras 3's and Flax's defaults, through the same jax.nn functions (Keras's JAX backend calls them)
        "keras.leaky_relu": lambda x: nn.leaky_relu(x, 0.2), "keras.LeakyReLU": lambda x: nn.leaky_relu(x, 0.3),
        "keras.gelu": lambda x: nn.gelu(x, approximate=False), "keras.hard_sigmoid": nn.hard_sigmoid,
        "keras.squareplus": lambda x: nn.squareplus(x, 4.0), "keras.softplus": nn.softplus,
        "flax.PReLU": lambda x: jnp.where(x >= 0, x, 0.01 * x), "flax.gelu": nn.gelu,
    }


JAX_SPECS = ["jax.celu", "jax.elu", "jax.gelu", "gelu", "jax.hard_sigmoid", "jax.hard_silu", "jax.hard_tanh",
             "jax.identity", "jax.leaky_relu", "jax.log_sigmoid", "jax.mish", "jax.relu", "jax.relu6", "jax.selu",
             "jax.sigmoid", "jax.silu", "jax.soft_sign", "jax.softplus", "jax.sparse_plus", "jax.sparse_sigmoid",
             "jax.squareplus", "jax.tanh", "jax.softmax", "jax.log_softmax", "keras.leaky_relu", "keras.LeakyReLU",
             "keras.gelu", "keras.hard_sigmoid", "keras.squareplus", "keras.softplus", "flax.PReLU", "flax.gelu"]

JAX_KINKS = {
    ("jax.leaky_relu", 0.0): 1.0, ("keras.leaky_relu", 0.0): 1.0, ("keras.LeakyReLU", 0.0): 1.0,
    ("flax.PReLU", 0.0): 1.0, ("jax.hard_tanh", -1.0): 1.0, ("jax.hard_tanh", 1.0): 1.0,
    ("jax.sparse_sigmoid", -1.0): 0.25, ("jax.sparse_sigmoid", 1.0): 0.25,
}
"""Where jax.nn's derivative at a kink differs from PyTorch's convention (the catalogue's): JAX takes the other
one-sided slope (or their mean). docs/catalogue.md lists the same table."""


def test_every_jax_function_is_compared(jax):
    """Each jax.nn activation and each JAX, Flax and Keras-through-JAX spelling of the catalogue is in the table."""
    table = _jax_table(jax)
    assert set(JAX_SPECS) == set(table)
    shipped = {s.qualified for a in A.catalogue() if not a.gated for s in a.ships
               if s.framework in ("jax",) and not s.keyword}
    covered = {spec for spec in JAX_SPECS if spec.startswith("jax.")}
    aliases = {"jax.swish": "jax.silu", "jax.hard_swish": "jax.hard_silu"}
    assert shipped - covered <= set(aliases), shipped - covered


@pytest.mark.parametrize("spec", JAX_SPECS)
def test_agrees_with_jax(jax, spec):
    fn = _jax_table(jax)[spec]
    b = A.parse_spec(spec)
    x = points(b.act, b.params, grid=61)
    jnp = jax.numpy
    xj = jnp.asarray(x, dtype=jnp.float64)
    want_f = np.asarray(fn(xj))
    want_d = np.asarray(jax.vmap(jax.grad(lambda t: fn(t[None])[0]))(xj))
    check(b.act, b.params, x, want_f, want_d, what=spec, referee=b.act.name)


def test_jax_kink_conventions(jax):
    """At the kinks, JAX's derivative is either the catalogue's (PyTorch's) or the documented JAX value."""
    table = _jax_table(jax)
    for spec in JAX_SPECS:
        b = A.parse_spec(spec)
        for k in C.kinks_at(b.act, b.params):
            g = float(jax.grad(lambda t: table[spec](t[None])[0])(jax.numpy.float64(k)))
            ours = float(b.df(np.array([k]))[0])
            assert g == pytest.approx(JAX_KINKS.get((spec, k), ours), rel=1e-12, abs=1e-300), (spec, k, g, ours)
            assert float(table[spec](jax.numpy.array([k]))[0]) == pytest.approx(float(b.f(np.array([k]))[0]),
                                                                               rel=1e-14, abs=1e-300)


# ---------------------------------------------------------------- PyTorch: the entries the catalogue tests do not cover

def _torch_table(torch):
    """Hugging Face transformers' activations (their forward code, reproduced with torch float64 ops), and
    PyTorch's own functions under the specs that name them."""
    F = torch.nn.functional
    s2 = math.sqrt(2.0)

    def xielu(x, alpha_p=0.8, alpha_n=0.8, beta=0.5):  # the paper's form; HF also clamps expm1's argument at -1e-6
        return torch.where(x > 0, alpha_p * x * x + beta * x, (torch.expm1(torch.clamp(x, max=0.0)) - x) * alpha_n
                           + beta * x)

    return {
        "hf.quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
        "hf.laplace": lambda x: 0.5 * (1.0 + torch.erf((x - 0.707107) / (0.282095 * s2))),
        "hf.relu2": lambda x: torch.square(F.relu(x)),
        "hf.gelu_10": lambda x: torch.clip(F.gelu(x), -10, 10),
        "hf.gelu_new": lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))),
        "hf.gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "hf.gelu": F.gelu, "hf.silu": F.silu, "hf.mish": F.mish, "hf.leaky_relu": F.leaky_relu,
        "hf.prelu": lambda x: F.prelu(x, torch.tensor([0.25], dtype=torch.float64)),
        "hf.xielu": xielu, "hf.linear": lambda x: x * 1.0,
    }


HF_SPECS = ["hf.quick_gelu", "hf.laplace", "hf.relu2", "hf.gelu_10", "hf.gelu_new", "hf.gelu_pytorch_tanh", "hf.gelu",
            "hf.silu", "hf.mish", "hf.leaky_relu", "hf.prelu", "hf.xielu", "hf.linear"]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")


@pytest.mark.torch
@pytest.mark.parametrize("spec", HF_SPECS)
def test_agrees_with_hugging_face_in_pytorch(torch, spec):
    fn = _torch_table(torch)[spec]
    b = A.parse_spec(spec)
    x = points(b.act, b.params, grid=41)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    yt = fn(xt)
    (gt,) = torch.autograd.grad(yt.sum(), xt)
    check(b.act, b.params, x, yt.detach().numpy(), gt.numpy(), what=spec, referee=b.act.name)


def test_every_hugging_face_name_is_compared(torch):
    names = {s.qualified for a in A.catalogue() for s in a.ships if s.framework == "hf"}
    covered = set(HF_SPECS) | {"hf.swish", "hf.gelu_python", "hf.gelu_accurate", "hf.gelu_fast", "hf.relu", "hf.relu6",
                               "hf.sigmoid", "hf.tanh"}  # same functions as compared above or in test_catalogue
    assert names <= covered, names - covered


# ---------------------------------------------------------------- mpmath: every one-input entry

MP_PARAMS = {"soft_exponential": [{"alpha": 0.0}, {"alpha": 0.5}, {"alpha": -0.5}], "elu": [{"alpha": 0.5}],
             "softplus": [{"beta": 2.0, "threshold": 20.0}], "swish": [{"beta": 1.5}], "isru": [{"alpha": 3.0}]}


def test_every_entry_has_a_reference_formula():
    assert set(mpref.FORMULAS) == set(ACTS)


MP_CASES = [pytest.param(name, params, id=f"{name}[{','.join(f'{k}={v:g}' for k, v in params.items())}]")
            for name, act in ACTS.items() for params in [act.defaults(), *MP_PARAMS.get(name, [])]]


@pytest.mark.slow
@pytest.mark.parametrize("name, params", MP_CASES)
def test_agrees_with_mpmath(name, params):
    """Value and derivative at 50 digits (more where cancellation needs it) on ordinary, tiny, subnormal
    and huge inputs and on both sides of every kink."""
    act = ACTS[name]
    x = points(act, params, grid=25)
    want_f = np.array([mpref.value(name, v, params) for v in x])
    want_d = np.array([mpref.derivative(name, v, params) for v in x])
    check(act, params, x, want_f, want_d, what=name)
