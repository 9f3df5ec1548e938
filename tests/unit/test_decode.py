"""Bytes → text: which declaration is trusted, the sanity checks that overrule it, the real fixtures, and plain text
from attachments."""

from __future__ import annotations

import unicodedata

import pytest

from govscraper.text.decode import decode_document_text, decode_page
from govscraper.text.legacy import encode_tcvn3, encode_vni
from govscraper.text.repair import repair_text
from tests.helpers.fixtures import page_bytes, pages
from tests.helpers.hostile_site import cp1258

MO_DUC_CP1258 = b"M\xf4\xf2 \xd0\xfd\xecc"  # "Mộ Đức" in Windows-1258: base letters + combining tones
QUANG_NGAI_UTF8 = "<p>Quảng Ngãi</p>".encode()


# ------------------------------------------------------------------------------------------------------ precedence
def test_cp1258_bytes_from_the_test_table():
    assert decode_page(MO_DUC_CP1258, "text/html; charset=windows-1258") == "Mộ Đức"
    assert decode_page(b"<p>" + MO_DUC_CP1258 + b"</p>") == "<p>Mộ Đức</p>"  # no declaration, not UTF-8


def test_header_charset_wins_over_meta():
    body = b'<meta charset="utf-8"><p>' + MO_DUC_CP1258 + b"</p>"
    assert decode_page(body, "text/html; charset=windows-1258") == '<meta charset="utf-8"><p>Mộ Đức</p>'


def test_meta_is_used_when_the_header_has_no_charset():
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258"><p>' + MO_DUC_CP1258
    assert decode_page(body, "text/html").endswith("<p>Mộ Đức")
    assert decode_page(body).endswith("<p>Mộ Đức")


def test_bom_wins_over_header_and_meta():
    body = b"\xef\xbb\xbf" + b'<meta charset="windows-1252">' + QUANG_NGAI_UTF8
    for header in (None, "text/html; charset=windows-1252", "text/html; charset=ISO-8859-1"):
        text = decode_page(body, header)
        assert text == '<meta charset="windows-1252"><p>Quảng Ngãi</p>'  # not "ï»¿" and mojibake
    utf16 = "\ufeff<p>Mộ Đức</p>".encode("utf-16-le")
    assert decode_page(utf16, "text/html; charset=utf-8") == "<p>Mộ Đức</p>"


# --------------------------------------------------------------------------------------------------- sanity checks
def test_single_byte_label_on_utf8_bytes_reads_utf8():
    assert decode_page(QUANG_NGAI_UTF8, "text/html; charset=ISO-8859-1") == "<p>Quảng Ngãi</p>"
    assert decode_page(QUANG_NGAI_UTF8, "text/html; charset=windows-1258") == "<p>Quảng Ngãi</p>"
    body = b'<meta charset="windows-1258">' + QUANG_NGAI_UTF8
    assert decode_page(body) == '<meta charset="windows-1258"><p>Quảng Ngãi</p>'


def test_declaration_that_cannot_decode_the_bytes_is_not_trusted():
    # A UTF-8 header on cp1258 bytes: the page's own declaration is used instead.
    body = b'<meta charset="windows-1258"><p>' + MO_DUC_CP1258 + b"</p>"
    assert decode_page(body, "text/html; charset=utf-8").endswith("<p>Mộ Đức</p>")
    # A cp1258 header on bytes cp1258 leaves undefined (0x8A) and no other declaration: windows-1252.
    assert decode_page(b"<p>\x8a\xe9</p>", "text/html; charset=windows-1258") == "<p>Šé</p>"


def test_utf8_page_with_a_few_broken_bytes_stays_utf8():
    body = ("<p>" + "Ủy ban nhân dân huyện Mộ Đức. " * 5 + "</p>").encode() + b"<p>\xe1\xbb</p>"  # a cut "ị"
    text = decode_page(body, "text/html; charset=utf-8")
    assert "Ủy ban nhân dân huyện Mộ Đức." in text
    assert text.count("\ufffd") == 1
    assert decode_page(body) == text  # the same without any declaration


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin-1", "us-ascii", "x-user-defined", "windows-1252"])
def test_labels_browsers_read_as_windows_1252(label):
    assert decode_page(b"<p>\x93H\xe9\x94 \x81</p>", f"text/html; charset={label}") == "<p>“Hé” \x81</p>"


def test_meta_utf16_on_ascii_compatible_bytes_means_utf8():
    body = b'<meta charset="utf-16">' + QUANG_NGAI_UTF8
    assert decode_page(body) == '<meta charset="utf-16"><p>Quảng Ngãi</p>'


def test_legacy_font_page_without_declaration_is_windows_1252_for_repair():
    tcvn3 = b'<p style="font-family: .VnTime">' + encode_tcvn3("Tôi đi học") + b"</p>"
    text = decode_page(tcvn3)
    assert text == '<p style="font-family: .VnTime">T«i ®i häc</p>'  # not cp1258, so repair can read it
    assert repair_text("T«i ®i häc") == "Tôi đi học"
    vni = b'<font face="VNI-Times">' + encode_vni("Tôi đi học") + b"</font>"
    assert decode_page(vni) == '<font face="VNI-Times">Toâi ñi hoïc</font>'
    declared = b'<meta charset="iso-8859-1"><font face=".VnTime">' + encode_tcvn3("Văn Trọng") + b"</font>"
    assert "V¨n Träng" in decode_page(declared)


def test_windows_1258_comes_out_composed():
    text = decode_page(cp1258("<p>Thành phố cảng xanh</p>"), "text/html; charset=windows-1258")
    assert text == "<p>Thành phố cảng xanh</p>"
    assert cp1258("Mộ Đức") == MO_DUC_CP1258
    assert unicodedata.is_normalized("NFC", text)


# ---------------------------------------------------------------------------------------------- the real fixtures
def test_home_page_with_utf8_bom_decodes():
    raw = page_bytes("liferay62", "liferay62_sotttt-hanoi_home.html")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = decode_page(raw)
    assert not text.startswith("\ufeff")
    assert text == unicodedata.normalize("NFC", raw[3:].decode("utf-8"))
    assert "Tin nổi bật" in text


def test_layout_page_with_bom_decodes_even_against_a_wrong_header():
    raw = page_bytes("layouts", "upload_khanhcuong_article_chinh-quyen-hai-cap.html")
    assert raw.startswith(b"\xef\xbb\xbf")
    for header in (None, "text/html", "text/html; charset=ISO-8859-1", "text/html; charset=windows-1258"):
        text = decode_page(raw, header)
        assert text.startswith("<!DOCTYPE html>")
        assert "Xã Khánh Cường vận hành chính quyền địa phương hai cấp" in text


def test_cp1258_page_decodes_from_its_meta_declaration():
    raw = page_bytes("layouts", "haiphong_old_article_quy-hoach-giao-thong.html")
    text = decode_page(raw)
    assert "Công bố Quy hoạch phát triển giao thông vận tải thành phố đến năm 2020" in text
    assert "“thành phố cảng xanh, văn minh, hiện đại”" in text
    assert unicodedata.is_normalized("NFC", text)
    assert not any(unicodedata.combining(c) for c in text)
    assert decode_page(raw, "text/html") == text
    assert decode_page(raw, "text/html; charset=utf-8") == text  # a wrong UTF-8 header is overruled
    assert decode_page(raw, "text/html; charset=ISO-8859-1") == text  # the servers' default label yields to <meta>


def test_nfd_page_decodes_to_nfc():
    raw = page_bytes("layouts", "hatinh_camquan_article_nong-thon-moi.html")
    text = decode_page(raw)
    assert unicodedata.is_normalized("NFC", text)
    assert "Xã Cẩm Quan tổng kết công tác xây dựng nông thôn mới năm 2021" in text


@pytest.mark.parametrize("path", pages("layouts") + pages("liferay62"), ids=lambda p: p.stem)
def test_every_fixture_decodes_to_nfc_without_new_replacement_characters(path):
    raw = path.read_bytes()
    for header in (None, "text/html; charset=ISO-8859-1"):
        text = decode_page(raw, header)
        assert unicodedata.is_normalized("NFC", text)
        assert text.count("\ufffd") == raw.count(b"\xef\xbf\xbd")  # only those already saved in the file


# ----------------------------------------------------------------------------------------------- plain documents
PARAGRAPH = "Ủy ban nhân dân huyện Mộ Đức tổ chức hội nghị tổng kết công tác năm 2021.\r\nThành phần: “các xã”."


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PARAGRAPH.encode(), "utf-8"),
        (b"\xef\xbb\xbf" + PARAGRAPH.encode(), "utf-8 with BOM"),
        (PARAGRAPH.encode("utf-16"), "utf-16 with BOM"),
        (cp1258(PARAGRAPH), "windows-1258"),
        (unicodedata.normalize("NFD", PARAGRAPH).encode(), "utf-8 NFD"),
        (encode_tcvn3(PARAGRAPH, capitals="abc"), "TCVN3 (ABC)"),
        (encode_vni(PARAGRAPH), "VNI"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_decode_document_text(data, name):
    assert decode_document_text(data) == PARAGRAPH, name


def test_decode_document_text_of_english_windows_1252():
    text = "The committee’s “plan” – approved."
    assert decode_document_text(text.encode("cp1252")) == text
