"""Reading an archive without writing to it: what `edunews sites`, `status`, `export` and `probe` show.

Every read here opens the file read-only (SQLite's mode=ro): a command that only looks never migrates, locks for
writing or creates the archive a crawl may be filling. The CLI is a thin layer over these functions, as
sqlite-utils' CLI is over its Python API; writes go through `storage.Archive`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The columns `edunews export` writes, in order (captions are added as a list).
EXPORT_COLUMNS = (
    "id", "url", "site", "title", "summary", "published_at", "updated_at", "author", "source", "category",
    "body_text", "view_count", "word_count", "duplicate_of", "first_seen_at", "last_seen_at",
)

# The last crawl of each site: its crawl_sites row when there is one, else the crawls row of its spider.
_LAST_RUN_SQL = """
SELECT site, coalesce(c.finished_at, c.started_at) AS run_at, c.status, cs.errors, cs.alarm
FROM crawl_sites AS cs JOIN crawls AS c ON c.id = cs.crawl_id
WHERE cs.crawl_id = (SELECT max(crawl_id) FROM crawl_sites WHERE site = cs.site)
"""
_LAST_CRAWL_SQL = """
SELECT spider, coalesce(finished_at, started_at) AS run_at, status, errors, NULL
FROM crawls WHERE id IN (SELECT max(id) FROM crawls GROUP BY spider)
"""


@contextmanager
def read_only(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the archive at path, closed at the end of the block."""
    conn = sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def articles_per_site(path: str | os.PathLike[str]) -> dict[str, int]:
    """Articles archived per site; empty when there is no readable archive at path."""
    if not os.path.exists(path):
        return {}
    try:
        with read_only(path) as conn:
            return dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site"))
    except sqlite3.Error:
        return {}


def site_overview(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Per site: articles and newest published_at (`counts`), and the last run as (run_at, status, errors, alarm)
    (`last_runs`); `sites` names every site the archive knows."""
    with read_only(path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        sites = {name for (name,) in conn.execute("SELECT name FROM sites")}
        counts = {
            site: (count, newest)
            for site, count, newest in conn.execute(
                "SELECT site, count(*), max(published_at) FROM articles GROUP BY site"
            )
        }
        last_runs: dict[str, tuple] = {row[0]: row[1:] for row in conn.execute(_LAST_CRAWL_SQL)}
        if "crawl_sites" in tables:
            # Per-site rows win over the spider's crawl row (they name the site, and carry the alarm).
            last_runs.update({row[0]: row[1:] for row in conn.execute(_LAST_RUN_SQL)})
    return {"sites": sites | set(counts), "counts": counts, "last_runs": last_runs}


def export_rows(
    path: str | os.PathLike[str], since: str | None = None, site: str | None = None
) -> Iterator[dict[str, Any]]:
    """Articles published on or after `since` (YYYY-MM-DD) and of `site`, oldest first, with their captions."""
    with read_only(path) as conn:
        columns = ", ".join(f"a.{c}" for c in EXPORT_COLUMNS)
        sql = (
            f"SELECT {columns}, (SELECT json_group_array(caption) FROM (SELECT caption FROM images "
            "WHERE article_id = a.id AND caption IS NOT NULL AND caption <> '' ORDER BY position, id)) "
            "AS captions FROM articles AS a WHERE 1 = 1"
        )
        params: list[Any] = []
        if since:
            # Dates are ISO 8601, so the first ten characters compare as dates.
            sql += " AND substr(a.published_at, 1, 10) >= ?"
            params.append(since)
        if site:
            sql += " AND a.site = ?"
            params.append(site)
        sql += " ORDER BY a.published_at, a.id"
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for record in cursor:
            row = dict(zip(names, record, strict=True))
            row["captions"] = json.loads(row["captions"] or "[]")
            yield row
