"""Whether an archived article is still on its portal: what one revisit says, and when misses amount to a removal.

Portals delete and move articles, and for researchers of local government what disappeared is often the point. A
revisit (``govscraper check``) asks for an archived article's URL again, without following redirects, and
:func:`judge` reads the answer:

* ``present``: 200 with the article (or 304: unchanged since it was archived);
* ``missing``: 404 or 410; a redirect to the portal's home page or to a list page; a "soft 404", a page answered
  with 200 that says the article does not exist ("Bài viết không tồn tại", "Không tìm thấy", ...) or that is the
  article template with neither title nor text;
* ``moved``: a permanent redirect (301, 308) to another article page of the portal;
* ``unknown``: anything else (5xx, 429, a redirect off the portal, a temporary redirect to another article): says
  nothing about the article, and is not counted.

Servers throw transient 404s, so a removal is claimed only after repeated misses, as monitors of government websites
do. :func:`observe` keeps each article's state: a first
miss makes it ``missing``; it becomes ``removed`` only after misses on at least ``checks`` separate revisits
spanning at least ``days`` (defaults 3 and 7: ``GOVSCRAPER_REMOVAL_CHECKS``, ``GOVSCRAPER_REMOVAL_DAYS``); an article
that answers again is ``restored``. Nothing here changes the archived article or its versions: a removal is a fact
about the portal, recorded beside the article.

Pure functions: no Scrapy, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

#: Phrases of "this article does not exist" pages on Vietnamese portals (NFC, compared case-insensitively): Liferay's
#: "Không tìm thấy tài nguyên được yêu cầu", the CMSs' "Bài viết không tồn tại" / "Tin bài không tồn tại" /
#: "Nội dung không tồn tại", "Trang bạn tìm không tồn tại", and the English ones some templates keep.
SOFT_404_PHRASES = (
    "bài viết không tồn tại",
    "tin bài không tồn tại",
    "nội dung không tồn tại",
    "trang không tồn tại",
    "không tồn tại hoặc đã bị xóa",
    "không tìm thấy tài nguyên",
    "không tìm thấy bài viết",
    "không tìm thấy trang",
    "bài viết đã bị xóa",
    "page not found",
    "the requested resource was not found",
)

#: The kinds of event recorded about an archived article: a revisit's (missing, removed, restored, moved), and a
#: re-crawl's that found its content changed (edited; :mod:`govscraper.archive.edits`).
CHECK_EVENTS = ("missing", "removed", "restored", "moved")
EVENT_KINDS = ("edited", *CHECK_EVENTS)
PERMANENT_REDIRECTS = (301, 308)
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Verdict:
    """What one revisit of an article's URL says: ``kind`` (present, missing, moved, unknown), why, and where a
    redirect pointed."""

    kind: str
    reason: str
    location: str | None = None


def soft_404_phrase(text: str) -> str | None:
    """The "does not exist" phrase a page's visible text holds, if any (NFC, case and spacing ignored)."""
    lowered = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return next((phrase for phrase in SOFT_404_PHRASES if phrase in lowered), None)


def _same_site(url: str, home: str) -> bool:
    a, b = urlsplit(url), urlsplit(home)
    return (a.hostname or "").removeprefix("www.") == (b.hostname or "").removeprefix("www.")


def _is_home(url: str, home: str) -> bool:
    path = urlsplit(url).path.rstrip("/")
    return path in ("", urlsplit(home).path.rstrip("/")) and not urlsplit(url).query


def judge(
    status: int,
    *,
    location: str | None = None,
    home: str,
    is_article_url: bool = False,
    page_text: str | None = None,
    has_article: bool = True,
) -> Verdict:
    """The verdict on one answer for an archived article's URL.

    ``location``: the redirect's target, absolute; ``home``: the portal's base URL; ``is_article_url``: whether
    the target looks like an article page of the portal (a list page or the home page does not); ``page_text``:
    the visible text of a 200 page (its title and body text); ``has_article``: whether the platform's reader found
    an article (a title or a text) on that page.
    """
    if status == 304:
        return Verdict("present", "304 Not Modified")
    if status in (404, 410):
        return Verdict("missing", f"{status} {'Gone' if status == 410 else 'Not Found'}")
    if status in REDIRECTS:
        if not location:
            return Verdict("unknown", f"{status} without a Location")
        if not _same_site(location, home):
            return Verdict("unknown", f"{status} to another site", location)
        if _is_home(location, home):
            return Verdict("missing", f"{status} to the home page", location)
        if is_article_url:
            if status in PERMANENT_REDIRECTS:
                return Verdict("moved", f"{status} to another article page", location)
            return Verdict("unknown", f"{status} (temporary) to another article page", location)
        return Verdict("missing", f"{status} to a page that is not an article (a list, a search)", location)
    if 200 <= status < 300:
        phrase = soft_404_phrase(page_text or "")
        if phrase:
            return Verdict("missing", f'{status} with "{phrase}" (a soft 404)')
        if not has_article:
            return Verdict("missing", f"{status} with no article on the page (an empty article template)")
        return Verdict("present", f"{status} with the article")
    return Verdict("unknown", f"{status}: says nothing about the article")


@dataclass(frozen=True)
class Presence:
    """An article's standing on its portal, as the revisits so far have found it."""

    state: str = "present"  # present | missing | removed | moved
    misses: int = 0  # revisits in a row that missed it
    first_missed_at: datetime | None = None
    checked_at: datetime | None = None
    moved_to: str | None = None


def observe(
    before: Presence | None, verdict: Verdict, at: datetime, *, checks: int = 3, days: float = 7.0
) -> tuple[Presence, str | None]:
    """The article's presence after one more revisit, and the event to record (missing, removed, restored,
    moved), or None when nothing new happened."""
    before = before or Presence()
    if verdict.kind == "unknown":
        return replace(before, checked_at=at), None
    if verdict.kind == "present":
        after = Presence("present", 0, None, at, None)
        return after, ("restored" if before.state in ("missing", "removed") else None)
    if verdict.kind == "moved":
        after = Presence("moved", 0, None, at, verdict.location)
        return after, ("moved" if (before.state, before.moved_to) != ("moved", verdict.location) else None)
    # missing
    if before.state not in ("missing", "removed"):
        return Presence("missing", 1, at, at, None), "missing"
    misses = before.misses + 1
    after = replace(before, misses=misses, checked_at=at)
    first = before.first_missed_at or at
    if before.state == "missing" and misses >= checks and at - first >= timedelta(days=days):
        return replace(after, state="removed"), "removed"
    return after, None


def parse_moment(value: str | None) -> datetime | None:
    """A moment stored as ISO 8601 text, or None."""
    return datetime.fromisoformat(value) if value else None


__all__ = ["CHECK_EVENTS", "EVENT_KINDS", "Presence", "Verdict", "judge", "observe", "parse_moment", "soft_404_phrase"]
