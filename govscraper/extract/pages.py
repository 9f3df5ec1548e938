"""Pieces every platform profile needs, written once: a selector from text, a node's text, the pager, the ListPage.

The profiles (``liferay62``, ``liferay7``, ``sharepoint``, ``uploadcms``) differ in their selectors, not in how a
pager's links become numbered pages or how a list page is summed up; that part lives here so a fix reaches them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

from parsel import Selector, SelectorList

from govscraper.model import ListItem, ListPage
from govscraper.text import normalize_inline


def as_selector(page: str | Selector) -> Selector:
    """The page as a parsel Selector (profiles take either the page's text or a response's selector)."""
    return page if isinstance(page, Selector) else Selector(text=page)


def strings(page: Selector, xpath: str) -> list[str]:
    """The attribute values or text nodes ``xpath`` selects, as plain strings.

    What platform detection reads on every page (every link, script and source): lxml gives the strings directly,
    where parsel would wrap each in a Selector first (detection took 40% of an article's extraction time so).
    """
    return [str(value) for value in page.root.xpath(xpath, smart_strings=False)]


def any_match(page: Selector, xpath: str, pattern: str) -> bool:
    """Whether one of the strings ``xpath`` selects matches ``pattern`` (a regular expression)."""
    search = re.compile(pattern).search
    return any(search(value) for value in strings(page, xpath))


def first_text(selection: Selector | SelectorList | list | None) -> str | None:
    """The normalised text of the first selected node (all its descendants' text), or None when nothing matched."""
    if not selection:
        return None
    node = selection[0] if isinstance(selection, list) else selection
    return normalize_inline(" ".join(node.xpath(".//text()").getall()))


def pager_links(hrefs: Iterable[str], url: str, page_number: Callable[[str], int | None]) -> dict[int, str]:
    """Page number → absolute URL for a pager's links; disabled buttons (``javascript:``, ``#``) and links without a
    page number are left out, and the first link to a number wins."""
    pages: dict[int, str] = {}
    for href in hrefs:
        href = href.strip()
        if href and not href.startswith("javascript:") and href != "#":
            absolute = urljoin(url, href)
            number = page_number(absolute)
            if number is not None:
                pages.setdefault(number, absolute)
    return pages


def list_page(items: list[ListItem], pages: dict[int, str], current: int, total: int | None = None) -> ListPage:
    """The list page whose pager links to ``pages``: the other pages in order, the next one, the last number."""
    pages = {n: u for n, u in pages.items() if n != current}
    return ListPage(
        items=items,
        pages=[pages[n] for n in sorted(pages)],
        next_url=pages.get(current + 1),
        current_page=current,
        last_page=max([*pages, current]),
        total_results=total,
    )


__all__ = ["any_match", "as_selector", "first_text", "list_page", "pager_links", "strings"]
