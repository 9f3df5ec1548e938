"""The gzip level of WARC records: warcio's level 9 against the levels govscraper writes (6, and 1 for payloads
compressed already), on the records of a real crawl of the replica.

Run from the project root:  .venv/bin/python benchmarks/warc_gzip.py [--articles 500] [--repeat 5]

``govscraper demo --articles N`` crawls the replica into a temporary archive (its WARC files as a crawl writes them);
every record is then read back uncompressed and gzipped again, one member per record as in the files, with each
strategy: ``warcio`` (level 9 for every record, what warcio's own writer does), ``govscraper`` (level 6, level 1
for a response whose payload is compressed already: images, PDFs, Office files, archives, gzip-encoded bodies),
level 6 for all, level 1 for all. Time: seconds to gzip every record of the crawl, median of ``--repeat`` passes
(zlib runs in C; this is the CPU a crawl's reactor thread spends). Size: the compressed records, in MB. Then the
HTML pages of tests/fixtures (real Liferay pages and pages built in other portals' layouts) at levels 9, 6 and 1,
since the replica's pages come from templates.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from govscraper.archive.warc import GZIP_LEVEL, GZIP_LEVEL_COMPRESSED, _precompressed, gzip_member  # noqa: E402


def crawl(folder: Path, articles: int) -> list[Path]:
    """The WARC files of a demo crawl of a replica of ``articles`` articles."""
    command = [sys.executable, "-m", "govscraper", "demo", "--db", str(folder / "archive.db")]
    done = subprocess.run([*command, "--articles", str(articles), "--port", "0"], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the demo crawl failed (exit {done.returncode}):\n{done.stderr}")
    return sorted((folder / "warc").glob("*.warc.gz"))


def records(paths: list[Path]) -> list[tuple[bytes, bool]]:
    """Every record uncompressed (one gzip member each), and whether its payload is compressed already."""
    out = []
    for path in paths:
        data = path.read_bytes()
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                headers = record.http_headers.headers if record.http_headers is not None else []
                precompressed = record.rec_type == "response" and _precompressed(headers)
                record.content_stream().read()
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                out.append((gzip.decompress(data[offset : offset + length]), precompressed))
    return out


STRATEGIES = {
    "warcio (9 for all)": lambda precompressed: 9,
    f"govscraper ({GZIP_LEVEL}, {GZIP_LEVEL_COMPRESSED} if compressed)": lambda precompressed: (
        GZIP_LEVEL_COMPRESSED if precompressed else GZIP_LEVEL
    ),
    f"{GZIP_LEVEL} for all": lambda precompressed: GZIP_LEVEL,
    "1 for all": lambda precompressed: 1,
}


def _timed(records: list[tuple[bytes, int]]) -> tuple[float, int]:
    start = time.perf_counter()
    size = sum(len(gzip_member(level, data)) for data, level in records)
    return time.perf_counter() - start, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="size of the replica crawled")
    parser.add_argument("--repeat", type=int, default=5, help="passes per strategy (the median counts)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        found = records(crawl(Path(folder), args.articles))
    text = sum(len(data) for data, pre in found if not pre)
    packed = sum(len(data) for data, pre in found if pre)
    print(
        f"{len(found):,} records of a crawl of {args.articles} articles, uncompressed: {text / 1e6:.1f} MB of text "
        f"(pages, headers, requests), {packed / 1e6:.1f} MB in responses whose payload is compressed already\n"
    )
    # Passes alternate between the strategies, so that a busy moment of the machine does not fall on one alone.
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in STRATEGIES}
    sizes: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, level_of in STRATEGIES.items():
            text_time, text_size = _timed([(data, level_of(pre)) for data, pre in found if not pre])
            packed_time, packed_size = _timed([(data, level_of(pre)) for data, pre in found if pre])
            timings[name].append((text_time, packed_time))
            sizes[name] = text_size + packed_size
    print("| levels | s, text | s, compressed payloads | s, all | MB | time vs warcio | size vs warcio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    first = next(iter(STRATEGIES))
    base = statistics.median(a + b for a, b in timings[first])
    for name in STRATEGIES:
        text_s = statistics.median(a for a, _ in timings[name])
        packed_s = statistics.median(b for _, b in timings[name])
        total = statistics.median(a + b for a, b in timings[name])
        print(
            f"| {name} | {text_s:.3f} | {packed_s:.3f} | {total:.3f} | {sizes[name] / 1e6:.2f} | {total / base:.2f}x | "
            f"{sizes[name] / sizes[first]:.3f}x |"
        )
    from tests.helpers import fixtures  # the built pages in the repository, the real ones beside the checkout

    pages = [path.read_bytes() for name in fixtures.SETS for path in fixtures.found(name)]
    print(f"\nBuilt and real pages of the fixtures ({len(pages)}, {sum(map(len, pages)) / 1e6:.2f} MB), alone:\n")
    print("| level | ms | MB |")
    print("|---|---:|---:|")
    for level in (9, GZIP_LEVEL, GZIP_LEVEL_COMPRESSED):
        passes = [_timed([(page, level) for page in pages]) for _ in range(max(args.repeat, 5))]
        print(f"| {level} | {statistics.median(t for t, _ in passes) * 1e3:.1f} | {passes[0][1] / 1e6:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
