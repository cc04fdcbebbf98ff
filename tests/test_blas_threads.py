"""One BLAS thread by default in the CLI process (as in the gallery's workers), more only when the
user's environment asks; and the outputs of the default and the article's figures do not depend
on it. Each case runs in a fresh process: OpenBLAS reads its thread count when numpy loads."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from actviz.threads import VARIABLES

# run the CLI, then report the process's OS threads (OpenBLAS starts its pool when numpy loads)
PROBE = """
import os, sys
from actviz.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w") as f:
    f.write(f"{code} {len(os.listdir('/proc/self/task'))} {'numpy' in sys.modules}")
"""

needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                                reason="counts threads in /proc on a machine with 2 or more cores")


def run(tmp_path: Path, args: list[str], threads: str | None) -> int:
    """Run ``actviz ARGS`` in a fresh process with OPENBLAS_NUM_THREADS unset or set; its OS thread count."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = threads
    report = tmp_path / f"report-{threads}"
    subprocess.run([sys.executable, "-c", PROBE, str(report), *args], env=env, check=True, timeout=300,
                   capture_output=True)
    code, count, loaded = report.read_text().split()
    assert code == "0" and loaded == "True"
    return int(count)


@needs_proc
def test_cli_runs_blas_on_one_thread_unless_the_environment_asks(tmp_path):
    args = ["-q", "boundary", "relu@3", "--count", "40", "--steps", "5", "--dpi", "30", "-o", str(tmp_path / "b.png")]
    assert run(tmp_path, args, None) == 1
    assert run(tmp_path, args, "2") == 2


def test_main_leaves_the_environment_as_it_found_it(monkeypatch):
    from actviz import cli

    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert [os.environ.get(name) for name in VARIABLES] == [None, "3", None]


OUTPUTS = {
    "train": ["train", "-o", "{out}.gif"],  # the default animation
    "boundary": ["boundary", "-o", "{out}.png"],  # the article's four models, relu@300 among them
    "warp": ["warp", "relu", "tanh", "-o", "{out}.png"],
}


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_default_outputs_are_the_same_bytes_with_one_or_two_threads(tmp_path, command):
    outputs = {}
    for threads in ("1", "2"):
        out = tmp_path / f"{command}-{threads}"
        args = ["-q", *(a.format(out=out) for a in OUTPUTS[command])]
        assert run(tmp_path, args, threads) == int(threads)  # the second thread really was there
        outputs[threads] = Path(args[-1]).read_bytes()
    assert outputs["1"] == outputs["2"]
