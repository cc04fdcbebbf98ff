"""Pictures of a tiny network learning: logit-plane frames, decision regions, boundary panels.

The logit view follows the reference article: each data point (and each class
curve, and a regular grid of the input plane) is drawn at its two output scores
(x', y'), so the line y' = x' is the decision boundary and training shows the
plane being folded until the line passes between the classes. The input view
shows the same network back in the input plane as decision regions.

Renderers evaluate trained networks (:func:`actviz.net.forward`) but never train.
An animation uses ONE figure: the static parts are drawn once, and each frame restores
that background and draws only what moves (blitting), then reads the canvas buffer.
The logit plane's limits either follow the data (``limits="follow"``, the default: each
frame's view is eased from the ones around it, so the first frames are not a speck in
a view sized for the last) or hold every snapshot (``"final"``). Following limits move
the ticks, so then the whole logit axes is what moves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure, FigureBase
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from actviz.core import net
from actviz.core.datasets import Dataset
from actviz.core.scenes import (boundary_lines, data_box, final_view, follow_views, grid_lines, logit_extents,
                                 sample_box, zero_lines)
from actviz.render.blit import Blit
from actviz.render.figure import lay_out, new_figure
from actviz.render.layout import boundary_layout, train_size as default_frame_size
from actviz.render.status import StatusLine

if TYPE_CHECKING:  # pragma: no cover
    from actviz.core.regions import Boundary, Regions

CLASS_COLORS = ("#2060c0", "#d83030", "#2a9d3a", "#e08a00", "#7b4fb5", "#8c564b", "#d45fa8", "#6b6b6b")
CLASS_NAMES = ("blue", "red", "green", "orange", "purple", "brown", "pink", "grey")
GREY_CLASS_COLORS = ("#0072B2", "#E69F00", "#000000", "#56B4E9", "#D55E00", "#F0E442", "#009E73", "#CC79A7")
GREY_CLASS_NAMES = ("blue", "orange", "black", "sky blue", "vermillion", "yellow", "green", "pink")
"""Classes for grey print: Okabe-Ito colours, the first two far apart in lightness (dark blue,
light orange: luma 87 and 162 of 255) as well as hue, each with its own marker (:data:`MARKERS`)."""
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
VIEWS = ("logit", "input", "both", "layers")
LIMITS = ("follow", "final")


def grey_print() -> bool:
    """Whether the active style is made for grey print: its line cycle varies the dash as well as
    the colour (actviz's paper style, SciencePlots' ieee). Classes then differ by marker and
    lightness too."""
    return "linestyle" in matplotlib.rcParams["axes.prop_cycle"].keys


@dataclass(frozen=True)
class Look:
    """Colours taken from the active style, so dark styles work too; under a style for grey print
    (:func:`grey_print`) the classes also differ in lightness and marker shape."""

    fg: np.ndarray
    bg: np.ndarray
    classes: tuple[np.ndarray, ...]
    names: tuple[str, ...] = CLASS_NAMES
    markers: tuple[str, ...] = ("o",) * len(CLASS_COLORS)

    @classmethod
    def from_rc(cls) -> "Look":
        rc = matplotlib.rcParams
        grey = grey_print()
        return cls(np.array(to_rgb(rc["text.color"])), np.array(to_rgb(rc["axes.facecolor"])),
                   tuple(np.array(to_rgb(c)) for c in (GREY_CLASS_COLORS if grey else CLASS_COLORS)),
                   GREY_CLASS_NAMES if grey else CLASS_NAMES, MARKERS if grey else ("o",) * len(CLASS_COLORS))

    @property
    def shaped(self) -> bool:
        """Whether classes have markers of their own shape (then drawn larger, to be told apart)."""
        return len(set(self.markers)) > 1

    def mix(self, k: float) -> tuple:
        """Background moved a fraction ``k`` towards the foreground."""
        return tuple(float(v) for v in self.bg + k * (self.fg - self.bg))

    def tint(self, c: int, k: float) -> tuple:
        """Class colour ``c`` at strength ``k`` over the background."""
        return tuple(float(v) for v in self.bg + k * (self.classes[c] - self.bg))


def region_rgb(logits: np.ndarray, shape: tuple[int, int], look: Look, levels: int | None = None) -> np.ndarray:
    """Decision regions: each pixel in its predicted class's colour, stronger where the net is surer.

    ``levels`` quantises the confidence into bands (fewer colours: smaller GIFs).
    """
    k = logits.shape[1]
    p = net.softmax(logits)
    cls = p.argmax(axis=1)
    conf = (p.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    if levels:
        conf = np.ceil(conf * levels) / levels
    strength = 0.10 + 0.32 * np.clip(conf, 0.0, 1.0)
    colours = np.array(look.classes[:k])
    rgb = look.bg + (colours[cls] - look.bg) * strength[:, None]
    return rgb.reshape(*shape, 3)


def stats_text(snap: net.Snapshot) -> str:
    return f"step {snap.step:,}   loss {snap.loss:.3f}   accuracy {snap.accuracy:.1%}"


def frame_label(snap: net.Snapshot) -> str:
    """What a player shows beside its scrubber for this frame."""
    return f"step {snap.step:,}"


# ---- the animation ----------------------------------------------------------------------

def fixed_labels(ax, xlabel: str, ylabel: str) -> None:
    """Axis labels at fixed places beside ``ax``, as figure texts: they neither jump when the tick
    labels change width nor have to be drawn again when the axes moves (they stay in the background).

    The gap leaves room for tick labels of up to four characters ("−10.5", "−100").
    """
    rc = matplotlib.rcParams
    fig = ax.get_figure()

    def points(key: str) -> float:
        return FontProperties(size=rc[key]).get_size_in_points()

    below = (rc["xtick.major.size"] + rc["xtick.major.pad"] + 1.1 * points("xtick.labelsize") + rc["axes.labelpad"])
    beside = (rc["ytick.major.size"] + rc["ytick.major.pad"] + 2.8 * points("ytick.labelsize") + rc["axes.labelpad"])
    size = rc["axes.labelsize"]
    fig.text(0.5, 0, xlabel, ha="center", va="top", fontsize=size,
             transform=ax.transAxes + ScaledTranslation(0, -below / 72, fig.dpi_scale_trans))
    fig.text(0, 0.5, ylabel, ha="right", va="center", rotation=90, fontsize=size,
             transform=ax.transAxes + ScaledTranslation(-beside / 72, 0, fig.dpi_scale_trans))


class TrainingFrames:
    """RGBA frames of a training run on one figure, drawn by blitting the moving artists."""

    TOP, BOTTOM, LEFT, RIGHT, GAP = 0.78, 0.52, 0.72, 0.2, 0.75

    def __init__(self, run: net.TrainingRun, *, view: str = "logit", size: tuple[float, float] | None = None,
                 dpi: float = 100, title: str | None = None, points: bool = True, curves: bool = True,
                 grid: bool = True, limits: str = "follow"):
        if limits not in LIMITS:
            raise ValueError(f"limits must be one of {LIMITS}")
        self.run = run
        self.limits = limits
        self.look = Look.from_rc()
        data = run.data
        self.box = data_box(data)
        self.grid = grid_lines(self.box) if grid else None
        size = size or default_frame_size(view)
        self.fig = fig = new_figure(*size, dpi=dpi)
        names = ["logit", "input"] if view == "both" else [view]
        axes = self._axes(fig, size, len(names))
        w, h = size
        # the decision regions: one network evaluation per screen pixel, shown without resampling
        # (crisp confidence bands, few colours, small GIFs)
        side = min(axes[-1].get_position().width * w, axes[-1].get_position().height * h) * dpi
        self.xs, self.ys, self.raster = sample_box(self.box, int(np.clip(side, 16, 1000)))
        fig.text(0.5, 1 - 0.1 / h, title if title is not None else f"{run.arch.title} on {data.name}",
                 ha="center", va="top", fontsize=matplotlib.rcParams["axes.titlesize"] * 1.1, fontweight="bold")
        # the one text that changes every frame, drawn from cached glyphs: the same pixels as a Text
        # for a fraction of its cost (render/status.py); self.stats is its Text artist
        self.status = StatusLine(fig, 0.5, 1 - 0.44 / h, ha="center", va="top",
                                 fontsize=matplotlib.rcParams["axes.labelsize"])
        self.stats = self.status.text
        self.moving: list = []
        self.updates: list = []
        for name, ax in zip(names, axes):
            ax.grid(False)
            (self._logit_axes if name == "logit" else self._input_axes)(ax, points, curves)
        self.blit = Blit(fig)

    def _axes(self, fig: Figure, size: tuple[float, float], n: int) -> list:
        w, h = size
        aw = (w - self.LEFT - self.RIGHT - self.GAP * (n - 1)) / n
        ah = h - self.TOP - self.BOTTOM
        axes = []
        for i in range(n):
            ax = fig.add_axes(((self.LEFT + i * (aw + self.GAP)) / w, self.BOTTOM / h, aw / w, ah / h))
            ax.set_aspect("equal", adjustable="box", anchor="C")
            axes.append(ax)
        return axes

    def _logit_axes(self, ax, points: bool, curves: bool) -> None:
        look, run = self.look, self.run
        lows, highs = logit_extents(run)
        follow = self.limits == "follow"
        views = follow_views(lows, highs) if follow else final_view(lows, highs)[None]
        for axis in (ax.xaxis, ax.yaxis):  # round ticks: short labels that fit the fixed margins
            axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        # the two half-planes, tinted by the class each one predicts; the diagonal y' = x' between them
        below, = ax.fill([0, 1, 1], [0, 0, 1], color=look.tint(0, 0.07), lw=0, zorder=0)
        above, = ax.fill([0, 0, 1], [0, 1, 1], color=look.tint(1, 0.07), lw=0, zorder=0)
        # Unicode primes, not mathtext: the first mathtext label costs 40-70 ms of grammar set-up
        fixed_labels(ax, f"x\u2032: score of {look.names[0]}", f"y\u2032: score of {look.names[1]}")
        label = ax.text(0, 0, "y\u2032 = x\u2032  ", ha="right", va="bottom", rotation=45, rotation_mode="anchor",
                        color=look.mix(0.8), fontsize=matplotlib.rcParams["axes.labelsize"])
        # with following limits the whole axes is redrawn each frame, its artists with it
        moving = not follow
        diagonal, = ax.plot([0, 1], [0, 1], color=look.fg, lw=1.3, zorder=4, animated=moving)

        def place(view: np.ndarray) -> None:
            cx, cy, half = (float(v) for v in view)
            x0, x1, y0, y1 = cx - half, cx + half, cy - half, cy + half
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            lo, hi = min(x0, y0), max(x1, y1)
            below.set_xy([[lo, lo], [hi, lo], [hi, hi]])
            above.set_xy([[lo, lo], [lo, hi], [hi, hi]])
            diagonal.set_data([lo, hi], [lo, hi])
            corner = min(x1, y1) - 0.04 * (x1 - x0)
            label.set_position((corner, corner))

        place(views[0])
        if follow:
            ax.set_animated(True)
            by_step = {s.step: v for s, v in zip(run.snapshots, views)}
            self._add(ax, lambda s: place(by_step[s.step]))
        arch, data = run.arch, self.run.data
        if self.grid is not None:
            grid = LineCollection([], colors=[look.mix(0.28)], linewidths=0.55, zorder=1, animated=moving)
            ax.add_collection(grid)
            flat = self.grid.reshape(-1, 2)
            shape = self.grid.shape
            self._add(grid, lambda s: grid.set_segments(net.forward(arch, s.theta, flat)[:, :2].reshape(shape)),
                      moving)
        if points:
            # one marker line per class: Agg stamps a marker per point in C, about ten times
            # faster per frame than a scatter's per-point path collection
            for c in np.unique(data.y):
                members = data.X[data.y == c]
                dots, = ax.plot([], [], linestyle="none", marker=look.markers[int(c)],
                                markersize=math.sqrt(10 if look.shaped else 5), markeredgewidth=0,
                                color=look.tint(int(c), 0.75), zorder=2, animated=moving)
                self._add(dots, lambda s, d=dots, m=members: d.set_data(*net.forward(arch, s.theta, m)[:, :2].T),
                          moving)
        if curves:
            for c, line in data.curves:
                artist, = ax.plot([], [], color=look.tint(c, 1.0), lw=1.8, zorder=3, animated=moving)
                self._add(artist, lambda s, a=artist, l=line: a.set_data(*net.forward(arch, s.theta, l)[:, :2].T),
                          moving)
        self._add(diagonal, None, moving)

    def _input_axes(self, ax, points: bool, curves: bool) -> None:
        look, run, box = self.look, self.run, self.box
        arch, data = run.arch, run.data
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        shape = (len(self.ys), len(self.xs))
        image = ax.imshow(np.zeros((*shape, 3)), extent=box, origin="lower", interpolation="nearest",
                          zorder=0, animated=True)
        edge = LineCollection([], colors=[look.fg], linewidths=1.5, zorder=4, animated=True)
        ax.add_collection(edge)

        def regions(s: net.Snapshot) -> None:
            logits = net.forward(arch, s.theta, self.raster)
            image.set_data(region_rgb(logits, shape, look, levels=4))
            edge.set_segments(boundary_lines(self.xs, self.ys, logits))

        self._add(image, regions)
        self._add(edge, None)
        if curves:
            for c, line in data.curves:
                artist, = ax.plot(*line.T, color=look.tint(c, 1.0), lw=1.8, zorder=3, animated=True)
                self._add(artist, None)
        if points:
            # full-strength colours stand out on the tinted regions; no antialiasing keeps the
            # static dots the same pixels in every frame (smaller GIFs)
            groups = [(data.X[data.y == c], int(c)) for c in np.unique(data.y)] if look.shaped else [(data.X, None)]
            for members, c in groups:  # grey print: a marker shape per class
                colours = [look.tint(int(k), 1.0) for k in data.y] if c is None else [look.tint(c, 1.0)]
                dots = ax.scatter(*members.T, s=10 if look.shaped else 5, c=colours,
                                  marker="o" if c is None else look.markers[c], linewidths=0, zorder=2,
                                  animated=True, antialiased=False)
                self._add(dots, None)

    def _add(self, artist, update, moving: bool = True) -> None:
        """Register what changes: ``update(snapshot)`` runs before each frame; a ``moving`` artist is
        drawn over the background each frame (otherwise its axes draws it)."""
        if moving:
            self.moving.append(artist)
        if update is not None:
            self.updates.append(update)

    def render(self, snap: net.Snapshot) -> np.ndarray:
        """The frame for ``snap`` as an H x W x 4 uint8 view of the canvas (valid until the next call)."""
        with np.errstate(all="ignore"):
            for update in self.updates:
                update(snap)
        self.status.set_text(stats_text(snap))
        return self.blit.frame([*sorted(self.moving, key=lambda a: a.get_zorder()), self.status])


def write_animation(run: net.TrainingRun, path, *, view: str = "logit", size: tuple[float, float] | None = None,
                    dpi: float = 100, title: str | None = None, frame_ms: int = 100, hold_ms: int = 1500,
                    loop: int = 0, points: bool = True, curves: bool = True, grid: bool = True,
                    limits: str = "follow", encoding=None, progress=None) -> None:
    """Write the run as an animation, one frame per snapshot, the last one held for ``hold_ms``
    (and shown when it does not play); a palette comes from the first, middle and last frames."""
    from actviz.render.animation import write_frames

    source = TrainingFrames(run, view=view, size=size, dpi=dpi, title=title, points=points, curves=curves, grid=grid,
                            limits=limits)
    snaps = run.snapshots
    write_frames(path, source.render, snaps, [frame_ms] * (len(snaps) - 1) + [hold_ms], loop=loop,
                 palette_from=(snaps[0], snaps[len(snaps) // 2], snaps[-1]), progress=progress, encoding=encoding,
                 labels=[frame_label(s) for s in snaps], poster=len(snaps) - 1)


# ---- the boundary panels ----------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """One trained network to show: its title, architecture, parameters and training accuracy."""

    title: str
    arch: net.Architecture
    theta: np.ndarray
    accuracy: float
    regions: "Regions | None" = None
    """Exact cells (piecewise-linear networks, when asked for): drawn with ``regions=True``."""
    boundary: "Boundary | None" = None
    """Exact boundary segments: drawn instead of the traced boundary, and counted on the panel."""


def boundary_figure(panels: Sequence[Panel], data: Dataset, *, units: bool = False, ncols: int | None = None,
                    size: tuple[float, float] | None = None, dpi: float = 150, title: str | None = None,
                    res: int = 300, points: bool = True, regions: bool = False, parent: FigureBase | None = None,
                    axes: Sequence | None = None) -> FigureBase:
    """One panel per network: decision regions, the boundary, the data and (``units``) each
    first-layer unit's line w.x + b = 0 (layers of at most `actviz.core.net.MAX_UNIT_LINES` units).
    In a new figure, in ``parent`` (the caller's Figure or SubFigure) or in ``axes`` (one per panel).

    A panel with exact ``boundary`` segments shows them (and their count) instead of the
    traced boundary; with ``regions`` its exact cells replace the shaded decision regions."""
    from actviz.render import regions as cells

    look = Look.from_rc()
    n = len(panels)
    ncols, nrows, default = boundary_layout(n, ncols, title)
    own_axes = axes is None
    if own_axes:
        fig = parent if parent is not None else new_figure(*(size or default), dpi=dpi)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    box = data_box(data)
    xs, ys, raster = sample_box(box, res)
    shape = (len(ys), len(xs))
    for ax, panel in zip(axes, panels):
        with np.errstate(all="ignore"):
            logits = net.forward(panel.arch, panel.theta, raster)
        if regions and panel.regions is not None:
            cells.draw_cells(ax, panel.regions, look.bg)
        else:
            ax.imshow(region_rgb(logits, shape, look), extent=box, origin="lower", interpolation="bilinear", zorder=0)
        if units and panel.arch.hidden[0] <= net.MAX_UNIT_LINES:
            pre = net.hidden_preactivations(panel.arch, panel.theta, raster)
            lines = [seg for j in range(pre.shape[1]) for seg in zero_lines(xs, ys, pre[:, j].reshape(shape))]
            ax.add_collection(LineCollection(lines, colors=[look.mix(0.55)], linewidths=0.9, linestyles="--",
                                             zorder=2))
        if points and not look.shaped:
            ax.scatter(*data.X.T, s=4, c=[look.tint(int(c), 0.85) for c in data.y], linewidths=0, zorder=3)
        elif points:  # grey print: a marker shape per class, a little larger so that the shapes show
            for c in np.unique(data.y):
                ax.scatter(*data.X[data.y == c].T, s=9, c=[look.tint(int(c), 0.9)], marker=look.markers[int(c)],
                           linewidths=0, zorder=3)
        if panel.boundary is not None:
            cells.draw_segments(ax, panel.boundary, box, look.fg)
        else:
            ax.add_collection(LineCollection(boundary_lines(xs, ys, logits), colors=[look.fg], linewidths=1.6,
                                             zorder=4))
        counted = cells.count_text(panel.regions.count if regions and panel.regions is not None else None,
                                   panel.boundary.count if units and panel.boundary is not None else None)
        if counted:
            ax.text(0.03, 0.03, counted, transform=ax.transAxes, ha="left", va="bottom", fontsize="small",
                    color=look.fg, zorder=6, bbox=dict(boxstyle="round,pad=0.2", fc=look.mix(0.0), ec="none", alpha=0.8))
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_title(panel.title)
        ax.tick_params(labelsize="small")
        ax.text(0.97, 0.03, f"{panel.accuracy:.1%}", transform=ax.transAxes, ha="right", va="bottom",
                fontsize="small", color=look.mix(0.8),
                bbox=dict(boxstyle="round,pad=0.2", fc=look.mix(0.0), ec="none", alpha=0.8))
    for ax in axes[n:]:
        ax.set_visible(False)
    if not own_axes:
        return axes[0].figure
    if title:
        fig.suptitle(title)
    lay_out(fig)
    return fig

