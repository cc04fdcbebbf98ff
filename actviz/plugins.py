"""Third-party activations through the ``actviz.activations`` entry-point group.

An entry point may name an :class:`~actviz.activations.Activation`, an iterable of
them, or a callable returning either. A plugin that fails to load is reported
in one line on stderr and skipped, so one broken package cannot break actviz.
"""
from __future__ import annotations

import sys
from importlib.metadata import entry_points

GROUP = "actviz.activations"


def load_entry_points() -> None:
    """Register every activation that installed packages advertise."""
    from actviz.activations import Activation, register

    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, Activation):
                obj = obj()
            items = [obj] if isinstance(obj, Activation) else list(obj)
            for act in items:
                if not isinstance(act, Activation):
                    raise TypeError(f"{act!r} is not an actviz Activation")
                register(act)
        except Exception as exc:  # a broken plugin must not break the tool
            print(f"actviz: warning: plugin {ep.name!r} skipped: {exc}", file=sys.stderr)
