"""Whether a re-rendered figure differs from the committed one only by floating-point rounding.

The same code gives the same bytes on one machine, but not across CPUs: numpy picks
SIMD kernels for exp, tanh and log by CPU, and OpenBLAS picks its matrix kernels, so
a training run can end a few ulps apart, and a handful of antialiased pixels come out
one or two levels apart, and a marker or a boundary pixel lands one pixel over. When a
re-render differs from the file it replaces only that much, the batch keeps the file as
it was, so rebuilding the gallery on another machine does not dirty the repository.
Anything more (another size, another frame count or timing, more than
:data:`MAX_FRACTION` of a frame's pixels changed, or more than :data:`MAX_MOVED` of them
by more than :data:`MAX_LEVELS`) is a real change and the new file stays.
"""
from __future__ import annotations

import io
from pathlib import PurePosixPath

RASTERS = (".png", ".gif", ".webp")
"""Formats compared by their pixels; any other format must match byte for byte."""

MAX_LEVELS = 8
"""Largest difference of one channel of one pixel (of 255) that counts as rounding."""

MAX_FRACTION = 0.005
"""Largest fraction of the pixels of a frame that may differ at all."""

MAX_MOVED = 0.001
"""Largest fraction of the pixels of a frame that may differ by more than :data:`MAX_LEVELS`."""


def equivalent(name: str, old: bytes, new: bytes) -> bool:
    """True when ``new`` is ``old`` up to rounding: same format, size, frames and timing, and in
    each frame at most :data:`MAX_FRACTION` of the pixels changed, at most :data:`MAX_MOVED`
    of them by more than :data:`MAX_LEVELS`."""
    if old == new:
        return True
    if PurePosixPath(name).suffix.lower() not in RASTERS:
        return False
    try:
        return _same_frames(old, new)
    except Exception:  # an unreadable file is not equivalent to anything
        return False


def _frames(data: bytes):
    from PIL import Image, ImageSequence

    image = Image.open(io.BytesIO(data))
    for frame in ImageSequence.Iterator(image):
        yield frame.format or image.format, frame.size, frame.info.get("duration"), frame.convert("RGBA")


def _same_frames(old: bytes, new: bytes) -> bool:
    import numpy as np

    a, b = list(_frames(old)), list(_frames(new))
    if len(a) != len(b):
        return False
    for (fa, sa, da, ia), (fb, sb, db, ib) in zip(a, b):
        if (fa, sa, da) != (fb, sb, db):
            return False
        diff = np.abs(np.asarray(ia, dtype=np.int16) - np.asarray(ib, dtype=np.int16)).max(axis=-1)
        if (np.count_nonzero(diff) > MAX_FRACTION * diff.size
                or np.count_nonzero(diff > MAX_LEVELS) > MAX_MOVED * diff.size):
            return False
    return True
