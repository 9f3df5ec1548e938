"""``python -m govscraper`` is the ``govscraper`` command."""

from govscraper.cli import main

main()
