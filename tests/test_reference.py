"""The command reference (docs/reference.md) is generated from the Click definitions and cannot drift."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click

from actviz.cli import reference as docs

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"


def _section() -> str:
    return docs.section_of(REFERENCE.read_text(encoding="utf-8"))


def test_reference_section_matches_the_click_definitions():
    # a fresh process: Click caches each command's help option the first time it is built, so a test
    # that invoked a command on its own (without the group's -h) would change the text in this one
    done = subprocess.run([sys.executable, "-m", "actviz.cli.reference"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _section() == done.stdout.rstrip(), "docs/reference.md is stale: run `make docs`"


def test_every_command_and_option_appears_in_the_reference():
    section = _section()
    seen = 0
    for ctx, cmd in docs.commands():
        seen += 1
        assert f"### `{ctx.command_path}`" in section
        for param in cmd.get_params(ctx):
            if isinstance(param, click.Option) and not param.hidden:
                for flag in param.opts + param.secondary_opts:
                    assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", section), (ctx.command_path, flag)
            elif isinstance(param, click.Argument):
                assert param.make_metavar(ctx) in section, (ctx.command_path, param.name)
    assert seen >= 4  # actviz itself, list, plot, data at least


def test_every_command_has_help_with_an_example():
    for ctx, cmd in docs.commands():
        text = cmd.get_help(ctx)
        assert cmd.help and len(cmd.help.strip()) > 20, ctx.command_path
        assert re.search(r"Examples?:\s*\n\s+actviz ", text), f"{ctx.command_path} --help shows no example"


def test_check_mode_flags_a_stale_readme(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{docs.START}\nOUTDATED\n{docs.END}\n\nafter\n", encoding="utf-8")
    assert docs.main(["--check", str(stale)]) == 1
    assert docs.main(["--write", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("# x\n") and text.endswith("\n\nafter\n") and "OUTDATED" not in text
    assert docs.main(["--check", str(stale)]) == 0
