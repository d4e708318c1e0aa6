"""Finding the article in a page no profile describes.

A readability-style score: every paragraph gives its text length to its parent and half of it to its grandparent;
class and id words known from Vietnamese CMSs ('noidung', 'chitiet', 'bodytext', 'sapo' …) add or subtract; link
density demotes menus and 'Tin liên quan' lists. Written here rather than taken from trafilatura because we need the
DOM subtree itself (figures, captions, tables) and Vietnamese class vocabulary; bench/quality.py compares both.
"""

from __future__ import annotations

import re

import lxml.html

from crawler.html import element_text

_POSITIVE = re.compile(
    r"article|content|detail|entry|post|story|body|news|text|main|noi-?dung|chi-?tiet|bai-?viet|baiviet|"
    r"chitiet|noidung|tintuc|journal-content|asset-full|fulltext|itemfulltext",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"comment|sidebar|side-bar|menu|footer|header|banner|widget|related|other|tin-?khac|tinkhac|lien-?quan|"
    r"lienquan|share|social|tag|breadcrumb|nav|pagination|paging|advert|quang-?cao|popup|login|search|"
    r"hot|most|xem-?nhieu|moi-?nhat|lastest|latest|top-?news|marquee|rating|vote|print|toolbar",
    re.IGNORECASE,
)
# Class, id or itemprop words of a template's lead paragraph (sapo): 'sapo', 'hometext', 'news-des' …
LEAD_CLASS = re.compile(
    r"(^|[\s_-])(sapo|lead|brief|hometext|summary|excerpt|intro|chapeau|tom-?tat|mo-?ta|des|description)"
    r"([\s_-]|$)"
    # The distinctive words also inside a camel-cased class: ASP.NET portals' 'ArticleSummary', 'newsBrief'.
    r"|[a-z](Sapo|Brief|Summary|Excerpt|Chapeau)([\s_-]|$)",
)
_CANDIDATE_TAGS = ("div", "article", "section", "main", "td", "tbody", "table")
_PARAGRAPH_TAGS = ("p", "pre", "blockquote", "li", "h2", "h3", "h4", "td")


def class_weight(element: lxml.html.HtmlElement) -> float:
    """+25 for content-like class/id words, -25 for navigation-like ones (both can apply)."""
    words = f"{element.get('class', '')} {element.get('id', '')}"
    if not words.strip():
        return 0.0
    weight = 0.0
    if _POSITIVE.search(words):
        weight += 25
    if _NEGATIVE.search(words):
        weight -= 25
    return weight


def link_density(element: lxml.html.HtmlElement) -> float:
    """Share of the element's text that sits inside links (menus and lists of headlines are near 1)."""
    total = len(element_text(element))
    if not total:
        return 1.0
    linked = sum(len(element_text(a)) for a in element.iter("a"))
    return min(1.0, linked / total)


def find_main_content(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element that holds the article's text, or None when the page has no run of prose."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for para in doc.iter(*_PARAGRAPH_TAGS):
        if para.tag == "td" and len(para.findall(".//p")):
            continue  # the paragraphs inside score instead
        text = element_text(para)
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        parent = para.getparent()
        if parent is None:
            continue
        # A cell whose text is its own ('<td>…<br><br>…</td>' of the legacy table layouts) holds the article itself.
        holders = ((para, 1.0), (parent, 0.5)) if para.tag == "td" else ((parent, 1.0), (parent.getparent(), 0.5))
        for ancestor, share in holders:
            if ancestor is None or ancestor.tag not in _CANDIDATE_TAGS:
                continue
            if ancestor not in scores:
                scores[ancestor] = class_weight(ancestor)
            scores[ancestor] += score * share
    if not scores:
        return None
    best, best_score = None, 0.0
    for element, score in scores.items():
        final = score * (1 - link_density(element))
        if final > best_score:
            best, best_score = element, final
    if best is None:
        return None
    # A sibling that scores close to the best one is the same article split in two containers (a lead block).
    return best


def stated_titles(doc: lxml.html.HtmlElement) -> list[str]:
    """Titles the page's head states about it: og:title or twitter:title, then <title>."""
    found = list(doc.xpath('//meta[@property="og:title" or @name="twitter:title"]/@content'))
    titles = doc.xpath("//title")
    if titles:
        found.append(element_text(titles[0]))
    return [t for t in (s.strip() for s in found) if t]


def page_title_candidates(doc: lxml.html.HtmlElement) -> list[str]:
    """Titles the page states, best first: og:title, the first <h1>, then <title>."""
    stated = stated_titles(doc)
    metas = stated[:-1] if doc.xpath("//title") else stated
    h1 = next((t for t in (element_text(h).strip() for h in doc.iter("h1")) if t), None)
    return [*metas, *([h1] if h1 else []), *stated[len(metas):]]


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»]\s+")
_TITLE_SEPARATOR_END = re.compile(r"\s+[|\-–—:»]\s+$")


def repeats_title(title: str, text: str) -> bool:
    """True when `text` is the document title, or its part before or after a separator: 'A - Site' repeats 'A'."""
    if title == text:
        return True
    if title.startswith(text) and _TITLE_SEPARATORS.match(title[len(text) :]):
        return True
    head = title[: len(title) - len(text)]
    return title.endswith(text) and _TITLE_SEPARATOR_END.search(head) is not None


def strip_site_name(title: str, site_names: tuple[str, ...] = ()) -> str:
    """'Tin A - Sở GDĐT Gia Lai' -> 'Tin A': drop the site's name that <title> and og:title append."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    folded_names = {n.casefold() for n in site_names if n}
    kept = [p for p in parts if p.casefold() not in folded_names]
    if len(kept) < len(parts) and kept:
        return " - ".join(kept)
    # Otherwise keep the longest part when it clearly dominates: site names are short.
    longest = max(parts, key=len)
    if len(longest) >= 0.6 * len(title):
        return longest
    return title
