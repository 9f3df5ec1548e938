"""Each portal's job directory: one crawl at a time, and what an interrupted crawl needs to be resumed.

``jobs/<portal>/`` beside the archive holds a lock (held by the crawling process for as long as it lives, released
by the kernel even when the process is killed) and ``state.json`` naming the run in progress and its mode. When a
crawl ends normally the state is removed; when it is killed, or stopped with SIGINT/SIGTERM, the state stays, and
``govscraper crawl ID --resume`` continues that run: same ``crawl_runs`` row, every list page walked again,
articles already archived skipped. Nothing is lost (what was not stored is fetched again) and nothing is stored
twice (articles are unique by URL and platform id, blobs by sha256).

A killed crawl may leave its last WARC file without an index and with a record cut short; :func:`recover_warc`
cuts the file back to its last complete record and writes the missing CDXJ index.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from govscraper.archive.warc import Capture, cdxj_line


class CrawlBusy(RuntimeError):
    """Another crawl of the same portal holds its job lock."""


def jobs_directory(db_path: str | Path | None, configured: str | None = None) -> Path:
    """``jobs/`` beside the archive (``data/jobs/``), or the configured folder."""
    if configured:
        return Path(configured)
    return Path(db_path or "data/archive.db").parent / "jobs"


@dataclass
class JobState:
    run_id: int
    mode: str
    pid: int


class JobDir:
    """The job directory of one portal."""

    def __init__(self, root: Path, portal_id: str):
        self.path = Path(root) / portal_id
        self._lock: IO[str] | None = None

    @property
    def state_file(self) -> Path:
        return self.path / "state.json"

    def acquire(self) -> None:
        """Take the portal's lock, or raise :class:`CrawlBusy` naming the process that holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        handle = (self.path / "lock").open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise CrawlBusy(f"a crawl of {self.path.name} is already running (pid {holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def is_locked(self) -> bool:
        """Whether some process holds the lock now (a crawl of the portal is running)."""
        if self._lock is not None:
            return True
        lock = self.path / "lock"
        if not lock.exists():
            return False
        with lock.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def read_state(self) -> JobState | None:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return JobState(run_id=int(data["run_id"]), mode=str(data["mode"]), pid=int(data.get("pid", 0)))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write_state(self, run_id: int, mode: str) -> None:
        """Written atomically (a temporary file renamed over the old one): a kill never leaves half a state."""
        self.path.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"run_id": run_id, "mode": mode, "pid": os.getpid()}), encoding="utf-8")
        temporary.replace(self.state_file)

    def clear_state(self) -> None:
        self.state_file.unlink(missing_ok=True)


def recover_warc(path: Path) -> tuple[int, int]:
    """Make a WARC file left by a killed crawl whole again: cut a trailing partial record, write its CDXJ index.

    Returns ``(records kept, bytes cut)``. A file that already has its index was closed properly and is left alone.
    """
    index = path.with_name(path.name + ".cdxj")
    if index.exists():
        return 0, 0
    size = path.stat().st_size
    good_end = 0
    captures: list[Capture] = []
    records = 0
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                record.content_stream().read()  # reading to the end proves the record (and its gzip member) whole
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                records += 1
                good_end = offset + length
                capture = _capture_of(record, path.name, offset, length)
                if capture is not None:
                    captures.append(capture)
        except Exception:  # the record cut short by the kill: everything before it stays
            pass
    if good_end < size:
        with path.open("r+b") as stream:
            stream.truncate(good_end)
    index.write_text("".join(sorted(map(cdxj_line, captures))), encoding="utf-8")
    return records, size - good_end


def _capture_of(record: Any, filename: str, offset: int, length: int) -> Capture | None:
    if record.rec_type not in ("response", "revisit"):
        return None
    headers = record.rec_headers
    http = record.http_headers
    mime = (http.get_header("Content-Type") or "").split(";")[0].strip().lower() if http else ""
    status = int(http.get_statuscode() or 0) if http else 0
    return Capture(
        url=headers.get_header("WARC-Target-URI"),
        warc_type=record.rec_type,
        warc_file=filename,
        offset=offset,
        length=length,
        record_id=headers.get_header("WARC-Record-ID"),
        request_offset=0,
        request_length=0,
        request_record_id="",
        warc_date=headers.get_header("WARC-Date"),
        status=status,
        mime=mime or None,
        payload_digest=headers.get_header("WARC-Payload-Digest") or "",
        payload_length=0,
        refers_to_record_id=headers.get_header("WARC-Refers-To"),
    )
