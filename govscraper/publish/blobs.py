"""How the reading room serves an archived photo or document: the stored bytes, their type, a safe name, and nothing
that can run in the archive's origin.

Datasette shows a BLOB cell as a link that downloads ``images-<sha>-bytes.blob`` as ``application/binary``: a photo
cannot be looked at and a document loses its name. The plugin (:mod:`govscraper.publish.datasette_plugin`) serves
them at ``/-/image/<sha256>`` and ``/-/file/<sha256>`` instead, with the headers decided here (pure functions: no
Datasette, no database):

* **Type.** The stored MIME type (sniffed from the bytes when the file was archived, never taken from the server),
  when it is a well-formed ``type/subtype``; ``application/octet-stream`` otherwise.
* **Shown or saved.** A photo is shown in place (``inline``) only when it is one of the raster types every browser
  draws without running anything (:data:`INLINE_IMAGES`); anything else, an SVG photo included (SVG can hold script),
  and every document, is an ``attachment``: the browser saves it under its name instead of opening it in the archive's
  origin. Every answer also carries ``X-Content-Type-Options: nosniff`` (the browser may not guess HTML from the
  bytes) and ``Content-Security-Policy: default-src 'none'; sandbox`` (if it were ever rendered, it could run no
  script and load nothing), as GitHub's and Wikimedia's user-content servers do.
* **Name.** A photo is ``<sha256>.<ext>`` (the extension from the stored type); a document keeps the name it was
  published under, made safe when archived (:func:`govscraper.files.sniff.safe_filename`: no path, no control or
  bidirectional characters), sent as RFC 6266 / RFC 8187 ``filename*`` in UTF-8 so Vietnamese names arrive whole, with
  an ASCII ``filename`` beside it for old clients.
* **Caching.** The address names the content (its SHA-256), so the answer never changes: ``ETag`` is the hash,
  ``Cache-Control: public, max-age=31536000, immutable``, and a request with ``If-None-Match`` gets 304.
* **Honesty.** Bytes that do not hash to their address are not served (500, "run govscraper verify"): the archive
  never hands out a file under a hash it does not have.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass

from govscraper.files.sniff import safe_filename

#: Raster image types a browser draws without running anything: these photos are shown in place.
INLINE_IMAGES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/bmp": "bmp",
}
#: Extensions for the other types a portal's photo or document may have, for a name when the file has none.
EXTENSIONS = {
    **INLINE_IMAGES,
    "image/svg+xml": "svg",
    "image/tiff": "tif",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "application/zip": "zip",
    "text/plain": "txt",
}
#: A year: the longest lifetime HTTP caches honour (RFC 9111 recommends no more).
MAX_AGE = 31_536_000
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": f"public, max-age={MAX_AGE}, immutable",
}
KINDS = {"image": "images", "file": "attachments"}  # the address's word -> the table holding the bytes

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


def is_sha256(text: str) -> bool:
    return bool(_SHA256.fullmatch(text))


def content_type(stored: str | None) -> str:
    """The stored type if well formed (``type/subtype``, parameters dropped), else ``application/octet-stream``."""
    mime = (stored or "").split(";")[0].strip().lower()
    return mime if _MIME.fullmatch(mime) else "application/octet-stream"


def ascii_fallback(name: str) -> str:
    """The name in printable ASCII for the plain ``filename`` parameter: letters without their marks (đ as d), anything
    else that is not a letter, digit, dot, dash or underscore as "_"."""
    stripped = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(character for character in stripped if not unicodedata.combining(character))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stripped).strip("_") or "file"


def content_disposition(disposition: str, name: str) -> str:
    """``inline`` or ``attachment`` with the name as RFC 6266 asks: an ASCII ``filename`` and a UTF-8 ``filename*``."""
    return f"{disposition}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def file_name(kind: str, sha256: str, mime: str, stored_name: str | None) -> str:
    """The name the browser saves the file under."""
    extension = EXTENSIONS.get(mime, "bin")
    if kind == "file":
        safe = safe_filename(stored_name)
        if safe:
            return safe
    return f"{sha256}.{extension}"


@dataclass(frozen=True)
class BlobAnswer:
    """What the server sends: status, headers, body."""

    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


def _error(status: int, message: str) -> BlobAnswer:
    return BlobAnswer(status, {**SAFE_HEADERS, "Cache-Control": "no-store"}, (message + "\n").encode("utf-8"))


def answer(
    kind: str, sha256: str, row: tuple[bytes, str | None, str | None] | None, if_none_match: str | None = None
) -> BlobAnswer:
    """The answer to ``GET /-/<kind>/<sha256>``, given the stored row (bytes, mime, file name) or None when the archive
    holds no such file."""
    noun = "photo" if kind == "image" else "document"
    if not is_sha256(sha256):
        return _error(404, f"not a {noun} address: {sha256[:80]!r} is not a SHA-256 (64 lowercase hex digits)")
    if row is None:
        return _error(404, f"this archive holds no {noun} {sha256}")
    data, stored_mime, stored_name = row
    if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha256:
        return _error(500, f"the stored bytes of {noun} {sha256} do not hash to it: run govscraper verify")
    mime = content_type(stored_mime)
    shown = kind == "image" and mime in INLINE_IMAGES
    name = file_name(kind, sha256, mime, stored_name)
    headers = {
        **SAFE_HEADERS,
        "ETag": f'"{sha256}"',
        "Content-Disposition": content_disposition("inline" if shown else "attachment", name),
    }
    if if_none_match and any(tag.strip() in (f'"{sha256}"', f'W/"{sha256}"', "*") for tag in if_none_match.split(",")):
        return BlobAnswer(304, headers, b"", mime)
    return BlobAnswer(200, headers, data, mime)


__all__ = [
    "EXTENSIONS",
    "INLINE_IMAGES",
    "KINDS",
    "SAFE_HEADERS",
    "BlobAnswer",
    "answer",
    "ascii_fallback",
    "content_disposition",
    "content_type",
    "file_name",
    "is_sha256",
]
