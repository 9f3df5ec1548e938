"""The search query language and snippets, without an archive: what each query means, and what it refuses.

Every expression the parser makes is also run against a real FTS5 table of the archive's shape, so a query
either fails with a SearchError meant for the user or is one SQLite accepts: never an SQL or FTS5 error.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govscraper.archive.fulltext import create_index, index_row
from govscraper.search.query import SearchError, parse
from govscraper.search.snippet import snippet


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    create_index(conn)
    texts = {
        1: "Hội nghị tổng kết công tác năm 2021 của UBND huyện Mộ Đức",
        2: "Phong trào thể dục thể thao ở xã Đức Lợi",
        3: "Thế trận quốc phòng toàn dân được củng cố",
        4: "Hòa bình và khỏe mạnh: thủy lợi huyện",  # old-style tone placement, as some portals write
        5: "the hoi nghi mo duc",  # text typed without diacritics, e.g. in an old document
        6: "Giải phóng mặt bằng dự án đường ven biển",
    }
    for rowid, text in texts.items():
        row = index_row({"title": text, "sapo": "", "body": "", "captions": "", "author": "", "attachments": ""})
        conn.execute(f"INSERT INTO articles_fts (rowid, {', '.join(_columns())}) VALUES ({', '.join('?' * 13)})",
                     [rowid, *row])  # fmt: skip
    return conn


def _columns() -> list[str]:
    from govscraper.search.query import FOLDED_COLUMNS, TEXT_COLUMNS

    return [*TEXT_COLUMNS, *FOLDED_COLUMNS]


def found(conn, expression: str | None) -> set[int]:
    if expression is None:
        return set()
    return {r for (r,) in conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [expression])}


@pytest.mark.parametrize(
    ("query", "exact", "folded_only"),
    [
        ("hội nghị", {1}, set()),  # with diacritics: as written only
        ("hoi nghi", {5}, {1}),  # without: folded too; the literal "hoi nghi" ranks first
        ("mo duc", {5}, {1}),
        ("Mộ Đức", {1}, set()),
        ("duc", {5}, {1, 2}),  # "duc" finds "Đức": đ folds to d
        ("thể", {2}, set()),  # never "thế"
        ("thế", {3}, set()),
        ("the", {5}, {2, 3}),
        ("hoà bình", {4}, set()),  # new-style query, old-style text
        ("hòa bình", {4}, set()),
        ("khoẻ", {4}, set()),
        ("thuỷ lợi", {4}, set()),
        ('"giải phóng mặt bằng"', {6}, set()),
        ('"mat bang du an"', set(), {6}),
        ('"mặt dự án"', set(), set()),  # a phrase is consecutive words
        ("hộ*", {1}, set()),  # prefix: hội
        ("phon*", {2}, {3, 6}),  # "Phong" has no diacritics: exact; "phòng", "phóng" folded
        ("thể OR thế", {2, 3}, set()),
        ("huyện NOT Đức", {4}, set()),
        ("huyện -Đức", {4}, set()),
        ("(Mộ OR Lợi) Đức", {1, 2}, set()),
        ("hội AND nghị", {1}, set()),
        ("UBND-huyện", {1}, set()),  # punctuation inside a word: the words in a row
    ],
)
def test_what_a_query_finds(fts, query, exact, folded_only):
    parsed = parse(query)
    assert found(fts, parsed.fts_exact) == exact
    assert found(fts, parsed.fts_folded_only) == folded_only
    assert found(fts, parsed.fts_full) == exact | folded_only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("NOT huyện", "NOT needs a word before it"),
        ("huyện OR", "ends with an operator"),
        ("huyện AND", "ends with an operator"),
        ("(huyện", "( has no matching )"),
        ("huyện)", ") has no matching ("),
        ("()", "( ) holds no words"),
        ('"nông thôn', "phrase is not closed"),
        ("OR huyện", "OR needs a word on each side"),
        ("huyện OR OR xã", "OR needs a word on each side"),
        ("!!! ???", "no words"),
        ("x" * 501, "too long"),
        (" ".join(["xã"] * 33), "too many words"),
        ("a\x00b", "NUL"),
    ],
)
def test_a_malformed_query_gets_a_clear_error(query, message):
    with pytest.raises(SearchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


@pytest.mark.parametrize(
    "query",
    [
        "'); DROP TABLE articles; --",
        'title:"x" OR body:y',
        "{title body}: huyện",
        "NEAR(hội nghị, 2)",
        "^huyện",
        "huyện + xã",
        'a"" OR b',
        "* OR huyện",
        "rowid = 1",
        "articles_fts MATCH 'x'",
    ],
)
def test_no_input_is_syntax_to_sqlite_or_fts5(fts, query):
    """FTS5 operators and SQL typed by a user are words to search for (or a clear error), never syntax."""
    try:
        parsed = parse(query)
    except SearchError:
        return
    found(fts, parsed.fts_full)  # accepted by FTS5: no OperationalError
    assert fts.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 6


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab đĐộ\"()*-:^{}+ORNTAD'\\ ")), max_size=40))
def test_any_input_either_parses_into_valid_fts5_or_fails_clearly(fts, text):
    try:
        parsed = parse(text)
    except SearchError:
        return
    found(fts, parsed.fts_full)
    found(fts, parsed.fts_exact)
    found(fts, parsed.fts_folded_only)


def test_terms_carry_the_canonical_spelling():
    parsed = parse("Hòa THỦY mo")
    assert [term.words for term in parsed.terms] == [("hoà",), ("thuỷ",), ("mo",)]
    assert [term.exact_only for term in parsed.terms] == [True, True, False]


def test_snippet_marks_exact_and_folded_matches_in_the_published_text():
    text = "Sáng nay, UBND huyện Mộ Đức tổ chức hội nghị. Thế trận và thể thao."
    assert (
        snippet(text, parse("mo duc").terms) == "Sáng nay, UBND huyện [Mộ Đức] tổ chức hội nghị. Thế trận và thể thao."
    )
    assert "[thể]" in snippet(text, parse("thể").terms)
    assert "[Thế]" not in snippet(text, parse("thể").terms)
    assert snippet(text, parse('"hội nghị"').terms).count("[") == 1


def test_snippet_cuts_around_the_densest_matches():
    text = " ".join(["lời mở đầu"] * 60) + " Hội nghị giải phóng mặt bằng huyện " + " ".join(["kết"] * 80)
    cut = snippet(text, parse("giai phong mat bang").terms, width=120)
    assert cut.startswith("…")
    assert cut.endswith("…")
    assert "[giải phóng mặt bằng]" in cut
    assert len(cut) <= 120 + 2 + 4


def test_a_phrase_is_marked_only_where_it_occurs_whole():
    text = "Xây dựng nông thôn mới. Thôn 3 có nhiều nông dân."
    assert snippet(text, parse('"nông thôn mới"').terms) == "Xây dựng [nông thôn mới]. Thôn 3 có nhiều nông dân."
