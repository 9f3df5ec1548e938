"""Shared fixtures: replica portals on 127.0.0.1 and a registry file pointing at them; hostile sites per module.

Tests are in two folders, marked by where they are: ``tests/unit/`` (pure functions and single modules, no process
or server: ``pytest -m unit``) and ``tests/e2e/`` (commands in processes, crawls over loopback HTTP into real
archives, Datasette, Scrapyd, a browser: ``pytest -m e2e``). Helpers that tests import live in ``tests/helpers/``
(a command in a process: ``tests/helpers/cli.py``). A crawled archive of the shared replicas comes from
:func:`crawled_archive`: each crawl once per session, a private copy per caller.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from govscraper_replica import ReplicaServer, ReplicaSite, build_site
from tests.helpers.cli import registry_entry, run_cli

# Hypothesis times each example against a deadline (200 ms) and calls a slow one a failure: a wall-clock assertion,
# which a busy machine breaks (a 0.02 ms fold once took 315 ms beside a second copy of the suite). Properties are
# about results; their speed is measured in benchmarks/.
settings.register_profile("govscraper", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("govscraper")


def pytest_configure(config: pytest.Config) -> None:
    """Let Python keep compiled modules (``__pycache__``, ignored by git) even where the environment says not to
    (``PYTHONDONTWRITEBYTECODE``, set in some containers): the suite starts about a thousand Python processes (crawls,
    commands, servers, document workers), and each compiled govscraper's modules again without it, 0.1 s a process,
    and each pytest worker rewrote every test module (3 s). Set here, before the workers start, so they and every
    process they start inherit it; what the code under test does is unchanged."""
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


#: The test files that take longest (``pytest --durations``), run first: the workers (``-n 4 --dist loadfile``, in
#: pyproject.toml) each take the next file when they finish one, so the long files must not be the last ones handed
#: out. Then the other end-to-end files, then the unit tests, which are quick and fill the gaps at the end. Only the
#: suite's duration depends on this list, never a result.
LONGEST_FIRST = (
    "test_documented_commands",
    "test_documented_benchmarks",
    "test_interrupt",
    "test_resume",
    "test_budgets",
    "test_hostile_warc",
    "test_crawl_feeds",
    "test_archive_crash",
    "test_offload",
    "test_wayback",
    "test_incremental",
    "test_import_warc",
    "test_hostile_responses",
    "test_scope",
    "test_config",
    "test_export_articles",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked ``unit`` or ``e2e`` by its folder; files are ordered as :data:`LONGEST_FIRST` says (the
    tests of a file keep their order)."""
    for item in items:
        folder = item.path.parent.name
        if folder in ("unit", "e2e"):
            item.add_marker(folder)

    def rank(item: pytest.Item) -> tuple[int, int]:
        stem = item.path.stem
        if stem in LONGEST_FIRST:
            return (0, LONGEST_FIRST.index(stem))
        return (1 if item.path.parent.name != "unit" else 2, 0)

    items.sort(key=rank)  # stable: collection order within a rank and within a file


@pytest.fixture(scope="session")
def clean_site() -> ReplicaSite:
    return build_site(articles=36, seed=2022)


@pytest.fixture(scope="session")
def clean_replica(clean_site: ReplicaSite) -> Iterator[ReplicaServer]:
    with ReplicaServer(clean_site, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(scope="session")
def faulty_site() -> ReplicaSite:
    return build_site(articles=36, seed=7, faults="all")


@pytest.fixture(scope="session")
def faulty_replica(faulty_site: ReplicaSite) -> Iterator[ReplicaServer]:
    # The timeout fault answers after 4 s; crawls of this replica set DOWNLOAD_TIMEOUT=2.
    with ReplicaServer(faulty_site, host="127.0.0.1", port=0, timeout_delay=4) as server:
        yield server


@pytest.fixture(scope="session")
def registry_file(tmp_path_factory, clean_replica, clean_site, faulty_replica, faulty_site) -> Path:
    path = tmp_path_factory.mktemp("registry") / "replicas.toml"
    path.write_text(
        registry_entry("qni-replica", clean_replica, clean_site)
        + registry_entry("qni-faulty", faulty_replica, faulty_site),
        encoding="utf-8",
    )
    return path


@dataclass(frozen=True)
class Crawled:
    """A crawled archive: the archive file (its WARC files in ``warc/`` beside it) and the crawl command's result."""

    db_path: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def crawled_archive(tmp_path_factory, registry_file, clean_replica, faulty_replica) -> Callable[..., Crawled]:
    """``crawled_archive(portal="qni-replica", *options)``: the archive of ``govscraper crawl PORTAL --loopback
    OPTIONS`` over a replica of :func:`registry_file`, as a copy of its own (archive and WARC files) for the caller.

    Each crawl runs once per session, whoever asks first; every caller gets a fresh copy of its folder, so one test
    module may crawl it again, edit or lock it without another seeing it. The copy is taken of a finished crawl: its
    archive is closed, one file, its WARC paths relative to its folder. The result is the first crawl's; callers
    check its status themselves (a crawl of the faulty replica is meant to record failures).
    """
    done: dict[tuple[str, ...], Crawled] = {}

    def crawl(portal: str = "qni-replica", *options: str) -> Crawled:
        key = (portal, *options)
        if key not in done:
            db_path = tmp_path_factory.mktemp(f"crawled-{portal}") / "archive.db"
            result = run_cli("crawl", portal, "--db", str(db_path), "--loopback", *options, registry=registry_file)
            done[key] = Crawled(db_path, result)
        original = done[key]
        folder = tmp_path_factory.mktemp(f"copy-{portal}")
        shutil.copytree(original.db_path.parent, folder, dirs_exist_ok=True)
        return Crawled(folder / original.db_path.name, original.result)

    return crawl


# The hostile site (tests/helpers/hostile_site.py) for the modules that crawl it: each module gets its own servers and
# its own rows of the hostile cases' table, printed after its tests as "hostile cases (<module>)". test_hostile_warc.py
# defines its own ``site`` (a replica) and ``table`` (a Markdown table), which take precedence there.
@pytest.fixture(scope="module")
def site():
    """The hostile web site's servers (tests/helpers/hostile_site.py), for one test module."""
    from tests.helpers.hostile_site import HostileSite

    hostile = HostileSite()
    yield hostile
    hostile.close()


@pytest.fixture(scope="module")
def table(request):
    """A test module's rows of the hostile cases' table (tests/helpers/hostile_site.py), printed after its tests."""
    from tests.helpers.hostile_site import Table

    collected = Table()
    yield collected
    collected.show(request, f"hostile cases ({request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')})")
