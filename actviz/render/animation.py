"""Animations: one frame loop for every animated command; RGBA frames in, one file (or folder) out,
written through imageio's v3 API.

The format follows the extension (:class:`~actviz.render.layout.Encoding`):

- GIF, animated WebP and APNG (imageio's Pillow plugin): frames are quantised as they
  arrive against one palette built up front (no dithering), so the writer holds one
  byte per pixel per frame and the same frames always give the same bytes. In a GIF,
  pixels that did not change since the previous frame are a reserved transparent index.
- MP4 (H.264) and WebM (VP9) (imageio's PyAV plugin; the PyAV wheel bundles FFmpeg):
  frames go to the encoder as they come, converted to BT.709 yuv420p (what browsers,
  slide software and video editors play) and tagged so. A video has one frame rate, so
  a frame shown longer (the held last frame) is repeated. Nothing that changes between
  runs (dates, random ids, library versions in the container) is written.
- ``animate``: a folder of PNG frames and a ready ``animation.tex`` for the LaTeX
  ``animate`` package, built in a temporary folder and renamed into place whole.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np
from PIL import Image

from actviz.atomic import atomic_path, interrupted, write_bytes
from actviz.errors import RunFailure, UserError
from actviz.render.layout import FRAME_FOLDER, Encoding

T = TypeVar("T")

PALETTE_FORMATS = ("gif", "webp", "apng")


def animation_format(path: str | os.PathLike) -> str:
    """The format an output path names by its extension; anything else is a user error."""
    return Encoding.for_output(os.fspath(path)).format


GREY_RAMP = 6
"""Neutral greys always in the palette: text and axes are antialiased between black and
white, and without them a small palette turns those edge pixels into tinted greys."""


def build_palette(samples: Sequence, colors: int = 256, exact: int = 48) -> Image.Image:
    """One palette for a whole animation, from a few representative frames.

    Flat colours (backgrounds, axes, text, class colours) must come out exactly, so
    the ``exact`` most frequent colours of the samples are kept as they are; a ramp
    of neutral greys serves antialiased text; the rest of the palette is a median cut
    of the remaining pixels. When the samples hold no more than ``colors`` colours,
    the palette is exact.
    """
    packed = np.concatenate([_pack(s).ravel() for s in samples])
    values, counts = np.unique(packed, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    if len(values) <= colors:
        chosen = values[order]
    else:
        exact = min(exact, colors // 3)
        keep = values[order[:exact]]
        levels = np.round(np.linspace(0, 255, GREY_RAMP + 2)[1:-1]).astype(np.uint32)
        greys = levels | (levels << 8) | (levels << 16)
        keep = np.concatenate([keep, greys[~np.isin(greys, keep)]])[: colors // 2]
        free = colors - len(keep)
        rest = _unpack(packed[~np.isin(packed, keep)]).astype(np.uint8)
        cut = Image.fromarray(rest.reshape(1, -1, 3), "RGB").quantize(
            colors=free, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        cut_packed = _pack(np.array(cut.getpalette()[: 3 * free], dtype=np.uint8).reshape(-1, 3))
        chosen = np.concatenate([keep, cut_packed[~np.isin(cut_packed, keep)]])
    rgb = _unpack(chosen).astype(np.uint8)
    palette = Image.new("P", (1, 1))
    palette.putpalette(rgb.ravel().tolist())
    return palette


def _pack(frame) -> np.ndarray:
    """RGB(A) uint8 pixels -> one uint32 key per pixel, r | g << 8 | b << 16.

    A contiguous RGBA buffer (as Agg gives) is reinterpreted in place, without copies.
    """
    arr = np.asarray(frame)
    if arr.shape[-1] == 4 and arr.flags.c_contiguous and arr.dtype == np.uint8:
        return arr.view("<u4")[..., 0] & 0x00FFFFFF
    rgb = arr[..., :3].astype(np.uint32)
    return rgb[..., 0] | (rgb[..., 1] << 8) | (rgb[..., 2] << 16)


def _unpack(keys: np.ndarray) -> np.ndarray:
    """Inverse of :func:`_pack`: keys -> N x 3 int32 RGB."""
    return np.stack([keys & 255, (keys >> 8) & 255, (keys >> 16) & 255], axis=-1).astype(np.int32)


class PaletteMapper:
    """Exact nearest-colour mapping onto a fixed palette, cached per colour across frames.

    Pillow's own ``quantize(palette=...)`` looks colours up in a coarse cache, which
    maps e.g. pure white onto a nearby grey; this keeps every palette colour exact.
    A 2^24 table (32 MB) remembers each colour's index once it has been seen, so
    after the first frames mapping is two array look-ups per frame.
    """

    def __init__(self, palette: Image.Image):
        entries = np.array(palette.getpalette(), dtype=np.float64).reshape(-1, 3)
        self.entries_t = entries.T.copy()
        self.entries_sq = (entries ** 2).sum(axis=1)
        self.table = np.full(1 << 24, -1, dtype=np.int16)

    def indices(self, frame) -> np.ndarray:
        """H x W palette indices (uint8) for an H x W x 3 (or 4) frame."""
        keys = _pack(frame)
        idx = self.table[keys]
        missing = idx < 0
        if missing.any():
            new = np.unique(keys[missing])
            for start in range(0, len(new), 16384):  # bounded memory for noisy frames
                chunk = new[start:start + 16384]
                cols = _unpack(chunk).astype(np.float64)
                # |c - p|^2 = |p|^2 - 2 c.p + |c|^2 (exact in float64); |c|^2 does not change the argmin
                dist = self.entries_sq[None, :] - 2.0 * (cols @ self.entries_t)
                self.table[chunk] = dist.argmin(axis=1)
            idx = self.table[keys]
        return idx.astype(np.uint8)


DEFAULT_COLORS = 36
"""Palette size of an animation (one of them reserved for "unchanged"). Measured on the
default training GIF (make bench): 36 colours keep a PSNR of about 42 dB against the
unquantised frames at 0.48x the size of FuncAnimation + PillowWriter; 256 colours
gave 55 dB at 0.82x."""


class AnimationWriter:
    """A GIF, WebP or APNG: frames mapped onto a fixed palette as they come, written atomically on
    :meth:`close`.

    ``palette_samples`` are frames (RGBA or RGB arrays) whose colours the palette must
    hold, typically the first and last frame; without them the first frame is used.
    The writer keeps each frame as H x W palette indices (one byte per pixel). In a GIF,
    pixels that did not change since the previous frame are written with a reserved
    transparent index (nothing to redraw), which compresses far better. An APNG keeps the
    palette; a WebP (lossless) gets the same colours as RGB: all three show the same pixels.
    """

    def __init__(self, path: str | os.PathLike, *, duration_ms: int | Sequence[int] = 80, loop: int = 0,
                 palette_samples: Sequence | None = None, colors: int = DEFAULT_COLORS, format: str | None = None):
        if not 2 <= colors <= 256:
            raise UserError(f"an animation palette needs 2 to 256 colours, got {colors}")
        self.path = Path(path)
        self.format = format or animation_format(path)
        if self.format not in PALETTE_FORMATS:
            raise UserError(f"the palette writer writes {', '.join(PALETTE_FORMATS)}, not {self.format}")
        self.duration_ms = duration_ms
        self.loop = loop
        self.colors = colors - 1  # one index is kept for "unchanged"
        self.transparent = self.colors
        self.mapper: PaletteMapper | None = None
        if palette_samples:
            self._set_palette(build_palette(palette_samples, self.colors))
        self.frames: list[np.ndarray] = []
        self._previous: np.ndarray | None = None

    def _set_palette(self, palette: Image.Image) -> None:
        entries = palette.getpalette()[: 3 * self.colors]
        entries += [0, 0, 0] * (self.colors + 1 - len(entries) // 3)  # pad; the last is the transparent slot
        self.palette_entries = entries
        self.mapper = PaletteMapper(palette)

    def add(self, frame) -> None:
        """Map one RGBA/RGB frame onto the palette and keep it (1 byte per pixel)."""
        if self.mapper is None:
            self._set_palette(build_palette([frame], self.colors))
        indices = self.mapper.indices(frame)
        stored = indices
        if self.format == "gif" and self._previous is not None:
            stored = indices.copy()
            stored[indices == self._previous] = self.transparent
        self._previous = indices
        self.frames.append(stored)

    def close(self) -> None:
        """Write the file (atomically); the writer cannot be used afterwards."""
        if len(self.frames) < 1:
            raise UserError("an animation needs at least one frame")
        with atomic_path(self.path) as tmp:
            self._write(tmp)
        self.abort()

    def abort(self) -> None:
        """Forget the frames; nothing is written."""
        self.frames = []
        self._previous = None

    def _durations(self) -> list[int]:
        d = self.duration_ms
        return [int(d)] * len(self.frames) if isinstance(d, (int, float)) else [int(v) for v in d]

    def _write(self, tmp: Path) -> None:
        import imageio.v3 as iio

        durations = self._durations()
        if self.format == "gif":
            options = dict(palette=bytes(self.palette_entries), transparency=self.transparent, disposal=1,
                           optimize=False)
        elif self.format == "webp":
            options = dict(lossless=True, method=4)
        else:  # APNG: Pillow crops each frame to what changed since the previous one
            options = dict(default_image=False, disposal=0, blend=0)
        lookup = np.array(self.palette_entries, dtype=np.uint8).reshape(-1, 3)
        out = iio.imopen(tmp, "w", plugin="pillow", extension=f".{self.format}")
        pending = getattr(out, "images_to_write", None)  # the frames imageio holds until it writes
        try:
            # An APNG stays a palette image (half the size of RGB, and 10x faster to write): imageio
            # has no argument for a PNG's palette, so it is put on the frame imageio has just made.
            palette_png = self.format == "apng" and isinstance(pending, list)
            # handed over one frame at a time (Pillow keeps its own copy), ours dropped as we go
            while self.frames:
                indices = self.frames.pop(0)
                if self.format == "gif" or palette_png:
                    out.write(indices, mode="P", is_batch=False, duration=durations, loop=self.loop, **options)
                    if palette_png:
                        pending[-1].putpalette(self.palette_entries)
                else:
                    out.write(lookup[indices], mode="RGB", is_batch=False, duration=durations, loop=self.loop,
                              **options)
            out.close()  # writes the file
        except BaseException:
            # imageio writes what it holds when it is closed, even when collected later: after a
            # failure or an interrupt, drop it first, so that nothing is written afterwards
            if isinstance(pending, list):
                pending.clear()
            with contextlib.suppress(Exception):
                out.close()
            raise


# ---- videos ---------------------------------------------------------------------------------

VIDEO_THREADS = 2
"""Encoder threads, fixed so that the bytes do not depend on the machine's number of cores."""

X264_PARAMS = "chroma-qp-offset=-4:colorprim=bt709:transfer=bt709:colormatrix=bt709"
"""Thin coloured lines and dots lose colour first in 4:2:0 video, so chroma gets a finer quantiser
(measured on the training animation: +0.3 dB against the raw frames for +4% size)."""

_CODECS = {
    # tune=animation: x264's settings for flat colours and sharp edges (more reference frames, less blur)
    "mp4": ("libx264", lambda crf: {"crf": str(crf), "preset": "medium", "tune": "animation", "profile": "high",
                                    "x264-params": X264_PARAMS}),
    "webm": ("libvpx-vp9", lambda crf: {"crf": str(crf), "b": "0", "deadline": "good", "cpu-used": "4",
                                        "row-mt": "1"}),
}
_CONTAINER_OPTIONS = {"mp4": {"fflags": "+bitexact"}, "webm": {"fflags": "+bitexact"}}
"""``bitexact``: no library version strings and no random ids (Matroska) in the file."""

_MP4_PATH = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
"""The boxes that lead from an MP4's index to its chunk offset tables."""


def _mp4_boxes(data: bytes | bytearray, start: int, end: int):
    """(type, start, header size, end) of the ISO base media boxes between ``start`` and ``end``."""
    i = start
    while i + 8 <= end:
        size, kind = int.from_bytes(data[i:i + 4], "big"), bytes(data[i + 4:i + 8])
        header = 8
        if size == 1:
            size, header = int.from_bytes(data[i + 8:i + 16], "big"), 16
        elif size == 0:
            size = end - i
        if size < header or i + size > end:
            raise ValueError("not an MP4 box structure")
        yield kind, i, header, i + size
        i += size


def _shift_chunks(moov: bytearray, start: int, end: int, shift: int) -> None:
    """Add ``shift`` to every chunk offset (stco, co64) in the boxes of ``moov`` between start and end."""
    for kind, at, header, stop in _mp4_boxes(moov, start, end):
        if kind in _MP4_PATH:
            _shift_chunks(moov, at + header, stop, shift)
        elif kind in (b"stco", b"co64"):
            width = 4 if kind == b"stco" else 8
            count = int.from_bytes(moov[at + header + 4:at + header + 8], "big")
            for k in range(count):
                j = at + header + 8 + width * k
                value = int.from_bytes(moov[j:j + width], "big") + shift
                if value >= 1 << (8 * width):
                    raise ValueError("chunk offset overflow")
                moov[j:j + width] = value.to_bytes(width, "big")


def moov_first(data: bytes) -> bytes:
    """An MP4 with its index (moov) before the media (mdat), as FFmpeg's ``faststart`` writes it: a
    browser can then start playing before it has the whole file. Done here because FFmpeg can only
    do it by reopening the file by name, and the video is encoded in memory. Unchanged when the
    index is already first (or the file is not as expected)."""
    try:
        boxes = {kind: (at, stop) for kind, at, _, stop in _mp4_boxes(data, 0, len(data))}
        (mdat, _), (moov, moov_end) = boxes[b"mdat"], boxes[b"moov"]
        if moov < mdat:
            return data
        index = bytearray(data[moov:moov_end])
        _shift_chunks(index, 0, len(index), len(index))
    except (KeyError, ValueError):
        return data
    return data[:mdat] + bytes(index) + data[mdat:moov] + data[moov_end:]


BT709 = (0.2126, 0.0722)
"""Kr and Kb of ITU-R BT.709, the matrix HD video (and every browser) assumes for these tags."""


def _yuv_matrix() -> np.ndarray:
    """RGB -> limited-range BT.709 Y'CbCr as a 3 x 3 integer matrix scaled by 2^16 (rows Y, Cb, Cr)."""
    kr, kb = BT709
    kg = 1 - kr - kb
    y = np.array([kr, kg, kb]) * 219 / 255
    cb = np.array([-kr, -kg, 1 - kb]) * 224 / 255 / (2 * (1 - kb))
    cr = np.array([1 - kr, -kg, -kb]) * 224 / 255 / (2 * (1 - kr))
    return np.rint(np.stack([y, cb, cr]) * 65536).astype(np.int32)


_YUV = _yuv_matrix()
_YUV_OFFSET = (np.array([16, 128, 128], np.int32) << 16) + (1 << 15)  # plus one half: rounds to nearest


def rgb_to_yuv709(rgb: np.ndarray) -> np.ndarray:
    """H x W x 3 RGB (uint8) -> 3 x H x W limited-range BT.709 Y'CbCr (uint8, planar 4:4:4).

    Converted here, in integers (the same bytes everywhere), because FFmpeg's own conversion
    uses the BT.601 matrix whatever the tags say; the encoder then only halves the chroma (4:2:0).
    """
    h, w = rgb.shape[:2]
    x = rgb.reshape(-1, 3).astype(np.int32)
    out = (_YUV @ x.T + _YUV_OFFSET[:, None]) >> 16
    return np.clip(out, 0, 255).astype(np.uint8).reshape(3, h, w)


def video_repeats(durations_ms: Sequence[int], fps: float) -> list[int]:
    """How many video frames show each animation frame at ``fps``: frame i spans the video frames
    between round(start_i * fps) and round(end_i * fps), so timing never drifts (a frame shorter
    than a video frame may get none)."""
    ends = np.cumsum([0, *durations_ms], dtype=np.int64)
    marks = [int(Fraction(int(t)) * Fraction(fps).limit_denominator(10_000) / 1000 + Fraction(1, 2)) for t in ends]
    return [b - a for a, b in zip(marks[:-1], marks[1:])]


def default_fps(durations_ms: Sequence[int]) -> float:
    """One video frame per animation frame: 1000 / the shortest duration (e.g. 10 for 100 ms)."""
    return min(1000.0 / min(durations_ms), 120.0)


class VideoWriter:
    """An MP4 (H.264) or WebM (VP9) video, streamed to the encoder through imageio's PyAV plugin and
    written (atomically) on :meth:`close`.

    ``metadata`` (a JSON-able dict, e.g. the times and labels of the frames) is stored in
    the container's ``comment`` tag, where the gallery's player finds the training steps.
    """

    def __init__(self, path: str | os.PathLike, encoding: Encoding, durations_ms: Sequence[int],
                 metadata: dict | None = None):
        import imageio.v3 as iio

        self.path = Path(path)
        self.encoding = encoding
        self.fps = encoding.fps or default_fps(durations_ms)
        self.repeats = video_repeats(durations_ms, self.fps)
        if sum(self.repeats) < 1:
            raise UserError(f"at {self.fps:g} frames per second the animation has no frame; raise --fps")
        self.metadata = metadata
        self.count = 0
        # Encoded in memory (a few MB at most) and written at the end: FFmpeg then never calls back
        # into Python file code, where an interrupt would be lost, and nothing is on disk until close.
        self._buffer = io.BytesIO()
        self._out = iio.imopen(self._buffer, "w", plugin="pyav", extension=f".{encoding.format}",
                               container_options=_CONTAINER_OPTIONS[encoding.format])
        self._size: tuple[int, int] | None = None

    def _open_stream(self, height: int, width: int) -> None:
        import av

        codec, options = _CODECS[self.encoding.format]
        out = self._out
        out.init_video_stream(codec, fps=self.fps, pixel_format="yuv420p")
        # imageio has no argument for encoder options or colour tags: they are set on its stream
        # before the first frame opens the encoder
        ctx = out._video_stream.codec_context
        ctx.options = options(self.encoding.quality)
        ctx.thread_count = VIDEO_THREADS
        ctx.colorspace = av.video.reformatter.Colorspace.ITU709
        ctx.color_primaries = av.video.reformatter.ColorPrimaries.BT709
        ctx.color_trc = av.video.reformatter.ColorTrc.BT709
        ctx.color_range = av.video.reformatter.ColorRange.MPEG
        if self.metadata is not None:
            out.container_metadata["comment"] = json.dumps(self.metadata, separators=(",", ":"))
        self._size = (height, width)

    def add(self, frame) -> None:
        """Encode one RGBA/RGB frame, repeated for as long as it is shown."""
        if self.count >= len(self.repeats):
            raise ValueError("more frames than durations")
        rgb = np.asarray(frame)[..., :3]
        h, w = rgb.shape[:2]
        if h % 2 or w % 2:  # 4:2:0 needs even sides: repeat the last row or column
            rgb = np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
        if self._size is None:
            self._open_stream(*rgb.shape[:2])
        yuv = rgb_to_yuv709(rgb)
        for _ in range(self.repeats[self.count]):
            self._out.write_frame(yuv, pixel_format="yuv444p")
        self.count += 1

    def close(self) -> None:
        """Finish the video and write it (atomically)."""
        if self._size is None:
            self.abort()
            raise UserError("an animation needs at least one frame")
        try:
            self._out.close()
        except Exception as exc:
            self.abort()
            raise RunFailure(f"cannot encode {self.path}: {exc}") from None
        except BaseException:
            self.abort()
            raise
        data = self._buffer.getvalue()
        self._buffer = io.BytesIO()
        write_bytes(self.path, moov_first(data) if self.encoding.format == "mp4" else data)

    def abort(self) -> None:
        """Stop without a file."""
        with contextlib.suppress(Exception):
            # imageio would first encode what the encoder still holds: not wanted now
            self._out._video_stream = None
        with contextlib.suppress(Exception):
            self._out.close()
        self._buffer = io.BytesIO()


# ---- a folder of PNG frames for LaTeX ---------------------------------------------------------

SNIPPET = "animation.tex"
SNIPPET_MARK = "% actviz animation"
FRAME_NAME = re.compile(r"frame-\d+\.png")
TEX_UNSAFE = re.compile(r"[\s%#{}\\~^$&]")


def check_frame_folder(path: str | os.PathLike) -> Path:
    """Check a folder for LaTeX frames before any work, changing nothing on disk: a new or empty folder,
    or one that actviz wrote before (replaced whole); a name LaTeX can read; a writable place."""
    p = Path(path)
    if TEX_UNSAFE.search(p.as_posix()):
        raise UserError(f"cannot write LaTeX frames to {str(p)!r}: the snippet names the folder, so it may not "
                        f"hold spaces or TeX's special characters (% # {{ }} \\ ~ ^ $ &)")
    if p.exists() and not p.is_dir():
        raise RunFailure(f"cannot write frames to {p}: it is a file, not a folder")
    if p.is_dir():
        names = sorted(q.name for q in p.iterdir())
        if names and not _ours(p, names):
            raise UserError(f"folder {p} holds other files; give a new or empty folder "
                            f"(a folder of frames actviz wrote before is replaced)")
    parent = p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise RunFailure(f"cannot write {p}: {parent} is a file, not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunFailure(f"cannot write {p}: directory {parent} is not writable")
    return p


def _ours(folder: Path, names: list[str]) -> bool:
    """Whether a folder holds only what :class:`FrameFolder` writes."""
    if SNIPPET not in names or not all(n == SNIPPET or FRAME_NAME.fullmatch(n) for n in names):
        return False
    try:
        with open(folder / SNIPPET, encoding="utf-8") as f:
            return f.readline().startswith(SNIPPET_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _rate(ms: int) -> str:
    """Frames per second of a frame shown ``ms`` milliseconds, as the animate package reads it."""
    return f"{1000 / ms:.6g}"


def animate_snippet(folder: str, names: Sequence[str], durations_ms: Sequence[int], size: tuple[int, int], *,
                    loop: int = 0, poster: int = 0, labels: Sequence[str] | None = None) -> str:
    """The LaTeX (``animate`` package) that plays ``names`` in ``folder`` for ``durations_ms`` each."""
    n = len(names)
    options = ["controls", *(["loop"] if loop == 0 else []), f"poster={poster}", r"width=\linewidth"]
    common = max(sorted(set(durations_ms)), key=list(durations_ms).count)
    other = [f"frame {i}: {d:g} ms" for i, d in enumerate(durations_ms) if d != common]
    lines = [f"{SNIPPET_MARK}: {n} frames of {size[1]} x {size[0]} px, {common:g} ms each"
             + (f" ({', '.join(other[:4])}{', ...' if len(other) > 4 else ''})" if other else "") + ".",
             r"% In the preamble: \usepackage{animate} (it loads graphicx). Then: \input{" + f"{folder}/{SNIPPET}" + "}",
             r"% (compiled from the folder actviz ran in; else change the paths below).",
             "% PDF viewers that run JavaScript (Acrobat, Okular, PDF-XChange) play it with its controls;",
             f"% others, and print, show frame {poster}.",
             r"\begin{animateinline}[" + ",".join(options) + "]{" + _rate(durations_ms[0]) + "}"]
    rate = durations_ms[0]
    for i, (name, ms) in enumerate(zip(names, durations_ms)):
        if i:
            lines.append(r"\newframe" + (f"[{_rate(ms)}]" if ms != rate else ""))
            rate = ms
        note = f"% {labels[i]}" if labels and labels[i] else ""
        lines.append(r"\includegraphics{" + f"{folder}/{name}" + "}" + note)
    lines.append(r"\end{animateinline}")
    return "\n".join(lines) + "\n"


class FrameFolder:
    """PNG frames and an ``animation.tex`` for the LaTeX ``animate`` package, in a folder that appears
    whole on :meth:`close` (a previous folder of frames is replaced) or not at all."""

    def __init__(self, path: str | os.PathLike, durations_ms: Sequence[int], *, loop: int = 0, poster: int = 0,
                 labels: Sequence[str] | None = None):
        self.path = check_frame_folder(path)
        self.durations = [int(d) for d in durations_ms]
        self.loop, self.poster, self.labels = loop, poster, labels
        digits = max(3, len(str(len(self.durations) - 1)))
        self.names = [f"frame-{i:0{digits}d}.png" for i in range(len(self.durations))]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp.mkdir()
        except OSError as exc:
            raise RunFailure(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.count = 0
        self.size: tuple[int, int] | None = None

    def add(self, frame) -> None:
        """Write one frame as an RGB PNG (the frames as drawn, not quantised)."""
        import imageio.v3 as iio

        if self.count >= len(self.names):
            raise ValueError("more frames than durations")
        rgb = np.ascontiguousarray(np.asarray(frame)[..., :3])
        self.size = self.size or rgb.shape[:2]
        try:
            iio.imwrite(self.tmp / self.names[self.count], rgb, plugin="pillow", extension=".png")
        except OSError as exc:
            raise RunFailure(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.count += 1

    def close(self) -> None:
        """Write the snippet and put the folder in place."""
        if self.count != len(self.names):
            self.abort()
            raise UserError(f"an animation of {len(self.names)} frames got {self.count}")
        folder = self.path.as_posix()
        text = animate_snippet(folder, self.names, self.durations, self.size, loop=self.loop, poster=self.poster,
                               labels=self.labels)
        old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
        try:
            (self.tmp / SNIPPET).write_text(text, encoding="utf-8")
            if interrupted():
                raise KeyboardInterrupt
            if self.path.exists():
                check_frame_folder(self.path)  # still ours (or empty) at the moment it is replaced
                os.replace(self.path, old)
            os.replace(self.tmp, self.path)
        except OSError as exc:
            raise RunFailure(f"cannot write {self.path}: {exc.strerror or exc}") from None
        finally:
            shutil.rmtree(old, ignore_errors=True)
            self.abort()

    def abort(self) -> None:
        """Remove the temporary folder; the target is left as it was."""
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- the one frame loop -----------------------------------------------------------------------

def open_writer(path: str | os.PathLike, encoding: Encoding, durations_ms: Sequence[int], *,
                palette_samples: Sequence | None = None, labels: Sequence[str] | None = None, poster: int = 0):
    """The writer for ``encoding``: ``add(frame)`` for each frame, then ``close()`` (or ``abort()``)."""
    if encoding.format in PALETTE_FORMATS:
        return AnimationWriter(path, duration_ms=list(durations_ms), loop=encoding.loop,
                               palette_samples=palette_samples, format=encoding.format)
    if encoding.format == FRAME_FOLDER:
        return FrameFolder(path, durations_ms, loop=encoding.loop, poster=poster, labels=labels)
    starts = np.cumsum([0, *durations_ms[:-1]]).tolist()
    metadata = {"actviz": 1, "frame_ms": starts, "duration_ms": sum(int(d) for d in durations_ms),
                "labels": list(labels) if labels else None, "poster": poster}
    return VideoWriter(path, encoding, durations_ms, metadata)


def write_frames(path: str | os.PathLike, render: Callable[[T], np.ndarray], items: Sequence[T],
                 durations_ms: Sequence[int], *, palette_from: Sequence[T], loop: int = 0,
                 progress: Callable[[Sequence[T]], Iterable[T]] | None = None, encoding: Encoding | None = None,
                 labels: Sequence[str] | None = None, poster: int = 0) -> None:
    """The one frame loop of every animated command: ``render(item)`` for each item, in order, into
    one file (the format follows ``encoding``, else the extension), frame i shown for ``durations_ms[i]``.

    For palette formats the palette is built first from the frames of ``palette_from`` (e.g. the
    first, middle and last items), so that frames can be quantised as they come and memory holds
    one byte per pixel per frame; videos and LaTeX frames are written as they come. ``labels``
    (one short text per frame, e.g. the training step) go into a video's metadata and the LaTeX
    snippet; ``poster`` is the frame to show when the animation is not playing. ``progress``
    wraps the iteration over ``items`` (a progress bar). ``render`` may return a view of a canvas
    that the next call overwrites. An exception or interrupt leaves nothing behind.
    """
    encoding = encoding or Encoding.for_output(os.fspath(path), loop=loop)
    if len(durations_ms) != len(items):
        raise ValueError("one duration per item")
    samples = None
    if encoding.format in PALETTE_FORMATS:
        samples = [np.array(render(item)) for item in palette_from]
    writer = open_writer(path, encoding, list(durations_ms), palette_samples=samples, labels=labels, poster=poster)
    del samples
    try:
        for item in (progress(items) if progress else items):
            writer.add(render(item))
    except BaseException:
        writer.abort()
        raise
    writer.close()
