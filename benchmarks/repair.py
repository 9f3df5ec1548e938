"""Measure UTF-8 mojibake repair: ours (govscraper.text.repair_text) against ftfy.

Run from the project root:  .venv/bin/python benchmarks/repair.py [--repeat N] [--cases]

Repairers, each given the same strings:

* ``ours``: govscraper.text.repair_text(text) (mojibake, TCVN3 and VNI; what every text field goes through)
* ``ftfy.fix_encoding``: ftfy.fix_encoding(text), ftfy's encoding repair alone (what would replace ours)
* ``ftfy.fix_text``: ftfy.fix_text(text) with its defaults (also uncurls quotes, widths, HTML entities ...)

Cases, each with the text that is right:

* ``tests``: the mojibake cases of tests/unit/test_repair.py and tests/unit/test_vietnamese_table.py (also "à" whose
  no-break space became a space, a "Đ" whose 0x90 byte a decoder replaced, text encoded twice);
* ``letters``: every Vietnamese letter, 12 vowels with each of the 6 tones and đ, lower and upper case (146), in
  UTF-8 decoded as windows-1252 (as browsers do: undefined bytes become C1 controls) and as latin-1, alone and as a
  word of an ASCII sentence;
* ``corpus``: every non-ASCII string of the replica's Vietnamese corpus, 120 generated articles and the layout
  fixtures' expected values (tests/helpers/repair_cases.CLEAN), damaged the same two ways;
* ``clean``: text that must come back unchanged: the same corpus undamaged, foreign names and symbols
  ("Muñoz", "25°C", "ĐÃ”", curly quotes), and the English text of the real Liferay pages;
* ``legacy``: the corpus in TCVN3 and in VNI read as windows-1252: a mojibake repairer may leave it (TCVN3/VNI
  repair is another step) or repair it right, but anything else is a wrong change.

Each answer is ``fixed`` (the right text), ``missed`` (returned unchanged) or ``wrong`` (changed into anything
else); for ``clean`` ``kept`` or ``wrong``; for ``legacy`` ``kept`` (unchanged or repaired right) or ``wrong``.
Speed: microseconds per call, median of ``--repeat`` passes after a warm-up pass, on the undamaged corpus (the
common case: every field of every article) and on its windows-1252 mojibake.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ftfy  # noqa: E402
from parsel import Selector  # noqa: E402

from govscraper.text.legacy import (  # noqa: E402
    VIETNAMESE_LOWER,
    VIETNAMESE_UPPER,
    decode_windows1252,
    encode_tcvn3,
    encode_vni,
)
from govscraper.text.repair import repair_text  # noqa: E402
from tests.helpers import fixtures  # noqa: E402
from tests.helpers.repair_cases import CLEAN, DAMAGED  # noqa: E402

REPAIRERS: dict[str, Callable[[str], str]] = {
    "ours": repair_text,
    "ftfy.fix_encoding": ftfy.fix_encoding,
    "ftfy.fix_text": ftfy.fix_text,
}
#: The mojibake cases of the tests, (damaged, right): tests/helpers/repair_cases.py (DAMAGED), the single tests of
#: tests/unit/test_repair.py and tests/unit/test_vietnamese_table.py.
TEST_CASES = [(damaged, right) for damaged, kind, right in DAMAGED if kind == "mojibake"] + [
    ("trong cÆ¡ quan nhÃ nÆ°á»›c", "trong cơ quan nhà nước"),  # à's no-break space became a space
    ("Ä\ufffdá»©c", "Đức"),  # Đ's 0x90 replaced by a windows-1252 decoder
    (decode_windows1252(decode_windows1252("Quảng Ngãi".encode()).encode()), "Quảng Ngãi"),  # twice
    ("Ä\x90á»©c Phá»•", "Đức Phổ"),
    ("TÆ° NghÄ©a", "Tư Nghĩa"),
]
#: Clean strings that look like damage to a careless repairer (tests/unit/test_repair.py and
#: tests/unit/test_vietnamese_table.py).
CLEAN_SHORT = [
    "Muñoz", "Señor José Muñoz", "Peña Nieto", "Núñez", "Ibáñez", "Niño", "España", "Ñu", "Jörg Müller", "Björk",
    "Göteborg", "Köln", "Zürich", "Noël", "Zoë", "Hélène", "café", "né à Paris", "Thé vert et café", "São Paulo",
    "João", "François Mitterrand", "Ångström", "Øresund", "Œuvre", "© 2024 UBND tỉnh", "25°C", "500 m²", "½",
    "“Nông thôn mới”", "2021 – 2025", "Tôi là ai", "ĐÃ”", "Hoàng Nhung", "hoá", "Mình nói: «được»",
    "Nhiệt độ 25°C, diện tích 500 m²", "“Nông thôn mới” – năm 2022", "Muñoz and Jörg Müller",
    "Don't forget: the café's crème brûlée costs €5 — or £4.",
    "Copyright © 2018 Hanoi DIC. All rights reserved. Temperature: 25°C ± 2°.",
]  # fmt: skip


def _english() -> list[str]:
    """The text nodes of the real Liferay pages (where present), as test_repair reads them."""
    texts = []
    for path in fixtures.found("liferay62"):
        page = Selector(text=path.read_bytes().decode("utf-8-sig"))
        texts += page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    return [t for t in texts if t.strip()]


def _damaged(texts: list[str]) -> list[tuple[str, str]]:
    """Each text as UTF-8 decoded as windows-1252 and as latin-1 (pairs of damaged, right; identical ones left out)."""
    pairs = []
    for text in texts:
        data = text.encode("utf-8")
        for damaged in (decode_windows1252(data), data.decode("latin-1")):
            if damaged != text:
                pairs.append((damaged, text))
    return pairs


def _legacy(texts: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for text in texts:
        for encode in (lambda t: encode_tcvn3(t, capitals="abc"), encode_vni):
            try:
                damaged = encode(text).decode("cp1252")
            except UnicodeError:  # "m²": no TCVN3 code
                continue
            if damaged != text:
                pairs.append((damaged, text))
    return pairs


def groups() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Group name → (how it is judged: repair, clean or legacy; [(input, right)])."""
    letters = list(VIETNAMESE_LOWER + VIETNAMESE_UPPER)
    return {
        "tests (mojibake)": ("repair", TEST_CASES),
        "letters alone": ("repair", _damaged(letters)),
        "letters in a sentence": ("repair", _damaged([f"Chu {letter} trong cau" for letter in letters])),
        "corpus (mojibake)": ("repair", _damaged(CLEAN)),
        "corpus (clean)": ("clean", [(t, t) for t in CLEAN]),
        "names, symbols, English": ("clean", [(t, t) for t in CLEAN_SHORT + _english()]),
        "corpus (TCVN3, VNI)": ("legacy", _legacy(CLEAN)),
    }


def judge(how: str, text: str, right: str, got: str) -> str:
    if how == "clean":
        return "kept" if got == text else "wrong"
    if how == "legacy":
        return "kept" if got in (text, right) else "wrong"
    return "fixed" if got == right else "missed" if got == text else "wrong"


def speed(repair: Callable[[str], str], texts: list[str], repeat: int) -> float:
    """Microseconds per call over ``texts``: median of ``repeat`` passes, after a warm-up pass."""
    for text in texts:
        repair(text)
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            repair(text)
        passes.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(passes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus per repairer (median is kept)")
    parser.add_argument("--cases", action="store_true", help="also print every case a repairer got wrong or missed")
    args = parser.parse_args(argv)
    cases = groups()
    total = sum(len(pairs) for _, pairs in cases.values())
    print(f"{total} cases, ftfy {ftfy.__version__}\n")
    header = "| group | cases | " + " | ".join(REPAIRERS) + " |"
    lines = [header, "|---|---:|" + "---|" * len(REPAIRERS)]
    totals: dict[str, Counter[str]] = {name: Counter() for name in REPAIRERS}
    failures: list[str] = []
    for group, (how, pairs) in cases.items():
        cells = []
        for name, repair in REPAIRERS.items():
            counts: Counter[str] = Counter()
            for text, right in pairs:
                got = repair(text)
                verdict = judge(how, text, right, got)
                counts[verdict] += 1
                totals[name][f"{how} {verdict}"] += 1
                if verdict not in ("fixed", "kept"):
                    failures.append(f"{name:18} {group:24} {verdict:6} {text!r} → {got!r} (right: {right!r})")
            if how == "repair":
                cells.append(f"{counts['fixed']} fixed, {counts['missed']} missed, {counts['wrong']} wrong")
            else:
                cells.append(f"{counts['kept']} kept, {counts['wrong']} wrong")
        lines.append(f"| {group} | {len(pairs)} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    print()
    mojibake = [damaged for damaged, _ in _damaged(CLEAN)[::2]]  # the windows-1252 half
    print("| repairer | mojibake fixed | missed | wrong changes (all groups) | µs/call clean | µs/call mojibake |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, repair in REPAIRERS.items():
        count = totals[name]
        wrong = count["repair wrong"] + count["clean wrong"] + count["legacy wrong"]
        clean_us, broken_us = speed(repair, CLEAN, args.repeat), speed(repair, mojibake, args.repeat)
        print(
            f"| {name} | {count['repair fixed']} | {count['repair missed']} | {wrong} | {clean_us:,.1f} | "
            f"{broken_us:,.1f} |"
        )
    if args.cases:
        print()
        print("\n".join(failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
