"""Kill a process at chosen SQL statements while it creates or upgrades an archive, then open what it left.

Run by ``tests/e2e/test_archive_crash.py`` as its own process (``python -m tests.helpers.crash_driver``), because it
forks: a forked child opens the archive with :func:`archive.schema.open_db` and kills itself with SIGKILL when SQLite is
about to run its N-th statement (the connection's trace callback counts them). The parent then opens the archive
as the next user would and checks it: it opens, it has every migration and the full schema (the same ``sqlite_master``
as an archive created without interruption), its data are intact, SQLite's and FTS5's integrity checks pass.
Forking from this small single-threaded process, not from pytest (which may run server threads), keeps the children
safe. Prints one JSON object: the statements counted, the kill points tried, and the problems found.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

import sqlite_utils

from govscraper.archive import schema
from govscraper.archive.fulltext import index_article


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(row) for row in conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]
    finally:
        conn.close()


#: Statements that open, close or change a transaction or the journal: a kill right before or after each is tried.
BOUNDARIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def counting_connect(kill_at: int | None, statements: list[str]):
    """``sqlite3.connect`` whose connections log statements and SIGKILL the process at statement ``kill_at``."""
    real_connect = sqlite3.connect

    def trace(statement: str) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "")
        if kill_at is not None and len(statements) >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    return connect


def open_in_child(path: Path, kill_at: int | None) -> list[str] | None:
    """Fork; the child opens the archive (killed at statement ``kill_at``); returns the first word of each statement
    it ran, or None when it was killed where asked."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        statements: list[str] = []
        schema.sqlite3.connect = counting_connect(kill_at, statements)
        try:
            schema.close_db(schema.open_db(path))
            os.write(write, json.dumps(statements).encode())
            os._exit(0)
        except BaseException as exc:  # reported to the parent, which fails the test
            os.write(write, f"error {type(exc).__name__}: {exc}".encode())
            os._exit(1)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    message = b""
    while chunk := os.read(read, 4096):
        message += chunk
    os.close(read)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return None  # killed where we asked
    if os.WEXITSTATUS(status) != 0:
        raise RuntimeError(f"the child failed: {message.decode(errors='replace')}")
    return json.loads(message)


def make_old_archive(path: Path, level: int) -> dict[str, int]:
    """An archive as a govscraper of ``level`` migrations left it, with some data; returns row counts to keep."""
    old = sqlite_utils.Database(path)
    old.execute("PRAGMA journal_mode=WAL")
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, step in schema.MIGRATIONS[:level]:
        with old.atomic():
            step(old)
            old["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    with old.atomic():
        old["portals"].insert({"id": "qni-test", "name": "Cổng thử", "base_url": "http://x/", "platform": "generic"})
        old["crawl_runs"].insert({"id": 1, "portal_id": "qni-test", "started_at": "2026-01-01", "status": "finished"})
        for number in range(1, 41):
            old["articles"].insert(
                {
                    "id": number,
                    "url": f"http://x/tin/{number}.html",
                    "portal_id": "qni-test",
                    "title": f"Hội nghị tổng kết số {number} ở Mộ Đức",
                    "body": "Sáng ngày 07/01, UBND huyện tổ chức hội nghị.\n\nHội nghị kết thúc./.",
                    "content_sha256": f"{number:064x}",
                    "first_seen_at": "2026-01-01",
                    "last_seen_at": "2026-01-01",
                    "run_id": 1,
                }
            )
            if "articles_fts" in old.table_names():  # the search index exists: govscraper indexed as it stored
                index_article(old.conn, number)
    old.conn.close()
    return {"portals": 1, "crawl_runs": 1, "articles": 40}


def check(path: Path, reference: list, rows: dict[str, int]) -> list[str]:
    """What is wrong with the archive a killed process left, once the next process has opened it."""
    try:
        db = schema.open_db(path)
    except schema.ArchiveError as exc:
        return [f"does not open: {exc}"]
    problems = []
    try:
        names = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
        if names != [name for name, _ in schema.MIGRATIONS]:
            problems.append(f"migrations recorded: {names}")
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        try:
            db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"search index: {exc}")
        for table, expected in rows.items():
            found = db[table].count
            if found != expected:
                problems.append(f"{table}: {found} rows instead of {expected}")
        if rows.get("articles"):
            indexed = db.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
            if indexed != rows["articles"]:
                problems.append(f"search index: {indexed} rows for {rows['articles']} articles")
    finally:
        schema.close_db(db)
    found_schema = schema_of(path)
    if found_schema != reference:
        missing = sorted({row[1] for row in reference} - {row[1] for row in found_schema})
        extra = sorted({row[1] for row in found_schema} - {row[1] for row in reference})
        changed = sorted(a[1] for a, b in zip(reference, found_schema, strict=False) if a != b)
        problems.append(f"schema differs: missing {missing}, extra {extra}, changed {changed[:5]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upgrade-from", type=int, default=0, help="Start from an archive of this many migrations.")
    parser.add_argument("--stride", type=int, default=1, help="Kill at every Nth statement (1: at every one).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govscraper-crash-"))
    try:
        reference_path = work / "reference.db"
        schema.close_db(schema.open_db(reference_path))
        reference = schema_of(reference_path)

        def fresh(name: str) -> tuple[Path, dict[str, int]]:
            path = work / name / "archive.db"
            path.parent.mkdir()
            rows = make_old_archive(path, args.upgrade_from) if args.upgrade_from else {}
            return path, rows

        statements = open_in_child(fresh("uninterrupted")[0], None) or []
        total = len(statements)
        edges = {n + shift for n, word in enumerate(statements, 1) if word in BOUNDARIES for shift in (0, 1)}
        points = sorted((set(range(1, total + 1, args.stride)) | edges | {total}) & set(range(1, total + 1)))
        problems: dict[int, list[str]] = {}
        killed = 0
        for point in points:
            path, rows = fresh(f"kill-{point}")
            if open_in_child(path, point) is None:
                killed += 1
            found = check(path, reference, rows)
            if found:
                problems[point] = found
            shutil.rmtree(path.parent)
        json.dump({"statements": total, "points": len(points), "killed": killed, "problems": problems}, sys.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
