"""``actviz surface``: gated functions f(a, b) as heatmaps with level lines and gradient arrows."""
from __future__ import annotations

import math

import click

from actviz.cli.options import check_output, check_pixels, define_option, figure_options, output_option
from actviz.errors import UserError


def _check_lim(name: str, lim) -> None:
    if not (math.isfinite(lim[0]) and math.isfinite(lim[1]) and lim[0] < lim[1]):
        raise UserError(f"bad {name} {lim[0]:g} {lim[1]:g}: needs two finite numbers, the first smaller")


@click.command()
@click.argument("activations", nargs=-1, required=True, metavar="ACT...")
@output_option(".png, .svg, .pdf, .pgf, .eps")
@click.option("--alim", nargs=2, type=float, default=(-4.0, 4.0), show_default=True, metavar="A B",
              help="Range of the value input a (the first half of the layer).")
@click.option("--blim", nargs=2, type=float, default=(-4.0, 4.0), show_default=True, metavar="A B",
              help="Range of the gate input b (the second half).")
@click.option("--samples", type=int, default=161, show_default=True, help="Grid points per axis.")
@click.option("--arrows/--no-arrows", default=True, show_default=True, help="Draw the gradient field.")
@click.option("--contours", type=click.IntRange(0, 40), default=9, show_default=True,
              help="Level lines per panel (0: none).")
@click.option("--formula/--no-formula", default=True, show_default=True, help="Formulas under the names.")
@click.option("--ncols", type=click.IntRange(1, 12), default=None, help="Panels per row (default up to 3).")
@click.option("--title", default=None, help="Figure title.")
@figure_options
@define_option
def surface(activations, output, alim, blim, samples, arrows, contours, formula, ncols, title, styles, size, dpi,
            transparent) -> None:
    """Draw gated functions f(a, b) of two inputs: colour for f, level lines, and arrows for the
    gradient (df/da, df/db), one panel each on shared scales.

    ACT is a gated function: glu, swiglu, geglu, geglu_tanh, reglu, bilinear, clamped_swiglu,
    with optional parameters (swiglu:beta=1.5). The numbers on a grid: actviz data ACT.

    \b
    Examples:
      actviz surface swiglu geglu -o gated.png
      actviz surface glu reglu bilinear --alim -3 3 --blim -3 3 -o glu-family.svg
      actviz surface clamped_swiglu --alim -10 10 --blim -10 10 -o gpt-oss.png
    """
    from actviz import api
    from actviz.context import validated
    from actviz.render.layout import IMAGE_FORMATS, parse_size
    from actviz.render.surface import surface_layout

    check_output(output, IMAGE_FORMATS)
    _check_lim("--alim", alim)
    _check_lim("--blim", blim)
    specs = [api.activation(s) for s in activations]
    from actviz.core.gated import require_gated

    require_gated(specs, "surface")
    cols, rows, default = surface_layout(len(specs), ncols, title)
    figsize = parse_size(size, default, ratio=default[1] / default[0], minimum=(1.6 * cols, 1.6 * rows))
    dpi = dpi or 150
    check_pixels(figsize, dpi)
    _check_cost(len(specs), samples)
    validated()
    fig = api.surface_figure(specs, alim=alim, blim=blim, samples=samples, size=figsize, dpi=dpi, title=title,
                             arrows=arrows, contours=contours, formula=formula, ncols=ncols, styles=styles)
    api.save(fig, output, styles=styles, dpi=dpi, transparent=transparent)


def _check_cost(functions: int, samples: int) -> None:
    """Refuse, before any work, grids that would exhaust the memory or time budget: each function holds
    f and its two partial derivatives on samples x samples points, with temporaries as large."""
    from actviz.core import budgets
    from actviz.core.gated import MAX_GRID

    if not 2 <= samples <= MAX_GRID:
        raise UserError(f"samples must be between 2 and {MAX_GRID:,} per axis, got {samples}")
    points = samples * samples * functions
    cost = budgets.Cost(budgets.PLOT_BASE_MB + 6 * 8 * points / budgets.MB, points * 2e-7)
    budgets.check_cost("these surfaces", cost, "use fewer --samples or functions")
