"""The enrichment cache: one JSON file per request, so ingest can rebuild offline and reproducibly."""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Request:
    """One GET to an API: which service, which path and parameters, and where its answer is cached."""

    service: str  # "crossref" or "pubmed"
    kind: str  # which parser reads the answer: work, search, esearch, efetch
    path: str
    params: tuple = ()
    cache_name: str = ""  # relative path under the cache folder, without suffix

    def cache_path(self, root: Path) -> Path:
        return root / self.service / f"{self.cache_name}.json"


@dataclass(frozen=True)
class Answer:
    """A cached response: the status and the body as text (404 answers are cached too)."""

    status: int
    body: str
    url: str = ""


class CacheError(Exception):
    """A cache file that cannot be read: reported, ignored by ingest, refetched by enrich."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def read(root: Path, request: Request) -> Answer | None:
    path = request.cache_path(root)
    if not path.exists():
        return None
    again = "`make enrich` will fetch it again"
    if not path.is_file():
        raise CacheError(path, f"is a folder, not a cache file: delete it; {again}")
    try:
        envelope = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise CacheError(path, f"is not valid JSON ({error}); {again}") from None
    missing = [key for key in ("status", "body") if not isinstance(envelope, dict) or key not in envelope]
    if missing or not isinstance(envelope["status"], int):
        what = f"has no {' or '.join(repr(key) for key in missing)}" if missing else "has a status that is not a number"
        raise CacheError(path, f"{what}, so it is not a cache file; {again}")
    return Answer(status=envelope["status"], body=str(envelope["body"]), url=str(envelope.get("url", "")))


def write(root: Path, request: Request, answer: Answer) -> None:
    """Write atomically: a temporary file beside the target, renamed over it when complete."""
    path = request.cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    envelope = {
        "url": answer.url, "status": answer.status,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"), "body": answer.body,
    }
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(envelope, file, ensure_ascii=False, indent=1)
            file.write("\n")
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
