"""The activation types: a function with its analytic derivative, parameters and properties.

An :class:`Activation` keeps f and f' together (as TensorFlow Playground does), with
its formula, parameters and properties; a :class:`BoundActivation` is one with its
parameters fixed, what every command works with. The built-in entries are data in
:mod:`actviz.core.catalogue`; :mod:`actviz.core.registry` looks them up and
:mod:`actviz.core.spec` parses ``elu:alpha=0.5``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:  # numpy is imported lazily so that `actviz --help` stays fast
    import numpy as np

from actviz.errors import UserError

FAMILIES: tuple[str, ...] = ("sigmoidal", "relu", "smooth-relu", "shrink", "other")
"""Families: S-shaped; ReLU-like (piecewise linear); smooth ReLU-like; shrink; periodic and other."""

KINDS: tuple[str, ...] = ("elementwise", "vector", "widening", "pooling")
"""How a function acts on a layer's vector. Only ``elementwise`` works unit by unit;
``vector`` (softmax) couples all units, ``widening`` (CReLU) doubles them and
``pooling`` (maxout) takes the max over groups of units. Their curves are 1-D sections,
described in each entry's ``note``."""

ArrayFn = Callable[..., Any]

DRAWING_KEYS: tuple[str, ...] = ("label", "color", "linestyle")
"""Settings after a ``;`` in a curve spec that say how it is drawn (``relu; label=ReLU``); never
the name of an expression's parameter, which also follows a ``;``."""


@dataclass(frozen=True)
class Param:
    """A named numeric parameter with its default and valid interval."""

    name: str
    default: float
    low: float = -math.inf
    high: float = math.inf
    low_inclusive: bool = True
    high_inclusive: bool = True
    doc: str = ""

    def check(self, value: float, owner: str) -> float:
        """Return ``value`` if it lies in the valid interval, else raise :class:`UserError`."""
        ok_low = value >= self.low if self.low_inclusive else value > self.low
        ok_high = value <= self.high if self.high_inclusive else value < self.high
        if not (math.isfinite(value) and ok_low and ok_high):
            raise UserError(f"parameter {self.name}={value:g} of {owner} is out of range: needs {self.interval()}")
        return value

    def interval(self) -> str:
        """The valid interval in words, e.g. ``0 < alpha``."""
        parts = []
        if self.low > -math.inf:
            parts.append(f"{self.low:g} {'<=' if self.low_inclusive else '<'} ")
        parts.append(self.name)
        if self.high < math.inf:
            parts.append(f" {'<=' if self.high_inclusive else '<'} {self.high:g}")
        return "".join(parts) if len(parts) > 1 else f"{self.name} finite"


@dataclass(frozen=True)
class Properties:
    """Properties at the default parameters; the test suite checks each against f and f'."""

    range: tuple[float, float]
    monotonic: bool
    zero_centred: bool
    smooth: bool
    bounded: bool
    max_slope: float

    def as_dict(self) -> dict:
        return {
            "range": [_json_number(v) for v in self.range],
            "monotonic": self.monotonic,
            "zero_centred": self.zero_centred,
            "smooth": self.smooth,
            "bounded": self.bounded,
            "max_slope": _json_number(self.max_slope),
        }


def name_key(name: str) -> str:
    """The form activation names are compared in: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def format_value(v: float) -> str:
    """Short text for a parameter value that still reads back as exactly the same float."""
    short = f"{v:g}"
    return short if float(short) == v else repr(float(v))


def _json_number(v: float) -> float | None:
    """JSON has no infinity: a non-finite number is null, as in every JSON actviz writes
    (an unbounded end of a range, an unbounded slope)."""
    return v if math.isfinite(v) else None


class Parametrised:
    """What every catalogue entry with named parameters shares (activations, losses, optimisers):
    it needs ``name`` and ``params`` (a tuple of :class:`Param`)."""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UserError(f"{self.name} has no parameter {name!r} (parameters: {known})")

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class Activation(Parametrised):
    """One activation function: f, its analytic derivative, formula, parameters, properties."""

    name: str
    title: str
    family: str
    f: ArrayFn
    df: ArrayFn
    latex: str
    props: Properties
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    kind: str = "elementwise"
    kinks: tuple[float, ...] = ()
    source: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        """Plain data for ``actviz list --json``."""
        return {
            "name": self.name,
            "title": self.title,
            "aliases": list(self.aliases),
            "family": self.family,
            "kind": self.kind,
            "formula": self.latex,
            "parameters": {p.name: p.default for p in self.params},
            "properties": self.props.as_dict(),
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class Bound:
    """A catalogue entry (activation, loss, optimiser) with its parameters fixed: its spec and label."""

    act: Any
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.act.name

    @property
    def changed(self) -> dict[str, float]:
        """Parameters that differ from their defaults."""
        return {k: v for k, v in self.params.items() if v != self.act.param(k).default}

    @property
    def spec(self) -> str:
        """Canonical spec text that parses back to this entry."""
        changed = self.changed
        if not changed:
            return self.act.name
        return self.act.name + ":" + ",".join(f"{k}={format_value(v)}" for k, v in changed.items())

    @property
    def label(self) -> str:
        """Legend label: the title, with parameters that differ from the defaults."""
        changed = self.changed
        if not changed:
            return self.act.title
        return self.act.title + " (" + ", ".join(f"{k}={format_value(v)}" for k, v in changed.items()) + ")"


@dataclass(frozen=True)
class BoundActivation(Bound):
    """An activation with its parameters fixed: what every command works with."""

    act: Activation

    def f(self, x: "np.ndarray") -> "np.ndarray":
        """f(x) elementwise, for any array-like of floats."""
        import numpy as np

        return self.act.f(np.asarray(x, dtype=float), **self.params)

    def df(self, x: "np.ndarray") -> "np.ndarray":
        """The analytic derivative f'(x)."""
        import numpy as np

        return self.act.df(np.asarray(x, dtype=float), **self.params)

    @property
    def latex(self) -> str:
        return self.act.latex

    def require_kind(self, allowed: Iterable[str], command: str) -> "BoundActivation":
        """Refuse activations a command cannot use, in one clear line."""
        if self.act.kind not in allowed:
            raise UserError(
                f"{command} cannot use {self.act.name}: it is a {self.act.kind} function, "
                f"not element-wise ({self.act.note or 'see actviz list'})"
            )
        return self
