"""The one small HTTP server tests start in a thread for a crawl (or the probe) to fetch from.

A test gives :class:`LoopbackServer` a route, a function from the :class:`Request` received to the :class:`Answer`
to send, in the spirit of Scrapy's ``tests/mockserver.py`` and pytest-httpserver. The server binds port 0 itself
(choosing a free port in the test and passing it on would race with every other program on the machine: a second
test suite running beside this one took such ports), serves in a daemon thread with a daemon thread per connection,
logs nothing to stderr (a crawl's hundreds of requests would bury what a failing test prints), keeps every request
it received, in order (:attr:`LoopbackServer.requests`), and shuts down when its ``with`` block ends, however it ends,
so that a failing test leaves no server behind.

An answer is sent whole, with a Content-Length that is its body's, unless it has a ``stream``: a function that writes
the body itself on the connection, for what a test about framing needs (a body that never ends, one that trickles,
a Content-Length that lies, chunks written by hand). The connection is closed after a streamed answer, and a client
that hangs up in the middle is not an error. That is the only way to raw bytes: no route receives the handler.
"""

from __future__ import annotations

import contextlib
import socketserver
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from typing import Literal


@dataclass(frozen=True)
class Request:
    """A request as the server received it."""

    method: str
    #: The request target as sent: the path and its query (``/tin-tuc/?page=2``).
    path: str
    #: The Host header ("" without one): the name a client asked under.
    host: str
    #: Every header, read case-insensitively (``headers.get("User-Agent", "")``).
    headers: Message


@dataclass(frozen=True)
class Answer:
    """What a route answers: ``status``, a Content-Type (none if ``None``), ``headers`` in order, ``body``."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    #: Further headers, in order: a dict, or (name, value) pairs where a name repeats.
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = field(default_factory=dict)
    #: Writes the body itself, without a Content-Length (unless ``headers`` gives one), until it returns or the
    #: client hangs up: endless or slow bodies, lying lengths, chunked framing. ``body`` is then ignored and the
    #: connection closed after it.
    stream: Callable[[BufferedIOBase], None] | None = None


#: The usual answer to a path a route does not know.
NOT_FOUND = Answer(404, b"<html><body>Not found</body></html>")

Route = Callable[[Request], Answer]


class _Handler(BaseHTTPRequestHandler):
    """Logs each GET, asks the route, sends its answer (other methods get the standard library's 501)."""

    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        request = Request(self.command, self.path, self.headers.get("Host", ""), self.headers)
        owner._record(request)
        self._send(owner.route(request))

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        if answer.content_type:
            self.send_header("Content-Type", answer.content_type)
        headers = answer.headers.items() if isinstance(answer.headers, Mapping) else answer.headers
        for name, value in headers:
            self.send_header(name, value)
        with contextlib.suppress(ConnectionError):  # the client hung up: its business, not the test's
            if answer.stream is None:
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                return
            self.send_header("Connection", "close")
            self.end_headers()
            answer.stream(self.wfile)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: LoopbackServer, host: str, handler: type[_Handler]):
        self.owner = owner
        super().__init__((host, 0), handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks the resolver for the host's full name (socket.getfqdn), which nothing here
        # reads and which can take seconds where reverse lookups time out.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up before or between requests is not worth a traceback; anything else is.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """``route`` answering on a free port of ``host`` (127.0.0.1, or 127.0.0.2 for a second address), from a thread,
    until :meth:`close` or the end of its ``with`` block. ``protocol`` "HTTP/1.1" keeps connections open between
    answers with a Content-Length, as most servers do; "HTTP/1.0" (the default) closes each after one answer.

    ``url`` is ``http://HOST:PORT``, without a final slash; ``requests`` every request received, in order (logged
    before the route runs, so a route that fails is still logged)."""

    def __init__(self, route: Route, host: str = "127.0.0.1", protocol: Literal["HTTP/1.0", "HTTP/1.1"] = "HTTP/1.0"):
        self.route = route
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        handler = type("Handler", (_Handler,), {"protocol_version": protocol})
        self._server = _Server(self, host, handler)
        self.host = host
        self.port: int = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=f"loopback {self.url}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # serve_forever looks for close()'s shutdown between waits for a connection: every 0.1 s rather than its
        # default 0.5 s, which a module of many servers would wait for again and again.
        self._server.serve_forever(poll_interval=0.1)

    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order (a copy: it does not grow while the test reads it)."""
        with self._lock:
            return list(self._requests)

    def paths(self) -> list[str]:
        """The path (with its query) of every request received so far, in order."""
        return [request.path for request in self.requests]

    @property
    def log(self) -> list[tuple[str, str]]:
        """``(Host header, path)`` of every request received so far, in order: what was asked, and under which name
        (whether anything off-site was asked at all, robots.txt included)."""
        return [(request.host, request.path) for request in self.requests]

    def clear(self) -> None:
        """Forget the requests received so far (between crawls of one server)."""
        with self._lock:
            self._requests.clear()

    def close(self) -> None:
        """Stop answering and free the port; requests being answered finish in their own (daemon) threads. Closing
        twice is closing once."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["NOT_FOUND", "Answer", "LoopbackServer", "Request", "Route"]
