"""``govscraper import-warc`` on hostile and damaged WARC files: bounded memory, one bad record skipped.

Every case of ``tests/helpers/hostile_warc.py`` is built here, in the test, and imported as a user imports it, in a
process of its own whose peak memory is measured (``tests/helpers/measured.py``). Each must end with exit status 4
(imported, but a record was skipped), one warning line naming the file, the offset and (when its headers say one) the
URL of the bad record, one ``import_failures`` row at that offset, both normal articles around it archived, and a peak
RSS under 300 MB however large the hostile record claims or inflates to be. Time is reported (a table of the cases is
written at the end of the module, for the README), never asserted: on a shared machine it says nothing about the code.

The last case is govscraper's own WARC of a hostile site: a crawl of a local server whose page is a gzip bomb, which
the crawl refuses but records as received; the import of that WARC must refuse it too.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import zlib
from pathlib import Path

import pytest
import sqlite_utils

from govscraper.sources.warc_reader import decode_body
from govscraper_replica import ReplicaServer, build_site
from tests.helpers import hostile_warc as hostile
from tests.helpers import warc_samples as samples
from tests.helpers.cli import run_cli
from tests.helpers.hostile_site import show_table
from tests.helpers.measured import Measured, run_measured

REGISTRY = (
    '[[portal]]\nid = "qni-hostile"\nname = "Cổng thông tin điện tử huyện Mộ Đức (lưu trữ)"\nprovince = "Quảng Ngãi"\n'
    'level = "huyện"\nbase_url = "http://moduc.replica.test/"\nplatform = "liferay62"\nstatus = "offline"\n'
    "offline_since = 2025-07-01\n"
)
#: The bound this work is about: the import process's peak resident memory, whatever the file.
PEAK_MB = 300
#: A run that hangs is stopped here (a safety net, not a measurement).
SAFETY_TIMEOUT = 900


@pytest.fixture(scope="module")
def site():
    return build_site(articles=10, seed=2024)


@pytest.fixture(scope="module")
def articles(site):
    """Three articles with photos: before the hostile record, after it, and the one whose URL it takes."""
    chosen = [a for a in site.manifest()["articles"] if a["images"]][:3]
    assert len(chosen) == 3
    return chosen


@pytest.fixture(scope="module")
def pages(site, articles):
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        fetched = {a["url"]: samples.fetch(server.url, a["url"]) for a in articles}
        wanted = [item["url"] for article in articles[:2] for item in [*article["images"], *article["attachments"]]]
        media = [samples.fetch(server.url, path) for path in dict.fromkeys(wanted)]  # a photo two articles show: once
    before, after, third = (fetched[a["url"]] for a in articles)
    return hostile.Pages(before=before, after=after, media=media, third=third)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    path = tmp_path_factory.mktemp("registry") / "portals.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def table(request):
    """The cases' figures, shown at the end of the module and appended to ``GOVSCRAPER_HOSTILE_TABLE``, if set
    (:func:`tests.helpers.hostile_site.show_table`)."""
    rows: list[str] = []
    yield rows
    lines = [
        "| case | what it is | file size | peak RSS | seconds | outcome |",
        "|---|---|---:|---:|---:|---|",
        *rows,
    ]
    if rows:
        show_table(request, "hostile cases (WARC files)", lines)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB"


def _report(table: list[str], case_id: str, description: str, size: str, run: Measured, error: str) -> None:
    row = (
        f"| {case_id} | {description} | {size} | {run.peak_mb:.0f} MB | {run.seconds:.1f} | "
        f"{_outcome(run)}: {error.replace('|', '/')} |"
    )
    print(row)
    table.append(row)


def _outcome(run: Measured) -> str:
    summary = next((line for line in reversed(run.stdout.splitlines()) if line.startswith("import: ")), "")
    counts = summary.removeprefix("import: ").split(" (see")[0].replace(" in 1 file", "")
    return f"exit {run.returncode}, {counts}"


def import_measured(*args: str | Path, registry: Path | None = None) -> Measured:
    env = {"GOVSCRAPER_REGISTRY": str(registry)} if registry is not None else None
    return run_measured("import-warc", *map(str, args), env=env, timeout=SAFETY_TIMEOUT)


def _warnings(run: Measured) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("warning: ")]


def _archived(db_path: Path, url: str) -> dict | None:
    db = sqlite_utils.Database(db_path)
    try:
        return next(db["articles"].rows_where("url = ?", [url]), None)
    finally:
        db.conn.close()


def _failures(db_path: Path) -> list[dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return list(db["import_failures"].rows_where(order_by="id"))
    finally:
        db.conn.close()


@pytest.mark.parametrize("case", hostile.CASES, ids=[case.id for case in hostile.CASES])
def test_a_hostile_record_costs_only_itself(case, tmp_path, pages, articles, registry, table):
    """The import finishes with status 4, names the bad record once, keeps the records before and after it, records
    the failure at its offset, and stays under the memory bound."""
    if case.id == "brotli-bomb":
        pytest.importorskip("brotli")  # requirements pin it; without it a br body is left to Scrapy's own decoding
    built = case.build(tmp_path, pages)
    db_path = tmp_path / "archive.db"
    run = import_measured(built.path, "--db", db_path, registry=registry)
    rows = _failures(db_path)
    _report(table, case.id, case.description, _size(built.path), run, rows[0]["error"] if rows else "no failure row")

    assert run.returncode == 4, run.stderr[-3000:]
    warnings = _warnings(run)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"warning: {built.path.name}: ")
    assert f"offset {built.offset}" in warnings[0]
    assert built.error in warnings[0]
    if built.url:
        assert f"({built.url})" in warnings[0]
    assert run.stdout.splitlines()[-1].endswith("1 skipped (see the table import_failures)")
    assert [(r["warc_file"], r["offset"]) for r in rows] == [(built.path.name, built.offset)]
    assert built.error in rows[0]["error"]
    assert rows[0]["warc_sha256"] == hashlib.sha256(built.path.read_bytes()).hexdigest()
    assert rows[0]["url"] == built.url
    for article in articles[:2]:  # the article before the bad record, and the one after it
        row = _archived(db_path, samples.BASE + article["url"])
        assert row is not None, article["url"]
        assert (row["title"], row["origin"]) == (article["title"], "warc")
    assert _archived(db_path, samples.BASE + articles[2]["url"]) is None
    assert run.peak_mb < PEAK_MB


def test_reimport_adds_no_failure_row(tmp_path, pages, registry):
    """Failures found while reading (garbage) and while answering (a bomb) are kept once per file, offset and error:
    the same files imported again add no row, no article; the status still says records were skipped."""
    garbage = next(c for c in hostile.CASES if c.id == "garbage").build(tmp_path, pages)
    bomb = next(c for c in hostile.CASES if c.id == "gzip-bomb").build(tmp_path, pages)
    db_path = tmp_path / "archive.db"
    first = import_measured(garbage.path, bomb.path, "--db", db_path, registry=registry)
    assert first.returncode == 4, first.stderr[-3000:]
    assert len(_warnings(first)) == 2
    before = _failures(db_path)
    assert sorted((r["warc_file"], r["offset"]) for r in before) == sorted(
        [(garbage.path.name, garbage.offset), (bomb.path.name, bomb.offset)]
    )
    second = import_measured(garbage.path, bomb.path, "--db", db_path, registry=registry)
    assert second.returncode == 4, second.stderr[-3000:]
    assert "0 new, 0 updated, 2 unchanged" in second.stdout
    assert _failures(db_path) == before


def test_own_warc_of_a_hostile_site(tmp_path, site, registry, table):
    """govscraper's own WARC of a crawl of a site serving a gzip bomb (recorded as received, 1 MB that inflates to
    1 GiB; 8 KB in the .warc.gz), imported into a fresh archive as the README suggests: the bomb is refused, the
    articles captured before and after it are archived."""
    manifest = site.manifest()
    crawled = tmp_path / "crawl" / "archive.db"
    with (
        ReplicaServer(site, host="127.0.0.1", port=0) as replica,
        hostile.HostileSite(replica, after=manifest["articles"][4]["url"]) as server,
    ):
        # One request at a time: the same order every run, so that articles come before and after the bomb.
        crawl = run_cli("crawl", "--url", server.url, "--db", str(crawled), "-s", "CONCURRENT_REQUESTS=1")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    bomb_url = server.url.rstrip("/") + hostile.BOMB_PATH
    source = sqlite_utils.Database(crawled)
    bomb = next(source["captures"].rows_where("url = ?", [bomb_url]))
    article_urls = [r["url"] for r in source["articles"].rows]
    assert len(article_urls) == len(manifest["articles"])
    offsets = {r["url"]: r["offset"] for r in source["captures"].rows_where("warc_file = ?", [bomb["warc_file"]])}
    assert min(offsets[u] for u in article_urls) < bomb["offset"] < max(offsets[u] for u in article_urls)
    warcs = sorted((crawled.parent / "warc").glob("*.warc.gz"))
    name = Path(bomb["warc_file"]).name

    fresh = tmp_path / "fresh" / "archive.db"
    run = import_measured(*warcs, "--db", fresh)
    rows = _failures(fresh)
    what = "govscraper's own WARC of a crawl of a site whose page is a 1 MB gzip bomb (1 GiB inflated)"
    error = rows[0]["error"] if rows else "no failure row"
    _report(table, "own-crawl-bomb", what, _size(crawled.parent / bomb["warc_file"]), run, error)
    assert run.returncode == 4, run.stderr[-3000:]
    warnings = _warnings(run)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"warning: {name}: skipped the response record at offset {bomb['offset']} ")
    assert f"({bomb_url})" in warnings[0]
    assert "response too large: over the limit of 10485760 bytes once decoded (gzip)" in warnings[0]
    assert [(r["warc_file"], r["offset"], r["url"]) for r in rows] == [(name, bomb["offset"], bomb_url)]
    imported = sqlite_utils.Database(fresh)
    assert sorted(r["url"] for r in imported["articles"].rows) == sorted(article_urls)
    assert run.peak_mb < PEAK_MB


# The builder and the decoder's leniency, in this process -----------------------------------------------------------


def test_builder_makes_what_it_says():
    """The repeated-chunk compression and the combined checksums give valid streams of the right bytes (checked on
    sizes small enough to inflate here; the cases use the same code at gigabytes)."""
    rng = random.Random(5)
    parts = [b"<html>", hostile.Repeat(b"ab\x00", 700_001), rng.randbytes(5000), hostile.Repeat(b" ", 3 << 20), b"."]
    plain = b"".join(hostile.pieces(parts))
    assert len(plain) == hostile.size_of(parts)
    assert gzip.decompress(hostile.gzip_bytes(parts)) == plain
    assert zlib.decompress(hostile.zlib_bytes(parts)) == plain
    assert hostile.crc32_of(parts) == zlib.crc32(plain)
    assert hostile.adler32_of(parts) == zlib.adler32(plain)
    brotli = pytest.importorskip("brotli")
    repeat = hostile.Repeat(b" ", 40 << 20)  # past the 16 chunks after which the compressed chunk is repeated
    encoded = hostile.brotli_bytes(repeat)
    assert len(encoded) < 1 << 20
    assert brotli.decompress(encoded) == b" " * len(repeat)


def test_decoding_is_lenient_where_warcio_is():
    """A body that does not have the coding its headers claim is passed on as it is; deflate comes with or without
    its zlib wrapper; a body stored de-chunked under its old Transfer-Encoding header is taken as it is."""

    class Source:
        def __init__(self, data: bytes):
            self.data = data

        def read(self, n: int) -> bytes:
            piece, self.data = self.data[:n], self.data[n:]
            return piece

    page = "<html><body>Mộ Đức</body></html>".encode() * 100
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    cases = [
        ([("Content-Encoding", "gzip")], page, True),  # says gzip, is not
        ([("Content-Encoding", "deflate")], zlib.compress(page), True),
        ([("Content-Encoding", "deflate")], raw_deflate.compress(page) + raw_deflate.flush(), True),
        ([("Transfer-Encoding", "chunked")], page, True),  # de-chunked by the producer
        ([("Content-Encoding", "compress")], page, False),  # not undone here: the header stays
    ]
    for headers, body, decoded in cases:
        assert decode_body(Source(body), headers, 10 << 20) == (page, decoded), headers
