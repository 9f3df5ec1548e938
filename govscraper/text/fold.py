"""Search keys made from stored text: the folded form, and one spelling for tone placement.

Stored text keeps the portal's spelling. Search needs two derived forms, made from it and never stored in its
place:

* :func:`fold`: lowercase, no diacritics, đ → d. "Ủy ban nhân dân huyện Mộ Đức" → "uy ban nhan dan huyen mo duc".
  SQLite's ``remove_diacritics 2`` is not enough: "đ" has no Unicode decomposition, so "Đức" would stay "đuc".
  Folding merges distinct words ("thể"/"thế"/"the"): it is for finding, not for ranking.
* :func:`canonical_tones`: the text with diacritics kept but the tone mark of the open syllables "oa", "oe" and
  "uy" moved to one place, so "hòa" (old style, mark on the first vowel) and "hoà" (new style, on the main vowel)
  match as the same exact word. The new style is the canonical one. Syllables with a final consonant ("hoàng",
  "thuyết") are written the same way in both styles and are left alone.
"""

from __future__ import annotations

import re
import unicodedata

#: Combining tone marks: grave, acute, tilde, hook above, dot below.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_OLD_STYLE = re.compile(rf"(?i)([ou])([{TONE_MARKS}])([aey])(?![^\W\d_])")
_STROKES = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Lowercase, without any diacritic, đ as d; whitespace runs kept as they are.

    The same result as :func:`fold_by_decomposition`, several times faster: every stored text is folded into the
    search index as it is archived, and stored text is NFC, so one table lookup per character does the work (the
    table maps each precomposed character to its base letters). Text that still holds combining marks (NFD input)
    takes the reference path.
    """
    if text.isascii():
        return text.lower()
    folded = text.translate(_TABLE)
    if _COMBINING.search(folded):
        return fold_by_decomposition(text)
    return folded.lower()


def fold_by_decomposition(text: str) -> str:
    """The reference definition of :func:`fold`: decompose (NFD), drop combining marks, recompose, lowercase."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


#: Any combining mark (categories Mn, Mc, Me with a combining class, and the marks without one that NFD yields).
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


class _FoldTable(dict):
    """Character → its folded spelling, for :meth:`str.translate`; each entry made the first time a character is seen.

    Filled lazily because a process folds a few hundred distinct characters (Vietnamese letters, punctuation), and
    building the whole table for the 194,000 characters below U+30000 up front cost 0.19 s of CPU in every crawl,
    search and import process. Characters whose fold is themselves (lowercasing aside: :func:`fold` lowercases the
    whole text afterwards) map to themselves; nothing above U+30000 has a canonical decomposition, and lone
    surrogates (text decoded with ``surrogateescape``) are kept as they are.
    """

    def __missing__(self, cp: int) -> str:
        char = chr(cp)
        folded = char
        if cp < 0x30000 and not 0xD800 <= cp <= 0xDFFF:
            by_decomposition = fold_by_decomposition(char)
            if by_decomposition != char.lower():
                folded = by_decomposition
        self[cp] = folded
        return folded


_TABLE = _FoldTable()


def _new_style(match: re.Match[str]) -> str:
    first, tone, second = match.groups()
    # "oa"/"oe" only carry the old-style mark when o is the first vowel of the nucleus; "uy" likewise. An "o"/"u"
    # with its own quality mark (ô, ơ, ư) never reaches here: the quality mark would sit between vowel and tone.
    if first.lower() == "o" and second.lower() not in "ae":
        return match.group(0)
    if first.lower() == "u" and second.lower() != "y":
        return match.group(0)
    return f"{first}{second}{tone}"


def canonical_tones(text: str) -> str:
    """The text in NFC with "hòa/hoà", "khỏe/khoẻ", "thủy/thuỷ" written the new way (mark on the main vowel)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_STYLE.sub(_new_style, decomposed))


__all__ = ["TONE_MARKS", "canonical_tones", "fold", "fold_by_decomposition"]
