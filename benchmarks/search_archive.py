"""What the search benchmarks share: a generated archive of replica articles over 10 Quảng Ngãi portals, written with
the real schema and indexed as a crawl indexes it.

:func:`generate` writes ``articles`` replica articles (``build_site``, one seed per portal; each portal's text names
its own district instead of Mộ Đức) into a fresh archive (``open_db``), then ``index_article`` writes each
article's index row, one transaction per article, as ``Archive.store_article`` does. A caller may add articles of
its own at the start (before any generated one: the smallest ids, the oldest archived), the middle (after half of
them) and the end (after all: the newest ids), written by :func:`insert_article` like the generated ones.

The benchmarks are scripts (``python benchmarks/search.py``): they import this module as ``search_archive``, from
the folder they are in.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govscraper.archive.fulltext import index_article
from govscraper.archive.schema import open_db, utcnow
from govscraper_replica import build_site

#: (portal id, level, name). The replica's text is Mộ Đức's; each portal's articles name their own unit instead.
PORTALS = (
    ("qni-moduc", "huyện", "Mộ Đức"),
    ("qni-ducpho", "thị xã", "Đức Phổ"),
    ("qni-binhson", "huyện", "Bình Sơn"),
    ("qni-sontinh", "huyện", "Sơn Tịnh"),
    ("qni-tunghia", "huyện", "Tư Nghĩa"),
    ("qni-nghiahanh", "huyện", "Nghĩa Hành"),
    ("qni-bato", "huyện", "Ba Tơ"),
    ("qni-minhlong", "huyện", "Minh Long"),
    ("qni-sonha", "huyện", "Sơn Hà"),
    ("qni-trabong", "huyện", "Trà Bồng"),
)
#: Where the caller's own articles go: before every generated one, after half of them, after all of them.
POSITIONS = ("start", "middle", "end")

Portal = tuple[str, str, str]
#: ``plant(conn, runs, position)``: writes the caller's articles for ``position`` (``runs``: portal id -> crawl run).
Plant = Callable[[sqlite3.Connection, dict[str, int], str], None]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def portal_text(text: str | None, level: str, name: str) -> str | None:
    """The replica's Mộ Đức text as another portal's articles would say it."""
    if not text or name == "Mộ Đức":
        return text
    return text.replace("huyện Mộ Đức", f"{level} {name}").replace("Mộ Đức", name)


def portal_host(portal_id: str) -> str:
    return f"https://{portal_id.removeprefix('qni-')}.quangngai.gov.vn"


def add_portals(conn: sqlite3.Connection, now: str) -> dict[str, int]:
    """A ``portals`` row and a finished crawl run for each of :data:`PORTALS`; portal id -> run id."""
    runs: dict[str, int] = {}
    with conn:
        for portal_id, level, name in PORTALS:
            conn.execute(
                "INSERT INTO portals (id, name, province, level, base_url, platform, status, updated_at) "
                "VALUES (?, ?, 'Quảng Ngãi', ?, ?, 'liferay62', 'unverified', ?)",
                [portal_id, f"Cổng thông tin điện tử {level} {name}", level, portal_host(portal_id) + "/", now],
            )
            runs[portal_id] = conn.execute(
                "INSERT INTO crawl_runs (portal_id, spider, started_at, finished_at, status, mode) "
                "VALUES (?, 'liferay62', ?, ?, 'finished', 'full')",
                [portal_id, now, now],
            ).lastrowid
    return runs


def insert_article(
    conn: sqlite3.Connection, article: dict[str, Any], portal: Portal, run_id: int, now: str, *, rename: bool = True
) -> int:
    """Write one article, in the shape of the replica's manifest (``body`` a list of paragraphs, ``images`` with
    ``url``/``caption``/``alt``, ``attachments`` with ``url``/``title``), with its captions and attachment links;
    its id. With ``rename``, its text is the replica's Mộ Đức text and is made the portal's (:func:`portal_text`).
    No commit and no index row: the caller's transaction, then :func:`index_all`."""
    portal_id, level, name = portal

    def text(value: str | None) -> str | None:
        return portal_text(value, level, name) if rename else value

    host = portal_host(portal_id)
    title = text(article["title"])
    sapo = text(article["sapo"])
    body = text("\n\n".join(article["body"]))
    html = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    article_id = conn.execute(
        "INSERT INTO articles (url, canonical_url, portal_id, source_id, platform, title, sapo, body, "
        "body_html, published_at, author, category, views, summary, thumbnail_url, content_sha256, "
        "first_seen_at, last_seen_at, first_run_id, run_id) "
        "VALUES (?, ?, ?, ?, 'liferay62', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            host + article["url"],
            host + article["url"],
            portal_id,
            str(article["id"]),
            title,
            sapo,
            body,
            html,
            article["published"],
            article["author"],
            article["category_name"],
            article["views"],
            text(article["summary"]),
            host + article["thumbnail"] if article["thumbnail"] else None,
            hashlib.sha256((title + body).encode()).hexdigest(),
            now,
            now,
            run_id,
            run_id,
        ],
    ).lastrowid
    captions = [text(image["caption"]) for image in article["images"]]
    conn.executemany(
        "INSERT INTO article_images (article_id, position, role, caption, alt, source_url) "
        "VALUES (?, ?, 'body', ?, ?, ?)",
        [
            (article_id, position, caption, image["alt"], host + image["url"])
            for position, (image, caption) in enumerate(zip(article["images"], captions, strict=True))
        ],
    )
    conn.executemany(
        "INSERT INTO article_attachments (article_id, position, title, source_url) VALUES (?, ?, ?, ?)",
        [
            (article_id, position, attachment["title"], host + attachment["url"])
            for position, attachment in enumerate(article["attachments"])
        ],
    )
    return article_id


def index_all(conn: sqlite3.Connection) -> None:
    """Every article's index row, one transaction per article, as ``Archive.store_article`` writes it."""
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    for article_id in ids:
        with conn:
            index_article(conn, article_id)


def generate(db_path: Path, articles: int, plant: Plant | None = None) -> dict[str, float]:
    """Write ``articles`` replica articles into a fresh archive at ``db_path`` (and ``plant``'s own at the start, the
    middle and the end); timings of each step (``insert_s`` counts the planted articles too)."""
    db = open_db(db_path)
    conn = db.conn
    per_portal = [articles // len(PORTALS) + (i < articles % len(PORTALS)) for i in range(len(PORTALS))]
    timings = {"build_s": 0.0, "insert_s": 0.0}
    now = utcnow()
    started = time.perf_counter()
    runs = add_portals(conn, now)
    half, written = articles // 2, 0

    def planted(position: str) -> None:
        if plant is not None:
            with conn:
                plant(conn, runs, position)

    planted("start")
    if not half:
        planted("middle")
    timings["insert_s"] += time.perf_counter() - started
    for number, (portal, size) in enumerate(zip(PORTALS, per_portal, strict=True)):
        if not size:
            continue
        started = time.perf_counter()
        manifest = build_site(articles=size, seed=1000 + number).manifest()["articles"]
        timings["build_s"] += time.perf_counter() - started
        started = time.perf_counter()
        with conn:
            for article in reversed(manifest):  # oldest first, as a first crawl archives them (roughly)
                insert_article(conn, article, portal, runs[portal[0]], now)
                written += 1
                if written == half:
                    planted("middle")
        timings["insert_s"] += time.perf_counter() - started
    started = time.perf_counter()
    planted("end")
    timings["insert_s"] += time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["size_before_index"] = db_path.stat().st_size
    started = time.perf_counter()
    index_all(conn)
    timings["index_s"] = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return timings


__all__ = [
    "PORTALS",
    "POSITIONS",
    "add_portals",
    "generate",
    "index_all",
    "insert_article",
    "percentile",
    "portal_host",
    "portal_text",
]
