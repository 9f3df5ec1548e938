"""WARC files as Heritrix, wget and Browsertrix write them, filled with real pages of the replica portal.

``govscraper import-warc`` must read what archivists actually hold, so each builder follows its producer's
conventions as documented or observed in its files; the HTTP exchanges inside are real answers of a running
:class:`~govscraper_replica.ReplicaServer` (status line, headers and body bytes as the server sent them), fetched
with the ``Host`` header of the portal's real name so that the pages link to it, as a capture of the live portal
would. Expected values come from the replica's manifest and from the bytes put in (:class:`Capture`).

* **Heritrix 3** (:func:`heritrix_warc`): ``WARCWriterProcessor`` of heritrix3 (``modules/.../writer/
  WARCWriterProcessor.java``): WARC/1.0, one gzip member per record; a ``warcinfo`` record with ``software:
  Heritrix/3.x http://crawler.archive.org``, ``format: WARC File Format 1.0``, ``conformsTo`` the 1.0 draft,
  ``isPartOf``, ``robots`` and ``http-header-user-agent``; a ``dns:`` response record (``text/dns``); for each URL a
  ``response`` (``WARC-IP-Address``, ``WARC-Payload-Digest``), a ``request`` and a ``metadata`` record
  (``application/warc-fields``: ``via``, ``hopsFromSeed``, ``fetchTimeMs``), both ``WARC-Concurrent-To`` the
  response; and ``revisit`` records for payloads fetched again (``writeRevisit``: ``WARC-Profile:
  http://netpreserve.org/warc/1.0/revisit/identical-payload-digest``, ``WARC-Truncated: length``,
  ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date``, the block is the HTTP headers only). Heritrix records
  what came over the wire, so a chunked, gzipped answer stays chunked and gzipped.
* **wget 1.2x** (:func:`wget_warc`, ``--warc-file``): WARC/1.0, uncompressed with ``--no-warc-compression`` or one
  gzip member per record; ``WARC-Target-URI`` in angle brackets (wget 1.17 and later; iipc/openwayback issue 421,
  ukwa/webarchive-discovery issue 159); a ``warcinfo`` (``software: Wget/1.21.3 (linux-gnu)``, ``format``,
  ``conformsTo``, ``robots: classic``, ``wget-arguments``); for each URL the ``request`` first, then the
  ``response`` with ``WARC-Concurrent-To`` the request; at the end a ``metadata`` record of the manifest and
  ``resource`` records of the arguments and of the log (``metadata://gnu.org/software/wget/warc/wget.log``).
* **Browsertrix-crawler 1.x** (:func:`browsertrix_warc`, CDP capture with warcio.js): one gzip member per record;
  the response record's fields in the order of a real record shown in webrecorder/browsertrix-crawler issue 452
  (Type, Record-ID, Target-URI plain, Date without fraction, IP, Content-Type, Content-Length, Payload- then
  Block-Digest), the ``warcinfo`` first (added in browsertrix-crawler PR 556); the ``request`` after its response,
  ``WARC-Concurrent-To`` it. Pages come from the browser over HTTP/2: header names in lower case, no
  ``transfer-encoding``, the body with its ``content-encoding`` (gzip here) as the network delivered it.

govscraper's own WARC files are not built here: the tests make one by crawling the replica.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: The portal's real host name: pages are fetched with this Host header, so every link in them points there.
HOST = "moduc.replica.test"
BASE = f"http://{HOST}"


@dataclass
class Exchange:
    """One HTTP exchange as fetched from the replica: what the WARC will hold."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes  # as sent on the wire (after any re-encoding a sample applies)
    content: bytes  # the entity as a client gets it: what the archive must store
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    def http_block(self, lower: bool = False, drop: tuple[str, ...] = ()) -> bytes:
        head = [f"HTTP/1.1 {self.status} {self.reason}"]
        for name, value in self.headers:
            if name.lower() in drop:
                continue
            head.append(f"{name.lower() if lower else name}: {value}")
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")

    def request_block(self) -> bytes:
        path = self.url[len(BASE) :] or "/"
        lines = [f"GET {path} HTTP/1.1", *(f"{n}: {v}" for n, v in self.request_headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Capture:
    """Where a builder put a record (offset in the written file), to check the archive's captures against."""

    url: str
    warc_type: str
    offset: int
    record_id: str
    warc_date: str


def fetch(server_url: str, path: str) -> Exchange:
    """GET ``path`` from the replica with ``Host: moduc.replica.test``; the answer exactly as sent."""
    host, port = server_url.split("//", 1)[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    request_headers = [("Host", HOST), ("User-Agent", "sample-builder/1.0"), ("Accept", "*/*")]
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    for name, value in request_headers:
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    headers = [(name, value) for name, value in response.getheaders()]
    connection.close()
    return Exchange(BASE + path, response.status, response.reason, headers, body, body, request_headers)


def chunked_gzip(exchange: Exchange, chunk: int = 700) -> Exchange:
    """The same answer as a server sends it gzipped and chunked (Content-Length replaced by Transfer-Encoding)."""
    encoded = gzip.compress(exchange.content, mtime=0)
    pieces = [encoded[i : i + chunk] for i in range(0, len(encoded), chunk)]
    wire = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    headers = [(n, v) for n, v in exchange.headers if n.lower() != "content-length"]
    headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    return Exchange(exchange.url, exchange.status, exchange.reason, headers, wire, exchange.content)


def gzipped(exchange: Exchange) -> Exchange:
    """The same answer with ``Content-Encoding: gzip`` and its length (HTTP/2 has no chunking)."""
    encoded = gzip.compress(exchange.content, mtime=0)
    headers = [(n, v) for n, v in exchange.headers if n.lower() not in ("content-length", "connection")]
    headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(encoded)))]
    return Exchange(exchange.url, exchange.status, exchange.reason, headers, encoded, exchange.content)


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


class Writer:
    """Writes WARC records with the fields in the order given (producers differ in order and version)."""

    def __init__(self, path: Path, version: str, compress: bool):
        self.path = path
        self.version = version
        self.compress = compress
        self.out = path.open("wb")

    def write(self, fields: list[tuple[str, str]], block: bytes, digests: bool = True) -> int:
        offset = self.out.tell()
        fields = list(fields)
        if digests and not any(n == "WARC-Block-Digest" for n, _ in fields):
            fields.append(("WARC-Block-Digest", sha1_b32(block)))
        if not any(n == "Content-Length" for n, _ in fields):
            fields.append(("Content-Length", str(len(block))))
        head = f"{self.version}\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields) + "\r\n"
        data = head.encode("utf-8") + block + b"\r\n\r\n"
        self.out.write(gzip.compress(data) if self.compress else data)
        return offset

    def close(self) -> None:
        self.out.close()


def _dates(start: datetime):
    moment = start
    while True:
        yield moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        moment += timedelta(seconds=1)


def heritrix_warc(
    path: Path, exchanges: list[Exchange], revisits: list[Exchange] = (), compress: bool = True
) -> list[Capture]:
    """A Heritrix 3 WARC of ``exchanges``; each of ``revisits`` (an exchange already in ``exchanges``, fetched
    again later with the same payload) becomes a revisit record."""
    writer = Writer(path, "WARC/1.0", compress)
    dates = _dates(datetime(2024, 5, 2, 3, 4, 5, tzinfo=UTC))
    info = (
        b"software: Heritrix/3.4.0-20220727 http://crawler.archive.org\r\nip: 10.0.0.5\r\nhostname: crawler01\r\n"
        b"format: WARC File Format 1.0\r\nconformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"
        b"\r\nisPartOf: moduc-2024\r\ndescription: Mo Duc district portal before the 2025 merger\r\nrobots: obey\r\n"
        b"http-header-user-agent: Mozilla/5.0 (compatible; heritrix/3.4.0 +http://archive.example/)\r\n"
    )
    writer.write(
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", next(dates)),
            ("WARC-Filename", path.name),
            ("WARC-Record-ID", record_id()),
            ("Content-Type", "application/warc-fields"),
        ],
        info,
    )
    dns_date = next(dates)
    writer.write(
        [
            ("WARC-Type", "response"),
            ("WARC-Target-URI", f"dns:{HOST}"),
            ("WARC-Date", dns_date),
            ("WARC-IP-Address", "8.8.8.8"),
            ("WARC-Record-ID", record_id()),
            ("Content-Type", "text/dns"),
        ],
        f"{dns_date[:4]}{dns_date[5:7]}{dns_date[8:10]}{dns_date[11:13]}{dns_date[14:16]}{dns_date[17:19]}\n"
        f"{HOST}.\t300\tIN\tA\t203.0.113.7\n".encode(),
    )
    captures: list[Capture] = []
    first: dict[str, tuple[str, str]] = {}
    for exchange in [*exchanges, *revisits]:
        date = next(dates)
        response_id = record_id()
        block_headers = exchange.http_block()
        digest = sha1_b32(exchange.body)
        if exchange.url in first and exchange in revisits:
            earlier_date, _ = first[exchange.url]
            offset = writer.write(
                [
                    ("WARC-Type", "revisit"),
                    ("WARC-Target-URI", exchange.url),
                    ("WARC-Date", date),
                    ("WARC-Payload-Digest", digest),
                    ("WARC-IP-Address", "203.0.113.7"),
                    ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
                    ("WARC-Truncated", "length"),
                    ("WARC-Refers-To-Target-URI", exchange.url),
                    ("WARC-Refers-To-Date", earlier_date),
                    ("WARC-Record-ID", response_id),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block_headers,
            )
            captures.append(Capture(exchange.url, "revisit", offset, response_id, date))
        else:
            offset = writer.write(
                [
                    ("WARC-Type", "response"),
                    ("WARC-Target-URI", exchange.url),
                    ("WARC-Date", date),
                    ("WARC-Payload-Digest", digest),
                    ("WARC-IP-Address", "203.0.113.7"),
                    ("WARC-Record-ID", response_id),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block_headers + exchange.body,
            )
            first.setdefault(exchange.url, (date, response_id))
            captures.append(Capture(exchange.url, "response", offset, response_id, date))
        writer.write(
            [
                ("WARC-Type", "request"),
                ("WARC-Target-URI", exchange.url),
                ("WARC-Date", date),
                ("WARC-Concurrent-To", response_id),
                ("WARC-Record-ID", record_id()),
                ("Content-Type", "application/http; msgtype=request"),
            ],
            exchange.request_block(),
        )
        writer.write(
            [
                ("WARC-Type", "metadata"),
                ("WARC-Target-URI", exchange.url),
                ("WARC-Date", date),
                ("WARC-Concurrent-To", response_id),
                ("WARC-Record-ID", record_id()),
                ("Content-Type", "application/warc-fields"),
            ],
            f"via: {BASE}/\r\nhopsFromSeed: L\r\nfetchTimeMs: 42\r\n".encode(),
        )
    writer.close()
    return captures


def wget_warc(path: Path, exchanges: list[Exchange], compress: bool = False) -> list[Capture]:
    """A wget 1.21 ``--warc-file`` WARC (``--no-warc-compression`` unless ``compress``)."""
    writer = Writer(path, "WARC/1.0", compress)
    dates = _dates(datetime(2023, 9, 14, 8, 0, 0, tzinfo=UTC))
    info_id = record_id()
    arguments = f'"wget" "--warc-file=moduc" "--recursive" "--page-requisites" "{BASE}/"'
    writer.write(
        [
            ("WARC-Type", "warcinfo"),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Date", next(dates)),
            ("WARC-Record-ID", info_id),
            ("WARC-Filename", path.name),
        ],
        (
            "software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
            "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
            f"robots: classic\r\nwget-arguments: {arguments}\r\n"
        ).encode(),
    )
    captures: list[Capture] = []
    for exchange in exchanges:
        date = next(dates)
        request_id = record_id()
        writer.write(
            [
                ("WARC-Type", "request"),
                ("WARC-Target-URI", f"<{exchange.url}>"),
                ("Content-Type", "application/http;msgtype=request"),
                ("WARC-Date", date),
                ("WARC-Record-ID", request_id),
                ("WARC-IP-Address", "203.0.113.7"),
                ("WARC-Warcinfo-ID", info_id),
            ],
            exchange.request_block(),
        )
        response_id = record_id()
        block = exchange.http_block() + exchange.body
        offset = writer.write(
            [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                ("WARC-Warcinfo-ID", info_id),
                ("WARC-Concurrent-To", request_id),
                ("WARC-Target-URI", f"<{exchange.url}>"),
                ("WARC-Date", date),
                ("WARC-IP-Address", "203.0.113.7"),
                ("WARC-Block-Digest", sha1_b32(block)),
                ("WARC-Payload-Digest", sha1_b32(exchange.body)),
                ("Content-Type", "application/http;msgtype=response"),
            ],
            block,
        )
        captures.append(Capture(exchange.url, "response", offset, response_id, date))
    manifest = f"{info_id}\n".encode()
    log = b"Opening WARC file 'moduc.warc'.\n\nFINISHED --2023-09-14 08:00:09--\n"
    for kind, name, block, mime in (
        ("metadata", "MANIFEST.txt", manifest, "text/plain"),
        ("resource", "wget_arguments.txt", arguments.encode(), "text/plain"),
        ("resource", "wget.log", log, "text/plain"),
    ):
        writer.write(
            [
                ("WARC-Type", kind),
                ("WARC-Record-ID", record_id()),
                ("WARC-Warcinfo-ID", info_id),
                ("WARC-Target-URI", f"<metadata://gnu.org/software/wget/warc/{name}>"),
                ("WARC-Date", next(dates)),
                ("Content-Type", mime),
            ],
            block,
        )
    writer.close()
    return captures


def browsertrix_warc(path: Path, exchanges: list[Exchange]) -> list[Capture]:
    """A Browsertrix-crawler 1.x WARC (gzip per record) of ``exchanges`` (give them :func:`gzipped`)."""
    writer = Writer(path, "WARC/1.0", True)
    dates = _dates(datetime(2025, 6, 20, 1, 2, 3, tzinfo=UTC))
    writer.write(
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", record_id()),
            ("WARC-Filename", path.name),
            ("WARC-Date", next(dates)),
            ("Content-Type", "application/warc-fields"),
        ],
        (
            b"software: Browsertrix-Crawler 1.6.0 (with warcio.js 2.4.4)\r\nformat: WARC File Format 1.0\r\n"
            b"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
        ),
    )
    captures: list[Capture] = []
    for exchange in exchanges:
        date = next(dates)
        response_id = record_id()
        block = exchange.http_block(lower=True, drop=("connection", "transfer-encoding")) + exchange.body
        offset = writer.write(
            [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                ("WARC-Target-URI", exchange.url),
                ("WARC-Date", date),
                ("WARC-IP-Address", "203.0.113.7"),
                ("Content-Type", "application/http; msgtype=response"),
                ("Content-Length", str(len(block))),
                ("WARC-Payload-Digest", sha1_b32(exchange.body)),
                ("WARC-Block-Digest", sha1_b32(block)),
            ],
            block,
        )
        captures.append(Capture(exchange.url, "response", offset, response_id, date))
        request = exchange.request_block()
        writer.write(
            [
                ("WARC-Type", "request"),
                ("WARC-Record-ID", record_id()),
                ("WARC-Target-URI", exchange.url),
                ("WARC-Date", date),
                ("WARC-Concurrent-To", response_id),
                ("Content-Type", "application/http; msgtype=request"),
                ("Content-Length", str(len(request))),
                ("WARC-Block-Digest", sha1_b32(request)),
            ],
            request,
        )
    writer.close()
    return captures
