"""LaTeX in BibTeX fields to Unicode: the common cases directly, the rest through pylatexenc.

Reference managers write accents (\\'e, {\\"o}), escapes (\\&), protective braces ({PRP}), dashes
(--) and symbol macros (\\textdegree, \\emph{...}); decoding those by table is much cheaper than
a full LaTeX parse. Macros are looked up in pylatexenc's own tables, so each one gives pylatexenc's
text. Anything else (macros with other arguments, comments, alignment) goes to pylatexenc itself,
so the output is always what pylatexenc gives: tests/test_latex.py checks that on every field of
the real-world exports in tests/fixtures and on generated LaTeX.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

_full = LatexNodes2Text()
_TEXT_SPECS = get_default_latex_context_db()  # what each macro writes
_PARSE_SPECS = latexwalker.get_default_latex_context_db()  # which arguments each macro takes

ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
           "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
           "b": "\u0331"}
# Characters decoded text can hold but the later steps would read as markup (an escaped \& or a
# macro's "\" or "--") stand in as private-use characters until the end.
_PLACEHOLDERS = {character: chr(0xE000 + number) for number, character in enumerate("&%$#_{}\\~-`'")}
_PROTECT = str.maketrans(_PLACEHOLDERS)
# Where a group or a command ended: "-{-}" and "-\\relax-" are two hyphens, not a dash.
_BOUNDARY = "\ue0ff"
_PLACEHOLDER = re.compile(f"[{''.join(_PLACEHOLDERS.values())}]")
_RESTORED = {placeholder: character for character, placeholder in _PLACEHOLDERS.items()}

# White space within a paragraph: a blank line (a paragraph break) is never taken as space.
_SPACE = r"[ \t]*+\n?+[ \t]*+(?![\r\n])"
# The markup handled by table, read in one pass from left to right, so that decoding one command
# never joins what follows into another (G\i\^r is \i then \^r, not \ir).
_MARKUP = re.compile(rf"""
    \\(?P<escaped>[&%$#_{{}}])
    # \'e, \"{{o}}, and on a digit or a parenthesis too, as in crystal planes: (11\=20)
  | \\(?P<symbol_accent>[`'^"~=.]){_SPACE}
    (?:\{{{_SPACE}(?P<braced_letter>[A-Za-z0-9()]|\\[ij]){_SPACE}\}}|(?P<letter>[A-Za-z0-9()])|(?P<dotless>\\[ij])(?![A-Za-z]){_SPACE})
    # \v{{c}}, or \v c (a control word takes the single letter after the space; "\v cx" goes to pylatexenc)
  | \\(?P<letter_accent>[uvHckrdb])(?:{_SPACE}\{{{_SPACE}(?P<braced_accented>[A-Za-z]|\\[ij]){_SPACE}\}}|(?=\s){_SPACE}(?P<accented>[A-Za-z])(?![A-Za-z]))
    # a control word swallows the white space after it; then what may be its argument: a group of
    # plain text, or an escaped brace
  | \\(?P<word>[A-Za-z]++){_SPACE}(?P<argument>\{{[^{{}}\\]*\}}|\\[{{}}])?
  | \\(?P<symbol>[,;:!/@-])  # \, \- \; ...: nothing swallowed (\[ and \( start math: pylatexenc decides)
    # math (with whole groups only), read on its own: there ~ is no space
  | \$(?P<math>(?:[^${{}}]|\{{[^${{}}]*\}})+)\$
""", re.VERBOSE)
_MATH_COMMAND = re.compile(r"\s*\\([A-Za-z]++)\s*")
_NEEDS_DECODING = re.compile(r"[\\{}$~%`'&]|--")


def needs_decoding(text: str) -> bool:
    """Whether the text has anything LaTeX would read differently from plain text."""
    return _NEEDS_DECODING.search(text) is not None


def decode_latex(text: str) -> str:
    """LaTeX markup to Unicode text, stripped of surrounding white space."""
    if not needs_decoding(text):
        return text.strip()
    fast = _decode_common(text)
    return (fast if fast is not None else _full.latex_to_text(text)).strip()


def _decode_common(text: str) -> str | None:
    """The common markup by table; None when anything else is left (pylatexenc decides then)."""
    if "\\" in text or "$" in text:
        text = _MARKUP.sub(_decoded_markup, text)
    if "\\" in text or "$" in text or "%" in text or "&" in text:
        return None
    text = text.replace("{", _BOUNDARY).replace("}", _BOUNDARY)
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace("~", "\xa0").replace(_BOUNDARY, "")
    return _PLACEHOLDER.sub(lambda m: _RESTORED[m.group()], text)


def _decoded_markup(match: re.Match) -> str:
    """One command's text (protected from the later steps), or the command itself for pylatexenc."""
    if match["math"]:  # $_2$ or $\alpha$ (pylatexenc spaces commands in math its own way: one at most)
        math, command = match["math"], _MATH_COMMAND.fullmatch(match["math"])
        text = _macro(command.group(1)).text if command else None
        if text is not None:
            math = text
        return match.group(0) if "\\" in math or "~" in math else _BOUNDARY + math.strip() + _BOUNDARY
    if match["escaped"]:
        return _PLACEHOLDERS[match["escaped"]]
    if match["symbol_accent"]:
        return _accented(match["braced_letter"] or match["letter"] or match["dotless"], match["symbol_accent"])
    if match["letter_accent"]:
        return _accented(match["braced_accented"] or match["accented"], match["letter_accent"])
    if match["symbol"]:
        text = _macro(match["symbol"]).text
        return match.group(0) if text is None else text or _BOUNDARY
    macro, argument = _macro(match["word"]), match["argument"] or ""
    if macro.text is not None:  # takes no argument: what follows is ordinary text
        return (macro.text or _BOUNDARY) + (_PLACEHOLDERS[argument[1]] if argument.startswith("\\") else argument)
    if macro.keeps_argument and argument.startswith("{"):  # \emph{...}: the group's text
        return argument
    if macro.drops_argument and argument:  # \vphantom\}: nothing
        return _BOUNDARY
    return match.group(0)


@dataclass(frozen=True)
class _Macro:
    """What pylatexenc does with a macro: writes `text` (it takes no argument), writes its one
    argument's text, drops its argument, or (all unset) something only pylatexenc itself does."""

    text: str | None = None
    keeps_argument: bool = False
    drops_argument: bool = False


@lru_cache(maxsize=4096)
def _macro(name: str) -> _Macro:
    """A macro's behaviour, read from pylatexenc's tables."""
    parse_spec, text_spec = _PARSE_SPECS.get_macro_spec(name), _TEXT_SPECS.get_macro_spec(name)
    arguments = parse_spec.args_parser.argspec if parse_spec is not None else ""
    if text_spec is None:  # pylatexenc writes nothing for a macro it does not know
        replacement, discard = "", True
    else:
        replacement, discard = text_spec.simplify_repl, text_spec.discard
    # a replacement with "%s" placeholders is filled from the arguments ("%" alone is a percent sign)
    formatted = isinstance(replacement, str) and "%" in replacement and replacement != "%"
    if not arguments:
        if replacement is None or (isinstance(replacement, str) and not formatted):
            return _Macro(text=(replacement or "").translate(_PROTECT))
        return _Macro()  # computed by a function
    if arguments == "{" and (replacement == "%s" or (replacement is None and not discard)):
        return _Macro(keeps_argument=True)
    if arguments in ("{", "[{") and not replacement and discard:
        return _Macro(drops_argument=True)
    return _Macro()


def _accented(base: str, accent: str) -> str:
    letter = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", letter + ACCENTS[accent])
