"""Determinism: the same inputs and seed give the same bytes, in one process, in a fresh one, under
another hash seed and through the worker pool; files carry no dates, ids or versions. Across CPUs
the bytes may differ by rounding (see actviz/gallery/rounding.py and docs/architecture.md)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actviz.cli import COMMANDS

SMALL_FIGURE = ["--dpi", "30"]  # default sizes (each command knows the smallest its layout holds), few pixels


# ------------------------------------------------------------------ determinism

DETERMINISM_CASES = st.one_of(
    st.tuples(st.just("plot"), st.sampled_from([".png", ".svg", ".pdf"]),
              st.lists(st.sampled_from(["relu", "tanh", "elu:alpha=0.5", "gelu", "sinc"]), min_size=1, max_size=3)),
    st.tuples(st.just("warp"), st.sampled_from([".png", ".svg", ".gif"]),
              st.tuples(st.sampled_from(["relu", "tanh", "softplus"]), st.integers(0, 2**31), st.sampled_from(["2", "3,5"]))
              .map(lambda t: [t[0], "--seed", str(t[1]), "--n", t[2], "--points", "80", "--frames", "3"])),
    st.tuples(st.just("train"), st.just(".gif"),
              st.tuples(st.sampled_from(["relu", "tanh"]), st.integers(0, 2**31), st.sampled_from(["moons", "xor"]))
              .map(lambda t: [t[0], "--seed", str(t[1]), "--data", t[2], "--count", "40", "--steps", "10",
                              "--frames", "3"])),
    st.tuples(st.just("boundary"), st.sampled_from([".png", ".svg"]),
              st.integers(0, 2**31).map(lambda s: ["relu@3", "--seed", str(s), "--count", "40", "--steps", "10"])),
    st.tuples(st.just("boundary"), st.just(".png"),
              st.integers(0, 2**31).map(lambda s: ["relu@3", "relu@2,2", "--regions", "--units", "--seed", str(s),
                                                   "--count", "40", "--steps", "10"])),
    st.tuples(st.just("train"), st.just(".gif"),
              st.integers(0, 2**31).map(lambda s: ["relu", "--hidden", "3,5", "--view", "layers", "--seed", str(s),
                                                   "--count", "40", "--steps", "10", "--frames", "3"])),
    st.tuples(st.just("layers"), st.sampled_from([".png", ".svg"]),
              st.integers(0, 2**31).map(lambda s: ["relu", "--hidden", "2,4", "--seed", str(s), "--count", "40",
                                                   "--steps", "10"])),
)


@pytest.mark.slow
@settings(max_examples=12)
@given(DETERMINISM_CASES)
def test_same_inputs_and_seed_give_the_same_bytes(tmp_path_factory, case):
    from conftest import run_cli

    command, ext, args = case
    folder = tmp_path_factory.mktemp("same")
    outputs = [folder / f"first{ext}", folder / f"second{ext}"]
    for out in outputs:
        r = run_cli(command, *args, "-o", out, *SMALL_FIGURE)
        assert r.exit_code == 0, r.stderr
    assert outputs[0].read_bytes() == outputs[1].read_bytes()


@pytest.mark.slow
def test_another_process_gives_the_same_bytes(tmp_path):
    """A fresh interpreter (another hash seed, nothing imported before) writes what this one writes."""
    import os
    import subprocess
    import sys

    from conftest import run_cli

    runs = [("warp", "relu", "tanh", "--n", "2,5", "--points", "100", "--frames", "3", "--seed", "7"),
            ("plot", "elu:alpha=0.5", "sinc", "expr:x*tanh(x)")]
    for number, (args, ext) in enumerate(zip(runs, (".gif", ".svg"))):
        here, there = tmp_path / f"here{number}{ext}", tmp_path / f"there{number}{ext}"
        assert run_cli(*args, "-o", here, *SMALL_FIGURE).exit_code == 0
        env = {**os.environ, "PYTHONHASHSEED": "12345"}
        done = subprocess.run([sys.executable, "-m", "actviz", *args, "-o", str(there), *SMALL_FIGURE],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert here.read_bytes() == there.read_bytes(), args


# --------------------------------------------------------------------------- reproducible to the byte

GIF_SCRIPT = """
import sys
import numpy as np
from actviz.render.animation import AnimationWriter
from actviz.render.figure import new_figure, rc_context

with rc_context():
    fig = new_figure(2.4, 1.8, dpi=60)
    ax = fig.add_subplot()
    x = np.linspace(-3, 3, 200)
    (line,) = ax.plot(x, np.tanh(x))
    ax.set_title("tanh(kx)")
    frames = []
    for k in (0.5, 1.0, 2.0, 4.0):
        line.set_ydata(np.tanh(k * x))
        fig.canvas.draw()
        frames.append(np.asarray(fig.canvas.buffer_rgba()).copy())
writer = AnimationWriter(sys.argv[1], palette_samples=[frames[0], frames[-1]], duration_ms=100)
for frame in frames:
    writer.add(frame)
writer.close()
"""

REPRO_SPEC = """
[[figure]]
title = "png"
command = "plot"
args = ["sigmoid", "relu", "--size", "4x2.5", "--dpi", "72", "--title", "f and f'"]
output = "f.png"

[[figure]]
title = "svg"
command = "plot"
args = ["tanh", "elu:alpha=0.5", "--size", "4x2.5"]
output = "f.svg"

[[figure]]
title = "pdf"
command = "plot"
args = ["softsign", "swish", "--size", "4x2.5"]
output = "f.pdf"
"""

REPRO_WARP = """
[[figure]]
title = "gif"
command = "warp"
args = ["tanh", "--n", "5", "--points", "200", "--frames", "4", "--size", "3x3", "--dpi", "40"]
output = "warp.gif"
"""


def render_fresh(folder: Path, hash_seed: str) -> dict[str, bytes]:
    """Render the little spec and the GIF script in fresh Python processes; return the files' bytes."""
    folder.mkdir()
    spec = folder / "spec.toml"
    spec.write_text(REPRO_SPEC + (REPRO_WARP if "warp" in COMMANDS else ""))
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    r = subprocess.run([sys.executable, "-m", "actviz", "render", str(spec), "-j", "2"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-c", GIF_SCRIPT, str(folder / "frames.gif")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".png", ".svg", ".pdf", ".gif")}


@pytest.fixture(scope="module")
def two_renderings(tmp_path_factory):
    base = tmp_path_factory.mktemp("repro")
    return render_fresh(base / "a", "1"), render_fresh(base / "b", "2")


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf", ".gif"])
def test_two_fresh_processes_give_the_same_bytes(two_renderings, suffix):
    first, second = two_renderings
    names = sorted(n for n in first if n.endswith(suffix))
    assert names
    for name in names:
        assert first[name] == second[name], f"{name} differs between two fresh renderings"


def png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        chunks.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return chunks


@pytest.mark.slow
def test_no_dates_ids_or_versions_in_the_files(two_renderings):
    import matplotlib
    import PIL

    from actviz import __version__

    files, _ = two_renderings
    versions = [matplotlib.__version__.encode(), PIL.__version__.encode(), f"actviz {__version__}".encode()]
    for name, data in files.items():
        lowered = data.lower()
        for text in (b"matplotlib v", b"matplotlib.org", b"pillow", *versions):
            assert text not in lowered, f"{name} mentions {text!r}"
        assert not re.search(rb"20\d\d-\d\d-\d\d|D:20\d\d", data), f"{name} holds a date"
    assert set(png_chunks(files["f.png"])) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND", b"sRGB", b"gAMA", b"PLTE", b"tRNS"}
    assert b"/CreationDate" not in files["f.pdf"] and b"/Producer" not in files["f.pdf"]
    assert b"<dc:date>" not in files["f.svg"]
    from PIL import Image
    import io

    for name in (n for n in files if n.endswith(".gif")):
        with Image.open(io.BytesIO(files[name])) as im:
            assert "comment" not in im.info and im.n_frames == 4


@pytest.mark.parametrize("ext", ["pdf", "svg", "pgf", "eps"])
def test_same_command_same_bytes(actviz, tmp_path, ext):
    outs = [tmp_path / "a" / f"fig.{ext}", tmp_path / "b" / f"fig.{ext}"]
    for out in outs:
        assert actviz("plot", "expr:x*sigmoid(x)", "--style", "paper", "--formula", "legend", "--no-derivative",
                      "-o", out).exit_code == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
