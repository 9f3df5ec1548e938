"""Writes to the archive: runs, articles with their images and attachments, blobs, failures.

One :class:`Archive` per crawl, shared by the pipelines and the run extension through :func:`archive_for`, so a
crawl holds a single SQLite connection (all Scrapy components run in the reactor thread). Each article is stored
in one transaction with its image and attachment links and its full-text index row, so a reader never sees half an
article.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from govscraper.archive.edits import describe_edit
from govscraper.archive.fulltext import index_article
from govscraper.archive.presence import Presence, Verdict, observe, parse_moment
from govscraper.archive.ranking_index import mark_changed, sync_quietly
from govscraper.archive.schema import close_db, open_db, utcnow
from govscraper.model import Article
from govscraper.registry import Portal

#: Run statuses that ``crawl --resume`` continues: killed (still ``running``), stopped, or ended at its budget.
RESUMABLE_STATUSES = ("running", "interrupted", "budget reached")


def content_sha256(article: Article) -> str:
    """A fingerprint of what the portal published, to tell an edited article from an unchanged one.

    View counts are left out: they change on every visit without the article changing.
    """
    payload = {
        "title": article.title,
        "sapo": article.sapo,
        "body": article.body,
        "published": article.published,
        "author": article.author,
        "source": article.source,
        "category": article.category,
        "images": [[i.url, i.caption, i.credit] for i in article.images if i.role == "body"],
        "attachments": [[a.url, a.title] for a in article.attachments],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class StoredBlob:
    """What the media pipelines learn about a downloaded file."""

    sha256: str
    mime: str | None
    size: int
    width: int | None = None
    height: int | None = None
    new: bool = False


class Archive:
    """The archive's write side for one crawl."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db: sqlite_utils.Database = open_db(self.path)
        self.run_id: int | None = None
        self.portal_id: str | None = None
        self._known_digests: set[str] | None = None

    # Runs --------------------------------------------------------------------------------------------------

    def register_portal(self, portal: Portal) -> None:
        with self.db.conn:
            self.db["portals"].upsert({**portal.as_row(), "updated_at": utcnow()}, pk="id")

    def start_run(self, portal: Portal, spider: str, settings: dict[str, Any] | None = None, mode: str = "full") -> int:
        self.register_portal(portal)
        with self.db.conn:
            table = self.db["crawl_runs"].insert(
                {
                    "portal_id": portal.id,
                    "spider": spider,
                    "started_at": utcnow(),
                    "status": "running",
                    "mode": mode,
                    "settings": json.dumps(settings or {}, ensure_ascii=False, sort_keys=True, default=str),
                }
            )
        self.run_id = table.last_pk
        self.portal_id = portal.id
        return self.run_id

    def continue_run(self, run_id: int, portal: Portal) -> None:
        """Take up an interrupted run again (``crawl --resume``): same row, counters carry on."""
        self.register_portal(portal)
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE crawl_runs SET status = 'running', finished_at = NULL, finish_reason = NULL, "
                "resumes = COALESCE(resumes, 0) + 1 WHERE id = ?",
                [run_id],
            )
        self.run_id = run_id
        self.portal_id = portal.id

    def interrupt_stale_runs(self, portal_id: str, keep: int | None = None) -> list[int]:
        """Runs of the portal still marked running while no crawl of it runs (its job lock is free): a process
        that was killed. They are marked ``interrupted``; ``crawl --resume`` can continue the last one."""
        stale = [
            row[0]
            for row in self.db.conn.execute(
                "SELECT id FROM crawl_runs WHERE portal_id = ? AND status = 'running' AND id IS NOT ?",
                [portal_id, keep],
            )
        ]
        if stale:
            with self.db.conn:
                self.db.conn.executemany(
                    "UPDATE crawl_runs SET status = 'interrupted', finish_reason = 'killed (the process ended "
                    "without closing the run)' WHERE id = ?",
                    [(run_id,) for run_id in stale],
                )
        return stale

    def drop_dangling_captures(self, run_id: int, db_dir: Path) -> int:
        """Forget captures of an interrupted run whose record is not (wholly) in its WARC file any more.

        A record the OS never wrote (a power cut before the file reached the disk) or that recovery cut off leaves
        a row pointing nowhere; the things extracted from that response stay archived, without a raw capture.
        """
        dangling = []
        sizes: dict[str, int | None] = {}
        for capture_id, stored, offset, length in self.db.conn.execute(
            "SELECT id, warc_file, offset, length FROM captures WHERE run_id = ?", [run_id]
        ):
            if stored not in sizes:
                path = Path(stored) if Path(stored).is_absolute() else db_dir / stored
                sizes[stored] = path.stat().st_size if path.exists() else None
            size = sizes[stored]
            if size is None or offset + length > size:
                dangling.append(capture_id)
        if dangling:
            with self.db.conn:
                for table in ("articles", "article_versions", "images", "attachments"):
                    self.db.conn.executemany(
                        f"UPDATE {table} SET capture_id = NULL WHERE capture_id = ?", [(c,) for c in dangling]
                    )
                self.db.conn.executemany(
                    "UPDATE captures SET payload_capture_id = NULL WHERE payload_capture_id = ?",
                    [(c,) for c in dangling],
                )
                self.db.conn.executemany("DELETE FROM captures WHERE id = ?", [(c,) for c in dangling])
        return len(dangling)

    def has_finished_run(self, portal_id: str) -> bool:
        """Whether the portal was ever crawled to the end: its next crawl can be incremental."""
        return self.last_finished_run(portal_id) is not None

    def last_finished_run(self, portal_id: str) -> str | None:
        """When the portal's last finished crawl started (ISO 8601), or None: incremental crawls stop at it."""
        row = self.db.conn.execute(
            "SELECT max(started_at) FROM crawl_runs WHERE portal_id = ? AND status = 'finished' AND mode != 'check'",
            [portal_id],
        ).fetchone()
        return row[0] if row and row[0] else None

    def article_moments(self, portal_id: str) -> list[tuple[str, str | None, str | None, str | None]]:
        """Every article of the portal as ``(url, origin, origin_date, last_seen_at)``: what a Wayback crawl holds."""
        return list(
            self.db.conn.execute(
                "SELECT url, origin, origin_date, last_seen_at FROM articles WHERE portal_id = ?", [portal_id]
            )
        )

    def known_articles(self, portal_id: str) -> tuple[set[str], set[str]]:
        """The portal's archived articles: platform ids, and every URL they were archived or are canonical under."""
        ids: set[str] = set()
        urls: set[str] = set()
        for source_id, url, canonical in self.db.conn.execute(
            "SELECT source_id, url, canonical_url FROM articles WHERE portal_id = ?", [portal_id]
        ):
            if source_id:
                ids.add(source_id)
            urls.add(url)
            if canonical:
                urls.add(canonical)
        return ids, urls

    # Presence on the portal (govscraper check) ---------------------------------------------------------------

    def articles_to_check(self, portal_id: str, sample: int | None) -> list[tuple[int, str]]:
        """``(id, url)`` of the portal's archived articles to revisit: never checked first, then the longest ago
        checked, at most ``sample`` of them (all without)."""
        return list(
            self.db.conn.execute(
                "SELECT a.id, a.url FROM articles a LEFT JOIN article_presence p ON p.article_id = a.id "
                "WHERE a.portal_id = ? ORDER BY p.checked_at IS NOT NULL, p.checked_at, a.id LIMIT ?",
                [portal_id, sample if sample is not None else -1],
            )
        )

    def article_id_for(self, url: str, portal_id: str, source_id: str | None) -> int | None:
        """The archived article at ``url`` (by the platform's id, its URL or its canonical URL), if any."""
        found = self._existing(url, portal_id, source_id, url)
        return found[0] if found else None

    def record_presence(
        self,
        article_id: int,
        verdict: Verdict,
        status: int | None,
        capture_id: int | None,
        *,
        checks: int,
        days: float,
    ) -> str | None:
        """Apply one revisit's verdict to the article's presence (:func:`govscraper.archive.presence.observe`) and
        record the event it makes, with its evidence; the event's kind, or None. The article is not touched."""
        now = utcnow()
        row = self.db.conn.execute(
            "SELECT state, misses, first_missed_at, checked_at, moved_to FROM article_presence WHERE article_id = ?",
            [article_id],
        ).fetchone()
        before = (
            Presence(row[0], row[1], parse_moment(row[2]), parse_moment(row[3]), row[4]) if row is not None else None
        )
        after, event = observe(before, verdict, datetime.fromisoformat(now), checks=checks, days=days)
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR REPLACE INTO article_presence "
                "(article_id, state, misses, first_missed_at, checked_at, moved_to) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    article_id,
                    after.state,
                    after.misses,
                    after.first_missed_at.isoformat() if after.first_missed_at else None,
                    now,
                    after.moved_to,
                ],
            )
            if event is not None:
                self._insert(
                    "article_events",
                    {
                        "article_id": article_id,
                        "portal_id": self.portal_id,
                        "kind": event,
                        "at": now,
                        "run_id": self.run_id,
                        "status": status,
                        "final_url": verdict.location,
                        "capture_id": capture_id,
                        "evidence": verdict.reason,
                    },
                )
        return event

    def record_outage(self, reason: str) -> None:
        """This run could not reach the portal: open an outage dated now, or extend the open one (one row per
        outage, however many runs find the portal down)."""
        now = utcnow()
        with self.db.conn:
            updated = self.db.conn.execute(
                "UPDATE portal_outages SET last_seen_at = ?, runs = runs + 1 WHERE portal_id = ? AND ended_at IS NULL",
                [now, self.portal_id],
            ).rowcount
            if not updated:
                self._insert(
                    "portal_outages",
                    {
                        "portal_id": self.portal_id,
                        "first_seen_at": now,
                        "last_seen_at": now,
                        "runs": 1,
                        "reason": reason,
                    },
                )

    def end_outage(self) -> None:
        """This run reached the portal: an open outage ends now."""
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE portal_outages SET ended_at = ? WHERE portal_id = ? AND ended_at IS NULL",
                [utcnow(), self.portal_id],
            )

    def mark_unchanged(self, url: str) -> bool:
        """An archived article answered 304: seen now, unchanged (``--full`` crawls of unchanged portals).

        Its ``capture_id`` keeps pointing at the capture that holds the page's bytes; the 304's own capture (headers,
        no body) is in ``captures`` and the WARC file all the same.
        """
        now = utcnow()
        with self.db.conn:
            cursor = self.db.conn.execute(
                "UPDATE articles SET last_seen_at = ?, run_id = ? WHERE url = ? OR canonical_url = ?",
                [now, self.run_id, url, url],
            )
            if cursor.rowcount:
                self._bump({"articles_unchanged": 1})
        return cursor.rowcount > 0

    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        """URL → (ETag, Last-Modified) the portal sent with each page last time."""
        return {
            url: (etag, last_modified)
            for url, etag, last_modified in self.db.conn.execute(
                "SELECT url, etag, last_modified FROM http_validators WHERE portal_id = ?", [self.portal_id]
            )
        }

    def store_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        # Rides with the next transaction, like captures: one small row per page, no commit of its own.
        self.db.conn.execute(
            "INSERT INTO http_validators (url, etag, last_modified, seen_at, portal_id) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "seen_at = excluded.seen_at",
            [url, etag, last_modified, utcnow(), self.portal_id],
        )

    def finish_run(self, status: str, reason: str | None, counts: dict[str, Any], alarm: str | None = None) -> None:
        """Close the run: counts are added to what the row holds (a resumed run carries on from its first part)."""
        if self.run_id is None:
            return
        additions = ", ".join(f"[{name}] = COALESCE([{name}], 0) + :{name}" for name in counts)
        with self.db.conn:
            self.db.conn.execute(
                f"UPDATE crawl_runs SET finished_at = :finished_at, status = :status, finish_reason = :reason, "
                f"alarm = :alarm, alarm_reason = :alarm_reason, {additions} WHERE id = :id",
                {
                    **counts,
                    "finished_at": utcnow(),
                    "status": status,
                    "reason": reason,
                    "alarm": "layout-changed?" if alarm else None,
                    "alarm_reason": alarm,
                    "id": self.run_id,
                },
            )

    def record_statuses(self, counts: dict[str, int]) -> None:
        """The run's answers by HTTP status, added to what the row holds (a resumed run carries on)."""
        if self.run_id is None:
            return
        with self.db.conn:
            row = self.db.conn.execute("SELECT status_counts FROM crawl_runs WHERE id = ?", [self.run_id]).fetchone()
            merged = json.loads(row[0]) if row and row[0] else {}
            for status, n in counts.items():
                merged[status] = merged.get(status, 0) + int(n)
            self.db.conn.execute(
                "UPDATE crawl_runs SET status_counts = ? WHERE id = ?",
                [json.dumps(merged, sort_keys=True), self.run_id],
            )

    def resumable(self, run_id: int, portal_id: str) -> bool:
        """A run of this portal that did not finish: killed, stopped, or ended at its budget."""
        row = self.db.conn.execute(
            "SELECT status FROM crawl_runs WHERE id = ? AND portal_id = ?", [run_id, portal_id]
        ).fetchone()
        return row is not None and row[0] in RESUMABLE_STATUSES

    def capture_for_record(self, record_id: str) -> int | None:
        """The capture already stored for a WARC record id (an import run again, a record two runs share)."""
        found = self.db.conn.execute("SELECT id FROM captures WHERE record_id = ?", [record_id]).fetchone()
        return found[0] if found else None

    def has_attachment(self, sha256: str) -> bool:
        """Whether these bytes are already an attachment (its text read once, by the first copy)."""
        return self.db.execute("SELECT 1 FROM attachments WHERE sha256 = ?", [sha256]).fetchone() is not None

    def bump(self, **counts: int) -> None:
        """Add to the current run's counters (articles_new, images_new, failures, ...)."""
        with self.db.conn:
            self._bump(counts)

    def _bump(self, counts: dict[str, int]) -> None:
        """The counter update, inside the caller's transaction, so a row and its count commit together."""
        if self.run_id is None or not counts:
            return
        assignments = ", ".join(f"[{name}] = [{name}] + :{name}" for name in counts)
        self.db.conn.execute(f"UPDATE crawl_runs SET {assignments} WHERE id = :id", {**counts, "id": self.run_id})

    def _insert(self, table: str, row: dict[str, Any], verb: str = "INSERT") -> sqlite3.Cursor:
        """A plain INSERT on the hot path (sqlite-utils' insert introspects the table on every call)."""
        sql = f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in row)}) VALUES ({', '.join('?' * len(row))})"
        return self.db.conn.execute(sql, list(row.values()))

    def record_failure(
        self, url: str, kind: str, error: str, status: int | None = None, referer: str | None = None
    ) -> None:
        """Keep a one-line reason for something the crawl could not archive; the crawl goes on."""
        with self.db.conn:
            self._insert(
                "fetch_failures",
                {
                    "run_id": self.run_id,
                    "portal_id": self.portal_id,
                    "url": url,
                    "kind": kind,
                    "status": status,
                    "error": error.splitlines()[0][:500] if error else "unknown error",
                    "referer": referer,
                    "failed_at": utcnow(),
                },
            )
            self._bump({"failures": 1, **({"articles_failed": 1} if kind == "article" else {})})

    def record_list_count(self, key: str, url: str, total: int | None, last_page: int | None, per_page: int) -> None:
        """Keep what a list's first page announces (the latest seen, one row a list)."""
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO list_counts (portal_id, list_key, url, total, last_page, per_page, run_id, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (portal_id, list_key) DO UPDATE SET url = excluded.url, "
                "total = excluded.total, last_page = excluded.last_page, per_page = excluded.per_page, "
                "run_id = excluded.run_id, seen_at = excluded.seen_at",
                [self.portal_id, key, url, total, last_page, per_page, self.run_id, utcnow()],
            )

    # Captures ----------------------------------------------------------------------------------------------

    def store_capture(self, capture: Any, warc_file: str) -> int:
        """Record where a raw capture lies (``warc_file`` as stored: relative to the archive's folder).

        Not committed on its own: the row rides with the next transaction (the article or blob stored from this
        response, a failure, the run's end), which keeps a commit per response off the crawl's reactor thread. A
        crash before then loses the row, not the record, which is in its WARC file.
        """
        payload_capture_id = None
        if capture.refers_to_record_id:
            found = self.db.conn.execute(
                "SELECT COALESCE(payload_capture_id, id) FROM captures WHERE record_id = ?",
                [capture.refers_to_record_id],
            ).fetchone()
            payload_capture_id = found[0] if found else None
        row = {
            "run_id": self.run_id,
            "portal_id": self.portal_id,
            "url": capture.url,
            "warc_type": capture.warc_type,
            "warc_file": warc_file,
            "offset": capture.offset,
            "length": capture.length,
            "record_id": capture.record_id,
            "request_offset": capture.request_offset,
            "request_length": capture.request_length,
            "request_record_id": capture.request_record_id,
            "warc_date": capture.warc_date,
            "status": capture.status,
            "mime": capture.mime,
            "payload_digest": capture.payload_digest,
            "payload_length": capture.payload_length,
            "refers_to_record_id": capture.refers_to_record_id,
            "payload_capture_id": payload_capture_id,
        }
        return self._insert("captures", row).lastrowid

    def set_run_warc_files(self, files: list[str]) -> None:
        if self.run_id is not None:
            with self.db.conn:
                self.db.conn.execute(
                    "UPDATE crawl_runs SET warc_files = ? WHERE id = ?", [json.dumps(files), self.run_id]
                )

    def payload_seen(self, digest: str) -> tuple[str, str, str] | None:
        """``(url, WARC-Date, record id)`` of an archived response record with this payload digest, if any.

        The portal's earlier payload digests are loaded once per run into memory, so that the first crawl of a
        portal (every payload new) does not query the database for each response.
        """
        if self._known_digests is None:
            self._known_digests = {
                row[0]
                for row in self.db.conn.execute(
                    "SELECT payload_digest FROM captures WHERE portal_id = ? AND warc_type = 'response'",
                    [self.portal_id],
                )
            }
        if digest not in self._known_digests:
            return None
        return self.db.conn.execute(
            "SELECT url, warc_date, record_id FROM captures WHERE payload_digest = ? AND warc_type = 'response' "
            "ORDER BY id LIMIT 1",
            [digest],
        ).fetchone()

    # Blobs -------------------------------------------------------------------------------------------------

    def known_blob_for_url(self, url: str, kind: str) -> StoredBlob | None:
        """The blob an earlier crawl archived from this URL, so it is not downloaded again."""
        link_table, key = (
            ("article_images", "image_sha256") if kind == "image" else ("article_attachments", "attachment_sha256")
        )
        blob_table = "images" if kind == "image" else "attachments"
        extra = ", b.width, b.height" if kind == "image" else ", NULL, NULL"
        row = self.db.execute(
            f"SELECT b.sha256, b.mime, b.size{extra} FROM {link_table} l JOIN {blob_table} b "
            f"ON b.sha256 = l.{key} WHERE l.source_url = ? LIMIT 1",
            [url],
        ).fetchone()
        if row is None:
            row = self.db.execute(
                f"SELECT sha256, mime, size{extra.replace('b.', '')} FROM {blob_table} WHERE first_url = ? LIMIT 1",
                [url],
            ).fetchone()
        return StoredBlob(*row) if row else None

    def store_blob(
        self, kind: str, data: bytes, *, mime: str | None, url: str, capture_id: int | None = None, **details: Any
    ) -> StoredBlob:
        """Store bytes once, keyed by their sha256; a second copy from any URL or article is not stored again.

        ``details`` are the kind's own columns: ``width``/``height`` for images; for attachments ``filename`` (made
        safe, :func:`.sniff.safe_filename`), ``filename_raw`` (as the server sent it; migration 0008) and
        the extracted ``text``/``text_method``/``text_error``.
        """
        sha = hashlib.sha256(data).hexdigest()
        row: dict[str, Any] = {
            "sha256": sha,
            "bytes": data,
            "mime": mime,
            "size": len(data),
            "first_url": url,
            "fetched_at": utcnow(),
            "capture_id": capture_id,
            **details,
        }
        table = "images" if kind == "image" else "attachments"
        with self.db.conn:
            new = self._insert(table, row, "INSERT OR IGNORE").rowcount == 1
            if new:
                self._bump({"images_new" if kind == "image" else "attachments_new": 1})
        return StoredBlob(sha, mime, len(data), details.get("width"), details.get("height"), new)

    # Articles ----------------------------------------------------------------------------------------------

    def _existing(self, url: str, portal_id: str, source_id: str | None, canonical: str | None) -> tuple | None:
        """``(id, content_sha256)`` of this article's row: by URL, else by the platform's id, else canonical URL."""
        lookups: list[tuple[str, list[Any]]] = [("url = ?", [url])]
        if source_id:
            lookups.append(("portal_id = ? AND source_id = ?", [portal_id, source_id]))
        if canonical:
            lookups.append(("canonical_url = ?", [canonical]))
        for where, params in lookups:
            row = self.db.conn.execute(f"SELECT id, content_sha256 FROM articles WHERE {where} LIMIT 1", params)
            found = row.fetchone()
            if found:
                return found
        return None

    def store_article(self, item: Any) -> str:
        """Insert or update one article with its image and attachment links; returns new/updated/unchanged."""
        digest = content_sha256(item)
        now = utcnow()
        row = {
            "url": item.url,
            "canonical_url": item.canonical_url or item.url,
            "portal_id": item.portal_id,
            "source_id": item.source_id,
            "platform": item.platform,
            "title": item.title,
            "sapo": item.sapo,
            "body": item.body,
            "body_html": item.body_html,
            "published_at": item.published,
            "author": item.author,
            "source": item.source,
            "category": item.category,
            "views": item.views,
            "summary": item.summary,
            "thumbnail_url": item.thumbnail_url,
            "content_sha256": digest,
            "origin": getattr(item, "origin", None) or "live",
            "origin_url": getattr(item, "origin_url", None),
            "origin_date": getattr(item, "origin_date", None),
            "last_seen_at": now,
            "run_id": self.run_id,
        }
        if getattr(item, "capture_id", None) is not None:
            row["capture_id"] = item.capture_id  # a crawl without WARC keeps pointing at the last capture
        with self.db.conn:
            existing = self._existing(item.url, item.portal_id, item.source_id, item.canonical_url)
            if existing is None:
                row.update(first_seen_at=now, first_run_id=self.run_id)
                article_id = self._insert("articles", row).lastrowid
                outcome = "new"
            else:
                article_id = existing[0]
                row.pop("url")  # the row keeps the URL it was first archived under
                outcome = "unchanged" if existing[1] == digest else "updated"
                kept = self._keep_version(article_id, now) if outcome == "updated" else None
                assignments = ", ".join(f"[{column}] = ?" for column in row)
                self.db.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), article_id])
            self._link_media(article_id, item)
            if outcome == "updated" and kept is not None:
                self._record_edit(article_id, kept, row, now, getattr(item, "capture_id", None))
            if outcome != "unchanged":
                index_article(self.db.conn, article_id)  # same transaction: never an article without its index row
                mark_changed(self.db.conn, article_id)  # the ranking index catches up when the archive closes
            self._bump({f"articles_{outcome}": 1})
        return outcome

    _VERSION_COLUMNS = (
        "url", "canonical_url", "source_id", "title", "sapo", "body", "body_html", "published_at", "author", "source",
        "category", "views", "summary", "thumbnail_url", "content_sha256", "capture_id", "run_id", "origin",
        "origin_url", "origin_date",
    )  # fmt: skip

    def _media(self, article_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The article's photos and attachments as linked now, in order (as a version keeps them)."""
        conn = self.db.conn
        images = [
            dict(zip(("url", "caption", "credit", "role", "sha256"), r, strict=True))
            for r in conn.execute(
                "SELECT source_url, caption, credit, role, image_sha256 FROM article_images WHERE article_id = ? "
                "ORDER BY position",
                [article_id],
            )
        ]
        attachments = [
            dict(zip(("url", "title", "sha256"), r, strict=True))
            for r in conn.execute(
                "SELECT source_url, title, attachment_sha256 FROM article_attachments WHERE article_id = ? "
                "ORDER BY position",
                [article_id],
            )
        ]
        return images, attachments

    def _record_edit(
        self, article_id: int, kept: dict[str, Any], now_row: dict[str, Any], at: str, capture_id: int | None
    ) -> None:
        """An ``edited`` event saying what changed between the version just kept and the article as stored now
        (:func:`govscraper.archive.edits.describe_edit`); none when nothing a reader would call a change did."""
        images, attachments = self._media(article_id)
        edit = describe_edit(
            kept, now_row, json.loads(kept["images"]), images, json.loads(kept["attachments"]), attachments
        )
        if not edit:
            return
        self._insert(
            "article_events",
            {
                "article_id": article_id,
                "portal_id": self.portal_id or now_row.get("portal_id"),
                "kind": "edited",
                "at": at,
                "run_id": self.run_id,
                "status": None,
                "final_url": None,
                "capture_id": capture_id,
                "evidence": edit.summary(),
                "details": json.dumps({"version": kept["version"], **edit.as_dict()}, ensure_ascii=False),
            },
        )

    def _keep_version(self, article_id: int, superseded_at: str) -> dict[str, Any]:
        """Copy the article as it stands (fields and media links) into ``article_versions`` before it is replaced;
        the row kept."""
        conn = self.db.conn
        columns = ", ".join(self._VERSION_COLUMNS)
        current = conn.execute(
            f"SELECT {columns}, COALESCE((SELECT warc_date FROM captures WHERE id = articles.capture_id), last_seen_at)"
            " FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        images, attachments = self._media(article_id)
        version = conn.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?", [article_id]
        ).fetchone()[0]
        row = dict(zip(self._VERSION_COLUMNS, current[:-1], strict=True))
        row.update(
            article_id=article_id,
            version=version,
            captured_at=current[-1],
            images=json.dumps(images, ensure_ascii=False),
            attachments=json.dumps(attachments, ensure_ascii=False),
            superseded_at=superseded_at,
            superseded_by_run_id=self.run_id,
        )
        self._insert("article_versions", row)
        return row

    def _link_media(self, article_id: int, item: Any) -> None:
        """Replace the article's image and attachment links; blobs themselves are never duplicated."""
        conn = self.db.conn
        conn.execute("DELETE FROM article_images WHERE article_id = ?", [article_id])
        conn.execute("DELETE FROM article_attachments WHERE article_id = ?", [article_id])
        conn.executemany(
            "INSERT INTO article_images (article_id, position, image_sha256, role, caption, credit, alt, source_url) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    position,
                    item.media.get(image.url),
                    image.role,
                    image.caption,
                    image.credit,
                    image.alt,
                    image.url,
                )
                for position, image in enumerate(item.images)
            ],
        )
        conn.executemany(
            "INSERT INTO article_attachments (article_id, position, attachment_sha256, title, source_url) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (article_id, position, item.media.get(attachment.url), attachment.title, attachment.url)
                for position, attachment in enumerate(item.attachments)
            ],
        )

    def close(self) -> None:
        self.db.conn.commit()  # captures planned since the last transaction
        sync_quietly(self.db.conn, self.path)
        close_db(self.db)


_ARCHIVES: weakref.WeakKeyDictionary[Any, Archive] = weakref.WeakKeyDictionary()


def record_import(
    conn: sqlite3.Connection, run_ids: list[int], copies: list[str], files: list[dict[str, Any]], failures: list[Any]
) -> None:
    """An import's runs name their WARC files (``warc_files``: the copies; ``settings.warc_import``: the originals),
    and each record the import skipped becomes an ``import_failures`` row, in one transaction."""
    with conn:
        for run_id in run_ids:
            conn.execute(
                "UPDATE crawl_runs SET warc_files = ?, "
                "settings = json_set(COALESCE(settings, '{}'), '$.warc_import', json(?)) WHERE id = ?",
                [json.dumps(copies), json.dumps(files, ensure_ascii=False), run_id],
            )
        record_import_failures(conn, failures, utcnow())


def record_import_failures(conn: sqlite3.Connection, failures: list[Any], imported_at: str) -> int:
    """Write each skipped WARC record (``govscraper.sources.warc_index.ImportFailure``) as an ``import_failures`` row,
    once: a file imported again (same sha256) adds no row for a failure at the same offset with the same error.
    Returns the rows added."""
    added = 0
    for failure in failures:
        cursor = conn.execute(
            'INSERT INTO import_failures (warc_file, warc_sha256, "offset", record_id, url, error, imported_at) '
            "SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM import_failures "
            'WHERE warc_sha256 = ? AND "offset" = ? AND error = ?)',
            [
                failure.file,
                failure.sha256,
                failure.offset,
                failure.record_id,
                failure.url,
                failure.error,
                imported_at,
                failure.sha256,
                failure.offset,
                failure.error,
            ],
        )
        added += cursor.rowcount
    return added


def archive_for(crawler: Any) -> Archive:
    """The crawl's single :class:`Archive`, opened at the ``GOVSCRAPER_DB`` setting on first use."""
    archive = _ARCHIVES.get(crawler)
    if archive is None:
        archive = Archive(crawler.settings.get("GOVSCRAPER_DB") or "data/archive.db")
        _ARCHIVES[crawler] = archive
    return archive
