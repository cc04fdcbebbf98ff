"""Surfaces of gated functions f(a, b): a heatmap with contour lines and the gradient field.

One panel per function; every panel shares one diverging colour scale centred on 0 (so
colours compare across panels) and one arrow scale (so arrow lengths compare too).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib import colors
from matplotlib.figure import Figure

from actviz.core.gated import Surface
from actviz.render.figure import new_figure

ARROWS = 15
"""Gradient arrows per axis (sub-sampled from the grid)."""

CMAP = "RdBu_r"


def surface_layout(n: int, ncols: int | None = None, title: str | None = None) -> tuple[int, int, tuple[float, float]]:
    """Columns, rows and default size in inches of ``n`` square panels plus a colour bar."""
    ncols = min(ncols or 3, n)
    nrows = math.ceil(n / ncols)
    return ncols, nrows, (0.9 + 3.1 * ncols, 0.35 + 3.35 * nrows + (0.35 if title else 0.0))


def _arrow_index(size: int) -> np.ndarray:
    step = max(1, round(size / ARROWS))
    start = step // 2
    return np.arange(start, size, step)


def surface_figure(surfaces: Sequence[Surface], *, size: tuple[float, float] | None = None, dpi: float = 150,
                   title: str | None = None, arrows: bool = True, contours: int = 9, formula: bool = True,
                   ncols: int | None = None) -> Figure:
    """Panels of f(a, b) (colour), its level lines and its gradient (arrows), on shared scales.

    Parameters
    ----------
    surfaces : sequence of Surface
        The functions on their grids (see :func:`actviz.core.gated.evaluate`).
    size : (float, float), optional
        Figure size in inches (default: about 3.1 in per panel).
    dpi : float
        Resolution.
    title : str, optional
        Figure title.
    arrows : bool
        Draw the gradient field.
    contours : int
        Number of level lines per panel (0 for none).
    formula : bool
        Put each function's formula under its name.
    ncols : int, optional
        Panels per row (default up to 3).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(surfaces)
    ncols, nrows, default = surface_layout(n, ncols, title)
    fig = new_figure(*(size or default), dpi=dpi)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    finite = [np.abs(s.f[np.isfinite(s.f)]) for s in surfaces]
    vmax = max((float(v.max()) for v in finite if v.size), default=1.0) or 1.0
    norm = colors.TwoSlopeNorm(vmin=-vmax, vcenter=0.0, vmax=vmax)
    levels = np.linspace(-vmax, vmax, contours + 2)[1:-1] if contours else None
    # one arrow scale for every panel: the longest gradient shown spans about one arrow cell
    cells = []
    for s in surfaces:
        ia, ib = _arrow_index(s.a.size), _arrow_index(s.b.size)
        cells.append((ia, ib, s.da[np.ix_(ib, ia)], s.db[np.ix_(ib, ia)]))
    longest = max((float(np.nanmax(np.hypot(da, db))) for _, _, da, db in cells), default=1.0) or 1.0
    image = None
    for ax, s, (ia, ib, da, db) in zip(axes, surfaces, cells):
        extent = (float(s.a[0]), float(s.a[-1]), float(s.b[0]), float(s.b[-1]))
        image = ax.imshow(s.f, origin="lower", extent=extent, aspect="auto", cmap=CMAP, norm=norm,
                          interpolation="bilinear")
        if levels is not None and np.isfinite(s.f).any() and np.ptp(s.f[np.isfinite(s.f)]) > 0:
            ax.contour(s.a, s.b, s.f, levels=levels, colors="0.15", linewidths=0.6, alpha=0.7)
        if arrows:
            step_a = (extent[1] - extent[0]) / max(len(ia), 1)
            ax.quiver(s.a[ia], s.b[ib], da, db, angles="xy", scale_units="xy", scale=longest / (0.9 * step_a),
                      color="0.1", width=0.006, headwidth=3.5, headlength=4, alpha=0.8, pivot="mid")
        ax.grid(False)  # a style's grid would hide the colours
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_xlabel(r"value $a$")
        ax.set_ylabel(r"gate $b$")
        ax.axhline(0, color="0.5", linewidth=0.5)
        ax.axvline(0, color="0.5", linewidth=0.5)
        ax.set_title(f"{s.label}\n{s.act.latex}" if formula else s.label, fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in axes[n:]:
        ax.set_visible(False)
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes[:n]), shrink=0.9, pad=0.02)
        bar.set_label(r"$f(a,b)$")
        bar.ax.tick_params(labelsize="x-small")
    if title:
        fig.suptitle(title)
    fig.set_layout_engine("constrained")
    return fig
