"""The text of official documents (PDF, DOCX, XLSX, ODT/ODS, RTF), for search. Pure: no Scrapy, no network.

Articles link the official text of plans, decisions and reports; the attachments pipeline keeps their bytes, and
researchers want to search what they say. :func:`extract_document_text` turns the bytes into the document's
text, one paragraph (or one table row, cells separated by tabs) per line and a blank line between pages and
sheets, repaired and normalised like every other text field of the archive (:mod:`govscraper.text`).

Why it is built the way it is:

* **The kind comes from the bytes.** Portals serve RTF named ``.doc``, DOCX as ``application/octet-stream``, and
  ZIPs of scans as ``.doc``; magic numbers and the package's member names decide (a DOCX is a ZIP with
  ``word/document.xml``, an XLSX one with ``xl/workbook.xml``, an ODF one with a ``mimetype`` member). The
  declared type and the file name are only used to name what a damaged file claimed to be.
* **It never raises.** Downloaded files are truncated, corrupt, encrypted or hostile; every failure becomes a
  one-line ``error`` ("scanned PDF: no text layer", "encrypted PDF: ...", "corrupt DOCX: ...").
* **It is bounded** (:class:`Limits`): before a library opens a package, the parts it will load whole are
  checked against the limits by their declared sizes and inflated here in small pieces to prove the sizes
  true (a zip bomb with a lying header is refused, never inflated in one go inside the library); PDFs are read
  to a page limit (pypdf caps each stream's inflation itself), spreadsheets to a cell limit, everything to a
  character and a time limit. Text cut at a limit is returned with ``truncated`` saying where.
* **Old fonts are repaired.** Documents typed in TCVN3 (.VnTime) or VNI fonts come out of every extractor as
  "C«ng v¨n" or "Coâng vaên"; :func:`govscraper.text.repair_text` reads the whole document (one verdict per
  document on which legacy encoding it is, each line judged on its own), then each line or cell goes through
  :func:`govscraper.text.normalize_inline`, as :func:`govscraper.text.normalize_block` does for a body.
* **Legacy OLE formats are refused, not guessed.** Binary ``.doc``/``.xls``/``.ppt`` have no well-kept
  pure-Python text extractor, and calling external programs (antiword, catdoc) is out of scope here.

The readers are imported when a document of their kind first comes (about 0.2 s for all five): every crawl
imports this module, and many never meet a spreadsheet.
"""

from __future__ import annotations

import codecs
import io
import re
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from govscraper.text import normalize_inline, repair_text
from govscraper.text.decode import decode_document_text

__all__ = ["DEFAULT_LIMITS", "DocumentText", "Limits", "document_kind", "extract_document_text"]

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DocumentText:
    """What could be read from a document.

    ``text`` is None exactly when ``error`` says why no text could be had. ``method`` names the library that
    read the file ("pypdf", "python-docx", "openpyxl", "odfpy", "striprtf", "text"), None when none could.
    ``truncated`` is None for a complete text, else a one-line reason it was cut ("first 2,000 of 3,512 pages").
    """

    text: str | None
    method: str | None
    error: str | None
    truncated: str | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work and memory one document may cost; the defaults suit files of up to 50 MB."""

    #: PDF pages read; later pages are left out (``truncated``).
    pdf_pages: int = 2_000
    #: Uncompressed XML a library parses whole (python-docx: the whole package; openpyxl: everything but the
    #: worksheets, which it streams; odfpy: ``content.xml``).
    xml_bytes: int = 50 * _MB
    #: Uncompressed size of all the parts python-docx loads (images included).
    package_bytes: int = 200 * _MB
    #: Members of a ZIP package.
    zip_entries: int = 10_000
    #: Spreadsheet cells visited (empty ones included), over all sheets.
    cells: int = 2_000_000
    #: Characters of text collected.
    chars: int = 20_000_000
    #: Wall-clock seconds, checked between lines, rows and pages (one PDF page cannot be interrupted).
    seconds: float = 120.0


DEFAULT_LIMITS = Limits()


# ------------------------------------------------------------------------------------------------- detection
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: OLE stream names (UTF-16LE in the compound file's directory) that say what a compound file holds.
_OLE_STREAMS = (
    ("EncryptedPackage".encode("utf-16-le"), "ole-encrypted"),  # a password-protected DOCX/XLSX/PPTX
    ("WordDocument".encode("utf-16-le"), "doc"),
    ("Workbook".encode("utf-16-le"), "xls"),
    ("PowerPoint Document".encode("utf-16-le"), "ppt"),
    ("Book\x00".encode("utf-16-le"), "xls"),  # Excel 5/95
)
_IMAGES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
#: What a file name or a declared type claims, to name a damaged file ("corrupt DOCX").
_CLAIMS = {
    "pdf": "pdf",
    "docx": "docx",
    "docm": "docx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "pptx": "pptx",
    "odt": "odt",
    "ods": "ods",
    "odp": "odp",
    "rtf": "rtf",
    "doc": "doc",
    "xls": "xls",
    "ppt": "ppt",
    "zip": "zip",
    "rar": "rar",
    "7z": "7z",
    "txt": "text",
    "csv": "text",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/vnd.rar": "rar",
    "application/x-rar-compressed": "rar",
    "application/x-7z-compressed": "7z",
    "text/plain": "text",
    "text/csv": "text",
}
_LABELS = {"docx": "DOCX", "xlsx": "XLSX", "pptx": "PPTX", "odt": "ODT", "ods": "ODS", "odp": "ODP", "odf": "ODF"}


def _claim(mime: str | None, filename: str | None) -> str | None:
    """The kind a file name's extension, else a declared type, claims; None if neither says anything."""
    if filename and "." in filename:
        kind = _CLAIMS.get(filename.rsplit(".", 1)[1].strip().lower())
        if kind:
            return kind
    if mime:
        return _CLAIMS.get(mime.split(";")[0].strip().lower())
    return None


def _zip_kind(names: set[str], read: Callable[[str], bytes]) -> str:
    """What an intact ZIP is, from its member names (and the ODF ``mimetype`` member)."""
    if "word/document.xml" in names or ("[Content_Types].xml" in names and any(n.startswith("word/") for n in names)):
        return "docx"
    if "xl/workbook.xml" in names or ("[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)):
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names or ("content.xml" in names and "META-INF/manifest.xml" in names):
        mimetype = read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        for prefix, kind in _ODF_KINDS.items():
            if mimetype.startswith(prefix):
                return kind
        return "odf"
    return "zip"


def document_kind(data: bytes, mime: str | None = None, filename: str | None = None) -> str:
    """What the bytes are, by magic numbers and package contents; the name and type only break ties.

    One of: "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "odf", "rtf", "doc", "xls", "ppt" (OLE compound
    files), "ole-encrypted" (a password-protected Office file), "ole", "zip", "rar", "7z", "gzip", "image",
    "html", "text", "empty", "unknown". A ZIP too damaged to open is reported as what its name or type claims
    (so the error can say "corrupt DOCX"), else "zip".
    """
    if not data:
        return "empty"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                return _zip_kind(names, lambda name: package.open(name).read(200))
        except Exception:  # a ZIP too damaged to list: trust the claim for the error message
            claim = _claim(mime, filename)
            return claim if claim in ("docx", "xlsx", "pptx", "odt", "ods", "odp") else "zip"
    if data.startswith(_OLE):
        for stream, kind in _OLE_STREAMS:
            if stream in data:
                return kind
        return "ole"
    if data.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data.startswith(tuple(magic for magic, _ in _IMAGES)):
        return "image"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in lowered[:512]:
        return "html"
    if _claim(mime, filename) == "text" and b"\x00" not in head:
        return "text"
    return "unknown"


# ------------------------------------------------------------------------------------------------ collecting
class _Failed(Exception):
    """No text: the message is the one-line ``error``."""


class _Full(Exception):
    """A limit was reached: the message is the ``truncated`` reason; what was collected is kept."""


Line = str | tuple[str, ...]


@dataclass
class _Collector:
    """Blocks (pages, sheets) of lines (paragraph strings, or tuples of cells) within the character and time limits.

    A limit reached raises :class:`_Full` after what fits has been kept, so the caller returns a cut text.
    """

    limits: Limits
    blocks: list[list[Line]] = field(default_factory=lambda: [[]])
    chars: int = 0
    cells: int = 0
    deadline: float = 0.0
    _named: bool = False

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds

    def block(self) -> None:
        """Start a new page or sheet (a blank line in the text)."""
        if self.blocks[-1]:
            self.blocks.append([])

    def sheet(self, name: str) -> None:
        """Start a sheet: a new block headed by the sheet's name (see :meth:`end_sheet`)."""
        self.block()
        self.line(name)
        self._named = bool(self.blocks[-1])

    def end_sheet(self) -> None:
        """Forget a sheet that turned out empty: its name alone is no text."""
        if self._named and len(self.blocks[-1]) == 1:
            self.blocks[-1].clear()

    def in_time(self) -> None:
        """:class:`_Full` once the time is up (checked before costly steps, and by every line or row)."""
        if time.monotonic() > self.deadline:
            raise _Full(f"stopped after {self.limits.seconds:g} s")

    def _room(self, timed: bool = True) -> int:
        """Characters that may still be collected; :class:`_Full` when none may, or time is up."""
        if timed:
            self.in_time()
        room = self.limits.chars - self.chars
        if room <= 0:
            raise _Full(f"first {self.limits.chars:,} characters")
        return room

    def line(self, text: str, timed: bool = True) -> None:
        """Collect a paragraph; ``timed=False`` for the lines of a page already read (its cost is spent)."""
        if text and not text.isspace():
            room = self._room(timed)
            self.blocks[-1].append(text[:room])
            self.chars += min(len(text), room)
            if len(text) > room:
                raise _Full(f"first {self.limits.chars:,} characters")

    def row(self, cells: list[str]) -> None:
        self.cells += len(cells)
        if self.cells > self.limits.cells:
            raise _Full(f"first {self.limits.cells:,} cells")
        if any(cell and not cell.isspace() for cell in cells):
            room = self._room()
            size = sum(map(len, cells)) + len(cells)
            self.blocks[-1].append(tuple(cells))
            self.chars += size
            if size > room:
                raise _Full(f"first {self.limits.chars:,} characters")


#: Control characters that survive normalisation and mean nothing in a text (TCVN3's C0 capitals are read first).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")


def _clean(text: str) -> str:
    """One line or cell, normalised like every text field (``normalize_inline``), control characters dropped."""
    value = normalize_inline(text)
    if value and _CONTROLS.search(value):
        value = " ".join(_CONTROLS.sub(" ", value).split())
    return value or ""


def _assemble(blocks: list[list[Line]]) -> str | None:
    """The collected blocks as the final text: repaired as a whole, then normalised line by line and cell by cell.

    Paragraph lines lose their tabs (layout, not data) and are split at their line breaks; rows keep empty cells
    between values (so columns stay aligned) but not after the last one. Blocks are separated by a blank line.
    """
    raw: list[str] = []
    kinds: list[str] = []
    for number, block in enumerate(blocks):
        if number:
            raw.append("")
            kinds.append("gap")
        for item in block:
            if isinstance(item, tuple):
                raw.append("\t".join(" ".join(_LINE_BREAKS.sub("\n", cell).split()) for cell in item))
                kinds.append("row")
            else:
                for piece in _LINE_BREAKS.sub("\n", item).split("\n"):
                    raw.append(piece.replace("\t", " "))
                    kinds.append("p")
    joined = "\n".join(raw)
    repaired = repair_text(joined)
    lines = repaired.split("\n")
    if len(lines) != len(raw):  # a repair never moves line breaks; if it ever did, judge each line alone
        lines = [repair_text(line) for line in raw]
    out_blocks: list[list[str]] = [[]]
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "gap":
            out_blocks.append([])
        elif kind == "row":
            cells = [_clean(cell) for cell in line.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out_blocks[-1].append("\t".join(cells))
        elif value := _clean(line):
            out_blocks[-1].append(value)
    text = "\n\n".join("\n".join(block) for block in out_blocks if block)
    return text or None


def _out_of_memory(exc: BaseException | None) -> bool:
    """Whether an error (or one it was raised while handling) is a reader running out of memory: Python's
    MemoryError, libxml2's failed allocation (lxml reports it as an XMLSyntaxError "unknown error" with code 2,
    XML_ERR_NO_MEMORY), or expat's (its message says "out of memory")."""
    for _ in range(8):
        if exc is None:
            return False
        if isinstance(exc, MemoryError):
            return True
        if type(exc).__module__.startswith("lxml") and getattr(exc, "code", None) == 2:
            return True
        if "out of memory" in str(exc).lower():
            return True
        exc = exc.__context__
    return False


def _one_line(exc: BaseException) -> str:
    """An exception as a short single line: its type and message."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


# ------------------------------------------------------------------------------------------------------- PDF
def _pdf(data: bytes, out: _Collector) -> None:
    """Every page's text layer through pypdf, a page per block; an empty password is tried on encrypted files
    (most "protected" official PDFs only restrict printing or copying and open without one)."""
    from pypdf import PdfReader

    # A download cut short has no end-of-file marker; saying so tells the archivist to fetch it again.
    broken = "corrupt PDF" if b"%%EOF" in data[-2048:] else "truncated PDF (no end-of-file marker)"
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:
        raise _Failed(f"{broken}: {_one_line(exc)}") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise _Failed(f"encrypted PDF: cannot decrypt ({_one_line(exc)})") from None
        if not opened:
            raise _Failed("encrypted PDF: a password is needed to open it")
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise _Failed(f"{broken}: {_one_line(exc)}") from None
    if count == 0:
        raise _Failed(f"{broken}: no pages")
    failures: list[BaseException] = []
    for number in range(min(count, out.limits.pdf_pages)):
        out.in_time()  # before the page: one page cannot be interrupted, and one read is kept whole
        try:
            page_text = reader.pages[number].extract_text()
        except Exception as exc:  # one broken page does not lose the others
            if _out_of_memory(exc):
                raise MemoryError from None  # not a broken page: no page would be read either
            failures.append(exc)
            continue
        out.block()
        for line in page_text.split("\n"):
            out.line(line, timed=False)
    if len(failures) == min(count, out.limits.pdf_pages):
        raise _Failed(f"{broken}: {_one_line(failures[0])}")
    if not any(out.blocks) and broken != "corrupt PDF":
        # A cut-off download can read as empty pages; "scanned" would send a researcher looking for images.
        raise _Failed(f"{broken}: no text could be read")
    if count > out.limits.pdf_pages:
        raise _Full(f"first {out.limits.pdf_pages:,} of {count:,} pages")


# -------------------------------------------------------------------------------------------------- packages
def _check_package(
    package: zipfile.ZipFile, data: bytes, label: str, limits: Limits, loaded: Callable[[str], bool]
) -> None:
    """Refuse a package whose parts a library would load whole past the limits, before the library reads it.

    The declared (uncompressed) sizes are checked against the limits, then every part the library loads is
    inflated here in small pieces and must not grow past its declared size: ``zipfile`` cuts a member at its
    declared size, but only after inflating a whole read at once, so a header that lies about a bomb's size
    would cost the bomb's full size in memory inside the library.
    """
    infos = package.infolist()
    if len(infos) > limits.zip_entries:
        raise _Failed(f"{label} too large to read: {len(infos):,} files in its package (limit {limits.zip_entries:,})")
    chosen = [info for info in infos if loaded(info.filename) and not info.is_dir()]
    xml = sum(i.file_size for i in chosen if i.filename.endswith((".xml", ".rels")))
    if xml > limits.xml_bytes:
        raise _Failed(
            f"{label} too large to read: {xml / _MB:,.0f} MB of XML uncompressed (limit {limits.xml_bytes / _MB:g} MB)"
        )
    total = sum(i.file_size for i in chosen)
    if total > limits.package_bytes:
        raise _Failed(
            f"{label} too large to read: {total / _MB:,.0f} MB uncompressed (limit {limits.package_bytes / _MB:g} MB)"
        )
    for info in chosen:
        _verify_member(data, info, label)


_PIECE = 64 * 1024


def _verify_member(data: bytes, info: zipfile.ZipInfo, label: str) -> None:
    """The member's compressed bytes inflate to no more than its declared size (in bounded pieces).

    Scrapy's bounded ``gunzip`` does not fit: ZIP members are raw deflate, with no gzip header or trailer."""
    if info.flag_bits & 0x1:
        raise _Failed(f"{label} is password-protected ({info.filename} is encrypted)")
    start = info.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _Failed(f"corrupt {label}: no local header for {info.filename}")
    begin = start + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    raw = memoryview(data)[begin : begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise _Failed(f"corrupt {label}: {info.filename} is not the size its header declares")
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Failed(f"corrupt {label}: {info.filename} uses compression method {info.compress_type}")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        for offset in range(0, len(raw), _PIECE):
            pending = bytes(raw[offset : offset + _PIECE])
            while pending:
                produced += len(inflater.decompress(pending, _PIECE))
                if produced > info.file_size:
                    raise _Failed(
                        f"corrupt {label}: {info.filename} inflates past its declared size ({info.file_size:,} bytes)"
                    )
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise _Failed(f"corrupt {label}: {info.filename} has damaged compressed data ({exc})") from None


# ------------------------------------------------------------------------------------------------------ DOCX
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_T = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}t"
_W_TAB, _W_BR, _W_CR, _W_HYPHEN = f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"
_W_TXBX = f"{_W}txbxContent"
#: Markup-compatibility fallbacks repeat the text of the preferred choice (text boxes): read once.
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_paragraph(p: Any) -> tuple[str, list[Any]]:
    """A ``w:p``'s own text (runs, hyperlinks, fields, insertions; tabs and breaks kept) and its text boxes.

    Deleted text (``w:delText``) and field codes (``w:instrText``) are not ``w:t``, so they stay out.
    """
    parts: list[str] = []
    boxes: list[Any] = []

    def visit(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == _W_T:
                parts.append(child.text or "")
            elif tag == _W_TAB:
                parts.append("\t")
            elif tag in (_W_BR, _W_CR):
                parts.append("\n")
            elif tag == _W_HYPHEN:
                parts.append("-")
            elif tag == _W_TXBX:
                boxes.append(child)
            elif tag not in (_MC_FALLBACK, _W_P) and isinstance(tag, str):
                visit(child)

    visit(p)
    return "".join(parts), boxes


def _docx_blocks(element: Any, out: _Collector) -> None:
    """Paragraphs and tables of a body (or text box, or content control) in document order."""
    for child in element:
        tag = child.tag
        if tag == _W_P:
            text, boxes = _docx_paragraph(child)
            out.line(text)
            for box in boxes:
                _docx_blocks(box, out)
        elif tag == _W_TBL:
            for tr in child.iterchildren(_W_TR):
                cells = []
                for tc in tr.iterchildren(_W_TC):
                    texts = (
                        _docx_paragraph(p)[0]
                        for p in tc.iter(_W_P)
                        if not any(a.tag == _MC_FALLBACK for a in p.iterancestors())
                    )
                    cells.append(" ".join(t for t in texts if t.strip()))
                out.row(cells)
        elif tag != _MC_FALLBACK and isinstance(tag, str):
            _docx_blocks(child, out)


def _docx(data: bytes, out: _Collector) -> None:
    """The main document's paragraphs and table rows through python-docx (headers, footers and notes left out)."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_package(package, data, "DOCX", out.limits, lambda name: True)
        document = docx.Document(io.BytesIO(data))
    except _Failed:
        raise
    except Exception as exc:
        raise _Failed(f"corrupt DOCX: {_one_line(exc)}") from None
    _docx_blocks(document.element.body, out)


# ------------------------------------------------------------------------------------------------------ XLSX
def _cell_text(value: object) -> str:
    """A cell's value as text: whole numbers without ".0", dates in ISO 8601, booleans as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == clock() else value.isoformat(sep=" ")
    if isinstance(value, date | clock | timedelta):
        return value.isoformat() if not isinstance(value, timedelta) else str(value)
    return str(value)


def _xlsx(data: bytes, out: _Collector) -> None:
    """Each worksheet through openpyxl in read-only mode (streamed): its name, then its rows, cells by tabs.

    Cached values of formulas are read (``data_only``), not the formulas. Dimensions recorded in the file are
    ignored (they can claim a million rows), so only the cells present are visited.
    """
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_package(package, data, "XLSX", out.limits, lambda name: not name.startswith("xl/worksheets/"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _Failed:
        raise
    except Exception as exc:
        raise _Failed(f"corrupt XLSX: {_one_line(exc)}") from None
    try:
        for sheet in workbook.worksheets:
            out.sheet(str(sheet.title))
            sheet.reset_dimensions()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for row in sheet.iter_rows(values_only=True):
                    out.row([_cell_text(value) for value in row])
            out.end_sheet()
    except _Full:
        raise
    except Exception as exc:
        if not any(out.blocks):
            raise _Failed(f"corrupt XLSX: {_one_line(exc)}") from None
        raise _Full(f"unreadable after this point ({_one_line(exc)})") from None
    finally:
        workbook.close()


# ------------------------------------------------------------------------------------------------------- ODF
def _odf(data: bytes, out: _Collector, label: str) -> None:
    """Paragraphs, headings and tables of an OpenDocument file, parsed into odfpy's element tree.

    Only ``content.xml`` is parsed (odfpy's ``load`` also reads styles and every picture into memory, and prints
    a whole unparseable part to stdout), with odfpy's own SAX handler and defusedxml's parser. A spreadsheet's
    tables are its sheets: each starts a block with its name.
    """
    from xml.sax import handler
    from xml.sax.xmlreader import InputSource

    from defusedxml.sax import make_parser
    from odf import teletype
    from odf.element import Node
    from odf.load import LoadParser
    from odf.namespaces import DRAWNS, OFFICENS, TABLENS, TEXTNS
    from odf.opendocument import OpenDocument

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_package(package, data, label, out.limits, lambda name: name == "content.xml")
            mimetype = package.read("mimetype").decode("ascii").strip() if "mimetype" in package.namelist() else ""
            document = OpenDocument(mimetype or "application/vnd.oasis.opendocument.text", add_generator=False)
            document._parsing = "content.xml"
            parser = make_parser()
            parser.setFeature(handler.feature_namespaces, 1)
            parser.setFeature(handler.feature_external_ges, 0)
            parser.setContentHandler(LoadParser(document))
            source = InputSource()
            with package.open("content.xml") as content:
                source.setByteStream(content)
                parser.parse(source)
    except _Failed:
        raise
    except Exception as exc:
        raise _Failed(f"corrupt {label}: {_one_line(exc)}") from None

    text_kinds = {(TEXTNS, "p"), (TEXTNS, "h")}
    skipped = {(OFFICENS, "annotation"), (TEXTNS, "tracked-changes"), (OFFICENS, "forms"), (TEXTNS, "sequence-decls")}
    table, page = (TABLENS, "table"), (DRAWNS, "page")
    cell_kinds = {(TABLENS, "table-cell"), (TABLENS, "covered-table-cell")}
    spreadsheet = (OFFICENS, "spreadsheet")

    def repeat(node: Any, attribute: str) -> int:
        try:
            return max(1, min(int(node.getAttrNS(TABLENS, attribute) or 1), 1_000))
        except ValueError:
            return 1

    def rows(node: Any) -> Iterator[Any]:
        for child in node.childNodes:
            if child.nodeType == Node.ELEMENT_NODE:
                if child.qname == (TABLENS, "table-row"):
                    yield child
                elif child.qname != table:
                    yield from rows(child)

    def cell_text(cell: Any) -> str:
        found: list[str] = []

        def paragraphs(node: Any) -> None:
            for child in node.childNodes:
                if child.nodeType == Node.ELEMENT_NODE:
                    if child.qname in text_kinds:
                        found.append(teletype.extractText(child))
                    elif child.qname not in skipped:
                        paragraphs(child)

        paragraphs(cell)
        return " ".join(t for t in found if t.strip())

    def walk(node: Any, in_sheet: bool) -> None:
        for child in node.childNodes:
            if child.nodeType != Node.ELEMENT_NODE or child.qname in skipped:
                continue
            if child.qname in text_kinds:
                out.line(teletype.extractText(child))
            elif child.qname == table:
                if in_sheet:
                    out.sheet(child.getAttrNS(TABLENS, "name") or "")
                for row in rows(child):
                    cells: list[str] = []
                    for cell in row.childNodes:
                        if cell.nodeType == Node.ELEMENT_NODE and cell.qname in cell_kinds:
                            cells.extend([cell_text(cell)] * repeat(cell, "number-columns-repeated"))
                    for _ in range(repeat(row, "number-rows-repeated") if any(cells) else 1):
                        out.row(cells)
                if in_sheet:
                    out.end_sheet()
            elif child.qname == page:
                out.block()
                walk(child, in_sheet)
            else:
                walk(child, in_sheet or child.qname == spreadsheet)

    walk(document.body, False)


# ------------------------------------------------------------------------------------------------------- RTF
def _c1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    """Bytes a Windows code page leaves undefined become the C1 controls of the same value, as browsers decode
    windows-1252: TCVN3 uses 0x81, 0x8D, 0x8F, 0x90 and 0x9D for letters, and repair needs them back."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("govscraper-c1", _c1_for_undefined)
#: striprtf writes "|" for a table cell's end, which text can hold too; the cell ends are renamed to a control
#: word it turns into U+2005 (four-per-em space), which Vietnamese documents never type, and read back as tabs.
_RTF_CELL = re.compile(r"\\\\|\\(?:nest)?cell(?![a-zA-Z])(?:-?\d+)? ?")
_CELL_MARK = "\u2005"


def _rtf(data: bytes, out: _Collector) -> None:
    """The text of an RTF file through striprtf: paragraphs, ``\\uN`` letters, table rows with their cells.

    Bytes in ``\\'xx`` escapes are decoded with the document's code page (``\\ansicpg``; windows-1252 for the
    .VnTime/VNI documents, whose letters repair then reads); undefined bytes become C1 controls, not errors.
    """
    from striprtf.striprtf import rtf_to_text

    source = _RTF_CELL.sub(lambda m: m.group() if m.group() == "\\\\" else "\\qmspace ", data.decode("latin-1"))
    try:
        text = rtf_to_text(source, encoding="cp1252", errors="govscraper-c1")
    except Exception as exc:
        raise _Failed(f"corrupt RTF: {_one_line(exc)}") from None
    for line in text.split("\n"):
        if _CELL_MARK in line:
            cells = line.split(_CELL_MARK)
            out.row(cells[:-1] if not cells[-1].strip() else cells)
        else:
            out.line(line)


# ------------------------------------------------------------------------------------------------ the entry
_REFUSALS = {
    "doc": "legacy .doc (OLE) has no text extractor here",
    "xls": "legacy .xls (OLE) has no text extractor here",
    "ppt": "legacy .ppt (OLE) has no text extractor here",
    "ole": "OLE compound file of an unknown kind has no text extractor here",
    "ole-encrypted": "password-protected Office document (encrypted package): cannot be read without its password",
    "zip": "ZIP archive: not a document (its files are not read)",
    "rar": "RAR archive: not a document (its files are not read)",
    "7z": "7z archive: not a document (its files are not read)",
    "gzip": "gzip archive: not a document",
    "pptx": "PowerPoint .pptx has no text extractor here",
    "html": "HTML page, not a document",
    "empty": "empty file",
}
_NO_TEXT = {
    "pdf": "scanned PDF: no text layer",
    "docx": "DOCX has no text",
    "xlsx": "XLSX has no cells with values",
    "rtf": "RTF has no text",
    "text": "text file is empty",
}
_METHODS = {
    "pdf": "pypdf",
    "docx": "python-docx",
    "xlsx": "openpyxl",
    "odt": "odfpy",
    "ods": "odfpy",
    "odp": "odfpy",
    "odf": "odfpy",
    "rtf": "striprtf",
    "text": "text",
}


def _read(kind: str, data: bytes, out: _Collector) -> None:
    if kind == "pdf":
        _pdf(data, out)
    elif kind == "docx":
        _docx(data, out)
    elif kind == "xlsx":
        _xlsx(data, out)
    elif kind in ("odt", "ods", "odp", "odf"):
        _odf(data, out, _LABELS[kind])
    elif kind == "rtf":
        _rtf(data, out)
    elif kind == "text":
        for line in decode_document_text(data).split("\n"):
            out.line(line)


def extract_document_text(
    data: bytes, mime: str | None, filename: str | None, *, limits: Limits = DEFAULT_LIMITS
) -> DocumentText:
    """The searchable text of a document's bytes, or the one-line reason there is none. Never raises.

    ``mime`` (the Content-Type) and ``filename`` only name what a damaged file claimed to be; the kind is read
    from the bytes (:func:`document_kind`). The text keeps the document's structure: one paragraph per line
    (a line break inside a paragraph also starts a line), table and spreadsheet rows as cells separated by tabs
    (empty cells kept between values), a blank line between PDF pages, sheets and slides; a spreadsheet's
    sheets each start with their name. It is repaired (TCVN3, VNI, mojibake) and normalised (NFC, single
    spaces) like the archive's other text fields.
    """
    try:
        kind = document_kind(data, mime, filename)
    except Exception as exc:  # detection reads a ZIP's member list; a defensive net, never expected
        return DocumentText(None, None, f"unreadable file: {_one_line(exc)}")
    if kind in _REFUSALS:
        return DocumentText(None, None, _REFUSALS[kind])
    if kind == "image":
        name = next(name for magic, name in _IMAGES if data.startswith(magic))
        return DocumentText(None, None, f"{name} image: no text layer (a scanned document?)")
    if kind == "unknown":
        claim = _claim(mime, filename)
        said = f", named or declared as {claim.upper()}" if claim else ""
        return DocumentText(None, None, f"unrecognised file format (first bytes {data[:8].hex(' ')}{said})")
    method = _METHODS[kind]
    out = _Collector(limits)
    truncated = None
    too_large = f"{_LABELS.get(kind, kind.upper())} too large to read: out of memory"
    try:
        _read(kind, data, out)
    except _Failed as failure:
        # A reader that ran out of memory (a worker's limit, govscraper.files.offload) is caught where it was called and
        # would read as a corrupt file; the original error is still the failure's context.
        return DocumentText(None, method, too_large if _out_of_memory(failure.__context__) else str(failure))
    except _Full as full:
        truncated = "out of memory after this point" if _out_of_memory(full.__context__) else str(full)
    except RecursionError:
        return DocumentText(None, method, f"{kind.upper()} nested too deeply to read")
    except MemoryError:
        return DocumentText(None, method, too_large)
    except Exception as exc:  # a library failing in a way not caught where it was called
        return DocumentText(None, method, f"corrupt {_LABELS.get(kind, kind.upper())}: {_one_line(exc)}")
    try:
        text = _assemble(out.blocks)
    except Exception as exc:
        return DocumentText(None, method, f"text could not be normalised: {_one_line(exc)}")
    if text is None:
        if truncated:  # stopped at a limit before any text came: not "no text layer"
            return DocumentText(None, method, f"no text read within the limits ({truncated})")
        return DocumentText(None, method, _NO_TEXT.get(kind, f"{_LABELS.get(kind, kind.upper())} has no text"))
    return DocumentText(text, method, None, truncated)
