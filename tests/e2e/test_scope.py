"""Crawl scope: pages stay on the portal's scheme, host and port; a public portal never leads the crawler to
loopback, private or link-local addresses.

The first tests check the rules themselves (:mod:`crawl.scope`, :mod:`crawl.addresses`, the registry's
``aliases``, the resolver); the others crawl the hostile site (``tests/helpers/hostile_site.py``) with real ``govscraper
crawl`` processes into real archives, and check what was archived, what was recorded as failed, and what the other
servers were asked (nothing).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from govscraper.addresses import AddressPolicy, address_kind, host_kind, literal_address, parse_networks
from govscraper.crawl.scope import AddressRefused, GuardedResolver, Scope, resolve_map
from govscraper.extract.links import discover_links
from govscraper.registry import RegistryError, parse_registry, portal_for_url
from tests.helpers.hostile_site import (  # noqa: F401  (fixtures: one of each per module)
    OK_ARTICLE,
    TITLE,
    HostileSite,
    Table,
    crawl,
    failures,
    registry_entry,
    resolve,
    rows,
)


# The rules ------------------------------------------------------------------------------------------------------
def test_scope_is_scheme_host_and_port():
    scope = Scope(["http://127.0.0.1:8022/tin-tuc/"])
    assert scope.allows("http://127.0.0.1:8022/a.html")
    assert not scope.allows("http://127.0.0.1:8023/a.html")  # another port: another site
    assert not scope.allows("https://127.0.0.1:8022/a.html")  # another scheme on a port of its own
    assert not scope.allows("http://localhost:8022/a.html")  # the same server under another name
    assert not scope.allows("ftp://127.0.0.1:8022/a.html")
    assert not scope.allows("http://127.0.0.1:notaport/a.html")


def test_http_and_https_on_their_default_ports_are_one_site():
    scope = Scope(["http://moduc.quangngai.gov.vn/"])
    assert scope.allows("https://moduc.quangngai.gov.vn/tin-tuc")  # portals redirect http to https
    assert scope.allows("http://moduc.quangngai.gov.vn:80/tin-tuc")
    assert not scope.allows("https://moduc.quangngai.gov.vn:8443/tin-tuc")
    assert not scope.allows("http://www.moduc.quangngai.gov.vn/tin-tuc")  # www. only as an alias


def test_aliases_take_the_base_urls_scheme_and_port():
    scope = Scope(
        ["https://moduc.quangngai.gov.vn/", "https://moduc.quangngai.gov.vn/tin-tuc"], ["www.moduc.quangngai.gov.vn"]
    )
    assert scope.allows("https://www.moduc.quangngai.gov.vn/tin-tuc/a.html")
    assert scope.allows("http://www.moduc.quangngai.gov.vn/tin-tuc/a.html")
    assert not scope.allows("https://www.moduc.quangngai.gov.vn:8443/a.html")


def test_registry_aliases_are_validated_and_dropped_by_a_mirror():
    entry = (
        '[[portal]]\nid = "qni-moduc"\nname = "Mộ Đức"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
        'base_url = "https://moduc.quangngai.gov.vn/"\nplatform = "generic"\naliases = {aliases}\n'
    )
    portal = parse_registry(entry.format(aliases='["WWW.moduc.quangngai.gov.vn."]'))["qni-moduc"]
    assert portal.aliases == ("www.moduc.quangngai.gov.vn",)
    assert portal.rebased("http://127.0.0.1:8022/").aliases == ()  # a mirror's crawl must not wander to the portal
    for bad, message in (
        ('"www.moduc.quangngai.gov.vn"', "aliases must be a list of host names"),
        ('["https://www.moduc.quangngai.gov.vn/"]', "is not a host name"),
        ('["www.moduc.quangngai.gov.vn:8080"]', "is not a host name"),
        ('["moduc.quangngai.gov.vn"]', "named twice (or is the base URL's own host)"),
        ('["a.vn", "A.vn"]', "named twice"),
    ):
        with pytest.raises(
            RegistryError, match="portal 'qni-moduc': .*" + message.replace("(", r"\(").replace(")", r"\)")
        ):
            parse_registry(entry.format(aliases=bad))


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("2130706433", "loopback"),  # 127.0.0.1 written as one number
        ("0x7f.1", "loopback"),
        ("[::1]", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("localhost", "loopback"),
        ("admin.localhost", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.4.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("[fe80::1]", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "reserved"),  # carrier-grade NAT: not on the public web either
        ("203.113.131.1", None),  # a public address (VNPT)
        ("moduc.quangngai.gov.vn", None),  # a name: its DNS answer is checked instead
    ],
)
def test_address_kinds(host, kind):
    assert host_kind(host) == kind


def test_numeric_forms_are_read_as_the_address_they_spell():
    assert literal_address("2130706433") == ipaddress.ip_address("127.0.0.1")
    assert literal_address("017700000001") == ipaddress.ip_address("127.0.0.1")
    assert literal_address("quangngai.gov.vn") is None
    assert address_kind(ipaddress.ip_address("::ffff:10.0.0.1")) == "private"


def test_a_public_portal_refuses_non_public_addresses_unless_allowed_or_configured():
    policy = AddressPolicy.for_hosts(
        "moduc.quangngai.gov.vn", {"moduc.quangngai.gov.vn", "127.0.0.1"}, parse_networks(["10.1.2.0/24"])
    )
    assert policy.public
    assert (
        policy.literal_refusal("10.0.0.5") == "refused: 10.0.0.5 is a private address (the portal is on the public web)"
    )
    assert policy.literal_refusal("10.1.2.9") is None  # GOVSCRAPER_ALLOW_NETWORKS
    assert policy.literal_refusal("127.0.0.1") is None  # configured by the archivist (a Wayback stand-in)
    assert policy.literal_refusal("cdn.example.vn") is None  # a name: judged by its DNS answer
    assert policy.answer_refusal("cdn.example.vn", "203.113.131.1") is None
    assert policy.answer_refusal("evil.example", "127.0.0.2") == (
        "refused: evil.example resolves to 127.0.0.2, a loopback address (the portal is on the public web)"
    )
    local = AddressPolicy.for_hosts("127.0.0.1", {"127.0.0.1"})
    assert not local.public
    assert local.literal_refusal("10.0.0.5") is None
    with pytest.raises(ValueError, match="not a network"):
        parse_networks(["10.1.2.0/33"])


def test_the_resolver_maps_names_and_refuses_private_answers_for_a_public_portal(monkeypatch):
    """GOVSCRAPER_RESOLVE answers without DNS (like curl --resolve); the answer is checked like a DNS answer."""
    from govscraper.crawl import scope

    policy = AddressPolicy.for_hosts("portal.example", {"portal.example"}, parse_networks(["127.0.0.1/32"]))
    monkeypatch.setattr(scope, "_POLICIES", [policy])
    resolver = GuardedResolver(
        reactor=None,
        cache_size=0,
        timeout=5,
        mapping=resolve_map({"portal.example": "127.0.0.1", "evil.example": "127.0.0.2"}),
    )
    answers: list[object] = []
    resolver.getHostByName("Portal.Example.").addBoth(answers.append)
    resolver.getHostByName("evil.example").addBoth(answers.append)
    assert answers[0] == "127.0.0.1"  # in an allowed network
    assert answers[1].check(AddressRefused)
    assert str(answers[1].value) == (
        "refused: evil.example resolves to 127.0.0.2, a loopback address (the portal is on the public web)"
    )
    assert resolve_map({"a.example": "not an address", "b.example": "::1", "c.example": "10.0.0.1"}) == {
        "c.example": "10.0.0.1"
    }


def test_links_are_read_up_to_the_limit_and_the_rest_counted():
    page = "".join(f'<a href="/p/{n}">{n}</a>' for n in range(5000)) + '<a href="http://10.0.0.5/x">x</a>'
    links = discover_links(page, "http://h.vn/", limit=2000)
    assert len(links.other) == 2000
    assert links.ignored == 3001
    everything = discover_links(page, "http://h.vn/")
    assert len(everything.other) == 5000
    assert everything.ignored == 0
    assert everything.non_public == ["http://10.0.0.5/x"]
    aliased = discover_links('<a href="http://moduc.gov.vn/a/b">b</a>', "http://h.vn/", hosts=["moduc.gov.vn"])
    assert aliased.other == ["http://moduc.gov.vn/a/b"]


def test_an_ad_hoc_portal_on_loopback_is_not_public():
    portal = portal_for_url("http://127.0.0.1:8022/tin-tuc")
    assert not AddressPolicy.for_hosts(portal.host, {portal.host}).public


# Crawls of the hostile site ----------------------------------------------------------------------------------------
def archived_urls(db: Path) -> list[str]:
    return [r["url"] for r in rows(db, "SELECT url FROM articles ORDER BY id")]


REDIRECTS = {
    "redirect-301": lambda s: f"off-site redirect to {s.elsewhere.url}/stolen-301.html",
    "redirect-302": lambda s: f"off-site redirect to {s.elsewhere.url}/stolen-302.html",
    "redirect-307": lambda s: f"off-site redirect to {s.elsewhere.url}/stolen-307.html",
    "redirect-308": lambda s: f"off-site redirect to {s.elsewhere.url}/stolen-308.html",
    "protocol-relative": lambda s: f"off-site redirect to http://127.0.0.1:{s.elsewhere.port}/stolen-pr.html",
    "other-host": lambda s: f"off-site redirect to http://localhost:{s.portal.port}/stolen-host.html",
    "meta-refresh": lambda s: f"off-site redirect to {s.elsewhere.url}/stolen-meta.html (meta refresh)",
    "private-redirect": lambda s: "off-site redirect to http://169.254.169.254/latest/meta-data/",
}


@pytest.mark.parametrize("case", REDIRECTS)
def test_redirects_that_leave_the_site_are_refused_and_recorded(case, site, table, tmp_path):
    site.clear_logs()
    db = tmp_path / "archive.db"
    result = crawl(f"{site.portal.url}/{case}/", db)
    assert result.returncode == 0, result.stderr[-3000:]
    (failure,) = failures(db)
    url, kind, error = failure
    assert error == REDIRECTS[case](site)
    assert url.startswith(f"{site.portal.url}/{case}/tin-tuc/")  # recorded under the page that redirected
    assert kind == "article"
    # Only the portal's own article is archived, from the portal.
    assert archived_urls(db) == [f"{site.portal.url}/{case}/{OK_ARTICLE}"]
    assert rows(db, "SELECT title, origin FROM articles") == [{"title": TITLE, "origin": "live"}]
    # Nothing off-site was even asked for: not the other port, not the same server under another name.
    assert site.elsewhere.log == []
    assert not [path for path in site.portal.paths() if "stolen" in path]
    assert "Traceback" not in result.stderr
    table.add(case, f"refused: {error}", result.peak_mb, result.seconds)


def test_an_alias_in_the_registry_is_the_portals_own_site(site, table, tmp_path):
    registry = tmp_path / "portals.toml"
    registry.write_text(registry_entry("qni-hostile", f"{site.portal.url}/alias/", ("localhost",)), encoding="utf-8")
    db = tmp_path / "archive.db"
    result = crawl("qni-hostile", db, registry=registry)
    assert result.returncode == 0, result.stderr[-3000:]
    aliased = f"http://localhost:{site.portal.port}/alias/tin-tuc/bai-viet-tren-ten-mien-phu-cua-cong-1004.html"
    assert sorted(archived_urls(db)) == sorted([f"{site.portal.url}/alias/{OK_ARTICLE}", aliased])
    assert failures(db) == []
    table.add("alias", "the alias's article archived, no failure", result.peak_mb, result.seconds)


PUBLIC = resolve(portal_example="127.0.0.1", cdn_example="127.0.0.1", evil_example="127.0.0.2")


def test_a_public_portal_never_leads_the_crawler_to_private_addresses(site, table, tmp_path):
    """portal.example and cdn.example resolve (GOVSCRAPER_RESOLVE) into 127.0.0.1/32, which the crawl is allowed
    (GOVSCRAPER_ALLOW_NETWORKS); evil.example resolves to 127.0.0.2, which it is not; 10.x, 192.168.x and localhost
    are written in the URLs."""
    site.clear_logs()
    db = tmp_path / "archive.db"
    base = f"http://portal.example:{site.portal.port}/public"
    result = crawl(f"{base}/", db, PUBLIC, 'GOVSCRAPER_ALLOW_NETWORKS=["127.0.0.1/32"]')
    assert result.returncode == 0, result.stderr[-3000:]
    photos_article = f"{base}/tin-tuc/bai-viet-co-anh-tu-nhieu-noi-khac-nhau-1005.html"
    assert sorted(archived_urls(db)) == sorted([f"{base}/{OK_ARTICLE}", photos_article])
    suffix = "(the portal is on the public web)"
    loopback = "loopback address"
    evil = f"http://evil.example:{site.other_address.port}"
    assert sorted(failures(db)) == sorted([
        ("http://192.168.1.1/admin/", "page", f"refused: 192.168.1.1 is a private address {suffix}: link not followed"),
        (
            f"http://localhost:{site.portal.port}/public/noi-bo.html",
            "page",
            f"refused: localhost is a loopback address {suffix}: link not followed",
        ),
        ("http://10.0.0.5/anh/noi-bo.jpg", "image", f"refused: 10.0.0.5 is a private address {suffix}"),
        (f"{base}/anh/chuyen-huong.jpg", "image", f"refused: 192.168.1.1 is a private address {suffix}"),
        (f"{evil}/anh/bi-mat.jpg", "image", f"refused: evil.example resolves to 127.0.0.2, a {loopback} {suffix}"),
    ])  # fmt: skip
    # The photo on the CDN (another host) is archived; the name on 127.0.0.2 was never connected to.
    (photo,) = rows(db, "SELECT source_url, image_sha256 FROM article_images WHERE source_url LIKE '%cdn.example%'")
    assert photo["image_sha256"]
    assert site.other_address.log == []
    assert [path for _, path in site.cdn.log if path.endswith(".jpg")] == ["/anh/hoi-nghi.jpg"]
    assert all(host.startswith("portal.example:") for host, _ in site.portal.log)  # asked under its own name only
    assert "Traceback" not in result.stderr
    table.add("public", f"{len(failures(db))} refusals recorded, CDN photo archived", result.peak_mb, result.seconds)


def test_a_public_portal_name_on_a_loopback_address_is_unreachable(site, table, tmp_path):
    """Without GOVSCRAPER_ALLOW_NETWORKS, portal.example's answer (127.0.0.1) is refused before any connection."""
    site.clear_logs()
    db = tmp_path / "archive.db"
    url = f"http://portal.example:{site.portal.port}/public/"
    result = crawl(url, db, PUBLIC)
    assert result.returncode == 1
    reason = "refused: portal.example resolves to 127.0.0.1, a loopback address (the portal is on the public web)"
    assert (
        f"Error: could not reach http://portal.example:{site.portal.port}/: {reason} (run 1 recorded as unreachable)"
        in (result.stderr)
    )
    assert rows(db, "SELECT status FROM crawl_runs") == [{"status": "unreachable"}]
    assert site.portal.log == []  # not even robots.txt
    assert "Traceback" not in result.stderr
    table.add("public-name-on-loopback", "unreachable: " + reason, result.peak_mb, result.seconds)
