"""The words the replica portal is made of: a district portal of Mộ Đức, Quảng Ngãi, written by hand.

The text itself is data, in ``data/corpus.json`` (UTF-8, NFC); this module reads it once and gives it the names
and types the generator uses (tuples, the :class:`Headline`, :class:`Topic` and :class:`FixedArticle` records),
so the same seed builds the same site byte for byte. Each JSON key is the lower-case name of the constant below.

Articles are assembled from these templates by :mod:`govscraper_replica.site` with a seeded random generator,
so every size of site is reproducible. The text is meant to read like real district news (conferences,
decisions, nông thôn mới, giải phóng mặt bằng, COVID-19, harvests, elections...), in NFC with all diacritics,
with the typography portals really use: typographic quotes “…”, en dashes “–” and the closing "./.".
People and figures are invented; place names are Mộ Đức's communes.

Template slots (filled from one context per article, so a title and its body talk about the same commune):
``{xa}``/``{Xa}`` commune with its prefix ("xã Đức Tân", capitalised for a sentence start), ``{ten_xa}`` the
bare name, ``{xa_bien}`` a coastal commune, ``{thon}``/``{Thon}`` a hamlet, ``{cap_hoc}`` a school level,
``{ky_hop}`` "giữa năm"/"cuối năm", ``{nam}``/``{nam_truoc}``/``{nam_sau}``
years, ``{ngay}`` "12/3", ``{buoi}``/``{buoi_thuong}`` "Sáng"/"sáng", ``{nguoi1}``/``{Nguoi1}`` "đồng chí <name>
– <office>", ``{nguoi1_ngan}`` the same for captions, ``{nong_dan}`` a farmer's name, ``{so1}`` 2–9,
``{so2}`` 10–60, ``{so3}`` 100–900, ``{so4}`` 1.000–9.000, ``{pt1}`` a percentage, ``{ty1}`` billions of đồng,
``{tr1}``/``{tr2}`` millions, ``{ha1}`` hectares, ``{km1}`` kilometres, ``{chi_tieu}`` "17/19", ``{quy}`` quarter,
``{linh_vuc}``, ``{du_an}``, ``{cay}``, ``{vu}``, ``{nhiem_ky}``, ``{so_ky}``, ``{lan}``, ``{noi_dung_gs}``,
``{su_kien}``, ``{tet}``, ``{so_nam_tbls}``, ``{noi_dung}``, ``{van_ban}``/``{Van_ban}`` (the document the
article announces and attaches).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any


@dataclass(frozen=True)
class Headline:
    """A title template with the lead (sapo) written for it; ``years`` limits when the story makes sense."""

    title: str
    sapo: str
    years: tuple[int, int] = (2019, 2025)
    #: Kind of document (:data:`DOCUMENT_KINDS`) the article announces and attaches, if any.
    document: str | None = None


@dataclass(frozen=True)
class Topic:
    """One kind of story: its headlines, the paragraphs its body is drawn from and its photo captions."""

    key: str
    category: str
    headlines: tuple[Headline, ...]
    openers: tuple[str, ...]
    middles: tuple[str, ...]
    closings: tuple[str, ...]
    captions: tuple[str, ...]
    years: tuple[int, int] = (2019, 2025)
    #: Months of the year the story runs in (the 2021 election stories run from March to May).
    months: tuple[int, int] = (1, 12)
    weight: int = 1


@dataclass(frozen=True)
class FixedArticle:
    """An article written out in full rather than generated."""

    category: str
    title: str
    #: (year, month, day, hour, minute), Vietnam time
    published: tuple[int, int, int, int, int]
    views: int
    author: str
    sapo: str
    #: Body paragraphs; the last one closes with "./.".
    paragraphs: tuple[str, ...]
    #: The photo stands after this paragraph (index into ``paragraphs``), with this caption.
    photo_after: int
    photo_caption: str


def _tuples(value: Any) -> Any:
    """JSON arrays as tuples, all the way down (the corpus is immutable)."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


def _topic(fields: dict[str, Any]) -> Topic:
    headlines = tuple(Headline(**headline) for headline in fields.pop("headlines"))
    return Topic(headlines=headlines, **fields)


_DATA: dict[str, Any] = _tuples(json.loads((files(__package__) / "data" / "corpus.json").read_text(encoding="utf-8")))

PORTAL_NAME: str = _DATA["portal_name"]
DISTRICT: str = _DATA["district"]
PROVINCE: str = _DATA["province"]
FOOTER_OWNER: str = _DATA["footer_owner"]
FOOTER_ADDRESS: str = _DATA["footer_address"]
FOOTER_RESPONSIBLE: str = _DATA["footer_responsible"]

#: (slug, Vietnamese name, share of the articles). The last one is small on purpose: at the default size it
#: fits on one page, so the replica also shows a list without a pager, like the single-item fixture.
CATEGORIES: tuple[tuple[str, str, float], ...] = _DATA["categories"]
#: (with prefix, bare name, coastal). The 12 communes and the town of the district before the 2025 reform.
COMMUNES: tuple[tuple[str, str, bool], ...] = _DATA["communes"]

SURNAMES: tuple[str, ...] = _DATA["surnames"]
MIDDLE_MALE: tuple[str, ...] = _DATA["middle_male"]
MIDDLE_FEMALE: tuple[str, ...] = _DATA["middle_female"]
GIVEN_MALE: tuple[str, ...] = _DATA["given_male"]
GIVEN_FEMALE: tuple[str, ...] = _DATA["given_female"]
OFFICES: tuple[str, ...] = _DATA["offices"]
#: Bylines: the reporter's name alone on the last line of an article, as on quangngai.gov.vn district pages.
AUTHORS: tuple[str, ...] = _DATA["authors"]

LINH_VUC: tuple[str, ...] = _DATA["linh_vuc"]
DU_AN: tuple[str, ...] = _DATA["du_an"]
CAY_TRONG: tuple[str, ...] = _DATA["cay_trong"]
NOI_DUNG_GIAM_SAT: tuple[str, ...] = _DATA["noi_dung_giam_sat"]
SU_KIEN: tuple[str, ...] = _DATA["su_kien"]
NOI_DUNG_CHI_DAO: tuple[str, ...] = _DATA["noi_dung_chi_dao"]
ROMAN: tuple[str, ...] = _DATA["roman"]

#: Lunar-year names for "Tết Nguyên đán" (JSON keys are strings; the years are ints).
CAN_CHI: dict[int, str] = {int(year): name for year, name in _DATA["can_chi"].items()}
#: Kinds of official documents: key → (name in link text, number suffix, file-name prefix).
DOCUMENT_KINDS: dict[str, tuple[str, str, str]] = _DATA["document_kinds"]

TOPICS: tuple[Topic, ...] = tuple(_topic(dict(topic)) for topic in _DATA["topics"])
#: Paragraphs any story may borrow: the connective tissue of government news.
GENERIC_MIDDLES: tuple[str, ...] = _DATA["generic_middles"]
GENERIC_CAPTIONS: tuple[str, ...] = _DATA["generic_captions"]

#: The typical article of a Mộ Đức district page, always present (the demo and tests look for it).
TYPICAL_ARTICLE = FixedArticle(**_DATA["typical_article"])

del _DATA
