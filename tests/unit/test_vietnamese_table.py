"""One table for Vietnamese text handling: sixteen reference cases of scraped text, and the cases around them.

The reference cases (numbered 1-16 below) are what scraped portal text looks like and what the archive must make of
it: NFD text, "Ð" (U+00D0) typed for "Đ", Windows-1258 bytes, TCVN3 and VNI (legacy 8-bit font encodings), UTF-8
read as windows-1252, HTML entities, invisible characters, bylines, photo credits, skip links, dates, a "Theo ..."
sentence that is body text, and the folded search form. Each row is ``(operation, input, expected)``; the operations
are the public functions of ``govscraper.text`` and the content reader of the extractors (for bylines, captions,
credits and source lines). Expected values are written from the text, as a reader of the input would. The date
parser has its own, larger table (tests/helpers/date_cases.py); the date forms seen on real portals are repeated here so
that this table covers them too.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import html

from govscraper.extract.content import read_content
from govscraper.text import (
    VN_TZ,
    canonical_tones,
    decode_page,
    fold,
    normalize_block,
    normalize_inline,
    parse_views,
    parse_vn_datetime,
    repair_text,
    tcvn3_to_unicode,
    viqr_to_unicode,
    vni_to_unicode,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=VN_TZ)


def content(snippet: str):
    return read_content(html.fromstring(f"<div>{snippet}</div>"), "https://moduc.quangngai.gov.vn/", trailer=True)


OPERATIONS = {
    "normalize": normalize_inline,
    "normalize_block": normalize_block,
    "decode": lambda data: decode_page(data),
    "tcvn3": tcvn3_to_unicode,
    "vni": vni_to_unicode,
    "viqr": viqr_to_unicode,
    "repair": repair_text,
    "fold": fold,
    "tones": canonical_tones,
    "date": lambda text: parse_vn_datetime(text, now=NOW),
    "views": parse_views,
    "body": lambda snippet: content(snippet).body,
    "author": lambda snippet: content(snippet).author,
    "source": lambda snippet: content(snippet).source,
    "caption": lambda snippet: [(i.caption, i.credit) for i in content(snippet).images],
}

PHOTO = '<p style="text-align:center"><img src="/anh/1.jpg"></p>'
TABLE: list[tuple[str, object, object]] = [
    # --- the reference cases 1-16, in order --------------------------------------------------------------------
    ("normalize", "Mo\u0323\u0302 \u0110u\u031b\u0301c", "Mộ Đức"),  # 1: NFD → NFC
    ("normalize", "Ðảm bảo", "Đảm bảo"),  # 2: U+00D0 typed for Đ
    ("decode", b"M\xf4\xf2 \xd0\xfd\xecc", "Mộ Đức"),  # 3: cp1258 bytes (decoded, then NFC)
    ("tcvn3", "T«i ®i häc", "Tôi đi học"),  # 4: TCVN3
    ("vni", "Toâi ñi hoïc", "Tôi đi học"),  # 4: VNI
    ("viqr", "To^i ddi ho.c", "Tôi đi học"),  # VIQR, the ASCII spelling of the same sentence
    ("repair", "Quáº£ng NgÃ£i", "Quảng Ngãi"),  # 5: mojibake
    ("normalize", "c&oacute; kh&oacute;a đ&agrave;o tạo", "có khóa đào tạo"),  # 6: entities
    ("normalize", "Đ\u200bức", "Đức"),  # 7: zero-width space
    ("normalize", "Ngã\u00adi", "Ngãi"),  # 7: soft hyphen
    ("normalize", "Mộ  Đức", "Mộ Đức"),  # 7: run of spaces
    ("normalize", "Mộ\u00a0Đức", "Mộ Đức"),  # 7: nbsp
    ("normalize", "“Nông thôn mới”", "“Nông thôn mới”"),  # 8: typographic quotes kept
    ("normalize", "hoà bình", "hoà bình"),  # 8: tone placement kept in stored text
    ("fold", "hoà bình", "hoa binh"),  # 8: folded form
    ("author", "<p>Sáng nay, huyện tổ chức hội nghị./.</p><p>Tin, ảnh:&nbsp;Vân Khanh</p>", "Vân Khanh"),  # 9
    (
        "body",
        "<p>Sáng nay, huyện tổ chức hội nghị./.</p><p>Tin, ảnh:&nbsp;Vân Khanh</p>",
        "Sáng nay, huyện tổ chức hội nghị./.",
    ),  # 9: the byline is not body
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Ảnh: Xuân Tư/TTXVN</em></p>",
        [(None, "Xuân Tư/TTXVN")],
    ),  # 10: a credit under an image
    (
        "body",
        "<a href='#main-content' id='skip-to-content'></a><p>Nội dung bài viết./.</p>",
        "Nội dung bài viết./.",
    ),  # 11: see test_extract_generic for the skip link on whole pages
    ("date", "01/10/2021 15:53    4792", "2021-10-01T15:53:00+07:00"),  # 12
    ("views", "01/10/2021 15:53    4792", 4792),  # 12
    ("date", "10:8, Thứ Tư, 3-4-2024", "2024-04-03T10:08:00+07:00"),  # 13
    ("date", "Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00"),  # 13
    ("date", "ngày 21 tháng 09 năm 2025", "2025-09-21"),  # 14
    (
        "body",
        "<p>Năm 2023, huyện đạt 12/14 chỉ tiêu.</p><p>Theo kế hoạch, huyện sẽ xây thêm 3 trường học.</p>"
        "<p>Hội nghị kết thúc./.</p>",
        "Năm 2023, huyện đạt 12/14 chỉ tiêu.\n\nTheo kế hoạch, huyện sẽ xây thêm 3 trường học.\n\nHội nghị kết thúc./.",
    ),  # 15
    ("fold", "Ủy ban nhân dân huyện Mộ Đức", "uy ban nhan dan huyen mo duc"),  # 16
    ("fold", "Mộ Đức", "mo duc"),  # 16: "mo duc" finds it
    ("fold", "thể", "the"),  # 16: folding merges thể/thế ...
    ("fold", "thế", "the"),
    ("tones", "thể", "thể"),  # ... the exact form keeps them apart, so exact matches can rank first
    # --- date forms seen on real portals ----------------------------------------------------------------------
    ("date", "09/01/2022", "2022-01-09"),
    ("date", "21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00"),
    ("date", "Ngày đăng 09/09/2020 | 05:07 PM | View count: 842", "2020-09-09T17:07:00+07:00"),
    ("views", "Ngày đăng 09/09/2020 | 05:07 PM | View count: 842", 842),
    ("date", "Publish date 12/02/2020 | 11:03 AM | View count: 832", "2020-02-12T11:03:00+07:00"),
    ("date", "14:44 | 14/08/2022", "2022-08-14T14:44:00+07:00"),
    ("date", "ngày 05 tháng 01 năm 2022", "2022-01-05"),
    ("date", "Hà Nội, ngày 10 tháng 05 năm 2022", "2022-05-10"),
    ("date", "12/05/2021 - 08:30", "2021-05-12T08:30:00+07:00"),  # dd/mm/yyyy - HH:MM (older haiphong.gov.vn)
    ("date", "09/01/2030", None),  # later than the crawl: a parse error, not a date
    # --- Encodings and Unicode: more of the same kinds ---------------------------------------------------------
    ("normalize", "Tha\u0300nh pho\u0302\u0301 Qua\u0309ng Nga\u0303i", "Thành phố Quảng Ngãi"),
    ("normalize", "\u00f0ồng chí", "đồng chí"),  # fake đ (U+00F0)
    ("normalize", "\ufeffTin tức", "Tin tức"),  # stray BOM
    ("normalize", "Sở TT&amp;amp;TT", "Sở TT&TT"),  # escaped twice by the CMS
    ("normalize", "Hội thảo ldquo;An toàn thông tinrdquo;", "Hội thảo “An toàn thông tin”"),  # entity lost its &
    ("normalize", "CNTTamp;TT", "CNTT&TT"),
    ("normalize", "&#7897;i ngh&#7883;", "ội nghị"),  # numeric entities
    ("normalize", "2021 – 2025", "2021 – 2025"),  # en dash kept
    ("normalize", "“Dân vận khéo”", "“Dân vận khéo”"),
    ("normalize", "hòa bình", "hòa bình"),  # old tone placement kept too
    ("normalize", "  Mộ\t Đức \n", "Mộ Đức"),
    ("normalize", "\u200b\u00ad ", None),  # nothing left: no value
    ("normalize_block", "Đoạn một.\n\n\n\nĐoạn hai./.", "Đoạn một.\n\nĐoạn hai./."),
    ("normalize_block", "Dòng một<br>\nDòng hai", "Dòng một<br>\nDòng hai"),  # text, not markup: kept
    ("decode", "<meta charset='utf-8'><p>Mộ Đức</p>".encode(), "<meta charset='utf-8'><p>Mộ Đức</p>"),
    ("decode", b"\xef\xbb\xbf<p>M\xe1\xbb\x99 \xc4\x90\xe1\xbb\xa9c</p>", "<p>Mộ Đức</p>"),  # UTF-8 with a BOM
    (
        "decode",
        '<meta charset="windows-1258"><p>Qua\xd2ng Nga\xdei</p>'.encode("latin-1"),
        '<meta charset="windows-1258"><p>Quảng Ngãi</p>',
    ),
    ("decode", '<meta charset="iso-8859-1"><p>Mộ Đức</p>'.encode(), '<meta charset="iso-8859-1"><p>Mộ Đức</p>'),
    ("repair", "Ä\x90á»©c Phá»•", "Đức Phổ"),  # the 0x90 byte of Đ survived as a C1 control
    ("repair", "TÆ° NghÄ©a", "Tư Nghĩa"),
    ("repair", "V¨n Träng", "Văn Trọng"),  # a TCVN3 byline
    ("repair", "Huyeän Moä Ñöùc", "Huyện Mộ Đức"),  # VNI
    ("repair", "Mộ Đức", "Mộ Đức"),  # clean text is left alone
    ("repair", "“Nông thôn mới” – năm 2022", "“Nông thôn mới” – năm 2022"),
    ("repair", "Muñoz and Jörg Müller", "Muñoz and Jörg Müller"),  # foreign names are not damage
    ("repair", "Nhiệt độ 25°C, diện tích 500 m²", "Nhiệt độ 25°C, diện tích 500 m²"),
    ("tcvn3", "Uû ban nh©n d©n huyÖn Mé §øc", "Uỷ ban nhân dân huyện Mộ Đức"),
    ("tcvn3", "B¶o Th¾ng", "Bảo Thắng"),
    ("tcvn3", "M\u00adêng Kh\u00ad¬ng", "Mường Khương"),  # "ư" is TCVN3's byte 0xAD, a soft hyphen in latin-1
    ("tcvn3", "Aµ", "À"),  # ABC fonts: a capital with a tone typed as the capital plus the lowercase letter
    ("tcvn3", "UBND TØNH", "UBND TỈNH"),  # all-caps words typed with .VnTimeH
    ("tcvn3", "“Ngµy héi”", "“Ngày hội”"),  # typographic quotes survive
    ("vni", "Vieät Nam", "Việt Nam"),
    ("vni", "Quaûng Ngaõi", "Quảng Ngãi"),
    ("vni", "Thöïc hieän", "Thực hiện"),
    ("vni", "nhaø nöôùc", "nhà nước"),
    ("viqr", "Vie^.t Nam", "Việt Nam"),
    # --- Search forms ------------------------------------------------------------------------------------------
    ("fold", "Đức", "duc"),
    ("fold", "ĐỨC", "duc"),
    ("fold", "hòa bình", "hoa binh"),
    ("fold", "Thủy lợi", "thuy loi"),
    ("fold", "người dân", "nguoi dan"),
    ("tones", "hòa", "hoà"),  # tone placement unified: old style → new style
    ("tones", "hoà", "hoà"),
    ("tones", "khỏe", "khoẻ"),
    ("tones", "thủy", "thuỷ"),
    ("tones", "Ủy ban", "Uỷ ban"),
    ("tones", "hoàng", "hoàng"),  # a final consonant: one spelling only
    ("tones", "mùa", "mùa"),  # ua keeps its mark on u in both styles
    ("tones", "quý", "quý"),
    # --- Structure: bylines, captions, credits, sources --------------------------------------------------------
    ("author", "<p>Hội nghị kết thúc./.</p><p style='text-align:right'><strong>Văn Trọng</strong></p>", "Văn Trọng"),
    ("author", "<p>Hội nghị kết thúc./.</p><p><strong>Thực hiện: N.ĐỨC - M.LỰC</strong></p>", "N.ĐỨC - M.LỰC"),
    ("author", "<p>Hội nghị kết thúc./.</p><p>Hội nghị thành công tốt đẹp</p>", None),  # not set apart: not a name
    (
        "author",
        "<p>Nội dung./.</p><p style='text-align:right'><b>Văn Trọng</b></p><p>(Nguồn: Báo Quảng Ngãi)</p>",
        "Văn Trọng",
    ),
    (
        "source",
        "<p>Nội dung./.</p><p style='text-align:right'><b>Văn Trọng</b></p><p>(Nguồn: Báo Quảng Ngãi)</p>",
        "Báo Quảng Ngãi",
    ),
    ("source", "<p>Nội dung./.</p><p>Theo báo Đồng Nai</p>", "báo Đồng Nai"),
    ("source", "<p>Nội dung./.</p><p>Theo kế hoạch, huyện sẽ tổ chức hội thi vào tháng 5.</p>", None),
    ("body", "<p>Nội dung./.</p><p>Theo TTXVN</p>", "Nội dung./."),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Hình: Quang cảnh hội nghị</em></p>",
        [("Quang cảnh hội nghị", None)],
    ),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Hình:đồng chí Chủ tịch phát biểu</em></p>",
        [("đồng chí Chủ tịch phát biểu", None)],
    ),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Quang cảnh hội nghị. Ảnh: Minh Anh</em></p>",
        [("Quang cảnh hội nghị.", "Minh Anh")],
    ),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>(Ảnh: Bệnh viện cung cấp)</em></p>",
        [(None, "Bệnh viện cung cấp")],
    ),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Ảnh: Lãnh đạo xã trao giấy khen</em></p>",
        [("Lãnh đạo xã trao giấy khen", None)],
    ),
    (
        "caption",
        f"{PHOTO}<p style='text-align:center'><em>Các đại biểu dự hội nghị</em></p>",
        [("Các đại biểu dự hội nghị", None)],
    ),  # a centered italic line under a photo
    ("caption", f"{PHOTO}<p>IMG_2025_07_11.jpg</p><p>Nội dung./.</p>", [(None, None)]),  # a bare file name
    (
        "body",
        "<p>Đoạn một.</p><p>Đoạn hai: “trích dẫn”.</p><p>Kết thúc./.</p>",
        "Đoạn một.\n\nĐoạn hai: “trích dẫn”.\n\nKết thúc./.",
    ),  # boundaries and "./." kept
    ("body", "<p>T«i ®i häc.</p><p>Hä ®i lµm./.</p>", "Tôi đi học.\n\nHọ đi làm./."),  # TCVN3 paragraphs repaired
]


@pytest.mark.parametrize(
    ("operation", "given", "expected"), TABLE, ids=[f"{i:03d}-{op}" for i, (op, _, _) in enumerate(TABLE)]
)
def test_vietnamese_text(operation, given, expected):
    assert OPERATIONS[operation](given) == expected


def test_the_table_is_large_enough():
    assert len(TABLE) >= 80
