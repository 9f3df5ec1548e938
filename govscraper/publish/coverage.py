"""What the archive covers, per portal and month: where the record is whole and where it has gaps.

``govscraper coverage`` prints it as a table (or JSON, CSV); the reading room (``/<database>/-/coverage``) draws it
(:mod:`govscraper.publish.charts`). Everything comes from a few grouped queries over indexed columns:

* per portal: articles, and the articles its lists announce (the totals their first pages state, or where they
  state none, the last page number times the page size: an upper bound), the first and last publication day, the
  **months with no article** between the first and the last (a gap in the record: a crawl that missed a stretch of
  the list, pages the portal took down, or a quiet month, to be checked), the last crawl that finished and when, and
  the crawls that failed;
* per portal and month (``YYYY-MM`` of ``published_at``, as published, Vietnam time): articles;
* per year: photos and documents linked from the articles published that year (distinct files);
* crawl runs over time, with their status and how many fetch failures each recorded.

Articles without a publication date are counted per portal (``undated``) and left out of the months.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field

from govscraper.publish.tables import aligned, csv_text


@dataclass
class PortalCoverage:
    portal_id: str
    name: str | None
    province: str | None
    articles: int
    undated: int
    first: str | None  # YYYY-MM-DD
    last: str | None
    months: int  # calendar months from the first to the last article, both included
    months_without_articles: list[str] = field(default_factory=list)  # YYYY-MM
    announced: int | None = None  # articles its lists announce (stated totals, else last page x page size)
    announced_exact: bool | None = None  # every list stated its total (else ``announced`` is an upper bound)
    lists: int = 0  # lists whose first page announced their length
    last_finished_crawl: str | None = None  # finished_at of the last run that finished
    crawls: int = 0
    crawls_failed: int = 0  # runs whose status is failed or unreachable

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Coverage:
    portals: list[PortalCoverage]
    per_month: dict[str, dict[str, int]]  # portal -> YYYY-MM -> articles
    per_year: list[dict[str, object]]  # {year, articles, photos, documents}
    runs: list[dict[str, object]]  # {id, portal_id, started_at, status, failures, articles_new}


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` (each ``YYYY-MM``), both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month(published: str | None) -> str | None:
    if not published or len(published) < 7 or not published[:4].isdigit() or not published[5:7].isdigit():
        return None
    return published[:7]


def coverage(conn: sqlite3.Connection, portal: str | None = None) -> Coverage:
    """The archive's coverage, of every portal or of one."""
    where, params = ("WHERE portal_id = ?", [portal]) if portal else ("", [])
    per_month: dict[str, dict[str, int]] = {}
    undated: dict[str, int] = {}
    for portal_id, month, count in conn.execute(
        f"SELECT portal_id, substr(published_at, 1, 7), count(*) FROM articles {where} GROUP BY 1, 2", params
    ):
        key = _month(month)
        if key is None:
            undated[portal_id] = undated.get(portal_id, 0) + count
        else:
            per_month.setdefault(portal_id, {})[key] = count
    portals_where = "WHERE id = ?" if portal else ""
    names = {row[0]: row[1:] for row in conn.execute(f"SELECT id, name, province FROM portals {portals_where}", params)}
    runs_by_portal: dict[str, tuple[int, int, str | None]] = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT portal_id, count(*), sum(status IN ('failed', 'unreachable')), "
            f"max(CASE WHEN status = 'finished' THEN finished_at END) FROM crawl_runs {where} GROUP BY portal_id",
            params,
        )
    }
    announced = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT portal_id, sum(coalesce(total, last_page * per_page)), min(total IS NOT NULL), count(*) "
            f"FROM list_counts {where} GROUP BY portal_id",
            params,
        )
    }
    rows = []
    for portal_id in sorted(set(names) | set(per_month) | set(undated)):
        months = per_month.get(portal_id, {})
        dated = sorted(months)
        first_day = last_day = None
        span: list[str] = []
        if dated:
            first_day, last_day = conn.execute(
                "SELECT substr(min(published_at), 1, 10), substr(max(published_at), 1, 10) FROM articles "
                "WHERE portal_id = ? AND published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'",
                [portal_id],
            ).fetchone()
            span = month_range(dated[0], dated[-1])
        crawls, failed, finished = runs_by_portal.get(portal_id, (0, 0, None))
        name, province = names.get(portal_id, (None, None))
        stated, exact, lists = announced.get(portal_id, (None, None, 0))
        rows.append(
            PortalCoverage(
                portal_id=portal_id,
                name=name,
                province=province,
                articles=sum(months.values()) + undated.get(portal_id, 0),
                undated=undated.get(portal_id, 0),
                first=first_day,
                last=last_day,
                months=len(span),
                months_without_articles=[month for month in span if month not in months],
                announced=stated,
                announced_exact=bool(exact) if stated is not None else None,
                lists=lists,
                last_finished_crawl=finished,
                crawls=crawls or 0,
                crawls_failed=failed or 0,
            )
        )
    dated_where = "a.published_at GLOB '[0-9][0-9][0-9][0-9]*'" + (" AND a.portal_id = ?" if portal else "")
    year_counts = {
        name: dict(
            conn.execute(
                f"SELECT substr(a.published_at, 1, 4), {counted} {source} WHERE {dated_where} GROUP BY 1", params
            ).fetchall()
        )
        for name, counted, source in (
            ("articles", "count(*)", "FROM articles a"),
            (
                "photos",
                "count(DISTINCT l.image_sha256)",
                "FROM article_images l JOIN articles a ON a.id = l.article_id",
            ),
            (
                "documents",
                "count(DISTINCT l.attachment_sha256)",
                "FROM article_attachments l JOIN articles a ON a.id = l.article_id",
            ),
        )
    }
    per_year = [
        {"year": year, **{name: counts.get(year, 0) for name, counts in year_counts.items()}}
        for year in sorted(year_counts["articles"])
    ]
    runs = [
        {
            "id": run_id,
            "portal_id": portal_id,
            "started_at": started,
            "status": status,
            "failures": failures,
            "articles_new": new,
        }
        for run_id, portal_id, started, status, failures, new in conn.execute(
            "SELECT r.id, r.portal_id, r.started_at, r.status, "
            "(SELECT count(*) FROM fetch_failures f WHERE f.run_id = r.id), r.articles_new "
            f"FROM crawl_runs r {where.replace('portal_id', 'r.portal_id')} ORDER BY r.started_at, r.id",
            params,
        )
    ]
    return Coverage(rows, per_month, per_year, runs)


COLUMNS = ("portal_id", "name", "articles", "announced", "announced_exact", "first", "last", "months",
           "months_without_articles", "last_finished_crawl", "crawls", "crawls_failed")  # fmt: skip


def announced_text(row: PortalCoverage) -> str:
    """``356 (4 lists)`` when every list that announces its length states a total, ``<= 360 (4 lists)`` when a pager's
    last page gives only a bound, ``-`` when no list announces one (a list of one page with no stated total does
    not: it is not counted)."""
    if row.announced is None:
        return "-"
    bound = "" if row.announced_exact else "<= "
    return f"{bound}{row.announced:,} ({row.lists} list{'s' if row.lists != 1 else ''})"


def as_table(rows: list[PortalCoverage]) -> list[str]:
    """The coverage table for a terminal: one line per portal; gaps as their count and the first few months."""
    header = (
        "portal",
        "articles",
        "announced",
        "first",
        "last",
        "months",
        "without articles",
        "last finished crawl",
        "failed",
    )
    body = []
    for row in rows:
        gaps = row.months_without_articles
        shown = ", ".join(gaps[:3]) + (f" +{len(gaps) - 3}" if len(gaps) > 3 else "")
        body.append((row.portal_id, f"{row.articles:,}", announced_text(row), row.first or "-", row.last or "-",
                     str(row.months), f"{len(gaps)}" + (f" ({shown})" if gaps else ""),
                     (row.last_finished_crawl or "never")[:19], f"{row.crawls_failed}/{row.crawls}"))  # fmt: skip
    return aligned(header, body)


def as_json(result: Coverage) -> str:
    return json.dumps(
        {
            "portals": [row.as_dict() for row in result.portals],
            "per_month": result.per_month,
            "per_year": result.per_year,
            "runs": result.runs,
        },
        ensure_ascii=False,
        indent=1,
    )


def as_csv(rows: list[PortalCoverage]) -> str:
    """One row per portal; the months without articles joined by spaces."""
    body = []
    for row in rows:
        values = row.as_dict()
        values["months_without_articles"] = " ".join(row.months_without_articles)
        body.append([values[column] for column in COLUMNS])
    return csv_text(COLUMNS, body)


__all__ = [
    "COLUMNS",
    "Coverage",
    "PortalCoverage",
    "announced_text",
    "as_csv",
    "as_json",
    "as_table",
    "coverage",
    "month_range",
]
