"""Figures of activation functions and their derivatives.

Two layouts: ``overlay`` (the article's way: f(x) in one panel, f'(x) in another,
every function overlaid) and ``grid`` (one panel per function, f solid and f'
dashed), which is also the catalogue sheet.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure

from actviz.core.curves import Curve
from actviz.render.figure import new_figure

LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))


def _label(c: Curve, formula: str) -> str:
    if formula == "legend":
        return f"{c.label}: {c.act.latex}"
    return c.label


def _row_major(count: int, ncol: int) -> list[int]:
    """The order to give matplotlib (which fills a legend column by column) so that entries read
    left to right, then down, in plotting order."""
    rows, large = divmod(count, ncol)
    heights = [rows + 1 if c < large else rows for c in range(ncol)]
    cells = [(r, c) for r in range(max(heights, default=0)) for c in range(ncol) if r < heights[c]]
    index = {cell: i for i, cell in enumerate(cells)}  # row-major position -> entry
    return [index[(r, c)] for c in range(ncol) for r in range(heights[c])]


def _limits(values: Sequence[np.ndarray], pad: float = 0.06) -> tuple[float, float] | None:
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return None
    lo = min(float(v.min()) for v in finite)
    hi = max(float(v.max()) for v in finite)
    span = hi - lo
    if span < 1e-9:
        span = max(abs(hi), 1.0)
    return lo - pad * span, hi + pad * span


def overlay_figure(
    curves: Sequence[Curve],
    *,
    size: tuple[float, float],
    dpi: float = 100,
    derivative: bool = True,
    ylim: tuple[float, float] | None = None,
    dylim: tuple[float, float] | None = None,
    title: str | None = None,
    legend: bool = True,
    formula: str = "none",
    xlabel: str = r"$x$",
    ylabels: tuple[str, str] = (r"$f(x)$", r"$f'(x)$"),
) -> Figure:
    """f(x) and, optionally, f'(x) side by side, all curves overlaid (``xlabel``/``ylabels`` name the
    axes: a loss figure draws l(m) and l'(m) against the margin, say)."""
    fig = new_figure(*size, dpi=dpi)
    ncols = 2 if derivative else 1
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    panels = [(axes[0], "y", ylabels[0], ylim)]
    if derivative:
        panels.append((axes[1], "dy", ylabels[1], dylim))
    x = curves[0].x
    for ax, attr, ylabel, lim in panels:
        for i, c in enumerate(curves):
            # a style whose cycle sets line styles (paper) decides them; otherwise change them every 10 colours
            dash = {} if "linestyle" in rcParams["axes.prop_cycle"].keys else {"linestyle": LINESTYLES[(i // 10) % len(LINESTYLES)]}
            ax.plot(c.x, getattr(c, attr), label=_label(c, formula), **dash)
        ax.set_xlim(float(x[0]), float(x[-1]))
        ax.set_ylim(*(lim or _limits([getattr(c, attr) for c in curves])))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.axhline(0, color="0.5", linewidth=0.6, zorder=0)
        ax.axvline(0, color="0.5", linewidth=0.6, zorder=0)
    if formula == "title" and len(curves) == 1:
        title = f"{title + ': ' if title else ''}{curves[0].act.latex}"
    if title:
        fig.suptitle(title)
    if legend:
        handles, labels = axes[0].get_legend_handles_labels()
        ncol = min(len(labels), 4 if formula != "legend" else 2)
        for n in range(ncol, 0, -1):  # fewer columns until the legend fits the width (column-wide figures)
            order = _row_major(len(labels), n)
            box = fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center",
                             ncol=n)
            if n == 1 or box.get_window_extent(fig.canvas.get_renderer()).width <= 0.98 * fig.bbox.width:
                break
            box.remove()
    fig.set_layout_engine("constrained")
    return fig


def grid_figure(
    curves: Sequence[Curve],
    *,
    panel_size: tuple[float, float] = (2.6, 2.0),
    size: tuple[float, float] | None = None,
    dpi: float = 100,
    derivative: bool = True,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    legend: bool = True,
    formula: str = "title",
    ncols: int | None = None,
    ylabels: tuple[str, str] = (r"$f(x)$", r"$f'(x)$"),
) -> Figure:
    """One panel per function: f solid, f' dashed; with formulas in the panel titles (``ylabels``
    name the two lines in the legend)."""
    n = len(curves)
    ncols = ncols or min(n, max(1, round(math.sqrt(n * 1.4))))
    nrows = math.ceil(n / ncols)
    if size is None:
        size = (panel_size[0] * ncols, panel_size[1] * nrows + (0.5 if title else 0) + (0.3 if legend else 0))
    fig = new_figure(*size, dpi=dpi)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    f_color, df_color = "C0", "C1"
    for ax, c in zip(axes, curves):
        ax.plot(c.x, c.y, color=f_color, label=ylabels[0])
        series = [c.y]
        if derivative:
            ax.plot(c.x, c.dy, color=df_color, linestyle="--", linewidth=1.2, label=ylabels[1])
            series.append(c.dy)
        ax.set_xlim(float(c.x[0]), float(c.x[-1]))
        ax.set_ylim(*(ylim or _limits(series)))
        ax.axhline(0, color="0.6", linewidth=0.5, zorder=0)
        ax.axvline(0, color="0.6", linewidth=0.5, zorder=0)
        name = c.label
        ax.set_title(f"{name}\n{c.act.latex}" if formula == "title" else name, fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in axes[n:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    if legend:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(labels))
    fig.set_layout_engine("constrained")
    return fig
