"""Serving the latest build of evidence.db without a restart, each request from one build, whole.

`make ingest` replaces evidence.db by renaming a complete new file over it. Datasette opens a file
database by its path, lazily, one connection per SQL thread: after a rebuild, a thread that opens its
connection late gets the new build while the others keep the old, so one reader saw a claim's new text
and then the old, and one page could join rows of two builds.

Here each build is pinned: when a request finds that evidence.db is a file it has not served yet, a
hard link to that file is made beside it (`.evidence.db.serving.<pid>.<n>`), and every connection to
that build opens the link, which always names that build's bytes, whatever is renamed over
evidence.db later. Each request is answered from the build that was current when it arrived (a
context variable that Datasette's own queries, facets and counts all read), so a page never mixes
two builds, and the first request after a rebuild is answered from the new one. A build's link is
removed when a newer build is current and no request uses it; each SQL thread closes its connections
to such builds the next time it runs a query. If no link can be made (a read-only folder), the path
itself is served, as Datasette does.
"""

import asyncio
import contextlib
import contextvars
import itertools
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from datasette.database import Database

from ingest.load.atomic import process_alive

# The builds a request is answered from: {LiveDatabase: Build}, set for the request's whole life.
_PINNED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pinned_builds", default=None)
# Each SQL thread's connections: {Build: sqlite3.Connection}.
_THREAD = threading.local()
_LINK_NUMBERS = itertools.count(1)


@dataclass(eq=False)  # compared and hashed by identity: each Build is one file
class Build:
    """One build of the database: the file its connections open, and who still uses it."""

    file: Path
    identity: tuple  # (device, inode) of the build's bytes
    linked: bool  # whether `file` is a link made for serving, removed when the build is retired
    users: int = 0  # requests being answered from it
    superseded: bool = False
    retired: bool = False
    caches: dict = field(default_factory=dict)  # Datasette's per-database caches (size, table counts)


class Builds:
    """The builds of one served file: the current one, and those still answering requests."""

    def __init__(self, path: Path):
        self.path = path
        self.current: Build | None = None
        remove_abandoned_links(path)

    def refresh(self) -> Build:
        """The current build, pinning a new one if the file was replaced."""
        try:
            identity = _identity(os.stat(self.path))
        except OSError:  # gone for a moment? keep serving the build there was
            if self.current is None:
                raise
            return self.current
        if self.current is not None and identity == self.current.identity:
            return self.current
        build = self._pin()
        if self.current is not None and build.identity == self.current.identity:  # replaced and replaced back
            self._remove_link(build)
            return self.current
        previous, self.current = self.current, build
        if previous is not None:
            previous.superseded = True
            self.release(previous, used=False)
        return build

    def _pin(self) -> Build:
        """A hard link to the file as it is now, and the identity of what it links to."""
        link = self.path.with_name(f".{self.path.name}.serving.{os.getpid()}.{next(_LINK_NUMBERS)}")
        try:
            os.link(self.path, link)
        except OSError:  # a read-only folder, or a file system without hard links: serve the path
            return Build(self.path, _identity(os.stat(self.path)), linked=False)
        return Build(link, _identity(os.stat(link)), linked=True)

    def release(self, build: Build, used: bool = True) -> None:
        """A request answered from `build` is done; a superseded build no request uses is retired."""
        if used:
            build.users -= 1
        if build.superseded and build.users == 0 and not build.retired:
            build.retired = True
            self._remove_link(build)

    def retire_current(self) -> None:
        """The server is stopping: the current build's link goes too."""
        self._remove_link(self.current)

    @staticmethod
    def _remove_link(build: Build) -> None:
        if build.linked:
            with contextlib.suppress(OSError):
                build.file.unlink()


def _identity(stat: os.stat_result) -> tuple:
    return stat.st_dev, stat.st_ino


def remove_abandoned_links(path: Path) -> None:
    """Links left by servers that are gone (killed: no clean-up ran)."""
    for link in path.parent.glob(f".{path.name}.serving.*"):
        pid = link.name[len(path.name) + len(".serving.") + 1:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(OSError):
                link.unlink()


class LiveDatabase(Database):
    """An immutable file database whose every query runs on the build pinned for the request."""

    def __init__(self, ds, path: str):
        self._spare_caches: dict = {}  # Datasette's __init__ sets its caches before there is a build
        self.builds = Builds(Path(path))
        super().__init__(ds, path=path, is_mutable=False)

    def build(self) -> Build:
        """The build the current request is answered from (outside a request: the current build)."""
        pinned = _PINNED.get()
        if pinned is not None and self in pinned:
            return pinned[self]
        return self.builds.refresh()

    async def execute_fn(self, fn):
        build = self.build()
        if self.ds.executor is None:
            return fn(self._connection(build))
        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, lambda: fn(self._connection(build)))

    def _connection(self, build: Build) -> sqlite3.Connection:
        """This thread's connection to the build, opened on first use; its connections to retired builds closed."""
        connections = _THREAD.__dict__.setdefault("connections", {})
        for old in [old for old in connections if old.retired]:
            connection = connections.pop(old)
            with contextlib.suppress(ValueError):
                self._all_file_connections.remove(connection)
            connection.close()
        if build not in connections:
            connection = sqlite3.connect(f"{build.file.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False)
            self.ds._prepare_connection(connection, self.name)
            self._all_file_connections.append(connection)
            connections[build] = connection
        return connections[build]

    # Datasette caches an immutable database's size and table counts: per build here.
    def _caches(self) -> dict:
        return self.build().caches if hasattr(self, "builds") else self._spare_caches

    cached_size = property(lambda self: self._caches().get("size"),
                           lambda self, value: self._caches().__setitem__("size", value))
    _cached_table_counts = property(lambda self: self._caches().get("table_counts"),
                                    lambda self, value: self._caches().__setitem__("table_counts", value))


def serve_live(datasette) -> None:
    """Replace each immutable file database Datasette opened with a LiveDatabase of the same name."""
    for name, db in list(datasette.databases.items()):
        if not db.is_mutable and not db.is_memory and db.path and not isinstance(db, LiveDatabase):
            live = LiveDatabase(datasette, db.path)
            live.name, live.route = db.name, db.route
            datasette.databases[name] = live


def pin_builds(datasette, app):
    """ASGI middleware: each HTTP request answered from the builds current when it arrived."""

    async def app_with_pinned_builds(scope, receive, send):
        if scope["type"] == "lifespan":
            return await app(scope, _tidying_at_shutdown(datasette, receive), send)
        if scope["type"] != "http":
            return await app(scope, receive, send)
        await datasette.invoke_startup()  # (once) so that even the first request is pinned
        lives = [db for db in datasette.databases.values() if isinstance(db, LiveDatabase)]
        pinned = {}
        for db in lives:
            build = db.builds.refresh()
            build.users += 1
            pinned[db] = build
        token = _PINNED.set(pinned)
        try:
            return await app(scope, receive, send)
        finally:
            _PINNED.reset(token)
            for db, build in pinned.items():
                db.builds.release(build)

    return app_with_pinned_builds


def _tidying_at_shutdown(datasette, receive):
    """The server's `receive`, removing the current builds' links when the server shuts down (uvicorn
    ends by raising the signal it was stopped with again, so no exit handler runs)."""

    async def receive_and_tidy():
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            for db in datasette.databases.values():
                if isinstance(db, LiveDatabase) and db.builds.current is not None:
                    db.builds.retire_current()
        return message

    return receive_and_tidy
