"""Bounded reading of WARC files: their records, the HTTP answers inside them and the payloads, whatever the bytes.

``govscraper import-warc`` reads files made by others, and a file may be damaged or hostile: a response whose gzip
body inflates to gigabytes, a header line with no end, a ``.warc.gz`` member that inflates forever and holds no
record, garbage between records, a Content-Length that lies. warcio (which the rest of govscraper uses for its own
files) reads a header line whole, inflates a gzip member as far as it goes and decodes a body whole, so one such
record takes all the memory there is, or hours; and its iterator stops at the first bad record, so everything after
it is lost. This reader holds and inflates nothing without a bound, and reports a bad record (:class:`Skipped`, with
its offset, what could be read of its headers and the reason) instead of stopping: reading goes on at the next
record, found again by its signature if need be.

The bounds, and why these values:

* :data:`MAX_LINE` (64 KiB) per header line (WARC fields, HTTP status and fields, chunk sizes). Real lines are a few
  hundred bytes; the longest legitimate ones (URLs, cookies) stay far below it (Apache refuses HTTP lines over
  8 KiB, nginx over 8-32 KiB), so no real record is refused and a line with no end costs 64 KiB at most.
* :data:`MAX_HEAD` (1 MiB) and :data:`MAX_FIELDS` (1,000) per header block, the WARC one and the HTTP one: a real
  block has 10 to 50 fields in a few KiB. A million headers are refused after the 1,000th, not held.
* ``block_limit`` per record block (the caller passes ``DOWNLOAD_MAXSIZE`` plus :data:`MAX_HEAD` for the HTTP
  head): a larger block could not be archived anyway (a live crawl refuses a response over ``DOWNLOAD_MAXSIZE``),
  so it is stepped over, not read (:attr:`Whole.oversize`), and a request for it is refused.
* a gzip member is inflated at most as far as one record can reach (headers + ``block_limit`` + a step); past that,
  or when it holds no readable record, the next member is found by scanning the compressed bytes for the gzip magic
  ``1f 8b 08`` and checking that the candidate inflates to ``WARC/``: leaving a member costs its compressed size,
  never what it would inflate to.
* payloads are decoded (chunked transfer coding; gzip, deflate and br content codings) :data:`STEP` bytes of output
  at a time (zlib's ``max_length``, brotli's ``output_buffer_limit``), counted against the request's limit, and
  refused (:class:`TooLarge`) as soon as they are over it.

Everything in memory at once is therefore a few MiB plus the one body being decoded (at most its limit).
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

try:  # requirements pin brotli; without it (or without bounded output, brotli < 1.2) a br body stays encoded
    import brotli

    _BROTLI = hasattr(brotli.Decompressor(), "can_accept_more_data")
except ImportError:  # pragma: no cover
    brotli = None
    _BROTLI = False

#: Longest header line read (WARC, HTTP, chunk size); see the module's docstring for why.
MAX_LINE = 64 * 1024
#: Largest header block (a record's WARC headers; its HTTP head).
MAX_HEAD = 1024 * 1024
#: Most fields in one header block.
MAX_FIELDS = 1000
#: Bytes read, inflated or decoded in one step.
STEP = 64 * 1024
#: Bytes scanned at once when looking for the next record.
_SCAN = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b\x08"
_VERSION = re.compile(rb"WARC/\d{1,3}\.\d{1,3}")
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")


class Damaged(Exception):
    """Why a record, or a stretch of a file, cannot be read: one line, with what could be read of its headers."""

    def __init__(self, reason: str, fields: list[tuple[str, str]] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.fields = list(fields or [])


class NotARecord(Damaged):
    """The bytes here do not begin a WARC record (no ``WARC/<version>`` line)."""


class CutOff(Damaged):
    """The file (or the gzip member) ends inside the record's headers."""


class TooLarge(Damaged):
    """A body over its size limit: refused as soon as it is over, before it is whole."""


class _LineTooLong(Exception):
    pass


def _text(line: bytes) -> str:
    """A header line as text: UTF-8, else ISO-8859-1 (as warcio reads them)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")


def field_value(fields: list[tuple[str, str]], name: str) -> str | None:
    """The first value of ``name`` (any case) in ``fields``."""
    wanted = name.lower()
    for key, value in fields:
        if key.lower() == wanted:
            return value
    return None


# Streams ----------------------------------------------------------------------------------------------------------


class _Stream:
    """Bytes pulled in steps from a source (``pull(n)``: at most about ``n`` bytes, ``b""`` at its end), with what is
    buffered never more than a line's bound plus a step, and the position of the next byte counted."""

    def __init__(self, pull: Callable[[int], bytes], position: int = 0):
        self._pull = pull
        self._buffer = bytearray()
        self.position = position
        self.ended = False

    def _more(self) -> bool:
        if self.ended:
            return False
        chunk = self._pull(STEP)
        if not chunk:
            self.ended = True
            return False
        self._buffer += chunk
        return True

    def peek(self, n: int) -> bytes:
        while len(self._buffer) < n and self._more():
            pass
        return bytes(self._buffer[:n])

    def at_end(self) -> bool:
        return not self.peek(1)

    def _take(self, n: int) -> bytes:
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        self.position += len(data)
        return data

    def read_some(self, n: int) -> bytes:
        """Between 1 and ``n`` bytes; ``b""`` only at the end."""
        if not self._buffer and not self._more():
            return b""
        return self._take(n)

    def read(self, n: int) -> bytes:
        """``n`` bytes (fewer only at the end); for small ``n`` only: they are gathered in memory."""
        while len(self._buffer) < n and self._more():
            pass
        return self._take(n)

    def readline(self, limit: int = MAX_LINE) -> bytes:
        """One line with its ``\\n`` (at the end: what is left, possibly without); :class:`_LineTooLong` when no line
        end comes within ``limit`` bytes."""
        searched = 0
        while True:
            end = self._buffer.find(b"\n", searched)
            if end >= 0:
                if end + 1 > limit:
                    raise _LineTooLong()
                return self._take(end + 1)
            searched = len(self._buffer)
            if searched > limit:
                raise _LineTooLong()
            if not self._more():
                return self._take(len(self._buffer))

    def skip(self, n: int) -> int:
        """Step over ``n`` bytes (fewer at the end); how many were stepped over."""
        done = 0
        while done < n:
            data = self.read_some(min(STEP, n - done))
            if not data:
                break
            done += len(data)
        return done

    def skip_newlines(self, limit: int | None = None) -> int:
        """Step over CR and LF bytes (at most ``limit``); how many."""
        count = 0
        while limit is None or count < limit:
            if not self._buffer and not self._more():
                break
            stripped = len(self._buffer) - len(self._buffer.lstrip(b"\r\n"))
            if limit is not None:
                stripped = min(stripped, limit - count)
            self._take(stripped)
            count += stripped
            if self._buffer:
                break
        return count


class _FileStream(_Stream):
    """A file's bytes from ``offset``; stepping over bytes seeks instead of reading them."""

    def __init__(self, file: Any, offset: int):
        file.seek(offset)
        self._file = file
        super().__init__(file.read, offset)

    def skip(self, n: int) -> int:
        buffered = min(n, len(self._buffer))
        self._take(buffered)
        rest = n - buffered
        if rest <= 0:
            return buffered
        here = self._file.tell()
        end = os.fstat(self._file.fileno()).st_size
        target = min(here + rest, end)
        self._file.seek(target)
        self.position += target - here
        return buffered + target - here


class _Member:
    """One gzip member of a file, inflated :data:`STEP` bytes at a time (zlib's ``max_length``): however much it
    would inflate to, what is held is one step. Knows where the member ends once its trailer is reached, and how far
    into the compressed bytes it has got before that. (Scrapy's bounded ``gunzip`` does not fit: it takes a whole
    body in memory and returns a whole output, and reads on across members, where this reads a file piece by piece
    and must stop at the member's end.)"""

    def __init__(self, file: Any, offset: int):
        file.seek(offset)
        self._file = file
        self.offset = offset
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._pending = b""
        self._read_in = 0
        self._read_size = 4096  # most members are a few KiB: reads start small and grow to a step
        self.produced = 0
        self.eof = False
        self.file_ended = False

    def inflate(self, n: int) -> bytes:
        """Up to ``n`` more inflated bytes; ``b""`` at the member's end or the file's. Raises zlib.error."""
        while not self.eof:
            if not self._pending:
                data = self._file.read(self._read_size)
                self._read_size = min(self._read_size * 2, STEP)
                if not data:
                    self.file_ended = True
                    return b""
                self._read_in += len(data)
                self._pending = data
            out = self._inflater.decompress(self._pending, n)
            self._pending = self._inflater.unconsumed_tail
            if self._inflater.eof:
                self.eof = True
            if out:
                self.produced += len(out)
                return out
        return b""

    @property
    def end(self) -> int:
        """The offset just after the member (once :attr:`eof`)."""
        return self.offset + self._read_in - len(self._inflater.unused_data)

    @property
    def consumed(self) -> int:
        """The offset of the first compressed byte not yet inflated: the next member cannot start before it."""
        return self.offset + self._read_in - len(self._pending)


class _Limited:
    """The first ``length`` bytes of a stream: a record's block."""

    def __init__(self, stream: _Stream, length: int):
        self._stream = stream
        self.left = length

    def read(self, n: int) -> bytes:
        if self.left <= 0:
            return b""
        data = self._stream.read_some(min(n, self.left))
        self.left -= len(data)
        return data


class _Prefixed:
    """``prefix``, then the rest of ``source``: bytes read ahead to find the end of a head, given back."""

    def __init__(self, prefix: bytes, source: Any):
        self._prefix = prefix
        self._source = source

    def read(self, n: int) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix[:n], self._prefix[n:]
            return data
        return self._source.read(n)


# Headers ----------------------------------------------------------------------------------------------------------


@dataclass
class WarcHead:
    """A record's WARC header block: its version line, its fields in order and its Content-Length."""

    version: str
    fields: list[tuple[str, str]]
    length: int

    def get(self, name: str) -> str | None:
        return field_value(self.fields, name)


def read_head(stream: _Stream) -> WarcHead:
    """The WARC header block at the stream's position, read within the bounds; :class:`NotARecord` when the bytes
    there do not begin a record, :class:`CutOff` when they end inside the headers, :class:`Damaged` otherwise."""
    try:
        first = stream.readline(MAX_LINE)
    except _LineTooLong:
        raise NotARecord("no line end in its first 64 KiB") from None
    version = first.strip()
    if not _VERSION.fullmatch(version):
        if not first.endswith(b"\n") and (b"WARC/".startswith(version) or version.startswith(b"WARC/")):
            raise CutOff("the file ends inside its headers")
        raise NotARecord("no WARC/<version> line")
    fields: list[tuple[str, str]] = []
    total = len(first)
    while True:
        try:
            line = stream.readline(MAX_LINE)
        except _LineTooLong:
            raise Damaged("a header line goes on for more than 64 KiB without a line end", fields) from None
        total += len(line)
        if total > MAX_HEAD:
            raise Damaged("its headers go on for more than 1 MiB", fields)
        if not line.endswith(b"\n"):
            raise CutOff("the file ends inside its headers", fields)
        stripped = line.rstrip(b"\r\n")
        if not stripped:
            break
        if stripped[:1] in (b" ", b"\t"):
            if fields:  # a folded line continues the field before it
                fields[-1] = (fields[-1][0], f"{fields[-1][1]} {_text(stripped).strip()}".strip())
            continue
        name, sep, value = _text(stripped).partition(":")
        if sep:
            if len(fields) >= MAX_FIELDS:
                raise Damaged(f"more than {MAX_FIELDS} header fields", fields)
            fields.append((name.strip(), value.strip()))
    declared = (field_value(fields, "Content-Length") or "").strip()
    if not declared:
        raise Damaged("no Content-Length", fields)
    if not re.fullmatch(r"\d{1,18}", declared):
        raise Damaged(f"Content-Length {declared[:40]!r} is not a length", fields)
    return WarcHead(_text(version), fields, int(declared))


@dataclass
class HttpHead:
    """The HTTP status and fields at the start of a record's block; ``size``: its bytes, blank line included."""

    status: int
    headers: list[tuple[str, str]]
    size: int


class HttpHeadScanner:
    """Finds where an HTTP head ends in bytes given piece by piece (a line that is empty ends it, as warcio reads it),
    within :data:`MAX_LINE`, :data:`MAX_HEAD` and :data:`MAX_FIELDS`; each byte is looked at once."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self._line_start = 0
        self._lines = 0
        self.end: int | None = None

    def feed(self, data: bytes) -> bool:
        """Take more bytes; True once the head's end is found (:attr:`end`). Raises :class:`Damaged`."""
        self.buffer += data
        while self.end is None:
            newline = self.buffer.find(b"\n", self._line_start)
            if newline < 0:
                if len(self.buffer) - self._line_start > MAX_LINE:
                    raise Damaged("an HTTP header line goes on for more than 64 KiB without a line end")
                break
            if newline - self._line_start > MAX_LINE:
                raise Damaged("an HTTP header line goes on for more than 64 KiB without a line end")
            if self.buffer[self._line_start : newline] in (b"", b"\r"):
                self.end = newline + 1
                break
            self._lines += 1
            if self._lines > MAX_FIELDS + 1:
                raise Damaged(f"more than {MAX_FIELDS} HTTP header fields")
            self._line_start = newline + 1
        if (self.end is None and len(self.buffer) > MAX_HEAD) or (self.end or 0) > MAX_HEAD:
            raise Damaged("its HTTP headers go on for more than 1 MiB")
        return self.end is not None

    def head(self) -> tuple[HttpHead, bytes]:
        """The parsed head and the bytes after it (all of them a head when no empty line came: a revisit's block)."""
        end = len(self.buffer) if self.end is None else self.end
        return parse_http_head(bytes(self.buffer[:end])), bytes(self.buffer[end:])


def parse_http_head(data: bytes) -> HttpHead:
    """Status and fields of an HTTP head (``data``: its bytes, already bounded). The status line is not checked (a
    stored answer is what it is): its second word is the status when it is a number, else 0."""
    lines = data.split(b"\n")
    status_line = _text(lines[0].rstrip(b"\r")) if lines else ""
    words = status_line.split(None, 2)
    status = int(words[1]) if len(words) > 1 and words[1].isdigit() and len(words[1]) <= 3 else 0
    headers: list[tuple[str, str]] = []
    for raw in lines[1:]:
        line = raw.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if headers:
                headers[-1] = (headers[-1][0], f"{headers[-1][1]} {_text(line).strip()}".strip())
            continue
        name, sep, value = _text(line).partition(":")
        if sep:
            headers.append((name.rstrip(" \t"), value.strip()))
    return HttpHead(status, headers, len(data))


# Reading a file, record by record ----------------------------------------------------------------------------------


class BlockReader(Protocol):
    """What a caller reads of a record's block as it goes by: :meth:`feed` gets it in pieces (and may refuse the
    record with :class:`Damaged`), :meth:`close` says what was found (``complete``: every byte was fed)."""

    def feed(self, data: bytes) -> None: ...

    def close(self, complete: bool) -> Any: ...


#: Called with each record's headers: the reader of its block, or None to step over it; may raise Damaged.
Visit = Callable[[WarcHead], BlockReader | None]


@dataclass
class Whole:
    """A record read through: where it is, its headers, what its block reader returned."""

    offset: int
    length: int
    head: WarcHead
    result: Any
    #: Bytes of the block the file does not have (it ends inside the record).
    missing: int = 0
    #: The block is over the limit: stepped over, only its first MiB given to the reader.
    oversize: bool = False


@dataclass
class Skipped:
    """A record (or a stretch of bytes) that could not be read, and why; reading went on after it."""

    offset: int
    length: int
    reason: str
    #: What could be read of its WARC headers (type, URI, record id), if anything.
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: The file ends inside it.
    cut: bool = False
    #: False for bytes that do not even begin a record (garbage, a gzip member holding no record).
    record: bool = True


def read_warc(path: Path, visit: Visit, block_limit: int) -> Iterator[Whole | Skipped]:
    """Every record of the WARC file at ``path`` (gzip per record, or uncompressed), in file order, each
    :class:`Whole` or :class:`Skipped`; never more than the module's bounds in memory."""
    with path.open("rb") as file, path.open("rb") as scanner:
        size = os.fstat(file.fileno()).st_size
        if file.read(3) == GZIP_MAGIC:
            yield from _gzip_records(file, scanner, size, visit, block_limit)
        else:
            yield from _plain_records(file, scanner, size, visit, block_limit)


def _visit(visit: Visit, head: WarcHead) -> tuple[BlockReader | None, Damaged | None]:
    try:
        return visit(head), None
    except Damaged as refused:
        return None, refused


def _feed(stream: _Stream, reader: BlockReader | None, cap: int) -> tuple[int, Damaged | None]:
    """Give ``reader`` up to ``cap`` bytes of the block; the bytes taken, and the reader's refusal if it refused."""
    got = 0
    while reader is not None and got < cap:
        data = stream.read_some(min(STEP, cap - got))
        if not data:
            break
        got += len(data)
        try:
            reader.feed(data)
        except Damaged as refused:
            return got, refused
    return got, None


def _close(reader: BlockReader | None, complete: bool) -> tuple[Any, Damaged | None]:
    if reader is None:
        return None, None
    try:
        return reader.close(complete), None
    except Damaged as refused:
        return None, refused


def _read_through(
    reader: BlockReader | None,
    refused: Damaged | None,
    complete: bool,
    head: WarcHead,
    start: int,
    length: int,
    *,
    cut: bool = False,
    missing: int = 0,
    oversize: bool = False,
) -> Whole | Skipped:
    """What a record whose block has gone by comes to, however the block ended (in a plain file or a gzip member, cut
    off or whole): :class:`Skipped` when its reader refused it (``refused``, as it was fed, or now, as it is closed;
    ``complete``: it was fed every byte), else :class:`Whole` with what the reader found."""
    result, refused_close = _close(reader if refused is None else None, complete)
    refused = refused or refused_close
    if refused is not None:
        return Skipped(start, length, refused.reason, head.fields, cut=cut)
    return Whole(start, length, head, result, missing=missing, oversize=oversize)


def _lies(head: WarcHead, following: int | None, block_start: int) -> str:
    if following is not None and following < block_start + head.length:
        return (
            f"its Content-Length ({head.length}) runs past the end of the record: the next record starts at {following}"
        )
    return f"its Content-Length ({head.length}) ends inside the record: the bytes after it are not a record's end"


def _plain_records(file: Any, scanner: Any, size: int, visit: Visit, block_limit: int) -> Iterator[Whole | Skipped]:
    position = 0
    stream: _FileStream | None = None
    while position < size:
        if stream is None or stream.position != position:  # a new stream only after a jump (what is read ahead stays)
            stream = _FileStream(file, position)
        stream.skip_newlines()
        start = stream.position
        if stream.at_end():
            return
        try:
            head = read_head(stream)
        except CutOff as cut:
            yield Skipped(start, size - start, cut.reason, cut.fields, cut=True)
            return
        except Damaged as bad:
            following = _next_plain_record(scanner, start + 1, size)
            end = size if following is None else following
            if isinstance(bad, NotARecord):
                yield Skipped(start, end - start, f"{end - start} bytes that are not a WARC record", record=False)
            else:
                yield Skipped(start, end - start, bad.reason, bad.fields)
            position = end
            continue
        block_start = stream.position
        reader, refused = _visit(visit, head)
        oversize = head.length > block_limit
        got, refused_block = _feed(
            stream, reader if refused is None else None, min(head.length, MAX_HEAD) if oversize else head.length
        )
        refused = refused or refused_block
        got += stream.skip(head.length - got)
        if got < head.length:  # the file ends inside the block: cut off, unless a record starts inside it
            following = _next_plain_record(scanner, block_start, size)
            if following is not None:
                yield Skipped(start, following - start, _lies(head, following, block_start), head.fields)
                position = following
                continue
            missing = head.length - got
            yield _read_through(
                reader, refused, False, head, start, size - start, cut=True, missing=missing, oversize=oversize
            )
            return
        end = stream.position
        if stream.peek(4) == b"\r\n\r\n":
            stream.read(4)
        else:  # an unusual end is taken when a record (or the file's end) follows it, else the length lies
            stream.skip_newlines()
            if not stream.at_end() and stream.peek(5) != b"WARC/":
                following = _next_plain_record(scanner, block_start, size)
                stop = size if following is None else following
                yield Skipped(start, stop - start, _lies(head, following, block_start), head.fields)
                position = stop
                continue
        length = min(stream.position, end + 4) - start
        yield _read_through(reader, refused, not oversize, head, start, length, oversize=oversize)
        position = stream.position


def _next_plain_record(file: Any, start: int, size: int) -> int | None:
    """The first offset at or after ``start`` where a ``WARC/<version>`` line begins: where an uncompressed file is
    read again after bytes that are not a record. Not only at a line start: a writer that died inside a record and
    then appended leaves the next record right after the broken bytes. Scans a MiB at a time; each candidate costs a
    line to check (one that begins a damaged record is reported by the reader, which scans on from after it)."""
    position = start
    while position < size:
        file.seek(position)
        chunk = file.read(_SCAN + 32)
        if not chunk:
            return None
        found = chunk.find(b"WARC/")
        while 0 <= found < _SCAN:  # a match in the overlap is looked at with the next chunk
            if _starts_record(chunk[found : found + 32]):
                return position + found
            found = chunk.find(b"WARC/", found + 1)
        position += _SCAN
    return None


def _starts_record(data: bytes) -> bool:
    line, newline, _ = data.partition(b"\n")
    return bool(newline) and bool(_VERSION.fullmatch(line.rstrip(b"\r")))


def _next_member(file: Any, start: int, size: int) -> int | None:
    """The first offset at or after ``start`` where a gzip member begins that inflates to a WARC record (or to
    nothing: an empty member): where a ``.warc.gz`` is read again after a member that could not be. Scans the
    compressed bytes in steps of a MiB; each candidate costs at most 64 KiB of input to check."""
    position = start
    while position < size:
        file.seek(position)
        chunk = file.read(_SCAN + 2)
        if len(chunk) < 3:
            return None
        found = -1
        while True:
            found = chunk.find(GZIP_MAGIC, found + 1)
            if found < 0 or found >= _SCAN:
                break
            if _opens_record(file, position + found):
                return position + found
        position += _SCAN
    return None


def _opens_record(file: Any, offset: int) -> bool:
    file.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(file.read(STEP), 256)
    except zlib.error:
        return False
    text = out.lstrip(b"\r\n")
    return text.startswith(b"WARC/") or (inflater.eof and not text)


def _leave_member(member: _Member, scanner: Any, size: int, budget: int) -> int:
    """Where reading goes on after a member that cannot be used: its end, if it ends within ``budget`` inflated bytes;
    else (or if it is corrupt) the next member found by scanning its compressed bytes."""
    try:
        while not member.eof and not member.file_ended and member.produced < budget:
            member.inflate(STEP)
    except zlib.error:
        following = _next_member(scanner, member.offset + 1, size)
        return size if following is None else following
    if member.eof:
        return member.end
    if member.file_ended:
        return size
    following = _next_member(scanner, member.consumed, size)
    return size if following is None else following


def _more_after_block(stream: _Stream, member: _Member, budget: int) -> bool:
    """Whether anything but line ends follows a record's block in its gzip member (looked at within the budget)."""
    while member.produced <= budget:
        data = stream.read_some(STEP)
        if not data:
            return False
        if data.strip(b"\r\n"):
            return True
    return True


def _gzip_records(file: Any, scanner: Any, size: int, visit: Visit, block_limit: int) -> Iterator[Whole | Skipped]:
    budget = MAX_HEAD + block_limit + STEP  # the most one member with one readable record inflates to
    position = 0
    while position < size:
        start = position
        file.seek(start)
        if file.read(3) != GZIP_MAGIC:
            following = _next_member(scanner, start + 1, size)
            end = size if following is None else following
            yield Skipped(start, end - start, f"{end - start} bytes that are not a gzip member", record=False)
            position = end
            continue
        member = _Member(file, start)
        stream = _Stream(member.inflate)
        try:
            stream.skip_newlines(MAX_HEAD)  # past that many, the first line is not a record's: refused below
            if stream.at_end():
                if member.eof:  # an empty member: some writers put one between records
                    position = member.end
                    continue
                yield Skipped(start, size - start, "the file ends inside a gzip member", cut=True, record=False)
                return
            head = read_head(stream)
        except zlib.error as exc:
            following = _next_member(scanner, start + 1, size)
            end = size if following is None else following
            yield Skipped(start, end - start, f"a damaged gzip member ({exc})", record=False)
            position = end
            continue
        except CutOff as cut:
            if not member.eof:
                yield Skipped(start, size - start, cut.reason, cut.fields, cut=True)
                return
            yield Skipped(start, member.end - start, "its gzip member ends inside its headers", cut.fields)
            position = member.end
            continue
        except Damaged as bad:
            end = _leave_member(member, scanner, size, budget)
            if isinstance(bad, NotARecord):
                reason = f"a gzip member of {end - start} bytes that holds no WARC record ({bad.reason})"
                yield Skipped(start, end - start, reason, record=False)
            else:
                yield Skipped(start, end - start, bad.reason, bad.fields)
            position = end
            continue
        reader, refused = _visit(visit, head)
        oversize = head.length > block_limit
        try:
            cap = min(head.length, MAX_HEAD) if oversize else head.length
            got, refused_block = _feed(stream, reader if refused is None else None, cap)
            refused = refused or refused_block
            while got < head.length and member.produced < budget:
                stepped = stream.skip(min(STEP, head.length - got))
                if not stepped:
                    break
                got += stepped
            trailing = got == head.length and _more_after_block(stream, member, budget)
        except zlib.error as exc:
            following = _next_member(scanner, start + 1, size)
            end = size if following is None else following
            yield Skipped(start, end - start, f"its gzip member is damaged ({exc})", head.fields)
            position = end
            continue
        if got < head.length:
            if member.eof:
                reason = (
                    f"its Content-Length ({head.length}) runs past the end of its gzip member ({got} bytes of block)"
                )
                yield Skipped(start, member.end - start, reason, head.fields)
                position = member.end
                continue
            if member.file_ended:
                missing = head.length - got
                yield _read_through(
                    reader, refused, False, head, start, size - start, cut=True, missing=missing, oversize=oversize
                )
                return
            # Past the budget: a block too large to read through (or a bomb); the next member is found by scanning.
            following = _next_member(scanner, member.consumed, size)
            end = size if following is None else following
            yield _read_through(reader, refused, False, head, start, end - start, oversize=True)
            position = end
            continue
        if trailing:
            end = _leave_member(member, scanner, size, budget)
            reason = (
                f"its gzip member goes on after the {head.length} bytes its Content-Length gives (a Content-Length "
                "too short, or several records in one member: `warcio recompress` writes one member per record)"
            )
            yield Skipped(start, end - start, reason, head.fields)
            position = end
            continue
        end = member.end if member.eof else size  # a member without its trailer at the file's end: the record is whole
        yield _read_through(reader, refused, not oversize, head, start, end - start, oversize=oversize)
        position = end


# Reading one record back --------------------------------------------------------------------------------------------


@contextmanager
def open_block(path: Path, offset: int) -> Iterator[tuple[WarcHead, _Limited]]:
    """The record at ``offset`` of ``path``: its headers, and its block as a stream (read within the bounds)."""
    with path.open("rb") as file:
        file.seek(offset)
        gzipped = file.read(3) == GZIP_MAGIC
        stream = _Stream(_Member(file, offset).inflate) if gzipped else _FileStream(file, offset)
        try:
            stream.skip_newlines(MAX_HEAD)
            head = read_head(stream)
        except zlib.error as exc:
            raise Damaged(f"a damaged gzip member ({exc})") from None
        yield head, _Limited(stream, head.length)


def read_http_head(block: Any) -> tuple[HttpHead | None, Any]:
    """The HTTP head at the start of ``block`` (None when the block is empty), and the block's rest as a stream."""
    scanner = HttpHeadScanner()
    while True:
        data = block.read(STEP)
        if not data:
            break
        if scanner.feed(data):
            break
    if not scanner.buffer:
        return None, block
    head, rest = scanner.head()
    return head, _Prefixed(rest, block)


@dataclass
class Payload:
    """A record's HTTP answer as a client gets it: status and fields, and the body with its codings undone."""

    status: int
    headers: list[tuple[str, str]] | None  # None: the block holds no HTTP head (a resource record)
    body: bytes
    #: Whether the content coding (if any) was undone: when not, the body keeps it, and so must its header.
    decoded: bool


def read_payload(path: Path, offset: int, *, http: bool, limit: int) -> Payload:
    """The answer stored in the record at ``offset``; :class:`TooLarge` once its body, decoded, is over ``limit``
    bytes (0: no limit), :class:`Damaged` for a body that cannot be decoded."""
    try:
        with open_block(path, offset) as (_, block):
            head, rest = read_http_head(block) if http else (None, block)
            headers = head.headers if head is not None else []
            body, decoded = decode_body(rest, headers, limit)
    except zlib.error as exc:
        raise Damaged(f"a damaged gzip member ({exc})") from None
    return Payload(head.status if head else 0, headers if head is not None else None, body, decoded)


def _values(headers: list[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [item.strip().lower() for key, value in headers if key.lower() == wanted for item in value.split(",")]


def content_codings(headers: list[tuple[str, str]]) -> list[str]:
    """The content codings applied to a body, in the order they were applied (``identity`` left out)."""
    return [c for c in _values(headers, "content-encoding") if c and c != "identity"]


def decodable(codings: list[str]) -> bool:
    """Whether every coding of ``codings`` is undone here (gzip, deflate, and br when brotli is there)."""
    return all(c in ("gzip", "x-gzip", "deflate") or (c == "br" and _BROTLI) for c in codings)


def decode_body(source: Any, headers: list[tuple[str, str]], limit: int) -> tuple[bytes, bool]:
    """The body in ``source`` with its chunked transfer coding and its content codings undone, step by step; whether
    the content codings were undone (those of another kind are left, for Scrapy's own bounded decoding)."""
    transfer = [c for c in _values(headers, "transfer-encoding") if c]
    codings = content_codings(headers)
    stream: Any = source
    undone: list[str] = []
    if transfer and transfer[-1] == "chunked":
        stream = _Dechunked(stream)
        undone.append("chunked")
    decoded = decodable(codings)
    if decoded:
        for coding in reversed(codings):
            stream = _Unbrotli(stream) if coding == "br" else _Inflate(stream, coding)
        undone += codings
    pieces: list[bytes] = []
    total = 0
    while True:
        data = stream.read(STEP)
        if not data:
            break
        total += len(data)
        if limit and total > limit:
            how = f" once decoded ({', '.join(undone)})" if undone else ""
            raise TooLarge(f"response too large: over the limit of {limit} bytes{how}")
        pieces.append(data)
    return b"".join(pieces), decoded


class _Lenient:
    """What the content decoders (:class:`_Inflate`, :class:`_Unbrotli`) share, so that they are lenient alike: as
    browsers and warcio do, a body that is not in the coding it claims (decoding fails before any output, within
    :data:`MAX_HEAD` of input) is passed on as it is; a failure after some output is :class:`Damaged`. For that, the
    input read before the first output is kept. A subclass decodes in :meth:`_decode`."""

    def __init__(self, source: Any):
        self._source = source
        self._kept = b""  # input before the first output, to start again from if the coding was not what it said
        self._started = False
        self._finished = False
        self._raw: _Prefixed | None = None

    def read(self, n: int) -> bytes:
        if self._raw is not None:
            return self._raw.read(n)
        return self._decode(n)

    def _decode(self, n: int) -> bytes:
        """At most about ``n`` decoded bytes; ``b""`` at the end."""
        raise NotImplementedError

    def _undecided(self) -> bool:
        """Whether a decoding error may still mean a body not in this coding at all, rather than a damaged one."""
        return not self._started and len(self._kept) < MAX_HEAD

    def _pull(self) -> bytes:
        """The next step of input (``b""`` at its end), kept while a decoding error would still pass the body on."""
        data = self._source.read(STEP)
        if data and self._undecided():
            self._kept += data
        return data

    def _as_it_is(self, coding: str, error: Exception, n: int) -> bytes:
        """After a decoding error: :class:`Damaged` once there was output (or too much input), else the body from its
        start, undecoded."""
        if not self._undecided():
            raise Damaged(f"undecodable body ({coding}: {error})") from None
        self._raw = _Prefixed(self._kept, self._source)
        return self._raw.read(n)

    def _output(self, out: bytes) -> bytes:
        """``out``, the first or a later decoded piece: from now on a decoding error means a damaged body."""
        self._started = True
        self._kept = b""
        return out


class _Inflate(_Lenient):
    """gzip or deflate content coding undone at most ``n`` bytes per read (zlib's ``max_length``); lenient as
    :class:`_Lenient` says, and deflate is tried with and without its zlib wrapper. (Scrapy's bounded ``gunzip``
    and ``_inflate`` do not fit: they take the whole encoded body in memory, where this reads it from the record's
    stream a step at a time.)"""

    def __init__(self, source: Any, coding: str):
        super().__init__(source)
        self._coding = "gzip" if coding == "x-gzip" else coding
        self._wbits = [zlib.MAX_WBITS | 16] if self._coding == "gzip" else [zlib.MAX_WBITS, -zlib.MAX_WBITS]
        self._inflater = zlib.decompressobj(self._wbits.pop(0))
        self._pending = b""

    def _decode(self, n: int) -> bytes:
        while not self._finished:
            if not self._pending:
                self._pending = self._pull()
                if not self._pending:
                    return b""
            try:
                out = self._inflater.decompress(self._pending, n)
            except zlib.error as exc:
                if self._wbits and self._undecided():  # deflate without its zlib wrapper (some servers send it so)
                    self._inflater = zlib.decompressobj(self._wbits.pop(0))
                    self._pending = self._kept
                    continue
                return self._as_it_is(self._coding, exc, n)
            self._pending = self._inflater.unconsumed_tail
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if self._coding == "gzip" and rest.startswith(b"\x1f\x8b"):  # another member follows
                    self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    self._pending = rest
                else:
                    self._finished = True  # bytes after the stream's end are ignored, as browsers do
            if out:
                return self._output(out)
        return b""


class _Unbrotli(_Lenient):
    """br content coding undone at most about ``n`` bytes per read (brotli's ``output_buffer_limit``); lenient as
    :class:`_Lenient` says."""

    def __init__(self, source: Any):
        super().__init__(source)
        self._decompressor = brotli.Decompressor()

    def _decode(self, n: int) -> bytes:
        while not self._finished:
            try:
                if not self._decompressor.can_accept_more_data():
                    out = self._decompressor.process(b"", output_buffer_limit=n)
                else:
                    data = self._pull()
                    if not data:
                        return b""
                    out = self._decompressor.process(data, output_buffer_limit=n)
            except brotli.error as exc:
                return self._as_it_is("br", exc, n)
            if self._decompressor.is_finished():
                self._finished = True
            if out:
                return self._output(out)
        return b""


class _Dechunked:
    """Chunked transfer coding undone a step at a time, chunk-size lines within :data:`MAX_LINE`. Lenient where
    warcio is (a body stored already de-chunked under its old header is passed on as it is; a body whose last,
    empty chunk is missing ends where the record does); a chunk running past the record's end, or a size that is no
    number after the first, is :class:`Damaged`."""

    def __init__(self, source: Any):
        self._stream = _Stream(source.read)
        self._left = 0
        self._size = 0
        self._after_chunk = False
        self._started = False
        self._done = False
        self._raw: _Prefixed | None = None

    def read(self, n: int) -> bytes:
        if self._raw is not None:
            return self._raw.read(n)
        while not self._done:
            if self._left:
                data = self._stream.read_some(min(n, self._left))
                if not data:
                    raise Damaged(
                        f"chunked body cut off: a chunk of {self._size} bytes runs past the end of the record"
                    )
                self._left -= len(data)
                self._after_chunk = self._left == 0
                return data
            try:
                line = self._stream.readline(MAX_LINE)
                if self._after_chunk and not line.strip():
                    self._after_chunk = False
                    line = self._stream.readline(MAX_LINE)
            except _LineTooLong:
                raise Damaged("chunked body: a chunk-size line goes on for more than 64 KiB") from None
            self._after_chunk = False
            if not line.strip():  # the record ends without the last chunk: what came is the body
                self._done = True
                break
            size = line.split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size):
                if re.fullmatch(rb"[0-9a-fA-F]+", size):
                    raise Damaged(f"chunked body: an absurd chunk size ({len(size)} hex digits)")
                if not self._started:
                    self._raw = _Prefixed(line, _StreamSource(self._stream))  # not chunked after all
                    return self._raw.read(n)
                raise Damaged(f"chunked body: {_text(size[:40])!r} is not a chunk size")
            self._started = True
            self._size = self._left = int(size, 16)
            if not self._left:
                self._trailer()
                self._done = True
        return b""

    def _trailer(self) -> None:
        total = 0
        while True:
            try:
                line = self._stream.readline(MAX_LINE)
            except _LineTooLong:
                raise Damaged("chunked body: a trailer line goes on for more than 64 KiB") from None
            total += len(line)
            if not line.strip() or total > MAX_HEAD:
                return


class _StreamSource:
    def __init__(self, stream: _Stream):
        self._stream = stream

    def read(self, n: int) -> bytes:
        return self._stream.read_some(n)


__all__ = [
    "MAX_FIELDS",
    "MAX_HEAD",
    "MAX_LINE",
    "STEP",
    "BlockReader",
    "CutOff",
    "Damaged",
    "HttpHead",
    "HttpHeadScanner",
    "NotARecord",
    "Payload",
    "Skipped",
    "TooLarge",
    "WarcHead",
    "Whole",
    "content_codings",
    "decodable",
    "decode_body",
    "field_value",
    "open_block",
    "parse_http_head",
    "read_head",
    "read_http_head",
    "read_payload",
    "read_warc",
]
