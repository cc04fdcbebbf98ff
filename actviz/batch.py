"""Batch rendering: a TOML spec of figures -> stale check -> worker pool -> files (+ indexes).

A spec lists figures as ``[[figure]]`` tables, each naming an actviz command, its
arguments exactly as typed on the command line, and the output path (relative to
the spec's folder)::

    [index]                      # optional: also write README.md and index.html
    title = "actviz gallery"

    [[figure]]
    title = "Sigmoidal functions"
    command = "plot"
    args = ["sigmoid", "tanh", "--xlim", "-6", "6"]
    output = "sigmoidal.png"

Only stale outputs are rendered. An output is stale when it is missing, when its
entry (command, args, output) changed, when the code that renders it (every .py and
.mplstyle file of the package, the actviz version, the versions of the libraries
that draw) changed, or when the file itself no longer has the bytes that were
rendered. A manifest next to the spec records, for each output, the key it was
rendered with and its SHA-256. Nothing up to date is touched.

This module stays light (no numpy, no matplotlib) so that a run with nothing to do
finishes quickly; the commands are imported only by the processes that render.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from actviz.errors import ActvizError, UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENTRY_KEYS = ("title", "command", "args", "output", "section", "description", "formula")
REQUIRED_KEYS = ("title", "command", "args", "output")
INDEX_KEYS = ("title", "intro", "readme", "html")
TOP_KEYS = ("index", "figure")
NOT_RENDERABLE = ("render",)
"""Commands a spec may not run (a spec rendering specs would never end)."""

DRAWING_LIBRARIES = ("matplotlib", "numpy", "pillow", "imageio")
"""Libraries whose version changes the bytes of a figure (part of every entry's key)."""

MANIFEST_VERSION = 1


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Entry:
    """One figure of a spec."""

    number: int
    title: str
    command: str
    args: tuple[str, ...]
    output: str
    section: str = ""
    description: str = ""
    formula: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"figure {self.number} ({self.output})"

    def command_args(self, output: str | os.PathLike | None = None) -> list[str]:
        """The command's own arguments: args, ``-o`` and the output path."""
        return [*self.args, "-o", str(output if output is not None else self.output)]

    def argv(self, output: str | os.PathLike | None = None) -> list[str]:
        """The arguments of ``actviz``: the command and its arguments."""
        return [self.command, *self.command_args(output)]

    def command_line(self) -> str:
        """The shell command that reproduces this figure (run in the spec's folder)."""
        return shlex.join(["actviz", *self.argv()])

    def identity(self) -> dict[str, Any]:
        """What determines the output's bytes (the title and notes of the index do not)."""
        return {"command": self.command, "args": list(self.args), "output": self.output}


@dataclass(frozen=True)
class Index:
    """The ``[index]`` table: titles and file names of the generated indexes."""

    title: str = "Gallery"
    intro: str = ""
    readme: str | None = "README.md"
    html: str | None = "index.html"


@dataclass(frozen=True)
class Spec:
    path: Path
    entries: tuple[Entry, ...]
    index: Index | None = None

    @property
    def root(self) -> Path:
        """The folder outputs are relative to (the spec's own folder)."""
        return self.path.parent

    @property
    def manifest_path(self) -> Path:
        return self.root / f".{self.path.stem}.manifest.json"


def load_spec(path: str | os.PathLike) -> Spec:
    """Read and validate a spec; any mistake is a :class:`UserError` naming the entry and the key."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"spec {p} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read spec {p}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{p}: not valid TOML: {exc}") from None
    return parse_spec(data, p)


def parse_spec(data: dict[str, Any], path: Path) -> Spec:
    """Validate the parsed TOML of a spec (structure only; see :func:`check_arguments`)."""
    where = str(path)
    _unknown_keys(data, TOP_KEYS, where, "top-level key")
    figures = data.get("figure", [])
    if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
        raise UserError(f"{where}: 'figure' must be an array of tables, written [[figure]]")
    if not figures:
        raise UserError(f"{where}: no figures; add at least one [[figure]] table")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, table in enumerate(figures, 1):
        entry = _parse_entry(table, number, where)
        key = entry.output.casefold()
        if key in seen:
            raise UserError(f"{where}: {entry.label}: key 'output': {entry.output!r} is already the output of figure {seen[key]}")
        seen[key] = number
        entries.append(entry)
    index = _parse_index(data["index"], where) if "index" in data else None
    if index is not None:
        for name in (index.readme, index.html):
            if name is not None and name.casefold() in seen:
                raise UserError(f"{where}: [index]: {name!r} is also the output of figure {seen[name.casefold()]}")
    spec = Spec(path=path, entries=tuple(entries), index=index)
    manifest = spec.manifest_path.name.casefold()
    if manifest in seen:
        raise UserError(f"{where}: figure {seen[manifest]}: key 'output': {spec.manifest_path.name!r} is the manifest")
    return spec


def _unknown_keys(table: dict, known: Iterable[str], where: str, what: str) -> None:
    for key in table:
        if key not in known:
            raise UserError(f"{where}: unknown {what} {key!r} (known: {', '.join(known)})")


def _parse_entry(table: dict[str, Any], number: int, spec: str) -> Entry:
    output = table.get("output")
    where = f"{spec}: figure {number}" + (f" ({output})" if isinstance(output, str) and output else "")
    _unknown_keys(table, ENTRY_KEYS, where, "key")
    for key in REQUIRED_KEYS:
        if key not in table:
            raise UserError(f"{where}: missing key {key!r}")
    for key in ("title", "command", "output", "section", "description"):
        if key in table and not isinstance(table[key], str):
            raise UserError(f"{where}: key {key!r} must be a string")
    for key in ("title", "command", "output"):
        if not table[key].strip():
            raise UserError(f"{where}: key {key!r} is empty")
    command = table["command"].strip()
    from actviz.cli import COMMANDS

    if command not in COMMANDS or command in NOT_RENDERABLE:
        known = ", ".join(c for c in COMMANDS if c not in NOT_RENDERABLE)
        raise UserError(f"{where}: key 'command': unknown command {command!r} (known: {known})")
    args = table["args"]
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise UserError(f"{where}: key 'args' must be a list of strings, e.g. [\"relu\", \"--xlim\", \"-3\", \"3\"]")
    for a in args:
        if a in ("-o", "--output") or a.startswith("--output="):
            raise UserError(f"{where}: key 'args': give the output path in 'output', not as {a!r}")
    formula = table.get("formula", ())
    if isinstance(formula, str):
        formula = (formula,)
    if not isinstance(formula, (list, tuple)) or not all(isinstance(f, str) for f in formula):
        raise UserError(f"{where}: key 'formula' must be a string or a list of strings")
    return Entry(number=number, title=table["title"].strip(), command=command, args=tuple(args),
                 output=_relative_path(table["output"], f"{where}: key 'output'"),
                 section=table.get("section", "").strip(), description=table.get("description", "").strip(),
                 formula=tuple(f.strip() for f in formula if f.strip()))


def _relative_path(text: str, where: str) -> str:
    """A normalised relative POSIX path inside the spec's folder."""
    p = PurePosixPath(text.strip().replace("\\", "/"))
    if p.is_absolute() or ":" in p.parts[0] or ".." in p.parts or not p.name or p.name == ".":
        raise UserError(f"{where}: {text!r} must be a file path relative to the spec's folder, inside it")
    return p.as_posix()


def _parse_index(table: Any, spec: str) -> Index:
    where = f"{spec}: [index]"
    if not isinstance(table, dict):
        raise UserError(f"{where} must be a table")
    _unknown_keys(table, INDEX_KEYS, where, "key")
    values: dict[str, Any] = {}
    for key in INDEX_KEYS:
        if key in table:
            value = table[key]
            if key in ("readme", "html") and value is False:
                values[key] = None
                continue
            if not isinstance(value, str):
                raise UserError(f"{where}: key {key!r} must be a string" + (" or false" if key in ("readme", "html") else ""))
            values[key] = _relative_path(value, f"{where}: key {key!r}") if key in ("readme", "html") else value.strip()
    return Index(**values)


def check_arguments(spec: Spec, entries: Iterable[Entry]) -> None:
    """Run Click's parser over each entry's arguments (without running the command).

    Unknown options, missing values and bad choices become a :class:`UserError`
    naming the entry, before anything is rendered.
    """
    import click

    from actviz.cli import cli

    for entry in entries:
        where = f"{spec.path}: {entry.label}"
        ctx = click.Context(cli, info_name="actviz")
        command = cli.get_command(ctx, entry.command)
        if command is None or not any(p.name == "output" for p in command.params):
            raise UserError(f"{where}: key 'command': {entry.command!r} writes no file")
        try:
            with _silenced(), _inside(spec.root):
                command.make_context(entry.command, entry.command_args(), parent=ctx, resilient_parsing=False)
        except click.ClickException as exc:
            raise UserError(f"{where}: key 'args': {exc.format_message()}".replace("\n", " ")) from None
        except click.exceptions.Exit:  # e.g. --help among the args
            raise UserError(f"{where}: key 'args': {shlex.join(entry.args)} does not render a figure") from None
        except ActvizError as exc:
            raise UserError(f"{where}: key 'args': {exc}") from None


# --------------------------------------------------------------------------- staleness


def code_fingerprint(package: Path | None = None) -> str:
    """SHA-256 of the package's source: every .py and .mplstyle file, by sorted relative path.

    Line endings are normalised so the same checkout hashes the same everywhere.
    """
    root = package or Path(__file__).resolve().parent
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".mplstyle") and p.is_file()
                   and "__pycache__" not in p.parts)
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def environment() -> dict[str, str]:
    """What, besides an entry, decides the bytes of its output."""
    from importlib.metadata import PackageNotFoundError, version

    from actviz import __version__

    env = {"actviz": __version__, "code": code_fingerprint()}
    for name in DRAWING_LIBRARIES:
        try:
            env[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - a broken installation
            env[name] = "missing"
    return env


def entry_key(entry: Entry, env: dict[str, str]) -> str:
    blob = json.dumps({"entry": entry.identity(), "env": env}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read (it is then rendered again)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Output -> {"key", "sha256"}; a missing or unreadable manifest is empty (everything is stale)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("outputs"), dict):
        return {}
    return {k: v for k, v in data["outputs"].items() if isinstance(v, dict)}


def manifest_text(records: dict[str, dict[str, str]]) -> str:
    return json.dumps({"version": MANIFEST_VERSION, "outputs": dict(sorted(records.items()))}, indent=1,
                      sort_keys=True) + "\n"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless the file already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    from actviz.atomic import write_bytes

    write_bytes(path, data)
    return True


@dataclass
class Plan:
    """What a run has to do: stale entries (with the reason) and up-to-date ones."""

    spec: Spec
    env: dict[str, str]
    keys: dict[str, str]
    stale: list[tuple[Entry, str]] = field(default_factory=list)
    fresh: list[Entry] = field(default_factory=list)
    records: dict[str, dict[str, str]] = field(default_factory=dict)


def plan(spec: Spec, *, force: bool = False) -> Plan:
    """Decide which outputs are stale, comparing each with the manifest."""
    env = environment()
    manifest = read_manifest(spec.manifest_path)
    result = Plan(spec=spec, env=env, keys={e.output: entry_key(e, env) for e in spec.entries})
    for entry in spec.entries:
        record = manifest.get(entry.output)
        digest = file_digest(spec.root / entry.output)
        if digest is None:
            reason = "missing"
        elif force:
            reason = "forced"
        elif record is None:
            reason = "not rendered by this spec before"
        elif record.get("key") != result.keys[entry.output]:
            reason = "entry or code changed"
        elif record.get("sha256") != digest:
            reason = "file changed since it was rendered"
        else:
            result.fresh.append(entry)
            result.records[entry.output] = record
            continue
        result.stale.append((entry, reason))
    return result


# --------------------------------------------------------------------------- rendering


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


def render_entry(entry: Entry, root: Path, global_args: Iterable[str] = ()) -> Outcome:
    """Render one entry in this process through the real CLI; never raises for the entry's own failure.

    ``global_args`` are options of ``actviz`` itself (e.g. budgets) given before the command.
    """
    import click

    from actviz.cli import cli

    root = root.resolve()
    target = root / entry.output
    message = ""
    with _silenced() as captured:
        try:
            with _inside(root):
                status = cli.main(args=[*global_args, *entry.argv(target)], prog_name="actviz", standalone_mode=False)
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
    digest = file_digest(target)
    if digest is None:
        return Outcome(entry.output, False, "the command finished but wrote no file", notes=notes)
    return Outcome(entry.output, True, sha256=digest, notes=notes)


_worker_output: str | None = None
"""The output a worker is rendering (None while idle)."""


def _worker_init(queue) -> None:
    """In each worker: report per-frame progress to the parent; leave Ctrl-C to the parent;
    on SIGTERM, let an output being written clean up its temporary file, then exit."""
    import signal

    from actviz import progress
    from actviz.atomic import interrupt

    def report(done: int, total: int) -> None:
        queue.put((_worker_output, done, total))

    def terminate(signum, frame):
        if _worker_output is None:
            os._exit(143)
        interrupt()  # raises KeyboardInterrupt, and remembers it in case Python drops it

    progress.set_reporter(report)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, terminate)


def _worker_render(entry: Entry, root: str, global_args: tuple[str, ...]) -> Outcome:
    global _worker_output
    _worker_output = entry.output
    try:
        return render_entry(entry, Path(root), global_args)
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


def render_all(entries: list[Entry], root: Path, jobs: int, on_event: Event,
               global_args: tuple[str, ...] = ()) -> list[Outcome]:
    """Render ``entries`` with ``jobs`` worker processes (in this process when one is enough)."""
    from actviz import progress

    root = root.resolve()  # workers may not share this process's working directory
    # Longest first, so that no long figure starts last and leaves a worker idle (LPT scheduling).
    order = sorted(entries, key=lambda e: (-estimated_cost(e), e.number))
    outcomes: list[Outcome] = []
    if jobs <= 1 or len(order) <= 1:
        for entry in order:
            progress.set_reporter(lambda done, total, out=entry.output: on_event("frame", (out, done, total)))
            try:
                outcome = render_entry(entry, root, global_args)
            finally:
                progress.set_reporter(None)
            outcomes.append(outcome)
            on_event("done", outcome)
        return outcomes
    return _render_pool(order, root, min(jobs, len(order)), on_event, global_args)


def _render_pool(order: list[Entry], root: Path, jobs: int, on_event: Event,
                 global_args: tuple[str, ...]) -> list[Outcome]:
    with _single_threaded_maths():
        return _run_pool(order, root, jobs, on_event, global_args)


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


def _run_pool(order: list[Entry], root: Path, jobs: int, on_event: Event,
              global_args: tuple[str, ...]) -> list[Outcome]:
    import multiprocessing
    import queue as queue_module
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # Import the drawing stack once in the server; every worker forks from it.
        ctx.set_forkserver_preload(["actviz.cli", "actviz.catalogue", "actviz.render.figure", "actviz.render.animation",
                                    "actviz.render.curves", "actviz.render.warp", "actviz.render.training"])
    frames = ctx.Queue()
    outcomes: list[Outcome] = []
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(frames,))
    try:
        pending = {pool.submit(_worker_render, entry, str(root), global_args): entry for entry in order}
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


# --------------------------------------------------------------------------- one run


@dataclass
class Summary:
    rendered: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"rendered {len(self.rendered)}, up to date {len(self.up_to_date)}, failed {len(self.failed)}"
        if self.indexes:
            text += f"; wrote {', '.join(self.indexes)}"
        return text


def run(spec: Spec, *, jobs: int, force: bool = False, on_event: Event | None = None,
        global_args: Iterable[str] = ()) -> Summary:
    """Render what is stale, record it in the manifest and refresh the indexes.

    ``global_args`` (options of ``actviz`` itself, such as budgets) are repeated for every entry.
    """
    work = plan(spec, force=force)
    summary = Summary(up_to_date=[e.output for e in work.fresh])
    records = dict(work.records)
    stale = [e for e, _ in work.stale]
    on_event = on_event or (lambda kind, payload: None)
    if stale:
        check_arguments(spec, stale)

    def record(kind: str, payload: Any) -> None:
        if kind == "done":
            if payload.ok:
                records[payload.output] = {"key": work.keys[payload.output], "sha256": payload.sha256}
                summary.rendered.append(payload.output)
            else:
                records.pop(payload.output, None)
                summary.failed.append(payload)
        on_event(kind, payload)

    try:
        if stale:
            on_event("start", len(stale))
            render_all(stale, spec.root, jobs, record, tuple(global_args))
    finally:
        # Record what was rendered, even when interrupted; forget outputs no longer in the spec.
        kept = {e.output: records[e.output] for e in spec.entries if e.output in records}
        write_if_changed(spec.manifest_path, manifest_text(kept).encode())
    if spec.index is not None:
        from actviz import gallery

        summary.indexes = gallery.write_indexes(spec)
    return summary
