"""Measure Vietnamese date parsers on the date table (tests/helpers/date_cases.py): ours against dateparser.

Run from the project root:  .venv/bin/python benchmarks/dates.py [--repeat N] [--cases]

Parsers, all given the same fixed crawl time (tests/date_cases.NOW, 2026-11-28 12:00 +07:00):

* ``ours``: govscraper.text.parse_vn_datetime(text, now=NOW)
* ``dp.parse``: dateparser.parse(text, languages=["vi"], settings=SETTINGS) with DATE_ORDER=DMY,
  PREFER_DATES_FROM=past, TIMEZONE and TO_TIMEZONE=Asia/Ho_Chi_Minh, RETURN_AS_TIMEZONE_AWARE, RELATIVE_BASE=NOW
* ``dp.parse+req``: the same with REQUIRE_PARTS=["day", "month", "year"] (no invented day or year)
* ``dp.search``: dateparser.search.search_dates(text, languages=["vi"], settings=SETTINGS+REQUIRE_PARTS), first
  date found (for lines with labels and view counts, which ``parse`` refuses whole)
* ``dp.parse|search``: ``dp.parse+req``, and ``dp.search`` when that finds nothing (what one would ship)

Every dateparser result goes through the rule our parser applies itself: converted to +07:00, dropped when after
the crawl time. Each case is then classed as: ``exact`` (the published value identical, or None expected and
None returned), ``time`` (the date right but the time wrong or invented: dateparser returns 00:00 when the line
has no time), ``wrong`` (another date, or a date where None is expected) or ``missed`` (None where a date is
expected). ``lenient`` also counts a date-only expected value as exact when the parser returns that date at any
time (the best dateparser can do, since it cannot say that no time was given). Speed: microseconds per call,
median of ``--repeat`` passes over the whole table, after a warm-up pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402
from dateparser.search import search_dates  # noqa: E402

from govscraper.text import VN_TZ, parse_views, parse_vn_datetime  # noqa: E402
from tests.helpers.date_cases import CASES, HELD_OUT, NOW  # noqa: E402

SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "TO_TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "RELATIVE_BASE": NOW.replace(tzinfo=None),
}
REQUIRED = {**SETTINGS, "REQUIRE_PARTS": ["day", "month", "year"]}
KINDS = ("exact", "time", "wrong", "missed")


def _iso(moment: datetime | None) -> str | None:
    """A dateparser result as our parser would give it: Vietnam time, None after the crawl time."""
    if moment is None:
        return None
    moment = moment.astimezone(VN_TZ)
    return None if moment > NOW else moment.isoformat()


def _dp_search(text: str) -> datetime | None:
    found = search_dates(text, languages=["vi"], settings=REQUIRED)
    return found[0][1] if found else None


def dp_parse(text: str) -> str | None:
    return _iso(dateparser.parse(text, languages=["vi"], settings=SETTINGS))


def dp_parse_required(text: str) -> str | None:
    return _iso(dateparser.parse(text, languages=["vi"], settings=REQUIRED))


def dp_search(text: str) -> str | None:
    return _iso(_dp_search(text))


def dp_parse_or_search(text: str) -> str | None:
    return _iso(dateparser.parse(text, languages=["vi"], settings=REQUIRED) or _dp_search(text))


def ours(text: str) -> str | None:
    return parse_vn_datetime(text, now=NOW)


PARSERS: dict[str, Callable[[str], str | None]] = {
    "ours": ours,
    "dp.parse": dp_parse,
    "dp.parse+req": dp_parse_required,
    "dp.search": dp_search,
    "dp.parse|search": dp_parse_or_search,
}


def classify(got: str | None, expected: str | None, *, lenient: bool = False) -> str:
    """One of KINDS for a parser's answer (see the module docstring)."""
    if got == expected:
        return "exact"
    if expected is None:
        return "wrong"
    if got is None:
        return "missed"
    if got[:10] == expected[:10]:
        return "exact" if lenient and len(expected) == 10 else "time"
    return "wrong"


def measure(repeat: int) -> tuple[dict[str, list[str | None]], dict[str, float]]:
    """Each parser's answers on the table, and its microseconds per call (median over ``repeat`` passes)."""
    answers: dict[str, list[str | None]] = {}
    speed: dict[str, float] = {}
    texts = [text for text, _, _ in CASES]
    for name, parse in PARSERS.items():
        answers[name] = [parse(text) for text in texts]  # also the warm-up pass
        passes = []
        for _ in range(repeat):
            start = time.perf_counter()
            for text in texts:
                parse(text)
            passes.append((time.perf_counter() - start) / len(texts) * 1e6)
        speed[name] = statistics.median(passes)
    return answers, speed


def _short(text: str, width: int = 46) -> str:
    text = repr(text)[1:-1]
    return text if len(text) <= width else text[: width - 1] + "…"


def case_table(answers: dict[str, list[str | None]]) -> str:
    lines = [f"{'text':46}  {'expected':25}  {'ours':25}  " + "  ".join(f"{n:>15}" for n in PARSERS if n != "ours")]
    for i, (text, expected, _) in enumerate(CASES):
        mine = answers["ours"][i]
        mark = "" if mine == expected else " ✗"
        others = "  ".join(f"{classify(answers[n][i], expected):>15}" for n in PARSERS if n != "ours")
        lines.append(f"{_short(text):46}  {expected or '-':25}  {(mine or '-') + mark:25}  {others}")
    return "\n".join(lines)


def overall_table(answers: dict[str, list[str | None]], speed: dict[str, float], picked: range | None = None) -> str:
    """Counts of each kind per parser, over the whole table or the ``picked`` cases."""
    indices = picked or range(len(CASES))
    header = f"| parser | {' | '.join(KINDS)} | exact (lenient) | µs/call |"
    lines = [header, "|---|" + "---:|" * (len(KINDS) + 2)]
    for name in PARSERS:
        strict = Counter(classify(answers[name][i], CASES[i][1]) for i in indices)
        lenient = Counter(classify(answers[name][i], CASES[i][1], lenient=True) for i in indices)
        counts = " | ".join(str(strict[kind]) for kind in KINDS)
        micros = f"{speed[name]:,.1f}" if picked is None else "(table)"
        lines.append(f"| {name} | {counts} | {lenient['exact']} | {micros} |")
    return "\n".join(lines)


def by_expectation(answers: dict[str, list[str | None]]) -> str:
    """Exact answers split by what the table expects: a date and time, a date alone, None."""
    groups = {
        "date+time": lambda e: e is not None and len(e) > 10,
        "date only": lambda e: e is not None and len(e) == 10,
        "None": lambda e: e is None,
    }
    lines = ["| parser | " + " | ".join(f"{g} exact" for g in groups) + " |", "|---|" + "---:|" * len(groups)]
    for name in PARSERS:
        cells = []
        for test in groups.values():
            picked = [(got, exp) for got, (_, exp, _) in zip(answers[name], CASES, strict=True) if test(exp)]
            cells.append(f"{sum(classify(g, e) == 'exact' for g, e in picked)}/{len(picked)}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def views_line(repeat: int) -> str:
    right = sum(parse_views(text) == views for text, _, views in CASES)
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text, _, _ in CASES:
            parse_views(text)
        passes.append((time.perf_counter() - start) / len(CASES) * 1e6)
    return f"parse_views: {right}/{len(CASES)} right, {statistics.median(passes):.1f} µs/call"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the table per parser (median is kept)")
    parser.add_argument("--cases", action="store_true", help="also print the per-case table")
    args = parser.parse_args(argv)
    answers, speed = measure(args.repeat)
    print(f"{len(CASES)} cases, crawl time {NOW.isoformat()}, dateparser {dateparser.__version__}\n")
    if args.cases:
        print(case_table(answers))
        print()
    print(overall_table(answers, speed))
    print()
    print(by_expectation(answers))
    print()
    held_out = range(len(CASES) - len(HELD_OUT), len(CASES))
    assert CASES[held_out.start :] == HELD_OUT
    print(f"Held-out lines only ({len(HELD_OUT)}, real pages, added after the parser was written):\n")
    print(overall_table(answers, speed, held_out))
    print()
    print(views_line(max(args.repeat, 50)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
