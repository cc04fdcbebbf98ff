"""One context per invocation: budgets, verbosity, the progress reporter and the activation registry.

Nothing a run sets is kept in a module: ``actviz.cli`` makes a fresh :class:`Context`
for every invocation and activates it with :func:`use`; everything that needs a
budget, the verbosity, the reporter or the registry asks :func:`current`. Outside any
``use`` block (a library user's session, a notebook) there is one default context, which
belongs to that session; a run of the CLI in the same process never changes it.

Messages go to stderr so that stdout stays clean for data.
"""
from __future__ import annotations

import contextlib
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

Reporter = Callable[[int, int], None]
"""``reporter(done, total)``, called after each item of a long loop (frames, figures)."""


@dataclass
class Limits:
    """Budgets that keep one request from exhausting the machine (raised knowingly by the user)."""

    max_megapixels: float = 100.0
    """Largest image, in millions of pixels."""
    max_animation_mb: float = 2048.0
    """Largest amount of frame memory an animation may hold, in MB."""
    max_memory_mb: float = 4096.0
    """Largest estimated peak memory of one request, in MB (see :mod:`actviz.core.budgets`)."""
    max_minutes: float = 15.0
    """Longest estimated run time of one request, in minutes."""


@dataclass
class Context:
    """What one invocation sets: budgets, verbosity, progress reporter, activations.

    ``verbosity`` is -1 (quiet: no bars, no notes), 0 (normal) or 1+ (verbose).
    ``registry`` is made on first use (the built-ins, the plug-ins, then this
    context's own definitions); pass one to share definitions between contexts.
    """

    limits: Limits = field(default_factory=Limits)
    verbosity: int = 0
    reporter: Reporter | None = None
    registry: Any = None
    confine: str | None = None
    """A folder every file the run reads or writes must lie in, symlinks followed (a spec's folder)."""
    validate_only: bool = False
    """Only check the request: a command stops at :func:`validated` (a spec's validation)."""

    def __enter__(self) -> "Context":
        self.__dict__.setdefault("_tokens", []).append(_CURRENT.set(self))
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.reset(self.__dict__["_tokens"].pop())


_DEFAULT = Context()
_CURRENT: ContextVar[Context] = ContextVar("actviz_context", default=_DEFAULT)


def current() -> Context:
    """The context of the run in progress (the session's default one outside any run)."""
    return _CURRENT.get()


@contextlib.contextmanager
def use(ctx: Context | None) -> Iterator[Context]:
    """Make ``ctx`` current for the block (``None``: keep the current one)."""
    if ctx is None:
        yield current()
        return
    with ctx:
        yield ctx


def verbosity() -> int:
    """-1 quiet, 0 normal, 1 or more verbose."""
    return current().verbosity


def quiet() -> bool:
    """True when the user asked for silence (-q): no progress bars, no notes."""
    return current().verbosity < 0


def note(message: str, level: int = 1) -> None:
    """Print ``actviz: message`` to stderr when the verbosity is at least ``level``."""
    if current().verbosity >= level:
        print(f"actviz: {message}", file=sys.stderr)


class Validated(Exception):
    """Raised by :func:`validated` in a context that only checks requests (not an error)."""


def validated() -> None:
    """Say that a command's settings are all checked, before any work: when the run only validates
    (``actviz render`` checking a spec's entries) the command stops here. Every command calls it."""
    if current().validate_only:
        raise Validated
