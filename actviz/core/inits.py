"""Weight initialisations by name: Xavier/Glorot, He/Kaiming, LeCun, orthogonal, a gain.

A scheme is written ``NAME`` or ``NAME:G`` with G a gain that replaces the scheme's
own (as PyTorch's ``gain`` argument does). Weights are ``fan_in x fan_out`` (the
layout of :mod:`actviz.core.net`), drawn from the caller's ``numpy.random.Generator``.

========================  =====================================  ==============
scheme                    weights                                default gain g
========================  =====================================  ==============
``xavier-uniform``        U(-a, a), a = g sqrt(6 / (in + out))   1
``xavier-normal``         N(0, 2 g^2 / (in + out))                1
``he-fan-in``             N(0, g^2 / in)                         sqrt(2)
``he-fan-out``            N(0, g^2 / out)                        sqrt(2)
``lecun``                 N(0, g^2 / in)                         1
``orthogonal``            g Q, Q with orthonormal rows/columns   computed gain
``gain``                  N(0, g^2 / in)                         computed gain
========================  =====================================  ==============

"computed gain" is :func:`actviz.core.gain.gain` of the layer's activation at the
stated input variance (1 unless given): the sigma_w that keeps the forward variance fixed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from actviz.core.activation import BoundActivation, format_value
from actviz.errors import UserError

SCHEMES: tuple[str, ...] = ("xavier-uniform", "xavier-normal", "he-fan-in", "he-fan-out", "lecun", "orthogonal",
                            "gain")
"""Canonical names, in a fixed order (a scheme's index seeds its weights in a deep stack)."""

ALIASES = {"xavier": "xavier-uniform", "glorot": "xavier-uniform", "glorot-uniform": "xavier-uniform",
           "glorot-normal": "xavier-normal", "he": "he-fan-in", "kaiming": "he-fan-in",
           "kaiming-fan-in": "he-fan-in", "kaiming-fan-out": "he-fan-out"}
"""Other spellings; ``he`` and ``xavier`` are the names ``actviz train`` uses, with the same weights."""

GAIN2 = {"xavier-uniform": 1.0, "xavier-normal": 1.0, "he-fan-in": 2.0, "he-fan-out": 2.0, "lecun": 1.0}
"""The square of each fixed default gain (None-valued schemes compute theirs)."""

TITLES = {"xavier-uniform": "Xavier uniform", "xavier-normal": "Xavier normal", "he-fan-in": "He fan-in",
          "he-fan-out": "He fan-out", "lecun": "LeCun", "orthogonal": "orthogonal", "gain": "gain"}


@dataclass(frozen=True)
class Init:
    """A scheme and an optional gain that replaces its default."""

    scheme: str
    gain: float | None = None

    @property
    def spec(self) -> str:
        return self.scheme if self.gain is None else f"{self.scheme}:{format_value(self.gain)}"

    def gain2(self, act: BoundActivation, q: float = 1.0) -> float:
        """The square of the gain used for hidden layers of ``act``."""
        if self.gain is not None:
            return self.gain * self.gain
        if self.scheme in GAIN2:
            return GAIN2[self.scheme]
        from actviz.core.gain import gain

        g = gain(act, q)
        if g is None:
            raise UserError(f"cannot compute a gain for {act.spec} (it is not finite for Gaussian inputs); "
                            f"give one, e.g. {self.scheme}:1.5")
        return g * g

    def title(self) -> str:
        """Column title, e.g. ``He fan-in``, ``gain`` (computed) or ``orthogonal, g = 1.5``."""
        if self.scheme == "gain":
            return "computed gain" if self.gain is None else f"gain {format_value(self.gain)}"
        base = TITLES[self.scheme]
        return base if self.gain is None else f"{base}, g = {format_value(self.gain)}"


def parse_init(text: str) -> Init:
    """``he``, ``xavier-normal``, ``gain:1.5`` -> :class:`Init`; a user error names the choices."""
    from actviz.core.numbers import parse_number

    name, sep, value = str(text).strip().partition(":")
    key = name.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in SCHEMES:
        raise UserError(f"unknown initialisation {name.strip()!r}; choose from {', '.join(SCHEMES)} "
                        f"(or he, xavier), optionally with a gain as in gain:1.5")
    if not sep:
        return Init(key)
    g = parse_number(value, f"the gain of {key}")
    if not g > 0:
        raise UserError(f"the gain of {key} must be positive, got {value.strip()}")
    return Init(key, g)


def parse_inits(text: str) -> list[Init]:
    """A comma list of schemes; at least one."""
    items = [t for t in str(text).split(",")]
    if not any(t.strip() for t in items):
        raise UserError("no initialisation given; name at least one, e.g. he,xavier")
    if not all(t.strip() for t in items):
        raise UserError(f"empty initialisation in {text!r}; separate names with single commas, e.g. he,xavier")
    return [parse_init(t) for t in items]


def draw(init: Init, gain2: float, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """A ``fan_in x fan_out`` weight matrix of ``init`` with squared gain ``gain2``."""
    scheme, shape = init.scheme, (fan_in, fan_out)
    if scheme == "xavier-uniform":
        limit = math.sqrt(gain2 * 6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    if scheme == "xavier-normal":
        return rng.normal(0.0, math.sqrt(gain2 * 2.0 / (fan_in + fan_out)), size=shape)
    if scheme == "he-fan-out":
        return rng.normal(0.0, math.sqrt(gain2 / fan_out), size=shape)
    if scheme == "orthogonal":
        a = rng.standard_normal((max(shape), min(shape)))
        q, r = np.linalg.qr(a)
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)
        return math.sqrt(gain2) * (q if fan_in >= fan_out else q.T)
    return rng.normal(0.0, math.sqrt(gain2 / fan_in), size=shape)  # he-fan-in, lecun, gain


def entry_variance(init: Init, gain2: float, fan_in: int, fan_out: int) -> float:
    """The mean square of the entries :func:`draw` gives (what the mean-field recursion needs)."""
    if init.scheme in ("xavier-uniform", "xavier-normal"):
        return gain2 * 2.0 / (fan_in + fan_out)
    if init.scheme == "he-fan-out":
        return gain2 / fan_out
    if init.scheme == "orthogonal":
        return gain2 * min(fan_in, fan_out) / (fan_in * fan_out)
    return gain2 / fan_in
