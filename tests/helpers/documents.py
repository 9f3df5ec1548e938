"""Documents built in the test: DOCX, XLSX, ODT/ODS, RTF and PDF files with known text, and hostile ones.

Used by the document tests, the offload tests and benchmarks/documents.py; built with the same libraries that read
them (python-docx, openpyxl, odfpy) or by hand where a test needs bytes those libraries would not write.
"""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P, S

from govscraper.text import encode_vni
from govscraper_replica.sample_documents import pdf_file

TITLE = "Kế hoạch số 12/KH-UBND"


BODY = [
    "ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC",
    "Kế hoạch số 12/KH-UBND về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2024",
    "Độc lập – Tự do – Hạnh phúc",
]


VNI = encode_vni("Công văn số 12/UBND").decode("cp1252")  # "Coâng vaên soá 12/UBND", as VNI-Times shows it


# -- building documents ------------------------------------------------------------------------------------
def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("Nơi nhận: như trên")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=TITLE))
    paragraph = P(text="Ủy ban nhân dân huyện")
    paragraph.addElement(S(c=3))
    paragraph.addText("Mộ Đức")
    document.text.addElement(paragraph)
    table = Table(name="Bảng 1")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for value in ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_ods() -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Danh sách")
    for values in (["STT", "Họ và tên", "Điểm"], ["1", "Nguyễn Văn A", "9,5"]):
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    filler = TableRow(numberrowsrepeated=100_000)  # what spreadsheet programs write for the unused rows
    filler.addElement(TableCell(numbercolumnsrepeated=1_000))
    table.addElement(filler)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def rtf_escape(text: str) -> str:
    return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in text)


def make_pdf(pages: list[bytes], *, fonts: bytes = b"", extra: list[bytes] | None = None) -> bytes:
    """A valid PDF, one page per content stream; ``fonts`` is the /Font resource dictionary's inside (objects
    from ``extra`` are numbered after the pages, from 3 + 2 * len(pages))."""
    count = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(count))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count))
    for i, stream in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << %s >> "
            b"/XObject << /Im1 %d 0 R >> >> >>" % (4 + 2 * i, fonts, 3 + 2 * count)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.extend(
        extra
        or [
            b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
        ]
    )
    return pdf_file(objects)


HELVETICA = b"/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_stream(lines: list[bytes], font: bytes = b"/F1") -> bytes:
    shown = b"\n".join(b"(%s) Tj T*" % line.replace(b"\\", b"\\\\").replace(b"(", b"\\(") for line in lines)
    return b"BT\n%s 12 Tf\n16 TL\n56 780 Td\n%s\nET" % (font, shown)


def text_pdf(pages: list[list[bytes]]) -> bytes:
    return make_pdf([text_stream(lines) for lines in pages], fonts=HELVETICA)


def unicode_pdf(lines: list[str]) -> bytes:
    """Vietnamese in a PDF the way producers write it: one-byte codes of a font and a ToUnicode CMap for them."""
    codes: dict[str, int] = {}
    for ch in "".join(lines):
        if ch not in codes:
            codes[ch] = ord(ch) if 32 <= ord(ch) < 127 else 128 + len([c for c in codes if ord(c) >= 127])
    entries = "".join(f"<{code:02X}> <{ord(ch):04X}>\n" for ch, code in codes.items())
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /VN def "
        "1 begincodespacerange <00> <FF> endcodespacerange "
        f"{len(codes)} beginbfchar\n{entries}endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")
    shown = b"\n".join(b"<%s> Tj T*" % bytes(codes[ch] for ch in line).hex().encode() for line in lines)
    page = b"BT\n/F2 12 Tf\n16 TL\n56 780 Td\n%s\nET" % shown
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 1 >>\nstream\n\x80\nendstream"
    )
    return make_pdf(
        [page],
        fonts=b"/F2 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        extra=[image, b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"],
    )


def image_only_pdf() -> bytes:
    return make_pdf([b"q 200 0 0 280 56 500 cm /Im1 Do Q"])


def bomb_docx(megabytes: int) -> bytes:
    """A DOCX whose document.xml inflates to ``megabytes`` MB from a few hundred KB."""
    paragraph = b"<w:p><w:r><w:t>Ke hoach so 12/KH-UBND</w:t></w:r></w:p>"
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + paragraph * (megabytes * 1024 * 1024 // len(paragraph))
        + b"</w:body></w:document>"
    )
    source = zipfile.ZipFile(io.BytesIO(make_docx(["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info.filename, xml if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()
