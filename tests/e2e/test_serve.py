"""``govscraper serve``: the real Datasette server on 127.0.0.1 over a crawled archive, queried through its JSON API.

The replica is crawled into a fresh archive, ``govscraper serve`` runs as a process of its own, as a researcher
starts it, and every expected value comes from the replica's manifest or from the archive read with plain
Python (words split and folded here, no FTS5), never from the server's answers.
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from govscraper.publish import datasette_plugin
from govscraper.publish.serve import HIDDEN_TABLES, QUERIES, SEARCH_LIMIT, TABLES, database_name, metadata
from govscraper.search import SearchError, parse
from govscraper.text.fold import canonical_tones, fold
from tests.helpers.cli import run_cli
from tests.helpers.serving import get, start_serve, stop

PORTAL = "qni-replica"


@pytest.fixture(scope="module")
def archive(crawled_archive) -> Path:
    crawled = crawled_archive(PORTAL)
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    return crawled.db_path


@pytest.fixture(scope="module")
def manifest(clean_site):
    return clean_site.manifest()


def nothing_listens(base: str) -> bool:
    port = int(base.rsplit(":", 1)[1])
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def server(archive, tmp_path_factory):
    """``govscraper serve`` running; stopped (with Datasette) at the end, whatever happened."""
    log_path = tmp_path_factory.mktemp("serve-log") / "serve.log"
    process, base = start_serve(archive, log_path)
    try:
        yield {"base": base, "db": f"{base}/{database_name(archive)}", "process": process, "log": log_path}
    finally:
        stop(process)
    assert nothing_listens(base)  # SIGTERM reached Datasette too


def get_json(url: str, **params: str):
    status, body = get(url + ("?" + urllib.parse.urlencode(params) if params else ""))
    assert status == 200, body[:500]
    return json.loads(body)


# What the archive holds, read with plain Python.


def words(text: str) -> set[str]:
    return {canonical_tones(word).lower() for word in re.findall(r"[^\W_]+", text or "")}


def article_texts(archive: Path) -> dict[int, dict[str, object]]:
    """Every article's searchable text (title, sapo, body, captions, author, documents) and publication date."""
    conn = sqlite3.connect(archive)
    try:
        articles = {
            row[0]: {"text": "\n".join(part or "" for part in row[1:5]), "published_at": row[5]}
            for row in conn.execute("SELECT id, title, sapo, body, author, published_at FROM articles")
        }
        for article_id, caption in conn.execute("SELECT article_id, caption FROM article_images"):
            articles[article_id]["text"] += "\n" + (caption or "")
        for article_id, title, text in conn.execute(
            "SELECT l.article_id, l.title, d.text FROM article_attachments l "
            "LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256"
        ):
            articles[article_id]["text"] += "\n" + (title or "") + "\n" + (text or "")
    finally:
        conn.close()
    return articles


def having(archive: Path, query: str) -> set[int]:
    """Articles with every word of ``query``: as written if it has diacritics, else once folded."""
    wanted = words(query)
    found = set()
    for article_id, article in article_texts(archive).items():
        have = words(article["text"])
        folded = {fold(word) for word in have}
        if all((word in have) if fold(word) != word else (word in folded) for word in wanted):
            found.add(article_id)
    return found


def ids(rows) -> set[int]:
    return {row["id"] for row in rows}


def table_search(server, text: str) -> list[dict]:
    return get_json(server["db"] + "/articles.json", _search=text, _shape="array", _size="max")


# The server.


def test_the_articles_table_serves_every_archived_article(server, archive, manifest):
    rows = get_json(server["db"] + "/articles.json", _shape="array", _size="max", _col="url")
    assert len(rows) == len(manifest["articles"]) == 36
    served = {row["url"].split("/", 3)[3] for row in rows}
    assert served == {article["url"].lstrip("/") for article in manifest["articles"]}
    # Newest first, as configured (published_at descending).
    published = [row["published_at"] for row in get_json(server["db"] + "/articles.json", _shape="array")]
    assert published == sorted(published, reverse=True)


def header_columns(page: bytes) -> list[str]:
    """The columns of a table page's rows, in order (the table header, not the facets)."""
    head = page.decode("utf-8").split("<thead>", 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th [^>]*data-column="([^"]+)"', head)


def test_the_articles_table_opens_on_when_what_and_where_from(server, archive):
    """A bare address of the table redirects to the reading columns; every page link keeps them; "Show all columns"
    (the view mark without ``_col``) and the JSON API give every column."""
    base = urllib.parse.urlsplit(server["db"])
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
    try:
        connection.request("GET", base.path + "/articles")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 302
    location = response.getheader("Location")
    status, page = get(f"{base.scheme}://{base.netloc}{location}")
    assert status == 200
    assert header_columns(page) == ["id", "published_at", "title", "sapo", "portal_id", "category"]
    shown = re.findall(r'<td class="col-id[^"]*"><a href="[^"]*/articles/(\d+)"', page.decode("utf-8"))
    conn = sqlite3.connect(archive)
    try:
        newest = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY published_at DESC, id DESC LIMIT 5")]
        every = [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)")]
    finally:
        conn.close()
    assert [int(found) for found in shown[:5]] == newest
    # The column menu's "Show all columns" drops _col and keeps the mark: every column, no redirect.
    status, page = get(server["db"] + "/articles?_view=reading")
    assert status == 200
    assert header_columns(page) == ["id", *[column for column in every if column != "id"]]
    assert list(get_json(server["db"] + "/articles.json", _shape="array", _size="1")[0]) == every
    # A search keeps its own columns (nothing to redirect: the address has a query).
    status, page = get(server["db"] + "/articles?_search=mo+duc")
    assert status == 200
    assert len(header_columns(page)) == len(every)


def test_search_box_finds_words_with_or_without_diacritics(server, archive):
    folded_hits, exact_hits = ids(table_search(server, "mo duc")), ids(table_search(server, "Mộ Đức"))
    assert folded_hits == having(archive, "mo duc")
    assert exact_hits == having(archive, "Mộ Đức")
    assert exact_hits
    assert exact_hits <= folded_hits
    # A word with diacritics matches only itself: "thể" never finds "thế".
    assert ids(table_search(server, "thế")) == having(archive, "thế")
    assert ids(table_search(server, "thế")) != ids(table_search(server, "the"))


def test_search_box_unifies_tone_placement(server, archive):
    new, old = table_search(server, "hoà"), table_search(server, "hòa")
    assert new
    assert [row["id"] for row in new] == [row["id"] for row in old]
    assert ids(new) == having(archive, "hòa")


def test_default_facets_count_portal_category_and_year(server, manifest):
    data = get_json(server["db"] + "/articles.json", _size="0")
    facets = data["facet_results"]
    assert set(facets) == {"portal_id", "category", "published_year"}

    def counts(name):
        return {result["value"]: result["count"] for result in facets[name]["results"]}

    articles = manifest["articles"]
    assert counts("portal_id") == {PORTAL: len(articles)}
    assert counts("category") == collections.Counter(article["category_name"] for article in articles)
    assert counts("published_year") == collections.Counter(int(article["published"][:4]) for article in articles)


def test_a_facet_narrows_a_search(server, archive):
    year = get_json(server["db"] + "/articles.json", _search="huyen", _size="0")["facet_results"]["published_year"]
    texts, found = article_texts(archive), having(archive, "huyen")
    by_year = collections.Counter(int(texts[article_id]["published_at"][:4]) for article_id in found)
    assert len(by_year) > 1
    assert {result["value"]: result["count"] for result in year["results"]} == by_year


def test_canned_query_articles_per_month(server, manifest):
    rows = get_json(server["db"] + "/articles_per_month.json", _shape="array")
    expected = collections.Counter(article["published"][:7] for article in manifest["articles"])
    assert {(row["portal_id"], row["month"]): row["articles"] for row in rows} == {
        (PORTAL, month): n for month, n in expected.items()
    }
    assert get_json(server["db"] + "/articles_per_month.json", _shape="array", portal="no-such-portal") == []


def test_canned_search_in_a_date_range(server, archive):
    texts = article_texts(archive)
    in_range = {i for i, article in texts.items() if "2021" <= (article["published_at"] or "")[:4] <= "2022"}
    expected = having(archive, "hoi nghi") & in_range
    assert expected
    assert expected != having(archive, "hoi nghi")  # the range leaves some out
    rows = get_json(server["db"] + "/search.json", _shape="array", q="hoi nghi", since="2021", until="2022")
    assert ids(rows) == expected
    assert all(row["snippet"] and "[" in row["snippet"] for row in rows)
    # No range: every match; a day range: only that day.
    everything = get_json(server["db"] + "/search.json", _shape="array", q="hoi nghi")
    assert ids(everything) == having(archive, "hoi nghi")
    day = texts[min(expected)]["published_at"][:10]
    on_day = get_json(server["db"] + "/search.json", _shape="array", q="hoi nghi", since=day, until=day)
    assert ids(on_day) == {i for i in expected if texts[i]["published_at"][:10] == day}


def test_canned_search_ranks_exact_matches_first_and_unifies_tones(server, archive):
    rows = get_json(server["db"] + "/search.json", _shape="array", q="hội nghị")
    assert ids(rows) == having(archive, "hội nghị")
    rows = get_json(server["db"] + "/search.json", _shape="array", q="Mo Duc")
    matches = [row["match"] for row in rows]
    assert matches == sorted(matches)  # "exact" rows (none: the text has diacritics) before "folded" ones
    new = get_json(server["db"] + "/search.json", _shape="array", q="hoà")
    old = get_json(server["db"] + "/search.json", _shape="array", q="hòa")
    assert new
    assert new == old
    assert get_json(server["db"] + "/search.json", _shape="array", q="") == []  # the empty form finds nothing


@pytest.mark.parametrize(
    "params",
    [
        {"q": "hội nghị"},
        {"q": "hoi nghi", "since": "2021", "until": "2022"},
        {"q": "nông thôn mới"},
        {"q": "mo duc", "category": "tin tuc - su kien"},
        {"q": "huyen", "portal": PORTAL},
        {"q": '"xa duc" OR bão'},
    ],
)
def test_the_canned_search_gives_what_the_search_command_gives(server, archive, params):
    """Datasette's search page and govscraper search: the same articles, in the same order, with the same match
    kind and snippet (both call the same ranking over every match)."""
    rows = get_json(server["db"] + "/search.json", _shape="array", **params)
    args = ["search", params["q"], "--db", str(archive), "--format", "json", "--limit", str(SEARCH_LIMIT)]
    for name in ("since", "until", "portal", "category"):
        if name in params:
            args += [f"--{name}", params[name]]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits, params
    assert [(row["id"], row["match"], row["snippet"]) for row in rows] == [
        (hit["id"], hit["match"], hit["snippet"]) for hit in hits
    ]
    assert "ranked over every match" in result.stderr


def test_a_query_that_cannot_be_read_says_why(server):
    status, body = get(server["db"] + "/articles.json?" + urllib.parse.urlencode({"_search": '"nông thôn'}))
    assert status == 400
    assert "a phrase is not closed" in json.loads(body)["error"]
    status, body = get(server["db"] + "/search?" + urllib.parse.urlencode({"q": "hội nghị AND"}))
    assert status == 400
    assert "the query ends with an operator" in body.decode()


def test_metadata_describes_tables_columns_and_queries(server, archive):
    served = get_json(server["base"] + "/-/metadata.json")
    ours = metadata(database_name(archive))
    assert served["title"] == ours["title"]
    assert served["description"] == ours["description"]
    tables = served["databases"][database_name(archive)]["tables"]
    # Datasette copies the top level's source, license and about (None where there is none) into a table's metadata
    # once a page of it is shown (so what /-/metadata.json says depends on the pages seen): compare without them.
    inherited = ("source", "source_url", "license", "license_url", "about", "about_url")
    for name, table in tables.items():
        assert all(table[key] == served.get(key) for key in inherited if key in table), name
    own = {name: {k: v for k, v in table.items() if k not in inherited} for name, table in tables.items()}
    assert own == ours["databases"][database_name(archive)]["tables"]
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert tables["articles"]["columns"]["published_at"].startswith("Publication time")
    page = get(server["db"] + "/articles")[1].decode()
    assert tables["articles"]["description"].split(".")[0] in page
    assert datasette_plugin.TABLE_PAGE_SCRIPT in page  # the column descriptions folded away
    listed = {table["name"]: table for table in get_json(server["db"] + ".json")["tables"]}
    assert all(listed[name]["hidden"] for name in HIDDEN_TABLES)
    assert not listed["articles"]["hidden"]
    queries = {query["name"] for query in get_json(server["db"] + ".json")["queries"]}
    assert queries == set(QUERIES)


def test_the_archive_is_served_read_only_while_a_crawl_may_write(server, archive):
    (database,) = get_json(server["base"] + "/-/databases.json")
    assert database["path"] == str(archive)
    assert database["is_mutable"]  # not --immutable: Datasette sees what a crawl adds
    # Datasette refuses anything but SELECT ...
    status, body = get(server["db"] + ".json?" + urllib.parse.urlencode({"sql": "DELETE FROM articles"}))
    assert status == 400
    assert "SELECT" in json.loads(body)["error"]
    assert get_json(server["db"] + ".json", sql="SELECT count(*) AS n FROM articles", _shape="array") == [{"n": 36}]
    # ... and every file descriptor it holds on the archive was opened read-only (mode=ro).
    modes = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            entries = list(fd_dir.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if os.readlink(entry) == str(archive):
                    flags = next(
                        line
                        for line in (entry.parent.parent / "fdinfo" / entry.name).read_text().splitlines()
                        if line.startswith("flags:")
                    )
                    modes.append(int(flags.split()[1], 8) & os.O_ACCMODE)
            except OSError:
                continue
    assert modes
    assert set(modes) == {os.O_RDONLY}
    # A writer (a crawl) is not blocked, and what it commits is served at once.
    conn = sqlite3.connect(archive, timeout=5)
    with conn:
        conn.execute("UPDATE portals SET notes = 'written while serving' WHERE id = ?", [PORTAL])
    conn.close()
    portal = get_json(server["db"] + "/portals.json", _shape="array", id=PORTAL)
    assert portal[0]["notes"] == "written while serving"


def test_ctrl_c_stops_the_server(archive, tmp_path):
    process, base = start_serve(archive, tmp_path / "serve.log", start_new_session=True)
    try:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
        assert process.wait(timeout=180) == 0
    finally:
        if process.poll() is None:
            stop(process)
    assert nothing_listens(base)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log
    # It said where to look, before Datasette's own start-up lines.
    assert f"serving {archive} read-only at {base}/; Ctrl-C stops" in log
    assert f"articles: {base}/{database_name(archive)}/articles" in log


def test_a_port_in_use_is_one_line(archive):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--db", str(archive), "--port", str(port), timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port 0 for any free one" in result.stderr


# Without a server.


def test_serve_without_an_archive_is_one_line(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "missing.db"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no archive at" in result.stderr


def test_metadata_describes_only_columns_that_exist(archive):
    conn = sqlite3.connect(archive)
    try:
        schema = {
            table: {row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})")}
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        conn.close()
    research = {name for name in schema if not name.startswith("articles_fts")} - set(HIDDEN_TABLES)
    assert set(TABLES) == research  # every table is either described or hidden
    for name, table in TABLES.items():
        assert table["description"]
        assert set(table["columns"]) <= schema[name], name
        assert set(table.get("facets", [])) <= schema[name], name
    assert set(TABLES["articles"]["columns"]) == schema["articles"]


@pytest.mark.parametrize("text", ["mo duc", "Mộ Đức", '"nông thôn mới"', "hoà OR huyện*", "hội nghị NOT huyện"])
def test_vn_fts_is_the_search_commands_expression(text):
    assert datasette_plugin.vn_fts(text) == parse(text).fts_full
    assert datasette_plugin.vn_fts_exact(text) == parse(text).fts_exact
    assert datasette_plugin.search_problem(text) is None


def test_plugin_helpers():
    assert datasette_plugin.vn_fts("  ") == datasette_plugin.MATCH_NOTHING
    assert datasette_plugin.vn_fold("Mộ Đức") == "mo duc"
    with pytest.raises(SearchError) as error:
        parse('"nông')
    assert datasette_plugin.search_problem('"nông') == str(error.value)
    assert datasette_plugin.query_parameters(QUERIES["search"]["sql"]) == ["q"]
    assert datasette_plugin.query_parameters("select vn_snippet(body, :words) from t where x = :other") == ["words"]
