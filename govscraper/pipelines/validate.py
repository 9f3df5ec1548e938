"""Second pipeline: an article without a title or a body is not archived; the reason is logged and recorded."""

from __future__ import annotations

import re

from scrapy.exceptions import DropItem

from govscraper.items import ArticleItem

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\+07:00)?$")


def problems(item: ArticleItem) -> list[str]:
    """What makes the item unfit for the archive (empty when it is fine)."""
    found = []
    if not item.url:
        found.append("no URL")
    if not item.title:
        found.append("no title")
    if not item.body:
        found.append("no body")
    return found


class ValidatePipeline:
    """Drops articles the extractor could not read; the ArchiveRun extension stores the reason in fetch_failures.

    A malformed date is not a reason to lose an article: it is cleared (the page's raw capture keeps it).
    """

    def process_item(self, item: ArticleItem) -> ArticleItem:
        found = problems(item)
        if found:
            raise DropItem(f"extraction failed: {', '.join(found)}")
        if item.published and not _ISO.match(item.published):
            item.published = None
        return item
