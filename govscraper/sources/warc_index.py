"""WARC import: what a set of WARC files holds, by URL, and how to answer a request from it.

Archivists hold WARC files made by others (Heritrix, Browsertrix, wget) or by govscraper itself, often of portals
that are gone. ``govscraper import-warc`` replays them through the same spiders and pipelines as a live crawl; this
module is the part that needs no Scrapy: it indexes the files (:class:`WarcIndex`), reads a record's HTTP answer
back with its transfer and content encodings undone (:meth:`WarcIndex.replay`), decides which portal each host
belongs to (:func:`assign_portals`) and copies the files into the archive (:func:`copy_into_archive`).

Real files differ, and the index takes them as they are:

* WARC/1.0 and 1.1, one gzip member per record (``.warc.gz``) or uncompressed (``.warc``);
* ``WARC-Target-URI: <http://...>`` in angle brackets (wget 1.17 and later write it so);
* ``response`` records, ``resource`` records of http(s) URLs, and ``revisit`` records, resolved to the record that
  holds their payload (``WARC-Refers-To``, else ``WARC-Refers-To-Target-URI`` and ``-Date``, else the payload
  digest) when that record is in the files given; ``request`` records only lend their location to the capture of
  the response they belong to (``WARC-Concurrent-To``, either way round); ``warcinfo``, ``metadata``, ``dns:`` and
  wget's ``metadata://`` log records are kept in the copied file and otherwise left alone;
* truncated records: ``WARC-Truncated`` on a response (the producer stopped reading), or a file cut off in the middle
  of a record. What is readable is indexed; a cut record is reported and a request for it fails with the reason;
* several captures of one URL: the newest complete one answers (by WARC-Date). Older captures stay in the copied
  file, byte for byte, where any replay tool finds them.

Files may also be damaged or hostile, and nothing in them may cost unbounded memory or lose the records
after a bad one. The files are read by :mod:`.warc_reader`, which bounds every line, header block, gzip
member and body, and steps over a bad record instead of stopping. Each record (or stretch of bytes) that cannot be
imported becomes an :class:`ImportFailure`: one warning line naming its file, offset and URL, and one
``import_failures`` row (written by ``govscraper.archive.writer.record_import_failures``). That happens while the
files are indexed (unreadable headers, an unparsable URI, a Content-Length that lies, garbage, a cut record) or
when a request is answered (a body over the request's size limit once decoded: a gzip, deflate or brotli bomb, an
endless chunked body; a body that cannot be decoded).
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url
from warcio.timeutils import iso_date_to_datetime

from govscraper.registry import Portal, portal_for_url
from govscraper.settings import DOWNLOAD_MAXSIZE
from govscraper.sources import warc_reader as warcread
from govscraper.sources.warc_reader import Damaged, HttpHead, HttpHeadScanner, Skipped, WarcHead, Whole, field_value

#: Record types that answer a request for their URL.
ANSWERING = ("response", "revisit", "resource")
#: Headers that describe the stored body's encoding; the replayed body is decoded, so they no longer apply.
_ENCODING_HEADERS = ("transfer-encoding", "content-encoding", "content-length")
#: Longest URL or record id kept in a warning line or an ``import_failures`` row (a hostile one may be 64 KiB).
_SHOWN = 2000


class WarcImportError(ValueError):
    """A file that cannot be imported (missing, empty, not a WARC, clashing name); the message is one line."""


@dataclass
class IndexedRecord:
    """One record that can answer a request: where it lies, what it says, and whether it is whole.

    Its HTTP fields are not kept (a file may hold millions of records, each with a head of up to a MiB): only what
    choosing and following records needs (status, type, Location); :meth:`WarcIndex.replay` reads the rest again.
    """

    file: str  # the file's name (the key of :attr:`WarcIndex.files`)
    offset: int
    length: int
    warc_type: str  # response | revisit | resource
    record_id: str
    url: str
    warc_date: str
    status: int
    mime: str | None
    #: The declared WARC-Payload-Digest (for a revisit: the digest of the payload it refers to).
    payload_digest: str | None
    payload_length: int
    #: Why the payload is incomplete: the WARC-Truncated value, or "cut" when the file ends inside the record.
    truncated: str | None = None
    refers_to: str | None = None
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    #: The request record of this exchange, when the file has one: (offset, length, record id).
    request: tuple[int, int, str] | None = None
    #: The block begins with an HTTP head (responses and revisits of http(s) URLs), read again on replay.
    http: bool = False
    #: The answer's (or a resource record's) Content-Type, whole, and its Location.
    content_type: str | None = None
    location: str | None = None
    #: The block's length when it is over the size limit: stepped over when indexed, refused when asked for.
    oversize: int | None = None

    @property
    def html(self) -> bool:
        return bool(self.mime) and ("html" in (self.mime or ""))

    @property
    def sort_key(self) -> tuple[bool, str]:
        """Complete captures before truncated ones, then the newest."""
        return (self.truncated is None, _moment(self.warc_date))


@dataclass
class WarcFile:
    """One input file: its path, its name and sha256, and what its warcinfo records say."""

    path: Path
    name: str
    size: int
    sha256: str
    #: Records found in it (read whole, cut off, or skipped as unreadable).
    records: int = 0
    warcinfo: list[dict[str, str]] = field(default_factory=list)
    #: Where the bytes are read from during the import (the copy in the archive once it is made).
    source: Path | None = None

    @property
    def software(self) -> str | None:
        for info in self.warcinfo:
            if info.get("software"):
                return info["software"]
        return None


@dataclass(frozen=True)
class ImportFailure:
    """A record, or a stretch of a file, that could not be imported: an ``import_failures`` row and a warning line."""

    file: str
    sha256: str
    offset: int
    #: One line: what was wrong ("cut off: ...", "response too large: ...", "unparsable WARC-Target-URI ...").
    error: str
    kind: str | None = None  # its WARC-Type, when that much could be read
    record_id: str | None = None
    url: str | None = None
    #: The file ends inside it.
    cut: bool = False
    #: False for bytes that are no record at all (garbage, a gzip member holding no record).
    record: bool = True

    def line(self) -> str:
        """The warning, naming the file, the offset and (when readable) the URL."""
        where = f" ({self.url})" if self.url else ""
        if self.cut and self.record and self.error.startswith("cut off"):
            return f"{self.file}: the {self.kind or 'last'} record at offset {self.offset}{where} is {self.error}"
        if not self.record:
            return f"{self.file}: skipped at offset {self.offset}: {self.error}"
        return (
            f"{self.file}: skipped the {self.kind or 'unreadable'} record at offset {self.offset}{where}: {self.error}"
        )


@dataclass
class Replayed:
    """A record's HTTP answer as a client receives it: status, headers, and the body with its encodings undone."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    #: The record whose bytes these are (for a revisit, the record holding the payload).
    payload: IndexedRecord


class ReplayFailed(LookupError):
    """A request the WARC files cannot answer; the message is the reason kept in ``fetch_failures``.

    ``skipped``: the record is there but could not be imported (over the size limit once decoded, undecodable); it
    is then an :class:`ImportFailure` too. A URL the files do not hold, or hold truncated by their producer, is not.
    """

    def __init__(self, reason: str, skipped: bool = False):
        super().__init__(reason)
        self.skipped = skipped


def _moment(warc_date: str) -> str:
    """A WARC-Date written one way (seconds, or fractions of them, with or without "Z"), for comparing."""
    try:
        return iso_date_to_datetime(warc_date).isoformat()
    except (ValueError, TypeError, AttributeError):
        return warc_date


def target_uri(value: str | None) -> str:
    """The WARC-Target-URI without the angle brackets wget 1.17+ writes around it."""
    text = (value or "").strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


def url_key(url: str) -> str:
    """The key captures are found by: the URL canonicalised (sorted query, no fragment), as the crawl does."""
    try:
        return canonicalize_url(url)
    except ValueError:
        return url


def check_url(url: str) -> None:
    """:class:`.warc_reader.Damaged` for a WARC-Target-URI nothing could be done with: one that does not
    split into parts, has no host or no valid port, or that the crawl's canonical form cannot be made of."""
    try:
        parts = urlsplit(url)
        _ = parts.port
        if not parts.hostname:
            raise ValueError("no host")
        canonicalize_url(url)
    except ValueError as exc:
        raise Damaged(f"unparsable WARC-Target-URI ({exc})") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _warcinfo_fields(block: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields.setdefault(name.strip(), value.strip())
    return fields


def _mime(content_type: str | None) -> str | None:
    return (content_type or "").split(";")[0].strip().lower() or None


def _shown(text: str | None) -> str | None:
    return text[:_SHOWN] if text else None


def not_a_warc(path: Path) -> str | None:
    """Why ``path`` is not a WARC file at all (its first bytes begin no record), or None; read from its first 64 KiB
    only, so that a large file of something else is refused at once."""
    with path.open("rb") as stream:
        start = stream.read(warcread.STEP)
    if start.startswith(warcread.GZIP_MAGIC):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            start = inflater.decompress(start, 4096)
        except zlib.error:
            return "a damaged gzip member at its start"
        if not start.strip(b"\r\n") and inflater.eof:
            return None  # an empty first member: the records come after it
    text = start.lstrip(b"\r\n")
    if text.startswith(b"WARC/"):
        return None
    if text.startswith(b"filedesc:"):
        return "an ARC file: not supported"
    return "its first bytes begin no WARC record"


class _BlockReader:
    """What the index keeps of one record's block, taken as it streams by (:func:`warcread.read_warc` feeds it):
    the HTTP head of a response or revisit, the sha1 and length of the payload after it, the start of a warcinfo."""

    def __init__(self, http: bool, keep: int = 0):
        self.http = http
        self._scanner: HttpHeadScanner | None = HttpHeadScanner() if http else None
        self.head: HttpHead | None = None
        self.sha1 = hashlib.sha1()
        self.payload_length = 0
        self._keep = keep
        self.kept = bytearray()
        self.complete = False

    def feed(self, data: bytes) -> None:
        if len(self.kept) < self._keep:
            self.kept += data[: self._keep - len(self.kept)]
        if self._scanner is not None:
            if not self._scanner.feed(data):
                return
            self.head, data = self._scanner.head()
            self._scanner = None
        self.sha1.update(data)
        self.payload_length += len(data)

    def close(self, complete: bool) -> _BlockReader:
        if self._scanner is not None and self._scanner.buffer:
            self.head, _ = self._scanner.head()  # no blank line: a revisit's block, or a record cut off
        self._scanner = None
        self.complete = complete
        return self


class WarcIndex:
    """Every answering record of a set of WARC files, by URL; built once, read by the replay middleware.

    ``max_size`` is the largest body anything may be (``DOWNLOAD_MAXSIZE``, 0 for no limit): a record whose block is
    larger (plus a MiB for its HTTP head) is stepped over, not read, and a request for it is refused.
    """

    def __init__(self, max_size: int = DOWNLOAD_MAXSIZE) -> None:
        self.files: dict[str, WarcFile] = {}
        self.by_url: dict[str, list[IndexedRecord]] = defaultdict(list)
        self.by_id: dict[str, IndexedRecord] = {}
        self.by_digest: dict[str, IndexedRecord] = {}
        #: Warning lines, in order: every failure's, and payload digests that do not match.
        self.problems: list[str] = []
        #: Records and stretches that could not be imported (while indexing, then while answering requests).
        self.failures: list[ImportFailure] = []
        self._failed: set[tuple[str, int, str]] = set()
        #: Records that answered a request: (file, offset).
        self.answered: set[tuple[str, int]] = set()
        self.counts: dict[str, int] = defaultdict(int)
        self.max_size = max_size
        self.block_limit = max_size + warcread.MAX_HEAD if max_size else 1 << 62

    # Building -----------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, paths: list[Path], max_size: int = DOWNLOAD_MAXSIZE) -> WarcIndex:
        """Index ``paths``; :class:`WarcImportError` for a file that is missing, empty, not a WARC, or named like
        another one given (before anything is read into the archive)."""
        index = cls(max_size)
        for path in paths:
            path = Path(path)
            if not path.exists():
                raise WarcImportError(f"{path}: no such file")
            if not path.is_file():
                raise WarcImportError(f"{path}: not a file")
            size = path.stat().st_size
            if size == 0:
                raise WarcImportError(f"{path}: empty file, not a WARC")
            if path.name in index.files:
                raise WarcImportError(f"{path}: two files named {path.name} (the archive keeps WARC files by name)")
            reason = not_a_warc(path)
            if reason:
                raise WarcImportError(f"{path}: not a WARC file ({reason})")
            index._index_file(path, size)
        index._link()
        return index

    def _index_file(self, path: Path, size: int) -> None:
        name = path.name
        warc_file = WarcFile(path=path, name=name, size=size, sha256=_sha256(path), source=path)
        requests: dict[str, tuple[int, int, str]] = {}  # response id → its request record
        pending_requests: dict[str, str] = {}  # response's WARC-Concurrent-To (a request id) → response id
        request_locations: dict[str, tuple[int, int, str]] = {}
        failures: list[ImportFailure] = []
        for read in warcread.read_warc(path, self._visit, self.block_limit):
            if isinstance(read, Skipped):
                failures.append(self._skipped(warc_file, read))
            else:
                failure = self._index_record(read, warc_file, requests, pending_requests, request_locations)
                if failure is not None:
                    failures.append(failure)
        if not warc_file.records:
            reason = failures[0].error if failures else "no record in it"
            raise WarcImportError(f"{path}: not a WARC file ({reason})")
        for failure in failures:
            self._fail(failure)
        for response_id, location in requests.items():
            found = self.by_id.get(response_id)
            if found is not None and found.request is None:
                found.request = location
        for request_id, response_id in pending_requests.items():
            found = self.by_id.get(response_id)
            if found is not None and found.request is None and request_id in request_locations:
                found.request = request_locations[request_id]
        self.files[name] = warc_file

    def _visit(self, head: WarcHead) -> _BlockReader | None:
        """How much of a record's block the index reads: a warcinfo's start, an answering record's HTTP head and
        payload digest; nothing of the others. A record whose URI is unparsable is refused here."""
        kind = (head.get("WARC-Type") or "").strip()
        if kind == "warcinfo":
            return _BlockReader(http=False, keep=warcread.MAX_LINE)
        if kind not in ANSWERING:
            return None
        url = target_uri(head.get("WARC-Target-URI"))
        if not re.match(r"(?i)https?:", url):
            return None
        check_url(url)
        return _BlockReader(http=kind != "resource" and url.startswith(("http:", "https:")) and head.length > 0)

    def _skipped(self, warc_file: WarcFile, skipped: Skipped) -> ImportFailure:
        if skipped.record:
            warc_file.records += 1
        kind = (field_value(skipped.fields, "WARC-Type") or "").strip() or None
        if kind:
            self.counts[kind] += 1
        error = f"cut off: {skipped.reason}" if skipped.cut and skipped.record else skipped.reason
        return ImportFailure(
            file=warc_file.name,
            sha256=warc_file.sha256,
            offset=skipped.offset,
            error=error,
            kind=kind,
            record_id=_shown(field_value(skipped.fields, "WARC-Record-ID")),
            url=_shown(target_uri(field_value(skipped.fields, "WARC-Target-URI"))),
            cut=skipped.cut,
            record=skipped.record,
        )

    def _fail(self, failure: ImportFailure) -> None:
        key = (failure.file, failure.offset, failure.error)
        if key in self._failed:
            return
        self._failed.add(key)
        self.failures.append(failure)
        self.problems.append(failure.line())

    def _index_record(
        self, read: Whole, warc_file: WarcFile, requests, pending_requests, request_locations
    ) -> ImportFailure | None:
        head = read.head
        kind = (head.get("WARC-Type") or "").strip()
        warc_file.records += 1
        self.counts[kind] += 1
        url = target_uri(head.get("WARC-Target-URI"))
        record_id = head.get("WARC-Record-ID") or ""
        offset, length = read.offset, read.length
        reader: _BlockReader | None = read.result
        failure = None
        if read.missing:  # the file ends inside the block: what is there is indexed, and a request for it fails
            failure = ImportFailure(
                file=warc_file.name,
                sha256=warc_file.sha256,
                offset=offset,
                error=f"cut off: {read.missing} bytes are missing",
                kind=kind or None,
                record_id=_shown(record_id),
                url=_shown(url),
                cut=True,
            )
        if kind == "warcinfo":
            if reader is not None:
                warc_file.warcinfo.append(_warcinfo_fields(bytes(reader.kept)))
            return failure
        if kind == "request":
            location = (offset, length, record_id)
            request_locations[record_id] = location
            concurrent = head.get("WARC-Concurrent-To")
            if concurrent:
                requests[concurrent] = location
            return failure
        if reader is None:  # not an answering record of an http(s) URL
            return failure
        truncated = head.get("WARC-Truncated")
        if kind == "revisit":
            truncated = None  # Heritrix marks every revisit "WARC-Truncated: length": it has no payload by design
        if read.missing:
            truncated = "cut"
        http = reader.head
        if http is not None:
            headers, status = http.headers, http.status
            content_type = field_value(headers, "Content-Type")
        elif kind == "resource":
            headers, status, content_type = [], 200, head.get("Content-Type")
        else:
            headers, status, content_type = [], 0, None
        declared = head.get("WARC-Payload-Digest")
        checked = reader.complete and not read.oversize and not truncated
        if kind == "response" and declared and checked and declared.startswith("sha1:"):
            computed = "sha1:" + base64.b32encode(reader.sha1.digest()).decode("ascii")
            if computed != declared.strip():
                self.problems.append(
                    f"{warc_file.name}: the record at offset {offset} ({url}) does not match its payload digest"
                )
        payload_length = reader.payload_length
        if read.oversize:
            payload_length = head.length - (http.size if http is not None else 0)
        entry = IndexedRecord(
            file=warc_file.name,
            offset=offset,
            length=length,
            warc_type=kind,
            record_id=record_id,
            url=url,
            warc_date=head.get("WARC-Date") or "",
            status=status,
            mime=_mime(content_type),
            payload_digest=declared.strip() if declared else None,
            payload_length=payload_length,
            truncated=truncated,
            refers_to=head.get("WARC-Refers-To"),
            refers_to_uri=target_uri(head.get("WARC-Refers-To-Target-URI")) or None,
            refers_to_date=head.get("WARC-Refers-To-Date"),
            http=reader.http,
            content_type=content_type,
            location=field_value(headers, "Location"),
            oversize=head.length if read.oversize else None,
        )
        concurrent = head.get("WARC-Concurrent-To")
        if concurrent:
            pending_requests[concurrent] = record_id
        self.by_url[url_key(url)].append(entry)
        if record_id:
            self.by_id[record_id] = entry
        if kind != "revisit" and not truncated and declared and declared not in self.by_digest:
            self.by_digest[declared.strip()] = entry
        return failure

    def _link(self) -> None:
        for captures in self.by_url.values():
            captures.sort(key=lambda r: r.sort_key)

    # Reading ------------------------------------------------------------------------------------------------

    def lookup(self, url: str) -> IndexedRecord | None:
        """The capture that answers ``url``: the newest complete one, else the newest (a truncated one)."""
        captures = self.by_url.get(url_key(url))
        return captures[-1] if captures else None

    def payload_of(self, record: IndexedRecord) -> IndexedRecord | None:
        """The record holding ``record``'s payload: itself, or for a revisit the record it refers to."""
        if record.warc_type != "revisit":
            return record
        if record.refers_to and record.refers_to in self.by_id:
            return self.by_id[record.refers_to]
        if record.refers_to_uri:
            candidates = [c for c in self.by_url.get(url_key(record.refers_to_uri), []) if c.warc_type != "revisit"]
            when = _moment(record.refers_to_date) if record.refers_to_date else None
            for matches in (
                lambda c: when is not None and _moment(c.warc_date) == when,
                lambda c: record.payload_digest is not None and c.payload_digest == record.payload_digest,
                lambda c: when is None,
            ):
                chosen = [c for c in candidates if matches(c)]
                if chosen:
                    return chosen[-1]
        if record.payload_digest:
            return self.by_digest.get(record.payload_digest)
        return None

    def _source(self, record: IndexedRecord) -> Path:
        return self.files[record.file].source or self.files[record.file].path

    def _refuse(self, record: IndexedRecord, reason: str) -> ReplayFailed:
        """Record that ``record`` could not be imported (once per file, offset and reason) and say why."""
        warc_file = self.files[record.file]
        self._fail(
            ImportFailure(
                file=record.file,
                sha256=warc_file.sha256,
                offset=record.offset,
                error=reason,
                kind=record.warc_type,
                record_id=_shown(record.record_id),
                url=_shown(record.url),
            )
        )
        return ReplayFailed(reason, skipped=True)

    def replay(self, record: IndexedRecord, max_size: int | None = None) -> Replayed:
        """The HTTP answer of ``record`` (a revisit's headers with its payload's body); :class:`ReplayFailed`.

        The body is decoded step by step and refused as soon as it is over ``max_size`` bytes (default: the index's
        ``max_size``; 0: no limit), as a live crawl refuses a download over its limit.
        """
        payload = self.payload_of(record)
        if payload is None:
            raise ReplayFailed(
                f"revisit of a payload that is not in the WARC files ({record.refers_to_uri or record.payload_digest})"
            )
        if payload.truncated:
            reason = "the file ends inside it" if payload.truncated == "cut" else f"WARC-Truncated: {payload.truncated}"
            raise ReplayFailed(f"truncated in the WARC file {payload.file} ({reason})")
        limit = self.max_size if max_size is None else max_size
        if payload.oversize is not None:
            raise self._refuse(
                payload,
                f"response too large: its WARC record's block is {payload.oversize} bytes, over the limit of "
                f"{self.max_size}",
            )
        try:
            stored = warcread.read_payload(self._source(payload), payload.offset, http=payload.http, limit=limit)
        except Damaged as exc:
            raise self._refuse(payload, exc.reason) from None
        headers = stored.headers if stored.headers is not None else [("Content-Type", payload.content_type or "")]
        status = stored.status if stored.headers is not None else payload.status
        if payload is not record and record.http:
            try:
                with warcread.open_block(self._source(record), record.offset) as (_, block):
                    own, _ = warcread.read_http_head(block)
            except Damaged as exc:
                raise self._refuse(record, exc.reason) from None
            if own is not None and own.headers:
                headers = own.headers
            status = record.status or (own.status if own is not None else 0) or status
        kept = [
            (name, value)
            for name, value in headers
            if name.lower() not in _ENCODING_HEADERS or (name.lower() == "content-encoding" and not stored.decoded)
        ]
        self.answered.add((record.file, record.offset))
        return Replayed(status=status, headers=kept, body=stored.body, payload=payload)

    # What the files hold ------------------------------------------------------------------------------------

    def pages(self) -> list[IndexedRecord]:
        """The capture answering each URL whose answer is an HTML page (200) or a redirect, in URL order."""
        found = []
        for captures in self.by_url.values():
            chosen = captures[-1]
            if chosen.warc_type == "revisit":
                payload = self.payload_of(chosen)
                html = chosen.html or (payload is not None and payload.html)
            else:
                html = chosen.html
            if chosen.status == 200 and html:
                found.append(chosen)
        return sorted(found, key=lambda r: r.url)

    def redirects(self) -> list[IndexedRecord]:
        """Captures of redirects (3xx with a Location) that answer their URL."""
        found = []
        for captures in self.by_url.values():
            chosen = captures[-1]
            if 300 <= chosen.status < 400 and chosen.location:
                found.append(chosen)
        return sorted(found, key=lambda r: r.url)

    def hosts(self) -> list[str]:
        """Hosts with at least one HTML page, in order of their first page's URL."""
        return list(dict.fromkeys((urlsplit(r.url).hostname or "") for r in self.pages()))

    def schemes(self) -> dict[str, str]:
        """Each host's scheme (http or https), as its pages were captured."""
        return {(urlsplit(r.url).hostname or ""): urlsplit(r.url).scheme for r in self.pages()}

    def set_source(self, name: str, path: Path) -> None:
        """Read ``name``'s records from ``path`` from now on (its copy in the archive: the same bytes)."""
        self.files[name].source = path

    def summary(self) -> str:
        """The import's count: records read, records that answered a request, records (or stretches) skipped."""
        read = sum(f.records for f in self.files.values())
        return (
            f"{read} records read in {len(self.files)} file{'s' if len(self.files) != 1 else ''}, "
            f"{len(self.answered)} imported, {len(self.failures)} skipped"
        )


# Portals -------------------------------------------------------------------------------------------------------


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def assign_portals(
    hosts: list[str], registry: dict[str, Portal], portal: Portal | None = None, scheme_of: dict[str, str] | None = None
) -> list[tuple[Portal, list[str]]]:
    """Which portal each host's pages belong to, as ``[(portal, hosts)]`` in the hosts' order.

    ``portal`` (``--portal ID``) takes every host. Otherwise a host belongs to the registry portal whose base URL or
    start URLs are on it ("www." ignored), else to an ad-hoc portal like ``crawl --url`` makes (``url-<host>``).
    """
    if portal is not None:
        return [(portal, list(hosts))] if hosts else []
    by_host: dict[str, Portal] = {}
    for entry in registry.values():
        for url in [entry.base_url, *entry.category_urls]:
            host = urlsplit(url).hostname
            if host:
                by_host.setdefault(_bare(host), entry)
    plan: dict[str, tuple[Portal, list[str]]] = {}
    for host in hosts:
        entry = by_host.get(_bare(host))
        if entry is None:
            entry = portal_for_url(f"{(scheme_of or {}).get(host, 'http')}://{host}/")
        plan.setdefault(entry.id, (entry, []))[1].append(host)
    return list(plan.values())


# Copies in the archive -----------------------------------------------------------------------------------------


def imported_directory(warc_dir: Path) -> Path:
    """Where imported WARC files are kept: ``imported/`` in the archive's WARC directory."""
    return Path(warc_dir) / "imported"


def check_copy(warc_file: WarcFile, warc_dir: Path) -> Path:
    """Where ``warc_file`` goes in the archive; :class:`WarcImportError` if another file has that name there."""
    target = imported_directory(warc_dir) / warc_file.name
    if target.exists() and _sha256(target) != warc_file.sha256:
        raise WarcImportError(
            f"{warc_file.path}: a different file named {warc_file.name} was imported before ({target}); "
            "rename the new file to import it"
        )
    return target


def copy_into_archive(warc_file: WarcFile, warc_dir: Path) -> tuple[Path, bool]:
    """Copy the file byte for byte into the archive (kept when an identical copy is there); ``(path, copied)``."""
    target = check_copy(warc_file, warc_dir)
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{warc_file.name}.", delete=False) as out:
        with warc_file.path.open("rb") as stream:
            shutil.copyfileobj(stream, out, 1 << 20)
        temporary = Path(out.name)
    if _sha256(temporary) != warc_file.sha256:
        temporary.unlink()
        raise WarcImportError(f"{warc_file.path}: changed while it was being copied into the archive")
    temporary.replace(target)
    return target, True


def origin_url(record: IndexedRecord) -> str:
    """Where an imported page came from: ``<file name>#offset=<n>;record=<WARC-Record-ID>``."""
    return f"{record.file}#offset={record.offset};record={record.record_id}"


@dataclass
class ImportedCapture:
    """An imported record as a row of the archive's ``captures`` table (the fields of :class:`warc.Capture`)."""

    url: str
    warc_type: str
    warc_file: str
    offset: int
    length: int
    record_id: str
    request_offset: int | None
    request_length: int | None
    request_record_id: str | None
    warc_date: str
    status: int
    mime: str | None
    payload_digest: str | None
    payload_length: int
    refers_to_record_id: str | None = None


def capture_of(record: IndexedRecord, warc_file: str, refers_to: IndexedRecord | None = None) -> ImportedCapture:
    """The ``captures`` row of ``record`` in the copied file ``warc_file`` (same offsets as the original)."""
    request = record.request or (None, None, None)
    return ImportedCapture(
        url=record.url,
        warc_type=record.warc_type,
        warc_file=warc_file,
        offset=record.offset,
        length=record.length,
        record_id=record.record_id,
        request_offset=request[0],
        request_length=request[1],
        request_record_id=request[2],
        warc_date=record.warc_date,
        status=record.status,
        mime=record.mime,
        payload_digest=record.payload_digest,
        payload_length=record.payload_length,
        refers_to_record_id=refers_to.record_id if refers_to is not None else None,
    )
