"""Vietnamese full-text search over the archive: the query language, the FTS5 index, ranking and snippets.

* :mod:`.query`: parse what a researcher types into safe FTS5 expressions (exact and folded forms);
* :mod:`.index`: the ``articles_fts`` table and how an article's row is written;
* :mod:`.engine`: filters, ranking (exact matches first), counts, the selection exports use;
* :mod:`.snippet`: the matching words marked in the text as published.
"""

from govscraper.search.engine import RANK_WINDOW, Filters, Hit, count, search, selected_articles
from govscraper.search.query import Query, SearchError, parse

__all__ = ["RANK_WINDOW", "Filters", "Hit", "Query", "SearchError", "count", "parse", "search", "selected_articles"]
