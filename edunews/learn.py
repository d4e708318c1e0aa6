"""`edunews learn URL`: a site's template learned from the archive's stored pages, as a `[[site]]` entry.

The learning itself is crawler/extract/learn.py (run by spiders/generic.py, which also does it at the end of a
generic crawl); this module reads the archive's figures for the entry and writes it in the spiders/sites/*.toml
format, so `edunews crawl --sites FILE NAME` takes it as it is.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.learn import FIELDS, MIN_PAGES
from crawler.urls import canonical_url, site_key
from storage import Archive, learned, memory
from storage.reader import read_only

MAX_START_URLS = 10


class LearnError(Exception):
    """Nothing to learn from: no archive, or too few stored article pages of the site."""


def learn_entry(db_path: str, url: str, name: str | None = None) -> str:
    """Learn the site of url from the archive at db_path (kept in learned_sites) and return its [[site]] entry."""
    from spiders.generic import learn_site

    if not os.path.exists(db_path):
        raise LearnError(f"no archive at {db_path}")
    site = site_key(url) if url.startswith(("http://", "https://")) else url
    with Archive(db_path) as archive:
        conn = archive.db.conn
        pages = learned.article_pages(conn, site)
        row = learned.site_row(conn, site)
    if pages < MIN_PAGES:
        raise LearnError(
            f"the archive holds {pages} article page{'s' if pages != 1 else ''} of {site}; learning needs at least "
            f"{MIN_PAGES} (crawl it first: edunews crawl {url if '://' in url else 'URL'})"
        )
    title, base_url = row if row else ("", url)
    profile = learn_site(db_path, site, (title,) if title else ())
    if profile is None:
        raise LearnError(f"nothing could be learned from the pages of {site}")
    with Archive(db_path) as archive:
        stored = learned.load(archive.db.conn, site)
        starts = _start_urls(archive.db.conn, site, base_url)
    assert stored is not None
    return site_entry(stored, name or entry_name(site), base_url, title, starts)


def entry_name(site: str) -> str:
    """A site name the sites files accept, from a site key ('thcs-abc.edu.vn' -> 'thcs-abc-edu-vn')."""
    return re.sub(r"[^a-z0-9]+", "-", site.lower()).strip("-")[:63] or "learned-site"


def _start_urls(conn: sqlite3.Connection, site: str, base_url: str) -> list[str]:
    """The listings a generic crawl of the site found (their first pages), shortest first; else the home page."""
    home = canonical_url(base_url)
    urls = [url for url in memory.listings(conn, site) if url != home][:MAX_START_URLS]
    paths = []
    for url in urls:
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths or ["/"]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are TOML basic-string escapes
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def site_entry(stored: learned.Learned, name: str, base_url: str, title: str, start_urls: list[str]) -> str:
    """The learned profile as a [[site]] entry of generic family with its [site.selectors]."""
    keys = {key: field for field, key in FIELDS.items()}
    lines = [
        f"# Learned by edunews learn from {stored.pages} stored article pages of {stored.site} ({stored.learned_at}).",
        "# Each selector is kept only where re-extracting those pages with it gives the generic extraction's value.",
        "[[site]]",
        f"name = {_toml(name)}",
        f"title = {_toml(title or '')}",
        f"base_url = {_toml(base_url)}",
        'family = "generic"',
        f"start_urls = {_toml(start_urls)}",
        "verified = false",
        f"notes = {_toml(f'learned from {stored.pages} pages on {stored.learned_at[:10]}')}",
        "[site.selectors]",
    ]
    for key, value in stored.profile.get("rules", {}).items():
        figures = stored.agreement.get(keys.get(key, ""), {})
        note = f"  # agrees on {figures['agree']:.0%} of the pages" if "agree" in figures else ""
        lines.append(f"{key} = {_toml(value)}{note}")
    return "\n".join(lines) + "\n"


def learned_report(db_path: str, url: str) -> dict[str, Any] | None:
    """What the archive learned of the site of url (for edunews probe), or None."""
    if not os.path.exists(db_path):
        return None
    with read_only(db_path) as con:
        found = learned.load(con, site_key(url))
    if found is None:
        return None
    return {
        "site": found.site,
        "learned_at": found.learned_at,
        "pages": found.pages,
        "rules": found.profile.get("rules", {}),
        "agreement": found.agreement,
    }
