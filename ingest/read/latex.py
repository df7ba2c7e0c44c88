"""LaTeX in BibTeX field values to the text its writer meant, never dropping text silently.

Reference managers write accents (\\'e, {\\"o}), escapes (\\&), protective braces ({PRP}), dashes
(--) and symbol macros (\\textdegree, \\emph{...}). Two paths read them: a fast one by table for
those common cases, and a full one, pylatexenc's parser, for the rest; tests/test_latex.py checks
that both give the same text on every field of the real exports in tests/fixtures and on generated
LaTeX. pylatexenc reads a LaTeX document and drops what it does not know; a field value is BibTeX,
so both paths read it differently:

- `%` is a percent sign, not a comment, and a bare `&` is an ampersand, not table alignment;
- macros that pylatexenc does not know, or reads as nothing though they write text (\\TeX, \\slash,
  \\mbox{...}), are read from their definitions (the tables below);
- a macro that neither knows is kept as written, with the braced arguments right after it (their
  text read, in their braces), and reported (decode_latex's `kept`) so that the reader can warn;
- every run of white space (spaces, tabs, line breaks, a blank line too) is one space, as BibTeX
  itself reads a value: a field holds no line breaks. The ends are stripped.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from ingest.read.ads_journals import ads_journal

# What pylatexenc 2.11 does not know, or reads as nothing, read from the macros' definitions in the
# LaTeX kernel (github.com/latex3/latex2e, commit 7a74a9a0, LPPL 1.3c) and in biblatex
# (github.com/plk/biblatex, tex/latex/biblatex/biblatex.sty, commit d11aa549, LPPL 1.3).
WORDS = {
    # base/ltlogos.dtx and base/doc.dtx: the letters each logo prints
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "SliTeX": "SliTeX", "AmSTeX": "AMS-TeX",
    # base/ltplain.dtx; base/ltoutenc.dtx (characters of the T1 encoding); base/utf8ienc.dtx (Unicode characters)
    "slash": "/", "space": " ", "textless": "<", "textgreater": ">", "textbar": "|", "textunderscore": "_",
    "nobreakspace": "\xa0", "SS": "ẞ", "guillemetleft": "«", "guillemetright": "»", "textbardbl": "‖",
    # biblatex.sty: a hyphen that lets the rest of the word break, and one that does not break
    "hyphen": "-", "nbhyphen": "-",
    # a control space at a line's end; line and paragraph breaks (white space, folded to one space)
    "\n": " ", "\t": " ", "par": " ", "newline": " ", "linebreak": " ",
}
# Defined as a command pylatexenc reads (base/ltoutenc.dtx: \S is \textsection in text; base/ltspace.dtx:
# \, is \thinspace; biblatex.sty: \mkbibemph is \emph, \hyphenate is \-).
DEFINED_AS = {"S": "textsection", "P": "textparagraph", "ddag": "textdaggerdbl", "copyright": "textcopyright",
              "pounds": "textsterling", "thinspace": ",", "hyphenate": "-", "mkbibemph": "emph", "mkbibbold": "textbf",
              "mkbibitalic": "textit"}
# Layout, not text: font, size and spacing switches write nothing.
LAYOUT = ("rm", "it", "bf", "sl", "sc", "sf", "tt", "em", "md", "up", "normalfont", "rmfamily", "sffamily", "ttfamily", "bfseries",
          "mdseries", "itshape", "slshape", "scshape", "upshape", "tiny", "scriptsize", "footnotesize", "small", "normalsize",
          "large", "Large", "LARGE", "huge", "Huge", "relax", "protect", "noindent", "null", "leavevmode", "allowbreak",
          "allowhyphens", "break", "nocorr", "unskip", "ignorespaces", "xspace", "/", "@")
# Write their one argument's text.
TEXT_ARGUMENT = ("mbox", "hbox", "textmd", "textsf", "texttt", "textup", "textnormal", "textsuperscript", "textsubscript")
# Write nothing, argument included (\vphantom{x} takes the height of x, and nothing else).
INVISIBLE = ("vphantom", "hphantom", "label")
# pylatexenc writes a placeholder or a value of its own for these (\cite{key}: "<cit.>"; \today: the day
# it runs): kept as written instead.
NOT_TEXT = frozenset(("cite", "citet", "citep", "ref", "autoref", "cref", "Cref", "eqref", "includegraphics", "input",
                      "include", "title", "author", "date", "maketitle", "today"))


def _contexts():
    """pylatexenc's tables of arguments (parse) and of text, with the macros above added first."""
    parse, text = latexwalker.get_default_latex_context_db(), get_default_latex_context_db()
    parse_specs = [macrospec.MacroSpec(name, "{") for name in TEXT_ARGUMENT + INVISIBLE if parse.get_macro_spec(name) is None]
    parse_specs.append(macrospec.MacroSpec("href", "{{"))  # pylatexenc writes \href's two arguments but parses none
    text_specs = [MacroTextSpec(name, simplify_repl=word) for name, word in WORDS.items()]
    text_specs += [MacroTextSpec(name, simplify_repl="") for name in LAYOUT + INVISIBLE]
    text_specs += [MacroTextSpec(name, discard=False) for name in TEXT_ARGUMENT]
    for name, model in DEFINED_AS.items():
        text_spec, parse_spec = text.get_macro_spec(model), parse.get_macro_spec(model)
        text_specs.append(MacroTextSpec(name, simplify_repl=text_spec.simplify_repl, discard=text_spec.discard))
        if parse_spec is not None:
            parse_specs.append(macrospec.MacroSpec(name, parse_spec.args_parser))
    parse.add_context_category("bibtex-field-values", macros=parse_specs, prepend=True)
    text.add_context_category("bibtex-field-values", macros=text_specs, prepend=True)
    return parse, text


_PARSE_SPECS, _TEXT_SPECS = _contexts()  # which arguments each macro takes; what each writes


def readable(name: str) -> bool:
    """Whether a macro (named without its backslash) can be read as text."""
    return name not in NOT_TEXT and _TEXT_SPECS.get_macro_spec(name) is not None


class _FullDecoder(LatexNodes2Text):
    """pylatexenc's reader, keeping a macro it cannot read as written (and noting it in `kept`)."""

    def __init__(self):
        super().__init__(latex_context=_TEXT_SPECS)
        self.kept: list[str] = []

    def nodelist_to_text(self, nodelist):
        return super().nodelist_to_text(self._kept_as_written(nodelist))  # lazily: what is kept is noted in text order

    def _kept_as_written(self, nodelist):
        """The nodes, with each unreadable macro as written, and the braced groups right after it (its
        arguments, in LaTeX) in their braces, their text read: one piece of text."""
        nodes, index = list(nodelist), 0
        while index < len(nodes):
            node, index = nodes[index], index + 1
            if node is None or not node.isNodeType(latexwalker.LatexMacroNode) or readable(node.macroname):
                yield node
                continue
            self.kept.append("\\" + node.macroname)
            written, end = [node.latex_verbatim()], node.pos + node.len
            while index < len(nodes) and nodes[index] is not None and nodes[index].isNodeType(latexwalker.LatexGroupNode) \
                    and nodes[index].pos == end:
                written.append("{" + self.nodelist_to_text(nodes[index].nodelist) + "}")
                end, index = nodes[index].pos + nodes[index].len, index + 1
            yield latexwalker.LatexCharsNode(chars="".join(written), pos=node.pos, len=end - node.pos, parsing_state=node.parsing_state)


_full = _FullDecoder()

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
# The full path: a bare % or & (not \% or \&; \\% is a line break, then a bare %) goes through
# pylatexenc as a private-use character, so that it is neither a comment nor alignment.
_BARE = re.compile(r"\\(?:[A-Za-z]+|.)|[%&]", re.S)
_BARE_AS = {"%": "\ue0f0", "&": "\ue0f1"}
_BARE_RESTORED = str.maketrans({placeholder: character for character, placeholder in _BARE_AS.items()})
_CONTROL_WORD = re.compile(r"\\[A-Za-z]+")

# White space within a paragraph: a blank line (a paragraph break) is never taken as space.
_SPACE = r"[ \t]*+\n?+[ \t]*+(?![\r\n])"
# The markup handled by table, read in one pass from left to right, so that decoding one command
# never joins what follows into another (G\i\^r is \i then \^r, not \ir).
_MARKUP = re.compile(rf"""
    \\(?P<escaped>[&%$#_{{}}])
    # \'e, \"{{o}}, and on a digit or a parenthesis too, as in crystal planes: (11\=20)
  | \\(?P<symbol_accent>[`'^"~=.]){_SPACE}
    (?:\{{{_SPACE}(?P<braced_letter>[A-Za-z0-9()]|\\[ij]){_SPACE}\}}|(?P<letter>[A-Za-z0-9()])|(?P<dotless>\\[ij])(?![A-Za-z]){_SPACE})
    # \v{{c}}, or \v c (a control word takes the single letter after the space; "\v cx" goes to the full path)
  | \\(?P<letter_accent>[uvHckrdb])(?:{_SPACE}\{{{_SPACE}(?P<braced_accented>[A-Za-z]|\\[ij]){_SPACE}\}}|(?=\s){_SPACE}(?P<accented>[A-Za-z])(?![A-Za-z]))
    # a control word swallows the white space after it; then what may be its argument: a group of
    # plain text, or an escaped brace
  | \\(?P<word>[A-Za-z]++){_SPACE}(?P<argument>\{{[^{{}}\\]*\}}|\\[{{}}])?
  | \\(?P<symbol>[,;:!/@-])  # \, \- \; ...: nothing swallowed (\[ and \( start math: the full path decides)
    # math (with whole groups only), read on its own: there ~ is no space
  | \$(?P<math>(?:[^${{}}]|\{{[^${{}}]*\}})+)\$
""", re.VERBOSE)
_MATH_COMMAND = re.compile(r"\s*\\([A-Za-z]++)\s*")
_NEEDS_DECODING = re.compile(r"[\\{}$~`']|--")
_FOLDED_SPACE = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")


def needs_decoding(text: str) -> bool:
    """Whether the text has anything LaTeX would read differently from plain text (white space aside)."""
    return _NEEDS_DECODING.search(text) is not None


def decode_latex(text: str, kept: list[str] | None = None) -> str:
    """LaTeX markup to Unicode text, white space folded to single spaces and stripped. A macro that
    cannot be read as text is kept as written; it is added to `kept` (e.g. "\\foo") when given."""
    if needs_decoding(text):
        fast = _decode_common(text, kept)
        text = fast if fast is not None else decode_full(text, kept)
    return folded_space(text)


def folded_space(text: str) -> str:
    """Every run of spaces, tabs and line breaks as one space; no white space at either end."""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:  # four quick scans spare most values the regex
        text = _FOLDED_SPACE.sub(" ", text)
    return text.strip()


def decode_full(text: str, kept: list[str] | None = None) -> str:
    """The full path: pylatexenc with the corrections above (white space not yet folded)."""
    protected = _BARE.sub(lambda match: _BARE_AS.get(match.group(), match.group()), text)
    _full.kept = kept if kept is not None else []
    noted = len(_full.kept)
    try:
        decoded = _full.latex_to_text(protected, latex_context=_PARSE_SPECS)
    except Exception:  # pylatexenc gives up on some broken markup (\verb at the end): the value is kept as written, reported
        _full.kept[noted:] = _CONTROL_WORD.findall(text) or [text]
        return text
    finally:
        _full.kept = []
    return decoded.translate(_BARE_RESTORED)


def decode_field(name: str, value: str, warnings: list[str]) -> str:
    """A text field's value decoded (decode_latex), and a journal given as an ADS macro by its name.
    A macro kept as written adds a warning to `warnings`."""
    journal = ads_journal(value) if name == "journal" else None
    if journal is not None:
        return journal
    kept: list[str] = []
    text = decode_latex(value, kept)
    if kept:
        warnings.append(kept_warning(name, kept))
    return text


def kept_warning(name: str, kept: list[str]) -> str:
    """journal holds \\foo, which could not be read as text: kept as written; write the journal's name"""
    macros = list(dict.fromkeys(kept))
    listed = macros[0] if len(macros) == 1 else ", ".join(macros[:-1]) + " and " + macros[-1]
    advice = "write the journal's name" if name == "journal" else f"write the text {'it stands' if len(macros) == 1 else 'they stand'} for"
    return f"{name} holds {listed}, which could not be read as text: kept as written; {advice}"


def _decode_common(text: str, kept: list[str] | None = None) -> str | None:
    """The common markup by table; None when anything else is left (the full path decides then)."""
    if "\\" in text or "$" in text:
        found: list[str] = []
        text = _MARKUP.sub(lambda match: _decoded_markup(match, found), text)
        if "\\" in text or "$" in text:
            return None
        if kept is not None:
            kept += found
    text = text.replace("{", _BOUNDARY).replace("}", _BOUNDARY)
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace("~", "\xa0").replace(_BOUNDARY, "")
    return _PLACEHOLDER.sub(lambda m: _RESTORED[m.group()], text)


def _decoded_markup(match: re.Match, kept: list[str]) -> str:
    """One command's text (protected from the later steps), or the command itself for the full path."""
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
    if macro.kept_as_written and match.string[match.end():match.end() + 1] != "{":  # (a second group: the full path)
        kept.append("\\" + match["word"])
        written = match.group(0)[:len(match.group(0)) - len(argument)].translate(_PROTECT)
        if argument.startswith("{"):  # its text read, in its braces
            return written + _PLACEHOLDERS["{"] + argument[1:-1] + _PLACEHOLDERS["}"]
        return written + (_PLACEHOLDERS[argument[1]] if argument else "")
    if macro.text is not None:  # takes no argument: what follows is ordinary text
        return (macro.text or _BOUNDARY) + (_PLACEHOLDERS[argument[1]] if argument.startswith("\\") else argument)
    if macro.keeps_argument and argument.startswith("{"):  # \emph{...}: the group's text
        return argument
    if macro.drops_argument and argument:  # \vphantom\}: nothing
        return _BOUNDARY
    return match.group(0)


@dataclass(frozen=True)
class _Macro:
    """What the full path does with a macro: writes `text` (it takes no argument), writes its one
    argument's text, drops its argument, keeps it as written (it cannot read it, and it takes no
    argument that pylatexenc knows of), or (all unset) something only the full path does."""

    text: str | None = None
    keeps_argument: bool = False
    drops_argument: bool = False
    kept_as_written: bool = False


@lru_cache(maxsize=4096)
def _macro(name: str) -> _Macro:
    """A macro's behaviour, read from the full path's tables; one it cannot read is left to it."""
    parse_spec, text_spec = _PARSE_SPECS.get_macro_spec(name), _TEXT_SPECS.get_macro_spec(name)
    arguments = parse_spec.args_parser.argspec if parse_spec is not None else ""
    if not readable(name):
        return _Macro(kept_as_written=not arguments)
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
