"""Export rate (``govscraper export --format jsonl|csv``) on a large archive made from a real crawl.

    python benchmarks/export.py [--articles 100000] [--crawl 2000] [--repeat 3] [--keep PATH]

The archive: ``govscraper demo --articles N`` crawls the replica (real spider, pipelines, photos, documents, search
index) into a fresh file; its articles are then copied until there are ``--articles`` of them, each copy with its own
URL and its own image and document blobs (the bytes with 4 bytes appended, so every blob has a sha256 of its own:
the export looks up as many distinct blobs as a real archive of that size would hold), its links and its row in
the search index. Nothing shares a page cache that a real archive would not.

Then, warm, ``--repeat`` times each (the median counts), into a file on disk, opened in binary as ``govscraper
export`` opens it and as a UTF-8 text file (``export_articles`` takes either): JSON lines with every field, CSV
with every field, JSON lines with three fields, JSON lines for a search query (``--query "mo duc"``); and once,
JSON lines with ``--images DIR`` into an empty folder (the rate includes writing every file). Prints articles/s for
each and the peak RSS.

Target: at least 20,000 articles/s for every-field JSON lines on 100,000 articles.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govscraper.archive.fulltext import FTS_TABLE
from govscraper.publish.export import export_articles
from govscraper.search.query import parse

ROOT = Path(__file__).resolve().parent.parent
TARGET = 20_000


def crawl(db_path: Path, articles: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "govscraper", "demo", "--articles", str(articles), "--db", str(db_path), "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"the demo crawl failed:\n{result.stderr[-3000:]}")


def _copy_blobs(conn: sqlite3.Connection, table: str, columns: list[str], copy: int) -> dict[str, str]:
    """Each original blob of ``table`` once more with 4 bytes appended; old sha256 -> new sha256."""
    mapping = {}
    rows = conn.execute(
        f"SELECT sha256, bytes, {', '.join(columns)} FROM {table} "
        f"WHERE sha256 IN (SELECT sha256 FROM _originals_{table})"
    ).fetchall()
    new_rows = []
    for sha, data, *rest in rows:
        changed = data + copy.to_bytes(4, "big")
        new = hashlib.sha256(changed).hexdigest()
        mapping[sha] = new
        new_rows.append((new, changed, len(changed), *rest))
    names = ", ".join(["sha256", "bytes", "size", *columns])
    conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * (3 + len(columns)))})", new_rows)
    return mapping


def grow(db_path: Path, target: int) -> int:
    """Copy the crawled articles (with their own blobs, links and index rows) until there are ``target``."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    base_count, top = conn.execute("SELECT count(*), max(id) FROM articles").fetchone()
    columns = [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)") if row[6] == 0 and row[1] != "id"]
    fts_columns = [row[1] for row in conn.execute(f"PRAGMA table_info({FTS_TABLE})")]
    with conn:
        conn.execute("CREATE TEMP TABLE _originals_images AS SELECT sha256 FROM images")
        conn.execute("CREATE TEMP TABLE _originals_attachments AS SELECT sha256 FROM attachments")
        conn.execute("CREATE TEMP TABLE _map (old TEXT PRIMARY KEY, new TEXT)")
    copy = 0
    while base_count * (copy + 1) < target:
        copy += 1
        need = min(base_count, target - base_count * copy)
        shift = top * copy
        with conn:
            conn.execute("DELETE FROM _map")
            image_map = _copy_blobs(conn, "images", ["mime", "width", "height", "first_url", "fetched_at"], copy)
            document_map = _copy_blobs(
                conn, "attachments", ["mime", "filename", "first_url", "fetched_at", "text"], copy
            )
            conn.executemany("INSERT INTO _map VALUES (?, ?)", [*image_map.items(), *document_map.items()])
            selected = f"SELECT id FROM articles WHERE id <= {top} ORDER BY id LIMIT {need}"
            conn.execute(
                f"INSERT INTO articles (id, {', '.join(columns)}) SELECT id + {shift}, "
                + ", ".join(f"{c} || '#copy-{copy}'" if c == "url" else c for c in columns)
                + f" FROM articles WHERE id IN ({selected})"
            )
            conn.execute(
                "INSERT INTO article_images "
                "(article_id, position, image_sha256, role, caption, credit, alt, source_url) "
                f"SELECT article_id + {shift}, position, (SELECT new FROM _map WHERE old = image_sha256), role, "
                f"caption, credit, alt, source_url FROM article_images WHERE article_id IN ({selected})"
            )
            conn.execute(
                "INSERT INTO article_attachments (article_id, position, attachment_sha256, title, source_url) "
                f"SELECT article_id + {shift}, position, (SELECT new FROM _map WHERE old = attachment_sha256), "
                f"title, source_url FROM article_attachments WHERE article_id IN ({selected})"
            )
            conn.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(fts_columns)}) SELECT rowid + {shift}, "
                f"{', '.join(fts_columns)} FROM {FTS_TABLE} WHERE rowid IN ({selected})"
            )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    return total


def measure(db_path: Path, out_path: Path, repeat: int, binary: bool, **kwargs) -> tuple[float, int]:
    """Median articles/s of ``repeat`` exports (fresh images folder each time when exporting images)."""
    rates = []
    written = 0
    fmt = kwargs.pop("fmt")
    text = {"encoding": "utf-8", "newline": "" if fmt == "csv" else "\n"}
    for _ in range(repeat):
        images_dir = kwargs.get("images_dir")
        if images_dir is not None and images_dir.exists():
            shutil.rmtree(images_dir)
        conn = sqlite3.connect(db_path)
        with out_path.open("wb") if binary else out_path.open("w", **text) as out:
            started = time.perf_counter()
            written = export_articles(conn, out, fmt, **kwargs)
            elapsed = time.perf_counter() - started
        conn.close()
        rates.append(written / elapsed)
    return statistics.median(rates), written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--crawl", type=int, default=2000, help="Articles crawled from the replica first.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the archive here and keep it (reused if it exists).")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "archive.db"
        if not db_path.exists():
            started = time.perf_counter()
            crawl(db_path, args.crawl)
            crawled = time.perf_counter() - started
            started = time.perf_counter()
            total = grow(db_path, args.articles)
            print(f"archive: crawled {args.crawl} articles in {crawled:.0f} s, grown to {total} in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        conn = sqlite3.connect(db_path)
        tables = ("articles", "article_images", "images", "article_attachments", "attachments")
        counts = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables]
        conn.close()
        print(
            f"{counts[0]} articles, {counts[1]} image links, {counts[2]} images, {counts[3]} attachment links, "
            f"{counts[4]} attachments; {db_path.stat().st_size / 1e9:.2f} GB; Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs; median of {args.repeat}"
        )
        out = Path(tmp) / "out"
        cases = [
            ("jsonl, every field", {"fmt": "jsonl"}),
            ("csv, every field", {"fmt": "csv"}),
            ("jsonl, --fields id,title,published_at", {"fmt": "jsonl", "fields": ["id", "title", "published_at"]}),
            ('jsonl, --query "mo duc"', {"fmt": "jsonl", "query": parse("mo duc")}),
        ]
        results = {}
        print(f"{'export':<42}{'stream':<8}{'articles':>10}{'articles/s':>12}{'MB':>8}")
        for label, kwargs in cases:
            for binary in (True, False):  # binary: as the command writes; text: export_articles given a text file
                rate, written = measure(db_path, out, args.repeat, binary, **dict(kwargs))
                results[label, binary] = rate
                stream = "binary" if binary else "text"
                print(f"{label:<42}{stream:<8}{written:>10}{rate:>12,.0f}{out.stat().st_size / 1e6:>8.1f}")
        label, images = "jsonl, --images DIR (files written)", {"fmt": "jsonl", "images_dir": Path(tmp) / "images"}
        rate, written = measure(db_path, out, 1, True, **images)
        print(f"{label:<42}{'binary':<8}{written:>10}{rate:>12,.0f}{out.stat().st_size / 1e6:>8.1f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:.0f} MB")
    rate = min(results["jsonl, every field", True], results["jsonl, every field", False])
    print(
        f"every-field JSON lines, slower stream: {rate:,.0f} articles/s (target >= {TARGET:,}): "
        + ("met" if rate >= TARGET else "MISSED")
    )
    sys.exit(0 if rate >= TARGET else 1)


if __name__ == "__main__":
    main()
