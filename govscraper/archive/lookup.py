"""Reading the archive back: an article by URL or id, its versions, and the raw bytes of its captures.

Used by ``govscraper show`` and ``govscraper history``; no Scrapy here.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from govscraper.archive.warc import record_payload

_FIELDS = (
    "url", "canonical_url", "source_id", "title", "sapo", "body", "published_at", "author", "source", "category",
    "views", "summary", "thumbnail_url", "content_sha256", "capture_id", "run_id",
)  # fmt: skip


class NotFound(LookupError):
    """Nothing in the archive answers the reference; the message says what was looked for."""


@dataclass
class Version:
    """One version of an article: its number (1 = first archived), when it was captured, and its fields."""

    number: int
    captured_at: str | None
    run_id: int | None
    fields: dict[str, Any]
    images: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    current: bool


def find_article(db: sqlite_utils.Database, reference: str) -> dict[str, Any]:
    """The article row for an id, a URL it was archived under, or its canonical URL."""
    reference = reference.strip()
    if reference.isdigit():
        rows = list(db["articles"].rows_where("id = ?", [int(reference)]))
    else:
        rows = list(db["articles"].rows_where("url = ? OR canonical_url = ?", [reference, reference], limit=1))
    if not rows:
        raise NotFound(f"no archived article with id or URL {reference!r}")
    return rows[0]


def versions(db: sqlite_utils.Database, article: dict[str, Any]) -> list[Version]:
    """All versions of the article, oldest first; the last is the current row."""
    found = []
    for row in db["article_versions"].rows_where("article_id = ?", [article["id"]], order_by="version"):
        found.append(
            Version(
                number=row["version"],
                captured_at=row["captured_at"],
                run_id=row["run_id"],
                fields={name: row[name] for name in _FIELDS},
                images=json.loads(row["images"] or "[]"),
                attachments=json.loads(row["attachments"] or "[]"),
                current=False,
            )
        )
    captured = None
    if article.get("capture_id"):
        captured = db.execute("SELECT warc_date FROM captures WHERE id = ?", [article["capture_id"]]).fetchone()
    images = [
        {
            "url": r["source_url"],
            "caption": r["caption"],
            "credit": r["credit"],
            "role": r["role"],
            "sha256": r["image_sha256"],
        }
        for r in db["article_images"].rows_where("article_id = ?", [article["id"]], order_by="position")
    ]
    attachments = [
        {"url": r["source_url"], "title": r["title"], "sha256": r["attachment_sha256"]}
        for r in db["article_attachments"].rows_where("article_id = ?", [article["id"]], order_by="position")
    ]
    found.append(
        Version(
            number=len(found) + 1,
            captured_at=captured[0] if captured else article["last_seen_at"],
            run_id=article["run_id"],
            fields={name: article[name] for name in _FIELDS},
            images=images,
            attachments=attachments,
            current=True,
        )
    )
    return found


def body_diff(older: Version, newer: Version) -> str:
    """A unified diff of two versions' body text, one paragraph per line."""
    before = (older.fields["body"] or "").split("\n\n")
    after = (newer.fields["body"] or "").split("\n\n")
    lines = difflib.unified_diff(
        before,
        after,
        fromfile=f"version {older.number} ({older.captured_at})",
        tofile=f"version {newer.number} ({newer.captured_at})",
        lineterm="",
    )
    return "\n".join(lines)


_COMPARED = ("title", "sapo", "published_at", "author", "source", "category")


def field_changes(older: Version, newer: Version) -> list[str]:
    """What changed between two versions besides the body: fields, photos (with captions), documents."""
    changes = [
        f"{name}: {older.fields[name]!r} -> {newer.fields[name]!r}"
        for name in _COMPARED
        if older.fields[name] != newer.fields[name]
    ]

    def photos(version: Version) -> list[tuple]:
        return [(i["url"], i["caption"], i["credit"]) for i in version.images if i.get("role") != "thumbnail"]

    def documents(version: Version) -> list[tuple]:
        return [(a["url"], a["title"]) for a in version.attachments]

    for label, read in (("photos", photos), ("documents", documents)):
        before, after = read(older), read(newer)
        if before != after:
            removed = [entry for entry in before if entry not in after]
            added = [entry for entry in after if entry not in before]
            changes += [f"{label} -: {entry}" for entry in removed] + [f"{label} +: {entry}" for entry in added]
    return changes


def capture_location(db: sqlite_utils.Database, capture_id: int) -> dict[str, Any] | None:
    """Where a capture's record lies: its WARC file, offset, record id and WARC type."""
    row = db.execute(
        "SELECT warc_file, offset, record_id, warc_type FROM captures WHERE id = ?", [capture_id]
    ).fetchone()
    if row is None:
        return None
    return {"warc_file": row[0], "offset": row[1], "record_id": row[2], "type": row[3]}


def crawl_runs(
    db: sqlite_utils.Database, portal_id: str | None = None, alarms: bool = False, limit: int = 20
) -> list[dict[str, Any]]:
    """The newest crawl runs, newest first: of one portal, or only those whose canary fired."""
    where, params = [], []
    if portal_id:
        where.append("portal_id = ?")
        params.append(portal_id)
    if alarms:
        where.append("alarm IS NOT NULL")
    sql = "SELECT * FROM crawl_runs" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id DESC LIMIT ?"
    return list(db.query(sql, [*params, limit]))


def archived_portal(db: sqlite_utils.Database, portal_id: str) -> dict[str, Any] | None:
    """The archive's own row for a portal (its ``portals`` table), for one the registry does not name: the demo's,
    one crawled by ``--url``, one whose entry was removed since."""
    rows = list(db.query("SELECT * FROM portals WHERE id = ?", [portal_id]))
    return rows[0] if rows else None


def run_status(db: sqlite_utils.Database, run_id: int) -> str | None:
    """A crawl run's status (``finished``, ``interrupted``...), None for a run the archive does not hold."""
    row = db.execute("SELECT status FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    return row[0] if row else None


def first_failure(db: sqlite_utils.Database, run_id: int) -> str | None:
    """The reason of a run's first fetch failure: why a crawl that fetched nothing fetched nothing."""
    row = db.execute("SELECT error FROM fetch_failures WHERE run_id = ? ORDER BY id LIMIT 1", [run_id]).fetchone()
    return row[0] if row else None


def latest_runs(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
    """Each portal's latest run, whatever its status: ``(portal_id, started_at, run id)``."""
    return [
        tuple(row) for row in db.execute("SELECT portal_id, MAX(started_at), id FROM crawl_runs GROUP BY portal_id")
    ]


def run_failures(db: sqlite_utils.Database, run_id: int) -> list[dict[str, Any]]:
    """What one run could not archive: ``kind``, ``url`` and ``error`` of its fetch failures."""
    return list(db.query("SELECT kind, url, error FROM fetch_failures WHERE run_id = ?", [run_id]))


#: The example ``govscraper demo`` prints and runs: a researcher can paste it into ``sqlite3``.
EXAMPLE_QUERY = (
    "SELECT substr(published_at, 1, 10) AS day, title FROM articles "
    "WHERE portal_id = 'demo-moduc' AND body LIKE '%nông thôn mới%' ORDER BY published_at DESC LIMIT 5"
)


def example_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The rows of :data:`EXAMPLE_QUERY`."""
    return list(db.query(EXAMPLE_QUERY))


def warc_path(db_path: Path, stored: str) -> Path:
    """A WARC file named in the archive (relative to the archive's folder, or absolute)."""
    return (Path(db_path).resolve().parent / stored) if not Path(stored).is_absolute() else Path(stored)


def capture_bytes(db: sqlite_utils.Database, db_path: Path, capture_id: int) -> bytes:
    """The page as captured: the payload of the capture's response record (a revisit's points to its original)."""
    row = db.execute(
        "SELECT warc_type, payload_capture_id, warc_file, offset, refers_to_record_id FROM captures WHERE id = ?",
        [capture_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"no capture {capture_id} in the archive")
    warc_type, payload_capture_id, warc_file, offset, refers_to = row
    if warc_type == "revisit":
        if payload_capture_id is None:
            raise NotFound(f"capture {capture_id} revisits {refers_to}, which this archive does not hold")
        return capture_bytes(db, db_path, payload_capture_id)
    path = warc_path(db_path, warc_file)
    if not path.exists():
        raise NotFound(f"the WARC file {path} is missing")
    _, payload = record_payload(path, offset)
    return payload
