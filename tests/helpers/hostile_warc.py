"""Hostile and damaged WARC files, built in the test: bombs, endless lines and members, lying lengths,
garbage, cut files.

Each case is a real WARC file with a normal article page before the hostile record and another after it (their
photos and documents at the end), so that a test can check that a bad record costs only itself: both articles are
archived, the bad record is one warning line and one ``import_failures`` row at its offset. :data:`CASES` lists them
with an id and a one-line description (the README's table of hostile cases is made from it).

Huge stretches are never held in memory, here or in the file when it is compressed: a :class:`Repeat` stands for
``count`` copies of a pattern, and :func:`deflate_raw` compresses it by compressing one chunk of copies after a full
flush (which resets the compressor, so each further chunk compresses to the same bytes) and repeating those bytes.
The gzip and zlib checksums of the whole are computed by combining the pattern's (:func:`crc32_of`,
:func:`adler32_of`, zlib's own ``crc32_combine`` and ``adler32_combine`` in Python), so a member standing for
8 GiB is a valid gzip member of 8 MB, built in a fraction of a second. Brotli is built the same way once its output
for one chunk repeats (:func:`brotli_bytes`). ``tests/e2e/test_hostile_warc.py`` checks the builder against zlib,
gzip and brotli on small sizes.
"""

from __future__ import annotations

import http.client
import random
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.helpers import warc_samples as samples
from tests.helpers.loopback import Answer, LoopbackServer, Request

#: Bytes of pattern copies compressed at once (then repeated as compressed bytes).
CHUNK = 1 << 20
GiB = 1 << 30
MiB = 1 << 20


@dataclass(frozen=True)
class Repeat:
    """``count`` copies of ``pattern``, never made in memory."""

    pattern: bytes
    count: int

    def __len__(self) -> int:
        return len(self.pattern) * self.count


Part = bytes | Repeat


def size_of(parts: Iterable[Part]) -> int:
    return sum(len(part) for part in parts)


def pieces(parts: Iterable[Part], step: int = CHUNK) -> Iterable[bytes]:
    """The bytes of ``parts`` in pieces of about ``step`` (for writing an uncompressed file, or small checks)."""
    for part in parts:
        if isinstance(part, bytes):
            yield part
            continue
        per = max(1, step // len(part.pattern))
        whole, rest = divmod(part.count, per)
        chunk = part.pattern * per
        for _ in range(whole):
            yield chunk
        if rest:
            yield part.pattern * rest


# Checksums of repeated data: zlib's combine functions ------------------------------------------------------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A+B from those of A and B (B of ``length2`` bytes): zlib's ``crc32_combine``."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """The Adler-32 of A+B from those of A and B: zlib's ``adler32_combine``."""
    base = 65521
    remainder = length2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (remainder * sum1) % base
    sum1 += (adler2 & 0xFFFF) + base - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + base - remainder
    sum1 %= base
    sum2 %= base
    return sum1 | (sum2 << 16)


def _checksum(parts: Iterable[Part], start: int, one: Callable[[bytes, int], int], combine) -> int:
    value = start
    for part in parts:
        if isinstance(part, bytes):
            value = one(part, value)
            continue
        unit, unit_length, count = one(part.pattern, start), len(part.pattern), part.count
        repeated, repeated_length = start, 0
        while count:  # doubling: the checksum of 2^k copies from that of 2^(k-1)
            if count & 1:
                repeated = combine(repeated, unit, unit_length)
                repeated_length += unit_length
            unit = combine(unit, unit, unit_length)
            unit_length *= 2
            count >>= 1
        value = combine(value, repeated, repeated_length)
    return value


def crc32_of(parts: Iterable[Part]) -> int:
    return _checksum(parts, 0, zlib.crc32, crc32_combine)


def adler32_of(parts: Iterable[Part]) -> int:
    return _checksum(parts, 1, zlib.adler32, adler32_combine)


# Compressed forms -------------------------------------------------------------------------------------------------


def deflate_raw(parts: Iterable[Part]) -> bytes:
    """Raw deflate of ``parts``; a :class:`Repeat` costs one chunk's compression, whatever its count."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    out: list[bytes] = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH))
            continue
        per = max(1, CHUNK // len(part.pattern))
        whole, rest = divmod(part.count, per)
        if whole:  # after a full flush the compressor starts afresh: every chunk compresses to these bytes
            out.append((compressor.compress(part.pattern * per) + compressor.flush(zlib.Z_FULL_FLUSH)) * whole)
        if rest:
            out.append(compressor.compress(part.pattern * rest) + compressor.flush(zlib.Z_FULL_FLUSH))
    out.append(compressor.flush())
    return b"".join(out)


def gzip_bytes(parts: list[Part]) -> bytes:
    """One gzip member of ``parts`` (RFC 1952: header, deflate, CRC-32, size modulo 2^32)."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + deflate_raw(parts) + struct.pack("<II", crc32_of(parts), size_of(parts) & 0xFFFFFFFF)


def zlib_bytes(parts: list[Part]) -> bytes:
    """``parts`` in the zlib format (RFC 1950), which HTTP's ``Content-Encoding: deflate`` names."""
    return b"\x78\xda" + deflate_raw(parts) + struct.pack(">I", adler32_of(parts))


def brotli_bytes(repeat: Repeat) -> bytes:
    """Brotli of one :class:`Repeat`: chunks are compressed until the compressor's output for a chunk repeats
    itself, then that output is repeated (the data is periodic, so each later chunk refers back the same way)."""
    import brotli

    compressor = brotli.Compressor(quality=5, lgwin=24)
    per = max(1, CHUNK // len(repeat.pattern))
    whole, rest = divmod(repeat.count, per)
    chunk = repeat.pattern * per
    out: list[bytes] = []
    done = 0
    while done < whole:
        piece = compressor.process(chunk) + compressor.flush()
        done += 1
        if out and piece == out[-1] and done > 16:  # past the first 16 MiB window: steady
            out.append(piece * (whole - done + 1))
            done = whole
        elif done > 64:
            raise RuntimeError("brotli's output for a repeated chunk does not settle")
        else:
            out.append(piece)
    if rest:
        out.append(compressor.process(repeat.pattern * rest))
    out.append(compressor.finish())
    return b"".join(out)


# WARC files --------------------------------------------------------------------------------------------------------


class Writer:
    """Writes a WARC file record by record, gzip per record or uncompressed, hostile records among normal ones;
    each method returns the offset where it wrote."""

    def __init__(self, path: Path, compress: bool):
        self.path = path
        self.compress = compress
        self.out = path.open("wb")
        self._date = 0

    def _write(self, parts: list[Part]) -> int:
        offset = self.out.tell()
        if self.compress:
            self.out.write(gzip_bytes(parts))
        else:
            for piece in pieces(parts):
                self.out.write(piece)
        return offset

    def record(
        self, fields: list[tuple[str, str]], block: list[Part], *, length: int | None = None, end: bytes = b"\r\n\r\n"
    ) -> int:
        """A record of ``fields`` and ``block``; ``length``: the Content-Length to declare instead of the true one."""
        declared = size_of(block) if length is None else length
        head = "WARC/1.0\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields) + f"Content-Length: {declared}\r\n\r\n"
        return self._write([head.encode("utf-8"), *block, end])

    def raw(self, parts: list[Part]) -> int:
        """Bytes as they are, between records (garbage)."""
        offset = self.out.tell()
        for piece in pieces(parts):
            self.out.write(piece)
        return offset

    def member(self, parts: list[Part]) -> int:
        """A gzip member of ``parts``, whatever they are (not a record)."""
        offset = self.out.tell()
        self.out.write(gzip_bytes(parts))
        return offset

    def date(self) -> str:
        self._date += 1
        return f"2024-05-02T03:{self._date // 60:02d}:{self._date % 60:02d}Z"

    def warcinfo(self) -> int:
        fields = [("WARC-Type", "warcinfo"), ("WARC-Date", self.date()), ("WARC-Record-ID", samples.record_id())]
        return self.record(
            [*fields, ("Content-Type", "application/warc-fields")],
            [b"software: hostile-warc-builder/1.0\r\nformat: WARC File Format 1.0\r\n"],
        )

    def response(self, url: str, block: list[Part], *, length: int | None = None, digest: bytes | None = None) -> int:
        fields = [
            ("WARC-Type", "response"),
            ("WARC-Target-URI", url),
            ("WARC-Date", self.date()),
            ("WARC-Record-ID", samples.record_id()),
            ("Content-Type", "application/http; msgtype=response"),
        ]
        if digest is not None:
            fields.append(("WARC-Payload-Digest", samples.sha1_b32(digest)))
        return self.record(fields, block, length=length)

    def exchange(self, exchange: samples.Exchange, *, length: int | None = None) -> int:
        """A normal page, photo or document, as the replica served it."""
        block = exchange.http_block() + exchange.body
        return self.response(
            exchange.url, [block], length=None if length is None else len(block) + length, digest=exchange.body
        )

    def close(self) -> None:
        self.out.close()


def http_head(status: str = "200 OK", *fields: tuple[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: text/html; charset=utf-8", *(f"{n}: {v}" for n, v in fields)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# The cases ---------------------------------------------------------------------------------------------------------


@dataclass
class Pages:
    """The normal records of every case: an article before the hostile record, one after it, their photos and
    documents, and a third article whose URL (or page) the hostile record takes."""

    before: samples.Exchange
    after: samples.Exchange
    media: list[samples.Exchange]
    third: samples.Exchange


@dataclass
class Built:
    """A case's file, and what the import must say about it."""

    path: Path
    offset: int  # where the skipped record (or stretch) starts
    error: str  # a part of the error it must be recorded with
    url: str | None  # the URL the warning must name, when the record's headers say one


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    build: Callable[[Path, Pages], Built]


def _around(path: Path, pages: Pages, compress: bool, hostile: Callable[[Writer], int]) -> int:
    """The usual layout: warcinfo, the article before, the hostile record, the article after, the media."""
    writer = Writer(path, compress)
    writer.warcinfo()
    writer.exchange(pages.before)
    offset = hostile(writer)
    writer.exchange(pages.after)
    for exchange in pages.media:
        writer.exchange(exchange)
    writer.close()
    return offset


def _bomb(coding: str, encoded: bytes, limit_note: str) -> Callable[[Path, Pages], Built]:
    def build(folder: Path, pages: Pages) -> Built:
        path = folder / f"{coding}-bomb.warc.gz"
        head = http_head("200 OK", ("Content-Encoding", coding), ("Content-Length", str(len(encoded))))
        offset = _around(path, pages, True, lambda w: w.response(pages.third.url, [head, encoded], digest=encoded))
        return Built(
            path,
            offset,
            f"response too large: over the limit of 10485760 bytes once decoded ({limit_note})",
            pages.third.url,
        )

    return build


def gzip_bomb(folder: Path, pages: Pages) -> Built:
    encoded = gzip_bytes([b"<html><body><p>", Repeat(b" ", 8 * GiB)])
    return _bomb("gzip", encoded, "gzip")(folder, pages)


def deflate_bomb(folder: Path, pages: Pages) -> Built:
    encoded = zlib_bytes([b"<html><body><p>", Repeat(b" ", 8 * GiB)])
    return _bomb("deflate", encoded, "deflate")(folder, pages)


def brotli_bomb(folder: Path, pages: Pages) -> Built:
    return _bomb("br", brotli_bytes(Repeat(b" ", 64 * GiB)), "br")(folder, pages)


def endless_chunks(folder: Path, pages: Pages) -> Built:
    path = folder / "endless-chunks.warc.gz"
    head = http_head("200 OK", ("Transfer-Encoding", "chunked"))
    chunk = b"1000\r\n" + b"<p>" * 1365 + b"x\r\n"  # 4096 bytes a chunk, a million chunks (4 GiB), no last one
    block = [head, Repeat(chunk, 1 << 20)]
    offset = _around(path, pages, True, lambda w: w.response(pages.third.url, block))
    error = f"response too large: its WARC record's block is {size_of(block)} bytes, over the limit of 67108864"
    return Built(path, offset, error, pages.third.url)


def absurd_chunk_size(folder: Path, pages: Pages) -> Built:
    path = folder / "absurd-chunk.warc"
    block = [http_head("200 OK", ("Transfer-Encoding", "chunked")), b"ffffffffffffffff\r\n", b"<p>tin</p>" * 300]
    offset = _around(path, pages, False, lambda w: w.response(pages.third.url, block))
    return Built(path, offset, "chunked body cut off: a chunk of 18446744073709551615 bytes", pages.third.url)


def member_of_zeros(folder: Path, pages: Pages) -> Built:
    path = folder / "member-of-zeros.warc.gz"
    offset = _around(path, pages, True, lambda w: w.member([Repeat(b"\0", 8 * GiB)]))
    return Built(path, offset, "holds no WARC record (no line end in its first 64 KiB)", None)


def _endless_line(compress: bool, length: int) -> Callable[[Path, Pages], Built]:
    def build(folder: Path, pages: Pages) -> Built:
        path = folder / ("endless-line.warc.gz" if compress else "endless-line.warc")
        fields = f"WARC-Type: response\r\nWARC-Target-URI: {pages.third.url}\r\nX-Endless: ".encode()
        block = [b"WARC/1.0\r\n", fields, Repeat(b"a", length), b"\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n"]
        offset = _around(path, pages, compress, lambda w: w.member(block) if compress else w.raw(block))
        return Built(path, offset, "a header line goes on for more than 64 KiB without a line end", pages.third.url)

    return build


def million_headers(folder: Path, pages: Pages) -> Built:
    path = folder / "million-headers.warc"
    block = [
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {pages.third.url}\r\n".encode(),
        Repeat(b"X-Hostile: 1\r\n", 1_000_000),
        b"Content-Length: 4\r\n\r\nabcd\r\n\r\n",
    ]
    offset = _around(path, pages, False, lambda w: w.raw(block))
    return Built(path, offset, "more than 1000 header fields", pages.third.url)


def bad_uri(folder: Path, pages: Pages) -> Built:
    path = folder / "bad-uri.warc.gz"
    url = "http://[moduc.replica.test/tin-tuc-su-kien/-/view_content/1-bad.html"
    block = pages.third.http_block() + pages.third.body
    offset = _around(path, pages, True, lambda w: w.response(url, [block]))
    return Built(path, offset, "unparsable WARC-Target-URI (Invalid IPv6 URL)", url)


def _garbage(compress: bool) -> Callable[[Path, Pages], Built]:
    def build(folder: Path, pages: Pages) -> Built:
        path = folder / ("garbage.warc.gz" if compress else "garbage.warc")
        noise = random.Random(12).randbytes(100_000)
        # a gzip magic inside, to be checked and rejected, and no line that could begin a record
        garbage = b"GARBAGE " + noise[:40_000] + b"\x1f\x8b\x08" + noise[40_000:]
        offset = _around(path, pages, compress, lambda w: w.raw([garbage.replace(b"\nWARC/", b"\nWARC.")]))
        what = "bytes that are not a gzip member" if compress else "bytes that are not a WARC record"
        return Built(path, offset, what, None)

    return build


def _lying_length(compress: bool, by: int) -> Callable[[Path, Pages], Built]:
    def build(folder: Path, pages: Pages) -> Built:
        name = f"length-too-{'long' if by > 0 else 'short'}.warc{'.gz' if compress else ''}"
        path = folder / name
        offset = _around(path, pages, compress, lambda w: w.exchange(pages.third, length=by))
        if compress:
            error = "runs past the end of its gzip member" if by > 0 else "its gzip member goes on after the"
        else:
            error = "runs past the end of the record" if by > 0 else "ends inside the record"
        return Built(path, offset, error, pages.third.url)

    return build


def truncated(folder: Path, pages: Pages) -> Built:
    path = folder / "truncated.warc.gz"
    writer = Writer(path, True)
    writer.warcinfo()
    writer.exchange(pages.before)
    writer.exchange(pages.after)
    for exchange in pages.media:
        writer.exchange(exchange)
    offset = writer.exchange(pages.third)
    writer.close()
    data = path.read_bytes()
    path.write_bytes(data[: offset + (len(data) - offset) * 3 // 4])  # cut inside the last record's block
    return Built(path, offset, "cut off: ", pages.third.url)


#: Every hostile file: id, what it is, and how it is made.
CASES: list[Case] = [
    Case("gzip-bomb", "a page with Content-Encoding: gzip that inflates to 8 GiB", gzip_bomb),
    Case("deflate-bomb", "a page with Content-Encoding: deflate that inflates to 8 GiB", deflate_bomb),
    Case("brotli-bomb", "a page with Content-Encoding: br that decodes to 64 GiB", brotli_bomb),
    Case("endless-chunks", "a chunked page of a million 4 KiB chunks (4 GiB) and no last chunk", endless_chunks),
    Case("absurd-chunk", "a chunked page whose first chunk claims 2^64-1 bytes", absurd_chunk_size),
    Case("member-of-zeros", "a .warc.gz member that inflates to 8 GiB of zeros, no record", member_of_zeros),
    Case("endless-line", "a WARC header line of 8 MiB with no line end (.warc)", _endless_line(False, 8 * MiB)),
    Case("endless-line-gz", "a WARC header line of 8 GiB with no line end (.warc.gz)", _endless_line(True, 8 * GiB)),
    Case("million-headers", "a WARC header block of a million fields (14 MB)", million_headers),
    Case("bad-uri", "a response whose WARC-Target-URI does not parse", bad_uri),
    Case("garbage", "100 KB of random bytes between two records (.warc)", _garbage(False)),
    Case("garbage-gz", "100 KB of random bytes between two members (.warc.gz), a gzip magic inside", _garbage(True)),
    Case("length-too-long", "a Content-Length 3,000 bytes too long (.warc)", _lying_length(False, 3000)),
    Case("length-too-short", "a Content-Length 3,000 bytes too short (.warc)", _lying_length(False, -3000)),
    Case("length-too-long-gz", "a Content-Length 3,000 bytes too long (.warc.gz)", _lying_length(True, 3000)),
    Case("length-too-short-gz", "a Content-Length 3,000 bytes too short (.warc.gz)", _lying_length(True, -3000)),
    Case("truncated", "a .warc.gz cut three quarters into its last record", truncated),
]

# A hostile site, for govscraper's own WARC of it ---------------------------------------------------------------------

#: Where the hostile site answers with its bomb (a Liferay article address, so that a crawl reads it as an article).
BOMB_PATH = "/tin-tuc-su-kien/-/view_content/999999-trang-tin-nen-gzip.html"


class HostileSite:
    """A portal that attacks its crawler: the replica's pages, passed through a server on 127.0.0.1, and on the home
    page one more link, to :data:`BOMB_PATH` (right after the link to ``after``, so that a crawl reads articles
    before it and after it), which answers with ``Content-Encoding: gzip`` and a 1 MB body that inflates to
    ``size`` bytes. govscraper's crawl refuses the page (Scrapy's decompression stops at the page limit) but records
    it in its WARC as received, still compressed: re-importing that WARC meets the bomb."""

    def __init__(self, replica: Any, after: str, size: int = GiB):
        self.replica = replica
        self.after = after.encode()
        self.bomb = gzip_bytes([b"<html><head><title>Tin</title></head><body><p>", Repeat(b" ", size)])
        self.link = f'<a href="{BOMB_PATH}">Tin nén</a>'.encode()
        self._server = LoopbackServer(self.answer, protocol="HTTP/1.1")

    @property
    def url(self) -> str:
        return self._server.url + "/"

    def answer(self, request: Request) -> Answer:
        path = urlsplit(request.path).path
        if path == BOMB_PATH:
            return Answer(body=self.bomb, headers={"Content-Encoding": "gzip"})
        host, port = self.replica.url.split("//", 1)[1].rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        connection.putrequest("GET", request.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", request.host)  # the replica's links name this server
        connection.endheaders()
        answer = connection.getresponse()
        status, body = answer.status, answer.read()
        headers = [
            (n, v) for n, v in answer.getheaders() if n.lower() not in ("content-length", "connection", "server")
        ]
        connection.close()
        if path == "/" and self.after in body:
            end = body.index(b"</a>", body.index(self.after)) + len(b"</a>")
            body = body[:end] + self.link + body[end:]
        return Answer(status, body, content_type=None, headers=headers)

    def __enter__(self) -> HostileSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()


__all__ = [
    "BOMB_PATH",
    "CASES",
    "Built",
    "Case",
    "HostileSite",
    "Pages",
    "Repeat",
    "Writer",
    "adler32_of",
    "brotli_bytes",
    "crc32_of",
    "deflate_raw",
    "gzip_bytes",
    "pieces",
    "size_of",
    "zlib_bytes",
]
