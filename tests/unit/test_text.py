"""Normalisation, on the reference cases of scraped Vietnamese text (dates and view counts:
tests/unit/test_dates.py)."""

from __future__ import annotations

import pytest

from govscraper.text import normalize_block, normalize_inline


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
