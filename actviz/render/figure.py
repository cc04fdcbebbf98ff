"""Figures without pyplot, saved deterministically and atomically.

Every renderer builds its figure with :func:`new_figure` inside :func:`rc_context`
and saves it with :func:`save_figure`, so that the same inputs give the same bytes:
no dates, no random SVG ids, no software version strings, Type 42 fonts in PDF/PS.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from actviz.atomic import atomic_path  # noqa: E402
from actviz.errors import UserError  # noqa: E402
from actviz.render.layout import IMAGE_FORMATS  # noqa: E402

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


def new_figure(width: float, height: float, dpi: float = 100) -> Figure:
    """A Figure with an Agg canvas, independent of pyplot's global state (pixel budget checked)."""
    from actviz.core.budgets import check_image

    check_image(width, height, dpi)
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


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


def save_figure(fig: Figure, path: str | os.PathLike, *, styles: Iterable[str] = (), dpi: float | None = None,
                transparent: bool = False) -> None:
    """Save ``fig`` to ``path`` atomically, format from the extension, with fixed metadata.

    The styles used to build the figure are applied again, since some settings
    (font embedding, SVG text) are read when the file is written.
    """
    fmt = image_format(path)
    # PGF through actviz's backend, which works without a TeX installation (see render/pgf.py)
    extra = {"backend": "module://actviz.render.pgf", "image_stem": Path(path).stem} if fmt == "pgf" else {}
    with rc_context(styles), _quiet_font_tools(), atomic_path(path) as tmp:
        if fmt == "eps":
            # the PS backend writes a creation date and, given a path, our temporary name: leave both out
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, transparent=transparent, metadata=_METADATA[fmt])
            tmp.write_bytes(re.sub(rb"^%%CreationDate:[^\n]*\n", b"", buf.getvalue(), count=1, flags=re.M))
        else:
            fig.savefig(tmp, format=fmt, dpi=dpi or fig.dpi, transparent=transparent, metadata=_METADATA[fmt], **extra)
    from actviz.context import note

    w, h = fig.get_size_inches()
    note(f"wrote {path} ({fmt}, {w:.2f} x {h:.2f} in{f', {dpi or fig.dpi:g} dpi' if fmt == 'png' else ''})")
