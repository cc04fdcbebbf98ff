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
    from actviz.core.fit import DataSettings, FitSettings
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


def _draw(figure: "FigureSettings", draw: Callable, *args, **kwargs):
    """``draw(*args, size=, dpi=, title=, **kwargs)`` under the styles of ``figure``: how the API hands its
    settings to a renderer."""
    from actviz.render.figure import rc_context

    with rc_context(figure.styles):
        return draw(*args, size=figure.size, dpi=figure.dpi, title=figure.title, **kwargs)


def _one_input(acts: Sequence[BoundActivation], command: str) -> Sequence[BoundActivation]:
    """Refuse gated functions, which have no curve (they take two inputs), before any work."""
    for act in acts:
        act.require_kind(("elementwise", "vector", "widening", "pooling"), command)
    return acts


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
    if family == "gated":
        raise UserError("the gated family's functions take two inputs f(a, b); draw them with 'actviz surface "
                        "glu swiglu geglu reglu bilinear'")
    # a sheet of curves holds the one-input functions; gated ones are drawn by actviz surface
    extra = [a for a in catalogue() if not a.gated and (all_ or (family and a.family == family))]
    bound += [BoundActivation(a, a.defaults()) for a in extra]
    if not bound:
        raise UserError("no activation given; name at least one (e.g. relu), or use --family or --all")
    return bound


def curves(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0), samples: int = 801,
           x: np.ndarray | None = None, progress: Progress | None = None, command: str = "plot") -> list[Curve]:
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
    command : str
        Names the caller when a gated function (which has no curve) is refused.
    progress : callable, optional
        Wraps the pieces of work (e.g. :func:`actviz.progress.tracker`); the values are the same.

    Returns
    -------
    list of Curve
        One per activation, with arrays ``x``, ``y`` and ``dy`` (and its ``style``).
    """
    from actviz.core.spec import parse_curve

    parsed = [parse_curve(s) for s in specs]
    acts = _one_input([a for a, _ in parsed], command)  # a gated function has no curve: refused before any work
    if not acts:
        raise UserError("no activation given")
    points = sample_grid(xlim, samples) if x is None else np.asarray(x, dtype=float)
    return evaluate(acts, points, progress, [st for _, st in parsed])


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
                ncols: int | None = None, progress: Progress | None = None, fig: "FigureBase | None" = None,
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
    progress : callable, optional
        Wraps the pieces of evaluation work (e.g. :func:`actviz.progress.tracker`).
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
    data = curves(specs, xlim=xlim, samples=samples, progress=progress)
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


def compute_warp(settings: "WarpSettings", progress: Progress | None = None) -> "WarpResult":
    """Push the spiral through every activation at every width of validated ``settings``
    (``progress`` wraps the sequence of panels, e.g. :func:`actviz.progress.tracker`)."""
    from actviz.core import warp

    return warp.compute(settings, progress)


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
                        format: str | None = None, fps: float | None = None, crf: int | None = None,
                        styles: Sequence[str] = (), progress: Progress | None = None) -> None:
    """Write a looping animation of each panel moving from identity (t = 0) to the activation (t = 1) and back.

    Parameters
    ----------
    result : WarpResult
    path : str or os.PathLike
        ``.gif``, ``.webp``, ``.apng``, ``.mp4``, ``.webm``, or a folder with ``format="animate"``.
    frames : int
        Frames of the loop, 2 to 400.
    limits, size, dpi, title, styles
        As for :func:`warp_figure`.
    format, fps, crf
        As for :func:`train_animation`.
    progress : callable, optional
        Wraps the sequence of frames (e.g. :func:`actviz.progress.tracker`).
    """
    from actviz.core.warp import check_frames
    from actviz.render import warp as render
    from actviz.render.layout import Encoding

    figure = _figure(size, dpi, styles, title)
    _choice(limits, WARP_LIMITS, "limits")
    check_frames(frames)
    encoding = Encoding.for_output(os.fspath(path), format, fps=fps, crf=crf)
    _draw(figure, render.write_animation, result, path, frames=frames, limits=limits, encoding=encoding,
          progress=progress)


# ---- a tiny network learning: actviz train and actviz boundary ------------------------------

__all__ += ["ARTICLE_MODELS", "boundary_figure", "dataset", "run_training", "train", "train_animation"]

ARTICLE_MODELS = ("sigmoid@4", "softplus@4", "relu@4", "relu@300")
"""The reference article's decision-boundary figure: Sigmoid 4, Softplus 4, ReLU 4, ReLU 300."""

VIEWS = ("logit", "input", "both", "layers")


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
                    curves: bool = True, grid: bool = True, limits: str = "follow", format: str | None = None,
                    fps: float | None = None, crf: int | None = None, styles: Sequence[str] = (),
                    progress: Progress | None = None) -> None:
    """Write an animation of a training run, one frame per snapshot, the last one held.

    Parameters
    ----------
    run : TrainingRun
    path : str or os.PathLike
        ``.gif``, ``.webp``, ``.apng``, ``.mp4``, ``.webm``, or a folder with ``format="animate"``.
    view : {"logit", "input", "both", "layers"}
        ``logit``: the article's plane of the two output scores (x', y') with the boundary y' = x';
        ``input``: decision regions in the input plane; ``both``: side by side; ``layers``: every
        layer's picture (see :func:`layers_animation`).
    size, dpi, title, styles
        As for :func:`plot_figure`.
    frame_ms, hold_ms, loop : int
        Milliseconds per frame, for the last frame, and times to play (0: forever).
    points, curves, grid : bool
        Draw the data points, the class curves, the image of a regular grid.
    limits : {"follow", "final"}
        The logit plane's axis limits: following the data, eased from frame to frame, or fixed
        to hold every frame.
    format : {"gif", "webp", "apng", "mp4", "webm", "animate"}, optional
        Default: the one the extension names; ``animate`` writes PNG frames and ``animation.tex``
        (for LaTeX's animate package) into the folder ``path``.
    fps, crf : float, int, optional
        Frame rate and quality of a video (``.mp4``, ``.webm``); see ``docs/animations.md``.
    progress : callable, optional
        Wraps the sequence of snapshots.
    """
    from actviz.render import training as render
    from actviz.render.layout import AnimationSettings, Encoding

    check_view(view, run.arch.classes)
    _choice(limits, render.LIMITS, "limits")
    if view == "layers":
        return layers_animation(run, path, size=size, dpi=dpi, title=title, frame_ms=frame_ms, hold_ms=hold_ms,
                                loop=loop, points=points, curves=curves, grid=grid, format=format, fps=fps, crf=crf,
                                styles=styles, progress=progress)
    figure = _figure(size, dpi, styles, title)
    timing = AnimationSettings(frame_ms, hold_ms, loop)
    encoding = Encoding.for_output(os.fspath(path), format, fps=fps, crf=crf, loop=timing.loop)
    _draw(figure, render.write_animation, run, path, view=view, points=points, curves=curves, grid=grid,
          limits=limits, encoding=encoding, progress=progress, **timing.keywords())


def boundary_figure(models: Sequence[str] = ARTICLE_MODELS, *, hidden: Sequence[int] = (4,),
                    data: "str | Dataset" = "circles", count: int = 400, noise: float = 0.05, classes: int = 2,
                    seed: int = 0, steps: int | None = None, lr: float | None = None, optimizer: str = "adam",
                    weight_decay: float | None = None, init: str = "auto", batch: int | None = None,
                    units: bool = False, points: bool = True, ncols: int | None = None,
                    size: tuple[float, float] | None = None, dpi: float | None = None, title: str | None = None,
                    styles: Sequence[str] = (), progress: Progress | None = None, regions: bool = False,
                    fig: "FigureBase | None" = None, ax: "Axes | Sequence[Axes] | None" = None) -> "Figure":
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
        Draw each first-layer unit's line w.x + b = 0 (layers of up to 16 units) and, for
        piecewise-linear two-class networks, the exact boundary segments with their count.
    points : bool
    ncols : int, optional
        Panels per row (default: up to 4).
    size, dpi, title, styles
        As for :func:`plot_figure`. Under a style for grey print (``paper``) the classes differ by
        marker shape and lightness as well as hue.
    progress : callable, optional
        Wraps the sequence of networks to train.
    regions : bool
        Fill the exact linear regions as cells and write their count (piecewise-linear only).
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
                           regions=regions, fig=fig, ax=ax)


def draw_boundaries(archs: Sequence["Architecture"], data: "Dataset", settings: "FitSettings",
                    figure: "FigureSettings", *, units: bool = False, points: bool = True, ncols: int | None = None,
                    progress: Progress | None = None, regions: bool = False,
                    steps: Callable[[int], None] | None = None, fig=None, ax=None) -> "Figure":
    """Train each architecture under validated settings and draw the boundaries (see :func:`boundary_figure`);
    ``steps(k)`` hears of every k training steps done, over all the networks."""
    from actviz.render.figure import as_axes, check_own_figure_only

    check_own_figure_only(fig, ax, styles=figure.styles, size=figure.size)
    if ax is not None:
        as_axes(ax, len(archs), f"a figure of {len(archs)} model{'s' if len(archs) != 1 else ''}")
    panels = boundary_panels(archs, data, settings, segments=units or regions, regions=regions, progress=progress,
                             steps=steps)
    return panels_figure(panels, data, figure, units=units, regions=regions, points=points, ncols=ncols, fig=fig,
                         ax=ax)


# ---- every layer's picture, exact linear regions and boundary segments (issue 16) -----------

__all__ += ["boundary_panels", "boundary_segments", "layers_animation", "layers_figure", "linear_regions",
            "panels_figure", "region_counts"]

if TYPE_CHECKING:  # pragma: no cover
    from actviz.core.regions import Boundary, Regions
    from actviz.render.training import Panel


def boundary_panels(archs: Sequence["Architecture"], data: "Dataset", settings: "FitSettings", *,
                    segments: bool = False, regions: bool = False, progress: Progress | None = None,
                    steps: Callable[[int], None] | None = None) -> "list[Panel]":
    """Train each architecture on ``data`` and return one panel per network, for :func:`panels_figure`.

    Parameters
    ----------
    archs : sequence of Architecture
    data : Dataset
    settings : FitSettings
    segments : bool
        Give each piecewise-linear two-class panel its exact boundary (``panel.boundary``,
        see :func:`boundary_segments`).
    regions : bool
        Give every panel its exact cells (``panel.regions``); a smooth activation is refused.
    progress : callable, optional
        Wraps the sequence of networks to train.
    steps : callable, optional
        Called with the number of training steps done since its last call, over all the networks.

    Returns
    -------
    list of Panel
    """
    from actviz.core import regions as exact
    from actviz.core.scenes import data_box
    from actviz.render.training import Panel

    if regions:
        for arch in archs:
            if not exact.is_piecewise_linear(arch.act):
                raise UserError(exact.refusal(arch.act, "--regions needs"))
    box = data_box(data)
    panels = []
    for arch in (progress(archs) if progress else archs):
        run = run_training(arch, data, settings, steps)
        cells = boundary = None
        if (segments or regions) and exact.is_piecewise_linear(arch.act):
            cells = exact.linear_regions(arch, run.final.theta, box)
            if segments and exact.boundary_refusal(cells) is None:
                boundary = exact.boundary(cells)
        panels.append(Panel(arch.title, arch, run.final.theta, run.final.accuracy, regions=cells, boundary=boundary))
    return panels


def panels_figure(panels: "Sequence[Panel]", data: "Dataset", figure: "FigureSettings", *, units: bool = False,
                  regions: bool = False, points: bool = True, ncols: int | None = None,
                  fig: "FigureBase | None" = None, ax: "Axes | Sequence[Axes] | None" = None) -> "Figure":
    """Draw the panels of :func:`boundary_panels` side by side (or into your ``fig``, or your ``ax``
    with one Axes per panel, as :func:`boundary_figure` does).

    ``units`` dashes the first-layer unit lines and writes the segment count of panels that
    have exact segments; ``regions`` fills their exact cells and writes the region count.
    """
    from actviz.render import training as render
    from actviz.render.figure import as_axes, check_own_figure_only, rc_context, root_figure

    check_own_figure_only(fig, ax, styles=figure.styles, size=figure.size)
    if fig is not None or ax is not None:
        axes = as_axes(ax, len(panels), f"a figure of {len(panels)} panels") if ax is not None else None
        made = render.boundary_figure(panels, data, units=units, ncols=ncols, title=figure.title, points=points,
                                      regions=regions, parent=fig, axes=axes)
        return made if ax is None else root_figure(made)
    with rc_context(figure.styles):
        made = render.boundary_figure(panels, data, units=units, ncols=ncols, size=figure.size, dpi=figure.dpi,
                                      title=figure.title, points=points, regions=regions)
        _made_with(made, figure)
        return made


def linear_regions(run: "TrainingRun", snapshot: int = -1, box: Sequence[float] | None = None) -> "Regions":
    """The exact linear regions of a trained piecewise-linear network.

    Parameters
    ----------
    run : TrainingRun
    snapshot : int
        Which of ``run.snapshots`` (default: the final network).
    box : (x0, x1, y0, y1), optional
        The part of the input plane to cut (default: the square the pictures show around the data).

    Returns
    -------
    Regions
        ``.counts`` per hidden layer, ``.polygons``, ``.patterns`` and the affine class scores of
        each cell. Smooth activations are refused (a user error).
    """
    from actviz.core import regions as exact
    from actviz.core.scenes import data_box

    return exact.linear_regions(run.arch, run.snapshots[snapshot].theta, box or data_box(run.data))


def boundary_segments(run: "TrainingRun", snapshot: int = -1, box: Sequence[float] | None = None) -> "Boundary":
    """The decision boundary of a two-class piecewise-linear network as maximal straight segments
    (``.count``, ``.segments`` S x 2 x 2); arguments as for :func:`linear_regions`."""
    from actviz.core import regions as exact

    return exact.boundary(linear_regions(run, snapshot, box))


def region_counts(run: "TrainingRun", box: Sequence[float] | None = None,
                  progress: Progress | None = None) -> tuple[list[str], list[list]]:
    """Exact counts for every snapshot of a run, as columns and rows.

    Returns
    -------
    columns : list of str
        ``frame``, ``step``, ``regions_layer1`` ... (cells after each hidden layer), ``segments``.
    rows : list of list
        One per snapshot; ``segments`` is None when not counted (more than 2 classes, or an
        activation that jumps).
    """
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
    """The final network of ``run`` layer by layer, as a still figure.

    The input plane; the image of the data, class curves, a grid and the boundary after each
    hidden layer (2 units as they are, wider layers on their first two principal axes, named on
    the panel); the output plane with y' = x'. Needs 2 classes. Arguments as for :func:`train_animation`.
    """
    from actviz.render import layers as render

    return _draw(_figure(size, dpi, styles, title), render.layers_figure, run, points=points, curves=curves,
                 grid=grid)


def layers_animation(run: "TrainingRun", path: str | os.PathLike, *, size: tuple[float, float] | None = None,
                     dpi: float = 100, title: str | None = None, frame_ms: int = 100, hold_ms: int = 1500,
                     loop: int = 0, points: bool = True, curves: bool = True, grid: bool = True,
                     format: str | None = None, fps: float | None = None, crf: int | None = None,
                     styles: Sequence[str] = (), progress: Progress | None = None) -> None:
    """Write the run layer by layer as an animation (what ``actviz train --view layers`` makes).

    The projections of wide layers are fitted once over all snapshots and kept, and the panel
    limits hold every frame. Arguments as for :func:`train_animation`.
    """
    from actviz.render import layers as render
    from actviz.render.layout import AnimationSettings, Encoding

    figure = _figure(size, dpi, styles, title)
    timing = AnimationSettings(frame_ms, hold_ms, loop)
    encoding = Encoding.for_output(os.fspath(path), format, fps=fps, crf=crf, loop=timing.loop)
    _draw(figure, render.write_animation, run, path, points=points, curves=curves, grid=grid, encoding=encoding,
          progress=progress, **timing.keywords())


# ---- deep stacks: signals and gradients with depth, gains, convergence (actviz depth) -------

__all__ += ["compute_convergence", "compute_depth", "convergence_figure", "convergence_result",
            "convergence_settings", "compute_phase", "depth_figure", "depth_result", "depth_settings", "gain",
            "phase_figure", "phase_result", "phase_settings"]

if TYPE_CHECKING:  # pragma: no cover
    from actviz.core.converge import ConvergenceResult, ConvergenceSettings
    from actviz.core.depth import DepthResult, DepthSettings
    from actviz.core.phase import PhaseResult, PhaseSettings


def gain(spec: str | BoundActivation, q: float = 1.0) -> float | None:
    """The gain that keeps a wide layer's variance fixed at ``q``: sqrt(q / E[f(sqrt(q) Z)^2]), Z ~ N(0, 1).

    Computed by Gaussian quadrature split at the function's kinks, never by sampling; exact where a
    closed form exists (relu sqrt(2), leaky relu sqrt(2 / (1 + s^2)), identity 1, SELU 1 at q = 1).

    Parameters
    ----------
    spec : str or BoundActivation
    q : float
        The stated input variance (default 1).

    Returns
    -------
    float or None
        None where there is none: a function that is not element-wise, or not finite for Gaussian inputs.
    """
    from actviz.core import gain as meanfield

    return meanfield.gain(as_bound(spec), q)


def depth_settings(activations: Sequence[str | BoundActivation] | None = None,
                   inits: Sequence[str] | str | None = None, *, depth: int = 20, width: int = 256,
                   input_dim: int | None = None, inputs: str = "normal", input_var: float = 1.0,
                   bias_std: float = 0.0, samples: int = 256, seed: int = 0,
                   gain_var: float = 1.0) -> "DepthSettings":
    """A validated deep-stack request (see :func:`depth_result` for the parameters)."""
    from actviz.core import depth as core
    from actviz.core.inits import parse_inits

    names = ",".join(core.DEFAULT_INITS) if inits is None else inits if isinstance(inits, str) else ",".join(inits)
    acts = tuple(as_bound(s) for s in (core.DEFAULT_ACTIVATIONS if activations is None else activations))
    return core.DepthSettings(acts, tuple(parse_inits(names)), depth=depth, width=width, input_dim=input_dim,
                              inputs=inputs, input_var=input_var, bias_std=bias_std, samples=samples, seed=seed,
                              gain_var=gain_var)


def compute_depth(settings: "DepthSettings", progress: Progress | None = None) -> "DepthResult":
    """Run every (activation, initialisation) stack of validated ``settings``."""
    from actviz.core import depth as core

    return core.compute(settings, progress)


def depth_result(activations: Sequence[str | BoundActivation] | None = None, inits: Sequence[str] | str | None = None,
                 *, depth: int = 20, width: int = 256, input_dim: int | None = None, inputs: str = "normal",
                 input_var: float = 1.0, bias_std: float = 0.0, samples: int = 256, seed: int = 0,
                 gain_var: float = 1.0, progress: Progress | None = None) -> "DepthResult":
    """Deep stacks run forward and backward, one per (activation, initialisation), on the same inputs.

    Parameters
    ----------
    activations : sequence of str or BoundActivation, optional
        One block of rows each (default: sigmoid, tanh, relu).
    inits : sequence of str or str, optional
        One column each: ``xavier-uniform``, ``xavier-normal``, ``he-fan-in``, ``he-fan-out``, ``lecun``,
        ``orthogonal``, ``gain`` (``he``, ``xavier`` too), optionally with a gain, ``gain:1.5``; a comma list
        is accepted (default: xavier-uniform, he-fan-in, orthogonal, gain).
    depth, width : int
        Layers and units per layer.
    input_dim : int, optional
        Input dimension (default: ``width``).
    inputs : {"normal", "uniform"}
        Each input coordinate N(0, input_var) or uniform with that variance.
    input_var, bias_std : float
        Input variance; biases N(0, bias_std^2).
    samples, seed : int
        Inputs pushed through each stack; the seed of the inputs and the weights.
    gain_var : float
        The input variance at which computed gains keep the variance fixed.
    progress : callable, optional
        Wraps the sequence of stacks.

    Returns
    -------
    DepthResult
        ``cells[i][j]`` with per-layer measured mean squares, quantiles, zero shares and the mean-field
        prediction; ``rows()`` the numbers behind every panel.
    """
    return compute_depth(depth_settings(activations, inits, depth=depth, width=width, input_dim=input_dim,
                                        inputs=inputs, input_var=input_var, bias_std=bias_std, samples=samples,
                                        seed=seed, gain_var=gain_var), progress)


def depth_figure(result: "DepthResult", *, size: tuple[float, float] | None = None, dpi: float = 150,
                 title: str | None = None, styles: Sequence[str] = ()) -> "Figure":
    """The grid: pre-activations, activations and gradients (three rows) per activation, a column per
    initialisation; per layer the bands of |value|, the measured RMS and the mean-field RMS, on log scales.

    Parameters
    ----------
    result : DepthResult
    size, dpi, title, styles
        As for :func:`plot_figure`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from actviz.render import depth as render

    return _draw(_figure(size, dpi, styles, title), render.depth_figure, result)


def convergence_settings(activations: Sequence[str | BoundActivation] | None = None,
                         inits: Sequence[str] | None = None, *, hidden: Sequence[int] = (32,) * 6,
                         data: str = "spiral", count: int = 200, noise: float = 0.05, seed: int = 0, seeds: int = 5,
                         steps: int = 300, lr: float | None = None, optimizer: str = "momentum",
                         weight_decay: float = 0.0, batch: int | None = None) -> "ConvergenceSettings":
    """A validated convergence experiment (see :func:`convergence_result` for the parameters)."""
    from actviz.core import converge
    from actviz.core.fit import DataSettings, FitSettings

    acts = tuple(as_bound(s) for s in (converge.DEFAULT_ACTIVATIONS if activations is None else activations))
    return converge.ConvergenceSettings(
        acts, tuple(converge.DEFAULT_INITS if inits is None else inits), tuple(hidden), seeds,
        DataSettings(data, count, noise, 2, seed),
        FitSettings(steps=steps, lr=lr, optimizer=optimizer, weight_decay=weight_decay, batch=batch, seed=seed))


def compute_convergence(settings: "ConvergenceSettings",
                        progress: Callable[[int], None] | None = None) -> "ConvergenceResult":
    """Train every run of validated ``settings``; ``progress(k)`` hears of every k steps done."""
    from actviz.core import converge

    return converge.compute(settings, progress)


def convergence_result(activations: Sequence[str | BoundActivation] | None = None,
                       inits: Sequence[str] | None = None, *, hidden: Sequence[int] = (32,) * 6,
                       data: str = "spiral", count: int = 200, noise: float = 0.05, seed: int = 0,
                       seeds: int = 5, steps: int = 300, lr: float | None = None, optimizer: str = "momentum",
                       weight_decay: float = 0.0, batch: int | None = None,
                       progress: Callable[[int], None] | None = None) -> "ConvergenceResult":
    """The same network trained from several seeds per (activation, initialisation); every step's loss.

    Parameters
    ----------
    activations : sequence of str or BoundActivation, optional
        One panel each (default: relu, sigmoid).
    inits : sequence of str, optional
        One curve each: ``auto``, ``he``, ``xavier``, ``gain`` or any scheme of :func:`depth_result`
        (default: he, xavier).
    hidden : sequence of int
        Hidden layer sizes of the network (2 inputs, softmax output), default six layers of 32.
    data, count, noise : str, int, float
        The toy data set (2 classes), drawn from ``seed`` as in :func:`train`.
    seed, seeds : int
        Run k starts from the network ``actviz train --seed seed+k`` starts from.
    steps, lr, optimizer, weight_decay, batch
        As for :func:`train` (default: momentum, no weight decay).
    progress : callable, optional
        Called with the number of steps done since its last call.

    Returns
    -------
    ConvergenceResult
        ``runs[i][j].loss`` is seeds x (steps + 1); a diverged run is +inf from its divergence on.
    """
    return compute_convergence(convergence_settings(activations, inits, hidden=hidden, data=data, count=count,
                                                    noise=noise, seed=seed, seeds=seeds, steps=steps, lr=lr,
                                                    optimizer=optimizer, weight_decay=weight_decay, batch=batch),
                               progress)


def convergence_figure(result: "ConvergenceResult", *, size: tuple[float, float] | None = None, dpi: float = 150,
                       title: str | None = None, ncols: int | None = None, styles: Sequence[str] = ()) -> "Figure":
    """Loss against step, one panel per activation: the median and the min-max band over seeds per init.

    Parameters
    ----------
    result : ConvergenceResult
    size, dpi, title, styles
        As for :func:`plot_figure`.
    ncols : int, optional
        Panels per row (default: up to 3).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from actviz.render import depth as render

    return _draw(_figure(size, dpi, styles, title), render.convergence_figure, result, ncols=ncols)


def phase_settings(activations: Sequence[str | BoundActivation] | None = None, *, depth: int = 20,
                   input_var: float = 1.0, sigma_w: tuple[float, float] = (0.05, 4.0),
                   sigma_b: tuple[float, float] = (0.0, 1.0), inits: Sequence[str] | str = ("xavier", "he", "gain"),
                   bias_std: float = 0.0, gain_var: float = 1.0) -> "PhaseSettings":
    """A validated phase-plane request (see :func:`phase_result` for the parameters)."""
    from actviz.core import phase
    from actviz.core.inits import parse_inits

    acts = tuple(as_bound(s) for s in (("tanh",) if activations is None else activations))
    names = inits if isinstance(inits, str) else ",".join(inits)
    return phase.PhaseSettings(acts, depth=depth, input_var=input_var, sigma_w=tuple(sigma_w),
                               sigma_b=tuple(sigma_b), inits=tuple(parse_inits(names)) if names else (),
                               bias_std=bias_std, gain_var=gain_var)


def compute_phase(settings: "PhaseSettings") -> "PhaseResult":
    """Run the recursion over the plane of validated ``settings``."""
    from actviz.core import phase

    return phase.compute(settings)


def phase_result(activations: Sequence[str | BoundActivation] | None = None, *, depth: int = 20,
                 input_var: float = 1.0, sigma_w: tuple[float, float] = (0.05, 4.0),
                 sigma_b: tuple[float, float] = (0.0, 1.0), inits: Sequence[str] | str = ("xavier", "he", "gain"),
                 bias_std: float = 0.0, gain_var: float = 1.0) -> "PhaseResult":
    """The order-to-chaos plane: for each (sigma_w, sigma_b), the mean-field recursion run for ``depth`` layers.

    Parameters
    ----------
    activations : sequence of str or BoundActivation, optional
        One plane each (default: tanh).
    depth : int
        Layers of the stack.
    input_var : float
        Variance of the inputs.
    sigma_w, sigma_b : (float, float)
        Ranges of the plane.
    inits : sequence of str or str
        Initialisations to mark at their sigma_w on layers of equal width (a comma list is accepted; empty:
        none), at sigma_b = ``bias_std``; computed gains at input variance ``gain_var``.
    bias_std, gain_var : float

    Returns
    -------
    PhaseResult
        Per activation: the last layer's variance ``q``, ``chi`` = sigma_w^2 E[phi'(sqrt(q) Z)^2] there,
        ``log_ratio``, log10 of the gradient's mean square at the first layer over the top's, and the marks.
    """
    return compute_phase(phase_settings(activations, depth=depth, input_var=input_var, sigma_w=sigma_w,
                                        sigma_b=sigma_b, inits=inits, bias_std=bias_std, gain_var=gain_var))


def phase_figure(result: "PhaseResult", *, size: tuple[float, float] | None = None, dpi: float = 150,
                 title: str | None = None, ncols: int | None = None, styles: Sequence[str] = ()) -> "Figure":
    """The planes, coloured blue where gradients vanish over the stack and red where they explode, with the
    line where they keep their size and a mark per initialisation.

    Parameters
    ----------
    result : PhaseResult
    size, dpi, title, styles
        As for :func:`plot_figure`.
    ncols : int, optional
        Panels per row (default: up to 3).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from actviz.render import depth as render

    return _draw(_figure(size, dpi, styles, title), render.phase_figure, result, ncols=ncols)


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
                derivative: bool | None = None, ylim: tuple[float, float] | None = None,
                dylim: tuple[float, float] | None = None, title: str | None = None, legend: bool = True,
                formula: str | None = None, size: tuple[float, float] | None = None, dpi: float | None = None,
                styles: Sequence[str] = (), fig: "FigureBase | None" = None,
                ax: "Axes | Sequence[Axes] | None" = None) -> "Figure":
    """A Figure of losses and their derivatives, drawn as :func:`plot_figure` draws activations,
    against the margin, the residual or the probability (probability losses default to y ranges
    0..5 and -10..10: they are infinite at the ends). As there, ``fig=`` or ``ax=`` draw into
    your own Figure, SubFigure or Axes (a single Axes gets l alone)."""
    from actviz.core.losses import AXIS_LABELS, DEFAULT_YLIM, VARIABLES
    from actviz.render import curves as render
    from actviz.render.figure import as_axes, check_own_figure_only, rc_context, root_figure

    _choice(layout, LAYOUTS, "layout")
    check_own_figure_only(fig, ax, styles=styles, size=size, dpi=dpi)
    data = loss_curves(specs, kind=kind, xlim=xlim, samples=samples)
    if derivative is None:
        derivative = not (ax is not None and len(as_axes(ax, None, "loss_figure")) == 1 and layout == "overlay")
    axes = None
    if ax is not None:
        axes = as_axes(ax, (2 if derivative else 1) if layout == "overlay" else len(data), f"a loss {layout}")
    shared = data[0].act.kind
    v = VARIABLES[shared]
    default_ylim, default_dylim = DEFAULT_YLIM.get(shared, (None, None))
    ylim, dylim = ylim or default_ylim, dylim or default_dylim
    ylabels = (rf"$\ell({v})$", rf"$\ell'({v})$")
    dpi = dpi if dpi is not None else 150
    with rc_context(styles) if fig is None and ax is None else contextlib.nullcontext():
        if layout == "overlay":
            made = render.overlay_figure(data, size=size or (7.0, 3.2), dpi=dpi, derivative=derivative, ylim=ylim,
                                         dylim=dylim, title=title, legend=legend, formula=formula or "none",
                                         xlabel=AXIS_LABELS[shared], ylabels=ylabels, parent=fig, axes=axes)
        else:
            made = render.grid_figure(data, size=size, dpi=dpi, derivative=derivative, ylim=ylim, title=title,
                                      legend=legend, formula=formula or "title", ylabels=ylabels, parent=fig,
                                      axes=axes)
    return made if ax is None else root_figure(made)


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
                        frame_ms: int = 80, hold_ms: int = 1500, loop: int = 0, format: str | None = None,
                        fps: float | None = None, crf: int | None = None, styles: Sequence[str] = (),
                        progress: Callable[[Sequence], Iterable] | None = None) -> None:
    """Write an animation of the race: ``frames`` steps spaced by ``schedule`` (linear or log), each
    frame the paths so far with their heads and the loss panel in step; the last frame held.
    ``format``, ``fps`` and ``crf`` as for :func:`train_animation` (GIF, WebP, APNG, MP4, WebM, LaTeX frames)."""
    from actviz.core.net import frame_steps
    from actviz.render import optim as render
    from actviz.render.layout import AnimationSettings, Encoding

    steps = frame_steps(result.steps, frames, schedule)
    figure = _figure(size, dpi, styles, title)
    timing = AnimationSettings(frame_ms, hold_ms, loop)
    encoding = Encoding.for_output(os.fspath(path), format, fps=fps, crf=crf, loop=timing.loop)
    _draw(figure, render.write_animation, result, path, steps=steps, encoding=encoding, progress=progress,
          **timing.keywords())


# ---- the catalogue of record: gated surfaces, citations, frameworks (issue 15) ----------------

__all__ += ["surfaces", "surface_figure", "citations", "framework_entries"]


def surfaces(specs: Sequence[str | BoundActivation], *, alim: tuple[float, float] = (-4.0, 4.0),
             blim: tuple[float, float] = (-4.0, 4.0), samples: int = 161, a: np.ndarray | None = None,
             b: np.ndarray | None = None) -> list:
    """f(a, b), df/da and df/db of gated functions (glu, swiglu, geglu, ...) on a grid.

    Parameters
    ----------
    specs : sequence of str or BoundActivation
        Gated activations; a one-input function is refused.
    alim, blim : (float, float)
        Ranges of the value a and of the gate input b.
    samples : int
        Points per axis.
    a, b : array, optional
        Explicit values instead of the ranges.

    Returns
    -------
    list of actviz.core.gated.Surface
    """
    from actviz.core import gated as core

    acts = [s if isinstance(s, BoundActivation) else parse_spec(s) for s in specs]
    if not acts:
        raise UserError("no activation given; name a gated function, e.g. swiglu")
    core.require_gated(acts, "surface")
    av = core.axis(alim, samples, "a") if a is None else np.asarray(a, dtype=float)
    bv = core.axis(blim, samples, "b") if b is None else np.asarray(b, dtype=float)
    return core.evaluate(acts, av, bv)


def surface_figure(specs: Sequence[str | BoundActivation], *, alim: tuple[float, float] = (-4.0, 4.0),
                   blim: tuple[float, float] = (-4.0, 4.0), samples: int = 161, size: tuple[float, float] | None = None,
                   dpi: float = 150, title: str | None = None, arrows: bool = True, contours: int = 9,
                   formula: bool = True, ncols: int | None = None, styles: Sequence[str] = ()) -> "Figure":
    """A Figure of gated functions f(a, b): one panel each, heatmap, level lines and gradient arrows on
    shared scales (see :func:`actviz.render.surface.surface_figure`)."""
    from actviz.render import surface as render
    from actviz.render.figure import rc_context

    data = surfaces(specs, alim=alim, blim=blim, samples=samples)
    with rc_context(styles):
        return render.surface_figure(data, size=size, dpi=dpi, title=title, arrows=arrows, contours=contours,
                                     formula=formula, ncols=ncols)


def citations(names: Iterable[str] = (), *, all_: bool = False) -> str:
    """BibTeX of the sources of the named activations (names, aliases, ``jax.gelu``, specs), each
    record once, in the order first needed; ``all_`` cites the whole catalogue."""
    from actviz.core import citations as bib

    acts = [a for a in catalogue() if a.cite] if all_ else [parse_spec(n).act for n in names]
    if not acts:
        raise UserError("no activation given; name at least one (e.g. gelu), or use --all")
    keys: list[str] = []
    for act in acts:
        if not act.cite:
            raise UserError(f"{act.name} has no citation (it is not a built-in: {act.source or 'defined here'})")
        keys += [k for k in act.cite if k not in keys]
    return "\n".join(bib.bibtex(k) for k in keys)


def framework_entries(framework: str) -> list:
    """(entry, ship) pairs of one framework (torch, keras, jax, flax, hf): its spellings, defaults, entries."""
    return _registry().framework(framework)


# ---- checks before work: what a request will need, refused up front (issue 14) ---------------

__all__ += ["check_data", "check_plot", "check_training", "check_warp"]

BOUNDARY_RASTER = 300 * 300
"""Points at which ``boundary`` evaluates each network for its decision regions."""


def _probe(fns, lo: float, hi: float, samples: int):
    """Seconds per point of evaluating ``fns`` together, and their values on up to 2048 points of [lo, hi]."""
    from actviz.core.budgets import seconds_per_point

    return seconds_per_point(fns, lo, hi, max(2, min(samples, 2048)))


def _padded(values: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """The y-limits the curve renderer fits to ``values`` (None: no finite value)."""
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return None
    lo, hi = min(float(v.min()) for v in finite), max(float(v.max()) for v in finite)
    with np.errstate(all="ignore"):
        span = hi - lo if hi - lo >= 1e-9 else max(abs(hi), 1.0)
        return lo - 0.06 * span, hi + 0.06 * span


def check_plot(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0),
               samples: int = 801, layout: str = "overlay", derivative: bool = True,
               ylim: tuple[float, float] | None = None, dylim: tuple[float, float] | None = None,
               formula: str | None = None, styles: Sequence[str] = (), latex: bool = False,
               size: tuple[float, float | None] | None = None, legend: bool = True, title: str | None = None) -> None:
    """Refuse, before any work, a plot that could not be drawn or would exhaust the budgets: curves with no
    finite value, values too large to draw, formulas mathtext cannot set, too many points to hold, a
    curve's colour, line style or label that cannot be drawn (with ``latex``, written into PGF).

    Parameters
    ----------
    specs, xlim, samples, layout, derivative, ylim, dylim, formula, styles
        As for :func:`plot_figure`.
    latex : bool
        The figure goes into a PGF file: its labels must be writable as LaTeX.
    size, legend, title
        As for :func:`plot_figure`: a catalogue sheet of a given width and height that cannot hold its
        panels and their titles is refused here, before any work.
    """
    from actviz.core.spec import parse_curve
    from actviz.render.style import check_curve_style
    from actviz.render.text import check_text

    parsed = [parse_curve(spec) for spec in specs]
    for _, drawn in parsed:
        check_curve_style(drawn)
        if drawn.label is not None:
            check_text(drawn.label, "label", styles, latex=latex)
    if layout == "grid" and size is not None and size[1] is not None:
        from actviz.render.curves import plan_grid
        from actviz.render.figure import rc_context

        empty = np.zeros(0)
        with rc_context(styles):
            plan_grid([Curve(a, empty, empty, empty, drawn) for a, drawn in parsed], size=size, ncols=None,
                      formula=formula or "title", title=bool(title), legend=legend, dpi=100)
    from actviz.core import budgets
    from actviz.core.curves import check_grid

    _choice(layout, LAYOUTS, "layout")
    check_grid(xlim, samples)
    acts = _one_input([parse_curve(s)[0] for s in specs], "plot")  # settings after ';' say how it is drawn
    seconds, values = _probe([a.f for a in acts] + [a.df for a in acts], xlim[0], xlim[1], samples)
    ys, dys = values[:len(acts)], values[len(acts):]
    for act, y in zip(acts, ys):
        # a curve needs two finite points (exp(1000)*x is finite at x = 0 only)
        if np.isfinite(y).sum() < 2 and np.isfinite(act.f(np.linspace(*xlim, samples))).sum() < 2:
            raise UserError(f"{act.spec} has no finite value for x in [{xlim[0]:g}, {xlim[1]:g}] but at one point at "
                            f"most: nothing to draw; choose another --xlim")
    panels = [(ys, ylim, "f")] + ([(dys, dylim, "f'")] if derivative else [])
    if layout == "grid":
        panels = [([y, *([dy] if derivative else [])], ylim, "f") for y, dy in zip(ys, dys)]
    for series, given, name in panels:
        fitted = None if given is not None else _padded(series)
        if fitted is not None and not all(map(np.isfinite, fitted)):
            raise UserError(f"the values of {name} reach {max(float(np.nanmax(np.abs(v[np.isfinite(v)]), initial=0)) for v in series):.3g}: "
                            f"too large to draw; give a narrower --xlim or set {'--ylim' if name == 'f' else '--dylim'}")
    shown = formula or ("title" if layout == "grid" else "none")
    if shown != "none" and not (shown == "title" and layout == "overlay" and len(acts) > 1):
        from actviz.render.text import check_text

        for act in acts:
            check_text(act.latex, f"formula of {act.spec}", styles)
    lines = 2 if derivative else 1
    cost = budgets.curves_cost(samples, len(acts), lines=lines, panels=len(acts) if layout == "grid" else lines,
                               eval_seconds=seconds)
    budgets.check_cost("this plot", cost, "use fewer --samples or functions")


def check_data(specs: Sequence[str | BoundActivation], *, xlim: tuple[float, float] = (-5.0, 5.0),
               samples: int = 101, x: Sequence[float] | None = None, fmt: str = "csv") -> None:
    """Refuse, before any work, a table that would exhaust the budgets (see :func:`curves`).

    Parameters
    ----------
    specs, xlim, samples, x
        As for :func:`curves`.
    fmt : {"csv", "tsv", "json"}
    """
    from actviz.core import budgets
    from actviz.core.curves import check_grid

    acts = _one_input([as_bound(s) for s in specs], "data")
    if x is None:
        check_grid(xlim, samples)
        lo, hi, rows = xlim[0], xlim[1], samples
    else:
        lo, hi, rows = min(x), max(x), len(x)
    seconds, _ = _probe([a.f for a in acts] + [a.df for a in acts], lo, hi if hi > lo else lo + 1, rows)
    cost = budgets.table_cost(rows, 1 + 2 * len(acts), fmt, eval_seconds=seconds)
    budgets.check_cost("this table", cost, "use fewer --samples or functions")


def check_warp(settings: "WarpSettings", *, frames: int = 0, pixels: int = 0, metrics: bool = False) -> None:
    """Refuse, before any work, a warp (figure, animation of ``frames`` frames of ``pixels`` pixels,
    metrics) that would exhaust the budgets."""
    from actviz.core import budgets

    reach = 2 * settings.scale + settings.bias
    seconds, _ = _probe([a.f for a in settings.acts], -reach, reach, 2048)
    grid_points = 18 * 201 if settings.grid else 0
    cost = budgets.warp_cost(settings.ns, len(settings.acts), points=settings.points, grid_points=grid_points,
                             frames=frames, pixels=pixels, act_seconds=2 * seconds / len(settings.acts),
                             metrics=metrics)
    budgets.check_cost("this warp", cost, "use fewer or smaller --n, fewer --points or --frames, or no --grid")


def check_training(archs: Sequence["Architecture"], data: "DataSettings", settings: "FitSettings", *, frames: int = 0,
                   pixels: int = 0, view: str = "logit", raster: int = 0) -> None:
    """Refuse, before any work, training runs that would exhaust the budgets: with ``frames``, an animation
    of that many frames of ``pixels`` pixels whose input view evaluates the network at ``raster`` points a
    frame; without, decision regions over ``raster`` points per network.

    ``data`` is a :class:`~actviz.core.fit.DataSettings` (nothing is generated).
    """
    from actviz.core import budgets

    total = budgets.Cost(0.0, 0.0)
    for arch in archs:
        seconds, _ = _probe([arch.act.f, arch.act.df], -5.0, 5.0, 2048)
        layers = (2, *arch.hidden, arch.classes)
        batch = min(settings.batch or data.count, data.count)
        kept = len(settings.record())
        if frames:
            rasters = [data.count + 2 * 13 * 120 + 2000]
            if view in ("input", "both"):
                rasters.append(raster)
            evaluations = frames
        else:
            rasters, evaluations = [raster], 1
        cost = budgets.network_cost(layers, count=data.count, batch=batch, steps=settings.steps, snapshots=kept,
                                    act_seconds=seconds, rasters=rasters, evaluations=evaluations)
        total = total.peak(cost)
    if frames:
        total = total + budgets.Cost(budgets.animation_mb(frames, pixels) + 4 * pixels / 1e6,
                                     frames * budgets.FRAME_SECONDS)
    what = "this training run" if len(archs) == 1 else f"training these {len(archs)} networks"
    budgets.check_cost(what, total, "use a smaller --count, --hidden or --steps" + (", or fewer --frames" if frames else ""))
