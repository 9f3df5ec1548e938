"""Liferay 6.2 Asset Publisher portals: category lists with numbered pagination, ``/-/view_content/`` articles."""

from __future__ import annotations

from govscraper.extract import liferay62
from govscraper.spiders.profile import ProfileSpider


class Liferay62Spider(ProfileSpider):
    name = "liferay62"
    platform = liferay62.PLATFORM
    profile = liferay62
    # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; list entries come first.
    article_links = "a[href*='/-/']::attr(href)"
    # The same article is linked under several category paths: Liferay's articleId names it once (the default);
    # "/<cat>" and "/<cat>?..._101_cur=1" are the same list page.
    lists_by_page_number = True
