"""``actviz warp``: how one layer act(WX) bends a spiral, for several widths n."""
from __future__ import annotations

import click

from actviz.cli.options import (animation_encoding, animation_options, check_output, check_pixels, define_option,
                                figure_options)
from actviz.errors import UserError
from actviz.tables import FORMATS as TABLE_FORMATS

# The choices of actviz.warp (WEIGHTS, LIMITS), spelled out so that `actviz --help` need not
# import numpy; tests/test_warp.py checks that they agree.
WEIGHTS = ("uniform", "normal", "orthogonal")
LIMITS = ("shared", "panel")


def parse_ns(text: str) -> list[int]:
    """``2,5,30`` -> [2, 5, 30]; each item a whole number in ASCII digits (range checked by the core)."""
    from actviz.core.numbers import parse_whole

    items = [t.strip() for t in text.split(",")]
    if not any(items):
        raise UserError("--n needs at least one width, e.g. --n 2,5,30")
    out = []
    for t in items:
        value = parse_whole(t)
        if value is None:
            raise UserError(f"--n values must be whole numbers of hidden units, got {t!r}")
        out.append(value)
    return out


def metrics_table(records: list[dict]) -> str:
    """Metrics for people: aligned columns, the collapsed fraction as a percentage."""
    rows = [("ACTIVATION", "N", "ERROR", "AFFINE ERROR", "COLLAPSED")]
    rows += [(m["activation"], str(m["n"]), f"{m['error']:.4f}", f"{m['affine_error']:.4f}",
              f"{100 * m['collapsed']:.1f}%") for m in records]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in rows) + "\n"


@click.command()
@click.argument("activations", nargs=-1, metavar="[ACT]...")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Figure (.png, .svg, .pdf, .pgf, .eps) or animation (.gif, .webp, .apng, .mp4, .webm, or a "
                   "folder with --format animate). May be left out with --metrics.")
@click.option("--n", "ns", default="2,5,30", show_default=True, metavar="N1,N2,...",
              help="Hidden units per row. n = 1 is allowed: W⁺ then maps everything onto a line.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed; row n uses the weights drawn from (seed, n).")
@click.option("--points", type=int, default=1000, show_default=True, help="Points along the spiral.")
@click.option("--turns", type=float, default=2.0, show_default=True, help="Turns of the spiral.")
@click.option("--scale", type=float, default=3.0, show_default=True,
              help="Radius of the spiral: the input scale. Larger inputs saturate S-shaped functions more.")
@click.option("--weights", type=click.Choice(WEIGHTS), default="uniform", show_default=True,
              help="W's entries: uniform in [-1, 1]; normal with the same variance (1/3); orthogonal (orthonormal columns).")
@click.option("--bias", type=float, default=0.0, show_default=True, metavar="B",
              help="Add a bias b uniform in [-B, B]: H = act(WX + b), mapped back as X' = W⁺(H - b).")
@click.option("--grid", is_flag=True, help="Also push the lines of a regular grid through the layer (drawn faintly).")
@click.option("--limits", type=click.Choice(LIMITS), default="shared", show_default=True,
              help="shared: every panel shows the input's frame (sizes compare); panel: each fits its own content.")
@click.option("--animate", is_flag=True,
              help="Animate from identity to the activation and back (implied by an animation's extension "
                   "or --format).")
@click.option("--frames", type=int, default=40, show_default=True, help="Frames of the animation loop.")
@click.option("--title", default=None, help="Figure title.")
@click.option("--metrics", is_flag=True,
              help="Print, per activation and n: the round-trip error ||X'-X||/||X||, the error left after the best "
                   "affine map back, and the fraction of points collapsed onto a far part of the spiral.")
@click.option("--metrics-format", type=click.Choice(("table", *TABLE_FORMATS)), default=None,
              help="table (default, for people), csv, tsv or json (for scripts); implies --metrics.")
@animation_options
@figure_options
@define_option
def warp(activations, output, ns, seed, points, turns, scale, weights, bias, grid, limits, animate, frames, title,
         metrics, metrics_format, animation_format, fps, crf, styles, size, dpi, transparent) -> None:
    """Push a spiral through one layer H = act(WX) and back, X' = W⁺H.

    One column per ACT (default: identity sigmoid tanh relu elu tanhshrink), one row
    per n hidden units; each row uses one random n x 2 matrix W for every column. Points
    the activation leaves alone stay where they were, so each panel shows what the
    activation did. The spiral is coloured from its centre (dark) to its outer end (light).

    With --metrics the numbers go to stdout (a table, or --metrics-format csv/json);
    without -o only the numbers are produced.

    \b
    Examples:
      actviz warp -o warp.png
      actviz warp relu elu tanh --n 2,5,30,100 --grid -o relu.png
      actviz warp --animate -o warp.gif
      actviz warp relu tanh --n 2,30 -o warp.mp4
      actviz warp relu --n 2,5,30 --metrics-format csv
    """
    from pathlib import Path

    from actviz import api
    from actviz.atomic import echo
    from actviz.context import validated
    from actviz.core.spec import parse_spec
    from actviz.core.budgets import check_animation
    from actviz.render.layout import ANIMATION_FORMATS as ANIMATION_EXTS, DPI, IMAGE_FORMATS as FORMATS, parse_size
    from actviz.render.layout import warp_size as default_size
    from actviz.tables import format_table
    from actviz.core import warp as core

    metrics = metrics or metrics_format is not None
    if output is None and not metrics:
        raise UserError("nothing to do: give -o FILE for a figure or animation, or --metrics for the numbers")
    acts = [parse_spec(s) for s in activations] if activations else [parse_spec(s) for s in core.default_activations()]
    settings = api.warp_settings(acts, parse_ns(ns), seed=seed, points=points, turns=turns, scale=scale,
                                 weights=weights, bias=bias, grid=grid)
    widths = settings.ns
    figsize = None
    encoding = None
    if output is not None:
        suffix = Path(output).suffix.lower()
        animate = animate or suffix in ANIMATION_EXTS or animation_format is not None
        if animate and suffix not in ANIMATION_EXTS and animation_format is None:
            raise UserError(f"--animate writes a {', '.join(ANIMATION_EXTS)} file (or a folder with --format "
                            f"animate), not {Path(output).name!r}")
        if animate:
            core.check_frames(frames)
            encoding = animation_encoding(output, animation_format, fps, crf)
        else:
            if fps is not None or crf is not None:
                raise UserError("--fps and --crf apply to an animation (.mp4 or .webm)")
            check_output(output, FORMATS)
        default = default_size(len(acts), len(widths), noted=limits == "panel")
        figsize = parse_size(size, default, ratio=default[1] / default[0],
                             minimum=(max(2.5, 0.9 * len(acts) + 0.6), 0.8 * len(widths) + 1.2)) if size else None
        dpi = dpi or (DPI["warp-animation"] if animate else DPI["image"])
        w, h = figsize or default_size(len(acts), len(widths), noted=True)
        check_pixels((w, h), dpi)
        if animate:
            check_animation(frames, round(w * dpi), round(h * dpi), encoding.held_bytes_per_pixel)
    elif animate or animation_format is not None or fps is not None or crf is not None:
        raise UserError("--animate needs -o FILE.gif (or another animation format)")
    api.check_warp(settings, frames=frames if output is not None and animate else 0,
                   pixels=round(w * dpi) * round(h * dpi) if output is not None else 0, metrics=metrics)
    validated()

    from actviz.progress import tracker

    result = api.compute_warp(settings, progress=tracker("warping"))
    if output is not None and animate:
        api.save_warp_animation(result, output, frames=frames, limits=limits, size=figsize, dpi=dpi, title=title,
                                format=encoding.format, fps=encoding.fps, crf=encoding.crf, styles=styles,
                                progress=tracker("rendering"))
    elif output is not None:
        fig = api.warp_figure(result, limits=limits, size=figsize, dpi=dpi, title=title, styles=styles)
        api.save(fig, output, styles=styles, dpi=dpi, transparent=transparent)
    if metrics:
        records = result.metrics()
        fmt = metrics_format or "table"
        if fmt == "table":
            echo(metrics_table(records))
        else:
            columns = ["activation", "n", "seed", "error", "affine_error", "collapsed"]
            rows = [[m["activation"], m["n"], seed, m["error"], m["affine_error"], m["collapsed"]] for m in records]
            echo(format_table(columns, rows, fmt))
