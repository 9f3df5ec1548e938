"""One source of truth for settings: the layers of govscraper.config, lowest first (defaults, the user's config file,
the archive's config file, ``GOVSCRAPER_*`` variables, a command's profiles, the command line), as unit tests of
precedence and of reading values, as ``govscraper config`` in a process, and as real crawls (``govscraper crawl``
and ``scrapy crawl``) whose settings come from a config file or the environment alone.

Every process gets its own ``XDG_CONFIG_HOME`` and ``GOVSCRAPER_CONFIG``: nothing here reads the real ~/.config.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from govscraper import config
from govscraper.cli.common import setting_options
from govscraper.cli.crawling import crawl_overrides
from govscraper.crawl.process import import_settings, scrapy_settings
from govscraper.settings import WAYBACK_SETTINGS
from govscraper_replica import build_site
from govscraper_replica.fake_wayback import WaybackServer, build_wayback
from tests.helpers.cli import ROOT, run_cli

HOST = "moduc.quangngai.gov.vn"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No GOVSCRAPER_* variable from the outside, and a config folder of the test's own."""
    for name in list(os.environ):
        if name.startswith("GOVSCRAPER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xdg" / "govscraper" / "govscraper.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def archive_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data" / "govscraper.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """A subprocess's environment: its own config folder, no user file unless named, and ``variables``."""
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "GOVSCRAPER_CONFIG": "", **variables}


def rows(db: Path, sql: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql)]
    finally:
        conn.close()


# Precedence -----------------------------------------------------------------------------------------------------


def test_each_layer_beats_the_ones_below_and_s_beats_all(tmp_path, monkeypatch):
    """GOVSCRAPER_RETRY_BACKOFF, set in one more layer at each step: the highest one set is the crawl's."""
    db = tmp_path / "data" / "archive.db"
    name = "GOVSCRAPER_RETRY_BACKOFF"
    wayback = crawl_overrides(False, None, None, False, "wayback")  # the Wayback profile sets it to 10.0
    user = tmp_path / "xdg" / "govscraper" / "govscraper.toml"
    steps = [
        ("default", lambda: None, {}, 2.0),
        (f"file {user}", lambda: user_file(tmp_path, f"{name} = 3.0\n"), {}, 3.0),
        (f"file {db.parent / 'govscraper.toml'}", lambda: archive_file(tmp_path, f"{name} = 4\n"), {}, 4.0),
        ("environment", lambda: monkeypatch.setenv(name, "5.5"), {}, 5.5),
        ("profile wayback", lambda: None, wayback, WAYBACK_SETTINGS[name]),
        ("command line", lambda: None, {**wayback, **setting_options((f"{name}=0.25",))}, 0.25),
    ]
    for source, add_layer, overrides, expected in steps:
        add_layer()
        settings = scrapy_settings(db, overrides)
        assert settings.getfloat(name) == expected, source
        if not source.startswith("profile"):
            command_line = {"GOVSCRAPER_DB": str(db), **config.plain(overrides)}
            found = config.effective(command_line if source == "command line" else {"GOVSCRAPER_DB": str(db)})
            assert (found[name].value, found[name].source) == (expected, source)


def test_profiles_sit_above_files_and_environment_below_s(tmp_path):
    user_file(tmp_path, "DOWNLOAD_DELAY = 1.5\nCONCURRENT_REQUESTS_PER_DOMAIN = 4\n")
    db = tmp_path / "archive.db"
    wayback = crawl_overrides(False, None, None, False, "wayback")
    polite = scrapy_settings(db, wayback)
    assert polite.getfloat("DOWNLOAD_DELAY") == WAYBACK_SETTINGS["DOWNLOAD_DELAY"]
    assert polite.getpriority("DOWNLOAD_DELAY") == config.PROFILE
    relaxed = scrapy_settings(db, crawl_overrides(True, None, None, False, "wayback"))
    assert relaxed.getfloat("DOWNLOAD_DELAY") == 0  # loopback over wayback
    chosen = scrapy_settings(db, {**wayback, **setting_options(("DOWNLOAD_DELAY=7",))})
    assert chosen.getfloat("DOWNLOAD_DELAY") == 7.0
    live = scrapy_settings(db, crawl_overrides(False, None, None, False))
    assert (live.getfloat("DOWNLOAD_DELAY"), live.getint("CONCURRENT_REQUESTS_PER_DOMAIN")) == (1.5, 4)


def test_a_warc_imports_settings_are_a_profile(tmp_path):
    user_file(tmp_path, "ROBOTSTXT_OBEY = true\nRETRY_ENABLED = true\n")
    merged = {**import_settings(), **crawl_overrides(False, None, None, False)}  # as run_import merges them
    settings = scrapy_settings(tmp_path / "archive.db", merged)
    assert not settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getpriority("ROBOTSTXT_OBEY") == config.PROFILE
    assert not settings.getbool("RETRY_ENABLED")


def test_a_commands_display_defaults_are_below_the_files(tmp_path):
    user_file(tmp_path, 'LOG_LEVEL = "DEBUG"\nGOVSCRAPER_PROGRESS = false\n')
    quiet = scrapy_settings(tmp_path / "a.db", crawl_overrides(False, None, None, False))
    assert (quiet.get("LOG_LEVEL"), quiet.getbool("GOVSCRAPER_PROGRESS")) == ("DEBUG", False)
    verbose = scrapy_settings(tmp_path / "a.db", crawl_overrides(False, None, None, True))
    assert verbose.get("LOG_LEVEL") == "INFO"  # -v is the command line


def test_options_not_given_leave_the_setting_to_the_layers_below(tmp_path):
    archive_file(tmp_path, 'GOVSCRAPER_WARC = false\nGOVSCRAPER_MODE = "full"\n')
    settings = scrapy_settings(tmp_path / "data" / "archive.db", crawl_overrides(False, None, None, False))
    assert not settings.getbool("GOVSCRAPER_WARC")
    assert settings.get("GOVSCRAPER_MODE") == "full"


def test_the_contact_goes_into_the_user_agent_unless_it_was_set_higher(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    user_file(tmp_path, 'GOVSCRAPER_CONTACT = "archivist@example.org"\n')
    assert "contact: archivist@example.org)" in scrapy_settings(db).get("USER_AGENT")
    from govscraper.settings import user_agent

    assert "contact: archivist@example.org)" in user_agent()  # probe, outside Scrapy
    user_file(tmp_path, 'GOVSCRAPER_CONTACT = "archivist@example.org"\nUSER_AGENT = "mine/1.0"\n')
    assert scrapy_settings(db).get("USER_AGENT") == "mine/1.0"  # the same layer: USER_AGENT as written
    monkeypatch.setenv("GOVSCRAPER_CONTACT", "night-shift@example.org")
    assert "contact: night-shift@example.org)" in scrapy_settings(db).get("USER_AGENT")  # above the file's
    found = config.effective({"GOVSCRAPER_DB": str(db)})
    assert found["USER_AGENT"].source == "environment"
    assert "night-shift" in found["USER_AGENT"].value
    agent = scrapy_settings(db, {**crawl_overrides(False, None, "cli@example.org", False)}).get("USER_AGENT")
    assert "contact: cli@example.org)" in agent


def test_the_registry_and_the_default_archive_come_from_the_file_or_the_environment(tmp_path, monkeypatch):
    from govscraper.registry import load_registry

    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[portal]]\nid = "qni-mine"\nname = "Mine"\nprovince = "Quảng Ngãi"\nlevel = "xã"\n'
        'base_url = "http://127.0.0.1:9/"\nplatform = "generic"\n',
        encoding="utf-8",
    )
    user_file(tmp_path, f'GOVSCRAPER_REGISTRY = "{extra}"\nGOVSCRAPER_DB = "{tmp_path / "mine.db"}"\n')
    assert "qni-mine" in load_registry()
    assert config.default_db() == tmp_path / "mine.db"
    monkeypatch.setenv("GOVSCRAPER_REGISTRY", "")
    monkeypatch.setenv("GOVSCRAPER_DB", "elsewhere/archive.db")
    assert "qni-mine" not in load_registry()  # the environment is above the file
    assert config.default_db() == Path("elsewhere/archive.db")


def test_the_add_on_gives_scrapy_crawl_the_same_settings(tmp_path, monkeypatch):
    """scrapy crawl loads govscraper.settings and the add-on layers it; govscraper crawl layers it itself and turns
    the add-on off. Same files and variables, same settings; applying the add-on again changes nothing."""
    user_file(tmp_path, 'DOWNLOAD_DELAY = 0.5\nGOVSCRAPER_CONTACT = "a@example.org"\n')
    archive_file(tmp_path, "RETRY_TIMES = 9\n")
    db = tmp_path / "data" / "archive.db"
    monkeypatch.setenv("GOVSCRAPER_DB", str(db))
    monkeypatch.setenv("GOVSCRAPER_WAYBACK_URL", "http://127.0.0.1:9000")
    project = Settings()
    project.setmodule("govscraper.settings", priority="project")
    config.SettingsAddon.update_pre_crawler_settings(project)
    names = [*config.project_defaults(), "RETRY_TIMES"]
    once = {name: (project.get(name), project.getpriority(name)) for name in names}
    config.SettingsAddon().update_settings(project)
    assert {name: (project.get(name), project.getpriority(name)) for name in names} == once
    ours = scrapy_settings(db)
    assert ours.getdict("ADDONS")[config.ADDON] is None
    same = [n for n in names if n not in ("ADDONS", "GOVSCRAPER_DB")]
    assert {n: ours.get(n) for n in same} == {n: project.get(n) for n in same}
    assert (project.getfloat("DOWNLOAD_DELAY"), project.getint("RETRY_TIMES")) == (0.5, 9)
    assert project.get("GOVSCRAPER_WAYBACK_URL") == "http://127.0.0.1:9000"


# Values and errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("GOVSCRAPER_WARC", "yes", True),
        ("GOVSCRAPER_WARC", "OFF", False),
        ("GOVSCRAPER_WARC", "1", True),
        ("GOVSCRAPER_WARC", "false", False),
        ("GOVSCRAPER_MAX_ARTICLES", "25", 25),
        ("GOVSCRAPER_RETRY_BACKOFF", "3", 3.0),
        ("DOWNLOAD_TIMEOUT", "7.5", 7.5),  # a number, as Scrapy reads it
        ("RETRY_HTTP_CODES", "[500, 503]", [500, 503]),
        ("RETRY_HTTP_CODES", "500,503", ["500", "503"]),  # Scrapy's own comma-separated form
        ("EXTENSIONS", '{"govscraper.extensions.Progress": null}', {"govscraper.extensions.Progress": None}),
        ("GOVSCRAPER_WAYBACK_URL", "http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("GOVSCRAPER_WAYBACK_FROM", "2021", "2021"),
        ("LOG_FILE", "crawl.log", "crawl.log"),  # a Scrapy setting without a default: text
    ],
)
def test_text_is_read_by_the_type_of_the_default(name, text, expected):
    assert config.from_text(name, text, "environment") == expected
    assert config.parse_assignment(f"{name}={text}") == (name, expected)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("GOVSCRAPER_WARC", "maybe", "GOVSCRAPER_WARC must be true or false (1/0, yes/no, on/off); got 'maybe'"),
        ("GOVSCRAPER_MAX_ARTICLES", "ten", "GOVSCRAPER_MAX_ARTICLES must be a number; got 'ten'"),
        ("EXTENSIONS", "[1]", "EXTENSIONS must be a JSON object (as JSON)"),
        ("GOVSCRAPER_WAYBACK_URL", "ftp://archive.org", "GOVSCRAPER_WAYBACK_URL must be an http(s) URL"),
        ("GOVSCRAPER_WAYBACK_URL", "web.archive.org", "GOVSCRAPER_WAYBACK_URL must be an http(s) URL"),
        ("GOVSCRAPER_MODE", "fast", "GOVSCRAPER_MODE must be one of full, incremental, resume, auto"),
        ("GOVSCRAPER_WAYBACK_TO", "2022-01", "GOVSCRAPER_WAYBACK_TO: "),
    ],
)
def test_bad_text_is_one_line_naming_where_it_came_from(name, text, message):
    with pytest.raises(config.ConfigError) as caught:
        config.from_text(name, text, "environment")
    assert str(caught.value).startswith(f"environment: {message}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NOEQUALS", "'NOEQUALS' is not NAME=VALUE"),
        ("DOWNLOAD_DELAI=1", "unknown setting 'DOWNLOAD_DELAI' (did you mean DOWNLOAD_DELAY?)"),
        ("GOVSCRAPER_DB=x.db", "GOVSCRAPER_DB cannot be set with -s: give --db"),
        ("WAYBACK_SETTINGS={}", "WAYBACK_SETTINGS cannot be set"),
    ],
)
def test_bad_s_options_are_usage_errors(text, message):
    with pytest.raises(config.ConfigError) as caught:
        config.parse_assignment(text)
    assert caught.value.where == "-s"
    assert caught.value.reason.startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DOWNLAOD_DELAY = 2\n", "unknown setting 'DOWNLAOD_DELAY' (did you mean DOWNLOAD_DELAY?)"),
        ("download_delay = 2\n", "unknown setting 'download_delay' (did you mean DOWNLOAD_DELAY?)"),
        ('DOWNLOAD_DELAY = "fast"\n', "DOWNLOAD_DELAY must be a number; got 'fast'"),
        ('GOVSCRAPER_WARC = "no"\n', "GOVSCRAPER_WARC must be true or false; got 'no'"),
        ("ROBOTSTXT_OBEY = 1\n", "ROBOTSTXT_OBEY must be true or false; got 1"),
        ("RETRY_HTTP_CODES = 500\n", "RETRY_HTTP_CODES must be a list; got 500"),
        ('GOVSCRAPER_WAYBACK_URL = "file:///tmp"\n', "GOVSCRAPER_WAYBACK_URL must be an http(s) URL"),
        ('GOVSCRAPER_SOURCE = "wayback"\n', "GOVSCRAPER_SOURCE cannot be set in a file: it chooses the spider"),
        ("DOWNLOAD_DELAY = \n", "not valid TOML: "),
        ("[politeness]\nDOWNLOAD_DELAY = 2\n", "unknown setting 'politeness'"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_file_and_the_key(tmp_path, text, message):
    path = user_file(tmp_path, text)
    with pytest.raises(config.ConfigError) as caught:
        config.outer_layers()
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_what_the_archives_file_cannot_say(tmp_path):
    archive_file(tmp_path, 'GOVSCRAPER_DB = "other.db"\n')
    with pytest.raises(config.ConfigError, match="the archive's own file cannot choose the archive"):
        config.collect({"GOVSCRAPER_DB": str(tmp_path / "data" / "archive.db")})
    user_file(tmp_path, 'GOVSCRAPER_DB = "other.db"\n')  # the user's file may
    assert config.default_db() == Path("other.db")


def test_a_named_config_file_must_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSCRAPER_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(config.ConfigError, match=r"missing\.toml: no such file \(named by GOVSCRAPER_CONFIG\)"):
        config.outer_layers()
    named = tmp_path / "named.toml"
    named.write_text("DOWNLOAD_DELAY = 4\n", encoding="utf-8")
    monkeypatch.setenv("GOVSCRAPER_CONFIG", str(named))
    user_file(tmp_path, "DOWNLOAD_DELAY = 9\n")  # not read: GOVSCRAPER_CONFIG names the user's file
    found = config.effective()["DOWNLOAD_DELAY"]
    assert (found.value, found.source) == (4, f"file {named}")


def test_user_config_file_location():
    assert config.user_config_path({"HOME": "/home/a"}) == Path("/home/a/.config/govscraper/govscraper.toml")
    assert config.user_config_path({"HOME": "/home/a", "XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/cfg/govscraper/govscraper.toml"
    )
    assert config.user_config_path({"HOME": "/home/a", "XDG_CONFIG_HOME": "relative"}) == Path(
        "/home/a/.config/govscraper/govscraper.toml"
    )
    assert config.user_config_path({"GOVSCRAPER_CONFIG": "/etc/g.toml", "XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/etc/g.toml"
    )
    assert config.archive_config_path("data/archive.db") == Path("data/govscraper.toml")


# govscraper config ----------------------------------------------------------------------------------------------


def test_config_shows_each_value_and_its_source(tmp_path):
    user = user_file(tmp_path, 'DOWNLOAD_DELAY = 2.0\nGOVSCRAPER_CONTACT = "archivist@example.org"\n')
    archive = archive_file(tmp_path, 'RETRY_TIMES = 5\nLOG_FILE = "crawl.log"\n')
    db = tmp_path / "data" / "archive.db"
    before = sorted(tmp_path.rglob("*"))
    env = environment(tmp_path, GOVSCRAPER_WAYBACK_URL="http://127.0.0.1:9000", GOVSCRAPER_TYPO="1")
    result = run_cli("config", "--db", str(db), "-s", "GOVSCRAPER_MAX_ARTICLES=3", env=env)
    assert result.returncode == 0, result.stderr
    lines = {line.split(" = ")[0].strip(): line for line in result.stdout.splitlines()}
    assert set(config.project_defaults()) <= set(lines)  # every govscraper setting
    assert lines["DOWNLOAD_DELAY"].endswith(f"= 2.0  # file {user}")
    assert lines["RETRY_TIMES"].endswith(f"= 5  # file {archive}")
    assert lines["LOG_FILE"].endswith(f'= "crawl.log"  # file {archive}')  # a Scrapy name set by a file
    assert lines["GOVSCRAPER_WAYBACK_URL"].endswith('= "http://127.0.0.1:9000"  # environment')
    assert lines["GOVSCRAPER_MAX_ARTICLES"].endswith("= 3  # command line")
    assert lines["GOVSCRAPER_DB"].endswith(f'= "{db}"  # command line')
    assert lines["ROBOTSTXT_OBEY"].endswith("= true  # default")
    assert "contact: archivist@example.org)" in lines["USER_AGENT"]
    assert lines["USER_AGENT"].endswith(f"# file {user}")
    assert result.stderr == "warning: GOVSCRAPER_TYPO is in the environment but is not a setting: ignored\n"
    assert sorted(tmp_path.rglob("*")) == before  # it only reads: no archive, no file made


def test_config_json_and_chosen_names(tmp_path):
    user = user_file(tmp_path, f'GOVSCRAPER_DB = "{tmp_path / "mine.db"}"\n')
    env = environment(tmp_path)
    result = run_cli("config", "--json", "GOVSCRAPER_DB", "DOWNLOAD_DELAY", "HTTPCACHE_ENABLED", env=env)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records == [
        {"name": "GOVSCRAPER_DB", "value": str(tmp_path / "mine.db"), "source": f"file {user}"},
        {"name": "DOWNLOAD_DELAY", "value": 1.0, "source": "default"},
        {"name": "HTTPCACHE_ENABLED", "value": False, "source": "default"},  # Scrapy's default
    ]
    assert not (tmp_path / "mine.db").exists()
    every = run_cli("config", "--json", env=env)
    names = [json.loads(line)["name"] for line in every.stdout.splitlines()]
    assert names == sorted(names)
    assert set(config.project_defaults()) <= set(names)


def test_config_unknown_name_is_one_line(tmp_path):
    result = run_cli("config", "DOWNLOAD_DELAI", env=environment(tmp_path))
    assert result.returncode == 1
    assert result.stderr == "Error: unknown setting 'DOWNLOAD_DELAI' (did you mean DOWNLOAD_DELAY?)\n"


@pytest.mark.parametrize(
    ("file_text", "variables", "message"),
    [
        (None, {"GOVSCRAPER_WARC": "maybe"}, "Error: environment: GOVSCRAPER_WARC must be true or false"),
        (None, {"GOVSCRAPER_MAX_ARTICLES": "lots"}, "Error: environment: GOVSCRAPER_MAX_ARTICLES must be a number"),
        ("DOWNLAOD_DELAY = 2\n", {}, "unknown setting 'DOWNLAOD_DELAY' (did you mean DOWNLOAD_DELAY?)"),
        ("DOWNLOAD_DELAY = = 2\n", {}, "not valid TOML: "),
        (None, {"GOVSCRAPER_WAYBACK_URL": "web.archive.org"}, "GOVSCRAPER_WAYBACK_URL must be an http(s) URL"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [("config",), ("portals",), ("crawl", "qni-moduc", "--source", "wayback", "--wayback-url", "http://127.0.0.1:9")],
)
def test_bad_settings_end_commands_in_one_line(tmp_path, file_text, variables, message, command):
    """Before anything is fetched or written: exit status 1, one line, no traceback."""
    env = environment(tmp_path, **variables)
    if file_text is not None:
        env["GOVSCRAPER_CONFIG"] = str(tmp_path / "mine.toml")
        (tmp_path / "mine.toml").write_text(file_text, encoding="utf-8")
    result = run_cli(*command, env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_an_archives_bad_file_stops_the_crawl_before_it_starts(tmp_path):
    registry = tmp_path / "registry.toml"
    registry.write_text(
        '[[portal]]\nid = "qni-nowhere"\nname = "Nowhere"\nprovince = "Quảng Ngãi"\nlevel = "xã"\n'
        'base_url = "http://127.0.0.1:9/"\nplatform = "generic"\n',
        encoding="utf-8",
    )
    path = archive_file(tmp_path, "RETRY_TIMES = true\n")
    db = tmp_path / "data" / "archive.db"
    result = run_cli("crawl", "qni-nowhere", "--db", str(db), registry=registry, env=environment(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"Error: {path}: RETRY_TIMES must be a number; got True\n"


# Real crawls ----------------------------------------------------------------------------------------------------


def _wayback_registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.toml"
    path.write_text(
        f'[[portal]]\nid = "qni-wayback"\nname = "Cổng thông tin điện tử huyện Mộ Đức"\nprovince = "Quảng Ngãi"\n'
        f'level = "huyện"\nbase_url = "http://{HOST}/"\nplatform = "liferay62"\nstatus = "offline"\n'
        f"offline_since = 2025-07-01\n",
        encoding="utf-8",
    )
    return path


def test_the_wayback_url_from_the_environment_reaches_the_crawl(tmp_path):
    """GOVSCRAPER_WAYBACK_URL alone (no --wayback-url): the crawl asks the local stand-in, and archives from it."""
    archive = build_wayback(build_site(articles=12, seed=5), HOST)
    db = tmp_path / "archive.db"
    with WaybackServer(archive) as server:
        result = run_cli(
            "crawl", "qni-wayback", "--source", "wayback", "--loopback", "--db", str(db),
            registry=_wayback_registry(tmp_path), timeout=120,
            env=environment(tmp_path, GOVSCRAPER_WAYBACK_URL=server.url),
        )  # fmt: skip
        cdx, web = server.served("/cdx/"), server.served("/web/")
    assert result.returncode == 0, result.stderr[-3000:]
    assert cdx
    assert web
    articles = rows(db, "SELECT origin, origin_url FROM articles")
    assert len(articles) == 10  # as tests/e2e/test_wayback.py finds: 12 articles, one never captured, one not as 200
    assert all(a["origin"] == "wayback" and a["origin_url"].startswith(server.url + "/web/") for a in articles)
    (run,) = rows(db, "SELECT settings FROM crawl_runs")
    assert json.loads(run["settings"])["wayback_url"] == server.url


def test_a_config_file_and_the_environment_reach_a_crawls_settings(tmp_path, registry_file):
    """No --loopback: the politeness a test crawl needs comes from GOVSCRAPER_CONFIG's file, one setting from the
    archive's own file above it, and the article limit from the environment; crawl_runs records what was used."""
    named = tmp_path / "fast.toml"
    named.write_text(
        "DOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\nCONCURRENT_REQUESTS_PER_DOMAIN = 8\nRETRY_TIMES = 2\n"
        'DOWNLOAD_TIMEOUT = 9\nGOVSCRAPER_RETRY_BACKOFF = 0.05\nGOVSCRAPER_CONTACT = "archivist@example.org"\n',
        encoding="utf-8",
    )
    archive_file(tmp_path, "RETRY_TIMES = 1\n")
    db = tmp_path / "data" / "archive.db"
    env = environment(tmp_path, GOVSCRAPER_CONFIG=str(named), GOVSCRAPER_MAX_ARTICLES="3")
    result = run_cli("crawl", "qni-replica", "--db", str(db), registry=registry_file, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = rows(db, "SELECT settings FROM crawl_runs")
    recorded = json.loads(run["settings"])
    assert recorded["DOWNLOAD_DELAY"] == 0
    assert recorded["AUTOTHROTTLE_ENABLED"] is False
    assert recorded["CONCURRENT_REQUESTS_PER_DOMAIN"] == 8
    assert recorded["DOWNLOAD_TIMEOUT"] == 9
    assert recorded["RETRY_TIMES"] == 1  # the archive's file over the user's
    assert recorded["GOVSCRAPER_MAX_ARTICLES"] == 3
    assert recorded["ROBOTSTXT_OBEY"] is True  # untouched defaults stay
    assert "contact: archivist@example.org)" in recorded["USER_AGENT"]
    assert rows(db, "SELECT COUNT(*) AS n FROM articles")[0]["n"] == 3


def test_scrapy_crawl_reads_the_same_files_and_variables(tmp_path, registry_file):
    """scrapy crawl portal (and Scrapyd) load govscraper.settings themselves: the add-on layers the files and the
    variables, GOVSCRAPER_DB included, and Scrapy's own -s stays on top."""
    named = tmp_path / "fast.toml"
    named.write_text(
        "DOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\nRETRY_TIMES = 1\nGOVSCRAPER_MAX_ARTICLES = 2\n",
        encoding="utf-8",
    )
    db = tmp_path / "scrapy" / "archive.db"
    archive_file_path = db.parent / "govscraper.toml"
    archive_file_path.parent.mkdir(parents=True)
    archive_file_path.write_text("DOWNLOAD_TIMEOUT = 8\n", encoding="utf-8")
    env = environment(tmp_path, GOVSCRAPER_CONFIG=str(named), GOVSCRAPER_DB=str(db))
    result = run_cli(
        "crawl", "portal", "-a", "portal=qni-replica", "-s", "RETRY_TIMES=0",
        registry=registry_file, env=env, cwd=ROOT, command=(sys.executable, "-m", "scrapy"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = rows(db, "SELECT settings FROM crawl_runs")
    recorded = json.loads(run["settings"])
    assert (recorded["DOWNLOAD_DELAY"], recorded["AUTOTHROTTLE_ENABLED"]) == (0, False)
    assert recorded["DOWNLOAD_TIMEOUT"] == 8
    assert recorded["RETRY_TIMES"] == "0"  # Scrapy's -s, as text, over the file
    assert recorded["GOVSCRAPER_MAX_ARTICLES"] == 2
    assert rows(db, "SELECT COUNT(*) AS n FROM articles")[0]["n"] == 2


def test_a_crawl_of_this_machine_is_relaxed_unless_a_layer_says_otherwise(tmp_path, registry_file):
    """The replica on 127.0.0.1 without --loopback: the loopback profile is its default (no delay, no AutoThrottle),
    and a file still beats it (politeness a user asks for is kept)."""
    db = tmp_path / "data" / "archive.db"
    env = environment(tmp_path, GOVSCRAPER_MAX_ARTICLES="2")
    result = run_cli("crawl", "qni-replica", "--db", str(db), registry=registry_file, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = rows(db, "SELECT settings FROM crawl_runs")
    recorded = json.loads(run["settings"])
    assert (recorded["DOWNLOAD_DELAY"], recorded["AUTOTHROTTLE_ENABLED"]) == (0, False)
    archive_file(tmp_path, "DOWNLOAD_DELAY = 0.25\n")
    result = run_cli("crawl", "qni-replica", "--db", str(db), "--full", registry=registry_file, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    second = json.loads(rows(db, "SELECT settings FROM crawl_runs WHERE id = 2")[0]["settings"])
    assert (second["DOWNLOAD_DELAY"], second["AUTOTHROTTLE_ENABLED"]) == (0.25, False)
