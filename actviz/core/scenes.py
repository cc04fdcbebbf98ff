"""Geometry for pictures of a trained network, as arrays: boxes, grids, rasters, boundary lines.

Everything here is numbers in the input or logit plane; the renderers draw it.
"""
from __future__ import annotations

import math
from typing import Sequence

import contourpy
import numpy as np

from actviz.core import net
from actviz.core.datasets import Dataset

GRID_LINES = 13
"""Lines of the input grid in each direction."""
GRID_SAMPLES = 120

def square_box(points: np.ndarray, pad: float = 0.08) -> tuple[float, float, float, float]:
    """A square (x0, x1, y0, y1) around ``points`` with ``pad`` of its size on each side."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float((hi - lo).max()) / 2, 1e-6) * (1 + pad)
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def data_box(data: Dataset) -> tuple[float, float, float, float]:
    """The input-plane square shown for a data set (points and curves)."""
    return square_box(np.concatenate([data.X, *[c for _, c in data.curves]]))


def grid_lines(box: Sequence[float], lines: int = GRID_LINES, samples: int = GRID_SAMPLES) -> np.ndarray:
    """A regular grid over ``box`` as polylines: (2 * lines) x samples x 2."""
    x0, x1, y0, y1 = box
    xs, ys = np.linspace(x0, x1, lines), np.linspace(y0, y1, lines)
    along_x, along_y = np.linspace(x0, x1, samples), np.linspace(y0, y1, samples)
    verticals = np.stack([np.column_stack([np.full(samples, x), along_y]) for x in xs])
    horizontals = np.stack([np.column_stack([along_x, np.full(samples, y)]) for y in ys])
    return np.concatenate([verticals, horizontals])


def sample_box(box: Sequence[float], res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Axes ``xs``, ``ys`` of a res x res raster over ``box`` and its points (row-major, y first)."""
    x0, x1, y0, y1 = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def zero_lines(xs: np.ndarray, ys: np.ndarray, field: np.ndarray) -> list[np.ndarray]:
    """Polylines where ``field`` (len(ys) x len(xs)) crosses zero (marching squares)."""
    if not np.isfinite(field).all() or field.min() > 0 or field.max() < 0:
        return []
    gen = contourpy.contour_generator(xs, ys, field, line_type=contourpy.LineType.Separate)
    return [seg for seg in gen.lines(0.0) if len(seg) > 1]


def boundary_lines(xs: np.ndarray, ys: np.ndarray, logits: np.ndarray) -> list[np.ndarray]:
    """The decision boundary on a raster: where the top score changes hands."""
    shape = (len(ys), len(xs))
    k = logits.shape[1]
    if k == 2:
        return zero_lines(xs, ys, (logits[:, 1] - logits[:, 0]).reshape(shape))
    out = []
    for c in range(k):
        others = np.delete(logits, c, axis=1).max(axis=1)
        out += zero_lines(xs, ys, (logits[:, c] - others).reshape(shape))
    return out


def logit_limits(run: net.TrainingRun, pad: float = 0.06) -> tuple[tuple[float, float], tuple[float, float]]:
    """x' and y' limits of equal length (so y' = x' runs at 45 degrees) holding every point
    and curve in every snapshot."""
    pieces = np.concatenate([run.data.X, *[c for _, c in run.data.curves]])
    lo, hi = np.full(2, math.inf), np.full(2, -math.inf)
    with np.errstate(all="ignore"):
        for snap in run.snapshots:
            z = net.forward(run.arch, snap.theta, pieces)[:, :2]
            lo, hi = np.minimum(lo, z.min(axis=0)), np.maximum(hi, z.max(axis=0))
    half = max(float((hi - lo).max()) / 2, 1e-6) * (1 + 2 * pad)
    centre = (lo + hi) / 2
    return (centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half)
