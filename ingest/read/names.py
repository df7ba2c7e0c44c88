"""BibTeX author lists to people's names: the common forms directly, the rest through bibtexparser.

Reference managers write "Family, Given and Family, Given", with any accent in braces ({\\"o}).
Such lists and names are split by regular expressions instead of bibtexparser's
character-by-character scans. Anything that could read differently (an escape or a command outside
braces, an " and " inside them, a Jr part, a name without a comma) goes to bibtexparser, so the
result is always what bibtexparser gives: tests/test_names.py checks that on every name of the
real-world exports and on generated ones.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from ingest.read.latex import decode_latex, needs_decoding

# bibtexparser's separators: " and " between people (any case, not "~"), and between the words
# of a name white space or "~".
_AND = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")
_WORD_BREAK = re.compile(r"[ ~\t\r\n]+")
_BRACE_OR_BACKSLASH = re.compile(r"[{}\\]")
_ESCAPED_SPACE_OR_BRACE = re.compile(r"\\[\s{}]")
# "Family, Given": family words and given words without braces, escapes or a second comma
_FAMILY_COMMA_GIVEN = re.compile(r"[ ~\t\r\n]*([^ ~\t\r\n,{}\\]+(?:[ ~\t\r\n]+[^ ~\t\r\n,{}\\]+)*)[ ~\t\r\n]*,([^,{}\\]*)")


class Name(NamedTuple):  # a tuple: authors are hashed and compared by the thousand
    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


def split_people(author: str) -> list[str]:
    """An author field's people, as bibtexparser's split_multiple_persons_names splits them."""
    author = author.strip(" \t\r\n")
    people = _AND.split(author) if author else []
    # An " and " inside braces is part of a name ({Simon and Schuster}), and bibtexparser's scan
    # skips the character after a backslash: then, unless every brace and backslash is plainly
    # inside a name's braces ({\"o}), bibtexparser's scan decides.
    if ("{" in author or "}" in author or "\\" in author) and (
            _ESCAPED_SPACE_OR_BRACE.search(author) or not all(map(_plainly_braced, people))):
        return split_multiple_persons_names(author)
    return people


def _plainly_braced(text: str) -> bool:
    """Whether every brace in the text closes, none closes before it opens, and every backslash is inside braces."""
    depth = 0
    for mark in _BRACE_OR_BACKSLASH.findall(text):
        if mark == "\\":
            if not depth:
                return False
            continue
        depth += 1 if mark == "{" else -1
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=65536)
def person(name: str) -> Name:
    """One person's name, split into parts and decoded; names repeat, so it is cached.

    Raises bibtexparser's InvalidNameError for a name it cannot split (e.g. unbalanced braces).
    """
    family, given, suffix = _common_parts(name) or parts_by_bibtexparser(name)
    if needs_decoding(name):
        family, given, suffix = decode_latex(family), decode_latex(given), decode_latex(suffix)
    if suffix:
        given = f"{given}, {suffix}" if given else suffix
    return Name(family=family, given=given)


def parts_by_bibtexparser(name: str) -> tuple[str, str, str]:
    """Family (with any "von" part), given names and suffix, by bibtexparser's rules."""
    parts = parse_single_name_into_parts(name)
    return " ".join(parts.von + parts.last), " ".join(parts.first), " ".join(parts.jr)


def _common_parts(name: str) -> tuple[str, str, str] | None:
    """What parts_by_bibtexparser gives for a plain "Family, Given"; None for any other form.

    Before the comma, bibtexparser splits a "von" part from the last name, and the family name
    is the two joined again: all the words before the comma.
    """
    match = _FAMILY_COMMA_GIVEN.fullmatch(name)
    if match is None:
        return None
    given = _WORD_BREAK.sub(" ", match.group(2).strip(" ~\t\r\n"))
    if not given:
        return None  # a trailing comma, which bibtexparser reports
    return _WORD_BREAK.sub(" ", match.group(1)), given, ""
