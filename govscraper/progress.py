"""A progress display for long commands: one live line on a terminal, plain log lines everywhere else.

Crawls (the ``Progress`` extension), ``verify`` and ``export`` report through it, so an archivist watching a
terminal sees one line move, and a log file (cron, systemd, Scrapyd) gets a line every few seconds instead of a
flood of carriage returns.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

logger = logging.getLogger("govscraper.progress")


class ProgressLine:
    """Shows ``render()`` output at most every ``interval`` seconds (0.25 s live, 10 s in logs)."""

    def __init__(self, label: str, stream: TextIO | None = None, interval: float | None = None):
        self.label = label
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (0.25 if self.live else 10.0)
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-6)

    def show(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if self.live:
            self.stream.write(f"\r\x1b[K{self.label}: {text}")
            self.stream.flush()
            self._shown = True
        else:
            logger.info("%s: %s", self.label, text)

    def done(self, text: str) -> None:
        """The final figures, always shown; ends the live line."""
        self.show(text, force=True)
        if self.live and self._shown:
            self.stream.write("\n")
            self.stream.flush()
