"""The numbers behind a curve plot: x, f(x) and f'(x) for each activation (pure numpy)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core.activation import BoundActivation
from actviz.core.spec import CurveStyle
from actviz.errors import UserError

MAX_SAMPLES = 10_000_000


@dataclass(frozen=True)
class Curve:
    """One activation evaluated on a grid, and how to draw it."""

    act: BoundActivation
    x: np.ndarray
    y: np.ndarray
    dy: np.ndarray
    style: CurveStyle = CurveStyle()

    @property
    def label(self) -> str:
        return self.style.label if self.style.label is not None else self.act.label


def sample_grid(xlim: tuple[float, float], samples: int) -> np.ndarray:
    """``samples`` evenly spaced points over ``xlim``, validated."""
    lo, hi = xlim
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi or not np.isfinite(hi - lo):
        raise UserError(f"bad x range {lo:g}..{hi:g}: needs two finite numbers, the first smaller "
                        f"(and at most {np.finfo(float).max:.3g} apart)")
    if not 2 <= samples <= MAX_SAMPLES:
        raise UserError(f"samples must be between 2 and {MAX_SAMPLES:,}, got {samples}")
    return np.linspace(lo, hi, samples)


def evaluate(acts: Sequence[BoundActivation], x: np.ndarray,
             styles: Sequence[CurveStyle] | None = None) -> list[Curve]:
    """Evaluate f and its analytic derivative for every activation at the points ``x``."""
    x = np.asarray(x, dtype=float)
    styles = list(styles) if styles is not None else [CurveStyle()] * len(acts)
    return [Curve(a, x, np.asarray(a.f(x), dtype=float), np.asarray(a.df(x), dtype=float), st)
            for a, st in zip(acts, styles)]
