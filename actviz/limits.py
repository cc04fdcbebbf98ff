"""Budgets that keep a request from exhausting the machine, checked before any drawing.

An image may have at most ``max_megapixels`` pixels; an animation holds its frames
as 1-byte palette images, so it needs about frames x pixels bytes, which must fit
in ``max_animation_mb``. Both are raised deliberately with the global options
``--max-megapixels`` and ``--max-animation-mb`` (or ACTVIZ_MAX_MEGAPIXELS,
ACTVIZ_MAX_ANIMATION_MB).
"""
from __future__ import annotations

from dataclasses import dataclass

from actviz.errors import UserError


@dataclass
class Limits:
    max_megapixels: float = 100.0
    max_animation_mb: float = 2048.0


LIMITS = Limits()


def check_image(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse an image larger than the pixel budget."""
    mp = width_in * dpi * height_in * dpi / 1e6
    if mp > LIMITS.max_megapixels:
        raise UserError(f"image would be {mp:.0f} megapixels (limit {LIMITS.max_megapixels:g}); "
                        f"lower --size or --dpi, or raise the limit with --max-megapixels")


def check_animation(frames: int, width_px: int, height_px: int) -> None:
    """Refuse an animation whose palette frames would not fit in the memory budget."""
    check_image(width_px, height_px, 1.0)
    mb = frames * width_px * height_px / 1e6
    if mb > LIMITS.max_animation_mb:
        raise UserError(f"animation would hold {mb:.0f} MB of frames (limit {LIMITS.max_animation_mb:g} MB); "
                        f"use fewer frames or a smaller size, or raise the limit with --max-animation-mb")
