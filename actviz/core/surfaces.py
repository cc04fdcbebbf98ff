"""2-D test surfaces for optimisers: f(x, y), its exact gradient, a view, a start point, the minima.

The classic benchmarks (Rosenbrock's banana valley, Beale's flat plateau and sharp
ridges, Himmelblau's four minima, a saddle, an ill-conditioned bowl, Rastrigin's egg
box) plus a user's expression in x and y through the same whitelist as ``expr:``
activations (``expr:x**2+3*y**2``), differentiated exactly by SymPy. Gradients are
analytic; ``tests/test_optim.py`` checks them against PyTorch autograd.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from actviz.core.activation import name_key as key
from actviz.errors import UserError

XY = tuple[float, float]


@dataclass(frozen=True)
class Surface:
    """A function of (x, y) with its gradient, the region to draw and where to start."""

    name: str
    title: str
    latex: str
    f: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    xlim: XY
    ylim: XY
    start: XY
    minima: tuple[XY, ...] = ()
    fmin: float | None = None
    note: str = ""
    aliases: tuple[str, ...] = field(default=())

    def value(self, x, y) -> np.ndarray:
        """f at the points (x, y), under silenced floating-point flags (a run may diverge)."""
        with np.errstate(all="ignore"):
            return np.asarray(self.f(np.asarray(x, dtype=float), np.asarray(y, dtype=float)), dtype=float)

    def gradient(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            gx, gy = self.grad(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(gx, dtype=float), np.asarray(gy, dtype=float)

    def with_view(self, xlim: XY | None = None, ylim: XY | None = None, start: XY | None = None) -> "Surface":
        """The same surface drawn over another region or started elsewhere (all checked)."""
        from dataclasses import replace

        xlim = _check_range(xlim or self.xlim, "--xlim")
        ylim = _check_range(ylim or self.ylim, "--ylim")
        start = tuple(float(v) for v in (start or self.start))
        if not all(math.isfinite(v) for v in start):
            raise UserError(f"bad --start {start[0]:g} {start[1]:g}: needs two finite numbers")
        return replace(self, xlim=xlim, ylim=ylim, start=start)


def _check_range(lim, what: str) -> XY:
    lo, hi = (float(v) for v in lim)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and math.isfinite(hi - lo)):
        raise UserError(f"bad {what} {lo:g} {hi:g}: needs two finite numbers, the first smaller")
    return lo, hi


# --------------------------------------------------------------------------- the built-ins

def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    w = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * w, 200.0 * w


_BEALE_C = (1.5, 2.25, 2.625)


def _beale(x, y):
    return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(_BEALE_C))


def _beale_grad(x, y):
    gx = np.zeros(np.broadcast(x, y).shape)
    gy = np.zeros_like(gx)
    for k, c in enumerate(_BEALE_C):
        n = k + 1
        r = c - x + x * y ** n
        gx = gx + 2.0 * r * (y ** n - 1.0)
        gy = gy + 2.0 * r * (n * x * y ** (n - 1))
    return gx, gy


def _himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(x, y):
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


QUADRATIC_KAPPA = 25.0
"""Condition number of the ill-conditioned quadratic (the ratio of its curvatures)."""

RASTRIGIN_A = 10.0


def _rastrigin(x, y):
    tau = 2.0 * math.pi
    return 2.0 * RASTRIGIN_A + x * x - RASTRIGIN_A * np.cos(tau * x) + y * y - RASTRIGIN_A * np.cos(tau * y)


def _rastrigin_grad(x, y):
    tau = 2.0 * math.pi
    return 2.0 * x + RASTRIGIN_A * tau * np.sin(tau * x), 2.0 * y + RASTRIGIN_A * tau * np.sin(tau * y)


SURFACES: tuple[Surface, ...] = (
    Surface("rosenbrock", "Rosenbrock", r"$(1-x)^2+100\,(y-x^2)^2$", _rosenbrock, _rosenbrock_grad,
            (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),), 0.0, aliases=("banana",),
            note="A curved valley, easy to fall into and slow to follow to the minimum at (1, 1); "
                 "the start (-1.2, 1) is Rosenbrock's own (1960)."),
    Surface("beale", "Beale", r"$(1.5-x+xy)^2+(2.25-x+xy^2)^2+(2.625-x+xy^3)^2$", _beale, _beale_grad,
            (-1.0, 4.5), (-2.0, 2.5), (0.7, 1.4), ((3.0, 0.5),), 0.0,
            note="Flat plateaus and steep ridges; minimum at (3, 0.5). Drawn over [-1, 4.5] x [-2, 2.5], where the "
                 "paths go, rather than its usual domain [-4.5, 4.5]^2 (--xlim, --ylim)."),
    Surface("himmelblau", "Himmelblau", r"$(x^2+y-11)^2+(x+y^2-7)^2$", _himmelblau, _himmelblau_grad,
            (-5.0, 5.0), (-5.0, 5.0), (-0.3, -0.9),
            ((3.0, 2.0), (-2.805118086952745, 3.131312518250573), (-3.779310253377747, -3.283185991286170),
             (3.584428340330492, -1.848126526964404)), 0.0,
            note="Four minima of value 0; the start is near its local maximum, so the optimisers may part."),
    Surface("saddle", "Saddle", r"$x^2-y^2$", lambda x, y: x * x - y * y, lambda x, y: (2.0 * x, -2.0 * y),
            (-1.5, 1.5), (-1.5, 1.5), (1.2, 0.01), (), None,
            note="No minimum: starting almost on the ridge, an optimiser must notice the tiny y to escape."),
    Surface("quadratic", "Ill-conditioned quadratic", r"$\frac{1}{2}(x^2+25\,y^2)$",
            lambda x, y: 0.5 * (x * x + QUADRATIC_KAPPA * y * y), lambda x, y: (x * 1.0, QUADRATIC_KAPPA * y),
            (-5.0, 5.0), (-2.5, 2.5), (-4.5, 1.5), ((0.0, 0.0),), 0.0, aliases=("ill_conditioned",),
            note="Curvatures 1 and 25 (condition number 25): a step that suits y is tiny for x."),
    Surface("rastrigin", "Rastrigin", r"$20+\sum(x^2-10\cos 2\pi x)$", _rastrigin, _rastrigin_grad,
            (-5.12, 5.12), (-5.12, 5.12), (3.2, 2.6), ((0.0, 0.0),), 0.0,
            note="A bowl covered in local minima, one per integer point; the global one at the origin."),
)

NAMES: tuple[str, ...] = tuple(s.name for s in SURFACES)
_LOOKUP = {key(k): s for s in SURFACES for k in (s.name, *s.aliases)}

EXPR_VIEW = ((-3.0, 3.0), (-3.0, 3.0), (-2.0, 2.0))
"""View and start of an expression surface unless given: [-3, 3] x [-3, 3], from (-2, 2)."""


def get(spec: str) -> Surface:
    """A surface by name, or ``expr:EXPR`` in x and y (checked, differentiated by SymPy)."""
    if not isinstance(spec, str) or not spec.strip():
        raise UserError(f"empty surface; give one of {', '.join(NAMES)} or expr:EXPR in x and y")
    text = spec.strip()
    head, sep, rest = text.partition(":")
    if sep and key(head) == "expr":
        from actviz.core.expr.compile import compile_surface

        compiled = compile_surface(rest)
        xlim, ylim, start = EXPR_VIEW
        return Surface(f"expr:{compiled.text}", "$f(x,y)$", f"${compiled.latex}$", compiled.f, compiled.grad,
                       xlim, ylim, start, note="expression; gradient by SymPy")
    found = _LOOKUP.get(key(text))
    if found is None:
        import difflib

        close = difflib.get_close_matches(key(text), list(_LOOKUP), n=2, cutoff=0.6)
        hint = f"did you mean {', '.join(dict.fromkeys(_LOOKUP[c].name for c in close))}? " if close else ""
        raise UserError(f"unknown surface {text!r}; {hint}choose from {', '.join(NAMES)} or expr:EXPR in x and y")
    return found
