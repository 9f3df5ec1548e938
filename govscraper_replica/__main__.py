"""Run the replica portal in the foreground: ``python -m govscraper_replica [options]``.

The same command as ``govscraper replica``, with the same options (``--help`` lists them): it prints exactly one
line on stdout, ``READY http://127.0.0.1:PORT/``, once the socket listens, then serves until SIGTERM or SIGINT and
exits 0. Scripts (the benchmarks, the tests, a demo in another process) wait for that line.

Example: ``python -m govscraper_replica --articles 2000 --seed 1 --faults all --port 0 --delta 10``

While it runs, another process can change it over HTTP from 127.0.0.1: ``POST /_replica/edit?id=N`` (JSON
body) edits an article, ``POST /_replica/add?count=N`` publishes new ones; ``GET /_replica/manifest.json`` is the
ground truth and ``GET /_replica/stats.json`` the request counters (304s included).
"""

from __future__ import annotations

from govscraper.cli.serving import replica

if __name__ == "__main__":
    replica.main(prog_name="python -m govscraper_replica")
