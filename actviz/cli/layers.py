"""``actviz layers``: a trained network seen layer by layer, as a still figure."""
from __future__ import annotations

import click

from actviz.cli.options import check_output, check_pixels, define_option, figure_options
from actviz.cli.train import set_quiet, training_kwargs, training_options, validate_training
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
    from actviz.render.layout import ANIMATION_FORMATS, IMAGE_FORMATS, layers_size, parse_size

    set_quiet(params.pop("quiet"))
    if Path(output).suffix.lower() in ANIMATION_FORMATS:
        raise UserError("actviz layers draws a still figure; for an animation use actviz train --view layers")
    check_output(output, IMAGE_FORMATS)
    kw = training_kwargs(params)
    act = parse_spec(activation)
    net.architecture(act, kw["hidden"], classes=kw["classes"], command="layers")
    validate_training(kw)
    if kw["classes"] != 2:
        raise UserError(f"the layers view ends in the plane of two scores, so it needs 2 classes, not {kw['classes']}")
    dpi = dpi or 150
    default = layers_size(len(kw["hidden"]) + 2)
    figsize = parse_size(size, default, ratio=default[1] / default[0],
                         minimum=(2.2 * (len(kw["hidden"]) + 2), 3.2))
    check_pixels(figsize, dpi)

    with step_bar(kw["steps"], "training") as update:
        run = api.train(act, frames=None, progress=update, **kw)
    fig = api.layers_figure(run, size=figsize, dpi=dpi, title=title, points=points, curves=curves, grid=grid,
                            styles=styles)
    api.save(fig, output, styles=styles, dpi=dpi, transparent=transparent)
