"""Crawl-wide extensions: the run record in ``crawl_runs`` (with its failures), and the progress display."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task
from twisted.python.failure import Failure

from govscraper.archive import archive_for
from govscraper.signals import fetch_failed

logger = logging.getLogger(__name__)

#: Settings worth keeping with a run, so a run's figures can be read in context later.
_RUN_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
    "GOVSCRAPER_MAX_ARTICLES",
)


def run_status(reason: str) -> str:
    """How a Scrapy close reason reads in ``crawl_runs.status``."""
    if reason in ("finished", "closespider_itemcount", "closespider_pagecount"):
        return "finished"
    if reason in ("shutdown", "cancelled", "closespider_timeout"):
        return "interrupted"
    return "failed"


class ArchiveRun:
    """Opens a ``crawl_runs`` row when the spider opens, records every failure, closes the row with counts."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.fetch_failed, signal=fetch_failed)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        portal = getattr(spider, "portal", None)
        if portal is None:
            raise NotConfigured("govscraper spiders carry a portal")
        settings = {name: self.crawler.settings.get(name) for name in _RUN_SETTINGS}
        run_id = archive_for(self.crawler).start_run(portal, spider.name, settings)
        self.crawler.stats.set_value("govscraper/run_id", run_id)
        logger.info(
            "run %s: archiving %s (%s) into %s",
            run_id,
            portal.id,
            portal.base_url,
            archive_for(self.crawler).path,
        )

    def fetch_failed(
        self, url: str, kind: str, error: str, status: int | None = None, referer: str | None = None, **_: Any
    ) -> None:
        archive_for(self.crawler).record_failure(url, kind, error, status, referer)
        self.crawler.stats.inc_value("govscraper/failures")
        self.crawler.stats.inc_value(f"govscraper/failures/{kind}")

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        self.fetch_failed(getattr(item, "url", "") or getattr(response, "url", ""), "article", str(exception))

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Failure) -> None:
        error = f"pipeline error: {failure.type.__name__}: {failure.getErrorMessage()}"
        self.fetch_failed(getattr(item, "url", "") or getattr(response, "url", ""), "article", error)

    def spider_error(self, failure: Failure, response: Any, spider: Spider) -> None:
        kind = response.meta.get("govscraper_kind", "page") if response is not None else "page"
        error = f"could not parse: {failure.type.__name__}: {failure.getErrorMessage()}"
        self.fetch_failed(getattr(response, "url", ""), kind, error)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        counts = {
            "requests": stats.get_value("downloader/request_count", 0),
            "responses": stats.get_value("downloader/response_count", 0),
            "bytes": stats.get_value("downloader/response_bytes", 0),
            "pages": stats.get_value("govscraper/pages", 0),
            "duration_s": stats.get_value("elapsed_time_seconds"),
        }
        archive_for(self.crawler).finish_run(run_status(reason), reason, counts)

    def engine_stopped(self) -> None:
        # Closed last: other components (the WARC recorder) still write on spider_closed, after the run's counts.
        archive_for(self.crawler).close()


class Progress:
    """Pages, articles, failures and rate while a crawl runs: one live line on a terminal, log lines otherwise."""

    def __init__(self, crawler: Crawler, interval: float, stream: Any = None):
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = min(interval, 0.25) if self.live else interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("GOVSCRAPER_PROGRESS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("GOVSCRAPER_PROGRESS_INTERVAL", 10.0))

    def line(self) -> str:
        stats = self.crawler.stats
        elapsed = max(time.monotonic() - self.started, 1e-6)
        responses = stats.get_value("downloader/response_count", 0)
        articles = sum(stats.get_value(f"govscraper/articles_{k}", 0) for k in ("new", "updated", "unchanged"))
        return (
            f"{responses} responses ({stats.get_value('govscraper/pages', 0)} pages), {articles} articles "
            f"({stats.get_value('govscraper/articles_new', 0)} new), "
            f"{stats.get_value('govscraper/images_downloaded', 0)} images, "
            f"{stats.get_value('govscraper/failures', 0)} failures, {responses / elapsed:.1f} responses/s"
        )

    def report(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()
        else:
            logger.info("progress: %s", self.line())

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.report()
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
