"""CSS selectors from profiles, compiled once and applied without ever raising."""

from __future__ import annotations

import lxml.html
from lxml.cssselect import CSSSelector

from crawler.html import element_text

_compiled: dict[str, CSSSelector | None] = {}


def _compile(selector: str) -> CSSSelector | None:
    if selector not in _compiled:
        try:
            _compiled[selector] = CSSSelector(selector, translator="html")
        except Exception:  # cssselect raises several types for selectors it cannot translate
            _compiled[selector] = None
    return _compiled[selector]


def select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    """Elements matching a selector list; a broken selector in a profile matches nothing instead of crashing."""
    if not selector:
        return []
    compiled = _compile(selector)
    return compiled(root) if compiled is not None else []


def first_text(root: lxml.html.HtmlElement, selector: str) -> str | None:
    """Text of the first matching element that has any."""
    for element in select(root, selector):
        text = element_text(element)
        if text:
            return text
    return None
