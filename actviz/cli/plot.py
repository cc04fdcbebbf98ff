"""``actviz plot``: activation functions and their derivatives."""
from __future__ import annotations

import math

import click

from actviz.cli.options import check_output, check_pixels, define_option, figure_options, output_option
from actviz.errors import UserError
from actviz.core.activation import FAMILIES


@click.command()
@click.argument("activations", nargs=-1, metavar="ACT...")
@output_option(".png, .svg, .pdf, .pgf, .eps")
@click.option("--family", type=click.Choice(FAMILIES), help="Add every function of a family (renders a catalogue sheet).")
@click.option("--all", "all_", is_flag=True, help="Every registered function (a catalogue sheet).")
@click.option("--xlim", nargs=2, type=float, default=(-5.0, 5.0), show_default=True, metavar="A B", help="x range.")
@click.option("--ylim", nargs=2, type=float, default=None, metavar="A B", help="y range of f (default: fit the curves).")
@click.option("--dylim", nargs=2, type=float, default=None, metavar="A B", help="y range of f' (default: fit the curves).")
@click.option("--samples", type=int, default=801, show_default=True, help="Points per curve.")
@click.option("--layout", type=click.Choice(["overlay", "grid"]), default=None,
              help="overlay: f and f' panels with all curves (default); grid: one panel per function.")
@click.option("--derivative/--no-derivative", default=True, show_default=True, help="Draw f'(x) too.")
@click.option("--title", default=None, help="Figure title.")
@click.option("--legend/--no-legend", default=True, show_default=True, help="Show the legend.")
@click.option("--formula", type=click.Choice(["none", "legend", "title"]), default=None,
              help="Where to show formulas (default: none for overlay, title for grid).")
@figure_options
@define_option
def plot(activations, output, family, all_, xlim, ylim, dylim, samples, layout, derivative, title, legend, formula,
         styles, size, dpi, transparent) -> None:
    """Plot activation functions and their derivatives.

    ACT is a catalogue name with optional parameters, e.g. relu, elu:alpha=0.5,
    leaky_relu:negative_slope=0.2. The same name may appear twice. Settings after
    semicolons say how its curve is drawn: label=TEXT (a formula between $ signs
    works; no ';'), color=COLOUR (C3, k, tab:red, #d62728), linestyle=STYLE (-, --,
    -., :). Quote such an ACT for the shell.

    \b
    Examples:
      actviz plot sigmoid tanh arctan softsign isru -o sigmoidal.png
      actviz plot relu elu elu:alpha=0.5 --xlim -3 3 -o elu.pdf
      actviz plot relu "gelu; label=GELU (ours); color=k; linestyle=--" -o mine.pdf
      actviz plot --all --size page -o catalogue.png
    """
    from actviz import api
    from actviz.context import validated
    from actviz.core.spec import parse_curve
    from actviz.progress import tracker
    from actviz.render.layout import IMAGE_FORMATS, OVERLAY_SIZE, overlay_ratio, read_size

    check_output(output, IMAGE_FORMATS)
    for name, lim in (("--ylim", ylim), ("--dylim", dylim)):
        if lim is not None and not (math.isfinite(lim[0]) and math.isfinite(lim[1]) and lim[0] < lim[1]
                                    and math.isfinite(lim[1] - lim[0])):
            raise UserError(f"bad {name} {lim[0]:g} {lim[1]:g}: needs two finite numbers, the first smaller")
    for spec in activations:
        parse_curve(spec)  # each ACT, and how it is drawn, is checked before anything is computed
    specs = [*activations, *(api.select_specs([], family=family, all_=all_) if family or all_ else [])]
    if not specs:
        api.select_specs([])  # the one message for "nothing to plot"
    sheet = bool(family or all_)
    layout = layout or ("grid" if sheet else "overlay")
    dpi = dpi or 150
    # a height left open is the figure's to choose (room for the legend's rows, the sheet's rows)
    figsize = read_size(size) if size else None
    if layout == "overlay":
        w, h = figsize or OVERLAY_SIZE
        check_pixels((w, h if h is not None else w * overlay_ratio(w)), dpi)
    elif figsize and figsize[1] is not None:
        check_pixels(figsize, dpi)
    api.check_plot(specs, xlim=xlim, samples=samples, layout=layout, derivative=derivative, ylim=ylim, dylim=dylim,
                   formula=formula, styles=styles, latex=output.lower().endswith(".pgf"), size=figsize,
                   legend=legend, title=title)
    validated()
    fig = api.plot_figure(specs, xlim=xlim, samples=samples, layout=layout, derivative=derivative, ylim=ylim,
                          dylim=dylim, title=title, legend=legend, formula=formula, size=figsize, dpi=dpi,
                          styles=styles, progress=tracker("evaluating"))
    api.save(fig, output, dpi=dpi, transparent=transparent)
