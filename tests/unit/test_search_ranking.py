"""Ranking shortcuts: ``search`` gives exactly what the plain two-group SQL gives, page after page.

``search`` ranks in one pass per group, skips the folded-only group when the exact one fills the page, finds the
folded-only group as the full expression minus the exact matches, and reads article rows for the page only
(``benchmarks/search.py`` measures why). Here a reference written as the plain SQL (each group the newest
``window`` matches, bm25-scored, UNION ALL, ordered by group, score, id) must give the same ids, groups and
scores for queries of every shape, windows smaller and larger than the matches, pages across the boundary between
the groups, and filters.
"""

from __future__ import annotations

import hashlib

import pytest

from govscraper.archive.fulltext import FTS_TABLE, bm25_call, index_article
from govscraper.archive.schema import open_db
from govscraper.search import Filters, count, parse, search
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
WINDOWS = (3000, 50, 7)
FILTERS = (None, Filters(portals=("qni-b",)), Filters(since="2022", until="2024"))


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """An archive with the real schema and index: two portals of replica articles, indexed by index_article."""
    db = open_db(tmp_path_factory.mktemp("ranking") / "archive.db")
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
                    "content_sha256, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
                    [
                        f"https://{portal}.example{article['url']}",
                        portal,
                        str(article["id"]),
                        article["title"],
                        article["sapo"],
                        body,
                        article["published"],
                        article["author"],
                        hashlib.sha256(body.encode()).hexdigest(),
                    ],
                ).lastrowid
                connection.executemany(
                    "INSERT INTO article_images (article_id, position, role, caption, source_url) "
                    "VALUES (?, ?, 'body', ?, ?)",
                    [(article_id, i, image["caption"], image["url"]) for i, image in enumerate(article["images"])],
                )
                index_article(connection, article_id)
    yield connection
    connection.close()


def reference(conn, query, filters, limit, offset, window):
    """The plain SQL: both groups in full (each over its newest ``window`` matches), then sorted and paged."""
    clauses, params = (filters or Filters()).where(conn)
    join = f"JOIN articles a ON a.id = {FTS_TABLE}.rowid " if clauses else ""
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    groups = [(0, query.fts_exact)] + ([(1, query.fts_folded_only)] if query.fts_folded_only else [])
    parts, part_params = [], []
    for group, expression in groups:
        threshold = conn.execute(
            f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} {join}WHERE {where} ORDER BY {FTS_TABLE}.rowid DESC "
            "LIMIT 1 OFFSET ?",
            [expression, *params, window],
        ).fetchone()
        bound = f" AND {FTS_TABLE}.rowid > ?" if threshold else ""
        parts.append(
            f"SELECT {group} AS grp, {FTS_TABLE}.rowid AS id, {bm25_call()} AS score FROM {FTS_TABLE} {join}"
            f"WHERE {where}{bound}"
        )
        part_params += [expression, *params, *([threshold[0]] if threshold else [])]
    sql = f"SELECT grp, id, score FROM ({' UNION ALL '.join(parts)}) ORDER BY grp, score, id LIMIT ? OFFSET ?"
    return conn.execute(sql, [*part_params, limit, offset]).fetchall()


@pytest.mark.parametrize("text", QUERIES)
def test_search_pages_are_the_plain_sql_pages(conn, text):
    query = parse(text)
    compared = 0
    for filters in FILTERS:
        for window in WINDOWS:
            for limit, offset in PAGES:
                want = reference(conn, query, filters, limit, offset, window)
                hits = search(conn, query, filters, limit=limit, offset=offset, window=window, snippets=False)
                got = [(0 if hit.match == "exact" else 1, hit.id, hit.score) for hit in hits]
                assert [row[:2] for row in got] == [row[:2] for row in want], (text, filters, window, limit, offset)
                assert [row[2] for row in got] == pytest.approx([row[2] for row in want], rel=1e-12)
                compared += len(want)
    assert compared, text  # the query finds something


@pytest.mark.parametrize("text", QUERIES)
def test_every_match_is_found_once_in_its_group(conn, text):
    query = parse(text)
    hits = search(conn, query, limit=100_000, window=100_000, snippets=False)
    assert len(hits) == len({hit.id for hit in hits}) == count(conn, query)
    exact = {
        rowid
        for (rowid,) in conn.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", [query.fts_exact])
    }
    assert {hit.id for hit in hits if hit.match == "exact"} == exact
    kinds = [hit.match for hit in hits]
    assert kinds == sorted(kinds, key=lambda kind: kind != "exact")
