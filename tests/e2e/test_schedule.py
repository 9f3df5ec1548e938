"""``govscraper schedule``: intervals, due times and jitter, limits per server and in all, shutdown, cron and systemd.

The decisions are tested as pure functions and through the loop with a fake launcher on fake time; two tests run
the real thing (crawls of replicas in child processes): ``--once`` over three portals, and a SIGTERM in the middle
of a slow crawl.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from govscraper.cli import cli
from govscraper.ops.schedule import (
    LastRun,
    due_at,
    due_portals,
    jitter_fraction,
    plan_starts,
    select_portals,
    server_of,
)
from govscraper.ops.supervisor import Scheduler
from govscraper.ops.units import cron_fields, systemd_units, timer_period
from govscraper.registry import (
    DEFAULT_INTERVAL,
    RegistryError,
    UnknownPortal,
    format_interval,
    load_registry,
    parse_interval,
    parse_registry,
)
from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import ROOT, registry_entry
from tests.helpers.waiting import wait_for

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def entry(portal_id: str, base_url: str, **fields: str) -> str:
    extra = "".join(f"{k} = {v}\n" for k, v in fields.items())
    return (
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng {portal_id}"\nprovince = "Quảng Ngãi"\nlevel = "xã"\n'
        f'base_url = "{base_url}"\nplatform = "generic"\n{extra}\n'
    )


def portals(*entries: str) -> dict:
    return parse_registry("".join(entries), "test.toml")


# Intervals --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("1d", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(hours=36)),
        (" 6H ", timedelta(hours=6)),
    ],
)
def test_intervals_are_a_number_and_a_unit(text, expected):
    assert parse_interval(text) == expected
    assert parse_interval(format_interval(expected)) == expected


@pytest.mark.parametrize("text", ["", "1", "d", "1.5h", "-1d", "0h", "0d0m", "1 day", "30s", "1y", "daily", "1d 2h"])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError, match="must be"):
        parse_interval(text)


def test_registry_interval_is_optional_and_daily_by_default():
    found = portals(
        entry("qni-a", "https://a.example.vn"),
        entry("qni-b", "https://b.example.vn", interval='"12h"'),
        entry("qni-c", "https://c.example.vn", interval='"7d"'),
    )
    assert found["qni-a"].interval == DEFAULT_INTERVAL == timedelta(days=1)
    assert found["qni-b"].interval == timedelta(hours=12)
    assert found["qni-c"].interval == timedelta(days=7)
    assert "interval" not in found["qni-b"].extra


def test_packaged_entries_use_the_default_interval():
    assert {p.interval for p in load_registry().values()} == {DEFAULT_INTERVAL}
    assert "interval" in (ROOT / "govscraper" / "portals.toml").read_text(encoding="utf-8").split("\n[[portal]]")[0]


@pytest.mark.parametrize("value", ['"1 day"', '"0h"', "30", '"12"'])
def test_bad_registry_interval_is_one_line_naming_the_entry(value):
    with pytest.raises(RegistryError) as caught:
        portals(entry("qni-bad", "https://bad.example.vn", interval=value))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("test.toml: portal 'qni-bad': interval must be")


# Which portals, on which server -------------------------------------------------------------------------------


def test_server_is_host_and_explicit_port():
    found = portals(
        entry("qni-x1", "https://QuangNgai.gov.vn/xa-a/"),
        entry("qni-x2", "https://quangngai.gov.vn/xa-b/"),
        entry("qni-mo", "https://moduc.quangngai.gov.vn/"),
        entry("qni-lo", "http://127.0.0.1:8022/"),
    )
    assert server_of(found["qni-x1"]) == server_of(found["qni-x2"]) == "quangngai.gov.vn"
    assert server_of(found["qni-mo"]) == "moduc.quangngai.gov.vn"
    assert server_of(found["qni-lo"]) == "127.0.0.1:8022"


def test_offline_portals_are_not_scheduled_and_unknown_ids_are_refused():
    registry = portals(
        entry("qni-on", "https://on.example.vn"),
        entry("qni-off", "https://off.example.vn", status='"offline"', offline_since="2025-07-01"),
    )
    scheduled, offline = select_portals(registry)
    assert ([p.id for p in scheduled], [p.id for p in offline]) == (["qni-on"], ["qni-off"])
    scheduled, _ = select_portals(registry, ["qni-on", "qni-on"])
    assert [p.id for p in scheduled] == ["qni-on"]
    with pytest.raises(UnknownPortal, match="known portals: qni-off, qni-on"):
        select_portals(registry, ["qni-nope"])


# Due times and jitter -----------------------------------------------------------------------------------------


def test_jitter_is_deterministic_per_run_and_seed_and_within_bounds():
    assert jitter_fraction("qni-a", "run 1", 0.1, seed=7) == jitter_fraction("qni-a", "run 1", 0.1, seed=7)
    assert jitter_fraction("qni-a", "run 1", 0.1, seed=7) != jitter_fraction("qni-a", "run 1", 0.1, seed=8)
    assert jitter_fraction("qni-a", "run 1", 0.1) != jitter_fraction("qni-a", "run 2", 0.1)
    assert jitter_fraction("qni-a", "run 1", 0.0) == 0.0
    draws = [jitter_fraction(f"qni-{i}", "run 1", 0.1, seed=3) for i in range(2000)]
    assert all(-0.1 <= d <= 0.1 for d in draws)
    assert min(draws) < -0.09
    assert max(draws) > 0.09
    assert abs(sum(draws) / len(draws)) < 0.01  # and neither is favoured


def test_due_time_is_last_start_plus_interval_with_jitter():
    portal = portals(entry("qni-a", "https://a.example.vn", interval='"1d"'))["qni-a"]
    assert due_at(portal, None) is None  # never crawled: due at once
    last = LastRun(T0, "run 4")
    moment = due_at(portal, last, jitter=0.1, seed=11)
    assert moment == T0 + timedelta(days=1) * (1 + jitter_fraction("qni-a", "run 4", 0.1, seed=11))
    assert T0 + timedelta(hours=21.6) <= moment <= T0 + timedelta(hours=26.4)
    assert due_at(portal, last, jitter=0.1, seed=11) == moment  # the same at every look
    assert due_at(portal, last, jitter=0.0) == T0 + timedelta(days=1)


def test_portals_on_one_interval_do_not_fall_due_together():
    registry = portals(*(entry(f"qni-p{i}", f"https://p{i}.example.vn") for i in range(40)))
    last = {pid: LastRun(T0, f"run {n}") for n, pid in enumerate(registry)}
    moments = sorted(due_at(p, last[p.id], jitter=0.1, seed=1) for p in registry.values())
    assert len(set(moments)) == 40
    assert moments[-1] - moments[0] > timedelta(hours=3)  # spread over most of the ±2.4 h window
    assert all(T0 + timedelta(hours=21.6) <= m <= T0 + timedelta(hours=26.4) for m in moments)


def test_due_portals_longest_overdue_first_never_crawled_before_all():
    registry = portals(
        entry("qni-new", "https://new.example.vn"),
        entry("qni-old", "https://old.example.vn"),
        entry("qni-older", "https://older.example.vn"),
        entry("qni-fresh", "https://fresh.example.vn"),
    )
    last = {
        "qni-old": LastRun(T0 - timedelta(days=2), "run 2"),
        "qni-older": LastRun(T0 - timedelta(days=5), "run 1"),
        "qni-fresh": LastRun(T0 - timedelta(hours=1), "run 3"),
    }
    due = due_portals(list(registry.values()), last, T0, jitter=0.1)
    assert [p.id for p in due] == ["qni-new", "qni-older", "qni-old"]
    exact = due_at(registry["qni-old"], last["qni-old"], jitter=0.0)
    assert [p.id for p in due_portals([registry["qni-old"]], last, exact, jitter=0.0)] == ["qni-old"]
    assert due_portals([registry["qni-old"]], last, exact - timedelta(seconds=1), jitter=0.0) == []


# Limits: one crawl per server, max parallel -----------------------------------------------------------------

SERVERS = portals(
    entry("qni-a1", "https://quangngai.gov.vn/xa-1/"),
    entry("qni-a2", "https://quangngai.gov.vn/xa-2/"),
    entry("qni-a3", "https://quangngai.gov.vn/xa-3/"),
    entry("qni-b", "https://b.example.vn/"),
    entry("qni-c", "https://c.example.vn/"),
)


def ids(found) -> list[str]:
    return [p.id for p in found]


def test_plan_starts_one_per_server_within_the_parallel_limit():
    a1, a2, a3, b, c = SERVERS.values()
    assert ids(plan_starts([a1, a2, a3, b, c], [], 2)) == ["qni-a1", "qni-b"]
    assert ids(plan_starts([a1, a2, a3, b, c], [], 5)) == ["qni-a1", "qni-b", "qni-c"]
    assert ids(plan_starts([a2, a3, b, c], [a1], 3)) == ["qni-b", "qni-c"]  # busy server passed over, not a stop
    assert ids(plan_starts([a2, b, c], [a1, b], 2)) == []
    assert ids(plan_starts([a1, b], [], 1)) == ["qni-a1"]


@dataclass
class FakeChild:
    pid: int
    status: int | None = None
    obeys_sigterm: bool = True
    signals: list[int] = field(default_factory=list)
    killed: bool = False
    polls_to_finish: int | None = None  # ends after this many looks (None: when told)
    final_status: int = 0
    polls: int = 0  # looks so far

    def poll(self) -> int | None:
        self.polls += 1
        if self.status is None and self.polls_to_finish is not None:
            self.polls_to_finish -= 1
            if self.polls_to_finish <= 0:
                self.status = self.final_status
        return self.status

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        if self.obeys_sigterm:
            self.status = 0

    def kill(self) -> None:
        self.killed = True
        self.status = -signal.SIGKILL


@dataclass
class FakeLauncher:
    children: dict[str, FakeChild] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)
    concurrency: list[int] = field(default_factory=list)
    polls_to_finish: int | None = None
    final_statuses: dict[str, int] = field(default_factory=dict)
    on_start: Callable[[], None] | None = None

    def __call__(self, portal, log: Path) -> FakeChild:
        if self.on_start:
            self.on_start()
        self.started.append(portal.id)
        self.children[portal.id] = FakeChild(
            pid=1000 + len(self.started),
            polls_to_finish=self.polls_to_finish,
            final_status=self.final_statuses.get(portal.id, 0),
        )
        running = sum(1 for child in self.children.values() if child.status is None)
        self.concurrency.append(running)
        return self.children[portal.id]


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class TickingClock:
    """A monotonic clock on fake time: every look at it moves it on by ``tick`` seconds, so a wait of so many
    seconds is so many looks, whatever the machine's speed."""

    def __init__(self, tick: float) -> None:
        self.now = 0.0
        self.tick = tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def fake_scheduler(
    tmp_path: Path, max_parallel: int = 2, runs: dict | None = None, monotonic: Callable[[], float] = time.monotonic
) -> Scheduler:
    return Scheduler(
        portals=list(SERVERS.values()),
        launcher=FakeLauncher(),
        runs=lambda: runs or {},
        logs_dir=tmp_path / "logs",
        max_parallel=max_parallel,
        jitter=0.1,
        seed=5,
        clock=FakeClock(),
        monotonic=monotonic,
    )


def check_limits(scheduler: Scheduler) -> None:
    servers = [server_of(run.portal) for run in scheduler.running.values()]
    assert len(servers) == len(set(servers)), servers
    assert len(servers) <= scheduler.max_parallel


def test_loop_keeps_one_crawl_per_server_and_the_parallel_limit(tmp_path):
    scheduler = fake_scheduler(tmp_path)
    launcher = scheduler.launcher
    assert ids(scheduler.step(scheduler.due())) == ["qni-a1", "qni-b"]
    check_limits(scheduler)
    assert scheduler.step(scheduler.due()) == []  # both slots taken
    launcher.children["qni-b"].status = 0
    assert ids(scheduler.step(scheduler.due())) == ["qni-c"]  # qni-a2 waits for its server
    check_limits(scheduler)
    launcher.children["qni-a1"].status = 0
    assert ids(scheduler.step(scheduler.due())) == ["qni-a2"]
    launcher.children["qni-c"].status = 0
    assert scheduler.step(scheduler.due()) == []  # qni-a3 still waits for qni-a2
    launcher.children["qni-a2"].status = 0
    assert ids(scheduler.step(scheduler.due())) == ["qni-a3"]
    launcher.children["qni-a3"].status = 0
    scheduler.step(scheduler.due())
    assert launcher.started == ["qni-a1", "qni-b", "qni-c", "qni-a2", "qni-a3"]
    assert [f.portal_id for f in scheduler.finished] == ["qni-b", "qni-a1", "qni-c", "qni-a2", "qni-a3"]


def test_a_crawl_that_left_no_run_row_is_not_restarted_before_its_interval(tmp_path):
    scheduler = fake_scheduler(tmp_path, max_parallel=5)
    for _ in range(5):
        scheduler.step(scheduler.due())
        for child in scheduler.launcher.children.values():
            child.status = 1  # failed before writing a run: the archive knows nothing of it
    scheduler.reap()
    assert sorted(scheduler.launcher.started) == sorted(SERVERS)  # each once, the two on one server in turn
    assert scheduler.running == {}
    assert scheduler.failures == 5
    assert scheduler.due() == []
    scheduler.clock.now = T0 + timedelta(hours=21)
    assert scheduler.due() == []  # earlier than the jitter allows
    scheduler.clock.now = T0 + timedelta(hours=27)
    assert sorted(ids(scheduler.due())) == sorted(SERVERS)


def test_the_archive_decides_what_is_due(tmp_path):
    runs = {
        "qni-a1": LastRun(T0 - timedelta(hours=2), "run 1"),
        "qni-b": LastRun(T0 - timedelta(days=3), "run 2"),
    }
    scheduler = fake_scheduler(tmp_path, max_parallel=5, runs=runs)
    assert ids(scheduler.due()) == ["qni-a2", "qni-a3", "qni-c", "qni-b"]
    assert scheduler.next_due()[0].id == "qni-a2"


def test_exit_statuses_are_logged_and_only_errors_count_as_failures(tmp_path, caplog):
    scheduler = fake_scheduler(tmp_path, max_parallel=5)
    scheduler.step(scheduler.due())
    log = scheduler.running["qni-b"].log
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("...\nrun 3 finished: layout-changed? 60% of article pages unreadable\n", encoding="utf-8")
    statuses = {"qni-a1": 0, "qni-b": 3, "qni-c": 1}
    for portal_id, status in statuses.items():
        scheduler.launcher.children[portal_id].status = status
    with caplog.at_level("INFO", logger="govscraper.ops.schedule"):
        scheduler.reap()
    lines = {r.getMessage().split(":")[0]: r for r in caplog.records}
    assert lines["finished qni-a1"].levelname == "INFO"
    assert lines["finished qni-b"].levelname == "WARNING"
    assert "exit 3" in lines["finished qni-b"].getMessage()
    assert "layout-changed?" in lines["finished qni-b"].getMessage()
    assert lines["failed qni-c"].levelname == "ERROR"
    assert scheduler.failures == 1


def test_shutdown_terminates_then_kills_what_does_not_stop(tmp_path, caplog):
    elapsed = TickingClock(tick=0.05)
    scheduler = fake_scheduler(tmp_path, monotonic=elapsed)
    scheduler.step(scheduler.due())
    obeying, stubborn = scheduler.launcher.children["qni-a1"], scheduler.launcher.children["qni-b"]
    stubborn.obeys_sigterm = False
    kills: list[tuple[float, list[int], int]] = []  # (fake time, signals so far, looks so far) at the kill
    kill = stubborn.kill

    def noted_kill() -> None:
        kills.append((elapsed.now, list(stubborn.signals), stubborn.polls))
        kill()

    stubborn.kill = noted_kill
    scheduler.request_stop(signal.SIGTERM)
    assert scheduler.step(scheduler.due()) == []  # nothing new starts once stopping
    with caplog.at_level("INFO", logger="govscraper.ops.schedule"):
        asked, looked = elapsed.now, stubborn.polls
        scheduler.shutdown(timeout=0.3)
    assert obeying.signals == [signal.SIGTERM]
    assert not obeying.killed
    assert stubborn.signals == [signal.SIGTERM]
    assert stubborn.killed
    [(killed_at, signalled, looks)] = kills
    assert signalled == [signal.SIGTERM]  # SIGTERM first, the kill after it
    # The kill waited out the timeout on the scheduler's own clock (0.3 s: six ticks of the fake one), looking
    # again while it waited whether the crawl had stopped, and came at one of the first looks after it.
    assert asked + 0.3 <= killed_at < asked + 0.3 + 5 * elapsed.tick
    assert looks - looked >= 3
    kill_lines = [r.getMessage() for r in caplog.records if "killing it" in r.getMessage()]
    assert len(kill_lines) == 1
    assert kill_lines[0].startswith("qni-b did not stop within")
    assert scheduler.running == {}
    assert scheduler.failures == 0  # stopped on request: not a failure
    assert "scheduler stopped" in caplog.text


def test_once_starts_every_due_crawl_within_the_limits_and_returns(tmp_path):
    scheduler = fake_scheduler(tmp_path)
    launcher = scheduler.launcher
    launcher.polls_to_finish = 3
    launcher.on_start = lambda: check_limits(scheduler)
    assert scheduler.run(once=True, poll=0.01) == 0
    assert sorted(launcher.started) == sorted(SERVERS)
    assert len(scheduler.finished) == 5
    assert max(launcher.concurrency) == 2
    assert scheduler.run(once=True, poll=0.01) == 0  # nothing is due any more
    assert len(launcher.started) == 5


def test_once_exits_1_when_a_crawl_failed_and_0_on_a_warning(tmp_path):
    failing = fake_scheduler(tmp_path)
    failing.launcher.polls_to_finish = 2
    failing.launcher.final_statuses = {"qni-b": 1, "qni-c": 3}
    assert failing.run(once=True, poll=0.01) == 1
    warned = fake_scheduler(tmp_path)
    warned.launcher.polls_to_finish = 2
    warned.launcher.final_statuses = {"qni-c": 3}
    assert warned.run(once=True, poll=0.01) == 0
    assert sorted(f.status for f in warned.finished) == [0, 0, 0, 0, 3]


# The real thing ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_replica():
    site = build_site(articles=12, seed=5)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        yield server, site


def run_schedule(*args: str, registry: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1", "GOVSCRAPER_REGISTRY": str(registry)}
    return subprocess.run(
        [sys.executable, "-m", "govscraper", "schedule", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )


def log_time(stderr: str, pattern: str) -> datetime:
    for line in stderr.splitlines():
        if re.search(pattern, line):
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    raise AssertionError(f"no log line matching {pattern!r} in:\n{stderr}")


def test_once_crawls_every_due_portal_one_per_server(tmp_path, clean_replica, clean_site, other_replica):
    server_b, site_b = other_replica
    registry = tmp_path / "three.toml"
    registry.write_text(
        registry_entry("qni-same1", clean_replica, clean_site)
        + registry_entry("qni-same2", clean_replica, clean_site)
        + registry_entry("qni-other", server_b, site_b),
        encoding="utf-8",
    )
    db_path = tmp_path / "archive.db"
    ids_ = ("--portal", "qni-same1", "--portal", "qni-same2", "--portal", "qni-other")
    result = run_schedule("--once", "--loopback", "--db", str(db_path), *ids_, "--poll", "0.2", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    runs = {row["portal_id"]: row for row in sqlite_utils.Database(db_path)["crawl_runs"].rows}
    assert set(runs) == {"qni-same1", "qni-same2", "qni-other"}
    assert {row["status"] for row in runs.values()} == {"finished"}
    first, second = sorted((runs["qni-same1"], runs["qni-same2"]), key=lambda r: r["started_at"])
    assert second["started_at"] >= first["finished_at"], "two crawls of one server overlapped"
    # The log's millisecond times say the same: the second crawl of the server started after the first ended.
    names = {first["portal_id"]: "first", second["portal_id"]: "second"}
    ended = log_time(result.stderr, rf"finished {next(k for k, v in names.items() if v == 'first')}: exit 0")
    began = log_time(result.stderr, rf"started {next(k for k, v in names.items() if v == 'second')} ")
    assert began >= ended
    other_began = log_time(result.stderr, r"started qni-other ")
    assert other_began < ended, "the portal on the other server should run alongside the first"
    logs = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert [name.rsplit("-", 1)[0] for name in logs] == ["qni-other", "qni-same1", "qni-same2"]
    assert "crawl qni-other" in (tmp_path / "logs" / logs[0]).read_text(encoding="utf-8").splitlines()[0]
    again = run_schedule("--once", "--loopback", "--db", str(db_path), *ids_, "--poll", "0.2", registry=registry)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 of 3 portals due" in again.stderr
    assert sqlite_utils.Database(db_path)["crawl_runs"].count == 3


def run_status(db_path: Path) -> str | None:
    """The status of the archive's first crawl run; None while there is no archive or no run yet (read-only: the
    look never creates the file the scheduler's crawl is about to create)."""
    if not db_path.exists():
        return None
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        found = conn.execute("SELECT status FROM crawl_runs ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()
    return found[0] if found else None


def test_sigterm_stops_the_scheduler_and_its_crawl_cleanly(tmp_path):
    site = build_site(articles=150, seed=9)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry = tmp_path / "slow.toml"
        registry.write_text(registry_entry("qni-slow", server, site), encoding="utf-8")
        db_path = tmp_path / "archive.db"
        env = {**os.environ, "PYTHONUTF8": "1", "GOVSCRAPER_REGISTRY": str(registry)}
        command = [sys.executable, "-m", "govscraper", "schedule", "--db", str(db_path), "--portal", "qni-slow"]
        command += ["--loopback", "-s", "DOWNLOAD_DELAY=0.1", "--poll", "0.2", "--stop-timeout", "40"]
        process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        try:
            status = wait_for(
                lambda: run_status(db_path),
                "the crawl's run row",
                alive=lambda: process.poll() is None,
                details=lambda: process.communicate()[1][-3000:] if process.poll() is not None else "",
            )
            assert status == "running", "the crawl did not start"
            process.send_signal(signal.SIGTERM)
            # A safety net only, beyond the 40 s --stop-timeout after which the scheduler would kill the crawl.
            _, stderr = process.communicate(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 0, stderr[-3000:]
    assert "SIGTERM: starting no more crawls, stopping 1 running" in stderr
    assert "killing it" not in stderr, stderr[-3000:]  # the crawl stopped on SIGTERM: it was not killed
    assert "scheduler stopped" in stderr
    run = next(iter(sqlite_utils.Database(db_path)["crawl_runs"].rows))
    assert run["status"] in ("interrupted", "finished"), run
    assert run["finished_at"]


# cron and systemd -------------------------------------------------------------------------------------------

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?$")
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def check_cron_fields(fields: list[str]) -> None:
    assert len(fields) == 5, fields
    for text, (low, high) in zip(fields, CRON_RANGES, strict=True):
        for part in text.split(","):
            assert CRON_FIELD.match(part), text
            numbers = [int(n) for n in re.findall(r"\d+", part.split("/")[0])]
            assert all(low <= n <= high for n in numbers), text
            if "/" in part:
                assert int(part.split("/")[1]) >= 1


@pytest.mark.parametrize(
    ("interval", "shape", "exact"),
    [
        ("30m", r"^\d+-59/30 \* \* \* \*$", True),
        ("15m", r"^\d+-59/15 \* \* \* \*$", True),
        ("45m", r"^\d+-59/30 \* \* \* \*$", False),
        ("1h", r"^\d+ \* \* \* \*$", True),
        ("12h", r"^\d+ \d+-23/12 \* \* \*$", True),
        ("5h", r"^\d+ \d+-23/4 \* \* \*$", False),
        ("1d", r"^\d+ \d+ \* \* \*$", True),
        ("1d12h", r"^\d+ \d+ \* \* \*$", False),
        ("3d", r"^\d+ \d+ \d+-31/3 \* \*$", False),
        ("7d", r"^\d+ \d+ \* \* [0-6]$", True),
        ("30d", r"^\d+ \d+ \d+ \* \*$", False),
    ],
)
def test_cron_fields_follow_the_interval(interval, shape, exact):
    fields, note = cron_fields(parse_interval(interval), "qni-moduc")
    assert re.match(shape, fields), fields
    check_cron_fields(fields.split())
    assert (note == "") == exact, note
    assert cron_fields(parse_interval(interval), "qni-moduc") == (fields, note)


def test_cron_spreads_portals_over_the_day():
    moments = {cron_fields(timedelta(days=1), f"qni-p{i}")[0] for i in range(30)}
    assert len(moments) >= 25


@pytest.fixture
def mixed_registry(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "mixed.toml"
    path.write_text(
        entry("qni-quick", "https://quick.example.vn/", interval='"30m"')
        + entry("qni-twice", "https://twice.example.vn/", interval='"12h"')
        + entry("qni-weekly", "https://weekly.example.vn/", interval='"7d"')
        + entry("qni-gone", "https://gone.example.vn/", status='"offline"', offline_since="2025-07-01"),
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVSCRAPER_REGISTRY", str(path))
    monkeypatch.delenv("GOVSCRAPER_CONTACT", raising=False)
    return path


def test_cron_prints_one_valid_line_per_scheduled_portal(tmp_path, mixed_registry, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db_path = tmp_path / "data" / "archive.db"
    only = ("--portal", "qni-quick", "--portal", "qni-twice", "--portal", "qni-weekly", "--portal", "qni-gone")
    result = CliRunner().invoke(
        cli, ["schedule", "--cron", "--db", str(db_path), *only, "-s", "DOWNLOAD_DELAY=3"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    environment = [line for line in lines if re.match(r"^[A-Z_]+=", line)]
    assert environment == [f"GOVSCRAPER_REGISTRY={mixed_registry}"]
    jobs = [line for line in lines if line not in environment]
    assert len(jobs) == 3
    python = str(Path(sys.executable).absolute())
    waits = (30 * 60, 12 * 3600, 7 * 86400)
    for job, portal_id, seconds in zip(jobs, ("qni-quick", "qni-twice", "qni-weekly"), waits, strict=True):
        words = job.split()
        check_cron_fields(words[:5])
        command = " ".join(words[5:])
        assert command.startswith(f"cd {tmp_path} && ")
        assert f"{python} -m govscraper crawl {portal_id} --db {db_path} -s DOWNLOAD_DELAY=3" in command
        assert command.endswith(f">> {tmp_path}/data/logs/cron-{portal_id}.log 2>&1")
        lock = f"{tmp_path}/data/locks/{portal_id.removeprefix('qni-')}.example.vn.lock"
        assert re.search(rf"flock -w {seconds} {re.escape(lock)} ", command), command
    assert "qni-gone" not in result.stdout


def split_units(text: str) -> dict[str, str]:
    parts = re.split(r"^# ---- (\S+) ----$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_systemd_prints_a_valid_service_and_timer(tmp_path, mixed_registry, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db_path = tmp_path / "data" / "archive.db"
    result = CliRunner().invoke(
        cli, ["schedule", "--systemd", "--db", str(db_path), "--max-parallel", "3", "--crawl-arg=--no-warc"]
    )
    assert result.exit_code == 0, result.output
    units = split_units(result.stdout)
    assert set(units) == {"govscraper-schedule.service", "govscraper-schedule.timer"}
    parsed = {}
    for name, text in units.items():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # systemd keys are case-sensitive
        parser.read_string(text)
        parsed[name] = parser
    service, timer = parsed["govscraper-schedule.service"], parsed["govscraper-schedule.timer"]
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["WorkingDirectory"] == str(tmp_path)
    exec_start = service["Service"]["ExecStart"]
    assert exec_start.startswith(f"{Path(sys.executable).absolute()} -m govscraper schedule --once --db {db_path}")
    assert "--max-parallel 3" in exec_start
    assert "--crawl-arg=--no-warc" in exec_start
    assert timer["Timer"]["Persistent"] == "true"
    assert re.match(r"^\*-\*-\* \*:0[0-5]/6:00$", timer["Timer"]["OnCalendar"])  # a quarter of 30m
    assert 0 < int(timer["Timer"]["RandomizedDelaySec"]) <= 6 * 60
    assert timer["Install"]["WantedBy"] == "timers.target"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    for name, text in units.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    verified = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in units)], capture_output=True, text=True, check=False
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == "", verified.stderr
    calendar = subprocess.run(
        [analyze, "calendar", timer["Timer"]["OnCalendar"]], capture_output=True, text=True, check=False
    )
    assert calendar.returncode == 0, calendar.stderr


def test_timer_looks_often_enough_for_the_shortest_interval():
    assert timer_period(timedelta(days=1)) == 60
    assert timer_period(timedelta(hours=2)) == 30
    assert timer_period(timedelta(minutes=30)) == 6
    assert timer_period(timedelta(minutes=1)) == 1
    units = systemd_units(list(SERVERS.values()), Path("/srv/archive.db"), python="/usr/bin/python3", user="archivist")
    assert "OnCalendar=*-*-* *:" in units["govscraper-schedule.timer"]
    assert "User=archivist" in units["govscraper-schedule.service"]


def test_schedule_refuses_bad_arguments(mixed_registry):
    runner = CliRunner()
    unknown = runner.invoke(cli, ["schedule", "--once", "--portal", "qni-nope"])
    assert unknown.exit_code == 1
    assert "unknown portal 'qni-nope'" in unknown.output
    offline = runner.invoke(cli, ["schedule", "--once", "--portal", "qni-gone"])
    assert offline.exit_code == 1
    assert "no portal to schedule" in offline.output
    db_arg = runner.invoke(cli, ["schedule", "--cron", "--crawl-arg=--db=x.db"])
    assert db_arg.exit_code == 2
    both = runner.invoke(cli, ["schedule", "--cron", "--systemd"])
    assert both.exit_code == 2
    bad_setting = runner.invoke(cli, ["schedule", "--cron", "-s", "NOVALUE"])
    assert bad_setting.exit_code == 2
