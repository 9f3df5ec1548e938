"""govscraper: archive Vietnamese local-government news portals into SQLite, with their photos and documents.

The folders follow the flow of the data, crawl -> extract -> store -> search / publish:

* Scrapy's own layout, where ``scrapy startproject`` puts it: ``settings``, ``items``, ``middlewares``,
  ``extensions``, ``pipelines/``, ``spiders/``.
* ``crawl/``: one crawl of a portal (process, jobs and resume, scope, budgets, stopping, failure reasons).
* ``extract/``: pure page -> model (``extract/profiles/`` per platform, the generic path for any portal).
* ``text/``: pure Vietnamese text functions (normalisation, dates, decoding, repair).
* ``files/``: downloaded files (what their bytes are, documents' text, the worker pool that reads it).
* ``sources/``: sitemaps and feeds, the Wayback Machine, WARC files.
* ``archive/``: the SQLite schema and migrations, the write side, the full-text index, WARC captures, checks.
* ``search/``, ``publish/`` (export, stats, Datasette), ``ops/`` (schedules, probe), ``cli/`` (the command).
* Shared by every layer: ``model``, ``registry`` (with ``portals.toml``), ``config``, ``addresses``, ``progress``.

Layers import downward only, and only ``archive/`` (with the readers built on it) speaks SQL;
``tests/unit/test_layout.py`` holds the package to that. The replica portal used by the demo and the tests is a package
of its own,
``govscraper_replica``.
"""
