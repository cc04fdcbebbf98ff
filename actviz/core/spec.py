"""The one parser of activation specs and of the number lists options take.

An activation spec is text: ``relu``, ``elu:alpha=0.5``, ``expr:x*tanh(x)``,
``expr:x*sigmoid(b*x); b=2``; a model is a spec with layer sizes, ``relu@8,8``; a curve
is a spec with how to draw it in settings after semicolons, ``relu; label=ReLU (ours);
color=k; linestyle=--``. After a ``;`` only an expression's parameters and the drawing
settings ``label``, ``color``, ``linestyle`` (never a parameter's name) can come, so the
two never mix. Numbers are read strictly (ASCII digits
only), so ``²`` or a full-width digit is refused here rather than failing later.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from actviz.core.activation import DRAWING_KEYS, Activation, BoundActivation
from actviz.core.activation import name_key as key
from actviz.core.numbers import parse_number, parse_whole
from actviz.core.registry import Registry, current
from actviz.errors import UserError

def parse_spec(spec: str, registry: Registry | None = None) -> BoundActivation:
    """Parse ``name`` or ``name:key=value,key=value`` (or ``expr:...``) into a bound activation."""
    if not isinstance(spec, str) or not spec.strip():
        raise UserError("empty activation spec; give a name such as relu or elu:alpha=0.5")
    text = spec.strip()
    head, sep, rest = text.partition(":")
    if key(head) != "expr" and ";" in text:
        raise UserError(f"bad activation spec {text!r}: settings after ';' (label=, color=, linestyle=) say how "
                        f"a curve of actviz plot is drawn; give only the activation here")
    if key(head) == "expr":
        from actviz.core.expr.compile import parse_expression_spec

        return parse_expression_spec(rest)
    act, values = (registry or current()).resolve(head)
    return BoundActivation(act, parse_values(act, text, "activation", values))


def parse_values(entry, text: str, what: str, base: dict[str, float] | None = None) -> dict[str, float]:
    """The parameters of ``text`` (``name:key=value,...``) for a catalogue ``entry`` (an activation,
    loss or optimiser: anything with ``name``, ``param()`` and ``defaults()``), checked against their
    ranges, over ``base`` (default: the entry's defaults; a framework's name brings its own).
    ``what`` names the kind of spec in messages."""
    _, sep, rest = text.strip().partition(":")
    values = dict(entry.defaults() if base is None else base)
    if sep and not rest.strip():
        raise UserError(f"{what} spec {text.strip()!r} has ':' but no parameters; write e.g. "
                        f"{entry.name}:{_example(entry)}")
    if rest.strip():
        for item in rest.split(","):
            name, eq, value = item.partition("=")
            name = name.strip()
            if not eq or not name:
                raise UserError(f"bad parameter {item.strip()!r} in {text.strip()!r}; write key=value, "
                                f"e.g. {entry.name}:{_example(entry)}")
            p = entry.param(name)
            values[p.name] = p.check(parse_number(value, f"parameter {name} of {entry.name}"), entry.name)
    return values


def _example(act: Activation) -> str:
    if act.params:
        p = act.params[0]
        return f"{p.name}={p.default:g}"
    return "(no parameters)"


@dataclass(frozen=True)
class CurveStyle:
    """How one curve is drawn, where it differs from the style's choice: its legend label, its
    colour and its line style (validated where they are drawn)."""

    label: str | None = None
    color: str | None = None
    linestyle: str | None = None

    def merged(self, other: "CurveStyle") -> "CurveStyle":
        """This style with the settings ``other`` gives taking their place."""
        return CurveStyle(*(b if b is not None else a for a, b in zip(
            (self.label, self.color, self.linestyle), (other.label, other.color, other.linestyle))))


CURVE_KEYS = DRAWING_KEYS
"""What a curve spec may set after ``;``."""


def parse_curve(text: "str | BoundActivation", registry: Registry | None = None) -> tuple[BoundActivation, CurveStyle]:
    """``ACT[; key=value...]`` -> (activation, how to draw it): ``relu; label=ReLU; color=C3; linestyle=--``.

    Settings follow the activation spec after semicolons: ``label``, ``color`` and ``linestyle``
    say how the curve is drawn, any other ``name=value`` is an ``expr:`` spec's own parameter
    (``expr:x*sigmoid(b*x); b=2; label=Swish-2``). A label may hold any text but ``;``
    (``$...$`` for a formula).
    """
    if isinstance(text, BoundActivation):
        return text, CurveStyle()
    spec, *items = str(text).split(";")
    values: dict[str, str] = {}
    rest: list[str] = []
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip().lower()
        if name not in CURVE_KEYS or not eq:
            rest.append(item)
            continue
        if name in values:
            raise UserError(f"{name} is given twice in {text!r}")
        if not value.strip():
            raise UserError(f"empty {name} in {text!r}")
        values[name] = value.strip()
    is_expr = key(spec.partition(":")[0]) == "expr"
    leftover = [r for r in rest if r.strip()]
    if leftover and not is_expr:
        raise UserError(f"bad setting {leftover[0].strip()!r} in {text!r}: after ';' use label=TEXT, "
                        f"color=COLOUR or linestyle=STYLE, e.g. relu; label=ReLU; color=C3")
    act = parse_spec(";".join([spec, *rest]) if is_expr else spec, registry)
    return act, CurveStyle(**values)


def parse_specs(specs: Iterable[str], registry: Registry | None = None) -> list[BoundActivation]:
    """Parse several specs; an empty list is a user error."""
    bound = [parse_spec(s, registry) for s in specs]
    if not bound:
        raise UserError("no activation given; name at least one, e.g. relu")
    return bound


def as_bound(spec: "str | BoundActivation", registry: Registry | None = None) -> BoundActivation:
    """A spec parsed, or an activation already bound, as it is."""
    return spec if isinstance(spec, BoundActivation) else parse_spec(spec, registry)


def parse_points(text: str, what: str = "--x") -> list[float]:
    """``-3,-1,0,2.5`` -> floats; a user error names the bad item."""
    items = text.split(",")
    if not any(t.strip() for t in items):
        raise UserError(f"{what} needs at least one number, e.g. {what} -3,-1,0,2.5")
    return [parse_number(t, f"{what} value") for t in items]


def parse_sizes(text: str, what: str, example: str, low: int | None = None, high: int | None = None) -> tuple[int, ...]:
    """``4`` or ``8,8`` -> whole numbers (in [low, high] when given); a user error names the bad item."""
    items = [t.strip() for t in str(text).split(",")]
    if not any(items):
        raise UserError(f"{what} needs at least one whole number, e.g. {example}")
    sizes = []
    for t in items:
        value = parse_whole(t)
        if value is None:
            raise UserError(f"bad {what} {t!r} in {text!r}: use whole numbers like {example}")
        if low is not None and high is not None and not low <= value <= high:
            raise UserError(f"{what} must be between {low} and {high:,}, got {value}")
        sizes.append(value)
    return tuple(sizes)


def parse_model(text: str, default_hidden: Sequence[int],
                registry: Registry | None = None) -> tuple[BoundActivation, tuple[int, ...]]:
    """``ACT[@H[,H...]]`` -> (activation, hidden sizes): ``relu@300``, ``elu:alpha=0.5@8,8``, ``tanh``.

    The last ``@`` splits the activation spec from the layer sizes; without one the
    sizes are ``default_hidden``. Their range is the network's to check (:func:`actviz.core.net.architecture`).
    """
    spec, at, sizes = str(text).rpartition("@")
    if not at:
        spec, sizes = text, None
    if at and not sizes.strip():
        raise UserError(f"model {text!r} has '@' but no layer sizes; write e.g. relu@4 or relu@8,8")
    act = parse_spec(spec, registry)
    hidden = parse_sizes(sizes, "hidden layer size", "4 or 8,8") if sizes is not None else tuple(default_hidden)
    return act, hidden
