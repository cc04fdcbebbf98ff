"""One ``actviz render``: check the spec's arguments, render what is stale, record it, write the indexes."""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any, Iterable

from actviz.atomic import write_if_changed
from actviz.context import Context
from actviz.errors import ActvizError, UserError
from actviz.gallery.manifest import manifest_text, plan
from actviz.gallery.pool import Commands, Event, Outcome, _inside, _silenced, render_all
from actviz.gallery.spec import Entry, Spec


def check_arguments(spec: Spec, entries: Iterable[Entry], cli) -> None:
    """Run Click's parser over each entry's arguments (without running the command).

    ``cli`` is the command group (handed over by the ``render`` command). Unknown
    options, missing values and bad choices become a :class:`UserError` naming the
    entry, before anything is rendered. Each entry is parsed in a throwaway context,
    so what its options define stays with it.
    """
    import click

    for entry in entries:
        where = f"{spec.path}: {entry.label}"
        ctx = click.Context(cli, info_name="actviz")
        command = cli.get_command(ctx, entry.command)
        if command is None or not any(p.name == "output" for p in command.params):
            raise UserError(f"{where}: key 'command': {entry.command!r} writes no file")
        try:
            with _silenced(), _inside(spec.root), Context():
                command.make_context(entry.command, entry.command_args(), parent=ctx, resilient_parsing=False)
        except click.ClickException as exc:
            raise UserError(f"{where}: key 'args': {exc.format_message()}".replace("\n", " ")) from None
        except click.exceptions.Exit:  # e.g. --help among the args
            raise UserError(f"{where}: key 'args': {shlex.join(entry.args)} does not render a figure") from None
        except ActvizError as exc:
            raise UserError(f"{where}: key 'args': {exc}") from None


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
        check_arguments(spec, stale, cli)

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
            render_all(stale, spec.root, jobs, record, commands, tuple(global_args))
    finally:
        # Record what was rendered, even when interrupted; forget outputs no longer in the spec.
        kept = {e.output: records[e.output] for e in spec.entries if e.output in records}
        write_if_changed(spec.manifest_path, manifest_text(kept).encode())
    if spec.index is not None:
        from actviz.gallery import indexes

        summary.indexes = indexes.write_indexes(spec)
    return summary
