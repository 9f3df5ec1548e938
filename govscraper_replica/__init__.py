"""A local replica of a Vietnamese district portal (Mộ Đức, Quảng Ngãi) on Liferay 6.2 Asset Publisher.

The offline demo, the end-to-end tests and the benchmark crawl this instead of the real web: it serves the
same markup as the real Liferay 6.2 pages (``tests/fixtures/liferay62/PROVENANCE.md``), at any size, with faults on
demand, and it knows exactly what it served (the ground truth)::

    from govscraper_replica import ReplicaServer, build_site

    site = build_site(articles=36, seed=2022, faults=None, delta=10)
    with ReplicaServer(site, port=0) as server:
        crawl(server.url)                       # http://127.0.0.1:PORT/
        assert archived == site.manifest()      # or GET /_replica/manifest.json

From a shell: ``govscraper replica --articles 2000 --faults all --port 0`` (or ``python -m govscraper_replica`` with
the same options: one command) prints ``READY <url>``. A test double beside the runtime package: govscraper
imports it only inside its ``demo`` and ``replica`` commands, and it takes no code from govscraper.

Between two crawls, ``site.edit(article_id, title=..., sapo=..., paragraphs=[...], captions={0: ...})`` changes
an article as a portal editor would (``POST /_replica/edit?id=N`` with the same fields as JSON does it for a
replica in another process). A page that does not show the edited article stays byte for byte the same;
:meth:`ReplicaSite.related_to` names the article pages whose "Các tin khác" box shows its title.
``site.add(10)`` publishes ten new articles at the top of their lists, as a live portal does, pushing older ones
down the pages (``POST /_replica/add?count=10`` from another process); the manifest lists them in ``added``.

Like a real web server, it answers conditional requests: pages, images and documents carry an ``ETag`` (the
SHA-256 of the bytes) and a ``Last-Modified``, and ``If-None-Match``/``If-Modified-Since`` get ``304 Not
Modified`` when nothing changed; ``server.count_status(304)`` (or ``GET /_replica/stats.json``) counts them.
"""

from govscraper_replica.faults import FAULT_KINDS, FaultKind
from govscraper_replica.server import ReplicaServer
from govscraper_replica.site import (
    ReplicaArticle,
    ReplicaAttachment,
    ReplicaCategory,
    ReplicaImage,
    ReplicaPhoto,
    ReplicaSite,
    build_site,
)

__all__ = [
    "FAULT_KINDS",
    "FaultKind",
    "ReplicaArticle",
    "ReplicaAttachment",
    "ReplicaCategory",
    "ReplicaImage",
    "ReplicaPhoto",
    "ReplicaServer",
    "ReplicaSite",
    "build_site",
]
