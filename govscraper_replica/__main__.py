"""Run the replica portal in the foreground: ``python -m govscraper_replica [options]``.

Prints exactly one line, ``READY http://127.0.0.1:PORT/``, once the socket listens, then serves until
SIGTERM or SIGINT and exits 0. Scripts (the benchmark, a demo in another process) wait for that line.

Example: ``python -m govscraper_replica --articles 2000 --seed 1 --faults all --port 0 --delta 10``

While it runs, another process can change it over HTTP from 127.0.0.1: ``POST /_replica/edit?id=N`` (JSON
body) edits an article, ``POST /_replica/add?count=N`` publishes new ones; ``GET /_replica/manifest.json`` is the
ground truth and ``GET /_replica/stats.json`` the request counters (304s included).
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from govscraper_replica.faults import FAULT_KINDS
from govscraper_replica.server import ReplicaServer
from govscraper_replica.site import build_site


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m govscraper_replica",
        description="Serve a replica Liferay 6.2 district portal (Mộ Đức) on a local port.",
    )
    parser.add_argument("--articles", type=int, default=36, help="number of articles (default 36)")
    parser.add_argument("--seed", type=int, default=2022, help="random seed; same seed, same site (default 2022)")
    parser.add_argument(
        "--faults",
        default="none",
        help=f"none, all, kinds separated by commas, or a JSON object kind -> ids; kinds: {', '.join(FAULT_KINDS)}",
    )
    parser.add_argument("--delta", type=int, default=10, help="articles per list page (default 10)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    parser.add_argument(
        "--timeout-delay", type=float, default=30.0, help="seconds a 'timeout' fault stalls (default 30)"
    )
    parser.add_argument(
        "--huge-size", type=int, default=12 * 1024 * 1024, help="bytes a 'huge' page exceeds (default 12 MiB)"
    )
    parser.add_argument(
        "--heavy-documents",
        type=int,
        default=0,
        metavar="N",
        help="attach N heavy or hostile documents (a 2,000-page PDF, a million-cell XLSX, a PDF that keeps pypdf busy "
        "for minutes, a DOCX zip bomb, in turn) to articles spread over the site (default 0: none)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Build the site, serve it until a signal, return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        site = build_site(articles=args.articles, seed=args.seed, faults=args.faults, delta=args.delta)
    except ValueError as exc:
        parser.error(str(exc))
    if args.heavy_documents:
        from govscraper_replica.sample_documents import add_heavy_documents

        add_heavy_documents(site, args.heavy_documents)  # built now: the server answers at once
    try:
        server = ReplicaServer(
            site, host=args.host, port=args.port, timeout_delay=args.timeout_delay, huge_size=args.huge_size
        )
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1

    def ready() -> None:
        with contextlib.suppress(BrokenPipeError):  # whoever read READY has gone; keep quiet
            print(f"READY {server.url}", flush=True)

    server.serve_until_signalled(ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
