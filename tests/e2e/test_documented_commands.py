"""Every command the documentation shows runs, offline, against the demo archive and the local replica.

The commands are read from README.md and docs/ by ``tests/helpers/documented.py`` (which says what is changed to run
them offline). They run in one working folder (``tests/helpers/workbench.py``), in the order the documentation gives,
after ``govscraper demo`` made the archive there, as a reader following the documentation would. Each must end with
status 0 and no traceback; the commands that serve until stopped (``serve``, ``replica`` or ``python -m
govscraper_replica``, ``schedule``) must answer, then stop cleanly on Ctrl-C or SIGTERM. The benchmark commands run
in ``test_documented_benchmarks.py``.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers.documented import DOCUMENTS, ROOT, commands, problems, steps
from tests.helpers.workbench import is_benchmark, run_documented, workbench

DOCUMENTED = [documented for documented in commands() if not is_benchmark(documented)]
#: Every step of every command line shown, also those no test can run (installs, Scrapyd, curl).
SHOWN = steps()


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    with workbench(tmp_path_factory.mktemp("documented"), demo=True) as made:
        yield made


@pytest.mark.parametrize("documented", DOCUMENTED, ids=[d.ident for d in DOCUMENTED])
def test_the_documented_command_runs(bench, documented):
    run_documented(bench, documented)


def test_commands_are_read_from_the_documentation_as_a_reader_would():
    from tests.helpers.documented import _without_comment, variants

    assert variants("govscraper show 12 [--version 1] [--raw]") == [
        "govscraper show 12",
        "govscraper show 12 --version 1",
        "govscraper show 12 --raw",
    ]
    assert variants("govscraper schedule [--cron | --systemd]") == [
        "govscraper schedule",
        "govscraper schedule --cron",
        "govscraper schedule --systemd",
    ]
    line = 'govscraper search "#1 tin" --limit 5   # the first'
    assert _without_comment(line) == 'govscraper search "#1 tin" --limit 5'
    readme = [d for d in commands() if d.where.startswith("README.md")]
    # the install-and-demo line's last step, .venv/bin/govscraper demo
    assert any(d.argv[0].endswith("govscraper") and d.argv[1:2] == ("demo",) for d in readme)
    assert not any(d.argv[0].endswith("pytest") for d in commands())  # the suite itself is left to .ci/run


@pytest.mark.parametrize(("where", "step"), SHOWN, ids=[f"{where} {step}" for where, step in SHOWN])
def test_every_documented_command_is_known(where, step):
    """Parsed, not run (so also the steps no test can run): a program the documentation means, a govscraper command
    with options and choices that exist, settings that exist, a script or module that takes the options shown."""
    assert not problems(step), f"{where}: {step}\n" + "\n".join(problems(step))


def test_every_setting_the_documentation_names_exists():
    """A GOVSCRAPER_* name in the prose is a setting (or a variable the tests read): a renamed setting cannot
    leave its old name in the documentation."""
    from tests.helpers.documented import _setting_problem

    unknown = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in DOCUMENTS
        for name in sorted(set(re.findall(r"\bGOVSCRAPER_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8"))))
        if _setting_problem(name)
    ]
    assert not unknown, unknown


def test_the_known_check_finds_what_a_reader_would_trip_on():
    assert problems("govscraper crawl qni-moduc --limit 20 --db x.db") == []
    assert problems("govscrapper demo")  # a typo of the program
    assert problems("govscraper serch mo duc")  # of a command
    assert problems("govscraper crawl qni-moduc --limt 20")  # of an option
    assert problems("govscraper export --format xml")  # a choice that is not one
    assert problems("govscraper crawl qni-moduc -s DOWNLAOD_DELAY=3")  # a setting
    assert problems("GOVSCRAPER_CONTAKT=x govscraper crawl qni-moduc")  # an environment variable
    assert problems(".venv/bin/python benchmarks/crawl.py --articls 3")  # a script's option
    assert problems(".venv/bin/python benchmarks/nope.py")  # a script
    assert problems(".venv/bin/python -m govscraper_replica --articls 3")  # an option of govscraper replica
    assert problems(".venv/bin/python -m govscraper_replica --articles 3 --faults all --port 0") == []
    assert problems("scrapy crawl portall -a portal=qni-moduc")  # a spider
