"""The layout canary: a portal whose pages the crawler no longer understands raises an alarm, not silence.

A small server plays a Liferay 6.2 portal after a redesign, from the real saved list page: once with the list
markup renamed (no article recognised at all), once with article pages that lost their content blocks (every
extraction fails). The crawl flags its run ``layout-changed?``, says so on stderr, exits 3, and ``govscraper runs
--alarms`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlite_utils

from tests.helpers.cli import run_cli
from tests.helpers.fixtures import page_bytes
from tests.helpers.loopback import Answer, LoopbackServer, Request

LIST = "liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p1.html"  # a real page, read where it is kept
BROKEN_ARTICLE = (
    "<html class='aui'><head><title>Tin bài</title><script>Liferay.ThemeDisplay={}</script></head><body>"
    "<div id='p_p_id_101_'><div class='new-theme-article'><span>Nội dung đã chuyển sang giao diện mới.</span></div>"
    "</div></body></html>"
).encode()


def serve(pages: Callable[[str], bytes | None]) -> LoopbackServer:
    """``pages(path)`` on 127.0.0.1: its bytes, or a 404 where it has none."""

    def route(request: Request) -> Answer:
        body = pages(request.path)
        return Answer(200 if body is not None else 404, body or b"")

    return LoopbackServer(route)


def crawl_redesigned(tmp_path, pages):
    server = serve(pages)
    port = server.port
    registry = tmp_path / "registry.toml"
    registry.write_text(
        f'[[portal]]\nid = "hni-redesign"\nname = "Cổng thử"\nprovince = "Hà Nội"\nlevel = "tỉnh"\n'
        f'base_url = "http://127.0.0.1:{port}/"\nplatform = "liferay62"\nstart_urls = ["cong-nghe-thong-tin"]\n'
        f'status = "live"\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "archive.db"
    try:
        result = run_cli(
            "crawl",
            "hni-redesign",
            "--db",
            str(db_path),
            "--loopback",
            "--limit",
            "5",
            "-s",
            "RETRY_TIMES=0",
            registry=registry,
        )
    finally:
        server.close()
    return result, db_path


def test_a_list_that_no_longer_matches_raises_the_alarm(tmp_path):
    renamed = (
        page_bytes("liferay62", LIST).replace(b"asset-bounddary", b"news-card").replace(b"asset-abstract", b"card")
    )
    renamed = renamed.replace(b"/-/view_content/", b"/tin-tuc/")  # links in the new scheme: not recognised either
    result, db_path = crawl_redesigned(tmp_path, lambda path: renamed if path == "/cong-nghe-thong-tin" else None)
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    assert "warning: hni-redesign: layout-changed? no article recognised" in result.stderr
    run = next(iter(sqlite_utils.Database(db_path)["crawl_runs"].rows))
    assert (run["status"], run["alarm"], run["articles_seen"]) == ("finished", "layout-changed?", 0)
    listing = run_cli("runs", "--alarms", "--db", str(db_path))
    assert "layout-changed? no article recognised" in listing.stdout


def test_articles_that_no_longer_extract_raise_the_alarm(tmp_path):
    listing = page_bytes("liferay62", LIST)

    def pages(path: str) -> bytes | None:
        if path == "/cong-nghe-thong-tin":
            return listing
        return BROKEN_ARTICLE if "/-/view_content/" in path else None

    result, db_path = crawl_redesigned(tmp_path, pages)
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    run = next(iter(db["crawl_runs"].rows))
    assert run["alarm"] == "layout-changed?"
    assert run["extraction_failures"] == 5
    assert "5 of 5 article pages failed extraction (100% > 20%)" in run["alarm_reason"]
    reasons = {row["error"] for row in db["fetch_failures"].rows if row["kind"] == "article"}
    assert reasons == {"extraction failed: no body"}  # the title comes from the list entry


@pytest.mark.parametrize(("failures", "pages", "alarm"), [(0, 10, False), (2, 10, False), (3, 10, True), (1, 1, True)])
def test_the_failure_threshold(failures, pages, alarm):
    from govscraper.extensions import canary

    counts = {"articles_seen": 12, "pages_not_modified": 0, "extraction_failures": failures}
    assert (canary(counts, pages, 0.2) is not None) is alarm


def test_an_unchanged_portal_answering_304_is_not_an_alarm():
    from govscraper.extensions import canary

    assert canary({"articles_seen": 0, "pages_not_modified": 4, "extraction_failures": 0}, 0, 0.2) is None
