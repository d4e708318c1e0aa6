"""The exact-duplicate key, and the order that tells a group's original from its copies.

Articles with the same non-null `content_hash` are exact copies. Grouping them with near copies (edited
reposts) and pointing each copy at the earliest-published original is storage/neardup.py's work.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Below this many words a body ("Chi tiết xem tại file đính kèm.") is shared by unrelated notices,
# so the title joins the key: two such notices are copies only if their titles match too.
SHORT_BODY_WORDS = 30


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def content_hash(body_text: str | None, title: str | None = None) -> str | None:
    """The exact-duplicate key: sha256 hex of the NFC, lower-cased, whitespace-collapsed body.

    None for an empty body. When the body is shorter than SHORT_BODY_WORDS words and a title is
    given, the normalised title is hashed in front of it.
    """
    body = _normalise(body_text or "")
    if not body:
        return None
    key = body
    if title and len(body.split()) < SHORT_BODY_WORDS:
        key = _normalise(title) + "\n" + body
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _original_key(row: tuple[int, str | None, str | None, str | None]) -> tuple[bool, str, str, str, int]:
    article_id, published_at, first_seen_at, url = row
    # Undated members sort last: a copy without a date is no evidence of having come first.
    # ISO strings compare correctly, a bare date sorting before any time on that day.
    # Published the same day (or moment): the one seen on an earlier day stays the original, so a copy found later
    # never displaces it; seen the same day, the URL decides, not the order of arrival (which differs between runs,
    # and between the workers of a shared crawl).
    return (published_at is None, published_at or "", (first_seen_at or "")[:10], url or "", article_id)
