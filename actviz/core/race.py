"""Optimisers racing on a 2-D surface: one start point, the same steps, a stated learning-rate rule.

Each optimiser of :mod:`actviz.core.optim` runs from the surface's start for ``steps``
steps on the exact gradient, plus (optionally) Gaussian noise of a stated scale drawn
once from the seed and shared by every optimiser, so the race is fair. The learning
rate of each optimiser comes from ONE rule, stated on the figure:

* ``tuned``: each optimiser's best rate from a grid (default 1e-5 ... 1 in 1-2-5 steps):
  the one with the lowest loss after the last step among the runs whose loss never rises
  above the starting loss and that end inside the view (ties go to the smaller rate;
  failing that, the same among runs ending in view, then among finite runs; if every run
  diverged, the smallest rate). The path's label notes a fallback;
* ``torch``: torch.optim's default rates;
* a single rate for all (``--lr``).

A rate written in an optimiser's spec (``adam:lr=0.05``) overrides the rule for that
optimiser, and its label says so. All runs of one optimiser are computed side by side
(one row per rate), each exactly as it would run alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from actviz.core import optim
from actviz.core.surfaces import Surface
from actviz.errors import UserError

LR_GRID: tuple[float, ...] = tuple(m * 10.0 ** e for e in range(-5, 0) for m in (1, 2, 5)) + (1.0,)
"""1e-5, 2e-5, 5e-5, 1e-4, ..., 0.5, 1: the default grid of the ``tuned`` rule."""

RULES = ("tuned", "torch")
MAX_STEPS = 100_000
MAX_GRID = 64
MAX_OPTIMIZERS = 12
DEFAULT_STEPS = 300


@dataclass(frozen=True)
class Path:
    """One optimiser's run: its positions and losses at steps 0..steps (NaN once it diverged)."""

    opt: optim.BoundOptimizer
    how: str
    xy: np.ndarray
    loss: np.ndarray

    @property
    def label(self) -> str:
        """The optimiser's title, its changed hyper-parameters besides lr, and its rate."""
        changed = {k: v for k, v in self.opt.changed.items() if k != "lr"}
        extra = "".join(f", {k}={v:g}" for k, v in changed.items())
        notes = [f"lr {self.opt.lr:g}", *([self.how] if self.how else [])]
        if self.diverged is not None:
            notes.append(f"diverged at step {self.diverged}")
        return f"{self.opt.act.title}{extra}  ({', '.join(notes)})"

    @property
    def diverged(self) -> int | None:
        """The first step whose position or loss is not finite, or None."""
        bad = ~(np.isfinite(self.xy).all(axis=1) & np.isfinite(self.loss))
        return int(np.argmax(bad)) if bad.any() else None


@dataclass(frozen=True)
class Race:
    """Everything a race figure needs: the surface, the paths and the rules that made them."""

    surface: Surface
    steps: int
    paths: tuple[Path, ...]
    rule: str
    noise: float
    seed: int

    @property
    def start(self) -> tuple[float, float]:
        return self.surface.start

    def statement(self) -> str:
        """The learning-rate rule and the noise, in one line for the figure."""
        text = self.rule
        if self.noise:
            text += f"; gradient noise N(0, {self.noise:g}\u00b2) per coordinate, seed {self.seed}"
        return text

    def table(self) -> tuple[list[str], list[list[float]]]:
        """Columns step, then x, y and loss per optimiser (named by its spec), one row per step."""
        columns = ["step"]
        for p in self.paths:
            columns += [f"x[{p.opt.spec}]", f"y[{p.opt.spec}]", f"loss[{p.opt.spec}]"]
        rows = []
        for t in range(self.steps + 1):
            row: list = [t]
            for p in self.paths:
                row += [float(p.xy[t, 0]), float(p.xy[t, 1]), float(p.loss[t])]
            rows.append(row)
        return columns, rows


def noise_draws(steps: int, sigma: float, seed: int) -> np.ndarray:
    """steps x 2 Gaussian draws of standard deviation ``sigma`` from ``seed`` (zeros when sigma is 0)."""
    if not sigma:
        return np.zeros((steps, 2))
    return sigma * np.random.default_rng(int(seed)).standard_normal((steps, 2))


def run(surface: Surface, opt: optim.BoundOptimizer, lrs: Sequence[float], steps: int,
        noise: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Run ``opt`` from the surface's start once per rate in ``lrs``, side by side.

    Returns positions (rates x steps+1 x 2) and losses (rates x steps+1); a run that leaves
    the float range carries NaN from there on.
    """
    n = len(lrs)
    theta = np.tile(np.asarray(surface.start, dtype=float), (n, 1))
    xy = np.empty((n, steps + 1, 2))
    xy[:, 0] = theta
    step = opt.make(lr=np.asarray(lrs, dtype=float).reshape(n, 1))
    g = np.empty((n, 2))
    with np.errstate(all="ignore"):
        for t in range(steps):
            gx, gy = surface.gradient(theta[:, 0], theta[:, 1])
            g[:, 0], g[:, 1] = gx, gy
            if noise is not None:
                g += noise[t]
            step(theta, g)
            bad = ~np.isfinite(theta)
            if bad.any():
                theta[bad.any(axis=1)] = np.nan
            xy[:, t + 1] = theta
        loss = surface.value(xy[..., 0], xy[..., 1])
    # a run has diverged from the first step whose position or loss left the float range
    bad = np.logical_or.accumulate(~np.isfinite(loss) | ~np.isfinite(xy).all(axis=2), axis=1)
    loss[bad] = np.nan
    bad[:, 0] = False  # the start stays where it was put, even where f overflows there
    xy[bad] = np.nan
    return xy, loss


def best_rate(surface: Surface, xy: np.ndarray, loss: np.ndarray) -> tuple[int, str]:
    """The index of the best run of a grid (see the module's ``tuned`` rule) and a note when no
    run qualified in full."""
    final = loss[:, -1]
    end = xy[:, -1]
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    finite = np.isfinite(final)
    inside = finite & (end[:, 0] >= x0) & (end[:, 0] <= x1) & (end[:, 1] >= y0) & (end[:, 1] <= y1)
    highest = np.where(np.isnan(loss), -np.inf, loss).max(axis=1)  # NaN after a divergence: not a height
    calm = inside & (highest <= loss[:, 0])
    for ok, note in ((calm, ""), (inside, "rose above the start"), (finite, "none in view")):
        if ok.any():
            return int(np.flatnonzero(ok)[np.argmin(final[ok])]), note
    return 0, "all diverged"


def check_settings(steps: int, lr: float | None, rule: str, grid: Sequence[float], noise: float) -> None:
    """Validate the race settings before any work."""
    if not 1 <= steps <= MAX_STEPS:
        raise UserError(f"steps must be between 1 and {MAX_STEPS:,}, got {steps}")
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        raise UserError(f"learning rate must be a positive number, got {lr:g}")
    if rule not in RULES:
        raise UserError(f"unknown learning-rate rule {rule!r}; choose from {', '.join(RULES)}")
    if not 1 <= len(grid) <= MAX_GRID:
        raise UserError(f"the learning-rate grid needs 1 to {MAX_GRID} rates, got {len(grid)}")
    for v in grid:
        if not (math.isfinite(v) and v > 0):
            raise UserError(f"learning rates in the grid must be positive numbers, got {v:g}")
    if not (math.isfinite(noise) and noise >= 0):
        raise UserError(f"gradient noise must be zero or a positive number, got {noise:g}")


def _grid_words(grid: Sequence[float]) -> str:
    g = sorted(grid)
    if tuple(g) == LR_GRID:
        return "1e-5 \u2026 1 (1-2-5 steps)"
    return f"{len(g)} rates {g[0]:g} \u2026 {g[-1]:g}" if len(g) > 1 else f"{g[0]:g}"


def race(surface: Surface, specs: Sequence[str], *, steps: int = DEFAULT_STEPS, lr: float | None = None,
         rule: str = "tuned", grid: Sequence[float] = LR_GRID, noise: float = 0.0, seed: int = 0) -> Race:
    """Run every optimiser of ``specs`` on ``surface`` under one learning-rate rule."""
    check_settings(steps, lr, rule, grid, noise)
    if not specs:
        raise UserError("no optimiser given")
    if len(specs) > MAX_OPTIMIZERS:
        raise UserError(f"at most {MAX_OPTIMIZERS} optimisers in one race, got {len(specs)}")
    bounds = [optim.parse(s) for s in specs]
    draws = noise_draws(steps, noise, seed) if noise else None
    grid = sorted(float(v) for v in grid)
    paths, own = [], []
    for spec, bound in zip(specs, bounds):
        if optim.given(bound, spec, "lr"):
            rates, how = [bound.lr], "set"
            own.append(bound.act.title)
        elif lr is not None:
            rates, how = [lr], ""
        elif rule == "torch":
            rates, how = [bound.act.param("lr").default], ""
        else:
            rates, how = grid, ""
        xy, loss = run(surface, bound, rates, steps, draws)
        pick = 0
        if len(rates) > 1:
            pick, how = best_rate(surface, xy, loss)
        paths.append(Path(bound.with_lr(rates[pick]), how, xy[pick], loss[pick]))
    if lr is not None:
        text = f"learning rate {lr:g} for every optimiser"
    elif rule == "torch":
        text = "learning rates: torch.optim's defaults"
    else:
        text = (f"learning rate: each optimiser's best of {_grid_words(grid)}: lowest loss at step {steps:,}, "
                f"never above the start, ending in view")
    if own:
        text += f" (set by hand: {', '.join(dict.fromkeys(own))})"
    return Race(surface, steps, tuple(paths), text, float(noise), int(seed))
