"""Crash-safe archive creation and upgrades: a process killed at any SQL statement leaves an archive that opens.

``tests/helpers/crash_driver.py`` forks a child that creates (or upgrades) an archive and SIGKILLs itself when SQLite is
about to run its N-th statement, for many N: every transaction boundary (BEGIN, COMMIT, SAVEPOINT, RELEASE, and the
statement after each) and every ``stride``-th statement in between. After each kill the next process must open the
archive with the full schema (the same ``sqlite_master`` as an archive made without interruption), every
migration recorded once, the data of the old archive intact and indexed for search, and both integrity checks
passing. Before migrations ran in one transaction each, a kill inside one left ``table "captures" already exists``
and an archive that could never be opened again.

Set ``GOVSCRAPER_CRASH_STRIDE=1`` to kill at every single statement (a few minutes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.cli import ROOT

STRIDE = int(os.environ.get("GOVSCRAPER_CRASH_STRIDE", "0"))


def run_driver(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.helpers.crash_driver", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("upgrade_from", "stride"),
    [
        pytest.param(0, 10, id="new archive"),
        pytest.param(2, 25, id="upgrade from 0002 (captures, search index to build)"),
        pytest.param(5, 3, id="upgrade from 0005 (provenance, administrative units)"),
    ],
)
def test_a_kill_at_any_statement_leaves_an_archive_that_opens_whole(upgrade_from, stride):
    report = run_driver("--upgrade-from", str(upgrade_from), "--stride", str(STRIDE or stride))
    assert report["statements"] > 20  # the archive really was created or upgraded by the child
    assert report["killed"] == report["points"]  # every kill landed where it was aimed (before the end)
    assert report["problems"] == {}, json.dumps(report["problems"], ensure_ascii=False, indent=1)[:4000]
