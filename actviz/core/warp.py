"""How one layer bends a spiral: X' = W⁺ act(W X), the article's round trip (pure numpy).

A spiral centred at the origin is pushed through one layer of ``n`` units,
``H = act(W X + b)`` with ``W`` of shape ``n x 2``, and mapped back to the plane with
the pseudo-inverse, ``X' = W⁺ (H - b)``. Subtracting the bias before mapping back
makes the round trip exact wherever the activation is the identity: if
``act(z) = z`` then ``X' = W⁺ W X = X`` (``W`` has full column rank for ``n >= 2``
with probability one). Without bias (the default, as in the article) ``b = 0``.

For ``n = 1`` the layer has one unit and ``W⁺ W`` is the projection onto the line
spanned by the single row of ``W``: even the identity maps the plane onto that line.

Each row of the article's grid, one ``n``, uses one ``W`` (and ``b``) for every
activation, drawn from ``numpy.random.default_rng([seed, n])``: a given seed and
``n`` always give the same weights, whatever other ``n`` are in the list.

The gradual warp is ``X'(t) = W⁺((1 - t)(WX + b) + t act(WX + b) - b)``, from the
input (t = 0) to the full activation (t = 1). Since ``W⁺`` is linear this is the
straight-line blend ``(1 - t) X'(0) + t X'(1)``, with ``X'(0) = X`` for ``n >= 2``, so
every frame lies between the two ends and fixed axis limits can be taken from them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from actviz.core.activation import BoundActivation
from actviz.errors import RunFailure, UserError

DEFAULT_ACTIVATIONS: tuple[str, ...] = ("identity", "sigmoid", "tanh", "relu", "elu", "tanhshrink")
"""The article's columns."""

DEFAULT_NS: tuple[int, ...] = (2, 5, 30)
"""The article's rows: hidden layers of 2, 5 and 30 units."""

WEIGHTS: tuple[str, ...] = ("uniform", "normal", "orthogonal")
"""Weight distributions: uniform in [-1, 1] (the article's), normal with the same variance
(1/3), orthogonal (orthonormal columns for n >= 2, a random unit row for n = 1)."""

LIMITS: tuple[str, ...] = ("shared", "panel")
"""How panels are framed: all alike (the input's frame) or each fitted to its own content."""

MAX_N = 10_000
MAX_FRAMES = 400
MAX_POINTS = 5_000
MAX_TURNS = 50.0
MAX_SCALE = 1e6
MAX_UNIT_POINTS = 10_000_000
"""Largest n x points: the hidden values of one row, about 80 MB of float64."""
COLLAPSE_TOL = 1e-3
"""Two outputs closer than this (times the spiral's radius) count as one point..."""
COLLAPSE_FAR = 0.05
"""...when their inputs were at least this far apart (times the radius)."""


# ----------------------------------------------------------------------------- inputs

def default_activations() -> list[str]:
    """The article's columns that the catalogue has (an entry may not be there yet)."""
    from actviz.core.registry import current

    registry = current()
    return [name for name in DEFAULT_ACTIVATIONS if name in registry]


def check_inputs(ns: Sequence[int], points: int, turns: float, scale: float, weights: str, bias: float) -> None:
    """Refuse bad settings in one line each, before any work is done."""
    if not ns:
        raise UserError("no layer width given; name at least one n, e.g. --n 2,5,30")
    for n in ns:
        if not 1 <= n <= MAX_N:
            raise UserError(f"n must be between 1 and {MAX_N:,} hidden units, got {n}")
    if not 2 <= points <= MAX_POINTS:
        raise UserError(f"the spiral needs between 2 and {MAX_POINTS:,} points, got {points}")
    if max(ns) * points > MAX_UNIT_POINTS:
        raise UserError(f"n = {max(ns):,} units x {points:,} points is too much work "
                        f"(limit {MAX_UNIT_POINTS:,}); use fewer --points or a smaller n")
    if not (math.isfinite(turns) and 0 < turns <= MAX_TURNS):
        raise UserError(f"turns must be a number in (0, {MAX_TURNS:g}], got {turns:g}")
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise UserError(f"scale must be a number in (0, {MAX_SCALE:g}], got {scale:g}")
    if weights not in WEIGHTS:
        raise UserError(f"unknown weight distribution {weights!r}: use one of {', '.join(WEIGHTS)}")
    if not (math.isfinite(bias) and 0 <= bias <= MAX_SCALE):
        raise UserError(f"bias must be a number in [0, {MAX_SCALE:g}], got {bias:g}")


def check_frames(frames: int) -> None:
    """An animation loop needs 2 to :data:`MAX_FRAMES` frames."""
    if not 2 <= frames <= MAX_FRAMES:
        raise UserError(f"frames must be between 2 and {MAX_FRAMES}, got {frames}")


def spiral(points: int = 1000, turns: float = 2.0, scale: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """An Archimedean spiral from the origin out to radius ``scale`` after ``turns`` turns.

    Points are equally spaced along the curve, so every part of it weighs the same in
    the metrics. Returns ``(X, s)``: ``X`` of shape ``(points, 2)`` and ``s`` in [0, 1],
    the fraction of the length from the centre (used for colour).
    """
    theta_max = 2 * math.pi * turns
    theta = np.linspace(0.0, theta_max, 20_001)
    speed = np.hypot(theta, 1.0)  # |d(theta (cos, sin))/d theta|, up to the factor scale/theta_max
    length = np.concatenate([[0.0], np.cumsum((speed[1:] + speed[:-1]) / 2 * np.diff(theta))])
    s = np.linspace(0.0, 1.0, points)
    th = np.interp(s * length[-1], length, theta)
    r = scale * th / theta_max
    return np.stack([r * np.cos(th), r * np.sin(th)], axis=1), s


def grid_lines(scale: float, count: int = 9, samples: int = 201) -> np.ndarray:
    """Lines of a regular grid over the square [-scale, scale]^2 around the spiral.

    Returns shape ``(2 * count, samples, 2)``: ``count`` vertical lines, then ``count`` horizontal ones.
    """
    ticks = np.linspace(-scale, scale, count)
    along = np.linspace(-scale, scale, samples)
    vertical = np.stack(np.broadcast_arrays(ticks[:, None], along[None, :]), axis=-1)
    horizontal = vertical[..., ::-1]
    return np.concatenate([vertical, horizontal], axis=0)


def weights(n: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """An ``n x 2`` weight matrix drawn from ``kind`` (see :data:`WEIGHTS`)."""
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, size=(n, 2))
    if kind == "normal":
        return rng.normal(0.0, math.sqrt(1 / 3), size=(n, 2))
    if kind == "orthogonal":
        g = rng.normal(size=(max(n, 2), 2))
        q, r = np.linalg.qr(g)
        q = q * np.sign(np.diag(r))  # the sign fix that makes Q Haar-distributed
        if n == 1:
            return q[:, 0][None, :]  # a random unit row
        return q
    raise UserError(f"unknown weight distribution {kind!r}: use one of {', '.join(WEIGHTS)}")


# ----------------------------------------------------------------------------- the layer

@dataclass(frozen=True)
class Layer:
    """``n`` hidden units: weights ``W`` (n x 2), bias ``b`` (n,) and the pseudo-inverse ``W⁺`` (2 x n)."""

    W: np.ndarray
    b: np.ndarray
    W_pinv: np.ndarray = field(repr=False)

    @property
    def n(self) -> int:
        return self.W.shape[0]

    def pre(self, X: np.ndarray) -> np.ndarray:
        """Pre-activations ``W X + b`` for points along the last axis: shape ``(..., 2)`` -> ``(..., n)``."""
        return X @ self.W.T + self.b

    def back(self, H: np.ndarray) -> np.ndarray:
        """Map hidden values back to the plane: ``W⁺ (H - b)``, shape ``(..., n)`` -> ``(..., 2)``."""
        return (H - self.b) @ self.W_pinv.T

    def warp(self, X: np.ndarray, act: BoundActivation, t: float = 1.0) -> np.ndarray:
        """``W⁺((1 - t)(WX + b) + t act(WX + b) - b)``: the input at t = 0, the full round trip at t = 1."""
        Z = self.pre(X)
        with np.errstate(all="ignore"):
            H = act.f(Z)
            out = self.back(Z if t == 0 else H if t == 1 else (1.0 - t) * Z + t * H)
        if not np.all(np.isfinite(out)):
            raise RunFailure(f"{act.spec} gives non-finite values on this spiral (n = {self.n}); lower --scale")
        return out


def make_layer(n: int, rng: np.random.Generator, kind: str = "uniform", bias: float = 0.0) -> Layer:
    """Draw ``W`` from ``kind`` and then, if ``bias > 0``, ``b`` uniform in [-bias, bias]."""
    W = weights(n, kind, rng)
    b = rng.uniform(-bias, bias, size=n) if bias > 0 else np.zeros(n)
    return Layer(W, b, np.linalg.pinv(W))


def row_rng(seed: int, n: int) -> np.random.Generator:
    """The generator of the row for ``n`` units: depends on the seed and ``n`` only."""
    return np.random.default_rng([seed, n])


# ----------------------------------------------------------------------------- metrics

def reconstruction_error(X: np.ndarray, Xp: np.ndarray) -> float:
    """Relative error of the round trip, ``||X' - X|| / ||X||`` (Frobenius norms)."""
    return float(np.linalg.norm(Xp - X) / np.linalg.norm(X))


def affine_error(X: np.ndarray, Xp: np.ndarray) -> float:
    """What no affine map can bring back: ``min over A, c of ||X' A + c - X|| / ||X||``.

    The round trip error counts a mere shrink or shift (sigmoid on small inputs) as loss;
    this one does not, so it measures how much of the spiral's shape survived.
    """
    design = np.column_stack([Xp, np.ones(len(Xp))])
    coef, *_ = np.linalg.lstsq(design, X, rcond=None)
    return float(np.linalg.norm(design @ coef - X) / np.linalg.norm(X))


def collapsed_fraction(X: np.ndarray, Xp: np.ndarray, radius: float, tol: float = COLLAPSE_TOL,
                       far: float = COLLAPSE_FAR, max_pairs: int = 2_000_000) -> float:
    """Fraction of points whose output lies within ``tol * radius`` of the output of a point
    whose input was at least ``far * radius`` away: parts of the spiral folded onto others.

    Candidate pairs are those within ``tol * radius`` in the first output coordinate
    (found by sorting), checked in batches of at most about ``max_pairs`` pairs.
    """
    eps, far_r = tol * radius, far * radius
    order = np.argsort(Xp[:, 0], kind="stable")
    P, Q = Xp[order], X[order]
    lo = np.searchsorted(P[:, 0], P[:, 0] - eps, side="left")
    hi = np.searchsorted(P[:, 0], P[:, 0] + eps, side="right")
    counts = hi - lo
    hit = np.zeros(len(P), dtype=bool)
    start = 0
    cum = np.cumsum(counts)
    while start < len(P):
        stop = max(start + 1, int(np.searchsorted(cum, (cum[start - 1] if start else 0) + max_pairs, side="right")))
        i = np.repeat(np.arange(start, stop), counts[start:stop])
        j = np.arange(len(i)) - np.repeat(np.cumsum(counts[start:stop]) - counts[start:stop], counts[start:stop])
        j += lo[i]
        close = np.hypot(*(P[i] - P[j]).T) <= eps
        apart = np.hypot(*(Q[i] - Q[j]).T) >= far_r
        hit[np.unique(i[close & apart])] = True
        start = stop
    return float(hit.mean())


# ----------------------------------------------------------------------------- the whole grid

@dataclass(frozen=True)
class Panel:
    """One activation at one width: the warped spiral and, optionally, the warped grid lines."""

    act: BoundActivation
    layer: Layer
    Xp: np.ndarray
    grid: np.ndarray | None

    def at(self, X: np.ndarray, grid: np.ndarray | None, t: float) -> tuple[np.ndarray, np.ndarray | None]:
        """Spiral and grid lines part-way, ``X'(t)``; t = 1 returns the stored full warp."""
        if t == 1:
            return self.Xp, self.grid
        return self.layer.warp(X, self.act, t), None if grid is None else self.layer.warp(grid, self.act, t)


@dataclass(frozen=True)
class WarpResult:
    """Everything a warp figure needs: the spiral, the settings and one row of panels per n."""

    X: np.ndarray
    s: np.ndarray
    grid: np.ndarray | None
    ns: tuple[int, ...]
    acts: tuple[BoundActivation, ...]
    rows: tuple[tuple[Panel, ...], ...]
    seed: int
    turns: float
    scale: float
    weights: str
    bias: float

    def metrics(self) -> list[dict]:
        """Per (activation, n): round-trip error, affine error and collapsed fraction."""
        out = []
        for n, row in zip(self.ns, self.rows):
            for p in row:
                out.append({
                    "activation": p.act.spec,
                    "n": n,
                    "error": reconstruction_error(self.X, p.Xp),
                    "affine_error": affine_error(self.X, p.Xp),
                    "collapsed": collapsed_fraction(self.X, p.Xp, self.scale),
                })
        return out


@dataclass(frozen=True)
class WarpSettings:
    """A warp request, checked when it is made: the activations (element-wise), the widths n,
    the seed, and the spiral (points, turns, scale), weights, bias and grid."""

    acts: tuple[BoundActivation, ...]
    ns: tuple[int, ...] = DEFAULT_NS
    seed: int = 0
    points: int = 1000
    turns: float = 2.0
    scale: float = 3.0
    weights: str = "uniform"
    bias: float = 0.0
    grid: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "acts", tuple(self.acts))
        object.__setattr__(self, "ns", tuple(int(n) for n in self.ns))
        if not self.acts:
            raise UserError("no activation given; name at least one, e.g. relu")
        for a in self.acts:
            a.require_kind(("elementwise",), "warp")
        check_inputs(self.ns, self.points, self.turns, self.scale, self.weights, self.bias)
        if self.seed < 0:
            raise UserError(f"seed must be a non-negative integer, got {self.seed}")


def compute(settings: WarpSettings, progress=None) -> WarpResult:
    """Warp the spiral through every activation at every width (the settings are trusted);
    ``progress`` wraps the sequence of (n, activation) panels (a progress bar)."""
    acts, ns, seed, points, turns = settings.acts, settings.ns, settings.seed, settings.points, settings.turns
    scale, weights, bias, grid = settings.scale, settings.weights, settings.bias, settings.grid
    X, s = spiral(points, turns, scale)
    lines = grid_lines(scale) if grid else None
    cells = [(i, a) for i in range(len(ns)) for a in acts]
    layers: dict[int, Layer] = {}
    panels: list[list[Panel]] = [[] for _ in ns]
    for i, a in (progress(cells) if progress else cells):
        if i not in layers:
            layers[i] = make_layer(ns[i], row_rng(seed, ns[i]), weights, bias)
        layer = layers[i]
        panels[i].append(Panel(a, layer, layer.warp(X, a), None if lines is None else layer.warp(lines, a)))
    rows = [tuple(p) for p in panels]
    return WarpResult(X, s, lines, ns, tuple(acts), tuple(rows), seed, turns, scale, weights, bias)


def blend_schedule(frames: int) -> np.ndarray:
    """t for each frame of a loop: eased from 0 up to 1 (at the middle frame) and back.

    ``t_k = (1 - cos(2 pi k / frames)) / 2``; the frame after the last would be the first again.
    """
    k = np.arange(frames)
    t = (1.0 - np.cos(2 * np.pi * k / frames)) / 2
    t[0] = 0.0
    if frames % 2 == 0:
        t[frames // 2] = 1.0
    return t
