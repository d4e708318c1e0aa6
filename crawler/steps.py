"""The refining steps an article item goes through, in order, as plain functions.

normalise -> clean -> dates -> images and captions -> author and source. Each Scrapy pipeline in
:mod:`crawler.pipelines` calls one of them; :func:`refine` runs them all for tools that work without Scrapy
(`edunews extract`, reparse, tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from crawler.dates import DateCandidate, find_dateline, parse_datetime, pick_published, to_iso
from crawler.extract.authors import extract_author_source
from crawler.extract.boilerplate import clean_body
from crawler.extract.generic import LEAD_CLASS
from crawler.extract.images import extract_images
from crawler.html import element_text, paragraphs, parse_fragment, sanitize, to_html
from crawler.items import ArticleItem
from crawler.text import clean_text, normalise_source, word_count


def normalise_step(item: ArticleItem) -> ArticleItem:
    """Repair double encoding, decode entities and NFC-compose every text the page gave us."""
    for name in ("title", "summary", "category", "author_hint", "source_hint", "published_raw", "updated_raw"):
        setattr(item, name, clean_text(getattr(item, name)))
    if item.body_html:
        item.body_html = normalise_source(item.body_html)
    item.date_candidates = [(source, clean_text(raw) or "") for source, raw in item.date_candidates]
    for attachment in item.attachments:
        attachment["title"] = clean_text(attachment.get("title")) or attachment.get("url", "")
    return item


def _take_lead(body) -> str | None:
    """A sapo the family did not mark: the first block when it is wholly bold or classed as a lead."""
    for child in body.iter("p", "div", "h2", "strong", "b"):
        if child is body or child.find(".//p") is not None or child.find(".//div") is not None:
            continue  # a wrapper: look at the blocks inside it
        text = element_text(child)
        if not text:
            continue
        if child.find(".//img") is not None:
            return None
        bold = any(element_text(b) == text for b in child.iter("strong", "b"))
        classed = bool(LEAD_CLASS.search(f"{child.get('class', '')} {child.get('id', '')}"))
        if (bold or classed) and 60 <= len(text) <= 800:
            child.getparent().remove(child)
            return text
        return None
    return None


def clean_step(item: ArticleItem, boilerplate: Sequence[str] = ()) -> ArticleItem:
    """Remove the site's furniture from the body; take an unmarked sapo as the summary."""
    body = parse_fragment(item.body_html or "")
    clean_body(body, boilerplate)
    if item.summary is None:
        item.summary = clean_text(_take_lead(body))
    elif item.summary:
        # Some templates repeat the sapo as the body's first paragraph.
        for child in body.iter("p", "div", "strong"):
            if child is body or child.find(".//p") is not None or child.find(".//div") is not None:
                continue
            if element_text(child):
                if element_text(child) == item.summary and child.find(".//img") is None:
                    child.getparent().remove(child)
                break
    item.body_html = to_html(body)
    return item


def _fetched(item: ArticleItem) -> datetime:
    if item.fetched_at:
        try:
            return datetime.fromisoformat(item.fetched_at)
        except ValueError:
            pass
    return datetime.now(UTC)


def dates_step(item: ArticleItem) -> ArticleItem:
    """Choose published_at among the page's candidates (see crawler.dates.pick_published); parse updated_at."""
    now = _fetched(item)
    candidates = [DateCandidate(source, raw, now) for source, raw in item.date_candidates if raw]
    body = parse_fragment(item.body_html or "")
    first = next(iter(paragraphs(body, limit=1)), "")
    dateline = find_dateline(first) if first else None
    if dateline is not None:
        candidates.append(DateCandidate("dateline", dateline.text, now))
    choice = pick_published(candidates, now=now)
    if choice is not None:
        item.published_at = to_iso(choice.value)
        item.published_raw = choice.raw
        item.published_source = choice.source
        item.date_disagreements = choice.disagreements
    if item.updated_raw:
        updated = parse_datetime(item.updated_raw, now)
        if updated is not None:
            item.updated_at = to_iso(updated)
    return item


def images_step(item: ArticleItem) -> ArticleItem:
    """Collect the article's images with captions and credits; captions leave the body."""
    body = parse_fragment(item.body_html or "")
    item.images = extract_images(body)
    item.body_html = to_html(body)
    return item


def author_step(item: ArticleItem) -> ArticleItem:
    """Take author and source lines out of the body, then fix the final body text and safe HTML."""
    body = parse_fragment(item.body_html or "")
    author, source = extract_author_source(body, item.author_hint, item.source_hint)
    item.author = author
    item.source = source
    texts = paragraphs(body)
    item.body_text = "\n\n".join(texts) or None
    item.word_count = word_count(item.body_text)
    item.body_html = sanitize(to_html(body)) or None
    return item


def is_empty(item: ArticleItem) -> bool:
    """A refined item with neither title nor body: nothing to store (the crawl's DropEmptyPipeline, reparse)."""
    return not item.title and not item.body_text


def refine(item: ArticleItem, boilerplate: Sequence[str] = ()) -> ArticleItem:
    """All steps in pipeline order."""
    normalise_step(item)
    clean_step(item, boilerplate)
    dates_step(item)
    images_step(item)
    author_step(item)
    return item
