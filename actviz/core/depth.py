"""Deep stacks: what happens to signals and gradients layer after layer (pure numpy).

A deep fully connected stack ``z_l = h_{l-1} W_l + b_l``, ``h_l = phi(z_l)``, with
``h_0 = x`` drawn from a stated distribution (normal or uniform, each coordinate
of variance ``input_var``), is pushed forward on a batch of inputs and a random
gradient is pushed back from the top: the loss is ``L = sum(r * h_L)`` with
``r ~ N(0, 1)``, so ``dL/dz_L = r phi'(z_L)`` and
``dL/dz_l = phi'(z_l) (dL/dz_{l+1} W_{l+1}^T)``. Per layer we keep the mean square and
quantiles of ``|z_l|``, ``|h_l|`` and ``|dL/dz_l|``, beside the mean-field prediction of
each mean square (:mod:`actviz.core.gain`):

    q_1 = N_0 v_1 E[x^2] + sigma_b^2,    q_l = N_{l-1} v_l V(q_{l-1}) + sigma_b^2,
    E[h_l^2] = V(q_l),    d_L = C(q_L),  d_l = C(q_l) N_{l+1} v_{l+1} d_{l+1},

with ``v_l`` the mean square of ``W_l``'s entries and ``N_l`` the width of layer l.

Randomness: the inputs and ``r`` come from ``SeedSequence(seed)``; the weights of
scheme number k of :data:`actviz.core.inits.SCHEMES` from ``default_rng([seed, k])``,
so every activation and every grid sees the same inputs, and one scheme the same
draws (scaled by its gain), whatever else is asked for.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from actviz.core import gain as meanfield
from actviz.core.activation import BoundActivation
from actviz.core.inits import SCHEMES, Init, draw, entry_variance
from actviz.errors import UserError

INPUTS: tuple[str, ...] = ("normal", "uniform")
"""Input distributions: N(0, v) or U(-sqrt(3v), sqrt(3v)) per coordinate, both of variance v."""
QUANTITIES: tuple[str, ...] = ("pre", "act", "grad")
"""What is measured per layer: pre-activations z, activations phi(z), gradients dL/dz."""
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of the nonzero |value| kept per layer (bands 5-95 % and 25-75 %, and the median);
the share of exact zeros (ReLU's dead half) is kept beside them."""
MAX_DEPTH = 500
MAX_WIDTH = 4096
MAX_SAMPLES = 100_000
MAX_WORK = 4e11
"""Largest sum over layers of samples x fan_in x fan_out times panels (a few minutes of numpy)."""
DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu")
DEFAULT_INITS = ("xavier-uniform", "he-fan-in", "orthogonal", "gain")


@dataclass(frozen=True)
class DepthSettings:
    """A request for a grid of deep stacks, checked when it is made (nothing is drawn or run):
    the activations (element-wise), the initialisations, the shape of every stack, its inputs,
    and the input variance at which computed gains keep the variance fixed."""

    acts: tuple[BoundActivation, ...]
    inits: tuple[Init, ...] = tuple(Init(s) for s in DEFAULT_INITS)
    depth: int = 20
    width: int = 256
    input_dim: int | None = None
    inputs: str = "normal"
    input_var: float = 1.0
    bias_std: float = 0.0
    samples: int = 256
    seed: int = 0
    gain_var: float = meanfield.DEFAULT_Q

    def __post_init__(self) -> None:
        object.__setattr__(self, "acts", tuple(self.acts))
        object.__setattr__(self, "inits", tuple(self.inits))
        if not self.acts:
            raise UserError("no activation given; name at least one, e.g. relu")
        if not self.inits:
            raise UserError("no initialisation given; name at least one, e.g. he,xavier")
        for a in self.acts:
            a.require_kind(("elementwise",), "depth")
        if not 1 <= self.depth <= MAX_DEPTH:
            raise UserError(f"depth must be between 1 and {MAX_DEPTH} layers, got {self.depth}")
        if not 1 <= self.width <= MAX_WIDTH:
            raise UserError(f"width must be between 1 and {MAX_WIDTH:,} units, got {self.width}")
        if self.input_dim is not None and not 1 <= self.input_dim <= MAX_WIDTH:
            raise UserError(f"input dimension must be between 1 and {MAX_WIDTH:,}, got {self.input_dim}")
        if self.inputs not in INPUTS:
            raise UserError(f"unknown input distribution {self.inputs!r}; choose from {', '.join(INPUTS)}")
        if not 2 <= self.samples <= MAX_SAMPLES:
            raise UserError(f"samples must be between 2 and {MAX_SAMPLES:,}, got {self.samples}")
        for what, value in (("input variance", self.input_var), ("gain variance", self.gain_var)):
            if not (math.isfinite(value) and 0 < value <= 1e6):
                raise UserError(f"{what} must be a positive number up to 1e6, got {value:g}")
        if not (math.isfinite(self.bias_std) and 0 <= self.bias_std <= 1e3):
            raise UserError(f"bias standard deviation must be between 0 and 1000, got {self.bias_std:g}")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2 ** 63):
            raise UserError(f"seed must be a whole number from 0 to 2**63 - 1, got {self.seed!r}")
        sizes, panels = self.sizes, len(self.acts) * len(self.inits)
        work = self.samples * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) * panels
        if work > MAX_WORK:
            raise UserError(f"{panels} stacks of {self.depth} layers x {self.width} units on {self.samples} samples "
                            f"is too much work; use fewer layers, units, samples or panels")
        for a in self.acts:  # a gain that cannot be computed is refused before any work
            for i in self.inits:
                i.gain2(a, self.gain_var)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Widths from the input to the top: ``(N_0, N_1, ..., N_depth)``."""
        return (self.input_dim or self.width, *([self.width] * self.depth))


# ----------------------------------------------------------------------------- the stack

def draw_inputs(settings: DepthSettings) -> tuple[np.ndarray, np.ndarray]:
    """The inputs (samples x N_0) and the top gradient seed r (samples x N_L)."""
    rng = np.random.default_rng(np.random.SeedSequence(settings.seed))
    n, sizes, v = settings.samples, settings.sizes, settings.input_var
    if settings.inputs == "normal":
        X = rng.normal(0.0, math.sqrt(v), size=(n, sizes[0]))
    else:
        a = math.sqrt(3.0 * v)
        X = rng.uniform(-a, a, size=(n, sizes[0]))
    return X, rng.standard_normal((n, sizes[-1]))


def build(act: BoundActivation, init: Init, settings: DepthSettings) -> tuple[list, list, list, float]:
    """Weights and biases of one stack, the mean square of each weight matrix, and the squared gain."""
    gain2 = init.gain2(act, settings.gain_var)
    rng = np.random.default_rng([settings.seed, SCHEMES.index(init.scheme)])
    ws, bs, vs = [], [], []
    sizes = settings.sizes
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        ws.append(draw(init, gain2, fan_in, fan_out, rng))
        bs.append(settings.bias_std * rng.standard_normal(fan_out))
        vs.append(entry_variance(init, gain2, fan_in, fan_out))
    return ws, bs, vs, gain2


def propagate(act: BoundActivation, ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray,
              r: np.ndarray, weight_grads: bool = False) -> tuple[list, list, list, list]:
    """Forward and backward through the stack for the loss ``sum(r * h_L)``.

    Returns per layer the pre-activations z_l, activations h_l, gradients dL/dz_l
    (each samples x units) and, with ``weight_grads``, dL/dW_l (fan_in x fan_out;
    otherwise None), all in float64.
    """
    zs, hs = [], []
    h = X
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for w, b in zip(ws, bs):
            z = h @ w + b
            h = act.f(z)
            zs.append(z)
            hs.append(h)
        deltas: list = [None] * len(ws)
        gws: list = [None] * len(ws)
        d = r * act.df(zs[-1])
        for i in range(len(ws) - 1, -1, -1):
            deltas[i] = d
            if weight_grads:
                gws[i] = (hs[i - 1] if i else X).T @ d
            if i:
                d = (d @ ws[i].T) * act.df(zs[i - 1])
    return zs, hs, deltas, gws


def mean_field(act: BoundActivation, sizes: Sequence[int], vs: Sequence[float], sigma_b2: float,
               input_ms: float) -> np.ndarray:
    """The predicted mean squares of z_l, h_l and dL/dz_l: a 3 x depth array (rows as :data:`QUANTITIES`)."""
    depth = len(vs)
    out = np.empty((3, depth))
    previous = input_ms
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(depth):
            q = sizes[i] * vs[i] * previous + sigma_b2
            if not (math.isfinite(q) and q < 1e300):
                out[:, i:] = np.nan  # beyond the float range: nothing left to predict
                break
            out[0, i] = q
            out[1, i] = previous = float(meanfield.second_moment(act, q))
        d = 1.0  # E[r^2]
        for i in range(depth - 1, -1, -1):
            if i < depth - 1:  # through W_{i+1} (sizes[i + 2] outputs) back to layer i
                d = d * sizes[i + 2] * vs[i + 1]
            d = d * float(meanfield.slope_moment(act, out[0, i])) if math.isfinite(out[0, i]) else math.nan
            out[2, i] = d
    return out


@dataclass(frozen=True)
class Cell:
    """One stack of the grid: its activation and initialisation, and per-layer numbers.

    ``measured`` and ``predicted`` are 3 x depth (mean squares of z, h, dL/dz);
    ``quantiles`` is 3 x depth x 5 (of the nonzero |value|, at :data:`QUANTILES`) and
    ``zeros`` 3 x depth (the share of values that are exactly 0).
    """

    act: BoundActivation
    init: Init
    gain: float
    title: str
    measured: np.ndarray
    predicted: np.ndarray
    quantiles: np.ndarray
    zeros: np.ndarray


@dataclass(frozen=True)
class DepthResult:
    """The grid: ``cells[i][j]`` is activation i with initialisation j."""

    cells: tuple[tuple[Cell, ...], ...]
    settings: DepthSettings

    @property
    def acts(self) -> list[BoundActivation]:
        return [row[0].act for row in self.cells]

    COLUMNS = ("activation", "init", "gain", "layer", "quantity", "mean_square", "mean_field", "zero_share",
               *(f"q{round(100 * p):02d}" for p in QUANTILES))

    def rows(self) -> list[list]:
        """One row per (activation, init, layer, quantity): the numbers behind every panel."""
        out = []
        for row in self.cells:
            for c in row:
                for layer in range(c.measured.shape[1]):
                    for k, name in enumerate(QUANTITIES):
                        out.append([c.act.spec, c.init.spec, c.gain, layer + 1, name, float(c.measured[k, layer]),
                                    float(c.predicted[k, layer]), float(c.zeros[k, layer]),
                                    *(float(v) for v in c.quantiles[k, layer])])
        return out


def measure(act: BoundActivation, init: Init, settings: DepthSettings, X: np.ndarray, r: np.ndarray) -> Cell:
    """Build one stack, run it, and keep the per-layer numbers and the mean-field prediction."""
    ws, bs, vs, gain2 = build(act, init, settings)
    zs, hs, deltas, _ = propagate(act, ws, bs, X, r)
    depth = len(ws)
    measured = np.empty((3, depth))
    quantiles = np.full((3, depth, len(QUANTILES)), np.nan)
    zeros = np.empty((3, depth))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, arrays in enumerate((zs, hs, deltas)):
            for i, a in enumerate(arrays):
                measured[k, i] = float(np.mean(a * a))
                nonzero = np.abs(a[a != 0])
                zeros[k, i] = 1.0 - nonzero.size / a.size
                if nonzero.size and np.isfinite(nonzero).all():
                    quantiles[k, i] = np.quantile(nonzero, QUANTILES)
    predicted = mean_field(act, settings.sizes, vs, settings.bias_std ** 2, settings.input_var)
    return Cell(act, init, math.sqrt(gain2), init.title(), measured, predicted, quantiles, zeros)


def compute(settings: DepthSettings, progress: Callable[[Sequence], Sequence] | None = None) -> DepthResult:
    """Every (activation, initialisation) stack of the grid, on the same inputs (the settings are trusted)."""
    X, r = draw_inputs(settings)
    pairs = [(a, i) for a in settings.acts for i in settings.inits]
    cells = [measure(a, i, settings, X, r) for a, i in (progress(pairs) if progress else pairs)]
    n = len(settings.inits)
    grid = tuple(tuple(cells[k * n:(k + 1) * n]) for k in range(len(settings.acts)))
    return DepthResult(grid, settings)
