"""Animations: RGBA frames in, one fixed palette, a GIF or animated WebP out.

Frames are quantised as they arrive against a palette built once (no dithering),
so the writer holds only 1-byte-per-pixel images, never full RGB frames, and the
same frames always give the same bytes.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from actviz.atomic import atomic_path
from actviz.errors import UserError

ANIMATION_FORMATS = (".gif", ".webp")


def animation_format(path: str | os.PathLike) -> str:
    """``gif`` or ``webp`` from the extension; anything else is a user error."""
    suffix = Path(path).suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise UserError(f"cannot write animation {Path(path).name!r}: use a .gif or .webp file name")
    return suffix.lstrip(".")


def rgb_of(frame) -> np.ndarray:
    """An H x W x 3 uint8 view of an RGBA buffer (e.g. ``canvas.buffer_rgba()``)."""
    arr = np.asarray(frame)
    return arr[..., :3]


def build_palette(samples: Sequence, colors: int = 256, exact: int = 48) -> Image.Image:
    """One palette for a whole animation, from a few representative frames.

    Flat colours (backgrounds, axes, text, class colours) must come out exactly, so
    the ``exact`` most frequent colours of the samples are kept as they are; the
    rest of the palette is a median cut of the remaining pixels (antialiasing).
    When the samples hold no more than ``colors`` colours, the palette is exact.
    """
    stack = np.concatenate([np.ascontiguousarray(rgb_of(s)).reshape(-1, 3) for s in samples], axis=0)
    packed = (stack[:, 0].astype(np.uint32) << 16) | (stack[:, 1].astype(np.uint32) << 8) | stack[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    if len(values) <= colors:
        chosen = values[order]
    else:
        keep = values[order[:exact]]
        rest = stack[~np.isin(packed, keep)]
        cut = Image.fromarray(rest.reshape(1, -1, 3), "RGB").quantize(
            colors=colors - exact, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        cut_rgb = np.array(cut.getpalette()[: 3 * (colors - exact)], dtype=np.uint32).reshape(-1, 3)
        cut_packed = (cut_rgb[:, 0] << 16) | (cut_rgb[:, 1] << 8) | cut_rgb[:, 2]
        chosen = np.concatenate([keep, cut_packed[~np.isin(cut_packed, keep)]])
    rgb = np.stack([(chosen >> 16) & 255, (chosen >> 8) & 255, chosen & 255], axis=1).astype(np.uint8)
    palette = Image.new("P", (1, 1))
    palette.putpalette(rgb.ravel().tolist())
    return palette


class AnimationWriter:
    """Collect frames against a fixed palette and write them atomically on :meth:`close`.

    ``palette_samples`` are frames (RGBA or RGB arrays) whose colours the palette must
    hold, typically the first and last frame; without them the first frame is used.
    """

    def __init__(self, path: str | os.PathLike, *, duration_ms: int | Sequence[int] = 80, loop: int = 0,
                 palette_samples: Sequence | None = None, colors: int = 256):
        self.path = Path(path)
        self.format = animation_format(path)
        self.duration_ms = duration_ms
        self.loop = loop
        self.colors = colors
        self.palette = build_palette(palette_samples, colors) if palette_samples else None
        self.frames: list[Image.Image] = []

    def add(self, frame) -> None:
        """Quantise one RGBA/RGB frame to the palette and keep it (1 byte per pixel)."""
        rgb = np.ascontiguousarray(rgb_of(frame))
        if self.palette is None:
            self.palette = build_palette([rgb], self.colors)
        image = Image.fromarray(rgb, "RGB")
        self.frames.append(image.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def close(self) -> None:
        """Write the file (atomically); the writer cannot be used afterwards."""
        if len(self.frames) < 1:
            raise UserError("an animation needs at least one frame")
        first, rest = self.frames[0], self.frames[1:]
        with atomic_path(self.path) as tmp:
            if self.format == "gif":
                first.save(tmp, format="GIF", save_all=True, append_images=rest, duration=self.duration_ms,
                           loop=self.loop, optimize=False, disposal=1)
            else:
                first.save(tmp, format="WEBP", save_all=True, append_images=rest, duration=self.duration_ms,
                           loop=self.loop, lossless=True, method=4)
        self.frames = []
