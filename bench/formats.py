"""Animation formats side by side: size, encode time and fidelity of every format against the GIF.

The same frames (the default ``actviz train`` animation, rendered once and kept in memory)
go through each writer; each file is decoded again and every animation frame is compared
with the raw RGB frame it came from: PSNR over R, G and B, and over luma (Y' = BT.709 weights
of R, G, B; what video codecs are usually judged by). A video repeats held frames at its
frame rate; the frame compared is the first video frame that shows each animation frame.

Video in browsers and slides is 4:2:0 (one colour sample per 2 x 2 pixels), which smears
the colour of thin lines and small dots whatever the bit rate: the "4:2:0 ceiling" row is
the RGB PSNR of the frames converted to 4:2:0 and back, with no codec at all.

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
    luma: float
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


LUMA = np.array([0.2126, 0.7152, 0.0722])


def luma_psnr(a: np.ndarray, b: np.ndarray) -> float:
    return psnr(a.astype(np.float64) @ LUMA, b.astype(np.float64) @ LUMA)


def ceiling_420(frames: list[np.ndarray]) -> float:
    """RGB PSNR of the frames after the writer's 4:2:0 conversion and back, without any codec."""
    import av

    from actviz.render.video import rgb_to_yuv709

    out = []
    for f in frames:
        yuv = rgb_to_yuv709(f)
        frame = av.VideoFrame(f.shape[1], f.shape[0], "yuv444p")
        for plane, values in zip(frame.planes, yuv):
            np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, :plane.width] = values
        back = frame.reformat(format="yuv420p").reformat(format="rgb24", src_colorspace="ITU709",
                                                           src_color_range="MPEG").to_ndarray()
        out.append(back)
    return psnr(np.stack(out), np.stack(frames))


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
    got, want = np.stack([s[:h, :w] for s in shown]), np.stack(frames)
    return Measure(ext, path.stat().st_size, best, psnr(got, want), luma_psnr(got, want), len(decoded))


def measure_all() -> tuple[list[Measure], float]:
    OUT.mkdir(exist_ok=True)
    frames, durations, labels = training_frames()
    return [measure(frames, durations, labels, ext) for ext in FORMATS], ceiling_420(frames)


def rows(row_type) -> list:
    """Rows for bench/run.py's table: each format against the GIF, at equal frames."""
    results, ceiling = measure_all()
    gif = next(m for m in results if m.ext == ".gif")
    out = []
    for m in results:
        ratio = gif.size / m.size
        name = f"format {m.ext[1:]}: size, encode, PSNR RGB/luma"
        ours = f"{m.size / 1e3:.0f} kB, {m.seconds:.2f} s, {m.psnr:.1f}/{m.luma:.1f} dB"
        reference = f"GIF {gif.size / 1e3:.0f} kB, {gif.seconds:.2f} s"
        if m.ext == ".mp4":
            times, db = MP4_TARGET
            out.append(row_type(name, ours, reference, f"{ratio:.1f}x smaller", f">= {times:g}x at >= {db:g} dB RGB",
                                ratio >= times and m.psnr >= db))
        elif m.ext == ".gif":
            out.append(row_type(name, ours, "", "", "(the reference)", True))
        else:
            out.append(row_type(name, ours, reference, f"{ratio:.2f}x smaller", "(info)", True))
    out.append(row_type("  4:2:0 ceiling: RGB PSNR with no codec", f"{ceiling:.1f} dB", "", "", "(info)", True))
    return out


def main() -> int:
    results, ceiling = measure_all()
    gif = results[0]
    print(f"{'format':8} {'size':>9} {'vs GIF':>8} {'encode':>8} {'PSNR RGB':>9} {'luma':>9} {'frames':>6}")
    for m in results:
        print(f"{m.ext:8} {m.size / 1e3:7.0f} kB {gif.size / m.size:7.2f}x {m.seconds:7.2f}s {m.psnr:6.2f} dB "
              f"{m.luma:6.2f} dB {m.frames:6d}")
    print(f"4:2:0 ceiling (no codec): {ceiling:.2f} dB RGB")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
