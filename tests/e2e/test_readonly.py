"""Read-only archives: every reading command works on an archive whose folder cannot be written, and changes nothing.

A researcher gets the archive on a shared drive, a DVD or as a copy: the reading commands (search, show, history,
stats, runs, coverage, changes, export, verify, serve) must open it read-only, never migrate it, never switch its
journal mode and never create a lock, WAL or SHM file. Here a crawled archive is copied into a folder whose
permissions forbid writing, and each command runs in a process that cannot override those permissions (as root, with
the capabilities that bypass file permissions dropped by ``setpriv``; as another user, the permissions alone
suffice). Every file beside the archive is the same, byte for byte and by its modification time, afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.serving import get, start_serve

PORTAL = "qni-replica"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def unprivileged_command() -> tuple[str, ...]:
    """How to run govscraper so that file permissions bind it."""
    python = (sys.executable, "-m", "govscraper")
    if os.geteuid() != 0:
        return python
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop the permission override")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *python)


@pytest.fixture(scope="module")
def crawled(crawled_archive) -> Path:
    archive = crawled_archive(PORTAL)
    assert archive.result.returncode == 0, archive.result.stderr[-3000:]
    return archive.db_path


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``folder``: size, modification time (ns) and sha256."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[str(path.relative_to(folder))] = (
                info.st_size,
                info.st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return found


def make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~0o222)


def make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


@pytest.fixture
def read_only_copy(crawled) -> Iterator[Path]:
    """A copy of the crawled archive (with its WARC files and its ranking index) in a folder nobody may write."""
    folder = Path(tempfile.mkdtemp(prefix="govscraper-ro-"))
    shutil.copy2(crawled, folder / "archive.db")
    shutil.copytree(crawled.parent / "warc", folder / "warc")
    shutil.copytree(crawled.parent / "archive.db.ranking", folder / "archive.db.ranking")
    yield folder
    make_writable(folder)
    shutil.rmtree(folder)


def reading_commands(db: Path, out: Path) -> list[tuple[str, ...]]:
    first = sqlite3.connect(f"file:{db}?immutable=1", uri=True).execute("SELECT min(id) FROM articles").fetchone()[0]
    return [
        ("search", "hội nghị", "--db", str(db)),
        ("search", "hoi nghi", "--db", str(db), "--format", "json"),
        ("show", str(first), "--db", str(db)),
        ("show", str(first), "--db", str(db), "--raw"),
        ("history", str(first), "--db", str(db)),
        ("stats", "--db", str(db)),
        ("runs", "--db", str(db)),
        ("coverage", "--db", str(db)),
        ("changes", "--db", str(db), "--format", "json"),
        ("export", "--format", "jsonl", "--db", str(db)),
        ("export", "--format", "csv", "--db", str(db), "--output", str(out / "articles.csv")),
        ("export", "--format", "warc", "--portal", PORTAL, "--db", str(db), "--output", str(out / "moduc.warc.gz")),
        ("verify", "--db", str(db)),
    ]


def run_each(commands: list[tuple[str, ...]], command: tuple[str, ...]) -> None:
    for args in commands:
        result = run_cli(*args, command=command)
        assert result.returncode == 0, f"{args}: {result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, args


def test_reading_commands_work_on_read_only_storage_and_change_nothing(read_only_copy, tmp_path):
    db = read_only_copy / "archive.db"
    before = snapshot(read_only_copy)
    make_read_only(read_only_copy)
    command = unprivileged_command()
    probe = subprocess.run([*command[:-2], "-c", f"open({str(read_only_copy / 'x')!r}, 'w')"], capture_output=True)
    assert probe.returncode != 0, "the test process could still write into the read-only folder"
    run_each(reading_commands(db, tmp_path), command)
    assert snapshot(read_only_copy) == before
    assert sorted(os.listdir(read_only_copy)) == ["archive.db", "archive.db.ranking", "warc"]
    assert (tmp_path / "articles.csv").stat().st_size > 0
    # Tantivy cannot take the lock file it reads under here: FTS5 ranks every match, and search says so.
    result = run_cli("search", "hội nghị", "--db", str(db), command=command)
    header = " ".join(result.stdout.split("\n\n")[0].split())
    assert result.returncode == 0, result.stderr
    assert "ranked over every match by SQLite FTS5" in header, header
    assert "the ranking index cannot be opened here" in header


def test_an_archive_closed_by_a_crawl_is_one_file_that_readers_leave_alone(read_only_copy, tmp_path):
    """In a writable folder too, reading creates nothing: the last writer left the archive in rollback-journal mode,
    so SQLite needs no -wal or -shm file to read it (a WAL-mode archive would get both, and keep them)."""
    db = read_only_copy / "archive.db"
    assert sqlite3.connect(f"file:{db}?immutable=1", uri=True).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    before = snapshot(read_only_copy)
    run_each(reading_commands(db, tmp_path), (sys.executable, "-m", "govscraper"))
    assert snapshot(read_only_copy) == before  # the ranking index is read without a change to any of its files
    result = run_cli("search", "hội nghị", "--db", str(db))
    assert "ranked over every match: exact matches first" in " ".join(result.stdout.split())


def test_a_wal_mode_archive_on_read_only_storage_is_read_as_immutable(read_only_copy, tmp_path):
    """An archive left in WAL mode (by an older govscraper) without its -wal/-shm files: SQLite cannot open it with
    mode=ro where it cannot create the -shm file, so it is opened as immutable (nothing can write there either)."""
    db = read_only_copy / "archive.db"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    conn.close()  # the last connection: SQLite removes -wal and -shm, the header stays WAL
    assert sorted(os.listdir(read_only_copy)) == ["archive.db", "archive.db.ranking", "warc"]
    before = snapshot(read_only_copy)
    make_read_only(read_only_copy)
    run_each([*reading_commands(db, tmp_path)[:3], ("verify", "--db", str(db))], unprivileged_command())
    assert snapshot(read_only_copy) == before


def pending_wal_copy(source: Path, folder: Path, with_shm: bool) -> Path:
    """A copy taken while a writer had changes in the WAL (the copy of a live archive): archive.db, -wal (-shm)."""
    db = folder / "archive.db"
    shutil.copy2(source, db)
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE articles SET title = 'Tiêu đề chỉ có trong WAL' WHERE id = (SELECT min(id) FROM articles)")
    writer.commit()
    copy = folder / "copy"
    copy.mkdir()
    for suffix in ("", "-wal", "-shm") if with_shm else ("", "-wal"):
        shutil.copy2(folder / f"archive.db{suffix}", copy / f"archive.db{suffix}")
    writer.close()
    return copy / "archive.db"


def test_a_copy_with_its_pending_wal_is_read_with_the_wal(crawled, tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="govscraper-ro-"))
    try:
        db = pending_wal_copy(crawled, folder, with_shm=True)
        before = snapshot(db.parent)
        make_read_only(db.parent)
        first = sqlite3.connect(f"file:{crawled}?immutable=1", uri=True).execute("SELECT min(id) FROM articles")
        result = run_cli("show", str(first.fetchone()[0]), "--db", str(db), command=unprivileged_command())
        assert result.returncode == 0, result.stderr
        assert "Tiêu đề chỉ có trong WAL" in result.stdout  # the write that lives only in the -wal file is seen
        assert snapshot(db.parent) == before
    finally:
        make_writable(folder)
        shutil.rmtree(folder)


def test_a_pending_wal_that_cannot_be_read_is_one_clear_line(crawled, tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="govscraper-ro-"))
    try:
        db = pending_wal_copy(crawled, folder, with_shm=False)
        make_read_only(db.parent)
        result = run_cli("stats", "--db", str(db), command=unprivileged_command())
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert "archive.db-wal" in result.stderr
        assert "govscraper upgrade" in result.stderr
    finally:
        make_writable(folder)
        shutil.rmtree(folder)


def test_an_archive_too_old_to_read_says_how_to_upgrade_it(tmp_path):
    import sqlite_utils

    from govscraper.archive import schema

    path = tmp_path / "old" / "archive.db"
    path.parent.mkdir()
    old = sqlite_utils.Database(path)
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, step in schema.MIGRATIONS[:3]:
        with old.atomic():
            step(old)
            old["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    old.conn.close()
    before = snapshot(path.parent)
    for args in (("search", "hội nghị"), ("stats",), ("runs",), ("verify",), ("export", "--format", "jsonl")):
        result = run_cli(*args, "--db", str(path))
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert f"govscraper upgrade --db {path}" in result.stderr, (args, result.stderr)
    assert snapshot(path.parent) == before  # nothing migrated, no lock file
    upgraded = run_cli("upgrade", "--db", str(path))
    assert upgraded.returncode == 0, upgraded.stderr
    assert "0004_operations" in upgraded.stdout
    assert run_cli("stats", "--db", str(path)).returncode == 0
    assert "up to date" in run_cli("upgrade", "--db", str(path)).stdout


def test_serve_on_read_only_storage(read_only_copy, tmp_path):
    db = read_only_copy / "archive.db"
    before = snapshot(read_only_copy)
    make_read_only(read_only_copy)
    log = tmp_path / "serve.log"
    process, base = start_serve(db, log, command=unprivileged_command())
    try:
        status, body = get(base + "/archive/articles.json?_shape=array&_size=5")
        assert status == 200
        assert json.loads(body)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=180)
    assert snapshot(read_only_copy) == before
