"""Downloader middleware: retries that back off, so a struggling government server gets room to recover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


def backoff_delay(attempt: int, base: float, ceiling: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): ``base * 2**(attempt-1)``, capped.

    A server's ``Retry-After`` (in seconds) is honoured when it asks for longer, up to the same cap.
    """
    delay = base * 2 ** max(attempt - 1, 0)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, float(retry_after.strip()))
    return min(delay, ceiling)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but a retried request waits ``GOVSCRAPER_RETRY_BACKOFF * 2**n`` seconds first."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.backoff = crawler.settings.getfloat("GOVSCRAPER_RETRY_BACKOFF", 2.0)
        middleware.backoff_max = crawler.settings.getfloat("GOVSCRAPER_RETRY_BACKOFF_MAX", 60.0)
        return middleware

    async def process_request(self, request: Request) -> None:
        attempt = request.meta.get("retry_times", 0)
        if attempt:
            from twisted.internet import (
                reactor,  # the installed one; importing earlier would install the default
            )

            delay = backoff_delay(attempt, self.backoff, self.backoff_max, request.meta.get("retry_after"))
            await maybe_deferred_to_future(deferLater(reactor, delay))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if result is not response:
            retry_after = response.headers.get(b"Retry-After")
            if retry_after:
                result.meta["retry_after"] = retry_after.decode("latin-1")
        return result
