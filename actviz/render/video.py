"""Videos for browsers, slides and editors: MP4 (H.264) and WebM (VP9) through imageio's PyAV plugin.

Frames go to the encoder as they come, converted here to BT.709 Y'CbCr (FFmpeg's own
conversion would use the BT.601 matrix whatever the tags say) and halved to 4:2:0, which
is what browsers, PowerPoint and Keynote play; the stream is tagged BT.709. A video has
one frame rate, so a frame shown longer (the held last frame) is repeated. The video is
encoded in memory and written atomically at the end, without anything that changes
between runs (dates, random ids, library versions in the container).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

from actviz.atomic import write_bytes
from actviz.errors import RunFailure, UserError
from actviz.render.layout import Encoding

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
