"""The project's own error types: a one-line message and the exit status the CLI uses."""
from __future__ import annotations


class ActvizError(Exception):
    """Base class for errors actviz reports to the user in one line."""

    exit_code = 1


class UserError(ActvizError):
    """A user's mistake: bad option, value, spec, expression or file (exit status 2)."""

    exit_code = 2


class RunFailure(ActvizError):
    """A failure at run time: divergence, a file that cannot be written, a missing extra (exit 1)."""

    exit_code = 1
