"""`python -m ingest new-claim` and `new-source`: start an entry for a curator, who finishes what is
marked TODO (ingest/check/unfinished.py refuses to build until then).

Nothing is written unless everything checks out; what is written is appended at the end of its file,
the rest kept byte for byte (writing.py).
"""

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.check import vocabulary as v
from ingest.check.inputs import CLAIMS_FOLDER, claim_files
from ingest.check.links import SOURCE_TEXTS
from ingest.check.unfinished import TODO
from ingest.curate import recognise, sentences
from ingest.curate.split import HEADER as CLAIMS_HEADER
from ingest.curate.writing import SLUG, appended, quoted, write_atomically, yaml_string
from ingest.problems import InputError, Problem
from ingest.read.text import read_text
from ingest.read.yamlfile import read_yaml_list


class NotOneSentence(Exception):
    """The words typed match no sentence, or several: `lines` say which, for the curator to retype."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Written:
    path: Path
    line: int
    entry: str  # the id or key of what was written
    details: dict  # what the command prints about it


def new_claim(data_dir: Path, source: str, words: str) -> Written:
    """Append a claim skeleton for the one sentence of the source's text that contains `words`."""
    source_entry = _source(data_dir, source)
    text_path = _text_path(data_dir, source_entry)
    found = _one_sentence(text_path, read_text(text_path), words)
    claims = _all_claims(data_dir)
    own = [claim for claim in claims if claim.get("source") == source]
    prefix = recognise.most_common([str(claim.get("id", "")).split("-")[0] for claim in own if claim.get("id")])
    taken = {claim.get("id") for claim in claims if isinstance(claim.get("id"), str)}
    identity = recognise.claim_id(prefix or _first_word(source), found.text, words, taken)
    usual = [claim["condition"] for claim in own if isinstance(claim.get("condition"), str) and claim["condition"] != TODO]
    condition, condition_note = _condition(data_dir, found.text, usual)
    treatments = recognise.named(found.text, _entries(data_dir / "treatments.yml"), ("name", "synonyms"))
    path = data_dir / CLAIMS_FOLDER / f"{source}.yml"
    data, line = appended(path, claim_skeleton(identity, source, found.text, condition, condition_note, treatments),
                          CLAIMS_HEADER.format(source=source))
    path.parent.mkdir(exist_ok=True)
    write_atomically(path, data)
    return Written(path, line, identity, {"quote": found.text, "text_file": text_path, "text_line": found.line,
                                          "condition": f"{condition} ({condition_note})", "treatments": treatments,
                                          "quoted by": _quoting(own, found.text)})


def claim_skeleton(identity: str, source: str, quote: str, condition: str, condition_note: str, treatments: list[str]) -> str:
    lines = [
        f"- id: {identity}",
        f"  source: {source}",
        f"  quote: {quoted(quote)}",
        f"  text: {TODO}  # the claim as one plain, normalised statement, in your words",
        f"  claim_type: {TODO}  # one of: {', '.join(v.CLAIM_TYPES)}",
        f"  condition: {condition}  # {condition_note}",
        f"  treatments: [{', '.join(treatments)}]" + ("  # named in the quote: keep those the claim is about" if treatments else ""),
    ]
    if treatments:
        lines.append("  # add 'stance: against' if the claim says these treatments do not help, or help only for a while")
    return "\n".join([
        *lines,
        "  tags: []",
        "  # One link per study that bears on the claim: '- study: <key in studies.yml>' with relation, directness,",
        "  # finding (and tested, comparator, result when it names treatments): see data/README.md, claims.",
        "  # If no study answers it, keep evidence empty and add evidence_gap: what kind of study would answer it.",
        "  evidence: []",
    ]) + "\n"


def new_source(data_dir: Path, identity: str, text_file: Path, fields: dict) -> Written:
    """Add a source to sources.yml, copy its text to data/sources/<id>.txt and start its claims file."""
    problems = _source_problems(data_dir, identity, text_file, fields)
    if problems:
        raise InputError(problems)
    sources_path = data_dir / "sources.yml"
    copy, claims = data_dir / SOURCE_TEXTS / f"{identity}.txt", data_dir / CLAIMS_FOLDER / f"{identity}.yml"
    sources, line = appended(sources_path, source_entry(identity, fields))  # refuses before anything is written
    for path, data in ((copy, text_file.read_bytes()), (claims, CLAIMS_HEADER.format(source=identity).encode("utf-8")),
                       (sources_path, sources)):
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, data)
    return Written(sources_path, line, identity, {"text": copy, "claims": claims})


SOURCE_FIELDS = ("title", "author", "publisher", "url", "published", "kind", "conflict_of_interest")


def source_entry(identity: str, fields: dict) -> str:
    lines = [f"- id: {identity}"]
    for name in SOURCE_FIELDS:
        value = fields.get(name)
        if value:
            lines.append(f"  {name}: {quoted(value) if name in ('title', 'published') else yaml_string(value)}")
    lines.append(f"  text_file: {SOURCE_TEXTS}/{identity}.txt")
    return "\n".join(lines) + "\n"


def _source_problems(data_dir: Path, identity: str, text_file: Path, fields: dict) -> list[Problem]:
    problems, sources_path = [], data_dir / "sources.yml"
    if not SLUG.match(identity):
        problems.append(Problem(str(sources_path), None, f"'{identity}' is not a valid id: use lowercase letters, digits "
                                "and hyphens, e.g. 'smith-knee-blog'"))
    elif identity in {entry.get("id") for entry in _entries(sources_path)}:
        problems.append(Problem(str(sources_path), None, f"source '{identity}' already exists: choose another id"))
    else:
        for path in (data_dir / SOURCE_TEXTS / f"{identity}.txt", data_dir / CLAIMS_FOLDER / f"{identity}.yml"):
            if path.exists():
                problems.append(Problem(str(path), None, "already exists and would be overwritten: choose another id, or move the file away"))
    if not str(fields.get("title") or "").strip():
        problems.append(Problem(str(sources_path), None, "the title is empty: give the article's title with --title"))
    if fields.get("kind") not in v.SOURCE_KINDS:
        problems.append(Problem(str(sources_path), None, f"kind '{fields.get('kind')}' is not allowed: use one of {', '.join(v.SOURCE_KINDS)}"))
    published = fields.get("published")
    if published and not _is_date(published):
        problems.append(Problem(str(sources_path), None, f"published '{published}' is not a date: write YYYY-MM-DD, or YYYY-MM "
                                "or YYYY when that is all the article gives"))
    try:
        read_text(text_file)
    except InputError as error:
        problems += error.problems
    return problems


def _is_date(value: str) -> bool:
    """YYYY-MM-DD, YYYY-MM or YYYY, as sources.yml takes them, and a real date."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    try:
        datetime.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def _source(data_dir: Path, source: str) -> dict:
    path = data_dir / "sources.yml"
    if not SLUG.match(source):
        raise InputError([Problem(str(path), None, f"'{source}' is not a source id: use the id of a source in sources.yml")])
    entries = _entries(path)
    for entry in entries:
        if entry.get("id") == source:
            return entry
    ids = [entry["id"] for entry in entries if isinstance(entry.get("id"), str)]
    close = difflib.get_close_matches(source, ids, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"the sources are: {', '.join(ids) or '(none)'}"
    raise InputError([Problem(str(path), None, f"no source '{source}': {hint} (python -m ingest new-source adds one)")])


def _text_path(data_dir: Path, source: dict) -> Path:
    where = str(data_dir / "sources.yml")
    line = source.line_of(("text_file",))
    text_file = source.get("text_file")
    if not isinstance(text_file, str) or not text_file.strip():
        raise InputError([Problem(where, source.line, f"source '{source['id']}' has no text_file: put a copy of the article "
                                  f"in data/{SOURCE_TEXTS}/ and name it in text_file")])
    path = data_dir / text_file
    if not path.resolve().is_relative_to((data_dir / SOURCE_TEXTS).resolve()):
        raise InputError([Problem(where, line, f"source '{source['id']}': text_file {text_file} is not in data/{SOURCE_TEXTS}/: "
                                  "put the article's copy there")])
    return path


def _one_sentence(text_path: Path, text: str, words: str) -> sentences.Sentence:
    every = sentences.sentences(text)
    if not sentences.normalised(words):
        raise NotOneSentence(["no words given: type a few words of the sentence to quote, e.g. \"weak hip\""])
    found = sentences.matching(every, words)
    if len(found) == 1:
        return found[0]
    if found:
        lines = [f"\"{words}\" is in {len(found)} sentences of {text_path}; nothing was written. "
                 "Type more of the words of the one you mean:"]
        raise NotOneSentence(lines + [f"{text_path}:{s.line}: {s.text}" for s in found])
    lines = [f"\"{words}\" is in no sentence of {text_path} (case, spaces and quote marks aside); nothing was written."]
    hint = sentences.closest(every, words)
    if hint:
        lines += ["The closest sentence:", f"{text_path}:{hint.line}: {hint.text}"]
    raise NotOneSentence(lines)


def _condition(data_dir: Path, sentence: str, usual: list[str]) -> tuple[str, str]:
    """The condition a claim is about, and how it was chosen (the comment the curator checks)."""
    conditions = recognise.named(sentence, _entries(data_dir / "conditions.yml"), ("name", "aliases"))
    common = recognise.most_common(usual)
    if conditions:
        chosen = common if common in conditions else conditions[0]
        others = [c for c in conditions if c != chosen]
        return chosen, "named in the quote" + (f"; also named: {', '.join(others)}" if others else "")
    if common:
        return common, "this source's usual condition, not named in the quote: check it"
    return TODO, "an id from conditions.yml"


def _quoting(claims: list[dict], passage: str) -> list[str]:
    """The ids of the claims whose quote is part of the passage, or holds it: a claim made twice?"""
    wanted = sentences.normalised(passage)
    quotes = {claim.get("id"): sentences.normalised(claim["quote"]) for claim in claims if isinstance(claim.get("quote"), str)}
    return [identity for identity, quote in quotes.items() if quote and (quote in wanted or wanted in quote)]


def _all_claims(data_dir: Path) -> list[dict]:
    """Every claim entry in every claims file (for ids that are unique across them)."""
    problems, claims = [], []
    for path in claim_files(data_dir):
        try:
            claims += [entry for entry in read_yaml_list(path) if isinstance(entry, dict)]
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return claims


def _entries(path: Path) -> list[dict]:
    return [entry for entry in read_yaml_list(path) if isinstance(entry, dict)]


def _first_word(source: str) -> str:
    return source.replace("_", "-").replace(".", "-").split("-")[0]
