"""The benchmarks' baseline: a bare Scrapy spider that follows the same links of the replica as govscraper.

It fetches the category lists and their pagination, every article page, and every image and document an
article or list shows, with the same concurrency settings, but extracts nothing and stores nothing. Run by
``benchmarks/crawl.py`` (loopback settings) and ``benchmarks/stop.py`` (``--polite``: govscraper's politeness);
prints one JSON line of Scrapy's stats.

    python benchmarks/bare_spider.py START_URL CATEGORY[,CATEGORY...] [--polite] [--timeout SECONDS]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import scrapy
from scrapy.crawler import CrawlerProcess

from govscraper.settings import LOOPBACK_SETTINGS


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, categories: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start.rstrip("/") + "/" + slug for slug in categories.split(",")]

    def parse(self, response) -> Iterable[scrapy.Request]:
        self.crawler.stats.inc_value("bare/pages")
        for href in response.css("ul.lfr-menu-list a::attr(href), ul.pager a::attr(href)").getall():
            if not href.startswith("javascript:"):
                yield response.follow(href, self.parse)
        for href in response.css("h3.asset-title a::attr(href)").getall():
            yield response.follow(href, self.parse_article, priority=10)
        for src in response.css("div.asset-image img::attr(src)").getall():
            yield response.follow(src, self.media)

    def parse_article(self, response) -> Iterable[scrapy.Request]:
        self.crawler.stats.inc_value("bare/pages")
        body = response.css("div.journal-content-article")
        for src in body.css("img::attr(src)").getall():
            yield response.follow(src, self.media)
        for href in body.css("a[href*='/documents/']::attr(href)").getall():
            yield response.follow(href, self.media)

    def media(self, response) -> None:
        self.crawler.stats.inc_value("bare/media")


#: ``--polite``: the politeness govscraper uses on the real web (govscraper/settings.py), for comparisons of what a
#: crawl does under it (benchmarks/stop.py).
POLITE = (
    "AUTOTHROTTLE_ENABLED",
    "AUTOTHROTTLE_START_DELAY",
    "AUTOTHROTTLE_MAX_DELAY",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
)


def main() -> None:
    start, categories = sys.argv[1], sys.argv[2]
    import govscraper.settings as project

    profile = {name: getattr(project, name) for name in POLITE} if "--polite" in sys.argv[3:] else LOOPBACK_SETTINGS
    if "--timeout" in sys.argv[3:]:
        profile = {**profile, "DOWNLOAD_TIMEOUT": float(sys.argv[sys.argv.index("--timeout") + 1])}
    settings = {
        **profile,
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "USER_AGENT": "govscraper-benchmark-bare",
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start=start, categories=categories)
    process.start()
    stats = crawler.stats.get_stats()
    print(
        json.dumps(
            {
                "responses": stats.get("downloader/response_count", 0),
                "pages": stats.get("bare/pages", 0),
                "elapsed": stats.get("elapsed_time_seconds"),
            }
        )
    )


if __name__ == "__main__":
    main()
