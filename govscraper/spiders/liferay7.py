"""Liferay 7.x/DXP Asset Publisher portals: Clay-paged category lists, ``/-/asset_publisher/<id>/content/`` articles."""

from __future__ import annotations

from govscraper.extract import liferay7
from govscraper.spiders.profile import ProfileSpider


class Liferay7Spider(ProfileSpider):
    name = "liferay7"
    platform = liferay7.PLATFORM
    profile = liferay7
    # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; list entries come first.
    article_links = "a[href*='/-/asset_publisher/']::attr(href)"
    # The same article is linked through several Asset Publisher instances; its urlTitle names it once on a host.
    article_ids_per_host = True
    lists_by_page_number = True
