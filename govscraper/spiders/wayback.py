"""A portal as the Wayback Machine kept it: ``govscraper crawl ID --source wayback [--from ...] [--to ...]``.

For portals that closed (district portals, after 1 July 2025) the Internet Archive may hold the only copies. The
spider is the portal's own platform spider with another way in (:func:`wayback_spider` makes the class): instead
of walking category lists on the portal, it pages through the CDX index of the portal's host
(``govscraper.sources.cdx``), keeps the newest capture of each article URL in the date range, and fetches each one's
original bytes from ``/web/<timestamp>id_/<url>``. Each page is read by the platform's own hooks on a response
whose URL is the article's original URL, so links, photos and ids resolve as they did on the live portal.

Provenance: the item's ``url`` is the original URL (host lowercased, default port dropped, the portal's scheme),
``origin = "wayback"``, ``origin_url`` the capture's replay address and ``origin_date`` its timestamp in ISO 8601
(UTC). The raw captures are the ``id_`` responses, recorded under their Wayback address. Photos and documents come
from the Wayback Machine too (``govscraper.middlewares.WaybackMiddleware`` rewrites their requests).

Re-runs: a capture is fetched only when the archive holds nothing newer for its article (an ``origin_date`` for
Wayback copies, ``last_seen_at`` for live ones); a ``--full`` run also fetches the captures already archived
again. A second run over the same range therefore asks the Internet Archive for its index and nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from govscraper.crawl.failures import describe_failure
from govscraper.crawl.scope import Scope
from govscraper.extract.detect import article_on_page
from govscraper.items import ArticleItem
from govscraper.model import Article
from govscraper.sources.cdx import (
    DEFAULT_WAYBACK_URL,
    WaybackCapture,
    WaybackError,
    cdx_query_url,
    choose_captures,
    id_url,
    iso_timestamp,
    normalize_url,
    parse_cdx_page,
    replay_url,
    same_host,
    timestamp_iso,
)
from govscraper.spiders.base import ARTICLE_PRIORITY, LIST_PRIORITY, TOO_DEEP, PortalSpider, with_way_in


class WaybackMixin:
    """The Wayback way into a portal; mixed in before a :class:`PortalSpider` subclass by :func:`wayback_spider`."""

    source = "wayback"
    revisits = False  # answers from another source: a missing capture says nothing about the portal
    portal: Any
    crawler: Crawler
    mode: str
    max_articles: int | None
    page_maxsize: int
    platform: str
    logger: Any
    article_urls: Callable[[str], bool] | None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        settings = crawler.settings
        spider.wayback_url = (settings.get("GOVSCRAPER_WAYBACK_URL") or DEFAULT_WAYBACK_URL).rstrip("/")
        # Its pages (the CDX index, the captures and the redirects between captures) come from the Wayback Machine.
        portal = spider.portal
        spider.scope = Scope([portal.base_url, *portal.category_urls, spider.wayback_url], aliases=portal.aliases)
        spider.wayback_from = settings.get("GOVSCRAPER_WAYBACK_FROM") or None
        spider.wayback_to = settings.get("GOVSCRAPER_WAYBACK_TO") or None
        spider.cdx_limit = settings.getint("GOVSCRAPER_WAYBACK_CDX_LIMIT", 5000)
        spider.source_settings = {
            "source": "wayback",
            "wayback_url": spider.wayback_url,
            "from": spider.wayback_from,
            "to": spider.wayback_to,
        }
        # Platforms with a profile tell article URLs apart (is_article_url); generic pages decide for themselves.
        profile = getattr(spider, "profile", None)
        spider.article_urls = profile.is_article_url if profile is not None else None
        spider._captures = []
        spider._resume_keys = set()
        return spider

    def essential_hosts(self) -> set[str]:
        """A Wayback crawl cannot do without the Wayback Machine (the portal itself is never asked)."""
        return {urlsplit(self.wayback_url).hostname or ""}

    # The index -------------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if getattr(self, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        yield self.cdx_request(None)

    def cdx_request(self, resume_key: str | None) -> scrapy.Request:
        url = cdx_query_url(
            self.wayback_url,
            self.portal.host,
            start=self.wayback_from,
            end=self.wayback_to,
            limit=self.cdx_limit,
            resume_key=resume_key,
        )
        return scrapy.Request(
            url,
            callback=self.parse_cdx,
            errback=self.cdx_failed,
            priority=LIST_PRIORITY,
            dont_filter=True,
            meta={"govscraper_kind": "list", "download_maxsize": self.page_maxsize},
        )

    def parse_cdx(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            page = parse_cdx_page(response.body)
        except WaybackError as error:
            self.cdx_error(response.url, str(error), response.status)
            return
        self.crawler.stats.inc_value("govscraper/wayback/cdx_pages")
        self._captures.extend(page.captures)
        if page.resume_key and page.resume_key not in self._resume_keys:
            self._resume_keys.add(page.resume_key)
            yield self.cdx_request(page.resume_key)
            return
        yield from self.capture_requests()

    def capture_requests(self) -> Iterable[scrapy.Request]:
        """Requests for the captures worth fetching, newest first, once the whole index has been read."""
        scheme = urlsplit(self.portal.base_url).scheme or "http"
        host = self.portal.host.lower()
        captures = [
            replace(capture, url=normalize_url(capture.url, scheme, host))
            if same_host(urlsplit(capture.url).hostname or "", host)
            else capture
            for capture in self._captures
        ]
        chosen = choose_captures(
            captures,
            key=self.article_key,
            accept=self.article_urls,
            start=self.wayback_from,
            end=self.wayback_to,
        )
        held = self.held_moments()
        stats = self.crawler.stats
        stats.set_value("govscraper/wayback/captures", len(chosen))
        stats.inc_value("govscraper/list_items", len(chosen))
        fetched = 0
        for capture in chosen:
            archived = held.get(self.article_key(capture.url))
            if archived is not None and (
                capture.timestamp < archived or (capture.timestamp == archived and self.mode != "full")
            ):
                stats.inc_value("govscraper/wayback/archived_already")
                continue
            if self.max_articles is not None and fetched >= self.max_articles:
                break
            fetched += 1
            stats.inc_value("govscraper/wayback/fetched")
            yield scrapy.Request(
                id_url(self.wayback_url, capture.timestamp, capture.original),
                callback=self.parse_capture,
                errback=self.on_error,  # type: ignore[attr-defined]
                priority=ARTICLE_PRIORITY,
                dont_filter=True,
                cb_kwargs={"capture": capture},
                meta={
                    "govscraper_kind": "article" if self.article_urls is not None else "page",
                    "download_maxsize": self.page_maxsize,
                },
            )

    def held_moments(self) -> dict[str, str]:
        """Article identity → the moment (14-digit UTC) of the copy the archive holds: the Wayback capture's date
        for copies from the Wayback Machine, the last visit for copies from the live portal."""
        from govscraper.archive.writer import archive_for

        held: dict[str, str] = {}
        for url, origin, origin_date, last_seen_at in archive_for(self.crawler).article_moments(self.portal.id):
            moment = origin_date if origin != "live" and origin_date else last_seen_at
            if not moment:
                continue
            try:
                stamp = iso_timestamp(moment)
            except ValueError:
                continue
            key = self.article_key(url)
            held[key] = max(held.get(key, stamp), stamp)
        return held

    def cdx_failed(self, failure: Failure) -> None:
        from govscraper.crawl.stopping import stopping

        if stopping(self.crawler):
            return  # not read because the crawl is stopping: --resume reads it
        error, status = describe_failure(failure)
        self.cdx_error(failure.request.url, error, status)

    def cdx_error(self, url: str, error: str, status: int | None = None) -> None:
        """The index could not be read: recorded as a failed list, and told to the command (one line)."""
        message = f"the Wayback Machine's CDX server at {self.wayback_url} failed: {error}"
        self.crawler.stats.set_value("govscraper/wayback/error", message)
        self.fail(url, "list", error, status)  # type: ignore[attr-defined]

    # The captures ----------------------------------------------------------------------------------------------

    def parse_capture(self, response: Response, capture: WaybackCapture) -> Iterable[ArticleItem]:
        # At the original URL: links, photos and ids resolve as on the live portal.
        page = self.text_or_fail(response, url=capture.url)  # type: ignore[attr-defined]
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        try:
            article = self.read_capture(page)
        except RecursionError:  # nesting within MAX_NESTING that a reader still could not walk
            self.fail(response.url, response.meta.get("govscraper_kind", "page"), TOO_DEEP)  # type: ignore[attr-defined]
            return
        if article is None:
            return  # a generic portal's page that is not an article (a list, the home page)
        self.crawler.stats.inc_value("govscraper/article_pages")
        item: ArticleItem = self.make_item(article, capture.url)  # type: ignore[attr-defined]
        item.capture_id = response.meta.get("govscraper_capture_id")
        item.origin = "wayback"
        item.origin_url = replay_url(self.wayback_url, capture.timestamp, capture.original)
        item.origin_date = timestamp_iso(capture.timestamp)
        yield item

    def read_capture(self, page: TextResponse) -> Article | None:
        """The article on a captured page: the platform's reader for platforms with article URLs, else the page
        decides, as the generic spider does."""
        if self.article_urls is not None:
            return self.read_article(page)  # type: ignore[attr-defined]
        return article_on_page(page.selector, page.url)


def wayback_spider(platform_spider: type[PortalSpider]) -> type[PortalSpider]:
    """The Wayback spider for a platform: ``wayback-<platform>``, the platform spider with the Wayback way in."""
    return with_way_in(WaybackMixin, platform_spider, "wayback")
