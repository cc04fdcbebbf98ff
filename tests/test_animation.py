"""The animation writer: exact palette, nearest-colour mapping, GIF/WebP properties, determinism."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageSequence

from actviz.errors import UserError
from actviz.render.animation import AnimationWriter, PaletteMapper, build_palette


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
    assert writer.frames[0].mode == "P"


def test_the_encoder_never_holds_our_frames_and_its_copies_at_once(tmp_path, monkeypatch):
    """Pillow copies each frame it reads and keeps the copies to the end: the writer lets each of
    its own frames go as it is taken, so the animation is held once at the peak, not twice."""
    import weakref

    from PIL import GifImagePlugin

    writer = AnimationWriter(tmp_path / "m.gif", palette_samples=[frame(0)])
    for shift in range(0, 60, 3):
        writer.add(frame(shift))
    ours = [weakref.ref(f) for f in writer.frames]
    alive_when_read = []
    normalize = GifImagePlugin._normalize_mode

    def counting(im):
        alive_when_read.append(sum(r() is not None for r in ours))
        return normalize(im)

    monkeypatch.setattr(GifImagePlugin, "_normalize_mode", counting)
    writer.close()
    n = len(ours)
    assert len(alive_when_read) == n
    # when Pillow reads frame k it holds k copies: ours still alive must be about n - k, not n
    assert all(alive <= n - k + 2 for k, alive in enumerate(alive_when_read)), alive_when_read
    with Image.open(tmp_path / "m.gif") as im:
        assert im.n_frames == len(ours)


def test_webp_and_bad_extension(tmp_path):
    writer = AnimationWriter(tmp_path / "a.webp", duration_ms=100)
    for shift in (0, 20):
        writer.add(frame(shift))
    writer.close()
    with Image.open(tmp_path / "a.webp") as im:
        assert im.format == "WEBP" and im.n_frames == 2
    with pytest.raises(UserError, match=".gif or .webp"):
        AnimationWriter(tmp_path / "a.mp4")


def test_unchanged_pixels_are_transparent_yet_frames_decode_whole(tmp_path):
    """Differencing against the previous frame must not change what a viewer sees."""
    shifts = (0, 10, 10, 25, 30)
    originals = [frame(s) for s in shifts]
    writer = AnimationWriter(tmp_path / "d.gif", duration_ms=40, palette_samples=originals)
    for f in originals:
        writer.add(f)
    assert np.count_nonzero(np.array(writer.frames[1]) == writer.transparent) > 0.5 * 60 * 80
    entries = np.array(writer.palette_entries).reshape(-1, 3)
    expected = [entries[writer.mapper.indices(f)] for f in originals]
    writer.close()
    with Image.open(tmp_path / "d.gif") as im:
        decoded = [np.array(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
    assert len(decoded) == len(expected)
    for got, want in zip(decoded, expected):
        assert np.array_equal(got, want)
