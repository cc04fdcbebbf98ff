"""``actviz train``: a tiny network learning, as an animation (GIF, WebP, APNG, MP4, WebM or LaTeX frames)."""
from __future__ import annotations

from typing import Callable

import click

from actviz.cli.options import (animation_encoding, animation_options, check_output, define_option, figure_options,
                                timing_options)
from actviz.errors import UserError
from actviz.progress import step_bar, tracker

# Spelled out here so that --help never imports numpy; tests check them against the core.
DATASET_NAMES = ("spiral", "circles", "moons", "xor", "blobs")
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
INIT_NAMES = ("auto", "he", "xavier", "gain")
SCHEDULE_NAMES = ("log", "linear")
VIEW_NAMES = ("logit", "input", "both", "layers")
LIMIT_NAMES = ("follow", "final")
LOG_EXTS = (".csv", ".tsv", ".json")


def training_options(fn: Callable) -> Callable:
    """Data and training options shared by ``train`` and ``boundary``, defined once."""
    options = [
        click.option("--hidden", default="4", show_default=True, metavar="H[,H...]",
                     help="Hidden layer sizes: 4 is one layer of 4 units, 8,8 two layers of 8."),
        click.option("--data", "data_name", default="circles", show_default=True, metavar="NAME",
                     help=f"Data set: {', '.join(DATASET_NAMES)}."),
        click.option("--count", type=int, default=400, show_default=True, help="Number of data points."),
        click.option("--noise", type=float, default=0.05, show_default=True,
                     help="Standard deviation of the jitter added to each coordinate (data span about 2.4)."),
        click.option("--classes", type=int, default=2, show_default=True,
                     help="Classes (spiral arms or blobs; the other data sets have 2)."),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Random seed for the data, the initial weights and the mini-batches."),
        click.option("--steps", type=int, default=1000, show_default=True, help="Training steps."),
        click.option("--optimizer", default="adam", show_default=True, metavar="NAME[:K=V,...]",
                     help=f"{', '.join(OPTIMIZER_NAMES)}, as torch.optim has them, with optional "
                          "hyper-parameters, e.g. momentum:momentum=0.95 (see docs/losses-and-optimisers.md)."),
        click.option("--lr", type=float, default=None,
                     help="Learning rate (default: 0.01 for adam, adamw and rmsprop, 0.1 for momentum, nesterov "
                          "and adagrad, 1 for sgd)."),
        click.option("--weight-decay", type=float, default=1e-4, show_default=True,
                     help="L2 penalty weight_decay/2 * |W|^2 on the weights (0: none); with adamw, its "
                          "decoupled decay of the weights instead."),
        click.option("--init", "init_name", type=click.Choice(INIT_NAMES), default="auto", show_default=True,
                     help="Initial weights: auto is He for the ReLU family (softplus excepted), Xavier otherwise, "
                          "as the reference article advises; gain is normal with variance g^2/fan_in, g the "
                          "activation's computed gain (actviz list --gain)."),
        click.option("--batch", type=int, default=0, show_default=True,
                     help="Mini-batch size (0: the full batch every step)."),
        click.option("--quiet", is_flag=True, help="No progress bar (same as actviz -q)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def training_settings(params: dict, frames: int | None = None, schedule: str = "log"):
    """The shared training options as (hidden sizes, DataSettings, FitSettings), each validated once."""
    from actviz.core import net
    from actviz.core.fit import DataSettings, FitSettings

    hidden = net.parse_hidden(params["hidden"])
    data = DataSettings(params["data_name"], params["count"], params["noise"], params["classes"], params["seed"])
    fit = FitSettings(steps=params["steps"], lr=params["lr"], optimizer=params["optimizer"],
                      weight_decay=params["weight_decay"], init=params["init_name"], batch=params["batch"] or None,
                      seed=params["seed"], frames=frames, schedule=schedule)
    return hidden, data, fit


def set_quiet(quiet: bool) -> None:
    if quiet:
        from actviz import context

        context.current().verbosity = -1


@click.command()
@click.argument("activation", default="relu", metavar="[ACT]")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Animation: .gif, .webp, .apng, .mp4 or .webm (or a folder, with --format animate).")
@training_options
@click.option("--view", type=click.Choice(VIEW_NAMES), default="logit", show_default=True,
              help="logit: the output scores (x', y') with the boundary y' = x'; input: decision regions "
                   "in the input plane; both: side by side; layers: the input, the image of the data, curves, "
                   "grid and boundary after each hidden layer (wider than 2 units: PCA fixed over all frames), "
                   "and the output plane.")
@click.option("--frames", type=int, default=48, show_default=True,
              help="Frames (snapshots; the first is step 0, the last the final step; at most --steps).")
@click.option("--schedule", type=click.Choice(SCHEDULE_NAMES), default="log", show_default=True,
              help="Steps of the frames: log (dense early, where training moves fast) or linear.")
@timing_options(duration_ms=100)
@click.option("--points/--no-points", default=True, show_default=True, help="Draw the data points.")
@click.option("--curves/--no-curves", default=True, show_default=True,
              help="Draw the class curves (spiral arms, circle edges, moon arcs).")
@click.option("--grid/--no-grid", default=True, show_default=True,
              help="Draw the image of a regular input grid in the logit plane.")
@click.option("--limits", type=click.Choice(LIMIT_NAMES), default="follow", show_default=True,
              help="Axis limits of the logit plane: follow the data, eased from frame to frame (readable from "
                   "the first frame), or final: fixed, holding every frame.")
@click.option("--title", default=None, help="Title (default: e.g. 'ReLU 4 on circles').")
@click.option("--log", "log_path", default=None, type=click.Path(),
              help="Also write the training curve (step, loss, accuracy) as .csv, .tsv or .json "
                   "(with --batch: of each step's batch).")
@click.option("--regions-log", "regions_path", default=None, type=click.Path(),
              help="Also write, per frame, the number of exact linear regions after each hidden layer and of "
                   "boundary segments, as .csv, .tsv or .json (piecewise-linear activations only).")
@animation_options
@figure_options
@define_option
def train(activation, output, view, frames, schedule, duration, hold, loop, points, curves, grid, limits, title,
          log_path, regions_path, animation_format, fps, crf, styles, size, dpi, transparent, **params) -> None:
    """Train a tiny network and animate it learning.

    The network has 2 inputs, hidden layers of ACT (default relu; any element-wise
    catalogue function, with parameters) and a softmax output. Each frame plots the data,
    the class curves and a grid of the input plane at the network's two output scores
    (x', y'): the line y' = x' is the decision boundary, and training folds the plane
    until the line passes between the classes. --view input shows the decision regions
    in the input plane instead; --view both shows the two side by side; --view layers
    shows the plane after every hidden layer, then the output plane.

    Frames are taken densely early on (--schedule log), the axis limits follow the data
    (--limits), and the last frame is held. The format follows the extension: GIF, WebP
    and APNG share one palette; MP4 (H.264) and WebM (VP9) play in browsers and slides;
    --format animate writes PNG frames and a LaTeX snippet. Training that diverges stops
    with exit 1 and writes nothing.

    \b
    Examples:
      actviz train -o relu4.gif
      actviz train sigmoid --view both -o sigmoid4.mp4
      actviz train tanh --hidden 8,8 --data spiral --steps 3000 -o tanh.webm
      actviz train relu --format animate -o relu-frames
      actviz train relu --log curve.csv -o relu.gif
      actviz train relu --hidden 8,8 --data spiral --steps 3000 --view layers -o layers.gif
      actviz train relu --hidden 8,8 --regions-log regions.csv -o relu88.gif
    """
    from actviz import api
    from actviz.atomic import check_distinct
    from actviz.context import validated
    from actviz.core import net
    from actviz.core.budgets import check_animation
    from actviz.core.spec import parse_spec
    from actviz.render.layout import DPI, AnimationSettings, FigureSettings, layers_size, parse_size, train_size

    set_quiet(params.pop("quiet"))
    encoding = animation_encoding(output, animation_format, fps, crf, loop)
    if log_path is not None:
        check_output(log_path, LOG_EXTS)
    if regions_path is not None:
        check_output(regions_path, LOG_EXTS)
    check_distinct({"-o": output, "--log": log_path, "--regions-log": regions_path})
    if transparent:
        raise UserError("--transparent is not available for animations (GIF frames share one opaque palette)")
    hidden, data, fit = training_settings(params, frames, schedule)
    arch = net.architecture(parse_spec(activation), hidden, classes=data.classes)
    if regions_path is not None:
        from actviz.core.regions import is_piecewise_linear, refusal

        if not is_piecewise_linear(arch.act):
            raise UserError(refusal(arch.act, "--regions-log needs"))
    api.check_view(view, data.classes)
    panels = len(hidden) + 2
    default = layers_size(panels) if view == "layers" else train_size(view)
    minimum = (2.2 * panels, 3.2) if view == "layers" else (6.2 if view == "both" else 3.4, 3.4)
    figure = FigureSettings(parse_size(size, default, ratio=default[1] / default[0], minimum=minimum),
                            dpi or DPI["train"], styles, title=title)
    timing = AnimationSettings(duration, hold, loop)
    figure.check_pixels(default)
    w, h = figure.inches(default)
    check_animation(frames, round(w * figure.dpi), round(h * figure.dpi), encoding.held_bytes_per_pixel)
    side = min(max(0.8 * min(h, w / (2 if view == "both" else 1)) * figure.dpi, 16), 1000)  # the input view's raster
    api.check_training([arch], data, fit, frames=frames, pixels=round(w * figure.dpi) * round(h * figure.dpi),
                       view=view, raster=round(side) ** 2)
    validated()

    with step_bar(fit.steps, "training") as update:
        run = api.run_training(arch, data.make(), fit, progress=update)
    # counted before anything is written, so that a network with too many regions writes nothing
    counts = api.region_counts(run, progress=tracker("counting regions")) if regions_path is not None else None
    api.train_animation(run, output, view=view, size=figure.size, dpi=figure.dpi, title=figure.title,
                        frame_ms=timing.frame_ms, hold_ms=timing.hold_ms, loop=timing.loop, points=points,
                        curves=curves, grid=grid, limits=limits, format=encoding.format, fps=encoding.fps,
                        crf=encoding.crf, styles=figure.styles, progress=tracker("rendering"))
    if log_path is not None:
        write_log(run, log_path)
    if counts is not None:
        write_regions_log(counts, regions_path)


def write_log(run, path: str) -> None:
    """The training curve (step, loss, accuracy) as CSV, TSV or JSON, by extension."""
    from pathlib import Path

    from actviz.atomic import write_text
    from actviz.tables import format_table

    fmt = Path(path).suffix.lower().lstrip(".")
    write_text(path, format_table(["step", "loss", "accuracy"], run.curve.rows(), fmt))


def write_regions_log(counts: tuple[list, list], path: str) -> None:
    """Exact region counts per frame (frame, step, regions after each layer, segments) by extension;
    segments not counted (more than 2 classes, an activation with jumps) are empty (JSON: null)."""
    from pathlib import Path

    from actviz.atomic import write_text
    from actviz.tables import format_table

    columns, rows = counts
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt != "json":
        rows = [["" if v is None else v for v in row] for row in rows]
    write_text(path, format_table(columns, rows, fmt))
