"""Spiders: one per portal platform over the shared :class:`~govscraper.spiders.base.PortalSpider`.

``portal`` picks the right one from the registry: ``scrapy crawl portal -a portal=qni-moduc``. The platforms with
a profile have theirs in :mod:`.platforms`; any other portal goes to :mod:`.generic_portal`. The sources other
than the live portal have their own: :mod:`.wayback` and :mod:`.warcimport`.
"""

from __future__ import annotations

from govscraper.spiders.base import PortalSpider


def spider_for_platform(platform: str) -> type[PortalSpider]:
    """The spider class that crawls ``platform`` (one of ``govscraper.extract.profiles.PLATFORMS``)."""
    from govscraper.extract.profiles import GENERIC
    from govscraper.spiders.generic_portal import GenericSpider
    from govscraper.spiders.platforms import Liferay7Spider, Liferay62Spider, SharePointSpider, UploadCmsSpider

    spiders: dict[str, type[PortalSpider]] = {
        spider.platform: spider for spider in (Liferay62Spider, Liferay7Spider, SharePointSpider, UploadCmsSpider)
    }
    spiders[GENERIC] = GenericSpider
    return spiders[platform]
