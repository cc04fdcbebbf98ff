"""The status line of training animations (actviz/render/status.py) draws the same pixels as a
matplotlib Text, frame after frame, while taking its glyphs from caches; and it steps aside
(draws an ordinary Text) for anything it does not handle."""
from __future__ import annotations

import numpy as np
import pytest

from actviz import api
from actviz.render.figure import new_figure, rc_context
from actviz.render.status import NUMBER_CHARACTERS, StatusLine, fast_path_available, pair_sequence
from actviz.render.training import TrainingFrames

needs_fast_path = pytest.mark.skipif(not fast_path_available(), reason="this matplotlib draws text another way")


def frames(run, fast: bool, **kw) -> list[np.ndarray]:
    source = TrainingFrames(run, **kw)
    source.status.fast = source.status.fast and fast
    snaps = run.snapshots
    # the order actviz train renders them: first, middle and last (the palette's samples), then all
    out = [np.array(source.render(snaps[i])) for i in (0, len(snaps) // 2, len(snaps) - 1, *range(len(snaps)))]
    if fast and fast_path_available():
        assert source.status.fast, "the status line fell back to a plain Text"
    return out


@needs_fast_path
@pytest.mark.parametrize("styles, kw, train", [
    ((), {}, {}),
    (("dark",), {"view": "both"}, {"data": "spiral", "classes": 3, "hidden": (8,), "steps": 300, "frames": 20}),
    (("paper",), {"dpi": 150}, {"steps": 200, "frames": 12}),
    (("slides",), {"size": (7.0, 7.5)}, {"steps": 2000, "frames": 16, "count": 120}),
])
def test_training_frames_are_the_same_pixels_as_with_a_text(styles, kw, train):
    run = api.train("relu", **train)
    with rc_context(styles):
        fast, plain = frames(run, True, **kw), frames(run, False, **kw)
    assert len(fast) == len(plain)
    for i, (a, b) in enumerate(zip(fast, plain)):
        assert np.array_equal(a, b), f"frame {i} differs"


def line_pixels(strings, fast: bool, **text) -> list[np.ndarray]:
    """Each string drawn in turn on a fixed background, the canvas read after each."""
    fig = new_figure(4.8, 1.0, dpi=100)
    fig.text(0.02, 0.1, "background", color="0.6")
    status = StatusLine(fig, 0.5, 0.7, **text)
    status.fast = status.fast and fast
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    out = []
    for s in strings:
        canvas.restore_region(background)
        status.set_text(s)
        status.draw()
        out.append(np.array(canvas.buffer_rgba()))
    return out


def random_status(rng: np.random.Generator, n: int) -> list[str]:
    words = []
    for _ in range(n):
        step = int(rng.integers(0, 10 ** int(rng.integers(1, 8))))
        loss = float(rng.lognormal(-1, 2))
        words.append(f"step {step:,}   loss {loss:.{int(rng.integers(1, 5))}f}   accuracy {rng.uniform(0, 1):.1%}")
    return words


@needs_fast_path
@pytest.mark.parametrize("text", [
    {"ha": "center", "va": "top"},
    {"ha": "left", "va": "baseline", "fontsize": 13},
    {"ha": "right", "va": "center", "color": "#d83030", "fontsize": 7.5},
    {"ha": "center", "va": "bottom", "fontweight": "bold", "alpha": 0.6},
])
def test_any_numbers_any_alignment_same_pixels(text):
    strings = random_status(np.random.default_rng(7), 40) + ["step 0", "Δ 1e-05 ± 3 [ok]", "  spaced   out  ", "x"]
    with rc_context(()):
        for i, (a, b) in enumerate(zip(line_pixels(strings, True, **text), line_pixels(strings, False, **text))):
            assert np.array_equal(a, b), f"{strings[i]!r} differs"


def test_what_it_does_not_handle_is_drawn_as_a_text():
    strings = ["loss $\\alpha = 0.5$", "two\nlines", "step 5", "خطوة 5"]
    with rc_context(()):
        for a, b in zip(line_pixels(strings, True), line_pixels(strings, False)):
            assert np.array_equal(a, b)
        rotated = line_pixels(strings, True, rotation=30)
        assert all(np.array_equal(a, b) for a, b in zip(rotated, line_pixels(strings, False, rotation=30)))


def test_a_failed_self_check_leaves_an_ordinary_text(monkeypatch):
    monkeypatch.setattr(StatusLine, "_agrees", lambda self, *a: False)
    strings = random_status(np.random.default_rng(3), 5)
    fig = new_figure(4.8, 1.0)
    status = StatusLine(fig, 0.5, 0.5, ha="center")
    fig.canvas.draw()
    status.set_text(strings[0])
    status.draw()
    assert status.fast is False
    with rc_context(()):
        assert all(np.array_equal(a, b) for a, b in zip(line_pixels(strings, True), line_pixels(strings, False)))


def test_pair_sequence_holds_every_ordered_pair_once():
    seq = pair_sequence(NUMBER_CHARACTERS)
    pairs = [seq[i:i + 2] for i in range(len(seq) - 1)]
    assert len(pairs) == len(NUMBER_CHARACTERS) ** 2
    assert set(pairs) == {a + b for a in NUMBER_CHARACTERS for b in NUMBER_CHARACTERS}
