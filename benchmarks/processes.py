"""What the benchmarks share about processes: the replica portal in a process of its own, and a command run to its
end with its own peak memory.

Each benchmark measures a crawl in its own process beside a replica served by another, so that neither the server's
work nor another crawl's memory is counted. The benchmarks are scripts (``python benchmarks/crawl.py``): they
import this module as ``processes``, from the folder they are in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_replica(articles: int, *options: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m govscraper_replica`` (``articles`` articles, seed 1, any free port, then ``options``); the
    process, and the URL it serves at, as its ``READY <url>`` line says (printed once its socket listens)."""
    command = [sys.executable, "-m", "govscraper_replica", "--articles", str(articles), "--seed", "1", "--port", "0"]
    process = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    line = process.stdout.readline().strip() if process.stdout else ""
    if not line.startswith("READY "):
        process.kill()
        raise SystemExit(f"the replica did not start: {line!r}")
    return process, line.split(" ", 1)[1]


class _Popen(subprocess.Popen):
    """Popen that keeps the child's rusage (``wait4``) so each crawl's peak RSS is its own."""

    rusage = None

    def _try_wait(self, wait_flags):  # type: ignore[override]
        try:
            pid, status, self.rusage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            pid, status = self.pid, 0
        return pid, status


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float]:
    """Run a command to completion; return its stdout and the peak RSS (MB) of that process."""
    process = _Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})}
    )
    stdout, stderr = process.communicate()
    if process.returncode:
        raise SystemExit(f"{' '.join(command[:5])} failed:\n{stderr[-3000:]}")
    return stdout, process.rusage.ru_maxrss / 1024 if process.rusage else float("nan")
