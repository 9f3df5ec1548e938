"""How fast a crawl stops, and how fast an unreachable portal is reported: govscraper beside bare Scrapy.

    python benchmarks/stop.py [--articles 2000] [--after 15] [--stall] [--timeout 60]

Starts the replica portal (its own process, on 127.0.0.1) and runs, each in its own process:

* **Ctrl-C during a polite crawl**: ``govscraper crawl`` with govscraper's politeness for the real web (1 s delay,
  AutoThrottle, 2 requests per server; given with ``-s``, since a crawl of 127.0.0.1 is otherwise relaxed), and the
  bare Scrapy spider of ``benchmarks/bare_spider.py --polite`` (Scrapy's own Ctrl-C handling) with the same settings.
  After ``--after`` seconds each gets SIGINT; measured: seconds until the process ended, its exit status, and the
  requests the replica received after the signal (the replica's counters).
* **A request stuck on the wire** (``--stall``): the same against a server that never answers, with
  DOWNLOAD_TIMEOUT ``--timeout`` (60; Scrapy waits it out; govscraper abandons the request after
  GOVSCRAPER_STOP_GRACE, 5 s).
* **An unreachable portal**: a refused connection (a closed port on 127.0.0.1) and a host name that does not resolve
  (``portal.invalid``), with the politeness above; measured: seconds until the command ended, its exit status, the
  requests it made, and the line it printed last.

Targets: a stop within 10 s whatever the politeness, nothing new sent after the signal, exit 130; an
unreachable portal reported within seconds, as ``unreachable``.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

from processes import start_replica  # a script beside its sibling

ROOT = Path(__file__).resolve().parent.parent
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
POLITE = [
    "-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=True", "-s", "AUTOTHROTTLE_START_DELAY=2",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "CONCURRENT_REQUESTS=16", "-s", "RETRY_TIMES=3",
    "-s", "GOVSCRAPER_RETRY_BACKOFF=2", "-s", "GOVSCRAPER_RETRY_BACKOFF_MAX=60",
]  # fmt: skip


def served(replica: str) -> int:
    with OPENER.open(replica + "_replica/stats.json", timeout=30) as answer:
        return json.load(answer)["requests"]


def stop_after(command: list[str], after: float, replica: str | None) -> dict[str, object]:
    """Start ``command``, send SIGINT after ``after`` seconds, time the stop."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)  # a benchmark: the moment is a parameter, not an event
    before = served(replica) if replica else 0
    signalled = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=600)
    took = time.monotonic() - signalled
    return {
        "seconds": round(took, 1),
        "status": process.returncode,
        "sent_after": served(replica) - before if replica else None,
        "said": next((line for line in stderr.splitlines() if "stopping" in line.lower()), "")[:100],
    }


def time_command(command: list[str]) -> dict[str, object]:
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    return {"seconds": round(time.monotonic() - started, 1), "status": result.returncode, "last": lines[-1][:160]}


class _Stall(http.server.BaseHTTPRequestHandler):
    """Answers robots.txt, then never answers anything else (until the benchmark ends)."""

    release = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        self.release.wait(600)

    def log_message(self, *_: object) -> None:
        pass


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
    args = parser.parse_args()
    govscraper = [sys.executable, "-m", "govscraper", "crawl", "-s", f"DOWNLOAD_TIMEOUT={args.timeout:g}"]
    bare = ["--polite", "--timeout", f"{args.timeout:g}"]
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="govscraper-stop-") as folder:
        replica, url = start_replica(args.articles)
        try:
            db = str(Path(folder) / "polite" / "archive.db")
            results["ctrl-c, polite: govscraper"] = stop_after(
                [*govscraper, "--url", url, "--db", db, *POLITE], args.after, url
            )
            results["ctrl-c, polite: bare Scrapy"] = stop_after(
                [sys.executable, "benchmarks/bare_spider.py", url, "tin-tuc-su-kien", *bare], args.after, url
            )
        finally:
            replica.terminate()
            replica.wait()
        if args.stall:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stall)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stalled = f"http://127.0.0.1:{server.server_address[1]}/"
            try:
                db = str(Path(folder) / "stall" / "archive.db")
                results["ctrl-c, stuck request: govscraper"] = stop_after(
                    [*govscraper, "--url", stalled, "--db", db, *POLITE], 5, None
                )
                results["ctrl-c, stuck request: bare Scrapy"] = stop_after(
                    [sys.executable, "benchmarks/bare_spider.py", stalled, "x", *bare], 5, None
                )
            finally:
                _Stall.release.set()
                server.shutdown()
        for name, target in (("refused", f"http://127.0.0.1:{closed_port()}/"), ("DNS", "http://portal.invalid/")):
            db = str(Path(folder) / name / "archive.db")
            results[f"unreachable ({name}): govscraper"] = time_command(
                [*govscraper, "--url", target, "--db", db, *POLITE]
            )
            results[f"unreachable ({name}): bare Scrapy"] = time_command(
                [sys.executable, "benchmarks/bare_spider.py", target, "x", *bare]
            )
    width = max(map(len, results))
    for name, figures in results.items():
        shown = ", ".join(f"{key} {value}" for key, value in figures.items() if value not in (None, ""))
        print(f"{name:<{width}}  {shown}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    main()
