"""What extractors return: plain dataclasses, no Scrapy.

Extractors (``govscraper.extract``) turn a page into these objects; spiders wrap them into items;
pipelines and the archive read them. Keeping them free of Scrapy lets the extractors run anywhere
(the ``extract`` command, the quality report, tests) on nothing but a page's bytes and URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImageRef:
    """An image the article shows: where it lives and what the portal wrote under it."""

    url: str
    caption: str | None = None
    #: Who took or supplied the photo ("Ảnh: Xuân Tư/TTXVN" gives "Xuân Tư/TTXVN"), kept apart from the caption.
    credit: str | None = None
    alt: str | None = None
    #: "body" for photos in the article, "thumbnail" for the picture a list page shows beside it.
    role: str = "body"


@dataclass
class AttachmentRef:
    """An official document linked from an article (PDF, DOC, ...), with the link's text."""

    url: str
    title: str | None = None


@dataclass
class Article:
    """The fields of one article page, as the portal published them."""

    title: str | None = None
    sapo: str | None = None
    body: str | None = None
    #: The article's own HTML, cleaned of scripts, styles and boilerplate; kept so text can be re-derived.
    body_html: str | None = None
    #: ISO 8601: ``YYYY-MM-DDTHH:MM:SS+07:00``, or ``YYYY-MM-DD`` when the page gives no time.
    published: str | None = None
    author: str | None = None
    #: The publication the article credits ("Nguồn: Báo Quảng Ngãi", "Theo báo Đồng Nai"), kept out of the body.
    source: str | None = None
    category: str | None = None
    views: int | None = None
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    canonical_url: str | None = None
    #: The platform's own id for the article (Liferay's articleId), when the URL or page carries one.
    source_id: str | None = None
    platform: str | None = None


@dataclass
class ListItem:
    """One entry of a category list page."""

    url: str
    title: str | None = None
    published: str | None = None
    views: int | None = None
    thumbnail: str | None = None
    summary: str | None = None


@dataclass
class ListPage:
    """A category list page: its entries and where its pagination leads."""

    items: list[ListItem] = field(default_factory=list)
    #: Every other page of the same list the pager links to (next, last, numbered pages), absolute URLs.
    pages: list[str] = field(default_factory=list)
    next_url: str | None = None
    current_page: int | None = None
    last_page: int | None = None
    total_results: int | None = None
