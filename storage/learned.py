"""Templates learned from generic-mode sites' own pages (crawler/extract/learn.py), kept for their next crawl.

One row per site: the learned family keys and the agreement figures that justified them, as JSON. The table is
created by storage.schema (OPS_TABLES["learned_sites"]).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, NamedTuple

from storage import pages


class Learned(NamedTuple):
    site: str
    learned_at: str
    pages: int
    profile: dict[str, Any]
    agreement: dict[str, Any]


def save(
    conn: sqlite3.Connection, site: str, learned_at: str, pages: int, profile: dict[str, Any], agreement: dict
) -> None:
    """Keep (replace) what was learned of a site."""
    with conn:
        conn.execute(
            "INSERT INTO learned_sites (site, learned_at, pages, profile, agreement) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(site) DO UPDATE SET learned_at = excluded.learned_at, pages = excluded.pages, "
            "profile = excluded.profile, agreement = excluded.agreement",
            (site, learned_at, pages, _json(profile), _json(agreement)),
        )


def load(conn: sqlite3.Connection, site: str) -> Learned | None:
    """What was learned of a site, or None."""
    try:
        row = conn.execute(
            "SELECT site, learned_at, pages, profile, agreement FROM learned_sites WHERE site = ?", (site,)
        ).fetchone()
    except sqlite3.OperationalError:  # an archive opened read-only before the table existed
        return None
    if row is None:
        return None
    return Learned(row[0], row[1], row[2], json.loads(row[3] or "{}"), json.loads(row[4] or "{}"))


def article_pages(conn: sqlite3.Connection, site: str) -> int:
    """How many article pages of the site the archive keeps (what learning reads)."""
    return conn.execute("SELECT count(*) FROM pages WHERE site = ?", (site,)).fetchone()[0]


def site_row(conn: sqlite3.Connection, site: str) -> tuple[str, str] | None:
    """(title, base_url) of the site in the sites table, or None."""
    return conn.execute("SELECT title, base_url FROM sites WHERE name = ?", (site,)).fetchone()


def latest_pages(conn: sqlite3.Connection, site: str, limit: int) -> list[dict[str, Any]]:
    """The site's most recently fetched stored pages, at most limit: the current template, without reading every
    page of a large site (Archive.pages reads them all)."""
    return pages.newest_pages(conn, pages.PageCodec(conn), site, limit)


def other_urls(conn: sqlite3.Connection, site: str) -> list[str]:
    """The site's remembered URLs that are not articles: listings, pages without an article, dead links."""
    return [u for (u,) in conn.execute("SELECT url FROM url_memory WHERE site = ? AND kind <> 'alias'", (site,))]


def aliases(conn: sqlite3.Connection, site: str) -> list[tuple[str, str]]:
    """(alias URL, article URL) pairs of the site's articles: article_urls and remembered redirects."""
    return list(
        conn.execute(
            "SELECT u.url, a.url FROM article_urls AS u JOIN articles AS a ON a.id = u.article_id "
            "WHERE a.site = ?1 AND u.url <> a.url "
            "UNION SELECT m.url, a.url FROM url_memory AS m JOIN articles AS a ON a.id = m.article_id "
            "WHERE m.site = ?1",
            (site,),
        )
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
