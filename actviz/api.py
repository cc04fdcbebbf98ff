"""The public Python API: arrays and matplotlib Figures, never pyplot, ``show`` or a backend.

Every drawing function makes a figure that keeps its style (``fig.savefig`` and :func:`save`
agree, and Jupyter shows it as an image), or draws into yours: ``ax=`` (your Axes) or
``fig=`` (your Figure or SubFigure).

The CLI is a thin layer over these functions. Each keyword function builds one
validated settings object (:class:`~actviz.core.fit.DataSettings`,
:class:`~actviz.core.fit.FitSettings`, :class:`~actviz.core.warp.WarpSettings`,
:class:`~actviz.render.layout.FigureSettings`) and hands it on; the core and the
renderers trust it. Budgets, verbosity and your own activations belong to the current
:class:`Context`: a script has one of its own, and ``with Context(limits=Limits(...)):``
sets others for a block. Heavy modules (matplotlib) are imported only by the functions
that draw.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from actviz.context import Context, Limits
from actviz.core.activation import Activation, BoundActivation
from actviz.core.curves import Curve, evaluate, sample_grid
from actviz.core.registry import current as _registry
from actviz.core.spec import as_bound, parse_spec
from actviz.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

    from actviz.core.datasets import Dataset
    from actviz.core.fit import FitSettings
    from actviz.core.net import Architecture, TrainingRun
    from actviz.core.warp import WarpResult, WarpSettings
    from actviz.render.layout import FigureSettings

__all__ = ["Activation", "BoundActivation", "Context", "Curve", "Limits", "activation", "catalogue", "curves",
           "define", "figure_size", "plot_figure", "save", "select_specs", "styles"]

Progress = Callable[[Sequence], Iterable]
"""Wraps a sequence of work items (frames, models), e.g. :func:`actviz.progress.tracker`."""


def _figure(size, dpi, styles, title=None, transparent=False, *, fig=None, ax=None,
            default_dpi: float = 150) -> "FigureSettings":
    """Validated figure settings (``dpi`` None: ``default_dpi``). With ``fig``/``ax`` the figure is
    the caller's, so asking for a size, resolution or style as well is a mistake."""
    from actviz.render.figure import check_own_figure_only
    from actviz.render.layout import FigureSettings

    check_own_figure_only(fig, ax, styles=styles, size=size, dpi=dpi)
    return FigureSettings(size=size, dpi=dpi if dpi is not None else default_dpi, styles=tuple(styles),
                          transparent=transparent, title=title)


def _choice(value: str, choices: Sequence[str], what: str) -> str:
    if value not in choices:
        raise UserError(f"unknown {what} {value!r}: use one of {', '.join(choices)}")
    return value


# ---- activation functions -----------------------------------------------------------------

def catalogue() -> list[Activation]:
    """Every activation of the current registry: built-ins, plug-ins, then your definitions.

    Returns
    -------
    list of Activation
    """
    return _registry().all()


def activation(spec: str) -> BoundActivation:
    """Parse one activation spec into a bound activation with ``f`` and ``df``.

    Parameters
    ----------
    spec : str
        ``relu``, ``elu:alpha=0.5``, ``expr:x*tanh(x)`` or a name made with :func:`define`.

    Returns
    -------
    BoundActivation
    """
    return parse_spec(spec)


def select_specs(specs: Iterable[str], *, family: str | None = None, all_: bool = False) -> list[BoundActivation]:
    """Specs named explicitly plus, optionally, a whole family or the whole catalogue.

    Parameters
    ----------
    specs : iterable of str
        Activation specs, in order.
    family : str, optional
        Add every activation of this family (see :data:`actviz.activations.FAMILIES`).
    all_ : bool
        Add every registered activation.

    Returns
    -------
    list of BoundActivation
    """
    bound = [parse_spec(s) for s in specs]
    extra = [a for a in catalogue() if all_ or (family and a.family == family)]
    bound += [BoundActivation(a, a.defaults()) for a in extra]
    if not bound:
        raise UserError("no activation given; name at least one (e.g. relu), or use --family or --all")
    return bound


def curves(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0), samples: int = 801,
           x: np.ndarray | None = None) -> list[Curve]:
    """x, f(x) and f'(x) for each activation, on an even grid or at the given points.

    Parameters
    ----------
    specs : sequence of str or BoundActivation
        Activation specs, each optionally with how to draw it: ``"relu; label=ReLU; color=C3"``
        (see :func:`plot_figure`).
    xlim : (float, float)
        The grid's range (ignored when ``x`` is given).
    samples : int
        Points of the grid, 2 to 10,000,000.
    x : array_like, optional
        Explicit points.

    Returns
    -------
    list of Curve
        One per activation, with arrays ``x``, ``y`` and ``dy`` (and its ``style``).
    """
    from actviz.core.spec import parse_curve

    parsed = [parse_curve(s) for s in specs]
    if not parsed:
        raise UserError("no activation given")
    points = sample_grid(xlim, samples) if x is None else np.asarray(x, dtype=float)
    return evaluate([a for a, _ in parsed], points, [st for _, st in parsed])


LAYOUTS = ("overlay", "grid")


def _per_curve(values: Sequence | None, count: int, what: str) -> list:
    if values is None:
        return [None] * count
    values = [values] if isinstance(values, str) else list(values)
    if len(values) > count:
        raise UserError(f"{len(values)} {what} for {count} curve{'s' if count != 1 else ''}")
    return values + [None] * (count - len(values))


def plot_figure(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0), samples: int = 801,
                layout: str = "overlay", derivative: bool | None = None, ylim: tuple[float, float] | None = None,
                dylim: tuple[float, float] | None = None, title: str | None = None, legend: bool = True,
                formula: str | None = None, size: tuple[float, float | None] | None = None, dpi: float | None = None,
                styles: Sequence[str] = (), labels: Sequence[str | None] | None = None,
                colors: Sequence[str | None] | None = None, linestyles: Sequence[str | None] | None = None,
                ncols: int | None = None, fig: "FigureBase | None" = None,
                ax: "Axes | Sequence[Axes] | None" = None) -> "Figure":
    """A Figure of f(x) and f'(x), or the same drawn into your own Figure, SubFigure or Axes.

    Parameters
    ----------
    specs : sequence of str or BoundActivation
        Activation specs; settings after semicolons say how each is drawn:
        ``"gelu; label=GELU (ours); color=k; linestyle=--"`` (an ``expr:`` spec's own parameters
        go there too, ``"expr:x*sigmoid(b*x); b=2; label=Swish-2"``).
    xlim : (float, float)
    samples : int
        Points per curve.
    layout : {"overlay", "grid"}
        ``overlay``: an f panel and an f' panel with every curve; ``grid``: one panel per function.
    derivative : bool, optional
        Draw f' too (default: yes, except into a single Axes, which gets f alone).
    ylim, dylim : (float, float), optional
        Ranges of f and f' (default: fit the curves).
    title : str, optional
    legend : bool
    formula : {"none", "legend", "title"}, optional
        Where formulas go (default: none for overlay, title for grid).
    size : (float, float), optional
        Inches (default: 7 x 3.2 for overlay, by the number of panels for grid). A height of None
        lets the figure choose it: for overlay a share of the width plus what the legend's rows
        need, for grid what its rows need.
    dpi : float, optional
        Resolution (default 150).
    styles : sequence of str
        actviz styles, matplotlib style names or ``.mplstyle`` paths, applied in order when the
        figure is made; the figure keeps them for drawing and saving.
    labels, colors, linestyles : sequence, optional
        Per curve, in order (None: the spec's or the style's choice): legend labels (``$...$`` for
        formulas), matplotlib colours (``"C3"``, ``"#d62728"``, ``"k"``), line styles (``"--"``, ``":"``).
    ncols : int, optional
        Panels per row of the grid layout (default: as many as fit).
    fig : matplotlib Figure or SubFigure, optional
        Draw the panels into it (e.g. one cell of your own grid, ``fig.add_subfigure(gs[0, 1])``).
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into your Axes: one per panel (overlay: f, or f and f'; grid: one per function).
        With ``fig`` or ``ax`` the figure is yours: ``size``, ``dpi`` and ``styles`` do not apply.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, the ``fig`` you gave, or the figure holding your ``ax``.
    """
    from actviz.core.spec import CurveStyle

    _choice(layout, LAYOUTS, "layout")
    data = curves(specs, xlim=xlim, samples=samples)
    extra = zip(_per_curve(labels, len(data), "labels"), _per_curve(colors, len(data), "colors"),
                _per_curve(linestyles, len(data), "linestyles"))
    data = [replace(c, style=c.style.merged(CurveStyle(*e))) for c, e in zip(data, extra)]
    return draw_curves(data, _figure(size, dpi, styles, title, fig=fig, ax=ax), layout=layout,
                       derivative=derivative, ylim=ylim, dylim=dylim, legend=legend, formula=formula, ncols=ncols,
                       fig=fig, ax=ax)


def draw_curves(data: Sequence[Curve], figure: "FigureSettings", *, layout: str = "overlay",
                derivative: bool | None = None, ylim=None, dylim=None, legend: bool = True,
                formula: str | None = None, ncols: int | None = None, fig=None, ax=None) -> "Figure":
    """Draw evaluated curves under validated figure settings (see :func:`plot_figure`)."""
    from actviz.render import curves as render
    from actviz.render.figure import as_axes, check_own_figure_only, rc_context, root_figure
    from actviz.render.layout import OVERLAY_SIZE
    from actviz.render.style import check_curve_style
    from actviz.render.text import check_text

    check_own_figure_only(fig, ax, styles=figure.styles, size=figure.size)
    if derivative is None:
        derivative = not (ax is not None and len(as_axes(ax, None, "plot_figure")) == 1 and layout == "overlay")
    axes = None
    if ax is not None:
        count = (2 if derivative else 1) if layout == "overlay" else len(data)
        curves_ = f"{len(data)} curve{'s' if len(data) != 1 else ''}"
        axes = as_axes(ax, count, f"a{'n' if layout == 'overlay' else ''} {layout} of {curves_}")
    with rc_context(figure.styles) if fig is None and ax is None else contextlib.nullcontext():
        for c in data:
            check_curve_style(c.style)
            if c.style.label is not None:
                check_text(c.style.label, "label", figure.styles)
        if layout == "overlay":
            made = render.overlay_figure(data, size=figure.size or OVERLAY_SIZE, dpi=figure.dpi,
                                         derivative=derivative, ylim=ylim, dylim=dylim, title=figure.title,
                                         legend=legend, formula=formula or "none", parent=fig, axes=axes)
        else:
            made = render.grid_figure(data, size=figure.size, dpi=figure.dpi, derivative=derivative, ylim=ylim,
                                      title=figure.title, legend=legend, formula=formula or "title", ncols=ncols,
                                      parent=fig, axes=axes)
        if fig is None and ax is None:
            _made_with(made, figure)
    return made if ax is None else root_figure(made)


def _made_with(made, figure: "FigureSettings") -> None:
    """Remember the style names a new figure was made with (its rcParams it keeps itself)."""
    made.actviz_styles = tuple(figure.styles)


def save(fig: "Figure", path: str | os.PathLike, *, dpi: float | None = None, transparent: bool | None = None,
         styles: Sequence[str] = ()) -> None:
    """Write a figure atomically and reproducibly; the format follows the extension.

    A figure made by actviz is written under the styles it was made with, exactly as its
    ``fig.savefig(path)`` would draw it (only metadata such as dates is left out here), and
    only if its text fits: a figure whose text runs off its edges or over other text raises
    :class:`~actviz.errors.UserError` and nothing is written.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from actviz, or any matplotlib Figure.
    path : str or os.PathLike
        ``.png``, ``.svg``, ``.pdf``, ``.pgf`` or ``.eps``.
    dpi : float, optional
        Resolution of raster output (default: the style's ``savefig.dpi``, as for ``savefig``).
    transparent : bool, optional
        Transparent background (default: the style's ``savefig.transparent``).
    styles : sequence of str
        Only for figures not made by actviz: styles to write them under. (An actviz figure
        already carries its styles; naming different ones is an error.)
    """
    from actviz.render.figure import save_figure

    save_figure(fig, path, styles=styles, dpi=dpi, transparent=transparent)


def define(text: str) -> Activation:
    """Add an activation from an expression to the current registry.

    Parameters
    ----------
    text : str
        ``name=EXPR[; p=value...]``, e.g. ``"isru2=x/sqrt(1+a*x**2); a=1"``; afterwards ``"isru2"`` and
        ``"isru2:a=4"`` work as specs. The expression is checked against a whitelist (never evaluated as
        Python) and differentiated exactly by SymPy (``pip install 'actviz[expr]'``).

    Returns
    -------
    Activation
    """
    return _registry().define(text)


def styles() -> list[str]:
    """Names of the styles shipped with actviz.

    Returns
    -------
    list of str
        ``default``, ``paper``, ``slides``, ``dark``, ...; any matplotlib style name or ``.mplstyle``
        path works wherever a style is asked for.
    """
    from actviz.render.style import builtin_styles

    return builtin_styles()


def figure_size(size: str, ratio: float | None = None) -> tuple[float, float]:
    """A size in words or numbers, in inches.

    Parameters
    ----------
    size : str
        A preset width (``"column"``: 221pt, which fits a two-column LaTeX article's \\columnwidth on A4
        and letter paper; ``"page"``: 452pt, its \\textwidth; ``"ieee-column"``, ``"acm-text"``,
        ``"neurips-text"``, ... see :data:`actviz.render.layout.PRESETS`), or ``"W"`` or ``"WxH"`` with a unit
        ``in``, ``cm``, ``mm`` or ``pt`` (TeX points): ``"229.5pt"``, ``"81mm"``, ``"16x8cm"``.
    ratio : float, optional
        Height over width when only the width is given (default: the rule of ``actviz plot``).

    Returns
    -------
    (float, float)
        Width and height in inches.
    """
    from actviz.render.layout import OVERLAY_SIZE, overlay_ratio, parse_size

    return parse_size(size, OVERLAY_SIZE, ratio if ratio is not None else overlay_ratio)


# ---- spiral warps: actviz warp --------------------------------------------------------------

__all__ += ["compute_warp", "save_warp_animation", "warp_figure", "warp_result", "warp_settings"]

WARP_LIMITS = ("shared", "panel")


def warp_settings(activations: Sequence[str | BoundActivation] | None = None, ns: Sequence[int] = (2, 5, 30), *,
                  seed: int = 0, points: int = 1000, turns: float = 2.0, scale: float = 3.0,
                  weights: str = "uniform", bias: float = 0.0, grid: bool = False) -> "WarpSettings":
    """A validated warp request (see :func:`warp_result` for the parameters)."""
    from actviz.core import warp

    specs = warp.default_activations() if activations is None else activations
    return warp.WarpSettings(tuple(as_bound(s) for s in specs), tuple(ns), seed=seed, points=points, turns=turns,
                             scale=scale, weights=weights, bias=bias, grid=grid)


def compute_warp(settings: "WarpSettings") -> "WarpResult":
    """Push the spiral through every activation at every width of validated ``settings``."""
    from actviz.core import warp

    return warp.compute(settings)


def warp_result(activations: Sequence[str | BoundActivation] | None = None, ns: Sequence[int] = (2, 5, 30), *,
                seed: int = 0, points: int = 1000, turns: float = 2.0, scale: float = 3.0, weights: str = "uniform",
                bias: float = 0.0, grid: bool = False) -> "WarpResult":
    """A spiral pushed through one layer act(WX + b) of n units and mapped back with W⁺.

    Parameters
    ----------
    activations : sequence of str or BoundActivation, optional
        One column each (default: the article's columns identity, sigmoid, tanh, relu, elu, tanhshrink).
    ns : sequence of int
        Hidden units, one row each; row n uses one random n x 2 matrix W for every column.
    seed : int
        Row n's weights come from (seed, n).
    points, turns, scale : int, float, float
        The spiral: points along it, turns, radius.
    weights : {"uniform", "normal", "orthogonal"}
    bias : float
        b uniform in [-bias, bias]: H = act(WX + b), X' = W⁺(H - b).
    grid : bool
        Also warp the lines of a regular grid.

    Returns
    -------
    WarpResult
        The arrays and ``metrics()``.
    """
    return compute_warp(warp_settings(activations, ns, seed=seed, points=points, turns=turns, scale=scale,
                                      weights=weights, bias=bias, grid=grid))


def warp_figure(result: "WarpResult", *, limits: str = "shared", size: tuple[float, float] | None = None,
                dpi: float | None = None, title: str | None = None, styles: Sequence[str] = (),
                fig: "FigureBase | None" = None) -> "Figure":
    """The grid of warped spirals: one row per n, one column per activation.

    Parameters
    ----------
    result : WarpResult
    limits : {"shared", "panel"}
        ``shared``: every panel shows the input's frame; ``panel``: each fits its own content.
    size : (float, float), optional
    dpi : float, optional
        Resolution (default 150).
    title : str, optional
    styles : sequence of str
        Applied when the figure is made; the figure keeps them.
    fig : matplotlib Figure or SubFigure, optional
        Draw the grid, its title and its footer into it (e.g. ``fig.add_subfigure(gs[1, :])``);
        ``size``, ``dpi`` and ``styles`` then do not apply.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the ``fig`` you gave.
    """
    from actviz.render import warp as render
    from actviz.render.figure import rc_context

    figure = _figure(size, dpi, styles, title, fig=fig)
    _choice(limits, WARP_LIMITS, "limits")
    if fig is not None:
        return render.warp_figure(result, limits=limits, title=figure.title, parent=fig)
    with rc_context(figure.styles):
        made = render.warp_figure(result, size=figure.size, dpi=figure.dpi, limits=limits, title=figure.title)
        _made_with(made, figure)
        return made


def save_warp_animation(result: "WarpResult", path: str | os.PathLike, *, frames: int = 40, limits: str = "shared",
                        size: tuple[float, float] | None = None, dpi: float = 80, title: str | None = None,
                        styles: Sequence[str] = (), progress: Progress | None = None) -> None:
    """Write a looping animation of each panel moving from identity (t = 0) to the activation (t = 1) and back.

    Parameters
    ----------
    result : WarpResult
    path : str or os.PathLike
        ``.gif`` or ``.webp``.
    frames : int
        Frames of the loop, 2 to 400.
    limits, size, dpi, title, styles
        As for :func:`warp_figure`.
    progress : callable, optional
        Wraps the sequence of frames (e.g. :func:`actviz.progress.tracker`).
    """
    from actviz.core.warp import check_frames
    from actviz.render import warp as render
    from actviz.render.figure import rc_context

    figure = _figure(size, dpi, styles, title)
    _choice(limits, WARP_LIMITS, "limits")
    check_frames(frames)
    with rc_context(figure.styles):
        render.write_animation(result, path, frames=frames, size=figure.size, dpi=figure.dpi, limits=limits,
                               title=figure.title, progress=progress)


# ---- a tiny network learning: actviz train and actviz boundary ------------------------------

__all__ += ["ARTICLE_MODELS", "boundary_figure", "dataset", "run_training", "train", "train_animation"]

ARTICLE_MODELS = ("sigmoid@4", "softplus@4", "relu@4", "relu@300")
"""The reference article's decision-boundary figure: Sigmoid 4, Softplus 4, ReLU 4, ReLU 300."""

VIEWS = ("logit", "input", "both")


def dataset(name: str = "circles", *, count: int = 400, noise: float = 0.05, seed: int = 0,
            classes: int = 2) -> "Dataset":
    """A 2-D toy data set with its class curves.

    Parameters
    ----------
    name : {"spiral", "circles", "moons", "xor", "blobs"}
    count : int
        Points in all.
    noise : float
        Standard deviation of the jitter of each coordinate.
    seed : int
    classes : int
        Spiral arms or blobs (the others have 2).

    Returns
    -------
    Dataset
    """
    from actviz.core.fit import DataSettings

    return DataSettings(name, count, noise, classes, seed).make()


def run_training(arch: "Architecture", data: "Dataset", settings: "FitSettings",
                 progress: Callable[[int], None] | None = None) -> "TrainingRun":
    """Train ``arch`` on ``data`` under validated ``settings``; ``progress(k)`` hears of every k steps done."""
    from actviz.core.fit import fit

    return fit(arch, data, settings, progress)


def train(activation: str | BoundActivation = "relu", *, hidden: Sequence[int] = (4,),
          data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2, seed: int = 0,
          steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
          weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
          frames: int | None = 48, schedule: str = "log",
          progress: Callable[[int], None] | None = None) -> "TrainingRun":
    """Train ``inputs -> hidden layers (activation) -> softmax`` and keep snapshots.

    Parameters
    ----------
    activation : str or BoundActivation
        Any element-wise activation.
    hidden : sequence of int
        Hidden layer sizes.
    data : str or Dataset
        A data set name (drawn with ``count``, ``noise``, ``classes``, ``seed``) or a data set.
    count, noise, classes : int, float, int
    seed : int
        Seeds the data, the initial weights and the mini-batches (independent streams).
    steps : int, optional
        Training steps (default 1000).
    lr : float, optional
        Learning rate (default: 0.01 for adam, 0.1 for momentum, 1 for sgd).
    optimizer : {"adam", "momentum", "sgd"}
    weight_decay : float, optional
        L2 penalty weight_decay/2 * |W|^2 on the weights (default 1e-4).
    init : {"auto", "he", "xavier"}
    batch : int, optional
        Mini-batch size (default: the full batch).
    frames : int or None
        Snapshots to keep, first and last step included (None: only the final one).
    schedule : {"log", "linear"}
        Steps of the snapshots: dense early (log) or even.
    progress : callable, optional
        Called with the number of steps done since its last call.

    Returns
    -------
    TrainingRun
        ``run.snapshots`` (step, loss, accuracy, parameters) and ``run.curve`` (every step).
        The same arguments and seed give the same numbers; divergence raises RunFailure.
    """
    from actviz.core import net
    from actviz.core.fit import DataSettings, FitSettings

    act = as_bound(activation)
    ds = DataSettings(data, count, noise, classes, seed).make() if isinstance(data, str) else data
    settings = FitSettings(steps=steps or net.DEFAULT_STEPS, lr=lr, optimizer=optimizer,
                           weight_decay=net.DEFAULT_WEIGHT_DECAY if weight_decay is None else weight_decay,
                           init=init, batch=batch, seed=seed, frames=frames, schedule=schedule)
    return run_training(net.architecture(act, hidden, classes=ds.classes), ds, settings, progress)


def check_view(view: str, classes: int) -> str:
    """The logit plane has two axes, so it needs exactly two classes."""
    _choice(view, VIEWS, "view")
    if classes != 2 and view != "input":
        raise UserError(f"the logit plane needs 2 classes, not {classes}; use --view input")
    return view


def train_animation(run: "TrainingRun", path: str | os.PathLike, *, view: str = "logit",
                    size: tuple[float, float] | None = None, dpi: float = 100, title: str | None = None,
                    frame_ms: int = 100, hold_ms: int = 1500, loop: int = 0, points: bool = True,
                    curves: bool = True, grid: bool = True, styles: Sequence[str] = (),
                    progress: Progress | None = None) -> None:
    """Write an animation of a training run, one frame per snapshot, the last one held.

    Parameters
    ----------
    run : TrainingRun
    path : str or os.PathLike
        ``.gif`` or ``.webp``.
    view : {"logit", "input", "both"}
        ``logit``: the article's plane of the two output scores (x', y') with the boundary y' = x';
        ``input``: decision regions in the input plane; ``both``: side by side.
    size, dpi, title, styles
        As for :func:`plot_figure`.
    frame_ms, hold_ms, loop : int
        Milliseconds per frame, for the last frame, and times to play (0: forever).
    points, curves, grid : bool
        Draw the data points, the class curves, the image of a regular grid.
    progress : callable, optional
        Wraps the sequence of snapshots.
    """
    from actviz.render import training as render
    from actviz.render.figure import rc_context
    from actviz.render.layout import AnimationSettings

    check_view(view, run.arch.classes)
    figure = _figure(size, dpi, styles, title)
    timing = AnimationSettings(frame_ms, hold_ms, loop)
    with rc_context(figure.styles):
        render.write_animation(run, path, view=view, size=figure.size, dpi=figure.dpi, title=figure.title,
                               frame_ms=timing.frame_ms, hold_ms=timing.hold_ms, loop=timing.loop, points=points,
                               curves=curves, grid=grid, progress=progress)


def boundary_figure(models: Sequence[str] = ARTICLE_MODELS, *, hidden: Sequence[int] = (4,),
                    data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2,
                    seed: int = 0, steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
                    weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
                    units: bool = False, points: bool = True, ncols: int | None = None,
                    size: tuple[float, float] | None = None, dpi: float | None = None, title: str | None = None,
                    styles: Sequence[str] = (), progress: Progress | None = None, fig: "FigureBase | None" = None,
                    ax: "Axes | Sequence[Axes] | None" = None) -> "Figure":
    """Decision boundaries of small networks trained on the same data, side by side.

    Parameters
    ----------
    models : sequence of str
        ``ACT@H``: ``relu@4``, ``sigmoid@4``, ``relu@300``, ``tanh@8,8``; a bare activation uses ``hidden``.
        Default: the article's Sigmoid 4, Softplus 4, ReLU 4, ReLU 300.
    hidden : sequence of int
    data, count, noise, classes, seed, steps, lr, optimizer, weight_decay, init, batch
        As for :func:`train`.
    units : bool
        Draw each first-layer unit's line w.x + b = 0 (layers of up to 16 units).
    points : bool
    ncols : int, optional
        Panels per row (default: up to 4).
    size, dpi, title, styles
        As for :func:`plot_figure`. Under a style for grey print (``paper``) the classes differ by
        marker shape and lightness as well as hue.
    progress : callable, optional
        Wraps the sequence of networks to train.
    fig : matplotlib Figure or SubFigure, optional
        Draw the panels into it.
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into your Axes, one per model. With ``fig`` or ``ax``, ``size``, ``dpi`` and
        ``styles`` do not apply.

    Returns
    -------
    matplotlib.figure.Figure
        Panels titled like the article ("ReLU 4"): the new figure, the ``fig`` you gave, or the
        figure holding your ``ax``.
    """
    from actviz.core import net
    from actviz.core.fit import DataSettings, FitSettings

    parsed = [net.parse_model(m, hidden, "boundary") for m in models]
    if not parsed:
        raise UserError("no model given; name at least one, e.g. relu@4")
    ds = DataSettings(data, count, noise, classes, seed).make() if isinstance(data, str) else data
    settings = FitSettings(steps=steps or net.DEFAULT_STEPS, lr=lr, optimizer=optimizer,
                           weight_decay=net.DEFAULT_WEIGHT_DECAY if weight_decay is None else weight_decay,
                           init=init, batch=batch, seed=seed)
    archs = [net.architecture(act, sizes, classes=ds.classes, command="boundary") for act, sizes in parsed]
    figure = _figure(size, dpi, styles, title, fig=fig, ax=ax)
    return draw_boundaries(archs, ds, settings, figure, units=units, points=points, ncols=ncols, progress=progress,
                           fig=fig, ax=ax)


def draw_boundaries(archs: Sequence["Architecture"], data: "Dataset", settings: "FitSettings",
                    figure: "FigureSettings", *, units: bool = False, points: bool = True, ncols: int | None = None,
                    progress: Progress | None = None, fig=None, ax=None) -> "Figure":
    """Train each architecture under validated settings and draw the boundaries (see :func:`boundary_figure`)."""
    from actviz.render import training as render
    from actviz.render.figure import as_axes, check_own_figure_only, rc_context, root_figure

    check_own_figure_only(fig, ax, styles=figure.styles, size=figure.size)
    axes = as_axes(ax, len(archs), f"a figure of {len(archs)} models") if ax is not None else None
    panels = []
    for arch in (progress(archs) if progress else archs):
        run = run_training(arch, data, settings)
        panels.append(render.Panel(arch.title, arch, run.final.theta, run.final.accuracy))
    if fig is not None or ax is not None:
        made = render.boundary_figure(panels, data, units=units, ncols=ncols, title=figure.title, points=points,
                                      parent=fig, axes=axes)
        return made if ax is None else root_figure(made)
    with rc_context(figure.styles):
        made = render.boundary_figure(panels, data, units=units, ncols=ncols, size=figure.size, dpi=figure.dpi,
                                      title=figure.title, points=points)
        _made_with(made, figure)
        return made
