"""The answers the reading room gives for a photo or a document (:mod:`govscraper.publish.blobs`), without a server."""

from __future__ import annotations

import hashlib
import urllib.parse

import pytest

from govscraper.publish.blobs import answer, ascii_fallback, content_disposition, content_type

PNG = b"\x89PNG\r\n\x1a\n not really a picture, but bytes with a hash"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG_SHA = hashlib.sha256(PNG).hexdigest()


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("image/jpeg", "image/jpeg"),
        ("Image/PNG; charset=binary", "image/png"),
        (DOCX, DOCX),
        ("../../x/y", "application/octet-stream"),
        ("text/html\r\nSet-Cookie: a=b", "application/octet-stream"),
        ("", "application/octet-stream"),
        (None, "application/octet-stream"),
    ],
)
def test_the_stored_type_is_served_only_when_it_is_a_type(stored, served):
    assert content_type(stored) == served


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Quyết định số 12.pdf", "Quyet_dinh_so_12.pdf"),
        ("ĐỀ ÁN đổi mới.docx", "DE_AN_doi_moi.docx"),
        ('a"b\\c.pdf', "a_b_c.pdf"),
        ("Báo cáo", "Bao_cao"),
        ("数据", "file"),
    ],
)
def test_the_ascii_name_beside_the_utf8_one(name, fallback):
    assert ascii_fallback(name) == fallback
    header = content_disposition("attachment", name)
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert urllib.parse.unquote(header.rsplit("''", 1)[1]) == name
    assert "\r" not in header
    assert "\n" not in header
    assert header.isascii()


def test_a_photo_is_shown_in_place_and_cached_for_good():
    made = answer("image", PNG_SHA, (PNG, "image/png", None))
    assert (made.status, made.body, made.content_type) == (200, PNG, "image/png")
    assert made.headers["Content-Disposition"].startswith(f'inline; filename="{PNG_SHA}.png"')
    assert made.headers["ETag"] == f'"{PNG_SHA}"'
    assert made.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert made.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("tag", [f'"{PNG_SHA}"', f'W/"{PNG_SHA}"', "*", f'"{"0" * 64}", "{PNG_SHA}"'])
def test_a_known_etag_gets_304_without_the_bytes(tag):
    made = answer("image", PNG_SHA, (PNG, "image/png", None), tag)
    assert (made.status, made.body) == (304, b"")


@pytest.mark.parametrize("mime", ["image/svg+xml", "text/html", "application/xhtml+xml", "image/tiff"])
def test_a_photo_a_browser_could_run_or_not_draw_is_an_attachment(mime):
    made = answer("image", PNG_SHA, (PNG, mime, None))
    assert made.status == 200
    assert made.headers["Content-Disposition"].startswith("attachment;")
    assert made.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_document_keeps_its_safe_name_or_gets_one():
    named = answer("file", PNG_SHA, (PNG, "application/pdf", "C:\\tmp\\..\\Kế hoạch.pdf"))
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf" in named.headers["Content-Disposition"]
    unnamed = answer("file", PNG_SHA, (PNG, "application/pdf", None))
    assert f'filename="{PNG_SHA}.pdf"' in unnamed.headers["Content-Disposition"]


def test_what_cannot_be_served_says_why():
    assert answer("image", "../etc/passwd", None).status == 404
    assert b"not a photo address" in answer("image", "ABC", None).body
    assert b"holds no document" in answer("file", PNG_SHA, None).body
    corrupted = answer("image", PNG_SHA, (b"\x00" + PNG, "image/png", None))
    assert corrupted.status == 500
    assert b"run govscraper verify" in corrupted.body
    assert "ETag" not in corrupted.headers
