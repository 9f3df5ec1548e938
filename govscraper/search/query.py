"""Researchers' search queries, parsed and turned into safe FTS5 expressions for Vietnamese text.

The full-text index (:mod:`govscraper.archive.fulltext`) holds every text twice: as published, with one spelling for
tone placement ("exact" columns), and folded ("_f" columns: lowercase, no diacritics, đ → d). A query word decides
where it may match:

* a word written with diacritics ("hội", "Đức") matches only the exact columns: "thể" never finds "thế";
* a word without any ("hoi", "duc") matches the folded columns, so "mo duc" finds "Mộ Đức";
* tone placement is unified on both sides, so "hoà" and "hòa" are one word.

An article whose text matches every word as written is an *exact* match and ranks above the articles that match
only once folded (:attr:`Query.fts_exact`). Phrases (``"nông thôn mới"``), prefixes (``hoi*``), ``AND`` (also
implied between words), ``OR``, ``NOT`` and parentheses work as in FTS5. Nothing the user types reaches FTS5 or
SQL as syntax: every word goes out as a quoted string, and the expression is passed as a bound parameter. A query
that cannot be read raises :class:`SearchError` with a message meant for the user.

Pure functions: no SQLite here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from govscraper.archive.fulltext import FOLDED_COLUMNS, TEXT_COLUMNS
from govscraper.text.fold import canonical_tones, fold

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32

_EXACT = "{" + " ".join(TEXT_COLUMNS) + "}"
_OPERATORS = ("AND", "OR", "NOT")
#: Query tokens: a quoted phrase (closed or not), parentheses, a leading minus, or a run of anything else.
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)(?P<close>"?)(?P<pstar>\*?)|(?P<paren>[()])|(?P<bare>[^\s()"]+)')
_WORD = re.compile(r"[^\W_]+")


class SearchError(ValueError):
    """A query that cannot be searched; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query, in the form the index holds it."""

    words: tuple[str, ...]  # canonical tones, lowercase
    prefix: bool = False
    exact_only: bool = False  # every word carries diacritics: match as written only

    def folded(self) -> tuple[str, ...]:
        return tuple(fold(word) for word in self.words)

    def _fts(self, words: tuple[str, ...]) -> str:
        quoted = '"' + " ".join(words).replace('"', '""') + '"'
        return quoted + ("*" if self.prefix else "")

    def exact_fts(self) -> str:
        """The term matched as written, in the exact columns.

        A word with a diacritic (or đ) exists only in the exact columns (the folded ones hold none), so a term with
        one needs no column filter: the same rows and the same bm25 scores, and FTS5 need not read every position
        list to check its column (about twice as fast on common words). A term of plain letters only ("hoi") keeps
        the filter: its folded twin is in nearly every folded column.
        """
        if any(fold(word) != word for word in self.words):
            return self._fts(self.words)
        return f"{_EXACT} : {self._fts(self.words)}"

    def full_fts(self) -> str:
        """The term wherever it may match: as written if it carries diacritics, else folded.

        The folded form goes without a column filter: plain letters written in an exact column are in its folded
        twin too (folding leaves them as they are), so any column finds the same rows as the folded ones, and FTS5
        need not read every position list to check its column. bm25 then also counts the word where it stands
        as written (plain) in an exact column, which only an article already matching it folded can have.
        """
        if self.exact_only:
            return self.exact_fts()
        return self._fts(self.folded())


@dataclass(frozen=True)
class Node:
    """An operator over sub-expressions: ``op`` is AND, OR or NOT (binary: left NOT right)."""

    op: str
    children: tuple[Node | Term, ...]


@dataclass
class Query:
    """A parsed query: its FTS5 expressions and the terms to highlight."""

    text: str
    tree: Node | Term
    terms: list[Term] = field(default_factory=list)

    @property
    def fts_full(self) -> str:
        """Every article the query finds, exact or folded."""
        return _render(self.tree, full=True)

    @property
    def fts_exact(self) -> str:
        """The articles that match as written (ranked first).

        Without NOT, the exact expression alone: a term that matches as written also matches once folded, so it
        finds the same articles as the full and exact expressions together, in about half the time, and bm25 scores
        them by the words as written. With NOT ("hội nghị NOT huyen") an article can match the exact expression and
        not the full one (it has "huyện", which the folded "huyen" excludes), so both are required.
        """
        if not self.has_folded_terms:
            return self.fts_full
        exact = _render(self.tree, full=False)
        if not self.has_not:
            return exact
        return f"({self.fts_full}) AND ({exact})"

    @property
    def fts_folded_only(self) -> str | None:
        """The articles found only once folded, or None when every term carries diacritics."""
        if not self.has_folded_terms:
            return None
        return f"({self.fts_full}) NOT ({_render(self.tree, full=False)})"

    @property
    def has_not(self) -> bool:
        """Whether the query excludes something (NOT): then matching as written does not imply matching folded."""
        return _has_not(self.tree)

    @property
    def has_folded_terms(self) -> bool:
        return any(not term.exact_only for term in self.terms)


def _has_not(node: Node | Term) -> bool:
    return isinstance(node, Node) and (node.op == "NOT" or any(_has_not(child) for child in node.children))


def _render(node: Node | Term, *, full: bool) -> str:
    if isinstance(node, Term):
        return node.full_fts() if full else node.exact_fts()
    parts = [_render(child, full=full) for child in node.children]
    return "(" + f" {node.op} ".join(parts) + ")"


def normalize_word(word: str) -> str:
    """A query word as the exact columns hold words: NFC, new-style tone placement, lowercase."""
    return canonical_tones(unicodedata.normalize("NFC", word)).lower()


def _term(text: str, *, prefix: bool = False) -> Term | None:
    words = tuple(normalize_word(word) for word in _WORD.findall(unicodedata.normalize("NFC", text)))
    if not words:
        return None
    exact_only = all(fold(word) != word for word in words)
    return Term(words, prefix=prefix, exact_only=exact_only)


def _tokens(text: str) -> list[tuple[str, str | Term]]:
    """("op", AND|OR|NOT), ("paren", "(" or ")") or ("term", Term); minus before a word means NOT."""
    tokens: list[tuple[str, str | Term]] = []
    for match in _TOKEN.finditer(text):
        if match.group("paren"):
            tokens.append(("paren", match.group("paren")))
        elif match.group("phrase") is not None:
            if not match.group("close"):
                raise SearchError('a phrase is not closed: add the missing " (double quote)')
            term = _term(match.group("phrase"), prefix=bool(match.group("pstar")))
            if term is not None:
                tokens.append(("term", term))
        else:
            bare = match.group("bare")
            if bare in _OPERATORS:
                tokens.append(("op", bare))
                continue
            negated = bare.startswith("-") and len(bare) > 1
            if negated:
                bare = bare[1:]
            prefix = bare.endswith("*")
            term = _term(bare.rstrip("*"), prefix=prefix)
            if term is None:
                continue  # punctuation alone: nothing to search for
            if negated:
                tokens.append(("op", "NOT"))
            tokens.append(("term", term))
    return tokens


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not (AND? not)*; not := unary (NOT unary)*."""

    def __init__(self, tokens: list[tuple[str, str | Term]]):
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.terms: list[Term] = []

    def peek(self) -> tuple[str, str | Term] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str | Term]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | Term:
        if not self.tokens:
            raise SearchError("the query has no words to search for")
        tree = self.or_expression()
        if self.peek() is not None:  # only a ")" can be left over
            raise SearchError(") has no matching (")
        return tree

    def or_expression(self) -> Node | Term:
        children = [self.and_expression()]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.and_expression())
        return children[0] if len(children) == 1 else Node("OR", tuple(children))

    def and_expression(self) -> Node | Term:
        children = [self.not_expression()]
        while True:
            token = self.peek()
            if token == ("op", "AND"):
                self.take()
            elif token is None or token in (("op", "OR"), ("paren", ")")):
                break
            elif token == ("op", "NOT"):
                raise SearchError("NOT needs a word before it, as in: hội nghị NOT huyện")
            children.append(self.not_expression())
        return children[0] if len(children) == 1 else Node("AND", tuple(children))

    def not_expression(self) -> Node | Term:
        node = self.unary()
        while self.peek() == ("op", "NOT"):
            self.take()
            node = Node("NOT", (node, self.unary()))
        return node

    def unary(self) -> Node | Term:
        token = self.peek()
        if token is None:
            raise SearchError("the query ends with an operator: add a word after it")
        kind, value = self.take()
        if kind == "term":
            assert isinstance(value, Term)
            self.terms.append(value)
            return value
        if token == ("paren", "("):
            self.depth += 1
            inner = self.or_expression()
            if self.peek() != ("paren", ")"):
                raise SearchError("( has no matching )")
            self.take()
            self.depth -= 1
            return inner
        if token == ("paren", ")"):
            raise SearchError("( ) holds no words" if self.depth else ") has no matching (")
        if value == "NOT":
            raise SearchError("NOT needs a word before it, as in: hội nghị NOT huyện")
        raise SearchError(f"{value} needs a word on each side")


def parse(text: str) -> Query:
    """Parse a researcher's query; :class:`SearchError` says what is wrong with one that cannot be searched."""
    if not isinstance(text, str) or not text.strip():
        raise SearchError("the query is empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH})")
    if "\x00" in text:
        raise SearchError("the query contains a NUL character")
    parser = _Parser(_tokens(text))
    tree = parser.parse()
    if len(parser.terms) > MAX_TERMS:
        raise SearchError(f"the query has too many words ({len(parser.terms)}; at most {MAX_TERMS})")
    return Query(text=text, tree=tree, terms=parser.terms)


__all__ = ["FOLDED_COLUMNS", "TEXT_COLUMNS", "Node", "Query", "SearchError", "Term", "normalize_word", "parse"]
