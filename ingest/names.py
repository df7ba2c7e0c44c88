"""BibTeX author lists to people's names: the common forms directly, the rest through bibtexparser.

Reference managers write "Family, Given and Family, Given": no braces, no escapes, one comma per
name. Splitting those takes two regular expressions instead of bibtexparser's character-by-character
scans. Anything else (braces, escapes, a "von" particle, a Jr part, a name without a comma) goes to
bibtexparser, so the parts are always what bibtexparser gives: tests/test_names.py checks that on
every name of the real-world exports and on generated ones.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from ingest.latex import decode_latex, needs_decoding

# bibtexparser's separators: " and " between people (any case, not "~"), and between the words
# of a name white space or "~".
_AND = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")
_WORD_BREAK = re.compile(r"[ ~\t\r\n]+")
_MARKUP = re.compile(r"[{}\\]")


@dataclass(frozen=True, slots=True)
class Name:
    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


def split_people(author: str) -> list[str]:
    """An author field's people, as bibtexparser's split_multiple_persons_names splits them."""
    if _MARKUP.search(author):  # an " and " inside braces is part of a name: bibtexparser tracks them
        return split_multiple_persons_names(author)
    author = author.strip(" \t\r\n")
    return _AND.split(author) if author else []


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


# "Family, Given": family words and given words without braces, escapes or a second comma
_FAMILY_COMMA_GIVEN = re.compile(r"[ ~\t\r\n]*([^ ~\t\r\n,{}\\]+(?:[ ~\t\r\n]+[^ ~\t\r\n,{}\\]+)*)[ ~\t\r\n]*,([^,{}\\]*)")


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
