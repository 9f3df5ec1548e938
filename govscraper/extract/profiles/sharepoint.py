"""SharePoint portals (dongnai.gov.vn, monre.gov.vn and the provincial portals built the same way).

SharePoint 2010/2013 publishing sites give themselves away by their master page: resources under ``/_layouts/``
(``/_layouts/1066/`` is the Vietnamese language pack), the ``MSOWebPartPage_PostbackSource`` and
``__REQUESTDIGEST`` hidden fields of the ASP.NET form, ``_spPageContextInfo``, and the rich-text field class
``ms-rtestate-field``. The news itself is rendered by each portal's own web parts, in one of two variants that
working public scrapers read:

* **dongnai** (``Pages/tintucsukien.aspx?gId=2`` lists, ``Pages/newsdetail.aspx?NewsId=<id>&CatId=<cat>``
  articles): list entries ``div.news1`` (the lead entry) and ``div.lnew`` (link + ``<span>(dd/mm/yyyy)</span>``);
  the article in ``div.divChiTietTin``: ``div.divTieuDe``, ``div.divNgayDang``, ``div.divTomTat``, body
  ``div.divNoiDungTinBai``, "Các tin khác" in ``div.divTinKhac``.
* **monre** (``Pages/<slug>.aspx`` articles): list entries ``.row.item`` with ``.item-title a`` and the date in
  ``.item-infor span:nth-of-type(2)``; the article in ``div.news-detail``: ``.news-title``, ``.item-infor``,
  ``.news-content > .sapo`` and the body ``.news-content > .ms-rtestate-field``.

Paging is a query parameter (``Page=N``, ``PageIndex=N`` or ``p=N``). Markup sources:
tests/fixtures/sharepoint/PROVENANCE.md. Pure functions, no Scrapy.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from govscraper.extract.content import read_content
from govscraper.extract.pages import any_match, as_selector, first_text, list_page, pager_links
from govscraper.model import Article, AttachmentRef, ListItem, ListPage
from govscraper.text import normalize_block, parse_views, parse_vn_datetime

PLATFORM = "sharepoint"
FINGERPRINTS = ("_layouts/", "MSOWebPartPage", "ms-rtestate-field", "__REQUESTDIGEST", "_spPageContextInfo")
_PAGE_PARAM = re.compile(r"[?&](?:page|pageindex|p|trang)=(\d+)(?:[&#]|$)", re.I)
#: Article URLs: dongnai's ``newsdetail.aspx?NewsId=`` (also ``ItemID=``), monre's ``/Pages/<slug>.aspx``.
_DETAIL = re.compile(r"/(?:pages/)?(?:newsdetail|chitiet|chi-tiet|tintuc-chitiet|news-detail)[^/]*\.aspx$", re.I)
_SLUG_PAGE = re.compile(r"/pages/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+){4,})\.aspx$", re.I)
#: Page names of lists and fixed pages that look like slugs but are not articles.
_NOT_ARTICLE_PAGES = re.compile(r"^(?:tin-tuc|tintuc|trang-chu|default|gioi-thieu|tim-kiem|lien-he|van-ban)", re.I)
#: Boxes that are not the article: "Các tin khác" (divTinKhac), "Xem thêm" (news-other), tools, comments.
_NOT_BODY = (
    ".//div[contains(@class, 'divTinKhac') or contains(@class, 'divCongCu') or contains(@class, 'news-other')"
    " or contains(@class, 'news-tools') or contains(@class, 'comment')]"
)


def fingerprints(page: str | Selector) -> list[str]:
    """The SharePoint signs the page carries (names from :data:`FINGERPRINTS`)."""
    sel = as_selector(page)
    seen = []
    if any_match(sel, "//link/@href | //script/@src | //a/@href", r"(?i)/_layouts/"):
        seen.append("_layouts/")
    if sel.xpath("//input[starts-with(@name, 'MSOWebPartPage') or starts-with(@id, 'MSOWebPartPage')]"):
        seen.append("MSOWebPartPage")
    if sel.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' ms-rtestate-field ')]"):
        seen.append("ms-rtestate-field")
    if sel.xpath("//input[@name='__REQUESTDIGEST' or @id='__REQUESTDIGEST']"):
        seen.append("__REQUESTDIGEST")
    if sel.xpath("//script[not(@src)][contains(., '_spPageContextInfo')]"):
        seen.append("_spPageContextInfo")
    return seen


def looks_like(page: str | Selector) -> bool:
    """True when the page is a SharePoint page (two of its fingerprints or more)."""
    return len(fingerprints(page)) >= 2


def is_article_url(url: str) -> bool:
    parts = urlsplit(url)
    if _DETAIL.search(parts.path):
        return any(k.lower() in ("newsid", "itemid", "id") for k, _ in parse_qsl(parts.query))
    slug = _SLUG_PAGE.search(parts.path)
    return bool(slug) and not _NOT_ARTICLE_PAGES.match(slug.group("slug")) and not parts.query


def source_id(url: str) -> str | None:
    """``NewsId`` (or ``ItemID``) of a news-detail URL; slug pages carry no id."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() in ("newsid", "itemid") and value.strip().isdigit():
            return value.strip()
    return None


def page_number(url: str) -> int | None:
    match = _PAGE_PARAM.search(url)
    return int(match.group(1)) if match else None


def parse_list(page: str | Selector, url: str) -> ListPage:
    """Entries (dongnai ``div.news1``/``div.lnew``, monre ``.row.item``) and the pager of a news list."""
    sel = as_selector(page)
    items: list[ListItem] = []
    seen: set[str] = set()
    main = sel.xpath("//*[contains(@class, 'news-other') or contains(@class, 'divTinKhac')]")
    boxes = {node.root for node in main}
    for entry in sel.css("div.news1, div.lnew, div.row.item, .row.item"):
        if any(box in entry.root.iterancestors() for box in boxes):
            continue  # a "Xem thêm" box under an article is not this page's list
        link = entry.css(".item-title a[href], .news1-title a[href]") or entry.css("a[href]")
        link = [a for a in link if (first_text(a) or "").strip()]
        if not link:
            continue
        absolute = urljoin(url, link[0].attrib["href"].strip())
        if absolute in seen or not is_article_url(absolute):
            continue
        seen.add(absolute)
        info = entry.css(".item-infor span")
        date_line = (
            first_text(info[1])
            if len(info) > 1
            else first_text(info) or first_text(entry.xpath(".//span[not(ancestor::a)]"))
        )
        thumbnail = entry.css("img::attr(src)").get()
        items.append(
            ListItem(
                url=absolute,
                title=first_text(link[0]),
                published=parse_vn_datetime(date_line),
                views=parse_views(date_line),
                thumbnail=urljoin(url, thumbnail.strip()) if thumbnail and thumbnail.strip() else None,
                summary=first_text(entry.css(".news1-sum, .item-sum, .item-summary, .summary, .sapo")),
            )
        )
    pager = sel.xpath(
        "//*[contains(@class, 'pager') or contains(@class, 'paging') or contains(@class, 'pagination')"
        " or contains(@class, 'phantrang')]//a/@href"
    ).getall()
    pages = pager_links(pager, url, page_number)
    current = page_number(url) or 1
    return list_page(items, pages, current)


def parse_article(page: str | Selector, url: str) -> Article:
    """The fields of a news article page, dongnai (``divNoiDungTinBai``) or monre (``ms-rtestate-field``) style."""
    sel = as_selector(page)
    dongnai = sel.css("div.divChiTietTin")
    monre = sel.css("div.news-detail")
    if dongnai:
        scope = dongnai[0]
        title = first_text(scope.css(".divTieuDe, .TieuDeTin"))
        date_line = first_text(scope.css(".divNgayDang"))
        sapo = first_text(scope.css(".divTomTat"))
        body = scope.css("div.divNoiDungTinBai")
    else:
        scope = monre[0] if monre else sel
        title = first_text(scope.css(".news-title, h1.title, .title-news"))
        info = scope.css(".item-infor")
        date_line = first_text(info.css(".date")) or first_text(info)
        sapo = first_text(scope.css(".news-content > .sapo, .sapo"))
        body = scope.css(".news-content > .ms-rtestate-field, .news-content .ms-rtestate-field, .ms-rtestate-field")
    if not body:
        body = sel.css("div.divNoiDungTinBai")
    article = Article(
        title=title,
        sapo=normalize_block(sapo) if sapo else None,
        published=parse_vn_datetime(date_line),
        views=parse_views(date_line),
        category=_category(sel, scope),
        platform=PLATFORM,
        source_id=source_id(url),
    )
    if body:
        content = read_content(body[0].root, url, remove=(_NOT_BODY,), trailer=True)
        article.body = content.body
        article.body_html = content.html
        article.images = content.images
        article.attachments = content.attachments
        article.author = content.author
        article.source = content.source
        for link in scope.css(".attach a[href], .divFileDinhKem a[href], .file-attach a[href]"):
            href = urljoin(url, link.attrib["href"].strip())
            if all(a.url != href for a in article.attachments):
                article.attachments.append(AttachmentRef(url=href, title=first_text(link)))
    return article


def _category(sel: Selector, scope: Selector) -> str | None:
    """The breadcrumb's last item (dongnai ``siteMapPath``, monre ``div.path``), else monre's category span."""
    crumbs = sel.css("[id$='siteMapPath'] a, .dn-breadcrumb a, div.path a, .breadcrumb a")
    texts = [t for t in (first_text(a) for a in crumbs) if t]
    if texts and len(texts) > 1:
        return texts[-1]
    return first_text(scope.css(".item-infor .cate"))
