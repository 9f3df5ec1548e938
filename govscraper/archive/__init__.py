"""Storing: the archive's SQLite schema and migrations, the write side, the full-text index, WARC captures, checks.

* :mod:`.schema`: numbered migrations and the two ways to open an archive (writing, and read-only).
* :mod:`.writer`: runs, articles with their images and attachments, blobs and failures, written by a crawl.
* :mod:`.fulltext`: the FTS5 rows kept in step with the articles in the same transaction.
* :mod:`.warc`: raw captures written as WARC files, and reading one record back.
* :mod:`.lookup`: an article, its versions and its captures read back (``show``, ``history``).
* :mod:`.verify`: every stored byte checked against its digest.

Storage imports nothing from search, publishing or the CLI: those read what it writes.
"""
