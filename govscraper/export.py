"""``govscraper export --format warc``: a portal's raw captures as one WARC file for other archives.

Records are copied byte for byte from the run files (each is a gzip member of its own), so digests and record ids
stay the same and pywb or any replay tool opens the result; a new ``warcinfo`` record says what the file holds. A
revisit whose original payload belongs to another portal's capture brings that original along, so that every
record in the file can be replayed from the file alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from govscraper.db import open_db
from govscraper.lookup import warc_path
from govscraper.progress import ProgressLine
from govscraper.settings import VERSION
from govscraper.warc import WARC_VERSION, record_bytes


@dataclass
class ExportSummary:
    records: int
    captures: int
    bytes: int


def export_warc(db_path: Path, portal_id: str, out: BinaryIO, progress: ProgressLine | None = None) -> ExportSummary:
    db = open_db(db_path, create=False)
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
