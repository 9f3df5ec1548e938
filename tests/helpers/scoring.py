"""How an extraction is scored against the values read off a page by hand: the same rules for the tests and for
``benchmarks/extractors.py``, so that a test's threshold and a benchmark's figure mean the same thing.

* Body: token F1, the tokens being the lowercase words of the NFC text, compared as multisets (word order and
  paragraph breaks do not count; a missing or an extra word does).
* A caption left in the body: a line of the body that is the caption, alone or followed by its credit ("…
  (Ảnh: X)", "…. Ảnh: X"). A body sentence that merely starts with the caption's words ("HLV Kim Pan Gon nói…")
  is not one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter


def tokens(text: str | None) -> Counter:
    """The lowercase words of the NFC text, as a multiset."""
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text or "").lower()))


def precision_recall_f1(got: str | None, want: str | None) -> tuple[float, float, float]:
    """Token precision, recall and F1 of ``got`` against ``want`` (0 where either is empty)."""
    found, wanted = tokens(got), tokens(want)
    common = sum((found & wanted).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def body_f1(got: str | None, want: str | None) -> float:
    return precision_recall_f1(got, want)[2]


def caption_left_in(body: str | None, caption: str) -> bool:
    """Whether ``caption`` stands as a line of ``body`` (see the module's docstring). Lines, not paragraphs:
    trafilatura ends a paragraph with one line break."""
    for line in (body or "").splitlines():
        if line.startswith(caption):
            rest = line[len(caption) :]
            if not rest.strip(" .") or re.match(r"\W*(?:ảnh|hình|photo)\b", rest, re.I):
                return True
    return False
