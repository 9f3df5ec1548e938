"""Photos and documents in the reading room: ``govscraper serve`` (the real Datasette, in its own process) serves the
archived bytes at ``/-/image/<sha256>`` and ``/-/file/<sha256>`` with their types, safe names and caching headers,
shows photos as thumbnails in its tables, and serves nothing that could run script in the archive's origin.

The archive is a crawl of the replica, with hostile rows planted in a copy: an SVG "photo" holding a script, an HTML
page stored as a photo, a stored type that is not a type, bytes that no longer hash to their address, and a document
whose name is Vietnamese with a path and a bidirectional override in it. Expected values come from the archive read
with plain SQL and from the headers parsed by the standard library's e-mail parser, not from the code under test.
"""

from __future__ import annotations

import email.message
import hashlib
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from govscraper.publish.serve import database_name
from tests.helpers.serving import OPENER, start_serve, stop

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
HTML = b"<html><body><script>fetch('/archive.json')</script>trang</body></html>"
EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}
PLANTED_NAME = "../../Quyết định số 12\u202egpj.exe.pdf"  # as a hostile server could name it


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def planted(crawled_archive, tmp_path_factory) -> dict[str, object]:
    """A copy of the replica's archive with the hostile rows added; what was planted, by name."""
    crawled = crawled_archive("qni-replica")
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    conn = sqlite3.connect(crawled.db_path)
    (jpeg,) = conn.execute("SELECT sha256 FROM images WHERE mime = 'image/jpeg' ORDER BY sha256 LIMIT 1").fetchone()
    (corrupted,) = conn.execute("SELECT sha256 FROM images WHERE mime = 'image/png' ORDER BY sha256").fetchone()
    document = b"%PDF-1.4\n% planted\n"
    odd = b"\x00\x01 odd bytes"
    with conn:
        insert = "INSERT INTO images (sha256, bytes, mime, size, first_url, fetched_at) VALUES (?, ?, ?, ?, ?, ?)"
        for data, mime in ((SVG, "image/svg+xml"), (HTML, "text/html"), (odd, "../../x y")):
            conn.execute(insert, [sha(data), data, mime, len(data), "http://portal.invalid/x", "2025-01-01"])
        conn.execute("UPDATE images SET bytes = X'00' || bytes WHERE sha256 = ?", [corrupted])
        conn.execute(
            "INSERT INTO attachments (sha256, bytes, mime, filename, size, first_url, fetched_at) "
            "VALUES (?, ?, 'application/pdf', ?, ?, 'http://portal.invalid/d', '2025-01-01')",
            [sha(document), document, PLANTED_NAME, len(document)],
        )
    conn.close()
    return {
        "db": crawled.db_path,
        "jpeg": jpeg,
        "corrupted": corrupted,
        "svg": sha(SVG),
        "html": sha(HTML),
        "odd": sha(odd),
        "document": sha(document),
    }


@pytest.fixture(scope="module")
def server(planted, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve-files") / "serve.log"
    process, base = start_serve(planted["db"], log)
    try:
        yield base
    finally:
        stop(process)


def fetch(url: str, **headers: str) -> tuple[int, email.message.Message, bytes]:
    """Status, headers (names without case, as HTTP has them) and body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def disposition(value: str) -> tuple[str, str | None]:
    """The disposition type and the file name a browser takes: ``filename*`` (RFC 8187, UTF-8, percent-encoded) when
    given, as RFC 6266 asks, else ``filename``."""
    kind = value.split(";", 1)[0].strip()
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", value)
    if extended:
        return kind, urllib.parse.unquote(extended.group(1), errors="strict")
    plain = re.search(r'filename="([^"]*)"', value)
    return kind, plain.group(1) if plain else None


def assert_inert(headers: email.message.Message) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def stored(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_photo_is_served_as_archived_and_shown_in_place(server, planted):
    photos = stored(planted["db"], "SELECT sha256, mime FROM images WHERE mime IN ('image/jpeg', 'image/png')")
    assert len(photos) >= 50
    for digest, mime in photos:
        status, headers, body = fetch(f"{server}/-/image/{digest}")
        if digest == planted["corrupted"]:
            continue
        assert status == 200, (digest, body[:200])
        assert sha(body) == digest
        assert headers["Content-Type"] == mime
        assert disposition(headers["Content-Disposition"]) == ("inline", f"{digest}.{EXTENSION[mime]}")
        assert headers["ETag"] == f'"{digest}"'
        assert "immutable" in headers["Cache-Control"]
        assert "max-age=31536000" in headers["Cache-Control"]
        assert_inert(headers)


def test_a_photo_the_browser_has_is_not_sent_again(server, planted):
    digest = planted["jpeg"]
    status, headers, body = fetch(f"{server}/-/image/{digest}", **{"If-None-Match": f'"{digest}"'})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == f'"{digest}"'
    status, _, body = fetch(f"{server}/-/image/{digest}", **{"If-None-Match": '"' + "0" * 64 + '"'})
    assert status == 200
    assert sha(body) == digest


def test_every_document_downloads_under_its_name_with_its_type(server, planted):
    documents = stored(planted["db"], "SELECT sha256, mime, filename FROM attachments WHERE sha256 != "
                       f"'{planted['document']}'")  # fmt: skip
    assert len(documents) >= 10
    for digest, mime, name in documents:
        status, headers, body = fetch(f"{server}/-/file/{digest}")
        assert status == 200, (digest, body[:200])
        assert sha(body) == digest
        assert headers["Content-Type"] == mime
        assert disposition(headers["Content-Disposition"]) == ("attachment", name)
        assert_inert(headers)


def test_a_vietnamese_name_arrives_whole_and_a_hostile_one_without_its_path_or_override(server, planted):
    status, headers, body = fetch(f"{server}/-/file/{planted['document']}")
    assert status == 200
    assert sha(body) == planted["document"]
    kind, name = disposition(headers["Content-Disposition"])
    assert kind == "attachment"
    assert name == "Quyết định số 12gpj.exe.pdf"  # the last path segment, the override character gone
    plain = re.search(r'filename="([^"]*)"', headers["Content-Disposition"]).group(1)
    assert plain == "Quyet_dinh_so_12gpj.exe.pdf"
    assert plain.isascii()


@pytest.mark.parametrize("kind", ["svg", "html", "odd"])
def test_a_photo_that_could_run_script_is_a_download_that_cannot_run(server, planted, kind):
    digest = planted[kind]
    status, headers, body = fetch(f"{server}/-/image/{digest}")
    assert status == 200
    assert sha(body) == digest
    expected_type = {"svg": "image/svg+xml", "html": "text/html", "odd": "application/octet-stream"}[kind]
    assert headers["Content-Type"].split(";")[0] == expected_type
    assert disposition(headers["Content-Disposition"])[0] == "attachment"
    assert_inert(headers)


def test_bytes_that_do_not_hash_to_their_address_are_not_served(server, planted):
    status, headers, body = fetch(f"{server}/-/image/{planted['corrupted']}")
    assert status == 500
    assert b"do not hash to it: run govscraper verify" in body
    assert "ETag" not in headers
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/-/image/" + "0" * 64, "/-/file/" + "0" * 64, "/-/image/..%2F..%2Fetc%2Fpasswd", "/-/file/ABC", "/-/image/x"],
)
def test_an_address_the_archive_does_not_hold_is_404_with_why(server, path):
    status, headers, body = fetch(server + path)
    assert status == 404
    assert b"no photo" in body or b"no document" in body or b"not a" in body
    assert_inert(headers)


def test_tables_show_photos_as_thumbnails_and_documents_as_named_links(server, planted):
    db = f"{server}/{database_name(planted['db'])}"
    status, _, page = fetch(f"{db}/images?_size=max")
    assert status == 200
    text = page.decode("utf-8")
    assert f'<img src="/-/image/{planted["jpeg"]}"' in text
    assert f'<img src="/-/image/{planted["svg"]}"' not in text  # an SVG is never drawn from the archive's origin
    assert f'href="/-/image/{planted["svg"]}"' in text
    assert "&lt;Binary" not in text
    assert "<Binary" not in text

    status, _, page = fetch(f"{db}/attachments?_size=max")
    text = page.decode("utf-8")
    for digest, name in stored(planted["db"], "SELECT sha256, filename FROM attachments WHERE filename NOT LIKE '%/%'"):
        assert f'<a href="/-/file/{digest}">{name}</a>' in text

    status, _, page = fetch(f"{db}/article_images?_size=max")
    text = page.decode("utf-8")
    linked = stored(planted["db"], "SELECT DISTINCT image_sha256 FROM article_images")
    assert linked
    assert all(f'<img src="/-/image/{digest}"' in text for (digest,) in linked)
