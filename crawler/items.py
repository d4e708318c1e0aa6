"""The article item: what one article page becomes on its way from the spider to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.archive import STORED_KEYS as STORED_FIELDS  # what the archive stores; the rest is working state


@dataclass
class ArticleItem:
    """One article page. The spider fills what the page states; the pipelines clean and complete it."""

    url: str  # canonical URL
    site: str
    fetched_url: str = ""
    urls: list[str] = field(default_factory=list)  # every URL this page was reached under
    identity: str | None = None
    title: str | None = None
    summary: str | None = None
    published_at: str | None = None  # 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SS+07:00'
    published_raw: str | None = None
    published_source: str | None = None
    updated_at: str | None = None
    author: str | None = None
    source: str | None = None
    category: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    view_count: int | None = None
    word_count: int | None = None
    fetched_at: str | None = None  # UTC ISO 8601
    images: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    # Working state, not stored.
    date_candidates: list[tuple[str, str]] = field(default_factory=list)  # (source, raw) from the page
    updated_raw: str | None = None
    author_hint: str | None = None
    source_hint: str | None = None
    date_disagreements: int = 0
    # The fetched page (url, status, headers, body, family, urls, listing_date, encoding) for the pages table.
    raw_page: dict[str, Any] | None = None

    def record(self) -> dict[str, Any]:
        """The mapping `storage.Archive.store_article` takes."""
        # Shallow: the archive only reads it, and asdict's deep copy of the raw page cost more than the rest.
        return {key: getattr(self, key) for key in STORED_FIELDS}
