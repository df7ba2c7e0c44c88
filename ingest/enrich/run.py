"""The `enrich` command: resolve every reference against the network, keeping each answer in the cache."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.enrich import cache
from ingest.enrich.cache import Answer, Request
from ingest.enrich.http import Client, FetchError
from ingest.enrich.resolve import MALFORMED, is_valid, resolve
from ingest.read.bibtex import Reference


@dataclass
class EnrichReport:
    fetched: int = 0  # answers fetched from the network and cached
    from_cache: int = 0  # answers already cached
    failures: list = field(default_factory=list)  # (citekey, what was asked, what went wrong)


class CacheThenNetwork:
    """Answers from the cache, else fetched, checked and cached; failures are recorded, not raised."""

    def __init__(self, root: Path, client: Client, refresh: bool, report: EnrichReport):
        self.root, self.client, self.refresh, self.report = root, client, refresh, report
        self.current_key = ""

    def __call__(self, request: Request) -> Answer | None:
        if not self.refresh:
            try:
                answer = cache.read(self.root, request)
            except cache.CacheError:
                answer = None  # unreadable: fetch it again
            if answer and is_valid(request, answer):
                self.report.from_cache += 1
                return answer
        try:
            answer = self.client.get(request)
        except FetchError as error:
            return self._failed(request, str(error))
        if not is_valid(request, answer):
            return self._failed(request, "the answer was malformed (not valid JSON or XML, or not the expected record); nothing was cached")
        try:
            cache.write(self.root, request, answer)
        except OSError as error:
            return self._failed(request, f"fetched, but the cache file could not be written ({error.strerror}): check {request.cache_path(self.root)}")
        self.report.fetched += 1
        return answer

    def _failed(self, request: Request, message: str) -> None:
        self.report.failures.append((self.current_key, f"{request.service} {request.kind}", message))
        return None


def enrich(references: Iterable[Reference], root: Path, client: Client, refresh: bool = False) -> EnrichReport:
    report = EnrichReport()
    get = CacheThenNetwork(root, client, refresh, report)
    for reference in references:
        get.current_key = reference.key
        try:
            resolve(reference, get)
        except MALFORMED as error:  # a valid but unexpected answer: report it and go on
            report.failures.append((reference.key, "parsing", f"unexpected answer ({error})"))
    return report
