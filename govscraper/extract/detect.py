"""Which extractor a page needs, the dispatch to it, and turning a response's bytes into text.

* :func:`detect_platform`: ``"liferay62"`` for a Liferay 6.x page with Asset Publisher markup (the profile's
  selectors apply), else ``"generic"``.
* :func:`extract_article`: runs the platform profile, and falls back to the generic extractor when the profile
  finds no title or no body (a Liferay theme that renamed ``div.asset-full-content-title``, a Web Content Display
  page instead of an Asset Publisher one).
* :func:`decode_page`: bytes → NFC text. The charset comes from the byte-order mark, then the HTTP header, then
  ``<meta charset>`` / ``http-equiv`` (w3lib's sniffing), then a UTF-8 check; Windows-1258 (Python's ``cp1258``
  gives base letters plus combining tone marks) comes out composed after NFC.
"""

from __future__ import annotations

import codecs
import unicodedata

from parsel import Selector
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from govscraper.extract import liferay62
from govscraper.extract.generic import extract_generic, extract_if_article
from govscraper.model import Article

PLATFORMS = ("liferay62", "generic")
#: Asset Publisher markup: the portlet's wrapper id/class, its full-content view and its list entries.
_ASSET_PUBLISHER = (
    "//*[starts-with(@id, 'p_p_id_101_')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' portlet-asset-publisher ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-full-content ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-bounddary ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-abstract ')]"
)
#: Multi-byte encodings whose text can also be valid UTF-8 by design; every other declared encoding is single-byte,
#: and Vietnamese text in a single-byte encoding (cp1258, latin-1...) is practically never valid UTF-8.
_MULTIBYTE = ("utf", "gb", "big5", "shift_jis", "cp932", "euc", "iso2022", "cp949", "hz")


def _selector(page: str | Selector) -> Selector:
    return page if isinstance(page, Selector) else Selector(text=page)


def detect_platform(page: str | Selector, url: str) -> str:
    """``"liferay62"`` when the page is Liferay 6.x (fingerprints) with Asset Publisher markup, else ``"generic"``."""
    sel = _selector(page)
    if liferay62.looks_like(sel) and sel.xpath(_ASSET_PUBLISHER):
        return "liferay62"
    return "generic"


def extract_article(page: str | Selector, url: str, platform: str | None = None) -> Article:
    """The article on the page by its platform's profile (detected when not given); generic as the fallback."""
    sel = _selector(page)
    platform = platform or detect_platform(sel, url)
    if platform == "liferay62":
        article = liferay62.parse_article(sel, url)
        if article.title and article.body:
            return article
    elif platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    return extract_generic(sel, url)


def article_on_page(page: str | Selector, url: str) -> Article | None:
    """The article a crawled page holds, or None for a list, home or other page (for crawls of unknown sites).

    A Liferay full-content page is read by its profile; anything else is judged and read by the generic path.
    """
    sel = _selector(page)
    if detect_platform(sel, url) == "liferay62" and sel.css("div.asset-full-content-title"):
        article = liferay62.parse_article(sel, url)
        if article.title and article.body:
            return article
    return extract_if_article(sel, url)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The page's text, NFC-normalised, from its bytes and the HTTP ``Content-Type`` header (if any).

    Order: byte-order mark (it wins in browsers, WHATWG), the header's charset, the page's own declaration; then
    sanity checks: a single-byte label (the servers' ``ISO-8859-1`` default, a stale ``windows-1258``) on bytes
    that are valid UTF-8 with non-ASCII characters is read as UTF-8, and a UTF-8 label on bytes that are not
    UTF-8 falls back to the page's own declaration, else Windows-1258. Undecodable bytes become U+FFFD; a BOM
    is never part of the text.
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        text = body[len(bom) :].decode(bom_encoding, errors="replace")
        return unicodedata.normalize("NFC", text)

    header = _codec(http_content_type_encoding(content_type)) if content_type else None
    declared = _codec(html_body_declared_encoding(body))
    encoding = header or declared
    non_ascii = any(byte > 0x7F for byte in body)
    if encoding is None:
        encoding = "utf-8" if _is_utf8(body) else "cp1258"
    elif not encoding.startswith(_MULTIBYTE) and non_ascii and _is_utf8(body):
        encoding = "utf-8"
    elif encoding == "utf-8" and not _is_utf8(body):
        encoding = declared if declared and declared != "utf-8" else "cp1258"
    text = body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


__all__ = ["PLATFORMS", "decode_page", "detect_platform", "extract_article"]
