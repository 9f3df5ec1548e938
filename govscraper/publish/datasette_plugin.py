"""Datasette plugin: the archive's Vietnamese search inside Datasette (``govscraper serve``, or plain ``datasette``).

Registered through the ``datasette`` entry point in ``pyproject.toml``, so any Datasette installed beside
govscraper loads it. On every SQLite connection Datasette opens it adds SQL functions:

* ``vn_fts(q)``: the FTS5 expression for a researcher's query, as ``govscraper search`` reads it
  (:func:`govscraper.search.parse`): ``articles_fts MATCH vn_fts('mo duc')`` finds "Mộ Đức", "hoà" finds "hòa",
  a word with diacritics matches only itself; phrases, prefixes, AND/OR/NOT. An empty query matches nothing;
  one that cannot be read is an error;
* ``vn_fts_exact(q)``: only the articles that match as written (``govscraper search`` ranks them first);
* ``vn_fold(text)``: lowercase, no diacritics, đ → d (how the ``*_f`` columns of the index hold text);
* ``vn_snippet(text, q)``: the part of ``text`` where the query matched, the matching words in [brackets];
* ``vn_search(q, since, until, portal, category, limit)``: ``govscraper search`` itself, run on this connection: a JSON
  array of the best ``limit`` hits (``id``, ``match``, ``score``, ``snippet``), ranked over every match exactly as the
  command ranks them (empty strings for the filters not wanted). The canned query ``search`` reads it with
  ``json_each``, so Datasette's search page and the command give the same articles in the same order.

On an archive's connections (those with an ``articles_fts`` table) it also replaces Datasette's ``escape_fts``,
the function Datasette's table search (``?_search=``) passes the search box through, with ``vn_fts``: the search
box of the articles table reads queries exactly as ``govscraper search`` does. ``?_searchmode=raw`` still hands a
raw FTS5 expression to SQLite.

SQLite reports any error raised inside a Python function as "user-defined function raised exception", whatever
the exception says. So that a researcher still learns what is wrong with a query, the plugin re-reads the search
parameters of a failed request: the table page's error then says why (:func:`handle_exception`), and a query page
(a canned query, or SQL calling ``vn_fts(:param)``) shows the reason above its error (:func:`extra_template_vars`).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

from govscraper.archive.fulltext import FTS_TABLE
from govscraper.publish import blobs
from govscraper.search.query import Query, SearchError, parse
from govscraper.search.snippet import snippet
from govscraper.text.fold import fold

#: What an empty query turns into: an empty phrase, which FTS5 accepts and which matches no row.
MATCH_NOTHING = '""'
#: SQLite's message for any exception raised by a Python function.
UDF_ERROR = "user-defined function raised exception"
#: The functions that read a query, and the named parameters SQL passes to them (``vn_fts(:q)``).
_QUERY_CALL = re.compile(r"\bvn_(?:fts|fts_exact|snippet)\s*\(([^()]*)\)|\bvn_search\s*\(\s*(:\w+)", re.IGNORECASE)
_PARAMETER = re.compile(r":(\w+)")


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> Query:
    return parse(text)


def _query(text: object) -> Query | None:
    """The parsed query, or None for an empty one; :class:`SearchError` for one that cannot be read."""
    if text is None or not str(text).strip():
        return None
    return _parsed(str(text))


def vn_fts(text: object) -> str:
    """Every article the query finds, exact or folded (``articles_fts MATCH vn_fts(:q)``)."""
    query = _query(text)
    return MATCH_NOTHING if query is None else query.fts_full


def vn_fts_exact(text: object) -> str:
    """The articles that match the query as written."""
    query = _query(text)
    return MATCH_NOTHING if query is None else query.fts_exact


def vn_fold(text: object) -> str | None:
    """Text as the folded columns of the index hold it: lowercase, no diacritics, đ → d."""
    return None if text is None else fold(str(text))


def vn_snippet(text: object, query_text: object) -> str | None:
    """About 200 characters of ``text`` around the first match, the matching words in [brackets]."""
    if text is None:
        return None
    query = _query(query_text)
    return snippet(str(text), query.terms if query else [])


def vn_search(
    conn: sqlite3.Connection,
    text: object,
    since: object = "",
    until: object = "",
    portal: object = "",
    category: object = "",
    limit: object = 100,
) -> str:
    """The ranked hits of ``govscraper search`` for ``text`` on this archive, as a JSON array."""
    from govscraper.search import Filters, search

    query = _query(text)
    if query is None:
        return "[]"
    filters = Filters(
        portals=tuple(str(portal).split()) if portal else (),
        since=str(since) if since else None,
        until=str(until) if until else None,
        category=str(category) if category else None,
    )
    hits = search(conn, query, filters, limit=max(1, min(int(limit or 100), 1000)))
    return json.dumps(
        [{"id": hit.id, "match": hit.match, "score": hit.score, "snippet": hit.snippet} for hit in hits],
        ensure_ascii=False,
    )


def search_problem(text: object) -> str | None:
    """Why a query cannot be searched, or None when it can (an empty query can: it finds nothing)."""
    try:
        _query(text)
    except SearchError as exc:
        return str(exc)
    return None


def _is_archive(conn: sqlite3.Connection) -> bool:
    try:
        return (
            conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [FTS_TABLE]).fetchone()
            is not None
        )
    except sqlite3.Error:
        return False


@hookimpl(trylast=True)  # after Datasette's own sql_functions plugin, whose escape_fts this replaces
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("vn_fts", 1, vn_fts, deterministic=True)
    conn.create_function("vn_fts_exact", 1, vn_fts_exact, deterministic=True)
    conn.create_function("vn_fold", 1, vn_fold, deterministic=True)
    conn.create_function("vn_snippet", 2, vn_snippet, deterministic=True)
    if _is_archive(conn):
        conn.create_function("escape_fts", 1, vn_fts, deterministic=True)
        conn.create_function("vn_search", 6, functools.partial(vn_search, conn))


def query_parameters(sql: str) -> list[str]:
    """The named parameters that ``sql`` passes to the query-reading functions, in order."""
    names: list[str] = []
    for call in _QUERY_CALL.finditer(sql or ""):  # vn_search: only its first argument is a query
        arguments = call.group(1) if call.group(1) is not None else call.group(2)
        names.extend(name for name in _PARAMETER.findall(arguments) if name not in names)
    return names


def problems(args: Iterable[tuple[str, str]]) -> list[str]:
    """One line per searched text that cannot be read: ``name: why``."""
    found = []
    for name, value in args:
        problem = search_problem(value)
        if problem:
            found.append(f"{name}: {problem}")
    return found


def _table_search_args(request) -> list[tuple[str, str]]:
    return [(key, request.args[key]) for key in request.args if key.startswith("_search") and key != "_searchmode"]


@hookimpl
def handle_exception(datasette, request, exception):
    """A table search that failed on an unreadable query: say why, instead of SQLite's generic message."""
    if UDF_ERROR not in str(exception) or request is None:
        return None
    found = problems(_table_search_args(request))
    if not found:
        return None
    from datasette.handle_exception import handle_exception as default_handler
    from datasette.views.base import DatasetteError

    message = "This search cannot be run: " + "; ".join(found)
    return default_handler(datasette, request, DatasetteError(message, title="Invalid search", status=400))


@hookimpl
def extra_template_vars(template, database, request, datasette):
    """On a query page whose SQL reads a query parameter that cannot be searched, show why, above the error."""
    if template != "query.html" or request is None:
        return None

    async def inner():
        sql = request.args.get("sql")
        if sql is None and database:
            from datasette.utils import tilde_decode

            name = tilde_decode(request.url_vars.get("table") or "")
            canned = await datasette.get_canned_query(database, name, request.actor) if name else None
            sql = (canned or {}).get("sql")
        names = query_parameters(sql or "")
        for line in problems((name, request.args.get(name, "")) for name in names):
            datasette.add_message(request, "This search cannot be run: " + line, datasette.ERROR)
        return {}

    return inner


#: Datasette lists the described columns above a table, which pushes the rows below the fold: fold the list into a
#: "Column descriptions" disclosure, and show each description as its column header's tooltip instead.
TABLE_PAGE_SCRIPT = r"""
document.querySelectorAll("dl.column-descriptions").forEach(function (list) {
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "Column descriptions";
  list.parentNode.insertBefore(details, list);
  details.appendChild(summary);
  details.appendChild(list);
});
document.querySelectorAll("th[data-column-description]").forEach(function (header) {
  header.title = header.getAttribute("data-column-description");
});
(function () {
  var searched = new URLSearchParams(window.location.search).get("_search");
  var form = document.querySelector("form.filters");
  if (!searched || !form || !/\/articles$/.test(window.location.pathname)) {
    return;
  }
  var note = document.createElement("p");
  note.className = "govscraper-ranked";
  var link = document.createElement("a");
  link.href = window.location.pathname.replace(/\/articles$/, "/search") + "?" + new URLSearchParams({q: searched});
  link.textContent = "ranked best first, as govscraper search ranks them";
  note.append("The articles this search finds, newest first (the facets count them); the same articles ", link, ".");
  form.parentNode.insertBefore(note, form.nextSibling);
})();
"""


# Photos and documents ---------------------------------------------------------------------------------------------
_BLOB_SQL = {
    "image": "SELECT bytes, mime, NULL FROM images WHERE sha256 = ?",
    "file": "SELECT bytes, mime, filename FROM attachments WHERE sha256 = ?",
}


async def _blob_row(datasette, request, kind: str, sha256: str):
    """The stored (bytes, mime, file name) from the first served archive that holds it, if the actor may see it."""
    table = blobs.KINDS[kind]
    for name, database in datasette.databases.items():
        if name.startswith("_") or not await database.table_exists(table):
            continue
        found = (await database.execute(_BLOB_SQL[kind], [sha256])).first()
        if found is not None:
            await datasette.ensure_permissions(
                request.actor, [("view-table", (name, table)), ("view-database", name), "view-instance"]
            )
            return tuple(found)
    return None


async def _serve_blob(datasette, request):
    from datasette.utils.asgi import Response

    kind, sha256 = request.url_vars["kind"], request.url_vars["sha256"]
    row = await _blob_row(datasette, request, kind, sha256) if blobs.is_sha256(sha256) else None
    made = blobs.answer(kind, sha256, row, request.headers.get("if-none-match"))
    return Response(made.body, status=made.status, headers=made.headers, content_type=made.content_type)


_ARTICLE_TEMPLATE = Path(__file__).with_name("templates") / "article.html"
_COVERAGE_TEMPLATE = Path(__file__).with_name("templates") / "coverage.html"
_CHANGES_TEMPLATE = Path(__file__).with_name("templates") / "changes.html"
#: Events a changes page or feed shows, newest first.
CHANGES_SHOWN = 500


async def _archive(datasette, request, name: str | None = None):
    """The archive the address names (or ``name``), once the actor may see its articles; 404 for another
    database."""
    from datasette.utils import tilde_decode
    from datasette.utils.asgi import NotFound as DatasetteNotFound

    name = name or tilde_decode(request.url_vars["database"])
    try:
        database = datasette.get_database(name)
    except KeyError:
        raise DatasetteNotFound(f"no database {name}") from None
    if not await database.table_exists(FTS_TABLE):
        raise DatasetteNotFound(f"{name} is not a govscraper archive")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (name, "articles")), ("view-database", name), "view-instance"]
    )
    return name, database


async def _article(datasette, request):
    """``/<database>/-/article/<id>``: the article as published, from the archive alone (:mod:`.article_page`)."""
    from datasette.utils.asgi import NotFound as DatasetteNotFound
    from datasette.utils.asgi import Response

    from govscraper.publish.article_page import NotFound, article_page

    name, database = await _archive(datasette, request)
    try:
        compare = (int(request.args["from"]), int(request.args["to"])) if "from" in request.args else None
    except (KeyError, ValueError):
        compare = None
    prefix = datasette.urls.path("/-/image/")
    try:
        page = await database.execute_fn(lambda conn: article_page(conn, int(request.url_vars["id"]), prefix, compare))
    except NotFound as exc:
        raise DatasetteNotFound(str(exc)) from None
    file_names = [
        blobs.file_name("file", document.sha256, blobs.content_type(document.mime), document.filename)
        if document.sha256
        else None
        for document in page.documents
    ]
    template = datasette.jinja_env.from_string(_ARTICLE_TEMPLATE.read_text(encoding="utf-8"))
    return Response.html(
        await datasette.render_template(
            template, {"page": page, "database": name, "file_names": file_names}, request=request
        )
    )


async def _coverage(datasette, request):
    """``/<database>/-/coverage[?portal=ID]``: the coverage table and charts (:mod:`.coverage`, :mod:`.charts`)."""
    from datasette.utils.asgi import Response

    from govscraper.publish import charts
    from govscraper.publish.coverage import announced_text, coverage

    name, database = await _archive(datasette, request)
    portal = request.args.get("portal") or None
    result = await database.execute_fn(lambda conn: coverage(conn, portal))
    if portal and not result.portals:
        from datasette.utils.asgi import NotFound as DatasetteNotFound

        raise DatasetteNotFound(f"no portal {portal} in this archive")
    names = {row.portal_id: row.name or row.portal_id for row in result.portals}
    drawn = {
        "heat_map": charts.heat_map(result.per_month, names),
        "monthly": [
            charts.monthly_bars(row.portal_id, result.per_month.get(row.portal_id, {})) for row in result.portals
        ],
        "yearly": charts.yearly_bars(result.per_year),
        "runs": charts.runs_chart(result.runs),
    }
    template = datasette.jinja_env.from_string(_COVERAGE_TEMPLATE.read_text(encoding="utf-8"))
    context = {"result": result, "charts": drawn, "database": name, "portal": portal, "announced_text": announced_text}
    return Response.html(await datasette.render_template(template, context, request=request))


async def _changes_rows(datasette, request):
    from govscraper.publish.changes import changes

    first = None
    if "database" not in request.url_vars:  # /-/changes.atom: the first archive served
        for candidate, database in datasette.databases.items():
            if await database.table_exists(FTS_TABLE):
                first = candidate
                break
        else:
            from datasette.utils.asgi import NotFound as DatasetteNotFound

            raise DatasetteNotFound("no govscraper archive is served")
    name, database = await _archive(datasette, request, first)
    portal = request.args.get("portal") or None
    rows = await database.execute_fn(lambda conn: changes(conn, portal, limit=CHANGES_SHOWN))
    return name, portal, rows


async def _changes(datasette, request):
    """``/<database>/-/changes[?portal=ID]``: the events, newest first, each linking to the archived article."""
    from datasette.utils.asgi import Response

    name, portal, rows = await _changes_rows(datasette, request)
    feed = datasette.urls.path(f"/{name}/-/changes.atom") + (f"?portal={quote(portal)}" if portal else "")
    template = datasette.jinja_env.from_string(_CHANGES_TEMPLATE.read_text(encoding="utf-8"))
    context = {"rows": rows, "database": name, "portal": portal, "feed": feed}
    return Response.html(await datasette.render_template(template, context, request=request))


async def _changes_feed(datasette, request):
    """``/<database>/-/changes.atom[?portal=ID]``: the same events as an Atom feed (RFC 4287)."""
    from datasette.utils.asgi import Response

    from govscraper.archive.schema import utcnow
    from govscraper.publish.changes import atom_feed

    name, portal, rows = await _changes_rows(datasette, request)
    own = datasette.absolute_url(request, datasette.urls.path(f"/{name}/-/changes.atom"))
    feed_url = own + (f"?portal={quote(portal)}" if portal else "")
    article_url = datasette.absolute_url(request, datasette.urls.path(f"/{name}/-/article/")) + "{id}"
    title = f"govscraper: changes on {portal}" if portal else f"govscraper: changes in {name}"
    body = atom_feed(rows, feed_url=feed_url, article_url=article_url, title=title, updated=utcnow())
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes(datasette):
    """``/-/image/<sha256>`` and ``/-/file/<sha256>``: a photo or document as archived (:mod:`.blobs`);
    ``/<database>/-/article/<id>``: an article to read (:mod:`.article_page`); ``/<database>/-/coverage``;
    ``/<database>/-/changes`` and its Atom feed ``/<database>/-/changes.atom?portal=ID`` (``/-/changes.atom``: the
    first archive's), what the portals removed, restored or moved (:mod:`.changes`)."""
    return [
        (r"^/-/(?P<kind>image|file)/(?P<sha256>[^/]+)$", _serve_blob),
        (r"^/(?P<database>[^/]+)/-/article/(?P<id>[0-9]{1,18})$", _article),
        (r"^/(?P<database>[^/]+)/-/coverage$", _coverage),
        (r"^/(?P<database>[^/]+)/-/changes$", _changes),
        (r"^/(?P<database>[^/]+)/-/changes\.atom$", _changes_feed),
        (r"^/-/changes\.atom$", _changes_feed),
    ]


def _cell(row, column: str):
    try:
        return row[column]
    except (IndexError, KeyError):
        return None


def _thumbnail(datasette, sha256: str, link: str) -> Markup:
    source = escape(datasette.urls.path(f"/-/image/{sha256}"))
    return Markup(
        f'<a href="{escape(link)}"><img src="{source}" loading="lazy" alt="" '
        f'style="max-width: 160px; max-height: 120px"></a>'
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Photos as thumbnails (each linking to the whole photo, or from a link table to the photo's row) and documents as
    links that download them under their names, instead of Datasette's ``<Binary: N bytes>`` links."""
    if isinstance(value, dict):  # a foreign key Datasette expanded: {"value": ..., "label": ...}
        value = value.get("value")
    if table == "articles" and column == "title" and isinstance(value, str):
        article_id = _cell(row, "id")
        if isinstance(article_id, int):
            page = datasette.urls.database(database) + f"/-/article/{article_id}"
            return Markup(f'<a class="govscraper-article" href="{escape(page)}">{escape(value)}</a>')
    elif table == "images" and column == "bytes":
        sha256, mime = _cell(row, "sha256"), blobs.content_type(_cell(row, "mime"))
        if isinstance(sha256, str) and blobs.is_sha256(sha256):
            whole = datasette.urls.path(f"/-/image/{sha256}")
            if mime in blobs.INLINE_IMAGES:
                return _thumbnail(datasette, sha256, whole)
            return Markup(f'<a href="{escape(whole)}">download ({escape(mime)}, not shown: it could run script)</a>')
    elif table == "attachments" and column == "bytes":
        sha256 = _cell(row, "sha256")
        if isinstance(sha256, str) and blobs.is_sha256(sha256):
            name = blobs.file_name("file", sha256, blobs.content_type(_cell(row, "mime")), _cell(row, "filename"))
            return Markup(f'<a href="{escape(datasette.urls.path(f"/-/file/{sha256}"))}">{escape(name)}</a>')
    elif table == "article_images" and column == "image_sha256" and isinstance(value, str) and blobs.is_sha256(value):
        return _thumbnail(datasette, value, datasette.urls.row(database, "images", value))
    elif (
        table == "article_attachments"
        and column == "attachment_sha256"
        and isinstance(value, str)
        and blobs.is_sha256(value)
    ):
        row_link = escape(datasette.urls.row(database, "attachments", value))
        download = escape(datasette.urls.path(f"/-/file/{value}"))
        return Markup(f'<a href="{row_link}">{value[:12]}…</a> · <a href="{download}">download</a>')
    return None


# The articles table's default view ---------------------------------------------------------------------------------
#: What the articles table opens with: when, what, and where from (every column: "Show all columns" in any column's
#: menu, the row page, or the JSON API, which always has every column).
READING_COLUMNS = ("published_at", "title", "sapo", "portal_id", "category")
#: Marks a page that asked for its columns: "Show all columns" drops ``_col`` but keeps this, so it is not sent back.
VIEW_MARK = ("_view", "reading")


async def _reading_view(datasette, scope) -> str | None:
    """Where to send a bare request for an archive's articles table (HTML, no query string): the reading columns."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD") or scope.get("query_string"):
        return None
    from urllib.parse import urlencode

    for name, database in list(datasette.databases.items()):
        if name.startswith("_"):
            continue
        path = datasette.urls.table(name, "articles")
        if scope.get("path") == path and await database.table_exists(FTS_TABLE):
            return path + "?" + urlencode([*(("_col", column) for column in READING_COLUMNS), VIEW_MARK])
    return None


@hookimpl
def asgi_wrapper(datasette):
    """The articles table opens on :data:`READING_COLUMNS` (a redirect, so the address shows the view and every link
    of the page keeps it), not on ``url``, ``canonical_url``, ``source_id`` and raw ``body_html``."""

    def wrap(app):
        async def reading_room(scope, receive, send):
            target = await _reading_view(datasette, scope)
            if target is None:
                return await app(scope, receive, send)
            await send({"type": "http.response.start", "status": 302, "headers": [
                (b"location", target.encode("latin-1")), (b"content-length", b"0"), (b"cache-control", b"no-store")
            ]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})
            return None

        return reading_room

    return wrap


@hookimpl
def extra_body_script(template, database, datasette):
    """On an archive's table pages: column descriptions folded away, and shown as tooltips; on a search of the articles
    table, a link to the same search ranked (the canned query ``search``, which ``govscraper search`` ranks)."""
    if template != "table.html" or not database:
        return None

    async def inner():
        try:
            archive = await datasette.get_database(database).table_exists(FTS_TABLE)
        except KeyError:
            archive = False
        return TABLE_PAGE_SCRIPT if archive else ""

    return inner


__all__ = [
    "MATCH_NOTHING",
    "problems",
    "query_parameters",
    "search_problem",
    "vn_fold",
    "vn_fts",
    "vn_fts_exact",
    "vn_search",
    "vn_snippet",
]
