"""Options and helpers shared by the commands, defined once."""
from __future__ import annotations

import copy
import functools
import re
import warnings
from typing import Callable

import click

from actviz.errors import UserError



class FloatRange(click.FloatRange):
    """click.FloatRange that also refuses NaN, which compares false with both ends and would slip through."""

    def convert(self, value, param, ctx):
        rv = super().convert(value, param, ctx)
        if rv != rv:
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}.", param, ctx)
        return rv


_ASCII_INT = re.compile(r"[+-]?[0-9]+\Z")
_ASCII_FLOAT = re.compile(r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)\Z", re.I)


class _Strict:
    """Mixed into a copy of a number type: only ASCII digits (and inf/nan words for floats) get through.

    Python's int() and float() take '١٢', full-width digits and '1_000'; a value such as '²' must be
    a user error here, not a number or a crash later."""

    _pattern: re.Pattern
    _kind: str

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not self._pattern.match(value.strip()):
            self.fail(f"{value!r} is not a valid {self._kind}.", param, ctx)
        return super().convert(value, param, ctx)


_STRICT_CLASSES: dict[type, type] = {}


class _NoNul:
    """Mixed into a copy of a path type: a NUL character (possible from a spec, never from a shell) is a
    user error, not a crash in os.stat."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and "\0" in value:
            shown = value.replace("\0", "\\0")
            self.fail(f"{shown!r} contains a NUL character.", param, ctx)
        return super().convert(value, param, ctx)


def _strict_type(kind: click.ParamType) -> click.ParamType:
    if isinstance(kind, click.Path) and not isinstance(kind, _NoNul):
        cls = type(kind)
        if cls not in _STRICT_CLASSES:
            _STRICT_CLASSES[cls] = type(f"Strict{cls.__name__}", (_NoNul, cls), {})
        fixed = object.__new__(_STRICT_CLASSES[cls])
        fixed.__dict__.update(kind.__dict__)
        return fixed
    if isinstance(kind, click.Tuple):
        fixed = copy.copy(kind)
        fixed.types = [_strict_type(t) for t in kind.types]
        return fixed
    if isinstance(kind, _Strict) or not isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return kind
    cls = type(kind)
    if cls not in _STRICT_CLASSES:
        integer = isinstance(kind, click.types.IntParamType)
        _STRICT_CLASSES[cls] = type(f"Strict{cls.__name__}", (_Strict, cls),
                                    {"_pattern": _ASCII_INT if integer else _ASCII_FLOAT,
                                     "_kind": "integer" if integer else "float"})
    fixed = object.__new__(_STRICT_CLASSES[cls])
    fixed.__dict__.update(kind.__dict__)
    return fixed


def strict_numbers(command: click.Command) -> click.Command:
    """Make every integer and float option and argument of ``command`` read ASCII digits only
    (applied by the command group to every command it loads, so that no command can forget)."""
    if not getattr(command, "_actviz_strict", False):
        for param in command.params:
            param.type = _strict_type(param.type)
        command._actviz_strict = True
    return command


def output_option(exts: str) -> Callable:
    return click.option("-o", "--output", required=True, type=click.Path(dir_okay=True, writable=False),
                        help=f"Output file; the format follows the extension ({exts}).")


_LAYOUT_COLLAPSED = "constrained_layout not applied"
"""The start of matplotlib's warning when a figure is too small for its axes and text."""


def figure_options(fn: Callable) -> Callable:
    """--style, --size, --dpi, --transparent and --svg-text, for every command that draws.

    Each has one environment variable for all commands (ACTVIZ_STYLE, ACTVIZ_SIZE, ...);
    ACTVIZ_STYLE may name several styles separated by spaces. --svg-text is passed on as
    the ``svgtext`` style, so commands receive only ``styles, size, dpi, transparent``.
    A command's ``--title`` is checked here, before any work, against mathtext and the fonts.
    """
    @click.option("--style", "styles", multiple=True, metavar="NAME|FILE", envvar="ACTVIZ_STYLE", show_envvar=True,
                  help="Style: default, paper, slides, dark, a matplotlib or SciencePlots style, package.style, or "
                       "a .mplstyle file; repeat to combine.")
    @click.option("--size", metavar="SIZE", envvar="ACTVIZ_SIZE", show_envvar=True,
                  help="Figure size: a preset (column, page, ieee-column, acm-text, neurips-text, ...: the "
                       "widths of LaTeX classes), or W or WxH in in, cm, mm or pt (e.g. 229.5pt, 81mm, 16x8cm). "
                       "With only a width the figure picks its height.")
    @click.option("--dpi", type=FloatRange(10, 2400), default=None, envvar="ACTVIZ_DPI", show_envvar=True,
                  help="Resolution of raster output (dots per inch).")
    @click.option("--transparent", is_flag=True, envvar="ACTVIZ_TRANSPARENT", show_envvar=True,
                  help="Transparent background.")
    @click.option("--svg-text", is_flag=True, envvar="ACTVIZ_SVG_TEXT", show_envvar=True,
                  help="In SVG output keep text as text, not outlines (editable; the viewer needs the fonts).")
    @functools.wraps(fn)
    def wrapper(*args, svg_text: bool = False, **kwargs):
        if svg_text:
            kwargs["styles"] = (*kwargs.get("styles", ()), "svgtext")
        if kwargs.get("styles"):  # unknown styles, files outside a spec's folder: before any work
            from actviz.render.style import check as check_styles

            check_styles(kwargs["styles"])
        if kwargs.get("title"):
            from actviz.render.text import check_text

            check_text(kwargs["title"], "--title", kwargs.get("styles", ()),
                       latex=str(kwargs.get("output") or "").lower().endswith(".pgf"))
        with warnings.catch_warnings():
            warnings.filterwarnings("error", _LAYOUT_COLLAPSED, UserWarning)
            try:
                return fn(*args, **kwargs)
            except UserWarning as exc:  # raised mid-draw, so no file is written
                if _LAYOUT_COLLAPSED not in str(exc):
                    raise
                raise UserError("the figure is too small for its text and panels; give a larger --size "
                                "(or fewer panels, or a style with smaller fonts)") from None

    return wrapper


def check_pixels(size: tuple[float, float], dpi: float) -> None:
    """Refuse an image over the pixel budget before drawing it."""
    from actviz.core.budgets import check_image

    check_image(size[0], size[1], dpi)


def check_output(path: str, extensions) -> None:
    """Validate an output path before any work: known extension, writable place."""
    from pathlib import Path

    from actviz.atomic import check_output as check_place

    suffix = Path(path).suffix.lower()
    if suffix not in extensions:
        raise UserError(f"cannot write {Path(path).name!r}: unsupported extension {suffix or '(none)'}; use one of {', '.join(extensions)}")
    check_place(path)


def _define_callback(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Register ``name=expression[; p=v...]`` activations before the command body parses its specs."""
    if values:
        from actviz.core.registry import current

        for text in values:
            current().define(text)
    return values


def define_option(fn: Callable) -> Callable:
    """``--define name=EXPR[; param=value...]``: a named expression activation usable as ACT."""
    return click.option("--define", "defines", multiple=True, metavar="NAME=EXPR", is_eager=True,
                        callback=_define_callback, expose_value=False,
                        help='Define an activation from an expression, e.g. --define "isru2=x/sqrt(1+a*x**2); a=1".')(fn)


ANIMATION_FORMAT_NAMES = ("gif", "webp", "apng", "mp4", "webm", "animate")
"""The animation formats (actviz.render.layout.ANIMATION_NAMES), spelled out so that --help imports
nothing; tests check that they agree."""


def animation_options(fn: Callable) -> Callable:
    """--format, --fps and --crf, for every command that writes an animation."""
    options = [
        click.option("--format", "animation_format", type=click.Choice(ANIMATION_FORMAT_NAMES), default=None,
                     help="Animation format (default: the extension of -o): gif, webp, apng, mp4 (H.264), webm "
                          "(VP9), or animate: a folder of PNG frames and animation.tex for LaTeX's animate package."),
        click.option("--fps", type=float, default=None, metavar="N",
                     help="Frames per second of a video (.mp4, .webm; default: one video frame per frame, "
                          "e.g. 10 for --duration 100); held frames are repeated."),
        click.option("--crf", type=int, default=None, metavar="N",
                     help="Video quality, lower is better and larger: 1-51 for mp4 (default 22), 0-63 for webm "
                          "(default 28)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def timing_options(duration_ms: int) -> Callable:
    """--duration (default ``duration_ms``), --hold and --loop, for commands whose animation ends on a
    held last frame (:class:`actviz.render.layout.AnimationSettings`)."""
    options = [
        click.option("--duration", type=click.IntRange(20, 10_000), default=duration_ms, show_default=True,
                     metavar="MS", help="Milliseconds per frame."),
        click.option("--hold", type=click.IntRange(20, 60_000), default=1500, show_default=True, metavar="MS",
                     help="Milliseconds the last frame stays."),
        click.option("--loop", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Times to play (0: forever)."),
    ]

    def add(fn: Callable) -> Callable:
        for option in reversed(options):
            fn = option(fn)
        return fn
    return add


def animation_encoding(output: str, fmt: str | None, fps: float | None, crf: int | None, loop: int = 0):
    """The checked encoding of an animation output, and its place checked too (changing nothing):
    a file path, or for ``animate`` a new, empty or earlier frames folder."""
    from actviz.render.layout import ANIMATION_FORMATS, FRAME_FOLDER, Encoding

    encoding = Encoding.for_output(output, fmt, fps=fps, crf=crf, loop=loop)
    if encoding.format == FRAME_FOLDER:
        from actviz.render.frame_folder import check_frame_folder

        check_frame_folder(output)
    else:
        check_output(output, ANIMATION_FORMATS)
    return encoding
