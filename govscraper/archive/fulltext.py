"""The full-text index: one FTS5 row per article, kept in step with the archive in the same transaction.

``articles_fts`` (rowid = ``articles.id``) holds each searchable text twice: as published with tone placement
unified (``title``, ``sapo``, ``body``, ``captions``, ``author``, ``attachments``) and folded (the same names with
``_f``: lowercase, no diacritics, đ → d). SQLite's ``unicode61`` tokenizer runs with ``remove_diacritics 0``, so
the exact columns keep every mark and the folded ones hold what :func:`govscraper.text.fold.fold` made. SQLite's
own folding is not enough: ``remove_diacritics 1`` leaves letters with two marks ("huyện", "mộ") unfolded, and
``remove_diacritics 2`` cannot fold "đ", which has no Unicode decomposition ("Đức" stays "đuc", so "duc" finds
nothing); at ``remove_diacritics 0`` NFD input would add duplicate terms, so only NFC text is indexed. The folding
happens in Python, when the row is written, so any SQLite (Datasette, the sqlite3 shell) can query the index
without a custom function.

:func:`index_article` is called by the archive whenever an article is inserted or its content changes (a new
version), inside the transaction that writes it: a reader never sees an article without its index row, or the
other way round. Captions come from ``article_images``, attachment titles and document text from
``article_attachments`` and ``attachments``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from govscraper.text.fold import canonical_tones, fold

FTS_TABLE = "articles_fts"
#: The searchable texts, each as published (tone placement unified) and folded (``_f``).
TEXT_COLUMNS = ("title", "sapo", "body", "captions", "author", "attachments")
FOLDED_COLUMNS = tuple(f"{column}_f" for column in TEXT_COLUMNS)
#: bm25 weights per column (exact and folded alike): a word in the title counts most, then author and sapo.
WEIGHTS = {"title": 10.0, "sapo": 4.0, "body": 1.0, "captions": 2.0, "author": 5.0, "attachments": 0.5}

_ALL_COLUMNS = TEXT_COLUMNS + FOLDED_COLUMNS


def create_index(conn: sqlite3.Connection) -> None:
    """Create the FTS5 table (migration 0005)."""
    columns = ", ".join(_ALL_COLUMNS)
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )


def bm25_call() -> str:
    """``bm25(articles_fts, ...)`` with the column weights, exact columns then folded."""
    weights = ", ".join(str(WEIGHTS[column]) for column in TEXT_COLUMNS)
    return f"bm25({FTS_TABLE}, {weights}, {weights})"


def article_texts(conn: sqlite3.Connection, article_id: int) -> dict[str, str] | None:
    """The searchable texts of one article as stored, or None when there is no such article."""
    row = conn.execute("SELECT title, sapo, body, author FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return None
    title, sapo, body, author = row
    captions = [
        caption
        for (caption,) in conn.execute(
            "SELECT caption FROM article_images WHERE article_id = ? AND caption IS NOT NULL ORDER BY position",
            [article_id],
        )
    ]
    documents = []
    for link_title, text in conn.execute(
        "SELECT l.title, d.text FROM article_attachments l LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256 "
        "WHERE l.article_id = ? ORDER BY l.position",
        [article_id],
    ):
        documents.extend(part for part in (link_title, text) if part)
    return {
        "title": title or "",
        "sapo": sapo or "",
        "body": body or "",
        "captions": "\n".join(captions),
        "author": author or "",
        "attachments": "\n\n".join(documents),
    }


def index_row(texts: dict[str, str]) -> list[str]:
    """The FTS row for an article's texts: exact columns (tone placement unified), then folded ones."""
    exact = [canonical_tones(texts[column]) for column in TEXT_COLUMNS]
    return exact + [fold(text) for text in exact]


def index_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Write (or rewrite) the article's index row; no commit: it rides with the caller's transaction."""
    texts = article_texts(conn, article_id)
    conn.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", [article_id])
    if texts is None:
        return
    placeholders = ", ".join("?" * (len(_ALL_COLUMNS) + 1))
    conn.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(_ALL_COLUMNS)}) VALUES ({placeholders})",
        [article_id, *index_row(texts)],
    )


def rebuild(conn: sqlite3.Connection, progress: Callable[[int], None] | None = None) -> int:
    """Index every article afresh (after a change of the folding rules, or an index made by hand); returns how many."""
    conn.execute(f"DELETE FROM {FTS_TABLE}")
    ids = [article_id for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id")]
    for done, article_id in enumerate(ids, 1):
        index_article(conn, article_id)
        if progress is not None and done % 1000 == 0:
            progress(done)
    conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    return len(ids)


__all__ = [
    "FTS_TABLE",
    "WEIGHTS",
    "article_texts",
    "bm25_call",
    "create_index",
    "index_article",
    "index_row",
    "rebuild",
]
