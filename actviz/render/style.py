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
    shipped = STYLE_DIR / f"{name}.mplstyle"
    if name and "/" not in name and shipped.is_file():
        return str(shipped)
    if name in matplotlib.style.available:
        return name
    p = Path(name).expanduser()
    if p.is_file():
        return str(p)
    if _packaged(name):
        return name
    packaged = _from_style_packages(name) if name and "/" not in name and "." not in name else None
    if packaged:
        return packaged
    known = ", ".join(builtin_styles())
    raise UserError(f"unknown style {name!r}: not an actviz style ({known}), a matplotlib style, a style of an "
                    f"installed style package (e.g. SciencePlots' science) or a file")


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
        self.messages.append(record.getMessage())


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
        raise UserError(f"cannot use style {name!r}: {_first_line(str(exc)) or type(exc).__name__}") from None
    finally:
        logger.removeHandler(collect)
    problems = collect.messages + [str(w.message) for w in caught]
    if problems:
        raise UserError(f"cannot use style {name!r}: {_first_line(problems[0]) or 'bad style file'}")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def apply(names: Sequence[str]) -> None:
    """Reset to matplotlib's defaults (ignoring any matplotlibrc), apply actviz's
    ``default`` style, then each named style in order (later ones win).

    Every name is resolved before anything is applied, so an unknown one changes nothing.
    """
    resolved = [(n, resolve(n)) for n in ["default", *names]]
    matplotlib.style.use("default")
    for name, path in resolved:
        _use(name, path)
