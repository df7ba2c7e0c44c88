"""The enrichment cache: one JSON file per request, so ingest can rebuild offline and reproducibly."""

import errno
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._%-]")
MAX_NAME = 120  # with a digest and .json, well under the 255 bytes a file name may have


@dataclass(frozen=True)
class Request:
    """One GET to an API: which service, which path and parameters, and where its answer is cached."""

    service: str  # "crossref" or "pubmed"
    kind: str  # which parser reads the answer: work, search, esearch, efetch
    path: str
    params: tuple = ()
    cache_name: str = ""  # "<folder>/<name>": where under the service's folder the answer is kept

    def cache_path(self, root: Path) -> Path:
        """root/service/folder/name.json, with a name no input can turn into another path: any
        character but letters, digits, '.', '_', '-' and '%' is replaced, and a name that was changed or
        is long gets a digest of the original, so two identifiers never share a file."""
        folder, _, name = self.cache_name.partition("/")
        safe = UNSAFE_IN_NAME.sub("_", name)[:MAX_NAME].lstrip(".") or "_"
        if safe != name:
            safe += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        return root / self.service / UNSAFE_IN_NAME.sub("_", folder) / f"{safe}.json"


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
    if not path.resolve().is_relative_to(root.resolve()):
        raise CacheError(path, f"leads out of {root} (a symbolic link?), so it is not read: remove it; {again}")
    if not path.is_file():
        raise CacheError(path, f"is a folder, not a cache file: delete it; {again}")
    try:
        envelope = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise CacheError(path, f"is not valid JSON ({error}); {again}") from None
    except RecursionError:
        raise CacheError(path, f"is JSON nested too deep to read, so it is not a cache file; {again}") from None
    missing = [key for key in ("status", "body") if not isinstance(envelope, dict) or key not in envelope]
    if missing or not isinstance(envelope["status"], int):
        what = f"has no {' or '.join(repr(key) for key in missing)}" if missing else "has a status that is not a number"
        raise CacheError(path, f"{what}, so it is not a cache file; {again}")
    return Answer(status=envelope["status"], body=str(envelope["body"]), url=str(envelope.get("url", "")))


def write(root: Path, request: Request, answer: Answer) -> None:
    """Write atomically: a temporary file beside the target, renamed over it when complete."""
    path = request.cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(root.resolve()):
        # a folder of the cache is a symbolic link out of it: never write through it
        raise OSError(errno.EPERM, f"{path.parent} leads out of {root} (a symbolic link?): remove it", str(path.parent))
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
