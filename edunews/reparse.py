"""`edunews reparse`: extraction, dates and storing re-run over the archive's raw pages, without the network.

What operators run after an extraction fix. Each stored page goes through the same page object and refining
steps as in a crawl, with the rules of its site (profile selectors when the site is configured, else the family
that extracted it, else the site's cms, else generic), and is stored through `Archive.store_article`: an
unchanged result only moves last_seen_at, so a second run changes nothing.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.steps import refine
from spiders.site import raw_page_text
from storage import Archive


@dataclass
class ReparseResult:
    """How many pages were re-extracted and what storing them did (status -> count)."""

    pages: int = 0
    statuses: Counter = field(default_factory=Counter)
    skipped: int = 0  # not an article any more, or empty


class _RulesFor:
    """The extraction rules and site names of each site, looked up once."""

    def __init__(self, archive: Archive, sites_files: Iterable[str]) -> None:
        from spiders.profiles import families, load_sites

        self.families = families()
        self.profiles = load_sites(sites_files)
        self.sites = {
            name: (cms, title)
            for name, cms, title in archive.db.conn.execute("SELECT name, cms, title FROM sites")
        }

    def __call__(self, site: str | None, family: str | None) -> tuple[FamilyRules, tuple[str, ...]]:
        cms, title = self.sites.get(site, (None, None))
        profile = self.profiles.get(site or "")
        # The spiders pass the site's title (empty in generic mode) to tell it from headlines.
        names = (title or "",)
        if profile is not None and (family is None or profile.rules.name == family):
            return profile.rules, (profile.title,)
        for name in (family, cms):
            if name and name in self.families:
                return self.families[name], names
        return GENERIC, names


def reparse(
    db_path: str | os.PathLike[str],
    site: str | None = None,
    since: str | None = None,
    sites_files: Iterable[str] = (),
) -> ReparseResult:
    """Re-extract the stored pages (of one site, fetched on or after `since`) into the archive."""
    result = ReparseResult()
    with Archive(db_path) as archive:
        rules_for = _RulesFor(archive, sites_files)
        for stored in list(archive.pages(site=site, since=since)):
            result.pages += 1
            rules, site_names = rules_for(stored["site"], stored["family"])
            page = ArticlePage(raw_page_text(stored), stored["url"], rules, site_names=site_names)
            item = page_item(
                page, stored["site"], stored["fetched_at"], tuple(stored["urls"]), stored["listing_date"]
            )
            refine(item, rules.boilerplate)
            # As the dedup pipeline: a page with neither title nor body is not stored.
            if not item.title and not item.body_text:
                result.skipped += 1
                continue
            stored_result = archive.store_article(item.record())
            result.statuses[stored_result.status] += 1
    return result
