"""What the enrichment cache (data/enrichment/, written by `make enrich`) adds, and its warnings."""

from pathlib import Path

from ingest.problems import Problem
from ingest.read.bibtex import Reference


def cached_enrichment(references: list[Reference], folder: Path) -> tuple[dict, list]:
    """What the enrichment cache in folder says about each reference, and warnings about the cache."""
    if not folder.is_dir():
        return {}, []
    from ingest.enrich.resolve import from_cache  # the enrichment code is loaded only when there is a cache

    return from_cache(references, folder)


def enrichment_warnings(bib_path: Path, references: list[Reference], enrichment: dict, cache_warnings: list) -> list[Problem]:
    """Where Crossref or PubMed disagree with references.bib, and cache files that could not be used."""
    lines = {reference.key: reference.line for reference in references}
    warnings = [Problem(path, None, f"warning: {reason}") for path, reason in cache_warnings]
    for key, found in enrichment.items():
        for name, ours, theirs, source in found.conflicts:
            if theirs is None:
                detail = f"{source} ({ours}): check the DOI"
            else:
                detail = f"{name} in references.bib is {ours!r} but {source} gives {theirs!r}: check the entry"
            warnings.append(Problem(str(bib_path), lines.get(key), f"warning: entry '{key}': {detail}"))
    return warnings
