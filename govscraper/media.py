"""What a downloaded file really is: pure checks behind the image and attachment pipelines.

A portal's "image" URL can answer with an HTML error page, and a document link with a login form; a hostile or
broken server can send a decompression bomb. These checks decide from the bytes, not from the URL or the
Content-Type header, and say in one line why a file was refused.
"""

from __future__ import annotations

import io
import mimetypes
import re
import warnings
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from PIL import Image

#: Larger images are refused as decompression bombs (Pillow's default is ~89 megapixels).
MAX_IMAGE_PIXELS = 80_000_000

_DOCUMENT_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),  # DOCX, XLSX, ODT, ZIP: told apart by the extension below
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # DOC, XLS, PPT
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"{\\rtf", "application/rtf"),
)
_BY_EXTENSION = {
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "pdf": "application/pdf",
    "rtf": "application/rtf",
}


class NotAcceptable(ValueError):
    """The bytes are not what the link promised; the message is the one-line reason kept in fetch_failures."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    width: int
    height: int


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in head


def inspect_image(data: bytes, content_type: str | None = None) -> ImageInfo:
    """Mime type and size of an image, read by Pillow from the bytes; :class:`NotAcceptable` if not an image."""
    if not data:
        raise NotAcceptable("not an image: empty response")
    if _looks_like_html(data):
        raise NotAcceptable(f"not an image: got an HTML page (Content-Type: {content_type or 'none'})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
                    fmt, (width, height) = image.format, image.size
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NotAcceptable(f"refused: decompression bomb ({exc})") from None
    except Exception as exc:  # Pillow raises many types for bad data
        raise NotAcceptable(f"not an image: {exc} (Content-Type: {content_type or 'none'})") from None
    mime = Image.MIME.get(fmt or "", f"image/{(fmt or 'unknown').lower()}")
    return ImageInfo(mime=mime, width=width, height=height)


def filename_for(url: str, content_disposition: str | None = None) -> str | None:
    """The document's file name: from Content-Disposition, else the URL's last segment with an extension.

    Liferay puts a UUID after the name (``/documents/10180/123/KH-12.pdf/5f2c...``), so the last segment that
    has an extension wins, not simply the last segment.
    """
    if content_disposition:
        match = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", content_disposition, re.I) or re.search(
            r'filename\s*=\s*"?([^";]+)"?', content_disposition, re.I
        )
        if match:
            return unquote(match.group(1).strip()) or None
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    named = [s for s in segments if "." in s and s.rsplit(".", 1)[-1].lower() in _BY_EXTENSION]
    return named[-1] if named else (segments[-1] if segments else None)


def inspect_document(data: bytes, content_type: str | None, filename: str | None) -> str:
    """The mime type of an attachment; :class:`NotAcceptable` when the server sent an HTML page instead."""
    if not data:
        raise NotAcceptable("not a document: empty response")
    declared = (content_type or "").split(";")[0].strip().lower()
    if _looks_like_html(data) or declared in ("text/html", "application/xhtml+xml"):
        raise NotAcceptable(f"not a document: got an HTML page (Content-Type: {content_type or 'none'})")
    extension = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    for magic, mime in _DOCUMENT_MAGIC:
        if data.startswith(magic):
            if mime in ("application/zip", "application/x-ole-storage"):
                return _BY_EXTENSION.get(extension, mime)
            return mime
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        return declared
    return _BY_EXTENSION.get(extension) or mimetypes.guess_type(filename or "")[0] or "application/octet-stream"
