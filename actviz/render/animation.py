"""Animations: one frame loop for every animated command; RGBA frames in, one file (or folder) out,
written through imageio's v3 API.

The format follows the extension (:class:`~actviz.render.layout.Encoding`):

- GIF, animated WebP and APNG (imageio's Pillow plugin), here: frames are quantised as
  they arrive against one palette built up front (no dithering), so the writer holds one
  byte per pixel per frame and the same frames always give the same bytes. In a GIF,
  pixels that did not change since the previous frame are a reserved transparent index.
- MP4 (H.264) and WebM (VP9) (imageio's PyAV plugin; the PyAV wheel bundles FFmpeg):
  :mod:`actviz.render.video`.
- ``animate``, PNG frames and a LaTeX snippet: :mod:`actviz.render.frame_folder`.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np
from PIL import Image

from actviz.atomic import atomic_path
from actviz.errors import UserError
from actviz.render.layout import FRAME_FOLDER, Encoding

T = TypeVar("T")

PALETTE_FORMATS = ("gif", "webp", "apng")


def animation_format(path: str | os.PathLike) -> str:
    """The format an output path names by its extension; anything else is a user error."""
    return Encoding.for_output(os.fspath(path)).format


GREY_RAMP = 6
"""Neutral greys always in the palette: text and axes are antialiased between black and
white, and without them a small palette turns those edge pixels into tinted greys."""


def build_palette(samples: Sequence, colors: int = 256, exact: int = 48) -> Image.Image:
    """One palette for a whole animation, from a few representative frames.

    Flat colours (backgrounds, axes, text, class colours) must come out exactly, so
    the ``exact`` most frequent colours of the samples are kept as they are; a ramp
    of neutral greys serves antialiased text; the rest of the palette is a median cut
    of the remaining pixels. When the samples hold no more than ``colors`` colours,
    the palette is exact.
    """
    packed = np.concatenate([_pack(s).ravel() for s in samples])
    values, counts = np.unique(packed, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    if len(values) <= colors:
        chosen = values[order]
    else:
        exact = min(exact, colors // 3)
        keep = values[order[:exact]]
        levels = np.round(np.linspace(0, 255, GREY_RAMP + 2)[1:-1]).astype(np.uint32)
        greys = levels | (levels << 8) | (levels << 16)
        keep = np.concatenate([keep, greys[~np.isin(greys, keep)]])[: colors // 2]
        free = colors - len(keep)
        rest = _unpack(packed[~np.isin(packed, keep)]).astype(np.uint8)
        cut = Image.fromarray(rest.reshape(1, -1, 3), "RGB").quantize(
            colors=free, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        cut_packed = _pack(np.array(cut.getpalette()[: 3 * free], dtype=np.uint8).reshape(-1, 3))
        chosen = np.concatenate([keep, cut_packed[~np.isin(cut_packed, keep)]])
    rgb = _unpack(chosen).astype(np.uint8)
    palette = Image.new("P", (1, 1))
    palette.putpalette(rgb.ravel().tolist())
    return palette


def _pack(frame) -> np.ndarray:
    """RGB(A) uint8 pixels -> one uint32 key per pixel, r | g << 8 | b << 16.

    A contiguous RGBA buffer (as Agg gives) is reinterpreted in place, without copies.
    """
    arr = np.asarray(frame)
    if arr.shape[-1] == 4 and arr.flags.c_contiguous and arr.dtype == np.uint8:
        return arr.view("<u4")[..., 0] & 0x00FFFFFF
    rgb = arr[..., :3].astype(np.uint32)
    return rgb[..., 0] | (rgb[..., 1] << 8) | (rgb[..., 2] << 16)


def _unpack(keys: np.ndarray) -> np.ndarray:
    """Inverse of :func:`_pack`: keys -> N x 3 int32 RGB."""
    return np.stack([keys & 255, (keys >> 8) & 255, (keys >> 16) & 255], axis=-1).astype(np.int32)


class PaletteMapper:
    """Exact nearest-colour mapping onto a fixed palette, cached per colour across frames.

    Pillow's own ``quantize(palette=...)`` looks colours up in a coarse cache, which
    maps e.g. pure white onto a nearby grey; this keeps every palette colour exact.
    A 2^24 table (32 MB) remembers each colour's index once it has been seen, so
    after the first frames mapping is two array look-ups per frame.
    """

    def __init__(self, palette: Image.Image):
        entries = np.array(palette.getpalette(), dtype=np.float64).reshape(-1, 3)
        self.entries_t = entries.T.copy()
        self.entries_sq = (entries ** 2).sum(axis=1)
        self.table = np.full(1 << 24, -1, dtype=np.int16)

    def indices(self, frame) -> np.ndarray:
        """H x W palette indices (uint8) for an H x W x 3 (or 4) frame."""
        keys = _pack(frame)
        idx = self.table[keys]
        missing = idx < 0
        if missing.any():
            new = np.unique(keys[missing])
            for start in range(0, len(new), 16384):  # bounded memory for noisy frames
                chunk = new[start:start + 16384]
                cols = _unpack(chunk).astype(np.float64)
                # |c - p|^2 = |p|^2 - 2 c.p + |c|^2 (exact in float64); |c|^2 does not change the argmin
                dist = self.entries_sq[None, :] - 2.0 * (cols @ self.entries_t)
                self.table[chunk] = dist.argmin(axis=1)
            idx = self.table[keys]
        return idx.astype(np.uint8)


DEFAULT_COLORS = 36
"""Palette size of an animation (one of them reserved for "unchanged"). Measured on the
default training GIF (make bench): 36 colours keep a PSNR of about 42 dB against the
unquantised frames at 0.48x the size of FuncAnimation + PillowWriter; 256 colours
gave 55 dB at 0.82x."""


class AnimationWriter:
    """A GIF, WebP or APNG: frames mapped onto a fixed palette as they come, written atomically on
    :meth:`close`.

    ``palette_samples`` are frames (RGBA or RGB arrays) whose colours the palette must
    hold, typically the first and last frame; without them the first frame is used.
    The writer keeps each frame as H x W palette indices (one byte per pixel). In a GIF,
    pixels that did not change since the previous frame are written with a reserved
    transparent index (nothing to redraw), which compresses far better. An APNG keeps the
    palette; a WebP (lossless) gets the same colours as RGB: all three show the same pixels.
    """

    def __init__(self, path: str | os.PathLike, *, duration_ms: int | Sequence[int] = 80, loop: int = 0,
                 palette_samples: Sequence | None = None, colors: int = DEFAULT_COLORS, format: str | None = None):
        if not 2 <= colors <= 256:
            raise UserError(f"an animation palette needs 2 to 256 colours, got {colors}")
        self.path = Path(path)
        self.format = format or animation_format(path)
        if self.format not in PALETTE_FORMATS:
            raise UserError(f"the palette writer writes {', '.join(PALETTE_FORMATS)}, not {self.format}")
        self.duration_ms = duration_ms
        self.loop = loop
        self.colors = colors - 1  # one index is kept for "unchanged"
        self.transparent = self.colors
        self.mapper: PaletteMapper | None = None
        if palette_samples:
            self._set_palette(build_palette(palette_samples, self.colors))
        self.frames: list[np.ndarray] = []
        self._previous: np.ndarray | None = None

    def _set_palette(self, palette: Image.Image) -> None:
        entries = palette.getpalette()[: 3 * self.colors]
        entries += [0, 0, 0] * (self.colors + 1 - len(entries) // 3)  # pad; the last is the transparent slot
        self.palette_entries = entries
        self.mapper = PaletteMapper(palette)

    def add(self, frame) -> None:
        """Map one RGBA/RGB frame onto the palette and keep it (1 byte per pixel)."""
        if self.mapper is None:
            self._set_palette(build_palette([frame], self.colors))
        indices = self.mapper.indices(frame)
        stored = indices
        if self.format == "gif" and self._previous is not None:
            stored = indices.copy()
            stored[indices == self._previous] = self.transparent
        self._previous = indices
        self.frames.append(stored)

    def close(self) -> None:
        """Write the file (atomically); the writer cannot be used afterwards."""
        if len(self.frames) < 1:
            raise UserError("an animation needs at least one frame")
        with atomic_path(self.path) as tmp:
            self._write(tmp)
        self.abort()

    def abort(self) -> None:
        """Forget the frames; nothing is written."""
        self.frames = []
        self._previous = None

    def _durations(self) -> list[int]:
        d = self.duration_ms
        return [int(d)] * len(self.frames) if isinstance(d, (int, float)) else [int(v) for v in d]

    def _write(self, tmp: Path) -> None:
        import imageio.v3 as iio

        durations = self._durations()
        if self.format == "gif":
            options = dict(palette=bytes(self.palette_entries), transparency=self.transparent, disposal=1,
                           optimize=False)
        elif self.format == "webp":
            options = dict(lossless=True, method=4)
        else:  # APNG: Pillow crops each frame to what changed since the previous one
            options = dict(default_image=False, disposal=0, blend=0)
        lookup = np.array(self.palette_entries, dtype=np.uint8).reshape(-1, 3)
        out = iio.imopen(tmp, "w", plugin="pillow", extension=f".{self.format}")
        pending = getattr(out, "images_to_write", None)  # the frames imageio holds until it writes
        try:
            # An APNG stays a palette image (half the size of RGB, and 10x faster to write): imageio
            # has no argument for a PNG's palette, so it is put on the frame imageio has just made.
            palette_png = self.format == "apng" and isinstance(pending, list)
            # handed over one frame at a time (Pillow keeps its own copy), ours dropped as we go
            while self.frames:
                indices = self.frames.pop(0)
                if self.format == "gif" or palette_png:
                    out.write(indices, mode="P", is_batch=False, duration=durations, loop=self.loop, **options)
                    if palette_png:
                        pending[-1].putpalette(self.palette_entries)
                else:
                    out.write(lookup[indices], mode="RGB", is_batch=False, duration=durations, loop=self.loop,
                              **options)
            out.close()  # writes the file
        except BaseException:
            # imageio writes what it holds when it is closed, even when collected later: after a
            # failure or an interrupt, drop it first, so that nothing is written afterwards
            if isinstance(pending, list):
                pending.clear()
            with contextlib.suppress(Exception):
                out.close()
            raise


# ---- the one frame loop -----------------------------------------------------------------------

def open_writer(path: str | os.PathLike, encoding: Encoding, durations_ms: Sequence[int], *,
                palette_samples: Sequence | None = None, labels: Sequence[str] | None = None, poster: int = 0,
                colors: int = DEFAULT_COLORS):
    """The writer for ``encoding``: ``add(frame)`` for each frame, then ``close()`` (or ``abort()``)."""
    if encoding.format in PALETTE_FORMATS:
        return AnimationWriter(path, duration_ms=list(durations_ms), loop=encoding.loop,
                               palette_samples=palette_samples, format=encoding.format, colors=colors)
    if encoding.format == FRAME_FOLDER:
        from actviz.render.frame_folder import FrameFolder

        return FrameFolder(path, durations_ms, loop=encoding.loop, poster=poster, labels=labels)
    from actviz.render.video import VideoWriter

    starts = np.cumsum([0, *durations_ms[:-1]]).tolist()
    metadata = {"actviz": 1, "frame_ms": starts, "duration_ms": sum(int(d) for d in durations_ms),
                "labels": list(labels) if labels else None, "poster": poster}
    return VideoWriter(path, encoding, durations_ms, metadata)


def write_frames(path: str | os.PathLike, render: Callable[[T], np.ndarray], items: Sequence[T],
                 durations_ms: Sequence[int], *, palette_from: Sequence[T], loop: int = 0,
                 progress: Callable[[Sequence[T]], Iterable[T]] | None = None, encoding: Encoding | None = None,
                 labels: Sequence[str] | None = None, poster: int = 0, palette_extra: Sequence[np.ndarray] = (),
                 colors: int = DEFAULT_COLORS) -> None:
    """The one frame loop of every animated command: ``render(item)`` for each item, in order, into
    one file (the format follows ``encoding``, else the extension), frame i shown for ``durations_ms[i]``.

    For palette formats the palette is built first from the frames of ``palette_from`` (e.g. the
    first, middle and last items), so that frames can be quantised as they come and memory holds
    one byte per pixel per frame; videos and LaTeX frames are written as they come. ``labels``
    (one short text per frame, e.g. the training step) go into a video's metadata and the LaTeX
    snippet; ``poster`` is the frame to show when the animation is not playing. ``progress``
    wraps the iteration over ``items`` (a progress bar). ``render`` may return a view of a canvas
    that the next call overwrites. ``palette_extra`` are images whose colours the palette must
    hold besides those frames (e.g. swatches of colours that cover few pixels), ``colors`` the
    palette's size. An exception or interrupt leaves nothing behind.
    """
    encoding = encoding or Encoding.for_output(os.fspath(path), loop=loop)
    if len(durations_ms) != len(items):
        raise ValueError("one duration per item")
    samples = None
    if encoding.format in PALETTE_FORMATS:
        samples = [*palette_extra, *(np.array(render(item)) for item in palette_from)]
    writer = open_writer(path, encoding, list(durations_ms), palette_samples=samples, labels=labels, poster=poster,
                         colors=colors)
    del samples
    try:
        for item in (progress(items) if progress else items):
            writer.add(render(item))
    except BaseException:
        writer.abort()
        raise
    writer.close()
