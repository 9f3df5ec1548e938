"""Portal health: what the archive says about each portal after its runs, and the alerts that follow from it.

Archivists re-crawl daily and cannot read every run's log. After each run (:class:`govscraper.extensions.ArchiveRun`
calls :func:`update_alerts`) and on demand (``govscraper health``), each portal is measured against its own history:

* ``quiet``: no article published for longer than the portal usually goes without one: more than
  ``GOVSCRAPER_QUIET_DAYS`` (14) days and more than 3 times the median gap between its last 30 publication days;
* ``layout-changed``: the last run's layout canary fired (no article recognised, or most article pages failing);
* ``fields-dropped``: among the articles the last run archived (at least 10), the share with a date, an author
  or photos is half or less of what it was before (at least 20 earlier articles, at least 60% filled): the dates
  stopped parsing after a redesign, say;
* ``rate-limited``: 10% or more of the last run's answers were 429 or 503 (at least 20 answers);
* ``start-redirected``: a start page of the last run redirected off the portal (a domain moved or parked);
* ``incomplete``: the archive holds under 80% of the articles the portal's lists announce (at least 20 announced);
* ``unreachable``: the portal could not be reached (an open ``portal_outages`` row).

Each problem opens one row of ``portal_alerts`` when it appears and closes it when it clears; the alert is sent
(:mod:`govscraper.crawl.alerts`) once when it opens and once when it clears, on each configured channel. The rules
are pure functions of the figures (:func:`problems`), so they are tested without a crawl.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from govscraper.archive.schema import utcnow

#: The kinds of problem, in the order they are shown.
PROBLEMS = (
    "unreachable",
    "layout-changed",
    "start-redirected",
    "rate-limited",
    "fields-dropped",
    "quiet",
    "incomplete",
)


@dataclass
class Figures:
    """What the archive says about one portal; the input of :func:`problems`."""

    portal_id: str
    #: The last run (not a check): id, status, alarm_reason.
    last_run: dict[str, Any] | None = None
    #: The newest publication day, and the median gap in days between the last 30 publication days.
    newest: str | None = None
    usual_gap_days: float | None = None
    days_since_newest: int | None = None
    #: Share of articles with a date, an author, photos: among those the last run archived, and those before.
    fill_new: dict[str, float] = field(default_factory=dict)
    fill_before: dict[str, float] = field(default_factory=dict)
    new_articles: int = 0
    earlier_articles: int = 0
    #: The last run's answers and how many were 429 or 503.
    answers: int = 0
    throttled: int = 0
    #: Start pages of the last run that redirected off the portal.
    start_redirects: list[str] = field(default_factory=list)
    archived: int = 0
    announced: int | None = None
    outage: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class HealthProblem:
    kind: str
    detail: str


@dataclass(frozen=True)
class Thresholds:
    quiet_days: float = 14.0
    quiet_factor: float = 3.0
    min_new_for_fill: int = 10
    min_history_for_fill: int = 20
    throttled_share: float = 0.10
    min_answers: int = 20
    complete_share: float = 0.80
    min_announced: int = 20


def problems(figures: Figures, limits: Thresholds | None = None) -> list[HealthProblem]:
    """The portal's problems, by the rules of the module's docstring."""
    limits = limits or Thresholds()
    found: list[HealthProblem] = []
    if figures.outage:
        found.append(HealthProblem("unreachable", figures.outage))
    run = figures.last_run or {}
    if run.get("alarm"):
        found.append(HealthProblem("layout-changed", f"run {run['id']}: {run.get('alarm_reason') or run['alarm']}"))
    if figures.start_redirects:
        found.append(HealthProblem("start-redirected", "; ".join(figures.start_redirects[:3])))
    if figures.answers >= limits.min_answers and figures.throttled / figures.answers >= limits.throttled_share:
        share = figures.throttled / figures.answers
        found.append(HealthProblem("rate-limited", f"{figures.throttled} of {figures.answers} answers were 429 or 503 "
                                             f"({share:.0%}) in run {run.get('id')}"))  # fmt: skip
    if figures.new_articles >= limits.min_new_for_fill and figures.earlier_articles >= limits.min_history_for_fill:
        dropped = [
            f"{name} {figures.fill_before[name]:.0%} -> {figures.fill_new.get(name, 0.0):.0%}"
            for name in ("date", "author", "photos")
            if figures.fill_before.get(name, 0.0) >= 0.6
            and figures.fill_new.get(name, 0.0) <= figures.fill_before[name] / 2
        ]
        if dropped:
            found.append(HealthProblem("fields-dropped", f"run {run.get('id')}: " + ", ".join(dropped)))
    if figures.days_since_newest is not None:
        gap = figures.usual_gap_days or 0.0
        limit = max(limits.quiet_days, limits.quiet_factor * gap)
        if figures.days_since_newest > limit:
            quiet = f"no article published since {figures.newest} ({figures.days_since_newest} days; "
            found.append(HealthProblem("quiet", quiet + f"it usually publishes every {gap:g} days)"))
    announced = figures.announced or 0
    if announced >= limits.min_announced and figures.archived < limits.complete_share * announced:
        found.append(HealthProblem("incomplete", f"{figures.archived} archived of the {announced} its lists announce"))
    return found


def usual_gap(days: list[date]) -> float | None:
    """The median gap in days between consecutive distinct publication days (None with fewer than 5)."""
    ordered = sorted(set(days))
    if len(ordered) < 5:
        return None
    return float(statistics.median((b - a).days for a, b in itertools.pairwise(ordered)))


def figures(conn: sqlite3.Connection, portal_id: str, today: date | None = None) -> Figures:
    """Read a portal's figures from the archive (read-only)."""
    today = today or datetime.now(UTC).date()
    found = Figures(portal_id)
    run = conn.execute(
        "SELECT id, status, alarm, alarm_reason, responses, status_counts FROM crawl_runs "
        "WHERE portal_id = ? AND mode != 'check' AND status != 'running' ORDER BY id DESC LIMIT 1",
        [portal_id],
    ).fetchone()
    if run is not None:
        found.last_run = dict(zip(("id", "status", "alarm", "alarm_reason", "responses"), run[:5], strict=True))
        statuses = json.loads(run[5]) if run[5] else {}
        found.answers = int(run[4] or 0)
        found.throttled = int(statuses.get("429", 0)) + int(statuses.get("503", 0))
        portal = conn.execute("SELECT base_url, start_urls FROM portals WHERE id = ?", [portal_id]).fetchone()
        starts = {portal[0], *(portal[1] or "").splitlines()} if portal else set()
        found.start_redirects = [
            f"{url}: {error}"
            for url, error in conn.execute(
                "SELECT url, error FROM fetch_failures WHERE run_id = ? AND error LIKE 'off-site redirect%'", [run[0]]
            )
            if url in starts
        ]
    days = [
        date.fromisoformat(value[:10])
        for (value,) in conn.execute(
            "SELECT published_at FROM articles WHERE portal_id = ? AND published_at IS NOT NULL "
            "ORDER BY published_at DESC LIMIT 200",
            [portal_id],
        )
    ]
    if days:
        found.newest = max(days).isoformat()
        found.days_since_newest = (today - max(days)).days
        found.usual_gap_days = usual_gap(sorted(set(days))[-30:])
    if run is not None:
        found.fill_new, found.new_articles = _fill(conn, "first_run_id = ?", [portal_id, run[0]])
        found.fill_before, found.earlier_articles = _fill(conn, "first_run_id < ?", [portal_id, run[0]])
    found.archived = conn.execute("SELECT count(*) FROM articles WHERE portal_id = ?", [portal_id]).fetchone()[0]
    announced = conn.execute(
        "SELECT sum(COALESCE(total, last_page * per_page)) FROM list_counts WHERE portal_id = ?", [portal_id]
    ).fetchone()[0]
    found.announced = int(announced) if announced else None
    outage = conn.execute(
        "SELECT first_seen_at, reason FROM portal_outages WHERE portal_id = ? AND ended_at IS NULL", [portal_id]
    ).fetchone()
    if outage:
        found.outage = f"down since {outage[0][:10]}: {outage[1]}"
    return found


def _fill(conn: sqlite3.Connection, where: str, params: list[Any]) -> tuple[dict[str, float], int]:
    row = conn.execute(
        "SELECT count(*), sum(published_at IS NOT NULL), sum(author IS NOT NULL AND author != ''), "
        "sum(EXISTS (SELECT 1 FROM article_images i WHERE i.article_id = articles.id AND i.role = 'body')) "
        f"FROM articles WHERE portal_id = ? AND {where}",
        params,
    ).fetchone()
    total = row[0] or 0
    if not total:
        return {}, 0
    return {"date": row[1] / total, "author": row[2] / total, "photos": row[3] / total}, total


@dataclass(frozen=True)
class AlertChange:
    """An alert that opened or cleared, as it is sent."""

    portal_id: str
    kind: str
    state: str  # open | cleared
    detail: str
    at: str
    alert_id: int
    #: The channels that took it already (bits: :data:`WEBHOOK`, :data:`EMAIL`).
    sent: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if name != "sent"}


#: The channels an alert change goes to, as bits of ``portal_alerts.notified_open`` and ``notified_close``: each
#: channel gets a change once, even when another channel refused it and it is sent again after the next run.
WEBHOOK, EMAIL = 1, 2


def update_alerts(
    conn: sqlite3.Connection, portal_id: str, found: list[HealthProblem], channels: int = 0
) -> list[AlertChange]:
    """Open an alert for each new problem and close those that cleared (in one transaction); the changes to send
    on the ``channels`` configured (bits), with those a channel has not taken yet."""
    now = utcnow()
    kinds = {problem.kind: problem for problem in found}
    with conn:
        open_rows = {
            kind: alert_id
            for alert_id, kind in conn.execute(
                "SELECT id, kind FROM portal_alerts WHERE portal_id = ? AND closed_at IS NULL", [portal_id]
            )
        }
        for kind, problem in kinds.items():
            if kind not in open_rows:
                conn.execute(
                    "INSERT INTO portal_alerts (portal_id, kind, detail, opened_at, notified_open, notified_close) "
                    "VALUES (?, ?, ?, ?, 0, 0)",
                    [portal_id, kind, problem.detail, now],
                )
        for kind, alert_id in open_rows.items():
            if kind not in kinds:
                conn.execute("UPDATE portal_alerts SET closed_at = ? WHERE id = ?", [now, alert_id])
    return pending_changes(conn, portal_id, channels)


def pending_changes(conn: sqlite3.Connection, portal_id: str, channels: int) -> list[AlertChange]:
    """Alert changes that a configured channel (``channels``, bits) has not taken yet, oldest first."""
    changes = [
        AlertChange(portal_id, kind, "open", detail, opened_at, alert_id, sent)
        for alert_id, kind, detail, opened_at, sent in conn.execute(
            "SELECT id, kind, detail, opened_at, notified_open FROM portal_alerts "
            "WHERE portal_id = ? AND (notified_open & ?) != ? ORDER BY id",
            [portal_id, channels, channels],
        )
    ]
    changes += [
        AlertChange(portal_id, kind, "cleared", detail, closed_at, alert_id, sent)
        for alert_id, kind, detail, closed_at, sent in conn.execute(
            "SELECT id, kind, detail, closed_at, notified_close FROM portal_alerts "
            "WHERE portal_id = ? AND closed_at IS NOT NULL AND (notified_close & ?) != ? ORDER BY id",
            [portal_id, channels, channels],
        )
    ]
    return changes


def portal_ids(conn: sqlite3.Connection) -> list[str]:
    """The portals the archive has runs of, in id order."""
    return [row[0] for row in conn.execute("SELECT DISTINCT portal_id FROM crawl_runs ORDER BY portal_id")]


def open_alerts(conn: sqlite3.Connection, portal_id: str) -> list[dict[str, Any]]:
    """The portal's alerts still open: kind, detail, since when, and the channels that took the opening (bits)."""
    return [
        {"kind": kind, "detail": detail, "opened_at": opened_at, "sent": sent}
        for kind, detail, opened_at, sent in conn.execute(
            "SELECT kind, detail, opened_at, notified_open FROM portal_alerts "
            "WHERE portal_id = ? AND closed_at IS NULL ORDER BY id",
            [portal_id],
        )
    ]


def mark_sent(conn: sqlite3.Connection, change: AlertChange, channels: int) -> None:
    """Record that the ``channels`` (bits) took an alert change: they are not sent it again."""
    column = "notified_open" if change.state == "open" else "notified_close"
    with conn:
        conn.execute(f"UPDATE portal_alerts SET {column} = {column} | ? WHERE id = ?", [channels, change.alert_id])


__all__ = [
    "EMAIL",
    "PROBLEMS",
    "WEBHOOK",
    "AlertChange",
    "Figures",
    "HealthProblem",
    "Thresholds",
    "figures",
    "mark_sent",
    "open_alerts",
    "pending_changes",
    "portal_ids",
    "problems",
    "update_alerts",
    "usual_gap",
]
