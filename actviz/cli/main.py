"""The command-line shell: parse, validate, call the library, report in one line.

Commands live in :mod:`actviz.commands` and are imported only when invoked (or
when help lists them), so start-up stays fast and never imports matplotlib.
"""
from __future__ import annotations

import errno
import importlib
import os
import sys
import traceback

import click

from actviz import __version__, context
from actviz.context import Context, Limits, Reporter
from actviz.atomic import Interrupted, catch_interrupts, interrupted, silence_stdout, transaction
from actviz.cli.options import FloatRange, strict_numbers
from actviz.errors import ActvizError

COMMANDS: dict[str, str] = {
    "list": "actviz.cli.listing:list_cmd",
    "plot": "actviz.cli.plot:plot",
    "data": "actviz.cli.data:data",
    "render": "actviz.cli.render:render",
    "warp": "actviz.cli.warp:warp",
    "train": "actviz.cli.train:train",
    "boundary": "actviz.cli.boundary:boundary",
    "layers": "actviz.cli.layers:layers",
    "depth": "actviz.cli.depth:depth",
    "loss": "actviz.cli.loss:loss",
    "optim": "actviz.cli.optim:optim",
    "surface": "actviz.cli.surface:surface",
    "cite": "actviz.cli.cite:cite",
}
"""Command name -> "module:attribute" of its Click command, loaded lazily."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise Interrupted from exc

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return strict_numbers(getattr(importlib.import_module(module), attr))


def _debug_wanted(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("ACTVIZ_DEBUG", "") not in ("", "0")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "ACTVIZ"})
@click.version_option(__version__, "--version", prog_name="actviz")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors (or set ACTVIZ_DEBUG=1).")
@click.option("--max-megapixels", type=FloatRange(min=0, min_open=True), default=100.0, show_default=True,
              help="Refuse images larger than this; raise it deliberately for huge figures.")
@click.option("--max-animation-mb", type=FloatRange(min=0, min_open=True), default=2048.0, show_default=True,
              help="Refuse animations whose frames would need more memory than this.")
@click.option("--max-memory-mb", type=FloatRange(min=0, min_open=True), default=4096.0, show_default=True,
              help="Refuse requests whose estimated peak memory is larger than this.")
@click.option("--max-minutes", type=FloatRange(min=0, min_open=True), default=15.0, show_default=True,
              help="Refuse requests estimated to run longer than this.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or notes; errors only.")
@click.option("-v", "--verbose", count=True, help="Say what was written and how (repeat for more).")
def cli(debug: bool, max_megapixels: float, max_animation_mb: float, max_memory_mb: float, max_minutes: float,
        quiet: bool, verbose: int) -> None:
    """Draw how activation functions shape neural networks.

    \b
    Examples:
      actviz list --family sigmoidal
      actviz plot sigmoid tanh arctan -o sigmoidal.png
      actviz data elu:alpha=0.5 --xlim -3 3 --samples 7

    Exit status: 0 success, 1 failure at run time, 2 a mistake in the input, 130 interrupted.
    """
    run = context.current()  # the fresh context main() made for this invocation
    run.limits = Limits(max_megapixels=max_megapixels, max_animation_mb=max_animation_mb,
                        max_memory_mb=max_memory_mb, max_minutes=max_minutes)
    run.verbosity = -1 if quiet else verbose


strict_numbers(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into one line and an exit status.

    0 success; 1 failure at run time; 2 the user's mistake; 130 interrupted. Every
    invocation runs in a fresh :class:`~actviz.context.Context`: nothing it sets
    (budgets, verbosity, definitions) is left behind in the process. Everything it writes
    is one :func:`~actviz.atomic.transaction`: committed together when it succeeds, else nothing.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    with catch_interrupts(), Context():  # SIGINT and SIGTERM raise KeyboardInterrupt, and are remembered
        _run(args, _debug_wanted(args))


def invoke(args: list[str], reporter: Reporter | None = None, *, keep=None, confine: str | None = None) -> int | None:
    """Run one command line in a fresh context without the exit-status handling of :func:`main`
    (the batch renderer catches errors itself); ``reporter`` receives the progress of long loops.

    Its outputs are one transaction of their own (``keep`` may leave a file as it was, see
    :data:`actviz.atomic.Keep`); ``confine`` keeps every file it reads or writes inside a folder.
    """
    try:
        with Context(reporter=reporter, confine=confine), transaction(separate=True, keep=keep):
            return cli.main(args=list(args), prog_name="actviz", standalone_mode=False)
    except Interrupted:
        raise KeyboardInterrupt from None


def _run(args: list[str], debug: bool) -> None:
    try:
        with transaction():
            rv = cli.main(args=args, prog_name="actviz", standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except ActvizError as exc:
        _fail(exc, debug, str(exc), exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:  # plain `actviz`: the help, as with --help
        click.echo(exc.ctx.get_help())
    except click.exceptions.Abort:
        _fail(None, debug, "interrupted", 130)
    except click.ClickException as exc:
        _fail(exc, debug, exc.format_message().replace("\n", " "), exc.exit_code)
    except (KeyboardInterrupt, Interrupted):
        _fail(None, debug, "interrupted", 130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # the reader went away (actviz list | head -1): quietly
        silence_stdout()
        sys.exit(1)
    except MemoryError:
        _fail(None, debug, "out of memory; ask for fewer samples, frames or pixels", 1)
    except OSError as exc:  # e.g. the help text into a full disk (actviz --help > /dev/full)
        if _stdout_failed() or (exc.errno in _STREAM_ERRORS and exc.filename is None):
            _fail(exc, debug, f"cannot write to standard output: {exc.strerror or exc}", 1)
        _fail(exc, debug, f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", 1)
    except Exception as exc:  # a bug, not the user's fault: still one line unless --debug
        _fail(exc, debug, f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", 1)
    if interrupted():  # a signal whose KeyboardInterrupt Python dropped
        _fail(None, debug, "interrupted", 130)
    sys.exit(0)


_STREAM_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
"""Errors of writing to a stream; the files a run writes report theirs with the path."""


def _stdout_failed() -> bool:
    """Whether stdout cannot take what is waiting in its buffer (then it is silenced for the exit)."""
    try:
        sys.stdout.flush()
    except OSError:
        silence_stdout()
        return True
    return False


def _fail(exc: BaseException | None, debug: bool, message: str, code: int) -> None:
    if interrupted():  # whatever the signal turned into on its way (C code may raise ValueError instead)
        message, code = "interrupted", 130
    if debug:
        traceback.print_exc()
    message = " ".join(line.strip() for line in message.splitlines() if line.strip())  # always one line
    click.echo(f"actviz: error: {message}", err=True)
    sys.exit(code)
