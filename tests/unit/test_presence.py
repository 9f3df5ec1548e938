"""The verdict on one revisit of an archived article, and the rule that turns misses into a removal."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from govscraper.archive.presence import Presence, Verdict, judge, observe, soft_404_phrase

HOME = "https://moduc.quangngai.gov.vn/"
DAY0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "options", "kind"),
    [
        (304, {}, "present"),
        (200, {"page_text": "Hội nghị triển khai nhiệm vụ năm 2026"}, "present"),
        (404, {}, "missing"),
        (410, {}, "missing"),
        (302, {"location": HOME}, "missing"),
        (301, {"location": "https://moduc.quangngai.gov.vn"}, "missing"),
        (301, {"location": "https://www.moduc.quangngai.gov.vn/tin-tuc?page=2"}, "missing"),
        (301, {"location": "https://moduc.quangngai.gov.vn/tin/hoi-nghi-moi.html", "is_article_url": True}, "moved"),
        (308, {"location": "https://moduc.quangngai.gov.vn/a/b-c-d-e-f.html", "is_article_url": True}, "moved"),
        (302, {"location": "https://moduc.quangngai.gov.vn/a/b-c-d-e-f.html", "is_article_url": True}, "unknown"),
        (301, {"location": "https://quangngai.gov.vn/", "is_article_url": True}, "unknown"),
        (302, {}, "unknown"),
        (200, {"page_text": "Cổng TTĐT huyện Mộ Đức  Bài viết KHÔNG tồn tại!"}, "missing"),
        (200, {"page_text": "Trang chủ", "has_article": False}, "missing"),
        (500, {}, "unknown"),
        (503, {}, "unknown"),
        (429, {}, "unknown"),
    ],
)
def test_judge(status, options, kind):
    assert judge(status, home=HOME, **options).kind == kind


def test_a_soft_404_phrase_is_found_in_decomposed_text_too():
    text = unicodedata.normalize("NFD", "Xin lỗi, tin bài không tồn tại hoặc đã bị xóa")
    assert soft_404_phrase(text) == "tin bài không tồn tại"
    assert soft_404_phrase("UBND huyện tổ chức hội nghị tổng kết") is None


MISS = Verdict("missing", "404 Not Found")
HERE = Verdict("present", "200 with the article")


def run(verdicts_and_days, checks=3, days=7.0):
    """Apply verdicts at the given day offsets; the presence at the end and the events recorded."""
    presence, events = None, []
    for verdict, day in verdicts_and_days:
        presence, event = observe(presence, verdict, DAY0 + timedelta(days=day), checks=checks, days=days)
        events.append(event)
    return presence, events


def test_a_first_miss_makes_an_article_missing_not_removed():
    presence, events = run([(HERE, 0), (MISS, 1)])
    assert presence.state == "missing"
    assert events == [None, "missing"]


def test_three_misses_within_seven_days_are_not_yet_a_removal():
    presence, events = run([(MISS, 0), (MISS, 1), (MISS, 2), (MISS, 6.9)])
    assert presence.state == "missing"
    assert events == ["missing", None, None, None]
    assert presence.misses == 4


def test_misses_on_three_checks_spanning_seven_days_are_a_removal_recorded_once():
    presence, events = run([(MISS, 0), (MISS, 3), (MISS, 7), (MISS, 9)])
    assert presence.state == "removed"
    assert events == ["missing", None, "removed", None]


def test_two_misses_over_thirty_days_are_not_three_checks():
    presence, events = run([(MISS, 0), (MISS, 30)])
    assert (presence.state, events) == ("missing", ["missing", None])


def test_a_transient_miss_is_restored_and_never_removed():
    presence, events = run([(MISS, 0), (HERE, 1), (MISS, 8), (MISS, 9), (HERE, 10)])
    assert events == ["missing", "restored", "missing", None, "restored"]
    assert presence == Presence("present", 0, None, DAY0 + timedelta(days=10), None)


def test_a_removed_article_that_comes_back_is_restored():
    presence, events = run([(MISS, 0), (MISS, 4), (MISS, 8), (HERE, 20)])
    assert events == ["missing", None, "removed", "restored"]
    assert presence.state == "present"


def test_an_answer_that_says_nothing_changes_nothing_but_the_check_time():
    before, _ = run([(MISS, 0)])
    after, event = observe(before, Verdict("unknown", "503"), DAY0 + timedelta(days=2))
    assert event is None
    assert (after.state, after.misses, after.first_missed_at) == ("missing", 1, DAY0)
    assert after.checked_at == DAY0 + timedelta(days=2)


def test_a_move_is_recorded_once_per_new_address():
    moved = Verdict("moved", "301", "https://moduc.quangngai.gov.vn/x/new-article-page-here.html")
    elsewhere = Verdict("moved", "301", "https://moduc.quangngai.gov.vn/y/another-page-for-it.html")
    presence, events = run([(moved, 0), (moved, 1), (elsewhere, 2)])
    assert events == ["moved", None, "moved"]
    assert presence.moved_to == elsewhere.location
