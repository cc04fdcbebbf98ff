"""One ``actviz render``: check the spec's arguments, render what is stale, record it, write the indexes."""
from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from typing import Any, Iterable

from actviz.atomic import Interrupted, check_inside, transaction, write_if_changed
from actviz.context import Context, Validated
from actviz.errors import ActvizError, UserError
from actviz.gallery.manifest import manifest_text, plan
from actviz.gallery.pool import Commands, Event, Outcome, _inside, _silenced, render_all
from actviz.gallery.spec import Entry, Spec, written_files


def check_arguments(spec: Spec, entries: Iterable[Entry], cli, global_args: Iterable[str] = (), *,
                    allow_outside: bool = False) -> None:
    """Check each entry as its command would, without drawing anything: a mistake is a :class:`UserError`
    naming the entry, before anything is rendered.

    ``cli`` is the command group (handed over by the ``render`` command). Each entry's
    arguments are parsed by Click (unknown options, missing values, bad choices), every
    file they name is checked to lie in the spec's folder (unless ``allow_outside``), and
    the command itself runs in a context that only validates: it builds its settings
    (activations, sizes, budgets, ranges) and stops at :func:`actviz.context.validated`.
    Each entry runs in throwaway contexts, so what its options define stays with it.
    """
    import click

    confine = None if allow_outside else os.path.realpath(spec.root)
    extra = list(global_args)
    claimed = written_files(spec)
    for entry in entries:
        where = f"{spec.path}: {entry.label}"
        ctx = click.Context(cli, info_name="actviz")
        command = cli.get_command(ctx, entry.command)
        if command is None or not any(p.name == "output" for p in command.params):
            raise UserError(f"{where}: key 'command': {entry.command!r} writes no file")
        try:
            with _silenced(), _inside(spec.root), Context(confine=confine):
                parsed = command.make_context(entry.command, entry.command_args(), parent=ctx, resilient_parsing=False)
                _check_named_files(parsed, claimed, entry)
            with _silenced(), _inside(spec.root), Context(validate_only=True, confine=confine):
                cli.main(args=[*extra, *entry.argv()], prog_name="actviz", standalone_mode=False)
        except Validated:
            continue
        except click.ClickException as exc:
            raise UserError(f"{where}: key 'args': {exc.format_message()}".replace("\n", " ")) from None
        except click.exceptions.Exit:  # e.g. --help among the args
            raise UserError(f"{where}: key 'args': {shlex.join(entry.args)} does not render a figure") from None
        except ActvizError as exc:
            raise UserError(f"{where}: key 'args': {exc}") from None
        except (KeyboardInterrupt, Interrupted, click.exceptions.Abort):
            raise KeyboardInterrupt from None
        except Exception as exc:  # the command's own failure while checking: a bug, named
            raise RuntimeError(f"{where}: {entry.command} failed while checking its arguments: "
                               f"{type(exc).__name__}: {exc}") from exc
        raise RuntimeError(f"{where}: {entry.command} did not stop after checking its settings "
                           f"(it must call actviz.context.validated() before any work)")


def _check_named_files(ctx, claimed: dict[str, str], entry: Entry) -> None:
    """Every file an entry's options name (a click.Path, e.g. ``--log``) must lie in the spec's folder, and
    be none of the files the spec writes (nor one another entry's options named)."""
    import click

    for param in ctx.command.params:
        if param.name == "output" or not isinstance(param.type, (click.Path, click.File)):
            continue
        value = ctx.params.get(param.name)
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            if item is None or (isinstance(item, str) and item == "-"):
                continue
            path = os.fspath(getattr(item, "name", item))
            check_inside(path, param.opts[-1])
            key = os.path.normcase(os.path.realpath(path))
            if key in claimed:
                raise UserError(f"{param.opts[-1]} {path!r} is {claimed[key]}")
            claimed[key] = f"named by {param.opts[-1]} of {entry.label}"


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


def run(spec: Spec, *, jobs: int, cli, commands: Commands, force: bool = False, on_event: Event | None = None,
        global_args: Iterable[str] = (), allow_outside: bool = False) -> Summary:
    """Render what is stale, record each figure in the manifest as it finishes, and refresh the indexes.

    ``global_args`` (options of ``actviz`` itself, such as budgets) are repeated for every entry.
    Unless ``allow_outside``, every file an entry reads or writes must lie in the spec's folder.
    """
    work = plan(spec, force=force)
    summary = Summary(up_to_date=[e.output for e in work.fresh])
    records = dict(work.records)
    stale = [e for e, _ in work.stale]
    on_event = on_event or (lambda kind, payload: None)
    if stale:
        check_arguments(spec, stale, cli, global_args, allow_outside=allow_outside)

    def save_manifest() -> None:
        """Record what is rendered so far (forgetting outputs no longer in the spec), on its own."""
        kept = {e.output: records[e.output] for e in spec.entries if e.output in records}
        with transaction(separate=True):
            write_if_changed(spec.manifest_path, manifest_text(kept).encode())

    def record(kind: str, payload: Any) -> None:
        if kind == "done":
            if payload.ok:
                records[payload.output] = {"key": work.keys[payload.output], "sha256": payload.sha256}
                summary.rendered.append(payload.output)
            else:
                records.pop(payload.output, None)
                summary.failed.append(payload)
            save_manifest()  # each figure as it finishes: an interrupted batch keeps its work
        on_event(kind, payload)

    if stale:
        on_event("start", len(stale))
        render_all(stale, spec.root, jobs, record, commands, tuple(global_args),
                   confine=None if allow_outside else os.path.realpath(spec.root))
    save_manifest()
    if spec.index is not None:
        from actviz.gallery import indexes

        with transaction(separate=True):
            summary.indexes = indexes.write_indexes(spec)
    return summary
