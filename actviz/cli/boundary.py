"""``actviz boundary``: decision boundaries of small networks, one panel per model."""
from __future__ import annotations

import click

from actviz.errors import UserError
from actviz.cli.options import check_output, define_option, figure_options
from actviz.cli.train import set_quiet, training_options, training_settings


@click.command()
@click.argument("models", nargs=-1, metavar="[MODEL]...")
@click.option("-o", "--output", required=True, type=click.Path(), help="Figure: .png, .svg, .pdf, .pgf or .eps.")
@training_options
@click.option("--units", is_flag=True,
              help="Draw each first-layer unit's line w.x + b = 0 (dashed), for layers of up to 16 units; "
                   "wider layers (e.g. 300) get none. Piecewise-linear panels show their exact boundary and "
                   "print and show its number of straight segments.")
@click.option("--regions", is_flag=True,
              help="Draw the exact linear regions (cells on which the network is affine) as coloured polygons "
                   "and print their number; piecewise-linear activations only.")
@click.option("--points/--no-points", default=True, show_default=True, help="Draw the data points.")
@click.option("--ncols", type=click.IntRange(1, 12), default=None, help="Panels per row (default: up to 4).")
@click.option("--title", default=None, help="Figure title.")
@figure_options
@define_option
def boundary(models, output, units, regions, points, ncols, title, styles, size, dpi, transparent,
             **params) -> None:
    """Decision boundaries of small networks trained on the same data, side by side.

    A MODEL is ACT@H: an activation spec, '@', and the hidden layer sizes, e.g. relu@4,
    sigmoid@4, relu@300, elu:alpha=0.5@8,8 (two layers of 8). A bare ACT uses --hidden.
    Without MODELs: the reference article's figure, sigmoid@4 softplus@4 relu@4 relu@300.
    Each panel is titled like the article ("ReLU 4") and shows the decision regions, the
    boundary, the data and the training accuracy; with --units also each first-layer
    unit's line, so you can count how 4 ReLU units make up to 8 boundary segments: for
    piecewise-linear activations the boundary is then computed exactly, its corners are
    dotted, and "N segments" (maximal straight pieces inside the square) is printed and
    shown. --regions colours the exact linear regions and prints "N regions".

    \b
    Examples:
      actviz boundary -o boundaries.png
      actviz boundary relu@4 --units -o relu4-units.png
      actviz boundary relu@4 relu@8,8 --regions -o regions.png
      actviz boundary sigmoid tanh relu elu --hidden 8 --data moons -o moons.pdf
    """
    from actviz import api
    from actviz.context import validated
    from actviz.core import net
    from actviz.render.layout import DPI, IMAGE_FORMATS, FigureSettings, boundary_layout, parse_size

    set_quiet(params.pop("quiet"))
    check_output(output, IMAGE_FORMATS)
    hidden, data, fit = training_settings(params)
    parsed = [net.parse_model(m, hidden, "boundary") for m in (models or api.ARTICLE_MODELS)]
    archs = [net.architecture(act, sizes, classes=data.classes, command="boundary") for act, sizes in parsed]
    cols, _, default = boundary_layout(len(archs), ncols, title)
    figure = FigureSettings(parse_size(size, default, ratio=default[1] / default[0]), dpi or DPI["image"], styles,
                            transparent, title)
    figure.check_pixels(default)

    if regions:
        from actviz.core.regions import is_piecewise_linear, refusal

        for arch in archs:
            if not is_piecewise_linear(arch.act):
                raise UserError(refusal(arch.act, "--regions needs"))
    api.check_training(archs, data, fit, pixels=0, raster=api.BOUNDARY_RASTER)
    validated()

    from actviz.progress import step_bar

    ds = data.make()
    with step_bar(fit.steps * len(archs), "training") as update:
        panels = api.boundary_panels(archs, ds, fit, segments=units or regions, regions=regions, steps=update)
    fig = api.panels_figure(panels, ds, figure, units=units, regions=regions, points=points, ncols=cols)
    api.save(fig, output, styles=figure.styles, dpi=figure.dpi, transparent=figure.transparent)
    if units or regions:
        for panel in panels:
            click.echo(f"{panel.title}: {panel_counts(panel, units, regions)}")


def panel_counts(panel, units: bool, regions: bool) -> str:
    """What ``--units``/``--regions`` print for one panel: the counts, or why there are none."""
    from actviz.core.regions import boundary_refusal, is_piecewise_linear
    from actviz.render.regions import count_text

    if not is_piecewise_linear(panel.arch.act):
        return f"curved boundary, no straight segments ({panel.arch.act.spec} is not piecewise linear)"
    text = count_text(panel.regions.count if regions else None,
                      panel.boundary.count if units and panel.boundary is not None else None)
    why = boundary_refusal(panel.regions) if units else None
    return f"{text} ({why})" if why and text else (why or text)
