"""The foreground scheduler: ``govscraper schedule`` starting each due crawl as a child process.

Each crawl is a child process, ``python -m govscraper crawl ID --db PATH`` (Twisted's reactor runs once per
process, and a crawl that dies must not take the scheduler with it), writing to ``logs/<portal>-<time>.log``
beside the archive. What to start when is decided by the pure functions of :mod:`.schedule`; :class:`Scheduler`
is the loop around them.

On SIGTERM or SIGINT the scheduler starts nothing more, passes SIGTERM on to the running crawls (a crawl stops
gracefully and marks its run ``interrupted``), waits for them, kills what is left after a timeout and exits 0.
"""

from __future__ import annotations

import logging
import os
import shlex
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
from typing import Protocol

from govscraper.ops.schedule import (
    DEFAULT_JITTER,
    DEFAULT_MAX_PARALLEL,
    DEFAULT_STOP_TIMEOUT,
    LastRun,
    crawl_command,
    due_at,
    due_portals,
    last_runs,
    logger,
    plan_starts,
    server_of,
)
from govscraper.registry import Portal, format_interval

#: Exit statuses of ``govscraper crawl``: 0 the crawl ran, 1 it could not (unreachable portal, unwritable archive).
#: Any other status (3: the layout canary fired) is a warning: the crawl ran and someone should look at it.
CRAWL_OK, CRAWL_ERROR = 0, 1


class Child(Protocol):
    """What the scheduler needs of a running crawl (a :class:`subprocess.Popen`, or a fake in tests)."""

    pid: int

    def poll(self) -> int | None: ...

    def send_signal(self, signum: int) -> None: ...

    def kill(self) -> None: ...


#: Starts the crawl of a portal with its output going to the given log file.
Launcher = Callable[[Portal, Path], Child]


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
