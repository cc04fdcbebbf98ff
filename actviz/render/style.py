"""Styles as data: ``.mplstyle`` files shipped in ``actviz/styles``, matplotlib names, or paths."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib.style

from actviz.errors import UserError

STYLE_DIR = Path(__file__).resolve().parent.parent / "styles"


def builtin_styles() -> list[str]:
    """Names of the styles shipped with actviz."""
    return sorted(p.stem for p in STYLE_DIR.glob("*.mplstyle"))


def resolve(name: str) -> str:
    """A style name or path, turned into something matplotlib.style.use accepts."""
    shipped = STYLE_DIR / f"{name}.mplstyle"
    if shipped.is_file():
        return str(shipped)
    if name in matplotlib.style.available:
        return name
    p = Path(name).expanduser()
    if p.is_file():
        return str(p)
    known = ", ".join(builtin_styles())
    raise UserError(f"unknown style {name!r}: not an actviz style ({known}), a matplotlib style or a file")


def apply(names: Sequence[str]) -> None:
    """Reset to matplotlib's defaults (ignoring any matplotlibrc), apply actviz's
    ``default`` style, then each named style in order (later ones win)."""
    resolved = ["default", *(resolve(n) for n in ["default", *names])]
    try:
        matplotlib.style.use(resolved)
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"cannot use style {names[-1] if names else 'default'}: {exc}") from None
