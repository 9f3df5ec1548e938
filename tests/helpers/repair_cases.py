"""Encoding-repair cases: clean Vietnamese that must never change, and damaged text with its repair.

Used by tests/unit/test_repair.py and benchmarks/repair.py (the same cases measure govscraper's repair against ftfy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from govscraper_replica import corpus
from govscraper_replica.site import build_site
from tests.helpers import fixtures


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


def _clean_vietnamese() -> list[str]:
    """Every string of the replica's corpus and of 120 generated articles, and the layout fixtures' expected values."""
    texts = set()
    for name in dir(corpus):
        if name.isupper():
            texts.update(_strings(getattr(corpus, name)))
    for article in build_site(articles=120).articles:
        texts.update(_strings([article.title, article.sapo, article.body, article.author, article.summary]))
        texts.add("\n\n".join(article.body))
    for name in fixtures.names("layouts"):
        texts.update(_strings(fixtures.expected("layouts", name)))
    return sorted(t for t in texts if not t.isascii())


CLEAN = _clean_vietnamese()


# ---------------------------------------------------------------------------------------- detection and repair
DAMAGED = [
    # (damaged text, kind, repaired)
    ("T«i ®i häc", "tcvn3", "Tôi đi học"),  # TCVN3 (.VnTime fonts)
    ("Toâi ñi hoïc", "vni", "Tôi đi học"),
    ("Quáº£ng NgÃ£i", "mojibake", "Quảng Ngãi"),  # UTF-8 read as windows-1252
    ("V¨n Träng", "tcvn3", "Văn Trọng"),  # an author line
    ("Minh Tuaán", "vni", "Minh Tuấn"),
    ("Toâi", "vni", "Tôi"),  # one VNI word that looks like Vietnamese letters only
    ("Minh HiÕu", "tcvn3", "Minh Hiếu"),  # ... and a TCVN3 one
    ("M\u00adêng Kh\u00ad¬ng", "tcvn3", "Mường Khương"),
    ("Tæng kÕt c«ng t¸c phßng, chèng lôt b·o n¨m 2011", "tcvn3", "Tổng kết công tác phòng, chống lụt bão năm 2011"),
    ("UBND TØNH QU¶NG NG·I", "tcvn3", "UBND TỈNH QUẢNG NGÃI"),
    ("T¶i vÒ Phô lôc kÌm theo B¸o c¸o sè 14/BC-UBND", "tcvn3", "Tải về Phụ lục kèm theo Báo cáo số 14/BC-UBND"),
    ("“N«ng th«n míi” – 2021", "tcvn3", "“Nông thôn mới” – 2021"),  # quotes and dash of the document kept
    ("UÛy ban nhaân daân huyeän Bình Sôn", "vni", "Ủy ban nhân dân huyện Bình Sơn"),
    ("Ä\x90á»©c Anh", "mojibake", "Đức Anh"),  # byte 0x90 kept as a C1 control (latin-1 decoding)
    ("Thanh NhÃ\u00a0n", "mojibake", "Thanh Nhàn"),  # "à" is Ã + no-break space
    ("TÆ° NghÄ©a Ä‘áº©y máº¡nh chuyá»ƒn Ä‘á»•i sá»‘", "mojibake", "Tư Nghĩa đẩy mạnh chuyển đổi số"),
    ("donâ€™t", "mojibake", "don’t"),
    ("cafÃ©", "mojibake", "café"),
]
