"""What every layer does to the plane: the image of points after each hidden layer, and a fixed
two-dimensional view of each layer to draw it in.

A hidden layer of 2 units is drawn as it is (its two activations are the axes). A wider
layer is drawn through a projection onto its first two principal axes, fitted once to
that layer's activations of the data over ALL snapshots of a run and then kept, so that
in an animation motion on the panel is motion of the layer, not a turning projection.
A layer of 1 unit is drawn on a line. The output layer of a two-class network is its
plane of scores (x', y'), where the line y' = x' is the decision boundary.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core import net
from actviz.errors import UserError

MAX_PCA_POINTS = 200_000
"""Rows of activations a projection is fitted to (the snapshots are thinned beyond this)."""


def layer_values(arch: net.Architecture, theta: np.ndarray, X: np.ndarray) -> list[np.ndarray]:
    """``[h1, ..., hL, logits]`` for the inputs ``X`` (n x 2): each hidden layer after its activation
    (n x width), then the class scores (n x classes)."""
    ws, bs = arch.weights(theta), arch.biases(theta)
    out, h = [], X
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = h @ w + b
        h = z if i == len(ws) - 1 else arch.act.f(z)
        out.append(h)
    return out


@dataclass(frozen=True)
class View:
    """A fixed affine map from one layer (width units) to the drawing plane: ``(h - mean) @ axes``.

    ``kind`` is ``units`` (2 units as they are), ``line`` (1 unit, drawn on y = 0), ``pca``
    (first two principal axes; ``explained`` is the fraction of variance they hold) or
    ``scores`` (the output plane).
    """

    kind: str
    mean: np.ndarray
    axes: np.ndarray
    explained: float | None = None

    def __call__(self, h: np.ndarray) -> np.ndarray:
        return (h - self.mean) @ self.axes

    @property
    def width(self) -> int:
        return self.axes.shape[0]


def _identity(width: int, kind: str) -> View:
    axes = np.zeros((width, 2))
    axes[:min(width, 2), :min(width, 2)] = np.eye(min(width, 2))
    return View(kind, np.zeros(width), axes)


def principal_view(values: np.ndarray) -> View:
    """The first two principal axes of ``values`` (rows are points), signs fixed so that each
    axis's largest entry is positive (the same data always give the same picture)."""
    mean = values.mean(axis=0)
    centred = values - mean
    cov = centred.T @ centred / max(len(values) - 1, 1)
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1][:2]
    axes = evecs[:, order]
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), [0, 1]])
    axes = axes * np.where(signs == 0, 1.0, signs)
    total = float(evals.clip(min=0).sum())
    explained = float(evals[order].clip(min=0).sum() / total) if total > 0 else 1.0
    return View("pca", mean, axes, explained)


def fit_views(run: net.TrainingRun) -> list[View]:
    """One view per hidden layer, then the output plane; projections fitted over all snapshots."""
    arch, X = run.arch, run.data.X
    if arch.classes != 2:
        raise UserError(f"the layers view ends in the plane of two scores, so it needs 2 classes, not {arch.classes}")
    snaps = run.snapshots
    every = max(1, math.ceil(len(snaps) * len(X) / MAX_PCA_POINTS))
    chosen = list(snaps[::every])
    if chosen[-1] is not snaps[-1]:
        chosen.append(snaps[-1])
    views = []
    with np.errstate(all="ignore"):
        per_snapshot = [layer_values(arch, s.theta, X) for s in chosen]
    for layer, width in enumerate(arch.hidden):
        if width == 1:
            views.append(_identity(1, "line"))
        elif width == 2:
            views.append(_identity(2, "units"))
        else:
            stacked = np.concatenate([vals[layer] for vals in per_snapshot])
            stacked = stacked[np.isfinite(stacked).all(axis=1)]
            views.append(principal_view(stacked) if len(stacked) > 2 else _identity(width, "pca"))
    views.append(_identity(2, "scores"))
    return views


def square_limits(points: Sequence[np.ndarray], pad: float = 0.06) -> tuple[tuple[float, float], tuple[float, float]]:
    """Limits of equal length on both axes holding every finite point of ``points`` (each n x 2)."""
    lo, hi = np.full(2, math.inf), np.full(2, -math.inf)
    for p in points:
        p = p[np.isfinite(p).all(axis=1)]
        if len(p):
            lo, hi = np.minimum(lo, p.min(axis=0)), np.maximum(hi, p.max(axis=0))
    if not np.isfinite(lo).all():
        lo, hi = np.full(2, -1.0), np.full(2, 1.0)
    half = max(float((hi - lo).max()) / 2, 1e-6) * (1 + 2 * pad)
    centre = (lo + hi) / 2
    return (centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half)


def layer_limits(run: net.TrainingRun, views: Sequence[View]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Square limits per layer panel (hidden layers and the output plane) that hold the data and
    the class curves in every snapshot, so the axes never move during an animation."""
    pieces = np.concatenate([run.data.X, *[c for _, c in run.data.curves]])
    drawn: list[list[np.ndarray]] = [[] for _ in views]
    with np.errstate(all="ignore"):
        for snap in run.snapshots:
            for i, (vals, view) in enumerate(zip(layer_values(run.arch, snap.theta, pieces), views)):
                drawn[i].append(view(vals))
    return [square_limits(d) for d in drawn]
