"""Link discovery for the generic crawl: which links of a page to follow, and as what.

``discover_links(page, url)`` keeps the links that stay on the page's host (``www.`` ignored, http/https alike),
drops what is not an HTML page or is a crawler trap, and sorts the rest into

* ``articles``: URLs shaped like article pages on the known platforms (``/-/view_content/<id>``,
  ``/-/asset_publisher/<x>/content/<slug>``, ``/portal/pages/<yyyy-mm-dd>/<Slug>-<id>.aspx``,
  ``/tin-tuc/<category>/<slug>.html``, ``newsdetail.aspx?NewsId=<id>``, ``/p-<unit>/d/<Slug>/``...) or a long
  slug behind a headline-length anchor text;
* ``lists``: pagination (``?page=``, ``pageNo=``, ``p=``, ``_cur=``, ``/trang-2``, ``/page/2``, numbered pagers,
  "Trang sau", "Tiếp", "»") and category pages (``tin-tuc``, ``thong-bao``, ``KenhTin``, ``gId=``, ``CatId=``...);
* ``other``: every other same-host HTML page (home, introduction, contact...).

``discover_links(page, url, limit=N)`` reads only the first N ``<a>`` elements (``GOVSCRAPER_MAX_LINKS_PER_PAGE``)
and counts the rest in ``ignored``: a page of 200,000 links cost 20 s and made a crawl of 132,000 requests. Links
to hosts that are non-public addresses (``http://10.0.0.5/``, ``localhost``) are kept apart in ``non_public``, so
a crawl of a portal on the public web can record that it refused them (``govscraper.addresses``). ``hosts`` adds
host names that count as the page's own (the portal's aliases).

``next`` is the list's next page when the page has a pager: the pager link to page N+1 (N read from the URL,
1 without), else the link labelled "Trang sau"/"Tiếp"/"»"/"Next", else ``<link rel="next">``.

Left out: other hosts; ``mailto:``/``javascript:``/``tel:``; fragments of the same page; files (images,
documents, media, archives, css/js, feeds; Liferay ``/documents/`` and ``/image/...?img_id=``); and traps: print
views (``print``, ``Ban-in-N.htm``, ``InTin.aspx``), send/share links, login/registration, search results, RSS,
calendars and filters navigated by date (``?tuan=38&nam=2023``), sort orders, Liferay action/pop-up URLs and
SharePoint system pages (``/_layouts/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from parsel import Selector

from govscraper.addresses import host_kind

FILE_EXTENSIONS = frozenset((
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff", "psd", "pdf", "doc", "docx", "xls",
    "xlsx", "odt", "ods", "odp", "ppt", "pptx", "rtf", "txt", "csv", "zip", "rar", "7z", "gz", "tar", "mp3", "mp4",
    "avi", "wmv", "flv", "swf", "mov", "mkv", "wav", "ogg", "webm", "css", "js", "json", "xml", "rss", "atom",
    "exe", "msi", "apk", "dwg", "eot", "woff", "woff2", "ttf",
))  # fmt: skip
_PAGE_KEYS = frozenset((
    "page", "p", "pg", "pageno", "pagenumber", "pagenum", "pageindex", "page_index", "trang", "sotrang", "paged",
    "start", "offset", "currentpage", "curpage", "cur",
))  # fmt: skip
_TRAPS = re.compile(
    r"(?:^|[/_.?&=-])(?:print|printpreview|printview|in-?bai|in-?trang|ban-?in|intin)(?:[/_.?&=-]|$)"
    r"|sendmail|send-mail|guimail|gui-mail|guitin|gui-tin|emailarticle|email\.aspx|sharer|share\.php|addthis"
    r"|(?:^|/)(?:login|logout|log-in|signin|sign-in|dang-?nhap|dang-?xuat|dang-?ky|register)(?:[/.?]|$)"
    r"|/c/portal/|authenticate\.aspx|p_p_id=58(?:&|$)"
    r"|(?:^|/)(?:tim-?kiem|search)(?:[/.?]|$)|[?&](?:q|keyword|keywords|tukhoa|search|query|_3_keywords)=[^&]+"
    r"|(?:^|[/.])rss|/feed(?:[/.?]|$)|atom\.xml|listfeed\.aspx"
    r"|calendar|[?&](?:tuan|week|ngay|date|day|thang|month|nam|year)=\d"
    r"|[?&](?:orderby|sort|order|sortby|filter)="
    r"|p_p_lifecycle=[12]|p_p_state=(?:exclusive|pop_up)|p_p_mode=(?:edit|print)"
    r"|/_layouts/|/_vti_|/_catalogs/|/webresource\.axd|/scriptresource\.axd",
    re.I,
)
_FILE_PATHS = re.compile(r"/documents/\d+/|/document_library/get_file|/image/[^?]*\?img_id=|/image_gallery", re.I)
_ARTICLE_PATHS = re.compile(
    r"/-/view_content/\d+|/-/asset_publisher/[^/]+/content/|/journal_content/.+/\d{4,}$"
    r"|/portal/pages/\d{4}-\d{1,2}-\d{1,2}/|/p-[^/]+/d/[^/]+",
    re.I,
)
_DETAIL_PATH = re.compile(r"newsdetail|news-detail|chi-?tiet|xem-chi-tiet|viewdetail|detail|/tin/|/bai-viet/", re.I)
_ID_KEYS = frozenset((
    "newsid", "id", "itemid", "articleid", "postid", "art", "tinid", "newsitemid", "idtin", "news_id", "contentid",
    "pid", "articleno",
))  # fmt: skip
_LIST_WORDS = frozenset((
    "tin", "tintuc", "tintucsukien", "news", "kenhtin", "chuyenmuc", "category", "danhmuc", "thongbao", "sukien",
    "hoatdong", "vanban",
))  # fmt: skip
_LIST_KEYS = frozenset(["gid", "catid", "cat", "categoryid", "menuid", "cid", "chuyenmuc", "cateid"])
_PAGER_CLASS = re.compile(r"pag|phantrang|phan-trang|page-iterator|lfr-pagination|trang", re.I)
_NEXT_TEXT = re.compile(
    r"^(?:trang sau|trang tiếp|tiếp theo|tiếp|sau|next|›|»|>|>>|tiếp\s*[»>›]|sau\s*[»>›]|next\s*[»>›])$", re.I
)
_PAGER_TEXT = re.compile(
    r"^(?:\d{1,4}|trang sau|trang trước|trang tiếp|tiếp theo|tiếp|sau|trước|đầu|cuối|trang đầu|trang cuối|"
    r"next|prev|previous|first|last|[«‹›»<>]{1,2}|(?:cuối|đầu|tiếp|sau|trước)\s*[«‹›»<>]{1,2}|"
    r"[«‹›»<>]{1,2}\s*(?:cuối|đầu|tiếp|sau|trước))$",
    re.I,
)
_PAGE_IN_PATH = re.compile(r"(?:[/_-]trang[-_]?|/page/)(\d{1,5})(?:\.html?|\.aspx|/)?$", re.I)
_EXTENSION = re.compile(r"\.(?:html?|aspx?|php|jsp|shtml|htm)$", re.I)


@dataclass
class Links:
    """Same-host links of a page, sorted for the crawl; absolute URLs without fragments, in page order."""

    articles: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    #: The next page of the list this page is part of, when it has a pager.
    next: str | None = None
    #: ``<a>`` elements not read because the page has more than the limit.
    ignored: int = 0
    #: Links (read) to hosts that are loopback, private or link-local addresses, or ``localhost``.
    non_public: list[str] = field(default_factory=list)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_host(url: str, other: str) -> bool:
    """True when both URLs are on one host (a leading ``www.`` and the scheme do not matter)."""
    return bool(_host(url)) and _host(url) == _host(other)


def is_file(url: str) -> bool:
    """A link to something that is not an HTML page (by extension of any path segment, or a file servlet)."""
    parts = urlsplit(url)
    if _FILE_PATHS.search(parts.path + ("?" + parts.query if parts.query else "")):
        return True
    for segment in parts.path.lower().split("/"):
        if "." in segment and segment.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            return True
    return False


def is_trap(url: str) -> bool:
    """Print views, share/mail, login, search, RSS, calendars, sorting, portlet actions, system pages."""
    parts = urlsplit(url)
    return bool(_TRAPS.search(parts.path + ("?" + parts.query if parts.query else "")))


def page_number(url: str) -> int | None:
    """The page a pagination URL points to (``?page=3``, ``pageNo=3``, ``_101_cur=3``, ``/trang-3.html``)."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        lowered = key.lower()
        if (lowered in _PAGE_KEYS or lowered.endswith("_cur")) and value.isdigit():
            return int(value)
    match = _PAGE_IN_PATH.search(parts.path)
    return int(match.group(1)) if match else None


def _slug_words(url: str) -> tuple[int, bool]:
    """Words of the last path segment's slug, and whether it ends with a numeric id (``-1045823``)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return 0, False
    slug = _EXTENSION.sub("", segments[-1])
    words = [w for w in re.split(r"[-_]+", slug) if w]
    has_id = bool(words) and words[-1].isdigit() and len(words[-1]) >= 3
    return sum(1 for w in words if not w.isdigit()), has_id


def classify(url: str, anchor: str = "", in_pager: bool = False) -> str:
    """``"article"``, ``"list"`` or ``"other"`` for a same-host page URL (exclusions are checked elsewhere)."""
    anchor = " ".join(anchor.split())
    if page_number(url) is not None or (in_pager and _PAGER_TEXT.match(anchor)):
        return "list"
    parts = urlsplit(url)
    if _ARTICLE_PATHS.search(parts.path):
        return "article"
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if any(k in _ID_KEYS and v.isdigit() and len(v) >= 3 for k, v in query.items()):
        return "article"
    if parts.query.isdigit() and len(parts.query) >= 4:
        return "article"  # Liferay's "/content/<slug>?5236714"
    words, has_id = _slug_words(url)
    anchor_words = len(anchor.split())
    if _DETAIL_PATH.search(parts.path) and (has_id or re.search(r"\d{3,}", parts.path)):
        return "article"
    if (words >= 5 or (words >= 3 and has_id)) and (anchor_words >= 4 or anchor_words == 0):
        return "article"
    path_words = set(re.split(r"[^a-z0-9]+", parts.path.lower().replace("-", "")))
    path_words |= set(re.split(r"[^a-z0-9]+", parts.path.lower()))
    if path_words & _LIST_WORDS or any(k in _LIST_KEYS for k in query):
        return "list"
    return "other"


def discover_links(page: str | Selector, url: str, *, limit: int | None = None, hosts: Iterable[str] = ()) -> Links:
    """Same-host links of the page sorted into articles, lists (pagination, categories) and other pages.

    ``limit``: read at most this many ``<a>`` elements (the rest are counted in ``ignored``); ``hosts``: more host
    names that count as the page's own (``www.`` ignored, as for the page's host).
    """
    own = {_host(f"http://{h}/") for h in hosts}
    sel = page if isinstance(page, Selector) else Selector(text=page)
    root = sel.root
    base = url
    base_node = root.find(".//base[@href]") if hasattr(root, "find") else None
    if base_node is not None:
        base = urljoin(url, base_node.get("href").strip())
    here = urldefrag(url)[0]
    seen: dict[str, str] = {}
    links = Links()
    pager_links: list[tuple[str, str, bool]] = []
    anchors = root.iter("a")
    read = 0
    for anchor in anchors:
        if limit is not None and read >= limit:
            links.ignored = 1 + sum(1 for _ in anchors)  # counted, not read: cheap even for 200,000
            break
        read += 1
        href = (anchor.get("href") or "").strip()
        target = _resolve(href, base)
        if target is None or target == here:
            continue
        if not same_host(target, url) and _host(target) not in own:
            if host_kind(urlsplit(target).hostname or "") is not None and target not in links.non_public:
                links.non_public.append(target)
            continue
        if is_file(target) or is_trap(target):
            continue
        text = " ".join(anchor.text_content().split())
        in_pager = any(
            _PAGER_CLASS.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in anchor.iterancestors()
        )
        kind = classify(target, text, in_pager)
        if kind == "list" and (page_number(target) is not None or in_pager):
            pager_links.append((target, text, in_pager))
        previous = seen.get(target)
        if previous is None:
            seen[target] = kind
            getattr(links, _FIELD[kind]).append(target)
        elif previous != "article" and kind == "article":
            getattr(links, _FIELD[previous]).remove(target)
            links.articles.append(target)
            seen[target] = kind
    links.next = _next_page(root, url, base, pager_links)
    return links


_FIELD = {"article": "articles", "list": "lists", "other": "other"}
_ANCHOR = re.compile(r"<a[\s>]", re.I)


def anchors_beyond(text: str, limit: int) -> tuple[int, int] | None:
    """Where the page's ``limit``+1-th ``<a>`` tag starts, and how many the page has; None when it has ``limit`` or
    fewer.

    The crawler cuts such a page there before parsing it: the tree of a page of 200,000 links costs 136 MB, while
    the text before the cut holds every link that is read anyway. Two ``str.count`` calls answer for ordinary pages.
    """
    if text.count("<a") + text.count("<A") <= limit:
        return None
    cut, total = None, 0
    for total, match in enumerate(_ANCHOR.finditer(text), 1):
        if total == limit + 1:
            cut = match.start()
    return (cut, total) if cut is not None else None


def _resolve(href: str, base: str) -> str | None:
    if not href or href.startswith("#"):
        return None
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    if scheme and scheme not in ("http", "https"):
        return None  # javascript:, mailto:, tel:, data:, ftp:...
    target = urldefrag(urljoin(base, href))[0]
    if urlsplit(target).scheme not in ("http", "https"):
        return None
    return target


def _next_page(root, url: str, base: str, pager_links: list[tuple[str, str, bool]]) -> str | None:
    current = page_number(url) or 1
    for target, _text, _in_pager in pager_links:
        if page_number(target) == current + 1:
            return target
    for target, text, in_pager in pager_links:
        if in_pager and _NEXT_TEXT.match(text):
            return target
    for node in root.iter("link"):
        if (node.get("rel") or "").lower() == "next" and node.get("href"):
            target = _resolve(node.get("href").strip(), base)
            if target and same_host(target, url):
                return target
    return None


__all__ = ["Links", "anchors_beyond", "classify", "discover_links", "is_file", "is_trap", "page_number", "same_host"]
