"""How fast a crawl stops, and how fast an unreachable portal is reported: govscraper beside bare Scrapy.

    python benchmarks/stop.py [--articles 2000] [--after 15] [--stall] [--timeout 60] [--jobs 1]

Starts the replica portal (its own process, on 127.0.0.1) and runs, each in its own process:

* **Ctrl-C during a polite crawl**: ``govscraper crawl`` with govscraper's politeness for the real web (1 s delay,
  AutoThrottle, 2 requests per server; given with ``-s``, since a crawl of 127.0.0.1 is otherwise relaxed), and the
  bare Scrapy spider of ``benchmarks/bare_spider.py --polite`` (Scrapy's own Ctrl-C handling) with the same settings.
  ``--after`` seconds after its first request reached the replica, each gets SIGINT; measured: seconds until the
  process ended, its exit status, and the requests the replica received after the signal (the replica's counters,
  less the benchmark's own questions to them).
* **A request stuck on the wire** (``--stall``): the same against a server that never answers, with
  DOWNLOAD_TIMEOUT ``--timeout`` (60; Scrapy waits it out; govscraper abandons the request after
  GOVSCRAPER_STOP_GRACE, 5 s).
* **An unreachable portal**: a refused connection (a closed port on 127.0.0.1) and a host name that does not resolve
  (``portal.invalid``), with the politeness above; measured: seconds until the command ended, its exit status, the
  requests it made, and the line it printed last.

Targets: a stop within 10 s whatever the politeness, nothing new sent after the signal, exit 130; an
unreachable portal reported within seconds, as ``unreachable``.

The cases run one after another; ``--jobs N`` runs N side by side (each Ctrl-C case with a server of its own), which
takes about as long as the slowest case: what the test suite does to check that the benchmark runs. The figures in
the docs are of cases run in turn.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from processes import start_replica  # a script beside its sibling

ROOT = Path(__file__).resolve().parent.parent
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
POLITE = [
    "-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=True", "-s", "AUTOTHROTTLE_START_DELAY=2",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "CONCURRENT_REQUESTS=16", "-s", "RETRY_TIMES=3",
    "-s", "GOVSCRAPER_RETRY_BACKOFF=2", "-s", "GOVSCRAPER_RETRY_BACKOFF_MAX=60",
]  # fmt: skip


#: How many times :func:`served` asked each replica: the replica counts those requests too.
_ASKED: collections.Counter[str] = collections.Counter()


def served(replica: str) -> int:
    """The requests ``replica`` received from crawlers: its counter, less this benchmark's own questions to it (each
    ``GET /_replica/stats.json`` is counted as a request, this one included)."""
    with OPENER.open(replica + "_replica/stats.json", timeout=30) as answer:
        _ASKED[replica] += 1
        return json.load(answer)["requests"] - _ASKED[replica]


def stop_after(command: list[str], after: float, asked: Callable[[], int]) -> dict[str, object]:
    """Start ``command``; once its server was asked for something (``asked``: the server's request count) and
    ``after`` seconds more have passed, send SIGINT; time the stop and count what was asked after it. Waiting for a
    first request, not for a time since the start, keeps a slow start (a busy machine, several cases side by side)
    from being signalled before it crawls at all."""
    before_start = asked()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waited = time.monotonic()
    while asked() == before_start and process.poll() is None and time.monotonic() - waited < 300:
        time.sleep(0.1)
    time.sleep(after)  # a benchmark: the moment is a parameter, not an event
    before = asked()
    signalled = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=600)
    took = time.monotonic() - signalled
    return {
        "seconds": round(took, 1),
        "status": process.returncode,
        "sent_after": asked() - before,
        "said": next((line for line in stderr.splitlines() if "stopping" in line.lower()), "")[:100],
    }


def time_command(command: list[str]) -> dict[str, object]:
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    return {"seconds": round(time.monotonic() - started, 1), "status": result.returncode, "last": lines[-1][:160]}


class StallServer:
    """A server that answers robots.txt (404), then never answers anything else until :meth:`close`; it counts the
    requests it left hanging."""

    def __init__(self) -> None:
        release = self.release = threading.Event()
        self.stuck = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    self.send_response(404)
                    self.end_headers()
                    return
                owner.stuck += 1
                release.wait(600)

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()  # the stuck handlers end first, then the server
        self.server.shutdown()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--after", type=float, default=15.0, help="Seconds of crawling before the Ctrl-C.")
    parser.add_argument("--stall", action="store_true", help="Also a request stuck on the wire (about 70 s).")
    parser.add_argument("--timeout", type=float, default=60.0, help="DOWNLOAD_TIMEOUT of every crawl.")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="Cases run side by side (default 1: one after another, as the figures in the docs were taken). The "
        "cases mostly wait, so several at once take about as long as the slowest; each Ctrl-C case then has a "
        "replica of its own, so that the requests counted after its signal are its own.",
    )
    args = parser.parse_args()
    govscraper = [sys.executable, "-m", "govscraper", "crawl", "-s", f"DOWNLOAD_TIMEOUT={args.timeout:g}"]
    bare = ["--polite", "--timeout", f"{args.timeout:g}"]
    with tempfile.TemporaryDirectory(prefix="govscraper-stop-") as folder, contextlib.ExitStack() as stack:
        replicas: list[str] = []
        stalls: list[StallServer] = []

        def replica() -> str:
            """The replica of the Ctrl-C cases: one for all when they run in turn, one each side by side."""
            if not replicas or args.jobs > 1:
                process, url = start_replica(args.articles)
                stack.callback(_end, process)
                replicas.append(url)
            return replicas[-1]

        def stall() -> StallServer:
            """The server that never answers: one for both cases in turn, one each side by side."""
            if not stalls or args.jobs > 1:
                stalls.append(StallServer())
                stack.callback(stalls[-1].close)
            return stalls[-1]

        def archive(name: str) -> str:
            return str(Path(folder) / name / "archive.db")

        cases: dict[str, Callable[[], dict[str, object]]] = {}
        polite = replica()
        command = [*govscraper, "--url", polite, "--db", archive("polite"), *POLITE]
        cases["ctrl-c, polite: govscraper"] = partial(stop_after, command, args.after, partial(served, polite))
        polite = replica()
        command = [sys.executable, "benchmarks/bare_spider.py", polite, "tin-tuc-su-kien", *bare]
        cases["ctrl-c, polite: bare Scrapy"] = partial(stop_after, command, args.after, partial(served, polite))
        if args.stall:
            stalled = stall()
            command = [*govscraper, "--url", stalled.url, "--db", archive("stall"), *POLITE]
            cases["ctrl-c, stuck request: govscraper"] = partial(stop_after, command, 5, lambda s=stalled: s.stuck)
            stalled = stall()
            command = [sys.executable, "benchmarks/bare_spider.py", stalled.url, "x", *bare]
            cases["ctrl-c, stuck request: bare Scrapy"] = partial(stop_after, command, 5, lambda s=stalled: s.stuck)
        for name, target in (("refused", f"http://127.0.0.1:{closed_port()}/"), ("DNS", "http://portal.invalid/")):
            cases[f"unreachable ({name}): govscraper"] = partial(
                time_command, [*govscraper, "--url", target, "--db", archive(name), *POLITE]
            )
            cases[f"unreachable ({name}): bare Scrapy"] = partial(
                time_command, [sys.executable, "benchmarks/bare_spider.py", target, "x", *bare]
            )
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            running = {name: pool.submit(case) for name, case in cases.items()}
            results = {name: future.result() for name, future in running.items()}
    width = max(map(len, results))
    for name, figures in results.items():
        shown = ", ".join(f"{key} {value}" for key, value in figures.items() if value not in (None, ""))
        print(f"{name:<{width}}  {shown}")
    print(json.dumps(results, ensure_ascii=False))


def _end(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    main()
