"""A second opinion on where a page's article is: trafilatura's text, mapped back onto our own DOM.

trafilatura finds the main text of pages no one described better than any hand-written scorer we had (the
article-extraction benchmark: bench/aeb.py), but it returns text, not the element: we need the subtree itself,
because captions, bylines, datelines, images and attachments are read from it as data. So its text is used as a
vote: every text node of our document counts as inside or outside that text, and the element whose text best
matches it (F1 of characters) is the opinion's choice. Our own scorer's element (generic.find_main_content) stands
when it matches nearly as well, or lies inside the opinion's choice and holds most of its text (that choice is
often a wrapper adding the headline, sapo and meta line); otherwise the opinion's choice is the body. Blocks of the
body the opinion did not read at all are left out (left_out). Without a confident opinion (trafilatura found no
text, or none of our elements matches it well) our scorer decides alone. Measured with bench/aeb.py and
bench/real_articles.py; the README says how the decision went.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import lxml.etree
import lxml.html

from crawler.extract.authors import labelled_line
from crawler.html import element_text
from crawler.text import INVISIBLE

_SKIP = frozenset("script style noscript template iframe object embed svg canvas button select head title".split())
# Elements a body can be: what CMSs wrap an article in (a <td> on the legacy table layouts).
_CONTAINERS = frozenset("div article section main td tbody table body form center font span".split())
_SPACE = re.compile(r"\s+")
# Pieces shorter than this say little alone ('Home', '12'): they count towards an element's size, never as votes.
_MIN_VOTE = 12
# A long piece not found whole still votes when its first and last this many characters are in the text.
_ENDS = 40

logger = logging.getLogger(__name__)


def _fold(text: str) -> str:
    """NFC, no invisible characters (a soft hyphen in 'US \xadforces' is gone from trafilatura's text), one space."""
    return _SPACE.sub(" ", INVISIBLE.sub("", unicodedata.normalize("NFC", text))).strip()


def opinion_text(html: str, url: str | None = None) -> str:
    """trafilatura's main text of the page ('' when it finds none or fails on the markup)."""
    import trafilatura  # imported here: only generic-mode pages without a body selector need it

    try:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=True, deduplicate=False
        )
    except Exception as error:  # a parser failure on hostile markup must not lose the page: our scorer decides
        logger.debug("trafilatura failed on %s: %s", url, error)
        return ""
    return _fold(text or "")


@dataclass
class Vote:
    element: lxml.html.HtmlElement
    f1: float


def votes(doc: lxml.html.HtmlElement, text: str) -> dict[lxml.html.HtmlElement, tuple[int, int]]:
    """(characters inside the opinion's text, all characters) for every element, summed bottom-up.

    A piece of text votes 'inside' only as often as the opinion's text holds it, in document order: a page that
    carries the article twice (a no-script copy, a hidden print version) does not get both copies counted.
    """
    counts: dict[lxml.html.HtmlElement, list[int]] = {}
    used: dict[str, int] = {}
    skipping = 0

    def add(element: lxml.html.HtmlElement, piece: str | None) -> None:
        if not piece or piece.isspace():
            return
        folded = _fold(piece)
        size = len(folded)
        tally = counts[element]
        tally[1] += size
        if size >= _MIN_VOTE:
            seen = used.get(folded, 0)
            found = seen < text.count(folded) if seen else folded in text
            if not found and size >= 2 * _ENDS and not seen:
                # One odd character (a typographic quote, a stray symbol) must not lose a whole paragraph.
                found = folded[:_ENDS] in text and folded[-_ENDS:] in text
            if found:
                used[folded] = seen + 1
                tally[0] += size

    # iterwalk gives document order without recursion (deep legacy table layouts would overflow the stack).
    for event, element in lxml.etree.iterwalk(doc, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if event == "start":
            counts[element] = [0, 0]
            if skipping or element.tag in _SKIP:
                skipping += 1
                continue
            add(element, element.text)
            continue
        parent = element.getparent()
        if skipping:
            skipping -= 1
            if skipping:
                continue
            if parent is not None and parent in counts:
                add(parent, element.tail)
            continue
        if parent is not None and parent in counts:
            parent_tally, own = counts[parent], counts[element]
            parent_tally[0] += own[0]
            parent_tally[1] += own[1]
            add(parent, element.tail)
    return {element: (tally[0], tally[1]) for element, tally in counts.items()}


def _f1(inside: int, total: int, everything: int) -> float:
    if not inside:
        return 0.0
    precision, recall = inside / total, inside / everything
    return 2 * precision * recall / (precision + recall)


def best_element(doc: lxml.html.HtmlElement, counts: dict[lxml.html.HtmlElement, tuple[int, int]]) -> Vote | None:
    """The container whose text matches the opinion's text best (the deeper of equals); None when none does."""
    everything = counts.get(doc, (0, 0))[0]
    best: Vote | None = None
    for element, (inside, total) in counts.items():  # document order: an ancestor comes before its descendants
        if not inside or element.tag not in _CONTAINERS:
            continue
        f1 = _f1(inside, total, everything)
        if best is None or f1 >= best.f1:
            best = Vote(element, f1)
    return best


# Below this match between trafilatura's text and its best element, the opinion is not used.
CONFIDENT = 0.6
# Our own scorer's element stands when it matches the opinion nearly as well as the opinion's best element: that
# one is often a wrapper that also holds the headline and the dateline, which are fields of their own.
AGREEMENT = 0.1
# The share of the opinion's text that our own element inside its choice must hold to stand.
_MOSTLY = 0.6
# Never pruned from the body: the images step reads captions and credits from these.
_KEEP = frozenset("figure figcaption table img picture".split())
# Past this much text the pictured block is a gallery's furniture, not a photo with its caption.
_PICTURE_TEXT = 300


@dataclass
class Opinion:
    """trafilatura's reading of one page: the element it points at, and which of our elements it left out."""

    vote: Vote | None
    counts: dict[lxml.html.HtmlElement, tuple[int, int]]
    everything: int = 0

    @property
    def confident(self) -> bool:
        return self.vote is not None and self.vote.f1 >= CONFIDENT

    def f1(self, element: lxml.html.HtmlElement) -> float:
        """How well `element`'s text matches the opinion's text."""
        inside, total = self.counts.get(element, (0, 0))
        return _f1(inside, total, self.everything)

    def choose(self, ours: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
        """The body element: ours where the opinion is unsure or agrees with it, else the opinion's."""
        if not self.confident:
            return ours
        if ours is None:
            return self.vote.element
        if self.disagrees(ours):
            # The opinion's choice is often a wrapper of ours that adds the headline, the sapo and the meta line
            # (fields of their own): ours stands while it holds most of the opinion's text.
            if not (_within(ours, self.vote.element) and self.recall(ours) >= _MOSTLY):
                return self.vote.element
        if _within(self.vote.element, ours):
            return self.vote.element  # the same text, without the wrapper around it
        return ours

    def recall(self, element: lxml.html.HtmlElement) -> float:
        """The share of the opinion's text that `element` holds."""
        return self.counts.get(element, (0, 0))[0] / self.everything if self.everything else 0.0

    def disagrees(self, element: lxml.html.HtmlElement) -> bool:
        """True when the opinion is sure and `element` matches its text clearly worse than its own choice."""
        return self.confident and self.f1(element) < self.vote.f1 - AGREEMENT

    def too_wide(self, element: lxml.html.HtmlElement) -> bool:
        """A selector's element that holds the opinion's choice and clearly more (a look-alike template's wrapper
        with the comments and ratings); one inside the opinion's choice is only tighter, and stands."""
        if not self.disagrees(element):
            return False
        return not _within(element, self.vote.element)

    def left_out(self, body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
        """Blocks inside `body` with text and not one character of it in the opinion's text: the related-story
        teasers, newsletter boxes and sign-offs a template puts among the paragraphs. Images, figures, tables
        and labelled lines ('Tác giả: …', 'Nguồn: …') stay: the steps after read them as data."""
        if not self.confident:
            return []
        found: list[lxml.html.HtmlElement] = []
        stack = [c for c in body if isinstance(c.tag, str)]
        while stack:
            element = stack.pop()
            inside, total = self.counts.get(element, (0, 0))
            if inside:
                stack.extend(c for c in element if isinstance(c.tag, str))
            elif total >= _MIN_VOTE and not _labelled(element):
                pictured = element.tag in _KEEP or element.find(".//img") is not None
                if any(a.tag in _KEEP for a in element.iterancestors()):
                    continue
                # A photo with its caption stays for the images step; a gallery's worth of text around photos
                # (captions twice over, 'Image', 'Caption', 'Close') that the opinion did not read goes.
                if not pictured or total > _PICTURE_TEXT:
                    found.append(element)
        return found


def _within(element: lxml.html.HtmlElement, ancestor: lxml.html.HtmlElement) -> bool:
    """Whether `element` lies inside `ancestor` (not the same element)."""
    return any(a is ancestor for a in element.iterancestors())


def _labelled(element: lxml.html.HtmlElement) -> bool:
    text = element_text(element)
    return len(text) <= 160 and labelled_line(text) is not None


def read(doc: lxml.html.HtmlElement, html: str, url: str | None = None) -> Opinion:
    """trafilatura's opinion of the page, mapped onto `doc`."""
    text = opinion_text(html, url)
    if not text:
        return Opinion(None, {})
    counts = votes(doc, text)
    return Opinion(best_element(doc, counts), counts, counts.get(doc, (0, 0))[0])
