"""Budgets that keep a request from exhausting the machine, checked before any work.

An image may have at most ``max_megapixels`` pixels; an animation holds its frames
as 1-byte palette images, so it needs about frames x pixels bytes, which must fit
in ``max_animation_mb``. The budgets belong to the run's
:class:`~actviz.context.Context`; the CLI sets them from ``--max-megapixels`` and
``--max-animation-mb`` (or ACTVIZ_MAX_MEGAPIXELS, ACTVIZ_MAX_ANIMATION_MB).
"""
from __future__ import annotations

from actviz import context
from actviz.errors import UserError


def check_image(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse an image larger than the pixel budget."""
    limit = context.current().limits.max_megapixels
    mp = width_in * dpi * height_in * dpi / 1e6
    if mp > limit:
        raise UserError(f"image would be {mp:.0f} megapixels (limit {limit:g}); "
                        f"lower --size or --dpi, or raise the limit with --max-megapixels")


def check_animation(frames: int, width_px: int, height_px: int, bytes_per_pixel: float = 1.0) -> None:
    """Refuse an animation whose frames would not fit in the memory budget: a writer that holds
    ``bytes_per_pixel`` per pixel of every frame (1 for GIF palette frames, 0 for a video,
    which holds none) until it writes the file."""
    check_image(width_px, height_px, 1.0)
    limit = context.current().limits.max_animation_mb
    mb = frames * width_px * height_px * bytes_per_pixel / 1e6
    if mb > limit:
        raise UserError(f"animation would hold {mb:.0f} MB of frames (limit {limit:g} MB); "
                        f"use fewer frames or a smaller size, or raise the limit with --max-animation-mb")
