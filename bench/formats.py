"""Animation formats side by side: size, encode time and fidelity of every format against the GIF.

The same frames (the default ``actviz train`` animation, rendered once and kept in memory)
go through each writer; each file is decoded again and every animation frame is compared
with the raw RGB frame it came from (PSNR). A video repeats held frames at its frame rate;
the frame compared is the first video frame that shows each animation frame.

Run alone with ``python bench/formats.py`` (it prints a table), or through ``bench/run.py formats``.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

FORMATS = (".gif", ".webp", ".apng", ".mp4", ".webm")
MP4_TARGET = (3.0, 40.0)
"""MP4 should be at least this many times smaller than the GIF at this PSNR (dB) or better."""


@dataclass
class Measure:
    ext: str
    size: int
    seconds: float
    psnr: float
    frames: int


def training_frames() -> tuple[list[np.ndarray], list[int], list[str]]:
    """The raw RGB frames, durations and labels of the default training animation."""
    from actviz import api
    from actviz.render.figure import rc_context
    from actviz.render.training import TrainingFrames, frame_label

    run = api.train("relu")
    with rc_context(()):
        source = TrainingFrames(run)
        frames = [np.array(source.render(s))[..., :3] for s in run.snapshots]
    durations = [100] * (len(frames) - 1) + [1500]
    return frames, durations, [frame_label(s) for s in run.snapshots]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def decode(path: Path) -> list[np.ndarray]:
    """Every frame of an animation file as RGB arrays, as a viewer composes them."""
    if path.suffix in (".mp4", ".webm"):
        import imageio.v3 as iio

        return list(iio.imiter(path, plugin="pyav"))
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        return [np.array(f.convert("RGB")) for f in ImageSequence.Iterator(im)]


def measure(frames: list[np.ndarray], durations: list[int], labels: list[str], ext: str,
            repeats: int = 2) -> Measure:
    """Write ``frames`` as ``ext`` (best of ``repeats`` timings) and compare the decoded frames with them."""
    from actviz.render.animation import open_writer
    from actviz.render.layout import Encoding

    path = OUT / f"formats{ext}"
    encoding = Encoding.for_output(str(path))
    samples = [frames[0], frames[len(frames) // 2], frames[-1]]
    best = math.inf
    for _ in range(repeats):
        t = time.perf_counter()
        writer = open_writer(path, encoding, durations, palette_samples=samples, labels=labels)
        for f in frames:
            writer.add(f)
        writer.close()
        best = min(best, time.perf_counter() - t)
    decoded = decode(path)
    if encoding.video:
        starts = np.cumsum([0, *getattr(writer, "repeats")[:-1]])
        shown = [decoded[int(i)] for i in starts]
    else:
        shown = decoded
    h, w = frames[0].shape[:2]
    score = psnr(np.stack([s[:h, :w] for s in shown]), np.stack(frames))
    return Measure(ext, path.stat().st_size, best, score, len(decoded))


def measure_all() -> list[Measure]:
    OUT.mkdir(exist_ok=True)
    frames, durations, labels = training_frames()
    return [measure(frames, durations, labels, ext) for ext in FORMATS]


def rows(row_type) -> list:
    """Rows for bench/run.py's table: each format against the GIF, at equal frames."""
    results = measure_all()
    gif = next(m for m in results if m.ext == ".gif")
    out = []
    for m in results:
        ratio = gif.size / m.size
        name = f"format {m.ext[1:]}: size, encode, PSNR"
        ours = f"{m.size / 1e3:.0f} kB, {m.seconds:.2f} s, {m.psnr:.1f} dB"
        reference = f"GIF {gif.size / 1e3:.0f} kB, {gif.seconds:.2f} s"
        if m.ext == ".mp4":
            times, db = MP4_TARGET
            out.append(row_type(name, ours, reference, f"{ratio:.1f}x smaller", f">= {times:g}x at >= {db:g} dB",
                                ratio >= times and m.psnr >= db))
        elif m.ext == ".gif":
            out.append(row_type(name, ours, "", "", "(the reference)", True))
        else:
            out.append(row_type(name, ours, reference, f"{ratio:.2f}x smaller", "(info)", True))
    return out


def main() -> int:
    results = measure_all()
    gif = results[0]
    print(f"{'format':8} {'size':>9} {'vs GIF':>8} {'encode':>8} {'PSNR':>8} {'frames':>6}")
    for m in results:
        print(f"{m.ext:8} {m.size / 1e3:7.0f} kB {gif.size / m.size:7.2f}x {m.seconds:7.2f}s {m.psnr:6.2f} dB "
              f"{m.frames:6d}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
