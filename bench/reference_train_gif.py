"""Reference for the benchmark: the same training animation made the usual way.

Same network, data, frames, size and dpi as ``actviz train`` at its defaults, but
rendered as most matplotlib GIFs are: ``FuncAnimation`` redrawing the whole figure
for every frame and ``PillowWriter`` quantising every frame on its own.
Usage: python bench/reference_train_gif.py OUT.gif
"""
from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

from actviz import api  # noqa: E402
from actviz.render.figure import rc_context  # noqa: E402
from actviz.render.training import TrainingFrames, stats_text  # noqa: E402


def main(out: str) -> None:
    run = api.train("relu")
    with rc_context(()):
        frames = TrainingFrames(run)
        for artist in (*frames.moving, frames.stats):
            artist.set_animated(False)  # a plain figure: everything is redrawn every frame

        def update(snap):
            for fn in frames.updates:
                fn(snap)
            frames.stats.set_text(stats_text(snap))
            return []

        anim = FuncAnimation(frames.fig, update, frames=run.snapshots, blit=False, cache_frame_data=False)
        anim.save(out, writer=PillowWriter(fps=10), dpi=frames.fig.dpi)


if __name__ == "__main__":
    main(sys.argv[1])
