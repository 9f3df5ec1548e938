"""Pure functions for Vietnamese text: normalisation and dates. No Scrapy imports here."""

from govscraper.text.dates import VN_TZ, parse_views, parse_vn_datetime
from govscraper.text.normalize import normalize_block, normalize_html, normalize_inline

__all__ = [
    "VN_TZ",
    "normalize_block",
    "normalize_html",
    "normalize_inline",
    "parse_views",
    "parse_vn_datetime",
]
