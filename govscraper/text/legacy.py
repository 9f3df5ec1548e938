"""Vietnamese legacy font encodings: TCVN3 (ABC, TCVN 5712:1993), VNI-Windows and VIQR, both directions.

Old pages and most old ``.doc`` attachments were typed with font-encoded Vietnamese: the bytes are ordinary
single-byte codes, and only the font (``.VnTime`` for TCVN3, ``VNI-Times`` for VNI) draws them as Vietnamese
letters. A browser or CMS that does not know this decodes them as windows-1252 or latin-1, which gives text such
as ``"T«i ®i häc"`` (TCVN3) or ``"Toâi ñi hoïc"`` (VNI) for "Tôi đi học". Python has no codec for either, so
the tables are written out here as data, with where each comes from.

Two kinds of functions:

* byte level: :func:`decode_tcvn3`/:func:`encode_tcvn3`, :func:`decode_vni`/:func:`encode_vni`, for raw bytes
  (attachments, raw captures);
* text level: :func:`tcvn3_to_unicode`, :func:`vni_to_unicode`, :func:`unicode_to_vni`, :func:`viqr_to_unicode`,
  for text that was already decoded as windows-1252/latin-1 (what a crawl of such a page gives). These must run
  before invisible-character removal: TCVN3 "ư" is byte 0xAD, which latin-1 reads as a soft hyphen.

Nothing here guesses whether a text *is* legacy-encoded: that is :mod:`govscraper.text.repair`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

# ------------------------------------------------------------------------------------------------- the alphabet
#: The twelve vowel letters of Vietnamese (toneless), in the order of the tables below.
BASE_VOWELS = "aăâeêioôơuưy"
#: The tone marks as combining characters, in the order of the tables below: ngang (none), sắc (acute),
#: huyền (grave), hỏi (hook above), ngã (tilde), nặng (dot below).
TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
#: Every lowercase Vietnamese letter that carries a mark or is a vowel: 12 vowels × 6 tones, then đ (73 letters).
VIETNAMESE_LOWER = "".join(unicodedata.normalize("NFC", v + t) for v in BASE_VOWELS for t in TONE_MARKS) + "đ"
#: The same letters in upper case, position for position.
VIETNAMESE_UPPER = VIETNAMESE_LOWER.upper()

# ------------------------------------------------------------------------------------------------------- TCVN3
#: TCVN 5712:1993 "VN1" table, bytes 0x80–0xFF. Source: the standard's code table as implemented by glibc's
#: TCVN5712-1 converter (iconv/tcvn5712-1.c; ``iconv -f TCVN5712-1`` is checked against this in
#: tests/e2e/test_legacy.py) and X11's lcUniConv/tcvn.h. The ABC (VN3) fonts ``.VnTime`` etc. use the same codes
#: except that they leave out the capitals with tones (0x80–0x9F, 0x01–0x17, and AF BA BF C0–C5 CD D9–DB E0
#: F0 FF): ABC users write those as a base capital followed by the lowercase toned code ("Aµ" = "À").
#: Bytes 0xB0–0xB4 are the five tone marks as *combining* characters (grave, hook, tilde, acute, dot below):
#: glibc composes them with the preceding letter; here they become combining marks and NFC composes them.
_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"  # 80–8F: capitals with tones (VN1 only)
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 90–9F: capitals with tones (VN1 only)
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # A0–AF: A0 no-break space, base letters (AD is ư: a soft hyphen in latin-1)
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0–BF: B0–B4 combining tone marks
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0–CF
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0–DF
    "Ổỏõóọồổỗốộờởỡớợù"  # E0–EF
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # F0–FF
)
#: TCVN 5712:1993 VN1 also puts twelve capitals in the C0 control range (same sources as above).
_TCVN3_LOW = {
    0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ",
    0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
}  # fmt: skip
assert len(_TCVN3_HIGH) == 128

#: byte → text for the whole 0x00–0xFF range.
_TCVN3_DECODE: tuple[str, ...] = tuple(_TCVN3_LOW.get(b, chr(b)) for b in range(0x80)) + tuple(_TCVN3_HIGH)
_TCVN3_BYTES_TABLE = {b: c for b, c in enumerate(_TCVN3_DECODE) if c != chr(b)}
#: text → byte. Every character of the table, so every Vietnamese letter in both cases has exactly one code; a
#: combining tone mark left over after NFC (on a letter that has no precomposed form) is its byte 0xB0–0xB4.
_TCVN3_ENCODE: dict[str, int] = {c: b for b, c in enumerate(_TCVN3_DECODE)}
_TCVN3_COMBINING = {_TCVN3_DECODE[b]: b for b in range(0xB0, 0xB5)}
_TCVN3_BYTES_TRANSLATE = str.maketrans({chr(b): c for b, c in _TCVN3_BYTES_TABLE.items()})

#: windows-1252's characters at 0x80–0x9F, and the byte each stands for.
_CP1252_HIGH = {c: b for b in range(0x80, 0xA0) if (c := bytes([b]).decode("cp1252", errors="ignore"))}
#: Of those, the letters: in a TCVN3 text they can only be VN1 capitals, so :func:`tcvn3_to_unicode` maps them back.
#: The punctuation (quotes, dashes, ellipsis, €, ™ ...) is left alone: ABC fonts do not use those codes, and a
#: document typed with them has real typographic quotes there.
_CP1252_LETTERS = "ƒˆŠŒŽ˜šœžŸ"

#: Text as windows-1252/latin-1 shows TCVN3 bytes → the Vietnamese text. 0xB0–0xB4 are handled apart (see below).
_TCVN3_TEXT = {chr(b): c for b, c in _TCVN3_BYTES_TABLE.items() if not 0xB0 <= b <= 0xB4}
_TCVN3_TEXT.update({c: _TCVN3_DECODE[_CP1252_HIGH[c]] for c in _CP1252_LETTERS})
_TCVN3_TEXT_TRANSLATE = str.maketrans(_TCVN3_TEXT)
#: ° ± ² ³ ´ (0xB0–0xB4) are read as tone marks only right after a toneless vowel, where they make a Vietnamese
#: letter; elsewhere ("25°C", "500 m²") they are kept as the symbols they look like.
_TCVN3_MARK_AFTER_VOWEL = re.compile(f"(?<=[{BASE_VOWELS}{BASE_VOWELS.upper()}])[\u00b0-\u00b4]")
_TCVN3_MARK_TEXT = {chr(b): _TCVN3_DECODE[b] for b in range(0xB0, 0xB5)}

#: Merge rule: "Aµ" (A + à) is how ABC users type "À"; a capital vowel followed by the same vowel in lower case
#: with a tone is that capital with the tone (duydev/vietnamese-conversion's charsets.ts lists this convention).
_MERGE = {
    base.upper() + unicodedata.normalize("NFC", base + tone): unicodedata.normalize("NFC", base + tone).upper()
    for base in BASE_VOWELS
    for tone in TONE_MARKS[1:]
}
_MERGE_RE = re.compile("|".join(sorted(_MERGE)))
_WORD = re.compile(r"[^\W\d_]+")


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 bytes (the full VN1 table of TCVN 5712:1993) → NFC text.

    Bytes 0xB0–0xB4 become combining tone marks, composed with the preceding letter by NFC (as glibc does).
    No capital rules here: bytes are decoded as the standard says; see :func:`tcvn3_to_unicode` for ABC habits.
    """
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN3_BYTES_TRANSLATE))


def _split_tone(char: str) -> tuple[str, str] | None:
    """(letter without its tone, the tone's combining mark) for a letter with exactly one tone mark, else None.

    The mark is looked for anywhere in the decomposition: NFD puts a dot below before a circumflex ("ậ" is
    a + dot below + circumflex)."""
    decomposed = unicodedata.normalize("NFD", char)
    marks = [c for c in decomposed if c in _TCVN3_COMBINING]
    if len(marks) != 1 or len(decomposed) < 2:
        return None
    return unicodedata.normalize("NFC", decomposed.replace(marks[0], "")), marks[0]


def encode_tcvn3(
    text: str,
    errors: Literal["strict", "replace", "ignore"] = "strict",
    *,
    capitals: Literal["vn1", "abc"] = "vn1",
) -> bytes:
    """Text → TCVN3 bytes. Every Vietnamese letter, in both cases and with every tone, has a code.

    ``capitals="vn1"`` uses the standard's own codes for capitals with tones; ``"abc"`` writes them the ABC-font
    way, base capital + lowercase toned code (what :func:`tcvn3_to_unicode`'s merge rule reads back), and writes
    windows-1252's punctuation (“ ” – …) with its windows-1252 byte, free in ABC fonts, taken by capitals in VN1.
    A letter with no code of its own but a base letter and one tone mark that have codes ("ǹ") is written as
    base + the combining-mark byte 0xB0–0xB4, as glibc does. Anything else raises :class:`UnicodeEncodeError`
    (``errors="strict"``), becomes ``?`` (``"replace"``) or is dropped (``"ignore"``).
    """
    text = unicodedata.normalize("NFC", text)
    out = bytearray()
    for i, char in enumerate(text):
        if capitals == "abc" and char in _ABC_CODES:
            out += _ABC_CODES[char]
            continue
        code = _TCVN3_ENCODE.get(char)
        if code is not None:
            out.append(code)
            continue
        split = _split_tone(char)
        if split is not None and split[0] in _TCVN3_ENCODE:
            out += bytes([_TCVN3_ENCODE[split[0]], _TCVN3_COMBINING[split[1]]])
        elif errors == "replace":
            out += b"?"
        elif errors != "ignore":
            raise UnicodeEncodeError("tcvn3", text, i, i + 1, "character not in TCVN3")
    return bytes(out)


#: ABC (VN3) codes that differ from VN1: a capital with a tone is the base capital byte + the lowercase toned byte,
#: and windows-1252's punctuation keeps its windows-1252 byte (“ ” ‘ ’ – — …: ABC fonts draw those there, in VN1
#: the same bytes are capitals).
_ABC_CODES: dict[str, bytes] = {c: bytes([b]) for c, b in _CP1252_HIGH.items() if c not in _CP1252_LETTERS}
for _lower in VIETNAMESE_LOWER:
    _base = _split_tone(_lower)
    if _base is not None:
        _ABC_CODES[_lower.upper()] = bytes([_TCVN3_ENCODE[_base[0].upper()], _TCVN3_ENCODE[_lower]])


def _restore_case(text: str) -> str:
    """The .VnTimeH rule: in a word typed in capitals, a letter whose code was lowercase is made upper case.

    Capital fonts (.VnTimeH, .VnArialH) draw the lowercase codes as capitals, so "UBND TØNH" is "UBND TỈNH".
    A lowercase non-ASCII letter is upper-cased when every other cased letter of its word is upper case and there
    are at least two of them ("TØNH" → "TỈNH", "HéI" → "HỘI"). A two-letter word with one capital ("Hµ": "Hà" or
    "HÀ"?) is upper-cased only when its neighbouring words (those of at least two letters) are all in capitals:
    "Hµ NéI" → "HÀ NỘI", but "UBND Hµ Néi" → "UBND Hà Nội". ASCII letters are never changed: they were typed as
    they are.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if not words:
        return text
    restored: list[str] = []
    pending: list[int] = []  # two-letter words, decided once their neighbours are known
    for k, (_, _, word) in enumerate(words):
        lowered = [c for c in word if c.islower() and not c.isascii()]
        others = [c for c in word if c.isupper() or (c.islower() and c.isascii())]
        if lowered and others and all(c.isupper() for c in others) and len(lowered) + len(others) == len(word):
            if len(others) >= 2:
                word = word.upper()
            elif len(others) == 1 and len(word) == 2:
                pending.append(k)
        restored.append(word)

    def is_caps(word: str) -> bool:
        return len(word) >= 2 and word.isupper()

    for k in pending:
        neighbours = [w for w in (_neighbour(restored, k, -1), _neighbour(restored, k, 1)) if w is not None]
        if neighbours and all(is_caps(w) for w in neighbours):
            restored[k] = restored[k].upper()
    parts, last = [], 0
    for (start, end, _), word in zip(words, restored, strict=True):
        parts += [text[last:start], word]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _neighbour(words: list[str], k: int, step: int) -> str | None:
    """The nearest word of at least two letters before (step -1) or after (step 1) word ``k``."""
    k += step
    while 0 <= k < len(words):
        if len(words[k]) >= 2:
            return words[k]
        k += step
    return None


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 text that was decoded as windows-1252 or latin-1 → Unicode Vietnamese (NFC).

    "T«i ®i häc" → "Tôi đi học", "M\\u00adêng Kh\\u00ad¬ng" → "Mường Khương" (ư is 0xAD, an invisible soft hyphen
    to latin-1). Each character goes back to its byte (latin-1;
    C1 controls U+0080–U+009F and windows-1252's letters Š Œ Ž ... as bytes 0x80–0x9F) and through the VN1
    table. windows-1252's punctuation at 0x80–0x9F (“ ” ‘ ’ – — … € ™) stays as it is: ABC fonts do not use
    those codes, so in a TCVN3 document they are the real quotes and dashes. ° ± ² ³ ´ (0xB0–0xB4, the combining
    tone marks) are marks only right after a toneless vowel. Then the ABC habits are undone:

    * merge: a capital vowel followed by the same vowel in lower case with a tone is one capital ("Aµ" → "À",
      "¢Ê" → "Ấ"): ABC fonts have no capitals with tones;
    * case: lowercase codes inside a word typed in capitals are capitals (.VnTimeH), see :func:`_restore_case`.

    Characters outside latin-1/windows-1252 (already Unicode) pass through unchanged. Run this before removing
    invisible characters: TCVN3 "ư" (0xAD) is a soft hyphen to latin-1.
    """
    text = text.translate(_TCVN3_TEXT_TRANSLATE)
    if any("\u00b0" <= c <= "\u00b4" for c in text):
        text = _TCVN3_MARK_AFTER_VOWEL.sub(lambda m: _TCVN3_MARK_TEXT[m.group()], text)
    text = unicodedata.normalize("NFC", text)
    text = _MERGE_RE.sub(lambda m: _MERGE[m.group()], text)
    return _restore_case(text)


# --------------------------------------------------------------------------------------------------------- VNI
#: VNI-Windows (VNI-Times fonts), lowercase: for each vowel of :data:`BASE_VOWELS`, its six tones (order of
#: :data:`TONE_MARKS`), then đ. Source: xvnkb's vni.h (Dao Hai Lam, 2002), cross-checked with
#: duydev/vietnamese-conversion's charsets.ts. A letter is an ASCII base letter plus a modifier character from
#: windows-1252 (ù sắc, ø huyền, û hỏi, õ ngã, ï nặng; â circumflex, ê breve; á à å ã ä circumflex + tone;
#: é è ú ü ë breve + tone), except ơ (ô) and ư (ö), which take the tone modifiers themselves, i with a tone,
#: ỵ and đ, which are single characters. Capitals are the same codes in upper case ("AÙ" = "Á", "Ñ" = "Đ").
_VNI_ROWS = (
    ("a", "aù", "aø", "aû", "aõ", "aï"),
    ("aê", "aé", "aè", "aú", "aü", "aë"),  # ă
    ("aâ", "aá", "aà", "aå", "aã", "aä"),  # â
    ("e", "eù", "eø", "eû", "eõ", "eï"),
    ("eâ", "eá", "eà", "eå", "eã", "eä"),  # ê
    ("i", "í", "ì", "æ", "ó", "ò"),
    ("o", "où", "oø", "oû", "oõ", "oï"),
    ("oâ", "oá", "oà", "oå", "oã", "oä"),  # ô
    ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"),  # ơ
    ("u", "uù", "uø", "uû", "uõ", "uï"),
    ("ö", "öù", "öø", "öû", "öõ", "öï"),  # ư
    ("y", "yù", "yø", "yû", "yõ", "î"),
)
_VNI_LOWER: dict[str, str] = {
    unicodedata.normalize("NFC", vowel + tone): code
    for vowel, row in zip(BASE_VOWELS, _VNI_ROWS, strict=True)
    for tone, code in zip(TONE_MARKS, row, strict=True)
}
_VNI_LOWER["đ"] = "ñ"
#: Unicode letter → VNI spelling, both cases (only letters that differ from their spelling).
_VNI_ENCODE = {u: v for u, v in _VNI_LOWER.items() if u != v} | {
    u.upper(): v.upper() for u, v in _VNI_LOWER.items() if u != v
}
_VNI_ENCODE_TRANSLATE = str.maketrans(_VNI_ENCODE)
#: VNI spelling → letter. Besides the table's own spellings: a capital base with a lowercase modifier ("Aù" = "Á",
#: what a CMS's ucfirst() makes of "aù"), and "yï" for ỵ (some converters write ỵ like the other vowels).
_VNI_DECODE = {v: u for u, v in _VNI_ENCODE.items()}
_VNI_DECODE.update({v[0].upper() + v[1:]: u.upper() for u, v in _VNI_LOWER.items() if len(v) == 2})
_VNI_DECODE.update({"yï": "ỵ", "YÏ": "Ỵ", "Yï": "Ỵ"})
_VNI_MODIFIERS = "ùøûõïâêáàåãäéèúüë"
_VNI_SINGLES = "".join(sorted({k for k in _VNI_DECODE if len(k) == 1}))
_VNI_BASES = "aeouyôöAEOUYÔÖ"
#: Longest match first: a base followed by a modifier, else one of the single-character letters.
_VNI_RE = re.compile(f"[{_VNI_BASES}][{_VNI_MODIFIERS}{_VNI_MODIFIERS.upper()}]|[{_VNI_SINGLES}]")
assert not set(_VNI_SINGLES) & set(_VNI_MODIFIERS + _VNI_MODIFIERS.upper())


def _vni_match(m: re.Match[str]) -> str:
    seq = m.group()
    letter = _VNI_DECODE.get(seq)
    if letter is not None:
        return letter
    # Not a pair of the table ("uâ" in "xuaân" is u + aâ, "eê"): the first character alone, the modifier as is.
    # Modifiers are never single-character letters, so nothing is skipped.
    return _VNI_DECODE.get(seq[0], seq[0]) + seq[1:]


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (as windows-1252 shows it) → Unicode Vietnamese, NFC: "Toâi ñi hoïc" → "Tôi đi học".

    Longest match first. Characters that are not part of a VNI letter are kept, so Unicode text mixed in
    survives, but a non-Vietnamese letter that is a VNI code ("ñ", "ö", "ä" after a) is converted: only call
    this on text known (or detected, :mod:`govscraper.text.repair`) to be VNI.
    """
    return unicodedata.normalize("NFC", _VNI_RE.sub(_vni_match, text))


def unicode_to_vni(text: str) -> str:
    """Unicode Vietnamese → VNI-Windows spelling (a windows-1252 string): "Tôi đi học" → "Toâi ñi hoïc".

    Characters that are not Vietnamese letters are kept as they are; a text already containing VNI modifier
    characters (ä, ñ, ö...) next to vowels will not read back the same.
    """
    return unicodedata.normalize("NFC", text).translate(_VNI_ENCODE_TRANSLATE)


#: Browsers' windows-1252: the five bytes windows-1252 leaves undefined (81 8D 8F 90 9D) read as C1 controls.
_C1_TO_CP1252 = str.maketrans({chr(b): c for c, b in _CP1252_HIGH.items()})


def decode_windows1252(data: bytes) -> str:
    """windows-1252 as browsers (WHATWG) decode it: never fails, undefined bytes become C1 controls."""
    return data.decode("latin-1").translate(_C1_TO_CP1252)


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes → NFC text (windows-1252, then :func:`vni_to_unicode`)."""
    return vni_to_unicode(decode_windows1252(data))


def encode_vni(text: str, errors: Literal["strict", "replace", "ignore"] = "strict") -> bytes:
    """Text → VNI-Windows bytes; characters windows-1252 lacks follow ``errors`` as in :meth:`str.encode`."""
    return unicode_to_vni(text).encode("cp1252", errors=errors)


# -------------------------------------------------------------------------------------------------------- VIQR
#: VIQR (RFC 1456, "Vietnamese Quoted-Readable"): ASCII mnemonics after the letter. Shapes: ( breve, ^ circumflex,
#: + horn; tones: ' acute, ` grave, ? hook, ~ tilde, . dot below; dd = đ, DD/Dd = Đ; a backslash keeps the next
#: character literal.
_VIQR_SHAPES = {"a(": "ă", "a^": "â", "e^": "ê", "o^": "ô", "o+": "ơ", "u+": "ư"}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_TOKEN = re.compile(r"\\(.)|(dd|DD|Dd)|([aeiouyAEIOUY])([(^+]?)(['`?~.]?)", re.DOTALL)


def viqr_to_unicode(text: str) -> str:
    """VIQR → Unicode, NFC: ``"To^i ddi ho.c"`` → "Tôi đi học". Never auto-detected: plain ASCII is too ambiguous.

    A shape character that does not fit its vowel ("e(") is kept as text. A tone character that ends a word whose
    syllable already has a tone is punctuation ("No^.i." → "Nội."); otherwise it is a tone, as RFC 1456 reads
    it ("ho." → "họ"): write ``\\.`` for a literal dot right after an untoned vowel.
    """
    out: list[str] = []
    pos = 0
    toned = False  # the current word already has a tone
    while (m := _VIQR_TOKEN.search(text, pos)) is not None:
        between = text[pos : m.start()]
        if between and not between.isalpha():
            toned = False
        out.append(between)
        escaped, dd, vowel, shape, tone = m.groups()
        pos = m.end()
        if escaped is not None:
            out.append(escaped)
            toned = toned and escaped.isalpha()
            continue
        if dd is not None:
            out.append("đ" if dd == "dd" else "Đ")
            continue
        letter = vowel
        if shape:
            shaped = _VIQR_SHAPES.get(vowel.lower() + shape)
            if shaped is None:  # not a shape of this vowel: read the character again as text
                out.append(vowel)
                pos = m.start() + 1
                continue
            letter = shaped.upper() if vowel.isupper() else shaped
        if tone:
            at_word_end = pos >= len(text) or not text[pos].isalpha()
            if toned and at_word_end:
                pos -= 1  # punctuation after an already toned syllable
            else:
                letter = unicodedata.normalize("NFC", letter + _VIQR_TONES[tone])
                toned = True
        out.append(letter)
    out.append(text[pos:])
    return unicodedata.normalize("NFC", "".join(out))


__all__ = [
    "BASE_VOWELS",
    "TONE_MARKS",
    "VIETNAMESE_LOWER",
    "VIETNAMESE_UPPER",
    "decode_tcvn3",
    "decode_vni",
    "decode_windows1252",
    "encode_tcvn3",
    "encode_vni",
    "tcvn3_to_unicode",
    "unicode_to_vni",
    "viqr_to_unicode",
    "vni_to_unicode",
]
