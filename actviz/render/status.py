"""A line of text that changes every frame (``step 1,000   loss 0.098   accuracy 97.5%``),
drawn for a fraction of what a matplotlib Text costs, pixel for pixel the same.

Drawing a Text lays the string out with FreeType twice (once to measure it, once to draw
it) and renders every glyph afresh: 60% of a blitted training frame went into that one
line. Matplotlib (3.11+) draws text glyph by glyph, and a glyph's bitmap depends only on
the glyph and on where its origin falls within a pixel. So :class:`StatusLine` keeps

* the pen offset from each character to the next (hinted advance plus kerning), measured
  once per pair of characters, so a string's layout and size are sums, not FreeType calls;
* where the Text put a string of each size (alignment depends on nothing else), learnt by
  letting the Text draw the first string of that size itself;
* each glyph's bitmap per position within a pixel, rendered once, and each word's glyphs
  put together per place on the canvas (``step`` and ``loss`` come back at a few places).

A frame then costs a few array copies and one or two blends onto the canvas. The first
string is also drawn as an ordinary Text on the same background and the two canvases
compared byte for byte; if they differ, or this matplotlib draws text another way, the line
stays an ordinary Text. Strings it cannot lay out by sums (mathtext, several lines, scripts whose
letters take their shape from their neighbours) are drawn as an ordinary Text, frame by frame.
The StatusLine owns its Text: set its properties when making it.
"""
from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple

import numpy as np
from matplotlib import cbook
from matplotlib.backends import backend_agg
from matplotlib.figure import Figure
from matplotlib.text import Text

IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])
"""FreeType's 16.16 identity matrix: an unrotated, unslanted glyph."""
WORDS = re.compile(r" *[^ ]+| +")
"""A string's words, each with the spaces before it (and any spaces at the end)."""
CACHE_LIMIT = 20_000
"""Entries kept per cache before it starts afresh (a long animation meets new numbers every frame)."""
NUMBER_CHARACTERS = "0123456789.,%-+e "
"""Characters whose every pair is measured up front, in one FreeType call: what changes in a status line."""


def pair_sequence(alphabet: str) -> str:
    """A string holding every ordered pair of ``alphabet``'s characters side by side (a de Bruijn
    sequence of order 2: len(alphabet)**2 + 1 characters)."""
    k = len(alphabet)
    word, out = [0, 0, 0], []

    def extend(t: int, p: int) -> None:
        if t > 2:
            if 2 % p == 0:
                out.extend(word[1:p + 1])
            return
        word[t] = word[t - p]
        extend(t + 1, p)
        for j in range(word[t - p] + 1, k):
            word[t] = j
            extend(t + 1, t)

    extend(1, 1)
    return "".join(alphabet[i] for i in out + out[:1])


def fast_path_available() -> bool:
    """Does this matplotlib draw text glyph by glyph through the FreeType calls used here (3.11+)?"""
    from matplotlib.ft2font import FT2Font

    return (hasattr(backend_agg.RendererAgg, "_draw_text_glyphs_and_boxes")
            and all(hasattr(FT2Font, name) for name in ("_layout", "_render_glyph", "_set_transform"))
            and all(hasattr(backend_agg, name) for name in ("get_hinting_flag", "RenderMode")))


def _value(flag) -> int:
    """An enum's plain value, for dictionary keys (hashing a Python enum is slow)."""
    return getattr(flag, "value", flag)


class _Unsupported(Exception):
    """A character (or pair) that FreeType does not lay out as one glyph per character."""


class _Word(NamedTuple):
    """A word laid out from its first glyph's pen position."""

    glyphs: tuple  # (font, glyph index, pen, dy) per character
    last: float  # pen of the last glyph
    advance: float  # the last glyph's advance
    ascent: float
    descent: float


class StatusLine:
    """A figure text for a string that changes every frame: :meth:`set_text`, then :meth:`draw`.

    Parameters
    ----------
    fig : Figure
        A figure on an Agg canvas.
    x, y : float
        Position in figure coordinates, as for ``fig.text``.
    **kwargs
        Text properties (alignment, font size, colour...), as for ``fig.text``.
    """

    def __init__(self, fig: Figure, x: float, y: float, **kwargs: Any):
        self.fig = fig
        self.text: Text = fig.text(x, y, "", animated=True, **kwargs)
        self.fast = fast_path_available() and self.text.get_fontfeatures() is None \
            and self.text.get_language() is None
        self._checked = False
        self._renderer = None
        self._font = None
        self._flag_key = 0
        self._glyphs: dict[tuple, tuple] = {}  # (flags, char) -> (font, glyph, dy, advance, height, descent)
        self._pairs: dict[tuple, float] = {}  # (flags, a, b) -> pen offset from a to b
        self._words: dict[tuple, _Word] = {}  # (flags, word) -> its layout
        self._anchors: dict[tuple, tuple] = {}  # (width, height, descent) -> (x, y, gc, points) the Text drew at
        self._bitmaps: dict[tuple, tuple] = {}  # (font, glyph, x phase, y phase, how) -> bitmap
        self._places: dict[tuple, dict] = {}  # (x, y, how) -> {(word, pen): its pieces, or None if met once}
        self._current = ""

    def set_text(self, s: str) -> None:
        self.text.set_text(s)

    def draw(self, renderer=None) -> None:
        """Draw the current string onto the figure's canvas (the caller restores the background); the
        ``renderer`` argument, which an artist's ``draw`` takes, is the canvas's own."""
        renderer = self.fig.canvas.get_renderer()
        s = self.text.get_text()
        if not (self.fast and s and self._plain(s)):
            self.fig.draw_artist(self.text)
            return
        if renderer is not self._renderer:  # a new canvas size or dpi: places start afresh
            self._renderer = renderer
            self._anchors.clear()
            self._places.clear()
            self._font = None
        flags = backend_agg.get_hinting_flag()
        self._flag_key, self._current = _value(flags), s

        def font():  # the FT2Font at the text's size, as the renderer prepares it, for a missing measurement
            if self._font is None:
                self._font = renderer._prepare_font(self.text.get_fontproperties())  # found once: a slow look-up
            else:
                self._font.clear()
                self._font.set_size(self.text.get_fontproperties().get_size_in_points(), renderer.dpi)
            return self._font

        if not self._checked:  # every digit and sign, and every pair of them, measured at once
            self._harvest(font(), pair_sequence(NUMBER_CHARACTERS), flags, glyphs=True)
        layout = self._layout(font, s, flags)
        if layout is None:  # a character that needs real shaping: this frame the ordinary way
            self.fig.draw_artist(self.text)
        elif not self._checked:  # the first string: compare with FreeType's layout and the Text's pixels
            self._checked = True
            self.fast = self._agrees(renderer, s, flags, layout) and self._same_pixels(renderer, s, layout, flags)
            if not self.fast:
                self.fig.draw_artist(self.text)
        else:
            self._draw(renderer, s, layout, flags)

    def _plain(self, s: str) -> bool:
        """One unrotated line of ordinary glyphs: no mathtext, TeX, line breaks, wrapping or path effects,
        and only scripts that FreeType lays out pair by pair (Latin, Greek, Cyrillic, signs and symbols;
        not those whose letters change shape with their neighbours)."""
        text = self.text
        return ("\n" not in s and not cbook.is_math_text(s) and not text.get_usetex() and text.get_rotation() == 0
                and not text.get_path_effects() and not text.get_wrap()
                and all(ord(c) < 0x0590 or 0x2000 <= ord(c) < 0x2400 for c in s))

    # ---- layout as sums of per-character measurements

    def _glyph(self, font: Callable, ch: str, flags) -> tuple:
        key = (self._flag_key, ch)
        got = self._glyphs.get(key)
        if got is None:
            ft2 = font()
            items = ft2._layout(ch, flags=flags)
            if len(items) != 1:
                raise _Unsupported(ch)
            ft2.set_text(ch, 0.0, flags=flags)
            (w, h), d = ft2.get_width_height(), ft2.get_descent()
            got = (items[0].ft_object, items[0].glyph_index, items[0].y, w / 64.0, h / 64.0, d / 64.0)
            self._glyphs[key] = got
        return got

    def _pair(self, font: Callable, a: str, b: str, flags) -> float:
        key = (self._flag_key, a, b)
        got = self._pairs.get(key)
        if got is None:  # measure every pair of the current string in one go
            self._harvest(font(), self._current, flags)
            got = self._pairs.get(key)
        if got is None:
            items = font()._layout(a + b, flags=flags)
            if len(items) != 2 or items[0].x != 0:
                raise _Unsupported(a + b)
            got = self._pairs[key] = items[1].x
        return got

    def _harvest(self, ft2, text: str, flags, glyphs: bool = False) -> None:
        """Pen offsets of every neighbouring pair in ``text`` from one layout (if it is one glyph per
        character); with ``glyphs``, each character's own measurements too (the number "strip")."""
        items = ft2._layout(text, flags=flags)
        if len(items) != len(text) or any(i.char != ch for i, ch in zip(items, text)):
            return
        for first, second in zip(items, items[1:]):
            self._pairs.setdefault((self._flag_key, first.char, second.char), second.x - first.x)
        if glyphs:
            for item in {i.char: i for i in items}.values():
                if (self._flag_key, item.char) not in self._glyphs:
                    ft2.set_text(item.char, 0.0, flags=flags)
                    (w, h), d = ft2.get_width_height(), ft2.get_descent()
                    self._glyphs[(self._flag_key, item.char)] = (item.ft_object, item.glyph_index, item.y,
                                                                 w / 64.0, h / 64.0, d / 64.0)

    def _word(self, font: Callable, text: str, flags) -> _Word:
        key = (self._flag_key, text)
        got = self._words.get(key)
        if got is None:
            glyphs, pen, prev, ascent, descent, advance = [], 0.0, None, 0.0, 0.0, 0.0
            for ch in text:
                if prev is not None:
                    pen += self._pair(font, prev, ch, flags)
                ft, index, dy, advance, h, d = self._glyph(font, ch, flags)
                glyphs.append((ft, index, pen, dy))
                ascent, descent = max(ascent, h - d), max(descent, d)
                prev = ch
            if len(self._words) > CACHE_LIMIT:
                self._words.clear()
            got = self._words[key] = _Word(tuple(glyphs), pen, advance, ascent, descent)
        return got

    def _layout(self, font: Callable, s: str, flags) -> tuple | None:
        """``(words, (width, height, descent))``: each word with its first glyph's pen position, and
        the size as ``get_text_width_height_descent`` gives it; None if a character needs real shaping."""
        try:
            words, pen, prev, ascent, descent = [], 0.0, None, 0.0, 0.0
            for text in WORDS.findall(s):
                word = self._word(font, text, flags)
                if prev is not None:
                    pen += self._pair(font, prev, text[0], flags)
                words.append((text, pen, word))
                pen += word.last
                prev = text[-1]
                ascent, descent = max(ascent, word.ascent), max(descent, word.descent)
        except _Unsupported:
            return None
        return words, (pen + word.advance, ascent + descent, descent)

    def _agrees(self, renderer, s: str, flags, layout) -> bool:
        """Does the summed layout of ``s`` equal FreeType's own, positions and size?"""
        words, size = layout
        glyphs = [(ft, index, start + pen, dy) for _, start, word in words for ft, index, pen, dy in word.glyphs]
        prop = self.text.get_fontproperties()
        real = [(i.ft_object, i.glyph_index, i.x, i.y) for i in renderer._prepare_font(prop)._layout(s, flags=flags)]
        return real == glyphs and renderer.get_text_width_height_descent(s, prop, False) == size

    def _same_pixels(self, renderer, s: str, layout, flags) -> bool:
        """Draw ``s`` both ways on the same background: do the canvases agree to the byte? The
        canvas is left with the string drawn (as an ordinary Text if they differ)."""
        canvas = self.fig.canvas
        saved = canvas.copy_from_bbox(self.fig.bbox)
        self.fig.draw_artist(self.text)
        real = np.array(canvas.buffer_rgba())
        canvas.restore_region(saved)
        self._draw(renderer, s, layout, flags)
        if np.array_equal(np.asarray(canvas.buffer_rgba()), real):
            return True
        canvas.restore_region(saved)
        return False

    # ---- drawing from the caches

    def _draw(self, renderer, s: str, layout, flags) -> None:
        words, size = layout
        anchor = self._anchors.get(size)
        if anchor is None:
            self._draw_as_text(renderer, s, layout, flags)
        else:
            x, y, gc, points = anchor
            self._blit(renderer, gc, x, y, words, points, flags)

    def _draw_as_text(self, renderer, s: str, layout, flags) -> None:
        """Let the Text draw itself (its alignment, colour, clipping), with the renderer's measuring and
        glyph drawing answered from the caches; remember where it put a string of this size."""
        words, size = layout
        measure, draw_text = renderer.get_text_width_height_descent, renderer.draw_text

        def measured(text, prop, ismath):
            return size if (text, ismath) == (s, False) else measure(text, prop, ismath)

        def drawn(gc, x, y, text, prop, angle, ismath=False, mtext=None):
            if (text, ismath, angle) != (s, False, 0):
                return draw_text(gc, x, y, text, prop, angle, ismath=ismath, mtext=mtext)
            kept = renderer.new_gc()
            kept.copy_properties(gc)
            self._anchors[size] = (x, y, kept, prop.get_size_in_points())
            self._blit(renderer, gc, x, y, words, prop.get_size_in_points(), flags)

        renderer.get_text_width_height_descent, renderer.draw_text = measured, drawn
        try:
            self.text.draw(renderer)
        finally:
            del renderer.get_text_width_height_descent, renderer.draw_text

    def _blit(self, renderer, gc, x: float, y: float, words, points: float, flags) -> None:
        """What ``RendererAgg._draw_text_glyphs_and_boxes`` does at angle 0, in a few blends.

        Agg blends a coverage value into a pixel on its own, and a zero coverage leaves the pixel
        as it is, so glyphs whose inked columns do not meet can share one coverage image; a glyph
        (or a word's piece) that meets an earlier one goes into a later layer, so that where glyphs
        overlap they are still blended in the string's order."""
        antialiased = gc.get_antialiased()
        mode = backend_agg.RenderMode.NORMAL if antialiased else backend_agg.RenderMode.MONO
        how = (self._flag_key, _value(mode), points)
        place = self._places.get((x, y, how))
        if place is None:
            place = self._places[(x, y, how)] = {}
        pieces: list = []
        for text, start, word in words:
            got = place.get((text, start), False)
            if got:
                pieces += got
                continue
            glyphs = self._glyph_pieces(renderer, word, start, x, y, points, flags, mode, how)
            if got is False:  # met for the first time here (most numbers are met once): glyphs go straight in
                if len(place) > CACHE_LIMIT:
                    place.clear()
                place[(text, start)] = None
                pieces += glyphs
            else:  # met again: put together once and kept
                got = place[(text, start)] = tuple((min(p[0] for p in layer), max(p[1] for p in layer),
                                                    *_top_left(layer)) for layer in _layers(glyphs))
                pieces += got
        draw = renderer._renderer.draw_text_image
        for layer in _layers(pieces):
            image, col, bottom = _combine(layer)
            draw(image, col, bottom, 0, gc)

    def _glyph_pieces(self, renderer, word: _Word, start: float, x: float, y: float, points: float, flags, mode,
                      how: tuple) -> list[tuple]:
        """A word's inked glyphs at their places on the canvas: (first, last inked column, row, column, coverage)."""
        height, dpi, bitmaps = renderer.height, renderer.dpi, self._bitmaps
        pieces = []
        for ft, index, pen, dy in word.glyphs:
            ox, oy = round(0x40 * (x + (start + pen))), round(0x40 * (height - y + dy))
            key = (ft, index, ox & 63, oy & 63, how)
            got = bitmaps.get(key)
            if got is None:
                got = bitmaps[key] = _render(ft, index, points, dpi, flags, mode, ox, oy)
            buffer, left, top, ink = got
            if ink is not None:  # a space inks nothing
                col = left + (ox >> 6)
                pieces.append((col + ink[0], col + ink[1], int(height) - (top + (oy >> 6)), col, buffer))
        return pieces


def _render(ft, index: int, points: float, dpi: float, flags, mode, ox: int, oy: int) -> tuple:
    """A glyph's bitmap with its origin at (ox, oy) (26.6 fixed point), as the renderer makes it:
    ``(coverage, left, top, (first, last) inked column or None)``, left and top relative to the whole pixel."""
    ft.set_size(points, dpi)
    ft._set_transform(IDENTITY, [ox, oy])
    bitmap = ft._render_glyph(index, flags, mode)
    buffer = np.array(bitmap.buffer, dtype=np.uint8)
    if mode != backend_agg.RenderMode.NORMAL:
        buffer *= 0xff
    inked = np.flatnonzero(buffer.any(axis=0)) if buffer.size else ()
    ink = (int(inked[0]), int(inked[-1])) if len(inked) else None
    return buffer, bitmap.left - (ox >> 6), bitmap.top - (oy >> 6), ink


def _layers(pieces) -> list[list[tuple]]:
    """Pieces (first, last inked column, row, column, coverage) in layers drawn one after another: a
    piece goes one layer above the last layer holding a piece whose inked columns reach its own, so
    overlapping pieces keep their order."""
    layers: list[list[tuple]] = []
    rights: list[int] = []
    for p in pieces:
        level = len(rights)  # one above the highest layer that reaches p's first inked column
        while level and rights[level - 1] < p[0]:
            level -= 1
        if level == len(layers):
            layers.append([p])
            rights.append(p[1])
        else:
            layers[level].append(p)
            if p[1] > rights[level]:
                rights[level] = p[1]
    return layers


def _top_left(layer: list[tuple]) -> tuple[int, int, np.ndarray]:
    """``(row, col, image)``: a layer's pieces in one coverage image (they ink no pixel twice)."""
    image, col, bottom = _combine(layer)
    return bottom - image.shape[0], col, image


def _combine(layer: list[tuple]) -> tuple[np.ndarray, int, int]:
    """``(image, left column, bottom row)`` of a layer's pieces put together."""
    if len(layer) == 1:
        _, _, row, col, image = layer[0]
        return image, col, row + image.shape[0]
    top = left = 1 << 30
    bottom = right = -(1 << 30)
    for _, _, row, col, image in layer:
        h, w = image.shape
        top, left = min(top, row), min(left, col)
        bottom, right = max(bottom, row + h), max(right, col + w)
    out = np.zeros((bottom - top, right - left), np.uint8)
    for _, _, row, col, image in layer:
        h, w = image.shape
        out[row - top:row - top + h, col - left:col - left + w] |= image
    return out, left, bottom
