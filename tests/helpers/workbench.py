"""A working folder in which the commands the documentation shows run offline, as a reader would run them.

``tests/e2e/test_documented_commands.py`` runs the commands of README.md and docs/ in one such folder, in the order
the documentation gives, after ``govscraper demo`` made the archive there; ``tests/e2e/test_documented_benchmarks.py``
runs the benchmark commands in another (they need no archive, and a folder of their own lets them run beside the
rest). :class:`Workbench` rewrites each command to run offline (``tests/helpers/documented.py`` says what changes);
:func:`run_documented` runs it and checks how it ended: status 0 and no traceback, and for the commands that serve
until stopped (``serve``, ``replica`` or ``python -m govscraper_replica``, ``schedule``), that they answer, then stop
cleanly on Ctrl-C or SIGTERM.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from govscraper.registry import load_registry
from govscraper_replica import ReplicaServer, build_site
from govscraper_replica.fake_wayback import WaybackServer, build_wayback
from tests.helpers.crawl_process import CliProcess
from tests.helpers.documented import ROOT, Documented
from tests.helpers.serving import OPENER, announced, get
from tests.helpers.waiting import wait_for

#: Benchmarks run small: whether they run is the point here, not their figures.
SMALL = {"--articles": "24", "--rounds": "1", "--repeat": "1", "--add": "2", "--crawl": "16", "--heavy": "1"}
#: A benchmark whose default size is large gets a small one.
SMALL_DEFAULTS = {
    "benchmarks/search.py": ["--articles", "24"],
    "benchmarks/search_relevance.py": ["--articles", "24"],
    "benchmarks/export.py": ["--articles", "24", "--crawl", "16"],
    # Its cases side by side: each mostly waits (bare Scrapy on its politeness), so all take the slowest one's time.
    "benchmarks/stop.py": ["--articles", "24", "--after", "3", "--timeout", "8", "--jobs", "8"],
    # One heavy document, whose reading stops between pages (the 2,000-page PDF), cut at 2 s.
    "benchmarks/offload.py": ["-s", "GOVSCRAPER_DOCUMENT_TIMEOUT=2"],
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
            elif previous == "--articles" and out and out[0] == "demo":
                word = SMALL["--articles"]  # a bigger demo (docs/usage.md) runs small: that it runs is the point here
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


@contextmanager
def workbench(folder: Path, *, demo: bool) -> Iterator[Workbench]:
    """A working folder with the replica and the Wayback stand-in serving, and (``demo``) the demo's archive made
    there by ``govscraper demo``, as the README's first command makes it."""
    site = build_site(articles=36, seed=2022)
    with (
        ReplicaServer(site, host="127.0.0.1", port=0) as replica,
        WaybackServer(build_wayback(site, "moduc.quangngai.gov.vn")) as wayback,
    ):
        live_registry = folder / "registry-on-replica.toml"
        live_registry.write_text(registry_on_replica(replica, site), encoding="utf-8")
        bench = Workbench(folder, replica, wayback, live_registry)
        if demo:
            made_by = Documented("(set-up)", "govscraper demo", argv=("govscraper", "demo"))
            made = subprocess.run(
                bench.argv(made_by),
                cwd=folder,
                env=bench.environment(made_by),
                capture_output=True,
                text=True,
                timeout=900,
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


def is_benchmark(documented: Documented) -> bool:
    return any(word.startswith("benchmarks/") for word in documented.argv)


def run_documented(workbench: Workbench, documented: Documented) -> None:
    """Run ``documented`` in ``workbench`` and check how it ended (see the module's docstring)."""
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
