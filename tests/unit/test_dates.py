"""Vietnamese portal dates and view counts: the table (tests/helpers/date_cases.py) and properties (hypothesis).

The table pins what each known line must give; the properties say what must hold for any date a portal can
write in any of its formats (it comes back), and for any text at all (no value after the crawl time, no
exception).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from govscraper.text import VN_TZ, parse_views, parse_vn_datetime
from tests.helpers.date_cases import CASES, NOW


def _case_id(text: str) -> str:
    """An ASCII id a reader recognises the line by: marks dropped, đ → d, no-break space as "~"."""
    folded = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D").replace("\u00a0", "~")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return (folded.encode("ascii", "backslashreplace").decode("ascii").strip() or "empty")[:60]


@pytest.mark.parametrize(("text", "published", "views"), CASES, ids=[_case_id(text) for text, _, _ in CASES])
def test_published(text: str, published: str | None, views: int | None) -> None:
    assert parse_vn_datetime(text, now=NOW) == published


@pytest.mark.parametrize(("text", "published", "views"), CASES, ids=[_case_id(text) for text, _, _ in CASES])
def test_views(text: str, published: str | None, views: int | None) -> None:
    assert parse_views(text) == views


def test_table_is_large_and_unique() -> None:
    texts = [text for text, _, _ in CASES]
    assert len(texts) >= 60
    assert len(texts) - len(set(texts)) <= 3  # a few lines repeat on purpose: the same text seen on two sources


def test_no_text() -> None:
    assert parse_vn_datetime(None) is None
    assert parse_views(None) is None


def test_default_now_is_the_current_time() -> None:
    assert parse_vn_datetime("09/01/2022") == "2022-01-09"
    assert parse_vn_datetime(f"{datetime.now(VN_TZ) + timedelta(days=2):%d/%m/%Y}") is None


def test_naive_now_is_vietnam_time() -> None:
    assert parse_vn_datetime("28/11/2026 11:59", now=NOW.replace(tzinfo=None)) == "2026-11-28T11:59:00+07:00"
    assert parse_vn_datetime("28/11/2026 12:01", now=NOW.replace(tzinfo=None)) is None


# --------------------------------------------------------------------------------------------- properties
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _h12(moment: datetime) -> tuple[int, str]:
    return moment.hour % 12 or 12, "AM" if moment.hour < 12 else "PM"


def _liferay_list(m: datetime) -> str:
    return m.strftime("%d/%m/%Y | %I:%M %p")


def _liferay_article(m: datetime) -> str:
    hour, marker = _h12(m)
    return f"Ngày đăng {m:%d/%m/%Y} | {hour}:{m:%M} {marker} \u00a0|\u00a0View count: 842"


def _liferay_vi(m: datetime) -> str:
    hour, marker = _h12(m)
    return f"{m:%d/%m/%Y} {hour:02d}:{m:%M} {'SA' if marker == 'AM' else 'CH'}"


def _quangbinh(m: datetime) -> str:
    return f"{m.hour}:{m.minute}, {WEEKDAYS[m.weekday()]}, {m.day}-{m.month}-{m.year}"


def _utc_iso(m: datetime) -> str:
    return m.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Portal formats that give a time, as (name, format); the parsed value must be the moment, to the minute.
TIMED: list[tuple[str, Callable[[datetime], str]]] = [
    ("qni2021", lambda m: f"{m:%d/%m/%Y %H:%M}    4792"),
    ("liferay list", _liferay_list),
    ("liferay article", _liferay_article),
    ("liferay vi SA/CH", _liferay_vi),
    ("quangbinh", _quangbinh),
    ("dongnai", lambda m: f"{WEEKDAYS[m.weekday()]}, {m:%d/%m/%Y | %H:%M}"),
    ("moit", lambda m: f"{m:%H:%M | %d/%m/%Y}"),
    ("haiphong", lambda m: f"{m:%d/%m/%Y - %H:%M}"),
    ("minhlong", lambda m: f"Cập nhật lúc {m:%H:%M} ngày {m:%d/%m/%Y}"),
    ("hatinh", lambda m: f"{WEEKDAYS[m.weekday()]}, {m:%d/%m/%Y %H:%M}"),
    ("quangtri", lambda m: f"{WEEKDAYS[m.weekday()]}, ngày {m:%d/%m/%Y - %H:%M} (GMT+7)"),
    ("10h30", lambda m: f"{m.hour}h{m:%M} ngày {m.day}/{m.month}/{m.year}"),
    ("gio phut", lambda m: f"{m.hour} giờ {m.minute} phút, ngày {m.day} tháng {m.month} năm {m.year}"),
    ("two-digit year", lambda m: f"{m:%d/%m/%y %H:%M}"),
    ("iso vn", lambda m: m.isoformat()),
    ("iso utc", _utc_iso),
    ("views first", lambda m: f"Lượt xem: 1.234 | {m:%d/%m/%Y %H:%M}"),
]
#: Portal formats that give only a date; the parsed value must be that date.
DATED: list[tuple[str, Callable[[datetime], str]]] = [
    ("plain", lambda m: f"{m:%d/%m/%Y}"),
    ("unpadded", lambda m: f"{m.day}/{m.month}/{m.year}"),
    ("list entry", lambda m: f" ({m:%d/%m/%Y}) "),
    ("dots", lambda m: f"{m:%d.%m.%Y}"),
    ("dashes", lambda m: f"{m:%d-%m-%Y}"),
    ("ngay thang nam", lambda m: f"Hà Nội, ngày {m:%d} tháng {m:%m} năm {m:%Y}"),
    ("top bar", lambda m: f"{WEEKDAYS[m.weekday()]}, ngày {m:%d/%m/%Y}"),
    ("label", lambda m: f"Ngày đăng: {m:%d/%m/%Y}"),
    ("iso date", lambda m: f"{m:%Y-%m-%d}"),
    ("two-digit year", lambda m: f"{m:%d/%m/%y}"),
]

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=NOW.replace(tzinfo=None), timezones=st.just(VN_TZ))


@pytest.mark.parametrize(("name", "write"), TIMED, ids=[name for name, _ in TIMED])
@given(moment=moments)
@example(moment=datetime(2020, 6, 2, 0, 0, tzinfo=VN_TZ))  # 12:00 AM
@example(moment=datetime(2020, 6, 2, 12, 30, tzinfo=VN_TZ))  # 12:30 PM
@example(moment=datetime(1999, 12, 31, 23, 59, tzinfo=VN_TZ))  # two-digit year 99
def test_timed_formats_give_the_moment_back(name: str, write: Callable[[datetime], str], moment: datetime) -> None:
    expected = moment.replace(second=0, microsecond=0)
    text = write(expected)
    assert parse_vn_datetime(text, now=NOW) == expected.isoformat(), text


@pytest.mark.parametrize(("name", "write"), DATED, ids=[name for name, _ in DATED])
@given(moment=moments)
@example(moment=datetime(2024, 2, 29, tzinfo=VN_TZ))
def test_dated_formats_give_the_date_back(name: str, write: Callable[[datetime], str], moment: datetime) -> None:
    text = write(moment)
    assert parse_vn_datetime(text, now=NOW) == moment.date().isoformat(), text


@given(moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(VN_TZ)))
def test_seconds_are_kept(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    expected = moment.isoformat() if moment <= NOW else None
    assert parse_vn_datetime(f"{moment:%d-%m-%Y %H:%M:%S}", now=NOW) == expected


def _as_moment(value: str) -> datetime:
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), VN_TZ)
    return datetime.fromisoformat(value)


#: Text that reaches the parser's deeper paths: digits, separators, clock and date words, labels, zones.
date_like = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10_000).map(str),
        st.sampled_from(
            [
                "/",
                "-",
                ".",
                ":",
                " ",
                "|",
                ",",
                "(",
                ")",
                "h",
                "g",
                "T",
                "Z",
                "+07:00",
                "ngày",
                "tháng",
                "năm",
                "giờ",
                "phút",
                "AM",
                "PM",
                "SA",
                "CH",
                "chiều",
                "tối",
                "đêm",
                "trưa",
                "GMT+7",
                "UTC",
                "Ngày đăng",
                "Cập nhật",
                "Lượt xem:",
                "View count:",
                "trước",
                "&nbsp;",
                "\u00a0",
                "Thứ Tư",
            ]
        ),
    ),
    max_size=16,
).map("".join)
any_text = st.one_of(st.text(max_size=80), date_like)


@given(text=any_text, moment=moments)
@example(text="9999-12-31T23:59:59Z", moment=NOW)
@example(text="0001-01-01T00:00:00+14:00", moment=NOW)
@example(text="12/05/2022 10:30 GMT+99", moment=NOW)
def test_never_after_now_and_never_raises(text: str, moment: datetime) -> None:
    value = parse_vn_datetime(text, now=moment)
    assert value is None or _as_moment(value) <= moment
    assert value is None or len(value) == 10 or value.endswith("+07:00")
    views = parse_views(text)
    assert views is None or views >= 0


@given(moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(VN_TZ)))
def test_future_dates_are_refused(moment: datetime) -> None:
    text = f"{moment:%d/%m/%Y %H:%M}"
    value = parse_vn_datetime(text, now=NOW)
    assert (value is None) == (moment.replace(second=0, microsecond=0) > NOW)
