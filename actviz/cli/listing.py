"""``actviz list``: the activation catalogue as a table or JSON."""
from __future__ import annotations

import json

import click

from actviz.cli.options import FloatRange
from actviz.core.activation import FAMILIES, FRAMEWORKS, continuity_text


def _fmt(v: float) -> str:
    return "inf" if v == float("inf") else "-inf" if v == float("-inf") else f"{v:g}"


def _yes(v) -> str:
    return "-" if v is None else ("yes" if v else "no")


def _table(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows)


def catalogue_table(acts, gains: list | None = None) -> str:
    """A plain-text table: name, aliases, family, kind, parameters, properties, (gain,) source, formula."""
    from actviz.core import citations

    rows = [("NAME", "ALIASES", "FAMILY", "KIND", "PARAMETERS", "RANGE", "MONO", "ZERO-C", "SMOOTH", "CONT",
             "MONO-F'", "ID@0", "MAX|F'|", *(("GAIN",) if gains is not None else ()), "SOURCE", "FORMULA")]
    for i, a in enumerate(acts):
        p = a.props
        source = f"{citations.reference(a.cite[0]).split(', ')[0]}" if a.cite and a.cite[0] in citations.BIB else "-"
        rows.append((
            a.name,
            ",".join(a.aliases) or "-",
            a.family,
            a.kind,
            ",".join(f"{q.name}={q.default:g}" for q in a.params) or "-",
            f"[{_fmt(p.range[0])}, {_fmt(p.range[1])}]",
            _yes(p.monotonic),
            _yes(p.zero_centred),
            _yes(p.smooth),
            continuity_text(p.continuity),
            _yes(p.derivative_monotonic),
            _yes(p.identity_near_origin),
            _fmt(p.max_slope),
            *((f"{gains[i]:.6g}" if gains[i] is not None else "-",) if gains is not None else ()),
            source,
            a.latex,
        ))
    return _table(rows)


def framework_table(pairs, framework: str) -> str:
    """The framework's spellings, the spec that means each (with the framework's defaults), and the entry."""
    rows = [(f"{framework.upper()} NAME", "ALSO", "ACTVIZ SPEC", "ENTRY", "TITLE")]
    for act, ship in pairs:
        params = {**act.defaults(), **dict(ship.params)}
        changed = {k: v for k, v in params.items() if v != act.param(k).default}
        spec = act.name + (":" + ",".join(f"{k}={v:g}" for k, v in changed.items()) if changed else "")
        rows.append((ship.call, ",".join(ship.also) or "-", spec if not ship.keyword else f"{spec} (needs {ship.keyword})",
                     act.name, act.title))
    return _table(rows)


def _json_entry(a) -> dict:
    from actviz.core import citations

    data = a.as_dict()
    data["citations"] = [{"key": k, "reference": citations.reference(k), "bibtex": citations.bibtex(k)}
                         for k in a.cite if k in citations.BIB]
    return data


@click.command("list")
@click.option("--family", type=click.Choice(FAMILIES), help="Only functions of this family.")
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)),
              help="Only what this framework ships, under its own names and defaults.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON instead of a table.")
@click.option("--gain", "with_gain", is_flag=True,
              help="Add each element-wise function's gain at its default parameters: the sigma_w that keeps "
                   "a layer's variance fixed at --gain-var, computed by Gaussian quadrature.")
@click.option("--gain-var", type=FloatRange(min=0, min_open=True, max=1e6), default=None, metavar="Q",
              help="The input variance at which the gain keeps the variance fixed (default 1; implies --gain).")
def list_cmd(family: str | None, framework: str | None, as_json: bool, with_gain: bool,
             gain_var: float | None) -> None:
    """List the activation catalogue: names, aliases, family, parameters, properties, sources.

    Properties at the default parameters: range, monotonic, zero-centred, smooth (C1),
    CONT (order of continuity: C-1 jumps, C0, C1, C2, C-inf), MONO-F' (f' monotonic),
    ID@0 (f(x) ~ x near 0), max |f'|. With --framework, the framework's own spellings and
    the spec that gives its defaults (keras.leaky_relu means leaky_relu:negative_slope=0.2).

    With --gain, also the gain g = sqrt(q / E[f(sqrt(q) Z)^2]), Z ~ N(0, 1), q = --gain-var:
    weights of variance g^2/fan_in keep a wide layer's pre-activation variance at q
    (relu: sqrt(2), identity: 1; see actviz depth). JSON gives it as each entry's "gain"
    (null where there is none: functions that are not element-wise).

    \b
    Examples:
      actviz list
      actviz list --family relu --json
      actviz list --framework jax
      actviz list --gain
    """
    from actviz.atomic import echo
    from actviz.core.registry import current

    registry = current()
    acts = [a for a in registry.all() if family is None or a.family == family]
    if framework:
        pairs = [(a, s) for a, s in registry.framework(framework) if a in acts]
        if as_json:
            records = []
            for a, s in pairs:
                entry = _json_entry(a)
                entry["framework"] = {"name": framework, **s.as_dict()}
                records.append(entry)
            echo(json.dumps(records, indent=2) + "\n")
        else:
            echo(framework_table(pairs, framework) + "\n")
        return
    gains = None
    if with_gain or gain_var is not None:
        from actviz.core import gain
        from actviz.core.activation import BoundActivation

        gains = [gain.gain(BoundActivation(a, a.defaults()), gain_var or 1.0) for a in acts]
    if as_json:
        records = [_json_entry(a) for a in acts]
        for record, g in zip(records, gains or ()):
            record["gain"] = g
        echo(json.dumps(records, indent=2) + "\n")
    else:
        echo(catalogue_table(acts, gains) + "\n")
