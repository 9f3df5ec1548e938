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
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from govscraper.model import AttachmentRef, ImageRef
from govscraper.text import normalize_inline

#: Tags whose start or end breaks a paragraph.
BLOCK_TAGS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote table tr td th tbody thead tfoot section article "
    "header footer aside figure figcaption pre dl dt dd address center hr form fieldset caption".split()
)
#: Tags removed with their content before reading text.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "button", "select",
             "input", "textarea", "svg", "canvas", "map", "link", "meta")
ATTACHMENT_EXTENSIONS = frozenset("pdf doc docx xls xlsx odt ods odp ppt pptx zip rar 7z rtf".split())

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
_ALIGN = re.compile(r"text-align\s*:\s*(center|right|left|justify)", re.I)


@dataclass
class Block:
    """One paragraph of the content, or one image, in reading order."""

    text: str = ""
    image: ImageRef | None = None
    align: str | None = None
    emphasized: bool = False
    strong: bool = False


@dataclass
class Content:
    """What an article's content element holds, split into its parts."""

    paragraphs: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    author: str | None = None
    html: str | None = None

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


class _Reader:
    """Walks an element tree in document order, cutting text into blocks at block-level tags and images."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.attachments: list[AttachmentRef] = []
        self._parts: list[str] = []
        self._block_element: html.HtmlElement | None = None

    def flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        lines = [normalize_inline(line) for line in text.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            el = self._block_element
            block = Block(text=joined)
            if el is not None:
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
            self._text(element.text)
            for child in element:
                self.walk(child)
        self._text(element.tail)

    def _text(self, text: str | None) -> None:
        if text:
            self._parts.append(text.replace("\n", " ").replace("\r", " "))

    def _image(self, element: html.HtmlElement) -> None:
        src = element.get("src") or element.get("data-src") or element.get("data-original") or ""
        src = src.strip()
        if not src or src.startswith("data:"):
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


def is_attachment_url(url: str) -> bool:
    """A link to a document file: a path segment with a document extension (Liferay puts the file name
    before a UUID: ``/documents/10180/123/KH-12.pdf/5f2c...``), or Liferay's document-library servlet."""
    path = urlsplit(url).path.lower()
    if "/document_library/get_file" in path:
        return True
    return any(
        segment.rsplit(".", 1)[-1] in ATTACHMENT_EXTENSIONS for segment in path.split("/") if "." in segment
    )


def is_caption(block: Block) -> bool:
    """A paragraph that reads as a photo caption when it stands right under an image."""
    if block.image is not None or not block.text:
        return False
    if _CAPTION_PREFIX.match(block.text):
        return True
    short = len(block.text) <= 300 and block.text.count("\n") <= 1
    return short and (block.emphasized or block.align == "center") and not block.text.endswith("./.")


def byline(block: Block) -> str | None:
    """The author's name when the paragraph is a byline: a label ("Tin, ảnh: X") or a name alone on the line."""
    if block.image is not None or not block.text or "\n" in block.text or len(block.text) > 90:
        return None
    labelled = _AUTHOR_LABEL.match(block.text)
    if labelled:
        return normalize_inline(labelled.group("name"))
    text = block.text.strip()
    if _NAME_ALONE.match(text) and len(text.split()) <= 8:
        # A short capitalised line ends many articles; only take it as a name when it is set apart the way
        # portals set bylines: right-aligned, bold or italic.
        if block.align == "right" or block.strong or block.emphasized:
            return text
    return None


def read_content(element: html.HtmlElement, base_url: str, *, remove: tuple[str, ...] = ()) -> Content:
    """Split an article's content element into paragraphs, captioned images, attachments and a byline.

    ``remove`` holds XPath expressions (relative to the element) of parts a profile knows are not body, such as
    Liferay's ``p.view-content-author``. The element is copied; the caller's tree is not changed.
    """
    root = _cleaned_copy(element)
    for expression in remove:
        for node in root.xpath(expression):
            node.drop_tree()
    reader = _Reader(base_url)
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
            if following is not None and is_caption(following):
                image.caption = following.text.replace("\n", " ")
                index += 1
            images.append(image)
        else:
            paragraphs.append(block)
        index += 1

    author = None
    if paragraphs:
        author = byline(paragraphs[-1])
        if author:
            paragraphs.pop()
    return Content(
        paragraphs=[p.text for p in paragraphs],
        images=images,
        attachments=reader.attachments,
        author=author,
        html=html.tostring(root, encoding="unicode", method="html").strip(),
    )


def _cleaned_copy(element: html.HtmlElement) -> html.HtmlElement:
    """A copy without scripts, styles, forms, comments and processing instructions."""
    root = copy.deepcopy(element)
    root.tail = None
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for node in list(root.iter(*DROP_TAGS)):
        node.drop_tree()
    return root
