"""``govscraper serve``: Datasette over the archive, read-only, described, faceted and searchable.

:func:`metadata` builds Datasette's metadata (titles, table and column descriptions, facets, the full-text search
of the articles table, canned queries) and :func:`datasette_command` the command line; :func:`serve` runs it.
The Vietnamese search functions the canned ``search`` query and the table search use come from the plugin
:mod:`govscraper.publish.datasette_plugin`, which Datasette loads through its entry point.

Datasette opens a database it is not told is immutable with ``mode=ro``: it never writes to the archive, and a
crawl can keep writing (WAL) while researchers read. ``--immutable`` would be wrong there: Datasette would then
assume the file never changes while a crawl is adding to it. It is right, and needed, for an archive on read-only
storage that SQLite cannot open with ``mode=ro`` (see :func:`~archive.schema.open_reader`): nothing can write there.
"""

from __future__ import annotations

import errno
import importlib.metadata
import importlib.util
import json
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from govscraper.archive.fulltext import FTS_TABLE
from govscraper.extract.profiles import PLATFORMS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
#: Seconds Datasette has to stop after Ctrl-C before it is terminated.
SHUTDOWN_WAIT_S = 5
#: How many hits the canned ``search`` query ranks and shows.
SEARCH_LIMIT = 100

#: Datasette settings (``--setting NAME VALUE``).
SETTINGS: dict[str, int | str] = {
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "sql_time_limit_ms": 3000,  # a canned search over a large archive ranks every match
    "facet_time_limit_ms": 1000,  # three facets over every article
    "truncate_cells_html": 300,  # article bodies: a readable table, the whole text on the row page
}

#: Tables Datasette should not list: bookkeeping, not research material (FTS5's own tables it hides itself).
HIDDEN_TABLES = ("_migrations", "http_validators", "ranking_pending", "ranking_state")

DESCRIPTION = (
    "News articles of Vietnamese local-government portals, archived by govscraper with their images, "
    "attached documents, every edited version, and the raw captures (WARC) they were read from. Read-only. "
    "Search the articles table (the search box) with or without diacritics: mo duc finds Mộ Đức, a word written "
    'with diacritics matches only itself, hoà and hòa are one word; "phrases", prefix*, OR, NOT and parentheses '
    "work. In SQL, articles_fts MATCH vn_fts(:q) does the same (see the canned query search)."
)

TABLES: dict[str, dict[str, Any]] = {
    "portals": {
        "description": "The portals of the registry (portals.toml) that were crawled into this archive.",
        "label_column": "name",
        "columns": {
            "id": "The portal's id in the registry, e.g. qni-moduc",
            "name": "The portal's name",
            "province": "The province it belongs to",
            "level": "tỉnh (province), huyện (district), xã (commune) ...",
            "base_url": "The address it was crawled from",
            "platform": f"Its web platform ({', '.join(PLATFORMS[:-1])} or {PLATFORMS[-1]})",
            "status": "live, or offline since offline_since",
            "offline_since": "When it went offline, if it did",
            "start_urls": "The list pages a crawl starts from, one a line",
            "notes": "Notes from the registry",
            "code": "The unit's official administrative code (GSO), e.g. 51 for Quảng Ngãi",
            "formed_from": "For a province formed by the 2025 merger: the former provinces, one a line",
            "became": "For a unit abolished on 2025-07-01: the communes, wards or province it became, one a line",
            "province_after": "For such a unit: the province it belongs to since 2025-07-01",
            "updated_at": "When this row was last written (UTC)",
        },
    },
    "list_counts": {
        "description": "What each list's first page announces about its length, the latest seen: coverage sets "
        "the articles a portal announces beside those archived.",
        "columns": {
            "portal_id": "The portal",
            "list_key": "What identifies the list across URLs (its address, or platform and page-number-free path)",
            "url": "The list's first page, as last fetched",
            "total": "Results the page states (e.g. Hiển thị 1 - 10 of 356 kết quả); empty when it states none",
            "last_page": "The last page number its pager links to; empty without a pager",
            "per_page": "Entries on the first page",
            "run_id": "The crawl run that saw it last",
            "seen_at": "When (UTC)",
        },
    },
    "crawl_runs": {
        "description": "One row per crawl of a portal: what it fetched and archived, how long it took, "
        "and the layout canary (alarm).",
        "facets": ["portal_id", "status", "mode"],
        "sort_desc": "id",
        "columns": {
            "portal_id": "The portal crawled",
            "spider": "The Scrapy spider that ran",
            "started_at": "Start (UTC)",
            "finished_at": "End (UTC)",
            "status": "running, finished, interrupted, unreachable, budget reached or failed",
            "finish_reason": "Why Scrapy stopped",
            "mode": "full (every known article revisited) or incremental (only new ones)",
            "resumes": "How many times an interrupted run was resumed",
            "duration_s": "Seconds",
            "requests": "HTTP requests made",
            "responses": "HTTP responses received",
            "bytes": "Bytes downloaded",
            "pages": "Pages (lists and articles) read",
            "pages_not_modified": "Pages answered 304 Not Modified (conditional requests)",
            "articles_seen": "Articles read",
            "articles_new": "Articles archived for the first time",
            "articles_updated": "Articles whose content changed (a new version)",
            "articles_unchanged": "Articles read again without change",
            "articles_failed": "Articles that could not be archived",
            "extraction_failures": "Article pages the extractor could not read",
            "images_new": "Images stored for the first time",
            "attachments_new": "Documents stored for the first time",
            "failures": "Rows this run added to fetch_failures",
            "alarm": "layout-changed? when the layout canary fired, else empty",
            "alarm_reason": "Why the canary fired",
            "settings": "The crawl's settings (JSON)",
            "warc_files": "The WARC files this run wrote (JSON)",
        },
    },
    "articles": {
        "description": "Every archived article, as last seen (earlier versions: article_versions). "
        "The search box searches title, sapo, body, photo captions, author and attached documents, "
        "with or without diacritics.",
        "facets": ["portal_id", "category", "published_year"],
        "fts_table": FTS_TABLE,
        "fts_pk": "id",
        "sort_desc": "published_at",
        "label_column": "title",
        "columns": {
            "id": "The article's id in this archive",
            "url": "The URL it was first archived from (unique)",
            "canonical_url": "The URL the page names as canonical",
            "portal_id": "The portal that published it",
            "source_id": "The platform's own id of the article",
            "platform": "The portal's web platform",
            "title": "Headline",
            "sapo": "The lead paragraph",
            "body": "The text, paragraphs separated by a blank line",
            "body_html": "The article's cleaned HTML",
            "published_at": "Publication time, ISO 8601 with +07:00 (or a date alone when the page gives no time)",
            "published_year": "The year of published_at (a generated column, for facets)",
            "author": "The author as credited",
            "source": "The publication the article credits",
            "category": "The portal's category (chuyên mục)",
            "views": "View count shown by the portal when last seen",
            "summary": "The summary from the list page",
            "thumbnail_url": "The thumbnail from the list page",
            "content_sha256": "Hash of the content (title, sapo, body, date, author, category, photos, source, "
            "attachments; not the view count): a new value is a new version",
            "first_seen_at": "When it was first archived (UTC)",
            "last_seen_at": "When a crawl last saw it (UTC)",
            "first_run_id": "The crawl run that first archived it",
            "run_id": "The last crawl run that saw it",
            "capture_id": "The raw capture (WARC record) of its page",
            "origin": "Where its page came from: live (the portal), wayback (the Internet Archive), warc (an "
            "imported WARC file)",
            "origin_url": "For wayback: the capture's Wayback URL; for warc: the WARC file and record id",
            "origin_date": "When that capture was made (ISO 8601)",
        },
    },
    "article_versions": {
        "description": "Every version of every article: version 1 is the first archived; a new version is "
        "recorded when a re-crawl finds the content changed.",
        "facets": ["version"],
        "label_column": "title",
        "columns": {
            "article_id": "The article (articles.id)",
            "version": "1 = first archived, then 2, 3 ...",
            "images": "The photos as linked in this version (JSON)",
            "attachments": "The documents as linked in this version (JSON)",
            "capture_id": "The last raw capture that showed this version",
            "captured_at": "When that capture was made (UTC)",
            "run_id": "The last crawl run that saw this version",
            "superseded_at": "When a newer version replaced it (empty for the current one)",
            "superseded_by_run_id": "The run that found the newer version",
            "origin": "Where the page of this version came from (live, wayback, warc)",
            "origin_url": "The Wayback URL or WARC record of this version's page",
            "origin_date": "When that capture was made (ISO 8601)",
        },
    },
    "images": {
        "description": "Every image stored, once however many articles use it, by the sha256 of its bytes.",
        "facets": ["mime"],
        "columns": {
            "sha256": "SHA-256 of the bytes",
            "bytes": "The image as downloaded",
            "mime": "Its type, as read from the bytes",
            "width": "Pixels",
            "height": "Pixels",
            "size": "Bytes",
            "first_url": "The URL it was first downloaded from",
            "fetched_at": "When (UTC)",
            "capture_id": "Its raw capture (WARC record)",
        },
    },
    "article_images": {
        "description": "The photos of each article, in order, with captions and credits.",
        "facets": ["role"],
        "columns": {
            "article_id": "The article (articles.id)",
            "position": "Order in the article",
            "image_sha256": "The stored image (images.sha256); empty when it could not be archived",
            "role": "body (in the text) or thumbnail (from the list page)",
            "caption": "The caption printed under the photo",
            "credit": "The photographer or source credited",
            "alt": "The image's alt text",
            "source_url": "The URL the article linked",
        },
    },
    "attachments": {
        "description": "Every attached document stored (PDF, Word, Excel ...), once, with its text extracted "
        "for search.",
        "facets": ["mime", "text_method"],
        "label_column": "filename",
        "columns": {
            "sha256": "SHA-256 of the bytes",
            "bytes": "The document as downloaded",
            "mime": "Its type, as read from the bytes",
            "filename": "Its file name, made safe to save and show (no folders, no control characters)",
            "filename_raw": "The file name exactly as the server gave it (Content-Disposition or the URL)",
            "size": "Bytes",
            "first_url": "The URL it was first downloaded from",
            "fetched_at": "When (UTC)",
            "capture_id": "Its raw capture (WARC record)",
            "text": "Its text, extracted for search",
            "text_method": "How the text was extracted",
            "text_error": "Why no text could be extracted, if so",
        },
    },
    "article_attachments": {
        "description": "The documents each article links, in order.",
        "columns": {
            "article_id": "The article (articles.id)",
            "position": "Order in the article",
            "attachment_sha256": "The stored document (attachments.sha256); empty when it could not be archived",
            "title": "The link text",
            "source_url": "The URL the article linked",
        },
    },
    "fetch_failures": {
        "description": "Everything a crawl could not fetch or read, with the reason.",
        "facets": ["portal_id", "kind", "status"],
        "sort_desc": "id",
        "columns": {
            "run_id": "The crawl run",
            "portal_id": "The portal",
            "url": "What failed",
            "kind": "list, article, page, image, attachment, robots, sitemap or feed",
            "status": "HTTP status, when there was one",
            "error": "What went wrong (one line)",
            "referer": "The page that linked it",
            "failed_at": "When (UTC)",
        },
    },
    "article_events": {
        "description": "What changed on the portals since their articles were archived: edits (what changed), "
        "articles missing (one check missed them), removed (confirmed after several checks days apart), restored "
        "or moved. The archived articles stay as archived; /-/changes.atom is the same as an Atom feed.",
        "facets": ["portal_id", "kind"],
        "sort_desc": "id",
        "columns": {
            "article_id": "The archived article",
            "portal_id": "The portal",
            "kind": "edited, missing, removed, restored or moved",
            "at": "When it was found (UTC)",
            "run_id": "The run that found it (a check, or a crawl)",
            "status": "The HTTP status the portal answered",
            "final_url": "Where a redirect pointed",
            "capture_id": "The answer's raw capture (WARC): the evidence",
            "evidence": "Why, in words; for an edit, what changed",
            "details": "An edit's changes (JSON): fields, share of body words changed, photos, captions, attachments",
        },
    },
    "article_presence": {
        "description": "Each checked article's standing on its portal, as the latest check found it.",
        "facets": ["state"],
        "columns": {
            "article_id": "The archived article",
            "state": "present, missing, removed or moved",
            "misses": "Checks in a row that missed it",
            "first_missed_at": "The first of those (UTC)",
            "checked_at": "The latest check (UTC)",
            "moved_to": "Where a permanent redirect pointed",
        },
    },
    "portal_alerts": {
        "description": "Problems portal health found after a run (quiet, layout changed, fields no longer read, "
        "rate limited, start pages redirected, incomplete, unreachable): one row from when it opened until it "
        "cleared; each opening and clearing is sent once to the configured webhook and e-mail addresses.",
        "facets": ["portal_id", "kind"],
        "sort_desc": "id",
        "columns": {
            "portal_id": "The portal",
            "kind": "The problem",
            "detail": "The figures behind it, when it opened",
            "opened_at": "When it opened (UTC)",
            "closed_at": "When it cleared (UTC); empty while it lasts",
            "notified_open": "The channels that took the opening: 1 the webhook, 2 e-mail, 3 both",
            "notified_close": "The channels that took the clearing (as notified_open)",
        },
    },
    "portal_outages": {
        "description": "Periods a whole portal could not be reached (DNS failure, connection refused), one row each.",
        "columns": {
            "portal_id": "The portal",
            "first_seen_at": "The first run that could not reach it (UTC)",
            "last_seen_at": "The latest such run (UTC)",
            "runs": "Runs that found it down",
            "reason": "The first run's reason",
            "ended_at": "The first run that reached it again; empty while it is down",
        },
    },
    "import_failures": {
        "description": "WARC records an import could not read (skipped, the rest of the file imported), with "
        "where they lie and why.",
        "facets": ["warc_file"],
        "sort_desc": "id",
        "columns": {
            "warc_file": "The WARC file's name, as given to import-warc",
            "warc_sha256": "The file's SHA-256 (which copy of that name)",
            "offset": "Where the unreadable record, or the damaged stretch, starts in the file",
            "record_id": "Its WARC-Record-ID, when that much could be read",
            "url": "Its WARC-Target-URI, when that much could be read",
            "error": "What was wrong (one line)",
            "imported_at": "When (UTC)",
        },
    },
    "captures": {
        "description": "The raw captures: where each HTTP response a crawl archived lies in the WARC files "
        "(govscraper show --raw reads them back).",
        "facets": ["portal_id", "warc_type", "mime"],
        "columns": {
            "run_id": "The crawl run",
            "portal_id": "The portal",
            "url": "The URL captured",
            "warc_type": "response, or revisit (same payload as an earlier capture)",
            "warc_file": "The WARC file, relative to the archive's folder",
            "offset": "Byte offset of the response record",
            "length": "Length of the response record",
            "record_id": "WARC-Record-ID of the response",
            "request_offset": "Byte offset of the request record",
            "request_length": "Length of the request record",
            "request_record_id": "WARC-Record-ID of the request",
            "warc_date": "WARC-Date",
            "status": "HTTP status",
            "mime": "Content type",
            "payload_digest": "sha1 of the payload, base32",
            "payload_length": "Payload bytes",
            "refers_to_record_id": "Revisits: the record holding the payload",
            "payload_capture_id": "Revisits: the capture holding the payload",
        },
    },
}

ARTICLES_PER_MONTH_SQL = """\
select portal_id, substr(published_at, 1, 7) as month, count(*) as articles
from articles
where published_at is not null
  and (:portal = '' or portal_id = :portal)
group by portal_id, month
order by portal_id, month"""

SEARCH_SQL = f"""\
select a.id, a.portal_id, a.published_at, a.title, a.url,
  json_extract(hit.value, '$.match') as match,
  json_extract(hit.value, '$.snippet') as snippet
from json_each(vn_search(:q, :since, :until, :portal, :category, {SEARCH_LIMIT})) hit
join articles a on a.id = json_extract(hit.value, '$.id')
order by hit.key"""

QUERIES: dict[str, dict[str, Any]] = {
    "articles_per_month": {
        "title": "Articles per month, per portal",
        "description": "How many archived articles each portal published each month (by published_at). "
        "Leave portal empty for every portal.",
        "sql": ARTICLES_PER_MONTH_SQL,
        "params": ["portal"],
    },
    "search": {
        "title": "Search articles, ranked as govscraper search ranks them",
        "description": f"The {SEARCH_LIMIT} best of every match of a query, exactly as govscraper search gives them "
        '(it reads queries the same way: mo duc finds Mộ Đức, hoà = hòa, "phrases", prefix*, OR, NOT): those '
        "matching as written first, then by relevance (title and lead weigh most, the words together weigh more), "
        "ties by date. since and until are optional: YYYY, YYYY-MM or YYYY-MM-DD, both inclusive (until 2021 "
        "includes all of 2021); portal: one or more portal ids separated by spaces; category: its name, case and "
        "diacritics ignored.",
        "sql": SEARCH_SQL,
        "params": ["q", "since", "until", "portal", "category"],
    },
}


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives the archive: its file name without the extension (archive.db -> archive)."""
    return Path(db_path).stem


def metadata(db_name: str) -> dict[str, Any]:
    """Datasette's metadata for an archive served under ``db_name``."""
    tables: dict[str, dict[str, Any]] = {name: dict(table) for name, table in TABLES.items()}
    tables.update({name: {"hidden": True} for name in HIDDEN_TABLES})
    return {
        "title": "govscraper archive",
        "description": DESCRIPTION,
        "license": "Articles, images and documents: © their publishers; archived for research and preservation",
        "source": "Vietnamese local-government news portals, crawled by govscraper",
        "databases": {
            db_name: {
                "description": DESCRIPTION,
                "tables": tables,
                "queries": {name: dict(query) for name, query in QUERIES.items()},
            }
        },
    }


def datasette_command(
    db_path: str | Path,
    metadata_path: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    immutable: bool = False,
) -> list[str]:
    """The Datasette command line: the same Python, the archive read-only (``--immutable`` only on read-only
    storage), our settings."""
    command = [sys.executable, "-m", "datasette", "serve"]
    command += ["--immutable", str(db_path)] if immutable else [str(db_path)]
    command += ["--metadata", str(metadata_path)]
    command += ["--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value)]
    return command


class ServeError(Exception):
    """Datasette cannot be started: the message says why, in one line."""


def check_datasette() -> None:
    """Datasette and this project's plugin must both be installed."""
    if importlib.util.find_spec("datasette") is None:
        raise ServeError("Datasette is not installed: pip install -r requirements.txt")
    names = {entry.name for entry in importlib.metadata.entry_points(group="datasette")}
    if "govscraper" not in names:
        raise ServeError("govscraper's Datasette plugin is not registered: reinstall govscraper (pip install -e .)")


def free_port(host: str, port: int) -> int:
    """``port`` if it can be listened on at ``host`` (any free port for 0); a taken port is a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"port {port} on {host} is already in use (another serve?): choose another with --port, "
                    "or --port 0 for any free one"
                ) from None
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        return probe.getsockname()[1]


def address(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}/"


#: How Datasette (Uvicorn) says where it listens.
_LISTENING = re.compile(r"running on (https?://\S+?):(\d+)")


def _relay(process: subprocess.Popen[str], host: str, announce: Any) -> None:
    """Pass Datasette's log on to stderr, and announce the address once Datasette names the port it bound."""
    assert process.stderr is not None
    announced = False
    for line in process.stderr:
        found = None if announced else _LISTENING.search(line)
        if found and announce is not None:
            announce(address(host, int(found.group(2))))
            announced = True
        sys.stderr.write(line)
        sys.stderr.flush()


def stop_datasette(process: subprocess.Popen[Any]) -> None:
    """Make Datasette stop, and never wait for it without end.

    Uvicorn shuts down gracefully on a first SIGINT or SIGTERM and waits for open connections to close, however long
    that takes (a browser's keep-alive, a reader that stalled); a second SIGINT makes it stop at once. So: SIGINT,
    then SIGINT again, each given :data:`SHUTDOWN_WAIT_S`; then SIGKILL. Nothing is lost: Datasette only reads.
    """
    for signum in (signal.SIGINT, signal.SIGINT, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(signum)
        try:
            process.wait(timeout=SHUTDOWN_WAIT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def serve(
    db_path: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    immutable: bool = False,
    announce: Any = None,
) -> int:
    """Run Datasette over the archive until it stops (Ctrl-C, SIGTERM); returns its exit status.

    ``announce`` is called with the address to open: at once for a port given (after checking it is free), and for
    ``port=0`` once Datasette has bound a free port itself and said which (the port is never chosen here and then
    bound by another process: another program could take it in between).
    """
    check_datasette()
    if port:
        free_port(host, port)
    with tempfile.TemporaryDirectory(prefix="govscraper-serve-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata(database_name(db_path)), ensure_ascii=False, indent=2))
        command = datasette_command(db_path, metadata_path, host, port, immutable=immutable)
        # A stop asked for (Ctrl-C, SIGTERM, SIGHUP) is only noted by the handler, whenever it comes, even before
        # Datasette is started: the loop below acts on it. Datasette runs in a session of its own, so that it gets
        # signals from us alone (Ctrl-C in a terminal goes to the whole foreground group), one at a time.
        asked: list[int] = []
        stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {signum: signal.signal(signum, lambda signum, _frame: asked.append(signum)) for signum in stops}
        try:
            if port:
                if announce is not None:
                    announce(address(host, port))
                process = subprocess.Popen(command, start_new_session=True)
            else:
                process = subprocess.Popen(
                    command, stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True
                )
                threading.Thread(target=_relay, args=(process, host, announce), daemon=True).start()
            while not asked:
                try:
                    return process.wait(timeout=0.5)  # Datasette ended by itself (a bad setting): its status
                except subprocess.TimeoutExpired:
                    continue  # the timeout only lets the loop look at ``asked``
            stop_datasette(process)
            return 0  # stopped on request: a clean end
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "QUERIES",
    "SETTINGS",
    "TABLES",
    "ServeError",
    "address",
    "check_datasette",
    "database_name",
    "datasette_command",
    "free_port",
    "metadata",
    "serve",
]
