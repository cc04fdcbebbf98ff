"""Shared fixtures: a CLI runner that goes through actviz.cli.main (exit codes, one-line errors)."""
from __future__ import annotations

import io
import contextlib
from dataclasses import dataclass

import os

import pytest
from hypothesis import settings as hypothesis_settings

from actviz import cli
from actviz.context import Context

# Property tests: the same examples on every run (no flaky CI), no deadline (a loaded machine is
# not a failure), bounded example counts, no .hypothesis database. HYPOTHESIS_PROFILE=explore
# searches with fresh random examples and ten times as many of them.
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None, max_examples=50,
                                     print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None, database=None, max_examples=500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def fresh_context():
    """Every test runs in its own context: budgets, verbosity, reporter and definitions start
    fresh and are gone afterwards, so no test sees what another one set (in any order)."""
    with Context() as ctx:
        yield ctx


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
