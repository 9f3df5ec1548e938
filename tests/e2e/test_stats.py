"""``govscraper stats``: per-portal counts and dates, checked against the replica's ground truth and plain SQL."""

from __future__ import annotations

import json
import sqlite3

import pytest

from govscraper.publish.stats import format_table, portal_stats
from tests.helpers.cli import run_cli


@pytest.fixture(scope="module")
def archive(crawled_archive):
    crawled = crawled_archive("qni-replica")
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    return crawled.db_path


def test_stats_match_what_the_replica_served(archive, clean_site):
    manifest = clean_site.manifest()
    result = run_cli("stats", "--db", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["portal_id"] for row in rows] == ["qni-replica", None]
    portal, total = rows
    days = sorted(article["published"][:10] for article in manifest["articles"])
    documents = {document["url"] for document in manifest["documents"]}
    assert portal == {
        "portal_id": "qni-replica",
        "name": "Cổng thông tin điện tử huyện Mộ Đức (bản sao)",
        "articles": len(manifest["articles"]),
        "images": len(manifest["images"]),  # each image the replica served, counted once however many use it
        "attachments": len(documents),
        "first": days[0],
        "last": days[-1],
    }
    assert total == {**portal, "portal_id": None, "name": "total"}


def test_table_is_aligned_with_a_total_row(archive):
    result = run_cli("stats", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["portal", "articles", "images", "attachments", "first", "last", "name"]
    assert lines[1].startswith("qni-replica ")
    assert lines[1].endswith("Cổng thông tin điện tử huyện Mộ Đức (bản sao)")
    assert lines[2].startswith("total ")
    ends = {line.index(" 36 ") + 3 for line in lines[1:]}  # the articles column ends at the same place
    assert len(ends) == 1
    assert ends == {lines[0].index("articles") + len("articles")}


def test_distinct_counts_over_several_portals(archive, tmp_path):
    """A second portal sharing an image with the first, and a portal without articles (plain SQL as the reference)."""
    db_path = tmp_path / "two.db"
    source, conn = sqlite3.connect(archive), sqlite3.connect(db_path)
    source.backup(conn)
    source.close()
    (shared,) = conn.execute("SELECT image_sha256 FROM article_images LIMIT 1").fetchone()
    with conn:
        for portal in ("qni-other", "qni-empty"):
            conn.execute(
                "INSERT INTO portals (id, name, province, level, base_url, platform, status, updated_at) "
                "VALUES (?, ?, 'Quảng Ngãi', 'xã', 'https://x.example/', 'generic', 'live', '2025-01-01')",
                [portal, f"Cổng {portal}"],
            )
        for number, day in enumerate(("2014-03-02T08:00:00+07:00", "2014-05-06")):
            article_id = conn.execute(
                "INSERT INTO articles (url, portal_id, title, body, published_at, content_sha256, first_seen_at, "
                "last_seen_at) VALUES (?, 'qni-other', 'Tin', 'Nội dung', ?, 'x', '2025', '2025')",
                [f"https://x.example/{number}", day],
            ).lastrowid
            conn.execute(
                "INSERT INTO article_images (article_id, position, image_sha256, role, source_url) "
                "VALUES (?, 0, ?, 'body', 'https://x.example/a.jpg')",
                [article_id, shared],
            )
    rows = {row.portal_id: row for row in portal_stats(conn)}
    assert list(rows) == ["qni-empty", "qni-other", "qni-replica", None]
    other, empty, replica, total = rows["qni-other"], rows["qni-empty"], rows["qni-replica"], rows[None]
    assert (other.articles, other.images, other.attachments, other.first, other.last) == (
        2, 1, 0, "2014-03-02", "2014-05-06"
    )  # fmt: skip
    assert (empty.articles, empty.images, empty.first, empty.last) == (0, 0, None, None)
    assert total.articles == conn.execute("SELECT count(*) FROM articles").fetchone()[0] == replica.articles + 2
    assert total.images == replica.images  # the shared image counts once in the total
    assert total.first == "2014-03-02"
    assert total.last == replica.last
    table = format_table(list(rows.values()))
    assert next(line for line in table if line.startswith("qni-empty")).split()[1:6] == ["0", "0", "0", "-", "-"]
    conn.close()


def test_stats_of_a_missing_archive_is_one_line(tmp_path):
    result = run_cli("stats", "--db", str(tmp_path / "nowhere.db"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error: no archive at")
