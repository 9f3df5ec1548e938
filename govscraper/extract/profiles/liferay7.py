"""Liferay 7.x / DXP Asset Publisher: list pages and article pages.

Liferay 7 renamed everything 6.2 had: the Asset Publisher is the OSGi portlet
``com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_<id>`` (its wrapper carries
``portlet-boundary_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_``), resources load from ``/o/``
and ``/combo?browserId=``, Senna.js marks tags ``data-senna-track``, articles live at
``/-/asset_publisher/<instanceId>/content/<urlTitle>`` and the pager is Clay's ``ul.pagination`` with
``..._INSTANCE_<id>_cur=N`` links. The portlet's own templates (``display/full_content.jsp``,
``display/abstracts.jsp`` in liferay-portal) give the article's ``span.header-title`` / ``.asset-title``,
``div.asset-full-content`` > ``div.asset-content`` > ``div.journal-content-article`` and the list's
``div.asset-abstract`` > ``h4.asset-title a`` + ``div.asset-summary``. What sits inside the journal article (date
line, lead, body) comes from each portal's web-content template, so those are found by what they are (a date
element, a ``sapo``/``lead``/``summary`` element) rather than by one theme's class names.
Markup sources: tests/fixtures/liferay7/PROVENANCE.md. Pure functions, no Scrapy.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from parsel import Selector

from govscraper.extract.content import read_content
from govscraper.extract.pages import any_match, as_selector, first_text, list_page, pager_links
from govscraper.extract.profiles.liferay62 import page_number
from govscraper.model import Article, ListItem, ListPage
from govscraper.text import VN_TZ, normalize_block, normalize_inline, parse_views, parse_vn_datetime

PLATFORM = "liferay7"
ASSET_PUBLISHER_PORTLET = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet"
#: Signs of Liferay 7.x, as :func:`fingerprints` names them.
FINGERPRINTS = (
    "Liferay.ThemeDisplay",
    "/o/ resources",
    "/combo?browserId=",
    "data-senna-track",
    "com_liferay_ portlet ids",
)
#: ``/-/asset_publisher/<instanceId>/content/<urlTitle>`` (``<instanceId>`` may be empty: ``asset_publisher//``).
ARTICLE_PATH = re.compile(r"/-/asset_publisher/(?P<instance>[^/]*)/content/(?P<title>[^/?#]+)", re.I)
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_RESULTS = re.compile(r"(\d[\d.,]*)\s*(?:-|–|to|đến)\s*(\d[\d.,]*)\s*(?:of|trên|trong|của|/)\s*(\d[\d.,]*)", re.I)
#: Class words of the date line and the lead inside a web-content template.
_DATE_CLASS = re.compile(r"date|time|ngay|publish", re.I)
_SAPO_CLASS = re.compile(r"sapo|lead|summary|tomtat|description|mota", re.I)
#: Boxes around the article that are not it ("Tin cùng chuyên mục", related assets, share links).
_NOT_ARTICLE = re.compile(r"related|lien-?quan|other|khac|social|share|asset-links|bookmark", re.I)


def fingerprints(page: str | Selector) -> list[str]:
    """The Liferay 7 signs the page carries (names from :data:`FINGERPRINTS`)."""
    sel = as_selector(page)
    resources = " ".join(sel.xpath("//link/@href | //script/@src | //img/@src").getall())
    seen = []
    if sel.xpath("//script[not(@src)][contains(., 'Liferay.ThemeDisplay')]"):
        seen.append("Liferay.ThemeDisplay")
    if re.search(r"(?:^|[\s\"'])(?:https?://[^/\s]+)?/o/[\w.-]+/", resources):
        seen.append("/o/ resources")
    if "/combo?browserId=" in resources or "/combo/?browserId=" in resources:
        seen.append("/combo?browserId=")
    if sel.xpath("//*[@data-senna-track]"):
        seen.append("data-senna-track")
    if sel.xpath(
        "//@id[starts-with(., 'p_p_id_com_liferay_')] | //@class[contains(., 'portlet-boundary_com_liferay_')]"
    ):
        seen.append("com_liferay_ portlet ids")
    return seen


def looks_like(page: str | Selector) -> bool:
    """True when the page is served by Liferay 7.x (two of its fingerprints) and not by 6.x (build ``b=6201``)."""
    sel = as_selector(page)
    if any_match(sel, "//link/@href | //script/@src", r"[?&]b=6\d\d\d"):
        return False
    return len(fingerprints(sel)) >= 2


def has_asset_publisher(page: str | Selector) -> bool:
    """The page shows an Asset Publisher (its portlet, a full-content view or list entries)."""
    sel = as_selector(page)
    return bool(
        sel.xpath(
            f"//@id[contains(., '{ASSET_PUBLISHER_PORTLET}')]"
            " | //*[" + _CLASS.format("portlet-asset-publisher") + "]"
            " | //div[" + _CLASS.format("asset-full-content") + "]"
            " | //div[" + _CLASS.format("asset-abstract") + "]"
            " | //a/@href[contains(., '/-/asset_publisher/')]"
        )
    )


def is_article_url(url: str) -> bool:
    return ARTICLE_PATH.search(urlsplit(url).path) is not None


def source_id(url: str) -> str | None:
    """The article's id: the numeric ``?<articleId>`` suffix some portals add, else its ``urlTitle``."""
    parts = urlsplit(url)
    match = ARTICLE_PATH.search(parts.path)
    if match is None:
        return None
    if parts.query.isdigit():
        return parts.query
    return unquote(match.group("title")).lower()


def _current_page(sel: Selector, url: str) -> int | None:
    number = page_number(url)
    if number is None:
        active = sel.css("ul.pagination li.active a::text, ul.pagination li.active span::text").get()
        number = int(active.strip()) if active and active.strip().isdigit() else None
    return number


def parse_list(page: str | Selector, url: str) -> ListPage:
    """Entries and pagination of an Asset Publisher list (abstracts display, or any template linking articles)."""
    sel = as_selector(page)
    portlets = sel.xpath(f"//*[starts-with(@id, 'p_p_id_{ASSET_PUBLISHER_PORTLET}')]") or [sel]
    items: list[ListItem] = []
    seen: set[str] = set()
    for portlet in portlets:
        entries = portlet.css("div.asset-abstract") or portlet.xpath(
            ".//a[contains(@href, '/-/asset_publisher/')]/ancestor::*[self::li or self::div or self::article][1]"
        )
        for entry in entries:
            link = entry.xpath(
                ".//*[contains(@class, 'asset-title')]//a[@href] | .//a[contains(@href, '/-/asset_publisher/')]"
            )
            link = [a for a in link if is_article_url(urljoin(url, a.attrib["href"].strip()))]
            if not link:
                continue
            absolute = urljoin(url, link[0].attrib["href"].strip())
            if absolute in seen:
                continue
            seen.add(absolute)
            date_line = first_text(entry.xpath(".//*[contains(@class, 'date') or contains(@class, 'time')]"))
            thumbnail = entry.css("img::attr(src)").get()
            title = next((t for t in (first_text(a) for a in link) if t), None)
            items.append(
                ListItem(
                    url=absolute,
                    title=title or normalize_inline(link[0].attrib.get("title")),
                    published=parse_vn_datetime(date_line),
                    views=parse_views(date_line),
                    thumbnail=urljoin(url, thumbnail.strip()) if thumbnail and thumbnail.strip() else None,
                    summary=first_text(entry.css(".asset-summary, .summary, .sapo")),
                )
            )
    pages = pager_links(
        sel.css("ul.pagination a::attr(href), .pagination-bar a::attr(href)").getall(), url, page_number
    )
    current = _current_page(sel, url)
    total = None
    results = _RESULTS.search(first_text(sel.css(".pagination-results, .search-results")) or "")
    if results:
        first, last, total = (int(re.sub(r"[.,]", "", g)) for g in results.groups())
        if current is None and last >= first:
            current = (first - 1) // _delta(pages.values(), last - first + 1) + 1
    current = current or 1
    return list_page(items, pages, current, total)


def _delta(urls, default: int) -> int:
    for href in urls:
        for key, value in parse_qsl(urlsplit(href).query):
            if key.endswith("_delta") and value.isdigit() and int(value) > 0:
                return int(value)
    return max(default, 1)


def _outside_boxes(nodes: list) -> list:
    """Nodes that are not inside a related/share box."""
    kept = []
    for node in nodes:
        classes = " ".join(node.xpath("ancestor-or-self::*/@class").getall())
        if not _NOT_ARTICLE.search(classes):
            kept.append(node)
    return kept


def _by_class(scope: Selector, pattern: re.Pattern[str]) -> list:
    return [n for n in _outside_boxes(scope.xpath(".//*[@class]")) if pattern.search(n.attrib.get("class", ""))]


def parse_article(page: str | Selector, url: str) -> Article:
    """The fields of an Asset Publisher full-content page."""
    sel = as_selector(page)
    full = sel.css("div.asset-full-content")
    scope = full[0] if full else sel
    portlet = scope.xpath(f"ancestor::*[starts-with(@id, 'p_p_id_{ASSET_PUBLISHER_PORTLET}')][1]")
    outer = portlet[0] if portlet else sel
    title_node = scope.css(".asset-title, .header-title, .component-title") or outer.css(
        "div.h2 span.header-title, .header-title, .component-title"
    )
    title_node = [n for n in _outside_boxes(title_node) if not n.css("a[href*='/-/asset_publisher/']")]
    date_node = next((n for n in _by_class(scope, _DATE_CLASS) if parse_vn_datetime(first_text(n))), None)
    date_line = first_text(date_node) if date_node is not None else None
    sapo_nodes = [n for n in _by_class(scope, _SAPO_CLASS) if first_text(n)]
    sapo_nodes = [n for n in sapo_nodes if not any(n is not o and o.root in n.root.iterancestors() for o in sapo_nodes)]
    article = Article(
        title=first_text(title_node[0]) if title_node else None,
        sapo=normalize_block("\n\n".join(first_text(n) or "" for n in sapo_nodes[:1])) or None,
        published=parse_vn_datetime(date_line) or _meta_date(sel),
        views=parse_views(date_line),
        category=first_text(outer.css(".portlet-title-text, .portlet-title")) or _last_crumb(sel),
        platform=PLATFORM,
        source_id=source_id(url),
    )
    if article.source_id is None:
        article.source_id = scope.css(".journal-content-article::attr(data-analytics-asset-id)").get()
    body = scope.css("div.journal-content-article")
    if body:
        element = body[0].root
        skip = [n.root for n in sapo_nodes[:1]]
        if date_node is not None:
            skip.append(date_node.root)
        skip.extend(n.root for n in title_node[:1])
        skip.extend(n.root for n in body[0].xpath(".//*[@class]") if _NOT_ARTICLE.search(n.attrib.get("class", "")))
        content = read_content(element, url, skip=[n for n in skip if _inside(n, element)], trailer=True)
        article.body = content.body
        article.body_html = content.html
        article.images = content.images
        article.attachments = content.attachments
        article.author = content.author
        article.source = content.source
    canonical = sel.css("link[rel=canonical]::attr(href)").get()
    if canonical:
        canonical = urljoin(url, canonical.strip())
        article.canonical_url = canonical if urlsplit(canonical).netloc == urlsplit(url).netloc else None
    return article


def _inside(node, ancestor) -> bool:
    return any(parent is ancestor for parent in node.iterancestors())


def _meta_date(sel: Selector) -> str | None:
    """``article:published_time`` (ISO 8601), in Vietnam's time zone."""
    value = (sel.css("meta[property='article:published_time']::attr(content)").get() or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_vn_datetime(value)
    if len(value) <= 10:
        return moment.date().isoformat()
    return (moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)).astimezone(VN_TZ).isoformat()


def _last_crumb(sel: Selector) -> str | None:
    crumbs = [t for t in (first_text(a) for a in sel.css(".breadcrumb a, ol.breadcrumb li")) if t]
    return crumbs[-1] if crumbs else None
