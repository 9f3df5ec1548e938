"""Third and fourth pipelines: download an article's images and attachments, check them, store them once.

Built on Scrapy's MediaPipeline, which downloads each URL once per crawl however many articles use it and
routes the requests through the same downloader (robots.txt, retries, throttling) as pages. Bytes are stored
as received, never re-encoded, keyed by sha256; a URL archived by an earlier crawl is not downloaded again.

Documents' text is read in worker processes (:mod:`govscraper.files.offload`), not in the reactor: downloads go on
while a 2,000-page PDF is read, and a read over its time or memory limit ends in a ``text_error`` with the file
archived all the same. Image checks stay in the reactor: Pillow reads the header and verifies PNG chunk
checksums without decoding (measured: 0.04 ms for the replica's photos, 0.06 ms for a 27 MB JPEG, 9 ms for a
21 MB PNG), less than handing the bytes to another process would cost.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.pipelines.media import MediaPipeline
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, threads
from twisted.python.failure import Failure

from govscraper.archive.writer import StoredBlob, archive_for
from govscraper.crawl.failures import describe_failure
from govscraper.crawl.stopping import CrawlStopped, StoppedBeforeArchived, stopping
from govscraper.files.documents import DocumentText
from govscraper.files.offload import DocumentReader
from govscraper.files.sniff import NotAcceptable, filename_for, inspect_document, inspect_image, safe_filename
from govscraper.items import ArticleItem
from govscraper.signals import fetch_failed

logger = logging.getLogger(__name__)

_MB = 1024 * 1024


class _BlobPipeline(MediaPipeline):
    """Shared by images and attachments: which URLs, how big, how to check, where to store."""

    kind = "blob"
    maxsize_setting = "DOWNLOAD_MAXSIZE"
    LOG_FAILED_RESULTS = False  # failures are recorded with their reason by media_failed

    def __init__(self, crawler: Crawler):
        super().__init__(crawler=crawler)
        self.maxsize = crawler.settings.getint(self.maxsize_setting)
        #: Files not fetched because the crawl was stopping: articles that link one are left for --resume.
        self.cut_short: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _BlobPipeline:
        return cls(crawler)

    def urls(self, item: ArticleItem) -> list[str]:
        raise NotImplementedError

    def check(self, response: Response, request: Request) -> dict[str, Any]:
        """Validate the bytes and return the archive columns that describe them; raise NotAcceptable."""
        raise NotImplementedError

    # MediaPipeline interface -------------------------------------------------------------------------------

    def get_media_requests(self, item: ArticleItem, info: MediaPipeline.SpiderInfo) -> list[Request]:
        return [
            Request(
                url,
                headers={"Referer": item.url},
                meta={
                    "download_maxsize": self.maxsize,
                    "govscraper_kind": self.kind,
                    "govscraper_referer": item.url,
                    # Where the article came from: a Wayback crawl fetches its files from the same captures
                    # (govscraper.middlewares.WaybackMiddleware); the URL stays the original one here.
                    "govscraper_origin": item.origin,
                    "govscraper_origin_date": item.origin_date,
                },
            )
            for url in self.urls(item)
        ]

    def media_to_download(self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None) -> Any:
        known = archive_for(self.crawler).known_blob_for_url(request.url, self.kind)
        if known is not None:
            self.crawler.stats.inc_value(f"govscraper/{self.kind}s_known")
        return known

    async def read(self, response: Response, described: dict[str, Any]) -> dict[str, Any]:
        """Slow work on accepted bytes, off the reactor (documents' text); more archive columns."""
        return {}

    async def media_downloaded(
        self, response: Response, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None
    ) -> StoredBlob | None:
        try:
            if response.status != 200:
                raise NotAcceptable(f"HTTP {response.status}", response.status)
            described = self.check(response, request)
        except NotAcceptable as refused:
            self.record(request, str(refused), refused.status)
            return None
        described.update(await self.read(response, described))
        stored = archive_for(self.crawler).store_blob(
            self.kind,
            response.body,
            url=response.url,
            capture_id=response.meta.get("govscraper_capture_id"),
            **described,
        )
        self.crawler.stats.inc_value(f"govscraper/{self.kind}s_downloaded")
        return stored

    def media_failed(self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo) -> None:
        if stopping(self.crawler):
            # Not the file's failure: the crawl is stopping. Its articles are dropped whole (item_completed).
            self.cut_short.add(request.url)
            return
        # Returning instead of raising makes the result "nothing stored" (cached for the crawl, so each URL is
        # recorded once) without MediaPipeline logging a traceback for an expected, already recorded failure.
        self.record(request, *describe_failure(failure, request))

    def record(self, request: Request, error: str, status: int | None) -> None:
        logger.warning("%s not archived: %s (%s)", self.kind, request.url, error)
        self.crawler.signals.send_catch_log(
            fetch_failed,
            url=request.url,
            kind=self.kind,
            error=error,
            status=status,
            referer=request.meta.get("govscraper_referer"),
        )

    def item_completed(self, results: list[Any], item: ArticleItem, info: MediaPipeline.SpiderInfo) -> ArticleItem:
        if self.cut_short and any(url in self.cut_short for url in self.urls(item)):
            raise StoppedBeforeArchived(item.url)
        for url, (ok, value) in zip(self.urls(item), results, strict=True):
            if ok and value is not None:
                item.media[url] = value.sha256
        return item

    def file_path(
        self, request: Request, response: Response | None = None, info: Any = None, *, item: Any = None
    ) -> str:
        return request.url  # unused: blobs live in SQLite, keyed by content


def _unique_http(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))


class ImagesPipeline(_BlobPipeline):
    """Photos and thumbnails: Pillow must recognise the bytes; mime, width and height are recorded."""

    kind = "image"
    maxsize_setting = "GOVSCRAPER_IMAGE_MAXSIZE"

    def urls(self, item: ArticleItem) -> list[str]:
        return _unique_http([image.url for image in item.images])

    def check(self, response: Response, request: Request) -> dict[str, Any]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        info = inspect_image(response.body, content_type)
        return {"mime": info.mime, "width": info.width, "height": info.height}


class AttachmentsPipeline(_BlobPipeline):
    """Official documents linked from articles (PDF, DOC, DOCX, XLS, ...), up to GOVSCRAPER_ATTACHMENT_MAXSIZE, with
    their text extracted for search where a well-kept library can read the format.

    The text is read in worker processes (:class:`govscraper.files.offload.DocumentReader`): the article waits for it,
    the crawl does not. A stop (Ctrl-C, SIGTERM, an unreachable portal) cancels every read in progress, and the
    articles waiting for them are left whole for ``--resume``, like those whose files were not downloaded.
    """

    kind = "attachment"
    maxsize_setting = "GOVSCRAPER_ATTACHMENT_MAXSIZE"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.reader = DocumentReader.from_settings(crawler.settings)
        crawler.signals.connect(self.close_reader, signal=signals.spider_closed)

    def urls(self, item: ArticleItem) -> list[str]:
        return _unique_http([attachment.url for attachment in item.attachments])

    def check(self, response: Response, request: Request) -> dict[str, Any]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        header = response.headers.get(b"Content-Disposition", b"")
        try:
            disposition = header.decode("utf-8") or None
        except UnicodeDecodeError:  # a legacy server's own code page: kept byte for byte in the raw name
            disposition = header.decode("latin-1")
        raw = filename_for(response.url, disposition)
        filename = safe_filename(raw)
        mime = inspect_document(response.body, content_type, filename)
        return {"mime": mime, "filename": filename, "filename_raw": raw}

    async def read(self, response: Response, described: dict[str, Any]) -> dict[str, Any]:
        """The document's text, for search (PDF, DOCX, XLSX, ODT, RTF; legacy-encoded text repaired), or why not.

        Bytes already in the archive (the same file under another URL) are not read again: the archive keeps the
        first copy's row and its text.
        """
        if stopping(self.crawler):
            raise CrawlStopped("the crawl was stopping: document text not read (--resume reads it)")
        archive = archive_for(self.crawler)
        body = response.body
        # hashlib releases the GIL: a large file is hashed beside the reactor, not in it.
        if len(body) > _MB:
            sha = (await maybe_deferred_to_future(threads.deferToThread(hashlib.sha256, body))).hexdigest()
        else:
            sha = hashlib.sha256(body).hexdigest()
        if archive.has_attachment(sha):
            self.crawler.stats.inc_value("govscraper/attachments_text_known")
            return {}
        reading = self.reader.read(response.body, described["mime"], described["filename"])
        # A stop cancels what waits (govscraper.crawl.stopping.StopControl.drop_waiting): the read, and its worker.
        waits = getattr(self.crawler, "govscraper_waits", None)
        if waits is None:
            waits = self.crawler.govscraper_waits = set()
        cancel = reading.cancel
        waits.add(cancel)
        try:
            text: DocumentText = await maybe_deferred_to_future(reading)
        except defer.CancelledError:
            raise CrawlStopped("the crawl was stopping: document text not read (--resume reads it)") from None
        finally:
            waits.discard(cancel)
        error = text.error
        if error is None and text.truncated:
            error = f"text cut short: {text.truncated}"  # what was read is kept; this says where it stopped
        return {"text": text.text, "text_method": text.method, "text_error": error}

    async def close_reader(self, spider: Any = None) -> None:
        """Stop the document workers when the crawl closes (in a thread: a stuck worker takes a moment to kill)."""
        await maybe_deferred_to_future(threads.deferToThread(self.reader.close))
