"""The animation writers: the exact palette and nearest-colour mapping, then every format decoded again
(frame count, size, timing, colours), byte-identical output, the LaTeX frames and their snippet."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from actviz.errors import RunFailure, UserError
from actviz.render import frame_folder, video
from actviz.render.animation import AnimationWriter, PaletteMapper, build_palette, write_frames
from actviz.render.layout import ANIMATION_FORMATS, ANIMATION_NAMES, Encoding


def frame(shift: int, h: int = 60, w: int = 80) -> np.ndarray:
    """White background, a red bar that moves, a noisy (antialiasing-like) strip."""
    rng = np.random.default_rng(shift)
    f = np.full((h, w, 4), 255, np.uint8)
    f[10:20, shift:shift + 20, :3] = (216, 48, 48)
    f[40:44, :, :3] = rng.integers(0, 256, (4, w, 3))
    return f


def test_flat_colours_stay_exact_and_mapping_is_nearest():
    samples = [frame(0), frame(30)]
    palette = build_palette(samples)
    entries = np.array(palette.getpalette()).reshape(-1, 3)
    assert [255, 255, 255] in entries.tolist() and [216, 48, 48] in entries.tolist()
    f = frame(7)
    idx = PaletteMapper(palette).indices(f)
    dist = ((f[..., None, :3].astype(int) - entries[None, None]) ** 2).sum(-1)
    chosen = np.take_along_axis(dist, idx[..., None].astype(int), axis=-1)[..., 0]
    assert np.array_equal(chosen, dist.min(-1))  # an independent brute-force nearest colour


def test_gif_properties_and_determinism(tmp_path):
    paths = [tmp_path / "a.gif", tmp_path / "b.gif"]
    for p in paths:
        writer = AnimationWriter(p, duration_ms=[50, 60, 70, 500], loop=0, palette_samples=[frame(0), frame(30)])
        for shift in (0, 10, 20, 30):
            writer.add(frame(shift))
        writer.close()
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with Image.open(paths[0]) as im:
        assert im.format == "GIF" and im.info["loop"] == 0
        frames = [f.convert("RGB") for f in ImageSequence.Iterator(im)]
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info["duration"])
    assert len(frames) == 4 and durations == [50, 60, 70, 500]
    assert np.array_equal(np.array(frames[2])[12, 25], [216, 48, 48])
    assert np.array_equal(np.array(frames[2])[0, 0], [255, 255, 255])


def test_frames_are_held_as_one_byte_per_pixel(tmp_path):
    writer = AnimationWriter(tmp_path / "m.gif", palette_samples=[frame(0)])
    writer.add(frame(5))
    assert writer.frames[0].dtype == np.uint8 and writer.frames[0].shape == (60, 80)


def test_unchanged_pixels_are_transparent_yet_frames_decode_whole(tmp_path):
    """Differencing against the previous frame must not change what a viewer sees."""
    shifts = (0, 10, 10, 25, 30)
    originals = [frame(s) for s in shifts]
    writer = AnimationWriter(tmp_path / "d.gif", duration_ms=40, palette_samples=originals)
    for f in originals:
        writer.add(f)
    assert np.count_nonzero(writer.frames[1] == writer.transparent) > 0.5 * 60 * 80
    entries = np.array(writer.palette_entries).reshape(-1, 3)
    expected = [entries[writer.mapper.indices(f)] for f in originals]
    writer.close()
    with Image.open(tmp_path / "d.gif") as im:
        decoded = [np.array(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
    assert len(decoded) == len(expected)
    for got, want in zip(decoded, expected):
        assert np.array_equal(got, want)


def test_the_gif_has_one_global_palette(tmp_path):
    """One palette for the whole file, not a copy of it before every frame (smaller, same pixels)."""
    writer = AnimationWriter(tmp_path / "g.gif", duration_ms=40, palette_samples=[frame(0)])
    for s in (0, 10, 20):
        writer.add(frame(s))
    writer.close()
    data = (tmp_path / "g.gif").read_bytes()
    assert data[10] & 0x80  # a global colour table
    i, local_tables = 13 + 3 * 2 ** ((data[10] & 7) + 1), 0
    while data[i] != 0x3B:  # walk the blocks (independent of Pillow's reader)
        if data[i] == 0x21:
            i += 2
            while data[i]:
                i += data[i] + 1
            i += 1
        else:
            assert data[i] == 0x2C
            local_tables += bool(data[i + 9] & 0x80)
            i += 10 + 1
            while data[i]:
                i += data[i] + 1
            i += 1
    assert local_tables == 0


# --------------------------------------------------------------------------- every format


def moving_frames(n: int = 5, h: int = 64, w: int = 96) -> list[np.ndarray]:
    """Flat coloured blocks that move: exact in a palette, easy on a video encoder."""
    out = []
    for i in range(n):
        f = np.full((h, w, 4), 255, np.uint8)
        f[8:40, 4 + 8 * i:36 + 8 * i, :3] = (216, 48, 48)
        f[44:60, 60 - 6 * i:90 - 6 * i, :3] = (32, 96, 192)
        out.append(f)
    return out


def write(path: Path, frames, durations, **kw) -> None:
    write_frames(path, lambda f: f, frames, durations, palette_from=[frames[0], frames[-1]], **kw)


def decode(path: Path) -> tuple[list[np.ndarray], list[float]]:
    """Frames (RGB) and their durations in ms, read back by imageio (PyAV for video, Pillow otherwise)."""
    import imageio.v3 as iio

    if path.suffix in (".mp4", ".webm"):
        frames = list(iio.imiter(path, plugin="pyav"))
        fps = iio.immeta(path, plugin="pyav")["fps"]
        return frames, [1000 / fps] * len(frames)
    with Image.open(path) as im:
        frames, durations = [], []
        for f in ImageSequence.Iterator(im):
            frames.append(np.array(f.convert("RGB")))  # loads the frame (WebP reports its duration then)
            durations.append(f.info.get("duration"))
        return frames, durations


DURATIONS = [100, 100, 100, 100, 500]


@pytest.mark.parametrize("ext", list(ANIMATION_FORMATS))
def test_each_format_decodes_with_its_frames_size_and_timing(tmp_path, ext):
    frames = moving_frames()
    out = tmp_path / f"a{ext}"
    write(out, frames, DURATIONS)
    decoded, durations = decode(out)
    video = ext in (".mp4", ".webm")
    # a video shows each frame for its duration at one frame rate (10 fps here): the held one 5 times
    assert len(decoded) == (9 if video else 5)
    assert all(d.shape == (64, 96, 3) for d in decoded)
    assert sum(durations) == pytest.approx(sum(DURATIONS))
    if not video:
        assert durations == DURATIONS
    for i, (got, want) in enumerate(zip(decoded, frames)):  # a video's first five frames are the five frames
        tolerance = 12 if video else 0  # flat colours survive a video encoder to a few levels
        inside = (slice(12, 36), slice(8 + 8 * i, 32 + 8 * i))  # well inside the red block of frame i
        assert np.abs(got[inside].astype(int) - want[..., :3][inside].astype(int)).max() <= tolerance
        assert np.abs(got.astype(int) - want[..., :3].astype(int)).mean() <= (3 if video else 0)
    if video:  # the held frame, repeated
        assert all(np.abs(decoded[4].astype(int) - d.astype(int)).mean() < 1 for d in decoded[5:])


@pytest.mark.parametrize("ext", list(ANIMATION_FORMATS))
def test_each_format_gives_the_same_bytes_twice(tmp_path, ext):
    frames = moving_frames()
    a, b = tmp_path / f"a{ext}", tmp_path / f"b{ext}"
    for out in (a, b):
        write(out, frames, DURATIONS)
    assert a.read_bytes() == b.read_bytes()
    assert not re.search(rb"Lav[fc]\d", a.read_bytes())  # no library versions in the container


def test_the_apng_is_an_animated_palette_png(tmp_path):
    write(tmp_path / "a.apng", moving_frames(), DURATIONS)
    data = (tmp_path / "a.apng").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and data[25] == 3  # colour type 3: palette
    assert b"acTL" in data and b"PLTE" in data


def test_videos_are_420_bt709_and_carry_the_frame_table(tmp_path):
    import av

    frames = moving_frames()
    labels = [f"step {10 * i}" for i in range(5)]
    for ext, codec in ((".mp4", "h264"), (".webm", "vp9")):
        out = tmp_path / f"v{ext}"
        write(out, frames, DURATIONS, labels=labels, poster=4)
        with av.open(str(out)) as container:
            stream = container.streams.video[0]
            ctx = stream.codec_context
            assert stream.codec.name == codec and ctx.pix_fmt == "yuv420p"
            assert (ctx.colorspace, ctx.color_primaries, ctx.color_trc, ctx.color_range) == (1, 1, 1, 1)  # BT.709, TV
            assert stream.average_rate == Fraction(10)
            if ext == ".mp4":
                assert ctx.profile == "High"
            table = json.loads({k.lower(): v for k, v in container.metadata.items()}["comment"])
        assert table["frame_ms"] == [0, 100, 200, 300, 400] and table["duration_ms"] == 900
        assert table["labels"] == labels and table["poster"] == 4
    assert (tmp_path / "v.mp4").read_bytes().find(b"moov") < (tmp_path / "v.mp4").read_bytes().find(b"mdat")


def test_odd_sized_frames_are_padded_for_a_video(tmp_path):
    frames = [f[:63, :95] for f in moving_frames()]
    write(tmp_path / "odd.mp4", frames, DURATIONS)
    decoded, _ = decode(tmp_path / "odd.mp4")
    assert decoded[0].shape == (64, 96, 3)
    assert np.abs(decoded[0][:63, :95].astype(int) - frames[0][..., :3].astype(int)).mean() < 3


def test_fps_repeats_frames_without_drift():
    """Each frame gets round(end * fps) - round(start * fps) video frames: the total never drifts."""
    durations = [70] * 38 + [700, 700]
    for fps in (100 / 7, 10, 24, 30, 60):
        repeats = video.video_repeats(durations, fps)
        assert sum(repeats) == round(sum(durations) * fps / 1000)
        starts = np.cumsum([0, *repeats[:-1]]) / fps
        ideal = np.cumsum([0, *durations[:-1]]) / 1000
        assert np.abs(starts - ideal).max() <= 0.5 / fps + 1e-9
    assert video.video_repeats([100, 100, 1500], 10) == [1, 1, 15]
    assert video.default_fps([70, 700]) == pytest.approx(1000 / 70)


def test_an_explicit_fps_and_crf_reach_the_video(tmp_path):
    import imageio.v3 as iio

    frames = moving_frames()
    write(tmp_path / "fast.mp4", frames, DURATIONS, encoding=Encoding("mp4", fps=30))
    decoded, durations = decode(tmp_path / "fast.mp4")
    assert len(decoded) == 27 and iio.immeta(tmp_path / "fast.mp4", plugin="pyav")["fps"] == 30
    sizes = {}
    for crf in (10, 40):
        write(tmp_path / f"q{crf}.mp4", frames, DURATIONS, encoding=Encoding("mp4", crf=crf))
        sizes[crf] = (tmp_path / f"q{crf}.mp4").stat().st_size
    assert sizes[10] > sizes[40]


def test_bt709_conversion_matches_the_formula():
    """Oracle: the BT.709 equations in floating point (ITU-R BT.709-6, limited range)."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (7, 9, 3)).astype(np.uint8)
    x = rgb.astype(np.float64)
    y = 0.2126 * x[..., 0] + 0.7152 * x[..., 1] + 0.0722 * x[..., 2]
    want = np.stack([16 + 219 * y / 255, 128 + 224 * (x[..., 2] - y) / 255 / 1.8556,
                     128 + 224 * (x[..., 0] - y) / 255 / 1.5748])
    got = video.rgb_to_yuv709(rgb)
    assert got.shape == (3, 7, 9) and np.abs(got - want).max() <= 0.5 + 1e-6
    assert video.rgb_to_yuv709(np.array([[[255, 255, 255], [0, 0, 0]]], np.uint8))[:, 0].tolist() == [
        [235, 16], [128, 128], [128, 128]]


@pytest.mark.parametrize("ext", list(ANIMATION_FORMATS))
def test_an_interrupt_midway_keeps_the_old_file_and_leaves_no_temporary(tmp_path, ext):
    out = tmp_path / f"x{ext}"
    out.write_bytes(b"yesterday")
    seen = []

    def render(f):
        seen.append(f)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return f

    with pytest.raises(KeyboardInterrupt):
        write_frames(out, render, moving_frames(), DURATIONS, palette_from=[])
    assert out.read_bytes() == b"yesterday"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# --------------------------------------------------------------------------- encodings


def test_encoding_follows_the_extension_and_refuses_what_does_not_apply():
    assert [Encoding.for_output(f"x{e}").format for e in ANIMATION_FORMATS] == list(ANIMATION_FORMATS.values())
    assert Encoding.for_output("frames", "animate").format == "animate"
    assert Encoding.for_output("X.MP4").format == "mp4"
    assert set(ANIMATION_NAMES) == {"gif", "webp", "apng", "mp4", "webm", "animate"}
    for args, kwargs, fragment in [
        (("x.png",), {}, "unsupported extension .png"),
        (("x",), {}, "unsupported extension (none)"),
        (("x.gif", "mp4"), {}, "--format mp4 does not match"),
        (("x.gif", "animate"), {}, "writes a folder"),
        (("x.gif",), {"fps": 10}, "--fps applies"),
        (("x.mp4",), {"fps": 0.5}, "--fps must be between"),
        (("x.mp4",), {"fps": float("inf")}, "--fps must be between"),
        (("x.webp",), {"crf": 20}, "--crf applies"),
        (("x.mp4",), {"crf": 0}, "from 1 to 51"),
        (("x.webm",), {"crf": 64}, "from 0 to 63"),
        (("x.webm",), {"loop": 3}, "--loop applies"),
        (("f", "animate"), {"loop": 2}, "0 (loop) or 1"),
    ]:
        with pytest.raises(UserError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
            Encoding.for_output(*args, **kwargs)


def test_the_cli_spells_the_formats_like_the_layout():
    from actviz.cli.options import ANIMATION_FORMAT_NAMES

    assert ANIMATION_FORMAT_NAMES == ANIMATION_NAMES


def test_memory_held_per_pixel_by_format():
    held = {name: Encoding(name).held_bytes_per_pixel for name in ANIMATION_NAMES}
    assert held == {"gif": 2, "webp": 6, "apng": 2, "mp4": 0, "webm": 0, "animate": 0}  # measured (docs/robustness.md)


# --------------------------------------------------------------------------- LaTeX frames


def test_latex_frames_folder_and_snippet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frames = moving_frames()
    labels = [f"step {i}" for i in range(5)]
    write(Path("anim"), frames, DURATIONS, encoding=Encoding("animate"), labels=labels, poster=4)
    names = sorted(p.name for p in Path("anim").iterdir())
    assert names == ["animation.tex", *(f"frame-{i:03d}.png" for i in range(5))]
    for i, f in enumerate(frames):
        with Image.open(Path("anim") / f"frame-{i:03d}.png") as im:
            assert np.array_equal(np.array(im.convert("RGB")), f[..., :3])  # the frames as drawn, unquantised
    tex = (Path("anim") / "animation.tex").read_text()
    assert r"\begin{animateinline}[controls,loop,poster=4,width=\linewidth]{10}" in tex
    assert tex.count(r"\includegraphics{anim/frame-") == 5 and tex.count(r"\newframe") == 4
    assert r"\newframe[2]" in tex  # the last frame: 500 ms, 2 frames per second
    assert r"\includegraphics{anim/frame-004.png}% step 4" in tex
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_latex_frames_replace_an_earlier_folder_whole_and_never_a_foreign_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frames = moving_frames()
    write(Path("anim"), frames, DURATIONS, encoding=Encoding("animate"))
    write(Path("anim"), frames[:2], [100, 900], encoding=Encoding("animate"))
    assert sorted(p.name for p in Path("anim").iterdir()) == ["animation.tex", "frame-000.png", "frame-001.png"]
    (Path("anim") / "mine.txt").write_text("notes")
    with pytest.raises(UserError, match="holds other files"):
        write(Path("anim"), frames, DURATIONS, encoding=Encoding("animate"))
    Path("afile").write_text("x")
    with pytest.raises(RunFailure, match="is a file"):
        write(Path("afile"), frames, DURATIONS, encoding=Encoding("animate"))
    with pytest.raises(UserError, match="special characters"):
        frame_folder.check_frame_folder("my frames")


def test_latex_frames_interrupted_leave_the_earlier_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frames = moving_frames()
    write(Path("anim"), frames, DURATIONS, encoding=Encoding("animate"))
    before = {p.name: p.read_bytes() for p in Path("anim").iterdir()}

    seen = []

    def render(f):
        seen.append(f)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return np.zeros_like(f)

    with pytest.raises(KeyboardInterrupt):
        write_frames(Path("anim"), render, frames, DURATIONS, palette_from=[], encoding=Encoding("animate"))
    assert {p.name: p.read_bytes() for p in Path("anim").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anim"]


def _latex_with_animate() -> str | None:
    pdflatex = shutil.which("pdflatex")
    kpsewhich = shutil.which("kpsewhich")
    if not pdflatex or not kpsewhich:
        return None
    found = subprocess.run([kpsewhich, "animate.sty"], capture_output=True, text=True)
    return pdflatex if found.returncode == 0 and found.stdout.strip() else None


@pytest.mark.slow
def test_the_latex_snippet_compiles_with_pdflatex(tmp_path, monkeypatch):
    pdflatex = _latex_with_animate()
    if pdflatex is None:
        pytest.skip("pdflatex with animate.sty is not installed (.ci/run installs texlive-latex-extra)")
    monkeypatch.chdir(tmp_path)
    write(Path("figs/anim"), moving_frames(), DURATIONS, encoding=Encoding("animate"), poster=4)
    Path("paper.tex").write_text("\\documentclass{article}\n\\usepackage{animate}\n\\begin{document}\n"
                                 "\\input{figs/anim/animation.tex}\n\\end{document}\n")
    r = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
    pdf = Path("paper.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") + pdf.count(b"/Subtype/Image") >= 5
    log = Path("paper.log").read_text(errors="replace")
    assert "animate" in log and "LaTeX Error" not in log
