"""The parts of ``actviz train`` (the default GIF) measured one by one in a fresh process.

Prints JSON: CPU seconds of the interpreter start and imports (what ``actviz train`` loads),
the training, the first full draw, the blitted frames at the floor (the minimal blit of
precomputed data, bench/minimal_blit.py, as many frames as the command blits), the palette
mapping and the GIF encoding. Their sum is what the whole command could cost if drawing a
frame cost no more than the floor; bench/run.py compares it with the real command.
Usage: python bench/components.py OUT.gif
"""
from __future__ import annotations

import json
import sys
import time

clock = time.process_time  # CPU of this process since it started: the interpreter's start-up included

import click  # noqa: E402,F401  (what the CLI imports for `actviz train`)
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402,F401

from actviz import api  # noqa: E402
from actviz.cli import main as _cli  # noqa: E402,F401
from actviz.render.animation import AnimationWriter  # noqa: E402
from actviz.render.figure import rc_context  # noqa: E402
from actviz.render.training import TrainingFrames  # noqa: E402

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from minimal_blit import minimal_frames  # noqa: E402

parts = {"imports": clock()}
t = clock()
run = api.train("relu")
parts["training"] = clock() - t
snaps = run.snapshots
with rc_context(()):
    t = clock()
    source = TrainingFrames(run)
    source.render(snaps[0])
    parts["first draw"] = clock() - t
    # untimed: every frame actviz would write, for the mapping and encoding below
    palette = [np.array(source.render(s)) for s in (snaps[0], snaps[len(snaps) // 2], snaps[-1])]
    frames = [np.array(source.render(s)) for s in snaps]
    blit, count = minimal_frames(run)
    blit(0)
    t = clock()  # what write_frames blits after the first draw: the palette's middle and last frames, then all
    for i in (count // 2, count - 1, *range(count)):
        blit(i)
    parts["blitted frames at the floor"] = clock() - t
    durations = [100] * (len(snaps) - 1) + [1500]
    t = clock()
    writer = AnimationWriter(sys.argv[1], duration_ms=durations, palette_samples=palette)
    for frame in frames:
        writer.add(frame)
    parts["palette mapping"] = clock() - t
    t = clock()
    writer.close()
    parts["GIF encoding"] = clock() - t
print(json.dumps(parts))
