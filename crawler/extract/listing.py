"""Listing pages: which links are articles, the date printed beside each, and the next page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

from crawler.extract.rules import FamilyRules
from crawler.extract.selectors import select
from crawler.html import element_text
from crawler.urls import site_key

_DATE_TEXT = re.compile(
    r"\(?\s*\d{1,2}\s*[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{2,4})?(?:\s*[-,|]?\s*\d{1,2}[:h]\d{2})?\s*\)?"
)
_NEXT_TEXTS = {"»", "›", ">", ">>", "trang sau", "tiếp", "tiếp theo", "sau", "next", "trang tiếp", "xem tiếp"}
_PAGE_PARAM = re.compile(r"^(page|p|pg|pagenumber|pageno|trang|start|_cur|paged|pageindex)$", re.I)
_PAGE_PATH = re.compile(r"/(?:page|trang)[-/](\d+)/?$", re.I)
_SKIP_ANCESTORS = ("header", "nav", "footer", "aside")
_MENU_CLASS = re.compile(r"menu|nav|footer|header|breadcrumb|sidebar|widget|banner|top-?bar|copyright", re.I)


@dataclass(frozen=True)
class ListingLink:
    url: str
    text: str
    date: str | None = None


def _in_template(a: lxml.html.HtmlElement) -> bool:
    node = a.getparent()
    depth = 0
    while node is not None and depth < 12:
        if node.tag in _SKIP_ANCESTORS or _MENU_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        node = node.getparent()
        depth += 1
    return False


# An item of a listing holds a handful of links (headline, picture, category, 'Xem tiếp'); a node with more, or
# with two headline-length ones, is a container of several items, where a date may be another item's.
_ITEM_MAX_LINKS = 6
_HEADLINE_LENGTH = 15


def _several_items(node: lxml.html.HtmlElement, seen: dict) -> bool:
    """Whether node holds several listing items; computed once per node (a listing of thousands of links
    climbs into the same container from every link: without the cache that is quadratic)."""
    found = seen.get(node)
    if found is None:
        texts = [text for x in node.iter("a") if (text := element_text(x))]
        found = len(texts) > _ITEM_MAX_LINKS or sum(len(t) >= _HEADLINE_LENGTH for t in texts) > 1
        seen[node] = found
    return found


def _date_near(a: lxml.html.HtmlElement, rules: FamilyRules, seen: dict | None = None) -> str | None:
    """The date printed with a listing item ('(09/10/2020)', '18/07/2022 08:30'), not inside the headline."""
    seen = {} if seen is None else seen
    own = element_text(a)
    node = a.getparent()
    for _ in range(3):
        if node is None:
            return None
        if node is not a.getparent() and _several_items(node, seen):
            return None  # reached a container of several items: any date here may be another item's
        if rules.listing_date:
            for element in select(node, rules.listing_date):
                text = element_text(element)
                if text:
                    return text
        if _several_items(node, seen):
            return None
        text = element_text(node).replace(own, " ")
        match = _DATE_TEXT.search(text)
        if match:
            return match.group(0).strip()
        node = node.getparent()
    return None


def article_links(doc: lxml.html.HtmlElement, url: str, rules: FamilyRules) -> list[ListingLink]:
    """Links to articles on a listing page, in page order, each once."""
    host = site_key(url)
    anchors = select(doc, rules.listing_links) if rules.listing_links else []
    generic = not anchors
    if generic:
        anchors = [a for a in doc.iter("a") if not _in_template(a)]
    found: dict[str, ListingLink] = {}
    seen: dict = {}
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            target = urljoin(url, href)
        except ValueError:
            continue
        if site_key(target) != host or target.split("#")[0] == url.split("#")[0]:
            continue
        text = element_text(a) or (a.get("title") or "").strip()
        if rules.article_url_re is not None:
            if not rules.article_url_re.search(target):
                continue
        elif generic and len(text) < 20:
            continue  # menus, page numbers, 'Xem thêm': headlines are longer
        if target in found:
            known = found[target]
            date = known.date
            if _precision(date) < _FULL:
                # The same article in the 'Tin mới' box ('(09/11)') and in the listing ('09/11/2026 19:47'):
                # the date that says more wins.
                other = _date_near(a, rules, seen)
                date = other if _precision(other) > _precision(date) else date
            found[target] = ListingLink(target, known.text or text, date)
            continue
        found[target] = ListingLink(target, text, _date_near(a, rules, seen))
    return list(found.values())


_YEAR = re.compile(r"(?:19|20)\d\d")
_CLOCK = re.compile(r"\d{1,2}\s*(?::|h|giờ)\s*\d{2}")
_FULL = 3  # a day, its year and a clock time: nothing more to learn from another occurrence


def _precision(date: str | None) -> int:
    """How much a listing's date says: nothing 0, a day 1, a day with its year 2, with a clock time _FULL."""
    if not date:
        return 0
    return 1 + bool(_YEAR.search(date)) + has_clock_time(date)


def has_clock_time(text: str) -> bool:
    """'09/11/2026 19:47', '8h30 15/5': the text states a time of day."""
    return bool(_CLOCK.search(text))


def page_number(url: str) -> tuple[str | None, int]:
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            return key, int(value)
    match = _PAGE_PATH.search(parts.path)
    if match:
        return "path", int(match.group(1))
    return None, 1


def next_page(doc: lxml.html.HtmlElement, url: str, rules: FamilyRules) -> str | None:
    """The next listing page: the family's selector, rel=next, a 'next' link, or the link to page N+1."""
    candidates = select(doc, rules.next_page) if rules.next_page else []
    candidates += doc.xpath('//link[@rel="next"] | //a[@rel="next"]')
    for element in candidates:
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:")):
            return urljoin(url, href)
    for a in doc.iter("a"):
        text = element_text(a).casefold()
        classes = f"{a.get('class', '')} {a.getparent().get('class', '') if a.getparent() is not None else ''}"
        if text in _NEXT_TEXTS or re.search(r"(^|\s)next(\s|$)", classes, re.I):
            href = (a.get("href") or "").strip()
            if href and not href.startswith(("#", "javascript:")):
                return urljoin(url, href)
    _, current = page_number(url)
    for a in doc.iter("a"):
        if element_text(a) == str(current + 1):
            href = (a.get("href") or "").strip()
            if href and not href.startswith(("#", "javascript:")):
                target = urljoin(url, href)
                if page_number(target)[1] == current + 1:
                    return target
    return None


def all_links(doc: lxml.html.HtmlElement, url: str) -> list[str]:
    """Every same-host link on a page (for discovery in generic mode), in page order, each once."""
    host = site_key(url)
    seen: dict[str, None] = {}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            target = urljoin(url, href).split("#")[0]
        except ValueError:
            continue
        if site_key(target) == host:
            seen.setdefault(target)
    return list(seen)


def feed_links(doc: lxml.html.HtmlElement, url: str) -> list[str]:
    """RSS and Atom feeds the page announces."""
    hrefs = doc.xpath(
        '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
    )
    return [urljoin(url, h.strip()) for h in hrefs if h.strip()]
