"""``govscraper serve`` started as a researcher starts it, in its own process, on a port Datasette picks itself;
and the small HTTP servers tests start in a thread for a crawl to fetch from.

``--port 0`` lets Datasette bind a free port and name it; the test reads the address ``serve`` announces
("serving ... read-only at http://127.0.0.1:PORT/"). Choosing a free port in the test and passing it on would race
with every other program on the machine (a second test suite running beside this one took such ports). The
in-thread servers (:func:`http_server`) bind port 0 themselves for the same reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.helpers.cli import ROOT
from tests.helpers.waiting import NeverHappened, wait_for

#: No proxy, whatever the environment says: everything here is on 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_ANNOUNCED = re.compile(r"read-only at (http://\S+?)/[;( ]")


def get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def announced(log: str) -> str | None:
    """The address ``serve`` announced, without its final slash."""
    found = _ANNOUNCED.search(log)
    return found.group(1) if found else None


def start_serve(
    archive: Path,
    log_path: Path,
    *,
    command: Sequence[str] = (sys.executable, "-m", "govscraper"),
    **popen,
) -> tuple[subprocess.Popen, str]:
    """Start ``serve --db ARCHIVE --port 0`` (its output in ``log_path``); return the process and its base URL once
    Datasette answers there."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "serve", "--db", str(archive), "--port", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=popen.pop("cwd", ROOT),
            env=popen.pop("env", {**os.environ, "PYTHONUTF8": "1"}),
            **popen,
        )
    read = lambda: log_path.read_text(errors="replace")  # noqa: E731
    alive = lambda: process.poll() is None  # noqa: E731
    try:
        base = wait_for(lambda: announced(read()), "serve announcing its address", alive=alive, details=read)
        wait_for(lambda: get(base + "/-/versions.json")[0] == 200, "Datasette answering", alive=alive, details=read)
    except NeverHappened:
        stop(process)
        raise
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log each request to stderr: a crawl's hundreds of requests would bury what
    the test prints when it fails."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def send(handler: BaseHTTPRequestHandler, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
    """Answer ``handler``'s request whole: ``status``, ``headers``, a Content-Length that is the body's, the body. How
    the test servers answer when the framing is not what the test is about (it is where a body is chunked or its
    length lies: those write their own)."""
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` serving on a free port of 127.0.0.1, in a thread, while the block runs; its base URL, without a
    final slash. Shut down when the block ends, however it ends, so that a failing test leaves no server behind."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


__all__ = ["OPENER", "QuietHandler", "announced", "get", "http_server", "send", "start_serve", "stop"]
