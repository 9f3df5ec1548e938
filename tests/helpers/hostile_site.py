"""A hostile web site for crawl tests: four loopback servers (tests/helpers/loopback.py) on 127.0.0.1 and 127.0.0.2.

* ``portal``: the site crawled. Each case of :data:`CASES` has its pages under ``/<case>/``: a list page (the
  crawl's start URL) linking to one ordinary article (so every crawl has something to archive) and to what
  misbehaves: redirects (301/302/307/308, absolute and protocol-relative) and meta refreshes to another port or
  host, links and photos on loopback, private and link-local addresses, pages whose charset label lies, a binary
  "page", a page of 200,000 links, a pager that never ends, a chain of pages, a page nested 100,000 deep.
* ``elsewhere``: another port of 127.0.0.1, where off-site redirects point. Its request log must stay empty.
* ``other_address``: a server on 127.0.0.2, where the public-looking name ``evil.example`` points in tests
  (``GOVSCRAPER_RESOLVE``). Its request log must stay empty: the address is refused before any connection.
* ``cdn``: another port of 127.0.0.1 serving photos, as a portal's CDN does (allowed for photos and documents).

Every server logs every request (``.log``: host header and path), robots.txt included, so a test can say that nothing
off-site was requested at all. The Vietnamese text of each article is written here, in the test code; tests
compare what the archive stores with it.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

from govscraper.text import encode_tcvn3, encode_vni
from tests.helpers.loopback import NOT_FOUND, Answer, LoopbackServer, Request
from tests.helpers.measured import Measured, run_measured

# The articles' text, as the portal published it ----------------------------------------------------------------
TITLE = "Hội nghị đánh giá công tác cải cách hành chính năm 2024 của huyện Mộ Đức"
PARAGRAPHS = (
    "Sáng ngày 12/3, Ủy ban nhân dân huyện Mộ Đức tổ chức hội nghị đánh giá kết quả công tác cải cách hành chính.",
    "Đồng chí Chủ tịch Ủy ban nhân dân huyện phát biểu chỉ đạo, yêu cầu các xã, thị trấn đẩy mạnh chuyển đổi số.",
    "Năm 2024, huyện đã tiếp nhận và giải quyết đúng hạn hơn chín mươi tám phần trăm hồ sơ thủ tục hành chính.",
    "Hội nghị cũng khen thưởng các tập thể và cá nhân có thành tích xuất sắc trong công tác cải cách hành chính.",
)
#: Windows-1258 cannot hold this title's "ộ" precomposed: Vietnamese Windows writes "ô" and a combining dot below.
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows writes them: precomposed where the code page has the letter, else
    the letter without its tone followed by the combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in decomposed if c in TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def article_html(
    title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS, charset: str = "utf-8", extra: str = ""
) -> str:
    """An article page in the common Vietnamese portal layout (title, date line, body), ``extra`` after the body."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}"><title>{escape(title)}</title></head><body>'
        '<div class="header"><a href="/">Trang chủ</a></div><div class="main">'
        f'<h1 class="title">{escape(title)}</h1><div class="date">Thứ Ba, 12/03/2024 08:30</div>'
        f'<div class="content">{body}{extra}</div></div><div class="footer">Cổng thông tin điện tử huyện</div>'
        "</body></html>"
    )


def list_html(links: list[tuple[str, str]], title: str = "Tin tức - Sự kiện", extra: str = "") -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<h2>{title}</h2><ul class="news-list">{items}</ul>{extra}</body></html>'
    )


def jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "JPEG")
    return buffer.getvalue()


#: The ordinary article every case page links to: its path under the case and its link text.
OK_ARTICLE = "tin-tuc/hoi-nghi-danh-gia-cong-tac-cai-cach-hanh-chinh-nam-2024-1001.html"
OK_TEXT = "Hội nghị đánh giá công tác cải cách hành chính năm 2024"


#: The decompressed size of the compression bombs: far over a page's 10 MiB limit (GOVSCRAPER_PAGE_MAXSIZE) and
#: the 64 MiB ceiling (DOWNLOAD_MAXSIZE).
BOMB_SIZE = 256 * 1024 * 1024
BOMBS = ("gzip", "deflate", "br")
#: What an endless body sends at most before it gives up (a crawler that honours its limit hangs up long before).
ENDLESS_LIMIT = 1024 * 1024 * 1024


def pixel_bomb_png() -> bytes:
    """A valid 1 KB PNG whose header says 100,000 x 100,000 pixels: ten billion pixels if decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


# The servers ---------------------------------------------------------------------------------------------------
class HostileSite:
    """The four servers (:class:`~tests.helpers.loopback.LoopbackServer`) and the routes of every case (see the
    module's docstring)."""

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}
        self.closing = threading.Event()  # ends slow bodies when the site closes
        self.elsewhere = LoopbackServer(lambda request: Answer(body=article_html("Trang bị đánh cắp").encode()))
        self.other_address = LoopbackServer(lambda request: Answer(body=b"<html>internal</html>"), host="127.0.0.2")
        self.cdn = LoopbackServer(self.cdn_route)
        self.portal = LoopbackServer(self.route)

    def close(self) -> None:
        self.closing.set()
        for server in (self.portal, self.elsewhere, self.other_address, self.cdn):
            server.close()

    def clear_logs(self) -> None:
        for server in (self.portal, self.elsewhere, self.other_address, self.cdn):
            server.clear()

    @staticmethod
    def cdn_route(request: Request) -> Answer:
        if request.path.endswith(".jpg"):
            return Answer(body=jpeg((20, 120, 200)), content_type="image/jpeg")
        return NOT_FOUND

    # Routes ----------------------------------------------------------------------------------------------------

    def route(self, request: Request) -> Answer:
        """The portal's answer to a request (its Host header is the portal's name in public-name cases)."""
        path, host = request.path, request.host
        path = path.split("?", 1)[0] if not path.startswith("/endless/") else path
        case, _, rest = path.lstrip("/").partition("/")
        if path == "/robots.txt" or path == "/sitemap.xml":
            return NOT_FOUND
        if path == "/":  # the home page every article links to
            return Answer(body="<html><body><p>Trang chủ</p></body></html>".encode())
        if rest == OK_ARTICLE:
            return Answer(body=article_html().encode())
        handler = getattr(self, f"route_{case.replace('-', '_')}", None)
        return handler(rest, host) if handler is not None else NOT_FOUND

    def case_list(self, case: str, *hostile: tuple[str, str], extra: str = "") -> Answer:
        links = [(f"/{case}/{OK_ARTICLE}", OK_TEXT), *hostile]
        return Answer(body=list_html(links, extra=extra).encode())

    def redirect(self, case: str, rest: str, status: int, location: str) -> Answer:
        if rest == "":
            return self.case_list(
                case, (f"/{case}/tin-tuc/bai-viet-chuyen-huong-sang-trang-khac-1002.html", "Bài viết chuyển hướng đi")
            )
        return Answer(status, b"", headers={"Location": location})

    def route_redirect_301(self, rest: str, host: str) -> Answer:
        return self.redirect("redirect-301", rest, 301, f"{self.elsewhere.url}/stolen-301.html")

    def route_redirect_302(self, rest: str, host: str) -> Answer:
        return self.redirect("redirect-302", rest, 302, f"{self.elsewhere.url}/stolen-302.html")

    def route_redirect_307(self, rest: str, host: str) -> Answer:
        return self.redirect("redirect-307", rest, 307, f"{self.elsewhere.url}/stolen-307.html")

    def route_redirect_308(self, rest: str, host: str) -> Answer:
        return self.redirect("redirect-308", rest, 308, f"{self.elsewhere.url}/stolen-308.html")

    def route_protocol_relative(self, rest: str, host: str) -> Answer:
        return self.redirect("protocol-relative", rest, 302, f"//127.0.0.1:{self.elsewhere.port}/stolen-pr.html")

    def route_other_host(self, rest: str, host: str) -> Answer:
        # localhost on the portal's own port: the same server under another name; still another site.
        return self.redirect("other-host", rest, 302, f"http://localhost:{self.portal.port}/stolen-host.html")

    def route_private_redirect(self, rest: str, host: str) -> Answer:
        return self.redirect("private-redirect", rest, 302, "http://169.254.169.254/latest/meta-data/")

    def route_meta_refresh(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "meta-refresh",
                ("/meta-refresh/tin-tuc/trang-tu-dong-chuyen-sang-noi-khac-1003.html", "Trang tự động chuyển"),
            )
        refresh = f'<meta http-equiv="refresh" content="0; url={self.elsewhere.url}/stolen-meta.html">'
        return Answer(body=f"<html><head>{refresh}</head><body>Đang chuyển…</body></html>".encode())

    def route_alias(self, rest: str, host: str) -> Answer:
        # The registry lists "localhost" as an alias of this portal: the article under it is the portal's own.
        if rest == "":
            alias = f"http://localhost:{self.portal.port}/alias/tin-tuc/bai-viet-tren-ten-mien-phu-cua-cong-1004.html"
            return self.case_list("alias", (alias, "Bài viết trên tên miền phụ"))
        if rest.startswith("tin-tuc/bai-viet-tren-ten-mien-phu"):
            return Answer(body=article_html("Bài viết trên tên miền phụ của cổng thông tin").encode())
        return NOT_FOUND

    def route_public(self, rest: str, host: str) -> Answer:
        """A portal on the public web (crawled as ``portal.example``): links, photos and a redirect that lead to
        loopback, private and link-local addresses, a photo on a CDN, and one on a name that resolves to 127.0.0.2."""
        if rest == "":
            return self.case_list(
                "public",
                ("/public/tin-tuc/bai-viet-co-anh-tu-nhieu-noi-khac-nhau-1005.html", "Bài viết có ảnh từ nhiều nơi"),
                ("http://192.168.1.1/admin/", "Quản trị"),
                (f"http://localhost:{self.portal.port}/public/noi-bo.html", "Nội bộ"),
                (
                    f"http://evil.example:{self.other_address.port}/tin-tuc/bai-viet-noi-bo-1006.html",
                    "Tin nội bộ cơ quan",
                ),
            )
        if rest.startswith("tin-tuc/bai-viet-co-anh"):
            photos = (
                f'<img src="http://cdn.example:{self.cdn.port}/anh/hoi-nghi.jpg">'
                '<img src="http://10.0.0.5/anh/noi-bo.jpg">'
                '<img src="/public/anh/chuyen-huong.jpg">'
                f'<img src="http://evil.example:{self.other_address.port}/anh/bi-mat.jpg">'
            )
            return Answer(body=article_html("Bài viết có ảnh từ nhiều nơi khác nhau", extra=photos).encode())
        if rest == "anh/chuyen-huong.jpg":  # a photo that redirects to the local network's router
            return Answer(302, b"", headers={"Location": "http://192.168.1.1/anh.jpg"})
        return NOT_FOUND

    # Decoding: the same article in the encodings portals really used, under lying labels --------------------------

    def route_decoding(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "decoding", *[(f"/decoding/tin-tuc/{name}-2001.html", f"Bài viết mã hóa {name}") for name in DECODING]
            )
        name = rest.removeprefix("tin-tuc/").removesuffix("-2001.html")
        if name not in DECODING:
            return NOT_FOUND
        label, encode = DECODING[name]
        return Answer(body=encode(article_html(charset=label)), content_type=f"text/html; charset={label}")

    def route_binary(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "binary", ("/binary/tin-tuc/tai-lieu-dinh-kem-bi-loi-dinh-dang-3001.html", "Tài liệu đính kèm lỗi")
            )
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
        return Answer(body=pdf, content_type="text/html")

    # Size and shape ----------------------------------------------------------------------------------------------

    def route_many_links(self, rest: str, host: str) -> Answer:
        if rest == "":
            if "many" not in self._cache:
                # The ordinary article first, then 199,999 links to pages of the site: 200,000 in all.
                first = f'<a href="/many-links/{OK_ARTICLE}">{OK_TEXT}</a>\n'
                links = first + "\n".join(f'<a href="/many-links/p/{n}">{n}</a>' for n in range(1, 200_000))
                head = '<html><head><meta charset="utf-8"><title>Liên kết</title></head>'
                self._cache["many"] = f"{head}<body>{links}</body></html>".encode()
            return Answer(body=self._cache["many"])
        return Answer(body=b"<html><body><p>Trang con</p></body></html>")

    def route_endless(self, rest: str, host: str) -> Answer:
        """A pager that never ends: page N links to page N+1 and to two new articles."""
        page = int(rest.split("page=", 1)[1]) if "page=" in rest else 1
        if rest.startswith("tin-tuc/"):
            return Answer(body=article_html(f"Bài viết số {rest.split('-')[-1].split('.')[0]} của chuyên mục").encode())
        links = [
            (
                f"/endless/tin-tuc/bai-viet-trong-chuyen-muc-tin-tuc-so-{page}{k}-{page * 10 + k}.html",
                "Bài viết mới trong chuyên mục",
            )
            for k in (1, 2)
        ]
        pager = f'<div class="pagination"><a href="/endless/?page={page + 1}">Trang sau</a></div>'
        return Answer(body=list_html(links, extra=pager).encode())

    def route_chain(self, rest: str, host: str) -> Answer:
        """Pages that are neither lists nor articles, each linking to the next: /chain/1 → /chain/2 → ..."""
        if rest == "":
            return self.case_list("chain", ("/chain/1", "Giới thiệu"))
        number = int(rest) if rest.isdigit() else 0
        return Answer(
            body=f'<html><body><p>Trang {number}</p><a href="/chain/{number + 1}">Tiếp</a></body></html>'.encode()
        )

    def route_deep(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "deep",
                ("/deep/tin-tuc/bai-viet-long-nhau-qua-sau-khong-doc-duoc-4001.html", "Bài viết lồng nhau quá sâu"),
            )
        if "deep" not in self._cache:
            depth = 100_000
            self._cache["deep"] = (
                '<html><head><meta charset="utf-8"><title>Sâu</title></head><body>'
                + "<div>" * depth
                + f"<h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p>"
                + "</div>" * depth
                + "</body></html>"
            ).encode()
        return Answer(body=self._cache["deep"])

    # Responses that try the downloader's bounds ----------------------------------------------------------------

    def bomb(self, encoding: str) -> bytes:
        """BOMB_SIZE bytes of spaces, compressed with ``encoding`` (gzip, deflate or br): a few hundred KB."""
        if encoding not in self._cache:
            chunk = b" " * (1024 * 1024)
            if encoding == "br":
                import brotli

                packer = brotli.Compressor(quality=5)
                parts = [packer.process(chunk) for _ in range(BOMB_SIZE // len(chunk))] + [packer.finish()]
            else:
                import zlib

                wbits = 31 if encoding == "gzip" else 15  # gzip framing, or zlib's (HTTP's "deflate")
                packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
                parts = [packer.compress(chunk) for _ in range(BOMB_SIZE // len(chunk))] + [packer.flush()]
            self._cache[encoding] = b"".join(parts)
        return self._cache[encoding]

    def route_bombs(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "bombs", *[(f"/bombs/tin-tuc/bai-viet-nen-{name}-5001.html", f"Bài viết nén {name}") for name in BOMBS]
            )
        name = rest.removeprefix("tin-tuc/bai-viet-nen-").removesuffix("-5001.html")
        if name not in BOMBS:
            return NOT_FOUND
        return Answer(body=self.bomb(name), headers={"Content-Encoding": name})

    def route_endless_body(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "endless-body",
                ("/endless-body/tin-tuc/bai-viet-khong-bao-gio-ket-thuc-5002.html", "Bài viết dài vô tận"),
            )

        def forever(out: Any) -> None:
            out.write(b"<html><body><p>")
            chunk = b"Tin tuc " * 8192
            for _ in range(ENDLESS_LIMIT // len(chunk)):  # bounded only so that a broken crawler ends the test
                out.write(chunk)

        return Answer(stream=forever)

    def route_announced_huge(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "announced-huge", ("/announced-huge/tin-tuc/bai-viet-qua-lon-5003.html", "Bài viết quá lớn")
            )

        def a_little(out: Any) -> None:
            out.write(b"<html><body>" + b" " * 65536)

        return Answer(headers={"Content-Length": str(8 * 1024**3)}, stream=a_little)

    def route_slow(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list("slow", ("/slow/tin-tuc/bai-viet-tai-rat-cham-5004.html", "Bài viết tải rất chậm"))

        def trickle(out: Any) -> None:
            out.write(b"<html><body><p>")
            out.flush()
            while not self.closing.wait(0.5):  # a byte every half second: never idle, never done
                out.write(b".")
                out.flush()

        return Answer(stream=trickle)

    def route_photo_bomb(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list(
                "photo-bomb", ("/photo-bomb/tin-tuc/bai-viet-co-anh-qua-lon-5005.html", "Bài viết có ảnh quá lớn")
            )
        if rest == "anh/bom.png":
            return Answer(body=pixel_bomb_png(), content_type="image/png")
        photo = '<img src="/photo-bomb/anh/bom.png">'
        return Answer(body=article_html("Bài viết có ảnh quá lớn về số điểm ảnh", extra=photo).encode())

    def route_storm(self, rest: str, host: str) -> Answer:
        if rest == "":
            return self.case_list("storm", ("/storm/tin-tuc/bai-viet-may-chu-qua-tai-5006.html", "Máy chủ quá tải"))
        return Answer(503, b"<html><body>Service Unavailable</body></html>", headers={"Retry-After": "1"})


#: The decoding cases: page name → (the charset label sent in the header and the <meta>, how the bytes are made).
DECODING: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "windows-1258-labelled-utf-8": ("utf-8", cp1258),
    "tcvn3-labelled-utf-8": ("utf-8", encode_tcvn3),
    "vni-labelled-utf-8": ("utf-8", encode_vni),
    "utf-8-labelled-utf-16": ("utf-16", lambda text: text.encode("utf-8")),
    "utf-8-labelled-windows-1258": ("windows-1258", lambda text: text.encode("utf-8")),
}


# The cases -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    id: str
    description: str


CASES = [
    Case("redirect-301", "an article answers 301 to a page on another port of 127.0.0.1"),
    Case("redirect-302", "an article answers 302 to a page on another port"),
    Case("redirect-307", "an article answers 307 to a page on another port"),
    Case("redirect-308", "an article answers 308 to a page on another port"),
    Case("protocol-relative", "an article answers 302 with a protocol-relative Location (//127.0.0.1:port/...)"),
    Case("other-host", "an article answers 302 to localhost on the portal's own port (another host, same server)"),
    Case("meta-refresh", "an article's meta refresh points to another port"),
    Case("private-redirect", "an article answers 302 to the link-local metadata address 169.254.169.254"),
    Case("alias", "a link to the portal's alias host (registry aliases): followed, archived"),
    Case("public", "a public portal name: links, photos and a photo redirect to 10.x, 192.168.x, localhost, 127.0.0.2"),
    Case("public-name-on-loopback", "a public portal name whose address is 127.0.0.1: refused, run unreachable"),
    Case("decoding", "Windows-1258, TCVN3, VNI labelled UTF-8; UTF-8 labelled UTF-16 and Windows-1258"),
    Case("binary", "binary bytes served as text/html"),
    Case("many-links", "a page with 200,000 same-host links"),
    Case("endless-requests", "a pager that never ends, GOVSCRAPER_MAX_REQUESTS=60"),
    Case("endless-pages", "a pager that never ends, GOVSCRAPER_MAX_PAGES=25"),
    Case("endless-resume", "the endless pager's budget-reached run continued with --resume"),
    Case("chain", "a chain of pages that are neither lists nor articles (GOVSCRAPER_GENERIC_MAX_DEPTH)"),
    Case("deep", "an article nested 100,000 elements deep"),
    Case("gzip-bomb", "an article sent with Content-Encoding: gzip, 260 KB that inflate to 256 MiB"),
    Case("deflate-bomb", "an article sent with Content-Encoding: deflate, 260 KB that inflate to 256 MiB"),
    Case("br-bomb", "an article sent with Content-Encoding: br, a few KB that decode to 256 MiB"),
    Case("endless-body", "an article whose body never ends (no Content-Length, 64 KiB at a time)"),
    Case("announced-huge", "an article whose Content-Length says 8 GiB"),
    Case("slow", "an article that sends one byte every half second, never finishing"),
    Case("photo-bomb", "a pixel bomb: an article whose photo is a 1 KB PNG of 100,000 x 100,000 pixels"),
    Case("storm", "an article that always answers 503 with Retry-After: 1"),
]
CASE_IDS = {case.id: case for case in CASES}


@dataclass
class Row:
    case: str
    outcome: str
    peak_mb: float
    seconds: float


class Table:
    """The hostile cases' outcomes, peak memory and time (never asserted), shown after a test module's tests, and
    appended as a Markdown table to the file ``GOVSCRAPER_HOSTILE_TABLE`` names, if set, for the docs."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, case: str, outcome: str, peak_mb: float, seconds: float) -> None:
        assert case in CASE_IDS, case
        self.rows.append(Row(case, outcome, peak_mb, seconds))
        print(f"{case}: {outcome}; peak {peak_mb:.0f} MB, {seconds:.1f} s")

    def show(self, request: Any, title: str) -> None:
        """Print the table after a module's tests (a fixture's teardown: outside pytest's output capture)."""
        if not self.rows:
            return
        show_table(request, title, self.markdown())

    def markdown(self) -> list[str]:
        lines = ["| case | what it is | peak RSS | seconds | outcome |", "|---|---|---:|---:|---|"]
        for row in self.rows:
            outcome = row.outcome.replace("|", "\\|")
            what = CASE_IDS[row.case].description
            lines.append(f"| {row.case} | {what} | {row.peak_mb:.0f} MB | {row.seconds:.1f} | {outcome} |")
        return lines


def show_table(request: Any, title: str, lines: list[str]) -> None:
    """Write a module's table of hostile cases on the terminal after its tests, and append it to the file
    ``GOVSCRAPER_HOSTILE_TABLE`` names, if set (the docs' tables are made this way)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # a fixture's teardown output is captured otherwise
            reporter.write_line(f"\n{title}:")
            for line in lines:
                reporter.write_line(line)
    target = os.environ.get("GOVSCRAPER_HOSTILE_TABLE")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"\n{title}:\n\n" + "\n".join(lines) + "\n")


def crawl(target: str, db: Path, *settings: str, registry: Path | None = None, command: str = "crawl") -> Measured:
    """``govscraper crawl`` of ``target`` (a start URL for --url, else a registry id) into ``db``, relaxed for this
    machine (``--loopback``) and with ``-s`` for each of ``settings``; its output, status, peak memory and time."""
    args = [command, "--url", target] if "://" in target else [command, target]
    args += ["--db", str(db), "--loopback"]
    for setting in settings:
        args += ["-s", setting]
    return run_measured(*args, env={"GOVSCRAPER_REGISTRY": str(registry)} if registry else None, timeout=600)


def resolve(**names: str) -> str:
    """A ``GOVSCRAPER_RESOLVE=...`` setting for ``-s``: host names (``portal_example`` for ``portal.example``)."""
    return "GOVSCRAPER_RESOLVE=" + json.dumps({name.replace("_", "."): address for name, address in names.items()})


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    """The rows of a query on the archive, as dicts (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def failures(db: Path) -> list[tuple[str, str, str]]:
    """``(url, kind, error)`` of every fetch_failures row, in the order recorded."""
    return [
        (r["url"], r["kind"], r["error"]) for r in rows(db, "SELECT url, kind, error FROM fetch_failures ORDER BY id")
    ]


def registry_entry(portal_id: str, base_url: str, aliases: tuple[str, ...] = ()) -> str:
    """A registry entry for a portal of the hostile site, crawled with the generic profile."""
    listed = ", ".join(f'"{alias}"' for alias in aliases)
    return (
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng thông tin thử nghiệm"\nprovince = "Quảng Ngãi"\n'
        f'level = "huyện"\nbase_url = "{base_url}"\nplatform = "generic"\naliases = [{listed}]\nstatus = "live"\n\n'
    )


__all__ = [
    "CASES",
    "DECODING",
    "PARAGRAPHS",
    "TITLE",
    "Case",
    "HostileSite",
    "Table",
    "article_html",
    "cp1258",
    "crawl",
    "failures",
    "registry_entry",
    "resolve",
    "rows",
    "show_table",
]
