"""Removing what every page of a site repeats from an article body: share bars, counters, 'Tin liên quan' …

Works in place on the body element, before captions and author are read, so none of it reaches body_text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html

from crawler.extract.generic import link_density
from crawler.extract.selectors import select
from crawler.html import element_text, remove_keep_tail
from crawler.text import fold_diacritics

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "form", "button", "input", "select",
    "textarea", "audio", "video", "source", "nav", "aside", "svg", "canvas", "link", "meta",
)
_NEVER_WIDGETS = frozenset(("tr", "td", "th", "tbody", "thead", "tfoot", "blockquote"))
# Class or id words of widgets that sit inside bodies: share bars, text-to-speech players, ratings, comments.
_WIDGET = re.compile(
    r"(^|[\s_-])(share|sharing|social|addthis|sharethis|zalo-share|fb-like|fb-share|facebook|twitter|print|"
    r"rating|rate|vote|comment|comments|binh-?luan|related|lien-?quan|tin-?khac|other-?news|tags?|keywords?|"
    r"tts|text-to-speech|speech|audio|player|listen|doc-?bai|toolbar|tool-?bar|font-?size|ads?|advert|banner|"
    r"quang-?cao|pagination|paging|breadcrumb|toc|ez-toc|toc-?container|table-?of-?contents|muc-?luc|mucluc)"
    r"([\s_-]|$)",
    re.IGNORECASE,
)
# Headings after which an article body holds only navigation: everything from them on is cut.
CUT_HEADINGS = frozenset(
    fold_diacritics(s)
    for s in (
        "Tin liên quan", "Các tin khác", "Tin khác", "Bài viết liên quan", "Tin cùng chuyên mục", "Tin cùng loại",
        "Ý kiến của bạn", "Ý kiến bạn đọc", "Gửi ý kiến", "Đánh giá bài viết", "Theo dòng sự kiện",
        "Những tin mới hơn", "Những tin cũ hơn", "Tin mới hơn", "Tin cũ hơn", "Bình luận", "Gửi bình luận",
        "Xem thêm", "Các bài viết khác", "Bài viết khác", "Tin đã đưa", "Các tin đã đưa", "Tin bài liên quan",
        "Từ khóa", "Tags", "Chia sẻ bài viết",
    )
)
# Short lines that are the page's furniture, matched on the folded text ('luot xem: 125').
_FURNITURE = re.compile(
    r"^(luot xem|luot doc|so luot xem|da xem|luot|doc bai viet|nghe doc bai viet|nghe bai viet|in bai viet|"
    r"in bai viet nay|in ra|in trang|ban in|luu bai viet nay|dong cua so nay|gui email|gui bai viet|"
    r"gui cho ban be|chia se|chia se bai viet|gioi thieu bai viet cho ban be|quay lai|tro ve|ve dau trang|"
    r"len dau trang|tweet|like|share|co chu|font size|tai ve|xem tiep|xem them|nghe|tam dung|danh gia|"
    r"print|email|facebook|zalo|twitter|top|copy link|sao chep lien ket|sao chep link)\b[\s:.,\d|/()-]*$"
)


def is_furniture(text: str) -> bool:
    """True for a short line that belongs to the page template ('Lượt xem: 125', 'In bài viết')."""
    if not text or len(text) > 60:
        return False
    return bool(_FURNITURE.match(fold_diacritics(text).strip()))


def navigation_blocks(body: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The blocks of a body that clean_body() takes out as navigation: widget-classed blocks ('related',
    'tin-khac', 'share' …) and everything after a heading such as 'Các tin khác'. A listing is judged on the rest."""
    found: set[lxml.html.HtmlElement] = set()
    for element in body.iter():
        if element is body or not isinstance(element.tag, str):
            continue
        if _widget_classed(element):
            found.update(element.iter())
        elif element.tag in ("p", "div", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span") and len(element) <= 1:
            text = element_text(element)
            if text and _is_cut_heading(text):
                for following in _following(element, body):
                    found.update(following.iter())
    return found


def _widget_classed(element: lxml.html.HtmlElement) -> bool:
    """A class or id word of a widget ('share', 'related', 'tin-khac' …); never on a table's rows and cells,
    whose classes name their data ('oddrow player-2020-580'), nor on an embedded post (quoted text)."""
    if element.tag in _NEVER_WIDGETS:
        return False
    words = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(words.strip()) and _WIDGET.search(words) is not None


def _following(element: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Everything after `element` up to the body's own level: its later siblings, then its parents' later ones."""
    found: list[lxml.html.HtmlElement] = []
    node = element
    while node is not None and node is not body:
        found.extend(node.itersiblings())
        node = node.getparent()
    return found


def _is_cut_heading(text: str) -> bool:
    return len(text) <= 40 and fold_diacritics(text).strip(" :.-»>").strip() in CUT_HEADINGS


def _cut_from(element: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Remove `element` and everything after it, up to the body's own level."""
    for following in _following(element, body):
        following.getparent().remove(following)
    remove_keep_tail(element)


def clean_body(body: lxml.html.HtmlElement, selectors: Iterable[str] = ()) -> None:
    """Strip scripts, widgets, furniture lines and trailing navigation blocks from an article body, in place."""
    for element in list(body.iter(*_DROP_TAGS)):
        remove_keep_tail(element)
    for selector in selectors:
        for element in select(body, selector):
            if element is not body:
                remove_keep_tail(element)
    for element in list(body.iter()):
        if element is body or not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if not _widget_classed(element):
            continue
        # A widget class on a block of prose is a theme's naming ('article-body pagination-first'), not a widget.
        if len(element_text(element)) < 200 or link_density(element) >= 0.5:
            remove_keep_tail(element)
    for element in list(body.iter()):
        if element is body or not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if element.tag in ("p", "div", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "li", "td"):
            text = element_text(element)
            if text and _is_cut_heading(text):
                _cut_from(element, body)
                break
    for element in list(body.iter("p", "div", "span", "li", "strong", "b", "em", "a", "td", "h3", "h4")):
        if element.getparent() is None or element is body:
            continue
        text = element_text(element)
        if text and is_furniture(text) and element.find(".//img") is None:
            remove_keep_tail(element)
    _drop_empty(body)


def _drop_empty(body: lxml.html.HtmlElement) -> None:
    """Remove blocks left with neither text nor image, innermost first."""
    for element in reversed(list(body.iter("p", "div", "span", "strong", "em", "b", "i", "li", "ul", "ol"))):
        if element is body or element.getparent() is None:
            continue
        if element.find(".//img") is not None or element.find(".//table") is not None:
            continue
        if not element_text(element) and element.find(".//br") is None:
            remove_keep_tail(element)
        elif not element_text(element) and not (element.tail or "").strip():
            remove_keep_tail(element)
