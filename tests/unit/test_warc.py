"""The WARC recorder on its own: records, digests, revisits, rollover, the CDXJ index, read back with warcio."""

from __future__ import annotations

import gzip
import json
import random

import pytest
from scrapy.http import HtmlResponse, Request, Response
from warcio.archiveiterator import ArchiveIterator

from govscraper.archive.warc import (
    Exchange,
    WarcRecorder,
    cdxj_line,
    payload_digest,
    raw_payload,
    record_payload,
    warc_timestamp,
)
from govscraper.middlewares import exchange_of

INFO = {"software": "govscraper/test", "isPartOf": "test run"}


def exchange(url: str, body: bytes, status: int = 200, headers=None) -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "govscraper/test"), ("Accept-Encoding", "gzip")],
        request_body=b"",
        status=status,
        reason="OK" if status == 200 else "Not Found",
        response_headers=headers or [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        body=body,
    )


def records(path):
    with path.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]


@pytest.fixture
def recorder(tmp_path):
    made = WarcRecorder(tmp_path / "warc", prefix="qni-test-00001", info=INFO)
    yield made
    made.close()


def test_a_file_starts_with_warcinfo_and_holds_response_and_request(recorder):
    capture = recorder.record(exchange("http://127.0.0.1/tin-tuc/a.html", "<p>Mộ Đức</p>".encode()))
    recorder.close()
    found = records(recorder.current)
    assert [r[0] for r in found] == ["warcinfo", "response", "request"]
    info = found[0][3].decode()
    assert "software: govscraper/test" in info
    assert "isPartOf: test run" in info
    assert found[0][2].protocol == "WARC/1.1"
    warcinfo = recorder.current.read_bytes()[: capture.offset]  # a gzip member of its own, before the response
    assert gzip.decompress(warcinfo).startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    _kind, url, headers, payload = found[1]
    assert (url, payload) == ("http://127.0.0.1/tin-tuc/a.html", "<p>Mộ Đức</p>".encode())
    assert headers.get_header("WARC-Payload-Digest") == payload_digest(payload) == capture.payload_digest
    assert headers.get_header("WARC-Record-ID") == capture.record_id
    assert found[2][2].get_header("WARC-Concurrent-To") == capture.record_id
    assert capture.warc_type == "response"
    assert capture.mime == "text/html"


def test_offsets_point_at_the_records(recorder):
    first = recorder.record(exchange("http://127.0.0.1/1", b"one"))
    second = recorder.record(exchange("http://127.0.0.1/2", b"two" * 1000))
    recorder.close()
    for capture, body in ((first, b"one"), (second, b"two" * 1000)):
        record, payload = record_payload(recorder.current, capture.offset)
        assert record.rec_headers.get_header("WARC-Record-ID") == capture.record_id
        assert payload == body
    # Each record is a gzip member of its own: its bytes alone decompress to one WARC record.
    with recorder.current.open("rb") as stream:
        stream.seek(second.offset)
        member = gzip.decompress(stream.read(second.length))
    assert member.startswith(b"WARC/1.1\r\n")
    assert b"\r\nWARC-Type: response\r\n" in member.split(b"\r\n\r\n")[0] + b"\r\n"


def test_an_identical_payload_becomes_a_revisit(recorder):
    first = recorder.record(exchange("http://127.0.0.1/anh?img_id=1", b"\x89PNG same bytes"))
    again = recorder.record(exchange("http://127.0.0.1/anh?img_id=2", b"\x89PNG same bytes"))
    other = recorder.record(exchange("http://127.0.0.1/anh?img_id=3", b"\x89PNG other bytes"))
    recorder.close()
    assert (first.warc_type, again.warc_type, other.warc_type) == ("response", "revisit", "response")
    assert again.refers_to_record_id == first.record_id
    revisit = next(r for r in records(recorder.current) if r[0] == "revisit")
    assert revisit[2].get_header("WARC-Refers-To") == first.record_id
    assert revisit[2].get_header("WARC-Refers-To-Target-URI") == "http://127.0.0.1/anh?img_id=1"
    assert revisit[2].get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert revisit[3] == b""  # no second copy of the bytes


def test_a_payload_archived_by_an_earlier_run_is_revisited_too(tmp_path):
    earlier = ("http://127.0.0.1/anh", "2026-01-01T00:00:00Z", "<urn:uuid:earlier>")
    recorder = WarcRecorder(tmp_path, "p", INFO, known_payload=lambda digest: earlier)
    capture = recorder.record(exchange("http://127.0.0.1/anh", b"bytes seen last month"))
    recorder.close()
    assert (capture.warc_type, capture.refers_to_record_id) == ("revisit", "<urn:uuid:earlier>")


def test_empty_bodies_are_never_revisits(recorder):
    kinds = [recorder.record(exchange(f"http://127.0.0.1/r{i}", b"", status=302)).warc_type for i in range(2)]
    assert kinds == ["response", "response"]


def test_files_roll_over_at_the_size_limit(tmp_path):
    recorder = WarcRecorder(tmp_path, "qni-test-00002", INFO, max_size=20_000)
    noise = random.Random(4)  # incompressible bodies, so the compressed file really grows
    captures = [recorder.record(exchange(f"http://127.0.0.1/{i}", noise.randbytes(12_000))) for i in range(6)]
    recorder.close()
    assert len(recorder.files) >= 3
    assert [p.name for p in recorder.files] == sorted(p.name for p in recorder.files)
    for path in recorder.files:
        assert records(path)[0][0] == "warcinfo"  # every file opens with its warcinfo
        assert path.with_name(path.name + ".cdxj").exists()
    by_file = {c.warc_file for c in captures}
    assert by_file == {p.name for p in recorder.files}


def test_the_cdxj_index_is_sorted_and_points_at_records(recorder):
    urls = ["http://127.0.0.1/z-last", "http://127.0.0.1/a-first", "http://127.0.0.1/m-middle"]
    captures = {url: recorder.record(exchange(url, url.encode())) for url in urls}
    recorder.close()
    lines = recorder.current.with_name(recorder.current.name + ".cdxj").read_text().splitlines()
    assert lines == sorted(lines)
    for line in lines:
        key, timestamp, fields = line.split(" ", 2)
        data = json.loads(fields)
        capture = captures[data["url"]]
        assert key.startswith("1,0,0,127)/")
        assert len(timestamp) == 14
        assert (int(data["offset"]), int(data["length"]), data["filename"]) == (
            capture.offset,
            capture.length,
            capture.warc_file,
        )
        assert data["digest"] == capture.payload_digest.removeprefix("sha1:")


def test_cdxj_line_of_a_revisit():
    from govscraper.archive.warc import Capture

    capture = Capture(
        "http://x.vn/a",
        "revisit",
        "f.warc.gz",
        10,
        20,
        "<urn:uuid:1>",
        30,
        40,
        "<urn:uuid:2>",
        "2026-11-28T02:03:05.983415Z",
        200,
        "image/jpeg",
        "sha1:ABC",
        5,
    )
    key, timestamp, fields = cdxj_line(capture).split(" ", 2)
    assert (key, timestamp) == ("vn,x)/a", "20261128020305")
    assert json.loads(fields)["mime"] == "warc/revisit"


def test_warc_dates_with_and_without_microseconds_give_the_same_cdxj_timestamp():
    assert warc_timestamp("2026-11-28T02:03:05.983415Z") == warc_timestamp("2026-11-28T02:03:05Z") == "20261128020305"


def test_exchange_of_a_scrapy_response_keeps_what_the_server_sent():
    request = Request("http://127.0.0.1/a.html", headers={"User-Agent": "govscraper/test"})
    body = gzip.compress("<p>Mộ Đức</p>".encode())
    response = HtmlResponse(
        "http://127.0.0.1/a.html",
        status=200,
        body=body,
        request=request,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
        },
    )
    made = exchange_of(request, response)
    assert made.body == body  # still gzip: as received, before decompression
    names = [name.lower() for name, _ in made.response_headers]
    assert "content-encoding" in names
    assert "transfer-encoding" not in names  # Twisted undid the chunking; the header would lie about the body
    assert ("User-Agent", "govscraper/test") in made.request_headers
    assert (made.status, made.reason, made.method) == (200, "OK", "GET")


def test_a_gzip_encoded_page_reads_back_decoded_or_raw(tmp_path):
    recorder = WarcRecorder(tmp_path, "p", INFO)
    page = "<p>Tổng kết năm 2021</p>".encode()
    body = gzip.compress(page)
    capture = recorder.record(
        exchange(
            "http://127.0.0.1/a",
            body,
            headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))],
        )
    )
    recorder.close()
    assert record_payload(recorder.current, capture.offset)[1] == page
    assert raw_payload(recorder.current, capture.offset)[1] == body


def test_non_http_responses_are_recorded_too(tmp_path):
    recorder = WarcRecorder(tmp_path, "p", INFO)
    request = Request("http://127.0.0.1/anh.jpg")
    response = Response("http://127.0.0.1/anh.jpg", status=404, body=b"", request=request)
    capture = recorder.record(exchange_of(request, response))
    recorder.close()
    assert (capture.status, capture.payload_length) == (404, 0)


def test_recover_cuts_a_record_left_half_written_and_indexes_the_rest(tmp_path):
    from govscraper.crawl.jobs import recover_warc

    recorder = WarcRecorder(tmp_path, "qni-test-00003", INFO)
    kept = [recorder.record(exchange(f"http://127.0.0.1/{i}", f"trang {i}".encode() * 500)) for i in range(3)]
    last = recorder.record(exchange("http://127.0.0.1/3", b"cut short" * 500))
    path = recorder.current
    recorder._out.close()  # the process was killed: no close(), no index
    data = path.read_bytes()
    path.write_bytes(data[: last.offset + last.length // 2])  # the last record only half written
    index = path.with_name(path.name + ".cdxj")
    assert not index.exists()

    records, cut = recover_warc(path)
    assert records == 1 + 2 * len(kept)  # warcinfo, then a response and a request per kept exchange
    assert cut == last.length // 2 + (last.offset - (kept[-1].request_offset + kept[-1].request_length))
    assert path.stat().st_size == kept[-1].request_offset + kept[-1].request_length
    lines = index.read_text().splitlines()
    assert sorted(json.loads(line.split(" ", 2)[2])["url"] for line in lines) == [
        f"http://127.0.0.1/{i}" for i in range(3)
    ]
    with path.open("rb") as stream:
        assert [r.rec_type for r in ArchiveIterator(stream, check_digests=True)].count("response") == 3
    assert recover_warc(path) == (0, 0)  # indexed now: left alone
