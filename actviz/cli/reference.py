"""The command reference (docs/reference.md), generated from the Click definitions (never written twice).

    python -m actviz.cli.reference                          print the reference section
    python -m actviz.cli.reference --write docs/reference.md  replace the section between the markers
    python -m actviz.cli.reference --check docs/reference.md  exit 1 if the file's section is stale

``make docs`` runs the second. The section sits between ``<!-- reference:start -->``
and ``<!-- reference:end -->``; a test compares it with this module's output.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import click

START = "<!-- reference:start -->"
END = "<!-- reference:end -->"
WIDTH = 100

INTRO = """# Command reference

Generated from the command definitions by `make docs` (`python -m actviz.cli.reference --write docs/reference.md`);
do not edit by hand. Every option can also be set in the environment as `ACTVIZ_<COMMAND>_<OPTION>`
(e.g. `ACTVIZ_PLOT_SAMPLES=2001`); the figure options have one variable for all commands
(`ACTVIZ_STYLE`, `ACTVIZ_SIZE`, `ACTVIZ_DPI`, `ACTVIZ_TRANSPARENT`, `ACTVIZ_SVG_TEXT`), shown with each.
The command line wins over the environment.
"""


def _context(cmd: click.Command, name: str, parent: click.Context | None) -> click.Context:
    settings = dict(cmd.context_settings)
    settings.update(terminal_width=WIDTH, max_content_width=WIDTH)
    return click.Context(cmd, info_name=name, parent=parent, **settings)


def commands(root: click.Command | None = None) -> Iterator[tuple[click.Context, click.Command]]:
    """Every command, depth first, each with the context its help is rendered in."""
    if root is None:
        from actviz.cli import cli as root
    stack = [(_context(root, "actviz", None), root)]
    while stack:
        ctx, cmd = stack.pop(0)
        yield ctx, cmd
        if isinstance(cmd, click.Group):
            children = []
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    children.append((_context(sub, name, ctx), sub))
            stack[:0] = children


def reference() -> str:
    """The whole reference section (markers excluded), from the live Click definitions."""
    parts = [INTRO]
    for ctx, cmd in commands():
        parts.append(f"### `{ctx.command_path}`\n\n```text\n{cmd.get_help(ctx).rstrip()}\n```\n")
    return "\n".join(parts)


def replace_section(readme: str, section: str) -> str:
    """``readme`` with the text between the markers replaced (markers appended when missing)."""
    block = f"{START}\n{section.rstrip()}\n{END}"
    if START in readme and END in readme:
        head, _, rest = readme.partition(START)
        _, _, tail = rest.partition(END)
        return head + block + tail
    return readme.rstrip() + "\n\n" + block + "\n"


def section_of(readme: str) -> str:
    """The text between the markers ('' when missing)."""
    if START not in readme or END not in readme:
        return ""
    return readme.partition(START)[2].partition(END)[0].strip("\n")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = reference()
    if len(args) == 2 and args[0] in ("--write", "--check"):
        path = Path(args[1])
        readme = path.read_text(encoding="utf-8")
        if args[0] == "--check":
            if section_of(readme) != text.rstrip():
                print(f"{path}: command reference is stale; run: make docs", file=sys.stderr)
                return 1
            return 0
        new = replace_section(readme, text)
        if new != readme:
            from actviz.atomic import write_text

            write_text(path, new)
        return 0
    if args:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
