"""Canonical Unicode for stored Vietnamese text.

The archive keeps text as the portal published it, only made canonical: NFC, real letters for look-alikes,
no invisible junk, one space where the page had a run of them, and text damaged on its way to the page
(TCVN3 or VNI pasted from old documents, UTF-8 read as windows-1252) repaired (``govscraper.text.repair``).
What that relies on: some CMSs emit decomposed text (NFD), which NFC composes; NFC does not unify tone placement
("hoà" and "hòa" stay two strings); U+00D0 (Icelandic eth) is often typed for Đ (U+0110); zero-width spaces, soft
hyphens and stray BOMs split words in a full-text index; TCVN3 (.VnTime fonts) and VNI (VNI-Times) are legacy
8-bit font encodings with no Python codec, so text in them has to be mapped back to Unicode.
Spelling choices (tone placement, typographic quotes and dashes) are never changed here; folding for search lives
elsewhere (``govscraper.text.fold``) and never replaces stored text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from govscraper.text.repair import repair_text

#: Characters that split words in a full-text index but show nothing: zero-width space/joiners, word
#: joiner, soft hyphen, and a BOM that slipped into the middle of text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\ufeff"), None)
#: Fake Đ/đ: the Icelandic eth is commonly typed for the Vietnamese letter.
_LOOKALIKES = {0x00D0: "\u0110", 0x00F0: "\u0111"}
_JUNK = re.compile("[\u200b\u200c\u200d\u2060\u00ad\ufeff\u00d0\u00f0]")
#: Entities the CMS escaped twice (``&amp;oacute;``) or lost the ampersand of (``phốrdquo;``, ``CNTTamp;TT``).
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BROKEN_ENTITY = re.compile(r"(?<!&)(ldquo|rdquo|lsquo|rsquo|ndash|mdash|hellip|quot|amp|nbsp);")


def _decode_entities(text: str) -> str:
    if "&" in text:
        # Two rounds: "&amp;oacute;" is "&oacute;" escaped once more by the CMS.
        for _ in range(2):
            if not _ENTITY.search(text):
                break
            text = html.unescape(text)
    if ";" in text:
        text = _BROKEN_ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)
    return text


def normalize_inline(text: str | None) -> str | None:
    """Canonical form of a one-line field (title, caption, author): NFC, no junk, single spaces.

    Returns None for None and for text that is empty once cleaned, so "no value" has one spelling.
    """
    if text is None:
        return None
    if "&" in text or ";" in text:
        text = _decode_entities(text)
    # Encoding damage first: TCVN3 writes "ư" as the byte of a soft hyphen and "é" as the byte of "Ð", and the
    # mojibake of "à" ends in a no-break space; the cleaning below would destroy the evidence.
    for _ in range(3):
        repaired = repair_text(text)
        text = _clean_inline(repaired)
        # Cleaning can expose damage that repair judged in another context: "\x85bÆ" is no TCVN3 word, but once
        # the NEL (whitespace to str.split) is gone, "bÆ" is TCVN3 for "bặ". Repeat until nothing changes, so
        # the result is stable: normalize_inline(normalize_inline(t)) == normalize_inline(t).
        if text == repaired or not _may_expose_damage(repaired) or repair_text(text) is text:
            break
    return text or None


#: What cleaning removes or changes inside words (junk, look-alikes, whitespace that is no word separator to the
#: repair statistics): only then can the cleaned text read differently to them. Runs of spaces, tabs, newlines and
#: no-break spaces are separators to both, so collapsing them changes no word.
_INSIDE_WORDS = re.compile(
    "[\u200b\u200c\u200d\u2060\u00ad\ufeff\u00d0\u00f0\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


def _may_expose_damage(text: str) -> bool:
    return not text.isascii() and (_INSIDE_WORDS.search(text) is not None or not unicodedata.is_normalized("NFC", text))


def _clean_inline(text: str) -> str:
    if _JUNK.search(text):  # rare: translating every string costs more than looking once
        text = text.translate(_INVISIBLE).translate(_LOOKALIKES)
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalize_block(text: str | None) -> str | None:
    """Canonical form of multi-paragraph text (body, sapo): paragraph and line breaks kept.

    Paragraphs are separated by one blank line, line breaks inside a paragraph (``<br>``) by one newline;
    each line is normalised like :func:`normalize_inline` and blank lines are dropped.
    """
    if text is None:
        return None
    paragraphs = []
    for paragraph in re.split(r"\n[ \t\u00a0]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in map(normalize_inline, paragraph.split("\n")) if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) or None


def normalize_html(fragment: str | None) -> str | None:
    """NFC and invisible-character cleaning for stored HTML; markup and entities are left alone."""
    if fragment is None:
        return None
    return unicodedata.normalize("NFC", fragment.translate(_INVISIBLE).translate(_LOOKALIKES)).strip() or None


__all__ = ["normalize_block", "normalize_html", "normalize_inline"]
