"""Search keys made from stored text: the folded form, and one spelling for tone placement.

Stored text keeps the portal's spelling. Search needs two derived forms (../shared/VIETNAMESE.md, "Search"):

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
    """Lowercase, without any diacritic, đ as d; whitespace runs kept as they are."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


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


__all__ = ["TONE_MARKS", "canonical_tones", "fold"]
