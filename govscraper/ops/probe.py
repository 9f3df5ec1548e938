"""``govscraper probe URL``: look at a portal's home page once and write its registry entry.

Adding a portal should not need anyone to read its HTML. The probe fetches the home page politely (govscraper's
User-Agent, robots.txt asked first and obeyed, a timeout and a size limit), decodes it with the crawler's rules,
and reads off it:

* the **platform**, by :func:`~govscraper.extract.detect.detect_platform`, and the **fingerprints** behind the
  verdict (:func:`fingerprints`: which signs of which platform the page carries, so a reviewer can judge);
* **start URLs**, the news category lists the home page links to (:func:`guess_start_urls`): the
  platform's own list URLs first (``/tin-tuc/<category>.html`` on the upload CMS, ``tintucsukien.aspx`` on
  SharePoint), then menu links whose text is a news section ("Tin tức", "Tin tức - Sự kiện", "Hoạt động"...);
* the portal's Vietnamese **name** (``og:site_name``, the ``<title>``'s pieces, the logo's ``alt``: the first that
  reads like a portal or authority name), its **level** (tỉnh/huyện/xã from the name's first unit word) and its
  **province** (from the name, else the host, else the page's most named province);

and renders a ``[[portal]]`` table that :func:`govscraper.registry.parse_registry` accepts (:func:`render_entry`),
or a JSON object. Everything but :func:`fetch_home` and :func:`probe` is pure and works on a page's text.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from govscraper.extract.content import is_attachment_url
from govscraper.extract.detect import detect_platform
from govscraper.extract.links import discover_links
from govscraper.extract.profiles import GENERIC, PROFILES, liferay7, sharepoint, uploadcms
from govscraper.text import decode_page, fold, normalize_inline

#: Home pages larger than this are refused (a portal's home page is well under 1 MB).
MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 20.0
#: At most this many start URLs are proposed from the home page's text alone (without following its menus).
MAX_START_URLS = 6
#: At most this many of the home page's links are followed to find the category lists (one request each).
MAX_CANDIDATES = 40
#: Seconds between those requests (none to this machine: a replica or a mirror on loopback).
MENU_DELAY = 1.0

#: Provinces before the 1 July 2025 merger (the names portals and hosts still carry).
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên",
    "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Hồ Chí Minh", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Huế",
)  # fmt: skip
#: Host labels that are not the province's name folded ("hanoi" and "quangngai" are).
_HOST_ALIASES = {"hochiminhcity": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh", "baria-vungtau": "Bà Rịa - Vũng Tàu"}
#: Centrally-run cities: "thành phố Hà Nội" is a province-level unit, "thành phố Quảng Ngãi" a district-level one.
_CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
_LEVEL_WORDS = re.compile(r"\b(tỉnh|thành phố|thị xã|quận|huyện|thị trấn|xã|phường)\b", re.I)
_LEVELS = {"tỉnh": "tỉnh", "thành phố": "huyện", "thị xã": "huyện", "quận": "huyện", "huyện": "huyện",
           "thị trấn": "xã", "xã": "xã", "phường": "xã"}  # fmt: skip
#: What a portal's or an authority's name starts with or contains.
_NAME_WORDS = re.compile(
    r"cổng thông tin|trang thông tin|ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|\bsở\b|\bbộ\b|"
    r"\btỉnh\b|\bhuyện\b|\bxã\b|\bphường\b|thị xã|thành phố|thị trấn|\bquận\b",
    re.I,
)
_TITLE_SPLIT = re.compile(r"\s+[-–|:»]\s+")
#: Menu texts of news sections, folded.
_NEWS_TEXTS = re.compile(
    r"^(?:tin tuc(?:\s*[-–,&]?\s*(?:va\s+)?su kien)?|su kien|tin hoat dong|hoat dong(?: cua .{2,40})?|"
    r"tin dia phuong|tin noi bat|tin trong (?:tinh|huyen|nuoc)|tin tong hop|thong bao|chi dao(?:,| -)? dieu hanh|"
    r"tin tuc chung|tin moi)$"
)


class ProbeError(Exception):
    """Why a portal could not be probed, in one line."""


@dataclass
class ProbeResult:
    """What the probe found; :meth:`entry` is the registry entry."""

    url: str
    base_url: str
    platform: str
    fingerprints: list[str] = field(default_factory=list)
    name: str | None = None
    level: str = "tỉnh"
    province: str = ""
    start_urls: list[str] = field(default_factory=list)
    portal_id: str = ""
    probed_on: str = ""

    @property
    def notes(self) -> str:
        signs = ", ".join(self.fingerprints) or "none (generic)"
        return f"probed {self.probed_on}: fingerprints {signs}"

    def entry(self) -> dict[str, object]:
        """The registry fields, in the order portals.toml writes them."""
        return {
            "id": self.portal_id,
            "name": self.name or urlsplit(self.base_url).hostname or self.base_url,
            "province": self.province,
            "level": self.level,
            "base_url": self.base_url,
            "platform": self.platform,
            "start_urls": self.start_urls,
            "status": "live",
            "notes": self.notes,
        }

    def as_json(self) -> str:
        return json.dumps({**self.entry(), "probe": asdict(self)}, ensure_ascii=False, indent=2)


# ------------------------------------------------------------------------------------------------ pure parts
def fingerprints(page: str | Selector, url: str) -> list[str]:
    """Every platform sign the page carries, named ``"<platform>: <sign>"``, platform by platform."""
    sel = page if isinstance(page, Selector) else Selector(text=page)
    signs: list[str] = []
    if sel.xpath("//link/@href | //script/@src").re(r"b=6201"):
        signs.append("liferay62: b=6201")
    if sel.xpath("//@id[starts-with(., 'p_p_id_101_')]"):
        signs.append("liferay62: p_p_id_101_")
    if sel.xpath("//a/@href").re(r"p_p_id=101\b"):
        signs.append("liferay62: p_p_id=101")
    signs += [f"liferay: {mark}" for mark in liferay7.fingerprints(sel) if mark == "Liferay.ThemeDisplay"]
    signs += [f"liferay7: {mark}" for mark in liferay7.fingerprints(sel) if mark != "Liferay.ThemeDisplay"]
    signs += [f"sharepoint: {mark}" for mark in sharepoint.fingerprints(sel)]
    signs += [f"uploadcms: {mark}" for mark in uploadcms.fingerprints(sel)]
    return signs


def portal_name(page: str | Selector) -> str | None:
    """The portal's Vietnamese name as the page gives it."""
    sel = page if isinstance(page, Selector) else Selector(text=page)
    candidates: list[str] = []
    candidates += sel.css("meta[property='og:site_name']::attr(content)").getall()
    title = normalize_inline(" ".join(sel.css("title::text").getall())) or ""
    candidates += _TITLE_SPLIT.split(title)
    candidates += sel.xpath("//a[contains(@class, 'logo')]//img/@alt | //*[@id='banner']//img/@alt").getall()
    candidates += sel.xpath("//header//img/@alt | //div[contains(@class, 'header')]//img/@alt").getall()
    cleaned = [c for c in (normalize_inline(c) for c in candidates) if c and 6 <= len(c) <= 150]
    for text in cleaned:
        if re.match(r"(?i)cổng thông tin|trang thông tin", text):
            return text
    for text in cleaned:
        if _NAME_WORDS.search(text):
            return text
    return cleaned[0] if cleaned else None


def guess_level(name: str | None) -> str:
    """tỉnh, huyện or xã from the first administrative unit the name mentions (``"tỉnh"`` when none)."""
    if not name:
        return "tỉnh"
    match = _LEVEL_WORDS.search(name)
    if match is None:
        return "tỉnh"
    word = match.group(1).lower()
    if word == "thành phố" and any(name[match.end() :].strip().startswith(c) for c in _CENTRAL_CITIES):
        return "tỉnh"
    return _LEVELS[word]


def guess_province(name: str | None, url: str, page: str | Selector | None = None) -> str:
    """The province: named in the portal's name, else the host's province label, else the page's most named one."""
    for province in sorted(PROVINCES, key=len, reverse=True):
        if name and re.search(rf"(?:tỉnh|thành phố)\s+{re.escape(province)}\b", name):
            return province
    labels = (urlsplit(url).hostname or "").split(".")
    by_slug = {fold(p).replace(" ", "").replace("-", ""): p for p in PROVINCES} | _HOST_ALIASES
    for label in reversed(labels[:-2] if labels[-2:] == ["gov", "vn"] else []):
        if label in by_slug:
            return by_slug[label]
    if page is not None:
        sel = page if isinstance(page, Selector) else Selector(text=page)
        text = " ".join(sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
        counts = Counter(p for p in PROVINCES for _ in re.finditer(rf"(?:tỉnh|thành phố)\s+{re.escape(p)}\b", text))
        if counts:
            return counts.most_common(1)[0][0]
    return "(chưa xác định)"


def portal_id(name: str | None, province: str, url: str, level: str) -> str:
    """A registry id as portals.toml's header writes them: the province's prefix (two words: initials and the last
    letter, "Quảng Ngãi" → "qni"; three or more: the initials, "Hồ Chí Minh" → "hcm"; one: its first three letters,
    "Huế" → "hue"), then ``tinh`` (``thanhpho`` for a centrally-run city), the host's first label or the unit."""
    words = fold(province).replace("-", " ").split() if province in PROVINCES else []
    if len(words) == 1:
        prefix = words[0][:3]
    elif len(words) == 2:
        prefix = words[0][0] + words[1][0] + words[1][-1]
    else:
        prefix = "".join(w[0] for w in words)[:4] or "xx"
    labels = (urlsplit(url).hostname or "").split(".")
    host_slug = ""
    if labels[-2:] == ["gov", "vn"] and len(labels) >= 4 and labels[0] != "www":
        host_slug = labels[0]
    unit = ""
    if name:
        match = _LEVEL_WORDS.search(name)
        unit = name[match.end() :] if match else ""
    own = "thanhpho" if province in _CENTRAL_CITIES and re.search(r"(?i)thành phố", name or "") else "tinh"
    slug = host_slug or (own if level == "tỉnh" else re.sub(r"[^a-z0-9]", "", fold(unit)))
    return f"{prefix}-{slug or 'portal'}"


def platform_of(detected: str, signs: list[str]) -> str:
    """The platform to crawl with: the page's own verdict (:func:`detect_platform`, which wants an article list on
    the page), else the platform the page's fingerprints name. A home page without an Asset Publisher still says
    "liferay62: b=6201" (the Hanoi DOST home page does), and the Liferay 6.2 profile reads its lists."""
    if detected != GENERIC:
        return detected
    for sign in signs:
        platform = sign.split(":", 1)[0]
        if platform in PROFILES:  # "liferay: ..." is common to 6.2 and 7: it names no profile
            return platform
    return GENERIC


def menu_links(page: str | Selector, url: str) -> list[str]:
    """Every page the home page and its menus link to that could be a category's list: on the same host, not an
    article, a file, a trap or a list's later page; absolute, in page order (at most :data:`MAX_CANDIDATES`)."""
    links = discover_links(page if isinstance(page, Selector) else Selector(text=page), url)
    found = []
    for link in [*links.lists, *links.other]:
        if urlsplit(link).path in ("", "/") or is_attachment_url(link) or _later_page(link):
            continue
        if any(profile.is_article_url(link) for profile in PROFILES.values()) or link in found:
            continue
        found.append(link)
    return found[:MAX_CANDIDATES]


def is_list_page(text: str, url: str, platform: str) -> bool:
    """Whether a page is a category's list: the platform's reader finds entries on it (the generic path: at least
    three article links, or an article link and a next page)."""
    sel = Selector(text=text)
    if platform in PROFILES:
        return bool(PROFILES[platform].parse_list(sel, url).items)
    links = discover_links(sel, url)
    return len(links.articles) >= 3 or (bool(links.articles) and links.next is not None)


def guess_start_urls(page: str | Selector, url: str, platform: str) -> list[str]:
    """News category lists linked from the home page: the platform's list URLs, then news-section menu links."""
    sel = page if isinstance(page, Selector) else Selector(text=page)
    host = urlsplit(url).hostname
    found: list[str] = []

    def add(href: str) -> None:
        absolute = urljoin(url, href.strip()).split("#")[0]
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.hostname != host or parts.path in ("", "/"):
            return
        if is_attachment_url(absolute) or _is_article(absolute, platform) or _later_page(absolute):
            return
        relative = parts.path + (f"?{parts.query}" if parts.query else "")
        if relative not in found:
            found.append(relative)

    links = [
        (a.attrib.get("href", ""), normalize_inline(" ".join(a.xpath(".//text()").getall())) or "")
        for a in sel.css("a[href]")
    ]
    links = [
        (href, text)
        for href, text in links
        if href.strip() and not href.strip().startswith(("javascript:", "mailto:", "#"))
    ]
    if platform == "uploadcms":
        for href, _ in links:
            if re.match(r"^/(?:tin-tuc|tin-tuc-su-kien)/[\w-]+\.html$", urlsplit(urljoin(url, href)).path):
                add(href)
    elif platform == "sharepoint":
        for href, _ in links:
            if re.search(r"(?i)/pages/(?:tintuc|tin-tuc)[\w-]*\.aspx", href):
                add(href)
    for href, text in links:
        if _NEWS_TEXTS.match(fold(text).strip(" :»›").replace("  ", " ")):
            add(href)
    return found[:MAX_START_URLS]


def _is_article(url: str, platform: str) -> bool:
    if platform == GENERIC:
        return any(profile.is_article_url(url) for profile in PROFILES.values())
    return bool(PROFILES[platform].is_article_url(url))


def _later_page(url: str) -> bool:
    """A list's second or later page (the pager's links): a crawl reaches those from the first."""
    numbers = [profile.page_number(url) for profile in PROFILES.values()]
    return any(n is not None and n > 1 for n in numbers)


def probe_page(text: str, url: str, today: date | None = None) -> ProbeResult:
    """Everything the probe reads off a home page's text (fetched from ``url``, after redirects)."""
    sel = Selector(text=text)
    parts = urlsplit(url)
    base_url = f"{parts.scheme}://{parts.netloc}/"
    signs = fingerprints(sel, url)
    platform = platform_of(detect_platform(sel, url), signs)
    name = portal_name(sel)
    level = guess_level(name)
    province = guess_province(name, url, sel)
    return ProbeResult(
        url=url,
        base_url=base_url,
        platform=platform,
        fingerprints=signs,
        name=name,
        level=level,
        province=province,
        start_urls=guess_start_urls(sel, url, platform),
        portal_id=portal_id(name, province, url, level),
        probed_on=(today or date.today()).isoformat(),
    )


def render_entry(result: ProbeResult) -> str:
    """The ``[[portal]]`` TOML table of a probe (strings in TOML basic-string syntax, which JSON's escapes are)."""
    lines = ["[[portal]]"]
    for key, value in result.entry().items():
        if isinstance(value, list):
            rendered = "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        else:
            rendered = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ fetching
def fetch_home(url: str, user_agent: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """``(final URL, decoded text)`` of the page at ``url``, after robots.txt allows it; :class:`ProbeError` else."""
    _home_robots(url, user_agent, timeout)
    return _fetch(url, user_agent, timeout, max_bytes)


def _home_robots(url: str, user_agent: str, timeout: float) -> urllib.robotparser.RobotFileParser | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeError(f"not an http(s) URL: {url!r}")
    return _check_robots(url, user_agent, timeout)


def _fetch(url: str, user_agent: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """``(final URL, decoded text)`` of an HTML page; :class:`ProbeError` for anything else."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
            media = content_type.split(";")[0].strip().lower()
            if media and "html" not in media:
                raise ProbeError(f"not an HTML page: {final_url} is {media}")
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise ProbeError(f"HTTP {exc.code} from {url}") from None
    except urllib.error.URLError as exc:
        raise ProbeError(f"cannot reach {url}: {_reason(exc.reason)}") from None
    except TimeoutError:
        raise ProbeError(f"cannot reach {url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise ProbeError(f"cannot reach {url}: {_reason(exc)}") from None
    if len(body) > max_bytes:
        raise ProbeError(f"page too large: {url} is over {max_bytes // (1024 * 1024)} MB")
    text = decode_page(body, content_type or None)
    if not re.search(r"(?i)<(?:html|body|head|title|div)\b", text[:20000]):
        raise ProbeError(f"not an HTML page: {url}")
    return final_url, text


def _check_robots(url: str, user_agent: str, timeout: float) -> urllib.robotparser.RobotFileParser | None:
    """Refuse (:class:`ProbeError`) a URL the site's robots.txt forbids; the parsed file, for the pages asked for
    next (None when there is none: everything is allowed)."""
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    request = urllib.request.Request(robots_url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            lines = response.read(512 * 1024).decode("utf-8", "replace").splitlines()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise ProbeError(f"robots.txt of {parts.netloc} forbids crawling (HTTP {exc.code})") from None
        return None  # no robots.txt (404) or a broken one: everything is allowed
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise ProbeError(f"cannot reach {parts.netloc}: {_reason(reason)}") from None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(lines)
    if not parser.can_fetch(user_agent, url):
        raise ProbeError(f"robots.txt of {parts.netloc} forbids fetching {url}")
    return parser


def _reason(reason: object) -> str:
    text = str(getattr(reason, "strerror", None) or reason)
    return " ".join(text.split()) or reason.__class__.__name__


def probe(
    url: str, user_agent: str, timeout: float = TIMEOUT, today: date | None = None, follow_menus: bool = True
) -> ProbeResult:
    """Fetch the portal's home page and read it (:func:`probe_page`); then, with ``follow_menus``, ask once for each
    page its menus link to (:func:`menu_links`, robots.txt obeyed, :data:`MENU_DELAY` apart) and propose as start
    URLs every one the platform reads as a list with entries (:func:`is_list_page`): every category, not only those
    whose menu text reads like news. Pages that cannot be fetched are skipped; the guesses from the home page's
    text stay unless their page was fetched and holds no list."""
    robots = _home_robots(url, user_agent, timeout)
    final_url, text = _fetch(url, user_agent, timeout)
    result = probe_page(text, final_url, today)
    if not follow_menus:
        return result
    host = urlsplit(final_url).hostname or ""
    delay = 0.0 if host in ("localhost", "127.0.0.1", "::1") else MENU_DELAY
    lists, refuted = [], set()
    for index, link in enumerate(menu_links(text, final_url)):
        if robots is not None and not robots.can_fetch(user_agent, link):
            continue
        if index and delay:
            time.sleep(delay)
        try:
            page_url, page = _fetch(link, user_agent, timeout)
        except ProbeError:
            continue
        relative = _relative(link)
        if is_list_page(page, page_url, result.platform):
            lists.append(relative)
        else:
            refuted.add(relative)
    guessed = [u for u in result.start_urls if u not in refuted and u not in lists]
    result.start_urls = lists + guessed
    return result


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
