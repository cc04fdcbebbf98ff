"""Text actviz draws: checked before any work, and turned into LaTeX for PGF output.

:func:`check_text` refuses a formula between ``$...$`` that mathtext cannot parse, or a
character the style's font lacks, in one line rather than a crash or a warning in the
middle of drawing. :func:`to_latex` turns any text matplotlib draws (plain text and
``$...$`` formulas, as mathtext reads them) into LaTeX that pdflatex, lualatex and
xelatex all set with nothing but ``\\usepackage{pgf}`` loaded: TeX's special characters
are escaped, the Unicode actviz uses is written as LaTeX commands, and mathtext's own
commands are replaced by base LaTeX ones.
"""
from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from typing import Iterable

from actviz.errors import UserError


def check_text(text: str, what: str, styles: Iterable[str] = (), latex: bool = False) -> str:
    """Lay ``text`` out as matplotlib will (under ``styles``) and refuse what it cannot draw
    (with ``latex``, also what :func:`to_latex` cannot write)."""
    from matplotlib import cbook
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from actviz.render.figure import rc_context

    logged = _Logged()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(logged)
    try:
        with rc_context(styles), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _lay_out(text, what, RendererAgg, FontProperties, cbook)
    finally:
        logger.removeHandler(logged)
    for message in [str(w.message) for w in caught] + logged.messages:
        missing = re.match(r"Glyph (\d+) .*missing from font\(s\) (.+?)\.?$", message, re.S) or \
            re.match(r"Font '(.+?)' does not have a glyph for '.*?' \[U\+([0-9a-fA-F]+)\]", message)
        if missing:
            if message.startswith("Glyph"):
                char, font = chr(int(missing.group(1))), missing.group(2)
            else:
                char, font = chr(int(missing.group(2), 16)), f"{missing.group(1)} (mathtext)"
            raise UserError(f"cannot draw {what} {text!r}: the font {font} has no {char!r} "
                            f"(U+{ord(char):04X}); leave it out, write it as a formula between $ signs, "
                            f"or use a --style whose font has it")
    if latex:
        try:
            to_latex(text)
        except UserError as exc:
            raise UserError(f"cannot write {what} {text!r} into PGF: {exc}") from None
    return text


class _Logged(logging.Handler):
    """Keeps what matplotlib logs while laying text out (mathtext's missing glyphs)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _lay_out(text: str, what: str, RendererAgg, FontProperties, cbook) -> None:
    """Measure each line as matplotlib will (which parses its formulas); a bad formula is a user error."""
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


# ---- LaTeX ---------------------------------------------------------------------------------

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
          "varsigma sigma tau upsilon phi chi psi omega").split()
_GREEK_UPPER = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}

MATH_CHARS: dict[str, str] = {
    "\u2212": "-", "\u2032": "'", "\u2033": "''", "\u00d7": r"\times ", "\u00b7": r"\cdot ", "\u22c5": r"\cdot ",
    "\u2192": r"\rightarrow ", "\u2190": r"\leftarrow ", "\u2194": r"\leftrightarrow ", "\u21a6": r"\mapsto ",
    "\u2264": r"\leq ", "\u2265": r"\geq ", "\u2260": r"\neq ", "\u2248": r"\approx ", "\u2261": r"\equiv ",
    "\u00b1": r"\pm ", "\u2213": r"\mp ", "\u221e": r"\infty ", "\u2208": r"\in ", "\u2209": r"\notin ",
    "\u221a": r"\surd ", "\u2016": r"\| ", "\u2225": r"\| ", "\u2202": r"\partial ", "\u2207": r"\nabla ",
    "\u2211": r"\sum ", "\u220f": r"\prod ", "\u222b": r"\int ", "\u2218": r"\circ ", "\u2022": r"\bullet ",
    "\u00b0": r"^{\circ}", "\u2026": r"\ldots ", "\u22ef": r"\cdots ", "\u2223": r"\mid ", "\u00ac": r"\neg ",
    "\u2227": r"\wedge ", "\u2228": r"\vee ", "\u2229": r"\cap ", "\u222a": r"\cup ", "\u2282": r"\subset ",
    "\u2286": r"\subseteq ", "\u2205": r"\emptyset ", "\u2200": r"\forall ", "\u2203": r"\exists ",
    "\u27e8": r"\langle ", "\u27e9": r"\rangle ", "\u2308": r"\lceil ", "\u2309": r"\rceil ",
    "\u230a": r"\lfloor ", "\u230b": r"\rfloor ", "\u2113": r"\ell ", "\u00f7": r"\div ",
    "\u207a": "^{+}", "\u207b": "^{-}", "\u207c": "^{=}", "\u207d": "^{(}", "\u207e": "^{)}", "\u207f": "^{n}",
    "\u2071": "^{i}", "\u208a": "_{+}", "\u208b": "_{-}",
    **{ch: "^{%d}" % d for d, ch in enumerate("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")},
    **{chr(0x2080 + d): "_{%d}" % d for d in range(10)},
    **{chr(0x03B1 + i): "\\%s " % name for i, name in enumerate(_GREEK) if name != "omicron"},
    "\u03bf": "o", "\u03d5": r"\phi ", "\u03c6": r"\varphi ", "\u03f5": r"\epsilon ", "\u03b5": r"\varepsilon ",
    "\u00b5": r"\mu ", "\u03d1": r"\vartheta ", "\u03d6": r"\varpi ", "\u03f1": r"\varrho ",
    **{unicodedata.lookup(f"GREEK CAPITAL LETTER {'LAMDA' if n == 'Lambda' else n.upper()}"): "\\%s " % n
       for n in sorted(_GREEK_UPPER)},
}
"""Unicode in formulas and text -> LaTeX math (base LaTeX only: no amsmath, no fonts).
(U+03C6 is the curly phi, LaTeX's \\varphi; U+03D5 the straight one, \\phi.)"""

TEXT_CHARS: dict[str, str] = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%",
    "#": r"\#", "$": r"\$", "~": r"\~{}", "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\ensuremath{|}",
    '"': "''", "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,", "\u2002": r"\enspace{}", "\u2003": r"\quad{}",
    "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''",
    "\u00a7": r"\S{}", "\u00b6": r"\P{}", "\u00a9": r"\copyright{}", "\u2020": r"\dag{}", "\u2021": r"\ddag{}",
    "\u00df": r"\ss{}", "\u00e6": r"\ae{}", "\u00c6": r"\AE{}", "\u0153": r"\oe{}", "\u0152": r"\OE{}",
    "\u00f8": r"\o{}", "\u00d8": r"\O{}", "\u00e5": r"\aa{}", "\u00c5": r"\AA{}", "\u0142": r"\l{}",
    "\u0141": r"\L{}", "\u0131": r"\i{}", "\u00a1": r"!`", "\u00bf": r"?`",
    # marker shapes named in legends and titles ("□ start, ★ minimum"), drawn with base LaTeX
    "\u25a1": r"{\setlength{\fboxsep}{0pt}\fbox{\rule{0pt}{0.6em}\hspace{0.6em}}}", "\u25a0": r"\rule{0.6em}{0.6em}",
    "\u2605": r"\ensuremath{\star}", "\u2606": r"\ensuremath{\star}", "\u25cb": r"\ensuremath{\circ}",
    "\u25cf": r"\ensuremath{\bullet}", "\u25b3": r"\ensuremath{\triangle}",
}
"""Characters of plain text that LaTeX reads specially, or that the three engines do not all set
from the raw character, -> text-mode LaTeX. Math symbols go through :data:`MATH_CHARS`."""

_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": '"', "\u0304": "=",
            "\u0307": ".", "\u030a": "r", "\u0327": "c", "\u030c": "v", "\u0306": "u", "\u030b": "H"}
"""Combining accents -> LaTeX accent commands (é -> \\'{e}), so accented Latin letters work in every engine."""

MATHTEXT_COMMANDS = {
    r"\mathdefault": "", r"\operatorname": None, r"\text": r"\mbox", r"\dfrac": r"\frac", r"\tfrac": r"\frac",
    r"\boldsymbol": r"\mathbf", r"\mathbb": r"\mathbf", r"\mathfrak": r"\mathrm", r"\mathscr": r"\mathcal",
}
"""mathtext commands that base LaTeX lacks (they need amsmath or amssymb) -> base LaTeX."""


def split_math(text: str) -> list[tuple[bool, str]]:
    """``text`` as matplotlib reads it: (is_math, piece) pairs. Math needs an even number of
    unescaped ``$``; otherwise the whole text is plain and ``\\$`` means ``$``."""
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", text)]
    if not dollars or len(dollars) % 2:
        return [(False, text.replace(r"\$", "$"))] if text else []
    pieces, last = [], 0
    for start, end in zip(dollars[::2], dollars[1::2]):
        if start > last:
            pieces.append((False, text[last:start].replace(r"\$", "$")))
        pieces.append((True, text[start + 1:end]))
        last = end + 1
    if last < len(text):
        pieces.append((False, text[last:].replace(r"\$", "$")))
    return pieces


def _text_char(ch: str) -> str:
    if ch in TEXT_CHARS:
        return TEXT_CHARS[ch]
    if ch.isascii():
        return ch
    if ch in MATH_CHARS:
        return r"\ensuremath{%s}" % MATH_CHARS[ch].strip()
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 2 and decomposed[0].isascii() and decomposed[0].isalpha() and decomposed[1] in _ACCENTS:
        base = r"\i" if decomposed[0] == "i" else decomposed[0]
        return "\\%s{%s}" % (_ACCENTS[decomposed[1]], base)
    raise UserError(f"LaTeX engines differ on {ch!r} (U+{ord(ch):04X}), so it cannot go into a PGF file; "
                    f"leave it out, write it as a formula between $ signs, or write .pdf")


def text_to_latex(text: str) -> str:
    """Plain text (no formulas) -> text-mode LaTeX (``--`` stays two hyphens, not a dash)."""
    return "".join("-{}" if ch == "-" and text[i + 1:i + 2] == "-" else _text_char(ch) for i, ch in enumerate(text))


def _operatorname(math: str) -> str:
    r"""``\operatorname{erf}`` -> ``\mathop{\mathrm{erf}}\nolimits`` (amsmath's command in base LaTeX)."""
    return re.sub(r"\\operatorname\s*\{([^{}]*)\}", r"\\mathop{\\mathrm{\1}}\\nolimits ", math)


def math_to_latex(math: str) -> str:
    """A mathtext formula (what lies between ``$`` signs) -> LaTeX math."""
    out = _operatorname(math)
    for command, replacement in MATHTEXT_COMMANDS.items():
        if replacement is not None:
            out = re.sub(re.escape(command) + r"(?![A-Za-z])", lambda m: replacement, out)
    chars = []
    for ch in out:
        if ch.isascii():
            chars.append(ch)
        elif ch in MATH_CHARS:
            chars.append(MATH_CHARS[ch])
        else:
            chars.append(r"\mbox{%s}" % _text_char(ch))
    return "".join(chars)


def to_latex(text: str) -> str:
    """Text as matplotlib draws it -> LaTeX for a PGF file: formulas between ``$`` stay math,
    everything else is escaped; newlines become line breaks."""
    lines = [
        "".join(f"${math_to_latex(p)}$" if is_math else text_to_latex(p) for is_math, p in split_math(line))
        for line in text.split("\n")
    ]
    return lines[0] if len(lines) == 1 else r"\shortstack{" + r"\\".join(lines) + "}"
