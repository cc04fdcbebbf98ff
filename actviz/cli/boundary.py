"""``actviz boundary``: decision boundaries of small networks, one panel per model."""
from __future__ import annotations

import click

from actviz.progress import tracker
from actviz.cli.options import check_output, check_pixels, define_option, figure_options
from actviz.cli.train import set_quiet, training_kwargs, training_options, validate_training


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
    from actviz.core import net
    from actviz.render.layout import IMAGE_FORMATS, boundary_layout, parse_size

    set_quiet(params.pop("quiet"))
    check_output(output, IMAGE_FORMATS)
    kw = training_kwargs(params)
    parsed = [net.parse_model(m, kw["hidden"], "boundary") for m in (models or api.ARTICLE_MODELS)]
    for act, sizes in parsed:
        net.architecture(act, sizes, classes=kw["classes"], command="boundary")
    validate_training(kw)
    dpi = dpi or 150
    cols, _, default = boundary_layout(len(parsed), ncols, title)
    figsize = parse_size(size, default, ratio=default[1] / default[0])
    check_pixels(figsize, dpi)

    fig = api.boundary_figure(models or api.ARTICLE_MODELS, units=units, points=points, ncols=cols, size=figsize,
                              dpi=dpi, title=title, styles=styles, progress=tracker("training"), **kw)
    api.save(fig, output, styles=styles, dpi=dpi, transparent=transparent)
