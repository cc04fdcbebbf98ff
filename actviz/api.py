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
           x: np.ndarray | None = None, command: str = "plot") -> list[Curve]:
    """x, f(x) and f'(x) for each activation, on a grid or at the given points (``command`` names the
    caller in the refusal of a gated function, which has no curve)."""
    acts = [s if isinstance(s, BoundActivation) else parse_spec(s) for s in specs]
    if not acts:
        raise UserError("no activation given")
    for act in acts:  # a gated function has no curve: refuse it before any work
        act.require_kind(("elementwise", "vector", "widening", "pooling"), command)
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
    list of actviz.core.surfaces.Surface
    """
    from actviz.core import surfaces as core

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
