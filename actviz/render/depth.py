"""Pictures of deep stacks: per-layer distributions beside the mean-field prediction, and loss curves.

The grid has one block of three rows per activation (pre-activations, activations,
gradients) and one column per initialisation. Each panel shows, layer by layer on a
log scale, the 5-95 % and 25-75 % bands and the median of |value|, the measured root
mean square (dots) and the mean-field prediction of it (dashed), so vanishing and
exploding signals read as straight slopes and the theory can be checked by eye.
"""
from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

from actviz.core.converge import ConvergenceResult
from actviz.core.depth import QUANTITIES, DepthResult
from actviz.core.phase import PhaseResult
from actviz.render.figure import new_figure
from actviz.render.fit import fit_legend, fit_title

QUANTITY_LABELS = {"pre": "pre-activation $|z|$", "act": r"activation $|\phi(z)|$",
                   "grad": r"gradient $|\partial L/\partial z|$"}
QUANTITY_COLORS = {"pre": "#0072B2", "act": "#D55E00", "grad": "#009E73"}
INIT_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
INIT_DASHES = ("solid", (0, (5, 2)), (0, (1.5, 1.5)), (0, (6, 2, 1.5, 2)))
"""One dash pattern per initialisation, so curves that coincide (both stalled) still both show."""
PANEL_W, PANEL_H, BLOCK_TITLE, LEGEND_H, LEFT = 1.75, 1.05, 0.34, 0.55, 0.75
TINY = 1e-300


def depth_size(acts: int, inits: int, title: bool = False) -> tuple[float, float]:
    """Default inches: panels of about 1.75 x 1.05 in, a title per activation and a legend below."""
    return (LEFT + PANEL_W * inits, acts * (3 * PANEL_H + BLOCK_TITLE) + LEGEND_H + (0.35 if title else 0))


def _row_limits(values: list[np.ndarray]) -> tuple[float, float]:
    finite = np.concatenate([v[np.isfinite(v) & (v > TINY)].ravel() for v in values])
    if not finite.size:
        return 1e-3, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if hi / lo < 10:
        mid = math.sqrt(lo * hi)
        lo, hi = mid / math.sqrt(10), mid * math.sqrt(10)
    return lo / 1.6, hi * 1.6


def depth_figure(result: DepthResult, *, size: tuple[float, float] | None = None, dpi: float = 150,
                 title: str | None = None) -> Figure:
    """The grid of (activation x initialisation) stacks, three rows per activation."""
    n_acts, n_inits = len(result.cells), len(result.cells[0])
    fig = new_figure(*(size or depth_size(n_acts, n_inits, bool(title))), dpi=dpi)
    fig.set_layout_engine("constrained", h_pad=0.02, w_pad=0.02, hspace=0.0, wspace=0.0)
    blocks = fig.subfigures(n_acts, 1, squeeze=False)[:, 0] if n_acts > 1 else [fig.subfigures(1, 1)]
    depth = result.settings.depth
    layers = np.arange(1, depth + 1)
    fg = matplotlib.rcParams["text.color"]
    for row, block in zip(result.cells, blocks):
        act = row[0].act
        block.suptitle(act.label, fontweight="bold", fontsize=matplotlib.rcParams["axes.titlesize"])
        axes = block.subplots(3, n_inits, sharex=True, squeeze=False)
        for k, quantity in enumerate(QUANTITIES):
            colour = QUANTITY_COLORS[quantity]
            rms = [np.sqrt(c.measured[k]) for c in row]
            pred = [np.sqrt(c.predicted[k]) for c in row]
            lo, hi = _row_limits([*(c.quantiles[k][:, 1:] for c in row), *rms, *pred])
            for j, cell in enumerate(row):
                ax = axes[k, j]
                ax.set_yscale("log", nonpositive="clip")
                q = np.clip(np.nan_to_num(cell.quantiles[k], nan=TINY, posinf=1e300), TINY, 1e300)
                ax.fill_between(layers, q[:, 0], q[:, 4], color=colour, alpha=0.18, lw=0, step=None)
                ax.fill_between(layers, q[:, 1], q[:, 3], color=colour, alpha=0.38, lw=0)
                ax.plot(layers, q[:, 2], color=colour, lw=0.9)
                ax.plot(layers, rms[j], linestyle="none", marker="o", markersize=3.4, markerfacecolor="none",
                        markeredgewidth=0.8, color=fg, zorder=4)
                ax.plot(layers, pred[j], color=fg, lw=1.0, linestyle=(0, (3, 2)), zorder=5)
                zero = float(np.nanmax(cell.zeros[k]))
                if zero >= 0.01:
                    ax.text(0.97, 0.05, f"{_percent(float(np.nanmin(cell.zeros[k])), zero)} zero",
                            transform=ax.transAxes, ha="right", va="bottom", fontsize="xx-small", color=fg,
                            bbox=dict(boxstyle="round,pad=0.15", fc=matplotlib.rcParams["axes.facecolor"],
                                      ec="none", alpha=0.8), zorder=5)
                ax.set_ylim(lo, hi)
                ax.set_xlim(0.5, depth + 0.5)
                ax.yaxis.set_major_locator(LogLocator(numticks=4))
                ax.yaxis.set_minor_formatter(NullFormatter())
                ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
                ax.tick_params(labelsize="x-small")
                ax.grid(True, which="major", lw=0.4)
                if j:
                    ax.tick_params(labelleft=False)
                else:
                    ax.set_ylabel(QUANTITY_LABELS[quantity], fontsize="x-small")
                if k == 0:
                    ax.set_title(f"{cell.title}\n" + rf"$\sigma_w$ = {_sigma_w(cell, result):.3g}",
                                 fontsize="x-small")
                if k == 2:
                    ax.set_xlabel("layer", fontsize="x-small")
    handles = [Patch(color="#808080", alpha=0.25, lw=0, label="5–95 % of nonzero |value|"),
               Patch(color="#808080", alpha=0.5, lw=0, label="25–75 %"),
               Line2D([], [], color="#808080", lw=0.9, label="median"),
               Line2D([], [], color=fg, linestyle="none", marker="o", markersize=3.4, markerfacecolor="none",
                      markeredgewidth=0.8, label="measured RMS"),
               Line2D([], [], color=fg, lw=1.0, linestyle=(0, (3, 2)), label="mean-field RMS")]
    fit_legend(fig, handles, 5, fontsize="x-small", handlelength=1.8)  # fewer columns when narrow
    if title:
        fig.suptitle(title)
    return fig


def _percent(lo: float, hi: float) -> str:
    """The share of exact zeros over the layers: ``50 %`` or ``12-50 %``."""
    a, b = round(100 * lo), round(100 * hi)
    return f"{b} %" if a == b else f"{a}–{b} %"


def _sigma_w(cell, result: DepthResult) -> float:
    """sigma_w of the hidden layers: sqrt(fan_in x mean square of the weights)."""
    from actviz.core.inits import entry_variance

    width = result.settings.width
    return math.sqrt(width * entry_variance(cell.init, cell.gain ** 2, width, width))


def convergence_figure(result: ConvergenceResult, *, size: tuple[float, float] | None = None, dpi: float = 150,
                       title: str | None = None, ncols: int | None = None) -> Figure:
    """Loss against step, one panel per activation: the median over seeds and the band from the
    lowest to the highest run, one colour per initialisation."""
    n = len(result.runs)
    ncols = min(ncols or 3, n)
    nrows = math.ceil(n / ncols)
    fig = new_figure(*(size or convergence_size(n, ncols, bool(title))), dpi=dpi)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    s = result.settings
    steps = np.arange(s["steps"] + 1)
    finite = np.concatenate([r.loss[np.isfinite(r.loss)].ravel() for row in result.runs for r in row])
    lo = max(float(finite.min()) if finite.size else 1e-3, 1e-4) / 1.5
    hi = (float(finite.max()) if finite.size else 1.0) * 1.5
    for ax, row in zip(axes, result.runs):
        for j, runs in enumerate(row):
            colour = INIT_COLORS[j % len(INIT_COLORS)]
            low, _, median, _, high = runs.summary()
            top = np.where(np.isfinite(high), high, hi * 10)
            ax.fill_between(steps, np.maximum(low, lo / 10), top, color=colour, alpha=0.2, lw=0)
            ax.plot(steps, np.where(np.isfinite(median), median, np.nan), color=colour, lw=1.6,
                    linestyle=INIT_DASHES[j % len(INIT_DASHES)])
            gone = sum(d is not None for d in runs.diverged)
            if gone:
                ax.text(0.98, 0.98 - 0.07 * j, f"{runs.title}: {gone} of {len(runs.diverged)} runs diverged",
                        transform=ax.transAxes, ha="right", va="top", fontsize="x-small", color=colour)
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_xlim(0, s["steps"])
        ax.set_title(f"{row[0].act.label} {'-'.join(str(h) for h in result.hidden)}" if len(set(result.hidden)) > 1
                     else f"{row[0].act.label}, {len(result.hidden)} x {result.hidden[0]}")
        ax.set_xlabel("step")
    handles = [Line2D([], [], color=INIT_COLORS[j % len(INIT_COLORS)], lw=1.6,
                      linestyle=INIT_DASHES[j % len(INIT_DASHES)], label=runs.title)
               for j, runs in enumerate(result.runs[0])]
    handles.append(Patch(color="#808080", alpha=0.3, lw=0, label=f"line: median of {s['seeds']} seeds, "
                                                                 f"band: lowest to highest"))
    fit_legend(fig, handles, len(handles), fontsize="small")
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax in axes[::ncols]:
        ax.set_ylabel("training loss (cross-entropy)")
    fig.suptitle(title if title is not None else
                 f"{s['data']} ({s['count']} points), {s['optimizer']} lr {s['lr']:g}", fontsize="medium")
    fig.set_layout_engine("constrained")
    return fig


def convergence_size(n: int, ncols: int | None = None, title: bool = False) -> tuple[float, float]:
    ncols = min(ncols or 3, n)
    return (0.6 + 3.3 * ncols, 0.5 + 3.0 * math.ceil(n / ncols))


MARKERS = ("o", "s", "^", "D", "v", "P", "X")
PHASE_CLIP = 12.0
"""Decades of gradient change beyond which the colour saturates."""


def phase_columns(n: int, ncols: int | None = None) -> int:
    """Up to 3 panels per row, rows as full as possible (4 panels: 2 x 2)."""
    return min(ncols, n) if ncols else (n if n <= 3 else math.ceil(n / math.ceil(n / 3)))


def phase_size(n: int, ncols: int | None = None, title: bool = False) -> tuple[float, float]:
    """Inches: panels of about 3.6 x 3.1, a colour bar, a title line and a legend of marks."""
    ncols = phase_columns(n, ncols)
    return (1.1 + 3.6 * ncols, 1.4 + 3.1 * math.ceil(n / ncols) + (0.3 if title else 0))


def phase_figure(result: PhaseResult, *, size: tuple[float, float] | None = None, dpi: float = 150,
                 title: str | None = None, ncols: int | None = None) -> Figure:
    """One panel per activation: the (sigma_w, sigma_b) plane coloured by log10 of the gradient's mean square
    at the first layer over the top's, the line where it keeps its size, and a mark per initialisation at its
    sigma_w and the settings' sigma_b."""
    from matplotlib.colors import Normalize

    n = len(result.phases)
    ncols = phase_columns(n, ncols)
    nrows = math.ceil(n / ncols)
    fig = new_figure(*(size or phase_size(n, ncols, bool(title))), dpi=dpi)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    depth = result.settings.depth
    norm = Normalize(-PHASE_CLIP, PHASE_CLIP)
    fg = matplotlib.rcParams["text.color"]
    mark_sigma_b = result.settings.bias_std
    image = None
    for ax, p in zip(axes, result.phases):
        extent = (p.sigma_w[0], p.sigma_w[-1], p.sigma_b[0], p.sigma_b[-1])
        values = np.clip(np.nan_to_num(p.log_ratio, nan=0.0, posinf=PHASE_CLIP, neginf=-PHASE_CLIP),
                         -PHASE_CLIP, PHASE_CLIP)
        image = ax.imshow(values, origin="lower", extent=extent, aspect="auto", cmap="RdBu_r", norm=norm,
                          interpolation="nearest")
        if np.nanmin(values) < 0 < np.nanmax(values):
            ax.contour(p.sigma_w, p.sigma_b, values, levels=[0.0], colors=[fg], linewidths=1.2)
        for k, (label, sw) in enumerate(p.marks):
            if p.sigma_w[0] <= sw <= p.sigma_w[-1] and p.sigma_b[0] <= mark_sigma_b <= p.sigma_b[-1]:
                ax.plot([sw], [mark_sigma_b], linestyle="none", marker=MARKERS[k % len(MARKERS)],
                        markersize=max(3.5, 8.0 - 1.3 * k),  # coinciding marks nest instead of hiding
                        color=INIT_COLORS[k % len(INIT_COLORS)], markeredgecolor="white", markeredgewidth=0.8,
                        zorder=5, clip_on=False)
        ax.set_title(p.act.label)
        ax.set_xlabel(r"$\sigma_w$")
        ax.set_ylabel(r"$\sigma_b$")
        ax.grid(False)
    for ax in axes[n:]:
        ax.set_visible(False)
    marks = result.phases[0].marks
    if marks:
        handles = [Line2D([], [], linestyle="none", marker=MARKERS[k % len(MARKERS)], markersize=6,
                          color=INIT_COLORS[k % len(INIT_COLORS)], markeredgecolor="white", label=label)
                   for k, (label, _) in enumerate(marks)]
        fit_legend(fig, handles, len(handles), fontsize="small",
                   title=rf"initialisations, at $\sigma_b$ = {mark_sigma_b:g} (layers of equal width)",
                   title_fontsize="x-small")
    bar = fig.colorbar(image, ax=list(axes[:n]), shrink=0.9)
    bar.set_label(f"log$_{{10}}$ gradient mean square, layer 1 / layer {depth}", fontsize="small")
    heading = title if title is not None else (f"Order and chaos over {depth} layers: blue, gradients vanish; "
                                               f"red, they explode; on the line they keep their size")
    size = FontProperties(size="small").get_size_in_points()
    fig.suptitle(fit_title(fig, heading, fig.get_figwidth() - 0.2, fontsize=size), fontsize=size)  # wrapped to fit
    fig.set_layout_engine("constrained")
    return fig
