"""The "/upload/<siteId>/" CMS: ``div.article-right.show-left`` lists paged by ``pageNo=N``, ``.html`` articles."""

from __future__ import annotations

from scrapy.http import TextResponse

from govscraper.extract import uploadcms
from govscraper.model import Article, ListItem, ListPage
from govscraper.spiders.base import PortalSpider


class UploadCmsSpider(PortalSpider):
    name = "uploadcms"
    platform = uploadcms.PLATFORM

    def read_list(self, response: TextResponse) -> ListPage:
        listing = uploadcms.parse_list(response.selector, response.url)
        # A home page shows its news in boxes of other shapes ("Tin nổi bật"); take their article links too.
        listed = {entry.url for entry in listing.items}
        for href in response.css("a[href$='.html']::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url not in listed and uploadcms.is_article_url(url):
                listed.add(url)
                listing.items.append(ListItem(url=url))
        return listing

    def source_id(self, url: str) -> str | None:
        return uploadcms.source_id(url)

    def read_article(self, response: TextResponse) -> Article:
        return uploadcms.parse_article(response.selector, response.url)
