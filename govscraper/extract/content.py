"""Turn an article's content element into text blocks, images with captions, attachments and a byline.

Every platform profile first finds the element that holds the article body (``div.journal-content-article``
on Liferay); the generic extractor finds it by scoring. What happens inside that element is the same on every
Vietnamese portal, so it lives here: paragraphs keep their boundaries, a photo's caption ("Hình: ...",
"Ảnh: ...", or a short centered/italic line right under it) goes to that image, the author's name alone on
the last line goes to ``author``, and links to official documents become attachments.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from govscraper.model import AttachmentRef, ImageRef
from govscraper.text import normalize_inline

#: Tags whose start or end breaks a paragraph.
BLOCK_TAGS = frozenset((
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "td", "th",
    "tbody", "thead", "tfoot", "section", "article", "header", "footer", "aside", "figure", "figcaption", "pre",
    "dl", "dt", "dd", "address", "center", "hr", "form", "fieldset", "caption",
))  # fmt: skip
#: Tags removed with their content before reading text.
DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "button", "select", "input",
    "textarea", "svg", "canvas", "map", "link", "meta",
)  # fmt: skip
ATTACHMENT_EXTENSIONS = frozenset(
    ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "odp", "ppt", "pptx", "zip", "rar", "7z", "rtf"]
)

_CAPTION_PREFIX = re.compile(r"^\s*[(\[]?\s*(?:hình|ảnh|hình\s*ảnh|photo|image)\s*(?:minh\s*họa\s*)?[:.]", re.I)
_AUTHOR_LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:tin\s*(?:,|và|&)?\s*ảnh|tin\s*[-–/]\s*ảnh|bài\s*(?:,|và|&)?\s*ảnh|bài\s*(?:và\s*)?ảnh|"
    r"tin|bài|thực\s*hiện|tác\s*giả|nhóm\s*phóng\s*viên|phóng\s*viên|pv|ctv|người\s*viết)\s*[:：]\s*"
    r"(?P<name>[^:]{2,80}?)\s*[)\]]?\s*$",
    re.I,
)
#: A name alone on a line: 1-6 capitalised words (Vietnamese names, initials like "N.ĐỨC"), with an optional
#: trailing "(...)" unit and an optional " - " second name; no sentence punctuation.
_NAME_WORD = r"[A-ZĐÀ-ỸÂĂÊÔƠƯ][\w.'’]*"
_NAME_ALONE = re.compile(
    rf"^\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}(?:\s*[-–,]\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}})*"
    r"\s*(?:\([^()]{1,60}\))?\s*$"
)
#: Who a photo is credited to: capitalised names ("Xuân Tư", "BÁ SƠN", "N.ĐỨC"), an agency after a slash
#: ("Xuân Tư/TTXVN"), or a supplier ("Bệnh viện cung cấp", "Internet", "Tư liệu").
_CREDIT_WHO = (
    rf"(?:{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}(?:\s*/\s*[\w.]+(?:\s+[\w.]+){{0,3}})?"
    r"|[^()\[\]:]{2,40}?\s(?:cung\s*cấp|sưu\s*tầm)|internet|tư\s*liệu|st|ctv|tl)"
)
#: Only "Ảnh:" credits: "Hình: ..." is how portals label captions, even when a name follows.
_CREDIT_LABEL = r"(?:ảnh(?:\s*minh\s*họa)?|ảnh\s*và\s*clip|photo)\s*[:：]\s*"
#: The whole line is a credit: "Ảnh: Xuân Tư/TTXVN", "(Ảnh: Bệnh viện cung cấp)".
_CREDIT_ONLY = re.compile(rf"^\s*[(\[]?\s*{_CREDIT_LABEL}(?P<who>{_CREDIT_WHO})\s*[)\]]?\s*$", re.I)
#: A caption that ends with its credit: "Quang cảnh hội nghị. Ảnh: Minh Anh", "... (Ảnh: Xuân Tư/TTXVN)".
_CREDIT_TAIL = re.compile(
    rf"^(?P<caption>.*?\S)\s*[-–(\[]?\s*{_CREDIT_LABEL}(?P<who>{_CREDIT_WHO})\s*[)\]]?\s*$", re.I | re.S
)
#: A caption closed by its credit in brackets, "Một xe tăng T-90 (Ảnh: Sputnik)." (the full stop may follow the
#: bracket): the brackets set the credit apart, so it is one whatever its case ("(Ảnh: Không quân Mỹ)", "(Ảnh: LĐ)").
_CREDIT_BRACKETED = re.compile(
    rf"^(?P<caption>.*?\S)\s*[(\[]\s*{_CREDIT_LABEL}(?P<who>[^()\[\]]{{1,60}}?)\s*[)\]]\s*\.?\s*$", re.I | re.S
)
#: Words that open a publication's name, not a person's: "Theo Báo Quảng Ngãi" credits a paper.
_PUBLICATION = re.compile(r"(?:báo|tạp\s*chí|đài|cổng|trang|website|thông\s*tấn|ttxvn|vtv|vov|vnexpress)\b", re.I)
#: A label with nothing after it: "Ảnh minh họa", "(Ảnh minh họa)", "Hình ảnh".
_BARE_LABEL = re.compile(r"\s*[(\[]?\s*(?:hình\s*ảnh|hình|ảnh)(?:\s*minh\s*họa)?\s*[)\]]?\s*[.:]?\s*", re.I)
_ALIGN = re.compile(r"text-align\s*:\s*(center|right|left|justify)", re.I)
#: Class names CMSs give to the line under a photo (CKEditor's ``td.image_desc``, ``p.caption``, "chú thích").
_CAPTION_CLASS = re.compile(r"caption|image_desc|img-desc|imgdesc|chu-?thich|chuthich|photo-?desc|legend", re.I)
#: A bare image file name standing on its own line under a photo: neither a caption nor body text.
_FILE_NAME_LINE = re.compile(r"^\S+\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.I)
#: A source line closing an article: "Nguồn: ...", "(Nguồn: ...)", "Theo báo Đồng Nai", "Theo TTXVN".
#: "Theo kế hoạch, huyện sẽ..." is body text: "Theo" only counts when what follows reads like a publication
#: (a capital or báo/tạp chí/cổng/đài...) and carries no comma or sentence end.
#: A closing line that is only an address, the publication's page the article was taken from.
_URL_LINE = re.compile(r"^\s*[(\[]?\s*(?:nguồn(?:\s*tin)?\s*[:：]\s*)?(?P<url>https?://\S+?)\s*[)\]]?\s*$", re.I)
_QUOTES = "\"“”'‘’«»"
_SOURCE_LINE = re.compile(
    r"^\s*[(\[]?\s*(?:nguồn(?:\s*tin)?\s*[:：]|theo\s+(?=[\"“'‘«]?(?:báo|tạp\s*chí|cổng|trang|đài|website|[A-ZĐ])))"
    r"\s*(?P<source>[^()\[\]]{2,100}?)\s*[)\]]?\s*$",
    re.I,
)


@dataclass
class Block:
    """One paragraph of the content, or one image, in reading order."""

    text: str = ""
    image: ImageRef | None = None
    align: str | None = None
    emphasized: bool = False
    strong: bool = False
    #: The block's element is marked as a caption (``<figcaption>``, ``td.image_desc``, ``p.caption``).
    caption_hint: bool = False
    #: The block stands inside a ``<figcaption>`` (also as a ``<p>`` in it): a caption, whatever its length.
    in_figcaption: bool = False
    #: Its text is set smaller than the body's (``<small>``, a font size of 12px or less).
    smaller: bool = False
    #: Characters of the text that sit inside links (for link density).
    link_chars: int = 0


@dataclass
class Content:
    """What an article's content element holds, split into its parts."""

    paragraphs: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    author: str | None = None
    html: str | None = None
    #: The publication a closing line credits ("Nguồn: ...", "Theo báo ..."), when ``trailer=True`` found one.
    source: str | None = None
    #: The paragraph blocks behind ``paragraphs`` (same order), for callers that look at emphasis or alignment.
    blocks: list[Block] = field(default_factory=list)

    @property
    def body(self) -> str | None:
        return "\n\n".join(self.paragraphs) or None


def _alignment(element: html.HtmlElement) -> str | None:
    align = (element.get("align") or "").lower() or None
    match = _ALIGN.search(element.get("style") or "")
    return match.group(1).lower() if match else align


def _only_child_text_in(element: html.HtmlElement, tags: tuple[str, ...]) -> bool:
    """True when all the element's visible text sits inside one of ``tags`` (an <em> caption, a <strong> name)."""
    own = (element.text or "").strip() + "".join((child.tail or "").strip() for child in element)
    if own:
        return False
    children = [c for c in element if isinstance(c.tag, str) and c.tag not in ("br",)]
    if not children:
        return False
    return all(c.tag in tags or _only_child_text_in(c, tags) for c in children if c.text_content().strip())


_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)", re.I)
#: The largest size that reads as smaller than the text: 12px, 10pt, 0.85em, 85%.
_SMALL_SIZES = {"px": 12.0, "pt": 10.0, "em": 0.85, "rem": 0.85, "%": 85.0}


def _smaller(element: html.HtmlElement) -> bool:
    """True when the element's text is set smaller than the body's: a ``<small>``, or a font size at most 12px."""
    if element.tag == "small":
        return True
    size = _FONT_SIZE.search(element.get("style") or "")
    if size and float(size.group(1)) <= _SMALL_SIZES[size.group(2).lower()]:
        return True
    own = (element.text or "").strip() + "".join((child.tail or "").strip() for child in element)
    children = [c for c in element if isinstance(c.tag, str) and c.text_content().strip()]
    return not own and bool(children) and all(_smaller(child) for child in children)


def _in_photo_table(element: html.HtmlElement) -> bool:
    """True when the element stands in a small table that holds one photo and a line of text: how CMS editors
    (CKEditor's ``table.image``, ``table[align=center]``, VnExpress's ``tplCaption``) set a caption under a photo,
    in the row below it or the cell beside it."""
    table = next(element.iterancestors("table"), None)
    if table is None:
        return False
    return len(table.findall(".//img")) == 1 and len(table.text_content().strip()) <= 300


class _Reader:
    """Walks an element tree in document order, cutting text into blocks at block-level tags and images."""

    def __init__(self, base_url: str, *, br_paragraphs: bool = False):
        self.base_url = base_url
        self.br_paragraphs = br_paragraphs
        self.blocks: list[Block] = []
        self.attachments: list[AttachmentRef] = []
        self._parts: list[str] = []
        self._block_element: html.HtmlElement | None = None
        self._in_link = 0
        self._link_chars = 0

    def flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        link_chars, self._link_chars = self._link_chars, 0
        lines = [normalize_inline(line) for line in text.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            el = self._block_element
            block = Block(text=joined, link_chars=min(link_chars, len(joined)))
            if el is not None:
                inside = next(el.iterancestors("figcaption"), None)
                block.in_figcaption = el.tag == "figcaption" or inside is not None
                block.caption_hint = block.in_figcaption or bool(_CAPTION_CLASS.search(el.get("class") or ""))
                if self.blocks and self.blocks[-1].image is not None:
                    # Only a line right under a photo can be its caption: the table and font-size walks are spent
                    # there, not on every paragraph (a table-layout page would walk its whole table per line).
                    block.caption_hint = block.caption_hint or _in_photo_table(el)
                    block.smaller = _smaller(el)
                block.align = _alignment(el)
                block.emphasized = _only_child_text_in(el, ("em", "i"))
                block.strong = _only_child_text_in(el, ("strong", "b"))
                # A style on an ancestor up to the block (e.g. <li style="text-align: right">) counts too.
                if block.align is None:
                    for ancestor in el.iterancestors():
                        block.align = _alignment(ancestor)
                        if block.align or ancestor.tag in ("td", "body"):
                            break
            self.blocks.append(block)

    def walk(self, element: html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "img":
            self._image(element)
        elif tag == "br":
            if self.br_paragraphs and "".join(self._parts[-2:]).strip(" \t\u00a0").endswith("\n"):
                # Two line breaks in a row end a paragraph on pages that lay text out with <br><br>.
                self.flush()
            else:
                self._parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.flush()
            outer = self._block_element
            self._block_element = element
            self._text(element.text)
            for child in element:
                self.walk(child)
            self.flush()
            self._block_element = outer
        elif tag:
            if tag == "a":
                self._link(element)
                self._in_link += 1
            self._text(element.text)
            for child in element:
                self.walk(child)
            if tag == "a":
                self._in_link -= 1
        self._text(element.tail)

    def _text(self, text: str | None) -> None:
        if text:
            self._parts.append(text.replace("\n", " ").replace("\r", " "))
            if self._in_link:
                self._link_chars += len(text.strip())

    def _image(self, element: html.HtmlElement) -> None:
        src = image_source(element)
        if src is None:
            return
        self.flush()
        alt = normalize_inline(element.get("alt"))
        self.blocks.append(Block(image=ImageRef(url=urljoin(self.base_url, src), alt=alt)))

    def _link(self, element: html.HtmlElement) -> None:
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            return
        url = urljoin(self.base_url, href)
        if is_attachment_url(url):
            title = normalize_inline(element.text_content()) or normalize_inline(element.get("title"))
            if all(a.url != url for a in self.attachments):
                self.attachments.append(AttachmentRef(url=url, title=title))


#: Attributes that lazy-loading scripts read the photo's address from, best first: ``data-original`` is the full
#: file where ``data-src`` may be a smaller copy (dantri.com.vn gives ``data-src`` a ``thumb_w/680`` copy); ``src``
#: comes last, since it then holds a placeholder.
_SOURCE_ATTRIBUTES = ("data-original", "data-lazy-src", "data-src", "data-lazy", "data-url", "src")
#: What a lazy page puts in ``src`` until its script runs: a 1x1 or blank image.
_PLACEHOLDER = re.compile(r"(?:^|/)(?:blank|spacer|pixel|transparent|grey|gray|placeholder|loading|lazy)[\w.-]*$", re.I)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)
_SRCSET_ENTRY = re.compile(r"^(?P<url>\S+)(?:\s+(?P<size>\d+(?:\.\d+)?)(?P<unit>[wx]))?$")


def image_source(element: html.HtmlElement) -> str | None:
    """The address of the photo an ``<img>`` shows, full size, as the page would load it; None for a placeholder.

    In order: the file a link around the image leads to (portals wrap a photo in a link to its full size); the
    largest candidate of its ``srcset``/``data-srcset`` or of its ``<picture>``'s ``<source>`` elements; the first
    lazy-loading attribute (:data:`_SOURCE_ATTRIBUTES`) that holds an address rather than a ``data:`` URI or a blank
    image.
    """
    parent = element.getparent()
    if parent is not None and parent.tag == "a":
        href = (parent.get("href") or "").strip()
        if _IMAGE_FILE.search(urlsplit(href).path) and not _placeholder(href):
            return href
    owners = [element]
    # lxml's HTML parser does not know <source> is empty, and may put the <img> inside it: the <picture> is then
    # the grandparent.
    picture = next((a for a in islice(element.iterancestors(), 2) if a.tag == "picture"), None)
    if picture is not None:
        owners = [*picture.iter("source"), element]
    candidates = [entry for owner in owners for name in ("srcset", "data-srcset") for entry in _srcset(owner.get(name))]
    if candidates:
        widths = [entry for entry in candidates if entry[1] == "w"]
        return max(widths or candidates, key=lambda entry: entry[2])[0]
    for name in _SOURCE_ATTRIBUTES:
        value = (element.get(name) or "").strip()
        if value and not _placeholder(value):
            return value
    return None


def _placeholder(url: str) -> bool:
    return url.startswith("data:") or bool(_PLACEHOLDER.search(urlsplit(url).path))


def _srcset(value: str | None) -> list[tuple[str, str, float]]:
    """``(url, unit, size)`` of each candidate of a srcset ("a.jpg 1x, b.jpg 2x"; "a.jpg 680w"); a candidate without
    a descriptor is 1x."""
    found = []
    for entry in re.split(r",\s+", (value or "").strip()):
        match = _SRCSET_ENTRY.match(entry.strip().rstrip(","))
        if match and not _placeholder(match.group("url")):
            found.append((match.group("url"), match.group("unit") or "x", float(match.group("size") or 1)))
    return found


def is_attachment_url(url: str) -> bool:
    """A link to a document file: a path segment with a document extension (Liferay puts the file name
    before a UUID: ``/documents/10180/123/KH-12.pdf/5f2c...``), or Liferay's document-library servlet."""
    path = urlsplit(url).path.lower()
    if "/document_library/get_file" in path:
        return True
    return any(segment.rsplit(".", 1)[-1] in ATTACHMENT_EXTENSIONS for segment in path.split("/") if "." in segment)


def is_caption(block: Block) -> bool:
    """A paragraph that reads as a photo caption when it stands right under an image."""
    if block.image is not None or not block.text:
        return False
    if block.in_figcaption or _CAPTION_PREFIX.match(block.text):
        return True
    short = len(block.text) <= 300 and block.text.count("\n") <= 1
    marked = block.emphasized or block.align == "center" or block.caption_hint or block.smaller
    return short and marked and not block.text.endswith("./.")


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """``(caption, credit)`` of the line under a photo: a photo credit goes to its own field, and the label that
    announces a caption ("Hình:", "Ảnh:", "Hình ảnh:", "Ảnh minh họa:", with or without a space) is not part of it.

    "Ảnh: Xuân Tư/TTXVN" is all credit; "Quang cảnh hội nghị. Ảnh: Minh Anh" is a caption and a credit;
    "Ảnh: Lãnh đạo xã trao giấy khen ..." and "Hình: Quang cảnh hội nghị" are captions (what follows the label
    is a description, not a name): "Lãnh đạo xã trao giấy khen ...", "Quang cảnh hội nghị". The line as published
    stays in the article's HTML (``body_html``) and in its WARC capture.
    """
    only = _CREDIT_ONLY.match(caption)
    if only and _is_credit(only.group("who")):
        return None, normalize_inline(only.group("who"))
    bracketed = _CREDIT_BRACKETED.match(caption)
    if bracketed:
        return _unlabelled(bracketed.group("caption").rstrip(" -–")), normalize_inline(bracketed.group("who"))
    tail = _CREDIT_TAIL.match(caption)
    if tail and _is_credit(tail.group("who")) and not _CAPTION_PREFIX.fullmatch(tail.group("caption") + ":"):
        return _unlabelled(tail.group("caption").rstrip(" -–([")), normalize_inline(tail.group("who"))
    return _unlabelled(caption), None


def _unlabelled(caption: str) -> str | None:
    """The caption without its leading label; None when the label is all there is ("Ảnh minh họa")."""
    if _BARE_LABEL.fullmatch(caption):
        return None
    label = _CAPTION_PREFIX.match(caption)
    if label is None:
        return caption
    rest = caption[label.end() :].strip()
    if caption.lstrip().startswith(("(", "[")):  # "(Hình: ...)": the closing bracket goes with the opening one
        rest = rest.removesuffix(")").removesuffix("]")
    return normalize_inline(rest) or None


def _is_credit(who: str) -> bool:
    """A credit names someone: every word capitalised (names, agencies) or a supplier phrase."""
    words = who.replace("/", " ").split()
    supplier = re.search(r"cung\s*cấp|sưu\s*tầm|^(?:internet|tư\s*liệu|st|ctv|tl)$", who, re.I)
    return bool(supplier) or (0 < len(words) <= 7 and all(w[0].isupper() or not w[0].isalpha() for w in words))


def source_line(block: Block) -> str | None:
    """The credited publication when the paragraph is a source line ("Nguồn: ...", "Theo báo ...", 'Theo "Báo Đắk
    Nông điện tử"', its address alone on the line), else None."""
    if block.image is not None or not block.text or "\n" in block.text or len(block.text) > 300:
        return None
    address = _URL_LINE.match(block.text)
    if address:
        return address.group("url")
    if len(block.text) > 120:
        return None
    match = _SOURCE_LINE.match(block.text)
    if match is None:
        return None
    source = match.group("source")
    if block.text.lstrip("([ ").lower().startswith("theo") and ("," in source or len(source.split()) > 10):
        return None
    return normalize_inline(source.strip().strip(_QUOTES))


def byline(block: Block) -> str | None:
    """The author's name when the paragraph is a byline: a label ("Tin, ảnh: X") or a name alone on the line."""
    if block.image is not None or not block.text or "\n" in block.text or len(block.text) > 90:
        return None
    labelled = _AUTHOR_LABEL.match(block.text)
    if labelled:
        return normalize_inline(labelled.group("name"))
    text = block.text.strip()
    # A short capitalised line ends many articles; only take it as a name when it is set apart the way
    # portals set bylines: right-aligned, bold or italic.
    set_apart = block.align == "right" or block.strong or block.emphasized
    if _NAME_ALONE.match(text) and len(text.split()) <= 8 and set_apart:
        return text
    return None


def read_content(
    element: html.HtmlElement,
    base_url: str,
    *,
    remove: tuple[str, ...] = (),
    skip: Collection[html.HtmlElement] = (),
    br_paragraphs: bool = False,
    trailer: bool = False,
    explain: list[str] | None = None,
) -> Content:
    """Split an article's content element into paragraphs, captioned images, attachments and a byline.

    ``remove`` holds XPath expressions (relative to the element) of parts a profile knows are not body, such as
    Liferay's ``p.view-content-author``. The element is copied; the caller's tree is not changed.

    Options for callers that found the content by scoring (the generic extractor):
    ``skip`` lists elements of the caller's tree to leave out (boilerplate found inside the content element);
    ``br_paragraphs`` makes two ``<br>`` in a row end a paragraph (old table layouts);
    ``trailer`` also takes closing source lines ("Nguồn: ...", "Theo báo ...") out of the body, into ``source``,
    and finds the byline above them ("Văn Trọng" / "Theo Báo Quảng Ngãi").
    ``explain``, when given, receives a line for each photo, caption, byline and source line found, and why.
    """
    root = _cleaned_copy(element, skip)
    for expression in remove:
        for node in root.xpath(expression):
            node.drop_tree()
    reader = _Reader(base_url, br_paragraphs=br_paragraphs)
    reader.walk(root)
    reader.flush()
    blocks = reader.blocks

    images: list[ImageRef] = []
    paragraphs: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.image is not None:
            image = block.image
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and _FILE_NAME_LINE.match(following.text):
                index += 1  # "2025_07_11_16_02_133.jpg" under the photo: a leftover file name, not text
                _note(explain, f"left: {following.text!r}: a bare file name under photo {len(images) + 1}")
            elif following is not None and is_caption(following):
                why = _caption_rule(following)
                lines = [following.text]
                index += 1
                # A figcaption of several paragraphs is one caption.
                while following.in_figcaption and index + 1 < len(blocks) and blocks[index + 1].in_figcaption:
                    index += 1
                    lines.append(blocks[index].text)
                image.caption, image.credit = split_credit(" ".join(lines).replace("\n", " "))
                _note(
                    explain, f"caption of photo {len(images) + 1}: {image.caption!r}, credit {image.credit!r} ({why})"
                )
            _note(explain, f"photo {len(images) + 1}: {image.url}")
            images.append(image)
        else:
            paragraphs.append(block)
        index += 1

    author = source = None
    if trailer:
        paragraphs, author, source = _split_trailer(paragraphs)
    elif paragraphs:
        author = byline(paragraphs[-1])
        if author:
            paragraphs.pop()
    if author:
        _note(explain, f"author: {author!r} (a byline at the end of the body: a label, or a name set apart)")
    if source:
        _note(explain, f"source: {source!r} (a source line at the end of the body: 'Nguồn: ...', 'Theo ...')")
    return Content(
        paragraphs=[p.text for p in paragraphs],
        images=images,
        attachments=reader.attachments,
        author=author,
        html=html.tostring(root, encoding="unicode", method="html").strip(),
        source=source,
        blocks=paragraphs,
    )


def _closing_remark(block: Block) -> bool:
    """A short line at the end that is neither a byline nor a source, nor a sentence of the article: "(Còn nữa)",
    "./.", "Kỳ 2: ..." announcements; the byline and source around it are still read."""
    text = block.text.strip()
    if not text or "\n" in text or len(text) > 60:
        return False
    return text == "./." or (text.startswith(("(", "[")) and text.endswith((")", "]"))) or not text.endswith(".")


def _note(explain: list[str] | None, line: str) -> None:
    if explain is not None:
        explain.append(line)


def _caption_rule(block: Block) -> str:
    """Why a line under a photo was read as its caption, in words for ``extract --explain``."""
    if block.in_figcaption:
        return "a <figcaption>"
    if _CAPTION_PREFIX.match(block.text):
        return "a line opening with a caption label"
    if block.caption_hint:
        return "a line whose class names a caption"
    return "a short line under the photo, centred or in italics"


def _split_trailer(paragraphs: list[Block]) -> tuple[list[Block], str | None, str | None]:
    """Take the closing source line(s) and the byline off the end of the paragraphs (at most three such lines,
    among the last five). A short line between them that is neither ("(Còn nữa)", "./.") stays in the body and
    does not stop the reading; a line of the article's text does."""
    author = source = None
    by_theo = False  # the source came from a "Theo X" line above the line taken as the author
    taken: set[int] = set()
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 6), -1):
        if len(taken) == 3:
            break
        line = paragraphs[index]
        found_source = source_line(line)
        if found_source is not None:
            theo = line.text.lstrip("([ ").lower().startswith("theo")
            by_theo = by_theo or (source is None and author is not None and theo)
            source = source or found_source
        elif author is None and (name := byline(line)) is not None:
            author = name
        elif _closing_remark(line):
            continue
        else:
            break
        taken.add(index)
    paragraphs = [line for index, line in enumerate(paragraphs) if index not in taken]
    if by_theo and source is not None and _NAME_ALONE.match(source) and not _PUBLICATION.match(source):
        # "Theo Thanh Xuân" over "VnEconomy": a reporter's name after "Theo", then the publication on its own line
        # (the order news sites close with); a publication then a byline is the other way round.
        author, source = source, author
    return paragraphs, author, source


_SKIP_MARK = "data-govscraper-skip"


def _noscript_photo(noscript: html.HtmlElement) -> None:
    """Keep the photo of a ``<noscript>`` copy when the page shows no other file for it.

    Lazy pages put the photo twice: an ``<img>`` whose script fills in the address, and a ``<noscript>`` copy for
    browsers without script. Where the script's ``<img>`` carries its file (``data-src`` and the like), the copy
    is dropped with the ``<noscript>`` (one photo, not two); where it carries only a placeholder, or there is no
    ``<img>`` beside the copy, the copy's ``<img>`` takes the ``<noscript>``'s place.
    """
    copies = list(noscript.iter("img"))
    if not copies or noscript.getparent() is None:
        return
    # The script's <img> stands right before the copy, alone or in a link or a <picture>.
    previous = noscript.getprevious()
    beside = [] if previous is None else [previous] if previous.tag == "img" else list(previous.iter("img"))
    if any(image_source(img) is not None for img in beside):
        return
    for img in beside:
        img.drop_tree()  # the placeholder
    for img in copies:
        img.tail = None
        noscript.addprevious(img)


def _cleaned_copy(element: html.HtmlElement, skip: Collection[html.HtmlElement] = ()) -> html.HtmlElement:
    """A copy without scripts, styles, forms, comments, processing instructions and the ``skip`` elements.

    The skipped elements are marked with a temporary attribute so that one deep copy serves; the marks are taken
    off the caller's tree again before returning.
    """
    marked = []
    for node in skip:
        if node is not element and isinstance(node.tag, str) and node.get(_SKIP_MARK) is None:
            node.set(_SKIP_MARK, "")
            marked.append(node)
    try:
        root = copy.deepcopy(element)
    finally:
        for node in marked:
            del node.attrib[_SKIP_MARK]
    root.tail = None
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for node in list(root.iter("noscript")):
        _noscript_photo(node)
    for node in list(root.iter(*DROP_TAGS)):
        node.drop_tree()
    if marked:
        for node in root.xpath(f"descendant::*[@{_SKIP_MARK}]"):
            if node.getparent() is not None:
                node.drop_tree()  # keeps the text that follows the element
    return root
