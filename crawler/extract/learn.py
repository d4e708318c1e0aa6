"""Learn a site's template from its own article pages: pure, HTML and URLs in, family rules out.

A site crawled without a profile teaches the crawler its template. For each field the generic page object locates
an element on every article page; the class- or id-based CSS selector that picks out that same element, and only
it, on most pages is the site's selector for the field. What repeats inside the bodies of most pages is furniture.
The article URLs say which pattern articles follow and which query parameter identifies one.

Conservative by construction: a selector is kept only when re-extracting the pages with it gives the generic
extraction's value on at least AGREE_SHARE of them, so learning never makes a site worse; the figures are kept
with the profile. The result is plain family data (`FamilyRules.from_mapping` keys), so `ArticlePage` uses it
unchanged and a learned selector that finds nothing on a page falls back to the generic rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import lxml.html

from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.extract.selectors import select
from crawler.html import element_text
from crawler.steps import refine
from crawler.urls import IdentityRule

MIN_PAGES = 5  # fewer article pages teach nothing reliable
MAX_PAGES = 40  # a sample is enough: a template repeats
MATCH_SHARE = 0.8  # a selector matches exactly the generic element on this share of the pages...
AGREE_SHARE = 0.9  # ...and re-extraction with it agrees with the generic values on this share
FURNITURE_SHARE = 0.6  # a text block on this share of the pages is the template's
URL_SHARE = 0.95  # an article URL pattern covers this share of the article URLs
# Field -> the family key its selector goes in.
FIELDS = {
    "title": "article_title",
    "date": "article_date",
    "author": "article_author",
    "summary": "article_summary",
    "body": "article_body",
}
_STABLE_NAME = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_NUMBERED = re.compile(r"\d{3,}")  # 'post-1247', 'attachment_1248': one page's, not the template's
_ID_IN_PATH = (r"-(\d+)\.html?$", r"/(\d+)\.html?$", r"/(\d+)/?$")
_FETCHED_AT = "2000-01-01T00:00:00+00:00"
_HEADINGS = ("h1", "h2", "h3", "h4", "div", "span", "p", "td")


@dataclass
class LearnedProfile:
    """What a site's pages taught: family keys for FamilyRules.from_mapping, and the evidence."""

    pages: int
    rules: dict[str, Any] = field(default_factory=dict)
    # Field -> {"selector", "matched" (share of pages where it picks the generic element), "agree" (share where the
    # re-extracted value equals the generic one), "kept"}.
    agreement: dict[str, dict[str, Any]] = field(default_factory=dict)
    furniture: list[str] = field(default_factory=list)
    ignored_params: list[str] = field(default_factory=list)

    def family_rules(self) -> FamilyRules:
        return learned_rules(self.selectors())

    def selectors(self) -> dict[str, Any]:
        """The rules as a site's [site.selectors] table (flat family keys; identity as a list of tables)."""
        out = dict(self.rules)
        if "identity" in out:
            out["identity"] = [dict(rule) for rule in out["identity"]]
        return out


def learned_rules(selectors: Mapping[str, Any]) -> FamilyRules:
    """The rules a crawl uses for a learned profile: its keys over the generic rules (which fill every gap)."""
    return FamilyRules.from_mapping({"name": "learned", **selectors}, base=GENERIC)


# -- elements and selectors ------------------------------------------------------------------------------------
def _author_element(page: ArticlePage) -> lxml.html.HtmlElement | None:
    """The innermost element of the article showing the author the page states (the page object gives text)."""
    hint = page.author_hint()
    if not hint:
        return None
    found = None
    for block in page.article_blocks:
        for element in block.iter():
            if isinstance(element.tag, str) and hint in element_text(element) and len(element_text(element)) <= len(
                hint
            ) + 30:
                found = element  # document order: a later match lies inside the earlier one
    return found


def _title_shown(page: ArticlePage) -> lxml.html.HtmlElement | None:
    """The heading that shows the headline, when the page object took the headline from metadata (JSON-LD,
    og:title) because the heading sits where it does not look (a <header>, say)."""
    title = (page.title() or "").casefold()
    if not title:
        return None
    for tag in _HEADINGS:
        for element in page.doc.iter(tag):
            if element_text(element).casefold() == title:
                return element
    return None


def located(page: ArticlePage) -> dict[str, lxml.html.HtmlElement | None]:
    """The element the generic page object chose for each field (for the headline, the one that shows it)."""
    dates = page.date_elements
    return {
        "title": page.title_element if page.title_element is not None else _title_shown(page),
        "date": dates[0] if dates else None,
        "author": _author_element(page),
        "summary": page.summary_element,
        "body": page.body_element,
    }


def _names(element: lxml.html.HtmlElement) -> tuple[str | None, list[str]]:
    ident = element.get("id")
    ident = ident if ident and _STABLE_NAME.match(ident) and not _NUMBERED.search(ident) else None
    classes = [c for c in (element.get("class") or "").split() if _STABLE_NAME.match(c) and not _NUMBERED.search(c)]
    return ident, classes


def candidates(element: lxml.html.HtmlElement) -> list[str]:
    """Class- and id-based CSS selectors that may pick out element on every page of its template."""
    tag = element.tag
    ident, classes = _names(element)
    found = [f"#{ident}"] if ident else []
    found += [f"{tag}.{c}" for c in classes]
    if len(classes) > 1:
        found.append(tag + "".join(f".{c}" for c in classes))
    # The nearest marked ancestor: 'div.post-detail h1' for an unmarked headline.
    for depth, ancestor in enumerate(element.iterancestors()):
        if depth >= 4 or ancestor.tag in ("body", "html"):
            break
        a_ident, a_classes = _names(ancestor)
        marks = ([f"#{a_ident}"] if a_ident else []) + [f".{c}" for c in a_classes[:2]]
        if marks:
            for mark in marks:
                found.append(f"{mark} {tag}")
                if depth == 0:
                    found.append(f"{mark} > {tag}")
            break
    return list(dict.fromkeys(found))


def _values(html: str, url: str, rules: FamilyRules, site_names: tuple[str, ...]) -> dict[str, Any]:
    """The refined field values of one page under rules, as a crawl would store them."""
    page = ArticlePage(html, url, rules, site_names=site_names)
    item = refine(page_item(page, "learn", _FETCHED_AT, (url,), None), rules.boilerplate)
    return {
        "title": item.title,
        "date": item.published_at,
        "author": item.author,
        "summary": item.summary,
        "body": item.body_text,
    }


# -- learning -----------------------------------------------------------------------------------------------
def learn(
    articles: Sequence[tuple[str, str]],
    others: Iterable[str] = (),
    aliases: Iterable[tuple[str, str]] = (),
    site_names: tuple[str, ...] = (),
) -> LearnedProfile | None:
    """Learn the template of a site from its article pages (html, url).

    others: URLs of the site's pages that are not articles (listings, contact, documents), to check that a learned
    article URL pattern leaves them out; aliases: (alias URL, article URL) pairs, to check that a learned identity
    survives them. None when there are fewer than MIN_PAGES pages.
    """
    sample = list(articles)[:MAX_PAGES]
    if len(sample) < MIN_PAGES:
        return None
    profile = LearnedProfile(pages=len(sample))
    pages = [ArticlePage(html, url, GENERIC, site_names=site_names) for html, url in sample]
    generic = [_values(html, url, GENERIC, site_names) for html, url in sample]
    chosen: dict[str, str] = {}
    for name, key in FIELDS.items():
        selector, figures = _best_selector(name, key, pages, sample, generic, site_names)
        if figures:
            profile.agreement[name] = figures
        if selector:
            chosen[key] = selector
    profile.furniture = _furniture(pages)
    boilerplate = _boilerplate(pages, generic)
    # All together, once more: a field the others disturb is dropped.
    rules = {**chosen, **({"boilerplate": boilerplate} if boilerplate else {})}
    for _ in range(2):
        combined = FamilyRules.from_mapping(rules, base=GENERIC)
        values = [_values(html, url, combined, site_names) for html, url in sample]
        dropped = False
        for name, key in FIELDS.items():
            if key not in rules:
                continue
            agree = _agreement(name, generic, values, profile.furniture)
            profile.agreement[name]["agree"] = round(agree, 3)
            if agree < AGREE_SHARE:
                profile.agreement[name]["kept"] = False
                del rules[key]
                dropped = True
        if not dropped:
            break
    if boilerplate:
        profile.agreement["boilerplate"] = {"selector": ", ".join(boilerplate), "kept": "boilerplate" in rules}
    profile.rules = rules
    urls = [url for _, url in sample]
    titles = [values["title"] for values in generic]
    profile.rules.update(learn_urls(urls, list(others), list(aliases), titles))
    profile.ignored_params = _ignored_params(list(aliases))
    return profile


def _best_selector(
    name: str,
    key: str,
    pages: list[ArticlePage],
    sample: list[tuple[str, str]],
    generic: list[dict[str, Any]],
    site_names: tuple[str, ...],
) -> tuple[str | None, dict[str, Any]]:
    elements = [located(page).get(name) for page in pages]
    present = [e for e in elements if e is not None]
    if len(present) < MATCH_SHARE * len(pages):
        return None, {}  # the field is not on most pages: nothing consistent to learn
    counts = Counter(s for e in present for s in candidates(e))
    scored = []
    for selector, _ in counts.most_common(12):
        same = 0
        for page, element in zip(pages, elements, strict=True):
            matches = select(page.doc, selector)
            same += element is not None and len(matches) == 1 and matches[0] is element
        share = same / len(pages)
        if share >= MATCH_SHARE:
            # The element's own class or id ('div.entry-content') before a path from an ancestor ('.post > div').
            scored.append((share, " " not in selector, -len(selector), selector))
    figures: dict[str, Any] = {"selector": None, "matched": 0.0, "agree": 0.0, "kept": False}
    for share, _, _, selector in sorted(scored, reverse=True)[:2]:
        rules = FamilyRules.from_mapping({key: selector}, base=GENERIC)
        values = [_values(html, url, rules, site_names) for html, url in sample]
        agree = _agreement(name, generic, values, ())
        if agree > figures["agree"] or figures["selector"] is None:
            figures = {"selector": selector, "matched": round(share, 3), "agree": round(agree, 3), "kept": False}
    if figures["selector"] and figures["agree"] >= AGREE_SHARE:
        figures["kept"] = True
        return figures["selector"], figures
    return None, figures if figures["selector"] else {}


def _agreement(name: str, generic: list[dict], learned: list[dict], furniture: Iterable[str]) -> float:
    """Share of pages where the learned value is the generic one (a body may only lose furniture paragraphs)."""
    furniture = set(furniture)
    same = 0
    for before, after in zip(generic, learned, strict=True):
        if name == "body" and before["body"] and after["body"] and furniture:
            kept = [p for p in before["body"].split("\n\n") if p not in furniture]
            same += after["body"].split("\n\n") == kept or after["body"] == before["body"]
        else:
            same += before[name] == after[name]
    return same / len(generic) if generic else 0.0


def _blocks(page: ArticlePage) -> set[str]:
    """Texts of the page's innermost blocks (paragraphs, list items, cells, headings)."""
    texts = set()
    for element in page.doc.iter("p", "li", "td", "h2", "h3", "h4", "span", "a", "div"):
        if element.tag == "div" and element.find(".//div") is not None:
            continue
        text = element_text(element)
        if 2 <= len(text) <= 300:
            texts.add(text)
    return texts


def _furniture(pages: list[ArticlePage]) -> list[str]:
    """Text blocks most pages repeat: menus, footers, share bars, 'Tin liên quan' headings."""
    counts = Counter(text for page in pages for text in _blocks(page))
    floor = FURNITURE_SHARE * len(pages)
    return sorted(text for text, count in counts.items() if count >= floor)


def _boilerplate(pages: list[ArticlePage], generic: list[dict]) -> list[str]:
    """Selectors of the elements inside the bodies whose text repeats on most pages (kept only if their removal
    leaves the generic body less exactly those paragraphs: checked with the other fields)."""
    paragraphs = Counter(p for values in generic if values["body"] for p in set(values["body"].split("\n\n")))
    floor = FURNITURE_SHARE * len(pages)
    repeated = {text for text, count in paragraphs.items() if count >= floor}
    if not repeated:
        return []
    found: Counter[str] = Counter()
    for page in pages:
        body = page.body_element
        if body is None:
            continue
        for element in body.iter():
            if isinstance(element.tag, str) and element is not body and element_text(element) in repeated:
                for selector in candidates(element)[:3]:
                    found[selector] += 1
    chosen = []
    for selector, count in found.most_common():
        if count < floor:
            break
        # Never a selector that also takes text of the article itself.
        if all(element_text(e) in repeated for page in pages for e in select(page.doc, selector)):
            chosen.append(selector)
    return chosen[:5]


# -- URLs -----------------------------------------------------------------------------------------------------
def _segment_pattern(values: list[str]) -> str:
    if len(set(values)) == 1:
        return re.escape(values[0])
    if all(v.isdigit() for v in values):
        return r"\d+"
    for pattern in (r"[^/]*-\d+\.html?", r"[^/]+\.html?", r"[^/]+\.aspx", r"[^/]+\.php"):
        if all(re.fullmatch(pattern, v) for v in values):
            return pattern
    return r"[^/]+"


def _tells_apart(ids: list[str | None], titles: list[str | None]) -> bool:
    """Whether ids name articles: present on nearly every page, one headline each, a different one per headline."""
    if sum(i is not None for i in ids) < URL_SHARE * len(ids):
        return False
    named: dict[str, set] = {}
    for found, title in zip(ids, titles, strict=True):
        if found is not None:
            named.setdefault(found, set()).add(title)
    return all(len(t) == 1 for t in named.values()) and len(named) >= AGREE_SHARE * len(set(titles))


def _identity(urls: list[str], aliases: list[tuple[str, str]], titles: list[str | None]) -> dict[str, Any]:
    """A query parameter or path number that tells every article apart and that its aliases carry too."""
    queries = [dict(parse_qsl(urlsplit(u).query)) for u in urls]
    rules: list[dict[str, str]] = []
    for param in sorted({k for q in queries for k in q}):
        if _tells_apart([q.get(param) for q in queries], titles):
            rules.append({"param": param})
            break
    if not rules:
        for regex in _ID_IN_PATH:
            found = [re.search(regex, urlsplit(u).path) for u in urls]
            if _tells_apart([m.group(1) if m else None for m in found], titles):
                rules.append({"path_regex": regex})
                break
    if not rules:
        return {}
    rule = IdentityRule(**rules[0])
    for alias, article in aliases:
        got = rule.extract(alias)
        if got is not None and got != rule.extract(article):
            return {}  # an alias would be taken for another article
    out: dict[str, Any] = {"identity": rules}
    if "param" in rules[0]:
        out["keep_params"] = [rules[0]["param"]]
    return out


def learn_urls(
    articles: list[str],
    others: list[str],
    aliases: Sequence[tuple[str, str]] = (),
    titles: Sequence[str | None] | None = None,
) -> dict[str, Any]:
    """article_url (a regex that matches the article URLs and none of the other pages'), identity, keep_params.

    titles: each article URL's headline, so pages of one article under several URLs count once (default: the
    URLs are distinct articles)."""
    out = _identity(articles, list(aliases), list(titles) if titles is not None else list(articles))
    parts = [urlsplit(u) for u in articles]
    shapes = Counter((p.path.count("/"), p.path.endswith("/")) for p in parts)
    (depth, slash), count = shapes.most_common(1)[0]
    if count < URL_SHARE * len(articles) or len(others) < 3:
        return out  # no single shape, or nothing to tell it from
    group = [p for p in parts if (p.path.count("/"), p.path.endswith("/")) == (depth, slash)]
    segments = [p.path.strip("/").split("/") for p in group]
    path = "/".join(_segment_pattern([s[i] for s in segments]) for i in range(len(segments[0])))
    lookaheads = ""
    for rule in out.get("identity", []):
        if "param" in rule:
            lookaheads += rf"(?=.*[?&]{re.escape(rule['param'])}=)"
    regex = rf"^{lookaheads}https?://[^/]+/{path}{'/' if slash else ''}(?:[?#]|$)"
    compiled = re.compile(regex)
    hits = sum(bool(compiled.search(u)) for u in articles)
    false = sum(bool(compiled.search(u)) for u in others)
    if hits >= URL_SHARE * len(articles) and false <= 0.02 * len(others):
        out["article_url"] = regex
    return out


def _ignored_params(aliases: list[tuple[str, str]]) -> list[str]:
    """Query parameters an alias adds to its article's URL: print views, sessions, tracking."""
    found: set[str] = set()
    for alias, article in aliases:
        a, b = urlsplit(alias), urlsplit(article)
        if a.path == b.path:
            found |= {k for k, _ in parse_qsl(a.query)} - {k for k, _ in parse_qsl(b.query)}
    return sorted(found)
