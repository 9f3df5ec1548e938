"""Running govscraper as a user does: a command in a new process, and a registry entry for a replica portal.

Crawls run in their own process (``python -m govscraper``): Twisted's reactor runs once per process, and a
separate process is how archivists run crawls anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from govscraper_replica import ReplicaServer, ReplicaSite

ROOT = Path(__file__).resolve().parents[2]


def registry_entry(
    portal_id: str, server: ReplicaServer, site: ReplicaSite, platform: str = "liferay62", *, home_only: bool = False
) -> str:
    """A registry entry for a replica, as an archivist would write it (``home_only``: no start URLs, so the crawl
    starts from the home page and finds the categories itself)."""
    categories = "" if home_only else ", ".join(f'"{slug}"' for slug, *_ in site.categories)
    return (
        f'[[portal]]\nid = "{portal_id}"\nname = "Cổng thông tin điện tử huyện Mộ Đức (bản sao)"\n'
        f'province = "Quảng Ngãi"\nlevel = "huyện"\nbase_url = "{server.url}"\nplatform = "{platform}"\n'
        f'start_urls = [{categories}]\nstatus = "live"\n\n'
    )


def run_cli(
    *args: str,
    registry: Path | None = None,
    timeout: float = 240,
    cwd: Path | None = None,
    command: tuple[str, ...] = (sys.executable, "-m", "govscraper"),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a govscraper command in a new process, as a user would; output captured as text. ``env``: variables set
    over this process's environment."""
    merged = {**os.environ, "PYTHONUTF8": "1", **(env or {})}
    if registry is not None:
        merged["GOVSCRAPER_REGISTRY"] = str(registry)
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=merged, cwd=cwd or ROOT, check=False
    )
