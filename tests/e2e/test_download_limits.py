"""What servers say about waiting and size, read truthfully: Retry-After as an HTTP date, and bodies over the limit.

RFC 9110 (section 10.2.3) lets a server give ``Retry-After`` as a number of seconds or as an HTTP date; both are
honoured, up to the backoff's cap. A response over its size limit is recorded as too large with the limit, whether
its Content-Length announced it or a body sent without one (chunked) grew past it: Scrapy cancels the latter
without a message, which used to read as "download cancelled: the crawl was stopping". Expected values are written
out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime
from io import BufferedIOBase

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError
from twisted.python.failure import Failure

from govscraper.crawl.failures import describe_failure
from govscraper.middlewares import backoff_delay
from govscraper_replica.sample_documents import pdf_bytes
from tests.helpers.cli import run_cli
from tests.helpers.loopback import Answer, LoopbackServer
from tests.helpers.loopback import Request as Received

#: Half a minute before the RFC's own example date.
NOW = parsedate_to_datetime("Wed, 21 Oct 2015 07:27:30 GMT").timestamp()


@pytest.mark.parametrize(
    ("attempt", "retry_after", "expected"),
    [
        (1, "Wed, 21 Oct 2015 07:28:00 GMT", 30.0),  # IMF-fixdate, RFC 9110's example: in 30 s
        (1, "Wednesday, 21-Oct-15 07:28:00 GMT", 30.0),  # obsolete RFC 850 form
        (1, "Wed Oct 21 07:28:00 2015", 30.0),  # obsolete asctime form (GMT, though it says no zone)
        (1, "Wed, 21 Oct 2015 14:28:00 +0700", 30.0),  # a zone instead of GMT: not HTTP's form, read all the same
        (1, "Wed, 21 Oct 2015 07:27:31 GMT", 2.0),  # sooner than the backoff: the backoff wins
        (3, "Wed, 21 Oct 2015 07:27:00 GMT", 8.0),  # already past: the backoff
        (1, "Thu, 22 Oct 2015 07:28:00 GMT", 60.0),  # a day away: capped
        (1, "Fri, 31 Dec 9999 23:59:59 GMT", 60.0),
        (1, "45", 45.0),  # seconds, as before
        (1, " 45 ", 45.0),
        (1, "3600", 60.0),
        (1, "soon", 2.0),  # anything else is ignored
        (1, "-5", 2.0),
        (1, "1.5", 2.0),
        (1, "٤٥", 2.0),  # digits, but not ASCII ones
        (1, "", 2.0),
        (2, None, 4.0),
    ],
)
def test_retry_after_as_seconds_or_an_http_date(attempt, retry_after, expected):
    assert backoff_delay(attempt, 2.0, 60.0, retry_after, now=NOW) == expected


def test_retry_after_date_counts_from_the_clock_by_default():
    assert backoff_delay(1, 2.0, 60.0, "Wed, 21 Oct 2015 07:28:00 GMT") == 2.0  # long past
    assert backoff_delay(1, 2.0, 60.0, "Fri, 31 Dec 9999 23:59:59 GMT") == 60.0


def test_an_empty_cancellation_is_a_body_over_the_request_limit():
    request = Request("http://x.invalid/a.pdf", meta={"download_maxsize": 100_000})
    assert describe_failure(Failure(DownloadCancelledError()), request) == (
        "response too large: a body sent without Content-Length grew over the limit of 100000 bytes",
        None,
    )
    failure = Failure(DownloadCancelledError())
    failure.request = request  # as Scrapy hands it to a spider's errback
    assert describe_failure(failure)[0].endswith("over the limit of 100000 bytes")
    assert describe_failure(Failure(DownloadCancelledError()))[0] == (
        "response too large: a body sent without Content-Length grew over the download size limit"
    )
    announced = DownloadCancelledError(
        "Expected to receive 12648448 bytes which is larger than download max size (10485760) in request <GET x>."
    )
    assert describe_failure(Failure(announced))[0] == (
        "response too large: Content-Length 12648448 bytes, over the limit of 10485760 bytes"
    )
    assert describe_failure(Failure(DownloadCancelledError("by the user")))[0] == "download cancelled: by the user"


# -- a real crawl against a server that sends bodies growing without end ----------------------------------------
LIMIT = 100_000
ARTICLE = "/tin-tuc/duc-pho-cong-bo-quy-hoach-chung-do-thi-nam-2024.html"
GROWING_PAGE = "/tin-tuc/duc-pho-tong-ket-cong-tac-chuyen-doi-so-nam-2024.html"
GROWING_PDF = "/files/quy-hoach-chung.pdf"
ANNOUNCED_PDF = "/files/ban-ve-quy-hoach.pdf"


def article() -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>Đức Phổ công bố quy hoạch chung đô thị</title></head><body>"
        "<div class='title'>Đức Phổ công bố quy hoạch chung đô thị đến năm 2045</div>"
        "<div class='date'>Ngày đăng: 12/03/2024 | 09:15</div>"
        "<div class='content'><p>Sáng 12/3, UBND thị xã Đức Phổ tổ chức hội nghị công bố đồ án quy hoạch chung đô "
        "thị Đức Phổ đến năm 2045 với sự tham dự của lãnh đạo các sở, ngành và các xã, phường.</p><p>Theo đồ án, "
        "không gian đô thị được tổ chức theo hướng phát triển về phía biển, gắn với hành lang kinh tế ven biển và "
        "các khu công nghiệp, du lịch.</p><p>UBND thị xã yêu cầu các đơn vị công khai quy hoạch để người dân biết, "
        "giám sát và thực hiện./.</p>"
        f"<p><a href='{GROWING_PDF}'>Tải về Quyết định phê duyệt</a></p>"
        f"<p><a href='{ANNOUNCED_PDF}'>Tải về Bản vẽ quy hoạch</a></p></div>"
        f"<div class='other-news'><p><a href='{GROWING_PAGE}'>Đức Phổ tổng kết công tác chuyển đổi số năm 2024</a>"
        "</p></div></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def growing_server():
    page = article()
    document = pdf_bytes(["QUYET DINH PHE DUYET QUY HOACH CHUNG"])

    def route(request: Received) -> Answer:
        if request.path == ARTICLE:
            return Answer(body=page)
        if request.path == ANNOUNCED_PDF:  # its Content-Length says too much
            return Answer(body=document + b"%" * (2 * LIMIT), content_type="application/pdf")
        if request.path in (GROWING_PDF, GROWING_PAGE):
            start = document if request.path == GROWING_PDF else b"<html><body><p>"
            content_type = "application/pdf" if request.path == GROWING_PDF else "text/html; charset=utf-8"
            return Answer(content_type=content_type, headers={"Transfer-Encoding": "chunked"}, stream=growing(start))
        return Answer(404, b"<html><body>404</body></html>", "text/html")

    with LoopbackServer(route, protocol="HTTP/1.1") as server:
        yield server.url


def growing(start: bytes) -> Callable[[BufferedIOBase], None]:
    """A chunked body, no Content-Length: ``start``, then more chunks until the client hangs up (or 20 x the
    limit)."""

    def write(out: BufferedIOBase) -> None:
        chunk = b" " * 16384
        for data in [start, *[chunk] * (20 * LIMIT // len(chunk))]:
            out.write(b"%x\r\n%s\r\n" % (len(data), data))
            out.flush()
        out.write(b"0\r\n\r\n")

    return write


def test_a_chunked_body_growing_past_the_limit_is_recorded_as_too_large(tmp_path, growing_server):
    db_path = tmp_path / "archive.db"
    result = run_cli(
        "crawl", "--url", growing_server + ARTICLE, "--db", str(db_path), "--loopback", "-s", "RETRY_TIMES=0",
        "-s", f"GOVSCRAPER_PAGE_MAXSIZE={LIMIT}", "-s", f"GOVSCRAPER_ATTACHMENT_MAXSIZE={LIMIT}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    failures = {row["url"][len(growing_server) :]: row["error"] for row in db["fetch_failures"].rows}
    grew = f"response too large: a body sent without Content-Length grew over the limit of {LIMIT} bytes"
    announced = len(pdf_bytes(["QUYET DINH PHE DUYET QUY HOACH CHUNG"])) + 2 * LIMIT
    assert failures == {
        GROWING_PDF: grew,
        GROWING_PAGE: grew,
        ANNOUNCED_PDF: f"response too large: Content-Length {announced} bytes, over the limit of {LIMIT} bytes",
    }
    assert [row["url"] for row in db["articles"].rows] == [growing_server + ARTICLE]  # the article is kept
