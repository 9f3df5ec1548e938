"""The generic extractor: any Vietnamese government portal page → :class:`~govscraper.model.Article`.

Used for portals that have no platform profile (``govscraper crawl --url URL``) and as the fallback when a profile
finds nothing. It relies on what Vietnamese portal layouts (Liferay, SharePoint, the "/upload/<siteId>/" CMS,
ASP.NET and .NET portals, print views) have in common, not on their class names (which are only hints):

* **One pass.** The page is parsed once and walked once, cutting it into text segments (the text each block-level
  element holds itself) and caching, per element, its document position, subtree span, class/id words, text and
  link-text totals. Everything below works from these tables; the only copy made is ``read_content``'s copy of
  the content block.
* **Content block by scoring**, readability-style: each prose segment (25+ characters, links under half, not
  furniture) gives its parent (and half to its grandparent) ``1 + commas + length/100``; class/id words add or
  subtract 25 (``content``, ``noidung``, ``chitiet``… / ``footer``, ``menu``, ``related``, ``tinkhac``,
  ``share``, ``counter``…); the sum is damped by link density. Furniture names only count for elements holding
  under half of the page's text, so a print view's ``div.print-content`` is not thrown away. A block holding
  under 60 % of its parent's prose climbs to the parent (a body split over siblings).
* **Title** = the element before the body whose text best matches ``og:title`` / ``<title>`` or one of their
  leading " - " / " | " pieces (the rest is a site name, sometimes another site's); when ``<title>`` only names
  the site or section, the nearest heading-like element (``h1``–``h4``, class ``title``/``tieude``) before the
  body. List headlines (text mostly inside a link) are never titles.
* **Date line** = the first short, date-dominated element after the title (or just before it), unless a headline
  link comes first (then it is a list entry's date); read with :func:`~govscraper.text.parse_vn_datetime`, its
  view count with :func:`~govscraper.text.parse_views`; ``article:published_time`` when the page has it.
* **Body** = :func:`~govscraper.extract.content.read_content` on the block, leaving out what precedes the title
  or date line inside it, nested furniture (tools, counters, share links), boxes from a "Các tin khác"-type
  heading on, "Xem thêm:" lines, the sapo and author elements; closing source lines ("Nguồn: …", "Theo báo …")
  and the byline above them come off the end (``trailer=True``).
* **Sapo** = an element named ``sapo``/``lead``/``summary``/``tomtat``… between title and body, else a bold
  first paragraph. **Category** = the breadcrumb's last item that is not the title, else a portlet/section title.

:func:`article_score` / :func:`is_article` tell an article from list, home and other pages (ARTICLE_THRESHOLD).
Pure functions, no Scrapy imports; a :class:`parsel.Selector` can be passed instead of text to share the parse.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import html
from parsel import Selector

from govscraper.extract.content import (
    BLOCK_TAGS,
    DROP_TAGS,
    AttachmentRef,
    Block,
    ImageRef,
    byline,
    is_attachment_url,
    read_content,
    source_line,
)
from govscraper.model import Article
from govscraper.text import VN_TZ, normalize_block, normalize_inline, parse_views, parse_vn_datetime

PLATFORM = "generic"

#: A page is an article when it has a date line and :func:`article_score` reaches this.
ARTICLE_THRESHOLD = 4.0

_DROP = frozenset(DROP_TAGS)
_NEGATIVE_TAGS = frozenset(("nav", "footer", "aside"))
#: Class/id words of page furniture ("box-right tool" → {"box", "right", "tool"}).
_NEGATIVE_WORDS = frozenset((
    "footer", "foot", "menu", "nav", "navbar", "navigation", "navi", "breadcrumb", "breadcrumbs", "crumb", "share",
    "sharing", "social", "tool", "tools", "toolbar", "counter", "visitor", "visitors", "banner", "comment",
    "comments", "related", "relate", "other", "others", "sidebar", "widget", "pager", "pagination", "paging",
    "phantrang", "search", "login", "copyright", "marquee", "popup", "modal", "cookie", "rss", "poll", "hotline",
    "advert", "ads", "quangcao", "tags", "topbar", "header", "egov", "lienket", "weblink", "weblinks", "khac",
    "tinkhac", "congcu", "luotxem",
))  # fmt: skip
#: The same inside run-together names ("divTinKhac", "tin-lien-quan" → "divtinkhac", "tinlienquan").
_NEGATIVE_PARTS = (
    "tinkhac", "lienquan", "othernews", "relatednews", "related", "tinmoi", "docnhieu", "xemnhieu", "thongke",
    "truycap", "congcu", "chiase", "binhluan", "ykien", "quangcao", "footer", "breadcrumb", "sharer", "social",
    "menu", "sidebar", "comment", "pagination", "phantrang", "copyright", "counter", "visitor", "dangnhap",
    "timkiem", "luotxem",
)  # fmt: skip
_POSITIVE_PARTS = (
    "content", "article", "detail", "chitiet", "noidung", "tinbai", "baiviet", "entry", "post", "story",
    "journal", "rtestate", "fulltext", "body", "news",
)  # fmt: skip
_SAPO_PARTS = ("sapo", "lead", "summary", "tomtat", "trichyeu", "chapeau", "intro", "teaser", "mota", "description")
_AUTHOR_PARTS = ("author", "tacgia", "byline", "writer", "butdanh", "nguoiviet")
_DATE_PARTS = ("date", "time", "ngay", "publish", "post", "thoigian", "info", "meta")
_TITLE_PARTS = ("title", "tieude", "heading", "headline", "tittle")
_CATEGORY_PARTS = ("portlet-title-text", "chuyenmuc", "chuyen-muc", "category-title", "cat-title")
_BREADCRUMB_PARTS = ("breadcrumb", "crumb", "sitemappath", "duongdan", "duong-dan", "path")
_COUNTER_PARTS = ("counter", "thongke", "truycap", "visitor")
_HEADING_BONUS = {"h1": 2.0, "h2": 1.5, "h3": 1.0, "h4": 0.5}
_NOT_TITLE_TAGS = frozenset(("body", "html", "ul", "ol", "table", "tr", "tbody", "thead", "form", "a", "select"))

_WORDS = re.compile(r"\w+")
_SPLIT_NAME = re.compile(r"[^a-z0-9]+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:-|–|—|\||::|»|›|:)\s+")
#: Headings of boxes that are not the article: everything from such a heading on is not body.
_RELATED_HEADING = re.compile(
    r"^(?:các tin khác|tin khác|tin liên quan|tin,? bài liên quan|bài liên quan|bài viết liên quan|xem thêm|"
    r"đọc thêm|các tin,? bài đã đưa|các tin đã đưa|các bài đã đưa|tin cùng chuyên mục|tin cùng loại|"
    r"ý kiến bạn đọc|bình luận|tin mới|tin mới hơn|tin cũ hơn|tin đã đưa|các tin mới|tin tức khác|"
    r"tin đọc nhiều|tin xem nhiều|đọc nhiều nhất|xem nhiều nhất|tin nổi bật khác|"
    r"related(?: news| articles)?|other news)\s*[:：]?$"
)
#: A "Xem thêm: <link>" line inside the body, or a box whose heading runs into its links ("Các tin khácTin...").
_RELATED_LINE = re.compile(
    r"^(?:xem thêm|tin liên quan|bài liên quan|đọc thêm|tin,? bài liên quan|các tin khác|tin khác|"
    r"các tin,? bài đã đưa|các tin đã đưa|tin cùng chuyên mục|bài viết liên quan)"
)
#: Words of tool bars, counters and skip links. A short text made only of these (plus numbers and punctuation)
#: is furniture: "Xem với cỡ chữ : A- A A+ | In trang | Gửi email", "Online 7 / Hôm nay 3009 / Tổng 7.448.251".
_FURNITURE = re.compile(
    r"(?<!\w)(?:truy cập nội dung luôn|xem với cỡ chữ|cỡ chữ|in trang|in bài viết|in bài|bản in|gửi email|"
    r"gửi e-mail|gửi bài viết|gửi bài|chia sẻ|facebook|twitter|zalo|email|e-mail|print|share|về đầu trang|"
    r"lên đầu trang|đầu trang|quay lại|trở về|trở lại|đóng cửa sổ|đóng|tổng lượt truy cập|lượt truy cập|"
    r"số lượt truy cập|thống kê truy cập|đang truy cập|đang online|trực tuyến|online|hôm nay|hôm qua|"
    r"tuần này|tháng này|tổng số|tổng|lượt xem|a-|a\+|a)(?!\w)"
)
#: Words that may stand on a date line besides the date: labels, weekdays, clock words, the view count label.
_DATE_WORDS = re.compile(
    r"(?<!\w)(?:ngày đăng|ngày cập nhật|cập nhật lúc|cập nhật|đăng lúc|đăng ngày|ngày|tháng|năm|lúc|giờ|phút|"
    r"thời gian đăng|thời gian|publish date|published|posted|view count|lượt xem|số lượt xem|lượt đọc|"
    r"thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|chủ nhật|thứ \d|am|pm|sa|ch|sáng|chiều|tối)(?!\w)"
)
#: Lines of a portal's footer (the body of no article starts this way): who runs the site and how to reach it.
#: They matter when a page has no class names to give its footer away and the article itself is short.
_FOOTER_LINE = re.compile(
    r"^(?:cơ quan chủ quản|cơ quan quản lý|đơn vị quản lý|chịu trách nhiệm(?: chính| nội dung)?|trưởng ban biên tập|"
    r"giấy phép|địa chỉ|điện thoại|đt|fax|e-?mail|bản quyền|copyright|©|ghi rõ nguồn|phát triển bởi|thiết kế bởi)"
    r"\s*[:：.]?",
    re.I,
)
_SITE_NAME = re.compile(
    r"cổng thông tin|trang thông tin|cổng ttđt|trang ttđt|cổng tt|\bportal\b|website|trang chủ|home ?page", re.I
)
_NOT_LETTERS = re.compile(r"[\d\W_]+")
_VIEWS_LABEL = re.compile(r"lượt\s*xem|lượt\s*đọc|view\s*count|số\s*lần\s*xem|đã\s*xem", re.I)
#: Pictures that are not article photos: icons, logos, spacers, avatars, and the buttons of share and print tools
#: (those words as a word of the path: "/images/share-fb.png", not "/upload/shared-photos/...").
_ICON_SRC = re.compile(
    r"icon|logo|spacer|blank\.|pixel|button|btn[-_]|loading|arrow|bullet|/emoticons?/|avatar|"
    r"(?:^|[/_.-])(?:share|social|facebook|fb|zalo|twitter|print|email|mail|rss)(?:[/_.-]|$)",
    re.I,
)
#: Where portals put an article's id: Liferay's view_content id, a trailing "-<id>" or "/<id>" path segment.
_ID_IN_PATH = re.compile(r"/-/view_content/(\d+)|[-/](\d{5,})(?:\.[a-z]{2,5})?/?$", re.I)
_ID_KEYS = ("newsid", "id", "itemid", "articleid", "postid", "art", "tinid", "newsitemid", "idtin", "contentid")
_META_DATES = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "dc.date")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(_fold(text))


def is_furniture(text: str) -> bool:
    """True for short texts made only of tool, counter and skip-link words (and numbers, punctuation)."""
    if not text or len(text) > 160:
        return False
    rest = _FURNITURE.sub(" ", _fold(text))
    return not re.search(r"[^\W\d_]", rest)


def _linked_headline(block: Block) -> bool:
    """A paragraph that is one link and reads as a headline (no sentence end): another article, linked from inside
    the body ("HLV Malaysia chưa hài lòng dù đội nhà thắng trên sân Myanmar"), not a line of this one."""
    text = block.text
    if not text or "\n" in text or len(text) > 200 or text.rstrip().endswith((".", "!", "?", "…", ":", ";")):
        return False
    return block.link_chars >= 0.9 * len(text.replace(" ", ""))


def _date_dominated(text: str) -> bool:
    """A line that is a date line: besides date, time, weekday, labels and numbers at most 25 letters, and not a
    sentence: "Ngày 10/12/2021, huyện Mộ Đức tổ chức giao quân năm 2022." has few letters besides its date, but
    its words and its full stop make it the article's first line."""
    rest = _DATE_WORDS.sub(" ", _fold(text))
    if len(_NOT_LETTERS.sub("", rest)) > 25:
        return False
    sentence = text.rstrip().endswith((".", "!", "?")) and not text.rstrip().endswith("./.")
    return not (sentence and len(re.findall(r"[^\W\d_]+", rest)) >= 4)


# --------------------------------------------------------------------------------------------- the page tables
class _Seg:
    """The text one block-level element holds itself (its text and that of its inline descendants)."""

    __slots__ = ("chars", "element", "leaf", "link_chars", "link_parts", "parts", "text")

    def __init__(self, element: html.HtmlElement):
        self.element = element
        self.parts: list[str] = []
        self.link_parts: list[str] = []
        self.leaf = True
        self.text = ""
        self.chars = 0
        self.link_chars = 0

    def finish(self) -> None:
        self.text = " ".join("".join(self.parts).split())
        self.chars = len(self.text)
        self.link_chars = min(self.chars, len(" ".join("".join(self.link_parts).split())))

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


class _Page:
    """One parsed page and the tables the extractor reads: built by one walk over the tree."""

    def __init__(self, sel: Selector, url: str):
        self.url = url
        self.root: html.HtmlElement = sel.root
        body = self.root.find("body") if self.root.tag != "body" else self.root
        self.body: html.HtmlElement = body if body is not None else self.root
        self.meta = _meta(self.root)
        base = self.root.find(".//base[@href]")
        self.base = urljoin(url, base.get("href").strip()) if base is not None else url
        self.segments: list[_Seg] = []
        self.order: dict[html.HtmlElement, int] = {}
        self.end: dict[html.HtmlElement, int] = {}
        self.elements: list[html.HtmlElement] = []
        self.names: dict[html.HtmlElement, tuple[str, str, frozenset[str]]] = {}
        self.linked: set[html.HtmlElement] = set()
        self.flagged: list[html.HtmlElement] = []
        self._texts: dict[html.HtmlElement, str] = {}
        self._walk()
        self.totals: dict[html.HtmlElement, int] = {}
        self.links: dict[html.HtmlElement, int] = {}
        for seg in self.segments:
            if seg.chars:
                for node in (seg.element, *seg.element.iterancestors()):
                    self.totals[node] = self.totals.get(node, 0) + seg.chars
                    self.links[node] = self.links.get(node, 0) + seg.link_chars
        self.page_chars = self.totals.get(self.body, 0) or 1
        self.negative = self._negative_roots()
        self.in_negative: set[html.HtmlElement] = set()
        for node in self.negative:
            self.in_negative.update(self.elements[self.order[node] : self.end[node] + 1])
        # Filled by the analysis steps.
        self.block: html.HtmlElement | None = None
        #: The best-scored elements for the content block, best first: (score, element), for ``--explain``.
        self.candidates: list[tuple[float, html.HtmlElement]] = []
        #: How the title was found, in words, for ``--explain``.
        self.title_rule = "og:title (no element on the page matched)"
        self.first_para = 0
        self.title_el: html.HtmlElement | None = None
        self.title: str | None = None
        self.title_matched = False
        self.date_el: html.HtmlElement | None = None
        self.date_text: str | None = None
        self.published: str | None = None
        self.plain_titles: list[tuple[int, html.HtmlElement, str]] = []

    # The walk -------------------------------------------------------------------------------------------------
    def _walk(self) -> None:
        top = _Seg(self.body)
        self.segments.append(top)
        self._visit(self.body, top, False, False)
        for seg in self.segments:
            seg.finish()

    def _visit(self, element: html.HtmlElement, seg: _Seg, in_link: bool, in_section: bool) -> None:
        self.order[element] = len(self.elements)
        self.elements.append(element)
        tag = element.tag
        if element is not self.body and tag in BLOCK_TAGS:
            seg.leaf = False
            seg = _Seg(element)
            self.segments.append(seg)
        in_link = in_link or tag == "a"
        if in_link:
            self.linked.add(element)
        name = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if name.strip():
            self.names[element] = (name, _SPLIT_NAME.sub("", name), frozenset(_SPLIT_NAME.split(name)))
        if tag in _NEGATIVE_TAGS or (tag == "header" and not in_section) or self._negative_name(element):
            self.flagged.append(element)
        in_section = in_section or tag in ("article", "section")
        if element.text:
            seg.parts.append(element.text)
            if in_link:
                seg.link_parts.append(element.text)
        for child in element:
            child_tag = child.tag
            if isinstance(child_tag, str):
                if child_tag in _DROP:
                    self.order[child] = len(self.elements)
                    self.end[child] = len(self.elements)
                    self.elements.append(child)
                else:
                    self._visit(child, seg, in_link, in_section)
                if child_tag in ("br", "img"):
                    seg.parts.append(" ")
            if child.tail:
                seg.parts.append(child.tail)
                if in_link:
                    seg.link_parts.append(child.tail)
        self.end[element] = len(self.elements) - 1

    def _negative_name(self, element: html.HtmlElement) -> bool:
        info = self.names.get(element)
        if info is None:
            return False
        _, compact, words = info
        return bool(_NEGATIVE_WORDS & words) or any(part in compact for part in _NEGATIVE_PARTS)

    def _negative_roots(self) -> set[html.HtmlElement]:
        """Furniture elements (by tag or name) that hold under half of the page's text, and titled boxes."""
        limit = 0.5 * self.page_chars
        negative = {n for n in self.flagged if n is not self.body and self.totals.get(n, 0) < limit}
        for seg in self.segments:
            # A box headed "Tin mới", "Tin đọc nhiều", "Các tin khác"... is furniture wherever it stands.
            if 0 < seg.chars <= 50 and _RELATED_HEADING.match(_fold(seg.text).strip(" .")):
                box = seg.element.getparent()
                if box is not None and box is not self.body and self.totals.get(box, 0) < limit:
                    negative.add(box)
        return negative

    # Queries ----------------------------------------------------------------------------------------------------
    def within(self, element: html.HtmlElement, container: html.HtmlElement) -> bool:
        """``element`` is ``container`` or inside it."""
        start = self.order.get(container)
        index = self.order.get(element)
        return start is not None and index is not None and start <= index <= self.end[container]

    def has_part(self, element: html.HtmlElement, parts: tuple[str, ...]) -> bool:
        info = self.names.get(element)
        return info is not None and any(part in info[0] or part in info[1] for part in parts)

    def class_weight(self, element: html.HtmlElement) -> float:
        info = self.names.get(element)
        if info is None:
            return 0.0
        weight = 25.0 if any(part in info[1] for part in _POSITIVE_PARTS) else 0.0
        return weight - 25.0 if self._negative_name(element) else weight

    def text(self, element: html.HtmlElement) -> str:
        cached = self._texts.get(element)
        if cached is None:
            cached = self._texts[element] = " ".join(element.text_content().split())
        return cached

    def link_density(self, element: html.HtmlElement) -> float:
        total = self.totals.get(element, 0)
        return self.links.get(element, 0) / total if total else 0.0

    def is_prose(self, seg: _Seg) -> bool:
        return (
            seg.chars >= 25
            and seg.link_density <= 0.5
            and seg.element not in self.in_negative
            and not is_furniture(seg.text)
            and not _FOOTER_LINE.match(seg.text)
        )


def _meta(root: html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in root.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        content = node.get("content")
        if key and content and key not in meta:
            meta[key] = content.strip()
    title = root.find(".//title")
    if title is not None:
        meta["<title>"] = " ".join((title.text_content() or "").split())
    return meta


def _analyse(page: str | Selector, url: str) -> _Page:
    return _analyse_new(page if isinstance(page, Selector) else Selector(text=page), url)


def _analyse_new(sel: Selector, url: str) -> _Page:
    p = _Page(sel, url)
    _find_block(p)
    _find_title(p)
    _find_date(p)
    if p.title_el is None:
        _title_by_position(p)
        if p.title_el is not None and p.date_el is None:
            _find_date(p)
    return p


# ------------------------------------------------------------------------------------------------ content block
def _find_block(p: _Page) -> None:
    scores: dict[html.HtmlElement, float] = {}
    prose = [seg for seg in p.segments if p.is_prose(seg)]
    for seg in prose:
        score = 1.0 + seg.text.count(",") + seg.text.count(";") + min(seg.chars // 100, 3)
        element = seg.element
        parent = element.getparent()
        big_leaf = element.tag in ("div", "td", "section", "article", "span") and seg.chars > 500
        if seg.leaf and not big_leaf:
            targets = (parent, parent.getparent() if parent is not None else None)
        else:
            targets = (element, parent)
        for target, weight in zip(targets, (1.0, 0.5), strict=True):
            if target is not None and target.tag != "html":
                scores[target] = scores.get(target, 0.0) + score * weight
    if not scores:
        return

    def rank(node: html.HtmlElement) -> float:
        return (scores[node] + p.class_weight(node)) * (1.0 - p.link_density(node))

    best = max(scores, key=rank)
    p.candidates = [(rank(node), node) for node in sorted(scores, key=rank, reverse=True)[:4]]
    prose_chars: dict[html.HtmlElement, int] = {}
    for seg in prose:
        for node in (seg.element, *seg.element.iterancestors()):
            prose_chars[node] = prose_chars.get(node, 0) + seg.chars
    for _ in range(3):
        parent = best.getparent()
        if parent is None or parent is p.body or parent.tag == "html":
            break
        if prose_chars.get(best, 0) >= 0.6 * prose_chars.get(parent, 0) or p.link_density(parent) > 0.3:
            break
        best = parent  # a body split over sibling blocks (lead, text, photo box)
    p.block = best
    firsts = [p.order[seg.element] for seg in prose if seg.chars >= 60 and p.within(seg.element, best)]
    p.first_para = min(firsts, default=p.order[best])


# ------------------------------------------------------------------------------------------------------ title
def _title_refs(meta: dict[str, str]) -> list[Counter]:
    """``og:title``/``<title>`` and their pieces: "Title - Section - Site" gives "Title", "Title - Section"...

    Pieces naming a site ("Cổng thông tin điện tử huyện Mộ Đức", ``og:site_name``) are left out: the banner and
    the footer repeat them, and they are not the article's title.
    """
    site = _fold(meta.get("og:site_name", ""))
    refs: list[list[str]] = []
    for key in ("og:title", "twitter:title", "<title>"):
        value = meta.get(key)
        if not value:
            continue
        pieces = [
            piece
            for piece in _TITLE_SEPARATORS.split(value)
            if not _SITE_NAME.search(piece) and (not site or _fold(piece) != site)
        ]
        if not pieces:
            continue
        refs.append(_tokens(" - ".join(pieces)))
        for count in range(1, len(pieces)):
            refs.append(_tokens(" - ".join(pieces[:count])))
            refs.append(_tokens(pieces[-count]))
    return [Counter(ref) for ref in refs if ref]


def _similarity(candidate: list[str], refs: list[Counter]) -> float:
    """Best Dice coefficient of the candidate's words against any reference."""
    counted = Counter(candidate)
    size = len(candidate)
    best = 0.0
    for ref in refs:
        common = sum((counted & ref).values())
        best = max(best, 2.0 * common / (size + ref.total()))
    return best


def _title_candidates(p: _Page):
    """Elements before the body that could hold the title: leaf blocks and named or heading inline elements."""
    leaves = {seg.element for seg in p.segments if seg.leaf}
    for element in p.elements[: p.first_para + 1]:
        tag = element.tag
        if tag in _DROP or tag in _NOT_TITLE_TAGS or element in p.linked or element in p.in_negative:
            continue
        plain = element not in leaves and element not in p.names and tag not in _HEADING_BONUS
        if plain and not (tag in ("b", "strong", "font") or (element.get("style") and _emphasised(element))):
            continue
        if len(element) > 6 or (p.block is not None and p.within(p.block, element)):
            continue
        yield element


def _find_title(p: _Page) -> None:
    refs = _title_refs(p.meta)
    matched: list[tuple[float, int, html.HtmlElement, str]] = []
    headings: list[tuple[int, html.HtmlElement, str]] = []
    p.plain_titles = []
    for element in _title_candidates(p):
        text = p.text(element)
        if not 8 <= len(text) <= 300 or is_furniture(text):
            continue
        if sum(len(p.text(link)) for link in element.iter("a")) > 0.5 * len(text):
            continue  # a list entry's headline, not the page's title
        tokens = _tokens(text)
        index = p.order[element]
        named = p.has_part(element, _TITLE_PARTS)
        p.plain_titles.append((index, element, text))
        if (named or element.tag in _HEADING_BONUS) and p.first_para - index <= 80:
            headings.append((index, element, text))
        similarity = _similarity(tokens, refs) if refs and tokens else 0.0
        if similarity < 0.6:
            continue
        score = 10.0 * similarity + _HEADING_BONUS.get(element.tag, 0.0) + (2.0 if named else 0.0)
        score += 0.25 * min(len(tokens), 20)  # titles are sentences; section names match a <title> piece too
        score -= 0.002 * (p.first_para - index)  # nearer the body is better
        matched.append((score, index, element, text))
    if matched:
        # Nested elements with the same text (<div class="title"><h2>...</h2></div>) tie: take the inner one.
        _, _, p.title_el, text = max(matched, key=lambda c: (round(c[0], 1), c[1]))
        p.title_matched = True
        p.title_rule = "the element whose words best match <title> / og:title"
    elif headings:
        # The element named as a title nearest the body, else the nearest heading tag (a bare <h2> right above
        # the text is often the lead).
        _, p.title_el, text = max(headings, key=lambda c: (p.has_part(c[1], _TITLE_PARTS), c[0]))
        p.title_rule = "the element named as a title, or the heading, nearest the body"
    else:
        text = p.meta.get("og:title")  # the layout fallback (_title_by_position) may still replace it
    p.title = normalize_inline(text)


def _emphasised(element: html.HtmlElement) -> bool:
    """Set off like a heading: a heading or bold tag, bold or large inline style, or all text in <b>/<strong>."""
    if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "b", "strong"):
        return True
    style = (element.get("style") or "").lower()
    size = re.search(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt)", style)
    if "bold" in style or (size and float(size.group(1)) >= (15 if size.group(2) == "px" else 12)):
        return True
    children = [c for c in element if isinstance(c.tag, str)]
    return len(children) == 1 and children[0].tag in ("b", "strong") and not (element.text or "").strip()


def _title_by_position(p: _Page) -> None:
    """No title matched ``<title>`` and none is named or tagged as one: take the text set off just before the
    date line (or the body): the nearest emphasised one among the three nearest, else the nearest."""
    anchor = p.order[p.date_el] if p.date_el is not None else p.first_para
    before = [c for c in p.plain_titles if c[0] < anchor and not _date_dominated(c[2])][::-1][:3]
    if not before:
        return
    ranked = sorted(before, key=lambda c: (c[2].endswith("."), not _emphasised(c[1])))  # stable: nearest first
    _, p.title_el, text = ranked[0]
    p.title = normalize_inline(text)
    p.title_rule = "the text set off just before the date line or the body (nothing matched <title>)"


# ------------------------------------------------------------------------------------------------------- date
def _iso_from_meta(value: str) -> str | None:
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_vn_datetime(value)
    if len(value) <= 10:
        return moment.date().isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    moment = moment.astimezone(VN_TZ)
    return moment.isoformat() if moment <= datetime.now(VN_TZ) else None


def _line_link_density(p: _Page, element: html.HtmlElement) -> float:
    """Link density of the line (block element) the element stands on."""
    node = element
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.getparent()
    return p.link_density(node) if node is not None else 0.0


def _date_window(p: _Page) -> list[html.HtmlElement]:
    """Where a date line may stand: the 60 elements after the title, then the 15 before it."""
    if p.title_el is None:
        # No title to start from: the nearest date-like line before the body first, then into its first lines.
        return p.elements[max(0, p.first_para - 60) : p.first_para][::-1] + p.elements[p.first_para : p.first_para + 20]
    anchor = p.order[p.title_el]
    after = p.elements[p.end[p.title_el] + 1 : anchor + 61]
    before = p.elements[max(0, anchor - 15) : anchor][::-1]
    stop = next(
        (i for i, e in enumerate(after) if e.tag == "a" and e not in p.in_negative and len(p.text(e).split()) >= 4),
        len(after),
    )
    # A headline link between the heading and the date: the date is a list entry's, not the page's.
    return after[:stop] + before


def _find_date(p: _Page) -> None:
    for element in _date_window(p):
        if element.tag in _DROP or element in p.linked or element is p.block or element in p.in_negative:
            continue
        in_body = p.order[element] > p.first_para and element.tag not in ("span", "em", "i", "time")
        if in_body and not p.has_part(element, _DATE_PARTS):
            continue  # inside the body only a line styled as a date counts, not "Ngày 04/01, Ban Chỉ đạo..."
        text = p.text(element)
        if not text or len(text) > 150 or not _date_dominated(text):
            continue
        if _line_link_density(p, element) > 0.5:
            continue  # "Title of another article (07/01/2015)": a list entry
        published = parse_vn_datetime(text)
        if published:
            p.date_el, p.date_text, p.published = element, text, published
            break
    for key in _META_DATES:
        value = p.meta.get(key)
        meta_date = _iso_from_meta(value) if value else None
        if meta_date and (not p.published or p.published[:10] == meta_date[:10]):
            if len(meta_date) >= len(p.published or ""):
                p.published = meta_date
            break


# ------------------------------------------------------------------------------------------------- extraction
def _views(p: _Page, region: html.HtmlElement | None) -> int | None:
    views = parse_views(p.date_text) if p.date_text else None
    scope = region if region is not None else p.block
    if views is not None or scope is None:
        return views
    for element in scope.iter():
        if not isinstance(element.tag, str) or element.tag in _DROP or len(element) > 3:
            continue
        text = p.text(element)
        if len(text) <= 60 and _VIEWS_LABEL.search(text) and not _in_counter(p, element):
            views = parse_views(text)
            if views is not None:
                return views
    return None


def _in_counter(p: _Page, element: html.HtmlElement) -> bool:
    """A views label inside a site visitor counter box is not the article's view count."""
    return any(p.has_part(node, _COUNTER_PARTS) for node in (element, *element.iterancestors()))


def _region(p: _Page) -> html.HtmlElement | None:
    """The part of the page that is the article: title, date line, body, attachment box (not the sidebars)."""
    if p.block is None:
        return None
    parent = p.block.getparent()
    region = parent if parent is not None and parent.tag not in ("body", "html") else p.block
    if p.title_el is not None:
        common = next((n for n in p.title_el.iterancestors() if p.within(p.block, n)), None)
        if (
            common is not None
            and common.tag not in ("body", "html", "form")
            and p.totals.get(common, 0) < 0.9 * p.page_chars
            and p.within(region, common)
        ):
            region = common
    return region


def _sapo_element(p: _Page) -> html.HtmlElement | None:
    start = p.order[p.title_el] if p.title_el is not None else -1
    for element in p.names:
        index = p.order[element]
        if not start < index <= p.first_para or element.tag in _DROP or element in p.linked:
            continue
        if element is p.block or element in p.in_negative or (p.block is not None and p.within(p.block, element)):
            continue
        name = p.names[element][0]
        if not p.has_part(element, _SAPO_PARTS) or ("desc" in name and "description" not in name):
            continue
        if len(p.text(element)) >= 30:
            return element
    return None


def _skip_set(p: _Page, block: html.HtmlElement, markers: list[html.HtmlElement]) -> list[html.HtmlElement]:
    """Elements inside the content block that are not body text."""
    skip = [e for e in markers if e is not block and p.within(e, block)]
    if skip:
        # Everything before the title / date line / sapo when they stand inside the block.
        last = max(skip, key=lambda e: p.order[e])
        keep = set(last.iterancestors())
        skip.extend(e for e in p.elements[p.order[block] + 1 : p.order[last]] if e not in keep)
    for element in p.elements[p.order[block] + 1 : p.end[block] + 1]:
        if element in p.negative or p.has_part(element, _AUTHOR_PARTS):
            skip.append(element)
    inside = [seg for seg in p.segments if seg.chars and seg.element is not block and p.within(seg.element, block)]
    last_prose = max((p.order[seg.element] for seg in inside if p.is_prose(seg)), default=-1)
    for seg in inside:
        element = seg.element
        folded = _fold(seg.text)
        related_line = bool(_RELATED_LINE.match(folded)) and seg.link_density > 0.3
        if p.order[element] > last_prose and seg.link_density >= 0.7:
            skip.append(element)  # link lines after the text: a related list without a heading
            continue
        views_line = seg.chars <= 60 and bool(_VIEWS_LABEL.search(seg.text)) and parse_views(seg.text) is not None
        if is_furniture(seg.text) or related_line or views_line:
            skip.append(element)
        elif seg.chars <= 50 and _RELATED_HEADING.match(folded.strip(" .")):
            # A "Các tin khác" heading: it and everything after it in its container.
            skip.append(element)
            skip.extend(element.itersiblings())
            parent = element.getparent()
            if parent is not None and parent is not block and p.within(parent, block) and p.link_density(parent) > 0.4:
                skip.append(parent)
    return skip


def _author_element(p: _Page) -> str | None:
    """An element named as the author line (``p.view-content-author``, ``div.tacgia``) after the title."""
    start = p.order[p.title_el] if p.title_el is not None else 0
    for element in p.names:
        if p.order[element] < start or element in p.in_negative or not p.has_part(element, _AUTHOR_PARTS):
            continue
        text = normalize_inline(element.text_content())
        if text and len(text) <= 80:
            return byline(Block(text=text, align="right")) or text
    return None


def _lines_after_block(p: _Page) -> list[Block]:
    """The three lines right after the body: where portals put a labelled byline, news sites a source line."""
    if p.block is None:
        return []
    end = p.end[p.block]
    lines = [s for s in p.segments if s.chars and p.order[s.element] > end and s.element not in p.in_negative]
    return [Block(text=seg.text) for seg in lines[:3]]


def _author_after_block(p: _Page) -> str | None:
    """A labelled byline ("Tác giả: ...", "Tin, ảnh: ...") on one of the three lines right after the body."""
    return next((name for line in _lines_after_block(p) if (name := byline(line))), None)


def _source_after_block(p: _Page) -> str | None:
    """A source line ("Theo Newsweek", "Nguồn: ...") on one of the three lines right after the body: news sites set
    the credited publication in its own element under the article (dantri.com.vn's ``div.singular-source``)."""
    return next((found for line in _lines_after_block(p) if (found := source_line(line))), None)


def _category(p: _Page) -> str | None:
    title = _tokens(p.title or "")
    for element in p.names:
        if element.tag in ("body", "html") or not p.has_part(element, _BREADCRUMB_PARTS):
            continue
        if len(p.text(element)) > 300:
            continue
        items = [t for t in (normalize_inline(a.text_content()) for a in element.iter("a")) if t]
        last = _last_crumb_text(element)
        if last and last not in items:
            items.append(last)
        items = [i for i in items if i.casefold() not in ("trang chủ", "home", "trang chu")]
        while items and title and _similarity(_tokens(items[-1]), [Counter(title)]) >= 0.8:
            items.pop()
        if items:
            return items[-1]
    for element in p.names:
        if p.has_part(element, _CATEGORY_PARTS):
            text = normalize_inline(element.text_content())
            if text and len(text) <= 80:
                return text
    return None


def _last_crumb_text(element: html.HtmlElement) -> str | None:
    """Plain text after the last link of a breadcrumb ("Trang chủ > Tin tức > Kinh tế" with no link on the end)."""
    pieces = [piece.strip(" \t\n\u00a0>»›/|") for piece in element.itertext()]
    pieces = [piece for piece in pieces if piece]
    return normalize_inline(pieces[-1]) if pieces else None


def _images(images: list[ImageRef]) -> list[ImageRef]:
    return [image for image in images if not _ICON_SRC.search(urlsplit(image.url).path)]


def _attachments(p: _Page, region: html.HtmlElement | None, found: list[AttachmentRef]) -> list[AttachmentRef]:
    """The body's document links plus those of an attachment box beside it ("Tài liệu đính kèm")."""
    attachments = list(found)
    seen = {a.url for a in attachments}
    for link in region.iter("a") if region is not None else ():
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")) or link in p.in_negative:
            continue
        url = urljoin(p.base, href)
        if url not in seen and is_attachment_url(url):
            seen.add(url)
            attachments.append(AttachmentRef(url=url, title=normalize_inline(link.text_content())))
    return attachments


def _leading_meta(p: _Page, paragraphs: list[str]) -> int:
    """How many leading paragraphs repeat the title or are date lines."""
    title = _fold(p.title or "")
    count = 0
    for text in paragraphs:
        if (title and _fold(text) == title) or (len(text) <= 150 and _date_dominated(text) and parse_vn_datetime(text)):
            count += 1
        else:
            break
    return count


def _block_text(element: html.HtmlElement) -> str:
    """Text of a small element with its paragraph breaks (a sapo may hold two ``<p>``). A line break in the HTML
    source is a space, as a browser shows it (pages re-wrapped by a formatter break lines anywhere); only ``<br>``
    and block elements break lines."""
    parts: list[str] = []

    def add(text: str | None) -> None:
        if text:
            parts.append(text.replace("\r", " ").replace("\n", " "))

    for node in element.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if node is not element and tag in BLOCK_TAGS:
            parts.append("\n\n")
        elif tag == "br":
            parts.append("\n")
        if tag and tag not in _DROP:
            add(node.text)
        if node is not element:
            add(node.tail)
    return "".join(parts)


def extract_generic(page: str | Selector, url: str, explain: list[str] | None = None) -> Article:
    """The fields of an article page of any portal, found by layout and scoring (see the module docstring).

    ``explain``, when given, receives one line per decision: which element gave the title, the date and the lead,
    which block was scored as the content and what came close, and each line of it that was left out, and why
    (``govscraper extract --explain``)."""
    return _extract(_analyse(page, url), explain)


def describe(element: html.HtmlElement | None) -> str:
    """An element as a selector a reader can find in the page: ``div#main.singular-content``."""
    if element is None:
        return "none"
    name = element.tag if isinstance(element.tag, str) else "?"
    if element.get("id"):
        name += "#" + element.get("id").strip()
    return name + "".join("." + part for part in (element.get("class") or "").split()[:3])


def _described(p: _Page, text: str) -> bool:
    """Whether the page's description (``og:description``, else ``<meta name="description">``) is ``text``: the
    description is only believed where it matches text on the page, since portals often fill it with the site's
    slogan or the start of any article."""
    description = normalize_inline(p.meta.get("og:description") or p.meta.get("description") or "") or ""
    if len(description) < 40:
        return False
    return _fold(description.rstrip(" .…")) == _fold(text.rstrip(" .…"))


def _explain_page(p: _Page, sapo: html.HtmlElement | None, explain: list[str]) -> None:
    explain.append(f"title: {p.title!r} from {describe(p.title_el)}: {p.title_rule}")
    if p.date_el is not None:
        explain.append(f"published: {p.published!r} from the date line {p.date_text!r} in {describe(p.date_el)}")
    else:
        explain.append(f"published: {p.published!r} (no date line on the page; a <meta> date where there is one)")
    explain.append(f"sapo: from {describe(sapo)} (named as a lead, between the title and the body)" if sapo is not None
                   else "sapo: no element named as a lead (a bold first paragraph may still be one)")  # fmt: skip
    for rank, (score, element) in enumerate(p.candidates):
        verdict = "content block" if element is p.block else "candidate"
        explain.append(
            f"{verdict}: {describe(element)} score {score:.1f} (prose it holds, commas, class words; less its links:"
            f" link density {p.link_density(element):.2f})" + (" - the best" if rank == 0 else "")
        )
    if p.block is not None and all(element is not p.block for _, element in p.candidates):
        explain.append(f"content block: {describe(p.block)} (a parent of the best: the body spreads over its children)")


def _extract(p: _Page, explain: list[str] | None = None) -> Article:
    article = Article(title=p.title, published=p.published, platform=PLATFORM)
    region = _region(p)
    sapo = _sapo_element(p)
    if sapo is not None:
        article.sapo = normalize_block(_block_text(sapo))
    if explain is not None:
        _explain_page(p, sapo, explain)
    if p.block is not None:
        markers = [e for e in (p.title_el, p.date_el, sapo) if e is not None]
        skip = _skip_set(p, p.block, markers)
        if explain is not None:
            explain.extend(f"left: {describe(e)}: inside the block, but not body (title, date, lead or furniture)"
                           for e in skip)  # fmt: skip
        content = read_content(p.block, p.base, skip=skip, br_paragraphs=True, trailer=True, explain=explain)
        paragraphs, blocks = content.paragraphs, content.blocks
        drop = _leading_meta(p, paragraphs)
        kept = []
        for index, (text, block) in enumerate(zip(paragraphs, blocks, strict=True)):
            if index < drop:
                why = "repeats the title, or is a date line"
            elif is_furniture(text):
                why = "tool, counter or skip-link words only"
            elif _linked_headline(block):
                why = "one link that reads as a headline: another article"
            else:
                kept.append((text, block))
                continue
            if explain is not None:
                explain.append(f"left: {text[:70]!r}: {why}")
        if article.sapo is None and len(kept) >= 2 and len(kept[0][0]) >= 60:
            # A bold first paragraph, or a long heading opening the body, is the lead; so is a first paragraph that
            # the page's own description (og:description) repeats: the page says it is the summary.
            headings = {normalize_inline(p.text(h)) for h in p.block.iter("h2", "h3", "h4", "h5")}
            if kept[0][1].strong or kept[0][0] in headings or _described(p, kept[0][0]):
                article.sapo = normalize_block(kept[0][0])
                kept = kept[1:]
                if explain is not None:
                    explain.append(f"sapo: {article.sapo[:70]!r}: the body's first paragraph, bold or a heading")
        if explain is not None:
            explain.extend(f"kept: {text[:70]!r}" for text, _ in kept)
        article.body = "\n\n".join(t for t, _ in kept) or None
        article.body_html = content.html
        article.images = _images(content.images)
        article.author = content.author
        article.source = content.source
        article.attachments = content.attachments
    found_author, found_source = article.author, article.source
    article.author = article.author or _author_element(p) or _author_after_block(p)
    article.source = article.source or _source_after_block(p)
    if explain is not None and article.author and not found_author:
        explain.append(f"author: {article.author!r}: an element named as the author, or a byline under the body")
    if explain is not None and article.source and not found_source:
        explain.append(f"source: {article.source!r}: a source line under the body")
    article.attachments = _attachments(p, region, article.attachments)
    article.views = _views(p, region)
    article.category = _category(p)
    canonical = p.root.find(".//link[@rel='canonical']")
    if canonical is not None and canonical.get("href"):
        href = urljoin(p.url, canonical.get("href").strip())
        article.canonical_url = href if urlsplit(href).netloc == urlsplit(p.url).netloc else None
    article.source_id = source_id(p.url)
    return article


def source_id(url: str) -> str | None:
    """The article's id in its URL (``?5236714``, ``NewsId=178254``, ``-1045823.aspx``, ``/5318402``), if any.

    Numbers inside slugs ("...-nam-2023.html") are not ids.
    """
    parts = urlsplit(url)
    if parts.query.isdigit():
        return parts.query
    for key, value in parse_qsl(parts.query):
        if key.lower() in _ID_KEYS and value.isdigit():
            return value
    match = _ID_IN_PATH.search(parts.path)
    return (match.group(1) or match.group(2)) if match else None


# --------------------------------------------------------------------------------------------- classification
def article_score(page: str | Selector, url: str) -> float:
    """How much the page looks like an article; 0 without a date line. Threshold: :data:`ARTICLE_THRESHOLD`.

    Points: date line (+2); title found (+2, or +3 when it matches ``<title>``/``og:title``); prose in the content
    block (+1 from 300 characters, +1 from 800); three prose paragraphs or more (+1); ``og:type=article`` (+1).
    Minus: block link density over 0.3 (-2); four or more headline links in the block (-3: a list); a run of four
    or more sibling entries each linking a headline outside furniture boxes (-3: a list or home page); three or
    more document links in the block (-2: a document listing); three or more date-only lines in the block (-2).
    """
    return _score(_analyse(page, url))


def is_article(page: str | Selector, url: str) -> bool:
    """True when the page is an article: it has a date line and :func:`article_score` ≥ ARTICLE_THRESHOLD."""
    return article_score(page, url) >= ARTICLE_THRESHOLD


def extract_if_article(page: str | Selector, url: str) -> Article | None:
    """The article when the page is one (:func:`is_article`), else None; the page is analysed once for both."""
    analysed = _analyse(page, url)
    return _extract(analysed) if _score(analysed) >= ARTICLE_THRESHOLD else None


def _score(p: _Page) -> float:
    if not p.published or p.block is None:
        return 0.0
    block = p.block
    score = 2.0 + (3.0 if p.title_matched else 2.0 if p.title_el is not None else 0.0)
    inside = [seg for seg in p.segments if p.within(seg.element, block)]
    prose = [seg for seg in inside if p.is_prose(seg)]
    chars = sum(seg.chars for seg in prose)
    score += (chars >= 300) + (chars >= 800) + (len(prose) >= 3)
    score += 1.0 if p.meta.get("og:type", "").lower() == "article" else 0.0
    score -= 2.0 if p.link_density(block) > 0.3 else 0.0
    headlines = documents = 0
    for link in block.iter("a"):
        if is_attachment_url(urljoin(p.base, link.get("href") or "")):
            documents += 1
        elif len(p.text(link)) >= 20 and len(p.text(link).split()) >= 4:
            headlines += 1
    score -= 3.0 if headlines >= 4 else 0.0
    score -= 3.0 if _repeated_entries(p) >= 4 else 0.0
    score -= 2.0 if documents >= 3 else 0.0
    dates = sum(1 for s in inside if 0 < s.chars <= 40 and _date_dominated(s.text) and parse_vn_datetime(s.text))
    score -= 2.0 if dates >= 3 else 0.0
    return score


def _repeated_entries(p: _Page) -> int:
    """Size of the largest run of sibling entries (same tag and class) each linking a headline: a list's items.

    Entries inside furniture or related-news boxes do not count, so an article's "Các tin khác" box does not make
    it a list.
    """
    groups: Counter = Counter()
    for element in p.elements:
        if element.tag not in ("div", "li", "article", "tr", "dl", "section", "p") or element in p.in_negative:
            continue
        parent = element.getparent()
        if parent is not None and any(len(p.text(a).split()) >= 4 for a in element.iter("a")):
            groups[(parent, element.tag, element.get("class") or "")] += 1
    return max(groups.values(), default=0)


__all__ = [
    "ARTICLE_THRESHOLD",
    "PLATFORM",
    "article_score",
    "extract_generic",
    "extract_if_article",
    "is_article",
    "is_furniture",
    "source_id",
]
