"""Run one crawl of one portal in this process and report what it archived.

The CLI (``govscraper crawl``, ``govscraper demo``) and the benchmark go through :func:`run_crawl`. Twisted's
reactor runs once per process, so one process runs one crawl; tests and the benchmark start processes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscraper.archive.lookup import first_failure, run_status
from govscraper.archive.schema import ArchiveError, close_db, open_db
from govscraper.archive.writer import RESUMABLE_STATUSES
from govscraper.registry import Portal


@dataclass
class CrawlResult:
    """What a finished crawl did, read back from the archive's ``crawl_runs`` row and Scrapy's stats."""

    run_id: int | None
    status: str
    reason: str
    counts: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    #: Why the crawl fetched nothing: the portal could not be reached, or no page answered.
    start_failure: str | None = None
    #: The signal (SIGINT, SIGTERM) that stopped the crawl, if one did.
    stopped_by: int | None = None

    @property
    def elapsed(self) -> float:
        start, finish = self.stats.get("start_time"), self.stats.get("finish_time")
        return (finish - start).total_seconds() if start and finish else 0.0


def scrapy_settings(db: str | Path, overrides: dict[str, Any] | None = None) -> Any:
    """govscraper's Scrapy settings for a crawl into ``db``, every layer of :mod:`govscraper.config` applied.

    Lowest first: the defaults, the user's config file, the archive's config file, the environment, then
    ``overrides``: profiles (:class:`govscraper.config.Layered` values, and :func:`import_settings` merged in by
    :func:`run_import`) and the command line (bare values, and ``db`` itself). The layers are applied here once,
    so the add-on that applies them to ``scrapy crawl`` is turned off in the result.
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "govscraper.settings")
    from scrapy.settings import Settings

    from govscraper import config

    settings = Settings()
    settings.setmodule("govscraper.settings", priority="project")
    command_line = config.Layer(config.COMMAND_LINE, "command line", {"GOVSCRAPER_DB": str(db)})
    config.configure(settings, [command_line, *override_layers(overrides or {})])
    config.without_addon(settings)
    return settings


def override_layers(overrides: dict[str, Any]) -> list[Any]:
    """The layers of a command's overrides: a :class:`~govscraper.config.Layered` value says its own; the settings of
    a WARC import (all of :func:`import_settings` present) are a profile where they still hold its values; any other
    bare value is the command line."""
    from govscraper import config

    imported = import_settings()
    is_import = overrides.get("DOWNLOADER_MIDDLEWARES") == imported["DOWNLOADER_MIDDLEWARES"]
    layers = []
    for name, value in overrides.items():
        if isinstance(value, config.Layered):
            layers.append(config.Layer(value.priority, value.source, {name: value.value}))
        elif is_import and name in imported and value == imported[name]:
            layers.append(config.Layer(config.PROFILE, "profile import", {name: value}))
        else:
            layers.append(config.Layer(config.COMMAND_LINE, "command line", {name: value}))
    return layers


class _OneLine(logging.Filter):
    """Drop the traceback from a log record, and make it informational: robots.txt that cannot be fetched is
    expected on the web (the crawl goes on as if there were none), and a portal that cannot be reached at all is
    reported once, as the run's outcome."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.msg = f"{record.msg} (traceback omitted)"
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


#: Scrapy components that log a full traceback for network failures a crawl of the real web meets every day
#: (robots.txt unreachable); the reason is one line, and the page's own failure is recorded in fetch_failures.
_NOISY_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)


#: Scrapy's start-up and shut-down reports (versions, enabled components, overridden settings, the stats dump):
#: useful when debugging a crawl (``-v``), noise for an archivist watching one.
_CHATTY_LOGGERS = (
    "scrapy.utils.log",
    "scrapy.middleware",
    "scrapy.crawler",
    "scrapy.addons",
    "scrapy.statscollectors",
    "scrapy.extensions.logstats",
    "scrapy.core.engine",
)


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def quiet_chatty_loggers(verbose: bool) -> None:
    """Keep only warnings from Scrapy's chatty loggers (a filter: Scrapy's logging set-up resets their levels)."""
    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, _WarningsOnly)]:
            logger.removeFilter(old)
        if not verbose:
            logger.addFilter(_WarningsOnly())


def quiet_expected_tracebacks() -> None:
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OneLine) for f in logger.filters):
            logger.addFilter(_OneLine())


def check_can_crawl(portal: Portal, db: str | Path, overrides: dict[str, Any]) -> None:
    """Refuse, with a one-line reason, a crawl that cannot start: the portal is being crawled, or there is nothing
    to resume."""
    from govscraper.crawl.jobs import JobDir, jobs_directory

    settings = scrapy_settings(db, overrides)
    job = JobDir(jobs_directory(db, settings.get("GOVSCRAPER_JOBS_DIR")), portal.id)
    if job.is_locked():
        raise ArchiveError(f"a crawl of {portal.id} is already running (see {job.path})")
    if settings.get("GOVSCRAPER_MODE") == "resume":
        state = job.read_state()
        archive = open_db(db)
        try:
            status = run_status(archive, state.run_id) if state else None
        finally:
            close_db(archive)
        if status not in RESUMABLE_STATUSES:
            raise ArchiveError(
                f"nothing to resume for {portal.id}: its last crawl finished (run a crawl without --resume)"
            )


def _crawler_process(db: str | Path, overrides: dict[str, Any] | None, verbose: bool) -> Any:
    """Scrapy's process for crawls into ``db``, after checking the archive can be written (a clear reason early)."""
    from scrapy.crawler import CrawlerProcess

    close_db(open_db(db))
    quiet_chatty_loggers(verbose)
    process = CrawlerProcess(scrapy_settings(db, overrides))
    quiet_expected_tracebacks()
    return process


def run_crawl(
    portal: Portal,
    db: str | Path,
    overrides: dict[str, Any] | None = None,
    spider_args: dict[str, Any] | None = None,
    verbose: bool = False,
    resume_hint: str | None = None,
) -> CrawlResult:
    """Crawl ``portal`` into the archive at ``db`` and block until the crawl ends (or a signal stops it).

    ``verbose`` keeps Scrapy's start-up and shut-down reports, which are otherwise silenced. ``resume_hint`` is the
    command that continues this crawl, told when a second Ctrl-C aborts it.
    """

    from govscraper.spiders import spider_for_platform

    process = _crawler_process(db, overrides, verbose)
    spider_class = spider_for_platform(portal.platform)
    if (overrides or {}).get("GOVSCRAPER_SOURCE") == "wayback":
        from govscraper.spiders.wayback import wayback_spider

        spider_class = wayback_spider(spider_class)  # the portal's captures in the Internet Archive
    if (overrides or {}).get("GOVSCRAPER_MODE") == "check":
        from govscraper.spiders.check import check_spider

        spider_class = check_spider(spider_class)  # revisit the archived articles instead of walking the lists
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, portal=portal, **(spider_args or {}))
    hint = resume_hint or f"govscraper crawl {portal.id} --resume --db {db}"
    stopped_by = _start(process, lambda: hint)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return _result(db, stats, portal, stopped_by)


def _start(process: Any, resume_hint: Any) -> int | None:
    """Run the process's crawls to their end under govscraper's stop handling (:mod:`govscraper.crawl.stopping`);
    returns the signal that stopped them, if one did."""
    from govscraper.crawl.stopping import StopControl

    control = StopControl(process, resume_hint, grace=process.settings.getfloat("GOVSCRAPER_STOP_GRACE", 5.0))
    control.install()
    try:
        process.start(install_signal_handlers=False)
    finally:
        control.uninstall()
    return control.signum


def _result(db: str | Path, stats: dict[str, Any], portal: Portal, stopped_by: int | None = None) -> CrawlResult:
    run_id = stats.get("govscraper/run_id")
    archive = open_db(db)
    try:
        row = archive["crawl_runs"].get(run_id) if run_id else {}
        start_failure = None
        status = row.get("status") if row else None
        if status == "unreachable":
            start_failure = row.get("finish_reason")
        elif status == "finished" and not row.get("pages") and not row.get("pages_not_modified"):
            # Nothing answered (a 304 is the portal answering): the first failure says why.
            start_failure = first_failure(archive, run_id) or "no page could be fetched"
    finally:
        close_db(archive)
    return CrawlResult(
        run_id=run_id,
        status=status or "failed",
        reason=stats.get("finish_reason", "unknown"),
        counts=dict(row) if row else {},
        stats=stats,
        start_failure=start_failure,
        stopped_by=stopped_by,
    )


def import_settings() -> dict[str, Any]:
    """Settings of a WARC import: every answer comes from the files, so nothing of politeness or capture applies.

    No network (robots.txt is not asked for: the files' producer decided what to fetch), no retries (a stored 503
    stays a 503), no delay, no raw capture of the replayed answers (the imported files themselves are copied into
    the archive), no conditional requests, no sitemaps or feeds, and every page is read (mode ``full``).
    """
    from govscraper import settings as project

    middlewares = {
        **project.DOWNLOADER_MIDDLEWARES,
        # The files are the only source: no other source of pages (the Wayback Machine) has a say in an import.
        "govscraper.middlewares.WaybackMiddleware": None,
        "govscraper.middlewares.ConditionalRequestMiddleware": None,
        "govscraper.middlewares.WarcMiddleware": None,
        "govscraper.middlewares.WarcReplayMiddleware": 950,
    }
    return {
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "GOVSCRAPER_WARC": False,
        "GOVSCRAPER_MODE": "full",
        "GOVSCRAPER_SITEMAPS": False,  # the files decide what exists: no sitemap or feed is looked for
        "ROBOTSTXT_OBEY": False,
        "RETRY_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "GOVSCRAPER_MAX_ARTICLES": 0,
    }


def run_import(
    plan: list[tuple[Portal, list[str]]],
    index: Any,
    db: str | Path,
    overrides: dict[str, Any] | None = None,
    verbose: bool = False,
) -> list[tuple[Portal, CrawlResult]]:
    """Replay the indexed WARC files into the archive at ``db``, one run per portal of ``plan``, one after the other
    in this process (one SQLite writer at a time), and report each run."""
    from twisted.internet import defer

    from govscraper.spiders import spider_for_platform
    from govscraper.spiders.warcimport import warc_import_spider

    process = _crawler_process(db, {**import_settings(), **(overrides or {})}, verbose)
    crawlers: list[tuple[Portal, Any]] = []

    @defer.inlineCallbacks
    def run_all():  # type: ignore[no-untyped-def]
        for portal, hosts in plan:
            crawler = process.create_crawler(warc_import_spider(spider_for_platform(portal.platform)))
            crawlers.append((portal, crawler))
            yield process.crawl(crawler, portal=portal, warc_index=index, warc_hosts=hosts)
            if crawler.stats and crawler.stats.get_value("finish_reason") == "shutdown":
                break  # Ctrl-C or SIGTERM: the remaining portals are not started

    run_all().addErrback(lambda failure: logging.getLogger(__name__).error("import failed: %s", failure.value))
    stopped_by = _start(process, lambda: "run the same import-warc again (what was imported is kept, not doubled)")
    results = []
    for portal, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        results.append((portal, _result(db, stats, portal, stopped_by)))
    record_import_files(db, [r.run_id for _, r in results if r.run_id], index)
    return results


def record_import_files(db: str | Path, run_ids: list[int], index: Any) -> None:
    """Name the imported files in each run's row: ``warc_files`` (the copies) and ``settings.warc_import``; and keep
    every record the import skipped as an ``import_failures`` row (once per file, offset and error: importing the same
    file again adds none). Runs after the import ends, stopped or not, so what was found is never lost."""

    from govscraper.archive.writer import record_import
    from govscraper.middlewares import relative_to_archive

    files = [
        {"file": f.name, "path": str(f.path), "sha256": f.sha256, "size": f.size, "software": f.software}
        for f in index.files.values()
    ]
    copies = [relative_to_archive(f.source, str(db)) for f in index.files.values()]
    archive = open_db(db)
    try:
        record_import(archive.conn, run_ids, copies, files, list(getattr(index, "failures", [])))
    finally:
        close_db(archive)
