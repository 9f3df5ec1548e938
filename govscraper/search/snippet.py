"""Snippets: the part of an article's text where a query matched, with the matching words marked.

FTS5's own ``snippet()`` cannot mark a folded match in the text as published (the match is in the folded twin
column), so snippets are cut here from the stored text, matching words the way the index does: a word written
with diacritics as written (tone placement unified), one without folded. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    word folded; the last word of a prefix term matches any word it begins.
    """
    found = list(_WORD.finditer(text))
    forms = [_forms(match.group()) for match in found]
    marked: set[int] = set()
    for term in terms:
        wanted = term.words if term.exact_only else term.folded()
        keys = [form[0 if term.exact_only else 1] for form in forms]
        last = len(wanted) - 1
        first_prefix = term.prefix and last == 0
        starts = [
            i
            for i, key in enumerate(keys[: len(keys) - last])
            if (key.startswith(wanted[0]) if first_prefix else key == wanted[0])
        ]
        for i in starts:
            if all(
                keys[i + k].startswith(wanted[k]) if term.prefix and k == last else keys[i + k] == wanted[k]
                for k in range(1, last + 1)
            ):
                marked.update(range(i, i + last + 1))
    return [found[i].span() for i in sorted(marked)]


def snippet(text: str, terms: Sequence[Term], width: int = 200, marks: tuple[str, str] = ("[", "]")) -> str:
    """About ``width`` characters of ``text`` around its densest cluster of matches, matches wrapped in ``marks``.

    Cut at word boundaries, with "…" where text was left out. Without a match, the beginning of the text.
    """
    text = " ".join(text.split())
    spans: list[tuple[int, int]] = []
    for start, stop in matching_spans(text, terms):  # "[nông thôn mới]", not "[nông] [thôn] [mới]"
        if spans and text[spans[-1][1] : start].isspace():
            spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((start, stop))
    if not spans:
        return _cut(text, 0, width)
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e - start <= width)
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, best_start - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else 0
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    pieces, cursor = [], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        pieces.append(text[cursor:start] + marks[0] + text[start:stop] + marks[1])
        cursor = stop
    pieces.append(text[cursor:end])
    return ("…" if begin else "") + "".join(pieces) + ("…" if end < len(text) else "")


def _cut(text: str, begin: int, width: int) -> str:
    if len(text) <= width:
        return text
    space = text.rfind(" ", begin, begin + width)
    end = space if space > begin else begin + width
    return text[begin:end] + "…"


__all__ = ["matching_spans", "snippet"]
