"""Attachment file names safe to store, show, export and write to disk; the name as the server sent it kept beside.

A server chooses the name (Content-Disposition, or the URL's last segment): it can hold directory parts, "..",
control characters, right-to-left overrides that make "gpj.exe" display as "exe.jpg", Windows device names or a
thousand characters. ``attachments.filename`` holds the name made safe (:func:`govscraper.files.sniff.safe_filename`),
``attachments.filename_raw`` the name as received, and exports write the safe one. Expected values are written out
by hand.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from govscraper.files.sniff import MAX_FILENAME_BYTES, filename_for, safe_filename
from govscraper_replica.sample_documents import pdf_bytes
from tests.helpers.cli import run_cli
from tests.helpers.loopback import NOT_FOUND, Answer, LoopbackServer, Request


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        # Vietnamese kept as it is, made NFC (sent decomposed: e + circumflex + acute, a + dot below).
        ("Kế hoạch số 12-KH-UBND.pdf", "Kế hoạch số 12-KH-UBND.pdf"),
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "Kế hoạch.pdf"),
        ("Báo cáo tổng kết năm 2024 – UBND huyện Mộ Đức.docx", "Báo cáo tổng kết năm 2024 – UBND huyện Mộ Đức.docx"),
        # Directory parts: only the last segment (RFC 6266, 4.3), whichever separator.
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\drivers\\etc\\hosts", "hosts"),
        ("/var/www/../../root/.ssh/authorized_keys", "authorized_keys"),
        ("C:\\Users\\Public\\ke-hoach.pdf", "ke-hoach.pdf"),
        ("Kế hoạch 12/KH-UBND.pdf", "KH-UBND.pdf"),
        # Dots: no "..", never hidden, no trailing dots or spaces.
        ("..", None),
        (".", None),
        ("...", None),
        (".htaccess", "htaccess"),
        ("bao..cao....pdf", "bao.cao.pdf"),
        ("ke-hoach.pdf. . ", "ke-hoach.pdf"),
        # Control characters become spaces, runs of spaces one.
        ("bao\x00cao\r\n.pdf", "bao cao .pdf"),
        ("ke\thoach\x7f.pdf", "ke hoach .pdf"),
        ("báo\x1b[31mcáo.pdf", "báo [31mcáo.pdf"),
        ("tai\x85lieu.pdf", "tai lieu.pdf"),
        ("a\u2028b\u2029c.pdf", "a b c.pdf"),
        ("  Kế   hoạch\u00a0\u00a0số 12 .pdf  ", "Kế hoạch số 12 .pdf"),
        # Bidirectional overrides, isolates and marks, zero-width characters, soft hyphens, BOMs: gone.
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2067bao-cao\u2069\u200f.pdf\u200e", "bao-cao.pdf"),
        ("\ufeffQuy\u00adết\u200b định\u200d.pdf", "Quyết định.pdf"),
        # What Windows forbids in a name.
        ('QĐ: 12 "khẩn" <mật>|?*.pdf', "QĐ_ 12 _khẩn_ _mật____.pdf"),
        # Windows device names, whatever the case and extension.
        ("CON", "_CON"),
        ("con.pdf", "_con.pdf"),
        ("Nul.tar.gz", "_Nul.tar.gz"),
        ("COM1 .txt", "_COM1 .txt"),
        ("lpt9.docx", "_lpt9.docx"),
        ("console.pdf", "console.pdf"),
        ("COM10.pdf", "COM10.pdf"),
        # Nothing left.
        ("", None),
        ("   ", None),
        ("\u202e\u200b", None),
        ("/", None),
        (None, None),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_a_long_name_is_cut_at_a_letter_boundary_keeping_its_extension():
    assert safe_filename("ệ" * 300 + ".pdf") == "ệ" * 65 + ".pdf"  # 65 x 3 bytes + 4 = 199 <= 200
    assert safe_filename("a" * 300 + ".pdf") == "a" * 196 + ".pdf"
    assert safe_filename("a" * 300) == "a" * 200
    # Decomposed on the wire: the cut never separates a letter from its mark (after NFC there is none to split).
    assert safe_filename("e\u0302\u0301" * 100) == "ế" * 66
    # A combining mark that no letter takes in NFC stays with its letter, or both go.
    assert safe_filename("x" * 199 + "a\u0330") == "x" * 199
    assert safe_filename("ab." + "x" * 300) == ("ab." + "x" * 300)[:200]  # a 300-character "extension" is no extension


@pytest.mark.parametrize(
    ("url", "disposition", "raw"),
    [
        ("https://x.vn/get?id=1", "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "../../etc/passwd"),
        ("https://x.vn/get?id=1", "attachment; filename*=ISO-8859-1''caf%E9.pdf", "café.pdf"),
        ("https://x.vn/get?id=1", "attachment; filename*=utf-8'vi'K%E1%BA%BF%20ho%E1%BA%A1ch.pdf", "Kế hoạch.pdf"),
        ("https://x.vn/get?id=1", "attachment; filename=\"a.pdf\"; filename*=UTF-8''b%C3%A1o.pdf", "báo.pdf"),
        ("https://x.vn/get?id=1", "attachment; filename*=x-unknown''b%C3%A1o.pdf", "báo.pdf"),
        ("https://x.vn/up/b%C3%A1o%0Dc%C3%A1o.pdf", None, "báo\rcáo.pdf"),
        ("https://x.vn/up/%2E%2E%2Fpasswd.pdf", None, "../passwd.pdf"),
    ],
)
def test_filename_for_gives_the_name_as_sent(url, disposition, raw):
    assert filename_for(url, disposition) == raw


@given(st.text(max_size=400))
def test_safe_names_are_stable_and_safe(raw):
    safe = safe_filename(raw)
    if safe is None:
        return
    assert safe_filename(safe) == safe  # idempotent: storing a safe name again changes nothing
    assert unicodedata.is_normalized("NFC", safe)
    assert len(safe.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert not any(c in safe for c in '/\\<>:"|?*')
    assert ".." not in safe
    assert not safe.startswith((".", " "))
    assert not safe.endswith((".", " "))
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in safe)


# -- a crawl stores both names; exports write the safe one ---------------------------------------------------------
#: path -> (Content-Disposition or None, the raw name the archive must keep, the safe name)
HOSTILE = {
    "/files/1.pdf": ("attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys", "../../.ssh/authorized_keys",
                     "authorized_keys"),
    "/files/2.pdf": ("attachment; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%E2%80%AEfdp.exe",
                     "Kế hoạch\u202efdp.exe", "Kế hoạchfdp.exe"),
    "/files/3.pdf": ('attachment; filename="CON.pdf"', "CON.pdf", "_CON.pdf"),
    "/files/b%C3%A1o%0Dc%C3%A1o%1B%5B31m.pdf": (None, "báo\rcáo\x1b[31m.pdf", "báo cáo [31m.pdf"),
}  # fmt: skip


#: Two article pages, two documents each (a page linking three or more documents reads as a list of documents).
PAGES = {
    "/tin-tuc/duc-pho-trien-khai-ke-hoach-nam-2024.html": ("Đức Phổ triển khai kế hoạch năm 2024", list(HOSTILE)[:2]),
    "/tin-tuc/duc-pho-tong-ket-cai-cach-hanh-chinh-2023.html": (
        "Đức Phổ tổng kết cải cách hành chính năm 2023",
        list(HOSTILE)[2:],
    ),
}


def article_page(path: str) -> bytes:
    title, documents = PAGES[path]
    links = "".join(f"<p><a href='{doc}'>Tải về văn bản {n}</a></p>" for n, doc in enumerate(documents, start=1))
    others = "".join(f"<p><a href='{other}'>{PAGES[other][0]}</a></p>" for other in PAGES if other != path)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div class='title'>{title}</div>"
        "<div class='date'>Ngày đăng: 05/01/2024 | 08:30</div>"
        "<div class='content'><p>Sáng 05/01, UBND thị xã Đức Phổ tổ chức hội nghị với sự tham dự của lãnh đạo các "
        "phòng, ban, đơn vị và các xã, phường trên địa bàn thị xã.</p>"
        "<p>Năm 2024, thị xã phấn đấu tăng tổng giá trị sản xuất 9,5%; thu ngân sách đạt 100% dự toán; giữ vững "
        "chuẩn nông thôn mới ở tất cả các xã.</p><p>Phát biểu chỉ đạo hội nghị, đồng chí Chủ tịch UBND thị xã yêu "
        "cầu các phòng, ban chuyên môn và UBND các xã, phường cụ thể hóa kế hoạch thành chương trình công tác, phân "
        "công rõ người, rõ việc, rõ thời gian hoàn thành./.</p>"
        f"{links}</div><div class='other-news'>{others}</div></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def named_portal():
    pages = {path: article_page(path) for path in PAGES}
    document = pdf_bytes(["UY BAN NHAN DAN THI XA DUC PHO", "KE HOACH SO 12/KH-UBND"])

    def route(request: Request) -> Answer:
        if request.path in pages:
            return Answer(body=pages[request.path])
        if request.path in HOSTILE:
            disposition = HOSTILE[request.path][0]
            headers = {"Content-Disposition": disposition} if disposition else {}
            body = document + request.path.encode()  # a distinct file each, so each row is its own
            return Answer(body=body, content_type="application/pdf", headers=headers)
        return NOT_FOUND

    with LoopbackServer(route) as server:
        yield server.url


def test_a_crawl_keeps_the_raw_name_and_stores_and_exports_the_safe_one(tmp_path, named_portal):
    db_path = tmp_path / "archive.db"
    result = run_cli(
        "crawl",
        "--url",
        named_portal + "/tin-tuc/duc-pho-trien-khai-ke-hoach-nam-2024.html",
        "--db",
        str(db_path),
        "--loopback",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    stored = {row["first_url"][len(named_portal) :]: row for row in db["attachments"].rows}
    assert set(stored) == set(HOSTILE)
    for path, (_, raw, safe) in HOSTILE.items():
        assert (stored[path]["filename_raw"], stored[path]["filename"]) == (raw, safe), path
        assert stored[path]["text"].startswith("UY BAN NHAN DAN THI XA DUC PHO")  # the name does not stop the reading

    exported = run_cli("export", "--db", str(db_path), "--format", "jsonl", "--fields", "attachments")
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    names = [entry["filename"] for record in records for entry in record["attachments"]]
    assert sorted(names) == sorted(safe for _, _, safe in HOSTILE.values())
    csv_export = run_cli("export", "--db", str(db_path), "--format", "csv", "--fields", "attachments")
    assert "\\u202e" not in csv_export.stdout
    assert "\u202e" not in csv_export.stdout
    assert "authorized_keys" in csv_export.stdout
    assert "../" not in csv_export.stdout
