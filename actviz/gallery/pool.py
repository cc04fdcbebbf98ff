"""Rendering entries: in this process, or on a pool of worker processes that start warm.

The pool never imports the CLI: it is handed a runner (``run(argv, reporter, ...)``, a
module-level function, so that workers can receive it) that renders one command line
in a fresh context. Workers and their fork server die with the process that started them
(Linux ``PR_SET_PDEATHSIG``), so a killed batch leaves nothing running.
"""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from actviz.errors import ActvizError
from actviz.gallery.manifest import file_digest
from actviz.gallery.spec import Entry


@dataclass(frozen=True)
class Commands:
    """What the pool needs of the CLI, handed over by the ``render`` command.

    ``run(argv, reporter, keep=..., confine=...)`` runs one command line in a fresh context, its
    outputs one transaction (``actviz.cli.invoke``; a module-level function, so workers receive it
    by name): ``keep`` may leave a file as it was (:data:`actviz.atomic.Keep`), ``confine`` is the
    folder every file it reads or writes must lie in. ``preload`` names the modules the fork
    server imports once so that every worker starts warm.
    """

    run: Callable[..., Any]
    preload: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    output: str
    ok: bool
    message: str = ""
    sha256: str | None = None
    notes: tuple[str, ...] = ()


@contextlib.contextmanager
def _inside(folder: Path):
    """Run with ``folder`` as the working directory (relative inputs in args resolve there)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _silenced():
    """Capture what a command prints (its own progress bars, chatter) into one buffer."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def render_entry(entry: Entry, root: Path, commands: Commands, global_args: Iterable[str] = (),
                 reporter=None, confine: str | None = None) -> Outcome:
    """Render one entry in this process through the real CLI; never raises for the entry's own failure.

    ``global_args`` are options of ``actviz`` itself (e.g. budgets) given before the command;
    ``reporter(done, total)`` receives the progress of its frames; ``confine`` is the folder every
    file the entry reads or writes must lie in. A new raster that differs from the file it would
    replace only by rounding leaves the file as it was (see :mod:`actviz.gallery.rounding`).
    """
    import click

    from actviz.gallery.rounding import equivalent

    root = root.resolve()
    target = root / entry.output
    kept: list[Path] = []

    def keep(path: Path, old: bytes, new: bytes) -> bool:
        if equivalent(path.name, old, new):
            kept.append(path)
            return True
        return False

    message = ""
    with _silenced() as captured:
        try:
            with _inside(root):
                status = commands.run([*global_args, *entry.argv(target)], reporter, keep=keep, confine=confine)
            if isinstance(status, int) and status:
                message = f"exit status {status}"
        except ActvizError as exc:
            message = str(exc)
        except click.ClickException as exc:
            message = exc.format_message().replace("\n", " ")
        except click.exceptions.Abort:
            raise KeyboardInterrupt from None
        except MemoryError:
            message = "out of memory"
        except Exception as exc:  # a bug in a command: report it as this entry's failure
            message = f"internal error: {type(exc).__name__}: {exc}"
    notes = tuple(line for line in captured.getvalue().splitlines() if line.startswith("actviz:"))
    if message:
        return Outcome(entry.output, False, message, notes=notes)
    if kept:
        notes += (f"actviz: {entry.output}: kept as it was (the new render differs only by rounding)",)
    digest = file_digest(target)
    if digest is None:
        return Outcome(entry.output, False, "the command finished but wrote no file", notes=notes)
    return Outcome(entry.output, True, sha256=digest, notes=notes)


FORKSERVER_GUARD = "actviz.gallery.guard"
"""Imported first by the fork server: it then dies with the batch (see :mod:`actviz.gallery.guard`)."""

_worker_output: str | None = None
"""The output a worker is rendering (None while idle)."""
_worker_queue = None
"""Where a worker sends the progress of its frames."""


def die_with_parent(parent: int | None = None) -> bool:
    """Ask Linux to send this process SIGTERM when its parent dies, however it died (even SIGKILL), so
    that no worker outlives the batch; if the parent ``parent`` is already gone, exit now.
    False where the kernel has no such request (not Linux)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGTERM), 0, 0, 0) != 0:  # PR_SET_PDEATHSIG = 1
            return False
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False
    if parent is not None and os.getppid() != parent:  # it died before the request was made
        os._exit(143)
    return True


def _worker_init(queue, parent: int | None = None) -> None:
    """In each worker: die with the parent (the fork server, which dies with the batch); report
    per-frame progress to the parent; leave Ctrl-C and SIGHUP to the parent; on SIGTERM, let an
    output being written clean up its temporary file, then exit."""
    import signal

    from actviz.atomic import interrupt

    die_with_parent(parent)
    global _worker_queue
    _worker_queue = queue

    def terminate(signum, frame):
        if _worker_output is None:
            os._exit(143)
        interrupt()  # raises KeyboardInterrupt, and remembers it in case Python drops it

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, terminate)


def _report(done: int, total: int) -> None:
    _worker_queue.put((_worker_output, done, total))


def _worker_render(entry: Entry, root: str, commands: Commands, global_args: tuple[str, ...],
                   confine: str | None = None) -> Outcome:
    global _worker_output
    _worker_output = entry.output
    try:
        return render_entry(entry, Path(root), commands, global_args, _report, confine)
    except KeyboardInterrupt:  # terminated by the parent: temporary files are gone by now
        os._exit(143)
    finally:
        _worker_output = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """Fork-server on Linux (workers fork from a server that has already imported matplotlib), else spawn."""
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


Event = Callable[[str, Any], None]
"""``on_event(kind, payload)``: ``"start"`` with the number of figures to render, ``"frame"`` with
(output, done, total) as an animation progresses, ``"done"`` with an :class:`Outcome`."""


def estimated_cost(entry: Entry) -> int:
    """A rough relative cost of rendering an entry, for ordering the work (not a promise).

    Measured on the gallery: training runs, boundary figures and catalogue-wide sheets
    take 5-6 s, animated warps about 3 s, a plot of a few functions under 1 s.
    """
    animated = PurePosixPath(entry.output).suffix.lower() in (".gif", ".webp") or "--animate" in entry.args
    if entry.command in ("train", "boundary") or (entry.command == "plot" and ("--all" in entry.args
                                                                               or "--family" in entry.args)):
        return 5
    return 3 if animated else 1


def render_all(entries: list[Entry], root: Path, jobs: int, on_event: Event, commands: Commands,
               global_args: tuple[str, ...] = (), confine: str | None = None) -> list[Outcome]:
    """Render ``entries`` with ``jobs`` worker processes (in this process when one is enough);
    ``confine`` is the folder every file an entry reads or writes must lie in."""
    root = root.resolve()  # workers may not share this process's working directory
    # Longest first, so that no long figure starts last and leaves a worker idle (LPT scheduling).
    order = sorted(entries, key=lambda e: (-estimated_cost(e), e.number))
    outcomes: list[Outcome] = []
    if jobs <= 1 or len(order) <= 1:
        for entry in order:
            outcome = render_entry(entry, root, commands, global_args,
                                   lambda done, total, out=entry.output: on_event("frame", (out, done, total)),
                                   confine)
            outcomes.append(outcome)
            on_event("done", outcome)
        return outcomes
    return _render_pool(order, root, min(jobs, len(order)), on_event, commands, global_args, confine)


def _render_pool(order: list[Entry], root: Path, jobs: int, on_event: Event, commands: Commands,
                 global_args: tuple[str, ...], confine: str | None = None) -> list[Outcome]:
    with _single_threaded_maths():
        return _run_pool(order, root, jobs, on_event, commands, global_args, confine)


@contextlib.contextmanager
def _single_threaded_maths():
    """Workers run BLAS on one thread each: the pool already fills the cores, and letting every
    worker's OpenBLAS start a thread per core oversubscribed them (gallery: 1.48x -> 1.68x on 2 cores).
    Set in the environment the fork server and its workers inherit, and restored afterwards."""
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_pool(order: list[Entry], root: Path, jobs: int, on_event: Event, commands: Commands,
              global_args: tuple[str, ...], confine: str | None = None) -> list[Outcome]:
    import multiprocessing
    import queue as queue_module
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # Import the drawing stack once in the server; every worker forks from it.
        # The server dies with this process (FORKSERVER_GUARD), and each worker with the server.
        ctx.set_forkserver_preload([FORKSERVER_GUARD, *commands.preload])
    frames = ctx.Queue()
    outcomes: list[Outcome] = []
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                               initargs=(frames, None if method == "forkserver" else os.getpid()))
    try:
        pending = {pool.submit(_worker_render, entry, str(root), commands, global_args, confine): entry
                   for entry in order}
        while pending:
            done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            with contextlib.suppress(queue_module.Empty, OSError, ValueError):
                while True:
                    on_event("frame", frames.get_nowait())
            for future in done:
                entry = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = Outcome(entry.output, False, "a worker process died (out of memory or killed?)")
                except Exception as exc:  # pragma: no cover - pickling trouble, a bug
                    outcome = Outcome(entry.output, False, f"internal error: {type(exc).__name__}: {exc}")
                outcomes.append(outcome)
                on_event("done", outcome)
    except BaseException:  # Ctrl-C: stop the work in progress now, then leave
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        frames.close()
        frames.join_thread()
    return outcomes


