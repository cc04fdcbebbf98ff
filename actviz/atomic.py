"""All-or-nothing writes: every output of one run goes to a temporary file and is committed together.

A run opens one :func:`transaction`; whatever it writes (a figure, a ``--log``, the PNG
images of a PGF file, text for stdout) is first written to temporary files, and only when
the run succeeds are they committed together::

    with transaction() as txn:
        fig.savefig(txn.path("figure.pgf"))   # a temporary path beside figure.pgf
        write_log(txn.path("curve.csv"))
        txn.echo("metrics...\\n")              # stdout, written at the commit
    # committed here: stdout first, then each file renamed into place; an exception,
    # Ctrl-C, SIGTERM or SIGHUP instead leaves every previous file as it was

:func:`atomic_path`, :func:`write_bytes` and :func:`write_text` join the transaction in
progress (or make a one-file transaction of their own), so code that writes one file
needs to know nothing about the run it is part of.

* A regular file is replaced by a rename, keeping the file's mode (and owner when allowed);
  a symlink is followed, so the file it points to is replaced and the link stays.
* A device, a pipe or a socket is written through at the commit, never replaced
  (``-o /dev/stdout``); a pipe nobody reads is a failure, not a hang.
* If a rename fails or a signal arrives while the files are renamed into place, the
  files renamed so far are put back (their previous bytes were kept as hard links).
* Temporary names carry the PID and a random token, and each temporary file is locked
  (``flock``) while its run lives: the next run into the same folder removes the ones
  whose run died (SIGKILL, power loss), and never those of a live run, in whatever PID
  namespace it runs.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import signal
import stat
import sys
import tempfile
import time
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from actviz import context
from actviz.errors import RunFailure, UserError

try:  # POSIX; elsewhere temporary files are not locked and stale ones are left alone
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

NAME_MAX = 255
"""Longest file name, in bytes (every common Linux and macOS file system)."""

PATH_MAX = 4095
"""Longest path, in bytes."""

STALE_NEW_SECONDS = 600
"""A file half-way to becoming a temporary file (see :func:`_create_temp`) is stale after this long."""

INTERRUPTS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals a run turns into an orderly stop (:func:`catch_interrupts`)."""

_interrupted = False
_deferring = 0
"""Inside a commit's critical section (see :func:`_signals_held`), the handler only remembers the signal."""


class Interrupted(BaseException):
    """Ctrl-C, SIGTERM or SIGHUP on its way out of a command. Not a KeyboardInterrupt, which Click
    catches to print a blank line before the CLI's one-line message."""


def interrupt(signum: int | None = None, frame=None) -> None:
    """Signal handler for SIGINT, SIGTERM and SIGHUP: remember the interrupt, then raise KeyboardInterrupt.

    Python only prints (and drops) an exception raised while a weakref callback or ``__del__``
    runs, so a signal arriving there would be lost and the run would go on to replace the
    file. Because the interrupt is remembered, a transaction refuses to commit after it.
    """
    global _interrupted
    _interrupted = True
    if _deferring:  # files are being put in place: the commit looks at the flag and puts them back
        return
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether SIGINT, SIGTERM or SIGHUP arrived since :func:`catch_interrupts` began."""
    return _interrupted


@contextlib.contextmanager
def catch_interrupts() -> Iterator[None]:
    """Route SIGINT, SIGTERM and SIGHUP to :func:`interrupt` and keep a dropped KeyboardInterrupt quiet."""
    global _interrupted
    _interrupted = False
    for signum in INTERRUPTS:
        signal.signal(signum, interrupt)
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


# ---------------------------------------------------------------------------- paths

def shown(path: str | os.PathLike) -> str:
    """A path as an error message shows it: control characters escaped, a very long one shortened."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in os.fspath(path))
    return text if len(text) <= 160 else f"{text[:100]}...{text[-50:]} ({len(text):,} characters)"


def check_name(path: str | os.PathLike, what: str = "output") -> Path:
    """Refuse a path no file system takes: a NUL character, a name over :data:`NAME_MAX` bytes, a path over
    :data:`PATH_MAX` bytes (a user error, exit status 2). Touches nothing."""
    text = os.fspath(path)
    if "\0" in text:
        raise UserError(f"bad {what} path {shown(text)}: it contains a NUL character")
    if not text.strip():
        raise UserError(f"bad {what} path: it is empty")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            raise UserError(f"bad {what} path {shown(text)}: a name of {size:,} bytes (the limit is {NAME_MAX})")
    size = len(os.fsencode(os.path.abspath(text)))
    if size > PATH_MAX:
        raise UserError(f"bad {what} path {shown(text)}: {size:,} bytes long (the limit is {PATH_MAX:,})")
    return Path(text)


def check_inside(path: str | os.PathLike, what: str = "output") -> None:
    """Refuse a path outside the folder the run is confined to (a spec's folder, see
    :attr:`actviz.context.Context.confine`), after following every symlink (a user error)."""
    root = context.current().confine
    if root is None:
        return
    check_name(path, what)
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    if not (real == base or real.startswith(base.rstrip(os.sep) + os.sep)):
        via = "" if os.path.abspath(path) == real else f" (it leads to {shown(real)})"
        raise UserError(f"{what} {shown(path)} is outside the spec's folder{via}; "
                        f"render with --allow-outside to allow it")


def check_output(path: str | os.PathLike, what: str = "output") -> Path:
    """Check an output path before any work, changing nothing on disk: a name the file system takes,
    inside the run's folder if it is confined, not a directory, and the nearest folder that exists on
    its way is a folder this process may write into."""
    p = check_name(path, what)
    check_inside(p, what)
    if p.is_dir():
        raise RunFailure(f"cannot write {shown(p)}: it is a directory")
    existing = _file_in_the_way(p.parent)
    if not existing.is_dir():
        raise RunFailure(f"cannot write {shown(p)}: {shown(existing)} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "directory" if existing == p.parent else "cannot create a directory in"
        raise RunFailure(f"cannot write {shown(p)}: {where} {shown(existing)} is not writable")
    return p


def check_distinct(paths: dict[str, str | os.PathLike]) -> None:
    """Refuse two outputs of one run that are one file (symlinks followed): ``{"-o": ..., "--log": ...}``
    (None: not given)."""
    seen: dict[str, str] = {}
    for what, path in paths.items():
        if path is None:
            continue
        key = os.path.normcase(os.path.realpath(path))
        if key in seen:
            raise UserError(f"{seen[key]} and {what} name the same file {shown(path)}; give each its own")
        seen[key] = what


def _file_in_the_way(folder: Path) -> Path:
    """The nearest existing ancestor of ``folder`` (itself if it exists)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _through(path: Path) -> bool:
    """Whether ``path`` is (or leads to) a device, a pipe or a socket: written through, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


# ---------------------------------------------------------------------------- temporary files

_TEMP = re.compile(r"\..*\.tmp-[0-9]+-[0-9a-f]{12}(\.[^.]{0,16})?(\.old)?\Z", re.S)
"""Temporary files (and the backups a commit keeps for a moment) of any actviz run."""

_NEW = re.compile(r"\.actviz-new-[0-9]+-[0-9a-f]{12}\Z")
"""A file being made into a temporary file (created, not yet locked and renamed)."""


def _token() -> str:
    return f"{os.getpid()}-{secrets.token_hex(6)}"


def temp_name(name: str, token: str) -> str:
    """``.NAME.tmp-PID-RANDOM.EXT`` for the output ``NAME.EXT``, shortened to fit :data:`NAME_MAX` bytes."""
    path = Path(name)
    suffix = path.suffix if len(os.fsencode(path.suffix)) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = NAME_MAX - len(os.fsencode(f"..tmp-{token}{suffix}.old"))
    stem = os.fsencode(stem)[:room].decode(errors="ignore")
    return f".{stem}.tmp-{token}{suffix}"


def _lock(fd: int) -> bool:
    """Take the exclusive lock of an open file without waiting; False when another process holds it."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks: count the file as held (never removed)
        return False
    return True


def _create_temp(folder: Path, name: str) -> tuple[Path, int]:
    """Create a locked, empty temporary file for ``name`` in ``folder``; return its path and the open,
    locked descriptor (the lock lives as long as the run: see :func:`clean_stale`).

    The file is created under a name no cleaner takes for stale at once, locked, and only then
    renamed to its temporary name, so that no other run can find it unlocked.
    """
    token = _token()
    new = folder / f".actviz-new-{token}"
    fd = os.open(new, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        _lock(fd)
        tmp = folder / temp_name(name, token)
        os.rename(new, tmp)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(new)
        raise
    return tmp, fd


def clean_stale(folder: str | os.PathLike) -> list[str]:
    """Remove the temporary files in ``folder`` whose run has died; return their names.

    A live run holds the lock of each of its temporary files; the kernel drops it when the
    process dies, however it died. A file whose lock can be taken is therefore stale.
    """
    if fcntl is None:  # pragma: no cover - not POSIX
        return []
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        fresh = _NEW.match(name)
        if not (_TEMP.match(name) or fresh):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or not _lock(fd):
                continue
            if fresh and time.time() - info.st_mtime < STALE_NEW_SECONDS:
                continue
            if os.lstat(entry.path).st_ino == info.st_ino:  # still the file that was locked
                os.unlink(entry.path)
                removed.append(name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


# ---------------------------------------------------------------------------- transactions

@dataclass
class _Target:
    given: Path
    """The path as named by the caller."""
    final: Path
    """Where the bytes go: the path with symlinks resolved (the path itself when written through)."""
    tmp: Path
    fd: int
    through: bool
    existed: bool


Keep = Callable[[Path, bytes, bytes], bool]
"""``keep(path, old, new)``: True to keep the file as it is instead of committing ``new`` over ``old``."""

_CURRENT: ContextVar["Transaction | None"] = ContextVar("actviz_transaction", default=None)


class Transaction:
    """The outputs of one run: temporary paths handed out by :meth:`path`, text for stdout from
    :meth:`echo`, committed together by :meth:`commit` or thrown away by :meth:`abort`.
    Use it through :func:`transaction`."""

    def __init__(self, keep: Keep | None = None) -> None:
        self.keep = keep
        self.kept: list[Path] = []
        """Outputs left as they were because ``keep`` said so."""
        self.committed: list[Path] = []
        self._targets: dict[str, _Target] = {}
        self._stdout: list[str] = []
        self._made: list[Path] = []
        self._cleaned: set[str] = set()
        self._open = True

    def path(self, target: str | os.PathLike) -> Path:
        """A temporary path to write ``target``'s new bytes to (same folder and extension, created
        empty); committed over ``target`` with the rest of the run."""
        if not self._open:
            raise RuntimeError("this transaction is already committed or aborted")
        if context.current().validate_only:
            raise RuntimeError(f"a command wrote {shown(target)} while only validating its settings; "
                               f"it must call actviz.context.validated() before any work")
        given = check_name(target)
        check_inside(given)
        if given.is_dir():
            raise RunFailure(f"cannot write {shown(given)}: it is a directory")
        through = _through(given)
        final = given if through else Path(os.path.realpath(given))
        key = os.path.normcase(os.fspath(final))
        if key in self._targets:
            raise UserError(f"two outputs of this run are the same file {shown(given)}")
        folder = Path(tempfile.gettempdir()) if through else self._folder(final)
        if os.fspath(folder) not in self._cleaned:
            self._cleaned.add(os.fspath(folder))
            clean_stale(folder)
        # signals held from the file's creation until the transaction knows it: an interrupt raised as
        # os.open returns (before any try can see the descriptor) left a half-made file behind
        with _signals_held():
            try:
                tmp, fd = _create_temp(folder, final.name)
            except OSError as exc:
                raise RunFailure(f"cannot write {shown(given)}: {exc.strerror or exc}") from None
            self._targets[key] = _Target(given, final, tmp, fd, through, not through and final.exists())
        return tmp

    def echo(self, text: str) -> None:
        """Text for stdout, written when the run commits (before any file is renamed into place)."""
        self._stdout.append(text)

    def _folder(self, final: Path) -> Path:
        """Make the folders of ``final`` (remembered, so that an aborted run removes them again)."""
        folder = final.parent
        missing = []
        probe = folder
        while not probe.exists() and probe != probe.parent:
            missing.append(probe)
            probe = probe.parent
        if not probe.is_dir():
            raise RunFailure(f"cannot write {shown(final)}: {shown(probe)} is a file, not a directory")
        for made in reversed(missing):
            try:
                made.mkdir()
            except FileExistsError:
                if not made.is_dir():
                    raise RunFailure(f"cannot write {shown(final)}: {shown(made)} is a file, not a directory") from None
                continue
            except OSError as exc:
                raise RunFailure(f"cannot create directory {shown(made)}: {exc.strerror or exc}") from None
            self._made.append(made)
        return folder

    # -- the end of a run

    def commit(self) -> None:
        """Write stdout and the devices and pipes, then rename every temporary file into place; on any
        failure (or a signal arriving meanwhile) put back what was renamed and raise."""
        if not self._open:
            return
        try:
            if _interrupted:  # the KeyboardInterrupt was dropped on the way (see interrupt)
                raise KeyboardInterrupt
            renames = [t for t in self._targets.values() if not t.through and not self._keeps(t)]
            for t in renames:
                _keep_mode(t)
            with _signals_held() as arrived:
                self._write_stdout()
                for t in self._targets.values():
                    if t.through:
                        _write_through(t)
                if arrived():
                    raise KeyboardInterrupt
                self._rename(renames, arrived)
        except BaseException:
            self.abort()
            raise
        self.committed = [t.given for t in renames]
        self._finish()

    def abort(self) -> None:
        """Throw every temporary file away and remove the folders this run made."""
        if not self._open:
            return
        self._finish()
        for made in reversed(self._made):
            with contextlib.suppress(OSError):
                made.rmdir()  # only if empty

    def _finish(self) -> None:
        self._open = False
        for t in self._targets.values():
            with contextlib.suppress(OSError):
                os.unlink(t.tmp)
            with contextlib.suppress(OSError):
                os.close(t.fd)

    def _keeps(self, t: _Target) -> bool:
        if self.keep is None or not t.existed:
            return False
        try:
            old, new = t.final.read_bytes(), t.tmp.read_bytes()
        except OSError:
            return False
        if old != new and self.keep(t.final, old, new):
            self.kept.append(t.given)
            return True
        return False

    def _write_stdout(self) -> None:
        if not self._stdout:
            return
        text, self._stdout = "".join(self._stdout), []
        write_stdout(text)

    def _rename(self, renames: list[_Target], arrived: Callable[[], bool]) -> None:
        done: list[tuple[_Target, Path | None, int | None]] = []
        try:
            for t in renames:
                backup, fd = _backup(t) if t.existed else (None, None)
                done.append((t, backup, fd))
                try:
                    os.replace(t.tmp, t.final)
                except OSError as exc:
                    done.pop()
                    _drop(backup, fd)
                    raise RunFailure(f"cannot write {shown(t.given)}: {exc.strerror or exc}") from None
            if arrived():
                raise KeyboardInterrupt
        except BaseException:
            for t, backup, fd in reversed(done):  # put back what was renamed
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, t.final)
                    elif not t.existed:
                        os.unlink(t.final)
                _drop(None, fd)
            raise
        for _, backup, fd in done:
            _drop(backup, fd)


def _keep_mode(t: _Target) -> None:
    """Give the new file the old one's owner and permissions (a new file has the umask's)."""
    if not t.existed:
        return
    try:
        old = os.stat(t.final)
        new = os.stat(t.tmp)
        if (old.st_uid, old.st_gid) != (new.st_uid, new.st_gid):
            with contextlib.suppress(PermissionError):
                os.chown(t.tmp, old.st_uid, old.st_gid)
        os.chmod(t.tmp, stat.S_IMODE(old.st_mode))
    except OSError as exc:
        raise RunFailure(f"cannot write {shown(t.given)}: {exc.strerror or exc}") from None


def _backup(t: _Target) -> tuple[Path | None, int | None]:
    """A locked hard link to the file about to be replaced, to put it back if the commit fails."""
    try:
        fd = os.open(t.final, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None, None
    if not _lock(fd):
        os.close(fd)
        return None, None
    backup = t.final.parent / (temp_name(t.final.name, _token()) + ".old")
    try:
        os.link(t.final, backup)
    except OSError:  # a file system without hard links: no way back for this one
        os.close(fd)
        return None, None
    return backup, fd


def _drop(backup: Path | None, fd: int | None) -> None:
    if backup is not None:
        with contextlib.suppress(OSError):
            os.unlink(backup)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _write_through(t: _Target) -> None:
    """Copy the new bytes into a device, pipe or socket (opened without waiting for a reader)."""
    try:
        fd = os.open(t.given, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise RunFailure(f"cannot write {shown(t.given)}: no process is reading it") from None
        raise RunFailure(f"cannot write {shown(t.given)}: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with open(t.tmp, "rb") as src:
            while chunk := src.read(1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
    except OSError as exc:
        raise RunFailure(f"cannot write {shown(t.given)}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout now; a full disk or a closed terminal is a :class:`RunFailure` in one
    line (a reader that went away, as in ``actviz list | head -1``, stays a BrokenPipeError)."""
    out = sys.stdout
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        silence_stdout()
        raise
    except OSError as exc:
        silence_stdout()
        raise RunFailure(f"cannot write to standard output: {exc.strerror or exc}") from None


def silence_stdout() -> None:
    """After a failed write, point stdout at /dev/null so that Python's flush at exit stays quiet."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def echo(text: str) -> None:
    """Text for stdout: held by the transaction in progress until it commits, else written now."""
    txn = _CURRENT.get()
    if txn is not None and txn._open:
        txn.echo(text)
    else:
        write_stdout(text)


@contextlib.contextmanager
def _signals_held() -> Iterator[Callable[[], bool]]:
    """Hold SIGINT, SIGTERM and SIGHUP back while files are put in place; yield a function that says
    whether one arrived meanwhile (or was caught and dropped before).

    Two guards, since a signal may reach any thread: this thread blocks them (so that Python's own
    default handlers cannot raise mid-rename), and :func:`interrupt`, delivered through another thread,
    only remembers the signal while the section lasts. A signal blocked here arrives when it ends."""
    global _deferring
    blockable = hasattr(signal, "pthread_sigmask")
    if blockable:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    _deferring += 1

    def arrived() -> bool:
        waiting = blockable and bool(set(signal.sigpending()) & set(INTERRUPTS))
        return waiting or _interrupted

    try:
        yield arrived
    finally:
        _deferring -= 1
        if blockable:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def transaction(*, separate: bool = False, keep: Keep | None = None) -> Iterator[Transaction]:
    """The outputs of one run, committed together when the block ends without an exception.

    Inside another transaction this one is part of it (committed with it), unless ``separate``:
    then it commits on its own (each figure of a batch, the batch's manifest). ``keep`` (for a
    separate transaction) may leave an existing file as it is: see :data:`Keep`.
    """
    outer = _CURRENT.get()
    if outer is not None and outer._open and not separate:
        yield outer
        return
    txn = Transaction(keep)
    token = _CURRENT.set(txn)
    try:
        yield txn
    except BaseException:
        _CURRENT.reset(token)
        txn.abort()
        raise
    _CURRENT.reset(token)
    txn.commit()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path (same directory and suffix) whose bytes replace ``path`` when the run
    (the transaction in progress, or this block) commits."""
    with transaction() as txn:
        tmp = txn.path(path)
        try:
            yield tmp
        except OSError as exc:  # the writer failed (a full disk): the run fails in one line
            raise RunFailure(f"cannot write {shown(path)}: {exc.strerror or exc}") from None


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` as part of the run (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` as part of the run."""
    write_bytes(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(path, data)
    return True


def prepare_output(path: str | os.PathLike) -> Path:
    """Check an output path (kept for callers of earlier versions; folders are made at the commit)."""
    return check_output(path)
