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


SECTIONS: dict[str, Callable[[], list[Row]]] = {
    "startup": bench_startup,
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
