"""The archive's SQLite schema, kept under numbered migrations, and how to open it.

Every command that touches the archive opens it through :func:`open_db`, which applies missing migrations in
order and records them in ``_migrations``; a database written by an older govscraper is brought forward, never
rebuilt. WAL mode lets researchers read while a crawl writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

DEFAULT_DB = Path("data") / "archive.db"


class ArchiveError(Exception):
    """The archive cannot be opened or written; the message says which file and why."""


def utcnow() -> str:
    """A timestamp for the archive: UTC, ISO 8601, seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _initial(db: sqlite_utils.Database) -> None:
    db["portals"].create(
        {
            "id": str,
            "name": str,
            "province": str,
            "level": str,
            "base_url": str,
            "platform": str,
            "status": str,
            "offline_since": str,
            "start_urls": str,
            "notes": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"name", "base_url", "platform"},
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "portal_id": str,
            "spider": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | finished | interrupted | failed
            "finish_reason": str,
            "duration_s": float,
            "requests": int,
            "responses": int,
            "bytes": int,
            "pages": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_failed": int,
            "images_new": int,
            "attachments_new": int,
            "failures": int,
            "settings": str,  # JSON: the options the run was started with
        },
        pk="id",
        foreign_keys=[("portal_id", "portals", "id")],
        not_null={"portal_id", "started_at", "status"},
        defaults={
            "status": "running",
            **dict.fromkeys(
                (
                    "requests",
                    "responses",
                    "bytes",
                    "pages",
                    "articles_new",
                    "articles_updated",
                    "articles_unchanged",
                    "articles_failed",
                    "images_new",
                    "attachments_new",
                    "failures",
                ),
                0,
            ),
        },
    )
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "portal_id": str,
            "source_id": str,
            "platform": str,
            "title": str,
            "sapo": str,
            "body": str,
            "body_html": str,
            "published_at": str,
            "author": str,
            "category": str,
            "views": int,
            "summary": str,
            "thumbnail_url": str,
            "content_sha256": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "first_run_id": int,
            "run_id": int,
        },
        pk="id",
        foreign_keys=[
            ("portal_id", "portals", "id"),
            ("run_id", "crawl_runs", "id"),
            ("first_run_id", "crawl_runs", "id"),
        ],
        not_null={"url", "portal_id", "title", "body", "content_sha256", "first_seen_at", "last_seen_at"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["portal_id", "source_id"])
    db["articles"].create_index(["canonical_url"])
    db["articles"].create_index(["portal_id", "published_at"])
    db["images"].create(
        {
            "sha256": str,
            "bytes": bytes,
            "mime": str,
            "width": int,
            "height": int,
            "size": int,
            "first_url": str,
            "fetched_at": str,
        },
        pk="sha256",
        not_null={"bytes", "mime", "size"},
    )
    db["article_images"].create(
        {
            "article_id": int,
            "position": int,
            "image_sha256": str,  # NULL when the image could not be archived (see fetch_failures)
            "role": str,  # body | thumbnail
            "caption": str,
            "alt": str,
            "source_url": str,
        },
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id"), ("image_sha256", "images", "sha256")],
        not_null={"source_url", "role"},
    )
    db["images"].create_index(["first_url"])
    db["article_images"].create_index(["image_sha256"])
    db["article_images"].create_index(["source_url"])
    db["attachments"].create(
        {
            "sha256": str,
            "bytes": bytes,
            "mime": str,
            "filename": str,
            "size": int,
            "first_url": str,
            "fetched_at": str,
        },
        pk="sha256",
        not_null={"bytes", "size"},
    )
    db["article_attachments"].create(
        {
            "article_id": int,
            "position": int,
            "attachment_sha256": str,  # NULL when the file could not be archived (see fetch_failures)
            "title": str,
            "source_url": str,
        },
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id"), ("attachment_sha256", "attachments", "sha256")],
        not_null={"source_url"},
    )
    db["attachments"].create_index(["first_url"])
    db["article_attachments"].create_index(["attachment_sha256"])
    db["article_attachments"].create_index(["source_url"])
    db["fetch_failures"].create(
        {
            "id": int,
            "run_id": int,
            "portal_id": str,
            "url": str,
            "kind": str,  # page | article | list | image | attachment | robots
            "status": int,  # HTTP status when there was a response
            "error": str,  # what went wrong, one line
            "referer": str,
            "failed_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
        not_null={"url", "kind", "error", "failed_at"},
    )
    db["fetch_failures"].create_index(["run_id"])
    db["fetch_failures"].create_index(["url"])


def _sources_and_credits(db: sqlite_utils.Database) -> None:
    """Issue 3: the publication an article credits, and who took each photo, in fields of their own."""
    db["articles"].add_column("source", str)
    db["article_images"].add_column("credit", str)


def _captures_and_versions(db: sqlite_utils.Database) -> None:
    """Issue 4: raw captures in WARC files, the capture behind each stored thing, article versions, document text."""
    db["captures"].create(
        {
            "id": int,
            "run_id": int,
            "portal_id": str,
            "url": str,
            "warc_type": str,  # response | revisit
            "warc_file": str,  # relative to the archive's folder (data/warc/...), or absolute
            "offset": int,
            "length": int,
            "record_id": str,
            "request_offset": int,
            "request_length": int,
            "request_record_id": str,
            "warc_date": str,
            "status": int,
            "mime": str,
            "payload_digest": str,  # sha1:<base32>, the WARC payload digest
            "payload_length": int,
            "refers_to_record_id": str,  # revisits: the record that holds the payload
            "payload_capture_id": int,  # revisits: that record's capture row, when archived here
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
        not_null={"url", "warc_type", "warc_file", "offset", "length", "record_id", "warc_date"},
    )
    db["captures"].create_index(["record_id"], unique=True)
    db["captures"].create_index(["payload_digest"])
    db["captures"].create_index(["url"])
    db["captures"].create_index(["run_id"])
    db["crawl_runs"].add_column("warc_files", str)  # JSON list of the run's WARC files
    for table in ("articles", "images", "attachments"):
        db[table].add_column("capture_id", int, fk="captures", fk_col="id")
    db["attachments"].add_column("text", str)
    db["attachments"].add_column("text_method", str)
    db["attachments"].add_column("text_error", str)
    db["article_versions"].create(
        {
            "id": int,
            "article_id": int,
            "version": int,  # 1 is the first version archived; the articles row holds the newest
            "url": str,
            "canonical_url": str,
            "source_id": str,
            "title": str,
            "sapo": str,
            "body": str,
            "body_html": str,
            "published_at": str,
            "author": str,
            "source": str,
            "category": str,
            "views": int,
            "summary": str,
            "thumbnail_url": str,
            "content_sha256": str,
            "images": str,  # JSON: [{url, caption, credit, role, sha256}] as linked then
            "attachments": str,  # JSON: [{url, title, sha256}]
            "capture_id": int,
            "captured_at": str,  # when this version was last seen (its capture's time)
            "run_id": int,  # the run that archived this version
            "superseded_at": str,
            "superseded_by_run_id": int,
        },
        pk="id",
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("capture_id", "captures", "id"),
            ("run_id", "crawl_runs", "id"),
        ],
        not_null={"article_id", "version", "content_sha256"},
    )
    db["article_versions"].create_index(["article_id", "version"], unique=True)


def _operations(db: sqlite_utils.Database) -> None:
    """Issue 5: how each run crawled, what it saw, the layout canary; HTTP validators for conditional requests."""
    for column, kind in (
        ("mode", str),  # full | incremental | resume
        ("articles_seen", int),  # list entries and article pages the run recognised
        ("pages_not_modified", int),  # answers 304 to conditional requests
        ("extraction_failures", int),  # article pages fetched but not readable (no title or body, parse errors)
        ("alarm", str),  # "layout-changed?" when the canary fires
        ("alarm_reason", str),
        ("resumes", int),  # how many times an interrupted run was continued
    ):
        db["crawl_runs"].add_column(column, kind)
    db["http_validators"].create(
        {"url": str, "etag": str, "last_modified": str, "seen_at": str, "portal_id": str},
        pk="url",
    )
    db["http_validators"].create_index(["portal_id"])


def _search(db: sqlite_utils.Database) -> None:
    """Issue 6: the full-text index (exact and folded Vietnamese), filled for the articles already archived."""
    from govscraper.search.index import create_index, rebuild

    create_index(db.conn)
    rebuild(db.conn)
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["category"])
    # For facets and per-year counts (Datasette, stats): computed by SQLite, never written.
    db.execute(
        "ALTER TABLE articles ADD COLUMN published_year INTEGER "
        "GENERATED ALWAYS AS (CAST(substr(published_at, 1, 4) AS INTEGER)) VIRTUAL"
    )


def _provenance(db: sqlite_utils.Database) -> None:
    """Issue 7: where an article's page came from (the portal, the Wayback Machine, an imported WARC file)."""
    for table in ("articles", "article_versions"):
        db[table].add_column("origin", str)  # live | wayback | warc
        db[table].add_column("origin_url", str)  # the Wayback capture's URL, or "<warc file>#<record id>"
        db[table].add_column("origin_date", str)  # when that capture was made (ISO 8601)
    db.execute("UPDATE articles SET origin = 'live' WHERE origin IS NULL")
    db.execute("UPDATE article_versions SET origin = 'live' WHERE origin IS NULL")


def _administrative_units(db: sqlite_utils.Database) -> None:
    """Issue 7: the portal's administrative code and its place before and after the 2025 reform."""
    for column in ("code", "formed_from", "became", "province_after"):  # lists one item a line, like start_urls
        db["portals"].add_column(column, str)


#: Ordered, append-only. A migration, once released, is never edited: add a new one.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial", _initial),
    ("0002_sources_and_credits", _sources_and_credits),
    ("0003_captures_and_versions", _captures_and_versions),
    ("0004_operations", _operations),
    ("0005_search", _search),
    ("0006_provenance", _provenance),
    ("0007_administrative_units", _administrative_units),
]


def _applied(db: sqlite_utils.Database) -> set[str]:
    if "_migrations" not in db.table_names():
        return set()
    return {name for (name,) in db.execute("SELECT name FROM _migrations")}


@contextlib.contextmanager
def _migration_lock(lock_path: Path | None) -> Iterator[None]:
    """One process at a time brings an archive forward (a crawl and a search starting together, two scheduled
    crawls after an upgrade): an exclusive ``flock`` on ``<archive>.migrate.lock``. SQLite's own locks cannot do
    it, because sqlite-utils commits inside a migration step."""
    if lock_path is None:
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(db: sqlite_utils.Database, lock_path: Path | None = None) -> list[str]:
    """Apply the migrations this database has not seen, each in its own transaction; return their names.

    Nothing is written when none is pending. Otherwise the pending ones are looked up again under the migration
    lock, so that a second process waiting for the lock finds the work done instead of doing it twice.
    """
    if all(name in _applied(db) for name, _ in MIGRATIONS):
        return []
    applied = []
    with _migration_lock(lock_path):
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
        done = _applied(db)
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with db.conn:
                step(db)
                db["_migrations"].insert({"name": name, "applied_at": utcnow()})
            applied.append(name)
    return applied


def open_db(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and by default create) the archive at ``path``, in WAL mode, with migrations applied.

    Raises :class:`ArchiveError` with a one-line reason when the file cannot be created, opened or written.
    """
    path = Path(path)
    if not create and not path.exists():
        raise ArchiveError(f"no archive at {path} (run a crawl first, or pass --db)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
        db = sqlite_utils.Database(conn)
        lock_path = path.with_name(path.name + ".migrate.lock")
        db.execute("PRAGMA busy_timeout=30000")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            # Switching a new archive to WAL takes an exclusive lock that SQLite does not wait for: two processes
            # opening it at once (a crawl and a search) would see "database is locked". Under the migration lock
            # the second finds WAL already set.
            with _migration_lock(lock_path):
                db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db, lock_path=lock_path)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ArchiveError(f"cannot open the archive at {path}: {reason}") from None
    return db
