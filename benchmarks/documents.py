"""Speed of document text extraction (``govscraper.files.documents.extract_document_text``): ordinary and hostile files.

Run from the project root:  .venv/bin/python benchmarks/documents.py [--articles 120] [--repeat 5]

What is timed, each file ``--repeat`` times after one warm-up call (the readers are imported on first use), the
median counting:

* the replica's attachments (``build_site(articles=N, seed=2022)``, the files ``tests/unit/test_documents.py`` reads):
  milliseconds per document for each format (PDF through pypdf, DOCX through python-docx, RTF named ``.doc``
  through striprtf), median and slowest of the per-document medians;
* the hostile files of ``tests/unit/test_documents.py``, which the tests check are bounded by a limit rather than by how
  long they take: an ODS whose unused rows are one empty row repeated 100,000 times (not expanded), a DOCX whose
  ``word/document.xml`` inflates to 60 MB (refused by its declared size before anything is inflated), a PDF whose
  content stream inflates to 100 MB (stopped by pypdf's output limit).

The tests used to assert these times (under 0.1 s a document on average, 5 s for the ODS, 2 s for the DOCX bomb,
20 s for the PDF bomb); they are figures to watch here, not pass marks.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govscraper.files.documents import extract_document_text  # noqa: E402
from govscraper_replica import build_site  # noqa: E402
from govscraper_replica.sample_documents import document_bytes  # noqa: E402
from tests.helpers.documents import HELVETICA, bomb_docx, make_ods, make_pdf  # noqa: E402


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """Median wall-clock milliseconds of ``call`` over ``repeat`` runs, after one warm-up run."""
    call()
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def deflate_bomb_pdf(megabytes: int) -> bytes:
    """The PDF of ``test_deflate_bomb_in_a_pdf_stream_is_bounded``: one content stream inflating to ``megabytes``."""
    stream = zlib.compress(b" " * (megabytes * 1024 * 1024), 9)
    page = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    data = make_pdf([b""], fonts=HELVETICA)
    return data.replace(b"<< /Length 0 >>\nstream\n\nendstream", page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=120, help="Articles of the replica whose attachments are read.")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs per file (the median counts).")
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the damaged PDFs' warnings are no figure

    site = build_site(articles=args.articles, seed=2022)
    per_format: dict[str, list[float]] = {}
    for doc in site.documents.values():
        data = document_bytes(doc)
        spent = median_ms(
            lambda data=data, doc=doc: extract_document_text(data, doc.content_type, doc.file_name), args.repeat
        )
        per_format.setdefault(doc.format, []).append(spent)
    print(
        f"replica attachments of {args.articles} articles; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median of {args.repeat} runs per file"
    )
    print(f"{'format':<8}{'files':>6}{'median ms':>11}{'slowest ms':>12}")
    for fmt, spent in sorted(per_format.items()):
        print(f"{fmt:<8}{len(spent):>6}{statistics.median(spent):>11.1f}{max(spent):>12.1f}")

    hostile = [
        ("ODS, an empty row repeated 100,000 times", make_ods(), "ds.ods"),
        ("DOCX, document.xml inflating to 60 MB", bomb_docx(60), "bom.docx"),
        ("PDF, a content stream inflating to 100 MB", deflate_bomb_pdf(100), None),
    ]
    print(f"\n{'hostile file':<44}{'KB':>8}{'median ms':>11}  outcome")
    for label, data, name in hostile:
        result = extract_document_text(data, None, name)
        outcome = result.error or f"{len(result.text)} characters" + (
            f", {result.truncated}" if result.truncated else ""
        )
        spent = median_ms(lambda data=data, name=name: extract_document_text(data, None, name), args.repeat)
        print(f"{label:<44}{len(data) / 1024:>8.0f}{spent:>11.1f}  {outcome[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
