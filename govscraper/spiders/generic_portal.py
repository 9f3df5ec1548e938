"""Any portal by URL: stay on the host, follow lists and pagination, decide which pages are articles.

The page itself decides (``article_on_page``), not its URL: portals that are not in the registry have URL schemes
nobody wrote down. Links are sorted into likely articles, list pages and other pages; other pages are followed
only a few hops deep (``GOVSCRAPER_GENERIC_MAX_DEPTH``) so calendars and search pages cannot trap the crawl.
In incremental and resume crawls, links to archived articles are not followed. An incremental crawl walks like the
platform profiles, newest first: the start pages, and the lists and pages they link, are asked for conditionally (a
304 ends that branch); from there on a list is followed only by its next page (``Links.next``: page N+1, "Trang
sau", ``rel=next``), and only until ``GOVSCRAPER_INCREMENTAL_KNOWN_PAGES`` pages in a row (1) brought no article
link that is not archived. Other pager links, and lists and pages linked from deeper pages, are not followed: an
unchanged portal that answers no conditional request costs its start pages and one list page per category (the
generic path used to walk every list page again: 207 requests of a 2,000-article replica; see
``benchmarks/recrawl.py --platform generic --no-validators``).

Bounds: at most ``GOVSCRAPER_MAX_LINKS_PER_PAGE`` links are read from a page (the rest are counted in a
``fetch_failures`` row), and a page with more is not judged as an article: no article page links to thousands of
pages, and judging one costs time and memory in proportion (a page of 200,000 links took 11 s and 300 MB). List
pages reset the hop count, so a pager that never ends is bounded by the crawl's budgets (``govscraper.crawl.budget``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from w3lib.url import canonicalize_url

from govscraper.extract.detect import article_on_page
from govscraper.extract.generic import source_id as generic_source_id
from govscraper.extract.links import Links, discover_links, page_number
from govscraper.items import ArticleItem
from govscraper.model import ListItem
from govscraper.spiders.base import ARTICLE_PRIORITY, LIST_PRIORITY, TOO_DEEP, PortalSpider

OTHER_PRIORITY = -10


class GenericSpider(PortalSpider):
    name = "generic"
    platform = "generic"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> GenericSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_depth = crawler.settings.getint("GOVSCRAPER_GENERIC_MAX_DEPTH", 3)
        spider.known_pages = max(1, crawler.settings.getint("GOVSCRAPER_INCREMENTAL_KNOWN_PAGES", 1))
        return spider

    def source_id(self, url: str) -> str | None:
        return generic_source_id(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if getattr(self, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        for url in self.portal.category_urls:
            request = self.page_request(url, "page", self.parse_page, conditional=self.mode == "incremental", hops=0)
            if request is not None:
                request.meta["govscraper_start"] = True
                yield request
        for request in self.discovery_requests():
            yield request

    def wants_article(self, url: str) -> bool:
        return True  # any page of the site a sitemap or feed names: the page itself decides (article_on_page)

    def discovered_request(self, url: str, listing: ListItem, key: str) -> scrapy.Request | None:
        return self.page_request(
            url,
            "article",
            self.parse_page,
            priority=ARTICLE_PRIORITY,
            key=key,
            conditional=self.mode != "resume",
            hops=0,
            listing=listing,
        )

    def parse_page(
        self, response: Response, hops: int = 0, listing: ListItem | None = None, streak: int = 0
    ) -> Iterable[ArticleItem | scrapy.Request]:
        page = self.article_page(response)  # None: unchanged since the last crawl (nothing new below it), unreadable
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        yield from self.feeds_on_start_page(page)
        selector = page.selector
        try:
            links = discover_links(selector, page.url, limit=self.max_links, hosts=self.portal.aliases)
            cut = links.ignored or page.meta.get("govscraper_links_cut")
            article = article_on_page(selector, page.url) if not cut else None
        except RecursionError:  # nesting within MAX_NESTING that the extractor still could not walk
            self.fail(page.url, response.meta.get("govscraper_kind", "page"), TOO_DEEP)
            return
        if links.ignored:
            self.too_many_links(page.url, (self.max_links or 0) + links.ignored, links.ignored)
        for url in links.non_public:
            self.refused_link(url, "page", referer=page.url)
        if article is not None:
            self.crawler.stats.inc_value("govscraper/article_pages")
            item = self.make_item(article, page.url, listing)
            item.capture_id = response.meta.get("govscraper_capture_id")
            yield item
        self.crawler.stats.inc_value("govscraper/list_items", len(links.articles))
        new = 0
        for url in links.articles:
            if self.mode != "full" and self.is_known(url):
                continue  # archived already: only a --full crawl looks at it again
            new += 1
            request = self.page_request(
                url, "article", self.parse_page, priority=ARTICLE_PRIORITY, conditional=self.mode == "full", hops=0
            )
            if request is not None:
                yield request
        if self.limit_reached():
            return
        if self.mode == "incremental":
            yield from self.incremental_links(response, links, hops, streak=0 if new else streak + 1)
            return
        for url in links.lists:
            request = self.page_request(url, "list", self.parse_page, priority=LIST_PRIORITY, hops=0)
            if request is not None:
                yield request
        if hops < self.max_depth:
            for url in links.other:
                request = self.page_request(url, "page", self.parse_page, priority=OTHER_PRIORITY, hops=hops + 1)
                if request is not None:
                    yield request

    def incremental_links(self, response: Response, links: Links, hops: int, streak: int) -> Iterable[scrapy.Request]:
        """What an incremental crawl follows from a page (see the module's docstring): the list's next page while
        fewer than ``known_pages`` pages in a row brought nothing new (``streak``), and from a start page its category
        lists (and, from the home page, its other pages), conditionally, as new start points."""
        if links.next and streak < self.known_pages and response.meta.get("govscraper_kind") != "article":
            request = self.page_request(
                links.next, "list", self.parse_page, priority=LIST_PRIORITY, conditional=True, hops=hops, streak=streak
            )
            if request is not None:
                yield request
        if not response.meta.get("govscraper_start"):
            return
        for url in links.lists:
            if page_number(url) is None:  # categories; pager links other than the next page are not walked
                request = self.page_request(url, "list", self.parse_page, priority=LIST_PRIORITY, conditional=True)
                if request is not None:
                    yield request
        if not self.is_home(response.url):
            return  # a category's start page: its menu's other pages hold no list of its own
        for url in links.other:
            request = self.page_request(url, "page", self.parse_page, priority=OTHER_PRIORITY, conditional=True, hops=1)
            if request is not None:
                yield request

    def is_home(self, url: str) -> bool:
        """Whether ``url`` is the portal's home page (its base URL, or the root of its host): an entry that starts
        there finds its categories among the home page's links, whatever their URLs look like."""
        return urlsplit(url).path in ("", "/") or canonicalize_url(url).rstrip("/") == canonicalize_url(
            self.portal.base_url
        ).rstrip("/")
