"""Interrupting a real render (SIGINT, SIGTERM) leaves the previous file intact and no temporary file.

Each test starts ``actviz`` in a subprocess over yesterday's file and signals it mid-work. To signal at
a known moment, however loaded the machine, the subprocess runs the real CLI with one hook that holds
it still at that moment and says so by creating a marker file:

* ``write``: the first write into a temporary output file has reached the disk (a partial file);
* ``frame``: an animation has rendered its second frame (no temporary file exists yet).

The test then checks that the process is still running (and, for ``write``, that the partial temporary
is there) before it sends the signal. One more test signals an unhooked render as soon as its temporary
file appears.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

OLD = b"yesterday's good figure"
SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]

HOOKED_CLI = r"""
import builtins, os, sys, time
marker, mode = os.environ["ACTVIZ_TEST_MARKER"], os.environ["ACTVIZ_TEST_HOLD"]

def hold():
    with _open(marker, "w"):
        pass
    time.sleep(300)  # the test's signal ends this

if mode == "write":
    _open = builtins.open

    class Held:
        def __init__(self, f):
            self._f = f
        def write(self, data):
            n = self._f.write(data)
            if n:
                self._f.flush()
                hold()
            return n
        def __getattr__(self, name):
            return getattr(self._f, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self._f.__exit__(*exc)

    def held_open(file, mode="r", *args, **kwargs):
        f = _open(file, mode, *args, **kwargs)
        return Held(f) if ".tmp-" in os.fspath(file) and any(m in mode for m in "wax") else f

    builtins.open = held_open
else:
    _open = builtins.open
    from actviz.render.animation import AnimationWriter
    _add = AnimationWriter.add

    def add(self, frame):
        _add(self, frame)
        if len(self.frames) == 2:
            hold()

    AnimationWriter.add = add

from actviz.cli import main
main(sys.argv[1:])
"""

STILL = ["plot", "sigmoid", "tanh", "relu", "--size", "4x3", "--dpi", "60"]
WARP_GIF = ["warp", "relu", "tanh", "--n", "2,5", "--points", "200", "--frames", "6", "--size", "4x3", "--dpi", "40"]
TRAIN_GIF = ["train", "relu", "--count", "60", "--steps", "30", "--frames", "6", "--size", "3.4", "--dpi", "40"]

HOLDS = {
    "png-mid-write": (STILL, "out.png", "write"),
    "svg-mid-write": (STILL, "out.svg", "write"),
    "warp-gif-mid-animation": (WARP_GIF, "out.gif", "frame"),
    "warp-gif-mid-write": (WARP_GIF, "out.gif", "write"),
    "train-gif-mid-animation": (TRAIN_GIF, "out.gif", "frame"),
    "train-gif-mid-write": (TRAIN_GIF, "out.gif", "write"),
}


def _temp_files(folder: Path) -> list[Path]:
    """Temporary files, and files half-way to becoming one (``.actviz-new-*``)."""
    return [p for p in folder.iterdir() if ".tmp-" in p.name or p.name.startswith(".actviz-new-")]


def _wait_for(condition, proc: subprocess.Popen, what: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the render ended or stalled before {what}: {err.decode()[-2000:]}")
        time.sleep(0.01)


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())


def assert_interrupted_cleanly(done: subprocess.CompletedProcess, folder: Path, target: Path) -> None:
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines() == ["actviz: error: interrupted"], done.stderr
    assert target.read_bytes() == OLD
    assert _temp_files(folder) == []


@pytest.mark.parametrize("signum", SIGNALS)
@pytest.mark.parametrize("case", sorted(HOLDS))
def test_interrupt_at_a_known_moment_keeps_the_previous_file(tmp_path, case, signum):
    args, name, mode = HOLDS[case]
    target, marker = tmp_path / name, tmp_path.parent / f"{tmp_path.name}.held"
    target.write_bytes(OLD)
    env = {**os.environ, "ACTVIZ_TEST_MARKER": str(marker), "ACTVIZ_TEST_HOLD": mode}
    proc = subprocess.Popen([sys.executable, "-c", HOOKED_CLI, *args, "-o", str(target)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(marker.exists, proc, f"the {mode} hold")
    assert proc.poll() is None, "the process must still be running when it is signalled"
    temps = _temp_files(tmp_path)
    if mode == "write":  # a partial file is on disk beside yesterday's
        assert len(temps) == 1 and 0 < temps[0].stat().st_size, temps
    else:  # frames are being rendered; nothing is written yet
        assert temps == []
    os.kill(proc.pid, signum)
    assert_interrupted_cleanly(_finish(proc), tmp_path, target)


@pytest.mark.parametrize("signum", SIGNALS)
def test_interrupt_an_unhooked_render_as_its_file_appears(tmp_path, signum):
    """No hook: signal a real, long SVG render the moment its temporary file appears. If the render was
    quicker than the signal, the new file must be complete; the render is then tried with more samples."""
    target = tmp_path / "out.svg"
    for samples in (1_000_000, 3_000_000, 9_000_000):
        target.write_bytes(OLD)
        proc = subprocess.Popen([sys.executable, "-m", "actviz", "plot", "sigmoid", "tanh", "relu", "elu",
                                 "identity", "--samples", str(samples), "-o", str(target)],
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_for(lambda: _temp_files(tmp_path), proc, "writing its temporary file")
        os.kill(proc.pid, signum)
        done = _finish(proc)
        assert _temp_files(tmp_path) == []
        if done.returncode == 130 and target.read_bytes() == OLD:
            assert done.stderr.strip().splitlines() == ["actviz: error: interrupted"], done.stderr
            return
        assert target.read_bytes().rstrip().endswith(b"</svg>"), (done.returncode, done.stderr[-3000:])
    pytest.fail("the render always finished before the signal arrived")


def test_exception_mid_write_keeps_previous_file(tmp_path):
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


def test_an_interrupt_python_drops_still_stops_the_commit(tmp_path, capsys):
    """A signal handled inside a weakref callback (or __del__) has its KeyboardInterrupt dropped by
    Python; it is remembered, so the file is not replaced, and nothing is printed about it."""
    import weakref

    from actviz import atomic

    class Thing:
        pass

    target = tmp_path / "fig.svg"
    target.write_bytes(OLD)
    with atomic.catch_interrupts():
        with pytest.raises(KeyboardInterrupt):
            with atomic.atomic_path(target) as tmp:
                tmp.write_bytes(b"<svg>a whole new figure</svg>")
                thing = Thing()
                watcher = weakref.ref(thing, lambda ref: atomic.interrupt())  # noqa: F841
                del thing  # the callback runs here; its KeyboardInterrupt goes nowhere
        assert atomic.interrupted()
    assert target.read_bytes() == OLD and _temp_files(tmp_path) == []
    assert capsys.readouterr().err == ""


def test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing(tmp_path, monkeypatch):
    """A signal that arrives while the temporary file is being created (here: sent from inside the
    os.open that creates it) stops the run with no half-made file left: CI once found a
    ``.actviz-new-*`` file after an interrupted batch, raised as os.open returned, before any
    handler could see the descriptor."""
    from actviz import atomic

    real_open = os.open

    def open_then_signal(path, *args, **kwargs):
        fd = real_open(path, *args, **kwargs)
        if os.path.basename(path).startswith(".actviz-new-"):
            os.kill(os.getpid(), signal.SIGINT)
        return fd

    target = tmp_path / "fig.svg"
    target.write_bytes(OLD)
    monkeypatch.setattr(atomic.os, "open", open_then_signal)
    with atomic.catch_interrupts():
        with pytest.raises(KeyboardInterrupt):
            with atomic.atomic_path(target) as tmp:
                tmp.write_bytes(b"<svg>a whole new figure</svg>")
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert _temp_files(tmp_path) == []
