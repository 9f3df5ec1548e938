"""Revisits of archived articles (``crawl --full``, ``govscraper check``): is the article still on its portal?

An archived article asked for again is asked so that the answer itself can be judged: redirects are not followed
and 404/410 reach the callback. :meth:`RevisitMixin.article_page` reads the answer with
:func:`govscraper.archive.presence.judge` (the platform's own reader tells an empty template from an article) and
records the verdict on the article's standing (:meth:`govscraper.archive.writer.Archive.record_presence`: missing,
removed after repeated misses, restored, moved); a page saying that the article is gone is never a failed
extraction, so a ``--full`` crawl after removals raises no layout alarm. A portal whose every revisited article
redirects to another site (a domain sold or parked) ends the run unreachable instead of losing each article.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from govscraper.archive.presence import REDIRECTS, Verdict, judge
from govscraper.extract.detect import article_on_page
from govscraper.extract.links import classify
from govscraper.model import Article

#: Revisits of archived articles that redirect to another site, while none answered with its article, after which the
#: whole portal is taken to be gone (sold, parked, moved) rather than each article removed.
OFFSITE_REVISITS = 5


class RevisitMixin:
    """The revisit side of :class:`govscraper.spiders.base.PortalSpider` (see the module's docstring)."""

    portal: Any
    crawler: Any
    logger: Any
    mode: str
    not_modified: Any
    text_or_fail: Any
    read_article: Any
    source_id: Any
    fail: Any
    #: Revisits so far by verdict (present, missing, moved, unknown), and how many redirected off the portal.
    _revisits: dict[str, int]

    #: Whether this spider's answers come from the portal itself, so that a revisit's 404 says the article is gone
    #: (a Wayback or WARC source's answers say nothing about the portal).
    revisits = True

    def mark_revisit(self, request: scrapy.Request) -> None:
        """Ask for an archived article so that the answer itself can be judged: redirects not followed, 404 and
        410 handed to the callback (:func:`govscraper.archive.presence.judge`)."""
        request.meta["dont_redirect"] = True
        request.meta["handle_httpstatus_list"] = [*REDIRECTS, 404, 410]
        request.meta["govscraper_revisit"] = True

    def article_page(self, response: Response) -> TextResponse | None:
        """The article page to read, or None: a 304 (the article unchanged), a page that cannot be read (recorded
        as a failure), or, on a revisit, an article that is no longer there (recorded as such by
        :meth:`record_revisit`, never as a failed extraction)."""
        revisit = response.meta.get("govscraper_revisit")
        if self.not_modified(response):
            if revisit:
                self.record_revisit(response, Verdict("present", "304 Not Modified"))
            return None
        if not revisit:
            return self.text_or_fail(response)
        location = response.headers.get(b"Location", b"").decode("latin-1").strip()
        target = urljoin(response.url, location) if location else None
        page, text, has_article = None, None, True
        if 200 <= response.status < 300:
            page = self.text_or_fail(response)
            if page is None:
                return None  # not a page (an image, bytes): recorded as a failure, says nothing certain
            text, has_article = self.text_for_verdict(page)
        verdict = judge(
            response.status,
            location=target,
            home=self.portal.base_url,
            is_article_url=target is not None and classify(target) == "article",
            page_text=text,
            has_article=has_article,
        )
        self.record_revisit(response, verdict)
        self._revisits[verdict.kind] = self._revisits.get(verdict.kind, 0) + 1
        offsite = verdict.kind == "unknown" and verdict.reason.endswith("to another site")
        self._revisits["offsite"] = self._revisits.get("offsite", 0) + offsite
        if offsite and self._revisits["offsite"] >= OFFSITE_REVISITS and not self._revisits.get("present"):
            # The whole portal sends its visitors elsewhere (a domain sold, parked or moved): one reason, not a
            # failure per article, and not a removal of each (the run ends unreachable; portal_outages keeps it).
            self.portal_gone(f"every article asked for redirects to another site ({verdict.location})")
            return None
        if verdict.kind == "unknown":
            self.fail(response.url, "article", f"revisit: {verdict.reason}", response.status)
        return page if verdict.kind == "present" else None

    def portal_gone(self, reason: str) -> None:
        """End the run as ``unreachable`` with ``reason``, as when the portal's host cannot be reached."""
        from scrapy.utils.defer import deferred_from_coro

        from govscraper.crawl.stopping import stop_crawl

        if self.crawler.stats.get_value("govscraper/unreachable"):
            return
        reason = f"could not reach {self.portal.base_url}: {reason}"
        self.crawler.stats.set_value("govscraper/unreachable", reason)
        self.logger.warning("%s: the run ends", reason)
        stop_crawl(self.crawler, "unreachable")
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="unreachable"))

    def text_for_verdict(self, page: TextResponse) -> tuple[str, bool]:
        """The text a soft 404 would show (the page's title, and the article's title and opening or, without an
        article, the page's text) and whether the platform's reader finds an article (a title or a text)."""
        title = " ".join(page.css("title::text").getall())
        try:
            article: Article | None = self.read_article(page)
        except NotImplementedError:  # the generic path: the page itself decides
            article = article_on_page(page.selector, page.url)
        except RecursionError:
            article = None
        if article is None or not (article.title or article.body):
            return f"{title} {' '.join(page.css('body ::text').getall())[:5000]}", False
        return f"{title} {article.title or ''} {(article.body or '')[:500]}", True

    def record_revisit(self, response: Response, verdict: Verdict) -> None:
        """Apply a revisit's verdict to the archived article's standing (events: missing, removed, restored,
        moved; :meth:`Archive.record_presence`); counted in the stats as ``govscraper/revisit/<kind>``."""
        from govscraper.archive.writer import archive_for

        archive = archive_for(self.crawler)
        article_id = response.meta.get("govscraper_article_id") or archive.article_id_for(
            response.url, self.portal.id, self.source_id(response.url)
        )
        self.crawler.stats.inc_value(f"govscraper/revisit/{verdict.kind}")
        if article_id is None:
            return
        settings = self.crawler.settings
        event = archive.record_presence(
            article_id,
            verdict,
            response.status,
            response.meta.get("govscraper_capture_id"),
            checks=settings.getint("GOVSCRAPER_REMOVAL_CHECKS", 3),
            days=settings.getfloat("GOVSCRAPER_REMOVAL_DAYS", 7.0),
        )
        if event:
            self.crawler.stats.inc_value(f"govscraper/revisit/event/{event}")
            self.logger.info("%s: %s (%s)", response.url, event, verdict.reason)
