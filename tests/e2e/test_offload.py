"""Documents' text read off the reactor: worker processes with time and memory limits, cancelled by a stop.

The pool is exercised directly (:class:`govscraper.files.offload.DocumentReader`) with real documents, hostile ones
included, and through real crawls of a replica that serves a 2,000-page PDF, a million-cell spreadsheet, a PDF
that keeps pypdf busy for minutes and a DOCX zip bomb (``add_heavy_documents``). Tests wait for events (a task
running, a worker gone, CPU time spent by a worker) and never measure the clock: pages/s with and without such
documents is ``benchmarks/offload.py``'s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import pytest
from pebble import ProcessExpired

from govscraper.files.documents import extract_document_text
from govscraper.files.offload import DocumentReader, pool_failure
from govscraper_replica import ReplicaServer, build_site
from govscraper_replica.sample_documents import add_heavy_documents, document_bytes, spinning_pdf
from tests.helpers.cli import ROOT, run_cli
from tests.helpers.crawl_process import CliProcess, read, run_status
from tests.helpers.documents import bomb_docx
from tests.helpers.waiting import wait_for

MB = 1024 * 1024


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tagged(tag: str) -> list[int]:
    """Processes whose environment holds ``GOVSCRAPER_TEST_TAG=tag``: a crawl and every process it started."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as environ:
                    if f"GOVSCRAPER_TEST_TAG={tag}".encode() in environ.read().split(b"\0") and alive(int(entry)):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def stuck_in_c() -> None:
    """Never returns, and no Python code runs again: SIGTERM is blocked and the wait is inside C (like a reader
    looping in a C extension)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    signal.sigwait({signal.SIGUSR2})


@pytest.fixture
def reader():
    made: list[DocumentReader] = []

    def make(**options) -> DocumentReader:
        made.append(DocumentReader(**options))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture(scope="module")
def ordinary():
    site = build_site(articles=12, seed=2022)
    return [document_bytes(doc) for doc in list(site.documents.values())[:3]], list(site.documents.values())[:3]


# -- the pool ------------------------------------------------------------------------------------------------------
def test_documents_are_read_in_limited_worker_processes(reader, ordinary):
    datas, docs = ordinary
    pool = reader(workers=2, seconds=60, memory=512 * MB, nice=10)
    futures = [pool.submit(data, doc.content_type, doc.file_name) for data, doc in zip(datas, docs, strict=True)]
    for future, data, doc in zip(futures, datas, docs, strict=True):
        assert future.result() == extract_document_text(data, doc.content_type, doc.file_name, limits=pool.limits)
    pids = pool.worker_pids()
    assert len(pids) == 2
    assert os.getpid() not in pids

    def address_space(pid: int) -> str:
        limits = Path(f"/proc/{pid}/limits").read_text()
        return next(line for line in limits.splitlines() if line.startswith("Max address space")).split()[3]

    for pid in pids:  # a worker that has read nothing yet may still be starting: its limit comes last
        wait_for(lambda pid=pid: address_space(pid) == str(512 * MB), f"worker {pid} limited to 512 MB")
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
    assert pool.limits.seconds == 36.0  # the reader's own deadline: 60% of the limit, before the kill
    pool.close()
    assert not any(alive(pid) for pid in pids)  # closed: no worker left


def test_a_document_over_the_time_limit_kills_its_worker_and_the_next_one_is_read(reader, ordinary):
    pool = reader(workers=1, seconds=2)
    hostile = pool.submit(spinning_pdf("x"), "application/pdf", "ho-so.pdf")  # ten seconds and more a page
    wait_for(lambda: hostile.running(), "the hostile PDF being read")
    (busy,) = pool.worker_pids()
    with pytest.raises(FutureTimeout) as timed_out:
        hostile.result()
    assert pool_failure(timed_out.value, 2, 0) == (
        "text extraction stopped: over the time limit of 2 s a document (the worker was killed)"
    )
    assert not alive(busy)
    datas, docs = ordinary
    assert pool.submit(datas[0], None, docs[0].file_name).result().text  # a fresh worker reads the next one


def test_a_worker_stuck_in_c_code_is_killed_at_the_time_limit(reader):
    pool = reader(workers=1, seconds=1)
    # The pool's own scheduling, with the reader's time limit, on a task no signal handler can interrupt.
    stuck = pool._started().schedule(stuck_in_c, timeout=pool.seconds)
    wait_for(lambda: stuck.running(), "the stuck task running")
    (busy,) = pool.worker_pids()
    with pytest.raises(FutureTimeout):
        stuck.result()
    assert not alive(busy)


def test_a_document_over_the_memory_limit_is_refused_with_the_limit(reader, ordinary):
    pool = reader(workers=1, seconds=120, memory=256 * MB)
    bomb = bomb_docx(45)  # 45 MB of XML, under the extractor's 50 MB: python-docx would need about 800 MB
    result = pool.submit(bomb, None, "bom.docx")
    try:
        text = result.result()
    except ProcessExpired as died:  # MemoryError outside Python's reach: the worker died, and says so
        message = pool_failure(died, 120, 256 * MB)
        assert message.startswith("text extraction failed: the worker reading it died (")
        assert message.endswith("; memory limit 256 MB a document)")
    else:
        assert text.text is None
        assert text.error == "DOCX too large to read: out of memory (limit 256 MB a document)"
    datas, docs = ordinary
    assert pool.submit(datas[0], None, docs[0].file_name).result().text  # the pool goes on


def test_cancelling_a_read_stops_its_worker(reader):
    pool = reader(workers=1, seconds=600)
    hostile = pool.submit(spinning_pdf("x"), "application/pdf", "ho-so.pdf")
    wait_for(lambda: hostile.running(), "the hostile PDF being read")
    (busy,) = pool.worker_pids()
    assert pool.cancel_all() == 1
    with pytest.raises(CancelledError):
        hostile.result()
    wait_for(lambda: not alive(busy), "the cancelled read's worker stopped")
    assert pool.pending == 0


#: Preloaded by the fork server of the process below (a module on its path): each worker, as soon as it is forked
#: and before it reads what its parent sent (the pool's channel and its locks), says it is there and waits until
#: it is asked to stop (SIGTERM), then goes on. Its start thus overlaps the pool's stop, as a worker's does when a
#: crawl is stopped just after its first document.
HELD_WORKER = """
import os, signal, threading

def hold():
    asked = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: asked.set())
    open(os.path.join(os.environ["HELD"], f"held-{os.getpid()}"), "w").close()
    asked.wait()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

os.register_at_fork(after_in_child=hold)
"""

STOP_WHILE_STARTING = """
import os
from govscraper.files import offload
from tests.helpers.waiting import wait_for
offload._READERS = (*offload._READERS, "held_worker")  # preloaded by the fork server with the readers
reader = offload.DocumentReader(workers=2)
reader.submit(b"%PDF-1.4", "application/pdf", "a.pdf")
wait_for(lambda: len([n for n in os.listdir(os.environ["HELD"]) if n.startswith("held-")]) == 2 or None, "workers")
reader.close()
"""


def test_workers_still_starting_when_the_pool_stops_end_quietly(tmp_path):
    """pebble closes the channel (unlinking its locks) before it stops the workers: a worker that read the channel
    only then died with a ``FileNotFoundError`` traceback on the crawl's stderr (seen after a SIGTERM). The pool
    stops its workers first."""
    (tmp_path / "held_worker.py").write_text(HELD_WORKER, encoding="utf-8")
    env = {**os.environ, "HELD": str(tmp_path), "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", STOP_WHILE_STARTING], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("held-*"))) == 2  # both workers were held, then stopped
    assert "Traceback" not in done.stderr, done.stderr


def test_where_no_pool_can_start_the_crawls_process_reads_with_a_warning(reader, ordinary, monkeypatch, caplog):
    from govscraper.files import offload

    def refused(**options):
        raise OSError(38, "Function not implemented")  # what sem_open says where /dev/shm is missing

    monkeypatch.setattr(offload, "workers_first_pool", refused)
    datas, docs = ordinary
    pool = reader(workers=2)
    got = []
    pool.read(datas[0], docs[0].content_type, docs[0].file_name).addCallback(got.append)
    assert got == [extract_document_text(datas[0], docs[0].content_type, docs[0].file_name)]
    assert "document text is read in the crawl's process: no worker pool" in caplog.text
    assert pool.worker_pids() == []


def test_without_workers_the_crawls_process_reads(reader, ordinary):
    datas, docs = ordinary
    pool = reader(workers=0)
    got = []
    pool.read(datas[0], docs[0].content_type, docs[0].file_name).addCallback(got.append)
    assert got == [extract_document_text(datas[0], docs[0].content_type, docs[0].file_name)]
    assert pool.worker_pids() == []


# -- crawls --------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def heavy():
    """A replica whose articles link, among their ordinary documents, one of each heavy or hostile kind."""
    site = build_site(articles=40, seed=5)
    documents = add_heavy_documents(site, 4)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        yield site, server, documents


def articles_linking(site, documents) -> dict[str, str]:
    """Heavy document URL path → the URL path of the article that links it."""
    return {doc.url: site.by_id[doc.article_id].url for doc in documents}


def test_heavy_and_hostile_documents_are_archived_with_the_reason_their_text_is_not(tmp_path, heavy):
    site, server, documents = heavy
    db_path = tmp_path / "archive.db"
    tag = uuid.uuid4().hex
    result = run_cli(
        "crawl", "--url", server.url, "--db", str(db_path), "--loopback", "-s", "GOVSCRAPER_DOCUMENT_TIMEOUT=4",
        env={"GOVSCRAPER_TEST_TAG": tag},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert tagged(tag) == []  # the crawl ended and left no worker behind
    assert read(db_path, "SELECT count(*) FROM fetch_failures")[0][0] == 0
    rows = {
        name: (data, method, error, text)
        for name, data, method, error, text in read(
            db_path, "SELECT filename, bytes, text_method, text_error, text FROM attachments"
        )
    }
    killed = (None, "text extraction stopped: over the time limit of 4 s a document (the worker was killed)", False)

    def nothing_read(method: str) -> tuple[str, str, bool]:
        return (method, "no text read within the limits (stopped after 2.4 s)", False)

    expected = {
        # Read for 60% of the limit, what was read kept; on a busy machine a page may still be in the reader's hands
        # when the limit comes, and the worker is killed (the reader's own stop: tests/unit/test_documents.py).
        # Under heavy load the reader may even reach the limit before its first page: no text, the limit named.
        "pdf-pages": {("pypdf", "text cut short: stopped after 2.4 s", True), killed, nothing_read("pypdf")},
        "xlsx-rows": {("openpyxl", "text cut short: stopped after 2.4 s", True), killed, nothing_read("openpyxl")},
        # One page takes longer than the whole limit: the worker is killed, nothing read.
        "pdf-spin": {killed},
        # Refused by its declared size before anything is inflated.
        "docx-bomb": {("python-docx", "DOCX too large to read: 200 MB of XML uncompressed (limit 50 MB)", False)},
    }
    for doc in documents:
        data, method, error, text = rows[doc.file_name]
        assert data == document_bytes(doc)  # the file itself is archived, whatever became of its text
        assert (method, error, bool(text)) in expected[doc.format], doc.file_name
    ordinary = [row for name, row in rows.items() if not name.startswith("nang-")]
    assert ordinary
    assert all(error is None and text for _, _, error, text in ordinary)
    archived = {url for (url,) in read(db_path, "SELECT url FROM articles")}
    assert {server.url.rstrip("/") + path for path in articles_linking(site, documents).values()} <= archived


def test_ctrl_c_while_documents_are_read_stops_without_waiting_for_them(tmp_path, heavy):
    site, server, documents = heavy
    db_path = tmp_path / "archive.db"
    tag = uuid.uuid4().hex
    # No time limit the test could wait out: only cancelling the reads can end this crawl soon.
    crawl = CliProcess(
        "crawl", "--url", server.url, "--db", str(db_path), "--loopback", "-s", "GOVSCRAPER_DOCUMENT_TIMEOUT=3600",
        env={"GOVSCRAPER_TEST_TAG": tag},
    )  # fmt: skip
    wait_for(
        lambda: any(cpu_seconds(pid) > 1.5 for pid in tagged(tag) if pid != crawl.process.pid),
        "a worker busy reading a heavy document",
        alive=lambda: crawl.alive,
        details=lambda: crawl.stderr[-3000:],
    )
    crawl.signal(signal.SIGINT)
    assert crawl.finish() == 130, crawl.stderr[-3000:]
    assert "Traceback" not in crawl.stderr
    assert tagged(tag) == []  # every worker stopped with the crawl
    assert run_status(db_path) == "interrupted"
    assert read(db_path, "SELECT count(*) FROM fetch_failures")[0][0] == 0  # a stop is no failure
    # Nothing archived half: an article is archived with its documents, or left whole for --resume.
    assert read(db_path, "SELECT count(*) FROM article_attachments WHERE attachment_sha256 IS NULL")[0][0] == 0
    archived = {url for (url,) in read(db_path, "SELECT url FROM articles")}
    linking = articles_linking(site, documents)
    left = [doc for doc in documents if server.url.rstrip("/") + linking[doc.url] not in archived]
    assert left, "the article whose document was being read is left for --resume"
