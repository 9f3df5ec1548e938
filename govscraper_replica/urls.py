"""The replica's URL scheme: Liferay 6.2 Asset Publisher paths, built and parsed in one place.

The crawler learns these shapes from real saved pages (``tests/fixtures/liferay62/PROVENANCE.md``), so the replica must
produce exactly the same ones: ``/<category>/-/view_content/<articleId>-<urlTitle>.html`` for articles,
the long ``p_p_id=101&...&_101_cur=N`` query for list pages, ``/image/journal/article?img_id=..&t=..`` for
journal images and ``/documents/<groupId>/<folderId>/<file>`` for Documents and Media files.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs

#: Liferay cuts a friendly URL title (``urlTitle``) at this many characters; the real page
#: ``2625972-hanoi-department-...-for-public-online`` in the fixtures shows the cut.
URL_TITLE_MAX = 150

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLE_PATH = re.compile(r"^/(?P<cat>[a-z0-9-]+)/-/view_content/(?P<id>\d{1,9})-(?P<slug>[a-z0-9-]*)\.html$")

#: The query of a list page as the portal's own pager writes it (page 2 onwards), parameter order included.
_LIST_QUERY = (
    "p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&p_p_col_id=column-1&p_p_col_pos=1"
    "&p_p_col_count=2&_101_delta={delta}&_101_keywords=&_101_advancedSearch=false&_101_andOperator=true"
    "&p_r_p_564233524_resetCur=false&_101_cur={cur}"
)


def slugify(text: str, max_length: int = URL_TITLE_MAX) -> str:
    """Liferay's urlTitle for a Vietnamese title: ASCII, lowercase, each run of other characters one "-".

    Diacritics go (NFD, combining marks dropped), "đ" becomes "d". Like the real portal, leading and trailing
    punctuation leave a "-" in place (``"Đau đầu" chống...`` → ``-dau-dau-chong...``).
    """
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub("-", ascii_text)[:max_length]


def fold_ascii(text: str) -> str:
    """Vietnamese text without diacritics, spacing and case kept: for file names and PDF text (Latin-1 only)."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch) and ord(ch) < 128)


def article_path(category: str, article_id: int, slug: str) -> str:
    """Root-relative URL of an article page."""
    return f"/{category}/-/view_content/{article_id}-{slug}.html"


def parse_article_path(path: str) -> tuple[str, int, str] | None:
    """``(category, article id, slug)`` of an article path, None for any other path."""
    match = _ARTICLE_PATH.match(path)
    if match is None:
        return None
    return match["cat"], int(match["id"]), match["slug"]


def list_path(category: str, cur: int = 1, delta: int = 10, *, bare_first: bool = False) -> str:
    """Root-relative URL of page ``cur`` of a category list.

    The nav menu links page 1 as the bare ``/<category>``; the pager always writes the full query,
    ``_101_cur=1`` included, so page 1 has two URLs on the real portal too (``bare_first`` picks the first).
    """
    if bare_first and cur == 1:
        return f"/{category}"
    return f"/{category}?" + _LIST_QUERY.format(delta=delta, cur=cur)


def parse_list_query(query: str, default_delta: int) -> tuple[int, int]:
    """``(cur, delta)`` from a list page's query, in any parameter order; bad or missing values get defaults."""
    params = parse_qs(query, keep_blank_values=True)
    cur = _int_param(params.get("_101_cur"), 1)
    delta = _int_param(params.get("_101_delta"), default_delta)
    return max(cur, 1), min(max(delta, 1), 200)


def _int_param(values: list[str] | None, default: int) -> int:
    if not values:
        return default
    try:
        return int(values[-1])
    except ValueError:
        return default


def image_path(image_id: int, timestamp_ms: int) -> str:
    """Root-relative URL of a journal image, as Liferay 6.2 serves them (the extension is not in the URL)."""
    return f"/image/journal/article?img_id={image_id}&t={timestamp_ms}"


def parse_image_query(query: str) -> int | None:
    """The ``img_id`` of an image URL's query, None when it is missing or not a number."""
    values = parse_qs(query).get("img_id")
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


def document_path(group_id: int, folder_id: int, file_name: str) -> str:
    """Root-relative URL of a file in Liferay's Documents and Media library."""
    return f"/documents/{group_id}/{folder_id}/{file_name}"
