"""Sitemaps and news feeds: where a portal lists its articles itself, read safely.

A portal that publishes a sitemap (sitemaps.org 0.9, with Google's ``news:`` and ``image:`` extensions) or an
RSS 2.0 / RSS 1.0 / Atom 1.0 feed names its articles directly, including ones no list page links any more. The
crawl reads them in addition to following links (most district portals publish neither, so link-following stays).

These files come from servers nobody vouches for, so XML is read defensively:

* **No entities.** A document whose DTD declares entities is refused before it is parsed ("entity declarations
  are refused"): that is what billion-laughs bombs and external entities (XXE, ``file:///etc/passwd``) need, and
  no sitemap or feed needs it. lxml is also told never to substitute entities, load a DTD or use the network
  (``resolve_entities=False, load_dtd=False, no_network=True``), and ``huge_tree=False`` keeps libxml2's limits
  on depth and text size. The DTD is checked again after parsing, for encodings the byte scan cannot read.
* **Bounded size.** A body larger than ``max_size`` (sitemaps.org's limit, 50 MB, by default) is refused; a
  gzip body (``.xml.gz``) is inflated in 64 KiB steps and refused as soon as it passes the limit, so a
  gzip bomb costs at most ``max_size`` bytes of memory.
* **Bounded count.** At most ``max_urls`` (50,000, sitemaps.org's limit) entries are read from one file; the
  result says when more were left out.
* **Malformed XML.** Parsed strictly first; if that fails, bare ``&`` (unescaped query strings, the commonest
  sitemap error) are escaped, and failing that lxml's recovery mode reads what it can, which is used with a
  ``warning`` naming the error (a sitemap cut short still lists the articles before the cut). A
  document nothing can be recovered from, or whose root is not a sitemap or feed (an HTML page), is a
  :class:`FeedError` with a one-line reason.

Dates come out as the archive stores them (``govscraper.text.dates``): ``YYYY-MM-DDTHH:MM:SS+07:00`` in Vietnam
time, or a date alone when the file gives no time. RSS ``pubDate`` is RFC 822 (a zone name other than UT/GMT and
the US ones, such as "ICT", is read as Vietnam time; ``-0000`` as UTC), with Vietnamese day-first dates as a
fallback, since portals write those too; Atom dates, sitemap ``lastmod`` and ``news:publication_date`` are W3C
datetimes (RFC 3339). A publication date after the crawl time is no publication date (None), as on pages.

No Scrapy here: the spiders call these functions on response bodies, and tests on bytes.
"""

from __future__ import annotations

import email.utils
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector

from govscraper.text.dates import VN_TZ, parse_vn_datetime

#: sitemaps.org: "no more than 50,000 URLs and must be no larger than 50MB (52,428,800 bytes)" uncompressed.
MAX_SIZE = 52_428_800
MAX_URLS = 50_000
#: Feed link types announced with ``<link rel="alternate" type=...>``.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 65_536
#: The prolog ends at the first start tag of an element (a ``<`` followed by a name, not ``<!`` or ``<?``).
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_:]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
#: An ``&`` that starts no reference: the commonest sitemap error (query strings written unescaped).
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z_][A-Za-z0-9._-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_W3C_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_SPACES = re.compile(r"\s+")


class FeedError(ValueError):
    """A sitemap or feed that cannot be used; ``str()`` is the one-line reason for ``fetch_failures``."""


class NotAFeed(FeedError):
    """Readable XML (or HTML) of another kind: what a probe for ``/sitemap.xml`` gets from a portal without one."""


@dataclass
class SitemapEntry:
    """One ``<url>`` of a urlset or ``<sitemap>`` of a sitemap index."""

    loc: str
    #: ``<lastmod>`` as ISO 8601 (+07:00 when it has a time), None when absent or unreadable.
    lastmod: str | None = None
    #: Google News sitemap extension: ``<news:title>`` and ``<news:publication_date>`` (ISO 8601).
    title: str | None = None
    published: str | None = None
    #: Image sitemap extension: the ``<image:loc>`` URLs of the page.
    images: list[str] = field(default_factory=list)


@dataclass
class Sitemap:
    """A parsed sitemap file: a ``urlset`` of pages or a ``sitemapindex`` of further sitemaps."""

    kind: str
    entries: list[SitemapEntry] = field(default_factory=list)
    #: True when the file held more than ``max_urls`` entries; the rest were left out.
    truncated: bool = False
    #: Set when the XML was malformed and read in recovery mode: what was wrong.
    warning: str | None = None


@dataclass
class FeedEntry:
    """One item of an RSS feed or entry of an Atom feed."""

    link: str
    title: str | None = None
    #: When the item was published (RSS ``pubDate``/``dc:date``, Atom ``published``), ISO 8601.
    published: str | None = None
    #: Atom ``updated`` (the last significant change), ISO 8601.
    updated: str | None = None
    #: The description or summary as plain text (HTML in it reduced to its text).
    summary: str | None = None


@dataclass
class Feed:
    """A parsed feed: its format (``rss``, ``rdf`` or ``atom``) and entries, with a recovery warning if any."""

    kind: str
    entries: list[FeedEntry] = field(default_factory=list)
    truncated: bool = False
    warning: str | None = None


# -- bytes → a safe XML tree ------------------------------------------------------------------------------------
def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


def unpack(body: bytes, max_size: int = MAX_SIZE) -> bytes:
    """The XML bytes of a sitemap or feed body: inflated if gzip, refused past ``max_size`` either way.

    Inflation stops as soon as the output passes ``max_size``, so a small ``.gz`` that would inflate to
    gigabytes costs no more than ``max_size`` bytes.

    Not Scrapy's ``scrapy.utils.gz.gunzip(body, max_size=...)``: it bounds memory the same way (64 KiB steps,
    stopping past ``max_size``), but once it has any output it returns what it inflated from a member cut short or
    with a wrong CRC, by design, so a sitemap cut after its first 64 KiB would be read as whole and silently lose
    its end (``tests/unit/test_feeds.py`` holds such a file). This loop refuses both.
    """
    if len(body) > max_size:
        raise FeedError(f"larger than {_megabytes(max_size)}")
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0
    pending = body
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            size += len(chunk)
            if size > max_size:
                raise FeedError(f"larger than {_megabytes(max_size)} once decompressed")
            parts.append(chunk)
    except zlib.error as exc:
        raise FeedError(f"not valid gzip: {exc}") from None
    if not inflater.eof:
        raise FeedError("not valid gzip: the compressed data is cut short")
    return b"".join(parts)


def _prolog(body: bytes) -> bytes:
    """The bytes before the root element's start tag, as ASCII-compatible bytes (UTF-16 is transcoded)."""
    head = body[:1_048_576]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    match = _FIRST_ELEMENT.search(head)
    return head[: match.start()] if match else head


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(body: bytes, max_size: int = MAX_SIZE) -> tuple[etree._Element, str | None]:
    """The root element of an untrusted XML document, and a warning when it had to be read in recovery mode.

    Gzip is inflated (:func:`unpack`); entity declarations are refused before and after parsing; see the
    module docstring. :class:`FeedError` with a one-line reason when the document cannot be used.
    """
    data = unpack(body, max_size)
    if not data.strip():
        raise FeedError("empty document")
    if _ENTITY_DECLARATION.search(_prolog(data)):
        raise FeedError("entity declarations are refused")
    warning = None
    try:
        root = etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        reason = _one_line(str(exc)).removesuffix(f"(<string>, line {exc.lineno or 0})").strip()
        if "amplification" in reason.lower():
            raise FeedError("entity declarations are refused") from None
        root, lossy = _recovered(data)
        if root is None:
            raise FeedError(f"malformed XML: {reason}") from None
        if lossy:
            warning = f"malformed XML, read in recovery mode: {reason}"
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise FeedError("entity declarations are refused")
    return root, warning


def _recovered(data: bytes) -> tuple[etree._Element | None, bool]:
    """What can be read of malformed XML, and whether reading it may have lost something.

    Bare ``&`` in URLs (``?a=1&b=2``, the commonest sitemap error) are escaped first: that loses nothing, and
    lxml's recovery would drop the ``&b`` and mangle the URL. lxml's recovery mode reads anything else it can.
    """
    repaired = _BARE_AMPERSAND.sub(b"&amp;", data)
    for lossy in (False, True):
        try:
            root = etree.fromstring(repaired, _parser(recover=lossy))
        except etree.XMLSyntaxError:
            continue
        if root is not None:
            return root, lossy
    return None, True


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()[:300]


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _namespace(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = _SPACES.sub(" ", "".join(element.itertext())).strip()
    return text or None


def _child(element: etree._Element, name: str, namespace: str | None = None) -> etree._Element | None:
    """The first child with local name ``name`` (and namespace, when given)."""
    for child in element:
        if _local(child) == name and (namespace is None or _namespace(child) == namespace):
            return child
    return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


# -- dates -----------------------------------------------------------------------------------------------------
def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(VN_TZ)
    return now.replace(tzinfo=VN_TZ) if now.tzinfo is None else now


def _vietnam(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def w3c_datetime(value: str | None) -> str | None:
    """A W3C datetime / RFC 3339 value (sitemap ``lastmod``, Atom dates) as ISO 8601 in Vietnam time.

    ``2025-06-30`` (and ``2025-06``, ``2025``) stay as written: no time is invented. A time without a zone is read
    as Vietnam time. None for anything else.
    """
    text = (value or "").strip()
    if not text:
        return None
    if _W3C_DATE.match(text):
        try:
            datetime.strptime(text, {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(text)])
        except ValueError:
            return None
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return _vietnam(moment)


def rfc822_datetime(value: str | None) -> str | None:
    """An RSS ``pubDate`` (RFC 822, ``Sat, 28 Nov 2026 10:00:00 +0700``) as ISO 8601 in Vietnam time.

    A zone ``email.utils`` cannot read ("ICT") is Vietnam time, ``-0000`` is UTC. Portals that write ISO or
    Vietnamese dates (``28/11/2026 10:00``) instead are read as such.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return w3c_datetime(text) or parse_vn_datetime(text)
    if moment.tzinfo is None and text.endswith("-0000"):
        moment = moment.replace(tzinfo=UTC)  # RFC 5322: UTC, the sender's own zone unknown
    return _vietnam(moment)


def _not_after(value: str | None, now: datetime) -> str | None:
    """A publication date is never after the crawl time: such a value is a parse error, None."""
    if value is None:
        return None
    if len(value) <= 10:
        day = now.astimezone(VN_TZ).date().isoformat()
        return value if value[: len(day)] <= day[: len(value)] else None
    return value if datetime.fromisoformat(value) <= now else None


# -- sitemaps --------------------------------------------------------------------------------------------------
def parse_sitemap(
    body: bytes, *, max_size: int = MAX_SIZE, max_urls: int = MAX_URLS, now: datetime | None = None
) -> Sitemap:
    """A sitemap file (plain or gzip): a ``urlset`` with its pages or a ``sitemapindex`` with its sitemaps.

    Entries without a ``<loc>`` are skipped; ``loc`` is taken as written (sitemaps.org requires absolute URLs;
    the caller checks the host). News and image extensions are read when present, in whatever namespace prefix.
    """
    root, warning = parse_xml(body, max_size)
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise NotAFeed(f"not a sitemap: root element <{kind or root.tag}>")
    item_name = "url" if kind == "urlset" else "sitemap"
    moment = _now(now)
    sitemap = Sitemap(kind=kind, warning=warning)
    for element in root:
        if _local(element) != item_name:
            continue
        loc = _text(_child(element, "loc"))
        if not loc:
            continue
        if len(sitemap.entries) >= max_urls:
            sitemap.truncated = True
            break
        entry = SitemapEntry(loc=loc, lastmod=w3c_datetime(_text(_child(element, "lastmod"))))
        news = _child(element, "news")
        if news is not None:
            entry.title = _text(_child(news, "title"))
            entry.published = _not_after(w3c_datetime(_text(_child(news, "publication_date"))), moment)
        for image in _children(element, "image"):
            image_loc = _text(_child(image, "loc"))
            if image_loc:
                entry.images.append(image_loc)
        sitemap.entries.append(entry)
    return sitemap


def sitemaps_from_robots(text: str, base_url: str | None = None) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt (any case, anywhere in the file), absolute, once each, in order."""
    found: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:8].lower() != "sitemap:":
            continue
        value = stripped[8:].split(" #", 1)[0].strip()
        if not value:
            continue
        url = urljoin(base_url or "", value)
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


# -- feeds -----------------------------------------------------------------------------------------------------
def _html_text(value: str | None) -> str | None:
    """A description that may hold (escaped) HTML, as plain text with single spaces."""
    if not value or not value.strip():
        return None
    if "<" not in value and "&" not in value:
        return _SPACES.sub(" ", value).strip() or None
    try:
        fragment = lxml_html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", value).strip() or None
    return _SPACES.sub(" ", fragment.text_content()).strip() or None


def _rss_item(item: etree._Element, base_url: str, now: datetime) -> FeedEntry | None:
    link = _text(_child(item, "link"))
    if not link:
        guid = _child(item, "guid")
        if guid is not None and (guid.get("isPermaLink") or "true").strip().lower() != "false":
            link = _text(guid)
    if not link:
        link = item.get(f"{{{_RDF}}}about")
    if not link:
        return None
    published = _text(_child(item, "pubDate"))
    date = rfc822_datetime(published) if published else w3c_datetime(_text(_child(item, "date", _DC)))
    summary = _child(item, "description")
    return FeedEntry(
        link=urljoin(base_url, link),
        title=_html_text(_text(_child(item, "title"))),
        published=_not_after(date, now),
        summary=_html_text(summary.text if summary is not None and len(summary) == 0 else _text(summary)),
    )


def _atom_link(entry: etree._Element) -> str | None:
    """The entry's ``rel="alternate"`` link (or one without ``rel``), an HTML one first."""
    candidates = []
    for link in _children(entry, "link"):
        rel = (link.get("rel") or "alternate").strip().lower()
        href = (link.get("href") or "").strip()
        if rel == "alternate" and href:
            candidates.append((0 if "html" in (link.get("type") or "text/html") else 1, href))
    return min(candidates)[1] if candidates else None


def _atom_text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    kind = (element.get("type") or "text").lower()
    if kind == "xhtml":
        return _text(element)
    if kind == "html":
        return _html_text(element.text)
    return _text(element)


def _atom_entry(entry: etree._Element, base_url: str, now: datetime) -> FeedEntry | None:
    href = _atom_link(entry)
    if not href:
        return None
    base = entry.base  # xml:base, which lxml resolves along the ancestors
    summary = _child(entry, "summary")
    return FeedEntry(
        link=urljoin(urljoin(base_url, base) if base else base_url, href),
        title=_atom_text(_child(entry, "title")),
        published=_not_after(w3c_datetime(_text(_child(entry, "published"))), now),
        updated=w3c_datetime(_text(_child(entry, "updated"))),
        summary=_atom_text(summary if summary is not None else _child(entry, "content")),
    )


def parse_feed(
    body: bytes, base_url: str, *, max_size: int = MAX_SIZE, max_items: int = MAX_URLS, now: datetime | None = None
) -> Feed:
    """An RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 feed: its entries' links (absolute), titles, dates and summaries.

    ``base_url`` is the feed's own URL: relative links resolve against it (and Atom's ``xml:base``).
    """
    root, warning = parse_xml(body, max_size)
    name, namespace = _local(root), _namespace(root)
    moment = _now(now)
    if name == "rss":
        channel = _child(root, "channel")
        items = _children(channel, "item") if channel is not None else []
        kind, read = "rss", _rss_item
    elif name == "RDF" and namespace == _RDF:
        items = [child for child in root if _local(child) == "item"]
        kind, read = "rdf", _rss_item
    elif name == "feed" and namespace in (_ATOM, ""):
        items = _children(root, "entry")
        kind, read = "atom", _atom_entry
    else:
        raise NotAFeed(f"not a feed: root element <{name or root.tag}>")
    feed = Feed(kind=kind, warning=warning)
    for item in items:
        if len(feed.entries) >= max_items:
            feed.truncated = True
            break
        entry = read(item, base_url, moment)
        if entry is not None:
            feed.entries.append(entry)
    return feed


def feed_links(page: str | Selector, base_url: str) -> list[str]:
    """Feeds a page announces: ``<link rel="alternate" type="application/rss+xml|atom+xml" href=...>``, absolute."""
    selector = page if isinstance(page, Selector) else Selector(text=page)
    found: list[str] = []
    for link in selector.xpath("//link[@href]"):
        rels = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in FEED_TYPES:
            continue
        url = urljoin(base_url, link.attrib["href"].strip())
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found
