"""BibTeX author lists to people's names.

People are separated by " and " outside braces. A name is split into parts by BibTeX's three forms
("First von Last", "von Last, First", "von Last, Jr, First"), as pybtex reads them, with two
differences that follow what the name means rather than its bytes:

- a word's case is that of its first letter once accents are read: \\'{O}scar is capitalised, so it
  is a first name and not a lower-case "von" part (pybtex and BibTeX read the letter after the
  accent's braces, the lower-case s);
- a tilde in an accent command (Mu\\~noz) is a letter's accent, not the tie between two words;
  but after an initial's period (Maruska, H.\\~P.) it is a tie that an export escaped.

biblatex's extended format (family=Berg, given=Anna, prefix=von) names its parts; "and others" and
"and et al." mean more authors. The family name keeps any "von" part (van der Heijden), and a Jr
part follows the given names (Bennett, "Frank G., Jr."). Parts are decoded from LaTeX and their
white space folded to single spaces.

A name that cannot be split (too many commas, unbalanced braces, no family name) is kept whole as
the family name, decoded, with a fault that says why: the caller reports it (an error for a
reference the knowledge base uses, else a warning).

Two fast paths, each checked by tests/test_names.py to give what the full reading gives: people are
split by one regular expression when the braces of each piece pair up, and the common form
"Family, Given" with no brace, backslash or "=" is read by another (_common_parts).
"""

import re
from functools import lru_cache
from typing import NamedTuple

from ingest.read.latex import decode_latex, needs_decoding

# Between people: " and " in any case, with white space (not "~") on both sides, outside braces.
_AND = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")
# Between the words of a name: white space, "~" (BibTeX's tie) unless it is the accent \~, and "\ ".
# After an initial's period, \~ is a tie that an export escaped (Maruska, H.\~P.): no name puts a
# tilde on the letter after an abbreviation.
_WORD_BREAK = re.compile(r"(?:\\ |\s|(?<!\\)~|(?<=\.)\\~)+")
_COMMA = re.compile(",")
# A brace that counts: after a backslash it is text (\{), as the splitter reads values.
_BRACE = re.compile(r"(?<!\\)[{}]")
# "Family, Given": family words and given words without braces, backslashes, "=" or a second comma.
_FAMILY_COMMA_GIVEN = re.compile(r"[ ~\t\r\n]*+([^ ~\t\r\n,{}\\=]++(?:[ ~\t\r\n]++[^ ~\t\r\n,{}\\=]++)*+)[ ~\t\r\n]*+,([^,{}\\=]*+)")
_FAST_WORD_BREAK = re.compile(r"[ ~\t\r\n]+")
# biblatex's extended name format: a name part, or its initials, given as part=value.
_EXTENDED = re.compile(r"(?:^|,)\s*\"?(?:family|given|prefix|suffix)(?:-i)?\s*=", re.IGNORECASE)
_OPTION = re.compile(r"\s*[\w-]+\s*=\s*\S*\s*")  # a per-namelist option, such as nosortothers=true
# BibTeX's "and others", and its common spelling "and et al.": more authors, not a person.
_MORE_AUTHORS = re.compile(r"\s*(?:others|et[\s~]+al\.?)\s*", re.IGNORECASE)
MORE, OPTION = "more authors", "an option"  # what read_person says of a "name" that is not a person
# Text whose braces pair up, nested at most three deep (as in {\"o} or {{World Health}}), in one match.
_TEXT = r"[^{}]*+"
_NESTED = rf"\{{{_TEXT}\}}"
for _ in range(2):
    _NESTED = rf"\{{{_TEXT}(?:{_NESTED}{_TEXT})*+\}}"
_PAIRED_BRACES = re.compile(rf"{_TEXT}(?:{_NESTED}{_TEXT})*+")
# Accent commands, whose letter follows (\'e, \'{O}, \v c): the letter decides a word's case.
_ACCENT = re.compile(r"\\(?:[`'^\"~=.]|[uvHckrdb](?![A-Za-z]))\s*")
_CONTROL_WORD = re.compile(r"\\[A-Za-z]+")


class Name(NamedTuple):  # a tuple: authors are hashed and compared by the thousand
    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


class NameFault(ValueError):
    """A name that cannot be split into parts; the message says why and how to fix it."""


def read_people(author: str) -> tuple[list[Name], bool, list[str]]:
    """An author field's people, whether it ends in "and others" (more authors), and faults."""
    names, more, faults = [], False, []
    for text in split_people(author):
        name, note = read_person(text)
        if note is None:
            names.append(name)
        elif name is None:
            more = more or note == MORE
        else:
            names.append(name)
            faults.append(note)
    return names, more, faults


def split_people(author: str) -> list[str]:
    """The people of an author field: the text between " and " outside braces."""
    author = author.strip(" \t\r\n")
    if not author:
        return []
    people = _AND.split(author)
    # An " and " inside braces ({Simon and Schuster}) leaves pieces whose braces do not pair up:
    # then (or with an escaped brace, or braces nested deeper) the braces are followed one by one.
    if ("{" in author or "}" in author) and ("\\{" in author or "\\}" in author or not all(map(_PAIRED_BRACES.fullmatch, people))):
        return _split_outside_braces(author, _AND)
    return people


def _split_outside_braces(text: str, separator: re.Pattern) -> list[str]:
    """Text cut where `separator` matches outside braces (an unclosed brace runs to the end)."""
    if "{" not in text and "}" not in text:
        return separator.split(text)
    pieces, start, depth, outside = [], 0, 0, 0  # `outside`: where the current run outside braces began
    for brace in _BRACE.finditer(text):
        if brace.group() == "{":
            if depth == 0:
                start = _cut(text, separator, outside, brace.start(), start, pieces)
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                outside = brace.end()
    if depth == 0:
        start = _cut(text, separator, outside, len(text), start, pieces)
    pieces.append(text[start:])
    return pieces


def _cut(text: str, separator: re.Pattern, begin: int, end: int, start: int, pieces: list[str]) -> int:
    """Cut at each separator in text[begin:end]; returns where the piece after the last cut starts."""
    for match in separator.finditer(text, begin, end):
        pieces.append(text[start:match.start()])
        start = match.end()
    return start


@lru_cache(maxsize=65536)
def read_person(text: str) -> tuple[Name | None, str | None]:
    """One person's name, and a fault if it cannot be split (then it is kept whole as the family name);
    or no name and MORE for "others", OPTION for biblatex's per-namelist options (nosortothers=true).
    Names repeat, so this is cached."""
    parts = _common_parts(text)
    if parts is None:  # not a plain "Family, Given": it may be no person at all
        if _MORE_AUTHORS.fullmatch(text):
            return None, MORE
        if "=" in text and _OPTION.fullmatch(text) and not _EXTENDED.search(text):
            if text.strip().lower().startswith("xdata"):  # biblatex's granular xdata=key-author-2: a name elsewhere
                return Name(_fold(text)), f"the name '{_fold(text)}' refers to another entry's name, which is not followed: write the name here"
            return None, OPTION
    return _split_name(text, parts)


def _split_name(text: str, parts: tuple[str, str, str] | None = None) -> tuple[Name, str | None]:
    try:
        family, given, suffix = parts or _common_parts(text) or full_parts(text)  # words joined by single spaces
        if needs_decoding(text):
            family, given, suffix = _fold(decode_latex(family)), _fold(decode_latex(given)), _fold(decode_latex(suffix))
        elif not text.isascii() or "=" in text:  # a no-break space in a word, or an extended name's value
            family, given, suffix = _fold(family), _fold(given), _fold(suffix)
        if not family:
            raise NameFault(f"the name '{_fold(text)}' has no family name: write it as Family, Given")
    except NameFault as fault:
        return Name(_decoded(text)), str(fault)
    if suffix:
        given = f"{given}, {suffix}" if given else suffix
    return Name(family=family, given=given), None


def person(text: str) -> Name:
    """One person's name (kept whole when it cannot be split)."""
    return _split_name(text)[0]


def _decoded(text: str) -> str:
    return _fold(decode_latex(text)) if needs_decoding(text) else _fold(text)


def _fold(text: str) -> str:
    """White space runs (line breaks, indentation, no-break spaces) as single spaces."""
    return " ".join(text.split())


def full_parts(text: str) -> tuple[str, str, str]:
    """Family (with any "von" part), given names and suffix, as written; raises NameFault."""
    if _EXTENDED.search(text):
        return _extended_parts(text)
    if not _balanced(text):
        raise NameFault(f"the name '{_fold(text)}' has unbalanced braces: close each {{ with }}")
    parts = [part.strip() for part in _split_outside_braces(text, _COMMA)]
    if len(parts) > 3:
        raise NameFault(f"the name '{_fold(text)}' has {len(parts) - 1} commas, but at most two (Family, Jr, Given): "
                        "separate people with \" and \"")
    words = [_words(part) for part in parts]
    if len(parts) > 1:  # von Last, [Jr,] First
        return " ".join(words[0]), " ".join(words[-1]), " ".join(words[1]) if len(parts) == 3 else ""
    # First von Last: the family name starts at the first lower-case word; the last word is always in it
    first = words[0][:-1]
    start = next((index for index, word in enumerate(first) if _starts_lower_case(word)), len(first))
    return " ".join(words[0][start:]), " ".join(words[0][:start]), ""


def _balanced(text: str) -> bool:
    depth = 0
    for brace in _BRACE.findall(text):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _words(part: str) -> list[str]:
    return [word for word in _split_outside_braces(part, _WORD_BREAK) if word]


def _starts_lower_case(word: str) -> bool:
    """Whether the word's first letter, once accents are read, is lower case (BibTeX's "von" test)."""
    return _first_letter_is_lower(word, 0, len(word), special=False) is True


def _first_letter_is_lower(text: str, index: int, end: int, special: bool) -> bool | None:
    """The case of the first letter in text[index:end] (None if it has none). A group in braces has
    no case unless it is a special character ({\\'e}, {\\ss}) or an accent's letter (\\'{O}):
    then the letter in it decides; a command that is a letter (\\o, \\ss, \\AA) decides by its own case."""
    while index < end:
        character = text[index]
        if character.isalpha():
            return character.islower()
        if character == "{":
            close = _group_end(text, index)
            if special or text.startswith("{\\", index):
                case = _first_letter_is_lower(text, index + 1, close - 1, special=True)
                if case is not None:
                    return case
            index = close
        elif accent := _ACCENT.match(text, index, end):
            index = accent.end()
            if text.startswith("{", index):  # the accented letter, in braces
                close = _group_end(text, index)
                case = _first_letter_is_lower(text, index + 1, close - 1, special=True)
                if case is not None:
                    return case
                index = close
        elif command := _CONTROL_WORD.match(text, index, end):
            letter = _command_letter(command.group())
            if letter:
                return letter.islower()
            index = command.end()
        else:
            index += 1
    return None


@lru_cache(maxsize=1024)
def _command_letter(command: str) -> str | None:
    """The letter a command writes (\\o, \\ss, \\AE), if it writes exactly one letter."""
    text = decode_latex(command)
    return text if len(text) == 1 and text.isalpha() else None


def _group_end(text: str, start: int) -> int:
    """The index after the brace that closes the group opening at `start` (the end if none does)."""
    depth = 0
    for brace in _BRACE.finditer(text, start):
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return brace.end()
    return len(text)


def _extended_parts(text: str) -> tuple[str, str, str]:
    """biblatex's extended name format: comma-separated part=value, a value in braces or, when it
    holds a comma, the whole part in double quotes. Initials (given-i=...), the name's id and
    per-name options (useprefix=true) say nothing the parts do not."""
    parts = {}
    for item in _split_extended(text):
        key, equals, value = item.strip().strip('"').partition("=")
        if not equals:
            raise NameFault(f"the name '{_fold(text)}' mixes biblatex's extended format with a plain part ('{_fold(item)}'): "
                            "write each part as part=value (family=..., given=...)")
        key, value = key.strip().lower(), value.strip()
        if key in ("family", "given", "prefix", "suffix"):
            parts[key] = value[1:-1] if value.startswith("{") and _group_end(value, 0) == len(value) else value
    family = " ".join(parts[key] for key in ("prefix", "family") if parts.get(key))
    return family, parts.get("given", ""), parts.get("suffix", "")


def _split_extended(text: str) -> list[str]:
    """The part=value items of an extended name: commas outside braces and double quotes."""
    items, start, depth, quoted = [], 0, 0, False
    for match in re.finditer(r'(?<!\\)[{}",]', text):
        mark = match.group()
        if mark == '"' and depth == 0:
            quoted = not quoted
        elif mark in "{}":
            depth = depth + 1 if mark == "{" else max(depth - 1, 0)
        elif mark == "," and depth == 0 and not quoted:
            items.append(text[start:match.start()])
            start = match.end()
    items.append(text[start:])
    return [item for item in items if item.strip()]


def _common_parts(text: str) -> tuple[str, str, str] | None:
    """What full_parts gives for a plain "Family, Given"; None for any other form."""
    match = _FAMILY_COMMA_GIVEN.fullmatch(text)
    if match is None:
        return None
    given = _FAST_WORD_BREAK.sub(" ", match.group(2).strip(" ~\t\r\n"))
    if not given:
        return None  # a trailing comma: the full reading decides
    return _FAST_WORD_BREAK.sub(" ", match.group(1)), given, ""
