"""Figures without pyplot that carry their style, saved deterministically and atomically.

A figure actviz makes is an :class:`ActvizFigure`: a plain matplotlib Figure with an Agg
canvas (no pyplot, no backend chosen, nothing global touched) that remembers the
rcParams of the styles it was made under and applies them again whenever it is drawn
or saved. So ``fig.savefig(...)``, :func:`save_figure` and a notebook's display all give
the same picture whatever the session's own rcParams are, and styles are named once,
when the figure is made. In Jupyter it shows as an image (``_repr_png_``) even when
pyplot was never imported.

Every renderer builds its figure with :func:`new_figure` inside :func:`rc_context` (or
draws into the caller's Figure, SubFigure or Axes, see :func:`target`) and saves it with
:func:`save_figure`, so that the same inputs give the same bytes: no dates, no random SVG
ids, no software version strings, Type 42 fonts in PDF/PS.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, FigureBase

from actviz.atomic import atomic_path
from actviz.errors import UserError
from actviz.render.fit import check_fits, collapse_is_an_error, root_figure
from actviz.render.layout import IMAGE_FORMATS

FORMATS = IMAGE_FORMATS

DETERMINISTIC_RC = {
    "svg.hashsalt": "actviz",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "path.simplify": True,
}

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "eps": {"CreationDate": None, "Creator": None},
    "pgf": {},
}

SESSION_KEYS = frozenset({
    "backend", "backend_fallback", "interactive", "toolbar", "timezone", "figure.max_open_warning",
    "figure.raise_window", "savefig.directory", "tk.window_focus", "docstring.hardcopy", "date.epoch",
    "webagg.address", "webagg.port", "webagg.port_retries", "webagg.open_in_browser",
})
"""rcParams that belong to the session, not to a figure's look (matplotlib's style blacklist):
never stored with a figure nor set when it is drawn."""


def image_format(path: str | os.PathLike, allowed: Iterable[str] = FORMATS) -> str:
    """The format of ``path`` from its extension; an unsupported one is a user error."""
    suffix = Path(path).suffix.lower()
    allowed = list(allowed)
    if suffix not in allowed:
        raise UserError(f"cannot write {Path(path).name!r}: unsupported extension {suffix or '(none)'}; use one of {', '.join(allowed)}")
    return FORMATS.get(suffix, suffix.lstrip("."))


@contextlib.contextmanager
def rc_context(styles: Iterable[str] = ()) -> Iterator[None]:
    """Apply actviz styles (later ones winning) plus the settings that make output reproducible."""
    from actviz.render import style

    with matplotlib.rc_context():
        style.apply(list(styles))
        matplotlib.rcParams.update(DETERMINISTIC_RC)
        yield


def style_snapshot() -> dict:
    """The current rcParams that make up a figure's look (everything but the session's keys)."""
    rc = matplotlib.rcParams  # keys first: reading "backend" would make matplotlib resolve (and import) one
    return {k: rc[k] for k in rc if k not in SESSION_KEYS}


class ActvizFigure(Figure):
    """A Figure that keeps the rcParams it was made under and uses them whenever it is drawn or saved.

    Fonts, mathtext, path simplification, font embedding and the ``savefig.*`` defaults are read
    by matplotlib when a figure is drawn or written, not when it is built; keeping them with the
    figure makes ``fig.savefig`` agree with :func:`save_figure` under any session rcParams.
    """

    def __init__(self, *args, rc: dict | None = None, styles: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.actviz_rc = dict(rc) if rc is not None else style_snapshot()
        self.actviz_styles = tuple(styles)

    @contextlib.contextmanager
    def styled(self) -> Iterator[None]:
        """The figure's own rcParams for the duration of the block."""
        with matplotlib.rc_context(self.actviz_rc):
            yield

    def draw(self, renderer):
        with self.styled():
            return super().draw(renderer)

    def savefig(self, fname, *args, **kwargs):
        with self.styled():
            return super().savefig(fname, *args, **kwargs)

    def _repr_png_(self) -> bytes:
        """What Jupyter shows: the figure as PNG (an inline backend's own formatter, when
        pyplot has set one up, takes precedence, as for any Figure)."""
        buf = io.BytesIO()
        self.canvas.print_figure(buf, format="png")
        return buf.getvalue()


class StyledCanvas(FigureCanvasAgg):
    """Agg canvas whose ``print_figure`` (used by ``savefig`` and by IPython's display) runs
    under the figure's own rcParams, tight bounding boxes and save-time settings included."""

    def print_figure(self, *args, **kwargs):
        styled = getattr(self.figure, "styled", None)
        with styled() if styled else contextlib.nullcontext():
            return super().print_figure(*args, **kwargs)


def new_figure(width: float, height: float, dpi: float = 100, styles: Sequence[str] = ()) -> ActvizFigure:
    """A figure with an Agg canvas, independent of pyplot's global state (pixel budget checked),
    keeping the current rcParams (call it inside :func:`rc_context`) as its style."""
    from actviz.core.budgets import check_image

    check_image(width, height, dpi)
    fig = ActvizFigure(figsize=(width, height), dpi=dpi, styles=styles)
    StyledCanvas(fig)
    return fig


def inches(parent: FigureBase) -> tuple[float, float]:
    """Width and height in inches of a Figure or SubFigure."""
    box = parent.bbox
    dpi = root_figure(parent).dpi
    return box.width / dpi, box.height / dpi


def as_axes(ax, count: int | None, what: str) -> list[Axes]:
    """The caller's ``ax``: one Axes or a sequence (or array) of them, ``count`` of them when given."""
    import numpy as np

    items = [ax] if isinstance(ax, Axes) else list(np.asarray(ax, dtype=object).ravel())
    if not items or not all(isinstance(a, Axes) for a in items):
        raise UserError(f"ax must be a matplotlib Axes or a sequence of them, got {type(ax).__name__}")
    if count is not None and len(items) != count:
        raise UserError(f"{what} draws {count} panel{'s' if count != 1 else ''}, but ax has {len(items)} Axes")
    return items


def check_own_figure_only(fig, ax, *, styles: Sequence[str] = (), size=None, dpi=None) -> None:
    """With ``fig=``/``ax=`` the figure is the caller's: its size, resolution and rcParams are theirs."""
    if fig is not None and ax is not None:
        raise UserError("give fig= or ax=, not both")
    if fig is not None and not isinstance(fig, FigureBase):
        raise UserError(f"fig must be a matplotlib Figure or SubFigure, got {type(fig).__name__}")
    if fig is None and ax is None:
        return
    given = [name for name, value in (("styles", tuple(styles)), ("size", size), ("dpi", dpi)) if value]
    if given:
        raise UserError(f"{' and '.join(given)} apply to figures actviz makes; with fig= or ax= the figure is "
                        f"yours, so use its own size and style (e.g. with plt.style.context('actviz.styles.paper'))")


def lay_out(parent: FigureBase) -> None:
    """Constrained layout for a figure actviz fills; a layout engine the caller chose is kept."""
    if isinstance(parent, Figure) and parent.get_layout_engine() is None:
        parent.set_layout_engine("constrained")


@contextlib.contextmanager
def _quiet_font_tools() -> Iterator[None]:
    """fontTools logs harmless notes while embedding some fonts (e.g. STIX's old timestamps)."""
    import logging

    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _save_style(fig, styles: Sequence[str]):
    """The rcParams to save ``fig`` under: its own for an actviz figure (naming other styles is a
    mistake, as styles apply when a figure is made); for another figure ``styles`` when given,
    else the session's own; always with the settings that make the file reproducible."""
    styles = tuple(styles)
    if isinstance(fig, ActvizFigure):
        if styles and styles != fig.actviz_styles:
            with rc_context(styles):
                same = style_snapshot() == fig.actviz_rc
            if not same:
                made = ", ".join(fig.actviz_styles) or "other styles"
                raise UserError(f"this figure was made with {made}; styles apply when a figure is made, so pass "
                                f"styles=[{', '.join(map(repr, styles))}] to the function that made it")
        return fig.styled()
    return rc_context(styles) if styles else matplotlib.rc_context(DETERMINISTIC_RC)


def save_figure(fig: Figure, path: str | os.PathLike, *, styles: Iterable[str] = (), dpi: float | None = None,
                transparent: bool | None = None) -> None:
    """Save ``fig`` to ``path`` atomically, format from the extension, with fixed metadata.

    A figure made by actviz is written under its own style, exactly as ``fig.savefig`` writes
    it, and only when its text fits (:func:`~actviz.render.fit.check_fits`); ``dpi`` and
    ``transparent`` default, as for ``savefig``, to the style's ``savefig.dpi`` and
    ``savefig.transparent``. ``styles`` only serve figures made elsewhere.
    """
    fmt = image_format(path)
    # PGF through actviz's backend, which works without a TeX installation (see render/pgf.py)
    extra = {"backend": "module://actviz.render.pgf", "image_stem": Path(path).stem} if fmt == "pgf" else {}
    options = {k: v for k, v in (("dpi", dpi), ("transparent", transparent)) if v is not None}
    with _save_style(fig, styles), _quiet_font_tools(), collapse_is_an_error(), atomic_path(path) as tmp:
        resolution = dpi or (fig.dpi if matplotlib.rcParams["savefig.dpi"] == "figure"
                             else float(matplotlib.rcParams["savefig.dpi"]))
        if fmt == "eps":
            # the PS backend writes a creation date and, given a path, our temporary name: leave both out
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], **options)
            tmp.write_bytes(re.sub(rb"^%%CreationDate:[^\n]*\n", b"", buf.getvalue(), count=1, flags=re.M))
        else:
            fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt], **options, **extra)
        if isinstance(fig, ActvizFigure):  # never written clipped: checked before the rename
            # a PNG at the figure's own resolution left its text where it was drawn; vector formats
            # draw at 72 dpi, so lay the figure out again at its own before measuring
            check_fits(fig, drawn=fmt == "png" and resolution == fig.dpi)
    from actviz.context import note

    w, h = fig.get_size_inches()
    note(f"wrote {path} ({fmt}, {w:.2f} x {h:.2f} in{f', {resolution:g} dpi' if fmt == 'png' else ''})")
