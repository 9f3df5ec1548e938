"""Budgets: a crawl of an endless site ends, its memory bounded, its run saying so.

Each test crawls a case of the hostile site (``tests/helpers/hostile_site.py``) with a real ``govscraper crawl``
process into a real archive; peak memory is asserted where memory is the point (the page of 200,000 links), and printed
with the time otherwise (never asserted: on a busy machine time says nothing about the code).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govscraper.crawl.budget import BudgetMiddleware
from govscraper.extensions import run_status
from govscraper.extract.links import anchors_beyond
from govscraper.settings import GOVSCRAPER_MAX_LINKS_PER_PAGE, GOVSCRAPER_MAX_PAGES, GOVSCRAPER_MAX_REQUESTS
from tests.helpers.hostile_site import OK_ARTICLE, TITLE, crawl, failures, registry_entry, rows
from tests.helpers.measured import run_measured


# The rules ------------------------------------------------------------------------------------------------------
def test_defaults_fit_the_largest_portal_and_a_budget_run_reads_as_its_own_status():
    # A provincial portal: about 100,000 articles, their list pages, three photos and a few documents each.
    assert GOVSCRAPER_MAX_PAGES >= 150_000
    assert GOVSCRAPER_MAX_REQUESTS >= 600_000
    assert GOVSCRAPER_MAX_LINKS_PER_PAGE == 2000
    assert run_status("budget_reached") == "budget reached"
    assert run_status("finished") == "finished"


def test_a_page_is_cut_before_the_first_link_not_read():
    text = "<p>x</p>" + "".join(f'<A href="/p/{n}">{n}</A>' for n in range(10)) + '<a\nhref="/q">q</a><abbr>no</abbr>'
    cut, total = anchors_beyond(text, 4)
    assert total == 11
    assert text[cut:].startswith('<A href="/p/4">')
    assert anchors_beyond(text, 11) is None
    assert anchors_beyond("<abbr>a</abbr>" * 50, 4) is None  # not links


def test_budget_middleware_counts_pages_without_their_retries_and_redirects():
    class Spider:
        offline = False

    class Crawler:
        spider = Spider()

    middleware = BudgetMiddleware(Crawler(), max_requests=0, max_pages=0)  # 0: no limit
    from scrapy import Request

    for meta in (
        {"govscraper_kind": "article"},
        {"govscraper_kind": "article", "retry_times": 1},
        {"redirect_times": 1},
    ):
        middleware.process_request(Request("http://h.vn/a", meta=meta))
    middleware.process_request(Request("http://h.vn/a.jpg", meta={"govscraper_kind": "image"}))
    assert (middleware.requests, middleware.pages) == (4, 1)


# Crawls of the hostile site ----------------------------------------------------------------------------------------
def test_a_page_of_200000_links_is_read_up_to_the_limit_in_bounded_memory(site, table, tmp_path):
    """The limit set to 200 (the default, 2,000, is checked above): the same page and the same cut, a tenth of the
    pages to fetch after it."""
    site.clear_logs()
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/many-links/", db, "GOVSCRAPER_MAX_LINKS_PER_PAGE=200")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.peak_mb < 300, f"peak {result.peak_mb:.0f} MB"
    error = "199800 links ignored: the page has 200000, over GOVSCRAPER_MAX_LINKS_PER_PAGE (200)"
    assert failures(db) == [(f"{site.portal.url}/many-links/", "page", error)]
    assert result.stderr.count("links ignored") == 1  # one warning
    followed = [path for path in site.portal.paths() if path.startswith("/many-links/p/")]
    assert len(followed) == 199  # the first 200 links: the article and /p/1 ... /p/199
    assert max(int(path.rsplit("/", 1)[1]) for path in followed) == 199
    assert [r["url"] for r in rows(db, "SELECT url FROM articles")] == [f"{site.portal.url}/many-links/{OK_ARTICLE}"]
    (run,) = rows(db, "SELECT status, requests FROM crawl_runs")
    assert run["status"] == "finished"
    assert "Traceback" not in result.stderr
    table.add("many-links", f"finished: {error}; {run['requests']} requests", result.peak_mb, result.seconds)


def test_the_request_budget_ends_the_crawl_as_budget_reached(site, table, tmp_path):
    site.clear_logs()
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/endless/", db, "GOVSCRAPER_MAX_REQUESTS=60")
    assert result.returncode == 5, result.stderr[-3000:]  # BUDGET_EXIT: incomplete by design
    (run,) = rows(db, "SELECT status, finish_reason, requests, alarm FROM crawl_runs")
    reason = "request budget reached: 60 requests sent (GOVSCRAPER_MAX_REQUESTS = 60)"
    assert run == {"status": "budget reached", "finish_reason": reason, "requests": 60, "alarm": None}
    assert len(site.portal.log) <= 60  # nothing more was sent
    assert "budget reached in" in result.stdout  # the summary's status word
    assert failures(db) == []  # what the stop cut short is left for --resume, not recorded as failed
    assert "Traceback" not in result.stderr
    table.add("endless-requests", "budget reached: " + reason, result.peak_mb, result.seconds)


@pytest.fixture
def endless_portal(site, tmp_path) -> Path:
    registry = tmp_path / "portals.toml"
    registry.write_text(registry_entry("qni-endless", f"{site.portal.url}/endless/"), encoding="utf-8")
    return registry


def test_the_page_budget_ends_the_crawl_and_resume_continues_it(site, table, endless_portal, tmp_path):
    """A run that reached its budget is not ``finished`` (an incremental crawl must not take it for complete); its
    job state stays, the command says how to continue it, and ``crawl --resume`` continues the same run with a fresh
    budget."""
    site.clear_logs()
    db = tmp_path / "archive.db"
    first = crawl("qni-endless", db, "GOVSCRAPER_MAX_PAGES=25", registry=endless_portal)
    assert first.returncode == 5, first.stderr[-3000:]
    assert f"continue this run with: govscraper crawl qni-endless --resume --db {db}" in first.stderr
    (run,) = rows(db, "SELECT id, status, finish_reason, pages FROM crawl_runs")
    reason = "page budget reached: 25 pages requested (GOVSCRAPER_MAX_PAGES = 25)"
    assert (run["status"], run["finish_reason"]) == ("budget reached", reason)
    pages = [p for p in site.portal.paths() if p.startswith("/endless/")]
    assert len(pages) <= 25
    archived = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert archived > 0
    assert (db.parent / "jobs" / "qni-endless" / "state.json").exists()  # kept for --resume
    table.add("endless-pages", "budget reached: " + reason, first.peak_mb, first.seconds)

    resumed = run_measured(
        "crawl", "qni-endless", "--resume", "--db", str(db), "-s", "GOVSCRAPER_MAX_PAGES=25",
        env={"GOVSCRAPER_REGISTRY": str(endless_portal)},
    )  # fmt: skip
    assert resumed.returncode == 5, resumed.stderr[-3000:]  # the endless pager: the fresh budget is reached again
    (again,) = rows(db, "SELECT id, status, resumes, pages FROM crawl_runs")
    assert (again["id"], again["status"], again["resumes"]) == (run["id"], "budget reached", 1)
    assert again["pages"] > run["pages"]  # the counts of both parts add up
    urls = [r["url"] for r in rows(db, "SELECT url FROM articles")]
    assert len(urls) > archived
    assert len(urls) == len(set(urls))
    assert "Traceback" not in resumed.stderr
    table.add(
        "endless-resume", f"same run resumed: {archived} → {len(urls)} articles", resumed.peak_mb, resumed.seconds
    )


def test_other_pages_are_followed_only_generic_max_depth_hops(site, table, tmp_path):
    site.clear_logs()
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/chain/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    chain = sorted(int(p.rsplit("/", 1)[1]) for p in site.portal.paths() if p.startswith("/chain/") and p[7:].isdigit())
    assert chain == [1, 2, 3]  # GOVSCRAPER_GENERIC_MAX_DEPTH = 3 hops from the start page
    assert rows(db, "SELECT status FROM crawl_runs") == [{"status": "finished"}]
    table.add(
        "chain", f"finished: /chain/1 ... /chain/{chain[-1]} requested, no further", result.peak_mb, result.seconds
    )


def test_a_page_nested_100000_deep_is_a_failure_without_a_traceback(site, table, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/deep/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    deep = f"{site.portal.url}/deep/tin-tuc/bai-viet-long-nhau-qua-sau-khong-doc-duoc-4001.html"
    assert failures(db) == [(deep, "article", "page too deeply nested (more than 512 levels of elements)")]
    assert rows(db, "SELECT title FROM articles") == [{"title": TITLE}]  # the ordinary article is archived
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr
    table.add("deep", "failure: page too deeply nested (more than 512 levels)", result.peak_mb, result.seconds)
