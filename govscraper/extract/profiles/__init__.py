"""Platform profiles: one pure module per portal platform, reading its list and article pages by their markup.

Each module gives ``parse_list`` and ``parse_article`` (plus how its URLs look); the spiders in
``govscraper.spiders`` wrap them. A page of an unknown platform goes to ``govscraper.extract.generic``.
"""

from __future__ import annotations

from types import ModuleType

from govscraper.extract.profiles import liferay7, liferay62, sharepoint, uploadcms

#: The one list of platforms: each profile module by the platform name it reads, in the order detection tries
#: them, then ``generic`` (any portal: link following and the generic extractor). The registry, the spiders, the
#: CLI's choices and the archive's column descriptions all take their platforms from here.
PROFILES: dict[str, ModuleType] = {
    profile.PLATFORM: profile for profile in (liferay62, liferay7, sharepoint, uploadcms)
}
GENERIC = "generic"
PLATFORMS: tuple[str, ...] = (*PROFILES, GENERIC)
