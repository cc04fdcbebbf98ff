"""The catalogue checked against itself, against PyTorch and against finite differences.

Every test is parametrised over the registry, so a new entry is tested automatically:
numerics (finite, warning-free, NaN/inf handling), analytic derivatives against central
differences, the property table against f and f' on a dense grid, formulas against
mathtext, names and parameters against the spec parser, and every function PyTorch has
against PyTorch in float64 (value and autograd derivative, kinks included).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.mathtext import MathTextParser

from actviz import activations as A
from actviz.core import catalogue as C
from actviz.core.activation import name_key
from actviz.errors import UserError

ALL = A.catalogue()
ACTS = [a for a in ALL if not a.gated]  # functions of one input; the gated ones are in tests/test_gated.py
NAMES = [a.name for a in ACTS]
ALL_NAMES = [a.name for a in ALL]
DBL_MAX = np.finfo(float).max

# Extra parameter sets beyond the automatic shifts, to reach branches the shifts miss.
EXTRA_PARAMS = {
    "threshold": [{"threshold": 1.0, "value": -2.0}],
    "softplus": [{"beta": 2.0, "threshold": 5.0}],
    "soft_exponential": [{"alpha": -1.0}, {"alpha": 1.0}, {"alpha": -0.25}],
    "maxout": [{"a": 0.25, "b": 1.0}],
    "swish": [{"beta": 0.0}],
    "xielu": [{"alpha_p": 0.8, "alpha_n": 0.5, "beta": 0.5}, {"alpha_p": 0.8, "alpha_n": 0.2, "beta": 0.5}],
    "star_relu": [{"s": 0.0, "b": 0.0}],
    "sinlu": [{"a": 0.0, "b": 1.0}],
    "soft_clipping": [{"alpha": 1e302}],
}


def _shifted(p: A.Param, sign: int) -> float | None:
    """A valid value on one side of the default, or None."""
    for delta in (0.5, 0.25, 0.1, 0.01):
        v = p.default + sign * delta * max(1.0, abs(p.default))
        try:
            return p.check(v, "test")
        except UserError:
            continue
    return None


def param_sets(act: A.Activation) -> list[dict[str, float]]:
    """Defaults, every parameter shifted up, every parameter shifted down, plus EXTRA_PARAMS."""
    sets = [act.defaults()]
    for sign in (1, -1):
        shifted = {p.name: (_shifted(p, sign) if _shifted(p, sign) is not None else p.default) for p in act.params}
        sets.append(shifted)
    sets += [{**act.defaults(), **extra} for extra in EXTRA_PARAMS.get(act.name, [])]
    unique = []
    for s in sets:
        if s not in unique:
            unique.append(s)
    return unique


CASES = [pytest.param(a, ps, id=f"{a.name}[{','.join(f'{k}={v:g}' for k, v in ps.items())}]")
         for a in ACTS for ps in param_sets(a)]


def ev(act, x, params=None, *, deriv=False):
    """f or f' under np.errstate(all='raise'): any floating-point warning fails the test."""
    fn = act.df if deriv else act.f
    with np.errstate(all="raise"):
        return fn(np.asarray(x, dtype=float), **(act.defaults() if params is None else params))


def kink_grid(act, params, step=0.0):
    ks = C.kinks_at(act, params)
    return np.array([k + d for k in ks for d in (-step, 0.0, step)]) if ks else np.empty(0)


# ---------------------------------------------------------------- registry, names and specs

GATED_NAMES = {"glu", "swiglu", "geglu", "geglu_tanh", "reglu", "bilinear", "clamped_swiglu"}


def test_catalogue_is_complete():
    required = """identity binary_step sigmoid tanh arctan softsign isru relu relu6 leaky_relu prelu rrelu
        softplus elu selu swish silu tanhshrink bent_identity softmax maxout crelu srelu threshold isrlu apl
        soft_exponential soft_clipping sinusoid sinc gaussian signum hardsigmoid hard_sigmoid_keras hardtanh
        lecun_tanh symmetrical_sigmoid log_log absolute cos celu gelu gelu_tanh mish hardswish hardshrink
        softshrink logsigmoid squareplus sparse_plus sparse_sigmoid exponential log_softmax sparsemax glu
        quick_gelu laplace relu2 star_relu xielu snake snake_beta lisht swiglu geglu reglu bilinear
        clamped_swiglu softplus_smooth""".split()
    assert not set(required) - set(ALL_NAMES)
    assert len(ALL_NAMES) == len(set(ALL_NAMES)) and len(ALL_NAMES) >= 90
    assert {a.name for a in ALL if a.gated} == GATED_NAMES


@pytest.mark.parametrize("act", ALL, ids=ALL_NAMES)
def test_entry_metadata(act):
    from actviz.core import citations

    assert act.name == name_key(act.name) and act.title
    assert act.family in A.FAMILIES and act.kind in A.KINDS
    assert set(act.source.split(",")) <= set(C.SOURCES) and act.source
    kinds = {"softmax": "vector", "softmin": "vector", "sparsemax": "vector", "log_softmax": "vector",
             "crelu": "widening", "maxout": "pooling", **{n: "gated" for n in GATED_NAMES}}
    assert act.kind == kinds.get(act.name, "elementwise")
    assert (act.family == "gated") == act.gated == (act.df_b is not None)
    if act.kind not in ("elementwise", "gated"):
        assert "curve" in act.note and "refuse" in act.note
    assert list(act.kinks) == sorted(act.kinks) and act.kinks == C.kinks_at(act)
    # a defining source (paper or framework, with a year) and a BibTeX record for every citation
    assert act.cite and all(k in citations.BIB for k in act.cite)
    assert 1940 <= citations.year(act.cite[0]) <= 2026
    for ship in act.ships:  # a framework's own defaults name real parameters inside their intervals
        for name, value in ship.params:
            assert act.param(name).check(value, act.name) == value
    p = act.props
    assert p.continuity in (-1.0, 0.0, 1.0, 2.0, math.inf)
    if act.gated:
        assert p.derivative_monotonic is None and p.identity_near_origin is None
    else:
        assert isinstance(p.derivative_monotonic, bool) and isinstance(p.identity_near_origin, bool)
    # smooth (f and f' without visible jumps) is C1 or better; PyTorch's softplus jumps by 2e-9 at its threshold
    assert p.smooth == (p.continuity >= 1) or act.name == "softplus"


@pytest.mark.parametrize("key", [k for a in ALL for k in (a.name, *a.aliases)])
def test_every_name_and_alias_resolves(key):
    act = A.get(key)
    assert key == act.name or key in act.aliases
    assert A.get(key.upper().replace("_", "-")) is act


@pytest.mark.parametrize("act", ALL, ids=ALL_NAMES)
def test_spec_round_trip_and_param_intervals(act):
    bound = A.parse_spec(act.name)
    assert bound.params == act.defaults() and bound.spec == act.name
    for p in act.params:
        assert p.check(p.default, act.name) == p.default, f"default of {p.name} outside its interval"
        other = _shifted(p, 1) if _shifted(p, 1) is not None else _shifted(p, -1)
        if other is not None:
            b = A.parse_spec(f"{act.name}:{p.name}={other!r}")
            assert b.params[p.name] == other
            # BoundActivation.spec prints with :g (6 digits), so the round trip is close, not exact
            assert A.parse_spec(b.spec).params == pytest.approx(b.params, rel=1e-5)
        for bad, edge_ok in ((p.low, p.low_inclusive), (p.high, p.high_inclusive)):
            if math.isfinite(bad):
                outside = bad - 1.0 if bad == p.low else bad + 1.0
                with pytest.raises(UserError, match="out of range"):
                    A.parse_spec(f"{act.name}:{p.name}={outside!r}")
                if not edge_ok:
                    with pytest.raises(UserError, match="out of range"):
                        A.parse_spec(f"{act.name}:{p.name}={bad!r}")


def test_parse_spec_examples():
    b = A.parse_spec("elu:alpha=0.5")
    assert b.params == {"alpha": 0.5} and b.spec == "elu:alpha=0.5"
    assert A.parse_spec("leaky_relu:negative_slope=0.2").f(np.array(-1.0)) == -0.2
    assert A.parse_spec("hardshrink:lambd=1").f(np.array([0.9, 1.1])).tolist() == [0.0, 1.1]
    for spec in ("leaky_relu:negative_slope=-0.1", "softplus:beta=0", "hardshrink:lambd=-1",
                 "soft_exponential:alpha=2", "maxout:a=1", "celu:alpha=0"):
        with pytest.raises(UserError, match="out of range"):
            A.parse_spec(spec)
    assert A.get("step") is A.get("heaviside") is A.get("binary_step")
    assert A.get("logistic").name == "sigmoid" and A.get("lrelu").name == "leaky_relu"
    assert A.get("silu") is not A.get("swish")


_PARSER = MathTextParser("path")


@pytest.mark.parametrize("act", ALL, ids=ALL_NAMES)
def test_latex_parses_with_mathtext(act):
    assert act.latex.count("$") % 2 == 0 and act.latex.count("$") >= 2
    pieces = act.latex.split("$")[1::2]
    for piece in pieces:
        _PARSER.parse(f"${piece}$")


def test_formulas_fit_a_catalogue_panel():
    """The formula in a grid panel's title (about 2.6 in wide, small font) is not clipped at the figure's edge."""
    from actviz.render.figure import new_figure

    fig = new_figure(2.6, 2.0, dpi=100)
    renderer = fig.canvas.get_renderer()
    for act in ALL:
        text = fig.text(0, 0, act.latex, fontsize="small")
        width = text.get_window_extent(renderer).width / 100
        text.remove()
        assert width <= (2.8 if act.gated else 2.45), (act.name, width)


# ---------------------------------------------------------------- numerics

_FINITE = np.unique(np.concatenate([
    np.linspace(-1e4, 1e4, 40001), np.linspace(-50, 50, 20001), np.geomspace(1e-320, 1e4, 4000),
    -np.geomspace(1e-320, 1e4, 4000), [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308],
]))
_HUGE_X = np.array([1e10, -1e10, 1e100, -1e100, 1e300, -1e300, DBL_MAX, -DBL_MAX])
OVERFLOWS_BEYOND = {"exponential": 709.78, "cube": 5.6e102, "relu2": 1.3e154, "star_relu": 1.4e154,
                    "xielu": 1.4e154}
"""|x| beyond which f or f' of these entries really leaves the float range at the defaults."""


def _limits(act, params):
    """f and f' at -inf and +inf as the catalogue gives them."""
    x = np.array([-np.inf, np.inf])
    return ev(act, x, params), ev(act, x, params, deriv=True)


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_finite_and_warning_free_at_defaults(act):
    y, d = ev(act, _FINITE), ev(act, _FINITE, deriv=True)
    fits = np.abs(_FINITE) <= OVERFLOWS_BEYOND.get(act.name, np.inf)  # where the true value is a float
    ok = np.isfinite(y) & np.isfinite(d)
    assert ok[fits].all(), _FINITE[fits & ~ok][:5]
    assert y.dtype == d.dtype == np.float64
    (f_lo, f_hi), (d_lo, d_hi) = _limits(act, None)
    for fn, lo, hi in ((act.f, f_lo, f_hi), (act.df, d_lo, d_hi)):
        with np.errstate(all="raise"):
            v = fn(_HUGE_X, **act.defaults())
        # a result may overflow only towards an infinite limit (tests/test_properties.py checks that it
        # continues finite values near the largest float: the true value overflows)
        for xi, vi in zip(_HUGE_X, v):
            lim = hi if xi > 0 else lo
            assert np.isfinite(vi) or (np.isinf(lim) and np.sign(vi) == np.sign(lim)), (xi, vi)


@pytest.mark.parametrize("act, params", CASES)
def test_warning_free_with_parameters(act, params):
    x = np.concatenate([np.linspace(-1e4, 1e4, 4001), np.linspace(-10, 10, 2001), [1e300, -1e300], kink_grid(act, params)])
    for deriv in (False, True):
        v = ev(act, x, params, deriv=deriv)
        assert v.shape == x.shape and v.dtype == np.float64
        assert not np.isinf(v[np.abs(x) <= 100]).any() or act.name == "soft_exponential"


@pytest.mark.parametrize("act, params", CASES)
def test_nan_and_infinities(act, params):
    x = np.array([np.nan, np.inf, -np.inf, 1.0])
    for deriv in (False, True):
        v = ev(act, x, params, deriv=deriv)
        assert np.isnan(v[0])
        assert v[3] == ev(act, np.array([1.0]), params, deriv=deriv)[0]
        for lim, sign in ((v[1], 1.0), (v[2], -1.0)):
            big = ev(act, sign * np.array([1e300, 1e250]), params, deriv=deriv)
            if np.isnan(lim):  # no limit: oscillating or outside the domain
                wave = ev(act, sign * (1e6 + np.arange(4.0)), params, deriv=deriv)
                assert np.isnan(big).all() or np.ptp(wave) > 0.1, (lim, big, wave)
            elif np.isinf(lim):
                # growing without bound (a log grows slowly: soft exponential with alpha < 0)
                assert (np.sign(big) == np.sign(lim)).all() and (np.abs(big) > 100).all(), (lim, big)
                assert abs(big[0]) >= abs(big[1]), (lim, big)
            else:
                assert np.allclose(big, lim, rtol=1e-9, atol=1e-9), (lim, big)


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_shapes_and_scalars(act):
    grid = np.linspace(-3, 3, 24)
    for deriv in (False, True):
        flat = ev(act, grid, deriv=deriv)
        assert ev(act, grid.reshape(2, 3, 4), deriv=deriv).shape == (2, 3, 4)
        assert np.array_equal(ev(act, grid.reshape(4, 6), deriv=deriv), flat.reshape(4, 6))
        s = ev(act, np.float64(0.7), deriv=deriv)
        assert isinstance(s, np.ndarray) and s.shape == () and s == ev(act, [0.7], deriv=deriv)[0]
        assert ev(act, np.empty(0), deriv=deriv).shape == (0,)
        ints = (act.df if deriv else act.f)(np.arange(-2, 3), **act.defaults())
        assert ints.dtype == np.float64


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ACTS), st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300,
                                                  max_value=1e300), min_size=1, max_size=20))
def test_random_finite_inputs(act, xs):
    x = np.array(xs)
    assert np.isfinite(ev(act, x)).all() and np.isfinite(ev(act, x, deriv=True)).all()


# ---------------------------------------------------------------- derivatives vs finite differences

@pytest.mark.parametrize("act, params", CASES)
def test_derivative_matches_central_difference(act, params):
    x = np.concatenate([np.linspace(-6, 6, 1201), [-100.0, -30.0, -10.0, 10.0, 30.0, 100.0]])
    for k in C.kinks_at(act, params):
        x = x[np.abs(x - k) > 1e-3 * max(1.0, abs(k))]
    # a fast oscillation (SIREN's sin(30 x)) needs a smaller step for the difference to be accurate
    h = 1e-6 * np.maximum(1.0, np.abs(x)) / min(max(1.0, act.props.max_slope), 100.0)
    up, down = ev(act, x + h, params), ev(act, x - h, params)
    d = ev(act, x, params, deriv=True)
    ok = np.isfinite(up) & np.isfinite(down) & np.isfinite(d)
    fd = (up - down) / (2 * h)
    tol = 1e-6 * np.maximum(1.0, np.abs(d)) + 1e3 * np.finfo(float).eps * np.maximum(abs(up), abs(down)) / h
    bad = ok & ~(np.abs(fd - d) <= tol)
    assert not bad.any(), list(zip(x[bad][:5], d[bad][:5], fd[bad][:5]))
    assert ok.sum() > 0.4 * x.size


# ---------------------------------------------------------------- properties vs the functions

_PROP_X = np.unique(np.concatenate([np.linspace(-50, 50, 200001), [0.0], np.geomspace(50, 1e300, 60),
                                    -np.geomspace(50, 1e300, 60)]))


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_properties_match_the_function(act):
    p = act.props
    x = _PROP_X
    y, d = ev(act, x), ev(act, x, deriv=True)
    lo, hi = p.range
    # range: inside the declared closure, and reaching (towards) both ends
    assert y.min() >= lo - 1e-12 and y.max() <= hi + 1e-12, (y.min(), y.max())
    for end, seen in ((lo, y.min()), (hi, y.max())):
        if math.isfinite(end):
            assert abs(seen - end) <= 1e-6 * max(1.0, abs(end)), (end, seen)
        else:  # huge far out, or still growing there (a logarithm: nlrelu)
            far = ev(act, np.array([-1e300, -1e150, 1e150, 1e300]))
            growing = abs(far[0]) > abs(far[1]) + 1 if end < 0 else abs(far[3]) > abs(far[2]) + 1
            assert np.sign(seen) == np.sign(end) and (abs(seen) > 1e100 or growing), (end, seen)
    assert p.bounded == (math.isfinite(lo) and math.isfinite(hi))
    # monotonic: f never turns back (beyond rounding; softplus's threshold step is 2e-9)
    yf = y[np.isfinite(y)]  # an overflow to inf far out (exponential, cube) is not a step
    steps = np.diff(yf)
    tol = 1e-8 * (1.0 + np.abs(yf[1:]))
    rising, falling = (steps >= -tol).all(), (steps <= tol).all()
    assert p.monotonic == (rising or falling)
    if p.monotonic:
        assert (d >= -1e-15).all() if rising else (d <= 1e-15).all()
    # zero-centred: f(0) = 0 and both signs are taken
    zc = abs(float(ev(act, 0.0))) <= 1e-15 and y.min() < 0 < y.max()
    assert p.zero_centred == zc
    # max slope: the sup of |f'|
    m = float(np.abs(d).max())
    if math.isinf(p.max_slope):  # unbounded slope: |f'| keeps growing far out
        assert m > 1e100, m
    else:
        assert m <= p.max_slope * (1 + 1e-9) + 1e-12 and m >= p.max_slope * (1 - 1e-3) - 1e-12, (m, p.max_slope)


def _stands_out(steps: np.ndarray, floor: float = 0.01) -> np.ndarray:
    """Steps of a sampled function that are a jump: above ``floor`` and ten times their neighbours (a
    smooth function's steps change slowly, even where it is steep or oscillates fast)."""
    a = np.abs(steps)
    near = np.maximum(np.concatenate([[0.0], a[:-1]]), np.concatenate([a[1:], [0.0]]))
    return (a > floor) & (a > 10 * near)


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_smoothness_and_kinks(act):
    """Smooth iff f and f' have no jump; every jump of f or f' on a fine grid lies at a declared kink."""
    kinks = np.array(C.kinks_at(act))
    jumps = []
    for k in kinks:
        dk = 1e-7 * max(1.0, abs(k))
        pair = np.array([k - dk, k + dk])
        jumps.append(max(np.ptp(ev(act, pair)), np.ptp(ev(act, pair, deriv=True))))
    x = np.linspace(-20, 20, 80001)
    y, d = ev(act, x), ev(act, x, deriv=True)
    suspicious = _stands_out(np.diff(d)) | _stands_out(np.diff(y))
    for i in np.flatnonzero(suspicious):
        assert ((kinks >= x[i]) & (kinks <= x[i + 1])).any(), f"undeclared kink between {x[i]} and {x[i + 1]}"
    if act.props.smooth:
        assert all(j < 1e-5 for j in jumps) and not suspicious.any(), jumps
    else:
        assert any(j > 1e-3 for j in jumps), jumps


def continuity_order(act, params=None) -> float:
    """The order of continuity measured at the joints of the pieces: -1 if f jumps at one, 0 if f' does,
    1 if f'' does, 2 if the third derivative does; C-infinity for a function without joints."""
    params = act.defaults() if params is None else params
    order = math.inf
    for k in C.kinks_at(act, params):
        delta = 4 * np.spacing(max(abs(k), 1.0))
        f2 = ev(act, [k - delta, k + delta], params)
        d2 = ev(act, [k - delta, k + delta], params, deriv=True)
        if abs(f2[1] - f2[0]) > 1e-13 * max(1.0, abs(f2[0])) + 8 * max(abs(d2).max(), 1.0) * delta:
            return -1.0
        h = 1e-6 * max(1.0, abs(k))
        d = lambda t: ev(act, [k + t], params, deriv=True)[0]  # noqa: E731
        curv = max(abs(d(h) - d2[1]), abs(d2[0] - d(-h))) / h  # local size of f''
        if abs(d2[1] - d2[0]) > 1e-9 * max(1.0, abs(d2[0])) + 16 * max(curv, 1.0) * delta:
            order = min(order, 0.0)
            continue
        right, left = (d(2 * h) - d(h)) / h, (d(-h) - d(-2 * h)) / h  # f'' on each side
        if abs(right - left) > 1e-3 * max(1.0, abs(right), abs(left)):
            order = min(order, 1.0)
            continue
        h3 = 1e-3 * max(1.0, abs(k))
        t_right = (d(3 * h3) - 2 * d(2 * h3) + d(h3)) / h3 ** 2  # the third derivative on each side
        t_left = (d(-h3) - 2 * d(-2 * h3) + d(-3 * h3)) / h3 ** 2
        if abs(t_right - t_left) > 1e-2 * max(1.0, abs(t_right), abs(t_left)):
            order = min(order, 2.0)
    return order


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_order_of_continuity(act):
    """C-1, C0, C1, C2 or C-infinity, as the reference table gives it, measured on f and f'."""
    assert continuity_order(act) == act.props.continuity, (continuity_order(act), act.props.continuity)


def test_order_of_continuity_depends_on_parameters():
    assert continuity_order(A.get("elu"), {"alpha": 1.0}) == 1.0
    assert continuity_order(A.get("elu"), {"alpha": 0.5}) == 0.0
    assert continuity_order(A.get("threshold"), {"threshold": 1.0, "value": 0.0}) == -1.0
    assert continuity_order(A.get("softplus"), {"beta": 1.0, "threshold": 20.0}) == -1.0


_DMONO_X = np.unique(np.concatenate([np.linspace(-50, 50, 100001), np.geomspace(50, 1e300, 60),
                                     -np.geomspace(50, 1e300, 60)]))


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_derivative_monotonic(act):
    """f' never turns back (rounding aside), at kinks included, exactly when the table says so."""
    x = np.unique(np.concatenate([_DMONO_X, kink_grid(act, act.defaults(), 1e-9)]))
    d = ev(act, x, deriv=True)
    d = d[np.isfinite(d)]
    steps = np.diff(d)
    tol = 1e-9 * (1.0 + np.abs(d[1:]))
    mono = bool((steps >= -tol).all() or (steps <= tol).all())
    assert mono == act.props.derivative_monotonic


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_approximates_identity_near_origin(act):
    """f(0) = 0 and f'(x) -> 1 from both sides of 0 (so f(x) = x + o(x)) exactly when the table says so."""
    f0 = float(ev(act, 0.0))
    d = ev(act, np.array([-1e-7, 0.0, 1e-7]), deriv=True)
    near = ev(act, np.array([-1e-4, 1e-4]))
    ident = abs(f0) <= 1e-300 and bool(np.all(np.abs(d - 1.0) < 1e-5)) and np.allclose(near, [-1e-4, 1e-4], rtol=1e-3)
    assert ident == act.props.identity_near_origin, (f0, d)


# ---------------------------------------------------------------- the article's facts

def test_article_facts():
    sig, tanh = A.get("sigmoid"), A.get("tanh")
    x = np.linspace(-10, 10, 20001)
    ds = ev(sig, x, deriv=True)
    assert ds.max() == 0.25 and x[np.argmax(ds)] == 0.0
    s = ev(sig, x)
    assert np.allclose(ds, s * (1 - s), rtol=1e-10, atol=1e-300)
    assert ev(tanh, 0.0, deriv=True) == 1.0
    assert np.allclose(ev(tanh, x, deriv=True), 1 - np.tanh(x) ** 2, rtol=1e-9, atol=1e-15)
    assert C.SELU_ALPHA == 1.6732632423543772848170429916717
    assert C.SELU_SCALE == 1.0507009873554804934193349852946
    selu = A.get("selu")
    assert ev(selu, 1.0) == C.SELU_SCALE and ev(selu, -np.inf) == -C.SELU_SCALE * C.SELU_ALPHA
    rrelu = A.get("rrelu")
    assert ev(rrelu, -1.0) == -(1 / 8 + 1 / 3) / 2
    assert ev(rrelu, -2.0, {"lower": 0.1, "upper": 0.3}) == pytest.approx(-0.4, abs=1e-15)
    assert A.get("leaky_relu").defaults() == {"negative_slope": 0.01}
    assert A.get("prelu").defaults() == {"a": 0.25}
    assert A.get("softplus").defaults() == {"beta": 1.0, "threshold": 20.0}


def test_special_values():
    assert np.array_equal(ev(A.get("sinc"), [0.0, 1e-300, -1e-10]), [1.0, 1.0, 1.0])
    assert ev(A.get("sinc"), 0.0, deriv=True) == 0.0
    assert ev(A.get("sinc"), 1e-8, deriv=True) == pytest.approx(-1e-8 / 3, rel=1e-14)
    tiny = np.array([1e-3, 0.5, 0.999, 1.0, 1.001])
    exact = (np.cos(tiny) - np.sin(tiny) / tiny) / tiny
    assert np.allclose(ev(A.get("sinc"), tiny, deriv=True)[1:], exact[1:], rtol=1e-12)
    se = A.get("soft_exponential")
    x = np.linspace(-5, 5, 101)
    assert np.array_equal(ev(se, x), x) and np.array_equal(ev(se, x, deriv=True), np.ones_like(x))
    assert np.allclose(ev(se, x, {"alpha": 1.0}), np.exp(x)) and np.allclose(ev(se, x, {"alpha": 1.0}, deriv=True), np.exp(x))
    log_like = ev(se, np.array([-1.0, 0.0, 0.5, np.e]), {"alpha": -1.0})
    assert np.isnan(log_like[0]) and log_like[1] == -np.inf and log_like[2:] == pytest.approx([math.log(0.5), 1.0])
    assert ev(se, 1e300, {"alpha": 0.5}) == np.inf
    assert ev(A.get("hardshrink"), [-0.5, 0.5, 0.50001]).tolist() == [0.0, 0.0, 0.50001]
    assert ev(A.get("bent_identity"), DBL_MAX) == np.inf
    assert C.kinks_at(A.get("hardtanh"), {"min_val": -2.0, "max_val": 3.0}) == (-2.0, 3.0)
    assert C.kinks_at(A.get("softplus"), {"beta": 2.0, "threshold": 5.0}) == (2.5,)


def test_gelu_against_math_erfc():
    """The vectorised erfc behind GELU against the C library's erfc, no torch needed."""
    x = np.concatenate([np.linspace(-38, 38, 15201), np.geomspace(1e-12, 1, 50), -np.geomspace(1e-12, 1, 50)])
    phi = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    ok = phi > 1e-290
    # both sides carry the rounding of x/sqrt(2), up to ~2e-13 relative in the far tail
    assert np.allclose(ev(A.get("gelu"), x)[ok], (x * phi)[ok], rtol=5e-13, atol=0)
    near = ok & (np.abs(x) < 6)
    assert np.allclose(ev(A.get("gelu"), x)[near], (x * phi)[near], rtol=1e-14, atol=0)


# ---------------------------------------------------------------- PyTorch as the oracle

def _torch_oracles(torch):
    """Catalogue name -> the PyTorch callable with the same parameters (float64 tensors in and out)."""
    F = torch.nn.functional

    def t(v):
        return torch.tensor(v, dtype=torch.float64)

    return {
        "identity": lambda x: torch.nn.Identity()(x),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "arctan": torch.atan,
        "softsign": F.softsign,
        "relu": F.relu,
        "relu6": F.relu6,
        "leaky_relu": lambda x, negative_slope: F.leaky_relu(x, negative_slope),
        "prelu": lambda x, a: F.prelu(x, t([a])),
        "rrelu": lambda x, lower, upper: F.rrelu(x, lower, upper, training=False),
        "threshold": lambda x, threshold, value: F.threshold(x, threshold, value),
        "crelu": lambda x: torch.cat([F.relu(x), F.relu(-x)])[: x.numel()],
        "softplus": lambda x, beta, threshold: F.softplus(x, beta=beta, threshold=threshold),
        "elu": lambda x, alpha: F.elu(x, alpha),
        "selu": F.selu,
        "celu": lambda x, alpha: F.celu(x, alpha),
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "silu": F.silu,
        "swish": lambda x, beta: F.silu(x) if beta == 1 else x * torch.sigmoid(beta * x),
        "mish": F.mish,
        "hardswish": F.hardswish,
        "hardsigmoid": F.hardsigmoid,
        "hardtanh": lambda x, min_val, max_val: F.hardtanh(x, min_val, max_val),
        "hardshrink": lambda x, lambd: F.hardshrink(x, lambd),
        "softshrink": lambda x, lambd: F.softshrink(x, lambd),
        "tanhshrink": F.tanhshrink,
        "logsigmoid": F.logsigmoid,
        "softmax": lambda x: torch.softmax(torch.stack([x, torch.zeros_like(x)]), dim=0)[0],
        "softmin": lambda x: F.softmin(torch.stack([x, torch.zeros_like(x)]), dim=0)[0],
        "log_softmax": lambda x: F.log_softmax(torch.stack([x, torch.zeros_like(x)]), dim=0)[0],
        "absolute": torch.abs,
        "signum": torch.sign,
        "sinusoid": torch.sin,
        "cos": torch.cos,
        "sinc": lambda x: torch.sinc(x / math.pi),
        "binary_step": lambda x: torch.heaviside(x, t(1.0)),
    }


TORCH_NAMES = {"identity", "sigmoid", "tanh", "arctan", "softsign", "relu", "relu6", "leaky_relu", "prelu", "rrelu",
               "threshold", "crelu", "softplus", "elu", "selu", "celu", "gelu", "gelu_tanh", "silu", "swish", "mish",
               "hardswish", "hardsigmoid", "hardtanh", "hardshrink", "softshrink", "tanhshrink", "logsigmoid",
               "softmax", "absolute", "signum", "sinusoid", "cos", "sinc", "binary_step", "softmin", "log_softmax"}


@pytest.fixture(scope="module")
def torch():
    """PyTorch, or a visible skip of the oracle tests only."""
    return pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")


@pytest.fixture(scope="module")
def oracles(torch):
    return _torch_oracles(torch)


VALUE_ONLY = {"binary_step"}  # torch.heaviside has no autograd formula
# PyTorch's hardsigmoid backward multiplies by the float32 constant 1.0f/6.0f (0.16666667163...);
# the catalogue keeps the exact 1/6, which differs by 3e-8 relative.
DERIV_RTOL = {"hardsigmoid": 5e-8}
TORCH_CASES = [c for c in CASES if c.values[0].name in TORCH_NAMES]


def test_every_torch_entry_has_an_oracle(oracles):
    assert set(oracles) == TORCH_NAMES and TORCH_NAMES <= set(NAMES)
    assert {a.name for a in ACTS if "torch" in a.source.split(",")} <= TORCH_NAMES


@pytest.mark.torch
@pytest.mark.parametrize("act, params", TORCH_CASES)
def test_agrees_with_pytorch(torch, oracles, act, params):
    x = np.unique(np.concatenate([
        np.linspace(-8, 8, 1601), [-1e3, -100, -30, -20, 20, 30, 100, 1e3, 20 - 1e-6, 20 + 1e-6],
        [0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 3.0, -3.0, 6.0, 1e-300, -1e-300],
        kink_grid(act, params, 1e-9),
    ]))
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=act.name not in VALUE_ONLY)
    yt = oracles[act.name](xt, **params)
    y = ev(act, x, params)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-13, err_msg="f")
    if act.name in VALUE_ONLY:
        return
    (gt,) = torch.autograd.grad(yt.sum(), xt)
    rtol = DERIV_RTOL.get(act.name, 1e-10)
    np.testing.assert_allclose(ev(act, x, params, deriv=True), gt.numpy(), rtol=rtol, atol=1e-13, err_msg="f'")


@pytest.mark.torch
def test_pytorch_kink_conventions(torch, oracles):
    """The derivative at each kink is PyTorch's, spelled out (also covered by the grid above)."""
    expect = {
        ("relu", 0.0): 0.0, ("relu6", 0.0): 0.0, ("relu6", 6.0): 0.0, ("leaky_relu", 0.0): 0.01,
        ("prelu", 0.0): 0.25, ("rrelu", 0.0): 11 / 48, ("elu", 0.0): 1.0, ("celu", 0.0): 1.0,
        ("selu", 0.0): C.SELU_SCALE * C.SELU_ALPHA, ("hardtanh", -1.0): 0.0, ("hardtanh", 1.0): 0.0,
        ("hardsigmoid", -3.0): 0.0, ("hardsigmoid", 3.0): 0.0, ("hardswish", -3.0): 0.0, ("hardswish", 3.0): 1.0,
        ("hardshrink", 0.5): 0.0, ("hardshrink", -0.5): 0.0, ("softshrink", 0.5): 0.0, ("softshrink", -0.5): 0.0,
        ("threshold", 0.0): 0.0, ("absolute", 0.0): 0.0, ("signum", 0.0): 0.0,
        ("softplus", 20.0): float(1 / (1 + np.exp(-20.0))),
    }
    for (name, x0), want in expect.items():
        act = A.get(name)
        assert ev(act, x0, deriv=True) == pytest.approx(want, rel=1e-15), name
        xt = torch.tensor([x0], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(oracles[name](xt, **act.defaults()).sum(), xt)
        assert g.item() == pytest.approx(want, rel=1e-12), name
