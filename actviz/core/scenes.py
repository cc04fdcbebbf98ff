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


def logit_extents(run: net.TrainingRun) -> tuple[np.ndarray, np.ndarray]:
    """Per snapshot, the lowest and highest (x', y') of every data point and curve: two n x 2 arrays."""
    pieces = np.concatenate([run.data.X, *[c for _, c in run.data.curves]])
    lows, highs = [], []
    with np.errstate(all="ignore"):
        for snap in run.snapshots:
            z = net.forward(run.arch, snap.theta, pieces)[:, :2]
            lows.append(z.min(axis=0))
            highs.append(z.max(axis=0))
    return np.array(lows), np.array(highs)


def _gaussian(values: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along the first axis, the ends extended by their own values."""
    if sigma <= 0 or len(values) < 2:
        return values.astype(float)
    radius = int(math.ceil(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.concatenate([np.repeat(values[:1], radius, axis=0), values, np.repeat(values[-1:], radius, axis=0)])
    return np.stack([np.convolve(padded[:, j], kernel, mode="valid") for j in range(values.shape[1])], axis=1) \
        if values.ndim == 2 else np.convolve(padded, kernel, mode="valid")


FOLLOW_ZOOM = 1.12
"""The view of a following animation grows or shrinks by at most about this factor per frame."""
FOLLOW_SIGMA = 2.0
"""Frames over which its changes are eased (the width of a Gaussian)."""


def follow_views(lows: np.ndarray, highs: np.ndarray, pad: float = 0.06, zoom: float = FOLLOW_ZOOM,
                 sigma: float = FOLLOW_SIGMA) -> np.ndarray:
    """Square views (centre x, centre y, half-width), one per frame, that hold each frame's extent
    [lows[i], highs[i]] with ``pad`` to spare and change smoothly: never a jump, the size changing by at
    most about ``zoom`` per frame, every change eased over about ``sigma`` frames.

    The centres are the extents' centres, smoothed. The half-widths are eased in log scale:
    first the smallest curve above the needed sizes that changes by at most log(zoom) per
    frame (so the view starts to grow before the content gets there), then a Gaussian
    smoothing of it, raised by the least amount that keeps every frame's content in view.
    """
    lows, highs = np.asarray(lows, float), np.asarray(highs, float)
    centres = _gaussian((lows + highs) / 2, sigma)
    need = np.maximum(np.abs(highs - centres), np.abs(centres - lows)).max(axis=1)
    need = np.log(np.maximum(need, 1e-6) * (1 + 2 * pad))
    steps = np.arange(len(need))
    slope = math.log(zoom)
    envelope = (need[None, :] - slope * np.abs(steps[:, None] - steps[None, :])).max(axis=1)
    eased = _gaussian(envelope, sigma)
    eased += max(0.0, float((need - eased).max()))
    return np.column_stack([centres, np.exp(eased)])


def final_view(lows: np.ndarray, highs: np.ndarray, pad: float = 0.06) -> np.ndarray:
    """One square view (centre x, centre y, half-width) holding every frame's extent."""
    lo, hi = np.asarray(lows, float).min(axis=0), np.asarray(highs, float).max(axis=0)
    half = max(float((hi - lo).max()) / 2, 1e-6) * (1 + 2 * pad)
    return np.array([*(lo + hi) / 2, half])
