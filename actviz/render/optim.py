"""Optimiser races: the paths on the surface's contour map beside their loss against step.

One drawing serves the still figure (every path in full) and the animation (each frame
shows the paths up to one step, with a head at the current point, and the loss panel in
step with it). Contour levels are log-spaced in f - f* where the minimum f* is known, else
in f minus its least value over the view; the saddle, which has no minimum, gets linear
levels. The animation draws the map once and blits only the moving artists.
"""
from __future__ import annotations

import itertools
import math
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from actviz.core.race import Race
from actviz.render.blit import Blit
from actviz.render.figure import new_figure

SIZE = (10.0, 5.6)
"""Default figure size in inches: the map and the loss panel side by side, legend below."""

MIN_SIZE = (5.0, 3.6)
GRID_POINTS = 301
LEVELS = 18


def path_colours(race: Race) -> list[str]:
    """One colour of the style's cycle per optimiser, the same in every figure (sgd C0, momentum C1, ...,
    adamw C6); a second run of the same optimiser takes the next colour no one uses."""
    from actviz.core.optim import NAMES

    taken: set[int] = set()
    colours = []
    for path in race.paths:
        i = NAMES.index(path.opt.name)
        if i in taken:
            i = next(j for j in itertools.count(len(NAMES)) if j not in taken)
        taken.add(i)
        colours.append(f"C{i % 10}")
    return colours


def contour_levels(z: np.ndarray, log: bool, floor: float | None) -> tuple[np.ndarray, float]:
    """Levels for the map and the base they are measured from.

    ``log``: geometric levels in z - base from the 0.5th to the 99.5th percentile of the view, where
    ``base`` is ``floor`` (the known minimum) or the least value over the view. Otherwise linear levels.
    """
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([0.0, 1.0]), 0.0
    if not log:
        lo, hi = np.percentile(finite, [0.5, 99.5])
        if not hi > lo:
            hi = lo + 1.0
        return np.linspace(lo, hi, LEVELS), 0.0
    base = float(finite.min()) if floor is None else min(float(floor), float(finite.min()))
    above = finite - base
    positive = above[above > 0]
    if positive.size == 0:
        return np.array([base, base + 1.0]), base
    lo, hi = np.percentile(positive, [0.5, 99.5])
    lo = max(lo, hi * 1e-9)
    if not hi > lo:
        hi = lo * 10.0
    return base + np.geomspace(lo, hi, LEVELS), base


class RaceDrawing:
    """The race figure with its moving artists; :meth:`show` puts them at a step."""

    def __init__(self, race: Race, *, size: tuple[float, float] | None = None, dpi: float = 100,
                 title: str | None = None, animated: bool = False, legend: bool = True):
        self.race = race
        surface = race.surface
        size = size or SIZE
        rc = matplotlib.rcParams
        fg, bg = np.array(to_rgb(rc["text.color"])), np.array(to_rgb(rc["axes.facecolor"]))
        self.fig = fig = new_figure(*size, dpi=dpi)
        self.map, self.panel = fig.subplots(1, 2, width_ratios=(1.0, 1.15))
        heading = title if title is not None else f"{surface.title}: {surface.latex}"
        fig.suptitle(heading, fontweight="bold")
        self._map(fg, bg)
        self._loss_panel()
        kw = {"animated": animated}
        self.lines, self.heads, self.curves, self.dots = [], [], [], []
        for i, (path, colour) in enumerate(zip(race.paths, path_colours(race))):
            line, = self.map.plot([], [], color=colour, lw=1.5, alpha=0.85, label=path.label, zorder=3 + 0.01 * i,
                                  **kw)
            head, = self.map.plot([], [], color=colour, marker="o", markersize=6.5, markeredgecolor=tuple(bg),
                                  markeredgewidth=1.0, linestyle="none", zorder=5, **kw)
            curve, = self.panel.plot([], [], color=colour, lw=1.4, zorder=3, **kw)
            dot, = self.panel.plot([], [], color=colour, marker="o", markersize=4.5, linestyle="none", zorder=4, **kw)
            self.lines.append(line)
            self.heads.append(head)
            self.curves.append(curve)
            self.dots.append(dot)
        self.stamp = self.map.text(0.98, 0.97, "", transform=self.map.transAxes, ha="right", va="top",
                                   fontsize=rc["legend.fontsize"], color=tuple(fg), animated=animated,
                                   bbox=dict(boxstyle="round,pad=0.25", fc=tuple(bg), ec="none", alpha=0.85),
                                   zorder=6)
        if legend:
            self._legend(size[0])
        fig.set_layout_engine("constrained")
        self.moving = [*self.lines, *self.heads, *self.curves, *self.dots]

    def _legend(self, width: float) -> None:
        """The paths' legend below the panels, titled with the learning-rate rule: as many columns
        (up to 4) as fit the figure's width."""
        from actviz.render.curves import _row_major
        from actviz.render.warp import _wrap_text

        fig, paths = self.fig, self.race.paths
        points = matplotlib.rcParams["legend.fontsize"]
        points = points if isinstance(points, (int, float)) else 9.0
        statement = _wrap_text(self.race.statement(), width - 0.3, points)
        for ncol in range(min(len(paths), 4), 0, -1):
            order = _row_major(len(paths), ncol)
            box = fig.legend([self.lines[i] for i in order], [paths[i].label for i in order],
                             loc="outside lower center", ncol=ncol, title=statement, handlelength=1.8,
                             columnspacing=1.4, title_fontsize=points)
            if ncol == 1 or box.get_window_extent(fig.canvas.get_renderer()).width <= 0.98 * fig.bbox.width:
                break
            box.remove()

    def _map(self, fg: np.ndarray, bg: np.ndarray) -> None:
        race, ax = self.race, self.map
        surface = race.surface
        (x0, x1), (y0, y1) = surface.xlim, surface.ylim
        xs, ys = np.linspace(x0, x1, GRID_POINTS), np.linspace(y0, y1, GRID_POINTS)
        X, Y = np.meshgrid(xs, ys)
        Z = surface.value(X, Y)
        levels, base = contour_levels(Z, self.log, surface.fmin)
        # the loss panel measures from the same base: f* when known, else the least value over the view
        self.base = base if self.log else None
        shades = LinearSegmentedColormap.from_list("race", [tuple(bg + 0.04 * (fg - bg)), tuple(bg + 0.3 * (fg - bg))])
        Zc = np.clip(np.where(np.isfinite(Z), Z, levels[-1]), levels[0], levels[-1])
        ax.contourf(X, Y, Zc, levels=levels, cmap=shades, zorder=0, extend="neither")
        ax.contour(X, Y, Zc, levels=levels, colors=[tuple(bg + 0.45 * (fg - bg))], linewidths=0.5, zorder=1,
                   negative_linestyles="solid")
        finite = Z[np.isfinite(Z)]
        self.view_range = (float(finite.min()), float(finite.max())) if finite.size else (-math.inf, math.inf)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.grid(False)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        for mx, my in surface.minima:
            ax.plot([mx], [my], marker="*", markersize=10, color=tuple(fg), markeredgecolor=tuple(bg),
                    markeredgewidth=0.6, linestyle="none", zorder=4)
        sx, sy = surface.start
        ax.plot([sx], [sy], marker="s", markersize=6, color=tuple(bg), markeredgecolor=tuple(fg),
                markeredgewidth=1.2, linestyle="none", zorder=4)
        ax.set_title("paths (\u25a1 start" + (", \u2605 minimum)" if surface.minima else ")"),
                     fontsize=matplotlib.rcParams["axes.labelsize"])

    @property
    def log(self) -> bool:
        """Log-scaled contours and loss: where a minimum is known, and for expressions (measured from
        their least value over the view); the saddle, unbounded below, is linear."""
        surface = self.race.surface
        return surface.fmin is not None or surface.name.startswith("expr:")

    def _loss_panel(self) -> None:
        ax, race = self.panel, self.race
        base = self.base
        values = [p.loss if base is None else p.loss - base for p in race.paths]
        self.values = values
        ax.set_xlim(0, race.steps)
        log = base is not None
        # the panel shows what the map can: values beyond those over the view (a run escaping down a saddle,
        # or blowing up) leave the panel as the path leaves the map
        vlo, vhi = self.view_range
        if log:  # down to the minimum itself, which the view's grid may only approach
            vlo, vhi = 0.0, vhi - base
        finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.array([])
        finite = finite[(finite >= vlo) & (finite <= vhi)]
        if log:
            positive = finite[finite > 0]
            lo = float(positive.min()) if positive.size else 1e-12
            hi = float(positive.max()) if positive.size else 1.0
            lo = max(lo, hi * 1e-16)
            self.floor = lo
            ax.set_yscale("log")
            ax.set_ylim(lo / 3.0, hi * 3.0)
            known = race.surface.fmin is not None
            ax.set_ylabel(r"$f - f^{*}$ (log scale)" if known else r"$f - \min_{\mathrm{view}} f$ (log scale)")
        else:
            self.floor = None
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            pad = 0.06 * (hi - lo or 1.0)
            ax.set_ylim(lo - pad, hi + pad)
            ax.set_ylabel(r"$f(x, y)$")
        ax.set_xlabel("step")
        ax.set_title("loss", fontsize=matplotlib.rcParams["axes.labelsize"])

    def show(self, step: int) -> None:
        """Put every path, head and loss curve at ``step``."""
        k = int(step)
        steps = np.arange(k + 1)
        for path, values, line, head, curve, dot in zip(self.race.paths, self.values, self.lines, self.heads,
                                                        self.curves, self.dots):
            xy = path.xy[: k + 1]
            line.set_data(xy[:, 0], xy[:, 1])
            ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
            last = int(ok[-1]) if ok.size else 0
            head.set_data([xy[last, 0]], [xy[last, 1]])
            v = values[: k + 1]
            if self.floor is not None:
                v = np.where(v > self.floor, v, self.floor)  # exactly at the minimum: drawn on the floor
            curve.set_data(steps, v)
            dot.set_data([last], [v[last]])
        self.stamp.set_text(f"step {k:,}")


def race_figure(race: Race, *, size: tuple[float, float] | None = None, dpi: float = 150,
                title: str | None = None) -> Figure:
    """The still figure: every path to the last step, the loss curves in full."""
    drawing = RaceDrawing(race, size=size, dpi=dpi, title=title)
    drawing.show(race.steps)
    return drawing.fig


PALETTE_COLORS = 64
"""Palette size of a race animation: the grey contour bands take many entries, the paths need theirs."""


def _swatch(drawing: RaceDrawing, width: int) -> np.ndarray:
    """Rows of each path's colour, as many pixels as a frame has, so that the palette keeps the
    path colours exactly (they cover few pixels of a frame and would be lost to the grey bands)."""
    colours = [np.round(255 * np.array(to_rgb(line.get_color()))) for line in drawing.lines]
    rows = np.repeat(np.array(colours, dtype=np.uint8)[:, None, :], width, axis=1)
    rgba = np.concatenate([rows, np.full((*rows.shape[:2], 1), 255, dtype=np.uint8)], axis=2)
    return np.repeat(rgba, 400, axis=0)


class RaceFrames:
    """RGBA frames of a race on one figure: the map and axes drawn once, the paths blitted."""

    def __init__(self, race: Race, *, size: tuple[float, float] | None = None, dpi: float = 100,
                 title: str | None = None):
        self.drawing = RaceDrawing(race, size=size, dpi=dpi, title=title, animated=True)
        self.blit = Blit(self.drawing.fig)

    def render(self, step: int) -> np.ndarray:
        """The frame at ``step`` as an H x W x 4 uint8 array (a copy)."""
        d = self.drawing
        d.show(step)
        return np.array(self.blit.frame([*d.moving, d.stamp]))


def write_animation(race: Race, path, *, steps: Sequence[int], size: tuple[float, float] | None = None,
                    dpi: float = 100, title: str | None = None, frame_ms: int = 80, hold_ms: int = 1500,
                    loop: int = 0, encoding=None, progress=None) -> None:
    """An animation with one frame per entry of ``steps``, the last held for ``hold_ms`` (and shown
    when it does not play), through the one frame loop of :func:`actviz.render.animation.write_frames`."""
    from actviz.render.animation import write_frames

    source = RaceFrames(race, size=size, dpi=dpi, title=title)
    steps = [int(s) for s in steps]
    width = source.drawing.fig.canvas.get_width_height(physical=True)[0]
    write_frames(path, source.render, steps, [frame_ms] * (len(steps) - 1) + [hold_ms], loop=loop,
                 palette_from=(steps[0], steps[len(steps) // 2], steps[-1]), progress=progress, encoding=encoding,
                 labels=[f"step {s:,}" for s in steps], poster=len(steps) - 1,
                 palette_extra=[_swatch(source.drawing, width)], colors=PALETTE_COLORS)
