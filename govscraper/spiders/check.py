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

import scrapy
from scrapy.http import Response

from govscraper.archive.writer import archive_for
from govscraper.spiders.base import PortalSpider, with_way_in


class CheckMixin:
    """Turns a platform spider into the revisit of its archived articles (see the module's docstring); the judging
    and recording are the platform spider's own (:meth:`PortalSpider.article_page`), as in a ``--full`` crawl."""

    #: The articles to revisit, ``(id, url)``, set when the run opens (:meth:`prepare`).
    to_check: list[tuple[int, str]]

    def prepare(self, mode: str, known_ids: set[str], known_urls: set[str]) -> None:
        super().prepare(mode, known_ids, known_urls)  # type: ignore[misc]
        spider: Any = self
        sample = spider.crawler.settings.getint("GOVSCRAPER_CHECK_SAMPLE", 0)
        self.to_check = archive_for(spider.crawler).articles_to_check(spider.portal.id, sample or None)

    def discovery_requests(self) -> Iterable[scrapy.Request]:
        return ()  # a check asks for archived articles only: no sitemap, no feed

    async def start(self) -> AsyncIterator[scrapy.Request]:
        spider: Any = self
        if getattr(spider, "refused", None):
            return  # another crawl of this portal holds its job lock (logged by the run record)
        for article_id, url in getattr(self, "to_check", []):
            request = spider.page_request(url, "article", self.parse_check, conditional=True, key=f"check:{article_id}")
            if request is not None:
                spider.mark_revisit(request)
                request.meta["govscraper_article_id"] = article_id
                yield request

    def parse_check(self, response: Response) -> None:
        spider: Any = self
        spider.article_page(response)  # judged and recorded; the page itself is not read again for its article


def check_spider(platform_spider: type[PortalSpider]) -> type[PortalSpider]:
    """The check spider for a platform: ``check-<platform>``, the platform spider revisiting archived articles."""
    return with_way_in(CheckMixin, platform_spider, "check")
