"""The command-line shell: one module per command, each parsing its options and calling the API."""
from actviz.cli.main import COMMANDS, cli, invoke, main

__all__ = ["COMMANDS", "cli", "invoke", "main"]
