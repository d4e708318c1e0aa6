"""Diacritic-aware full-text search over the archive.

A query typed without diacritics ('dao tao') matches any accents ('đào tạo', 'Đảo tảo'); a query
with diacritics matches them exactly ('Đảng' does not find 'đang').
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from storage.fts import EXACT_COLUMNS, FTS_TABLE

# Letters and digits, as the unicode61 tokenizer splits them; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")

_RESULT_COLUMNS = (
    "id", "site", "url", "title", "summary", "published_at", "author", "duplicate_of"
)
_COLUMNS = ", ".join(f"a.{name}" for name in _RESULT_COLUMNS)
# Matches first, then their articles: CROSS JOIN keeps that order. Given a site, SQLite would otherwise read the
# site's articles (idx_articles_site_published_at) and ask the index about each: 10 s and more on a million articles.
_MATCHED = f"{FTS_TABLE} CROSS JOIN articles AS a ON a.id = {FTS_TABLE}.rowid"


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


def _indexed_at_least(conn: sqlite3.Connection, expression: str, count: int) -> bool:
    """Whether at least `count` articles (copies included, any site) match: the index alone, without reading
    articles, and it stops counting there."""
    row = conn.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (expression, count - 1),
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class MatchCount:
    """How many articles match, exact copies apart. When `complete` is False, counting stopped at the cap: more
    than `articles` match, and at least `copies` copies."""

    articles: int
    copies: int
    complete: bool


def count_matches(
    conn: sqlite3.Connection, expression: str, site: str | None = None, cap: int | None = None
) -> MatchCount:
    """The articles (copies apart) matching `expression`, counted up to `cap` articles.

    Every match costs a lookup of its article (to tell copies apart): a word found in every one of a million
    articles takes 2.7 s to count in full, so pages count up to a cap and say so.
    """
    params: list[Any] = [expression]
    sql = f"SELECT a.duplicate_of IS NOT NULL FROM {_MATCHED} WHERE {FTS_TABLE} MATCH ?" + _filters(site, True, params)
    articles = copies = 0
    cursor = conn.execute(sql, params)
    while rows := cursor.fetchmany(1000):
        for (copy,) in rows:
            if copy:
                copies += 1
            else:
                articles += 1
                if cap is not None and articles > cap:
                    cursor.close()
                    return MatchCount(cap, copies, False)
    return MatchCount(articles, copies, True)


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
    newest = limit is not None and _indexed_at_least(conn, expression, RANK_WINDOW)
    return _ranked(conn, expression, limit, site, include_duplicates, newest)


def ranked_matches(
    conn: sqlite3.Connection, expression: str, limit: int | None = 20, offset: int = 0, site: str | None = None,
    include_duplicates: bool = False,
) -> list[dict[str, Any]]:
    """Articles matching the MATCH `expression`, best first (bm25, then id): search()'s order below RANK_WINDOW
    matches, with an offset for later pages."""
    return _ranked(conn, expression, limit, site, include_duplicates, newest=False, offset=offset)


def _ranked(
    conn: sqlite3.Connection, expression: str, limit: int | None, site: str | None, include_duplicates: bool,
    newest: bool, offset: int = 0,
) -> list[dict[str, Any]]:
    rank = "NULL" if newest else f"bm25({FTS_TABLE})"
    sql = (
        f"SELECT {_COLUMNS}, {rank} AS rank FROM {_MATCHED} WHERE {FTS_TABLE} MATCH ?"
    )
    params: list[Any] = [expression]
    sql += _filters(site, include_duplicates, params)
    sql += f" ORDER BY {FTS_TABLE}.rowid DESC" if newest else " ORDER BY rank, a.id"
    return _rows(conn, sql + " LIMIT ? OFFSET ?", [*params, -1 if limit is None else limit, offset])


# A page listed by publication date walks idx_articles_published_at from the newest and keeps the articles that
# match (FTS5 answers "does this article match?" by seeking its doclists): it passes about (offset + limit) *
# articles / matches articles, each costing about DATE_WALK_COST article reads; sorting the matches reads each one
# (a few µs). So the walk is taken when matches >= sqrt(DATE_WALK_COST * (offset + limit) * articles), and never
# below DATE_WALK_MATCHES. On a million articles, first page: a word in 2 % of them takes 60 ms either way; one in
# 25 %, 20 ms walking against 0.8 s sorting.
DATE_WALK_COST = 20
DATE_WALK_MATCHES = 10_000


def dense(conn: sqlite3.Connection, expression: str, site: str | None = None, rows: int = 21) -> bool:
    """Whether newest_published walks the date index for the first `rows` (offset + limit) results (see
    DATE_WALK_COST)."""
    size = conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
    # With a site, the walk passes the site's articles alone (idx_articles_site_published_at), and the site's
    # matches are taken as its share of all matches, so deciding reads the index alone, not the articles.
    walked = size
    if site is not None:
        walked = conn.execute("SELECT count(*) FROM articles WHERE site = ?", [site]).fetchone()[0]
    if not walked:
        return False
    needed = max(DATE_WALK_MATCHES, math.isqrt(DATE_WALK_COST * max(rows, 1) * walked))
    return _indexed_at_least(conn, expression, -(-needed * size // walked))


def newest_published(
    conn: sqlite3.Connection, expression: str, limit: int = 20, offset: int = 0, site: str | None = None,
    include_duplicates: bool = False, walk: bool | None = None,
) -> list[dict[str, Any]]:
    """Articles matching the MATCH `expression`, latest publication date first (then highest id; undated ones
    last, highest id first).

    `walk` picks the plan (both give the same rows): walk the date index or sort the matches; by default, walk
    when the matches are dense().
    """
    if walk is None:
        walk = dense(conn, expression, site, offset + limit)
    if not walk:
        sql = (
            f"SELECT {_COLUMNS}, NULL AS rank FROM {_MATCHED} WHERE {FTS_TABLE} MATCH ?"
        )
        params: list[Any] = [expression]
        sql += _filters(site, include_duplicates, params)
        sql += " ORDER BY a.published_at IS NULL, a.published_at DESC, a.id DESC LIMIT ? OFFSET ?"
        return _rows(conn, sql, [*params, limit, offset])
    # The two parts of the order, each read from the index in order: dated articles, then undated ones.
    matches = f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND {FTS_TABLE}.rowid = a.id)"
    found: list[dict[str, Any]] = []
    for dated, order in ((True, "a.published_at DESC, a.id DESC"), (False, "a.id DESC")):
        params = [expression]
        # INDEXED BY: the planner would rather read the site's articles and sort them, or with a site walk every
        # site's dates.
        index = "idx_articles_site_published_at" if site is not None else "idx_articles_published_at"
        sql = (
            f"SELECT {_COLUMNS}, NULL AS rank FROM articles AS a INDEXED BY {index} "
            f"WHERE a.published_at IS {'NOT ' if dated else ''}NULL AND {matches}"
        )
        sql += _filters(site, include_duplicates, params)
        found += _rows(conn, f"{sql} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit - len(found), offset])
        if len(found) == limit:
            break
        if dated:
            # Past the dated matches: the undated part starts at what is left of the offset.
            offset = 0 if found else max(0, offset - _count(conn, f"SELECT count(*) FROM ({sql})", params))
    return found


def _count(conn: sqlite3.Connection, sql: str, params: list[Any]) -> int:
    return conn.execute(sql, params).fetchone()[0]


def _filters(site: str | None, include_duplicates: bool, params: list[Any]) -> str:
    sql = ""
    if site is not None:
        sql += " AND a.site = ?"
        params.append(site)
    if not include_duplicates:
        sql += " AND a.duplicate_of IS NULL"
    return sql


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
