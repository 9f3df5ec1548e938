"""Pages keep flowing while documents are read: the replica crawled with heavy and hostile documents beside the same
crawl without them, in the same run.

    .venv/bin/python benchmarks/offload.py [--articles 2000] [--heavy 4] [--rounds 3] [--inline] [--threads]

Starts two replicas (separate processes on 127.0.0.1) of the same site (``--articles``, seed 1): one as it is, one
with ``--heavy`` more documents attached to articles spread over it (``python -m govscraper_replica
--heavy-documents N``: a 2,000-page PDF, a spreadsheet of a million cells, a 330 KB PDF whose pages keep
pypdf busy for minutes, and a DOCX zip bomb, in turn). Then alternates rounds of ``govscraper crawl`` (default
settings: raw captures in WARC, document workers, the 120 s limit a document) of each, each into a fresh archive,
each in its own process, and prints per crawl, the median over the rounds of:

* pages/s while pages flowed: HTML pages captured divided by the time from the first to the last one (the WARC
  capture times in ``captures``), which is what a document read in the reactor used to stop;
* the longest time between two pages (a crawl stopped by a document shows it here);
* the whole run's duration, and the tail: from the last page to the end of the run (the crawl waiting for the last
  documents to be read, or cut at their limit);
* peak RSS (``wait4`` of the crawl process; Linux counts the worker processes it waited for in it);
* what became of each heavy document's text (``attachments.text_error``).

Target: pages/s with the heavy documents within 10% of pages/s without them.

``--inline`` adds one round of the heavy site with ``GOVSCRAPER_DOCUMENT_WORKERS=0`` (text read in the reactor, as
before the workers) to show what the workers are for. ``--threads`` first measures why the workers are processes:
how much of a reactor-like loop's throughput is left while a reader runs in a thread, or in a process at nice 10.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.processes import measure, start_replica  # noqa: E402


def categories_of(url: str) -> list[str]:
    import urllib.request

    with urllib.request.urlopen(url + "_replica/manifest.json", timeout=30) as manifest:
        return [category["slug"] for category in json.load(manifest)["categories"]]


def crawl_round(url: str, categories: list[str], workdir: Path, label: str, *options: str) -> dict[str, object]:
    registry = workdir / f"{label}.toml"
    registry.write_text(
        f'[[portal]]\nid = "qni-bench"\nname = "Bản sao để đo"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
        f'base_url = "{url}"\nplatform = "liferay62"\nstart_urls = {json.dumps(categories)}\nstatus = "live"\n',
        encoding="utf-8",
    )
    db_path = workdir / label / "archive.db"
    command = [sys.executable, "-m", "govscraper", "crawl", "qni-bench", "--db", str(db_path), "--loopback"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "GOVSCRAPER_PROGRESS=False", *options]
    _, rss = measure(command, env={"GOVSCRAPER_REGISTRY": str(registry)})
    db = sqlite_utils.Database(db_path)
    run = next(iter(db["crawl_runs"].rows))
    moments = sorted(
        datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        for (stamp,) in db.execute("SELECT warc_date FROM captures WHERE mime LIKE 'text/html%' AND status = 200")
    )
    ended = datetime.fromisoformat(run["finished_at"]).timestamp() if run.get("finished_at") else moments[-1]
    window = moments[-1] - moments[0]
    heavy = {
        name: error or f"read whole: {len(text or '')} characters"
        for name, error, text in db.execute(
            "SELECT filename, text_error, text FROM attachments WHERE filename LIKE 'nang-%' ORDER BY filename"
        )
    }
    return {
        "pages": len(moments),
        "window": window,
        "pages_s": len(moments) / window,
        "elapsed": run["duration_s"],
        "tail": max(0.0, ended - moments[-1]),
        "gap": max(later - earlier for earlier, later in itertools.pairwise(moments)),
        "articles": run["articles_new"],
        "failures": run["failures"],
        "rss": rss,
        "heavy": heavy,
    }


def summarise(rounds: list[dict[str, object]]) -> dict[str, object]:
    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in rounds)

    return {
        "pages": median("pages"),
        "pages_s": median("pages_s"),
        "window": median("window"),
        "elapsed": median("elapsed"),
        "tail": median("tail"),
        "gap": median("gap"),
        "rss": max(float(r["rss"]) for r in rounds),
        "failures": max(int(r["failures"]) for r in rounds),
        "heavy": rounds[-1]["heavy"],
        "each_pages_s": [round(float(r["pages_s"]), 1) for r in rounds],
        "each_rss": [round(float(r["rss"])) for r in rounds],
    }


# --- threads or processes ---------------------------------------------------------------------------------------
def _loop_rate(seconds: float = 3.0) -> tuple[float, float]:
    """A stand-in for the reactor: small pure-Python jobs (a JSON blob parsed), jobs/s and the 99.9th percentile of
    one job's time in ms (what a GIL hand-over adds)."""
    blob = json.dumps({"a": list(range(200))})
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        json.loads(blob)
        times.append(time.perf_counter() - started)
    times.sort()
    return len(times) / seconds, times[int(len(times) * 0.999)] * 1000


def _read_repeatedly(data: bytes, name: str, seconds: float, nice: int = 0) -> None:
    from govscraper.files.documents import extract_document_text

    if nice:
        os.nice(nice)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        extract_document_text(data, None, name)


def threads_or_processes() -> None:
    import multiprocessing

    from govscraper_replica.sample_documents import huge_xlsx, many_pages_pdf

    documents = {"PDF (150 pages)": (many_pages_pdf("a", 150), "a.pdf"), "XLSX": (huge_xlsx("a", 15_000), "a.xlsx")}
    alone = _loop_rate()
    print(f"\nreactor-like loop alone: {alone[0]:,.0f} jobs/s, p99.9 {alone[1]:.2f} ms")
    print(f"{'reader beside it':<34}{'jobs/s':>10}{'share':>8}{'p99.9 ms':>10}")
    spawn = multiprocessing.get_context("spawn")
    for label, (data, name) in documents.items():
        for how in ("thread", "process, nice 10"):
            if how == "thread":
                worker = threading.Thread(target=_read_repeatedly, args=(data, name, 4.0))
            else:
                worker = spawn.Process(target=_read_repeatedly, args=(data, name, 5.0, 10))
            worker.start()
            time.sleep(1.0)  # let the reader start (and a process import its libraries) before measuring
            rate, tail = _loop_rate()
            worker.join()
            print(f"{label + ', ' + how:<34}{rate:>10,.0f}{rate / alone[0]:>8.0%}{tail:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--heavy", type=int, default=4, help="heavy documents on the second replica (default 4)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--inline", action="store_true", help="add a round with the text read in the reactor")
    parser.add_argument("--threads", action="store_true", help="measure a reader in a thread vs in a process")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    options = [part for setting in args.settings for part in ("-s", setting)]

    if args.threads:
        threads_or_processes()
    plain_replica, plain_url = start_replica(args.articles)
    heavy_options = ["--heavy-documents", str(args.heavy)] if args.heavy else []
    heavy_replica, heavy_url = start_replica(args.articles, *heavy_options)
    try:
        categories = categories_of(plain_url)
        plain, heavy, inline = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            for number in range(args.rounds):
                plain.append(crawl_round(plain_url, categories, work, f"plain-{number}", *options))
                heavy.append(crawl_round(heavy_url, categories, work, f"heavy-{number}", *options))
            if args.inline:
                workers = ("-s", "GOVSCRAPER_DOCUMENT_WORKERS=0")
                inline.append(crawl_round(heavy_url, categories, work, "inline", *options, *workers))
    finally:
        for replica in (plain_replica, heavy_replica):
            replica.terminate()
            replica.wait(timeout=10)

    rows = [("without heavy documents", summarise(plain)), (f"with {args.heavy} heavy documents", summarise(heavy))]
    if inline:
        rows.append(("with them, read in the reactor", summarise(inline)))
    print(
        f"\nreplica: {args.articles} articles, seed 1; {args.rounds} rounds; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs" + (f"; {' '.join(args.settings)}" if args.settings else "")
    )
    print(
        f"{'crawl':<32}{'pages':>7}{'pages/s':>9}{'window s':>10}{'longest gap s':>15}{'run s':>8}{'tail s':>8}"
        f"{'peak RSS MB':>13}"
    )
    for label, row in rows:
        print(
            f"{label:<32}{row['pages']:>7.0f}{row['pages_s']:>9.1f}{row['window']:>10.1f}{row['gap']:>15.1f}"
            f"{row['elapsed']:>8.1f}{row['tail']:>8.1f}{row['rss']:>13.0f}   (rounds: {row['each_pages_s']} pages/s, "
            f"{row['each_rss']} MB)"
        )
    print("\nheavy documents (last round):")
    for name, outcome in rows[1][1]["heavy"].items():
        print(f"  {name:<32} {outcome}")
    ratio = rows[1][1]["pages_s"] / rows[0][1]["pages_s"]
    print(f"\npages/s with / without heavy documents: {ratio:.2f} (target >= 0.90)")
    print(json.dumps({"rows": dict(rows), "ratio": round(ratio, 3)}, default=str))


if __name__ == "__main__":
    main()
