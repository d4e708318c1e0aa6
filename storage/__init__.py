"""The SQLite archive: schema, writes, exact-duplicate index and diacritic-insensitive search.

Knows nothing of Scrapy, so the crawler, re-extraction scripts and Datasette all reuse it.
"""

from storage.archive import Archive, StoreResult
from storage.dedup import content_hash
from storage.fold import fold
from storage.schema import DESCRIPTIONS, SCHEMA_VERSION
from storage.search import search

__all__ = [
    "DESCRIPTIONS",
    "SCHEMA_VERSION",
    "Archive",
    "StoreResult",
    "content_hash",
    "fold",
    "search",
]
