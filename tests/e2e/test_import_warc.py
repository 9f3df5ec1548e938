"""``govscraper import-warc``: WARC files of Heritrix, wget, Browsertrix and govscraper itself, into the archive.

The WARC files are built from real answers of the replica portal (``tests/helpers/warc_samples.py``), so the expected
articles come from its manifest and the expected blobs from the bytes put into the files. Imports run as a user runs
them, in a process of their own, with no network: the pages link to ``moduc.replica.test``, which does not exist.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from govscraper.archive.warc import read_record
from govscraper.cli import cli
from govscraper_replica import ReplicaServer, build_site
from tests.helpers import warc_samples as samples
from tests.helpers.cli import run_cli

REGISTRY = (
    '[[portal]]\nid = "qni-warcrep"\nname = "Cổng thông tin điện tử huyện Mộ Đức (lưu trữ)"\nprovince = "Quảng Ngãi"\n'
    'level = "huyện"\nbase_url = "https://moduc.replica.test/"\nplatform = "liferay62"\nstatus = "offline"\n'
    "offline_since = 2025-07-01\n"
)


@pytest.fixture(scope="module")
def site():
    return build_site(articles=10, seed=2024)


@pytest.fixture(scope="module")
def manifest(site):
    return site.manifest()


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def chosen(manifest):
    """Three articles with photos, at least one with documents."""
    with_images = [a for a in manifest["articles"] if a["images"]]
    picked = [a for a in with_images if a["attachments"]][:1]
    picked += [a for a in with_images if a not in picked][: 3 - len(picked)]
    assert len(picked) == 3
    assert any(a["attachments"] for a in picked)
    return picked


@pytest.fixture(scope="module")
def exchanges(server, manifest, chosen):
    """URL → the replica's answer: the home page, a list page, the chosen articles, their photos and documents."""
    paths = ["/", manifest["categories"][0]["url"]]
    for article in chosen:
        paths += [article["url"], *(i["url"] for i in article["images"]), *(d["url"] for d in article["attachments"])]
    fetched = {}
    for path in dict.fromkeys(paths):
        exchange = samples.fetch(server.url, path)
        assert exchange.status == 200, path
        fetched[exchange.url] = exchange
    return fetched


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    path = tmp_path_factory.mktemp("registry") / "portals.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def only_photo(chosen) -> tuple[dict, str]:
    """An article and the URL of a photo that no other chosen article shows."""
    return next(
        (article, url(image["url"]))
        for article in chosen
        for image in article["images"]
        if all(image["url"] not in [i["url"] for i in other["images"]] for other in chosen if other is not article)
    )


def url(path: str) -> str:
    return samples.BASE + path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_warc(*args: str, registry: Path | None = None):
    return run_cli("import-warc", *map(str, args), registry=registry, timeout=240)


def counts(db_path: Path) -> dict[str, int]:
    db = sqlite_utils.Database(db_path)
    try:
        return {
            table: db[table].count
            for table in ("articles", "article_versions", "images", "attachments", "captures", "article_images")
        }
    finally:
        db.conn.close()


def check_articles(db, manifest_articles, portal_id: str):
    """Every article has the replica's fields, its photos and documents stored with the served bytes' hashes."""
    for article in manifest_articles:
        rows = list(db["articles"].rows_where("url = ?", [url(article["url"])]))
        assert len(rows) == 1, article["url"]
        row = rows[0]
        assert row["title"] == article["title"]
        assert row["body"] == "\n\n".join(article["body"])
        assert row["published_at"] == article["published"]
        assert row["author"] == article["author"]
        assert row["sapo"] == article["sapo"]
        assert row["portal_id"] == portal_id
        assert row["origin"] == "warc"
        links = list(
            db.query(
                "SELECT * FROM article_images WHERE article_id = ? AND role = 'body' ORDER BY position", [row["id"]]
            )
        )
        assert [(link["source_url"], link["caption"]) for link in links] == [
            (url(i["url"]), i["caption"]) for i in article["images"]
        ]
        documents = list(db.query("SELECT * FROM article_attachments WHERE article_id = ?", [row["id"]]))
        assert [d["source_url"] for d in documents] == [url(d["url"]) for d in article["attachments"]]


# Heritrix 3: revisits, chunked and gzipped pages, re-import ----------------------------------------------------


@pytest.fixture(scope="module")
def heritrix(tmp_path_factory, exchanges, chosen, registry):
    folder = tmp_path_factory.mktemp("heritrix")
    pages = [url(a["url"]) for a in chosen]
    # The first article came chunked and gzipped; the second was fetched again later (a revisit), as was a photo.
    wire = {u: samples.chunked_gzip(e) if u == pages[0] else e for u, e in exchanges.items()}
    photo = url(chosen[1]["images"][0]["url"])
    warc = folder / "moduc-heritrix.warc.gz"
    captures = samples.heritrix_warc(warc, list(wire.values()), revisits=[wire[pages[1]], wire[photo]])
    db_path = folder / "archive.db"
    first = import_warc(warc, "--db", db_path, registry=registry)
    assert first.returncode == 0, first.stderr[-3000:]
    before = counts(db_path)
    second = import_warc(warc, "--db", db_path, registry=registry)
    assert second.returncode == 0, second.stderr[-3000:]
    return {
        "db_path": db_path,
        "warc": warc,
        "captures": captures,
        "first": first,
        "second": second,
        "before": before,
        "pages": pages,
        "photo": photo,
    }


def test_heritrix_articles_are_the_replicas(heritrix, chosen):
    db = sqlite_utils.Database(heritrix["db_path"])
    check_articles(db, chosen, "qni-warcrep")
    assert db["articles"].count == 3  # the home and list pages are not articles
    assert "qni-warcrep: run 1 (full) finished" in heritrix["first"].stdout
    assert "3 articles (3 new, 0 updated, 0 unchanged)" in heritrix["first"].stdout
    assert "0 failures" in heritrix["first"].stdout


def test_heritrix_blobs_are_the_bytes_in_the_warc(heritrix, exchanges, chosen):
    db = sqlite_utils.Database(heritrix["db_path"])
    images = {url(i["url"]) for a in chosen for i in a["images"]}
    documents = {url(d["url"]) for a in chosen for d in a["attachments"]}
    stored_images = {row["sha256"]: row for row in db["images"].rows}
    stored_documents = {row["sha256"]: row for row in db["attachments"].rows}
    assert set(stored_images) == {sha(exchanges[u].content) for u in images}
    assert set(stored_documents) == {sha(exchanges[u].content) for u in documents}
    for address in images:
        row = stored_images[sha(exchanges[address].content)]
        assert row["bytes"] == exchanges[address].content
        assert row["capture_id"]
    linked = db.execute("SELECT count(*) FROM article_images WHERE image_sha256 IS NULL").fetchone()[0]
    assert linked == 0


def test_heritrix_origin_and_captures_point_at_the_copied_records(heritrix, chosen):
    db = sqlite_utils.Database(heritrix["db_path"])
    copy = heritrix["db_path"].parent / "warc" / "imported" / heritrix["warc"].name
    assert copy.read_bytes() == heritrix["warc"].read_bytes()
    newest = {}
    for capture in heritrix["captures"]:
        newest[capture.url] = capture  # written in date order: the last one is the newest
    for article in chosen:
        row = next(db["articles"].rows_where("url = ?", [url(article["url"])]))
        expected = newest[url(article["url"])]
        assert row["origin_url"] == f"{heritrix['warc'].name}#offset={expected.offset};record={expected.record_id}"
        assert row["origin_date"] == expected.warc_date
        capture = db["captures"].get(row["capture_id"])
        assert capture["warc_file"] == "warc/imported/moduc-heritrix.warc.gz"
        assert (capture["offset"], capture["record_id"], capture["warc_type"]) == (
            expected.offset,
            expected.record_id,
            expected.warc_type,
        )
        record = read_record(copy, capture["offset"])
        assert record.rec_headers.get_header("WARC-Record-ID") == expected.record_id
        assert capture["length"] > 0
        assert capture["request_record_id"]


def test_heritrix_revisits_resolve_to_their_payload(heritrix, chosen, exchanges):
    db = sqlite_utils.Database(heritrix["db_path"])
    revisited = next(db["articles"].rows_where("url = ?", [heritrix["pages"][1]]))
    capture = db["captures"].get(revisited["capture_id"])
    assert capture["warc_type"] == "revisit"
    original = db["captures"].get(capture["payload_capture_id"])
    first = next(c for c in heritrix["captures"] if c.url == heritrix["pages"][1] and c.warc_type == "response")
    assert (original["offset"], original["record_id"]) == (first.offset, first.record_id)
    assert capture["refers_to_record_id"] == first.record_id
    assert revisited["title"] == chosen[1]["title"]
    photo = db["images"].get(sha(exchanges[heritrix["photo"]].content))
    assert db["captures"].get(photo["capture_id"])["warc_type"] == "revisit"


def test_heritrix_chunked_gzip_page_shows_raw_and_verifies(heritrix, exchanges):
    db = sqlite_utils.Database(heritrix["db_path"])
    article_id = next(db["articles"].rows_where("url = ?", [heritrix["pages"][0]]))["id"]
    shown = run_cli("show", str(article_id), "--raw", "--db", str(heritrix["db_path"]))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.encode("utf-8") == exchanges[heritrix["pages"][0]].content  # dechunked and gunzipped
    verified = run_cli("verify", "--db", str(heritrix["db_path"]))
    assert verified.returncode == 0, verified.stderr
    assert "WARC records checked: ok" in verified.stdout
    records = int(verified.stdout.split(" blobs and ")[1].split(" WARC")[0])
    referenced = db.execute(
        "SELECT count(*) FROM captures WHERE id IN (SELECT capture_id FROM articles UNION SELECT capture_id FROM images"
        " UNION SELECT capture_id FROM attachments UNION SELECT payload_capture_id FROM captures)"
    ).fetchone()[0]
    assert records == referenced >= 3 + db["images"].count + db["attachments"].count


def test_reimport_adds_nothing(heritrix):
    assert counts(heritrix["db_path"]) == heritrix["before"]
    assert "0 new, 0 updated, 3 unchanged" in heritrix["second"].stdout
    assert "0 new images, 0 new attachments" in heritrix["second"].stdout
    assert "already in the archive" in heritrix["second"].stdout
    db = sqlite_utils.Database(heritrix["db_path"])
    runs = list(db["crawl_runs"].rows_where(order_by="id"))
    assert [(r["spider"], r["status"], r["portal_id"]) for r in runs] == [
        ("warc-import", "finished", "qni-warcrep")
    ] * 2
    named = json.loads(runs[1]["settings"])["warc_import"]
    assert [(f["file"], f["sha256"]) for f in named] == [("moduc-heritrix.warc.gz", sha(heritrix["warc"].read_bytes()))]
    assert json.loads(runs[1]["warc_files"]) == ["warc/imported/moduc-heritrix.warc.gz"]
    assert sorted(p.name for p in (heritrix["db_path"].parent / "warc" / "imported").iterdir()) == [
        "moduc-heritrix.warc.gz"
    ]


# wget: angle brackets, uncompressed, redirects, a photo missing ------------------------------------------------


@pytest.fixture(scope="module")
def wget(tmp_path_factory, server, exchanges, chosen):
    folder = tmp_path_factory.mktemp("wget")
    owner, missing = only_photo(chosen)
    redirect = samples.fetch(server.url, "/web/guest" + chosen[0]["url"])
    assert redirect.status == 302
    not_found = samples.fetch(server.url, "/tin-tuc-su-kien/-/view_content/1-khong-co.html")
    assert not_found.status == 404  # an HTML error page: not an article, and no failure either
    kept = [redirect, not_found, *(e for u, e in exchanges.items() if u != missing)]
    warc = folder / "moduc.warc"
    captures = samples.wget_warc(warc, kept)
    db_path = folder / "archive.db"
    result = import_warc(warc, "--db", db_path)  # not in the registry: an ad-hoc portal
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        "db_path": db_path,
        "result": result,
        "missing": missing,
        "owner": owner,
        "captures": captures,
        "warc": warc,
    }


def test_wget_angle_brackets_and_ad_hoc_portal(wget, chosen):
    assert b"WARC-Target-URI: <http://moduc.replica.test/" in wget["warc"].read_bytes()
    db = sqlite_utils.Database(wget["db_path"])
    check_articles(db, chosen, "url-moduc-replica-test")
    assert db["articles"].count == 3  # the redirect led to an article that is there once, and read once
    assert "3 articles (3 new, 0 updated, 0 unchanged)" in wget["result"].stdout
    assert db["portals"].get("url-moduc-replica-test")["platform"] == "generic"
    for capture in wget["captures"]:
        row = list(db["captures"].rows_where("record_id = ?", [capture.record_id]))
        if row:
            assert row[0]["offset"] == capture.offset
            assert read_record(wget["db_path"].parent / row[0]["warc_file"], capture.offset).rec_type == "response"


def test_wget_photo_missing_from_the_warc_is_a_failure(wget, chosen):
    db = sqlite_utils.Database(wget["db_path"])
    failures = list(db["fetch_failures"].rows)
    assert [(f["url"], f["kind"], f["error"]) for f in failures] == [
        (wget["missing"], "image", "not in the WARC files")
    ]
    assert failures[0]["referer"] == url(wget["owner"]["url"])
    assert "1 failures" in wget["result"].stdout
    article = next(db["articles"].rows_where("url = ?", [url(wget["owner"]["url"])]))
    link = next(db["article_images"].rows_where("article_id = ? AND source_url = ?", [article["id"], wget["missing"]]))
    assert link["image_sha256"] is None
    verified = run_cli("verify", "--db", str(wget["db_path"]))
    assert verified.returncode == 0, verified.stderr


# Browsertrix: gzip content-encoding, --portal ----------------------------------------------------------------------


def test_browsertrix_gzip_bodies_under_the_given_portal(tmp_path, exchanges, chosen, registry):
    html = {
        u: samples.gzipped(e) if "html" in dict(e.headers).get("Content-Type", "") else e for u, e in exchanges.items()
    }
    warc = tmp_path / "crawl-20250620-moduc.warc.gz"
    samples.browsertrix_warc(warc, list(html.values()))
    assert b"content-encoding: gzip" in gzip.decompress(warc.read_bytes())
    db_path = tmp_path / "archive.db"
    result = import_warc(warc, "--portal", "qni-warcrep", "--db", db_path, registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    check_articles(db, chosen, "qni-warcrep")
    assert db["articles"].count == 3
    assert {row["sha256"] for row in db["images"].rows} == {
        sha(exchanges[url(i["url"])].content) for a in chosen for i in a["images"]
    }
    assert run_cli("verify", "--db", str(db_path)).returncode == 0


# A file cut off in the middle of a record ----------------------------------------------------------------------


def test_truncated_warc_imports_what_is_whole_and_reports_the_rest(tmp_path, exchanges, chosen, registry):
    _, photo = only_photo(chosen)
    ordered = [e for u, e in exchanges.items() if u != photo] + [exchanges[photo]]  # the photo's record comes last
    whole = tmp_path / "whole.warc.gz"
    captures = samples.heritrix_warc(whole, ordered)
    start = next(c.offset for c in captures if c.url == photo)
    db_path = tmp_path / "archive.db"
    for cut_at, name in ((start + 300, "cut-head.warc.gz"), (start + 2000, "cut-body.warc.gz")):
        cut = tmp_path / name
        cut.write_bytes(whole.read_bytes()[:cut_at])  # inside the photo's WARC headers, then inside its bytes
        result = import_warc(cut, "--db", db_path, registry=registry)
        assert result.returncode == 4, result.stderr[-3000:]  # finished, but a record was skipped
        assert "1 skipped" in result.stdout.splitlines()[-1]
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1
        assert warnings[0].startswith(f"warning: {name}: ")
        assert f"offset {start}" in warnings[0]
        assert photo in warnings[0]
        assert "cut off" in warnings[0]
    db = sqlite_utils.Database(db_path)
    check_articles(db, chosen, "qni-warcrep")
    skipped = [(r["warc_file"], r["offset"], r["url"], r["error"]) for r in db["import_failures"].rows]
    assert skipped == [
        ("cut-head.warc.gz", start, photo, "cut off: the file ends inside its headers"),
        ("cut-body.warc.gz", start, photo, skipped[1][3]),
    ]
    assert skipped[1][3].startswith("cut off: ")
    assert skipped[1][3].endswith(" bytes are missing")
    failures = [(f["url"], f["kind"], f["error"]) for f in db["fetch_failures"].rows]
    assert failures == [
        (photo, "image", "not in the WARC files"),
        (photo, "image", "truncated in the WARC file cut-body.warc.gz (the file ends inside it)"),
    ]
    assert db["images"].count == len({i["url"] for a in chosen for i in a["images"]}) - 1
    assert run_cli("verify", "--db", str(db_path)).returncode == 0


# govscraper's own WARC files --------------------------------------------------------------------------------------


def test_own_warc_of_a_crawl_imports_into_a_fresh_archive(tmp_path, server, site, manifest):
    from tests.helpers.cli import registry_entry

    registry = tmp_path / "own.toml"
    registry.write_text(registry_entry("qni-own", server, site), encoding="utf-8")
    crawled = tmp_path / "crawl" / "archive.db"
    result = run_cli("crawl", "qni-own", "--db", str(crawled), "--loopback", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    warcs = sorted((crawled.parent / "warc").glob("qni-own-*.warc.gz"))
    assert warcs
    fresh = tmp_path / "fresh" / "archive.db"
    imported = import_warc(*warcs, "--db", fresh, registry=registry)
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert "govscraper/" in imported.stdout  # the software named in govscraper's warcinfo
    db = sqlite_utils.Database(fresh)
    assert db["articles"].count == len(manifest["articles"])
    base = server.url.rstrip("/")
    for article in manifest["articles"]:
        row = next(db["articles"].rows_where("url = ?", [base + article["url"]]))
        assert (row["title"], row["body"], row["published_at"]) == (
            article["title"],
            "\n\n".join(article["body"]),
            article["published"],
        )
        assert row["portal_id"] == "qni-own"
        assert row["origin_url"].startswith("qni-own-")
        # The list pages in the file give what a crawl takes from them: the teaser and the thumbnail.
        assert row["summary"] == article["summary"]
        assert row["thumbnail_url"] == (base + article["thumbnail"] if article["thumbnail"] else None)
    source = sqlite_utils.Database(crawled)
    linked = "SELECT DISTINCT image_sha256, role FROM article_images"
    assert {tuple(r) for r in db.execute(linked)} == {tuple(r) for r in source.execute(linked)}
    assert None not in {r[0] for r in db.execute(linked)}
    attachments = "SELECT sha256 FROM attachments"
    assert {r[0] for r in db.execute(attachments)} == {r[0] for r in source.execute(attachments)}
    assert run_cli("verify", "--db", str(fresh)).returncode == 0


# Errors: one line, exit 1, nothing written -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<html><body>not a warc</body></html>\n", "not a WARC file"),
        (b"", "empty file"),
        (None, "no such file"),
    ],
)
def test_a_file_that_is_not_a_warc_is_one_line(tmp_path, content, expected):
    path = tmp_path / "input.warc.gz"
    if content is not None:
        path.write_bytes(content)
    db_path = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["import-warc", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0]
    assert str(path) in lines[0]
    assert not db_path.exists()
    assert not (tmp_path / "warc").exists()


def test_a_warc_without_html_pages_says_so(tmp_path, exchanges, chosen):
    photo = exchanges[url(chosen[0]["images"][0]["url"])]
    warc = tmp_path / "photos.warc.gz"
    samples.heritrix_warc(warc, [photo])
    db_path = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "no HTML page in photos.warc.gz" in result.output
    assert "nothing to import" in result.output
    assert not db_path.exists()


def test_a_different_file_with_an_imported_name_is_refused(tmp_path, exchanges, chosen):
    db_path = tmp_path / "archive.db"
    imported = tmp_path / "warc" / "imported" / "moduc.warc.gz"
    imported.parent.mkdir(parents=True)
    samples.heritrix_warc(imported, [exchanges[url(chosen[0]["url"])]])
    other = tmp_path / "new" / "moduc.warc.gz"
    other.parent.mkdir()
    samples.heritrix_warc(other, [exchanges[url(chosen[1]["url"])]])
    before = imported.read_bytes()
    result = CliRunner().invoke(cli, ["import-warc", str(other), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "a different file named moduc.warc.gz was imported before" in result.output
    assert imported.read_bytes() == before


# The index alone (no crawl): producer-declared truncation and digests that do not match --------------------------


def test_index_refuses_truncated_records_and_reports_bad_digests(tmp_path, exchanges, chosen):
    from govscraper.sources.warc_index import ReplayFailed, WarcIndex

    page, photo = exchanges[url(chosen[0]["url"])], exchanges[url(chosen[0]["images"][0]["url"])]
    path = tmp_path / "odd.warc"
    writer = samples.Writer(path, "WARC/1.1", compress=False)
    block = photo.http_block() + photo.body[: len(photo.body) // 2]
    writer.write(
        [
            ("WARC-Type", "response"),
            ("WARC-Target-URI", photo.url),
            ("WARC-Date", "2024-01-01T00:00:00.123456Z"),
            ("WARC-Record-ID", samples.record_id()),
            ("WARC-Truncated", "length"),  # the producer stopped reading: half the photo
            ("Content-Type", "application/http; msgtype=response"),
        ],
        block,
    )
    writer.write(
        [
            ("WARC-Type", "response"),
            ("WARC-Target-URI", page.url),
            ("WARC-Date", "2024-01-01T00:00:01Z"),
            ("WARC-Record-ID", samples.record_id()),
            ("WARC-Payload-Digest", samples.sha1_b32(b"something else")),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        page.http_block() + page.body,
    )
    document = exchanges[url(chosen[0]["attachments"][0]["url"])]
    for fields, block in (
        ([("WARC-Type", "response"), ("WARC-Date", "2024-01-01T00:00:02Z")], document.http_block() + document.body),
        (  # fetched again: a revisit naming the first capture by URI and date (written with fractions) only
            [
                ("WARC-Type", "revisit"),
                ("WARC-Date", "2024-02-01T00:00:00Z"),
                ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"),
                ("WARC-Refers-To-Target-URI", document.url),
                ("WARC-Refers-To-Date", "2024-01-01T00:00:02.000Z"),
            ],
            document.http_block(),
        ),
    ):
        fields += [("WARC-Target-URI", document.url), ("WARC-Record-ID", samples.record_id())]
        writer.write([*fields, ("Content-Type", "application/http; msgtype=response")], block)
    writer.close()
    index = WarcIndex.build([path])
    revisit = index.lookup(document.url)
    assert revisit.warc_type == "revisit"
    assert index.payload_of(revisit).warc_date == "2024-01-01T00:00:02Z"
    assert index.replay(revisit).body == document.content
    with pytest.raises(ReplayFailed, match=r"truncated in the WARC file odd\.warc \(WARC-Truncated: length\)"):
        index.replay(index.lookup(photo.url))
    assert index.problems == [
        f"odd.warc: the record at offset {index.lookup(page.url).offset} ({page.url}) does not match its payload digest"
    ]
    assert index.replay(index.lookup(page.url + "#top")).body == page.content  # fragments do not matter
    assert [r.url for r in index.pages()] == [page.url]
