"""The public Python API: arrays and matplotlib Figures, never pyplot or ``show``.

The CLI is a thin layer over these functions. Heavy modules (matplotlib) are
imported inside the functions that draw.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from actviz.core.activation import Activation, BoundActivation
from actviz.core.curves import Curve, evaluate, sample_grid
from actviz.core.registry import current as _registry
from actviz.core.spec import parse_spec
from actviz.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from actviz.core.datasets import Dataset
    from actviz.core.net import TrainingRun
    from actviz.core.warp import WarpResult

__all__ = ["activation", "catalogue", "curves", "plot_figure", "save", "select_specs", "Activation",
           "BoundActivation", "Curve"]
__all__ += ["warp_result", "warp_figure", "save_warp_animation"]


def catalogue() -> list[Activation]:
    """Every activation of the current run's registry: built-ins, plug-ins, then definitions."""
    return _registry().all()


def activation(spec: str) -> BoundActivation:
    """Parse one activation spec (``relu``, ``elu:alpha=0.5``) into a callable pair f, f'."""
    return parse_spec(spec)


def select_specs(specs: Iterable[str], *, family: str | None = None, all_: bool = False) -> list[BoundActivation]:
    """Specs named explicitly plus, optionally, a whole family or the whole catalogue."""
    bound = [parse_spec(s) for s in specs]
    extra = [a for a in catalogue() if all_ or (family and a.family == family)]
    bound += [BoundActivation(a, a.defaults()) for a in extra]
    if not bound:
        raise UserError("no activation given; name at least one (e.g. relu), or use --family or --all")
    return bound


def curves(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0), samples: int = 801,
           x: np.ndarray | None = None) -> list[Curve]:
    """x, f(x) and f'(x) for each activation, on a grid or at the given points."""
    acts = [s if isinstance(s, BoundActivation) else parse_spec(s) for s in specs]
    if not acts:
        raise UserError("no activation given")
    points = sample_grid(xlim, samples) if x is None else np.asarray(x, dtype=float)
    return evaluate(acts, points)


def plot_figure(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0), samples: int = 801,
                layout: str = "overlay", derivative: bool = True, ylim: tuple[float, float] | None = None,
                dylim: tuple[float, float] | None = None, title: str | None = None, legend: bool = True,
                formula: str | None = None, size: tuple[float, float] | None = None, dpi: float = 150,
                styles: Sequence[str] = ()) -> "Figure":
    """A Figure of f(x) and f'(x): ``overlay`` (two panels) or ``grid`` (one panel per function)."""
    from actviz.render import curves as render
    from actviz.render.figure import rc_context

    data = curves(specs, xlim=xlim, samples=samples)
    with rc_context(styles):
        if layout == "overlay":
            return render.overlay_figure(data, size=size or (7.0, 3.2), dpi=dpi, derivative=derivative, ylim=ylim,
                                         dylim=dylim, title=title, legend=legend, formula=formula or "none")
        if layout == "grid":
            return render.grid_figure(data, size=size, dpi=dpi, derivative=derivative, ylim=ylim, title=title,
                                      legend=legend, formula=formula or "title")
    raise UserError(f"unknown layout {layout!r}: use overlay or grid")


def save(fig: "Figure", path: str | os.PathLike, *, styles: Sequence[str] = (), dpi: float | None = None,
         transparent: bool = False) -> None:
    """Write a figure atomically and reproducibly; the format follows the extension."""
    from actviz.render.figure import save_figure

    save_figure(fig, path, styles=styles, dpi=dpi, transparent=transparent)


def warp_result(activations: Sequence[str | BoundActivation] | None = None, ns: Sequence[int] = (2, 5, 30), *,
                seed: int = 0, points: int = 1000, turns: float = 2.0, scale: float = 3.0, weights: str = "uniform",
                bias: float = 0.0, grid: bool = False) -> "WarpResult":
    """A spiral pushed through one layer act(WX + b) of n units and mapped back with W⁺, per activation and n.

    ``activations`` defaults to the article's columns (identity, sigmoid, tanh, relu, elu,
    tanhshrink: those the catalogue has). The result holds the arrays and ``metrics()``.
    """
    from actviz.core import warp

    specs = warp.default_activations() if activations is None else activations
    acts = [s if isinstance(s, BoundActivation) else parse_spec(s) for s in specs]
    return warp.compute(acts, ns, seed=seed, points=points, turns=turns, scale=scale, weights=weights, bias=bias,
                        grid=grid)


def warp_figure(result: "WarpResult", *, limits: str = "shared", size: tuple[float, float] | None = None,
                dpi: float = 150, title: str | None = None, styles: Sequence[str] = ()) -> "Figure":
    """The grid of warped spirals: one row per n, one column per activation (``limits``: shared or panel)."""
    from actviz.render import warp as render
    from actviz.render.figure import rc_context
    from actviz.core.warp import LIMITS

    _check_choice(limits, LIMITS, "limits")
    with rc_context(styles):
        return render.warp_figure(result, size=size, dpi=dpi, limits=limits, title=title)


def save_warp_animation(result: "WarpResult", path: str | os.PathLike, *, frames: int = 40, limits: str = "shared",
                        size: tuple[float, float] | None = None, dpi: float = 80, title: str | None = None,
                        styles: Sequence[str] = (),
                        progress: Callable[[Sequence], Iterable] | None = None) -> None:
    """Write a looping GIF/WebP of each panel moving from identity (t = 0) to the activation (t = 1) and back.

    ``progress`` wraps the sequence of frames (e.g. :func:`actviz.progress.tracker`)."""
    from actviz.render import warp as render
    from actviz.render.figure import rc_context

    from actviz.core.warp import LIMITS, check_frames

    _check_choice(limits, LIMITS, "limits")
    check_frames(frames)
    with rc_context(styles):
        render.write_animation(result, path, frames=frames, size=size, dpi=dpi, limits=limits, title=title,
                               progress=progress)


def _check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise UserError(f"unknown {what} {value!r}: use one of {', '.join(choices)}")


# ---- a tiny network learning: actviz train and actviz boundary ------------------------------

__all__ += ["dataset", "train", "train_animation", "boundary_figure"]

ARTICLE_MODELS = ("sigmoid@4", "softplus@4", "relu@4", "relu@300")
"""The reference article's decision-boundary figure: Sigmoid 4, Softplus 4, ReLU 4, ReLU 300."""


def dataset(name: str = "circles", *, count: int = 400, noise: float = 0.05, seed: int = 0,
            classes: int = 2) -> "Dataset":
    """A 2-D toy data set (spiral, circles, moons, xor, blobs) with its class curves, from ``seed``."""
    from actviz.core import datasets, net

    return datasets.make(name, count, noise, net.seed_streams(seed)[0], classes)


def train(activation: str | BoundActivation = "relu", *, hidden: Sequence[int] = (4,),
          data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2, seed: int = 0,
          steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
          weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
          frames: int | None = 48, schedule: str = "log",
          progress: Callable[[int], None] | None = None) -> "TrainingRun":
    """Train ``inputs -> hidden (activation) -> softmax`` and return the run with ``frames`` snapshots
    (None: only the final one).

    ``run.snapshots`` holds (step, loss, accuracy, parameters) at steps spaced by
    ``schedule``; ``run.curve`` the loss and accuracy of every step. The same
    arguments and seed give the same numbers. Divergence raises RunFailure.
    """
    from actviz.core import net

    act = activation if isinstance(activation, BoundActivation) else parse_spec(activation)
    ds = dataset(data, count=count, noise=noise, seed=seed, classes=classes) if isinstance(data, str) else data
    arch = net.architecture(act, hidden, classes=ds.classes)
    return net.fit(arch, ds, net.seed_streams(seed)[1], steps=steps or net.DEFAULT_STEPS, lr=lr,
                   optimizer_name=optimizer,
                   weight_decay=net.DEFAULT_WEIGHT_DECAY if weight_decay is None else weight_decay,
                   init_name=init, batch=batch, frames=frames, schedule=schedule, progress=progress)


def train_animation(run: "TrainingRun", path: str | os.PathLike, *, view: str = "logit",
                    size: tuple[float, float] | None = None, dpi: float = 100, title: str | None = None,
                    frame_ms: int = 100, hold_ms: int = 1500, loop: int = 0, points: bool = True,
                    curves: bool = True, grid: bool = True, styles: Sequence[str] = (),
                    progress: Callable[[Iterable], Iterable] | None = None) -> None:
    """Write a GIF/WebP of the run: ``view`` logit (the article's x', y' plane), input (decision
    regions) or both side by side; one frame per snapshot, the last held for ``hold_ms``."""
    from actviz.render import training as render
    from actviz.render.figure import rc_context

    check_view(view, run.arch.classes)
    with rc_context(styles):
        render.write_animation(run, path, view=view, size=size, dpi=dpi, title=title, frame_ms=frame_ms,
                               hold_ms=hold_ms, loop=loop, points=points, curves=curves, grid=grid,
                               progress=progress)


def check_view(view: str, classes: int) -> None:
    """The logit plane has two axes, so it needs exactly two classes."""
    from actviz.render.training import VIEWS

    _check_choice(view, VIEWS, "view")
    if classes != 2 and view != "input":
        raise UserError(f"the logit plane needs 2 classes, not {classes}; use --view input")


def boundary_figure(models: Sequence[str] = ARTICLE_MODELS, *, hidden: Sequence[int] = (4,),
                    data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2,
                    seed: int = 0, steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
                    weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
                    units: bool = False, points: bool = True, ncols: int | None = None,
                    size: tuple[float, float] | None = None, dpi: float = 150, title: str | None = None,
                    styles: Sequence[str] = (), progress: Callable[[Iterable], Iterable] | None = None) -> "Figure":
    """Train one network per model (``relu@4``, ``sigmoid@4``, ``relu@300``, ``tanh@8,8``; a bare
    activation uses ``hidden``) on the same data and draw their decision boundaries side by side,
    titled like the article ("ReLU 4"). ``units`` adds each first-layer unit's line w.x + b = 0."""
    from actviz.core import net
    from actviz.render import training as render
    from actviz.render.figure import rc_context

    parsed = [net.parse_model(m, hidden, "boundary") for m in models]
    if not parsed:
        raise UserError("no model given; name at least one, e.g. relu@4")
    ds = dataset(data, count=count, noise=noise, seed=seed, classes=classes) if isinstance(data, str) else data
    net.check_settings(steps or net.DEFAULT_STEPS, lr, optimizer, weight_decay or 0.0, init, batch)
    archs = [net.architecture(act, sizes, classes=ds.classes) for act, sizes in parsed]
    panels = []
    for arch in (progress(archs) if progress else archs):
        run = train(arch.act, hidden=arch.hidden, data=ds, seed=seed, steps=steps, lr=lr, optimizer=optimizer,
                    weight_decay=weight_decay, init=init, batch=batch, frames=None)
        panels.append(render.Panel(arch.title, arch, run.final.theta, run.final.accuracy))
    with rc_context(styles):
        return render.boundary_figure(panels, ds, units=units, ncols=ncols, size=size, dpi=dpi, title=title,
                                      points=points)


__all__ += ["define", "styles", "figure_size"]


def define(text: str) -> Activation:
    """Register an activation from an expression, ``name=EXPR[; p=value...]``, e.g.
    ``define("isru2=x/sqrt(1+a*x**2); a=1")``; then ``"isru2"`` and ``"isru2:a=4"`` work as specs.

    The expression is checked against a whitelist (never evaluated as Python), its derivative is
    exact (SymPy, ``pip install 'actviz[expr]'``). Unnamed: ``activation("expr:x*tanh(x)")``.
    """
    return _registry().define(text)


def styles() -> list[str]:
    """Names of the styles shipped with actviz (``default``, ``paper``, ``slides``, ``dark``, ...);
    any matplotlib style name or ``.mplstyle`` path works wherever a style is asked for."""
    from actviz.render.style import builtin_styles

    return builtin_styles()


def figure_size(size: str, ratio: float | None = None) -> tuple[float, float]:
    """``"column"`` (3.5 in), ``"page"`` (7.16 in), ``"W"`` or ``"WxH"`` in inches or cm -> (width, height)
    in inches. Without a height, ``ratio`` (or, when None, the rule of ``actviz plot``) gives it."""
    from actviz.render.layout import OVERLAY_SIZE, overlay_ratio, parse_size

    return parse_size(size, OVERLAY_SIZE, ratio if ratio is not None else overlay_ratio)


# ---- losses and optimisers: actviz loss and actviz optim ------------------------------------

__all__ += ["loss", "loss_curves", "loss_figure", "race", "race_figure", "save_race_animation"]

if TYPE_CHECKING:  # pragma: no cover
    from actviz.core.losses import BoundLoss
    from actviz.core.race import Race


def loss(spec: "str | BoundLoss") -> "BoundLoss":
    """Parse one loss spec (``hinge``, ``huber:delta=0.5``, ``focal:gamma=5``) into a callable pair
    ``f`` (the loss) and ``df`` (its exact derivative) of the margin, residual or probability."""
    from actviz.core import losses

    return spec if isinstance(spec, losses.BoundLoss) else losses.parse(spec)


def loss_curves(specs: Sequence["str | BoundLoss"] = (), *, kind: str | None = None,
                xlim: tuple[float, float] | None = None, samples: int = 801,
                x: np.ndarray | None = None) -> list[Curve]:
    """The loss and its derivative for each loss (plus every loss of ``kind``, if given), on a grid
    over ``xlim`` (by default the kind's usual range) or at the points ``x``.

    All losses must be of one kind: margin m = y f(x), residual r = y - y_hat, or probability p.
    """
    from actviz.core import losses

    bound = [loss(s) for s in specs]
    if kind is not None:
        bound += [losses.BoundLoss(entry, entry.defaults()) for entry in losses.of_kind(kind)]
    if not bound:
        raise UserError("no loss given; name at least one (e.g. hinge), or use --kind")
    shared = losses.one_kind(bound)
    points = sample_grid(xlim or losses.DEFAULT_XLIM[shared], samples) if x is None else np.asarray(x, dtype=float)
    return evaluate(bound, points)


def loss_figure(specs: Sequence["str | BoundLoss"] = (), *, kind: str | None = None,
                xlim: tuple[float, float] | None = None, samples: int = 801, layout: str = "overlay",
                derivative: bool = True, ylim: tuple[float, float] | None = None,
                dylim: tuple[float, float] | None = None, title: str | None = None, legend: bool = True,
                formula: str | None = None, size: tuple[float, float] | None = None, dpi: float = 150,
                styles: Sequence[str] = ()) -> "Figure":
    """A Figure of losses and their derivatives, drawn as :func:`plot_figure` draws activations,
    against the margin, the residual or the probability (probability losses default to y ranges
    0..5 and -10..10: they are infinite at the ends)."""
    from actviz.core.losses import AXIS_LABELS, DEFAULT_YLIM, VARIABLES
    from actviz.render import curves as render
    from actviz.render.figure import rc_context

    data = loss_curves(specs, kind=kind, xlim=xlim, samples=samples)
    shared = data[0].act.kind
    v = VARIABLES[shared]
    default_ylim, default_dylim = DEFAULT_YLIM.get(shared, (None, None))
    ylim, dylim = ylim or default_ylim, dylim or default_dylim
    ylabels = (rf"$\ell({v})$", rf"$\ell'({v})$")
    with rc_context(styles):
        if layout == "overlay":
            return render.overlay_figure(data, size=size or (7.0, 3.2), dpi=dpi, derivative=derivative, ylim=ylim,
                                         dylim=dylim, title=title, legend=legend, formula=formula or "none",
                                         xlabel=AXIS_LABELS[shared], ylabels=ylabels)
        if layout == "grid":
            return render.grid_figure(data, size=size, dpi=dpi, derivative=derivative, ylim=ylim, title=title,
                                      legend=legend, formula=formula or "title", ylabels=ylabels)
    raise UserError(f"unknown layout {layout!r}: use overlay or grid")


def race(optimizers: Sequence[str] | None = None, *, surface: str = "rosenbrock",
         start: tuple[float, float] | None = None, xlim: tuple[float, float] | None = None,
         ylim: tuple[float, float] | None = None, steps: int = 300, lr: float | None = None, rule: str = "tuned",
         grid: Sequence[float] | None = None, noise: float = 0.0, seed: int = 0) -> "Race":
    """Race optimisers (specs such as ``adam:beta1=0.8``; default all seven) from one start point on a
    2-D surface (``rosenbrock``, ``beale``, ``himmelblau``, ``saddle``, ``quadratic``, ``rastrigin``
    or ``expr:EXPR`` in x and y) under one stated learning-rate rule: ``tuned`` (each one's best
    of ``grid``), ``torch`` (torch.optim's defaults) or ``lr`` for all. ``noise`` adds Gaussian
    noise of that standard deviation to every gradient, drawn from ``seed`` and shared by all."""
    from actviz.core import optim, race as races, surfaces

    s = surfaces.get(surface).with_view(xlim, ylim, start)
    specs = list(optimizers) if optimizers else list(optim.NAMES)
    return races.race(s, specs, steps=steps, lr=lr, rule=rule, grid=races.LR_GRID if grid is None else grid,
                      noise=noise, seed=seed)


def race_figure(result: "Race", *, size: tuple[float, float] | None = None, dpi: float = 150,
                title: str | None = None, styles: Sequence[str] = ()) -> "Figure":
    """The race as a still: every path on the contour map, and the loss against step beside it."""
    from actviz.render import optim as render
    from actviz.render.figure import rc_context

    with rc_context(styles):
        return render.race_figure(result, size=size, dpi=dpi, title=title)


def save_race_animation(result: "Race", path: str | os.PathLike, *, frames: int = 60, schedule: str = "linear",
                        size: tuple[float, float] | None = None, dpi: float = 100, title: str | None = None,
                        frame_ms: int = 80, hold_ms: int = 1500, loop: int = 0, styles: Sequence[str] = (),
                        progress: Callable[[Sequence], Iterable] | None = None) -> None:
    """Write a GIF/WebP of the race: ``frames`` steps spaced by ``schedule`` (linear or log), each
    frame the paths so far with their heads and the loss panel in step; the last frame held."""
    from actviz.core.net import frame_steps
    from actviz.render import optim as render
    from actviz.render.figure import rc_context

    steps = frame_steps(result.steps, frames, schedule)
    with rc_context(styles):
        render.write_animation(result, path, steps=steps, size=size, dpi=dpi, title=title, frame_ms=frame_ms,
                               hold_ms=hold_ms, loop=loop, progress=progress)
