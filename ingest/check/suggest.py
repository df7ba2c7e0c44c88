"""What a curator meant. For an id that points nowhere, 'did you mean ...?': the known ids closest
to it, by spelling or by the names curators know the entries by (a treatment's name and synonyms,
a condition's aliases, a reference's title); a curator who types `relative-rest` meant the
treatment named "Activity modification (relative rest)", whose id shares no letters with it. For
a quote not in its article, the passage it was copied from and where the two part."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from itertools import accumulate

MOST_SUGGESTED = 3
LIST_ALL_UP_TO = 12  # a short list of valid ids is shown whole: picking from it beats guessing
CLOSE_ENOUGH = 0.6  # difflib's ratio above which two spellings are one typo apart
NEXT_BEST_MARGIN = 0.15  # spellings offered beside the closest must be nearly as close
SPELLED_NAME = 40  # longer names (titles) are matched by their words only, never by spelling
SHOWN_NAME = 50  # a name shown beside a suggestion is cut to this many characters
# A references.bib cut short leaves every later citekey unknown; each look-up compares the value
# with every id (half a second at 100,000 references), so past this many comparisons in one run
# the rest of the unknown ids get no suggestion rather than minutes of waiting.
MOST_COMPARED = 2_000_000


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def slug(text: str) -> str:
    """A name written as an id would be: 'Knee brace' -> 'knee-brace'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


class KnownIds:
    """The ids of one file: all of them, to tell an unknown id, and those of its valid entries
    in file order with the names each is known by (the name shown first), to offer. An invalid
    entry's id is known, so that a reference to it is not reported too, but never offered.
    The indexes behind the suggestions are built only when an id is unknown."""

    def __init__(self, names: dict[str, list[str]] | Callable[[], dict[str, list[str]]], every_id: set | None = None):
        self._names = names  # or what makes them: at 100,000 studies, made only when an id is unknown
        self.every_id = every_id
        self._suggested: dict[str, list[str]] = {}  # the same misspelling is often repeated
        self._built: tuple[dict, list, dict] | None = None
        self._compared = 0

    @property
    def names(self) -> dict[str, list[str]]:
        if callable(self._names):
            self._names = self._names()
        return self._names

    def __contains__(self, identity) -> bool:
        return identity in (self.names if self.every_id is None else self.every_id)

    def listing(self) -> str:
        """Every id, comma-separated, when there are few enough to read; else ''."""
        return ", ".join(self.names) if len(self.names) <= LIST_ALL_UP_TO else ""

    def did_you_mean(self, value: str) -> str:
        """'did you mean 'x' (Name)? If not, ' or '' when nothing is close."""
        offers = [self._offer(identity) for identity in self.suggestions(value)]
        if not offers:
            return ""
        listed = offers[0] if len(offers) == 1 else ", ".join(offers[:-1]) + " or " + offers[-1]
        return f"did you mean {listed}? If not, "

    def _offer(self, identity: str) -> str:
        shown = next(iter(self.names[identity]), "")
        if not shown or slug(shown) == identity:
            return f"'{identity}'"
        if len(shown) > SHOWN_NAME:
            shown = shown[:SHOWN_NAME].rsplit(" ", 1)[0] + " ..."
        return f"'{identity}' ({shown})"

    def suggestions(self, value: str) -> list[str]:
        """The ids most likely meant, best first, from the first way that finds any: the same name
        written differently, else entries whose words hold all of the value's (or whose id's words
        the value holds), else spellings one typo away. A weaker way would add only noise."""
        if value not in self._suggested:
            self._compared += len(self.names)
            if self._compared > MOST_COMPARED:
                return []
            found = self._same_name(value) or self._sharing_words(value) or self._spelled_alike(value)
            self._suggested[value] = list(dict.fromkeys(found))[:MOST_SUGGESTED]
        return self._suggested[value]

    def _same_name(self, value: str) -> list[str]:
        return self._by_slug.get(slug(value), [])

    def _sharing_words(self, value: str) -> list[str]:
        wanted = words(value)
        if not wanted:
            return []
        by_spelling, texts, by_id_word = self._indexes()
        # a substring test first: at 100,000 references, splitting every title into words is slow
        holding_all = {identity for identity, text in texts if all(word in text for word in wanted) and wanted <= words(text)}
        within = {identity for word in wanted for identity in by_id_word.get(word, ()) if words(identity) <= wanted}
        return sorted(holding_all | within, key=lambda identity: (-self._likeness(value, identity), identity))

    def _spelled_alike(self, value: str) -> list[str]:
        spelled = slug(value) or value
        close = difflib.get_close_matches(spelled, self._by_slug, n=MOST_SUGGESTED * 2, cutoff=CLOSE_ENOUGH)
        ratios = [difflib.SequenceMatcher(None, spelled, name).ratio() for name in close]
        # one typo away beats three: 'prolotheraphy' means prolotherapy, not cryotherapy
        return [identity for name, ratio in zip(close, ratios, strict=True) if ratio >= ratios[0] - NEXT_BEST_MARGIN
                for identity in self._by_slug[name]]

    def _likeness(self, value: str, identity: str) -> float:
        spellings = [identity, *(slug(n) for n in self.names[identity] if len(n) <= SPELLED_NAME)]
        return max(difflib.SequenceMatcher(None, slug(value), s).ratio() for s in spellings)

    @property
    def _by_slug(self) -> dict[str, list[str]]:
        """Each id, and each short name written as an id, -> the ids it names."""
        return self._indexes()[0]

    def _indexes(self) -> tuple[dict, list, dict]:
        if self._built is None:
            self._built = self._index()
        return self._built

    def _index(self) -> tuple[dict, list, dict]:
        """Ids by spelling (theirs and their short names'), each id with its names in lowercase,
        and ids by the words of the id."""
        by_slug, texts, by_id_word = {}, [], {}
        for identity, names in self.names.items():
            for spelling in [identity, *(slug(n) for n in names if len(n) <= SPELLED_NAME)]:
                listed = by_slug.setdefault(spelling, [])
                if identity not in listed:
                    listed.append(identity)
            texts.append((identity, " ".join([identity, *names]).lower()))
            for word in words(identity):
                by_id_word.setdefault(word, set()).add(identity)
        return by_slug, texts, by_id_word


QUOTE_NOT_FOUND = "quote is not in the source's text file: copy it exactly from the article"
SHOWN_AROUND = 15  # characters of the quote and of the article shown each side of where they part
MOSTLY_SAME = 0.6  # the share of a quote that must match a passage for it to be that passage, misquoted


class ArticleText:
    """A source's text (whitespace normalised), with its words indexed once, for finding the
    passage a misquote was copied from."""

    def __init__(self, text: str):
        self.text = text
        self.words = text.split(" ")
        self.starts = list(accumulate((len(word) + 1 for word in self.words[:-1]), initial=0))
        self.matcher = difflib.SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(self.words)  # indexing the article is the costly part: done once

    def where_quote_differs(self, quote: str) -> str:
        """Where the quote first parts from the closest passage, each shown around that point;
        the plain message when no passage is close."""
        passage_start = self._aligned_start(quote)
        if passage_start is None:
            return QUOTE_NOT_FOUND
        slack = len(quote) // 4 + SHOWN_AROUND
        low, high = max(0, passage_start - slack), min(len(self.text), passage_start + len(quote) + slack)
        opcodes = difflib.SequenceMatcher(None, quote, self.text[low:high], autojunk=False).get_opcodes()
        if sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal") < MOSTLY_SAME * len(quote):
            return QUOTE_NOT_FOUND
        at_quote, at_passage = _first_difference(opcodes, len(quote))
        return (f"quote differs from the article at character {at_quote + 1}: the article has "
                f"\"{_around(self.text, low + at_passage)}\" where the quote has \"{_around(quote, at_quote)}\": copy it exactly")

    def _aligned_start(self, quote: str) -> int | None:
        """Where in the article the quote would start, lined up on the longest run of words the
        two share; None when they share none."""
        words = quote.split(" ")
        self.matcher.set_seq1(words)
        in_quote, in_article, size = self.matcher.find_longest_match(0, len(words), 0, len(self.words))
        if size == 0:
            return None
        return self.starts[in_article] - sum(len(word) + 1 for word in words[:in_quote])


def _first_difference(opcodes: list[tuple], quote_length: int) -> tuple[int, int]:
    """(position in the quote, position in the passage) of the first difference; the passage's
    text before and after the quote is not one."""
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal" or (tag == "insert" and i1 in (0, quote_length)):
            continue
        if i1 == 0:  # the passage's lead-in and the quote's first characters replaced together
            j1 = max(j1, j2 - (i2 - i1))
        return i1, j1
    return 0, 0


def _around(text: str, position: int) -> str:
    """The words of text around position, '...' where cut."""
    start = text.rfind(" ", 0, max(0, position - SHOWN_AROUND)) + 1
    end = text.find(" ", position + SHOWN_AROUND)
    end = len(text) if end == -1 else end
    return ("... " if start > 0 else "") + text[start:end] + (" ..." if end < len(text) else "")
