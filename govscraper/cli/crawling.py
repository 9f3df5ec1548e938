"""Commands that fill the archive: the registry (``portals``, ``probe``), ``crawl``, ``import-warc``, ``schedule``,
and ``runs``, the record of what each crawl did.
"""

from __future__ import annotations

import ipaddress
import json
import shlex
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from govscraper.archive.presence import CHECK_EVENTS
from govscraper.archive.schema import close_db, open_db, open_reader
from govscraper.cli.common import (
    ALARM_EXIT,
    BUDGET_EXIT,
    SKIPPED_EXIT,
    cli,
    contact_option,
    db_option,
    exit_status,
    loopback_option,
    set_option,
    setting_options,
    user_errors,
    verbose_option,
)
from govscraper.registry import STATUSES, Portal, get_portal, load_registry, portal_for_url


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
@click.option(
    "--province",
    metavar="NAME",
    help="Only portals in this province, before or after the 2025 reform (diacritics optional: quang ngai).",
)
@click.option("--status", type=click.Choice(STATUSES), help="Only portals with this status.")
@user_errors
def portals(as_json: bool, province: str | None, status: str | None) -> None:
    """List the portals in the registry; a former unit shows the province it belongs to now (→ Quảng Ngãi).

    Example: govscraper portals --province "Quảng Ngãi" --status unverified
    """
    registry = load_registry()
    selected = [p for p in registry.values() if province is None or p.belongs_to(province)]
    if province is not None and not selected:
        raise click.ClickException(f"no portal in the registry belongs to province {province!r}, before or after 2025")
    for portal in selected:
        if status is not None and portal.status != status:
            continue
        if as_json:
            click.echo(json.dumps(portal.as_row(), ensure_ascii=False))
            continue
        state = portal.status + (f" since {portal.offline_since}" if portal.offline_since else "")
        line = f"{portal.id:<18} {portal.level:<5} {portal.platform:<10} {state:<12} {portal.base_url}  {portal.name}"
        click.echo(line + (f"  → {portal.province_after}" if portal.province_after else ""))


@cli.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the TOML entry.")
@contact_option
@click.option("--timeout", type=click.FloatRange(min=1), default=20.0, show_default=True, help="Seconds to wait.")
@click.option(
    "--no-menus", is_flag=True, help="Read the home page alone (one request): start URLs guessed from menu texts."
)
@user_errors
def probe(url: str, as_json: bool, contact: str | None, timeout: float, no_menus: bool) -> None:
    """Look at a portal's home page and print its registry entry.

    Fetches the page (robots.txt obeyed), tells its platform by fingerprints, reads its name and level, asks once
    for each page its menus link to (one a second) to find every category list, and prints a [[portal]] table to
    paste into govscraper/portals.toml (check it before you do).

    Example: govscraper probe https://quangngai.gov.vn/
    """
    from govscraper.ops.probe import ProbeError, render_entry
    from govscraper.ops.probe import probe as run_probe
    from govscraper.settings import user_agent

    try:
        result = run_probe(url, user_agent(contact), timeout, follow_menus=not no_menus)
    except ProbeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.as_json() if as_json else render_entry(result), nl=as_json)


def crawl_overrides(
    loopback: bool,
    limit: int | None,
    contact: str | None,
    verbose: bool,
    source: str = "live",
    *,
    this_machine: bool = False,
) -> dict[str, Any]:
    """A crawl command's settings, each in its layer (govscraper.config): the command's display defaults (below the
    config files), the profiles it applies (above files and environment, below -s) and the options that are
    settings (bare values: the command line)."""
    from click.core import ParameterSource

    from govscraper.config import DEFAULT_PROFILE, command_defaults, profile
    from govscraper.settings import LOOPBACK_SETTINGS, WAYBACK_SETTINGS

    live = sys.stderr.isatty()
    # On a terminal the live progress line is the display; warnings still show. Elsewhere, log lines.
    display = {"GOVSCRAPER_PROGRESS": True, "LOG_LEVEL": "WARNING" if live else "INFO"}
    overrides: dict[str, Any] = command_defaults(display)
    if verbose:
        overrides["LOG_LEVEL"] = "INFO"
    overrides["GOVSCRAPER_SOURCE"] = source  # --source chooses the spider; nothing else may say otherwise
    if source == "wayback" and not this_machine:
        # The Internet Archive's own pace (not for a stand-in on this machine); --loopback below still relaxes it.
        overrides.update(profile("wayback", WAYBACK_SETTINGS))
    if loopback:
        overrides.update(profile("loopback", LOOPBACK_SETTINGS))
    elif this_machine:  # every host asked is this machine: relaxed defaults, under any file, variable or option
        overrides.update(profile("loopback (this machine)", LOOPBACK_SETTINGS, DEFAULT_PROFILE))
    if limit:
        overrides["GOVSCRAPER_MAX_ARTICLES"] = limit
    context = click.get_current_context(silent=True)
    if contact and not (context and context.get_parameter_source("contact") is ParameterSource.ENVIRONMENT):
        overrides["GOVSCRAPER_CONTACT"] = contact  # from GOVSCRAPER_CONTACT, it is the environment's layer
    return overrides


def loopback_only(portal: Portal, source: str, wayback_url: str | None) -> bool:
    """Whether every host this crawl asks is this machine (127.0.0.0/8, ::1, localhost): a replica, a local mirror.

    Politeness protects other people's servers; a crawl of one's own machine is relaxed automatically (the
    ``loopback`` profile: no delay, no AutoThrottle, short timeouts), and ``-s`` still sets anything else.
    """
    if source == "wayback":
        from govscraper.config import effective_value

        hosts = {urlsplit(wayback_url or effective_value("GOVSCRAPER_WAYBACK_URL")).hostname or ""}
    else:
        hosts = {portal.host} | {urlsplit(url).hostname or "" for url in portal.category_urls}
    return all(is_loopback(host) for host in hosts)


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def wayback_overrides(start: str | None, end: str | None, wayback_url: str | None) -> dict[str, Any]:
    """The settings of a Wayback crawl, with ``--from``/``--to`` checked as the CDX server takes them."""
    from govscraper.sources.cdx import WaybackError, check_timestamp, pad_timestamp

    overrides: dict[str, Any] = {"GOVSCRAPER_SOURCE": "wayback"}
    for value, hint, name in ((start, "--from", "GOVSCRAPER_WAYBACK_FROM"), (end, "--to", "GOVSCRAPER_WAYBACK_TO")):
        if value is not None:
            try:
                overrides[name] = check_timestamp(value)
            except WaybackError as exc:
                raise click.ClickException(f"{hint}: {exc}") from None
    if start and end and pad_timestamp(start.strip()) > pad_timestamp(end.strip(), end=True):
        raise click.ClickException(f"--from {start} is after --to {end}: no capture can be in that range")
    if wayback_url:  # the command line; GOVSCRAPER_WAYBACK_URL may also come from a config file or the environment
        from govscraper.config import check

        overrides["GOVSCRAPER_WAYBACK_URL"] = check("GOVSCRAPER_WAYBACK_URL", wayback_url, "--wayback-url")
    return overrides


def report_wayback(result: Any, portal: Portal, start: str | None, end: str | None) -> None:
    """What a Wayback crawl found in the Internet Archive; a CDX server that failed, or no capture at all in the
    range, is an error (exit status 1)."""
    stats = result.stats
    if stats.get("govscraper/wayback/error"):
        raise click.ClickException(stats["govscraper/wayback/error"])
    span = (f" from {start}" if start else "") + (f" to {end}" if end else "")
    listed = stats.get("govscraper/wayback/captures", 0)
    if not listed:
        raise click.ClickException(f"no captures of {portal.host} in the Wayback Machine{span}: nothing archived")
    click.echo(
        f"wayback: {listed} captured pages of {portal.host}{span}; {stats.get('govscraper/wayback/fetched', 0)} "
        f"fetched, {stats.get('govscraper/wayback/archived_already', 0)} already archived"
    )


def print_summary(result: Any, db_path: Path) -> None:
    counts = result.counts
    articles = sum(counts.get(f"articles_{k}", 0) or 0 for k in ("new", "updated", "unchanged"))
    mode = f" ({counts['mode']}{', resumed' if counts.get('resumes') else ''})" if counts.get("mode") else ""
    not_modified = counts.get("pages_not_modified") or 0
    click.echo(
        f"run {result.run_id}{mode} {result.status} in {result.elapsed:.1f} s: {articles} articles "
        f"({counts.get('articles_new', 0)} new, {counts.get('articles_updated', 0)} updated, "
        f"{counts.get('articles_unchanged', 0)} unchanged), {counts.get('images_new', 0)} new images, "
        f"{counts.get('attachments_new', 0)} new attachments, {counts.get('failures', 0)} failures, "
        f"{counts.get('requests', 0)} requests"
        + (f" ({not_modified} not modified)" if not_modified else "")
        + f" -> {db_path}"
    )


@cli.command()
@click.argument("portal_id", required=False)
@click.option("--url", help="Crawl a site that is not in the registry, staying on its host.")
@db_option
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many article pages.")
@click.option("--base-url", help="Crawl the portal from another address (a mirror, a local replica).")
@loopback_option
@contact_option
@click.option("--no-warc", is_flag=True, help="Do not write raw captures (WARC files) for this crawl.")
@click.option("--full", is_flag=True, help="Revisit every known article, to find edited ones (versions are kept).")
@click.option("--resume", is_flag=True, help="Continue the portal's interrupted crawl (killed, or stopped).")
@click.option(
    "--source",
    type=click.Choice(["live", "wayback"]),
    default="live",
    show_default=True,
    help="The portal itself, or its captures in the Internet Archive's Wayback Machine (closed portals).",
)
@click.option(
    "--from", "wayback_from", metavar="TIMESTAMP", help="Wayback: captures from (YYYY, YYYYMM, YYYYMMDD[hhmmss], UTC)."
)
@click.option("--to", "wayback_to", metavar="TIMESTAMP", help="Wayback: captures up to, inclusive (same forms).")
@click.option("--wayback-url", hidden=True, help="Another Wayback Machine (a local stand-in for tests).")
@set_option("Override a Scrapy or govscraper setting (repeatable), e.g. -s DOWNLOAD_DELAY=3.")
@verbose_option
@user_errors
def crawl(
    portal_id: str | None,
    url: str | None,
    db_path: Path,
    limit: int | None,
    base_url: str | None,
    loopback: bool,
    contact: str | None,
    no_warc: bool,
    full: bool,
    resume: bool,
    source: str,
    wayback_from: str | None,
    wayback_to: str | None,
    wayback_url: str | None,
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl a registered portal (by id) or any site (--url) into the archive.

    --source wayback reads the portal's captures in the Wayback Machine instead: the newest capture of each
    article between --from and --to.

    Example: govscraper crawl qni-moduc --db data/archive.db
    """
    if bool(portal_id) == bool(url):
        raise click.UsageError("give a portal id or --url URL (not both)")
    portal: Portal = portal_for_url(url) if url else get_portal(portal_id or "")
    if base_url:
        portal = portal.rebased(base_url)
    from govscraper.crawl.process import run_crawl

    # The user's own machine is the only one asked: no politeness to keep (files, variables and -s still rule).
    this_machine = not loopback and loopback_only(portal, source, wayback_url)
    overrides = crawl_overrides(loopback, limit, contact, verbose, source, this_machine=this_machine)
    if source == "wayback":
        overrides.update(wayback_overrides(wayback_from, wayback_to, wayback_url))
    elif wayback_from or wayback_to or wayback_url:
        raise click.UsageError("--from, --to and --wayback-url go with --source wayback")
    if full and resume:
        raise click.UsageError("--full and --resume do not go together")
    if no_warc:  # options not given are not the command line: the files, the environment or the default decide
        overrides["GOVSCRAPER_WARC"] = False
    if full or resume:
        overrides["GOVSCRAPER_MODE"] = "full" if full else "resume"
    overrides.update(setting_options(settings))
    from govscraper.crawl.process import check_can_crawl

    check_can_crawl(portal, db_path, overrides)
    target = f"--url {shlex.quote(url)}" if url else portal.id
    wayback = " --source wayback" if source == "wayback" else ""
    hint = f"govscraper crawl {target}{wayback} --resume --db {shlex.quote(str(db_path))}"
    result = run_crawl(portal, db_path, overrides, verbose=verbose, resume_hint=hint)
    print_summary(result, db_path)
    if result.stopped_by:
        click.echo(f"stopped: what was archived is kept; continue this run with: {hint}", err=True)
        sys.exit(exit_status(result.stopped_by))
    if result.status == "unreachable":
        raise click.ClickException(f"{result.start_failure} (run {result.run_id} recorded as unreachable)")
    if result.status == "budget reached":
        click.echo(f"{result.counts.get('finish_reason')}; continue this run with: {hint}", err=True)
        sys.exit(BUDGET_EXIT)
    if source == "wayback":
        report_wayback(result, portal, wayback_from, wayback_to)
    elif result.start_failure:
        raise click.ClickException(f"could not reach {portal.category_urls[0]}: {result.start_failure}")
    if result.counts.get("alarm"):
        click.echo(f"warning: {portal.id}: {result.counts['alarm']} {result.counts.get('alarm_reason')}", err=True)
        sys.exit(ALARM_EXIT)


@cli.command()
@click.argument("portal_id", required=False)
@db_option
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    metavar="N",
    help="Revisit at most N articles: those never checked first, then the longest ago checked.",
)
@loopback_option
@contact_option
@set_option("Override a Scrapy or govscraper setting (repeatable), e.g. -s GOVSCRAPER_REMOVAL_DAYS=14.")
@verbose_option
@user_errors
def check(
    portal_id: str | None,
    db_path: Path,
    sample: int | None,
    loopback: bool,
    contact: str | None,
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Revisit a portal's archived articles and record which are gone, moved or back (never changing them).

    Each article's URL is asked for once, politely and conditionally, without following redirects: 404/410, a
    redirect to the home page or a list, or a page saying the article does not exist make it missing; it is
    recorded as removed only after misses on GOVSCRAPER_REMOVAL_CHECKS (3) checks spanning at least
    GOVSCRAPER_REMOVAL_DAYS (7) days; a 301 to another article page records a move; an article that answers again
    is restored. The events are in the table article_events (govscraper changes lists them); a portal that cannot
    be reached is recorded once, in portal_outages. Exit status 1 when the portal cannot be reached.

    Without PORTAL, every portal the archive has runs of is checked in turn, each in a process of its own (exit
    status: the worst of theirs).

    Example: govscraper check qni-moduc --sample 200
    """
    if portal_id is None:
        check_every_portal(db_path, sample, loopback, contact, settings, verbose)
        return
    portal = portal_to_check(portal_id, db_path)
    from govscraper.crawl.process import check_can_crawl, run_crawl

    overrides = crawl_overrides(
        loopback, None, contact, verbose, this_machine=not loopback and loopback_only(portal, "live", None)
    )
    overrides["GOVSCRAPER_MODE"] = "check"
    overrides["GOVSCRAPER_SITEMAPS"] = False
    if sample:
        overrides["GOVSCRAPER_CHECK_SAMPLE"] = sample
    overrides.update(setting_options(settings))
    check_can_crawl(portal, db_path, overrides)
    result = run_crawl(portal, db_path, overrides, verbose=verbose)
    stats = result.stats
    verdicts = {kind: stats.get(f"govscraper/revisit/{kind}", 0) for kind in ("present", "missing", "moved", "unknown")}
    events = {kind: stats.get(f"govscraper/revisit/event/{kind}", 0) for kind in CHECK_EVENTS}
    click.echo(
        f"run {result.run_id} (check) {result.status}: {sum(verdicts.values())} articles revisited: "
        + ", ".join(f"{n} {kind}" for kind, n in verdicts.items())
        + "; events: "
        + ", ".join(f"{n} {kind}" for kind, n in events.items())
        + f"; {result.counts.get('failures', 0)} failures -> {db_path}"
    )
    if result.stopped_by:
        sys.exit(exit_status(result.stopped_by))
    if result.status == "unreachable":
        raise click.ClickException(f"{result.start_failure} (run {result.run_id} recorded as unreachable)")


def portal_to_check(portal_id: str, db_path: Path) -> Portal:
    """The registry's entry, else the portal as the archive recorded it (the demo's, one crawled by --url, one whose
    entry was removed): its articles can be revisited all the same."""
    from govscraper.archive.lookup import archived_portal
    from govscraper.registry import UnknownPortal

    try:
        return get_portal(portal_id)
    except UnknownPortal:
        db = open_reader(db_path)
        try:
            row = archived_portal(db, portal_id)
        finally:
            db.conn.close()
        if row is None:
            raise
        return Portal(
            id=row["id"],
            name=row["name"] or row["id"],
            province=row["province"] or "",
            level=row["level"] or "tỉnh",
            base_url=row["base_url"],
            platform=row["platform"],
            start_urls=tuple((row["start_urls"] or "").splitlines()),
        )


def check_every_portal(
    db_path: Path, sample: int | None, loopback: bool, contact: str | None, settings: tuple[str, ...], verbose: bool
) -> None:
    """``check`` of each portal the archive has runs of, one process each (a reactor runs once per process)."""
    import subprocess

    from govscraper.archive.health import portal_ids

    db = open_reader(db_path)
    try:
        portals = portal_ids(db.conn)
    finally:
        db.conn.close()
    options = [*(["--sample", str(sample)] if sample else []), *(["--loopback"] if loopback else [])]
    options += [*(["--contact", contact] if contact else []), *(["-v"] if verbose else [])]
    options += [part for setting in settings for part in ("-s", setting)]
    worst = 0
    for portal in portals:
        command = [sys.executable, "-m", "govscraper", "check", portal, "--db", str(db_path), *options]
        worst = max(worst, subprocess.run(command, check=False).returncode)
    if not portals:
        click.echo(f"no portal to check: {db_path} has no run yet", err=True)
    sys.exit(worst)


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--portal", "portal_id", metavar="ID", help="Archive every page under this portal (default: by host).")
@db_option
@verbose_option
@user_errors
def import_warc(files: tuple[Path, ...], portal_id: str | None, db_path: Path, verbose: bool) -> None:
    """Archive the articles, photos and documents in WARC files (Heritrix, Browsertrix, wget, govscraper).

    The pages go through the same extractors and pipelines as a crawl, answered from the files (no network);
    each host is matched to its registry portal (else url-<host>), or all to --portal. The files are copied into
    the archive's WARC directory (warc/imported/) and every stored thing points at its record there.

    A record that cannot be imported (damaged, cut off, or over the size limits once decoded, like a gzip bomb)
    is skipped, not the rest of its file: one warning line each (file, offset, URL) and a row in the table
    import_failures. The last line counts the records read, imported and skipped.

    Exit status: 0 when every record could be read; 4 when the import finished but records were skipped; 3 when a
    run's layout canary fired (whether or not records were skipped); 1 for a file that cannot be imported at all
    (missing, empty, not a WARC); 130/143 when stopped by Ctrl-C/SIGTERM.

    Example: govscraper import-warc moduc-2024.warc.gz --db data/archive.db
    """
    from govscraper.crawl.process import scrapy_settings
    from govscraper.middlewares import warc_directory
    from govscraper.sources.warc_index import WarcImportError, WarcIndex, assign_portals, check_copy, copy_into_archive

    skipped_exit = SKIPPED_EXIT  # finished, but records were skipped (ALARM_EXIT stays the layout canary's)
    portal = get_portal(portal_id) if portal_id else None
    settings = scrapy_settings(db_path, {})
    try:
        # The live crawl's ceiling bounds every record read and every body decoded (hostile files).
        index = WarcIndex.build(list(files), max_size=settings.getint("DOWNLOAD_MAXSIZE"))
        hosts = index.hosts()
        if not hosts:
            for problem in index.problems:
                click.echo(f"warning: {problem}", err=True)
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(index.counts.items()))
            skipped = f"; {len(index.failures)} skipped" if index.failures else ""
            raise WarcImportError(
                f"no HTML page in {', '.join(index.files)} ({kinds or 'no records'}{skipped}): nothing to import"
            )
        close_db(open_db(db_path))  # one clear line if the archive cannot be written, before anything is copied
        directory = warc_directory(str(db_path), settings.get("GOVSCRAPER_WARC_DIR"))
        for warc_file in index.files.values():
            check_copy(warc_file, directory)
        for warc_file in index.files.values():
            copy, copied = copy_into_archive(warc_file, directory)
            index.set_source(warc_file.name, copy)
            click.echo(
                f"{warc_file.name}: {warc_file.records} records ({warc_file.software or 'unknown software'}), "
                + ("copied to " if copied else "already in the archive as ")
                + str(copy)
            )
    except WarcImportError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in index.problems:
        click.echo(f"warning: {problem}", err=True)
    told = len(index.problems)
    plan = assign_portals(hosts, load_registry(), portal, index.schemes())
    from govscraper.crawl.process import run_import

    results = run_import(plan, index, db_path, crawl_overrides(False, None, None, verbose), verbose=verbose)
    alarms = []
    for entry, result in results:
        click.echo(f"{entry.id}: ", nl=False)
        print_summary(result, db_path)
    for problem in index.problems[told:]:  # records refused while answering requests (bodies over their limit)
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"import: {index.summary()}" + (" (see the table import_failures)" if index.failures else ""))
    stopped_by = next((result.stopped_by for _, result in results if result.stopped_by), None)
    if stopped_by:
        click.echo("stopped: what was imported is kept; run the same import again to finish it", err=True)
        sys.exit(exit_status(stopped_by))
    for entry, result in results:
        if result.counts.get("alarm"):
            alarms.append(f"warning: {entry.id}: {result.counts['alarm']} {result.counts.get('alarm_reason')}")
    for line in alarms:
        click.echo(line, err=True)
    if alarms:
        sys.exit(ALARM_EXIT)
    if index.failures:
        sys.exit(skipped_exit)


@cli.command()
@db_option
@click.option(
    "--portal",
    "portal_ids",
    multiple=True,
    metavar="ID",
    help="Schedule only this portal (repeatable). Default: every portal in the registry that is not offline.",
)
@click.option(
    "--max-parallel",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Crawls running at once (never two on the same server).",
)
@click.option(
    "--jitter",
    type=click.FloatRange(0, 0.5),
    default=0.1,
    show_default=True,
    help="Move each due time by up to this fraction of the portal's interval, either way.",
)
@click.option("--once", is_flag=True, help="Start every crawl that is due, wait for them all, exit (for cron).")
@click.option("--loopback", is_flag=True, hidden=True, help="Pass --loopback to every crawl.")
@set_option("Pass a setting to every crawl (repeatable), e.g. -s DOWNLOAD_DELAY=3.")
@click.option(
    "--crawl-arg",
    "crawl_arg_values",
    multiple=True,
    metavar="ARGS",
    help="More options for every crawl, split like a shell does (repeatable), e.g. --crawl-arg=--no-warc.",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="On SIGTERM or Ctrl-C, seconds to wait for running crawls to stop before killing them.",
)
@click.option("--cron", is_flag=True, help="Print crontab lines (one per portal) instead of running.")
@click.option("--systemd", is_flag=True, help="Print a systemd service and timer instead of running.")
@click.option("--seed", type=int, default=0, hidden=True, help="Seed of the jitter.")
@click.option("--poll", type=click.FloatRange(min=0.05), default=5.0, hidden=True, help="Seconds between looks.")
@click.option("-v", "--verbose", is_flag=True, help="Log each portal's due time and every decision.")
@user_errors
def schedule(
    db_path: Path,
    portal_ids: tuple[str, ...],
    max_parallel: int,
    jitter: float,
    once: bool,
    loopback: bool,
    settings: tuple[str, ...],
    crawl_arg_values: tuple[str, ...],
    stop_timeout: float,
    cron: bool,
    systemd: bool,
    seed: int,
    poll: float,
    verbose: bool,
) -> None:
    """Crawl the registry's portals on their intervals, without a human, until SIGTERM or Ctrl-C.

    A portal is due when its last run in the archive is older than its interval (registry field `interval`,
    daily by default) give or take the jitter; never-crawled portals are due at once; offline portals are never
    scheduled. Each crawl is `govscraper crawl ID --db PATH` in its own process, logged to logs/ beside the
    archive; one crawl per server at a time. --cron and --systemd print the same schedule for the system's
    schedulers instead.

    Example: govscraper schedule --max-parallel 2 --db data/archive.db
    """
    import shlex

    from govscraper.ops import schedule as scheduling
    from govscraper.ops import supervisor
    from govscraper.ops import units as unit_files

    if cron and systemd:
        raise click.UsageError("give --cron or --systemd, not both")
    crawl_args = ["--loopback"] if loopback else []
    setting_options(settings)  # checked here, once, rather than in every crawl
    for setting in settings:
        crawl_args += ["-s", setting]
    try:
        crawl_args += [word for value in crawl_arg_values for word in shlex.split(value)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--crawl-arg") from None
    if any(word == "--db" or word.startswith("--db=") for word in crawl_args):
        raise click.BadParameter("the archive is schedule's --db, not a crawl argument", param_hint="--crawl-arg")
    portals, offline = scheduling.select_portals(load_registry(), portal_ids)
    supervisor.configure_logging(verbose)
    for portal in offline:
        scheduling.logger.warning("%s is offline since %s: not scheduled", portal.id, portal.offline_since)
    if not portals:
        raise click.ClickException("no portal to schedule (offline portals are not crawled)")
    if cron:
        click.echo(unit_files.crontab(portals, db_path, crawl_args), nl=False)
        return
    if systemd:
        units = unit_files.systemd_units(portals, db_path, portal_ids, crawl_args, max_parallel, jitter, stop_timeout)
        click.echo(unit_files.format_units(units), nl=False)
        return
    status = supervisor.run_schedule(
        portals, db_path, crawl_args, max_parallel, jitter, seed, once=once, poll=poll, stop_timeout=stop_timeout
    )
    if status:
        sys.exit(status)


@cli.command()
@db_option
@click.option("--portal", "portal_id", help="Only this portal's runs.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The newest N runs.")
@click.option("--alarms", is_flag=True, help="Only runs whose canary fired (layout-changed?).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@user_errors
def runs(db_path: Path, portal_id: str | None, limit: int, alarms: bool, as_json: bool) -> None:
    """List crawl runs: what each fetched and archived, how long it took, and the layout canary.

    Example: govscraper runs --portal qni-moduc
    """
    from govscraper.archive.lookup import crawl_runs

    db = open_reader(db_path)
    try:
        rows = crawl_runs(db, portal_id, alarms, limit)
    finally:
        db.conn.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no runs" + (f" of {portal_id}" if portal_id else ""))
        return
    header = (
        f"{'run':>5} {'portal':<16} {'mode':<11} {'started (UTC)':<19} {'secs':>7} {'status':<11} {'requests':>8} "
        f"{'MB':>7} {'new':>6} {'upd':>5} {'same':>6} {'failed':>6}  alarm"
    )
    click.echo(header)
    for row in rows:
        alarm = f"{row['alarm']} {row['alarm_reason']}" if row["alarm"] else ""
        click.echo(
            f"{row['id']:>5} {row['portal_id']:<16} {row['mode'] or '':<11} {(row['started_at'] or '')[:19]:<19} "
            f"{row['duration_s'] or 0:>7.1f} {row['status']:<11} {row['requests'] or 0:>8} "
            f"{(row['bytes'] or 0) / 1e6:>7.1f} {row['articles_new'] or 0:>6} {row['articles_updated'] or 0:>5} "
            f"{row['articles_unchanged'] or 0:>6} {row['articles_failed'] or 0:>6}  {alarm}"
        )
