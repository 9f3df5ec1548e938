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
  of a record. What is readable is indexed; a cut record or an unreadable tail is reported (:attr:`WarcIndex.problems`)
  and a request for it fails with the reason;
* several captures of one URL: the newest complete one answers (by WARC-Date). Older captures stay in the copied
  file, byte for byte, where any replay tool finds them.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.timeutils import iso_date_to_datetime

from govscraper.registry import Portal, portal_for_url

#: Record types that answer a request for their URL.
ANSWERING = ("response", "revisit", "resource")
#: Headers that describe the stored body's encoding; the replayed body is decoded, so they no longer apply.
_ENCODING_HEADERS = ("transfer-encoding", "content-encoding", "content-length")


class WarcImportError(ValueError):
    """A file that cannot be imported (missing, empty, not a WARC, clashing name); the message is one line."""


@dataclass
class IndexedRecord:
    """One record that can answer a request: where it lies, what it says, and whether it is whole."""

    file: str  # the file's name (the key of :attr:`WarcIndex.files`)
    offset: int
    length: int
    warc_type: str  # response | revisit | resource
    record_id: str
    url: str
    warc_date: str
    status: int
    mime: str | None
    headers: list[tuple[str, str]]
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


@dataclass
class Replayed:
    """A record's HTTP answer as a client receives it: status, headers, and the body with its encodings undone."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    #: The record whose bytes these are (for a revisit, the record holding the payload).
    payload: IndexedRecord


class ReplayFailed(LookupError):
    """A request the WARC files cannot answer; the message is the reason kept in ``fetch_failures``."""


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


def _lost(path: Path, offset: int) -> str:
    """What a damaged tail of a file held, as far as it can be read: ``"<url> (record type)"`` or "the rest"."""
    with path.open("rb") as stream:
        stream.seek(offset)
        tail = stream.read(1 << 16)
    if tail[:2] == b"\x1f\x8b":
        try:
            tail = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(tail)
        except zlib.error:
            return "the rest"
    head = tail.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = _warcinfo_fields(head.encode("utf-8"))
    uri = target_uri(fields.get("WARC-Target-URI"))
    return f"{uri} ({fields.get('WARC-Type', 'record')})" if uri else "the rest"


def _mime(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower() or None
    return None


class WarcIndex:
    """Every answering record of a set of WARC files, by URL; built once, read by the replay middleware."""

    def __init__(self) -> None:
        self.files: dict[str, WarcFile] = {}
        self.by_url: dict[str, list[IndexedRecord]] = defaultdict(list)
        self.by_id: dict[str, IndexedRecord] = {}
        self.by_digest: dict[str, IndexedRecord] = {}
        #: What could not be read, one line each (cut records, unreadable tails, digests that do not match).
        self.problems: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)

    # Building -----------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, paths: list[Path]) -> WarcIndex:
        """Index ``paths``; :class:`WarcImportError` for a file that is missing, empty, not a WARC, or named like
        another one given (before anything is read into the archive)."""
        index = cls()
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
            index._index_file(path, size)
        index._link()
        return index

    def _index_file(self, path: Path, size: int) -> None:
        name = path.name
        warc_file = WarcFile(path=path, name=name, size=size, sha256=_sha256(path), source=path)
        requests: dict[str, tuple[int, int, str]] = {}  # response id → its request record
        pending_requests: dict[str, str] = {}  # response's WARC-Concurrent-To (a request id) → response id
        request_locations: dict[str, tuple[int, int, str]] = {}
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            first = True
            try:
                for record in iterator:
                    if first and record.format not in ("warc", "arc2warc"):
                        raise WarcImportError(f"{path}: not a WARC file (it reads as {record.format})")
                    first = False
                    self._index_record(record, iterator, warc_file, requests, pending_requests, request_locations)
            except WarcImportError:
                raise
            except Exception as exc:  # warcio, zlib and the HTTP parser fail in many ways on damaged bytes
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                if first:
                    raise WarcImportError(f"{path}: not a WARC file ({reason})") from None
                self.problems.append(
                    f"{name}: unreadable from offset {iterator.offset} ({type(exc).__name__}: {reason}); "
                    f"{_lost(path, iterator.offset)} skipped"
                )
            else:
                if not first and size - iterator.offset > 4:
                    # warcio stops quietly at a gzip member or record cut short: the bytes left over say so.
                    self.problems.append(
                        f"{name}: the file is cut off: {size - iterator.offset} bytes from offset {iterator.offset} "
                        f"are not a whole record; {_lost(path, iterator.offset)} skipped"
                    )
        if first:
            raise WarcImportError(f"{path}: not a WARC file (no record in it)")
        for response_id, location in requests.items():
            found = self.by_id.get(response_id)
            if found is not None and found.request is None:
                found.request = location
        for request_id, response_id in pending_requests.items():
            found = self.by_id.get(response_id)
            if found is not None and found.request is None and request_id in request_locations:
                found.request = request_locations[request_id]
        self.files[name] = warc_file

    def _index_record(self, record, iterator, warc_file, requests, pending_requests, request_locations) -> None:
        headers = record.rec_headers
        kind = record.rec_type
        warc_file.records += 1
        self.counts[kind] += 1
        url = target_uri(headers.get_header("WARC-Target-URI"))
        raw = hashlib.sha1()
        received = 0
        first_block = b""
        for block in iter(lambda: record.raw_stream.read(1 << 16), b""):
            raw.update(block)
            received += len(block)
            first_block = first_block or block
        offset, length = iterator.get_record_offset(), iterator.get_record_length()
        # A record the file ends inside: its headers incomplete (no Content-Length reached), or its block short.
        missing = getattr(record.raw_stream, "limit", 0)
        if record.length is None or missing:
            where = f" ({url})" if url else ""
            self.problems.append(
                f"{warc_file.name}: the {kind} record at offset {offset}{where} is cut off: "
                + ("the file ends inside its headers" if record.length is None else f"{missing} bytes are missing")
            )
            if record.length is None:
                return
        if kind == "warcinfo":
            warc_file.warcinfo.append(_warcinfo_fields(first_block))
            return
        record_id = headers.get_header("WARC-Record-ID") or ""
        if kind == "request":
            location = (offset, length, record_id)
            request_locations[record_id] = location
            concurrent = headers.get_header("WARC-Concurrent-To")
            if concurrent:
                requests[concurrent] = location
            return
        if kind not in ANSWERING or urlsplit(url).scheme not in ("http", "https"):
            return
        truncated = headers.get_header("WARC-Truncated")
        if kind == "revisit":
            truncated = None  # Heritrix marks every revisit "WARC-Truncated: length": it has no payload by design
        if missing:
            truncated = "cut"
        if record.http_headers is not None:
            http_headers = list(record.http_headers.headers)
            try:
                status = int((record.http_headers.get_statuscode() or "0").strip() or 0)
            except ValueError:
                status = 0
        else:
            http_headers = [("Content-Type", headers.get_header("Content-Type") or "")] if kind == "resource" else []
            status = 200 if kind == "resource" else 0
        declared = headers.get_header("WARC-Payload-Digest")
        if kind == "response" and declared and not truncated and declared.startswith("sha1:"):
            computed = "sha1:" + base64.b32encode(raw.digest()).decode("ascii")
            if computed != declared.strip():
                self.problems.append(
                    f"{warc_file.name}: the record at offset {offset} ({url}) does not match its payload digest"
                )
        entry = IndexedRecord(
            file=warc_file.name,
            offset=offset,
            length=length,
            warc_type=kind,
            record_id=record_id,
            url=url,
            warc_date=headers.get_header("WARC-Date") or "",
            status=status,
            mime=_mime(http_headers),
            headers=http_headers,
            payload_digest=declared.strip() if declared else None,
            payload_length=received,
            truncated=truncated,
            refers_to=headers.get_header("WARC-Refers-To"),
            refers_to_uri=target_uri(headers.get_header("WARC-Refers-To-Target-URI")) or None,
            refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        )
        concurrent = headers.get_header("WARC-Concurrent-To")
        if concurrent:
            pending_requests[concurrent] = record_id
        self.by_url[url_key(url)].append(entry)
        if record_id:
            self.by_id[record_id] = entry
        if kind != "revisit" and not truncated and declared and declared not in self.by_digest:
            self.by_digest[declared.strip()] = entry

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

    def replay(self, record: IndexedRecord) -> Replayed:
        """The HTTP answer of ``record`` (a revisit's headers with its payload's body); :class:`ReplayFailed`."""
        payload = self.payload_of(record)
        if payload is None:
            raise ReplayFailed(
                f"revisit of a payload that is not in the WARC files ({record.refers_to_uri or record.payload_digest})"
            )
        if payload.truncated:
            reason = "the file ends inside it" if payload.truncated == "cut" else f"WARC-Truncated: {payload.truncated}"
            raise ReplayFailed(f"truncated in the WARC file {payload.file} ({reason})")
        source = self.files[payload.file].source or self.files[payload.file].path
        with source.open("rb") as stream:
            stream.seek(payload.offset)
            stored = next(iter(ArchiveIterator(stream)))
            try:
                body = stored.content_stream().read()
            except Exception as exc:  # a body that claims an encoding it does not have
                raise ReplayFailed(f"undecodable body in the WARC file ({type(exc).__name__}: {exc})") from None
        decoded = _decoded_encoding(payload.headers)
        headers = record.headers if record.headers else payload.headers
        status = record.status or payload.status
        kept = [
            (name, value)
            for name, value in headers
            if name.lower() not in _ENCODING_HEADERS or (name.lower() == "content-encoding" and not decoded)
        ]
        return Replayed(status=status, headers=kept, body=body, payload=payload)

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
            if 300 <= chosen.status < 400 and any(n.lower() == "location" for n, _ in chosen.headers):
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


def _decoded_encoding(headers: list[tuple[str, str]]) -> bool:
    """Whether warcio's content stream undoes this Content-Encoding (so the header must go)."""
    for name, value in headers:
        if name.lower() == "content-encoding":
            encoding = value.strip().lower()
            return encoding in ("", "identity") or encoding in BufferedReader.get_supported_decompressors()
    return True


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
