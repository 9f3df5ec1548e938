"""Scrapyd end to end: deploy the project with ``scrapyd-deploy`` (an egg) to a real Scrapyd on 127.0.0.1, schedule a
crawl of the replica through Scrapyd's HTTP API, and find it in the archive.

The deploy runs in a copy of the project: ``scrapyd-deploy`` writes ``setup.py``, ``build/`` and ``*.egg-info`` next
to ``scrapy.cfg``, which must not litter the checkout. Skipped (with the reason) only when Scrapyd is not installed
or cannot be started.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import socket
import subprocess
import sys
import tomllib
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import setuptools
import sqlite_utils
from packaging.version import Version

from tests.helpers.cli import ROOT
from tests.helpers.waiting import NeverHappened, wait_for

pytest.importorskip("scrapyd", reason="scrapyd is not installed (pip install scrapyd scrapyd-client)")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is not installed (pip install scrapyd-client)")

#: scrapyd 1.6 imports pkg_resources (gone in setuptools 81); pyproject.toml's license string needs setuptools 77.
PIN = "install setuptools>=77,<81 (requirements.txt: setuptools==80.10.2)"
ENTRY_POINT_FIX = (
    "Scrapyd finds a project's settings through the egg's `scrapy` entry point, and setuptools ignores the one "
    "scrapyd-deploy's setup.py declares when pyproject.toml has a [project] table: add\n"
    '[project.entry-points.scrapy]\nsettings = "govscraper.settings"\nto pyproject.toml (see docs/scrapyd.md)'
)


@dataclass
class Scrapyd:
    url: str
    workdir: Path
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, data: list[tuple[str, str]] | None = None, timeout: float = 30) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=timeout) as response:
        return json.loads(response.read())


def tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-size:]
    except OSError:
        return f"({path} unreadable)"


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory, registry_file) -> Iterator[Scrapyd]:
    """A Scrapyd of its own: free port on 127.0.0.1, its own directory and configuration, the replica registry."""
    workdir = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (workdir / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
        "poll_interval = 0.2\nmax_proc = 2\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY")}
    env.update({"GOVSCRAPER_REGISTRY": str(registry_file), "PYTHONUTF8": "1"})
    log = workdir / "scrapyd.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=workdir, env=env, stdout=stream, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            wait_for(
                lambda: call(url + "daemonstatus.json", timeout=10).get("status") == "ok",
                f"scrapyd answering on {url}",
                alive=lambda: process.poll() is None,
            )
        except NeverHappened as exc:
            ended = f"exit {process.returncode}" if process.poll() is not None else "still running"
            pytest.skip(f"scrapyd could not be started ({ended}): {exc}: {tail(log, 800)}")
        yield Scrapyd(url, workdir, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)  # then killed: a clean-up, not a check
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def project_copy(destination: Path, scrapyd_url: str) -> Path:
    """The files a deploy reads (scrapy.cfg, pyproject.toml, README.md, the packages), the local target moved."""
    destination.mkdir()
    for name in ("scrapy.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    for package in ("govscraper", "govscraper_replica"):
        shutil.copytree(ROOT / package, destination / package, ignore=shutil.ignore_patterns("__pycache__"))
    config = configparser.ConfigParser()
    config.read(destination / "scrapy.cfg", encoding="utf-8")
    assert config.get("deploy:local", "project") == "govscraper"
    config.set("deploy:local", "url", scrapyd_url)
    with (destination / "scrapy.cfg").open("w", encoding="utf-8") as stream:
        config.write(stream)
    return destination


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory) -> Path:
    """Deploys with ``scrapyd-deploy local`` and returns the egg Scrapyd stored."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if pyproject["project"].get("entry-points", {}).get("scrapy", {}).get("settings") != "govscraper.settings":
        pytest.fail(ENTRY_POINT_FIX)
    if Version(setuptools.__version__) < Version("77"):
        pytest.fail(
            f"setuptools {setuptools.__version__} cannot read pyproject.toml's license = 'MIT' (PEP 639): {PIN}"
        )
    project = project_copy(tmp_path_factory.mktemp("deploy") / "project", scrapyd.url)
    result = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", "1"],
        cwd=project,
        env={k: v for k, v in os.environ.items() if not k.startswith("SCRAPY")},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok", answer
    assert answer["project"] == "govscraper"
    assert answer["spiders"] >= 3  # portal, liferay62, generic
    eggs = list((scrapyd.workdir / "eggs" / "govscraper").glob("*.egg"))
    assert len(eggs) == 1, eggs
    return eggs[0]


def test_the_egg_carries_the_registry_the_replica_and_the_settings_entry_point(deployed):
    with zipfile.ZipFile(deployed) as egg:
        names = set(egg.namelist())
        assert "govscraper/portals.toml" in names  # package data: the registry reaches the egg
        assert egg.read("govscraper/portals.toml") == (ROOT / "govscraper" / "portals.toml").read_bytes()
        assert {"govscraper_replica/site.py", "govscraper_replica/server.py", "govscraper/spiders/portal.py"} <= names
        assert "govscraper_replica/data/corpus.json" in names  # the replica's text, package data as well
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]" in entry_points
    assert "settings = govscraper.settings" in entry_points


def test_scrapyd_lists_the_spiders(scrapyd, deployed):
    answer = call(scrapyd.url + "listspiders.json?project=govscraper")
    assert {"portal", "liferay62", "generic"} <= set(answer["spiders"])


def test_a_crawl_scheduled_through_scrapyd_reaches_the_archive(scrapyd, deployed, tmp_path):
    db_path = tmp_path / "archive.db"
    answer = call(
        scrapyd.url + "schedule.json",
        [
            ("project", "govscraper"),
            ("spider", "portal"),
            ("portal", "qni-replica"),
            ("setting", f"GOVSCRAPER_DB={db_path}"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0"),
        ],
    )
    assert answer["status"] == "ok", answer
    job = answer["jobid"]
    job_log = scrapyd.workdir / "logs" / "govscraper" / "portal" / f"{job}.log"
    wait_for(
        lambda: any(entry["id"] == job for entry in call(scrapyd.url + "listjobs.json?project=govscraper")["finished"]),
        f"job {job} finishing",
        alive=lambda: scrapyd.process.poll() is None,
        details=lambda: tail(job_log),
    )
    assert db_path.exists(), tail(job_log)
    archive = sqlite_utils.Database(db_path)
    runs = list(archive["crawl_runs"].rows)
    assert len(runs) == 1, tail(job_log)
    run = runs[0]
    assert (run["portal_id"], run["spider"], run["status"]) == ("qni-replica", "liferay62", "finished"), tail(job_log)
    assert run["finished_at"] >= run["started_at"]
    assert run["articles_new"] == archive["articles"].count == 36
    assert run["failures"] == 0
    assert "Traceback" not in tail(job_log, 100_000)
