"""The replica portal over HTTP/1.1 on a local port, with keep-alive, HEAD and injected faults.

Tests, the offline demo and the benchmark crawl this server exactly as they would crawl a real portal, so it
speaks plain HTTP/1.1 (persistent connections, exact Content-Length, HEAD) and answers each request in a
thread of its own: a stalled "timeout" response never holds up the rest of a crawl. Responses are written
in one ``sendall`` per response with Nagle off, and nothing is logged per request, so a single client on
loopback gets well over 1,000 pages a second.

A test that runs the replica in another process can edit an article between two crawls with
``POST /_replica/edit?id=N`` and a JSON body of :meth:`~govscraper_replica.site.ReplicaSite.edit`'s arguments,
e.g. ``{"title": "...", "paragraphs": ["...", "... ./."], "captions": {"0": "Hình: ..."}}``; the answer is the
article's new ground truth. ``POST /_replica/add?count=N[&category=slug][&seed=S]`` publishes new articles
(:meth:`~govscraper_replica.site.ReplicaSite.add`) and answers their ids and URLs. Only a server on a loopback
address takes edits and additions, and only from a loopback client.

Conditional requests, as a real web server answers them (RFC 9110, section 13): every page, image, document
and static file sent with 200 carries a strong ``ETag`` (the SHA-256 of the exact bytes sent, quoted) and a
``Last-Modified`` (:mod:`govscraper_replica.site` defines it per kind of page). ``If-None-Match`` matching the
current ETag (``*``, a list, ``W/`` tags compared weakly) gets ``304 Not Modified`` with the validators and no
body; without ``If-None-Match``, ``If-Modified-Since`` no earlier than Last-Modified gets 304 too. HEAD answers
the same, body aside. A faulted URL keeps its fault (no validators on a 500, a cut or a padded page; a
"timeout" still stalls first). Incremental crawls are measured by these 304s, so the server counts answers by
status (:meth:`ReplicaServer.status_counts`, ``GET /_replica/stats.json`` for a replica in another process).
"""

from __future__ import annotations

import collections
import email.utils
import hashlib
import ipaddress
import json
import re
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from govscraper_replica.images import image_bytes
from govscraper_replica.render import LOGIN_PAGE, UNAVAILABLE_PAGE, Renderer
from govscraper_replica.sample_documents import document_bytes
from govscraper_replica.site import PARKED, ReplicaArticle, ReplicaSite
from govscraper_replica.syndication import Syndication
from govscraper_replica.urls import parse_article_path, parse_image_query, parse_list_query

HTML = "text/html; charset=utf-8"
ROBOTS_TXT = b"User-agent: *\nDisallow: /c/\nDisallow: /_replica/\n"
#: Liferay announces itself in a header; crawlers may fingerprint the platform with it.
LIFERAY_HEADER = "Liferay-Portal: Liferay Portal Community Edition 6.2 CE GA2 (Newton / Build 6201 / March 20, 2014)"
#: Distinct request targets remembered for :meth:`ReplicaServer.path_counts`; later new ones are only counted.
MAX_TRACKED_PATHS = 200_000
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,255}$")
_STATIC = {".css": "text/css", ".js": "application/javascript", ".jsp": "application/javascript"}
#: ``POST`` here edits an article (:meth:`_Handler._edit`); robots.txt keeps crawlers out of ``/_replica/``.
EDIT_PATH = "/_replica/edit"
EDIT_FIELDS = frozenset({"title", "sapo", "paragraphs", "captions"})
MAX_EDIT_BYTES = 1024 * 1024
#: ``POST`` here publishes new articles (:meth:`_Handler._add`).
ADD_PATH = "/_replica/add"
ADD_PARAMETERS = frozenset({"count", "category", "seed"})
#: Most articles one ``POST /_replica/add`` publishes: the answer, and the time the site is locked, stay small.
MAX_ADD_COUNT = 10_000
#: ``GET`` here answers the server's counters as JSON (:meth:`ReplicaServer.stats`).
STATS_PATH = "/_replica/stats.json"
#: Last-Modified of robots.txt and the theme's static files: the theme build of the ``t=`` resource URLs.
STATIC_MODIFIED = datetime.fromtimestamp(1621993502, UTC)


def etag_for(body: bytes) -> str:
    """The strong ETag of a response body: its SHA-256 in hex, quoted. Equal bytes, equal tags, on every run."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def http_date(moment: datetime) -> str:
    """An HTTP date (``Sat, 29 Jan 2022 08:20:00 GMT``) of an aware moment, to the second."""
    return email.utils.formatdate(int(moment.timestamp()), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag``: ``*``, or any tag of the list by weak comparison
    (``W/`` ignored on both sides, RFC 9110 section 8.8.3.2). Unquoted tags, which some clients send, count too."""
    opaque = etag.removeprefix("W/").strip('"')
    for member in header.split(","):
        tag = member.strip()
        if tag == "*" or tag.removeprefix("W/").strip('"') == opaque:
            return True
    return False


def not_modified(headers: Any, etag: str, last_modified: datetime) -> bool:
    """Whether a GET or HEAD with these request headers gets 304 (RFC 9110 section 13.2.2).

    ``If-None-Match``, when present, decides alone: a client that knows the ETag is told exactly whether the
    bytes changed. Otherwise a valid ``If-Modified-Since`` no earlier than Last-Modified (to the second) does.
    """
    tags = headers.get_all("If-None-Match") or []
    if tags:
        return etag_matches(",".join(tags), etag)
    since_text = headers.get("If-Modified-Since")
    if not since_text:
        return False
    try:
        since = email.utils.parsedate_to_datetime(since_text)
    except (TypeError, ValueError, IndexError):
        return False  # not an HTTP date: ignored, as the RFC says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return int(last_modified.timestamp()) <= since.timestamp()


#: A new theme's class names for the Asset Publisher's (:meth:`ReplicaSite.redesign`): the content stays, the
#: markup the Liferay 6.2 profile reads goes.
_REDESIGN = (
    ("asset-bounddary", "khoi-tin"),
    ("asset-abstract", "tom-tat-tin"),
    ("asset-title", "tieu-de-tin"),
    ("asset-full-content-title", "tieu-de-bai"),
    ("journal-content-article", "noi-dung-bai"),
    ("asset-content", "than-bai"),
    ("p_p_id_101_", "khung_tin_"),
)


def redesigned(page: str) -> str:
    """A page as the redesigned portal serves it."""
    for old, new in _REDESIGN:
        page = page.replace(old, new)
    return page


def _single_int(params: dict[str, list[str]], name: str) -> int | None:
    """The one integer value of a query parameter, None if absent; ``ValueError`` if repeated or not a number."""
    values = params.get(name)
    if values is None:
        return None
    if len(values) != 1:
        raise ValueError(f"{name}: give it once")
    try:
        return int(values[0])
    except ValueError:
        raise ValueError(f"{name}: expected a whole number, got {values[0]!r}") from None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"


class ReplicaServer:
    """Serve a :class:`ReplicaSite` on ``host:port`` (0: any free port) from a background thread.

    The socket is bound when the object is made (so :attr:`url` is known at once); requests are answered
    after :meth:`start` or on entering a ``with`` block. ``timeout_delay`` is how long a "timeout" fault
    stalls; ``huge_size`` is the size a "huge" page exceeds. ``validators=False`` serves like a server that
    sends no ETag or Last-Modified and ignores conditional headers (many small portals do): a test can then
    make a crawler re-download every page, as it must from such a portal. ``syndication`` publishes sitemaps
    and feeds of the site (:mod:`govscraper_replica.syndication`); without it ``/sitemap.xml`` is a 404.
    """

    def __init__(
        self,
        site: ReplicaSite,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_delay: float = 30.0,
        huge_size: int = 12 * 1024 * 1024,
        *,
        validators: bool = True,
        syndication: Syndication | None = None,
    ) -> None:
        self.site = site
        self.syndication = syndication
        self.renderer = Renderer(site)
        self.timeout_delay = timeout_delay
        self.huge_size = huge_size
        self.validators = validators
        self._lock = threading.Lock()
        self._count = 0
        self._paths: collections.Counter[str] = collections.Counter()
        self._statuses: collections.Counter[int] = collections.Counter()
        self._answered_once: set[int] = set()
        self.stopping = threading.Event()
        self._httpd = _HTTPServer((host, port), _Handler, self)
        self.host, self.port = self._httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The root of the portal, ``http://127.0.0.1:PORT/``."""
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}/"

    @property
    def request_count(self) -> int:
        """Requests answered or being answered so far (all paths, all methods)."""
        with self._lock:
            return self._count

    def path_counts(self) -> dict[str, int]:
        """Requests per request target (path and query as sent), a snapshot."""
        with self._lock:
            return dict(self._paths)

    def count(self, target: str) -> int:
        """Requests so far for one request target, e.g. an article's URL path."""
        with self._lock:
            return self._paths.get(target, 0)

    def status_counts(self) -> dict[int, int]:
        """Responses sent so far by status, a snapshot: ``{200: 812, 304: 140, 404: 1}``.

        304s are what an incremental crawl of an unchanged site should mostly get, so a test or the benchmark
        tells a crawl that re-downloaded everything from one that asked conditionally.
        """
        with self._lock:
            return dict(self._statuses)

    def count_status(self, status: int) -> int:
        """Responses sent so far with one status, e.g. ``count_status(304)``."""
        with self._lock:
            return self._statuses.get(status, 0)

    @property
    def not_modified_count(self) -> int:
        """``304 Not Modified`` answers so far (conditional requests for unchanged pages, images, documents)."""
        return self.count_status(304)

    def stats(self) -> dict[str, Any]:
        """The counters as JSON-ready data, as ``GET /_replica/stats.json`` answers them."""
        with self._lock:
            statuses = {str(status): n for status, n in sorted(self._statuses.items())}
            return {"requests": self._count, "status_counts": statuses, "not_modified": self._statuses.get(304, 0)}

    def start(self) -> ReplicaServer:
        """Start answering requests in a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="replica-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; stalled "timeout" answers are released at once."""
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_until_signalled(self, ready: Callable[[], None] | None = None) -> int:
        """Serve in the foreground until SIGINT (Ctrl-C) or SIGTERM; returns the signal that ended it.

        For ``govscraper replica`` and ``python -m govscraper_replica``. ``ready`` is called once the server
        answers (to print its address). Must run in the main thread, where Python delivers signals.
        """
        received: list[int] = []
        done = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            received.append(signum)
            done.set()

        previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if ready is not None:
                ready()
            while not done.wait(0.5):  # wakes for the signal; the timeout keeps the wait interruptible
                pass
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return received[0]

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- bookkeeping used by the handler ----------------------------------------------------------------
    def record(self, target: str) -> None:
        with self._lock:
            self._count += 1
            if target in self._paths or len(self._paths) < MAX_TRACKED_PATHS:
                self._paths[target] += 1

    def record_status(self, status: int) -> None:
        """Count one response by its status (the handler calls it as it writes the status line)."""
        with self._lock:
            self._statuses[status] += 1

    def first_time(self, article_id: int) -> bool:
        """True on the first request for an article (the "http503-once" fault), False afterwards."""
        with self._lock:
            if article_id in self._answered_once:
                return False
            self._answered_once.add(article_id)
            return True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], replica: ReplicaServer):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.replica = replica
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn), which can stall without DNS; skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):  # the client went away: nothing to report
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    _date_second = 0
    _date_text = ""

    def setup(self) -> None:
        # Idle keep-alive connections are dropped after this; it also bounds a stalled write.
        self.timeout = max(60.0, self.server.replica.timeout_delay * 2)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        """No per-request logging: it would cost more than rendering the page."""

    def version_string(self) -> str:
        return "Apache-Coyote/1.1"

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self.server.replica.record(self.path)
        parts = urlsplit(self.path)
        if parts.path in (EDIT_PATH, ADD_PATH):
            try:
                (self._edit if parts.path == EDIT_PATH else self._add)(parts.query)
            except OSError:
                self.close_connection = True
            return
        self.close_connection = True  # the request body is not read, so the connection cannot be reused
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", HTML, head=False, headers=[("Allow", "GET, HEAD")])

    def _send_json(self, status: int, value: object) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", head=False)

    def _loopback_only(self, what: str) -> bool:
        """True if a change of the site may come from this request; otherwise answers 403 and returns False.

        Only a server listening on a loopback address accepts changes, and only from a loopback client: the
        replica is a test fixture, and nothing on a network should be able to rewrite what it serves.
        """
        replica = self.server.replica
        if _is_loopback(str(replica.host)) and _is_loopback(str(self.client_address[0])):
            return True
        self.close_connection = True
        self._send_json(403, {"error": f"{what} are accepted on a loopback address only"})
        return False

    def _add(self, query: str) -> None:
        """``POST /_replica/add?count=N[&category=slug][&seed=S]``: publish N new articles
        (:meth:`ReplicaSite.add`) in a replica running in another process, e.g. between two crawls of a test.

        Answers ``{"revision": R, "added": [{"id", "url", "category", "title", "published", "list_page"}, ...]}``,
        newest first. A body, if any, is read and ignored. 400 for a missing or bad count (1 to
        :data:`MAX_ADD_COUNT`), an unknown category or parameter; 403 off loopback, as for edits.
        """
        replica = self.server.replica
        if not self._loopback_only("additions"):
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # a chunked body is not read: the connection cannot be reused
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_EDIT_BYTES:
                self.close_connection = True
                self._send_json(413 if length > 0 else 400, {"error": "bad Content-Length"})
                return
            self.rfile.read(length)
        params = parse_qs(query, keep_blank_values=True)
        try:
            unknown = set(params) - ADD_PARAMETERS
            if unknown:
                raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}; give count, category, seed")
            count = _single_int(params, "count")
            if count is None:
                raise ValueError("count: give ?count=N, the number of articles to publish")
            if not 1 <= count <= MAX_ADD_COUNT:
                raise ValueError(f"count: from 1 to {MAX_ADD_COUNT} articles at a time, not {count}")
            categories = params.get("category")
            if categories is not None and len(categories) != 1:
                raise ValueError("category: give it once")
            articles = replica.site.add(
                count, category=categories[0] if categories else None, seed=_single_int(params, "seed")
            )
        except ValueError as exc:
            self._send_json(400, {"error": str(exc)})
            return
        site = replica.site
        with site.lock:
            added = [
                {
                    "id": a.id,
                    "url": a.url,
                    "category": a.category,
                    "title": a.title,
                    "published": a.published,
                    "list_page": site.position[a.id] // site.delta + 1,
                }
                for a in articles
            ]
            answer = {"revision": site.revision, "added": added}
        self._send_json(200, answer)

    def _edit(self, query: str) -> None:
        """``POST /_replica/edit?id=N`` with a JSON object of :meth:`ReplicaSite.edit`'s keyword arguments
        (``captions`` keys may be strings: JSON has no integer keys); answers the article's new ground truth.
        Loopback only (:meth:`_loopback_only`).
        """
        replica = self.server.replica
        if not self._loopback_only("edits"):
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            self._send_json(411, {"error": "Content-Length required"})
            return
        if not 0 <= length <= MAX_EDIT_BYTES:
            self.close_connection = True
            self._send_json(413, {"error": f"an edit is at most {MAX_EDIT_BYTES} bytes"})
            return
        raw = self.rfile.read(length)
        ids = parse_qs(query).get("id", [])
        try:
            article_id = int(ids[0]) if len(ids) == 1 else None
        except ValueError:
            article_id = None
        if article_id is None or article_id not in replica.site.by_id:
            self._send_json(404, {"error": f"no article {ids[0] if ids else '(give ?id=N)'}"})
            return
        try:
            fields = json.loads(raw.decode("utf-8"))
            if not isinstance(fields, dict) or not set(fields) <= EDIT_FIELDS:
                raise ValueError(f"expected a JSON object with keys among {', '.join(sorted(EDIT_FIELDS))}")
            captions = fields.get("captions")
            if captions is not None:
                if not isinstance(captions, dict):
                    raise ValueError("captions: expected an object of photo index -> caption or null")
                fields["captions"] = {int(key): value for key, value in captions.items()}
            article = replica.site.edit(article_id, **fields)
        except (ValueError, UnicodeDecodeError) as exc:
            self._send_json(400, {"error": str(exc)})
            return
        with replica.site.lock:
            answer = {"revision": replica.site.revision, "article": article.as_dict()}
        self._send_json(200, answer)

    # -- the response writer ------------------------------------------------------------------------------
    @classmethod
    def _date(cls) -> str:
        now = int(time.time())
        if now != cls._date_second:
            cls._date_text, cls._date_second = email.utils.formatdate(now, usegmt=True), now
        return cls._date_text

    def _headers(
        self, status: int, content_type: str | None, length: int | None, headers: Iterable[tuple[str, str]]
    ) -> bytes:
        """The status line and headers of a response (counted by status); a 304 has no Content-* headers."""
        self.server.replica.record_status(status)
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Server: Apache-Coyote/1.1", f"Date: {self._date()}"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines.append(LIFERAY_HEADER)
        lines.extend(f"{name}: {value}" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(
        self, status: int, body: bytes, content_type: str, *, head: bool, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        block = self._headers(status, content_type, len(body), headers)
        self.wfile.write(block if head else block + body)

    def _send_html(self, status: int, page: str, head: bool, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send(status, page.encode("utf-8"), HTML, head=head, headers=headers)

    def _send_current(
        self,
        body: bytes,
        content_type: str,
        last_modified: datetime,
        *,
        head: bool,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """A resource as it is now: 304 with its validators if the request's conditions say the client holds
        these bytes already (:func:`not_modified`), else 200 with the validators and the other headers."""
        if not self.server.replica.validators:
            self._send(200, body, content_type, head=head, headers=headers)
            return
        etag = etag_for(body)
        validators = [("ETag", etag), ("Last-Modified", http_date(last_modified))]
        if not_modified(self.headers, etag, last_modified):
            self.wfile.write(self._headers(304, None, None, validators))
        else:
            self._send(200, body, content_type, head=head, headers=[*validators, *headers])

    def _send_page(self, page: str, last_modified: datetime, head: bool) -> None:
        if self.server.replica.site.redesigned:
            page = redesigned(page)
        if self.server.replica.syndication is not None:
            page = self.server.replica.syndication.announce(page)
        self._send_current(page.encode("utf-8"), HTML, last_modified, head=head)

    # -- routing ------------------------------------------------------------------------------------------
    def _serve(self, head: bool) -> None:
        replica = self.server.replica
        replica.record(self.path)
        host = self.headers.get("Host", "")
        origin = "http://" + (host if _SAFE_HOST.match(host) else replica.url[7:-1])
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        try:
            self._route(replica, path, parts.query, origin, head)
        except OSError:
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._send_html(500, replica.renderer.error(origin, path), head)

    def _route(self, replica: ReplicaServer, path: str, query: str, origin: str, head: bool) -> None:
        site, renderer = replica.site, replica.renderer
        if path == "/":
            with site.lock:  # the page and its Last-Modified from one state of the site
                home, modified = renderer.home(origin), site.home_modified()
            self._send_page(home, modified, head)
        elif path == "/robots.txt":
            robots = replica.syndication.robots(ROBOTS_TXT, origin) if replica.syndication else ROBOTS_TXT
            self._send_current(robots, "text/plain; charset=utf-8", STATIC_MODIFIED, head=head)
        elif replica.syndication and (syndicated := replica.syndication.answer(site, path, origin)) is not None:
            body, content_type, modified = syndicated
            if modified is None:  # a fault: sent as it is, like the other faults (no validators)
                self._send(200, body, content_type, head=head)
            else:
                self._send_current(body, content_type, modified, head=head)
        elif path == "/_replica/manifest.json":
            self._send(200, site.manifest_json(), "application/json; charset=utf-8", head=head)
        elif path == STATS_PATH:
            body = json.dumps(replica.stats()).encode("utf-8")
            self._send(200, body, "application/json; charset=utf-8", head=head)
        elif path in (EDIT_PATH, ADD_PATH):
            self._send(405, b"", HTML, head=head, headers=[("Allow", "POST")])
        elif path == "/image/journal/article":
            self._image(replica, query, origin, head)
        elif path.startswith("/documents/"):
            doc = site.documents.get(path)
            if doc is None:
                self._send_html(404, renderer.not_found(origin, path), head)
            else:
                disposition = ("Content-Disposition", f'attachment; filename="{doc.file_name}"')
                modified = site.document_modified(doc)
                self._send_current(document_bytes(doc), doc.content_type, modified, head=head, headers=[disposition])
        elif path.startswith("/web/guest/") and parse_article_path(path[len("/web/guest") :]):
            # Liferay's long form of a friendly URL redirects to the short one (half of the redirect loop).
            self._send_html(302, "", head, [("Location", origin + path[len("/web/guest") :])])
        elif (found := parse_article_path(path)) is not None:
            category, article_id, slug = found
            article = site.by_id.get(article_id)
            how = site.withdrawn.get(article_id)
            if article is not None and how == "moved" and path == site.moved_path(article) and article.slug == slug:
                self._article(replica, article, path, origin, head)
            elif article is None or article.category != category or article.slug != slug:
                self._send_html(404, renderer.not_found(origin, path), head)
            elif how is not None:
                self._withdrawn(replica, article, how, path, origin, head)
            else:
                self._article(replica, article, path, origin, head)
        elif path[1:] in site.category_names:
            cur, delta = parse_list_query(query, site.delta)
            target = path + (f"?{query}" if query else "")
            with site.lock:
                listed = renderer.category(path[1:], cur, delta, origin, target)
                modified = site.list_modified(path[1:], cur, delta)
            self._send_page(listed, modified, head)
        elif path.startswith(("/html/", "/moduc-theme/")) and path.endswith(tuple(_STATIC)):
            kind = _STATIC["." + path.rsplit(".", 1)[1]]
            self._send_current(f"/* {path} */\n".encode(), kind, STATIC_MODIFIED, head=head)
        else:
            self._send_html(404, renderer.not_found(origin, path), head)

    def _image(self, replica: ReplicaServer, query: str, origin: str, head: bool) -> None:
        image_id = parse_image_query(query)
        image = replica.site.images.get(image_id) if image_id is not None else None
        if image is None:
            self._send_html(404, replica.renderer.not_found(origin, "/image/journal/article"), head)
        elif image.fault == "not-an-image":
            self._send(200, LOGIN_PAGE.encode("utf-8"), "image/jpeg", head=head)
        elif image.fault == "wrong-type-image":
            self._send_html(200, LOGIN_PAGE, head)
        else:
            data = image_bytes(replica.site.seed, image.id, image.format, image.width, image.height)
            self._send_current(data, image.content_type, replica.site.image_modified(image), head=head)

    def _article(self, replica: ReplicaServer, article: ReplicaArticle, path: str, origin: str, head: bool) -> None:
        """An article page, or its fault. The page itself (also the "malformed-html" one, and the "timeout" and
        "http503-once" ones once they answer) goes out with validators and may be a 304."""
        renderer, fault = replica.renderer, article.fault
        if fault == "http500":
            self._send_html(500, renderer.error(origin, path), head)
        elif fault == "http404":
            self._send_html(404, renderer.not_found(origin, path), head)
        elif fault == "http503-once" and replica.first_time(article.id):
            self._send_html(503, UNAVAILABLE_PAGE, head, [("Retry-After", "1")])
        elif fault == "timeout" and replica.stopping.wait(replica.timeout_delay):
            self.close_connection = True  # the server is shutting down: drop the stalled request
        elif fault == "truncated":
            body = renderer.article(article, origin).encode("utf-8")
            self.close_connection = True
            block = self._headers(200, HTML, len(body), ())
            self.wfile.write(block if head else block + body[: len(body) // 2])
        elif fault == "wrong-type-page":
            data = image_bytes(replica.site.seed, article.id, "jpeg", 480, 320)
            self._send(200, data, "image/jpeg", head=head)
        elif fault == "redirect-loop":
            self._send_html(302, "", head, [("Location", f"{origin}/web/guest{path}")])
        elif fault == "huge":
            self._huge(replica, article, origin, head)
        elif fault == "malformed-html":
            with replica.site.lock:
                page, modified = renderer.malformed_article(article, origin), article.last_modified
            self._send_page(page, modified, head)
        else:
            with replica.site.lock:
                page, modified = renderer.article(article, origin), article.last_modified
            self._send_page(page, modified, head)

    def _withdrawn(
        self, replica: ReplicaServer, article: ReplicaArticle, how: str, path: str, origin: str, head: bool
    ) -> None:
        """An article the portal took down (:meth:`ReplicaSite.withdraw`), answered as ``how`` says."""
        renderer = replica.renderer
        if how in ("deleted", "gone"):
            self._send_html(404 if how == "deleted" else 410, renderer.not_found(origin, path), head)
        elif how == "soft-404":
            self._send_html(200, renderer.missing_article(origin, path, "Bài viết không tồn tại hoặc đã bị xóa."), head)
        elif how == "empty":
            self._send_html(200, renderer.missing_article(origin, path, ""), head)
        elif how == "to-home":
            self._send_html(302, "", head, [("Location", origin + "/")])
        elif how == "elsewhere":
            self._send_html(301, "", head, [("Location", PARKED)])
        else:  # moved
            self._send_html(301, "", head, [("Location", origin + replica.site.moved_path(article))])

    def _huge(self, replica: ReplicaServer, article: ReplicaArticle, origin: str, head: bool) -> None:
        """An article page padded past ``huge_size`` with a comment, streamed in 64 KiB pieces."""
        page = replica.renderer.article(article, origin).encode("utf-8")
        cut = page.rindex(b"</body>")
        start, end = page[:cut] + b"<!-- ", b" -->" + page[cut:]
        filler = max(0, replica.huge_size - len(start) - len(end)) + 65_536
        self.wfile.write(self._headers(200, HTML, len(start) + filler + len(end), ()))
        if head:
            return
        self.wfile.write(start)
        chunk = b"lfr-padding " * 5461 + b"padd"  # 65,536 bytes
        while filler > 0:
            if replica.stopping.is_set():
                self.close_connection = True
                return
            piece = chunk[: min(filler, len(chunk))]
            self.wfile.write(piece)
            filler -= len(piece)
        self.wfile.write(end)
