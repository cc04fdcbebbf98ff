"""Styles as data: ``.mplstyle`` files shipped in ``actviz/styles``, matplotlib names, or paths.

Shipped styles: ``default`` (always applied first), ``paper`` (serif 8-9 pt, thin
spines, Okabe-Ito colours with distinct line styles), ``slides`` (big text, thick
lines), ``dark`` (light on dark) and ``svgtext`` (SVG text kept as text). Several
styles combine, later ones winning, as in ``matplotlib.style.use``.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Sequence

import matplotlib.style

from actviz.errors import UserError

STYLE_DIR = Path(__file__).resolve().parent.parent / "styles"

MAX_STYLE_BYTES = 1_000_000
"""Largest style file read (a style is a few hundred lines; a bigger file is a mistake, never read)."""


def builtin_styles() -> list[str]:
    """Names of the styles shipped with actviz."""
    return sorted(p.stem for p in STYLE_DIR.glob("*.mplstyle"))


STYLE_PACKAGES = ("scienceplots",)
"""Installed packages whose ``.mplstyle`` files are found by name (SciencePlots: ``science``,
``ieee``, ``nature``, ``no-latex``, ...). They are looked up on disk, not imported: importing
SciencePlots imports pyplot, and its registration code fails under matplotlib 3.11."""


def _from_style_packages(name: str) -> str | None:
    """The ``name.mplstyle`` file of an installed style package (in any of its folders), if any."""
    import importlib.util

    for package in STYLE_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        for root in (spec.submodule_search_locations or []) if spec else []:
            found = sorted(Path(root).rglob(f"{name}.mplstyle"))
            if found:
                return str(found[0])
    return None


def _packaged(name: str) -> bool:
    """``package.style``: a ``style.mplstyle`` file inside an importable package, which matplotlib's
    ``style.use`` reads itself (``actviz.styles.paper``)."""
    import importlib.resources

    package, _, stem = name.rpartition(".")
    if not package or not stem or "/" in name:
        return False
    try:
        return (importlib.resources.files(package) / f"{stem}.mplstyle").is_file()
    except (ModuleNotFoundError, TypeError, ValueError):
        return False


def resolve(name: str) -> str:
    """A style name or path, turned into something matplotlib.style.use accepts: an actviz style,
    a matplotlib style, one of an installed style package (SciencePlots), ``package.style``, or a file."""
    from actviz.atomic import shown

    try:
        shipped = STYLE_DIR / f"{name}.mplstyle"
        if name and "/" not in name and shipped.is_file():
            return str(shipped)
        if name in matplotlib.style.available:
            return name
        p = Path(name).expanduser()
        if "\0" not in name and p.is_file():
            return _style_file(name, p)
        if "\0" not in name and _packaged(name):
            return name
        packaged = _from_style_packages(name) if name and "/" not in name and "." not in name and "\0" not in name \
            else None
        if packaged:
            return packaged
    except OSError:  # e.g. a name too long for the file system
        pass
    known = ", ".join(builtin_styles())
    raise UserError(f"unknown style {shown(name)!r}: not an actviz style ({known}), a matplotlib style, a style of "
                    f"an installed style package (e.g. SciencePlots' science) or a file")


def _style_file(name: str, p: Path) -> str:
    """A style file the run may read: inside a spec's folder when confined, and of a sane size."""
    from actviz.atomic import check_inside, shown

    check_inside(p, "style file")
    size = p.stat().st_size
    if size > MAX_STYLE_BYTES:
        raise UserError(f"cannot use style {shown(name)}: the file has {size:,} bytes; a style file has at most "
                        f"{MAX_STYLE_BYTES:,}")
    return str(p)


def check(names: Sequence[str]) -> None:
    """Resolve and read every style before any work, changing nothing (a user error names the first bad one)."""
    for name in names:
        resolve(name)
    with matplotlib.rc_context():
        apply(names)


def check_curve_style(style) -> None:
    """Refuse a curve's colour or line style that matplotlib cannot draw, in one line."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D

    if style.color is not None:
        try:
            to_rgba(style.color)
        except ValueError:
            raise UserError(f"unknown colour {style.color!r}: use a matplotlib colour such as C3, k, tab:red, "
                            f"#d62728 or 0.5 (grey)") from None
    if style.linestyle is not None:
        try:
            Line2D([], []).set_linestyle(style.linestyle)
        except ValueError:
            raise UserError(f"unknown line style {style.linestyle!r}: use -, --, -., :, solid, dashed, dashdot "
                            f"or dotted") from None


class _Collect(logging.Handler):
    """Keeps the warnings matplotlib logs while reading a style file (bad keys, bad values)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(_without_content(record))


_PROBLEMS = (("Missing colon", "is not a 'key: value' setting"), ("Duplicate key", "repeats a setting"),
             ("Bad value", "has a value the setting does not take"), ("Bad key", "names an unknown setting"),
             ("Cannot decode", ""))


def _without_content(record: logging.LogRecord) -> str:
    """What matplotlib found wrong with a style file, by line number only: its messages quote the
    line, and a file named by mistake (or by a stranger's spec) must never be echoed."""
    text = str(record.msg)
    args = record.args
    line = args.get("line_no") if isinstance(args, dict) else args[1] if isinstance(args, tuple) and len(args) > 1 else None
    for start, problem in _PROBLEMS:
        if start in text:
            if not problem:
                return "the file is not UTF-8 text"
            return f"line {line} {problem}" if isinstance(line, int) else f"a line {problem}"
    return "the file is not a style file"


def _use(name: str, resolved: str) -> None:
    """Apply one style; a bad key or value in a style file is the user's mistake, in one line."""
    logger = logging.getLogger("matplotlib")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            matplotlib.style.use(resolved)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = collect.messages[0] if collect.messages else (
            "the file is not UTF-8 text" if isinstance(exc, UnicodeError) else (exc.strerror or "cannot read it") if isinstance(exc, OSError)
            else "the file is not a style file")
        raise UserError(f"cannot use style {_shown(name)}: {reason}") from None
    finally:
        logger.removeHandler(collect)
    problems = collect.messages + [_warning_without_content(str(w.message)) for w in caught]
    if problems:
        raise UserError(f"cannot use style {_shown(name)}: {problems[0]}")


def _shown(name: str) -> str:
    from actviz.atomic import shown

    return repr(shown(name))


def _warning_without_content(text: str) -> str:
    if "not related to style" in text:
        return "it sets something that is not about style"
    if "deprecated" in text:
        return "it uses a setting this matplotlib no longer supports"
    return "the file is not a style file"


def apply(names: Sequence[str]) -> None:
    """Reset to matplotlib's defaults (ignoring any matplotlibrc), apply actviz's
    ``default`` style, then each named style in order (later ones win).

    Every name is resolved before anything is applied, so an unknown one changes nothing.
    """
    resolved = [(n, resolve(n)) for n in ["default", *names]]
    matplotlib.style.use("default")
    for name, path in resolved:
        _use(name, path)
