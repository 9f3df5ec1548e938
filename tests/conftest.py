"""Shared fixtures: replica portals on 127.0.0.1, registry entries pointing at them, and CLI runs in processes.

Crawls run in their own process (``python -m govscraper``): Twisted's reactor runs once per process, and a
separate process is how archivists run crawls anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govscraper_replica import ReplicaServer, ReplicaSite, build_site

ROOT = Path(__file__).resolve().parent.parent


def registry_entry(portal_id: str, server: ReplicaServer, site: ReplicaSite, platform: str = "liferay62") -> str:
    """A registry entry for a replica, as an archivist would write it."""
    categories = ", ".join(f'"{slug}"' for slug, *_ in site.categories)
    return (
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng thông tin điện tử huyện Mộ Đức (bản sao)"\n'
        f'province = "Quảng Ngãi"\nlevel = "huyện"\nbase_url = "{server.url}"\nplatform = "{platform}"\n'
        f'start_urls = [{categories}]\nstatus = "live"\n\n'
    )


def run_cli(
    *args: str,
    registry: Path | None = None,
    timeout: float = 240,
    cwd: Path | None = None,
    command: tuple[str, ...] = (sys.executable, "-m", "govscraper"),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a govscraper command in a new process, as a user would; output captured as text. ``env``: variables set
    over this process's environment."""
    merged = {**os.environ, "PYTHONUTF8": "1", **(env or {})}
    if registry is not None:
        merged["GOVSCRAPER_REGISTRY"] = str(registry)
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=merged, cwd=cwd or ROOT, check=False
    )


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


# The hostile site (tests/hostile_site.py) for the modules that crawl it: each module gets its own servers and its
# own rows of the hostile cases' table, printed after its tests as "hostile cases (<module>)". test_hostile_warc.py
# defines its own ``site`` (a replica) and ``table`` (a Markdown table), which take precedence there.
@pytest.fixture(scope="module")
def site():
    """The hostile web site's servers (tests/hostile_site.py), for one test module."""
    from tests.hostile_site import HostileSite

    hostile = HostileSite()
    yield hostile
    hostile.close()


@pytest.fixture(scope="module")
def table(request):
    """A test module's rows of the hostile cases' table (tests/hostile_site.py), printed after its tests."""
    from tests.hostile_site import Table

    collected = Table()
    yield collected
    collected.show(request, f"hostile cases ({request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')})")
