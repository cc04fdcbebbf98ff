"""Text a user asks to draw (``--title``), checked before any work: a formula between ``$...$``
that mathtext cannot parse, or a character the style's font lacks, is a user error in one line
rather than a crash or a warning in the middle of drawing."""
from __future__ import annotations

import re
import warnings
from typing import Iterable

from actviz.errors import UserError


def check_text(text: str, what: str, styles: Iterable[str] = ()) -> str:
    """Lay ``text`` out as matplotlib will (under ``styles``) and refuse what it cannot draw."""
    from matplotlib import cbook
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from actviz.render.figure import rc_context

    with rc_context(styles), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for line in text.split("\n"):  # matplotlib lays out (and parses) each line on its own
            try:
                RendererAgg(8, 8, 72).get_text_width_height_descent(line, FontProperties(),
                                                                    ismath=cbook.is_math_text(line))
            except RecursionError:  # mathtext's parser recurses once per level of nesting
                raise UserError(f"cannot draw {what}: the formula is nested too deeply to typeset") from None
            except ValueError as exc:
                where = re.search(r"\(at char (\d+)\)", str(exc))
                at = f" at character {int(where.group(1)) + 1} of the formula" if where else ""
                raise UserError(f"bad {what} {text!r}: the formula between $ signs does not parse{at}; "
                                f"fix it, or write \\$ for a dollar sign") from None
    for w in caught:
        missing = re.match(r"Glyph (\d+) .*missing from font\(s\) (.+?)\.?$", str(w.message), re.S)
        if missing:
            char = chr(int(missing.group(1)))
            raise UserError(f"cannot draw {what} {text!r}: the font {missing.group(2)} has no {char!r} "
                            f"(U+{ord(char):04X}); leave it out or use a --style whose font has it")
    return text
