"""Crawls of one replica into one archive, in turn, as an archivist's daily job runs them; each one recorded.

``Recrawls(server, registry, db_path, portal)`` runs ``govscraper crawl PORTAL`` in a process for each call of
:meth:`Recrawls.crawl` and keeps, under the step's name, the command's result, its ``crawl_runs`` row, and what the
replica served meanwhile (request paths and statuses, from its own counters): the two sides of the same story.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from govscraper_replica import ReplicaServer
from tests.helpers.cli import run_cli


def _grown(after: dict[Any, int], before: dict[Any, int]) -> dict[Any, int]:
    return {key: n - before.get(key, 0) for key, n in after.items() if n - before.get(key, 0)}


class Recrawls:
    def __init__(self, server: ReplicaServer, registry: Path, db_path: Path, portal: str) -> None:
        self.server, self.registry, self.db_path, self.portal = server, registry, db_path, portal
        self.steps: dict[str, dict[str, Any]] = {}

    def crawl(self, name: str, *extra: str, before: Callable[[], Any] | None = None) -> dict[str, Any]:
        """Run ``before`` (a change of the replica; what it returns is kept as ``added``), then one crawl."""
        added = before() if before else []
        served_before, statuses_before = self.server.path_counts(), self.server.status_counts()
        result = run_cli("crawl", self.portal, "--db", str(self.db_path), "--loopback", *extra, registry=self.registry)
        assert result.returncode == 0, result.stderr[-3000:]
        run = next(sqlite_utils.Database(self.db_path).query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
        self.steps[name] = {
            "result": result,
            "run": run,
            "served": _grown(self.server.path_counts(), served_before),
            "statuses": _grown(self.server.status_counts(), statuses_before),
            "added": added,
        }
        return self.steps[name]

    def paths_first_archived_by(self, run: dict[str, Any]) -> set[str]:
        rows = sqlite_utils.Database(self.db_path).query("SELECT url FROM articles WHERE first_run_id = ?", [run["id"]])
        return {path_of(row["url"]) for row in rows}

    def paths_archived_before(self, run: dict[str, Any]) -> set[str]:
        rows = sqlite_utils.Database(self.db_path).query("SELECT url FROM articles WHERE first_run_id < ?", [run["id"]])
        return {path_of(row["url"]) for row in rows}


def path_of(url: str) -> str:
    """The path (and query) of an absolute URL, as the replica counts it."""
    return "/" + url.split("/", 3)[3]
