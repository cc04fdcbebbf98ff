"""``actviz boundary``: decision boundaries of small networks, one panel per model."""
from __future__ import annotations

import click

from actviz.cli.options import check_output, define_option, figure_options
from actviz.cli.train import set_quiet, training_options, training_settings


@click.command()
@click.argument("models", nargs=-1, metavar="[MODEL]...")
@click.option("-o", "--output", required=True, type=click.Path(), help="Figure: .png, .svg, .pdf, .pgf or .eps.")
@training_options
@click.option("--units", is_flag=True,
              help="Draw each first-layer unit's line w.x + b = 0 (dashed), for layers of up to 16 units; "
                   "wider layers (e.g. 300) get none.")
@click.option("--points/--no-points", default=True, show_default=True, help="Draw the data points.")
@click.option("--ncols", type=click.IntRange(1, 12), default=None, help="Panels per row (default: up to 4).")
@click.option("--title", default=None, help="Figure title.")
@figure_options
@define_option
def boundary(models, output, units, points, ncols, title, styles, size, dpi, transparent, **params) -> None:
    """Decision boundaries of small networks trained on the same data, side by side.

    A MODEL is ACT@H: an activation spec, '@', and the hidden layer sizes, e.g. relu@4,
    sigmoid@4, relu@300, elu:alpha=0.5@8,8 (two layers of 8). A bare ACT uses --hidden.
    Without MODELs: the reference article's figure, sigmoid@4 softplus@4 relu@4 relu@300.
    Each panel is titled like the article ("ReLU 4") and shows the decision regions, the
    boundary, the data and the training accuracy; with --units also each first-layer
    unit's line, so you can count how 4 ReLU units make up to 8 boundary segments.

    \b
    Examples:
      actviz boundary -o boundaries.png
      actviz boundary relu@4 --units -o relu4-units.png
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
    api.check_training(archs, data, fit, pixels=0, raster=api.BOUNDARY_RASTER)
    validated()

    from actviz.progress import step_bar

    with step_bar(fit.steps * len(archs), "training") as update:
        fig = api.draw_boundaries(archs, data.make(), fit, figure, units=units, points=points, ncols=cols,
                                  steps=update)
    api.save(fig, output, styles=figure.styles, dpi=figure.dpi, transparent=figure.transparent)
