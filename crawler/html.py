"""HTML helpers shared by the extractors: tolerant parsing, text by paragraphs, safe stored HTML.

lxml parses whatever the sites send (unclosed tags, stray bodies, entity soup) ten times faster than html5lib;
nh3 (the Rust ammonia sanitizer) decides what stored HTML may contain.
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.etree
import lxml.html
import nh3

from crawler.text import clean_text

BLOCK_TAGS = frozenset(
    "p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre "
    "table thead tbody tfoot tr figure figcaption address center form fieldset hr details summary".split()
)
_SKIP_TAGS = frozenset("script style noscript template iframe object embed svg canvas button select".split())

SAFE_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "span", "a", "img", "figure",
    "figcaption", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "hr", "div",
}
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def parse_document(html: str | bytes) -> lxml.html.HtmlElement:
    """Parse a whole page; an empty or unparsable page gives an empty <html> rather than an exception."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html or not html.strip():
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        # ValueError: a string with an XML encoding declaration; retry without it.
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", errors="replace"))
        except lxml.etree.ParserError:
            return lxml.html.document_fromstring("<html><body></body></html>")


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into one wrapper <div>, whatever it holds."""
    wrapper = lxml.html.fragment_fromstring("<div></div>")
    if not html or not html.strip():
        return wrapper
    try:
        for child in lxml.html.fragments_fromstring(html):
            if isinstance(child, str):
                if wrapper.text is None and len(wrapper) == 0:
                    wrapper.text = child
                elif len(wrapper):
                    wrapper[-1].tail = (wrapper[-1].tail or "") + child
                else:
                    wrapper.text = (wrapper.text or "") + child
            else:
                wrapper.append(child)
    except (lxml.etree.ParserError, ValueError):
        pass
    return wrapper


def to_html(element: lxml.html.HtmlElement, inner: bool = True) -> str:
    """Serialise an element (by default only what is inside it) as a unicode string."""
    if not inner:
        return lxml.html.tostring(element, encoding="unicode")
    parts = [element.text or ""]
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in element)
    return "".join(parts)


def _adjacent_links(previous: lxml.html.HtmlElement | None, child: lxml.html.HtmlElement) -> bool:
    """Two links with nothing between them ('<a>học đường</a><a>thời gian</a>' of a table of contents or a tag
    list) are two items that CSS sets apart: their words must not join."""
    return (
        previous is not None and child.tag == "a" and previous.tag == "a" and not (previous.tail or "")
    )


def _inline_text(element: lxml.html.HtmlElement, out: list[str]) -> None:
    if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS:
        return
    if element.tag == "br":
        out.append("\n")
    elif element.text:
        out.append(element.text)
    previous = None
    for child in element:
        if _adjacent_links(previous, child):
            out.append(" ")
        _inline_text(child, out)
        if child.tail:
            out.append(child.tail)
        previous = child


def element_text(element: lxml.html.HtmlElement) -> str:
    """All text of an element as one clean line (blocks and <br> become spaces)."""
    out: list[str] = []
    _inline_text(element, out)
    return clean_text(" ".join(out)) or ""


def _row_text(row: lxml.html.HtmlElement) -> str | None:
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    texts = [element_text(c) for c in cells]
    if not any(texts):
        return None
    return " | ".join(texts)


class _Enough(Exception):
    """Raised inside paragraphs() once it has as many as were asked for."""


def paragraphs(element: lxml.html.HtmlElement, limit: int | None = None) -> list[str]:
    """The element's text as a reader sees it: one string per block, a table row per line ('a | b'), one per item.

    A <br> inside a paragraph stays a line break within that paragraph. With `limit`, the walk stops once that
    many are found (the dates step reads only the first paragraph of the body).
    """
    result: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            lines = [clean_text(line) for line in "".join(buffer).split("\n")]
            text = "\n".join(line for line in lines if line)
            if text:
                result.append(text)
                if limit is not None and len(result) >= limit:
                    raise _Enough
            buffer.clear()

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag in _SKIP_TAGS:
            return
        if tag == "tr":
            flush()
            row = _row_text(node)
            if row:
                result.append(row)
                if limit is not None and len(result) >= limit:
                    raise _Enough
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
        if tag == "br":
            buffer.append("\n")
        elif tag == "img":
            pass
        elif node.text:
            buffer.append(node.text)
        previous = None
        for child in node:
            if _adjacent_links(previous, child):
                buffer.append(" ")
            walk(child)
            if child.tail:
                buffer.append(child.tail)
            previous = child
        if is_block:
            flush()

    try:
        walk(element)
        flush()
    except _Enough:
        pass
    return result[:limit]


def remove_keep_tail(element: lxml.html.HtmlElement) -> None:
    """Remove an element from its tree but keep the text that follows it (lxml stores it on the element)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def absolutize(element: lxml.html.HtmlElement, base_url: str) -> None:
    """Make href and src attributes absolute against the page URL, in place."""
    for node in element.iter("a", "img"):
        attr = "href" if node.tag == "a" else "src"
        value = (node.get(attr) or "").strip()
        if value and not value.startswith(("data:", "#", "mailto:", "javascript:")):
            try:
                node.set(attr, urljoin(base_url, value))
            except ValueError:
                node.attrib.pop(attr, None)


def sanitize(html: str) -> str:
    """Stored HTML: an allow-list of tags and attributes; no script, style, iframe, event handler or javascript:."""
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


_INLINE_TAGS = frozenset(
    "a abbr b big cite code em font i img kbd label mark q s small span strike strong sub sup time tt u".split()
)
_LOOSE_CONTAINERS = ("div", "td", "th", "section", "article", "main", "blockquote", "center", "body", "dd")


def wrap_loose_lines(root: lxml.html.HtmlElement) -> None:
    """Give every run of text between <br>s its own <p>, in place: the legacy editors' paragraphs ('text<br><br>
    text' straight in a <div> or <td>). Bylines, captions and datelines are then blocks the steps can find and
    take out, as on pages written with <p>. Runs inside a <p> stay line breaks within it."""
    for parent in list(root.iter(*_LOOSE_CONTAINERS)):
        children = list(parent)
        if not any(child.tag == "br" for child in children):
            continue
        if not (parent.text or "").strip() and not any((c.tail or "").strip() for c in children if c.tag == "br"):
            continue  # no loose text: the lines are already blocks
        _rebuild_lines(parent, children)


def _rebuild_lines(parent: lxml.html.HtmlElement, children: list[lxml.html.HtmlElement]) -> None:
    rebuilt: list[lxml.html.HtmlElement] = []
    run: list[lxml.html.HtmlElement] = []  # the open paragraph, if any

    def open_paragraph() -> lxml.html.HtmlElement:
        if not run:
            run.append(lxml.html.Element("p"))
            rebuilt.append(run[0])
        return run[0]

    def add_text(text: str | None) -> None:
        if not text or (not run and not text.strip()):
            return
        paragraph = open_paragraph()
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + text
        else:
            paragraph.text = (paragraph.text or "") + text

    add_text(parent.text)
    parent.text = None
    for child in children:
        tail, child.tail = child.tail, None
        parent.remove(child)
        if child.tag == "br":
            run.clear()
        elif not isinstance(child.tag, str) or child.tag in _INLINE_TAGS:
            open_paragraph().append(child)
        else:
            rebuilt.append(child)
            run.clear()
        add_text(tail)
    for element in rebuilt:
        parent.append(element)
