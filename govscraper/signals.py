"""Signals of govscraper's own, sent through the crawler's signal manager."""

#: Something the crawl could not archive. Keyword arguments: ``url``, ``kind`` (list, article, page, image,
#: attachment), ``error`` (one line), ``status`` (HTTP status or None), ``referer``.
fetch_failed = object()

#: A conditional request for an archived article answered 304: it was seen, unchanged. Keyword argument: ``url``.
article_unchanged = object()
