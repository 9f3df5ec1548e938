"""The govscraper command: listings, extraction of saved pages, the demo, and clear one-line errors."""

from __future__ import annotations

import json
import re

import pytest
import sqlite_utils
from click.testing import CliRunner

from govscraper.cli import cli
from tests.helpers import fixtures
from tests.helpers.cli import run_cli

ARTICLE = "liferay62_sotttt-hanoi_article_en_3159471.html"  # a real page, read where it is kept
ARTICLE_URL = fixtures.expected("liferay62", ARTICLE)["url"]  # the address it was saved from


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in (command.help or ""), f"{name} has no example in its help"


def test_portals_lists_the_registry():
    result = invoke("portals")
    assert result.exit_code == 0
    assert "qni-moduc" in result.output
    assert "Cổng thông tin điện tử huyện Mộ Đức" in result.output
    rows = [json.loads(line) for line in invoke("portals", "--json").output.splitlines()]
    assert {"id", "name", "province", "level", "base_url", "platform", "status"} <= set(rows[0])


def test_extract_prints_the_fields_as_json():
    result = invoke("extract", str(fixtures.page_path("liferay62", ARTICLE)), "--url", ARTICLE_URL, "--json")
    assert result.exit_code == 0, result.output
    fields = json.loads(result.output)
    assert set(fields) == {
        "title",
        "published",
        "author",
        "source",
        "sapo",
        "body",
        "category",
        "views",
        "images",
        "attachments",
        "platform",
    }
    assert fields["platform"] == "liferay62"
    assert fields["published"] == "2019-03-18T15:06:00+07:00"
    assert (fields["views"], fields["category"], fields["author"]) == (107, "Hot News", "Admin English")
    assert fields["body"].startswith("Content of information to be published includes:")


def test_extract_human_readable_output():
    result = invoke("extract", str(fixtures.page_path("liferay62", ARTICLE)), "--url", ARTICLE_URL)
    assert result.exit_code == 0
    assert "title: Rules for citizen reception" in result.output
    assert "views: 107" in result.output


def test_extract_explains_each_field_and_each_line_left_out():
    page = fixtures.page_path("layouts", "moduc_article_tong-ket-phoi-hop.html")
    url = fixtures.expected("layouts", "moduc_article_tong-ket-phoi-hop")["url"]
    result = invoke("extract", str(page), "--url", url, "--json", "--explain")
    assert result.exit_code == 0, result.output
    why = json.loads(result.output)["why"]
    assert why[0] == "platform: generic (detected from the page and its URL)"
    assert any(line.startswith("title: ") and "from " in line for line in why)
    blocks = [line for line in why if line.startswith("content block: ")]
    assert len(blocks) == 1
    assert "score" in blocks[0]
    # The page's captions ("Hình: ...", "Hình:..." without a space) are explained as captions, with their rule.
    captions = [line for line in why if line.startswith("caption of photo ")]
    assert captions
    assert all("a line opening with a caption label" in line or "centred" in line for line in captions)
    assert any(line.startswith("author: 'Văn Trọng'") for line in why)
    assert any(line.startswith("kept: ") for line in why)
    readable = invoke("extract", str(page), "--url", url, "--explain")
    assert readable.exit_code == 0
    assert "\nwhy:\n  platform: generic" in readable.output


def test_extract_explains_a_profile_page():
    result = invoke("extract", str(fixtures.page_path("liferay62", ARTICLE)), "--url", ARTICLE_URL, "--explain")
    assert result.exit_code == 0
    assert "read by the liferay62 profile's selectors" in result.output


def test_extract_honours_a_utf8_bom(tmp_path):
    page = tmp_path / "bom.html"
    page.write_bytes(b"\xef\xbb\xbf" + fixtures.page_path("liferay62", ARTICLE).read_bytes())
    fields = json.loads(invoke("extract", str(page), "--url", ARTICLE_URL, "--json").output)
    assert fields["title"].startswith("Rules for citizen reception")


def test_extract_missing_file_is_a_usage_error():
    result = CliRunner().invoke(cli, ["extract", "/nonexistent.html", "--url", "https://x.vn/"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_unknown_portal_is_one_line_listing_the_known_ones():
    result = CliRunner().invoke(cli, ["crawl", "qni-nowhere"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: unknown portal 'qni-nowhere'; known portals: ")
    assert "qni-moduc" in lines[0]


@pytest.mark.parametrize("args", [(), ("qni-moduc", "--url", "https://x.vn/")])
def test_crawl_needs_exactly_one_target(args):
    result = CliRunner().invoke(cli, ["crawl", *args])
    assert result.exit_code == 2
    assert "give a portal id or --url URL" in result.output


def test_unwritable_database_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run_cli("crawl", "qni-moduc", "--db", str(blocker / "archive.db"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: cannot open the archive at ")
    assert "Traceback" not in result.stderr


def test_unreachable_url_is_one_line_and_nonzero(tmp_path):
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    result = run_cli(
        "crawl", "--url", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"), "--loopback", "-s", "RETRY_TIMES=0"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: could not reach http://127.0.0.1:9/: connection refused (run 1 recorded as unreachable)"
    )
    assert "Traceback" not in result.stderr
    failures = list(sqlite_utils.Database(tmp_path / "a.db")["fetch_failures"].rows)
    # The request that proved it (robots.txt, asked first) is recorded; nothing else was tried.
    assert [(f["url"], f["kind"], f["error"]) for f in failures] == [
        ("http://127.0.0.1:9/robots.txt", "robots", "connection refused")
    ]


def test_bad_setting_is_a_usage_error():
    result = CliRunner().invoke(cli, ["crawl", "qni-moduc", "-s", "NOEQUALS"])
    assert result.exit_code == 2
    assert "is not NAME=VALUE" in result.output


def test_demo_crawls_the_replica_and_shows_a_query(tmp_path):
    db_path = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replica portal with 36 articles serving at http://127.0.0.1:" in result.stdout
    assert "36 articles (36 new, 0 updated, 0 unchanged)" in result.stdout
    assert "0 failures" in result.stdout
    assert "Example query" in result.stdout
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 36
    assert db["images"].count > 30
    # The example query's rows are printed under it.
    expected = [
        row["title"]
        for row in db.query(
            "SELECT title FROM articles WHERE body LIKE '%nông thôn mới%' ORDER BY published_at DESC LIMIT 5"
        )
    ]
    assert expected
    assert all(title in result.stdout for title in expected)


def test_extract_reads_a_windows_1258_page_from_its_bytes():
    page = fixtures.page_path("layouts", "haiphong_old_article_quy-hoach-giao-thong.html")
    expected = fixtures.expected("layouts", page)
    assert b"windows-1258" in page.read_bytes()[:2000].lower()
    fields = json.loads(invoke("extract", str(page), "--url", expected["url"], "--json").output)
    assert fields["title"] == expected["title"]
    assert fields["published"] == expected["published"]
    assert fields["body"] == expected["body"]
    assert fields["platform"] == "generic"


def test_replica_serves_until_stopped(tmp_path):
    """``govscraper replica`` (in the README): one READY line on stdout, what it serves on stderr; it answers, and
    stops on Ctrl-C with status 0, no traceback."""
    import signal
    import urllib.request

    from tests.helpers.crawl_process import CliProcess
    from tests.helpers.waiting import wait_for

    replica = CliProcess("replica", "--port", "0", "--articles", "12")
    try:
        line = wait_for(
            lambda: next((line for line in replica.stdout_lines if line.startswith("READY ")), None),
            "the replica's READY line",
            alive=lambda: replica.alive,
            details=lambda: replica.stderr,
        )
        url = re.fullmatch(r"READY (http://127\.0\.0\.1:\d+/)\n", line)[1]
        replica.wait_for_line(f"serving 12 articles at {url}")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=60) as response:
            assert response.status == 200
            assert "Mộ Đức" in response.read().decode("utf-8")
        replica.signal(signal.SIGINT)
        assert replica.finish() == 0
    finally:
        replica.kill()
    assert replica.stdout == line  # the READY line alone
    assert "replica stopped" in replica.stderr
    assert "Traceback" not in replica.stderr


def test_replica_on_a_port_in_use_is_one_line():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("replica", "--port", str(taken.getsockname()[1]), timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot listen on 127.0.0.1:" in result.stderr


def test_python_m_govscraper_replica_is_govscraper_replica():
    """One command under two names: the same help, options and defaults (the benchmarks and tests start the module)."""
    import sys

    module = run_cli("--help", command=(sys.executable, "-m", "govscraper_replica"))
    assert module.returncode == 0, module.stderr
    assert module.stdout.startswith("Usage: python -m govscraper_replica [OPTIONS]\n")
    command = run_cli("replica", "--help")
    assert command.stdout.startswith("Usage: python -m govscraper replica [OPTIONS]\n")
    assert module.stdout.split("\n", 1)[1] == command.stdout.split("\n", 1)[1]
    for option in ("--articles", "--seed", "--faults", "--delta", "--host", "--port", "--timeout-delay", "--huge-size"):
        assert option in module.stdout
    assert "--heavy-documents N" in module.stdout


@pytest.mark.parametrize(
    ("args", "faults", "port"),
    [
        ((), "none", 8022),
        (("--faults",), "all", 8022),  # the flag it was: one fault of each kind
        (("--faults", "--port", "0"), "all", 0),
        (("--faults", "http500,timeout"), "http500,timeout", 8022),
        (("--faults", '{"http404": [5]}', "--port", "0"), '{"http404": [5]}', 0),
    ],
)
def test_replica_faults_take_a_spec_or_stand_alone(args, faults, port):
    from govscraper.cli.serving import replica

    params = replica.make_context("replica", list(args)).params
    assert (params["faults"], params["port"]) == (faults, port)


def test_replica_with_an_unknown_fault_is_a_usage_error_naming_the_kinds():
    result = run_cli("replica", "--faults", "http500,nope", "--port", "0", timeout=120)
    assert result.returncode == 2
    assert "Invalid value for '--faults': unknown fault kind(s) nope; known: http500, http503-once" in result.stderr
    assert result.stdout == ""
