"""The "/upload/<siteId>/" CMS: ``div.article-right.show-left`` lists paged by ``pageNo=N``, ``.html`` articles."""

from __future__ import annotations

from govscraper.extract import uploadcms
from govscraper.spiders.profile import ProfileSpider


class UploadCmsSpider(ProfileSpider):
    name = "uploadcms"
    platform = uploadcms.PLATFORM
    profile = uploadcms
    # A home page shows its news in boxes of other shapes ("Tin nổi bật"); take their article links too.
    article_links = "a[href$='.html']::attr(href)"
    articles_by_id = False  # an article is its URL
