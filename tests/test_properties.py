"""Property-based tests (Hypothesis): the catalogue on arbitrary float64 arrays, the spec parser on
arbitrary text, the CLI on generated option combinations, and byte-identical output for the same inputs.

Examples are derandomised by the "ci" profile in conftest.py, so every run tries the same ones.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from actviz import activations as A
from actviz.errors import ActvizError

ACTS = [a for a in A.catalogue() if not a.gated]  # gated f(a, b): tests/test_gated.py
DBL_MAX = np.finfo(float).max
SIDES = (-1.0, 1.0)

# ------------------------------------------------------------------ the catalogue's documented exceptions

NO_LIMIT = {
    "sinusoid": lambda p, side, deriv: True,
    "cos": lambda p, side, deriv: True,
    "siren": lambda p, side, deriv: True,
    "gcu": lambda p, side, deriv: True,
    "snake": lambda p, side, deriv: deriv,
    "snake_beta": lambda p, side, deriv: deriv,
    "sinlu": lambda p, side, deriv: deriv and side > 0 and p["a"] != 0 and p["b"] != 0,
    "soft_exponential": lambda p, side, deriv: p["alpha"] < 0 and side < 0,
}
"""Where f or f' has no limit at -inf or +inf, or is undefined there, and so gives NaN:
name -> (params, side, deriv) -> True when NaN is expected. Every other entry has limits on both
sides. Each entry listed here says so in its note."""


def _soft_exp_domain_left(p):
    """Soft exponential with alpha < 0 is defined for x > (alpha^2 - 1)/(-alpha) only."""
    a = p["alpha"]
    return (a * a - 1.0) / -a if a < 0 else -math.inf


UNDEFINED_BELOW = {"soft_exponential": _soft_exp_domain_left}
"""name -> params -> x0: below x0 f and f' are undefined (NaN); at x0 they are infinite."""


def _expected_nan_at_inf(act, params, side, deriv) -> bool:
    rule = NO_LIMIT.get(act.name)
    return bool(rule and rule(params, side, deriv))


def _undefined(act, params, x):
    """Boolean mask: x outside the domain or at its singular end (a few ulps of slack for the rounding of x0)."""
    rule = UNDEFINED_BELOW.get(act.name)
    if rule is None:
        return np.zeros(np.shape(x), dtype=bool)
    x0 = rule(params)
    return x <= x0 + 8 * np.spacing(abs(x0) if math.isfinite(x0) else 0.0)


# ------------------------------------------------------------------ strategies

SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e-300,
           math.inf, -math.inf, math.nan, DBL_MAX, -DBL_MAX, 1.0, -1.0, 709.8, -745.2, 1e155, -1e155]


def float_arrays(max_len: int = 24):
    """float64 arrays of any values: +-0, subnormals, +-inf, NaN, huge and ordinary."""
    elements = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True))
    return hnp.arrays(np.float64, st.integers(0, max_len), elements=elements)


def param_values(p: A.Param, moderate: bool):
    """Valid values of one parameter: anywhere in its interval, or (moderate) near the ones people use."""
    lo, hi = p.low, p.high
    if moderate:
        scale = 1e6
        lo, hi = max(lo, -scale), min(hi, scale)
        values = st.floats(lo, hi, exclude_min=not p.low_inclusive and lo == p.low,
                           exclude_max=not p.high_inclusive and hi == p.high, allow_nan=False)
        # keep magnitudes off the far ends of tiny: 0 or at least 1e-6
        values = values.map(lambda v: v if v == 0 or abs(v) >= 1e-6 else math.copysign(1e-6, v))
        return values.filter(lambda v: _valid(p, v))
    return st.floats(max(lo, -DBL_MAX), min(hi, DBL_MAX), exclude_min=not p.low_inclusive,
                     exclude_max=not p.high_inclusive, allow_nan=False, allow_infinity=False)


def _valid(p: A.Param, v: float) -> bool:
    try:
        p.check(v, "test")
        return True
    except ActvizError:
        return False


@st.composite
def bound(draw, moderate: bool = False):
    """An activation of the catalogue with parameters drawn from their valid intervals."""
    act = draw(st.sampled_from(ACTS))
    if draw(st.booleans()):
        params = act.defaults()
    else:
        params = {p.name: draw(param_values(p, moderate)) for p in act.params}
    return act.name, params


def evaluate(act, params, x, *, deriv):
    """f or f' with every floating-point error and every warning turned into an exception."""
    fn = act.df if deriv else act.f
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            return fn(x, **params)


def _bits(m: float) -> int:
    return int(np.float64(m).view(np.int64))


def _from_bits(b: int) -> float:
    return float(np.int64(b).view(np.float64))


def last_finite_before_overflow(act, params, x: float, *, deriv: bool) -> float:
    """f (or f') at the largest |t| <= |x| (t of x's sign) where it is still finite, by bisection on
    the bit patterns of |t| (64 steps at most). An overflow to +-inf must continue finite values near
    the float maximum; a wrong infinity (an intermediate overflow) shows as a modest value here."""
    sign = math.copysign(1.0, x)
    g = lambda m: float(evaluate(act, params, np.array([sign * _from_bits(m)]), deriv=deriv)[0])  # noqa: E731
    lo, hi = 0, _bits(abs(x))
    assert math.isfinite(g(lo)), f"{act.name} is not finite at 0"
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if math.isfinite(g(mid)):
            lo = mid
        else:
            hi = mid
    return g(lo)


# ------------------------------------------------------------------ the catalogue

def test_no_limit_table_matches_the_notes():
    for name in NO_LIMIT:
        assert "NaN" in A.get(name).note, f"{name}'s note must say where it gives NaN"


@settings(max_examples=400)
@given(bound(), float_arrays())
@example(("celu", {"alpha": 5e-324}), np.array([-1.0, 0.0, -DBL_MAX]))  # was inf * 0 = NaN
@example(("prelu", {"a": -3e52}), np.array([4.7e16, -DBL_MAX]))  # was an overflow warning
def test_any_array_any_parameters(case, x):
    """NaN in, NaN out; finite in, not NaN out (outside a documented domain); shape, dtype and
    element-wise agreement; no floating-point error or warning, whatever the parameters."""
    name, params = case
    act = A.get(name)
    undefined = _undefined(act, params, x)
    for deriv in (False, True):
        y = evaluate(act, params, x, deriv=deriv)
        assert y.shape == x.shape and y.dtype == np.float64
        assert np.isnan(y[np.isnan(x)]).all()
        finite_in = np.isfinite(x) & ~undefined
        assert not np.isnan(y[finite_in]).any(), (x[finite_in & np.isnan(y)], params)
        for i in range(min(x.size, 4)):  # one element alone gives the same value as in the array
            alone = evaluate(act, params, x[i:i + 1], deriv=deriv)[0]
            assert alone == y[i] or (np.isnan(alone) and np.isnan(y[i])), (x[i], alone, y[i])
        zeros = evaluate(act, params, np.array([0.0, -0.0]), deriv=deriv)
        assert zeros[0] == zeros[1] or np.isnan(zeros).all()


@settings(max_examples=300)
@given(bound(moderate=True), float_arrays())
@example(("soft_exponential", {"alpha": -1.0}), np.array([2.3e-23]))  # was inf: x + alpha lost x
def test_infinity_only_where_the_true_value_overflows(case, x):
    """With parameters of sensible size, f and f' are finite at a finite input unless the true value
    leaves the float range, or the input is a documented singular point."""
    name, params = case
    act = A.get(name)
    undefined = _undefined(act, params, x)
    for deriv in (False, True):
        y = evaluate(act, params, x, deriv=deriv)
        for xi, yi in zip(x[np.isfinite(x) & ~undefined & np.isinf(y)], y[np.isfinite(x) & ~undefined & np.isinf(y)]):
            edge = last_finite_before_overflow(act, params, float(xi), deriv=deriv)
            assert abs(edge) > DBL_MAX / 4 and math.copysign(1, edge) == math.copysign(1, yi), \
                (act.name, params, "f'" if deriv else "f", xi, yi, edge)


@settings(max_examples=300)
@given(bound(moderate=True))
def test_limits_at_infinity(case):
    """f(+-inf) and f'(+-inf) are the limits there: what f approaches at +-1e300, or NaN exactly
    where NO_LIMIT says there is none."""
    name, params = case
    act = A.get(name)
    for side in SIDES:
        for deriv in (False, True):
            at_inf = float(evaluate(act, params, np.array([side * math.inf]), deriv=deriv)[0])
            if _expected_nan_at_inf(act, params, side, deriv):
                assert math.isnan(at_inf), (act.name, params, side, deriv, at_inf)
                continue
            assert not math.isnan(at_inf), (act.name, params, side, deriv)
            far, farther = evaluate(act, params, side * np.array([1e150, 1e300]), deriv=deriv)
            if math.isinf(at_inf):  # unbounded: growing towards it
                assert np.sign(farther) == np.sign(at_inf) and abs(farther) >= abs(far), (act.name, params, side)
            else:
                assert farther == pytest.approx(at_inf, rel=1e-9, abs=1e-9), (act.name, params, side, deriv)


# ------------------------------------------------------------------ the activation spec parser

NAMES = sorted({k for a in ACTS if a.kind == "elementwise" for k in (a.name, *a.aliases)})
PARAM_NAMES = sorted({p.name for a in ACTS for p in a.params}) + ["", "x", "__class__", "alpha "]
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**400, 10**400).map(str),
                    st.sampled_from(["", "nan", "inf", "-inf", "1e999", "-0", "0x10", "1_0", "٣", "1/2", "(1)",
                                     "__import__('os')", "1e-400", ".5", "5.", "+.5e+3", " 2 "]))
SPEC_PIECES = st.one_of(st.sampled_from(NAMES), st.sampled_from(["expr", "EXPR", " ", ":", ",", "=", ":=", "::"]),
                        st.text(max_size=6))


@st.composite
def spec_texts(draw):
    """Arbitrary text, or a near-miss of a valid spec: a real name with generated key=value pairs."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.text(max_size=60))
    if draw(st.booleans()):
        return "".join(draw(st.lists(SPEC_PIECES, max_size=8)))
    name = draw(st.sampled_from(NAMES))
    pairs = draw(st.lists(st.tuples(st.sampled_from(PARAM_NAMES), st.sampled_from(["=", "", "==", ":"]), NUMBERS),
                          max_size=4))
    sep = draw(st.sampled_from([":", ": ", "", "::"]))
    return name + sep + ",".join(k + eq + v for k, eq, v in pairs)


@settings(max_examples=600)
@given(spec_texts())
def test_spec_parser_parses_or_refuses_in_one_line(text):
    """parse_spec either returns a bound activation whose spec reads back to the same thing, or raises
    the project's own error with a one-line message; never another exception, never a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            b = A.parse_spec(text)
        except ActvizError as exc:
            message = str(exc)
            assert message and "\n" not in message and "\r" not in message, repr(message)
            return
    assert isinstance(b, A.BoundActivation)
    assert all(math.isfinite(v) for v in b.params.values())
    again = A.parse_spec(b.spec)
    assert again.act is b.act and again.params == b.params
    if b.act.gated:
        assert b.f2([0.5], [2.0]).shape == (1,)
        return
    y = b.f(np.linspace(-3, 3, 7))
    assert y.shape == (7,) and not np.isnan(y[~_undefined(b.act, b.params, np.linspace(-3, 3, 7))]).any()


def test_spec_parser_never_evaluates_code(tmp_path):
    """Parameter values and names are never evaluated: payloads that would write a file are refused."""
    sentinel = tmp_path / "pwned"
    payloads = [f"__import__('pathlib').Path({str(sentinel)!r}).touch()", f"open({str(sentinel)!r},'w')",
                "exec('1')", "eval('1')", "1;import os"]
    for payload in payloads:
        for text in (f"elu:alpha={payload}", f"elu:{payload}=1", payload, f"{payload}:alpha=1"):
            with pytest.raises(ActvizError):
                A.parse_spec(text)
    assert not sentinel.exists()


# ------------------------------------------------------------------ the CLI on generated option combinations

MAGIC = {".bib": (b"@",), ".png": (b"\x89PNG\r\n\x1a\n",), ".svg": (b"<?xml", b"<svg"), ".pdf": (b"%PDF-",),
         ".eps": (b"%!PS",), ".pgf": (b"%",), ".gif": (b"GIF89a", b"GIF87a"), ".webp": (b"RIFF",),
         ".csv": (b"x,", b"step,", b"frame,", b"activation,"), ".tsv": (b"x\t", b"step\t", b"frame\t", b"activation\t"),
         ".json": (b"[", b"{"), ".md": (b"#",), ".html": (b"<!",)}
"""How each kind of file actviz writes begins."""

JUNK = st.sampled_from(["", "nan", "-inf", "1e999", "x", "-1", "0", "3..4", "__import__('os')"])
SMALL_FIGURE = ["--dpi", "30"]  # default sizes (each command knows the smallest its layout holds), few pixels


def often(valid, junk=JUNK):
    """Mostly valid values (15 in 16), now and then a bad one."""
    return st.tuples(st.integers(0, 15), valid, junk).map(lambda t: t[2] if t[0] == 0 else t[1])


def opt(name, values):
    """An option that may be left out: [] or [name, value...]."""
    return st.one_of(st.just([]), values.map(lambda v: [name, *v] if isinstance(v, tuple) else [name, str(v)]))


def flag(*names):
    return st.sampled_from([[], *[[n] for n in names]])


SPECS_CLI = often(st.one_of(st.sampled_from(["relu", "sigmoid", "tanh", "elu", "gelu", "swish", "soft_exponential",
                                             "hardshrink", "sinc", "prelu", "maxout", "softmax", "crelu", "identity"]),
                            st.tuples(st.sampled_from(["elu:alpha", "prelu:a", "leaky_relu:negative_slope",
                                                       "soft_exponential:alpha", "swish:beta", "softplus:beta"]),
                                      st.floats(-2, 2, allow_nan=False).map(lambda v: f"{v:.3g}"))
                            .map("=".join), st.just("expr:x*tanh(x)")),
                  st.sampled_from(["relu7", "elu:alpha=", "elu:beta=1", "expr:x**", ":", "relu:"]))
XLIM = often(st.tuples(st.floats(-50, 0), st.floats(0.1, 50)).map(lambda t: (f"{t[0]:.3g}", f"{t[1]:.3g}")),
             st.sampled_from([("1", "1"), ("nan", "1"), ("-inf", "0"), ("-1e308", "1e308"), ("2", "-2")]))
FLOAT = lambda lo, hi: often(st.floats(lo, hi).map(lambda v: f"{v:.3g}"))  # noqa: E731


STYLE = often(st.sampled_from(["default", "paper", "slides", "dark"]), st.just("nope"))
TITLE = often(st.text(st.characters(codec="latin-1", categories=["L", "N", "P", "Zs", "Sm"]), max_size=16),
              st.sampled_from(["$x^$", "˯", "中", "a\x00b", r"$\frac$"]))


def out_name(*good):
    return st.sampled_from([*good, *good, *good, "x.bmp", "noext", "sub/dir/x" + good[0][1:]])


def plot_args():
    return st.tuples(st.lists(SPECS_CLI, min_size=1, max_size=3), out_name("x.png", "x.svg", "x.pdf"),
                     opt("--xlim", XLIM), opt("--samples", often(st.integers(2, 400))),
                     opt("--layout", often(st.sampled_from(["overlay", "grid"]))), flag("--no-derivative"),
                     opt("--ylim", XLIM), opt("--formula", st.sampled_from(["none", "legend", "title"])),
                     flag("--no-legend", "--transparent"), opt("--style", STYLE), opt("--title", TITLE)) \
        .map(lambda t: ["plot", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *SMALL_FIGURE])


def data_args():
    return st.tuples(st.lists(SPECS_CLI, min_size=1, max_size=3), opt("--xlim", XLIM),
                     opt("--samples", often(st.integers(2, 50))),
                     opt("--x", often(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=4)
                                      .map(lambda v: ",".join(repr(a) for a in v)))),
                     opt("--format", st.sampled_from(["csv", "tsv", "json", "xml"])),
                     opt("-o", st.sampled_from(["x.csv", "x.json", "x.tsv", "sub/x.csv"]))) \
        .map(lambda t: ["data", *t[0], *[a for part in t[1:] for a in part]])


def warp_args():
    return st.tuples(st.lists(SPECS_CLI, max_size=2), opt("--n", often(st.lists(st.integers(1, 12), min_size=1,
                                                                                  max_size=2).map(lambda v: ",".join(map(str, v))))),
                     opt("--points", often(st.integers(2, 120))), opt("--turns", FLOAT(0.1, 4)),
                     opt("--scale", FLOAT(0.1, 30)), opt("--bias", FLOAT(0, 2)), opt("--seed", often(st.integers(0, 9))),
                     opt("--weights", st.sampled_from(["uniform", "normal", "orthogonal"])), flag("--grid"),
                     opt("--limits", st.sampled_from(["shared", "panel"])), opt("--frames", often(st.integers(2, 3))),
                     flag("--metrics", "--animate"), opt("--metrics-format", st.sampled_from(["csv", "json", "table"])),
                     often(out_name("x.png", "x.gif", "x.svg").map(lambda o: ["-o", o]), st.just([]))) \
        .map(lambda t: ["warp", *t[0], *[a for part in t[1:] for a in part], *SMALL_FIGURE])


TRAINING = (opt("--hidden", often(st.lists(st.integers(1, 6), min_size=1, max_size=2).map(lambda v: ",".join(map(str, v))))),
            opt("--data", often(st.sampled_from(["spiral", "circles", "moons", "xor", "blobs"]))),
            opt("--noise", FLOAT(0, 0.3)), opt("--seed", st.integers(0, 9)),
            opt("--optimizer", st.sampled_from(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                                                "adam:beta1=0.5", "adam:weight_decay=1"])), opt("--lr", FLOAT(1e-3, 3)),
            opt("--weight-decay", FLOAT(0, 1e-2)), opt("--init", st.sampled_from(["auto", "he", "xavier"])),
            opt("--batch", often(st.integers(0, 30))))
TRAINING_SMALL = ["--count", "40", "--steps", "12"]


def train_args():
    return st.tuples(st.lists(SPECS_CLI, max_size=1), out_name("x.gif", "x.webp"), *TRAINING,
                     often(st.integers(2, 4).map(lambda n: ["--frames", str(n)]), st.just([])),
                     opt("--view", st.sampled_from(["logit", "input", "both", "layers"])),
                     opt("--schedule", st.sampled_from(["log", "linear"])), flag("--no-grid", "--no-points"),
                     opt("--log", st.sampled_from(["log.csv", "log.json", "log.txt"])),
                     opt("--regions-log", st.sampled_from(["regions.csv", "regions.json", "regions.txt"]))) \
        .map(lambda t: ["train", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *TRAINING_SMALL,
                        *SMALL_FIGURE])


def boundary_args():
    models = often(st.tuples(SPECS_CLI, st.integers(1, 5)).map(lambda t: f"{t[0]}@{t[1]}"), st.sampled_from(["relu@", "@4"]))
    return st.tuples(st.lists(models, min_size=1, max_size=2), out_name("x.png", "x.svg"), *TRAINING,
                     flag("--units", "--no-points", "--regions"), opt("--ncols", often(st.integers(1, 3)))) \
        .map(lambda t: ["boundary", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *TRAINING_SMALL,
                        *SMALL_FIGURE])


def layers_args():
    return st.tuples(st.lists(SPECS_CLI, max_size=1), out_name("x.png", "x.svg"), *TRAINING,
                     flag("--no-grid", "--no-points", "--no-curves"), opt("--title", TITLE)) \
        .map(lambda t: ["layers", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *TRAINING_SMALL,
                        *SMALL_FIGURE])


def list_args():
    return st.tuples(opt("--family", often(st.sampled_from(A.FAMILIES))),
                     opt("--framework", often(st.sampled_from(["torch", "keras", "jax", "flax", "hf"]))),
                     flag("--json", "--gain"), opt("--gain-var", FLOAT(0.01, 100))) \
        .map(lambda t: ["list", *t[0], *t[1], *t[2], *t[3]])


INITS_CLI = often(st.lists(st.sampled_from(["he", "xavier", "lecun", "orthogonal", "gain", "gain:1.2", "he-fan-out",
                                            "xavier-normal", "orthogonal:0.5"]), min_size=1, max_size=2).map(",".join),
                  st.sampled_from(["nope", "gain:0", ",", "he,,xavier", "gain:x"]))
DEPTH_OUT = (often(out_name("x.png", "x.svg").map(lambda o: ["-o", o]), st.just([])),
             opt("--data", st.sampled_from(["d.csv", "d.json", "d.tsv", "d.txt"])))


def depth_args():
    """The grid, --train and --phase, small; now and then an option of another mode (refused)."""
    sizes = lambda lo, hi: often(st.integers(lo, hi))  # noqa: E731
    grid = st.tuples(st.just([]), sizes(1, 4).map(lambda v: ["--depth", str(v)]),
                     sizes(1, 8).map(lambda v: ["--width", str(v)]), sizes(2, 12).map(lambda v: ["--samples", str(v)]),
                     opt("--input-dim", sizes(1, 6)), opt("--inputs", st.sampled_from(["normal", "uniform"])),
                     opt("--input-var", FLOAT(0.01, 4)), opt("--bias-std", FLOAT(0, 1)), opt("--gain-var", FLOAT(0.1, 4)),
                     opt("--seed", st.integers(0, 9)), st.sampled_from([[], [], ["--steps", "3"]]))
    train = st.tuples(st.just(["--train"]), opt("--depth", sizes(1, 3)), opt("--width", sizes(1, 6)),
                      opt("--seeds", sizes(1, 2)), opt("--dataset", often(st.sampled_from(["spiral", "circles", "xor"]))),
                      opt("--optimizer", st.sampled_from(["sgd", "momentum", "adam"])), opt("--lr", FLOAT(1e-3, 3)),
                      opt("--batch", sizes(0, 30)), opt("--ncols", sizes(1, 3)),
                      st.sampled_from([[], [], ["--samples", "4"]]), st.just(["--count", "40", "--steps", "6"]))
    pair = lambda lo, hi: st.tuples(st.floats(*lo), st.floats(*hi)).map(lambda t: (f"{t[0]:.3g}", f"{t[1]:.3g}"))  # noqa: E731
    phase = st.tuples(st.just(["--phase"]), opt("--depth", sizes(2, 30)), opt("--sigma-w", often(pair((0.01, 1), (1.5, 5)))),
                      opt("--sigma-b", often(pair((0, 0.5), (0.6, 2)))), opt("--bias-std", FLOAT(0, 1)),
                      opt("--input-var", FLOAT(0.01, 4)), st.sampled_from([[], [], ["--seed", "1"]]))
    mode = st.one_of(grid, train, phase).map(lambda t: [a for part in t for a in part])
    return st.tuples(st.lists(SPECS_CLI, max_size=2), mode, opt("--init", INITS_CLI), *DEPTH_OUT) \
        .map(lambda t: ["depth", *t[0], *t[1], *[a for part in t[2:] for a in part], *SMALL_FIGURE])


def render_args():
    """A one- or two-figure spec (written by the test) of small plots with generated args."""
    entry = st.tuples(st.lists(SPECS_CLI, min_size=1, max_size=2), opt("--xlim", XLIM), st.sampled_from(["a.png", "b.svg", "c.bmp"]))
    return st.lists(entry, min_size=1, max_size=2).map(lambda es: ["render", "-j", "1", {"figures": es}])


LOSS_CLI = often(st.one_of(st.sampled_from(["hinge", "log_loss", "zero_one", "exponential", "mse", "huber", "msle",
                                             "quantile", "log_cosh", "bce", "focal", "kl"]),
                            st.tuples(st.sampled_from(["huber:delta", "quantile:tau", "focal:gamma", "bce:target",
                                                       "msle:target", "smooth_l1:beta", "mape:target"]),
                                      st.floats(-1, 3, allow_nan=False).map(lambda v: f"{v:.3g}")).map("=".join)),
                 st.sampled_from(["hinj", "huber:", "huber:delta=", ":", "expr:x"]))


def loss_args():
    points = often(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=4).map(lambda v: ",".join(repr(a) for a in v)))
    return st.tuples(st.lists(LOSS_CLI, max_size=3), out_name("x.png", "x.svg", "x.csv", "x.json"),
                     opt("--kind", often(st.sampled_from(["margin", "residual", "probability"]))),
                     opt("--xlim", XLIM), opt("--samples", often(st.integers(2, 300))), opt("--x", points),
                     opt("--layout", often(st.sampled_from(["overlay", "grid"]))), flag("--no-derivative"),
                     opt("--ylim", XLIM), opt("--formula", st.sampled_from(["none", "legend", "title"])),
                     flag("--no-legend", "--transparent"), opt("--style", STYLE), opt("--title", TITLE)) \
        .map(lambda t: ["loss", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *SMALL_FIGURE])


OPT_CLI = often(st.one_of(st.sampled_from(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]),
                          st.tuples(st.sampled_from(["adam:beta1", "momentum:momentum", "rmsprop:alpha", "sgd:lr",
                                                     "adagrad:lr_decay", "adamw:weight_decay", "rmsprop:centered"]),
                                    st.floats(-0.5, 1.5, allow_nan=False).map(lambda v: f"{v:.3g}")).map("=".join)),
                st.sampled_from(["adamx", "adam:", "sgd:lr=", "momentum:dampening=2"]))


def optim_args():
    surface = often(st.sampled_from(["rosenbrock", "beale", "himmelblau", "saddle", "quadratic", "rastrigin",
                                     "expr:x**2+3*y**2", "expr:sin(x)*cos(y)"]), st.sampled_from(["nope", "expr:x+z"]))
    grid = often(st.lists(st.floats(1e-5, 2), min_size=1, max_size=4).map(lambda v: ",".join(f"{a:.3g}" for a in v)))
    return st.tuples(st.lists(OPT_CLI, max_size=3), out_name("x.png", "x.gif", "x.csv"), opt("--surface", surface),
                     opt("--start", XLIM), opt("--xlim", XLIM), opt("--ylim", XLIM),
                     often(st.integers(1, 40).map(lambda n: ["--steps", str(n)]), st.just(["--steps", "0"])),
                     opt("--lr", FLOAT(1e-4, 1)), opt("--lr-rule", st.sampled_from(["tuned", "torch"])),
                     opt("--lr-grid", grid), opt("--noise", FLOAT(0, 2)), opt("--seed", often(st.integers(0, 9))),
                     opt("--frames", often(st.integers(2, 4))), opt("--schedule", st.sampled_from(["linear", "log"])),
                     opt("--style", STYLE), opt("--title", TITLE)) \
        .map(lambda t: ["optim", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *SMALL_FIGURE])


GATED_CLI = often(st.one_of(st.sampled_from(["glu", "swiglu", "geglu", "geglu_tanh", "reglu", "bilinear",
                                              "clamped_swiglu"]),
                            st.floats(0, 3, allow_nan=False).map(lambda v: f"swiglu:beta={v:.3g}")),
                  st.sampled_from(["relu", "swiglu:beta=", "nope", "softmax"]))


def surface_args():
    return st.tuples(st.lists(GATED_CLI, min_size=1, max_size=3), out_name("x.png", "x.svg", "x.pdf"),
                     opt("--alim", XLIM), opt("--blim", XLIM), opt("--samples", often(st.integers(2, 60))),
                     flag("--no-arrows", "--no-formula"), opt("--contours", often(st.integers(0, 12))),
                     opt("--ncols", often(st.integers(1, 3))), opt("--style", STYLE), opt("--title", TITLE)) \
        .map(lambda t: ["surface", *t[0], "-o", t[1], *[a for part in t[2:] for a in part], *SMALL_FIGURE])


def cite_args():
    names = often(st.sampled_from(["gelu", "jax.gelu", "hf.gelu_new", "keras.leaky_relu", "swiglu", "relu",
                                   "clamped_swiglu", "sigmoid:", "elu:alpha=0.5"]),
                  st.sampled_from(["nope", "jax.nope", "expr:x", ""]))
    return st.tuples(st.lists(names, max_size=3), flag("--all"), opt("-o", st.sampled_from(["x.bib", "sub/x.bib"]))) \
        .map(lambda t: ["cite", *t[0], *[a for part in t[1:] for a in part]])


COMMAND_ARGS = {"list": list_args, "plot": plot_args, "data": data_args, "warp": warp_args, "train": train_args,
                "boundary": boundary_args, "render": render_args, "layers": layers_args, "depth": depth_args,
                "loss": loss_args, "optim": optim_args, "surface": surface_args, "cite": cite_args}
EXAMPLES = {"list": 10, "data": 30, "plot": 20, "warp": 20, "train": 12, "boundary": 12, "render": 8, "layers": 10,
            "depth": 16, "loss": 25, "optim": 16, "surface": 12, "cite": 12}


def _write_spec(folder, spec) -> str:
    lines = []
    for i, (specs, xlim, output) in enumerate(spec["figures"]):
        args = [*specs, *xlim, *SMALL_FIGURE]
        lines += ["[[figure]]", f'title = "figure {i}"', 'command = "plot"',
                  "args = [" + ", ".join(_toml_string(a) for a in args) + "]", f'output = "{i}{output}"', ""]
    (folder / "spec.toml").write_text("\n".join(lines))
    return str(folder / "spec.toml")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _outputs(args: list[str]) -> list[str]:
    """The files a command line asks for."""
    outs = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--log", "--regions-log")
            or (a == "--data" and args[0] == "depth")]  # train's --data names a data set, depth's a file
    return outs


def check_cli_run(args, r, folder, outputs, before) -> None:
    """Exit 0 with valid files, or 1/2 with one line and nothing written; never a traceback, a warning
    or a temporary file. ``actviz render`` may also fail some figures (one line each) and write the rest."""
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert "internal error" not in r.stderr, r.stderr
    written = outputs
    if r.exit_code != 0:
        assert r.exit_code in (1, 2), (r.exit_code, r.stderr)
        *figure_lines, last = r.stderr.strip().splitlines() or [""]
        assert last.startswith("actviz: error: "), r.stderr
        if figure_lines:
            assert args[0] == "render" and r.exit_code == 1 and "figures failed" in last, r.stderr
        failed = {line.split(": ")[1] for line in figure_lines}
        written = [o for o in outputs if o not in failed] if figure_lines else []
    else:
        assert not r.stderr.strip(), r.stderr
    fmt = args[args.index("--format") + 1] if "--format" in args else None  # data: --format beats the extension
    for out in written:
        data = (folder / out).read_bytes()
        kind = f".{fmt}" if fmt and str(folder / out) == args[args.index("-o") + 1] else Path(out).suffix.lower()
        assert data.startswith(MAGIC[kind]), (out, data[:20])
    after = {p for p in folder.rglob("*") if p.is_file() and p.name != ".spec.manifest.json"}
    assert after == before | {folder / o for o in written}, sorted(map(str, after ^ before))


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMAND_ARGS))
def test_cli_generated_options(command, tmp_path_factory):
    """For a bounded number of generated option combinations per command."""
    from conftest import run_cli

    @settings(max_examples=EXAMPLES[command])
    @given(COMMAND_ARGS[command]())
    def run(args):
        folder = tmp_path_factory.mktemp(command)
        if command == "render":
            outputs = [f"{i}{output}" for i, (_, _, output) in enumerate(args[-1]["figures"])]
            args = [*args[:-1], _write_spec(folder, args[-1])]
        else:
            outputs = [o for o in _outputs(args)]
        args = [str(folder / a) if a in outputs else a for a in args]
        before = {p for p in folder.rglob("*") if p.is_file()}
        r = run_cli(*args)
        event(f"exit status {r.exit_code}")
        check_cli_run(args, r, folder, outputs, before)

    run()


def test_every_command_has_a_generator():
    from actviz import cli

    assert set(COMMAND_ARGS) == set(cli.COMMANDS)


