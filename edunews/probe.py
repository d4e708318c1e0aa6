"""`edunews probe URL`: what an operator runs first against a site before writing its profile.

Fetches the home page, one listing and one article (sequentially, robots.txt obeyed, our User-Agent, at most
MAX_FETCHES pages), says which shipped family the fingerprints match, and which fields each family's rules find
on the article.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import urllib.robotparser
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.extract.detect import detect_family, family_score
from crawler.extract.listing import all_links, article_links, next_page
from crawler.extract.page import ArticlePage
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.html import parse_document
from crawler.settings import USER_AGENT
from edunews.extract import decode, extract

MAX_FETCHES = 25
FIELDS = ("title", "date", "body", "author", "captions")


class Fetcher:
    """Sequential GETs on one host, robots.txt obeyed, counted so a probe stays small."""

    def __init__(self, base: str, limit: int = MAX_FETCHES) -> None:
        self.host = urlsplit(base).netloc.lower()
        self.limit = limit
        self.count = 0
        self.opener = urllib.request.build_opener()
        self.robots = urllib.robotparser.RobotFileParser()
        try:
            self.robots.parse(self._get(urljoin(base, "/robots.txt"))[1].splitlines())
        except (urllib.error.URLError, OSError, ValueError):
            self.robots.parse([])  # no robots.txt: everything allowed

    def _get(self, url: str) -> tuple[str, str]:
        self.count += 1
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with self.opener.open(request, timeout=20) as response:
            return response.url, decode(response.read(), response.headers.get("Content-Type"))

    def get(self, url: str) -> tuple[str, str] | None:
        """(final URL, text) of an HTML page of this host, or None (other host, robots, error, budget spent)."""
        if self.count >= self.limit or urlsplit(url).netloc.lower() != self.host:
            return None
        if not self.robots.can_fetch(USER_AGENT, url):
            return None
        try:
            return self._get(url)
        except (urllib.error.URLError, OSError, ValueError):
            return None


def fields_found(html: str, url: str, rules: FamilyRules) -> dict[str, Any]:
    """What one family's rules get from the article: each field's value (or count), None when missing."""
    record = extract(html, url, rules)
    captions = [i for i in record.get("images", []) if i.get("caption")]
    return {
        "title": record.get("title"),
        "date": record.get("published_at"),
        "body": record.get("word_count") or None,
        "author": record.get("author"),
        "captions": len(captions) or None,
        "is_article": record.get("is_article"),
    }


def probe(url: str, families: dict[str, FamilyRules]) -> dict[str, Any]:
    fetcher = Fetcher(url)
    report: dict[str, Any] = {"url": url, "home": None, "listing": None, "article": None, "family": None,
                              "scores": {}, "profiles": {}}
    home = fetcher.get(url)
    if home is None:
        report["error"] = "the home page could not be fetched"
        return report
    home_url, home_html = home
    report["home"] = home_url
    doc = parse_document(home_html)
    shipped = [r for name, r in families.items() if name != "generic"]
    report["scores"] = {r.name: family_score(doc, r) for r in shipped}
    detected = detect_family(doc, shipped)
    report["family"] = detected.name if detected is not None else None
    rules = detected or GENERIC

    # A listing: a page linked from home that is no article, links several articles and pages onward; failing
    # that, the first that links several articles (a contact page's 'latest news' box is no listing).
    listing_url, listing_doc, fallback = None, None, None
    for link in all_links(doc, home_url)[:40]:
        if fetcher.count >= fetcher.limit // 2:
            break
        got = fetcher.get(link)
        if got is None:
            continue
        page_doc = parse_document(got[1])
        if ArticlePage(got[1], got[0], rules).is_article(strict=True):
            continue
        if len(article_links(page_doc, got[0], rules)) >= 2:
            if next_page(page_doc, got[0], rules):
                listing_url, listing_doc = got[0], page_doc
                break
            fallback = fallback or (got[0], page_doc)
    if listing_url is None and fallback is not None:
        listing_url, listing_doc = fallback
    report["listing"] = listing_url

    # An article: the first link of the listing (or of home) that reads as one.
    source_doc, source_url = (listing_doc, listing_url) if listing_doc is not None else (doc, home_url)
    for link in article_links(source_doc, source_url, rules):
        got = fetcher.get(link.url)
        if got is None:
            continue
        if ArticlePage(got[1], got[0], rules).is_article(strict=True):
            report["article"] = got[0]
            report["profiles"] = {name: fields_found(got[1], got[0], r) for name, r in families.items()}
            break
    report["fetches"] = fetcher.count
    return report


def _cell(value: Any) -> str:
    if value is None or value is False:
        return "-"
    if isinstance(value, str):
        return value if len(value) <= 28 else value[:27] + "…"
    return str(value)


def render(report: dict[str, Any]) -> str:
    """The report as an operator reads it: pages used, detection scores, then one row per family."""
    lines = [f"site     {report['url']}", f"home     {report.get('home') or '-'}",
             f"listing  {report.get('listing') or '-'}", f"article  {report.get('article') or '-'}"]
    if report.get("error"):
        lines.append(f"error    {report['error']}")
    scores = ", ".join(f"{name} {score}" for name, score in sorted(report["scores"].items()))
    lines.append(f"family   {report.get('family') or 'none (generic mode)'}   fingerprints: {scores or '-'}")
    if report["profiles"]:
        lines.append("")
        widths = {"title": 30, "date": 26, "body": 6, "author": 20, "captions": 8}
        lines.append(f"{'profile':<16}" + " ".join(f"{f:<{widths[f]}}" for f in FIELDS))
        for name, found in report["profiles"].items():
            mark = "*" if name == (report.get("family") or "generic") else " "
            lines.append(f"{mark}{name:<15}" + " ".join(f"{_cell(found[f]):<{widths[f]}}" for f in FIELDS))
        lines.append("(* the rules a crawl would use; '-' = not found; body in words)")
    learned = report.get("learned")
    if learned:
        lines.append("")
        lines.append(f"learned  from {learned['pages']} stored pages of {learned['site']} on {learned['learned_at']}")
        for key, value in learned["rules"].items():
            field = key.removeprefix("article_")
            figures = learned["agreement"].get(field, {})
            agrees = f"   agrees on {figures['agree']:.0%} of the pages" if "agree" in figures else ""
            lines.append(f"  {key:<14} {json.dumps(value, ensure_ascii=False)}{agrees}")
    return "\n".join(lines)
