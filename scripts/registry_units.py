"""Check, or regenerate, the administrative fields of the portal registry from two pinned packages.

The fields ``code``, ``formed_from``, ``became`` and ``province_after`` of ``govscraper/portals.toml`` are facts
about the 1 July 2025 reform, not about portals, so they are not typed by hand: they come from

* ``vietnam-provinces`` (GSO's list of units, data of 2025-10-18): the 34 provincial-level units in force since
  2025-07-01 with their codes, and their 3,321 communes, wards and special zones; no pre-2025 units;
* ``vietnam-address-converter`` (mapping "10_25", 10,358 rows): every pre-2025 commune of the 63 former provinces,
  with its district, and the post-2025 commune and province it went to.

Which entries get which fields:

* the portal of a current province or centrally-run city (name "Cổng thông tin điện tử tỉnh <X>" or "... thành
  phố <X>", level tỉnh): ``code``; and ``formed_from`` when the unit was formed by merging;
* the portal of a former province merged away (Kon Tum): ``province_after``;
* the portal of a former district (level huyện, name "... huyện <X>", "... thị xã <X>", "... thành phố <X>"):
  ``province_after`` and ``became``, the post-2025 units that took in at least one of its communes (a unit formed
  from communes of two districts is listed under both), in GSO code order, spelled as GSO spells them.

Other entries (departments, ad-hoc portals) are left alone.

Usage::

    .venv/bin/python scripts/registry_units.py            # list what differs from the packages; exit 1 if any
    .venv/bin/python scripts/registry_units.py --write    # rewrite those fields in govscraper/portals.toml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from vietnam_address_converter.data import DEFAULT_DATA
from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

REGISTRY = Path(__file__).resolve().parent.parent / "govscraper" / "portals.toml"
FIELDS = ("code", "formed_from", "became", "province_after")
PORTAL_NAME = "Cổng thông tin điện tử "
_UNIT_PREFIX = re.compile(r"^(?:tỉnh|thành phố|thủ đô)\s+", re.IGNORECASE)


def short_name(name: str) -> str:
    """A unit's name without its kind: "Thành Phố Hà Nội" → "Hà Nội", "Tỉnh Kon Tum" → "Kon Tum"."""
    return _UNIT_PREFIX.sub("", " ".join(name.split()))


def key(name: str) -> str:
    return short_name(name).casefold()


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # short: "Hà Nội"
    city: bool  # centrally-run city (thành phố trực thuộc trung ương)
    formed_from: tuple[str, ...]  # former provinces, the namesake first; () for the 11 units left as they were


def load() -> tuple[list[Province], dict[str, str], dict[tuple[str, str], tuple[str, list[str]]]]:
    """The 34 current units; former province → current province; (former province, former district) →
    (current province, the current units that took in its communes)."""
    nested = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    rows = DEFAULT_DATA["mapping"]["rows"]
    merged_from: dict[str, set[str]] = {}
    district_units: dict[tuple[str, str], set[str]] = {}
    district_province: dict[tuple[str, str], str] = {}
    for row in rows:
        old, new = row["old"], row["new"]
        merged_from.setdefault(key(new["province_name"]), set()).add(short_name(old["province_name"]))
        district = (key(old["province_name"]), " ".join(old["district_name"].split()).casefold())
        district_units.setdefault(district, set()).add(new["ward_name"].casefold())
        district_province[district] = key(new["province_name"])
    provinces: list[Province] = []
    spelled: dict[str, dict[str, tuple[int, str]]] = {}  # province key → unit key → (GSO code, GSO spelling)
    for unit in nested:
        name = short_name(unit["name"])
        former = merged_from.pop(name.casefold(), None)
        if former is None:
            raise SystemExit(f"vietnam-address-converter has no province {name!r} of vietnam-provinces")
        others = sorted(former - {name}, key=str.casefold)
        provinces.append(
            Province(
                code=f"{unit['code']:02d}",
                name=name,
                city=unit["division_type"] == "thành phố trung ương",
                formed_from=(name, *others) if others else (),
            )
        )
        spelled[name.casefold()] = {w["name"].casefold(): (w["code"], w["name"]) for w in unit["wards"]}
    if merged_from:
        raise SystemExit(f"vietnam-provinces lacks the provinces {sorted(merged_from)} of vietnam-address-converter")
    current = {p.name.casefold(): p.name for p in provinces}
    province_after = {
        former.casefold(): p.name for p in provinces for former in (p.formed_from or (p.name,)) if former != p.name
    }
    districts = {}
    for district, units in district_units.items():
        after = district_province[district]
        named = sorted(spelled[after].get(u, (0, u)) for u in units)  # a name GSO spells otherwise sorts first
        districts[district] = (current[after], [name for _, name in named])
    return provinces, province_after, districts


def expected_fields(entry: dict[str, object], data=None) -> dict[str, object] | None:
    """The administrative fields ``entry`` should carry, or None for an entry this script does not manage."""
    provinces, province_after, districts = data or load()
    name, level = str(entry.get("name", "")), entry.get("level")
    if not name.startswith(PORTAL_NAME):
        return None
    unit = name.removeprefix(PORTAL_NAME)
    province = key(str(entry.get("province", "")))
    if level == "tỉnh" and _UNIT_PREFIX.match(unit) and key(unit) == province:
        for current in provinces:
            if current.name.casefold() == province:
                fields: dict[str, object] = {"code": current.code}
                if current.formed_from:
                    fields["formed_from"] = list(current.formed_from)
                return fields
        if province in province_after:
            return {"province_after": province_after[province]}
        raise SystemExit(f"{entry['id']}: {entry['province']!r} is neither a current nor a former province")
    if level == "huyện":
        found = districts.get((province, " ".join(unit.split()).casefold()))
        if found is None:
            raise SystemExit(f"{entry['id']}: no former district {unit!r} of {entry['province']} in the mapping")
        after, became = found
        unknown = [name for name in became if name == name.casefold()]
        if unknown:
            raise SystemExit(f"{entry['id']}: the mapping's {unknown} are not units of {after} in GSO's list")
        return {"became": became, "province_after": after}
    return None


def toml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings and arrays of strings are TOML too


def differences(text: str) -> list[str]:
    """One line per entry whose administrative fields differ from the packages'."""
    data = load()
    lines = []
    for entry in tomllib.loads(text).get("portal", []):
        want = expected_fields(entry, data)
        if want is None:
            continue
        have = {f: entry[f] for f in FIELDS if f in entry}
        if have != want:
            lines.append(f"{entry['id']}: has {toml_value(have)}, the packages say {toml_value(want)}")
    return lines


def rewrite(text: str) -> str:
    """``text`` with the administrative fields of every managed entry replaced by the packages' (after ``level``).

    Works on lines, so comments and the order of other fields stay as they are; a field is one line (a multi-line
    array is taken out whole)."""
    data = load()
    blocks = re.split(r"(?m)^(?=\[\[portal\]\]\s*$)", text)
    out = [blocks[0]]
    for block in blocks[1:]:
        entry = tomllib.loads(block)["portal"][0]
        want = expected_fields(entry, data)
        if want is None:
            out.append(block)
            continue
        kept: list[str] = []
        skipping = False
        for line in block.splitlines(keepends=True):
            if skipping:
                skipping = "]" not in line
                continue
            field = re.match(r"^(\w+)\s*=", line)
            if field and field.group(1) in FIELDS:
                value = line.split("=", 1)[1]
                skipping = value.strip().startswith("[") and "]" not in value
                continue
            kept.append(line)
            if field and field.group(1) == "level":
                kept.extend(f"{f} = {toml_value(want[f])}\n" for f in FIELDS if f in want)
        out.append("".join(kept))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the fields in the registry file")
    parser.add_argument("--registry", type=Path, default=REGISTRY, help="the registry file (default: packaged)")
    args = parser.parse_args(argv)
    text = args.registry.read_text(encoding="utf-8")
    if args.write:
        new = rewrite(text)
        if new != text:
            args.registry.write_text(new, encoding="utf-8")
        print(f"{args.registry}: {'rewritten' if new != text else 'already up to date'}")
        return 0
    found = differences(text)
    for line in found:
        print(line)
    if not found:
        print(f"{args.registry}: every administrative field matches the packages")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
