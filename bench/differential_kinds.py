"""The kinds of disagreement between the project's reading and pybtex's, and the rules that sort them.

Each kind has an owner (the module of the reading stage whose fix should remove it: the project's
fault) or none (a deliberate decision: the project's reading is kept, for the reason given; pybtex's
own faults are among them). classify() sorts a disagreement by what differs: white space only,
how the value is written (@string macros, crossref), a cut at a %, then piece by piece (a token
diff of the two texts): commands, math, accents and escapes that pybtex keeps as written, or text,
accents and symbols that the project loses. The project's faults win over pybtex's when a value has
both. What no rule sorts is UNEXPLAINED, and the test fails on it until a rule or BY_HAND sorts it.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from pybtex.bibtex.utils import split_name_list


def normal(text: str) -> str:
    """NFC, and the micro sign as the Greek letter mu (see the module's docstring)."""
    return unicodedata.normalize("NFC", text).replace("\u00b5", "\u03bc")


def fold(text: str) -> str:
    return " ".join(text.split())


def people_text(people: list[tuple[str, str]]) -> str:
    return "; ".join(f"{family}, {given}" if given else family for family, given in people)


@dataclass(frozen=True)
class Kind:
    # Whose fix should remove it: the engineer who owns latex.py, names.py or bibtex.py (with the
    # modules it reads through); "" for a deliberate decision (the project keeps its reading).
    owner: str
    why: str


KINDS = {
    # (a) the project's faults, for the engineers who own the reading stage
    "whitespace": Kind("latex.py", "the same text, but the project keeps line breaks and runs of spaces that BibTeX reads as one space"),
    "ours-kept-command-glued": Kind("latex.py", "the project keeps an unknown command as written but glues the next command's text to it: "
                                    "\\Dash\\TeX becomes '\\DashTeX', which reads as another command"),
    "ours-wrong-symbol": Kind("latex.py", "the project writes another character than the symbol command's (\\textperiodcentered: U+02D9 "
                              "instead of U+00B7 MIDDLE DOT)"),
    "percent-cut-by-ours": Kind("latex.py", "a bare % is a percent sign in a BibTeX value; the project reads it as a LaTeX comment and drops the rest"),
    "ampersand": Kind("latex.py", "a bare & is an ampersand in a BibTeX value; the project reads it as table alignment (white space)"),
    "ours-deletes-macro": Kind("latex.py", "the project drops a macro that writes text (\\TeX, \\slash, a journal macro); pybtex at least keeps it as written"),
    "ours-garbles-math": Kind("latex.py", "the project leaves a stray $ or half a math group in the text"),
    "ours-accents": Kind("latex.py", "the project loses or moves an accent that pybtex reads"),
    "name-accents": Kind("names.py", "the project loses or misplaces an accent in a name (e.g. at the start of a name after ' and ')"),
    "name-parts-split-differently": Kind("names.py", "the same words, but family and given names split in another place"),
    "extended-names": Kind("names.py", "biblatex's extended name format (family=Berg, given=Anna)"),
    "et-al": Kind("names.py", "'and et al.' taken as a person named 'al.'"),
    "inheritance": Kind("bibtex.py", "a field the entry lacks and its crossref parent has: BibTeX (and pybtex) take the parent's, the project does not"),
    "string-macros": Kind("bibtex.py", "a value joined with # from strings and @string macros: the project keeps it as written"),
    # (b) deliberate: the project's reading is kept, for the reason given (pybtex's faults among them)
    "keys-differing-in-case": Kind("", "pybtex, like BibTeX 0.99, takes keys case-insensitively and keeps only the first of Chen_2017 and chen_2017; "
                                   "the project, like biber and bibtexparser, keeps both"),
    "entry-refused-with-error": Kind("", "the project leaves out an entry it cannot read (unbalanced braces, no key) and reports it at its line; "
                                     "pybtex reports it too but keeps what it read, e.g. every field after the bad one swallowed into it"),
    "pybtex-loses-rest-of-file": Kind("", "pybtex, like BibTeX, counts an escaped brace \\{ as a brace: one typo (Thi\\{'ebaux) leaves a group open "
                                      "and every later entry is lost; the project reads \\{ as an escaped brace and reads them"),
    "pybtex-empty-entry": Kind("", "pybtex makes an entry with no fields from text that is not one: from '@article{' followed by "
                               "'author = ...' (no key) an entry 'author'; from a copy commented out with % (a comment to biber and "
                               "the project, not to BibTeX) the entry, dropping the real one after it as a repeat"),
    "name-with-too-many-commas": Kind("", "a name with three commas or more ('Miller, D., Firby, J.': people separated by commas, not 'and'): "
                                      "neither reader can tell the people apart; pybtex reports an error, the project keeps the name as a fault "
                                      "that blocks a used entry"),
    "xdata-container": Kind("", "an @xdata entry is data that other entries take (biblatex), not a reference: the project does not list it"),
    "pybtex-whitespace": Kind("", "pybtex leaves two spaces where it drops the braces of a command it keeps (\\TUB{} Vol.: '\\TUB  Vol.'), "
                              "and makes a no-break space (U+00A0) written in the file an ordinary one; the project's spacing is as written"),
    "undefined-macro": Kind("", "a value that is, or joins with #, an @string macro the file does not define (journal = COGSCI, author = "
                            "MCDERMOTT # { and Gerald J. Sussman}): pybtex, like BibTeX, reads the macro as empty; the project keeps its name "
                            "rather than lose it, with a warning"),
    "keyless-entry": Kind("", "an entry written with no key (@article{,): the project refuses each one with an error at its line, so that "
                          "the curator gives it a key; pybtex names it unnamed-1, unnamed-2, ... and keeps it empty (none of its fields)"),
    "percent-cut-by-pybtex": Kind("", "pybtex's decoder (latexcodec) reads a bare % as a LaTeX comment and drops the rest of the value"),
    "pybtex-keeps-commands": Kind("", "pybtex's decoder keeps commands it does not know as written, minus their braces (\\emph Word, \\TeX, "
                                  "\\textbf, \\mbox, \\relax); the project writes their text"),
    "pybtex-keeps-math": Kind("", "pybtex keeps math as written ($_2$, $<$, $\\slash $) unless it is one symbol latexcodec knows; the project writes "
                              "its text"),
    "pybtex-accents": Kind("", "latexcodec decodes an accent only onto a letter that has a precomposed form: \\d o, \\k{C}, \\={P}, \\\"r stay as "
                           "written; the project puts the combining accent on the letter"),
    "pybtex-escapes": Kind("", "pybtex keeps \\$ with its backslash and reads \\{ \\} as a group; the project writes $, { and }"),
    "unknown-command-kept": Kind("", "a command neither reader knows, kept by both: the project as written, with its braces (and a warning), pybtex "
                                 "without them"),
}
# Disagreements no rule sorts, each checked by hand: (file, key, field) -> kind.
BY_HAND: dict[tuple[str, str, str], str] = {
    # None left: the two sorted here (campos_2018's \textperiodcentered as U+02D9, "ours-wrong-symbol"; Anonymous:TB7-2-120's
    # \Dash\TeX as "\DashTeX", "ours-kept-command-glued") were fixed in ingest/read/latex.py and latex_macros.py.
}
UNEXPLAINED = "unexplained"  # no kind fits: a disagreement to look at by hand (the test fails on it)

# Commands that write nothing (font, size and spacing switches), and those whose argument is a length.
LAYOUT = frozenset(("rm", "it", "bf", "sl", "sc", "sf", "tt", "em", "md", "up", "normalfont", "relax", "protect", "null", "noindent", "leavevmode",
                   "small", "large", "Large", "tiny", "footnotesize", "scriptsize", "normalsize", "huge", "Huge", "unskip", "xspace", "thinspace",
                   "enspace", "enskip", "quad", "qquad", "hfil", "hfill", "hss", "break", "nobreak", "allowbreak", "linebreak", "newline", "par",
                   "smallskip", "medskip", "bigskip"))
LENGTH_COMMAND = re.compile(r"\\(?:hspace|vspace|hskip|vskip|kern)\s*\{?[^}\s]*\}?")
COMMAND = re.compile(r"\\([A-Za-z]+)")
ACCENT_COMMAND = re.compile(r"\\(?:[`'^\"~=.]|[uvHckrdbt](?![A-Za-z]))")
PERCENT = re.compile(r"(?<!\\)%")
MACRO_NAME = re.compile(r"[A-Za-z][^\s{}\"#,=]*")
TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|[^\W\d_]+|\d+|.", re.S)


@dataclass(frozen=True)
class Case:
    """One disagreement before it is sorted: the values compared, the value as written in the file
    (the project's side), pybtex's value before decoding, whether pybtex found it in the entry itself,
    and the @string macros pybtex reported as undefined in the file (in lower case)."""

    field: str
    ours: object  # text, or a list of (family, given)
    theirs: object
    written: str
    expanded: str
    own: bool
    undefined: frozenset[str] = frozenset()


def classify(case: Case) -> str:
    if case.field == "author":
        return _people_kind(case)
    if fold(case.ours) == fold(case.theirs):
        return _whitespace_kind(case.ours)
    return _value_kind(case) or _text_kind(case.ours, case.theirs, case.written or case.expanded)


def _whitespace_kind(ours: str) -> str:
    """The project's fault when it kept a line break, a tab or a run of spaces, else pybtex's."""
    return "whitespace" if re.search(r"[\t\n\r]|  ", ours) else "pybtex-whitespace"


def _value_kind(case: Case) -> str | None:
    """Kinds that depend on how the value is written, not on its text: inheritance and @string macros
    (a macro pybtex reports undefined, or a value the project keeps as written: a # or a macro name left)."""
    written = case.written.strip()
    if not case.own and not case.ours:
        return "inheritance"
    if not case.theirs and MACRO_NAME.fullmatch(written):
        return "undefined-macro"
    outside = _outside(written)
    if "#" not in outside and not MACRO_NAME.fullmatch(written):
        return None
    if {name.lower() for name in MACRO_NAME.findall(outside)} & case.undefined:
        return "undefined-macro"
    ours, theirs = (case.ours, case.theirs) if isinstance(case.ours, str) else (people_text(case.ours), people_text(case.theirs))
    if "#" in ours and "#" not in theirs or MACRO_NAME.fullmatch(written) and MACRO_NAME.fullmatch(ours):
        return "string-macros"
    return None


def _outside(written: str) -> str:
    """The value as written without its braced groups and quoted strings: the # and macro names that join them."""
    outside, depth, quoted = [], 0, False
    for character in written:
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        elif character == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted:
            outside.append(character)
    return "".join(outside)


def _text_kind(ours: str, theirs: str, written: str, names: bool = False) -> str:
    if "$" in ours.replace("\\$", "") and "\\$" not in written:
        return "ours-garbles-math"  # the project writes math as text: a $ left over is half a math group
    if PERCENT.search(written):
        if fold(ours).startswith(fold(theirs)):
            return "percent-cut-by-pybtex"
        if fold(theirs).startswith(fold(ours)):
            return "percent-cut-by-ours"
    kinds = [_chunk_kind(a, b, in_math, written) for a, b, in_math in _chunks(ours, theirs)]
    kinds = [kind for kind in kinds if kind != "whitespace"] or [_whitespace_kind(ours)]
    if names:
        kinds = ["name-accents" if kind == "ours-accents" else kind for kind in kinds]
    ours_kinds = [kind for kind in kinds if kind in KINDS and KINDS[kind].owner]
    return ours_kinds[0] if ours_kinds else UNEXPLAINED if UNEXPLAINED in kinds else kinds[0]


def _chunks(ours: str, theirs: str) -> list[tuple[str, str, bool]]:
    """The pieces that differ, token by token (a command, a word, a number, a space run or one
    character), and whether pybtex's piece is in math (between $ signs it kept)."""
    a, b = TOKEN.findall(ours), TOKEN.findall(theirs)
    math, inside = [], False
    for token in b:
        inside = not inside if token == "$" else inside
        math.append(inside or token == "$")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    spans = []  # differing spans, with those apart by a little space or punctuation joined into one
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            spans.append([i1, i2, j1, j2])
        elif spans and i2 - i1 <= 2 and not any(token.isalnum() for token in a[i1:i2]):
            spans.append(None)  # a gap that the next span may close
    joined = []
    for span in spans:
        if span is not None and joined and joined[-1] is None:
            joined.pop()
            joined[-1][1:4:2] = [span[1], span[3]]
        elif span is not None or joined:
            joined.append(span)
    return [("".join(a[i1:i2]), "".join(b[j1:j2]), any(math[j1:j2]) or 0 < j1 < len(b) and math[j1 - 1] and math[j1])
            for i1, i2, j1, j2 in filter(None, joined)]


def _bare(text: str) -> str:
    """The text without white space, braces, math shifts, commands (their lengths too) and accent commands."""
    text = LENGTH_COMMAND.sub("", text)
    text = ACCENT_COMMAND.sub("", text)
    return re.sub(r"[\s{}$]|\\[A-Za-z]+|\\[,;:!/@ -]", "", text)


def _base_letters(text: str) -> str:
    text = unicodedata.normalize("NFD", _bare(text)).replace("\u0131", "i").replace("\u0237", "j")  # dotless i and j
    return "".join(c for c in text if not unicodedata.combining(c))


def _chunk_kind(ours: str, theirs: str, in_math: bool, written: str) -> str:
    """The kind of one differing piece: the project's fault first, then pybtex's."""
    if fold(ours) == fold(theirs):
        return "whitespace"
    if "&" in theirs and "&" not in ours and re.search(r"(?<!\\)&", written):
        return "ampersand"
    if "$" in ours and "\\$" not in written:
        return "ours-garbles-math"
    commands = set(COMMAND.findall(theirs)) - set(COMMAND.findall(ours))
    writing = [name for name in commands if name not in LAYOUT and not re.search(rf"\\{name}\s*\{{", written)]
    if _bare(ours) == _bare(theirs) and writing and not ACCENT_COMMAND.search(theirs):
        return "ours-deletes-macro"  # the text around it is the same, and ours has nothing for a command that writes text
    if in_math:
        return "pybtex-keeps-math"
    if ACCENT_COMMAND.search(theirs) and _base_letters(ours) == _base_letters(theirs):
        return "pybtex-accents"
    if commands or re.search(r"\\[,;:!/@ -]", theirs):
        return "pybtex-keeps-commands"
    if re.search(r"\\[^A-Za-z]", theirs):
        return "pybtex-escapes"
    if _bare(ours) == _bare(theirs) and (COMMAND.search(ours) or re.search("[{}]", ours)):
        return "unknown-command-kept"  # the project keeps the braces of an unknown command's argument
    if _base_letters(ours) == _base_letters(theirs) and _bare(ours) != _bare(theirs):
        return "ours-accents"
    return UNEXPLAINED


def _people_kind(case: Case) -> str:
    ours, theirs, written = case.ours, case.theirs, case.written or case.expanded
    if [tuple(map(fold, person)) for person in ours] == [tuple(map(fold, person)) for person in theirs]:
        return _whitespace_kind(people_text(ours))
    kind = _value_kind(case)
    if kind:
        return kind
    if re.search(r"\b(?:family|given|prefix|suffix)\s*=", written):
        return "extended-names"
    if re.search(r"\bet\s*al\b", written):
        return "et-al"
    if any(_top_level_commas(person) > 2 for person in split_name_list(written)):
        return "name-with-too-many-commas"
    if len(ours) != len(theirs):
        return UNEXPLAINED
    for a, b in zip(ours, theirs, strict=True):
        if a != b:
            if sorted(" ".join(a).replace(",", " ").split()) == sorted(" ".join(b).replace(",", " ").split()):
                return "name-parts-split-differently"  # the same words in family and given names, split elsewhere
            return _text_kind(", ".join(a), ", ".join(b), written, names=True)
    return UNEXPLAINED


def _top_level_commas(name: str) -> int:
    depth, commas = 0, 0
    for character in name:
        depth += {"{": 1, "}": -1}.get(character, 0)
        commas += character == "," and depth == 0
    return commas


def only_ours_kind(reference, entry, lost_from: int | None) -> str:
    """Why the project has an entry that pybtex does not."""
    if entry is not None:
        return "keys-differing-in-case"
    if lost_from is not None and reference.line >= lost_from:
        return "pybtex-loses-rest-of-file"
    return UNEXPLAINED


def only_pybtex_kind(key: str, entry, failed_keys: set[str], keyless: set[str]) -> str:
    """Why pybtex has an entry that the project does not. `keyless`: pybtex's names (unnamed-N) for
    the entries it read no key for where the project reported an entry without a key, at the same line."""
    if entry.type == "xdata":
        return "xdata-container"
    if key in keyless:
        return "keyless-entry"
    if not entry.fields and not entry.persons:
        return "pybtex-empty-entry"
    if key in failed_keys:
        return "entry-refused-with-error"
    return UNEXPLAINED
