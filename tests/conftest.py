"""Shared fixtures: a CLI runner that goes through actviz.cli.main (exit codes, one-line errors)."""
from __future__ import annotations

import io
import contextlib
from dataclasses import dataclass

import pytest

from actviz import cli


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Result:
    """Run ``actviz ARGS`` in-process through the real entry point, capturing output and exit status."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def actviz():
    return run_cli
