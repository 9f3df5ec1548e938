"""The ranking index: a Tantivy index beside the archive, so that search ranks every match and stays fast.

Why a second index: SQLite's FTS5 (:mod:`govscraper.archive.fulltext`) finds the matches, but ranks them by visiting
every one: bm25 costs 1-2 µs per match, and a common word matches most of an archive ("huyện": 98,361 of 100,000
articles, 250 ms; "hội nghị" 24,549, 67 ms), ten times that at a million. Tantivy (a Rust search library, through its
maintained Python binding) keeps per-block score bounds (block-max WAND), so the best 20 of 98,361 matches cost about
3 ms; its phrase queries read positions, which the proximity boost needs. Measured side by side on the same 100,000
articles in ``benchmarks/search.py``.

What it holds: for each article, the very texts of its FTS5 row (exact and folded, read from ``articles_fts``, so both
indexes hold the same words), cut into the same tokens as FTS5's ``unicode61`` tokenizer cuts them (runs of letters
and digits, lowercase), positions kept; its publication day, portal and folded category for filters. The archive
(SQLite) stays the source of truth; this folder can always be rebuilt from it (``govscraper reindex``).

Where: a folder beside the archive file, ``archive.db`` -> ``archive.db.ranking/``. Copy it with the archive.

Kept in step: every article write records the article in ``ranking_pending`` in the same SQLite transaction
(:func:`mark_changed`); :func:`sync` applies the pending articles to the index, commits it, then deletes the rows it
applied and records the index's generation in ``ranking_state`` and in the folder's ``govscraper.json``. Crawls and
imports sync when they close their archive, ``upgrade`` and ``reindex`` too. Search trusts the index only when
nothing is pending and both generations agree (:func:`state`); otherwise it ranks with FTS5 and says so. A crash at
any point leaves either rows pending or the generations apart, and the next sync repairs it (a full rebuild when the
generations disagree). Only one process writes the index at a time (Tantivy's writer lock); another one that finds
it taken leaves its rows pending for the next sync.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from govscraper.archive.fulltext import FOLDED_COLUMNS, FTS_TABLE, TEXT_COLUMNS
from govscraper.archive.schema import ArchiveError
from govscraper.text.fold import fold

logger = logging.getLogger(__name__)

#: Bumped when what the index holds changes; an index of another format is rebuilt by the next sync.
FORMAT = 1
SUFFIX = ".ranking"
STATE_FILE = "govscraper.json"
#: The tokenizer the text fields use: the text is cut into tokens here, in Python, and joined by spaces.
TOKENIZER = "govscraper_tokens"
#: FTS5's unicode61 tokens: runs of letters and digits. Longer runs are not words (a base64 blob in a body) and are
#: left out, so that no token reaches Tantivy's term-length limit.
_TOKEN = re.compile(r"[^\W_]+")
MAX_TOKEN_CHARS = 128
#: Articles per Tantivy commit during a sync; memory for the writer.
BATCH = 5_000
WRITER_HEAP = 64_000_000


class RankingIndexBusy(ArchiveError):
    """Another process is writing the ranking index."""


def index_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + SUFFIX)


def tokens(text: str) -> str:
    """Text as the index's tokens, joined by spaces: lowercase runs of letters and digits, as FTS5 cuts them."""
    return " ".join(word for word in _TOKEN.findall(text.lower()) if len(word) <= MAX_TOKEN_CHARS)


def day_number(published_at: str | None) -> int:
    """``2021-05-09T...`` -> 20210509; a date without day or month counts them as 0; no date -> 0.

    Compares as the ISO text does in SQL: ``2021-05`` is before ``2021-05-01`` and after ``2021-04-30``.
    """
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published_at or "")
    if not match:
        return 0
    year, month, day = (int(part or 0) for part in match.groups())
    return year * 10_000 + month * 100 + day


def moment_number(published_at: str | None) -> int:
    """``2021-05-09T14:42:00+07:00`` -> 20210509144200 (local time as published), for ties broken by recency."""
    digits = re.sub(r"\D", "", (published_at or "")[:19])
    return int(digits.ljust(14, "0")) if len(digits) >= 4 else 0


def category_key(category: str | None) -> str:
    """A category as filters compare it: without regard to case, diacritics or spacing."""
    return fold(" ".join((category or "").split()))


def schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    for column in TEXT_COLUMNS + FOLDED_COLUMNS:
        builder.add_text_field(column, tokenizer_name=TOKENIZER, index_option="position")
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("moment", fast=True)
    builder.add_text_field("portal", tokenizer_name="raw")
    builder.add_text_field("category", tokenizer_name="raw")
    return builder.build()


def _register(index) -> None:
    import tantivy

    index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def open_index(folder: Path, *, create: bool = False):
    """The Tantivy index in ``folder`` (created empty with ``create``). Raises OSError/ValueError when it cannot be
    opened (no index there, another format, read-only storage)."""
    import tantivy

    if create:
        folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema(), path=str(folder), reuse=False)
    else:
        if not tantivy.Index.exists(str(folder)):
            raise FileNotFoundError(f"no ranking index in {folder}")
        index = tantivy.Index.open(str(folder))
    _register(index)
    return index


def read_generation(folder: Path) -> tuple[int, int] | None:
    """(format, generation) recorded in the folder, or None."""
    try:
        recorded = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return int(recorded["format"]), int(recorded["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_generation(folder: Path, generation: int) -> None:
    temporary = folder / (STATE_FILE + ".tmp")
    temporary.write_text(json.dumps({"format": FORMAT, "generation": generation}), encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


def mark_changed(conn: sqlite3.Connection, article_id: int) -> None:
    """Record that the article's ranking document must be (re)written; rides with the caller's transaction."""
    conn.execute(
        "INSERT INTO ranking_pending (article_id, stamp) VALUES (?, ?) "
        "ON CONFLICT(article_id) DO UPDATE SET stamp = excluded.stamp",
        [article_id, time.time_ns()],
    )


def create_tables(conn: sqlite3.Connection) -> None:
    """Migration 0009: the queue of articles to (re)index and the generation the index was last synced to; every
    article already archived is queued."""
    conn.execute("CREATE TABLE IF NOT EXISTS ranking_pending (article_id INTEGER PRIMARY KEY, stamp INTEGER NOT NULL)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS ranking_state "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL, synced_at TEXT)"
    )
    conn.execute("INSERT OR IGNORE INTO ranking_pending (article_id, stamp) SELECT id, 0 FROM articles")


@dataclass
class State:
    """How far the ranking index is from the archive."""

    pending: int  # articles written since the last sync
    generation: int  # the archive's record of the last sync (0: never)
    folder_generation: int | None  # the folder's record (None: no index, or another format)

    @property
    def in_step(self) -> bool:
        return self.pending == 0 and self.generation > 0 and self.folder_generation == self.generation

    def reason(self) -> str:
        """Why the index cannot be trusted, in a few words."""
        if self.folder_generation is None:
            return "there is no ranking index beside the archive"
        if self.folder_generation != self.generation:
            return "the ranking index beside the archive belongs to another state of it"
        return f"{self.pending} article(s) were written since the ranking index was last brought up to date"


def state(conn: sqlite3.Connection, db_path: Path) -> State:
    """Read-only: how far the index is behind."""
    pending = conn.execute("SELECT count(*) FROM ranking_pending").fetchone()[0]
    row = conn.execute("SELECT generation FROM ranking_state WHERE id = 1").fetchone()
    recorded = read_generation(index_path(db_path))
    folder_generation = recorded[1] if recorded and recorded[0] == FORMAT else None
    return State(pending, row[0] if row else 0, folder_generation)


_ROW = (
    f"SELECT f.rowid, {', '.join(f'f.{column}' for column in TEXT_COLUMNS + FOLDED_COLUMNS)}, "
    f"a.published_at, a.portal_id, a.category FROM {FTS_TABLE} f JOIN articles a ON a.id = f.rowid"
)


def _document(row: tuple):
    import tantivy

    document = tantivy.Document()
    document.add_integer("id", row[0])
    texts = row[1 : 1 + len(TEXT_COLUMNS) * 2]
    for column, text in zip(TEXT_COLUMNS + FOLDED_COLUMNS, texts, strict=True):
        if text:
            document.add_text(column, tokens(text))
    published_at, portal_id, category = row[1 + len(TEXT_COLUMNS) * 2 :]
    document.add_integer("day", day_number(published_at))
    document.add_integer("moment", moment_number(published_at))
    document.add_text("portal", portal_id or "")
    document.add_text("category", category_key(category))
    return document


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync(
    conn: sqlite3.Connection,
    db_path: str | Path,
    *,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bring the ranking index up to date with the archive; returns how many articles it (re)indexed.

    ``conn`` is a writer's connection to the archive at ``db_path``, outside a transaction. Rebuilds from scratch
    when asked, when there is no index or one of another format, or when its generation is not the archive's.
    Raises :class:`RankingIndexBusy` when another process holds the index's writer.
    """
    db_path = Path(db_path)
    folder = index_path(db_path)
    current = state(conn, db_path)
    if current.in_step and not rebuild:
        return 0
    rebuild = rebuild or current.folder_generation is None or current.folder_generation != current.generation
    try:
        index = open_index(folder, create=False) if not rebuild or folder.exists() else None
    except (OSError, ValueError):
        index = None
    if index is None:
        rebuild = True
        with contextlib.suppress(FileNotFoundError):
            for leftover in folder.iterdir():  # an index of another format, or half-made
                if leftover.is_file():
                    leftover.unlink()
        index = open_index(folder, create=True)
    try:
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    except ValueError as exc:
        raise RankingIndexBusy(f"the ranking index at {folder} is being written by another process ({exc})") from None
    done = 0
    try:
        pending = dict(conn.execute("SELECT article_id, stamp FROM ranking_pending").fetchall())
        if rebuild:
            writer.delete_all_documents()
            ids = [article_id for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id")]
        else:
            ids = sorted(pending)
        for chunk in _chunks(ids, BATCH):
            found = conn.execute(f"{_ROW} WHERE f.rowid IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
            for article_id in chunk if not rebuild else ():
                writer.delete_documents_by_term("id", article_id)
            for row in found:
                writer.add_document(_document(row))
            done += len(found)
            if progress is not None:
                progress(done)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.rollback()
        raise
    finally:
        with contextlib.suppress(Exception):
            writer.wait_merging_threads()
    generation = max(current.generation, current.folder_generation or 0) + 1
    _write_generation(folder, generation)
    with conn:
        for chunk in _chunks(sorted(pending.items()), 500):
            conn.executemany("DELETE FROM ranking_pending WHERE article_id = ? AND stamp = ?", chunk)
        conn.execute(
            "INSERT INTO ranking_state (id, generation, synced_at) VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%SZ')) "
            "ON CONFLICT(id) DO UPDATE SET generation = excluded.generation, synced_at = excluded.synced_at",
            [generation],
        )
    return done


def sync_quietly(conn: sqlite3.Connection, db_path: str | Path) -> None:
    """:func:`sync` for a writer that is closing: a failure is logged (search falls back to FTS5 and says why), never
    raised, so that a crawl's archive is never lost to its ranking index."""
    try:
        sync(conn, db_path)
    except RankingIndexBusy as exc:
        logger.info("%s: its next writer brings it up to date", exc)
    except Exception as exc:  # disk full, read-only folder, a damaged index: the archive itself is complete
        logger.warning("could not bring the ranking index of %s up to date: %s (govscraper reindex)", db_path, exc)


__all__ = [
    "FORMAT",
    "RankingIndexBusy",
    "State",
    "category_key",
    "create_tables",
    "day_number",
    "index_path",
    "mark_changed",
    "open_index",
    "read_generation",
    "rebuild",
    "state",
    "sync",
    "sync_quietly",
    "tokens",
]


def rebuild(db_path: str | Path) -> int:
    """Rebuild the ranking index of the archive at ``db_path`` from scratch (``govscraper reindex`` also rebuilds
    the FTS5 index); returns how many articles it indexed."""
    from govscraper.archive.schema import close_db, open_db

    db = open_db(db_path, create=False)
    try:
        return sync(db.conn, db_path, rebuild=True)
    finally:
        close_db(db)
