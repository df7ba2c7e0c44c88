"""LaTeX in BibTeX field values to the text its writer meant, never dropping text silently.

Reference managers write accents (\\'e, {\\"o}), escapes (\\&), protective braces ({PRP}), dashes
(--) and symbol macros (\\textdegree, \\emph{...}). Two paths read them: a fast one by table for
those common cases, and a full one, pylatexenc's parser, for the rest; tests/test_latex.py checks
that both give the same text on every field of the real exports in tests/fixtures and on generated
LaTeX. pylatexenc reads a LaTeX document and drops what it does not know; a field value is BibTeX,
so both paths read it differently:

- `%` is a percent sign, not a comment, and a bare `&` is an ampersand, not table alignment;
- macros that pylatexenc does not know, or reads as nothing though they write text (\\TeX, \\slash,
  \\mbox{...}), are read from their definitions (the tables in ingest/read/latex_macros.py);
- a macro that neither knows is kept as written, with the braced arguments right after it (their
  text read, in their braces), and reported (decode_latex's `kept`) so that the reader can warn; a
  letter right after it is set apart by a space (\\Dash\\TeX: "\\Dash TeX", not "\\DashTeX", which
  reads as another macro), any letter, since XeTeX and LuaTeX take é into a macro's name too;
- a math accent with nothing to accent (o{$\\not$}, 1{$\\overline$}) puts its combining mark on the
  character before it: that is how Better BibTeX writes a combining character that follows a letter
  (o + U+0338 as o{$\\not$}; github.com/retorquere/unicode2latex, config.ssv), so "So{$\\not$}rensen"
  reads "So\\u0338rensen", as the exporter read it (not "Sørensen": Unicode has no ø made of o and
  U+0338, NFC leaves them apart). With nothing before it (at the start, after a space) the macro is
  kept as written;
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
from ingest.read.latex_macros import ACCENTS, DEFINED_AS, INVISIBLE, LAYOUT, MATH_ACCENTS, NOT_TEXT, TEXT_ARGUMENT, WORDS


def _math_accent(mark: str):
    """What a math accent writes: its mark on each character of its argument; with nothing to accent,
    the mark and the macro as written, for decode_full to place (_marks_placed)."""
    def text(node, l2tobj):
        arguments = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else [None]
        accented = l2tobj.nodelist_to_text(arguments[:1]).strip() if arguments[0] is not None else ""
        accented = _UNPLACED.sub(r"\1", accented)  # \overline{\not}: both marks on what comes before
        if accented:
            return "".join(_accented(character, mark) for character in accented)
        return _ON_PREVIOUS + mark + node.latex_verbatim() + _ON_PREVIOUS_END
    return text


def _contexts():
    """pylatexenc's tables of arguments (parse) and of text, with the macros of latex_macros.py added first."""
    parse, text = latexwalker.get_default_latex_context_db(), get_default_latex_context_db()
    parse_specs = [macrospec.MacroSpec(name, "{") for name in TEXT_ARGUMENT + INVISIBLE if parse.get_macro_spec(name) is None]
    parse_specs.append(macrospec.MacroSpec("href", "{{"))  # pylatexenc writes \href's two arguments but parses none
    text_specs = [MacroTextSpec(name, simplify_repl=word) for name, word in WORDS.items()]
    text_specs += [MacroTextSpec(name, simplify_repl="") for name in LAYOUT + INVISIBLE]
    text_specs += [MacroTextSpec(name, discard=False) for name in TEXT_ARGUMENT]
    text_specs += [MacroTextSpec(name, simplify_repl=_math_accent(mark)) for name, mark in MATH_ACCENTS.items()]
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


class _Walker(latexwalker.LatexWalker):
    """pylatexenc's parser, but in math a macro never takes the $ that ends the math as its argument:
    $\\not$ is \\not with nothing to apply to (pylatexenc reads "$", and the math runs on).

    pylatexenc learns that the text has ended from an exception, which it keeps in a local of a frame
    its traceback holds: a reference cycle that keeps every calling frame alive (and, through
    parse_bibtex's, the whole parsed file) until the cyclic garbage collector runs. The walker notes
    each such exception, and `ended` drops their tracebacks, so reading leaves no cycle behind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ends: list[Exception] = []

    def get_token(self, *args, **kwargs):
        try:
            return super().get_token(*args, **kwargs)
        except latexwalker.LatexWalkerEndOfStream as end:
            self.ends.append(end)
            raise

    def ended(self) -> None:
        for end in self.ends:
            end.__traceback__ = None
        self.ends.clear()

    def get_latex_expression(self, pos, strict_braces=None, parsing_state=None):
        if parsing_state is not None and parsing_state.in_math_mode:
            token = self.get_token(pos, environments=False, parsing_state=parsing_state)
            if token.tok in ("mathmode_inline", "mathmode_display"):
                return latexwalker.LatexCharsNode(chars="", pos=token.pos, len=0, parsing_state=parsing_state), token.pos, 0
        return super().get_latex_expression(pos, strict_braces=strict_braces, parsing_state=parsing_state)


class _FullDecoder(LatexNodes2Text):
    """pylatexenc's reader, keeping a macro it cannot read as written (and noting it in `kept`)."""

    def __init__(self):
        super().__init__(latex_context=_TEXT_SPECS)
        self.kept: list[str] = []

    def latex_to_text(self, latex, **parse_flags):
        walker = _Walker(latex, **parse_flags)
        try:
            return self.nodelist_to_text(walker.get_latex_nodes()[0])
        finally:
            walker.ended()

    def nodelist_to_text(self, nodelist):
        return super().nodelist_to_text(self._kept_as_written(nodelist))  # lazily: what is kept is noted in text order

    def _kept_as_written(self, nodelist):
        """The nodes, with each unreadable macro as written, and the braced groups right after it (its
        arguments, in LaTeX) in their braces, their text read: one piece of text (marked where it ends
        in the macro's name, see _separated)."""
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
            if len(written) == 1 and not node.macro_post_space and node.macroname[-1].isalpha():
                written.append(_KEPT_END)
            yield latexwalker.LatexCharsNode(chars="".join(written), pos=node.pos, len=end - node.pos, parsing_state=node.parsing_state)


_full = _FullDecoder()

# Characters decoded text can hold but the later steps would read as markup (an escaped \& or a
# macro's "\" or "--") stand in as private-use characters until the end.
_PLACEHOLDERS = {character: chr(0xE000 + number) for number, character in enumerate("&%$#_{}\\~-`'")}
_PROTECT = str.maketrans(_PLACEHOLDERS)
# Where a group or a command ended: "-{-}" and "-\\relax-" are two hyphens, not a dash.
_BOUNDARY = "\ue0ff"
# Where a macro kept as written ends in its name: a letter right after it gets a space (_separated).
_KEPT_END = "\ue0fe"
_GLUED = re.compile(f"{_KEPT_END}(?=[^\\W\\d_])")
# Around a math accent's mark and the accent as written, when it has nothing to accent (_marks_placed).
_ON_PREVIOUS, _ON_PREVIOUS_END = "\ue0fd", "\ue0fc"
_UNPLACED = re.compile(f"{_ON_PREVIOUS}(.)[^{_ON_PREVIOUS_END}]*{_ON_PREVIOUS_END}", re.S)
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
    _full.kept = kept = kept if kept is not None else []
    noted = len(kept)
    try:
        decoded = _full.latex_to_text(protected, latex_context=_PARSE_SPECS)
    except Exception:  # pylatexenc gives up on some broken markup (\verb at the end): the value is kept as written, reported
        kept[noted:] = _CONTROL_WORD.findall(text) or [text]
        return text
    finally:
        _full.kept = []
    return _separated(_marks_placed(decoded, kept)).translate(_BARE_RESTORED)


def _separated(text: str) -> str:
    """A space between a macro kept as written and a letter right after it: "\\Dash TeX", not "\\DashTeX"."""
    return _GLUED.sub(" ", text).replace(_KEPT_END, "") if _KEPT_END in text else text


def _marks_placed(text: str, kept: list[str]) -> str:
    """The mark of each math accent that has nothing to accent on the character before it; with none
    (at the start, after a space or a macro kept as written), the accent as written, added to `kept`."""
    if _ON_PREVIOUS not in text:
        return text
    placed, *accents = text.split(_ON_PREVIOUS)
    for accent in accents:
        written, _, rest = accent[1:].partition(_ON_PREVIOUS_END)
        if placed and not placed[-1].isspace() and placed[-1] != _KEPT_END:
            placed = placed[:-1] + unicodedata.normalize("NFC", placed[-1] + accent[0])
        else:
            placed += written + _KEPT_END if written[-1].isalpha() else written
            kept.append(_CONTROL_WORD.match(written).group())
        placed += rest
    return placed


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
    text = _separated(text.replace("~", "\xa0").replace(_BOUNDARY, ""))
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
        return _accented(match["braced_letter"] or match["letter"] or match["dotless"], ACCENTS[match["symbol_accent"]])
    if match["letter_accent"]:
        return _accented(match["braced_accented"] or match["accented"], ACCENTS[match["letter_accent"]])
    if match["symbol"]:
        text = _macro(match["symbol"]).text
        return match.group(0) if text is None else text or _BOUNDARY
    macro, argument = _macro(match["word"]), match["argument"] or ""
    if macro.kept_as_written and match.string[match.end():match.end() + 1] != "{":  # (a second group: the full path)
        kept.append("\\" + match["word"])
        written = match.group(0)[:len(match.group(0)) - len(argument)].translate(_PROTECT)
        if argument.startswith("{"):  # its text read, in its braces
            return written + _PLACEHOLDERS["{"] + argument[1:-1] + _PLACEHOLDERS["}"]
        if argument:
            return written + _PLACEHOLDERS[argument[1]]
        return written if written[-1].isspace() else written + _KEPT_END
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


def _accented(base: str, mark: str) -> str:
    """A letter with a combining mark, composed where Unicode has the composite (a dotless i or j takes its dot back)."""
    letter = {"\\i": "i", "\\j": "j", "\u0131": "i", "\u0237": "j"}.get(base, base)
    return unicodedata.normalize("NFC", letter + mark)
