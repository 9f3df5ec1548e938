"""The built pages of the platform profiles (tests/fixtures/<platform>/) and a loopback server that serves them.

Each platform's folder holds its pages, each with the values read off it by hand and the paths it is served at
(``<page stem>.json``, ``served_at``), and the portal's address (``site.json``), as tests/helpers/fixtures.py reads
them; :class:`FixtureSite` serves them on 127.0.0.1 with small photos and PDFs, so crawls and the probe meet them
over real HTTP.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from tests.helpers import fixtures
from tests.helpers.loopback import Answer, LoopbackServer, Request

#: A minimal PDF (one empty page) for attachment URLs.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class FixtureSite:
    """A fixture portal on 127.0.0.1: each page at its ``served_at`` paths, the portal's host rewritten to here.

    Image paths answer a small JPEG, document paths (``.pdf``) a PDF, ``/robots.txt`` a polite file that allows
    the news; ``/loi-may-chu`` answers 500 and ``/tai-lieu.pdf`` a PDF (for the probe's error tests); anything else
    is a 404.
    """

    def __init__(self, platform: str, site: str | None = None):
        self.origin = (site or fixtures.site(platform)["base_url"]).rstrip("/")
        self.routes: dict[str, Path] = fixtures.routes(platform, self.origin)
        self.server = LoopbackServer(self.route)
        self.url = self.server.url

    @property
    def requests(self) -> list[tuple[str, str]]:
        """``(path, User-Agent)`` of every request received, in order."""
        return [(request.path, request.headers.get("User-Agent", "")) for request in self.server.requests]

    def route(self, request: Request) -> Answer:
        status, content_type, body = self.answer(request.path)
        return Answer(status, body, content_type)

    def local(self, url: str) -> str:
        """A fixture URL (on the portal's real host) as served here."""
        return url.replace(self.origin, self.url, 1)

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /c/portal/\nDisallow: /_layouts/\n"
        if path == "/loi-may-chu":
            return 500, "text/html", b"<html><body>Runtime Error</body></html>"
        page = self.routes.get(path)
        if page is not None:
            text = page.read_text(encoding="utf-8")
            return 200, "text/html; charset=utf-8", text.replace(self.origin, self.url).encode("utf-8")
        lowered = urlsplit(path).path.lower()
        if re.search(r"\.(?:jpe?g|png|gif)(?:/|$)", lowered):
            return 200, "image/jpeg", _jpeg(path)
        if ".pdf" in lowered:
            return 200, "application/pdf", PDF
        return 404, "text/html", b"<html><body>Not found</body></html>"

    def close(self) -> None:
        self.server.close()


def _jpeg(path: str) -> bytes:
    """A distinct small photo per path (its colour from the path's hash)."""
    colour = tuple(hashlib.sha256(path.encode()).digest()[:3])
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()
