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
    if view == "layers":
        return layers_animation(run, path, size=size, dpi=dpi, title=title, frame_ms=frame_ms, hold_ms=hold_ms,
                                loop=loop, points=points, curves=curves, grid=grid, styles=styles, progress=progress)
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
                    styles: Sequence[str] = (), progress: Callable[[Iterable], Iterable] | None = None,
                    regions: bool = False) -> "Figure":
    """Train one network per model (``relu@4``, ``sigmoid@4``, ``relu@300``, ``tanh@8,8``; a bare
    activation uses ``hidden``) on the same data and draw their decision boundaries side by side,
    titled like the article ("ReLU 4"). ``units`` adds each first-layer unit's line w.x + b = 0
    and, for piecewise-linear networks, the exact boundary segments and their count; ``regions``
    draws the exact linear regions as cells (piecewise-linear activations only)."""
    ds, panels = boundary_panels(models, hidden=hidden, data=data, count=count, noise=noise, classes=classes,
                                 seed=seed, steps=steps, lr=lr, optimizer=optimizer, weight_decay=weight_decay,
                                 init=init, batch=batch, segments=units or regions, regions=regions, progress=progress)
    return panels_figure(panels, ds, units=units, regions=regions, points=points, ncols=ncols, size=size, dpi=dpi,
                         title=title, styles=styles)


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


# ---- every layer's picture, exact linear regions and boundary segments (issue 16) -----------

__all__ += ["boundary_panels", "panels_figure", "linear_regions", "boundary_segments", "region_counts",
            "layers_figure", "layers_animation"]

if TYPE_CHECKING:  # pragma: no cover
    from actviz.core.regions import Boundary, Regions
    from actviz.render.training import Panel


def boundary_panels(models: Sequence[str] = ARTICLE_MODELS, *, hidden: Sequence[int] = (4,),
                    data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2,
                    seed: int = 0, steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
                    weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
                    segments: bool = False, regions: bool = False,
                    progress: Callable[[Iterable], Iterable] | None = None) -> "tuple[Dataset, list[Panel]]":
    """Train one network per model on the same data; return the data and one panel per model.

    With ``segments`` each piecewise-linear two-class panel carries its exact boundary
    (``panel.boundary``, see :func:`boundary_segments`); with ``regions`` every panel carries
    its exact cells (``panel.regions``) and a smooth activation is refused (a user error).
    """
    from actviz.core import net, regions as exact
    from actviz.core.scenes import data_box
    from actviz.render.training import Panel

    parsed = [net.parse_model(m, hidden, "boundary") for m in models]
    if not parsed:
        raise UserError("no model given; name at least one, e.g. relu@4")
    if regions:
        for act, _ in parsed:
            if not exact.is_piecewise_linear(act):
                raise UserError(exact.refusal(act, "--regions needs"))
    ds = dataset(data, count=count, noise=noise, seed=seed, classes=classes) if isinstance(data, str) else data
    net.check_settings(steps or net.DEFAULT_STEPS, lr, optimizer, weight_decay or 0.0, init, batch)
    archs = [net.architecture(act, sizes, classes=ds.classes) for act, sizes in parsed]
    box = data_box(ds)
    panels = []
    for arch in (progress(archs) if progress else archs):
        run = train(arch.act, hidden=arch.hidden, data=ds, seed=seed, steps=steps, lr=lr, optimizer=optimizer,
                    weight_decay=weight_decay, init=init, batch=batch, frames=None)
        cells = boundary = None
        if (segments or regions) and exact.is_piecewise_linear(arch.act):
            cells = exact.linear_regions(arch, run.final.theta, box)
            if segments and exact.boundary_refusal(cells) is None:
                boundary = exact.boundary(cells)
        panels.append(Panel(arch.title, arch, run.final.theta, run.final.accuracy, regions=cells, boundary=boundary))
    return ds, panels


def panels_figure(panels: "Sequence[Panel]", data: "Dataset", *, units: bool = False, regions: bool = False,
                  points: bool = True, ncols: int | None = None, size: tuple[float, float] | None = None,
                  dpi: float = 150, title: str | None = None, styles: Sequence[str] = ()) -> "Figure":
    """Draw the panels of :func:`boundary_panels` side by side (``regions``: as exact cells)."""
    from actviz.render import training as render
    from actviz.render.figure import rc_context

    with rc_context(styles):
        return render.boundary_figure(panels, data, units=units, ncols=ncols, size=size, dpi=dpi, title=title,
                                      points=points, regions=regions)


def linear_regions(run: "TrainingRun", snapshot: int = -1, box: Sequence[float] | None = None) -> "Regions":
    """The exact linear regions of a trained piecewise-linear network inside ``box`` (default: the
    square the pictures show around the data), at ``run.snapshots[snapshot]``.

    Returns :class:`actviz.core.regions.Regions`: ``.counts`` per hidden layer, ``.polygons``,
    ``.patterns`` and the affine class scores of each cell. Smooth activations are refused.
    """
    from actviz.core import regions as exact
    from actviz.core.scenes import data_box

    return exact.linear_regions(run.arch, run.snapshots[snapshot].theta, box or data_box(run.data))


def boundary_segments(run: "TrainingRun", snapshot: int = -1, box: Sequence[float] | None = None) -> "Boundary":
    """The decision boundary of a two-class piecewise-linear network as maximal straight segments
    (:class:`actviz.core.regions.Boundary`; ``.count``, ``.segments`` S x 2 x 2)."""
    from actviz.core import regions as exact

    return exact.boundary(linear_regions(run, snapshot, box))


def region_counts(run: "TrainingRun", box: Sequence[float] | None = None,
                  progress: Callable[[Sequence], Iterable] | None = None) -> tuple[list[str], list[list]]:
    """Columns and one row per snapshot: frame, step, regions after each hidden layer, boundary
    segments (None when not counted: more than 2 classes, or an activation with jumps)."""
    from actviz.core import regions as exact
    from actviz.core.scenes import data_box

    exact.pieces(run.arch.act)
    box = box or data_box(run.data)
    columns = ["frame", "step", *[f"regions_layer{i + 1}" for i in range(len(run.arch.hidden))], "segments"]
    rows = []
    snaps = list(enumerate(run.snapshots))
    for i, snap in (progress(snaps) if progress else snaps):
        counts, segments = exact.counts_row(run.arch, snap.theta, box)
        rows.append([i, snap.step, *counts, segments])
    return columns, rows


def layers_figure(run: "TrainingRun", *, size: tuple[float, float] | None = None, dpi: float = 150,
                  title: str | None = None, points: bool = True, curves: bool = True, grid: bool = True,
                  styles: Sequence[str] = ()) -> "Figure":
    """The final network of ``run`` layer by layer: the input plane, the image of the data, class
    curves, a grid and the boundary after each hidden layer (wider than 2: a named PCA view),
    then the output plane with y' = x'. Needs 2 classes."""
    from actviz.render import layers as render
    from actviz.render.figure import rc_context

    with rc_context(styles):
        return render.layers_figure(run, size=size, dpi=dpi, title=title, points=points, curves=curves, grid=grid)


def layers_animation(run: "TrainingRun", path: str | os.PathLike, *, size: tuple[float, float] | None = None,
                     dpi: float = 100, title: str | None = None, frame_ms: int = 100, hold_ms: int = 1500,
                     loop: int = 0, points: bool = True, curves: bool = True, grid: bool = True,
                     styles: Sequence[str] = (), progress: Callable[[Iterable], Iterable] | None = None) -> None:
    """Write the run layer by layer as a GIF/WebP (what ``actviz train --view layers`` makes); the
    projections of wide layers are fitted once over all snapshots and kept."""
    from actviz.render import layers as render
    from actviz.render.figure import rc_context

    with rc_context(styles):
        render.write_animation(run, path, size=size, dpi=dpi, title=title, frame_ms=frame_ms, hold_ms=hold_ms,
                               loop=loop, points=points, curves=curves, grid=grid, progress=progress)
