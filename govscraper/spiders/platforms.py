"""The spiders of the platforms with a profile: each names its profile module and the few ways it differs.

How a spider uses a profile is written once, in :class:`~govscraper.spiders.profile.ProfileSpider`; the pages
themselves are read by the pure modules in ``govscraper.extract.profiles``.
"""

from __future__ import annotations

from govscraper.extract.profiles import liferay7, liferay62, sharepoint, uploadcms
from govscraper.spiders.profile import ProfileSpider


class Liferay62Spider(ProfileSpider):
    """Liferay 6.2 Asset Publisher portals: category lists with numbered pagination, ``/-/view_content/`` articles."""

    name = "liferay62"
    platform = liferay62.PLATFORM
    profile = liferay62
    # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; list entries come first.
    article_links = "a[href*='/-/']::attr(href)"
    # The same article is linked under several category paths: Liferay's articleId names it once (the default);
    # "/<cat>" and "/<cat>?..._101_cur=1" are the same list page.
    lists_by_page_number = True


class Liferay7Spider(ProfileSpider):
    """Liferay 7.x/DXP Asset Publisher portals: Clay-paged category lists, ``/-/asset_publisher/<id>/content/``."""

    name = "liferay7"
    platform = liferay7.PLATFORM
    profile = liferay7
    # Boxes outside the list ("Tin nổi bật" on a home page) link articles too; list entries come first.
    article_links = "a[href*='/-/asset_publisher/']::attr(href)"
    # The same article is linked through several Asset Publisher instances; its urlTitle names it once on a host.
    article_ids_per_host = True
    lists_by_page_number = True


class SharePointSpider(ProfileSpider):
    """SharePoint portals: ``div.lnew``/``div.news1`` or ``.row.item`` lists paged by ``Page=N``, news-detail pages."""

    name = "sharepoint"
    platform = sharepoint.PLATFORM
    profile = sharepoint
    # dongnai links one article under several CatId values; NewsId names it once.


class UploadCmsSpider(ProfileSpider):
    """The "/upload/<siteId>/" CMS: ``div.article-right.show-left`` lists paged by ``pageNo=N``, ``.html`` articles."""

    name = "uploadcms"
    platform = uploadcms.PLATFORM
    profile = uploadcms
    # A home page shows its news in boxes of other shapes ("Tin nổi bật"); take their article links too.
    article_links = "a[href$='.html']::attr(href)"
    articles_by_id = False  # an article is its URL
