"""``govscraper stats``: what the archive holds, per portal.

Per portal: articles, images and attachments (distinct blobs linked from its articles: an image two articles use
counts once; a link whose file could not be archived counts none), and the first and last publication day
(``YYYY-MM-DD``, Vietnam time as published). The total row counts distinct blobs over the whole archive, so an
image two portals share counts once there too. Portals in the archive without articles are listed with zeros.
A few grouped queries over indexed columns: well under a second on 100,000 articles.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass


@dataclass
class PortalStats:
    portal_id: str | None  # None on the total row
    name: str | None
    articles: int
    images: int
    attachments: int
    first: str | None  # YYYY-MM-DD of the earliest publication date
    last: str | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def portal_stats(conn: sqlite3.Connection) -> list[PortalStats]:
    """One row per portal (by id), then the total row (``portal_id`` None, ``name`` "total")."""
    articles = {
        portal: (count, first, last)
        for portal, count, first, last in conn.execute(
            "SELECT portal_id, count(*), substr(min(published_at), 1, 10), substr(max(published_at), 1, 10) "
            "FROM articles GROUP BY portal_id"
        )
    }
    images = dict(
        conn.execute(
            "SELECT a.portal_id, count(DISTINCT l.image_sha256) FROM article_images l "
            "JOIN articles a ON a.id = l.article_id GROUP BY a.portal_id"
        ).fetchall()
    )
    attachments = dict(
        conn.execute(
            "SELECT a.portal_id, count(DISTINCT l.attachment_sha256) FROM article_attachments l "
            "JOIN articles a ON a.id = l.article_id GROUP BY a.portal_id"
        ).fetchall()
    )
    names = dict(conn.execute("SELECT id, name FROM portals").fetchall())
    rows = []
    for portal in sorted(set(names) | set(articles)):
        count, first, last = articles.get(portal, (0, None, None))
        rows.append(
            PortalStats(
                portal_id=portal,
                name=names.get(portal),
                articles=count,
                images=images.get(portal, 0),
                attachments=attachments.get(portal, 0),
                first=first,
                last=last,
            )
        )
    total_articles, first, last = conn.execute(
        "SELECT count(*), substr(min(published_at), 1, 10), substr(max(published_at), 1, 10) FROM articles"
    ).fetchone()
    rows.append(
        PortalStats(
            portal_id=None,
            name="total",
            articles=total_articles,
            images=conn.execute("SELECT count(DISTINCT image_sha256) FROM article_images").fetchone()[0],
            attachments=conn.execute("SELECT count(DISTINCT attachment_sha256) FROM article_attachments").fetchone()[0],
            first=first,
            last=last,
        )
    )
    return rows


def format_table(rows: list[PortalStats]) -> list[str]:
    """Aligned lines, as ``govscraper runs`` prints them: a header, one line per portal, the total last."""
    width = max([16, *(len(row.portal_id or "total") for row in rows)])
    lines = [f"{'portal':<{width}} {'articles':>9} {'images':>8} {'attachments':>11} {'first':<10} {'last':<10}  name"]
    for row in rows:
        name = (row.name or "") if row.portal_id is not None else ""
        lines.append(
            f"{row.portal_id or 'total':<{width}} {row.articles:>9} {row.images:>8} {row.attachments:>11} "
            f"{row.first or '-':<10} {row.last or '-':<10}  {name}".rstrip()
        )
    return lines


__all__ = ["PortalStats", "format_table", "portal_stats"]
