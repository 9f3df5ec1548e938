"""Crawl throughput and memory: govscraper beside a bare Scrapy spider, on the same replica, in the same run.

    python benchmarks/crawl.py [--articles 2000] [--rounds 3]

Starts the replica portal (a separate process on 127.0.0.1), then alternates rounds of the bare spider
(``benchmarks/bare_spider.py``: follows the same list, pagination, article, image and document links, extracts
and stores nothing), of ``govscraper crawl`` into a fresh archive (raw captures in WARC included, as by default),
and of the same with ``--no-warc``, each in its own process. Prints, per crawler, the median over the rounds of:
pages/s (HTML list and article pages), responses/s (everything fetched, robots.txt included), articles/s, and peak
RSS of the crawling process; then the ratio govscraper / bare.

Targets: govscraper's pages/s at least 0.8x the bare spider's; peak RSS at most 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import sqlite_utils
from processes import measure, start_replica  # a script beside its sibling


def bare_round(url: str, categories: list[str]) -> dict[str, float]:
    stdout, rss = measure([sys.executable, "benchmarks/bare_spider.py", url, ",".join(categories)])
    stats = json.loads(stdout.strip().splitlines()[-1])
    return {
        "pages": stats["pages"],
        "responses": stats["responses"],
        "articles": 0,
        "elapsed": stats["elapsed"],
        "rss": rss,
    }


def govscraper_round(url: str, categories: list[str], workdir: Path, label: str, *options: str) -> dict[str, float]:
    registry = workdir / "bench.toml"
    registry.write_text(
        f'[[portal]]\nid = "qni-bench"\nname = "Bản sao để đo"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
        f'base_url = "{url}"\nplatform = "liferay62"\nstart_urls = {json.dumps(categories)}\nstatus = "live"\n',
        encoding="utf-8",
    )
    db_path = workdir / label / "archive.db"  # WARC files go beside it, in its own folder
    command = [sys.executable, "-m", "govscraper", "crawl", "qni-bench", "--db", str(db_path), "--loopback"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "GOVSCRAPER_PROGRESS=False", *options]
    _, rss = measure(command, env={"GOVSCRAPER_REGISTRY": str(registry)})
    run = next(iter(sqlite_utils.Database(db_path)["crawl_runs"].rows))
    return {
        "pages": run["pages"],
        "responses": run["responses"],
        "articles": run["articles_new"],
        "elapsed": run["duration_s"],
        "rss": rss,
    }


def summarise(rounds: list[dict[str, float]]) -> dict[str, float]:
    def median(f) -> float:
        return statistics.median(f(r) for r in rounds)

    return {
        "pages": median(lambda r: r["pages"]),
        "responses": median(lambda r: r["responses"]),
        "pages_s": median(lambda r: r["pages"] / r["elapsed"]),
        "responses_s": median(lambda r: r["responses"] / r["elapsed"]),
        "articles_s": median(lambda r: r["articles"] / r["elapsed"]),
        "elapsed": median(lambda r: r["elapsed"]),
        "rss": max(r["rss"] for r in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    replica, url = start_replica(args.articles)
    try:
        with urllib_open(url + "_replica/manifest.json") as manifest_file:
            manifest = json.load(manifest_file)
        categories = [c["slug"] for c in manifest["categories"]]
        bare, ours, no_warc = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(args.rounds):
                bare.append(bare_round(url, categories))
                ours.append(govscraper_round(url, categories, Path(tmp), f"round-{round_no}"))
                no_warc.append(govscraper_round(url, categories, Path(tmp), f"round-{round_no}-nowarc", "--no-warc"))
    finally:
        replica.terminate()
        replica.wait(timeout=10)

    b, g, n = summarise(bare), summarise(ours), summarise(no_warc)
    print(
        f"replica: {args.articles} articles, {len(categories)} categories; {args.rounds} rounds; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print(
        f"{'crawler':<22}{'pages':>8}{'responses':>11}{'s':>8}{'pages/s':>10}{'resp/s':>9}{'articles/s':>12}"
        f"{'peak RSS MB':>13}"
    )
    for name, row in (("bare scrapy", b), ("govscraper", g), ("govscraper --no-warc", n)):
        print(
            f"{name:<22}{row['pages']:>8.0f}{row['responses']:>11.0f}{row['elapsed']:>8.1f}{row['pages_s']:>10.1f}"
            f"{row['responses_s']:>9.1f}{row['articles_s']:>12.1f}{row['rss']:>13.0f}"
        )
    ratio = g["pages_s"] / b["pages_s"]
    print(
        f"govscraper / bare pages/s: {ratio:.2f}x (target >= 0.8x); peak RSS {g['rss']:.0f} MB (target <= 300 MB); "
        f"without WARC: {n['pages_s'] / b['pages_s']:.2f}x"
    )
    print(json.dumps({"bare": b, "govscraper": g, "govscraper_no_warc": n, "ratio_pages_s": round(ratio, 3)}))


def urllib_open(url: str):
    import urllib.request

    return urllib.request.urlopen(url, timeout=30)


if __name__ == "__main__":
    main()
