"""The order-to-chaos picture: the (sigma_w, sigma_b) plane coloured by what depth does to gradients.

For each point of the plane the mean-field recursion of :mod:`actviz.core.gain` is run
from the input variance for ``depth`` layers, q_{l+1} = sigma_w^2 V(q_l) + sigma_b^2,
and the gradient's mean square at the first layer is compared with the one at the
top: their ratio is prod_{l < depth} sigma_w^2 C(q_l). Below 1 (the ordered phase)
gradients vanish with depth, above 1 (the chaotic phase) they explode; the edge of
chaos is where chi = sigma_w^2 C(q) = 1 at the variance the stack settles to.

V and C are tabulated once per activation on a logarithmic grid of q (by the
quadrature of :mod:`actviz.core.gain`) and interpolated in log-log, so a plane of
200 x 150 points over 20 layers takes a fraction of a second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from actviz.core import gain as meanfield
from actviz.core.activation import BoundActivation
from actviz.core.inits import Init, entry_variance
from actviz.errors import UserError

Q_TABLE = np.geomspace(1e-12, 1e8, 801)
"""Variances at which V and C are computed; beyond the ends the logs are extrapolated linearly."""
DEFAULT_SIGMA_W = (0.05, 4.0)
DEFAULT_SIGMA_B = (0.0, 1.0)
POINTS = (200, 150)
"""Points along sigma_w and sigma_b."""
MAX_DEPTH = 1000


@dataclass(frozen=True)
class PhaseSettings:
    """A phase-plane request, checked when it is made: activations (element-wise), the depth, the
    input variance, the ranges of sigma_w and sigma_b, and the initialisations to mark (at their
    sigma_w on layers of equal width, at sigma_b = ``bias_std``; computed gains at ``gain_var``)."""

    acts: tuple[BoundActivation, ...]
    depth: int = 20
    input_var: float = 1.0
    sigma_w: tuple[float, float] = DEFAULT_SIGMA_W
    sigma_b: tuple[float, float] = DEFAULT_SIGMA_B
    inits: tuple[Init, ...] = (Init("xavier-uniform"), Init("he-fan-in"), Init("gain"))
    bias_std: float = 0.0
    gain_var: float = meanfield.DEFAULT_Q

    def __post_init__(self) -> None:
        object.__setattr__(self, "acts", tuple(self.acts))
        object.__setattr__(self, "inits", tuple(self.inits))
        if not self.acts:
            raise UserError("no activation given; name at least one, e.g. tanh")
        for a in self.acts:
            a.require_kind(("elementwise",), "depth")
        if not 2 <= self.depth <= MAX_DEPTH:
            raise UserError(f"with --phase, depth must be between 2 and {MAX_DEPTH} layers, got {self.depth}")
        if not (math.isfinite(self.input_var) and 0 < self.input_var <= 1e6):
            raise UserError(f"input variance must be a positive number up to 1e6, got {self.input_var:g}")
        object.__setattr__(self, "sigma_w", tuple(float(v) for v in self.sigma_w))
        object.__setattr__(self, "sigma_b", tuple(float(v) for v in self.sigma_b))
        (w0, w1), (b0, b1) = self.sigma_w, self.sigma_b
        if not (0 < w0 < w1 <= 100):  # False for NaN too
            raise UserError(f"bad --sigma-w {w0:g} {w1:g}: needs two numbers above 0 and up to 100, the first smaller")
        if not (0 <= b0 < b1 <= 100):
            raise UserError(f"bad --sigma-b {b0:g} {b1:g}: needs two numbers from 0 up to 100, the first smaller")
        if not (math.isfinite(self.bias_std) and 0 <= self.bias_std <= 1e3):
            raise UserError(f"bias standard deviation must be between 0 and 1000, got {self.bias_std:g}")
        if not (math.isfinite(self.gain_var) and 0 < self.gain_var <= 1e6):
            raise UserError(f"gain variance must be a positive number up to 1e6, got {self.gain_var:g}")
        for a in self.acts:  # a computed gain that does not exist is refused before any work
            for i in self.inits:
                i.gain2(a, self.gain_var)


@dataclass(frozen=True)
class Phase:
    """One activation's plane: ``log_ratio`` (sigma_b x sigma_w) is log10 of the gradient's mean square at
    the first layer over the top's, ``chi`` is sigma_w^2 C(q) at the last layer's variance ``q``;
    ``marks`` are (title, sigma_w) of the initialisations asked for."""

    act: BoundActivation
    sigma_w: np.ndarray
    sigma_b: np.ndarray
    q: np.ndarray
    chi: np.ndarray
    log_ratio: np.ndarray
    marks: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class PhaseResult:
    phases: tuple[Phase, ...]
    settings: PhaseSettings

    COLUMNS = ("activation", "sigma_w", "sigma_b", "q_last", "chi", "log10_gradient_ratio")

    def rows(self) -> list[list]:
        """One row per activation and point of the plane."""
        out = []
        for p in self.phases:
            for i, sb in enumerate(p.sigma_b):
                for j, sw in enumerate(p.sigma_w):
                    out.append([p.act.spec, float(sw), float(sb), float(p.q[i, j]), float(p.chi[i, j]),
                                float(p.log_ratio[i, j])])
        return out


class _LogLog:
    """log V (or log C) as a function of log q, linear between the table's points and beyond its ends."""

    def __init__(self, values: np.ndarray):
        self.x = np.log(Q_TABLE)
        with np.errstate(divide="ignore"):
            self.y = np.log(np.maximum(values, 0.0))
        self.ok = np.isfinite(self.y)

    def __call__(self, q: np.ndarray) -> np.ndarray:
        x, y = self.x[self.ok], self.y[self.ok]
        if x.size < 2:
            return np.zeros_like(q)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            lq = np.log(q)
            out = np.interp(lq, x, y)
            lo_slope = (y[1] - y[0]) / (x[1] - x[0])
            hi_slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
            out = np.where(lq < x[0], y[0] + lo_slope * (lq - x[0]), out)
            out = np.where(lq > x[-1], y[-1] + hi_slope * (lq - x[-1]), out)
            return np.exp(out)


def compute(settings: PhaseSettings) -> PhaseResult:
    """Every activation's plane (the settings are trusted)."""
    n_w, n_b = POINTS
    sw = np.linspace(*settings.sigma_w, n_w)
    sb = np.linspace(*settings.sigma_b, n_b)
    w2, b2 = np.meshgrid(sw ** 2, sb ** 2)
    phases = []
    for act in settings.acts:
        v = _LogLog(meanfield.second_moment(act, Q_TABLE))
        c = _LogLog(meanfield.slope_moment(act, Q_TABLE))
        q = w2 * settings.input_var + b2
        log_ratio = np.zeros_like(q)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(settings.depth - 1):  # q is q_1 here, q_depth after the loop
                log_ratio += np.log10(w2 * c(q))
                q = np.minimum(w2 * v(q) + b2, 1e300)
            chi = w2 * c(q)
        marks = tuple((i.title(), math.sqrt(entry_variance(i, i.gain2(act, settings.gain_var), 64, 64) * 64))
                      for i in settings.inits)  # sigma_w on layers of equal width (any width gives the same)
        phases.append(Phase(act, sw, sb, q, chi, log_ratio, marks))
    return PhaseResult(tuple(phases), settings)
