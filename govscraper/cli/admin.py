"""Commands that look after an archive: ``verify``, ``reindex``, ``upgrade``, and ``config`` (where each setting
comes from).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from govscraper.archive.schema import close_db, open_db
from govscraper.cli.common import cli, db_option, set_option, setting_options, user_errors


@cli.command()
@db_option
@user_errors
def reindex(db_path: Path) -> None:
    """Rebuild the search indexes from the stored articles: the full-text index inside the archive and the ranking
    index beside it (after an upgrade that changes how text is folded, or when search says the ranking index is
    missing or behind).

    Example: govscraper reindex --db data/archive.db
    """
    from govscraper.archive.fulltext import rebuild
    from govscraper.archive.ranking_index import index_path, sync

    db = open_db(db_path, create=False)
    try:
        with db.atomic():
            total = rebuild(db.conn, progress=lambda done: click.echo(f"reindex: {done} articles", err=True))
        sync(db.conn, db_path, rebuild=True, progress=lambda done: click.echo(f"ranking: {done} articles", err=True))
    finally:
        close_db(db)
    click.echo(f"{total} articles indexed -> {db_path} (ranking index: {index_path(db_path)})")


@cli.command()
@db_option
@user_errors
def upgrade(db_path: Path) -> None:
    """Bring an archive made by an older govscraper up to this version's schema (reading commands never do).

    Each step runs in one transaction with its record, so an interrupted upgrade is simply run again. It also
    merges a pending write-ahead log into the archive, leaving one self-contained file to copy to read-only media,
    and brings the ranking index beside it up to date.

    Example: govscraper upgrade --db data/archive.db
    """
    from govscraper.archive.ranking_index import sync
    from govscraper.archive.schema import upgrade_archive

    applied = upgrade_archive(db_path)
    if applied:
        click.echo(f"{db_path}: applied {len(applied)} migration(s): {', '.join(applied)}")
    db = open_db(db_path, create=False)
    try:
        ranked = sync(db.conn, db_path)
    finally:
        close_db(db)
    if ranked:
        click.echo(f"{db_path}: ranking index brought up to date ({ranked} articles)")
    if not applied and not ranked:
        click.echo(f"{db_path}: up to date")


@cli.command()
@db_option
@user_errors
def verify(db_path: Path) -> None:
    """Check every stored blob's sha256, SQLite's integrity and every WARC record the archive points to.

    Exits non-zero, listing each mismatch, when anything is not what was archived.

    Example: govscraper verify --db data/archive.db
    """
    from govscraper.archive.verify import verify_archive
    from govscraper.progress import ProgressLine

    report = verify_archive(db_path, ProgressLine("verify"))
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command("config")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@db_option
@set_option("A setting as crawl -s would give it (repeatable): see what it changes.")
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
