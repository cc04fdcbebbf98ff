"""The warp grid: one panel per (n, activation), and its animation from identity to the activation.

Limits. With ``limits="shared"`` (the default) every panel shows the same square
frame centred on the origin: the input spiral's extent, grown to hold what the
panels contain but never beyond :data:`MAX_GROW` times the input (an ill-conditioned
``W`` can throw a few points far out; such panels say "partly outside"). Sizes and
positions then compare across the whole figure, so a squash shows as a small
spiral; the input spiral is drawn faintly behind each panel for reference. With
``limits="panel"`` each panel fits its own content (the shape of a squashed spiral
becomes visible) and states its zoom relative to the input frame.

Animation. One Figure serves every frame: the static parts (frames, titles, the
faint input spiral) are drawn once and cached; each frame restores that background,
moves the spiral and grid artists (``set_segments``) and draws only them (blitting).
Axis limits are fixed beforehand from both ends of the blend, which bound every
frame since ``X'(t)`` is a straight-line blend of the two.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.figure import Figure, FigureBase
from matplotlib.text import Text

from actviz.render.blit import Blit
from actviz.render.figure import inches, new_figure, root_figure
from actviz.render.layout import warp_size as default_size
from actviz.core.curves import distinct_labels
from actviz.core.warp import WarpResult, blend_schedule

MAX_GROW = 1.5
CMAP = "viridis"
PAD = 1.08
_NB = "\u00a0"  # formulas are kept on one line when a title wraps


def _unbroken(*phrases: str) -> str:
    """Phrases that a wrapped title may separate but never cut."""
    return " ".join(_NB.join(p.split()) for p in phrases)


STATIC_TITLE = _unbroken("One layer and back:") + r" $X' = W^{+}\,\mathrm{act}(WX)$, " + _unbroken("n hidden units")
ANIMATED_TITLE = _unbroken("From identity to act:") + r" $X' = W^{+}((1-t)\,WX + t\,\mathrm{act}(WX))$"
"""Formulas in mathtext: every style's font draws them (STIX has no superscript plus, U+207A),
and PGF output sets them as LaTeX math."""


COLOUR_STEPS = 160
"""The spiral is drawn as this many short polylines, one colour each: smooth to the eye,
and far fewer paths to build and draw per frame than one per point."""


def _bounds(points: int) -> np.ndarray:
    """Indices where the coloured pieces of a spiral of ``points`` points start and end."""
    return np.unique(np.linspace(0, points - 1, min(points - 1, COLOUR_STEPS) + 1).round().astype(int))


def _pieces(P: np.ndarray) -> list[np.ndarray]:
    """The spiral cut into consecutive polylines that share their end points."""
    b = _bounds(len(P))
    return [P[i:j + 1] for i, j in zip(b[:-1], b[1:])]


def _piece_colours(points: int, cmap_range: tuple[float, float]) -> np.ndarray:
    """Colour value of each piece: where its middle lies along the spiral, mapped into ``cmap_range``."""
    b = _bounds(points)
    middle = (b[:-1] + b[1:]) / 2 / (points - 1)
    return cmap_range[0] + middle * (cmap_range[1] - cmap_range[0])


@dataclass(frozen=True)
class Look:
    """Colours, sizes and widths taken from the active style, so dark, paper and slides apply."""

    faint: tuple  # the input spiral behind each panel
    axis: tuple  # the origin cross
    edge: tuple  # panel frames and grid lines
    muted: tuple  # footer and notes
    cmap_range: tuple[float, float]  # the part of viridis that stands out from the background
    title_pt: float
    label_pt: float
    small_pt: float
    line: float

    @classmethod
    def from_rc(cls) -> "Look":
        rc = matplotlib.rcParams
        fg, bg = np.array(to_rgb(rc["text.color"])), np.array(to_rgb(rc["axes.facecolor"]))

        def mix(k: float) -> tuple:
            return tuple(float(v) for v in bg + k * (fg - bg))

        def points(key: str) -> float:
            return FontProperties(size=rc[key]).get_size_in_points()

        dark = float(bg @ [0.2126, 0.7152, 0.0722]) < 0.5
        # on white, viridis's last, pale yellow tenth is hard to see; on black, its first, dark blue fifth
        return cls(faint=mix(0.15), axis=mix(0.1), edge=mix(0.3), muted=mix(0.68),
                   cmap_range=(0.22, 1.0) if dark else (0.0, 0.88), title_pt=points("figure.titlesize"),
                   label_pt=points("axes.titlesize") * 0.9, small_pt=points("font.size") * 0.7,
                   line=float(rc["lines.linewidth"]) * 0.85)


def input_half(result: WarpResult) -> float:
    """Half-width of the square frame around the input spiral (centred on the origin)."""
    return float(np.abs(result.X).max()) * PAD


def _box(arrays: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    pts = np.concatenate([a.reshape(-1, 2) for a in arrays if a is not None], axis=0)
    return float(pts[:, 0].min()), float(pts[:, 0].max()), float(pts[:, 1].min()), float(pts[:, 1].max())


@dataclass(frozen=True)
class Frame:
    """A square view: centre and half-width, and the fraction of the spiral beyond it."""

    cx: float
    cy: float
    half: float
    outside: float = 0.0

    def apply(self, ax) -> None:
        ax.set_xlim(self.cx - self.half, self.cx + self.half)
        ax.set_ylim(self.cy - self.half, self.cy + self.half)


def frames_for(result: WarpResult, limits: str, ends: Sequence[float] = (1.0,)) -> list[list[Frame]]:
    """The view of every panel (rows x columns), holding the content at each t in ``ends``.

    ``shared``: one frame centred on the origin, the input's, grown to hold every panel
    that fits within :data:`MAX_GROW` times it; a panel reaching further is cut off
    (its ``outside`` fraction is noted) rather than shrinking all the others. ``panel``: each panel's own box.
    """
    base = input_half(result)
    contents = [[[p.at(result.X, None, t)[0] for t in ends] for p in row] for row in result.rows]
    if limits == "shared":
        reach = [[max(float(np.abs(c).max()) for c in cs) * PAD for cs in row] for row in contents]
        half = max([base, *(r for row in reach for r in row if r <= MAX_GROW * base)])
        return [[Frame(0.0, 0.0, half, max(float(np.mean(np.abs(c).max(axis=1) > half)) for c in cs)) for cs in row]
                for row in contents]
    out = []
    for row in contents:
        views = []
        for cs in row:
            a, b, c, d = _box(cs)
            half = max(b - a, d - c) / 2 * PAD
            views.append(Frame((a + b) / 2, (c + d) / 2, max(half, base * 1e-3)))
        out.append(views)
    return out


@dataclass
class Drawn:
    """The figure and the artists that move in an animation (row-major, one per panel)."""

    fig: Figure
    spirals: list[LineCollection]
    grids: list[LineCollection | None]
    stamp: Text | None


def _describe(result: WarpResult) -> list[str]:
    """The settings behind the figure, in short phrases for the footer."""
    dist = {"uniform": "uniform in [-1, 1]", "normal": "normal, variance 1/3",
            "orthogonal": "orthonormal columns"}[result.weights]
    bias = f"bias uniform in [\u2212{result.bias:g}, {result.bias:g}]" if result.bias > 0 else "no bias"
    line = ["n = 1: $W^{+}$ maps the plane onto a line"] if 1 in result.ns else []
    return [f"seed {result.seed}", f"W {dist}, {bias}",
            f"spiral of {len(result.X)} points, {result.turns:g} turns, radius {result.scale:g}",
            *line, "colour: centre (dark) \u2192 outer end (light)"]


def _wrap_phrases(phrases: Sequence[str], width_in: float, points: float, sep: str = " \u00b7 ") -> str:
    """Join phrases with ``sep`` into lines that fit ``width_in`` inches of ``points``-point text."""
    chars = max(12, int(width_in * 72 / (0.56 * points)))  # about 0.56 em per character
    lines: list[str] = []
    for phrase in phrases:
        if lines and len(lines[-1]) + len(sep) + len(phrase) <= chars:
            lines[-1] += sep + phrase
        else:
            lines.append(phrase)
    return "\n".join(lines)


def _visible(text: str) -> str:
    """Roughly the characters a line shows: formulas without their commands and braces."""
    import re

    return re.sub(r"\\[a-zA-Z]+|\\.|[{}$^_]", "", text)


def _wrap_text(text: str, width_in: float, points: float) -> str:
    """Wrap a title at spaces, never inside a formula, to fit ``width_in`` inches."""
    from actviz.render.fit import wrap_to_width

    chars = max(12, int(width_in * 72 / (0.56 * points)))
    return wrap_to_width(text, chars, lambda line: len(_visible(line))) if len(_visible(text)) > chars else text


def draw(result: WarpResult, *, size: tuple[float, float] | None = None, dpi: float = 150, limits: str = "shared",
         title: str | None = None, animation: bool = False, blit: bool = False, t: float = 1.0,
         parent: FigureBase | None = None) -> Drawn:
    """Build the grid figure at blend ``t`` (inside the caller's style context), in a new figure
    or in ``parent`` (the caller's Figure or SubFigure, whose size it then fits).

    ``animation``: limits hold both ends of the blend and a stamp shows t; ``blit``: the
    moving artists are marked animated, so ``canvas.draw()`` leaves them out of the background.
    """
    look = Look.from_rc()
    rows, cols = len(result.ns), len(result.acts)
    views = frames_for(result, limits, ends=(0.0, 1.0) if animation else (t,))
    own = frames_for(result, "panel", ends=(0.0,))[0][0].half  # the input's own box, for the zoom note
    notes = [[_note(v, limits, own) for v in row] for row in views]
    noted = any(note for row in notes for note in row)
    fig = parent if parent is not None else new_figure(*(size or default_size(cols, rows, noted)), dpi=dpi)
    w, h = inches(fig)

    # margins in inches, from the text they hold
    stamp_width = 0.62 * look.title_pt * len(_stamp(0.5)) / 72 + 0.15
    stamp_line = look.title_pt * 1.4 / 72 if animation and w < 5 else 0.0  # narrow: t on a line of its own
    title = _wrap_text(title or (ANIMATED_TITLE if animation else STATIC_TITLE),
                       w - (2 * stamp_width if animation and not stamp_line else 0.3), look.title_pt)
    footer_pt = look.small_pt + (0.5 if animation else 0)
    footer = _wrap_phrases(_describe(result), w - 0.3, footer_pt)
    note_in = look.small_pt * 2.2 / 72 if noted else 0.08
    top = 0.14 + stamp_line + (title.count("\n") + 1) * look.title_pt * 1.25 / 72 + (look.label_pt * 1.3 + 4) / 72
    bottom = 0.12 + (footer.count("\n") + 1) * footer_pt * 1.3 / 72 + note_in
    left = 0.1 + (look.label_pt * 1.3 + 4) / 72
    # in the caller's figure under a layout engine, the engine places the panels, title and footer;
    # otherwise the margins computed here (on the grid, not subplots_adjust, so a SubFigure takes them too)
    engine = parent is not None and root_figure(parent).get_layout_engine() is not None
    margins = {} if engine else {"left": left / w, "right": 1 - 0.1 / w, "top": 1 - top / h, "bottom": bottom / h}
    axes = fig.subplots(rows, cols, squeeze=False,
                        gridspec_kw={"wspace": 0.06, "hspace": 0.2 if noted else 0.06, **margins})

    colours = _piece_colours(len(result.X), look.cmap_range)
    names = distinct_labels([panel.act for panel in result.rows[0]]) if result.rows else []
    spirals, grids = [], []
    for r, (n, row) in enumerate(zip(result.ns, result.rows)):
        for c, panel in enumerate(row):
            ax = axes[r, c]
            ax.set_aspect("equal", adjustable="box")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set(visible=True, color=look.edge, linewidth=0.6)
            views[r][c].apply(ax)
            if limits == "shared":
                ax.plot(result.X[:, 0], result.X[:, 1], color=look.faint, linewidth=look.line * 0.55, zorder=1)
            ax.axhline(0, color=look.axis, linewidth=0.5, zorder=0)
            ax.axvline(0, color=look.axis, linewidth=0.5, zorder=0)
            pts, lines = panel.at(result.X, result.grid, t)
            grid_lc = None
            if lines is not None:
                # moving artists sit above the spines (zorder 2.5), as blitting draws them last
                grid_lc = LineCollection(list(lines), colors=[look.edge], linewidths=look.line * 0.3, zorder=2.6,
                                         animated=blit)
                ax.add_collection(grid_lc, autolim=False)
            spiral_lc = LineCollection(_pieces(pts), array=colours, cmap=CMAP, linewidths=look.line, zorder=3,
                                       animated=blit, capstyle="round")
            spiral_lc.set_clim(0.0, 1.0)
            ax.add_collection(spiral_lc, autolim=False)
            spirals.append(spiral_lc)
            grids.append(grid_lc)
            if r == 0:
                ax.set_title(names[c], fontsize=look.label_pt, pad=4)
            if c == 0:
                ax.set_ylabel(f"n = {n}", fontsize=look.label_pt, labelpad=4)
            if notes[r][c]:
                ax.set_xlabel(notes[r][c], fontsize=look.small_pt, color=look.muted, labelpad=2)
    if engine:
        fig.suptitle(title, fontsize=look.title_pt)
        fig.supxlabel(footer, fontsize=footer_pt, color=look.muted, linespacing=1.3)
    else:
        fig.suptitle(title, fontsize=look.title_pt, y=1 - (0.1 + stamp_line) / h, va="top")
        fig.text(0.5, 0.1 / h, footer, ha="center", va="bottom", fontsize=footer_pt, color=look.muted,
                 linespacing=1.3)
    stamp = None
    if animation:
        stamp = fig.text(0.12 / w, 1 - 0.1 / h, _stamp(t), ha="left", va="top", fontsize=look.title_pt,
                         family="monospace", animated=blit)
    return Drawn(fig, spirals, grids, stamp)


def _stamp(t: float) -> str:
    return f"t = {t:.2f}"


def _note(view: Frame, limits: str, own: float) -> str:
    """A panel's note: content cut off by the shared frame, or the zoom of its own frame
    relative to the input's (``own``, the half-width of the input spiral's box)."""
    if limits == "shared":
        return "" if view.outside == 0 else "outside the frame" if view.outside == 1 else "partly outside"
    zoom = own / view.half
    return f"zoom \u00d7{zoom:.2g}" if abs(zoom - 1) > 0.05 else ""


def warp_figure(result: WarpResult, *, size: tuple[float, float] | None = None, dpi: float = 150,
                limits: str = "shared", title: str | None = None, parent: FigureBase | None = None) -> FigureBase:
    """The static grid at the full activation (t = 1), in a new figure or in ``parent``."""
    return draw(result, size=size, dpi=dpi, limits=limits, title=title, parent=parent).fig


class WarpFrames:
    """RGBA frames of the gradual warp, drawn on one figure by blitting the moving artists."""

    def __init__(self, result: WarpResult, *, size: tuple[float, float] | None = None, dpi: float = 80,
                 limits: str = "shared", title: str | None = None, blit: bool = True):
        self.result = result
        self.blit = blit
        self.drawn = draw(result, size=size, dpi=dpi, limits=limits, title=title, animation=True, blit=blit, t=0.0)
        self.canvas = self.drawn.fig.canvas
        self.frames = Blit(self.drawn.fig)

    def render(self, t: float) -> np.ndarray:
        """The frame at blend ``t`` as an H x W x 4 uint8 array (a copy)."""
        res = self.result
        panels = [p for row in res.rows for p in row]
        for panel, spiral_lc, grid_lc in zip(panels, self.drawn.spirals, self.drawn.grids):
            pts, lines = panel.at(res.X, res.grid, t)
            spiral_lc.set_segments(_pieces(pts))
            if grid_lc is not None:
                grid_lc.set_segments(list(lines))
        if self.drawn.stamp is not None:
            self.drawn.stamp.set_text(_stamp(t))
        if not self.blit:
            self.canvas.draw()
            return np.array(self.canvas.buffer_rgba())
        return np.array(self.frames.frame([*self.drawn.grids, *self.drawn.spirals, self.drawn.stamp]))


def write_animation(result: WarpResult, path, *, frames: int = 40, size: tuple[float, float] | None = None,
                    dpi: float = 80, limits: str = "shared", title: str | None = None, frame_ms: int = 70,
                    hold_ms: int = 700, encoding=None, progress=None) -> None:
    """A looping animation from identity (t = 0) to the activation (t = 1) and back.

    The two ends are shown for ``hold_ms``, the frames in between for ``frame_ms`` each;
    the palette comes from the two ends; t = 1 is the frame shown when it does not play.
    """
    from actviz.render.animation import write_frames

    source = WarpFrames(result, size=size, dpi=dpi, limits=limits, title=title)
    ts = [float(t) for t in blend_schedule(frames)]
    write_frames(path, source.render, ts, [hold_ms if t in (0.0, 1.0) else frame_ms for t in ts],
                 palette_from=(0.0, 1.0), progress=progress, encoding=encoding, labels=[_stamp(t) for t in ts],
                 poster=ts.index(1.0) if 1.0 in ts else 0)
