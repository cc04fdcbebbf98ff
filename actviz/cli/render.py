"""``actviz render``: many figures from one spec, only what is stale, on several cores."""
from __future__ import annotations

import sys

import click


def _command_runner():
    from actviz.cli.main import invoke
    from actviz.gallery.pool import Commands

    return Commands(run=invoke, preload=PRELOAD)


PRELOAD = ("actviz.cli.main", "actviz.core.catalogue", "actviz.render.figure", "actviz.render.animation",
           "actviz.render.curves", "actviz.render.warp", "actviz.render.training")
"""Modules the fork server imports once, so that every worker starts warm."""


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False), metavar="SPEC.toml")
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("--force", is_flag=True, help="Render every figure, even those up to date.")
@click.option("-n", "--dry-run", is_flag=True, help="Only list what is stale and why; render nothing.")
@click.option("--allow-outside", is_flag=True,
              help="Let the spec read and write files outside its own folder (refused by default).")
def render(spec, jobs, force, dry_run, allow_outside) -> None:
    """Render every stale figure of a TOML spec, in parallel.

    Each [[figure]] names a command, its arguments exactly as on the command
    line and an output path relative to the spec. An output is stale when it is
    missing, or its entry, the actviz code or the drawing libraries changed, or
    the file was edited. Nothing up to date is touched. With an [index] table,
    README.md and index.html are generated next to the spec.

    A spec may read and write only inside its own folder (symlinks followed), unless
    --allow-outside; every entry is checked before any figure is drawn. Each figure is
    recorded in the manifest as it finishes, so an interrupted batch keeps its work.

    \b
    Examples:
      actviz render gallery/gallery.toml
      actviz render figures.toml -j 2
      actviz render figures.toml --dry-run
    """
    from actviz import context
    from actviz.cli.main import COMMANDS, cli
    from actviz.errors import RunFailure
    from actviz.gallery import manifest, pool, run
    from actviz.gallery.spec import check_paths, load_spec

    loaded = load_spec(spec, COMMANDS)
    check_paths(loaded, allow_outside=allow_outside)
    if not allow_outside:  # the manifest and the indexes too
        import os

        context.current().confine = os.path.realpath(loaded.root)
    if dry_run:
        work = manifest.plan(loaded, force=force)
        for entry, reason in work.stale:
            click.echo(f"stale: {entry.output} ({reason})")
        click.echo(f"stale {len(work.stale)}, up to date {len(work.fresh)}")
        return
    with _Progress(bar=not context.quiet()) as show:
        summary = run.run(loaded, jobs=jobs or pool.default_jobs(), cli=cli, commands=_command_runner(), force=force,
                          on_event=show, global_args=_global_args(click.get_current_context()),
                          allow_outside=allow_outside)
    if not context.quiet():
        click.echo(summary.line())
    if summary.failed:
        names = ", ".join(o.output for o in summary.failed)
        raise RunFailure(f"{len(summary.failed)} of {len(summary.failed) + len(summary.rendered)} figures failed: {names}")


def _global_args(ctx: click.Context) -> list[str]:
    """The options of ``actviz`` itself given to this run (budgets), to repeat for every entry."""
    root = ctx.find_root()
    args: list[str] = []
    for param in root.command.params:
        value = root.params.get(param.name)
        if not isinstance(param, click.Option) or value is None or param.name == "debug":
            continue
        if param.count:
            args += [param.opts[0]] * value
        elif param.is_flag:
            names = param.opts if value else param.secondary_opts
            args += [max(names, key=len)] if names and (value or param.secondary_opts) else []
        else:
            args += [max(param.opts, key=len), str(value)]
    return args


class _Progress:
    """Per-figure bar (with the frames of animations in progress) on a terminal; failures as lines."""

    def __init__(self, bar: bool = True) -> None:
        self.tty = bar and sys.stderr.isatty()
        self.bar = None
        self.frames: dict[str, tuple[int, int]] = {}
        self.total = 0

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.render_finish()

    def __call__(self, kind: str, payload) -> None:
        if kind == "start":
            self.total = payload
        elif kind == "frame":
            output, done, total = payload
            self.frames[output] = (done, total)
            self._draw(0)
        elif kind == "done":
            self.frames.pop(payload.output, None)
            for note in payload.notes:
                self._line(f"{payload.output}: {note}")
            if not payload.ok:
                self._line(f"actviz: {payload.output}: {payload.message}")
            self._draw(1)

    def _status(self, _item) -> str:
        return "  ".join(f"{out} {d}/{t}" for out, (d, t) in self.frames.items())

    def _draw(self, steps: int) -> None:
        if not self.tty:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=self.total, label="rendering", file=sys.stderr,
                                         item_show_func=self._status, show_eta=False)
        if steps:
            self.bar.update(steps)
        else:  # click redraws on update() only when a step was made
            self.bar.render_progress()

    def _line(self, text: str) -> None:
        if self.bar is not None:
            click.echo("\r\x1b[K", file=sys.stderr, nl=False)
        click.echo(text, err=True)
