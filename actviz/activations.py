"""Activations for library users and plug-in authors: the types, and the current run's registry.

Plug-ins build :class:`Activation` entries (with :class:`Param` and
:class:`Properties`) and advertise them through the ``actviz.activations`` entry-point
group. :func:`register`, :func:`get` and :func:`catalogue` act on the registry of
the current :class:`~actviz.context.Context`: in a script or notebook that is the
session's own; a CLI run has a fresh one that disappears with it. The built-ins are
always there, whatever is registered first.
"""
from __future__ import annotations

from actviz.core.activation import FAMILIES, KINDS, Activation, BoundActivation, Param, Properties
from actviz.core.numbers import parse_number
from actviz.core.registry import current as _current
from actviz.core.spec import parse_spec, parse_specs

__all__ = ["FAMILIES", "KINDS", "Activation", "BoundActivation", "Param", "Properties", "catalogue", "get",
           "parse_number", "parse_spec", "parse_specs", "register", "unregister"]


def register(act: Activation) -> Activation:
    """Add ``act`` to the current registry; its name and aliases must be new.

    Parameters
    ----------
    act : Activation
        The entry to add.

    Returns
    -------
    Activation
        ``act`` itself.
    """
    return _current().register(act)


def unregister(name: str) -> None:
    """Remove an entry added with :func:`register` (built-ins and plug-ins stay)."""
    _current().unregister(name)


def get(name: str) -> Activation:
    """The activation called ``name`` (or with that alias); an unknown name suggests close ones.

    Parameters
    ----------
    name : str
        A name or alias, compared without case, with ``-`` and spaces read as ``_``.

    Returns
    -------
    Activation
    """
    return _current().get(name)


def catalogue() -> list[Activation]:
    """Every registered activation: built-ins, plug-ins, then this session's own, in that order."""
    return _current().all()
