"""The replica portal: markup contract, pagination, media, faults, determinism, size and the entry point.

Everything is checked over real HTTP on 127.0.0.1 with ``urllib.request`` / ``http.client`` and parsed with
parsel using the selectors of the real Liferay 6.2 pages (``tests/fixtures/liferay62/PROVENANCE.md``); expected
values come from the site's ground truth (``site.manifest()``), which is what the crawler's tests rely on.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import inspect
import io
import itertools
import json
import re
import select
import signal
import subprocess
import sys
import threading
import unicodedata
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from PIL import Image, UnidentifiedImageError

from govscraper_replica import FAULT_KINDS, ReplicaServer, build_site
from govscraper_replica import images as images_module
from govscraper_replica import render as render_module
from govscraper_replica import sample_documents as documents_module
from govscraper_replica import server as server_module
from govscraper_replica.render import Renderer
from govscraper_replica.site import ReplicaSite
from govscraper_replica.urls import list_path, slugify
from tests.helpers.waiting import PATIENCE, wait_for

ROOT = Path(__file__).resolve().parents[2]
PORTAL = "Cổng thông tin điện tử huyện Mộ Đức"
TYPICAL_TITLE = "Tổng kết công tác phối hợp giữa UBND huyện với UBMTTQVN huyện năm 2021"
ARTICLE_URL = re.compile(r"^/(?P<cat>[a-z0-9-]+)/-/view_content/(?P<id>\d{6,7})-(?P<slug>[a-z0-9-]+)\.html$")
CUR = re.compile(r"[?&]_101_cur=(\d+)")
VISITOR_COUNTER = re.compile(r"Online \d+ Hôm nay \d+ Tổng \d{1,3}(?:\.\d{3})+")
#: Page chrome every article page shows and that must never be part of the article body.
CHROME = (
    "In trang",
    "Gửi email",
    "Chia sẻ",
    "Xem với cỡ chữ : A- A A+",
    "Ủy ban nhân dân huyện Mộ Đức",
    "Các tin khác",
    "Truy cập nội dung luôn",
)


# -- fixtures and helpers ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return build_site(faults="all")


@pytest.fixture(scope="module")
def server(site: ReplicaSite):
    with ReplicaServer(site, timeout_delay=2) as srv:
        yield srv


def fetch(server: ReplicaServer, path: str, *, method: str = "GET", timeout: float = 10) -> tuple[int, Any, bytes]:
    """(status, headers, body) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(server.url.rstrip("/") + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def page(server: ReplicaServer, path: str) -> Selector:
    status, headers, body = fetch(server, path)
    assert status == 200, path
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    return Selector(body.decode("utf-8"))


def text(node: Selector) -> str:
    """The visible text of a node, spaces collapsed (``&nbsp;`` is a space)."""
    return " ".join((node.xpath("string()").get() or "").replace("\xa0", " ").split())


def list_date(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y | %I:%M %p")


def article_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{moment:%d/%m/%Y} | {moment.hour % 12 or 12}:{moment:%M} {moment:%p}"


def read_list_page(sel: Selector) -> list[dict[str, Any]]:
    items = []
    for item in sel.css("#p_p_id_101_ div.asset-bounddary > div.asset-abstract > div.asset-content.normal-news"):
        items.append(
            {
                "url": item.css("h3.asset-title > a::attr(href)").get(),
                "title": text(item.css("h3.asset-title > a")),
                "date": text(item.css("div.assetPublishDate.block_timer")),
                "summary": text(item.css("div.asset-summary")),
                "thumbnail": item.css("div.asset-image > a > img::attr(src)").get(),
                "thumbnail_link": item.css("div.asset-image > a::attr(href)").get(),
                "custom_style": item.css("div.asset-content-custom::attr(style)").get(),
            }
        )
    return items


def read_article(sel: Selector) -> dict[str, Any]:
    """The fields of an article page, read with the selectors of the fixtures' PROVENANCE.md."""
    content = sel.css("div.asset-full-content.show-asset-title > div.asset-content")
    body = content.css("div.journal-content-article")
    paragraphs, images, attachments, authors = [], [], [], []
    after_image = False
    for p in body.xpath("./p"):
        value = text(p)
        if p.attrib.get("class") == "view-content-author":
            authors.append(value)
        elif p.css("img"):
            img = p.css("img")
            images.append({"url": img.attrib["src"], "caption": None, "alt": img.attrib.get("alt")})
            after_image = True
            continue
        elif after_image and p.attrib.get("style") == "text-align: center;" and p.css("em"):
            images[-1]["caption"] = value
        elif p.attrib.get("style") == "text-align: right;":
            authors.append(value)
        elif value:
            paragraphs.append(value)
            attachments += [{"url": a.attrib["href"], "title": text(a)} for a in p.css("a[href^='/documents/']")]
        after_image = False
    return {
        "id": content.attrib.get("id"),
        "category": text(sel.css("section#portlet_101 span.portlet-title-text")),
        "title": text(sel.css("div.asset-full-content-title")),
        "date": text(sel.css("div.assetPublishDate.block_timer")),
        "sapo": text(content.css("div.sapo-wrapper.clearfix > p.sapo > strong")),
        "body": paragraphs,
        "images": images,
        "attachments": attachments,
        "authors": authors,
        "first_p": body.xpath("./p[1]").get(),
        "last_child": body.xpath("./*[last()]/@class").get(),
        "related": sel.css("div.related_asset > ul.related_asset_list li a::attr(href)").getall(),
        "related_title": text(sel.css("div.related_asset > div.related_asset_title")),
    }


@pytest.fixture(scope="module")
def walked(server: ReplicaServer, site: ReplicaSite) -> dict[str, list[tuple[Selector, list[dict[str, Any]]]]]:
    """Every list page of every category, reached by following the pager's "next" button from page 1."""
    result: dict[str, list[tuple[Selector, list[dict[str, Any]]]]] = {}
    for category in site.categories:
        pages = []
        path: str | None = f"/{category.slug}"
        while path:
            sel = page(server, path)
            pages.append((sel, read_list_page(sel)))
            nxt = sel.css("ul.pager.lfr-pagination-buttons > li:nth-child(3) > a::attr(href)").get()
            path = None if nxt in (None, "javascript:;") else nxt
            assert len(pages) <= 50
        result[category.slug] = pages
    return result


# -- the generated content ---------------------------------------------------------------------------------
def test_default_site_has_the_promised_shape(site: ReplicaSite):
    assert len(site.articles) == 36
    assert [c.slug for c in site.categories][:3] == ["tin-tuc-su-kien", "kinh-te-xa-hoi", "van-hoa-xa-hoi"]
    assert sum(c.count for c in site.categories) == 36
    assert sum(c.count > site.delta for c in site.categories) >= 2  # two categories paginate
    assert any(0 < c.count <= site.delta for c in site.categories)  # and one has no pager
    moments = [a.published for a in site.articles]
    assert moments == sorted(moments, reverse=True)  # newest first
    assert len({a.id for a in site.articles}) == len({a.title for a in site.articles}) == 36
    for article in site.articles:
        assert 100_000 <= article.id <= 9_999_999
        moment = datetime.fromisoformat(article.published)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00", article.published)
        assert date(2019, 1, 1) <= moment.date() < date(2025, 7, 1)
        assert 7 <= moment.hour <= 17
        assert 100 <= article.views <= 5000
        assert article.body[-1].endswith("./.")
        assert article.summary.endswith("...")
        assert article.slug == slugify(article.title)
        assert ARTICLE_URL.match(article.url)
        for value in [article.title, article.sapo, *article.body, article.author]:
            assert value == unicodedata.normalize("NFC", value)


def printed(photo) -> str | None:
    """A photo's caption as the page prints it: its label, then the caption."""
    return None if photo.caption is None else photo.label + photo.caption


def test_content_shows_the_variants_a_crawler_must_handle(site: ReplicaSite):
    texts = " ".join(" ".join([a.title, a.sapo, *a.body]) for a in site.articles)
    assert "“" in texts
    assert "”" in texts
    assert "–" in texts
    captions = [p.caption for a in site.articles for p in a.images]
    assert None in captions
    # Printed with a label before them, which is not part of the caption: "Hình: ", "Ảnh: ", "Hình:" without a space.
    labels = {p.label for a in site.articles for p in a.images if p.caption is not None}
    assert {"Hình: ", "Ảnh: ", "Hình:"} <= labels
    assert not any(c and c.startswith(("Hình:", "Ảnh:")) for c in captions)
    thumbnails = [(a.thumbnail, [p.url for p in a.images]) for a in site.articles]
    assert any(t is None for t, _ in thumbnails)
    assert any(t is not None and photos and t == photos[0] for t, photos in thumbnails)
    assert any(t is not None and t not in photos for t, photos in thumbnails)
    assert any(len(image.used_by) >= 2 for image in site.images.values())  # one photo in two articles
    assert {d.content_type for d in site.documents.values()} == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
    }
    assert {image.content_type for image in site.images.values()} == {"image/jpeg", "image/png"}


def test_typical_article(site: ReplicaSite):
    article = site.typical
    assert article.title == TYPICAL_TITLE
    assert article.published.startswith("2022-01-09T")
    assert article.author == "Văn Trọng"
    assert article.category == "tin-tuc-su-kien"
    assert article.category_name == "Tin tức - Sự kiện"
    assert article.images[0].label == "Hình: "
    assert article.images[0].caption == "Quang cảnh hội nghị tổng kết công tác phối hợp năm 2021"
    assert article.fault is None
    assert article.url == (
        f"/tin-tuc-su-kien/-/view_content/{article.id}-"
        "tong-ket-cong-tac-phoi-hop-giua-ubnd-huyen-voi-ubmttqvn-huyen-nam-2021.html"
    )


def test_slug_follows_liferay_url_titles():
    assert slugify("Mộ Đức: Đẩy nhanh tiến độ – “nông thôn mới”") == "mo-duc-day-nhanh-tien-do-nong-thon-moi-"
    assert slugify('"Đau đầu" chống sức công phá của DDoS') == "-dau-dau-chong-suc-cong-pha-cua-ddos"
    assert len(slugify("Hội nghị " * 40)) == 150


# -- pages over HTTP ---------------------------------------------------------------------------------------
def test_robots_txt(server: ReplicaServer):
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode().splitlines() == ["User-agent: *", "Disallow: /c/", "Disallow: /_replica/"]


def test_home_links_every_category_and_the_latest_news(server: ReplicaServer, site: ReplicaSite):
    sel = page(server, "/")
    assert sel.css("html.aui.ltr[lang='vi-VN']")
    nav = sel.css("nav#navigation ul.navi a::attr(href)").getall()
    assert [f"/{c.slug}" for c in site.categories] == [href for href in nav if href != "/"]
    box = [s for s in sel.css("section.portlet") if text(s.css("span.portlet-title-text")) == "Tin nổi bật"]
    assert box
    linked = set(box[0].css("a::attr(href)").getall())
    assert {a.url for a in site.articles[:5]} <= linked


def test_pagination_covers_every_article_exactly_once(walked, site: ReplicaSite):
    for category in site.categories:
        expected = [a for a in site.articles if a.category == category.slug]
        items = [item for _, items in walked[category.slug] for item in items]
        assert [item["url"] for item in items] == [a.url for a in expected]
        pages = walked[category.slug]
        assert len(pages) == max(1, -(-category.count // site.delta))
        for _, page_items in pages:
            assert 0 < len(page_items) <= site.delta


def test_list_items_match_the_ground_truth(walked, site: ReplicaSite):
    for category in site.categories:
        items = [item for _, items in walked[category.slug] for item in items]
        for item, article in zip(items, [a for a in site.articles if a.category == category.slug], strict=True):
            assert item["title"] == article.title
            assert item["date"] == list_date(article.published)
            assert re.fullmatch(r"\d\d/\d\d/\d{4} \| \d\d:\d\d [AP]M", item["date"])
            assert item["summary"] == article.summary
            assert item["thumbnail"] == article.thumbnail
            if article.thumbnail:
                assert item["thumbnail_link"] == article.url
                assert item["custom_style"] is None
            else:
                assert item["custom_style"] == "margin-left: 0"


def test_pager_is_the_liferay_one(walked, site: ReplicaSite):
    for category in site.categories:
        pages = walked[category.slug]
        if category.count <= site.delta:
            assert not pages[0][0].css("div.taglib-page-iterator")
            continue
        for number, (sel, items) in enumerate(pages, start=1):
            iterator = sel.css("div.taglib-page-iterator > div.lfr-pagination")
            menu = iterator.css("ul.lfr-menu-list li a::attr(href)").getall()
            assert [int(CUR.search(href)[1]) for href in menu] == list(range(1, len(pages) + 1))
            first = (number - 1) * site.delta + 1
            assert text(iterator.css("small.search-results")) == (
                f"Hiển thị {first} - {first + len(items) - 1} of {category.count} kết quả."
            )
            buttons = iterator.css("ul.pager.lfr-pagination-buttons > li")
            assert [text(b) for b in buttons] == ["← Đầu tiên", "Trước", "next", "Cuối cùng →"]
            assert "first" in buttons[0].attrib["class"]
            assert "last" in buttons[3].attrib["class"]
            hrefs = [b.css("a::attr(href)").get() for b in buttons]
            disabled = ["disabled" in b.attrib["class"].split() for b in buttons]
            at_start, at_end = number == 1, number == len(pages)
            assert disabled == [at_start, at_start, at_end, at_end]
            for href, off, target in zip(hrefs, disabled, [1, number - 1, number + 1, len(pages)], strict=True):
                if off:
                    assert href == "javascript:;"
                else:
                    assert int(CUR.search(href)[1]) == target
                    assert "p_p_id=101" in href
                    assert f"_101_delta={site.delta}" in href
        assert 'li:nth-child(3) a").text("Tiếp")' in pages[0][0].get()  # the theme script renaming "next"


def test_list_query_parameters_in_any_order(server: ReplicaServer, site: ReplicaSite):
    slug = site.categories[0].slug
    expected = [a.url for a in site.articles if a.category == slug]
    shuffled = read_list_page(page(server, f"/{slug}?_101_cur=2&p_p_lifecycle=0&_101_delta=10&p_p_id=101"))
    assert [item["url"] for item in shuffled] == expected[10:20]
    small = page(server, f"/{slug}?_101_delta=5&_101_cur=2")
    assert [item["url"] for item in read_list_page(small)] == expected[5:10]
    assert all("_101_delta=5" in href for href in small.css("ul.lfr-menu-list a::attr(href)").getall())
    beyond = read_list_page(page(server, f"/{slug}?_101_cur=999"))  # Liferay shows the last page
    assert [item["url"] for item in beyond] == expected[(site.pages(slug) - 1) * site.delta :]


def test_article_pages_match_the_ground_truth(server: ReplicaServer, site: ReplicaSite):
    checked = 0
    for article in site.articles:
        if article.fault is not None:
            continue
        status, _headers, body = fetch(server, article.url)
        assert status == 200
        html = body.decode("utf-8")
        sel = Selector(html)
        assert sel.css("html.aui.ltr[lang='vi-VN']")
        assert "Liferay.ThemeDisplay" in html
        assert "b=6201" in html
        assert text(sel.css("a#skip-to-content[href='#main-content']")) == "Truy cập nội dung luôn"
        assert text(sel.css("title")) == f"{article.title} - {article.category_name} - {PORTAL}"
        assert all(text(h1) != article.title for h1 in sel.css("h1"))
        got = read_article(sel)
        assert got["id"] == f"_101_{article.id}"
        assert got["category"] == article.category_name
        assert got["title"] == article.title
        assert got["date"] == f"Ngày đăng {article_date(article.published)} | View count: {article.views}"
        assert got["sapo"] == article.sapo
        assert got["body"] == article.body
        assert got["images"] == [{"url": p.url, "caption": printed(p), "alt": p.alt} for p in article.images]
        assert got["attachments"] == [{"url": d.url, "title": d.title} for d in article.attachments]
        assert got["authors"] == [article.author, article.author]
        assert got["first_p"] == "<p>\xa0</p>"
        assert got["last_child"] == "view-content-author"
        assert got["related_title"] == "Các tin khác"
        assert len(got["related"]) == min(5, len(site.by_category[article.category]) - 1)
        assert all(ARTICLE_URL.match(href)["cat"] == article.category for href in got["related"])
        assert article.url not in got["related"]
        journal = text(sel.css("div.journal-content-article"))
        page_text = text(sel.css("body"))
        for chrome in CHROME:
            assert chrome in page_text
            assert chrome not in journal
        assert VISITOR_COUNTER.search(page_text)
        assert not VISITOR_COUNTER.search(journal)
        checked += 1
    assert checked >= 25


def test_images_are_real_and_typed(server: ReplicaServer, site: ReplicaSite):
    digests = set()
    for image in site.images.values():
        if image.fault:
            continue
        status, headers, body = fetch(server, image.url)
        assert status == 200
        assert headers["Content-Type"] == image.content_type
        assert int(headers["Content-Length"]) == len(body)
        assert 500 < len(body) < 40_000
        decoded = Image.open(io.BytesIO(body))
        assert decoded.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[image.content_type]
        assert decoded.size == (image.width, image.height)
        digests.add(hashlib.sha256(body).hexdigest())
    assert len(digests) == sum(1 for image in site.images.values() if not image.fault)
    assert fetch(server, "/image/journal/article?img_id=1&t=1")[0] == 404


def test_attachments_are_real_documents(server: ReplicaServer, site: ReplicaSite):
    for doc in site.documents.values():
        status, headers, body = fetch(server, doc.url)
        assert status == 200
        assert headers["Content-Type"] == doc.content_type
        if doc.format == "pdf":
            assert body.startswith(b"%PDF-1.4")
            assert body.rstrip().endswith(b"%%EOF")
            startxref = int(body.rsplit(b"startxref", 1)[1].split()[0])
            assert body[startxref:].startswith(b"xref")
        elif doc.format == "docx":
            with zipfile.ZipFile(io.BytesIO(body)) as package:
                assert "Mộ Đức".upper() in package.read("word/document.xml").decode("utf-8").upper()
        else:
            assert body.startswith(b"{\\rtf1")
    assert fetch(server, "/documents/2081325/1/nothing.pdf")[0] == 404


def test_http_keep_alive_head_and_404(server: ReplicaServer, site: ReplicaSite):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("GET", site.typical.url)
    first = connection.getresponse()
    body = first.read()
    sock = connection.sock
    assert first.status == 200
    assert first.getheader("Connection") is None
    for path in ("/", f"/{site.categories[0].slug}", site.typical.url):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    assert connection.sock is sock  # every request went over the one connection
    connection.request("HEAD", site.typical.url)
    head = connection.getresponse()
    assert head.read() == b""
    assert int(head.getheader("Content-Length")) == len(body)
    connection.request("GET", "/khong-co-trang-nay")
    missing = connection.getresponse()
    assert missing.status == 404
    assert missing.getheader("Content-Type") == "text/html; charset=utf-8"
    assert len(missing.read()) == int(missing.getheader("Content-Length"))
    connection.close()
    before = server.request_count
    fetch(server, site.typical.url)
    assert server.request_count == before + 1
    assert server.count(site.typical.url) >= 3


def test_manifest_endpoint_is_the_ground_truth(server: ReplicaServer, site: ReplicaSite):
    status, headers, body = fetch(server, "/_replica/manifest.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    manifest = json.loads(body)
    assert manifest == json.loads(json.dumps(site.manifest()))
    typical = next(a for a in manifest["articles"] if a["id"] == site.typical_id)
    assert typical["title"] == TYPICAL_TITLE
    assert set(typical) >= {"url", "id", "category", "category_name", "title", "sapo", "body", "author"}
    assert set(typical) >= {"published", "views", "images", "thumbnail", "attachments", "fault", "expected"}


# -- faults ------------------------------------------------------------------------------------------------
def faulted(site: ReplicaSite, kind: str) -> str:
    """URL of the article or image given fault ``kind``."""
    (target,) = site.faults[kind]
    return site.by_id[target].url if FAULT_KINDS[kind].target == "article" else site.images[target].url


def test_all_faults_plan(site: ReplicaSite, walked):
    assert set(site.faults) == set(FAULT_KINDS)
    targets = [t for ids in site.faults.values() for t in ids]
    assert len(targets) == len(set(targets))
    assert site.typical_id not in targets
    listed = {item["url"] for pages in walked.values() for _, items in pages for item in items}
    thumbnails = {item["thumbnail"] for pages in walked.values() for _, items in pages for item in items}
    for kind, (target,) in site.faults.items():
        if FAULT_KINDS[kind].target == "article":
            assert site.by_id[target].fault == kind
            assert site.by_id[target].expected == FAULT_KINDS[kind].expected
            assert site.by_id[target].url in listed  # a crawler meets it
        else:
            image = site.images[target]
            assert image.fault == kind
            assert len(image.used_by) == 1
            owner = site.by_id[image.used_by[0]]
            assert owner.fault is None
            assert owner.url in listed
            assert image.url in [p.url for p in owner.images] or image.url in thumbnails
    manifest = site.manifest()
    assert manifest["faults"] == {kind: list(ids) for kind, ids in site.faults.items()}
    assert {a["fault"] for a in manifest["articles"]} - {None} == {
        k for k, v in FAULT_KINDS.items() if v.target == "article"
    }
    assert {i["fault"] for i in manifest["images"]} - {None} == {"not-an-image", "wrong-type-image"}


def test_explicit_fault_plan_and_bad_plans(site: ReplicaSite):
    article = site.articles[3]
    image = next(i for i in site.images.values() if len(i.used_by) == 1)
    custom = build_site(faults={"http500": [article.id], "not-an-image": image.id})
    assert custom.faults == {"http500": (article.id,), "not-an-image": (image.id,)}
    assert custom.by_id[article.id].fault == "http500"
    assert build_site(faults="timeout,huge").faults.keys() == {"timeout", "huge"}
    assert build_site(faults=None).faults == {} == build_site(faults="none").faults
    with pytest.raises(ValueError, match="unknown fault"):
        build_site(faults="explode")
    with pytest.raises(ValueError, match="no article"):
        build_site(faults={"http404": [1]})


def test_fault_http500(server: ReplicaServer, site: ReplicaSite):
    url = faulted(site, "http500")
    assert [fetch(server, url)[0] for _ in range(2)] == [500, 500]


def test_fault_http503_once():
    site = build_site(faults="http503-once")
    with ReplicaServer(site) as server:
        url = faulted(site, "http503-once")
        status, headers, _ = fetch(server, url)
        assert status == 503
        assert headers["Retry-After"] == "1"
        status, _, body = fetch(server, url)
        assert status == 200
        assert read_article(Selector(body.decode()))["title"] == site.by_id[site.faults["http503-once"][0]].title


def test_fault_http404(server: ReplicaServer, site: ReplicaSite):
    assert fetch(server, faulted(site, "http404"))[0] == 404


#: How long the "timeout" fault stalls in the test of it: long beside one request for the home page, even on a slow,
#: busy machine, so that the home page is answered while the stalled request still waits.
STALL = 5


def test_fault_timeout_stalls_only_its_own_request():
    site = build_site(faults="timeout")
    with ReplicaServer(site, timeout_delay=STALL) as server:
        url = faulted(site, "timeout")
        with pytest.raises((TimeoutError, urllib.error.URLError)):
            fetch(server, url, timeout=0.5)  # a client that gives up before the delay gets nothing
        answers: list[int] = []
        patient = threading.Thread(target=lambda: answers.append(fetch(server, url, timeout=PATIENCE)[0]))
        patient.start()
        try:
            wait_for(lambda: server.count(url) == 2, "the patient client's request reaching the server")
            home = fetch(server, "/")[0]
            stalled_meanwhile = patient.is_alive()
        finally:
            patient.join(PATIENCE)
    assert home == 200
    assert stalled_meanwhile  # the home page was answered while the stalled request was not: the server is threaded
    assert answers == [200]  # a patient client gets the page after the delay


def test_fault_truncated(server: ReplicaServer, site: ReplicaSite):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("GET", faulted(site, "truncated"))
    response = connection.getresponse()
    assert response.status == 200
    declared = int(response.getheader("Content-Length"))
    with pytest.raises(http.client.IncompleteRead) as info:
        response.read()
    assert 0 < len(info.value.partial) < declared
    connection.close()


def test_fault_wrong_type_page(server: ReplicaServer, site: ReplicaSite):
    status, headers, body = fetch(server, faulted(site, "wrong-type-page"))
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_fault_not_an_image(server: ReplicaServer, site: ReplicaSite):
    status, headers, body = fetch(server, faulted(site, "not-an-image"))
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert body.lstrip().lower().startswith(b"<!doctype html")
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(body))


def test_fault_wrong_type_image(server: ReplicaServer, site: ReplicaSite):
    status, headers, body = fetch(server, faulted(site, "wrong-type-image"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<html" in body


def test_fault_redirect_loop(server: ReplicaServer, site: ReplicaSite):
    url = faulted(site, "redirect-loop")
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("GET", url)
    first = connection.getresponse()
    first.read()
    assert first.status == 302
    assert first.getheader("Location") == f"{server.url.rstrip('/')}/web/guest{url}"
    connection.request("GET", f"/web/guest{url}")
    second = connection.getresponse()
    second.read()
    assert second.status == 302
    assert second.getheader("Location") == server.url.rstrip("/") + url
    connection.close()
    with pytest.raises(urllib.error.HTTPError, match="infinite loop"):
        urllib.request.urlopen(server.url.rstrip("/") + url, timeout=5)


def test_fault_huge(server: ReplicaServer, site: ReplicaSite):
    status, headers, body = fetch(server, faulted(site, "huge"), timeout=30)
    assert status == 200
    assert int(headers["Content-Length"]) == len(body) > 12 * 1024 * 1024
    assert body.startswith(b"<!DOCTYPE html>")
    assert body.rstrip().endswith(b"</html>")


def test_fault_malformed_html_is_still_extractable(server: ReplicaServer, site: ReplicaSite):
    article = site.by_id[site.faults["malformed-html"][0]]
    status, _, body = fetch(server, article.url)
    assert status == 200
    html = body.decode("utf-8")
    assert not html.startswith("<!DOCTYPE")
    assert "</body>" not in html
    assert "</p>" not in html.split("journal-content-article")[1][:2000]
    got = read_article(Selector(html))
    assert got["title"] == article.title
    assert got["sapo"] == article.sapo
    assert got["date"] == f"Ngày đăng {article_date(article.published)} | View count: {article.views}"
    assert got["body"] == article.body
    assert [image["caption"] for image in got["images"]] == [printed(p) for p in article.images]
    assert got["authors"] == [article.author, article.author]


# -- determinism, size, entry point ------------------------------------------------------------------------
def test_same_seed_same_site():
    assert build_site(seed=7, faults="all").manifest() == build_site(seed=7, faults="all").manifest()
    assert build_site(seed=7).manifest()["articles"] != build_site(seed=8).manifest()["articles"]


def rendering_code() -> set[Any]:
    """The code objects of everything that renders pages, images and documents (functions and methods)."""
    codes = set()
    for module in (render_module, images_module, documents_module):
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                members = [getattr(member, "__func__", member) for member in vars(value).values()]
            elif inspect.isfunction(value) and value.__module__ == module.__name__:
                members = [value]
            else:
                continue
            for member in members:
                if inspect.isfunction(member):
                    codes.update({member.__code__, inspect.unwrap(member).__code__})
    return codes


@contextmanager
def rendering_noted() -> Iterator[set[str]]:
    """The names of the rendering functions called in this thread inside the block."""
    rendering, rendered = rendering_code(), set()

    def note(frame, event, arg):
        if event == "call" and frame.f_code in rendering:
            rendered.add(frame.f_code.co_qualname)

    previous = sys.getprofile()
    sys.setprofile(note)
    try:
        yield rendered
    finally:
        sys.setprofile(previous)


def test_large_site_builds_without_rendering_anything_and_serves(tmp_path: Path):
    """Building is cheap because it renders nothing (pages, photos and documents are made when asked for); the time
    it takes is measured by ``benchmarks/replica.py``."""
    with rendering_noted() as rendered:
        big = build_site(articles=2000, seed=1, faults="all")
    assert rendered == set()
    with rendering_noted() as rendered:
        Renderer(big).article(big.articles[0], "http://127.0.0.1")
    assert "Renderer.article" in rendered  # what is watched is what renders
    assert len(big.articles) == 2000
    assert len({a.id for a in big.articles}) == len({a.title for a in big.articles}) == 2000
    assert sum(c.count for c in big.categories) == 2000
    with ReplicaServer(big) as server:
        slug = big.categories[0].slug
        pages = big.pages(slug)
        deep = read_list_page(page(server, f"/{slug}?p_p_id=101&_101_delta=10&_101_cur={pages}"))
        assert [item["url"] for item in deep] == [a.url for a in big.articles if a.category == slug][(pages - 1) * 10 :]
        article = big.expected_archived()[-1]
        assert read_article(page(server, article.url))["body"] == article.body


def test_module_entry_point_prints_ready_and_stops_on_sigterm():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govscraper_replica",
            "--articles",
            "40",
            "--seed",
            "3",
            "--faults",
            "all",
            "--port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], PATIENCE)  # the READY line, or a hang
        assert ready, f"no READY line within {PATIENCE:.0f} s"
        line = process.stdout.readline()
        match = re.fullmatch(r"READY (http://127\.0\.0\.1:(\d+)/)\n", line)
        assert match, line
        with urllib.request.urlopen(match[1] + "robots.txt", timeout=5) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert out == ""
    assert "Traceback" not in err


def test_server_handles_concurrent_clients(server: ReplicaServer, site: ReplicaSite):
    errors: list[BaseException] = []
    urls = [a.url for a in site.articles if a.fault is None][:8]

    def worker() -> None:
        try:
            for url in urls:
                assert fetch(server, url)[0] == 200
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert not errors


# -- edits between crawls, and byte-identical pages ----------------------------------------------------------
def every_url(site: ReplicaSite) -> list[str]:
    """Every page, image and document a crawler can fetch from the site, list pages under both their URLs."""
    urls = ["/", "/robots.txt", "/khong-co-trang-nay"]
    for category in site.categories:
        urls.append(list_path(category.slug, bare_first=True))
        urls += [list_path(category.slug, n, site.delta) for n in range(1, site.pages(category.slug) + 1)]
    urls += [a.url for a in site.articles]
    urls += [image.url for image in site.images.values()]
    urls += list(site.documents)
    return urls


def snapshot(server: ReplicaServer, urls: list[str]) -> dict[str, str]:
    """sha256 of every answer's payload, as a re-crawl comparing payload digests sees them."""
    digests = {}
    for url in urls:
        status, _, body = fetch(server, url)
        assert status in (200, 404), url
        digests[url] = hashlib.sha256(body).hexdigest()
    return digests


def list_urls_showing(site: ReplicaSite, article_id: int) -> set[str]:
    """The home page and list page URLs whose items show an article's title or summary."""
    article = site.by_id[article_id]
    slug = article.category
    number = site.position[article_id] // site.delta + 1
    urls = {list_path(slug, number, site.delta)} | ({f"/{slug}"} if number == 1 else set())
    on_home = article in site.latest(5) or any(article in site.by_category[c.slug][:5] for c in site.categories)
    return urls | ({"/"} if on_home else set())


def test_pages_images_and_documents_are_byte_identical_on_every_request():
    site = build_site(articles=36, seed=2022, faults="malformed-html,huge")
    with ReplicaServer(site) as server:
        urls = every_url(site)
        first = snapshot(server, urls)
        assert snapshot(server, urls) == first
        connection = http.client.HTTPConnection(server.host, server.port, timeout=5)  # one keep-alive connection
        for url in urls[:20]:
            connection.request("GET", url)
            assert hashlib.sha256(connection.getresponse().read()).hexdigest() == first[url]
        connection.close()
        assert site.revision == 0
        assert json.loads(fetch(server, "/_replica/manifest.json")[2])["revision"] == 0


def test_edit_changes_only_the_edited_article_page():
    site = build_site(articles=36, seed=2022)
    article = next(a for a in site.articles if len(a.images) >= 2 and a.attachments)
    untouched = {a.id: (a.title, list(a.body)) for a in site.articles if a.id != article.id}
    with ReplicaServer(site) as server:
        urls = every_url(site)
        before = snapshot(server, urls)
        paragraphs = article.text_paragraphs
        new_paragraphs = [paragraphs[0], "Đoạn văn  được   bổ sung sau khi đăng.", *paragraphs[1:]]
        returned = site.edit(article.id, paragraphs=new_paragraphs, captions={1: "Ảnh: Ảnh đã sửa chú thích"})
        assert returned is article
        assert (site.revision, article.revision) == (1, 1)
        after = snapshot(server, urls)
        assert {url for url in urls if before[url] != after[url]} == {article.url}

        got = read_article(page(server, article.url))
        assert got["body"] == article.body
        assert "Đoạn văn được bổ sung sau khi đăng." in got["body"]  # spaces as an extractor reads them
        assert article.text_paragraphs[1] == "Đoạn văn được bổ sung sau khi đăng."
        assert [image["caption"] for image in got["images"]] == [printed(p) for p in article.images]
        assert (article.images[1].label, article.images[1].caption) == ("Ảnh: ", "Ảnh đã sửa chú thích")
        assert got["attachments"] == [{"url": d.url, "title": d.title} for d in article.attachments]
        assert article.body[-1] == paragraphs[-1]  # the closing paragraph stays last, links just before it
        assert article.body[-1 - len(article.attachments) : -1] == [d.title for d in article.attachments]

        manifest = json.loads(fetch(server, "/_replica/manifest.json")[2])
        assert manifest["revision"] == 1
        entry = next(a for a in manifest["articles"] if a["id"] == article.id)
        assert entry["body"] == article.body
        assert entry["revision"] == 1
        assert entry["images"][1]["caption"] == "Ảnh đã sửa chú thích"  # as an archive stores it, without the label
        assert {a.id: (a.title, list(a.body)) for a in site.articles if a.id != article.id} == untouched


def test_edited_title_shows_wherever_the_portal_shows_it():
    site = build_site(articles=36, seed=2022)
    article = site.by_category[site.categories[0].slug][3]
    with ReplicaServer(site) as server:
        urls = every_url(site)
        before = snapshot(server, urls)
        old_title = article.title
        site.edit(article.id, title="Mộ Đức: Điều chỉnh – “tiêu đề” sau khi đăng", sapo="Tóm tắt mới của bài viết.")
        after = snapshot(server, urls)
        changed = {url for url in urls if before[url] != after[url]}
        expected = {article.url} | {a.url for a in site.related_to(article.id)} | list_urls_showing(site, article.id)
        assert changed == expected
        assert site.related_to(article.id)  # the "Các tin khác" boxes of its neighbours name it
        assert article.url in before  # the URL stays what it was: links to the article keep working
        assert article.slug == slugify(old_title)
        got = read_article(page(server, article.url))
        assert got["title"] == "Mộ Đức: Điều chỉnh – “tiêu đề” sau khi đăng"
        assert got["sapo"] == "Tóm tắt mới của bài viết."
        assert article.summary == "Tóm tắt mới của bài viết..."
        listed = read_list_page(page(server, f"/{article.category}"))
        assert {"title": article.title, "summary": article.summary} in [
            {"title": item["title"], "summary": item["summary"]} for item in listed
        ]
        for neighbour in site.related_to(article.id):
            assert article.title in fetch(server, neighbour.url)[2].decode()


def test_edit_with_fewer_paragraphs_keeps_photos_and_links_in_order():
    site = build_site(articles=36, seed=2022)
    article = next(a for a in site.articles if len(a.images) >= 2 and a.attachments and a.fault is None)
    with ReplicaServer(site) as server:
        site.edit(article.id, paragraphs=["Chỉ còn một đoạn mở đầu.", "Đoạn kết thúc./."])
        assert [kind for kind, _ in article.layout if kind != "img"] == ["p"] + ["att"] * len(article.attachments) + [
            "p"
        ]
        assert article.text_paragraphs == ["Chỉ còn một đoạn mở đầu.", "Đoạn kết thúc./."]
        got = read_article(page(server, article.url))
        assert got["body"] == article.body
        assert [image["url"] for image in got["images"]] == [p.url for p in article.images]
        site.edit(article.id, paragraphs=["Bài chỉ còn một đoạn./."], captions={0: None})
        got = read_article(page(server, article.url))
        assert got["body"] == [*[d.title for d in article.attachments], "Bài chỉ còn một đoạn./."]
        assert got["images"][0]["caption"] is None
        assert article.revision == 2


def test_edit_refuses_what_it_cannot_do_and_counts_only_changes():
    site = build_site(articles=12, seed=3)
    article = site.articles[0]
    for kwargs, message in [
        ({}, "nothing to edit"),
        ({"title": "   "}, "title: empty"),
        ({"paragraphs": []}, "at least one paragraph"),
        ({"paragraphs": "một đoạn"}, "expected a list"),
        ({"captions": {len(article.images): "Hình: x"}}, "has no photo"),
        ({"title": 5}, "expected text"),
    ]:
        with pytest.raises(ValueError, match=message):
            site.edit(article.id, **kwargs)
    with pytest.raises(ValueError, match="no article 1"):
        site.edit(1, title="x")
    site.edit(article.id, title=article.title, paragraphs=article.text_paragraphs)  # nothing changes
    assert (site.revision, article.revision) == (0, 0)
    site.edit(article.id, title=unicodedata.normalize("NFD", "Tiêu đề mới"))
    assert article.title == "Tiêu đề mới"  # stored as NFC, as the archive holds it
    assert (site.revision, article.revision) == (1, 1)


def test_edit_over_http_for_a_replica_in_another_process():
    site = build_site(articles=36, seed=2022)
    article = site.articles[5]
    with ReplicaServer(site) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
        body = json.dumps({"title": "Tiêu đề sửa qua HTTP", "captions": {}, "sapo": "Sapo mới."}).encode()
        connection.request("POST", f"/_replica/edit?id={article.id}", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.status == 200
        assert answer["revision"] == 1
        assert answer["article"]["title"] == "Tiêu đề sửa qua HTTP" == article.title
        connection.request("GET", article.url)  # the connection stays usable after a POST with a body
        assert read_article(Selector(connection.getresponse().read().decode()))["sapo"] == "Sapo mới."
        for path, payload, status, error in [
            (f"/_replica/edit?id={article.id}", b"{not json", 400, "Expecting property name"),
            (f"/_replica/edit?id={article.id}", b'{"author": "x"}', 400, "keys among"),
            (f"/_replica/edit?id={article.id}", b'{"captions": {"x": "y"}}', 400, "invalid literal"),
            (f"/_replica/edit?id={article.id}", b'{"paragraphs": []}', 400, "at least one paragraph"),
            ("/_replica/edit?id=1", b'{"title": "x"}', 404, "no article 1"),
            ("/_replica/edit", b'{"title": "x"}', 404, "give ?id=N"),
        ]:
            connection.request("POST", path, payload)
            response = connection.getresponse()
            assert (response.status, error in json.loads(response.read())["error"]) == (status, True), path
        connection.putrequest("POST", f"/_replica/edit?id={article.id}")  # no Content-Length: cannot read a body
        connection.endheaders()
        response = connection.getresponse()
        assert (response.status, response.getheader("Connection")) == (411, "close")
        connection.close()
        assert fetch(server, "/_replica/edit")[0] == 405
        assert site.revision == 1
    assert server_module._is_loopback("127.0.0.1")
    assert server_module._is_loopback("::1")
    assert not server_module._is_loopback("192.168.1.5")


def test_pages_never_mix_two_versions_during_edits():
    """Edits while pages are being served: every page shows one version whole (title and body agree)."""
    site = build_site(articles=12, seed=4)
    article = site.articles[2]
    versions = {
        k: (f"Phiên bản {k} của bài viết", [f"Đoạn văn phiên bản {k}.", f"Kết thúc phiên bản {k}./."]) for k in range(2)
    }
    errors: list[str] = []
    reads: list[int] = []
    stop = threading.Event()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch mid-render: without the site's lock this test fails every run
    try:
        _read_during_edits(site, article.id, versions, errors, reads, stop)
    finally:
        sys.setswitchinterval(switch)
    assert not errors, errors[:3]
    assert len(reads) >= 150
    assert set(reads) == {0, 1}


def _read_during_edits(
    site: ReplicaSite,
    article_id: int,
    versions: dict[int, tuple[str, list[str]]],
    errors: list[str],
    reads: list[int],
    stop: threading.Event,
) -> None:
    article = site.by_id[article_id]
    with ReplicaServer(site) as server:
        site.edit(article.id, title=versions[0][0], paragraphs=versions[0][1])

        def reader() -> None:
            try:
                while not stop.is_set():
                    got = read_article(page(server, article.url))
                    k = int(got["title"].split()[2])
                    if got["body"][0] != versions[k][1][0] or got["body"][-1] != versions[k][1][1]:
                        errors.append(f"title of version {k} with body {got['body']}")
                    reads.append(k)
            except BaseException as exc:  # reported below
                errors.append(repr(exc))

        edits = itertools.count(1)

        def edit_unless_done() -> bool:
            """One edit, unless the readers have read enough (or failed): the wait below ends then."""
            if errors or (len(reads) >= 150 and len(set(reads)) == 2):
                return True
            title, paragraphs = versions[next(edits) % 2]
            try:
                site.edit(article.id, title=title, paragraphs=paragraphs)
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            return False

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            # Edits until 150 reads that saw both versions; the interval lets the readers in (edits are far cheaper
            # than requests).
            wait_for(
                edit_unless_done,
                "150 reads of both versions",
                interval=0.0005,
                details=lambda: f"{len(reads)} reads of versions {sorted(set(reads))}",
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(PATIENCE)


# -- conditional requests: ETag, Last-Modified, 304 ----------------------------------------------------------
def request(server: ReplicaServer, path: str, method: str = "GET", **headers: str) -> tuple[int, Any, bytes]:
    """(status, headers, body) of one request with extra headers (``If_None_Match="..."``), over http.client."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request(method, path, headers={name.replace("_", "-"): value for name, value in headers.items()})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def digest_tag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()}"'


def http_time(moment: datetime) -> str:
    return email.utils.formatdate(int(moment.timestamp()), usegmt=True)


def validators(server: ReplicaServer, path: str) -> tuple[str, str]:
    """(ETag, Last-Modified) of a page as served now."""
    status, headers, body = request(server, path)
    assert status == 200, path
    assert headers["ETag"] == digest_tag(body)
    return headers["ETag"], headers["Last-Modified"]


def served_urls(site: ReplicaSite) -> list[str]:
    """Every page, image and document URL that answers 200 (no 404 page, no fault)."""
    return [
        url
        for url in every_url(site)[3:]
        if not url.startswith("/robots")
        and all(url != a.url or a.fault is None for a in site.articles)
        and all(url != i.url or i.fault is None for i in site.images.values())
    ]


@pytest.fixture(scope="module")
def quiet_site() -> ReplicaSite:
    return build_site(articles=36, seed=2022)


@pytest.fixture(scope="module")
def quiet(quiet_site: ReplicaSite):
    with ReplicaServer(quiet_site) as srv:
        yield srv


def test_etag_is_the_digest_of_the_body_and_stable(quiet: ReplicaServer, quiet_site: ReplicaSite):
    urls = ["/", *served_urls(quiet_site), "/robots.txt", "/html/js/barebone.jsp"]
    first = {}
    for url in urls:
        status, headers, body = request(quiet, url)
        assert status == 200, url
        assert headers["ETag"] == digest_tag(body), url  # strong: no W/
        assert email.utils.parsedate_to_datetime(headers["Last-Modified"]) <= datetime.now(UTC)
        first[url] = (headers["ETag"], headers["Last-Modified"])
    assert {url: validators(quiet, url) for url in urls} == first  # the same on every request
    for other in ("/khong-co-trang-nay", "/_replica/manifest.json"):
        assert request(quiet, other)[1]["ETag"] is None  # a 404 page or the ground truth is no resource to cache


def test_last_modified_of_each_kind_of_page(quiet: ReplicaServer, quiet_site: ReplicaSite):
    site = quiet_site
    for article in site.articles:
        assert validators(quiet, article.url)[1] == http_time(article.published_at)
    shown = site.latest(5) + [a for c in site.categories for a in site.by_category[c.slug][:5]]
    assert validators(quiet, "/")[1] == http_time(max(a.published_at for a in shown))
    for category in site.categories:
        for number in range(1, site.pages(category.slug) + 1):
            items, _ = site.list_page(category.slug, number)
            expected = http_time(max(a.published_at for a in items))  # the newest article it shows
            assert validators(quiet, list_path(category.slug, number, site.delta))[1] == expected
    for image in site.images.values():
        stamp = int(re.search(r"&t=(\d+)", image.url)[1]) // 1000  # Liferay's t=: the upload, after the article
        assert validators(quiet, image.url)[1] == email.utils.formatdate(stamp, usegmt=True)
        assert int(stamp) >= site.by_id[image.used_by[0]].published_at.timestamp()
    for url, document in site.documents.items():
        assert validators(quiet, url)[1] == http_time(site.by_id[document.article_id].published_at)


def test_if_none_match_gets_304_without_a_body(quiet: ReplicaServer, quiet_site: ReplicaSite):
    article = quiet_site.typical
    image = next(iter(quiet_site.images.values()))
    for url in ("/", f"/{article.category}", article.url, image.url, next(iter(quiet_site.documents))):
        etag, modified = validators(quiet, url)
        for header in (etag, "*", f'"abc", {etag}', f"W/{etag}", f'W/"x",W/{etag}', etag.strip('"')):
            status, headers, body = request(quiet, url, If_None_Match=header)
            assert (status, body) == (304, b""), (url, header)
            assert (headers["ETag"], headers["Last-Modified"]) == (etag, modified)
            assert headers["Content-Length"] is None
            assert headers["Content-Type"] is None
        for header in ('"abc"', 'W/"abc", "def"', etag[:-2] + '"'):
            status, headers, body = request(quiet, url, If_None_Match=header)
            assert status == 200
            assert digest_tag(body) == etag
        # If-None-Match decides alone: a stale tag gets the page even with a current If-Modified-Since.
        assert request(quiet, url, If_None_Match='"old"', If_Modified_Since=modified)[0] == 200


def test_if_modified_since_gets_304_when_nothing_changed_since(quiet: ReplicaServer, quiet_site: ReplicaSite):
    article = quiet_site.typical
    for url in ("/", f"/{article.category}", article.url, next(iter(quiet_site.images.values())).url):
        etag, modified = validators(quiet, url)
        moment = email.utils.parsedate_to_datetime(modified)
        for since in (modified, http_time(moment + timedelta(seconds=1)), http_time(datetime.now(UTC))):
            status, headers, body = request(quiet, url, If_Modified_Since=since)
            assert (status, body, headers["ETag"]) == (304, b"", etag), (url, since)
        for since in (http_time(moment - timedelta(seconds=1)), "yesterday", "Sat, 99 Foo 2022 25:00:00 GMT"):
            status, headers, body = request(quiet, url, If_Modified_Since=since)
            assert (status, digest_tag(body)) == (200, etag), (url, since)


def test_head_answers_conditionally_too(quiet: ReplicaServer, quiet_site: ReplicaSite):
    url = quiet_site.typical.url
    etag, modified = validators(quiet, url)
    status, headers, body = request(quiet, url, "HEAD")
    assert (status, body, headers["ETag"], headers["Last-Modified"]) == (200, b"", etag, modified)
    assert int(headers["Content-Length"]) == len(request(quiet, url)[2])
    assert request(quiet, url, "HEAD", If_None_Match=etag)[:1] == (304,)
    assert request(quiet, url, "HEAD", If_Modified_Since=modified)[0] == 304
    assert request(quiet, url, "HEAD", If_None_Match='"other"')[0] == 200
    # A 304 carries no body, so a keep-alive connection goes straight on to the next answer.
    connection = http.client.HTTPConnection(quiet.host, quiet.port, timeout=5)
    for _ in range(3):
        connection.request("GET", url, headers={"If-None-Match": etag})
        response = connection.getresponse()
        assert (response.status, response.read()) == (304, b"")
    connection.request("GET", url)
    assert digest_tag(connection.getresponse().read()) == etag
    connection.close()


def test_304s_are_counted_apart(quiet_site: ReplicaSite):
    with ReplicaServer(quiet_site) as server:
        url = quiet_site.typical.url
        etag, _ = validators(server, url)
        for _ in range(4):
            request(server, url, If_None_Match=etag)
        request(server, "/khong-co-trang-nay")
        assert server.count_status(304) == server.not_modified_count == 4
        assert server.status_counts() == {200: 1, 304: 4, 404: 1}
        stats = json.loads(request(server, "/_replica/stats.json")[2])
        assert stats == {"requests": 7, "status_counts": {"200": 1, "304": 4, "404": 1}, "not_modified": 4}
        assert server.count_status(200) == 2  # the stats answer itself
        assert server.count(url) == 5


def test_a_server_without_validators_ignores_conditions(quiet_site: ReplicaSite):
    with ReplicaServer(quiet_site, validators=False) as server:
        for url in ("/", quiet_site.typical.url, next(iter(quiet_site.images.values())).url):
            status, headers, body = request(
                server, url, If_None_Match="*", If_Modified_Since=http_time(datetime.now(UTC))
            )
            assert (status, headers["ETag"], headers["Last-Modified"]) == (200, None, None)
            assert body
        assert server.count_status(304) == 0


def test_faulted_urls_keep_their_faults_under_conditions(server: ReplicaServer, site: ReplicaSite):
    for kind in ("http500", "http404", "wrong-type-page", "not-an-image", "wrong-type-image"):
        status, headers, _ = request(server, faulted(site, kind), If_None_Match="*")
        assert status == {"http500": 500, "http404": 404}.get(kind, 200), kind
        assert headers["ETag"] is None
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("GET", faulted(site, "truncated"), headers={"If-None-Match": "*"})
    response = connection.getresponse()
    assert (response.status, response.getheader("ETag")) == (200, None)
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    connection.close()
    status, headers, _ = request(server, faulted(site, "huge"), "HEAD", If_None_Match="*")
    assert (status, headers["ETag"]) == (200, None)
    malformed = faulted(site, "malformed-html")  # a page that is still an article: its bytes have a tag
    etag, _ = validators(server, malformed)
    assert request(server, malformed, If_None_Match=etag)[0] == 304


def test_http503_once_answers_503_first_even_to_a_conditional_request():
    site = build_site(faults="http503-once")
    with ReplicaServer(site) as server:
        url = faulted(site, "http503-once")
        assert request(server, url, If_None_Match="*")[0] == 503
        etag, _ = validators(server, url)
        assert request(server, url, If_None_Match=etag)[0] == 304


def test_edit_changes_the_validators_of_the_pages_that_show_it():
    site = build_site(articles=36, seed=2022)
    slug = site.categories[0].slug
    article = site.by_category[slug][site.delta + 2]  # on page 2
    with ReplicaServer(site) as server:
        list_url = list_path(slug, 2, site.delta)
        urls = [a.url for a in site.articles] + [list_path(c.slug, 1, site.delta) for c in site.categories]
        urls += [list_url, "/", *(image.url for image in site.images.values())]
        before = {url: validators(server, url) for url in urls}
        site.edit(article.id, title="Tiêu đề đã sửa sau khi đăng", sapo="Sapo đã sửa.")
        after = {url: validators(server, url) for url in urls}
        assert article.modified_at == site.clock > max(a.published_at for a in site.articles)
        for url in (article.url, list_url):
            assert after[url][0] != before[url][0]
            assert after[url][1] == http_time(article.modified_at)
            assert email.utils.parsedate_to_datetime(after[url][1]) > email.utils.parsedate_to_datetime(before[url][1])
            assert request(server, url, If_None_Match=before[url][0])[0] == 200
            assert request(server, url, If_Modified_Since=before[url][1])[0] == 200
            assert request(server, url, If_None_Match=after[url][0])[0] == 304
        neighbours = {a.url for a in site.related_to(article.id)}  # their "Các tin khác" box shows the title
        for url in set(urls) - {article.url, list_url}:
            assert after[url][1] == before[url][1], url
            assert (after[url][0] == before[url][0]) == (url not in neighbours), url
        site.edit(article.id, paragraphs=["Một đoạn mới.", "Kết thúc./."])
        assert validators(server, article.url)[1] == http_time(article.modified_at)
        assert email.utils.parsedate_to_datetime(validators(server, article.url)[1]) > (
            email.utils.parsedate_to_datetime(after[article.url][1])
        )
        manifest = json.loads(request(server, "/_replica/manifest.json")[2])
        entry = next(a for a in manifest["articles"] if a["id"] == article.id)
        assert entry["modified"] == article.modified_at.isoformat() == manifest["clock"]


# -- new articles ----------------------------------------------------------------------------------------
def walk_list(server: ReplicaServer, slug: str) -> list[list[str]]:
    """The article URLs of every page of a category list, following the pager's "next" button."""
    pages, path = [], f"/{slug}"
    while path:
        sel = page(server, path)
        pages.append([item["url"] for item in read_list_page(sel)])
        nxt = sel.css("ul.pager.lfr-pagination-buttons > li:nth-child(3) > a::attr(href)").get()
        path = None if nxt in (None, "javascript:;") else nxt
        assert len(pages) <= 50
    return pages


def test_add_publishes_new_articles_at_the_top_of_their_lists():
    site = build_site(articles=36, seed=2022)
    old = list(site.articles)
    old_ids, old_titles = {a.id for a in old}, {a.title for a in old}
    newest = max(a.published_at for a in old)
    with ReplicaServer(site) as server:
        before = {c.slug: walk_list(server, c.slug) for c in site.categories}
        list_validators = {c.slug: validators(server, f"/{c.slug}") for c in site.categories}
        home_before = validators(server, "/")
        added = site.add(10)
        assert len(added) == 10
        assert [a.published for a in added] == sorted((a.published for a in added), reverse=True)  # newest first
        assert site.articles[:10] == added
        assert site.revision == 1
        assert site.added_ids == [a.id for a in added]
        assert {a.category for a in added} == {c.slug for c in site.categories}  # in turn over the categories
        for article in added:
            assert (article.added, article.fault, article.revision) == (True, None, 0)
            assert article.id > max(old_ids)
            assert article.title not in old_titles
            assert newest < article.published_at < datetime.now(UTC)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00", article.published)
            assert ARTICLE_URL.match(article.url)
            assert article.body[-1].endswith("./.")
            assert article.summary.endswith("...")
        assert len({a.title for a in site.articles}) == len({a.id for a in site.articles}) == 46
        assert sum(len(a.images) for a in added) > 0
        assert any(a.thumbnail for a in added)
        for category in site.categories:
            new = [a.url for a in added if a.category == category.slug]
            pages = walk_list(server, category.slug)
            listed = [url for urls in pages for url in urls]
            assert listed == new + [url for urls in before[category.slug] for url in urls]  # each once, new first
            assert listed == [a.url for a in site.by_category[category.slug]]
            assert len(pages) == site.pages(category.slug)
            old_pages = before[category.slug]
            if len(old_pages) > 1:  # the old page 1's last items are now at the top of page 2
                assert pages[1][: len(new)] == old_pages[0][site.delta - len(new) :]
            etag, modified = validators(server, f"/{category.slug}")
            assert etag != list_validators[category.slug][0]
            assert modified == http_time(site.by_category[category.slug][0].published_at)
        sel = page(server, "/")
        box = next(s for s in sel.css("section.portlet") if text(s.css("span.portlet-title-text")) == "Tin nổi bật")
        assert box.css("a::attr(href)").getall()[0] == added[0].url
        assert validators(server, "/")[1] == http_time(added[0].published_at) != home_before[1]
        for article in added:
            got = read_article(page(server, article.url))
            assert (got["title"], got["body"], got["sapo"]) == (article.title, article.body, article.sapo)
            assert validators(server, article.url)[1] == http_time(article.published_at)
            for photo in article.images:
                status, _, body = request(server, photo.url)
                image = site.images[photo.image_id]
                assert status == 200
                assert Image.open(io.BytesIO(body)).size == (image.width, image.height)
            for document in article.attachments:
                assert request(server, document.url)[0] == 200
        manifest = json.loads(request(server, "/_replica/manifest.json")[2])
        assert manifest["revision"] == 1
        assert manifest["article_count"] == 46
        assert manifest["added"] == [a.id for a in added]
        entries = {a["id"]: a for a in manifest["articles"]}
        assert {i for i, a in entries.items() if a["added"]} == {a.id for a in added}
        for article in added:
            assert entries[article.id]["title"] == article.title
            assert entries[article.id]["list_page"] == 1
        assert [c["count"] for c in manifest["categories"]] == [len(site.by_category[c.slug]) for c in site.categories]


def test_add_in_one_category_pushes_its_pages_down():
    site = build_site(articles=36, seed=2022)
    slug = site.categories[0].slug
    others = {c.slug: list(site.by_category[c.slug]) for c in site.categories if c.slug != slug}
    with ReplicaServer(site) as server:
        before = walk_list(server, slug)
        last_before = validators(server, list_path(slug, len(before), site.delta))
        other_before = {s: validators(server, f"/{s}") for s in others}
        added = site.add(site.delta + 3, category=slug, seed=1)
        pages = walk_list(server, slug)
        assert pages[0] == [a.url for a in added[: site.delta]]
        assert pages[1][:3] == [a.url for a in added[site.delta :]]
        assert pages[1][3:] == before[0][: site.delta - 3]
        assert [url for urls in pages for url in urls] == [a.url for a in added] + [u for urls in before for u in urls]
        assert len(pages) == -(-len(site.by_category[slug]) // site.delta)
        # the old last page shifted too, so its Last-Modified moved on even though it shows no new article
        shifted = validators(server, list_path(slug, len(before), site.delta))
        assert shifted[0] != last_before[0]
        assert email.utils.parsedate_to_datetime(shifted[1]) > email.utils.parsedate_to_datetime(last_before[1])
        assert {s: list(site.by_category[s]) for s in others} == others
        assert {s: validators(server, f"/{s}") for s in others} == other_before


def test_add_is_deterministic_and_refuses_bad_input():
    one, two = build_site(articles=36, seed=5), build_site(articles=36, seed=5)
    for site in (one, two):
        site.add(4)
        site.edit(site.articles[7].id, title="Sửa giữa hai lần thêm")
        site.add(3, category="chi-dao-dieu-hanh")
    assert one.manifest() == two.manifest()
    assert one.revision == 3
    assert one.articles[0].published_at > one.articles[7 + 3].modified_at  # dated after the edit too
    assert (
        build_site(articles=36, seed=5).add(2, seed=9)[0].title
        == build_site(articles=36, seed=5).add(2, seed=9)[0].title
    )
    for count, category, message in [
        (0, None, "at least 1"),
        (-3, None, "at least 1"),
        (True, None, "whole number"),
        ("3", None, "whole number"),
        (2, "khong-co", "no category"),
    ]:
        with pytest.raises(ValueError, match=message):
            one.add(count, category=category)
    assert one.revision == 3


def test_add_builds_on_a_site_made_by_hand():
    generated = build_site(articles=20, seed=8)
    site = ReplicaSite(
        seed=8,
        delta=10,
        articles=list(generated.articles),
        images=dict(generated.images),
        documents=dict(generated.documents),
        faults={},
        typical_id=generated.typical_id,
    )
    added = site.add(40)
    assert len({a.title for a in site.articles}) == len({a.id for a in site.articles}) == 60
    urls = [d.url for a in site.articles for d in a.attachments]
    assert len(urls) == len(set(urls)) == len(site.documents)
    assert all(a.id in site.by_id for a in added)


def test_pages_never_mix_states_during_additions():
    """Additions while a list page is served: each answer is one whole state (items, total, validators agree)."""
    site = build_site(articles=40, seed=6)
    slug = site.categories[0].slug
    assert len(site.by_category[slug]) > site.delta  # the pager shows the total
    errors: list[str] = []
    seen: list[int] = []
    stop = threading.Event()

    def reader(server: ReplicaServer) -> None:
        try:
            while not stop.is_set():
                _, headers, body = request(server, f"/{slug}")
                sel = Selector(body.decode())
                total = int(re.search(r"of (\d+) kết quả", text(sel.css("small.search-results")))[1])
                seen.append(total)
                got = [item["url"] for item in read_list_page(sel)]
                snapshot[total] = (got, headers["Last-Modified"], headers["ETag"] == digest_tag(body))
        except BaseException as exc:  # reported below
            errors.append(repr(exc))

    def add_unless_done() -> bool:
        """One addition, unless the readers have read enough (or failed): the wait ends then."""
        if errors or (len(seen) >= 400 and len(set(seen)) >= 15):
            return True
        try:
            site.add(1, category=slug)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        return False

    def read_so_far() -> str:
        return f"{len(seen)} reads of {len(set(seen))} states"

    snapshot: dict[int, tuple[list[str], str, bool]] = {}
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ReplicaServer(site) as server:
            threads = [threading.Thread(target=reader, args=(server,)) for _ in range(3)]
            for thread in threads:
                thread.start()
            try:
                wait_for(add_unless_done, "400 reads of 15 states of the list", interval=0.001, details=read_so_far)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(PATIENCE)
    finally:
        sys.setswitchinterval(switch)
    assert not errors, errors[:3]
    final = site.by_category[slug]
    assert len(snapshot) >= 10
    for total, (got, modified, tagged) in snapshot.items():
        state = final[len(final) - total :]  # the list when it had `total` articles: new ones go on top
        assert got == [a.url for a in state[: site.delta]], total
        assert modified == http_time(state[0].published_at), total
        assert tagged


def test_add_over_http_from_another_process():
    process = subprocess.Popen(
        [sys.executable, "-m", "govscraper_replica", "--articles", "40", "--seed", "3", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], PATIENCE)  # the READY line, or a hang
        assert ready, f"no READY line within {PATIENCE:.0f} s"
        base = re.fullmatch(r"READY (http://127\.0\.0\.1:\d+)/\n", process.stdout.readline())[1]

        def post(path: str, data: bytes | None = b"") -> tuple[int, dict[str, Any]]:
            try:
                with urllib.request.urlopen(urllib.request.Request(base + path, data=data), timeout=10) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                with error:
                    return error.code, json.load(error)

        def get(path: str) -> bytes:
            with urllib.request.urlopen(base + path, timeout=10) as response:
                return response.read()

        before = json.loads(get("/_replica/manifest.json"))
        status, answer = post("/_replica/add?count=5&category=kinh-te-xa-hoi")
        assert status == 200
        assert answer["revision"] == 1
        assert len(answer["added"]) == 5
        assert all(entry["category"] == "kinh-te-xa-hoi" and entry["list_page"] == 1 for entry in answer["added"])
        listed = read_list_page(Selector(get("/kinh-te-xa-hoi").decode()))
        assert [item["url"] for item in listed[:5]] == [entry["url"] for entry in answer["added"]]
        assert [item["title"] for item in listed[:5]] == [entry["title"] for entry in answer["added"]]
        status, second = post("/_replica/add?count=2&seed=4", data=b'{"ignored": true}')
        assert (status, second["revision"], len(second["added"])) == (200, 2, 2)
        manifest = json.loads(get("/_replica/manifest.json"))
        assert manifest["revision"] == 2
        assert manifest["article_count"] == before["article_count"] + 7
        assert manifest["added"] == [e["id"] for e in second["added"]] + [e["id"] for e in answer["added"]]
        assert [a["id"] for a in manifest["articles"][:7]] == manifest["added"]
        for path, error in [
            ("/_replica/add", "give ?count=N"),
            ("/_replica/add?count=0", "from 1 to"),
            ("/_replica/add?count=10001", "from 1 to"),
            ("/_replica/add?count=abc", "whole number"),
            ("/_replica/add?count=1&count=2", "give it once"),
            ("/_replica/add?count=1&category=khong-co", "no category"),
            ("/_replica/add?count=1&seed=x", "whole number"),
            ("/_replica/add?count=1&author=x", "unknown parameter"),
        ]:
            status, body = post(path)
            assert (status, error in body["error"]) == (400, True), path
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/_replica/add?count=1", timeout=10)  # a GET changes nothing
        assert refused.value.code == 405
        refused.value.close()
        assert json.loads(get("/_replica/manifest.json"))["revision"] == 2  # refused requests changed nothing
        stats = json.loads(get("/_replica/stats.json"))
        assert stats["status_counts"]["400"] == 8
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0


def test_changes_are_refused_off_loopback(monkeypatch: pytest.MonkeyPatch):
    site = build_site(articles=12, seed=3)
    with ReplicaServer(site) as server:
        monkeypatch.setattr(server_module, "_is_loopback", lambda host: False)  # as if reached over a network
        for path in ("/_replica/add?count=2", f"/_replica/edit?id={site.articles[0].id}"):
            status, _, body = request(server, path, "POST")
            assert status == 403, path
            assert "loopback" in json.loads(body)["error"]
        assert (site.revision, len(site.articles)) == (0, 12)
