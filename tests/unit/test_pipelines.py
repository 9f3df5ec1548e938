"""Pipelines one by one (normalize, validate), the backoff schedule, and failure descriptions."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    DropItem,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from govscraper.crawl.failures import describe_failure
from govscraper.files.sniff import NotAcceptable
from govscraper.items import ArticleItem
from govscraper.middlewares import backoff_delay
from govscraper.model import AttachmentRef, ImageRef
from govscraper.pipelines.clean import NormalizePipeline
from govscraper.pipelines.validate import ValidatePipeline


def item(**fields) -> ArticleItem:
    defaults = {"url": "http://127.0.0.1/a.html", "portal_id": "qni-test", "title": "Tiêu đề", "body": "Nội dung./."}
    return ArticleItem(**{**defaults, **fields})


def test_normalize_makes_every_text_field_canonical():
    raw = item(
        title="  Mo\u0323\u0302 \u0110u\u031b\u0301c\u00a0 tổng kết ",
        author="Ðức\u200b Anh",
        body="Đoạn  một.\n\n\n\nĐoạn hai./.",
        sapo="\ufeffTóm tắt",
        images=[ImageRef("http://x/1.jpg", caption="Hình:\u00a0Toàn  cảnh")],
        attachments=[AttachmentRef("http://x/1.pdf", title=" Tải  về ")],
        body_html="<p>Mo\u0323\u0302</p>",
    )
    out = NormalizePipeline().process_item(raw)
    assert out.title == "Mộ Đức tổng kết"
    assert out.author == "Đức Anh"
    assert out.body == "Đoạn một.\n\nĐoạn hai./."
    assert out.sapo == "Tóm tắt"
    assert out.images[0].caption == "Hình: Toàn cảnh"
    assert out.attachments[0].title == "Tải về"
    assert out.body_html == "<p>Mộ</p>"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"title": None}, "no title"), ({"body": ""}, "no body"), ({"title": None, "body": None}, "no title, no body")],
)
def test_validate_drops_articles_without_title_or_body(fields, reason):
    with pytest.raises(DropItem, match=f"extraction failed: {reason}"):
        ValidatePipeline().process_item(item(**fields))


def test_validate_keeps_the_article_but_clears_a_malformed_date():
    assert ValidatePipeline().process_item(item(published="2022-01-09")).published == "2022-01-09"
    assert ValidatePipeline().process_item(item(published="2022-01-09T08:00:00+07:00")).published
    assert ValidatePipeline().process_item(item(published="09/01/2022")).published is None


def test_backoff_doubles_and_is_capped():
    assert [backoff_delay(n, 2.0, 60.0) for n in (1, 2, 3, 4, 6)] == [2.0, 4.0, 8.0, 16.0, 60.0]
    assert backoff_delay(1, 2.0, 60.0, retry_after="30") == 30.0  # the server asked for longer
    assert backoff_delay(1, 2.0, 60.0, retry_after="3600") == 60.0  # but not beyond the cap
    assert backoff_delay(2, 2.0, 60.0, retry_after="Wed, 21 Oct 2015 07:28:00 GMT") == 4.0


def failure_of(exc: BaseException) -> Failure:
    try:
        raise exc
    except BaseException:
        return Failure()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (DownloadTimeoutError("took longer than 5.0 seconds"), ("timeout: the server did not answer in time", None)),
        (CannotResolveHostError("x"), ("DNS lookup failed: the host name does not resolve", None)),
        (
            ResponseDataLossError(),
            ("truncated response: the connection closed before the declared length arrived", None),
        ),
        (
            IgnoreRequest("max redirections reached"),
            ("redirect loop or too many redirects (max redirections reached)", None),
        ),
        (IgnoreRequest("Forbidden by robots.txt"), ("Forbidden by robots.txt", None)),
        (NotAcceptable("not an image: empty response"), ("not an image: empty response", None)),
        (ValueError("odd\nsecond line"), ("ValueError: odd", None)),
    ],
)
def test_failures_read_as_one_line(exc, expected):
    assert describe_failure(failure_of(exc)) == expected


def test_http_errors_and_oversized_downloads():
    response = HtmlResponse("http://x/a", status=503, body=b"", request=Request("http://x/a"))
    assert describe_failure(failure_of(HttpError(response, "bad"))) == ("HTTP 503", 503)
    big = DownloadCancelledError("Expected to receive 12648448 bytes which is larger than download max size (10485760)")
    reason, _ = describe_failure(failure_of(big))
    assert reason.startswith("response too large: ")
