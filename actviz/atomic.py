"""Write files atomically: a temporary file in the same directory, renamed into place when complete.

An exception, Ctrl-C or SIGTERM (which the CLI turns into an exception) leaves the
previous file intact and no temporary file behind.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Iterator

from actviz.errors import RunFailure

_interrupted = False


def interrupt(signum: int | None = None, frame=None) -> None:
    """Signal handler for SIGINT and SIGTERM: remember the interrupt, then raise KeyboardInterrupt.

    Python only prints (and drops) an exception raised while a weakref callback or ``__del__``
    runs, so a signal arriving there would be lost and the run would go on to replace the
    file. Because the interrupt is remembered, :func:`atomic_path` refuses to commit after it.
    """
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether SIGINT or SIGTERM arrived since :func:`catch_interrupts` began."""
    return _interrupted


@contextlib.contextmanager
def catch_interrupts() -> Iterator[None]:
    """Route SIGINT and SIGTERM to :func:`interrupt` and keep a dropped KeyboardInterrupt quiet."""
    global _interrupted
    _interrupted = False
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def check_output(path: str | os.PathLike) -> Path:
    """Check an output path before any work, changing nothing on disk: it is not a directory, and
    the nearest folder that exists on its way is a folder this process may write into."""
    p = Path(path)
    if p.is_dir():
        raise RunFailure(f"cannot write {p}: it is a directory")
    existing = _file_in_the_way(p.parent)
    if not existing.is_dir():
        raise RunFailure(f"cannot write {p}: {existing} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "directory" if existing == p.parent else "cannot create a directory in"
        raise RunFailure(f"cannot write {p}: {what} {existing} is not writable")
    return p


def prepare_output(path: str | os.PathLike) -> Path:
    """Make the folders of an output path at write time (after :func:`check_output`)."""
    p = check_output(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise RunFailure(f"cannot write {p}: {_file_in_the_way(p.parent)} is a file, not a directory") from None
    except OSError as exc:
        raise RunFailure(f"cannot create directory {p.parent}: {exc.strerror or exc}") from None
    return p


def _file_in_the_way(folder: Path) -> Path:
    """The nearest existing ancestor of ``folder`` (itself if it exists)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path (same directory and suffix) that replaces ``path`` on success."""
    final = prepare_output(path)
    tmp = final.with_name(f".{final.stem}.tmp-{os.getpid()}{final.suffix}")
    try:
        yield tmp
        if _interrupted:  # the KeyboardInterrupt was dropped on the way (see interrupt)
            raise KeyboardInterrupt
        os.replace(tmp, final)
    except OSError as exc:
        raise RunFailure(f"cannot write {final}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Atomically write UTF-8 ``text`` to ``path``."""
    write_bytes(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless the file already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(path, data)
    return True
