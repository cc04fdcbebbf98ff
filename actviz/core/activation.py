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

FAMILIES: tuple[str, ...] = ("sigmoidal", "relu", "smooth-relu", "shrink", "other", "gated")
"""Families: S-shaped; ReLU-like (piecewise linear); smooth ReLU-like; shrink; periodic and other;
gated (two inputs, f(a, b) = value a times a gate of b, as in transformer MLPs)."""

KINDS: tuple[str, ...] = ("elementwise", "vector", "widening", "pooling", "gated")
"""How a function acts on a layer's vector. Only ``elementwise`` works unit by unit;
``vector`` (softmax) couples all units, ``widening`` (CReLU) doubles them and
``pooling`` (maxout) takes the max over groups of units. Their curves are 1-D sections,
described in each entry's ``note``. ``gated`` functions take two inputs, f(a, b) (the
two halves of a layer, as torch.nn.functional.glu splits them): they have no curve, only a
surface (``actviz surface``), and every one-input command refuses them."""

FRAMEWORKS: dict[str, str] = {
    "torch": "PyTorch (torch.nn, torch.nn.functional)",
    "keras": "Keras 3 (keras.activations, keras.ops)",
    "jax": "JAX (jax.nn)",
    "flax": "Flax (flax.linen, which re-exports jax.nn)",
    "hf": "Hugging Face transformers (ACT2FN)",
}
"""Frameworks whose activation names actviz knows; ``jax.gelu`` names JAX's own variant."""

CONTINUITY_NAMES = {-1: "C-1", 0: "C0", 1: "C1", 2: "C2"}
"""Order of continuity as printed: -1 means f itself jumps; math.inf is printed C-inf."""


def continuity_text(order: float | None) -> str:
    """``C0``, ``C1``, ``C2``, ``C-inf`` (f is infinitely differentiable), ``C-1`` (f jumps), or ``-``."""
    if order is None:
        return "-"
    return "C-inf" if order == math.inf else CONTINUITY_NAMES.get(int(order), f"C{int(order)}")

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
    """Properties at the default parameters; the test suite checks each against f and f'.

    The last three are those of the usual reference table (Wikipedia's): ``continuity`` is the
    order of continuity (-1: f jumps, 0: f continuous but f' jumps, 1, 2, or math.inf for
    C-infinity); ``derivative_monotonic`` says f' never turns back where it is defined;
    ``identity_near_origin`` says f(0) = 0 and f'(0) = 1 with f' continuous there, so
    f(x) ~ x near 0. None means not stated (plug-ins, and the two last for gated functions).
    For a gated function f(a, b), ``max_slope`` is the sup of the gradient's length.
    """

    range: tuple[float, float]
    monotonic: bool
    zero_centred: bool
    smooth: bool
    bounded: bool
    max_slope: float
    continuity: float | None = None
    derivative_monotonic: bool | None = None
    identity_near_origin: bool | None = None

    def as_dict(self) -> dict:
        return {
            "range": [_json_number(v) for v in self.range],
            "monotonic": self.monotonic,
            "zero_centred": self.zero_centred,
            "smooth": self.smooth,
            "bounded": self.bounded,
            "max_slope": _json_number(self.max_slope),
            "continuity": None if self.continuity is None else continuity_text(self.continuity),
            "derivative_monotonic": self.derivative_monotonic,
            "identity_near_origin": self.identity_near_origin,
        }


@dataclass(frozen=True)
class Ship:
    """How one framework ships an entry: its spelling(s) and the defaults where they differ.

    ``params`` are the framework's own defaults for the entry's parameters (only those that
    differ from the entry's); ``qualified`` (``keras.leaky_relu``) is a spec that binds them.
    """

    framework: str
    name: str
    params: tuple[tuple[str, float], ...] = ()
    also: tuple[str, ...] = ()
    keyword: str = ""
    """A keyword argument the framework's call needs to mean this entry (``approximate=False``); such a
    spelling is listed but not resolved, since without the keyword it names another entry."""
    api: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.also)

    @property
    def qualified(self) -> str:
        """The spec that names this entry with this framework's defaults (``keras.leaky_relu``)."""
        return f"{self.framework}.{self.name}"

    @property
    def call(self) -> str:
        """The framework's call as text, e.g. ``gelu(approximate=False)`` or ``leaky_relu``."""
        return f"{self.name}({self.keyword})" if self.keyword else self.name

    def as_dict(self) -> dict:
        return {"name": self.name, "also": list(self.also), "keyword": self.keyword or None,
                "parameters": dict(self.params), "spec": None if self.keyword else self.qualified}


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
    cite: tuple[str, ...] = ()
    ships: tuple[Ship, ...] = ()
    df_b: ArrayFn | None = None
    """For a gated entry: f(a, b), df = the partial derivative in a, df_b the one in b."""

    @property
    def gated(self) -> bool:
        return self.kind == "gated"

    def as_dict(self) -> dict:
        """Plain data for ``actviz list --json`` (citations are added by the listing, which has the bibliography)."""
        ships: dict[str, list] = {}
        for s in self.ships:
            ships.setdefault(s.framework, []).append(s.as_dict())
        return {
            "name": self.name,
            "title": self.title,
            "aliases": list(self.aliases),
            "family": self.family,
            "kind": self.kind,
            "inputs": 2 if self.gated else 1,
            "formula": self.latex,
            "parameters": {p.name: p.default for p in self.params},
            "properties": self.props.as_dict(),
            "frameworks": ships,
            "cite": list(self.cite),
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
        return self.label_showing(self.changed)

    def label_showing(self, names) -> str:
        """The title, with the values of the parameters ``names`` (in that order), if any."""
        names = list(names)
        if not names:
            return self.act.title
        return self.act.title + " (" + ", ".join(f"{k}={format_value(self.params[k])}" for k in names) + ")"


@dataclass(frozen=True)
class BoundActivation(Bound):
    """An activation with its parameters fixed: what every command works with."""

    act: Activation

    def f(self, x: "np.ndarray") -> "np.ndarray":
        """f(x) elementwise, for any array-like of floats."""
        import numpy as np

        self._one_input("evaluate")
        return self.act.f(np.asarray(x, dtype=float), **self.params)

    def df(self, x: "np.ndarray") -> "np.ndarray":
        """The analytic derivative f'(x)."""
        import numpy as np

        self._one_input("differentiate")
        return self.act.df(np.asarray(x, dtype=float), **self.params)

    def f2(self, a: "np.ndarray", b: "np.ndarray") -> "np.ndarray":
        """f(a, b) of a gated function, broadcasting a against b."""
        import numpy as np

        self._two_inputs()
        a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        return self.act.f(a, b, **self.params)

    def grad(self, a: "np.ndarray", b: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
        """The exact partial derivatives (df/da, df/db) of a gated function."""
        import numpy as np

        self._two_inputs()
        a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        return self.act.df(a, b, **self.params), self.act.df_b(a, b, **self.params)

    def _one_input(self, what: str) -> None:
        if self.act.gated:
            raise UserError(gated_refusal(self.act.name, what))

    def _two_inputs(self) -> None:
        if not self.act.gated:
            raise UserError(f"{self.act.name} is a function of one input, not a gated f(a, b); "
                            f"draw it with actviz plot")

    @property
    def latex(self) -> str:
        return self.act.latex

    def require_kind(self, allowed: Iterable[str], command: str) -> "BoundActivation":
        """Refuse activations a command cannot use, in one clear line."""
        if self.act.gated and "gated" not in allowed:
            raise UserError(gated_refusal(self.act.name, command))
        if self.act.kind not in allowed:
            raise UserError(
                f"{command} cannot use {self.act.name}: it is a {self.act.kind} function, "
                f"not element-wise ({self.act.note or 'see actviz list'})"
            )
        return self


def gated_refusal(name: str, command: str) -> str:
    """The one line every one-input command gives for a gated (two-input) function."""
    return (f"{command} cannot use {name}: it is a gated function of two inputs f(a, b), not of one; "
            f"draw it with 'actviz surface {name}' (numbers: 'actviz data {name}')")
