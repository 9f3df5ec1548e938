"""How Scrapy's item events read in govscraper's log: the article's URL, not a dump of the whole item.

Scrapy logs a dropped item with its ``repr``: for an article that is the whole body and body HTML, thousands of
characters per line, which buries the reason. The URL says which article, the exception says why.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class ArchiveLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        level = getattr(exception, "log_level", None) or spider.crawler.settings["DEFAULT_DROPITEM_LOG_LEVEL"]
        if isinstance(level, str):
            level = getattr(logging, level)
        return {
            "level": level,
            "msg": "not archived: %(url)s (%(exception)s)",
            "args": {"url": getattr(item, "url", None) or "an item", "exception": exception},
        }


__all__ = ["ArchiveLogFormatter"]
