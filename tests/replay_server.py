"""A real HTTP server on 127.0.0.1 that replays recorded Crossref and PubMed answers, or a fault.

Routes are keyed by what was asked: "work:<doi>", "search:<query.bibliographic>",
"esearch:<term>", "efetch:<id>". A route is a Reply, a fault name, or a list of them served in turn.
"""

import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("timeout", "reset", "drip")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


class ReplayServer:
    def __init__(self, routes: dict, slow_seconds: float = 2.0):
        self.routes = {key: list(value) if isinstance(value, list) else value for key, value in routes.items()}
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        handler = type("Handler", (_Handler,), {"replay": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer_for(self, key: str):
        route = self.routes.get(key, Reply(404, b"no such route in the replay server", "text/plain"))
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        return route


def route_key(path: str, params: dict) -> str:
    if path.startswith("/works/"):
        return "work:" + urllib.parse.unquote(path[len("/works/"):])
    if path == "/works":
        return "search:" + params.get("query.bibliographic", "")
    if path.endswith("/esearch.fcgi"):
        return "esearch:" + params.get("term", "")
    if path.endswith("/efetch.fcgi"):
        return "efetch:" + params.get("id", "")
    return "unknown:" + path


class _Handler(BaseHTTPRequestHandler):
    replay: ReplayServer

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(parsed.query))
        key = route_key(parsed.path, params)
        self.replay.requests.append({"key": key, "raw_path": parsed.path, "params": params,
                                     "user_agent": self.headers.get("User-Agent")})
        answer = self.replay.answer_for(key)
        if answer == "timeout":
            time.sleep(self.replay.slow_seconds)
            return
        if answer == "drip":  # a valid start, then a byte every so often, each within any read timeout
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(self.replay.slow_seconds / 10)
            except OSError:  # the client gave up
                pass
            return
        if answer == "reset":  # close with RST, mid-conversation
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, *args):  # keep test output quiet
        pass
