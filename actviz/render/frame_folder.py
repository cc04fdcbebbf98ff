"""A folder of PNG frames and a ready ``animation.tex`` for the LaTeX ``animate`` package.

The folder is built under a temporary name beside its place and renamed into place whole
(a previous folder of frames that actviz wrote is replaced; a folder with anything else in
it is refused), so a paper's figure folder never holds half an animation.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Sequence

import numpy as np

from actviz.atomic import interrupted
from actviz.errors import RunFailure, UserError

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
