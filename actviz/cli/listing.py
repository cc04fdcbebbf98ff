"""``actviz list``: the activation catalogue as a table or JSON."""
from __future__ import annotations

import json

import click

from actviz.core.activation import FAMILIES


def _fmt(v: float) -> str:
    return "inf" if v == float("inf") else "-inf" if v == float("-inf") else f"{v:g}"


def catalogue_table(acts) -> str:
    """A plain-text table: name, aliases, family, formula, parameters, properties."""
    rows = [("NAME", "ALIASES", "FAMILY", "KIND", "PARAMETERS", "RANGE", "MONO", "ZERO-C", "SMOOTH", "MAX|F'|", "FORMULA")]
    for a in acts:
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
            a.latex,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows)


@click.command("list")
@click.option("--family", type=click.Choice(FAMILIES), help="Only functions of this family.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON instead of a table.")
def list_cmd(family: str | None, as_json: bool) -> None:
    """List the activation catalogue: names, aliases, family, formula, parameters, properties.

    \b
    Examples:
      actviz list
      actviz list --family relu --json
    """
    from actviz.atomic import echo
    from actviz.core.registry import current

    acts = [a for a in current().all() if family is None or a.family == family]
    if as_json:
        echo(json.dumps([a.as_dict() for a in acts], indent=2) + "\n")
    else:
        echo(catalogue_table(acts) + "\n")
