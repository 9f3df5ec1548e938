"""The archive's SQLite schema, kept under numbered migrations, and the two ways to open it.

* Commands that write (crawl, import, demo, reindex, upgrade) open the archive with :func:`open_db`: it applies
  missing migrations in order, each in one transaction with its row in ``_migrations`` (a kill at any moment leaves
  every migration applied and recorded, or neither), and switches to WAL so that researchers can read while a crawl
  writes. :func:`close_db` leaves the archive as one self-contained file again when the last writer is done.
* Commands that only read (search, show, history, stats, runs, export, verify, serve) open it with
  :func:`open_reader`: ``mode=ro`` (``immutable=1`` on read-only storage), no migration, no journal-mode change,
  no lock file. An archive that needs migrations says so, with the command that upgrades it.

A database written by an older govscraper is brought forward, never rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import time
import urllib.parse
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
    """The publication an article credits, and who took each photo, in fields of their own."""
    db["articles"].add_column("source", str)
    db["article_images"].add_column("credit", str)


def _captures_and_versions(db: sqlite_utils.Database) -> None:
    """Raw captures in WARC files, the capture behind each stored thing, article versions, document text."""
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
    """How each run crawled, what it saw, the layout canary; HTTP validators for conditional requests."""
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
    """The full-text index (exact and folded Vietnamese), filled for the articles already archived."""
    from govscraper.archive.fulltext import create_index, rebuild

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
    """Where an article's page came from (the portal, the Wayback Machine, an imported WARC file)."""
    for table in ("articles", "article_versions"):
        db[table].add_column("origin", str)  # live | wayback | warc
        db[table].add_column("origin_url", str)  # the Wayback capture's URL, or "<warc file>#<record id>"
        db[table].add_column("origin_date", str)  # when that capture was made (ISO 8601)
    db.execute("UPDATE articles SET origin = 'live' WHERE origin IS NULL")
    db.execute("UPDATE article_versions SET origin = 'live' WHERE origin IS NULL")


def _administrative_units(db: sqlite_utils.Database) -> None:
    """The portal's administrative code and its place before and after the 2025 reform."""
    for column in ("code", "formed_from", "became", "province_after"):  # lists one item a line, like start_urls
        db["portals"].add_column(column, str)


def _import_failures_and_raw_filenames(db: sqlite_utils.Database) -> None:
    """WARC records an import could not read (skipped, with where and why), and attachments' file names as received."""
    db["import_failures"].create(
        {
            "id": int,
            "warc_file": str,  # the file's name, as given to import-warc
            "warc_sha256": str,  # the file's sha256: which copy of that name
            "offset": int,  # where the unreadable record (or the damaged stretch) starts
            "record_id": str,  # its WARC-Record-ID, when that much could be read
            "url": str,  # its WARC-Target-URI, when that much could be read
            "error": str,  # what was wrong, one line
            "imported_at": str,
        },
        pk="id",
        not_null={"warc_file", "offset", "error", "imported_at"},
    )
    db["import_failures"].create_index(["warc_sha256"])
    # The file name a server sent (Content-Disposition or the URL), kept as received; ``filename`` is the same name
    # made safe to write to disk and to show (no path, no control characters).
    db["attachments"].add_column("filename_raw", str)
    db.execute("UPDATE attachments SET filename_raw = filename WHERE filename_raw IS NULL")


def _ranking_index(db: sqlite_utils.Database) -> None:
    """The queue that keeps the ranking index (a Tantivy folder beside the archive) in step: every article queued."""
    from govscraper.archive.ranking_index import create_tables

    create_tables(db.conn)


def _list_counts(db: sqlite_utils.Database) -> None:
    """What each list's first page announces (a stated total, or its last page number): coverage sets the articles
    a portal announces beside those archived."""
    db["list_counts"].create(
        {
            "portal_id": str,
            "list_key": str,  # what identifies the list across URLs (the spider's list key of its first page)
            "url": str,  # the first page as fetched last
            "total": int,  # results the page states, NULL when it states none
            "last_page": int,  # the pager's last page number, NULL without a pager
            "per_page": int,  # entries on the first page
            "run_id": int,
            "seen_at": str,
        },
        pk=("portal_id", "list_key"),
        not_null={"url", "per_page", "seen_at"},
    )


def _article_presence(db: sqlite_utils.Database) -> None:
    """Whether each archived article is still on its portal (``govscraper check``, see
    :mod:`govscraper.archive.presence`), every change of that standing as an event with its evidence, and the
    periods a whole portal could not be reached."""
    db["article_presence"].create(
        {
            "article_id": int,
            "state": str,  # present | missing | removed | moved
            "misses": int,  # revisits in a row that missed the article
            "first_missed_at": str,
            "checked_at": str,  # the last revisit: the next check starts with the oldest
            "moved_to": str,
        },
        pk="article_id",
        not_null={"state", "misses", "checked_at"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_events"].create(
        {
            "id": int,
            "article_id": int,
            "portal_id": str,
            "kind": str,  # missing | removed | restored | moved
            "at": str,
            "run_id": int,  # the revisit's run (crawl_runs, mode "check")
            "status": int,  # the HTTP status the portal answered
            "final_url": str,  # where a redirect pointed
            "capture_id": int,  # the answer's WARC capture: the evidence
            "evidence": str,  # the verdict's reason, in words
        },
        pk="id",
        not_null={"article_id", "portal_id", "kind", "at", "evidence"},
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("run_id", "crawl_runs", "id"),
            ("capture_id", "captures", "id"),
        ],
    )
    db["portal_outages"].create(
        {
            "id": int,
            "portal_id": str,
            "first_seen_at": str,  # the first run that could not reach the portal
            "last_seen_at": str,  # the latest such run
            "runs": int,  # runs that found it down
            "reason": str,  # the first run's reason (DNS failure, refused, every page elsewhere)
            "ended_at": str,  # the first run that reached it again; NULL while it is down
        },
        pk="id",
        not_null={"portal_id", "first_seen_at", "last_seen_at", "runs", "reason"},
    )
    db["portal_outages"].create_index(["portal_id", "ended_at"])
    db["article_events"].create_index(["portal_id", "at"])
    db["article_events"].create_index(["article_id"])
    db["article_presence"].create_index(["checked_at"])


def _edit_events(db: sqlite_utils.Database) -> None:
    """Edits as events too (kind ``edited``): what changed, as JSON (:mod:`govscraper.archive.edits`)."""
    db["article_events"].add_column("details", str)


def _portal_health(db: sqlite_utils.Database) -> None:
    """The answers of each run by HTTP status (rate limiting shows as 429 and 503), and the alerts that portal
    health raises (:mod:`govscraper.archive.health`): one row per problem, from when it opened until it cleared."""
    db["crawl_runs"].add_column("status_counts", str)  # JSON: {"200": n, "304": n, "429": n, ...}
    db["portal_alerts"].create(
        {
            "id": int,
            "portal_id": str,
            "kind": str,  # quiet | layout-changed | fields-dropped | rate-limited | start-redirected | incomplete ...
            "detail": str,  # the figures behind it, when it opened
            "opened_at": str,
            "closed_at": str,  # NULL while the problem lasts
            "notified_open": int,  # 1 once the opening was sent to every configured channel
            "notified_close": int,
        },
        pk="id",
        not_null={"portal_id", "kind", "detail", "opened_at", "notified_open", "notified_close"},
    )
    db["portal_alerts"].create_index(["portal_id", "closed_at"])


#: Ordered, append-only. A migration, once released, is never edited: add a new one.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial", _initial),
    ("0002_sources_and_credits", _sources_and_credits),
    ("0003_captures_and_versions", _captures_and_versions),
    ("0004_operations", _operations),
    ("0005_search", _search),
    ("0006_provenance", _provenance),
    ("0007_administrative_units", _administrative_units),
    ("0008_import_failures_and_raw_filenames", _import_failures_and_raw_filenames),
    ("0009_ranking_index", _ranking_index),
    ("0010_list_counts", _list_counts),
    ("0011_article_presence", _article_presence),
    ("0012_edit_events", _edit_events),
    ("0013_portal_health", _portal_health),
]


#: The file beside the archive that serialises schema changes and journal-mode switches between writers.
LOCK_SUFFIX = ".migrate.lock"
#: How long a writer keeps trying to switch a busy archive to WAL (a reader in the middle of a query holds it).
WAL_SWITCH_PATIENCE_S = 30.0


class ArchiveTooOld(ArchiveError):
    """A reading command met an archive that needs migrations it may not apply (it never writes)."""


def _applied(db: sqlite_utils.Database) -> set[str]:
    if "_migrations" not in db.table_names():
        return set()
    return {name for (name,) in db.execute("SELECT name FROM _migrations")}


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    """The migrations this archive has not had, in order."""
    done = _applied(db)
    return [name for name, _ in MIGRATIONS if name not in done]


@contextlib.contextmanager
def _migration_lock(lock_path: Path | None) -> Iterator[None]:
    """One process at a time changes an archive's schema or journal mode (a crawl and a search starting together,
    two scheduled crawls after an upgrade): an exclusive ``flock`` on ``<archive>.migrate.lock``. SQLite's own
    locks do not serialise the journal-mode switch (it does not wait for its lock), hence a lock of our own."""
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
    """Apply the migrations this database has not seen; return their names.

    Each migration and its row in ``_migrations`` are one transaction (sqlite-utils' ``atomic()``: its own calls
    nest as savepoints inside it instead of committing), so a process killed at any point leaves each migration
    either wholly applied and recorded or not applied at all, and the next opener simply applies it again. Nothing
    is written when none is pending; otherwise the pending ones are looked up again under the migration lock, so
    that a second process waiting for the lock finds the work done instead of doing it twice.
    """
    if not pending_migrations(db):
        return []
    applied = []
    with _migration_lock(lock_path):
        done = _applied(db)
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with db.atomic():
                db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
                step(db)
                db["_migrations"].insert({"name": name, "applied_at": utcnow()})
            applied.append(name)
    return applied


def _switch_to_wal(db: sqlite_utils.Database) -> None:
    """WAL lets researchers read while a crawl writes. The switch needs a moment when no reader is inside a query;
    SQLite does not wait for that moment, so we try again until it comes (a busy ``serve`` answers in milliseconds).
    """
    deadline = time.monotonic() + WAL_SWITCH_PATIENCE_S
    while True:
        try:
            if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked (could not switch it to WAL: a reader holds it)")
        time.sleep(0.05)  # a reader's query is in the way; it ends within milliseconds


def open_db(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and by default create) the archive at ``path`` for writing: WAL mode, migrations applied.

    For commands that write (crawl, import, demo, reindex, upgrade). Commands that only read use
    :func:`open_reader`, which never writes. Close with :func:`close_db`, which leaves the archive as one
    self-contained file. Raises :class:`ArchiveError` with a one-line reason when the file cannot be created,
    opened or written.
    """
    return _open_writer(path, create=create)[0]


def _open_writer(path: str | Path, *, create: bool) -> tuple[sqlite_utils.Database, list[str]]:
    """:func:`open_db`, also returning the names of the migrations it applied."""
    path = Path(path)
    if not create and not path.exists():
        raise ArchiveError(f"no archive at {path} (run a crawl first, or pass --db)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
        db = sqlite_utils.Database(conn)
        lock_path = path.with_name(path.name + LOCK_SUFFIX)
        db.execute("PRAGMA busy_timeout=30000")
        with _migration_lock(lock_path):
            _switch_to_wal(db)
            newer = _applied(db) - {name for name, _ in MIGRATIONS}
            if newer:
                raise ArchiveError(
                    f"the archive at {path} was written by a newer govscraper ({', '.join(sorted(newer))}): "
                    "upgrade govscraper to write to it"
                )
            applied = migrate(db)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ArchiveError(f"cannot open the archive at {path}: {reason}") from None
    return db, applied


def close_db(db: sqlite_utils.Database) -> None:
    """Close a writer's connection and, when it was the last one open, leave the archive as one file.

    A WAL-mode database needs its ``-wal`` and ``-shm`` files: a reader creates them, and a copy without them on
    read-only storage cannot be read unless opened as immutable. So the last writer merges the WAL into the
    database and switches it back to the rollback journal, as SQLite's documentation recommends before an archive
    is copied to read-only media: a closed archive is then a single file that any reader opens without creating
    anything. While another connection (a search, ``serve``, a second crawl) is open the switch fails at once and
    the archive stays in WAL mode, which is as correct; that connection's own close finishes the job.
    """
    conn = db.conn
    try:
        if not conn.in_transaction:
            conn.execute("PRAGMA busy_timeout=0")
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                conn.execute("PRAGMA journal_mode=DELETE").fetchall()
    finally:
        conn.close()


@contextlib.contextmanager
def writing(path: str | Path, *, create: bool = True) -> Iterator[sqlite_utils.Database]:
    """``with writing(path) as db:`` an archive opened by :func:`open_db` and closed by :func:`close_db`."""
    db = open_db(path, create=create)
    try:
        yield db
    finally:
        close_db(db)


def upgrade_archive(path: str | Path) -> list[str]:
    """``govscraper upgrade``: apply the migrations an existing archive lacks; return their names."""
    path = Path(path)
    if not path.exists():
        raise ArchiveError(f"no archive at {path} (run a crawl first, or pass --db)")
    db, applied = _open_writer(path, create=False)
    close_db(db)
    return applied


def _reader_uri(path: Path, parameter: str) -> str:
    return f"file:{urllib.parse.quote(str(path.resolve()))}?{parameter}"


class ReaderConnection(sqlite3.Connection):
    """A read-only connection that knows how it was opened (``serve`` tells Datasette the same)."""

    immutable = False


def _read_only_connection(path: Path) -> ReaderConnection:
    """A connection that cannot write: ``mode=ro``, or ``immutable=1`` on storage where that is the only way.

    SQLite reads a WAL-mode database through its ``-shm`` file, which it creates beside the database; in a folder
    the process cannot write (a shared drive, a DVD, a copy a researcher was handed) that fails. Such an archive,
    when it has no pending ``-wal`` file, cannot be changing under us (no writer could work there either), so it is
    opened as immutable. A pending ``-wal`` that cannot be read is a clear error: its last writes would be missed.
    """
    conn = sqlite3.connect(_reader_uri(path, "mode=ro"), uri=True, timeout=30, factory=ReaderConnection)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "readonly" not in str(exc) and "unable to open" not in str(exc):
            raise
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ArchiveError(
            f"cannot read the archive at {path}: its last writes are still in {wal.name}, which cannot be read "
            "where the folder is read-only; copy both files to writable storage, or run `govscraper upgrade "
            f"--db {path}` once where the folder can be written"
        )
    conn = sqlite3.connect(_reader_uri(path, "immutable=1"), uri=True, factory=ReaderConnection)
    conn.immutable = True
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def open_reader(path: str | Path) -> sqlite_utils.Database:
    """Open the archive at ``path`` for commands that only read (search, show, stats, export, verify, serve...).

    Never writes, never migrates, never changes the journal mode, never creates a lock file: it works on read-only
    storage and on a copy a researcher was handed. An archive that needs migrations first says so, with the command
    that upgrades it (:class:`ArchiveTooOld`).
    """
    path = Path(path)
    if not path.exists():
        raise ArchiveError(f"no archive at {path} (run a crawl first, or pass --db)")
    try:
        conn = _read_only_connection(path)
        db = sqlite_utils.Database(conn)
        if path.stat().st_size == 0 or "_migrations" not in db.table_names():
            db.conn.close()
            raise ArchiveError(f"{path} is not a govscraper archive (no _migrations table)")
        missing = pending_migrations(db)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read the archive at {path}: {exc}") from None
    if missing:
        db.conn.close()
        raise ArchiveTooOld(
            f"the archive at {path} was made by an older govscraper and needs {len(missing)} migration(s) "
            f"({', '.join(missing)}): upgrade it with `govscraper upgrade --db {path}`"
        )
    return db


def reads_immutably(db: sqlite_utils.Database) -> bool:
    """Whether :func:`open_reader` had to open this archive as immutable (read-only storage)."""
    return bool(getattr(db.conn, "immutable", False))
