"""Searching the archive: filters, ranking over every match, snippets, and the article selection export uses.

Ranking (``order="rank"``): every match of the query in the archive, filters applied, is ranked; the top N is the top N
of the whole archive. With the ranking index beside the archive in step (:mod:`govscraper.search.ranking`, Tantivy):
exact matches first, then BM25 weighted by field with a phrase and proximity boost, recency breaking ties. Without it
(never built, behind after a crash, or unreadable where Tantivy cannot take its lock file, as on read-only storage),
FTS5's bm25 ranks every match instead, exact matches first, recency breaking ties: the same matches, a plainer order,
slower on common words; :attr:`Results.ranking` says which ranked, and why. ``order="newest"``/``"oldest"`` sorts
every match by publication date.

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
from govscraper.search.ranking import open_ranker
from govscraper.search.snippet import Snippet, best_snippet
from govscraper.text.fold import fold

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

    def validate(self, conn: sqlite3.Connection) -> None:
        """:class:`SearchError` for a portal the archive does not hold or dates that cannot be read (what
        :meth:`where` checks, without building SQL)."""
        if self.portals:
            check_portals(conn, self.portals)
        since = parse_day(self.since) if self.since else None
        until = parse_day(self.until, end=True) if self.until else None
        if since and until and since >= until:
            raise SearchError(f"--since {self.since} is after --until {self.until}")

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
    #: The snippet without marks, and where the query matched in it: (start, end) offsets.
    snippet_text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: With ``explain``: the parts of the score (match, fields, phrase).
    explanation: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        extra: dict[str, object] = {"snippet_text": self.snippet_text, "spans": [list(span) for span in self.spans]}
        if self.explanation is not None:
            extra["explain"] = self.explanation
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
            **extra,
        }


class Results(list):
    """A page of hits, with how many articles the query found in all and how they were ranked."""

    def __init__(self, hits: list[Hit], total: int, ranking: str):
        super().__init__(hits)
        self.total = total
        self.ranking = ranking


#: How the ranking index ranks (printed by ``search``).
RANKED_BY_INDEX = (
    "ranked over every match: exact matches first, then relevance (BM25 by field: title, author and lead weigh "
    "most; the words together and in order weigh more), ties by date"
)


_HIT_COLUMNS = "a.id, a.portal_id, a.url, a.title, a.published_at, a.category, a.author"


def _bm25_group(
    conn: sqlite3.Connection,
    expression: str,
    clauses: list[str],
    params: list[object],
    wanted: int,
    exclude: list[int] | None = None,
) -> list[tuple[int, float]]:
    """Without the ranking index: every match of ``expression`` that passes the filters (and is not in
    ``exclude``), bm25-scored, the best ``wanted`` as ``(id, score)``, ties by date (newest first)."""
    exclude = exclude or []
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    if exclude:
        where += f" AND {FTS_TABLE}.rowid NOT IN ({', '.join('?' * len(exclude))})"
    return conn.execute(
        f"SELECT {FTS_TABLE}.rowid, {bm25_call()} AS score FROM {FTS_TABLE} "
        f"JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where} "
        "ORDER BY score, a.published_at IS NULL, a.published_at DESC, a.id DESC LIMIT ?",
        [expression, *params, *exclude, wanted],
    ).fetchall()


def _rank_with_fts5(
    conn: sqlite3.Connection, query: Query, clauses: list[str], params: list[object], wanted: int
) -> list[tuple[int, float, int]]:
    """(group, score, id) of the best ``wanted``: exact matches first, then folded-only ones, each by bm25."""
    exact = _bm25_group(conn, query.fts_exact, clauses, params, wanted)
    found = [(0, score, article_id) for article_id, score in exact]
    if query.fts_folded_only is not None and len(found) < wanted:
        folded = _bm25_group(conn, query.fts_folded_only, clauses, params, wanted - len(found))
        found += [(1, score, article_id) for article_id, score in folded]
    return found


def search(
    conn: sqlite3.Connection,
    query: Query,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    order: str = "rank",
    marks: tuple[str, str] = ("[", "]"),
    snippets: bool = True,
    explain: bool = False,
) -> Results:
    """The articles ``query`` finds, best first (or by date), with a snippet each; ``.total`` and ``.ranking`` say
    how many matched and how they were ranked."""
    if order not in ORDERS:
        raise SearchError(f"order: one of {', '.join(ORDERS)}, not {order!r}")
    filters = filters or Filters()
    ranker, why = open_ranker(conn) if order == "rank" else (None, "")
    if ranker is not None:
        filters.validate(conn)
    else:
        clauses, params = filters.where(conn)
    explanations: dict[int, dict[str, object]] = {}
    try:
        if order == "rank":
            wanted = offset + limit
            if ranker is not None:
                since = parse_day(filters.since) if filters.since else None
                until = parse_day(filters.until, end=True) if filters.until else None
                ranked, total = ranker.rank(query, filters, since, until, wanted)
                page_ranked = ranked[offset:wanted]
                page = [(r.group, r.score, r.id) for r in page_ranked]
                if explain:
                    explanations = {
                        r.id: parts for r, parts in zip(page_ranked, ranker.explain(query, page_ranked), strict=True)
                    }
                ranking = RANKED_BY_INDEX
            else:
                page = _rank_with_fts5(conn, query, clauses, params, wanted)[offset:wanted]
                total = count(conn, query, filters)
                if explain:
                    explanations = {
                        article_id: {"match": "exact" if grp == 0 else "folded", "bm25": round(-score, 4)}
                        for grp, score, article_id in page
                    }
                ranking = (
                    f"ranked over every match by SQLite FTS5's bm25, exact matches first, ties by date, because {why} "
                    "(govscraper reindex builds the ranking index)"
                )
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
            total = count(conn, query, filters)
            ranking = f"every match in order of publication, {order} first"
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
            explanation=explanations.get(row[2]) if explain else None,
        )
        for row in rows
    ]
    if order != "rank" and query.has_folded_terms:
        _mark_exact(conn, query, hits)
    if snippets:
        for hit, cut in zip(hits, _snippets(conn, [hit.id for hit in hits], query), strict=True):
            hit.snippet, hit.snippet_text, hit.spans = cut.marked(marks), cut.text, cut.spans
    return Results(hits, total, ranking)


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


def _snippets(conn: sqlite3.Connection, ids: list[int], query: Query) -> list[Snippet]:
    """Each article's snippet, from the text that shows the query best: the phrase before scattered words, the lead
    or the title before the body when they show it as well. Two queries for the whole page."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    texts = {
        row[0]: row[1:]
        for row in conn.execute(f"SELECT id, sapo, title, body FROM articles WHERE id IN ({marks})", ids)
    }
    captions: dict[int, list[str]] = {}
    for article_id, caption in conn.execute(
        f"SELECT article_id, caption FROM article_images WHERE article_id IN ({marks}) AND caption IS NOT NULL "
        "ORDER BY article_id, position",
        ids,
    ):
        captions.setdefault(article_id, []).append(caption)
    return [
        best_snippet(
            [*(text or "" for text in texts.get(article_id, ("", "", ""))), " ".join(captions.get(article_id, []))],
            query.terms,
        )
        for article_id in ids
    ]


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


__all__ = [
    "ORDERS",
    "RANKED_BY_INDEX",
    "Filters",
    "Hit",
    "Results",
    "count",
    "parse_day",
    "search",
    "selected_articles",
]
