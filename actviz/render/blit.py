"""Blitting: how every animation draws its frames on one figure.

The first frame is drawn whole and the figure's background (everything not marked animated)
is kept; each later frame restores it and draws only the moving artists, several times faster
than drawing the figure again.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np


class Blit:
    """The frames of one figure ``fig`` whose moving artists are marked animated."""

    def __init__(self, fig):
        self.fig = fig
        self.canvas = fig.canvas
        self._background = None

    def frame(self, moving: Iterable) -> np.ndarray:
        """Draw the background and then each of ``moving`` (anything with ``draw(renderer)``; None is
        skipped) in order; the canvas as an H x W x 4 uint8 view, valid until the next call."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in moving:
            if artist is not None:
                self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())
