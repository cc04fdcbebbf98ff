"""Gaussian expectations of an activation, the mean-field variance maps, and its gain.

In a wide layer ``z = W h + b`` with independent zero-mean weights of variance
``sigma_w^2 / fan_in`` and biases of variance ``sigma_b^2``, each pre-activation is
close to Gaussian, and its variance ``q`` follows the mean-field recursion

    q_{l+1} = sigma_w^2 V(q_l) + sigma_b^2,   V(q) = E[phi(sqrt(q) Z)^2],  Z ~ N(0, 1),

while a back-propagated gradient's mean square is multiplied, layer by layer, by

    sigma_w^2 C(q_l),   C(q) = E[phi'(sqrt(q) Z)^2].

The **gain** of an activation at a stated input variance ``q`` is the ``sigma_w``
that keeps the forward variance fixed there (with no bias): ``g = sqrt(q / V(q))``.
It is exact wherever a closed form exists (relu sqrt(2), leaky relu
sqrt(2 / (1 + s^2)), identity 1, SELU 1 at q = 1).

The expectations are computed by quadrature, never by sampling. Gauss-Hermite on the
whole line converges slowly at a kink (an error of 2e-3 on ELU's C(1) with 240 nodes)
and when ``sqrt(q)`` makes the function's features narrow (tanh at q = 25), so the line
is split at the activation's kinks (:func:`actviz.core.catalogue.kinks_at`), at a fixed
grid in z and at a fixed grid in x = sqrt(q) z, and each piece is integrated by
Gauss-Legendre: exact for piecewise polynomials, near machine precision for the
piecewise-smooth catalogue (tests compare with mpmath and with closed forms). Only
periodic functions at very large q lose digits (sin and cos: 2e-6 at q = 400), since
their features never end.
"""
from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np

from actviz.core.activation import BoundActivation

Z_LIMIT = 12.0
"""The integral runs over |z| <= 12; the Gaussian mass beyond is 3.6e-33."""
Z_PIECES = 24
"""Unit pieces of the z line (the Gaussian's own scale)."""
X_BREAKS = tuple(float(x) for x in range(-8, 9))
"""Breaks at these x = sqrt(q) z (the activation's own scale), for large q."""
NODES = 16
"""Gauss-Legendre nodes per piece."""
DEFAULT_Q = 1.0
"""The stated input variance at which gains are computed unless another is given."""


@functools.lru_cache(maxsize=1)
def _legendre() -> tuple[np.ndarray, np.ndarray]:
    from numpy.polynomial.legendre import leggauss

    return leggauss(NODES)


def _rule(q: np.ndarray, kinks: tuple[float, ...], split: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Nodes x = sqrt(q) z and weights (including the Gaussian density), one row per q; ``split``
    divides every unit piece of the z line into that many."""
    s = np.sqrt(q)[:, None]
    grid = np.linspace(-Z_LIMIT, Z_LIMIT, Z_PIECES * split + 1)
    extra = np.array([*X_BREAKS, *kinks], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        moved = np.where(s > 0, extra[None, :] / np.where(s > 0, s, 1.0), 0.0)
    breaks = np.sort(np.concatenate([np.broadcast_to(grid, (len(q), len(grid))),
                                     np.clip(moved, -Z_LIMIT, Z_LIMIT)], axis=1), axis=1)
    a, b = breaks[:, :-1, None], breaks[:, 1:, None]
    t, w = _legendre()
    half = 0.5 * (b - a)
    z = 0.5 * (a + b) + half * t
    weights = half * w * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return (s[:, :, None] * z).reshape(len(q), -1), weights.reshape(len(q), -1)


def expect(fn: Callable[[np.ndarray], np.ndarray], q, kinks: tuple[float, ...] = ()) -> np.ndarray:
    """E[fn(sqrt(q) Z)] for Z ~ N(0, 1), for each variance in ``q`` (a number or an array).

    ``kinks`` are the x where ``fn`` is not smooth; the line is split there. A result is
    NaN where ``fn`` is not finite on the integration nodes (outside its domain).
    """
    qa = np.atleast_1d(np.asarray(q, dtype=float))
    if (qa < 0).any() or not np.isfinite(qa).all():
        raise ValueError("variances must be finite and non-negative")
    kinks = tuple(float(k) for k in kinks)
    out, ok = _integrate(fn, qa.ravel(), kinks, 1)
    # refine until two rules agree: fast oscillation (SIREN's sin(30 x)) needs pieces shorter than its period
    split = 1
    while split < MAX_SPLIT:
        split *= 4
        finer, ok = _integrate(fn, qa.ravel(), kinks, split)
        settled = np.allclose(finer, out, rtol=1e-13, atol=1e-300, equal_nan=True)
        out = finer
        if settled:
            break
    out = np.where(ok, out, np.nan)
    return out.reshape(qa.shape) if np.ndim(q) else out[0]


MAX_SPLIT = 256
"""At most this many Gauss-Legendre pieces per unit of z (the refinement stops when two rules agree)."""


def _integrate(fn, q: np.ndarray, kinks: tuple[float, ...], split: int) -> tuple[np.ndarray, np.ndarray]:
    """One quadrature rule's estimate, and where fn was finite on every node."""
    x, w = _rule(q, kinks, split)
    with np.errstate(all="ignore"):
        values = np.asarray(fn(x), dtype=float)
        out = np.einsum("ij,ij->i", w, values)
    return out, np.isfinite(values).all(axis=1)


def kinks_of(act: BoundActivation) -> tuple[float, ...]:
    """The activation's kinks at its parameters (expression activations list none)."""
    from actviz.core.catalogue import kinks_at

    return kinks_at(act.act, dict(act.params))


def second_moment(act: BoundActivation, q) -> np.ndarray:
    """V(q) = E[phi(sqrt(q) Z)^2]: the mean square of the activations of a variance-q layer."""
    return expect(lambda x: act.f(x) ** 2, q, kinks_of(act))


def slope_moment(act: BoundActivation, q) -> np.ndarray:
    """C(q) = E[phi'(sqrt(q) Z)^2]: how much a gradient's mean square keeps through phi."""
    return expect(lambda x: act.df(x) ** 2, q, kinks_of(act))


def gain(act: BoundActivation, q: float = DEFAULT_Q) -> float | None:
    """The gain sqrt(q / V(q)) that keeps a variance-q layer at variance q (no bias).

    None when it does not exist: a function that is not element-wise, one that is not
    finite for Gaussian inputs (soft exponential with alpha < 0), or V(q) = 0.
    """
    if act.act.kind != "elementwise" or not (math.isfinite(q) and q > 0):
        return None
    v = float(second_moment(act, q))
    if not (math.isfinite(v) and v > 0):
        return None
    return math.sqrt(q / v)


def forward(act: BoundActivation, q, sigma_w2: float, sigma_b2: float = 0.0) -> np.ndarray:
    """One layer of the forward recursion: sigma_w^2 V(q) + sigma_b^2."""
    return sigma_w2 * second_moment(act, q) + sigma_b2


def chi(act: BoundActivation, q, sigma_w2: float) -> np.ndarray:
    """sigma_w^2 C(q): the factor by which one layer multiplies a gradient's mean square.

    At the forward fixed point q*, chi < 1 is the ordered phase (gradients vanish with
    depth), chi > 1 the chaotic one (they explode); chi = 1 is the edge of chaos.
    """
    return sigma_w2 * slope_moment(act, q)
