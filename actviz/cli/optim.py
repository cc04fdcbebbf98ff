"""``actviz optim``: optimisers racing on a 2-D surface, animated, as a still, or as numbers."""
from __future__ import annotations

import click

from actviz.cli.options import (FloatRange, animation_encoding, animation_options, check_output, check_pixels,
                                figure_options, timing_options)
from actviz.errors import UserError

# Spelled out here so that --help never imports numpy; a test checks them against the core.
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
SURFACE_NAMES = ("rosenbrock", "beale", "himmelblau", "saddle", "quadratic", "rastrigin")
RULE_NAMES = ("tuned", "torch")
SCHEDULE_NAMES = ("linear", "log")
TABLE_EXTS = (".csv", ".tsv", ".json")
DEFAULT_FRAMES = 60


@click.command()
@click.argument("optimizers", nargs=-1, metavar="[OPT...]")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=True, writable=False),
              help="Animation (.gif, .webp, .apng, .mp4, .webm; a folder with --format animate), still of the final paths (.png, .svg, .pdf, .pgf, .eps) or the "
                   "trajectories (.csv, .tsv, .json).")
@click.option("--surface", default="rosenbrock", show_default=True, metavar="NAME|expr:EXPR",
              help=f"Test function: {', '.join(SURFACE_NAMES)}, or expr:EXPR in x and y (e.g. "
                   "'expr:x**2+3*y**2', the functions of expr: activations).")
@click.option("--start", nargs=2, type=float, default=None, metavar="X Y",
              help="Start point (default: the surface's; (-2, 2) for an expression).")
@click.option("--xlim", nargs=2, type=float, default=None, metavar="A B",
              help="x range of the view (default: the surface's; -3 3 for an expression).")
@click.option("--ylim", nargs=2, type=float, default=None, metavar="A B",
              help="y range of the view (default: the surface's; -3 3 for an expression).")
@click.option("--steps", type=int, default=300, show_default=True, help="Steps of every optimiser.")
@click.option("--lr", type=float, default=None, help="One learning rate for every optimiser (overrides --lr-rule).")
@click.option("--lr-rule", "rule", type=click.Choice(RULE_NAMES), default="tuned", show_default=True,
              help="tuned: each optimiser's best rate of --lr-grid (lowest loss at the last step, never above "
                   "the start, ending in view); torch: torch.optim's default rates.")
@click.option("--lr-grid", "grid", default=None, metavar="R1,R2,...",
              help="Rates the tuned rule tries (default 1e-5, 2e-5, 5e-5, ... 0.5, 1).")
@click.option("--noise", type=FloatRange(min=0), default=0.0, show_default=True, metavar="SIGMA",
              help="Add Gaussian noise of this standard deviation to each gradient coordinate (drawn from "
                   "--seed, the same for every optimiser).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the noise.")
@click.option("--frames", type=int, default=None,
              help=f"Frames of an animation (default {DEFAULT_FRAMES}, or --steps if fewer).")
@click.option("--schedule", type=click.Choice(SCHEDULE_NAMES), default="linear", show_default=True,
              help="Steps of the frames: linear (the race at an even pace) or log (dense early).")
@timing_options(duration_ms=80)
@click.option("--title", default=None, help="Title (default: the surface and its formula).")
@animation_options
@figure_options
def optim(optimizers, output, surface, start, xlim, ylim, steps, lr, rule, grid, noise, seed, frames, schedule,
          duration, hold, loop, title, animation_format, fps, crf, styles, size, dpi, transparent) -> None:
    """Race optimisers from one start point on a 2-D test surface.

    OPT is an optimiser with optional hyper-parameters (default: all of
    sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw), e.g. adam:beta1=0.8,
    momentum:momentum=0.95, rmsprop:centered=1, adam:lr=0.05. Each follows
    torch.optim's update to the last digit. The map shows the paths on log-spaced
    contours with each optimiser's head, beside the loss against step; the learning-rate
    rule is written under the title and each rate in the legend. A rate set in an OPT
    overrides the rule for that optimiser.

    \b
    Examples:
      actviz optim -o rosenbrock.gif
      actviz optim sgd momentum adam --surface beale -o beale.png
      actviz optim --surface saddle --lr 0.01 --noise 0.1 -o saddle.gif
      actviz optim adam rmsprop --surface 'expr:x**2+10*y**2' --start 2 1 -o bowl.webp
      actviz optim --surface himmelblau -o paths.csv
    """
    from pathlib import Path

    from actviz import api
    from actviz.core.race import LR_GRID, check_settings
    from actviz.core.spec import parse_points
    from actviz.render.layout import ANIMATION_FORMATS, IMAGE_FORMATS, parse_size

    suffix = Path(output).suffix.lower()
    animated = animation_format is not None or suffix in ANIMATION_FORMATS
    if animated:
        encoding = animation_encoding(output, animation_format, fps, crf, loop)
    else:
        check_output(output, (*ANIMATION_FORMATS, *IMAGE_FORMATS, *TABLE_EXTS))
        if fps is not None or crf is not None:
            raise UserError("--fps and --crf apply to .mp4 and .webm videos")
    rates = parse_points(grid, "--lr-grid") if grid is not None else LR_GRID
    check_settings(steps, lr, rule, rates, noise)
    if animated:
        if transparent:
            raise UserError("--transparent is not available for animations (GIF frames share one opaque palette)")
        frames = min(DEFAULT_FRAMES, steps) if frames is None else frames
        from actviz.core.net import frame_steps

        frame_steps(steps, frames, schedule)
    elif frames is not None:
        raise UserError("--frames is for animations: write a .gif, .webp, .apng, .mp4 or .webm")
    figsize = None
    if suffix not in TABLE_EXTS:
        from actviz.render.optim import MIN_SIZE, SIZE

        dpi = dpi or (100 if animated else 150)
        figsize = parse_size(size, SIZE, ratio=SIZE[1] / SIZE[0], minimum=MIN_SIZE)
        check_pixels(figsize, dpi)
        if animated:
            from actviz.core.budgets import check_animation

            check_animation(frames, round(figsize[0] * dpi), round(figsize[1] * dpi), encoding.held_bytes_per_pixel)
    from actviz.context import validated
    from actviz.core import optim as optimizers_, race as races, surfaces

    surfaces.get(surface).with_view(xlim, ylim, start)  # checked here too, so that a spec finds mistakes before work
    if len(optimizers) > races.MAX_OPTIMIZERS:
        raise UserError(f"at most {races.MAX_OPTIMIZERS} optimisers in one race, got {len(optimizers)}")
    for spec in optimizers:
        optimizers_.parse(spec)
    validated()
    result = api.race(list(optimizers), surface=surface, start=start, xlim=xlim, ylim=ylim, steps=steps, lr=lr,
                      rule=rule, grid=rates, noise=noise, seed=seed)
    if suffix in TABLE_EXTS:
        from actviz.atomic import write_text
        from actviz.tables import format_table

        write_text(output, format_table(*result.table(), suffix.lstrip(".")))
    elif animated:
        from actviz.progress import tracker

        api.save_race_animation(result, output, frames=frames, schedule=schedule, size=figsize, dpi=dpi,
                                title=title, frame_ms=duration, hold_ms=hold, loop=loop, format=encoding.format,
                                fps=encoding.fps, crf=encoding.crf, styles=styles, progress=tracker("rendering"))
    else:
        fig = api.race_figure(result, size=figsize, dpi=dpi, title=title, styles=styles)
        api.save(fig, output, styles=styles, dpi=dpi, transparent=transparent)
