"""What changed on the portals since their articles were archived: edits, removals, restorations, moves, as events.

``govscraper check`` records each change of an article's standing on its portal in ``article_events`` (see
:mod:`govscraper.archive.presence`), and a re-crawl each edit it found (:mod:`govscraper.archive.edits`). This
module reads them back for researchers: :func:`changes` (filters by portal, date and kind), a terminal table, JSON,
CSV (cells a spreadsheet would run as formulas made safe), and an Atom feed (RFC 4287) per portal, so that a
researcher can subscribe to what a portal deletes. The archived articles themselves stay as they were archived:
every event links to the archived copy.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from xml.etree import ElementTree

from govscraper.publish.export import csv_cell
from govscraper.publish.tables import aligned, csv_text

ATOM = "http://www.w3.org/2005/Atom"
#: The columns of an event, as JSON and CSV give them.
COLUMNS = (
    "id",
    "at",
    "portal_id",
    "kind",
    "article_id",
    "title",
    "url",
    "published_at",
    "status",
    "evidence",
    "final_url",
    "capture_id",
    "run_id",
    "details",
)


@dataclass(frozen=True)
class Change:
    id: int
    at: str
    portal_id: str
    kind: str
    article_id: int
    title: str | None
    url: str
    published_at: str | None
    status: int | None
    evidence: str
    final_url: str | None
    capture_id: int | None
    run_id: int | None
    details: str | None  # JSON: what an edit changed (:mod:`govscraper.archive.edits`)


def changes(
    conn: sqlite3.Connection,
    portal: str | None = None,
    since: str | None = None,
    kinds: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[Change]:
    """The events, newest first: of one portal, from a date (``YYYY-MM-DD``, UTC) on, of some kinds."""
    where, params = [], []
    if portal:
        where.append("e.portal_id = ?")
        params.append(portal)
    if since:
        where.append("e.at >= ?")
        params.append(since)
    if kinds:
        where.append(f"e.kind IN ({', '.join('?' for _ in kinds)})")
        params.extend(kinds)
    sql = (
        "SELECT e.id, e.at, e.portal_id, e.kind, e.article_id, a.title, a.url, a.published_at, e.status, e.evidence, "
        "e.final_url, e.capture_id, e.run_id, e.details FROM article_events e JOIN articles a ON a.id = e.article_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY e.at DESC, e.id DESC"
        + (" LIMIT ?" if limit else "")
    )
    return [Change(*row) for row in conn.execute(sql, [*params, *([limit] if limit else [])])]


def as_table(rows: list[Change]) -> list[str]:
    """One line per event for a terminal: when, portal, kind, the article's title, why."""
    header = ("at", "portal", "kind", "article", "title", "evidence")
    body = [
        (row.at[:19], row.portal_id, row.kind, str(row.article_id), _cut(row.title or row.url, 60), row.evidence)
        for row in rows
    ]
    return aligned(header, body)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def as_json(rows: list[Change]) -> str:
    """A list of events; an edit's ``details`` as an object (fields, body_words_changed, photos_added...)."""
    return json.dumps(
        [{**asdict(row), "details": json.loads(row.details) if row.details else None} for row in rows],
        ensure_ascii=False,
        indent=1,
    )


def as_csv(rows: list[Change]) -> str:
    return csv_text(COLUMNS, ([csv_cell(asdict(row)[column]) for column in COLUMNS] for row in rows))


#: What an event's title says, in the portal's language first.
_HEADLINES = {
    "edited": "Đã sửa (edited)",
    "missing": "Không còn trên cổng (missing)",
    "removed": "Đã bị gỡ (removed)",
    "restored": "Đã trở lại (restored)",
    "moved": "Đã chuyển địa chỉ (moved)",
}


def atom_feed(rows: list[Change], *, feed_url: str, article_url: str, title: str, updated: str) -> bytes:
    """An Atom feed of the events (newest first). ``feed_url``: the feed's own address (its id and ``self`` link);
    ``article_url``: the archived article's page, with ``{id}`` for its id; ``updated``: when the feed last changed
    (the newest event's time, or the archive's time when there is none)."""
    ElementTree.register_namespace("", ATOM)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    sub(feed, "updated", rows[0].at if rows else updated)
    sub(sub(feed, "author"), "name", "govscraper")
    sub(feed, "link", rel="self", href=feed_url)
    sub(feed, "generator", "govscraper")
    for row in rows:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{feed_url.split('?')[0]}#event-{row.id}")
        sub(entry, "title", f"{_HEADLINES.get(row.kind, row.kind)}: {row.title or row.url}")
        sub(entry, "updated", row.at)
        sub(entry, "link", rel="alternate", href=article_url.format(id=row.article_id))
        sub(entry, "link", rel="related", href=row.url)
        summary = f"{row.kind}: {row.evidence}" + (f" -> {row.final_url}" if row.final_url else "")
        summary += f" (original: {row.url}"
        summary += f", published {row.published_at})" if row.published_at else ")"
        sub(entry, "summary", summary)
        sub(entry, "category", term=row.kind)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


__all__ = ["COLUMNS", "Change", "as_csv", "as_json", "as_table", "atom_feed", "changes"]
