"""Liferay 7.x/DXP Asset Publisher portals: Clay-paged category lists, ``/-/asset_publisher/<id>/content/`` articles."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import TextResponse
from w3lib.url import canonicalize_url

from govscraper.extract import liferay7
from govscraper.model import Article, ListItem, ListPage
from govscraper.spiders.base import PortalSpider


class Liferay7Spider(PortalSpider):
    name = "liferay7"
    platform = liferay7.PLATFORM

    def read_list(self, response: TextResponse) -> ListPage:
        listing = liferay7.parse_list(response.selector, response.url)
        # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; take them, list entries first.
        listed = {entry.url for entry in listing.items}
        for href in response.css("a[href*='/-/asset_publisher/']::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url not in listed and liferay7.is_article_url(url):
                listed.add(url)
                listing.items.append(ListItem(url=url))
        return listing

    def source_id(self, url: str) -> str | None:
        return liferay7.source_id(url)

    def read_article(self, response: TextResponse) -> Article:
        return liferay7.parse_article(response.selector, response.url)

    def list_key(self, url: str) -> str:
        # "/<cat>" and "/<cat>?p_p_id=...&..._cur=1" are the same page; the pager's other parameters change nothing.
        parts = urlsplit(url)
        return f"liferay7-list:{parts.hostname}{parts.path.rstrip('/')}#{liferay7.page_number(url) or 1}"

    def article_key(self, url: str) -> str:
        # The same article is linked through several Asset Publisher instances; its urlTitle names it once.
        article_id = liferay7.source_id(url)
        return f"liferay7-article:{urlsplit(url).hostname}:{article_id}" if article_id else canonicalize_url(url)
