"""Vietnamese portal dates → ISO 8601 in Vietnam time (UTC+07:00, no daylight saving).

Portals write dates a dozen ways, always day first: 12- or 24-hour clocks,
the time before or after the date, weekday names, "ngày 05 tháng 01 năm 2022", labels ("Ngày đăng",
"Publish date", "Cập nhật lúc") and view counts on the same line. The table in tests/helpers/date_cases.py holds every
form seen on real portals, in the test pages and in the replica, plus the other forms portals write.

Why our own parser and not dateparser: benchmarks/DATES.md measures both on that table. dateparser 1.5 (``vi``,
day first, past, Vietnam time) refuses whole lines with labels or view counts ("Ngày đăng", "Cập nhật", "View
count"); its ``search_dates`` finds their dates but drops times it cannot read ("10h30", a time before a view
count), always invents 00:00 when the page gives no time, reads relative words as dates ("2 giờ trước", "hôm qua",
even the counter's "Hôm nay"), falls back to month first (12/13/2022 → 13 December), cannot tell a publication
date from an update, and costs 60-140 times as much per line. The explicit patterns below read the whole table.

Rules, in the order they are applied:

1. **Cleaning.** HTML entities are decoded (``&nbsp;`` in raw markup), text is put in NFC (NFD pages such as the
   Hà Tĩnh commune sites), U+00A0 becomes a space.
2. **Dates, day first, always.** ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` (one or two digits for day and
   month; spaces allowed around ``/``), "[ngày] d tháng m năm yyyy" (any case; "tháng m, yyyy" too), and year
   first only in the unambiguous ISO form ``yyyy-mm-dd`` (``yyyy/mm/dd`` too). ``12/13/2022`` is no date: a month
   is never read first. A date must have a day, a month and a year: "Tháng 5/2022", "năm 2022", "Ngày 04/01" and
   relative dates ("2 giờ trước", "hôm qua") give None; nothing is counted back from the crawl time.
3. **Two-digit years** (``03/04/24``, only with ``/``) are 20yy, or 19yy when 20yy would lie after the crawl year.
   Dots with a two-digit year are version numbers or addresses ("1.2.24"), not dates.
4. **Impossible dates** (31/02, 29/02 of a common year, month 13) are skipped, as are numbers glued to more digits
   or slashes (document numbers "15/2020/TT-BTTTT", "08/2022/NĐ-CP", IP addresses).
5. **Times.** ``HH:MM[:SS]`` (``10:8`` is 10:08), ``10h30``, ``10g30``, ``10 giờ 30 [phút]``, ``10h`` and
   ``10 giờ`` (a whole hour is a given time, not an invented one; "2 giờ trước" is not a time). A 12-hour marker
   may follow: ``AM``/``PM``, Liferay's and SharePoint's Vietnamese ``SA`` (sáng, AM) and ``CH`` (chiều, PM),
   and the words sáng (morning: as written), trưa (noon: 1-4 → 13-16), chiều and tối (afternoon, evening: +12)
   and đêm (night: 7-11 → 19-23, 12 → 0). 12:xx AM/SA is 00:xx, 12:xx PM/CH is 12:xx; a marker on an hour of 0
   or above 12 is ignored. A time that is not one (25:10) is not read, and the date stands alone. Liferay shows
   "12:00 AM" for items imported without a time; the page says 00:00, so 00:00 it is.
6. **Which date.** When a line holds several dates (published and updated, a range), the first one labelled as
   the publication ("đăng", "xuất bản", "phát hành", "publish", "posted", "created") wins, else the first on the
   line ("cập nhật", updated, and "hiệu lực", in force, never outrank it). A time
   belongs to the date it stands nearest to (ties: the date before it), so "Ngày đăng: 12/05/2022 | Cập nhật:
   14/05/2022 09:30" gives the date 2022-05-12 alone: the 09:30 is the update's.
7. **Time zones.** Times are Vietnam time unless the text says otherwise: an ISO offset (``Z``, ``+00:00``) or a
   ``GMT``/``UTC`` suffix ("(GMT+7)", "GMT") is honoured and the result converted to +07:00
   (``2022-05-12T20:30:00Z`` → ``2022-05-13T03:30:00+07:00``).
8. **Output.** ``YYYY-MM-DDTHH:MM:SS+07:00`` when a time is given, ``YYYY-MM-DD`` when only a date is: a time the
   page did not give is never invented. Weekday names are ignored (never used to reject or to reorder a date).
9. **Not after the crawl time.** A moment after ``now`` (a date-only value after ``now``'s day) is a parse error,
   not a publication date: None.

Views (:func:`parse_views`): a number after a label ("View count: 842", "Lượt xem: 1.234", "Số lượt xem", "Lượt
đọc", "Đã xem"), before one ("1.234 lượt xem", "842 views"), or trailing a date and a time on its own
(quangngai.gov.vn 2021: ``01/10/2021 15:53    4792``). Dots and commas group thousands.

Speed: the parser runs on every candidate line of every page; it costs a few microseconds a call
(benchmarks/dates.py measures it). Text without a digit returns at once.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from typing import NamedTuple

VN_TZ = timezone(timedelta(hours=7), "ICT")


class _Date(NamedTuple):
    """A date found in the line: where it stands, the day, and the full moment when the token carried a time."""

    start: int
    end: int
    day: date
    moment: datetime | None = None


class _Clock(NamedTuple):
    """A time of day found in the line."""

    start: int
    end: int
    hour: int
    minute: int
    second: int


# yyyy-mm-dd[Thh:mm[:ss[.fff]][Z|±hh[:mm]]]: year first only in this unambiguous form.
_ISO = re.compile(
    r"(?<![\d/.-])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
    r"(?![\d/])",
    re.IGNORECASE,
)
# [ngày] 05 tháng 01 năm 2022 / 05 tháng 01, 2022
_WORDY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*(?:năm\s*|,\s*|/\s*)(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
# dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yy
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>\s*/\s*|-|\.)(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?!\d|/\d|(?P=sep)\d)"
)
# GMT+7, (UTC+07:00), GMT
_OFFSET = re.compile(
    r"\(?\s*\b(?:GMT|UTC)(?:\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?\s*\)?", re.IGNORECASE
)
_LETTER_AFTER = r"(?![^\W\d_])"
_CLOCK = re.compile(
    r"(?<![\d:./])(?P<H>\d{1,2})"
    r"(?:"
    r":(?P<M>\d{1,2})(?::(?P<S>\d{1,2}))?"  # 10:30, 10:8, 15:20:30
    r"|\s*(?:h|g|giờ)\s*(?P<M2>\d{1,2})(?:\s*(?:phút|'))?" + _LETTER_AFTER + r"|"  # 10h30, 10g30, 10 giờ 30 phút
    r"\s*(?:h|giờ)" + _LETTER_AFTER + r"(?!\s*(?:trước|qua|nữa|tới|sau|đồng hồ))"  # 10h, 10 giờ (not "2 giờ trước")
    r")"
    r"(?![\d:/]|[.,]\d)"
    r"(?:\s*(?P<ampm>a\.?m\.?|p\.?m\.?|sa|ch|sáng|trưa|chiều|tối|đêm)" + _LETTER_AFTER + r")?",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"đăng(?!\s*(?:nhập|ký|kí))|xuất bản|phát hành|publish|posted|created|ngày tạo", re.IGNORECASE
)

_DIGIT = re.compile(r"\d")
# 842, 1.234, 1,234, 1.234.567: dots and commas group thousands
_GROUPED = r"(?P<n>\d{1,3}(?:(?P<g>[.,])\d{3})(?:(?P=g)\d{3})*|\d+)"
_NUMBER = _GROUPED + r"(?![\d/:]|[.,]\d)"
_VIEWS_AFTER_LABEL = re.compile(
    r"\b(?:lượt\s*(?:xem|đọc|truy\s*cập)|lần\s*xem|view\s*count|views?|đã\s*xem|xem)\s*[:：]?\s*" + _NUMBER,
    re.IGNORECASE,
)
_VIEWS_BEFORE_LABEL = re.compile(
    r"(?<![\d.,/:])" + _NUMBER + r"\s*(?:lượt\s*(?:xem|đọc|truy\s*cập)|lần\s*xem|views?)" + _LETTER_AFTER,
    re.IGNORECASE,
)
_TRAILING_NUMBER = re.compile(r"[\s|·•]+" + _GROUPED + r"\s*$")


def _clean(text: str) -> str:
    """Entities decoded, NFC, no-break spaces as spaces: what the patterns expect."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ")


def _blank(text: str, start: int, end: int) -> str:
    """The text with a span turned into spaces, so later patterns do not read its digits and offsets stay put."""
    return text[:start] + " " * (end - start) + text[end:]


def _year(digits: str, now_year: int) -> int:
    """A four-digit year as written; a two-digit one in the century that keeps it from the future (rule 3)."""
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year if year <= now_year else year - 100


def _day(y: int, m: str, d: str) -> date | None:
    """The date, or None when no such day exists (31/02, month 13): such a token is skipped, not repaired."""
    try:
        return date(y, int(m), int(d))
    except ValueError:
        return None


def _offset(sign: str | None, hours: str | None, minutes: str | None) -> timezone | None:
    """The zone of "GMT+7", "+07:00", "Z" (no sign: UTC); None for an offset no place has (over 14 hours)."""
    if not sign:
        return UTC
    delta = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _in_vietnam(day: date, hour: int, minute: int, second: int, zone: timezone | None) -> datetime | None:
    """The moment in Vietnam time (rule 7); None for a time that is not one or lies beyond ``datetime``'s range."""
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone or VN_TZ).astimezone(VN_TZ)
    except OverflowError:
        return None


def _iso_moment(match: re.Match[str], day: date) -> datetime | None:
    tz = match["tz"]
    zone: timezone | None = None
    if tz and tz.upper() == "Z":
        zone = UTC
    elif tz:
        digits = tz[1:].replace(":", "")
        zone = _offset(tz[0], digits[:2], digits[2:] or None)
    return _in_vietnam(day, int(match["H"]), int(match["M"]), int(match["S"] or 0), zone)


def _hour_12(hour: int, marker: str) -> int:
    """The 24-hour hour for a 12-hour clock marker (rule 5); a marker that does not fit the hour is ignored."""
    marker = marker.lower().replace(".", "")
    if hour > 12 or hour == 0:
        return hour
    if marker in ("am", "sa"):
        return 0 if hour == 12 else hour
    if marker in ("pm", "ch", "chiều", "tối"):
        return hour if hour == 12 else hour + 12
    if marker == "trưa":
        return hour + 12 if hour <= 4 else hour
    if marker == "đêm":
        return 0 if hour == 12 else hour + 12 if hour >= 7 else hour
    return hour  # sáng


def _scan(text: str, now_year: int) -> tuple[list[_Date], list[_Clock], timezone | None]:
    """Every date and every time in the line (dates first, blanked out before times are looked for)."""
    dates: list[_Date] = []
    lowered = text.lower()  # for cheap tests that skip patterns which cannot match (speed)
    for match in _ISO.finditer(text):
        day = _day(int(match["y"]), match["m"], match["d"])
        moment = _iso_moment(match, day) if day is not None and match["H"] else None
        if day is not None and (moment is not None or not match["H"]):
            dates.append(_Date(match.start(), match.end(), day, moment))
        text = _blank(text, *match.span())
    for match in _WORDY.finditer(text) if "tháng" in lowered else ():
        day = _day(int(match["y"]), match["m"], match["d"])
        if day is not None:
            dates.append(_Date(match.start(), match.end(), day))
        text = _blank(text, *match.span())
    for match in _NUMERIC.finditer(text):
        if len(match["y"]) == 2 and "/" not in match["sep"]:
            continue
        day = _day(_year(match["y"], now_year), match["m"], match["d"])
        if day is not None:
            dates.append(_Date(match.start(), match.end(), day))
        text = _blank(text, *match.span())
    if not dates:
        return dates, [], None
    zone: timezone | None = None
    for match in _OFFSET.finditer(text) if "gmt" in lowered or "utc" in lowered else ():
        zone = _offset(match["sign"], match["h"], match["m"]) or zone
        text = _blank(text, *match.span())
    clocks: list[_Clock] = []
    for match in _CLOCK.finditer(text):
        minute = match["M"] if match["M"] is not None else match["M2"]
        hour, minute, second = int(match["H"]), int(minute or 0), int(match["S"] or 0)
        if match["ampm"]:
            hour = _hour_12(hour, match["ampm"])
        if hour < 24 and minute < 60 and second < 60:
            clocks.append(_Clock(match.start(), match.end(), hour, minute, second))
    dates.sort()
    return dates, clocks, zone


def _gap(a: _Date, clock: _Clock) -> int:
    """Characters between a date and a time, whichever comes first."""
    return clock.start - a.end if clock.start >= a.end else a.start - clock.end


def _choose(text: str, dates: list[_Date]) -> int:
    """Index of the publication date among several (rule 6)."""
    if len(dates) > 1:
        previous_end = 0
        for index, found in enumerate(dates):
            if _PUBLISHED_LABEL.search(text, previous_end, found.start):
                return index
            previous_end = found.end
    return 0


def _clock_for(index: int, dates: list[_Date], clocks: list[_Clock]) -> _Clock | None:
    """The time nearest the chosen date among those nearer to it than to any other date (rule 6)."""
    best: _Clock | None = None
    for clock in clocks:
        gaps = [(_gap(found, clock), found.start > clock.start) for found in dates]
        if min(range(len(dates)), key=gaps.__getitem__) != index:
            continue
        if best is None or _gap(dates[index], clock) < _gap(dates[index], best):
            best = clock
    return best


def _now(now: datetime | None) -> datetime:
    """The crawl time: the given one (naive = Vietnam time) or the current time."""
    if now is None:
        return datetime.now(VN_TZ)
    return now.replace(tzinfo=VN_TZ) if now.tzinfo is None else now


def parse_vn_datetime(text: str | None, *, now: datetime | None = None) -> str | None:
    """The publication date (and time, when given) in a portal's date line, as ISO 8601 with +07:00.

    Returns ``YYYY-MM-DDTHH:MM:SS+07:00`` when a time is given, ``YYYY-MM-DD`` when only a date is, and None
    when there is no valid full date or it lies after ``now`` (default: the current time; a naive ``now`` is
    read as Vietnam time). The rules are in the module docstring.

    Example: ``parse_vn_datetime("Ngày đăng 09/09/2020 | 05:07 PM | View count: 842")``
    → ``"2020-09-09T17:07:00+07:00"``.
    """
    if not text or not _DIGIT.search(text):
        return None
    text = _clean(text)
    current = _now(now)
    dates, clocks, zone = _scan(text, current.astimezone(VN_TZ).year)
    if not dates:
        return None
    index = _choose(text, dates)
    chosen = dates[index]
    moment = chosen.moment
    if moment is None:
        clock = _clock_for(index, dates, clocks)
        if clock is None:
            return None if chosen.day > current.astimezone(VN_TZ).date() else chosen.day.isoformat()
        moment = _in_vietnam(chosen.day, clock.hour, clock.minute, clock.second, zone)
    return None if moment is None or moment > current else moment.isoformat()


def _count(match: re.Match[str]) -> int:
    """The matched count with its thousands separators removed."""
    return int(match["n"].replace(".", "").replace(",", ""))


def parse_views(text: str | None) -> int | None:
    """The view count on a date line: "View count: 842", "Lượt xem: 1.234", "1.234 lượt xem", or a number
    trailing a date and a time.

    The trailing form is the 2021 Quảng Ngãi portal's ``01/10/2021 15:53    4792`` (an eye icon before the
    number): a bare number is read as views only when it is the last thing on the line and a date and a time
    both stand before it, so a lone date, a counter or a year is not taken for a count.
    """
    if not text or not _DIGIT.search(text):
        return None
    text = _clean(text)
    match = _VIEWS_AFTER_LABEL.search(text) or _VIEWS_BEFORE_LABEL.search(text)
    if match is not None:
        return _count(match)
    trailing = _TRAILING_NUMBER.search(text)
    if trailing is None:
        return None
    dates, clocks, _ = _scan(text[: trailing.start()], now_year=9999)  # only whether there is a date matters
    if not dates or not (clocks or any(found.moment for found in dates)):
        return None
    return _count(trailing)


__all__ = ["VN_TZ", "parse_views", "parse_vn_datetime"]
