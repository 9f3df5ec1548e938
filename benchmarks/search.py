"""Search over a large archive: latency of typical queries beside a LIKE scan, export rate, index size.

    python benchmarks/search.py [--articles 100000] [--repeat 5] [--keep PATH]

Generates an archive of ``--articles`` Vietnamese articles with the real schema (``open_db`` on a fresh file) and
the real indexing code (``benchmarks/search_archive.py``): the replica's generator (``build_site``, one seed per
portal) writes the text, the rows go into ``articles``, ``article_images`` (captions) and ``article_attachments``
(link texts) in bulk, and then ``govscraper.archive.fulltext.index_article`` writes each article's index row, one
transaction per article as a crawl does (``Archive.store_article``); then ``sync`` builds the ranking index beside
it, as a crawl's close does (its time and size are printed). The articles are spread over 10 Quảng Ngãi portals (the
district's name in the text is that portal's, so "Mộ Đức" matches 8% of them, not all) and over 2019-2025.

Queries: a fixed list of typical researchers' queries of 1-3 words (:data:`QUERIES`), each typed with its
diacritics (exact) and without (folded, e.g. "hoi nghi", "mo duc"), plus :data:`SAMPLED` queries of 1-3
consecutive words taken at random (seed 2026) from article titles, also in both forms. Each query runs as
``govscraper search`` runs it: ``search(conn, parse(q), limit=20)``, ranking and snippets included; one warm-up
round over all queries, then ``--repeat`` rounds, every timing of which counts. p50/p95/max are printed for exact
and folded queries apart and together (and without snippets, to show their share), with a filter (a year, a
category, a portal), and for the ranking without the ranking index (FTS5's bm25 over every match, what search falls
back to), with how many articles each query matches (``count()``), so the queries are seen not to be trivially
rare; ``--per-query`` prints each one.

Beside it, in the same run over the same data: the LIKE scan a researcher would write without the index,
``SELECT id, title FROM articles WHERE title LIKE ? OR sapo LIKE ? OR body LIKE ? LIMIT 20`` with ``%query%``, for
the exact queries (SQLite's LIKE folds ASCII case only and knows nothing of diacritics, so it is given the text as
written; for a few queries its match counts are printed beside ours: ``LIKE '%mo duc%'`` finds nothing).

Export: ``govscraper.publish.export.export_articles`` writing JSON lines for every article, in articles/s. Index size:
the FTS5 shadow tables (``dbstat``), the database and the text it indexes, in MB.

Targets: search p50 at most 10 ms and p95 at most 50 ms, over all the queries (exact and folded together; each
kind is printed apart too), unfiltered and with each filter; export at least 20,000 articles/s. Exits 1 if one is
missed. Relevance is measured by ``benchmarks/search_relevance.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from search_archive import generate, percentile  # a script beside its sibling

from govscraper.archive.fulltext import FTS_TABLE
from govscraper.archive.ranking_index import index_path, sync
from govscraper.archive.schema import open_db
from govscraper.search import Filters, count, parse, search
from govscraper.search.engine import _rank_with_fts5
from govscraper.text.fold import fold

#: Typical researchers' queries, as they would type them with diacritics; each also runs folded.
QUERIES = (
    "hội nghị",
    "nông thôn mới",
    "giải phóng mặt bằng",
    "Mộ Đức",
    "phòng chống dịch",
    "bão",
    "khen thưởng",
    "an toàn giao thông",
    "Đức Phổ",
    "Đức Tân",
    "bầu cử",
    "chuyển đổi số",
    "tiếp công dân",
    "lúa",
    "gia đình chính sách",
    "xây dựng",
)
#: How many more queries are sampled from titles (1-3 consecutive words each, seed 2026).
SAMPLED = 16
P50_TARGET = 10
P95_TARGET = 50
EXPORT_TARGET = 20_000
#: Queries whose LIKE match count is printed beside the index's (exact and folded forms).
COMPARED = ("Mộ Đức", "hội nghị", "bão", "nông thôn mới")


def sample_queries(conn, count_wanted: int, seed: int = 2026) -> list[str]:
    """1-3 consecutive words of random article titles, as written (titles of different articles)."""
    rng = random.Random(seed)
    top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    queries: list[str] = []
    while len(queries) < count_wanted:
        row = conn.execute("SELECT title FROM articles WHERE id = ?", [rng.randint(1, top)]).fetchone()
        words = re.findall(r"[^\W_]+", row[0]) if row else []
        if not words:
            continue
        size = rng.randint(1, min(3, len(words)))
        start = rng.randrange(len(words) - size + 1)
        query = " ".join(words[start : start + size])
        if query.lower() not in {q.lower() for q in queries}:
            queries.append(query)
    return queries


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def like_scan(conn, text: str) -> list[tuple]:
    pattern = f"%{text}%"
    return conn.execute(
        "SELECT id, title FROM articles WHERE title LIKE ? OR sapo LIKE ? OR body LIKE ? LIMIT 20",
        [pattern, pattern, pattern],
    ).fetchall()


def like_count(conn, text: str) -> int:
    pattern = f"%{text}%"
    return conn.execute(
        "SELECT count(*) FROM articles WHERE title LIKE ? OR sapo LIKE ? OR body LIKE ?", [pattern, pattern, pattern]
    ).fetchone()[0]


def summary(queries: list[str], timings: dict[str, list[float]], matches: dict[str, int]) -> dict[str, float]:
    values = [t for q in queries for t in timings[q]]
    counts = [matches[q] for q in queries]
    return {
        "queries": len(queries),
        "timings": len(values),
        "matches_min": min(counts),
        "matches_median": statistics.median(counts),
        "matches_mean": statistics.mean(counts),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def run_queries(conn, queries: list[str], repeat: int, function, **kwargs) -> dict[str, list[float]]:
    """Every query once to warm up, then ``repeat`` rounds over all of them; every timing of those rounds kept."""
    timings: dict[str, list[float]] = {q: [] for q in queries}
    for round_ in range(repeat + 1):
        for query in queries:
            elapsed, _ = timed(function, conn, query, **kwargs)
            if round_:
                timings[query].append(elapsed)
    return timings


def search_text(conn, text: str, **kwargs):
    """What ``govscraper search TEXT`` runs: parse, rank, snippets, 20 hits."""
    return search(conn, parse(text), limit=20, **kwargs)


def fts5_rank(conn, text: str) -> list:
    """The ranking without the ranking index: FTS5's bm25 over every match, exact group first, 20 hits (what
    search falls back to; no snippets)."""
    return _rank_with_fts5(conn, parse(text), [], [], 20)


#: Filters timed apart (issue: filtered searches must be as quick): a year, a category, a portal.
FILTERS = {
    "year 2021": Filters(since="2021", until="2021"),
    "category": Filters(category="Kinh tế - Xã hội"),
    "portal": Filters(portals=("qni-moduc",)),
}


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="Timed rounds over the queries (after one warm-up).")
    parser.add_argument("--keep", type=Path, help="Generate the archive here and keep it (reused if it exists).")
    parser.add_argument("--per-query", action="store_true", help="Print every query's matches and timings.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "archive.db"
        generated = None
        if db_path.exists():
            print(f"archive: reusing {db_path}")
        else:
            generated = generate(db_path, args.articles)
            print(
                f"archive generated in {generated['build_s'] + generated['insert_s'] + generated['index_s']:.0f} s: "
                f"replica text {generated['build_s']:.1f} s, rows {generated['insert_s']:.1f} s, index rows "
                f"{generated['index_s']:.1f} s (index_article, one transaction per article); database "
                f"{generated['size_before_index'] / 1e6:.0f} MB before indexing"
            )
        conn = open_db(db_path, create=False).conn
        started = time.perf_counter()
        ranked = sync(conn, db_path)  # the ranking index beside the archive, as a crawl's close builds it
        if ranked:
            print(f"ranking index: {ranked:,} articles indexed in {time.perf_counter() - started:.1f} s")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        portals = conn.execute("SELECT count(DISTINCT portal_id) FROM articles").fetchone()[0]
        years = conn.execute("SELECT min(published_year), max(published_year) FROM articles").fetchone()
        text_mb = (
            conn.execute(
                "SELECT (SELECT sum(length(CAST(title AS BLOB)) + length(CAST(sapo AS BLOB)) "
                "+ length(CAST(body AS BLOB))) FROM articles) "
                "+ (SELECT coalesce(sum(length(CAST(caption AS BLOB))), 0) FROM article_images)"
            ).fetchone()[0]
            / 1e6
        )
        shadow = dict(
            conn.execute(
                "SELECT name, sum(pgsize) / 1e6 FROM dbstat WHERE name LIKE ? GROUP BY name ORDER BY 2 DESC",
                [f"{FTS_TABLE}%"],
            ).fetchall()
        )
        index_mb = sum(shadow.values())
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_mb = db_path.stat().st_size / 1e6
        print(
            f"{articles:,} articles, {portals} portals, {years[0]}-{years[1]}; SQLite {sqlite3.sqlite_version}, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        print(
            f"sizes: text (title, sapo, body, captions) {text_mb:.0f} MB; index {index_mb:.0f} MB ("
            + ", ".join(f"{name} {mb:.0f}" for name, mb in shadow.items())
            + f"); database {db_mb:.0f} MB; ranking index (Tantivy, beside it) "
            f"{folder_mb(index_path(db_path)):.0f} MB"
        )

        sampled = sample_queries(conn, SAMPLED)
        exact = [q for q in (*QUERIES, *sampled) if fold(q) != q.lower()]
        folded = list(dict.fromkeys(fold(q) for q in (*QUERIES, *sampled)))
        everything = [*exact, *folded]
        matches = {q: count(conn, parse(q)) for q in everything}
        print(
            f"queries: {len(QUERIES)} fixed and {len(sampled)} sampled from titles (seed 2026), with diacritics and "
            f"without: {len(exact)} exact, {len(folded)} folded; sampled: {', '.join(sampled)}"
        )

        timings = run_queries(conn, everything, args.repeat, search_text)
        ranking = search_text(conn, everything[0]).ranking
        print(f"search: {ranking}")
        bare = run_queries(conn, everything, args.repeat, search_text, snippets=False)
        filtered = {
            name: run_queries(conn, everything, args.repeat, search_text, filters=filters)
            for name, filters in FILTERS.items()
        }
        fts5 = run_queries(conn, everything, max(1, args.repeat // 5), fts5_rank)
        like = run_queries(conn, exact, args.repeat, like_scan)

        if args.per_query:
            print(f"{'query':<28}{'matches':>9}{'p50 ms':>9}{'max ms':>9}{'no snippets':>13}{'LIKE p50':>10}")
            for query in everything:
                like_p50 = f"{statistics.median(like[query]):10.1f}" if query in like else ""
                print(
                    f"{query:<28}{matches[query]:>9,}{statistics.median(timings[query]):9.1f}"
                    f"{max(timings[query]):9.1f}{statistics.median(bare[query]):13.1f}{like_p50}"
                )

        rows = {
            "search, exact": summary(exact, timings, matches),
            "search, folded": summary(folded, timings, matches),
            "search, all": summary(everything, timings, matches),
            "  without snippets": summary(everything, bare, matches),
            **{f"  {name}": summary(everything, times, matches) for name, times in filtered.items()},
            "FTS5 bm25, all": summary(everything, fts5, matches),
            "LIKE scan, exact": summary(exact, like, matches),
        }
        print(
            f"{'':<20}{'queries':>8}{'timings':>9}{'matches min':>13}{'median':>9}{'mean':>9}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        )
        for label, row in rows.items():
            print(
                f"{label:<20}{row['queries']:>8}{row['timings']:>9}{row['matches_min']:>13,}"
                f"{row['matches_median']:>9,.0f}{row['matches_mean']:>9,.0f}"
                f"{row['p50']:>9.1f}{row['p95']:>9.1f}{row['max']:>9.1f}"
            )
        ours, theirs = rows["search, exact"], rows["LIKE scan, exact"]
        speedup = {key: theirs[key] / ours[key] for key in ("p50", "p95", "max")}
        print(
            "LIKE scan / search (exact queries): "
            + ", ".join(f"{key} {value:.1f}x" for key, value in speedup.items())
            + " (LIKE ... LIMIT 20 stops at the first 20 rows that hold the text: quick for a common word, a full "
            "scan for a rare one; no ranking, no folding)"
        )
        slowest = sorted(everything, key=lambda q: statistics.median(timings[q]), reverse=True)[:5]
        print(
            "slowest queries (median): "
            + ", ".join(f"{q!r} {statistics.median(timings[q]):.1f} ms ({matches[q]:,} matches)" for q in slowest)
        )

        print("articles found, LIKE '%text%' on title, sapo, body (every match counted) beside search:")
        for query in COMPARED:
            for form in (query, fold(query)):
                found = matches.get(form) or count(conn, parse(form))
                print(f"  {form!r:<26}{like_count(conn, form):>8,} {found:>8,}")

        export_rate = None
        try:
            from govscraper.publish.export import export_articles
        except ImportError:
            print("export: govscraper.publish.export.export_articles does not exist")
        else:
            rates = []
            out_path = Path(tmp) / "export.jsonl"
            for _ in range(3):
                with out_path.open("w", encoding="utf-8") as out:
                    elapsed, written = timed(export_articles, conn, out, "jsonl")
                rates.append(written / elapsed * 1000)
            export_rate = statistics.median(rates)
            print(
                f"export: {written:,} articles as JSON lines, every field ({out_path.stat().st_size / 1e6:.0f} MB "
                f"file), {export_rate:,.0f} articles/s (median of 3)"
            )
        conn.close()

    overall = rows["search, all"]
    checked = {"search, all": overall, **{name: rows[f"  {name}"] for name in FILTERS}}
    missed = [
        f"{label} p{which} {row['p' + which]:.1f} ms > {limit} ms"
        for label, row in checked.items()
        for which, limit in (("50", P50_TARGET), ("95", P95_TARGET))
        if row["p" + which] > limit
    ]
    if export_rate is None or export_rate < EXPORT_TARGET:
        missed.append(f"export {export_rate or 0:,.0f} articles/s < {EXPORT_TARGET:,}")
    verdict = "targets met" if not missed else "MISSED: " + "; ".join(missed)
    print(
        f"search over {articles:,} articles: p50 {overall['p50']:.1f} ms, p95 {overall['p95']:.1f} ms (targets <= "
        f"{P50_TARGET} ms, <= {P95_TARGET} ms); export {export_rate or 0:,.0f} articles/s (target >= "
        f"{EXPORT_TARGET:,}): {verdict}"
    )
    result = {
        "articles": articles,
        "generate_s": round(sum(generated[k] for k in ("build_s", "insert_s", "index_s")), 1) if generated else None,
    }
    for label, row in rows.items():
        key = label.strip().replace(", ", "_").replace(" ", "_").lower()
        result.update({f"{key}_{stat}": round(row[stat], 2) for stat in ("p50", "p95", "max")})
    result.update(
        matches_median=overall["matches_median"],
        like_speedup={key: round(value, 1) for key, value in speedup.items()},
        export_articles_per_s=round(export_rate) if export_rate else None,
        index_mb=round(index_mb, 1),
        db_mb=round(db_mb, 1),
        text_mb=round(text_mb, 1),
        targets_met=not missed,
    )
    print(json.dumps(result))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
