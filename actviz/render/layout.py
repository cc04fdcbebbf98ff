"""Figure sizes and file formats, in one table: what each kind of figure defaults to and accepts.

No matplotlib here, so that the CLI can check a request before anything is imported
or drawn. Sizes are in inches.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from actviz.errors import UserError

IMAGE_FORMATS: dict[str, str] = {
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".pgf": "pgf",
    ".eps": "eps",
}
"""Still-image formats by file extension."""

ANIMATION_FORMATS: dict[str, str] = {".gif": "gif", ".webp": "webp", ".apng": "apng", ".mp4": "mp4",
                                     ".webm": "webm"}
"""Animation files by extension (see :class:`Encoding`; ``animate`` writes a folder instead)."""

DPI = {"image": 150.0, "train": 100.0, "warp-animation": 80.0}
"""Default resolution by kind of output."""

UNITS = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "pt": 1 / 72.27, "bp": 1 / 72.0}
"""Inches per unit of ``--size``: ``pt`` is TeX's point (what ``\\showthe\\columnwidth`` prints,
1/72.27 in); ``bp`` is the PostScript/PDF "big point" (1/72 in)."""

PT = UNITS["pt"]

PRESETS: dict[str, tuple[float, str]] = {
    # name: (width in inches, where the number comes from)
    "column": (221.0 * PT, "LaTeX article, two-column: \\columnwidth is 221pt on A4 and 229.5pt on letter "
                          "paper (article.cls with size10.clo, measured with pdflatex); the narrower fits both"),
    "page": (452.0 * PT, "LaTeX article, two-column: \\textwidth is 452pt on A4 and 469pt on letter paper; "
                        "the narrower fits both"),
    "article-column": (229.5 * PT, "LaTeX article [twocolumn], letter paper: \\columnwidth 229.5pt"),
    "article-text": (469.0 * PT, "LaTeX article [twocolumn], letter paper: \\textwidth 469pt"),
    "article-a4-column": (221.0 * PT, "LaTeX article [twocolumn,a4paper]: \\columnwidth 221pt"),
    "article-a4-text": (452.0 * PT, "LaTeX article [twocolumn,a4paper]: \\textwidth 452pt"),
    "ieee-column": (252.0 * PT, "IEEEtran.cls (journal and conference, 10pt): \\columnwidth 252pt"),
    "ieee-text": (516.0 * PT, "IEEEtran.cls (journal and conference, 10pt): \\textwidth 516pt"),
    "acm-column": (241.14749 * PT, "acmart.cls [sigconf]: \\columnwidth 241.14749pt"),
    "acm-text": (506.295 * PT, "acmart.cls [sigconf]: \\textwidth 506.295pt"),
    "neurips-column": (5.5, "neurips_2024.sty: single column, \\textwidth 5.5in (397.48pt)"),
    "neurips-text": (5.5, "neurips_2024.sty: \\textwidth 5.5in (397.48pt)"),
    "icml-column": (3.25, "icml2024.sty: \\textwidth 6.75in, \\columnsep 0.25in, so \\columnwidth 3.25in (234.88pt)"),
    "icml-text": (6.75, "icml2024.sty: \\textwidth 6.75in (487.82pt)"),
    "iclr-column": (5.5, "iclr2025_conference.sty: single column, \\textwidth 5.5in (397.48pt)"),
    "iclr-text": (5.5, "iclr2025_conference.sty: \\textwidth 5.5in (397.48pt)"),
    "lncs-column": (12.2 / 2.54, "llncs.cls (Springer LNCS): single column, \\textwidth 12.2cm (347.12pt)"),
    "lncs-text": (12.2 / 2.54, "llncs.cls (Springer LNCS): \\textwidth 12.2cm (347.12pt)"),
}
"""Named widths of real documents, column and full text width each (single-column venues: both
the text width). Sources are the classes and style files themselves (see docs/paper-figures.md)."""

SIZES = {name: width for name, (width, _) in PRESETS.items()}
"""Preset widths in inches."""

CM = UNITS["cm"]
MAX_INCHES = 100.0

OVERLAY_SIZE = (7.0, 3.2)
"""``plot``'s default: f and f' side by side."""

PANEL_INCHES = 1.55
"""Side of one warp panel."""


def overlay_ratio(width: float) -> float:
    """Height/width of an overlay figure given only its width: f and f' side by side with the
    legend below need relatively more height when narrow (a 3.5 in column: 3.5 x 2.4 in)."""
    return 0.46 if width >= 6 else 0.68


def warp_size(cols: int, rows: int, noted: bool = False) -> tuple[float, float]:
    """Square panels of about 1.55 in, plus room for labels, title, footer and panel notes."""
    return (max(3.2, 0.45 + PANEL_INCHES * cols), 1.05 + (PANEL_INCHES + (0.22 if noted else 0)) * rows)


def train_size(view: str) -> tuple[float, float]:
    """Inches at 100 dpi: about 480 px wide for one view, twice that for both."""
    return (8.8, 4.9) if view == "both" else (4.8, 5.1)


LAYERS_MARGINS = (0.82, 1.5, 0.62)
"""Layers view: left + right margins, top + bottom margins and the gap between panels, in inches."""


def layers_size(panels: int) -> tuple[float, float]:
    """Inches of the layers view (input, each hidden layer, output in one row): square panels of
    about 2.9 in, smaller when there are many, so five panels stay under about 15 in."""
    side = 2.9 if panels <= 3 else 2.7 if panels == 4 else 2.45
    horizontal, vertical, gap = LAYERS_MARGINS
    return (round(horizontal + panels * side + (panels - 1) * gap, 2), round(vertical + side, 2))


def boundary_layout(n: int, ncols: int | None = None, title: str | None = None) -> tuple[int, int, tuple[float, float]]:
    """Columns, rows and default size in inches of a figure of ``n`` boundary panels."""
    ncols = min(ncols or 4, n)
    nrows = math.ceil(n / ncols)
    return ncols, nrows, (2.7 * ncols, 2.85 * nrows + (0.35 if title else 0))


_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_UNIT = r"(in|cm|mm|pt|bp)?"
_SIZE = re.compile(rf"{_NUMBER}\s*{_UNIT}\s*(?:x\s*{_NUMBER}\s*{_UNIT})?", re.ASCII)  # ASCII digits only
SIZE_HELP = ("a preset (column, page, ieee-column, acm-text, ... see docs/paper-figures.md), W or WxH with "
             "a unit in, cm, mm or pt (e.g. 229.5pt, 81mm, 16x8cm; inches without one)")


def read_size(text: str) -> tuple[float, float | None]:
    """A preset (``column``, ``ieee-text``, ...), ``W`` or ``WxH`` -> (width, height or None) in inches.

    Numbers take a unit, ``in``, ``cm``, ``mm``, ``pt`` (TeX points) or ``bp``; ``16x8cm`` puts both
    in cm; without a unit they are inches. The height is None when only a width is given.
    """
    t = text.strip().lower()
    if t in SIZES:
        return SIZES[t], None
    m = _SIZE.fullmatch(t)
    if not m:
        raise UserError(f"bad size {text!r}: use {SIZE_HELP}")
    w_num, w_unit, h_num, h_unit = m.groups()
    if h_num is not None and w_unit and not h_unit:
        raise UserError(f"bad size {text!r}: give the height a unit too (e.g. 8cmx5cm or 8x5cm)")
    w_unit = w_unit or h_unit or "in"
    w = float(w_num) * UNITS[w_unit]
    h = float(h_num) * UNITS[h_unit or w_unit] if h_num is not None else None
    if not all(0.5 <= v <= MAX_INCHES for v in (w, h) if v is not None):
        raise UserError(f"bad size {text!r}: width and height must be between 0.5 and {MAX_INCHES:g} inches "
                        f"(1.27 cm to 2.54 m)")
    return w, h


def parse_size(text: str | None, default: tuple[float, float],
               ratio: float | Callable[[float], float], minimum: tuple[float, float] = (0.5, 0.5)) -> tuple[float, float]:
    """:func:`read_size`, with the height ``width * ratio`` when only the width is given.

    ``ratio`` may be a function of the width: text does not shrink with the figure, so narrow
    figures need relatively more height. ``minimum`` is the smallest (width, height) the
    figure's layout can hold.
    """
    if text is None or not text.strip():
        return default
    w, h = read_size(text)
    if h is None:
        h = w * (ratio(w) if callable(ratio) else ratio)
        if not 0.5 <= h <= MAX_INCHES:
            raise UserError(f"bad size {text!r}: the height it implies, {h:.2f} in, is not between 0.5 and "
                            f"{MAX_INCHES:g} inches; give WxH")
    return _at_least((w, h), minimum, text)


def _at_least(size: tuple[float, float], minimum: tuple[float, float], text: str) -> tuple[float, float]:
    if size[0] < minimum[0] or size[1] < minimum[1]:
        raise UserError(f"--size {text} is too small for this figure: it needs at least "
                        f"{minimum[0]:g}x{minimum[1]:g} inches")
    return size


MIN_DPI, MAX_DPI = 10.0, 2400.0


@dataclass(frozen=True)
class FigureSettings:
    """How a figure looks and is written, checked when made: ``size`` in inches (None: the kind's
    default; a height of None: the kind's layout chooses it), ``dpi``, ``styles`` (applied in
    order when the figure is made), ``transparent`` background, ``title`` (None: the kind's default)."""

    size: tuple[float, float | None] | None = None
    dpi: float = DPI["image"]
    styles: tuple[str, ...] = ()
    transparent: bool = False
    title: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "styles", tuple(self.styles))
        if not (isinstance(self.dpi, (int, float)) and math.isfinite(self.dpi) and MIN_DPI <= self.dpi <= MAX_DPI):
            raise UserError(f"dpi must be between {MIN_DPI:g} and {MAX_DPI:g}, got {self.dpi!r}")
        if self.size is not None:
            try:
                w, h = self.size
                w, h = float(w), (None if h is None else float(h))
            except (TypeError, ValueError):
                raise UserError(f"bad size {self.size!r}: give (width, height) in inches") from None
            if not all(math.isfinite(v) and 0.5 <= v <= MAX_INCHES for v in (w, h) if v is not None):
                raise UserError(f"bad size {w:g}x{h if h is not None else 0:g}: width and height must be between "
                                f"0.5 and {MAX_INCHES:g} inches")
            object.__setattr__(self, "size", (w, h))

    def inches(self, default: tuple[float, float]) -> tuple[float, float]:
        """The size to draw at: the one asked for, else ``default`` (a missing height in its proportion)."""
        if self.size is None:
            return default
        w, h = self.size
        return (w, h if h is not None else w * default[1] / default[0])

    def check_pixels(self, default: tuple[float, float]) -> None:
        """Refuse an image over the pixel budget of the current run, before drawing it."""
        from actviz.core.budgets import check_image

        w, h = self.inches(default)
        check_image(w, h, self.dpi)


@dataclass(frozen=True)
class AnimationSettings:
    """Timing of an animation: milliseconds per frame, how long the last (or end) frames stay,
    and how many times it plays (0: forever)."""

    frame_ms: int = 100
    hold_ms: int = 1500
    loop: int = 0

    def __post_init__(self) -> None:
        if not 20 <= self.frame_ms <= 10_000:
            raise UserError(f"frame duration must be between 20 and 10000 ms, got {self.frame_ms}")
        if not 20 <= self.hold_ms <= 60_000:
            raise UserError(f"hold must be between 20 and 60000 ms, got {self.hold_ms}")
        if self.loop < 0:
            raise UserError(f"loop must be 0 (forever) or more, got {self.loop}")

    def keywords(self) -> dict[str, int]:
        """``frame_ms``, ``hold_ms`` and ``loop`` as keyword arguments of a renderer's ``write_animation``."""
        return {"frame_ms": self.frame_ms, "hold_ms": self.hold_ms, "loop": self.loop}


# ---- how an animation is encoded ---------------------------------------------------------

FRAME_FOLDER = "animate"
"""The format that writes a folder of PNG frames and a LaTeX snippet for the ``animate`` package."""
ANIMATION_NAMES: tuple[str, ...] = (*ANIMATION_FORMATS.values(), FRAME_FOLDER)
VIDEO_CODECS: dict[str, tuple[str, int, int, int]] = {"mp4": ("H.264", 1, 51, 22), "webm": ("VP9", 0, 63, 28)}
"""Video format -> (codec, lowest and highest --crf, default --crf). CRF 0 in H.264 is lossless 4:4:4,
which browsers and slide software do not play, so it is left out."""
MIN_FPS, MAX_FPS = 1.0, 120.0


@dataclass(frozen=True)
class Encoding:
    """How an animation is written, checked when made: ``format`` (one of :data:`ANIMATION_NAMES`),
    and the options that apply to it: ``fps`` and ``crf`` for a video (None: the defaults), ``loop``
    (0: forever) for GIF, WebP, APNG and (0 or 1 only) the LaTeX frames. An option given to a format
    it does not apply to is refused rather than ignored."""

    format: str
    fps: float | None = None
    crf: int | None = None
    loop: int = 0

    def __post_init__(self) -> None:
        if self.format not in ANIMATION_NAMES:
            raise UserError(f"unknown animation format {self.format!r}: use one of {', '.join(ANIMATION_NAMES)}")
        video = self.format in VIDEO_CODECS
        if self.fps is not None:
            if not video:
                raise UserError(f"--fps applies to .mp4 and .webm videos; a {self.format} keeps each frame's "
                                f"own duration (set it with --duration)")
            if not (isinstance(self.fps, (int, float)) and math.isfinite(self.fps) and MIN_FPS <= self.fps <= MAX_FPS):
                raise UserError(f"--fps must be between {MIN_FPS:g} and {MAX_FPS:g}, got {self.fps!r}")
        if self.crf is not None:
            if not video:
                raise UserError(f"--crf applies to .mp4 and .webm videos, not to a {self.format}")
            codec, lo, hi, _ = VIDEO_CODECS[self.format]
            if not (isinstance(self.crf, int) and lo <= self.crf <= hi):
                raise UserError(f"--crf for {codec} must be a whole number from {lo} to {hi}, got {self.crf!r}")
        if self.loop < 0:
            raise UserError(f"loop must be 0 (forever) or more, got {self.loop}")
        if video and self.loop != 0:
            raise UserError("--loop applies to GIF, WebP and APNG; a video player decides whether a video loops")
        if self.format == FRAME_FOLDER and self.loop > 1:
            raise UserError("--loop for LaTeX frames is 0 (loop) or 1 (play once)")

    @property
    def video(self) -> bool:
        return self.format in VIDEO_CODECS

    @property
    def held_bytes_per_pixel(self) -> float:
        """Memory the writer holds per pixel of every frame until it writes the file: GIF and APNG
        palette indices and their copy while the file is written (2 bytes, measured: a 1-megapixel GIF
        of 200 frames peaks at 522 MB); a WebP also hands Pillow RGB copies of them (4 more); a video or
        a folder of frames writes each frame as it comes (none)."""
        return {"gif": 2.0, "webp": 6.0, "apng": 2.0}.get(self.format, 0.0)

    @property
    def quality(self) -> int:
        """The constant rate factor of a video (the one asked for, else the default)."""
        return self.crf if self.crf is not None else VIDEO_CODECS[self.format][3]

    @classmethod
    def for_output(cls, path: str, format: str | None = None, *, fps: float | None = None,
                   crf: int | None = None, loop: int = 0) -> "Encoding":
        """The encoding of an output path: ``format`` when given (it must agree with the extension),
        else the one the extension names; ``animate`` names a folder, not a file."""
        from pathlib import PurePath

        name = PurePath(path).name
        suffix = PurePath(path).suffix.lower()
        if format is None:
            if suffix not in ANIMATION_FORMATS:
                raise UserError(f"cannot write {name!r}: unsupported extension {suffix or '(none)'}; use one of "
                                f"{', '.join(ANIMATION_FORMATS)} (or --format animate and a folder)")
            format = ANIMATION_FORMATS[suffix]
        elif format == FRAME_FOLDER:
            if suffix in ANIMATION_FORMATS or suffix in IMAGE_FORMATS or suffix == ".tex":
                raise UserError(f"--format animate writes a folder of frames, not {name!r}: give a folder name")
        elif format in ANIMATION_FORMATS.values() and ANIMATION_FORMATS.get(suffix) != format:
            ext = next(e for e, f in ANIMATION_FORMATS.items() if f == format)
            raise UserError(f"--format {format} does not match {name!r}: name the file {ext}")
        return cls(format, fps, crf, loop)
