"""``actviz depth``: signals and gradients through a deep stack, and how fast deep-ish networks learn."""
from __future__ import annotations

import click

from actviz.cli.options import check_output, define_option, figure_options
from actviz.cli.train import OPTIMIZER_NAMES
from actviz.errors import UserError
from actviz.tables import FORMATS as TABLE_FORMATS

# Spelled out here so that --help never imports numpy; tests check them against the core.
INPUT_NAMES = ("normal", "uniform")
GRID_DEFAULTS = {"depth": 20, "width": 256, "acts": ("sigmoid", "tanh", "relu"),
                 "inits": "xavier-uniform,he-fan-in,orthogonal,gain"}
TRAIN_DEFAULTS = {"depth": 6, "width": 32, "acts": ("relu", "sigmoid"), "inits": "he,xavier"}
PHASE_DEFAULTS = {"depth": 20, "acts": ("tanh",), "inits": "xavier,he,gain"}
GRID_ONLY = ("input_dim", "inputs", "samples")
TRAIN_ONLY = ("dataset", "count", "noise", "seeds", "steps", "optimizer", "lr", "weight_decay", "batch")
PHASE_ONLY = ("sigma_w", "sigma_b")
NOT_PHASE = ("width", "seed")
"""The grid and --train use these; the recursion of --phase has no width and no randomness."""
NOT_TRAIN = ("input_var", "bias_std", "gain_var")
"""The grid and --phase use these; --train's inputs are its data set."""
REFUSED = {"grid": TRAIN_ONLY + PHASE_ONLY + ("ncols",), "train": GRID_ONLY + NOT_TRAIN + PHASE_ONLY,
           "phase": GRID_ONLY + TRAIN_ONLY + NOT_PHASE}
"""Per mode, the options that belong to another one: given explicitly, they are refused, not ignored."""


def _refuse_foreign(ctx: click.Context, mode: str) -> None:
    """An option of another mode, given explicitly, is a mistake rather than something to ignore."""
    from click.core import ParameterSource

    where = {**{n: "only applies with --train" for n in TRAIN_ONLY},
             **{n: "only applies with --phase" for n in PHASE_ONLY},
             **{n: "only applies without --train or --phase" for n in GRID_ONLY},
             **{n: "does not apply with --phase" for n in NOT_PHASE},
             **{n: "does not apply with --train" for n in NOT_TRAIN},
             "ncols": "only applies with --train or --phase"}
    for name in REFUSED[mode]:
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None):
            raise UserError(f"--{name.replace('_', '-')} {where[name]}")


@click.command()
@click.argument("activations", nargs=-1, metavar="[ACT]...")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Figure: .png, .svg, .pdf, .pgf or .eps. May be left out with --data.")
@click.option("--init", "inits", default=None, metavar="SCHEME[,SCHEME...]",
              help="Initialisations, one column (or curve) each: xavier-uniform, xavier-normal, he-fan-in, "
                   "he-fan-out, lecun, orthogonal, gain (he and xavier too); NAME:G sets the gain G, e.g. gain:1.2 "
                   f"[default: {GRID_DEFAULTS['inits']}; with --train: {TRAIN_DEFAULTS['inits']}].")
@click.option("--depth", "layers", type=int, default=None,
              help=f"Hidden layers [default: {GRID_DEFAULTS['depth']}; with --train: {TRAIN_DEFAULTS['depth']}].")
@click.option("--width", type=int, default=None,
              help=f"Units per layer [default: {GRID_DEFAULTS['width']}; with --train: {TRAIN_DEFAULTS['width']}].")
@click.option("--input-dim", type=int, default=None, help="Input dimension (default: --width).")
@click.option("--inputs", type=click.Choice(INPUT_NAMES), default="normal", show_default=True,
              help="Input distribution per coordinate: normal N(0, v) or uniform on [-sqrt(3v), sqrt(3v)].")
@click.option("--input-var", type=float, default=1.0, show_default=True, metavar="V",
              help="Variance v of each input coordinate.")
@click.option("--bias-std", type=float, default=0.0, show_default=True, metavar="S",
              help="Biases drawn from N(0, S^2) (sigma_b).")
@click.option("--samples", type=int, default=256, show_default=True, help="Inputs pushed through each stack.")
@click.option("--gain-var", type=float, default=1.0, show_default=True, metavar="Q",
              help="The input variance at which computed gains (gain, orthogonal) keep the variance fixed.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed: inputs, weights (and with --train the data; run k uses seed+k).")
@click.option("--data", "data_path", type=click.Path(), default=None, metavar="FILE",
              help="Also write the numbers behind every panel: .csv, .tsv or .json.")
@click.option("--train", is_flag=True,
              help="Instead: train a network of --depth x --width on a toy data set from several seeds per "
                   "(activation, initialisation) and plot the loss against the step.")
@click.option("--dataset", default="spiral", show_default=True, metavar="NAME",
              help="With --train: spiral, circles, moons, xor or blobs.")
@click.option("--count", type=int, default=200, show_default=True, help="With --train: data points.")
@click.option("--noise", type=float, default=0.05, show_default=True, help="With --train: data noise.")
@click.option("--seeds", type=int, default=5, show_default=True, help="With --train: runs per curve.")
@click.option("--steps", type=int, default=300, show_default=True, help="With --train: training steps.")
@click.option("--optimizer", type=click.Choice(OPTIMIZER_NAMES), default="momentum", show_default=True,
              help="With --train: sgd, momentum (0.9) or adam.")
@click.option("--lr", type=float, default=None,
              help="With --train: learning rate (default: 0.01 for adam, 0.1 for momentum, 1 for sgd).")
@click.option("--weight-decay", type=float, default=0.0, show_default=True,
              help="With --train: L2 penalty weight_decay/2 * |W|^2 (0: the loss is the cross-entropy alone).")
@click.option("--batch", type=int, default=0, show_default=True,
              help="With --train: mini-batch size (0: the full batch).")
@click.option("--phase", is_flag=True,
              help="Instead: the order-to-chaos plane, (sigma_w, sigma_b) coloured by how much the mean-field "
                   "recursion makes gradients vanish or explode over --depth layers, with a mark per --init "
                   "(at sigma_b = --bias-std).")
@click.option("--sigma-w", nargs=2, type=float, default=(0.05, 4.0), show_default=True, metavar="LO HI",
              help="With --phase: the range of sigma_w.")
@click.option("--sigma-b", nargs=2, type=float, default=(0.0, 1.0), show_default=True, metavar="LO HI",
              help="With --phase: the range of sigma_b.")
@click.option("--ncols", type=click.IntRange(1, 12), default=None,
              help="With --train or --phase: panels per row (default up to 3).")
@click.option("--title", default=None, help="Figure title.")
@figure_options
@define_option
def depth(activations, output, inits, layers, width, input_dim, inputs, input_var, bias_std, samples, gain_var, seed,
          data_path, train, dataset, count, noise, seeds, steps, optimizer, lr, weight_decay, batch, phase, sigma_w,
          sigma_b, ncols, title, styles, size, dpi, transparent) -> None:
    """Signals and gradients through a deep stack, per activation and initialisation.

    A stack of --depth fully connected layers of --width units (inputs drawn from --inputs)
    runs forward and backward (loss sum(r * output), r ~ N(0, 1)) once per (ACT, --init) pair.
    The grid has three rows per ACT, pre-activations z, activations phi(z) and gradients
    dL/dz, and a column per initialisation; each panel shows per layer the 5-95 % and 25-75 %
    bands of the nonzero |value| (and the share of exact zeros), the measured RMS and the
    mean-field prediction q' = sigma_w^2 E[phi(sqrt(q) Z)^2] + sigma_b^2 (and its backward
    counterpart), on log scales. Default ACTs: sigmoid tanh relu.

    With --train: the network of actviz train (2 inputs, --depth hidden layers of --width,
    softmax) is trained on a toy data set from --seeds seeds per pair, and the loss is drawn
    against the step (median and min-max band). Default ACTs: relu sigmoid.

    With --phase: the (sigma_w, sigma_b) plane per ACT, coloured by log10 of the gradient's
    mean square at layer 1 over the top's in the mean-field recursion, with the line where
    it keeps its size (the edge of chaos) and a mark per --init. Default ACT: tanh.

    \b
    Examples:
      actviz depth -o depth.png
      actviz depth tanh relu --init lecun,orthogonal,gain:1.2 --depth 50 -o deep.png
      actviz depth selu --init lecun,he --data selu.csv
      actviz depth relu sigmoid --train --init he,xavier -o converge.png
      actviz depth tanh relu --phase -o chaos.png
    """
    from pathlib import Path

    from actviz import api
    from actviz.render.layout import DPI, IMAGE_FORMATS, FigureSettings, parse_size
    from actviz.tables import format_table

    ctx = click.get_current_context()
    if train and phase:
        raise UserError("--train and --phase draw different figures; give one of them")
    mode = "phase" if phase else "train" if train else "grid"
    _refuse_foreign(ctx, mode)
    if output is None and data_path is None:
        raise UserError("nothing to do: give -o FILE for a figure, or --data FILE for the numbers")
    if output is not None:
        check_output(output, IMAGE_FORMATS)
    if data_path is not None:
        check_output(data_path, tuple(f".{f}" for f in TABLE_FORMATS))
    defaults = {"grid": GRID_DEFAULTS, "train": TRAIN_DEFAULTS, "phase": PHASE_DEFAULTS}[mode]
    acts = list(activations or defaults["acts"])
    layers = defaults["depth"] if layers is None else layers
    width = defaults.get("width", 0) if width is None else width
    init_text = defaults["inits"] if inits is None else inits

    if phase:
        from actviz.render.depth import phase_size

        settings = api.phase_settings(acts, depth=layers, input_var=input_var, sigma_w=sigma_w, sigma_b=sigma_b,
                                      inits=init_text, bias_std=bias_std, gain_var=gain_var)
        default = phase_size(len(settings.acts), ncols, bool(title))
    elif train:
        from actviz.core.inits import parse_inits
        from actviz.progress import step_bar
        from actviz.render.depth import convergence_size

        if not 1 <= layers <= 100:
            raise UserError(f"with --train, depth must be between 1 and 100 hidden layers, got {layers}")
        settings = api.convergence_settings(acts, [i.spec for i in parse_inits(init_text)], hidden=(width,) * layers,
                                            data=dataset, count=count, noise=noise, seed=seed, seeds=seeds,
                                            steps=steps, lr=lr, optimizer=optimizer, weight_decay=weight_decay,
                                            batch=batch or None)
        default = convergence_size(len(settings.acts), ncols, bool(title))
    else:
        from actviz.progress import tracker
        from actviz.render.depth import depth_size

        settings = api.depth_settings(acts, init_text, depth=layers, width=width, input_dim=input_dim,
                                      inputs=inputs, input_var=input_var, bias_std=bias_std, samples=samples,
                                      seed=seed, gain_var=gain_var)
        default = depth_size(len(settings.acts), len(settings.inits), bool(title))
    figure = FigureSettings(parse_size(size, default, ratio=default[1] / default[0], minimum=(2.5, 2.5)) if size
                            else None, dpi or DPI["image"], styles, transparent, title)
    if output is not None:
        figure.check_pixels(default)
    from actviz.atomic import check_distinct
    from actviz.context import validated

    check_distinct({"-o": output, "--data": data_path})
    validated()

    if phase:
        result = api.compute_phase(settings)
        if output is not None:
            fig = api.phase_figure(result, size=figure.size, dpi=figure.dpi, title=figure.title, ncols=ncols,
                                   styles=figure.styles)
    elif train:
        with step_bar(len(settings.acts) * len(settings.inits) * settings.seeds * settings.fit.steps,
                      "training") as update:
            result = api.compute_convergence(settings, progress=update)
        if output is not None:
            fig = api.convergence_figure(result, size=figure.size, dpi=figure.dpi, title=figure.title, ncols=ncols,
                                         styles=figure.styles)
    else:
        result = api.compute_depth(settings, progress=tracker("stacks"))
        if output is not None:
            fig = api.depth_figure(result, size=figure.size, dpi=figure.dpi, title=figure.title, styles=figure.styles)
    if output is not None:
        api.save(fig, output, styles=figure.styles, dpi=figure.dpi, transparent=figure.transparent)
    if data_path is not None:
        from actviz.atomic import write_text

        fmt = Path(data_path).suffix.lower().lstrip(".")
        write_text(data_path, format_table(list(result.COLUMNS), result.rows(), fmt))
