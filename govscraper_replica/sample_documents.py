"""Attachment files for the replica: small but real PDF, DOCX and DOC documents, built on request.

Portals attach the official text of plans and decisions; an archiver stores them with their media type and
checks what it got. These files open in ordinary readers: a one-page PDF (Helvetica, so its text is the
ASCII-folded Vietnamese), a minimal Office Open XML package, and for ``.doc`` an RTF file, which is what many
``.doc`` files on Vietnamese portals really are (Word saves RTF under that name and opens it as a document).
Output is deterministic: fixed ZIP timestamps, no creation dates.

Heavy and hostile documents (:func:`add_heavy_documents`, ``python -m govscraper_replica --heavy-documents N``)
are for the offload benchmark (``benchmarks/offload.py``): a 2,000-page PDF, a spreadsheet of a million cells, a
small PDF whose pages make pypdf work for minutes, and a DOCX zip bomb. A site built without them is unchanged,
byte for byte.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from govscraper_replica.urls import fold_ascii

if TYPE_CHECKING:
    from govscraper_replica.site import ReplicaAttachment, ReplicaSite


def document_lines(doc: ReplicaAttachment) -> list[str]:
    """The text of an official document: issuing body, national motto, number and date, subject, signature."""
    issued = doc.issued
    return [
        "ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        f"Mộ Đức, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}",
        doc.document.upper(),
        doc.subject,
        "Nội dung chi tiết theo văn bản đính kèm.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


@lru_cache(maxsize=64)
def document_bytes(doc: ReplicaAttachment) -> bytes:
    """The file behind an attachment URL, in the attachment's format."""
    if doc.format in HEAVY_FORMATS:
        return heavy_document_bytes(doc.format, doc.file_name)
    lines = document_lines(doc)
    if doc.format == "pdf":
        return pdf_bytes([fold_ascii(line) for line in lines])
    if doc.format == "docx":
        return docx_bytes(lines)
    return rtf_bytes(lines)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF 1.4 file holding ``objects`` (their insides, numbered from 1; object 1 is the catalog), with a correct
    cross-reference table and trailer: the framing every PDF built here (and in the tests) needs, written once."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 showing ``lines`` (ASCII) in Helvetica, with a correct cross-reference table."""
    text = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({safe[:90]}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return pdf_file(objects)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def docx_bytes(lines: list[str]) -> bytes:
    """A minimal Word document (Office Open XML), one paragraph per line, UTF-8 Vietnamese text."""
    paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            package.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def rtf_bytes(lines: list[str]) -> bytes:
    """An RTF document (served as ``application/msword``); Vietnamese letters as ``\\uN?`` escapes."""

    def encode(text: str) -> str:
        parts = []
        for ch in text:
            code = ord(ch)
            if ch in "\\{}":
                parts.append("\\" + ch)
            elif code < 128:
                parts.append(ch)
            else:
                parts.append(f"\\u{code if code < 32768 else code - 65536}?")
        return "".join(parts)

    header = "{\\rtf1\\ansi\\ansicpg1258\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs26\n"
    body = "\\par\n".join(encode(line) for line in lines)
    return (header + body + "\\par\n}\n").encode("ascii")


# -- heavy and hostile documents (benchmarks/offload.py) --------------------------------------------------------
#: The kinds :func:`add_heavy_documents` attaches, in turn.
HEAVY_FORMATS = ("pdf-pages", "xlsx-rows", "pdf-spin", "docx-bomb")
#: What each kind is, as its link says.
HEAVY_TITLES = {
    "pdf-pages": "Tải về Báo cáo tổng hợp 2.000 trang",
    "xlsx-rows": "Tải về Danh sách 100.000 hộ dân (XLSX)",
    "pdf-spin": "Tải về Hồ sơ quét (PDF)",
    "docx-bomb": "Tải về Công văn (DOCX)",
}
_EXTENSIONS = {"pdf-pages": "pdf", "xlsx-rows": "xlsx", "pdf-spin": "pdf", "docx-bomb": "docx"}
HEAVY_PAGES = 2_000
HEAVY_ROWS = 100_000
#: The hostile PDF: pages each with a content stream of tiny text operators, each page about ten seconds of pypdf
#: (kept under pypdf's own per-stream token limit, which would stop it at once), 11 KB a page compressed. (Pages
#: sharing one stream object would be read once: pypdf keeps the parsed stream.)
SPIN_PAGES = 30
SPIN_STREAM_BYTES = 4 * 1024 * 1024
#: The zip bomb: a word/document.xml that inflates to this from a few hundred kilobytes.
BOMB_XML_BYTES = 200 * 1024 * 1024


def _pdf(page_streams: list[bytes]) -> bytes:
    """A PDF with one page per stream (each its own object, Flate-compressed), in Helvetica."""
    count = len(page_streams)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i in range(count):
        content = 4 + count + i
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % content
        )
    packed_once: dict[bytes, bytes] = {}
    for stream in page_streams:
        packed = packed_once.setdefault(stream, zlib.compress(stream, 9))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    return pdf_file(objects)


def many_pages_pdf(name: str, pages: int = HEAVY_PAGES) -> bytes:
    """A long report: ``pages`` pages of 45 lines each (about 9 ms a page for pypdf)."""
    tag = fold_ascii(name).encode("ascii", "replace")
    streams = []
    for page in range(1, pages + 1):
        text = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 800 Td"]
        text += [
            b"(%s trang %d dong %d: Bao cao tong hop tinh hinh kinh te - xa hoi nam 2024) Tj T*" % (tag, page, line)
            for line in range(1, 46)
        ]
        text.append(b"ET")
        streams.append(b"\n".join(text))
    return _pdf(streams)


def spinning_pdf(name: str, pages: int = SPIN_PAGES, stream_bytes: int = SPIN_STREAM_BYTES) -> bytes:
    """A hostile PDF of about 11 KB a page: each page's content stream is ``stream_bytes`` of tiny text operators,
    which pypdf parses one token at a time (about ten seconds a page)."""
    operator = b"BT /F1 1 Tf (%s) Tj ET\n" % fold_ascii(name)[:1].encode("ascii", "replace")
    return _pdf([operator * (stream_bytes // len(operator))] * pages)


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def huge_xlsx(name: str, rows: int = HEAVY_ROWS, columns: int = 10) -> bytes:
    """A spreadsheet of ``rows`` rows of ``columns`` cells (text and numbers), written as Excel stores it."""
    letters = [chr(ord("A") + column) for column in range(columns)]
    tag = escape(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for part, text in _XLSX_PARTS.items():
            package.writestr(_zip_entry(part), text)
        with package.open(_zip_entry("xl/worksheets/sheet1.xml"), "w") as sheet:
            # Excel writes the sheet's extent first; without it openpyxl reads the whole sheet to find it.
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:{letters[-1]}{rows}"/><sheetData>'.encode()
            )
            for row in range(1, rows + 1):
                cells = "".join(
                    f'<c r="{letter}{row}" t="inlineStr"><is><t>{tag} hộ {row}</t></is></c>'
                    if column % 2 == 0
                    else f'<c r="{letter}{row}"><v>{row * 7 + column}</v></c>'
                    for column, letter in enumerate(letters)
                )
                sheet.write(f'<row r="{row}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def docx_bomb(name: str, inflated: int = BOMB_XML_BYTES) -> bytes:
    """A DOCX whose word/document.xml inflates to ``inflated`` bytes (its headers say so truthfully)."""
    paragraph = f"<w:p><w:r><w:t>{escape(fold_ascii(name))}</w:t></w:r></w:p>".encode()
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(_zip_entry("[Content_Types].xml"), _CONTENT_TYPES)
        package.writestr(_zip_entry("_rels/.rels"), _RELS)
        with package.open(_zip_entry("word/document.xml"), "w", force_zip64=True) as document:
            document.write(head)
            block = paragraph * (1024 * 1024 // len(paragraph))
            for _ in range(max(1, inflated // len(block))):
                document.write(block)
            document.write(b"</w:body></w:document>")
    return out.getvalue()


_HEAVY_BUILDERS = {
    "pdf-pages": many_pages_pdf,
    "xlsx-rows": huge_xlsx,
    "pdf-spin": spinning_pdf,
    "docx-bomb": docx_bomb,
}


@cache
def heavy_document_bytes(fmt: str, name: str) -> bytes:
    """A heavy document's bytes, built once (a few seconds for the spreadsheet): the name makes each one distinct,
    so the archive stores and reads every copy."""
    return _HEAVY_BUILDERS[fmt](name)


def add_heavy_documents(site: ReplicaSite, count: int) -> list[ReplicaAttachment]:
    """Attach ``count`` heavy or hostile documents (:data:`HEAVY_FORMATS` in turn) to articles spread over the site,
    one each, as the last link before the closing paragraph; build their bytes now, before the server answers.

    The articles' pages and the manifest show the new links; nothing else changes.
    """
    if count and not site.documents:
        raise ValueError("the site has no documents to model heavy ones on")
    added = []
    articles = site.articles
    spacing = len(articles) / max(count, 1)
    for serial in range(count):
        fmt = HEAVY_FORMATS[serial % len(HEAVY_FORMATS)]
        article = articles[int(spacing * serial + spacing / 2) % len(articles)]
        template = article.attachments[0] if article.attachments else next(iter(site.documents.values()))
        file_name = f"nang-{serial + 1:03d}-{fmt}.{_EXTENSIONS[fmt]}"
        document = dataclasses.replace(
            template,
            url=f"{template.url.rsplit('/', 1)[0]}/{file_name}",
            title=f"{HEAVY_TITLES[fmt]} số {serial + 1}",
            format=fmt,
            file_name=file_name,
            article_id=article.id,
        )
        closing = len(article.body) - 1
        article.body.insert(closing, document.title)
        layout = list(article.layout)
        layout[-1] = ("p", closing + 1)
        article.layout = (*layout[:-1], ("att", len(article.attachments)), layout[-1])
        article.attachments.append(document)
        site.documents[document.url] = document
        heavy_document_bytes(fmt, file_name)
        added.append(document)
    return added
