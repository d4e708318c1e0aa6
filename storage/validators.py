"""HTTP validators (ETag, Last-Modified) of fetched pages, for conditional GETs on the next run.

They live in the archive rather than in an HTTP cache directory so that incremental state moves with the archive
file: copy the archive to another machine and its next run still asks "changed since?" instead of refetching.
The table is created by storage.schema (OPS_TABLES["http_validators"]).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from storage.schema import ARTICLES_AT_URL, BUSY_TIMEOUT_MS


class Validators(NamedTuple):
    """What a server said identifies the version it sent: an ETag, a Last-Modified date, or both."""

    etag: str | None
    last_modified: str | None


def lookup(conn: sqlite3.Connection, url: str) -> Validators | None:
    """The validators recorded for url, or None."""
    row = conn.execute(
        "SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,)
    ).fetchone()
    if row is None or (row[0] is None and row[1] is None):
        return None
    return Validators(row[0], row[1])


def record(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[str, str | None, str | None, str | None]],
    checked_at: str,
) -> int:
    """Upsert (url, etag, last_modified, site) rows in one transaction; how many were written."""
    rows = [r for r in rows if r[1] or r[2]]
    if not rows:
        return 0
    with conn:
        conn.executemany(
            "INSERT INTO http_validators (url, etag, last_modified, site, checked_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "site = excluded.site, checked_at = excluded.checked_at",
            [(url, etag, last_modified, site, checked_at) for url, etag, last_modified, site in rows],
        )
    return len(rows)


def stored(conn: sqlite3.Connection, urls: Iterable[str]) -> set[str]:
    """Those of urls under which an article is archived.

    Validators are recorded only for these: a page fetched but not stored (an extraction failure) must be
    fetched in full next time, not answered with "not modified".
    """
    return {url for url in set(urls) if conn.execute(f"SELECT EXISTS ({ARTICLES_AT_URL})", (url,)).fetchone()[0]}


def touch_articles(conn: sqlite3.Connection, urls: Iterable[str], seen_at: str) -> int:
    """Move last_seen_at of the articles under urls (a 304 says they are still there, unchanged)."""
    urls = list(urls)
    if not urls:
        return 0
    with conn:
        cursor = conn.executemany(
            f"UPDATE articles SET last_seen_at = ?2 WHERE id IN ({ARTICLES_AT_URL})",
            [(url, seen_at) for url in urls],
        )
    return cursor.rowcount


def connect(path: str) -> sqlite3.Connection:
    """A connection to the archive for the validators alone (the archive must already exist with its schema)."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn
