"""Searching the archive: filters, ranking (exact matches first), snippets, and the article selection export uses.

Ranking: the articles that match the query as written come first, then those found only once folded (see
:mod:`govscraper.search.query`); within each group, FTS5's bm25 with per-column weights
(:data:`govscraper.archive.fulltext.WEIGHTS`). Scoring costs about a microsecond per matching article, so a query that
matches a large part of the archive ("huyện" matches nearly every article) is ranked over its
:data:`RANK_WINDOW` most recently archived matches: such a word says little about relevance anyway, and the
search stays within milliseconds. ``order="newest"``/``"oldest"`` sorts every match by publication date instead.

Cost, measured on 100,000 articles (``benchmarks/search.py``): FTS5 walks the matches newest first and stops at the
window, so each group costs one pass; bm25 first counts, over the whole archive, the articles holding each phrase
of the expression (a fixed cost of about 1-3 ms per common word), then about 1 µs per scored match; the
folded-only group is searched only when the exact one does not fill the page; article rows are read for the page
only; snippets are cut from at most ``limit`` articles.

Everything the user gives reaches SQLite as a bound parameter; the SQL text is built only from fixed pieces.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from govscraper.archive.fulltext import FTS_TABLE, bm25_call
from govscraper.search.query import Query, SearchError
from govscraper.search.snippet import snippet
from govscraper.text.fold import fold

#: How many matches per group bm25 ranks at most (the most recently archived ones). 3,000 keeps a common word's
#: search near 7 ms on 100,000 articles (10,000 took about 12 ms at the median and 23 ms at the 95th percentile).
RANK_WINDOW = 3_000
ORDERS = ("rank", "newest", "oldest")
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_day(text: str, *, end: bool = False) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first day of that period, or with ``end`` the day after it.

    ``--until 2021`` includes all of 2021, so its bound is the exclusive ``2022-01-01``.
    """
    match = _DAY.match(text.strip())
    if not match:
        raise SearchError(f"{text!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021-05")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = date(year, month or 1, day or 1)
    except ValueError as exc:
        raise SearchError(f"{text!r} is not a date: {exc}") from None
    if not end:
        return first.isoformat()
    if day is not None:
        return (first + timedelta(days=1)).isoformat()
    if month is not None:
        return date(year + (month == 12), month % 12 + 1, 1).isoformat()
    return date(year + 1, 1, 1).isoformat()


def check_portals(conn: sqlite3.Connection, portals: tuple[str, ...]) -> None:
    """A portal the archive does not hold is a mistake (a typo, another archive), not an empty result: say so."""
    known = [portal_id for (portal_id,) in conn.execute("SELECT id FROM portals ORDER BY id")]
    unknown = [portal for portal in portals if portal not in known]
    if unknown:
        listed = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
        raise SearchError(
            f"no portal {', '.join(map(repr, unknown))} in this archive"
            + (f" (it holds {listed}; govscraper stats lists them)" if known else " (it holds no portal yet)")
        )


@dataclass
class Filters:
    """What narrows a search or an export besides the query: portal(s), publication dates, category."""

    portals: tuple[str, ...] = ()
    since: str | None = None  # YYYY[-MM[-DD]], inclusive
    until: str | None = None  # YYYY[-MM[-DD]], inclusive (the whole period)
    category: str | None = None  # matched without regard to case or diacritics

    def where(self, conn: sqlite3.Connection, alias: str = "a") -> tuple[list[str], list[object]]:
        """SQL conditions on the articles table (``alias``) and their parameters."""
        clauses: list[str] = []
        params: list[object] = []
        if self.portals:
            check_portals(conn, self.portals)
            clauses.append(f"{alias}.portal_id IN ({', '.join('?' * len(self.portals))})")
            params.extend(self.portals)
        if self.since:
            clauses.append(f"{alias}.published_at >= ?")
            params.append(parse_day(self.since))
        if self.until:
            clauses.append(f"{alias}.published_at < ?")
            params.append(parse_day(self.until, end=True))
        if self.since and self.until and parse_day(self.since) >= parse_day(self.until, end=True):
            raise SearchError(f"--since {self.since} is after --until {self.until}")
        if self.category:
            wanted = fold(" ".join(self.category.split()))
            names = [
                name
                for (name,) in conn.execute("SELECT DISTINCT category FROM articles WHERE category IS NOT NULL")
                if fold(" ".join(name.split())) == wanted
            ]
            clauses.append(f"{alias}.category IN ({', '.join('?' * len(names))})" if names else "0")
            params.extend(names)
        return clauses, params


@dataclass
class Hit:
    """One article found: where it is, what it is, why it matched."""

    id: int
    portal_id: str
    url: str
    title: str
    published_at: str | None
    category: str | None
    author: str | None
    match: str  # "exact" or "folded"
    score: float | None
    snippet: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "portal_id": self.portal_id,
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at,
            "category": self.category,
            "author": self.author,
            "match": self.match,
            "score": self.score,
            "snippet": self.snippet,
        }


_HIT_COLUMNS = "a.id, a.portal_id, a.url, a.title, a.published_at, a.category, a.author"


def _rank_group(
    conn: sqlite3.Connection,
    expression: str,
    clauses: list[str],
    params: list[object],
    window: int,
    wanted: int,
    exclude: list[int] | None = None,
) -> list[tuple[int, float]]:
    """One ranking group: the best ``wanted`` of the newest ``window`` matches of ``expression`` that pass the
    filters (and are not in ``exclude``), bm25-scored, as ``(id, score)``, best first (ties by id).

    One pass: FTS5 walks the matches newest first and stops after the window; only those are scored.
    """
    exclude = exclude or []
    join = f"JOIN articles a ON a.id = {FTS_TABLE}.rowid " if clauses else ""
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    newest = (
        f"SELECT {FTS_TABLE}.rowid AS id, {bm25_call()} AS score FROM {FTS_TABLE} {join}WHERE {where} "
        f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT ?"
    )
    if exclude:
        newest = (
            f"SELECT id, score FROM ({newest}) WHERE id NOT IN ({', '.join('?' * len(exclude))}) "
            "ORDER BY id DESC LIMIT ?"
        )
    return conn.execute(
        f"SELECT id, score FROM ({newest}) ORDER BY score, id LIMIT ?",
        [expression, *params, window + len(exclude), *exclude, *([window] if exclude else []), wanted],
    ).fetchall()


def search(
    conn: sqlite3.Connection,
    query: Query,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    order: str = "rank",
    window: int = RANK_WINDOW,
    marks: tuple[str, str] = ("[", "]"),
    snippets: bool = True,
) -> list[Hit]:
    """The articles ``query`` finds, best first (or by date), with a snippet each."""
    if order not in ORDERS:
        raise SearchError(f"order: one of {', '.join(ORDERS)}, not {order!r}")
    clauses, params = (filters or Filters()).where(conn)
    try:
        if order == "rank":
            # Exact matches first, then folded-only ones. The page needs the folded-only group only when the exact
            # group holds fewer than offset + limit matches; then all of them are known, and the folded-only group
            # is every match of the full expression but those: the same rows, with the same bm25 scores, as the
            # expression "full NOT exact" (whose right side adds nothing to the score of a row it does not match),
            # without evaluating the exact side a second time.
            wanted = offset + limit
            exact = _rank_group(conn, query.fts_exact, clauses, params, window, wanted)
            found = [(0, score, article_id) for article_id, score in exact]
            if query.fts_folded_only is not None and len(found) < wanted:
                if wanted <= window:
                    folded = _rank_group(
                        conn, query.fts_full, clauses, params, window, wanted - len(found), [i for i, _ in exact]
                    )
                else:  # paging beyond the window: the exact group may hold more than was fetched
                    folded = _rank_group(conn, query.fts_folded_only, clauses, params, window, wanted - len(found))
                found += [(1, score, article_id) for article_id, score in folded]
            page = found[offset:wanted]
            articles = {
                row[0]: row
                for row in conn.execute(
                    f"SELECT {_HIT_COLUMNS} FROM articles a WHERE a.id IN ({', '.join('?' * len(page))})",
                    [article_id for _, _, article_id in page],
                )
            }
            rows = [(grp, score, *articles[article_id]) for grp, score, article_id in page if article_id in articles]
        else:
            direction = "DESC" if order == "newest" else "ASC"
            where = " AND ".join([f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", *clauses])
            rows = conn.execute(
                f"SELECT NULL, NULL, {_HIT_COLUMNS} FROM articles a WHERE {where} "
                f"ORDER BY a.published_at IS NULL, a.published_at {direction}, a.id {direction} LIMIT ? OFFSET ?",
                [query.fts_full, *params, limit, offset],
            ).fetchall()
    except sqlite3.OperationalError as exc:
        raise SearchError(f"the search index cannot answer this query: {exc}") from None
    hits = [
        Hit(
            id=row[2],
            portal_id=row[3],
            url=row[4],
            title=row[5],
            published_at=row[6],
            category=row[7],
            author=row[8],
            match="folded" if row[0] == 1 else "exact",
            score=row[1],
        )
        for row in rows
    ]
    if order != "rank" and query.has_folded_terms:
        _mark_exact(conn, query, hits)
    if snippets:
        for hit in hits:
            hit.snippet = _snippet(conn, hit.id, query, marks)
    return hits


def _mark_exact(conn: sqlite3.Connection, query: Query, hits: list[Hit]) -> None:
    """For date-ordered results: which hits match as written."""
    if not hits:
        return
    ids = [hit.id for hit in hits]
    exact = {
        rowid
        for (rowid,) in conn.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid IN ({', '.join('?' * len(ids))})",
            [query.fts_exact, *ids],
        )
    }
    for hit in hits:
        hit.match = "exact" if hit.id in exact else "folded"


def _snippet(conn: sqlite3.Connection, article_id: int, query: Query, marks: tuple[str, str]) -> str:
    """The snippet from the first of body, sapo, captions, title where a query word shows."""
    body, sapo, title = conn.execute("SELECT body, sapo, title FROM articles WHERE id = ?", [article_id]).fetchone()
    captions = " ".join(
        caption
        for (caption,) in conn.execute(
            "SELECT caption FROM article_images WHERE article_id = ? AND caption IS NOT NULL ORDER BY position",
            [article_id],
        )
    )
    for text in (body, sapo, captions, title):
        if text:
            cut = snippet(text, query.terms, marks=marks)
            if marks[0] in cut:
                return cut
    return snippet(body or sapo or title or "", query.terms, marks=marks)


def count(conn: sqlite3.Connection, query: Query, filters: Filters | None = None) -> int:
    """How many articles the query finds (exact and folded), filters applied."""
    clauses, params = (filters or Filters()).where(conn)
    join = f"JOIN articles a ON a.id = {FTS_TABLE}.rowid " if clauses else ""
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    try:
        return conn.execute(
            f"SELECT count(*) FROM {FTS_TABLE} {join}WHERE {where}", [query.fts_full, *params]
        ).fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise SearchError(f"the search index cannot answer this query: {exc}") from None


def selected_articles(
    conn: sqlite3.Connection, query: Query | None, filters: Filters | None, columns: str = "a.*"
) -> Iterator[sqlite3.Row | tuple]:
    """Every article the query (if any) and the filters select, in id order, one row at a time (for exports)."""
    clauses, params = (filters or Filters()).where(conn)
    if query is not None:
        clauses.insert(0, f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
        params.insert(0, query.fts_full)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    try:
        yield from conn.execute(f"SELECT {columns} FROM articles a{where} ORDER BY a.id", params)
    except sqlite3.OperationalError as exc:
        raise SearchError(f"the search index cannot answer this query: {exc}") from None


__all__ = ["ORDERS", "RANK_WINDOW", "Filters", "Hit", "count", "parse_day", "search", "selected_articles"]
