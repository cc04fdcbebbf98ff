"""Interrupting a real render (SIGINT, SIGTERM) leaves the previous file intact and no temporary file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SLOW_RENDERS = {
    "still": (["plot", "sigmoid", "tanh", "relu", "elu", "identity", "--samples", "3000000"], "out.svg"),
}


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".tmp-" in p.name]


def interrupt_mid_write(tmp_path: Path, args: list[str], name: str, signum: int) -> subprocess.CompletedProcess:
    """Start a render over an existing file, signal it once its temporary file exists, wait for it."""
    target = tmp_path / name
    target.write_bytes(b"yesterday's good figure")
    proc = subprocess.Popen([sys.executable, "-m", "actviz", *args, "-o", str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not _temp_files(tmp_path):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"render ended or stalled before writing its temporary file: {proc.communicate()}")
        time.sleep(0.01)
    os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())


@pytest.mark.parametrize("kind", sorted(SLOW_RENDERS))
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_keeps_previous_file(tmp_path, kind, signum):
    args, name = SLOW_RENDERS[kind]
    done = interrupt_mid_write(tmp_path, args, name, signum)
    assert done.returncode == 130
    assert done.stderr.strip().splitlines() == ["actviz: error: interrupted"]
    assert (tmp_path / name).read_bytes() == b"yesterday's good figure"
    assert _temp_files(tmp_path) == []


def test_exception_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    """An exception while the file is being written leaves the old file and no temporary."""
    from actviz.atomic import atomic_path

    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half a fi")
            raise RuntimeError("disk on fire")
    assert target.read_bytes() == b"old"
    assert _temp_files(tmp_path) == []
