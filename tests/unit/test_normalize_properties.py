"""Property tests of normalisation and folding (hypothesis): the guarantees the archive relies on."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from govscraper.text.fold import canonical_tones, fold, fold_by_decomposition
from govscraper.text.normalize import _BROKEN_ENTITY, normalize_block, normalize_inline

LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VIETNAMESE_LETTERS = LOWER + LOWER.upper() + "fjwz"
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph"]
ONSETS += ["qu", "r", "s", "t", "th", "tr", "v", "x"]
#: Rimes, "*" where the tone mark goes. Open rimes and those closed by m n ng nh take any of the six tones ...
RIMES = "a* a*n a*ng a*nh a*o a*i a*y ă*n ă*ng â*m â*n â*u â*y e* e*m e*n e*o ê* ê*n ê*nh ê*u i* i*n i*nh i*a iê*n iê*u"
RIMES += " o* oa* oa*n oa*i o*ng ô* ô*i ô*ng ơ* ơ*i ơ*n u* u*i u*n u*ng uyê*n uâ*n uô*ng ư* ư*a ư*ng ươ*ng ươ*i ươ*u"
#: ... those closed by c ch p t only sắc or nặng.
STOP_RIMES = "a*c a*t ă*c â*t ê*t i*ch iê*t o*c ô*c ươ*c u*t ư*c a*p ấ*p"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
syllables = st.one_of(
    st.builds(
        lambda o, r, t: o + r.replace("*", t),
        st.sampled_from(ONSETS),
        st.sampled_from(RIMES.split()),
        st.sampled_from(TONES),
    ),
    st.builds(
        lambda o, r, t: o + r.replace("*", t),
        st.sampled_from(ONSETS),
        st.sampled_from(STOP_RIMES.split()),
        st.sampled_from(["\u0301", "\u0323"]),
    ),
).map(lambda word: unicodedata.normalize("NFC", word))
#: Words as people write them: Vietnamese syllables (random strings of letters are not clean text: "baà" is what
#: VNI text looks like, and the normaliser repairs it to "bầ"), and abbreviations and foreign words in ASCII;
#: lowercase, capitalised or all capitals (a capital inside a lowercase word, "gÈ", is TCVN3 damage, not clean).
words = st.builds(
    lambda word, case: case(word),
    st.one_of(syllables, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)),
    st.sampled_from([str.lower, str.capitalize, str.upper]),
)
punctuation = st.sampled_from(["", ",", ".", ";", ":", "./.", "!", "?", "”", "…"])
clean_word = st.builds(lambda w, p: w + p, words, punctuation)
#: Clean Vietnamese text as the archive stores it: NFC letters, single spaces, typographic quotes and dashes.
#: (Minus the one thing that is not clean: an entity name that lost its "&", such as "ldquo;", is repaired.)
clean_line = (
    st.lists(st.one_of(clean_word, st.sampled_from(["–", "“Nông", "(số", "12/2022)", "50%"])), min_size=1, max_size=30)
    .map(" ".join)
    .filter(lambda text: not _BROKEN_ENTITY.search(text))
)
#: Anything a page can throw at the normaliser, junk included.
messy = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(VIETNAMESE_LETTERS + " \t\n\u00a0\u200b\u00ad\ufeff\u00d0\u00f0&;#“”–")),
        st.sampled_from(["\u0301", "\u0300", "\u0323", "\u0309", "\u0303", "\u0302", "\u031b", "\u0306"]),
        st.characters(codec="utf-8"),
    ),
    max_size=80,
)


@given(messy)
@example("c&oacute; kh&amp;oacute;a")
@example("Mo\u0323\u0302 \u0110u\u031b\u0301c")
@example("\x85bÆ")  # the NEL splits words only for str.split: "bÆ" alone is TCVN3 for "bặ"
def test_normalize_inline_is_idempotent_and_nfc(text):
    once = normalize_inline(text)
    assert normalize_inline(once) == once
    if once is not None:
        assert unicodedata.is_normalized("NFC", once)
        assert "  " not in once
        assert once == once.strip()
        assert not set(once) & {"\u200b", "\u00ad", "\ufeff", "\u00a0", "\u00d0", "\u00f0"}


@given(messy)
def test_normalize_block_is_idempotent_and_nfc(text):
    once = normalize_block(text)
    assert normalize_block(once) == once
    if once is not None:
        assert unicodedata.is_normalized("NFC", once)


@given(clean_line)
@example("Tổng kết công tác phối hợp giữa UBND huyện với UBMTTQVN huyện năm 2021./.")
@example("hoà bình và hòa bình – “Nông thôn mới”")
def test_clean_vietnamese_text_passes_through_unchanged(text):
    assert normalize_inline(text) == text
    assert normalize_block(text) == text


@given(st.lists(clean_line, min_size=1, max_size=5))
def test_paragraph_boundaries_are_kept(paragraphs):
    assert normalize_block("\n\n".join(paragraphs)) == "\n\n".join(paragraphs)


@given(clean_line)
def test_fold_has_no_diacritics_and_no_stroke(text):
    folded = fold(text)
    assert folded == folded.lower()
    assert "đ" not in folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert fold(folded) == folded


@given(clean_line)
def test_canonical_tones_is_stable_and_only_moves_marks(text):
    canon = canonical_tones(text)
    assert canonical_tones(canon) == canon
    assert fold(canon) == fold(text)  # the same letters, only the tone's seat may move
    assert len(unicodedata.normalize("NFD", canon)) == len(unicodedata.normalize("NFD", text))


@given(st.one_of(messy, st.text(), st.text(alphabet=VIETNAMESE_LETTERS + "ΣΆάİßǅÅ\u0301\u0323 ")))
@example("ΆΣ Ủy ban Mộ Đức İ ß ǅ Å")
@example("Mo\u0323\u0302 \u0110u\u031b\u0301c")
def test_fast_fold_is_the_reference_fold(text):
    assert fold(text) == fold_by_decomposition(text)
