"""Reading the curated YAML: lines kept for messages, and YAML that must be refused."""

import pytest

from ingest.problems import InputError
from ingest.read.yamlfile import read_yaml_list


def read(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "claims.yml"
    path.write_bytes(text.encode(encoding))
    return read_yaml_list(path)


def problems(tmp_path, text: str) -> list[tuple]:
    with pytest.raises(InputError) as error:
        read(tmp_path, text)
    return [(p.line, p.message) for p in error.value.problems]


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
