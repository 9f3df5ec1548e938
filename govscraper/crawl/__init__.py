"""Crawling: running one crawl of a portal, keeping it on its site and within its budget, stopping it well.

* :mod:`.process`: one crawl of one portal in this process (``govscraper crawl``, ``demo``).
* :mod:`.jobs`: each portal's job directory, its lock, and what ``--resume`` needs.
* :mod:`.scope`: which URLs a crawl may reach (with ``govscraper.addresses``: which network addresses).
* :mod:`.budget`: how many requests and pages one crawl may spend.
* :mod:`.stopping`: Ctrl-C and signals, stopping at once and truthfully.
* :mod:`.failures`: one-line reasons for failed downloads.

Which portals exist is ``govscraper.registry`` (with ``portals.toml``), beside the package's other shared
modules. The Scrapy components that use these (``settings``, ``middlewares``, ``extensions``, ``spiders``,
``pipelines``) stay at the package's top, where ``scrapy startproject`` puts them, so ``scrapy crawl`` and Scrapyd
find them.
"""
