"""A render spec: a TOML file of figures, each a command line and an output beside the spec.

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

This package stays light (no numpy, no matplotlib) so that a run with nothing to do
finishes quickly; it never imports the CLI: the ``render`` command hands it the
command group (to check arguments) and a runner (to render an entry).
"""
from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from actviz.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENTRY_KEYS = ("title", "command", "args", "output", "section", "description", "formula")
REQUIRED_KEYS = ("title", "command", "args", "output")
INDEX_KEYS = ("title", "intro", "readme", "html")
TOP_KEYS = ("index", "figure")
MAX_SPEC_BYTES = 10_000_000
"""Largest spec read."""
NOT_RENDERABLE = ("render",)
"""Commands a spec may not run (a spec rendering specs would never end)."""


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
        from actviz.atomic import shown

        return f"figure {self.number} ({shown(self.output)})"

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


def load_spec(path: str | os.PathLike, commands: Iterable[str] | None = None) -> Spec:
    """Read and validate a spec; any mistake is a :class:`UserError` naming the entry and the key."""
    import stat

    p = Path(path)
    try:
        mode = p.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise UserError(f"cannot read spec {p}: it is not a regular file (a device, a pipe or a socket)")
        if p.stat().st_size > MAX_SPEC_BYTES:
            raise UserError(f"cannot read spec {p}: it has {p.stat().st_size:,} bytes; a spec has at most "
                            f"{MAX_SPEC_BYTES:,}")
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"spec {p} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read spec {p}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{p}: not valid TOML: {exc}") from None
    return parse_spec(data, p, commands)


def parse_spec(data: dict[str, Any], path: Path, commands: Iterable[str] | None = None) -> Spec:
    """Validate the parsed TOML of a spec (structure only; :func:`actviz.gallery.run.check_arguments`
    checks the arguments). ``commands`` are the names a figure may use (None: any, checked later)."""
    known = None if commands is None else tuple(commands)
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
        entry = _parse_entry(table, number, where, known)
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


def _parse_entry(table: dict[str, Any], number: int, spec: str, commands: tuple[str, ...] | None) -> Entry:
    output = table.get("output")
    from actviz.atomic import shown

    where = f"{spec}: figure {number}" + (f" ({shown(output)})" if isinstance(output, str) and output else "")
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
    if command in NOT_RENDERABLE or (commands is not None and command not in commands):
        known = ", ".join(c for c in (commands or ()) if c not in NOT_RENDERABLE) or "the commands that draw"
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
    from actviz.atomic import shown

    p = PurePosixPath(text.strip().replace("\\", "/"))
    if p.is_absolute() or ":" in p.parts[0] or ".." in p.parts or not p.name or p.name == ".":
        raise UserError(f"{where}: {shown(text)!r} must be a file path relative to the spec's folder, inside it")
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



def check_paths(spec: Spec, *, allow_outside: bool = False) -> None:
    """Refuse a spec that would write where it must not, before anything is read or rendered.

    Every file it writes (each output, the indexes, the manifest) must resolve, symlinks
    followed, inside the spec's folder (unless ``allow_outside``), be none of the others nor
    the spec itself, and be a regular file if it exists (never a folder, a device or a pipe,
    which a run would block on or could not replace). A :class:`UserError` names the entry and the key.
    """
    from actviz.atomic import check_name, shown

    where = str(spec.path)
    root = os.path.realpath(spec.root)
    owners: dict[str, str] = {_key(spec.path): "the spec itself", _key(spec.manifest_path): "the spec's manifest"}

    def claim(rel: str, label: str, key: str, owner: str) -> None:
        place = f"{where}: {label}: key {key!r}"
        try:
            check_name(spec.root / rel, "output")
        except UserError as exc:
            raise UserError(f"{place}: {exc}") from None
        real = os.path.realpath(spec.root / rel)
        if not allow_outside and not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
            raise UserError(f"{place}: {rel!r} leads outside the spec's folder (to {shown(real)}); "
                            f"render with --allow-outside to allow it")
        other = owners.get(os.path.normcase(real))
        if other is not None:
            raise UserError(f"{place}: {rel!r} is {other}")
        _regular_or_missing(real, place, rel)
        owners[os.path.normcase(real)] = owner

    manifest = os.path.realpath(spec.manifest_path)
    if not allow_outside and not manifest.startswith(root.rstrip(os.sep) + os.sep):
        raise UserError(f"{where}: the manifest {spec.manifest_path.name} leads outside the spec's folder "
                        f"(to {shown(manifest)}); remove that link, or render with --allow-outside")
    _regular_or_missing(manifest, f"{where}: the manifest", spec.manifest_path.name)
    for entry in spec.entries:
        claim(entry.output, entry.label, "output", f"the output of {entry.label}")
    if spec.index is not None:
        for key, name in (("readme", spec.index.readme), ("html", spec.index.html)):
            if name is not None:
                claim(name, "[index]", key, f"the [index] {key} file")


def written_files(spec: Spec) -> dict[str, str]:
    """The files a run of ``spec`` writes (and the spec itself), by resolved path: what each one is."""
    owners = {_key(spec.path): "the spec itself", _key(spec.manifest_path): "the spec's manifest"}
    for entry in spec.entries:
        owners.setdefault(_key(spec.root / entry.output), f"the output of {entry.label}")
    if spec.index is not None:
        for key, name in (("readme", spec.index.readme), ("html", spec.index.html)):
            if name is not None:
                owners.setdefault(_key(spec.root / name), f"the [index] {key} file")
    return owners


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _regular_or_missing(real: str, place: str, rel: str) -> None:
    import stat

    try:
        mode = os.stat(real).st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        raise UserError(f"{place}: {rel!r} is a directory")
    if not stat.S_ISREG(mode):
        raise UserError(f"{place}: {rel!r} is not a regular file (a device, a pipe or a socket)")
