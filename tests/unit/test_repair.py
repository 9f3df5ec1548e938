"""Detection and repair of TCVN3, VNI and mojibake damage: it repairs what is damaged and never touches clean
Vietnamese, English, or foreign names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector

from govscraper.text.legacy import VIETNAMESE_LOWER, VIETNAMESE_UPPER, decode_windows1252, encode_tcvn3, encode_vni
from govscraper.text.repair import detect_encoding_damage, repair_mojibake, repair_text, vietnamese_score
from tests.helpers.fixtures import names, page_bytes
from tests.helpers.repair_cases import CLEAN, DAMAGED


# --------------------------------------------------------------------------------------------- vietnamese_score
@pytest.mark.parametrize(
    "word",
    ["nghiêng", "khuya", "quốc", "giữa", "học", "hoà", "hòa", "xoong", "Trường", "ĐỨC", "ươu", "gì", "yêu", "khuỷu"],
)
def test_syllables(word):
    assert vietnamese_score(word) == 1.0


@pytest.mark.parametrize("word", ["bàc", "aaa", "UBND", "Träng", "V¨n", "Toâi", "vÒ", "Internet", "hoạtt", "mét̃"])
def test_not_syllables(word):
    assert vietnamese_score(word) == 0.0


def test_vietnamese_score_of_texts():
    assert vietnamese_score("Ủy ban nhân dân huyện Mộ Đức, tỉnh Quảng Ngãi.") == 1.0
    assert vietnamese_score("Tổng kết năm 2021 của UBND huyện") == 5 / 6  # "2021" is no word, "UBND" no syllable
    assert vietnamese_score("The district people's committee") < 0.5
    assert vietnamese_score("S¸ng ngµy 14/3, t¹i héi tr\u00adêng UBND huyÖn") < 0.2
    assert vietnamese_score("") == vietnamese_score("2021 – 2025") == 0.0
    assert sum(map(vietnamese_score, CLEAN)) / len(CLEAN) > 0.9


@pytest.mark.parametrize(("damaged", "kind", "repaired"), DAMAGED, ids=[d[0][:24] for d in DAMAGED])
def test_damage_is_detected_and_repaired(damaged, kind, repaired):
    assert detect_encoding_damage(damaged) == kind
    assert repair_text(damaged) == repaired
    assert repair_text(repaired) is repaired


@pytest.mark.parametrize(
    "text",
    [
        "Muñoz", "Señor José Muñoz", "Peña Nieto", "Núñez", "Ibáñez", "Niño", "España", "Ñu", "Jörg Müller", "Björk",
        "Göteborg", "Köln", "Zürich", "Noël", "Zoë", "Hélène", "café", "né à Paris", "Thé vert et café", "São Paulo",
        "João", "François Mitterrand", "Ångström", "Øresund", "Œuvre", "© 2024 UBND tỉnh", "25°C", "500 m²", "½",
        "“Nông thôn mới”", "2021 – 2025", "Tôi là ai", "ĐÃ”", "Hoàng Nhung", "hoá", "Mình nói: «được»",
    ],
)  # fmt: skip
def test_clean_short_strings_are_not_touched(text):
    assert detect_encoding_damage(text) is None
    assert repair_text(text) is text


def test_clean_vietnamese_is_never_changed():
    assert len(CLEAN) > 300
    changed = [t for t in CLEAN if repair_text(t) is not t]
    assert changed == []


def test_clean_english_is_never_changed():
    english = [
        "The Hanoi Department of Information and Communications creates a video – “Hanoi, the city for peace”.",
        "Don't forget: the café's crème brûlée costs €5 — or £4.",
        "Copyright © 2018 Hanoi DIC. All rights reserved. Temperature: 25°C ± 2°.",
    ]
    for name in names("liferay62"):  # the real pages; skipped, saying why, where they are absent
        page = Selector(text=page_bytes("liferay62", name).decode("utf-8-sig"))
        english += page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    assert len(english) > 500
    assert [t for t in english if repair_text(t) is not t] == []


def test_mixed_text_is_repaired_line_by_line():
    text = "Ủy ban nhân dân huyện Mộ Đức\nS¸ng ngµy 14/3, t¹i héi tr\u00adêng UBND huyÖn\n“Nông thôn mới” – 2021"
    assert repair_text(text) == (
        "Ủy ban nhân dân huyện Mộ Đức\nSáng ngày 14/3, tại hội trường UBND huyện\n“Nông thôn mới” – 2021"
    )


def test_repair_mojibake_cannot_restore_replaced_bytes():
    # UTF-8 "ề" is E1 BB 81: 0x81 is undefined in windows-1252, a decoder with errors="replace" lost it, and
    # E1 BB 81/8D/8F/90/9D are ề ọ ỏ Ố ờ: nothing to choose from. Everything else is repaired.
    assert repair_mojibake("Ä‘á»\ufffd nghá»‹") == "đá»\ufffd nghị"
    # "Ä" + lost byte: C4 90 "Đ" is the only Vietnamese letter it can be, kept when the word is then a syllable.
    assert repair_mojibake("Ä\ufffdá»©c") == "Đức"
    assert repair_mojibake("Ä\ufffdxyz") == "Ä\ufffdxyz"


def test_mojibake_of_a_after_normalisation():
    # "à" is C3 A0: once the no-break space has become an ordinary space, "Ã " after a letter is all that is left.
    assert repair_text("trong cÆ¡ quan nhÃ nÆ°á»›c") == "trong cơ quan nhà nước"


def test_twice_encoded_mojibake_is_repaired_in_two_rounds():
    twice = decode_windows1252(decode_windows1252("Quảng Ngãi".encode()).encode())
    assert repair_text(twice) == "Quảng Ngãi"


def _tcvn3(text: str) -> str:
    return encode_tcvn3(text, capitals="abc").decode("cp1252")


def _vni(text: str) -> str:
    return encode_vni(text).decode("cp1252")


def _mojibake(text: str) -> str:
    return decode_windows1252(text.encode())


@pytest.mark.parametrize("damage", [_tcvn3, _vni, _mojibake])
def test_damaged_corpus_is_repaired(damage):
    lines = []
    for text in CLEAN:
        try:
            lines.append((text, damage(text)))
        except UnicodeEncodeError:  # "m²": no TCVN3 code
            continue
    repaired = [(text, repair_text(damaged), damaged) for text, damaged in lines]
    assert [(t, r) for t, r, d in repaired if r not in (t, d)] == []  # never a wrong repair
    missed = [d for t, r, d in repaired if r != t]
    # VNI "Hoàng" (for "Hồng") is a Vietnamese word itself: such text cannot be told from clean text.
    assert len(missed) <= len(lines) // 100, missed


# --------------------------------------------------------------------------------------------------- properties
_ALPHABET = (
    VIETNAMESE_LOWER + VIETNAMESE_UPPER + "bcdghklmnpqrstvx .,:;-–“”‘’\n" + "".join(map(chr, range(0xA0, 0x100)))
)


@given(st.text(alphabet=_ALPHABET + "€‚ƒ„…†‡ˆ‰Š‹ŒŽ•˜™š›œžŸ\x81\x8d\x8f\x90\x9d\ufffd", max_size=40))
def test_property_repair_is_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once


@given(st.lists(st.sampled_from(sorted({w for t in CLEAN[:200] for w in t.split()})), min_size=1, max_size=12))
def test_property_clean_vietnamese_sentences_are_untouched(words):
    text = " ".join(words)
    assert repair_text(text) is text
