"""``govscraper export``: the archive for other tools.

``--format jsonl|csv`` (:func:`export_articles`): the articles a search selects (query, portals, dates, category),
every field or the ones asked for, with their images and attachments as lists, streamed in id order in constant
memory; ``--images DIR`` writes the image files beside the export under names made from their sha256 only.

What a portal sent is not trusted to be harmless where an export goes: an attachment's ``filename`` is written
made safe (:func:`govscraper.files.sniff.safe_filename`: no directory parts, no control or bidi characters; archives
made before names were made safe hold them raw), and a CSV text cell that a spreadsheet would run as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a ``'`` in front, as
OWASP's CSV-injection guidance says (``csv_raw``, ``--csv-raw``: the cells exactly as stored). JSON lines are
always exact: no JSON reader runs a formula.

``--format warc`` (:func:`export_warc`): a portal's raw captures as one WARC file for other archives.

Records are copied byte for byte from the run files (each is a gzip member of its own), so digests and record ids
stay the same and pywb or any replay tool opens the result; a new ``warcinfo`` record says what the file holds. A
revisit whose original payload belongs to another portal's capture brings that original along, so that every
record in the file can be replayed from the file alone.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import itertools
import json
import logging
import os
import re
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from warcio.warcwriter import WARCWriter

from govscraper.archive.lookup import warc_path
from govscraper.archive.schema import open_reader
from govscraper.archive.warc import WARC_VERSION, record_bytes
from govscraper.files.sniff import safe_filename
from govscraper.progress import ProgressLine
from govscraper.search.engine import Filters, selected_articles
from govscraper.search.query import Query, parse
from govscraper.settings import VERSION


@dataclass
class ExportSummary:
    records: int
    captures: int
    bytes: int


def export_warc(db_path: Path, portal_id: str, out: BinaryIO, progress: ProgressLine | None = None) -> ExportSummary:
    db = open_reader(db_path)
    try:
        if db["portals"].count_where("id = ?", [portal_id]) == 0:
            raise LookupError(f"no portal {portal_id!r} in the archive")
        rows = db.execute(
            """
            SELECT id, warc_file, offset, length, request_offset, request_length FROM captures
            WHERE portal_id = :portal
               OR id IN (SELECT payload_capture_id FROM captures WHERE portal_id = :portal)
            ORDER BY id
            """,
            {"portal": portal_id},
        ).fetchall()
    finally:
        db.conn.close()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(
        writer.create_warcinfo_record(
            None,
            {
                "software": f"govscraper/{VERSION}",
                "format": "WARC File Format 1.1",
                "description": f"Raw captures of the portal {portal_id}, exported from a govscraper archive",
                "isPartOf": portal_id,
            },
        )
    )
    written = records = 0
    for _, stored, offset, length, request_offset, request_length in rows:
        path = warc_path(db_path, stored)
        for start, size in ((offset, length), (request_offset, request_length)):
            if size:
                data = record_bytes(path, start, size)
                out.write(data)
                written += len(data)
                records += 1
        if progress is not None:
            progress.show(f"{records} records, {written / 1e6:.1f} MB")
    if progress is not None:
        progress.done(f"{records} records, {written / 1e6:.1f} MB")
    return ExportSummary(records=records, captures=len(rows), bytes=written)


# --- Articles as JSON lines or CSV, for researchers ------------------------------------------------------------------

#: The formats :func:`export_articles` writes.
ARTICLE_FORMATS = ("jsonl", "csv")
#: Fields made of the article's linked rows (lists of objects; JSON text in one CSV cell).
LIST_FIELDS = ("images", "attachments")
#: Image file extensions by stored mime type; anything else is written as ``.bin``.
IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}

_SHA256 = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(__name__)


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown field, unknown format); the message says why."""


@dataclass
class ArticleExport:
    """What :func:`write_articles` wrote."""

    articles: int = 0
    images_written: int = 0  # image files written into the images folder
    images_present: int = 0  # already there with the same size: left alone
    images_refused: int = 0  # a stored hash that is not a sha256, or bytes that do not hash to it: not written

    def summary(self, images_dir: Path | None) -> str:
        text = f"{self.articles} articles"
        if images_dir is not None:
            text += f", {self.images_written} image files written ({self.images_present} already there"
            text += f", {self.images_refused} refused)" if self.images_refused else ")"
            text += f" in {images_dir}"
        return text


def article_columns(conn: sqlite3.Connection) -> list[str]:
    """The columns of ``articles`` in table order, generated ones (``published_year``) included."""
    return [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)") if row[6] != 1]


def valid_fields(conn: sqlite3.Connection) -> list[str]:
    """Every field an export can hold: the article's columns, then ``images`` and ``attachments``."""
    return [*article_columns(conn), *LIST_FIELDS]


def parse_fields(text: str) -> list[str]:
    """``--fields title, body,images`` as a list of names (blanks dropped)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def check_fields(conn: sqlite3.Connection, fields: Sequence[str] | None) -> list[str]:
    """The fields to write, in the order given, each once; all of them when ``fields`` is None.

    :class:`ExportError` names the unknown ones and lists the valid ones.
    """
    valid = valid_fields(conn)
    if fields is None:
        return valid
    chosen = list(dict.fromkeys(fields))
    if not chosen:
        raise ExportError(f"no fields given; choose from: {', '.join(valid)}")
    unknown = [name for name in chosen if name not in valid]
    if unknown:
        raise ExportError(
            f"unknown field{'s' * (len(unknown) > 1)} {', '.join(unknown)}; choose from: {', '.join(valid)}"
        )
    return chosen


def image_file_name(sha256: str | None, mime: str | None) -> str | None:
    """``<sha256>.<ext>``, the extension from the stored mime type, never from a URL; None if the hash is not hex."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return None
    return f"{sha256}.{IMAGE_EXTENSIONS.get((mime or '').split(';')[0].strip().lower(), 'bin')}"


# Each article's images and attachments as JSON arrays made by SQLite (one correlated subquery each, in position
# order), so the lists cost no Python objects; NULL when the article has none.
_IMAGES_JSON = (
    "(SELECT '[' || group_concat(entry, ',') || ']' FROM (SELECT json_object("
    "'url', l.source_url, 'caption', l.caption, 'credit', l.credit, 'role', l.role, 'sha256', l.image_sha256, "
    "'mime', i.mime, 'width', i.width, 'height', i.height) AS entry "
    "FROM article_images l LEFT JOIN images i ON i.sha256 = l.image_sha256 "
    "WHERE l.article_id = a.id ORDER BY l.position))"
)
_ATTACHMENTS_JSON = (
    "(SELECT '[' || group_concat(entry, ',') || ']' FROM (SELECT json_object("
    "'url', l.source_url, 'title', l.title, 'sha256', l.attachment_sha256, "
    "'filename', govscraper_safe_filename(d.filename), 'mime', d.mime, 'size', d.size) AS entry "
    "FROM article_attachments l LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256 "
    "WHERE l.article_id = a.id ORDER BY l.position))"
)
_LIST_SQL = {"images": _IMAGES_JSON, "attachments": _ATTACHMENTS_JSON}
#: What a spreadsheet reads as the start of a formula (OWASP, CSV injection): "=", "+", "-", "@", tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CODES = ", ".join(str(ord(start)) for start in FORMULA_STARTS)
#: Rows fetched from SQLite at a time.
FETCH = 500
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _column(name: str) -> str:
    return 'a."' + name.replace('"', '""') + '"'


def _key(name: str) -> str:
    """A field name as an SQL string literal (the key of a JSON object)."""
    return "'" + name.replace("'", "''") + "'"


def _csv_select(chosen: list[str]) -> str:
    """The SELECT list of a CSV export: a column or a list's JSON text per field."""
    return ", ".join(f"coalesce({_LIST_SQL[name]}, '[]')" if name in LIST_FIELDS else _column(name) for name in chosen)


def _jsonl_select(chosen: list[str]) -> str:
    """One SQL expression making the whole JSON line of an article, keys in the order chosen.

    Runs of columns are ``json_object`` calls with their braces taken off (their last value is never an object, so
    ``rtrim(..., '}')`` takes exactly one), lists are spliced in as SQLite made them.
    """
    pieces: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            pairs = ", ".join(f"{_key(name)}, {_column(name)}" for name in run)
            pieces.append(f"rtrim(ltrim(json_object({pairs}), '{{'), '}}')")
            run.clear()

    for name in chosen:
        if name in LIST_FIELDS:
            flush()
            pieces.append(f"""'"{name}":' || coalesce({_LIST_SQL[name]}, '[]')""")
        else:
            run.append(name)
    flush()
    return "'{' || " + " || ',' || ".join(pieces) + " || '}'"


def csv_cell(value: object, raw: bool = False) -> object:
    """A value as a CSV cell is written: text that a spreadsheet would run as a formula (it starts with one of
    :data:`FORMULA_STARTS`) gets a ``'`` in front, which spreadsheets show as text and hide; anything else, and
    everything when ``raw``, is left as it is. Numbers are never changed: -3 is a number, not a formula."""
    if not raw and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_line_select(chosen: list[str], raw: bool = False) -> str:
    """One SQL expression making the whole CSV row of an article (without its line end), as :mod:`csv` writes it.

    The excel dialect's minimal quoting: a text cell holding a comma, a double quote, CR or LF is quoted with its
    quotes doubled; NULL is an empty cell; numbers as they are; a row of one empty cell is ``""``. The lists are JSON
    text, so quoted unless empty (``[]``), and start with "[", never a formula. Unless ``raw``, text cells are
    escaped as :func:`csv_cell` does. ``tests/e2e/test_export_articles.py`` checks the rows against :mod:`csv`'s.
    """
    cells = []
    for name in chosen:
        if name in LIST_FIELDS:
            cells.append(f"""coalesce('"' || replace({_LIST_SQL[name]}, '"', '""') || '"', '[]')""")
            continue
        column = _column(name)
        # The quote mark goes in front of the text; whether the cell is quoted does not change with it.
        value = column
        if not raw:
            value = f"(CASE WHEN unicode({column}) IN ({_FORMULA_CODES}) THEN '''' || {column} ELSE {column} END)"
        cells.append(
            f"CASE WHEN {column} IS NULL THEN '' WHEN typeof({column}) <> 'text' THEN CAST({column} AS TEXT) "
            f"""WHEN instr({column}, ',') OR instr({column}, '"') OR instr({column}, char(10)) """
            f"OR instr({column}, char(13)) "
            f"""THEN '"' || replace({value}, '"', '""') || '"' """
            f"ELSE {value} END"
        )
    if len(cells) == 1 and chosen[0] not in LIST_FIELDS:
        cells[0] = (
            f"""CASE WHEN {_column(chosen[0])} IS NULL OR {_column(chosen[0])} = '' THEN '""' ELSE {cells[0]} END"""
        )
    return " || ',' || ".join(cells)


class _ImageWriter:
    """Writes image blobs into a folder as ``<sha256>.<ext>``, each at most once, atomically."""

    def __init__(self, conn: sqlite3.Connection, folder: Path, counts: ArticleExport):
        self.conn = conn
        self.folder = folder
        self.counts = counts
        folder.mkdir(parents=True, exist_ok=True)
        self.recent: dict[str, str | None] = {}  # sha256 -> file name (None: refused), cleared every FETCH rows

    def add_files(self, text: str) -> str:
        """An article's images (JSON text) with each image's ``file``, written into the folder if needed."""
        entries = json.loads(text)
        for entry in entries:
            entry["file"] = self.file(entry["sha256"], entry["mime"])
        return _COMPACT.encode(entries)

    def file(self, sha256: str | None, mime: str | None) -> str | None:
        """The file name holding the image, relative to the folder; None when it is not archived or refused."""
        if sha256 is None:
            return None
        if sha256 not in self.recent:
            name = image_file_name(sha256, mime)
            if name is None:
                logger.warning("image %r: not a sha256, not written", sha256)
                self.counts.images_refused += 1
            else:
                name = self._write(name, sha256)
            self.recent[sha256] = name
        return self.recent[sha256]

    def _write(self, name: str, sha256: str) -> str | None:
        path = self.folder / name
        cursor = self.conn.cursor()
        cursor.row_factory = None
        (size,) = cursor.execute("SELECT size FROM images WHERE sha256 = ?", [sha256]).fetchone() or (None,)
        with contextlib.suppress(FileNotFoundError):
            existing = os.lstat(path)
            if stat.S_ISREG(existing.st_mode) and existing.st_size == size:
                self.counts.images_present += 1
                return name
        found = cursor.execute("SELECT CAST(bytes AS BLOB) FROM images WHERE sha256 = ?", [sha256]).fetchone()
        data = found[0] if found else None
        if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha256:
            logger.warning("image %s: stored bytes do not hash to it (run govscraper verify), not written", sha256)
            self.counts.images_refused += 1
            return None
        # A temporary file of our own (O_EXCL, in the folder) renamed over the name: a reader never sees half an
        # image, and a link planted at the name is replaced, not followed.
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".export-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self.counts.images_written += 1
        return name


def write_articles(
    conn: sqlite3.Connection,
    out: TextIO | BinaryIO,
    fmt: str,
    query: Query | None = None,
    filters: Filters | None = None,
    fields: Sequence[str] | None = None,
    images_dir: Path | None = None,
    progress: ProgressLine | None = None,
    csv_raw: bool = False,
) -> ArticleExport:
    """:func:`export_articles`, returning what was written (articles, image files)."""
    if fmt not in ARTICLE_FORMATS:
        raise ExportError(f"format: one of {', '.join(ARTICLE_FORMATS)}, not {fmt!r}")
    chosen = check_fields(conn, fields)
    # The attachments' list names each file as made safe, also in archives stored before names were made safe.
    conn.create_function("govscraper_safe_filename", 1, safe_filename, deterministic=True)
    (filters or Filters()).where(conn)  # a bad date or range fails here, before anything is written
    counts = ArticleExport()
    images = _ImageWriter(conn, images_dir, counts) if images_dir is not None else None
    # With --images the files are wanted even when the field is not: the list is selected, then left out.
    chosen_sql = [*chosen, "images"] if images is not None and "images" not in chosen else chosen
    binary = isinstance(out, io.BufferedIOBase | io.RawIOBase)
    # Without --images SQLite makes each whole line (bytes for a binary stream: no decoding, no encoding).
    if images is not None:
        select = _csv_select(chosen_sql) if fmt == "csv" else _jsonl_select(chosen_sql)
    else:
        select = _csv_line_select(chosen, csv_raw) if fmt == "csv" else _jsonl_select(chosen)
        select = f"CAST({select} AS BLOB)" if binary else select
    end = "\r\n" if fmt == "csv" else "\n"
    rows = selected_articles(conn, query, filters, columns=select)
    try:
        if fmt == "csv":
            _write(out, binary, _csv_text([chosen], raw=True))  # the field names are ours
        for batch in _batches(rows):
            if images is None:
                lines = [row[0] for row in batch]
                if binary:
                    out.write(end.encode().join(lines) + end.encode())
                else:
                    out.write(end.join(lines) + end)
            else:
                images.recent.clear()
                if fmt == "csv":
                    at = chosen_sql.index("images")
                    cells = [(*row[:at], images.add_files(row[at]), *row[at + 1 :]) for row in batch]
                    _write(out, binary, _csv_text([cell[: len(chosen)] for cell in cells], raw=csv_raw))
                else:
                    keep = "images" in chosen
                    _write(out, binary, "".join(_with_files(row[0], images, keep=keep) + end for row in batch))
            counts.articles += len(batch)
            if progress is not None:
                progress.show(_rate(counts, progress))
    finally:
        rows.close()
    if progress is not None:
        progress.done(_rate(counts, progress))
    return counts


def _csv_text(rows: Iterable[Sequence[object]], raw: bool = False) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(row if raw else [csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _write(out: IO, binary: bool, text: str) -> None:
    out.write(text.encode("utf-8") if binary else text)


def _with_files(line: str, images: _ImageWriter, *, keep: bool) -> str:
    """A JSON line whose images get their ``file`` (written now if needed); without the list unless ``keep``."""
    record = json.loads(line)
    entries = record["images"] if keep else record.pop("images")
    for entry in entries:
        entry["file"] = images.file(entry["sha256"], entry["mime"])
    return _COMPACT.encode(record)


def _rate(counts: ArticleExport, progress: ProgressLine) -> str:
    text = f"{counts.articles} articles, {counts.articles / progress.elapsed:,.0f}/s"
    if counts.images_written or counts.images_present:
        text += f", {counts.images_written} image files written"
    return text


def _batches(rows: Iterator[Sequence[object]]) -> Iterator[list[tuple]]:
    """Rows as tuples (whatever the connection's row factory), :data:`FETCH` at a time."""
    while True:
        batch = [tuple(row) for row in itertools.islice(rows, FETCH)]
        if not batch:
            return
        yield batch


def export_articles(
    conn: sqlite3.Connection,
    out: TextIO | BinaryIO,
    fmt: str,
    query: Query | None = None,
    filters: Filters | None = None,
    fields: Sequence[str] | None = None,
    images_dir: Path | None = None,
    progress: ProgressLine | None = None,
    csv_raw: bool = False,
) -> int:
    """Write the articles ``query`` and ``filters`` select, in id order, as JSON lines or CSV; return how many.

    Every field by default (:func:`valid_fields`: the columns of ``articles``, then ``images`` and ``attachments``,
    lists of objects, JSON text in a CSV cell), or ``fields`` in that order. Streams: ``FETCH`` articles in memory
    at a time, whatever the archive's size. With ``images_dir``, each exported article's archived images are
    written there as ``<sha256>.<ext>`` (the extension from the stored mime type) and each image entry names its
    ``file``. ``out`` is a text stream (for CSV opened with ``newline=""``: rows end in CRLF, as :mod:`csv` writes
    them), or a binary one, written in UTF-8 and faster (no decoding and encoding of every line in Python).
    Attachments' file names are written made safe (:func:`govscraper.files.sniff.safe_filename`). CSV text cells that
    start like a formula get a ``'`` in front (:func:`csv_cell`) unless ``csv_raw``; JSON lines are exact.
    :class:`ExportError` for an unknown format or field, :class:`~govscraper.search.query.SearchError` for bad
    filters.
    """
    return write_articles(conn, out, fmt, query, filters, fields, images_dir, progress, csv_raw).articles


def export_articles_to(
    db_path: Path,
    output: Path | None,
    fmt: str,
    *,
    query_text: str | None = None,
    portals: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
    fields_text: str | None = None,
    images_dir: Path | None = None,
    progress: ProgressLine | None = None,
    csv_raw: bool = False,
) -> ArticleExport:
    """``govscraper export --format jsonl|csv|parquet``: everything is checked before ``output`` (or stdout) is
    written; parquet needs ``output`` (:mod:`govscraper.publish.parquet`)."""
    db = open_reader(db_path)
    try:
        query = parse(query_text) if query_text is not None else None
        filters = Filters(portals=tuple(portals), since=since, until=until, category=category)
        filters.where(db.conn)
        fields = check_fields(db.conn, parse_fields(fields_text) if fields_text is not None else None)
        if fmt == "parquet" and output is None:
            raise ExportError("parquet is a file format (its index is at the end): give --output FILE")
        if images_dir is not None:
            images_dir.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            from govscraper.publish.parquet import write_parquet

            return write_parquet(db.conn, output, query, filters, fields, images_dir, progress)
        with _binary_output(output) as out:
            return write_articles(db.conn, out, fmt, query, filters, fields, images_dir, progress, csv_raw)
    finally:
        db.conn.close()


@contextlib.contextmanager
def _binary_output(output: Path | None) -> Iterator[BinaryIO]:
    """The file, or standard output's bytes: the export is UTF-8 whatever the locale says."""
    if output is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with output_file(output) as stream:
        yield stream


@contextlib.contextmanager
def output_file(output: Path) -> Iterator[BinaryIO]:
    """Write ``output`` whole or not at all: into a hidden temporary file beside it, renamed over it at the end.

    An export that fails (an unknown portal, a full disk, Ctrl-C) leaves no empty or half-written file behind, and
    an earlier export of the same name stays as it was.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
