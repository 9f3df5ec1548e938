"""Attachment files for the replica: small but real PDF, DOCX and DOC documents, built on request.

Portals attach the official text of plans and decisions; an archiver stores them with their media type and
checks what it got. These files open in ordinary readers: a one-page PDF (Helvetica, so its text is the
ASCII-folded Vietnamese), a minimal Office Open XML package, and for ``.doc`` an RTF file, which is what many
``.doc`` files on Vietnamese portals really are (Word saves RTF under that name and opens it as a document).
Output is deterministic: fixed ZIP timestamps, no creation dates.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from govscraper.replica.urls import fold_ascii

if TYPE_CHECKING:
    from govscraper.replica.site import ReplicaAttachment


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
    lines = document_lines(doc)
    if doc.format == "pdf":
        return pdf_bytes([fold_ascii(line) for line in lines])
    if doc.format == "docx":
        return docx_bytes(lines)
    return rtf_bytes(lines)


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
