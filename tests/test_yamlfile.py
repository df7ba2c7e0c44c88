"""Reading the curated YAML: lines kept for messages, and YAML that must be refused."""

import tracemalloc

import pytest
import yaml
from conftest import FIXTURE_KB, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bad_inputs import CASES, CORPUS, load_case
from test_fuzz import CLAIMS_TEXT, FUZZ, YAML_TOKENS, mutated

from ingest.problems import InputError, Problem
from ingest.read import yamlfile
from ingest.read.text import MAX_VALUE_LENGTH
from ingest.read.yamlfile import Entry, Items, read_yaml_list, stream_yaml_list


def read(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "claims.yml"
    path.write_bytes(text.encode(encoding))
    return read_yaml_list(path)


def problems(tmp_path, text: str) -> list[tuple]:
    with pytest.raises(InputError) as error:
        read(tmp_path, text)
    return [(p.line, p.message) for p in error.value.problems]


def test_a_date_that_does_not_exist_is_a_problem_at_its_line_not_a_crash(tmp_path):
    assert problems(tmp_path, "- id: a\n  published: 2023-02-30\n- id: b\n  published: 2023-13-01\n") == [
        (2, "'2023-02-30' is not a date that exists: write YYYY-MM-DD with a real month and day"),
        (4, "'2023-13-01' is not a date that exists: write YYYY-MM-DD with a real month and day"),
    ]


def test_a_tagged_value_yaml_cannot_build_is_a_problem_not_a_crash(tmp_path):
    assert problems(tmp_path, "- !!set 3\n") == [
        (None, "a value could not be read (not enough values to unpack (expected 2, got 1)): write plain values, lists and mappings only")]


def test_lines_of_list_items(tmp_path):
    entries = read(tmp_path, "- id: a\n\n- just text\n")
    assert entries.item_lines == [1, 3]


def test_lines_of_entries_and_nested_fields(tmp_path):
    entries = read(tmp_path, "# comment\n- id: a\n  evidence:\n    - study: x\n      relation: supports\n\n- id: b\n")
    assert entries == [{"id": "a", "evidence": [{"study": "x", "relation": "supports"}]}, {"id": "b"}]
    assert [e.line for e in entries] == [2, 7]
    assert entries[0].line_of(("evidence", 0, "relation")) == 5
    assert entries[0].line_of(("evidence", 3, "relation")) == 3  # a path that does not exist stops where it can


@pytest.mark.parametrize("text", ["", "# only a comment\n", "[]\n"])
def test_empty_file_is_an_empty_list(tmp_path, text):
    assert read(tmp_path, text) == []


def test_bom_and_windows_line_endings(tmp_path):
    entries = read(tmp_path, "\ufeff- id: a\r\n  text: b  \r\n")
    assert entries == [{"id": "a", "text": "b"}]


def test_anchors_and_merge_keys_are_plain_data(tmp_path):
    assert read(tmp_path, "- &base {id: a, kind: blog}\n- <<: *base\n  id: b\n") == [
        {"id": "a", "kind": "blog"}, {"id": "b", "kind": "blog"},
    ]


@pytest.mark.parametrize("text, expected", [
    ("- id: a\n  id: b\n", [(2, "duplicate key 'id' in one entry: keep only one")]),
    ("id: a\n", [(1, "must be a YAML list of entries, each starting with '- '")]),
    ("- id: !!python/object/apply:os.system ['true']\n",
     [(1, "YAML tag not allowed (could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'): remove the tag; only plain values, lists and mappings are read")]),
    ("- id: a\n  text: \"unclosed\n- id: b\n",
     [(2, "YAML syntax error: while scanning a quoted scalar here, found unexpected end of stream at line 4; fix the YAML")]),
    ("- id: a\n   text: b\n", [(2, "indentation: 'text:' at column 4 does not line up with 'id:' at line 1 (column 3): "
                                  "indent it like the other fields of the same entry")]),
    ("- ? [a, b]\n  : c\n", [(1, "a key must be a plain name, not a list or mapping: write 'name: value'")]),
])
def test_refused_yaml(tmp_path, text, expected):
    assert problems(tmp_path, text) == expected


CLAIM = "- id: a\n  evidence:\n    - study: x\n      relation: supports\n      finding: y\n"


@pytest.mark.parametrize("text, expected", [
    (CLAIM.replace("      relation:", "     relation:"),  # one space short
     (4, "indentation: 'relation:' at column 6 does not line up with 'study:' at line 3 (column 7): indent it like the other fields of the same entry")),
    (CLAIM.replace("      relation:", "       relation:"),  # one space too far: YAML reads it as more of the value above
     (4, "indentation: 'relation:' at column 8 does not line up with 'study:' at line 3 (column 7): indent it like the other fields of the same entry")),
    (CLAIM.replace("      finding:", "     finding:"),  # short after a field that is not the item's first
     (5, "indentation: 'finding:' at column 6 does not line up with 'relation:' at line 4 (column 7): indent it like the other fields of the same entry")),
    (CLAIM + "   - study: z\n      relation: supports\n",  # a list item one space short
     (6, "indentation: '- study:' at column 4 does not line up with '- study:' at line 3 (column 5): indent it like the other items of the same list")),
    (CLAIM + "     - study: z\n       relation: supports\n",  # a list item one space too far
     (6, "indentation: '- study:' at column 6 does not line up with '- study:' at line 3 (column 5): indent it like the other items of the same list")),
    (CLAIM + "   text: t\n",  # a claim's field after its evidence, one space too far
     (6, "indentation: 'text:' at column 4 does not line up with 'evidence:' at line 2 (column 3): indent it like the other fields of the same entry")),
    ("- id: a\n  treatments:\n    - prp\n   - prolotherapy\n",  # an item of a list of ids
     (4, "indentation: '- prolotherapy' at column 4 does not line up with '- prp' at line 3 (column 5): indent it like the other items of the same list")),
    ("- id: a\n  quote: Note: rest helps\n",
     (2, "the value of 'quote:' holds ': ' (column 14), which YAML reads as the start of a field: put the whole value in double quotes")),
    ("- id: a\n\tsource: s\n", (2, "a tab at line 2, column 1: YAML indents with spaces only: replace the tab with spaces")),
    ("- id: a\n  evidence:\n    - study: x\n  \t  relation: s\n", (4, "a tab at line 4, column 3: YAML indents with spaces only: replace the tab with spaces")),
])
def test_layout_mistakes_say_what_to_fix(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


# stream_yaml_list: the same items, lines and problems as read_yaml_list, one item at a time.

def described(value) -> tuple:
    """A value with its kind, key order and every line it remembers, for exact comparison
    (repr for plain values, so that a NaN equals itself)."""
    if isinstance(value, Entry):
        fields = [(repr(key), described(field)) for key, field in value.items()]
        return "Entry", value.line, value.column, list(value.key_lines.items()), fields
    if isinstance(value, Items):
        return "Items", value.item_lines, [described(item) for item in value]
    if isinstance(value, list):
        return "list", [described(item) for item in value]
    return type(value).__name__, repr(value)


def read_whole(path) -> list:
    """read_yaml_list's items, each with its line from item_lines (None for a list that has none), or its problems."""
    try:
        items = read_yaml_list(path)
    except InputError as error:
        return error.problems
    lines = items.item_lines if isinstance(items, Items) else [None] * len(items)
    return [(described(item), line) for item, line in zip(items, lines, strict=True)]


def is_refused(outcome: list) -> bool:
    return bool(outcome) and isinstance(outcome[0], Problem)


def read_streamed(path) -> list:
    """stream_yaml_list's items with their lines, or its problems."""
    try:
        return [(described(item), line) for item, line in stream_yaml_list(path)]
    except InputError as error:
        return error.problems


def write_yaml(tmp_path, text: str, name: str = "claims.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def assert_streams_alike(path) -> list:
    whole = read_whole(path)
    assert read_streamed(path) == whole
    return whole


REAL_YAML = sorted((FIXTURE_KB / "data").rglob("*.yml")) + sorted((REPO / "data").glob("*.yml")) + sorted((REPO / "data" / "claims").glob("*.yml"))


@pytest.mark.parametrize("path", REAL_YAML, ids=lambda path: str(path.relative_to(REPO)))
def test_stream_reads_the_fixtures_and_real_data_as_read_yaml_list_does(path):
    whole = assert_streams_alike(path)
    assert whole and not is_refused(whole)


def bad_input_yaml(name: str) -> dict[str, str]:
    """The YAML files a bad-input case gives the checker, by path: its own files (case.yml too) and
    the fixture files its edits change, edited as tests/test_bad_inputs.py edits them."""
    folder = CORPUS / name
    texts = {str(path.relative_to(folder)): path.read_bytes().decode("utf-8", errors="surrogateescape")
             for path in folder.rglob("*.yml")}
    for edit in load_case(name).get("edits", []):
        if not edit["file"].endswith(".yml"):
            continue
        text = texts.get(edit["file"]) or (FIXTURE_KB / edit["file"]).read_text(encoding="utf-8")
        new = edit["new"]
        if "pad" in edit:
            new = new.replace("{PAD}", edit["pad"]["text"] * edit["pad"]["times"])
        texts[edit["file"]] = text.replace(edit["old"], new, edit.get("times", 1))
    return texts


def bad_input_paths(tmp_path, name: str) -> dict:
    """bad_input_yaml's files written out as they are stored (some are not UTF-8), by their path in the case."""
    paths = {}
    for number, (relative, text) in enumerate(bad_input_yaml(name).items()):
        paths[relative] = tmp_path / f"{name}-{number}.yml"
        paths[relative].write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return paths


@pytest.mark.parametrize("name", CASES)
def test_stream_reads_the_bad_inputs_as_read_yaml_list_does(tmp_path, name):
    for path in bad_input_paths(tmp_path, name).values():
        assert_streams_alike(path)


def test_the_bad_inputs_hold_yaml_that_is_refused_and_yaml_that_is_read(tmp_path):
    refused = {name for name in CASES for relative, path in bad_input_paths(tmp_path, name).items()
               if relative != "case.yml" and is_refused(read_whole(path))}
    assert {"sources-not-a-list", "treatments-tab-indentation", "studies-huge-note"} <= refused
    assert "claims-bom-and-crlf" not in refused


ANCHORS = """\
- &base {id: base, kind: blog, tags: [a, b]}
- &a
  <<: *base
  id: a
- *a
- <<: *a
  note: n
- &outer
  inner:
    <<: *base
    id: inner
- <<: [*outer, *base]
  id: last
- count: &n 3
- count: *n
"""


def test_stream_keeps_anchors_and_merge_keys_across_items(tmp_path):
    path = write_yaml(tmp_path, ANCHORS)
    streamed = list(stream_yaml_list(path))
    assert [item for item, _ in streamed] == [
        {"id": "base", "kind": "blog", "tags": ["a", "b"]},
        {"id": "a", "kind": "blog", "tags": ["a", "b"]},
        {"id": "a", "kind": "blog", "tags": ["a", "b"]},
        {"id": "a", "kind": "blog", "tags": ["a", "b"], "note": "n"},
        {"inner": {"id": "inner", "kind": "blog", "tags": ["a", "b"]}},
        {"id": "last", "inner": {"id": "inner", "kind": "blog", "tags": ["a", "b"]}, "kind": "blog", "tags": ["a", "b"]},
        {"count": 3},
        {"count": 3},
    ]
    assert [line for _, line in streamed] == [1, 2, 2, 6, 8, 12, 14, 15]  # an alias's line is its anchor's, as in read_yaml_list
    # as in read_yaml_list, an alias is the object built at its anchor, not a copy built again
    assert streamed[2][0] is streamed[1][0]
    assert streamed[5][0]["inner"] is streamed[4][0]["inner"]
    assert read_streamed(path) == read_whole(path)


def consume(path) -> tuple[list, InputError]:
    """The items stream_yaml_list yields before the InputError it must raise, and that error."""
    items = []
    with pytest.raises(InputError) as error:
        for item in stream_yaml_list(path):
            items.append(item)
    return items, error.value


def test_stream_refuses_a_duplicate_key_in_the_last_item_after_yielding_the_others(tmp_path):
    path = write_yaml(tmp_path, "".join(f"- id: s{number}\n  design: rct\n" for number in range(200)) + "  design: cohort\n")
    items, error = consume(path)
    assert len(items) == 199
    assert [(p.line, p.message) for p in error.problems] == [(401, "duplicate key 'design' in one entry: keep only one")]
    assert error.problems == read_whole(path)


def test_stream_reports_every_key_problem_of_the_file_at_once(tmp_path):
    long_value = "x" * (MAX_VALUE_LENGTH + 1)
    path = write_yaml(tmp_path, f"- id: a\n  note: {long_value}\n- id: b\n- id: c\n  id: d\n- id: e\n  id: f\n")
    _, error = consume(path)
    assert [(p.line, p.message) for p in error.problems] == [
        (2, "value is 100,001 characters long: at most 100,000; shorten it"),
        (5, "duplicate key 'id' in one entry: keep only one"),
        (7, "duplicate key 'id' in one entry: keep only one"),
    ]
    assert error.problems == read_whole(path)


@pytest.mark.parametrize("text, expected", [
    ("id: a\nkind: blog\n", [(1, "must be a YAML list of entries, each starting with '- '")]),
    ("just a sentence\n", [(1, "must be a YAML list of entries, each starting with '- '")]),
    ("--- [1]\n--- [2]\n", [(1, "YAML syntax error: expected a single document in the stream here, but found another document at line 2; fix the YAML")]),
    ("- id: a\n- id: b\n---\n- id: c\n", [(1, "YAML syntax error: expected a single document in the stream here, but found another document at line 3; fix the YAML")]),
    ("- id: a\n- id: b\n\tkind: blog\n", [(3, "a tab at line 3, column 1: YAML indents with spaces only: replace the tab with spaces")]),
    ("- id: a\n- *missing\n", [(2, "YAML syntax error: found undefined alias 'missing'; fix the YAML at this line")]),
    ("- &a id\n- &a id\n", [(1, "YAML syntax error: found duplicate anchor 'a'; first occurrence here, second occurrence at line 2; fix the YAML")]),
    ("- id: a\n- &r [*r]\n", [(2, "an entry contains itself through a YAML alias (*name inside &name): remove the alias")]),
    # read_yaml_list builds a '!!set' once the whole file is built, after the merge key below has
    # rewritten its node: it then holds the merged 'id' and its own
    ("- &b {id: 1}\n- &s !!set {<<: *b, id: 2}\n- <<: *s\n", [(2, "duplicate key 'id' in one entry: keep only one")]),
    # the date cannot be built (ValueError), but read_yaml_list parses the whole file first
    ("- day: 2023-02-30\n- id: \"unclosed\n", [(2, "YAML syntax error: while scanning a quoted scalar here, found unexpected end of stream at line 3; fix the YAML")]),
    ("- id: a\n- id: !!python/name:os.system\n",
     [(2, "YAML tag not allowed (could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'): remove the tag; only plain values, lists and mappings are read")]),
])
def test_stream_refuses_what_read_yaml_list_refuses(tmp_path, text, expected):
    path = write_yaml(tmp_path, text)
    _, error = consume(path)
    assert [(p.line, p.message) for p in error.problems] == expected
    assert error.problems == read_whole(path)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "null\n", "---\n", "~\n", "[]\n", "---\n[]\n...\n"])
def test_stream_of_an_empty_file_yields_nothing(tmp_path, text):
    path = write_yaml(tmp_path, text)
    assert list(stream_yaml_list(path)) == []
    assert read_whole(path) == []


@pytest.mark.parametrize("text, expected", [
    ("&all\n- id: a\n- id: b\n", [({"id": "a"}, 2), ({"id": "b"}, 3)]),  # an anchor on the list itself
    ("!!seq\n- id: a\n", [({"id": "a"}, 2)]),
    ("--- !!seq\n- id: a\n...\n", [({"id": "a"}, 2)]),
    ("!!pairs\n- a: 1\n- b: 2\n", [(("a", 1), None), (("b", 2), None)]),  # a list of pairs has no lines
    ("[{id: a}, {id: b},\n {id: c}]\n", [({"id": "a"}, 1), ({"id": "b"}, 1), ({"id": "c"}, 2)]),
    ("- !!set {a, b}\n- !!omap [x: 1]\n", [({"a", "b"}, 1), ([("x", 1)], 2)]),
    # the '!!omap' is built once the whole file is, after the last item's merge key has replaced
    # the '<<' in its node with the merged 'id'
    ("- &b {id: 1}\n- !!omap [&m {<<: *b}]\n- <<: *m\n", [({"id": 1}, 1), ([("id", 1)], 2), ({"id": 1}, 3)]),
])
def test_stream_reads_unusual_lists_as_read_yaml_list_does(tmp_path, text, expected):
    path = write_yaml(tmp_path, text)
    assert list(stream_yaml_list(path)) == expected
    assert read_streamed(path) == read_whole(path)


def test_stream_refuses_an_unclosed_quote_near_the_end_after_yielding_the_items_before(tmp_path):
    text = "".join(f"- key: s{number}\n  design: rct\n  population: {number} runners\n" for number in range(1000))
    path = write_yaml(tmp_path, text + "- key: last\n  population: \"unclosed\n- key: after\n")
    items, error = consume(path)
    assert len(items) == 1000
    assert items[-1] == ({"key": "s999", "design": "rct", "population": "999 runners"}, 2998)
    assert [(p.line, p.message) for p in error.problems] == [
        (3002, "YAML syntax error: while scanning a quoted scalar here, found unexpected end of stream at line 3004; fix the YAML"),
    ]
    assert error.problems == read_whole(path)


def test_stream_raises_when_read_yaml_list_reads_what_the_stream_could_not(tmp_path, monkeypatch):
    # libyaml may refuse what the Python parser reads: once items are out, nothing may be accepted
    path = write_yaml(tmp_path, "- id: a\n- id: b\n")
    monkeypatch.setattr(yamlfile, "_construct", fail_second)
    items, error = consume(path)
    assert [item for item, _ in items] == ["first"]
    assert error.problems == [Problem(str(path), None, "could not be read as a YAML list one entry at a time: report this file to the maintainers")]


def fail_second(loader, node, new_anchors):
    if node.start_mark.line:
        raise yaml.YAMLError("refused")
    return "first"


def test_stream_disposes_of_its_parser_when_the_consumer_stops_early(tmp_path, monkeypatch):
    disposed = []
    monkeypatch.setattr(yamlfile._StreamLoader, "dispose", lambda loader: disposed.append(loader))
    items = stream_yaml_list(write_yaml(tmp_path, "- id: a\n- id: b\n"))
    assert next(items) == ({"id": "a"}, 1)
    assert disposed == []
    items.close()
    assert len(disposed) == 1


@settings(FUZZ, max_examples=1000)
@given(text=st.one_of(st.lists(YAML_TOKENS, max_size=80).map("".join), mutated(CLAIMS_TEXT), mutated(ANCHORS)))
def test_stream_and_read_yaml_list_agree_on_any_text(tmp_path, text):
    path = write_yaml(tmp_path, text)
    assert read_streamed(path) == read_whole(path)


def study_entries(count: int) -> str:
    return "".join(f"- key: study{number}\n  design: rct\n  evidence_level: 2\n  population: {number} runners\n"
                   f"  condition: pfps\n  metadata_status: verified\n  urls:\n    - https://example.org/{number}\n"
                   f"  note: Volume, number and pages from the citing article only.\n" for number in range(count))


def peak_traced(read) -> int:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_stream_holds_one_item_at_a_time(tmp_path):
    path = write_yaml(tmp_path, study_entries(3000), "studies.yml")

    def stream():
        for _ in stream_yaml_list(path):
            pass

    whole = peak_traced(lambda: read_yaml_list(path))
    streamed = peak_traced(stream)
    assert streamed < whole / 4
