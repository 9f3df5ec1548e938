"""Spiders: one per portal platform over the shared :class:`~govscraper.spiders.base.PortalSpider`.

``portal`` picks the right one from the registry: ``scrapy crawl portal -a portal=qni-moduc``.
"""

from __future__ import annotations

from importlib import import_module

from govscraper.spiders.base import PortalSpider

#: platform → (module, class). Spiders import their extractors; import only the one a crawl needs.
SPIDER_MODULES = {
    "liferay62": "liferay62",
    "liferay7": "liferay7",
    "sharepoint": "sharepoint",
    "uploadcms": "uploadcms",
    "generic": "generic",
}
SPIDER_CLASSES = {
    "liferay62": "Liferay62Spider",
    "liferay7": "Liferay7Spider",
    "sharepoint": "SharePointSpider",
    "uploadcms": "UploadCmsSpider",
    "generic": "GenericSpider",
}


def spider_for_platform(platform: str) -> type[PortalSpider]:
    """The spider class that crawls ``platform``."""
    module = import_module(f"govscraper.spiders.{SPIDER_MODULES[platform]}")
    spider: type[PortalSpider] = getattr(module, SPIDER_CLASSES[platform])
    return spider
