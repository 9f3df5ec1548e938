"""Tables as reading commands print them: aligned columns for a terminal, CSV for a spreadsheet.

``coverage`` and ``changes`` print the same shapes; written once here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def aligned(header: Sequence[object], body: Iterable[Sequence[object]]) -> list[str]:
    """The header and each row as a line, columns padded to their widest cell, two spaces apart."""
    rows = [[str(cell) for cell in cells] for cells in [header, *body]]
    widths = [max(len(cells[i]) for cells in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() for cells in rows]


def csv_text(header: Sequence[object], body: Iterable[Sequence[object]]) -> str:
    """The header and the rows as CSV text (the excel dialect, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


__all__ = ["aligned", "csv_text"]
