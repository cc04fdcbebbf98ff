"""``actviz list``: the activation catalogue as a table or JSON."""
from __future__ import annotations

import json

import click

from actviz.cli.options import FloatRange
from actviz.core.activation import FAMILIES


def _fmt(v: float) -> str:
    return "inf" if v == float("inf") else "-inf" if v == float("-inf") else f"{v:g}"


def catalogue_table(acts, gains: list | None = None) -> str:
    """A plain-text table: name, aliases, family, formula, parameters, properties (and gains)."""
    head = ("NAME", "ALIASES", "FAMILY", "KIND", "PARAMETERS", "RANGE", "MONO", "ZERO-C", "SMOOTH", "MAX|F'|")
    rows = [(*head, *(("GAIN",) if gains is not None else ()), "FORMULA")]
    for i, a in enumerate(acts):
        p = a.props
        rows.append((
            a.name,
            ",".join(a.aliases) or "-",
            a.family,
            a.kind,
            ",".join(f"{q.name}={q.default:g}" for q in a.params) or "-",
            f"[{_fmt(p.range[0])}, {_fmt(p.range[1])}]",
            "yes" if p.monotonic else "no",
            "yes" if p.zero_centred else "no",
            "yes" if p.smooth else "no",
            _fmt(p.max_slope),
            *((f"{gains[i]:.6g}" if gains[i] is not None else "-",) if gains is not None else ()),
            a.latex,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows)


@click.command("list")
@click.option("--family", type=click.Choice(FAMILIES), help="Only functions of this family.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON instead of a table.")
@click.option("--gain", "with_gain", is_flag=True,
              help="Add each element-wise function's gain at its default parameters: the sigma_w that keeps "
                   "a layer's variance fixed at --gain-var, computed by Gaussian quadrature.")
@click.option("--gain-var", type=FloatRange(min=0, min_open=True, max=1e6), default=None, metavar="Q",
              help="The input variance at which the gain keeps the variance fixed (default 1; implies --gain).")
def list_cmd(family: str | None, as_json: bool, with_gain: bool, gain_var: float | None) -> None:
    """List the activation catalogue: names, aliases, family, formula, parameters, properties.

    With --gain, also the gain g = sqrt(q / E[f(sqrt(q) Z)^2]), Z ~ N(0, 1), q = --gain-var:
    weights of variance g^2/fan_in keep a wide layer's pre-activation variance at q
    (relu: sqrt(2), identity: 1; see actviz depth). JSON gives it as each entry's "gain"
    (null where there is none: functions that are not element-wise).

    \b
    Examples:
      actviz list
      actviz list --family relu --json
      actviz list --gain
    """
    from actviz.core.registry import current

    acts = [a for a in current().all() if family is None or a.family == family]
    gains = None
    if with_gain or gain_var is not None:
        from actviz.core import gain
        from actviz.core.activation import BoundActivation

        gains = [gain.gain(BoundActivation(a, a.defaults()), gain_var or 1.0) for a in acts]
    if as_json:
        records = [a.as_dict() for a in acts]
        if gains is not None:
            for record, g in zip(records, gains):
                record["gain"] = g
        click.echo(json.dumps(records, indent=2))
    else:
        click.echo(catalogue_table(acts, gains))
