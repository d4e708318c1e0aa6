"""`edunews extract`: the whole extraction on one page, without a crawl or an archive (for debugging profiles)."""

from __future__ import annotations

from typing import Any

from w3lib.encoding import html_to_unicode

from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import FamilyRules
from crawler.steps import refine
from crawler.urls import site_key
from storage.archive import utc_now


def decode(body: bytes, content_type: str | None = None) -> str:
    """Bytes to text as Scrapy would decode them (header, BOM, meta charset, then detection)."""
    _, text = html_to_unicode(content_type, body)
    return text


def extract(html: str, url: str, rules: FamilyRules, site: str | None = None) -> dict[str, Any]:
    """The item the pipelines would store for this page, plus what the page object decided."""
    page = ArticlePage(html, url, rules)
    item = refine(page_item(page, site or site_key(url), utc_now()), rules.boilerplate)
    record = item.record()
    record["published_source"] = item.published_source
    record["family"] = rules.name
    record["is_article"] = page.is_article()
    return record
