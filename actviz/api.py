"""The public Python API: arrays and matplotlib Figures, never pyplot or ``show``.

The CLI is a thin layer over these functions. Heavy modules (matplotlib) are
imported inside the functions that draw.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from actviz.activations import BoundActivation, Activation, catalogue, parse_spec, parse_specs
from actviz.curves import Curve, evaluate, sample_grid
from actviz.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["activation", "catalogue", "curves", "plot_figure", "save", "select_specs", "Activation",
           "BoundActivation", "Curve"]


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
