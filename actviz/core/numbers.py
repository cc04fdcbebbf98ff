"""Numbers typed by a user, read strictly: ASCII digits only, finite values only.

``²`` or a full-width digit passes ``str.isdigit`` but is refused here, so a bad
value is a user error at once rather than a crash later.
"""
from __future__ import annotations

import re

from actviz.errors import UserError

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_WHOLE = re.compile(r"[+-]?[0-9]+\Z")


def parse_number(text: str, what: str) -> float:
    """Parse a finite decimal number or raise a :class:`UserError` naming ``what``."""
    t = text.strip()
    if not _NUMBER.match(t):
        raise UserError(f"{what} must be a number, got {text.strip()!r}")
    value = float(t)
    if value in (float("inf"), float("-inf")):
        raise UserError(f"{what} {text.strip()!r} is out of range: it must be a finite number")
    return value


def parse_whole(text: str) -> int | None:
    """An integer written in ASCII digits (with an optional sign), or None."""
    t = text.strip()
    return int(t) if _WHOLE.match(t) else None
