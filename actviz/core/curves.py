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
    name: str | None = None
    """The legend label when the style gives none (None: the function's own label)."""

    @property
    def label(self) -> str:
        if self.style.label is not None:
            return self.style.label
        return self.name if self.name is not None else self.act.label


def distinct_labels(acts: Sequence[Bound]) -> list[str]:
    """Legend labels that tell the curves apart: each function's label (its title, with the parameters
    that differ from their defaults), except that a function drawn more than once names, every time,
    each parameter whose value differs between its curves ("Focal (gamma=2)" beside "Focal (gamma=5)",
    not a bare "Focal")."""
    labels = []
    for a in acts:
        twins = [b for b in acts if b.act.name == a.act.name]
        varied = [k for k in a.params if len({repr(b.params.get(k)) for b in twins}) > 1]
        labels.append(a.label_showing([*varied, *(k for k in a.changed if k not in varied)]))
    return labels


def sample_grid(xlim: tuple[float, float], samples: int) -> np.ndarray:
    """``samples`` evenly spaced points over ``xlim``, validated."""
    check_grid(xlim, samples)
    return np.linspace(xlim[0], xlim[1], samples)


def check_grid(xlim: tuple[float, float], samples: int) -> None:
    """Refuse a bad x range or number of samples (without making the grid)."""
    lo, hi = xlim
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi or not np.isfinite(hi - lo):
        raise UserError(f"bad x range {lo:g}..{hi:g}: needs two finite numbers, the first smaller "
                        f"(and at most {np.finfo(float).max:.3g} apart)")
    if not 2 <= samples <= MAX_SAMPLES:
        raise UserError(f"samples must be between 2 and {MAX_SAMPLES:,}, got {samples}")


CHUNK = 1 << 16
"""Points evaluated at a time when progress is reported (f and f' work point by point, so the values
are the same as in one call)."""


def evaluate(acts: Sequence[BoundActivation], x: np.ndarray, progress=None,
             styles: Sequence[CurveStyle] | None = None) -> list[Curve]:
    """Evaluate f and its analytic derivative for every activation (or loss) at the points ``x``;
    ``progress`` wraps the sequence of pieces of work (a progress bar that moves within a long curve);
    ``styles`` say how each curve is drawn."""
    x = np.asarray(x, dtype=float)
    styles = list(styles) if styles is not None else [CurveStyle()] * len(acts)
    names = distinct_labels(acts)
    if progress is None:
        return [Curve(a, x, np.asarray(a.f(x), dtype=float), np.asarray(a.df(x), dtype=float), st, name)
                for a, st, name in zip(acts, styles, names)]
    pieces = [(i, start) for i in range(len(acts)) for start in range(0, max(len(x), 1), CHUNK)]
    ys = [np.empty(x.shape) for _ in acts]
    dys = [np.empty(x.shape) for _ in acts]
    for i, start in progress(pieces):
        part = x[start:start + CHUNK]
        ys[i][start:start + CHUNK] = acts[i].f(part)
        dys[i][start:start + CHUNK] = acts[i].df(part)
    return [Curve(a, x, y, dy, st, name) for a, y, dy, st, name in zip(acts, ys, dys, styles, names)]


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
