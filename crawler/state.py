"""Where a spider's incremental state comes from: the archive in a crawl of one process, the writer's Redis in a
shared crawl (EDUNEWS_FRONTIER set), where workers never open the archive.

The state: the URLs of a site's stored articles (not requested again), generic mode's URL memory and a learned
template; what a generic crawl learned of the site's URLs goes back the same way it came.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler import settings as defaults
from storage import learned, memory, redis_state
from storage.archive import utc_now


def _frontier(settings) -> str | None:
    return settings.get("EDUNEWS_FRONTIER") or None


def known_urls(settings, site: str) -> frozenset[str]:
    """URLs of the site's stored articles, read once when the spider opens."""
    if _frontier(settings):
        return redis_state.known_urls(redis_state.shared_client(_frontier(settings)), site)
    db = settings.get("EDUNEWS_DB")
    if not db:
        return frozenset()
    from storage import Archive

    with Archive(db) as archive:
        return frozenset(archive.known_urls(site))


def remembered(settings, site: str) -> dict[str, memory.Remembered]:
    """Generic mode's memory of the site's URLs checked recently enough (EDUNEWS_RECHECK_DAYS)."""
    if _frontier(settings):
        found = redis_state.memory(redis_state.shared_client(_frontier(settings)), site)
        return {url: memory.Remembered(*value) for url, value in found.items()}
    from storage import Archive

    days = settings.getint("EDUNEWS_RECHECK_DAYS", defaults.EDUNEWS_RECHECK_DAYS)
    with Archive(settings.get("EDUNEWS_DB")) as archive:
        return memory.load(archive.db.conn, site, utc_now(), days)


def learned_selectors(settings, site: str) -> dict[str, Any] | None:
    """The selectors learned of the site's template, if any."""
    if _frontier(settings):
        return redis_state.learned_rules(redis_state.shared_client(_frontier(settings)), site)
    from storage import Archive

    with Archive(settings.get("EDUNEWS_DB")) as archive:
        found = learned.load(archive.db.conn, site)
    return found.profile.get("rules") if found is not None else None


def send_memory(
    settings, site: str, rows: Iterable[tuple[str, str, str | None, int | None]], learn: bool, names: Iterable[str]
) -> None:
    """A shared crawl's generic spider hands what it learned of the site's URLs to the writer, which records it
    (and learns the template when `learn`) in the archive and publishes it for the next crawl."""
    redis_state.send(
        redis_state.shared_client(_frontier(settings)),
        "memory",
        {"site": site, "rows": [list(row) for row in rows], "learn": learn, "site_names": list(names)},
    )


def share_link_dates(settings, site: str, dates: dict[str, str]) -> None:
    """A shared crawl's generic spider tells the other workers the dates its listings showed beside links (a page
    one worker holds for want of a date may be dated by a listing another worker read)."""
    from crawler.extract.listing import has_clock_time

    timed = [url for url, date in dates.items() if has_clock_time(date)]
    redis_state.share_link_dates(redis_state.shared_client(_frontier(settings)), site, dates, timed)


def shared_link_dates(settings, site: str, urls) -> dict[str, str]:
    """The dates any worker's listings showed beside these links."""
    return redis_state.link_dates(redis_state.shared_client(_frontier(settings)), site, urls)
