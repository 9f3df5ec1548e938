"""Real pages from public sources, read where they are kept: the fixtures folder beside the checkout.

Pages taken from public sources are not copied into this repository. CI has them beside the checkout
(``../shared/fixtures/``); on a machine without them, the tests that read them are skipped with the reason below,
and every other test still runs. What the pages are and where they come from is in
``tests/fixtures/<set>/README.md``, beside the values read off them by hand (``expected_*.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "fixtures"
#: The eight saved pages of sotttt.hanoi.gov.vn (Liferay 6.2); their provenance: tests/fixtures/liferay62/README.md.
LIFERAY62 = SHARED / "liferay62"
ABSENT = f"real Liferay 6.2 pages not found at {LIFERAY62} (public fixtures are kept beside the checkout, not in it)"


def liferay62_present() -> bool:
    return LIFERAY62.is_dir() and any(LIFERAY62.glob("*.html"))


def liferay62_pages(pattern: str = "*.html") -> list[Any]:
    """The real pages matching ``pattern``, sorted, for ``parametrize``: one skipped case saying why when absent."""
    found = sorted(LIFERAY62.glob(pattern)) if LIFERAY62.is_dir() else []
    return found or [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT), id="absent")]


def liferay62_page(name: str) -> Path:
    """One real page by its file name; the calling test is skipped when the pages are absent."""
    path = LIFERAY62 / name
    if not path.is_file():
        pytest.skip(ABSENT)
    return path
