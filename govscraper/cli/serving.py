"""Commands that serve: ``serve`` (Datasette over the archive), ``demo`` and ``replica`` (the replica portal)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from govscraper.archive.schema import close_db, open_db, open_reader
from govscraper.cli.common import cli, db_option, exit_status, user_errors
from govscraper.cli.crawling import crawl_overrides, print_summary
from govscraper.registry import Portal


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


@cli.command()
@db_option
@click.option(
    "--articles", type=click.IntRange(min=1), default=36, show_default=True, help="Size of the replica portal."
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
    from govscraper.archive.lookup import EXAMPLE_QUERY, example_rows, run_failures
    from govscraper.crawl.process import run_crawl
    from govscraper_replica import ReplicaServer, build_site

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
            demo_portal(server.url, [c[0] for c in site.categories]), db_path, crawl_overrides(True, None, None, False)
        )
    print_summary(result, db_path)
    if result.stopped_by:
        click.echo("stopped: what was archived is kept; run the demo again to finish it", err=True)
        sys.exit(exit_status(result.stopped_by))
    archive = open_reader(db_path)
    try:
        examples = example_rows(archive)
        failures = run_failures(archive, result.run_id)
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


# -h as well as --help, also when python -m govscraper_replica runs this command outside the group.
@cli.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--articles", type=click.IntRange(min=1), default=36, show_default=True, help="Size of the replica portal."
)
@click.option("--seed", type=int, default=2022, show_default=True, help="Random seed: the same seed, the same site.")
@click.option(
    "--faults",
    default="none",
    show_default=True,
    is_flag=False,
    flag_value="all",
    metavar="SPEC",
    help="Make pages and images misbehave: none; all (one fault of each kind; also --faults alone); kinds "
    "separated by commas (http500, timeout, ...: a wrong one names them all); or a JSON object kind -> ids.",
)
@click.option("--delta", type=click.IntRange(min=1), default=10, show_default=True, help="Articles per list page.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8022, show_default=True, help="0: any free port.")
@click.option(
    "--timeout-delay",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds a 'timeout' fault stalls before answering.",
)
@click.option(
    "--huge-size",
    type=click.IntRange(min=1),
    default=12 * 1024 * 1024,
    show_default=True,
    help="Bytes a 'huge' fault's page exceeds.",
)
@click.option(
    "--heavy-documents",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Attach N heavy or hostile documents (a 2,000-page PDF, a million-cell XLSX, a PDF that keeps pypdf busy "
    "for minutes, a DOCX zip bomb, in turn) to articles spread over the site.",
)
@click.option(
    "--no-validators",
    is_flag=True,
    help="Serve like a portal that sends no ETag or Last-Modified and ignores conditional requests (many do).",
)
@user_errors
def replica(
    articles: int,
    seed: int,
    faults: str,
    delta: int,
    host: str,
    port: int,
    timeout_delay: float,
    huge_size: int,
    heavy_documents: int,
    no_validators: bool,
) -> None:
    """Serve the replica portal until SIGINT (Ctrl-C) or SIGTERM, then exit 0 (to explore it, or crawl it by hand).

    Once it listens it prints one line on stdout, READY http://127.0.0.1:PORT/, for scripts to wait for; what it
    serves and that it stopped go to stderr. python -m govscraper_replica runs this same command.

    Example: govscraper replica --port 8022 (then: govscraper crawl --url http://127.0.0.1:8022/)
    """
    # The replica is a test double beside the runtime package: imported here, when the command runs, never before.
    from govscraper_replica import ReplicaServer, build_site
    from govscraper_replica.sample_documents import add_heavy_documents

    try:
        site = build_site(articles=articles, seed=seed, faults=faults, delta=delta)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--faults'") from None
    if heavy_documents:
        add_heavy_documents(site, heavy_documents)  # built now: the server answers at once
    try:
        server = ReplicaServer(
            site,
            host=host,
            port=port,
            timeout_delay=timeout_delay,
            huge_size=huge_size,
            validators=not no_validators,
        )
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port, or 0 for any free one)"
        ) from None

    def ready() -> None:
        with contextlib.suppress(BrokenPipeError):  # whoever read READY has gone; keep serving
            click.echo(f"READY {server.url}")
        click.echo(f"serving {len(site.articles)} articles at {server.url} (Ctrl-C stops)", err=True)

    server.serve_until_signalled(ready)
    click.echo("replica stopped", err=True)


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
    from govscraper.archive.schema import reads_immutably
    from govscraper.publish.serve import ServeError, database_name
    from govscraper.publish.serve import serve as run_datasette

    archive = open_reader(db_path)  # one clear line if there is no archive, or one too old to read
    immutable = reads_immutably(archive)
    archive.conn.close()

    def announce(url: str) -> None:
        storage = " (read-only storage: opened as immutable)" if immutable else ""
        click.echo(f"serving {db_path} read-only at {url}{storage}; Ctrl-C stops", err=True)
        click.echo(f"articles: {url}{database_name(db_path)}/articles", err=True)

    try:
        status = run_datasette(db_path, host=host, port=port, immutable=immutable, announce=announce)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)
