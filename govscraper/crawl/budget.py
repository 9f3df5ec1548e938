"""Crawl budgets: how many requests, and how many pages, one crawl may send before it ends.

A site can be endless: one page with 200,000 links to itself made a generic crawl send 132,000 requests in 15
minutes, its memory growing, until it was killed. Links per page are bounded where pages are read
(``GOVSCRAPER_MAX_LINKS_PER_PAGE``, :mod:`govscraper.spiders.base`) and hops through other pages by depth
(``GOVSCRAPER_GENERIC_MAX_DEPTH``); what is left unbounded (pagination that never ends, a site of a million
article-shaped URLs) is bounded here, per crawl:

* ``GOVSCRAPER_MAX_REQUESTS``: every request sent (pages, photos, documents, robots.txt, sitemaps, retries and
  redirect hops alike);
* ``GOVSCRAPER_MAX_PAGES``: page requests (lists, articles, other pages; not their retries or redirect hops).

When a crawl is about to send one more than its budget allows, it ends like a stop (:mod:`govscraper.crawl.stopping`):
nothing new is sent, what waits is dropped and not counted as failed, articles whose photos were cut short are left
whole for later. The run's status is ``budget reached`` (not ``finished``: an incremental crawl must not take it
for a complete one) with the budget in ``finish_reason``, and ``crawl --resume`` continues it with a new budget,
like an interrupted run. WARC imports have no budget: the files bound them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import deferred_from_coro

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: The close reason of a crawl that reached a budget; ``govscraper.extensions.run_status`` reads it as
#: ``budget reached``.
BUDGET_REACHED = "budget_reached"
PAGE_KINDS = frozenset(("list", "article", "page"))


class BudgetMiddleware:
    """Counts what the crawl sends and ends it at its budget.

    It sits just before ``DownloaderStats`` (850), after everything that may decide not to send a request
    (robots.txt, the stop, the scope), so it counts what really goes out, and a request it refuses is not counted
    as sent. 0 means no limit.
    """

    def __init__(self, crawler: Crawler, max_requests: int, max_pages: int):
        self.crawler = crawler
        self.max_requests = max_requests
        self.max_pages = max_pages
        self.requests = 0
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BudgetMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getint("GOVSCRAPER_MAX_REQUESTS"), settings.getint("GOVSCRAPER_MAX_PAGES"))

    def process_request(self, request: Request) -> None:
        if getattr(self.crawler.spider, "offline", False):
            return  # a WARC import: nothing goes over the network, the files bound the work
        meta = request.meta
        page = (
            meta.get("govscraper_kind") in PAGE_KINDS and not meta.get("retry_times") and not meta.get("redirect_times")
        )
        if self.max_requests and self.requests >= self.max_requests:
            self.reached(
                f"request budget reached: {self.requests} requests sent (GOVSCRAPER_MAX_REQUESTS = {self.max_requests})"
            )
        if page and self.max_pages and self.pages >= self.max_pages:
            self.reached(f"page budget reached: {self.pages} pages requested (GOVSCRAPER_MAX_PAGES = {self.max_pages})")
        self.requests += 1
        if page:
            self.pages += 1

    def reached(self, reason: str) -> None:
        """End the crawl at its budget, as a stop does; the request that would have gone over it is not sent."""
        from govscraper.crawl.stopping import CrawlStopped, stop_crawl, stopping

        stats: Any = self.crawler.stats
        if not stopping(self.crawler):
            stats.set_value("govscraper/budget", reason)
            logger.warning("%s: the crawl ends (crawl --resume continues it)", reason)
            stop_crawl(self.crawler, "budget")
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason=BUDGET_REACHED))
        raise CrawlStopped("the crawl reached its budget: not sent (--resume sends it)")


__all__ = ["BUDGET_REACHED", "BudgetMiddleware"]
