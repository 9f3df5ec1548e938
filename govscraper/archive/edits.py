"""What an edit of an article changed, in terms a researcher can scan: fields, the share of the body's words, photos.

A re-crawl that finds an article's content changed keeps the previous version (``article_versions``) and records an
``edited`` event (``article_events``); :func:`describe_edit` says what the edit was, comparing the version kept with
the article as it now stands. Only what the content hash covers can make an edit (title, sapo, body, date, author,
category, source, photos with their captions and credits, attachments): view counters, the "Các tin khác" box, the
dates of the crawl are not part of an article and never show up here. Texts are compared with their whitespace
runs made one space, so re-spacing alone is no edit; the body by words (:class:`difflib.SequenceMatcher`, without
its "junk" heuristic, which would ignore the commonest Vietnamese syllables).

Pure functions: no database.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

#: The fields compared as text, in the order a summary names them.
TEXT_FIELDS = ("title", "sapo", "body", "published_at", "author", "category", "source")
#: Longest body (in words) compared word by word; longer ones are compared by their first so many words.
MAX_WORDS = 20_000


@dataclass
class Edit:
    """What changed: the fields, the share of the body's words changed (0-1), photos and attachments."""

    fields: list[str] = field(default_factory=list)
    body_words_changed: float | None = None
    photos_added: int = 0
    photos_removed: int = 0
    captions_changed: int = 0
    attachments_added: int = 0
    attachments_removed: int = 0

    def __bool__(self) -> bool:
        return bool(self.fields)

    def summary(self) -> str:
        """One line: ``title, body (12% of words), photos (+1, -0, 2 captions)``."""
        parts = []
        for name in self.fields:
            if name == "body" and self.body_words_changed is not None:
                parts.append(f"body ({self.body_words_changed:.0%} of words)")
            elif name == "photos":
                parts.append(f"photos (+{self.photos_added}, -{self.photos_removed}, {self.captions_changed} captions)")
            elif name == "attachments":
                parts.append(f"attachments (+{self.attachments_added}, -{self.attachments_removed})")
            else:
                parts.append(name)
        return "edited: " + ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def words_changed(before: str, after: str) -> float:
    """The share of words changed between two texts: 1 - matched words / the longer text's words."""
    old, new = before.split()[:MAX_WORDS], after.split()[:MAX_WORDS]
    longest = max(len(old), len(new))
    if not longest:
        return 0.0
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return round(1 - matched / longest, 4)


def _key(item: dict[str, Any]) -> str:
    return item.get("sha256") or item.get("url") or ""


def describe_edit(
    before: dict[str, Any],
    after: dict[str, Any],
    photos_before: list[dict[str, Any]],
    photos_after: list[dict[str, Any]],
    attachments_before: list[dict[str, Any]] = (),  # type: ignore[assignment]
    attachments_after: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Edit:
    """What changed from ``before`` to ``after`` (article fields as stored), given the photos (``sha256`` or
    ``url``, ``caption``, ``credit``) and attachments (``sha256`` or ``url``) of each; a false :class:`Edit` when
    nothing a reader would call a change did."""
    edit = Edit()
    for name in TEXT_FIELDS:
        if _text(before.get(name)) != _text(after.get(name)):
            edit.fields.append(name)
    if "body" in edit.fields:
        edit.body_words_changed = words_changed(_text(before.get("body")), _text(after.get("body")))
    old = {_key(p): p for p in photos_before}
    new = {_key(p): p for p in photos_after}
    edit.photos_added = len(new.keys() - old.keys())
    edit.photos_removed = len(old.keys() - new.keys())
    edit.captions_changed = sum(
        1
        for key in old.keys() & new.keys()
        if (_text(old[key].get("caption")), _text(old[key].get("credit")))
        != (_text(new[key].get("caption")), _text(new[key].get("credit")))
    )
    if edit.photos_added or edit.photos_removed or edit.captions_changed:
        edit.fields.append("photos")
    old_files = {_key(a): _text(a.get("title")) for a in attachments_before}
    new_files = {_key(a): _text(a.get("title")) for a in attachments_after}
    edit.attachments_added = len(new_files.keys() - old_files.keys())
    edit.attachments_removed = len(old_files.keys() - new_files.keys())
    renamed = any(old_files[key] != new_files[key] for key in old_files.keys() & new_files.keys())
    if edit.attachments_added or edit.attachments_removed or renamed:
        edit.fields.append("attachments")
    return edit


__all__ = ["Edit", "describe_edit", "words_changed"]
