"""What an edit changed: fields, the share of the body's words, photos and attachments; whitespace is no edit."""

from __future__ import annotations

from govscraper.archive.edits import describe_edit, words_changed

BEFORE = {
    "title": "Hội nghị tổng kết công tác năm 2024",
    "sapo": "Sáng 10/01, UBND huyện tổ chức hội nghị.",
    "body": "Dự hội nghị có lãnh đạo huyện.\n\nHội nghị đánh giá kết quả năm 2024 và triển khai nhiệm vụ năm 2025.",
    "published_at": "2025-01-10T08:00:00+07:00",
    "author": "Minh Thư",
    "views": 120,
}
PHOTOS = [{"sha256": "a" * 64, "caption": "Quang cảnh hội nghị", "credit": None}]
FILES = [{"sha256": "f" * 64, "title": "Báo cáo tổng kết"}]


def test_whitespace_and_view_counts_are_no_edit():
    after = {**BEFORE, "body": BEFORE["body"].replace(" ", "  ").replace("\n\n", "\n"), "views": 999}
    edit = describe_edit(BEFORE, after, PHOTOS, [dict(p) for p in PHOTOS], FILES, [dict(f) for f in FILES])
    assert not edit
    assert edit.fields == []


def test_a_title_and_a_few_words_of_the_body():
    body = BEFORE["body"].replace("lãnh đạo huyện", "lãnh đạo tỉnh")
    edit = describe_edit(BEFORE, {**BEFORE, "title": "Hội nghị tổng kết năm 2024", "body": body}, PHOTOS, PHOTOS)
    assert edit.fields == ["title", "body"]
    # 1 word of 22 (7 in the first paragraph, 15 in the second) replaced ("huyện." -> "tỉnh.").
    assert edit.body_words_changed == round(1 - 21 / 22, 4)
    assert edit.summary() == "edited: title, body (5% of words)"


def test_photos_added_removed_and_recaptioned_and_attachments():
    new_photos = [{"sha256": "a" * 64, "caption": "Toàn cảnh hội nghị", "credit": None}, {"sha256": "b" * 64}]
    edit = describe_edit(BEFORE, dict(BEFORE), PHOTOS, new_photos, FILES, [])
    assert edit.fields == ["photos", "attachments"]
    assert (edit.photos_added, edit.photos_removed, edit.captions_changed) == (1, 0, 1)
    assert (edit.attachments_added, edit.attachments_removed) == (0, 1)
    assert edit.summary() == "edited: photos (+1, -0, 1 captions), attachments (+0, -1)"


def test_a_changed_date_or_author_is_named():
    after = {**BEFORE, "published_at": "2025-01-11T08:00:00+07:00", "author": "Thanh Hà"}
    assert describe_edit(BEFORE, after, [], []).fields == ["published_at", "author"]


def test_words_changed():
    assert words_changed("", "") == 0.0
    assert words_changed("một hai ba bốn", "một hai ba bốn") == 0.0
    assert words_changed("một hai ba bốn", "") == 1.0
    assert words_changed("một hai ba bốn", "một hai ba bốn năm sáu bảy tám") == 0.5
