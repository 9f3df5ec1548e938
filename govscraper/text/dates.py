"""Vietnamese portal dates → ISO 8601 in Vietnam time (UTC+07:00, no daylight saving).

Portals write dates a dozen ways (../shared/VIETNAMESE.md, "Dates"): always day first, 12- or 24-hour clocks,
the time before or after the date, weekday names, "ngày 05 tháng 01 năm 2022", labels ("Ngày đăng",
"Publish date") and view counts on the same line. This parser finds the date and the time in such a line and
never invents a time the page did not give: a date alone comes back as ``YYYY-MM-DD``.

dateparser's ``vi`` locale misreads zero-padded months and "tháng năm" (May), and htmldate knows no Vietnamese
month names, so the formats are read here with a few explicit patterns that are tested on the table.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")

_WORDY_DATE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*(?:năm\s*|,\s*|/\s*)(?P<y>\d{4})", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})(?![\d/])"
)
_ISO_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_TIME = re.compile(
    r"(?<![\d/.:-])(?P<H>\d{1,2})\s*(?::|h|giờ)\s*(?P<M>\d{1,2})(?:\s*(?::|phút)\s*(?P<S>\d{1,2}))?"
    r"(?:\s*(?:phút|')?)?\s*(?P<ampm>AM|PM|A\.M\.|P\.M\.|SA|CH|sáng|chiều|tối|trưa)?(?![\d/.])",
    re.IGNORECASE,
)
_VIEWS = re.compile(
    r"(?:view\s*count|lượt\s*xem|số\s*lượt\s*xem|lượt\s*đọc|đã\s*xem|views?|xem)\s*[:：]?\s*(?P<n>\d[\d.,]*)",
    re.IGNORECASE,
)
_TRAILING_NUMBER = re.compile(r"(?P<n>\d[\d.,]*)\s*$")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\u00a0", " "))


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _find_date(text: str) -> tuple[date, tuple[int, int]] | None:
    for pattern in (_WORDY_DATE, _NUMERIC_DATE, _ISO_DATE):
        for match in pattern.finditer(text):
            try:
                found = date(_year(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            return found, match.span()
    return None


def _find_time(text: str) -> tuple[int, int, int] | None:
    for match in _TIME.finditer(text):
        hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
        marker = (match["ampm"] or "").lower().replace(".", "")
        if marker in ("pm", "ch", "chiều", "tối") and hour < 12:
            hour += 12
        elif marker in ("am", "sa", "sáng") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
    return None


def parse_vn_datetime(text: str | None, *, now: datetime | None = None) -> str | None:
    """The date (and time, when given) in a portal's date line, as ISO 8601 with +07:00.

    Returns ``YYYY-MM-DDTHH:MM:SS+07:00`` when a time is given, ``YYYY-MM-DD`` when only a date is, and None
    when there is no valid date or the date lies after ``now`` (a parse error, not a publication date).

    Example: ``parse_vn_datetime("Ngày đăng 09/09/2020 | 05:07 PM | View count: 842")``
    → ``"2020-09-09T17:07:00+07:00"``.
    """
    if not text:
        return None
    text = _nfc(text)
    found = _find_date(text)
    if found is None:
        return None
    day, (start, end) = found
    iso = _ISO_DATE.fullmatch(text[start:end])
    clock: tuple[int, int, int] | None
    if iso and iso["H"]:
        clock = int(iso["H"]), int(iso["M"]), int(iso["S"] or 0)
    else:
        # The time may stand before or after the date; blank the date out so its digits are not read as one.
        clock = _find_time(text[:start] + " " * (end - start) + text[end:])
    now = now or datetime.now(VN_TZ)
    if clock is None:
        if day > now.astimezone(VN_TZ).date():
            return None
        return day.isoformat()
    moment = datetime(day.year, day.month, day.day, *clock, tzinfo=VN_TZ)
    if moment > now:
        return None
    return moment.isoformat()


def parse_views(text: str | None) -> int | None:
    """The view count on a date line: "View count: 842", "Lượt xem: 1.234", or a number trailing the time.

    The trailing form is the 2021 Quảng Ngãi portal's ``01/10/2021 15:53    4792``: a bare number after the
    clock, separated by spaces, is read as views only when a date and a time precede it.
    """
    if not text:
        return None
    text = _nfc(text)
    match = _VIEWS.search(text)
    if match is None:
        trailing = _TRAILING_NUMBER.search(text)
        found = _find_date(text)
        if trailing is None or found is None or trailing.start() <= found[1][1]:
            return None
        between = text[found[1][1] : trailing.start()]
        if not _TIME.search(between) or not re.search(r"\s{2,}|\|\s*$|\s$", between):
            return None
        match = trailing
    digits = re.sub(r"[.,]", "", match["n"])
    return int(digits) if digits.isdigit() else None


__all__ = ["VN_TZ", "parse_views", "parse_vn_datetime"]
