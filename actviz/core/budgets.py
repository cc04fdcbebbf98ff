"""Budgets that keep a request from exhausting the machine, checked before any work.

An image may have at most ``max_megapixels`` pixels; an animation's frames, held as
1-byte palette images and copied once more while the file is written, must fit in
``max_animation_mb``; and every request's estimated peak memory and run time must fit
in ``max_memory_mb`` and ``max_minutes``. The budgets belong to the run's
:class:`~actviz.context.Context`; the CLI sets them from ``--max-megapixels``,
``--max-animation-mb``, ``--max-memory-mb`` and ``--max-minutes`` (or ACTVIZ_MAX_...).

The estimates are models of what the code holds at its peak (arrays, matplotlib's
copies of the points, the rows of a table), fitted to peaks measured with
``/usr/bin/time -v`` (see docs/robustness.md, where the measurements are listed). Memory
is estimated to within about a third; time is a rough figure for a typical laptop core
(a loaded machine takes longer), there to stop requests that would take hours.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from actviz import context
from actviz.core.net import MAX_UNIT_LINES, rows_per_block
from actviz.errors import UserError

MB = 1e6

PLOT_BASE_MB = 90.0
"""Peak memory of a small plot."""

BASE_MB = 130.0
"""Peak memory of a small request: the interpreter, numpy, matplotlib, Pillow and one figure."""

FRAME_BYTES_PER_PIXEL = 2.0
"""Animation memory per pixel per frame: the palette frame, and its copy while the GIF is written
(measured: a 1-megapixel warp GIF peaks at 228 MB with 50 frames and 522 MB with 200: 1.96 bytes a pixel
a frame; WebP 1.2)."""

LINE_BYTES_PER_POINT = 42.0
"""matplotlib's memory per point of a drawn curve (its copies of x and y, its path); with the arrays
of x, f and f' (8 bytes each a point, and 20 more of temporaries) fitted to plot's peaks: 1 function
at 3 million samples with and without f', the whole catalogue at 100,000 and 1 million samples
(estimates 8-19% above the peaks)."""

TABLE_BYTES_PER_CELL = {"csv": 100.0, "tsv": 100.0, "json": 280.0}
"""Memory per number of a table (a Python float, its row list, its text), measured for data."""

TABLE_SECONDS_PER_CELL = {"csv": 4e-6, "tsv": 4e-6, "json": 6e-6}
"""Time to format one number of a table."""

DRAW_SECONDS_PER_POINT = 1e-6
"""matplotlib's time per point of a drawn curve (path simplification, Agg)."""

PANEL_SECONDS = 0.5
"""Layout and text of one panel."""

FLOPS = 2e9
"""Multiply-adds per second of numpy's matrix products at the shapes of a small network."""

ELEMENTS_PER_SECOND = 2e8
"""Simple element-wise numpy operations per second."""

FRAME_SECONDS = 0.08
"""Drawing one frame of an animation, besides the numbers behind it."""


def check_image(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse an image larger than the pixel budget."""
    limit = context.current().limits.max_megapixels
    mp = width_in * dpi * height_in * dpi / 1e6
    if mp > limit:
        raise UserError(f"image would be {mp:.0f} megapixels (limit {limit:g}); "
                        f"lower --size or --dpi, or raise the limit with --max-megapixels")


def animation_mb(frames: int, pixels: float, bytes_per_pixel: float = FRAME_BYTES_PER_PIXEL) -> float:
    """Memory an animation's frames take while it is written, in MB."""
    return bytes_per_pixel * frames * pixels / MB


def check_animation(frames: int, width_px: int, height_px: int,
                    bytes_per_pixel: float = FRAME_BYTES_PER_PIXEL) -> None:
    """Refuse an animation whose frames would not fit in the memory budget: a writer that holds
    ``bytes_per_pixel`` per pixel of every frame until it writes the file (see
    :attr:`actviz.render.layout.Encoding.held_bytes_per_pixel`; a video holds none)."""
    check_image(width_px, height_px, 1.0)
    limit = context.current().limits.max_animation_mb
    mb = animation_mb(frames, width_px * height_px, bytes_per_pixel)
    if mb > limit:
        raise UserError(f"animation would hold {mb:.0f} MB of frames (limit {limit:g} MB); "
                        f"use fewer frames or a smaller size, or raise the limit with --max-animation-mb")


# ---------------------------------------------------------------------------- whole requests

@dataclass(frozen=True)
class Cost:
    """An estimate of a request: peak memory in MB and run time in seconds."""

    mb: float
    seconds: float

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(self.mb + other.mb, self.seconds + other.seconds)

    def peak(self, other: "Cost") -> "Cost":
        """Two phases one after the other: the larger memory, the sum of the times."""
        return Cost(max(self.mb, other.mb), self.seconds + other.seconds)


def _size(mb: float) -> str:
    return f"{mb / 1000:.1f} GB" if mb >= 1000 else f"{mb:.0f} MB"


def _duration(seconds: float) -> str:
    if seconds >= 7200:
        return f"{seconds / 3600:.0f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"


def check_cost(what: str, cost: Cost, fewer: str) -> None:
    """Refuse ``what`` (e.g. "this plot") when ``cost`` exceeds the run's memory or time budget;
    ``fewer`` says which options to lower, e.g. "use fewer --samples"."""
    limits = context.current().limits
    if cost.mb > limits.max_memory_mb:
        raise UserError(f"{what} would need about {_size(cost.mb)} of memory (limit {limits.max_memory_mb:g} MB); "
                        f"{fewer}, or raise the limit with --max-memory-mb")
    if cost.seconds > 60 * limits.max_minutes:
        raise UserError(f"{what} would take about {_duration(cost.seconds)} (an estimate; limit "
                        f"{limits.max_minutes:g} minutes); {fewer}, or raise the limit with --max-minutes")


def seconds_per_point(fns: Sequence, lo: float, hi: float, points: int = 2048) -> tuple[float, list]:
    """Time one evaluation of each function in ``fns`` (arrays in, arrays out) on ``points`` points
    of [lo, hi]; return the seconds per point of all of them together and their values."""
    import numpy as np

    x = np.linspace(lo, hi, points)
    values = []
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for fn in fns:
            values.append(np.asarray(fn(x), dtype=float))
    return (time.perf_counter() - start) / points, values


def curves_cost(samples: int, functions: int, *, lines: int, panels: int, eval_seconds: float) -> Cost:
    """``plot``: ``functions`` curves of ``samples`` points, ``lines`` drawn per function (f, f'),
    ``eval_seconds`` per point to evaluate them all."""
    points = samples * functions * lines
    mb = PLOT_BASE_MB + panels * 1.5 + samples * (28 + 16 * functions) / MB + points * LINE_BYTES_PER_POINT / MB
    return Cost(mb, samples * eval_seconds + points * DRAW_SECONDS_PER_POINT + panels * PANEL_SECONDS)


def table_cost(rows: int, columns: int, fmt: str, *, eval_seconds: float) -> Cost:
    """``data``: a table of ``rows`` x ``columns`` numbers."""
    cells = rows * columns
    mb = 60.0 + cells * (TABLE_BYTES_PER_CELL[fmt] + 8) / MB
    return Cost(mb, rows * eval_seconds + cells * TABLE_SECONDS_PER_CELL[fmt])


def network_cost(layers: Sequence[int], *, count: int, batch: int, steps: int, snapshots: int,
                 act_seconds: float, rasters: Sequence[int] = (), evaluations: int = 0) -> Cost:
    """Training a network with layer sizes ``layers`` (inputs, hidden..., classes) on ``count`` points in
    batches of ``batch`` for ``steps`` steps, keeping ``snapshots`` copies of its parameters; then
    ``evaluations`` forward passes over each of ``rasters`` points (frames, decision regions).
    ``act_seconds`` is the time of the activation and its derivative per element."""
    pairs = list(zip(layers[:-1], layers[1:]))
    params = sum(a * b + b for a, b in pairs)
    macs = sum(a * b for a, b in pairs)
    hidden = sum(layers[1:-1])
    widest = max(layers[1:-1])
    # backpropagation keeps each layer's input and pre-activation, and the gradient and a temporary of the widest
    train_mb = (batch * (3 * hidden + 3 * widest) * 8 + params * 8 * 6 + snapshots * params * 8 + steps * 16
                + count * 64) / MB
    train_s = steps * (3 * 2 * batch * macs / FLOPS + batch * hidden * (act_seconds + 6 / ELEMENTS_PER_SECOND))
    # a forward pass holds, for one block of points (core.net evaluates rasters block by block), a layer's
    # input, its product and its output (measured: 16 bytes a point and unit for one hidden layer, 24 for
    # two); the logits of the whole raster, its colours, and a narrow first layer's unit lines (at most
    # MAX_UNIT_LINES units) are whole-raster arrays
    largest = max(rasters, default=0)
    block = min(largest, rows_per_block(layers))
    per_point = max(a * (i > 0) + 2 * b for i, (a, b) in enumerate(pairs))
    whole = largest * (4 * layers[-1] + 3 + (layers[1] if layers[1] <= MAX_UNIT_LINES else 0))
    eval_mb = 1.1 * (block * per_point + whole) * 8 / MB
    eval_s = evaluations * sum(2 * r * macs / FLOPS + r * hidden * (act_seconds / 2 + 2 / ELEMENTS_PER_SECOND)
                               for r in rasters)
    return Cost(BASE_MB + max(train_mb, eval_mb + snapshots * params * 8 / MB), train_s + eval_s)


def warp_cost(ns: Sequence[int], activations: int, *, points: int, grid_points: int, frames: int, pixels: int,
              act_seconds: float, metrics: bool) -> Cost:
    """``warp``: each of ``activations`` pushes ``points`` (and ``grid_points``) through layers of
    ``ns`` units, once, and once more per frame of an animation."""
    widest = max(ns)
    along = max(points, grid_points)
    mb = BASE_MB + 4 * along * widest * 8 / MB + (100.0 if metrics else 0.0)
    per_pass = sum(activations * (points + grid_points) * n * (act_seconds / 2 + 20 / ELEMENTS_PER_SECOND)
                   for n in ns)
    panels = activations * len(ns)
    seconds = per_pass + panels * PANEL_SECONDS
    if frames:
        mb += animation_mb(frames, pixels) + 4 * pixels / MB
        seconds += frames * (per_pass + FRAME_SECONDS + panels * (points + grid_points) * DRAW_SECONDS_PER_POINT
                             + pixels * 3 / ELEMENTS_PER_SECOND)
    return Cost(mb, seconds)
