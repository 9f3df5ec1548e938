"""End to end: crawls that find articles through sitemaps and feeds, over real HTTP on 127.0.0.1.

Two kinds of site are crawled with ``govscraper crawl --loopback`` into real SQLite files:

* a **static site** whose home page links no article at all: its articles are reachable only from its sitemaps
  (robots.txt ``Sitemap:``, an index with nested indexes) or only from its feeds (a ``<link rel="alternate">`` on the
  home page and the registry entry's ``feeds``). The article pages, photos and documents themselves are the
  replica's, passed through; the home page, robots.txt, sitemaps and feeds are written here;
* the **replica** publishing sitemaps and feeds of every article it also lists (``Syndication``), cleanly and with
  hostile or broken files (an entity bomb, an external entity, a gzip bomb, malformed XML, HTML for a feed).

Expectations come from what this file serves: which articles each sitemap and feed names.
"""

from __future__ import annotations

import collections
import gzip
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest
import sqlite_utils

from govscraper_replica import ReplicaServer, build_site
from govscraper_replica.syndication import Syndication
from tests.helpers.cli import registry_entry, run_cli
from tests.helpers.loopback import Answer, LoopbackServer, Request

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
HOME = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Cổng thông tin (thử)</title>{head}</head>"
    "<body><h1>Cổng thông tin điện tử</h1><p>Trang chủ: không liên kết bài nào.</p></body></html>"
)


class StaticSite:
    """A site of a few files written by the test; every other path is passed through to the replica (article
    pages, photos, documents), with this site's Host so the pages link back here. Counts requests by path."""

    def __init__(self, upstream: ReplicaServer):
        self.upstream = upstream
        self.files: dict[str, tuple[str, bytes]] = {}
        self.requests: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.server = LoopbackServer(self.route)
        self.url = self.server.url + "/"
        self.origin = self.server.url

    def route(self, request: Request) -> Answer:
        with self.lock:
            self.requests[request.path] += 1
            found = self.files.get(request.path)
        if found is not None:
            return Answer(body=found[1], content_type=found[0])
        headers = {"Host": request.headers["Host"]}
        for name in ("If-None-Match", "If-Modified-Since"):
            if request.headers.get(name):
                headers[name] = request.headers[name]
        upstream = urllib.request.Request(self.upstream.url.rstrip("/") + request.path, headers=headers)
        try:
            with urllib.request.urlopen(upstream, timeout=10) as response:
                status, kept, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, kept, body = error.code, error.headers, error.read()
        names = ("Content-Type", "ETag", "Last-Modified", "Content-Disposition")
        return Answer(status, body, content_type=None, headers=[(n, kept[n]) for n in names if kept.get(n)])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.close()

    def put(self, path: str, body: str | bytes, content_type: str = "application/xml") -> None:
        with self.lock:
            self.files[path] = (content_type, body.encode() if isinstance(body, str) else body)

    def count(self, path: str) -> int:
        with self.lock:
            return self.requests[path]


def urlset(origin: str, articles, lastmod=None) -> str:
    entries = "".join(
        f"<url><loc>{escape(origin + a.url)}</loc>"
        f"<lastmod>{(lastmod or {}).get(a.id, a.last_modified.isoformat(timespec='seconds'))}</lastmod></url>"
        for a in articles
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>{entries}</urlset>'


def index(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {SITEMAP_NS}>{entries}</sitemapindex>'


def registry(
    tmp_path, portal_id: str, url: str, *, feeds: tuple[str, ...] = (), start_urls: str = "[]", platform="liferay62"
):
    path = tmp_path / f"{portal_id}.toml"
    feed_list = ", ".join(f'"{feed}"' for feed in feeds)
    path.write_text(
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng thử"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
        f'base_url = "{url}"\nplatform = "{platform}"\nstart_urls = {start_urls}\nfeeds = [{feed_list}]\n'
        'status = "live"\n',
        encoding="utf-8",
    )
    return path


def crawl(portal_id: str, db_path, registry_path, *extra: str):
    result = run_cli("crawl", portal_id, "--db", str(db_path), "--loopback", *extra, registry=registry_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result


def archived_paths(db, origin: str) -> list[str]:
    return sorted(row["url"].removeprefix(origin) for row in db.query("SELECT url FROM articles"))


def failures(db) -> list[tuple[str, str, str]]:
    rows = db.query("SELECT kind, url, error FROM fetch_failures ORDER BY id")
    return [(row["kind"], row["url"], row["error"]) for row in rows]


# -- a site whose articles only its sitemaps name ---------------------------------------------------------------
@pytest.fixture(scope="module")
def sitemap_only(tmp_path_factory):
    site = build_site(articles=16, seed=41)
    root = tmp_path_factory.mktemp("sitemap-only")
    with ReplicaServer(site) as replica, StaticSite(replica) as static:
        o = static.origin
        first, nested, too_deep = site.articles[:6], site.articles[6:11], site.articles[11:16]
        static.put("/", HOME.format(head=""), "text/html; charset=utf-8")
        static.put("/robots.txt", "User-agent: *\nDisallow: /c/\nSitemap: /so-do/index.xml\n", "text/plain")
        static.put("/so-do/index.xml", index(f"{o}/so-do/bai-1.xml.gz", f"{o}/so-do/long-1.xml"))
        static.put("/so-do/bai-1.xml.gz", gzip.compress(urlset(o, first).encode()), "application/x-gzip")
        static.put("/so-do/long-1.xml", index(f"{o}/so-do/bai-2.xml", f"{o}/so-do/long-2.xml"))
        static.put("/so-do/bai-2.xml", urlset(o, nested))
        static.put("/so-do/long-2.xml", index(f"{o}/so-do/bai-3.xml"))  # a third level: not followed
        static.put("/so-do/bai-3.xml", urlset(o, too_deep))
        registry_path = registry(root, "qni-sodo", static.url)
        db_path = root / "archive.db"
        first_run = crawl("qni-sodo", db_path, registry_path)
        first_requests = dict(static.requests)

        # The editors correct one article; the sitemap says so with a lastmod after the first crawl.
        edited = first[2]
        site.edit(edited.id, title=edited.title + " (đã sửa)")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        static.put(
            "/so-do/bai-1.xml.gz", gzip.compress(urlset(o, first, {edited.id: now}).encode()), "application/x-gzip"
        )
        with static.lock:
            static.requests.clear()
        second_run = crawl("qni-sodo", db_path, registry_path)
        second_requests = dict(static.requests)
        yield {
            "db": sqlite_utils.Database(db_path),
            "origin": o,
            "listed": first + nested,
            "too_deep": too_deep,
            "edited": edited,
            "first": (first_run, first_requests),
            "second": (second_run, second_requests),
        }


def test_articles_named_only_by_nested_sitemaps_are_archived(sitemap_only):
    db = sitemap_only["db"]
    assert archived_paths(db, sitemap_only["origin"]) == sorted(a.url for a in sitemap_only["listed"])
    titles = {row["url"].removeprefix(sitemap_only["origin"]): row["title"] for row in db["articles"].rows}
    assert all(titles[a.url] == a.title for a in sitemap_only["listed"] if a is not sitemap_only["edited"])


def test_each_sitemap_and_article_is_requested_once_and_the_third_level_is_not_followed(sitemap_only):
    _, requests = sitemap_only["first"]
    for path in ("/so-do/index.xml", "/so-do/bai-1.xml.gz", "/so-do/long-1.xml", "/so-do/bai-2.xml"):
        assert requests.get(path) == 1, path
    assert requests.get("/so-do/long-2.xml") == 1
    assert "/so-do/bai-3.xml" not in requests
    assert all(requests.get(a.url) == 1 for a in sitemap_only["listed"])
    assert not any(requests.get(a.url) for a in sitemap_only["too_deep"])
    assert requests.get("/sitemap.xml") == 1  # the probe, answered 404: no failure
    assert requests.get("/robots.txt") == 1  # read once, by Scrapy's robots.txt middleware, for both uses


def test_the_too_deep_index_is_recorded_and_nothing_else_failed(sitemap_only):
    db, o = sitemap_only["db"], sitemap_only["origin"]
    first_run_failures = [f for f in failures(db) if f[1] == f"{o}/so-do/long-2.xml"]
    assert first_run_failures[0] == ("sitemap", f"{o}/so-do/long-2.xml", "sitemap index nested more than 2 deep")
    assert {f[1] for f in failures(db)} == {f"{o}/so-do/long-2.xml"}
    run = next(db.query("SELECT * FROM crawl_runs ORDER BY id LIMIT 1"))
    assert run["articles_new"] == 11
    assert run["alarm"] is None


def test_an_incremental_crawl_refetches_only_the_article_whose_lastmod_moved(sitemap_only):
    db, edited = sitemap_only["db"], sitemap_only["edited"]
    result, requests = sitemap_only["second"]
    run = next(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    assert run["mode"] == "incremental"
    assert (run["articles_new"], run["articles_updated"]) == (0, 1)
    article_requests = {a.url for a in sitemap_only["listed"] if requests.get(a.url)}
    assert article_requests == {edited.url}
    row = next(db.query("SELECT title FROM articles WHERE url = ?", [sitemap_only["origin"] + edited.url]))
    assert row["title"] == edited.title  # the corrected title
    assert "1 updated" in result.stdout


# -- a site whose articles only its feeds name ------------------------------------------------------------------
def rss(origin: str, articles) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{escape(origin + a.url)}</link>"
        f"<description>{escape('<p>' + escape(a.summary) + '</p>')}</description>"
        f"<pubDate>{a.published_at.strftime('%a, %d %b %Y %H:%M:%S +0700')}</pubDate></item>"
        for a in articles
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


def atom(origin: str, articles) -> str:
    entries = "".join(
        f'<entry><title>{escape(a.title)}</title><link href="{escape(a.url)}"/><id>tag:{a.id}</id>'
        f"<updated>{a.last_modified.isoformat()}</updated><summary>{escape(a.summary)}</summary></entry>"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{origin}/">'
        f"<title>T</title><id>tag:t</id><updated>2025-06-30T00:00:00Z</updated>{entries}</feed>"
    )


@pytest.fixture(scope="module")
def feed_only(tmp_path_factory):
    site = build_site(articles=10, seed=43)
    root = tmp_path_factory.mktemp("feed-only")
    with ReplicaServer(site) as replica, StaticSite(replica) as static:
        o = static.origin
        in_rss, in_atom = site.articles[:6], site.articles[4:10]  # two in both
        link = '<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss">'
        static.put("/", HOME.format(head=link), "text/html; charset=utf-8")
        static.put("/robots.txt", "User-agent: *\nDisallow: /sitemap.xml\n", "text/plain")
        static.put("/rss/tin-moi.rss", rss(o, in_rss), "application/rss+xml")
        static.put("/feeds/atom.xml", atom(o, in_atom), "application/atom+xml")
        registry_path = registry(root, "qni-tinmoi", static.url, feeds=("feeds/atom.xml",))
        db_path = root / "archive.db"
        result = crawl("qni-tinmoi", db_path, registry_path)
        requests = dict(static.requests)
        generic_registry = registry(root, "qni-tinmoi-g", static.url, feeds=("feeds/atom.xml",), platform="generic")
        crawl("qni-tinmoi-g", root / "generic.db", generic_registry)
        yield {
            "generic": sqlite_utils.Database(root / "generic.db"),
            "db": sqlite_utils.Database(db_path),
            "origin": o,
            "site": site,
            "result": result,
            "requests": requests,
        }


def test_articles_named_only_by_feeds_are_archived_once(feed_only):
    db, site = feed_only["db"], feed_only["site"]
    assert archived_paths(db, feed_only["origin"]) == sorted(a.url for a in site.articles)
    assert all(feed_only["requests"].get(a.url) == 1 for a in site.articles)
    assert feed_only["requests"]["/rss/tin-moi.rss"] == feed_only["requests"]["/feeds/atom.xml"] == 1
    assert "/sitemap.xml" not in feed_only["requests"]  # robots.txt keeps the probe away, and that is no failure
    assert failures(db) == []
    assert "10 articles (10 new" in feed_only["result"].stdout


def test_the_feed_summary_is_kept_as_the_articles_teaser(feed_only):
    db, site = feed_only["db"], feed_only["site"]
    summaries = {row["url"].removeprefix(feed_only["origin"]): row["summary"] for row in db["articles"].rows}
    assert {a.url: summaries[a.url] for a in site.articles[:4]} == {a.url: a.summary for a in site.articles[:4]}


def test_the_generic_profile_reads_feeds_too(feed_only):
    db, site = feed_only["generic"], feed_only["site"]
    assert archived_paths(db, feed_only["origin"]) == sorted(a.url for a in site.articles)
    summaries = {row["url"].removeprefix(feed_only["origin"]): row["summary"] for row in db["articles"].rows}
    assert {a.url: summaries[a.url] for a in site.articles[:4]} == {a.url: a.summary for a in site.articles[:4]}
    assert failures(db) == []


# -- the replica, with sitemaps and feeds of everything it also lists -------------------------------------------
@pytest.fixture(scope="module")
def syndicated(tmp_path_factory):
    site = build_site(articles=36, seed=2022)
    root = tmp_path_factory.mktemp("syndicated")
    with ReplicaServer(site, syndication=Syndication(per_sitemap=10)) as server:
        registry_path = root / "registry.toml"
        registry_path.write_text(registry_entry("qni-synd", server, site), encoding="utf-8")
        db_path = root / "archive.db"
        first = crawl("qni-synd", db_path, registry_path)
        first_paths = server.path_counts()
        again = crawl("qni-synd", db_path, registry_path)
        again_paths = {
            p: n - first_paths.get(p, 0) for p, n in server.path_counts().items() if n - first_paths.get(p, 0)
        }
        yield {
            "db": sqlite_utils.Database(db_path),
            "site": site,
            "server": server,
            "first": (first, first_paths),
            "again": (again, again_paths),
        }


def test_an_article_found_by_lists_sitemaps_and_feeds_is_fetched_and_stored_once(syndicated):
    db, site = syndicated["db"], syndicated["site"]
    _, paths = syndicated["first"]
    assert db["articles"].count == 36
    assert all(paths.get(a.url) == 1 for a in site.articles)
    for path in (
        "/sitemap.xml",
        "/rss/tin-moi.rss",
        "/atom/tin-moi.xml",
        *(f"/sitemaps/tin-bai-{n}.xml.gz" for n in range(1, 5)),
    ):
        assert paths.get(path) == 1, path
    assert failures(db) == []


def test_list_entries_win_over_sitemap_entries_for_the_teaser_and_thumbnail(syndicated):
    db, site, server = syndicated["db"], syndicated["site"], syndicated["server"]
    origin = server.url.rstrip("/")
    rows = {row["url"].removeprefix(origin): row for row in db["articles"].rows}
    assert all(rows[a.url]["summary"] == a.summary for a in site.articles)
    with_thumbnail = [a for a in site.articles if a.thumbnail]
    assert with_thumbnail
    assert all(rows[a.url]["thumbnail_url"] for a in with_thumbnail)


def test_the_run_counts_sitemap_urls_and_feed_entries(syndicated):
    result, _ = syndicated["first"]
    assert "36 articles (36 new" in result.stdout


def test_an_incremental_recrawl_reads_the_index_and_skips_unchanged_sitemaps(syndicated):
    _, paths = syndicated["again"]
    site = syndicated["site"]
    assert paths.get("/sitemap.xml") == 1
    assert not any(path.startswith("/sitemaps/") for path in paths)
    assert not any(paths.get(a.url) for a in site.articles)


# -- broken and hostile sitemaps and feeds: link-following archives everything anyway --------------------------
def crawl_faulty(tmp_path, portal_id: str, syndication: Syndication, articles: int = 12):
    site = build_site(articles=articles, seed=17)
    with ReplicaServer(site, syndication=syndication) as server:
        registry_path = tmp_path / "registry.toml"
        registry_path.write_text(registry_entry(portal_id, server, site), encoding="utf-8")
        db_path = tmp_path / "archive.db"
        result = crawl(portal_id, db_path, registry_path)
        return sqlite_utils.Database(db_path), site, server.url.rstrip("/"), server.path_counts(), result


def test_an_entity_bomb_sitemap_and_an_html_feed_are_recorded_and_everything_is_archived(tmp_path):
    syndication = Syndication(faults=frozenset({"sitemap-entity-bomb", "feed-html"}))
    db, site, origin, _, result = crawl_faulty(tmp_path, "qni-bomb", syndication)
    assert archived_paths(db, origin) == sorted(a.url for a in site.articles)
    assert sorted(failures(db)) == [
        ("feed", f"{origin}/rss/tin-moi.rss", "not a feed: root element <html>"),
        ("sitemap", f"{origin}/sitemap.xml", "entity declarations are refused"),
    ]
    assert "2 failures" in result.stdout


def test_a_gzip_bomb_and_a_malformed_urlset_are_recorded_and_the_other_urlsets_still_read(tmp_path):
    syndication = Syndication(per_sitemap=4, feeds=False, faults=frozenset({"sitemap-gzip-bomb", "sitemap-malformed"}))
    db, site, origin, paths, _ = crawl_faulty(tmp_path, "qni-gzbomb", syndication)
    assert archived_paths(db, origin) == sorted(a.url for a in site.articles)
    assert sorted(failures(db)) == [
        ("sitemap", f"{origin}/sitemaps/tin-bai-1.xml.gz", "larger than 50 MB once decompressed"),
        (
            "sitemap",
            f"{origin}/sitemaps/tin-bai-2.xml.gz",
            "malformed XML: StartTag: invalid element name, line 2, column 2",
        ),
    ]
    assert paths.get("/sitemaps/tin-bai-3.xml.gz") == 1


def test_an_external_entity_is_refused_and_the_secret_never_leaves_the_machine(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mat-khau-4711", encoding="utf-8")
    syndication = Syndication(feeds=False, faults=frozenset({"sitemap-external-entity"}), secret_file=str(secret))
    db, site, origin, paths, _ = crawl_faulty(tmp_path, "qni-xxe", syndication)
    assert failures(db) == [("sitemap", f"{origin}/sitemap.xml", "entity declarations are refused")]
    assert not any("mat-khau" in path for path in paths)
    assert db["articles"].count == len(site.articles)
    dump = "\n".join(db.iterdump())
    assert "mat-khau" not in dump


def test_turning_discovery_off_asks_for_no_sitemap(tmp_path):
    syndication = Syndication()
    site = build_site(articles=6, seed=3)
    with ReplicaServer(site, syndication=syndication) as server:
        registry_path = tmp_path / "registry.toml"
        registry_path.write_text(registry_entry("qni-off", server, site), encoding="utf-8")
        crawl("qni-off", tmp_path / "archive.db", registry_path, "-s", "GOVSCRAPER_SITEMAPS=False")
        paths = server.path_counts()
    assert not any(p.startswith(("/sitemap", "/rss", "/atom")) for p in paths)
    assert sqlite_utils.Database(tmp_path / "archive.db")["articles"].count == 6


# -- which sitemap dates an incremental crawl believes -----------------------------------------------------------
def incremental_spider(last_crawl: str):
    from govscraper.registry import Portal
    from govscraper.spiders.base import PortalSpider

    portal = Portal(
        id="qni-x", name="X", province="Quảng Ngãi", level="huyện", base_url="http://a/", platform="generic"
    )
    spider = PortalSpider(portal=portal, name="test")
    spider.mode, spider.last_crawl = "incremental", datetime.fromisoformat(last_crawl)
    return spider


def test_sitemap_dates_are_compared_with_the_start_of_the_last_finished_crawl():
    spider = incremental_spider("2025-06-30T02:00:00+00:00")  # 09:00 in Vietnam
    assert spider.changed_since_last_crawl("2025-06-30T09:30:00+07:00")
    assert not spider.changed_since_last_crawl("2025-06-30T08:59:00+07:00")
    assert spider.changed_since_last_crawl("2025-06-30")  # that day: it may have changed after 09:00
    assert not spider.changed_since_last_crawl("2025-06-29")
    assert spider.changed_since_last_crawl("2025-06")
    assert not spider.changed_since_last_crawl("2025-05")
    assert spider.changed_since_last_crawl(None)


def test_a_urlset_that_stamps_every_url_with_a_new_date_is_not_believed():
    spider = incremental_spider("2025-06-30T02:00:00+00:00")
    fresh, old = "2025-07-01T00:00:00+07:00", "2025-01-01"
    assert spider.lastmods_trusted([fresh] * 3 + [old] * 17)
    assert not spider.lastmods_trusted([fresh] * 11 + [old] * 9)
    assert spider.lastmods_trusted([fresh] * 19)  # a short list: each date may well be true
    spider.mode = "full"
    assert spider.lastmods_trusted([fresh] * 40)
