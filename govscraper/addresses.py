"""Which network addresses a crawl may talk to: pure functions, no Scrapy or Twisted.

A portal on the public web hands the crawler URLs it does not control the meaning of: links, redirects, meta
refreshes, and host names whose DNS answers it chooses. Without a rule, a portal (or an open redirect on it, or a
name that resolves to ``127.0.0.1``) makes the crawler fetch this machine's services, the local network's admin
pages or a cloud metadata endpoint (``169.254.169.254``) and store the answers in the archive as news. So a crawl of
a portal on the public web never asks a non-public address: loopback, private (RFC 1918, ``fc00::/7``), link-local,
unspecified (``0.0.0.0`` reaches this machine on Linux), multicast or reserved.

A portal whose own address is such an address (the replica on ``127.0.0.1``, a mirror on the local network, written
as an address or ``localhost`` in its URL) was put there by the archivist: its crawl may use non-public addresses.
So may a host the archivist configured by address (a Wayback Machine stand-in on ``127.0.0.1``), and networks listed
in ``GOVSCRAPER_ALLOW_NETWORKS`` (an intranet mirror known by name). A *name* is never trusted for what it resolves
to: the DNS answer is checked (``govscraper.crawl.scope.GuardedResolver``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The legacy numeric forms of IPv4 that ``inet_aton`` (and so the resolver) accepts: ``2130706433``,
#: ``0x7f.1``, ``017700000001``. A URL can spell ``127.0.0.1`` that way to look like a name.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host spells directly (``10.0.0.5``, ``[::1]``, ``2130706433``), or None for a name."""
    text = host.strip().strip("[]").rstrip(".")
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def is_localhost_name(host: str) -> bool:
    """``localhost`` and the names under it (RFC 6761: they always mean this machine)."""
    name = host.strip().rstrip(".").lower()
    return name in ("localhost", "localhost.localdomain") or name.endswith(".localhost")


def address_kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is (``loopback``, ``private``, ``link-local``...), None if public."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def host_kind(host: str) -> str | None:
    """The kind of non-public address a host names by itself (a literal, ``localhost``), None otherwise."""
    if is_localhost_name(host):
        return "loopback"
    address = literal_address(host)
    return address_kind(address) if address is not None else None


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``GOVSCRAPER_ALLOW_NETWORKS``: CIDR blocks (``10.1.2.0/24``) or single addresses; ValueError naming a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValueError(f"not a network or an address: {value!r} (write it like 10.1.2.0/24)") from None
    return tuple(networks)


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses one crawl may connect to.

    ``public``: the portal is on the public web (its URL names a host, not a non-public address), so non-public
    addresses are refused, except for ``trusted`` hosts (configured by the archivist as a non-public address or
    ``localhost``: a Wayback stand-in, a start URL on a mirror) and addresses in ``allowed`` networks.
    """

    public: bool
    trusted: frozenset[str] = frozenset()
    allowed: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def for_hosts(cls, portal_host: str, configured: Iterable[str], allowed: Iterable[IPNetwork] = ()) -> AddressPolicy:
        """The policy of a crawl of the portal at ``portal_host``; ``configured``: every host the archivist named."""
        trusted = frozenset(h.lower() for h in configured if host_kind(h) is not None)
        return cls(public=host_kind(portal_host) is None, trusted=trusted, allowed=tuple(allowed))

    def literal_refusal(self, host: str) -> str | None:
        """Why a URL whose host is a non-public address or ``localhost`` may not be asked for; None if it may."""
        if not self.public or host.lower() in self.trusted:
            return None
        address = literal_address(host)
        kind = "loopback" if is_localhost_name(host) else address_kind(address) if address is not None else None
        if kind is None or (address is not None and self._allowed(address)):
            return None
        return f"refused: {host} is a {kind} address (the portal is on the public web)"

    def answer_refusal(self, host: str, answer: str) -> str | None:
        """Why the DNS answer ``answer`` for ``host`` may not be connected to; None if it may."""
        if not self.public or host.lower() in self.trusted:
            return None
        try:
            address = ipaddress.ip_address(answer)
        except ValueError:
            return None  # not an address: the connection fails by itself
        kind = address_kind(address)
        if kind is None or self._allowed(address):
            return None
        return f"refused: {host} resolves to {answer}, a {kind} address (the portal is on the public web)"

    def _allowed(self, address: IPAddress) -> bool:
        mapped = getattr(address, "ipv4_mapped", None) or address
        return any(mapped.version == net.version and mapped in net for net in self.allowed)


__all__ = [
    "AddressPolicy",
    "address_kind",
    "host_kind",
    "is_localhost_name",
    "literal_address",
    "parse_networks",
]
