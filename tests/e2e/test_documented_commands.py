"""Every command the documentation shows runs, offline, against the demo archive and the local replica.

The commands are read from README.md and docs/ by ``tests/helpers/documented.py`` (which says what is changed to run
them offline). They run in one working folder, in the order the documentation gives, after ``govscraper demo`` made the
archive there, as a reader following the documentation would. Each must end with status 0 and no traceback; the
commands that serve until stopped (``serve``, ``replica`` or ``python -m govscraper_replica``, ``schedule``) must
answer, then stop cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import glob
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from govscraper.registry import load_registry
from govscraper_replica import ReplicaServer, build_site
from govscraper_replica.fake_wayback import WaybackServer, build_wayback
from tests.helpers.crawl_process import CliProcess
from tests.helpers.documented import DOCUMENTS, ROOT, Documented, commands, problems, steps
from tests.helpers.serving import OPENER, announced, get
from tests.helpers.waiting import wait_for

DOCUMENTED = commands()
#: Every step of every command line shown, also those no test can run (installs, Scrapyd, curl).
SHOWN = steps()
#: Benchmarks run small: whether they run is the point here, not their figures.
SMALL = {"--articles": "60", "--rounds": "1", "--repeat": "1", "--add": "2", "--crawl": "40", "--heavy": "2"}
#: A benchmark whose default size is large gets a small one.
SMALL_DEFAULTS = {
    "benchmarks/search.py": ["--articles", "60"],
    "benchmarks/export.py": ["--articles", "60", "--crawl", "40"],
    # Its cases side by side: each mostly waits (bare Scrapy on its politeness), so all take the slowest one's time.
    "benchmarks/stop.py": ["--articles", "60", "--after", "3", "--timeout", "8", "--jobs", "8"],
    # The two heavy documents whose reading stops between pages (a 2,000-page PDF, a million cells), cut at 4 s.
    "benchmarks/offload.py": ["-s", "GOVSCRAPER_DOCUMENT_TIMEOUT=4"],
}


def is_local(url: str) -> bool:
    return bool(re.match(r"https?://(127\.0\.0\.1|localhost|\[::1\])[:/]", url))


@dataclass
class Workbench:
    folder: Path
    replica: ReplicaServer
    wayback: WaybackServer
    live_registry: Path

    def environment(self, documented: Documented) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("GOVSCRAPER_", "SCRAPY_")) and key != "XDG_CONFIG_HOME"
        }
        env.update(
            PYTHONUTF8="1",
            XDG_CONFIG_HOME=str(self.folder / ".config"),  # no user config file: the documented defaults
            SCRAPY_SETTINGS_MODULE="govscraper.settings",  # scrapy crawl outside the project folder
            GOVSCRAPER_WAYBACK_URL=self.wayback.url,  # never the real Internet Archive
        )
        if "wayback" not in documented.argv:
            env["GOVSCRAPER_REGISTRY"] = str(self.live_registry)  # registered portals live on the replica
        env.update(documented.environment)
        return env

    def argv(self, documented: Documented) -> list[str]:
        words = list(documented.argv)
        program, args = words[0], words[1:]
        if program.endswith("govscraper"):
            command = [sys.executable, "-m", "govscraper"]
        elif program == "scrapy":
            command = [sys.executable, "-m", "scrapy"]
        elif program.endswith("python"):
            command = [sys.executable]
            if args and args[0].startswith("benchmarks/"):
                script = args[0]
                args = [str(ROOT / script), *args[1:], *SMALL_DEFAULTS.get(script, [])]
                args = [SMALL[args[i - 1]] if i and args[i - 1] in SMALL else word for i, word in enumerate(args)]
        else:
            command = [program]
        out: list[str] = []
        for index, word in enumerate(args):
            previous = args[index - 1] if index else ""
            if re.match(r"https?://", word) and not is_local(word):
                word = self.replica.url  # a real portal, or a placeholder: the replica
            elif previous == "--port":
                word = "0"  # any free port, bound by the server itself: another test run may be using the one shown
            out.append(word)
        if out and out[0] == "serve" and "--port" not in out:
            out += ["--port", "0"]  # not the default 8001: another test run may be serving there
        if out and out[0] == "import-warc":
            out = ["import-warc", *self.warc_inputs(out[1:])]
        if out and out[0] == "extract":
            self.saved_page(out[1])
        return command + out

    def warc_inputs(self, args: list[str]) -> list[str]:
        """Make the WARC files an import reads (copies of the demo's own captures), and expand globs as a shell."""
        made = sorted((self.folder / "data" / "warc").glob("demo-moduc-*.warc.gz"))
        assert made, "the demo wrote no WARC file"
        out: list[str] = []
        for word in args:
            if not word.endswith((".warc", ".warc.gz")):
                out.append(word)
                continue
            if "*" in word:
                for number, source in enumerate(made, 1):
                    target = self.folder / word.replace("*", str(number))
                    if not target.exists():
                        shutil.copyfile(source, target)
                out += sorted(glob.glob(word, root_dir=self.folder))
                continue
            target = self.folder / word
            if not target.exists():
                if word.endswith(".warc.gz"):
                    shutil.copyfile(made[0], target)
                else:
                    target.write_bytes(gzip.decompress(made[0].read_bytes()))  # one member per record: one WARC
            out.append(word)
        return out

    def saved_page(self, name: str) -> None:
        target = self.folder / name
        if not target.exists():
            article = self.replica.site.articles[0]
            with OPENER.open(self.replica.url.rstrip("/") + article.url, timeout=60) as response:
                target.write_bytes(response.read())


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documented")
    site = build_site(articles=36, seed=2022)
    with (
        ReplicaServer(site, host="127.0.0.1", port=0) as replica,
        WaybackServer(build_wayback(site, "moduc.quangngai.gov.vn")) as wayback,
    ):
        live_registry = folder / "registry-on-replica.toml"
        live_registry.write_text(registry_on_replica(replica, site), encoding="utf-8")
        bench = Workbench(folder, replica, wayback, live_registry)
        demo = Documented("(set-up)", "govscraper demo", argv=("govscraper", "demo"))
        made = subprocess.run(
            bench.argv(demo), cwd=folder, env=bench.environment(demo), capture_output=True, text=True, timeout=900
        )
        assert made.returncode == 0, made.stderr[-3000:]
        yield bench


def registry_on_replica(replica: ReplicaServer, site) -> str:
    """Every packaged portal offline (nothing real is ever asked), but the ones the documentation crawls, which
    live on the replica."""
    categories = ", ".join(f'"{slug}"' for slug, *_ in site.categories)
    entries = []
    for portal in load_registry().values():
        if portal.id in ("qni-moduc", "hni-sotttt"):
            entries.append(
                f'[[portal]]\nid = "{portal.id}"\nname = "{portal.name}"\nprovince = "{portal.province}"\n'
                f'level = "{portal.level}"\nbase_url = "{replica.url}"\nplatform = "liferay62"\n'
                f'start_urls = [{categories}]\nstatus = "live"\n'
            )
        else:
            entries.append(
                f'[[portal]]\nid = "{portal.id}"\nname = "{portal.name}"\nprovince = "{portal.province}"\n'
                f'level = "{portal.level}"\nbase_url = "{portal.base_url}"\nplatform = "{portal.platform}"\n'
                'status = "offline"\noffline_since = 2025-07-01\n'
            )
    return "\n".join(entries)


#: Commands that serve until stopped, and the event that shows they are up.
LONG_RUNNING = {"serve", "replica", "schedule"}


def served(documented: Documented) -> str:
    """The govscraper command a documented step runs (``python -m govscraper_replica`` is ``replica``)."""
    words = documented.argv
    if words[1:3] == ("-m", "govscraper_replica"):
        return "replica"
    return words[1] if len(words) > 1 else ""


def long_running(documented: Documented) -> bool:
    what = served(documented)
    if what not in LONG_RUNNING:
        return False
    return not (what == "schedule" and {"--cron", "--systemd", "--once"} & set(documented.argv))


@pytest.mark.parametrize("documented", DOCUMENTED, ids=[d.ident for d in DOCUMENTED])
def test_the_documented_command_runs(workbench, documented):
    argv = workbench.argv(documented)
    env = workbench.environment(documented)
    if long_running(documented):
        run_until_stopped(workbench, documented, argv, env)
        return
    stdout = (workbench.folder / documented.stdout).open("wb") if documented.stdout else subprocess.PIPE
    try:
        result = subprocess.run(
            argv, cwd=workbench.folder, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=1800, check=False
        )
    finally:
        if documented.stdout:
            stdout.close()
    errors = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in errors, errors[-3000:]
    if any(word.startswith("benchmarks/") for word in documented.argv):
        # At this small scale a benchmark may miss its targets (status 1, the figures printed): it must run through.
        assert result.returncode in (0, 1), f"{documented.text}\n{errors[-3000:]}"
        assert result.stdout.strip(), documented.text
    else:
        assert result.returncode == 0, f"{documented.text}\n{errors[-3000:]}"
    if documented.stdout:
        assert (workbench.folder / documented.stdout).stat().st_size > 0


def run_until_stopped(workbench: Workbench, documented: Documented, argv: list[str], env: dict[str, str]) -> None:
    process = CliProcess(argv=argv, cwd=workbench.folder, environment=env)
    what = served(documented)
    try:
        if what == "serve":
            base = wait_for(lambda: announced(process.stderr), "serve's address", alive=lambda: process.alive)
            wait_for(
                lambda: get(base + "/-/versions.json")[0] == 200,
                "Datasette answering",
                alive=lambda: process.alive,
                details=lambda: process.stderr[-3000:],
            )
        elif what == "replica":
            wait_for(lambda: "READY " in process.stdout, "the replica's READY line", alive=lambda: process.alive)
        else:
            process.wait_for_line("scheduling")
        process.signal(signal.SIGTERM if what == "schedule" else signal.SIGINT)
        status = process.finish()
    finally:
        process.kill()
    assert status == 0, f"{documented.text}\n{process.stderr[-3000:]}"
    assert "Traceback" not in process.stderr, process.stderr[-3000:]


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
    readme = [d for d in DOCUMENTED if d.where.startswith("README.md")]
    # the install-and-demo line's last step, .venv/bin/govscraper demo
    assert any(d.argv[0].endswith("govscraper") and d.argv[1:2] == ("demo",) for d in readme)
    assert not any(d.argv[0].endswith("pytest") for d in DOCUMENTED)  # the suite itself is left to .ci/run


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
