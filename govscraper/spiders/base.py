"""The shared base of every platform spider: a portal, its start URLs, failures recorded, articles fetched once.

A platform spider only says how to read its pages (the pure functions in ``govscraper.extract``); walking list
pages, de-duplicating, staying on the portal's host, limits, failure recording and the crawl modes are done here
once, the way city-scrapers builds each site on a platform mixin.

Crawl modes (``spider.mode``, chosen by the run: see ``govscraper.crawl.jobs``):

* ``full``: every list page of every category, every article page (articles archived before are asked for with
  ``If-None-Match``/``If-Modified-Since``; a 304 marks them seen and unchanged);
* ``incremental``: each category from its newest page, conditionally; known articles are not fetched; the walk of a
  category stops after ``GOVSCRAPER_INCREMENTAL_STOP`` known articles in a row, or when its first page is unchanged;
* ``resume``: every list page (unconditionally), known articles skipped: the rest of an interrupted crawl.

Sitemaps and feeds (``GOVSCRAPER_SITEMAPS``, on by default): the ``Sitemap:`` lines of the robots.txt Scrapy fetches
anyway, a probe for ``/sitemap.xml`` (a 404 is no failure), the registry entry's ``feeds`` and the feed links of the
start pages are read with the safe parsers of ``govscraper.sources.feeds``. The article URLs they name are kept
aside and requested when link-following has run out (``spider_idle``), so an article found both ways is fetched
once, with its list entry's teaser and thumbnail, and the sitemap adds only what no list links. A sitemap or feed
that cannot be read is recorded in ``fetch_failures`` (kind ``sitemap`` or ``feed``) and the crawl goes on.

Hostile sites: pages stay within the portal's scope (:class:`govscraper.crawl.scope.Scope`: its scheme, host and
port, and the registry's aliases; redirects that leave it are refused by ``ScopeMiddleware`` and recorded here under
the page that redirected); links to loopback, private or link-local hosts from a portal on the public web are
recorded as refused; every page is decoded by govscraper's own rules (:func:`govscraper.text.decode.decode_html`),
and a page that is binary data or nested deeper than :data:`MAX_NESTING` levels is recorded as a failure instead of
being read; at most ``GOVSCRAPER_MAX_LINKS_PER_PAGE`` links are read from a page, the rest counted in one failure row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from govscraper.addresses import AddressPolicy, host_kind, parse_networks
from govscraper.crawl.failures import describe_failure
from govscraper.crawl.scope import OutOfScope, Scope
from govscraper.extract.links import anchors_beyond, classify, discover_links, is_file, is_trap, page_number
from govscraper.items import ArticleItem
from govscraper.model import Article, ImageRef, ListItem, ListPage
from govscraper.registry import Portal, get_portal
from govscraper.signals import article_unchanged, fetch_failed, list_announced
from govscraper.sources import feeds
from govscraper.spiders.revisit import RevisitMixin
from govscraper.text.dates import VN_TZ
from govscraper.text.decode import decode_html

#: Request priorities: finish the articles of a list page before walking further down the list.
ARTICLE_PRIORITY = 10
LIST_PRIORITY = 0
#: Article URLs from sitemaps and feeds are requested this many at a time, each time link-following runs out.
DISCOVERY_BATCH = 1000
#: Deepest element nesting read: Chromium's HTML parser stops nesting at 512 levels too, so no page a person can see
#: needs more, and the extractors (which recurse, one Python frame a level) stay far from Python's recursion limit.
MAX_NESTING = 512
TOO_DEEP = f"page too deeply nested (more than {MAX_NESTING} levels of elements)"


#: An element more than MAX_NESTING levels below the root, asked of libxml2 in C: each step of the path expands the
#: set of the level before, which is empty after a few dozen levels on an ordinary page (0.04 ms a page, a third of
#: what walking the tree from Python cost).
_TOO_DEEP = etree.XPath("boolean(/*" + "/*" * MAX_NESTING + ")")


def nested_deeper_than_limit(root: Any) -> bool:
    """Whether an lxml tree nests elements more than :data:`MAX_NESTING` levels deep."""
    return bool(_TOO_DEEP(root))


class PortalSpider(RevisitMixin, scrapy.Spider):
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
        self.hosts |= set(self.portal.aliases)
        #: Where pages may come from (ScopeMiddleware refuses the rest, redirects included).
        self.scope = Scope([self.portal.base_url, *self.portal.category_urls], aliases=self.portal.aliases)
        #: Which addresses the crawl may reach (completed with GOVSCRAPER_ALLOW_NETWORKS in from_crawler).
        self.address_policy = AddressPolicy.for_hosts(self.portal.host, self.hosts)
        self.max_links = 2000
        #: Links to non-public addresses already recorded as refused (each once).
        self._refused_links: set[str] = set()
        self._seen: set[str] = set()
        self._articles_scheduled = 0
        self._revisits: dict[str, int] = {}  # see RevisitMixin
        #: full | incremental | resume; set by the run record (ArchiveRun) before the crawl starts.
        self.mode = "full"
        self.known_ids: set[str] = set()
        self.known_urls: set[str] = set()
        #: Sitemaps and feeds (set from the settings in from_crawler).
        self.discover = False
        self.sitemap_maxsize = feeds.MAX_SIZE
        self.sitemap_max_files = 50
        self.sitemap_max_depth = 2
        self._sitemap_files = 0
        #: Article URLs found in sitemaps and feeds, not requested yet: article key → (URL, its entry as a list item).
        self._discovered: dict[str, tuple[str, ListItem]] = {}
        #: When the portal's last finished crawl started (incremental crawls): sitemap dates are compared with it.
        self.last_crawl: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.max_articles is None:
            spider.max_articles = crawler.settings.getint("GOVSCRAPER_MAX_ARTICLES") or None
        spider.page_maxsize = crawler.settings.getint("GOVSCRAPER_PAGE_MAXSIZE")
        spider.stop_after = crawler.settings.getint("GOVSCRAPER_INCREMENTAL_STOP", 10)
        settings = crawler.settings
        spider.max_links = settings.getint("GOVSCRAPER_MAX_LINKS_PER_PAGE", 2000) or None
        networks = parse_networks(settings.getlist("GOVSCRAPER_ALLOW_NETWORKS"))
        spider.address_policy = AddressPolicy.for_hosts(spider.portal.host, spider.hosts, networks)
        spider.discover = settings.getbool("GOVSCRAPER_SITEMAPS", True)
        spider.sitemap_maxsize = settings.getint("GOVSCRAPER_SITEMAP_MAXSIZE", feeds.MAX_SIZE)
        spider.sitemap_max_files = settings.getint("GOVSCRAPER_SITEMAP_MAX_FILES", 50)
        spider.sitemap_max_depth = settings.getint("GOVSCRAPER_SITEMAP_MAX_DEPTH", 2)
        if spider.discover:
            crawler.signals.connect(spider.robots_received, signal=signals.response_received)
            crawler.signals.connect(spider.request_discovered, signal=signals.spider_idle)
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
        if mode == "incremental" and self.discover:
            self.last_crawl = self._last_finished_crawl()

    def _last_finished_crawl(self) -> datetime | None:
        from govscraper.archive.writer import archive_for

        started = archive_for(self.crawler).last_finished_run(self.portal.id)
        return datetime.fromisoformat(started) if started else None

    # Requests ----------------------------------------------------------------------------------------------

    @property
    def offline(self) -> bool:
        """Whether the answers come from files (a WARC import), not the network: no address rules, no budget, and
        pages are in scope by host (the files' hosts), whatever their scheme and port."""
        return getattr(self, "warc_index", None) is not None

    def on_site(self, url: str) -> bool:
        """Whether a page URL is within the crawl's scope (scheme, host and port; see :class:`Scope`)."""
        if self.offline:
            return (urlsplit(url).hostname or "") in self.hosts
        return self.scope.allows(url)

    def refused_link(self, url: str, kind: str, referer: str | None = None) -> None:
        """Record, once, a link to a loopback, private or link-local host that a public portal's crawl refuses.

        Links to other sites are simply not followed; these are recorded because a portal pointing its visitors
        (and so the crawler) at such an address is a fault or an attack worth seeing in ``fetch_failures``.
        """
        host = urlsplit(url).hostname or ""
        if url in self._refused_links or host_kind(host) is None:
            return
        reason = self.address_policy.literal_refusal(host)
        if reason:
            self._refused_links.add(url)
            self.fail(url, kind, f"{reason}: link not followed", referer=referer)

    def too_many_links(self, url: str, total: int, ignored: int) -> None:
        """One warning and one ``fetch_failures`` row (kind ``page``) for a page with more links than are read."""
        error = f"{ignored} links ignored: the page has {total}, over GOVSCRAPER_MAX_LINKS_PER_PAGE ({self.max_links})"
        self.logger.warning("%s: %s", url, error)
        self.crawler.stats.inc_value("govscraper/links_ignored", ignored)
        self.crawler.signals.send_catch_log(fetch_failed, url=url, kind="page", error=error, status=None, referer=None)

    def essential_hosts(self) -> set[str]:
        """The hosts this crawl cannot do without: when one of them cannot be reached, the run is ``unreachable``."""
        return set(self.hosts)

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
        if not url.startswith(("http://", "https://")):
            return None
        if not self.on_site(url):
            self.refused_link(url, kind)
            return None
        key = key or canonicalize_url(url)
        if key in self._seen:
            return None
        if kind == "article":
            if self.max_articles is not None and self._articles_scheduled >= self.max_articles:
                return None
            self._articles_scheduled += 1
        self._seen.add(key)
        request = scrapy.Request(
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
        if kind == "article" and self.mode == "full" and self.revisits and self.is_known(url):
            self.mark_revisit(request)  # an archived article asked for again: its answer says if it is still there
        return request

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
                request.meta["govscraper_start"] = True
                yield request
        for request in self.discovery_requests():
            yield request

    # Callbacks ---------------------------------------------------------------------------------------------

    def text_or_fail(self, response: Response, url: str | None = None) -> TextResponse | None:
        """The response as a page decoded by govscraper's rules (at ``url`` when given), or None after recording why
        it cannot be read: not HTML (an image, a PDF...), binary data, or nested too deeply.

        The Content-Type header decides what is a page: Scrapy falls back to the URL's extension, and an article URL
        ending in ``.html`` that answers ``image/jpeg`` would otherwise be parsed as a page.
        """
        kind = response.meta.get("govscraper_kind", "page")
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        textual = (
            not content_type or content_type.startswith("text/") or "html" in content_type or "xml" in content_type
        )
        if not isinstance(response, TextResponse) or not textual:
            self.fail(response.url, kind, f"not an HTML page (Content-Type: {content_type or 'none'})", response.status)
            return None
        page = self.redecoded(response, url)
        if page is None:
            return None
        if nested_deeper_than_limit(page.selector.root):
            self.crawler.stats.inc_value("govscraper/pages_too_deep")
            self.fail(response.url, kind, TOO_DEEP, response.status)
            return None
        return page

    def redecoded(self, response: TextResponse, url: str | None = None) -> TextResponse | None:
        """The page decoded by govscraper's rules, always; None after recording a page that is no text at all.

        A page with more than ``GOVSCRAPER_MAX_LINKS_PER_PAGE`` links is cut before the first link not read (one
        warning, one ``fetch_failures`` row saying how many were ignored; ``govscraper_links_cut`` in its meta): its
        parsed tree would cost memory in proportion to its links (136 MB for 200,000), to read links that are then
        ignored. The raw capture keeps the whole page.

        Scrapy trusts the labels (the header's charset, else ``<meta>``) and decodes with ``errors="replace"``: a
        Windows-1258 page declared UTF-8 lost its Vietnamese letters to replacement characters, UTF-8 served as
        ISO-8859-1 loses the 0x90 byte of "Đ", a UTF-16 label on UTF-8 bytes gives noise. :func:`decode_html`
        weighs header, ``<meta>`` and BOM against the bytes. For the usual page (UTF-8, already NFC) the body's own
        bytes are kept.
        """
        header = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        decoded = decode_html(response.body, header)
        if decoded.problem:
            self.fail(
                response.url,
                response.meta.get("govscraper_kind", "page"),
                f"cannot decode the page: {decoded.problem}",
                response.status,
            )
            return None
        text = decoded.text
        beyond = anchors_beyond(text, self.max_links) if self.max_links else None
        if beyond is not None:
            text = text[: beyond[0]]
        body = response.body if decoded.exact and beyond is None else text.encode("utf-8")
        page = response.replace(body=body, encoding="utf-8", **({"url": url} if url else {}))
        if beyond is not None:
            page.meta["govscraper_links_cut"] = True
            self.too_many_links(page.url, beyond[1], beyond[1] - (self.max_links or 0))
        return page

    def not_modified(self, response: Response) -> bool:
        """A 304 to a conditional request: counted, and for an article, recorded as seen and unchanged."""
        if response.status != 304:
            return False
        self.crawler.stats.inc_value("govscraper/not_modified")
        if response.meta.get("govscraper_kind") == "article" and self.mode != "check":  # a check changes no article
            self.crawler.signals.send_catch_log(article_unchanged, url=response.url)
        return True

    def parse_list(self, response: Response, streak: int = 0) -> Iterable[scrapy.Request]:
        if self.not_modified(response):
            return  # the list is as it was: nothing new in this category
        page = self.text_or_fail(response)
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        yield from self.feeds_on_start_page(page)
        if response.meta.get("govscraper_start") and not self.portal.start_urls:
            yield from self.lists_from_home(page)
        try:
            listing = self.read_list(page)
        except RecursionError:  # nesting within MAX_NESTING that a reader still could not walk
            self.fail(page.url, response.meta.get("govscraper_kind", "list"), TOO_DEEP)
            return
        self.cap_links(listing, page.url)
        self.crawler.stats.inc_value("govscraper/list_items", len(listing.items))
        self.announce(listing, page.url)
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

    def lists_from_home(self, page: TextResponse) -> Iterable[scrapy.Request]:
        """For an entry that names no start URL: every page the home page and its menus link to, read as a list.

        Which links lead to a category's list cannot be told from the URL on every platform (``/kinh-te-xa-hoi`` is a
        list on one portal, an introduction page on another), so each same-site page the home page links to, other
        than articles, files and traps, is asked for once and read as a list: a category's first page yields its
        entries and its pager, any other page yields nothing and costs that one request. Pager links other than a
        first page are left to their list. (Without this, a Liferay 6.2 entry with no start URLs archived only the
        19 articles of the replica's home page boxes, of 36.)"""
        links = discover_links(page.selector, page.url, limit=self.max_links, hosts=self.portal.aliases)
        for url in [*links.lists, *links.other]:
            if page_number(url) not in (None, 1):
                continue
            request = self.page_request(
                url, "list", self.parse_list, key=self.list_key(url), conditional=self.mode == "incremental"
            )
            if request is not None:
                yield request

    def announce(self, listing: ListPage, url: str) -> None:
        """A list's first page that says how long the list is (a total, or a pager's last page): kept, so that
        coverage can set what the portal announces beside what was archived."""
        if listing.current_page not in (None, 1) or not listing.items:
            return
        last_page = listing.last_page if listing.last_page and listing.last_page > 1 else None
        if listing.total_results is None and last_page is None:
            return
        self.crawler.signals.send_catch_log(
            list_announced, key=self.list_key(url), url=url, total=listing.total_results, last_page=last_page,
            per_page=len(listing.items),
        )  # fmt: skip

    def parse_article(self, response: Response, listing: ListItem | None = None) -> Iterable[ArticleItem]:
        page = self.article_page(response)
        if page is None:
            return
        self.crawler.stats.inc_value("govscraper/pages")
        self.crawler.stats.inc_value("govscraper/article_pages")
        try:
            article = self.read_article(page)
        except RecursionError:  # nesting within MAX_NESTING that a reader still could not walk
            self.crawler.stats.inc_value("govscraper/extraction_failures")
            self.fail(page.url, "article", TOO_DEEP)
            return
        item = self.make_item(article, page.url, listing)
        item.capture_id = response.meta.get("govscraper_capture_id")
        yield item

    def cap_links(self, listing: ListPage, url: str) -> None:
        """Keep at most ``GOVSCRAPER_MAX_LINKS_PER_PAGE`` of a list page's links (entries first, then its pager)."""
        total = len(listing.items) + len(listing.pages)
        if self.max_links is None or total <= self.max_links:
            return
        listing.items = listing.items[: self.max_links]
        listing.pages = listing.pages[: self.max_links - len(listing.items)]
        self.too_many_links(url, total, total - self.max_links)

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

    # Sitemaps and feeds ------------------------------------------------------------------------------------

    def discovery_requests(self) -> list[scrapy.Request]:
        """The requests that look for sitemaps and feeds when a crawl starts (none when GOVSCRAPER_SITEMAPS is off).

        robots.txt is read as Scrapy's RobotsTxtMiddleware fetches it (:meth:`robots_received`); asked for here only
        when robots.txt is not obeyed. ``/sitemap.xml`` is a probe: a 404 or an HTML page there means no sitemap.
        """
        if not self.discover:
            return []
        root = urljoin(self.portal.base_url, "/")
        requests = [self.sitemap_request(urljoin(root, "/sitemap.xml"), probe=True)]
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            requests.insert(0, self._discovery_request(urljoin(root, "/robots.txt"), "robots", self.parse_robots))
        requests += [self.feed_request(urljoin(self.portal.base_url, feed)) for feed in self.portal.feeds]
        return [request for request in requests if request is not None]

    def _discovery_request(
        self, url: str, kind: str, callback: Any, *, probe: bool = True, depth: int = 0
    ) -> scrapy.Request | None:
        if not url.startswith(("http://", "https://")) or not self.on_site(url):
            return None
        key = f"{kind}:{canonicalize_url(url)}"
        if key in self._seen:
            return None
        if kind == "sitemap":
            if self._sitemap_files >= self.sitemap_max_files:
                self.crawler.stats.inc_value("govscraper/sitemaps_skipped")
                self.logger.warning("sitemap not read: %s (already %d this crawl)", url, self.sitemap_max_files)
                return None
            self._sitemap_files += 1
        self._seen.add(key)
        meta: dict[str, Any] = {"govscraper_kind": kind, "download_maxsize": self.sitemap_maxsize}
        if probe:
            meta["govscraper_probe"] = True
            meta["handle_httpstatus_list"] = [404, 410]
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_probe_error if probe else self.on_error,
            priority=LIST_PRIORITY,
            dont_filter=True,
            meta=meta,
            cb_kwargs={"depth": depth} if kind == "sitemap" else {},
        )

    def on_probe_error(self, failure: Failure) -> None:
        """A probe that fails is no failure of the crawl: ``/sitemap.xml`` is a guess, not a page the portal links.

        Whether robots.txt kept us from it, the server answered 5xx or the host could not be reached (then the
        start page's own failure says so), it is logged and the crawl goes on by following links.
        """
        from govscraper.crawl.stopping import stopping

        if stopping(self.crawler) or (failure.check(IgnoreRequest) and "robots.txt" in str(failure.value)):
            self.logger.debug("probe not sent: %s (%s)", failure.request.url, failure.value)
            return
        if isinstance(failure.value, OutOfScope):  # /sitemap.xml redirected off the site: worth a row
            self.fail(failure.value.source, failure.request.meta.get("govscraper_kind", "sitemap"), str(failure.value))
            return
        error, _status = describe_failure(failure)
        self.logger.info("no sitemap at %s (%s)", failure.request.url, error)

    def sitemap_request(self, url: str, *, probe: bool = False, depth: int = 0) -> scrapy.Request | None:
        return self._discovery_request(url, "sitemap", self.parse_sitemap, probe=probe, depth=depth)

    def feed_request(self, url: str) -> scrapy.Request | None:
        return self._discovery_request(url, "feed", self.parse_feed, probe=False)

    def robots_received(self, response: Response, request: Request, **_: Any) -> None:
        """The ``Sitemap:`` lines of the robots.txt that RobotsTxtMiddleware fetched (``response_received``)."""
        if not request.meta.get("dont_obey_robotstxt") or "govscraper_kind" in request.meta:
            return
        if response.status != 200 or not self.on_site(response.url) or urlsplit(response.url).path != "/robots.txt":
            return
        for sitemap in self.parse_robots(response):
            self.crawler.engine.crawl(sitemap)

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        if response.status != 200:
            return  # no robots.txt (a 404 to our own request): nothing to read, nothing failed
        text = response.body[: self.sitemap_maxsize].decode("utf-8", errors="replace")
        for url in feeds.sitemaps_from_robots(text, response.url):
            request = self.sitemap_request(url)
            if request is not None:
                yield request

    def _unreadable(self, response: Response, kind: str, error: feeds.FeedError) -> None:
        if response.meta.get("govscraper_probe") and isinstance(error, feeds.NotAFeed):
            self.logger.debug("no sitemap at %s (%s)", response.url, error)  # a portal's "not found" page
            return
        self.fail(response.url, kind, str(error), response.status)

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterable[scrapy.Request]:
        if response.status in (404, 410):
            return  # a probe for /sitemap.xml: the portal has none
        try:
            sitemap = feeds.parse_sitemap(response.body, max_size=self.sitemap_maxsize)
        except feeds.FeedError as error:
            self._unreadable(response, "sitemap", error)
            return
        self.crawler.stats.inc_value("govscraper/sitemaps")
        if sitemap.warning:
            self.fail(response.url, "sitemap", sitemap.warning, response.status)
        if sitemap.truncated:
            self.logger.warning("sitemap %s lists over %d URLs: the rest are left out", response.url, feeds.MAX_URLS)
        if sitemap.kind == "sitemapindex":
            if depth >= self.sitemap_max_depth:
                self.fail(response.url, "sitemap", f"sitemap index nested more than {self.sitemap_max_depth} deep")
                return
            for entry in sitemap.entries:
                if self.mode == "incremental" and not self.changed_since_last_crawl(entry.lastmod):
                    continue  # the sitemap has not changed since the last crawl read it
                request = self.sitemap_request(urljoin(response.url, entry.loc), depth=depth + 1)
                if request is not None:
                    yield request
            return
        self.crawler.stats.inc_value("govscraper/sitemap_urls", len(sitemap.entries))
        trusted = self.lastmods_trusted([entry.lastmod for entry in sitemap.entries])
        for entry in sitemap.entries:
            listing = ListItem(url=entry.loc, title=entry.title, published=entry.published)
            self.discovered(urljoin(response.url, entry.loc), listing, entry.lastmod if trusted else None)

    def parse_feed(self, response: Response) -> None:
        try:
            feed = feeds.parse_feed(response.body, response.url, max_size=self.sitemap_maxsize)
        except feeds.FeedError as error:
            self._unreadable(response, "feed", error)
            return
        if feed.warning:
            self.fail(response.url, "feed", feed.warning, response.status)
        self.crawler.stats.inc_value("govscraper/feed_entries", len(feed.entries))
        for entry in feed.entries:
            listing = ListItem(url=entry.link, title=entry.title, published=entry.published, summary=entry.summary)
            self.discovered(entry.link, listing, entry.updated or entry.published)

    def feeds_on_start_page(self, page: TextResponse) -> list[scrapy.Request]:
        """Requests for the feeds a start page announces (``<link rel="alternate">``); only on start pages."""
        if not self.discover or not page.meta.get("govscraper_start"):
            return []
        requests = [self.feed_request(url) for url in feeds.feed_links(page.selector, page.url)]
        return [request for request in requests if request is not None]

    def changed_since_last_crawl(self, lastmod: str | None) -> bool:
        """Whether a sitemap date may be after the start of the last finished crawl (True when unknown)."""
        if not lastmod or self.last_crawl is None:
            return True
        last = self.last_crawl.astimezone(VN_TZ)
        if len(lastmod) <= 10:  # a day (or month, or year) alone: changed unless it ended before the last crawl
            return lastmod >= last.date().isoformat()[: len(lastmod)]
        return datetime.fromisoformat(lastmod) >= last

    def lastmods_trusted(self, lastmods: list[str | None]) -> bool:
        """Whether a urlset's dates can single out changed articles: not when most of a long list changed since
        the last crawl (sitemaps generated on request often stamp every URL with the current time, and believing
        them would re-read every archived article on every incremental crawl)."""
        if self.mode != "incremental" or len(lastmods) < 20:
            return True
        changed = sum(1 for lastmod in lastmods if lastmod and self.changed_since_last_crawl(lastmod))
        if changed > len(lastmods) / 2:
            self.logger.info(
                "sitemap dates not used: %d of %d entries claim a change since the last crawl", changed, len(lastmods)
            )
            return False
        return True

    def wants_article(self, url: str) -> bool:
        """Whether a URL from a sitemap or feed is worth asking for as an article (platforms say it better)."""
        return not is_file(url) and not is_trap(url) and classify(url) == "article"

    def discovered(self, url: str, listing: ListItem, lastmod: str | None = None) -> None:
        """Keep an article URL from a sitemap or feed, to request when link-following runs out."""
        if not url.startswith(("http://", "https://")) or not self.on_site(url) or not self.wants_article(url):
            return
        changed = self.mode == "incremental" and lastmod is not None and self.changed_since_last_crawl(lastmod)
        if self.mode != "full" and not changed and self.is_known(url):
            return  # archived, and not changed since the last crawl: only a --full crawl looks at it again
        key = self.article_key(url)
        if key not in self._seen and key not in self._discovered:
            self._discovered[key] = (url, listing)

    def discovered_request(self, url: str, listing: ListItem, key: str) -> scrapy.Request | None:
        """The request for an article URL a sitemap or feed named (platforms with another callback override)."""
        return self.page_request(
            url,
            "article",
            self.parse_article,
            priority=ARTICLE_PRIORITY,
            key=key,
            conditional=self.mode != "resume",
            listing=listing,
        )

    def request_discovered(self) -> None:
        """``spider_idle``: request the next batch of sitemap and feed articles that link-following did not reach."""
        if not self._discovered:
            return
        if self.limit_reached():
            self._discovered.clear()
            return
        scheduled = 0
        while self._discovered and scheduled < DISCOVERY_BATCH:
            key = next(iter(self._discovered))
            url, listing = self._discovered.pop(key)
            request = self.discovered_request(url, listing, key)
            if request is not None:
                self.crawler.stats.inc_value("govscraper/discovered_articles")
                self.crawler.engine.crawl(request)
                scheduled += 1
        if scheduled or self._discovered:
            raise DontCloseSpider

    # Failures ----------------------------------------------------------------------------------------------

    def fail(self, url: str, kind: str, error: str, status: int | None = None, referer: str | None = None) -> None:
        self.logger.warning("not archived: %s %s (%s)", kind, url, error)
        self.crawler.signals.send_catch_log(
            fetch_failed, url=url, kind=kind, error=error, status=status, referer=referer
        )

    def on_error(self, failure: Failure) -> None:
        from govscraper.crawl.stopping import stopping

        if stopping(self.crawler):
            self.logger.debug("not fetched, the crawl is stopping: %s (%s)", failure.request.url, failure.value)
            return  # not a failure of the portal: --resume asks for it again
        request = failure.request
        error, status = describe_failure(failure)
        referer = request.headers.get(b"Referer", b"").decode("latin-1") or None
        url = failure.value.source if isinstance(failure.value, OutOfScope) else request.url  # the page that redirected
        self.fail(url, request.meta.get("govscraper_kind", "page"), error, status, referer)


_WAYS_IN: dict[tuple[type, type[PortalSpider]], type[PortalSpider]] = {}


def with_way_in(mixin: type, platform_spider: type[PortalSpider], prefix: str) -> type[PortalSpider]:
    """The platform spider with another way in (``mixin`` before it): ``<prefix>-<platform>``, made once per pair,
    so the platform's readers, keys and ids serve the Wayback Machine and the revisits as they serve the portal."""
    made = _WAYS_IN.get((mixin, platform_spider))
    if made is None:
        made = type(
            f"{prefix.capitalize()}{platform_spider.__name__}",
            (mixin, platform_spider),
            {"name": f"{prefix}-{platform_spider.name}", "__module__": mixin.__module__},
        )
        _WAYS_IN[(mixin, platform_spider)] = made
    return made
