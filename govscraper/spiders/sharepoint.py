"""SharePoint portals: ``div.lnew``/``div.news1`` or ``.row.item`` lists paged by ``Page=N``, news-detail articles."""

from __future__ import annotations

from scrapy.http import TextResponse
from w3lib.url import canonicalize_url

from govscraper.extract import sharepoint
from govscraper.model import Article, ListPage
from govscraper.spiders.base import PortalSpider


class SharePointSpider(PortalSpider):
    name = "sharepoint"
    platform = sharepoint.PLATFORM

    def read_list(self, response: TextResponse) -> ListPage:
        return sharepoint.parse_list(response.selector, response.url)

    def source_id(self, url: str) -> str | None:
        return sharepoint.source_id(url)

    def read_article(self, response: TextResponse) -> Article:
        return sharepoint.parse_article(response.selector, response.url)

    def article_key(self, url: str) -> str:
        # dongnai links one article under several CatId values; NewsId names it once.
        news_id = sharepoint.source_id(url)
        return f"sharepoint-article:{news_id}" if news_id else canonicalize_url(url)
