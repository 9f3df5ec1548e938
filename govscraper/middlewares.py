"""Downloader middlewares: retries that back off (a struggling government server gets room to recover), and the
raw capture of every exchange into WARC files."""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet import error as twisted_errors
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(retry_after: str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds, or None when it says nothing readable.

    RFC 9110 (section 10.2.3) allows either form: a number of seconds (``120``) or an HTTP date (``Wed, 21 Oct 2015
    07:28:00 GMT``; also the obsolete RFC 850 and asctime forms, which are GMT too), meaning "not before then", so
    the wait is the time from ``now`` (seconds since the epoch; the clock by default) to that date, 0 if it is past.
    """
    text = (retry_after or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(text)
    import time
    from datetime import UTC
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # asctime carries no zone: HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(
    attempt: int, base: float, ceiling: float, retry_after: str | None = None, now: float | None = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): ``base * 2**(attempt-1)``, capped.

    A server's ``Retry-After`` (seconds or an HTTP date, :func:`retry_after_seconds`) is honoured when it asks for
    longer, up to the same cap; anything unreadable is ignored.
    """
    delay = base * 2 ** max(attempt - 1, 0)
    asked = retry_after_seconds(retry_after, now)
    if asked is not None:
        delay = max(delay, asked)
    return min(delay, ceiling)


#: Failures that mean the server could not be talked to at all: no address, no connection, no TLS session, no
#: answer. From a host that has not answered once in this crawl, they mean "unreachable", not "busy".
UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    twisted_errors.ConnectError,
    twisted_errors.TimeoutError,
)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but a retried request waits ``GOVSCRAPER_RETRY_BACKOFF * 2**n`` seconds first.

    A server that answered before and now fails is given room to recover: the full backoff. A host that has never
    answered in this crawl and cannot be reached (DNS, refused connection, TLS, timeout) gets a few quick retries
    (``GOVSCRAPER_UNREACHABLE_RETRIES``, ``GOVSCRAPER_UNREACHABLE_BACKOFF`` apart) instead: politeness protects a
    server from load, and there is no server there to protect. When such a host is one the crawl cannot do without
    (the portal; for a Wayback crawl, the Wayback Machine), the crawl ends at once with the outcome ``unreachable``
    and the reason, instead of retrying every start page with the full backoff and then calling the silence a
    layout change.

    Backoff waits end early when the crawl is stopping (:mod:`govscraper.crawl.stopping`).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff = settings.getfloat("GOVSCRAPER_RETRY_BACKOFF", 2.0)
        middleware.backoff_max = settings.getfloat("GOVSCRAPER_RETRY_BACKOFF_MAX", 60.0)
        middleware.quick_retries = settings.getint("GOVSCRAPER_UNREACHABLE_RETRIES", 2)
        middleware.quick_backoff = settings.getfloat("GOVSCRAPER_UNREACHABLE_BACKOFF", 0.5)
        middleware.answered: set[str] = set()
        crawler.govscraper_waits = set()
        return middleware

    async def process_request(self, request: Request) -> None:
        from govscraper.crawl.stopping import CrawlStopped, stopping

        if stopping(self.crawler):
            # Released by a middleware before this one (robots.txt answered) after the stop began: not sent.
            raise CrawlStopped
        attempt = request.meta.get("retry_times", 0)
        if not attempt:
            return
        from twisted.internet import reactor  # the installed one; importing earlier would install the default

        if request.meta.get("govscraper_quick_retry"):
            delay = backoff_delay(attempt, self.quick_backoff, self.quick_backoff * 4)
        else:
            delay = backoff_delay(attempt, self.backoff, self.backoff_max, request.meta.get("retry_after"))
        wait = deferLater(reactor, delay)
        waits = self.crawler.govscraper_waits
        waits.add(wait.cancel)
        try:
            await maybe_deferred_to_future(wait)
        except (defer.CancelledError, asyncio.CancelledError):
            raise CrawlStopped from None
        finally:
            waits.discard(wait.cancel)
        if stopping(self.crawler):
            raise CrawlStopped

    def process_response(self, request: Request, response: Response) -> Request | Response:
        self.answered.add(urlsplit(response.url).netloc)
        result = super().process_response(request, response)
        if result is not response:
            retry_after = response.headers.get(b"Retry-After")
            if retry_after:
                result.meta["retry_after"] = retry_after.decode("latin-1")
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        host = urlsplit(request.url).netloc
        if isinstance(exception, UNREACHABLE_ERRORS) and host not in self.answered:
            request.meta["max_retry_times"] = min(self.max_retry_times, self.quick_retries)
            request.meta["govscraper_quick_retry"] = True
            request.meta["give_up_log_level"] = "DEBUG"  # the outcome is reported once, below or by the spider
            retried = super().process_exception(request, exception)
            if retried is None and not request.meta.get("dont_retry"):
                self.unreachable(request, exception)
            return retried
        return super().process_exception(request, exception)

    def unreachable(self, request: Request, exception: Exception) -> None:
        """A host that never answered failed its last quick retry: if the crawl needs it, end the crawl now."""
        from govscraper.crawl.failures import describe_reason

        spider = self.crawler.spider
        essential = getattr(spider, "essential_hosts", None)
        hosts = essential() if callable(essential) else set()
        host = urlsplit(request.url).hostname or ""
        if host not in hosts or self.crawler.stats.get_value("govscraper/unreachable"):
            return
        parts = urlsplit(request.url)
        reason = f"could not reach {parts.scheme}://{parts.netloc}/: {describe_reason(exception)}"
        self.crawler.stats.set_value("govscraper/unreachable", reason)
        logger.info("%s: the crawl ends", reason)
        from govscraper.signals import fetch_failed

        kind = request.meta.get("govscraper_kind") or ("robots" if parts.path == "/robots.txt" else "page")
        self.crawler.signals.send_catch_log(fetch_failed, url=request.url, kind=kind, error=describe_reason(exception))
        from scrapy.utils.defer import deferred_from_coro

        from govscraper.crawl.stopping import stop_crawl

        stop_crawl(self.crawler, "unreachable")  # what waits for the host is dropped, not recorded as failed
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="unreachable"))


class WarcMiddleware:
    """Writes every response the downloader receives, with its request, into the run's WARC files.

    It sits next to the downloader (``DOWNLOADER_MIDDLEWARES`` 950), so it sees responses before decompression,
    redirects and retries undo them: the body as the server sent it, 3xx and 5xx answers, robots.txt, images and
    documents alike. The capture's row id goes into the request's meta (``govscraper_capture_id``) for the spider
    and the pipelines to store with what they extract.

    Records are written in the reactor thread. A writer thread was measured too: it was slower, because what is left
    of a record's cost once gzip and SHA-1 run in C is Python work that a second thread only fights over the GIL for.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.recorder = None
        #: WARC file name → its name as stored in the archive (resolving paths for every response costs).
        self._stored_names: dict[str, str] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        if not crawler.settings.getbool("GOVSCRAPER_WARC", True):
            raise NotConfigured("raw captures are off (--no-warc)")
        return cls(crawler)

    def _recorder(self):
        if self.recorder is None:
            from govscraper.archive.warc import WarcRecorder, warcinfo
            from govscraper.archive.writer import archive_for

            archive = archive_for(self.crawler)
            settings = self.crawler.settings
            portal = archive.portal_id or "portal"
            info = warcinfo(
                software=f"govscraper/{settings.get('VERSION', '0.1.0')} (Scrapy {scrapy.__version__}, warcio)",
                run_id=archive.run_id or 0,
                portal_id=portal,
                user_agent=settings.get("USER_AGENT", ""),
                robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            )
            self.recorder = WarcRecorder(
                warc_directory(settings.get("GOVSCRAPER_DB"), settings.get("GOVSCRAPER_WARC_DIR")),
                prefix=f"{portal}-{archive.run_id or 0:05d}",
                info=info,
                max_size=settings.getint("GOVSCRAPER_WARC_MAX_SIZE", 1024**3),
                known_payload=archive.payload_seen,
            )
        return self.recorder

    def process_response(self, request: Request, response: Response) -> Response:
        from govscraper.archive.writer import archive_for

        recorder = self._recorder()
        capture = recorder.record(exchange_of(request, response))
        stored_as = self._stored_names.get(capture.warc_file)
        if stored_as is None:
            stored_as = relative_to_archive(
                recorder.directory / capture.warc_file, self.crawler.settings.get("GOVSCRAPER_DB")
            )
            self._stored_names[capture.warc_file] = stored_as
        request.meta["govscraper_capture_id"] = archive_for(self.crawler).store_capture(capture, stored_as)
        self.crawler.stats.inc_value(f"govscraper/warc_{capture.warc_type}s")
        return response

    def spider_closed(self, spider: Any) -> None:
        if self.recorder is None:
            return
        from govscraper.archive.writer import archive_for

        self.recorder.close()
        files = [relative_to_archive(p, self.crawler.settings.get("GOVSCRAPER_DB")) for p in self.recorder.files]
        archive_for(self.crawler).set_run_warc_files(files)


def warc_directory(db_path: str | None, configured: str | None = None) -> Path:
    """Where raw captures go: the setting when given, else ``warc/`` beside the archive (``data/warc/``)."""
    if configured:
        return Path(configured)
    return Path(db_path or "data/archive.db").parent / "warc"


def relative_to_archive(path: Path, db_path: str | None) -> str:
    """A WARC file's name as stored in the archive: relative to the archive's folder when inside it."""
    base = Path(db_path or "data/archive.db").resolve().parent
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path.resolve())


_REASONS = {status.value: status.phrase for status in HTTPStatus}


def exchange_of(request: Request, response: Response):
    """The exchange as a WARC sees it: request line and headers, status line, headers and the body as received.

    Twisted has already undone chunked transfer coding, so ``Transfer-Encoding`` is left out of the recorded headers
    (the body that follows them is not chunked any more); every other header is kept as received.
    """
    from govscraper.archive.warc import Exchange

    def pairs(headers: Any, skip: tuple[bytes, ...] = ()) -> list[tuple[str, str]]:
        out = []
        for name, values in headers.items():
            if name.lower() in skip:
                continue
            for value in values:
                out.append((name.decode("latin-1"), value.decode("latin-1")))
        return out

    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=pairs(request.headers),
        request_body=request.body or b"",
        status=response.status,
        reason=_REASONS.get(response.status, ""),
        response_headers=pairs(response.headers, skip=(b"transfer-encoding",)),
        body=response.body,
        protocol=response.protocol or "HTTP/1.1",
        ip=str(response.ip_address) if response.ip_address else None,
    )


class ConditionalRequestMiddleware:
    """Asks for pages the archive already holds only if they changed, and remembers how to ask next time.

    For requests the spider marks ``govscraper_conditional``, the ETag and Last-Modified the portal sent with the
    page last time (table ``http_validators``) go out as ``If-None-Match``/``If-Modified-Since``, and a 304 reaches
    the spider's callback instead of being treated as an error. Small government servers are spared re-sending
    what has not changed.

    A validator stands for work done, so it is kept only once that work is in the archive: an article page's when
    its article is stored (``item_scraped``), a list page's when the whole run finished. A crawl killed after
    fetching a page but before archiving what it leads to must not be answered "304, nothing new" next time.
    """

    PAGE_KINDS = frozenset(("list", "article", "page"))

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._validators: dict[str, tuple[str | None, str | None]] | None = None
        self._pending: dict[str, tuple[str | None, str | None]] = {}
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    def _known(self) -> dict[str, tuple[str | None, str | None]]:
        if self._validators is None:
            from govscraper.archive.writer import archive_for

            self._validators = archive_for(self.crawler).validators()
        return self._validators

    def process_request(self, request: Request) -> None:
        if not request.meta.get("govscraper_conditional"):
            return
        known = self._known().get(request.url)
        if known is None:
            return
        etag, last_modified = known
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1"))
        request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", []), 304]

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and request.meta.get("govscraper_kind") in self.PAGE_KINDS:
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            if etag or last_modified:
                self._pending[response.url] = (
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response

    def item_scraped(self, item: Any) -> None:
        """The article is archived: its page's validators may answer for it from now on."""
        pair = self._pending.pop(getattr(item, "url", None), None)
        if pair is not None:
            from govscraper.archive.writer import archive_for

            # Rides with the next transaction (the next article or the run's end), like captures.
            archive_for(self.crawler).store_validators(item.url, *pair)

    def spider_closed(self, spider: scrapy.Spider, reason: str) -> None:
        """A complete run reached every article its list pages led to: their validators are now true.

        Not complete: a run stopped early (killed, interrupted, ``--limit``), or one with pages or articles that
        failed; a list answered "304" next time would hide what it never archived from every later crawl.
        """
        stats = self.crawler.stats
        failed = sum(stats.get_value(f"govscraper/failures/{kind}", 0) for kind in ("list", "article", "page"))
        if reason != "finished" or failed or getattr(spider, "max_articles", None) is not None or not self._pending:
            return
        from govscraper.archive.writer import archive_for

        archive = archive_for(self.crawler)
        with archive.db.conn:
            for url, pair in self._pending.items():
                archive.store_validators(url, *pair)
        self._pending.clear()


class WaybackMiddleware:
    """Wayback crawls only (``GOVSCRAPER_SOURCE = "wayback"``): an archived article's photos and documents come
    from the Wayback Machine too, and an Internet Archive that says "too many requests" slows the whole crawl.

    The media pipelines ask for a photo or document at its original URL and say where its article came from
    (``govscraper_origin``, ``govscraper_origin_date`` in the request's meta). For an article from the Wayback
    Machine the request is sent instead to ``<wayback>/web/<article's timestamp>id_/<original URL>``, which
    redirects to the nearest capture of the file (followed: ``MEDIA_ALLOW_REDIRECTS``). The pipelines keep the
    original URL as the file's ``source_url``; the raw capture is recorded under the Wayback address. It sits
    before robots.txt (100), so the closed portal's own robots.txt is never asked for.

    On a 429 or 503 the download slot's delay goes up to the Retry-After the server gave (or doubles), capped at
    ``GOVSCRAPER_RETRY_BACKOFF_MAX``: retrying only the refused request while the others go on at the same pace
    is what gets an IP blocked. AutoThrottle brings the delay back down as answers come; without it, each answer
    below 400 halves it back towards ``DOWNLOAD_DELAY``.
    """

    KINDS = frozenset(("image", "attachment"))

    def __init__(self, crawler: Crawler):
        from govscraper.sources.cdx import DEFAULT_WAYBACK_URL

        settings = crawler.settings
        self.crawler = crawler
        self.wayback = (settings.get("GOVSCRAPER_WAYBACK_URL") or DEFAULT_WAYBACK_URL).rstrip("/")
        self.base_delay = settings.getfloat("DOWNLOAD_DELAY")
        self.max_delay = max(settings.getfloat("GOVSCRAPER_RETRY_BACKOFF_MAX", 60.0), self.base_delay)
        self.autothrottle = settings.getbool("AUTOTHROTTLE_ENABLED")
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WaybackMiddleware:
        if crawler.settings.get("GOVSCRAPER_SOURCE", "live") != "wayback":
            raise NotConfigured  # not a Wayback crawl (no message: Scrapy would warn about it on every crawl)
        return cls(crawler)

    def process_request(self, request: Request) -> Request | None:
        meta = request.meta
        if (
            meta.get("govscraper_kind") not in self.KINDS
            or meta.get("govscraper_origin") != "wayback"
            or not meta.get("govscraper_origin_date")
            or "govscraper_wayback_original" in meta
        ):
            return None
        from govscraper.sources.cdx import id_url, iso_timestamp

        timestamp = iso_timestamp(meta["govscraper_origin_date"])
        return request.replace(
            url=id_url(self.wayback, timestamp, request.url),
            meta={**meta, "govscraper_wayback_original": request.url},
        )

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        slot = downloader.slots.get(request.meta.get("download_slot")) if downloader else None
        if slot is None:
            return
        if response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get(b"Retry-After", b"").decode("latin-1"))
            wait = asked if asked is not None else max(slot.delay * 2, self.base_delay, 1.0)
            slot.delay = min(max(slot.delay, wait), self.max_delay)
            self.crawler.stats.inc_value("govscraper/wayback/slowed_down")
        elif response.status < 400 and not self.autothrottle and slot.delay > self.base_delay:
            slot.delay = max(self.base_delay, slot.delay / 2)


class NotInWarc(IgnoreRequest):
    """A request the imported WARC files cannot answer; the message is the reason kept in ``fetch_failures``."""


class WarcReplayMiddleware:
    """Answers every request from the WARC files being imported (``govscraper import-warc``): no network at all.

    It takes the downloader's place (``DOWNLOADER_MIDDLEWARES`` 950 in an import's settings, where ``WarcMiddleware``
    sits in a crawl): a URL the files hold gets the record's status, headers and body (transfer and content encodings
    undone, so Scrapy's decompression has nothing left to do), and redirects, the media pipelines and the spider see
    it as they see a live answer. A URL the files do not hold, or hold cut off, fails with the reason, which the
    spider or pipeline records in ``fetch_failures`` like any failed download. The body is decoded within the same
    limit as a live download of that request (``download_maxsize`` in its meta: the page, image or attachment limit,
    under the ``DOWNLOAD_MAXSIZE`` ceiling) and refused as soon as it is over, so a gzip bomb costs no more than the
    limit; such a record is also one of the import's skipped records. The record's ``captures`` row (in the
    copy of the file inside the archive, same offsets) goes into the request's meta (``govscraper_capture_id``), as
    with a live capture; a record imported before keeps its row, so a second import adds none.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        #: record id → captures row id, for this run
        self._captures: dict[str, int | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        from govscraper.sources.warc_index import ReplayFailed

        index = getattr(self.crawler.spider, "warc_index", None)
        if index is None:
            raise NotInWarc("not in the WARC files (no WARC index for this crawl)")
        record = index.lookup(request.url)
        if record is None:
            raise NotInWarc("not in the WARC files")
        ceiling = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        limits = [size for size in (request.meta.get("download_maxsize"), ceiling) if size]
        try:
            answer = index.replay(record, max_size=min(limits) if limits else 0)
        except ReplayFailed as failed:
            raise NotInWarc(str(failed)) from None
        request.meta["govscraper_capture_id"] = self._capture(index, record, answer.payload)
        request.meta["govscraper_warc_record"] = record
        headers = Headers()
        for name, value in answer.headers:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
        self.crawler.stats.inc_value("govscraper/warc_replayed")
        return response_class(url=request.url, status=answer.status, headers=headers, body=answer.body, request=request)

    def _capture(self, index: Any, record: Any, payload: Any) -> int | None:
        """The ``captures`` row of ``record`` (and first of the record holding a revisit's payload)."""
        refers_to = None
        if payload is not record:
            self._store(index, payload)
            refers_to = payload
        return self._store(index, record, refers_to)

    def _store(self, index: Any, record: Any, refers_to: Any = None) -> int | None:
        if not record.record_id:
            return None
        if record.record_id in self._captures:
            return self._captures[record.record_id]
        from govscraper.archive.writer import archive_for
        from govscraper.sources.warc_index import capture_of

        archive = archive_for(self.crawler)
        capture_id = archive.capture_for_record(record.record_id)
        if capture_id is None:
            source = index.files[record.file].source
            stored_as = relative_to_archive(source, self.crawler.settings.get("GOVSCRAPER_DB"))
            capture_id = archive.store_capture(capture_of(record, stored_as, refers_to), stored_as)
            self.crawler.stats.inc_value("govscraper/warc_captures_imported")
        self._captures[record.record_id] = capture_id
        return capture_id
