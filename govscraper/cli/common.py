"""What every command shares: the ``govscraper`` group, the ``--db`` option, exit statuses, and user errors.

Errors a user can cause (an unknown portal, an unreachable URL, an unwritable archive) end in one line on stderr
and a non-zero exit, never a traceback: :func:`user_errors` turns them into that.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from govscraper.archive.schema import DEFAULT_DB, ArchiveError
from govscraper.registry import RegistryError, UnknownPortal

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


def set_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-s/--set NAME=VALUE`` (repeatable, into ``settings``): a setting for this command (:func:`setting_options`)."""
    return click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=help_text)


def format_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format table|json|csv`` (into ``fmt``, table by default): a reading command's output."""
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
        help=help_text,
    )  # fmt: skip


#: The options every command that crawls takes alike (crawl, check).
loopback_option = click.option(
    "--loopback", is_flag=True, hidden=True, help="Relax politeness for a replica on 127.0.0.1."
)
contact_option = click.option("--contact", envvar="GOVSCRAPER_CONTACT", help="E-mail or URL put in the User-Agent.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Log every request and item.")


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
            # Ctrl-C outside a crawl (a crawl handles its own: crawl.stopping): no traceback, the usual status.
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
