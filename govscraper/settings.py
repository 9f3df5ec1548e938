"""Scrapy settings for govscraper: polite defaults for small government servers on the real web.

Crawls of the local replica (tests, demo, benchmark) relax the politeness with :data:`LOOPBACK_SETTINGS`;
nothing else differs between a test crawl and a real one.
"""

from __future__ import annotations

BOT_NAME = "govscraper"
VERSION = "0.1.0"
SPIDER_MODULES = ["govscraper.spiders"]
NEWSPIDER_MODULE = "govscraper.spiders"


#: The archivist's e-mail or URL, put in the User-Agent (``--contact``); empty: govscraper's project page. Set above
#: USER_AGENT (in a config file, the environment, -s), it rewrites USER_AGENT (see govscraper.config).
GOVSCRAPER_CONTACT = ""


def user_agent(contact: str | None = None) -> str:
    """An identifying User-Agent: who crawls, why, and how to reach the archivist running it.

    ``None``: the effective ``GOVSCRAPER_CONTACT`` (the user's config file, the environment; govscraper.config).
    """
    if contact is None:
        from govscraper.config import effective_value

        contact = effective_value("GOVSCRAPER_CONTACT")
    contact = contact or "see https://github.com/govscraper/govscraper"
    return f"govscraper/{VERSION} (archiving Vietnamese local-government news; contact: {contact})"


# Politeness ------------------------------------------------------------------------------------------------
USER_AGENT = user_agent(GOVSCRAPER_CONTACT)
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 0.5x-1.5x DOWNLOAD_DELAY

# Retries with exponential backoff (govscraper.middlewares.BackoffRetryMiddleware) -----------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # the failure is recorded in fetch_failures; not an error of the crawl
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
GOVSCRAPER_RETRY_BACKOFF = 2.0  # seconds before the first retry; doubled each time
GOVSCRAPER_RETRY_BACKOFF_MAX = 60.0
#: A host that has not answered once in this crawl and cannot be reached (DNS, refused, TLS, timeout) gets this
#: many quick retries, this many seconds apart (doubling), instead of the backoff above; when it is the portal (or
#: the Wayback Machine of a Wayback crawl), the crawl then ends at once as ``unreachable``.
GOVSCRAPER_UNREACHABLE_RETRIES = 2
GOVSCRAPER_UNREACHABLE_BACKOFF = 0.5

# Stopping (Ctrl-C, SIGTERM; govscraper.crawl.stopping) --------------------------------------------------------------
#: Seconds that requests already on the wire get to finish after the first Ctrl-C/SIGTERM before they are abandoned.
GOVSCRAPER_STOP_GRACE = 5.0

# Bounded downloads ------------------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # hard ceiling for any response
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
GOVSCRAPER_PAGE_MAXSIZE = 10 * 1024 * 1024  # an HTML page larger than this is recorded as a failure
GOVSCRAPER_IMAGE_MAXSIZE = 25 * 1024 * 1024
GOVSCRAPER_ATTACHMENT_MAXSIZE = 50 * 1024 * 1024

# Documents' text, read off the reactor (govscraper.files.offload) ---------------------------------------------------
#: Worker processes reading documents' text beside the crawl (0: in the crawl's own process, downloads waiting).
GOVSCRAPER_DOCUMENT_WORKERS = 2
#: Seconds one document may take: the reader stops between pages at 60% of it, keeping what it read; at 100% the
#: worker is killed (a reader stuck in C code too) and text_error says so. The file is archived either way.
GOVSCRAPER_DOCUMENT_TIMEOUT = 120.0
#: Bytes of memory (address space, RLIMIT_AS) a worker may use while reading one document; 0: no limit.
GOVSCRAPER_DOCUMENT_MEMORY = 1024 * 1024 * 1024
#: How much lower the workers' CPU priority is than the crawl's (nice), so that pages keep flowing on a busy machine.
GOVSCRAPER_DOCUMENT_NICE = 10
REDIRECT_MAX_TIMES = 10
MEDIA_ALLOW_REDIRECTS = True

# The archive ------------------------------------------------------------------------------------------------
#: The default of every command's --db (from the environment or the user's config file; see govscraper.config).
GOVSCRAPER_DB = "data/archive.db"
#: More registry files over the packaged one, paths separated by ``os.pathsep``; an entry with a packaged id
#: replaces it. Empty: the packaged registry only. Read before any archive is known: from the environment or the
#: user's config file.
GOVSCRAPER_REGISTRY = ""
#: Raw captures: every response, with its request, in WARC files (``--no-warc`` turns it off).
GOVSCRAPER_WARC = True
#: Where the WARC files go; empty: ``warc/`` beside the archive (``data/warc/``).
GOVSCRAPER_WARC_DIR = ""
#: A WARC file is closed and the next one begun past this size (Heritrix's default: 1 GB).
GOVSCRAPER_WARC_MAX_SIZE = 1024**3
#: full | incremental | resume | auto: auto is incremental once the portal has a finished crawl, else full.
GOVSCRAPER_MODE = "auto"
#: An incremental crawl stops walking a category after this many archived articles in a row (newest first).
GOVSCRAPER_INCREMENTAL_STOP = 10
#: The same on the generic path, in list pages: a list is followed (by its next page) until this many pages in a row
#: brought no article link that is not archived.
GOVSCRAPER_INCREMENTAL_KNOWN_PAGES = 1
#: govscraper check: how many archived articles one check revisits (0: all), the oldest checked first.
GOVSCRAPER_CHECK_SAMPLE = 0
#: An article missed by a check is recorded as removed only after misses on this many checks...
GOVSCRAPER_REMOVAL_CHECKS = 3
#: ...spanning at least this many days (servers throw transient 404s).
GOVSCRAPER_REMOVAL_DAYS = 7.0
#: A portal is quiet after this many days without a new article (and 3 times its usual gap between articles).
GOVSCRAPER_QUIET_DAYS = 14.0
#: Portal health alerts (govscraper.archive.health), sent once when a problem opens and once when it clears: a JSON
#: POST to this URL...
GOVSCRAPER_ALERT_WEBHOOK = ""
#: ...and/or an e-mail through this SMTP server (host:port), from and to these addresses (a list, or commas).
GOVSCRAPER_ALERT_SMTP = ""
GOVSCRAPER_ALERT_FROM = ""
GOVSCRAPER_ALERT_TO: list[str] = []
#: Seconds each send may take.
GOVSCRAPER_ALERT_TIMEOUT = 10.0
#: Where each portal's job state (lock, the run to resume) lives; empty: ``jobs/`` beside the archive.
GOVSCRAPER_JOBS_DIR = ""
#: The layout canary: a run whose article pages failed extraction above this share is flagged "layout-changed?".
GOVSCRAPER_CANARY_FAILURE_RATE = 0.2
#: Stop after this many article pages (0: no limit). For trying a portal out.
GOVSCRAPER_MAX_ARTICLES = 0
#: Hops through pages that are neither lists nor articles, for crawls of sites not in the registry.
GOVSCRAPER_GENERIC_MAX_DEPTH = 3

# Crawl scope and budgets (govscraper.crawl.scope, govscraper.crawl.budget) --------------------------------------------
#: Non-public networks (CIDR, or single addresses) that a crawl of a portal on the public web may still connect to,
#: e.g. ["10.1.2.0/24"] for an intranet mirror known by name. Empty: none (loopback, private, link-local and other
#: non-public addresses are refused unless the portal's own URL names such an address).
GOVSCRAPER_ALLOW_NETWORKS = []
#: Host name → IPv4 address for this crawl instead of DNS, like curl's --resolve: {"portal.example": "127.0.0.2"}.
#: The answers are checked like DNS answers (GOVSCRAPER_ALLOW_NETWORKS).
GOVSCRAPER_RESOLVE = {}
#: Scrapy's cached threaded resolver, with GOVSCRAPER_RESOLVE and the address rules applied to every connection.
TWISTED_DNS_RESOLVER = "govscraper.crawl.scope.GuardedResolver"
#: Budgets per crawl (0: none). They fit the largest real portal with room to spare: a provincial portal holds about
#: 100,000 articles, so a full crawl asks for about 100,000 article pages, some 10,000-20,000 list pages walked per
#: category and a few thousand other pages (under 150,000 pages), and with about three photos and a few documents per
#: article some 400,000 more requests (under 600,000 requests with robots.txt, sitemaps, retries and redirects).
#: A crawl that reaches a budget ends as "budget reached"; crawl --resume continues it with a fresh budget.
GOVSCRAPER_MAX_REQUESTS = 1_000_000
GOVSCRAPER_MAX_PAGES = 250_000
#: Links read from one page: article pages link to a few hundred pages (menus, related news), list pages to fewer;
#: the rest of a page with more is ignored, with a warning and a fetch_failures row saying how many.
GOVSCRAPER_MAX_LINKS_PER_PAGE = 2000
#: Sitemaps (robots.txt ``Sitemap:`` lines, /sitemap.xml) and RSS/Atom feeds (the registry's ``feeds``, feed links
#: on start pages) name articles too: read them in addition to following links. Costs one request for
#: /sitemap.xml on a portal without one (robots.txt is the one Scrapy fetches anyway).
GOVSCRAPER_SITEMAPS = True
#: Largest sitemap or feed, as sent and once decompressed (sitemaps.org's limit: 50 MB).
GOVSCRAPER_SITEMAP_MAXSIZE = 52_428_800
#: Sitemap files read per crawl (indexes and urlsets), and how deep sitemap indexes may nest below the first.
GOVSCRAPER_SITEMAP_MAX_FILES = 50
GOVSCRAPER_SITEMAP_MAX_DEPTH = 2
#: Progress display: a live line on a terminal, log lines elsewhere; seconds between updates.
GOVSCRAPER_PROGRESS = False
GOVSCRAPER_PROGRESS_INTERVAL = 10.0

ITEM_PIPELINES = {
    "govscraper.pipelines.clean.NormalizePipeline": 100,
    "govscraper.pipelines.validate.ValidatePipeline": 200,
    "govscraper.pipelines.media.ImagesPipeline": 300,
    "govscraper.pipelines.media.AttachmentsPipeline": 350,
    "govscraper.pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "govscraper.extensions.ArchiveRun": 100,
    "govscraper.extensions.Progress": 500,
}
DOWNLOADER_MIDDLEWARES = {
    # First of all: once a stop began (Ctrl-C, SIGTERM), nothing more is sent.
    "govscraper.crawl.stopping.StopMiddleware": 10,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "govscraper.middlewares.BackoffRetryMiddleware": 550,
    # Before the cache-less downloader: adds If-None-Match / If-Modified-Since to pages the archive holds.
    "govscraper.middlewares.ConditionalRequestMiddleware": 560,
    # Next to the downloader: sees every response as received, before decompression, redirects and retries.
    "govscraper.middlewares.WarcMiddleware": 950,
    # Wayback crawls only: photos and documents from the Internet Archive; before robots.txt (100) sees them.
    "govscraper.middlewares.WaybackMiddleware": 50,
    # Pages stay on the portal's site; a public portal never leads to loopback, private or link-local addresses.
    # After the Wayback rewrite (50), before robots.txt (100): a refused host's robots.txt is not asked for either.
    "govscraper.crawl.scope.ScopeMiddleware": 60,
    # Just before DownloaderStats (850): counts what is really sent, ends the crawl at GOVSCRAPER_MAX_REQUESTS/PAGES.
    "govscraper.crawl.budget.BudgetMiddleware": 840,
}

#: Config files and GOVSCRAPER_* environment variables (govscraper.config) for crawls Scrapy starts itself (scrapy
#: crawl, Scrapyd); govscraper's own commands apply the same layers in govscraper.crawl.process.scrapy_settings.
ADDONS = {"govscraper.config.SettingsAddon": 0}
#: Scrapy's HTTP/1.1 handler, with a way for a stop to abandon the downloads on the wire (govscraper.crawl.stopping).
DOWNLOAD_HANDLERS = {
    "http": "govscraper.crawl.stopping.StoppableDownloadHandler",
    "https": "govscraper.crawl.stopping.StoppableDownloadHandler",
}

#: Dropped articles are logged by their URL and reason (Scrapy's default dumps the whole item).
LOG_FORMATTER = "govscraper.logformatter.ArchiveLogFormatter"

# Both off, and their extensions not even imported (govscraper.config.UNUSED_EXTENSIONS).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens an HTTP control port by default; an archiver has no use for it
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Wayback crawls (``crawl ID --source wayback``) ----------------------------------------------------------------
#: live: the portal itself; wayback: its captures in the Internet Archive's Wayback Machine.
GOVSCRAPER_SOURCE = "live"
#: The Wayback Machine (its CDX server and ``id_`` addresses); tests point it at a local stand-in.
GOVSCRAPER_WAYBACK_URL = "https://web.archive.org"
#: The captures' date range, inclusive, as the CDX server takes it (YYYY ... YYYYMMDDhhmmss); empty: all.
GOVSCRAPER_WAYBACK_FROM = ""
GOVSCRAPER_WAYBACK_TO = ""
#: CDX lines per answer; more are asked for with the answer's resume key.
GOVSCRAPER_WAYBACK_CDX_LIMIT = 5000

#: Politeness towards the Internet Archive, applied to Wayback crawls (``--loopback`` still relaxes it). Its
#: published limit for the CDX API is 60 requests a minute averaged over 5 minutes (lower since, by clients'
#: reports), and an IP that keeps going through its 429 answers is blocked at the firewall for an hour, doubling
#: each time: one request at a time, one every 3 s at most, longer waits when it says so (Retry-After; a 429 also
#: slows every following request, see WaybackMiddleware), a few more retries.
WAYBACK_SETTINGS = {
    "CONCURRENT_REQUESTS": 4,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 3.0,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 3.0,
    "AUTOTHROTTLE_MAX_DELAY": 120.0,
    "GOVSCRAPER_RETRY_BACKOFF": 10.0,
    "GOVSCRAPER_RETRY_BACKOFF_MAX": 300.0,
    "RETRY_TIMES": 5,
    "DOWNLOAD_TIMEOUT": 120,
    "ROBOTSTXT_OBEY": True,
}

#: For crawls of govscraper's own replica on 127.0.0.1 (tests, demo, benchmark): no throttling, short timeouts.
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "GOVSCRAPER_RETRY_BACKOFF": 0.05,
    "GOVSCRAPER_RETRY_BACKOFF_MAX": 0.5,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 5,
}
