"""Last pipeline: the article, its image and attachment links, into SQLite in one transaction."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from govscraper.archive.writer import archive_for
from govscraper.items import ArticleItem

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        outcome = archive_for(self.crawler).store_article(item)
        self.crawler.stats.inc_value(f"govscraper/articles_{outcome}")
        logger.debug("archived (%s) %s", outcome, item.url)
        return item
