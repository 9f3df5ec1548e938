"""Relevance a researcher expects, on small archives written for each point: every match ranked (an old best answer
is not lost among newer matches), the words of a query together and in order above the same words scattered, the
title above the body, exact forms above folded ones, recency only for ties; snippets that show the phrase; the
parts of a score; and the ranking index kept in step with the archive (and search saying when it is not).
"""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from govscraper.archive.fulltext import index_article
from govscraper.archive.ranking_index import (
    STATE_FILE,
    RankingIndexBusy,
    index_path,
    mark_changed,
    open_index,
    sync,
    sync_quietly,
)
from govscraper.archive.schema import open_db
from govscraper.search import parse, search
from govscraper.search.engine import RANKED_BY_INDEX

FILLER = "Các địa phương triển khai kế hoạch năm, bảo đảm tiến độ và chất lượng công việc được giao."


class Writer:
    """A fresh archive and a way to add articles to it, as the archive's writer does (FTS5 row, ranking queue)."""

    def __init__(self, tmp_path):
        self.db_path = tmp_path / "archive.db"
        self.conn = open_db(self.db_path).conn
        self.conn.execute("INSERT INTO portals (id, name, base_url, platform) VALUES ('p', 'p', 'https://p/', 'x')")
        self.number = 0

    def add(self, title: str, body: str = FILLER, *, sapo: str = "", published: str = "2020-01-01T08:00:00+07:00"):
        self.number += 1
        with self.conn:
            article_id = self.conn.execute(
                "INSERT INTO articles (url, portal_id, title, sapo, body, published_at, content_sha256, "
                "first_seen_at, last_seen_at) VALUES (?, 'p', ?, ?, ?, ?, ?, '', '')",
                [f"https://p/{self.number}", title, sapo, body, published, hashlib.sha256(body.encode()).hexdigest()],
            ).lastrowid
            index_article(self.conn, article_id)
            mark_changed(self.conn, article_id)
        return article_id

    def ids(self, text: str, **options) -> list[int]:
        hits = search(self.conn, parse(text), snippets=False, **options)
        assert hits.ranking == RANKED_BY_INDEX
        return [hit.id for hit in hits]


@pytest.fixture
def archive(tmp_path):
    writer = Writer(tmp_path)
    yield writer
    writer.conn.close()


def test_the_best_answer_archived_first_ranks_first_among_thousands_of_newer_matches(archive):
    best = archive.add(
        "Hội nghị tổng kết công tác giải phóng mặt bằng năm 2019",
        "Hội nghị đánh giá công tác giải phóng mặt bằng. " * 3,
        published="2019-12-30T08:00:00+07:00",
    )
    with archive.conn:  # 3,500 newer matches: more than any window the old engine ranked
        for number in range(3_500):
            archive.conn.execute(
                "INSERT INTO articles (url, portal_id, title, body, published_at, content_sha256, first_seen_at, "
                "last_seen_at) VALUES (?, 'p', ?, ?, '2024-05-01', '', '', '')",
                [f"https://p/n{number}", f"Tin số {number}", f"Nội dung hội nghị số {number}. {FILLER}"],
            )
        for (article_id,) in archive.conn.execute("SELECT id FROM articles WHERE id > ?", [best]).fetchall():
            index_article(archive.conn, article_id)
            mark_changed(archive.conn, article_id)
    sync(archive.conn, archive.db_path)
    for typed in ("hội nghị", "hoi nghi", "giải phóng mặt bằng", "giai phong mat bang"):
        assert archive.ids(typed, limit=5)[0] == best, typed
    assert search(archive.conn, parse("hội nghị"), limit=1).total == 3_501


def test_a_name_together_and_in_order_ranks_above_the_same_words_scattered(archive):
    scattered = archive.add(
        "Nguyễn Văn Vinh và Trần Quang Hải thăm hỏi gia đình chính sách",
        "Ông Nguyễn Văn Vinh cùng ông Trần Quang Hải trao quà; ông Nguyễn Văn Vinh phát biểu. Quang cảnh buổi lễ.",
        published="2025-05-01T08:00:00+07:00",
    )
    together = archive.add(
        "Hội nghị tổng kết năm", "Đồng chí Nguyễn Quang Vinh, Chủ tịch UBND huyện, chủ trì hội nghị.",
        published="2019-05-01T08:00:00+07:00",
    )  # fmt: skip
    sync(archive.conn, archive.db_path)
    assert archive.ids("Nguyễn Quang Vinh") == [together, scattered]
    assert archive.ids("nguyen quang vinh") == [together, scattered]


def test_a_folded_phrase_finds_the_phrase_before_look_alike_words(archive):
    look_alike = archive.add(
        "Bàn giao mặt bằng, giải quyết phòng làm việc",
        "Bàn giao mặt bằng sạch; giải quyết phòng họp; bàn giao mặt bằng thi công. " * 2,
        published="2025-01-01T08:00:00+07:00",
    )
    phrase = archive.add(
        "Đẩy nhanh tiến độ dự án đường ven biển",
        f"{FILLER} Huyện tập trung giải phóng mặt bằng dự án. {FILLER}",
        published="2020-01-01T08:00:00+07:00",
    )
    sync(archive.conn, archive.db_path)
    assert archive.ids("giai phong mat bang") == [phrase, look_alike]


def test_the_title_weighs_more_than_the_body(archive):
    in_body = archive.add("Tin hoạt động tuần", f"Cơn bão số 9. {FILLER} Sau bão, bão tan.")
    in_title = archive.add("Khắc phục hậu quả bão số 9", FILLER)
    sync(archive.conn, archive.db_path)
    assert archive.ids("bão") == [in_title, in_body]


def test_exact_forms_rank_above_words_found_only_once_folded(archive):
    folded = archive.add("Đoàn công tác tỉnh Quảng Ngãi làm việc tại huyện Quảng Ngãi", FILLER)
    exact = archive.add("Ông Quang nhận bằng khen", FILLER)
    sync(archive.conn, archive.db_path)
    hits = search(archive.conn, parse("Quang"), snippets=False)
    assert [(hit.id, hit.match) for hit in hits] == [(exact, "exact"), (folded, "folded")]


def test_recency_only_breaks_ties(archive):
    older = archive.add("Lễ ra quân hè tình nguyện", FILLER, published="2019-06-01T08:00:00+07:00")
    newer = archive.add("Lễ ra quân hè tình nguyện", FILLER, published="2024-06-01T08:00:00+07:00")
    better_but_older = archive.add("Ra quân hè tình nguyện", FILLER, published="2018-06-01T08:00:00+07:00")
    sync(archive.conn, archive.db_path)
    assert archive.ids("ra quân") == [better_but_older, newer, older]  # the shorter title is the better match


def test_filters_apply_before_the_top_n(archive):
    for year in range(2019, 2025):
        for number in range(30):
            archive.add(f"Hội nghị số {number} năm {year}", FILLER, published=f"{year}-03-01T08:00:00+07:00")
    best_2021 = archive.add("Hội nghị, hội nghị", "Hội nghị. " * 5, published="2021-12-31T23:00:00+07:00")
    sync(archive.conn, archive.db_path)
    from govscraper.search import Filters

    hits = search(archive.conn, parse("hội nghị"), Filters(since="2021", until="2021"), limit=5, snippets=False)
    assert hits[0].id == best_2021
    assert hits.total == 31
    assert all(hit.published_at.startswith("2021") for hit in hits)


def test_the_snippet_shows_the_phrase_from_the_lead_and_gives_its_offsets(archive):
    article = archive.add(
        "Huyện họp bàn công tác năm",
        f"{FILLER} Nông dân trồng mới cây. {FILLER} Thôn xây dựng nông thôn mới. {FILLER}",
        sapo="Xã Đức Lân đạt chuẩn nông thôn mới nâng cao.",
    )
    sync(archive.conn, archive.db_path)
    (hit,) = search(archive.conn, parse("nong thon moi"))
    assert hit.id == article
    assert hit.snippet == "Xã Đức Lân đạt chuẩn [nông thôn mới] nâng cao."
    assert [hit.snippet_text[start:end] for start, end in hit.spans] == ["nông thôn mới"]
    assert hit.as_dict()["spans"] == [next(list(span) for span in hit.spans)]


def test_explain_gives_the_parts_of_each_score(archive):
    archive.add("Giải phóng mặt bằng dự án cao tốc", f"{FILLER} Giải phóng mặt bằng. {FILLER}")
    sync(archive.conn, archive.db_path)
    (hit,) = search(archive.conn, parse("giải phóng mặt bằng"), explain=True)
    parts = hit.explanation
    assert parts["match"] == "exact"
    assert parts["score"] == pytest.approx(hit.score, rel=1e-4)
    assert parts["fields"]["title"] > parts["fields"]["body"] > 0
    assert parts["phrase"]["title"] > 0
    assert parts["phrase"]["body"] > 0
    total = sum(parts["fields"].values()) + sum(parts["phrase"].values())
    assert total == pytest.approx(hit.score, rel=1e-3)


def test_an_article_written_after_the_last_sync_is_found_and_search_says_how_it_ranked(archive):
    archive.add("Hội nghị tổng kết", FILLER)
    sync(archive.conn, archive.db_path)
    late = archive.add("Hội nghị sơ kết", FILLER)  # not yet in the ranking index
    hits = search(archive.conn, parse("hội nghị"), snippets=False)
    assert late in [hit.id for hit in hits]
    assert "1 article(s) were written since the ranking index was last brought up to date" in hits.ranking
    assert sync(archive.conn, archive.db_path) == 1
    assert late in archive.ids("hội nghị")


def test_an_index_of_another_state_of_the_archive_is_not_trusted_and_the_next_sync_rebuilds_it(archive):
    first = archive.add("Hội nghị tổng kết", FILLER)
    sync(archive.conn, archive.db_path)
    state_file = index_path(archive.db_path) / STATE_FILE
    recorded = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**recorded, "generation": recorded["generation"] + 5}))  # a copy from elsewhere
    hits = search(archive.conn, parse("hội nghị"), snippets=False)
    assert "belongs to another state" in hits.ranking
    assert [hit.id for hit in hits] == [first]
    assert sync(archive.conn, archive.db_path) == 1  # rebuilt from the archive
    assert archive.ids("hội nghị") == [first]


def test_a_busy_ranking_index_leaves_the_articles_queued_and_the_crawl_unharmed(archive, caplog):
    archive.add("Hội nghị tổng kết", FILLER)
    sync(archive.conn, archive.db_path)
    late = archive.add("Hội nghị sơ kết", FILLER)
    holder = open_index(index_path(archive.db_path)).writer(heap_size=15_000_000, num_threads=1)
    try:
        with pytest.raises(RankingIndexBusy, match="being written by another process"):
            sync(archive.conn, archive.db_path)
        with caplog.at_level(logging.INFO):
            sync_quietly(archive.conn, archive.db_path)  # as a closing crawl does: logged, not raised
        assert "next writer brings it up to date" in caplog.text
        assert archive.conn.execute("SELECT article_id FROM ranking_pending").fetchall() == [(late,)]
    finally:
        holder.rollback()
        del holder
    assert sync(archive.conn, archive.db_path) == 1


def test_a_ranking_index_that_cannot_be_opened_here_falls_back_to_fts5(archive):
    """Tantivy takes a lock file to read; where it cannot (read-only storage), FTS5 ranks and search says why."""
    first = archive.add("Hội nghị tổng kết", FILLER)
    sync(archive.conn, archive.db_path)
    lock = index_path(archive.db_path) / ".tantivy-meta.lock"
    lock.unlink()
    lock.mkdir()  # opening it to lock fails, as opening it for writing fails on read-only storage
    from govscraper.search import ranking

    ranking._OPEN.clear()
    hits = search(archive.conn, parse("hội nghị"), snippets=False)
    assert "cannot be opened here" in hits.ranking
    assert [hit.id for hit in hits] == [first]
