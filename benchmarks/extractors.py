"""Measure article extractors on every test page with hand-written expected values.

Run from the project root:  .venv/bin/python benchmarks/extractors.py [--repeat N] [--pages]

Pages, reported apart: **real** pages nobody on the project wrote, the eleven news pages of tests/fixtures/real-news
(ten of dantri.com.vn, one of vnexpress.net) and the two real Liferay 6.2 article pages of tests/fixtures/liferay62,
kept beside the checkout; **built** pages, the layout pages the project wrote in tests/fixtures/layouts (``kind:
article``). Every page's expected values were read off it by hand (its JSON); tests/helpers/fixtures.py finds them.
Extractors:

* ``generic``: govscraper.extract.generic.extract_generic
* ``auto``: govscraper.extract.detect.extract_article (platform detection, Liferay profile, generic fallback)
* ``trafilatura``: trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False), 2.x API
* ``trafi-precise``: the same with ``favor_precision=True, include_tables=False`` (trafilatura tuned for pages
  laid out with tables, for a fair comparison)
* ``readability``: readability-lxml Document(html).summary() as text, .short_title()
* ``trafi+meta``: trafilatura's body with the generic extractor's title, date and author (mix)
* ``generic+trafi``: generic, with trafilatura's body only when generic's body is under 200 characters (mix)

``--variants`` measures again on altered copies of the pages, to see what the scores owe to the markup the
pages were built with: ``no-names`` strips every class and id attribute (only tags, text and layout remain),
``no-title`` removes ``<title>`` and the ``og:``/``twitter:`` title tags.

Per page and overall: title exact, date exact (the ISO value, time included; None must match a page that states
none), day exact (date part only), author exact (None must match None: an invented author counts as wrong), caption
recall (expected captions found exactly among the extractor's image captions; n/a for extractors without captions),
captions left in the body (an expected caption standing as a body paragraph, alone or with its credit), photos
found (expected full-size addresses among the extractor's images; n/a without images), body token precision /
recall / F1 (tokens = lowercase words of the NFC text, compared as multisets) and milliseconds per page (median of
``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from lxml import html as lxml_html  # noqa: E402
from readability import Document  # noqa: E402

from govscraper.extract.detect import decode_page, extract_article  # noqa: E402
from govscraper.extract.generic import extract_generic, is_article  # noqa: E402
from tests.helpers import fixtures  # noqa: E402  (real pages are kept beside the checkout; it finds them)
from tests.helpers.scoring import caption_left_in, precision_recall_f1  # noqa: E402

SITE = "https://sotttt.hanoi.gov.vn/"
#: The sets of real pages (kept beside the checkout), whose expected values were read off them by hand.
REAL_SETS = ("real-news", "liferay62")


@dataclass
class Case:
    name: str
    url: str
    html: str
    gold: dict
    #: "real" (a page from a public source) or "built" (a page the project wrote).
    group: str = "built"


@dataclass
class Prediction:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    body: str | None = None
    captions: list[str] | None = None
    credits: list[str] | None = None
    #: Extractors without a notion of source lines leave it unset (n/a), not None (which is a claim of "no source").
    source: str | bool | None = False
    #: The addresses of the article's photos (None: the extractor gives none).
    images: list[str] | None = None


@dataclass
class Score:
    title: bool
    date: bool
    day: bool
    author: bool
    captions: tuple[int, int] | None
    credits: tuple[int, int] | None
    source: bool | None
    left_in_body: tuple[int, int]
    images: tuple[int, int] | None
    precision: float
    recall: float
    f1: float
    ms: float
    notes: list[str] = field(default_factory=list)


def load_cases() -> list[Case]:
    cases = []
    for name in fixtures.names("layouts", "article"):
        gold = fixtures.expected("layouts", name)
        page = decode_page(fixtures.locate("layouts", name).read_bytes())
        cases.append(Case(name.removesuffix(".html"), gold["url"], page, gold))
    for set_name in REAL_SETS:
        for name in fixtures.names(set_name, "article"):
            gold = fixtures.expected(set_name, name)
            path = fixtures.locate(set_name, name)
            if not path.is_file():
                print(f"left out: {name} (not found in {path.parent})")
                continue
            page = decode_page(path.read_bytes())
            cases.append(Case(name.removesuffix(".html"), gold["url"], page, gold, "real"))
    return cases


def strip_names(page: str) -> str:
    """The page without class and id attributes (tags, text, inline styles and layout stay)."""
    root = lxml_html.fromstring(page)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)
    return lxml_html.tostring(root, encoding="unicode")


def strip_title(page: str) -> str:
    """The page without ``<title>`` and without ``og:title`` / ``twitter:title``."""
    root = lxml_html.fromstring(page)
    for element in root.xpath("//title | //meta[@property='og:title' or @name='twitter:title']"):
        element.drop_tree()
    return lxml_html.tostring(root, encoding="unicode")


VARIANTS: dict[str, Callable[[str], str]] = {"no-names": strip_names, "no-title": strip_title}


def classification(alter: Callable[[str], str] = lambda page: page) -> str:
    """``is_article`` against the expected kind of every layout page and every real Liferay page."""
    pages = []
    for name in fixtures.names("layouts"):
        gold = fixtures.expected("layouts", name)
        pages.append(
            (name.removesuffix(".html"), gold["url"], fixtures.locate("layouts", name), gold["kind"] == "article")
        )
    for path in fixtures.found("liferay62"):
        pages.append((path.stem, SITE + "x", path, "_article_" in path.name))
    wrong = [name for name, url, path, want in pages if is_article(alter(decode_page(path.read_bytes())), url) != want]
    return f"is_article right on {len(pages) - len(wrong)}/{len(pages)} pages" + (f" (wrong: {wrong})" if wrong else "")


def _from_article(article) -> Prediction:
    return Prediction(
        article.title,
        article.published,
        article.author,
        article.body,
        [i.caption for i in article.images],
        [i.credit for i in article.images],
        article.source,
        [i.url for i in article.images],
    )


def run_generic(page: str, url: str) -> Prediction:
    return _from_article(extract_generic(page, url))


def run_auto(page: str, url: str) -> Prediction:
    return _from_article(extract_article(page, url))


def run_trafilatura(page: str, url: str) -> Prediction:
    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Prediction()
    return Prediction(doc.title, doc.date, doc.author, doc.text)


def run_trafilatura_precise(page: str, url: str) -> Prediction:
    doc = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, favor_precision=True, include_tables=False
    )
    if doc is None:
        return Prediction()
    return Prediction(doc.title, doc.date, doc.author, doc.text)


def run_readability(page: str, url: str) -> Prediction:
    document = Document(page)
    summary = lxml_html.fromstring(document.summary())
    paragraphs = []
    for node in summary.iter("p", "li", "td", "h1", "h2", "h3", "h4", "div"):
        own = " ".join(t for t in (node.text, *(c.tail for c in node)) if t)
        if own.strip():
            paragraphs.append(" ".join(node.text_content().split()) if node.tag != "div" else " ".join(own.split()))
    return Prediction(document.short_title(), None, None, "\n\n".join(paragraphs))


def run_trafilatura_meta(page: str, url: str) -> Prediction:
    body = run_trafilatura(page, url).body
    meta = run_generic(page, url)
    return Prediction(
        meta.title, meta.published, meta.author, body, meta.captions, meta.credits, meta.source, meta.images
    )


def run_generic_fallback(page: str, url: str) -> Prediction:
    prediction = run_generic(page, url)
    if len(prediction.body or "") < 200:
        prediction.body = run_trafilatura(page, url).body or prediction.body
    return prediction


EXTRACTORS: dict[str, Callable[[str, str], Prediction]] = {
    "generic": run_generic,
    "auto": run_auto,
    "trafilatura": run_trafilatura,
    "trafi-precise": run_trafilatura_precise,
    "readability": run_readability,
    "trafi+meta": run_trafilatura_meta,
    "generic+trafi": run_generic_fallback,
}


def score(case: Case, prediction: Prediction, ms: float) -> Score:
    gold = case.gold
    precision, recall, f1 = precision_recall_f1(prediction.body, gold["body"])
    captions = credits = None
    if prediction.captions is not None:
        wanted = [i["caption"] for i in gold["images"] if i["caption"]]
        captions = (sum(1 for c in wanted if c in prediction.captions), len(wanted))
    if prediction.credits is not None:
        wanted = [i.get("credit") for i in gold["images"] if i.get("credit")]
        credits = (sum(1 for c in wanted if c in prediction.credits), len(wanted))
    published, stated = prediction.published or "", gold["published"] or ""
    captioned = [i["caption"] for i in gold["images"] if i["caption"]]
    left = sum(1 for caption in captioned if caption_left_in(prediction.body, caption))
    images = None
    if prediction.images is not None:
        images = (sum(1 for i in gold["images"] if i["url"] in prediction.images), len(gold["images"]))
    return Score(
        title=prediction.title == gold["title"],
        date=published == stated,
        day=published[:10] == stated[:10],
        author=prediction.author == gold["author"],
        captions=captions,
        credits=credits,
        source=None if prediction.source is False else prediction.source == gold.get("source"),
        left_in_body=(left, len(captioned)),
        images=images,
        precision=precision,
        recall=recall,
        f1=f1,
        ms=ms,
    )


def measure(cases: list[Case], repeat: int) -> dict[str, list[Score]]:
    results: dict[str, list[Score]] = {}
    for name, extractor in EXTRACTORS.items():
        scores = []
        for case in cases:
            timings = []
            prediction = Prediction()
            for _ in range(repeat):
                start = time.perf_counter()
                prediction = extractor(case.html, case.url)
                timings.append((time.perf_counter() - start) * 1000)
            scores.append(score(case, prediction, statistics.median(timings)))
        results[name] = scores
    return results


def _yes(flag: bool) -> str:
    return "✓" if flag else "✗"


def per_page_table(cases: list[Case], results: dict[str, list[Score]]) -> str:
    lines = ["| page | extractor | title | date | day | author | captions | P | R | F1 | ms |", "|---" * 11 + "|"]
    for index, case in enumerate(cases):
        for name, scores in results.items():
            s = scores[index]
            captions = f"{s.captions[0]}/{s.captions[1]}" if s.captions is not None else "n/a"
            lines.append(
                f"| {case.name} | {name} | {_yes(s.title)} | {_yes(s.date)} | {_yes(s.day)} | {_yes(s.author)} | "
                f"{captions} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.ms:.1f} |"
            )
    return "\n".join(lines)


def compact_table(cases: list[Case], results: dict[str, list[Score]]) -> str:
    """One row per page: body F1 of each extractor, and which of title/date/author it got right (T/D/A)."""
    names = list(results)
    lines = ["| page | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for index, case in enumerate(cases):
        cells = []
        for name in names:
            s = results[name][index]
            flags = "".join(flag if ok else "·" for flag, ok in (("T", s.title), ("D", s.date), ("A", s.author)))
            cells.append(f"{s.f1:.3f} {flags}")
        lines.append(f"| {case.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def overall_table(cases: list[Case], results: dict[str, list[Score]]) -> str:
    stated_authors = [i for i, c in enumerate(cases) if c.gold["author"]]
    trafilatura_ms = statistics.mean(s.ms for s in results["trafilatura"])
    lines = [
        "| extractor | title exact | date exact | day exact | author exact (stated / all) | caption recall "
        "| credit recall | captions left in body | photos found | source exact | body P | body R | body F1 "
        "| worst F1 (page) | pages F1 ≥ 0.97 | ms/page | × trafilatura speed |",
        "|---" * 17 + "|",
    ]
    n = len(cases)
    for name, scores in results.items():
        found = [s.captions for s in scores if s.captions is not None]
        captions = f"{sum(f for f, _ in found)}/{sum(t for _, t in found)}" if found else "n/a"
        found = [s.credits for s in scores if s.credits is not None]
        credits = f"{sum(f for f, _ in found)}/{sum(t for _, t in found)}" if found else "n/a"
        left = f"{sum(s.left_in_body[0] for s in scores)}/{sum(s.left_in_body[1] for s in scores)}"
        found = [s.images for s in scores if s.images is not None]
        photos = f"{sum(f for f, _ in found)}/{sum(t for _, t in found)}" if found else "n/a"
        judged = [s.source for s in scores if s.source is not None]
        sources = f"{sum(judged)}/{len(judged)}" if judged else "n/a"
        worst = min(range(n), key=lambda i: scores[i].f1)
        ms = statistics.mean(s.ms for s in scores)
        lines.append(
            f"| {name} | {sum(s.title for s in scores)}/{n} | {sum(s.date for s in scores)}/{n} "
            f"| {sum(s.day for s in scores)}/{n} "
            f"| {sum(scores[i].author for i in stated_authors)}/{len(stated_authors)} / "
            f"{sum(s.author for s in scores)}/{n} | {captions} | {credits} | {left} | {photos} | {sources} "
            f"| {statistics.mean(s.precision for s in scores):.3f} | {statistics.mean(s.recall for s in scores):.3f} "
            f"| {statistics.mean(s.f1 for s in scores):.3f} | {scores[worst].f1:.3f} ({cases[worst].name}) "
            f"| {sum(s.f1 >= 0.97 for s in scores)}/{n} | {ms:.1f} | {trafilatura_ms / ms:.1f}× |"
        )
    return "\n".join(lines)


def report(heading: str, cases: list[Case], args: argparse.Namespace, *, compact: bool = True) -> None:
    """Measure every extractor on ``cases`` and print the tables (``--pages``: the per-page one too)."""
    results = measure(cases, args.repeat)
    print(heading + "\n")
    if args.pages:
        print(per_page_table(cases, results))
        print()
    if compact:
        print(compact_table(cases, results))
        print()
    print(overall_table(cases, results))
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page and extractor (median is kept)")
    parser.add_argument("--pages", action="store_true", help="also print the per-page table")
    parser.add_argument("--variants", action="store_true", help="also measure on pages without class/id, <title>")
    args = parser.parse_args(argv)
    cases = load_cases()
    for extractor in EXTRACTORS.values():  # warm-up: imports, lazy initialisation
        extractor(cases[0].html, cases[0].url)
    for group, title in (
        ("real", "Real pages (from public sources)"),
        ("built", "Built pages (written by the project)"),
    ):
        chosen = [case for case in cases if case.group == group]
        if chosen:
            report(f"{title}: {len(chosen)} article pages, median of {args.repeat} runs per page", chosen, args)
        else:
            print(f"{title}: none at hand\n")
    print(classification())
    if args.variants:
        for name, alter in VARIANTS.items():
            altered = [Case(c.name, c.url, alter(c.html), c.gold, c.group) for c in cases]
            report(f"\nVariant {name}:", altered, args, compact=False)
            print(classification(alter))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
