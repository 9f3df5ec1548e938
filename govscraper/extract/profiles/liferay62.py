"""Liferay 6.2 Asset Publisher (portlet ``101``): list pages and article pages.

Read off real pages of sotttt.hanoi.gov.vn (their source: tests/fixtures/liferay62/PROVENANCE.md). The same markup
serves many provincial and district portals of 2014-2022, including the 2021 Quảng Ngãi portal. Pure functions:
they take the page's text (or an already parsed :class:`parsel.Selector`, so a spider does not parse twice) and its URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from govscraper.extract.content import read_content
from govscraper.extract.pages import any_match, as_selector, list_page, pager_links, strings
from govscraper.model import Article, ListItem, ListPage
from govscraper.text import normalize_block, normalize_inline, parse_views, parse_vn_datetime

PLATFORM = "liferay62"
#: Strings only a Liferay 6.x page carries (theme display script, resource build 6201, the Asset Publisher portlet).
FINGERPRINTS = ("Liferay.ThemeDisplay", "b=6201", "p_p_id_101_", "p_p_id=101")
ARTICLE_PATH = re.compile(r"/-/(?:view_content|asset_publisher/[^/]+/content)/(?P<id>\d+)?", re.I)
_CUR_PARAM = re.compile(r"[?&](?:[^=&#]*_)?cur=(\d+)(?:[&#]|$)")
_ACCOUNT_XPATH = ".//p[contains(concat(' ', normalize-space(@class), ' '), ' view-content-author ')]"
_RESULTS = re.compile(r"(\d[\d.,]*)\s*[-–]\s*(\d[\d.,]*)\s*(?:of|trên|/|của)\s*(\d[\d.,]*)", re.I)


def _text(selection: Selector | None) -> str | None:
    if selection is None:
        return None
    return normalize_inline(" ".join(selection.xpath(".//text()").getall()))


def looks_like(page: str | Selector) -> bool:
    """True when the page is served by Liferay 6.x with its Asset Publisher (two fingerprints or more)."""
    sel = as_selector(page)
    # One test per entry of FINGERPRINTS, in its order.
    found = (
        any_match(sel, "//script[not(@src)]/text()", r"Liferay\.ThemeDisplay"),
        any_match(sel, "//link/@href | //script/@src", r"b=6201"),
        bool(strings(sel, "//@id[starts-with(., 'p_p_id_101_')]")),
        any_match(sel, "//a/@href", r"p_p_id=101"),
    )
    return sum(found) >= 2


def page_number(url: str) -> int | None:
    """The pager position in a Liferay list URL (``_101_cur=N`` or ``_101_INSTANCE_<id>_cur=N``)."""
    # A regex, not parse_qsl: list pages carry a pager link per page, and this runs on every one of them.
    match = _CUR_PARAM.search(url)
    return int(match.group(1)) if match else None


def source_id(url: str) -> str | None:
    """Liferay's articleId from an article URL (``/-/view_content/4418033-slug.html``)."""
    match = ARTICLE_PATH.search(urlsplit(url).path)
    return match.group("id") if match and match.group("id") else None


def is_article_url(url: str) -> bool:
    return ARTICLE_PATH.search(urlsplit(url).path) is not None


def parse_list(page: str | Selector, url: str) -> ListPage:
    """Entries and pagination of a category list page."""
    sel = as_selector(page)
    items: list[ListItem] = []
    # "bounddary" is Liferay's own misspelling; themes that fixed it still wrap each entry in asset-abstract.
    for entry in sel.css("div.asset-bounddary") or sel.css("div.asset-abstract"):
        link = entry.css("h3.asset-title a, .asset-title a")
        href = link.attrib.get("href") if link else None
        if not href:
            continue
        date_line = _text(entry.css("div.assetPublishDate"))
        thumbnail = entry.css("div.asset-image img::attr(src)").get()
        items.append(
            ListItem(
                url=urljoin(url, href.strip()),
                title=_text(link[0]),
                published=parse_vn_datetime(date_line),
                views=parse_views(date_line),
                thumbnail=urljoin(url, thumbnail.strip()) if thumbnail and thumbnail.strip() else None,
                summary=_text(entry.css("div.asset-summary")),
            )
        )
    pager = sel.css("div.lfr-pagination, div.taglib-page-iterator, ul.pager")
    pages = pager_links(pager.css("a::attr(href)").getall(), url, page_number)

    current = page_number(url)
    total = None
    results = _RESULTS.search(_text(sel.css("small.search-results")) or "")
    if results:
        first, last, total = (int(re.sub(r"[.,]", "", g)) for g in results.groups())
        if current is None:
            # A page reached without _cur in its URL (a redirect, a saved copy): "Hiển thị 161 - 170" says where.
            current = (first - 1) // (_delta(pager) or (last - first + 1)) + 1
    current = current or 1
    return list_page(items, pages, current, total)


def _delta(pager: Selector | list) -> int | None:
    """Page size from the pager links' ``_101_delta`` parameter."""
    for href in pager.css("a::attr(href)").getall() if pager else []:
        for key, value in parse_qsl(urlsplit(href).query):
            if key.endswith("_delta") and value.isdigit() and int(value) > 0:
                return int(value)
    return None


def parse_article(page: str | Selector, url: str) -> Article:
    """The fields of an Asset Publisher full-content page."""
    sel = as_selector(page)
    title_node = sel.css("div.asset-full-content-title")
    portlet = title_node.xpath("ancestor::section[contains(@class, 'portlet')][1]") if title_node else []
    scope = portlet[0] if portlet else sel
    full = scope.css("div.asset-full-content")
    full = full[0] if full else scope

    date_line = _text(scope.css("div.assetPublishDate"))
    article = Article(
        title=_text(title_node[0]) if title_node else _text(scope.css("h3.header-title, .asset-title")),
        sapo=normalize_block("\n\n".join(_text(p) or "" for p in full.css("div.sapo-wrapper p.sapo, p.sapo"))),
        published=parse_vn_datetime(date_line),
        views=parse_views(date_line),
        category=_text(scope.css("span.portlet-title-text")),
        platform=PLATFORM,
        source_id=source_id(url),
    )
    content_id = full.css("div.asset-content::attr(id)").re_first(r"_(\d+)$")
    article.source_id = article.source_id or content_id

    body = full.css("div.journal-content-article")
    if body:
        # p.view-content-author is the account that posted the article; the writer's byline, when the page has
        # one, is the name alone on the body's last line. The byline wins, the account is the fallback.
        account = _text(body.css("p.view-content-author"))
        content = read_content(body[0].root, url, remove=(_ACCOUNT_XPATH,), trailer=True)
        article.body = content.body
        article.body_html = content.html
        article.images = content.images
        article.attachments = content.attachments
        article.author = content.author or account
        article.source = content.source

    canonical = sel.css("link[rel=canonical]::attr(href)").get()
    if canonical:
        canonical = urljoin(url, canonical.strip())
        article.canonical_url = canonical if urlsplit(canonical).netloc == urlsplit(url).netloc else None
    return article
