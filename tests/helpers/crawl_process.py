"""A govscraper command running in its own process, watched through what it writes: its archive and its stderr.

Tests that interrupt, kill or race a crawl act on events (the run row exists, N articles are archived, a line was
printed), read here without disturbing the crawl: the archive through short read-only connections, stderr through
a thread that collects its lines.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.helpers.cli import ROOT
from tests.helpers.waiting import wait_for


class CliProcess:
    """``python -m govscraper ARGS`` in the background (or ``argv``, a whole command line, in ``cwd`` with exactly
    ``environment``), its output lines collected as they come."""

    def __init__(
        self,
        *args: str,
        registry: Path | None = None,
        env: dict[str, str] | None = None,
        argv: list[str] | None = None,
        cwd: Path | None = None,
        environment: dict[str, str] | None = None,
    ):
        if environment is None:
            environment = {**os.environ, "PYTHONUTF8": "1", **(env or {})}
        if registry is not None:
            environment["GOVSCRAPER_REGISTRY"] = str(registry)
        self.process = subprocess.Popen(
            argv or [sys.executable, "-m", "govscraper", *args],
            cwd=cwd or ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr_lines: list[str] = []
        self.stdout_lines: list[str] = []
        self._readers = [
            threading.Thread(target=self._collect, args=(self.process.stderr, self.stderr_lines), daemon=True),
            threading.Thread(target=self._collect, args=(self.process.stdout, self.stdout_lines), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    @property
    def stdout(self) -> str:
        return "".join(self.stdout_lines)

    def wait_for_line(self, text: str) -> str:
        """Wait until stderr has a line containing ``text``; returns it."""
        return wait_for(
            lambda: next((line for line in self.stderr_lines if text in line), None),
            f"a line with {text!r} on stderr",
            alive=lambda: self.alive,
            details=lambda: self.stderr[-3000:],
        )

    def signal(self, signum: int = signal.SIGINT) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 300) -> int:
        """Wait for the process to end (a safety timeout, not a measurement); returns its exit status."""
        status = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=60)
        return status

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        self.finish()


def read(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """One query through a short read-only connection ([] while the archive or its tables do not exist yet)."""
    if not db_path.exists():
        return []
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=60)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # the archive is being created: no table yet
        return []
    finally:
        conn.close()


def articles_archived(db_path: Path) -> int:
    rows = read(db_path, "SELECT count(*) FROM articles")
    return rows[0][0] if rows else 0


def run_status(db_path: Path, run_id: int = 1) -> str | None:
    rows = read(db_path, "SELECT status FROM crawl_runs WHERE id = ?", (run_id,))
    return rows[0][0] if rows else None


def wait_for_articles(crawl: CliProcess, db_path: Path, at_least: int) -> int:
    """Wait until the crawl has archived at least ``at_least`` articles; returns how many it has."""
    return wait_for(
        lambda: (n := articles_archived(db_path)) >= at_least and n,
        f"{at_least} articles archived",
        alive=lambda: crawl.alive,
        details=lambda: crawl.stderr[-3000:],
    )


__all__ = ["CliProcess", "articles_archived", "read", "run_status", "wait_for_articles"]
