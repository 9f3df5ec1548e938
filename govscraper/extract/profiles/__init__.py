"""Platform profiles: one pure module per portal platform, reading its list and article pages by their markup.

Each module gives ``parse_list`` and ``parse_article`` (plus how its URLs look); the spiders in
``govscraper.spiders`` wrap them. A page of an unknown platform goes to ``govscraper.extract.generic``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

GENERIC = "generic"
#: The one list of platforms: each names a profile module of this package, in the order detection tries them,
#: then ``generic`` (any portal: link following and the generic extractor). The registry, the spiders, the CLI's
#: choices and the archive's column descriptions all take their platforms from here.
PLATFORMS: tuple[str, ...] = ("liferay62", "liferay7", "sharepoint", "uploadcms", GENERIC)


def __getattr__(name: str) -> dict[str, ModuleType]:
    """``PROFILES``: each profile module by the platform it reads, imported on first use. The registry and the
    commands that only read the archive need the names, not the page readers (parsel and lxml: 0.1 s of CPU in
    every such process)."""
    if name != "PROFILES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    profiles = {platform: importlib.import_module(f"{__name__}.{platform}") for platform in PLATFORMS[:-1]}
    globals()["PROFILES"] = profiles
    return profiles
