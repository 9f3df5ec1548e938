"""The test pages and the values read off them: every test and benchmark finds them here, and only here.

One convention for every folder ``tests/fixtures/<set>/`` (written down in ``tests/fixtures/README.md``):

* ``PROVENANCE.md``: where the pages come from and how their expected values were written;
* for every page, ``<page stem>.json``: its expected values, read off the page by hand, with at least ``url`` (the
  page's address on its portal) and ``kind`` (``article``, ``list`` or ``other``), and for articles and lists the
  fields the tests check;
* the page itself: a page the project built sits beside its JSON (``<page stem>.html``); a page from a public source
  is never copied into the repository: its JSON names it (``real_page``, a path under the public-fixtures folder
  beside the checkout, ``../shared/fixtures/``, where CI has it), and a test that reads it is skipped, saying why,
  where it is absent, while every other test still runs;
* a folder that :class:`tests.helpers.fixture_site.FixtureSite` serves as a portal adds ``served_at`` (the paths a
  page answers at) to each page's JSON and a ``site.json`` (``base_url``, ``other_sites``); a page is served on the
  site of its own ``url``.

This module took in the former ``tests/helpers/real_pages.py``: finding a page beside the checkout is one case of
finding a fixture page, so a test asks one module whichever side of the checkout the page is on. The variable
``GOVSCRAPER_PUBLIC_FIXTURES`` points at another public-fixtures folder (one that does not exist shows the skips).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from govscraper.text import decode_page

ROOT = Path(__file__).resolve().parents[2]
#: The folders of values read off the pages (and of the pages the project built).
FIXTURES = ROOT / "tests" / "fixtures"
#: Where pages from public sources are kept: beside the checkout, never in it.
PUBLIC = Path(os.environ.get("GOVSCRAPER_PUBLIC_FIXTURES") or ROOT.parent / "shared" / "fixtures")
#: The sets of pages, one folder each.
SETS = tuple(sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()))
KINDS = ("article", "list", "other")
#: The folder-wide serving facts of a fixture portal; every other JSON of a folder is one page's.
SITE_FILE = "site.json"


def _stem(page: str | Path) -> str:
    """A page named by its file name, its stem or its path, as the stem its JSON is named by."""
    return Path(page).name.removesuffix(".json").removesuffix(".html")


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def expected(set_name: str, page: str | Path) -> dict[str, Any]:
    """The values read off ``page`` (a file name, stem or path) of ``set_name``: its ``<stem>.json``, a fresh dict."""
    return _read(FIXTURES / set_name / f"{_stem(page)}.json")


def _page_jsons(set_name: str) -> list[Path]:
    return [path for path in sorted((FIXTURES / set_name).glob("*.json")) if path.name != SITE_FILE]


def _where(set_name: str, stem: str, values: dict[str, Any]) -> Path:
    """Where a page is, or would be: beside the checkout when its JSON names a real page, else beside its JSON."""
    if "real_page" in values:
        return PUBLIC / values["real_page"]
    return FIXTURES / set_name / f"{stem}.html"


def locate(set_name: str, page: str | Path) -> Path:
    """Where ``page`` is kept, at hand or not (benchmarks check ``is_file()`` and say what they leave out)."""
    return _where(set_name, _stem(page), expected(set_name, page))


def names(set_name: str, kind: str | None = None) -> list[str]:
    """The file names of the set's pages (those with a JSON), sorted; only those of ``kind`` when it is given."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    listed: list[str] = []
    for path in _page_jsons(set_name):
        values = _read(path)
        if kind is None or values["kind"] == kind:
            listed.append(_where(set_name, path.stem, values).name)
    return sorted(listed)


def found(set_name: str, kind: str | None = None) -> list[Path]:
    """The set's pages that are at hand (of ``kind``), sorted by file name: no skip, for loops and benchmarks."""
    return [path for path in (locate(set_name, name) for name in names(set_name, kind)) if path.is_file()]


def present(set_name: str) -> bool:
    """Whether every page of the set is at hand (always, for pages kept in the repository)."""
    return len(found(set_name)) == len(names(set_name))


def absent(set_name: str) -> str:
    """The reason a test that needs the set's real pages gives when it is skipped."""
    return (
        f"real pages of tests/fixtures/{set_name} not found at {PUBLIC / set_name} "
        "(pages from public sources are kept beside the checkout, not in it)"
    )


def pages(set_name: str, kind: str | None = None) -> list[Any]:
    """The pages at hand (of ``kind``) as paths, sorted, for ``parametrize``; where none is at hand, one skipped case
    saying why (id ``absent``)."""
    return found(set_name, kind) or [pytest.param(None, marks=pytest.mark.skip(reason=absent(set_name)), id="absent")]


def page_path(set_name: str, page: str | Path) -> Path:
    """The path of one page; the calling test is skipped, saying why, when it is a real page that is absent."""
    path = locate(set_name, page)
    if not path.is_file() and "real_page" in expected(set_name, page):
        pytest.skip(absent(set_name))
    return path


def page_bytes(set_name: str, page: str | Path) -> bytes:
    """The bytes of one page, as saved (see :func:`page_path` for the skip)."""
    return page_path(set_name, page).read_bytes()


def page_text(set_name: str, page: str | Path) -> str:
    """One page decoded as a crawl decodes it (:func:`govscraper.text.decode_page`: charset, BOM, NFC)."""
    return decode_page(page_bytes(set_name, page))


def site(set_name: str) -> dict[str, Any]:
    """The serving facts of a fixture portal's folder (``site.json``): ``base_url`` and any ``other_sites``."""
    return _read(FIXTURES / set_name / SITE_FILE)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def routes(set_name: str, origin: str) -> dict[str, Path]:
    """Path (with query) → page for the site at ``origin``: each page's ``served_at``, for the pages whose ``url``
    is on that site."""
    facts = site(set_name)
    known = {_origin(url) for url in [facts["base_url"], *facts.get("other_sites", [])]}
    if _origin(origin) not in known:
        raise ValueError(f"{origin} is not a site of tests/fixtures/{set_name} (site.json: {sorted(known)})")
    table: dict[str, Path] = {}
    for path in _page_jsons(set_name):
        values = _read(path)
        if _origin(values["url"]) == _origin(origin):
            for served in values.get("served_at", []):
                table[served] = _where(set_name, path.stem, values)
    return table
