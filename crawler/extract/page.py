"""The article page object: one method per field, family selectors first, generic rules behind them.

Like a web-poet page object, :class:`ArticlePage` is a plain class over (html, url, rules); the spider turns it
into an item and the pipelines refine that item (captions, author, dates). It locates things; it does not judge
dates or split captions from the body: that is the pipelines' work, so `reparse` re-runs it from stored pages.
"""

from __future__ import annotations

import copy
import re
from functools import cached_property
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.dates import date_from_url
from crawler.extract import generic, opinion
from crawler.extract.authors import labelled_line, person_name, signature_name
from crawler.extract.boilerplate import navigation_blocks
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.extract.selectors import first_text, select
from crawler.extract.structured import (
    declares_article,
    jsonld_article,
    jsonld_author,
    jsonld_objects,
    meta_content,
)
from crawler.html import (
    absolutize,
    element_text,
    paragraphs,
    parse_document,
    remove_keep_tail,
    to_html,
    wrap_loose_lines,
)
from crawler.items import ArticleItem
from crawler.text import clean_text, repair_mojibake
from crawler.urls import canonical_url, identity

_DATE_LIKE = re.compile(
    r"\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+tháng\s+\d{1,2}|"
    r"tháng\s+\w+\s+\d{1,2},?\s+\d{4}",
    re.IGNORECASE,
)
_TIME_LIKE = re.compile(r"\d{1,2}\s*(?::|h|giờ)\s*\d{0,2}(?:\s*(?:phút|SA|CH|AM|PM))?|\d{4}", re.I)
_DATELINE_WORDS = 40
_TODAY = re.compile(r"\s*(hôm nay|ngày hôm nay|today)\b", re.I)
_HEAD_TEXT = 200
# Section names are short; a headline that a 'Tin mới' box links too is longer than this.
_SECTION_NAME = 50
_REGISTER_ROWS = 3
# Elements that may hold the headline, the dateline or the sapo inside the body, taken out of it there.
_DROPPABLE = frozenset("h1 h2 h3 div p span time i em b strong font small td".split())
_DATE_CLASS = re.compile(r"date|time|ngay|publish|created|posted|thoi-?gian|meta|info|detail-?time", re.I)
_VIEW_COUNT = re.compile(
    r"(?:lượt\s+xem|lượt\s+đọc|số\s+lượt\s+xem|số\s+lần\s+xem|đã\s+xem|views?)\s*:?\s*(\d[\d.,]*)", re.I
)
_ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|zip|rar|7z)(?:$|\?)", re.I)
_READ_MORE = re.compile(r"^(xem thêm|xem tiếp|đọc tiếp|chi tiết|read more)\b", re.IGNORECASE)
_BREADCRUMB = re.compile(r"breadcrumb|duong-?dan|path-?way|navigation-?path", re.I)
_SKIP_IN_TITLE = ("header", "nav", "footer", "aside")
_BYLINE_CLASS = re.compile(r"(^|[\s_-])(author|byline|by-line|tac-?gia|tacgia|nguoi-?viet)([\s_-]|$)", re.I)


_HEADLINE_CLASS = re.compile(
    r"(^|[\s_-])(title|tieu-?de|tieude|headline|heading|articleheader|article-?header|news-?title|post-?title|"
    r"entry-?title|detail-?title|title-?detail|news-?name|ten-?bai)([\s_-]|$)",
    re.IGNORECASE,
)
_NOT_HEADLINE_CLASS = re.compile(
    r"sub-?title|related|other|list|widget|sidebar|menu|box-?title|block-?title|module-?title|portlet|cate", re.I
)
# Whole class words of the side columns that hold boxes ('Thống kê truy cập', 'Liên kết website'), never a headline.
_SIDE_WORDS = frozenset("sidebar side-bar sidebar-left sidebar-right widget widget-area aside".split())
_LARGE_FONT = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)(px|pt)", re.I)


def _lead_key(text: str) -> str:
    """The first words of a lead, folded: a page's description is its sapo, sometimes cut short."""
    return " ".join((clean_text(text) or "").casefold().split()[:12])


def _heading_like(element: lxml.html.HtmlElement) -> bool:
    """h1–h3, an element classed or marked as a headline, or a block set in large bold type."""
    tag = element.tag
    words = f"{element.get('class', '')} {element.get('id', '')}"
    if tag in ("h1", "h2", "h3"):
        return tag == "h1" or not _NOT_HEADLINE_CLASS.search(words)  # an h2 'block-title' names a side box
    if tag not in ("div", "span", "td", "p", "strong", "b", "font", "h4", "a"):
        return False
    if element.get("itemprop") == "headline":
        return True
    if _HEADLINE_CLASS.search(words) and not _NOT_HEADLINE_CLASS.search(words):
        return len(element) < 4  # a headline holds text, not a box of blocks
    style = (element.get("style") or "").replace(" ", "").lower()
    size = _LARGE_FONT.search(style)
    if size and float(size.group(1)) >= (16 if size.group(2).lower() == "px" else 12):
        return "bold" in style or "font-weight:700" in style or tag in ("strong", "b")
    return False


_BANNER = re.compile(r"(^|[\s_-])(header|banner|logo|brand|masthead|top-?bar|site-?name|ten-?don-?vi)([\s_-]|$)", re.I)


# Whole class or id words of the page's frame ('footer', 'site-footer'; not 'bottom-offset' or 'article-header').
_FRAME_WORDS = frozenset(
    "footer site-footer page-footer main-footer footer-wrap bottom-footer copyright banquyen ban-quyen "
    "header site-header main-header top-header".split()
)


def _in_page_frame(element: lxml.html.HtmlElement) -> bool:
    """The page's frame: a <footer>, <header>, <nav> or <aside>, or a block classed as footer or header."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("footer", "header", "nav", "aside"):
            return True
        words = f"{node.get('class', '')} {node.get('id', '')}".lower().split()
        if node.tag not in ("body", "html") and _FRAME_WORDS.intersection(words):
            return True
    return False


def _in_banner(element: lxml.html.HtmlElement) -> bool:
    """An <h1> in the page's banner (the office's name over every page), or one holding the logo."""
    if element.find(".//img") is not None:
        return True
    return any(_BANNER.search(f"{a.get('class', '')} {a.get('id', '')}") for a in (element, *element.iterancestors()))


def _ancestors(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    chain = []
    node = element
    while node is not None:
        chain.append(node)
        node = node.getparent()
    return chain


def _common_ancestor(a: lxml.html.HtmlElement, b: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    seen = set(_ancestors(a))
    for node in _ancestors(b):
        if node in seen:
            return node
    return b


class ArticlePage:
    """Fields of one page, located with a family's rules (or none)."""

    def __init__(
        self, html: str, url: str, rules: FamilyRules = GENERIC, site_names: tuple[str, ...] = ()
    ) -> None:
        # UTF-8 read as Latin-1 and saved again ('Táº­p huáº¥n'), declared as UTF-8: repaired before anything reads
        # the page, since the headline, the dateline words and the second opinion all need the real letters.
        self.html = repair_mojibake(html)
        self.url = url
        self.rules = rules
        self.site_names = site_names
        self._selected: dict[str, list[lxml.html.HtmlElement]] = {}

    def _select(self, selector: str) -> list[lxml.html.HtmlElement]:
        """The profile selector's matches in the document, found once: several fields and is_article() ask
        for the same selectors, and nothing here changes the parsed document (body_html works on a copy)."""
        found = self._selected.get(selector)
        if found is None:
            found = self._selected[selector] = select(self.doc, selector)
        return found

    # -- structure -------------------------------------------------------------------------------------------
    @cached_property
    def doc(self) -> lxml.html.HtmlElement:
        return parse_document(self.html)

    @cached_property
    def jsonld(self) -> dict:
        return jsonld_article(self.doc)

    @cached_property
    def title_element(self) -> lxml.html.HtmlElement | None:
        for element in self._select(self.rules.article_title):
            if element_text(element):
                return element
        return self._generic_title()

    def _generic_title(self) -> lxml.html.HtmlElement | None:
        """The headline among heading-like elements before the body (or atop it): one that repeats the page's
        <title> or og:title first, then <h1>s, then the nearest to the body. Portals keep <h1> for the office's
        banner and put the headline in a styled <div> or <td> ('ArticleHeader', 'news-title', bold 18px), and
        their <title> is often only the portal's name: nearness to the body is what all of them share."""
        stated = [(clean_text(t) or "").casefold() for t in generic.stated_titles(self.doc)]
        body = self.body_element
        inside = set(body.iter()) if body is not None else set()
        entered = False
        best, best_score = None, 0.0
        for position, element in enumerate(self.doc.iter()):
            if not isinstance(element.tag, str):
                continue
            if element in inside:
                entered = True
                if element.tag in ("p", "div") and not len(element) and len(element_text(element)) >= 150:
                    break  # the article's prose has begun: no headline below it
            elif entered:
                break  # past the body: 'Tin liên quan' and the sidebar's headings
            if not _heading_like(element):
                continue
            text = clean_text(element_text(element)) or ""
            if not (15 if element.tag != "h1" else 8) <= len(text) <= 300:
                continue  # 'Tin tức' is a section heading, not a headline
            if any(a.tag in _SKIP_IN_TITLE for a in element.iterancestors()) or self._links_away(element):
                continue
            if element not in inside and any(
                _SIDE_WORDS.intersection(f"{a.get('class', '')} {a.get('id', '')}".lower().split())
                for a in element.iterancestors()
            ):
                continue
            if len(text) <= _SECTION_NAME and text.casefold() in self._link_texts:
                continue  # 'Tin tức - Sự kiện' is also a menu or breadcrumb link: a section's name, not a headline
            words = f"{element.get('class', '')} {element.get('id', '')}"
            if generic.LEAD_CLASS.search(words):
                continue  # '<h2 class="sapo">' is the lead set in a heading
            repeats = any(generic.repeats_title(title, text.casefold()) for title in stated)
            # Nearness breaks ties: of two equal kinds, the later (nearer the body) wins.
            kind = 2.0 if element.tag == "h1" and not _in_banner(element) else 1.0
            if element.get("itemprop") == "headline" or _HEADLINE_CLASS.search(words):
                kind += 0.5  # marked as the headline: over a bare <h2> or bold line
            score = 4.0 * repeats + kind + position * 1e-7
            if score > best_score:
                best, best_score = element, score
        if best_score < 2 and meta_content(self.doc, "og:title", "twitter:title"):
            return None  # only section headings ('Tin tức - Sự kiện') on a page that states its title in og:title
        return best

    def _elsewhere(self, a: lxml.html.HtmlElement) -> str | None:
        """The canonical URL a link leads to when that is another page than this one; None otherwise."""
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            return None
        target = canonical_url(urljoin(self.url, href))
        return target if target != canonical_url(self.url) else None

    @cached_property
    def _link_texts(self) -> frozenset[str]:
        """The texts of the page's links to other pages (menus, breadcrumbs, sidebars), folded."""
        return frozenset(
            (clean_text(element_text(a)) or "").casefold() for a in self.doc.iter("a") if self._elsewhere(a)
        )

    def _links_away(self, element: lxml.html.HtmlElement) -> bool:
        """A heading that links to another page is a listing's item, not this page's headline."""
        anchors = list(element.iter("a"))
        parent = element.getparent()
        if parent is not None and parent.tag == "a":
            anchors.append(parent)
        return any(self._elsewhere(a) for a in anchors)

    @cached_property
    def body_element(self) -> lxml.html.HtmlElement | None:
        for element in self._select(self.rules.article_body):
            if element_text(element) or element.find(".//img") is not None:
                if self.rules.check_body and self.opinion.too_wide(element):
                    break
                return element
        found = self.opinion.choose(generic.find_main_content(self.doc))
        if found is not None and _in_page_frame(found):
            return None  # the page's only prose is its footer (address, copyright): a page with no article
        return found

    @cached_property
    def opinion(self) -> opinion.Opinion:
        """trafilatura's reading of the page (crawler/extract/opinion.py); asked only when no selector found a body."""
        return opinion.read(self.doc, self.html, self.url)

    @cached_property
    def region(self) -> lxml.html.HtmlElement:
        """The part of the page that holds this article: title, date line, body; not the site's header."""
        body, title = self.body_element, self.title_element
        if body is not None and title is not None:
            return _common_ancestor(body, title)
        if body is not None:
            parent = body.getparent()
            return parent if parent is not None else body
        return self.doc

    @cached_property
    def article_blocks(self) -> list[lxml.html.HtmlElement]:
        """The article's region and the few blocks right after it, where CMSs put the view counter and the
        attachment box ('Tập tin đính kèm'); never the sidebar, which is a sibling further up."""
        blocks = [self.region]
        node = self.region
        for _ in range(3):  # a wrapper with nothing after it: look after the wrapper instead
            sibling = node.getnext()
            while sibling is not None and len(blocks) < 4:
                if isinstance(sibling.tag, str):
                    blocks.append(sibling)
                sibling = sibling.getnext()
            node = node.getparent()
            if len(blocks) > 1 or node is None or node.tag in ("body", "html"):
                break
        return blocks

    # -- fields ----------------------------------------------------------------------------------------------
    def canonical_url(self) -> str:
        """rel=canonical when it names another page of the same site that is not its home page."""
        # A walk over the <link> tags: an XPath string would be compiled again for every page.
        links = self.doc.getroottree().iter("link")
        for href in [link.get("href") for link in links if link.get("rel") == "canonical"]:
            if href is None:
                continue
            candidate = urljoin(self.url, href.strip())
            parts = urlsplit(candidate)
            if parts.scheme in ("http", "https") and parts.path not in ("", "/") and (
                urlsplit(self.url).hostname or ""
            ).removeprefix("www.") == (parts.hostname or "").removeprefix("www."):
                return canonical_url(candidate, self.rules.keep_params)
        return canonical_url(self.url, self.rules.keep_params)

    def identity(self) -> str | None:
        return identity(self.url, self.rules.identity)

    def title(self) -> str | None:
        return self._title

    @cached_property
    def _title(self) -> str | None:
        # Found once: is_article(), category() and page_item all ask.
        if self.title_element is not None:
            return clean_text(element_text(self.title_element))
        headline = self.jsonld.get("headline")
        if isinstance(headline, str) and headline.strip():
            return clean_text(headline)
        for candidate in generic.page_title_candidates(self.doc):
            return clean_text(generic.strip_site_name(candidate, self.site_names))
        return None

    @cached_property
    def summary_element(self) -> lxml.html.HtmlElement | None:
        for element in self._select(self.rules.article_summary):
            if element_text(element):
                return element
        if self.rules.article_summary and not self.rules.check_body:
            return None  # the profile knows where its sapo is; a detected look-alike family may not
        # Generic: a block the template marks as the lead (sapo, hometext, news-des …) beside the title or atop
        # the body, or the block that says what the page's description says (the sapo is what editors put there).
        body = self.body_element
        described = _lead_key(meta_content(self.doc, "og:description", "description") or "")
        for element in self.region.iter("div", "p", "h2", "section", "span"):
            words = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
            text = element_text(element)
            classed = bool(generic.LEAD_CLASS.search(words))
            if not classed and not (described and len(text) >= 60 and _lead_key(text) == described):
                continue
            if body is not None and element is body:
                continue
            if body is not None and body in set(element.iterancestors()):
                # Atop the body only a block marked as the lead is one: an unmarked first paragraph that the
                # description repeats is the body's own beginning.
                if not classed or element not in self._body_head:
                    continue
            if 40 <= len(text) <= 1000 and element.find(".//a") is None:
                return element
        return None

    def summary(self) -> str | None:
        if self.summary_element is not None:
            return clean_text(" ".join(paragraphs(self.summary_element)))
        return None

    @cached_property
    def date_elements(self) -> list[lxml.html.HtmlElement]:
        found = [e for e in self._select(self.rules.article_date) if element_text(e)]
        if found or self.rules.article_date:
            return found[:1]
        return self._generic_date_elements()

    def _generic_date_elements(self) -> list[lxml.html.HtmlElement]:
        """Short date-like lines in the article's region, outside the body or atop it (the legacy layouts' one
        cell holds headline, '(Cập nhật: …)' and prose), nearest the title first."""
        body = self.body_element
        inside_body = set(body.iter()) if body is not None else set()
        inside_body -= self._body_head
        found: list[lxml.html.HtmlElement] = []
        for element in self.region.iter():
            if not isinstance(element.tag, str) or element in inside_body or element.tag in ("script", "style"):
                continue
            if any(a.tag in ("a", "nav", "header", "footer", "ul", "li") for a in _ancestors(element)[:4]):
                continue  # dates in lists of other articles and menus are not this article's
            text = element_text(element)
            if not text or len(text) > 120 or not _DATE_LIKE.search(text):
                continue
            if _TODAY.match(text):
                continue  # 'Hôm nay: Thứ Năm, 03/12/2026' is the header's clock
            # A dateline is the date and a few words ('Ngày đăng:', a weekday, the time); a sentence or another
            # article's headline that holds a date ('THÔNG BÁO … (29.07.2024)') is not.
            if len(_TIME_LIKE.sub("", _DATE_LIKE.sub("", text)).strip(" |-–:,()")) > _DATELINE_WORDS:
                continue
            # The smallest element that holds the date: skip one whose child holds the same text.
            if any(element_text(c) == text for c in element):
                continue
            if _DATE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}") or len(text) < 60:
                found.append(element)
        return found[:2]

    @cached_property
    def _body_head(self) -> set[lxml.html.HtmlElement]:
        """The body's elements above its prose (less than a sentence of text before them)."""
        head: set[lxml.html.HtmlElement] = set()
        body = self.body_element
        if body is None or self.looks_like_listing():
            return head  # atop a listing sits the first item's date, not this page's
        seen = 0
        for element in body.iterdescendants():
            if not isinstance(element.tag, str):
                continue
            seen += len((element.text or "").strip())
            if seen >= _HEAD_TEXT:
                break
            head.add(element)
            seen += len((element.tail or "").strip())
        return head

    def date_candidates(self) -> list[tuple[str, str]]:
        """(source, raw text) pairs in the documented order; the dates pipeline chooses among them."""
        return list(self._date_candidates)  # a copy: page_item inserts the listing's date into it

    @cached_property
    def _date_candidates(self) -> tuple[tuple[str, str], ...]:
        # Found once: is_article() and page_item both ask.
        out: list[tuple[str, str]] = []
        published = self.jsonld.get("datePublished")
        if isinstance(published, str) and published.strip():
            out.append(("jsonld", published.strip()))
        meta = meta_content(
            self.doc, "article:published_time", "og:published_time", "datePublished", "pubdate",
            "publishdate", "publish-date", "dc.date.issued", "DC.date.issued", "date",
        )
        if meta:
            out.append(("meta", meta))
        for time_el in _dated_times(self.region):
            if "updated" in (time_el.get("class") or "") or "modified" in (time_el.get("class") or ""):
                continue
            out.append(("time", time_el.get("datetime", "").strip()))
            break
        for element in self.date_elements:
            out.append(("page", element_text(element)))
        url_date = date_from_url(self.url)
        if url_date:
            out.append(("url", url_date.isoformat()))
        return tuple(out)

    def updated_raw(self) -> str | None:
        modified = self.jsonld.get("dateModified")
        if isinstance(modified, str) and modified.strip():
            return modified.strip()
        meta = meta_content(self.doc, "article:modified_time", "og:updated_time", "dateModified")
        if meta:
            return meta
        if self.rules.article_updated:
            return first_text(self.doc, self.rules.article_updated)
        for time_el in _dated_times(self.region):
            if "updated" in (time_el.get("class") or "") or "modified" in (time_el.get("class") or ""):
                return time_el.get("datetime", "").strip()
        return None

    def lead_figures(self) -> list[lxml.html.HtmlElement]:
        """The lead photo some templates set above the body (NukeViet's figure.article): the family's selector, or
        in generic mode a <figure> between the title and the body that links nowhere else."""
        if self.rules.lead_image:
            return list(self._select(self.rules.lead_image))
        body, title = self.body_element, self.title_element
        if body is None or title is None:
            return []
        found = []
        seen_title = False
        for element in self.region.iter():
            if element is title:
                seen_title = True
            elif element is body:
                break
            elif seen_title and element.tag == "figure" and element.find(".//img") is not None:
                if not any((a.get("href") or "").strip() for a in element.iter("a")):
                    found.append(element)
        return found

    def body_html(self) -> str:
        """The article body as found (lead image first), links absolute; cleaning happens in the pipelines."""
        body = self.body_element
        if body is None:
            return ""
        # The second opinion is asked only where no selector found the body: a profile's body is not pruned.
        left_out = set(self.opinion.left_out(body)) if "opinion" in self.__dict__ else set()
        original = body
        body = copy.deepcopy(body)
        # What the second opinion left out of the body is furniture among the paragraphs.
        for source, element in list(zip(original.iter(), body.iter(), strict=True)):
            if source in left_out:
                remove_keep_tail(element)
        # The title, date line and sapo are fields of their own, never body text.
        drop = [self.title_element, self.summary_element, *self.date_elements]
        drop_texts = {element_text(e) for e in drop if e is not None}
        for element in list(body.iter()):
            if element is body or not isinstance(element.tag, str):
                continue
            if element.getparent() is None:
                continue
            if element.tag in _DROPPABLE and element_text(element) in drop_texts:
                remove_keep_tail(element)
        leads = [copy.deepcopy(e) for e in self.lead_figures()]
        wrapper = lxml.html.fragment_fromstring("<div></div>")
        for lead in leads:
            wrapper.append(lead)
        wrapper.append(body)
        wrap_loose_lines(wrapper)
        absolutize(wrapper, self.url)
        # Lazy images keep the real address in data-src/srcset; make it the src before anything else looks.
        for img in wrapper.iter("img"):
            real = _real_image_src(img)
            if real:
                img.set("src", urljoin(self.url, real))
        return to_html(wrapper)

    def category(self) -> str | None:
        if self.rules.article_category:
            elements = [e for e in self._select(self.rules.article_category) if element_text(e)]
            if elements:
                return clean_text(element_text(elements[-1]))
        section = self.jsonld.get("articleSection") or meta_content(self.doc, "article:section")
        if isinstance(section, list):
            section = section[0] if section else None
        if isinstance(section, str) and section.strip():
            return clean_text(section)
        title = self.title()
        for element in self.doc.iter("ol", "ul", "div", "nav", "p"):
            if not _BREADCRUMB.search(f"{element.get('class', '')} {element.get('id', '')}"):
                continue
            links = [element_text(a) for a in element.iter("a")]
            links = [t for t in links if t and t != title and t.casefold() not in ("trang chủ", "home")]
            if links:
                return clean_text(links[-1])
        return None

    def view_count(self) -> int | None:
        if self.rules.article_view_count:
            text = first_text(self.doc, self.rules.article_view_count)
            digits = re.sub(r"\D", "", text or "")
            if digits:
                return int(digits)
        for scope in self.article_blocks:
            match = _VIEW_COUNT.search(element_text(scope))
            if match:
                digits = re.sub(r"\D", "", match.group(1))
                return int(digits) if digits else None
        return None

    @cached_property
    def trailing_labels(self) -> dict[str, str]:
        """'Tác giả: …' and 'Nguồn tin: …' lines set just after the body (NukeViet and many others put them there)."""
        found: dict[str, str] = {}
        node = self.body_element
        for _ in range(3):  # the body's following siblings, then its parent's
            if node is None:
                break
            sibling = node.getnext()
            for position in range(3):
                if sibling is None:
                    break
                if isinstance(sibling.tag, str):
                    for line in paragraphs(sibling):
                        if len(line) <= 160:
                            labelled = labelled_line(line)
                            if labelled:
                                found.setdefault(*labelled)
                    # The signature set right after the body's box ('<p align="right"><b>Mai Anh</b></p>').
                    name = signature_name(sibling) if position == 0 and "author" not in found else None
                    if name:
                        found["author"] = name
                sibling = sibling.getnext()
            if found:
                break
            node = node.getparent()
        return found

    def author_hint(self) -> str | None:
        """An author the page states outside the body: a labelled line after it, the family's author element,
        JSON-LD, meta author."""
        if "author" in self.trailing_labels:
            return self.trailing_labels["author"]
        above = self._labelled_above_body()
        if above:
            return above
        if self.rules.article_author:
            found = first_text(self.doc, self.rules.article_author)
            if found:
                return found
        byline = self._byline_element()
        if byline is not None:
            return element_text(byline)
        name = jsonld_author(self.jsonld, jsonld_objects(self.doc)) if self.jsonld else None
        if name:
            return name
        return meta_content(self.doc, "author", "article:author", "dc.creator")

    def _labelled_above_body(self) -> str | None:
        """A labelled byline in the meta line between the headline and the body ('Gửi bởi X vào 23-09-2026',
        'Đăng bởi X | 08:30'), as blogs and Drupal themes print it."""
        body = self.body_element
        for element in self.region.iter():
            if element is body:
                break
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            text = element_text(element)
            if not text or len(text) > 160 or any(element_text(c) == text for c in element):
                continue
            labelled = labelled_line(text)
            if labelled and labelled[0] == "author" and person_name(labelled[1]):
                return labelled[1]
        return None

    def _byline_element(self) -> lxml.html.HtmlElement | None:
        """A byline the template marks as such near the article (class or itemprop 'author', 'byline', 'tac-gia',
        rel=author), innermost first: shown to readers, so it beats a site-wide meta author."""
        for block in self.article_blocks:
            for element in block.iter():
                if not isinstance(element.tag, str):
                    continue
                marks = f"{element.get('class', '')} {element.get('itemprop', '')} {element.get('rel', '')}"
                if not _BYLINE_CLASS.search(marks):
                    continue
                text = element_text(element)
                if text and len(text) <= 120 and person_name(text.split(":", 1)[-1]):
                    return element
        return None

    def source_hint(self) -> str | None:
        if "source" in self.trailing_labels:
            return self.trailing_labels["source"]
        if self.rules.article_source:
            return first_text(self.doc, self.rules.article_source)
        return None

    def attachments(self) -> list[dict[str, str]]:
        """Documents the article links to (PDF, Word, Excel …) with their link text, in page order."""
        seen: set[str] = set()
        found: list[dict[str, str]] = []
        anchors = [a for block in self.article_blocks for a in block.iter("a")]
        for a in anchors:
            href = (a.get("href") or "").strip()
            if not href or not _ATTACHMENT.search(urlsplit(href).path + "?"):
                continue
            url = urljoin(self.url, href)
            if url in seen:
                continue
            seen.add(url)
            title = element_text(a) or a.get("title") or urlsplit(url).path.rsplit("/", 1)[-1]
            found.append({"url": url, "title": clean_text(title) or url})
        return found

    # -- classification ---------------------------------------------------------------------------------------
    def looks_like_listing(self) -> bool:
        """Listing signals: a linked headline as the title, several headline links inside the 'body', or a
        register of documents (table rows, each with a date and a link: 'Văn bản chỉ đạo điều hành')."""
        return self._listing

    @cached_property
    def _listing(self) -> bool:
        # Judged once: is_article(), the body's head and the short-news rule all ask.
        return self._is_register() or self._links_like_listing()

    def _is_register(self) -> bool:
        body = self.body_element
        if body is None:
            return False
        whole = len(element_text(body)) or 1
        for table in body.iter("table"):
            dated_rows = sum(
                1 for row in table.iter("tr") if row.find(".//a") is not None and _DATE_LIKE.search(element_text(row))
            )
            # An announcement may list its documents in a table too: a register is a table that is the page.
            if dated_rows >= _REGISTER_ROWS and len(element_text(table)) >= 0.6 * whole:
                return True
        return False

    def _links_like_listing(self) -> bool:
        title = self.title_element
        if title is not None and any(self._elsewhere(a) for a in title.iter("a")):
            return True  # a linked headline as the title
        body = self.body_element
        if body is None:
            return False
        here = canonical_url(self.url)
        targets: set[str] = set()
        navigation = navigation_blocks(body)  # 'Các tin khác' under an article is no sign of a listing
        for a in body.iter("a"):
            if a in navigation:
                continue
            text, href = element_text(a), (a.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")) or _ATTACHMENT.search(href + "?"):
                continue
            target = canonical_url(urljoin(self.url, href))
            if target == here or text.startswith(("http://", "https://", "www.")):
                continue
            parent = a.getparent()
            if parent is not None and parent.tag in ("h2", "h3", "h4") and element_text(parent) == text:
                return True  # a linked headline: an item of a blog or category page
            if _READ_MORE.match(text):
                return True
            if len(text) >= 20:
                targets.add(target)
        return len(targets) >= 2

    def is_article(self, strict: bool = False, listed_date: bool = False) -> bool:
        """True for a news article page; false for listings, contact, tag, search and document pages.

        With a site profile the family's selectors and the listing that linked here vouch for the page; in
        generic mode (`strict`) a page must also carry a date and show no listing signals: an undated
        'Giới thiệu' page is not news, and a category blog is not an article. `listed_date`: the listing that
        linked here showed a date beside the link, which dates a page that shows none itself (many school
        sites date their news only on the listings).
        """
        rules = self.rules
        if rules.article_url_re is not None and not rules.article_url_re.search(self.url):
            return False
        body = self.body_element
        if body is None or not self.title():
            return False
        text = " ".join(paragraphs(body))
        dated = listed_date or bool(self.date_candidates()) or declares_article(self.doc)
        if strict and (not dated or self.looks_like_listing()):
            return False
        if rules.article_body and self._select(rules.article_body) and rules.article_title and self._select(
            rules.article_title
        ):
            return bool(text) or body.find(".//img") is not None
        if self.looks_like_listing():
            return False  # the family's selectors did not vouch for it, and it reads as a listing
        density = generic.link_density(body)
        # Short news (a school's three-paragraph report) is news when the page gives it a headline of its own.
        long_enough = len(text) >= 300 or (
            len(text) >= 120 and (declares_article(self.doc) or self.title_element is not None)
        )
        return long_enough and density < 0.35 and dated


def _dated_times(region: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The <time datetime=…> elements inside region (what './/time[@datetime]' finds, without compiling it)."""
    return [t for t in region.iterdescendants("time") if t.get("datetime") is not None]


def _real_image_src(img: lxml.html.HtmlElement) -> str | None:
    for attr in ("data-src", "data-original", "data-lazy-src", "data-url", "data-lazy"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    srcset = img.get("data-srcset") or img.get("srcset")
    src = (img.get("src") or "").strip()
    if srcset and (not src or src.startswith("data:") or "placeholder" in src or "blank" in src):
        best, best_width = None, -1
        for part in srcset.split(","):
            bits = part.strip().split()
            if not bits:
                continue
            width = int(re.sub(r"\D", "", bits[1]) or 0) if len(bits) > 1 else 0
            if width > best_width:
                best, best_width = bits[0], width
        return best
    return None


def page_item(
    page: ArticlePage,
    site: str,
    fetched_at: str,
    urls: tuple[str, ...] = (),
    listing_date: str | None = None,
) -> ArticleItem:
    """The raw item of an article page: what the page states, before the pipelines refine it."""
    canonical = page.canonical_url()
    seen = [canonical_url(u, page.rules.keep_params) for u in (*urls, page.url)]
    all_urls = list(dict.fromkeys([canonical, *seen]))
    candidates = page.date_candidates()
    if listing_date:
        # The listing's date ranks after the page's own date elements and before body datelines and the URL.
        position = next((i for i, (source, _) in enumerate(candidates) if source == "url"), len(candidates))
        candidates.insert(position, ("listing", listing_date))
    return ArticleItem(
        url=canonical,
        site=site,
        fetched_url=page.url,
        urls=all_urls,
        identity=page.identity(),
        title=page.title(),
        summary=page.summary(),
        category=page.category(),
        body_html=page.body_html(),
        view_count=page.view_count(),
        fetched_at=fetched_at,
        attachments=page.attachments(),
        date_candidates=candidates,
        updated_raw=page.updated_raw(),
        author_hint=page.author_hint(),
        source_hint=page.source_hint(),
    )
