"""Ranking every match through the ranking index (:mod:`govscraper.archive.ranking_index`, Tantivy).

The ranking, for every match of the query in the whole archive (no window, no sampling):

1. **Exact before folded**: articles that match every word as written (tone placement unified) come first; those
   found only once folded ("bao" finding "bão", "báo" and "bảo") after them. Two searches, as two groups.
2. **Relevance** within a group: BM25 (Tantivy's, per field) weighted by field (:data:`WEIGHTS`: title 10, author 5,
   sapo 4, captions 2, body 1, documents 0.5), plus, for a query of several words without OR, NOT or prefixes, a
   **phrase boost**: the words next to each other and in order in the title, the sapo or the body
   (:data:`PHRASE_WEIGHTS`), and, for three words or more, a smaller one when they stand within :data:`NEAR_SLOP`
   words of each other in the body. So "Nguyễn Quang Vinh" finds the name before articles naming "Nguyễn Văn
   Vinh" and "Trần Quang Hải", and "giai phong mat bang" the phrase before "bàn giao ... mặt bằng".
3. **Recency** breaks ties only: equal scores, newest publication first, then the most recently archived.

Tantivy finds the best N of a group without scoring every match where it can (block-max WAND on one word) and in a
few milliseconds where it must (phrases over 25,000 matches): figures in ``docs/benchmarks.md``. Filters (portal,
dates, category) are part of the query, so the top N is the top N of the filtered archive.

The matching is the FTS5 query's (:mod:`govscraper.search.query`): the same tokens (both indexes hold the same texts,
cut the same way), a word with diacritics in the exact fields only, one without in the folded ones, phrases, prefixes,
AND, OR, NOT; the counts agree with FTS5's.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscraper.archive.fulltext import WEIGHTS
from govscraper.archive.ranking_index import category_key, index_path, open_index, read_generation, rebuild, state
from govscraper.search.query import Node, Query, Term

#: Weight of the query's words standing together, in order, in a field (the phrase's own BM25), on top of the words'
#: own weights. Heavy on purpose: "Nguyễn Quang Vinh" once in a body ranks above "Nguyễn Văn Vinh" and "Trần Quang
#: Hải" in a title, and an article repeating the phrase above one that has it once.
PHRASE_WEIGHTS = {"title": 150.0, "sapo": 120.0, "body": 100.0}
#: "Close together", for queries of three words or more: at most this many other words between them, in the body.
NEAR_SLOP = 4
NEAR_WEIGHT = 10.0
#: Candidates fetched beyond the page, so that ties at its edge can be ordered by recency.
TIE_MARGIN = 16


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


@dataclass
class Ranked:
    """One article of a ranked page."""

    id: int
    group: int  # 0 exact, 1 folded only
    score: float
    moment: int  # publication time as digits (YYYYMMDDhhmmss), 0 when unknown
    address: Any = field(default=None, repr=False)


class Ranker:
    """An open ranking index, for one archive."""

    def __init__(self, index, folder: Path):
        self.index = index
        self.folder = folder
        self.schema = index.schema

    # Query building ---------------------------------------------------------------------------------------------

    def _words(self, field_name: str, words: tuple[str, ...], prefix: bool, slop: int = 0):
        import tantivy

        if len(words) == 1 and not prefix:
            return tantivy.Query.term_query(self.schema, field_name, words[0])
        if len(words) == 1:
            return tantivy.Query.regex_query(self.schema, field_name, words[0] + ".*")
        if prefix:
            return tantivy.Query.phrase_prefix_query(self.schema, field_name, list(words))
        return tantivy.Query.phrase_query(self.schema, field_name, list(words), slop)

    @staticmethod
    def _form(term: Term, form: str) -> tuple[tuple[str, ...], str]:
        """The words and the field suffix a term is matched with: as written in the exact fields, or folded."""
        if form == "exact" or term.exact_only:
            return term.words, ""
        return term.folded(), "_f"

    def _term(self, term: Term, form: str, columns: tuple[str, ...] | None = None):
        import tantivy

        words, suffix = self._form(term, form)
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(self._words(column + suffix, words, term.prefix), weight))
            for column, weight in WEIGHTS.items()
            if columns is None or column in columns
        ]
        return tantivy.Query.boolean_query(clauses)

    def _render(self, node: Node | Term, form: str):
        import tantivy

        if isinstance(node, Term):
            return self._term(node, form)
        children = [self._render(child, form) for child in node.children]
        if node.op == "AND":
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, child) for child in children])
        if node.op == "OR":
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, child) for child in children])
        left, right = children
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, left), (tantivy.Occur.MustNot, right)])

    @staticmethod
    def phrase_terms(query: Query) -> list[Term] | None:
        """The terms whose words the phrase boost joins: a query of several words without OR, NOT or prefixes."""
        tree = query.tree
        terms = [tree] if isinstance(tree, Term) else list(tree.children) if tree.op == "AND" else []
        if not terms or not all(isinstance(term, Term) and not term.prefix for term in terms):
            return None
        if sum(len(term.words) for term in terms) < 2:
            return None
        return terms

    def _boosts(self, query: Query, form: str) -> dict[str, Any]:
        """The phrase-boost queries of a group, by name (``title``, ``sapo``, ``body``, ``captions``, ``near``)."""
        import tantivy

        terms = self.phrase_terms(query)
        if terms is None:
            return {}
        folded = form == "full" and not all(term.exact_only for term in terms)
        words = tuple(word for term in terms for word in (term.folded() if folded else term.words))
        suffix = "_f" if folded else ""
        boosts = {
            column: tantivy.Query.boost_query(self._words(column + suffix, words, False), weight)
            for column, weight in PHRASE_WEIGHTS.items()
        }
        if len(words) >= 3:  # for two words, "together" is the phrase itself
            near = self._words("body" + suffix, words, False, NEAR_SLOP)
            boosts["near"] = tantivy.Query.boost_query(near, NEAR_WEIGHT)
        return boosts

    def _filters(self, filters, since: str | None, until: str | None) -> list:
        import tantivy

        clauses = []
        if filters is not None and filters.portals:
            clauses.append(tantivy.Query.term_set_query(self.schema, "portal", list(filters.portals)))
        if since or until:
            lower = int(since.replace("-", "")) if since else 1  # no date: not within any period (as in SQL)
            upper = int(until.replace("-", "")) if until else None
            clauses.append(
                tantivy.Query.range_query(
                    self.schema, "day", tantivy.FieldType.Integer, lower, upper, include_upper=upper is None
                )
            )
        if filters is not None and filters.category:
            clauses.append(tantivy.Query.term_set_query(self.schema, "category", [category_key(filters.category)]))
        return [(tantivy.Occur.Must, tantivy.Query.const_score_query(clause, 0.0)) for clause in clauses]

    def group_queries(self, query: Query, filter_clauses: list) -> list[tuple[Any, dict[str, Any]]]:
        """The exact group's query and the folded-only group's (when the query has words without diacritics), each
        with its phrase boosts."""
        import tantivy

        must, must_not, should = tantivy.Occur.Must, tantivy.Occur.MustNot, tantivy.Occur.Should
        full = self._render(query.tree, "full")
        exact = self._render(query.tree, "exact")
        if query.has_folded_terms and query.has_not:
            exact_match = tantivy.Query.boolean_query([(must, full), (must, exact)])
        else:
            exact_match = exact
        groups = []
        boosts = self._boosts(query, "exact")
        groups.append(
            (
                tantivy.Query.boolean_query(
                    [(must, exact_match), *[(should, b) for b in boosts.values()], *filter_clauses]
                ),
                boosts,
            )
        )
        if query.has_folded_terms:
            boosts = self._boosts(query, "full")
            clauses = [(must, full), (must_not, exact_match), *[(should, b) for b in boosts.values()], *filter_clauses]
            groups.append((tantivy.Query.boolean_query(clauses), boosts))
        return groups

    # Searching --------------------------------------------------------------------------------------------------

    def _top(self, searcher, group_query, wanted: int, group: int) -> tuple[list[Ranked], int]:
        """The best ``wanted`` of a group, ties ordered by recency; and how many the group holds."""
        fetch = wanted + TIE_MARGIN
        while True:
            result = searcher.search(group_query, fetch, count=True)
            hits = result.hits
            if len(hits) < fetch or wanted == 0 or hits[-1][0] < hits[wanted - 1][0]:
                break
            fetch *= 4  # the page's last score continues past what was fetched: fetch the whole tie
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        moments = searcher.fast_field_values("moment", addresses) if addresses else []
        ranked = [
            Ranked(int(i), group, float(score), int(d), address)
            for (score, address), i, d in zip(hits, ids, moments, strict=True)
        ]
        ranked.sort(key=lambda r: (-r.score, -r.moment, -r.id))
        return ranked[:wanted], result.count

    def rank(
        self, query: Query, filters, since: str | None, until: str | None, wanted: int
    ) -> tuple[list[Ranked], int]:
        """The best ``wanted`` articles, exact group first; and how many articles match in all."""
        searcher = self.index.searcher()
        filter_clauses = self._filters(filters, since, until)
        found: list[Ranked] = []
        total = 0
        for group, (group_query, _) in enumerate(self.group_queries(query, filter_clauses)):
            top, count = self._top(searcher, group_query, max(0, wanted - len(found)), group)
            found += top
            total += count
        self._searcher = searcher
        return found, total

    def explain(self, query: Query, ranked: list[Ranked]) -> list[dict[str, Any]]:
        """For each ranked article, the parts of its score: each field's words, each phrase boost."""
        import tantivy

        searcher = getattr(self, "_searcher", None) or self.index.searcher()
        parts: list[dict[str, Any]] = []
        positives = _positive_terms(query.tree)
        for item in ranked:
            form = "exact" if item.group == 0 else "full"
            fields = {}
            for column in WEIGHTS:
                per_field = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, self._term(term, form, (column,))) for term in positives]
                )
                fields[column] = _value(per_field, searcher, item.address)
            phrase = {name: _value(boost, searcher, item.address) for name, boost in self._boosts(query, form).items()}
            parts.append(
                {
                    "match": "exact" if item.group == 0 else "folded",
                    "score": round(item.score, 4),
                    "fields": {name: round(value, 4) for name, value in fields.items() if value},
                    "phrase": {name: round(value, 4) for name, value in phrase.items() if value},
                }
            )
        return parts


def _value(tantivy_query, searcher, address) -> float:
    try:
        return float(json.loads(tantivy_query.explain(searcher, address).to_json())["value"])
    except (ValueError, KeyError, TypeError):  # the document does not match this part
        return 0.0


def _positive_terms(node: Node | Term) -> list[Term]:
    """The terms that can add to a score (not those after NOT)."""
    if isinstance(node, Term):
        return [node]
    children = node.children[:1] if node.op == "NOT" else node.children
    return [term for child in children for term in _positive_terms(child)]


_OPEN: dict[Path, tuple[int, Ranker]] = {}


def open_ranker(conn: sqlite3.Connection) -> tuple[Ranker | None, str]:
    """The archive's ranking index if it can be trusted (in step, readable here), else None and why not.

    Never writes: a missing or stale index is reported, not repaired (a writer's next sync, or ``govscraper
    reindex``, repairs it). Opened indexes are kept per process (Datasette asks many times) and reopened when a sync
    gave them a new generation.
    """
    db_path = database_file(conn)
    if db_path is None:
        return None, "the archive is in memory"
    try:
        current = state(conn, db_path)
    except sqlite3.OperationalError as exc:  # an archive from before the ranking index (read without upgrading)
        return None, f"the archive has no ranking index tables ({exc})"
    if not current.in_step:
        return None, current.reason()
    folder = index_path(db_path)
    cached = _OPEN.get(folder)
    if cached is not None and cached[0] == current.generation:
        return cached[1], ""
    try:
        ranker = Ranker(open_index(folder), folder)
        ranker.index.searcher()  # Tantivy takes a lock file to read: this is where read-only storage fails
    except (OSError, ValueError) as exc:
        return None, f"the ranking index cannot be opened here ({exc})"
    recorded = read_generation(folder)
    if recorded is None or recorded[1] != current.generation:
        return None, "the ranking index changed while it was opened"
    _OPEN[folder] = (current.generation, ranker)
    return ranker, ""


__all__ = ["NEAR_SLOP", "PHRASE_WEIGHTS", "Ranked", "Ranker", "database_file", "open_ranker", "rebuild"]
