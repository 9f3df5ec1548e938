"""The schedule for the system's own schedulers: crontab lines and systemd units (``govscraper schedule --cron``,
``--systemd``).

The same intervals and jitter as the foreground scheduler (:mod:`.schedule`), written as cron fields or a systemd
timer that runs ``govscraper schedule --once``; each crawl gets the ``GOVSCRAPER_*`` settings of the shell that
printed its schedule, with paths made absolute, since cron and systemd start commands in another directory.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path

from govscraper.ops.schedule import DEFAULT_JITTER, DEFAULT_MAX_PARALLEL, DEFAULT_STOP_TIMEOUT, crawl_command, server_of
from govscraper.registry import Portal, format_interval

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
