"""The portal registry: packaged entries, validation, overlays, rebasing."""

from __future__ import annotations

import pytest

from govscraper.registry import (
    RegistryError,
    UnknownPortal,
    get_portal,
    load_registry,
    parse_registry,
    portal_for_url,
)

ENTRY = """
[[portal]]
id = "qni-test"
name = "Cổng thử"
province = "Quảng Ngãi"
level = "huyện"
base_url = "https://test.example.vn"
platform = "liferay62"
start_urls = ["tin-tuc", "https://test.example.vn/van-hoa?x=1"]
status = "offline"
offline_since = 2025-07-01
"""


def test_packaged_registry_has_quang_ngai_and_its_former_districts():
    registry = load_registry()
    moduc = registry["qni-moduc"]
    assert moduc.name == "Cổng thông tin điện tử huyện Mộ Đức"
    assert (moduc.province, moduc.level) == ("Quảng Ngãi", "huyện")
    assert registry["qni-tinh"].level == "tỉnh"
    districts = [p for p in registry.values() if p.province == "Quảng Ngãi" and p.level == "huyện"]
    assert len(districts) >= 13
    prefixes: dict[str, str] = {}
    for portal in registry.values():
        assert portal.status in ("live", "offline", "unverified")
        # One prefix per province (tests/e2e/test_registry_coverage.py checks the scheme itself).
        assert prefixes.setdefault(portal.id.split("-")[0], portal.province) == portal.province, portal.id


def test_entry_fields_and_start_urls():
    portal = parse_registry(ENTRY)["qni-test"]
    assert portal.base_url == "https://test.example.vn/"
    assert portal.category_urls == ["https://test.example.vn/tin-tuc", "https://test.example.vn/van-hoa?x=1"]
    assert portal.offline_since.isoformat() == "2025-07-01"


def test_rebased_moves_start_urls_to_the_new_host():
    portal = parse_registry(ENTRY)["qni-test"].rebased("http://127.0.0.1:9000")
    assert portal.category_urls == ["http://127.0.0.1:9000/tin-tuc", "http://127.0.0.1:9000/van-hoa?x=1"]
    assert portal.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('id = "qni-test"', 'id = "Mộ Đức"'), "ASCII slug"),
        (('platform = "liferay62"', 'platform = "wordpress"'), "platform must be one of"),
        (('level = "huyện"', 'level = "district"'), "level must be one of"),
        (("offline_since = 2025-07-01", ""), "offline_since"),
        (('base_url = "https://test.example.vn"', 'base_url = "ftp://x"'), "http(s)"),
        (('name = "Cổng thử"', ""), "missing name"),
    ],
)
def test_bad_entries_are_refused_with_a_reason(change, message):
    with pytest.raises(RegistryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_registry(ENTRY.replace(*change))


def test_a_quoted_offline_since_is_refused_showing_the_unquoted_form():
    with pytest.raises(RegistryError) as refused:
        parse_registry(ENTRY.replace("offline_since = 2025-07-01", 'offline_since = "2025-07-01"'))
    message = str(refused.value)
    assert 'offline_since = "2025-07-01" is text in quotes' in message
    assert message.endswith("write the date without them: offline_since = 2025-07-01")
    with pytest.raises(RegistryError, match="offline_since must be a date"):
        parse_registry(ENTRY.replace("offline_since = 2025-07-01", 'offline_since = "last July"'))


def test_duplicate_ids_and_bad_toml_are_refused():
    with pytest.raises(RegistryError, match="appears twice"):
        parse_registry(ENTRY + ENTRY)
    with pytest.raises(RegistryError, match="<registry>"):
        parse_registry("[[portal]\nid=")


def test_overlay_file_adds_and_replaces(tmp_path, monkeypatch):
    overlay = tmp_path / "mine.toml"
    overlay.write_text(ENTRY, encoding="utf-8")
    monkeypatch.setenv("GOVSCRAPER_REGISTRY", str(overlay))
    assert get_portal("qni-test").platform == "liferay62"
    assert "qni-moduc" in load_registry()


def test_unknown_portal_lists_the_known_ones():
    with pytest.raises(UnknownPortal) as caught:
        get_portal("qni-nowhere")
    assert "qni-moduc" in str(caught.value)
    assert "unknown portal 'qni-nowhere'" in str(caught.value)


def test_portal_for_url_stays_on_the_host():
    portal = portal_for_url("https://Example.gov.vn/tin-tuc?page=2")
    assert (portal.id, portal.platform, portal.host) == ("url-example-gov-vn", "generic", "example.gov.vn")
    assert portal.category_urls == ["https://Example.gov.vn/tin-tuc?page=2"]
    with pytest.raises(RegistryError):
        portal_for_url("not a url")
