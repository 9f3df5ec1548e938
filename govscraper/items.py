"""The item spiders yield: an extracted :class:`~govscraper.model.Article` plus where and when it was found."""

from __future__ import annotations

from dataclasses import dataclass, field

from govscraper.model import Article


@dataclass
class ArticleItem(Article):
    """One article page, ready for the pipelines (normalize → validate → images → attachments → store)."""

    url: str = ""
    portal_id: str = ""
    #: From the category list that linked the article: its teaser text and thumbnail.
    summary: str | None = None
    thumbnail_url: str | None = None
    #: Filled by the media pipelines: source URL → sha256 of the archived bytes (absent when the download failed).
    media: dict[str, str] = field(default_factory=dict)
    #: The raw capture (``captures`` row) of the article page, when WARC recording is on.
    capture_id: int | None = None
    #: Where the page came from: ``live`` (the portal itself), ``wayback`` (the Internet Archive) or ``warc``
    #: (an imported WARC file); for the last two, the capture's address (Wayback URL, or WARC file and record
    #: id) and when that capture was made (ISO 8601).
    origin: str = "live"
    origin_url: str | None = None
    origin_date: str | None = None
