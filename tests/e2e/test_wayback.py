"""Wayback crawls: the CDX index read as documented, captures chosen, pages and files fetched from ``id_`` addresses.

Unit tests feed :mod:`govscraper.sources.cdx` CDX answers written from the CDX server's documentation
(internetarchive/wayback, ``wayback-cdx-server/README.md``: a header row naming the fields, rows of strings, and with
``showResumeKey=true`` an empty row and ``[resumeKey]``). End-to-end tests run ``govscraper crawl ID --source
wayback`` in a process against :class:`~govscraper_replica.fake_wayback.WaybackServer`, a local stand-in that serves a
replica portal's captures (several dates, repeated identical captures, non-HTML and non-200 captures, an article
changed between captures, a photo never captured, 429s and a 503), and compare the archive with what the captures
hold.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.request

import pytest

from govscraper import settings
from govscraper.sources.cdx import (
    WaybackCapture,
    WaybackError,
    cdx_query_url,
    check_timestamp,
    choose_captures,
    id_url,
    iso_timestamp,
    normalize_url,
    pad_timestamp,
    parse_cdx_page,
    replay_url,
    timestamp_iso,
    urlkey,
)
from govscraper_replica import build_site
from govscraper_replica.fake_wayback import (
    EARLY,
    LATE,
    MAIN,
    ArchivedCapture,
    WaybackArchive,
    WaybackServer,
    build_wayback,
)
from tests.helpers.cli import run_cli

# The documentation's example, with showResumeKey=true&limit=5: note the line given twice, the ":80" originals and
# the host spelled "www.archive.org" and "archive.org".
DOC_PAGE = """[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
 ["org,archive)/", "19970126045828", "http://www.archive.org:80/", "text/html", "200", "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY", "1415"],
 ["org,archive)/", "19971011050034", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1402"],
 ["org,archive)/", "19971211122953", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1405"],
 ["org,archive)/", "19971211122953", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1405"],
 ["org,archive)/", "19980109140106", "http://archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1402"],
 [],
 ["org%2Carchive%29%2F+19980109140106%21"]]"""  # noqa: E501

HOST = "moduc.quangngai.gov.vn"
HOST_KEY = urlkey(f"http://{HOST}/")  # "vn,gov,quangngai,moduc)/": the host's lines in the index start so


# Pure functions -------------------------------------------------------------------------------------------------


def test_documented_page_is_read_with_its_resume_key():
    page = parse_cdx_page(DOC_PAGE)
    assert page.resume_key == "org%2Carchive%29%2F+19980109140106%21"
    assert [c.timestamp for c in page.captures] == [
        "19970126045828",
        "19971011050034",
        "19971211122953",
        "19971211122953",
        "19980109140106",
    ]
    first = page.captures[0]
    assert first.original == "http://www.archive.org:80/"
    assert first.url == "http://www.archive.org/"  # the default port dropped
    assert (first.mimetype, first.statuscode, first.length) == ("text/html", "200", 1415)
    assert first.digest == "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY"
    assert first.urlkey == "org,archive)/"


def test_rows_are_read_by_the_header_not_by_position():
    # fl=original,timestamp,statuscode,mimetype: another order, fewer fields.
    body = json.dumps(
        [
            ["original", "timestamp", "statuscode", "mimetype"],
            ["http://example.gov.vn/a.html", "20220109031245", "200", "text/html"],
        ]
    )
    (capture,) = parse_cdx_page(body).captures
    assert (capture.original, capture.timestamp, capture.statuscode) == (
        "http://example.gov.vn/a.html",
        "20220109031245",
        "200",
    )
    assert capture.urlkey == "vn,gov,example)/a.html"  # computed when the server does not send it
    assert parse_cdx_page(body).resume_key is None


@pytest.mark.parametrize("body", ["", "[]", "[]\n", b""])
def test_an_empty_answer_has_no_captures(body):
    page = parse_cdx_page(body)
    assert page.captures == []
    assert page.resume_key is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<!DOCTYPE html><html><body>Wayback Machine is down</body></html>", "did not answer JSON"),
        ('[["urlkey","timestamp","original"],\n["vn,gov', "did not answer JSON"),
        ('{"error": "rate limited"}', "not a list of rows"),
        ('[["a","b"],["1","2"]]', "names no timestamp and original"),
    ],
)
def test_answers_that_are_not_cdx_json_are_errors(body, reason):
    with pytest.raises(WaybackError, match=reason):
        parse_cdx_page(body)


def test_bad_rows_are_skipped():
    body = json.dumps(
        [
            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
            ["vn,gov,x)/", "2022", "http://x.gov.vn/", "text/html", "200", "D", "1"],  # not 14 digits
            ["vn,gov,x)/", "20221301031245", "http://x.gov.vn/", "text/html", "200", "D", "1"],  # no 13th month
            ["vn,gov,x)/", "20220109031245", "", "text/html", "200", "D", "1"],  # no original
            ["vn,gov,x)/", "20220109031245", "http://x.gov.vn/"],  # short row
            ["vn,gov,x)/", "20220109031245", "http://x.gov.vn/", "text/html", "200", "D", "-"],
        ]
    )
    (capture,) = parse_cdx_page(body).captures
    assert capture.length is None


def test_cdx_query_asks_for_html_200_of_the_host_with_paging():
    url = cdx_query_url("https://web.archive.org/", HOST, start="2021", end="20220109", limit=500)
    assert url == (
        "https://web.archive.org/cdx/search/cdx?url=moduc.quangngai.gov.vn/*&output=json"
        "&filter=statuscode:200&filter=mimetype:text/html&collapse=digest&from=2021&to=20220109"
        "&limit=500&showResumeKey=true"
    )
    resumed = cdx_query_url("https://web.archive.org", HOST, resume_key="org%2Carchive%29%2F+19980109140106%21")
    assert resumed.endswith("&limit=5000&showResumeKey=true&resumeKey=org%2Carchive%29%2F+19980109140106%21")
    assert "from=" not in resumed


def test_wayback_addresses_and_timestamps():
    original = "http://moduc.quangngai.gov.vn:80/tin-tuc/-/view_content/1-a.html"
    assert id_url("https://web.archive.org/", "20220109031245", original) == (
        "https://web.archive.org/web/20220109031245id_/" + original
    )
    assert replay_url("https://web.archive.org", "20220109031245", original) == (
        "https://web.archive.org/web/20220109031245/" + original
    )
    assert timestamp_iso("20220109031245") == "2022-01-09T03:12:45Z"
    assert iso_timestamp("2022-01-09T03:12:45Z") == "20220109031245"
    assert iso_timestamp("2022-01-09T10:12:45+07:00") == "20220109031245"


@pytest.mark.parametrize("value", ["2022", "202201", "20220109", "2022010903", "202201090312", "20220109031245"])
def test_timestamps_the_cdx_server_takes(value):
    assert check_timestamp(value) == value


@pytest.mark.parametrize("value", ["22", "20221", "2022-01-09", "20221301", "20220230", "20220109256000", "abcd"])
def test_timestamps_it_does_not(value):
    with pytest.raises(WaybackError, match="not a Wayback timestamp"):
        check_timestamp(value)


def test_ranges_are_inclusive_to_the_last_second():
    assert pad_timestamp("2021") == "20210101000000"
    assert pad_timestamp("2021", end=True) == "20211231235959"
    assert pad_timestamp("202102", end=True) == "20210231235959"  # after every day of February
    assert pad_timestamp("20210215", end=True) == "20210215235959"
    assert pad_timestamp("2021021503") == "20210215030000"
    assert pad_timestamp("20210215031245", end=True) == "20210215031245"


def test_urls_spelled_differently_are_one():
    spellings = [
        "http://moduc.quangngai.gov.vn/a/b.html?x=1&y=2",
        "http://moduc.quangngai.gov.vn:80/a/b.html?y=2&x=1",
        "https://MODUC.QUANGNGAI.GOV.VN/a/b.html?x=1&y=2",
        "https://moduc.quangngai.gov.vn:443/a/b.html?x=1&y=2",
    ]
    assert len({urlkey(url) for url in spellings}) == 1
    assert normalize_url(spellings[2], "http") == "http://moduc.quangngai.gov.vn/a/b.html?x=1&y=2"
    assert normalize_url("http://h.vn:8080/") == "http://h.vn:8080/"
    assert normalize_url("http://WWW.h.vn:80/a", "https", "h.vn") == "https://h.vn/a"
    assert urlkey("http://www.h.vn/a") == urlkey("http://h.vn/a")


def test_the_key_is_the_internet_archives_canonical_form():
    """The rules the CDX server's urlkey field follows (the IA canonicalizer, which ``surt`` implements)."""
    assert urlkey("http://www.Moduc.gov.vn:80/A?b=1&a=2") == "vn,gov,moduc)/a?a=2&b=1"
    assert urlkey("moduc.quangngai.gov.vn/") == "vn,gov,quangngai,moduc)/"  # a CDX query's url=, no scheme
    assert urlkey("http://h.vn:8080/") == "vn,h:8080)/"  # a port other than the default stays
    assert urlkey("http://www2.h.vn/a") == "vn,h)/a"  # www, www2 ... are not part of the site's name
    assert urlkey("http://h.vn/tin-tuc/") == urlkey("http://h.vn/tin-tuc") == "vn,h)/tin-tuc"
    assert urlkey("http://h.vn/a%2Fb?p=%2Fx") == "vn,h)/a/b?p=/x"  # escapes of ordinary characters undone
    assert urlkey("http://h.vn/tin tức") == "vn,h)/tin%20t%e1%bb%a9c"  # and the others escaped, in lowercase
    assert urlkey("http://h.vn/a#top") == "vn,h)/a"


def _capture(timestamp: str, original: str, status: str = "200", mime: str = "text/html") -> WaybackCapture:
    return WaybackCapture(
        timestamp, original, normalize_url(original), mime, status, "D" + timestamp, 10, urlkey(original)
    )


def test_the_newest_capture_of_each_page_in_range_is_chosen():
    page = "http://moduc.quangngai.gov.vn/tin/-/view_content/7-a.html"
    captures = [
        _capture("20210101000000", page),
        _capture("20220109031245", page.replace("http://", "https://").upper().replace("/TIN/", "/tin/")),
        _capture("20230101000000", page),
        _capture("20240101000000", page, status="404"),  # not a page
        _capture("20240102000000", page, mime="image/jpeg"),  # not HTML
        _capture("20220109031245", page),  # the same line again (another page of the index)
        _capture("20220301000000", "http://moduc.quangngai.gov.vn/tin"),
    ]
    chosen = choose_captures(captures)
    assert [(c.timestamp, c.url) for c in chosen] == [
        ("20230101000000", page),
        ("20220301000000", "http://moduc.quangngai.gov.vn/tin"),
    ]
    in_2022 = choose_captures(captures, start="2022", end="2022")
    assert [c.timestamp for c in in_2022] == ["20220301000000", "20220109031245"]
    up_to_the_second = choose_captures(captures, end="20220109031245", accept=lambda url: "view_content" in url)
    assert [c.timestamp for c in up_to_the_second] == ["20220109031245"]
    assert choose_captures(captures, start="2025") == []


def test_a_platform_key_makes_one_article_of_two_urls():
    a = _capture("20220101000000", "http://x.gov.vn/tin-tuc/-/view_content/42-a.html")
    b = _capture("20230101000000", "http://x.gov.vn/thong-bao/-/view_content/42-a.html")
    (chosen,) = choose_captures([a, b], key=lambda url: url.rsplit("/", 1)[1])
    assert chosen.timestamp == "20230101000000"


def test_wayback_crawls_are_polite_to_the_internet_archive_unless_on_loopback():
    from govscraper.cli.crawling import crawl_overrides
    from govscraper.config import plain

    polite = plain(crawl_overrides(False, None, None, False, "wayback"))
    assert polite["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert polite["DOWNLOAD_DELAY"] >= 2
    assert polite["AUTOTHROTTLE_ENABLED"] is True
    assert polite["ROBOTSTXT_OBEY"] is True
    assert 429 in settings.RETRY_HTTP_CODES
    relaxed = plain(crawl_overrides(True, None, None, False, "wayback"))
    assert relaxed["DOWNLOAD_DELAY"] == 0
    assert "CONCURRENT_REQUESTS_PER_DOMAIN" not in crawl_overrides(False, None, None, False)  # live: the defaults


# The stand-in Wayback Machine -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site():
    return build_site(articles=12, seed=5)


@pytest.fixture(scope="module")
def archive(site) -> WaybackArchive:
    return build_wayback(site, HOST)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.url, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, url, error.read()


def test_the_stand_in_speaks_the_documented_cdx_format(archive):
    with WaybackServer(archive, overlap=False) as server:
        pages, key = [], None
        while True:
            status, _, body = _get(cdx_query_url(server.url, HOST, limit=4, resume_key=key))
            assert status == 200
            rows = json.loads(body)
            assert rows[0] == ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
            page = parse_cdx_page(body)
            pages.append(page)
            if page.resume_key is None:
                break
            assert rows[-2] == []
            assert rows[-1] == [page.resume_key]
            key = page.resume_key
        listed = [c for page in pages for c in page.captures]
        # Every 200 HTML capture of the host, identical neighbours collapsed, the other host left out.
        html_ok = [
            c
            for c in archive.index()
            if c.status == 200 and c.mimetype == "text/html" and c.urlkey.startswith(HOST_KEY)
        ]
        assert len(pages) > 2
        assert all(c.statuscode == "200" and c.mimetype == "text/html" for c in listed)
        assert {(c.urlkey, c.timestamp) for c in listed} < {(c.urlkey, c.timestamp) for c in html_ok}
        assert not any("quangngai.gov.vn" in c.url and HOST not in c.url for c in listed)
        edited = next(c for c in archive.captures if c.timestamp == LATE and c.truth).original
        assert [c.timestamp for c in listed if c.original == edited] == [EARLY, LATE]  # MAIN = EARLY's bytes


def test_the_stand_in_serves_original_bytes_and_redirects_to_the_nearest_capture(archive):
    photo = next(c for c in archive.captures if c.mimetype.startswith("image/"))
    with WaybackServer(archive) as server:
        status, final, body = _get(id_url(server.url, MAIN, photo.original))
        assert (status, body) == (200, photo.body)
        assert final == id_url(server.url, photo.timestamp, photo.original)  # redirected there
        assert _get(id_url(server.url, MAIN, archive.missing[0]))[0] == 404
        assert _get(server.url + "/robots.txt")[2] == b"User-agent: *\nAllow: /\n"


# End to end -----------------------------------------------------------------------------------------------------


def _registry(tmp_path, platform: str = "liferay62") -> str:
    path = tmp_path / "registry.toml"
    path.write_text(
        f'[[portal]]\nid = "qni-wayback"\nname = "Cổng thông tin điện tử huyện Mộ Đức"\nprovince = "Quảng Ngãi"\n'
        f'level = "huyện"\nbase_url = "http://{HOST}/"\nplatform = "{platform}"\nstatus = "offline"\n'
        f"offline_since = 2025-07-01\n",
        encoding="utf-8",
    )
    return path


def _crawl(server: WaybackServer, db, registry, *extra: str):
    return run_cli(
        "crawl",
        "qni-wayback",
        "--source",
        "wayback",
        "--wayback-url",
        server.url,
        "--loopback",
        "--db",
        str(db),
        "-s",
        "GOVSCRAPER_WAYBACK_CDX_LIMIT=7",
        *extra,
        registry=registry,
        timeout=240,
    )


def _rows(db, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def expected_articles(archive: WaybackArchive, start: str | None = None, end: str | None = None) -> dict:
    """Article URL (as the portal links it) → (allowed timestamps, truth), read from the captures themselves.

    What the CDX server lists: 200 HTML captures in range, a capture identical to the one before it left out. Of
    those, the newest content; its date is the first of the identical captures in a row that end the list (the
    index is read in pages, and a page starts collapsing afresh, so any of them may be the one listed last).
    """
    low = pad_timestamp(start) if start else "0"
    high = pad_timestamp(end, end=True) if end else "9"
    by_page: dict[str, list[ArchivedCapture]] = {}
    for capture in archive.index():
        if "/-/view_content/" in capture.original and capture.urlkey.startswith(HOST_KEY):
            by_page.setdefault(capture.urlkey, []).append(capture)
    expected = {}
    for captures in by_page.values():
        ok = [c for c in captures if c.status == 200 and c.mimetype == "text/html" and low <= c.timestamp <= high]
        if not ok:
            continue
        newest = ok[-1]
        run = [c.timestamp for c in ok if c.digest == newest.digest]
        url = newest.truth["url"]
        expected[url] = (set(run), newest.truth)
    return expected


@pytest.fixture(scope="module")
def first(tmp_path_factory, archive):
    """A Wayback crawl through 3 answers of 429 and a CDX server unavailable once, then a second run."""
    root = tmp_path_factory.mktemp("wayback")
    registry = _registry(root)
    db = root / "data" / "archive.db"
    with WaybackServer(archive, throttle=3, cdx_unavailable_once=True) as server:
        result = _crawl(server, db, registry)
        web_after_first = len(server.served("/web/"))
        throttled = server.count_status(429)
        again = _crawl(server, db, registry)
        web_after_second = len(server.served("/web/"))
    return {
        "db": db,
        "result": result,
        "again": again,
        "throttled": throttled,
        "web_requests": (web_after_first, web_after_second),
    }


def test_wayback_crawl_archives_every_article_captured_in_range(first, archive):
    assert first["result"].returncode == 0, first["result"].stderr[-3000:]
    assert first["throttled"] == 3  # the 429s were answered, and retried through
    expected = expected_articles(archive)
    rows = _rows(first["db"], "SELECT * FROM articles ORDER BY url")
    assert {row["url"] for row in rows} == set(expected)
    assert len(rows) == len(expected) == 10  # 12 articles: one never captured, one captured only as 404/503
    for row in rows:
        timestamps, truth = expected[row["url"]]
        assert row["title"] == truth["title"]
        assert row["body"] == "\n\n".join(truth["body"])
        assert row["published_at"] == truth["published"]
        assert row["source_id"] == str(truth["id"])
        assert row["origin"] == "wayback"
        stamp = iso_timestamp(row["origin_date"])
        assert stamp in timestamps
        assert row["origin_date"] == f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:]}Z"
        capture = next(c for c in archive.index() if c.truth and c.truth["url"] == row["url"] and c.timestamp == stamp)
        assert row["origin_url"].endswith(f"/web/{stamp}/{capture.original}")
    edited = next(row for row in rows if row["source_id"] == str(archive.roles["edited"]))
    assert edited["title"].endswith("(cập nhật)")
    assert iso_timestamp(edited["origin_date"]) == LATE
    spelled = {row["source_id"]: row["url"] for row in rows}
    assert spelled[str(archive.roles["port80"])].startswith(f"http://{HOST}/")  # not ":80"
    assert spelled[str(archive.roles["https"])].startswith(f"http://{HOST}/")  # the portal's scheme, lowercase


def test_raw_captures_are_the_id_responses(first, archive):
    rows = _rows(
        first["db"],
        "SELECT a.url, c.url AS capture_url, c.status, c.warc_type FROM articles a JOIN captures c "
        "ON c.id = a.capture_id",
    )
    assert len(rows) == len(expected_articles(archive))
    for row in rows:
        assert "id_/" in row["capture_url"]
        assert row["status"] == 200
        assert row["capture_url"].split("id_/", 1)[1].lower().endswith(row["url"].split(HOST, 1)[1].lower())
    cdx = _rows(first["db"], "SELECT COUNT(*) AS n FROM captures WHERE url LIKE '%/cdx/search/cdx?%'")
    assert cdx[0]["n"] >= 3  # the index, in pages (and the 503 answer)


def test_photos_and_documents_come_from_the_archive_under_their_original_urls(first, archive):
    db = first["db"]
    media = {c.original: c for c in archive.captures if not c.mimetype.startswith("text/")}
    links = _rows(db, "SELECT source_url, image_sha256, role FROM article_images")
    assert links
    assert all(link["source_url"].startswith(f"http://{HOST}/image/journal/article?") for link in links)
    for link in links:
        if link["source_url"] in archive.missing:
            assert link["image_sha256"] is None
        else:
            assert link["image_sha256"] == hashlib.sha256(media[link["source_url"]].body).hexdigest()
    attachments = _rows(db, "SELECT source_url, attachment_sha256 FROM article_attachments")
    assert attachments
    for attachment in attachments:
        assert attachment["attachment_sha256"] == hashlib.sha256(media[attachment["source_url"]].body).hexdigest()
    image_captures = _rows(db, "SELECT i.first_url, c.url FROM images i JOIN captures c ON c.id = i.capture_id")
    assert image_captures
    assert all("id_/" in row["url"] for row in image_captures)


def test_a_photo_missing_from_the_archive_is_a_recorded_failure(first, archive):
    failures = _rows(first["db"], "SELECT url, kind, status FROM fetch_failures WHERE kind = 'image'")
    assert [(f["url"], f["status"]) for f in failures] == [(url, 404) for url in archive.missing]
    assert not _rows(first["db"], "SELECT * FROM fetch_failures WHERE kind IN ('article', 'attachment')")


def test_the_run_is_recorded_as_a_wayback_crawl(first):
    (run, _second) = _rows(first["db"], "SELECT * FROM crawl_runs ORDER BY id")
    assert run["status"] == "finished"
    assert run["mode"] == "full"
    assert run["alarm"] is None
    assert run["spider"] == "wayback-liferay62"
    recorded = json.loads(run["settings"])
    assert recorded["source"] == "wayback"
    assert recorded["wayback_url"].startswith("http://127.0.0.1:")
    assert run["articles_new"] == 10
    assert "wayback: " in first["result"].stdout


def test_a_second_run_fetches_and_adds_nothing(first):
    assert first["again"].returncode == 0, first["again"].stderr[-3000:]
    before, after = first["web_requests"]
    assert after == before  # only the index was asked for
    run = _rows(first["db"], "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert run["mode"] == "incremental"
    assert (run["articles_new"], run["articles_updated"], run["images_new"]) == (0, 0, 0)
    assert _rows(first["db"], "SELECT COUNT(*) AS n FROM articles")[0]["n"] == 10
    assert _rows(first["db"], "SELECT COUNT(*) AS n FROM article_versions")[0]["n"] == 0
    assert "10 already archived" in first["again"].stdout


def test_from_and_to_choose_the_capture_and_a_later_run_keeps_the_version(tmp_path, archive):
    registry = _registry(tmp_path)
    db = tmp_path / "archive.db"
    with WaybackServer(archive) as server:
        early = _crawl(server, db, registry, "--to", "2024")
        assert early.returncode == 0, early.stderr[-3000:]
        expected = expected_articles(archive, end="2024")
        rows = _rows(db, "SELECT url, title, origin_date, source_id FROM articles")
        assert {row["url"] for row in rows} == set(expected)
        edited = next(row for row in rows if row["source_id"] == str(archive.roles["edited"]))
        assert edited["title"] == expected[next(u for u in expected if str(archive.roles["edited"]) in u)][1]["title"]
        assert not edited["title"].endswith("(cập nhật)")
        assert iso_timestamp(edited["origin_date"]) == EARLY
        later = _crawl(server, db, registry, "--from", "2025")
        assert later.returncode == 0, later.stderr[-3000:]
    rows = {row["source_id"]: row for row in _rows(db, "SELECT * FROM articles")}
    assert set(rows) >= {str(archive.roles["late"]), str(archive.roles["edited"])}
    assert iso_timestamp(rows[str(archive.roles["edited"])]["origin_date"]) == LATE
    (version,) = _rows(db, "SELECT * FROM article_versions")
    assert version["origin"] == "wayback"
    assert iso_timestamp(version["origin_date"]) == EARLY
    assert f"/web/{EARLY}/" in version["origin_url"]
    assert not version["title"].endswith("(cập nhật)")


def test_a_generic_portal_lets_each_captured_page_decide(tmp_path, archive):
    """No article URL scheme to go by: every HTML capture is fetched, and only article pages become articles."""
    db = tmp_path / "archive.db"
    with WaybackServer(archive) as server:
        result = _crawl(server, db, _registry(tmp_path, platform="generic"), "--to", "2024")
        fetched = [
            target for target in server.served("/web/") if "/image/" not in target and "/documents/" not in target
        ]
    assert result.returncode == 0, result.stderr[-3000:]
    expected = expected_articles(archive, end="2024")
    rows = _rows(db, "SELECT url, title, origin FROM articles")
    assert {row["url"] for row in rows} == set(expected)
    assert all(row["title"] == expected[row["url"]][1]["title"] and row["origin"] == "wayback" for row in rows)
    # The home page and a category page were captured in 2024 too: fetched, read, not archived as articles.
    pages_2024 = {
        c.urlkey for c in archive.captures if c.status == 200 and c.mimetype == "text/html" and c.timestamp <= "2024z"
    } & {urlkey(c.original) for c in archive.captures if c.urlkey.startswith(HOST_KEY)}
    assert len(fetched) == len(pages_2024) > len(expected)


def test_limit_stops_after_that_many_captures(tmp_path, archive):
    db = tmp_path / "archive.db"
    with WaybackServer(archive) as server:
        result = _crawl(server, db, _registry(tmp_path), "--limit", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    # Newest first: the two articles captured at LATE, then one of those captured at MAIN.
    expected = expected_articles(archive)
    latest = {url for url, (timestamps, _) in expected.items() if LATE in timestamps}
    rows = _rows(db, "SELECT url, origin_date FROM articles")
    assert len(latest) == 2
    assert len(rows) == 3
    assert latest < {row["url"] for row in rows} <= set(expected)
    assert sorted(iso_timestamp(row["origin_date"]) for row in rows) == [MAIN, LATE, LATE]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("html", "did not answer JSON"),
        ("http500", "HTTP 500"),
    ],
)
def test_a_broken_cdx_server_is_one_line_and_exit_1(tmp_path, archive, fault, message):
    with WaybackServer(archive, cdx_fault=fault) as server:
        result = _crawl(server, tmp_path / "archive.db", _registry(tmp_path))
    assert result.returncode == 1
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1
    assert message in error[0]
    assert "CDX server" in error[0]
    assert "Traceback" not in result.stderr


def test_no_capture_in_range_is_a_clear_error(tmp_path, archive):
    with WaybackServer(archive) as server:
        result = _crawl(server, tmp_path / "archive.db", _registry(tmp_path), "--from", "2026")
    assert result.returncode == 1
    assert f"Error: no captures of {HOST} in the Wayback Machine from 2026" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2022-01-09"), "not a Wayback timestamp"),
        (("--to", "20221301"), "no such date"),
        (("--from", "2023", "--to", "2022"), "is after --to"),
    ],
)
def test_bad_ranges_are_refused_before_crawling(tmp_path, args, message):
    result = run_cli(
        "crawl", "qni-wayback", "--source", "wayback", "--db", str(tmp_path / "a.db"), *args,
        registry=_registry(tmp_path),
    )  # fmt: skip
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_wayback_options_need_the_wayback_source(tmp_path):
    result = run_cli(
        "crawl", "qni-wayback", "--from", "2022", "--db", str(tmp_path / "a.db"), registry=_registry(tmp_path)
    )
    assert result.returncode != 0
    assert "--source wayback" in result.stderr
