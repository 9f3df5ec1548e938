"""The shared base of every platform spider: a portal, its start URLs, failures recorded, articles fetched once.

A platform spider only says how to read its pages (the pure functions in ``govscraper.extract``); walking list
pages, de-duplicating, staying on the portal's host, limits, failure recording and the crawl modes are done here
once, the way city-scrapers builds each site on a platform mixin.

Crawl modes (``spider.mode``, chosen by the run: see ``govscraper.jobs``):

* ``full``: every list page of every category, every article page (articles archived before are asked for with
  ``If-None-Match``/``If-Modified-Since``; a 304 marks them seen and unchanged);
* ``incremental``: each category from its newest page, conditionally; known articles are not fetched; the walk of a
  category stops after ``GOVSCRAPER_INCREMENTAL_STOP`` known articles in a row, or when its first page is unchanged;
* ``resume``: every list page (unconditionally), known articles skipped: the rest of an interrupted crawl.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from govscraper.errors import describe_failure
from govscraper.items import ArticleItem
from govscraper.model import Article, ImageRef, ListItem, ListPage
from govscraper.registry import Portal, get_portal
from govscraper.signals import article_unchanged, fetch_failed
from govscraper.text import decode_page

#: Request priorities: finish the articles of a list page before walking further down the list.
ARTICLE_PRIORITY = 10
LIST_PRIORITY = 0


class PortalSpider(scrapy.Spider):
    """Crawls one portal. Subclasses set ``name``/``platform`` and implement the ``read_*`` hooks."""

    platform = ""

    def __init__(
        self,
        portal: Portal | str | None = None,
        base_url: str | None = None,
        max_articles: int | str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if portal is None:
            raise ValueError("a portal is required: -a portal=ID")
        resolved = get_portal(portal) if isinstance(portal, str) else portal
        self.portal: Portal = resolved.rebased(base_url) if base_url else resolved
        self.max_articles = int(max_articles) if max_articles else None
        self.hosts = {self.portal.host} | {urlsplit(u).hostname or "" for u in self.portal.category_urls}
        self._seen: set[str] = set()
        self._articles_scheduled = 0
        #: full | incremental | resume; set by the run record (ArchiveRun) before the crawl starts.
        self.mode = "full"
        self.known_ids: set[str] = set()
        self.known_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.max_articles is None:
            spider.max_articles = crawler.settings.getint("GOVSCRAPER_MAX_ARTICLES") or None
        spider.page_maxsize = crawler.settings.getint("GOVSCRAPER_PAGE_MAXSIZE")
        spider.stop_after = crawler.settings.getint("GOVSCRAPER_INCREMENTAL_STOP", 10)
        return spider

    # Hooks for platform spiders ----------------------------------------------------------------------------

    def read_list(self, response: TextResponse) -> ListPage:
        """The list entries on a page, its next page, and the other list pages (pagination) it links to."""
        raise NotImplementedError

    def read_article(self, response: TextResponse) -> Article:
        raise NotImplementedError

    def article_key(self, url: str) -> str:
        """What identifies an article across URLs (the platform's id); the URL by default."""
        return canonicalize_url(url)

    def list_key(self, url: str) -> str:
        """What identifies a list page across URLs (the platform's page number); the URL by default."""
        return canonicalize_url(url)

    def source_id(self, url: str) -> str | None:
        """The platform's id of the article at ``url``, when its URL carries one."""
        return None

    def is_known(self, url: str) -> bool:
        """Whether the archive already holds the article at ``url`` (by the platform's id, else by URL)."""
        source_id = self.source_id(url)
        if source_id is not None and source_id in self.known_ids:
            return True
        return canonicalize_url(url) in self.known_urls

    def prepare(self, mode: str, known_ids: set[str], known_urls: set[str]) -> None:
        """Set the crawl mode and what the archive already holds (called by the run record at spider open)."""
        self.mode = mode
        self.known_ids = known_ids
        self.known_urls = {canonicalize_url(url) for url in known_urls}

    # Requests ----------------------------------------------------------------------------------------------

    def on_site(self, url: str) -> bool:
        return urlsplit(url).hostname in self.hosts

    def page_request(
        self,
        url: str,
        kind: str,
        callback: Any,
        *,
        priority: int = LIST_PRIORITY,
        key: str | None = None,
        conditional: bool = False,
        **cb_kwargs: Any,
    ) -> scrapy.Request | None:
        """A request for a page of the portal, or None when it was already requested, off-site or over the limit.

        Requests bypass Scrapy's duplicate filter (``dont_filter``) because de-duplication happens here, by
        article identity; that also lets a redirect loop run into REDIRECT_MAX_TIMES and be recorded as a
        failure instead of vanishing as a "duplicate". ``conditional`` asks the server only for a changed page
        (``ConditionalRequestMiddleware`` adds the validators of the last capture; a 304 reaches the callback).
        """
        if not url.startswith(("http://", "https://")) or not self.on_site(url):
            return None
        key = key or canonicalize_url(url)
        if key in self._seen:
            return None
        if kind == "article":
            if self.max_articles is not None and self._articles_scheduled >= self.max_articles:
                return None
            self._articles_scheduled += 1
        self._seen.add(key)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            dont_filter=True,
            cb_kwargs=cb_kwargs,
            meta={
                "govscraper_kind": kind,
                "download_maxsize": self.page_maxsize,
                "govscraper_conditional": conditional,
            },
        )

    def limit_reached(self) -> bool:
        return self.max_articles is not None and self._articles_scheduled >= self.max_articles

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if getattr(self, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        for url in self.portal.category_urls:
            request = self.page_request(
                url, "list", self.parse_list, key=self.list_key(url), conditional=self.mode == "incremental"
            )
            if request is not None:
                yield request

    # Callbacks ---------------------------------------------------------------------------------------------

    def text_or_fail(self, response: Response) -> TextResponse | None:
        """The response as text, or None after recording why a page was not HTML (an image, a PDF...).

        The Content-Type header decides: Scrapy falls back to the URL's extension, and an article URL ending in
        ``.html`` that answers ``image/jpeg`` would otherwise be parsed as a page.
        """
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        textual = (
            not content_type or content_type.startswith("text/") or "html" in content_type or "xml" in content_type
        )
        if isinstance(response, TextResponse) and textual:
            return self.redecoded(response)
        self.fail(
            response.url,
            response.meta.get("govscraper_kind", "page"),
            f"not an HTML page (Content-Type: {content_type or 'none'})",
            response.status,
        )
        return None

    @staticmethod
    def redecoded(response: TextResponse) -> TextResponse:
        """The page decoded by govscraper's rules when Scrapy chose a single-byte encoding.

        Scrapy trusts the Content-Type header and decodes with ``errors="replace"``: UTF-8 served as ISO-8859-1
        loses the 0x90 byte of "Đ" for good, and Windows-1258 comes out decomposed. :func:`decode_page` weighs
        header, ``<meta>`` and BOM against the bytes. Pages Scrapy read as UTF-8 (nearly all) are left as they are.
        """
        if codecs.lookup(response.encoding).name in ("utf-8", "utf-16", "utf-32"):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        text = decode_page(response.body, content_type)
        return response.replace(body=text.encode("utf-8"), encoding="utf-8")

    def not_modified(self, response: Response) -> bool:
        """A 304 to a conditional request: counted, and for an article, recorded as seen and unchanged."""
        if response.status != 304:
            return False
        self.crawler.stats.inc_value("govscraper/not_modified")
        if response.meta.get("govscraper_kind") == "article":
            self.crawler.signals.send_catch_log(article_unchanged, url=response.url)
        return True

    def parse_list(self, response: Response, streak: int = 0) -> Iterable[scrapy.Request]:
        if self.not_modified(response):
            return  # the list is as it was: nothing new in this category
        page = self.text_or_fail(response)
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        listing = self.read_list(page)
        self.crawler.stats.inc_value("govscraper/list_items", len(listing.items))
        for entry in listing.items:
            if self.mode != "full" and self.is_known(entry.url):
                streak += 1
                continue
            streak = 0
            request = self.page_request(
                entry.url,
                "article",
                self.parse_article,
                priority=ARTICLE_PRIORITY,
                key=self.article_key(entry.url),
                conditional=self.mode == "full",
                listing=entry,
            )
            if request is not None:
                yield request
        if self.limit_reached():
            return
        if self.mode == "incremental":
            # Newest first: once enough archived articles come in a row, the rest of the category is archived too.
            if streak < self.stop_after and listing.next_url:
                request = self.page_request(
                    listing.next_url, "list", self.parse_list, key=self.list_key(listing.next_url), streak=streak
                )
                if request is not None:
                    yield request
            return
        for url in ([listing.next_url] if listing.next_url else []) + listing.pages:
            request = self.page_request(url, "list", self.parse_list, key=self.list_key(url))
            if request is not None:
                yield request

    def parse_article(self, response: Response, listing: ListItem | None = None) -> Iterable[ArticleItem]:
        if self.not_modified(response):
            return
        page = self.text_or_fail(response)
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        self.crawler.stats.inc_value("govscraper/article_pages")
        item = self.make_item(self.read_article(page), page.url, listing)
        item.capture_id = response.meta.get("govscraper_capture_id")
        yield item

    def make_item(self, article: Article, url: str, listing: ListItem | None = None) -> ArticleItem:
        """The item for an article page, with what its list entry added (teaser, thumbnail, fallback date)."""
        item = ArticleItem(**vars(article), url=url, portal_id=self.portal.id)
        if listing is not None:
            item.summary = listing.summary
            item.title = item.title or listing.title
            item.published = item.published or listing.published
            item.views = item.views if item.views is not None else listing.views
            if listing.thumbnail:
                item.thumbnail_url = listing.thumbnail
                if all(image.url != listing.thumbnail for image in item.images):
                    item.images.append(ImageRef(url=listing.thumbnail, role="thumbnail"))
        item.platform = item.platform or self.platform
        return item

    # Failures ----------------------------------------------------------------------------------------------

    def fail(self, url: str, kind: str, error: str, status: int | None = None, referer: str | None = None) -> None:
        self.logger.warning("not archived: %s %s (%s)", kind, url, error)
        self.crawler.signals.send_catch_log(
            fetch_failed, url=url, kind=kind, error=error, status=status, referer=referer
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        error, status = describe_failure(failure)
        referer = request.headers.get(b"Referer", b"").decode("latin-1") or None
        self.fail(request.url, request.meta.get("govscraper_kind", "page"), error, status, referer)
