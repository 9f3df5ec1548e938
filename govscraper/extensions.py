"""Crawl-wide extensions: the run record in ``crawl_runs`` (with its failures), and the progress display."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task
from twisted.python.failure import Failure

from govscraper.archive.writer import archive_for
from govscraper.crawl.jobs import CrawlBusy, JobDir, jobs_directory, recover_warc
from govscraper.crawl.stopping import StoppedBeforeArchived, stopping
from govscraper.progress import ProgressLine
from govscraper.signals import article_unchanged, fetch_failed, list_announced

logger = logging.getLogger(__name__)

#: Settings worth keeping with a run, so a run's figures can be read in context later.
_RUN_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
    "GOVSCRAPER_MAX_ARTICLES",
    "GOVSCRAPER_MAX_REQUESTS",
    "GOVSCRAPER_MAX_PAGES",
    "GOVSCRAPER_MAX_LINKS_PER_PAGE",
)


#: Scrapy's count of answers by HTTP status (``downloader/response_status_count/429``).
_STATUS_STAT = "downloader/response_status_count/"


def run_status(reason: str) -> str:
    """How a Scrapy close reason reads in ``crawl_runs.status``."""
    if reason in ("finished", "closespider_itemcount", "closespider_pagecount"):
        return "finished"
    if reason in ("shutdown", "cancelled", "closespider_timeout"):
        return "interrupted"
    if reason == "unreachable":  # the portal (or the Wayback Machine) could not be talked to at all
        return "unreachable"
    if reason == "budget_reached":  # GOVSCRAPER_MAX_REQUESTS/PAGES (govscraper.crawl.budget): incomplete, resumable
        return "budget reached"
    return "failed"


class ArchiveRun:
    """The run's record: opens (or resumes) a ``crawl_runs`` row, records every failure, closes it with its counts.

    It also holds the portal's job lock for the life of the crawl, chooses the crawl mode (``GOVSCRAPER_MODE``:
    auto means incremental once the portal has a finished crawl, full before that; resume continues the run an
    interrupted crawl, or one that reached its budget (``budget reached``, govscraper.crawl.budget), left in the job
    directory), and at the end runs the layout canary: a crawl that recognised no article at all, or whose article
    pages failed extraction above ``GOVSCRAPER_CANARY_FAILURE_RATE``, is flagged ``layout-changed?`` in its row.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.job: JobDir | None = None
        self.mode = "full"
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.fetch_failed, signal=fetch_failed)
        crawler.signals.connect(self.article_unchanged, signal=article_unchanged)
        crawler.signals.connect(self.list_announced, signal=list_announced)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        portal = getattr(spider, "portal", None)
        if portal is None:
            raise NotConfigured("govscraper spiders carry a portal")
        settings = self.crawler.settings
        archive = archive_for(self.crawler)
        self.job = JobDir(jobs_directory(settings.get("GOVSCRAPER_DB"), settings.get("GOVSCRAPER_JOBS_DIR")), portal.id)
        try:
            self.job.acquire()
        except CrawlBusy as busy:
            self.job = None
            spider.refused = str(busy)
            logger.error("%s", busy)
            return
        requested = settings.get("GOVSCRAPER_MODE", "auto")
        state = self.job.read_state()
        run_id = None
        if requested == "resume":
            if state is not None and self._resumable(state.run_id, portal.id):
                run_id, self.mode = state.run_id, "resume"
                archive.interrupt_stale_runs(portal.id, keep=run_id)
                archive.continue_run(run_id, portal)
                self._recover_warc_files(portal.id, run_id)
            else:
                logger.warning("nothing to resume for %s: crawling it anew", portal.id)
                requested = "auto"
        if run_id is None:
            archive.interrupt_stale_runs(portal.id)
            if requested == "auto":
                self.mode = "incremental" if archive.has_finished_run(portal.id) else "full"
            else:
                self.mode = requested
            run_settings = {name: settings.get(name) for name in _RUN_SETTINGS}
            run_settings.update(getattr(spider, "source_settings", {}))  # a Wayback crawl: where, which dates
            run_id = archive.start_run(portal, spider.name, run_settings, mode=self.mode)
            if self.mode != "check":  # a check is not resumed, and leaves the state of a crawl to resume alone
                self.job.write_state(run_id, self.mode)
        # Also for full crawls: the requests for archived articles are revisits (see PortalSpider.mark_revisit).
        known_ids, known_urls = archive.known_articles(portal.id)
        spider.prepare(self.mode, known_ids, known_urls)
        self.crawler.stats.set_value("govscraper/run_id", run_id)
        self.crawler.stats.set_value("govscraper/mode", self.mode)
        logger.info(
            "run %s (%s): archiving %s (%s) into %s", run_id, self.mode, portal.id, portal.base_url, archive.path
        )

    def _resumable(self, run_id: int, portal_id: str) -> bool:
        """A run of this portal that did not finish: killed, stopped, or ended at its budget."""
        return archive_for(self.crawler).resumable(run_id, portal_id)

    def _recover_warc_files(self, portal_id: str, run_id: int) -> None:
        from govscraper.middlewares import warc_directory

        settings = self.crawler.settings
        directory = warc_directory(settings.get("GOVSCRAPER_DB"), settings.get("GOVSCRAPER_WARC_DIR"))
        for path in sorted(directory.glob(f"{portal_id}-{run_id:05d}-*.warc.gz")):
            records, cut = recover_warc(path)
            if records or cut:
                logger.info("recovered %s: %d records kept, %d bytes of a cut record removed", path.name, records, cut)
        archive = archive_for(self.crawler)
        dropped = archive.drop_dangling_captures(run_id, archive.path.resolve().parent)
        if dropped:
            logger.warning("%d captures of run %d pointed past the end of their WARC files: forgotten", dropped, run_id)

    def fetch_failed(
        self, url: str, kind: str, error: str, status: int | None = None, referer: str | None = None, **_: Any
    ) -> None:
        if stopping(self.crawler):
            # Cut short by the stop, or not fetched because of it: not the portal's failure; --resume fetches it.
            self.crawler.stats.inc_value("govscraper/not_fetched_stopping")
            return
        archive_for(self.crawler).record_failure(url, kind, error, status, referer)
        self.crawler.stats.inc_value("govscraper/failures")
        self.crawler.stats.inc_value(f"govscraper/failures/{kind}")

    def list_announced(
        self, key: str, url: str, total: int | None, last_page: int | None, per_page: int, **_: Any
    ) -> None:
        archive_for(self.crawler).record_list_count(key, url, total, last_page, per_page)

    def article_unchanged(self, url: str, **_: Any) -> None:
        archive_for(self.crawler).mark_unchanged(url)
        self.crawler.stats.inc_value("govscraper/articles_unchanged")

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        if isinstance(exception, StoppedBeforeArchived):
            self.crawler.stats.inc_value("govscraper/articles_left_for_resume")
            return
        self.crawler.stats.inc_value("govscraper/extraction_failures")
        self.fetch_failed(getattr(item, "url", "") or getattr(response, "url", ""), "article", str(exception))

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Failure) -> None:
        error = f"pipeline error: {failure.type.__name__}: {failure.getErrorMessage()}"
        self.fetch_failed(getattr(item, "url", "") or getattr(response, "url", ""), "article", error)

    def spider_error(self, failure: Failure, response: Any, spider: Spider) -> None:
        kind = response.meta.get("govscraper_kind", "page") if response is not None else "page"
        if kind == "article":
            self.crawler.stats.inc_value("govscraper/extraction_failures")
        error = f"could not parse: {failure.type.__name__}: {failure.getErrorMessage()}"
        self.fetch_failed(getattr(response, "url", ""), kind, error)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.job is None:
            return  # refused: another crawl of the portal holds the lock
        stats = self.crawler.stats
        counts = {
            "requests": stats.get_value("downloader/request_count", 0)
            - stats.get_value("govscraper/requests_dropped", 0),
            "responses": stats.get_value("downloader/response_count", 0),
            "bytes": stats.get_value("downloader/response_bytes", 0),
            "pages": stats.get_value("govscraper/pages", 0),
            "duration_s": stats.get_value("elapsed_time_seconds") or 0.0,
            "articles_seen": stats.get_value("govscraper/list_items", 0)
            + stats.get_value("govscraper/article_pages", 0),
            "pages_not_modified": stats.get_value("govscraper/not_modified", 0),
            "extraction_failures": stats.get_value("govscraper/extraction_failures", 0),
        }
        status = run_status(reason)
        # Only a crawl that ran its course can say the layout changed: a stopped one saw too little, and one that
        # never reached the portal saw nothing of its pages.
        alarm = (
            canary(
                counts,
                stats.get_value("govscraper/article_pages", 0),
                self.crawler.settings.getfloat("GOVSCRAPER_CANARY_FAILURE_RATE", 0.2),
            )
            if status == "finished" and self.mode != "check"  # a check reads no list: nothing to judge by
            else None
        )
        if status == "unreachable":  # the reason, in one line: which URL, and what failed (DNS, refused, TLS)
            reason = stats.get_value("govscraper/unreachable") or reason
        elif status == "budget reached":  # which budget, and how much of it was spent
            reason = stats.get_value("govscraper/budget") or reason
        archive = archive_for(self.crawler)
        archive.finish_run(status, reason, counts, alarm)
        archive.record_statuses(
            {key.rsplit("/", 1)[1]: n for key, n in stats.get_stats().items() if key.startswith(_STATUS_STAT)}
        )
        if status == "unreachable":
            archive.record_outage(reason)
        elif counts["responses"]:
            archive.end_outage()
        self._alert(archive, spider.portal.id)
        if alarm:
            logger.warning("layout-changed? %s", alarm)
        if status == "finished" and self.mode != "check":
            self.job.clear_state()

    def _alert(self, archive: Any, portal_id: str) -> None:
        """The portal's health after this run: alerts opened or cleared, sent where configured (never fatal)."""
        from govscraper.archive.health import Thresholds, figures, problems, update_alerts
        from govscraper.crawl.alerts import Channels, send_pending

        settings = self.crawler.settings
        limits = Thresholds(quiet_days=settings.getfloat("GOVSCRAPER_QUIET_DAYS", 14.0))
        try:
            found = problems(figures(archive.db.conn, portal_id), limits)
            channels = Channels.from_settings(settings)
            changes = update_alerts(archive.db.conn, portal_id, found, channels.configured)
            for change in changes:
                logger.info("alert %s: %s %s: %s", change.state, portal_id, change.kind, change.detail)
            send_pending(archive.db.conn, changes, channels)
        except Exception:  # health is a report on the run: it must never lose the run itself
            logger.exception("portal health could not be assessed after this run")

    def engine_stopped(self) -> None:
        # Closed last: other components (the WARC recorder) still write on spider_closed, after the run's counts.
        archive_for(self.crawler).close()
        if self.job is not None:
            self.job.release()


def canary(counts: dict[str, Any], article_pages: int, failure_rate: float) -> str | None:
    """Why this run looks like the portal's layout changed, or None when it looks healthy.

    A crawl that recognised no article at all (and got no 304 saying nothing changed) archived nothing silently;
    a crawl whose article pages mostly fail extraction reads pages it no longer understands.
    """
    if counts["articles_seen"] == 0 and counts["pages_not_modified"] == 0:
        return "no article recognised on any page (list markup changed, or the site moved?)"
    failures = counts["extraction_failures"]
    if article_pages and failures / article_pages > failure_rate:
        return (
            f"{failures} of {article_pages} article pages failed extraction "
            f"({failures / article_pages:.0%} > {failure_rate:.0%})"
        )
    return None


class Progress:
    """Pages, articles, failures and rate while a crawl runs: one live line on a terminal, log lines otherwise."""

    def __init__(self, crawler: Crawler, interval: float, stream: Any = None):
        self.crawler = crawler
        self.display = ProgressLine("crawl", stream)
        if not self.display.live:
            self.display.interval = interval
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("GOVSCRAPER_PROGRESS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("GOVSCRAPER_PROGRESS_INTERVAL", 10.0))

    def line(self) -> str:
        stats = self.crawler.stats
        responses = stats.get_value("downloader/response_count", 0)
        articles = sum(stats.get_value(f"govscraper/articles_{k}", 0) for k in ("new", "updated", "unchanged"))
        return (
            f"{responses} responses ({stats.get_value('govscraper/pages', 0)} pages), {articles} articles "
            f"({stats.get_value('govscraper/articles_new', 0)} new), "
            f"{stats.get_value('govscraper/images_downloaded', 0)} images, "
            f"{stats.get_value('govscraper/failures', 0)} failures, {responses / self.display.elapsed:.1f} responses/s"
        )

    def report(self) -> None:
        self.display.show(self.line())

    def spider_opened(self, spider: Spider) -> None:
        self.display.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(min(self.display.interval, 1.0), now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.display.done(self.line())
