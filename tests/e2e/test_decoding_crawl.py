"""Decoding that does not trust labels blindly, in the decoder and in a real crawl.

Before, the crawl used govscraper's decoder only when Scrapy had chosen a single-byte encoding: a Windows-1258 page
declared UTF-8 was stored with replacement characters for its letters, and a UTF-8 page declared UTF-16 was dropped
without a failure row. Now every page goes through :func:`govscraper.text.decode.decode_html`, which weighs the
labels against the bytes; the archive must hold the Vietnamese text written below, whatever the label said.
"""

from __future__ import annotations

import pytest

from govscraper.text import encode_tcvn3, encode_vni
from govscraper.text.decode import decode_html
from tests.helpers.hostile_site import (  # noqa: F401  (fixtures: one of each per module)
    DECODING,
    OK_ARTICLE,
    PARAGRAPHS,
    TITLE,
    HostileSite,
    Table,
    cp1258,
    crawl,
    failures,
    rows,
)

SENTENCE = "Ủy ban nhân dân huyện Mộ Đức tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2024."


def page(body: bytes, meta: str = "utf-8") -> bytes:
    return f'<html><head><meta charset="{meta}"></head><body><p>'.encode() + body + b"</p></body></html>"


def text_of(decoded_text: str) -> str:
    return decoded_text.split("<p>", 1)[1].split("</p>", 1)[0]


# The decoder ---------------------------------------------------------------------------------------------------
def test_the_encodings_portals_used_are_read_under_a_utf8_label():
    assert encode_tcvn3("Tôi đi học") == "T«i ®i häc".encode("cp1252")  # the README's example, byte for byte
    for name, data in (("cp1258", cp1258(SENTENCE)), ("tcvn3", encode_tcvn3(SENTENCE)), ("vni", encode_vni(SENTENCE))):
        decoded = decode_html(page(data), "text/html; charset=utf-8")
        assert decoded.problem is None, name
        # cp1258 is right as decoded; TCVN3 and VNI are read as windows-1252 and repaired per field later.
        assert decoded.encoding == ("cp1258" if name == "cp1258" else "windows-1252"), name
    assert text_of(decode_html(page(cp1258(SENTENCE)), "text/html; charset=utf-8").text) == SENTENCE


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "gb2312", "shift_jis", "big5", "euc-kr", "windows-1258"])
def test_utf8_bytes_under_any_other_label_are_utf8(label):
    decoded = decode_html(page(SENTENCE.encode(), meta=label), f"text/html; charset={label}")
    assert (text_of(decoded.text), decoded.encoding) == (SENTENCE, "utf-8")


def test_a_real_utf16_page_is_still_utf16():
    body = f'<html><head><meta charset="utf-16"></head><body><p>{SENTENCE}</p></body></html>'.encode("utf-16-le")
    decoded = decode_html(body, "text/html; charset=utf-16le")
    assert text_of(decoded.text) == SENTENCE


def test_a_latin1_label_yields_to_windows_1258_text_but_not_to_a_tie():
    """Apache's ISO-8859-1 default in front of a Windows-1258 page: the syllables decide. A page that is latin-1
    indeed (no Vietnamese either way) keeps its label: "São Paulo" is not read as "Săo Paulo"."""
    decoded = decode_html(b"<p>" + cp1258(SENTENCE) + b"</p>", "text/html; charset=iso-8859-1")
    assert (text_of(decoded.text), decoded.encoding) == (SENTENCE, "cp1258")
    portuguese = "<p>São Paulo, Conceição</p>".encode("cp1252")
    assert decode_html(portuguese, "text/html; charset=iso-8859-1").text == "<p>São Paulo, Conceição</p>"


def test_binary_data_is_no_page():
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 16
    assert decode_html(pdf, "text/html").problem.startswith("binary data, not text (")
    assert decode_html(page(SENTENCE.encode()), None).problem is None


def test_an_ordinary_utf8_page_keeps_its_own_bytes():
    """The cost of decoding every page: for a UTF-8 page already in NFC, the body's bytes stand for the text."""
    decoded = decode_html(page(SENTENCE.encode()), "text/html; charset=utf-8")
    assert decoded.exact
    assert not decode_html(page("Mô\u0323 Đức".encode()), "text/html; charset=utf-8").exact  # NFD: normalised


# A crawl -------------------------------------------------------------------------------------------------------
def test_a_crawl_stores_the_vietnamese_text_whatever_the_label_said(site, table, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/decoding/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    stored = {r["url"].rsplit("/", 1)[1]: r for r in rows(db, "SELECT url, title, body FROM articles")}
    expected = {f"{name}-2001.html" for name in DECODING} | {OK_ARTICLE.rsplit("/", 1)[1]}
    assert set(stored) == expected  # none dropped, the UTF-16-labelled page included
    for name, article in stored.items():
        assert article["title"] == TITLE, name
        assert article["body"] == "\n\n".join(PARAGRAPHS), name
    assert failures(db) == []
    assert "\ufffd" not in "".join(r["body"] + r["title"] for r in stored.values())
    table.add("decoding", f"{len(stored)} articles, every title and body as written", result.peak_mb, result.seconds)


def test_a_binary_page_is_recorded_not_archived(site, table, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/binary/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    ((url, kind, error),) = failures(db)
    assert url == f"{site.portal.url}/binary/tin-tuc/tai-lieu-dinh-kem-bi-loi-dinh-dang-3001.html"
    assert kind == "article"
    assert error.startswith("cannot decode the page: binary data, not text (")
    assert [r["title"] for r in rows(db, "SELECT title FROM articles")] == [TITLE]
    table.add("binary", f"failure: {error}", result.peak_mb, result.seconds)
