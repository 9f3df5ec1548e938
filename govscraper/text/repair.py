"""Finding and repairing encoding damage in scraped text: TCVN3, VNI and UTF-8 mojibake.

Three kinds of damage reach the archive as ordinary strings:

* **TCVN3** (ABC, ``.VnTime`` fonts) read as windows-1252/latin-1: "V¨n Träng" for "Văn Trọng";
* **VNI** (``VNI-Times`` fonts) read the same way: "Toâi ñi hoïc" for "Tôi đi học";
* **mojibake**, UTF-8 read as windows-1252/latin-1: "Quáº£ng NgÃ£i" for "Quảng Ngãi".

Detection is statistical: characters typical of each kind find a candidate, and the conversion is kept only if it
turns words that are not Vietnamese syllables into words that are (:func:`vietnamese_score`). A Spanish "Muñoz"
is not damaged VNI because "Muđoz" is no syllable either; clean Vietnamese never improves because its words
already are syllables. Legacy encodings are judged and converted line by line (a body can mix a pasted TCVN3
paragraph with Unicode ones); a line holding a character that windows-1252/latin-1 cannot produce (ư, đ, ạ...)
is Unicode already and never converted.

:func:`repair_text` runs on every text field of every article, so clean text must cost next to nothing: ASCII
text is rejected by :meth:`str.isascii`, other text by one character-class scan (plus one for VNI's vowel +
modifier pairs) before any statistics.

Not ftfy: measured on 3,097 Vietnamese mojibake cases and 4,461 that must not change (``benchmarks/repair.py``,
2026-12-07), this fixes 3,065 with no wrong change, ftfy 6.3.1's ``fix_encoding`` 3,013 with 6 wrong changes
("ĐÃ”" → "ĐÔ"), at 5.8 against 93 µs a call on clean text (docs/benchmarks.md).
"""

from __future__ import annotations

import re
import unicodedata

from govscraper.text.legacy import (
    BASE_VOWELS,
    TONE_MARKS,
    VIETNAMESE_LOWER,
    tcvn3_to_unicode,
    vni_to_unicode,
)

# ------------------------------------------------------------------------------------------ syllable statistics
#: lowercase letter → (toneless letter, tone index in TONE_MARKS); ASCII consonants map to themselves.
_TONE_OF: dict[str, tuple[str, int]] = {
    unicodedata.normalize("NFC", v + t): (v, i) for v in BASE_VOWELS for i, t in enumerate(TONE_MARKS)
}
_TONE_OF.update({c: (c, 0) for c in "bcdđghklmnpqrstvx"})
_ONSET = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
#: Vowel groups that can take a final consonant (c ch m n ng nh p t). "oo" only in "xoong", "boong", "moóc"...
_CLOSED = "uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|[aăâeêioôơuưy]"
#: Vowel groups that end in a glide (i o u y) and take no final consonant.
_OPEN = "iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu"
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:(?:{_CLOSED})(?P<coda>ch|ng|nh|[cmnpt])?|oo(?P<oo>ng|c)|(?:{_OPEN}))")
#: Word separators: whitespace, ASCII punctuation, typographic quotes and dashes. Not « » · ¨ © ª ¬ ... nor the C1
#: controls: they are TCVN3 letters (ô ằ ã ă â ê ơ, capitals), and a conversion must keep words aligned. Not
#: U+0085 or U+001C–U+001F either, which ``str.split()`` would take for whitespace.
_SEPARATORS = re.compile(r"[ \t\n\r\f\v\u00a0!-/:-@\[-`{-~“”‘’„‚–—…•]+")
_HAS_DIGIT = re.compile(r"\d")


def _is_syllable(token: str) -> bool:
    """True for one well-formed Vietnamese syllable: onset, vowel group, final, at most one tone; in lower case,
    capitalised or in capitals ("vÒ", TCVN3 for "về", is no word even though "vò" is)."""
    if not (token.islower() or token.isupper() or (token[0].isupper() and token[1:].islower())):
        return False
    tone = 0
    toneless = []
    for char in token.lower():
        letter = _TONE_OF.get(char)
        if letter is None:
            return False
        if letter[1]:
            if tone:
                return False
            tone = letter[1]
        toneless.append(letter[0])
    m = _SYLLABLE.fullmatch("".join(toneless))
    if m is None:
        return False
    if m.group("oo") and tone not in (0, 1, 2):  # "xoong", "moóc", "goòng": loan words, no other tones
        return False
    coda = m.group("coda") or m.group("oo")
    # A syllable closed by c, ch, p or t only takes the sắc or nặng tone ("các", "học"), never huyền/hỏi/ngã.
    return not (coda in ("c", "ch", "p", "t") and tone in (2, 3, 4))


def _words(text: str) -> list[str]:
    """The text split at whitespace and punctuation (:data:`_SEPARATORS`), empty pieces dropped."""
    return [w for w in _SEPARATORS.split(text) if w]


def _tokens(text: str) -> list[str]:
    """The words that count for :func:`vietnamese_score`: those with a letter and no digit."""
    return [w for w in _words(text) if not _HAS_DIGIT.search(w) and any(c.isalpha() for c in w)]


def vietnamese_score(text: str) -> float:
    """The share (0–1) of word tokens that are well-formed Vietnamese syllables; 0.0 when there are none.

    Words are split at whitespace and punctuation; those with a digit or without a letter do not count.
    A syllable is an optional onset (b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x), a vowel
    group of Vietnamese, an optional final (c ch m n ng nh p t, or the glides i o u y of the group), at most one
    tone mark (a final c/ch/p/t allows only sắc or nặng), Vietnamese letters only, in lower case, capitalised or
    in capitals. Clean Vietnamese prose scores
    about 0.9 (names of foreign things and abbreviations such as "UBND" are the rest); damaged text scores low
    because its words hold symbols (¨ ¸ º) or letters Vietnamese lacks (ä ñ ï).
    """
    tokens = _tokens(text)
    if not tokens:
        return 0.0
    return sum(map(_is_syllable, tokens)) / len(tokens)


# ------------------------------------------------------------------------------------------- pre-check markers
_VIETNAMESE_LATIN1 = {c for c in VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper() if "\u00a0" <= c <= "\u00ff"}
#: Characters that clean Vietnamese (or English) text practically never holds, but every kind of damage does: from
#: U+0080–U+00FF the C1 controls, the symbols ¡–¿ (TCVN3 letters, second bytes of UTF-8 mojibake) and the latin-1
#: letters that are not Vietnamese (TCVN3 and VNI codes, mojibake lead bytes Ä Æ); and "€", the second character
#: of every mojibake of U+2000–U+206F ("â€™" for "’"). "Ã" is a Vietnamese capital, but its mojibake always brings
#: others along ("Ã£" has £). No-break space is left out: it is everywhere.
_SUSPECT_CHARS = "".join(chr(c) for c in range(0x80, 0x100) if chr(c) not in _VIETNAMESE_LATIN1 and c != 0xA0) + "€"
_SUSPECT = re.compile(f"[{re.escape(_SUSPECT_CHARS)}]")
#: Damaged words made only of Vietnamese-looking characters: VNI's vowel + modifier pairs that no Vietnamese
#: spelling has ("Toâi", "caùc", "Tuaán"; "oá" is left out: it is "hoá"), TCVN3's "uú" ("Huúnh" for "Huỳnh")
#: and its capital codes inside a word in lower case ("HiÕu" for "Hiếu", "TÊn" for "Tấn"). The character class
#: comes first so the scan stays fast.
_PAIR = re.compile(
    "[âùõêáàãéèúÂÙÕÊÁÀÃÉÈÚÌÍÒÓÔÝ]"
    "(?:(?<=[aeoôAEOÔ][âùõÂÙÕ]|[aA][êáàãéèúÊÁÀÃÉÈÚ]|[eE][áàãÁÀÃ]|[uyUY][ùõÙÕ]|[uU][úÚ]|[a-zß-ÿ][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ])"
    "|(?<=[A-ZÀ-Þ][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ])(?=[a-zß-ÿ]))"
)

#: "Ã" + no-break space, the mojibake of "à", the commonest letter whose mojibake has no suspect character.
_A_NBSP = "\u00c3\u00a0"

# ---------------------------------------------------------------------------------------------------- mojibake
#: windows-1252 where defined, latin-1 (C1 controls) for the rest: character → the byte it was decoded from.
_CP1252_SPECIALS = {c: b for b in range(0x80, 0xA0) if (c := bytes([b]).decode("cp1252", errors="ignore"))}
_TO_BYTE = {chr(b): b for b in range(0x100)} | _CP1252_SPECIALS
_CONT = re.escape("".join(chr(b) for b in range(0x80, 0xC0)) + "".join(_CP1252_SPECIALS))
#: A UTF-8 sequence as windows-1252/latin-1 shows it: a lead byte and its continuation bytes (or a U+FFFD where
#: a decoder replaced one of windows-1252's five undefined bytes).
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df][{_CONT}\ufffd]|[\u00e0-\u00ef][{_CONT}\ufffd]{{2}}|[\u00f0-\u00f4][{_CONT}\ufffd]{{3}}"
)
#: Ordinary punctuation that can follow a letter in clean text ("ĐÃ”"): a sequence made only of a Vietnamese
#: letter and these is weak evidence, never enough on its own.
_WEAK_CONT = set("“”‘’–—…\u00a0•")


def _plausible(char: str) -> bool:
    """Could a repaired character be real text? Latin letters and marks, punctuation, currency, letterlike."""
    cp = ord(char)
    return (
        0xA0 <= cp <= 0x24F
        or 0x300 <= cp <= 0x36F
        or 0x1E00 <= cp <= 0x1EFF
        or 0x2000 <= cp <= 0x20CF
        or 0x2100 <= cp <= 0x214F
    )


def _unmojibake(seq: str) -> str | None:
    """The character a mojibake sequence stands for, or None if it is not valid, plausible UTF-8."""
    if "\ufffd" in seq:
        return None
    try:
        char = bytes(_TO_BYTE[c] for c in seq).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    return char if _plausible(char) else None


def _is_strong(m: re.Match[str]) -> bool:
    """A sequence no clean text holds: a non-Vietnamese lead (Ä Æ ...) or a symbol/control as continuation, or
    "Ã" + no-break space inside a word ("NhÃ\u00a0n", the mojibake of "Nhàn": clean text has no nbsp mid-word)."""
    seq, text = m.group(), m.string
    if seq[0] not in _VIETNAMESE_LATIN1 or any(c not in _WEAK_CONT for c in seq[1:]):
        return True
    return (
        seq == _A_NBSP
        and m.start() > 0
        and text[m.start() - 1].isalpha()
        and m.end() < len(text)
        and text[m.end()].isalpha()
    )


_A_SPACE = re.compile(r"(?<=[^\W\d_])\u00c3(?= )")
#: "Ä" + U+FFFD: the 0x90 of UTF-8 "Đ" (C4 90) lost to a windows-1252 decoder. The other letters C4 81/8D/8F/9D
#: (ā č ď ĝ) are not Vietnamese, so in a word that then reads as a Vietnamese syllable it can only be Đ.
_LOST_D = re.compile("\u00c4\ufffd")


def repair_mojibake(text: str) -> str:
    """UTF-8 that was decoded as windows-1252 or latin-1, decoded right: "Quáº£ng NgÃ£i" → "Quảng Ngãi".

    Works on each sequence separately, so text that is only partly damaged (a pasted title) is repaired without
    touching the rest. C1 controls count as the bytes 0x80–0x9F ("Ä\\x90" → "Đ"). A sequence that lost a byte
    to U+FFFD cannot be repaired and is left as it is, except "Ä\\ufffd", which becomes "Đ" when its word then is a
    Vietnamese syllable ("Ä\\ufffdức" → "Đức"): the other candidates for that byte (ā č ď ĝ) are not Vietnamese.
    "Ã" + space after a letter is "à" whose second byte (0xA0, a no-break space) became an ordinary space
    ("nhÃ nÆ°á»›c" → "nhà nước"): word-final "à" is common, and no other letter's mojibake is "Ã" alone.
    Run it only on text known or detected (:func:`detect_encoding_damage`) to be mojibake: it also "repairs"
    rare clean sequences such as "Ã”".
    """
    text = _MOJIBAKE.sub(lambda m: _unmojibake(m.group()) or m.group(), text)
    if "\u00c3 " in text:
        text = _A_SPACE.sub("\u00e0", text)
    if "\ufffd" in text:
        text = _repair_lost_d(text)
    return unicodedata.normalize("NFC", text)


def _repair_lost_d(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        start = m.start()
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        end = m.end()
        while end < len(text) and (text[end].isalpha() or text[end] == "\ufffd"):
            end += 1
        word = text[start : m.start()] + "Đ" + text[m.end() : end]
        return "Đ" if _is_syllable(word) else m.group()

    return _LOST_D.sub(fix, text)


def _mojibake_evidence(text: str) -> int:
    """How many strong, repairable mojibake sequences the text holds."""
    return sum(1 for m in _MOJIBAKE.finditer(text) if _is_strong(m) and _unmojibake(m.group()))


# ------------------------------------------------------------------------------------------ legacy encodings
_CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
#: Characters a windows-1252/latin-1 decoding can produce; a line with anything else is Unicode already.
_LEGACY_REPERTOIRE = frozenset(_TO_BYTE)
#: A line is converted when, over its words that the conversion changes, the share of syllables after is at least
#: this ...
MIN_SCORE_AFTER = 0.7
#: ... and exceeds the share before by at least this. Clean text never gains: its words are syllables already.
MIN_GAIN = 0.3
#: Codes only TCVN3 uses (VNI letters are all in 0xC0–0xFF): symbols ¡–¿, C1 controls, and TCVN3's C0 capitals.
_TCVN3_SYMBOLS = re.compile("[\u00a1-\u00bf\u0080-\u009f\u0001\u0002\u0004-\u0006\u0011-\u0017]")


def _well_cased(word: str) -> bool:
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def _judge_line(line: str, kind: str) -> tuple[str, int] | None:
    """(converted line, number of words it turned into syllables) if converting this line is right, else None.

    Over the words the conversion changes (single letters and words with digits say nothing: "©" → "â",
    "25°C"), the share that are syllables must be at least :data:`MIN_SCORE_AFTER` afterwards and
    :data:`MIN_GAIN` more than before. A single changed word of one or two characters that looks like an ordinary
    word ("Ñu" would read as VNI "Đu", Danish "på" as TCVN3 "pồ") is too little to go on, unless it holds a
    TCVN3 symbol code ("Hµ", "Lª") or mixes cases ("tÕ").
    """
    if not _LEGACY_REPERTOIRE.issuperset(line):
        return None
    converted = _CONVERTERS[kind](line)
    if converted == line:
        return None
    before, after = _words(line), _words(converted)
    if len(before) != len(after):  # conversions keep separators; if not, nothing can be compared
        return None
    pairs = [
        (old, new)
        for old, new in zip(before, after, strict=True)
        if old != new and sum(c.isalpha() for c in new) >= 2 and not _HAS_DIGIT.search(old + new)
    ]
    if not pairs:
        return None
    if len(pairs) == 1:
        old = pairs[0][0]
        if len(old) < 3 and _well_cased(old) and not _TCVN3_SYMBOLS.search(old):
            return None
    score_before = sum(_is_syllable(old) for old, _ in pairs) / len(pairs)
    score_after = sum(_is_syllable(new) for _, new in pairs) / len(pairs)
    if score_after >= MIN_SCORE_AFTER and score_after - score_before >= MIN_GAIN:
        return converted, sum(_is_syllable(new) and not _is_syllable(old) for old, new in pairs)
    return None


def _legacy_lines(text: str, kind: str) -> tuple[list[str], int]:
    """The text's lines (split at "\\n" only: latin-1's NEL, U+0085, is a TCVN3 letter) with those that should be
    converted converted, and the number of words the conversion turned into syllables."""
    lines = text.split("\n")
    gained = 0
    for i, line in enumerate(lines):
        if _SUSPECT.search(line) or _PAIR.search(line):
            judged = _judge_line(line, kind)
            if judged:
                lines[i], gained = judged[0], gained + judged[1]
    return lines, gained


# ------------------------------------------------------------------------------------------------- the verdict
def detect_encoding_damage(text: str) -> str | None:
    """Which damage the text shows, by statistics: "tcvn3", "vni", "mojibake", or None for none.

    1. Pre-check (the whole cost on clean text): ASCII → None; no character of :data:`_SUSPECT_CHARS`, no pair of
       :data:`_PAIR` and no "Ã" + no-break space → None.
    2. Mojibake: at least one *strong* sequence (a UTF-8 lead and continuation bytes as windows-1252 shows them,
       decoding to a plausible character, and not just a Vietnamese capital before a quote or dash).
    3. TCVN3 and VNI: each line with markers is converted and kept if, over the words the conversion changes,
       at least :data:`MIN_SCORE_AFTER` are syllables afterwards, :data:`MIN_GAIN` more than before. The encoding
       that turns more words into syllables wins; on a tie, TCVN3 if the text holds a code only TCVN3 uses
       (¡–¿, C1 controls), else VNI; none → None.
    """
    if text.isascii() or not (_SUSPECT.search(text) or _PAIR.search(text) or _A_NBSP in text):
        return None
    if _mojibake_evidence(text):
        return "mojibake"
    tcvn3, vni = _legacy_lines(text, "tcvn3")[1], _legacy_lines(text, "vni")[1]
    if tcvn3 == vni:
        # Both readings make as many syllables ("Coâng": VNI "Công", TCVN3 "Coõng"): VNI text has no code below
        # 0xC0, TCVN3 text nearly always has some (à á ả ạ â ă ê ô ơ ư đ are 0xA8–0xB9).
        return None if not tcvn3 else "tcvn3" if _TCVN3_SYMBOLS.search(text) else "vni"
    return "tcvn3" if tcvn3 > vni else "vni"


def repair_text(text: str) -> str:
    """The text with the encoding damage :func:`detect_encoding_damage` finds repaired; the same object if none.

    Mojibake is repaired sequence by sequence (:func:`repair_mojibake`), TCVN3/VNI line by line (only the lines
    that pass the statistics). Repeats while damage is found (twice-encoded mojibake needs two rounds), so the
    result is stable: ``repair_text(repair_text(t)) == repair_text(t)``. Clean Vietnamese, English, and text with
    typographic quotes and dashes come back unchanged. Run it before invisible-character removal and the rest of
    :mod:`govscraper.text.normalize` (TCVN3 "ư" is a soft hyphen to latin-1).
    """
    for _ in range(3):
        kind = detect_encoding_damage(text)
        if kind is None:
            break
        repaired = repair_mojibake(text) if kind == "mojibake" else "\n".join(_legacy_lines(text, kind)[0])
        if repaired == text:
            break
        text = repaired
    return text


__all__ = [
    "MIN_GAIN",
    "MIN_SCORE_AFTER",
    "detect_encoding_damage",
    "repair_mojibake",
    "repair_text",
    "vietnamese_score",
]
