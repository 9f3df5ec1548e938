"""A real browser for the reading room's tests: Debian's chromium, headless, driven by chromedriver through Selenium.

The flags are those a closed machine needs (no sandbox as root, no GPU, no background connections to Google's
services, which this network refuses: without them chromium retries them for the whole test), and a fresh profile
per browser. Downloads go to a folder of the test's own, allowed through the DevTools protocol
(``Browser.setDownloadBehavior``), so a test can wait for the file itself.

Without chromium and chromedriver the browser tests are skipped with the reason, except in CI (``CI`` set), where
``.ci/run`` installs the two Debian packages first and their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def require_browser() -> None:
    """Skip (or, in CI, fail) when Debian's chromium or chromedriver is missing."""
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def browser(profile: Path, downloads: Path) -> Iterator:
    """A headless chromium with a fresh profile, saving downloads into ``downloads``; quit at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(120)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


__all__ = ["CHROMEDRIVER", "CHROMIUM", "browser", "require_browser"]
