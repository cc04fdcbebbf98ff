"""Exact linear regions of a piecewise-linear network in the input plane, and its straight boundary.

A network whose activation is piecewise linear (ReLU, Leaky ReLU, ReLU6, hardtanh,
softshrink, ...) is affine on each cell of a partition of the plane into convex
polygons. The cells are found exactly, not by sampling: start from the shown square,
and for every hidden unit, layer by layer, cut every polygon along the line where the
unit's pre-activation crosses one of the activation's breakpoints. The pre-activation
of a unit is affine on each polygon (the polygon lies inside one cell of all earlier
layers), so the cut is a straight line there. After a layer, each polygon knows which
piece of the activation each unit is on (its activation pattern) and so the affine map
from the input to that layer; the next layer's cuts follow from it.

The count after layer l is the number of cells of the map from the input to layer l
(every later cut only refines them). For one layer of n ReLU units it is the number of
cells of an arrangement of n lines: at most 1 + n + n(n-1)/2 in the whole plane.

The decision boundary of a two-class network is where the logit difference d = y' - x'
is zero; d is affine on each cell, so its zero set there is one straight piece (the
line clipped to the polygon). Pieces that continue each other on the same line (a unit
whose line does not bend the boundary) are joined: a *segment* is a maximal straight
piece of the boundary inside the square; a piece ending at the square's edge ends there.

Numbers are float64; a vertex within ``TOL`` x (side of the square) of a cutting line
counts as on it, so a line through a vertex does not make sliver cells.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core import catalogue
from actviz.core.activation import BoundActivation
from actviz.core.net import Architecture
from actviz.errors import RunFailure, UserError

PIECEWISE_LINEAR = ("relu", "leaky_relu", "prelu", "rrelu", "relu6", "hardtanh", "hardsigmoid",
                    "hard_sigmoid_keras", "hardshrink", "softshrink", "threshold", "srelu", "apl", "absolute",
                    "identity", "binary_step", "signum")
"""Built-in element-wise activations made of straight pieces (rrelu at test time: slope (l+u)/2)."""

TOL = 1e-10
"""Vertices closer than this (times the side of the square) to a cutting line lie on it."""
MAX_REGIONS = 250_000
"""More cells than this in the square stops the count (exit 1): drawing or listing them would not help."""
MAX_MAP_MB = 512
"""Largest memory for the per-cell affine maps of one layer."""


# ---- the activation as straight pieces ----------------------------------------------------

@dataclass(frozen=True)
class Pieces:
    """An activation as affine pieces: ``slopes[k] * z + intercepts[k]`` between ``breaks[k-1]`` and
    ``breaks[k]`` (``len(breaks) + 1`` pieces; the first and last are unbounded)."""

    name: str
    breaks: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    def index(self, z: np.ndarray) -> np.ndarray:
        """The piece each value of ``z`` lies on (a value at a break counts to the right)."""
        return np.searchsorted(self.breaks, z, side="right").astype(np.int8)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        k = self.index(z)
        return self.slopes[k] * z + self.intercepts[k]

    @property
    def continuous(self) -> bool:
        """True when neighbouring pieces meet at every break (no jump)."""
        t = self.breaks
        left = self.slopes[:-1] * t + self.intercepts[:-1]
        right = self.slopes[1:] * t + self.intercepts[1:]
        return bool(np.allclose(left, right, rtol=1e-12, atol=1e-12))


def is_piecewise_linear(act: BoundActivation) -> bool:
    """A built-in activation made of straight pieces (user-defined expressions never count)."""
    return act.name in PIECEWISE_LINEAR and any(act.act is a for a in catalogue.BUILTINS)


def refusal(act: BoundActivation, what: str = "exact linear regions need") -> str:
    """The one line that says why ``act`` has no exact cells (``what`` names the request)."""
    return (f"{what} a piecewise-linear activation, and {act.spec} is not "
            f"(piecewise linear: {', '.join(PIECEWISE_LINEAR)})")


def pieces(act: BoundActivation) -> Pieces:
    """The straight pieces of ``act`` at its parameters; a user error for any other activation.

    The breaks are the catalogue's kinks; on each interval the slope is the analytic
    derivative and the intercept f(m) - m f'(m) at an inner point m. Neighbouring pieces
    that are the same affine function are joined (hardshrink with lambd = 0 has no break).
    Each piece is checked against f at two more points of its interval.
    """
    if not is_piecewise_linear(act):
        raise UserError(refusal(act))
    breaks = sorted(set(catalogue.kinks_at(act.act, dict(act.params))))
    if breaks:
        inner = [breaks[0] - 1.0] + [(a + b) / 2 for a, b in zip(breaks, breaks[1:])] + [breaks[-1] + 1.0]
    else:
        inner = [0.0]
    m = np.array(inner)
    slopes = act.df(m)
    intercepts = act.f(m) - m * slopes
    lo = np.array([-math.inf] + breaks)
    hi = np.array(breaks + [math.inf])
    for k in range(len(m)):  # the pieces must reproduce f inside their interval
        a = lo[k] if math.isfinite(lo[k]) else hi[k] - 8.0
        b = hi[k] if math.isfinite(hi[k]) else lo[k] + 8.0
        if not math.isfinite(a):
            a, b = -4.0, 4.0
        probe = np.array([a + 0.1 * (b - a), a + 0.9 * (b - a)])
        if not np.allclose(act.f(probe), slopes[k] * probe + intercepts[k], rtol=1e-9, atol=1e-12):
            raise RunFailure(f"{act.spec} is not affine between its kinks; cannot cut the plane exactly")
    keep_t, keep_k = [], [0]
    for i, t in enumerate(breaks):
        same = math.isclose(slopes[i], slopes[i + 1], abs_tol=1e-15) and \
            math.isclose(intercepts[i], intercepts[i + 1], abs_tol=1e-15)
        if not same:
            keep_t.append(t)
            keep_k.append(i + 1)
    return Pieces(act.name, np.array(keep_t, dtype=float), slopes[keep_k].astype(float),
                  intercepts[keep_k].astype(float))


# ---- convex polygons, padded into one array ----------------------------------------------

@dataclass(frozen=True)
class Polygons:
    """Convex polygons as one array: ``xy`` is P x K x 2, polygon p uses its first ``n[p]`` rows
    (counter-clockwise); the rest is padding."""

    xy: np.ndarray
    n: np.ndarray

    @classmethod
    def square(cls, box: Sequence[float]) -> "Polygons":
        x0, x1, y0, y1 = box
        return cls(np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], dtype=float), np.array([4]))

    def __len__(self) -> int:
        return len(self.n)

    @property
    def valid(self) -> np.ndarray:
        return np.arange(self.xy.shape[1]) < self.n[:, None]

    def _next(self) -> np.ndarray:
        k = np.arange(self.xy.shape[1])
        return np.take_along_axis(self.xy, ((k[None, :] + 1) % self.n[:, None])[..., None], axis=1)

    def areas(self) -> np.ndarray:
        """Shoelace areas (positive for counter-clockwise polygons)."""
        a, b = self.xy, self._next()
        cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
        return 0.5 * np.where(self.valid, cross, 0.0).sum(axis=1)

    def centres(self) -> np.ndarray:
        """The mean of each polygon's vertices: inside it, since it is convex."""
        w = self.valid[..., None]
        return (np.where(w, self.xy, 0.0)).sum(axis=1) / self.n[:, None]

    def vertices(self, p: int) -> np.ndarray:
        return self.xy[p, :self.n[p]]

    def as_list(self) -> list[np.ndarray]:
        return [self.vertices(p) for p in range(len(self))]


def _signed(poly: Polygons, lines: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Signed distances (P x K) of each polygon's vertices from its line ``a x + b y + c = 0``
    (rows of ``lines``), zero within ``tol`` and on padding; and the unit-normalised lines."""
    norm = np.hypot(lines[:, 0], lines[:, 1])
    flat = norm == 0
    unit = lines / np.where(flat, 1.0, norm)[:, None]
    s = poly.xy[..., 0] * unit[:, 0, None] + poly.xy[..., 1] * unit[:, 1, None] + unit[:, 2, None]
    s[~poly.valid | flat[:, None] | (np.abs(s) <= tol)] = 0.0
    return s, unit


def _crossings(poly: Polygons, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each edge (vertex i to i+1) crosses the line: points (P x K x 2) and a mask."""
    k = np.arange(poly.xy.shape[1])
    nxt = (k[None, :] + 1) % poly.n[:, None]
    sn = np.take_along_axis(s, nxt, axis=1)
    cross = poly.valid & (s * sn < 0)
    t = np.where(cross, s / np.where(cross, s - sn, 1.0), 0.0)
    vn = np.take_along_axis(poly.xy, nxt[..., None], axis=1)
    return poly.xy + t[..., None] * (vn - poly.xy), cross


def _compact(points: np.ndarray, keep: np.ndarray) -> Polygons:
    order = np.argsort(~keep, axis=1, kind="stable")
    n = keep.sum(axis=1)
    width = max(int(n.max()), 3)
    xy = np.take_along_axis(points, order[..., None], axis=1)[:, :width]
    return Polygons(np.ascontiguousarray(xy), n)


def _cut(xy: np.ndarray, n: np.ndarray, s: np.ndarray) -> tuple[Polygons, Polygons]:
    """The two sides (s >= 0 and s <= 0) of polygons crossed by their line; ``s`` as from :func:`_signed`."""
    sub = Polygons(xy, n)
    X, cross = _crossings(sub, s)
    C, K = s.shape
    points = np.stack([xy, X], axis=2).reshape(C, 2 * K, 2)
    pos = _compact(points, np.stack([sub.valid & (s >= 0), cross], axis=2).reshape(C, 2 * K))
    neg = _compact(points, np.stack([sub.valid & (s <= 0), cross], axis=2).reshape(C, 2 * K))
    return pos, neg


class _Cells:
    """Polygons being cut, kept in growable buffers: cutting rewrites a polygon in place with one
    side and appends the other, so a cut costs in proportion to the polygons it crosses."""

    def __init__(self, poly: Polygons, tol: float):
        self.tol = tol
        self.size = len(poly)
        self.xy = poly.xy.copy()
        self.n = poly.n.copy()
        self.owner = np.arange(self.size)
        self.centre, self.radius = np.zeros((self.size, 2)), np.zeros(self.size)
        self._bounds(np.arange(self.size))

    def _bounds(self, rows: np.ndarray) -> None:
        """Centre and radius of a disc holding each polygon of ``rows`` (a quick test for the cuts)."""
        sub = Polygons(self.xy[rows], self.n[rows])
        c = sub.centres()
        d = np.where(sub.valid, np.hypot(*(sub.xy - c[:, None, :]).transpose(2, 0, 1)), 0.0)
        self.centre[rows], self.radius[rows] = c, d.max(axis=1)

    def _reserve(self, size: int, width: int) -> None:
        cap, K = self.xy.shape[:2]
        if size <= cap and width <= K:
            return
        cap = max(cap, 2 * size) if size > cap else cap
        K = max(K, width)
        xy = np.zeros((cap, K, 2))
        xy[:self.size, :self.xy.shape[1]] = self.xy[:self.size]
        n, owner = np.zeros(cap, dtype=np.int64), np.zeros(cap, dtype=np.int64)
        n[:self.size], owner[:self.size] = self.n[:self.size], self.owner[:self.size]
        self.xy, self.n, self.owner = xy, n, owner
        self._grow_bounds(cap)

    def _grow_bounds(self, cap: int) -> None:
        centre, radius = np.zeros((cap, 2)), np.zeros(cap)
        centre[:self.size], radius[:self.size] = self.centre[:self.size], self.radius[:self.size]
        self.centre, self.radius = centre, radius

    def cut(self, lines: np.ndarray) -> None:
        """Cut each live polygon p along its line ``lines[p]`` (a x + b y + c = 0) where it crosses it."""
        P = self.size
        norm = np.hypot(lines[:, 0], lines[:, 1])
        gap = np.abs(lines[:, 0] * self.centre[:P, 0] + lines[:, 1] * self.centre[:P, 1] + lines[:, 2])
        near = np.flatnonzero(gap <= (self.radius[:P] + 2 * self.tol) * norm)
        if not len(near):
            return
        sub = Polygons(self.xy[near], self.n[near])
        s, _ = _signed(sub, lines[near], self.tol)
        crossed = (s > 0).any(axis=1) & (s < 0).any(axis=1)
        idx = near[crossed]
        if not len(idx):
            return
        pos, neg = _cut(self.xy[idx], self.n[idx], s[crossed])
        C = len(idx)
        self._reserve(P + C, max(pos.xy.shape[1], neg.xy.shape[1]))
        self.xy[idx] = 0.0
        self.xy[idx, :pos.xy.shape[1]] = pos.xy
        self.n[idx] = pos.n
        new = np.arange(P, P + C)
        self.xy[new, :neg.xy.shape[1]] = neg.xy
        self.n[new] = neg.n
        self.owner[new] = self.owner[idx]
        self.size = P + C
        self._bounds(np.concatenate([idx, new]))

    def polygons(self) -> Polygons:
        width = int(self.n[:self.size].max())
        return Polygons(self.xy[:self.size, :width].copy(), self.n[:self.size].copy())


# ---- the cells of a network ------------------------------------------------------------------

@dataclass(frozen=True)
class Regions:
    """The cells of a network inside ``box``: polygons, activation patterns, affine logits.

    ``counts[l]`` is the number of cells after hidden layer l + 1; ``patterns`` (P x all
    hidden units) the piece index of each unit on each cell; ``logits`` (P x classes x 3)
    the affine map (coefficients of x, y, 1) of each class score on each cell.
    """

    box: tuple[float, float, float, float]
    polygons: Polygons
    counts: tuple[int, ...]
    patterns: np.ndarray
    logits: np.ndarray
    pieces: Pieces

    @property
    def count(self) -> int:
        return len(self.polygons)

    @property
    def scale(self) -> float:
        return max(self.box[1] - self.box[0], self.box[3] - self.box[2])

    def affine_logits(self, points: np.ndarray, cell: np.ndarray) -> np.ndarray:
        """The class scores at ``points`` (n x 2) through the affine maps of the cells ``cell`` (n)."""
        L = self.logits[cell]
        return L[..., 0] * points[:, 0, None] + L[..., 1] * points[:, 1, None] + L[..., 2]


def _check_size(cells: int, width: int, layer: int, limit: int) -> None:
    if cells > limit:
        raise RunFailure(f"more than {limit:,} linear regions in the square by layer {layer}; "
                         f"use fewer or narrower hidden layers to count them")
    mb = cells * width * 3 * 8 / 1e6
    if mb > MAX_MAP_MB:
        raise RunFailure(f"the affine maps of {cells:,} regions x {width} units would need {mb:.0f} MB "
                         f"(limit {MAX_MAP_MB} MB); use narrower layers to count the regions")


def _next_maps(Z: np.ndarray, owner: np.ndarray, centres: np.ndarray, pc: Pieces, w: np.ndarray,
               b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Activation pattern of each cell (from its centre) and the affine maps of the next layer's
    pre-activations ``act(z) W + b`` on it, a chunk of cells at a time (bounded memory)."""
    P, units = len(owner), Z.shape[1]
    k = np.empty((P, units), dtype=np.int8)
    out = np.empty((P, w.shape[1], 3))
    Zt = np.ascontiguousarray(Z.transpose(2, 0, 1))  # 3 x cells x units: contiguous rows to gather
    step = max(1, int(4e6 // units))
    for a in range(0, P, step):
        rows = slice(a, min(P, a + step))
        parts = [Zt[axis][owner[rows]] for axis in range(3)]
        c = centres[rows]
        kc = pc.index(parts[0] * c[:, 0, None] + parts[1] * c[:, 1, None] + parts[2])
        slope = pc.slopes[kc]
        for axis in range(3):  # act(z) = slope z + intercept on each cell, so act(z) W is three products
            out[rows, :, axis] = (slope * parts[axis]) @ w
        out[rows, :, 2] += pc.intercepts[kc] @ w
        k[rows] = kc
    out[..., 2] += b
    return k, out


def linear_regions(arch: Architecture, theta: np.ndarray, box: Sequence[float],
                   max_regions: int | None = None) -> Regions:
    """The exact cells of the network inside ``box`` (x0, x1, y0, y1).

    Parameters
    ----------
    arch, theta
        The network (its hidden activation must be piecewise linear) and its parameters.
    box
        The square (or rectangle) of the input plane to partition.
    max_regions
        Stop with :class:`RunFailure` beyond this many cells (default :data:`MAX_REGIONS`).

    Returns
    -------
    Regions
        The polygons, the count after each hidden layer, the activation patterns and the
        affine class scores of each cell.
    """
    pc = pieces(arch.act)
    limit = MAX_REGIONS if max_regions is None else max_regions
    box = tuple(float(v) for v in box)
    tol = TOL * max(box[1] - box[0], box[3] - box[2])
    ws, bs = arch.weights(theta), arch.biases(theta)
    poly = Polygons.square(box)
    # pre-activations of the first layer as affine maps (coefficients of x, y, 1), one cell
    Z = np.concatenate([ws[0].T, bs[0][:, None]], axis=1)[None]
    patterns = np.zeros((1, 0), dtype=np.int8)
    counts = []
    for layer in range(1, len(ws)):
        cells = _Cells(poly, tol)
        for j in range(Z.shape[1]):
            for t in pc.breaks:
                lines = Z[cells.owner[:cells.size], j]
                lines[:, 2] -= t
                cells.cut(lines)
                if cells.size > limit:
                    _check_size(cells.size, 0, layer, limit)
        poly, owner = cells.polygons(), cells.owner[:cells.size]
        _check_size(len(poly), ws[layer].shape[1], layer, limit)
        k, Z = _next_maps(Z, owner, poly.centres(), pc, ws[layer], bs[layer])
        patterns = np.concatenate([patterns[owner], k], axis=1)
        counts.append(len(poly))
    return Regions(box, poly, tuple(counts), patterns, Z, pc)


# ---- the decision boundary as straight segments ----------------------------------------------

@dataclass(frozen=True)
class Boundary:
    """The two-class decision boundary inside the square: ``segments`` (S x 2 x 2), the maximal
    straight pieces; ``pieces`` (R x 2 x 2), one per cell it crosses; ``cells`` the cell of each piece."""

    segments: np.ndarray
    pieces: np.ndarray
    cells: np.ndarray

    @property
    def count(self) -> int:
        return len(self.segments)

    def corners(self, box: Sequence[float], tol: float = 1e-9) -> np.ndarray:
        """The ends of segments that are not on the edge of ``box``: where the boundary bends."""
        ends = self.segments.reshape(-1, 2)
        x0, x1, y0, y1 = box
        scale = max(x1 - x0, y1 - y0) * tol
        inside = ((ends[:, 0] > x0 + scale) & (ends[:, 0] < x1 - scale)
                  & (ends[:, 1] > y0 + scale) & (ends[:, 1] < y1 - scale))
        pts = ends[inside]
        if not len(pts):
            return pts
        keys = np.round(pts / (scale * 1e3)).astype(np.int64)
        _, first = np.unique(keys, axis=0, return_index=True)
        return pts[np.sort(first)]


def boundary_refusal(regions: Regions) -> str | None:
    """Why the boundary of these cells cannot be cut into segments, or None when it can."""
    if regions.logits.shape[1] != 2:
        return "segments are counted for 2 classes only"
    if not regions.pieces.continuous:
        return (f"{regions.pieces.name} jumps, so the boundary can run along cell edges; "
                f"segments are counted for continuous activations only")
    return None


def boundary(regions: Regions) -> Boundary:
    """The straight pieces of the boundary y' = x' (cell by cell), joined into maximal segments.

    A user error for more than 2 classes or an activation with jumps (see :func:`boundary_refusal`).
    """
    why = boundary_refusal(regions)
    if why is not None:
        raise UserError(why)
    tol = TOL * regions.scale
    poly = regions.polygons
    d = regions.logits[:, 1] - regions.logits[:, 0]
    s, unit = _signed(poly, d, tol)
    cut = (s > 0).any(axis=1) & (s < 0).any(axis=1)
    idx = np.flatnonzero(cut)
    if not len(idx):
        empty = np.zeros((0, 2, 2))
        return Boundary(empty, empty, idx)
    sub = Polygons(poly.xy[idx], poly.n[idx])
    S = s[idx]
    X, cross = _crossings(sub, S)
    C, K = S.shape
    points = np.stack([sub.xy, X], axis=2).reshape(C, 2 * K, 2)
    keep = np.stack([sub.valid & (S == 0), cross], axis=2).reshape(C, 2 * K)
    lines = unit[idx]
    direction = np.stack([-lines[:, 1], lines[:, 0]], axis=1)
    along = np.einsum("ckd,cd->ck", points, direction)
    lo = np.where(keep, along, np.inf).argmin(axis=1)
    hi = np.where(keep, along, -np.inf).argmax(axis=1)
    rows = np.arange(C)
    raw = np.stack([points[rows, lo], points[rows, hi]], axis=1)
    return Boundary(_join(raw, lines, regions.scale), raw, idx)


def _canonical(lines: np.ndarray) -> np.ndarray:
    """Unit lines with a fixed sign (first non-zero of a, b positive), so equal lines compare equal."""
    flip = (lines[:, 0] < 0) | ((lines[:, 0] == 0) & (lines[:, 1] < 0))
    return np.where(flip[:, None], -lines, lines)


def _join(raw: np.ndarray, lines: np.ndarray, scale: float) -> np.ndarray:
    """Join pieces that share an end and lie on the same line; return the maximal segments."""
    R = len(raw)
    lines = _canonical(lines)
    near = 1e-8 * scale
    parent = list(range(R))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, int], list[int]] = {}
    ends = raw.reshape(-1, 2)
    keys = np.floor(ends / near).astype(np.int64)
    for e, (kx, ky) in enumerate(keys.tolist()):
        buckets.setdefault((kx, ky), []).append(e)
    for e, (kx, ky) in enumerate(keys.tolist()):
        i = e // 2
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for f in buckets.get((kx + dx, ky + dy), ()):
                    j = f // 2
                    if j <= i or find(i) == find(j):
                        continue
                    if np.abs(ends[e] - ends[f]).max() <= near and np.abs(lines[i] - lines[j]).max() <= 1e-9:
                        parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(R):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        i = members[0]
        direction = np.array([-lines[i, 1], lines[i, 0]])
        pts = raw[members].reshape(-1, 2)
        t = pts @ direction
        out.append([pts[t.argmin()], pts[t.argmax()]])
    return np.array(out, dtype=float).reshape(-1, 2, 2)


# ---- counts over a run -----------------------------------------------------------------------

def counts_row(arch: Architecture, theta: np.ndarray, box: Sequence[float]) -> tuple[tuple[int, ...], int | None]:
    """Cells after each hidden layer and the number of boundary segments (None when not counted)."""
    regions = linear_regions(arch, theta, box)
    segments = None if boundary_refusal(regions) else boundary(regions).count
    return regions.counts, segments
