"""Bytes → text: web pages (:func:`decode_page`) and plain-text attachments (:func:`decode_document_text`).

Portals lie about their encoding in every way: servers send ``ISO-8859-1`` by default in front of UTF-8 pages,
stale ``windows-1258`` declarations survive a migration to UTF-8, a UTF-8 header is sent for a cp1258 page,
a BOM sits in front of a page declared windows-1252. So each declaration is checked against the bytes before it
is trusted, and every result is NFC (Python's ``cp1258`` gives base letters plus combining tone marks).

TCVN3 and VNI pages (fonts ``.VnTime``/``VNI-Times``) usually declare latin-1 or windows-1252 and are decoded as
windows-1252 here, as a browser does; their text is repaired later, per field, by
:func:`govscraper.text.repair.repair_text`, because a page can mix such text with Unicode.

The crawler reads every page through :func:`decode_html`: a crawl that trusted Scrapy's choice whenever it was
UTF-8 had stored a Windows-1258 page declared UTF-8 with replacement characters for its letters. When no declaration
fits the bytes, Windows-1258 and windows-1252 (for TCVN3/VNI repair) are weighed by how many Vietnamese syllables
each reading gives. A page that is binary data under any reading (a PDF or image served
as ``text/html``) is reported as such (:attr:`DecodedPage.problem`), so the crawl records it instead of archiving
noise.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

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
#: Labels whose text is not ASCII-compatible: HTML in them has a NUL byte beside every ASCII character.
_WIDE = ("utf-16", "utf-32", "utf_16", "utf_32")
#: How much of a legacy page's non-ASCII lines is read to choose between Windows-1258 and windows-1252.
_SAMPLE = 65536
_TAG = re.compile(r"<[^>]*>")
#: C0 controls that text never holds (tab, newlines and form feed are text; TCVN3 VN1 puts a few rare capitals
#: at 0x01–0x17, far fewer than the threshold below).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20)])


@dataclass(frozen=True)
class DecodedPage:
    """A page's text and how it was read."""

    text: str = field(repr=False)
    #: The codec that read the bytes (``utf-8``, ``cp1258``, ``windows-1252``...).
    encoding: str
    #: Why the bytes are no text at all (binary data served as a page), or None.
    problem: str | None = None
    #: The text is the body read as strict UTF-8, nothing removed or normalised: the body's bytes stand for it.
    exact: bool = False


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
    return _utf8(body) is not None


def _utf8(body: bytes) -> str | None:
    """The body read as strict UTF-8, or None when it is not UTF-8 (read once, used as the text when chosen)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(body: bytes) -> bool:
    """Valid UTF-8 but for a few broken bytes: valid multibyte characters outnumber errors 20 to 1."""
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for c in text if c > "\x7f") - broken - body.count(b"\xef\xbf\xbd")
    return multibyte >= _UTF8_MAJORITY * max(broken, 1)


def _decode_as(body: bytes, encoding: str, non_ascii: bool, utf8: str | None) -> tuple[str, str] | None:
    """``(text, codec)`` of the body read as a declared encoding, or None when the bytes say the declaration is wrong.

    * any label but UTF-16/32 on bytes that are valid UTF-8 with non-ASCII characters: UTF-8 (servers' ISO-8859-1
      default, a stale windows-1258 declaration, a CJK label copied from a template: text in another encoding is
      practically never valid UTF-8);
    * UTF-16/32 on bytes without a NUL byte: not trusted (HTML in them has one beside every ASCII character);
    * windows-1252 never fails (browsers map its five undefined bytes to C1 controls), but Vietnamese bytes under
      it may be Windows-1258 as well as TCVN3/VNI: the reading with more Vietnamese syllables wins;
    * UTF-8 on bytes that are not: only kept when the page is UTF-8 but for a few broken bytes;
    * any other encoding must decode the bytes strictly.
    """
    wide = encoding.startswith(_WIDE)
    if utf8 is not None and (encoding == "utf-8" or (non_ascii and not wide)):
        return utf8, "utf-8"
    if wide and b"\x00" not in body:
        return None
    if encoding == _WINDOWS_1252:
        return _legacy_choice(body, labelled=True) if non_ascii else (decode_windows1252(body), _WINDOWS_1252)
    if encoding == "utf-8" and utf8 is None:
        return (body.decode("utf-8", errors="replace"), "utf-8") if _mostly_utf8(body) else None
    try:
        return body.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The page's text, NFC, from its bytes and the HTTP ``Content-Type`` header (if any): :func:`decode_html`."""
    return decode_html(body, content_type).text


def decode_html(body: bytes, content_type: str | None = None) -> DecodedPage:
    """The page's text, NFC, from its bytes and the HTTP ``Content-Type`` header (if any), and how it was read.

    Trust, in order: the header's charset, the page's ``<meta charset>``/``http-equiv``, with sanity checks
    (see :func:`_decode_as`): a declaration the bytes contradict is skipped, and a latin-1/windows-1252 header
    (Apache's old ``AddDefaultCharset`` default) yields to a page that declares something else. A byte-order mark
    wins over both, because no declaration can explain it (cp1252 would show "ï»¿" at the start), as in
    browsers. With nothing usable: UTF-8 when the bytes are UTF-8; windows-1252 when the page names a TCVN3/VNI
    font (``.VnTime``, ``VNI-Times``), so that :func:`~govscraper.text.repair.repair_text` can read it; UTF-8 when
    the page is UTF-8 but for a few broken bytes; else Windows-1258 (the Vietnamese Windows code page) or
    windows-1252, whichever reading gives more Vietnamese syllables once repaired (:func:`_legacy_choice`). A BOM is
    never part of the text. ``problem`` is set when the result is binary data, not text (:func:`_binary`).
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        text = unicodedata.normalize("NFC", body[len(bom) :].decode(bom_encoding, errors="replace"))
        return DecodedPage(text, codecs.lookup(bom_encoding).name, _binary(text))

    non_ascii = not body.isascii()
    utf8 = _utf8(body)
    header = _label(http_content_type_encoding(content_type)) if content_type else None
    declared = _label(html_body_declared_encoding(body))
    if declared is not None and declared.startswith(_WIDE):
        declared = "utf-8"  # a page that could read its own <meta> is not UTF-16 (WHATWG)
    if header == _WINDOWS_1252 and declared not in (None, _WINDOWS_1252):
        header = None  # the servers' default label yields to what the page says about itself (checked below)
    for encoding in dict.fromkeys(e for e in (header, declared) if e):
        found = _decode_as(body, encoding, non_ascii, utf8)
        if found is not None:
            break
    else:
        found = _fallback(body, utf8)
    raw, codec = found
    text = raw[1:] if raw.startswith("\ufeff") else raw
    text = unicodedata.normalize("NFC", text)
    problem = _binary(text) if codec.startswith(_WIDE) else _binary_bytes(body)
    return DecodedPage(text, codec, problem, exact=text is raw and raw is utf8)


def _fallback(body: bytes, utf8: str | None) -> tuple[str, str]:
    if utf8 is not None:
        return utf8, "utf-8"
    if _LEGACY_FONT.search(body):
        return decode_windows1252(body), _WINDOWS_1252
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    return _legacy_choice(body)


def _legacy_choice(body: bytes, labelled: bool = False) -> tuple[str, str]:
    """Windows-1258 or windows-1252 for 8-bit Vietnamese bytes: the reading with more Vietnamese syllables.

    Windows-1258 text is right as decoded; TCVN3 and VNI text is read as windows-1252 and repaired per field later,
    so that reading is judged after :func:`~govscraper.text.repair.repair_text`. Only the lines holding non-ASCII
    bytes are judged (markup and scripts read the same either way), tags left out, at most :data:`_SAMPLE` bytes:
    the cost falls on legacy pages only. A tie goes to windows-1252 when the page was ``labelled`` so (a Portuguese
    "São" stays "São"), else to Windows-1258, the code page Vietnamese Windows wrote.
    """
    latin = decode_windows1252(body)
    try:
        vietnamese = body.decode("cp1258")
    except UnicodeDecodeError:
        return latin, _WINDOWS_1252  # bytes Windows-1258 leaves undefined: not Windows-1258
    sample = b"\n".join(line for line in body.splitlines() if not line.isascii())[:_SAMPLE]
    as_cp1258 = unicodedata.normalize("NFC", _TAG.sub(" ", sample.decode("cp1258")))
    as_legacy = repair_text(_TAG.sub(" ", decode_windows1252(sample)))
    legacy_score, cp1258_score = vietnamese_score(as_legacy), vietnamese_score(as_cp1258)
    if legacy_score > cp1258_score or (labelled and legacy_score == cp1258_score):
        return latin, _WINDOWS_1252
    return vietnamese, "cp1258"


def _binary(text: str) -> str | None:
    """Why ``text`` is binary data rather than a page: NUL bytes, or control characters in numbers no text has."""
    return _judge(text.count("\x00"), len(_CONTROLS.findall(text)), len(text))


def _binary_bytes(body: bytes) -> str | None:
    """:func:`_binary` counted on the bytes of an ASCII-compatible encoding (a control byte is a control character
    in UTF-8 and in every 8-bit code page read here); ``bytes.translate`` keeps it cheap on every page."""
    return _judge(body.count(b"\x00"), len(body) - len(body.translate(None, _CONTROL_BYTES)), len(body))


def _judge(nuls: int, controls: int, size: int) -> str | None:
    if nuls >= 8 or controls > max(16, size // 20):
        return f"binary data, not text ({controls} control characters in {size})"
    return None


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


__all__ = ["DecodedPage", "decode_document_text", "decode_html", "decode_page"]
