"""The liferay7, sharepoint and uploadcms profiles on their built fixture portals.

Each fixture directory (tests/fixtures/<platform>/, see its PROVENANCE.md) holds a home page, two list pages and
article pages, each with its ``<page stem>.json``: the expected values written by hand from the page text and the
paths it is served at (read by tests/helpers/fixtures.py). Checked here: every field of every article,
list entries and pagination, detection of every page (and that the Liferay 6.2 and layout pages keep theirs),
and a real crawl per platform over HTTP from :class:`FixtureSite` into SQLite.
"""

from __future__ import annotations

import pytest
import sqlite_utils

from govscraper.extract.detect import detect_platform, extract_article
from govscraper.extract.profiles import liferay7, liferay62, sharepoint, uploadcms
from govscraper.registry import PLATFORMS as REGISTRY_PLATFORMS
from govscraper.spiders import spider_for_platform
from govscraper.text import decode_page
from tests.helpers import fixtures
from tests.helpers.cli import run_cli
from tests.helpers.fixture_site import FixtureSite
from tests.helpers.fixtures import page_text

PROFILES = {"liferay7": liferay7, "sharepoint": sharepoint, "uploadcms": uploadcms}


ARTICLES = [(p, name) for p in PROFILES for name in fixtures.names(p, "article")]
LISTS = [(p, name) for p in PROFILES for name in fixtures.names(p, "list")]


# ------------------------------------------------------------------------------------------------ articles
@pytest.mark.parametrize(("platform", "name"), ARTICLES, ids=[n for _, n in ARTICLES])
def test_every_field_of_every_article(platform, name):
    expected = fixtures.expected(platform, name)
    article = extract_article(page_text(platform, name), expected["url"])
    assert article.platform == platform  # the profile read it, not the generic fallback
    assert article.title == expected["title"]
    assert article.published == expected["published"]
    assert article.author == expected["author"]
    assert article.source == expected["source"]
    assert article.sapo == expected["sapo"]
    assert article.views == expected["views"]
    assert article.category == expected["category"]
    assert article.source_id == expected["source_id"]
    paragraphs = article.body.split("\n\n")
    assert (paragraphs[0], paragraphs[-1], len(paragraphs)) == (
        expected["body_first"], expected["body_last"], expected["paragraphs"]
    )  # fmt: skip
    assert [{"url": i.url, "caption": i.caption} for i in article.images] == expected["images"]
    assert [{"url": a.url, "title": a.title} for a in article.attachments] == expected["attachments"]


#: Texts of the pages' furniture (skip links, related boxes, tools, share links, counters) and of the captions.
FURNITURE = (
    "Truy cập nội dung luôn", "Các tin khác", "Tin cùng chuyên mục", "Xem thêm", "In trang", "Chia sẻ", "Facebook",
    "Zalo", "Lượt truy cập", "lượt truy cập", "Cỡ chữ", "Ý KIẾN BẠN ĐỌC", "Hình:", "Về đầu trang",
)  # fmt: skip


@pytest.mark.parametrize(("platform", "name"), ARTICLES, ids=[n for _, n in ARTICLES])
def test_no_furniture_in_the_body(platform, name):
    expected = fixtures.expected(platform, name)
    article = extract_article(page_text(platform, name), expected["url"])
    for junk in FURNITURE:
        assert junk not in article.body
    assert expected["title"] not in article.body
    assert (expected["author"] or "\x00") not in article.body.split("\n\n")[-1]
    if expected["sapo"]:
        assert expected["sapo"] not in article.body


def test_a_profile_that_finds_no_article_falls_back_to_generic():
    # A Liferay 7 page whose theme shows no Asset Publisher full content: the generic extractor reads it.
    page = page_text("liferay7", "lr7_article_an-toan-thuc-pham.html").replace("journal-content-article", "jca")
    url = fixtures.expected("liferay7", "lr7_article_an-toan-thuc-pham.html")["url"]
    assert liferay7.parse_article(page, url).body is None
    article = extract_article(page, url)
    assert article.platform == "generic"
    assert article.title == "Trảng Bom ra quân Tháng hành động vì an toàn thực phẩm năm 2024"


# ------------------------------------------------------------------------------------------------ lists
@pytest.mark.parametrize(("platform", "name"), LISTS, ids=[n for _, n in LISTS])
def test_list_entries_and_pagination(platform, name):
    expected = fixtures.expected(platform, name)
    listing = PROFILES[platform].parse_list(page_text(platform, name), expected["url"])
    assert [{"url": i.url, "title": i.title, "published": i.published} for i in listing.items] == expected["items"]
    assert listing.next_url == expected["next"]
    assert (listing.current_page, listing.last_page, listing.total_results) == (
        expected["current_page"], expected["last_page"], expected["total_results"]
    )  # fmt: skip
    assert all(PROFILES[platform].is_article_url(i.url) for i in listing.items)
    assert all(PROFILES[platform].page_number(u) not in (None, listing.current_page) for u in listing.pages)


@pytest.mark.parametrize(
    ("platform", "url", "is_article", "source_id", "page"),
    [
        ("liferay7", "https://x.gov.vn/tin-tuc/-/asset_publisher/Ab12/content/ra-quan", True, "ra-quan", None),
        (
            "liferay7",
            "https://x.gov.vn/web/guest/xem-chi-tiet/-/asset_publisher//Content/slug?4812236",
            True,
            "4812236",
            None,
        ),
        (
            "liferay7",
            "https://x.gov.vn/tin-tuc?p_p_id=com_liferay_x_INSTANCE_Ab12&_com_liferay_x_INSTANCE_Ab12_cur=7",
            False,
            None,
            7,
        ),
        (
            "sharepoint",
            "https://www.dongnai.gov.vn/Pages/newsdetail.aspx?NewsId=178254&CatId=104",
            True,
            "178254",
            None,
        ),
        ("sharepoint", "https://monre.gov.vn/Pages/tap-huan-trien-khai-luat-bao-ve-moi-truong.aspx", True, None, None),
        ("sharepoint", "https://www.dongnai.gov.vn/Pages/tintucsukien.aspx?gId=2&Page=3", False, None, 3),
        ("sharepoint", "https://monre.gov.vn/Pages/trang-chu-bo-tai-nguyen-moi-truong.aspx", False, None, None),
        ("uploadcms", "https://moit.gov.vn/tin-tuc/thi-truong-trong-nuoc/ket-noi-cung-cau.html", True, None, None),
        ("uploadcms", "https://x.gov.vn/en/news/news-events/investment-forum-123456.html", True, "123456", None),
        ("uploadcms", "https://moit.gov.vn/tin-tuc/thi-truong-trong-nuoc.html?pageNo=4", False, None, 4),
        ("uploadcms", "https://quangngai.gov.vn/tin-tuc/tin-dia-phuong/trang-2.html", False, None, 2),
    ],
)
def test_urls(platform, url, is_article, source_id, page):
    profile = PROFILES[platform]
    assert (profile.is_article_url(url), profile.source_id(url), profile.page_number(url)) == (
        is_article, source_id, page
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------ detection
@pytest.mark.parametrize("platform", PROFILES)
def test_every_fixture_page_is_detected_as_its_platform(platform):
    pages = fixtures.found(platform)
    assert len(pages) >= 6
    for path in pages:
        assert detect_platform(decode_page(path.read_bytes()), "https://example.gov.vn/") == platform, path.name


def test_liferay_7_and_6_2_are_told_apart():
    for path in fixtures.found("liferay62"):  # the real pages, where present
        page = decode_page(path.read_bytes())
        assert not liferay7.looks_like(page), path.name  # b=6201 and p_p_id=101 mark 6.2
        assert detect_platform(page, "https://sotttt.hanoi.gov.vn/") in ("liferay62", "generic")
    for path in fixtures.found("liferay7"):
        assert not liferay62.looks_like(decode_page(path.read_bytes())), path.name


@pytest.mark.parametrize("path", fixtures.pages("liferay62", "list"), ids=lambda p: p.stem[22:])
def test_real_liferay62_lists_stay_liferay62(path):
    assert detect_platform(decode_page(path.read_bytes()), "https://sotttt.hanoi.gov.vn/") == "liferay62"


#: The built layout pages (tests/fixtures/layouts) whose detected platform the new profiles change: they carry
#: the documented fingerprints of these platforms. Every other layout page keeps its platform.
CHANGED_LAYOUTS = {
    "lr7_quangtri_article_hoc-sinh-vung-lu": "liferay7",
    "sp_dongnai_article_thu-ngan-sach": "sharepoint",
    "sp_dongnai_list_tin-tuc-su-kien": "sharepoint",
    "sp_monre_article_luat-bao-ve-moi-truong": "sharepoint",
    "upload_moit_article_ket-noi-cung-cau": "uploadcms",
    "upload_moit_list_thi-truong-trong-nuoc": "uploadcms",
    "upload_quangngai_article_xuc-tien-dau-tu": "uploadcms",
    "upload_quangngai_list_tin-dia-phuong": "uploadcms",
}
LIFERAY62_LAYOUTS = {"lr62_badinh_article_chuyen-doi-so", "qni2021_article_nguoi-cao-tuoi", "qni2021_list_tin-noi-bat"}


@pytest.mark.parametrize("path", fixtures.pages("layouts"), ids=lambda p: p.stem)
def test_layout_pages_keep_their_platform_unless_they_carry_a_new_ones_fingerprints(path):
    expected = fixtures.expected("layouts", path)
    platform = detect_platform(decode_page(path.read_bytes()), expected["url"])
    before = "liferay62" if path.stem in LIFERAY62_LAYOUTS else "generic"
    assert platform == CHANGED_LAYOUTS.get(path.stem, before)


@pytest.mark.parametrize("stem", [s for s in CHANGED_LAYOUTS if "_article_" in s])
def test_layout_articles_now_read_by_a_profile_match_their_expected_values(stem):
    expected = fixtures.expected("layouts", stem)
    article = extract_article(page_text("layouts", stem), expected["url"])
    assert article.platform == CHANGED_LAYOUTS[stem]
    assert (article.title, article.published, article.author, article.source, article.sapo) == (
        expected["title"], expected["published"], expected["author"], expected["source"], expected["sapo"]
    )  # fmt: skip
    assert article.body == expected["body"]
    assert [(i.url, i.caption) for i in article.images] == [(i["url"], i["caption"]) for i in expected["images"]]
    assert [a.url for a in article.attachments] == [a["url"] for a in expected["attachments"]]


def test_platforms_are_registered_everywhere():
    for platform in PROFILES:
        assert platform in REGISTRY_PLATFORMS
        spider = spider_for_platform(platform)
        assert (spider.name, spider.platform) == (platform, platform)


# ------------------------------------------------------------------------------------------------ crawls
#: platform → (test portal id, fixture site, start path, articles it must archive)
CRAWLS = {
    "liferay7": ("dni-trangbom-test", None, "tin-tuc-su-kien", 3),
    "sharepoint": ("dni-tinh-test", None, "Pages/tintucsukien.aspx?gId=2", 3),
    "uploadcms": ("qni-tqtrong-test", None, "tin-tuc/tin-hoat-dong.html", 3),
}


@pytest.mark.parametrize("platform", CRAWLS)
def test_crawl_over_http_archives_every_article_with_its_images_and_attachments(platform, tmp_path):
    portal_id, site_key, start, count = CRAWLS[platform]
    site = FixtureSite(platform, site_key)
    registry = tmp_path / "registry.toml"
    registry.write_text(
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng thử nghiệm {platform}"\nprovince = "Đồng Nai"\n'
        f'level = "huyện"\nbase_url = "{site.origin}/"\nplatform = "{platform}"\nstart_urls = ["{start}"]\n'
        f'status = "live"\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "archive.db"
    try:
        result = run_cli(
            "crawl", portal_id, "--base-url", site.url + "/", "--loopback", "--no-warc", "--db", str(db_path),
            registry=registry,
        )  # fmt: skip
    finally:
        site.close()
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    rows = {row["url"]: row for row in db["articles"].rows}
    expected_articles = [fixtures.expected(platform, name) for name in fixtures.names(platform, "article")]
    local = {site.local(e["url"]): e for e in expected_articles if e["url"].startswith(site.origin)}
    assert len(local) == count
    assert set(rows) == set(local)
    for url, expected in local.items():
        row = rows[url]
        assert (row["platform"], row["portal_id"]) == (platform, portal_id)
        assert (row["title"], row["published_at"], row["author"], row["sapo"]) == (
            expected["title"], expected["published"], expected["author"], expected["sapo"]
        )  # fmt: skip
        paragraphs = row["body"].split("\n\n")
        assert (paragraphs[0], paragraphs[-1]) == (expected["body_first"], expected["body_last"])
        assert (row["views"], row["category"], row["source_id"]) == (
            expected["views"], expected["category"], expected["source_id"]
        )  # fmt: skip
        images = [
            (r["source_url"], r["caption"], r["image_sha256"] is not None)
            for r in db.query(
                "select * from article_images where article_id = ? and role = 'body' order by position", [row["id"]]
            )
        ]
        assert images == [(site.local(i["url"]), i["caption"], True) for i in expected["images"]]
        attachments = [
            (r["source_url"], r["title"], r["attachment_sha256"] is not None)
            for r in db.query("select * from article_attachments where article_id = ? order by position", [row["id"]])
        ]
        assert attachments == [(site.local(a["url"]), a["title"], True) for a in expected["attachments"]]
    # Both list pages were read; nothing failed; robots.txt was asked for first and with govscraper's User-Agent.
    paths = [p for p, _ in site.requests]
    assert paths[0] == "/robots.txt"
    assert all(agent.startswith("govscraper/") for _, agent in site.requests)
    listed = [p for p in paths if p in {route for route in site.routes if "list" in site.routes[route].name}]
    assert len({site.routes[p] for p in listed}) == 2
    assert db["fetch_failures"].count == 0


def test_crawl_of_the_monre_style_sharepoint_site_records_what_it_could_not_archive(tmp_path):
    """The monre-style fixture site has one article page; the list's two other entries and its pages 2 and 3 are
    404s here. The article is archived, every missing page is recorded in fetch_failures, the crawl succeeds."""
    site = FixtureSite("sharepoint", "https://stnmt.quangngai.gov.vn/")
    registry = tmp_path / "registry.toml"
    registry.write_text(
        '[[portal]]\nid = "qni-stnmt-test"\nname = "Sở Tài nguyên và Môi trường tỉnh Quảng Ngãi"\n'
        'province = "Quảng Ngãi"\nlevel = "tỉnh"\nbase_url = "https://stnmt.quangngai.gov.vn/"\n'
        'platform = "sharepoint"\nstart_urls = ["Pages/tin-tuc.aspx"]\nstatus = "live"\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "archive.db"
    try:
        result = run_cli(
            "crawl", "qni-stnmt-test", "--base-url", site.url + "/", "--loopback", "--no-warc", "--db", str(db_path),
            "-s", "RETRY_TIMES=0", registry=registry,
        )  # fmt: skip
    finally:
        site.close()
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    expected = fixtures.expected("sharepoint", "sp_stnmt_article_ke-hoach-su-dung-dat.html")
    rows = list(db["articles"].rows)
    assert [(r["url"], r["title"], r["published_at"], r["author"]) for r in rows] == [
        (site.local(expected["url"]), expected["title"], expected["published"], expected["author"])
    ]
    listing = fixtures.expected("sharepoint", "sp_stnmt_list_tin-tuc_p1.html")
    failed = {(f["url"], f["kind"], f["status"]) for f in db["fetch_failures"].rows}
    missing_articles = {(site.local(i["url"]), "article", 404) for i in listing["items"][1:]}
    missing_pages = {(f"{site.url}/Pages/tin-tuc.aspx?Page={n}", "list", 404) for n in (2, 3)}
    assert failed == missing_articles | missing_pages
