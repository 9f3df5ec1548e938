"""The ``govscraper`` command: register, crawl, inspect and demo the archive.

One module per group of commands (:mod:`.crawling`, :mod:`.reading`, :mod:`.serving`, :mod:`.admin`), the group
itself and what every command shares in :mod:`.common`. One function per command, shared options as decorators,
the docstring as the help text.
"""

from __future__ import annotations

from govscraper.cli import admin, crawling, reading, serving
from govscraper.cli.common import cli

__all__ = ["admin", "cli", "crawling", "main", "reading", "serving"]


def main() -> None:
    cli()
