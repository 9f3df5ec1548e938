"""The spider of a platform whose pages a pure profile module reads (``govscraper.extract.<platform>``).

Liferay 6.2 and 7, SharePoint and the "/upload/" CMS differ in their selectors and URL schemes, which their profile
modules hold (``parse_list``, ``parse_article``, ``is_article_url``, ``source_id``, ``page_number``); how a spider
uses a profile is the same for all of them and lives here once. A platform spider names its profile and says, in
class attributes, the few things that differ: which links outside the list may be articles, and how an article
and a list page are identified across URLs.
"""

from __future__ import annotations

from types import ModuleType
from urllib.parse import urlsplit

from scrapy.http import TextResponse
from w3lib.url import canonicalize_url

from govscraper.model import Article, ListItem, ListPage
from govscraper.spiders.base import PortalSpider


class ProfileSpider(PortalSpider):
    """A :class:`PortalSpider` whose ``read_*`` hooks are its profile module's functions."""

    profile: ModuleType
    #: CSS for links outside the list that may be articles ("Tin nổi bật" boxes on a home page), kept when the
    #: profile's ``is_article_url`` agrees; None: list entries only.
    article_links: str | None = None
    #: Whether an article is identified by the platform's id (the same article under several category paths or
    #: portlet instances is fetched once), and whether that id is unique per host only.
    articles_by_id = True
    article_ids_per_host = False
    #: Whether a list page is identified by its host, path and page number ("/<cat>" and "/<cat>?..._cur=1" are the
    #: same page; the pager's other parameters change nothing), rather than by its URL.
    lists_by_page_number = False

    def read_list(self, response: TextResponse) -> ListPage:
        listing: ListPage = self.profile.parse_list(response.selector, response.url)
        if self.article_links:
            listed = {entry.url for entry in listing.items}
            for href in response.css(self.article_links).getall():
                url = response.urljoin(href.strip())
                if url not in listed and self.profile.is_article_url(url):
                    listed.add(url)
                    listing.items.append(ListItem(url=url))
        return listing

    def read_article(self, response: TextResponse) -> Article:
        article: Article = self.profile.parse_article(response.selector, response.url)
        return article

    def source_id(self, url: str) -> str | None:
        found: str | None = self.profile.source_id(url)
        return found

    def article_key(self, url: str) -> str:
        article_id = self.profile.source_id(url) if self.articles_by_id else None
        if not article_id:
            return canonicalize_url(url)
        host = f"{urlsplit(url).hostname}:" if self.article_ids_per_host else ""
        return f"{self.platform}-article:{host}{article_id}"

    def list_key(self, url: str) -> str:
        if not self.lists_by_page_number:
            return canonicalize_url(url)
        parts = urlsplit(url)
        return f"{self.platform}-list:{parts.hostname}{parts.path.rstrip('/')}#{self.profile.page_number(url) or 1}"
