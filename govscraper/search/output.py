"""How ``govscraper search`` prints its hits: an aligned table for people, JSON lines or CSV for programs."""

from __future__ import annotations

import csv
import json
import textwrap
from collections.abc import Iterable
from typing import TextIO

from govscraper.search.engine import Hit

CSV_FIELDS = ("id", "portal_id", "published_at", "title", "url", "category", "author", "match", "score", "snippet")


def write_json(hits: Iterable[Hit], out: TextIO) -> None:
    """One JSON object per hit and line, Vietnamese as is."""
    for hit in hits:
        out.write(json.dumps(hit.as_dict(), ensure_ascii=False) + "\n")


def write_csv(hits: Iterable[Hit], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for hit in hits:
        writer.writerow(hit.as_dict())


def write_table(
    hits: list[Hit],
    total: int,
    offset: int,
    out: TextIO,
    width: int = 100,
    *,
    ranking: str = "",
    explain: bool = False,
) -> None:
    """How many matched and how they were ranked; then a block per hit: date, portal and title; the URL; the snippet,
    wrapped; with ``explain``, the parts of its score."""
    if not hits:
        out.write("no articles found\n" if not total else f"no articles past {offset} of {total}\n")
        return
    header = f"{total} articles found; {offset + 1}-{offset + len(hits)} shown" + (f", {ranking}" if ranking else "")
    out.write(textwrap.fill(header, width) + "\n\n")
    for number, hit in enumerate(hits, offset + 1):
        day = (hit.published_at or "")[:10] or "undated"
        folded = "" if hit.match == "exact" else "  (without diacritics)"
        out.write(f"{number:>3}. {day}  {hit.portal_id}  #{hit.id}{folded}\n")
        out.write(textwrap.indent(textwrap.fill(hit.title, width - 5), "     ") + "\n")
        out.write(f"     {hit.url}\n")
        if hit.snippet:
            out.write(textwrap.indent(textwrap.fill(hit.snippet, width - 5), "     ") + "\n")
        if explain and hit.explanation is not None:
            out.write(textwrap.indent(textwrap.fill(explanation_line(hit.explanation), width - 5), "     ") + "\n")
        out.write("\n")


def explanation_line(parts: dict[str, object]) -> str:
    """``score 41.2 = exact match; words: title 30.1, body 3.2; phrase: title 7.9`` (or bm25 alone)."""
    line = f"score {parts.get('score', parts.get('bm25'))} = {parts.get('match')} match"
    for name in ("fields", "phrase"):
        values = parts.get(name)
        if isinstance(values, dict) and values:
            label = "words" if name == "fields" else "phrase"
            line += f"; {label}: " + ", ".join(f"{field} {value}" for field, value in values.items())
    if "bm25" in parts:
        line += " (bm25, SQLite FTS5)"
    return line


__all__ = ["CSV_FIELDS", "explanation_line", "write_csv", "write_json", "write_table"]
