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
from actviz.core.activation import FAMILIES, FRAMEWORKS, KINDS, Activation, Ship
from actviz.core.activation import name_key as key
from actviz.errors import UserError


class Registry:
    """Activations by name and alias; looks in its own entries, then in its parent's."""

    def __init__(self, entries: Iterable[Activation] = (), parent: "Registry | None" = None):
        self.parent = parent
        self._entries: dict[str, Activation] = {}
        self._lookup: dict[str, str] = {}
        self._defined: dict[str, Activation] = {}
        self._ships: dict[str, tuple[str, Ship]] = {}  # "keras.leaky_relu" -> (entry name, ship)
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
        qualified = {}
        for ship in act.ships:
            if ship.framework not in FRAMEWORKS:
                raise ValueError(f"{act.name}: unknown framework {ship.framework!r}")
            if ship.keyword:
                continue
            for spelling in ship.spellings:
                q = f"{ship.framework}.{key(spelling)}"  # torch.relu and torch.ReLU are one key
                if q in qualified and qualified[q][1].params == ship.params:
                    continue
                if q in qualified or self._find_ship(q) is not None:
                    raise ValueError(f"duplicate framework name {ship.framework}.{spelling!r}")
                qualified[q] = (act.name, ship)
        for k in keys:
            self._lookup[k] = act.name
        self._ships.update(qualified)
        self._entries[act.name] = act
        return act

    def unregister(self, name: str) -> None:
        """Remove an entry of this layer and its aliases (entries of a parent stay)."""
        act = self._entries.pop(name, None)
        if act is not None:
            for k in (act.name, *act.aliases):
                self._lookup.pop(key(k), None)
            self._defined.pop(key(name), None)
            for q in [q for q, (n, _) in self._ships.items() if n == name]:
                del self._ships[q]

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

    def _find_ship(self, q: str) -> tuple[Activation, Ship] | None:
        layer: Registry | None = self
        while layer is not None:
            if q in layer._ships:
                name, ship = layer._ships[q]
                return layer._entries[name], ship
            layer = layer.parent
        return None

    def _keys(self) -> dict[str, str]:
        names = dict(self.parent._keys()) if self.parent is not None else {}
        names.update(self._lookup)
        return names

    def _ship_keys(self) -> set[str]:
        return set(self.parent._ship_keys() if self.parent is not None else ()) | set(self._ships)

    def framework(self, name: str) -> list[tuple[Activation, Ship]]:
        """Every (entry, ship) of one framework, in catalogue order."""
        if name not in FRAMEWORKS:
            raise UserError(f"unknown framework {name!r}: use one of {', '.join(FRAMEWORKS)}")
        return [(a, s) for a in self.all() for s in a.ships if s.framework == name]

    def all(self) -> list[Activation]:
        """Every entry, parents first, each layer in registration order."""
        return [*(self.parent.all() if self.parent is not None else ()), *self._entries.values()]

    def get(self, name: str) -> Activation:
        """Look up an activation by name or alias, or by a framework's spelling (``jax.gelu``); an
        unknown name suggests the closest ones."""
        return self.resolve(name)[0]

    def resolve(self, name: str) -> tuple[Activation, dict[str, float]]:
        """The activation ``name`` means and its parameter values: the entry's defaults, or for a
        framework-qualified name (``keras.leaky_relu``) that framework's defaults."""
        k = key(name)
        found = self._find(k)
        if found is not None:
            return found, found.defaults()
        fw, dot, rest = k.partition(".")
        if dot and fw in FRAMEWORKS:
            shipped = self._find_ship(f"{fw}.{rest}")
            if shipped is not None:
                act, ship = shipped
                return act, {**act.defaults(), **dict(ship.params)}
            names = sorted(q.partition(".")[2] for q in self._ship_keys() if q.startswith(fw + "."))
            close = difflib.get_close_matches(rest, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'{fw}.{c}' for c in close)}?" if close else \
                f"; see 'actviz list --framework {fw}'"
            raise UserError(f"{FRAMEWORKS[fw].split(' (')[0]} has no activation {rest!r} in the catalogue{hint}")
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
