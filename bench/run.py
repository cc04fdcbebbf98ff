"""actviz benchmark: every figure is a ratio against a reference measured side by side in the same run.

Run with ``make bench``. Absolute seconds are printed too, but these machines are
noisy: only the ratios are judged. Each measurement is the best of a few repeats.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable


@dataclass
class Row:
    name: str
    ours: str
    reference: str
    ratio: str
    target: str
    ok: bool


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    """Smallest wall time of ``repeats`` calls (the least disturbed one)."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw)


def actviz(*args: str) -> Callable[[], object]:
    return lambda: run(PY, "-m", "actviz", *args)


def bench_startup() -> list[Row]:
    bare = best_of(lambda: run(PY, "-c", "pass"), 7)
    rows = []
    for args, budget in ((["--help"], 0.150), (["list"], 0.250)):
        t = best_of(actviz(*args), 7)
        extra = t - bare
        rows.append(Row(f"start-up: actviz {' '.join(args)}", f"{t * 1000:.0f} ms", f"python -c pass {bare * 1000:.0f} ms",
                        f"+{extra * 1000:.0f} ms", f"<= +{budget * 1000:.0f} ms", extra <= budget))
    return rows


def user_time(*args: str) -> float:
    """CPU seconds (user + system) a child process used: steadier than wall time on a busy machine."""
    before = os.times()
    run(*args)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def best_cpu(args: list[str], repeats: int = 3) -> float:
    return min(user_time(*args) for _ in range(repeats))


def bench_training_gif() -> list[Row]:
    """End to end, training included: actviz train against FuncAnimation + PillowWriter."""
    ours_gif, ref_gif = OUT / "ours.gif", OUT / "reference.gif"
    ours = best_cpu([PY, "-m", "actviz", "-q", "train", "-o", str(ours_gif)])
    ref = best_cpu([PY, str(HERE / "reference_train_gif.py"), str(ref_gif)])
    bare = best_cpu([PY, "-c", "import numpy, matplotlib.figure, matplotlib.backends.backend_agg, PIL.Image"])
    rows = [Row("training GIF, end to end (CPU s)", f"{ours:.2f} s", f"{ref:.2f} s", f"{ref / ours:.1f}x faster",
                ">= 8x", ref / ours >= 8)]
    rows.append(Row("  same, less the shared imports", f"{ours - bare:.2f} s", f"{ref - bare:.2f} s",
                    f"{(ref - bare) / (ours - bare):.1f}x faster", "(info)", True))
    size_ratio = ours_gif.stat().st_size / ref_gif.stat().st_size
    psnr = gif_psnr(ours_gif)
    rows.append(Row("GIF size, same frames", f"{ours_gif.stat().st_size / 1e3:.0f} kB",
                    f"{ref_gif.stat().st_size / 1e3:.0f} kB", f"{size_ratio:.2f}x", "<= 0.5x", size_ratio <= 0.5))
    rows.append(Row("GIF fidelity (PSNR vs unquantised)", f"{psnr:.1f} dB", "", "", ">= 40 dB", psnr >= 40))
    return rows


def training_frames():
    """The default training run and its frame source (the same frames actviz train writes)."""
    from actviz import api
    from actviz.render.figure import rc_context
    from actviz.render.training import TrainingFrames

    run_ = api.train("relu")
    with rc_context(()):
        return run_, TrainingFrames(run_)


def gif_psnr(path: Path) -> float:
    """PSNR of a GIF's frames against the unquantised RGB frames rendered afresh."""
    import numpy as np
    from PIL import Image, ImageSequence

    run_, source = training_frames()
    exact = [np.array(source.render(s))[..., :3].astype(np.float64) for s in run_.snapshots]
    starts = np.concatenate([[0], np.cumsum([100] * (len(exact) - 1))])
    errors, t = [], 0
    with Image.open(path) as im:
        for frame in ImageSequence.Iterator(im):
            i = int(np.searchsorted(starts, t, side="right") - 1)
            got = np.array(frame.convert("RGB"), dtype=np.float64)
            errors.append(((got - exact[i]) ** 2).mean())
            t += frame.info.get("duration", 100)
    mse = float(np.mean(errors))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def bench_rendering() -> list[Row]:
    """Per frame: the whole pipeline (blit + palette mapping) against blitting alone."""
    import numpy as np

    from actviz.render.animation import AnimationWriter

    run_, source = training_frames()
    snaps = run_.snapshots
    writer = AnimationWriter(OUT / "frames.gif",
                             palette_samples=[np.array(source.render(s)) for s in (snaps[0], snaps[-1])])
    for s in snaps:  # warm both paths (colour cache, glyph cache)
        writer.add(source.render(s))
    writer.frames.clear()
    limit = best_of(lambda: [source.render(s) for s in snaps], 3) / len(snaps)

    def pipeline():
        writer.frames.clear()
        for s in snaps:
            writer.add(source.render(s))

    ours = best_of(pipeline, 3) / len(snaps)
    return [Row("rendering per frame vs blit-only limit", f"{ours * 1e3:.1f} ms", f"{limit * 1e3:.1f} ms",
                f"{ours / limit:.2f}x", "<= 1.5x", ours / limit <= 1.5)]


TORCH_TRAIN = """
import sys, time, torch
torch.manual_seed(0)
torch.set_num_threads(1)  # a 2-4-2 net gains nothing from threads; they only add overhead
steps = int(sys.argv[1])
X = torch.randn(1000, 2, dtype=torch.float64)
y = (X.pow(2).sum(1) > 1).long()
model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
lossf = torch.nn.CrossEntropyLoss()
for _ in range(20):
    opt.zero_grad(); lossf(model(X), y).backward(); opt.step()
t = time.perf_counter()
for _ in range(steps):
    opt.zero_grad(); loss = lossf(model(X), y); loss.backward(); opt.step()
print(time.perf_counter() - t)
"""


def bench_training() -> list[Row]:
    """Steps per second of 2-4-2 on 1,000 points, full batch, Adam, float64: numpy vs PyTorch (CPU)."""
    from actviz import api

    steps = 2000
    ours = best_of(lambda: api.train("relu", count=1000, steps=steps, frames=None), 3)
    try:
        torch_t = min(float(run(PY, "-c", TORCH_TRAIN, str(steps)).stdout) for _ in range(3))
    except subprocess.CalledProcessError:
        return [Row("training 2-4-2, 1,000 points", f"{steps / ours:,.0f} steps/s", "PyTorch not installed",
                    "", ">= 2x", True)]
    return [Row("training 2-4-2, 1,000 points", f"{steps / ours:,.0f} steps/s", f"{steps / torch_t:,.0f} steps/s",
                f"{torch_t / ours:.1f}x faster", ">= 2x", torch_t / ours >= 2)]


def bench_gallery() -> list[Row]:
    """A fresh render of the whole gallery with 2 workers against 1, and a no-op run."""
    import shutil
    import tempfile

    spec = ROOT / "gallery" / "gallery.toml"
    times = {}
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(spec, Path(tmp) / "gallery.toml")
            t = time.perf_counter()
            run(PY, "-m", "actviz", "-q", "render", str(Path(tmp) / "gallery.toml"), "-j", str(jobs))
            times[jobs] = time.perf_counter() - t
            noop = best_of(lambda: run(PY, "-m", "actviz", "-q", "render", str(Path(tmp) / "gallery.toml")), 3)
    speedup = times[1] / times[2]
    return [Row("gallery render, 2 workers vs 1", f"{times[2]:.1f} s", f"{times[1]:.1f} s", f"{speedup:.2f}x faster",
                ">= 1.7x", speedup >= 1.7),
            Row("gallery render, nothing stale", f"{noop:.2f} s", "", "", "<= 1 s", noop <= 1.0)]


MEMORY = """
import resource, sys
from actviz import cli
try:
    cli.main(["-q", "train", "--steps", sys.argv[1], "--frames", sys.argv[1], "--duration", "20", "-o", sys.argv[2]])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_memory() -> list[Row]:
    """Peak RSS of a 1,000-frame 480 px GIF against a 100-frame one: growth per frame."""
    small = float(run(PY, "-c", MEMORY, "100", str(OUT / "m100.gif")).stdout)
    large = float(run(PY, "-c", MEMORY, "1000", str(OUT / "m1000.gif")).stdout)
    per_frame = (large - small) / 900
    return [Row("memory, 1,000-frame GIF", f"{large:.0f} MB peak", f"{small:.0f} MB at 100 frames",
                f"+{per_frame * 1024:.0f} kB/frame", "<= 333 kB/frame", per_frame <= 1 / 3)]


def bench_formats() -> list[Row]:
    """Each animation format's size, encode time and PSNR against the GIF (bench/formats.py)."""
    import formats

    return formats.rows(Row)


SECTIONS: dict[str, Callable[[], list[Row]]] = {
    "gif": bench_training_gif,
    "formats": bench_formats,
    "render": bench_rendering,
    "train": bench_training,
    "startup": bench_startup,
    "gallery": bench_gallery,
    "memory": bench_memory,
}


def print_table(rows: list[Row]) -> None:
    header = ("measure", "actviz", "reference", "ratio", "target", "met")
    table = [header] + [(r.name, r.ours, r.reference, r.ratio, r.target, "yes" if r.ok else "NO") for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"only these sections: {', '.join(SECTIONS)}")
    ns = parser.parse_args()
    unknown = set(ns.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    OUT.mkdir(exist_ok=True)
    os.chdir(ROOT)
    rows: list[Row] = []
    for name, fn in SECTIONS.items():
        if ns.sections and name not in ns.sections:
            continue
        print(f"... {name}", file=sys.stderr, flush=True)
        rows += fn()
    print_table(rows)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
