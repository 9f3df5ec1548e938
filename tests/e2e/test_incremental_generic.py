"""Incremental re-crawls on the generic path, of a portal that answers no conditional request.

The replica here sends no ETag or Last-Modified and ignores ``If-None-Match`` (``validators=False``), as many small
portals do: nothing can answer 304, so what a re-crawl costs is what the crawler itself decides to ask for. The
portal's entry says ``platform = "generic"`` (the path of any portal by URL: the page decides what is an article),
and a second entry names no start URL at all (the home page). An unchanged portal's re-crawl must ask for robots.txt,
the sitemap probe and the start pages only; new articles, also 25 pushing older ones across list pages, are found
with the list pages down to the first that brought nothing new.
"""

from __future__ import annotations

import re

import pytest

from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry
from tests.helpers.recrawls import Recrawls

CATEGORY = "kinh-te-xa-hoi"


@pytest.fixture(scope="module")
def site():
    return build_site(articles=120, seed=41)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0, validators=False) as running:
        yield running


@pytest.fixture(scope="module")
def registry(tmp_path_factory, site, server):
    path = tmp_path_factory.mktemp("generic-incremental") / "registry.toml"
    entries = registry_entry("qni-generic", server, site, platform="generic")
    entries += registry_entry("qni-home", server, site, platform="generic", home_only=True)
    path.write_text(entries, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawls(tmp_path_factory, site, server, registry):
    """The category-started entry's crawls in order: first, unchanged, 10 new, 25 new in one category."""
    made = Recrawls(server, registry, tmp_path_factory.mktemp("generic") / "archive.db", "qni-generic")
    made.crawl("first")
    made.crawl("unchanged")
    made.crawl("ten-new", before=lambda: site.add(10))
    made.crawl("pushed-down", before=lambda: site.add(25, category=CATEGORY))
    return made


def article_paths(site) -> set[str]:
    return {a["url"] for a in site.manifest()["articles"]}


def list_pages(served: dict[str, int], category: str) -> list[int]:
    """The page numbers of a category's list that were asked for (1 for the bare category URL)."""
    pages = []
    for path in served:
        if path.split("?")[0] == f"/{category}":
            found = re.search(r"_101_cur=(\d+)", path)
            pages.append(int(found.group(1)) if found else 1)
    return sorted(pages)


def test_the_first_crawl_archives_every_article(crawls):
    run = crawls.steps["first"]["run"]
    assert (run["mode"], run["articles_new"]) == ("full", 120)
    assert crawls.steps["first"]["statuses"].get(304, 0) == 0  # the portal never answers 304


def test_an_unchanged_recrawl_asks_for_the_start_pages_only(crawls, site):
    step = crawls.steps["unchanged"]
    run, first = step["run"], crawls.steps["first"]["run"]
    assert run["mode"] == "incremental"
    assert (run["articles_new"], run["articles_updated"]) == (0, 0)
    starts = {f"/{category.slug}" for category in site.categories}
    assert set(step["served"]) == {"/robots.txt", "/sitemap.xml", *starts}, step["served"]
    assert set(step["served"].values()) == {1}
    assert run["requests"] == 2 + len(starts) <= 0.05 * first["requests"]


def test_after_ten_new_articles_the_recrawl_archives_exactly_those_ten(crawls):
    step = crawls.steps["ten-new"]
    run = step["run"]
    assert (run["articles_new"], run["articles_updated"]) == (10, 0)
    assert crawls.paths_first_archived_by(run) == {article.url for article in step["added"]}
    assert not set(step["served"]) & crawls.paths_archived_before(run)


def test_new_articles_pushing_older_ones_across_pages_are_all_found(crawls, site):
    step = crawls.steps["pushed-down"]
    run = step["run"]
    assert (run["articles_new"], run["articles_updated"]) == (25, 0)
    assert crawls.paths_first_archived_by(run) == {article.url for article in step["added"]}
    assert not set(step["served"]) & crawls.paths_archived_before(run)
    # 25 new articles fill pages 1-3 of the category (10 a page); page 4 brings nothing new and ends the walk.
    assert site.delta == 10
    assert list_pages(step["served"], CATEGORY) == [1, 2, 3, 4]
    for category in site.categories:
        if category.slug != CATEGORY:
            assert list_pages(step["served"], category.slug) == [1], category.slug


def test_an_entry_without_start_urls_is_crawled_from_its_home_page_and_rechecked_cheaply(
    tmp_path, crawls, site, server, registry
):
    home = Recrawls(server, registry, tmp_path / "archive.db", "qni-home")
    first = home.crawl("first")["run"]
    assert (first["mode"], first["articles_new"]) == ("full", len(site.articles))
    again = home.crawl("unchanged")
    assert (again["run"]["articles_new"], again["run"]["articles_updated"]) == (0, 0)
    assert not set(again["served"]) & article_paths(site)
    assert set(again["served"].values()) == {1}
    # The home page and the pages it links (each category's first list page among them), no list page beyond.
    for category in site.categories:
        assert list_pages(again["served"], category.slug) == [1], category.slug
    assert again["run"]["requests"] <= 0.05 * first["requests"]
