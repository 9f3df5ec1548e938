"""Liferay 6.2 Asset Publisher portals: category lists with numbered pagination, ``/-/view_content/`` articles."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import TextResponse
from w3lib.url import canonicalize_url

from govscraper.extract import liferay62
from govscraper.model import Article, ListItem, ListPage
from govscraper.spiders.base import PortalSpider


class Liferay62Spider(PortalSpider):
    name = "liferay62"
    platform = liferay62.PLATFORM

    def read_list(self, response: TextResponse) -> ListPage:
        listing = liferay62.parse_list(response.selector, response.url)
        # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; take them, list entries first.
        listed = {entry.url for entry in listing.items}
        for href in response.css("a[href*='/-/']::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url not in listed and liferay62.is_article_url(url):
                listed.add(url)
                listing.items.append(ListItem(url=url))
        return listing

    def source_id(self, url: str) -> str | None:
        return liferay62.source_id(url)

    def read_article(self, response: TextResponse) -> Article:
        return liferay62.parse_article(response.selector, response.url)

    def list_key(self, url: str) -> str:
        # "/<cat>" and "/<cat>?...&_101_cur=1" are the same page; the pager's other parameters change nothing.
        parts = urlsplit(url)
        return f"liferay-list:{parts.hostname}{parts.path.rstrip('/')}#{liferay62.page_number(url) or 1}"

    def article_key(self, url: str) -> str:
        # The same article is linked under several category paths; Liferay's articleId names it once.
        article_id = liferay62.source_id(url)
        return f"liferay-article:{article_id}" if article_id else canonicalize_url(url)
