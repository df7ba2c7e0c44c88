"""Splitting references.bib into blocks: the fast reading of fields (ingest/read/blocks.py) gives
exactly the blocks bibtexparser's own splitter gives, on every real export and on the hard cases."""

import logging

import pytest
from bibtexparser.splitter import Splitter
from conftest import BIBTEX_FIXTURES, UTF8_BIBTEX_EXPORTS
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import BIB_TEXT, mutated

from ingest.read.blocks import _FastSplitter


def described(library) -> list:
    """Everything the splitter says about each block, in order: kind, line, text, key, fields
    (name, value, line), a failed block's reason and the entry inside it."""
    def fields(block):
        return [(field.key, field.value, field.start_line) for field in getattr(block, "fields", None) or []]

    blocks = []
    for block in library.blocks:
        inner = getattr(block, "ignore_error_block", None)
        blocks.append((
            type(block).__name__, block.start_line, block.raw,
            getattr(block, "key", None), getattr(block, "entry_type", None), fields(block),
            str(getattr(block, "error", "")), sorted(getattr(block, "duplicate_keys", []) or []),
            inner and (type(inner).__name__, inner.start_line, inner.raw, fields(inner)),
        ))
    return blocks


def split_both(text: str) -> tuple[list, list]:
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    return described(Splitter(text).split()), described(_FastSplitter(text).split())


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_every_real_export_splits_into_the_same_blocks(name):
    slow, fast = split_both((BIBTEX_FIXTURES / name).read_text(encoding="utf-8"))
    assert fast == slow


HARD_CASES = {
    "plain": "@article{a,\n  title = {T},\n  year = 2001\n}\n",
    "trailing comma and spaces": "@article{a,\n  title = {T} ,\n  year = 2001 , \n\t}\n",
    "one line": "@article{a, title={T}, year=2001}",
    "no fields": "@misc{a}\n@misc{b,}\n",
    "name left dangling": "@article{a,\n  title = {T},\n  year\n}\n",
    "empty value": "@article{a,\n  title = ,\n  year = 2001\n}\n",
    "empty name": "@article{a,\n  = {T},\n}\n",
    "field twice": "@article{a,\n  title = {T},\n  Title = {U},\n  title = {V}\n}\n",
    "nested three deep": "@article{a,\n  title = {A {B {C}} {{GaN}} D},\n}\n",
    "nested four deep": "@article{a,\n  title = {A {B {C {D}}}},\n  year = 2001\n}\n",
    "escaped braces": "@article{a,\n  title = {50\\% \\{x\\} and \\\\{y}},\n  note = {a\\}},\n  year = 1\n}\n",
    "backslash before a line break": "@article{a,\n  abstract = {one \\\\\n  two \\\n three},\n  year = 2001\n}\n@misc{b,\n  title = {T}\n}\n",
    "quoted with braces": '@article{a,\n  title = "{T}he {\\"O}zil \\"quoted\\" text",\n  year = "2001"\n}\n',
    "quoted with an escaped backslash": '@article{a,\n  title = "a \\\\" , note = "b"\n}\n',
    "quote between braces": '@article{a,\n  title = "a {"} b",\n  year = 1\n}\n',
    "quote in braces": '@article{a,\n  title = {a " b},\n  year = 1\n}\n',
    "joined with #": '@string{j = "Journal"}\n@article{a,\n  journal = j # " of " # {Things} # 2,\n  month = jan#feb\n}\n',
    "equals and commas in a value": "@article{a,\n  url = {http://x.org/?a=1,b=2},\n  title = \"x = y, z\"\n}\n",
    "missing comma": "@article{a,\n  pages = {1--9}\n  publisher = {X},\n  year = 2001\n}\n",
    "email in a value": "@article{a,\n  note = {write to a@b.org},\n  year = 2001\n}\n",
    "block start inside a value": "@article{a,\n  title = {Unclosed\n@article{b,\n  title = {T}\n}\n",
    "unclosed quote": '@article{a,\n  title = "Unclosed,\n  year = 2001\n}\n@misc{b, title = {T}}\n',
    "stray closing brace": "@article{a,\n  title = {T}},\n  year = 2001\n}\n@misc{b, title = {T}}\n",
    "parentheses": "@article(a,\n  title = {T (1)},\n  year = 2001\n)\n@misc{b, title = {T}}\n",
    "comments and strings": "% a comment\n@comment{x}\n@preamble{\"\\newcommand{\\x}{y}\"}\n@string{s = {S}}\n"
                            "text between\n@article{a, title = s, year = 2001}\n",
    "percent comment between fields": "@article{a,\n  month = jan, % approx, {x} = \"y\"\n  year = 2001\n}\n",
    "windows line ends": "@article{a,\r\n  title = {T\r\n  U},\r\n  year = 2001\r\n}\r\n@misc{b,\r\n  title = {T}\r\n}\r\n",
    "unicode spaces": "@article{a,\n  title =\u00a0{T}\u2003,\n\u2028 year = 2001\n}\n",
    "duplicate keys": "@article{a, title = {T}}\n@article{a, title = {U}}\n",
    "no key": "@article{, title = {T}}\n@article{ , title = {U}}\n",
    "plus in a field name": "@article{a,\n  lccn+ = {x},\n  year = 2001\n}\n",
    "@ right after a field": "@article{a,\n  title = {T}, @misc{b, title = {U}}\n}\n",
}


@pytest.mark.parametrize("text", HARD_CASES.values(), ids=HARD_CASES.keys())
def test_hard_cases_split_into_the_same_blocks(text):
    slow, fast = split_both(text)
    assert fast == slow


# Entries of a few fields whose values hold what matters to the splitter (braces, quotes, escapes,
# line breaks after a backslash, {"}, a block start on a new line, commas, #), and the fixture file
# with a few characters deleted, duplicated or inserted.
TEXT = st.lists(st.sampled_from(["a", " ", "\n", "\\\n", "\\", '\\"', '"', '{"}', "{x}", "{", "}", "@", "\n@misc{",
                                 ",", "=", "#", "%", "\u00a0", "\r\n"]), max_size=8).map("".join)
VALUE = st.one_of(TEXT.map("{{{}}}".format), TEXT.map('"{}"'.format), st.sampled_from(["2001", "jan", "j # {x}", "", 'a#"b"']))
FIELD = st.tuples(st.sampled_from(["title", "year", " note ", "a+b", "\n x", ""]), VALUE, st.sampled_from([",\n  ", ",", "\n  ", " , "]))
ENTRIES = st.lists(FIELD, min_size=1, max_size=5).map(
    lambda fields: "@article{k,\n  " + "".join(f"{name} = {value}{end}" for name, value, end in fields) + "}\n@misc{b, year = 1}\n")


@settings(deadline=None, max_examples=1500)
@given(text=st.one_of(ENTRIES, mutated(BIB_TEXT)))
def test_any_text_splits_into_the_same_blocks(text):
    slow, fast = split_both(text)
    assert fast == slow


def test_the_fast_reading_reads_nearly_every_entry_of_a_real_export(monkeypatch):
    """Else the comparisons above would compare the splitter with itself."""
    read_mark_by_mark = []
    original = Splitter._move_to_end_of_entry

    def counted(splitter, first_key_start):
        read_mark_by_mark.append(first_key_start)
        return original(splitter, first_key_start)

    monkeypatch.setattr(Splitter, "_move_to_end_of_entry", counted)
    library = _FastSplitter((BIBTEX_FIXTURES / "bbt-import_mendeley-export.bib").read_text(encoding="utf-8")).split()
    assert (len(library.entries), len(read_mark_by_mark)) == (451, 10)  # a % comment, a ` = ` in a name, {"} ...
    read_mark_by_mark.clear()
    _FastSplitter(HARD_CASES["backslash before a line break"] + HARD_CASES["quoted with braces"]).split()
    assert read_mark_by_mark == []
