"""The sentences of a source article's text, and the one a curator means by a few of its words.

A sentence ends at '.', '!' or '?' followed by a space (after any closing quote or bracket), and at
every line break: the article copies hold one paragraph, heading or list item per line. A few
abbreviations ("et al.", "e.g.") and initials do not end one.
"""

import difflib
import re
from dataclasses import dataclass

# An end mark, any closing quotes or brackets, then the space that separates it from the next sentence.
_END = re.compile(r"[.!?][\"'”’)\]]*[ \t]+")
_NO_END_BEFORE = re.compile(r"(?:\b(?:al|e\.g|i\.e|etc|vs|cf|Dr|Mr|Mrs|Ms|Prof|St|No|Fig)|(?<![\w.])[A-Z])\.$")
# What a curator may type differently from the article: curly quotes and apostrophes.
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})

LONGEST_PASSAGE = 6  # sentences: words typed across more are not looked for


@dataclass(frozen=True)
class Sentence:
    line: int  # 1-based line of the text file
    text: str  # verbatim from the article


def sentences(text: str) -> list[Sentence]:
    """Every sentence of an article's text, verbatim, with its line."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        start = 0
        for end in _END.finditer(line):
            if not _NO_END_BEFORE.search(line[start:end.start() + 1]):
                found.append(Sentence(number, line[start:end.end()].strip()))
                start = end.end()
        if line[start:].strip():
            found.append(Sentence(number, line[start:].strip()))
    return [sentence for sentence in found if sentence.text]


def normalised(text: str) -> str:
    """Text as it is compared: case, runs of white space and curly quotes aside."""
    return " ".join(text.translate(_STRAIGHT).casefold().split())


def matching(all_sentences: list[Sentence], words: str) -> list[Sentence]:
    """The shortest passages that contain `words` (normalised), one of each text: the sentences that
    do, else the runs of consecutive sentences that do (words typed across a sentence's end), joined
    by a space. Each passage starts at the line of its first sentence."""
    wanted = normalised(words)
    compared = [normalised(sentence.text) for sentence in all_sentences]
    for size in range(1, LONGEST_PASSAGE + 1):
        found = {}
        for start in range(len(all_sentences) - size + 1):
            if wanted in " ".join(compared[start:start + size]):
                run = all_sentences[start:start + size]
                text = " ".join(sentence.text for sentence in run)
                found.setdefault(text, Sentence(run[0].line, text))
        if found:
            return list(found.values())
    return []


def closest(all_sentences: list[Sentence], words: str) -> Sentence | None:
    """The sentence with a run of words most like `words` (difflib's ratio), as a hint."""
    wanted = normalised(words)
    size = max(1, len(wanted.split()))
    best, best_ratio = None, 0.0
    for sentence in all_sentences:
        tokens = normalised(sentence.text).split()
        for start in range(max(1, len(tokens) - size + 1)):
            ratio = difflib.SequenceMatcher(None, wanted, " ".join(tokens[start:start + size]), autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = sentence, ratio
    return best
