"""The built pages of the platform profiles (tests/fixtures/<platform>/) and a loopback server that serves them.

Each platform's folder holds its pages, where each is served (pages.json) and the values read off them by hand
(expected_articles.json, expected_lists.json); :class:`FixtureSite` serves them on 127.0.0.1 with small photos and
PDFs, so crawls and the probe meet them over real HTTP.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from govscraper.text import decode_page
from tests.helpers.loopback import Answer, LoopbackServer, Request

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


#: A minimal PDF (one empty page) for attachment URLs.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def load(platform: str, name: str) -> dict:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def page_text(platform: str, name: str) -> str:
    return decode_page((FIXTURES / platform / name).read_bytes())


class FixtureSite:
    """A fixture portal on 127.0.0.1: each page at its path (``pages.json``), the portal's host rewritten to here.

    Image paths answer a small JPEG, document paths (``.pdf``) a PDF, ``/robots.txt`` a polite file that allows
    the news; ``/loi-may-chu`` answers 500 and ``/tai-lieu.pdf`` a PDF (for the probe's error tests); anything else
    is a 404.
    """

    def __init__(self, platform: str, site: str | None = None):
        manifest = load(platform, "pages.json")
        self.origin = (site or manifest["base_url"]).rstrip("/")
        files = manifest["other_sites"][site] if site else manifest["pages"]
        self.routes: dict[str, Path] = {}
        for name, paths in files.items():
            for path in paths:
                self.routes[path] = FIXTURES / platform / name
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
