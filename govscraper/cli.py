"""The ``govscraper`` command: register, crawl, inspect and demo the archive.

One function per command, shared options as decorators, the docstring as the help text. Errors a user can
cause (an unknown portal, an unreachable URL, an unwritable archive) end in one line on stderr and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import json
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from govscraper.db import DEFAULT_DB, ArchiveError, close_db, open_db, open_reader
from govscraper.registry import (
    STATUSES,
    Portal,
    RegistryError,
    UnknownPortal,
    get_portal,
    load_registry,
    portal_for_url,
)

#: Exit status of a crawl that finished but whose canary fired ("layout-changed?"): schedulers can tell it apart.
ALARM_EXIT = 3
#: Exit status of an import that finished but skipped records it could not read (listed in import_failures).
SKIPPED_EXIT = 4
#: Exit status of a crawl that reached GOVSCRAPER_MAX_REQUESTS or GOVSCRAPER_MAX_PAGES: incomplete by design;
#: ``crawl --resume`` continues it with a fresh budget.
BUDGET_EXIT = 5


def exit_status(signum: int) -> int:
    """What a shell reports for a process ended by ``signum``: 130 for SIGINT (Ctrl-C), 143 for SIGTERM."""
    return 128 + signum


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH``: every command that touches the archive takes it. Not given: the ``GOVSCRAPER_DB`` setting from
    the environment or the user's config file (govscraper.config), else data/archive.db."""

    def default_db() -> Path:
        from govscraper.config import default_db

        return default_db()

    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default_db,
        show_default=f"GOVSCRAPER_DB, else {DEFAULT_DB}",
        help="The SQLite archive.",
    )(function)


def user_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can cause into one line on stderr and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BrokenPipeError:
            # The reader went away (``govscraper show --raw ... | head``): nothing is wrong, stop quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            # Ctrl-C outside a crawl (a crawl handles its own: govscraper.stopping): no traceback, the usual status.
            click.echo("\ninterrupted", err=True)
            sys.exit(exit_status(signal.SIGINT))
        except (ArchiveError, RegistryError, UnknownPortal, OSError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govscraper")
def cli() -> None:
    """Archive Vietnamese local-government news portals into SQLite.

    Example: govscraper demo
    """


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
@click.option("--contact", envvar="GOVSCRAPER_CONTACT", help="E-mail or URL put in the User-Agent.")
@click.option("--timeout", type=click.FloatRange(min=1), default=20.0, show_default=True, help="Seconds to wait.")
@user_errors
def probe(url: str, as_json: bool, contact: str | None, timeout: float) -> None:
    """Look at a portal's home page and print its registry entry.

    Fetches the page once (robots.txt obeyed), tells its platform by fingerprints, guesses its news lists, name
    and level, and prints a [[portal]] table to paste into govscraper/portals.toml (check it before you do).

    Example: govscraper probe https://quangngai.gov.vn/
    """
    from govscraper.probe import ProbeError, render_entry
    from govscraper.probe import probe as run_probe
    from govscraper.settings import user_agent

    try:
        result = run_probe(url, user_agent(contact), timeout)
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
    from govscraper.wayback import WaybackError, check_timestamp, pad_timestamp

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


def setting_options(values: tuple[str, ...]) -> dict[str, Any]:
    """``-s NAME=VALUE`` options: known names, values read by the type of their default (govscraper.config)."""
    from govscraper.config import ConfigError, parse_assignment

    parsed: dict[str, Any] = {}
    for text in values:
        try:
            name, value = parse_assignment(text)
        except ConfigError as exc:
            raise click.BadParameter(exc.reason, param_hint="-s/--set") from None
        parsed[name] = value
    return parsed


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
@click.option("--loopback", is_flag=True, hidden=True, help="Relax politeness for a replica on 127.0.0.1.")
@click.option("--contact", envvar="GOVSCRAPER_CONTACT", help="E-mail or URL put in the User-Agent.")
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
@click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or govscraper setting (repeatable), e.g. -s DOWNLOAD_DELAY=3.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request and item.")
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
    from govscraper.crawl import run_crawl

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
    from govscraper.crawl import check_can_crawl

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


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--portal", "portal_id", metavar="ID", help="Archive every page under this portal (default: by host).")
@db_option
@click.option("-v", "--verbose", is_flag=True, help="Log every request and item.")
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
    from govscraper.crawl import scrapy_settings
    from govscraper.middlewares import warc_directory
    from govscraper.warcimport import WarcImportError, WarcIndex, assign_portals, check_copy, copy_into_archive

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
    from govscraper.crawl import run_import

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
@click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Pass a setting to every crawl (repeatable), e.g. -s DOWNLOAD_DELAY=3.",
)
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

    from govscraper import schedule as scheduling

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
    scheduling.configure_logging(verbose)
    for portal in offline:
        scheduling.logger.warning("%s is offline since %s: not scheduled", portal.id, portal.offline_since)
    if not portals:
        raise click.ClickException("no portal to schedule (offline portals are not crawled)")
    if cron:
        click.echo(scheduling.crontab(portals, db_path, crawl_args), nl=False)
        return
    if systemd:
        units = scheduling.systemd_units(portals, db_path, portal_ids, crawl_args, max_parallel, jitter, stop_timeout)
        click.echo(scheduling.format_units(units), nl=False)
        return
    status = scheduling.run_schedule(
        portals, db_path, crawl_args, max_parallel, jitter, seed, once=once, poll=poll, stop_timeout=stop_timeout
    )
    if status:
        sys.exit(status)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was saved from (resolves links, names the site).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--platform",
    type=click.Choice(["auto", "liferay62", "liferay7", "sharepoint", "uploadcms", "generic"]),
    default="auto",
    show_default=True,
)
@click.option("--content-type", help="The Content-Type header the page was served with, if known.")
@user_errors
def extract(file: Path, url: str, as_json: bool, platform: str, content_type: str | None) -> None:
    """Run the extractor on a saved page and print the fields.

    Reads the page's bytes and honours its declared encoding (header, BOM, <meta charset>).

    Example: govscraper extract page.html --url https://moduc.quangngai.gov.vn/... --json
    """
    from govscraper.extract.detect import decode_page, detect_platform, extract_article

    text = decode_page(file.read_bytes(), content_type)
    chosen = detect_platform(text, url) if platform == "auto" else platform
    article = extract_article(text, url, chosen)
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
        "platform": article.platform or chosen,
    }
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
        else:
            click.echo(f"{name}: {'' if value is None else value}")


def demo_portal(base_url: str, categories: list[str]) -> Portal:
    """The replica's registry entry: a Liferay 6.2 district portal served from 127.0.0.1."""
    return Portal(
        id="demo-moduc",
        name="Cổng thông tin điện tử huyện Mộ Đức (bản sao cục bộ để thử)",
        province="Quảng Ngãi",
        level="huyện",
        base_url=base_url,
        platform="liferay62",
        start_urls=tuple(categories),
        status="live",
        notes="govscraper's bundled replica, served on 127.0.0.1 by `govscraper demo`",
    )


EXAMPLE_QUERY = (
    "SELECT substr(published_at, 1, 10) AS day, title FROM articles "
    "WHERE portal_id = 'demo-moduc' AND body LIKE '%nông thôn mới%' ORDER BY published_at DESC LIMIT 5"
)


@cli.command()
@db_option
@click.option(
    "--articles",
    type=click.IntRange(min=1),
    default=36,
    show_default=True,
    help="Size of the replica portal.",
)
@click.option("--faults", is_flag=True, help="Make some pages and images misbehave (500, timeouts, ...).")
@click.option("--seed", type=int, default=2022, show_default=True, hidden=True)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8022,
    show_default=True,
    help="Port of the replica on 127.0.0.1 (any free port if taken).",
)
@user_errors
def demo(db_path: Path, articles: int, faults: bool, seed: int, port: int) -> None:
    """Crawl a bundled replica portal on 127.0.0.1 into the archive, offline.

    Starts a local Liferay 6.2 replica of a district portal (Vietnamese articles, photos, documents,
    pagination), crawls it with the real spider and pipelines, and prints a summary and an example query.

    Example: govscraper demo --db data/archive.db
    """
    from govscraper.crawl import run_crawl
    from govscraper.replica import ReplicaServer, build_site

    close_db(open_db(db_path))
    site = build_site(articles=articles, seed=seed, faults="all" if faults else None)
    try:
        # A fixed port keeps the replica's URLs the same from one demo to the next, so a second demo into the same
        # archive finds the articles unchanged instead of "moved"; any free port when it is taken.
        server = ReplicaServer(site, host="127.0.0.1", port=port, timeout_delay=8)
    except OSError:
        server = ReplicaServer(site, host="127.0.0.1", port=0, timeout_delay=8)
    with server:
        click.echo(f"replica portal with {len(site.articles)} articles serving at {server.url}")
        result = run_crawl(
            demo_portal(server.url, [c[0] for c in site.categories]),
            db_path,
            crawl_overrides(True, None, None, False),
        )
    print_summary(result, db_path)
    if result.stopped_by:
        click.echo("stopped: what was archived is kept; run the demo again to finish it", err=True)
        sys.exit(exit_status(result.stopped_by))
    archive = open_reader(db_path)
    try:
        examples = list(archive.query(EXAMPLE_QUERY))
        failures = list(archive.query("SELECT kind, url, error FROM fetch_failures WHERE run_id = ?", [result.run_id]))
    finally:
        archive.conn.close()
    click.echo(f'\nExample query (sqlite3 {db_path} "..."):\n  {EXAMPLE_QUERY}')
    for row in examples:
        click.echo(f"  {row['day']}  {row['title']}")
    if failures:
        click.echo(f"\n{len(failures)} failures recorded in fetch_failures (the crawl went on):")
        for row in failures:
            click.echo(f"  {row['kind']:<10} {row['error']}  {row['url']}")
    if result.start_failure:
        raise click.ClickException(f"the demo crawl fetched nothing: {result.start_failure}")


@cli.command()
@click.option("--articles", type=click.IntRange(min=1), default=36, show_default=True)
@click.option("--seed", type=int, default=2022, show_default=True)
@click.option("--faults", is_flag=True, help="Inject one fault of each kind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8022, show_default=True)
def replica(articles: int, seed: int, faults: bool, port: int) -> None:
    """Serve the replica portal on 127.0.0.1 until interrupted (to explore it, or crawl it by hand).

    Example: govscraper replica --port 8022 (then: govscraper crawl --url http://127.0.0.1:8022/)
    """
    from govscraper.replica import ReplicaServer, build_site

    site = build_site(articles=articles, seed=seed, faults="all" if faults else None)
    try:
        server = ReplicaServer(site, host="127.0.0.1", port=port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (choose another --port, or 0 for any free one)"
        ) from None
    server.serve_until_signalled(
        lambda: click.echo(f"serving {len(site.articles)} articles at {server.url} (Ctrl-C stops)")
    )
    click.echo("replica stopped")


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
    db = open_reader(db_path)
    try:
        where, params = [], []
        if portal_id:
            where.append("portal_id = ?")
            params.append(portal_id)
        if alarms:
            where.append("alarm IS NOT NULL")
        rows = list(
            db.query(
                "SELECT * FROM crawl_runs"
                + (f" WHERE {' AND '.join(where)}" if where else "")
                + " ORDER BY id DESC LIMIT ?",
                [*params, limit],
            )
        )
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
) -> None:
    """Search the archive, with or without diacritics ("mo duc" finds "Mộ Đức"; "hội nghị" only itself).

    Words are ANDed; "quotes" make a phrase; word* a prefix; OR, NOT and (parentheses) combine. Articles that
    match as typed come before those that match only without diacritics. Matches are marked [like this].

    Example: govscraper search "giải phóng mặt bằng" --portal qni-moduc --since 2021 --until 2021
    """
    from govscraper.search import SearchError, count, parse
    from govscraper.search import search as run_search
    from govscraper.search.output import write_csv, write_json, write_table

    db = open_reader(db_path)
    try:
        parsed = parse(" ".join(query))
        filters = search_filters(portals, since, until, category)
        out = click.get_text_stream("stdout")
        marks = ("\x1b[1;33m", "\x1b[0m") if fmt == "table" and out.isatty() else ("[", "]")
        hits = run_search(db.conn, parsed, filters, limit=limit, offset=offset, order=order, marks=marks)
        total = count(db.conn, parsed, filters) if fmt == "table" else len(hits)
    except SearchError as exc:
        raise click.ClickException(f"search: {exc}") from None
    finally:
        db.conn.close()
    if fmt == "json":
        write_json(hits, out)
    elif fmt == "csv":
        write_csv(hits, out)
    else:
        write_table(hits, total, offset, out, width=min(shutil.get_terminal_size((100, 20)).columns, 120))


@cli.command()
@db_option
@user_errors
def reindex(db_path: Path) -> None:
    """Rebuild the full-text index from the stored articles (after an upgrade that changes how text is folded).

    Example: govscraper reindex --db data/archive.db
    """
    from govscraper.search.index import rebuild

    db = open_db(db_path, create=False)
    try:
        with db.atomic():
            total = rebuild(db.conn, progress=lambda done: click.echo(f"reindex: {done} articles", err=True))
    finally:
        close_db(db)
    click.echo(f"{total} articles indexed -> {db_path}")


@cli.command()
@db_option
@user_errors
def upgrade(db_path: Path) -> None:
    """Bring an archive made by an older govscraper up to this version's schema (reading commands never do).

    Each step runs in one transaction with its record, so an interrupted upgrade is simply run again. It also
    merges a pending write-ahead log into the archive, leaving one self-contained file to copy to read-only media.

    Example: govscraper upgrade --db data/archive.db
    """
    from govscraper.db import upgrade_archive

    applied = upgrade_archive(db_path)
    if applied:
        click.echo(f"{db_path}: applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        click.echo(f"{db_path}: up to date")


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
    from govscraper.lookup import NotFound, capture_bytes, find_article, versions

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
            capture = db.execute(
                "SELECT warc_file, offset, record_id, warc_type FROM captures WHERE id = ?",
                [chosen.fields["capture_id"]],
            ).fetchone()
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
        fields["capture"] = {"warc_file": capture[0], "offset": capture[1], "record_id": capture[2], "type": capture[3]}
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
    from govscraper.lookup import NotFound, body_diff, field_changes, find_article, versions

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
@user_errors
def verify(db_path: Path) -> None:
    """Check every stored blob's sha256, SQLite's integrity and every WARC record the archive points to.

    Exits non-zero, listing each mismatch, when anything is not what was archived.

    Example: govscraper verify --db data/archive.db
    """
    from govscraper.progress import ProgressLine
    from govscraper.verify import verify_archive

    report = verify_archive(db_path, ProgressLine("verify"))
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), required=True,
    help="jsonl or csv: articles with their fields; warc: one portal's raw captures.",
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
    """Export articles as JSON lines or CSV (filtered like search), or a portal's raw captures as WARC.

    jsonl/csv: every column of articles plus images and attachments (lists; JSON text in a CSV cell), or --fields;
    --images DIR writes the image files too. Attachments' file names are written made safe. csv: a text cell that
    starts with = + - @ tab or CR gets a ' in front (OWASP's CSV-injection advice) unless --csv-raw; jsonl is
    exact. warc: the raw captures of exactly one --portal, as one WARC file.

    Example: govscraper export --format jsonl --portal qni-moduc --since 2021 --query "mo duc" --output moduc.jsonl
    """
    from govscraper.progress import ProgressLine

    if csv_raw and fmt != "csv":
        raise click.UsageError("--csv-raw: only for --format csv (JSON lines are always written exactly)")
    if fmt != "warc":
        from govscraper.export import ExportError, export_articles_to
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
    from govscraper.export import export_warc, output_file

    given = {"--since": since, "--until": until, "--category": category, "--query": query_text}
    given.update({"--fields": fields_text, "--images": images_dir})
    extra = [name for name, value in given.items() if value is not None]
    if extra:
        raise click.UsageError(f"{', '.join(extra)}: only for --format jsonl or csv")
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
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list: one object per portal, then the total.")
@user_errors
def stats(db_path: Path, as_json: bool) -> None:
    """Per portal: articles, images and attachments (distinct files), first and last publication day; a total.

    Example: govscraper stats --db data/archive.db
    """
    from govscraper.stats import format_table, portal_stats

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


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="0: any free port.")
@user_errors
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only): described tables, facets, canned queries.

    The search box of the articles table and the canned query "search" read queries as govscraper search does.

    Example: govscraper serve --db data/archive.db --port 8001
    """
    from govscraper.db import reads_immutably
    from govscraper.serve import ServeError
    from govscraper.serve import serve as run_datasette

    archive = open_reader(db_path)  # one clear line if there is no archive, or one too old to read
    immutable = reads_immutably(archive)
    archive.conn.close()

    def announce(url: str) -> None:
        storage = " (read-only storage: opened as immutable)" if immutable else ""
        click.echo(f"serving {db_path} read-only at {url}{storage}; Ctrl-C stops", err=True)

    try:
        status = run_datasette(db_path, host=host, port=port, immutable=immutable, announce=announce)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


@cli.command("config")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@db_option
@click.option(
    "-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
    help="A setting as crawl -s would give it (repeatable): see what it changes.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="One JSON object per setting: name, value, source.")
@user_errors
def show_config(names: tuple[str, ...], db_path: Path, settings: tuple[str, ...], as_json: bool) -> None:
    """Show every setting's effective value and where it comes from: default, a config file, the environment, -s.

    Lowest first: govscraper/settings.py; the user's file ($GOVSCRAPER_CONFIG, else
    $XDG_CONFIG_HOME/govscraper/govscraper.toml); the archive's (govscraper.toml beside it); GOVSCRAPER_*
    variables; a crawl's profiles (--source wayback, import-warc); the command line. Reads only, writes nothing.

    Example: govscraper config DOWNLOAD_DELAY GOVSCRAPER_WAYBACK_URL --db data/archive.db
    """
    from click.core import ParameterSource

    from govscraper import config

    command_line = setting_options(settings)
    if click.get_current_context().get_parameter_source("db_path") is ParameterSource.COMMANDLINE:
        command_line["GOVSCRAPER_DB"] = str(db_path)
    for name in config.unknown_environment():
        click.echo(f"warning: {name} is in the environment but is not a setting: ignored", err=True)
    found = config.resolve(config.collect(command_line), names or None)
    width = max(len(name) for name in found)
    for entry in found.values():
        if as_json:
            record = {"name": entry.name, "value": entry.value, "source": entry.source}
            click.echo(json.dumps(record, ensure_ascii=False, default=str))
        else:
            value = json.dumps(entry.value, ensure_ascii=False, default=str)
            click.echo(f"{entry.name:<{width}} = {value}  # {entry.source}")


def main() -> None:
    cli()


__all__ = ["cli", "main"]
