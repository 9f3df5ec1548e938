"""The coverage charts, drawn as SVG on the server from :mod:`govscraper.publish.coverage`: no JavaScript, no network.

A chart library in the browser (Vega-Lite, Observable Plot) would need its JavaScript bundled and served; these
four charts are simple enough to write as SVG elements directly, so the page is complete as served, prints, and
reads in any browser or none (the SVG is in the HTML). Each mark carries a ``<title>`` (its tooltip) and a class
that says what it is, so a test can count the marks.

* :func:`heat_map`: portals x months, one cell per month from the archive's first to its last month; a month with
  no article is a pale cell with a red outline (class ``gap``) so the gaps in the record stand out.
* :func:`monthly_bars`: articles per month of one portal.
* :func:`yearly_bars`: photos and documents per year, side by side.
* :func:`runs_chart`: crawl runs over time, one dot per run, coloured by status, larger with more fetch failures.
"""

from __future__ import annotations

from html import escape

from govscraper.publish.coverage import month_range

_SHADES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
_STATUS_COLOURS = {"finished": "#31a354", "interrupted": "#fd8d3c", "budget reached": "#fdae6b"}


def _shade(count: int, top: int) -> str:
    if top <= 0:
        return _SHADES[0]
    return _SHADES[min(len(_SHADES) - 1, (count * len(_SHADES) - 1) // top)]


def _svg(width: int, height: int, css_class: str, label: str, body: list[str]) -> str:
    return (
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" font-family="sans-serif" '
        f'font-size="11">{"".join(body)}</svg>'
    )


def heat_map(per_month: dict[str, dict[str, int]], names: dict[str, str] | None = None) -> str:
    """Portals (rows) x months (columns) from the first to the last month any portal has; a cell per month."""
    months_seen = sorted({month for counts in per_month.values() for month in counts})
    if not months_seen:
        return _svg(300, 20, "heat-map", "no dated article", ['<text x="0" y="14">No dated article.</text>'])
    months = month_range(months_seen[0], months_seen[-1])
    portals = sorted(per_month)
    cell, left, top = 9, 140, 18
    top_count = max(max(counts.values()) for counts in per_month.values())
    body = []
    for index, month in enumerate(months):
        if month.endswith("-01") or index == 0:
            body.append(f'<text class="year" x="{left + index * cell}" y="12">{month[:4]}</text>')
    for row, portal in enumerate(portals):
        y = top + row * (cell + 2)
        label = (names or {}).get(portal) or portal
        body.append(
            f'<text class="portal" x="0" y="{y + cell - 1}">{escape(portal)}<title>{escape(label)}</title></text>'
        )
        for column, month in enumerate(months):
            count = per_month[portal].get(month, 0)
            x = left + column * cell
            if count:
                body.append(
                    f'<rect class="cell" x="{x}" y="{y}" width="{cell - 1}" height="{cell}" '
                    f'fill="{_shade(count, top_count)}">'
                    f"<title>{escape(portal)} {month}: {count} articles</title></rect>"
                )
            else:
                body.append(
                    f'<rect class="cell gap" x="{x}" y="{y}" width="{cell - 1}" height="{cell}" fill="#f7f7f7" '
                    f'stroke="#d7301f" stroke-width="0.6"><title>{escape(portal)} {month}: no article</title></rect>'
                )
    width = left + len(months) * cell + 10
    height = top + len(portals) * (cell + 2) + 4
    return _svg(width, height, "heat-map", "articles per portal and month", body)


def monthly_bars(portal: str, counts: dict[str, int]) -> str:
    """Articles per month of one portal, a bar per month from its first to its last (none where there is none)."""
    if not counts:
        return _svg(
            300, 20, "monthly-bars", f"{portal}: no dated article", ['<text x="0" y="14">No dated article.</text>']
        )
    months = month_range(min(counts), max(counts))
    bar, height, base = 6, 80, 92
    top = max(counts.values())
    body = [f'<text x="0" y="10">{escape(portal)}: articles per month (most: {top})</text>']
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        if count:
            tall = max(1, round(height * count / top))
            body.append(
                f'<rect class="bar" x="{index * bar}" y="{base - tall}" width="{bar - 1}" height="{tall}" '
                f'fill="#3182bd"><title>{month}: {count} articles</title></rect>'
            )
        if month.endswith("-01"):
            body.append(f'<text class="year" x="{index * bar}" y="{base + 12}">{month[:4]}</text>')
    return _svg(max(300, len(months) * bar + 10), base + 16, "monthly-bars", f"{portal}: articles per month", body)


def yearly_bars(per_year: list[dict[str, object]]) -> str:
    """Photos and documents per year: two bars a year."""
    if not per_year:
        return _svg(300, 20, "yearly-bars", "no dated article", ['<text x="0" y="14">No dated article.</text>'])
    group, bar, height, base = 44, 18, 90, 110
    top = max(1, *(int(row["photos"]) for row in per_year), *(int(row["documents"]) for row in per_year))
    body = [
        '<text x="0" y="10"><tspan fill="#3182bd">■ photos</tspan> <tspan fill="#e6550d">■ documents</tspan></text>'
    ]
    for index, row in enumerate(per_year):
        x = index * group
        for offset, (kind, colour) in enumerate((("photos", "#3182bd"), ("documents", "#e6550d"))):
            value = int(row[kind])
            tall = round(height * value / top)
            body.append(
                f'<rect class="bar {kind}" x="{x + offset * bar}" y="{base - tall}" width="{bar - 2}" height="{tall}" '
                f'fill="{colour}"><title>{row["year"]}: {value} {kind}</title></rect>'
            )
        body.append(f'<text class="year" x="{x}" y="{base + 12}">{row["year"]}</text>')
    return _svg(max(300, len(per_year) * group + 10), base + 16, "yearly-bars", "photos and documents per year", body)


def runs_chart(runs: list[dict[str, object]]) -> str:
    """One dot per crawl run in time order: green finished, orange interrupted, red failed; larger with failures."""
    if not runs:
        return _svg(300, 20, "runs", "no crawl run", ['<text x="0" y="14">No crawl run.</text>'])
    step, base = 16, 40
    body = []
    for index, run in enumerate(runs):
        status = str(run["status"])
        failures = int(run["failures"] or 0)
        radius = 4 + min(8, failures.bit_length())
        colour = _STATUS_COLOURS.get(status, "#de2d26")
        body.append(
            f'<circle class="run {escape(status.replace(" ", "-"))}" cx="{10 + index * step}" cy="{base}" '
            f'r="{radius}" fill="{colour}"><title>run {run["id"]} ({escape(str(run["portal_id"]))}), '
            f"{escape(str(run['started_at']))}: {escape(status)}, {failures} fetch failures</title></circle>"
        )
    return _svg(max(300, len(runs) * step + 20), 60, "runs", "crawl runs over time", body)


__all__ = ["heat_map", "monthly_bars", "runs_chart", "yearly_bars"]
