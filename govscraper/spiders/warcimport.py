"""``govscraper import-warc``: one portal's pages as the WARC files hold them, read like a live crawl reads them.

The WARC decides what exists: every HTML page of the portal's hosts in the files is requested once (and every
redirect whose target is not itself such a page), nothing is found by following links. :func:`warc_import_spider`
puts the import in front of the portal's own platform spider, so each page is judged by the portal's profile (its
article URLs read by its extractor, as in a crawl) or, for generic portals, by the page itself
(``article_on_page``); list and other pages are not articles, but a profile's list pages are read first, from the
files, for what a crawl takes from each list entry (teaser, thumbnail, date). Articles then go
through the same pipelines as in a crawl, so their photos and documents are requested, and answered, from the same
files (:class:`~govscraper.middlewares.WarcReplayMiddleware`). Each article records where it came from: ``origin``
is ``warc``, ``origin_url`` names the file, offset and WARC-Record-ID of its page, ``origin_date`` the record's
WARC-Date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from govscraper.extract.detect import article_on_page
from govscraper.items import ArticleItem
from govscraper.model import Article, ListItem
from govscraper.sources.warc_index import IndexedRecord, ReplayFailed, WarcIndex, origin_url, url_key
from govscraper.spiders.base import PortalSpider
from govscraper.text import decode_page

#: Redirects followed inside the WARC files to find where a redirecting URL ends.
MAX_REDIRECTS = 10


class WarcImportMixin:
    """The import's way into a portal; mixed in before a :class:`PortalSpider` subclass by
    :func:`warc_import_spider`, whose profile (if it has one) reads the pages."""

    name = "warc-import"
    revisits = False  # answers from another source: a missing capture says nothing about the portal

    def __init__(
        self, portal: Any = None, warc_index: WarcIndex | None = None, warc_hosts: Iterable[str] = (), **kwargs: Any
    ):
        super().__init__(portal=portal, **kwargs)
        if warc_index is None:
            raise ValueError("an import needs the WARC files' index")
        self.warc_index = warc_index
        self.warc_hosts = set(warc_hosts) or {self.portal.host}
        self.hosts |= self.warc_hosts
        #: The platform's profile module (``govscraper.extract.<platform>``); None for generic portals.
        self.profile = getattr(self, "profile", None)
        #: Article key → its entry on a list page of the files (teaser, thumbnail, date), for profiled portals.
        self.listings: dict[str, ListItem] = {}

    def is_article_url(self, url: str) -> bool:
        return self.profile is not None and self.profile.is_article_url(url)

    def page_records(self) -> list[IndexedRecord]:
        return [r for r in self.warc_index.pages() if urlsplit(r.url).hostname in self.warc_hosts]

    def start_urls_from_warc(self) -> list[str]:
        """Every HTML page of the portal's hosts, then the redirects that do not end on one of them."""
        pages = [r.url for r in self.page_records()]
        known = {url_key(url) for url in pages}
        urls = list(pages)
        for record in self.warc_index.redirects():
            if urlsplit(record.url).hostname in self.warc_hosts and self._ends_at(record.url) not in known:
                urls.append(record.url)
        return urls

    def _ends_at(self, url: str) -> str:
        """Where a chain of redirects inside the WARC files ends (the key of its last URL)."""
        for _ in range(MAX_REDIRECTS):
            record = self.warc_index.lookup(url)
            if record is None or not 300 <= record.status < 400:
                break
            if not record.location:
                break
            url = urljoin(url, record.location.strip())
        return url_key(url)

    def read_listings(self) -> dict[str, ListItem]:
        """What the profile's list pages in the files say about each article: its teaser, thumbnail and date.

        A live crawl reaches articles through their lists and keeps these; an import reads every page on its own, so
        the list pages are read first, from the files, before any article is requested.
        """
        found: dict[str, ListItem] = {}
        for record in self.page_records():
            if self.is_article_url(record.url):
                continue
            try:  # within the page limit, as when the page itself is requested
                answer = self.warc_index.replay(record, max_size=self._page_limit())
            except ReplayFailed:
                continue  # requested like every page: its failure is recorded then
            content_type = next((v for n, v in answer.headers if n.lower() == "content-type"), None)
            listing = self.profile.parse_list(decode_page(answer.body, content_type), record.url)
            for entry in listing.items:
                key = self.article_key(entry.url)
                if key not in found or (entry.summary and not found[key].summary):
                    found[key] = entry
        return found

    def _page_limit(self) -> int:
        """The largest page a replay may decode: the page limit, under the ``DOWNLOAD_MAXSIZE`` ceiling."""
        limits = [v for v in (getattr(self, "page_maxsize", 0), self.crawler.settings.getint("DOWNLOAD_MAXSIZE")) if v]
        return min(limits) if limits else 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if getattr(self, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        if self.profile is not None:
            self.listings = self.read_listings()
        for url in self.start_urls_from_warc():
            kind = "article" if self.is_article_url(url) else "page"
            key = self.article_key(url) if kind == "article" else None
            request = self.page_request(url, kind, self.parse_page, key=key)
            if request is not None:
                yield request

    def read_page(self, page: TextResponse) -> Article | None:
        """The article on a page, or None: the profile's article pages where there is a profile, else the page's say."""
        if self.profile is not None:
            return self.read_article(page) if self.is_article_url(page.url) else None
        return article_on_page(page.selector, page.url)

    def parse_page(self, response: Response) -> Iterable[ArticleItem]:
        page = self.text_or_fail(response)
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        article = self.read_page(page)
        if article is None:
            return
        self.crawler.stats.inc_value("govscraper/article_pages")
        item = self.make_item(article, page.url, self.listings.get(self.article_key(page.url)))
        item.capture_id = response.meta.get("govscraper_capture_id")
        record = response.meta.get("govscraper_warc_record")
        item.origin = "warc"
        if record is not None:
            item.origin_url = origin_url(record)
            item.origin_date = record.warc_date
        yield item


@cache
def warc_import_spider(platform_spider: type[PortalSpider]) -> type[PortalSpider]:
    """The import spider for portals of ``platform_spider``'s platform: its profile, keys and ids, with the WARC files
    as the way in."""
    return type(f"WarcImport{platform_spider.__name__}", (WarcImportMixin, platform_spider), {})
