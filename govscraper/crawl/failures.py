"""One-line reasons for failed downloads, as archivists read them in ``fetch_failures``."""

from __future__ import annotations

import re
from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure

from govscraper.files.sniff import NotAcceptable

#: Exception type → what it means for the archive. Scrapy 2.13+ wraps the reactor's errors in its own types;
#: the Twisted ones are kept for requests that fail below Scrapy's download handlers.
_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    (
        (DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError),
        "timeout: the server did not answer in time",
    ),
    ((CannotResolveHostError, twisted_errors.DNSLookupError), "DNS lookup failed: the host name does not resolve"),
    ((DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), "connection refused"),
    ((ResponseDataLossError,), "truncated response: the connection closed before the declared length arrived"),
)


def _connection_reason(value: BaseException) -> str:
    """What lies under a failed connection: Twisted keeps the reasons in a list of failures (``ResponseFailed``,
    ``ResponseNeverReceived``), whose ``repr`` is no message for a person. A TLS error says so, with OpenSSL's
    reason ("wrong version number", "certificate verify failed")."""
    for cause in (value, value.__cause__, value.__context__):
        for reason in getattr(cause, "reasons", None) or ():
            inner = getattr(reason, "value", reason)
            if type(inner).__module__.startswith("OpenSSL"):
                details = [part for entry in (inner.args[0] if inner.args else []) for part in entry[-1:] if part]
                return f"TLS handshake failed ({', '.join(details) or type(inner).__name__})"
            text = str(inner).strip()
            return text or type(inner).__name__
    return str(value).strip() or type(value).__name__


#: Scrapy's message for a response whose Content-Length is over the limit (``get_maxsize_msg``).
_ANNOUNCED = re.compile(r"Expected to receive (\d+) bytes which is larger than download max size \((\d+)\)")
#: Scrapy's HttpCompressionMiddleware, stopping a compressed body's decoding at the limit (a compression bomb).
_INFLATED = re.compile(
    r"\((\d+) B compressed, (\d+) B decompressed(?: so far)?\) exceeded DOWNLOAD_MAXSIZE \((\d+) B\)"
)


def _too_large(message: str, request: Any) -> str:
    """The one-line reason for a response cut off at its size limit.

    Scrapy's HTTP/1.1 handler refuses a response whose Content-Length is over ``download_maxsize`` with a message
    naming both sizes; a body sent without a length (chunked, or ended by closing the connection) is cancelled
    once it grows past the limit, with no message at all. That cancellation is the only one the handler makes
    without a message (a timeout is a DownloadTimeoutError, a stop's abandoned download CrawlStopped), so an empty
    DownloadCancelledError is read as this case, and the limit is the request's ``download_maxsize``, which every
    govscraper request carries (pages, sitemaps, images, attachments).
    """
    announced = _ANNOUNCED.search(message)
    if announced:
        size, limit = announced.groups()
        return f"response too large: Content-Length {size} bytes, over the limit of {limit} bytes"
    if message:  # Scrapy's wording changed: its own message says it
        return f"response too large: {message}"
    limit = getattr(request, "meta", {}).get("download_maxsize") if request is not None else None
    if limit:
        return f"response too large: a body sent without Content-Length grew over the limit of {limit} bytes"
    return "response too large: a body sent without Content-Length grew over the download size limit"


def describe_reason(value: BaseException) -> str:
    """The one-line reason for an exception a download ended in."""
    return describe_failure(Failure(value))[0]


def describe_failure(failure: Failure, request: Any = None) -> tuple[str, int | None]:
    """``(reason, HTTP status or None)`` for a request's failure.

    ``request`` is the failed request when the failure does not carry it (``failure.request``, as Scrapy sets it
    for a spider's errback): a response over its size limit is described with the request's limit.
    """
    value = failure.value
    request = request if request is not None else getattr(failure, "request", None)
    if isinstance(value, HttpError):
        status = value.response.status
        return f"HTTP {status}", status
    if isinstance(value, NotAcceptable):
        return str(value), getattr(value, "status", None)
    for types, reason in _REASONS:
        if isinstance(value, types):
            return reason, None
    if isinstance(value, DownloadCancelledError):
        message = str(value)
        if "max size" in message or not message:
            return _too_large(message, request), None
        return f"download cancelled: {message}", None
    if isinstance(value, IgnoreRequest):
        message = str(value) or type(value).__name__
        inflated = _INFLATED.search(message)
        if inflated:  # worded as the live crawl's other size refusals and the WARC import's
            sent, _decoded, limit = inflated.groups()
            return f"response too large: over the limit of {limit} bytes once decoded ({sent} bytes as sent)", None
        if "redirect" in message.lower():
            return f"redirect loop or too many redirects ({message})", None
        return message, None
    if isinstance(value, (DownloadFailedError, twisted_errors.ConnectionLost, twisted_errors.ConnectionDone)):
        return f"connection failed: {_connection_reason(value)}".splitlines()[0], None
    message = str(value).strip() or type(value).__name__
    return f"{type(value).__name__}: {message}".splitlines()[0], None
