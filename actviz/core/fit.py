"""Training settings, validated once, and a run of the network from them.

:class:`DataSettings` and :class:`FitSettings` check every value when they are made
(cheaply: nothing is generated, trained or written), so the CLI, the API and the
batch renderer all refuse a bad request the same way before any work, and the
training code trusts them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from actviz.core import datasets, net
from actviz.errors import UserError

DEFAULT_STEPS = net.DEFAULT_STEPS
DEFAULT_WEIGHT_DECAY = net.DEFAULT_WEIGHT_DECAY


@dataclass(frozen=True)
class DataSettings:
    """A toy data set by name (spiral, circles, moons, xor, blobs), its size, jitter, classes and seed."""

    name: str = "circles"
    count: int = 400
    noise: float = 0.05
    classes: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        entry = datasets.kind(self.name)
        object.__setattr__(self, "name", entry.name)
        _check_seed(self.seed)
        datasets.check_arguments(entry, self.count, self.noise, self.classes)

    def make(self) -> datasets.Dataset:
        """The data set, drawn from the data stream of ``seed`` (see :func:`net.seed_streams`)."""
        rng = net.seed_streams(self.seed)[0]
        return datasets.DATASETS[self.name].make(self.count, self.noise, rng, classes=self.classes)


@dataclass(frozen=True)
class FitSettings:
    """How to train: steps, learning rate (None: the optimiser's default), optimiser spec, weight decay,
    initialisation, mini-batch size (None: full batch), seed, and which snapshots to keep
    (``frames`` spaced by ``schedule``; None: only the final one)."""

    steps: int = DEFAULT_STEPS
    lr: float | None = None
    optimizer: str = "adam"
    weight_decay: float = DEFAULT_WEIGHT_DECAY
    init: str = "auto"
    batch: int | None = None
    seed: int = 0
    frames: int | None = None
    schedule: str = "log"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise UserError(f"weight decay must be zero or positive, got {self.weight_decay:g}")
        # the optimiser spec (``adam``, ``momentum:momentum=0.95``) with the learning rate resolved
        object.__setattr__(self, "lr", net.optimizer(self.optimizer, self.lr, self.weight_decay).lr)
        if not 1 <= self.steps <= net.MAX_STEPS:
            raise UserError(f"steps must be between 1 and {net.MAX_STEPS:,}, got {self.steps}")
        if self.init not in net.INITS:
            raise UserError(f"unknown initialisation {self.init!r}; choose from {', '.join(net.INITS)}")
        if self.batch is not None and self.batch < 1:
            raise UserError(f"batch size must be at least 1 (or 0 for the full batch), got {self.batch}")
        _check_seed(self.seed)
        if self.frames is not None:
            net.frame_steps(self.steps, self.frames, self.schedule)  # checks frames and schedule

    def record(self) -> list[int]:
        """The steps whose snapshots are kept."""
        if self.frames is None:
            return [self.steps]
        return [int(s) for s in net.frame_steps(self.steps, self.frames, self.schedule)]


def _check_seed(seed: int) -> None:
    if not (isinstance(seed, int) and 0 <= seed < 2 ** 63):
        raise UserError(f"seed must be a whole number from 0 to 2**63 - 1, got {seed!r}")


def fit(arch: net.Architecture, data: datasets.Dataset, settings: FitSettings,
        progress: Callable[[int], None] | None = None) -> net.TrainingRun:
    """Initialise from the network stream of ``settings.seed``, train, and keep the requested snapshots."""
    s = settings
    rng = net.seed_streams(s.seed)[1]
    theta = net.init(arch, rng, s.init)
    curve = net.TrainingCurve.empty(s.steps)
    snaps = tuple(net.train(arch, theta, data.X, data.y, steps=s.steps, lr=s.lr, optimizer_name=s.optimizer,
                            weight_decay=s.weight_decay, batch=s.batch, rng=rng, record=s.record(), curve=curve,
                            progress=progress))
    summary = {"activation": arch.act.spec, "hidden": list(arch.hidden), "steps": s.steps, "lr": s.lr,
               "optimizer": s.optimizer, "weight_decay": s.weight_decay, "init": net.init_scheme(arch.act, s.init),
               "batch": s.batch or len(data.X), "data": data.name}
    return net.TrainingRun(arch, data, snaps, curve, summary)
