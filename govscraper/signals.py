"""Signals of govscraper's own, sent through the crawler's signal manager."""

#: Something the crawl could not archive. Keyword arguments: ``url``, ``kind`` (list, article, page, image,
#: attachment), ``error`` (one line), ``status`` (HTTP status or None), ``referer``.
fetch_failed = object()

#: A conditional request for an archived article answered 304: it was seen, unchanged. Keyword argument: ``url``.
article_unchanged = object()

#: The first page of a list said how long the list is: a total of results ("Hiển thị 1 - 10 of 356 kết quả") or a
#: last page number in its pager. Keyword arguments: ``key`` (what identifies the list across URLs), ``url``,
#: ``total`` (or None), ``last_page`` (or None), ``per_page`` (entries on this first page).
list_announced = object()
