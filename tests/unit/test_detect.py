"""Platform detection and dispatch with fallback, on the real Liferay pages and the built layout pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscraper.extract.detect import decode_page, detect_platform, extract_article
from govscraper.extract.profiles import liferay62
from govscraper.text import decode as text_decode
from tests.helpers import fixtures

SITE = "https://sotttt.hanoi.gov.vn/"
A1 = "liferay62_sotttt-hanoi_article_en_2625972.html"
A2 = "liferay62_sotttt-hanoi_article_en_3159471.html"


def liferay(name: str) -> str:
    return fixtures.page_text("liferay62", name)


def layout(name: str) -> tuple[dict, str]:
    return fixtures.expected("layouts", name), fixtures.page_text("layouts", name)


# ------------------------------------------------------------------------------------------------ detect_platform
@pytest.mark.parametrize("path", fixtures.pages("liferay62", "article") + fixtures.pages("liferay62", "list"),
                         ids=lambda p: p.stem[22:])  # fmt: skip
def test_real_asset_publisher_pages_are_liferay62(path):
    assert detect_platform(decode_page(path.read_bytes()), SITE) == "liferay62"


def test_real_home_page_is_liferay_without_asset_publisher():
    page = liferay("liferay62_sotttt-hanoi_home.html")
    assert liferay62.looks_like(page)
    assert detect_platform(page, SITE) == "generic"  # news-publisher and HTML portlets only


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("lr62_badinh_article_chuyen-doi-so", "liferay62"),
        ("qni2021_article_nguoi-cao-tuoi", "liferay62"),
        ("qni2021_list_tin-noi-bat", "liferay62"),
        ("moduc_article_tong-ket-phoi-hop", "generic"),  # Liferay, but Web Content Display (portlet 56)
        ("upload_quangngai_article_xuc-tien-dau-tu", "uploadcms"),
        ("sp_dongnai_article_thu-ngan-sach", "sharepoint"),
        ("sp_monre_article_luat-bao-ve-moi-truong", "sharepoint"),
        ("hatinh_article_giai-ngan-dau-tu-cong", "generic"),
        ("haiphong_old_article_quy-hoach-giao-thong", "generic"),
        ("quangbinh_print_article_pho-bien-phap-luat", "generic"),
    ],
)
def test_layout_pages_platform(name, platform):
    expected, page = layout(name)
    assert detect_platform(page, expected["url"]) == platform


# ------------------------------------------------------------------------------------------------ extract_article
def test_real_liferay_articles_use_the_profile():
    first = extract_article(liferay(A1), SITE + "web/sotttt-eng/hot-news/-/view_content/2625972-x.html")
    second = extract_article(liferay(A2), SITE + "web/sotttt-eng/hot-news/-/view_content/3159471-x.html")
    assert first.platform == second.platform == "liferay62"
    assert first.title.startswith("Hanoi Department of Information and Communications (HDIC) creates a video")
    assert (first.published, first.views, first.author) == ("2018-06-20T16:12:00+07:00", 349, "Bich Thao")
    assert (second.published, second.views, second.author) == ("2019-03-18T15:06:00+07:00", 107, "Admin English")
    assert (first.source_id, second.source_id) == ("2625972", "3159471")


def test_liferay_page_without_the_profiles_title_falls_back_to_generic():
    expected, page = layout("qni2021_article_nguoi-cao-tuoi")
    assert liferay62.parse_article(page, expected["url"]).title is None
    article = extract_article(page, expected["url"])
    assert article.platform == "generic"
    assert (article.title, article.published, article.views) == (
        expected["title"], expected["published"], expected["views"]
    )  # fmt: skip
    assert article.body == expected["body"]


def test_liferay_layout_page_with_the_profiles_markup_uses_the_profile():
    expected, page = layout("lr62_badinh_article_chuyen-doi-so")
    article = extract_article(page, expected["url"])
    assert article.platform == "liferay62"
    assert (article.title, article.sapo, article.body) == (expected["title"], expected["sapo"], expected["body"])
    assert article.author == expected["author"]


@pytest.mark.parametrize("name", [Path(name).stem for name in fixtures.names("layouts", "article")])
def test_auto_extraction_matches_expected_on_every_layout_article(name):
    expected, page = layout(name)
    article = extract_article(page, expected["url"])
    assert (article.title, article.published, article.author) == (
        expected["title"], expected["published"], expected["author"]
    )  # fmt: skip
    assert article.body == expected["body"]


def test_platform_can_be_forced_and_must_be_known():
    expected, page = layout("lr62_badinh_article_chuyen-doi-so")
    assert extract_article(page, expected["url"], platform="generic").platform == "generic"
    with pytest.raises(ValueError, match="unknown platform"):
        extract_article(page, expected["url"], platform="joomla")


# ---------------------------------------------------------------------------------------------------- decode_page
def test_decode_page_is_reexported_from_the_text_package():
    # decode_page moved to govscraper.text.decode (its tests are in test_decode.py); callers keep importing it here.
    assert decode_page is text_decode.decode_page
