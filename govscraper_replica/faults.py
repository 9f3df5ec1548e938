"""Fault injection: which URLs of the replica misbehave, and how.

Real portals fail in ways a crawler must survive: 5xx pages, articles deleted after the list was cached,
stalled responses, connections cut mid-body, images that are HTML, redirect loops, pages of many megabytes,
tag soup. A fault plan picks a few article pages and images, all reachable from list pages, and the server
(:mod:`govscraper_replica.server`) makes them behave that way. The plan is part of the ground truth, so
tests know which articles should end up archived and which should be recorded as failures.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govscraper_replica.site import ReplicaArticle, ReplicaImage


@dataclass(frozen=True)
class FaultKind:
    """What one kind of fault hits and what a correct crawler ends up with."""

    #: "article" (an article page URL misbehaves) or "image" (a journal image URL misbehaves).
    target: str
    #: "archived": a correct crawler still stores the article (or image);
    #: "failed": it records a failure for that URL and goes on.
    expected: str
    description: str


FAULT_KINDS: dict[str, FaultKind] = {
    "http500": FaultKind("article", "failed", "the article page always answers 500 Internal Server Error"),
    "http503-once": FaultKind(
        "article", "archived", "the first request answers 503 Service Unavailable, later ones 200"
    ),
    "http404": FaultKind("article", "failed", "the article is linked from its list page but answers 404"),
    "timeout": FaultKind(
        "article",
        "failed",
        "the server waits timeout_delay seconds (default 30) before answering; other requests go on meanwhile",
    ),
    "truncated": FaultKind(
        "article",
        "failed",
        "Content-Length announces the full page, about half is sent, then the connection is closed",
    ),
    "wrong-type-page": FaultKind(
        "article", "failed", "the article URL answers Content-Type: image/jpeg with JPEG bytes"
    ),
    "redirect-loop": FaultKind(
        "article",
        "failed",
        "the article URL answers 302 to /web/guest/<same path>, which answers 302 back to the article URL",
    ),
    "huge": FaultKind(
        "article",
        "failed",
        "the article page is larger than huge_size (default 12 MB), with an honest Content-Length, streamed",
    ),
    "malformed-html": FaultKind(
        "article",
        "archived",
        "the article page has unclosed tags, stray closing tags and garbage, but its title, date, sapo and body "
        "are still there to extract",
    ),
    "not-an-image": FaultKind(
        "image", "failed", "the image URL answers Content-Type: image/jpeg with the bytes of an HTML page"
    ),
    "wrong-type-image": FaultKind("image", "failed", "the image URL answers Content-Type: text/html with an HTML page"),
}

ARTICLE_FAULTS = tuple(kind for kind, spec in FAULT_KINDS.items() if spec.target == "article")
IMAGE_FAULTS = tuple(kind for kind, spec in FAULT_KINDS.items() if spec.target == "image")

#: What :func:`build_site` accepts as ``faults``: None/"none" (no faults), "all", kinds separated by commas
#: (one target each, chosen like "all" does), a JSON object, or a mapping kind → id or ids (article ids for
#: article kinds, image ids for image kinds).
FaultSpec = str | Mapping[str, int | Iterable[int]] | None

Plan = dict[str, tuple[int, ...]]


def plan_faults(
    spec: FaultSpec,
    articles: Sequence[ReplicaArticle],
    images: Mapping[int, ReplicaImage],
    *,
    typical_id: int,
    seed: int,
) -> Plan:
    """The fault plan for ``spec``: kind → the article ids or image ids it applies to.

    Chosen targets are deterministic for a seed, never the typical article, and never one article or image
    twice; an image fault only hits a photo of an article that is not itself faulted, so the crawler meets it.
    """
    if spec is None:
        return {}
    if isinstance(spec, str):
        text = spec.strip()
        if text in ("", "none"):
            return {}
        if text.startswith("{"):
            return plan_faults(json.loads(text), articles, images, typical_id=typical_id, seed=seed)
        kinds = list(FAULT_KINDS) if text == "all" else [k.strip() for k in text.split(",") if k.strip()]
        _check_kinds(kinds)
        return _choose(kinds, articles, images, typical_id=typical_id, seed=seed)
    return _explicit(spec, articles, images)


def _check_kinds(kinds: Iterable[str]) -> None:
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if unknown:
        raise ValueError(f"unknown fault kind(s) {', '.join(unknown)}; known: {', '.join(FAULT_KINDS)}")


def _explicit(
    spec: Mapping[str, int | Iterable[int]],
    articles: Sequence[ReplicaArticle],
    images: Mapping[int, ReplicaImage],
) -> Plan:
    _check_kinds(spec)
    article_ids = {article.id for article in articles}
    plan: Plan = {}
    seen: dict[int, str] = {}
    for kind, value in spec.items():
        ids = (value,) if isinstance(value, int) else tuple(int(v) for v in value)
        known = article_ids if FAULT_KINDS[kind].target == "article" else images
        for target in ids:
            if target not in known:
                raise ValueError(f"fault {kind}: no {FAULT_KINDS[kind].target} with id {target}")
            if target in seen:
                raise ValueError(f"id {target} is given two faults: {seen[target]} and {kind}")
            seen[target] = kind
        if ids:
            plan[kind] = ids
    return plan


def _choose(
    kinds: Sequence[str],
    articles: Sequence[ReplicaArticle],
    images: Mapping[int, ReplicaImage],
    *,
    typical_id: int,
    seed: int,
) -> Plan:
    rng = random.Random(f"faults:{seed}")
    pool = [article for article in articles if article.id != typical_id]
    rng.shuffle(pool)
    plan: Plan = {}
    used_articles: set[int] = set()
    # Image faults first: they need an article that stays healthy, and a photo that only it shows
    # (a shared photo would make two articles' expectations depend on one fault).
    for kind in (k for k in kinds if FAULT_KINDS[k].target == "image"):
        for article in pool:
            if article.id in used_articles:
                continue
            candidates = [
                photo.image_id
                for photo in article.images
                if len(images[photo.image_id].used_by) == 1 and images[photo.image_id].fault is None
            ]
            # Prefer the photo the list page also shows as thumbnail: then the list links the bad image too.
            candidates.sort(key=lambda image_id: images[image_id].url != article.thumbnail)
            if candidates:
                plan[kind] = (candidates[0],)
                used_articles.add(article.id)
                break
    for kind in (k for k in kinds if FAULT_KINDS[k].target == "article"):
        for article in pool:
            if article.id not in used_articles:
                plan[kind] = (article.id,)
                used_articles.add(article.id)
                break
    return {kind: plan[kind] for kind in kinds if kind in plan}
