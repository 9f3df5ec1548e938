"""Responses that try the downloader's bounds, in a real crawl over loopback (the hostile suite's first cases).

These held before the hostile-input work and are kept here so that they stay held: compression bombs (gzip,
deflate, brotli) that inflate to 256 MiB (a page's limit is 10 MiB), a body that never ends, a Content-Length
of 8 GiB, a body that trickles a byte at a time, a photo of ten billion pixels, and a server that answers 503 to
every try. Each is recorded in ``fetch_failures`` with its reason, the ordinary article of the same list is
archived, and the crawl's peak memory stays bounded (the figure is printed in the table, asserted only as a
bound far above what a healthy crawl needs).
"""

from __future__ import annotations

from tests.helpers.hostile_site import BOMBS, OK_ARTICLE, TITLE, HostileSite, crawl, failures, rows

#: A healthy crawl of this site stays near 100 MB; a bomb decoded whole would need 256 MiB or more.
PEAK_BOUND_MB = 250


def crawl_case(site: HostileSite, case: str, tmp_path, *settings: str):
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/{case}/", db, *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    archived = [r["url"] for r in rows(db, "SELECT url FROM articles")]
    assert archived == [f"{site.portal.url}/{case}/{OK_ARTICLE}"]  # the list's ordinary article, and only it
    assert result.peak_mb < PEAK_BOUND_MB, result.peak_mb
    return db, result


def test_compression_bombs_are_cut_at_the_size_limit(site, table, tmp_path):
    # The bombs are made before the crawl asks for them: compressing 256 MiB three times takes seconds, many on a
    # busy machine (two suites beside each other), and the crawler would time out waiting for the server's work.
    for name in BOMBS:
        site.bomb(name)
    db, result = crawl_case(site, "bombs", tmp_path)
    recorded = {url.rsplit("-nen-", 1)[1].split("-")[0]: (kind, error) for url, kind, error in failures(db)}
    assert set(recorded) == set(BOMBS)
    for kind, error in recorded.values():
        assert kind == "article"
        assert error.startswith("response too large: "), error
        assert "over the limit of 10485760 bytes once decoded" in error, error  # the page limit, named
    for name in BOMBS:  # one crawl for the three: its figures are theirs together
        table.add(f"{name}-bomb", f"failure: {recorded[name][1]}", result.peak_mb, result.seconds)


def test_a_body_that_never_ends_is_cut_at_the_size_limit(site, table, tmp_path):
    db, result = crawl_case(site, "endless-body", tmp_path)
    ((url, kind, error),) = failures(db)
    assert (url.rsplit("/", 1)[1], kind) == ("bai-viet-khong-bao-gio-ket-thuc-5002.html", "article")
    assert error == "response too large: a body sent without Content-Length grew over the limit of 10485760 bytes"
    table.add("endless-body", f"failure: {error}", result.peak_mb, result.seconds)


def test_an_announced_length_over_the_limit_is_refused_before_the_body(site, table, tmp_path):
    db, result = crawl_case(site, "announced-huge", tmp_path)
    ((url, kind, error),) = failures(db)
    assert (url.rsplit("/", 1)[1], kind) == ("bai-viet-qua-lon-5003.html", "article")
    assert error == "response too large: Content-Length 8589934592 bytes, over the limit of 10485760 bytes"
    table.add("announced-huge", f"failure: {error}", result.peak_mb, result.seconds)


def test_a_body_that_trickles_ends_at_the_download_timeout(site, table, tmp_path):
    db, result = crawl_case(site, "slow", tmp_path, "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1")
    ((url, kind, error),) = failures(db)
    assert (url.rsplit("/", 1)[1], kind) == ("bai-viet-tai-rat-cham-5004.html", "article")
    assert error.startswith("timeout"), error
    table.add("slow", f"failure: {error} (DOWNLOAD_TIMEOUT=2, one retry)", result.peak_mb, result.seconds)


def test_a_pixel_bomb_photo_is_refused_and_its_article_archived(site, table, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/photo-bomb/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    titles = sorted(r["title"] for r in rows(db, "SELECT title FROM articles"))
    assert titles == sorted([TITLE, "Bài viết có ảnh quá lớn về số điểm ảnh"])
    ((url, kind, error),) = failures(db)
    assert (url, kind) == (f"{site.portal.url}/photo-bomb/anh/bom.png", "image")
    assert "decompression bomb" in error, error
    assert rows(db, "SELECT count(*) AS n FROM images")[0]["n"] == 0
    assert result.peak_mb < PEAK_BOUND_MB, result.peak_mb
    table.add("photo-bomb", f"failure: {error}", result.peak_mb, result.seconds)


def test_a_503_storm_is_retried_then_recorded(site, table, tmp_path):
    db, result = crawl_case(site, "storm", tmp_path)
    ((url, kind, error),) = failures(db)
    assert (url.rsplit("/", 1)[1], kind) == ("bai-viet-may-chu-qua-tai-5006.html", "article")
    assert error == "HTTP 503"
    tries = [path for path in site.portal.paths() if path.endswith("bai-viet-may-chu-qua-tai-5006.html")]
    assert len(tries) == 3  # the first try and RETRY_TIMES=2 retries (loopback: Retry-After capped at 0.5 s)
    table.add("storm", f"failure: {error} after {len(tries)} tries", result.peak_mb, result.seconds)
