"""Ranking over every match: the ranking index (Tantivy) and FTS5 agree on what matches; pages are slices of one
ranking; without the ranking index, FTS5's bm25 ranks every match as the plain SQL does.

The query language is translated twice (to FTS5 expressions, to Tantivy queries), so for queries of every shape
(words with and without diacritics, phrases, prefixes, AND, OR, NOT) and with every filter, the set of articles each
finds, and the exact group, must be the same; and the ranked order must be one order that pages slice, scores not
rising within a group, ties by date.
"""

from __future__ import annotations

import hashlib
import itertools

import pytest

from govscraper.archive.fulltext import FTS_TABLE, bm25_call, index_article
from govscraper.archive.ranking_index import index_path, sync
from govscraper.archive.schema import open_db
from govscraper.search import Filters, count, parse, search
from govscraper.search.engine import RANKED_BY_INDEX
from govscraper_replica import build_site

QUERIES = (
    "hội nghị",
    "hoi nghi",
    "mo duc",
    "huyen",
    "the",
    "an toàn giao thông",
    "hội nghị NOT huyen",
    "bao OR lu",
    '"nong thon moi"',
    "hoi*",
    "xa duc",
    "Đức",
)
PAGES = ((20, 0), (5, 3), (10, 45), (100, 0))
FILTERS = (
    None,
    Filters(portals=("qni-b",)),
    Filters(since="2022", until="2024"),
    Filters(until="2021-06"),
    Filters(category="tin tuc - su kien", since="2020"),
)


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """An archive with the real schema and both indexes: two portals of replica articles, indexed by index_article,
    then the ranking index built by sync."""
    db_path = tmp_path_factory.mktemp("ranking") / "archive.db"
    db = open_db(db_path)
    connection = db.conn
    with connection:
        for portal, seed in (("qni-a", 11), ("qni-b", 12)):
            connection.execute(
                "INSERT INTO portals (id, name, base_url, platform) VALUES (?, ?, ?, 'liferay62')",
                [portal, portal, f"https://{portal}.example/"],
            )
            for article in build_site(articles=300, seed=seed).manifest()["articles"]:
                body = "\n\n".join(article["body"])
                article_id = connection.execute(
                    "INSERT INTO articles (url, portal_id, source_id, title, sapo, body, published_at, author, "
                    "category, content_sha256, first_seen_at, last_seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
                    [
                        f"https://{portal}.example{article['url']}",
                        portal,
                        str(article["id"]),
                        article["title"],
                        article["sapo"],
                        body,
                        article["published"],
                        article["author"],
                        article["category_name"],
                        hashlib.sha256(body.encode()).hexdigest(),
                    ],
                ).lastrowid
                connection.executemany(
                    "INSERT INTO article_images (article_id, position, role, caption, source_url) "
                    "VALUES (?, ?, 'body', ?, ?)",
                    [(article_id, i, image["caption"], image["url"]) for i, image in enumerate(article["images"])],
                )
                index_article(connection, article_id)
    sync(connection, db_path)
    yield connection
    connection.close()


def fts5_ids(conn, expression, filters):
    clauses, params = (filters or Filters()).where(conn)
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    return {
        rowid
        for (rowid,) in conn.execute(
            f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where}",
            [expression, *params],
        )
    }


@pytest.mark.parametrize("text", QUERIES)
def test_the_ranking_index_finds_what_fts5_finds(conn, text):
    query = parse(text)
    for filters in FILTERS:
        hits = search(conn, query, filters, limit=10_000, snippets=False)
        assert hits.ranking == RANKED_BY_INDEX
        assert len(hits) == len({hit.id for hit in hits}) == hits.total == count(conn, query, filters)
        assert {hit.id for hit in hits} == fts5_ids(conn, query.fts_full, filters), (text, filters)
        exact = fts5_ids(conn, query.fts_exact, filters)
        assert {hit.id for hit in hits if hit.match == "exact"} == exact, (text, filters)
        kinds = [hit.match for hit in hits]
        assert kinds == sorted(kinds, key=lambda kind: kind != "exact")
    assert count(conn, query), text  # the query finds something


@pytest.mark.parametrize("text", QUERIES)
def test_pages_are_slices_of_one_ranking_with_ties_by_date(conn, text):
    query = parse(text)
    for filters in FILTERS:
        everything = search(conn, query, filters, limit=10_000, snippets=False)
        for limit, offset in PAGES:
            page = search(conn, query, filters, limit=limit, offset=offset, snippets=False)
            assert [hit.id for hit in page] == [hit.id for hit in everything[offset : offset + limit]]
        dates = {
            article_id: published or ""
            for article_id, published in conn.execute("SELECT id, published_at FROM articles")
        }
        for before, after in itertools.pairwise(everything):
            if before.match != after.match:
                continue
            assert before.score >= after.score, text
            if before.score == after.score:
                assert (dates[before.id], before.id) > (dates[after.id], after.id), text


def reference(conn, query, filters, limit, offset):
    """Without the ranking index, the plain SQL: both groups in full, bm25-scored, UNION ALL, sorted and paged."""
    clauses, params = (filters or Filters()).where(conn)
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    groups = [(0, query.fts_exact)] + ([(1, query.fts_folded_only)] if query.fts_folded_only else [])
    parts, part_params = [], []
    for group, expression in groups:
        parts.append(
            f"SELECT {group} AS grp, {FTS_TABLE}.rowid AS id, {bm25_call()} AS score, a.published_at AS day "
            f"FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where}"
        )
        part_params += [expression, *params]
    sql = (
        f"SELECT grp, id, score FROM ({' UNION ALL '.join(parts)}) "
        "ORDER BY grp, score, day IS NULL, day DESC, id DESC LIMIT ? OFFSET ?"
    )
    return conn.execute(sql, [*part_params, limit, offset]).fetchall()


@pytest.fixture
def without_ranking_index(conn):
    """The same archive with its ranking index moved away for the test."""
    folder = index_path(conn.execute("PRAGMA database_list").fetchone()[2])
    moved = folder.with_name(folder.name + ".away")
    folder.rename(moved)
    yield conn
    moved.rename(folder)


@pytest.mark.parametrize("text", QUERIES)
def test_without_the_ranking_index_fts5_ranks_every_match_as_the_plain_sql(without_ranking_index, text):
    conn = without_ranking_index
    query = parse(text)
    compared = 0
    for filters in FILTERS:
        for limit, offset in PAGES:
            want = reference(conn, query, filters, limit, offset)
            hits = search(conn, query, filters, limit=limit, offset=offset, snippets=False)
            assert "no ranking index" in hits.ranking
            got = [(0 if hit.match == "exact" else 1, hit.id, hit.score) for hit in hits]
            assert [row[:2] for row in got] == [row[:2] for row in want], (text, filters, limit, offset)
            assert [row[2] for row in got] == pytest.approx([row[2] for row in want], rel=1e-12)
            compared += len(want)
    assert compared, text  # the query finds something
