"""Searching a crawled archive: the index follows the articles, queries find what the replica published.

The replica is crawled into a fresh archive; expected results are computed from the replica's manifest (what it
served) with plain Python, never from search output. Then the replica edits an article and a ``--full`` crawl
must move the index with it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from govscraper.search import Filters, SearchError, count, parse, search
from govscraper.text.fold import canonical_tones, fold
from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import registry_entry, run_cli

NEW_PARAGRAPHS = [
    "Sáng ngày 05/3, huyện tổ chức lễ ra quân chiến dịch Xuân tình nguyện với chủ đề sông Vệ xanh.",
    "Chiến dịch kéo dài đến hết tháng 4./.",
]


@pytest.fixture(scope="module")
def site():
    return build_site(articles=48, seed=404)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def archive(tmp_path_factory, site, server):
    root = tmp_path_factory.mktemp("search")
    registry = root / "registry.toml"
    registry.write_text(registry_entry("qni-search", server, site), encoding="utf-8")
    db_path = root / "archive.db"
    result = run_cli("crawl", "qni-search", "--db", str(db_path), "--loopback", registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"db_path": db_path, "registry": registry}


@pytest.fixture
def conn(archive):
    connection = sqlite3.connect(archive["db_path"])
    yield connection
    connection.close()


def manifest_texts(site) -> dict[str, str]:
    """Article path → its published title, sapo, body and captions, from the replica's ground truth."""
    texts = {}
    for article in site.manifest()["articles"]:
        captions = [image["caption"] or "" for image in article["images"]]
        texts[article["url"]] = "\n".join(
            [article["title"], article["sapo"] or "", *article["body"], *captions, article["author"] or ""]
        )
    return texts


def words(text: str) -> list[str]:
    return [canonical_tones(word).lower() for word in re.findall(r"[^\W_]+", text)]


def has_sequence(text: str, wanted: list[str], *, folded: bool) -> bool:
    have = words(text)
    if folded:
        have, wanted = [fold(w) for w in have], [fold(w) for w in wanted]
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def paths(hits) -> set[str]:
    return {"/" + hit.url.split("/", 3)[3] for hit in hits}


def test_the_index_holds_one_row_per_article_and_passes_fts5s_check(conn):
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 48
    assert (
        conn.execute("SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)").fetchone()[0]
        == 0
    )
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("query", ["Mộ Đức", "hội nghị", "nông thôn mới", "Đức Lợi", "an toàn giao thông"])
def test_an_exact_query_finds_every_article_that_has_its_words_as_written(conn, site, query):
    expected = {path for path, text in manifest_texts(site).items() if has_sequence(text, words(query), folded=False)}
    hits = search(conn, parse(f'"{query}"'), limit=1000)
    assert expected
    assert expected <= paths(hits)  # attachments' text may add more: each of those is checked below
    for hit in hits:
        stored = conn.execute(
            "SELECT title || ' ' || coalesce(sapo,'') || ' ' || body || ' ' || coalesce(author,'') || ' ' || "
            "coalesce((SELECT group_concat(caption, ' ') FROM article_images WHERE article_id = a.id), '') || ' ' || "
            "coalesce((SELECT group_concat(l.title || ' ' || coalesce(d.text, ''), ' ') FROM article_attachments l "
            "LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256 WHERE l.article_id = a.id), '') "
            "FROM articles a WHERE id = ?",
            [hit.id],
        ).fetchone()[0]
        assert has_sequence(stored, words(query), folded=False), hit.title


@pytest.mark.parametrize(("typed", "meant"), [("mo duc", "Mộ Đức"), ("hoi nghi", "hội nghị"), ("duc", "Đức")])
def test_a_query_without_diacritics_finds_the_words_with_them(conn, site, typed, meant):
    expected = {path for path, text in manifest_texts(site).items() if has_sequence(text, words(meant), folded=False)}
    assert expected <= paths(search(conn, parse(f'"{typed}"'), limit=1000))
    assert count(conn, parse(f'"{typed}"')) >= count(conn, parse(f'"{meant}"'))


def test_exact_matches_rank_above_folded_only_matches(conn):
    hits = search(conn, parse("the"), limit=1000)  # "the" as typed, and thể/thế/thè... folded
    kinds = [hit.match for hit in hits]
    assert "folded" in kinds
    assert kinds == sorted(kinds, key=lambda kind: kind != "exact")


def test_a_word_with_diacritics_never_matches_another_word_that_folds_alike(conn, site):
    texts = manifest_texts(site)
    with_word = {p for p, t in texts.items() if "tặng" in words(t)}
    only_other = {p for p, t in texts.items() if "tặng" not in words(t) and "tang" in [fold(w) for w in words(t)]}
    assert only_other  # articles with "tăng" or "tầng" and no "tặng"
    found = paths(search(conn, parse("tặng"), limit=1000))
    assert with_word <= found
    assert not (found & only_other)


def test_tone_placement_variants_find_the_same_articles(conn):
    old, new = search(conn, parse("hòa"), limit=1000), search(conn, parse("hoà"), limit=1000)
    assert old
    assert [hit.id for hit in old] == [hit.id for hit in new]


def test_filters_narrow_by_date_portal_and_category(conn, site):
    articles = site.manifest()["articles"]
    in_2021 = {a["url"] for a in articles if a["published"].startswith("2021")}
    hits = search(conn, parse("huyện"), Filters(since="2021", until="2021"), limit=1000)
    assert {p for p in in_2021 if "huyện" in words(manifest_texts(site)[p])} <= paths(hits) <= in_2021
    assert all(hit.published_at.startswith("2021") for hit in hits)
    category = articles[0]["category_name"]
    typed = fold(category).upper()  # "TIN TUC - SU KIEN": case and diacritics ignored
    by_category = search(conn, parse("huyện"), Filters(category=typed), limit=1000)
    assert by_category
    assert {hit.category for hit in by_category} == {category}
    with pytest.raises(SearchError, match="no portal 'no-such-portal' in this archive"):
        search(conn, parse("huyện"), Filters(portals=("no-such-portal",)), limit=10)


def test_dates_are_ordered_newest_first_when_asked(conn):
    hits = search(conn, parse("huyện"), order="newest", limit=50)
    dates = [hit.published_at for hit in hits]
    assert dates == sorted(dates, reverse=True)


def test_search_command_table_json_and_csv(archive):
    db = str(archive["db_path"])
    table = run_cli("search", "mo", "duc", "--db", db, "--limit", "3")
    assert table.returncode == 0, table.stderr
    header = " ".join(table.stdout.split())
    assert re.match(r"\d+ articles found; 1-3 shown, ranked over every match: exact matches first", header)
    assert "[Mộ Đức]" in table.stdout
    explained = run_cli("search", "nông thôn mới", "--db", db, "--limit", "2", "--explain")
    explanation = " ".join(explained.stdout.split())
    assert re.search(r"score [\d.]+ = exact match; words: title [\d.]+.*; phrase: title [\d.]+", explanation)
    as_json = run_cli("search", "nông thôn mới", "--db", db, "--format", "json", "--limit", "2", "--explain")
    first = json.loads(as_json.stdout.splitlines()[0])
    assert first["explain"]["phrase"]
    assert first["spans"]
    assert "nông thôn mới" in [first["snippet_text"][start:end].lower() for start, end in first["spans"]]
    assert re.match(r"search: \d+ articles found, ranked over every match", as_json.stderr)
    as_json = run_cli("search", "hội nghị", "--db", db, "--format", "json", "--limit", "5")
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(rows) == 5
    assert all("[hội nghị]" in row["snippet"].lower() for row in rows)
    assert {"id", "url", "title", "published_at", "match", "snippet"} <= set(rows[0])
    as_csv = run_cli("search", "hoi nghi", "--db", db, "--format", "csv", "--limit", "5", "--since", "2019-01")
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert parsed
    assert all(row["published_at"] >= "2019-01" for row in parsed)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOT", "huyện"], "NOT needs a word before it"),
        (['"nông thôn'], "phrase is not closed"),
        (["huyện", "--since", "2021-13"], "not a date"),
        (["huyện", "--since", "2022", "--until", "2021"], "after --until"),
        (["huyện", "--portal", "qni-nowhere"], "no portal 'qni-nowhere' in this archive (it holds qni-search"),
    ],
)
def test_a_bad_query_is_one_line_and_exit_1(archive, args, message):
    result = run_cli("search", *args, "--db", str(archive["db_path"]))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_index_follows_an_edited_article(archive, site):
    """The replica edits an article; a --full crawl keeps a version and the index holds only the new text."""
    target = site.articles[3]
    old_title_word = "tình nguyện"
    conn = sqlite3.connect(archive["db_path"])
    try:
        before = count(conn, parse(f'"{old_title_word}"'))
    finally:
        conn.close()
    site.edit(target.id, paragraphs=NEW_PARAGRAPHS)
    result = run_cli("crawl", "qni-search", "--db", str(archive["db_path"]), "--loopback", "--full",
                     registry=archive["registry"])  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(archive["db_path"])
    try:
        hits = search(conn, parse('"song ve xanh"'), limit=10)
        assert [hit.url.endswith(target.url) for hit in hits] == [True]
        assert hits[0].match == "folded"
        assert count(conn, parse(f'"{old_title_word}"')) == before + 1
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 48
        old_body_word = words(site.manifest()["articles"][3]["body"][0])  # now the edited text
        assert old_body_word[:3] == words(NEW_PARAGRAPHS[0])[:3]
    finally:
        conn.close()


def test_reindex_rebuilds_the_same_index(archive):
    conn = sqlite3.connect(archive["db_path"])
    before = conn.execute("SELECT rowid, title, body_f FROM articles_fts ORDER BY rowid").fetchall()
    conn.close()
    result = run_cli("reindex", "--db", str(archive["db_path"]))
    assert result.returncode == 0, result.stderr
    assert "48 articles indexed" in result.stdout or "articles indexed" in result.stdout
    conn = sqlite3.connect(archive["db_path"])
    assert conn.execute("SELECT rowid, title, body_f FROM articles_fts ORDER BY rowid").fetchall() == before
    conn.close()
    assert "ranking: 48 articles" in result.stderr  # the ranking index beside it rebuilt too
    searched = run_cli("search", "hội nghị", "--db", str(archive["db_path"]))
    assert "ranked over every match: exact matches first" in " ".join(searched.stdout.split())


def test_verify_finds_an_article_missing_from_the_index(archive, tmp_path):
    copy = tmp_path / "copy.db"
    source = sqlite3.connect(archive["db_path"])
    source.backup(target := sqlite3.connect(copy))
    source.close()
    target.execute("DELETE FROM articles_fts WHERE rowid = (SELECT min(id) FROM articles)")
    target.commit()
    target.close()
    result = run_cli("verify", "--db", str(copy))
    assert result.returncode == 1
    assert "search index: articles_fts: 1 articles missing from the index" in result.stderr
    assert "search index: FAILED" in result.stdout
