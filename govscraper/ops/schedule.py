"""When each portal is due: ``govscraper schedule``'s decisions, as pure functions tested without processes.

Each portal of the registry that is not offline has an interval (``interval = "12h"`` in its entry, daily when
absent). A portal is due when its last run in the archive started longer ago than its interval, stretched or
shrunk by a jitter drawn once per run (±10 % by default), so that thirty portals on a daily interval drift apart
instead of all starting in the same minute. A portal never crawled is due at once. At most one crawl runs per
server (portals on one host and port wait their turn: a small government server should meet one crawler, not two)
and at most ``max_parallel`` run at once (:func:`plan_starts`).

Two things act on these decisions: the foreground scheduler (:mod:`.supervisor`) and the system's own schedulers,
cron and systemd, for which :mod:`.units` writes the same schedule.
"""

from __future__ import annotations

import logging
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govscraper.registry import Portal, UnknownPortal

logger = logging.getLogger("govscraper.ops.schedule")


DEFAULT_JITTER = 0.1


def server_of(portal: Portal) -> str:
    """The server a portal lives on: host name and explicit port (``moduc.quangngai.gov.vn``, ``127.0.0.1:8022``).

    Portals on one server (sub-sites of one host) share that server's capacity, so they are crawled one at a time.
    """
    parts = urlsplit(portal.base_url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def select_portals(registry: Mapping[str, Portal], only: Sequence[str] = ()) -> tuple[list[Portal], list[Portal]]:
    """The portals to schedule (those named in ``only``, else the whole registry) and the offline ones left out.

    An id that is not in the registry raises :class:`UnknownPortal` (a one-line error listing the known ids).
    """
    for portal_id in only:
        if portal_id not in registry:
            raise UnknownPortal(portal_id, sorted(registry))
    chosen = [registry[i] for i in dict.fromkeys(only)] if only else list(registry.values())
    return [p for p in chosen if p.status != "offline"], [p for p in chosen if p.status == "offline"]


@dataclass(frozen=True)
class LastRun:
    """When a portal's last crawl started (the anchor of its next due time) and which run it was."""

    started_at: datetime
    key: str  # names the run, so that its jitter is drawn once and stays put


def parse_timestamp(text: str) -> datetime:
    """An archive timestamp (ISO 8601, UTC) as an aware datetime; one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def last_runs(db: Any) -> dict[str, LastRun]:
    """Each portal's latest run in the archive's ``crawl_runs`` (by ``started_at``), whatever its status.

    A failed or interrupted run counts too: retrying a broken portal at every look would hammer it.
    """
    from govscraper.archive.lookup import latest_runs

    rows = latest_runs(db)
    return {row[0]: LastRun(parse_timestamp(row[1]), f"run {row[2]} {row[1]}") for row in rows if row[1]}


def jitter_fraction(portal_id: str, run_key: str, jitter: float, seed: int = 0) -> float:
    """A fraction in ``[-jitter, +jitter]``, the same every time for one portal, run and seed.

    Drawn per run rather than per look (the loop looks every few seconds): drawn afresh at every look, an early
    draw would come up sooner or later and every portal would start near the early end of its window.
    """
    return random.Random(f"{seed}:{portal_id}:{run_key}").uniform(-jitter, jitter)


def due_at(portal: Portal, last: LastRun | None, jitter: float = DEFAULT_JITTER, seed: int = 0) -> datetime | None:
    """When ``portal`` is next due: its last start plus its interval times ``1 + jitter``; None (at once) if never."""
    if last is None:
        return None
    return last.started_at + portal.interval * (1 + jitter_fraction(portal.id, last.key, jitter, seed))


def due_portals(
    portals: Sequence[Portal],
    last: Mapping[str, LastRun],
    now: datetime,
    jitter: float = DEFAULT_JITTER,
    seed: int = 0,
) -> list[Portal]:
    """The portals due at ``now``, longest overdue first (never-crawled ones before all), ties by id."""
    never = datetime.min.replace(tzinfo=UTC)
    timed = [(due_at(p, last.get(p.id), jitter, seed) or never, p.id, p) for p in portals]
    return [portal for moment, _, portal in sorted(timed, key=lambda t: t[:2]) if moment <= now]


def plan_starts(due: Sequence[Portal], running: Sequence[Portal], max_parallel: int) -> list[Portal]:
    """Which due portals may start now, in order: a free slot each, and never two crawls on one server.

    A portal whose server is busy is passed over (it waits its turn), not a reason to stop looking: the next due
    portal may live elsewhere.
    """
    busy = {server_of(p) for p in running}
    running_ids = {p.id for p in running}
    starts: list[Portal] = []
    for portal in due:
        if len(running) + len(starts) >= max_parallel:
            break
        server = server_of(portal)
        if portal.id in running_ids or server in busy:
            continue
        starts.append(portal)
        busy.add(server)
    return starts


DEFAULT_MAX_PARALLEL = 2


DEFAULT_STOP_TIMEOUT = 60.0


def crawl_command(portal_id: str, db_path: Path, crawl_args: Sequence[str] = (), python: str = "") -> list[str]:
    """``python -m govscraper crawl ID --db PATH [ARGS]``: the same command an archivist would type."""
    return [python or sys.executable, "-m", "govscraper", "crawl", portal_id, "--db", str(db_path), *crawl_args]
