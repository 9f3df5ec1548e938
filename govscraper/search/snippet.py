"""Snippets: the part of an article's text where a query matched, with the matching words marked.

FTS5's own ``snippet()`` cannot mark a folded match in the text as published (the match is in the folded twin
column), so snippets are cut here from the stored text, matching words the way the index does: a word written
with diacritics as written (tone placement unified), one without folded. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from govscraper.search.query import Term, normalize_word
from govscraper.text.fold import fold

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65_536)
def _forms(word: str) -> tuple[str, str]:
    """A text word as the index holds it: exact (tone placement unified, lowercase) and folded. Cached: a language's
    words repeat, and this is most of a snippet's cost."""
    exact = normalize_word(word)
    return exact, fold(exact)


def matching_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """(start, end) of every word of ``text`` that a query word matches; a phrase only where it occurs whole.

    A query word with diacritics matches the text word as written (tone placement unified); one without, the text
    word folded; the last word of a prefix term matches any word it begins. Word by word, each text word's two forms
    cached and indexed once per text (a regular expression over the whole text in both forms was measured slower:
    3.5 s against 2.7 s for 30,600 texts, as putting the whole text in both forms costs more than looking its words
    up).
    """
    found = list(_WORD.finditer(text))
    forms = [_forms(match.group()) for match in found]
    places: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})  # exact, folded: word -> positions
    for position, (exact, folded) in enumerate(forms):
        places[0].setdefault(exact, []).append(position)
        places[1].setdefault(folded, []).append(position)
    marked: set[int] = set()
    for term in terms:
        form = 0 if term.exact_only else 1
        wanted = term.words if term.exact_only else term.folded()
        last = len(wanted) - 1
        if term.prefix and last == 0:
            starts = [i for key, found_at in places[form].items() if key.startswith(wanted[0]) for i in found_at]
        else:
            starts = [i for i in places[form].get(wanted[0], ()) if i + last < len(forms)]
        for i in starts:
            if all(
                forms[i + k][form].startswith(wanted[k])
                if term.prefix and k == last
                else forms[i + k][form] == wanted[k]
                for k in range(1, last + 1)
            ):
                marked.update(range(i, i + last + 1))
    return [found[i].span() for i in sorted(marked)]


@dataclass
class Snippet:
    """A cut of a text and where the query matched in it: ``(start, end)`` offsets, whole phrases as one span."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    def marked(self, marks: tuple[str, str] = ("[", "]")) -> str:
        pieces, cursor = [], 0
        for start, stop in self.spans:
            pieces.append(self.text[cursor:start] + marks[0] + self.text[start:stop] + marks[1])
            cursor = stop
        return "".join(pieces) + self.text[cursor:]


def _merged(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    """Matching words, runs of them (only spaces between) joined into one span: (start, end, words)."""
    spans: list[tuple[int, int, int]] = []
    for start, stop in matching_spans(text, terms):  # "[nông thôn mới]", not "[nông] [thôn] [mới]"
        if spans and text[spans[-1][1] : start].isspace():
            spans[-1] = (spans[-1][0], stop, spans[-1][2] + 1)
        else:
            spans.append((start, stop, 1))
    return spans


def _best_window(spans: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """(value, start) of the window of ``width`` characters whose matches are densest: a span of n words counts
    n², so the phrase outweighs the same words scattered."""
    best_value, best_start = 0, spans[0][0] if spans else 0
    for i, (start, _, _) in enumerate(spans):
        value = sum(words * words for s, e, words in spans[i:] if e - start <= width)
        if value > best_value:
            best_value, best_start = value, start
    return best_value, best_start


def cut_snippet(text: str, terms: Sequence[Term], width: int = 200) -> Snippet:
    """About ``width`` characters of ``text`` around its densest matches (see :func:`_best_window`).

    Cut at word boundaries, with "…" where text was left out. Without a match, the beginning of the text.
    """
    text = " ".join(text.split())
    return _cut_around(text, _merged(text, terms), width)


def _cut_around(text: str, spans: list[tuple[int, int, int]], width: int) -> Snippet:
    if not spans:
        return Snippet(_cut(text, 0, width))
    _, best_start = _best_window(spans, width)
    begin = max(0, best_start - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else 0
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    lead = "…" if begin else ""
    shift = len(lead) - begin
    kept = [(start + shift, stop + shift) for start, stop, _ in spans if start >= begin and stop <= end]
    return Snippet(lead + text[begin:end] + ("…" if end < len(text) else ""), kept)


def snippet(text: str, terms: Sequence[Term], width: int = 200, marks: tuple[str, str] = ("[", "]")) -> str:
    """:func:`cut_snippet` with the matches wrapped in ``marks``."""
    return cut_snippet(text, terms, width).marked(marks)


def best_snippet(texts: Sequence[str], terms: Sequence[Term], width: int = 200) -> Snippet:
    """The snippet of the text that shows the query best: the one with the longest run of query words (the phrase
    before the words scattered), the earlier on a tie (give the lead and the title first); cut around its densest
    window."""
    best: tuple[int, str, list[tuple[int, int, int]]] | None = None
    longest = sum(len(term.words) for term in terms)  # no run can be longer: the next texts need not be read
    for text in texts:
        if best is not None and best[0] >= longest:
            break
        if not text:
            continue
        text = " ".join(text.split())
        spans = _merged(text, terms)
        if not spans:
            continue
        quality = max(words for _, _, words in spans)
        if best is None or quality > best[0]:
            best = (quality, text, spans)
    if best is None:
        return cut_snippet(next((text for text in texts if text), ""), terms, width)
    return _cut_around(best[1], best[2], width)


def _cut(text: str, begin: int, width: int) -> str:
    if len(text) <= width:
        return text
    space = text.rfind(" ", begin, begin + width)
    end = space if space > begin else begin + width
    return text[begin:end] + "…"


__all__ = ["Snippet", "best_snippet", "cut_snippet", "matching_spans", "snippet"]
