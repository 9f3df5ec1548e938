"""Pure functions for Vietnamese text: normalisation, dates, decoding and encoding repair. No Scrapy imports here."""

from govscraper.text.dates import VN_TZ, parse_views, parse_vn_datetime
from govscraper.text.decode import decode_document_text, decode_page
from govscraper.text.fold import canonical_tones, fold
from govscraper.text.legacy import (
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    tcvn3_to_unicode,
    unicode_to_vni,
    viqr_to_unicode,
    vni_to_unicode,
)
from govscraper.text.normalize import normalize_block, normalize_html, normalize_inline
from govscraper.text.repair import detect_encoding_damage, repair_mojibake, repair_text, vietnamese_score

__all__ = [
    "VN_TZ",
    "canonical_tones",
    "decode_document_text",
    "decode_page",
    "decode_tcvn3",
    "decode_vni",
    "detect_encoding_damage",
    "encode_tcvn3",
    "encode_vni",
    "fold",
    "normalize_block",
    "normalize_html",
    "normalize_inline",
    "parse_views",
    "parse_vn_datetime",
    "repair_mojibake",
    "repair_text",
    "tcvn3_to_unicode",
    "unicode_to_vni",
    "vietnamese_score",
    "viqr_to_unicode",
    "vni_to_unicode",
]
