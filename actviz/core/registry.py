"""The activation registry: built-ins, then plug-ins, then definitions, in that order.

A :class:`Registry` is a layer of entries over a parent layer. The base layer (the
catalogue and the installed plug-ins) is built once per process and never changes;
every invocation gets its own layer on top for the activations it defines or
registers, kept in its :class:`~actviz.context.Context`, so a definition never
outlives the run that made it.
"""
from __future__ import annotations

import difflib
import functools
from typing import Iterable

from actviz import context
from actviz.core.activation import FAMILIES, KINDS, Activation
from actviz.core.activation import name_key as key
from actviz.errors import UserError


class Registry:
    """Activations by name and alias; looks in its own entries, then in its parent's."""

    def __init__(self, entries: Iterable[Activation] = (), parent: "Registry | None" = None):
        self.parent = parent
        self._entries: dict[str, Activation] = {}
        self._lookup: dict[str, str] = {}
        self._defined: dict[str, Activation] = {}
        for act in entries:
            self.register(act)

    # ---- adding and removing
    def register(self, act: Activation) -> Activation:
        """Add an entry; names and aliases must be unique across this layer and its parents."""
        if not isinstance(act, Activation):
            raise TypeError(f"{act!r} is not an actviz Activation")
        if act.family not in FAMILIES:
            raise ValueError(f"{act.name}: unknown family {act.family!r}")
        if act.kind not in KINDS:
            raise ValueError(f"{act.name}: unknown kind {act.kind!r}")
        keys = [key(k) for k in (act.name, *act.aliases)]
        for k, shown in zip(keys, (act.name, *act.aliases)):
            if self._find(k) is not None:
                raise ValueError(f"duplicate activation name {shown!r}")
        for k in keys:
            self._lookup[k] = act.name
        self._entries[act.name] = act
        return act

    def unregister(self, name: str) -> None:
        """Remove an entry of this layer and its aliases (entries of a parent stay)."""
        act = self._entries.pop(name, None)
        if act is not None:
            for k in (act.name, *act.aliases):
                self._lookup.pop(key(k), None)
            self._defined.pop(key(name), None)

    def define(self, text: str) -> Activation:
        """Add ``name=EXPR[; p=v; ...]`` as a named expression activation (see :mod:`actviz.core.expr`).

        Defining a name again in the same layer replaces it; a built-in or plug-in name is refused.
        """
        from actviz.core.expr.compile import definition

        act = definition(text)
        k = key(act.name)
        previous = self._defined.get(k)
        if previous is None:
            taken = self._find(k)
            if taken is not None:
                raise UserError(f"cannot define {act.name!r}: the name is taken by the activation "
                                f"{taken.name!r}; choose another")
        else:
            self.unregister(previous.name)
        self.register(act)
        self._defined[k] = act
        return act

    def undefine(self, name: str) -> None:
        """Remove an activation made by :meth:`define` (no effect on built-ins or unknown names)."""
        act = self._defined.get(key(name))
        if act is not None:
            self.unregister(act.name)

    def defined(self) -> list[Activation]:
        """The activations defined in this layer, in definition order."""
        return list(self._defined.values())

    def child(self) -> "Registry":
        """A new empty layer over this one (definitions there stay there)."""
        return Registry(parent=self)

    # ---- looking up
    def _find(self, k: str) -> Activation | None:
        layer: Registry | None = self
        while layer is not None:
            if k in layer._lookup:
                return layer._entries[layer._lookup[k]]
            layer = layer.parent
        return None

    def _keys(self) -> dict[str, str]:
        names = dict(self.parent._keys()) if self.parent is not None else {}
        names.update(self._lookup)
        return names

    def all(self) -> list[Activation]:
        """Every entry, parents first, each layer in registration order."""
        return [*(self.parent.all() if self.parent is not None else ()), *self._entries.values()]

    def get(self, name: str) -> Activation:
        """Look up an activation by name or alias; an unknown name suggests the closest ones."""
        k = key(name)
        found = self._find(k)
        if found is not None:
            return found
        lookup = self._keys()
        close = difflib.get_close_matches(k, list(lookup), n=3, cutoff=0.5)
        names = list(dict.fromkeys(lookup[c] for c in close))
        hint = f"; did you mean {', '.join(names)}?" if names else "; see 'actviz list'"
        raise UserError(f"unknown activation {name.strip()!r}{hint}")

    def __contains__(self, name: str) -> bool:
        return self._find(key(name)) is not None


@functools.lru_cache(maxsize=1)
def base() -> Registry:
    """The built-ins and, in a layer above them, the installed plug-ins (made once per process)."""
    from actviz.core import catalogue, plugins

    builtins = Registry(catalogue.BUILTINS)
    installed = Registry(parent=builtins)
    for name, items in plugins.load_entry_points():
        trial = installed.child()
        try:
            for act in items:
                trial.register(act)
        except (TypeError, ValueError) as exc:  # a clash of names: skip the whole plugin
            plugins.warn(name, exc)
            continue
        for act in items:
            installed.register(act)
    return installed


def standard() -> Registry:
    """A fresh layer for one run's own definitions, over the built-ins and plug-ins."""
    return base().child()


def current() -> Registry:
    """The registry of the current run (made on first use)."""
    ctx = context.current()
    if ctx.registry is None:
        ctx.registry = standard()
    return ctx.registry
