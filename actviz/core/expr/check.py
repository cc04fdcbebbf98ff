"""Step 1 of an expression activation: parse the text and check it against a whitelist.

An expression such as ``x*tanh(log(1+exp(x)))`` is read with :mod:`ast` and checked
node by node (numbers, ``x``, declared parameters, ``pi``, ``e``, ``+ - * / **`` and
a fixed set of functions) *before* anything is built from it; nothing is ever
passed to ``eval``. No SymPy here.
"""
from __future__ import annotations

import ast
import math
import re

from actviz.errors import UserError

MAX_LENGTH = 500
"""Longest expression text accepted."""

MAX_NODES = 200
"""Most syntax-tree nodes accepted (keeps SymPy's work small)."""

MAX_INTEGER = 10**12
"""Largest integer literal."""

SYMPY_SECONDS = 10
"""Time allowed for SymPy's work on one expression (pathological constant nests can take minutes)."""

MAX_EXPONENT10 = 300
"""A constant power may not exceed about 10**300 (``9**9**9`` is refused, not computed)."""

VARIABLE = "x"
CONSTANTS = ("pi", "e")

FUNCTIONS: dict[str, str] = {
    "exp": "e^u",
    "log": "natural logarithm",
    "log1p": "log(1+u)",
    "expm1": "e^u - 1",
    "sqrt": "square root",
    "abs": "|u|",
    "sign": "-1, 0 or 1",
    "tanh": "", "sinh": "", "cosh": "", "sin": "", "cos": "", "tan": "",
    "atan": "", "arctan": "", "asinh": "", "arcsinh": "", "atanh": "", "arctanh": "",
    "erf": "error function", "erfc": "1 - erf(u)",
    "sigmoid": "1/(1+e^-u)", "softplus": "log(1+e^u)",
    "max": "max(a, b, ...)", "min": "min(a, b, ...)",
    "where": "where(condition, if_true, if_false), condition a comparison such as x > 0",
}
"""The functions an expression may call (``max``/``min`` take two or more arguments)."""

_ARITY = {"max": (2, 16), "min": (2, 16), "where": (3, 3)}

_REFUSED = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing ('[...]') is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "assignment (':=') is not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.IfExp: "'a if c else b' is not allowed; use where(c, a, b)",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "indexing ('[...]') is not allowed",
}

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
INSTALL_HINT = "expression activations need SymPy: pip install 'actviz[expr]'"


def bad_expression(text: str, reason: str) -> UserError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return UserError(f"bad expression {shown!r}: {reason}")


# ---------------------------------------------------------------- step 1: whitelist check (no SymPy)

def check(text: str, params: tuple[str, ...] = (), variables: tuple[str, ...] = (VARIABLE,)) -> ast.Expression:
    """Parse ``text`` into a syntax tree and check every node against the whitelist.

    ``variables`` are the names the expression is a function of (``x``; ``x`` and ``y`` for a surface).
    Raises :class:`UserError` naming the first thing that is not allowed. Nothing is evaluated.
    """
    if not isinstance(text, str) or not text.strip():
        example = "expr:x*tanh(x)" if variables == (VARIABLE,) else "expr:x**2+3*y**2"
        raise UserError(f"empty expression; write one in {' and '.join(variables)}, e.g. {example}")
    if len(text) > MAX_LENGTH:
        raise bad_expression(text, f"longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise bad_expression(text, f"not a valid expression ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise bad_expression(text, "not a valid expression") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise bad_expression(text, f"too complex (more than {MAX_NODES} syntax nodes)")
    names = {*variables, *CONSTANTS, *params}
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and node.id not in names and id(node) not in called:
            raise bad_expression(text, f"{node.id} is a function: call it, e.g. {node.id}(x)")
    # report forbidden constructs (attributes, lambdas, strings...) before unknown names or arity
    first = sorted(nodes, key=lambda n: not isinstance(n, (*_REFUSED, ast.Constant)))
    for node in first:
        reason = _refusal(node, names, params, variables)
        if reason:
            raise bad_expression(text, reason)
    return tree


def _refusal(node: ast.AST, names: set[str], params: tuple[str, ...],
             variables: tuple[str, ...] = (VARIABLE,)) -> str | None:
    """Why ``node`` is not allowed, or None."""
    for kind, reason in _REFUSED.items():
        if isinstance(node, kind):
            return reason
    if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop, ast.cmpop)):
        if isinstance(node, (ast.operator, ast.unaryop)) and not isinstance(
                node, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)):
            return f"operator {type(node).__name__} is not allowed; use + - * / **"
        if isinstance(node, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)):
            return "only <, <=, > and >= comparisons are allowed"
        return None
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return None
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            kind = "strings" if isinstance(v, (str, bytes)) else f"{type(v).__name__} values"
            return f"{kind} are not allowed; only real numbers"
        if isinstance(v, int) and abs(v) > MAX_INTEGER:
            return f"integer {v} is too large"
        if isinstance(v, float) and not math.isfinite(v):
            return "number overflows a double"
        return None
    if isinstance(node, ast.Name):
        if node.id in names or node.id in FUNCTIONS:
            return None
        declared = f"; parameters: {', '.join(params)}" if params else ""
        which = f"the variable is {variables[0]}" if len(variables) == 1 else \
            f"the variables are {' and '.join(variables)}"
        return f"unknown name {node.id!r}: {which}, constants pi and e{declared}"
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            return _REFUSED.get(type(node.func), "only calls of the listed functions are allowed")
        if node.func.id not in FUNCTIONS:
            return f"unknown function {node.func.id!r}; allowed: {', '.join(FUNCTIONS)}"
        if node.keywords:
            return "keyword arguments are not allowed"
        lo, hi = _ARITY.get(node.func.id, (1, 1))
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} or more"
            return f"{node.func.id}() takes {want} argument{'s' if want != '1' else ''}, got {len(node.args)}"
        return None
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            return "chained comparisons are not allowed"
        return None
    return f"{type(node).__name__} is not allowed"
