"""Step 2 of an expression activation: a checked syntax tree -> SymPy -> exact f' and numpy functions.

The checked tree (:mod:`actviz.core.expr.check`) is turned into a SymPy expression,
from which come the exact derivative, the LaTeX formula for legends (adapted to
matplotlib's mathtext) and numpy functions for f and f'.

Numerics follow the built-ins: ``log(1+exp(u))`` is rewritten as a stable softplus,
``1/(1+exp(-u))`` as a stable sigmoid, ``log(1+u)`` and ``exp(u)-1`` as log1p and expm1
(SymPy's code-generation rewrites) before differentiating; the derivatives of sigmoid and
tanh are sigmoid(u) sigmoid(-u) and a stable sech^2 (not s(1-s) and 1-tanh^2, which are 0
in the tails). Points whose float evaluation overflows or is invalid anywhere along the way
(x**2 at 1e200, an exp in a branch of ``where`` that is not taken) are evaluated again with
mpmath at 40 digits, whose exponent range is unbounded, and rounded once to a float.

SymPy is an optional extra (``pip install 'actviz[expr]'``); it is imported only
when an expression is used.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import math
import signal
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from actviz.core.activation import DRAWING_KEYS, Activation, BoundActivation, Param, Properties, name_key
from actviz.core.numbers import parse_number
from actviz.core.expr.check import CONSTANTS, FUNCTIONS, INSTALL_HINT, MAX_EXPONENT10, SYMPY_SECONDS, VARIABLE, \
    NAME, bad_expression, check
from actviz.errors import RunFailure, UserError

# ---------------------------------------------------------------- step 2: SymPy

def _sympy():
    try:
        import sympy
    except ImportError:
        raise RunFailure(INSTALL_HINT) from None
    return sympy


@functools.lru_cache(maxsize=1)
def _toolkit() -> dict[str, Any]:
    """SymPy helpers, built once on first use: stable sigmoid and softplus as SymPy functions."""
    sp = _sympy()

    class sigmoid(sp.Function):  # noqa: N801 - printed name used by lambdify
        """Logistic function; its derivative is s(u) s(-u), accurate in both tails (s(1-s) is 0 at u = 40)."""

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return 1 / (1 + sp.exp(-arg))

        def fdiff(self, argindex=1):
            return sigmoid(self.args[0]) * sigmoid(-self.args[0])

        def _latex(self, printer):
            return r"\sigma\left(%s\right)" % printer._print(self.args[0])

    class softplus(sp.Function):  # noqa: N801
        """log(1 + e^u); its derivative is sigmoid(u)."""

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return sp.log(1 + sp.exp(arg))

        def fdiff(self, argindex=1):
            return sigmoid(self.args[0])

        def _latex(self, printer):
            return r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])

    class sech2(sp.Function):  # noqa: N801
        """sech^2 u = 1 - tanh^2 u, evaluated without the cancellation (numerics.sech2)."""

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return 1 / sp.cosh(arg) ** 2

        def fdiff(self, argindex=1):
            return -2 * sech2(self.args[0]) * tanh(self.args[0])

        def _latex(self, printer):
            return r"\operatorname{sech}^{2}\left(%s\right)" % printer._print(self.args[0])

    class tanh(sp.Function):  # noqa: N801
        """tanh whose derivative is sech2(u), not SymPy's 1 - tanh(u)**2."""

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return sp.tanh(arg)

        def fdiff(self, argindex=1):
            return sech2(self.args[0])

        def _latex(self, printer):
            return r"\tanh{\left(%s \right)}" % printer._print(self.args[0])

    def one(fn):
        return lambda a: fn(a[0])

    def where(a):
        cond, yes, no = a
        if not _is_condition(cond, sp):
            raise TypeError("the first argument of where() must be a comparison such as x > 0")
        return sp.Piecewise((yes, cond), (no, True))

    builders: dict[str, Callable[[list], Any]] = {
        "exp": one(sp.exp), "log": one(sp.log), "sqrt": one(sp.sqrt), "abs": one(sp.Abs), "sign": one(sp.sign),
        "log1p": one(lambda u: sp.log(1 + u)), "expm1": one(lambda u: sp.exp(u) - 1),
        "tanh": one(tanh), "sinh": one(sp.sinh), "cosh": one(sp.cosh),
        "sin": one(sp.sin), "cos": one(sp.cos), "tan": one(sp.tan),
        "atan": one(sp.atan), "arctan": one(sp.atan), "asinh": one(sp.asinh), "arcsinh": one(sp.asinh),
        "atanh": one(sp.atanh), "arctanh": one(sp.atanh), "erf": one(sp.erf), "erfc": one(sp.erfc),
        "sigmoid": one(sigmoid), "softplus": one(softplus),
        "max": lambda a: sp.Max(*_fold(a, sp)), "min": lambda a: sp.Min(*_fold(a, sp)), "where": where,
    }
    return {"sp": sp, "sigmoid": sigmoid, "softplus": softplus, "tanh": tanh, "sech2": sech2, "builders": builders}


def _build(node: ast.AST, env: Mapping[str, Any], tk: Mapping[str, Any]) -> Any:
    """Turn a checked syntax tree into a SymPy expression (node types were whitelisted already)."""
    sp = tk["sp"]
    if isinstance(node, ast.Expression):
        return _build(node.body, env, tk)
    if isinstance(node, ast.Constant):
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(repr(node.value))
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, env, tk)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        a, b = _build(node.left, env, tk), _build(node.right, env, tk)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            return a / b
        _check_power(a, b, sp)
        return a ** b
    if isinstance(node, ast.Compare):
        a, b = _build(node.left, env, tk), _build(node.comparators[0], env, tk)
        op = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}[type(node.ops[0])]
        return op(*(_numeric(v, sp) for v in (a, b)) if not (a.free_symbols or b.free_symbols) else (a, b))
    if isinstance(node, ast.Call):
        args = [_build(a, env, tk) for a in node.args]
        name = node.func.id
        if any(_is_condition(a, sp) for a in (args[1:] if name == "where" else args)):
            raise TypeError(f"a comparison can only be the first argument of where(), not of {name}()")
        return tk["builders"][name](args)
    raise TypeError(f"{type(node).__name__} is not allowed")  # unreachable after check()


def _numeric(value, sp):
    """A constant as a float: SymPy decides comparisons of floats at once, while comparing exact
    constants such as ``softplus(1e300)*1e-300`` can take it minutes."""
    if value.is_Number:
        return value
    v = value.evalf(17)
    if not v.is_Number or not v.is_extended_real:
        raise ValueError("a constant in a comparison or in max()/min() is not a real number")
    return v


def _fold(args, sp):
    return [a if a.free_symbols else _numeric(a, sp) for a in args]


def _is_condition(value, sp) -> bool:
    """A comparison (or a comparison SymPy already decided, true or false)."""
    return isinstance(value, (sp.core.relational.Relational, sp.logic.boolalg.BooleanAtom))


def _check_power(base, exponent, sp) -> None:
    """Refuse a constant power too large to compute (e.g. 9**9**9) before SymPy tries."""
    if base.is_Number and exponent.is_Number and base != 0:
        size = float(abs(exponent)) * math.log10(max(abs(float(base)), 1e-300))
        if abs(size) > MAX_EXPONENT10:
            raise ValueError("a constant power is too large")
    elif not base.free_symbols and not exponent.free_symbols:
        size = (exponent * sp.log(abs(base), 10)).evalf(15)
        if size.is_extended_real and abs(size) > MAX_EXPONENT10:
            raise ValueError("a constant power is too large")
    elif exponent.is_Number and abs(float(exponent)) > 10_000:
        raise ValueError("an exponent is too large")


@dataclass(frozen=True)
class Compiled:
    """An expression checked, converted and differentiated, ready to evaluate."""

    text: str
    params: tuple[str, ...]
    expr: Any
    derivative: Any
    latex: str
    f: Callable[..., Any]
    df: Callable[..., Any]
    smooth: bool


def compile_expression(text: str, params: tuple[str, ...] = ()) -> Compiled:
    """Check ``text`` and return its numpy f, exact numpy f' and LaTeX formula.

    Raises :class:`UserError` for anything not allowed, :class:`RunFailure` without SymPy.
    """
    return _compile_cached(text.strip() if isinstance(text, str) else text, tuple(params))


@functools.lru_cache(maxsize=256)
def _compile_cached(text: str, params: tuple[str, ...]) -> Compiled:
    tree = check(text, params)
    tk = _toolkit()
    sp = tk["sp"]
    x = sp.Symbol(VARIABLE, real=True)
    symbols = [sp.Symbol(p, real=True) for p in params]
    env = {VARIABLE: x, "pi": sp.pi, "e": sp.E, **dict(zip(params, symbols))}
    try:
        with _time_limit(SYMPY_SECONDS):
            return _symbolic(text, params, tree, tk, x, symbols, env)
    except _Timeout:
        raise bad_expression(text, f"too complex: SymPy needed more than {SYMPY_SECONDS} s") from None


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` inside SymPy swallows it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _symbolic(text, params, tree, tk, x, symbols, env) -> Compiled:
    """The SymPy stage: build, check, stabilise, differentiate, print LaTeX, lambdify."""
    sp = tk["sp"]
    try:
        expr = _build(tree, env, tk)
        if _is_condition(expr, sp):
            raise TypeError("a comparison is not a function value; use where(x > 0, ..., ...)")
        _check_finite(expr, sp)
        stable = _stabilise(expr, tk)
        # sign'(x) and Heaviside'(x) are 0 away from 0; at 0 too, as in PyTorch
        derivative = sp.diff(stable, x).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
        _check_finite(derivative, sp)
        latex = to_mathtext(expr, sp)
        args = [x, *symbols]
        modules = [_numpy_functions(), "numpy"]
        raw_f = sp.lambdify(args, stable, modules=modules)
        raw_df = sp.lambdify(args, derivative, modules=modules)
        precise = [_mpmath_functions(), "mpmath"]
        mp_f = sp.lambdify(args, stable, modules=precise)
        mp_df = sp.lambdify(args, derivative, modules=precise)
        for raw, mp in ((raw_f, mp_f), (raw_df, mp_df)):  # everything printed is callable, constants are finite
            _vectorised(raw, params, mp)([0.5, 1e200], **{p: 1.0 for p in params})
    except UserError:
        raise
    except OverflowError:
        raise bad_expression(text, "a constant overflows a double") from None
    except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise bad_expression(text, _first_line(exc)) from None
    except Exception as exc:  # noqa: BLE001 - SymPy's own failures on a whitelisted tree
        raise bad_expression(text, f"SymPy cannot handle it ({type(exc).__name__}: {_first_line(exc)})") from None
    smooth = not any(expr.has(fn) for fn in (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.sign, sp.Heaviside))
    return Compiled(text, params, expr, derivative, latex, _vectorised(raw_f, params, mp_f),
                    _vectorised(raw_df, params, mp_df), smooth)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _check_finite(expr, sp) -> None:
    bad = (sp.zoo, sp.nan, sp.oo, -sp.oo)
    if any(expr.has(b) for b in bad):
        raise ValueError("it is undefined or infinite (a division by zero?)")
    if expr.has(sp.I):
        raise ValueError("it is not real-valued")


def _stabilise(expr, tk):
    """Rewrite log(1+e^u) as softplus(u), 1/(1+e^-u) as sigmoid(u), log(1+u) as log1p(u) and e^u - 1 as
    expm1(u): the same values, without overflow or cancellation."""
    sp = tk["sp"]
    w = sp.Wild("w")
    expr = expr.replace(sp.log(sp.exp(w) + 1), tk["softplus"](w))
    expr = expr.replace(1 / (sp.exp(w) + 1), tk["sigmoid"](-w))
    from sympy.codegen.rewriting import expm1_opt, log1p_opt, optimize

    return optimize(expr, [log1p_opt, expm1_opt])


def _numpy_functions() -> dict[str, Callable]:
    """Numpy versions of what SymPy prints and numpy lacks: the catalogue's stable primitives."""
    import numpy as np

    from actviz.core import numerics as nx

    erf = np.frompyfunc(math.erf, 1, 1)
    erfc = np.frompyfunc(math.erfc, 1, 1)
    return {
        # given as a function, Heaviside is not rewritten into a Piecewise (which makes SymPy solve inequalities)
        "Heaviside": lambda u, h0=0.5: np.heaviside(u, h0),
        "erf": lambda u: np.asarray(erf(u), dtype=float),
        "erfc": lambda u: np.asarray(erfc(u), dtype=float),
        "sigmoid": nx.sigmoid,
        "softplus": nx.softplus,
        "sech2": nx.sech2,
        "tanh": np.tanh,
    }


def _mpmath_functions() -> dict[str, Callable]:
    """The same functions for mpmath, the slow exact route taken where floats overflow."""
    import mpmath

    return {
        "Heaviside": lambda u, h0=0.5: mpmath.mpf(1) if u > 0 else (mpmath.mpf(0) if u < 0 else mpmath.mpf(h0)),
        "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
        "softplus": lambda u: mpmath.log1p(mpmath.exp(u)),
        "sech2": lambda u: mpmath.sech(u) ** 2,
        "tanh": mpmath.tanh,
    }


MP_DIGITS = 40
"""Working precision of the mpmath re-evaluation."""

MP_MAX_POINTS = 20_000
"""At most this many points of one call are re-evaluated with mpmath (each takes some 50 microseconds);
beyond that the float results stand."""


def _flagged(fn: Callable, x, args) -> "np.ndarray":
    """Which elements of x raise an overflow, invalid or divide-by-zero flag when fn evaluates them:
    one vectorised call when none does, then halves of the flagged part, down to single elements."""
    import numpy as np

    raised = [False]

    def note(kind, flag):
        raised[0] = True

    def flags(idx):
        raised[0] = False
        with np.errstate(over="call", invalid="call", divide="call", under="ignore"):
            fn(x[idx], *args)
        return raised[0]

    old = np.seterrcall(note)
    try:
        bad = np.zeros(x.shape, dtype=bool)
        stack = [np.arange(x.size)] if x.size and flags(np.arange(x.size)) else []
        while stack:
            idx = stack.pop()
            if idx.size == 1:
                bad[idx[0]] = True
                continue
            for half in (idx[: idx.size // 2], idx[idx.size // 2:]):
                if flags(half):
                    stack.append(half)
        return bad
    finally:
        np.seterrcall(old)


def _mp_value(mp_fn: Callable, xv: float, args) -> float:
    import mpmath

    with mpmath.workdps(MP_DIGITS):
        try:
            v = mp_fn(mpmath.mpf(xv), *(mpmath.mpf(float(a)) for a in args))
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return math.nan
        if isinstance(v, mpmath.mpc):
            return float(v.real) if v.imag == 0 else math.nan
        return float(v)


def _vectorised(fn: Callable, params: tuple[str, ...], mp_fn: Callable | None = None) -> Callable[..., Any]:
    """``f(x, **params)`` returning a float array shaped like x, without numpy warnings; elements whose
    float evaluation overflowed or was invalid are taken from mpmath (``mp_fn``)."""
    import numpy as np

    def call(x, **values):
        x = np.asarray(x, dtype=float)
        args = [np.float64(values[p]) for p in params]  # numpy scalars: overflow gives inf
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x, *args), dtype=float)
        out = np.broadcast_to(out, x.shape).copy() if out.shape != x.shape else out.copy()
        if mp_fn is not None and x.size:
            flat = x.reshape(-1)
            bad = _flagged(fn, flat, args) & np.isfinite(flat)
            idx = np.flatnonzero(bad)[:MP_MAX_POINTS]
            if idx.size:
                view = out.reshape(-1)
                view[idx] = [_mp_value(mp_fn, float(flat[i]), args) for i in idx]
        return out

    return call


def to_mathtext(expr, sp=None) -> str:
    """LaTeX of a SymPy expression in the subset that matplotlib's mathtext draws."""
    sp = sp or _sympy()
    printer = _mathtext_printer(sp)
    return printer.doprint(expr)


@functools.lru_cache(maxsize=1)
def _mathtext_printer_class(sp):
    from sympy.printing.latex import LatexPrinter

    class MathtextPrinter(LatexPrinter):
        """SymPy's LaTeX, minus what mathtext lacks: cases become 'a if c else b'."""

        def _print_Piecewise(self, expr):
            parts = []
            for value, cond in expr.args:
                v = self._print(value)
                if cond == sp.true:
                    parts.append(v)
                else:
                    parts.append(r"%s\ \mathrm{if}\ %s\ \mathrm{else}\ " % (v, self._print(cond)))
            return r"\left(" + "".join(parts) + r"\right)"

        def _print_Abs(self, expr, exp=None):
            tex = r"\left|%s\right|" % self._print(expr.args[0])
            return tex if exp is None else r"%s^{%s}" % (tex, exp)

    return MathtextPrinter


def _mathtext_printer(sp):
    # a thin space between factors: mathtext sets "x \tanh" as "xtanh" otherwise
    return _mathtext_printer_class(sp)({"mul_symbol": r"\,"})


# ---------------------------------------------------------------- step 3: activations

def _properties(f: Callable, df: Callable, smooth: bool, defaults: Mapping[str, float]) -> Properties:
    """Properties estimated from samples on [-1e6, 1e6] (dense near 0), at the default parameters."""
    import numpy as np

    tail = np.logspace(-3, 6, 400)
    x = np.unique(np.concatenate([-tail, np.linspace(-20, 20, 4001), tail]))
    y, dy = f(x, **defaults), df(x, **defaults)
    finite_y, finite_dy = y[np.isfinite(y)], dy[np.isfinite(dy)]
    if finite_y.size == 0:
        return Properties(range=(math.nan, math.nan), monotonic=False, zero_centred=False, smooth=smooth,
                          bounded=False, max_slope=math.nan)
    big = 1e5
    lo, hi = float(finite_y.min()), float(finite_y.max())
    # still moving at |x| = 1e6 (e.g. log, cube root): unbounded on that side
    ends = f(np.array([-1e6, -1e5, 1e5, 1e6]), **defaults)
    rising = [b - a for a, b in ((ends[1], ends[0]), (ends[2], ends[3]))
              if math.isfinite(a) and math.isfinite(b) and abs(b - a) > 1e-3 * max(1.0, abs(b))]
    lo = -math.inf if lo < -big or np.any(y == -np.inf) or any(r < 0 for r in rising) else float(f"{lo:.6g}")
    hi = math.inf if hi > big or np.any(y == np.inf) or any(r > 0 for r in rising) else float(f"{hi:.6g}")
    slope = float(np.abs(finite_dy).max()) if finite_dy.size else math.nan
    slope = math.inf if slope > big or np.any(np.isinf(dy)) else float(f"{slope:.6g}")
    monotonic = bool(finite_dy.size and (np.all(finite_dy >= -1e-12) or np.all(finite_dy <= 1e-12)))
    f0 = f(np.zeros(1), **defaults)[0]
    symmetric = lo == -hi or (math.isfinite(lo) and math.isclose(-lo, hi, rel_tol=1e-3))
    zero_centred = bool(abs(f0) < 1e-12 and lo < 0 < hi and symmetric)
    return Properties(range=(lo, hi), monotonic=monotonic, zero_centred=zero_centred, smooth=smooth,
                      bounded=math.isfinite(lo) and math.isfinite(hi), max_slope=slope)


def _activation(name: str, title: str, compiled: Compiled, params: tuple[Param, ...], note: str) -> Activation:
    defaults = {p.name: p.default for p in params}
    return Activation(
        name=name, title=title, family="other", kind="elementwise",
        f=compiled.f, df=compiled.df, latex=f"$f(x)={compiled.latex}$",
        props=_properties(compiled.f, compiled.df, compiled.smooth, defaults),
        params=params, source="expression",
        note=note + "; derivative by SymPy; properties estimated numerically on [-1e6, 1e6]",
    )


def _split_params(text: str, owner: str) -> tuple[str, tuple[Param, ...]]:
    """``EXPR; a=1; b=2`` -> (EXPR, parameters with their defaults)."""
    head, *items = text.split(";")
    params: list[Param] = []
    for item in items:
        if not item.strip():
            continue
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not NAME.match(key):
            raise UserError(f"bad parameter {item.strip()!r} of {owner}: write name=value, e.g. a=1")
        if key in (VARIABLE, *CONSTANTS) or key in FUNCTIONS:
            raise UserError(f"bad parameter name {key!r} of {owner}: it is the variable, a constant or a function")
        if key in DRAWING_KEYS:
            raise UserError(f"bad parameter name {key!r} of {owner}: {key}= says how a curve is drawn; "
                            f"choose another name")
        if any(p.name == key for p in params):
            raise UserError(f"parameter {key!r} of {owner} is given twice")
        params.append(Param(key, parse_number(value, f"parameter {key} of {owner}")))
    return head.strip(), tuple(params)


def parse_expression_spec(text: str) -> BoundActivation:
    """``expr:TEXT`` (the part after the colon), optionally ``TEXT; a=1``, as a bound activation."""
    body, params = _split_params(text, "the expression")
    compiled = compile_expression(body, tuple(p.name for p in params))
    shown = body + "".join(f"; {p.name}={p.default:g}" for p in params)
    act = _activation(f"expr:{shown}", body, compiled, params, "expression")
    return BoundActivation(act, act.defaults())


def definition(text: str) -> Activation:
    """``name=EXPR[; p=v; ...]`` as a named activation (not yet in any registry)."""
    name, eq, rest = (text or "").partition("=")
    name = name.strip()
    if not eq or not name:
        raise UserError(f"bad --define {text!r}: write name=expression, e.g. mish2=x*tanh(softplus(x))")
    if not NAME.match(name) or name_key(name) == "expr":
        raise UserError(f"bad name {name!r} in --define: use letters, digits and _ (not starting with a digit)")
    body, params = _split_params(rest, name)
    compiled = compile_expression(body, tuple(p.name for p in params))
    return _activation(name, name, compiled, params, f"defined as {body}")


# ---------------------------------------------------------------- surfaces: expressions in x and y

@dataclass(frozen=True)
class CompiledXY:
    """An expression in x and y, checked and differentiated: f, its exact gradient and LaTeX."""

    text: str
    latex: str
    f: Callable[[Any, Any], Any]
    grad: Callable[[Any, Any], tuple[Any, Any]]


SURFACE_VARIABLES = ("x", "y")


def compile_surface(text: str) -> CompiledXY:
    """Check ``text`` (a function of x and y, through the same whitelist as activations) and return
    numpy f(x, y) and the exact gradient (df/dx, df/dy) from SymPy."""
    return _compile_surface_cached(text.strip() if isinstance(text, str) else text)


@functools.lru_cache(maxsize=64)
def _compile_surface_cached(text: str) -> CompiledXY:
    tree = check(text, (), SURFACE_VARIABLES)
    tk = _toolkit()
    sp = tk["sp"]
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    env = {"x": x, "y": y, "pi": sp.pi, "e": sp.E}
    try:
        with _time_limit(SYMPY_SECONDS):
            expr = _build(tree, env, tk)
            if _is_condition(expr, sp):
                raise TypeError("a comparison is not a function value; use where(x > 0, ..., ...)")
            _check_finite(expr, sp)
            stable = _stabilise(expr, tk)
            parts = [sp.diff(stable, v).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
                     for v in (x, y)]
            for part in parts:
                _check_finite(part, sp)
            modules = [_numpy_functions(), "numpy"]
            raw = [sp.lambdify((x, y), e, modules=modules) for e in (stable, *parts)]
            latex = to_mathtext(expr, sp)
    except _Timeout:
        raise bad_expression(text, f"too complex: SymPy needed more than {SYMPY_SECONDS} s") from None
    except UserError:
        raise
    except OverflowError:
        raise bad_expression(text, "a constant overflows a double") from None
    except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise bad_expression(text, _first_line(exc)) from None
    except Exception as exc:  # noqa: BLE001 - SymPy's own failures on a whitelisted tree
        raise bad_expression(text, f"SymPy cannot handle it ({type(exc).__name__}: {_first_line(exc)})") from None
    f, gx, gy = (_vectorised_xy(r) for r in raw)
    for fn in (f, gx, gy):  # everything printed is callable
        fn([0.5], [0.25])
    return CompiledXY(text, latex, f, lambda a, b: (gx(a, b), gy(a, b)))


def _vectorised_xy(fn: Callable) -> Callable[[Any, Any], Any]:
    """``f(x, y)`` on broadcast float arrays, returning their shape, without numpy warnings."""
    import numpy as np

    def call(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x, y), dtype=float)
        return np.broadcast_to(out, x.shape).copy() if out.shape != x.shape else out

    return call
