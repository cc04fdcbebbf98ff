"""Two-dimensional toy data sets for the training pictures (pure numpy).

Every entry of :data:`DATASETS` has one signature, as in TensorFlow Playground:
``make(count, noise, rng, classes=2) -> Dataset``. ``noise`` is the standard
deviation of Gaussian jitter added to each coordinate (the data span roughly
[-1.2, 1.2]); ``rng`` is a :class:`numpy.random.Generator` made from the user's seed.

Besides the points, a data set yields its *class curves* where it has them:
noise-free lines in the class colours (the red and blue lines of the reference
article) that the training frames push through the network as well as the points.

- ``spiral``: arms winding out of the origin, one per class (2 or more).
- ``circles``: an inner disk (class 0) against an outer ring (class 1); the curves
  are the two edges that face each other across the gap, the closest points of
  the two classes, so a boundary that separates them separates everything.
- ``moons``: two interleaved half circles.
- ``xor``: the four quadrants, diagonal ones sharing a class (no curves).
- ``blobs``: Gaussian clusters on a circle, one per class (2 or more; no curves).
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz.errors import UserError

CURVE_POINTS = 240
"""Samples along each class curve."""

MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Dataset:
    """Points ``X`` (n x 2), integer labels ``y`` (n,), and per-class curves.

    ``curves`` is a tuple of ``(label, points)`` with ``points`` an m x 2 polyline.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    classes: int
    curves: tuple[tuple[int, np.ndarray], ...] = ()


@dataclass(frozen=True)
class DatasetKind:
    """A registry entry: the generator, a one-line description, and the class counts it supports."""

    name: str
    make: Callable[..., Dataset]
    doc: str
    max_classes: int = 2


def _split(count: int, classes: int) -> list[int]:
    """Points per class: as equal as possible, earlier classes taking the remainder."""
    return [count // classes + (k < count % classes) for k in range(classes)]


def _finish(name: str, parts: list[np.ndarray], noise: float, rng: np.random.Generator,
            curves: list[tuple[int, np.ndarray]] = ()) -> Dataset:
    X = np.concatenate(parts, axis=0)
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(parts)])
    return Dataset(name, X, y, len(parts), tuple(curves))


def spiral(count: int, noise: float, rng: np.random.Generator, classes: int = 2, turns: float = 1.0) -> Dataset:
    """Arms r = 0.2 + t, angle 2 pi (turns t + k / classes), t uniform in [0, 1]."""

    def arm(t: np.ndarray, k: int) -> np.ndarray:
        r = 0.2 + 1.0 * t
        angle = 2 * math.pi * (turns * t + k / classes)
        return np.column_stack([r * np.cos(angle), r * np.sin(angle)])

    parts = [arm(np.sort(rng.uniform(0.0, 1.0, n)), k) for k, n in enumerate(_split(count, classes))]
    line = np.linspace(0.0, 1.0, CURVE_POINTS)
    return _finish("spiral", parts, noise, rng, [(k, arm(line, k)) for k in range(classes)])


INNER_RADIUS, RING = 0.5, (0.8, 1.2)


def circles(count: int, noise: float, rng: np.random.Generator, classes: int = 2) -> Dataset:
    """A disk of radius 0.5 (class 0) inside a ring 0.8..1.2 (class 1), uniform over each area."""
    n_in, n_out = _split(count, 2)

    def polar(r: np.ndarray) -> np.ndarray:
        a = rng.uniform(0.0, 2 * math.pi, len(r))
        return np.column_stack([r * np.cos(a), r * np.sin(a)])

    lo, hi = RING
    inner = polar(INNER_RADIUS * np.sqrt(rng.uniform(0.0, 1.0, n_in)))
    outer = polar(np.sqrt(rng.uniform(lo**2, hi**2, n_out)))
    a = np.linspace(0.0, 2 * math.pi, CURVE_POINTS)
    ring = np.column_stack([np.cos(a), np.sin(a)])
    return _finish("circles", [inner, outer], noise, rng, [(0, INNER_RADIUS * ring), (1, lo * ring)])


def moons(count: int, noise: float, rng: np.random.Generator, classes: int = 2) -> Dataset:
    """Two interleaved half circles of radius 0.8, centred on the origin."""

    def arc(t: np.ndarray, k: int) -> np.ndarray:
        if k == 0:
            x, y = np.cos(t), np.sin(t)
        else:
            x, y = 1.0 - np.cos(t), 0.5 - np.sin(t)
        return 0.8 * np.column_stack([x - 0.5, y - 0.25])

    parts = [arc(np.sort(rng.uniform(0.0, math.pi, n)), k) for k, n in enumerate(_split(count, 2))]
    line = np.linspace(0.0, math.pi, CURVE_POINTS)
    return _finish("moons", parts, noise, rng, [(k, arc(line, k)) for k in range(2)])


def xor(count: int, noise: float, rng: np.random.Generator, classes: int = 2) -> Dataset:
    """Uniform points in the four quadrants, 0.1 away from the axes; x*y > 0 is class 0."""
    parts = []
    for k, n in enumerate(_split(count, 2)):
        mag = rng.uniform(0.1, 1.0, size=(n, 2))
        sx = rng.choice([-1.0, 1.0], size=n)
        sy = sx if k == 0 else -sx
        parts.append(mag * np.column_stack([sx, sy]))
    return _finish("xor", parts, noise, rng)


def blobs(count: int, noise: float, rng: np.random.Generator, classes: int = 2) -> Dataset:
    """Gaussian clusters (spread 0.2 + noise) centred on a circle of radius 0.8."""
    parts = []
    for k, n in enumerate(_split(count, classes)):
        angle = 2 * math.pi * k / classes + math.pi / 4
        centre = 0.8 * np.array([math.cos(angle), math.sin(angle)])
        parts.append(centre + rng.normal(0.0, 0.2, size=(n, 2)))
    return _finish("blobs", parts, noise, rng)


DATASETS: dict[str, DatasetKind] = {
    "spiral": DatasetKind("spiral", spiral, "arms winding out of the origin, one per class (the article's picture)", 8),
    "circles": DatasetKind("circles", circles, "an inner disk against an outer ring (a round boundary)"),
    "moons": DatasetKind("moons", moons, "two interleaved half circles"),
    "xor": DatasetKind("xor", xor, "the four quadrants, diagonal ones sharing a class"),
    "blobs": DatasetKind("blobs", blobs, "Gaussian clusters on a circle, one per class", 8),
}
"""Data set name -> entry; the CLI's choices come from here."""


def kind(name: str) -> DatasetKind:
    """Look up a data set by name; an unknown one is a user error naming the choices."""
    key = name.strip().lower()
    if key in DATASETS:
        return DATASETS[key]
    close = difflib.get_close_matches(key, list(DATASETS), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    raise UserError(f"unknown data set {name.strip()!r}; {hint}choose from {', '.join(DATASETS)}")


def check_arguments(entry: DatasetKind, count: int, noise: float, classes: int) -> None:
    """Refuse a class count, point count or noise level the data set cannot take."""
    if not 2 <= classes <= entry.max_classes:
        allowed = "2" if entry.max_classes == 2 else f"2 to {entry.max_classes}"
        raise UserError(f"data set {entry.name} takes {allowed} classes, not {classes}")
    if not classes * 2 <= count <= MAX_COUNT:
        raise UserError(f"count must be between {classes * 2} and {MAX_COUNT:,} for {classes} classes, got {count}")
    if not (math.isfinite(noise) and 0.0 <= noise <= 1.0):
        raise UserError(f"noise must be between 0 and 1, got {noise:g}")


def make(name: str, count: int = 400, noise: float = 0.05, seed: int | np.random.Generator = 0,
         classes: int = 2) -> Dataset:
    """Validate the arguments and generate a data set; ``seed`` may be an int or a Generator."""
    entry = kind(name)
    check_arguments(entry, count, noise, classes)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return entry.make(count, noise, rng, classes=classes)
