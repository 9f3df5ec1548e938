"""Incremental re-crawls over the replica: an unchanged portal costs a handful of requests, new articles are found.

One replica, one archive, crawls in turn as an archivist's daily job would run them: the first crawl walks everything;
an unchanged re-crawl asks for the category lists conditionally and gets 304s; after the editors publish 10 articles
the re-crawl archives exactly those 10; after 25 in one category (pushing older articles down across page boundaries)
it follows the list until it meets enough archived articles in a row; ``--full`` then revisits every article page
conditionally. Each check reads ``crawl_runs``, the archive and the replica's own request counters.
"""

from __future__ import annotations

import urllib.request

import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli
from tests.helpers.recrawls import Recrawls, path_of


@pytest.fixture(scope="module")
def site():
    return build_site(articles=120, seed=31)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def history(tmp_path_factory, site, server):
    """Run the crawls in order; for each: the CLI result, the run row, and what the replica served meanwhile."""
    root = tmp_path_factory.mktemp("incremental")
    registry = root / "registry.toml"
    registry.write_text(registry_entry("qni-incr", server, site), encoding="utf-8")
    db_path = root / "data" / "archive.db"
    crawls = Recrawls(server, registry, db_path, "qni-incr")
    crawls.crawl("first")
    crawls.crawl("unchanged")
    crawls.crawl("ten-new", before=lambda: site.add(10))
    crawls.crawl("pushed-down", before=lambda: site.add(25, category="kinh-te-xa-hoi"))
    crawls.crawl("full", "--full", before=lambda: pages_still_matching(db_path, server))
    return {"db": sqlite_utils.Database(db_path), "steps": crawls.steps, "crawls": crawls}


def pages_still_matching(db_path, server) -> set[str]:
    """Article pages whose ETag is still the one archived: a conditional request for them must get a 304.

    (New articles change the "Các tin khác" box of older ones in their category, so some pages did change.)
    """
    db = sqlite_utils.Database(db_path)
    matching = set()
    for row in db.query("SELECT url, etag FROM http_validators WHERE url LIKE '%view_content%'"):
        request = urllib.request.Request(row["url"], method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.headers["ETag"] == row["etag"]:
                matching.add(path_of(row["url"]))
    return matching


def article_paths(site) -> set[str]:
    return {a["url"] for a in site.manifest()["articles"]}


def test_the_first_crawl_walks_everything(history, site):
    first = history["steps"]["first"]
    assert first["run"]["mode"] == "full"
    assert first["run"]["articles_new"] == 120


def test_an_unchanged_recrawl_makes_at_most_5_percent_of_the_requests(history, site):
    first, again = history["steps"]["first"]["run"], history["steps"]["unchanged"]["run"]
    assert again["mode"] == "incremental"
    assert again["requests"] <= 0.05 * first["requests"], (again["requests"], first["requests"])
    assert (again["articles_new"], again["articles_updated"]) == (0, 0)
    # Only the category lists' first pages (and robots.txt) were asked for, and the lists answered 304.
    served = history["steps"]["unchanged"]["served"]
    assert not set(served) & article_paths(site)
    assert history["steps"]["unchanged"]["statuses"].get(304, 0) == len(site.categories)
    assert again["pages_not_modified"] == len(site.categories)
    assert "run 2 (incremental) finished" in history["steps"]["unchanged"]["result"].stdout


def test_after_ten_new_articles_the_recrawl_archives_exactly_those_ten(history):
    step = history["steps"]["ten-new"]
    run = step["run"]
    assert run["mode"] == "incremental"
    assert (run["articles_new"], run["articles_updated"]) == (10, 0)
    assert history["crawls"].paths_first_archived_by(run) == {article.url for article in step["added"]}
    # No article archived before was fetched again.
    assert not set(step["served"]) & history["crawls"].paths_archived_before(run)


def test_new_articles_pushing_older_ones_across_pages_are_all_found(history):
    step = history["steps"]["pushed-down"]
    run = step["run"]
    assert (run["articles_new"], run["articles_updated"]) == (25, 0)
    assert history["crawls"].paths_first_archived_by(run) == {article.url for article in step["added"]}
    assert not set(step["served"]) & history["crawls"].paths_archived_before(run)
    # 25 new + the list pages to reach 10 archived in a row, not the whole category.
    lists = [path for path in step["served"] if "kinh-te-xa-hoi" in path and "view_content" not in path]
    assert 3 <= len(lists) <= 5, lists


def test_a_full_recrawl_revisits_every_article_conditionally(history, site):
    step = history["steps"]["full"]
    run = step["run"]
    assert run["mode"] == "full"
    assert (run["articles_new"], run["articles_updated"]) == (0, 0)
    assert run["articles_unchanged"] == len(site.articles) == 155
    # Every article page was asked for once, with the validators of its last capture: the unchanged ones got 304.
    article_requests = {path: n for path, n in step["served"].items() if path in article_paths(site)}
    assert article_requests == dict.fromkeys(article_paths(site), 1)
    assert len(step["added"]) > 100  # most pages did not change since they were archived
    assert step["statuses"][304] == run["pages_not_modified"] == len(step["added"])
    assert history["db"]["articles"].count == 155
    assert history["db"]["article_versions"].count == 0
    # Every article was there, and the "Các tin khác" boxes that changed are no edit: nothing to record.
    assert history["db"]["article_events"].count == 0


def test_a_run_cut_short_by_limit_does_not_let_its_lists_answer_304(tmp_path, site, server):
    """``--limit`` archives a few articles and finishes; the next crawl must still find all the others."""
    registry = tmp_path / "registry.toml"
    registry.write_text(registry_entry("qni-limit", server, site), encoding="utf-8")
    db_path = tmp_path / "archive.db"
    limited = run_cli("crawl", "qni-limit", "--db", str(db_path), "--loopback", "--limit", "5", registry=registry)
    assert limited.returncode == 0, limited.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 5
    assert db.execute("SELECT count(*) FROM http_validators WHERE url NOT LIKE '%view_content%'").fetchone()[0] == 0
    again = run_cli("crawl", "qni-limit", "--db", str(db_path), "--loopback", registry=registry)
    assert again.returncode == 0, again.stderr[-3000:]
    assert db["articles"].count == len(site.articles)


def test_an_entry_without_start_urls_archives_every_article_from_the_home_page(tmp_path):
    """A Liferay 6.2 entry that names no start URL: the categories are found from the home page and its menus."""
    site = build_site(articles=36, seed=2022)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        registry = tmp_path / "registry.toml"
        registry.write_text(registry_entry("qni-home", server, site, home_only=True), encoding="utf-8")
        crawls = Recrawls(server, registry, tmp_path / "archive.db", "qni-home")
        first = crawls.crawl("first")
        assert first["run"]["articles_new"] == 36
        assert crawls.paths_first_archived_by(first["run"]) == article_paths(site)
        added = crawls.crawl("five-new", before=lambda: site.add(5))
        assert (added["run"]["articles_new"], added["run"]["articles_updated"]) == (5, 0)
        assert crawls.paths_first_archived_by(added["run"]) == {article.url for article in added["added"]}
