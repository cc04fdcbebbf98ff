"""Text that fits: titles wrapped to the width they have, and a last check that nothing is clipped.

A figure actviz makes is laid out for its size (fewer legend or panel columns, smaller
formula text, wrapped titles); when it is saved, :func:`check_fits` looks at the text as it
was just drawn and refuses the figure, as the user's mistake in one line, when any text still
runs off the figure or over other text, so that a clipped figure is never written.
"""
from __future__ import annotations

import contextlib
import re
import warnings

import numpy as np
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

from actviz.errors import UserError


def root_figure(fig) -> Figure:
    """The top-level Figure of a Figure, SubFigure or Axes."""
    seen = fig
    while not isinstance(seen, Figure):
        seen = seen.figure
    return seen


def renderer_for(fig):
    """A renderer to measure text with: the canvas's own, or an Agg one of the figure's size."""
    root = root_figure(fig)
    get = getattr(root.canvas, "get_renderer", None)
    if get is not None:
        return get()
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(int(root.bbox.width), int(root.bbox.height), root.dpi)


COLLAPSED = "constrained_layout not applied"
"""The start of matplotlib's warning when a figure is too small for its axes and text."""

_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def words(text: str) -> list[str]:
    """The places a title may break: at spaces outside ``$...$`` (formulas stay whole)."""
    protected = _MATH.sub(lambda m: m.group(0).replace(" ", "\0"), text)
    return [w.replace("\0", " ") for w in protected.split(" ") if w]


def wrap_to_width(text: str, width_px: float, measure) -> str:
    """Break ``text`` at spaces (never inside a formula) into lines of at most ``width_px`` as
    ``measure(line)`` sees them; a single word wider than that stays on its own line."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in words(paragraph):
            trial = f"{line} {word}" if line else word
            if line and measure(trial) > width_px:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


def text_width(fig, text: str, **props) -> float:
    """Width in pixels of ``text`` drawn with ``props`` (fontsize, ...) on ``fig``."""
    probe = Text(0, 0, text, figure=root_figure(fig), **props)
    return probe.get_window_extent(renderer_for(fig)).width


def fit_title(fig, text: str, width_in: float, **props) -> str:
    """A title wrapped at spaces so that each line fits ``width_in`` inches."""
    dpi = root_figure(fig).dpi
    if text_width(fig, text, **props) <= width_in * dpi:
        return text
    return wrap_to_width(text, width_in * dpi, lambda line: text_width(fig, line, **props))


def fit_legend(parent, handles, ncol: int, **kwargs):
    """``parent.legend(handles=..., loc="outside lower center")`` with as many of ``ncol`` columns as fit
    the width (fewer columns, more rows, when the entries are wider than the figure)."""
    renderer = renderer_for(parent)
    for n in range(max(1, ncol), 0, -1):
        box = parent.legend(handles=handles, loc="outside lower center", ncols=n, **kwargs)
        if n == 1 or box.get_window_extent(renderer).width <= 0.98 * parent.bbox.width:
            return box
        box.remove()


def _drawn_texts(fig) -> list[tuple[Text | Legend, str]]:
    """Every visible, non-empty text the figure draws (inside visible parents; tick labels only
    of the ticks drawn; a legend as one box), with a short description of it."""
    hidden: set[int] = set()
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            drawn = {id(tick) for tick in axis._update_ticks()}
            hidden.update(id(tick) for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                          if id(tick) not in drawn)
    found: list[tuple[Text, str]] = []

    def walk(artist) -> None:
        if not artist.get_visible() or id(artist) in hidden:
            return
        if isinstance(artist, Legend):  # placed as a whole when drawn: measured as a whole
            found.append((artist, "the legend"))
            return
        if isinstance(artist, Text) and artist.get_text().strip():
            found.append((artist, artist.get_text().replace("\n", " ")))
        for child in artist.get_children():
            walk(child)

    walk(fig)
    return found


@contextlib.contextmanager
def collapse_is_an_error(what: str = "figure"):
    """matplotlib's warning that a figure is too small for its panels (constrained layout gave up),
    as the user's mistake in one line."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", COLLAPSED, UserWarning)
        try:
            yield
        except UserWarning as exc:
            if COLLAPSED not in str(exc):
                raise
            raise UserError(f"the {what} is too small for its text and panels; give a larger --size (or size=), "
                            f"fewer panels or functions, or a style with smaller fonts (the panels would have "
                            f"no room)") from None


def check_fits(fig, what: str = "figure", tolerance_px: float = 1.0, drawn: bool = False) -> None:
    """Refuse a figure whose text runs off its edges or over other text. ``drawn``: the figure was
    just drawn (saved), so its text is where it will be; otherwise it is laid out first.

    Raises
    ------
    UserError
        Naming the first text that does not fit and what would help.
    """
    hint = "give a larger --size (or size=), fewer panels or functions, or a style with smaller fonts"
    too_small = f"the {what} is too small for its text and panels; {hint}"
    if not drawn:
        with collapse_is_an_error(what):
            root_figure(fig).draw_without_rendering()
    renderer = renderer_for(fig)
    texts = _drawn_texts(fig)
    if not texts:
        return
    boxes = np.array([tuple(t.get_window_extent(renderer).extents) for t, _ in texts])
    W, H = fig.bbox.width, fig.bbox.height
    out = (boxes[:, 0] < -tolerance_px) | (boxes[:, 1] < -tolerance_px) | \
          (boxes[:, 2] > W + tolerance_px) | (boxes[:, 3] > H + tolerance_px)
    if out.any():
        i = int(np.argmax(out))
        raise UserError(f"{too_small} ({_name(texts[i])} runs off the edge)")
    x0, y0, x1, y1 = (boxes[:, k] for k in range(4))
    ix = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    iy = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
    overlap = (ix > tolerance_px) & (iy > tolerance_px)
    np.fill_diagonal(overlap, False)
    if overlap.any():
        i, j = np.argwhere(np.triu(overlap))[0]
        raise UserError(f"{too_small} ({_name(texts[i])} overlaps {_name(texts[j])})")


def _name(entry: tuple[Text, str]) -> str:
    text = entry[1]
    return repr(text if len(text) <= 40 else text[:37] + "...")
