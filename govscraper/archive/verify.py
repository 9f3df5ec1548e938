"""``govscraper verify``: is every stored byte still what was archived?

Recomputes the sha256 of every image and attachment blob, runs SQLite's ``PRAGMA integrity_check`` and FTS5's
check of the search index, and reads back
every WARC record the archive points to (from articles, their versions, images and attachments), checking its
record id and its payload digest. An archive is trusted when this passes; when it does not, the report says which
blob or record, so that it can be fetched again or restored from a copy.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from warcio.archiveiterator import ArchiveIterator

from govscraper.archive.fulltext import FTS_TABLE
from govscraper.archive.lookup import warc_path
from govscraper.archive.ranking_index import state
from govscraper.archive.schema import open_reader
from govscraper.archive.warc import payload_digest


@dataclass
class Problem:
    kind: str  # database | search index | blob | warc
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


@dataclass
class Report:
    integrity: list[str] = field(default_factory=list)
    blobs: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: The ranking index beside the archive: "in step", or why search ranks without it (not a problem: it is derived
    #: from the archive, and a writer's next sync or ``govscraper reindex`` rebuilds it).
    ranking: str = "in step"

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return (
            f"integrity_check: {'ok' if self.integrity == ['ok'] else 'FAILED'}; search index: "
            f"{'FAILED' if any(p.kind == 'search index' for p in self.problems) else 'ok'}; ranking index: "
            f"{self.ranking}; {self.blobs} blobs and {self.records} WARC records checked: {state}"
        )


#: The shadow tables in which FTS5 keeps an index (https://sqlite.org/fts5.html, "Shadow table names").
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def fts5_integrity_check(conn: sqlite3.Connection, table: str = FTS_TABLE) -> None:
    """FTS5's own consistency check of ``table``, without writing to the archive; raises sqlite3.DatabaseError.

    FTS5 runs its check as an ``INSERT`` command, which a read-only archive refuses. So the index is copied, shadow
    table by shadow table, into an identical FTS5 table in this connection's temporary schema (SQLite's temporary
    storage, never the archive's folder), and the check runs there: the same bytes, checked by the same code.
    """
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    if found is None:
        raise sqlite3.DatabaseError(f"no table {table}")
    copy = "govscraper_verify_fts"
    definition = re.sub(
        rf"^CREATE VIRTUAL TABLE\s+(?:IF NOT EXISTS\s+)?[\"'`\[]?{table}[\"'`\]]?",
        f"CREATE VIRTUAL TABLE temp.{copy}",
        found[0],
        flags=re.IGNORECASE,
    )
    conn.execute(f"DROP TABLE IF EXISTS temp.{copy}")
    conn.execute(definition)
    try:
        for shadow in FTS5_SHADOWS:
            conn.execute(f"DELETE FROM temp.{copy}_{shadow}")
            conn.execute(f"INSERT INTO temp.{copy}_{shadow} SELECT * FROM main.{table}_{shadow}")
        conn.execute(f"INSERT INTO temp.{copy} ({copy}) VALUES ('integrity-check')")
    finally:
        conn.execute(f"DROP TABLE IF EXISTS temp.{copy}")


def check_search_index(conn: sqlite3.Connection) -> list[Problem]:
    """FTS5's own consistency check, and one index row for every article and none for a missing one."""
    problems = []
    try:
        fts5_integrity_check(conn)
    except sqlite3.DatabaseError as exc:
        problems.append(Problem("search index", "articles_fts", f"integrity-check: {exc}"))
    unindexed = conn.execute("SELECT count(*) FROM articles WHERE id NOT IN (SELECT rowid FROM articles_fts)")
    orphans = conn.execute("SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)")
    for number, what in ((unindexed.fetchone()[0], "articles missing from"), (orphans.fetchone()[0], "rows without")):
        if number:
            problems.append(Problem("search index", "articles_fts", f"{number} {what} the index (govscraper reindex)"))
    return problems


class ProgressReport(Protocol):
    """What verify reports its progress to (``govscraper.progress.ProgressLine`` on the command line)."""

    def show(self, text: str, force: bool = False) -> None: ...

    def done(self, text: str) -> None: ...


def verify_archive(db_path: Path, progress: ProgressReport | None = None) -> Report:
    report = Report()

    def tick() -> None:
        if progress is not None:
            progress.show(
                f"{report.blobs} blobs, {report.records} WARC records checked, {len(report.problems)} problems"
            )

    db = open_reader(db_path)
    try:
        report.integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if report.integrity != ["ok"]:
            report.problems += [Problem("database", str(db_path), line) for line in report.integrity]
        report.problems += check_search_index(db.conn)
        ranking = state(db.conn, Path(db_path))
        if not ranking.in_step:
            report.ranking = f"not used ({ranking.reason()}; govscraper reindex rebuilds it)"
        for table in ("images", "attachments"):
            for sha, data in db.execute(f"SELECT sha256, bytes FROM {table}"):
                report.blobs += 1
                tick()
                actual = hashlib.sha256(data or b"").hexdigest()
                if actual != sha:
                    report.problems.append(Problem("blob", f"{table} {sha}", f"bytes now hash to {actual}"))
        captures = db.execute(
            """
            WITH referenced(id) AS (
                SELECT capture_id FROM articles UNION SELECT capture_id FROM article_versions
                UNION SELECT capture_id FROM images UNION SELECT capture_id FROM attachments
            )
            SELECT c.id, c.warc_file, c.offset, c.record_id, c.payload_digest, c.warc_type FROM captures c
            WHERE c.id IN (SELECT id FROM referenced)
               OR c.id IN (SELECT payload_capture_id FROM captures WHERE id IN (SELECT id FROM referenced))
            ORDER BY c.warc_file, c.offset
            """
        ).fetchall()
    finally:
        db.conn.close()
    by_file: dict[str, list[tuple]] = defaultdict(list)
    for capture in captures:
        by_file[capture[1]].append(capture)
    for stored, rows in by_file.items():
        _check_file(warc_path(db_path, stored), rows, report, tick)
    if progress is not None:
        progress.done(f"{report.blobs} blobs, {report.records} WARC records checked, {len(report.problems)} problems")
    return report


def _check_file(path: Path, rows: list[tuple], report: Report, tick=lambda: None) -> None:
    if not path.exists():
        for capture_id, *_ in rows:
            report.problems.append(Problem("warc", f"capture {capture_id}", f"file {path} is missing"))
        return
    with path.open("rb") as stream:
        for capture_id, _, offset, record_id, digest, warc_type in rows:
            report.records += 1
            tick()
            where = f"{path.name}@{offset} (capture {capture_id})"
            try:
                stream.seek(offset)
                record = next(iter(ArchiveIterator(stream)))
                found_id = record.rec_headers.get_header("WARC-Record-ID")
                declared = record.rec_headers.get_header("WARC-Payload-Digest")
                payload = record.raw_stream.read()
            except Exception as exc:  # a damaged file fails in gzip, in WARC parsing or in HTTP parsing
                report.problems.append(Problem("warc", where, f"unreadable record: {type(exc).__name__}: {exc}"))
                continue
            if found_id != record_id:
                report.problems.append(Problem("warc", where, f"record id {found_id} instead of {record_id}"))
            elif declared != digest:
                report.problems.append(Problem("warc", where, f"payload digest {declared} instead of {digest}"))
            elif warc_type == "response" and payload_digest(payload) != digest:
                report.problems.append(Problem("warc", where, "payload bytes do not match their digest"))
