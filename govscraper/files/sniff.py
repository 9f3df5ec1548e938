"""What a downloaded file really is: pure checks behind the image and attachment pipelines.

A portal's "image" URL can answer with an HTML error page, and a document link with a login form; a hostile or
broken server can send a decompression bomb. These checks decide from the bytes, not from the URL or the
Content-Type header, and say in one line why a file was refused.
"""

from __future__ import annotations

import io
import mimetypes
import re
import unicodedata
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
    """The document's file name as the server gave it: from Content-Disposition, else the URL's last segment with
    an extension. Transport encodings are undone (percent escapes, RFC 5987's ``filename*=charset''...``), nothing
    else: the result may hold a path, control characters or anything a server sends. :func:`safe_filename` makes
    it fit to store, show and write to disk; this raw name is kept beside it (``attachments.filename_raw``).

    Liferay puts a UUID after the name (``/documents/10180/123/KH-12.pdf/5f2c...``), so the last segment that
    has an extension wins, not simply the last segment.
    """
    if content_disposition:
        extended = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", content_disposition, re.I)
        if extended:
            charset = extended.group(1).strip() or "utf-8"
            try:
                return unquote(extended.group(2).strip(), encoding=charset, errors="replace") or None
            except LookupError:  # a charset Python does not know: RFC 5987 requires UTF-8 to be understood
                return unquote(extended.group(2).strip(), errors="replace") or None
        match = re.search(r'filename\s*=\s*"?([^";]+)"?', content_disposition, re.I)
        if match:
            return unquote(match.group(1).strip()) or None
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    named = [s for s in segments if "." in s and s.rsplit(".", 1)[-1].lower() in _BY_EXTENSION]
    return named[-1] if named else (segments[-1] if segments else None)


#: UTF-8 bytes a safe file name may take: ext4 and most file systems allow 255, and a tool that adds " (2)" or
#: ".part" to a name needs room.
MAX_FILENAME_BYTES = 200
#: Characters Windows forbids in a file name ("/" and "\\" are separators, handled before), written as "_".
_FORBIDDEN = re.compile(r'[<>:"|?*]')
#: Device names Windows reserves, whatever the extension ("CON.pdf" opens the console); compared without case.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"] + [f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789¹²³"]
)


def safe_filename(raw: str | None) -> str | None:
    """A file name safe to store, show and write to disk, keeping the Vietnamese as it is; None if none remains.

    * NFC, like every text the archive stores (a name sent decomposed compares equal to the same name typed);
    * the last path segment only (RFC 6266, section 4.3: "../../etc/passwd" is "passwd", "C:\\x\\y.pdf" is
      "y.pdf");
    * control characters (C0, DEL, C1) and line or paragraph separators become spaces; format characters go:
      bidirectional overrides and isolates (U+202A-202E, U+2066-2069, which make "gpj.exe" display as
      "exe.jpg"), marks (U+200E, U+200F, U+061C), zero-width characters, soft hyphens, byte-order marks; lone
      surrogates go too (they cannot be written as UTF-8); runs of white space become one space;
    * the characters Windows forbids (``< > : " | ? *``) become "_";
    * a run of dots becomes one dot, and dots and spaces at either end go, so no ".." survives and the name is
      never hidden or silently renamed by Windows;
    * a name whose part before the first dot is a reserved Windows device name (CON, PRN, AUX, NUL, COM0-9,
      LPT0-9) gets a "_" in front;
    * at most :data:`MAX_FILENAME_BYTES` bytes of UTF-8, cut at a character boundary (never inside a letter and
      its tone mark), keeping a short extension.

    It is idempotent: a safe name is returned unchanged.
    """
    if raw is None:
        return None
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[/\\]", name)[-1]
    kept: list[str] = []
    for character in name:
        category = unicodedata.category(character)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cf", "Cs"):
            kept.append(character)
    name = " ".join("".join(kept).split())
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name).strip(" .")
    name = unicodedata.normalize("NFC", name)  # removing a format character can bring a letter and its mark together
    if not name:
        return None
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    return _bounded(name)


def _bounded(name: str) -> str:
    """``name`` in at most :data:`MAX_FILENAME_BYTES` bytes of UTF-8, with its extension (up to 16 characters)."""
    if len(name.encode("utf-8")) <= MAX_FILENAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))
    cut = len(stem.encode("utf-8")[:room].decode("utf-8", "ignore"))
    while 0 < cut < len(stem) and unicodedata.combining(stem[cut]):
        cut -= 1  # the first character left out is a mark: leave its letter out too
    return (stem[:cut].rstrip(" .") or "_") + suffix


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
