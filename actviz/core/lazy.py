"""numpy on first use, for the modules ``actviz list`` reads.

The catalogue defines its functions when actviz starts, but listing them needs only their
names, formulas and properties: with ``np`` a :class:`LazyModule`, numpy (about 0.1 s of
start-up, more on a busy machine) loads when a function is first evaluated, not before.
After the first use of a name it is an ordinary attribute of the handle: no cost per call.
"""
from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module ``name`` and imports it when one of its attributes is first read."""

    def __init__(self, name: str):
        self.__dict__["_name"] = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self.__dict__["_name"]), attr)
        self.__dict__[attr] = value  # found directly from now on
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_name']!r}>"


numpy = LazyModule("numpy")
"""Use as ``from actviz.core.lazy import numpy as np``; only where start-up matters."""
