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

from actviz import activations as A
from actviz.core import catalogue as C

ACTS = {a.name: a for a in A.catalogue() if not a.gated}
DBL_MAX = np.finfo(float).max
RTOL = 1e-12
TINY = 1e-300  # absolute slack for results that underflow towards 0


def points(act, params, *, big=True) -> np.ndarray:
    """Ordinary, tiny, subnormal, huge inputs and both sides of every kink (not the kink itself)."""
    kinks = C.kinks_at(act, params)
    near = [k + s * d * max(1.0, abs(k)) for k in kinks for s in (-1, 1) for d in (1e-9, 1e-4)]
    x = [*np.linspace(-8, 8, 161), -30, -20, 20, 30, 50, -50, 0.5, -0.5, 1e-3, -1e-3, 1e-9, -1e-9, 1e-200,
         -1e-200, 5e-324, -5e-324, 1e-310, -1e-315, *near]
    if big:
        x += [100.0, -100.0, 700.0, -700.0, 1e5, -1e5, 1e10, -1e10, 1e100, -1e100, 1e300, -1e300]
    x = np.unique(np.array(x, dtype=float))
    return x[~np.isin(x, kinks)]


def close(ours, want, rtol=RTOL, atol=TINY):
    ours, want = np.asarray(ours, dtype=float), np.asarray(want, dtype=float)
    both_nan = np.isnan(ours) & np.isnan(want)
    same_inf = np.isinf(ours) & (ours == want)
    ok = both_nan | same_inf | (np.abs(ours - want) <= rtol * np.abs(want) + atol)
    return ok


def check(act, params, x, want_f, want_d, rtol=RTOL, what=""):
    f = act.f(x, **params)
    d = act.df(x, **params)
    okf, okd = close(f, want_f, rtol), close(d, want_d, rtol, atol=1e-70)
    assert okf.all(), (what, "f", list(zip(x[~okf][:4], f[~okf][:4], np.asarray(want_f)[~okf][:4])))
    assert okd.all(), (what, "f'", list(zip(x[~okd][:4], d[~okd][:4], np.asarray(want_d)[~okd][:4])))


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
    ("jax.sparse_sigmoid", -1.0): 0.25, ("jax.sparse_sigmoid", 1.0): 0.25, ("jax.hard_silu", -3.0): -0.5,
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
    x = points(b.act, b.params)
    jnp = jax.numpy
    xj = jnp.asarray(x, dtype=jnp.float64)
    want_f = np.asarray(fn(xj))
    want_d = np.asarray(jax.vmap(jax.grad(lambda t: fn(t[None])[0]))(xj))
    check(b.act, b.params, x, want_f, want_d, what=spec)


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
