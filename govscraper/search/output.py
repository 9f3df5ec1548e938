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


def write_table(hits: list[Hit], total: int, offset: int, out: TextIO, width: int = 100) -> None:
    """A block per hit: date, portal and title; the URL; the snippet, wrapped."""
    if not hits:
        out.write("no articles found\n" if not total else f"no articles past {offset} of {total}\n")
        return
    out.write(f"{total} articles found; {offset + 1}-{offset + len(hits)} shown, best first\n\n")
    for number, hit in enumerate(hits, offset + 1):
        day = (hit.published_at or "")[:10] or "undated"
        folded = "" if hit.match == "exact" else "  (without diacritics)"
        out.write(f"{number:>3}. {day}  {hit.portal_id}  #{hit.id}{folded}\n")
        out.write(textwrap.indent(textwrap.fill(hit.title, width - 5), "     ") + "\n")
        out.write(f"     {hit.url}\n")
        if hit.snippet:
            out.write(textwrap.indent(textwrap.fill(hit.snippet, width - 5), "     ") + "\n")
        out.write("\n")


__all__ = ["CSV_FIELDS", "write_csv", "write_json", "write_table"]
