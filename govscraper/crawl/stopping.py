"""Stopping a crawl the way a person expects: at once, truthfully, and without losing anything archived.

Scrapy's own handling of Ctrl-C stops taking new requests but lets every request already handed to the downloader
run its course, politeness delays included: on a polite crawl that was 45-55 s of silent fetching, and a second
Ctrl-C then killed the reactor mid-way. govscraper installs its own handlers instead (:class:`StopControl`):

* The first SIGINT (Ctrl-C) or SIGTERM prints at once that the crawl is stopping and that a second Ctrl-C aborts.
  Nothing new is sent: requests waiting in the downloader for their politeness delay and retries waiting out their
  backoff are dropped (:class:`CrawlStopped`), and :class:`StopMiddleware` refuses any request made later (a photo
  of an article being stored). Requests on the wire get ``GOVSCRAPER_STOP_GRACE`` seconds to finish; then they are
  abandoned (:class:`StoppableDownloadHandler` cancels them, which closes their connections). Scrapy then closes
  the crawl normally: the run is recorded as ``interrupted`` with its counts, the WARC files get their index, the
  job state stays for ``--resume``. The command prints its summary and the resume command, and exits 130 (SIGINT)
  or 143 (SIGTERM), as shells report a process ended by those signals.
* A second signal aborts at once (``os._exit``), saying truthfully what happened: what was archived is kept (every
  article is committed with its photos in one transaction), the run stays open, and ``--resume`` continues it, as
  after a kill.

Nothing is lost either way: whatever was dropped, abandoned or refused after the stop began is not recorded as a
failure and not archived half (an article whose photo download was cut short is dropped whole), so the resumed run
fetches it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DropItem, IgnoreRequest
from twisted.python.failure import Failure

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Seconds that requests already on the wire get to finish once a stop began, before they are abandoned.
DEFAULT_GRACE = 5.0


class CrawlStopped(IgnoreRequest):
    """A request dropped, refused or abandoned because the crawl is stopping; ``--resume`` fetches it again."""

    def __init__(self, message: str = "the crawl is stopping: not fetched (--resume fetches it)") -> None:
        super().__init__(message)


class StoppedBeforeArchived(DropItem):
    """An article whose photos or documents could not all be fetched because the crawl stopped: dropped whole,
    not archived without them, so that ``--resume`` fetches it again with everything it links."""

    def __init__(self, url: str) -> None:
        # INFO: expected when a crawl stops, not a problem of the portal.
        super().__init__("the crawl stopped before its photos and documents were fetched: left for --resume", "INFO")


def stopping(crawler: Any) -> bool:
    """Whether a stop of this crawl began: the first Ctrl-C or SIGTERM, or its portal found unreachable."""
    return getattr(crawler, "govscraper_stopping", None) is not None


def stop_crawl(crawler: Any, why: str) -> int:
    """Begin stopping one crawl: mark it, drop what waits in its downloader; returns how many requests were dropped.

    Scrapy closes the crawl as the caller asks (``crawler.stop()`` for a signal, ``close_spider`` with a reason).
    """
    crawler.govscraper_stopping = why
    return StopControl.drop_waiting(crawler)


def exit_status(signum: int) -> int:
    """What a shell reports for a process ended by ``signum``: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


def _say(text: str) -> None:
    """Write to stderr from a signal handler: one raw write, no buffers or locks that the interrupted code holds."""
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace"))


class StopMiddleware:
    """Refuses every request once the crawl is stopping (first in the downloader middlewares: nothing is sent)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StopMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if stopping(self.crawler):
            raise CrawlStopped


class StoppableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, keeping its downloads in flight so that a stop can abandon them (cancelled, their
    connections closed) instead of waiting up to ``DOWNLOAD_TIMEOUT`` for a slow server."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._in_flight: set[asyncio.Task[Response]] = set()
        self._abandoned: set[asyncio.Task[Response]] = set()
        # One instance per scheme (http, https): the stop asks each of them.
        handlers = getattr(crawler, "govscraper_download_handlers", None)
        if handlers is None:
            handlers = crawler.govscraper_download_handlers = []  # type: ignore[attr-defined]
        handlers.append(self)

    async def download_request(self, request: Request) -> Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not under the asyncio reactor: nothing to keep track of
            return await super().download_request(request)
        task = asyncio.ensure_future(super().download_request(request))
        self._in_flight.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            if task in self._abandoned:
                raise CrawlStopped("the crawl was stopping: abandoned on the wire (--resume fetches it)") from None
            raise
        finally:
            self._in_flight.discard(task)
            self._abandoned.discard(task)

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def abandon(self) -> int:
        """Cancel every download on the wire; returns how many."""
        tasks = [task for task in self._in_flight if not task.done()]
        for task in tasks:
            self._abandoned.add(task)
            task.cancel()
        return len(tasks)


class StopControl:
    """The signal handlers of a process that runs crawls: a prompt graceful stop, then an abort.

    ``resume_hint`` returns the command that continues the work (for the abort message); ``grace`` is how long
    requests on the wire may take to finish once a stop began.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, process: Any, resume_hint: Callable[[], str], grace: float = DEFAULT_GRACE):
        self.process = process
        self.resume_hint = resume_hint
        self.grace = grace
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self._first)

    def uninstall(self) -> None:
        """Put the previous handlers back; after a stop, a further Ctrl-C still aborts at once (no traceback)."""
        for signum, handler in self._previous.items():
            signal.signal(signum, self._second if self.signum is not None else handler)
        self._previous.clear()

    # In the signal handler: only raw writes and handing over to the reactor. ----------------------------------

    def _first(self, signum: int, _frame: Any) -> None:
        from twisted.internet import reactor

        self.signum = signum
        for other in self.SIGNALS:
            signal.signal(other, self._second)
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        _say(
            f"\n{name}: stopping the crawl: nothing new is fetched; requests on the wire get {self.grace:g} s to "
            "finish. Press Ctrl-C again to abort at once.\n"
        )
        reactor.callFromThread(self.begin)

    def _second(self, signum: int, _frame: Any) -> None:
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        _say(
            f"\n{name} again: aborted. What was archived is kept; the run stays open and its WARC files are "
            f"repaired when it is continued: {self.resume_hint()}\n"
        )
        os._exit(exit_status(signum))

    # In the reactor. --------------------------------------------------------------------------------------------

    def begin(self) -> None:
        """Stop every crawl of the process: drop what waits, refuse what comes, give the wire ``grace`` seconds."""
        from twisted.internet import reactor

        for crawler in list(self.process.crawlers):
            dropped = stop_crawl(crawler, signal.Signals(self.signum or signal.SIGINT).name)
            if dropped:
                logger.info("stopping: %d requests waiting for their turn dropped", dropped)
        self.process.stop()
        reactor.callLater(self.grace, self.abandon)

    @staticmethod
    def drop_waiting(crawler: Any) -> int:
        """Fail the requests queued in the downloader (waiting out a politeness delay) and the retries waiting out
        their backoff: they were not sent, and ``--resume`` sends them."""
        dropped = 0
        engine = getattr(crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        for slot in list(getattr(downloader, "slots", {}).values()):
            while slot.queue:
                _request, deferred = slot.queue.popleft()
                deferred.errback(Failure(CrawlStopped()))
                dropped += 1
        if dropped and getattr(crawler, "stats", None) is not None:
            # Counted as requests when they entered the downloader, but never sent: the run's count leaves them out.
            crawler.stats.inc_value("govscraper/requests_dropped", dropped)
        for cancel in list(getattr(crawler, "govscraper_waits", ())):
            cancel()
            dropped += 1
        return dropped

    def abandon(self) -> None:
        for crawler in list(self.process.crawlers):
            self.drop_waiting(crawler)
            handlers = getattr(crawler, "govscraper_download_handlers", ())
            abandoned = sum(handler.abandon() for handler in handlers)
            if abandoned:
                _say(f"{abandoned} request(s) still on the wire after {self.grace:g} s: abandoned (--resume fetches)\n")


__all__ = [
    "DEFAULT_GRACE",
    "CrawlStopped",
    "StopControl",
    "StopMiddleware",
    "StoppableDownloadHandler",
    "StoppedBeforeArchived",
    "exit_status",
    "stop_crawl",
    "stopping",
]
