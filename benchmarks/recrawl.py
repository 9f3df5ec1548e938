"""Incremental re-crawls: what a daily run costs the portal, measured on the replica.

    python benchmarks/recrawl.py [--articles 2000] [--add 10]

Starts the replica portal (a separate process on 127.0.0.1) and crawls it into one fresh archive four times, as an
archivist's schedule would: the first crawl (everything); a re-crawl of the unchanged portal (incremental, the
default once a crawl finished); a re-crawl after the replica published ``--add`` new articles; and a ``--full``
re-crawl that revisits every article page with conditional requests. Beside govscraper's own counts (``crawl_runs``)
it prints what the replica answered (its request and status counters), so the two tell the same story.

Targets: an unchanged re-crawl makes at most 5% of the first crawl's requests; after adding N articles the
re-crawl archives exactly those N (N new, 0 updated).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import measure, start_replica  # a script beside its sibling


def replica_json(url: str, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url + path, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def crawl(url: str, registry: Path, db_path: Path, *options: str) -> dict:
    """One crawl in its own process; the run's row, plus what the replica answered meanwhile."""
    before = replica_json(url, "_replica/stats.json")
    command = [sys.executable, "-m", "govscraper", "crawl", "qni-bench", "--db", str(db_path), "--loopback"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "GOVSCRAPER_PROGRESS=False", *options]
    _, rss = measure(command, env={"GOVSCRAPER_REGISTRY": str(registry)})
    after = replica_json(url, "_replica/stats.json")
    after["status_counts"]["200"] -= 1  # the stats request itself
    db = sqlite_utils.Database(db_path)
    run = next(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    served = {
        status: n - int(before["status_counts"].get(status, 0))
        for status, n in after["status_counts"].items()
        if n - int(before["status_counts"].get(status, 0))
    }
    return {**run, "served": served, "rss": rss, "articles_total": db["articles"].count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--add", type=int, default=10)
    parser.add_argument(
        "--platform", default="liferay62", help="the registry entry's platform: liferay62 (the profile) or generic"
    )
    parser.add_argument(
        "--no-validators",
        action="store_true",
        help="the replica sends no ETag/Last-Modified and ignores conditional requests (so no list page is a 304)",
    )
    args = parser.parse_args()

    replica, url = start_replica(args.articles, *(["--no-validators"] if args.no_validators else []))
    try:
        manifest = replica_json(url, "_replica/manifest.json")
        categories = [c["slug"] for c in manifest["categories"]]
        with tempfile.TemporaryDirectory() as tmp:
            registry = Path(tmp) / "bench.toml"
            registry.write_text(
                f'[[portal]]\nid = "qni-bench"\nname = "Bản sao để đo"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
                f'base_url = "{url}"\nplatform = "{args.platform}"\nstart_urls = {json.dumps(categories)}\n'
                f'status = "live"\n',
                encoding="utf-8",
            )
            db_path = Path(tmp) / "data" / "archive.db"
            first = crawl(url, registry, db_path)
            unchanged = crawl(url, registry, db_path)
            added = replica_json(url, f"_replica/add?count={args.add}", method="POST")["added"]
            after_add = crawl(url, registry, db_path)
            new_urls = {
                row["url"].split("/", 3)[3]
                for row in sqlite_utils.Database(db_path).query(
                    "SELECT url FROM articles WHERE first_run_id = ?", [after_add["id"]]
                )
            }
            full = crawl(url, registry, db_path, "--full")
    finally:
        replica.terminate()
        replica.wait(timeout=10)

    exact = new_urls == {a["url"].lstrip("/") for a in added}
    print(
        f"replica: {args.articles} articles, {len(categories)} categories; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    header = f"{'crawl':<26}{'mode':<13}{'requests':>9}{'200':>7}{'304':>7}{'new':>6}{'updated':>9}{'unchanged':>11}"
    print(header + f"{'s':>7}{'MB RSS':>8}")
    rows = (
        ("first", first),
        ("unchanged portal", unchanged),
        (f"after {args.add} added", after_add),
        ("--full revisit", full),
    )
    for name, run in rows:
        print(
            f"{name:<26}{run['mode']:<13}{run['requests']:>9}{run['served'].get('200', 0):>7}"
            f"{run['served'].get('304', 0):>7}{run['articles_new']:>6}{run['articles_updated']:>9}"
            f"{run['articles_unchanged']:>11}{run['duration_s']:>7.1f}{run['rss']:>8.0f}"
        )
    ratio = unchanged["requests"] / first["requests"]
    print(
        f"unchanged re-crawl: {unchanged['requests']} of {first['requests']} requests = {ratio:.2%} (target <= 5%); "
        f"after adding {args.add}: {after_add['articles_new']} new, {after_add['articles_updated']} updated, "
        f"{'exactly the added ones' if exact else 'NOT the added ones'} (target: exactly {args.add})"
    )
    print(
        json.dumps(
            {
                "first_requests": first["requests"],
                "unchanged_requests": unchanged["requests"],
                "ratio": round(ratio, 4),
                "added": args.add,
                "after_add_new": after_add["articles_new"],
                "after_add_updated": after_add["articles_updated"],
                "after_add_exact": exact,
                "full_304": full["served"].get("304", 0),
            }
        )
    )
    if ratio > 0.05 or not exact or after_add["articles_updated"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
