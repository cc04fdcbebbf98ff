"""Numbers you can trust: the cases issue 15 found wrong, against mpmath at 50 digits, to 1e-12 relative.

Expressions: derivatives built from stable primitives (sigmoid' = s(u) s(-u), tanh' = sech^2, log1p and
expm1 rewrites) and re-evaluated with mpmath where floats overflow. Built-ins: tanhshrink near 0, soft
exponential at the edges of its range and domain, a huge parameter, and refused overflowing inputs.
"""
from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from actviz import activations as A
from actviz.core import numerics as nx

mp.mp.dps = 50


def rel(ours, true) -> float:
    ours, true = float(ours), float(true)
    return 0.0 if ours == true else abs(ours - true) / abs(true)


EXPRESSIONS = [
    # (spec, x, f as mpmath, f' as mpmath); the first five are the issue's examples
    ("expr:sigmoid(x)", 40.0, lambda t: 1 / (1 + mp.exp(-t))),
    ("expr:tanh(x)", 20.0, mp.tanh),
    ("expr:log1p(x)", 1e-20, mp.log1p),
    ("expr:expm1(x)", 1e-20, mp.expm1),
    ("expr:x/sqrt(1+a*x**2); a=1", 1e200, lambda t: t / mp.sqrt(1 + t * t)),
    ("expr:x/sqrt(1+a*x**2); a=1", -3e155, lambda t: t / mp.sqrt(1 + t * t)),
    ("expr:sigmoid(x)", -745.0, lambda t: 1 / (1 + mp.exp(-t))),
    ("expr:tanh(2*x)", -15.0, lambda t: mp.tanh(2 * t)),
    ("expr:log(1+x)", 1e-18, lambda t: mp.log(1 + t)),
    ("expr:exp(x)-1", -1e-17, lambda t: mp.exp(t) - 1),
    ("expr:x*tanh(log(1+exp(x)))", 800.0, lambda t: t * mp.tanh(mp.log(1 + mp.exp(t)))),
    ("expr:where(x>0, x, exp(x)-1)", 1e3, lambda t: t if t > 0 else mp.exp(t) - 1),
    ("expr:exp(x)**2/exp(2*x)", 400.0, lambda t: mp.mpf(1)),
]


@pytest.mark.parametrize("spec, x, truth", EXPRESSIONS, ids=[f"{s}@{x:g}" for s, x, _ in EXPRESSIONS])
def test_expression_value_and_derivative(spec, x, truth):
    b = A.parse_spec(spec)
    f, d = float(b.f(np.array([x]))[0]), float(b.df(np.array([x]))[0])
    tf = truth(mp.mpf(x))
    td = mp.diff(truth, mp.mpf(x))
    assert rel(f, tf) <= 1e-12, (f, tf)
    # a true derivative below the float range rounds to 0 (x/sqrt(1+x^2) at 1e200: 1e-600)
    assert rel(d, td) <= 1e-12 or (abs(td) < 1e-308 and abs(d) < 1e-300), (d, td)


def test_expression_issue_examples_spelled_out():
    assert float(A.parse_spec("expr:sigmoid(x)").df(np.array([40.0]))[0]) == pytest.approx(4.248354255291589e-18,
                                                                                            rel=1e-12)
    assert float(A.parse_spec("expr:tanh(x)").df(np.array([20.0]))[0]) == pytest.approx(1.6993417021166355e-17,
                                                                                         rel=1e-12)
    b = A.parse_spec("expr:x/sqrt(1+a*x**2); a=1")
    assert b.f(np.array([1e200]))[0] == 1.0 and b.df(np.array([1e200]))[0] == 0.0


def test_expression_fallback_is_bounded_and_vectorised():
    """A plot's worth of overflowing points is evaluated exactly, each point the same as alone."""
    b = A.parse_spec("expr:x/sqrt(1+x**2)")
    x = np.concatenate([np.geomspace(1e150, 1e300, 200), -np.geomspace(1e150, 1e300, 200), [0.5]])
    y = b.f(x)
    assert np.array_equal(y[:200], np.ones(200)) and np.array_equal(y[200:400], -np.ones(200))
    assert y[400] == pytest.approx(0.5 / math.sqrt(1.25), rel=1e-15)


BUILTINS = [
    # (spec, x, mpmath truth); tanhshrink near 0 cancelled (f(1e-9) was 0), soft exponential overflowed early,
    # lost its left tail at alpha = 1 and gave -inf one ulp inside its domain; soft clipping with a huge alpha
    ("tanhshrink", 1e-9, lambda t: t - mp.tanh(t)),
    ("tanhshrink", -3e-5, lambda t: t - mp.tanh(t)),
    ("tanhshrink", 0.49, lambda t: t - mp.tanh(t)),
    ("soft_exponential:alpha=1", -40.0, lambda t: mp.expm1(t) + 1),
    ("soft_exponential:alpha=1", 709.78, lambda t: mp.expm1(t) + 1),
    ("soft_exponential:alpha=0.5", 1419.56, lambda t: mp.expm1(t / 2) / mp.mpf(0.5) + mp.mpf(0.5)),
    ("soft_exponential:alpha=0.25", -300.0, lambda t: mp.expm1(t / 4) / mp.mpf(0.25) + mp.mpf(0.25)),
    ("soft_exponential:alpha=0.001", 1e-3, lambda t: mp.expm1(t * mp.mpf(0.001)) / mp.mpf(0.001) + mp.mpf(0.001)),
    ("soft_clipping:alpha=1e302", 0.3,
     lambda t: (mp.log1p(mp.exp(mp.mpf(1e302) * t)) - mp.log1p(mp.exp(mp.mpf(1e302) * (t - 1)))) / mp.mpf(1e302)),
    ("shifted_softplus", 1e-12, lambda t: mp.log1p(mp.exp(t)) - mp.log(2)),
    ("squareplus", -1e8, lambda t: (t + mp.sqrt(t * t + 4)) / 2),
    ("xielu", -1e-9, lambda t: mp.mpf(0.8) * (mp.expm1(t) - t) + mp.mpf(0.5) * t),
    ("hard_sigmoid_keras", -2.4999999975, lambda t: mp.mpf(0.2) * t + mp.mpf(1) / 2),
    ("erf", 1e-300, mp.erf),
]


@pytest.mark.parametrize("spec, x, truth", BUILTINS, ids=[f"{s}@{x:g}" for s, x, _ in BUILTINS])
def test_builtin_edge_cases(spec, x, truth):
    b = A.parse_spec(spec)
    f, d = float(b.f(np.array([x]))[0]), float(b.df(np.array([x]))[0])
    tf = truth(mp.mpf(x))
    assert rel(f, tf) <= 1e-12, (f, float(tf))
    if spec != "hard_sigmoid_keras":
        td = mp.diff(truth, mp.mpf(x))
        assert rel(d, td) <= 1e-12, (d, float(td))


def test_soft_exponential_overflows_exactly_where_the_true_value_does():
    for alpha in (1.0, 0.5, 0.1):
        b = A.parse_spec(f"soft_exponential:alpha={alpha}")
        edge = (nx.LOG_DBL_MAX + math.log(alpha)) / alpha  # e^(a x)/a = DBL_MAX
        below, above = edge * (1 - 1e-12), edge * (1 + 1e-12)
        assert math.isfinite(b.f(np.array([below]))[0]) and b.f(np.array([above]))[0] == math.inf
        d_edge = nx.LOG_DBL_MAX / alpha  # e^(a x) = DBL_MAX
        assert math.isfinite(b.df(np.array([d_edge * (1 - 1e-12)]))[0])


def test_soft_exponential_just_inside_its_domain():
    for alpha in (-1.0, -0.5, -0.25, -0.9):
        b = A.parse_spec(f"soft_exponential:alpha={alpha}")
        x0 = (alpha * alpha - 1) / -alpha  # the singular left end, rounded
        a = mp.mpf(alpha)
        for x in np.nextafter(x0, math.inf) * np.array([1.0]), np.array([x0 + 1e-9]):
            true_v = 1 - a * (mp.mpf(float(x[0])) + a)
            if true_v <= 0:
                continue  # the float x is still outside the real domain
            f = float(b.f(x)[0])
            assert math.isfinite(f) and rel(f, -mp.log(true_v) / a) <= 1e-12, (alpha, x, f)
            assert rel(b.df(x)[0], 1 / true_v) <= 1e-12


def test_overflowing_points_are_refused(actviz):
    for points in ("0,1e400", "1e309", "-1e999,2"):
        r = actviz("data", "relu", "--x", points)
        assert r.exit_code == 2 and "out of range" in r.stderr, (points, r.stderr)
