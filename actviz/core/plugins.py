"""Third-party activations through the ``actviz.activations`` entry-point group.

An entry point may name an :class:`~actviz.core.activation.Activation`, an iterable
of them, or a callable returning either. A plugin that fails to load is reported in
one line on stderr and skipped, so one broken package cannot break actviz; the
registry skips, the same way, a plugin whose names clash with others.
"""
from __future__ import annotations

import sys
from importlib.metadata import entry_points

from actviz.core.activation import Activation

GROUP = "actviz.activations"


def warn(name: str, reason: object) -> None:
    """One line on stderr for a plugin that is skipped."""
    print(f"actviz: warning: plugin {name!r} skipped: {reason}", file=sys.stderr)


def load_entry_points() -> list[tuple[str, list[Activation]]]:
    """(entry-point name, its activations) for every installed plugin that loads, sorted by name."""
    loaded = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, Activation):
                obj = obj()
            items = [obj] if isinstance(obj, Activation) else list(obj)
            for act in items:
                if not isinstance(act, Activation):
                    raise TypeError(f"{act!r} is not an actviz Activation")
        except Exception as exc:  # a broken plugin must not break the tool
            warn(ep.name, exc)
            continue
        loaded.append((ep.name, items))
    return loaded
