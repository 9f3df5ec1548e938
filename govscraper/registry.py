"""The portal registry: which portals govscraper knows, on which platform, and where their news lists start.

Registry entries are data (``portals.toml`` in this package), so adding a portal is a few lines there and no
code. More registry files can be layered on top with the ``GOVSCRAPER_REGISTRY`` setting, from the environment or
the user's config file (paths separated by ``os.pathsep``; see govscraper.config); an entry there with an existing
id replaces the packaged one.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from govscraper.extract.profiles import PLATFORMS

LEVELS = ("tỉnh", "huyện", "xã")
STATUSES = ("live", "offline", "unverified")
_ID = re.compile(r"^[a-z]{2,4}-[a-z0-9][a-z0-9-]*$")
#: GSO administrative codes: 2 digits for provinces, 3 for districts, 5 for communes (leading zeros kept).
_CODE = re.compile(r"^\d{2,5}$")
#: How often ``govscraper schedule`` crawls a portal whose entry names no ``interval``.
DEFAULT_INTERVAL = timedelta(days=1)
_INTERVAL_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_INTERVAL = re.compile(r"^(?:\d+[wdhm])+$")
_INTERVAL_PART = re.compile(r"(\d+)([wdhm])")
#: A host name as an alias is written: lowercase labels of letters, digits and hyphens (IDNs in their xn-- form).
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def parse_interval(text: str) -> timedelta:
    """A crawl interval written as a number and a unit, ``"30m"``, ``"12h"``, ``"1d"``, ``"2w"`` (or ``"1d12h"``).

    Written this way rather than in seconds so that an archivist reads an entry at a glance; a ``ValueError``
    naming the accepted forms otherwise.
    """
    compact = str(text).strip().lower()
    if not _INTERVAL.match(compact):
        raise ValueError(f"must be a number and a unit (m, h, d, w), like '30m', '12h', '1d' or '7d'; got {text!r}")
    total = sum((int(n) * _INTERVAL_UNITS[unit] for n, unit in _INTERVAL_PART.findall(compact)), timedelta())
    if total <= timedelta():
        raise ValueError(f"must be longer than zero; got {text!r}")
    return total


def format_interval(interval: timedelta) -> str:
    """The short form :func:`parse_interval` reads back: ``timedelta(hours=36)`` is ``"1d12h"``."""
    minutes = int(interval.total_seconds() // 60)
    parts = []
    for unit, size in (("w", 10080), ("d", 1440), ("h", 60), ("m", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file and the entry."""


class UnknownPortal(KeyError):
    """An id that is not in the registry; the message lists the known ids."""

    def __init__(self, portal_id: str, known: list[str]):
        super().__init__(portal_id)
        self.portal_id = portal_id
        self.known = known

    def __str__(self) -> str:
        return f"unknown portal {self.portal_id!r}; known portals: {', '.join(self.known)}"


@dataclass(frozen=True)
class Portal:
    """One portal: identity, place in the administration, platform and where crawling starts."""

    id: str
    name: str
    province: str
    level: str
    base_url: str
    platform: str
    start_urls: tuple[str, ...] = ()
    #: RSS/Atom feeds of the portal's news, relative to base_url; read in addition to its lists (not stored in
    #: the portals table: it says where to look, not what the portal is).
    feeds: tuple[str, ...] = ()
    #: Other host names of the portal (``www.`` and without, an old domain still served), on the base URL's scheme
    #: and port: a crawl follows links and redirects to them as to the portal itself (see .scope). Not stored
    #: in the portals table, like feeds.
    aliases: tuple[str, ...] = ()
    status: str = "unverified"
    offline_since: date | None = None
    notes: str = ""
    interval: timedelta = DEFAULT_INTERVAL
    #: The unit's official administrative code (GSO), e.g. "51" for Quảng Ngãi; empty when not established.
    code: str = ""
    #: For a province formed by the 2025 merger: the former provinces it was formed from.
    formed_from: tuple[str, ...] = ()
    #: For a unit abolished or merged away on 2025-07-01: the units its territory became.
    became: tuple[str, ...] = ()
    #: For such a unit: the province its territory belongs to after 2025-07-01.
    province_after: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def category_urls(self) -> list[str]:
        """Absolute start URLs; the base URL itself when the entry names no categories."""
        return [urljoin(self.base_url, u) for u in self.start_urls] or [self.base_url]

    def rebased(self, base_url: str) -> Portal:
        """The same portal served from another address (a local replica, a mirror), start URLs moved along.

        The aliases are dropped: they name the portal's own hosts, and a crawl of a mirror must not wander to them.
        """
        base = base_url if base_url.endswith("/") else base_url + "/"
        moved = []
        for url in self.category_urls:
            parts = urlsplit(url)
            relative = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
            moved.append(urljoin(base, relative))
        return replace(self, base_url=base, start_urls=tuple(moved), aliases=())

    def as_row(self) -> dict[str, object]:
        """The portal as a row of the archive's ``portals`` table."""
        return {
            "id": self.id,
            "name": self.name,
            "province": self.province,
            "level": self.level,
            "base_url": self.base_url,
            "platform": self.platform,
            "status": self.status,
            "offline_since": self.offline_since.isoformat() if self.offline_since else None,
            "start_urls": "\n".join(self.category_urls),
            "notes": self.notes or None,
            # Lists one item a line, like start_urls; NULL when the entry has none.
            "code": self.code or None,
            "formed_from": "\n".join(self.formed_from) or None,
            "became": "\n".join(self.became) or None,
            "province_after": self.province_after or None,
        }

    def belongs_to(self, province: str) -> bool:
        """Whether the portal is in ``province`` before or after the 2025 reform (Kon Tum's portal is in Quảng
        Ngãi too). Case, diacritics and a "tỉnh" / "thành phố" prefix do not matter: "quang ngai" will do."""
        wanted = _province_key(province)
        return bool(wanted) and wanted in {_province_key(self.province), _province_key(self.province_after)}


def _province_key(name: str) -> str:
    from govscraper.text.fold import fold

    return re.sub(r"^(?:tinh|thanh pho|tp\.?)\s+", "", " ".join(fold(name).split()))


def portal_for_url(url: str) -> Portal:
    """An ad-hoc portal for ``crawl --url``: a site that is not in the registry, crawled with the generic profile."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"not an http(s) URL: {url!r}")
    slug = re.sub(r"[^a-z0-9]+", "-", parts.hostname.lower()).strip("-")
    return Portal(
        id=f"url-{slug}",
        name=parts.hostname,
        province="",
        level="",
        base_url=f"{parts.scheme}://{parts.netloc}/",
        platform="generic",
        start_urls=(url,),
        status="unverified",
        notes="added by crawl --url",
    )


def _names(raw: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    """A list of unit names (``formed_from``, ``became``): a TOML list of non-empty strings, each once."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f'{where}: {key} must be a list of names, like {key} = ["Kon Tum"]; got {value!r}')
    names = tuple(v.strip() for v in value)
    if len(set(names)) != len(names):
        raise RegistryError(f"{where}: {key} names a unit twice")
    return names


def _aliases(raw: dict[str, object], base_url: str, where: str) -> tuple[str, ...]:
    """The ``aliases`` of an entry: a list of host names (no scheme, port or path), each once, not the base URL's."""
    value = raw.get("aliases", [])
    example = 'like aliases = ["www.moduc.quangngai.gov.vn"]'
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: aliases must be a list of host names, {example}; got {value!r}")
    hosts = []
    for alias in value:
        host = alias.strip().lower().rstrip(".")
        if not _HOST.match(host):
            raise RegistryError(f"{where}: alias {alias!r} is not a host name (no scheme, port or path), {example}")
        if host == (urlsplit(base_url).hostname or "") or host in hosts:
            raise RegistryError(f"{where}: alias {alias!r} is named twice (or is the base URL's own host)")
        hosts.append(host)
    return tuple(hosts)


def _parse_entry(raw: dict[str, object], source: str) -> Portal:
    where = f"{source}: portal {raw.get('id', '?')!r}"
    known = {f.name for f in Portal.__dataclass_fields__.values()} - {"extra"}
    missing = [k for k in ("id", "name", "province", "level", "base_url", "platform") if not raw.get(k)]
    if missing:
        raise RegistryError(f"{where}: missing {', '.join(missing)}")
    portal_id = str(raw["id"])
    if not _ID.match(portal_id):
        raise RegistryError(f"{where}: id must be an ASCII slug with a province prefix, like 'qni-moduc'")
    if raw["platform"] not in PLATFORMS:
        raise RegistryError(f"{where}: platform must be one of {', '.join(PLATFORMS)}")
    if raw["level"] not in LEVELS:
        raise RegistryError(f"{where}: level must be one of {', '.join(LEVELS)}")
    status = raw.get("status", "unverified")
    if status not in STATUSES:
        raise RegistryError(f"{where}: status must be one of {', '.join(STATUSES)}")
    offline_since = raw.get("offline_since")
    if offline_since is not None and not isinstance(offline_since, date):
        text = str(offline_since).strip()
        try:
            date.fromisoformat(text)
        except ValueError:
            raise RegistryError(f"{where}: offline_since must be a date, e.g. offline_since = 2025-07-01") from None
        raise RegistryError(
            f'{where}: offline_since = "{text}" is text in quotes; write the date without them: offline_since = {text}'
        )
    if status == "offline" and offline_since is None:
        raise RegistryError(f"{where}: an offline portal needs offline_since = YYYY-MM-DD (a date, without quotes)")
    base_url = str(raw["base_url"])
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise RegistryError(f"{where}: base_url must be an http(s) URL")
    start_urls = raw.get("start_urls", [])
    if not isinstance(start_urls, list):
        raise RegistryError(f"{where}: start_urls must be a list")
    feeds = raw.get("feeds", [])
    if not isinstance(feeds, list) or not all(isinstance(u, str) and u.strip() for u in feeds):
        raise RegistryError(f'{where}: feeds must be a list of feed URLs, like feeds = ["rss/tin-tuc.rss"]')
    try:
        interval = DEFAULT_INTERVAL if raw.get("interval") is None else parse_interval(str(raw["interval"]))
    except ValueError as exc:
        raise RegistryError(f"{where}: interval {exc}") from None
    code = raw.get("code", "")
    if not isinstance(code, str) or (code and not _CODE.match(code)):
        raise RegistryError(f'{where}: code must be a quoted string of 2 to 5 digits, like code = "51"; got {code!r}')
    province_after = raw.get("province_after", "")
    if not isinstance(province_after, str):
        raise RegistryError(f"{where}: province_after must be a province's name (a string); got {province_after!r}")
    if raw.get("became") and not province_after.strip():
        raise RegistryError(f"{where}: an entry with became also needs province_after (the province after 2025-07-01)")
    return Portal(
        id=portal_id,
        name=str(raw["name"]),
        province=str(raw["province"]),
        level=str(raw["level"]),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        platform=str(raw["platform"]),
        start_urls=tuple(str(u) for u in start_urls),
        feeds=tuple(u.strip() for u in feeds),
        aliases=_aliases(raw, base_url, where),
        status=str(status),
        offline_since=offline_since if isinstance(offline_since, date) else None,
        notes=str(raw.get("notes", "")),
        interval=interval,
        code=code,
        formed_from=_names(raw, "formed_from", where),
        became=_names(raw, "became", where),
        province_after=province_after.strip(),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def parse_registry(text: str, source: str = "<registry>") -> dict[str, Portal]:
    """Portals of one TOML registry document (``[[portal]]`` tables), keyed by id."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: {exc}") from None
    portals: dict[str, Portal] = {}
    for raw in data.get("portal", []):
        portal = _parse_entry(raw, source)
        if portal.id in portals:
            raise RegistryError(f"{source}: portal id {portal.id!r} appears twice")
        portals[portal.id] = portal
    return portals


def load_registry(extra_paths: list[Path] | None = None) -> dict[str, Portal]:
    """The packaged registry, overlaid with the ``GOVSCRAPER_REGISTRY`` setting's files and ``extra_paths``."""
    from govscraper.config import effective_value

    packaged = resources.files("govscraper").joinpath("portals.toml").read_text(encoding="utf-8")
    portals = parse_registry(packaged, "govscraper/portals.toml")
    env_paths = [Path(p) for p in str(effective_value("GOVSCRAPER_REGISTRY") or "").split(os.pathsep) if p]
    for path in [*env_paths, *(extra_paths or [])]:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RegistryError(f"cannot read registry {path}: {exc.strerror}") from None
        portals.update(parse_registry(text, str(path)))
    return portals


def get_portal(portal_id: str, registry: dict[str, Portal] | None = None) -> Portal:
    """The registry entry for ``portal_id``; :class:`UnknownPortal` (listing the known ids) otherwise."""
    registry = load_registry() if registry is None else registry
    try:
        return registry[portal_id]
    except KeyError:
        raise UnknownPortal(portal_id, sorted(registry)) from None
