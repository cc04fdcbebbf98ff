"""The numbers behind a curve plot: x, f(x) and f'(x) for each activation (pure numpy)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core.activation import Bound, BoundActivation
from actviz.core.spec import CurveStyle
from actviz.errors import UserError
from actviz.tables import column_name

MAX_SAMPLES = 10_000_000


@dataclass(frozen=True)
class Curve:
    """One activation (or loss: anything bound with f and df) evaluated on a grid, and how to draw it."""

    act: BoundActivation | Bound
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
    """Evaluate f and its analytic derivative for every activation (or loss) at the points ``x``."""
    x = np.asarray(x, dtype=float)
    styles = list(styles) if styles is not None else [CurveStyle()] * len(acts)
    return [Curve(a, x, np.asarray(a.f(x), dtype=float), np.asarray(a.df(x), dtype=float), st)
            for a, st in zip(acts, styles)]


def table(curves: Sequence[Curve]) -> tuple[list[str], list[list[float]]]:
    """Columns ``x``, then ``f_SPEC`` and ``df_SPEC`` per curve (named so that pgfplots reads them
    unquoted, see :func:`actviz.tables.column_name`), and one row per point (curves share x)."""
    columns, taken = ["x"], {"x"}
    for c in curves:
        f_name = column_name(f"f_{c.act.spec}", taken)
        columns += [f_name, column_name("d" + f_name, taken)]
    rows = []
    for i, xv in enumerate(curves[0].x):
        row = [float(xv)]
        for c in curves:
            row += [float(c.y[i]), float(c.dy[i])]
        rows.append(row)
    return columns, rows
