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
from typing import Callable, Sequence

import numpy as np

from actviz.core import net
from actviz.core.activation import BoundActivation
from actviz.core.datasets import Dataset
from actviz.errors import RunFailure, UserError

DEFAULT_ACTIVATIONS = ("relu", "sigmoid")
DEFAULT_INITS = ("he", "xavier")
DEFAULT_HIDDEN = (32,) * 6
"""Six hidden layers of 32 units: deep enough for the initialisation to matter, quick to train."""
DEFAULT_DATA = "spiral"
"""The article's spiral: circles are separated within a few dozen steps whatever the start."""
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


def check(acts: Sequence[BoundActivation], inits: Sequence[str], hidden: Sequence[int], count: int, seeds: int,
          steps: int, lr: float | None, optimizer: str, weight_decay: float, batch: int | None) -> None:
    """Refuse bad settings before any training."""
    from actviz.core.inits import parse_init

    if not 1 <= seeds <= MAX_SEEDS:
        raise UserError(f"seeds must be between 1 and {MAX_SEEDS}, got {seeds}")
    net.check_settings(steps, lr, optimizer, weight_decay, "auto", batch)
    for a in acts:
        arch = net.architecture(a, hidden, command="depth")
        for name in inits:
            if name != "auto":
                parse_init(name).gain2(a)
    weights = sum(x * y for x, y in zip((2, *hidden), (*hidden, 2)))
    per_step = min(count, batch or count)
    work = len(acts) * len(inits) * seeds * steps * per_step * weights
    if work > MAX_WORK:
        raise UserError(f"training {len(acts) * len(inits) * seeds} networks for {steps:,} steps is too much work; "
                        f"use fewer --seeds, --steps, layers or data points")
    del arch


def compute(acts: Sequence[BoundActivation], inits: Sequence[str], data: Dataset, *, hidden: Sequence[int],
            seed: int = 0, seeds: int = DEFAULT_SEEDS, steps: int = DEFAULT_STEPS, lr: float | None = None,
            optimizer: str = DEFAULT_OPTIMIZER, weight_decay: float = 0.0, batch: int | None = None,
            progress: Callable[[int], None] | None = None) -> ConvergenceResult:
    """Train ``seeds`` networks per (activation, initialisation) and keep every step's loss."""
    hidden = tuple(int(h) for h in hidden)
    check(acts, inits, hidden, len(data.X), seeds, steps, lr, optimizer, weight_decay, batch)
    lr = net.check_settings(steps, lr, optimizer, weight_decay, "auto", batch)
    grid = []
    for act in acts:
        arch = net.architecture(act, hidden, classes=data.classes, command="depth")
        row = []
        for name in inits:
            losses = np.empty((seeds, steps + 1))
            diverged: list[int | None] = []
            for k in range(seeds):
                rng = net.seed_streams(seed + k)[1]
                theta = net.init(arch, rng, name)
                curve = net.TrainingCurve.empty(steps)
                try:
                    for _ in net.train(arch, theta, data.X, data.y, steps=steps, lr=lr, optimizer_name=optimizer,
                                       weight_decay=weight_decay, batch=batch, rng=rng, record=(), curve=curve,
                                       progress=progress):
                        pass
                    diverged.append(None)
                except RunFailure:
                    at = int(np.argmax(np.isnan(curve.loss)))
                    curve.loss[at:] = math.inf
                    diverged.append(at)
                    if progress is not None:
                        progress(steps - at)
                losses[k] = curve.loss
            row.append(Runs(act, net.init_scheme(act, name), losses, tuple(diverged)))
        grid.append(tuple(row))
    settings = {"hidden": list(hidden), "data": data.name, "count": len(data.X), "seed": seed, "seeds": seeds,
                "steps": steps, "lr": lr, "optimizer": optimizer, "weight_decay": weight_decay,
                "batch": batch or len(data.X)}
    return ConvergenceResult(tuple(grid), data, hidden, settings)
