"""``actviz loss``: loss functions and their derivatives, as a figure or as numbers."""
from __future__ import annotations

import math

import click

from actviz.cli.options import check_output, check_pixels, figure_options
from actviz.errors import UserError

# Spelled out here so that --help never imports numpy; a test checks them against the core.
KIND_NAMES = ("margin", "residual", "probability")
LOSS_NAMES = {
    "margin": ("zero_one", "hinge", "squared_hinge", "log_loss", "exponential", "modified_huber", "perceptron"),
    "residual": ("mse", "mae", "huber", "smooth_l1", "log_cosh", "mape", "msle", "quantile", "gaussian_nll"),
    "probability": ("bce", "focal", "kl"),
}
TABLE_EXTS = (".csv", ".tsv", ".json")


def _names_help() -> str:
    return "\n".join(f"  {kind}: {', '.join(names)}" for kind, names in LOSS_NAMES.items())


@click.command(epilog="\b\nLosses:\n" + _names_help())
@click.argument("losses", nargs=-1, metavar="LOSS...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=True, writable=False),
              help="Output file: a figure (.png, .svg, .pdf, .pgf, .eps) or the numbers (.csv, .tsv, .json).")
@click.option("--kind", type=click.Choice(KIND_NAMES), default=None,
              help="Add every loss of a kind: margin m = y f(x), residual r = y - y_hat, probability p.")
@click.option("--xlim", nargs=2, type=float, default=None, metavar="A B",
              help="Range of m, r or p (default: -3 3 for margin and residual, 0 1 for probability).")
@click.option("--ylim", nargs=2, type=float, default=None, metavar="A B",
              help="y range of the loss (default: fit the curves; 0 5 for probability losses).")
@click.option("--dylim", nargs=2, type=float, default=None, metavar="A B",
              help="y range of the derivative (default: fit the curves; -10 10 for probability losses).")
@click.option("--samples", type=int, default=None,
              help="Points per curve (default: 801 in a figure, 101 in a table).")
@click.option("--x", "points", metavar="X1,X2,...", help="Explicit points instead of --xlim/--samples (tables).")
@click.option("--layout", type=click.Choice(["overlay", "grid"]), default="overlay", show_default=True,
              help="overlay: loss and derivative panels with all curves; grid: one panel per loss.")
@click.option("--derivative/--no-derivative", default=True, show_default=True, help="Draw the derivative too.")
@click.option("--title", default=None, help="Figure title.")
@click.option("--legend/--no-legend", default=True, show_default=True, help="Show the legend.")
@click.option("--formula", type=click.Choice(["none", "legend", "title"]), default=None,
              help="Where to show formulas (default: none for overlay, title for grid).")
@figure_options
def loss(losses, output, kind, xlim, ylim, dylim, samples, points, layout, derivative, title, legend, formula,
         styles, size, dpi, transparent) -> None:
    """Draw loss functions and their derivatives, or write their numbers.

    LOSS is a name with optional parameters, e.g. hinge, huber:delta=0.5,
    quantile:tau=0.9, focal:gamma=5,target=1. All losses of one figure share an
    axis, so they must be of one kind: margin losses against m = y f(x) (labels
    +-1), regression losses against the residual r = y - y_hat, probabilistic losses
    against the predicted probability p. The extension of -o chooses a figure or a
    table (columns x, then f_LOSS and df_LOSS for each, named so that pgfplots reads them unquoted; exact floats).

    \b
    Examples:
      actviz loss --kind margin -o margin.png
      actviz loss mse mae huber log_cosh quantile:tau=0.9 -o regression.pdf
      actviz loss bce focal:gamma=1 focal:gamma=5 -o focal.png
      actviz loss huber:delta=0.5 --xlim -2 2 --samples 9 -o huber.csv
    """
    from pathlib import Path

    from actviz import api
    from actviz.render.layout import IMAGE_FORMATS, OVERLAY_SIZE, overlay_ratio, read_size

    suffix = Path(output).suffix.lower()
    table = suffix in TABLE_EXTS
    check_output(output, (*IMAGE_FORMATS, *TABLE_EXTS))
    for name, lim in (("--ylim", ylim), ("--dylim", dylim)):
        if lim is not None and not (math.isfinite(lim[0]) and math.isfinite(lim[1]) and lim[0] < lim[1]):
            raise UserError(f"bad {name} {lim[0]:g} {lim[1]:g}: needs two finite numbers, the first smaller")
    if points is not None and not table:
        raise UserError("--x gives the points of a table: write to .csv, .tsv or .json, or use --xlim/--samples")
    if not table:
        # as for plot: a height left open is the figure's to choose (the legend's rows, the sheet's rows)
        figsize = read_size(size) if size else None
        dpi = dpi or 150
        if layout == "overlay":
            w, h = figsize or OVERLAY_SIZE
            check_pixels((w, h if h is not None else w * overlay_ratio(w)), dpi)
        elif figsize and figsize[1] is not None:
            check_pixels(figsize, dpi)
    check_losses(losses, kind, xlim, samples or (101 if table else 801), points, table and suffix.lstrip("."),
                 derivative, layout)
    if table:
        from actviz.atomic import write_text
        from actviz.core.curves import table as curve_table
        from actviz.core.spec import parse_points
        from actviz.tables import format_table

        x = parse_points(points) if points is not None else None
        curves = api.loss_curves(list(losses), kind=kind, xlim=xlim, samples=samples or 101, x=x)
        write_text(output, format_table(*curve_table(curves), suffix.lstrip(".")))
        return
    fig = api.loss_figure(list(losses), kind=kind, xlim=xlim, samples=samples or 801, layout=layout,
                          derivative=derivative, ylim=ylim, dylim=dylim, title=title, legend=legend, formula=formula,
                          size=figsize, dpi=dpi, styles=styles)
    api.save(fig, output, dpi=dpi, transparent=transparent)


def check_losses(specs, kind, xlim, samples: int, points, table: str | bool, derivative: bool, layout: str) -> None:
    """Everything a loss figure or table needs, checked before any work (then ``validated()``): the losses
    and their kind, the grid or the points, and the memory and time budgets."""
    from actviz import api
    from actviz.context import validated
    from actviz.core import budgets, losses
    from actviz.core.curves import check_grid
    from actviz.core.spec import parse_points

    bound = [api.loss(s) for s in specs]
    if kind is not None:
        bound += [losses.BoundLoss(entry, entry.defaults()) for entry in losses.of_kind(kind)]
    if not bound:
        raise UserError("no loss given; name at least one (e.g. hinge), or use --kind")
    lo, hi = xlim or losses.DEFAULT_XLIM[losses.one_kind(bound)]
    if points is not None:
        x = parse_points(points)
        rows, lo, hi = len(x), min(x), max(max(x), min(x) + 1)
    else:
        check_grid((lo, hi), samples)
        rows = samples
    seconds, _ = budgets.seconds_per_point([b.f for b in bound] + [b.df for b in bound], lo, hi, min(rows, 2048))
    if table:
        cost = budgets.table_cost(rows, 1 + 2 * len(bound), table, eval_seconds=seconds)
    else:
        lines = 2 if derivative else 1
        cost = budgets.curves_cost(rows, len(bound), lines=lines, panels=len(bound) if layout == "grid" else lines,
                                   eval_seconds=seconds)
    budgets.check_cost("this table" if table else "this figure", cost, "use fewer --samples or losses")
    validated()
