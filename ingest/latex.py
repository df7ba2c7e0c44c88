"""LaTeX in BibTeX fields to Unicode: the common cases directly, the rest through pylatexenc.

Reference managers write accents (\\'e, {\\"o}), escapes (\\&), protective braces ({PRP}) and dashes
(--); decoding those by table is ~50 times faster than a full LaTeX parse. Anything else (math,
other macros, comments) goes to pylatexenc, so the output is always what pylatexenc gives:
tests/test_latex.py checks that on every field of the real-world exports in tests/fixtures.
"""

import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

_full = LatexNodes2Text()

ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
           "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
           "b": "\u0331"}
LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
           "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
ESCAPED = {"&": "\ue000", "%": "\ue001", "$": "\ue002", "#": "\ue003", "_": "\ue004", "{": "\ue005", "}": "\ue006"}
RESTORED = {placeholder: character for character, placeholder in ESCAPED.items()}

_SYMBOL_ACCENT = re.compile(r"""\\([`'^"~=.])\s*(?:\{\s*([A-Za-z]|\\[ij])\s*\}|([A-Za-z]|\\[ij](?![A-Za-z])))""")
# \v{c}, or \v c (a control word takes the single letter after the space; "\v cx" goes to pylatexenc)
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*([A-Za-z]|\\[ij])\s*\}|\s+([A-Za-z])(?![A-Za-z]))")
_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?:\{\}|(?![A-Za-z\s]))")
_ESCAPE = re.compile(r"\\([&%$#_{}])")
_DASH_MACRO = re.compile(r"\\text(en|em)dash(?:\{\}|\s*)")  # like any control word, it swallows the space after it
_SIMPLE_MATH = re.compile(r"\$([^$\\]*)\$")  # $_2$, $^{2+}$: no macros inside
_NEEDS_DECODING = re.compile(r"[\\{}$~%`'&]|--")


def decode_latex(text: str) -> str:
    """LaTeX markup to Unicode text, stripped of surrounding white space."""
    if not _NEEDS_DECODING.search(text):
        return text.strip()
    fast = _decode_common(text)
    return (fast if fast is not None else _full.latex_to_text(text)).strip()


def _decode_common(text: str) -> str | None:
    """The common markup by table; None when anything else is left (pylatexenc decides then)."""
    text = _ESCAPE.sub(lambda m: ESCAPED[m.group(1)], text)
    text = _SYMBOL_ACCENT.sub(lambda m: _accented(m.group(2) or m.group(3), m.group(1)), text)
    text = _LETTER_ACCENT.sub(lambda m: _accented(m.group(2) or m.group(3), m.group(1)), text)
    text = _LETTER.sub(lambda m: LETTERS[m.group(1)], text)
    text = _DASH_MACRO.sub(lambda m: "\u2013" if m.group(1) == "en" else "\u2014", text)
    text = _SIMPLE_MATH.sub(lambda m: m.group(1).strip(), text)
    if "\\" in text or "$" in text or "%" in text or "&" in text:
        return None
    text = text.replace("{", "").replace("}", "")
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace("~", "\xa0")
    return text.translate(str.maketrans(RESTORED))


def _accented(base: str, accent: str) -> str:
    letter = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", letter + ACCENTS[accent])
