"""`edunews reparse`: extraction, dates and storing re-run over the archive's raw pages, without the network.

What operators run after an extraction fix. Each stored page goes through the same page object and refining
steps as in a crawl, with the rules of its site (profile selectors when the site is configured, else the family
that extracted it, else the site's cms, else generic), and is stored through `Archive.store_article`: an
unchanged result only moves last_seen_at, so a second run changes nothing.

Fanned out (`--frontier redis://…`): the pages are queued in Redis (storage/reparse_jobs.py), workers
(`edunews reparse --work`) re-extract them with `reparse_page`, as here, and send the results to the one writer
(`edunews store`), which stores them exactly as a local run would.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import FamilyRules
from crawler.items import ArticleItem
from crawler.steps import is_empty, refine
from spiders.site import raw_page_text
from storage import Archive, redis_state, reparse_jobs

logger = logging.getLogger("edunews.reparse")
# A fanned-out run's crawls.spider label is "reparse@{worker}".
SPIDER = "reparse"


@dataclass
class ReparseResult:
    """How many pages were re-extracted and what storing them did (status -> count)."""

    pages: int = 0
    statuses: Counter = field(default_factory=Counter)
    skipped: int = 0  # not an article any more, or empty
    errors: int = 0  # fanned out: pages whose extraction failed (a local run stops at the first)
    sent: int = 0  # fanned out: results sent to the writer


def site_rows(archive: Archive) -> dict[str, tuple[str | None, str | None]]:
    """The archive's sites: name -> (cms, title), what the rules are chosen by."""
    return {name: (cms, title) for name, cms, title in archive.db.conn.execute("SELECT name, cms, title FROM sites")}


class RulesFor:
    """The extraction rules and site names of each site, looked up once."""

    def __init__(self, sites: Mapping[str, tuple[str | None, str | None]], sites_files: Iterable[str]) -> None:
        from spiders.profiles import load_sites

        self.profiles = load_sites(sites_files)
        self.sites = dict(sites)

    def __call__(self, site: str | None, family: str | None) -> tuple[FamilyRules, tuple[str, ...]]:
        from spiders.profiles import choose_rules

        cms, title = self.sites.get(site, (None, None))
        profile = self.profiles.get(site or "")
        # No page given: a stored page keeps the rules it was chosen by, never a guess from its markup.
        rules = choose_rules(site_rules=profile.rules if profile else None, extracted_with=family, cms=cms)
        if profile is not None and rules is profile.rules:
            return rules, (profile.title,)
        # The spiders pass the site's title (empty in generic mode) to tell it from headlines.
        return rules, (title or "",)


def reparse_page(stored: Mapping[str, Any], rules_for: RulesFor) -> ArticleItem | None:
    """One stored page (a row of Archive.pages) re-extracted and refined; None when it is not to be stored."""
    rules, site_names = rules_for(stored["site"], stored["family"])
    page = ArticlePage(raw_page_text(dict(stored)), stored["url"], rules, site_names=site_names)
    item = page_item(page, stored["site"], stored["fetched_at"], tuple(stored["urls"]), stored["listing_date"])
    refine(item, rules.boilerplate)
    if is_empty(item):  # not stored, as in a crawl
        return None
    return item


def reparse(
    db_path: str | os.PathLike[str],
    site: str | None = None,
    since: str | None = None,
    sites_files: Iterable[str] = (),
) -> ReparseResult:
    """Re-extract the stored pages (of one site, fetched on or after `since`) into the archive."""
    result = ReparseResult()
    with Archive(db_path) as archive:
        rules_for = RulesFor(site_rows(archive), sites_files)
        for stored in list(archive.pages(site=site, since=since)):
            result.pages += 1
            item = reparse_page(stored, rules_for)
            if item is None:
                result.skipped += 1
                continue
            stored_result = archive.store_article(item.record())
            result.statuses[stored_result.status] += 1
    return result


# -- Fanned out ------------------------------------------------------------------------------------------------


def queue_pages(db_path: str | os.PathLike[str], url: str, site: str | None = None, since: str | None = None) -> int:
    """Queue the stored pages (narrowed as `reparse`) as jobs for the workers; how many were queued.

    Only reads the archive: the writer may hold it at the same time."""
    client = redis_state.connect(url)
    queued = 0
    with Archive(db_path) as archive:
        sites = site_rows(archive)
        batch = []
        for stored in archive.pages(site=site, since=since):
            cms, title = sites.get(stored["site"], (None, None))
            batch.append({**stored, "cms": cms, "title": title})
            # Pages are big: queued a few at a time, not held all in memory.
            if len(batch) >= 50:
                queued += reparse_jobs.push(client, batch)
                batch = []
        queued += reparse_jobs.push(client, batch)
    return queued


def work(
    url: str, sites_files: Iterable[str] = (), worker: str | None = None,
    timeout: int = redis_state.WORKER_TIMEOUT, poll: float = 0.5,
) -> ReparseResult:
    """Re-extract queued pages and send the results to the writer until no job is queued or held by a live
    worker, then send this worker's crawl record."""
    client = redis_state.connect(url)
    worker = worker or redis_state.worker_name()
    jobs = reparse_jobs.Jobs(client, worker)
    result = ReparseResult()
    rules_for = RulesFor({}, sites_files)
    stop = threading.Event()

    def figures() -> dict[str, Any]:
        return {"pages": result.pages, "items": result.sent, "errors": result.errors,
                "sites": [], "state": "reparsing"}

    def beat_on() -> None:
        # A beat apart from the work: a slow page must not make this worker look dead.
        while not stop.wait(max(0.5, timeout / 3)):
            try:
                redis_state.beat(client, worker, figures(), timeout)
            except Exception as exc:  # Redis away for a moment: the next beat tries again
                logger.warning("worker heartbeat not sent: %s", exc)

    redis_state.beat(client, worker, figures(), timeout)
    beater = threading.Thread(target=beat_on, name="heartbeat", daemon=True)
    beater.start()
    try:
        while True:
            job = jobs.take()
            if job is None:
                recovered = jobs.recover()
                if recovered:
                    logger.warning("%d jobs of dead workers requeued", recovered)
                    continue
                if not jobs.others_in_flight():
                    break
                # Live workers hold jobs: they may die, and theirs come back to the queue.
                stop.wait(poll)
                continue
            result.pages += 1
            stored = job.page
            rules_for.sites[stored["site"]] = (job.cms, job.title)
            try:
                item = reparse_page(stored, rules_for)
            except Exception:
                logger.exception("re-extraction failed: %s", stored["url"])
                result.errors += 1
                jobs.finish(job)
                continue
            if item is None:
                result.skipped += 1
                jobs.finish(job)
                continue
            data = {"record": item.record(), "page": None, "site_row": None, "spider": SPIDER, "worker": worker}
            if jobs.finish(job, ("article", data)):
                result.sent += 1
            else:
                logger.warning("job of %s was given to another worker meanwhile: result dropped", stored["url"])
    finally:
        stop.set()
        beater.join()
    status = "ok" if not result.errors else "finished_with_errors"
    done = {"pages": result.pages, "errors": result.errors}
    # The writer adds what storing the results did; the site is "reparse" so `edunews status` never takes this
    # run for a site's last crawl.
    redis_state.send(
        client, "crawl",
        {"spider": SPIDER, "worker": worker, "status": status, "crawl": done, "site": SPIDER,
         "site_figures": dict(done), "site_row": None},
    )
    redis_state.beat(client, worker, {**figures(), "state": "stopped"}, timeout)
    return result
