"""Crawl scope: pages come from the portal's own site, and nothing comes from addresses a public portal must not reach.

Earlier versions of govscraper followed any redirect or meta refresh, including to another host or port, and archived
what it found there as the portal's articles; the on-site check compared host names without ports; and a portal
could make the crawler fetch this machine or the local network by linking, redirecting or resolving there. Now:

* **Pages** (list, article and other pages, sitemaps, feeds, and every redirect or meta refresh they lead to) stay
  within the portal's scheme, host and port: those of its base URL and start URLs, of the registry's ``aliases``
  (same scheme and port as the base URL), and for a Wayback crawl those of the Wayback Machine. ``http`` on port 80
  and ``https`` on port 443 of one host count as one site, because portals redirect one to the other. A redirect
  that leaves the scope is not followed and is recorded in ``fetch_failures`` as ``off-site redirect to <url>``
  (with `` (meta refresh)`` for a meta refresh), under the URL that redirected.
* **Photos and documents** (``govscraper_kind`` image/attachment) may come from any http(s) host: portals serve
  them from CDNs and from the provincial portal's file servers.
* **Addresses** (:mod:`govscraper.addresses`): a crawl of a portal on the public web never connects to a loopback,
  private, link-local or otherwise non-public address, whether a URL spells it (``http://10.0.0.5/``,
  ``http://2130706433/``, ``localhost``) or DNS answers it. :class:`ScopeMiddleware` checks every request before it
  is sent (before robots.txt is asked for its host), resolving names through the installed resolver to give the
  reason; :class:`GuardedResolver` (``TWISTED_DNS_RESOLVER``) checks every answer again where connections get
  their address, so a name that changes its answer between the check and the connection (DNS rebinding) still
  cannot reach such an address. When the refused host is one the crawl cannot do without (the portal), the crawl
  ends as ``unreachable`` with the reason, as for a portal that does not answer.

``GOVSCRAPER_RESOLVE`` maps host names to IPv4 addresses for a crawl, as ``curl --resolve`` does (a portal crawled
from a known address, and the tests' public-looking names on 127.0.0.1); the mapped answers are checked like DNS
answers. ``GOVSCRAPER_ALLOW_NETWORKS`` lists non-public networks a public portal's crawl may still reach (an intranet
mirror known by name). Not covered: a crawl through an HTTP proxy (``http_proxy``), where the proxy resolves the
names of the sites; the proxy's own host is allowed, as the archivist configured it.

WARC imports (``import-warc``) send nothing over the network: pages are in scope by host (the files' hosts, any
scheme and port), and the address rules and budgets do not apply.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from govscraper.addresses import AddressPolicy, literal_address, parse_networks
from govscraper.files.sniff import NotAcceptable

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Requests that may go to any host: photos and documents (CDNs, file servers).
MEDIA_KINDS = frozenset(("image", "attachment"))


def origin(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) URL, the port made explicit; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


class Scope:
    """The origins a crawl's pages may come from (see the module's docstring).

    ``urls``: the portal's base URL first, then its start URLs and other configured sites (the Wayback Machine);
    ``aliases``: more host names of the portal, on the base URL's scheme and port. (A WARC import's pages are in
    scope by host alone: ``PortalSpider.on_site``.)
    """

    def __init__(self, urls: Iterable[str], aliases: Iterable[str] = ()):
        self.origins: set[tuple[str, str, int]] = set()
        first: tuple[str, str, int] | None = None
        for url in urls:
            found = origin(url)
            if found is not None:
                first = first or found
                self._add(found)
        if first is not None:
            for alias in aliases:
                self._add((first[0], alias.lower().rstrip("."), first[2]))

    def _add(self, found: tuple[str, str, int]) -> None:
        scheme, host, port = found
        self.origins.add(found)
        if _DEFAULT_PORTS.get(scheme) == port:  # http://h/ and https://h/: one site, one redirects to the other
            other = "https" if scheme == "http" else "http"
            self.origins.add((other, host, _DEFAULT_PORTS[other]))

    def allows(self, url: str) -> bool:
        found = origin(url)
        return found is not None and found in self.origins

    @property
    def hosts(self) -> set[str]:
        return {host for _, host, _ in self.origins}

    def describe(self) -> str:
        return ", ".join(sorted(f"{s}://{h}:{p}" for s, h, p in self.origins))


class OutOfScope(IgnoreRequest, NotAcceptable):
    """A request the crawl's scope refuses; the message is the reason kept in ``fetch_failures``.

    An IgnoreRequest, so Scrapy drops it quietly and calls the request's errback; a NotAcceptable too, so that
    :func:`.failures.describe_failure` (which every errback uses, the media pipelines' included) keeps the
    message word for word. ``source`` is the URL to record the failure under: the page that redirected.
    """

    def __init__(self, message: str, url: str, source: str | None = None):
        NotAcceptable.__init__(self, message)
        self.url = url
        self.source = source or url


class AddressRefused(DNSLookupError):
    """A DNS answer (or ``GOVSCRAPER_RESOLVE`` entry) that the crawl's address policy refuses; the message says why.

    A DNSLookupError, so that Twisted's resolver glue ends the lookup quietly (no traceback in the log) and the
    connection fails as for a name that does not resolve.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "refused"


#: The address policies of the crawls running in this process (one network crawl per process in practice). The
#: resolver is the process's, the policy each crawl's: an answer is refused when any running crawl refuses it.
_POLICIES: list[AddressPolicy] = []


def answer_refusal(host: str, answer: str) -> str | None:
    """Why a running crawl may not connect to ``answer`` for ``host``; None when every running crawl may."""
    for policy in _POLICIES:
        reason = policy.answer_refusal(host, answer)
        if reason:
            return reason
    return None


def resolve_map(values: dict[str, Any]) -> dict[str, str]:
    """``GOVSCRAPER_RESOLVE`` checked: host name → IPv4 address (the resolver Scrapy uses by default is IPv4-only).

    An entry that is not an IPv4 address is left out with an error in the log: the name is then resolved by DNS and
    its answer checked as usual, never connected to unchecked.
    """
    mapping: dict[str, str] = {}
    for name, value in (values or {}).items():
        address = literal_address(str(value))
        if address is None or address.version != 4:
            logger.error("GOVSCRAPER_RESOLVE: %r → %r is not an IPv4 address: left out", name, value)
            continue
        mapping[str(name).strip().lower().rstrip(".")] = str(address)
    return mapping


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """Scrapy's default resolver (threaded, cached), with ``GOVSCRAPER_RESOLVE`` and the address policy applied.

    Installed with ``TWISTED_DNS_RESOLVER``; every connection the downloader opens gets its address here, so the
    check cannot be bypassed by a name whose answer changes after :class:`ScopeMiddleware` looked it up. The policy
    is applied to cached answers too.
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float, mapping: dict[str, str] | None = None):
        super().__init__(reactor, cache_size, timeout)
        self.mapping = mapping or {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        mapping = resolve_map(settings.getdict("GOVSCRAPER_RESOLVE"))
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), mapping)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        mapped = self.mapping.get(name.lower().rstrip("."))
        found = defer.succeed(mapped) if mapped is not None else super().getHostByName(name, timeout)
        found.addCallback(self._checked, name)
        return found

    @staticmethod
    def _checked(answer: str, name: str) -> str:
        reason = answer_refusal(name, answer)
        if reason:
            raise AddressRefused(reason)
        return answer


class ScopeMiddleware:
    """Refuses, before anything is sent, page requests outside the crawl's scope and, for a portal on the public web,
    requests to non-public addresses (see the module's docstring).

    It sits after ``WaybackMiddleware`` (50), which rewrites a Wayback crawl's photos to the Wayback Machine, and
    before ``RobotsTxtMiddleware`` (100), so a refused host's robots.txt is not asked for either. A spider without a
    scope (not a govscraper spider) is left alone.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        #: The crawl's spider when it has a scope (a govscraper spider: ``on_site``, ``scope``, ``portal``).
        self.spider: Any = None
        self.policy = AddressPolicy(public=False)
        self.offline = False
        try:
            self.allowed = parse_networks(crawler.settings.getlist("GOVSCRAPER_ALLOW_NETWORKS"))
        except ValueError as error:
            raise ValueError(f"GOVSCRAPER_ALLOW_NETWORKS: {error}") from None
        #: host → why it is refused (None: allowed), for names whose DNS answer was checked in this crawl.
        self._checked: dict[str, str | None] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        scope = getattr(spider, "scope", None)
        portal = getattr(spider, "portal", None)
        if not isinstance(scope, Scope) or portal is None or not callable(getattr(spider, "on_site", None)):
            return
        self.spider = spider
        self.offline = bool(getattr(spider, "offline", False))
        if self.offline:
            return
        configured = scope.hosts | set(getattr(spider, "hosts", ())) | proxy_hosts(self.crawler)
        self.policy = AddressPolicy.for_hosts(portal.host, configured, self.allowed)
        if self.policy.public:
            _POLICIES.append(self.policy)
            logger.info("scope: pages from %s; no loopback, private or link-local address", scope.describe())

    def spider_closed(self, spider: Any) -> None:
        if self.policy in _POLICIES:
            _POLICIES.remove(self.policy)

    async def process_request(self, request: Request) -> None:
        if self.spider is None:
            return
        kind = request.meta.get("govscraper_kind")
        if kind not in MEDIA_KINDS and not _robots(request) and not self.spider.on_site(request.url):
            raise off_site(request)
        if self.offline or not self.policy.public:
            return
        host = (urlsplit(request.url).hostname or "").rstrip(".")
        reason = self.policy.literal_refusal(host)
        if reason is None and literal_address(host) is None:
            reason = await self._answer_refusal(host)
        if reason:
            self.refuse(request, reason)

    async def _answer_refusal(self, host: str) -> str | None:
        """Why the name's DNS answer is refused (looked up through the installed resolver), None if it is not.

        A lookup that fails is not a refusal: the download fails the same way and is reported as usual.
        """
        if host in self._checked:
            return self._checked[host]
        from twisted.internet import reactor  # the installed one

        try:
            answer = await maybe_deferred_to_future(reactor.resolve(host))
        except AddressRefused as refused:
            reason: str | None = str(refused)
        except Exception:  # no such name, no DNS: the download says so
            return None
        else:
            reason = self.policy.answer_refusal(host, answer)
        self._checked[host] = reason
        return reason

    def refuse(self, request: Request, reason: str) -> None:
        """Refuse the request; when its host is one the crawl cannot do without, end the crawl as unreachable."""
        spider = self.crawler.spider
        essential = getattr(spider, "essential_hosts", None)
        parts = urlsplit(request.url)
        kind = request.meta.get("govscraper_kind")
        if (
            kind not in MEDIA_KINDS
            and callable(essential)
            and (parts.hostname or "") in essential()
            and not self.crawler.stats.get_value("govscraper/unreachable")
        ):
            from govscraper.crawl.stopping import CrawlStopped, stop_crawl
            from govscraper.signals import fetch_failed

            # As BackoffRetryMiddleware.unreachable does: the reason once, then the crawl ends with it.
            self.crawler.stats.set_value(
                "govscraper/unreachable", f"could not reach {parts.scheme}://{parts.netloc}/: {reason}"
            )
            logger.warning("%s: the crawl ends", reason)
            self.crawler.signals.send_catch_log(
                fetch_failed, url=request.url, kind=kind or "page", error=reason, status=None, referer=None
            )
            stop_crawl(self.crawler, "unreachable")
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="unreachable"))
            raise CrawlStopped
        self.crawler.stats.inc_value("govscraper/refused_addresses")
        raise OutOfScope(reason, request.url)


def proxy_hosts(crawler: Crawler) -> set[str]:
    """The hosts of the HTTP proxies the archivist configured (``http_proxy``/``https_proxy``, when Scrapy's
    HttpProxyMiddleware uses them): the downloader connects to them, often on this machine, and must be let."""
    if not crawler.settings.getbool("HTTPPROXY_ENABLED", True):
        return set()
    from urllib.request import getproxies

    return {urlsplit(url).hostname or "" for scheme, url in getproxies().items() if scheme in ("http", "https")} - {""}


def _robots(request: Request) -> bool:
    """A robots.txt request of RobotsTxtMiddleware (its host is one a request in scope asked for)."""
    return bool(request.meta.get("dont_obey_robotstxt")) and "govscraper_kind" not in request.meta


def off_site(request: Request) -> OutOfScope:
    """The refusal of a page request outside the scope: a redirect or meta refresh that left it, or any other."""
    followed = request.meta.get("redirect_urls") or []
    if followed:
        how = " (meta refresh)" if (request.meta.get("redirect_reasons") or [None])[-1] == "meta refresh" else ""
        return OutOfScope(f"off-site redirect to {request.url}{how}", request.url, source=followed[-1])
    return OutOfScope(f"off-site request to {request.url}: not the portal's site", request.url)


__all__ = [
    "MEDIA_KINDS",
    "AddressRefused",
    "GuardedResolver",
    "OutOfScope",
    "Scope",
    "ScopeMiddleware",
    "answer_refusal",
    "off_site",
    "origin",
    "resolve_map",
]
