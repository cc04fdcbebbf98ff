"""The floor of a blitted training frame: plain matplotlib, data computed beforehand.

The same figure size, axes, limits and moving artists as actviz's default training frame
(the warped grid, one marker line per class, the class curves and the diagonal drawn over
them), but every frame's coordinates are computed before timing starts, and a frame is
only: restore the background, set the data, draw the changing artists, read the buffer.
``text=True`` adds the status line as an ordinary matplotlib Text, set and drawn per frame.
Nothing here is actviz's drawing code; only the numbers (the network's outputs) come from it.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np


def minimal_frames(run, text: bool = False) -> tuple[Callable[[int], np.ndarray], int]:
    """``(render, count)``: ``render(i)`` draws frame i of ``run`` (a TrainingRun) and returns the RGBA view."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    from actviz.core import net
    from actviz.core.scenes import data_box, grid_lines, logit_limits
    from actviz.render.layout import train_size
    from actviz.render.training import CLASS_COLORS, TrainingFrames, stats_text

    arch, data, snaps = run.arch, run.data, run.snapshots
    # precomputed: every frame's grid, points and curves in the logit plane, and its status string
    grid = grid_lines(data_box(data))
    flat, shape = grid.reshape(-1, 2), grid.shape
    classes = list(np.unique(data.y))
    frames = []
    for s in snaps:
        frames.append((net.forward(arch, s.theta, flat)[:, :2].reshape(shape),
                       [net.forward(arch, s.theta, data.X[data.y == c])[:, :2].T.copy() for c in classes],
                       [net.forward(arch, s.theta, line)[:, :2].T.copy() for _, line in data.curves],
                       stats_text(s)))

    w, h = train_size("logit")
    fig = Figure(figsize=(w, h), dpi=100)
    canvas = FigureCanvasAgg(fig)
    L, B, R, T = TrainingFrames.LEFT, TrainingFrames.BOTTOM, TrainingFrames.RIGHT, TrainingFrames.TOP
    ax = fig.add_axes(((L / w), B / h, (w - L - R) / w, (h - T - B) / h))
    ax.set_aspect("equal", adjustable="box", anchor="C")
    (x0, x1), (y0, y1) = logit_limits(run)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    lines = LineCollection([], colors=["#b8b8b8"], linewidths=0.55, zorder=1, animated=True)
    ax.add_collection(lines)
    dots = [ax.plot([], [], linestyle="none", marker="o", markersize=math.sqrt(5), markeredgewidth=0,
                    color=CLASS_COLORS[int(c)], zorder=2, animated=True)[0] for c in classes]
    curves = [ax.plot([], [], color=CLASS_COLORS[c], lw=1.8, zorder=3, animated=True)[0] for c, _ in data.curves]
    lo, hi = min(x0, y0), max(x1, y1)
    diagonal, = ax.plot([lo, hi], [lo, hi], color="black", lw=1.3, zorder=4, animated=True)
    status = fig.text(0.5, 1 - 0.44 / h, "", ha="center", va="top",
                      fontsize=matplotlib.rcParams["axes.labelsize"], animated=True)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    order = [lines, *dots, *curves, diagonal]

    def render(i: int) -> np.ndarray:
        segments, points, paths, words = frames[i]
        canvas.restore_region(background)
        lines.set_segments(segments)
        for artist, xy in zip(dots, points):
            artist.set_data(*xy)
        for artist, xy in zip(curves, paths):
            artist.set_data(*xy)
        for artist in order:
            ax.draw_artist(artist)
        if text:
            status.set_text(words)
            fig.draw_artist(status)
        return np.asarray(canvas.buffer_rgba())

    return render, len(frames)
