"""Text of official documents: every format built for real in the test, damaged files, limits, the replica's files.

Documents are made with the libraries that read them (python-docx, openpyxl, odfpy, pypdf's writer) or written
by hand where the point is the bytes (PDF text layers, RTF escapes, OLE and archive magic), so what is checked is
what a portal's file would give, not a mock.
"""

from __future__ import annotations

import io
import random
import tracemalloc
import unicodedata
import zipfile
import zlib
from datetime import date, datetime

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from govscraper.files.documents import DocumentText, Limits, document_kind, extract_document_text
from govscraper.text import encode_tcvn3, normalize_block
from govscraper_replica import build_site
from govscraper_replica.sample_documents import document_bytes, huge_xlsx, many_pages_pdf
from govscraper_replica.urls import fold_ascii
from tests.helpers.documents import (
    BODY,
    HELVETICA,
    TITLE,
    VNI,
    bomb_docx,
    image_only_pdf,
    make_docx,
    make_ods,
    make_odt,
    make_pdf,
    make_xlsx,
    rtf_escape,
    text_pdf,
    unicode_pdf,
)
from tests.helpers.hostile_site import cp1258

TCVN3 = encode_tcvn3("Công văn số 12/UBND").decode("latin-1")  # "C«ng v¨n sè 12/UBND", as .VnTime shows it


def lines(result: DocumentText) -> list[str]:
    assert result.error is None, result.error
    assert result.text is not None
    return result.text.split("\n")


# -- formats -----------------------------------------------------------------------------------------------
def test_docx_paragraphs_and_table_in_document_order():
    data = make_docx(BODY, table=[["Số: 12/KH-UBND", "Mộ Đức, ngày 09 tháng 01 năm 2022"], ["Nơi nhận:", ""]])
    result = extract_document_text(data, "application/octet-stream", "ke-hoach.docx")
    assert result.method == "python-docx"
    assert lines(result) == [
        *BODY,
        "Số: 12/KH-UBND\tMộ Đức, ngày 09 tháng 01 năm 2022",
        "Nơi nhận:",
        "Nơi nhận: như trên",
    ]
    assert result.truncated is None


def test_docx_typed_in_tcvn3_or_vni_is_repaired():
    assert TCVN3 == "C«ng v¨n sè 12/UBND"
    for damaged in (TCVN3, VNI):
        data = make_docx([damaged, encode_tcvn3("Hội đồng nhân dân huyện Mộ Đức").decode("latin-1")])
        got = lines(extract_document_text(data, None, "cv.docx"))
        assert got == ["Công văn số 12/UBND", "Hội đồng nhân dân huyện Mộ Đức"]
    tcvn3_doc = make_docx([encode_tcvn3(line).decode("latin-1") for line in BODY[1:2]])
    assert lines(extract_document_text(tcvn3_doc, None, None)) == BODY[1:2]


def test_docx_breaks_tabs_and_text_outside_runs():
    document = docx.Document()
    paragraph = document.add_paragraph("Dòng một")
    paragraph.add_run().add_break()
    paragraph.add_run("Dòng\thai")
    document.add_paragraph("   ")
    out = io.BytesIO()
    document.save(out)
    assert lines(extract_document_text(out.getvalue(), None, None)) == ["Dòng một", "Dòng hai"]


def test_xlsx_sheets_rows_and_values():
    data = make_xlsx(
        {
            "Tổng hợp": [
                ["STT", "Đơn vị", "Kinh phí (triệu đồng)", "Ngày"],
                [1, "Xã Đức Thạnh", 120.5, datetime(2024, 3, 1)],
                [2, None, 80.0, date(2024, 3, 2)],
                [None, None, None, None],
                [3, encode_tcvn3("Xã Đức Lợi").decode("latin-1"), True],
            ],
            "Ghi chú": [["Số liệu đến ngày 15/3/2024"]],
        }
    )
    result = extract_document_text(data, None, None)
    assert result.method == "openpyxl"
    assert result.text == (
        "Tổng hợp\n"
        "STT\tĐơn vị\tKinh phí (triệu đồng)\tNgày\n"
        "1\tXã Đức Thạnh\t120.5\t2024-03-01\n"
        "2\t\t80\t2024-03-02\n"
        "3\tXã Đức Lợi\tTRUE\n"
        "\n"
        "Ghi chú\n"
        "Số liệu đến ngày 15/3/2024"
    )


def test_empty_sheets_are_left_out():
    data = make_xlsx({"Trống": [], "Số liệu": [["Xã Đức Thạnh", 12]], "Cũng trống": [[None, None]]})
    assert extract_document_text(data, None, None).text == "Số liệu\nXã Đức Thạnh\t12"
    empty = extract_document_text(make_xlsx({"Sheet1": []}), None, None)
    assert (empty.text, empty.error) == (None, "XLSX has no cells with values")


def test_odt_and_ods_through_odfpy():
    odt = extract_document_text(make_odt(), "application/vnd.oasis.opendocument.text", "kh.odt")
    assert odt.method == "odfpy"
    assert lines(odt) == [TITLE, "Ủy ban nhân dân huyện Mộ Đức", "Nơi nhận:\tTM. ỦY BAN NHÂN DÂN"]
    ods = extract_document_text(make_ods(), None, "ds.ods")
    assert lines(ods) == ["Danh sách", "STT\tHọ và tên\tĐiểm", "1\tNguyễn Văn A\t9,5"]
    assert ods.truncated is None
    # The 100,000 repeated empty rows are not expanded: one look at each row is 3 + 3 + 1,000 cells, within a
    # limit of 2,000; visiting the empty row even twice would pass it (and cut the text with "first 2,000 cells").
    bounded = extract_document_text(make_ods(), None, "ds.ods", limits=Limits(cells=2_000))
    assert (bounded.text, bounded.truncated) == (ods.text, None)


def test_rtf_with_unicode_escapes_and_a_table():
    body = "\\par\n".join(rtf_escape(line) for line in BODY)
    table = f"\\trowd\\cellx3000\\cellx6000 {rtf_escape('Nơi nhận:')}\\cell {rtf_escape('TM. UBND')}\\cell\\row\n"
    data = (
        "{\\rtf1\\ansi\\ansicpg1258\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs26\n"
        + body
        + "\\par\n"
        + table
        + "a|b\\par\n}"
    ).encode("ascii")
    result = extract_document_text(data, "application/msword", "cv.doc")  # RTF named .doc, as portals serve it
    assert result.method == "striprtf"
    assert lines(result) == [*BODY, "Nơi nhận:\tTM. UBND", "a|b"]


def test_rtf_in_a_tcvn3_font_is_repaired():
    escaped = "".join(f"\\'{b:02x}" if b > 127 else chr(b) for b in encode_tcvn3("Công văn số 12/UBND"))
    data = ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fnil .VnTime;}}\\f0 " + escaped + "\\par}").encode("ascii")
    assert extract_document_text(data, None, "cv.rtf").text == "Công văn số 12/UBND"


def test_pdf_text_layer_ascii_and_tcvn3():
    tcvn3 = encode_tcvn3("Kế hoạch phát triển kinh tế xã hội năm 2024")  # "KÕ ho¹ch ph¸t triÓn ..."
    data = text_pdf([[b"UBND HUYEN MO DUC", b"So: 12/KH-UBND"], [tcvn3, b"Trang 2"]])
    assert "KÕ ho¹ch" in PdfReader(io.BytesIO(data)).pages[1].extract_text()  # what pypdf reads before repair
    result = extract_document_text(data, "application/pdf", "kh.pdf")
    assert result.method == "pypdf"
    assert result.text == ("UBND HUYEN MO DUC\nSo: 12/KH-UBND\n\nKế hoạch phát triển kinh tế xã hội năm 2024\nTrang 2")


def test_pdf_with_vietnamese_through_a_tounicode_cmap():
    result = extract_document_text(unicode_pdf(BODY), None, None)
    assert lines(result) == BODY
    assert all(unicodedata.is_normalized("NFC", line) for line in lines(result))


def test_scanned_pdf_has_no_text_layer():
    result = extract_document_text(image_only_pdf(), "application/pdf", "scan.pdf")
    assert result == DocumentText(None, "pypdf", "scanned PDF: no text layer")


def encrypted(data: bytes, user: str, owner: str | None = None, algorithm: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user, owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf():
    plain = text_pdf([[b"UBND HUYEN MO DUC"]])
    for algorithm in (None, "AES-256"):
        result = extract_document_text(encrypted(plain, "mat-khau", algorithm=algorithm), None, "mat.pdf")
        assert result.text is None
        assert result.error == "encrypted PDF: a password is needed to open it"
    # Only an owner password (printing or copying restricted): readers open it, and so does the extractor.
    assert extract_document_text(encrypted(plain, "", "chu-so-huu"), None, None).text == "UBND HUYEN MO DUC"


def test_plain_text_attachment():
    for data in (cp1258("Thông báo số 5/TB-UBND\r\nMộ Đức"), "Thông báo số 5/TB-UBND\nMộ Đức".encode()):
        result = extract_document_text(data, "text/plain", "tb.txt")
        assert (result.method, result.text) == ("text", "Thông báo số 5/TB-UBND\nMộ Đức")


# -- what has no text --------------------------------------------------------------------------------------
def ole(*streams: str) -> bytes:
    """The start of a compound file with directory entries of the given stream names (enough for detection)."""
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + entries


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "error"),
    [
        (ole("Root Entry", "WordDocument", "1Table"), "qd.doc", "legacy .doc (OLE) has no text extractor here"),
        (ole("Root Entry", "Workbook"), "bang.xls", "legacy .xls (OLE) has no text extractor here"),
        (ole("Root Entry", "PowerPoint Document"), "bc.ppt", "legacy .ppt (OLE) has no text extractor here"),
        (ole("Root Entry", "EncryptionInfo", "EncryptedPackage"), "mat.docx", "password-protected Office document"),
        (zipped({"scan-1.pdf": b"%PDF-1.4", "scan-2.pdf": b"%PDF-1.4"}), "ho-so.doc", "ZIP archive: not a document"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "ho-so.rar", "RAR archive"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64, "ho-so.7z", "7z archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "scan.pdf", "JPEG image: no text layer"),
        ("<!DOCTYPE html><html><body>Đăng nhập</body></html>".encode(), "qd.pdf", "HTML page, not a document"),
        (b"", "qd.pdf", "empty file"),
        (b"\x00\x01garbage" * 10, "qd.pdf", "unrecognised file format (first bytes 00 01 67 61"),
    ],
)
def test_files_without_text_say_why(data: bytes, filename: str, error: str):
    result = extract_document_text(data, None, filename)
    assert result.text is None
    assert result.error is not None
    assert result.error.startswith(error)
    assert "\n" not in result.error


def test_kind_comes_from_the_bytes_not_the_name():
    assert document_kind(make_docx(["a"]), "application/pdf", "x.pdf") == "docx"
    assert document_kind(make_xlsx({"a": [[1]]}), None, "x.doc") == "xlsx"
    assert document_kind(make_odt(), None, None) == "odt"
    assert document_kind(make_ods(), None, None) == "ods"
    assert document_kind(b"{\\rtf1 x}", "application/msword", "x.doc") == "rtf"
    assert document_kind(b"\n%PDF-1.4\n", None, "x.doc") == "pdf"
    assert document_kind(b"PK\x03\x04 truncated", None, "x.docx") == "docx"
    assert document_kind(b"PK\x03\x04 truncated", None, "x.bin") == "zip"


# -- damaged and hostile files -----------------------------------------------------------------------------
SAMPLES = {
    "pdf": text_pdf([[b"UBND HUYEN MO DUC"], [b"Trang 2"]]),
    "docx": make_docx(BODY, table=[["a", "b"]]),
    "xlsx": make_xlsx({"Tổng hợp": [["STT", "Đơn vị"], [1, "Xã Đức Thạnh"]]}),
    "odt": make_odt(),
    "rtf": ("{\\rtf1\\ansi " + "\\par ".join(rtf_escape(line) for line in BODY) + "}").encode("ascii"),
}


@pytest.mark.parametrize("kind", ["docx", "xlsx", "odt"])
def test_truncated_packages_are_errors(kind: str):
    data = SAMPLES[kind]
    for cut in (10, len(data) // 2, len(data) - 30):
        result = extract_document_text(data[:cut], None, f"van-ban.{kind}")
        assert result.text is None
        assert result.error.startswith(f"corrupt {kind.upper()}: "), result.error


def test_truncated_or_corrupt_pdf_is_an_error():
    data = SAMPLES["pdf"]
    for damaged in (data[:40], data[:120], b"%PDF-1.4\n" + bytes(range(256)) * 4):
        result = extract_document_text(damaged, "application/pdf", "kh.pdf")
        assert result.text is None
        assert "PDF" in result.error
    cut = extract_document_text(data[: len(data) - 60], None, None)  # the end cut off: pypdf rebuilds the xref
    assert cut.error is None or "PDF" in cut.error


def test_package_that_is_no_document_of_its_kind():
    fake = zipped({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>"})
    result = extract_document_text(fake, None, "x.docx")
    assert result.text is None
    assert result.error.startswith("corrupt DOCX: ")


def test_member_that_inflates_past_its_declared_size_is_refused():
    """Headers that claim a 2 KB document.xml which really inflates to 60 MB: refused before python-docx reads it
    (zipfile would inflate a whole read at once before cutting it at the declared size)."""
    data = bytearray(bomb_docx(60))
    name = b"word/document.xml"
    central = 0
    while True:
        central = data.index(b"PK\x01\x02", central)
        if data[central + 46 : central + 46 + len(name)] == name:
            break
        central += 4
    data[central + 24 : central + 28] = (2048).to_bytes(4, "little")
    local = int.from_bytes(data[central + 42 : central + 46], "little")
    data[local + 22 : local + 26] = (2048).to_bytes(4, "little")
    tracemalloc.start()
    try:
        result = extract_document_text(bytes(data), None, "x.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.text is None
    assert result.error == "corrupt DOCX: word/document.xml inflates past its declared size (2,048 bytes)"
    assert peak < 10 * 1024 * 1024


class CountingInflater:
    """A zlib decompressor that notes how many bytes each call gives out."""

    def __init__(self, inner, counts: list[int]) -> None:
        self._inner, self._counts = inner, counts

    def decompress(self, data, max_length=0):
        out = self._inner.decompress(data, max_length)
        self._counts.append(len(out))
        return out

    def flush(self, *args):
        out = self._inner.flush(*args)
        self._counts.append(len(out))
        return out

    def __getattr__(self, name):  # eof, unconsumed_tail, unused_data
        return getattr(self._inner, name)


def inflation_counted(monkeypatch) -> list[int]:
    """The sizes of everything zlib inflates from now on in this test (zipfile's reads and ours alike)."""
    counts: list[int] = []
    decompressobj, decompress = zlib.decompressobj, zlib.decompress

    def counted_decompress(*args, **kwargs):
        out = decompress(*args, **kwargs)
        counts.append(len(out))
        return out

    monkeypatch.setattr(zlib, "decompressobj", lambda *a, **k: CountingInflater(decompressobj(*a, **k), counts))
    monkeypatch.setattr(zlib, "decompress", counted_decompress)
    return counts


def test_zip_bomb_docx_is_refused_before_it_is_read(monkeypatch):
    data = bomb_docx(60)
    assert len(data) < 2 * 1024 * 1024
    inflated = inflation_counted(monkeypatch)
    tracemalloc.start()
    try:
        result = extract_document_text(data, None, "bom.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sum(inflated) < 64 * 1024  # refused by its declared size: the 60 MB were never inflated
    assert peak < 10 * 1024 * 1024
    assert result.text is None
    assert result.error.startswith("DOCX too large to read: ")
    assert result.error.endswith(" MB of XML uncompressed (limit 50 MB)")
    assert extract_document_text(SAMPLES["docx"], None, None).text
    assert sum(inflated) > 0  # the count does see a DOCX being read


def test_limits_cut_the_text_and_say_where():
    pdf = text_pdf([[f"Trang {n}".encode()] for n in range(1, 6)])
    result = extract_document_text(pdf, None, None, limits=Limits(pdf_pages=3))
    assert result.text == "Trang 1\n\nTrang 2\n\nTrang 3"
    assert result.truncated == "first 3 of 5 pages"
    sheet = make_xlsx({"Số liệu": [[f"ô {r}-{c}" for c in range(10)] for r in range(50)]})
    result = extract_document_text(sheet, None, None, limits=Limits(cells=100))
    assert result.truncated == "first 100 cells"
    assert result.text.split("\n")[0] == "Số liệu"
    assert len(result.text.split("\n")) == 1 + 10
    result = extract_document_text(make_docx(BODY * 100), None, None, limits=Limits(chars=500))
    assert result.truncated == "first 500 characters"
    assert 400 < len(result.text) < 700
    assert extract_document_text(SAMPLES["docx"], None, None, limits=Limits(xml_bytes=100)).error.startswith(
        "DOCX too large to read"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(SAMPLES)),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
)
def test_damaged_files_never_raise(kind: str, cut: float, flips: list[tuple[float, int]]):
    data = bytearray(SAMPLES[kind])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    data = bytes(data[: max(1, int(cut * len(data)))])
    result = extract_document_text(data, None, f"x.{kind}")
    assert isinstance(result, DocumentText)
    assert (result.text is None) == (result.error is not None)
    if result.error is not None:
        assert "\n" not in result.error
        assert len(result.error) < 300


def test_many_mutations_never_raise():
    """Seeded truncations and byte flips of every sample, dense enough to reach inside the compressed parts."""
    rng = random.Random(5712)
    for kind, sample in SAMPLES.items():
        for _ in range(60):
            data = bytearray(sample)
            for _ in range(rng.choice((0, 1, 3, 20))):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.5:
                del data[rng.randrange(1, len(data)) :]
            result = extract_document_text(bytes(data), None, f"x.{kind}")
            assert (result.text is None) == (result.error is not None), (kind, result)


def test_deflate_bomb_in_a_pdf_stream_is_bounded():
    """A content stream that inflates to 100 MB: pypdf's own output limit stops it, the extractor reports it."""
    stream = zlib.compress(b" " * (100 * 1024 * 1024), 9)
    page = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    data = make_pdf([b""], fonts=HELVETICA)
    data = data.replace(b"<< /Length 0 >>\nstream\n\nendstream", page)  # offsets now wrong: pypdf must recover
    result = extract_document_text(data, None, None)
    assert result.text is None
    assert "PDF" in result.error
    assert "LimitReachedError" in result.error  # stopped at pypdf's output limit, not after inflating it all


# -- output form -------------------------------------------------------------------------------------------
def test_text_is_normalised_and_stable():
    result = extract_document_text(make_docx(["  Hoà   bình\u00a0 ", "Thủy lợi\u200b", "Qua\u0309ng Ngãi"]), None, None)
    assert lines(result) == ["Hoà bình", "Thủy lợi", "Quảng Ngãi"]
    for data in (SAMPLES["docx"], SAMPLES["pdf"], SAMPLES["rtf"]):
        text = extract_document_text(data, None, None).text
        assert unicodedata.is_normalized("NFC", text)
        if "\t" not in text:
            paragraphs = text.replace("\n\n", "\x00").replace("\n", "\n\n").replace("\x00", "\n\n")
            assert normalize_block(paragraphs) == paragraphs


# -- the replica's attachments -----------------------------------------------------------------------------
def test_replica_documents_give_their_title():
    site = build_site(articles=120, seed=2022)
    seen = set()
    for doc in site.documents.values():
        data = document_bytes(doc)
        result = extract_document_text(data, doc.content_type, doc.file_name)
        assert result.truncated is None, (doc.file_name, result.truncated)  # whole, within every limit
        heading = doc.document.upper()
        expected = fold_ascii(heading) if doc.format == "pdf" else heading
        assert expected in lines(result), (doc.file_name, result.text)
        assert result.method == {"pdf": "pypdf", "docx": "python-docx", "doc": "striprtf"}[doc.format]
        if doc.format != "pdf":
            assert doc.subject in result.text
            assert "ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC" in result.text
        seen.add(doc.format)
    assert seen == {"pdf", "docx", "doc"}  # their speed: benchmarks/documents.py


@pytest.mark.parametrize(
    ("name", "make"),
    [("report.pdf", lambda n: many_pages_pdf("report", n)), ("table.xlsx", lambda n: huge_xlsx("table", n * 10))],
)
def test_a_reader_past_its_time_limit_stops_says_so_and_keeps_what_it_read(name, make):
    """The reader's own stop, checked between pages and rows (the pool's kill is the backstop, tests/e2e)."""
    cut = extract_document_text(make(2000), None, name, limits=Limits(seconds=1))
    reason = cut.truncated or cut.error or ""
    assert "stopped after 1 s" in reason
    if cut.text:  # what was read is kept: the document's start, as a short copy of it reads
        start = extract_document_text(make(2), None, name).text
        # On a busy machine the second may end after the title alone: compare as much as both hold.
        shared = min(500, len(cut.text), len(start))
        assert cut.text[:shared] == start[:shared]
