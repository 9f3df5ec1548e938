"""Politeness on the real web: the defaults, and a real crawl that honours robots.txt and says who it is."""

from __future__ import annotations

import sqlite_utils
from scrapy.settings import Settings

from tests.helpers.cli import run_cli
from tests.helpers.loopback import Answer, LoopbackServer, Request

ARTICLE = """<html><head><title>Hội nghị tổng kết</title></head><body>
<div class="title">Hội nghị tổng kết công tác năm 2023 của huyện</div>
<div class="date">Thứ Hai, 08/01/2024 | 09:30</div>
<div class="content"><p>Sáng ngày 08/01, UBND huyện tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ
năm 2024 với sự tham dự của lãnh đạo các phòng, ban và Chủ tịch UBND các xã, thị trấn trên địa bàn huyện.</p>
<p>Năm 2023, tình hình kinh tế - xã hội của huyện tiếp tục phát triển ổn định, nhiều chỉ tiêu chủ yếu đạt và vượt
kế hoạch đề ra; công tác an sinh xã hội được quan tâm thực hiện đầy đủ, kịp thời.</p>
<p>Phát biểu chỉ đạo, đồng chí Chủ tịch UBND huyện yêu cầu các cơ quan, đơn vị khắc phục hạn chế, triển khai quyết
liệt các giải pháp để hoàn thành thắng lợi nhiệm vụ năm 2024./.</p></div></body></html>"""
HOME = """<html><body><a href="/private/noi-bo.html">Nội bộ</a>
<a href="/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2023.html">Hội nghị tổng kết công tác năm 2023 của huyện</a>
</body></html>"""


def test_defaults_are_polite():
    settings = Settings()
    settings.setmodule("govscraper.settings")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getint("RETRY_TIMES") >= 2
    assert settings.getfloat("GOVSCRAPER_RETRY_BACKOFF") > 0
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert settings.getint("GOVSCRAPER_PAGE_MAXSIZE") <= 10 * 1024 * 1024
    assert settings["USER_AGENT"].startswith("govscraper/")
    assert "contact:" in settings["USER_AGENT"]
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")


def test_the_extensions_turned_off_are_not_even_loaded(tmp_path):
    """Both ways a crawl gets its settings (``govscraper crawl``, and the add-on for ``scrapy crawl`` and Scrapyd)
    leave the telnet console and the remote control out of the extensions Scrapy imports (the remote control's
    module loads aiohttp); Scrapy's other extensions stay."""
    from govscraper.config import UNUSED_EXTENSIONS, SettingsAddon
    from govscraper.crawl.process import scrapy_settings

    ours = scrapy_settings(tmp_path / "archive.db")
    theirs = Settings()
    theirs.setmodule("govscraper.settings", priority="project")
    SettingsAddon().update_settings(theirs)
    for settings in (ours, theirs):
        loaded = settings.getdict("EXTENSIONS_BASE")
        assert not set(UNUSED_EXTENSIONS) & set(loaded)
        assert {"scrapy.extensions.corestats.CoreStats", "scrapy.extensions.throttle.AutoThrottle"} <= set(loaded)


def test_a_crawl_obeys_robots_txt_and_identifies_itself(tmp_path):
    pages = {
        "/robots.txt": b"User-agent: *\nDisallow: /private/\n",
        "/": HOME.encode(),
        "/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2023.html": ARTICLE.encode(),
        "/private/noi-bo.html": ARTICLE.encode(),
    }

    def route(request: Request) -> Answer:
        body = pages.get(request.path)
        content_type = "text/plain" if request.path == "/robots.txt" else "text/html; charset=utf-8"
        return Answer(200 if body else 404, body or b"", content_type)

    with LoopbackServer(route) as server:
        url = server.url + "/"
        result = run_cli(
            "crawl", "--url", url, "--db", str(tmp_path / "a.db"), "--loopback", "--contact", "luu-tru@example.vn"
        )
    served = [(request.path, request.headers.get("User-Agent", "")) for request in server.requests]
    assert result.returncode == 0, result.stderr[-2000:]
    paths = [path for path, _ in served]
    assert paths[0] == "/robots.txt"
    assert "/private/noi-bo.html" not in paths
    assert "/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2023.html" in paths
    for _, agent in served:
        assert agent.startswith("govscraper/")
        assert "luu-tru@example.vn" in agent
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert [row["title"] for row in db["articles"].rows] == ["Hội nghị tổng kết công tác năm 2023 của huyện"]
    forbidden = [f["error"] for f in db["fetch_failures"].rows if f["url"].endswith("/private/noi-bo.html")]
    assert forbidden == ["Forbidden by robots.txt"]
