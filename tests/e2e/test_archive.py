"""The archive: schema migrations, WAL, and storing articles, images and attachments exactly once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from govscraper.archive.schema import MIGRATIONS, ArchiveError, open_db
from govscraper.archive.writer import Archive, content_sha256
from govscraper.items import ArticleItem
from govscraper.model import AttachmentRef, ImageRef
from govscraper.registry import Portal

PORTAL = Portal(
    id="qni-test",
    name="Cổng thử",
    province="Quảng Ngãi",
    level="huyện",
    base_url="http://127.0.0.1/",
    platform="liferay62",
)


def make_item(**changes) -> ArticleItem:
    item = ArticleItem(
        url="http://127.0.0.1/tin-tuc/-/view_content/100-tong-ket.html",
        portal_id="qni-test",
        source_id="100",
        platform="liferay62",
        title="Tổng kết công tác phối hợp năm 2021",
        body="Sáng ngày 07/01, UBND huyện tổ chức hội nghị.\n\nHội nghị kết thúc./.",
        published="2022-01-09T08:00:00+07:00",
        author="Văn Trọng",
        views=120,
        images=[ImageRef("http://127.0.0.1/image/journal/article?img_id=1", caption="Hình: Toàn cảnh hội nghị")],
        attachments=[AttachmentRef("http://127.0.0.1/documents/1/2/kh.pdf", title="Kế hoạch số 12")],
    )
    for name, value in changes.items():
        setattr(item, name, value)
    return item


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.start_run(PORTAL, "liferay62")
    yield archive
    archive.close()


def test_schema_is_migrated_once_and_in_wal_mode(tmp_path):
    path = tmp_path / "a.db"
    db = open_db(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r["name"] for r in db["_migrations"].rows] == [name for name, _ in MIGRATIONS]
    db.conn.close()
    again = open_db(path)
    assert again["_migrations"].count == len(MIGRATIONS)
    expected = {
        "portals",
        "crawl_runs",
        "articles",
        "images",
        "article_images",
        "attachments",
        "article_attachments",
        "fetch_failures",
    }
    assert expected <= set(again.table_names())
    assert again.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_unwritable_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArchiveError, match="cannot open the archive"):
        open_db(blocker / "archive.db")
    with pytest.raises(ArchiveError, match="no archive"):
        open_db(tmp_path / "missing.db", create=False)


def test_article_stored_once_then_unchanged_then_updated(archive):
    assert archive.store_article(make_item()) == "new"
    assert archive.store_article(make_item(views=999)) == "unchanged"  # views alone is not an edit
    assert archive.db["articles"].get(1)["views"] == 999  # but the row follows the page
    assert archive.store_article(make_item(body="Nội dung đã sửa./.")) == "updated"
    rows = list(archive.db["articles"].rows)
    assert len(rows) == 1
    assert rows[0]["body"] == "Nội dung đã sửa./."
    run = archive.db["crawl_runs"].get(archive.run_id)
    assert (run["articles_new"], run["articles_unchanged"], run["articles_updated"]) == (1, 1, 1)


def test_same_article_under_another_url_is_the_same_row(archive):
    archive.store_article(make_item())
    other = make_item(url="http://127.0.0.1/van-hoa/-/view_content/100-tong-ket.html")
    assert archive.store_article(other) == "unchanged"
    assert archive.db["articles"].count == 1


def test_blobs_are_stored_once_and_linked_per_article(archive):
    first = archive.store_blob("image", b"\x89PNG same bytes", mime="image/png", url="http://127.0.0.1/a.png")
    second = archive.store_blob("image", b"\x89PNG same bytes", mime="image/png", url="http://127.0.0.1/b.png")
    assert first.sha256 == second.sha256
    assert first.new
    assert not second.new
    item = make_item()
    item.media = {item.images[0].url: first.sha256}
    archive.store_article(item)
    archive.store_article(item)  # crawled again: links replaced, not duplicated
    assert archive.db["images"].count == 1
    links = list(archive.db["article_images"].rows)
    assert len(links) == 1
    assert links[0]["caption"] == "Hình: Toàn cảnh hội nghị"
    assert links[0]["image_sha256"] == first.sha256
    # The attachment failed to download: its link is kept without a blob, so the gap is visible.
    attachment = next(iter(archive.db["article_attachments"].rows))
    assert attachment["attachment_sha256"] is None
    assert attachment["title"] == "Kế hoạch số 12"
    assert archive.known_blob_for_url(item.images[0].url, "image").sha256 == first.sha256
    # b.png's bytes are stored (under a.png's row), but no article links b.png yet: it is not "known" by URL.
    assert archive.known_blob_for_url("http://127.0.0.1/b.png", "image") is None


def test_failures_are_recorded_with_run_and_reason(archive):
    archive.record_failure("http://127.0.0.1/x", "article", "HTTP 500\nsecond line dropped", status=500)
    row = next(iter(archive.db["fetch_failures"].rows))
    assert (row["run_id"], row["kind"], row["status"], row["error"]) == (archive.run_id, "article", 500, "HTTP 500")
    run = archive.db["crawl_runs"].get(archive.run_id)
    assert (run["failures"], run["articles_failed"]) == (1, 1)


def test_content_hash_ignores_views_and_thumbnails():
    base = make_item()
    assert content_sha256(base) == content_sha256(make_item(views=1))
    with_thumb = make_item()
    with_thumb.images.append(ImageRef("http://127.0.0.1/t.jpg", role="thumbnail"))
    assert content_sha256(base) == content_sha256(with_thumb)
    assert content_sha256(base) != content_sha256(make_item(title="Khác"))


def test_foreign_keys_hold(archive):
    archive.store_article(make_item())
    with pytest.raises(sqlite3.IntegrityError):
        archive.db.execute(
            "INSERT INTO article_images (article_id, position, role, source_url) VALUES (999, 0, 'body', 'x')"
        )


def test_an_archive_from_an_older_version_is_brought_forward(tmp_path):
    import sqlite_utils

    from govscraper.archive import schema

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    name, first = schema.MIGRATIONS[0]
    first(old)
    old["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    old["portals"].insert({"id": "qni-test", "name": "Cổng thử", "base_url": "http://x/", "platform": "generic"})
    old.conn.commit()
    old.conn.close()

    upgraded = open_db(path)
    assert [r["name"] for r in upgraded["_migrations"].rows] == [n for n, _ in schema.MIGRATIONS]
    assert "source" in upgraded["articles"].columns_dict
    assert "credit" in upgraded["article_images"].columns_dict
    assert upgraded["portals"].get("qni-test")["name"] == "Cổng thử"  # data kept, nothing rebuilt


def test_processes_opening_a_new_archive_together_bring_it_forward_once(tmp_path):
    """A crawl and a search (or two scheduled crawls) starting at the same moment on an archive to create: the
    switch to WAL and the migrations happen once, under the migration lock (without it, 1 in about 80 openers saw
    "database is locked")."""
    # A start barrier: each process imports, says "ready", then blocks reading one pipe that all of them share;
    # once all are ready the test closes the pipe's writing end, and every reader wakes at that one event (EOF).
    script = (
        "import os, sys\n"
        "from govscraper.archive.schema import open_db\n"
        "print('ready', flush=True)\n"
        "os.read(int(sys.argv[2]), 1)\n"
        "db = open_db(sys.argv[1])\n"
        "print(len(db.table_names()))\n"
    )
    for attempt in range(3):
        path = tmp_path / f"race-{attempt}" / "archive.db"
        gate, release = os.pipe()
        try:
            processes = [
                subprocess.Popen([sys.executable, "-c", script, str(path), str(gate)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, pass_fds=(gate,))
                for _ in range(8)
            ]  # fmt: skip
        finally:
            os.close(gate)  # the processes hold their own copies
        try:
            said = [process.stdout.readline() for process in processes]  # blocks until each is ready (or ended)
        finally:
            os.close(release)  # all go at once
        results = [process.communicate(timeout=300) for process in processes]
        assert said == ["ready\n"] * 8, [err[-500:] for _, err in results]
        assert [process.returncode for process in processes] == [0] * 8, [err[-500:] for _, err in results]
        db = sqlite_utils.Database(path)
        assert [row["name"] for row in db["_migrations"].rows] == [name for name, _ in MIGRATIONS]
