"""Which outputs of a spec are stale, and the manifest that remembers what was rendered.

An output is stale when it is missing, when its entry (command, args, output)
changed, when the code that renders it (every .py and .mplstyle file of the package,
the actviz version, the versions of the libraries that draw) changed, or when the file
itself no longer has the bytes that were rendered. A manifest next to the spec records,
for each output, the key it was rendered with and its SHA-256. Nothing up to date is touched.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from actviz.gallery.spec import Entry, Spec

DRAWING_LIBRARIES = ("matplotlib", "numpy", "pillow", "imageio", "av")
"""Libraries whose version changes the bytes of a figure (part of every entry's key)."""

MANIFEST_VERSION = 1


def code_fingerprint(package: Path | None = None) -> str:
    """SHA-256 of the package's source: every .py and .mplstyle file, by sorted relative path.

    Line endings are normalised so the same checkout hashes the same everywhere.
    """
    root = package or Path(__file__).resolve().parent.parent
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


