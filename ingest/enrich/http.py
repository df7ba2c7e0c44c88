"""A polite HTTP client for Crossref and NCBI E-utilities, built on requests and urllib3's Retry."""

import socket
import threading
import time
from dataclasses import dataclass, field

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ingest import __version__
from ingest.enrich import DEFAULT_BASE_URLS
from ingest.enrich.cache import Answer, Request

# Crossref asks for at most 10 requests a second in its polite pool (5 without a contact address);
# NCBI allows 3 a second, or 10 with an API key.
MIN_INTERVAL = {"crossref": 0.1, "pubmed": 0.34}
MIN_INTERVAL_WITH_NCBI_KEY = 0.1
MAX_BODY_BYTES = 10 * 1024 * 1024


class FetchError(Exception):
    """A request that failed after its retries: the message says what happened."""


class CappedRetry(Retry):
    """Honour Retry-After, but never wait longer than max_wait seconds for one retry."""

    max_wait = 60

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_wait)


def retry_policy(total: int = 4, backoff: float = 1.0) -> Retry:
    return CappedRetry(
        total=total, connect=total, read=total, status=total, backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET",),
        respect_retry_after_header=True, raise_on_status=False,
    )


@dataclass
class Client:
    """GETs to the two APIs, and nowhere else, with rate limits per service."""

    contact: str
    ncbi_api_key: str | None = None
    base_urls: dict = field(default_factory=lambda: dict(DEFAULT_BASE_URLS))
    timeout: tuple = (5, 30)  # seconds to connect, seconds to read
    deadline: float = 120  # seconds for a whole answer, however slowly it trickles in
    retry: Retry = field(default_factory=retry_policy)
    min_interval: dict = field(default_factory=lambda: dict(MIN_INTERVAL))

    def __post_init__(self):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = (
            f"runners-knee-evidence/{__version__} (evidence knowledge base; mailto:{self.contact})"
        )
        adapter = HTTPAdapter(max_retries=self.retry)
        for base in self.base_urls.values():
            self.session.mount(base, adapter)
        if self.ncbi_api_key:
            self.min_interval["pubmed"] = min(self.min_interval["pubmed"], MIN_INTERVAL_WITH_NCBI_KEY)
        self._last_request: dict[str, float] = {}

    def get(self, request: Request) -> Answer:
        """Fetch one request; 200 and 404 are answers, anything else raises FetchError."""
        url = self.base_urls[request.service] + request.path
        params = list(request.params)
        if request.service == "crossref":
            params.append(("mailto", self.contact))
        if request.service == "pubmed":
            params += [("tool", "runners-knee-evidence"), ("email", self.contact)]
            if self.ncbi_api_key:
                params.append(("api_key", self.ncbi_api_key))
        self._wait_turn(request.service)
        response, body = self._fetch_by_deadline(url, params)
        shown_url = response.url.replace(self.ncbi_api_key, "***") if self.ncbi_api_key else response.url
        if response.status_code in (200, 404):
            return Answer(status=response.status_code, body=body, url=_without_contact(shown_url, self.contact))
        raise FetchError(f"HTTP {response.status_code} {response.reason or ''}".strip())

    def _fetch_by_deadline(self, url: str, params: list) -> tuple[requests.Response, str]:
        """The response and its body, or FetchError. The read timeout is per read, so a server that
        sends a byte every few seconds would hold enrich for ever: the fetch runs in a thread of
        its own, given up (and its connection shut) when the deadline passes."""
        outcome: dict = {}

        def fetch():
            try:
                outcome["response"] = self.session.get(url, params=params, timeout=self.timeout, stream=True,
                                                       allow_redirects=False)
                outcome["body"] = _read_bounded(outcome["response"])
            except (requests.exceptions.RequestException, FetchError) as error:
                outcome["error"] = error

        worker = threading.Thread(target=fetch, daemon=True)
        worker.start()
        worker.join(self.deadline)
        if worker.is_alive():
            _shut(outcome.get("response"))
            raise FetchError(f"gave up: no complete answer within {self.deadline:g} s")
        if isinstance(outcome.get("error"), FetchError):
            raise outcome["error"]
        if "error" in outcome:
            raise FetchError(self._describe(outcome["error"]))
        return outcome["response"], outcome["body"]

    def _describe(self, error: Exception) -> str:
        """What went wrong, in words a curator can act on (urllib3 wraps the cause several deep)."""
        causes = _causes(error)
        if any(isinstance(cause, (TimeoutError, urllib3.exceptions.TimeoutError)) for cause in causes):
            return f"timed out (no answer within {self.timeout[1]} s)"
        if any(isinstance(cause, (ConnectionResetError, ConnectionAbortedError)) for cause in causes):
            return "could not connect (connection reset by the server)"
        if any(isinstance(cause, urllib3.exceptions.NewConnectionError) for cause in causes):
            return "could not connect (refused, or no network)"
        return f"the request failed ({type(causes[-1]).__name__})"

    def _wait_turn(self, service: str) -> None:
        wait = self._last_request.get(service, 0) + self.min_interval.get(service, 0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request[service] = time.monotonic()


def _shut(response: requests.Response | None) -> None:
    """Shut the socket of a response another thread is still reading, so that its read ends.
    (Closing the response instead would wait for that thread's lock.)"""
    sock = getattr(getattr(getattr(response, "raw", None), "connection", None), "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _read_bounded(response: requests.Response) -> str:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            response.close()
            raise FetchError(f"response larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: refused")
        chunks.append(chunk)
    response.encoding = response.encoding or "utf-8"
    return b"".join(chunks).decode(response.encoding, errors="replace")


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: urllib3's `reason`, exception arguments, __cause__/__context__."""
    seen, todo = [], [error]
    while todo and len(seen) < 20:
        cause = todo.pop(0)
        if not isinstance(cause, BaseException) or cause in seen:
            continue
        seen.append(cause)
        todo += [getattr(cause, "reason", None), cause.__cause__, cause.__context__, *cause.args]
    return seen


def _without_contact(url: str, contact: str) -> str:
    """The cached URL says what was asked, without the curator's address."""
    return url.replace(requests.utils.quote(contact, safe=""), "CONTACT").replace(contact, "CONTACT")
