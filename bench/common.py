"""What every bench group shares: paired, interleaved measurement and the table's rows.

A comparison runs its sides in rounds, each round measuring every side once, the order
turning round each time (A B, B A, A B, ...): whatever else the machine is doing at a
moment (other processes, thermal state, caches) lands on both sides alike, and the ratio
of each round is a fair one. A row reports the median of each side with its min-max, and
the median ratio of the rounds with its min-max; a target is judged on the median ratio.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable
PAIRS = int(os.environ.get("BENCH_PAIRS", "5"))
"""Rounds per comparison (at least 5; BENCH_PAIRS=7 for steadier medians)."""

THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""Every process of the bench, on either side, runs BLAS on one thread unless a row says otherwise."""


@dataclass
class Row:
    """One line of the table. ``met`` is True, False or None (information, no target)."""

    name: str
    ours: str
    reference: str = ""
    ratio: str = ""
    target: str = "(info)"
    met: bool | None = None
    note: str = ""


def as_row(obj) -> Row:
    """A row from a group module: a Row, or anything with the same fields (attributes or keys)."""
    if isinstance(obj, Row):
        return obj
    get = obj.get if isinstance(obj, Mapping) else (lambda k, d=None: getattr(obj, k, d))
    met = get("met", get("ok", None))
    return Row(str(get("name", get("measure", "?"))), str(get("ours", get("actviz", ""))), str(get("reference", "")),
               str(get("ratio", "")), str(get("target", "(info)")), met, str(get("note", "")))


# ---- measuring

def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child: one BLAS thread, this tree first on the path."""
    env = {**os.environ, **THREADS, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.update(extra)
    return env


def run(*args: str, env: Mapping[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True,
                          env=dict(env or child_env()), **kw)


def child_cpu(*args: str, env: Mapping[str, str] | None = None) -> float:
    """CPU seconds (user + system) of one child process: steadier than wall time on a busy machine."""
    before = os.times()
    run(*args, env=env)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def child_wall(*args: str, env: Mapping[str, str] | None = None) -> float:
    t = time.perf_counter()
    run(*args, env=env)
    return time.perf_counter() - t


PEAK_PROBE = """
import resource, sys
{prelude}
from actviz.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
try:  # this process's own high-water mark (ru_maxrss would count the parent's size at fork as well)
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write("PEAK %d" % peak)
"""


def actviz_peak_mb(*args: str, prelude: str = "", env: Mapping[str, str] | None = None) -> float:
    """Peak resident memory (MB) of ``actviz ARGS`` in a fresh process (VmHWM, the kernel's high-water
    mark of its memory); ``prelude`` runs first (e.g. to change a module constant)."""
    done = run(PY, "-c", PEAK_PROBE.format(prelude=prelude), *args, env=env)
    return int(done.stderr.rsplit("PEAK", 1)[1]) / 1024


def paired(sides: Mapping[str, Callable[[], float]], pairs: int = PAIRS) -> dict[str, list[float]]:
    """Measure every side once per round for ``pairs`` rounds, the order reversed every other round."""
    names = list(sides)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for i in range(pairs):
        for n in (names if i % 2 == 0 else names[::-1]):
            samples[n].append(float(sides[n]()))
    return samples


# ---- reporting

def spread(values: Sequence[float], fmt: Callable[[float], str]) -> str:
    """``median [min-max]`` of a side."""
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]"


def ratios(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Per-round ratios a_i / b_i."""
    return [x / y for x, y in zip(a, b)]


def ratio_text(r: Sequence[float], suffix: str = "x", digits: int = 2) -> str:
    return f"{statistics.median(r):.{digits}f}{suffix} [{min(r):.{digits}f}-{max(r):.{digits}f}]"


def seconds(v: float) -> str:
    return f"{v:.2f} s"


def millis(v: float) -> str:
    return f"{v * 1e3:.1f} ms" if v < 0.1 else f"{v * 1e3:.0f} ms"


def compare(name: str, ours: Sequence[float], ref: Sequence[float], fmt: Callable[[float], str], *,
            target: float | None, at_most: bool = True, ref_label: str = "", note_missed: str = "",
            note: str = "") -> Row:
    """A row comparing two paired sides by the median of the per-round ratios ours/ref."""
    r = ratios(ours, ref)
    med = statistics.median(r)
    met = None if target is None else (med <= target if at_most else med >= target)
    target_text = "(info)" if target is None else f"{'<=' if at_most else '>='} {target:g}x"
    return Row(name, spread(ours, fmt), (ref_label + " " if ref_label else "") + spread(ref, fmt), ratio_text(r),
               target_text, met, note_missed if met is False else note)


def load() -> str:
    """The 1-minute load average (runnable processes; this machine has os.cpu_count() cores)."""
    return f"{os.getloadavg()[0]:.1f}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
