"""The reading room, as a researcher meets it: ``govscraper serve`` (the real Datasette, in its own process) over a
crawl of the replica, read over HTTP and in a real browser (Debian's chromium, headless).

* photos and documents served from the archive at ``/-/image/<sha256>`` and ``/-/file/<sha256>`` with their types,
  safe names and caching headers, as thumbnails and named links in the tables, and nothing served that could run
  script in the archive's origin;
* the article page: the article as published, its photos loaded from the archive with their captions, its documents,
  provenance and versions; a hostile article inert;
* coverage: ``govscraper coverage`` and the page's charts.

Hostile rows are planted in a copy of the archive: an SVG "photo" holding a script, an HTML page stored as a photo, a
stored type that is not a type, bytes that no longer hash to their address, a document whose name is Vietnamese with
a path and a bidirectional override in it, an article full of scripts and trackers, an edited article, a lost photo.
Expected values come from the archive read with plain SQL and Python, and from headers parsed here, never from the
code under test.
"""

from __future__ import annotations

import csv
import email.message
import hashlib
import io
import json
import os
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from lxml import html as lxml_html
from selenium.webdriver.common.by import By

from govscraper.publish.serve import database_name
from govscraper.text.fold import fold
from tests.helpers.browser import browser
from tests.helpers.cli import run_cli
from tests.helpers.serving import OPENER, start_serve, stop
from tests.helpers.waiting import wait_for

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
    articles = _plant_articles(conn)
    conn.close()
    return {
        **articles,
        "db": crawled.db_path,
        "jpeg": jpeg,
        "corrupted": corrupted,
        "svg": sha(SVG),
        "html": sha(HTML),
        "odd": sha(odd),
        "document": sha(document),
    }


HOSTILE_BODY = (
    '<p onclick="alert(1)" style="background:url(http://tracker.invalid/p.gif)">Đoạn đầu tiên.</p>'
    "<script>alert(document.cookie)</script>"
    '<p><img src="http://tracker.invalid/pixel.gif" onerror="alert(2)"></p>'
    '<p><img src="{missing}"></p>'
    '<p><img src="{drawing}"></p>'
    '<p><a href="javascript:alert(3)">liên kết độc</a> <a href="/tin-tuc/bai-khac.html">bài khác</a></p>'
    '<iframe src="http://tracker.invalid/frame"></iframe><form action="http://tracker.invalid/f"><input></form>'
    "<svg><script>alert(4)</script></svg><style>body{{background:url(http://tracker.invalid/s.gif)}}</style>"
    '<object data="http://tracker.invalid/o.swf"></object><p>Đoạn cuối.</p>'
)
VERSION_ONE = "Đoạn một.\n\nĐoạn hai cũ.\n\nĐoạn bị xoá."
VERSION_TWO = "Đoạn một.\n\nĐoạn hai mới sửa.\n\nĐoạn thêm."


def _plant_articles(conn: sqlite3.Connection) -> dict[str, object]:
    """An article with photos as crawled, one made hostile (with a photo that could not be fetched), one edited once
    (two versions), and the portal marked as abolished in 2025."""
    (photos,) = conn.execute(
        "SELECT article_id FROM article_images WHERE role = 'body' GROUP BY article_id HAVING COUNT(*) >= 2 "
        "ORDER BY article_id LIMIT 1"
    ).fetchone()
    (documents,) = conn.execute(
        "SELECT article_id FROM article_attachments GROUP BY article_id HAVING COUNT(*) >= 2 ORDER BY article_id"
    ).fetchone()
    hostile, edited = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (?, ?) ORDER BY id LIMIT 2",
            [photos, documents],
        )
    ]
    url = conn.execute("SELECT url FROM articles WHERE id = ?", [hostile]).fetchone()[0]
    missing = urllib.parse.urljoin(url, "/anh/khong-con.jpg")
    drawing = urllib.parse.urljoin(url, "/anh/bieu-do.svg")  # an SVG photo holding a script
    lost_document = urllib.parse.urljoin(url, "/van-ban/quyet-dinh.pdf")
    after = "(SELECT coalesce(max(position), -1) + 1 FROM {} WHERE article_id = ?)"  # after what it already links
    with conn:
        conn.execute("UPDATE articles SET body_html = ? WHERE id = ?",
                     [HOSTILE_BODY.format(missing=missing, drawing=drawing), hostile])  # fmt: skip
        for sha256, source, caption in ((None, missing, "Ảnh đã mất"), (sha(SVG), drawing, "Biểu đồ")):
            conn.execute(
                "INSERT INTO article_images (article_id, position, image_sha256, role, caption, source_url) "
                f"VALUES (?, {after.format('article_images')}, ?, 'body', ?, ?)",
                [hostile, hostile, sha256, caption, source],
            )
        conn.execute(
            "INSERT INTO article_attachments (article_id, position, attachment_sha256, title, source_url) "
            f"VALUES (?, {after.format('article_attachments')}, NULL, 'Quyết định', ?)",
            [hostile, hostile, lost_document],
        )
        for source, kind, status, error in ((missing, "image", 404, "HTTP 404 Not Found"),
                                            (lost_document, "attachment", 403, "HTTP 403 Forbidden")):  # fmt: skip
            conn.execute(
                "INSERT INTO fetch_failures (portal_id, url, kind, status, error, failed_at) "
                "VALUES ('qni-replica', ?, ?, ?, ?, '2025-01-01')",
                [source, kind, status, error],
            )
        (title,) = conn.execute("SELECT title FROM articles WHERE id = ?", [edited]).fetchone()
        conn.execute("UPDATE articles SET body = ? WHERE id = ?", [VERSION_TWO, edited])
        conn.execute(
            "INSERT INTO article_versions (article_id, version, url, title, body, content_sha256, images, "
            "attachments, captured_at) VALUES (?, 1, ?, 'Tiêu đề cũ', ?, 'x', '[]', '[]', '2024-05-01T08:00:00Z')",
            [edited, url, VERSION_ONE],
        )
        conn.execute(
            "UPDATE portals SET became = 'xã Mộ Đức\nxã Long Phụng', province_after = 'Quảng Ngãi' "
            "WHERE id = 'qni-replica'"
        )
    return {"photos": photos, "documents": documents, "hostile": hostile, "edited": edited, "title": title,
            "missing": missing, "lost_document": lost_document}  # fmt: skip


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
    linked = stored(planted["db"], "SELECT DISTINCT image_sha256 FROM article_images WHERE image_sha256 IS NOT NULL")
    assert linked
    assert all(f'<img src="/-/image/{digest}"' in text for (digest,) in linked)


# The article page.


def article(server: str, planted, article_id: int, query: str = "") -> lxml_html.HtmlElement:
    status, headers, page = fetch(f"{server}/{database_name(planted['db'])}/-/article/{article_id}{query}")
    assert status == 200, page[:500]
    assert headers["Content-Type"].startswith("text/html")
    return lxml_html.fromstring(page.decode("utf-8")).find(".//article")


def test_an_article_reads_as_published_with_its_photos_from_the_archive(server, planted):
    conn = sqlite3.connect(planted["db"])
    row = conn.execute("SELECT title, sapo, published_at, author, category, views, url FROM articles WHERE id = ?",
                       [planted["photos"]]).fetchone()  # fmt: skip
    links = conn.execute("SELECT image_sha256, caption FROM article_images WHERE article_id = ? AND role = 'body' "
                         "ORDER BY position", [planted["photos"]]).fetchall()  # fmt: skip
    conn.close()
    title, sapo, published, author, category, views, url = row
    page = article(server, planted, planted["photos"])
    assert page.findtext("h1") == title
    assert page.find(".//p[@class='sapo']").text_content() == sapo
    assert page.find(".//dd[@class='published']").text_content() == published
    assert page.find(".//dd[@class='author']").text_content() == author
    assert page.find(".//dd[@class='category']").text_content() == category
    assert page.find(".//dd[@class='views']").text_content() == f"{views:,}"
    meta = page.find(".//p[@class='meta']").text_content()
    assert "Quảng Ngãi" in meta
    assert "since 2025-07-01: xã Mộ Đức, xã Long Phụng" in meta
    figures = page.findall(".//div[@class='body']//figure")
    assert [figure.find("img").get("src") for figure in figures] == [f"/-/image/{sha}" for sha, _ in links]
    for figure, (_, caption) in zip(figures, links, strict=True):
        assert (figure.findtext("figcaption") or "") == (caption or "")
    assert not [img for img in page.iter("img") if not img.get("src", "").startswith("/-/image/")]
    assert page.find(".//a[@class='wayback']").get("href").startswith("https://web.archive.org/web/20")
    assert page.find(".//a[@class='wayback']").get("href").endswith("/" + url)
    capture = page.find(".//dd[@class='capture']").text_content()
    assert re.search(r"response record <urn:uuid:[0-9a-f-]+> in warc/\S+\.warc\.gz at offset \d+", capture)


def test_a_hostile_article_renders_inert_and_a_lost_photo_says_so(server, planted):
    page = article(server, planted, planted["hostile"])
    body = page.find(".//div[@class='body']")
    markup = lxml_html.tostring(body, encoding="unicode")
    assert [p.text_content() for p in body.iter("p") if p.text_content().strip()][:1] == ["Đoạn đầu tiên."]
    assert "Đoạn cuối." in markup
    for banned in ("<script", "<iframe", "<form", "<object", "<svg", "<style", "onclick", "onerror", "javascript:",
                   "style=", 'src="http', 'href="http://tracker'):  # fmt: skip
        assert banned not in markup, banned
    # The tracker's pixel and the lost photo: no image, no request; the SVG photo: the archive's copy only.
    assert [img.get("src") for img in body.iter("img")] == [f"/-/image/{sha(SVG)}"]
    pixel, lost, drawing = body.findall(".//figure")
    assert drawing.findtext("figcaption") == "Biểu đồ"
    assert pixel.get("class") == lost.get("class") == "photo missing"
    assert (
        pixel.findtext("figcaption") == "Ảnh không được lưu trữ (photo not archived) — http://tracker.invalid/pixel.gif"
    )
    assert (
        lost.findtext("figcaption")
        == f"Ảnh không được lưu trữ (photo not archived): HTTP 404 Not Found — {planted['missing']}"
    )
    (other,) = [a for a in body.iter("a") if a.text == "bài khác"]
    assert other.get("href") == urllib.parse.urljoin(planted["missing"], "/tin-tuc/bai-khac.html")
    assert "noopener" in other.get("rel")
    assert [a.get("href") for a in body.iter("a") if a.text == "liên kết độc"] == [None]
    (document,) = page.findall(".//ul[@class='documents']/li")
    assert not document.findall(".//a")  # says so instead of linking away
    said = f"Tệp không được lưu trữ (document not archived): HTTP 403 Forbidden — {planted['lost_document']}"
    assert document.text_content().strip() == said


def test_documents_are_listed_with_their_names_and_download_from_the_archive(server, planted):
    conn = sqlite3.connect(planted["db"])
    expected = conn.execute(
        "SELECT d.sha256, d.filename, d.mime, d.size FROM article_attachments l JOIN attachments d "
        "ON d.sha256 = l.attachment_sha256 WHERE l.article_id = ? ORDER BY l.position", [planted["documents"]]
    ).fetchall()  # fmt: skip
    conn.close()
    page = article(server, planted, planted["documents"])
    items = page.findall(".//ul[@class='documents']/li")
    assert len(items) == len(expected) >= 2
    for item, (digest, name, mime, size) in zip(items, expected, strict=True):
        link = item.find("a")
        assert link.get("href") == f"/-/file/{digest}"
        assert link.text == name
        assert f"({mime}, {size:,} bytes)" in item.text_content()
        status, headers, body = fetch(server + link.get("href"))
        assert status == 200
        assert sha(body) == digest
        assert disposition(headers["Content-Disposition"]) == ("attachment", name)


def test_versions_are_listed_and_any_two_compared(server, planted):
    page = article(server, planted, planted["edited"])
    assert [li.text_content().split(",")[0] for li in page.findall(".//ol[@class='versions']/li")] == [
        "version 1", "version 2"]  # fmt: skip
    changes = [li.text_content() for li in page.findall(".//ul[@class='field-changes']/li")]
    assert f"title: 'Tiêu đề cũ' -> {planted['title']!r}" in changes
    rows = page.findall(".//table[@class='diff']/tbody/tr")
    assert [row.get("class") for row in rows] == ["changed", "changed"]
    first, second = ([lxml_html.tostring(cell, encoding="unicode") for cell in row.findall("td")] for row in rows)
    assert first == ["<td>Đoạn hai <del>cũ.</del></td>", "<td>Đoạn hai <ins>mới sửa.</ins></td>"]
    assert second == ["<td>Đoạn <del>bị xoá.</del></td>", "<td>Đoạn <ins>thêm.</ins></td>"]
    assert "1 paragraphs unchanged" in page.text_content()
    same = article(server, planted, planted["edited"], "?from=2&to=2")
    assert "The body text is the same." in same.text_content()
    status, _, body = fetch(f"{server}/{database_name(planted['db'])}/-/article/{planted['edited']}?from=1&to=9")
    assert status == 404
    assert b"not 1 and 9" in body


def test_an_article_the_archive_does_not_hold_is_404(server, planted):
    status, _, body = fetch(f"{server}/{database_name(planted['db'])}/-/article/999999")
    assert status == 404
    assert b"no archived article with id or URL" in body


def test_the_articles_table_links_each_title_to_its_page(server, planted):
    status, _, page = fetch(f"{server}/{database_name(planted['db'])}/articles?_view=reading&_size=max")
    assert status == 200
    text = page.decode("utf-8")
    assert f'href="/{database_name(planted["db"])}/-/article/{planted["photos"]}"' in text


# In a real browser (Debian's chromium, headless).


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chromium")
    downloads = folder / "downloads"
    downloads.mkdir()
    with browser(folder / "profile", downloads) as driver:
        driver.downloads = downloads
        yield driver


def settled(driver) -> None:
    """Wait until the page and every image on it have finished loading (loaded or failed: an event, not a delay)."""
    wait_for(
        lambda: driver.execute_script(
            "return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)"
        ),
        "the page and its images loaded",
    )


def test_the_article_page_shows_every_photo_loaded_with_its_caption_under_it(chromium, server, planted):
    conn = sqlite3.connect(planted["db"])
    title, body = conn.execute("SELECT title, body FROM articles WHERE id = ?", [planted["photos"]]).fetchone()
    first_paragraph = next(p for p in body.split("\n\n") if p.strip())
    captions = [c or "" for (c,) in conn.execute(
        "SELECT caption FROM article_images WHERE article_id = ? AND role = 'body' ORDER BY position",
        [planted["photos"]])]  # fmt: skip
    conn.close()
    chromium.get(f"{server}/{database_name(planted['db'])}/-/article/{planted['photos']}")
    settled(chromium)
    assert chromium.find_element(By.CSS_SELECTOR, "article h1").text == title
    assert first_paragraph in chromium.find_element(By.CSS_SELECTOR, "article .body").text
    figures = chromium.execute_script(
        """return Array.from(document.querySelectorAll('article .body figure')).map(f => {
             const img = f.querySelector('img'), cap = f.querySelector('figcaption');
             return {width: img ? img.naturalWidth : 0, src: img ? img.getAttribute('src') : null,
                     imgBottom: img ? img.getBoundingClientRect().bottom : null,
                     capTop: cap ? cap.getBoundingClientRect().top : null, caption: cap ? cap.textContent : ''};
           })"""
    )
    assert len(figures) == len(captions) >= 2
    for figure, caption in zip(figures, captions, strict=True):
        assert figure["width"] > 0, figure  # the photo loaded, from the archive
        assert figure["src"].startswith("/-/image/")
        assert figure["caption"] == caption
        if caption:
            assert figure["capTop"] >= figure["imgBottom"] - 1, figure  # under its photo
    requested = chromium.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert requested
    assert all(name.startswith(server) for name in requested), requested


def test_an_attachment_downloads_with_its_name(chromium, server, planted):
    conn = sqlite3.connect(planted["db"])
    digest, name = conn.execute(
        "SELECT d.sha256, d.filename FROM article_attachments l JOIN attachments d ON d.sha256 = l.attachment_sha256 "
        "WHERE l.article_id = ? ORDER BY l.position LIMIT 1", [planted["documents"]]).fetchone()  # fmt: skip
    conn.close()
    chromium.get(f"{server}/{database_name(planted['db'])}/-/article/{planted['documents']}")
    settled(chromium)
    chromium.find_element(By.CSS_SELECTOR, f'ul.documents a[href="/-/file/{digest}"]').click()
    saved = chromium.downloads / name
    wait_for(lambda: saved.is_file() and not list(chromium.downloads.glob("*.crdownload")), f"{name} downloaded")
    assert sha(saved.read_bytes()) == digest


def test_a_search_from_the_search_box_lands_on_the_article(chromium, server, planted):
    conn = sqlite3.connect(planted["db"])
    (title,) = conn.execute("SELECT title FROM articles WHERE id = ?", [planted["photos"]]).fetchone()
    conn.close()
    chromium.get(f"{server}/{database_name(planted['db'])}/articles")
    settled(chromium)
    assert "_view=reading" in chromium.current_url
    box = chromium.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys(fold(title))  # without diacritics, as a researcher may type it
    box.submit()
    link = f'a.govscraper-article[href$="/-/article/{planted["photos"]}"]'
    wait_for(lambda: chromium.find_elements(By.CSS_SELECTOR, link), "the article among the hits")
    chromium.find_element(By.CSS_SELECTOR, link).click()
    wait_for(lambda: chromium.find_elements(By.CSS_SELECTOR, "article h1"), "the article page")
    assert chromium.find_element(By.CSS_SELECTOR, "article h1").text == title


def test_a_hostile_article_runs_nothing_and_requests_nothing_in_the_browser(chromium, server, planted):
    from selenium.common.exceptions import NoAlertPresentException

    chromium.get(f"{server}/{database_name(planted['db'])}/-/article/{planted['hostile']}")
    settled(chromium)
    with pytest.raises(NoAlertPresentException):
        chromium.switch_to.alert.text  # noqa: B018 (an alert from the article's script would be open here)
    assert chromium.execute_script("return document.querySelectorAll('article script, article iframe').length") == 0
    requested = chromium.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in requested if "tracker.invalid" in name or not name.startswith(server)], requested
    assert "Đoạn cuối." in chromium.find_element(By.CSS_SELECTOR, "article .body").text


# Coverage: the command and the page.


def expected_coverage(db: Path) -> dict[str, object]:
    """The replica portal's months, gaps and years, from its rows read with plain Python."""
    conn = sqlite3.connect(db)
    dates = [d for (d,) in conn.execute("SELECT published_at FROM articles WHERE portal_id = 'qni-replica'")]
    years: dict[str, set] = {}
    for year, kind, digest in conn.execute(
        "SELECT substr(a.published_at, 1, 4), 'photos', l.image_sha256 FROM article_images l JOIN articles a "
        "ON a.id = l.article_id WHERE l.image_sha256 IS NOT NULL UNION ALL "
        "SELECT substr(a.published_at, 1, 4), 'documents', l.attachment_sha256 FROM article_attachments l "
        "JOIN articles a ON a.id = l.article_id WHERE l.attachment_sha256 IS NOT NULL"
    ):
        years.setdefault((year, kind), set()).add(digest)
    runs = conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0]
    conn.close()
    months = sorted({d[:7] for d in dates})
    span, (year, month) = [], (int(months[0][:4]), int(months[0][5:]))
    while f"{year:04d}-{month:02d}" <= months[-1]:
        span.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "articles": len(dates),
        "first": min(dates)[:10],
        "last": max(dates)[:10],
        "span": span,
        "gaps": [m for m in span if m not in months],
        "years": sorted({d[:4] for d in dates}),
        "photos": {y: len(years.get((y, "photos"), ())) for y in sorted({d[:4] for d in dates})},
        "runs": runs,
    }


def test_coverage_command_finds_the_months_without_articles(planted, clean_site):
    expected = expected_coverage(planted["db"])
    # The replica, like Liferay 6.2, states a list's total beside its pager, which only a list longer than a page has.
    manifest = clean_site.manifest()
    paged = [c["count"] for c in manifest["categories"] if c["count"] > manifest["delta"]]
    assert paged
    assert len(paged) < len(manifest["categories"])  # some lists fit on one page and announce nothing
    assert expected["gaps"]  # the replica publishes irregularly: there are months to find
    result = run_cli("coverage", "--db", str(planted["db"]), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (row,) = data["portals"]
    assert (row["portal_id"], row["articles"], row["first"], row["last"]) == (
        "qni-replica", expected["articles"], expected["first"], expected["last"])  # fmt: skip
    assert row["months"] == len(expected["span"])
    assert row["months_without_articles"] == expected["gaps"]
    assert (row["announced"], row["announced_exact"], row["lists"]) == (sum(paged), True, len(paged))
    assert row["crawls"] == expected["runs"]
    assert row["crawls_failed"] == 0
    assert row["last_finished_crawl"]
    assert {y["year"]: y["photos"] for y in data["per_year"]} == expected["photos"]
    assert sum(data["per_month"]["qni-replica"].values()) == expected["articles"]

    table = run_cli("coverage", "--db", str(planted["db"]))
    assert table.returncode == 0
    header, line = table.stdout.splitlines()
    assert header.split()[:6] == ["portal", "articles", "announced", "first", "last", "months"]
    announced = f"{sum(paged)} ({len(paged)} list{'s' if len(paged) != 1 else ''})"
    start = f"qni-replica {expected['articles']} {announced} {expected['first']} {expected['last']} "
    assert " ".join(line.split()).startswith(start + str(len(expected["span"])) + " ")
    assert f"{len(expected['gaps'])} ({', '.join(expected['gaps'][:3])} +{len(expected['gaps']) - 3})" in line

    rows = list(csv.DictReader(io.StringIO(run_cli("coverage", "--db", str(planted["db"]), "--format", "csv").stdout)))
    assert [r["months_without_articles"].split() for r in rows] == [expected["gaps"]]

    unknown = run_cli("coverage", "--db", str(planted["db"]), "--portal", "qni-none")
    assert unknown.returncode == 1
    assert "no portal 'qni-none'" in unknown.stderr


def test_the_coverage_page_draws_every_month_and_marks_the_gaps(chromium, server, planted):
    expected = expected_coverage(planted["db"])
    chromium.get(f"{server}/{database_name(planted['db'])}/-/coverage")
    settled(chromium)
    count = lambda selector: chromium.execute_script(f"return document.querySelectorAll({selector!r}).length")  # noqa: E731
    assert count("svg.heat-map rect.cell") == len(expected["span"])
    assert count("svg.heat-map rect.gap") == len(expected["gaps"])
    assert count("svg.monthly-bars rect.bar") == len(expected["span"]) - len(expected["gaps"])
    assert count("svg.yearly-bars rect.bar") == 2 * len(expected["years"])
    assert count("svg.runs circle.run") == expected["runs"]
    width = chromium.execute_script("return document.querySelector('svg.heat-map').getBoundingClientRect().width")
    assert width > 100  # drawn, not just present
    gaps = chromium.find_element(By.CSS_SELECTOR, "tr[data-portal='qni-replica'] td.gaps")
    assert gaps.get_attribute("data-gaps") == str(len(expected["gaps"]))
    status, _, body = fetch(f"{server}/{database_name(planted['db'])}/-/coverage?portal=qni-none")
    assert status == 404
    assert b"no portal qni-none" in body


# The documentation's screenshots are this server's pages: GOVSCRAPER_SCREENSHOTS=docs writes them there.

SCREENSHOTS = {
    "reading-room-articles.png": "/articles",
    "reading-room-search.png": "/articles?_search=mo+duc",
    "reading-room-coverage.png": "/-/coverage",
}


def test_screenshots_of_the_reading_room(chromium, server, planted, tmp_path):
    """The pages as ``serve`` shows them, saved as PNG (into ``$GOVSCRAPER_SCREENSHOTS`` when set: how the pictures
    in docs/research.md are made, ``GOVSCRAPER_SCREENSHOTS=docs .venv/bin/pytest -n 0 tests/e2e/test_reading_room.py
    -k screenshots``)."""
    folder = Path(os.environ.get("GOVSCRAPER_SCREENSHOTS") or tmp_path)
    pages = {**SCREENSHOTS, "reading-room-article.png": f"/-/article/{planted['photos']}"}
    for name, path in pages.items():
        chromium.get(f"{server}/{database_name(planted['db'])}{path}")
        settled(chromium)
        assert chromium.save_screenshot(str(folder / name))
        picture = (folder / name).read_bytes()
        assert picture.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(picture) > 20_000  # a page, not a blank
