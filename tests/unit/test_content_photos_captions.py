"""Photos, captions and closing lines inside an article's content, as real news pages lay them out.

Built snippets, one per layout the real pages of tests/fixtures/real-news showed (and a few beside them that must
not change): which address a lazy or responsive photo really has, captions in ``<figure>``/``<figcaption>`` with
``<p>`` inside, credits in brackets, and a byline then a publication at the end.
"""

from __future__ import annotations

import pytest
from lxml import html

from govscraper.extract.content import image_source, read_content, split_credit
from govscraper.extract.generic import extract_generic

PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
URL = "https://tinhuyen.example.vn/tin-tuc/bai-viet-1.html"


def img(markup: str) -> html.HtmlElement:
    return next(html.fromstring(f"<div>{markup}</div>").iter("img"))


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (f'<img src="{PLACEHOLDER}" data-src="/anh/a.jpg">', "/anh/a.jpg"),
        ('<img src="/thumb_w/680/a.jpg" data-src="/thumb_w/680/a.jpg" data-original="/a.jpg">', "/a.jpg"),
        ('<img src="/anh/a.jpg">', "/anh/a.jpg"),
        ('<img src="/images/blank.gif" data-lazy-src="/anh/b.jpg">', "/anh/b.jpg"),
        ('<img srcset="/s.jpg 320w, /l.jpg 1024w, /m.jpg 640w" src="/s.jpg">', "/l.jpg"),
        (f'<img data-srcset="/a.jpg 1x, /b.jpg 2x, /c.jpg 1.5x" src="{PLACEHOLDER}">', "/b.jpg"),
        (
            f'<picture><source data-srcset="/p.jpg?dpr=1 1x, /p.jpg?dpr=2 2x">'
            f'<img class="lazy" src="{PLACEHOLDER}" data-src="/p.jpg?dpr=1"></picture>',
            "/p.jpg?dpr=2",
        ),
        ('<a href="/upload/anh-goc.jpg"><img src="/upload/anh-nho.jpg"></a>', "/upload/anh-goc.jpg"),
        ('<a href="/tin-tuc/bai-khac.html"><img src="/upload/anh.jpg"></a>', "/upload/anh.jpg"),
    ],
    ids=[
        "placeholder-then-data-src",
        "data-original-over-thumbnails",
        "plain-src",
        "blank-gif",
        "largest-width",
        "largest-density",
        "picture-source",
        "link-to-full-size",
        "link-to-a-page",
    ],
)
def test_the_photo_address_is_the_full_file_the_page_loads(markup, expected):
    assert image_source(img(markup)) == expected


@pytest.mark.parametrize("markup", [f'<img src="{PLACEHOLDER}">', '<img src="/images/spacer.gif">', "<img>"])
def test_a_placeholder_alone_is_no_photo(markup):
    assert image_source(img(markup)) is None


def content(markup: str, **options):
    return read_content(html.fromstring(f"<div>{markup}</div>"), URL, **options)


def test_a_figcaption_paragraph_is_the_caption_not_body():
    read = content(
        '<p>Đoạn mở đầu của bài viết.</p><figure class="image"><img src="/a.jpg">'
        "<figcaption><p>Lãnh đạo huyện thăm hỏi bà con vùng lũ, chiều 12/10, tại xã Đức Phong, huyện Mộ Đức "
        "(Ảnh: Văn Trọng).</p></figcaption></figure><p>Đoạn kết của bài viết.</p>"
    )
    assert read.paragraphs == ["Đoạn mở đầu của bài viết.", "Đoạn kết của bài viết."]
    ((image,),) = (read.images,)
    assert image.caption == "Lãnh đạo huyện thăm hỏi bà con vùng lũ, chiều 12/10, tại xã Đức Phong, huyện Mộ Đức"
    assert image.credit == "Văn Trọng"


def test_a_figcaption_of_two_paragraphs_is_one_caption():
    read = content("<figure><img src='/a.jpg'><figcaption><p>Quang cảnh hội nghị.</p><p>Ảnh: Minh Anh</p>"
                   "</figcaption></figure><p>Nội dung.</p>")  # fmt: skip
    assert read.paragraphs == ["Nội dung."]
    assert (read.images[0].caption, read.images[0].credit) == ("Quang cảnh hội nghị.", "Minh Anh")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Một xe tăng T-90 (Ảnh: Sputnik).", ("Một xe tăng T-90", "Sputnik")),
        ("Quân nhân Mỹ gắn tên lửa (Ảnh: Không quân Mỹ).", ("Quân nhân Mỹ gắn tên lửa", "Không quân Mỹ")),
        ("Thứ trưởng phát biểu. (Ảnh: LĐ)", ("Thứ trưởng phát biểu.", "LĐ")),
        ("Cao tốc qua địa bàn tỉnh (Ảnh minh họa: Mạnh Quân).", ("Cao tốc qua địa bàn tỉnh", "Mạnh Quân")),
        (
            "Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp",
            ("Y bác sĩ nội soi cho bệnh nhân.", "Bệnh viện cung cấp"),
        ),
        # A description after the label is a caption, not a credit; the label is not part of it.
        ("Ảnh: Lãnh đạo xã trao giấy khen cho các tập thể", ("Lãnh đạo xã trao giấy khen cho các tập thể", None)),
    ],
)
def test_a_credit_in_brackets_is_split_off_whatever_its_case(line, expected):
    assert split_credit(line) == expected


@pytest.mark.parametrize(
    ("closing", "author", "source"),
    [
        # dantri.com.vn: a reporter after "Theo", then the publication alone (right-aligned, italic).
        (
            '<p style="text-align: right">Theo <strong>Thanh Xuân</strong></p>'
            '<p style="text-align: right"><em>VnEconomy</em></p>',
            "Thanh Xuân",
            "VnEconomy",
        ),
        # A byline, then the publication: the usual order, unchanged.
        (
            '<p style="text-align: right"><b>Thanh Phương</b></p><p>Theo Báo Quảng Ngãi</p>',
            "Thanh Phương",
            "Báo Quảng Ngãi",
        ),
        # A closing remark between the byline and the source stays in the body and stops neither from being read.
        (
            '<p style="text-align: right"><b>Đức Hùng</b></p><p>(Còn nữa)</p><p>Theo Báo Đắk Nông</p>',
            "Đức Hùng",
            "Báo Đắk Nông",
        ),
        # A labelled byline, then a quoted publication.
        ('<p>Bài, ảnh: Đức Hùng</p><p>Theo "Báo Đắk Nông điện tử"</p>', "Đức Hùng", "Báo Đắk Nông điện tử"),
        # The publication's address as the source line, labelled or alone.
        (
            '<p style="text-align: right"><b>Minh Anh</b></p><p>Nguồn: https://baoquangngai.vn/thoi-su/bai-viet.htm</p>',
            "Minh Anh",
            "https://baoquangngai.vn/thoi-su/bai-viet.htm",
        ),
        (
            "<p>https://baodaknong.vn/tin-tuc/bai-viet-123.html</p>",
            None,
            "https://baodaknong.vn/tin-tuc/bai-viet-123.html",
        ),
        # A paper after "Theo", then a name: the paper stays the source.
        ('<p>Theo Báo Quảng Ngãi</p><p style="text-align: right"><b>Minh Anh</b></p>', "Minh Anh", "Báo Quảng Ngãi"),
    ],
)
def test_a_byline_and_a_publication_at_the_end_in_either_order(closing, author, source):
    read = content(f"<p>Nội dung bài viết về công tác an sinh xã hội của huyện.</p>{closing}", trailer=True)
    assert (read.author, read.source) == (author, source)
    remarks = ["(Còn nữa)"] if "Còn nữa" in closing else []
    assert read.paragraphs == ["Nội dung bài viết về công tác an sinh xã hội của huyện.", *remarks]


PAGE = """<html><head><title>Hội nghị tổng kết</title></head><body>
<header><h1 class="logo"><a href="/"><img src="/logo.png" alt=""></a></h1></header>
<article class="singular-container">
<h1 class="title-page detail">Hội nghị tổng kết công tác năm 2022 của huyện</h1>
<h2 class="singular-sapo">(Dân trí) - Sáng 24/12, huyện tổ chức hội nghị tổng kết công tác năm 2022,
triển khai nhiệm vụ năm 2023 với sự tham dự của lãnh đạo các phòng, ban.</h2>
<div class="singular-content">
<p>Năm 2022, tình hình kinh tế - xã hội của huyện tiếp tục phát triển ổn định, nhiều chỉ tiêu chủ yếu đạt và vượt
kế hoạch đề ra; công tác an sinh xã hội được quan tâm thực hiện đầy đủ, kịp thời.</p>
<p><a href="/tin-tuc/bai-khac.html"><strong>Huyện ra quân tổng vệ sinh môi trường đón Tết</strong></a></p>
<p>Phát biểu chỉ đạo, đồng chí Chủ tịch UBND huyện yêu cầu các cơ quan, đơn vị khắc phục hạn chế, triển khai quyết
liệt các giải pháp để hoàn thành thắng lợi nhiệm vụ năm 2023.</p>
</div>
<div class="singular-source">Theo <strong>Báo Quảng Ngãi</strong></div>
</article></body></html>"""


def test_a_news_page_lead_above_the_content_and_source_below_it():
    article = extract_generic(PAGE, URL)
    assert article.title == "Hội nghị tổng kết công tác năm 2022 của huyện"
    # The HTML source's line break inside the lead is a space, as a browser shows it.
    assert article.sapo == (
        "(Dân trí) - Sáng 24/12, huyện tổ chức hội nghị tổng kết công tác năm 2022, triển khai nhiệm vụ năm 2023 "
        "với sự tham dự của lãnh đạo các phòng, ban."
    )
    assert article.source == "Báo Quảng Ngãi"
    # The bold paragraph that is only a link to another article is not a line of this one.
    assert "Huyện ra quân" not in (article.body or "")
    assert article.body.startswith("Năm 2022, tình hình kinh tế")
    assert article.body.endswith("hoàn thành thắng lợi nhiệm vụ năm 2023.")


@pytest.mark.parametrize(
    ("markup", "photos"),
    [
        # The script's <img> holds only a placeholder: the <noscript> copy is the photo.
        (f'<img class="lazy" src="{PLACEHOLDER}"><noscript><img src="/anh/goc.jpg"></noscript>', ["/anh/goc.jpg"]),
        # The script's <img> holds the file: the copy is the same photo, not a second one.
        (f'<img src="{PLACEHOLDER}" data-src="/anh/a.jpg"><noscript><img src="/anh/a.jpg"></noscript>', ["/anh/a.jpg"]),
        # Only a copy, no script <img>.
        ('<noscript><img src="/anh/chi-co-ban-sao.jpg"></noscript>', ["/anh/chi-co-ban-sao.jpg"]),
    ],
    ids=["placeholder-and-copy", "file-and-copy", "copy-alone"],
)
def test_a_noscript_copy_is_one_photo_and_the_only_one_when_the_page_has_no_other(markup, photos):
    read = content(f"<p>Đoạn một.</p>{markup}<p>Đoạn hai.</p>")
    assert [image.url for image in read.images] == [f"https://tinhuyen.example.vn{path}" for path in photos]
    assert read.paragraphs == ["Đoạn một.", "Đoạn hai."]


def test_a_short_first_paragraph_that_opens_with_a_date_is_body_not_a_date_line():
    page = PAGE.replace(
        "<p>Năm 2022, tình hình kinh tế",
        "<p>Ngày 10/12/2021, huyện Mộ Đức tổ chức giao quân năm 2022.</p><p>Năm 2022, tình hình kinh tế",
    )
    article = extract_generic(page, URL)
    assert article.body.startswith("Ngày 10/12/2021, huyện Mộ Đức tổ chức giao quân năm 2022.\n\nNăm 2022,")


PLAIN = """<html><head><title>Giao quân năm 2022</title>
<meta property="og:description" content="{description}"></head><body>
<h1>Huyện Mộ Đức tổ chức lễ giao nhận quân năm 2022</h1>
<div><p>Sáng 10/2, huyện Mộ Đức long trọng tổ chức lễ giao nhận quân năm 2022 cho 180 thanh niên trúng tuyển.</p>
<p>Đến dự có lãnh đạo Bộ Chỉ huy Quân sự tỉnh, Thường trực Huyện ủy, HĐND, UBND huyện cùng đông đảo người dân,
gia đình các tân binh; buổi lễ diễn ra trang trọng, an toàn.</p>
<p>Các tân binh lên đường nhập ngũ với tinh thần phấn khởi, quyết tâm hoàn thành tốt nhiệm vụ được giao./.</p>
</div></body></html>"""
LEAD = "Sáng 10/2, huyện Mộ Đức long trọng tổ chức lễ giao nhận quân năm 2022 cho 180 thanh niên trúng tuyển."


def test_the_page_description_makes_the_first_paragraph_the_lead_only_when_it_repeats_it():
    described = extract_generic(PLAIN.format(description=LEAD), URL)
    assert described.sapo == LEAD
    assert not described.body.startswith("Sáng 10/2")
    slogan = extract_generic(PLAIN.format(description="Cổng thông tin điện tử huyện Mộ Đức, tỉnh Quảng Ngãi"), URL)
    assert slogan.sapo is None
    assert slogan.body.startswith(LEAD)


PHOTO_CELL = '<img src="/a.jpg">'
CAPTION = "Quang cảnh hội nghị tổng kết"


@pytest.mark.parametrize(
    "photo",
    [
        f'<table align="center"><tr><td>{PHOTO_CELL}</td></tr><tr><td>{CAPTION}</td></tr></table>',
        f'<table class="image"><tr><td>{PHOTO_CELL}</td></tr><tr><td>{CAPTION}</td></tr></table>',
        f'<table class="tplCaption"><tr><td>{PHOTO_CELL}</td><td>{CAPTION}</td></tr></table>',
        '<p><img src="/a.jpg"></p><p style="font-size: 11px">Quang cảnh hội nghị tổng kết</p>',
        '<p><img src="/a.jpg"><br><span style="font-size:10pt">Quang cảnh hội nghị tổng kết</span></p>',
        '<p><img src="/a.jpg"></p><p><small>Quang cảnh hội nghị tổng kết</small></p>',
    ],
    ids=["table-row-below", "table-class-image", "table-cell-beside", "smaller-paragraph", "smaller-span", "small"],
)
def test_a_caption_in_a_photo_table_or_set_smaller(photo):
    read = content(f"<p>Đoạn mở đầu của bài.</p>{photo}<p>Đoạn kết của bài viết này.</p>")
    assert [image.caption for image in read.images] == ["Quang cảnh hội nghị tổng kết"]
    assert read.paragraphs == ["Đoạn mở đầu của bài.", "Đoạn kết của bài viết này."]


def test_a_line_under_a_photo_in_the_body_text_size_is_body():
    read = content('<p><img src="/a.jpg"></p><p style="font-size: 14px">Quang cảnh hội nghị tổng kết</p>')
    assert read.images[0].caption is None
    assert read.paragraphs == ["Quang cảnh hội nghị tổng kết"]


def test_avatars_and_share_buttons_are_not_article_photos():
    page = PAGE.replace(
        "<p>Năm 2022, tình hình kinh tế",
        '<p><img src="/images/avatar/nguoi-viet.jpg"> <a href="#"><img src="/images/share-fb.png"></a>'
        '<img src="/upload/shared/2022/anh-hoi-nghi.jpg"></p><p>Năm 2022, tình hình kinh tế',
    )
    article = extract_generic(page, URL)
    assert [image.url for image in article.images] == [
        "https://tinhuyen.example.vn/upload/shared/2022/anh-hoi-nghi.jpg"
    ]
