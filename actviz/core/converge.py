"""Does the initialisation change how fast a deep-ish network learns? Measured, not asserted.

The reference article advises He initialisation for the ReLU family and Xavier for
sigmoid ("otherwise training stalls"). Here the same network, ``inputs -> hidden
layers -> softmax`` of :mod:`actviz.core.net`, is trained on one toy data set from
several seeds for every (activation, initialisation) pair, and the loss of every
step is kept, so a figure can show the median and the spread over seeds.

Seeds: the data come from ``--seed`` as in ``actviz train``; run k starts from the
network stream of seed ``seed + k`` (the one ``actviz train --seed SEED+k`` uses), and
run k of every pair uses that same stream, so the pairs differ only in what they
are asked to differ in. A run that diverges keeps the loss +inf from that step on
(it is the worst run, not a missing one).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz.core import net
from actviz.core.activation import BoundActivation
from actviz.core.datasets import Dataset
from actviz.core.fit import DataSettings, FitSettings
from actviz.errors import RunFailure, UserError

DEFAULT_ACTIVATIONS = ("relu", "sigmoid")
DEFAULT_INITS = ("he", "xavier")
DEFAULT_HIDDEN = (32,) * 6
"""Six hidden layers of 32 units: deep enough for the initialisation to matter, quick to train."""
DEFAULT_DATA = "spiral"
"""The article's spiral: most starts separate the circles within a few dozen steps, which leaves little to compare."""
DEFAULT_OPTIMIZER = "momentum"
"""SGD with momentum, the setting the He and Glorot papers studied; Adam rescales every weight's step
by its own gradient's size and so hides much of what the initial scale does (try --optimizer adam)."""
DEFAULT_SEEDS = 5
DEFAULT_STEPS = 300
MAX_SEEDS = 100
MAX_WORK = 2e11
"""Largest runs x steps x samples x weights (roughly the multiply-adds of the whole experiment)."""


@dataclass(frozen=True)
class Runs:
    """Every seed's loss curve for one (activation, initialisation) pair: ``loss`` is seeds x (steps + 1)."""

    act: BoundActivation
    init: str
    loss: np.ndarray
    diverged: tuple[int | None, ...]

    @property
    def title(self) -> str:
        """``He fan-in``, ``Xavier uniform``, ``computed gain``..."""
        from actviz.core.inits import parse_init

        return parse_init(self.init).title()

    def summary(self) -> np.ndarray:
        """Per step: minimum, lower quartile, median, upper quartile, maximum over seeds (5 x steps+1).

        Each is one of the runs' values (the nearest order statistic, no interpolation), so a
        diverged run's +inf stays +inf and never turns into NaN; for an odd number of seeds
        (5 by default) these are the usual median and quartiles.
        """
        return np.quantile(self.loss, (0.0, 0.25, 0.5, 0.75, 1.0), axis=0, method="nearest")


@dataclass(frozen=True)
class ConvergenceResult:
    """``runs[i][j]``: activation i with initialisation j; ``settings`` says what was trained how."""

    runs: tuple[tuple[Runs, ...], ...]
    data: Dataset
    hidden: tuple[int, ...]
    settings: dict

    COLUMNS = ("activation", "init", "run", "seed", "step", "loss")

    def rows(self) -> list[list]:
        """One row per (activation, init, run, step): every loss behind the figure."""
        seed = self.settings["seed"]
        out = []
        for row in self.runs:
            for r in row:
                for k, curve in enumerate(r.loss):
                    out += [[r.act.spec, r.init, k, seed + k, step, float(v)] for step, v in enumerate(curve)]
        return out


@dataclass(frozen=True)
class ConvergenceSettings:
    """A convergence experiment, checked when it is made: activations (element-wise), initialisations
    (names of :mod:`actviz.core.inits`, or ``auto``), hidden layers, runs per pair, the data and how to
    train (``fit.init`` is not used: each pair brings its own; ``fit.seed`` is the first run's)."""

    acts: tuple[BoundActivation, ...]
    inits: tuple[str, ...] = DEFAULT_INITS
    hidden: tuple[int, ...] = DEFAULT_HIDDEN
    seeds: int = DEFAULT_SEEDS
    data: DataSettings = DataSettings(DEFAULT_DATA, count=200)
    fit: FitSettings = FitSettings(steps=DEFAULT_STEPS, optimizer=DEFAULT_OPTIMIZER, weight_decay=0.0)

    def __post_init__(self) -> None:
        from actviz.core.inits import parse_init

        object.__setattr__(self, "acts", tuple(self.acts))
        object.__setattr__(self, "inits", tuple(self.inits))
        object.__setattr__(self, "hidden", net.check_hidden(self.hidden))
        if not self.acts:
            raise UserError("no activation given; name at least one, e.g. relu")
        if not self.inits:
            raise UserError("no initialisation given; name at least one, e.g. he,xavier")
        if not 1 <= self.seeds <= MAX_SEEDS:
            raise UserError(f"seeds must be between 1 and {MAX_SEEDS}, got {self.seeds}")
        for a in self.acts:
            net.architecture(a, self.hidden, classes=self.data.classes, command="depth")
            for name in self.inits:
                if name != "auto":
                    parse_init(name).gain2(a)
        weights = sum(x * y for x, y in zip((2, *self.hidden), (*self.hidden, self.data.classes)))
        per_step = min(self.data.count, self.fit.batch or self.data.count)
        work = len(self.acts) * len(self.inits) * self.seeds * self.fit.steps * per_step * weights
        if work > MAX_WORK:
            raise UserError(f"training {len(self.acts) * len(self.inits) * self.seeds} networks for "
                            f"{self.fit.steps:,} steps is too much work; use fewer seeds, steps, layers or points")


def compute(settings: ConvergenceSettings, progress: Callable[[int], None] | None = None) -> ConvergenceResult:
    """Train ``seeds`` networks per (activation, initialisation) and keep every step's loss
    (the settings are trusted)."""
    s, fit = settings, settings.fit
    data = s.data.make()
    grid = []
    for act in s.acts:
        arch = net.architecture(act, s.hidden, classes=data.classes, command="depth")
        row = []
        for name in s.inits:
            losses = np.empty((s.seeds, fit.steps + 1))
            diverged: list[int | None] = []
            for k in range(s.seeds):
                rng = net.seed_streams(fit.seed + k)[1]
                theta = net.init(arch, rng, name)
                curve = net.TrainingCurve.empty(fit.steps)
                try:
                    for _ in net.train(arch, theta, data.X, data.y, steps=fit.steps, lr=fit.lr,
                                       optimizer_name=fit.optimizer, weight_decay=fit.weight_decay, batch=fit.batch,
                                       rng=rng, record=(), curve=curve, progress=progress):
                        pass
                    diverged.append(None)
                except RunFailure:
                    at = int(np.argmax(np.isnan(curve.loss)))
                    curve.loss[at:] = math.inf
                    diverged.append(at)
                    if progress is not None:
                        progress(fit.steps - at)
                losses[k] = curve.loss
            row.append(Runs(act, net.init_scheme(act, name), losses, tuple(diverged)))
        grid.append(tuple(row))
    summary = {"hidden": list(s.hidden), "data": data.name, "count": len(data.X), "seed": fit.seed,
               "seeds": s.seeds, "steps": fit.steps, "lr": fit.lr, "optimizer": fit.optimizer,
               "weight_decay": fit.weight_decay, "batch": fit.batch or len(data.X)}
    return ConvergenceResult(tuple(grid), data, s.hidden, summary)
