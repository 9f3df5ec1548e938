"""The replica portal as data: articles, categories, images, documents and faults, plus the ground truth.

:func:`build_site` generates a whole district portal from a seed in one pass of plain Python (2,000 articles
in well under a second). Everything the server sends is derived from these objects when a request comes in,
so the site object is also the exact ground truth a test or the benchmark compares an archive against
(:meth:`ReplicaSite.manifest`).

Ground truth conventions (what a correct extractor should get from the served pages):

* ``body``: the text of every paragraph of ``div.journal-content-article`` in order, except the empty first
  ``<p>&nbsp;</p>``, the photo paragraphs and their captions, the right-aligned author line and the
  ``p.view-content-author``. Attachment links stand in paragraphs of their own just before the closing
  paragraph; their link text is a body paragraph too. The last paragraph ends with "./.".
* ``images``: the photos of the body in order, with the caption printed under each one as an archive stores it:
  without the label the page prints before it ("Hình: ", "Ảnh: ", "Hình:" without a space), or None when a photo
  has no caption.
* ``author``: the name alone on the last line, the same as in ``p.view-content-author``.

Editing (:meth:`ReplicaSite.edit`): portals correct articles after publishing them, and the archive keeps each
version, so a test can change an article's title, sapo, text paragraphs or photo captions between two crawls.
From then on the server renders the new content and the manifest holds it; the URL, id, date, author, photos and
attachments stay. Pages are a pure function of the site's content (no clock, no per-request counter), so a page
whose content did not change is served byte for byte the same, before and after an edit of another article,
except where the real portal shows the edited article too: the home page, its list page and the "Các tin khác"
boxes of the articles listed with it (:meth:`ReplicaSite.related_to`) carry its new title.

Additions (:meth:`ReplicaSite.add`): a live portal keeps publishing, and an incremental crawl must find the new
articles at the top of the lists while older ones move down a page. New articles are generated exactly like the
first ones (same builder, same random stream kinds, new ids, photos and documents), dated after everything the
site has shown so far, and the manifest names them (``added``).

Time (:attr:`ReplicaSite.clock`): the site keeps its own clock, the moment of its latest event (the newest
publication at first). An edit happens one minute after the previous event, an addition's articles after that.
Last-Modified headers come from these moments, never from the wall clock, so they are the same on every run
for the same history, always increase when content changes, and stay before "now" (the articles are dated in
2019-2025).
"""

from __future__ import annotations

import json
import random
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from govscraper_replica import corpus
from govscraper_replica.faults import FAULT_KINDS, FaultSpec, plan_faults
from govscraper_replica.urls import article_path, document_path, image_path, list_path, slugify

#: Vietnam's time (UTC+7, no daylight saving): the portal's clock. The replica's own, not govscraper's.
VN_TZ = timezone(timedelta(hours=7), "ICT")
#: Publication dates fall in this range (district portals closed with the reform of 1 July 2025).
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 6, 30)
#: Liferay site (group) id of the replica portal; Documents and Media URLs carry it.
GROUP_ID = 2081325
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    # Heavy and hostile documents, only with add_heavy_documents (govscraper_replica/sample_documents.py).
    "pdf-pages": "application/pdf",
    "pdf-spin": "application/pdf",
    "xlsx-rows": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx-bomb": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: Kinds of documents an ordinary news article may attach (the "Chỉ đạo - Điều hành" ones attach their own).
_NEWS_DOCUMENTS = ("KH", "QD", "TB", "CV", "BC")
#: Fresh draws for a title before an exact repeat gets numbered.
_TITLE_TRIES = 12
#: Liferay article ids of the replica stay below this (seven digits, like the real portal's).
MAX_ARTICLE_ID = 9_999_999
#: Last-Modified of a list that never showed an article: the first day of the portal's archive.
SITE_EPOCH = datetime.combine(FIRST_DAY, time(), VN_TZ)
#: How far an edit moves the site's clock (:attr:`ReplicaSite.clock`): enough for a later HTTP date (seconds).
EDIT_TICK = timedelta(minutes=1)
#: Working hours in which the district office publishes: (start, end) in minutes of the day.
_WORK_WINDOWS = ((7 * 60, 11 * 60 + 30), (13 * 60 + 30, 17 * 60 + 30))
#: The stems and branches of the lunar year names, for years beyond :data:`corpus.CAN_CHI`.
_CAN = ("Canh", "Tân", "Nhâm", "Quý", "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ")
_CHI = ("Thân", "Dậu", "Tuất", "Hợi", "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi")


class ReplicaCategory(NamedTuple):
    """A category list of the portal: ``(slug, Vietnamese name, number of articles)``."""

    slug: str
    name: str
    count: int


@dataclass(slots=True)
class ReplicaImage:
    """A journal image the server can send: its URL, format and who shows it."""

    id: int
    url: str
    format: str  # "jpeg" or "png"
    width: int
    height: int
    #: "photo" (shown in an article body) or "thumbnail" (only on list pages)
    role: str
    used_by: list[int] = field(default_factory=list)
    fault: str | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(slots=True, frozen=True)
class ReplicaPhoto:
    """One photo as an article shows it; the same image may carry another caption in another article."""

    image_id: int
    url: str
    caption: str | None
    alt: str
    #: What the page prints before the caption ("Hình: ", "Ảnh: ", "Hình:"): a label, not part of the caption.
    label: str = ""


#: The labels the replica prints before a caption, longest first.
CAPTION_LABELS = ("Hình: ", "Ảnh: ", "Hình:")


def split_label(printed: str) -> tuple[str, str]:
    """``(label, caption)`` of a caption as printed: the replica's own labels (:data:`CAPTION_LABELS`) before it."""
    label = next((label for label in CAPTION_LABELS if printed.startswith(label)), "")
    return label, printed[len(label) :]


@dataclass(slots=True, frozen=True)
class ReplicaAttachment:
    """An official document linked from an article body, served from ``/documents/...``."""

    url: str
    #: The link text, e.g. "Tải về Kế hoạch số 12/KH-UBND".
    title: str
    format: str  # "pdf", "docx" or "doc"
    file_name: str
    #: "Kế hoạch số 12/KH-UBND": what the document itself is headed with.
    document: str
    subject: str
    issued: date
    article_id: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(slots=True)
class ReplicaArticle:
    """One article: everything its pages show, as a correct extractor should read it back."""

    id: int
    url: str
    category: str
    category_name: str
    title: str
    slug: str
    summary: str
    sapo: str
    body: list[str]
    author: str
    #: ISO 8601, ``YYYY-MM-DDTHH:MM:00+07:00``.
    published: str
    views: int
    images: list[ReplicaPhoto]
    thumbnail: str | None
    attachments: list[ReplicaAttachment]
    published_at: datetime
    #: How the body is laid out: ("p", i) body[i] as a paragraph, ("img", j) images[j] with its caption,
    #: ("att", k) attachments[k] as a link paragraph (its text is also in ``body``).
    layout: tuple[tuple[str, int], ...] = ()
    fault: str | None = None
    #: How many times :meth:`ReplicaSite.edit` changed the article (0: as first published).
    revision: int = 0
    #: When :meth:`ReplicaSite.edit` last changed it (the site's clock), None if never.
    modified_at: datetime | None = None
    #: True for an article :meth:`ReplicaSite.add` published after the site was generated.
    added: bool = False

    @property
    def last_modified(self) -> datetime:
        """The Last-Modified of the article's page: its last edit, or its publication if it was never edited."""
        return self.modified_at or self.published_at

    @property
    def text_paragraphs(self) -> list[str]:
        """The body's own paragraphs, without the attachment link texts; the last is the closing "./." one.

        This is what :meth:`ReplicaSite.edit` takes as ``paragraphs``.
        """
        return [self.body[index] for kind, index in self.layout if kind == "p"]

    @property
    def expected(self) -> str:
        """Either "archived" or "failed": what a correct crawler ends up with for this article."""
        return FAULT_KINDS[self.fault].expected if self.fault else "archived"

    def as_dict(
        self, list_page: int | None = None, image_faults: Mapping[int, str | None] | None = None
    ) -> dict[str, Any]:
        """The article's ground truth as JSON-ready data; ``image_faults`` marks photos the server breaks."""
        faults = image_faults or {}
        images = [
            {"id": p.image_id, "url": p.url, "caption": p.caption, "alt": p.alt, "fault": faults.get(p.image_id)}
            for p in self.images
        ]
        return {
            "id": self.id,
            "url": self.url,
            "category": self.category,
            "category_name": self.category_name,
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "sapo": self.sapo,
            "body": list(self.body),
            "author": self.author,
            "published": self.published,
            "views": self.views,
            "images": images,
            "thumbnail": self.thumbnail,
            "attachments": [{"url": a.url, "title": a.title, "content_type": a.content_type} for a in self.attachments],
            "fault": self.fault,
            "expected": self.expected,
            "list_page": list_page,
            "revision": self.revision,
            "modified": self.modified_at.isoformat(timespec="seconds") if self.modified_at else None,
            "added": self.added,
        }


#: How :meth:`ReplicaSite.withdraw` takes an article down: ``deleted`` (404), ``gone`` (410), ``soft-404`` (200, a page
#: saying "Bài viết không tồn tại"), ``empty`` (200, the article template with no title or text), ``to-home`` (302 to
#: the home page), ``moved`` (301 to the same article under another category, served there), ``elsewhere`` (301 to
#: another site, as every page of a domain that was sold or parked).
WITHDRAWALS = ("deleted", "gone", "soft-404", "empty", "to-home", "moved", "elsewhere")
#: Where an ``elsewhere`` article redirects: a parked domain (never asked for: redirects are not followed there).
PARKED = "http://ten-mien-nay-dang-duoc-rao-ban.example/"


class ReplicaSite:
    """A generated portal: the articles (newest first), their categories, images, documents and faults."""

    def __init__(
        self,
        *,
        seed: int,
        delta: int,
        articles: list[ReplicaArticle],
        images: dict[int, ReplicaImage],
        documents: dict[str, ReplicaAttachment],
        faults: dict[str, tuple[int, ...]],
        typical_id: int,
    ) -> None:
        self.seed = seed
        self.delta = delta
        self.articles = articles
        self.images = images
        self.documents = documents
        self.faults = faults
        self.typical_id = typical_id
        self.name = corpus.PORTAL_NAME
        self.by_id = {article.id: article for article in articles}
        self.by_category: dict[str, list[ReplicaArticle]] = {slug: [] for slug, _, _ in corpus.CATEGORIES}
        for article in articles:
            self.by_category[article.category].append(article)
        self.position = {a.id: i for items in self.by_category.values() for i, a in enumerate(items)}
        self.categories = [
            ReplicaCategory(slug, name, len(self.by_category[slug])) for slug, name, _ in corpus.CATEGORIES
        ]
        self.category_names = {slug: name for slug, name, _ in corpus.CATEGORIES}
        self._manifest_json: bytes | None = None
        #: Edits and additions made so far (:meth:`edit`, :meth:`add`); 0 for the site as generated.
        self.revision = 0
        #: Held while an article is edited or added and while a page or the manifest is rendered, so the server
        #: never sends half of a change (reentrant: a page rendering calls other renderings).
        self.lock = threading.RLock()
        #: The site's own time: the moment of its latest event (publication or edit). Edits and additions are
        #: dated from it, so Last-Modified values grow with every change and do not depend on the wall clock.
        self.clock = max((a.last_modified for a in articles), default=SITE_EPOCH)
        #: Ids of the articles :meth:`add` published, newest first (the manifest's ``added``).
        self.added_ids: list[int] = [a.id for a in articles if a.added]
        #: When :meth:`add` last put articles at the top of a category: every page of its list shifted then.
        self._shifted_at: dict[str, datetime] = {}
        #: The generator that built the site, kept so additions continue its ids, titles and document numbers.
        self._builder: _Builder | None = None
        #: Articles the portal took down, and how (:meth:`withdraw`): id -> one of :data:`WITHDRAWALS`.
        self.withdrawn: dict[int, str] = {}
        #: Whether the portal got a new theme (:meth:`redesign`): the same content in markup no profile knows.
        self.redesigned = False
        self._additions = 0
        self._next_category = 0

    @property
    def typical(self) -> ReplicaArticle:
        """The article "Tổng kết công tác phối hợp giữa UBND huyện với UBMTTQVN huyện năm 2021"."""
        return self.by_id[self.typical_id]

    def pages(self, category: str, delta: int | None = None) -> int:
        """Number of list pages of a category (at least 1: an empty list still has a page)."""
        delta = delta or self.delta
        return max(1, -(-len(self.by_category[category]) // delta))

    def list_page(self, category: str, cur: int, delta: int | None = None) -> tuple[list[ReplicaArticle], int]:
        """The articles of page ``cur`` and the page actually shown (past the end, Liferay shows the last)."""
        delta = delta or self.delta
        cur = min(max(cur, 1), self.pages(category, delta))
        items = self.by_category[category]
        return items[(cur - 1) * delta : cur * delta], cur

    def related(self, article: ReplicaArticle, count: int = 5) -> list[ReplicaArticle]:
        """The "Các tin khác" box: the next older articles of the same category, wrapping round to the newest."""
        items = self.by_category[article.category]
        start = self.position[article.id]
        return [items[(start + k) % len(items)] for k in range(1, min(count + 1, len(items)))]

    def related_to(self, article_id: int, count: int = 5) -> list[ReplicaArticle]:
        """The articles whose "Các tin khác" box (:meth:`related`) links this one: their pages show its title."""
        article = self.by_id[article_id]
        return [
            a for a in self.by_category[article.category] if a.id != article_id and article in self.related(a, count)
        ]

    def edit(
        self,
        article_id: int,
        *,
        title: str | None = None,
        sapo: str | None = None,
        paragraphs: list[str] | None = None,
        captions: Mapping[int, str | None] | None = None,
    ) -> ReplicaArticle:
        """Change an article as an editor of the portal would, and return it; the server serves the new version.

        ``title`` and ``sapo`` replace the article's (the list summary follows the sapo). ``paragraphs`` replaces
        the body's own paragraphs (:attr:`ReplicaArticle.text_paragraphs`; the last one is the closing one): the
        attachment links stay just before it, and each photo stays after the paragraph it followed (after the
        last one if there are now fewer). ``captions`` maps a photo's index in ``images`` to its new caption, or
        to None to remove it. Texts are stored as a correct extractor reads them back: NFC, runs of whitespace as
        one space. The URL (and its slug), id, date, author, views and attachments do not change: links to the
        article keep working, as on the real portal.

        Every change counts once in :attr:`revision` (the site's) and the article's ``revision``; an edit that
        changes nothing counts nothing. The manifest is rebuilt on the next request. ``ValueError`` for an
        unknown article, an empty title or paragraph list, or a caption index that is not a photo's.
        """
        article = self.by_id.get(article_id)
        if article is None:
            raise ValueError(f"no article {article_id} in this replica")
        if title is None and sapo is None and paragraphs is None and not captions:
            raise ValueError("nothing to edit: give title, sapo, paragraphs or captions")
        with self.lock:  # read, compare and write as one step: edits may come from several threads
            changes: dict[str, Any] = {}
            if title is not None:
                changes["title"] = _clean_text(title, "title")
            if sapo is not None:
                changes["sapo"] = _clean_text(sapo, "sapo")
                changes["summary"] = summarize(changes["sapo"])
            if paragraphs is not None:
                if isinstance(paragraphs, str) or not isinstance(paragraphs, list | tuple):
                    raise ValueError("paragraphs: expected a list of texts")
                texts = [_clean_text(p, "paragraph") for p in paragraphs]
                if not texts:
                    raise ValueError("paragraphs: an article needs at least one paragraph")
                slots = _photo_slots(article.layout)
                body, layout = _lay_out(
                    texts[:-1], texts[-1], [min(slot, len(texts) - 2) for slot in slots], article.attachments
                )
                changes["body"], changes["layout"] = body, layout
            if captions:
                if not isinstance(captions, Mapping):
                    raise ValueError("captions: expected a mapping of photo index to caption (or None)")
                images = list(article.images)
                for index, caption in captions.items():
                    if not isinstance(index, int) or not 0 <= index < len(images):
                        raise ValueError(f"captions: the article has no photo {index!r} (it has {len(images)})")
                    text = None if caption is None else _clean_text(caption, "caption")
                    label, text = split_label(text) if text is not None else ("", None)
                    images[index] = replace(images[index], caption=text, label=label)
                changes["images"] = images
            changes = {name: value for name, value in changes.items() if getattr(article, name) != value}
            if changes:
                for name, value in changes.items():
                    setattr(article, name, value)
                self.revision += 1
                article.revision += 1
                self.clock += EDIT_TICK
                article.modified_at = self.clock
                self._manifest_json = None
            return article

    def withdraw(self, article_id: int, how: str = "deleted") -> ReplicaArticle:
        """Take an article down as portals do (see :data:`WITHDRAWALS`); its list entries stay, as a portal's
        caches often keep them. :meth:`restore` puts it back."""
        if how not in WITHDRAWALS:
            raise ValueError(f"how: one of {', '.join(WITHDRAWALS)}, not {how!r}")
        article = self.by_id.get(article_id)
        if article is None:
            raise ValueError(f"no article {article_id} in this replica")
        with self.lock:
            self.withdrawn[article_id] = how
            self.revision += 1
        return article

    def restore(self, article_id: int) -> None:
        """Serve a withdrawn article again, as it was."""
        with self.lock:
            if self.withdrawn.pop(article_id, None) is not None:
                self.revision += 1

    def redesign(self, on: bool = True) -> None:
        """Give the portal a new theme (or its old one back): lists and articles in other markup, as after the
        redesigns that make a crawler's selectors read nothing (the layout canary and the health alerts' case)."""
        with self.lock:
            if self.redesigned != on:
                self.redesigned = on
                self.revision += 1

    def moved_path(self, article: ReplicaArticle) -> str:
        """Where a "moved" article lives now: the same article page under the portal's last category."""
        category = next(c.slug for c in reversed(self.categories) if c.slug != article.category)
        return article_path(category, article.id, article.slug)

    def add(self, count: int, *, category: str | None = None, seed: int | None = None) -> list[ReplicaArticle]:
        """Publish ``count`` new articles, as the portal's editors keep doing, and return them newest first.

        Between two crawls this is what an incremental crawl has to notice: the new articles go to the top of
        their category lists (``category``'s, or the categories in turn, continuing from the previous call),
        every older article moves down by as many places (so down a page at the page boundaries), and the home
        page's "Tin nổi bật" box shows the newest. They are generated exactly like the site's first articles:
        topics, photos with real image bytes (new image ids), thumbnails, sometimes official documents and file
        photos of older articles, unique titles, ids growing with time. They are dated in office hours after
        everything the site has published or edited (:attr:`clock`) and before now.

        The random draws come from ``seed``, or else from the site's seed and the number of earlier additions,
        so the same history gives the same site. The whole addition counts once in :attr:`revision`; the
        manifest lists the new ids in ``added`` and marks each article ``added``. ``ValueError`` for a count
        below 1, an unknown category, or no room left (ids, or minutes before now).
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count: expected a whole number of articles of at least 1, got {count!r}")
        order = [slug for slug, _, _ in corpus.CATEGORIES]
        if category is not None and category not in self.category_names:
            raise ValueError(f"category: no category {category!r}; known: {', '.join(order)}")
        with self.lock:  # one step: a page is rendered wholly before or wholly after the addition
            last_id = max(self.by_id, default=1_100_000)
            if last_id + 7 * count > MAX_ARTICLE_ID:
                raise ValueError(f"no room for {count} more article ids below {MAX_ARTICLE_ID}")
            if self._builder is None:
                self._builder = _Builder.from_site(self)
            builder = self._builder
            builder.rng = random.Random(seed if seed is not None else f"add:{self.seed}:{self._additions}")
            builder.titles.update(a.title for a in self.articles)  # edited titles are taken too
            moments = builder.moments_after(self.clock, count, datetime.now(VN_TZ))
            if category is None:
                slugs = [order[(self._next_category + k) % len(order)] for k in range(count)]
                self._next_category = (self._next_category + count) % len(order)
            else:
                slugs = [category] * count
            new = builder.extend(moments, slugs, last_id)[::-1]  # newest first, like every list
            for article in new:
                article.added = True
                self.by_id[article.id] = article
            self.articles[:0] = new
            self.added_ids[:0] = [article.id for article in new]
            for slug in dict.fromkeys(slugs):
                items = [article for article in new if article.category == slug]
                listed = self.by_category[slug]
                listed[:0] = items
                self.position.update((article.id, i) for i, article in enumerate(listed))
                self._shifted_at[slug] = items[0].published_at
            self.categories = [
                ReplicaCategory(slug, name, len(self.by_category[slug])) for slug, name, _ in corpus.CATEGORIES
            ]
            self.clock = new[0].published_at
            self._additions += 1
            self.revision += 1
            self._manifest_json = None
            return new

    # -- Last-Modified of each kind of page (the server sends them; a conditional request compares them) -----
    def home_modified(self) -> datetime:
        """The home page's Last-Modified: the newest change to any article it shows (publication or edit).

        Its boxes only ever change when an article they show is edited or a new article pushes one out, and
        a new article is shown, so this moment grows with every change of the page.
        """
        with self.lock:
            shown = self.latest(5) + [a for c in self.categories for a in self.by_category[c.slug][:5]]
            return max((a.last_modified for a in shown), default=SITE_EPOCH)

    def list_modified(self, category: str, cur: int, delta: int | None = None) -> datetime:
        """A list page's Last-Modified: the newest change to the articles it shows, or the last addition to the
        category if later.

        An addition shifts every page of the list (each takes the last item of the page before), even pages
        whose articles are all older than an edit shown there before, so the shift itself counts as a change.
        """
        with self.lock:
            items, _ = self.list_page(category, cur, delta)
            moments = [a.last_modified for a in items]
            if category in self._shifted_at:
                moments.append(self._shifted_at[category])
            return max(moments, default=SITE_EPOCH)

    def image_modified(self, image: ReplicaImage) -> datetime:
        """An image's Last-Modified: the ``t`` of its URL (the upload, minutes after its article's publication),
        to the second. Images never change, so it is fixed."""
        stamp = parse_qs(urlsplit(image.url).query).get("t", ["0"])[0]
        return datetime.fromtimestamp(int(stamp) // 1000, VN_TZ)

    def document_modified(self, document: ReplicaAttachment) -> datetime:
        """A document's Last-Modified: the publication of the article it was uploaded with (fixed)."""
        article = self.by_id.get(document.article_id)
        return article.published_at if article else datetime.combine(document.issued, time(), VN_TZ)

    def latest(self, count: int = 5) -> list[ReplicaArticle]:
        """The newest articles, for the home page's "Tin nổi bật" box."""
        return self.articles[:count]

    def expected_archived(self) -> list[ReplicaArticle]:
        """Articles a correct crawler stores (no fault, or a fault it should get through)."""
        return [article for article in self.articles if article.expected == "archived"]

    def manifest(self) -> dict[str, Any]:
        """The ground truth as JSON-serialisable data: what the server serves, faults included.

        ``added`` lists the ids of the articles :meth:`add` published (newest first); ``clock`` is the site's
        time (:attr:`clock`), the moment of its latest change.
        """
        with self.lock:
            return self._manifest()

    def _manifest(self) -> dict[str, Any]:
        image_faults = {image_id: image.fault for image_id, image in self.images.items() if image.fault}
        return {
            "generator": "govscraper_replica",
            "revision": self.revision,
            "clock": self.clock.isoformat(timespec="seconds"),
            "added": list(self.added_ids),
            "portal": {"name": self.name, "district": "Mộ Đức", "province": "Quảng Ngãi", "platform": "liferay62"},
            "seed": self.seed,
            "delta": self.delta,
            "article_count": len(self.articles),
            "typical_article_id": self.typical_id,
            "categories": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "count": c.count,
                    "url": list_path(c.slug, bare_first=True),
                    "pages": self.pages(c.slug),
                }
                for c in self.categories
            ],
            "fault_kinds": {
                kind: {"target": spec.target, "expected": spec.expected, "description": spec.description}
                for kind, spec in FAULT_KINDS.items()
            },
            "faults": {kind: list(ids) for kind, ids in self.faults.items()},
            "articles": [a.as_dict(self.position[a.id] // self.delta + 1, image_faults) for a in self.articles],
            "images": [
                {
                    "id": image.id,
                    "url": image.url,
                    "content_type": image.content_type,
                    "width": image.width,
                    "height": image.height,
                    "role": image.role,
                    "used_by": list(image.used_by),
                    "fault": image.fault,
                }
                for image in self.images.values()
            ],
            "documents": [
                {"url": d.url, "title": d.title, "content_type": d.content_type, "article_id": d.article_id}
                for d in self.documents.values()
            ],
        }

    def manifest_json(self) -> bytes:
        """:meth:`manifest` as UTF-8 JSON, built once per revision (its size is bounded by the site's)."""
        with self.lock:
            if self._manifest_json is None:
                self._manifest_json = json.dumps(self.manifest(), ensure_ascii=False, indent=1).encode("utf-8")
            return self._manifest_json


def _clean_text(value: object, what: str) -> str:
    """An edited text as the ground truth holds it: NFC, whitespace runs as one space, not empty."""
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected text, got {type(value).__name__}")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise ValueError(f"{what}: empty")
    return text


def _photo_slots(layout: tuple[tuple[str, int], ...]) -> list[int]:
    """For each photo of a laid-out body, the index of the text paragraph it follows (-1: before the first)."""
    slots, paragraphs = [], 0
    for kind, _ in layout:
        if kind == "p":
            paragraphs += 1
        elif kind == "img":
            slots.append(paragraphs - 1)
    return slots


def _lay_out(
    paragraphs: list[str], closing: str, photo_after: list[int], attachments: list[ReplicaAttachment]
) -> tuple[list[str], tuple[tuple[str, int], ...]]:
    """The body and its layout: paragraphs with photo ``j`` after paragraph ``photo_after[j]`` (ascending; -1
    before the first), then a link paragraph per attachment, then the closing paragraph."""
    body: list[str] = []
    layout: list[tuple[str, int]] = []
    queue = list(enumerate(photo_after))
    for position in range(-1, len(paragraphs)):
        if position >= 0:
            layout.append(("p", len(body)))
            body.append(paragraphs[position])
        while queue and queue[0][1] == position:
            layout.append(("img", queue.pop(0)[0]))
    for k, attachment in enumerate(attachments):
        layout.append(("att", k))
        body.append(attachment.title)
    layout.append(("p", len(body)))
    body.append(closing)
    return body, tuple(layout)


def build_site(articles: int = 36, seed: int = 2022, faults: FaultSpec = None, delta: int = 10) -> ReplicaSite:
    """Generate a replica portal of ``articles`` articles, deterministically from ``seed``.

    ``faults`` is None (none), ``"all"`` (one target per fault kind), kinds separated by commas, or a mapping
    kind → ids (see :mod:`govscraper_replica.faults`). ``delta`` is the list page size, 10 like the portals.
    """
    if articles < 1:
        raise ValueError("a replica needs at least one article (the typical one)")
    if delta < 1:
        raise ValueError("delta (list page size) must be at least 1")
    builder = _Builder(seed)
    built = builder.build(articles)
    built.reverse()  # newest first, like the lists
    images = builder.images
    plan = plan_faults(faults, built, images, typical_id=builder.typical_id, seed=seed)
    by_id = {article.id: article for article in built}
    for kind, ids in plan.items():
        for target in ids:
            if FAULT_KINDS[kind].target == "article":
                by_id[target].fault = kind
            else:
                images[target].fault = kind
    site = ReplicaSite(
        seed=seed,
        delta=delta,
        articles=built,
        images=images,
        documents=builder.documents,
        faults=plan,
        typical_id=builder.typical_id,
    )
    site._builder = builder  # ReplicaSite.add continues this generation
    return site


def _fmt_int(value: int) -> str:
    """Vietnamese thousands separator: 7.448.251."""
    return f"{value:,}".replace(",", ".")


def _fmt_dec(value: float) -> str:
    """Vietnamese decimal comma, one decimal: 3,2 (a whole number without the ",0")."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _can_chi(year: int) -> str:
    """The lunar year's name ("Bính Ngọ"): the corpus table, or the 60-year cycle for later additions."""
    return corpus.CAN_CHI.get(year) or f"{_CAN[year % 10]} {_CHI[year % 12]}"


def _working_minute(moment: datetime, rng: random.Random) -> datetime:
    """``moment`` on a whole minute (rounded up), moved forward into office hours if it falls outside them."""
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    minute = moment.hour * 60 + moment.minute
    for start, end in _WORK_WINDOWS:
        if minute < start:
            return moment.replace(hour=0, minute=0) + timedelta(minutes=start + rng.randint(0, 40))
        if minute < end:
            return moment
    next_day = moment.replace(hour=0, minute=0) + timedelta(days=1)
    return next_day + timedelta(minutes=_WORK_WINDOWS[0][0] + rng.randint(0, 40))


def summarize(sapo: str, limit: int = 160) -> str:
    """The list page summary: the sapo cut at a word boundary, ending in "..." as Liferay's abstracts do."""
    if len(sapo) <= limit:
        return sapo.rstrip(" .") + "..."
    cut = sapo[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–") + "..."


def _category_counts(n: int) -> dict[str, int]:
    """Articles per category: shares of :data:`corpus.CATEGORIES`, largest remainder, the first non-empty."""
    shares = [(slug, n * share) for slug, _, share in corpus.CATEGORIES]
    counts = {slug: int(value) for slug, value in shares}
    rest = n - sum(counts.values())
    for slug, _ in sorted(shares, key=lambda item: item[1] - int(item[1]), reverse=True)[:rest]:
        counts[slug] += 1
    first = corpus.CATEGORIES[0][0]
    if counts[first] == 0:  # the typical article lives there
        donor = max(counts, key=lambda slug: counts[slug])
        counts[donor] -= 1
        counts[first] += 1
    return counts


class _Builder:
    """One generation run: the random stream and the running state that keeps ids, titles and numbers unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.titles: set[str] = set()
        self.repeats: dict[str, int] = {}
        self.images: dict[int, ReplicaImage] = {}
        self.documents: dict[str, ReplicaAttachment] = {}
        self.doc_numbers: dict[tuple[str, int], int] = {}
        self.photo_count = 0
        self.attachment_count = 0
        #: Articles generated so far; the next one's index (it decides photos, documents, thumbnails).
        self.built = 0
        self.typical_id = 0
        self.last_photo: dict[str, tuple[ReplicaPhoto, str]] = {}
        self.category_names = {slug: name for slug, name, _ in corpus.CATEGORIES}
        self.topics_by_category: dict[str, list[corpus.Topic]] = {}
        for topic in corpus.TOPICS:
            self.topics_by_category.setdefault(topic.category, []).append(topic)

    # -- the calendar and the categories ------------------------------------------------------------------
    def _moments(self, n: int) -> list[tuple[datetime, bool]]:
        rng = self.rng
        first, last = FIRST_DAY.toordinal(), LAST_DAY.toordinal()
        moments = []
        for _ in range(n - 1):
            day = date.fromordinal(rng.randint(first, last))
            if rng.random() < 0.55:
                minute = rng.randrange(7 * 60, 11 * 60 + 30)
            else:
                minute = rng.randrange(13 * 60 + 30, 17 * 60 + 30)
            moments.append((datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=VN_TZ), False))
        moments.append((datetime(*corpus.TYPICAL_ARTICLE.published, tzinfo=VN_TZ), True))
        moments.sort(key=lambda item: item[0])
        return moments

    def build(self, n: int) -> list[ReplicaArticle]:
        """Articles oldest first: ids grow with time, as Liferay's do."""
        rng = self.rng
        moments = self._moments(n)
        counts = _category_counts(n)
        counts[corpus.TYPICAL_ARTICLE.category] -= 1
        slots = [slug for slug, count in counts.items() for _ in range(count)]
        rng.shuffle(slots)
        base = 1_100_000 + rng.randint(0, 5000)
        step_max = max(7, min(400, (9_000_000 - base) // n))
        article_id = base
        built = []
        next_slot = iter(slots)
        for index, (moment, typical) in enumerate(moments):
            article_id += rng.randint(7, step_max)
            if typical:
                self.typical_id = article_id
                built.append(self._typical(article_id, moment))
            else:
                built.append(self._article(index, article_id, moment, next(next_slot)))
        self.built = len(built)
        return built

    @classmethod
    def from_site(cls, site: ReplicaSite) -> _Builder:
        """A builder that continues a site it did not build (a :class:`ReplicaSite` made by hand): its titles,
        images, documents and document numbers are taken, so additions repeat none of them."""
        builder = cls(site.seed)
        builder.titles = {a.title for a in site.articles}
        builder.images, builder.documents = site.images, site.documents
        builder.photo_count = sum(len(a.images) for a in site.articles)
        builder.attachment_count = len(site.documents)
        builder.built = len(site.articles)
        builder.typical_id = site.typical_id
        prefixes = {prefix: kind for kind, (_, _, prefix) in corpus.DOCUMENT_KINDS.items()}
        for document in site.documents.values():
            prefix, number, year = [*document.file_name.split("-"), "", ""][:3]
            if prefix in prefixes and number.isdigit() and year[:4].isdigit():
                key = (prefixes[prefix], int(year[:4]))
                builder.doc_numbers[key] = max(builder.doc_numbers.get(key, 0), int(number))
        return builder

    def moments_after(self, after: datetime, count: int, now: datetime) -> list[datetime]:
        """``count`` publication moments after ``after`` and before ``now``, oldest first: whole minutes in
        office hours, 5 minutes to 2 hours apart, or evenly spread over the time left if that runs past now."""
        moments, moment = [], after
        for _ in range(count):
            moment = _working_minute(moment + timedelta(minutes=self.rng.randint(5, 120)), self.rng)
            moments.append(moment)
        if moments[-1] < now:
            return moments
        first = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        room = int((now - first).total_seconds() // 60)
        if room < count:
            raise ValueError(f"no room for {count} more articles between {after.isoformat()} and now")
        step = room // count
        return [first + timedelta(minutes=k * step) for k in range(count)]

    def extend(self, moments: list[datetime], slugs: list[str], last_id: int) -> list[ReplicaArticle]:
        """New articles, oldest first, published at ``moments`` in categories ``slugs``, ids after ``last_id``."""
        step_max = max(7, min(400, (MAX_ARTICLE_ID - last_id) // len(moments)))
        built = []
        for moment, slug in zip(moments, slugs, strict=True):
            last_id += self.rng.randint(7, step_max)
            built.append(self._article(self.built, last_id, moment, slug))
            self.built += 1
        return built

    # -- people, numbers, the context of one story -------------------------------------------------------
    def _person(self, male: bool | None = None) -> str:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.7
        if male:
            return f"{rng.choice(corpus.SURNAMES)} {rng.choice(corpus.MIDDLE_MALE)} {rng.choice(corpus.GIVEN_MALE)}"
        return f"{rng.choice(corpus.SURNAMES)} {rng.choice(corpus.MIDDLE_FEMALE)} {rng.choice(corpus.GIVEN_FEMALE)}"

    def _context(self, moment: datetime) -> dict[str, str]:
        rng = self.rng
        year, month = moment.year, moment.month
        xa, ten_xa, _ = rng.choice(corpus.COMMUNES)
        xa_bien = rng.choice([c for c in corpus.COMMUNES if c[2]])[0]
        thon = f"tổ dân phố {rng.randint(1, 8)}" if xa.startswith("thị trấn") else f"thôn {rng.randint(1, 9)}"
        name, office = self._person(), rng.choice(corpus.OFFICES)
        event = moment - timedelta(days=rng.choice((0, 0, 1, 1, 2)))
        if month >= 11:
            vu = f"Đông Xuân {year} – {year + 1}"
        elif month <= 4:
            vu = f"Đông Xuân {year - 1} – {year}"
        else:
            vu = f"Hè Thu {year}"
        tet_year = year + 1 if month >= 10 else year
        tr1 = rng.randint(30, 120)
        chi_tieu_done = rng.randint(15, 19)
        return {
            "xa": xa,
            "Xa": _cap(xa),
            "ten_xa": ten_xa if not xa.startswith("thị trấn") else "Thị trấn Mộ Đức",
            "xa_bien": xa_bien,
            "thon": thon,
            "Thon": _cap(thon),
            "nam": str(year),
            "nam_truoc": str(year - 1),
            "nam_sau": str(year + 1),
            "ngay": f"{event.day}/{event.month}",
            "buoi": "Sáng" if moment.hour < 12 else "Chiều",
            "buoi_thuong": "sáng" if moment.hour < 12 else "chiều",
            "nguoi1": f"đồng chí {name} – {office}",
            "Nguoi1": f"Đồng chí {name} – {office}",
            "nguoi1_ngan": f"Đồng chí {name}, {office}",
            "nong_dan": self._person(male=True),
            "so1": str(rng.randint(2, 9)),
            "so2": str(rng.randint(10, 60)),
            "so3": str(rng.randint(100, 900)),
            "so4": _fmt_int(rng.randint(1000, 9000)),
            "pt1": _fmt_dec(rng.uniform(70, 99.5)) + "%",
            "pt_ngheo": _fmt_dec(rng.uniform(0.8, 4.5)) + "%",
            "ty1": _fmt_dec(rng.uniform(1.2, 95)),
            "tr1": str(tr1),
            "tr2": str(tr1 // 2),
            "ha1": _fmt_dec(rng.uniform(2, 120)),
            "km1": _fmt_dec(rng.uniform(1.5, 12)),
            "nang_suat": _fmt_dec(rng.uniform(55, 68)),
            "chi_tieu": f"{chi_tieu_done}/19",
            "quy": rng.choice(("I", "II", "III", "IV")),
            "so_ky": str(rng.randint(2, 12)),
            "ky_hop": rng.choice(("giữa năm", "cuối năm")),
            "cap_hoc": rng.choice(("Mầm non", "Tiểu học", "THCS")),
            "so_muc": rng.choice(("1", "2")),
            "lan": rng.choice(corpus.ROMAN),
            "nhiem_ky": "2016 – 2021" if (year, month) < (2021, 6) else "2021 – 2026",
            "linh_vuc": rng.choice(corpus.LINH_VUC),
            "du_an": rng.choice(corpus.DU_AN),
            "cay": rng.choice(corpus.CAY_TRONG),
            "vu": vu,
            "noi_dung_gs": rng.choice(corpus.NOI_DUNG_GIAM_SAT),
            "noi_dung": rng.choice(corpus.NOI_DUNG_CHI_DAO),
            "su_kien": rng.choice(corpus.SU_KIEN),
            "tet": f"Nguyên đán {_can_chi(tet_year)} {tet_year}",
            "so_nam_tbls": str(year - 1947),
            "van_ban": "",
            "Van_ban": "",
        }

    def _pick_story(
        self, category: str, moment: datetime
    ) -> tuple[corpus.Topic, corpus.Headline, dict[str, str], str, tuple[str, int, str] | None]:
        """Topic, headline, context, a unique title and the announced document (kind, number, name)."""
        rng = self.rng
        year = min(moment.year, LAST_DAY.year)  # additions may run past the corpus' years: its latest stories
        topics = [
            t
            for t in self.topics_by_category[category]
            if t.years[0] <= year <= t.years[1] and t.months[0] <= moment.month <= t.months[1]
        ]
        weights = [t.weight for t in topics]
        for attempt in range(_TITLE_TRIES):
            topic = rng.choices(topics, weights)[0]
            headlines = [h for h in topic.headlines if h.years[0] <= year <= h.years[1]]
            headline = rng.choice(headlines)
            ctx = self._context(moment)
            document = None
            if headline.document:
                document = self._document_number(headline.document, year)
                ctx["van_ban"] = ctx["Van_ban"] = document[2]
            title = headline.title.format_map(ctx)
            if attempt == _TITLE_TRIES - 1:
                # A crowded site: number the repeat, as portals do ("... (đợt 2)").
                base = title
                while title in self.titles:
                    self.repeats[base] = self.repeats.get(base, 1) + 1
                    title = f"{base} (đợt {self.repeats[base]})"
            if title not in self.titles:
                self.titles.add(title)
                return topic, headline, ctx, title, document
        raise AssertionError("unreachable: the last try always finds a unique title")

    def _document_number(self, kind: str, year: int) -> tuple[str, int, str]:
        key = (kind, year)
        step = self.rng.randint(1, 25)
        number = self.doc_numbers.get(key, self.rng.randint(0, 20)) + step
        self.doc_numbers[key] = number
        name, code, _ = corpus.DOCUMENT_KINDS[kind]
        return kind, number, f"{name} số {number}/{code}"

    # -- media ------------------------------------------------------------------------------------------
    def _image(self, image_id: int, moment: datetime, role: str, fmt: str, size: tuple[int, int]) -> ReplicaImage:
        stamp = int(moment.timestamp() * 1000) + self.rng.randint(20_000, 3_000_000)
        image = ReplicaImage(image_id, image_path(image_id, stamp), fmt, size[0], size[1], role)
        self.images[image_id] = image
        return image

    def _photos(
        self, article_id: int, moment: datetime, count: int, captions: list[str], title: str
    ) -> list[ReplicaPhoto]:
        rng = self.rng
        photos = []
        for j in range(count):
            k = self.photo_count
            self.photo_count += 1
            fmt = "png" if k % 7 == 5 else "jpeg"
            size = (480, 320) if fmt == "png" else rng.choice(((480, 320), (480, 320), (600, 400), (400, 300)))
            image = self._image(article_id - 2 - j, moment, "photo", fmt, size)
            image.used_by.append(article_id)
            text = rng.choice(captions)
            caption: str | None = text
            if k % 10 == 7:
                caption, label = None, ""
            elif k % 10 == 3:
                label = "Hình:"
            elif k % 4 == 1:
                label = "Ảnh: "
            else:
                label = "Hình: "
            alt = ("", text, title)[k % 3] if caption else ""
            photos.append(ReplicaPhoto(image.id, image.url, caption, alt, label))
        return photos

    def _attachment(
        self, article_id: int, moment: datetime, document: tuple[str, int, str], subject: str, annex: bool
    ) -> ReplicaAttachment:
        kind, number, name = document
        m = self.attachment_count
        self.attachment_count += 1
        fmt = "docx" if m % 6 == 2 else "doc" if m % 6 == 5 else "pdf"
        prefix = corpus.DOCUMENT_KINDS[kind][2]
        file_name = f"{prefix}-{number}-{moment.year}{'-phu-luc' if annex else ''}.{fmt}"
        folder = 2081400 + (moment.year - FIRST_DAY.year) * 11
        title = f"Tải về Phụ lục kèm theo {name}" if annex else f"Tải về {name}"
        attachment = ReplicaAttachment(
            url=document_path(GROUP_ID, folder, file_name),
            title=title,
            format=fmt,
            file_name=file_name,
            document=f"Phụ lục kèm theo {name}" if annex else name,
            subject=subject,
            issued=(moment - timedelta(days=self.rng.randint(0, 3))).date(),
            article_id=article_id,
        )
        self.documents[attachment.url] = attachment
        return attachment

    # -- articles ---------------------------------------------------------------------------------------
    def _article(self, index: int, article_id: int, moment: datetime, category: str) -> ReplicaArticle:
        rng = self.rng
        topic, headline, ctx, title, document = self._pick_story(category, moment)
        sapo = headline.sapo.format_map(ctx)
        middles = list(topic.middles) + list(corpus.GENERIC_MIDDLES)
        paragraphs = [rng.choice(topic.openers).format_map(ctx)]
        paragraphs += [p.format_map(ctx) for p in rng.sample(middles, rng.randint(2, 4))]
        closing = rng.choice(topic.closings).format_map(ctx)

        captions = [c.format_map(ctx) for c in topic.captions + corpus.GENERIC_CAPTIONS]
        photo_count = rng.choices((0, 1, 2, 3), (15, 45, 30, 10))[0]
        photos = self._photos(article_id, moment, photo_count, captions, title)
        if index % 17 == 9 and self.last_photo:
            photos.append(self._shared_photo(article_id, category))
        for photo in photos:
            if len(self.images[photo.image_id].used_by) == 1:
                self.last_photo[category] = (photo, title)

        if document is None and index % 5 == 2:
            document = self._document_number(rng.choice(_NEWS_DOCUMENTS), moment.year)
        attachments = []
        if document is not None:
            attachments.append(self._attachment(article_id, moment, document, title, annex=False))
            if (index // 5) % 2 == 0 or rng.random() < 0.25:
                attachments.append(self._attachment(article_id, moment, document, title, annex=True))

        thumbnail = self._thumbnail(index, article_id, moment, photos)
        return self._assemble(
            article_id,
            moment,
            category,
            title,
            sapo,
            paragraphs,
            closing,
            photos,
            attachments,
            thumbnail,
            author=rng.choice(corpus.AUTHORS),
            views=rng.randint(100, 5000),
        )

    def _shared_photo(self, article_id: int, category: str) -> ReplicaPhoto:
        """A file photo ("ảnh tư liệu") of an older article, shown again: one URL in two articles."""
        photo, _ = self.last_photo.get(category) or next(iter(self.last_photo.values()))
        image = self.images[photo.image_id]
        image.used_by.append(article_id)
        text = photo.caption or "Ảnh tư liệu"
        return ReplicaPhoto(image.id, image.url, f"Ảnh tư liệu: {text}", "")

    def _thumbnail(self, index: int, article_id: int, moment: datetime, photos: list[ReplicaPhoto]) -> str | None:
        """The list page picture: the first photo, a separate small image, or none, in turn."""
        mode = index % 4
        if mode == 3:
            return None
        if mode in (0, 2) and photos:
            return photos[0].url
        image = self._image(article_id - 1, moment, "thumbnail", "jpeg", (240, 160))
        image.used_by.append(article_id)
        return image.url

    def _assemble(
        self,
        article_id: int,
        moment: datetime,
        category: str,
        title: str,
        sapo: str,
        paragraphs: list[str],
        closing: str,
        photos: list[ReplicaPhoto],
        attachments: list[ReplicaAttachment],
        thumbnail: str | None,
        *,
        author: str,
        views: int,
        photo_after: list[int] | None = None,
    ) -> ReplicaArticle:
        """Lay the body out: paragraphs, photos between them, attachment links, the closing "./." paragraph."""
        if photo_after is None:
            slots = range(-1, len(paragraphs))
            photo_after = sorted(self.rng.sample(slots, min(len(photos), len(slots))))
            photo_after += [len(paragraphs) - 1] * (len(photos) - len(photo_after))
        body, layout = _lay_out(paragraphs, closing, photo_after, attachments)
        slug = slugify(title)
        return ReplicaArticle(
            id=article_id,
            url=article_path(category, article_id, slug),
            category=category,
            category_name=self.category_names[category],
            title=title,
            slug=slug,
            summary=summarize(sapo),
            sapo=sapo,
            body=body,
            author=author,
            published=moment.isoformat(timespec="seconds"),
            views=views,
            images=photos,
            thumbnail=thumbnail,
            attachments=attachments,
            published_at=moment,
            layout=layout,
        )

    def _typical(self, article_id: int, moment: datetime) -> ReplicaArticle:
        """The fixed typical article, written out in :data:`corpus.TYPICAL_ARTICLE`."""
        spec = corpus.TYPICAL_ARTICLE
        self.titles.add(spec.title)
        image = self._image(article_id - 2, moment, "photo", "jpeg", (600, 400))
        image.used_by.append(article_id)
        label, caption = split_label(spec.photo_caption)
        photo = ReplicaPhoto(image.id, image.url, caption, "", label)
        self.photo_count += 1
        self.last_photo[spec.category] = (photo, spec.title)
        return self._assemble(
            article_id,
            moment,
            spec.category,
            spec.title,
            spec.sapo,
            list(spec.paragraphs[:-1]),
            spec.paragraphs[-1],
            [photo],
            [],
            photo.url,
            author=spec.author,
            views=spec.views,
            photo_after=[spec.photo_after],
        )
