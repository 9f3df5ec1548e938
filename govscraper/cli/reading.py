"""Commands that read the archive and never write it: ``search``, ``show``, ``history``, ``export``, ``stats``, and
``extract`` (a saved page through the extractor, no archive at all).
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from govscraper.archive.presence import EVENT_KINDS
from govscraper.archive.schema import open_reader
from govscraper.cli.common import cli, db_option, format_option, user_errors
from govscraper.extract.profiles import PLATFORMS


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was saved from (resolves links, names the site).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--platform", type=click.Choice(["auto", *PLATFORMS]), default="auto", show_default=True)
@click.option("--content-type", help="The Content-Type header the page was served with, if known.")
@click.option(
    "--explain",
    is_flag=True,
    help="Also print why: which element gave each field, the content block's score against the others, and each "
    "line left out of the body with its reason.",
)
@user_errors
def extract(file: Path, url: str, as_json: bool, platform: str, content_type: str | None, explain: bool) -> None:
    """Run the extractor on a saved page and print the fields.

    Reads the page's bytes and honours its declared encoding (header, BOM, <meta charset>). With --explain, the
    reasons follow the fields (under "why:", or as "why" in the JSON): how to see what a page that comes out wrong
    trips on.

    Example: govscraper extract page.html --url https://moduc.quangngai.gov.vn/... --json
    """
    from govscraper.extract.detect import decode_page, detect_platform, extract_article

    text = decode_page(file.read_bytes(), content_type)
    why: list[str] | None = [] if explain else None
    article = extract_article(text, url, None if platform == "auto" else platform, why)  # detects when auto
    fields = {
        "title": article.title,
        "published": article.published,
        "author": article.author,
        "source": article.source,
        "sapo": article.sapo,
        "body": article.body,
        "category": article.category,
        "views": article.views,
        "images": [{"url": i.url, "caption": i.caption, "credit": i.credit} for i in article.images],
        "attachments": [{"url": a.url, "title": a.title} for a in article.attachments],
        "platform": article.platform or (detect_platform(text, url) if platform == "auto" else platform),
    }
    if why is not None:
        fields["why"] = why
    if as_json:
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2))
        return
    for name, value in fields.items():
        if name in ("images", "attachments"):
            click.echo(f"{name}: {len(value)}")
            for entry in value:
                click.echo(
                    f"  - {entry['url']}" + "".join(f"\n    {k}: {v}" for k, v in entry.items() if k != "url" and v)
                )
        elif name == "body":
            click.echo(f"body:\n{value or ''}")
        elif name == "why":
            click.echo("why:\n" + "\n".join(f"  {line}" for line in value))
        else:
            click.echo(f"{name}: {'' if value is None else value}")


def search_filters(portals: tuple[str, ...], since: str | None, until: str | None, category: str | None) -> Any:
    from govscraper.search import Filters

    return Filters(portals=portals, since=since, until=until, category=category)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@db_option
@click.option("--portal", "portals", multiple=True, metavar="ID", help="Only this portal's articles (repeatable).")
@click.option("--since", metavar="DATE", help="Published on or after: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--until", metavar="DATE", help="Published on or before (the whole year, month or day).")
@click.option("--category", help="Only this category (case and diacritics ignored).")
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N hits (the next page).")
@click.option(
    "--order", type=click.Choice(["rank", "newest", "oldest"]), default="rank", show_default=True,
    help="rank: exact matches first, then by relevance; newest/oldest: by publication date.",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--explain", is_flag=True,
    help="Show, for each hit, the parts of its score: exact or folded match, each field's words, each phrase boost.",
)  # fmt: skip
@user_errors
def search(
    query: tuple[str, ...],
    db_path: Path,
    portals: tuple[str, ...],
    since: str | None,
    until: str | None,
    category: str | None,
    limit: int,
    offset: int,
    order: str,
    fmt: str,
    explain: bool,
) -> None:
    """Search the archive, with or without diacritics ("mo duc" finds "Mộ Đức"; "hội nghị" only itself).

    Words are ANDed; "quotes" make a phrase; word* a prefix; OR, NOT and (parentheses) combine. Every match is
    ranked: articles that match as typed before those that match only without diacritics, then by relevance (title,
    author and lead weigh most; the words together and in order weigh more), ties by date. Matches are marked
    [like this]. The first line says how many articles matched and how they were ranked.

    Example: govscraper search "giải phóng mặt bằng" --portal qni-moduc --since 2021 --until 2021
    """
    from govscraper.search import SearchError, parse
    from govscraper.search import search as run_search
    from govscraper.search.output import write_csv, write_json, write_table

    db = open_reader(db_path)
    try:
        parsed = parse(" ".join(query))
        filters = search_filters(portals, since, until, category)
        out = click.get_text_stream("stdout")
        marks = ("\x1b[1;33m", "\x1b[0m") if fmt == "table" and out.isatty() else ("[", "]")
        hits = run_search(
            db.conn, parsed, filters, limit=limit, offset=offset, order=order, marks=marks, explain=explain
        )
    except SearchError as exc:
        raise click.ClickException(f"search: {exc}") from None
    finally:
        db.conn.close()
    if fmt == "json":
        click.echo(f"search: {hits.total} articles found, {hits.ranking}", err=True)
        write_json(hits, out)
    elif fmt == "csv":
        click.echo(f"search: {hits.total} articles found, {hits.ranking}", err=True)
        write_csv(hits, out)
    else:
        width = min(shutil.get_terminal_size((100, 20)).columns, 120)
        write_table(hits, hits.total, offset, out, width=width, ranking=hits.ranking, explain=explain)


@cli.command()
@click.argument("reference")
@db_option
@click.option("--raw", is_flag=True, help="Print the archived bytes of the captured page (from its WARC file).")
@click.option("--version", "number", type=click.IntRange(min=1), help="Show version N (1 = first archived).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@user_errors
def show(reference: str, db_path: Path, raw: bool, number: int | None, as_json: bool) -> None:
    """Show an archived article (by id or URL), or with --raw the page exactly as captured.

    Example: govscraper show 12 --version 1 --raw > page.html
    """
    from govscraper.archive.lookup import NotFound, capture_bytes, capture_location, find_article, versions

    db = open_reader(db_path)
    try:
        article = find_article(db, reference)
        found = versions(db, article)
        if number is not None and number > len(found):
            raise NotFound(f"article {article['id']} has versions 1 to {len(found)}, not {number}")
        chosen = found[(number or len(found)) - 1]
        if raw:
            if not chosen.fields.get("capture_id"):
                raise click.ClickException(f"version {chosen.number} of article {article['id']} has no raw capture")
            sys.stdout.buffer.write(capture_bytes(db, db_path, chosen.fields["capture_id"]))
            return
        capture = None
        if chosen.fields.get("capture_id"):
            capture = capture_location(db, chosen.fields["capture_id"])
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.conn.close()
    fields = {
        "id": article["id"],
        "version": chosen.number,
        "versions": len(found),
        "captured_at": chosen.captured_at,
        "run_id": chosen.run_id,
        **{k: v for k, v in chosen.fields.items() if k != "capture_id"},
        "images": chosen.images,
        "attachments": chosen.attachments,
    }
    if capture:
        fields["capture"] = capture
    if as_json:
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2))
        return
    for name, value in fields.items():
        if name in ("body", "images", "attachments"):
            continue
        if value is not None:
            click.echo(f"{name}: {value if not isinstance(value, dict) else json.dumps(value, ensure_ascii=False)}")
    for image in chosen.images:
        click.echo(f"image: {image['url']}" + "".join(f" | {k}: {image[k]}" for k in ("caption", "credit") if image[k]))
    for attachment in chosen.attachments:
        click.echo(f"attachment: {attachment['url']}" + (f" | {attachment['title']}" if attachment["title"] else ""))
    click.echo(f"\n{chosen.fields['body'] or ''}")


@cli.command()
@click.argument("reference")
@db_option
@user_errors
def history(reference: str, db_path: Path) -> None:
    """List an article's versions, with a unified diff of the body between each version and the next.

    Example: govscraper history https://moduc.quangngai.gov.vn/-/view_content/1106300-tong-ket.html
    """
    from govscraper.archive.lookup import NotFound, body_diff, field_changes, find_article, versions

    db = open_reader(db_path)
    try:
        article = find_article(db, reference)
        found = versions(db, article)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.conn.close()
    click.echo(f"article {article['id']}: {article['url']}")
    for entry in found:
        marker = " (current)" if entry.current else ""
        click.echo(
            f"version {entry.number}{marker}: captured {entry.captured_at}, run {entry.run_id}, "
            f"sha256 {entry.fields['content_sha256'][:12]}, {entry.fields['title']}"
        )
    for older, newer in itertools.pairwise(found):
        click.echo(f"\nversion {older.number} -> {newer.number}:")
        for change in field_changes(older, newer):
            click.echo(change)
        click.echo(body_diff(older, newer) or "(body unchanged)")


@cli.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "warc"]), required=True,
    help="jsonl, csv or parquet (with --output): articles with their fields; warc: one portal's raw captures.",
)  # fmt: skip
@click.option(
    "--portal", "portal_ids", multiple=True, metavar="ID",
    help="Only this portal's articles (repeatable); for warc, the one portal whose captures to export.",
)  # fmt: skip
@click.option("--since", metavar="DATE", help="Published on or after: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--until", metavar="DATE", help="Published on or before (the whole year, month or day).")
@click.option("--category", help="Only this category (case and diacritics ignored).")
@click.option("--query", "query_text", metavar="TEXT", help='Only the articles this search finds, e.g. "mo duc".')
@click.option("--fields", "fields_text", metavar="A,B,...", help="Only these fields, in this order (default: all).")
@click.option(
    "--images", "images_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="Also write the exported articles' images into DIR as <sha256>.<ext>.",
)  # fmt: skip
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.option(
    "--csv-raw", is_flag=True,
    help="csv: write text cells exactly as stored, also those starting with = + - @ tab or CR, which are otherwise "
    "written with a ' in front so that a spreadsheet does not run them as formulas.",
)  # fmt: skip
@user_errors
def export(
    db_path: Path,
    fmt: str,
    portal_ids: tuple[str, ...],
    since: str | None,
    until: str | None,
    category: str | None,
    query_text: str | None,
    fields_text: str | None,
    images_dir: Path | None,
    output: Path | None,
    csv_raw: bool,
) -> None:
    """Export articles as JSON lines, CSV or Parquet (filtered like search), or a portal's raw captures as WARC.

    jsonl/csv: every column of articles plus images and attachments (lists; JSON text in a CSV cell), or --fields;
    --images DIR writes the image files too. Attachments' file names are written made safe. csv: a text cell that
    starts with = + - @ tab or CR gets a ' in front (OWASP's CSV-injection advice) unless --csv-raw; jsonl is
    exact. parquet (--output FILE): typed columns (published_at a timestamp at +07:00, integers, images and
    attachments as lists), for pandas, polars, DuckDB, R; with --images, DIR/images.parquet describes the files.
    warc: the raw captures of exactly one --portal, as one WARC file.

    Example: govscraper export --format jsonl --portal qni-moduc --since 2021 --query "mo duc" --output moduc.jsonl
    """
    from govscraper.progress import ProgressLine

    if csv_raw and fmt != "csv":
        raise click.UsageError("--csv-raw: only for --format csv (JSON lines are always written exactly)")
    if fmt != "warc":
        from govscraper.publish.export import ExportError, export_articles_to
        from govscraper.search.query import SearchError

        try:
            done = export_articles_to(
                db_path, output, fmt, query_text=query_text, portals=portal_ids, since=since, until=until,
                category=category, fields_text=fields_text, images_dir=images_dir, progress=ProgressLine("export"),
                csv_raw=csv_raw,
            )  # fmt: skip
        except (ExportError, SearchError) as exc:
            raise click.ClickException(f"export: {exc}") from None
        click.echo(done.summary(images_dir) + (f" -> {output}" if output else ""), err=True)
        return
    from govscraper.publish.export import export_warc, output_file

    given = {"--since": since, "--until": until, "--category": category, "--query": query_text}
    given.update({"--fields": fields_text, "--images": images_dir})
    extra = [name for name, value in given.items() if value is not None]
    if extra:
        raise click.UsageError(f"{', '.join(extra)}: only for --format jsonl, csv or parquet")
    if len(portal_ids) != 1:
        raise click.UsageError("--format warc exports one portal: give --portal ID once")
    portal_id = portal_ids[0]
    if output is None and sys.stdout.isatty():
        raise click.UsageError("a WARC file is binary: give --output FILE or redirect standard output")
    try:
        if output is None:
            summary = export_warc(db_path, portal_id, sys.stdout.buffer, ProgressLine("export"))
        else:
            with output_file(output) as out:
                summary = export_warc(db_path, portal_id, out, ProgressLine("export"))
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{summary.records} records of {summary.captures} captures, {summary.bytes} bytes"
        + (f" -> {output}" if output else ""),
        err=output is None,
    )


@cli.command()
@db_option
@click.option("--portal", "portal", default=None, help="One portal's coverage (its id), instead of every portal's.")
@format_option(
    "table: for a terminal; json: the table, articles per month, photos and documents per year, crawl runs; "
    "csv: the table."
)
@user_errors
def coverage(db_path: Path, portal: str | None, fmt: str) -> None:
    """Per portal: articles, first and last, months with no article between them, last finished crawl, failed crawls.

    A month with no article between a portal's first and last is a gap to check: a stretch the crawls missed, pages
    the portal removed, or a quiet month. serve draws the same as charts at /<database>/-/coverage.

    Example: govscraper coverage --db data/archive.db --portal qni-moduc
    """
    from govscraper.publish.coverage import as_csv, as_json, as_table
    from govscraper.publish.coverage import coverage as archive_coverage

    db = open_reader(db_path)
    try:
        result = archive_coverage(db.conn, portal)
    finally:
        db.conn.close()
    if portal and not result.portals:
        raise click.ClickException(f"no portal {portal!r} in {db_path}")
    if fmt == "json":
        click.echo(as_json(result))
    elif fmt == "csv":
        click.echo(as_csv(result.portals), nl=False)
    else:
        for line in as_table(result.portals):
            click.echo(line)


@cli.command()
@db_option
@click.option("--portal", "portal", default=None, help="One portal's changes (its id).")
@click.option("--since", metavar="DATE", help="Changes recorded on or after this day (YYYY-MM-DD, UTC).")
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(EVENT_KINDS),
    multiple=True,
    help="Only this kind (repeatable): edited, missing (a first miss), removed (confirmed), restored, moved.",
)
@format_option("table: for a terminal; json: a list of events; csv: one row per event.")
@user_errors
def changes(db_path: Path, portal: str | None, since: str | None, kinds: tuple[str, ...], fmt: str) -> None:
    """What changed on the portals since their articles were archived, newest first: articles edited (what changed),
    missing, removed, restored or moved, with the evidence (status, where a redirect pointed, the WARC capture).

    The events come from govscraper check and crawl --full; the archived articles stay as they were (an edit keeps
    the version before it). serve gives the same as an Atom
    feed, /-/changes.atom?portal=ID, to subscribe to what a portal deletes.

    Example: govscraper changes --portal qni-moduc --kind removed --since 2026-01-01
    """
    from govscraper.publish.changes import as_csv, as_json, as_table
    from govscraper.publish.changes import changes as archive_changes

    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a day (YYYY-MM-DD)", param_hint="'--since'") from None
    db = open_reader(db_path)
    try:
        rows = archive_changes(db.conn, portal, since, kinds)
    finally:
        db.conn.close()
    if fmt == "json":
        click.echo(as_json(rows))
    elif fmt == "csv":
        click.echo(as_csv(rows), nl=False)
    else:
        for line in as_table(rows):
            click.echo(line)


@cli.command()
@db_option
@click.option("--portal", "portal", default=None, help="One portal's health (its id).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list: per portal, its figures and problems.")
@user_errors
def health(db_path: Path, portal: str | None, as_json: bool) -> None:
    """Each portal measured against its own history: quiet (no article for longer than usual), layout changed,
    dates/authors/photos no longer read, rate limited (429/503), start pages redirected elsewhere, fewer articles
    than its lists announce, unreachable (--json for scripts and monitors).

    The same is assessed after every run; a problem that opens or clears is sent once to the webhook and/or the
    e-mail addresses configured (GOVSCRAPER_ALERT_WEBHOOK, GOVSCRAPER_ALERT_SMTP, GOVSCRAPER_ALERT_TO).

    Example: govscraper health --portal qni-moduc
    """
    from govscraper.archive.health import Thresholds, figures, open_alerts, portal_ids, problems
    from govscraper.crawl.process import scrapy_settings

    limits = Thresholds(quiet_days=scrapy_settings(db_path).getfloat("GOVSCRAPER_QUIET_DAYS", 14.0))
    db = open_reader(db_path)
    try:
        portals = [portal] if portal else portal_ids(db.conn)
        if portal and portal not in portal_ids(db.conn):
            raise click.ClickException(f"no run of portal {portal!r} in {db_path}")
        report = []
        for portal_id in portals:
            measured = figures(db.conn, portal_id)
            found = problems(measured, limits)
            report.append(
                {
                    "portal_id": portal_id,
                    "problems": [{"kind": p.kind, "detail": p.detail} for p in found],
                    "alerts": open_alerts(db.conn, portal_id),
                    "figures": measured.as_dict(),
                }
            )
    finally:
        db.conn.close()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for entry in report:
            kinds = ", ".join(p["kind"] for p in entry["problems"]) or "healthy"
            click.echo(f"{entry['portal_id']}: {kinds}")
            for found_problem in entry["problems"]:
                click.echo(f"  {found_problem['kind']}: {found_problem['detail']}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list: one object per portal, then the total.")
@user_errors
def stats(db_path: Path, as_json: bool) -> None:
    """Per portal: articles, images and attachments (distinct files), first and last publication day; a total.

    Example: govscraper stats --db data/archive.db
    """
    from govscraper.publish.stats import format_table, portal_stats

    db = open_reader(db_path)
    try:
        rows = portal_stats(db.conn)
    finally:
        db.conn.close()
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=1))
        return
    for line in format_table(rows):
        click.echo(line)
