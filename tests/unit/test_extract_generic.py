"""The generic extractor, article classification and link discovery on the built layout pages.

Table-driven over tests/fixtures/layouts/*.json (read by tests/helpers/fixtures.py): the expected values there were
written by hand from each page (see that folder's PROVENANCE.md for which documented layout each page follows).
Pages are decoded and extracted once, at module level; each test checks one field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from parsel import Selector

from govscraper.extract.content import Block, source_line
from govscraper.extract.detect import decode_page
from govscraper.extract.generic import (
    ARTICLE_THRESHOLD,
    article_score,
    extract_generic,
    extract_if_article,
    is_article,
    is_furniture,
)
from govscraper.extract.links import classify, discover_links, is_file, is_trap, page_number, same_host
from tests.helpers import fixtures
from tests.helpers.scoring import body_f1


def _load() -> dict[str, tuple[dict, str]]:
    pages = {}
    for name in fixtures.names("layouts"):
        pages[Path(name).stem] = (fixtures.expected("layouts", name), fixtures.page_text("layouts", name))
    return pages


PAGES = _load()
ARTICLE_NAMES = [name for name, (exp, _) in PAGES.items() if exp["kind"] == "article"]
LIST_NAMES = [name for name, (exp, _) in PAGES.items() if exp["kind"] == "list"]
ARTICLES = {name: extract_generic(PAGES[name][1], PAGES[name][0]["url"]) for name in ARTICLE_NAMES}
LINKS = {name: discover_links(page, exp["url"]) for name, (exp, page) in PAGES.items()}


def expected(name: str) -> dict:
    return PAGES[name][0]


def test_fixture_set_is_complete():
    kinds = Counter(exp["kind"] for exp, _ in PAGES.values())
    assert kinds["article"] >= 12
    assert kinds["list"] >= 4
    assert kinds["other"] >= 3


# --------------------------------------------------------------------------------------------- per-field tables
@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_title(name):
    assert ARTICLES[name].title == expected(name)["title"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_published(name):
    assert ARTICLES[name].published == expected(name)["published"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_author(name):
    assert ARTICLES[name].author == expected(name)["author"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_sapo(name):
    assert ARTICLES[name].sapo == expected(name)["sapo"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_body_token_f1(name):
    assert body_f1(ARTICLES[name].body, expected(name)["body"]) >= 0.97


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_body_exact(name):
    assert ARTICLES[name].body == expected(name)["body"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_images_captions_and_credits(name):
    got = [{"url": image.url, "caption": image.caption, "credit": image.credit} for image in ARTICLES[name].images]
    assert got == expected(name)["images"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_source_line_goes_to_source_not_body(name):
    # The body is compared whole in test_body: the source line is not in it.
    assert ARTICLES[name].source == expected(name)["source"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_attachments(name):
    got = [{"url": a.url, "title": a.title} for a in ARTICLES[name].attachments]
    assert got == expected(name)["attachments"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_views(name):
    assert ARTICLES[name].views == expected(name)["views"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_category(name):
    assert ARTICLES[name].category == expected(name)["category"]


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_platform_and_body_html(name):
    article = ARTICLES[name]
    assert article.platform == "generic"
    assert article.body_html
    assert "<script" not in article.body_html


@pytest.mark.parametrize("name", list(PAGES))
def test_is_article(name):
    exp, page = PAGES[name]
    assert is_article(page, exp["url"]) == (exp["kind"] == "article"), article_score(page, exp["url"])


@pytest.mark.parametrize("name", LIST_NAMES)
def test_list_items_are_discovered_as_articles(name):
    assert set(expected(name)["items"]) <= set(LINKS[name].articles)


@pytest.mark.parametrize("name", LIST_NAMES)
def test_list_next_page(name):
    links = LINKS[name]
    assert links.next == expected(name)["next"]
    assert links.next in links.lists


# ---------------------------------------------------------------------------------------------------- focused
def test_sentence_starting_with_theo_stays_in_the_body():
    for name in ("moduc_article_tet-trong-cay", "quangbinh_print_article_pho-bien-phap-luat"):
        assert any(p.startswith("Theo kế hoạch, ") for p in ARTICLES[name].body.split("\n\n")), name
    assert ARTICLES["lr62_badinh_article_chuyen-doi-so"].body.startswith("Theo báo cáo của UBND quận, ")
    assert "\n\nTheo Sở Kế hoạch và Đầu tư, " in ARTICLES["upload_quangngai_article_xuc-tien-dau-tu"].body


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("upload_moit_article_ket-noi-cung-cau", "Nguồn: Vụ Thị trường trong nước"),
        ("sp_monre_article_luat-bao-ve-moi-truong", "(Nguồn: Tổng cục Môi trường)"),
        ("sp_dongnai_article_thu-ngan-sach", "Theo báo Đồng Nai"),
        ("moduc_article_tet-trong-cay", "Theo Báo Quảng Ngãi"),
        ("haiphong_old_article_quy-hoach-giao-thong", "Theo Báo Hải Phòng"),
    ],
)
def test_source_lines_are_not_body_nor_author(name, line):
    article = ARTICLES[name]
    assert line not in article.body
    assert article.author is None or article.author not in line


def test_byline_above_a_source_line_is_the_author():
    assert ARTICLES["moduc_article_tet-trong-cay"].author == "Thanh Phương"
    assert ARTICLES["sp_dongnai_article_thu-ngan-sach"].author == "Kim Liễu"


def test_source_line_rules():
    assert source_line(Block(text="Nguồn: Vụ Thị trường trong nước")) == "Vụ Thị trường trong nước"
    assert source_line(Block(text="(Nguồn: Tổng cục Môi trường)")) == "Tổng cục Môi trường"
    assert source_line(Block(text="Theo báo Đồng Nai")) == "báo Đồng Nai"
    assert source_line(Block(text="Theo TTXVN")) == "TTXVN"
    assert source_line(Block(text="Theo kế hoạch, huyện sẽ trồng mới 1.200 ha rừng.")) is None
    assert source_line(Block(text="Theo báo cáo, thu nội địa đạt hơn 21.400 tỷ đồng")) is None


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_skip_link_and_furniture_never_in_body(name):
    body = ARTICLES[name].body
    for text in ("Truy cập nội dung luôn", "Xem với cỡ chữ", "In trang", "Gửi email", "Hôm nay 3009", "Chia sẻ:"):
        assert text not in body, text


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_related_boxes_never_in_body(name):
    body = ARTICLES[name].body
    for heading in ("Các tin khác", "Tin liên quan", "TIN, BÀI LIÊN QUAN", "CÁC TIN, BÀI ĐÃ ĐƯA", "Xem thêm",
                    "Ý KIẾN BẠN ĐỌC", "Tin mới"):  # fmt: skip
        assert heading not in body, heading


def test_related_entries_never_in_body():
    assert "Huyện Mộ Đức ra quân huấn luyện quân sự năm 2022" not in ARTICLES["moduc_article_tet-trong-cay"].body
    assert (
        "Giải ngân vốn đầu tư công 2 tháng đầu năm đạt thấp"
        not in ARTICLES["hatinh_article_giai-ngan-dau-tu-cong"].body
    )  # the "Xem thêm: <link>" line at the end of the body
    assert "Hội nghị trực tuyến toàn quốc" not in ARTICLES["qni2021_article_nguoi-cao-tuoi"].body


def test_captions_with_and_without_space_after_hinh():
    captions = [image.caption for image in ARTICLES["moduc_article_tong-ket-phoi-hop"].images]
    # The label ("Hình: ", "Hình:" without the space) announces the caption; it is not part of it.
    assert "Quang cảnh hội nghị" in captions
    assert "Chủ tịch UBND huyện Lê Văn Hòa phát biểu tại hội nghị" in captions
    body = ARTICLES["moduc_article_tong-ket-phoi-hop"].body
    assert "Hình:" not in body
    assert "Ảnh:" not in body


def test_bare_file_name_under_a_photo_is_neither_caption_nor_body():
    article = ARTICLES["upload_khanhcuong_article_chinh-quyen-hai-cap"]
    assert article.images[-1].caption is None
    assert "2025_07_11_16_02_133.jpg" not in article.body


def test_cp1258_page_decodes():
    raw = fixtures.page_bytes("layouts", "haiphong_old_article_quy-hoach-giao-thong.html")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = decode_page(raw)
    assert "Công bố Quy hoạch phát triển giao thông vận tải thành phố" in text
    assert unicodedata.is_normalized("NFC", text)
    assert ARTICLES["haiphong_old_article_quy-hoach-giao-thong"].title.startswith("Công bố Quy hoạch")


def test_nfd_page_becomes_nfc():
    raw = fixtures.page_bytes("layouts", "hatinh_camquan_article_nong-thon-moi.html").decode("utf-8")
    assert not unicodedata.is_normalized("NFC", raw)
    article = ARTICLES["hatinh_camquan_article_nong-thon-moi"]
    for text in (article.title, article.body, article.author, article.images[0].caption):
        assert unicodedata.is_normalized("NFC", text)
    assert article.title == "Xã Cẩm Quan tổng kết công tác xây dựng nông thôn mới năm 2021"


def test_title_found_without_a_matching_title_tag():
    # <title> names only the section and the site; the title is the div before the date line.
    exp, page = PAGES["moduc_article_tong-ket-phoi-hop"]
    assert "Tổng kết" not in Selector(text=page).css("title::text").get()
    assert ARTICLES["moduc_article_tong-ket-phoi-hop"].title == exp["title"]


def test_accepts_a_selector_and_leaves_its_tree_unchanged():
    exp, page = PAGES["qni2021_article_nguoi-cao-tuoi"]
    sel = Selector(text=page)
    before = sel.root.xpath("count(//*)")
    assert extract_generic(sel, exp["url"]).body == exp["body"]
    assert sel.root.xpath("count(//*)") == before
    assert not sel.root.xpath("//*[@data-govscraper-skip]")


def test_furniture_texts():
    assert is_furniture("Xem với cỡ chữ : A- A A+ | In trang | Gửi email")
    assert is_furniture("Lượt truy cập: Online 7 / Hôm nay 3009 / Tổng 7.448.251")
    assert is_furniture("Truy cập nội dung luôn")
    assert not is_furniture("Chia sẻ tại hội nghị, ông Nguyễn Văn A cho biết huyện sẽ trồng 1.200 ha rừng.")


# --------------------------------------------------------------------------------------------- real Liferay pages
LIFERAY_ARTICLES = {
    "liferay62_sotttt-hanoi_article_en_2625972.html": ("Hanoi Department of Information and Communications (HDIC)",
                                                       "2018-06-20T16:12:00+07:00", 349, "Bich Thao"),
    "liferay62_sotttt-hanoi_article_en_3159471.html": ("Rules for citizen reception and Decisions",
                                                       "2019-03-18T15:06:00+07:00", 107, "Admin English"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LIFERAY_ARTICLES))
def test_generic_on_real_liferay_articles(name):
    title, published, views, author = LIFERAY_ARTICLES[name]
    article = extract_generic(fixtures.page_text("liferay62", name), "https://sotttt.hanoi.gov.vn/x")
    assert article.title.startswith(title)
    assert (article.published, article.views, article.author, article.category) == (
        published, views, author, "Hot News"
    )  # fmt: skip
    assert "Các tin khác" not in article.body
    assert "Admin English" not in article.body


@pytest.mark.parametrize("path", fixtures.pages("liferay62"), ids=lambda p: p.stem[22:])
def test_is_article_on_real_liferay_pages(path):
    page = decode_page(path.read_bytes())
    assert is_article(page, "https://sotttt.hanoi.gov.vn/x") == ("_article_" in path.name)


def test_threshold_is_documented_value():
    assert ARTICLE_THRESHOLD == 4.0


# ---------------------------------------------------------------------------------------------------- links
@pytest.mark.parametrize("name", list(PAGES))
def test_links_never_leave_the_host(name):
    links = LINKS[name]
    url = expected(name)["url"]
    for link in [*links.articles, *links.lists, *links.other, *([links.next] if links.next else [])]:
        assert same_host(link, url), link
        assert "#" not in link


@pytest.mark.parametrize("name", list(PAGES))
def test_links_exclude_files_and_traps(name):
    links = LINKS[name]
    for link in [*links.articles, *links.lists, *links.other]:
        assert not is_file(link), link
        assert not is_trap(link), link
        assert not re.search(r"print|Ban-in|InTin|SendMail|GuiTin|sharer|rss|tuan=|dang-nhap|login", link, re.I)


TRAP_PAGE = """<html><body>
<a href="/tin-tuc/hoat-dong/khai-mac-hoi-nghi-tong-ket-cong-tac-nam-2023.html">Khai mạc hội nghị tổng kết</a>
<a href="/tin-tuc/hoat-dong.html?page=2">2</a> <a href="/tin-tuc/hoat-dong.html?p=3">3</a>
<a href="/tin-tuc/hoat-dong/trang-4.html">4</a>
<a href="/web/guest/tin?p_p_id=101_INSTANCE_ab&amp;_101_INSTANCE_ab_cur=5">5</a>
<div class="pagination"><a href="/tin-tuc/hoat-dong.html?pageNo=2">Trang sau</a> <a href="/x.aspx?s=9">»</a></div>
<a href="/gioi-thieu.html">Giới thiệu</a>
<a href="https://other.gov.vn/tin-tuc/abc-def-ghi-jkl-mno.html">Other host</a>
<a href="mailto:a@b.vn">Email</a> <a href="javascript:void(0)">JS</a> <a href="tel:0255">Tel</a>
<a href="#top">Top</a> <a href="/upload/1/20230101/kh.pdf">PDF</a> <a href="/upload/1/fck/a/2023_01_01_1.jpg">JPG</a>
<a href="/tin-tuc/abc.html?print=1">In</a> <a href="/3cms/Ban-in-1.htm?art=123">Bản in</a>
<a href="/print.aspx?postid=5">In bài</a> <a href="/Pages/guimail.aspx?NewsId=5">Gửi mail</a>
<a href="/dang-nhap.html">Đăng nhập</a> <a href="/tim-kiem.html?keyword=abc">Tìm</a>
<a href="/rss/tin-tuc.rss">RSS</a> <a href="/lich-cong-tac.html?tuan=38&amp;nam=2023">Lịch</a>
<a href="/css/site.css">css</a> <a href="/documents/10180/0/a.pdf/uuid">doc</a>
<a href="/web/guest/x?p_p_id=101&amp;p_p_lifecycle=1">action</a>
</body></html>"""


def test_link_discovery_classifies_and_excludes():
    links = discover_links(TRAP_PAGE, "https://www.example.gov.vn/tin-tuc/hoat-dong.html")
    base = "https://www.example.gov.vn"
    assert links.articles == [base + "/tin-tuc/hoat-dong/khai-mac-hoi-nghi-tong-ket-cong-tac-nam-2023.html"]
    assert links.lists == [
        base + "/tin-tuc/hoat-dong.html?page=2",
        base + "/tin-tuc/hoat-dong.html?p=3",
        base + "/tin-tuc/hoat-dong/trang-4.html",
        base + "/web/guest/tin?p_p_id=101_INSTANCE_ab&_101_INSTANCE_ab_cur=5",
        base + "/tin-tuc/hoat-dong.html?pageNo=2",
        base + "/x.aspx?s=9",
    ]
    assert links.other == [base + "/gioi-thieu.html"]
    assert links.next == base + "/tin-tuc/hoat-dong.html?page=2"


def test_page_numbers_and_classes():
    assert page_number("https://a.vn/x?pageNo=7") == 7
    assert page_number("https://a.vn/x?_101_INSTANCE_q1_cur=3") == 3
    assert page_number("https://a.vn/tin-tuc/trang-12.html") == 12
    assert page_number("https://a.vn/tin-tuc/abc.html") is None
    assert classify("https://a.vn/portal/pages/2023-03-13/Ha-Tinh-giai-ngan-1045823.aspx") == "article"
    assert classify("https://a.vn/Pages/newsdetail.aspx?NewsId=178254&CatId=104") == "article"
    assert classify("https://a.vn/x/-/view_content/123-abc.html") == "article"
    assert classify("https://a.vn/Pages/tintucsukien.aspx?gId=2") == "list"
    assert classify("https://a.vn/lien-he.html", "Liên hệ") == "other"
    assert same_host("https://www.a.vn/x", "http://a.vn/y")
    assert not same_host("https://a.vn/x", "https://b.a.vn/y")


def test_extract_if_article_reads_articles_and_declines_other_pages():
    for name, (exp, page) in PAGES.items():
        article = extract_if_article(Selector(text=page), exp["url"])
        if exp["kind"] == "article":
            assert article is not None, name
            assert article.title == exp["title"], name
        else:
            assert article is None, name


def test_lead_set_as_a_bare_heading_is_the_sapo_not_body_nor_title():
    exp, page = PAGES["lr7_quangtri_article_hoc-sinh-vung-lu"]
    bare = re.sub(r'\s(?:class|id)="[^"]*"', "", page)  # no class names: layout only
    article = extract_generic(bare, exp["url"])
    assert article.sapo == exp["sapo"]
    assert article.body == exp["body"]
    untitled = re.sub(r"<title>.*?</title>|<meta property=\"og:title\"[^>]*>", "", page, flags=re.S)
    assert extract_generic(untitled, exp["url"]).title == exp["title"]


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("qni2021_article_nguoi-cao-tuoi", "5236714"),
        ("moduc_article_tong-ket-phoi-hop", "5318402"),
        ("lr62_badinh_article_chuyen-doi-so", "4521380"),
        ("sp_dongnai_article_thu-ngan-sach", "178254"),
        ("hatinh_article_giai-ngan-dau-tu-cong", "1045823"),
        ("cdsqni_print_article_nen-tang-so", "2147"),
        ("upload_quangngai_article_xuc-tien-dau-tu", None),  # "...-nam-2023.html": a year, not an id
    ],
)
def test_source_id_from_the_url(name, wanted):
    assert ARTICLES[name].source_id == wanted


def test_inline_related_heading_run_into_its_links_is_not_body():
    page = (
        "<html><head><title>Tiêu đề bài viết thử nghiệm số một</title></head><body><div class='content'>"
        "<div class='t'>Tiêu đề bài viết thử nghiệm số một</div><div>12/03/2023 08:30</div>"
        "<p>Đoạn một dài đủ để được tính là văn bản, có dấu phẩy, và nhiều chữ nữa để vượt ngưỡng tối thiểu.</p>"
        "<p>Đoạn hai cũng dài đủ để được tính là văn bản, có dấu phẩy, và nhiều chữ nữa để vượt ngưỡng.</p>"
        "<div class='x'><b>Các tin khác</b><!-- c --><a href='/a-b-c-d-e.html'>Tin khác một hai ba bốn</a></div>"
        "</div></body></html>"
    )
    article = extract_generic(page, "https://x.gov.vn/a")
    assert article.published == "2023-03-12T08:30:00+07:00"
    assert article.body.endswith("vượt ngưỡng.")
    assert "Các tin khác" not in article.body


DEGENERATE = [
    "",
    "<html></html>",
    "<p>Chỉ một dòng</p>",
    "<html><body><table><tr><td></td></tr></table></body></html>",
    "<html><body>" + "<a href='/x'>liên kết</a>" * 50 + "</body></html>",
]


@pytest.mark.parametrize("page", DEGENERATE)
def test_degenerate_pages_do_not_crash(page):
    article = extract_generic(page, "https://x.gov.vn/a")
    assert article.platform == "generic"
    assert not is_article(page, "https://x.gov.vn/a")
    assert discover_links(page, "https://x.gov.vn/a").next is None
