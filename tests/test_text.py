"""Normalisation and date parsing, on the cases of ../shared/VIETNAMESE.md (issue 3 widens this table)."""

from __future__ import annotations

from datetime import datetime

import pytest

from govscraper.text import VN_TZ, normalize_block, normalize_inline, parse_views, parse_vn_datetime

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mo\u0323\u0302 \u0110u\u031b\u0301c", "Mộ Đức"),  # NFD → NFC
        ("Ðảm bảo", "Đảm bảo"),  # U+00D0 typed for Đ
        ("c&oacute; kh&oacute;a đ&agrave;o tạo", "có khóa đào tạo"),
        ("Đ\u200bức", "Đức"),
        ("Ngã\u00adi", "Ngãi"),
        ("Mộ  Đức", "Mộ Đức"),
        ("Mộ\u00a0Đức", "Mộ Đức"),
        ("\ufeffMộ Đức", "Mộ Đức"),
        ("“Nông thôn mới”", "“Nông thôn mới”"),  # typographic quotes kept
        ("hoà bình", "hoà bình"),  # tone placement kept as published
        ("2021 – 2025", "2021 – 2025"),  # en dash kept
        ("Hội thảo ldquo;An toàn thông tinrdquo;", "Hội thảo “An toàn thông tin”"),  # entity lost its "&"
        ("Sở TT&amp;amp;TT", "Sở TT&TT"),  # escaped twice
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_inline(raw, expected):
    assert normalize_inline(raw) == expected


def test_normalize_block_keeps_paragraphs_and_line_breaks():
    assert normalize_block("  Đoạn  một.\n\n\n Đoạn hai,\n dòng hai. \n\n") == "Đoạn một.\n\nĐoạn hai,\ndòng hai."


@pytest.mark.parametrize(
    ("text", "published", "views"),
    [
        ("09/01/2022", "2022-01-09", None),
        ("01/10/2021 15:53    4792", "2021-10-01T15:53:00+07:00", 4792),
        ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00", None),
        ("Ngày đăng 09/09/2020 | 05:07 PM | View count: 842", "2020-09-09T17:07:00+07:00", 842),
        ("Publish date 12/02/2020 | 11:03 AM | View count: 832", "2020-02-12T11:03:00+07:00", 832),
        ("Ngày đăng 20/06/2018 | 4:12 PM \u00a0|\u00a0View count: 349", "2018-06-20T16:12:00+07:00", 349),
        ("10:8, Thứ Tư, 3-4-2024", "2024-04-03T10:08:00+07:00", None),
        ("Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00", None),
        ("14:44 | 14/08/2022", "2022-08-14T14:44:00+07:00", None),
        ("ngày 05 tháng 01 năm 2022", "2022-01-05", None),
        ("Hà Nội, ngày 10 tháng 05 năm 2022", "2022-05-10", None),
        ("ngày 21 tháng 09 năm 2025", "2025-09-21", None),
        ("12/05/2021 - 08:30", "2021-05-12T08:30:00+07:00", None),
        ("02/06/2015 | 12:00 AM", "2015-06-02T00:00:00+07:00", None),
        ("Lượt xem: 1.234 | 03/04/2020", "2020-04-03", 1234),
        ("09/01/2030", None, None),  # after the crawl time: a parse error, not a date
        ("31/02/2022", None, None),  # no such day
        ("không có ngày", None, None),
    ],
)
def test_dates_and_views(text, published, views):
    assert parse_vn_datetime(text, now=NOW) == published
    assert parse_views(text) == views
