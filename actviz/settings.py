"""How talkative actviz is: the group options -q/--quiet and -v/--verbose, queried by any command.

``verbosity()`` is -1 (quiet: no progress bars, no notes), 0 (normal) or 1+ (verbose:
notes on what was written and how). Commands call :func:`note` for verbose
messages and :func:`quiet` to decide whether to show progress. Messages go to
stderr so that stdout stays clean for data.
"""
from __future__ import annotations

import sys

_verbosity = 0


def set_verbosity(level: int) -> None:
    """Set by the CLI group from -q/-v (and ACTVIZ_QUIET / ACTVIZ_VERBOSE)."""
    global _verbosity
    _verbosity = int(level)


def verbosity() -> int:
    """-1 quiet, 0 normal, 1 or more verbose."""
    return _verbosity


def quiet() -> bool:
    """True when the user asked for silence (-q): no progress bars, no notes."""
    return _verbosity < 0


def note(message: str, level: int = 1) -> None:
    """Print ``actviz: message`` to stderr when the verbosity is at least ``level``."""
    if _verbosity >= level:
        print(f"actviz: {message}", file=sys.stderr)
