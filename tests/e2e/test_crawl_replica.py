"""End to end: crawl the Liferay 6.2 replica over real HTTP into a real SQLite file, check it against what it served.

The replica's manifest is its ground truth (what each page shows); every field the archive holds is compared
with it, and every image and document blob with the bytes the server sends.
"""

from __future__ import annotations

import hashlib
import io
import sys
import urllib.request

import pytest
import sqlite_utils
from PIL import Image

from tests.helpers.cli import ROOT, run_cli

LOOPBACK = ("--loopback",)


@pytest.fixture(scope="module")
def crawled(crawled_archive):
    archive = crawled_archive("qni-replica")
    assert archive.result.returncode == 0, archive.result.stderr[-3000:]
    return archive.db_path, archive.result


@pytest.fixture(scope="module")
def db(crawled):
    return sqlite_utils.Database(crawled[0])


@pytest.fixture(scope="module")
def manifest(clean_site):
    return clean_site.manifest()


def fetch(server, path: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type", "")


def article_row(db, server, article):
    rows = list(db["articles"].rows_where("url = ?", [server.url.rstrip("/") + article["url"]]))
    assert len(rows) == 1, article["url"]
    return rows[0]


def test_every_article_is_archived_once(db, manifest):
    assert db["articles"].count == len(manifest["articles"]) == 36
    assert db.execute("SELECT COUNT(DISTINCT source_id) FROM articles").fetchone()[0] == 36


def test_summary_line_reports_the_run(crawled):
    assert "36 articles (36 new, 0 updated, 0 unchanged)" in crawled[1].stdout
    assert "0 failures" in crawled[1].stdout


def test_article_fields_match_what_the_replica_served(db, manifest, clean_replica):
    for article in manifest["articles"]:
        row = article_row(db, clean_replica, article)
        assert row["title"] == article["title"]
        assert row["sapo"] == article["sapo"]
        assert row["body"] == "\n\n".join(article["body"])
        assert row["author"] == article["author"]
        assert row["published_at"] == article["published"]
        assert row["views"] == article["views"]
        assert row["category"] == article["category_name"]
        assert row["source_id"] == str(article["id"])
        assert row["summary"] == article["summary"]
        assert row["portal_id"] == "qni-replica"
        assert row["platform"] == "liferay62"
        assert len(row["content_sha256"]) == 64


def test_typical_article_reads_as_published(db, manifest, clean_replica):
    typical = next(a for a in manifest["articles"] if a["id"] == manifest["typical_article_id"])
    row = article_row(db, clean_replica, typical)
    assert row["title"].startswith("Tổng kết công tác phối hợp giữa UBND huyện với UBMTTQVN huyện")
    assert row["published_at"].startswith("2022-01-09")
    assert row["author"] == "Văn Trọng"
    assert row["body"].endswith("./.")
    for junk in ("Truy cập nội dung luôn", "Các tin khác", "In trang", "Xem với cỡ chữ", "Hôm nay", "Văn Trọng"):
        assert junk not in row["body"]


def test_images_and_captions_in_order(db, manifest, clean_replica):
    base = clean_replica.url.rstrip("/")
    for article in manifest["articles"]:
        row = article_row(db, clean_replica, article)
        links = list(db.query("SELECT * FROM article_images WHERE article_id = ? ORDER BY position", [row["id"]]))
        body = [link for link in links if link["role"] == "body"]
        assert [(link["source_url"], link["caption"]) for link in body] == [
            (base + image["url"], image["caption"]) for image in article["images"]
        ]
        thumbnails = [link["source_url"] for link in links if link["role"] == "thumbnail"]
        expected_thumbnail = base + article["thumbnail"] if article["thumbnail"] else None
        if expected_thumbnail is None or expected_thumbnail in [base + i["url"] for i in article["images"]]:
            assert thumbnails == []  # no thumbnail, or the thumbnail is one of the photos (stored once)
        else:
            assert thumbnails == [expected_thumbnail]
        assert all(link["image_sha256"] for link in links), "every image of a clean replica is archived"


def test_image_blobs_are_the_served_bytes_stored_once(db, manifest, clean_replica):
    served = {}
    for image in manifest["images"]:
        data, content_type = fetch(clean_replica, image["url"])
        served[hashlib.sha256(data).hexdigest()] = (data, content_type, image)
    stored = {row["sha256"]: row for row in db["images"].rows}
    linked = {row[0] for row in db.execute("SELECT DISTINCT image_sha256 FROM article_images")}
    assert linked <= set(served)
    assert set(stored) == linked  # stored once each, nothing unlinked
    for sha, row in stored.items():
        data, content_type, image = served[sha]
        assert row["bytes"] == data  # original bytes, never re-encoded
        assert row["mime"] == content_type.split(";")[0]
        assert (row["width"], row["height"]) == (image["width"], image["height"])
        assert row["size"] == len(data)
        assert Image.open(io.BytesIO(row["bytes"])).size == (image["width"], image["height"])


def test_an_image_shared_by_two_articles_is_one_blob(db, manifest):
    shared = [image for image in manifest["images"] if len(image["used_by"]) > 1]
    assert shared, "the replica shares at least one image between articles"
    for image in shared:
        shas = {
            row[0]
            for row in db.execute(
                "SELECT image_sha256 FROM article_images WHERE source_url LIKE ?", ["%" + image["url"]]
            )
        }
        assert len(shas) == 1
        articles = db.execute(
            "SELECT COUNT(DISTINCT article_id) FROM article_images WHERE source_url LIKE ?", ["%" + image["url"]]
        ).fetchone()[0]
        assert articles == len(image["used_by"])


def test_attachments_are_archived_with_their_link_text(db, manifest, clean_replica):
    base = clean_replica.url.rstrip("/")
    for document in manifest["documents"]:
        rows = list(
            db.query(
                "SELECT aa.title, a.bytes, a.mime, a.filename FROM article_attachments aa "
                "JOIN attachments a ON a.sha256 = aa.attachment_sha256 WHERE aa.source_url = ?",
                [base + document["url"]],
            )
        )
        assert len(rows) == 1, document["url"]
        data, _ = fetch(clean_replica, document["url"])
        assert rows[0]["bytes"] == data
        assert rows[0]["title"] == document["title"]
        # The mime type is read from the bytes: the replica's ".doc" files are RTF (as many real ones are).
        expected_mime = "application/rtf" if data.startswith(b"{\\rtf") else document["content_type"]
        assert rows[0]["mime"] == expected_mime
        assert rows[0]["filename"] == document["url"].rsplit("/", 1)[-1]


def test_run_is_recorded(db):
    run = next(iter(db["crawl_runs"].rows))
    assert (run["portal_id"], run["status"], run["finish_reason"]) == ("qni-replica", "finished", "finished")
    assert run["articles_new"] == 36
    assert run["failures"] == 0
    assert run["requests"] >= run["responses"] > 36
    assert run["bytes"] > 0
    assert run["started_at"] <= run["finished_at"]
    assert db["portals"].get("qni-replica")["platform"] == "liferay62"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_crawling_again_in_full_duplicates_nothing(crawled, registry_file, db):
    before = {t: db[t].count for t in ("articles", "images", "article_images", "attachments", "article_attachments")}
    result = run_cli("crawl", "qni-replica", "--db", str(crawled[0]), "--full", *LOOPBACK, registry=registry_file)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run 2 (full) finished" in result.stdout
    assert "36 articles (0 new, 0 updated, 36 unchanged)" in result.stdout
    after = {t: db[t].count for t in before}
    assert after == before
    second = db["crawl_runs"].get(2)
    assert (second["articles_unchanged"], second["images_new"], second["attachments_new"]) == (36, 0, 0)


def test_scrapy_crawl_portal_works_from_the_project(tmp_path, registry_file):
    db_path = tmp_path / "scrapy.db"
    result = run_cli(
        "crawl",
        "portal",
        "-a",
        "portal=qni-replica",
        "-a",
        "max_articles=5",
        "-s",
        f"GOVSCRAPER_DB={db_path}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        registry=registry_file,
        cwd=ROOT,
        command=(sys.executable, "-m", "scrapy"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    archive = sqlite_utils.Database(db_path)
    assert archive["articles"].count == 5
    assert next(iter(archive["crawl_runs"].rows))["spider"] == "liferay62"


EXPECTED_FAILURES = {
    "http500": ("article", "HTTP 500"),
    "http404": ("article", "HTTP 404"),
    "timeout": ("article", "timeout"),
    "truncated": ("article", "truncated response"),
    "wrong-type-page": ("article", "not an HTML page (Content-Type: image/jpeg)"),
    "redirect-loop": ("article", "redirect loop"),
    "huge": ("article", "response too large"),
    "not-an-image": ("image", "not an image"),
    "wrong-type-image": ("image", "not an image"),
}


@pytest.fixture(scope="module")
def faulty_crawl(crawled_archive):
    archive = crawled_archive("qni-faulty", "-s", "DOWNLOAD_TIMEOUT=3")
    return sqlite_utils.Database(archive.db_path), archive.result


def test_faulty_portal_crawl_goes_on(faulty_crawl):
    db, result = faulty_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    run = next(iter(db["crawl_runs"].rows))
    assert run["status"] == "finished"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_every_fault_is_survived_or_recorded(faulty_crawl, faulty_site, faulty_replica):
    db, _ = faulty_crawl
    manifest = faulty_site.manifest()
    base = faulty_replica.url.rstrip("/")
    archived = {row["source_id"] for row in db["articles"].rows}
    failures = list(db["fetch_failures"].rows)
    for article in manifest["articles"]:
        url = base + article["url"]
        if article["expected"] == "archived":
            assert str(article["id"]) in archived, (article["fault"], url)
        else:
            assert str(article["id"]) not in archived
            kind, reason = EXPECTED_FAILURES[article["fault"]]
            matching = [f for f in failures if f["url"] == url]
            assert len(matching) == 1, (article["fault"], url)
            assert (matching[0]["kind"], reason in matching[0]["error"]) == (kind, True), matching[0]["error"]
    for image in manifest["images"]:
        if image["fault"]:
            kind, reason = EXPECTED_FAILURES[image["fault"]]
            matching = [f for f in failures if f["url"] == base + image["url"]]
            assert len(matching) == 1
            assert matching[0]["kind"] == kind
            assert reason in matching[0]["error"]
            # The article keeps its link to the lost image: the gap is visible, not silent.
            gaps = db.execute("SELECT image_sha256 FROM article_images WHERE source_url = ?", [base + image["url"]])
            assert [row[0] for row in gaps] == [None] * len(image["used_by"])
    expected_failures = sum(a["expected"] != "archived" for a in manifest["articles"]) + sum(
        1 for i in manifest["images"] if i["fault"]
    )
    assert len(failures) == expected_failures


def test_transient_error_and_malformed_html_are_archived(faulty_crawl, faulty_site):
    db, _ = faulty_crawl
    manifest = faulty_site.manifest()
    for fault in ("http503-once", "malformed-html"):
        article = next(a for a in manifest["articles"] if a["fault"] == fault)
        row = next(db["articles"].rows_where("source_id = ?", [str(article["id"])]))
        assert row["title"] == article["title"]
        assert row["body"].startswith(article["body"][0][:40])
