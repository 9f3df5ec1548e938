"""Crawls on a schedule, without a human: ``govscraper schedule``.

Each portal of the registry that is not offline has an interval (``interval = "12h"`` in its entry, daily when
absent). A portal is due when its last run in the archive started longer ago than its interval, stretched or
shrunk by a jitter drawn once per run (±10 % by default), so that thirty portals on a daily interval drift apart
instead of all starting in the same minute. A portal never crawled is due at once.

Each crawl is a child process, ``python -m govscraper crawl ID --db PATH`` (Twisted's reactor runs once per
process, and a crawl that dies must not take the scheduler with it), writing to ``logs/<portal>-<time>.log``
beside the archive. At most one crawl runs per server (portals on one host and port wait their turn: a small
government server should meet one crawler, not two) and at most ``max_parallel`` run at once.

On SIGTERM or SIGINT the scheduler starts nothing more, passes SIGTERM on to the running crawls (a crawl stops
gracefully and marks its run ``interrupted``), waits for them, kills what is left after a timeout and exits 0.

The decisions (due times, jitter, which crawl may start now) are pure functions, tested without processes;
:class:`Scheduler` is the loop around them. :func:`crontab` and :func:`systemd_units` write the same schedule for
the system's own schedulers, for those who prefer them.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Protocol
from urllib.parse import urlsplit

from govscraper.registry import Portal, UnknownPortal, format_interval

logger = logging.getLogger("govscraper.ops.schedule")

DEFAULT_JITTER = 0.1
DEFAULT_MAX_PARALLEL = 2
DEFAULT_STOP_TIMEOUT = 60.0
#: Exit statuses of ``govscraper crawl``: 0 the crawl ran, 1 it could not (unreachable portal, unwritable archive).
#: Any other status (3: the layout canary fired) is a warning: the crawl ran and someone should look at it.
CRAWL_OK, CRAWL_ERROR = 0, 1
#: Environment variables a crawl started by cron or systemd needs from the shell that printed its schedule: every
#: ``GOVSCRAPER_*`` setting (govscraper.config) and ``GOVSCRAPER_CONFIG``, the user's config file.
PASSED_PREFIX = "GOVSCRAPER_"
#: Variables that name files: made absolute, since cron and systemd start commands in another directory.
PATH_VARIABLES = (
    "GOVSCRAPER_REGISTRY",
    "GOVSCRAPER_CONFIG",
    "GOVSCRAPER_DB",
    "GOVSCRAPER_WARC_DIR",
    "GOVSCRAPER_JOBS_DIR",
)


# Which portals, and where they live ------------------------------------------------------------------------


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


# When a portal is due --------------------------------------------------------------------------------------


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


# Crawls as child processes ---------------------------------------------------------------------------------


class Child(Protocol):
    """What the scheduler needs of a running crawl (a :class:`subprocess.Popen`, or a fake in tests)."""

    pid: int

    def poll(self) -> int | None: ...

    def send_signal(self, signum: int) -> None: ...

    def kill(self) -> None: ...


#: Starts the crawl of a portal with its output going to the given log file.
Launcher = Callable[[Portal, Path], Child]


def crawl_command(portal_id: str, db_path: Path, crawl_args: Sequence[str] = (), python: str = "") -> list[str]:
    """``python -m govscraper crawl ID --db PATH [ARGS]``: the same command an archivist would type."""
    return [python or sys.executable, "-m", "govscraper", "crawl", portal_id, "--db", str(db_path), *crawl_args]


def log_path(logs_dir: Path, portal_id: str, moment: datetime) -> Path:
    """``<logs>/<portal>-<UTC time>.log``, with a counter when two crawls of a portal start in the same second."""
    stem = f"{portal_id}-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    candidate, number = logs_dir / f"{stem}.log", 1
    while candidate.exists():
        number += 1
        candidate = logs_dir / f"{stem}-{number}.log"
    return candidate


class ProcessLauncher:
    """Starts ``govscraper crawl`` in a child process, its stdout and stderr in the crawl's log file.

    The child gets a session of its own so that a Ctrl-C at the terminal reaches only the scheduler, which passes
    one SIGTERM on: a crawl that saw both signals would take the second as "stop now, uncleanly".
    """

    def __init__(self, db_path: Path, crawl_args: Sequence[str] = ()):
        self.db_path = db_path
        self.crawl_args = tuple(crawl_args)

    def __call__(self, portal: Portal, log: Path) -> subprocess.Popen[bytes]:
        command = crawl_command(portal.id, self.db_path, self.crawl_args)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as stream:
            stream.write(f"$ {shlex.join(command)}\n".encode())
            stream.flush()
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )


@dataclass
class Running:
    portal: Portal
    child: Child
    log: Path
    started: float  # monotonic clock


@dataclass
class Finished:
    portal_id: str
    status: int
    seconds: float
    log: Path


def _last_line(path: Path, limit: int = 240) -> str:
    """The last non-empty line of a log (a failed crawl's one-line reason), shortened."""
    try:
        with path.open("rb") as stream:
            stream.seek(max(0, path.stat().st_size - 8192))
            tail = stream.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_status(status: int) -> str:
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    if status in (128 + signal.SIGINT, 128 + signal.SIGTERM):  # a crawl stops this way, its run resumable
        return f"stopped by {signal.Signals(status - 128).name} (exit {status}; crawl --resume continues it)"
    if status == 5:  # govscraper.cli.common.BUDGET_EXIT
        return "budget reached (exit 5; crawl --resume continues it)"
    return f"exit {status}"


# The loop ---------------------------------------------------------------------------------------------------


@dataclass
class Scheduler:
    """Starts due crawls within the limits, reaps them, and stops cleanly on SIGTERM/SIGINT.

    ``runs`` reads each portal's last run (from the archive); ``clock`` and ``monotonic`` are the wall and elapsed
    clocks. All three are parameters so that tests can run the loop on fake time with a fake launcher.
    """

    portals: Sequence[Portal]
    launcher: Launcher
    runs: Callable[[], Mapping[str, LastRun]]
    logs_dir: Path
    max_parallel: int = DEFAULT_MAX_PARALLEL
    jitter: float = DEFAULT_JITTER
    seed: int = 0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    monotonic: Callable[[], float] = time.monotonic
    running: dict[str, Running] = field(default_factory=dict)
    #: The latest ended crawls (a bounded record: the scheduler runs for months).
    finished: deque[Finished] = field(default_factory=lambda: deque(maxlen=1000))
    #: This process's own starts: a crawl that died before writing its run row must not be started again at once.
    launched: dict[str, LastRun] = field(default_factory=dict)
    failures: int = 0
    stopping: bool = False
    _signals: list[int] = field(default_factory=list)
    _stop_logged: bool = False
    _announced: tuple[str, datetime] | None = None

    # decisions

    def last_runs(self) -> dict[str, LastRun]:
        known = dict(self.runs())
        for portal_id, launch in self.launched.items():
            if portal_id not in known or known[portal_id].started_at < launch.started_at:
                known[portal_id] = launch
        return known

    def due(self) -> list[Portal]:
        """Due portals that are not running now, longest overdue first."""
        due = due_portals(self.portals, self.last_runs(), self.clock(), self.jitter, self.seed)
        return [p for p in due if p.id not in self.running]

    def next_due(self) -> tuple[Portal, datetime] | None:
        """The portal that falls due next (not running now), and when."""
        last = self.last_runs()
        never = datetime.min.replace(tzinfo=UTC)
        upcoming = [
            (due_at(p, last.get(p.id), self.jitter, self.seed) or never, p.id, p)
            for p in self.portals
            if p.id not in self.running
        ]
        if not upcoming:
            return None
        moment, _, portal = min(upcoming, key=lambda t: t[:2])
        return portal, self.clock() if moment == never else moment

    # actions

    def start(self, portal: Portal) -> None:
        now = self.clock()
        self.launched[portal.id] = LastRun(now, f"launch {now.isoformat()}")
        log = log_path(self.logs_dir, portal.id, now)
        try:
            child = self.launcher(portal, log)
        except OSError as exc:
            self.failures += 1
            logger.error("could not start the crawl of %s: %s", portal.id, exc)
            return
        self.running[portal.id] = Running(portal, child, log, self.monotonic())
        logger.info("started %s (%s, pid %s), log %s", portal.id, server_of(portal), child.pid, log)

    def reap(self) -> list[Finished]:
        """Collect the crawls that ended, with a log line each: status, duration, and the reason when not 0."""
        ended = []
        for portal_id, run in list(self.running.items()):
            status = run.child.poll()
            if status is None:
                continue
            del self.running[portal_id]
            done = Finished(portal_id, status, self.monotonic() - run.started, run.log)
            ended.append(done)
            self.finished.append(done)
            self._report(done)
        return ended

    def _report(self, done: Finished) -> None:
        where = f"{done.portal_id}: {describe_status(done.status)} after {done.seconds:.1f} s"
        if done.status == CRAWL_OK:
            logger.info("finished %s, log %s", where, done.log)
            return
        reason = _last_line(done.log)
        if done.status == CRAWL_ERROR or (done.status < 0 and not self.stopping):
            self.failures += 1
            logger.error("failed %s (%s), log %s", where, reason or "no output", done.log)
        else:
            logger.warning("finished %s (%s), log %s", where, reason or "no output", done.log)

    def step(self, candidates: Sequence[Portal]) -> list[Portal]:
        """Reap ended crawls, then start those of ``candidates`` the limits allow; returns the started portals."""
        self.reap()
        self.handle_signals()
        if self.stopping:
            return []
        starts = plan_starts(candidates, [r.portal for r in self.running.values()], self.max_parallel)
        for portal in starts:
            self.start(portal)
        return starts

    def announce_next(self) -> None:
        """Say which portal is next and when, once each time that changes (not at every look)."""
        upcoming = self.next_due()
        if upcoming is None or self.running:
            return
        portal, moment = upcoming
        if self._announced != (portal.id, moment):
            self._announced = (portal.id, moment)
            wait = max(timedelta(), moment - self.clock())
            logger.info(
                "next: %s at %s (in %s)",
                portal.id,
                moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                format_interval(wait) if wait >= timedelta(minutes=1) else f"{wait.total_seconds():.0f} s",
            )

    # signals and shutdown

    def request_stop(self, signum: int, frame: FrameType | None = None) -> None:
        """The signal handler: only records the signal; the loop acts on it (logging is not safe in a handler)."""
        self.stopping = True
        self._signals.append(signum)

    def handle_signals(self) -> None:
        while self._signals:
            signum = self._signals.pop(0)
            name = signal.Signals(signum).name
            if not self._stop_logged:
                self._stop_logged = True
                logger.info("%s: starting no more crawls, stopping %d running", name, len(self.running))
            else:
                # Scrapy takes a second SIGTERM as "stop now, uncleanly": the archivist asked twice.
                logger.warning("%s again: telling the running crawls to stop at once", name)
                self._signal_children(signal.SIGTERM)

    def _signal_children(self, signum: int) -> None:
        for run in self.running.values():
            with suppress(ProcessLookupError):
                run.child.send_signal(signum)

    def shutdown(self, timeout: float) -> None:
        """SIGTERM to every running crawl, wait up to ``timeout`` seconds, then SIGKILL what is left."""
        self.handle_signals()
        self._signal_children(signal.SIGTERM)
        deadline = self.monotonic() + timeout
        while self.running and self.monotonic() < deadline:
            self.handle_signals()
            self.reap()
            if self.running:
                time.sleep(0.05)
        for run in list(self.running.values()):
            logger.warning("%s did not stop within %.0f s: killing it (pid %s)", run.portal.id, timeout, run.child.pid)
            with suppress(ProcessLookupError):
                run.child.kill()
        deadline = self.monotonic() + 10
        while self.running and self.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        logger.info("scheduler stopped")

    @contextmanager
    def signals_handled(self) -> Iterator[None]:
        """SIGTERM and SIGINT stop the loop (not the process) while inside; the old handlers come back after."""
        previous = {s: signal.signal(s, self.request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking at once when a signal arrives or a crawl ends."""
        deadline = self.monotonic() + seconds
        while not self._signals and self.monotonic() < deadline:
            if any(run.child.poll() is not None for run in self.running.values()):
                return
            time.sleep(min(0.05, max(0.0, deadline - self.monotonic())))

    def run(self, once: bool = False, poll: float = 5.0, stop_timeout: float = DEFAULT_STOP_TIMEOUT) -> int:
        """Run until stopped (or, with ``once``, until every portal due at the start has been crawled).

        Returns the exit status: 0, or with ``once`` 1 when a crawl failed (exit 1, or killed), so that cron and
        systemd report it. A stop by signal is a normal end: 0.
        """
        with self.signals_handled():
            pending = self.due() if once else []
            if once:
                logger.info(
                    "%d of %d portals due: %s", len(pending), len(self.portals), " ".join(p.id for p in pending) or "-"
                )
            while not self.stopping:
                if once:
                    for portal in self.step(pending):
                        pending.remove(portal)
                    if not pending and not self.running:
                        break
                else:
                    self.step(self.due())
                    self.announce_next()
                self._wait(poll)
            if self.stopping:
                self.shutdown(stop_timeout)
                return 0
        return 1 if once and self.failures else 0


# For the system's own schedulers ---------------------------------------------------------------------------


def _spread(key: str) -> int:
    """A number fixed by ``key`` (not Python's salted ``hash``): the same portal gets the same minute every time."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


_MINUTE_STEPS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)  # divide an hour: cron's */N restarts every hour
_HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12)  # divide a day


def cron_fields(interval: timedelta, key: str) -> tuple[str, str]:
    """The five crontab time fields for "every ``interval``", at a minute (hour, weekday) spread by ``key``.

    Cron counts minutes within the hour, hours within the day and days within the month, so an interval that is
    not a step of those is rounded to one that runs more often, never less; the second value then says how.
    """
    minutes = max(1, int(interval.total_seconds() // 60))
    spread = _spread(key)
    minute, hour, weekday, day = spread % 60, (spread // 60) % 24, (spread // 1440) % 7, spread // 10080
    if minutes < 60:
        step = max(s for s in _MINUTE_STEPS if s <= minutes)
        fields = "* * * * *" if step == 1 else f"{minute % step}-59/{step} * * * *"
        exact, said = step == minutes, f"every {step} minutes"
    elif minutes < 1440:
        step = max(s for s in _HOUR_STEPS if s <= minutes // 60)
        fields = f"{minute} * * * *" if step == 1 else f"{minute} {hour % step}-23/{step} * * *"
        exact, said = step * 60 == minutes, "hourly" if step == 1 else f"every {step} hours"
    elif minutes == 7 * 1440:
        fields, exact, said = f"{minute} {hour} * * {weekday}", True, "weekly"
    elif minutes < 28 * 1440:
        days = minutes // 1440
        fields = f"{minute} {hour} * * *" if days == 1 else f"{minute} {hour} {1 + day % days}-31/{days} * *"
        exact = days == 1 and minutes == 1440
        said = "daily" if days == 1 else f"every {days} days, counted from the start of each month"
    else:
        fields, exact, said = f"{minute} {hour} {1 + day % 28} * *", False, "monthly"
    return fields, "" if exact else f"cron cannot say every {format_interval(interval)}: {said}"


def _cron_escape(command: str) -> str:
    """Cron turns an unescaped ``%`` in a command into a newline."""
    return command.replace("%", r"\%")


def passed_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The govscraper variables of this shell that a crawl started by cron or systemd must see too: the settings
    set in the environment, so the scheduled crawl runs with what ``govscraper config`` shows here.

    Paths (``GOVSCRAPER_REGISTRY``, ``GOVSCRAPER_CONFIG``...) are made absolute: cron and systemd start commands in
    another directory.
    """
    environ = os.environ if environ is None else environ
    found = {name: environ[name] for name in sorted(environ) if name.startswith(PASSED_PREFIX) and environ[name]}
    for name in PATH_VARIABLES:
        if name in found:
            paths = [str(Path(p).absolute()) for p in found[name].split(os.pathsep) if p]
            found[name] = os.pathsep.join(paths)
    return found


def _lock_name(server: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", server) + ".lock"


def crontab(
    portals: Sequence[Portal],
    db_path: Path,
    crawl_args: Sequence[str] = (),
    project_dir: Path | None = None,
    python: str = "",
    environ: Mapping[str, str] | None = None,
) -> str:
    """Crontab lines, one per portal, each running its crawl on the portal's interval (printed, not installed).

    ``flock`` on a lock file per server makes portals on one server wait their turn, as the scheduler does; for at
    most one interval, so that a crawl outlasting its interval does not pile up waiting copies of the next ones.
    """
    project = (project_dir or Path.cwd()).absolute()
    db = db_path.absolute()
    python = python or str(Path(sys.executable).absolute())
    logs, locks = db.parent / "logs", db.parent / "locks"
    flock = shutil.which("flock") or "flock"
    quote = shlex.quote
    lines = [
        "# govscraper: one crawl per portal on the portal's interval (govscraper schedule --cron). Install with",
        "# `crontab -e`; times are the machine's local time. flock (util-linux) makes portals on one server take",
        "# turns (waiting at most one interval); each portal's output is appended to its log under " + str(logs) + ".",
    ]
    lines += [f"{name}={value}" for name, value in passed_environment(environ).items()]
    for portal in portals:
        fields, note = cron_fields(portal.interval, portal.id)
        server = server_of(portal)
        lines.append(
            f"# {portal.id} on {server}: every {format_interval(portal.interval)}" + (f"; {note}" if note else "")
        )
        command = (
            f"cd {quote(str(project))} && mkdir -p {quote(str(logs))} {quote(str(locks))} && "
            f"{flock} -w {int(portal.interval.total_seconds())} {quote(str(locks / _lock_name(server)))} "
            f"{shlex.join(crawl_command(portal.id, db, crawl_args, python))} "
            f">> {quote(str(logs / f'cron-{portal.id}.log'))} 2>&1"
        )
        lines.append(f"{fields} {_cron_escape(command)}")
    return "\n".join(lines) + "\n"


def timer_period(shortest: timedelta) -> int:
    """Minutes between two looks of the systemd timer: a quarter of the shortest interval, at most an hour.

    Each look (``schedule --once``) crawls only what is due, so looking often costs a process start; looking once
    per interval would make a portal whose jitter fell late wait a whole extra interval.
    """
    quarter = max(1, int(shortest.total_seconds() // 60) // 4)
    return 60 if quarter >= 60 else max(s for s in _MINUTE_STEPS if s <= quarter)


def _systemd_word(word: str) -> str:
    """One word of a unit file's command line: specifiers (%) and variables ($) escaped, quoted when needed."""
    escaped = word.replace("%", "%%").replace("$", "$$")
    if not escaped or re.search(r"[\s\"'\\;]", escaped):
        escaped = '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


def schedule_command(
    db_path: Path,
    only: Sequence[str] = (),
    crawl_args: Sequence[str] = (),
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    jitter: float = DEFAULT_JITTER,
    stop_timeout: float = DEFAULT_STOP_TIMEOUT,
    python: str = "",
) -> list[str]:
    """``python -m govscraper schedule --once ...`` with this scheduler's options, for a systemd service."""
    command = [python or sys.executable, "-m", "govscraper", "schedule", "--once", "--db", str(db_path)]
    command += ["--max-parallel", str(max_parallel), "--jitter", f"{jitter:g}", "--stop-timeout", f"{stop_timeout:g}"]
    for portal_id in only:
        command += ["--portal", portal_id]
    command += [f"--crawl-arg={shlex.quote(arg)}" for arg in crawl_args]
    return command


def systemd_units(
    portals: Sequence[Portal],
    db_path: Path,
    only: Sequence[str] = (),
    crawl_args: Sequence[str] = (),
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    jitter: float = DEFAULT_JITTER,
    stop_timeout: float = DEFAULT_STOP_TIMEOUT,
    project_dir: Path | None = None,
    python: str = "",
    environ: Mapping[str, str] | None = None,
    user: str = "",
) -> dict[str, str]:
    """A oneshot service running ``schedule --once`` and the timer that starts it (file name → text).

    One service for all portals rather than one per portal: ``--once`` keeps each portal's own interval and
    jitter (from the archive), one crawl per server and the parallel limit, which separate units could not.
    """
    project = (project_dir or Path.cwd()).absolute()
    db = db_path.absolute()
    python = python or str(Path(sys.executable).absolute())
    shortest = min((p.interval for p in portals), default=timedelta(days=1))
    period = timer_period(shortest)
    minute = _spread(str(db)) % period
    calendar = f"*-*-* *:{minute:02d}:00" if period == 60 else f"*-*-* *:{minute:02d}/{period}:00"
    command = schedule_command(db, only, crawl_args, max_parallel, jitter, stop_timeout, python)
    environment = [
        f"Environment={_systemd_word(f'{name}={value}')}"
        for name, value in {"PYTHONUTF8": "1", **passed_environment(environ)}.items()
    ]
    service = [
        "[Unit]",
        f"Description=govscraper: crawl the portals that are due into {db}",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"User={user or getpass.getuser()}",
        f"WorkingDirectory={_systemd_word(str(project))}",
        *environment,
        "ExecStart=" + " ".join(_systemd_word(word) for word in command),
        "# A crawl of a large portal takes hours; on stop the scheduler passes SIGTERM on to its crawls.",
        "TimeoutStartSec=infinity",
        "KillMode=mixed",
        f"TimeoutStopSec={int(stop_timeout) + 30}",
    ]
    timer = [
        "[Unit]",
        f"Description=govscraper: look for due portals every {period} minutes",
        "",
        "[Timer]",
        f"# Shortest interval {format_interval(shortest)}: each portal is crawled when its own interval (with its",
        "# jitter) has passed; the timer only bounds how late. Persistent: a look missed while off is made at boot.",
        f"OnCalendar={calendar}",
        f"RandomizedDelaySec={max(1, round(period * 60 * jitter))}",
        "Persistent=true",
        "Unit=govscraper-schedule.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]
    return {
        "govscraper-schedule.service": "\n".join(service) + "\n",
        "govscraper-schedule.timer": "\n".join(timer) + "\n",
    }


def format_units(units: Mapping[str, str]) -> str:
    """Unit files for printing: each after a ``# ---- NAME ----`` line, with how to install them."""
    names = " ".join(units)
    parts = [
        f"# govscraper schedule --systemd: save each unit below under /etc/systemd/system/ ({names}), then",
        "#   systemctl daemon-reload && systemctl enable --now govscraper-schedule.timer",
    ]
    for name, text in units.items():
        parts.append(f"# ---- {name} ----\n{text.rstrip()}")
    return "\n".join(parts) + "\n"


# The command ------------------------------------------------------------------------------------------------


def configure_logging(verbose: bool = False) -> None:
    """Plain timestamped lines on stderr: the scheduler runs under cron, systemd or nohup, not at a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def run_schedule(
    portals: Sequence[Portal],
    db_path: Path,
    crawl_args: Sequence[str] = (),
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    jitter: float = DEFAULT_JITTER,
    seed: int = 0,
    once: bool = False,
    poll: float = 5.0,
    stop_timeout: float = DEFAULT_STOP_TIMEOUT,
) -> int:
    """The ``govscraper schedule`` loop over ``portals`` and the archive at ``db_path``; returns the exit status."""
    from govscraper.archive.schema import close_db, open_db

    archive = open_db(db_path)  # creates and migrates it now, not in the first crawl, and reads its runs
    try:
        scheduler = Scheduler(
            portals=portals,
            launcher=ProcessLauncher(db_path, crawl_args),
            runs=lambda: last_runs(archive),
            logs_dir=db_path.parent / "logs",
            max_parallel=max_parallel,
            jitter=jitter,
            seed=seed,
        )
        with scheduler.signals_handled():  # from the first line it prints, a signal stops it cleanly
            logger.info(
                "scheduling %d portals into %s: at most %d crawls at once, one per server, jitter ±%g%%",
                len(portals),
                db_path,
                max_parallel,
                jitter * 100,
            )
            last = scheduler.last_runs()
            for portal in portals:
                moment = due_at(portal, last.get(portal.id), jitter, seed)
                logger.debug(
                    "%s on %s every %s: due %s",
                    portal.id,
                    server_of(portal),
                    format_interval(portal.interval),
                    moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "now (never crawled)",
                )
            return scheduler.run(once=once, poll=poll, stop_timeout=stop_timeout)
    finally:
        close_db(archive)
