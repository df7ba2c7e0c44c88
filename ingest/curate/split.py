"""`python -m ingest split-claims`: the single data/claims.yml of earlier versions split into
data/claims/<source>.yml, one file per source article.

Each claim moves as written, with the comment lines above it (a section heading goes with the
claim it introduces), so nothing is re-worded, re-ordered within a source or lost. Nothing is
written unless every claim names a source that can be a file name and no target file exists yet;
the old file is removed only after every new file is written.
"""

from pathlib import Path

from ingest.check.inputs import CLAIMS_FOLDER, SINGLE_CLAIMS_FILE
from ingest.curate.writing import SLUG, write_atomically
from ingest.problems import InputError, Problem
from ingest.read.text import read_text
from ingest.read.yamlfile import Entry, read_yaml_list

HEADER = "# Claims made by the source '{source}' (sources.yml), each quoted verbatim, with links to the studies that bear on it.\n\n"


def split_claims(data_dir: Path) -> dict[Path, int]:
    """Move every claim of data/claims.yml to data/claims/<source>.yml; returns claims per new file."""
    single = data_dir / SINGLE_CLAIMS_FILE
    items = read_yaml_list(single)
    lines = read_text(single).splitlines(keepends=True)
    blocks = _blocks(lines, [line - 1 for line in getattr(items, "item_lines", [])])
    problems, by_source = [], {}
    for item, (start, block) in zip(items, blocks, strict=True):
        source = item.get("source") if isinstance(item, Entry) else None
        if not isinstance(source, str) or not SLUG.match(source):  # it names the file: never a path
            problems.append(Problem(str(single), start + 1, "a claim without a valid source cannot be placed: "
                                    "give it the id of its source in sources.yml, then split again"))
            continue
        by_source.setdefault(source, []).append(block)
    folder = data_dir / CLAIMS_FOLDER
    for source in by_source:
        target = folder / f"{source}.yml"
        if target.exists():
            problems.append(Problem(str(target), None, "already exists: move its claims into data/claims.yml "
                                    "(or the other way round) by hand, then split again"))
    if problems:
        raise InputError(problems)
    folder.mkdir(exist_ok=True)
    written = {}
    for source, source_blocks in by_source.items():
        written[folder / f"{source}.yml"] = len(source_blocks)
        text = HEADER.format(source=source) + "\n".join(block.strip("\n") + "\n" for block in source_blocks)
        write_atomically(folder / f"{source}.yml", text.encode("utf-8"))
    single.unlink()
    return written


def _blocks(lines: list[str], starts: list[int]) -> list[tuple[int, str]]:
    """(first line, text) of each item: from its '- ' line, with the comment lines right above it,
    to the next item's. The file's opening comment (its first paragraph) is left out: each new file
    has its own."""
    opening = next((index + 1 for index, line in enumerate(lines) if not line.strip()), 0) if lines and lines[0].startswith("#") else 0
    opening = min([opening, *starts[:1]])
    begins = []
    for start in starts:
        begin = start
        while begin > opening and (lines[begin - 1].startswith("#") or not lines[begin - 1].strip()):
            begin -= 1
        begins.append(begin)
    ends = begins[1:] + [len(lines)]
    return [(start, "".join(lines[begin:end])) for start, begin, end in zip(starts, begins, ends, strict=True)]
