"""A researcher searching the archive while a crawl writes it; run in its own process by test_search_concurrency.py.

    python -m tests.helpers.search_reader DB EXPECTED_JSON STOP_FILE

``EXPECTED_JSON`` maps each replica article's id (the archive's ``source_id``) to how many ``article_images`` and
``article_attachments`` rows the complete article has. Until ``STOP_FILE`` exists (then one round more), each round
opens the archive as ``govscraper search`` does (``open_db(create=False)``), and inside one read transaction runs
a search and a count, then checks what that snapshot shows: every article found, and every article archived so
far, is whole (title and body, all its image and attachment rows, its index row), and no index row lacks its
article. Any exception is recorded with its text ("database is locked" above all) and the loop goes on. Prints
one JSON line: rounds, searches, articles checked, what each snapshot held, errors, partial articles.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import time
from pathlib import Path

from govscraper.archive.schema import MIGRATIONS, open_db
from govscraper.search import count, parse, search
from tests.helpers.waiting import NeverHappened, wait_for

#: Exact and folded, single words and several, with operators: what researchers type.
QUERIES = (
    "mo duc",
    "hội nghị",
    "huyen",
    "nông thôn mới",
    "xa duc",
    "giai phong mat bang",
    "Đức",
    "the",
    "hội nghị NOT huyen",
    "bao OR lu",
    "tiep cong dan",
    "khen thưởng",
)
#: A safety net only, for a reader whose test died without creating STOP_FILE: the test always creates it once its
#: crawl is over, and its crawl's own timeout is far shorter, so a reader never stops before the crawl ends.
DEADLINE = 900


def schema_ready(path: Path) -> bool:
    """The crawl created the archive and applied every migration (a reader never migrates a file being created)."""
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            done = {name for (name,) in conn.execute("SELECT name FROM _migrations")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return done >= {name for name, _ in MIGRATIONS}


def check_snapshot(conn: sqlite3.Connection, ids: list[int], expected: dict[str, dict[str, int]]) -> list[str]:
    """What is wrong with the given articles, and with the index as a whole, in the current transaction."""
    problems = []
    for article_id in ids:
        row = conn.execute("SELECT source_id, title, body FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            problems.append(f"article {article_id}: found by search, no articles row")
            continue
        source_id, title, body = row
        want = expected.get(source_id)
        if want is None:
            problems.append(f"article {article_id}: source id {source_id!r} is not in the replica")
            continue
        images = conn.execute("SELECT count(*) FROM article_images WHERE article_id = ?", [article_id]).fetchone()[0]
        attachments = conn.execute(
            "SELECT count(*) FROM article_attachments WHERE article_id = ?", [article_id]
        ).fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM articles_fts WHERE rowid = ?", [article_id]).fetchone()[0]
        if not title or not body:
            problems.append(f"article {article_id} ({source_id}): empty title or body")
        if images != want["images"]:
            problems.append(f"article {article_id} ({source_id}): {images} image rows of {want['images']}")
        if attachments != want["attachments"]:
            problems.append(
                f"article {article_id} ({source_id}): {attachments} attachment rows of {want['attachments']}"
            )
        if indexed != 1:
            problems.append(f"article {article_id} ({source_id}): {indexed} index rows")
    orphans = conn.execute("SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)").fetchone()[
        0
    ]
    if orphans:
        problems.append(f"{orphans} index rows without their article")
    return problems


def main() -> None:
    db_path, expected_path, stop_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    started = time.monotonic()
    summary: dict[str, object] = {"rounds": 0, "searches": 0, "counts": 0, "articles_checked": 0, "hits": 0}
    snapshots: list[dict[str, object]] = []
    errors: list[str] = []
    partial: list[str] = []
    rounds = itertools.count()

    def one_round() -> bool:
        """One search and its checks; True when it was the last (the stop file was there before it began)."""
        last_round = stop_file.exists()  # the crawl is over: this round sees the finished archive
        if not schema_ready(db_path):
            return last_round
        query = QUERIES[next(rounds) % len(QUERIES)]
        try:
            conn = open_db(db_path, create=False).conn
            try:
                conn.execute("BEGIN")  # one snapshot for the search, the count and the checks
                hits = search(conn, parse(query), limit=50)
                summary["searches"] += 1
                found = count(conn, parse(query))
                summary["counts"] += 1
                archived = [article_id for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id")]
                hit_ids = [hit.id for hit in hits]
                problems = check_snapshot(conn, hit_ids, expected)
                problems += check_snapshot(conn, [i for i in archived if i not in set(hit_ids)], expected)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except Exception as exc:  # every failure is the finding: recorded, and the rounds go on
            errors.append(f"{type(exc).__name__}: {exc} (query {query!r})")
        else:
            summary["articles_checked"] += len(hit_ids) + len(archived)
            summary["hits"] += len(hits)
            partial.extend(f"{problem} (query {query!r})" for problem in problems)
            snapshots.append(
                {
                    "t": round(time.monotonic() - started, 3),
                    "articles": len(archived),
                    "query": query,
                    "hits": len(hits),
                    "count": found,
                }
            )
        summary["rounds"] += 1
        return last_round

    try:
        # Round after round until the crawl is over: the event is the stop file, the interval a pause between rounds.
        wait_for(one_round, f"the stop file {stop_file}", timeout=DEADLINE, interval=0.01)
    except NeverHappened as exc:
        errors.append(f"the reader gave up: {exc}")
    summary.update(snapshots=snapshots, errors=errors, partial=partial, elapsed=round(time.monotonic() - started, 2))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
