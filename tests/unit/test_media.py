"""What downloaded bytes really are: images read by Pillow, documents by their magic numbers."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from govscraper.files.sniff import NotAcceptable, filename_for, inspect_document, inspect_image


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: what a decompression bomb looks like before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif")])
def test_real_images_are_described(fmt, mime):
    info = inspect_image(image_bytes(fmt), "image/whatever")
    assert (info.mime, info.width, info.height) == (mime, 40, 30)


def test_html_served_as_an_image_is_refused():
    with pytest.raises(NotAcceptable, match="not an image: got an HTML page"):
        inspect_image(b"<!DOCTYPE html><html><body>404</body></html>", "image/jpeg")


def test_garbage_and_empty_bodies_are_refused():
    with pytest.raises(NotAcceptable, match="not an image"):
        inspect_image(b"\x00\x01garbage" * 10, "image/jpeg")
    with pytest.raises(NotAcceptable, match="empty"):
        inspect_image(b"", "image/png")


def test_decompression_bomb_is_refused():
    with pytest.raises(NotAcceptable, match="decompression bomb"):
        inspect_image(png_header_claiming(20_000, 20_000))


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "mime"),
    [
        (b"%PDF-1.4\n...", "application/pdf", "kh.pdf", "application/pdf"),
        (b"%PDF-1.4\n...", "application/octet-stream", "kh.pdf", "application/pdf"),
        (b"PK\x03\x04rest", None, "qd.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", None, "bc.doc", "application/msword"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", None, "bc.xls", "application/vnd.ms-excel"),
        (b"Rar!\x1a\x07\x00", None, "hs.rar", "application/vnd.rar"),
    ],
)
def test_documents_are_recognised_by_their_bytes(data, content_type, filename, mime):
    assert inspect_document(data, content_type, filename) == mime


def test_an_html_page_instead_of_a_document_is_refused():
    with pytest.raises(NotAcceptable, match="not a document"):
        inspect_document(b"<html><form>login</form></html>", "application/pdf", "kh.pdf")
    with pytest.raises(NotAcceptable, match="not a document"):
        inspect_document(b"anything", "text/html; charset=utf-8", "kh.pdf")


@pytest.mark.parametrize(
    ("url", "disposition", "expected"),
    [
        ("https://x.vn/documents/10180/123/KH-12.pdf/5f2c-uuid", None, "KH-12.pdf"),
        ("https://x.vn/upload/104/20230105/Quyet%20dinh%20so%2012.pdf", None, "Quyet dinh so 12.pdf"),
        ("https://x.vn/get?id=1", 'attachment; filename="bao-cao.docx"', "bao-cao.docx"),
        ("https://x.vn/get?id=1", "attachment; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf", "Kế hoạch.pdf"),
    ],
)
def test_filenames(url, disposition, expected):
    assert filename_for(url, disposition) == expected
