"""Archival fidelity end to end, over the replica: raw captures in WARC, versions of an edited article, verify, export.

Three crawls of one replica into one archive: a first crawl; a second that finds nothing changed; then the replica
edits an article and a third crawl (``--full``) finds it. Every check reads the archive, the WARC files and what the
replica served.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from govscraper.archive.lookup import capture_bytes
from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli

EDITED_PARAGRAPHS = [
    "Chiều ngày 07/01/2022, UBND huyện và Ủy ban MTTQ Việt Nam huyện tổ chức hội nghị tổng kết (bản đã sửa).",
    "Hội nghị thống nhất 7 nội dung phối hợp trọng tâm trong năm 2022./.",
]


@pytest.fixture(scope="module")
def site():
    return build_site(articles=36, seed=11)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def archive(tmp_path_factory, site, server):
    """The archive after the three crawls, with each crawl's CLI result."""
    root = tmp_path_factory.mktemp("archival")
    registry = root / "registry.toml"
    registry.write_text(registry_entry("qni-archival", server, site), encoding="utf-8")
    db_path = root / "data" / "archive.db"
    results = []
    typical = next(a for a in site.manifest()["articles"] if a["id"] == site.typical.id)
    original_body = "\n\n".join(typical["body"])
    for step in ("first", "unchanged", "edited"):
        if step == "edited":
            site.edit(site.typical.id, paragraphs=EDITED_PARAGRAPHS)
        args = ["crawl", "qni-archival", "--db", str(db_path), "--loopback"] + (["--full"] if step != "first" else [])
        result = run_cli(*args, registry=registry)
        assert result.returncode == 0, result.stderr[-3000:]
        results.append(result)
    return {
        "db_path": db_path,
        "db": sqlite_utils.Database(db_path),
        "results": results,
        "registry": registry,
        "original_body": original_body,
    }


def fetch(server, path: str) -> bytes:
    with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=10) as response:
        return response.read()


def test_every_response_of_a_run_is_captured(archive):
    db = archive["db"]
    for run in db["crawl_runs"].rows:
        captured = db.execute("SELECT COUNT(*) FROM captures WHERE run_id = ?", [run["id"]]).fetchone()[0]
        assert captured == run["responses"] > 0
    urls = {row[0] for row in db.execute("SELECT url FROM captures WHERE run_id = 1")}
    assert any(url.endswith("/robots.txt") for url in urls)
    assert any("/image/journal/article?img_id=" in url for url in urls)
    assert any("/documents/" in url for url in urls)
    for table in ("articles", "images", "attachments"):
        assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE capture_id IS NULL").fetchone()[0] == 0, table


def test_warc_files_are_in_data_warc_with_an_index_each(archive):
    db_path = archive["db_path"]
    run = archive["db"]["crawl_runs"].get(1)
    files = [db_path.parent / name for name in __import__("json").loads(run["warc_files"])]
    assert files
    for path in files:
        assert path.parent == db_path.parent / "warc"
        assert path.name.startswith("qni-archival-00001-")
        assert path.with_name(path.name + ".cdxj").exists()
        with path.open("rb") as stream:
            kinds = [record.rec_type for record in ArchiveIterator(stream, check_digests=True)]
        assert kinds[0] == "warcinfo"
        assert {"response", "request"} <= set(kinds)


def test_an_article_points_at_the_exact_bytes_served(archive, site, server):
    db, db_path = archive["db"], archive["db_path"]
    for article in site.articles[:12]:
        row = next(db["articles"].rows_where("source_id = ?", [str(article.id)]))
        if article.id == site.typical.id:
            continue  # edited between crawls: its current capture is the edited page
        capture = db.execute(
            "SELECT warc_file, offset, record_id FROM captures WHERE id = ?", [row["capture_id"]]
        ).fetchone()
        assert capture[0].startswith("warc/")
        assert capture_bytes(db, db_path, row["capture_id"]) == fetch(server, article.url)


def test_show_raw_prints_the_captured_page(archive, site, server):
    row = next(archive["db"]["articles"].rows_where("source_id = ?", [str(site.articles[3].id)]))
    result = subprocess.run(
        [sys.executable, "-m", "govscraper", "show", str(row["id"]), "--raw", "--db", str(archive["db_path"])],
        capture_output=True,
        timeout=240,  # a safety net, not a measurement
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == fetch(server, site.articles[3].url)


def test_show_prints_the_fields_and_the_capture(archive, site):
    row = next(archive["db"]["articles"].rows_where("source_id = ?", [str(site.articles[3].id)]))
    result = run_cli("show", row["url"], "--db", str(archive["db_path"]))
    assert result.returncode == 0, result.stderr
    assert f"title: {site.articles[3].title}" in result.stdout
    assert '"warc_file": "warc/qni-archival-' in result.stdout
    assert site.articles[3].body[0] in result.stdout


def test_an_unchanged_recrawl_keeps_no_version_and_stores_no_copy(archive):
    db = archive["db"]
    second = db["crawl_runs"].get(2)
    assert (second["articles_updated"], second["images_new"], second["attachments_new"]) == (0, 0, 0)
    assert second["articles_unchanged"] == 36
    # Images and documents already archived are not fetched again at all.
    media = db.execute(
        "SELECT COUNT(*) FROM captures WHERE run_id = 2 AND (url LIKE '%img_id=%' OR url LIKE '%/documents/%')"
    ).fetchone()[0]
    assert media == 0
    # Archived article pages are asked for conditionally: the replica answers 304, and nothing is sent again.
    articles = db.execute(
        "SELECT status, warc_type, COUNT(*) FROM captures WHERE run_id = 2 AND url LIKE '%/view_content/%' "
        "GROUP BY 1, 2"
    ).fetchall()
    assert articles == [(304, "response", 36)]
    assert second["pages_not_modified"] == 36
    # Pages that do come back byte for byte the same (the list pages) are revisit records, not copies.
    revisit = db.execute(
        "SELECT refers_to_record_id, payload_capture_id FROM captures WHERE run_id = 2 AND warc_type = 'revisit' "
        "LIMIT 1"
    ).fetchone()
    assert revisit is not None
    original = db.execute("SELECT record_id, run_id FROM captures WHERE id = ?", [revisit[1]]).fetchone()
    assert original == (revisit[0], 1)


def test_the_edited_article_keeps_its_previous_version(archive, site):
    db = archive["db"]
    third = db["crawl_runs"].get(3)
    assert (third["articles_updated"], third["articles_unchanged"]) == (1, 35)
    article = next(db["articles"].rows_where("source_id = ?", [str(site.typical.id)]))
    assert article["body"] == "\n\n".join(EDITED_PARAGRAPHS)
    versions = list(db["article_versions"].rows)
    assert len(versions) == 1  # the unchanged re-crawl made none, the edit made one
    kept = versions[0]
    # The version's run and capture are the last ones that saw it (the unchanged crawl, run 2).
    assert (kept["article_id"], kept["version"], kept["run_id"], kept["superseded_by_run_id"]) == (
        article["id"],
        1,
        2,
        3,
    )
    assert kept["body"] == archive["original_body"]  # the page as the first crawl found it
    assert kept["title"] == article["title"]
    assert kept["capture_id"] != article["capture_id"]


def test_history_lists_the_versions_with_a_diff(archive, site):
    article = next(archive["db"]["articles"].rows_where("source_id = ?", [str(site.typical.id)]))
    result = run_cli("history", str(article["id"]), "--db", str(archive["db_path"]))
    assert result.returncode == 0, result.stderr
    assert "version 1: captured " in result.stdout
    assert "version 2 (current): captured " in result.stdout
    assert "--- version 1" in result.stdout
    assert "+++ version 2" in result.stdout
    for paragraph in EDITED_PARAGRAPHS:
        assert f"+{paragraph}" in result.stdout


def test_an_old_version_and_its_raw_capture_can_be_shown(archive, site):
    db_path = archive["db_path"]
    article = next(archive["db"]["articles"].rows_where("source_id = ?", [str(site.typical.id)]))
    old = run_cli("show", str(article["id"]), "--version", "1", "--db", str(db_path))
    assert old.returncode == 0, old.stderr
    assert "version: 1" in old.stdout
    assert EDITED_PARAGRAPHS[0] not in old.stdout
    raw = subprocess.run(
        [
            sys.executable,
            "-m",
            "govscraper",
            "show",
            str(article["id"]),
            "--version",
            "1",
            "--raw",
            "--db",
            str(db_path),
        ],
        capture_output=True,
        timeout=240,  # a safety net, not a measurement
        check=False,
    )
    assert raw.returncode == 0
    assert b"asset-full-content-title" in raw.stdout
    assert EDITED_PARAGRAPHS[0].encode() not in raw.stdout
    missing = run_cli("show", str(article["id"]), "--version", "9", "--db", str(db_path))
    assert missing.returncode == 1
    assert "has versions 1 to 2, not 9" in missing.stderr


def test_verify_passes_on_the_archive(archive):
    result = run_cli("verify", "--db", str(archive["db_path"]))
    assert result.returncode == 0, result.stderr
    assert "integrity_check: ok;" in result.stdout
    assert ": ok" in result.stdout.strip().splitlines()[-1]


@pytest.fixture
def damaged_copy(archive, tmp_path):
    """A copy of the archive (database and WARC files) to damage without touching the shared one."""
    source = archive["db_path"].parent
    copy = tmp_path / "data"
    shutil.copytree(source, copy)
    return copy / "archive.db"


def test_verify_finds_a_corrupted_blob(damaged_copy):
    conn = sqlite3.connect(damaged_copy)
    sha = conn.execute("SELECT sha256 FROM images LIMIT 1").fetchone()[0]
    conn.execute("UPDATE images SET bytes = ? WHERE sha256 = ?", [b"\x89PNG rotten", sha])
    conn.commit()
    conn.close()
    result = run_cli("verify", "--db", str(damaged_copy))
    assert result.returncode == 1
    assert f"blob: images {sha}: bytes now hash to " in result.stderr
    assert "1 problem(s)" in result.stdout


def test_verify_finds_a_corrupted_warc_file(damaged_copy):
    db = sqlite_utils.Database(damaged_copy)
    warc_file, offset, length = db.execute(
        "SELECT c.warc_file, c.offset, c.length FROM articles a JOIN captures c ON c.id = a.capture_id LIMIT 1"
    ).fetchone()
    db.conn.close()
    path = damaged_copy.parent / warc_file
    data = bytearray(path.read_bytes())
    middle = offset + length // 2
    data[middle : middle + 8] = b"\x00" * 8  # flip bytes inside the record's gzip member
    path.write_bytes(bytes(data))
    result = run_cli("verify", "--db", str(damaged_copy))
    assert result.returncode == 1
    assert f"warc: {path.name}@{offset}" in result.stderr


def test_export_writes_a_warc_that_warcio_reads_back(archive, tmp_path):
    out = tmp_path / "qni-archival.warc.gz"
    result = run_cli(
        "export", "--format", "warc", "--portal", "qni-archival", "--output", str(out), "--db", str(archive["db_path"])
    )
    assert result.returncode == 0, result.stderr
    db = archive["db"]
    captures = db["captures"].count
    with out.open("rb") as stream:
        found = [
            (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"))
            for r in ArchiveIterator(stream, check_digests=True)
        ]
    assert found[0][0] == "warcinfo"
    assert len(found) == 1 + 2 * captures  # each capture: its response (or revisit) and its request
    ids = {record_id for _, record_id in found}
    for (record_id,) in db.execute("SELECT record_id FROM captures"):
        assert record_id in ids
    unknown = run_cli(
        "export",
        "--format",
        "warc",
        "--portal",
        "qni-nowhere",
        "--output",
        str(tmp_path / "x"),
        "--db",
        str(archive["db_path"]),
    )
    assert unknown.returncode == 1
    assert "no portal 'qni-nowhere' in the archive" in unknown.stderr


def test_no_warc_writes_no_captures(tmp_path, archive, site, server):
    db_path = tmp_path / "data" / "archive.db"
    result = run_cli(
        "crawl",
        "qni-archival",
        "--db",
        str(db_path),
        "--loopback",
        "--no-warc",
        "--limit",
        "3",
        registry=archive["registry"],
    )
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 3
    assert db["captures"].count == 0
    assert not (db_path.parent / "warc").exists()


def test_documents_are_stored_once_with_their_text_for_search(archive, site):
    db = archive["db"]
    rows = db.execute("SELECT filename, mime, text, text_method, text_error FROM attachments").fetchall()
    assert len(rows) == len({d["url"] for d in site.manifest()["documents"]})
    for filename, _mime, text, method, error in rows:
        assert (error, bool(text)) == (None, True), filename
        assert method in ("pypdf", "python-docx", "striprtf")
        # Every document of the replica opens with the district's name: as written in Word (with diacritics),
        # or as the replica's simple PDFs carry it (ASCII, the standard fonts have no Vietnamese letters).
        assert text.startswith(("ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC", "UY BAN NHAN DAN HUYEN MO DUC")), filename
    docx = next(text for filename, _, text, _, _ in rows if filename.endswith(".docx"))
    assert "Độc lập – Tự do – Hạnh phúc" in docx


def test_warc_files_roll_over_at_the_size_limit_in_a_real_crawl(tmp_path, archive):
    db_path = tmp_path / "data" / "archive.db"
    result = run_cli(
        "crawl",
        "qni-archival",
        "--db",
        str(db_path),
        "--loopback",
        "--limit",
        "6",
        "-s",
        "GOVSCRAPER_WARC_MAX_SIZE=40000",
        registry=archive["registry"],
    )
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    files = __import__("json").loads(next(iter(db["crawl_runs"].rows))["warc_files"])
    assert len(files) >= 3
    used = {row[0] for row in db.execute("SELECT DISTINCT warc_file FROM captures")}
    assert used == set(files)
    for name in files:
        assert (db_path.parent / (name + ".cdxj")).exists()
    assert run_cli("verify", "--db", str(db_path)).returncode == 0
