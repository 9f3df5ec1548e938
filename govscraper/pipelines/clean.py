"""First pipeline: canonical Unicode in every text field (NFC, no invisible junk, single spaces)."""

from __future__ import annotations

from govscraper.items import ArticleItem
from govscraper.text import normalize_block, normalize_html, normalize_inline


class NormalizePipeline:
    """Extractors already normalise what they read; this makes it true of every item, whatever its source."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        for name in ("title", "author", "source", "category", "summary"):
            setattr(item, name, normalize_inline(getattr(item, name)))
        item.sapo = normalize_block(item.sapo)
        item.body = normalize_block(item.body)
        item.body_html = normalize_html(item.body_html)
        for image in item.images:
            image.caption = normalize_inline(image.caption)
            image.credit = normalize_inline(image.credit)
            image.alt = normalize_inline(image.alt)
        for attachment in item.attachments:
            attachment.title = normalize_inline(attachment.title)
        return item
