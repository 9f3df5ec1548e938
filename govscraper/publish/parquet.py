"""``govscraper export --format parquet``: the articles as an Apache Parquet file, with their types, for the tools
researchers already use (pandas, polars, DuckDB, R's arrow, Spark).

Written with pyarrow, the reference implementation those tools read with. The rows are the JSON lines export's
(:func:`govscraper.publish.export.write_articles`: the same filters, fields and order, :data:`BATCH` at a time, so
memory stays bounded whatever the archive's size), typed by :func:`arrow_schema`:

* ``published_at``: a timestamp with the time zone ``+07:00`` (Vietnam, as the portals publish); a page that gives a
  day without a time is midnight that day, and ``published_day_only`` says so (the JSON lines export keeps the text
  exactly as stored); ``first_seen_at`` and ``last_seen_at``: timestamps in UTC, as recorded;
* ids, ``views``, ``published_year`` and run and capture ids: 64-bit integers;
* ``images`` and ``attachments``: lists of structs (``url``, ``caption``, ``credit``, ``role``, ``sha256``,
  ``mime``, ``width``, ``height``, and ``file`` with ``--images``; ``url``, ``title``, ``sha256``, ``filename``,
  ``mime``, ``size``), lists in every tool, not JSON text;
* everything else: UTF-8 strings.

With ``--images DIR`` the image files go into DIR as for the other formats, and ``DIR/images.parquet`` describes them
(sha256, file, mime, width, height, size, first URL, when fetched). Both files are written whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

from govscraper.progress import ProgressLine
from govscraper.publish.export import ArticleExport, check_fields, image_file_name, output_file, write_articles
from govscraper.search.engine import Filters
from govscraper.search.query import Query

#: Articles per Parquet row group: a few MB of text, read back in one piece by any tool.
BATCH = 5_000
VIETNAM = timezone(timedelta(hours=7))
_INTEGER_FIELDS = ("id", "views", "published_year", "first_run_id", "run_id", "capture_id")
_UTC_FIELDS = ("first_seen_at", "last_seen_at")


def _types():
    import pyarrow as pa

    image = pa.struct(
        [
            ("url", pa.string()),
            ("caption", pa.string()),
            ("credit", pa.string()),
            ("role", pa.string()),
            ("sha256", pa.string()),
            ("mime", pa.string()),
            ("width", pa.int64()),
            ("height", pa.int64()),
        ]
    )
    attachment = pa.struct(
        [
            ("url", pa.string()),
            ("title", pa.string()),
            ("sha256", pa.string()),
            ("filename", pa.string()),
            ("mime", pa.string()),
            ("size", pa.int64()),
        ]
    )
    return pa, image, attachment


def arrow_schema(fields: Sequence[str], with_files: bool = False):
    """The Parquet schema of an export of ``fields`` (in order; ``published_day_only`` after ``published_at``)."""
    pa, image, attachment = _types()
    if with_files:
        image = pa.struct([*image, pa.field("file", pa.string())])
    columns = []
    for name in fields:
        if name in _INTEGER_FIELDS:
            columns.append(pa.field(name, pa.int64()))
        elif name == "published_at":
            columns.append(pa.field(name, pa.timestamp("s", tz="+07:00")))
            columns.append(pa.field("published_day_only", pa.bool_()))
        elif name in _UTC_FIELDS:
            columns.append(pa.field(name, pa.timestamp("s", tz="UTC")))
        elif name == "images":
            columns.append(pa.field(name, pa.list_(image)))
        elif name == "attachments":
            columns.append(pa.field(name, pa.list_(attachment)))
        else:
            columns.append(pa.field(name, pa.string()))
    return pa.schema(columns)


def moment(text: str | None, zone: timezone) -> tuple[datetime | None, bool]:
    """An ISO date or date-time as an aware datetime (a bare date: midnight in ``zone``; no offset: ``zone``), and
    whether it was a bare date. Unreadable text is None."""
    if not text:
        return None, False
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, False
    day_only = len(text.strip()) == 10
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed, day_only


class _ParquetSink:
    """A text stream for :func:`write_articles`' JSON lines that writes them as Parquet row groups."""

    def __init__(self, stream: BinaryIO, schema):
        import pyarrow.parquet as pq

        self.schema = schema
        self.writer = pq.ParquetWriter(stream, schema, compression="zstd")
        self.pending: list[dict[str, Any]] = []
        self.partial = ""
        self.images: set[str] = set()

    def write(self, text: str) -> None:
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        for line in lines:
            if line:
                record = json.loads(line)
                self.pending.append(record)
                for entry in record.get("images") or ():
                    if entry.get("file"):
                        self.images.add(entry["sha256"])
        if len(self.pending) >= BATCH:
            self._flush()

    def flush(self) -> None:  # the export flushes its stream; row groups are cut by size instead
        return None

    def _flush(self) -> None:
        import pyarrow as pa

        if not self.pending:
            return
        columns = {}
        for field in self.schema:
            name = field.name
            if name == "published_day_only":
                continue
            values = [record.get(name) for record in self.pending]
            if name == "published_at":
                parsed = [moment(value, VIETNAM) for value in values]
                columns[name] = [when for when, _ in parsed]
                columns["published_day_only"] = [day if when else None for when, day in parsed]
            elif name in _UTC_FIELDS:
                columns[name] = [moment(value, UTC)[0] for value in values]
            else:
                columns[name] = values
        batch = pa.RecordBatch.from_pydict(columns, schema=self.schema)
        self.writer.write_batch(batch)
        self.pending = []

    def close(self) -> None:
        if self.partial.strip():
            self.write("\n")
        self._flush()
        self.writer.close()


def write_parquet(
    conn: sqlite3.Connection,
    output: Path,
    query: Query | None = None,
    filters: Filters | None = None,
    fields: Sequence[str] | None = None,
    images_dir: Path | None = None,
    progress: ProgressLine | None = None,
) -> ArticleExport:
    """Write the selected articles to ``output`` as Parquet (and ``images_dir/images.parquet``); what was written."""
    chosen = check_fields(conn, fields)
    schema = arrow_schema(chosen, with_files=images_dir is not None)
    with output_file(output) as stream:
        sink = _ParquetSink(stream, schema)
        counts = write_articles(conn, sink, "jsonl", query, filters, chosen, images_dir, progress)  # type: ignore[arg-type]
        sink.close()
    if images_dir is not None:
        _write_image_table(conn, images_dir, sink.images)
    return counts


def _write_image_table(conn: sqlite3.Connection, folder: Path, written: set[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for digest in sorted(written):
        found = conn.execute(
            "SELECT sha256, mime, width, height, size, first_url, fetched_at FROM images WHERE sha256 = ?", [digest]
        ).fetchone()
        if found:
            sha256, mime, width, height, size, first_url, fetched_at = tuple(found)
            rows.append({"sha256": sha256, "file": image_file_name(sha256, mime), "mime": mime, "width": width,
                         "height": height, "size": size, "first_url": first_url,
                         "fetched_at": moment(fetched_at, UTC)[0]})  # fmt: skip
    schema = pa.schema(
        [("sha256", pa.string()), ("file", pa.string()), ("mime", pa.string()), ("width", pa.int64()),
         ("height", pa.int64()), ("size", pa.int64()), ("first_url", pa.string()),
         ("fetched_at", pa.timestamp("s", tz="UTC"))]
    )  # fmt: skip
    with output_file(folder / "images.parquet") as stream:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), stream, compression="zstd")


__all__ = ["BATCH", "arrow_schema", "moment", "write_parquet"]
