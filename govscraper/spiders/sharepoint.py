"""SharePoint portals: ``div.lnew``/``div.news1`` or ``.row.item`` lists paged by ``Page=N``, news-detail articles."""

from __future__ import annotations

from govscraper.extract import sharepoint
from govscraper.spiders.profile import ProfileSpider


class SharePointSpider(ProfileSpider):
    name = "sharepoint"
    platform = sharepoint.PLATFORM
    profile = sharepoint
    # dongnai links one article under several CatId values; NewsId names it once.
