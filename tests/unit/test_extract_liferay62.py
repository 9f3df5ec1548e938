"""Liferay 6.2 extraction on the real saved pages of sotttt.hanoi.gov.vn (kept beside the checkout; found by
tests/helpers/fixtures.py).

Expected values come from tests/fixtures/liferay62/PROVENANCE.md, where they were read off the pages by hand: each
page's ``<page stem>.json`` there has its URL (from the page's HTTrack comment) and, for a list, its ``items`` (that
file's tables, converted once).
"""

from __future__ import annotations

import pytest

from govscraper.extract.profiles import liferay62
from govscraper.text import parse_views, parse_vn_datetime
from tests.helpers import fixtures

if not fixtures.present("liferay62"):
    pytest.skip(fixtures.absent("liferay62"), allow_module_level=True)
SITE = "https://sotttt.hanoi.gov.vn/"
#: Each list page's items as read off it (sorted by page file name).
EXPECTED_ITEMS = {name: fixtures.expected("liferay62", name)["items"] for name in fixtures.names("liferay62", "list")}
#: The address each page was saved from (its HTTrack comment), which the extractor is given.
LIST_URLS = {name: fixtures.expected("liferay62", name)["url"] for name in fixtures.names("liferay62", "list")}
ARTICLE_URLS = {name: fixtures.expected("liferay62", name)["url"] for name in fixtures.names("liferay62", "article")}


def read(name: str) -> str:
    # The saved pages are UTF-8 (the home page starts with a BOM); decoding is tested in test_extract_cli.
    return fixtures.page_bytes("liferay62", name).decode("utf-8-sig")


LISTS = {name: liferay62.parse_list(read(name), url) for name, url in LIST_URLS.items()}
ARTICLES = {name: liferay62.parse_article(read(name), url) for name, url in ARTICLE_URLS.items()}
LIST_CASES = [(name, row) for name, rows in EXPECTED_ITEMS.items() for row in rows]


def test_every_fixture_page_is_recognised_as_liferay():
    for name in fixtures.names("liferay62"):
        assert liferay62.looks_like(read(name)), name


@pytest.mark.parametrize(("name", "count"), [(n, len(rows)) for n, rows in EXPECTED_ITEMS.items()])
def test_item_count(name, count):
    assert len(LISTS[name].items) == count


@pytest.mark.parametrize(("name", "row"), LIST_CASES, ids=[f"{n[20:-5]}-{r['n']}" for n, r in LIST_CASES])
def test_list_item_fields(name, row):
    item = LISTS[name].items[row["n"] - 1]
    assert item.title == row["title"]
    assert item.url == SITE + row["href"]
    assert item.published == parse_vn_datetime(row["date_text"])
    assert item.views == parse_views(row["date_text"])
    if row["thumbnail"] is None:
        assert item.thumbnail is None
    else:
        # The README shortens long off-site thumbnail URLs with "…"; compare up to there.
        stored = row["thumbnail"].split("…")[0]
        expected = stored if stored.startswith("http") else SITE + stored.removeprefix("../")
        assert item.thumbnail.startswith(expected)


def test_list_dates_read_both_clock_and_view_count():
    first = LISTS["liferay62_sotttt-hanoi_list_phong-chong-covid19_p1.html"].items[0]
    assert first.published == "2020-09-09T17:07:00+07:00"  # "Ngày đăng 09/09/2020 | 05:07 PM | View count: 842"
    assert first.views == 842
    english = LISTS["liferay62_sotttt-hanoi_list_phong-chong-covid19_p2_en-ui.html"].items[-1]
    assert english.published == "2015-06-02T00:00:00+07:00"  # "Publish date 02/06/2015 | 12:00 AM"


def test_list_summary_keeps_text_and_repairs_broken_entities():
    p17 = LISTS["liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p17.html"]
    assert p17.items[0].summary.startswith("Sáng ngày 21/9, Sở Thông tin và Truyền thông Hà Nội tổ chức Hội thảo")
    # The page says "Hội thảo ldquo;An toàn thông tin ... thành phốrdquo;" (entities that lost their "&").
    assert "“An toàn thông tin trong cơ quan, doanh nghiệp thành phố”" in p17.items[0].summary


def test_pagination_first_page():
    page = LISTS["liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p1.html"]
    assert (page.current_page, page.last_page, page.total_results) == (1, 25, 243)
    assert liferay62.page_number(page.next_url) == 2
    assert sorted(map(liferay62.page_number, page.pages)) == list(range(2, 26))


def test_pagination_deep_page():
    page = LISTS["liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p17.html"]
    assert (page.current_page, page.last_page, page.total_results) == (17, 25, 243)
    assert liferay62.page_number(page.next_url) == 18
    numbers = set(map(liferay62.page_number, page.pages))
    assert {1, 16, 18, 25} <= numbers
    assert 17 not in numbers


def test_pagination_deep_page_without_cur_in_url_reads_the_results_line():
    page = liferay62.parse_list(read("liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p17.html"), SITE + "x")
    assert page.current_page == 17  # "Hiển thị 161 - 170 of 243", page size 10
    assert liferay62.page_number(page.next_url) == 18


def test_pagination_last_page_has_no_next():
    page = LISTS["liferay62_sotttt-hanoi_list_phong-chong-covid19_p2_en-ui.html"]
    assert (page.current_page, page.last_page, page.total_results) == (2, 2, 26)
    assert page.next_url is None
    assert [liferay62.page_number(u) for u in page.pages] == [1]


def test_pagination_covid_first_page():
    page = LISTS["liferay62_sotttt-hanoi_list_phong-chong-covid19_p1.html"]
    assert (page.last_page, page.total_results) == (2, 26)
    assert liferay62.page_number(page.next_url) == 2


def test_single_item_list_has_no_pager():
    page = LISTS["liferay62_sotttt-hanoi_list_chi-dao-dieu-hanh_single-item.html"]
    assert (page.pages, page.next_url, page.last_page) == ([], None, 1)


def test_article_urls_give_liferay_article_ids():
    first = EXPECTED_ITEMS["liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p1.html"][0]
    assert liferay62.source_id(SITE + first["href"]) == "4418033"
    assert liferay62.is_article_url(SITE + "a/-/view_content/1-x.html")
    assert not liferay62.is_article_url(SITE + "cong-nghe-thong-tin")


A1 = "liferay62_sotttt-hanoi_article_en_2625972.html"
A2 = "liferay62_sotttt-hanoi_article_en_3159471.html"


def test_article_title_from_the_content_div_not_the_title_tag():
    assert ARTICLES[A1].title == (
        "Hanoi Department of Information and Communications (HDIC) creates a video clip for to guide citizen and "
        "organizationto do online filing for Public Online Services level 3, level 4."
    )
    assert ARTICLES[A2].title == (
        "Rules for citizen reception and Decisions assigning citizens to welcome and receive and process claims by "
        "citizens in Hanoi Department of Information and Communications"
    )


def test_article_published_date_and_time():
    assert ARTICLES[A1].published == "2018-06-20T16:12:00+07:00"  # "Ngày đăng 20/06/2018 | 4:12 PM"
    assert ARTICLES[A2].published == "2019-03-18T15:06:00+07:00"  # "Ngày đăng 18/03/2019 | 3:06 PM"


def test_article_views_and_category():
    assert (ARTICLES[A1].views, ARTICLES[A2].views) == (349, 107)
    assert ARTICLES[A1].category == ARTICLES[A2].category == "Hot News"


def test_article_sapo():
    assert ARTICLES[A1].sapo.startswith("With the aim to guide and create favorable conditions for citizens")
    assert ARTICLES[A2].sapo.startswith("In order to implement the Law on reception of citizens No.42/2013/QH13")


def test_article_body_starts_and_ends():
    assert ARTICLES[A1].body.startswith("Accordingly, the content of video clip 1 introduces the benefits")
    assert ARTICLES[A1].body.endswith(
        "Registering to use color photocopy machines, printers with function of color photocopy"
    )
    assert ARTICLES[A2].body.startswith("Content of information to be published includes:")
    assert ARTICLES[A2].body.endswith(
        "Decision No.112/QD-STTTT on promulgating citizenship rules by Hanoi Department of Information and "
        "Communications (attached document)."
    )


def test_article_body_keeps_paragraphs_and_list_items_apart():
    paragraphs = ARTICLES[A1].body.split("\n\n")
    assert "Granting permits for news publication" in paragraphs
    assert "Non-commercial publication import" in paragraphs


def test_article_body_has_no_related_box_or_account_line():
    for article in ARTICLES.values():
        assert "Các tin khác" not in article.body
        assert "Admin English" not in article.body
        assert "Promoting propaganda results" not in article.body  # first related link of A1


def test_article_author_prefers_the_byline_over_the_posting_account():
    # A1 ends with a right-aligned "Bich Thao" (the writer) above p.view-content-author "Admin English".
    assert ARTICLES[A1].author == "Bich Thao"
    assert "Bich Thao" not in ARTICLES[A1].body
    # A2 has no byline: the account is all the page says.
    assert ARTICLES[A2].author == "Admin English"


def test_article_ids_images_and_platform():
    assert (ARTICLES[A1].source_id, ARTICLES[A2].source_id) == ("2625972", "3159471")
    for article in ARTICLES.values():
        assert article.images == []
        assert article.attachments == []
        assert article.platform == "liferay62"
        assert article.body_html.startswith('<div class="journal-content-article">')


@pytest.mark.parametrize("name", [A1, A2])
def test_article_matches_the_hand_transcribed_page(name):
    expected = fixtures.expected("liferay62", name)
    article = ARTICLES[name]
    for field in ("title", "published", "views", "category", "author", "source", "sapo", "body"):
        assert getattr(article, field) == expected[field], field
