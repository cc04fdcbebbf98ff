"""``actviz layers``: a trained network seen layer by layer, as a still figure."""
from __future__ import annotations

import click

from actviz.cli.options import check_output, define_option, figure_options
from actviz.cli.train import set_quiet, training_options, training_settings
from actviz.errors import UserError
from actviz.progress import step_bar


@click.command()
@click.argument("activation", default="relu", metavar="[ACT]")
@click.option("-o", "--output", required=True, type=click.Path(), help="Figure: .png, .svg, .pdf, .pgf or .eps.")
@training_options
@click.option("--points/--no-points", default=True, show_default=True, help="Draw the data points.")
@click.option("--curves/--no-curves", default=True, show_default=True,
              help="Draw the class curves (spiral arms, circle edges, moon arcs).")
@click.option("--grid/--no-grid", default=True, show_default=True,
              help="Draw a regular grid of the input plane and its image after each layer.")
@click.option("--title", default=None, help="Title (default: e.g. 'ReLU 8-8 on spiral, layer by layer').")
@figure_options
@define_option
def layers(activation, output, points, curves, grid, title, styles, size, dpi, transparent, **params) -> None:
    """Train a tiny network and draw what each layer does to the plane.

    One panel per stage: the input plane with the data, the class curves, a regular
    grid and the decision boundary; then the image of all of them after each hidden
    layer (a layer of 2 units is drawn as it is; a wider one through its first two
    principal axes, named on the panel with the share of variance they hold); then the
    output plane of the two class scores, where y' = x' is the boundary. Each hidden
    layer takes the plane folded by the one before and folds it again. For the same
    picture while the network learns, use actviz train --view layers.

    \b
    Examples:
      actviz layers relu --hidden 8,8 --data spiral --steps 3000 -o layers.png
      actviz layers relu --hidden 2,2,2 -o folds.png
      actviz layers tanh --hidden 30 --data moons -o tanh30.pdf
    """
    from pathlib import Path

    from actviz import api
    from actviz.core import net
    from actviz.core.spec import parse_spec
    from actviz.render.layout import ANIMATION_FORMATS, DPI, IMAGE_FORMATS, FigureSettings, layers_size, parse_size

    set_quiet(params.pop("quiet"))
    if Path(output).suffix.lower() in ANIMATION_FORMATS:
        raise UserError("actviz layers draws a still figure; for an animation use actviz train --view layers")
    check_output(output, IMAGE_FORMATS)
    hidden, data, fit = training_settings(params)
    arch = net.architecture(parse_spec(activation), hidden, classes=data.classes, command="layers")
    if data.classes != 2:
        raise UserError(f"the layers view ends in the plane of two scores, so it needs 2 classes, not {data.classes}")
    panels = len(hidden) + 2
    default = layers_size(panels)
    figure = FigureSettings(parse_size(size, default, ratio=default[1] / default[0], minimum=(2.2 * panels, 3.2)),
                            dpi or DPI["image"], styles, transparent, title)
    figure.check_pixels(default)
    from actviz.context import validated

    api.check_training([arch], data, fit, pixels=0, raster=api.BOUNDARY_RASTER)
    validated()

    with step_bar(fit.steps, "training") as update:
        run = api.run_training(arch, data.make(), fit, progress=update)
    fig = api.layers_figure(run, size=figure.size, dpi=figure.dpi, title=figure.title, points=points, curves=curves,
                            grid=grid, styles=figure.styles)
    api.save(fig, output, styles=figure.styles, dpi=figure.dpi, transparent=figure.transparent)
