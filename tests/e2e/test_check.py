"""``govscraper check`` over a replica whose editors take articles down, move them and bring them back.

One replica portal is crawled once; then the replica withdraws one article in each way portals do (404, 410, a page
saying "Bài viết không tồn tại", the empty article template, a redirect to the home page, a 301 to the article's
new address) and one only for a while (a transient 404). Three checks, the removal rule set to 3 checks over 0 days
so that the test need not wait a week (the 7-day span is the unit tests' business), then one after the transient
article is back: the events recorded must be exactly those, the archived articles and their versions untouched,
and ``changes``, the changes page and its Atom feed must say the same.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, ReplicaSite, build_site
from govscraper_replica.site import WITHDRAWALS
from tests.helpers.cli import registry_entry, run_cli
from tests.helpers.serving import get, start_serve, stop

NOW = ("-s", "GOVSCRAPER_REMOVAL_DAYS=0")
#: The ways one article is taken down (a whole domain sent elsewhere is the portal's matter, tested on its own).
WAYS = tuple(how for how in WITHDRAWALS if how != "elsewhere")


@pytest.fixture(scope="module")
def site():
    return build_site(articles=30, seed=53)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0) as running:
        yield running


@dataclass
class Crawled:
    """A replica portal registered as ``portal`` and crawled once into ``db_path`` (see :func:`crawled_replica`)."""

    site: ReplicaSite
    registry: Path
    db_path: Path
    portal: str
    crawl: subprocess.CompletedProcess[str] | None = None

    def run(self, command: str, *options: str) -> subprocess.CompletedProcess[str]:
        """``govscraper COMMAND PORTAL --db ... --loopback OPTIONS`` over this replica's registry entry."""
        return run_cli(command, self.portal, "--db", str(self.db_path), "--loopback", *options, registry=self.registry)

    def db(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self.db_path)


@contextlib.contextmanager
def crawled_replica(tmp_path: Path, portal: str, articles: int, seed: int, *crawl_options: str) -> Iterator[Crawled]:
    """A replica of ``articles`` articles served while the block runs, registered as ``portal`` and crawled once
    (with ``crawl_options``); the crawl's result is ``.crawl``."""
    site = build_site(articles=articles, seed=seed)
    registry = tmp_path / "registry.toml"
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry.write_text(registry_entry(portal, server, site), encoding="utf-8")
        made = Crawled(site, registry, tmp_path / "archive.db", portal)
        made.crawl = made.run("crawl", *crawl_options)
        yield made


def archive_rows(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        articles = conn.execute("SELECT * FROM articles ORDER BY id").fetchall()
        versions = conn.execute("SELECT * FROM article_versions ORDER BY id").fetchall()
    return [*articles, ("versions", *versions)]


@pytest.fixture(scope="module")
def checked(tmp_path_factory, site, server):
    """The crawl, the withdrawals, the checks; what each check printed and the archive before the checks."""
    root = tmp_path_factory.mktemp("check")
    registry = root / "registry.toml"
    registry.write_text(registry_entry("qni-check", server, site), encoding="utf-8")
    db_path = root / "archive.db"
    crawl = run_cli("crawl", "qni-check", "--db", str(db_path), "--loopback", registry=registry)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    before = archive_rows(db_path)
    ids = {a.url: a.id for a in site.articles}
    urls = {
        row["url"].split("/", 3)[3]: row["id"] for row in sqlite_utils.Database(db_path).query("SELECT * FROM articles")
    }
    archived_id = {ids["/" + path]: archive_id for path, archive_id in urls.items()}
    withdrawn = {}
    for article, how in zip(site.articles[2:], (*WAYS, "transient"), strict=False):
        site.withdraw(article.id, "deleted" if how == "transient" else how)
        withdrawn[how] = archived_id[article.id]
    transient = next(a for a in site.articles if archived_id[a.id] == withdrawn["transient"])
    outputs = []
    for _ in range(3):
        result = run_cli("check", "qni-check", "--db", str(db_path), "--loopback", *NOW, registry=registry)
        assert result.returncode == 0, result.stderr[-3000:]
        outputs.append(result.stdout)
        if len(outputs) == 1:
            site.restore(transient.id)  # back before the second check: a transient 404
    return {"db": db_path, "registry": registry, "before": before, "withdrawn": withdrawn, "outputs": outputs}


def events(db_path) -> list[tuple[int, str]]:
    return [(row["article_id"], row["kind"]) for row in sqlite_utils.Database(db_path).query(
        "SELECT article_id, kind FROM article_events ORDER BY id"
    )]  # fmt: skip


def test_each_way_of_taking_an_article_down_is_recorded_missing_then_removed(checked):
    withdrawn = checked["withdrawn"]
    gone = [withdrawn[how] for how in WAYS if how != "moved"]
    recorded = events(checked["db"])
    first_check = sorted([(i, "missing") for i in [*gone, withdrawn["transient"]]] + [(withdrawn["moved"], "moved")])
    assert sorted(recorded[: len(first_check)]) == first_check
    rest = recorded[len(first_check) :]
    assert rest[0] == (withdrawn["transient"], "restored")  # the second check
    assert sorted(rest[1:]) == sorted((i, "removed") for i in gone)  # the third


def test_the_evidence_is_the_answer_and_its_capture(checked):
    db = sqlite_utils.Database(checked["db"])
    withdrawn = checked["withdrawn"]
    rows = {
        (row["article_id"], row["kind"]): row
        for row in db.query("SELECT * FROM article_events WHERE kind IN ('missing', 'moved')")
    }
    expected = {
        "deleted": (404, "404 Not Found"),
        "gone": (410, "410 Gone"),
        "soft-404": (200, "soft 404"),
        "empty": (200, "empty article template"),
        "to-home": (302, "to the home page"),
        "moved": (301, "to another article page"),
    }
    for how, (status, words) in expected.items():
        row = rows[(withdrawn[how], "moved" if how == "moved" else "missing")]
        assert row["status"] == status, how
        assert words in row["evidence"], (how, row["evidence"])
        capture = db["captures"].get(row["capture_id"])
        assert capture["status"] == status, how
    assert rows[(withdrawn["moved"], "moved")]["final_url"].endswith(".html")
    assert rows[(withdrawn["to-home"], "missing")]["final_url"].endswith("/")


def test_a_transient_404_is_restored_and_never_removed(checked):
    transient = checked["withdrawn"]["transient"]
    assert [kind for article, kind in events(checked["db"]) if article == transient] == ["missing", "restored"]
    state = sqlite_utils.Database(checked["db"])["article_presence"].get(transient)
    assert (state["state"], state["misses"]) == ("present", 0)


def test_checks_change_nothing_archived(checked):
    assert archive_rows(checked["db"]) == checked["before"]


def test_the_check_says_what_it_found(checked):
    first, _, third = checked["outputs"]
    assert "30 articles revisited: 23 present, 6 missing, 1 moved, 0 unknown" in first
    assert "events: 6 missing, 0 removed, 0 restored, 1 moved" in first
    assert "events: 0 missing, 5 removed, 0 restored, 0 moved" in third


def test_changes_lists_the_events_as_table_json_and_csv(checked):
    db = str(checked["db"])
    table = run_cli("changes", "--db", db, "--kind", "removed")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["at", "portal", "kind", "article", "title", "evidence"]
    assert len(lines) == 1 + 5
    assert all(" removed " in line for line in lines[1:])
    listed = json.loads(run_cli("changes", "--db", db, "--portal", "qni-check", "--format", "json").stdout)
    assert [(row["article_id"], row["kind"]) for row in reversed(listed)] == events(checked["db"])
    assert all(row["url"].startswith("http://127.0.0.1:") and row["title"] for row in listed)
    csv_text = run_cli("changes", "--db", db, "--format", "csv", "--since", "2000-01-01").stdout
    assert csv_text.splitlines()[0].startswith("id,at,portal_id,kind,article_id,title,url")
    assert len(csv_text.splitlines()) == 1 + len(listed)
    assert run_cli("changes", "--db", db, "--since", "2999-01-01", "--format", "json").stdout.strip() == "[]"
    bad = run_cli("changes", "--db", db, "--since", "yesterday")
    assert bad.returncode == 2
    assert "is not a day" in bad.stderr


ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def atom_problems(body: bytes) -> list[str]:
    """What RFC 4287 requires of a feed and its entries that ``body`` lacks (the checks of its section 4)."""
    root = ElementTree.fromstring(body)
    found = [] if root.tag == f"{ATOM}feed" else [f"root is {root.tag}, not atom:feed"]

    def exactly_one(element, tag, where):
        children = element.findall(f"{ATOM}{tag}")
        if len(children) != 1:
            found.append(f"{where}: {len(children)} atom:{tag}, not exactly one")
        elif tag == "updated" and not RFC3339.match(children[0].text or ""):
            found.append(f"{where}: atom:updated {children[0].text!r} is not an RFC 3339 date-time")
        elif tag == "id" and not urlsplit(children[0].text or "").scheme:
            found.append(f"{where}: atom:id {children[0].text!r} is not an absolute IRI")
        return children

    for tag in ("id", "title", "updated"):
        exactly_one(root, tag, "feed")
    entries = root.findall(f"{ATOM}entry")
    if not root.findall(f"{ATOM}author") and not all(e.findall(f"{ATOM}author") for e in entries):
        found.append("feed: no atom:author, and not every entry has one")
    for number, entry in enumerate(entries):
        for tag in ("id", "title", "updated"):
            exactly_one(entry, tag, f"entry {number}")
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        if not entry.findall(f"{ATOM}content") and not alternates:
            found.append(f"entry {number}: neither atom:content nor a link rel=alternate")
        if len(alternates) > 1:
            found.append(f"entry {number}: more than one link rel=alternate of one type")
    return found


def test_serve_shows_the_changes_and_a_valid_atom_feed_per_portal(checked, tmp_path):
    process, base = start_serve(checked["db"], tmp_path / "serve.log")
    try:
        status, page = get(f"{base}/archive/-/changes?portal=qni-check")
        assert status == 200
        html = page.decode("utf-8")
        assert html.count('data-kind="removed"') == 5
        assert "changes.atom?portal=qni-check" in html
        status, body = get(f"{base}/-/changes.atom?portal=qni-check")
        assert status == 200
        assert atom_problems(body) == []
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        assert feed.feed.title == "govscraper: changes on qni-check"
        assert len(feed.entries) == len(events(checked["db"]))
        assert len({entry.id for entry in feed.entries}) == len(feed.entries)
        removed = [entry for entry in feed.entries if entry.tags[0].term == "removed"]
        assert len(removed) == 5
        for entry in feed.entries:
            assert entry.updated_parsed
            assert entry.title
            assert entry.summary
            assert entry.link.startswith(f"{base}/archive/-/article/")
            status, _ = get(entry.link)
            assert status == 200
        assert get(f"{base}/archive/-/changes.atom?portal=nobody")[0] == 200  # an empty feed, still a feed
        assert not feedparser.parse(get(f"{base}/archive/-/changes.atom?portal=nobody")[1]).bozo
    finally:
        stop(process)


def test_a_portal_that_cannot_be_reached_is_one_outage_not_a_failure_per_article(tmp_path):
    with crawled_replica(tmp_path, "qni-down", 12, 54) as replica:
        assert replica.crawl.returncode == 0, replica.crawl.stderr[-3000:]
    # The server is gone: its port refuses connections, as a portal that was switched off.
    for _ in range(2):
        down = replica.run("check", *NOW)
        assert down.returncode == 1
        assert "could not reach" in down.stderr
        assert "unreachable" in down.stderr
    db = replica.db()
    outages = list(db.query("SELECT * FROM portal_outages"))
    assert len(outages) == 1
    assert (outages[0]["portal_id"], outages[0]["runs"], outages[0]["ended_at"]) == ("qni-down", 2, None)
    assert "could not reach" in outages[0]["reason"]
    check_runs = [row["id"] for row in db.query("SELECT id FROM crawl_runs WHERE mode = 'check'")]
    failures = db.execute(
        f"SELECT count(*) FROM fetch_failures WHERE run_id IN ({','.join('?' * len(check_runs))})", check_runs
    ).fetchone()[0]
    assert failures <= 2  # at most the one reason per run, never one per article
    assert db["article_events"].count == 0  # an unreachable portal says nothing about its articles
    assert db["articles"].count == 12


def test_sample_revisits_the_longest_unchecked_first(tmp_path):
    with crawled_replica(tmp_path, "qni-sample", 12, 55) as replica:
        assert replica.crawl.returncode == 0
        article_id = {row["url"]: row["id"] for row in replica.db().query("SELECT id, url FROM articles")}
        checked_by_run = []
        for _ in range(3):
            result = replica.run("check", "--sample", "5")
            assert result.returncode == 0, result.stderr[-2000:]
            assert "5 articles revisited" in result.stdout
            db = replica.db()
            run_id = next(db.query("SELECT max(id) AS id FROM crawl_runs"))["id"]
            # The article pages this run asked for, as its WARC captures hold them (robots.txt aside).
            asked = {row["url"] for row in db.query("SELECT url FROM captures WHERE run_id = ?", [run_id])}
            checked_by_run.append({article_id[url] for url in asked if url in article_id})
    first, second, third = checked_by_run
    assert len(first) == len(second) == 5
    assert not first & second
    assert third >= set(range(1, 13)) - first - second  # the two never checked come first


@pytest.fixture(scope="module")
def edited(checked, site):
    """After the checks: the portal's editors change one article (title, a paragraph, a caption); ``crawl --full``
    revisits every article and finds it."""
    withdrawn = set(site.withdrawn)
    article = next(a for a in site.articles if a.id not in withdrawn and a.images and len(a.text_paragraphs) > 2)
    paragraphs = list(article.text_paragraphs)
    paragraphs[1] = "Đoạn này đã được biên tập lại sau khi đăng."
    site.edit(
        article.id, title=article.title + " (cập nhật)", paragraphs=paragraphs, captions={0: "Ảnh đã thay chú thích"}
    )
    result = run_cli(
        "crawl", "qni-check", "--db", str(checked["db"]), "--loopback", "--full", registry=checked["registry"]
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return article


def test_an_edit_found_by_a_full_crawl_is_an_event_saying_what_changed(checked, edited):
    listed = json.loads(run_cli("changes", "--db", str(checked["db"]), "--kind", "edited", "--format", "json").stdout)
    assert len(listed) == 1
    event = listed[0]
    assert event["title"] == edited.title  # the article as it now stands; the version before is kept
    assert event["details"]["fields"] == ["title", "body", "photos"]
    assert 0 < event["details"]["body_words_changed"] < 0.5
    assert event["details"]["captions_changed"] == 1
    assert (event["details"]["photos_added"], event["details"]["photos_removed"]) == (0, 0)
    assert event["evidence"].startswith("edited: title, body (")
    db = sqlite_utils.Database(checked["db"])
    assert db["article_versions"].count == 1
    assert next(db.query("SELECT version FROM article_versions"))["version"] == event["details"]["version"] == 1


def test_a_full_crawl_records_what_it_finds_gone_as_a_check_does(tmp_path):
    with crawled_replica(tmp_path, "qni-full", 12, 56) as replica:
        assert replica.crawl.returncode == 0
        site = replica.site
        deleted, soft, home = site.articles[1], site.articles[4], site.articles[7]
        site.withdraw(deleted.id, "deleted")
        site.withdraw(soft.id, "soft-404")
        site.withdraw(home.id, "to-home")
        full = replica.run("crawl", "--full")
    # No layout alarm: a page saying that the article is gone is no failed extraction.
    assert full.returncode == 0, full.stderr[-3000:]
    db = replica.db()
    run_id = next(db.query("SELECT max(id) AS id FROM crawl_runs"))["id"]
    events = list(
        db.query("SELECT a.url, e.kind, e.status FROM article_events e JOIN articles a ON a.id = e.article_id")
    )
    assert sorted((row["url"].split("/", 3)[3], row["kind"], row["status"]) for row in events) == sorted(
        [(deleted.url[1:], "missing", 404), (soft.url[1:], "missing", 200), (home.url[1:], "missing", 302)]
    )
    assert db.execute("SELECT count(*) FROM fetch_failures WHERE run_id = ?", [run_id]).fetchone()[0] == 0
    assert db["articles"].count == 12


def test_a_portal_whose_every_page_redirects_elsewhere_is_one_outage_not_removals(tmp_path):
    with crawled_replica(tmp_path, "qni-parked", 8, 57) as replica:
        assert replica.crawl.returncode == 0
        for article in replica.site.articles:
            replica.site.withdraw(article.id, "elsewhere")  # the domain was sold: every page goes to the parking page
        parked = replica.run("check", *NOW)
    assert parked.returncode == 1
    assert "every article asked for redirects to another site" in parked.stderr
    db = replica.db()
    outage = list(db.query("SELECT reason, runs FROM portal_outages"))
    assert len(outage) == 1
    assert "redirects to another site (http://ten-mien-nay-dang-duoc-rao-ban.example/)" in outage[0]["reason"]
    assert db["article_events"].count == 0  # the articles are not each "removed": the portal is gone
    run_id = next(db.query("SELECT max(id) AS id FROM crawl_runs"))["id"]
    assert db.execute("SELECT count(*) FROM fetch_failures WHERE run_id = ?", [run_id]).fetchone()[0] < 5


def test_check_without_a_portal_checks_every_portal_of_the_archive(tmp_path):
    sites = {"qni-a": build_site(articles=5, seed=58), "qni-b": build_site(articles=6, seed=59)}
    registry = tmp_path / "registry.toml"
    db_path = tmp_path / "archive.db"
    with ReplicaServer(sites["qni-a"], port=0) as first, ReplicaServer(sites["qni-b"], port=0) as second:
        entries = registry_entry("qni-a", first, sites["qni-a"]) + registry_entry("qni-b", second, sites["qni-b"])
        registry.write_text(entries, encoding="utf-8")
        for portal in sites:
            assert run_cli("crawl", portal, "--db", str(db_path), "--loopback", registry=registry).returncode == 0
        result = run_cli("check", "--db", str(db_path), "--loopback", registry=registry)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if "(check)" in line]
    assert len(lines) == 2
    assert "5 articles revisited: 5 present" in lines[0]
    assert "6 articles revisited: 6 present" in lines[1]


def test_a_portal_the_registry_does_not_name_is_checked_as_the_archive_recorded_it(tmp_path):
    site = build_site(articles=6, seed=62)
    db_path = str(tmp_path / "archive.db")
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        crawled = run_cli("crawl", "--url", server.url, "--db", db_path, "--loopback")
        assert crawled.returncode == 0, crawled.stderr[-2000:]
        portal = next(sqlite_utils.Database(db_path).query("SELECT portal_id FROM crawl_runs"))["portal_id"]
        site.withdraw(site.articles[0].id, "deleted")
        result = run_cli("check", portal, "--db", db_path, "--loopback")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "6 articles revisited: 5 present, 1 missing" in result.stdout


def test_a_check_leaves_a_crawl_to_resume_alone(tmp_path):
    """A crawl ended at its page budget is to be resumed; a check of the portal in between must not take its place
    (a check is not resumed) nor clear it."""
    with crawled_replica(tmp_path, "qni-resume", 30, 60, "-s", "GOVSCRAPER_MAX_PAGES=12") as replica:
        assert "--resume" in replica.crawl.stderr, replica.crawl.stderr[-2000:]
        assert replica.run("check").returncode == 0
        resumed = replica.run("crawl", "--resume")
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    db = replica.db()
    assert db["articles"].count == 30
    runs = list(db.query("SELECT id, mode, resumes, status FROM crawl_runs ORDER BY id"))
    assert [(run["mode"], run["status"]) for run in runs] == [("full", "finished"), ("check", "finished")]
    assert runs[0]["resumes"] == 1  # the crawl was continued, not the check
