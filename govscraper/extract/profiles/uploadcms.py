"""The "/upload/<siteId>/" CMS: quangngai.gov.vn since about 2023, moit.gov.vn, and many provincial portals.

Named after what gives it away: every image and file it serves lives under ``/upload/<siteId>/`` (photos
``/upload/<siteId>/fck/<user>/<yyyy_mm_dd_hh_mm_ssN>.jpg``, attachments ``/upload/<siteId>/<yyyymmdd>/<file>``),
and its widgets are loaded through ``phpModuleName=Content.Listing`` / ``service=Content.Article.selectAll``
requests. Articles are ``/tin-tuc/<category>/<slug>.html`` (or ``/tin-tuc-su-kien/...``, English
``/en/news/...``). Working public scrapers of moit.gov.vn read list entries ``div.article-right.show-left`` with
the link ``a.article-title.common-title`` and the date ``span.article-date``; the list pages page with
``pageNo=N`` (quangngai's theme also writes ``/<category>/trang-N.html``). The article view is
``div.article-detail``: the title (``.article-detail-title`` / ``.article-title``), ``span.article-date``,
the lead ``.article-summary``/``.article-sapo``, the body ``.article-content`` and the "Tài liệu đính kèm"
box ``.attach-file``. Markup sources: tests/fixtures/uploadcms/PROVENANCE.md. Pure functions, no Scrapy.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from govscraper.extract.content import is_attachment_url, read_content
from govscraper.extract.pages import any_match, as_selector, first_text, list_page, pager_links, strings
from govscraper.model import Article, AttachmentRef, ListItem, ListPage
from govscraper.text import normalize_block, parse_views, parse_vn_datetime

PLATFORM = "uploadcms"
FINGERPRINTS = ("/upload/<siteId>/", "phpModuleName", "Content.Article", "article-title common-title")
UPLOAD_PATH = re.compile(r"/upload/(?P<site>\d+)/")
#: ``/tin-tuc/<category>/<slug>.html``, ``/tin-tuc-su-kien/<category>/<slug>.html``,
#: ``/en/news/<category>/<slug>.html``.
ARTICLE_PATH = re.compile(
    r"^(?:/en)?/(?:tin-tuc(?:-su-kien)?|news)/(?P<category>[\w-]+)/(?P<slug>[\w-]+?)(?:-(?P<id>\d{4,}))?\.html$",
    re.I,
)
_PAGE_NO = re.compile(r"[?&]pageNo=(\d+)(?:[&#]|$)", re.I)
_PAGE_PATH = re.compile(r"/trang-(\d+)\.html$", re.I)
#: Boxes inside the article view that are not the article (share links, tools, "Xem thêm").
_NOT_BODY = (
    ".//*[contains(@class, 'article-share') or contains(@class, 'article-tools') or contains(@class, 'related')"
    " or contains(@class, 'article-right')]"
)


def fingerprints(page: str | Selector) -> list[str]:
    """The signs of this CMS the page carries (names from :data:`FINGERPRINTS`)."""
    sel = as_selector(page)
    seen = []
    if any_match(sel, "//img/@src | //a/@href | //link/@href | //meta/@content", r"/upload/\d+/"):
        seen.append("/upload/<siteId>/")
    scripts = " ".join(strings(sel, "//script/text() | //@data-url | //@data-params | //a/@href"))
    if "phpModuleName" in scripts:
        seen.append("phpModuleName")
    if "Content.Article" in scripts:
        seen.append("Content.Article")
    if sel.css("a.article-title.common-title"):
        seen.append("article-title common-title")
    return seen


def looks_like(page: str | Selector) -> bool:
    """``/upload/<siteId>/`` resources and one more sign (widget parameters, the list markup, the article view)."""
    sel = as_selector(page)
    seen = fingerprints(sel)
    if "/upload/<siteId>/" not in seen:
        return False
    return len(seen) >= 2 or bool(sel.css("div.article-detail .article-content"))


def is_article_url(url: str) -> bool:
    return ARTICLE_PATH.match(urlsplit(url).path) is not None and _PAGE_PATH.search(urlsplit(url).path) is None


def source_id(url: str) -> str | None:
    """A numeric id when the slug ends in one (``...-123456.html``); most URLs of this CMS carry none."""
    match = ARTICLE_PATH.match(urlsplit(url).path)
    return match.group("id") if match and match.group("id") else None


def page_number(url: str) -> int | None:
    match = _PAGE_NO.search(url) or _PAGE_PATH.search(urlsplit(url).path)
    return int(match.group(1)) if match else None


def parse_list(page: str | Selector, url: str) -> ListPage:
    """Entries (``div.article-right.show-left``) and the pager of a category list."""
    sel = as_selector(page)
    items: list[ListItem] = []
    seen: set[str] = set()
    for entry in sel.css("div.article-right.show-left"):
        if entry.xpath("ancestor::*[contains(@class, 'related') or contains(@class, 'article-detail')]"):
            continue  # "Xem thêm" under an article
        link = entry.css("a.article-title[href]")
        if not link:
            continue
        absolute = urljoin(url, link[0].attrib["href"].strip())
        if absolute in seen:
            continue
        seen.add(absolute)
        date_line = first_text(entry.css("span.article-date"))
        # The picture sits beside the text column (div.article-left) in the same item.
        thumbnail = (
            entry.css("img::attr(src)").get()
            or entry.xpath("preceding-sibling::*[contains(@class, 'article-left')][1]//img/@src").get()
        )
        items.append(
            ListItem(
                url=absolute,
                title=first_text(link[0]),
                published=parse_vn_datetime(date_line),
                views=parse_views(date_line),
                thumbnail=urljoin(url, thumbnail.strip()) if thumbnail and thumbnail.strip() else None,
                summary=first_text(entry.css(".article-summary, .article-brief, .article-sapo")),
            )
        )
    pages = pager_links(
        sel.css(".pagination a::attr(href), .paging a::attr(href), .pager a::attr(href)").getall(), url, page_number
    )
    current = page_number(url) or 1
    return list_page(items, pages, current)


def parse_article(page: str | Selector, url: str) -> Article:
    """The fields of an article view (``div.article-detail``)."""
    sel = as_selector(page)
    detail = sel.css("div.article-detail")
    scope = detail[0] if detail else sel
    title = first_text(scope.css(".article-detail-title, .detail-title, h1.article-title, div.article-title"))
    date_line = first_text(scope.css(".article-detail-meta .article-date, .article-meta .article-date, .article-date"))
    sapo = first_text(scope.css(".article-summary, .article-sapo"))
    article = Article(
        title=title,
        sapo=normalize_block(sapo) if sapo else None,
        published=parse_vn_datetime(date_line),
        views=parse_views(date_line),
        category=_category(sel),
        platform=PLATFORM,
        source_id=source_id(url),
    )
    body = scope.css(".article-content") if detail else []
    if body:
        content = read_content(body[0].root, url, remove=(_NOT_BODY,), trailer=True)
        article.body = content.body
        article.body_html = content.html
        article.images = content.images
        article.attachments = content.attachments
        article.author = content.author
        article.source = content.source
        for link in scope.css(".attach-file a[href], .article-attach a[href], .file-attach a[href]"):
            href = urljoin(url, link.attrib["href"].strip())
            if is_attachment_url(href) and all(a.url != href for a in article.attachments):
                article.attachments.append(AttachmentRef(url=href, title=first_text(link)))
    canonical = sel.css("link[rel=canonical]::attr(href)").get()
    if canonical:
        canonical = urljoin(url, canonical.strip())
        article.canonical_url = canonical if urlsplit(canonical).netloc == urlsplit(url).netloc else None
    return article


def _category(sel: Selector) -> str | None:
    crumbs = [t for t in (first_text(a) for a in sel.css("ol.breadcrumb li, .breadcrumbs a, .breadcrumb a")) if t]
    return crumbs[-1] if len(crumbs) > 1 else None
