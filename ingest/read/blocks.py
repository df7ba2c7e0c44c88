"""references.bib split into blocks by bibtexparser's splitter, with % comments read as biber reads them.

A `%` starts a comment to the end of its line outside field values: between the fields of an entry
(`month = jan, % approx`) and before an entry (`%@article{old, ...` comments the entry out). The
splitter knows no comments: it takes `% approx\\n year` for a field name, so the year is lost, and
an entry whose comment holds a comma, brace or quote fails. Inside a value (`{95% CI}`, a URL's
`%20`) a `%` is text.

Comments are rare, so the file is split as it is, and only when a block shows a comment's traces
(a `%` in a field name or in a value that is not one group, a failed block holding a `%`, an entry
starting on a line that begins with `%`) are the comments of those blocks blanked out, keeping
every line break, and the file split again. The entries keep their text as written, comments
included.

The splitter steps through the file mark by mark (every brace, quote, comma, equals sign and line
break) in Python. An entry's fields, nearly always `name = {text}` or `name = "text"` or `name = 2001`
separated by commas, are read instead by one pattern per field (_FastSplitter); anything else in an
entry, or any doubt, and the splitter reads that entry mark by mark as before. Both give the same
blocks: tests/test_blocks.py compares them on every export in tests/fixtures/bibtex and on the hard cases.
"""

import logging
import re

from bibtexparser.library import Library
from bibtexparser.model import Field, ImplicitComment
from bibtexparser.splitter import _MARK_PATTERN, Splitter

from ingest.read.values import enclosed, nested_group

# A % and a block start after it on the same line: an entry commented out, when the % begins the line.
_COMMENTED_BLOCK = re.compile(r"%[^\n]*@[\w]*[ \t]*[{(]")
_BLOCK_START = re.compile(r"@[\w]*[ \t]*[{(]")
# What decides where a comment may be: braces, quotes, the entry's end, escapes (\{ is text).
_ENTRY_MARK = re.compile(r'\\[{}"%()]|[{}"%()]')


def split_blocks(text: str) -> tuple[Library, dict[int, str]]:
    """The file's blocks, and the text as written of each entry whose comments were blanked out
    (by the entry's start line, counted from 0 as the splitter counts)."""
    library = _split(text)
    starts = _suspect_starts(text, library)
    if not starts:
        return library, {}
    failed = {block.start_line for block in library.failed_blocks}
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    comments = sorted({span for line in starts for span in _comments(text, line_starts[line], only_line_comments=line in failed)})
    pieces, position = [], 0
    for start, end in comments:  # each comment as as many spaces: every line and column stays where it was
        if start >= position:  # (the scan of a block that failed may run on into the next)
            pieces += [text[position:start], " " * (end - start)]
            position = end
    blanked_text = "".join([*pieces, text[position:]])
    library = _split(blanked_text)
    written = {}
    for entry in library.entries:
        start = blanked_text.find(entry.raw, line_starts[entry.start_line])
        if start >= 0 and text[start:start + len(entry.raw)] != entry.raw:
            written[entry.start_line] = text[start:start + len(entry.raw)]
    return library, written


def _split(text: str) -> Library:
    # bibtexparser logs each failed block as a warning; the caller reports them, with fixes.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    # The splitter alone, as bibtexparser.parse_string(text, parse_stack=[]) runs it: its default
    # middlewares (resolve @string macros, then unwrap values) each go over every field of every
    # entry again; the caller does the same work in the one pass that converts each entry.
    return _FastSplitter(text).split()


# One field of a {...} entry, read as the splitter reads it, when it holds nothing the splitter
# treats in a special way: the name (no mark in it but line breaks), "=", then the value up to the
# comma or brace that ends it: braced groups, quoted strings and bare words (numbers, macro names)
# joined by #. Inside quotes a brace does not count and a quote after a backslash is text; a quote
# between braces ({"}) would not end the string, so the pattern leaves that case to the splitter.
# No backslash outside groups and strings (it hides the mark after it) and no @ anywhere (a block
# start at the beginning of a line ends the entry).
_QUOTED = r'"(?:[^"@]|(?<=\\)")*+(?<![{\\])"'
_BARE = r'[^{}",=@#\\\s]++'
_PART = rf"(?:{nested_group(also_not='@')}|{_QUOTED}|{_BARE})"
_FIELD = re.compile(rf'([^{{}}",=@\\]*+)=(\s*+{_PART}(?:\s*+#\s*+{_PART})*+\s*+)(?=[,}}])')
_ENTRY_END = re.compile(r"\s*+\}")  # after the last field's comma


class _FastSplitter(Splitter):
    """bibtexparser's splitter, reading the fields of an entry with one pattern each (_FIELD)
    instead of mark by mark; an entry with a field the pattern does not read goes mark by mark."""

    def _move_to_end_of_entry(self, first_key_start: int):
        if self._closing_delimiter != "}" or self._unaccepted_mark is not None:
            return super()._move_to_end_of_entry(first_key_start)
        text, fields, keys, duplicate_keys = self.bibstr, [], set(), set()
        line, counted, position = self._current_line, first_key_start, first_key_start
        while (field := _FIELD.match(text, position)) is not None:
            equals = field.end(1)
            line, counted = line + _line_breaks(text, counted, equals), equals
            key = field.group(1).strip()
            if key in keys:
                duplicate_keys.add(key)
            keys.add(key)
            fields.append(Field(start_line=line, key=key, value=field.group(2).strip()))
            position = field.end()
            if text[position] == "}":
                break
            position += 1  # past the comma
        else:
            end = _ENTRY_END.match(text, position)
            if end is None:  # not an entry the pattern reads: mark by mark, from its first field
                return super()._move_to_end_of_entry(first_key_start)
            position = end.end() - 1
        # where the splitter would be after the entry's closing brace
        self._current_line = line + _line_breaks(text, counted, position)
        self._current_char_index = position
        self._markiter = _MARK_PATTERN.finditer(text, position + 1)
        return fields, position + 1, duplicate_keys


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks as the splitter counts them: one after a backslash is not a mark."""
    return text.count("\n", start, end) - text.count("\\\n", start, end)


def _suspect_starts(text: str, library: Library) -> set[int]:
    """Start lines of the blocks where a comment may have been misread."""
    starts = {entry.start_line for entry in library.entries if "%" in entry.raw and any(map(_shows_comment, entry.fields))}
    starts |= {block.start_line for block in library.failed_blocks if "%" in block.raw}
    if _COMMENTED_BLOCK.search(text):  # a block the splitter started on a comment line (not text in a value)
        block_starts = {block.start_line for block in library.blocks if not isinstance(block, ImplicitComment)}
        line, counted = 0, 0
        for match in _COMMENTED_BLOCK.finditer(text):
            line, counted = line + text.count("\n", counted, match.start()), match.start()
            if line in block_starts and not text[text.rfind("\n", 0, match.start()) + 1:match.start()].strip():
                starts.add(line)
    return starts


def _shows_comment(field) -> bool:
    """A % in a field's name, or in a value that is not one group or string (`{A} % note {x}`)."""
    return "%" in field.key or ("%" in field.value and not enclosed(field.value))


def _comments(text: str, line_start: int, only_line_comments: bool) -> list[tuple[int, int]]:
    """The comments (start, end) of the block that starts on the line at `line_start`: a comment
    line before it (an entry commented out), or the comments between its fields. In a block that
    failed, whose quotes may not pair up, only a % that begins a line or follows a comma is taken for one."""
    start = _BLOCK_START.search(text, line_start)
    if start is None:
        return []
    comment = text.find("%", line_start, start.start())
    if comment >= 0:  # the block starts inside a comment: it was commented out
        return [(comment, _line_end(text, line_start))]
    comments = []
    closing = ")" if text[start.end() - 1] == "(" else "}"
    depth, quoted, position = 0, False, start.end()
    while (mark := _ENTRY_MARK.search(text, position)) is not None:
        position, character = mark.end(), mark.group()
        if len(character) == 2:
            continue  # escaped
        if character == "{":
            depth += 1
        elif character == "}" and depth:
            depth -= 1
        elif depth:
            continue
        elif character == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif character == closing:
            break
        elif character == "%":
            end = _line_end(text, mark.start())
            before = text[text.rfind("\n", 0, mark.start()) + 1:mark.start()].rstrip()
            if not only_line_comments or not before or before.endswith(","):
                comments.append((mark.start(), end))
            position = end
    return comments


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end
