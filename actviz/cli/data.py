"""``actviz data``: the numbers behind a plot, x, f(x), f'(x) per function."""
from __future__ import annotations

import click

from actviz.cli.options import define_option

from actviz.errors import UserError
from actviz.tables import FORMATS


def parse_points(text: str) -> list[float]:
    """``-3,-1,0,2.5`` -> floats; a user error names the bad item."""
    from actviz.core.numbers import parse_number

    items = [t for t in text.split(",")]
    if not any(t.strip() for t in items):
        raise UserError("--x needs at least one number, e.g. --x -3,-1,0,2.5")
    return [parse_number(t, "--x value") for t in items]


@click.command()
@click.argument("activations", nargs=-1, required=True, metavar="ACT...")
@click.option("--xlim", nargs=2, type=float, default=(-5.0, 5.0), show_default=True, metavar="A B", help="x range.")
@click.option("--samples", type=int, default=101, show_default=True, help="Number of evenly spaced points.")
@click.option("--x", "points", metavar="X1,X2,...", help="Explicit points instead of --xlim/--samples.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="csv (default), tsv or json; with -o the extension decides when this is omitted.")
@click.option("-o", "--output", type=click.Path(), default=None, help="Write to a file instead of stdout.")
@define_option
def data(activations, xlim, samples, points, fmt, output) -> None:
    """Print x, f(x) and f'(x) for each activation as CSV, TSV or JSON.

    Columns are x, then f and df for each ACT, named after its spec in letters,
    digits, _ . and - only, so that pgfplots reads them unquoted: f_relu,
    df_elu_alpha_0.5 (a spec given twice gets _2). Floats are written exactly
    (shortest repr that reads back to the same double); non-finite values are nan,
    inf, -inf in CSV/TSV and null in JSON. Gated functions f(a, b) (swiglu, geglu, ...)
    give a grid instead: columns a, b, then f, da and db (the partial derivatives) for
    each, with a and b both over --xlim (or --x).

    \b
    Examples:
      actviz data relu elu:alpha=0.5 --xlim -3 3 --samples 7
      actviz data gelu --x -3,-1,0,2.5 --format json
      actviz data sigmoid tanh -o sigmoidal.csv
      actviz data swiglu geglu --xlim -2 2 --samples 5
    """
    from pathlib import Path

    from actviz import api
    from actviz.atomic import check_output, echo, write_text
    from actviz.context import validated
    from actviz.core.curves import table
    from actviz.progress import tracker
    from actviz.tables import format_table

    if output is not None:
        check_output(output)
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output is not None else "csv"
        if suffix not in FORMATS:
            raise UserError(f"cannot tell the format of {Path(output).name!r}: name it .csv, .tsv or .json, "
                            f"or give --format")
        fmt = suffix
    x = parse_points(points) if points is not None else None
    acts = [api.activation(a) for a in activations]  # activations only: ';label=...' is for plot's curves
    if any(b.act.gated for b in acts):
        _check_gated_table(acts, samples, x, fmt)
        validated()
        text = _gated_table(api, acts, xlim, samples, x, fmt)
        if output is not None:
            write_text(output, text)
        else:
            echo(text)
        return
    api.check_data(acts, xlim=xlim, samples=samples, x=x, fmt=fmt)
    validated()
    columns, rows = table(api.curves(acts, xlim=xlim, samples=samples, x=x, progress=tracker("evaluating"),
                                     command="data"))
    text = format_table(columns, rows, fmt)
    if output is not None:
        write_text(output, text)
    else:
        echo(text)


def _check_gated_table(bound, samples, x, fmt) -> None:
    """Refuse, before any work, a grid of gated functions that is not one or would exhaust the budgets."""
    from actviz.core import budgets
    from actviz.core.gated import MAX_GRID, require_gated

    require_gated(bound, "data with a gated function")  # one-input and gated functions do not share a table
    if x is None and not 2 <= samples <= MAX_GRID:
        raise UserError(f"samples must be between 2 and {MAX_GRID:,} per axis for a gated function, got {samples}")
    side = len(x) if x is not None else samples
    cost = budgets.table_cost(side * side, 2 + 3 * len(bound), fmt, eval_seconds=0.0)
    budgets.check_cost("this table", cost, "use fewer --samples or functions")


def _gated_table(api, bound, xlim, samples, x, fmt) -> str:
    """The grid a x b of gated functions: a, b, then f, da, db per function (b varies slowest)."""
    from actviz.tables import column_name, format_table

    surfaces = api.surfaces(bound, alim=xlim, blim=xlim, samples=samples, a=x, b=x)
    columns, taken = ["a", "b"], {"a", "b"}
    for s in surfaces:  # named as the curves' columns are: pgfplots reads them unquoted
        f_name = column_name(f"f_{s.act.spec}", taken)
        columns += [f_name, column_name("da" + f_name[1:], taken), column_name("db" + f_name[1:], taken)]
    first = surfaces[0]
    rows = []
    for i, bv in enumerate(first.b):
        for j, av in enumerate(first.a):
            row = [float(av), float(bv)]
            for s in surfaces:
                row += [float(s.f[i, j]), float(s.da[i, j]), float(s.db[i, j])]
            rows.append(row)
    return format_table(columns, rows, fmt)
