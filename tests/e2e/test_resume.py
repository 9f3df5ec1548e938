"""Interrupted crawls: SIGKILL at random points of a crawl, SIGTERM, one crawl per portal at a time, then --resume.

A real crawl process is killed while it archives the replica, when it has archived a chosen number of articles
(an event, never a guessed moment); ``govscraper crawl ID --resume`` continues the same run. At the end every
article is archived exactly once, no blob is stored twice, SQLite's integrity check passes, and ``verify`` reads
back every WARC record the archive points to (the cut WARC files were recovered).
"""

from __future__ import annotations

import random
import signal

import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli
from tests.helpers.crawl_process import CliProcess, run_status, wait_for_articles
from tests.helpers.waiting import wait_for

#: Slow enough that a kill lands mid-crawl: a few seconds for a few hundred articles on loopback.
SLOW = ("--loopback", "-s", "DOWNLOAD_DELAY=0.01", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")


@pytest.fixture(scope="module")
def site():
    return build_site(articles=240, seed=5)


@pytest.fixture(scope="module")
def replica(site, tmp_path_factory):
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry = tmp_path_factory.mktemp("resume") / "registry.toml"
        registry.write_text(registry_entry("qni-resume", server, site), encoding="utf-8")
        yield server, registry


def start_crawl(db_path, registry, *extra: str) -> CliProcess:
    return CliProcess("crawl", "qni-resume", "--db", str(db_path), *SLOW, *extra, registry=registry)


def test_sigkill_at_random_moments_then_resume_loses_and_duplicates_nothing(tmp_path, replica, site):
    """Each kill lands when the crawl has archived a chosen number of articles (drawn at random, fixed seed): an
    event, not a moment, so that a slow machine kills at the same points of the crawl as a fast one."""
    _, registry = replica
    db_path = tmp_path / "data" / "archive.db"
    goals = sorted(random.Random(2025).sample(range(5, len(site.articles) - 40), 3))
    killed_at = []
    for attempt, goal in enumerate(goals):
        crawl = start_crawl(db_path, registry, *(["--resume"] if attempt else []))
        try:
            killed_at.append(wait_for_articles(crawl, db_path, goal))
        finally:
            crawl.process.send_signal(signal.SIGKILL)
            crawl.finish()
    assert killed_at[-1] < len(site.articles), "the crawl finished before the last kill"
    assert run_status(db_path) == "running"  # a killed process cannot close its run
    # A killed crawl never brought the ranking index up to date: search ranks with FTS5 and says so.
    searched = run_cli("search", "huyện", "--db", str(db_path), "--limit", "1")
    assert searched.returncode == 0, searched.stderr
    assert "ranked over every match by SQLite FTS5" in " ".join(searched.stdout.split())

    result = run_cli("crawl", "qni-resume", "--db", str(db_path), *SLOW, "--resume", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run 1 (full, resumed) finished" in result.stdout

    db = sqlite_utils.Database(db_path)
    run = db["crawl_runs"].get(1)
    assert run["status"] == "finished"
    # Each resume that got as far as opening the run counts (a kill during start-up may come before that).
    assert 1 <= run["resumes"] <= len(killed_at)
    assert db["crawl_runs"].count == 1  # one run, continued; no second run
    # Every article exactly once, with its photos; no blob twice.
    assert db["articles"].count == len(site.articles)
    assert db.execute("SELECT COUNT(DISTINCT source_id) FROM articles").fetchone()[0] == len(site.articles)
    assert db.execute("SELECT COUNT(*) FROM article_images WHERE image_sha256 IS NULL").fetchone()[0] == 0
    duplicates = db.execute(
        "SELECT COUNT(*) FROM (SELECT article_id, position FROM article_images GROUP BY 1, 2 HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.conn.close()
    verify = run_cli("verify", "--db", str(db_path))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "ranking index: in step" in verify.stdout  # the resumed crawl's close caught up with every kill
    found = run_cli("search", "huyện", "--db", str(db_path), "--format", "json", "--limit", "1000")
    assert "ranked over every match: exact matches first" in found.stderr
    fts5 = (
        sqlite_utils.Database(db_path)
        .execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'huyện'")
        .fetchone()[0]
    )
    assert len(found.stdout.splitlines()) == fts5 > 0
    # The WARC files cut by the kills were recovered: each has its index.
    warc_dir = db_path.parent / "warc"
    for path in warc_dir.glob("*.warc.gz"):
        assert path.with_name(path.name + ".cdxj").exists(), path.name
    # Nothing left to resume.
    again = run_cli("crawl", "qni-resume", "--db", str(db_path), "--resume", registry=registry)
    assert again.returncode == 1
    assert "nothing to resume for qni-resume" in again.stderr


def test_sigterm_stops_gracefully_and_marks_the_run_interrupted(tmp_path, replica, site):
    _, registry = replica
    db_path = tmp_path / "data" / "archive.db"
    crawl = start_crawl(db_path, registry)
    wait_for_articles(crawl, db_path, 5)
    crawl.signal(signal.SIGTERM)
    assert crawl.finish() == 143  # as a shell reports a process ended by SIGTERM
    db = sqlite_utils.Database(db_path)
    run = db["crawl_runs"].get(1)
    assert (run["status"], run["finish_reason"]) == ("interrupted", "shutdown"), crawl.stderr[-2000:]
    assert "Traceback" not in crawl.stderr
    assert "SIGTERM: stopping the crawl" in crawl.stderr
    assert "run 1 (full) interrupted" in crawl.stdout
    assert f"continue this run with: govscraper crawl qni-resume --resume --db {db_path}" in crawl.stderr
    partial = db["articles"].count
    assert 0 < partial < len(site.articles)
    assert run["articles_new"] == partial  # the counts are recorded with the run
    db.conn.close()
    result = run_cli("crawl", "qni-resume", "--db", str(db_path), *SLOW, "--resume", registry=registry)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sqlite_utils.Database(db_path)["articles"].count == len(site.articles)


def test_a_second_crawl_of_the_same_portal_is_refused(tmp_path, replica):
    _, registry = replica
    db_path = tmp_path / "data" / "archive.db"
    first = start_crawl(db_path, registry)
    try:
        wait_for(lambda: run_status(db_path) == "running", "the first crawl's run", alive=lambda: first.alive)
        second = run_cli("crawl", "qni-resume", "--db", str(db_path), "--loopback", registry=registry)
        assert second.returncode == 1
        assert "a crawl of qni-resume is already running" in second.stderr
    finally:
        first.signal(signal.SIGTERM)
        first.finish()


def test_a_plain_crawl_after_a_kill_marks_the_dead_run_and_walks_everything(tmp_path, replica, site):
    """Without --resume, the killed run is closed as interrupted, and (no crawl of the portal having finished yet)
    the new run walks every list page, so the articles the killed run never reached are archived too."""
    _, registry = replica
    db_path = tmp_path / "data" / "archive.db"
    crawl = start_crawl(db_path, registry)
    try:
        wait_for_articles(crawl, db_path, 3)
    finally:
        crawl.process.send_signal(signal.SIGKILL)
        crawl.finish()
    result = run_cli("crawl", "qni-resume", "--db", str(db_path), *SLOW, registry=registry)
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    assert db["crawl_runs"].get(1)["status"] == "interrupted"
    assert db["crawl_runs"].get(2)["mode"] == "full"
    assert db["articles"].count == len(site.articles)
