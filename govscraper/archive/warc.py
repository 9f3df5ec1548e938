"""Raw captures in WARC (ISO 28500): every response the crawler receives, with its request, byte for byte.

The archive's tables hold cleaned articles; these files hold what the servers actually sent, so any cleaning can be
redone and every stored record can be traced to its bytes. Files are gzip-per-record WARC/1.1, written with warcio,
named like Heritrix's (``<portal>-<run>-<timestamp>-<serial>.warc.gz``), rolled over at a size limit, each opened by
a ``warcinfo`` record naming the software and the run, each with a sorted CDXJ index beside it for replay tools.
A payload already archived (same SHA-1, the WARC payload digest) is written again as a ``revisit`` record that points
at the first copy, not as a second copy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_timestamp
from warcio.warcwriter import BufferWARCWriter

WARC_VERSION = "WARC/1.1"
#: zlib level of each record's gzip member (warcio's writer uses 9). Measured on the records of a crawl of the
#: replica (``benchmarks/warc_gzip.py``, 2026-12-07): level 9 for all took 0.43 s for 3,183 records and 8.21 MB,
#: these levels 0.37 s (0.87x) and 8.25 MB (+0.6%); on the fixtures' real HTML 9 costs 1.15x the time of 6 for the
#: same size. A small saving (about 0.02 ms a record), kept because it costs no code: the gzip member is ours anyway.
GZIP_LEVEL = 6
#: For payloads that are compressed already (photos, PDFs, Office files, archives, gzip-encoded bodies) deflate gains
#: next to nothing (1% of their size in that crawl) for 1.1x-1.2x the time of the fastest level.
GZIP_LEVEL_COMPRESSED = 1
_COMPRESSED_TYPES = (
    "image/",
    "video/",
    "audio/",
    "application/pdf",
    "application/zip",
    "application/x-7z",
    "application/vnd.rar",
    "application/x-rar",
    "application/vnd.openxmlformats",
    "application/gzip",
    "application/octet-stream",
)
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


def payload_digest(payload: bytes) -> str:
    """The WARC payload digest of ``payload``: ``sha1:`` and the base32 SHA-1, as warcio and Heritrix write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def warc_timestamp(iso: str) -> str:
    """``YYYYMMDDhhmmss`` of a WARC-Date (UTC, seconds or microseconds), the key replay tools sort captures by."""
    return iso_date_to_timestamp(iso)


@dataclass
class Exchange:
    """One HTTP exchange as the crawler saw it: what was asked, what came back (body as received, still encoded)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"
    ip: str | None = None


@dataclass
class Capture:
    """Where an exchange landed: file, offsets and record ids (one row of the archive's ``captures`` table)."""

    url: str
    warc_type: str  # response | revisit
    warc_file: str  # relative to the WARC directory
    offset: int
    length: int
    record_id: str
    request_offset: int
    request_length: int
    request_record_id: str
    warc_date: str
    status: int
    mime: str | None
    payload_digest: str
    payload_length: int
    #: For a revisit: the record that holds the payload.
    refers_to_record_id: str | None = None


def gzip_member(level: int, *parts: bytes) -> bytes:
    """``parts`` as one gzip member at zlib ``level`` (a WARC record per member, so each can be read on its own)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return b"".join([*map(compressor.compress, parts), compressor.flush()])


def warcinfo_member(filename: str, info: dict[str, str]) -> bytes:
    """A ``warcinfo`` record made by warcio, as one gzip member at :data:`GZIP_LEVEL`.

    warcio's public API builds and serialises the record (``gzip=False`` into a buffer); the gzip member is ours,
    since warcio's own always uses level 9 and choosing another would mean overriding its private
    ``_write_warc_record``.
    """
    writer = BufferWARCWriter(gzip=False, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record(filename, info))
    return gzip_member(GZIP_LEVEL, writer.get_contents())


class WarcRecorder:
    """Writes exchanges into rolling WARC files of one crawl run, with CDXJ indexes and payload de-duplication.

    ``known_payload`` is asked for payload digests not seen in this run (an earlier run may hold the payload); it
    returns ``(url, warc_date, record_id)`` of that first copy, or None.
    """

    def __init__(
        self,
        directory: Path,
        prefix: str,
        info: dict[str, str],
        max_size: int = 1024**3,
        known_payload=None,
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.info = info
        self.max_size = max_size
        self.known_payload = known_payload
        self.serial = 0
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.files: list[Path] = []
        self._out: BinaryIO | None = None
        self._cdxj: list[Capture] = []
        #: payload digest → (url, WARC-Date, record id) of the record that holds that payload
        self._seen: dict[str, tuple[str, str, str]] = {}

    # Files -------------------------------------------------------------------------------------------------

    @property
    def current(self) -> Path:
        return self.files[-1]

    def _open(self) -> None:
        name = f"{self.prefix}-{self.started}-{self.serial:05d}.warc.gz"
        self.serial += 1
        path = self.directory / name
        self.files.append(path)
        self._out = path.open("xb")
        info = {
            **self.info,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        }
        self._out.write(warcinfo_member(name, info))
        self._out.flush()
        self._cdxj = []

    def _close_file(self) -> None:
        if self._out is None:
            return
        self._out.close()
        index = self.current.with_name(self.current.name + ".cdxj")
        # Made when the file is complete (SURT keys cost more than the rest of a record's bookkeeping), and sorted
        # by SURT key then timestamp: pywb and other replay tools search CDXJ files by binary search.
        index.write_text("".join(sorted(map(cdxj_line, self._cdxj))), encoding="utf-8")
        self._out = None

    def close(self) -> None:
        self._close_file()

    # Records -----------------------------------------------------------------------------------------------

    def record(self, exchange: Exchange) -> Capture:
        """Write an exchange into the current file (opening or rolling over files as needed): the response, or a
        revisit if its payload is archived already (in this run, or by ``known_payload``), and its request.

        The response (or revisit) and request records are serialised here rather than through warcio's generic
        record builder, which costs several times more per record than the crawl can spare: HTTP headers are
        formatted by warcio's ``StatusAndHeaders``, the block and payload digests are SHA-1 in base32 as warcio
        writes them, and each record is its own gzip member. warcio writes the ``warcinfo`` records and reads
        everything back (``verify``, the tests' ``check_digests``), so any divergence from its format would show.
        """
        digest = payload_digest(exchange.body)
        # (url, WARC-Date, record id) of the record already holding this payload: the exchange becomes a revisit.
        earlier = self._seen.get(digest) if exchange.body else None
        if earlier is None and exchange.body and self.known_payload is not None:
            earlier = self.known_payload(digest)
        record_id, request_record_id = _record_id(), _record_id()
        warc_date = datetime_to_iso_date(datetime.now(UTC).replace(tzinfo=None), use_micros=True)
        if earlier is None and exchange.body:
            self._seen[digest] = (exchange.url, warc_date, record_id)
        if self._out is None or self._out.tell() >= self.max_size:
            self._close_file()
            self._open()
        assert self._out is not None
        status_line = f"{exchange.status} {exchange.reason}".strip()
        http_block = StatusAndHeaders(status_line, exchange.response_headers, protocol=exchange.protocol).to_bytes()
        fields = [("WARC-Target-URI", exchange.url), ("WARC-Date", warc_date), ("WARC-Record-ID", record_id)]
        if exchange.ip:
            fields.append(("WARC-IP-Address", exchange.ip))
        if earlier is not None:
            earlier_url, earlier_date, earlier_id = earlier
            block = http_block  # a revisit keeps the response headers, not the payload
            fields = [
                ("WARC-Type", "revisit"),
                *fields,
                ("WARC-Payload-Digest", digest),
                ("WARC-Profile", REVISIT_PROFILE),
                ("WARC-Refers-To-Target-URI", earlier_url),
                ("WARC-Refers-To-Date", earlier_date),
                ("WARC-Refers-To", earlier_id),
            ]
        else:
            block = http_block + exchange.body
            fields = [("WARC-Type", "response"), *fields, ("WARC-Payload-Digest", digest)]
        fields.append(("Content-Type", "application/http; msgtype=response"))
        level = GZIP_LEVEL_COMPRESSED if _precompressed(exchange.response_headers) else GZIP_LEVEL
        offset, length = self._write_record(fields, block, level)

        request_line = f"{exchange.method} {_request_target(exchange.url)} {exchange.protocol}"
        request_block = (
            StatusAndHeaders(
                request_line, exchange.request_headers, protocol=exchange.protocol, is_http_request=True
            ).to_bytes()
            + exchange.request_body
        )
        request_fields = [
            ("WARC-Type", "request"),
            ("WARC-Target-URI", exchange.url),
            ("WARC-Date", warc_date),
            ("WARC-Record-ID", request_record_id),
            ("WARC-Concurrent-To", record_id),
            ("WARC-Payload-Digest", payload_digest(exchange.request_body)),
            ("Content-Type", "application/http; msgtype=request"),
        ]
        request_offset, request_length = self._write_record(request_fields, request_block, GZIP_LEVEL)

        capture = Capture(
            url=exchange.url,
            warc_type="revisit" if earlier is not None else "response",
            warc_file=self.current.name,
            offset=offset,
            length=length,
            record_id=record_id,
            request_offset=request_offset,
            request_length=request_length,
            request_record_id=request_record_id,
            warc_date=warc_date,
            status=exchange.status,
            mime=_mime(exchange.response_headers),
            payload_digest=digest,
            payload_length=len(exchange.body),
            refers_to_record_id=earlier[2] if earlier is not None else None,
        )
        self._cdxj.append(capture)
        return capture

    def _write_record(self, fields: list[tuple[str, str]], block: bytes, level: int) -> tuple[int, int]:
        """One WARC record as one gzip member; returns its offset and compressed length in the file."""
        assert self._out is not None
        head = "".join(f"{name}: {value}\r\n" for name, value in fields)
        digest = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode("ascii")
        header = f"{WARC_VERSION}\r\n{head}WARC-Block-Digest: {digest}\r\nContent-Length: {len(block)}\r\n\r\n"
        member = gzip_member(level, header.encode("utf-8"), block, b"\r\n\r\n")
        offset = self._out.tell()
        self._out.write(member)
        # Handed to the OS now: the archive's row for this record may be committed before the next record, and a
        # killed process must not leave a row pointing at bytes that were still in its own buffer.
        self._out.flush()
        return offset, len(member)


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _precompressed(headers: list[tuple[str, str]]) -> bool:
    """Whether the body is compressed already: by its Content-Encoding, or by the nature of its type."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-encoding" and value.strip().lower() not in ("", "identity"):
            return True
        if lowered == "content-type" and value.strip().lower().startswith(_COMPRESSED_TYPES):
            return True
    return False


def _mime(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower() or None
    return None


def cdxj_line(capture: Capture) -> str:
    """The capture's line in a CDXJ index (pywb's format: SURT key, 14-digit timestamp, JSON)."""
    fields = {
        "url": capture.url,
        "mime": "warc/revisit" if capture.warc_type == "revisit" else (capture.mime or "unk"),
        "status": str(capture.status),
        "digest": capture.payload_digest.removeprefix("sha1:"),
        "length": str(capture.length),
        "offset": str(capture.offset),
        "filename": capture.warc_file,
    }
    import surt  # here: it imports tldextract and requests (0.12 s), which most commands never need

    try:
        key = surt.surt(capture.url)
    except Exception:  # surt refuses some malformed URLs; the raw URL still sorts and finds
        key = capture.url
    return f"{key} {warc_timestamp(capture.warc_date)} {json.dumps(fields, ensure_ascii=False)}\n"


def warcinfo(software: str, run_id: int, portal_id: str, user_agent: str, robots: str) -> dict[str, str]:
    """What a warcinfo record says about the crawl that wrote the file."""
    return {
        "software": software,
        "hostname": socket.gethostname(),
        "isPartOf": f"govscraper run {run_id} of portal {portal_id}",
        "description": f"Capture of the portal {portal_id} by govscraper, run {run_id}",
        "http-header-user-agent": user_agent,
        "robots": robots,
    }


# Reading back -------------------------------------------------------------------------------------------------


def read_record(path: Path, offset: int) -> ArcWarcRecord:
    """The WARC record starting at ``offset`` of ``path`` (its content stream must be read before the file closes:
    use :func:`record_payload` or :func:`record_bytes` for the usual needs)."""
    stream = path.open("rb")
    stream.seek(offset)
    return next(iter(ArchiveIterator(stream)))


def record_payload(path: Path, offset: int) -> tuple[ArcWarcRecord, bytes]:
    """The record at ``offset`` and its payload as a browser gets it (transfer and content encodings undone)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.content_stream().read()


def raw_payload(path: Path, offset: int) -> tuple[ArcWarcRecord, bytes]:
    """The record at ``offset`` and its payload exactly as stored (as received from the server)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.raw_stream.read()


def record_bytes(path: Path, offset: int, length: int) -> bytes:
    """The stored bytes of one record (a whole gzip member), for copying records into another WARC."""
    with path.open("rb") as stream:
        stream.seek(offset)
        return stream.read(length)
