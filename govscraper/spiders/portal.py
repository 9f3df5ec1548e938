"""``scrapy crawl portal -a portal=ID``: the registry names the platform, the platform names the spider."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.crawler import Crawler

from govscraper.registry import get_portal
from govscraper.spiders import spider_for_platform
from govscraper.spiders.base import PortalSpider


class PortalDispatchSpider(scrapy.Spider):
    """Never runs itself: ``from_crawler`` returns the platform spider for the portal."""

    name = "portal"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, portal: str | None = None, **kwargs: Any) -> PortalSpider:
        if not portal:
            raise ValueError("usage: scrapy crawl portal -a portal=ID (see: govscraper portals)")
        entry = get_portal(portal)
        return spider_for_platform(entry.platform).from_crawler(crawler, *args, portal=entry, **kwargs)
