"""Diacritic-aware full-text search over the archive.

A query typed without diacritics ('dao tao') matches any accents ('đào tạo', 'Đảo tảo'); a query
with diacritics matches them exactly ('Đảng' does not find 'đang').
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

import sqlite_utils

from storage.fts import EXACT_COLUMNS, FTS_TABLE

# Letters and digits, as the unicode61 tokenizer splits them; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")

_RESULT_COLUMNS = (
    "id", "site", "url", "title", "summary", "published_at", "author", "duplicate_of"
)


def query_tokens(query: str) -> list[str]:
    """The words of a user query (NFC); punctuation and FTS5 operators' symbols are dropped."""
    return _TOKEN.findall(unicodedata.normalize("NFC", query))


def is_exact(query: str) -> bool:
    """Whether the query carries diacritics (any non-ASCII letter), so it must match exactly."""
    return any(ch.isalpha() and not ch.isascii() for ch in unicodedata.normalize("NFC", query))


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH string for a user query, or None when it has no words.

    Every word is quoted, so input such as '"', 'AND (', '*' or ':' is searched for as text and
    never parsed as FTS5 syntax.
    """
    tokens = query_tokens(query)
    if not tokens:
        return None
    phrases = " ".join(f'"{token}"' for token in tokens)
    columns = " ".join(EXACT_COLUMNS) if is_exact(query) else "folded"
    return f"{{{columns}}} : ({phrases})"


# bm25 needs, for every query, how many of all articles hold each word: over a million articles a common word
# costs FTS5 a walk of a doclist of hundreds of thousands of entries, about 150 ms, whatever the LIMIT. So a query
# matching more than RANK_WINDOW articles lists the newest first (FTS5 walks its doclists backwards and stops at
# `limit`); fewer matches are ranked by relevance. For a news archive, "newest first" is what a reader of a
# common word expects anyway.
RANK_WINDOW = 2000


def _many_matches(conn: sqlite3.Connection, expression: str) -> bool:
    """Whether at least RANK_WINDOW articles match (it stops counting there)."""
    row = conn.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (expression, RANK_WINDOW - 1),
    ).fetchone()
    return row is not None


def search(
    db: sqlite_utils.Database | sqlite3.Connection,
    query: str,
    limit: int | None = 20,
    site: str | None = None,
    include_duplicates: bool = False,
) -> list[dict[str, Any]]:
    """Articles matching every word of `query`: best first (bm25), or newest first when more than RANK_WINDOW
    articles match (see above; `rank` is then None).

    Exact copies (articles with duplicate_of set) are left out unless `include_duplicates`.
    Each result has id, site, url, title, summary, published_at, author, duplicate_of and rank.
    """
    expression = match_expression(query)
    if expression is None:
        return []
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    newest = limit is not None and _many_matches(conn, expression)
    return _ranked(conn, expression, limit, site, include_duplicates, newest)


def _ranked(
    conn: sqlite3.Connection, expression: str, limit: int | None, site: str | None, include_duplicates: bool,
    newest: bool,
) -> list[dict[str, Any]]:
    columns = ", ".join(f"a.{name}" for name in _RESULT_COLUMNS)
    rank = "NULL" if newest else f"bm25({FTS_TABLE})"
    sql = (
        f"SELECT {columns}, {rank} AS rank FROM {FTS_TABLE} "
        f"JOIN articles AS a ON a.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH ?"
    )
    params: list[Any] = [expression]
    if site is not None:
        sql += " AND a.site = ?"
        params.append(site)
    if not include_duplicates:
        sql += " AND a.duplicate_of IS NULL"
    sql += f" ORDER BY {FTS_TABLE}.rowid DESC LIMIT ?" if newest else " ORDER BY rank, a.id LIMIT ?"
    params.append(-1 if limit is None else limit)
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
