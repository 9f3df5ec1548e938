"""Concurrency: researchers query while a crawl writes.

A real crawl of the replica runs in its own process; meanwhile another process (``tests/helpers/search_reader.py``)
opens the archive the way ``govscraper search`` does, over and over, and searches it (exact and folded queries, with
operators), each time inside one read transaction in which it also checks every article it can see against the
replica's ground truth. SQLite's WAL mode and ``Archive.store_article`` (an article, its image and attachment rows
and its index row in one transaction) promise that the reader is never refused ("database is locked") and never
sees part of an article, nor an index row without its article.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import ROOT, registry_entry
from tests.helpers.waiting import PATIENCE

#: Slow enough that the crawl lasts several seconds on loopback, so the reader meets it at every stage.
SLOW = ("--loopback", "-s", "DOWNLOAD_DELAY=0.01", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")


@pytest.fixture(scope="module")
def site():
    return build_site(articles=240, seed=31)


def expected_rows(site) -> dict[str, dict[str, int]]:
    """Per replica article id: the image rows (photos, and the list thumbnail when it is not one of them) and
    attachment rows its complete archive entry has."""
    expected = {}
    for article in site.manifest()["articles"]:
        photos = [image["url"] for image in article["images"]]
        thumbnail = 1 if article["thumbnail"] and article["thumbnail"] not in photos else 0
        expected[str(article["id"])] = {"images": len(photos) + thumbnail, "attachments": len(article["attachments"])}
    return expected


def test_searches_during_a_crawl_are_never_locked_out_and_never_see_half_an_article(tmp_path, site):
    expected = expected_rows(site)
    expected_path = tmp_path / "expected.json"
    expected_path.write_text(json.dumps(expected), encoding="utf-8")
    db_path = tmp_path / "data" / "archive.db"
    stop_file = tmp_path / "crawl-finished"
    env = {**os.environ, "PYTHONUTF8": "1"}

    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry = tmp_path / "registry.toml"
        registry.write_text(registry_entry("qni-concurrent", server, site), encoding="utf-8")
        reader = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.search_reader", str(db_path), str(expected_path), str(stop_file)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            crawl = subprocess.run(
                [sys.executable, "-m", "govscraper", "crawl", "qni-concurrent", "--db", str(db_path), *SLOW],
                cwd=ROOT,
                env={**env, "GOVSCRAPER_REGISTRY": str(registry)},
                capture_output=True,
                text=True,
                timeout=240,  # a safety net (the reader's own, DEADLINE, is longer: it stops at the stop file)
                check=False,
            )
        finally:
            stop_file.touch()
            out, err = reader.communicate(timeout=PATIENCE)

    assert crawl.returncode == 0, crawl.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(site.articles)
    assert reader.returncode == 0, err[-3000:]
    summary = json.loads(out.strip().splitlines()[-1])

    assert summary["errors"] == []  # above all, no "database is locked"
    assert summary["partial"] == []
    assert summary["searches"] >= 20
    assert summary["counts"] == summary["searches"]
    snapshots = summary["snapshots"]
    seen = [snapshot["articles"] for snapshot in snapshots]
    assert seen == sorted(seen)  # the archive only grows, snapshot after snapshot
    during = [snapshot for snapshot in snapshots if 0 < snapshot["articles"] < len(site.articles)]
    assert len(during) >= 10, seen  # searches met the crawl half-way, many times
    assert len({snapshot["articles"] for snapshot in during}) >= 5, seen
    growing = [s["count"] for s in snapshots if s["query"] == "huyen"]  # nearly every article says "huyện"
    assert growing == sorted(growing), growing
    assert growing[0] < growing[-1], growing
    assert seen[-1] == len(site.articles)  # the last round saw the finished archive
    assert summary["articles_checked"] >= 5 * len(site.articles)
