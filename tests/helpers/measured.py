"""Run a command and learn what it cost: its peak memory (the kernel's count for that process) and its time.

Hostile-input tests assert on memory, which does not depend on how busy the machine is: a gzip bomb must not make
an import grow past a bound whatever the load. Time is reported (for the docs' table of hostile cases), never
asserted: on a busy machine it says nothing about the code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.cli import ROOT


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    #: Peak resident memory of the govscraper process, in MB: its own high-water mark (VmHWM), which it writes as
    #: it exits. ``ru_maxrss`` from ``wait4`` (below) cannot serve: on Linux a child keeps the high-water mark of the
    #: memory it was forked with, so a ``python -c pass`` started from a 400 MB test process reports 439 MB.
    peak_mb: float
    seconds: float
    #: ``ru_maxrss`` of the process (and its children), an upper bound; MB.
    max_rss_mb: float = float("nan")


#: ``python -m govscraper`` that writes its own peak memory (VmHWM) to stderr as it exits.
LAUNCHER = """
import atexit, runpy, sys

def peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write(f"peak-rss-kb: {line.split()[1]}\\n")

atexit.register(peak)
sys.argv[0] = "govscraper"
runpy.run_module("govscraper", run_name="__main__", alter_sys=True)
"""
_PEAK = "peak-rss-kb: "
GOVSCRAPER = (sys.executable, "-c", LAUNCHER)


class _Popen(subprocess.Popen):
    """Popen that keeps the child's rusage (``wait4``), so the peak memory is that process's own."""

    rusage = None

    def _try_wait(self, wait_flags):  # type: ignore[override]
        try:
            pid, status, self.rusage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            pid, status = self.pid, 0
        return pid, status


def run_measured(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 1800,
    command: tuple[str, ...] = GOVSCRAPER,
) -> Measured:
    """Run ``govscraper ARGS`` (or ``command``) to its end; returns its output, status, peak memory and time.

    The peak is the process's own VmHWM when it reports it (the default command does), else ``ru_maxrss``.
    """
    started = time.monotonic()
    process = _Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        stderr += f"\n(killed after the {timeout:.0f} s safety timeout)"
    rusage = process.rusage
    max_rss = rusage.ru_maxrss / 1024 if rusage else float("nan")
    reported = [line for line in stderr.splitlines() if line.startswith(_PEAK)]
    stderr = "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith(_PEAK))
    return Measured(
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        peak_mb=int(reported[-1][len(_PEAK) :]) / 1024 if reported else max_rss,
        seconds=time.monotonic() - started,
        max_rss_mb=max_rss,
    )


__all__ = ["Measured", "run_measured"]
