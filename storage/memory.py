"""URL memory of generic-mode sites: what each fetched URL turned out to be, so the next run leaves it alone.

A site crawled without a profile is discovered by following its links, and most of them are not articles: aliases
of stored articles (redirect sources), listings and their later pages, contact, category and document pages, dead
links. The articles themselves are in `articles` and `article_urls`; this table remembers the rest. A remembered
alias, page without an article or dead link is not requested again until it is `RECHECK_DAYS` old, so a changed site
is still noticed. The table is created by storage.schema (OPS_TABLES["url_memory"]).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from storage.schema import ARTICLES_AT_URL

# alias: redirects to `target` (a stored article, a listing...); listing: a page of article links, read every run;
# listing_page: a later page of a listing, read only when the listing's first pages held something new;
# no_article: an HTML page that held neither an article nor article links; gone: answered 404 or 410.
KINDS = ("alias", "listing", "listing_page", "no_article", "gone")
# Kinds a run does not request again while their row is younger than RECHECK_DAYS.
SKIPPED_KINDS = frozenset({"alias", "listing_page", "no_article", "gone"})
RECHECK_DAYS = 30


class Remembered(NamedTuple):
    kind: str
    target: str | None


def load(conn: sqlite3.Connection, site: str, now: str, recheck_days: int = RECHECK_DAYS) -> dict[str, Remembered]:
    """The site's remembered URLs checked within recheck_days of now (ISO 8601); older rows are left out, so
    their URLs are requested and judged again."""
    cutoff = (datetime.fromisoformat(now) - timedelta(days=recheck_days)).isoformat(timespec="seconds")
    rows = conn.execute(
        "SELECT url, kind, target FROM url_memory WHERE site = ? AND checked_at >= ?", (site, cutoff)
    )
    return {url: Remembered(kind, target) for url, kind, target in rows}


def record(
    conn: sqlite3.Connection,
    site: str,
    rows: Iterable[tuple[str, str, str | None, int | None]],
    checked_at: str,
) -> int:
    """Upsert (url, kind, target, status) rows of a site in one transaction; how many were written.

    An alias whose target is a stored article gets that article's id, so it can be shown beside it.
    """
    rows = list(rows)
    for _, kind, _, _ in rows:
        if kind not in KINDS:
            raise ValueError(f"unknown URL kind: {kind}")
    if not rows:
        return 0
    with conn:
        for url, kind, target, status in rows:
            article = conn.execute(ARTICLES_AT_URL, (target,)).fetchone() if target else None
            conn.execute(
                "INSERT INTO url_memory (url, site, kind, target, article_id, status, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET site = excluded.site, "
                "kind = excluded.kind, target = excluded.target, article_id = excluded.article_id, "
                "status = excluded.status, checked_at = excluded.checked_at",
                (url, site, kind, target, article[0] if article else None, status, checked_at),
            )
    return len(rows)


def counts(conn: sqlite3.Connection, site: str) -> dict[str, int]:
    """How many URLs of each kind the archive remembers for the site."""
    return dict(conn.execute("SELECT kind, count(*) FROM url_memory WHERE site = ? GROUP BY kind", (site,)))


def listings(conn: sqlite3.Connection, site: str) -> list[str]:
    """The site's remembered listings (first pages), shortest URL first: category pages before their variants."""
    rows = conn.execute("SELECT url FROM url_memory WHERE site = ? AND kind = 'listing'", (site,))
    return sorted((url for (url,) in rows), key=lambda url: (len(url), url))
