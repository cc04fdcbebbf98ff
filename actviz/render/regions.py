"""Drawing exact linear regions and straight boundary segments onto an Axes.

The cells of :func:`actviz.core.regions.linear_regions` are filled with light colours from
a fixed palette (cell by cell in a fixed shuffled order, so neighbours rarely share one),
their edges drawn thin in the background colour while there are few enough to see; the
boundary segments are drawn as they are computed, with a dot at each bend.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgb

from actviz.core.regions import Boundary, Regions

CELL_COLORS = ("#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d",
               "#9edae5", "#d9d9d9", "#b5cf6b", "#e7ba52")
"""Light qualitative colours for cells (matplotlib's tab20 light shades and two of tab20b)."""
MAX_EDGES = 3000
"""Cells beyond this many are drawn without edges (they would be all edge)."""
MAX_CORNERS = 40
"""Boundaries of more segments than this get no corner dots (they would merge into a thick line)."""


def cell_colours(count: int, bg, strength: float = 0.6) -> np.ndarray:
    """One RGB colour per cell: the palette in a fixed shuffled order, mixed into the background."""
    palette = np.array([to_rgb(c) for c in CELL_COLORS])
    order = np.random.default_rng(16).permutation(count) % len(palette)
    bg = np.asarray(bg, dtype=float)
    return bg + strength * (palette[order] - bg)


def draw_cells(ax, regions: Regions, bg, *, zorder: float = 0.5) -> PolyCollection:
    """Fill each cell of ``regions`` with its own light colour."""
    polys = regions.polygons.as_list()
    edges = len(polys) <= MAX_EDGES
    cells = PolyCollection(polys, facecolors=cell_colours(len(polys), bg), edgecolors=[tuple(bg)] if edges else "face",
                           linewidths=0.6 if edges else 0.0, zorder=zorder, antialiased=edges)
    ax.add_collection(cells)
    return cells


def draw_segments(ax, boundary: Boundary, box, fg, *, corners: bool = True, zorder: float = 4) -> None:
    """The boundary's maximal straight segments and, with ``corners``, a dot where two of them meet."""
    ax.add_collection(LineCollection(list(boundary.segments), colors=[fg], linewidths=1.6, zorder=zorder,
                                     capstyle="round"))
    if corners and boundary.count <= MAX_CORNERS:
        pts = boundary.corners(box)
        if len(pts):
            ax.plot(*pts.T, linestyle="none", marker="o", markersize=3.2, color=fg, zorder=zorder + 0.1)


def count_text(regions: int | None = None, segments: int | None = None) -> str:
    """``11 regions, 8 segments``: what a panel says about its pieces."""
    parts = []
    if regions is not None:
        parts.append(f"{regions:,} region{'s' if regions != 1 else ''}")
    if segments is not None:
        parts.append(f"{segments:,} segment{'s' if segments != 1 else ''}")
    return ", ".join(parts)
