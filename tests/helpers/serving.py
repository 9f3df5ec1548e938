"""``govscraper serve`` started as a researcher starts it, in its own process, on a port Datasette picks itself.

``--port 0`` lets Datasette bind a free port and name it; the test reads the address ``serve`` announces
("serving ... read-only at http://127.0.0.1:PORT/"). Choosing a free port in the test and passing it on would race
with every other program on the machine (a second test suite running beside this one took such ports). The
in-thread servers tests start for a crawl to fetch from (``tests/helpers/loopback.py``) bind port 0 themselves for
the same reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
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


__all__ = ["OPENER", "announced", "get", "start_serve", "stop"]
