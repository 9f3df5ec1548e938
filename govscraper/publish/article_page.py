"""The reading room's article page: one archived article as its portal published it, from the archive alone.

Datasette's row page shows an article as a record (``body_html`` as escaped markup, photos as ``<Binary>`` links).
The plugin (:mod:`govscraper.publish.datasette_plugin`) serves ``/<database>/-/article/<id>`` instead, built from what
this module gathers (plain SQL on a sqlite3 connection; no Datasette here):

* the article's fields, its portal with its province and, for a unit abolished on 2025-07-01, what it became;
* **the body as published**, made safe to show: the stored, already cleaned HTML is sanitised with nh3 (the Python
  binding of the Rust ammonia sanitiser, a whitelist: no script, no event handler, no style, no ``javascript:``
  link, no iframe or form); every photo points at the archive's own copy (``/-/image/<sha256>``) with its caption and
  credit under it, and a photo the archive does not hold is a line saying so, never a request to the portal
  (which may be gone, or may track readers). Links are made absolute to the portal and open nothing by themselves;
* photos the body does not show (galleries, thumbnails) and the attached documents (name, type, size, a download
  from the archive, or the reason it could not be archived: the fetch failure recorded for its URL);
* provenance: the original URL and its Wayback Machine address, where the text came from (a crawl, a Wayback
  capture, a WARC import), and the WARC record it was read from (file, offset, record id, date);
* every version, and a readable diff of any two: paragraphs removed and added, the words changed within a
  paragraph marked, and the other fields that changed.
"""

from __future__ import annotations

import difflib
import html
import re
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import nh3
import sqlite_utils
from lxml import html as lxml_html

from govscraper.archive.lookup import NotFound, Version, field_changes, find_article, versions

#: Elements an article's body may keep: text structure, tables, figures, links and the archive's own photos.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "p": {"class"},
    "figure": {"class"},
}
CAPTURE_FIELDS = ("id", "warc_file", "offset", "length", "record_id", "warc_date", "warc_type", "status")
#: What a photo the archive does not hold says in its place (Vietnamese first: the readers' language).
MISSING_PHOTO = "Ảnh không được lưu trữ (photo not archived)"


@dataclass
class Photo:
    url: str
    caption: str | None
    credit: str | None
    role: str
    sha256: str | None
    mime: str | None = None
    failure: str | None = None  # why it is not archived, when a fetch failure says


@dataclass
class Document:
    url: str
    title: str | None
    sha256: str | None
    filename: str | None = None
    mime: str | None = None
    size: int | None = None
    failure: str | None = None


@dataclass
class ArticlePage:
    """Everything the page shows."""

    article: dict[str, Any]
    portal: dict[str, Any]
    body: str  # sanitised HTML
    photos_elsewhere: list[Photo]  # archived with the article, not shown in its body
    documents: list[Document]
    wayback_url: str
    capture: dict[str, Any] | None
    versions: list[Version]
    diff: dict[str, Any] | None = None
    photos_in_body: int = 0


def wayback_address(url: str, when: str | None) -> str:
    """The Wayback Machine's address for the URL at a time (``YYYYMMDDhhmmss`` digits of an ISO date), or its list."""
    digits = re.sub(r"\D", "", when or "")[:14]
    return f"https://web.archive.org/web/{digits or '*'}/{url}"


#: Why a linked file is not archived: the last failure recorded for its address.
_LAST_FAILURE = "(SELECT error FROM fetch_failures f WHERE f.url = l.source_url ORDER BY f.id DESC LIMIT 1)"


def _photos(conn: sqlite3.Connection, article_id: int) -> list[Photo]:
    rows = conn.execute(
        f"SELECT l.source_url, l.caption, l.credit, l.role, l.image_sha256, i.mime, {_LAST_FAILURE} "
        "FROM article_images l LEFT JOIN images i ON i.sha256 = l.image_sha256 "
        "WHERE l.article_id = ? ORDER BY l.position",
        [article_id],
    ).fetchall()
    return [Photo(*row[:5], mime=row[5], failure=row[6]) for row in rows]


def _documents(conn: sqlite3.Connection, article_id: int) -> list[Document]:
    rows = conn.execute(
        f"SELECT l.source_url, l.title, l.attachment_sha256, d.filename, d.mime, d.size, {_LAST_FAILURE} "
        "FROM article_attachments l LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256 "
        "WHERE l.article_id = ? ORDER BY l.position",
        [article_id],
    ).fetchall()
    return [Document(*row[:3], filename=row[3], mime=row[4], size=row[5], failure=row[6]) for row in rows]


def _keep_image_source(prefix: str):
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src" and not value.startswith(prefix):
            return None  # only the archive's own copies: never a request to a portal
        return value

    return keep


def render_body(
    body_html: str | None, article_url: str, photos: list[Photo], image_prefix: str
) -> tuple[str, set[str]]:
    """The article's HTML made safe to show, its photos from the archive with captions; and the addresses of the
    photos it places (archived or not).

    ``image_prefix`` is the path photos are served under (``/-/image/``). A photo is matched to its stored row by its
    address resolved against the article's URL, as the crawl resolved it."""
    if not body_html or not body_html.strip():
        return "", set()
    by_url = {photo.url: photo for photo in photos}
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    placed: set[str] = set()
    for image in list(root.iter("img")):
        source = urljoin(article_url, (image.get("src") or image.get("data-src") or "").strip())
        placed.add(source)
        photo = by_url.get(source)
        figure = lxml_html.Element("figure", {"class": "photo"})
        if photo is not None and photo.sha256:
            copy = lxml_html.Element("img", {"src": image_prefix + photo.sha256, "alt": image.get("alt") or ""})
            figure.append(copy)
            words = " — ".join(part for part in (photo.caption, photo.credit) if part)
            if words:
                caption = lxml_html.Element("figcaption")
                caption.text = words
                figure.append(caption)
        else:
            figure.set("class", "photo missing")
            note = lxml_html.Element("figcaption")
            reason = f": {photo.failure}" if photo is not None and photo.failure else ""
            note.text = f"{MISSING_PHOTO}{reason} — {source}"
            figure.append(note)
        parent = image.getparent()
        # A figure cannot sit inside a paragraph: it takes the place of the paragraph that only held the photo.
        alone = parent is not None and parent.tag == "p" and len(parent.findall(".//img")) == 1
        if alone and not (parent.text_content() or "").strip():
            figure.tail = parent.tail
            parent.getparent().replace(parent, figure)
            continue
        figure.tail = image.tail
        parent.replace(image, figure)
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if href:
            link.set("href", urljoin(article_url, href))
    text = lxml_html.tostring(root, encoding="unicode", method="html")
    clean = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_image_source(image_prefix),
        strip_comments=True,
    )
    return clean, placed


def _marked_words(before: str, after: str) -> tuple[str, str]:
    """Two paragraphs as HTML, the words removed in ``<del>`` and those added in ``<ins>``."""
    old, new = before.split(), after.split()
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        removed, added = html.escape(" ".join(old[i1:i2])), html.escape(" ".join(new[j1:j2]))
        if tag == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    return " ".join(left), " ".join(right)


def version_diff(older: Version, newer: Version) -> dict[str, Any]:
    """What changed from ``older`` to ``newer``: the other fields, and the body paragraph by paragraph (``rows`` of
    ``(kind, before_html, after_html)``, kind one of changed, removed, added; unchanged paragraphs are counted)."""
    before = [p for p in (older.fields["body"] or "").split("\n\n") if p.strip()]
    after = [p for p in (newer.fields["body"] or "").split("\n\n") if p.strip()]
    rows: list[tuple[str, str, str]] = []
    unchanged = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            rows.append(("changed", *_marked_words(before[i1 + k], after[j1 + k])))
        rows += [("removed", f"<del>{html.escape(p)}</del>", "") for p in before[i1 + pairs : i2]]
        rows += [("added", "", f"<ins>{html.escape(p)}</ins>") for p in after[j1 + pairs : j2]]
    return {
        "older": older.number,
        "newer": newer.number,
        "fields": field_changes(older, newer),
        "rows": rows,
        "unchanged": unchanged,
    }


def article_page(
    conn: sqlite3.Connection,
    article_id: int,
    image_prefix: str = "/-/image/",
    compare: tuple[int, int] | None = None,
) -> ArticlePage:
    """Gather the page of one article; :class:`~govscraper.archive.lookup.NotFound` if the archive has no such id.

    ``compare`` picks the two versions to diff (numbers, 1 = first archived); by default the last two, if there are."""
    db = sqlite_utils.Database(conn)
    article = find_article(db, str(article_id))
    portal_row = conn.execute(
        "SELECT id, name, province, level, base_url, status, offline_since, became, province_after "
        "FROM portals WHERE id = ?",
        [article["portal_id"]],
    ).fetchone()
    names = ("id", "name", "province", "level", "base_url", "status", "offline_since", "became", "province_after")
    portal = dict(zip(names, portal_row, strict=True)) if portal_row else {"id": article["portal_id"]}
    photos = _photos(conn, article_id)
    body, placed = render_body(article.get("body_html"), article["url"], photos, image_prefix)
    capture = None
    if article.get("capture_id"):
        row = conn.execute(
            f"SELECT {', '.join(CAPTURE_FIELDS)} FROM captures WHERE id = ?",
            [article["capture_id"]],
        ).fetchone()
        if row:
            capture = dict(zip(CAPTURE_FIELDS, row, strict=True))
    history = versions(db, article)
    diff = None
    if len(history) > 1:
        numbers = {version.number: version for version in history}
        older, newer = compare if compare else (history[-2].number, history[-1].number)
        if older not in numbers or newer not in numbers:
            raise NotFound(f"article {article_id} has versions 1 to {len(history)}, not {older} and {newer}")
        diff = version_diff(numbers[older], numbers[newer])
    when = (capture or {}).get("warc_date") or article.get("origin_date") or article.get("first_seen_at")
    return ArticlePage(
        article=article,
        portal=portal,
        body=body,
        photos_elsewhere=[photo for photo in photos if photo.url not in placed],
        documents=_documents(conn, article_id),
        wayback_url=wayback_address(article["url"], when),
        capture=capture,
        versions=history,
        diff=diff,
        photos_in_body=sum(1 for photo in photos if photo.url in placed and photo.sha256),
    )


__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "MISSING_PHOTO",
    "ArticlePage",
    "Document",
    "NotFound",
    "Photo",
    "article_page",
    "render_body",
    "version_diff",
    "wayback_address",
]
