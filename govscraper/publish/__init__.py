"""Taking the archive to researchers: exports, statistics, and Datasette with the Vietnamese search plugin.

* :mod:`.export`: JSON lines, CSV and WARC out of the archive (``govscraper export``).
* :mod:`.stats`: what the archive holds, per portal (``govscraper stats``).
* :mod:`.serve`: Datasette over the archive, read-only and described (``govscraper serve``).
* :mod:`.datasette_plugin`: the search functions Datasette loads through its entry point.
"""
