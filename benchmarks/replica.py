"""How long the replica portal takes to build (``govscraper_replica.build_site``) and to render its pages.

Run from the project root:  .venv/bin/python benchmarks/replica.py [--articles 2000] [--repeat 5]

``build_site(articles=N, seed=1, faults="all")`` is timed ``--repeat`` times (the median counts): it generates the
articles, photos, documents and fault plan as data and renders nothing (``tests/e2e/test_replica.py`` checks that), so
a test or a benchmark can make a site of thousands of articles at once. Then the pages a crawl asks for, rendered
by ``Renderer`` as the server does on each request: the home page, the first and the last list page of the first
category, and every article page (milliseconds per page, median). The site module's docstring promises 2,000
articles "in well under a second"; the test that used to assert under 2 s now checks that nothing is rendered.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govscraper_replica import build_site  # noqa: E402
from govscraper_replica.render import Renderer  # noqa: E402

ORIGIN = "http://127.0.0.1:8000"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5, help="Builds timed (the median counts).")
    args = parser.parse_args(argv)

    builds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        site = build_site(articles=args.articles, seed=1, faults="all")
        builds.append(time.perf_counter() - started)
    build = statistics.median(builds)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; median of {args.repeat}")
    print(
        f"build_site({args.articles} articles, faults='all'): {build:.3f} s "
        f"({args.articles / build:,.0f} articles/s; fastest {min(builds):.3f} s, slowest {max(builds):.3f} s)"
    )

    renderer = Renderer(site)
    slug = site.categories[0].slug
    pages = site.pages(slug)
    cases = {
        "home page": [lambda: renderer.home(ORIGIN)],
        f"list page 1 of {slug}": [lambda: renderer.category(slug, 1, site.delta, ORIGIN, f"/{slug}")],
        f"list page {pages} of {slug}": [lambda: renderer.category(slug, pages, site.delta, ORIGIN, f"/{slug}")],
        "article pages": [lambda article=article: renderer.article(article, ORIGIN) for article in site.articles],
    }
    print(f"{'rendered':<40}{'pages':>7}{'median ms':>11}")
    for label, calls in cases.items():
        spent = []
        for call in calls:
            started = time.perf_counter()
            call()
            spent.append((time.perf_counter() - started) * 1000)
        print(f"{label:<40}{len(calls):>7}{statistics.median(spent):>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
