"""Sitemaps and feeds for the replica portal, and the ways they break, for tests of sitemap and feed discovery.

Off by default (``ReplicaServer(site)`` serves neither, and answers ``/sitemap.xml`` with 404 like most district
portals), so crawls of the plain replica keep their request counts. ``ReplicaServer(site,
syndication=Syndication())`` publishes, from the site's own articles:

* ``/sitemap.xml``: a sitemap index (sitemaps.org 0.9) of ``/sitemaps/tin-bai-N.xml.gz`` (gzip; ``.xml`` with
  ``gzip=False``), each a urlset of ``per_sitemap`` articles, newest first, with ``<lastmod>`` (the article's last
  change), Google News ``<news:news>`` (publication, language, date, title) and ``<image:image>`` for its photos;
  robots.txt gets a ``Sitemap:`` line;
* ``/rss/tin-moi.rss`` (RSS 2.0, RFC 822 dates in +0700) and ``/atom/tin-moi.xml`` (Atom 1.0) of the newest
  ``feed_items`` articles, announced by ``<link rel="alternate">`` in the head of every HTML page.

``only`` limits every sitemap and feed to some article ids (an index still lists every urlset). Faults
(``faults``, see :data:`SYNDICATION_FAULTS`) replace one file with a hostile or broken one.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from govscraper_replica.site import ReplicaArticle, ReplicaSite

SITEMAP_INDEX = "/sitemap.xml"
SITEMAP_PREFIX = "/sitemaps/tin-bai-"
RSS_PATH = "/rss/tin-moi.rss"
ATOM_PATH = "/atom/tin-moi.xml"
XML = "application/xml; charset=utf-8"
GZIP = "application/x-gzip"

#: Fault kind → what it does. Each replaces one file; the rest of the site is untouched.
SYNDICATION_FAULTS = {
    "sitemap-entity-bomb": "/sitemap.xml is a billion-laughs document (entities nested ten deep)",
    "sitemap-external-entity": "/sitemap.xml is a urlset whose <loc> is an external entity naming secret_file",
    "sitemap-gzip-bomb": "the first urlset is 60 KB of gzip that inflates past 50 MB",
    "sitemap-malformed": "the second urlset is not XML at all (a stray '<<' where the root should be)",
    "feed-html": "the RSS feed answers an HTML page (200, text/html) instead of XML",
}

_NS = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
    'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
)


@dataclass(frozen=True)
class Syndication:
    """What the replica publishes besides its pages (see the module docstring)."""

    sitemaps: bool = True
    feeds: bool = True
    per_sitemap: int = 50
    gzip: bool = True
    feed_items: int = 20
    only: frozenset[int] | None = None
    faults: frozenset[str] = frozenset()
    #: The file the "sitemap-external-entity" fault points its entity at.
    secret_file: str = "/etc/passwd"

    def __post_init__(self) -> None:
        unknown = set(self.faults) - set(SYNDICATION_FAULTS)
        if unknown:
            raise ValueError(f"unknown syndication fault(s) {', '.join(sorted(unknown))}")
        if self.per_sitemap < 1 or self.feed_items < 1:
            raise ValueError("per_sitemap and feed_items must be at least 1")

    # -- what the server asks ------------------------------------------------------------------------------
    def robots(self, robots_txt: bytes, origin: str) -> bytes:
        """robots.txt with the ``Sitemap:`` line when sitemaps are published."""
        return robots_txt + f"Sitemap: {origin}{SITEMAP_INDEX}\n".encode() if self.sitemaps else robots_txt

    def announce(self, page: str) -> str:
        """An HTML page with the feeds announced in its head."""
        if not self.feeds or "</head>" not in page:
            return page
        links = (
            f'<link rel="alternate" type="application/rss+xml" title="Tin mới" href="{RSS_PATH}"/>'
            f'<link rel="alternate" type="application/atom+xml" title="Tin mới (Atom)" href="{ATOM_PATH}"/>'
        )
        return page.replace("</head>", links + "</head>", 1)

    def answer(self, site: ReplicaSite, path: str, origin: str) -> tuple[bytes, str, datetime | None] | None:
        """``(body, content type, Last-Modified or None for a fault)`` for a sitemap or feed path, else None."""
        if self.sitemaps and path == SITEMAP_INDEX:
            if "sitemap-entity-bomb" in self.faults:
                return BILLION_LAUGHS, XML, None
            if "sitemap-external-entity" in self.faults:
                return external_entity(self.secret_file), XML, None
            return self.index(site, origin)
        if self.sitemaps and path.startswith(SITEMAP_PREFIX):
            number, _, suffix = path[len(SITEMAP_PREFIX) :].partition(".")
            if not number.isdigit() or suffix != ("xml.gz" if self.gzip else "xml"):
                return None
            chunk = int(number)
            if chunk == 1 and "sitemap-gzip-bomb" in self.faults:
                return gzip_bomb(), GZIP, None
            if chunk == 2 and "sitemap-malformed" in self.faults:
                return b'<?xml version="1.0" encoding="UTF-8"?>\n<<urlset>>\n', XML, None
            return self.urlset(site, chunk, origin)
        if self.feeds and path == RSS_PATH:
            if "feed-html" in self.faults:
                page = "<!DOCTYPE html><html><head><title>Tin mới</title></head><body><p>Đăng nhập</p></body></html>"
                return page.encode(), "text/html; charset=utf-8", None
            return self.rss(site, origin)
        if self.feeds and path == ATOM_PATH:
            return self.atom(site, origin)
        return None

    # -- the documents -------------------------------------------------------------------------------------
    def _articles(self, site: ReplicaSite) -> list[ReplicaArticle]:
        articles = site.articles
        return [a for a in articles if a.id in self.only] if self.only is not None else list(articles)

    def _chunks(self, site: ReplicaSite) -> list[list[ReplicaArticle]]:
        articles = self._articles(site)
        return [articles[i : i + self.per_sitemap] for i in range(0, len(articles), self.per_sitemap)] or [[]]

    def chunk_url(self, origin: str, number: int) -> str:
        return f"{origin}{SITEMAP_PREFIX}{number}.{'xml.gz' if self.gzip else 'xml'}"

    def index(self, site: ReplicaSite, origin: str) -> tuple[bytes, str, datetime]:
        with site.lock:
            chunks = self._chunks(site)
            entries = []
            for number, chunk in enumerate(chunks, 1):
                modified = max((a.last_modified for a in chunk), default=site.clock)
                entries.append(
                    f"<sitemap><loc>{escape(self.chunk_url(origin, number))}</loc>"
                    f"<lastmod>{modified.isoformat(timespec='seconds')}</lastmod></sitemap>"
                )
            newest = max((a.last_modified for a in self._articles(site)), default=site.clock)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(entries) + "</sitemapindex>"
        )
        return body.encode("utf-8"), XML, newest

    def urlset(self, site: ReplicaSite, number: int, origin: str) -> tuple[bytes, str, datetime] | None:
        with site.lock:
            chunks = self._chunks(site)
            if not 1 <= number <= len(chunks):
                return None
            chunk = chunks[number - 1]
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                + f"<urlset {_NS}>"
                + "".join(_url_entry(a, origin, site.name) for a in chunk)
                + "</urlset>"
            )
            modified = max((a.last_modified for a in chunk), default=site.clock)
        data = body.encode("utf-8")
        if self.gzip:
            return gzip.compress(data, mtime=0), GZIP, modified
        return data, XML, modified

    def _newest(self, site: ReplicaSite) -> list[ReplicaArticle]:
        return self._articles(site)[: self.feed_items]

    def rss(self, site: ReplicaSite, origin: str) -> tuple[bytes, str, datetime]:
        with site.lock:
            items = "".join(
                "<item>"
                f"<title>{escape(a.title)}</title>"
                f"<link>{escape(origin + a.url)}</link>"
                f'<guid isPermaLink="true">{escape(origin + a.url)}</guid>'
                f"<description>{escape('<p>' + escape(a.summary) + '</p>')}</description>"
                f"<category>{escape(a.category_name)}</category>"
                f"<pubDate>{rfc822(a.published_at)}</pubDate>"
                "</item>"
                for a in self._newest(site)
            )
            modified = max((a.last_modified for a in self._newest(site)), default=site.clock)
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{escape(site.name)}</title><link>{escape(origin)}/</link>"
                f"<description>Tin mới</description><language>vi</language>{items}</channel></rss>"
            )
        return body.encode("utf-8"), "application/rss+xml; charset=utf-8", modified

    def atom(self, site: ReplicaSite, origin: str) -> tuple[bytes, str, datetime]:
        with site.lock:
            newest = self._newest(site)
            modified = max((a.last_modified for a in newest), default=site.clock)
            entries = "".join(
                "<entry>"
                f'<title type="text">{escape(a.title)}</title>'
                f'<link rel="alternate" type="text/html" href={quoteattr(a.url)}/>'
                f"<id>{escape(origin + a.url)}</id>"
                f"<published>{a.published_at.isoformat(timespec='seconds')}</published>"
                f"<updated>{a.last_modified.isoformat(timespec='seconds')}</updated>"
                f'<summary type="html">{escape("<p>" + escape(a.summary) + "</p>")}</summary>'
                "</entry>"
                for a in newest
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base={quoteattr(origin + "/")}>'
                f"<title>{escape(site.name)}</title><id>{escape(origin)}/</id>"
                f"<updated>{modified.isoformat(timespec='seconds')}</updated>{entries}</feed>"
            )
        return body.encode("utf-8"), "application/atom+xml; charset=utf-8", modified


def rfc822(moment: datetime) -> str:
    """An RSS date: ``Mon, 30 Jun 2025 09:15:00 +0700`` (the article's own zone kept)."""
    return email.utils.format_datetime(moment)


def _url_entry(article: ReplicaArticle, origin: str, publication: str) -> str:
    images = "".join(
        f"<image:image><image:loc>{escape(origin + photo.url if photo.url.startswith('/') else photo.url)}"
        "</image:loc></image:image>"
        for photo in article.images
    )
    return (
        f"<url><loc>{escape(origin + article.url)}</loc>"
        f"<lastmod>{article.last_modified.isoformat(timespec='seconds')}</lastmod>"
        f"<news:news><news:publication><news:name>{escape(publication)}</news:name>"
        "<news:language>vi</news:language></news:publication>"
        f"<news:publication_date>{article.published_at.isoformat(timespec='seconds')}</news:publication_date>"
        f"<news:title>{escape(article.title)}</news:title></news:news>{images}</url>"
    )


def _lines(parts: Iterable[str]) -> str:
    return "\n".join(parts)


def _refs(level: int) -> str:
    """Ten references to the entity one level down (``&lol;`` for level 0)."""
    name = f"lol{level}" if level else "lol"
    return f"&{name};" * 10


#: The classic billion-laughs document: 10 levels of 10 references, a gigabyte of "lol" if expanded.
BILLION_LAUGHS = (
    _lines(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!DOCTYPE urlset [",
            ' <!ENTITY lol "lol">',
            *(f' <!ENTITY lol{n} "{_refs(n - 1)}">' for n in range(1, 10)),
            "]>",
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>',
        ]
    )
    + "\n"
).encode()


def external_entity(path: str) -> bytes:
    """A urlset whose only ``<loc>`` is an external entity naming a local file (XXE)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file://{path}">]>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://127.0.0.1/&secret;</loc></url></urlset>\n"
    ).encode()


@functools.cache
def gzip_bomb(inflated: int = 60 * 1024 * 1024) -> bytes:
    """About 60 KB of gzip that inflates to ``inflated`` bytes: a urlset start tag and then spaces."""
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [deflate.compress(head)]
    block = b" " * (1024 * 1024)
    for _ in range(inflated // len(block)):
        parts.append(deflate.compress(block))
    parts.append(deflate.compress(b"</urlset>"))
    parts.append(deflate.flush())
    return b"".join(parts)
