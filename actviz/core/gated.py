"""The numbers behind a surface: f(a, b) and its two partial derivatives on a grid (pure numpy).

Gated functions (kind "gated") take two inputs, the value a and the gate input b; a
:class:`Surface` holds them on a regular grid, as ``actviz surface`` draws them and
``actviz data`` prints them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core.activation import BoundActivation
from actviz.core.curves import sample_grid
from actviz.errors import UserError

MAX_GRID = 4000
"""Most samples per axis of a surface (16 million points)."""


@dataclass(frozen=True)
class Surface:
    """One gated function on a grid: ``f[i, j] = f(a[j], b[i])`` (rows follow b, columns a)."""

    act: BoundActivation
    a: np.ndarray
    b: np.ndarray
    f: np.ndarray
    da: np.ndarray
    db: np.ndarray

    @property
    def label(self) -> str:
        return self.act.label


def require_gated(acts: Sequence[BoundActivation], command: str) -> None:
    """Refuse one-input functions where two inputs are needed, in one line."""
    for a in acts:
        if not a.act.gated:
            raise UserError(f"{command} needs gated functions of two inputs f(a, b) (glu, swiglu, geglu, reglu, "
                            f"bilinear, ...); {a.name} takes one input: draw it with actviz plot")


def axis(lim: tuple[float, float], samples: int, what: str) -> np.ndarray:
    """``samples`` evenly spaced values over ``lim`` (validated like a curve's x range)."""
    if not 2 <= samples <= MAX_GRID:
        raise UserError(f"{what} samples must be between 2 and {MAX_GRID:,} per axis, got {samples}")
    return sample_grid(lim, samples)


def evaluate(acts: Sequence[BoundActivation], a: np.ndarray, b: np.ndarray) -> list[Surface]:
    """f, df/da and df/db of each gated activation on the grid a x b."""
    require_gated(acts, "a surface")
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    A, B = np.meshgrid(a, b)
    out = []
    for act in acts:
        da, db = act.grad(A, B)
        out.append(Surface(act, a, b, act.f2(A, B), da, db))
    return out
