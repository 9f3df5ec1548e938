"""Vietnamese full-text search over the archive: the query language, the FTS5 index, ranking and snippets.

* :mod:`.query`: parse what a researcher types into safe FTS5 expressions (exact and folded forms);
* :mod:`.engine`: filters, ranking over every match, counts, the selection exports use;
* :mod:`.ranking`: the ranking itself, through the ranking index beside the archive (Tantivy);
* :mod:`.snippet`: the matching words marked in the text as published.
"""

from govscraper.search.engine import Filters, Hit, Results, count, search, selected_articles
from govscraper.search.query import Query, SearchError, parse

__all__ = ["Filters", "Hit", "Query", "Results", "SearchError", "count", "parse", "search", "selected_articles"]
