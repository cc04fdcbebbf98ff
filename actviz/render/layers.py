"""Every layer's picture: the input plane, the image of the data, class curves, a regular grid and
the decision boundary after each hidden layer, then the output plane with y' = x'.

Hidden layers of 2 units are drawn as they are; wider ones through the fixed projection of
:func:`actviz.core.layers.fit_views` (named on the panel). :class:`LayerFrames` is a frame
source like :class:`actviz.render.training.TrainingFrames`: one figure, fixed limits, the
moving artists redrawn by blitting, ``render(snapshot)`` giving an RGBA frame. With
``animated=False`` the same drawing is a plain figure (:func:`layers_figure`) for any format.
"""
from __future__ import annotations

import math
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from actviz.core import net
from actviz.core.layers import View, fit_views, layer_limits, layer_values
from actviz.core.scenes import boundary_lines, data_box, grid_lines, sample_box
from actviz.render.blit import Blit
from actviz.render.figure import new_figure
from actviz.render.layout import layers_size
from actviz.render.training import Look, stats_text

BOUNDARY_RES = (101, 241)
"""Smallest and largest raster side used to trace the boundary in the input plane (then mapped
through the layers): wide networks get the coarser raster, so a frame costs about as much as
:data:`FRAME_FLOPS` at most."""
FRAME_FLOPS = 2e9


def boundary_res(arch: net.Architecture) -> int:
    """Raster side for tracing the boundary of ``arch``: as fine as :data:`FRAME_FLOPS` allows."""
    per_point = 2 * sum(a * b for a, b in zip(arch.sizes[:-1], arch.sizes[1:]))
    lo, hi = BOUNDARY_RES
    return int(np.clip(math.sqrt(FRAME_FLOPS / per_point), lo, hi))


def panel_title(view: View, layer: int, act_label: str) -> str:
    if view.kind == "scores":
        return "output"
    units = f"{view.width} {act_label} unit{'s' if view.width != 1 else ''}"
    return f"layer {layer}: {units}"


class LayerFrames:
    """Frames (or one figure) of a run seen layer by layer: input, each hidden layer, output."""

    TOP, BOTTOM, LEFT, RIGHT, GAP = 0.95, 0.55, 0.62, 0.2, 0.62

    def __init__(self, run: net.TrainingRun, *, size: tuple[float, float] | None = None, dpi: float = 100,
                 title: str | None = None, points: bool = True, curves: bool = True, grid: bool = True,
                 animated: bool = True):
        self.run = run
        self.animated = animated
        self.look = Look.from_rc()
        self.box = data_box(run.data)
        self.views = fit_views(run)
        self.limits = layer_limits(run, self.views)
        panels = len(self.views) + 1
        size = size or layers_size(panels)
        self.fig = fig = new_figure(*size, dpi=dpi)
        self.axes = self._axes(fig, size, panels)
        w, h = size
        fig.text(0.5, 1 - 0.1 / h, title if title is not None else f"{run.arch.title} on {run.data.name}, layer by layer",
                 ha="center", va="top", fontsize=matplotlib.rcParams["axes.titlesize"] * 1.1, fontweight="bold")
        self.stats = fig.text(0.5, 1 - 0.42 / h, "", ha="center", va="top",
                              fontsize=matplotlib.rcParams["axes.labelsize"], animated=animated)
        self.xs, self.ys, self.raster = sample_box(self.box, boundary_res(run.arch))
        self.grid = grid_lines(self.box) if grid else None
        data = run.data
        # everything that moves is one batch of input points pushed through the network per frame
        parts: list[tuple[str, int, np.ndarray]] = []
        if self.grid is not None:
            parts.append(("grid", -1, self.grid.reshape(-1, 2)))
        if points:
            for c in np.unique(data.y):
                parts.append(("points", int(c), data.X[data.y == c]))
        if curves:
            for c, line in data.curves:
                parts.append(("curve", int(c), line))
        self.parts = parts
        self.inputs = np.concatenate([p[2] for p in parts]) if parts else np.zeros((0, 2))
        self.moving: list = []
        self.artists: list[dict] = []
        self._input_axes(self.axes[0])
        for i, (ax, view) in enumerate(zip(self.axes[1:], self.views)):
            self.artists.append(self._layer_axes(ax, view, i))
        self.blit = Blit(fig)

    # ---- layout -------------------------------------------------------------------------------

    def _axes(self, fig: Figure, size: tuple[float, float], n: int) -> list:
        w, h = size
        aw = (w - self.LEFT - self.RIGHT - self.GAP * (n - 1)) / n
        ah = h - self.TOP - self.BOTTOM
        side = min(aw, ah)
        left = (w - n * side - self.GAP * (n - 1)) / 2 + (self.LEFT - self.RIGHT) / 2
        axes = []
        for i in range(n):
            ax = fig.add_axes(((left + i * (side + self.GAP)) / w, self.BOTTOM / h, side / w, side / h))
            ax.set_aspect("equal", adjustable="box", anchor="C")
            ax.grid(False)
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
            ax.tick_params(labelsize="small")
            axes.append(ax)
        return axes

    def _add(self, artist) -> None:
        if self.animated:
            artist.set_animated(True)
            self.moving.append(artist)

    # ---- the panels ---------------------------------------------------------------------------

    def _input_axes(self, ax) -> None:
        look, box = self.look, self.box
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_title("input", fontsize="medium")
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$", labelpad=2)
        for kind, c, pts in self.parts:
            if kind == "grid":
                ax.add_collection(LineCollection(self.grid, colors=[look.mix(0.28)], linewidths=0.55, zorder=1))
            elif kind == "points":
                ax.plot(*pts.T, linestyle="none", marker=look.markers[c], markeredgewidth=0,
                        markersize=math.sqrt(10 if look.shaped else 5), color=look.tint(c, 0.75), zorder=2)
            else:
                ax.plot(*pts.T, color=look.tint(c, 1.0), lw=1.8, zorder=3)
        self.input_boundary = LineCollection([], colors=[look.fg], linewidths=1.5, zorder=4)
        ax.add_collection(self.input_boundary)
        self._add(self.input_boundary)

    def _layer_axes(self, ax, view: View, index: int) -> dict:
        look = self.look
        (x0, x1), (y0, y1) = self.limits[index]
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_title(panel_title(view, index + 1, self.run.arch.act.label), fontsize="medium")
        small = matplotlib.rcParams["axes.labelsize"]
        if view.kind == "scores":
            lo, hi = min(x0, y0), max(x1, y1)
            ax.fill([lo, hi, hi], [lo, lo, hi], color=look.tint(0, 0.07), lw=0, zorder=0)
            ax.fill([lo, lo, hi], [lo, hi, hi], color=look.tint(1, 0.07), lw=0, zorder=0)
            ax.plot([lo, hi], [lo, hi], color=look.fg, lw=1.3, zorder=4)
            ax.set_xlabel(f"x\u2032: score of {look.names[0]}")  # Unicode primes: no mathtext grammar to build
            ax.set_ylabel(f"y\u2032: score of {look.names[1]}", labelpad=2)
            label_x = min(x1, y1) - 0.04 * (x1 - x0)
            ax.text(label_x, label_x, "y\u2032 = x\u2032  ", ha="right", va="bottom", rotation=45, rotation_mode="anchor",
                    color=look.mix(0.8), fontsize=small)
        elif view.kind == "pca":
            ax.set_xlabel("principal axis 1")
            ax.set_ylabel("principal axis 2", labelpad=2)
            over = "PCA over all frames" if self.animated else "PCA of the data"
            ax.text(0.03, 0.03, f"{over}\n{view.explained:.0%} of the variance", transform=ax.transAxes,
                    ha="left", va="bottom", fontsize="x-small", color=look.mix(0.75), zorder=6,
                    bbox=dict(boxstyle="round,pad=0.25", fc=look.mix(0.0), ec="none", alpha=0.85))
        elif view.kind == "units":
            ax.set_xlabel(f"$h_{{{index + 1},1}}$: unit 1")
            ax.set_ylabel(f"$h_{{{index + 1},2}}$: unit 2", labelpad=2)
        else:
            ax.set_xlabel(f"$h_{{{index + 1},1}}$: the one unit")
            ax.set_yticks([])
        artists: dict = {"lines": [], "boundary": None}
        for kind, c, pts in self.parts:
            if kind == "grid":
                a = LineCollection([], colors=[look.mix(0.28)], linewidths=0.55, zorder=1)
                ax.add_collection(a)
            elif kind == "points":
                a, = ax.plot([], [], linestyle="none", marker=look.markers[c], markeredgewidth=0,
                             markersize=math.sqrt(10 if look.shaped else 5), color=look.tint(c, 0.75), zorder=2)
            else:
                a, = ax.plot([], [], color=look.tint(c, 1.0), lw=1.8, zorder=3)
            self._add(a)
            artists["lines"].append(a)
        if view.kind != "scores":
            b = LineCollection([], colors=[look.fg], linewidths=1.5, zorder=4)
            ax.add_collection(b)
            self._add(b)
            artists["boundary"] = b
        return artists

    # ---- one frame ----------------------------------------------------------------------------

    def update(self, snap: net.Snapshot) -> None:
        """Move every artist to the network at ``snap``."""
        arch = self.run.arch
        with np.errstate(all="ignore"):
            logits = net.forward(arch, snap.theta, self.raster)
            boundary = boundary_lines(self.xs, self.ys, logits)
            self.input_boundary.set_segments(boundary)
            sizes = [len(b) for b in boundary]
            joined = np.concatenate([self.inputs, *boundary]) if boundary else self.inputs
            values = layer_values(arch, snap.theta, joined)
        for view, vals, artists in zip(self.views, values, self.artists):
            xy = view(vals)
            start = 0
            for (kind, _, pts), artist in zip(self.parts, artists["lines"]):
                chunk = xy[start:start + len(pts)]
                start += len(pts)
                if kind == "grid":
                    artist.set_segments(chunk.reshape(self.grid.shape))
                else:
                    artist.set_data(*chunk.T)
            if artists["boundary"] is not None:
                cuts = np.cumsum(sizes)[:-1]
                artists["boundary"].set_segments(np.split(xy[start:], cuts) if sizes else [])
        self.stats.set_text(stats_text(snap))

    def render(self, snap: net.Snapshot) -> np.ndarray:
        """The frame for ``snap`` as an H x W x 4 uint8 view of the canvas (valid until the next call)."""
        self.update(snap)
        return self.blit.frame([*sorted(self.moving, key=lambda a: a.get_zorder()), self.stats])


def layers_figure(run: net.TrainingRun, *, size: tuple[float, float] | None = None, dpi: float = 150,
                  title: str | None = None, points: bool = True, curves: bool = True, grid: bool = True) -> Figure:
    """The final network of ``run`` layer by layer, as a still figure."""
    frames = LayerFrames(run, size=size, dpi=dpi, title=title, points=points, curves=curves, grid=grid,
                         animated=False)
    frames.update(run.final)
    return frames.fig


def write_animation(run: net.TrainingRun, path, *, size: tuple[float, float] | None = None, dpi: float = 100,
                    title: str | None = None, frame_ms: int = 100, hold_ms: int = 1500, loop: int = 0,
                    points: bool = True, curves: bool = True, grid: bool = True, encoding=None,
                    progress=None) -> None:
    """Write the run layer by layer as an animation, one frame per snapshot, the last held for ``hold_ms``
    (and shown when it does not play); a palette comes from the first, middle and last frames."""
    from actviz.render.animation import write_frames
    from actviz.render.training import frame_label

    source = LayerFrames(run, size=size, dpi=dpi, title=title, points=points, curves=curves, grid=grid)
    snaps: Sequence[net.Snapshot] = run.snapshots
    write_frames(path, source.render, snaps, [frame_ms] * (len(snaps) - 1) + [hold_ms], loop=loop,
                 palette_from=(snaps[0], snaps[len(snaps) // 2], snaps[-1]), progress=progress, encoding=encoding,
                 labels=[frame_label(s) for s in snaps], poster=len(snaps) - 1)
