"""Bytes → text: web pages (:func:`decode_page`) and plain-text attachments (:func:`decode_document_text`).

Portals lie about their encoding in every way: servers send ``ISO-8859-1`` by default in front of UTF-8 pages,
stale ``windows-1258`` declarations survive a migration to UTF-8, a UTF-8 header is sent for a cp1258 page,
a BOM sits in front of a page declared windows-1252. So each declaration is checked against the bytes before it
is trusted, and every result is NFC (Python's ``cp1258`` gives base letters plus combining tone marks).

TCVN3 and VNI pages (fonts ``.VnTime``/``VNI-Times``) usually declare latin-1 or windows-1252 and are decoded as
windows-1252 here, as a browser does; their text is repaired later, per field, by
:func:`govscraper.text.repair.repair_text`, because a page can mix such text with Unicode.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from govscraper.text.legacy import decode_windows1252
from govscraper.text.repair import repair_text, vietnamese_score

#: Multi-byte encodings whose text can also be valid UTF-8 by design; every other declared encoding is single-byte,
#: and Vietnamese text in a single-byte encoding (cp1258, latin-1...) is practically never valid UTF-8.
_MULTIBYTE = ("utf", "gb", "big5", "shift_jis", "cp932", "euc", "iso2022", "cp949", "hz", "johab")
#: Labels browsers read as windows-1252 (WHATWG Encoding): latin-1 and ASCII always; x-user-defined is really a
#: different mapping of 0x80–0xFF, but the pages that declare it are windows-1252 (or TCVN3/VNI) text.
_WINDOWS_1252 = "windows-1252"
_AS_WINDOWS_1252 = {"cp1252", "latin-1", "iso8859-1", "ascii", "x-user-defined", "us-ascii", "iso-8859-1"}
#: Legacy Vietnamese font names in a page's CSS or ``<font face>``: ABC/TCVN3 (.VnTime, .VnArial, .VnTimeH ...)
#: and VNI (VNI-Times, VNI-Helve ...). On a page with no usable declaration they mean windows-1252 bytes.
_LEGACY_FONT = re.compile(rb"""(?i)[\s'",:;=]\.vn[a-z]|\bvni-[a-z]""")
#: A UTF-8 page with a few broken bytes (a truncated teaser) is still UTF-8 when valid multibyte characters
#: outnumber the broken ones this many times.
_UTF8_MAJORITY = 20


def _label(name: str | None) -> str | None:
    """The codec name a charset label means (windows-1252 for the labels browsers read so), or None if unknown."""
    if not name:
        return None
    if name.strip().lower() == "x-user-defined":
        return _WINDOWS_1252
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    try:
        codec = codecs.lookup(resolved).name
    except LookupError:
        return None
    return _WINDOWS_1252 if codec in _AS_WINDOWS_1252 else codec


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """Valid UTF-8 but for a few broken bytes: valid multibyte characters outnumber errors 20 to 1."""
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for c in text if c > "\x7f") - broken - body.count(b"\xef\xbf\xbd")
    return multibyte >= _UTF8_MAJORITY * max(broken, 1)


def _decode_as(body: bytes, encoding: str, non_ascii: bool, utf8: bool) -> str | None:
    """The body decoded as a declared encoding, or None when the bytes say the declaration is wrong.

    * a single-byte label on bytes that are valid UTF-8 with non-ASCII characters: UTF-8 (servers' ISO-8859-1
      default, a stale windows-1258 declaration);
    * windows-1252 never fails (browsers map its five undefined bytes to C1 controls);
    * UTF-8 on bytes that are not: only kept when the page is UTF-8 but for a few broken bytes;
    * any other encoding must decode the bytes strictly.
    """
    if non_ascii and utf8 and not encoding.startswith(_MULTIBYTE):
        return body.decode("utf-8")
    if encoding == _WINDOWS_1252:
        return decode_windows1252(body)
    if encoding == "utf-8" and not utf8:
        return body.decode("utf-8", errors="replace") if _mostly_utf8(body) else None
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The page's text, NFC, from its bytes and the HTTP ``Content-Type`` header (if any).

    Trust, in order: the header's charset, the page's ``<meta charset>``/``http-equiv``, with sanity checks
    (see :func:`_decode_as`): a declaration the bytes contradict is skipped, and a latin-1/windows-1252 header
    (Apache's old ``AddDefaultCharset`` default) yields to a page that declares something else. A byte-order mark
    wins over both, because no declaration can explain it (cp1252 would show "ï»¿" at the start), as in
    browsers. With nothing usable: UTF-8 when the bytes are UTF-8; windows-1252 when the page names a TCVN3/VNI
    font (``.VnTime``, ``VNI-Times``), so that :func:`~govscraper.text.repair.repair_text` can read it; else
    Windows-1258 (the Vietnamese Windows code page) if it decodes, else windows-1252. A BOM is never part of the
    text.
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return unicodedata.normalize("NFC", body[len(bom) :].decode(bom_encoding, errors="replace"))

    non_ascii = not body.isascii()
    utf8 = _is_utf8(body)
    header = _label(http_content_type_encoding(content_type)) if content_type else None
    declared = _label(html_body_declared_encoding(body))
    if declared is not None and declared.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        declared = "utf-8"  # a page that could read its own <meta> is not UTF-16 (WHATWG)
    if header == _WINDOWS_1252 and declared not in (None, _WINDOWS_1252):
        header = None  # the servers' default label yields to what the page says about itself (checked below)
    for encoding in dict.fromkeys(e for e in (header, declared) if e):
        text = _decode_as(body, encoding, non_ascii, utf8)
        if text is not None:
            break
    else:
        text = _fallback(body, utf8)
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def _fallback(body: bytes, utf8: bool) -> str:
    if utf8:
        return body.decode("utf-8")
    if _LEGACY_FONT.search(body):
        return decode_windows1252(body)
    try:
        return body.decode("cp1258")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace")
    return decode_windows1252(body)


def decode_document_text(data: bytes) -> str:
    """Plain text from an attachment (``.txt``, text extracted from an old ``.doc``) → NFC text, repaired.

    A BOM decides; then UTF-8 if the bytes are UTF-8 (or UTF-8 but for a few broken bytes). Otherwise the bytes are
    an 8-bit Windows text: read as Windows-1258 and as windows-1252 followed by
    :func:`~govscraper.text.repair.repair_text` (which finds TCVN3 and VNI), and the reading with more Vietnamese
    syllables wins (Windows-1258 on a tie).
    """
    bom_encoding, bom = read_bom(data)
    if bom_encoding is not None and bom is not None:
        text = data[len(bom) :].decode(bom_encoding, errors="replace")
    elif _is_utf8(data) or _mostly_utf8(data):
        text = data.decode("utf-8", errors="replace")
    else:
        legacy = unicodedata.normalize("NFC", repair_text(decode_windows1252(data)))
        try:
            cp1258 = unicodedata.normalize("NFC", data.decode("cp1258"))
        except UnicodeDecodeError:
            cp1258 = None
        text = legacy
        if cp1258 is not None and vietnamese_score(cp1258) >= vietnamese_score(legacy):
            text = cp1258
    return unicodedata.normalize("NFC", text)


__all__ = ["decode_document_text", "decode_page"]
