"""Expression activations: exact derivatives, safe parsing, named definitions with parameters."""
from __future__ import annotations

import csv
import io
import math
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from actviz import activations, api
from actviz.core.expr import compile as expr
from actviz.errors import RunFailure, UserError

pytest.importorskip("sympy")

MISH = "x*tanh(log(1+exp(x)))"


def _central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


SMOOTH = [MISH, "x/(1+exp(-x))", "x/sqrt(1+x**2)", "erf(x/sqrt(2))*x/2 + x/2", "log1p(exp(x)) - log(2)",
          "sin(x)*exp(-x**2/8)", "asinh(x) + atan(x)", "softplus(2*x)/2", "x*sigmoid(1.702*x)", "cosh(x/4)**-1",
          "x**3/(1+x**2)", "tanh(x)*sinh(x/3)", "expm1(-x**2)", "2**x", "x*e**(-abs(x)**1.5)"]


@pytest.mark.parametrize("text", SMOOTH)
def test_derivative_matches_central_differences(text):
    b = activations.parse_spec("expr:" + text)
    x = np.linspace(-6, 6, 97) + 0.013  # avoid 0, where abs() has a kink
    assert np.allclose(b.df(x), _central(b.f, x), rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_values_and_derivatives_match_pytorch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = np.concatenate([np.linspace(-30, 30, 241), [0.0, -1e-3, 1e-3, 80.0, -80.0]])
    cases = {
        MISH: lambda t: t * torch.tanh(tf.softplus(t)),
        "x*sigmoid(x)": tf.silu,
        "where(x > 0, x, 0.5*(exp(x) - 1))": lambda t: tf.elu(t, alpha=0.5),
        "max(x, 0)": lambda t: torch.maximum(t, torch.zeros_like(t)),
        "abs(x)": torch.abs,
        "x/2*(1 + erf(x/sqrt(2)))": tf.gelu,
        "min(max(x, -1), 1)": lambda t: torch.minimum(torch.maximum(t, -torch.ones_like(t)), torch.ones_like(t)),
    }
    for text, oracle in cases.items():
        b = activations.parse_spec("expr:" + text)
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = oracle(t)
        y.sum().backward()
        assert np.allclose(b.f(x), y.detach().numpy(), rtol=1e-12, atol=1e-12), text
        ok = np.isclose(b.df(x), t.grad.numpy(), rtol=1e-9, atol=1e-12)
        assert ok.all(), (text, x[~ok], b.df(x)[~ok], t.grad.numpy()[~ok])


def test_no_warnings_and_finite_where_builtins_are_finite():
    # pytest turns numpy warnings into errors: overflow in exp for huge x, or in the
    # branch of where() that is not taken, must stay silent
    x = np.array([-1e308, -1e5, -800.0, -50.0, 0.0, 50.0, 800.0, 1e5, 1e308])
    for text in (MISH, "x/(1+exp(-x))", "log(1+exp(x))", "where(x > 0, x, exp(x) - 1)", "where(x < 0, exp(x), x)"):
        b = activations.parse_spec("expr:" + text)
        y, dy = b.f(x), b.df(x)
        assert np.isfinite(y[1:-1]).all() and np.isfinite(dy).all(), (text, y, dy)
    mish = activations.parse_spec("expr:" + MISH)
    assert mish.df(np.array([1e5]))[0] == 1.0 and mish.df(np.array([-1e5]))[0] == 0.0


def test_kinks_follow_pytorch_conventions():
    x = np.array([0.0])
    assert activations.parse_spec("expr:max(x, 0)").df(x)[0] == 0.5  # torch.maximum splits a tie
    assert activations.parse_spec("expr:abs(x)").df(x)[0] == 0.0
    assert activations.parse_spec("expr:sign(x)*x**2").df(np.array([0.0, 2.0])).tolist() == [0.0, 4.0]


def test_shapes_scalars_and_constant_expressions():
    one = activations.parse_spec("expr:1")
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    assert one.f(x).shape == (2, 3) and (one.f(x) == 1).all() and (one.df(x) == 0).all()
    assert activations.parse_spec("expr:x**2").f(3.0) == 9.0


def test_latex_is_mathtext_and_comes_from_the_expression():
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path")
    for text in SMOOTH + ["where(x >= 0, x, 0.1*x)", "abs(x)**2", "max(x, 0) + min(x, 0)/10", "sign(x)*x",
                          "x**(1/3)", "sigmoid(x)", "softplus(x)"]:
        latex = activations.parse_spec("expr:" + text).latex
        assert latex.startswith("$f(x)=") and latex.endswith("$")
        parser.parse(latex, 72)  # raises on anything mathtext cannot draw
    assert r"\tanh" in activations.parse_spec("expr:" + MISH).latex
    assert r"\frac{x}{\sqrt{a\,x^{2} + 1}}" in api.define("isru2=x/sqrt(1+a*x**2); a=1").latex


def test_properties_are_estimated_honestly():
    mish = activations.parse_spec("expr:" + MISH).act
    assert mish.family == "other" and mish.kind == "elementwise"
    assert mish.props.range[0] == pytest.approx(-0.30884, abs=1e-4) and mish.props.range[1] == math.inf
    assert not mish.props.monotonic and mish.props.smooth and not mish.props.bounded
    assert "numerically" in mish.note
    isru = api.define("isru2=x/sqrt(1+a*x**2); a=1")
    assert isru.props.range == (-1.0, 1.0) and isru.props.bounded and isru.props.zero_centred
    assert isru.props.monotonic and isru.props.max_slope == pytest.approx(1.0)
    log_like = activations.parse_spec("expr:log(1+abs(x))").act.props
    assert log_like.range == (0.0, math.inf) and not log_like.smooth  # still growing at 1e6: unbounded


def test_define_with_parameters_then_use_as_a_spec():
    act = api.define("isru2=x/sqrt(1+a*x**2); a=1")
    assert [(p.name, p.default) for p in act.params] == [("a", 1.0)]
    b = activations.parse_spec("isru2:a=4")
    assert b.f(np.array([1.0]))[0] == pytest.approx(1 / math.sqrt(5))
    assert b.spec == "isru2:a=4" and activations.parse_spec(b.spec).params == {"a": 4.0}
    assert activations.get("isru2") in activations.catalogue()


def test_redefining_replaces_and_builtins_are_protected():
    api.define("bump=exp(-x**2)")
    api.define("bump=2*exp(-x**2)")
    assert activations.parse_spec("bump").f(np.array([0.0]))[0] == 2.0
    assert sum(a.name == "bump" for a in activations.catalogue()) == 1
    with pytest.raises(UserError, match="taken by the activation 'relu'"):
        api.define("relu=max(x, 0)")
    with pytest.raises(UserError, match="taken"):
        api.define("logistic=sigmoid(x)")  # an alias of a built-in
    for bad in ("2x=x", "a b=x", "=x", "x", "expr=x", "ok=x; 1a=2", "ok=x; a", "ok=a*x; a=1; a=2", "ok=x; pi=3"):
        with pytest.raises(UserError):
            api.define(bad)


def test_expression_spec_with_parameters():
    b = activations.parse_spec("expr:x*sigmoid(beta*x); beta=2")
    assert b.params == {"beta": 2.0}
    assert b.f(np.array([1.0]))[0] == pytest.approx(1 / (1 + math.exp(-2)))
    assert activations.parse_spec(b.spec).f(np.array([1.0]))[0] == b.f(np.array([1.0]))[0]


def test_data_command_with_define_and_expression(actviz):
    r = actviz("data", "--define", "isru2=x/sqrt(1+a*x**2); a=1", "isru2", "isru2:a=3", "expr:x*tanh(x)",
               "--x", "-1,0,2")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["x", "f_isru2", "df_isru2", "f_isru2_a_3", "df_isru2_a_3", "f_expr_x_tanh_x",
                       "df_expr_x_tanh_x"]
    x = 2.0
    assert float(rows[3][3]) == pytest.approx(x / math.sqrt(1 + 3 * x * x), rel=1e-15)
    assert float(rows[3][4]) == pytest.approx((1 + 3 * x * x) ** -1.5, rel=1e-14)
    assert float(rows[3][6]) == pytest.approx(math.tanh(2) + 2 * (1 - math.tanh(2) ** 2), rel=1e-14)


REFUSED = [
    ("__import__('os').system('touch {sentinel}')", "attribute access"),
    ("__import__(x)", "unknown function '__import__'"),
    ("__import__('os')", "strings are not allowed"),
    ("open('{sentinel}', 'w')", "strings are not allowed"),
    ("exec(x)", "unknown function 'exec'"),
    ("x.__class__", "attribute access"),
    ("(lambda: 1)()", "lambda"),
    ("lambda x: x", "lambda"),
    ("[x for x in (1, 2)]", "comprehensions"),
    ("sum(x for x in [1])", "comprehensions"),
    ("{x: 1}", "dictionaries"),
    ("x[0]", "indexing"),
    ("(y := x)", "assignment"),
    ("f'{x}'", "strings"),
    ("exp(x=1)", "keyword arguments"),
    ("max(*[x])", "starred"),
    ("x if x else 1", "where(c, a, b)"),
    ("x and 1", "'and'/'or'"),
    ("x @ x", "operator MatMult"),
    ("x // 2", "operator FloorDiv"),
    ("~x", "operator Invert"),
    ("y + 1", "unknown name 'y'"),
    ("abs + x", "abs is a function"),
    ("True + x", "bool values"),
    ("1j*x", "complex values"),
    ("9**9**9", "too large"),
    ("x**99999", "too large"),
    ("1/0 + x", "undefined"),
    ("sqrt(-1)*x", "not real"),
    ("x > 0", "comparison is not a function value"),
    ("0 < x < 1", "chained"),
    ("x; import os", "bad parameter 'import os'"),
    ("import os", "not a valid expression"),
    ("exp(x, 2)", "takes 1 argument"),
    ("where(x, 1, 2)", "must be a comparison"),
    ("x" + "+x" * 300, "longer than"),
]


@pytest.mark.parametrize("text, fragment", REFUSED)
def test_each_refusal_is_a_clear_one_line_exit_2(actviz, tmp_path, text, fragment):
    sentinel = tmp_path / "pwned"
    spec = "expr:" + text.replace("{sentinel}", str(sentinel))
    r = actviz("data", spec, "--x", "0")
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("actviz: error: bad ") and fragment in lines[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not sentinel.exists()


def test_refusals_through_define(actviz, tmp_path):
    sentinel = tmp_path / "pwned"
    r = actviz("plot", "--define", f"evil=__import__('os').system('touch {sentinel}')", "evil", "-o",
               tmp_path / "p.png")
    assert r.exit_code == 2 and "attribute access" in r.stderr and not sentinel.exists()
    assert not (tmp_path / "p.png").exists()
    r = actviz("plot", "--define", "relu=x", "relu", "-o", tmp_path / "p.png")
    assert r.exit_code == 2 and "taken" in r.stderr


PAYLOADS = ["__import__('os').system('touch {s}')", "open('{s}','w').write('x')",
            "__builtins__.__dict__['exec']('open(\"{s}\",\"w\")')", "[open('{s}','w') for _ in x]",
            "(lambda: open('{s}','w'))()", "globals()['os']", "exp.__globals__", "x.__class__.__mro__"]
ATOMS = st.sampled_from(["x", "1", "2.5", "pi", "e", "exp(", "log(", "max(", "where(", "x>0", ",", "(", ")", "+", "-",
                         "*", "/", "**", ".", "[", "]", "'", ":", "=", "lambda", " ", "__import__", "os", "a"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(ATOMS, max_size=14).map("".join),
                 st.tuples(st.sampled_from(PAYLOADS), st.lists(ATOMS, max_size=4).map("".join))
                 .map(lambda t: t[0] + t[1])))
def test_arbitrary_text_parses_or_is_refused_and_runs_nothing(tmp_path, text):
    sentinel = tmp_path / "pwned"
    text = text.replace("{s}", str(sentinel))
    try:
        b = activations.parse_spec("expr:" + text)
    except UserError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(b, activations.BoundActivation)
        y = b.f(np.linspace(-3, 3, 7))
        assert y.shape == (7,) and y.dtype == float
    assert not sentinel.exists()


def test_without_sympy_the_command_says_how_to_install(actviz, monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)  # import sympy now raises ImportError
    expr._toolkit.cache_clear()
    expr._compile_cached.cache_clear()
    try:
        r = actviz("data", "expr:x*tanh(x)", "--x", "0")
        assert r.exit_code == 1
        assert r.stderr.strip() == "actviz: error: expression activations need SymPy: pip install 'actviz[expr]'"
        with pytest.raises(RunFailure):
            api.define("foo=x")
    finally:
        expr._toolkit.cache_clear()
        expr._compile_cached.cache_clear()
