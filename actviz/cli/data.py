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
    inf, -inf in CSV/TSV and null in JSON.

    \b
    Examples:
      actviz data relu elu:alpha=0.5 --xlim -3 3 --samples 7
      actviz data gelu --x -3,-1,0,2.5 --format json
      actviz data sigmoid tanh -o sigmoidal.csv
    """
    from pathlib import Path

    from actviz import api
    from actviz.atomic import check_output, write_text
    from actviz.core.spec import parse_spec
    from actviz.core.curves import table
    from actviz.tables import format_table

    if output:
        check_output(output)
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else "csv"
        if suffix not in FORMATS:
            raise UserError(f"cannot tell the format of {Path(output).name!r}: name it .csv, .tsv or .json, "
                            f"or give --format")
        fmt = suffix
    x = parse_points(points) if points else None
    for spec in activations:  # only activations: settings after ';' say how plot draws a curve
        parse_spec(spec)
    columns, rows = table(api.curves(list(activations), xlim=xlim, samples=samples, x=x))
    text = format_table(columns, rows, fmt)
    if output:
        write_text(output, text)
    else:
        click.echo(text, nl=False)
