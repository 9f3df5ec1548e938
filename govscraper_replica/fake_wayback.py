"""A local stand-in for the Wayback Machine: its CDX server and its ``id_`` addresses, over a replica portal.

Tests crawl this the way a Wayback crawl reads web.archive.org, in the same formats (the CDX server's are
documented in internetarchive/wayback, ``wayback-cdx-server/README.md``):

* ``GET /cdx/search/cdx?url=<host>/*&output=json&...``: the index, sorted by URL key (SURT) then timestamp;
  ``url=`` exact or prefix (``/*`` or ``matchType=prefix``), ``filter=[!]field:regex`` (repeatable, a whole-value
  match), ``collapse=field[:N]`` (adjacent lines only), inclusive ``from``/``to`` (1 to 14 digits), ``limit``,
  ``showResumeKey=true`` and ``resumeKey=``. JSON output is a header row naming the fields, then one row of
  strings per capture, then with a resume key an empty row and ``[key]``; no capture at all is ``[]``. The key is
  URL-encoded ``<urlkey> <timestamp>!`` as the real server prints it. Like the real server under load, a page
  resumed with a key may start with the last line of the previous page (``overlap``), so clients must de-duplicate.
* ``GET /web/<timestamp>id_/<url>``: the archived bytes as the site sent them, with the original Content-Type,
  ``Memento-Datetime``, a ``Link`` to the original and a few ``X-Archive-Orig-*`` headers; another timestamp than a
  capture's own redirects (302) to the nearest capture; a URL never captured is 404. ``/web/<timestamp>/<url>``
  (replay) serves the same bytes.
* ``/robots.txt`` allows everything.
* Faults: the first ``throttle`` requests for ``/web/`` answer 429 with ``Retry-After``; the first CDX request
  answers 503 once (``cdx_unavailable_once``); ``cdx_fault`` makes every CDX answer an HTML page, broken JSON or a
  500, as a struggling or misconfigured server would.

:func:`build_wayback` fills it from a :class:`~govscraper_replica.site.ReplicaSite` rendered for a portal host, with
captures at several dates, repeated identical captures, non-HTML and non-200 captures, an article changed between
two captures, and a photo that was never captured. Each article capture keeps the article's ground truth as it was
when captured (``truth``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socketserver
import sys
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import surt

from govscraper_replica.images import image_bytes
from govscraper_replica.render import Renderer
from govscraper_replica.sample_documents import document_bytes
from govscraper_replica.site import ReplicaArticle, ReplicaSite

#: The capture dates of :func:`build_wayback` (UTC): an early crawl, the main one, a late one.
EARLY, MAIN, LATE = "20240315083000", "20250109031245", "20250620101500"
#: Photos and documents were captured an hour after the pages that show them (the id_ address redirects).
MEDIA = "20250109041245"
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"
_WEB_PATH = re.compile(r"^/web/(?P<ts>\d{1,14})(?P<flag>[a-z]{2}_)?/(?P<url>.+)$")
#: The fields the CDX server returns by default, in its order (its JSON header row names them).
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


# The stand-in computes CDX keys and timestamps itself, never with govscraper.sources.cdx (the code under test): a
# mistake there must show as a difference here, not be repeated on both sides.
def urlkey(url: str) -> str:
    """A URL's key in the index, in SURT form as the real CDX server writes it (the ``surt`` package, as pywb and
    the Wayback Machine's tools use): ``http://www.Moduc.gov.vn:80/A?b=1&a=2`` -> ``vn,gov,moduc)/a?a=2&b=1``."""
    return surt.surt(url)


def pad_timestamp(value: str, *, end: bool = False) -> str:
    """A ``from``/``to`` bound of 1 to 14 digits as the 14-digit timestamp it stands for: the first second of the
    period it names, or with ``end`` its last (``2021`` -> ``20210101000000`` / ``20211231235959``)."""
    if len(value) >= 14:
        return value[:14]
    first = "00000101000000"
    last = "99991231235959"
    return value + (last if end else first)[len(value) :]


@dataclass
class ArchivedCapture:
    """One capture in the fake archive: what the site answered for ``original`` at ``timestamp``."""

    original: str  # as the crawler that captured it wrote it (scheme, port and case included)
    timestamp: str
    status: int
    mimetype: str
    body: bytes
    #: For article pages: the article's ground truth when captured (``ReplicaArticle.as_dict`` with a full URL).
    truth: dict[str, Any] | None = None
    location: str | None = None  # for 3xx captures: where the site redirected

    @property
    def urlkey(self) -> str:
        return urlkey(self.original)

    @property
    def digest(self) -> str:
        """The payload's SHA-1 in base 32, as CDX lines give it."""
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode("ascii")

    def cdx_row(self) -> list[str]:
        return [
            self.urlkey,
            self.timestamp,
            self.original,
            self.mimetype,
            str(self.status),
            self.digest,
            str(len(self.body)),
        ]


@dataclass
class WaybackArchive:
    """The fake archive's captures and what :func:`build_wayback` did to make them (``roles``: article ids)."""

    host: str
    captures: list[ArchivedCapture] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)
    #: URLs (as the portal links them) that were never captured: a crawl must record them as failures.
    missing: list[str] = field(default_factory=list)

    def add(self, original: str, timestamp: str, status: int, mimetype: str, body: bytes, **extra: Any) -> None:
        self.captures.append(ArchivedCapture(original, timestamp, status, mimetype, body, **extra))

    def index(self) -> list[ArchivedCapture]:
        """The captures in CDX order: by URL key, then timestamp."""
        return sorted(self.captures, key=lambda c: (c.urlkey, c.timestamp))

    def of(self, url: str) -> list[ArchivedCapture]:
        key = urlkey(url)
        return [c for c in self.index() if c.urlkey == key]


def _truth(article: ReplicaArticle, origin: str) -> dict[str, Any]:
    truth = article.as_dict()
    truth["url"] = origin + article.url
    for image in truth["images"]:
        image["url"] = origin + image["url"]
    for attachment in truth["attachments"]:
        attachment["url"] = origin + attachment["url"]
    return truth


def build_wayback(site: ReplicaSite, host: str = "moduc.quangngai.gov.vn") -> WaybackArchive:
    """The Wayback Machine's copies of ``site`` served as ``http://<host>/``: what a closed portal leaves behind.

    Needs a site of at least 8 articles without faults. Roles (article ids in ``roles``):

    * ``edited``: captured at EARLY and MAIN with the same bytes (one digest), edited, captured again at LATE;
    * ``port80`` / ``https``: captured with ``original`` spelled ``http://host:80/...`` / ``https://HOST/...``;
    * ``twice``: two identical captures (EARLY, MAIN) and a 302 capture in between;
    * ``not_ok``: captured only as a 404 (and as a 503): never an article;
    * ``late``: captured only at LATE;
    * ``photo_missing``: its first photo was never captured (the id_ address answers 404);
    * ``uncaptured``: never captured at all;
    * the others: captured once at MAIN. Photos and documents are captured at MEDIA (an hour after MAIN).

    Also captured: the home page (EARLY and MAIN), the first page of each category, robots.txt, a stylesheet, and a
    page of another host (which a prefix query for ``host`` must not return).
    """
    usable = [a for a in site.articles if a.fault is None]
    if len(usable) < 8:
        raise ValueError("build_wayback needs a replica site with at least 8 articles without faults")
    origin = f"http://{host}"
    renderer = Renderer(site)
    archive = WaybackArchive(host=host)
    roles = ["edited", "port80", "https", "twice", "not_ok", "late", "photo_missing", "uncaptured"]
    pool = list(usable)
    for role in roles:
        chosen = next((a for a in pool if a.images), pool[0]) if role == "photo_missing" else pool[0]
        archive.roles[role] = chosen.id
        pool.remove(chosen)
    html = "text/html"

    def page(article: ReplicaArticle) -> tuple[bytes, dict[str, Any]]:
        return renderer.article(article, origin).encode("utf-8"), _truth(article, origin)

    edited = site.by_id[archive.roles["edited"]]
    body, truth = page(edited)
    archive.add(origin + edited.url, EARLY, 200, html, body, truth=truth)
    archive.add(origin + edited.url, MAIN, 200, html, body, truth=truth)
    site.edit(
        edited.id,
        title=edited.title + " (cập nhật)",
        paragraphs=["Nội dung đã được cập nhật sau khi đăng.", *edited.text_paragraphs[1:]],
    )
    body, truth = page(edited)
    archive.add(origin + edited.url, LATE, 200, html, body, truth=truth)

    for article in usable:
        role = next((name for name, ident in archive.roles.items() if ident == article.id), None)
        if role == "edited" or role == "uncaptured":
            continue
        body, truth = page(article)
        path = article.url
        if role == "port80":
            archive.add(f"http://{host}:80{path}", MAIN, 200, html, body, truth=truth)
        elif role == "https":
            archive.add(f"https://{host.upper()}{path}", MAIN, 200, html, body, truth=truth)
        elif role == "twice":
            archive.add(origin + path, EARLY, 200, html, body, truth=truth)
            archive.add(origin + path, "20240601000000", 302, html, b"", location=origin + "/")
            archive.add(origin + path, MAIN, 200, html, body, truth=truth)
        elif role == "not_ok":
            archive.add(origin + path, EARLY, 404, html, renderer.not_found(origin, path).encode("utf-8"))
            archive.add(origin + path, MAIN, 503, html, b"<html><body>Service Unavailable</body></html>")
        elif role == "late":
            archive.add(origin + path, LATE, 200, html, body, truth=truth)
        else:
            archive.add(origin + path, MAIN, 200, html, body, truth=truth)

    photo_missing = site.by_id[archive.roles["photo_missing"]]
    skipped = {photo_missing.images[0].image_id} if photo_missing.images else set()
    archive.missing = [origin + site.images[i].url for i in skipped]
    never = {archive.roles["uncaptured"], archive.roles["not_ok"]}
    captured_articles = [a for a in usable if a.id not in never]
    images = {p.image_id for a in captured_articles for p in a.images} - skipped
    for image_id in sorted(images):
        image = site.images[image_id]
        data = image_bytes(site.seed, image.id, image.format, image.width, image.height)
        archive.add(origin + image.url, MEDIA, 200, image.content_type, data)
    for article in captured_articles:
        for doc in article.attachments:
            archive.add(origin + doc.url, MEDIA, 200, doc.content_type, document_bytes(doc))

    archive.add(origin + "/", EARLY, 200, html, renderer.home(origin).encode("utf-8"))
    archive.add(origin + "/", MAIN, 200, html, renderer.home(origin).encode("utf-8") + b"\n")
    for category in site.categories:
        listed = renderer.category(category.slug, 1, site.delta, origin, f"/{category.slug}")
        archive.add(f"{origin}/{category.slug}", MAIN, 200, html, listed.encode("utf-8"))
    archive.add(origin + "/robots.txt", MAIN, 200, "text/plain", b"User-agent: *\nDisallow: /c/\n")
    archive.add(origin + "/html/css/main.css", MAIN, 200, "text/css", b"/* main.css */\n")
    other = "http://quangngai.gov.vn"
    archive.add(other + edited.url, MAIN, 200, html, renderer.article(edited, other).encode("utf-8"))
    return archive


# The CDX server ------------------------------------------------------------------------------------------------


def resume_key(capture: ArchivedCapture) -> str:
    """The resume key the real server prints after a capture: ``<urlkey> <timestamp>!``, URL-encoded."""
    return quote_plus(f"{capture.urlkey} {capture.timestamp}!")


def cdx_answer(archive: WaybackArchive, query: str, *, overlap: bool = False) -> tuple[int, str]:
    """``(status, body)`` of the CDX server for a query string, in JSON (``output=json``) or plain lines."""
    params = parse_qs(query, keep_blank_values=True)
    target = (params.get("url") or [""])[0]
    if not target:
        return 400, "Request must include a url= parameter\n"
    prefix = target.endswith("*") or (params.get("matchType") or [""])[0] == "prefix"
    key = urlkey(target.rstrip("*"))
    rows = [c for c in archive.index() if (c.urlkey.startswith(key) if prefix else c.urlkey == key)]
    start, end = (params.get("from") or [""])[0], (params.get("to") or [""])[0]
    if start:
        rows = [c for c in rows if c.timestamp >= pad_timestamp(start)]
    if end:
        rows = [c for c in rows if c.timestamp <= pad_timestamp(end, end=True)]
    resume = (params.get("resumeKey") or [""])[0]
    if resume:
        resume_urlkey, _, resume_ts = resume.rstrip("!").rpartition(" ")
        mark = (resume_urlkey, resume_ts)
        rows = [c for c in rows if ((c.urlkey, c.timestamp) >= mark if overlap else (c.urlkey, c.timestamp) > mark)]
    for spec in params.get("filter", []):
        negate = spec.startswith("!")
        name, _, pattern = spec.lstrip("!").partition(":")
        if name not in CDX_FIELDS:
            return 400, f"Invalid filter field: {name}\n"
        column = CDX_FIELDS.index(name)
        rows = [c for c in rows if bool(re.fullmatch(pattern, c.cdx_row()[column])) != negate]
    for spec in params.get("collapse", []):
        name, _, size = spec.partition(":")
        if name not in CDX_FIELDS:
            return 400, f"Invalid collapse field: {name}\n"
        column, width = CDX_FIELDS.index(name), int(size) if size.isdigit() else None
        kept: list[ArchivedCapture] = []
        for capture in rows:
            value = capture.cdx_row()[column][:width]
            if kept and kept[-1].cdx_row()[column][:width] == value:
                continue
            kept.append(capture)
        rows = kept
    limit_text = (params.get("limit") or [""])[0]
    limit = int(limit_text) if limit_text.lstrip("-").isdigit() else 150_000
    more = None
    if 0 < limit < len(rows):
        rows, more = rows[:limit], rows[limit - 1]
    show_key = (params.get("showResumeKey") or [""])[0] == "true"
    lines = [c.cdx_row() for c in rows]
    if (params.get("output") or [""])[0] == "json":
        if not lines:
            return 200, "[]\n"
        out = [list(CDX_FIELDS), *lines]
        if more is not None and show_key:
            out += [[], [resume_key(more)]]
        return 200, "[" + ",\n".join(json.dumps(row) for row in out) + "]\n"
    text = "".join(" ".join(row) + "\n" for row in lines)
    if more is not None and show_key:
        text += "\n" + resume_key(more) + "\n"
    return 200, text


class WaybackServer:
    """Serve a :class:`WaybackArchive` on ``host:port`` (0: any free port) from a background thread.

    ``throttle``: the first N requests for ``/web/`` answer ``429 Too Many Requests`` with ``Retry-After:
    retry_after``. ``cdx_unavailable_once``: the first CDX request answers 503. ``cdx_fault``: every CDX request
    answers ``"html"`` (an HTML page with status 200), ``"garbage"`` (cut-off JSON) or ``"http500"``.
    ``overlap``: a resumed CDX page starts with the last line of the previous one.
    """

    def __init__(
        self,
        archive: WaybackArchive,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        throttle: int = 0,
        retry_after: int = 1,
        cdx_unavailable_once: bool = False,
        cdx_fault: str | None = None,
        overlap: bool = True,
    ) -> None:
        self.archive = archive
        self.throttle = throttle
        self.retry_after = retry_after
        self.cdx_unavailable_once = cdx_unavailable_once
        self.cdx_fault = cdx_fault
        self.overlap = overlap
        self._lock = threading.Lock()
        self.requests: list[str] = []
        self.statuses: Counter[int] = Counter()
        self._web_requests = 0
        self._cdx_requests = 0
        self._httpd = _HTTPServer((host, port), _Handler, self)
        self.host, self.port = self._httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The Wayback Machine's root, without a trailing slash: ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> WaybackServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="wayback-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> WaybackServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def served(self, prefix: str) -> list[str]:
        """Request targets answered so far that start with ``prefix`` (``/web/``, ``/cdx/``), in order."""
        with self._lock:
            return [target for target in self.requests if target.startswith(prefix)]

    # -- decisions the handler asks for -------------------------------------------------------------------------
    def note(self, target: str) -> tuple[bool, bool]:
        """Count a request; ``(throttled, unavailable)``: whether it gets a 429 or a 503 fault."""
        with self._lock:
            self.requests.append(target)
            if target.startswith("/web/"):
                self._web_requests += 1
                return self._web_requests <= self.throttle, False
            if target.startswith("/cdx/"):
                self._cdx_requests += 1
                return False, self.cdx_unavailable_once and self._cdx_requests == 1
            return False, False

    def count_status(self, status: int) -> int:
        with self._lock:
            return self.statuses[status]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], wayback: WaybackServer):
        self.wayback = wayback
        super().__init__(address, handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no reverse DNS look-up of the host name
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def _http_date(timestamp: str) -> str:
    return format_datetime(datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC), usegmt=True)


def _moment(timestamp: str) -> datetime:
    return datetime.strptime(pad_timestamp(timestamp), "%Y%m%d%H%M%S")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests read :meth:`WaybackServer.served`."""

    def version_string(self) -> str:
        return "nginx"

    def do_GET(self) -> None:
        wayback = self.server.wayback
        throttled, unavailable = wayback.note(self.path)
        try:
            if throttled:
                self._send(
                    429,
                    b"<html><body>Too Many Requests</body></html>",
                    "text/html",
                    [("Retry-After", str(wayback.retry_after))],
                )
            elif unavailable:
                self._send(503, b"<html><body>Service Unavailable</body></html>", "text/html")
            else:
                self._route(wayback)
        except OSError:
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._send(500, b"internal error", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] | None = None) -> None:
        self.server.wayback.statuses[status] += 1
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers or []:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _route(self, wayback: WaybackServer) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            self._send(200, ROBOTS_TXT, "text/plain")
        elif parts.path == "/cdx/search/cdx":
            self._cdx(wayback, parts.query)
        elif (match := _WEB_PATH.match(self.path)) is not None:
            self._capture(wayback, match.group("ts"), match.group("flag"), match.group("url"))
        else:
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")

    def _cdx(self, wayback: WaybackServer, query: str) -> None:
        if wayback.cdx_fault == "http500":
            self._send(500, b"<html><body><h1>Internal Server Error</h1></body></html>", "text/html")
        elif wayback.cdx_fault == "html":
            self._send(200, b"<!DOCTYPE html><html><body><p>Wayback Machine is down for maintenance</p>", "text/html")
        elif wayback.cdx_fault == "garbage":
            self._send(200, b'[["urlkey","timestamp","original"],\n["vn,gov', "text/plain")
        else:
            status, body = cdx_answer(wayback.archive, query, overlap=wayback.overlap)
            self._send(status, body.encode("utf-8"), "text/plain; charset=utf-8")

    def _capture(self, wayback: WaybackServer, timestamp: str, flag: str | None, target: str) -> None:
        """A capture's bytes (``id_``) or its replay; the nearest capture's address when ``timestamp`` is not one."""
        captures = wayback.archive.of(target)
        if not captures:
            body = b"<html><body><p>Wayback Machine doesn't have that page archived.</p></body></html>"
            self._send(404, body, "text/html")
            return
        exact = [c for c in captures if c.timestamp == timestamp]
        if not exact:
            wanted = _moment(timestamp)
            nearest = min(captures, key=lambda c: abs((_moment(c.timestamp) - wanted).total_seconds()))
            location = f"/web/{nearest.timestamp}{flag or ''}/{nearest.original}"
            self._send(302, b"", "text/plain", [("Location", location)])
            return
        capture = exact[-1]
        headers = [
            ("Memento-Datetime", _http_date(capture.timestamp)),
            ("Link", f'<{capture.original}>; rel="original"'),
            ("X-Archive-Orig-Date", _http_date(capture.timestamp)),
            ("X-Archive-Orig-Server", "Apache-Coyote/1.1"),
            ("X-Archive-Orig-Content-Length", str(len(capture.body))),
            ("X-Archive-Src", f"govscraper-fake-{capture.timestamp[:8]}.warc.gz"),
        ]
        if capture.location:
            headers.append(("Location", f"/web/{capture.timestamp}{flag or ''}/{capture.location}"))
        content_type = capture.mimetype + ("; charset=utf-8" if capture.mimetype.startswith("text/") else "")
        self._send(capture.status, capture.body, content_type, headers)
