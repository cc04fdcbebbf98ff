"""Progress of long loops (frames of an animation, epochs), shown where it makes sense.

A command wraps its frame loop in :func:`track`. Run from a terminal it shows a
click progress bar on stderr; inside ``actviz render`` the run's context carries a
reporter and draws one bar for all figures; otherwise (a pipe, a test, ``-q``) it is silent.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from actviz import context

T = TypeVar("T")


def tracker(label: str) -> Callable[[Sequence[T]], Iterator[T]]:
    """A wrapper for a sequence that reports its progress under ``label``."""
    return lambda items: track(items, len(items), label)


def track(items: Iterable[T], total: int, label: str = "") -> Iterator[T]:
    """Yield ``items`` (``total`` of them), reporting progress after each one."""
    report = context.current().reporter
    if report is not None:
        done = 0
        for item in items:
            yield item
            done += 1
            report(done, total)
        return
    if not bar_wanted():
        yield from items
        return
    import click

    with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
        yield from bar


def bar_wanted() -> bool:
    """A terminal bar only on a terminal, and not with -q."""
    stream = sys.stderr
    return not context.quiet() and hasattr(stream, "isatty") and stream.isatty()


@contextlib.contextmanager
def step_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A terminal bar advanced by ``update(k)`` (training steps); inside ``actviz render`` the steps go to
    the run's reporter; None when no bar is wanted."""
    report = context.current().reporter
    if report is not None:
        done = 0

        def update(k: int) -> None:
            nonlocal done
            done = min(done + k, total)
            report(done, total)

        yield update
        return
    if not bar_wanted():
        yield None
        return
    import click

    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
