"""Slow per-file work off the crawl's reactor: documents' text is read in a bounded pool of worker processes.

Scrapy runs every callback, pipeline and download in one thread. Reading a document's text there (pypdf,
python-docx, openpyxl, odfpy: pure Python, up to :attr:`govscraper.files.documents.Limits.seconds` a file) stopped every
download until it was done: one 2,000-page PDF, or a hostile one, held the whole crawl for two minutes.

Why it is built the way it is:

* **Processes, not threads.** The readers are pure Python and hold the GIL. Measured (``benchmarks/offload.py
  --threads``, 2 shared cores): a reactor-like loop kept 32% of its throughput beside pypdf in a thread (64%
  beside openpyxl), with 5-7 ms stalls at every GIL hand-over (99.9th percentile), against 75% (89%) and
  0.3-0.4 ms beside the same reader in a process at nice 10. And a thread cannot be stopped at a time limit; a
  process can be killed.
* **pebble** (a well-kept pool library, one dependency, no C) gives what :mod:`concurrent.futures` lacks on
  Python 3.11: a per-task timeout that kills the worker running it (a reader stuck in C code is no exception)
  and cancelling a running task, each replaced by a fresh worker. Its futures are :mod:`concurrent.futures`
  ones, handed to the reactor with ``callFromThread``.
* **Bounded.** ``GOVSCRAPER_DOCUMENT_WORKERS`` workers (2), ``GOVSCRAPER_DOCUMENT_TIMEOUT`` seconds a document
  (120: the extractor's own deadline stops between pages at 60% of it and returns what was read; the worker is
  killed at 100%), ``GOVSCRAPER_DOCUMENT_MEMORY`` bytes of address space a worker (``RLIMIT_AS``, 1 GiB: past it
  the reader gets a MemoryError, or the worker dies and is replaced), at ``GOVSCRAPER_DOCUMENT_NICE`` (10) so a
  busy machine gives the crawl's own process the CPU first. Each outcome is a one-line ``text_error``; the file
  itself is archived either way. Documents waiting for a worker are held by articles still in the item
  pipelines, which Scrapy bounds (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``): a long queue slows the crawl, never
  exhausts memory.
* **Forked from a clean server, not from the crawl.** A fork of the crawling process would inherit its sockets,
  SQLite handles and threads. Workers come from multiprocessing's fork server instead: a process started fresh
  (spawned) with the first document, which imports the readers (and the crawling program's main module) once;
  each worker is a fork of it, ready in a few milliseconds, where a spawned worker imported them itself (0.3 s of
  CPU each, twice a crawl, again for each worker replaced after a kill). Measured on the test suite, which runs
  some 300 crawls of the replica: 627 s of CPU with spawned workers, 528 s with the fork server.
  Workers ask the kernel to kill them when their parent, the server, dies (``PR_SET_PDEATHSIG``), and the server
  exits when the crawl does, so even an aborted crawl (a second Ctrl-C, ``kill -9``) leaves none behind. They
  ignore SIGINT, as the server does: the crawl decides what a Ctrl-C stops. As with any such pool, the server
  imports the main module of the crawling program: a script that runs a crawl in its own process needs the usual
  ``if __name__ == "__main__":`` guard (``govscraper``, ``python -m govscraper``, ``scrapy crawl`` and Scrapyd's
  runner have it). This module imports Twisted only where the crawl's side needs it. If workers cannot start, the
  text is read in the crawl's process, with a warning.
* **Cancellable.** :meth:`DocumentReader.read` returns a Deferred whose cancellation cancels the task (a running
  one's worker is stopped); the attachments pipeline cancels every pending read when a stop begins, so a
  Ctrl-C never waits for a document. :meth:`DocumentReader.close` stops the workers when the crawl closes.

``GOVSCRAPER_DOCUMENT_WORKERS = 0`` reads in the crawl's own process, as before (blocking), for debugging and for
systems where processes cannot be started.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from govscraper.files.documents import DEFAULT_LIMITS, DocumentText, Limits, extract_document_text

if TYPE_CHECKING:
    from twisted.internet import defer

logger = logging.getLogger(__name__)

_MB = 1024 * 1024
#: The extractor's own deadline, as a share of the time limit: it stops between pages and keeps what it read,
#: before the kill at the limit would lose everything. What was read is then repaired and normalised: a twentieth of
#: the reading time for the replica's 2,000-page PDF, a fifth for its million-cell spreadsheet; 60% leaves room for
#: that on a busy machine.
COOPERATIVE_SHARE = 0.6
#: Documents a worker reads before it is replaced by a fresh one (a Python heap never shrinks back).
TASKS_PER_WORKER = 50
#: The readers a worker imports once, before its memory limit applies.
_READERS = ("pypdf", "docx", "openpyxl", "odf.opendocument", "odf.load", "striprtf.striprtf", "defusedxml.sax")
_PR_SET_PDEATHSIG = 1


class Unavailable(RuntimeError):
    """The pool could not start (no semaphores, no processes allowed here): read in the crawl's process instead."""


# --- in the worker ---------------------------------------------------------------------------------------------
def _die_with(crawl: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent, the fork server, dies (the server exits when the crawl
    does): an aborted crawl leaves no reader behind."""
    with contextlib.suppress(Exception):  # not Linux, or no libc: the pipe's EOF still ends an idle worker
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        os.kill(crawl, 0)
    except ProcessLookupError:  # the crawl died before the request: nobody is waiting for this worker
        os._exit(0)
    except OSError:
        pass


def start_worker(crawl: int, memory: int, nice: int) -> None:
    """A worker's first steps: tie its life to the crawl's, lower its priority, import (already done by the fork
    server, unless it could not), then cap its memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C at the terminal reaches the whole process group
    _die_with(crawl)
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    import importlib

    for name in _READERS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if memory:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def read_document(data: bytes, mime: str | None, filename: str | None, limits: Limits, memory: int) -> DocumentText:
    """:func:`extract_document_text` in a worker; an out-of-memory error names the limit that caused it."""
    result = extract_document_text(data, mime, filename, limits=limits)
    limit = f" (limit {memory // _MB} MB a document)"
    if memory and result.error and result.error.endswith("out of memory"):
        result = dataclasses.replace(result, error=result.error + limit)
    if memory and result.truncated and result.truncated.startswith("out of memory"):
        result = dataclasses.replace(result, truncated=result.truncated + limit)
    return result


# --- in the crawl ----------------------------------------------------------------------------------------------
def pool_failure(error: BaseException, seconds: float, memory: int) -> str:
    """The one-line ``text_error`` for a read that the pool, not the reader, ended."""
    from pebble import ProcessExpired

    if isinstance(error, FutureTimeout):
        return f"text extraction stopped: over the time limit of {seconds:g} s a document (the worker was killed)"
    if isinstance(error, ProcessExpired):
        code = error.exitcode
        how = f"exit status {code}"
        if code and code < 0:
            with contextlib.suppress(ValueError):
                how = f"killed by {signal.Signals(-code).name}"
        limit = f"; memory limit {memory // _MB} MB a document" if memory else ""
        return f"text extraction failed: the worker reading it died ({how}{limit})"
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"text extraction failed: {type(error).__name__}" + (f": {message}" if message else "")


def worker_context() -> Any:
    """multiprocessing's fork server, preloaded with the crawling program's main module, this module and the
    readers (see the module's docstring)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__, *_READERS])
    return context


def workers_first_pool(**options: Any) -> Any:
    """A pebble ``ProcessPool`` that stops its workers before it closes their channel.

    pebble 5.2 closes a pool's channel first, which unlinks the channel's locks (named POSIX semaphores: its fix for
    semaphores left behind, noxdafox/pebble#160), and only then stops the workers. A worker still starting when the
    pool stops (a crawl stopped just after its first document, as a SIGTERM does) can no longer open the locks:
    it dies with a ``FileNotFoundError`` traceback printed on the crawl's stderr. Stopping the workers first, once
    the pool's manager thread (which replaces workers) has ended, leaves no worker to start.
    """
    from pebble import ProcessPool

    class WorkersFirstPool(ProcessPool):
        def _stop_pool(self) -> None:
            # pebble's own parts (Pebble==5.2.3 is pinned); were they renamed, its own order applies as before.
            manager_loop = getattr(self, "_pool_manager_loop", None)
            workers = getattr(getattr(self, "_pool_manager", None), "worker_manager", None)
            if manager_loop is not None:
                manager_loop.join()
            if workers is not None:
                workers.force_stop_workers()
            super()._stop_pool()

    return WorkersFirstPool(**options)


class DocumentReader:
    """Reads documents' text for the attachments pipeline, in worker processes (see the module's docstring).

    ``workers=0`` reads in the calling process. The pool starts with the first document, so a crawl that meets
    none starts no process.
    """

    def __init__(self, workers: int = 2, seconds: float = 120.0, memory: int = 1024 * _MB, nice: int = 10):
        self.workers = max(0, workers)
        self.seconds = seconds
        self.memory = max(0, memory)
        self.nice = nice
        #: The extractor's own bounds in a worker: the defaults, with a deadline before the kill.
        self.limits = dataclasses.replace(DEFAULT_LIMITS, seconds=seconds * COOPERATIVE_SHARE)
        #: In the crawl's own process nothing can kill a read: its own deadline is the whole limit.
        self.inline_limits = dataclasses.replace(DEFAULT_LIMITS, seconds=seconds)
        self._pool: Any = None
        self._lock = threading.Lock()
        self._closed = False
        self._unavailable: str | None = None
        self._pending: set[Future] = set()

    @classmethod
    def from_settings(cls, settings: Any) -> DocumentReader:
        return cls(
            workers=settings.getint("GOVSCRAPER_DOCUMENT_WORKERS", 2),
            seconds=settings.getfloat("GOVSCRAPER_DOCUMENT_TIMEOUT", 120.0),
            memory=settings.getint("GOVSCRAPER_DOCUMENT_MEMORY", 1024 * _MB),
            nice=settings.getint("GOVSCRAPER_DOCUMENT_NICE", 10),
        )

    # The pool ---------------------------------------------------------------------------------------------
    def _started(self) -> Any:
        """The pebble pool, started on first use; :class:`Unavailable` if it cannot be (or was closed)."""
        with self._lock:
            if self._closed:
                raise Unavailable("the document reader is closed")
            if self._unavailable is not None:
                raise Unavailable(self._unavailable)
            if self._pool is None:
                try:
                    self._pool = workers_first_pool(
                        max_workers=self.workers,
                        max_tasks=TASKS_PER_WORKER,
                        initializer=start_worker,
                        initargs=(os.getpid(), self.memory, self.nice),
                        context=worker_context(),
                    )
                except (ImportError, OSError) as exc:  # no /dev/shm for semaphores, a sandbox without fork
                    self._unavailable = f"{type(exc).__name__}: {exc}"
                    logger.warning("document text is read in the crawl's process: no worker pool (%s)", exc)
                    raise Unavailable(self._unavailable) from None
            return self._pool

    def submit(self, data: bytes, mime: str | None, filename: str | None) -> Future:
        """Schedule one document in the pool; the future's result is a :class:`DocumentText`, or an exception
        :func:`pool_failure` describes (``TimeoutError``, ``ProcessExpired``), or ``CancelledError``."""
        pool = self._started()
        try:
            future = pool.schedule(
                read_document, args=(data, mime, filename, self.limits, self.memory), timeout=self.seconds
            )
        except RuntimeError as exc:  # pebble: the pool is broken (every worker died as it started)
            with self._lock:
                if self._unavailable is None and not self._closed:
                    self._unavailable = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    logger.warning("document text is read in the crawl's process: the worker pool broke (%s)", exc)
            raise Unavailable(str(exc)) from None
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def read(self, data: bytes, mime: str | None, filename: str | None) -> defer.Deferred[DocumentText]:
        """The document's text, as a Deferred that fires in the reactor thread and never fails, except with
        ``CancelledError`` when it is cancelled (which cancels the task: a running one's worker is stopped)."""
        from twisted.internet import defer  # here, not at the top: a worker imports this module, and needs no Twisted

        if self.workers == 0:
            return defer.succeed(extract_document_text(data, mime, filename, limits=self.inline_limits))
        try:
            future = self.submit(data, mime, filename)
        except Unavailable:
            if self._closed:
                return defer.fail(defer.CancelledError("the document reader is closed"))
            return defer.succeed(extract_document_text(data, mime, filename, limits=self.inline_limits))
        return self._deferred(future)

    def _deferred(self, future: Future) -> defer.Deferred[DocumentText]:
        from twisted.internet import defer, reactor

        result: defer.Deferred[DocumentText] = defer.Deferred(lambda _deferred: future.cancel())

        def settle(done: Future) -> None:
            if result.called:  # cancelled meanwhile: the Deferred already failed with CancelledError
                return
            if done.cancelled():
                result.errback(defer.CancelledError())
                return
            error = done.exception()
            if error is None:
                result.callback(done.result())
            elif isinstance(error, CancelledError):
                result.errback(defer.CancelledError())
            else:
                result.callback(DocumentText(None, None, pool_failure(error, self.seconds, self.memory)))

        future.add_done_callback(lambda done: reactor.callFromThread(settle, done))
        return result

    @property
    def pending(self) -> int:
        """Documents scheduled and not yet read."""
        return len(self._pending)

    def cancel_all(self) -> int:
        """Cancel every document waiting or being read (their workers are stopped); returns how many."""
        futures = [future for future in list(self._pending) if not future.done()]
        for future in futures:
            future.cancel()
        return len(futures)

    def close(self) -> None:
        """Cancel what is pending and stop the workers, killing any that do not stop (blocks up to a few
        seconds for a worker stuck in C code: call it from a thread, not the reactor)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        self.cancel_all()
        if pool is not None:
            pool.stop()
            pool.join()

    def worker_pids(self) -> list[int]:
        """The worker processes alive now (for tests and the benchmark)."""
        pool = self._pool
        if pool is None:
            return []
        manager = getattr(pool, "_pool_manager", None)
        workers = getattr(getattr(manager, "worker_manager", None), "workers", {})
        return [pid for pid, process in list(workers.items()) if process.is_alive()]


__all__ = [
    "COOPERATIVE_SHARE",
    "DocumentReader",
    "Unavailable",
    "pool_failure",
    "read_document",
    "start_worker",
    "worker_context",
    "workers_first_pool",
]
