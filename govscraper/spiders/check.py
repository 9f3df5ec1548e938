"""``govscraper check``: revisit a portal's archived articles and record which are gone, moved or back.

The platform's own spider with another way in (as :mod:`.wayback` is): instead of walking lists, it asks once for
each archived article's URL, oldest check first (``archive.articles_to_check``; ``--sample N`` of them), politely
like any crawl (robots.txt, AutoThrottle, the portal's delay), conditionally (a 304 says the article is there,
unchanged), and without following redirects, so that the answer itself is the evidence: it is captured in WARC like
every response, and the verdict (:func:`govscraper.archive.presence.judge`, read with the platform's own article
reader to tell an empty template from an article) goes to :meth:`Archive.record_presence`, which keeps the
article's standing and records ``missing``, ``removed`` (only after repeated misses), ``restored`` and ``moved``
events. The archived article and its versions are never touched.

Answers that say nothing about the article (5xx, 429, timeouts) are recorded as fetch failures, as in a crawl; a
portal that cannot be reached at all ends the run ``unreachable`` (one line, no failure per article), and the
archive keeps when that was first seen (``portal_outages``, written for any run by the run record).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from govscraper.archive.presence import REDIRECTS, judge
from govscraper.archive.writer import archive_for
from govscraper.extract.detect import article_on_page
from govscraper.extract.links import classify
from govscraper.model import Article
from govscraper.spiders.base import PortalSpider


class CheckMixin:
    """Turns a platform spider into the revisit of its archived articles (see the module's docstring)."""

    #: The articles to revisit, ``(id, url)``, set when the run opens (:meth:`prepare`).
    to_check: list[tuple[int, str]]

    def prepare(self, mode: str, known_ids: set[str], known_urls: set[str]) -> None:
        super().prepare(mode, known_ids, known_urls)  # type: ignore[misc]
        sample = self.crawler.settings.getint("GOVSCRAPER_CHECK_SAMPLE", 0)  # type: ignore[attr-defined]
        archive = archive_for(self.crawler)  # type: ignore[attr-defined]
        self.to_check = archive.articles_to_check(self.portal.id, sample or None)  # type: ignore[attr-defined]

    def discovery_requests(self) -> Iterable[scrapy.Request]:
        return ()  # a check asks for archived articles only: no sitemap, no feed

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if getattr(self, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        spider: Any = self
        for article_id, url in getattr(self, "to_check", []):
            request = spider.page_request(
                url, "article", self.parse_check, conditional=True, key=f"check:{article_id}", article_id=article_id
            )
            if request is not None:
                request.meta["dont_redirect"] = True
                request.meta["handle_httpstatus_list"] = [*REDIRECTS, 404, 410]
                yield request

    def parse_check(self, response: Response, article_id: int) -> None:
        spider: Any = self
        location = response.headers.get(b"Location", b"").decode("latin-1").strip() or None
        target = urljoin(response.url, location) if location else None
        page_text, has_article = None, True
        if 200 <= response.status < 300:
            page = spider.text_or_fail(response)
            if page is None:
                return  # not a page at all (an image, bytes): recorded as a failure, says nothing certain
            page_text, has_article = self.read_for_check(page)
        verdict = judge(
            response.status,
            location=target,
            home=spider.portal.base_url,
            is_article_url=target is not None and classify(target) == "article",
            page_text=page_text,
            has_article=has_article,
        )
        settings = spider.crawler.settings
        event = archive_for(spider.crawler).record_presence(
            article_id,
            verdict,
            response.status,
            response.meta.get("govscraper_capture_id"),
            checks=settings.getint("GOVSCRAPER_REMOVAL_CHECKS", 3),
            days=settings.getfloat("GOVSCRAPER_REMOVAL_DAYS", 7.0),
        )
        spider.crawler.stats.inc_value(f"govscraper/check/{verdict.kind}")
        if event:
            spider.crawler.stats.inc_value(f"govscraper/check/event/{event}")
            spider.logger.info("%s: %s (%s)", response.url, event, verdict.reason)

    def read_for_check(self, page: TextResponse) -> tuple[str, bool]:
        """The text a soft 404 would show (the page's title, and the article's title and opening or, without an
        article, the page's text) and whether the platform's reader finds an article on the page."""
        title = " ".join(page.css("title::text").getall())
        article = self.article_on(page)
        if article is None or not (article.title or article.body):
            return f"{title} {' '.join(page.css('body ::text').getall())[:5000]}", False
        return f"{title} {article.title or ''} {(article.body or '')[:500]}", True

    def article_on(self, page: TextResponse) -> Article | None:
        """The article the platform's reader finds on the page (the generic path: the page itself decides)."""
        spider: Any = self
        try:
            return spider.read_article(page)
        except NotImplementedError:
            return article_on_page(page.selector, page.url)
        except RecursionError:
            return None


_CLASSES: dict[type[PortalSpider], type[PortalSpider]] = {}


def check_spider(platform_spider: type[PortalSpider]) -> type[PortalSpider]:
    """The check spider for a platform: ``check-<platform>``, the platform spider revisiting archived articles."""
    made = _CLASSES.get(platform_spider)
    if made is None:
        made = type(
            f"Check{platform_spider.__name__}",
            (CheckMixin, platform_spider),
            {"name": f"check-{platform_spider.name}", "__module__": __name__},
        )
        _CLASSES[platform_spider] = made
    return made
