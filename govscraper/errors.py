"""One-line reasons for failed downloads, as archivists read them in ``fetch_failures``."""

from __future__ import annotations

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

from govscraper.media import NotAcceptable

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


def describe_reason(value: BaseException) -> str:
    """The one-line reason for an exception a download ended in."""
    return describe_failure(Failure(value))[0]


def describe_failure(failure: Failure) -> tuple[str, int | None]:
    """``(reason, HTTP status or None)`` for a request's failure."""
    value = failure.value
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
        if "max size" in message:
            return f"response too large: {message}", None
        return f"download cancelled: {message or 'the crawl was stopping'}", None
    if isinstance(value, IgnoreRequest):
        message = str(value) or type(value).__name__
        if "redirect" in message.lower():
            return f"redirect loop or too many redirects ({message})", None
        return message, None
    if isinstance(value, (DownloadFailedError, twisted_errors.ConnectionLost, twisted_errors.ConnectionDone)):
        return f"connection failed: {_connection_reason(value)}".splitlines()[0], None
    message = str(value).strip() or type(value).__name__
    return f"{type(value).__name__}: {message}".splitlines()[0], None
