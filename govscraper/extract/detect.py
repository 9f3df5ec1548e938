"""Which extractor a page needs, the dispatch to it, and turning a response's bytes into text.

* :func:`detect_platform`: ``"liferay62"`` for a Liferay 6.x page with Asset Publisher markup (the profile's
  selectors apply), ``"liferay7"`` for a Liferay 7.x/DXP one, ``"sharepoint"`` for a SharePoint page,
  ``"uploadcms"`` for the "/upload/<siteId>/" CMS, else ``"generic"``. The fingerprints are checked in that
  order; 6.2 and 7 are told apart by 6.2's ``b=6201``/``p_p_id=101`` against 7's ``/o/``, ``/combo?browserId=``,
  ``data-senna-track`` and ``com_liferay_`` portlet ids.
* :func:`extract_article`: runs the platform profile, and falls back to the generic extractor when the profile
  finds no title or no body (a Liferay theme that renamed ``div.asset-full-content-title``, a Web Content Display
  page instead of an Asset Publisher one).
* :func:`decode_page`: bytes → NFC text; it lives in :mod:`govscraper.text.decode` and is re-exported here for
  the callers that import it from this module.
"""

from __future__ import annotations

from parsel import Selector

from govscraper.extract.generic import extract_generic, extract_if_article
from govscraper.extract.pages import as_selector
from govscraper.extract.profiles import PLATFORMS, PROFILES, liferay7, liferay62, sharepoint, uploadcms
from govscraper.model import Article
from govscraper.text.decode import decode_page

#: Asset Publisher markup: the portlet's wrapper id/class, its full-content view and its list entries.
_ASSET_PUBLISHER = (
    "//*[starts-with(@id, 'p_p_id_101_')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' portlet-asset-publisher ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-full-content ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-bounddary ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' asset-abstract ')]"
)


def detect_platform(page: str | Selector, url: str) -> str:
    """The platform whose fingerprints the page carries (see the module docstring), else ``"generic"``."""
    sel = as_selector(page)
    if liferay62.looks_like(sel) and sel.xpath(_ASSET_PUBLISHER):
        return "liferay62"
    if liferay7.looks_like(sel) and liferay7.has_asset_publisher(sel):
        return "liferay7"
    if sharepoint.looks_like(sel):
        return "sharepoint"
    if uploadcms.looks_like(sel):
        return "uploadcms"
    return "generic"


def extract_article(
    page: str | Selector, url: str, platform: str | None = None, explain: list[str] | None = None
) -> Article:
    """The article on the page by its platform's profile (detected when not given); generic as the fallback.
    ``explain``, when given, receives a line per decision (``govscraper extract --explain``)."""
    sel = as_selector(page)
    given = platform
    platform = platform or detect_platform(sel, url)
    if explain is not None:
        explain.append(f"platform: {platform} ({'given' if given else 'detected from the page and its URL'})")
    if platform in PROFILES:
        article = PROFILES[platform].parse_article(sel, url)
        if article.title and article.body:
            if explain is not None:
                explain.append(f"read by the {platform} profile's selectors (extract/profiles/{platform}.py)")
            return article
        if explain is not None:
            explain.append(f"the {platform} profile found no title or no body: the generic extractor reads the page")
    elif platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    return extract_generic(sel, url, explain)


def article_on_page(page: str | Selector, url: str) -> Article | None:
    """The article a crawled page holds, or None for a list, home or other page (for crawls of unknown sites).

    A Liferay full-content page is read by its profile; anything else is judged and read by the generic path.
    """
    sel = as_selector(page)
    if detect_platform(sel, url) == "liferay62" and sel.css("div.asset-full-content-title"):
        article = liferay62.parse_article(sel, url)
        if article.title and article.body:
            return article
    return extract_if_article(sel, url)


__all__ = ["PLATFORMS", "decode_page", "detect_platform", "extract_article"]
