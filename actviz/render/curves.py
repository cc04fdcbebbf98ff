"""Figures of activation functions and their derivatives.

Two layouts: ``overlay`` (the article's way: f(x) in one panel, f'(x) in another,
every function overlaid) and ``grid`` (one panel per function, f solid and f'
dashed), which is also the catalogue sheet. Each draws into a new figure, into the
caller's Figure or SubFigure (``parent``), or into the caller's Axes (``axes``, one per
panel); a curve's :class:`~actviz.core.spec.CurveStyle` sets its label, colour and line style.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.font_manager import FontProperties
from matplotlib.figure import FigureBase

from actviz.core.curves import Curve
from actviz.errors import UserError
from actviz.render.figure import inches, lay_out, new_figure
from actviz.render.fit import fit_title, renderer_for, text_width
from actviz.render.layout import overlay_ratio

LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))

PANEL_SIZE = (2.6, 2.0)
"""A grid panel's default size in inches, title included."""

MIN_FORMULA_PT = 5.0
"""Grid panel titles shrink to fit their panel, never below this size (then: fewer columns)."""


def _label(c: Curve, formula: str) -> str:
    if formula == "legend":
        return f"{c.label}: {c.act.latex}"
    return c.label


def _line_style(c: Curve, i: int) -> dict:
    """Keyword arguments of curve ``i``'s line: its own colour and dash when it has them; otherwise
    the style's cycle, with the dash changing every 10 colours when the cycle sets none."""
    kw = {} if "linestyle" in rcParams["axes.prop_cycle"].keys else {"linestyle": LINESTYLES[(i // 10) % len(LINESTYLES)]}
    if c.style.color is not None:
        kw["color"] = c.style.color
    if c.style.linestyle is not None:
        kw["linestyle"] = c.style.linestyle
    return kw


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


def _suptitle(parent: FigureBase, title: str) -> float:
    """The figure's title, wrapped at spaces to the figure's width; returns the height in inches
    its lines beyond the first take."""
    size = FontProperties(size=rcParams["figure.titlesize"]).get_size_in_points()
    text = fit_title(parent, title, inches(parent)[0] - 0.2, fontsize=size)
    parent.suptitle(text)
    return text.count("\n") * size * 1.2 / 72


def _legend(parent: FigureBase, handles, labels, ncol: int) -> float:
    """A legend below the panels, with fewer columns until it fits the width (column-wide figures);
    returns the height in inches its rows beyond the first take."""
    renderer = renderer_for(parent)
    for n in range(ncol, 0, -1):
        order = _row_major(len(labels), n)
        box = parent.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center",
                            ncol=n)
        extent = box.get_window_extent(renderer)
        if n == 1 or extent.width <= 0.98 * parent.bbox.width:
            rows = math.ceil(len(labels) / n)
            return extent.height / renderer_for(parent).points_to_pixels(72) * (rows - 1) / rows
        box.remove()
    return 0.0


def overlay_figure(
    curves: Sequence[Curve],
    *,
    size: tuple[float, float | None] | None = None,
    dpi: float = 100,
    derivative: bool = True,
    ylim: tuple[float, float] | None = None,
    dylim: tuple[float, float] | None = None,
    title: str | None = None,
    legend: bool = True,
    formula: str = "none",
    xlabel: str = r"$x$",
    ylabels: tuple[str, str] = (r"$f(x)$", r"$f'(x)$"),
    parent: FigureBase | None = None,
    axes: Sequence | None = None,
) -> FigureBase:
    """f(x) and, optionally, f'(x) side by side, all curves overlaid (``xlabel``/``ylabels`` name the
    axes: a loss figure draws l(m) and l'(m) against the margin, say).

    Into a new figure of ``size``, into ``parent`` (a Figure or SubFigure), or into ``axes``
    (one Axes per panel: the legend and title then go into the first one). A new figure
    whose height is left open (None) gets :func:`~actviz.render.layout.overlay_ratio` of its
    width, plus what a legend of several rows and a wrapped title need.
    """
    own_axes = axes is None
    grow = False
    if own_axes:
        if parent is None:
            width, height = size
            grow = height is None
            parent = new_figure(width, height if height is not None else width * overlay_ratio(width), dpi=dpi)
        axes = parent.subplots(1, 2 if derivative else 1, squeeze=False)[0]
    panels = [(axes[0], "y", ylabels[0], ylim)]
    if derivative:
        panels.append((axes[1], "dy", ylabels[1], dylim))
    x = curves[0].x
    for ax, attr, ylabel, lim in panels:
        for i, c in enumerate(curves):
            ax.plot(c.x, getattr(c, attr), label=_label(c, formula), **_line_style(c, i))
        ax.set_xlim(float(x[0]), float(x[-1]))
        ax.set_ylim(*(lim or _limits([getattr(c, attr) for c in curves])))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.axhline(0, color="0.5", linewidth=0.6, zorder=0)
        ax.axvline(0, color="0.5", linewidth=0.6, zorder=0)
    if formula == "title" and len(curves) == 1:
        title = f"{title + ': ' if title else ''}{curves[0].act.latex}"
    if not own_axes:
        if title:
            axes[0].set_title(title)
        if legend:
            axes[0].legend()
        return axes[0].figure
    extra = _suptitle(parent, title) if title else 0.0
    if legend:
        handles, labels = axes[0].get_legend_handles_labels()
        extra += _legend(parent, handles, labels, min(len(labels), 4 if formula != "legend" else 2))
    if grow and extra > 0:
        from actviz.core.budgets import check_image

        w, h = parent.get_size_inches()
        check_image(w, h + extra, parent.dpi)
        parent.set_size_inches(w, h + extra)
    lay_out(parent)
    return parent


@dataclass(frozen=True)
class GridPlan:
    """Columns, rows, size in inches and panel-title size of a catalogue sheet."""

    ncols: int
    nrows: int
    size: tuple[float, float]
    title_pt: float


def _title_text(c: Curve, formula: str) -> str:
    return f"{c.label}\n{c.act.latex}" if formula == "title" else c.label


def plan_grid(curves: Sequence[Curve], *, size: tuple[float, float | None] | None, ncols: int | None,
              formula: str, title: bool, legend: bool, dpi: float) -> GridPlan:
    """Columns and panel-title size for which every panel's title (name and formula) fits its panel.

    Titles shrink down to :data:`MIN_FORMULA_PT`, then the sheet gets fewer columns; a height
    left open (``size[1]`` None) follows from the rows. A width and height that cannot hold
    the panels with readable titles is a user error.
    """
    n = len(curves)
    base = FontProperties(size=rcParams["axes.titlesize"]).get_size_in_points() * 0.833  # "small"
    probe = new_figure(2, 2, dpi=dpi)
    widest = max(text_width(probe, line, fontsize=base) for c in curves for line in _title_text(c, formula).split("\n"))
    widest_in = widest / dpi
    extra_h = (0.5 if title else 0) + (0.3 if legend else 0)
    lines = 2 if formula == "title" else 1
    start = ncols or min(n, max(1, round(math.sqrt(n * 1.4))))
    if size is None:
        width = PANEL_SIZE[0] * start
        height = None
    else:
        width, height = size
    for cols in ([start] if ncols else range(start, 0, -1)):
        panel_w = width / cols
        scale = min(1.0, (panel_w - 0.4) / widest_in)  # the axes: the panel less its tick labels
        title_pt = base * scale
        if title_pt < min(MIN_FORMULA_PT, base) and cols > 1 and not ncols:
            continue
        rows = math.ceil(n / cols)
        title_h = lines * title_pt * 1.25 / 72 + 0.1
        if height is None:
            panel_h = max(0.7, 0.5 * panel_w) + title_h + 0.35  # 2.0 in for a 2.6 in panel
            return GridPlan(cols, rows, (width, rows * panel_h + extra_h), title_pt)
        panel_h = (height - extra_h) / rows
        if panel_h - title_h - 0.35 >= 0.5 and title_pt >= min(MIN_FORMULA_PT, base):
            return GridPlan(cols, rows, (width, height), title_pt)
    raise UserError(f"the figure is too small for its text and panels; give a larger --size, only a width (the "
                    f"height then follows), fewer functions, or --formula none ({n} panels with their titles do not "
                    f"fit {width:.2f} x {height:.2f} in)")


def grid_figure(
    curves: Sequence[Curve],
    *,
    size: tuple[float, float | None] | None = None,
    dpi: float = 100,
    derivative: bool = True,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    legend: bool = True,
    formula: str = "title",
    ncols: int | None = None,
    ylabels: tuple[str, str] = (r"$f(x)$", r"$f'(x)$"),
    parent: FigureBase | None = None,
    axes: Sequence | None = None,
) -> FigureBase:
    """One panel per function: f solid (or in the curve's colour and dash), f' dashed; with formulas
    in the panel titles, sized (and the sheet's columns chosen, see :func:`plan_grid`) to fit
    (``ylabels`` name the two lines in the legend)."""
    n = len(curves)
    own_axes = axes is None
    title_pt = None
    if own_axes:
        if parent is None:
            plan = plan_grid(curves, size=size, ncols=ncols, formula=formula, title=bool(title), legend=legend,
                             dpi=dpi)
            parent = new_figure(*plan.size, dpi=dpi)
            cols, rows, title_pt = plan.ncols, plan.nrows, plan.title_pt
        else:
            cols = ncols or min(n, max(1, round(math.sqrt(n * 1.4))))
            rows = math.ceil(n / cols)
        axes = list(parent.subplots(rows, cols, squeeze=False).ravel())
    f_color, df_color = "C0", "C1"
    for ax, c in zip(axes, curves):
        kw = {"color": c.style.color or f_color}
        if c.style.linestyle is not None:
            kw["linestyle"] = c.style.linestyle
        ax.plot(c.x, c.y, label=ylabels[0], **kw)
        series = [c.y]
        if derivative:
            ax.plot(c.x, c.dy, color=df_color, linestyle="--", linewidth=1.2, label=ylabels[1])
            series.append(c.dy)
        ax.set_xlim(float(c.x[0]), float(c.x[-1]))
        ax.set_ylim(*(ylim or _limits(series)))
        ax.axhline(0, color="0.6", linewidth=0.5, zorder=0)
        ax.axvline(0, color="0.6", linewidth=0.5, zorder=0)
        ax.set_title(_title_text(c, formula), fontsize=title_pt or "small")
        ax.tick_params(labelsize="x-small")
    for ax in axes[n:]:
        ax.set_visible(False)
    if not own_axes:
        if legend:
            axes[0].legend(fontsize="x-small")
        return axes[0].figure
    if title:
        _suptitle(parent, title)
    if legend:
        handles, labels = axes[0].get_legend_handles_labels()
        parent.legend(handles, labels, loc="outside lower center", ncol=len(labels))
    lay_out(parent)
    return parent
