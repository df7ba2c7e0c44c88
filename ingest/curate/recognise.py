"""What a new claim's sentence names: its condition and treatments (by the names, ids, aliases and
synonyms in conditions.yml and treatments.yml), and a short id made of its key words."""

import re
import unicodedata
from collections import Counter

from ingest.curate.sentences import normalised

# Words too common to say what a claim is about, left out of its id.
_COMMON_WORDS = """
a about above after again against all also along although an and any are as at be because been before being
both but by can could do does during each either etc even for from had has have how however if in into is it
its just may might more most much must no not of often on once only or other our over own per same should so
some such than that the their them then there here these they this those through to too under up upon us very was
we were what when where which while who why will with within without would you your
"""
STOPWORDS = frozenset(_COMMON_WORDS.split())
ID_WORDS = 3  # key words in a generated id, after the source's prefix


def named(sentence: str, entries: list, fields: tuple[str, ...]) -> list[str]:
    """Ids of the entries (conditions or treatments) whose id or any name in `fields` appears in the
    sentence as whole words (case, hyphens and curly quotes aside), in the order they appear."""
    text = _comparable(sentence)
    first_seen = {}
    for entry in entries:
        identity = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(identity, str):
            continue
        for term in _terms(entry, fields):
            found = re.search(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)", text)
            if found and found.start() < first_seen.get(identity, len(text) + 1):
                first_seen[identity] = found.start()
    return sorted(first_seen, key=first_seen.get)


def _terms(entry: dict, fields: tuple[str, ...]) -> set[str]:
    names = [entry["id"]]
    for field in fields:
        value = entry.get(field)
        names += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    terms = set()
    for name in names:
        terms.add(_comparable(name))
        terms.add(_comparable(re.sub(r"\([^)]*\)", " ", name)))  # "Foot orthoses (orthotics)": also "foot orthoses"
    return {term for term in terms if term}


def _comparable(text: str) -> str:
    return normalised(text.replace("-", " ").replace("‐", " "))


def most_common(values: list[str]) -> str | None:
    return Counter(values).most_common(1)[0][0] if values else None


def claim_id(prefix: str, sentence: str, words: str, taken: set[str]) -> str:
    """prefix-key-words-of-the-sentence, unique among `taken`: the key words the curator typed first,
    then the sentence's other key words in order; more words, then a number, when it is taken."""
    typed = _key_words(words)
    sentence_words = _key_words(sentence)
    ordered = [w for w in sentence_words if w in typed] + [w for w in sentence_words if w not in typed]
    ordered = list(dict.fromkeys(ordered)) or ["claim"]
    for count in range(min(ID_WORDS, len(ordered)), len(ordered) + 1):
        candidate = "-".join([prefix, *ordered[:count]])
        if candidate not in taken:
            return candidate
    number = 2
    while f"{candidate}-{number}" in taken:
        number += 1
    return f"{candidate}-{number}"


def _key_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text.translate({0x2019: "'"})).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", ascii_text)
    return [word.split("'")[0] for word in words if word.split("'")[0] not in STOPWORDS and len(word) > 1]
