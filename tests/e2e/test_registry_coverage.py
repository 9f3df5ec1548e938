"""The registry covers Vietnam's 34 provincial-level units and Quảng Ngãi's 13 former districts, with the reform.

Expected values come from the sources, not from the registry: the 34 units and their codes from GSO's list
(``vietnam-provinces``), the 63 former provinces and where each former commune went from the old → new mapping
(``vietnam-address-converter``), and the facts written below from Resolution 202/2025/QH15 (6 centrally-run
cities, 11 units left as they were, Kon Tum merged into Quảng Ngãi); Quảng Ngãi's 13 former district-level units are
the ones that mapping names for the province.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata

import pytest
from click.testing import CliRunner
from vietnam_address_converter.data import DEFAULT_DATA
from vietnam_provinces import Province, ProvinceCode, Ward

from govscraper.archive.schema import MIGRATIONS, open_db
from govscraper.archive.writer import Archive
from govscraper.cli import cli
from govscraper.registry import Portal, RegistryError, load_registry, parse_registry
from tests.helpers.cli import ROOT

PACKAGED = ROOT / "govscraper" / "portals.toml"
SCRIPT = ROOT / "scripts" / "registry_units.py"
PORTAL = "Cổng thông tin điện tử "
#: Resolution 202/2025/QH15: the centrally-run cities after 2025-07-01.
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
#: Quảng Ngãi's district-level units before 2025-07-01, and the ids their entries have always had.
QNG_DISTRICTS = {
    "qni-tpquangngai": "thành phố Quảng Ngãi",
    "qni-ducpho": "thị xã Đức Phổ",
    "qni-binhson": "huyện Bình Sơn",
    "qni-sontinh": "huyện Sơn Tịnh",
    "qni-tunghia": "huyện Tư Nghĩa",
    "qni-nghiahanh": "huyện Nghĩa Hành",
    "qni-moduc": "huyện Mộ Đức",
    "qni-bato": "huyện Ba Tơ",
    "qni-minhlong": "huyện Minh Long",
    "qni-sonha": "huyện Sơn Hà",
    "qni-sontay": "huyện Sơn Tây",
    "qni-trabong": "huyện Trà Bồng",
    "qni-lyson": "huyện Lý Sơn",
}

REGISTRY = load_registry()


def short(name: str) -> str:
    for kind in ("Thành phố ", "Thành Phố ", "Tỉnh "):
        name = name.removeprefix(kind)
    return name


def province_portals() -> dict[str, Portal]:
    """The portal of each province or city itself (not its departments, not former provinces), by province."""
    found: dict[str, Portal] = {}
    for p in REGISTRY.values():
        own = p.name.removeprefix(PORTAL) in (f"tỉnh {p.province}", f"thành phố {p.province}")
        if p.level == "tỉnh" and not p.province_after and own:
            assert p.province not in found, f"two portals for {p.province}: {found[p.province].id}, {p.id}"
            found[p.province] = p
    return found


def prefix(province: str) -> str:
    """The id prefix scheme of portals.toml's header, written from its description."""
    ascii_name = unicodedata.normalize("NFD", province.replace("Đ", "D").replace("đ", "d"))
    words = "".join(c for c in ascii_name if not unicodedata.combining(c)).lower().split()
    if len(words) == 1:
        return words[0][:3]
    if len(words) == 2:
        return words[0][0] + words[1][0] + words[1][-1]
    return "".join(w[0] for w in words)


# The 34 units ----------------------------------------------------------------------------------------------


def test_the_34_current_units_each_have_one_portal_matching_gso_list():
    gso = {short(p.name): f"{p.code.value:02d}" for p in Province.iter_all()}
    assert len(gso) == 34
    portals = province_portals()
    assert {name: p.code for name, p in portals.items()} == gso
    assert portals["Quảng Ngãi"].id == "qni-tinh"
    assert portals["Quảng Ngãi"].code == "51"
    for p in portals.values():
        assert p.base_url.startswith("https://"), p.id
        assert p.base_url.endswith(".gov.vn/"), p.id
        assert p.status == "unverified", p.id  # nothing could be checked without a network
        assert p.notes, p.id


def test_the_six_centrally_run_cities():
    portals = province_portals()
    cities = {name for name, p in portals.items() if p.name == f"{PORTAL}thành phố {name}"}
    assert cities == CITIES
    assert {short(p.name) for p in Province.iter_all() if p.division_type.value == "thành phố trung ương"} == CITIES
    assert {portals[c].id for c in CITIES} == {f"{prefix(c)}-thanhpho" for c in CITIES}
    assert {p.id for name, p in portals.items() if name not in CITIES} == {
        f"{prefix(name)}-tinh" for name in portals if name not in CITIES
    }


def test_merged_units_name_the_former_provinces_they_were_formed_from():
    former = {p["name"] for p in DEFAULT_DATA["oldProvinces"].values()}
    assert len(former) == 63
    new_name = {code: p["name"] for code, p in DEFAULT_DATA["newProvinces"].items()}
    groups: dict[str, set[str]] = {}
    for row in DEFAULT_DATA["mapping"]["rows"]:
        groups.setdefault(short(row["new"]["province_name"]), set()).add(short(row["old"]["province_name"]))
    assert set(new_name.values()) == set(groups)
    portals = province_portals()
    merged = {name: p for name, p in portals.items() if p.formed_from}
    assert len(merged) == 23
    assert len(portals) - len(merged) == 11  # left as they were
    covered = []
    for name, p in portals.items():
        covered.extend(p.formed_from or (name,))
        if p.formed_from:
            assert set(p.formed_from) <= former, p.id
            assert p.formed_from[0] == name, f"{p.id}: the former province whose name it kept comes first"
            assert set(p.formed_from) == groups[name], p.id
        else:
            assert groups[name] == {name}, p.id
    assert sorted(covered) == sorted(former)  # every former province in exactly one current unit
    assert portals["Quảng Ngãi"].formed_from == ("Quảng Ngãi", "Kon Tum")


def test_portals_that_platforms_md_names_use_its_profile():
    platform = {p.host: p.platform for p in REGISTRY.values()}
    for host in ("quangngai.gov.vn", "gialai.gov.vn", "laichau.gov.vn", "haiphong.gov.vn"):
        assert platform[host] == "uploadcms", host
    assert platform["dongnai.gov.vn"] == "sharepoint"
    assert platform["sotttt.hanoi.gov.vn"] == "liferay62"
    named = {"quangngai.gov.vn", "gialai.gov.vn", "laichau.gov.vn", "haiphong.gov.vn", "dongnai.gov.vn"}
    assert {p.platform for p in province_portals().values() if p.host not in named} == {"generic"}


def test_kon_tum_stays_with_the_province_it_belongs_to_now():
    kon_tum = REGISTRY["ktm-tinh"]
    assert (kon_tum.level, kon_tum.province, kon_tum.province_after) == ("tỉnh", "Kon Tum", "Quảng Ngãi")
    assert kon_tum.code == ""  # pre-2025 codes are in neither package: left out rather than guessed


# Quảng Ngãi's former districts -------------------------------------------------------------------------------


def successors(district: str) -> set[str]:
    """The post-2025 units that took in at least one commune of a former Quảng Ngãi district, per the mapping."""
    return {
        row["new"]["ward_name"].casefold()
        for row in DEFAULT_DATA["mapping"]["rows"]
        if row["old"]["province_name"] == "Tỉnh Quảng Ngãi" and row["old"]["district_name"].casefold() == district
    }


@pytest.mark.parametrize(("portal_id", "unit"), sorted(QNG_DISTRICTS.items()))
def test_each_former_district_says_what_it_became(portal_id, unit):
    portal = REGISTRY[portal_id]
    assert portal.name == f"{PORTAL}{unit}"
    assert (portal.level, portal.province, portal.province_after) == ("huyện", "Quảng Ngãi", "Quảng Ngãi")
    assert portal.became
    assert {b.casefold() for b in portal.became} == successors(unit.casefold())
    gso = {w.name for w in Ward.iter_by_province(ProvinceCode(51))}
    assert set(portal.became) <= gso  # spelled as GSO spells the units of today's Quảng Ngãi


def test_the_13_former_districts_are_all_there_and_none_else():
    districts = {p.id for p in REGISTRY.values() if p.province == "Quảng Ngãi" and p.level == "huyện"}
    assert districts == set(QNG_DISTRICTS)
    # Every post-2025 unit made from Quảng Ngãi's former communes is some district's successor.
    became = {b for pid in districts for b in REGISTRY[pid].became}
    from_quang_ngai = {
        row["new"]["ward_name"].casefold()
        for row in DEFAULT_DATA["mapping"]["rows"]
        if row["old"]["province_name"] == "Tỉnh Quảng Ngãi"
    }
    assert {b.casefold() for b in became} == from_quang_ngai


def test_mo_duc_keeps_its_entry_and_names_its_four_successor_communes():
    moduc = REGISTRY["qni-moduc"]
    assert (moduc.name, moduc.base_url, moduc.platform, moduc.start_urls, moduc.status) == (
        "Cổng thông tin điện tử huyện Mộ Đức",
        "https://moduc.quangngai.gov.vn/",
        "generic",
        (),
        "unverified",
    )
    assert moduc.notes.startswith("Former district-level unit (abolished 2025-07-01).")
    assert moduc.offline_since is None  # the date it stopped serving is not known
    assert set(moduc.became) == {"Xã Mộ Đức", "Xã Long Phụng", "Xã Mỏ Cày", "Xã Lân Phong"}
    assert REGISTRY["qni-lyson"].became == ("Đặc khu Lý Sơn",)  # the island district is a special zone now


# The registry file ---------------------------------------------------------------------------------------------


def test_every_entry_parses_with_unique_prefixed_ids():
    text = PACKAGED.read_text(encoding="utf-8")
    entries = parse_registry(text, "portals.toml")  # refuses a repeated id
    assert text.count("\n[[portal]]\n") == len(entries)
    province_prefix = {p.province: p.id.split("-")[0] for p in province_portals().values()}
    province_prefix["Kon Tum"] = "ktm"
    assert len(set(province_prefix.values())) == len(province_prefix) == 35
    for portal in entries.values():
        assert portal.id.split("-")[0] == province_prefix[portal.province] == prefix(portal.province), portal.id


def test_the_generator_finds_no_drift_and_puts_back_what_was_changed(tmp_path):
    checked = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=ROOT, timeout=240, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    copy = tmp_path / "portals.toml"
    shutil.copy(PACKAGED, copy)
    text = copy.read_text(encoding="utf-8")
    tampered = text.replace('"Xã Mỏ Cày", ', "", 1).replace('code = "79"', 'code = "97"', 1)
    assert tampered != text
    copy.write_text(tampered, encoding="utf-8")
    drift = subprocess.run(
        [sys.executable, str(SCRIPT), "--registry", str(copy)], capture_output=True, text=True, timeout=240, check=False
    )
    assert drift.returncode == 1
    assert sorted(line.split(":")[0] for line in drift.stdout.splitlines()) == ["hcm-thanhpho", "qni-moduc"]
    subprocess.run([sys.executable, str(SCRIPT), "--registry", str(copy), "--write"], check=True, timeout=240)
    assert copy.read_text(encoding="utf-8") == text


# Validation --------------------------------------------------------------------------------------------------

ENTRY = """
[[portal]]
id = "qni-test"
name = "Cổng thông tin điện tử huyện Thử"
province = "Quảng Ngãi"
level = "huyện"
code = "522"
became = ["Xã Một", "Phường Hai"]
province_after = "Quảng Ngãi"
base_url = "https://thu.example.vn"
platform = "generic"
"""


def test_the_new_fields_are_read():
    portal = parse_registry(ENTRY)["qni-test"]
    assert (portal.code, portal.became, portal.province_after, portal.formed_from) == (
        "522",
        ("Xã Một", "Phường Hai"),
        "Quảng Ngãi",
        (),
    )
    assert portal.extra == {}
    row = portal.as_row()
    assert (row["code"], row["became"], row["province_after"], row["formed_from"]) == (
        "522",
        "Xã Một\nPhường Hai",
        "Quảng Ngãi",
        None,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('code = "522"', "code = 522"), 'code must be a quoted string of 2 to 5 digits, like code = "51"; got 522'),
        (('code = "522"', 'code = "5a"'), "code must be a quoted string"),
        (('code = "522"', 'code = "123456"'), "code must be a quoted string"),
        (('became = ["Xã Một", "Phường Hai"]', 'became = "Xã Một"'), "became must be a list of names"),
        (('became = ["Xã Một", "Phường Hai"]', "became = [1]"), "became must be a list of names"),
        (('became = ["Xã Một", "Phường Hai"]', 'became = ["", "Xã Một"]'), "became must be a list of names"),
        (('became = ["Xã Một", "Phường Hai"]', 'became = ["Xã Một", "Xã Một"]'), "became names a unit twice"),
        (('became = ["Xã Một", "Phường Hai"]', 'formed_from = "Kon Tum"'), "formed_from must be a list of names"),
        (('province_after = "Quảng Ngãi"', "province_after = 51"), "province_after must be a province's name"),
        (('province_after = "Quảng Ngãi"', ""), "an entry with became also needs province_after"),
    ],
)
def test_bad_administrative_fields_are_refused_naming_the_entry(change, message):
    assert change[0] in ENTRY
    with pytest.raises(RegistryError) as refused:
        parse_registry(ENTRY.replace(*change), "mine.toml")
    assert str(refused.value).startswith("mine.toml: portal 'qni-test': ")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


# The archive and the command -------------------------------------------------------------------------------


def test_the_migration_adds_the_columns_to_an_existing_archive_and_a_crawl_fills_them(tmp_path):
    import sqlite_utils

    mine = [name for name, _ in MIGRATIONS].index("0007_administrative_units")
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, step in MIGRATIONS[:mine]:
        step(old)
        old["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    old["portals"].insert({"id": "qni-moduc", "name": "Mộ Đức", "base_url": "https://moduc.quangngai.gov.vn/",
                           "platform": "generic"})  # fmt: skip
    old.conn.commit()
    old.conn.close()

    upgraded = open_db(path)
    columns = upgraded["portals"].columns_dict
    assert {"code", "formed_from", "became", "province_after"} <= set(columns)
    assert upgraded["portals"].get("qni-moduc")["became"] is None  # the row is kept, the new fields empty
    upgraded.conn.close()

    archive = Archive(path)
    archive.start_run(REGISTRY["qni-moduc"], "portal")  # what a crawl does first
    archive.register_portal(REGISTRY["qni-tinh"])
    moduc = archive.db["portals"].get("qni-moduc")
    assert moduc["became"].split("\n") == list(REGISTRY["qni-moduc"].became)
    assert "Xã Mỏ Cày" in moduc["became"].split("\n")
    assert (moduc["province_after"], moduc["code"], moduc["formed_from"]) == ("Quảng Ngãi", None, None)
    tinh = archive.db["portals"].get("qni-tinh")
    assert (tinh["code"], tinh["formed_from"], tinh["province_after"]) == ("51", "Quảng Ngãi\nKon Tum", None)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_portals_filters_by_province_before_or_after_the_reform():
    result = invoke("portals", "--province", "quang ngai")
    assert result.exit_code == 0, result.output
    ids = [line.split()[0] for line in result.output.splitlines()]
    assert sorted(ids) == sorted(["qni-tinh", "ktm-tinh", *QNG_DISTRICTS])
    kon_tum = next(line for line in result.output.splitlines() if line.startswith("ktm-tinh "))
    assert kon_tum.endswith("Cổng thông tin điện tử tỉnh Kon Tum  → Quảng Ngãi")
    tinh = next(line for line in result.output.splitlines() if line.startswith("qni-tinh "))
    assert "→" not in tinh
    assert [line.split()[0] for line in invoke("portals", "--province", "Tỉnh Kon Tum").output.splitlines()] == [
        "ktm-tinh"
    ]
    rows = [json.loads(line) for line in invoke("portals", "--province", "Hồ Chí Minh", "--json").output.splitlines()]
    assert [r["id"] for r in rows] == ["hcm-thanhpho"]
    assert rows[0]["formed_from"].split("\n")[0] == "Hồ Chí Minh"


def test_portals_filters_by_status_and_refuses_an_unknown_province(tmp_path, monkeypatch):
    overlay = tmp_path / "mine.toml"
    overlay.write_text(
        ENTRY.replace('platform = "generic"', 'platform = "generic"\nstatus = "offline"\noffline_since = 2025-07-01'),
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVSCRAPER_REGISTRY", str(overlay))
    offline = invoke("portals", "--status", "offline").output.splitlines()
    assert [line.split()[0] for line in offline] == ["qni-test"]
    assert "offline since 2025-07-01" in offline[0]
    both = invoke("portals", "--status", "unverified", "--province", "Quảng Ngãi").output
    assert "qni-test" not in both
    assert "qni-moduc" in both
    missing = CliRunner().invoke(cli, ["portals", "--province", "Atlantis"])
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [
        "Error: no portal in the registry belongs to province 'Atlantis', before or after 2025"
    ]
