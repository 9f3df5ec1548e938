"""Interrupts a person understands, and portals that cannot be reached.

Ctrl-C (SIGINT) during a polite crawl: the crawl says at once that it is stopping, sends nothing new (requests
waiting for their politeness delay are dropped, not sent), finishes or abandons what is on the wire, records the run
as ``interrupted`` with its counts, prints the summary and the ``--resume`` command, and exits 130; a second Ctrl-C
aborts at once and says so truthfully. Nothing archived is lost and nothing is archived half: ``--resume`` then
completes the run and ``verify`` passes.

A portal (or a Wayback Machine) that cannot be reached is reported in one line after a few quick attempts,
recorded as the run's outcome ``unreachable``, never as ``layout-changed?``.

Every test acts on events (N articles archived, a request received by the server, a line printed), never after a
guessed delay, and measures nothing by the clock: how long a stop takes is measured in ``benchmarks/stop.py``.
"""

from __future__ import annotations

import signal
import socket

import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli
from tests.helpers.crawl_process import CliProcess, read, run_status, wait_for_articles
from tests.helpers.waiting import wait_for

#: The politeness of a real crawl (the replica on 127.0.0.1 is otherwise crawled at full speed): one request at a
#: time or two, a delay between them, AutoThrottle.
POLITE = (
    "-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=True", "-s", "AUTOTHROTTLE_START_DELAY=1",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "CONCURRENT_REQUESTS=16",
)  # fmt: skip
FAST = ("--loopback",)


@pytest.fixture(scope="module")
def site():
    return build_site(articles=60, seed=11)


@pytest.fixture(scope="module")
def replica(site, tmp_path_factory):
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry = tmp_path_factory.mktemp("interrupt") / "registry.toml"
        registry.write_text(registry_entry("qni-stop", server, site), encoding="utf-8")
        yield server, registry


@pytest.fixture(scope="module")
def stalling():
    """A replica whose "timeout" article stalls for ten minutes: a request that stays on the wire."""
    site = build_site(articles=30, seed=12, faults="timeout")
    with ReplicaServer(site, host="127.0.0.1", port=0, timeout_delay=600) as server:
        yield site, server


def stalled_path(site) -> str:
    return next(article["url"] for article in site.manifest()["articles"] if article["fault"] == "timeout")


def assert_nothing_archived_half(db_path) -> None:
    """Every archived article has every photo it links (a stop never leaves an article without its files)."""
    missing = read(db_path, "SELECT count(*) FROM article_images WHERE image_sha256 IS NULL")[0][0]
    assert missing == 0


def test_ctrl_c_stops_a_polite_crawl_at_once_and_resume_completes_it(tmp_path, replica, site):
    server, registry = replica
    db_path = tmp_path / "archive.db"
    crawl = CliProcess("crawl", "qni-stop", "--db", str(db_path), *POLITE, registry=registry)
    wait_for_articles(crawl, db_path, 1)
    sent_before = server.request_count
    crawl.signal(signal.SIGINT)
    status = crawl.finish()

    assert status == 130, crawl.stderr[-3000:]  # as a shell reports a process ended by Ctrl-C
    assert "Ctrl-C: stopping the crawl: nothing new is fetched" in crawl.stderr
    assert "Press Ctrl-C again to abort at once" in crawl.stderr
    # Nothing new went out: at most the requests already on the wire (2 per server) and one racing the signal.
    assert server.request_count - sent_before <= 3, server.request_count - sent_before
    assert "run 1 (full) interrupted" in crawl.stdout
    assert f"continue this run with: govscraper crawl qni-stop --resume --db {db_path}" in crawl.stderr
    assert "could not reach" not in crawl.stderr
    assert "Traceback" not in crawl.stderr
    run = sqlite_utils.Database(db_path)["crawl_runs"].get(1)
    assert (run["status"], run["finish_reason"], run["alarm"]) == ("interrupted", "shutdown", None)
    archived = read(db_path, "SELECT count(*) FROM articles")[0][0]
    assert run["articles_new"] == archived >= 1
    assert run["requests"] >= run["responses"] >= 1
    assert read(db_path, "SELECT count(*) FROM fetch_failures")[0][0] == 0  # what the stop cut short is no failure
    assert_nothing_archived_half(db_path)

    result = run_cli("crawl", "qni-stop", "--db", str(db_path), *FAST, "--resume", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run 1 (full, resumed) finished" in result.stdout
    assert read(db_path, "SELECT count(*), count(DISTINCT source_id) FROM articles")[0] == (len(site.articles),) * 2
    assert_nothing_archived_half(db_path)
    verify = run_cli("verify", "--db", str(db_path))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_request_stuck_on_the_wire_is_abandoned_after_the_grace_period(tmp_path, stalling):
    site, server = stalling
    db_path = tmp_path / "archive.db"
    url = server.url
    # DOWNLOAD_TIMEOUT far beyond the test's patience: only abandoning the request can end this crawl.
    path = stalled_path(site)
    asked = server.count(path)  # the server is shared by the module's tests
    crawl = CliProcess(
        "crawl", "--url", url, "--db", str(db_path), *FAST, "-s", "DOWNLOAD_TIMEOUT=3000",
        "-s", "GOVSCRAPER_STOP_GRACE=1",
    )  # fmt: skip
    wait_for(lambda: server.count(path) > asked, "the stalling article requested", alive=lambda: crawl.alive)
    crawl.signal(signal.SIGINT)
    assert crawl.finish() == 130, crawl.stderr[-3000:]
    assert "still on the wire after 1 s: abandoned" in crawl.stderr
    assert run_status(db_path) == "interrupted"
    stalled = read(db_path, "SELECT count(*) FROM fetch_failures WHERE url LIKE ?", (f"%{path}",))[0][0]
    assert stalled == 0  # abandoned by the stop: not the portal's failure, and left for --resume
    assert_nothing_archived_half(db_path)


def test_a_second_ctrl_c_aborts_at_once_and_resume_repairs_everything(tmp_path, stalling):
    site, server = stalling
    db_path = tmp_path / "archive.db"
    grace = ("-s", "GOVSCRAPER_STOP_GRACE=3000", "-s", "DOWNLOAD_TIMEOUT=3000")
    path = stalled_path(site)
    asked = server.count(path)  # the server is shared by the module's tests
    crawl = CliProcess("crawl", "--url", server.url, "--db", str(db_path), *FAST, *grace)
    wait_for(lambda: server.count(path) > asked, "the stalling article requested", alive=lambda: crawl.alive)
    crawl.signal(signal.SIGINT)
    crawl.wait_for_line("stopping the crawl")
    crawl.signal(signal.SIGINT)
    assert crawl.finish() == 130, crawl.stderr[-3000:]
    assert "Ctrl-C again: aborted. What was archived is kept" in crawl.stderr
    assert f"govscraper crawl --url {server.url} --resume --db {db_path}" in crawl.stderr
    assert run_status(db_path) == "running"  # left open, as after a kill; --resume takes it up

    # The resumed run reads the stalled article with a short timeout: it fails and is recorded, the rest archived.
    result = run_cli(
        "crawl", "--url", server.url, "--db", str(db_path), *FAST, "--resume", "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=0",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "resumed) finished" in result.stdout
    expected = {str(a["id"]) for a in site.manifest()["articles"] if a["fault"] != "timeout"}
    assert {row[0] for row in read(db_path, "SELECT source_id FROM articles")} >= expected
    assert_nothing_archived_half(db_path)
    verify = run_cli("verify", "--db", str(db_path))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_registry(tmp_path, base_url: str):
    path = tmp_path / "registry.toml"
    path.write_text(
        f'[[portal]]\nid = "qni-gone"\nname = "Cổng đã đóng"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
        f'base_url = "{base_url}"\nplatform = "liferay62"\nstart_urls = ["tin-tuc", "thong-bao"]\nstatus = "live"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        pytest.param("http://127.0.0.1:{port}/", "connection refused", id="refused"),
        pytest.param("http://portal.invalid/", "DNS lookup failed", id="dns"),
        pytest.param("https://127.0.0.1:{replica_port}/", "connection failed: TLS handshake failed", id="tls"),
    ],
)
def test_an_unreachable_portal_is_one_line_and_its_runs_outcome(tmp_path, clean_replica, base_url, reason):
    base = base_url.format(port=closed_port(), replica_port=clean_replica.port)  # TLS spoken to an HTTP server
    registry = unreachable_registry(tmp_path, base)
    db_path = tmp_path / "archive.db"
    result = run_cli("crawl", "qni-gone", "--db", str(db_path), registry=registry)  # the polite defaults
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"Error: could not reach {base}: {reason}")
    assert errors[0].endswith("(run 1 recorded as unreachable)")
    assert "layout-changed?" not in result.stderr
    for noise in ("WARNING", "ERROR", "Traceback"):
        assert noise not in result.stderr
    run = sqlite_utils.Database(db_path)["crawl_runs"].get(1)
    assert run["status"] == "unreachable"
    assert reason in run["finish_reason"]
    assert run["alarm"] is None
    # A few quick attempts, not the politeness backoff: the first request and GOVSCRAPER_UNREACHABLE_RETRIES more.
    assert run["requests"] <= 3
    runs = run_cli("runs", "--db", str(db_path))
    assert "unreachable" in runs.stdout


def test_an_unreachable_wayback_machine_is_one_line(tmp_path, clean_replica, clean_site):
    registry = tmp_path / "registry.toml"
    registry.write_text(registry_entry("qni-wb", clean_replica, clean_site), encoding="utf-8")
    db_path = tmp_path / "archive.db"
    wayback = f"http://127.0.0.1:{closed_port()}"
    result = run_cli("crawl", "qni-wb", "--source", "wayback", "--wayback-url", wayback, "--db", str(db_path),
                     registry=registry)  # fmt: skip
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: could not reach {wayback}/: connection refused (run 1 recorded as unreachable)"]
    run = sqlite_utils.Database(db_path)["crawl_runs"].get(1)
    assert (run["status"], run["alarm"]) == ("unreachable", None)
    assert run["requests"] <= 3  # not the Internet Archive's long backoff, retried five times
