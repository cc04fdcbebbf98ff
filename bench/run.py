"""actviz benchmark: every comparison paired and interleaved in one run, medians with min-max.

Run with ``make bench`` (or ``python bench/run.py [GROUP...]``). Each comparison measures
its sides in rounds (A B, then B A, ...; BENCH_PAIRS rounds, default 5), so that whatever
else the machine does lands on both sides alike; rows give each side's median [min-max]
and the median [min-max] of the per-round ratios, and a target is judged on that median.
Every process on either side runs BLAS on one thread unless the row says otherwise, and
the machine's load average is printed with each group.

Groups are functions here or modules beside this file: a module ``bench/NAME.py`` listed in
PLUGINS that defines ``rows()`` (returning Row objects from bench/common.py, or mappings with
the same fields) is run as group NAME when it exists and skipped when it does not.
"""
from __future__ import annotations

import os

import sys

from common import ROOT, THREADS

for _name, _value in THREADS.items():  # before anything imports numpy, as in actviz's own CLI
    os.environ.setdefault(_name, _value)
sys.path.insert(1, str(ROOT))  # this tree's actviz, also in a git worktree beside the installed one

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

from common import (HERE, OUT, PAIRS, PY, Row, actviz_peak_mb, as_row, child_cpu, child_env,  # noqa: E402
                    child_wall, compare, load, millis, paired, ratio_text, ratios, run, seconds, spread)

ACTVIZ = (PY, "-m", "actviz")


def mb(v: float) -> str:
    return f"{v:.0f} MB"


# ---------------------------------------------------------------- start-up

LIST_WITH_NUMPY = "import numpy, sys; sys.argv = ['actviz', 'list']; from actviz.cli import main; main()"


def bench_startup() -> list[Row]:
    """Wall time of light commands against the bare interpreter, and of `list` against importing numpy."""
    sides = {
        "bare": lambda: child_wall(PY, "-c", "pass"),
        "help": lambda: child_wall(*ACTVIZ, "--help"),
        "list": lambda: child_wall(*ACTVIZ, "list"),
        "list, numpy first": lambda: child_wall(PY, "-c", LIST_WITH_NUMPY),
    }
    s = paired(sides, max(PAIRS, 10))
    why = "interpreter start-up dominates; see docs/performance.md"
    return [
        compare("start-up: actviz --help vs python -c pass", s["help"], s["bare"], millis, target=7,
                note_missed=why),
        compare("start-up: actviz list vs python -c pass", s["list"], s["bare"], millis, target=11, note_missed=why),
        compare("  actviz list vs the same with numpy loaded first (as before)", s["list"], s["list, numpy first"],
                millis, target=None, note="the catalogue's numpy now loads on first evaluation"),
    ]


# ---------------------------------------------------------------- frames

def training_run():
    from actviz import api

    return api.train("relu")


def bench_frames() -> list[Row]:
    """CPU per blitted frame of the default training GIF: actviz against the floor.

    Each round builds every side afresh (cold caches, as in a real run) and renders what
    ``actviz train`` renders: the first frame (the full draw, untimed), then the middle and
    last frames (the palette's samples) and every frame in order, 50 blits. The sides take
    turns frame by frame (A B C, then C B A, ...), so a burst of other work on the machine
    lands on all of them; each round gives each side's mean CPU per frame."""
    import sys as _sys

    _sys.path.insert(0, str(HERE))
    from minimal_blit import minimal_frames

    from actviz.render.figure import rc_context
    from actviz.render.training import TrainingFrames

    run_ = training_run()
    snaps = run_.snapshots
    order = [len(snaps) // 2, len(snaps) - 1, *range(len(snaps))]  # after frame 0's full draw

    def actviz_side(plain_text: bool = False, precomputed: bool = False) -> Callable[[], Callable[[int], object]]:
        def make():
            source = TrainingFrames(run_)
            source.status.fast = source.status.fast and not plain_text
            if precomputed:  # the network's outputs computed beforehand, as the floor has them
                precompute_updates(source, snaps)
            source.render(snaps[0])
            return lambda i: source.render(snaps[i])
        return make

    def minimal_side(text: bool = False) -> Callable[[], Callable[[int], object]]:
        def make():
            blit, _ = minimal_frames(run_, text)
            blit(0)
            return blit
        return make

    makers = {"actviz": actviz_side(), "minimal": minimal_side(), "minimal+text": minimal_side(True),
              "actviz, Text status": actviz_side(plain_text=True),
              "actviz, outputs precomputed": actviz_side(precomputed=True)}
    s: dict[str, list[float]] = {name: [] for name in makers}
    with rc_context(()):
        for r in range(max(PAIRS, 9)):
            names = list(makers) if r % 2 == 0 else list(makers)[::-1]
            sources = {name: makers[name]() for name in names}
            totals = dict.fromkeys(names, 0.0)
            gc.collect()  # every round starts with the collector's work done (as timeit does; it stays on)
            for k, i in enumerate(order):
                for name in (names if k % 2 == 0 else names[::-1]):
                    t = time.process_time()
                    sources[name](i)
                    totals[name] += time.process_time() - t
            for name in names:
                s[name].append(totals[name] / len(order))
            del sources
    return [
        compare("blitted frame: actviz vs minimal blit, no text", s["actviz"], s["minimal"], millis, target=1.3,
                note_missed="the status line or the per-frame evaluation costs more than planned"),
        compare("  minimal blit: with a matplotlib Text status vs without", s["minimal+text"], s["minimal"], millis,
                target=None, note="what one changing Text costs at the floor"),
        compare("  actviz frame: status as a plain Text vs StatusLine", s["actviz, Text status"], s["actviz"], millis,
                target=None, note="same pixels (tests/test_status.py)"),
        compare("  actviz frame, network outputs precomputed vs minimal blit", s["actviz, outputs precomputed"],
                s["minimal"], millis, target=None, note="what is left without the per-frame evaluation"),
    ]


def precompute_updates(source, snaps) -> None:
    """Replace a TrainingFrames' per-frame updates by setting data computed now, for every snapshot."""
    import numpy as np
    from matplotlib.collections import LineCollection

    artists = [a for a in source.moving if not isinstance(a, type(source.stats))]
    stored = {}
    with np.errstate(all="ignore"):
        for snap in snaps:
            for update in source.updates:
                update(snap)
            stored[id(snap)] = [(a, [np.array(p) for p in a.get_segments()]) if isinstance(a, LineCollection)
                                else (a, [np.array(v) for v in a.get_data()]) for a in artists if a.get_animated()]

    def replay(snap) -> None:
        for artist, data in stored[id(snap)]:
            if isinstance(artist, LineCollection):
                artist.set_segments(data)
            else:
                artist.set_data(*data)

    source.updates[:] = [replay]


# ---------------------------------------------------------------- GIF: end to end, parts, encoding, size

def bench_gif() -> list[Row]:
    """End to end: `actviz train` (default GIF) against FuncAnimation + PillowWriter, and against its own parts."""
    ours_gif, ref_gif = OUT / "ours.gif", OUT / "reference.gif"
    parts: list[dict] = []

    def components() -> float:
        done = run(PY, HERE / "components.py", OUT / "parts.gif")
        parts.append(json.loads(done.stdout.strip().splitlines()[-1]))
        return sum(parts[-1].values())

    s = paired({
        "actviz": lambda: child_cpu(*ACTVIZ, "-q", "train", "-o", ours_gif),
        "reference": lambda: child_cpu(PY, HERE / "reference_train_gif.py", ref_gif),
        "parts": components,
    })
    imports = statistics.median(p["imports"] for p in parts)
    floor = imports / statistics.median(s["reference"])
    rows = [compare("training GIF end to end (CPU): actviz vs FuncAnimation+PillowWriter", s["actviz"],
                    s["reference"], seconds, target=0.125,
                    note_missed=f"the interpreter and imports alone are {floor:.2f}x of the reference"),
            compare("  whole run vs the sum of its parts", s["actviz"], s["parts"], seconds, target=1.2,
                    note_missed="time goes somewhere the parts do not show")]
    detail = ", ".join(f"{k} {statistics.median(p[k] for p in parts) * 1e3:.0f} ms" for k in parts[0])
    rows.append(Row("  the parts (median CPU)", detail))
    return rows


def gif_psnr(path: Path, exact: list, durations: list[int]) -> float:
    """PSNR of a GIF's frames against the unquantised RGB frames (frames matched by time: an
    encoder may merge identical frames)."""
    import numpy as np
    from PIL import Image, ImageSequence

    starts = np.concatenate([[0], np.cumsum(durations[:-1])])
    errors, t = [], 0
    with Image.open(path) as im:
        for frame in ImageSequence.Iterator(im):
            i = int(np.searchsorted(starts, t, side="right") - 1)
            got = np.asarray(frame.convert("RGB"), dtype=np.float64)
            errors.append(((got - exact[i][..., :3]) ** 2).mean())
            t += frame.info.get("duration", durations[i])
    mse = float(np.mean(errors))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def bench_encoding() -> list[Row]:
    """The same 48 RGBA frames encoded by actviz (one palette, mapped, unchanged pixels transparent)
    and by Pillow as PillowWriter does it; sizes compared at equal fidelity."""
    import numpy as np
    from PIL import Image

    from actviz.render.animation import AnimationWriter
    from actviz.render.figure import rc_context
    from actviz.render.training import TrainingFrames

    run_ = training_run()
    snaps = run_.snapshots
    with rc_context(()):
        source = TrainingFrames(run_)
        frames = [np.array(source.render(s)) for s in snaps]
    durations = [100] * (len(frames) - 1) + [1500]
    palette = [frames[0], frames[len(frames) // 2], frames[-1]]
    h, w = frames[0].shape[:2]

    def ours(path: Path, colors: int = 36) -> None:
        writer = AnimationWriter(path, duration_ms=durations, palette_samples=palette, colors=colors)
        for f in frames:
            writer.add(f)
        writer.close()

    def pillow(path: Path, colors: int | None = None) -> None:
        """PillowWriter: RGBA images handed to Pillow's GIF encoder (an adaptive palette per frame);
        with ``colors``, each frame first reduced to that many colours the same way."""
        images = [Image.frombuffer("RGBA", (w, h), f.tobytes(), "raw", "RGBA", 0, 1) for f in frames]
        if colors:
            images = [im.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=colors) for im in images]
        images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)

    def cpu(fn: Callable, path: Path) -> Callable[[], float]:
        def measure() -> float:
            gc.collect()
            t = time.process_time()
            fn(path)
            return time.process_time() - t
        return measure

    s = paired({"actviz": cpu(ours, OUT / "enc-ours.gif"), "pillow": cpu(pillow, OUT / "enc-pillow.gif")})
    rows = [compare("GIF encoding of the same frames (CPU): actviz vs Pillow", s["actviz"], s["pillow"], seconds,
                    target=1.0, note_missed="mapping onto one exact palette costs more than Pillow's quantiser")]

    variants: dict[str, list[tuple[float, int, int]]] = {"actviz": [], "Pillow": []}  # (PSNR, size, colours)
    for colors in (8, 12, 16, 24, 36, 64, 128, 256):
        path = OUT / f"size-ours-{colors}.gif"
        ours(path, colors)
        variants["actviz"].append((gif_psnr(path, frames, durations), path.stat().st_size, colors))
    for colors in (16, 24, 32, 48, 64, 96, 128, None):
        path = OUT / f"size-pillow-{colors or 'default'}.gif"
        pillow(path, colors)
        variants["Pillow"].append((gif_psnr(path, frames, durations), path.stat().st_size, colors or 256))
    ours_default = next(v for v in variants["actviz"] if v[2] == 36)
    pillow_default = variants["Pillow"][-1]  # what PillowWriter writes
    rows.append(size_row("GIF size at actviz's fidelity: actviz vs Pillow", ours_default, "actviz (36 colours)",
                         variants["Pillow"], "Pillow", ours_side=True))
    rows.append(size_row("GIF size at PillowWriter's fidelity: actviz vs PillowWriter", pillow_default,
                         "PillowWriter (RGBA frames)", variants["actviz"], "actviz", ours_side=False))
    sweep = "; ".join(f"{who}: " + ", ".join(f"{c}c {p:.1f} dB {sz / 1e3:.0f} kB" for p, sz, c in sorted(v, key=lambda t: t[2]))
                      for who, v in variants.items())
    rows.append(Row("  the sweep (colours per palette, PSNR, size)", sweep))
    return rows


def size_at(psnr: float, points: list[tuple[float, int, int]]) -> tuple[float, str] | None:
    """Size at a PSNR, interpolated (linearly in dB) between the two variants that bracket it."""
    points = sorted(points)
    for (p1, s1, c1), (p2, s2, c2) in zip(points, points[1:]):
        if p1 <= psnr <= p2:
            f = 0 if p2 == p1 else (psnr - p1) / (p2 - p1)
            return s1 + f * (s2 - s1), f"{c1}-{c2} colours, interpolated"
    for p, size, c in points:
        if abs(p - psnr) < 0.05:
            return size, f"{c} colours"
    return None


def size_row(label: str, fixed: tuple[float, int, int], fixed_label: str, others: list, others_label: str,
             ours_side: bool) -> Row:
    """Compare ``fixed`` with the other side's size at the same PSNR; the ratio is actviz / other."""
    psnr, size, _ = fixed
    match = size_at(psnr, others)
    fixed_text = f"{size / 1e3:.0f} kB at {psnr:.1f} dB, {fixed_label}"
    if match is None:
        lo, hi = min(p for p, _, _ in others), max(p for p, _, _ in others)
        return Row(label, fixed_text if ours_side else f"no palette size tried reaches {psnr:.1f} dB",
                   f"{others_label} spans {lo:.1f}-{hi:.1f} dB" if ours_side else fixed_text, "", "<= 0.5x", None,
                   "no variant of the other side at this fidelity")
    other_size, how = match
    other_text = f"{other_size / 1e3:.0f} kB at {psnr:.1f} dB ({others_label}, {how})"
    ratio = size / other_size if ours_side else other_size / size
    return Row(label, fixed_text if ours_side else other_text, other_text if ours_side else fixed_text,
               f"{ratio:.2f}x", "<= 0.5x", ratio <= 0.5, "" if ratio <= 0.5 else "see docs/performance.md")


# ---------------------------------------------------------------- training

TORCH_TRAIN = """
import sys, time, torch
torch.manual_seed(0)
torch.set_num_threads(1)  # the same as numpy's one BLAS thread
steps = int(sys.argv[1])
X = torch.randn(1000, 2, dtype=torch.float64)
y = (X.pow(2).sum(1) > 1).long()
model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
lossf = torch.nn.CrossEntropyLoss()
for _ in range(20):
    opt.zero_grad(); lossf(model(X), y).backward(); opt.step()
t = time.process_time()
for _ in range(steps):
    opt.zero_grad(); loss = lossf(model(X), y); loss.backward(); opt.step()
print(time.process_time() - t)
"""

NUMPY_TRAIN = """
import sys, time
from actviz import api
steps = int(sys.argv[1])
api.train("relu", count=1000, steps=20, frames=None)
t = time.process_time()
api.train("relu", count=1000, steps=steps, frames=None)
print(time.process_time() - t)
"""


def bench_training() -> list[Row]:
    """Steps per second of 2-4-2 on 1,000 points, full batch, Adam, float64, one thread: numpy vs PyTorch."""
    steps = 2000
    try:
        run(PY, "-c", "import torch")
    except Exception:
        return [Row("training 2-4-2, 1,000 points", "", "PyTorch not installed", "", ">= 2x", None)]
    s = paired({"actviz": lambda: steps / float(run(PY, "-c", NUMPY_TRAIN, str(steps)).stdout),
                "torch": lambda: steps / float(run(PY, "-c", TORCH_TRAIN, str(steps)).stdout)})
    return [compare("training 2-4-2 on 1,000 points (steps/s, 1 thread each): actviz vs PyTorch", s["actviz"],
                    s["torch"], lambda v: f"{v:,.0f}", target=2, at_most=False,
                    note_missed="per-step overhead")]


# ---------------------------------------------------------------- threads and memory

def bench_threads() -> list[Row]:
    """One BLAS thread (actviz's default) against two, on a wide network (wall time: what the user waits)."""
    args = (*ACTVIZ, "-q", "boundary", "relu@1000", "--steps", "100", "-o", OUT / "threads.png")
    s = paired({"one": lambda: child_wall(*args, env=child_env()),
                "two": lambda: child_wall(*args, env=child_env(OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2",
                                                               MKL_NUM_THREADS="2"))})
    return [compare("boundary relu@1000 (wall): 1 BLAS thread vs 2", s["one"], s["two"], seconds, target=1.0,
                    note_missed="on an idle machine a second thread can pay; actviz defaults to one regardless "
                                "(outputs must not depend on the core count)")]


def bench_memory() -> list[Row]:
    """Peak memory: decision regions evaluated in blocks of points, and a long GIF's growth per frame."""
    quick = ("--steps", "100", "--dpi", "150")
    s = paired({
        "300": lambda: actviz_peak_mb("-q", "boundary", "relu@300", *quick, "-o", OUT / "m300.png"),
        "300 at once": lambda: actviz_peak_mb("-q", "boundary", "relu@300", *quick, "-o", OUT / "m300w.png",
                                              prelude="import actviz.core.net as n; n.BLOCK_VALUES = 1 << 40"),
        "3000": lambda: actviz_peak_mb("-q", "boundary", "relu@3000", *quick, "-o", OUT / "m3000.png"),
    })
    rows = [compare("boundary relu@300 peak memory: in blocks vs at once", s["300"], s["300 at once"], mb,
                    target=None, note="300 x 300 raster; before this change: 535 MiB"),
            compare("boundary relu@3000 vs relu@300 peak memory", s["3000"], s["300"], mb, target=1.5,
                    note_missed="memory grows with the width",
                    note=f"relu@3000 {'under' if statistics.median(s['3000']) < 600 else 'OVER'} 600 MB "
                         "(was 4.4 GB at once)")]
    small, large = 100, 1000

    def gif_peak(frames: int) -> Callable[[], float]:
        return lambda: actviz_peak_mb("-q", "train", "--steps", str(frames), "--frames", str(frames), "--duration",
                                      "20", "-o", OUT / f"m{frames}.gif")

    g = paired({"small": gif_peak(small), "large": gif_peak(large)})
    per_frame = [(b - a) / (large - small) for a, b in zip(g["small"], g["large"])]
    budget = 480 * 510 / 1024 / 1024 * 1.4  # 1 byte per pixel per frame, 40% slack, in MB
    rows.append(Row(f"memory: {large}-frame vs {small}-frame GIF", spread(g["large"], mb), spread(g["small"], mb),
                    f"+{statistics.median(per_frame) * 1024:.0f} kB/frame [{min(per_frame) * 1024:.0f}-"
                    f"{max(per_frame) * 1024:.0f}]", f"<= {budget * 1024:.0f} kB/frame",
                    statistics.median(per_frame) <= budget,
                    "" if statistics.median(per_frame) <= budget else "more than one byte per pixel per frame is kept"))
    return rows


# ---------------------------------------------------------------- gallery

def bench_gallery() -> list[Row]:
    """A fresh render of the whole gallery with 2 workers against 1 (wall time), and a run with nothing stale."""
    spec = ROOT / "gallery" / "gallery.toml"
    noop: list[float] = []

    def fresh(jobs: int) -> Callable[[], float]:
        def measure() -> float:
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copy(spec, Path(tmp) / "gallery.toml")
                t = child_wall(*ACTVIZ, "-q", "render", Path(tmp) / "gallery.toml", "-j", str(jobs))
                if jobs == 2:
                    noop.append(child_wall(*ACTVIZ, "-q", "render", Path(tmp) / "gallery.toml"))
                return t
        return measure

    s = paired({"2": fresh(2), "1": fresh(1)})
    speed = ratios(s["1"], s["2"])
    return [Row("gallery render: 2 workers vs 1 (wall)", spread(s["2"], seconds), spread(s["1"], seconds),
                ratio_text(speed, "x faster"), ">= 1.7x faster", statistics.median(speed) >= 1.7,
                "" if statistics.median(speed) >= 1.7 else "the machine's second core was busy with other work "
                "(see the load average)"),
            compare("  gallery render, nothing stale vs fresh with 2 workers", noop, s["2"], seconds, target=0.1,
                    note_missed="checking what is stale costs too much")]


GROUPS: dict[str, Callable[[], list[Row]]] = {
    "startup": bench_startup,
    "frames": bench_frames,
    "gif": bench_gif,
    "encoding": bench_encoding,
    "train": bench_training,
    "threads": bench_threads,
    "memory": bench_memory,
    "gallery": bench_gallery,
}
PLUGINS = ("formats",)
"""Group modules beside this file, each with ``rows()``; absent ones are skipped."""


def plugin_groups() -> dict[str, Callable[[], list]]:
    found = {}
    for name in PLUGINS:
        if (HERE / f"{name}.py").is_file():
            found[name] = lambda name=name: importlib.import_module(name).rows()
    return found


def print_table(rows: list[Row], out=sys.stdout) -> None:
    header = ("measure", "actviz", "reference", "ratio", "target", "met", "note")
    table = [header] + [(r.name, r.ours, r.reference, r.ratio, r.target,
                         "info" if r.met is None else "yes" if r.met else "NO", r.note) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |", file=out)
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)


def main() -> int:
    groups = {**GROUPS, **plugin_groups()}
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=f"only these groups: {', '.join(groups)}")
    ns = parser.parse_args()
    unknown = set(ns.groups) - set(groups)
    if unknown:
        parser.error(f"unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(groups)}")
    missing = [name for name in PLUGINS if name not in groups]
    OUT.mkdir(exist_ok=True)
    os.chdir(ROOT)
    print(f"actviz bench: {PAIRS} rounds per comparison (more for the quick ones), sides interleaved A B / B A; "
          f"{os.cpu_count()} cores; BLAS threads: {', '.join(f'{k}={v}' for k, v in THREADS.items())} on both sides; "
          f"load average at start {' '.join(f'{v:.1f}' for v in os.getloadavg())}"
          + (f"; skipped (absent): {', '.join(missing)}" if missing else ""), flush=True)
    rows: list[Row] = []
    for name, fn in groups.items():
        if ns.groups and name not in ns.groups:
            continue
        before, t = load(), time.perf_counter()
        print(f"... {name} (load {before})", file=sys.stderr, flush=True)
        got = [as_row(r) for r in fn()]
        print(f"    {name}: {time.perf_counter() - t:.0f} s, load {before} -> {load()}", file=sys.stderr, flush=True)
        rows += [Row(f"[{name}, load {before}->{load()}]", "", met=None)] + got
    print_table(rows)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
