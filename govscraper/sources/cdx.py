"""The Internet Archive's Wayback Machine as a source: its CDX index and its original-bytes (``id_``) addresses.

District portals closed with the reform of 1 July 2025; for many, the Wayback Machine holds the only copies. A
Wayback crawl (``govscraper crawl ID --source wayback``) lists the portal's captures through the CDX server
(``/cdx/search/cdx``), picks the newest capture of each article in a date range, and fetches each one's bytes as
the portal served them from ``/web/<timestamp>id_/<original URL>`` (``id_``: no toolbar, no rewritten links).

Pure functions, no Scrapy: building CDX queries, reading CDX JSON pages (a header row naming the fields, rows of
strings, and with ``showResumeKey=true`` an empty row and then ``[resumeKey]`` when more rows follow), choosing
captures, and the Wayback addresses and timestamps. The format is the one documented for the Wayback CDX server
(internetarchive/wayback, ``wayback-cdx-server/README.md``). What real answers do that the documentation does not
say: the ``original`` field of one page may be written ``http://host:80/``, ``https://HOST/`` or ``http://host/``
(one URL, three spellings), the same line can come twice (also at the edge of two resumed pages), and an empty
answer is ``[]`` or nothing at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from warcio.timeutils import PAD_14_DOWN, PAD_14_UP, TIMESTAMP_14, datetime_to_timestamp, timestamp_to_iso_date
from warcio.timeutils import pad_timestamp as warcio_pad

#: The Wayback Machine (the ``GOVSCRAPER_WAYBACK_URL`` setting's default).
DEFAULT_WAYBACK_URL = "https://web.archive.org"
#: The fields the CDX server returns by default, in its default order (its JSON header row names them).
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
#: Timestamps as the CDX server takes them in ``from=``/``to=``: a year, up to a second (``yyyyMMddhhmmss``).
TIMESTAMP_LENGTHS = (4, 6, 8, 10, 12, 14)
_DIGITS = re.compile(r"^\d+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class WaybackError(ValueError):
    """A CDX answer that cannot be read, or a timestamp the CDX server would not take; the message is one line."""


@dataclass(frozen=True, slots=True)
class WaybackCapture:
    """One line of the CDX index: a page as the Wayback Machine captured it at ``timestamp`` (UTC)."""

    timestamp: str  # yyyyMMddhhmmss, UTC
    original: str  # the URL as the CDX server wrote it (used, as is, in the Wayback addresses)
    url: str  # the same URL normalised: lowercase host, no default port (see :func:`normalize_url`)
    mimetype: str = ""
    statuscode: str = ""
    digest: str = ""
    length: int | None = None
    urlkey: str = ""

    @property
    def is_html_ok(self) -> bool:
        """A 200 answer that was an HTML page (what a Wayback crawl reads)."""
        return self.statuscode == "200" and self.mimetype.split(";")[0].strip().lower() in (
            "text/html",
            "application/xhtml+xml",
        )


@dataclass(frozen=True, slots=True)
class CdxPage:
    """One answer of the CDX server: its captures and, when more follow, the key to ask for them."""

    captures: list[WaybackCapture]
    resume_key: str | None = None


# Timestamps ----------------------------------------------------------------------------------------------------


def check_timestamp(value: str) -> str:
    """``value`` if the CDX server takes it as ``from=``/``to=`` (YYYY, YYYYMM, YYYYMMDD, ... YYYYMMDDhhmmss, a
    real date), else :class:`WaybackError` saying why."""
    text = value.strip()
    if not _DIGITS.match(text) or len(text) not in TIMESTAMP_LENGTHS:
        raise WaybackError(
            f"{value!r} is not a Wayback timestamp: give YYYY, YYYYMM, YYYYMMDD or YYYYMMDDhhmmss (e.g. 20220109)"
        )
    if not _real_moment(pad_timestamp(text)):
        raise WaybackError(f"{value!r} is not a Wayback timestamp: no such date or time")
    return text


def _real_moment(timestamp: str) -> bool:
    """Whether 14 digits are a moment that exists. Checked here, not by warcio, whose ``timestamp_to_datetime``
    clamps what does not exist (month 13 → 12, 30 February → 28) as suits a replay lookup."""
    try:
        datetime.strptime(timestamp, TIMESTAMP_14)
    except ValueError:
        return False
    return True


def pad_timestamp(value: str, *, end: bool = False) -> str:
    """A 1-14 digit timestamp as the 14-digit moment it stands for: its first second, or with ``end`` its last
    (``2021`` → ``20210101000000`` / ``20211231235959``). Comparing these strings compares the moments, which is
    how the CDX server reads an inclusive ``from``/``to`` range. A month "ends" on day 31 whatever its length: it
    sorts after each of its days, which is what counts. warcio's padding, with its 14-digit bounds."""
    return warcio_pad(value, PAD_14_UP if end else PAD_14_DOWN)


def timestamp_iso(timestamp: str) -> str:
    """A 14-digit Wayback timestamp (UTC) in ISO 8601: ``20220109031245`` → ``2022-01-09T03:12:45Z`` (warcio's
    conversion; :func:`parse_cdx_page` lets through only timestamps that are real moments)."""
    return timestamp_to_iso_date(timestamp)


def iso_timestamp(iso: str) -> str:
    """An ISO 8601 moment (``2022-01-09T03:12:45Z``, or with an offset) as a 14-digit UTC timestamp.

    Not warcio's ``iso_date_to_timestamp``: it reads only UTC (``Z`` or nothing) and fails on an offset such as
    ``+07:00``, which the archive's dates carry."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return datetime_to_timestamp(moment.astimezone(UTC))


# URLs ----------------------------------------------------------------------------------------------------------


def normalize_url(url: str, scheme: str | None = None, host: str | None = None) -> str:
    """One spelling of a captured URL: lowercase scheme and host, no default port (``:80``, ``:443``), the path
    and query as they are. ``scheme`` and ``host`` replace the URL's (the portal's own, so an article captured
    over http and over https, with and without ``www.``, is one URL)."""
    parts = urlsplit(url.strip())
    host = (host or parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, *_DEFAULT_PORTS.values()) else None
    chosen = (scheme or parts.scheme or "http").lower()
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((chosen, netloc, parts.path or "/", parts.query, ""))


def same_host(first: str, second: str) -> bool:
    """Whether two host names are one site for the Wayback Machine (case and a leading ``www.`` aside)."""
    return first.lower().removeprefix("www.") == second.lower().removeprefix("www.")


def urlkey(url: str) -> str:
    """The CDX server's sort key of a URL (SURT form): ``http://www.Moduc.gov.vn:80/A?b=1&a=2`` →
    ``vn,gov,moduc)/a?a=2&b=1``. Two spellings of one URL have the same key.

    The ``surt`` package computes it with the Internet Archive's canonicalizer, the rules the CDX server's own
    ``urlkey`` field was made with: host reversed without ``www.`` (or ``www2.`` ...), no scheme, default port or
    fragment, lowercase, the query's parameters sorted, session ids dropped, escapes such as ``%2F`` and ``%7E``
    undone, a trailing ``/`` dropped (``/a/`` and ``/a`` are one page there too). About 30 µs a URL, only for CDX
    lines that come without their ``urlkey``.
    """
    import surt  # here: it imports tldextract and requests (0.12 s), which most commands never need

    return surt.surt(url.strip())


def cdx_query_url(
    wayback: str,
    host: str,
    *,
    start: str | None = None,
    end: str | None = None,
    limit: int = 5000,
    resume_key: str | None = None,
) -> str:
    """The CDX query for every HTML page of ``host`` captured with status 200: ``url=<host>/*`` (a prefix query),
    JSON output, identical adjacent captures collapsed (``collapse=digest``), an inclusive ``from``/``to`` range,
    ``limit`` lines per answer and the resume key that continues a previous answer.

    The resume key goes in as the server printed it: it is already URL-encoded (``org%2Carchive%29%2F+2013...%21``).
    """
    params: list[tuple[str, str]] = [
        ("url", f"{host}/*"),
        ("output", "json"),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("collapse", "digest"),
    ]
    if start:
        params.append(("from", start))
    if end:
        params.append(("to", end))
    params += [("limit", str(limit)), ("showResumeKey", "true")]
    query = urlencode(params, safe="/*:")
    if resume_key:
        query += "&resumeKey=" + quote(resume_key, safe="%+")
    return f"{wayback.rstrip('/')}/cdx/search/cdx?{query}"


def id_url(wayback: str, timestamp: str, url: str) -> str:
    """Where the Wayback Machine serves the bytes of a capture exactly as archived: ``/web/<timestamp>id_/<url>``.

    Asked with another timestamp than a capture's own, it redirects to the nearest capture of the URL."""
    return f"{wayback.rstrip('/')}/web/{timestamp}id_/{url}"


def replay_url(wayback: str, timestamp: str, url: str) -> str:
    """The capture's address for people: ``/web/<timestamp>/<url>``, the page replayed with the Wayback toolbar."""
    return f"{wayback.rstrip('/')}/web/{timestamp}/{url}"


# Reading CDX answers -------------------------------------------------------------------------------------------


def parse_cdx_page(body: bytes | str) -> CdxPage:
    """The captures of one CDX JSON answer, read by its header row (not by position), and its resume key.

    An empty answer (``[]``, or no bytes) has no captures. Rows whose timestamp is not 14 digits of a real moment
    (no 13th month) or that have no ``original`` are skipped. Anything that is not a CDX JSON answer (an HTML error
    page, a truncated body, JSON of another shape) raises :class:`WaybackError`.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        return CdxPage([])
    try:
        rows = json.loads(text)
    except ValueError:
        start = " ".join(text.strip().split())[:60]
        raise WaybackError(f"the CDX server did not answer JSON (it began: {start!r})") from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise WaybackError("the CDX server answered JSON that is not a list of rows")
    if not rows:
        return CdxPage([])
    header = [str(name) for name in rows[0]]
    if "timestamp" not in header or "original" not in header:
        raise WaybackError(f"the CDX answer's first row names no timestamp and original fields: {header[:8]}")
    resume_key = None
    data = rows[1:]
    if len(data) >= 2 and data[-2] == [] and len(data[-1]) == 1:
        resume_key = str(data[-1][0]) or None
        data = data[:-2]
    index = {name: position for position, name in enumerate(header)}
    captures = []
    for row in data:
        if len(row) != len(header):
            continue  # the empty separator row, or a damaged line
        fields = {name: str(row[position]) for name, position in index.items()}
        timestamp, original = fields["timestamp"], fields["original"].strip()
        if not (_DIGITS.match(timestamp) and len(timestamp) == 14 and _real_moment(timestamp)) or not original:
            continue
        length = fields.get("length", "")
        captures.append(
            WaybackCapture(
                timestamp=timestamp,
                original=original,
                url=normalize_url(original),
                mimetype=fields.get("mimetype", ""),
                statuscode=fields.get("statuscode", ""),
                digest=fields.get("digest", ""),
                length=int(length) if length.isdigit() else None,
                urlkey=fields.get("urlkey") or urlkey(original),
            )
        )
    return CdxPage(captures, resume_key)


def choose_captures(
    captures: Iterable[WaybackCapture],
    *,
    key: Callable[[str], str] = urlkey,
    accept: Callable[[str], bool] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[WaybackCapture]:
    """The newest capture of each page within [``start``, ``end``] (inclusive, any of the CDX timestamp lengths),
    newest first.

    Only 200 HTML captures count (the CDX query asks for nothing else; a server that ignored the filter is not
    trusted). ``accept`` keeps the URLs worth fetching (a platform's article URLs), ``key`` says which URLs are one
    page (by default the CDX key, so ``http://host:80/a`` and ``https://HOST/a`` are one; a platform can name an
    article by its id). A line that comes twice counts once.
    """
    low = pad_timestamp(start) if start else None
    high = pad_timestamp(end, end=True) if end else None
    newest: dict[str, WaybackCapture] = {}
    for capture in captures:
        if not capture.is_html_ok:
            continue
        if (low and capture.timestamp < low) or (high and capture.timestamp > high):
            continue
        if accept is not None and not accept(capture.url):
            continue
        page = key(capture.url)
        held = newest.get(page)
        if held is None or capture.timestamp > held.timestamp:
            newest[page] = capture
    return sorted(newest.values(), key=lambda c: (c.timestamp, c.url), reverse=True)
