"""Running crawls from Python: settings, spiders by site name or URL, and the outcome of each crawl.

The `edunews` command and the demo use this; `scrapy crawl` goes through the same spiders and settings.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.crawlstats import errors_by_kind

# Exit statuses of `edunews crawl` (documented in the README).
EXIT_OK = 0
EXIT_ERRORS = 1  # finished, but some pages failed (HTTP errors, timeouts, extraction exceptions)
EXIT_CONFIG = 2  # bad arguments, unknown site, unreadable sites file
EXIT_LOCKED = 3  # another crawl holds the archive
EXIT_INTERRUPTED = 4  # stopped by a signal before finishing
EXIT_ALARM = 5  # a site's extraction looks broken (template change): see crawl_sites.alarm
EXIT_FAILED = 6  # a crawl could not run at all (no page fetched, spider failed to start)


class ConfigError(Exception):
    """A problem in what the operator asked for; the message says what to change."""


@dataclass
class CrawlOutcome:
    spider: str
    status: str
    stats: Mapping[str, Any] = field(default_factory=dict)
    shared: bool = False  # a worker of a shared crawl: the writer, not this process, stored its articles

    @property
    def errors(self) -> dict[str, int]:
        return errors_by_kind(self.stats)

    def summary(self) -> str:
        get = self.stats.get
        errors = self.errors
        detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(errors.items()))})" if errors else ""
        skipped = get("edunews/known_skipped", 0)
        out_of_range = get("edunews/articles_out_of_range", 0)
        not_modified = get("edunews/not_modified", 0)
        extra = f", {skipped} known skipped" if skipped else ""
        extra += f", {not_modified} not modified" if not_modified else ""
        extra += f", {out_of_range} outside the dates" if out_of_range else ""
        alarm = f"; ALARM: {get('edunews/alarm')}" if get("edunews/alarm") else ""
        if self.shared:
            stored = f"{get('edunews/articles_sent', 0)} articles sent to the writer"
        else:
            stored = (
                f"{get('edunews/articles_new', 0)} new, {get('edunews/articles_updated', 0)} updated, "
                f"{get('edunews/articles_unchanged', 0)} unchanged, {get('edunews/articles_duplicate', 0)} duplicates"
            )
        return (
            f"{self.spider}: {self.status}, {get('response_received_count', 0)} pages, "
            f"{stored}{extra}, {sum(errors.values())} errors{detail}{alarm}"
        )


def project_settings(
    db: str | None = None,
    sites_files: Sequence[str] = (),
    overrides: Mapping[str, Any] | None = None,
    max_pages: int | None = None,
):
    """Scrapy settings of the edunews project with the operator's choices at command-line priority."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if db:
        settings.set("EDUNEWS_DB", db, priority="cmdline")
    if sites_files:
        files = [*settings.getlist("EDUNEWS_SITES"), *map(os.path.abspath, sites_files)]
        settings.set("EDUNEWS_SITES", files, priority="cmdline")
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    interactive = sys.stderr.isatty() and not (overrides or {}).get("EDUNEWS_LOG_FILE")
    if interactive and settings.getpriority("LOG_LEVEL") <= 20:
        # On a terminal the progress line speaks; log lines would break it. Under cron, INFO lines are the record.
        settings.set("LOG_LEVEL", "WARNING", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def incremental_settings(refresh: bool, since=None, until=None) -> dict[str, Any]:
    """Settings of `--refresh`, `--since` and `--until` (dates or datetimes; compared by day)."""
    found: dict[str, Any] = {}
    if refresh:
        found["EDUNEWS_REFRESH"] = True
    if since and until and since > until:
        raise ConfigError("--since is after --until")
    if since:
        found["EDUNEWS_SINCE"] = since.strftime("%Y-%m-%d")
    if until:
        found["EDUNEWS_UNTIL"] = until.strftime("%Y-%m-%d")
    return found


def frontier_address(url: str) -> str:
    """A shared crawl's Redis address, checked: it must answer (ConfigError says why not)."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"a frontier is a Redis URL (redis://HOST:PORT/N), not {url!r}")
    from storage import redis_state

    try:
        redis_state.connect(url)
    except Exception as exc:  # redis.ConnectionError, a bad database number, a refused password
        raise ConfigError(f"no Redis answers at {url}: {exc}") from None
    return url


def parse_set_options(values: Iterable[str]) -> dict[str, str]:
    """`--set NAME=VALUE` pairs, as `scrapy crawl -s` takes them."""
    found: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set takes NAME=VALUE, not {value!r}")
        found[name.strip()] = setting
    return found


def run_crawls(settings, targets: Sequence[tuple[str, dict[str, Any]]]) -> list[CrawlOutcome]:
    """Run spiders (name, spider arguments) in one Scrapy process until all finish; their outcomes."""
    log_file = settings.get("EDUNEWS_LOG_FILE")
    if not log_file:
        return _locked_run(settings, targets)
    from edunews.logfile import rotating_log

    with rotating_log(settings, log_file):
        try:
            outcomes = _locked_run(settings, targets)
        except Exception as exc:
            logging.getLogger("edunews").warning("not run: %s", exc)
            raise
        for outcome in outcomes:
            logging.getLogger("edunews").info("%s", outcome.summary())
        return outcomes


def _locked_run(settings, targets: Sequence[tuple[str, dict[str, Any]]]) -> list[CrawlOutcome]:
    from edunews.lock import archive_lock

    db = settings.get("EDUNEWS_DB")
    if not db or settings.get("EDUNEWS_FRONTIER"):
        # A shared crawl's worker never opens the archive; its one writer (`edunews store`) holds the lock.
        return _run_crawls(settings, targets)
    # Raises ArchiveLocked before anything starts when another run holds the archive.
    with archive_lock(db):
        return _run_crawls(settings, targets)


def _run_crawls(settings, targets: Sequence[tuple[str, dict[str, Any]]]) -> list[CrawlOutcome]:
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    loader = process.spider_loader
    crawlers = []
    for name, kwargs in targets:
        try:
            spidercls = loader.load(name)
        except KeyError:
            raise ConfigError(f"no site named {name!r}; `edunews sites` lists them") from None
        crawler = process.create_crawler(spidercls)
        crawlers.append((name, crawler))
        process.crawl(crawler, **kwargs)
    process.start()
    outcomes = []
    for name, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        shared = bool(settings.get("EDUNEWS_FRONTIER"))
        status = stats.get("edunews/crawl_status")
        if status is None:
            status = "failed"
        elif status == "ok" and not stats.get("response_received_count") and not shared:
            # A worker of a shared crawl may find the others did all the fetching: that is no failure.
            status = "failed"
        outcomes.append(CrawlOutcome(name, status, dict(stats), shared))
    return outcomes


def exit_status(outcomes: Sequence[CrawlOutcome]) -> int:
    statuses = {o.status for o in outcomes}
    if "interrupted" in statuses:
        return EXIT_INTERRUPTED
    if "failed" in statuses:
        return EXIT_FAILED
    if "alarm" in statuses:
        return EXIT_ALARM
    if "finished_with_errors" in statuses:
        return EXIT_ERRORS
    return EXIT_OK
