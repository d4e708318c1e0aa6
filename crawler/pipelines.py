"""Scrapy item pipelines, in order. Each is a thin component over one step of :mod:`crawler.steps`.

ITEM_PIPELINES in crawler/settings.py wires them: normalise (100) -> clean (200) -> dates (300) -> images (400)
-> author (500) -> drop empty (600) -> store (900): into the archive, or in a shared crawl to the writer (stream, 900).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler import settings as defaults
from crawler import steps
from crawler.crawlstats import error_count
from crawler.frontier import frontier_url, pause, site_of, worker_of
from crawler.items import ArticleItem
from storage import Archive, redis_state
from storage.archive import utc_now

logger = logging.getLogger(__name__)

# The close reason of a crawl stopped because the archive could not grow; its status is 'failed' (exit 6).
ARCHIVE_FULL = "archive_full"


class StepPipeline:
    """Base: keeps the crawler, since recent Scrapy calls pipeline methods without the spider argument."""

    crawler = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline

    def spider_of(self, spider=None):
        if spider is not None:
            return spider
        return getattr(self.crawler, "spider", None)


def _rules(spider):
    return getattr(spider, "rules", None)


class NormalisePipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        return steps.normalise_step(item)


class CleanPipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        rules = _rules(self.spider_of(spider))
        return steps.clean_step(item, rules.boilerplate if rules else ())


class DatesPipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        steps.dates_step(item)
        if self.crawler is not None:
            stats = self.crawler.stats
            if item.published_at is None:
                stats.inc_value("edunews/articles_without_date")
            if item.date_disagreements:
                stats.inc_value("edunews/date_disagreements", item.date_disagreements)
        return item


class ImageCaptionsPipeline(StepPipeline):
    """Images with their captions, alt texts and credits (not downloads: Scrapy's own ImagesPipeline does those)."""

    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        return steps.images_step(item)


class AuthorPipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        return steps.author_step(item)


class DropEmptyPipeline(StepPipeline):
    """Drops (and counts) a page that yielded neither title nor body: the last check before the archive, whose dedup
    index does the rest. Canonical URLs and identities are set by the page object; the archive merges every URL of
    one identity into one row and marks exact copies (same content hash) as duplicates of the first-published one.
    """

    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        if steps.is_empty(item):
            if self.crawler is not None:
                self.crawler.stats.inc_value("edunews/empty_articles")
            raise DropItem(f"no title and no body: {item.fetched_url}")
        return item


class ArchiveEnd:
    """What the last pipeline does before an item leaves the crawl, wherever it goes: count it, keep it only
    within --since/--until; and the crawl's status and figures when the spider closes."""

    crawler = None
    since: str | None = None
    until: str | None = None
    alarm_share = defaults.EDUNEWS_ALARM_SHARE
    store_pages = defaults.EDUNEWS_STORE_PAGES

    def configure(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.since = settings.get("EDUNEWS_SINCE") or None
        self.until = settings.get("EDUNEWS_UNTIL") or None
        self.alarm_share = settings.getfloat("EDUNEWS_ALARM_SHARE", defaults.EDUNEWS_ALARM_SHARE)
        self.store_pages = settings.getbool("EDUNEWS_STORE_PAGES", defaults.EDUNEWS_STORE_PAGES)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def admit(self, item: ArticleItem) -> dict | None:
        """Count the item and check its dates (DropItem outside them); the raw page to keep with it, if any."""
        stats = self.crawler.stats
        # Counted before the date range check: a template change shows whichever dates were asked for.
        stats.inc_value("edunews/articles_seen")
        for name, value in (("title", item.title), ("date", item.published_at), ("body", item.body_text)):
            if not value:
                stats.inc_value(f"edunews/missing_{name}")
        if not in_date_range(item.published_at, self.since, self.until):
            stats.inc_value("edunews/articles_out_of_range")
            raise DropItem(f"published {item.published_at}, outside --since/--until: {item.fetched_url}")
        if self.store_pages and item.raw_page:
            return {**item.raw_page, "fetched_at": item.fetched_at, "site": item.site}
        return None

    def outcome(self, spider, reason: str) -> CrawlRecord:
        """The crawl's status, its figures and its site's figures, from the stats (also set as stats)."""
        record = crawl_record(self.crawler.stats.get_stats(), reason, self.alarm_share, site_of(spider))
        if record.alarm:
            self.crawler.stats.set_value("edunews/alarm", record.alarm)
            logger.error("%s: site alarm: %s", spider.name, record.alarm)
        self.crawler.stats.set_value("edunews/crawl_status", record.status)
        return record

    def spider_of(self, spider=None):
        return spider if spider is not None else self.crawler.spider

    def spider_closed(self, spider, reason: str) -> None:
        raise NotImplementedError


class StorePipeline(ArchiveEnd):
    """Writes each article to the SQLite archive in its own transaction and records the crawl."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        if frontier_url(crawler.settings):
            raise NotConfigured("a shared crawl's items go to the writer (StreamPipeline)")
        path = crawler.settings.get("EDUNEWS_DB")
        if not path:
            raise NotConfigured("EDUNEWS_DB is not set")
        pipeline = cls(path)
        pipeline.configure(crawler)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        self.archive = Archive(self.db_path)
        profile = getattr(spider, "profile", None)
        if profile is not None:
            self.archive.upsert_sites([profile.site_row()])
        self.crawl_id = self.archive.start_crawl(spider.name if spider else "unknown")

    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        page = self.admit(item)
        try:
            # The raw page goes in the article's transaction: both are stored, or neither.
            result = self.archive.store_article(item.record(), page)
        except sqlite3.OperationalError as exc:
            self._write_failed(exc, item)
            raise DropItem(f"not stored ({exc}): {item.fetched_url}") from exc
        self.crawler.stats.inc_value(f"edunews/articles_{result.status}")
        return item

    def _write_failed(self, exc: sqlite3.OperationalError, item: ArticleItem) -> None:
        """A write the archive refused (disk full, I/O error): counted as an error, and when the archive cannot
        grow the crawl stops, since every page fetched from then on would be lost. store_article rolled back."""
        full = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(exc)
        kind = "archive_full" if full else "archive_write"
        self.crawler.stats.inc_value(f"edunews/errors/{kind}")
        logger.error("archive %s: %s; not stored: %s", self.db_path, exc, item.fetched_url)
        if full and not self._stopping:
            self._stopping = True
            logger.error("archive %s is full: stopping the crawl (free space, then run again)", self.db_path)
            engine = self.crawler.engine
            if hasattr(engine, "close_spider_async"):
                deferred_from_coro(engine.close_spider_async(reason=ARCHIVE_FULL))
            else:  # Scrapy before 2.14
                engine.close_spider(self.crawler.spider, ARCHIVE_FULL)

    def spider_closed(self, spider, reason: str) -> None:
        """Record the crawl once Scrapy knows why it ended (pipelines close before the reason is known)."""
        if self.archive is None:
            return
        record = self.outcome(spider, reason)
        # The crawl's record is written last; an archive that cannot take it keeps the crawl 'running', as a
        # killed run does, and the outcome still carries the status.
        try:
            self.archive.finish_crawl(self.crawl_id, record.status, record.crawl)
            self.archive.record_crawl_site(self.crawl_id, record.site, record.site_figures)
        except sqlite3.OperationalError as exc:
            logger.error("archive %s: the crawl's record was not written: %s", self.db_path, exc)
        self.archive.close()
        self.archive = None


class StreamPipeline(ArchiveEnd):
    """In a shared crawl (EDUNEWS_FRONTIER), sends each article with its raw page to the one writer
    (`edunews store`) through Redis, and the crawl's record when the spider closes; the worker never opens the
    archive. The writer stores them with the archive's own dedup, near-duplicates, revisions and search index."""

    def __init__(self, url: str, backlog_limit: int) -> None:
        self.server = redis_state.shared_client(url)
        self.backlog_limit = backlog_limit
        self.started_at: str | None = None
        self.site_row: dict | None = None

    @classmethod
    def from_crawler(cls, crawler):
        url = frontier_url(crawler.settings)
        if not url:
            raise NotConfigured
        pipeline = cls(url, crawler.settings.getint("EDUNEWS_STREAM_MAX", defaults.EDUNEWS_STREAM_MAX))
        pipeline.configure(crawler)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        profile = getattr(spider, "profile", None)
        self.site_row = profile.site_row() if profile is not None else None
        self.started_at = utc_now()

    async def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        page = self.admit(item)
        body = None
        if page is not None:
            page = dict(page)
            body = page.pop("body")
            body = body.encode("utf-8") if isinstance(body, str) else body
        await self._room()
        data = {
            "record": item.record(), "page": page, "site_row": self.site_row,
            "spider": self.spider_of(spider).name, "worker": worker_of(self.crawler.settings),
            "started_at": self.started_at,
        }
        redis_state.send(self.server, "article", data, body)
        self.crawler.stats.inc_value("edunews/articles_sent")
        return item

    async def _room(self) -> None:
        """Wait while the writer is this many messages behind: Redis holds the backlog in memory."""
        while self.backlog_limit and self.server.xlen(redis_state.ITEMS_STREAM) > self.backlog_limit:
            self.crawler.stats.inc_value("edunews/writer_waits")
            await pause(0.5)

    def spider_closed(self, spider, reason: str) -> None:
        record = self.outcome(spider, reason)
        data = {
            "spider": spider.name, "worker": worker_of(self.crawler.settings), "started_at": self.started_at,
            "status": record.status, "crawl": record.crawl, "site": record.site, "site_figures": record.site_figures,
            "site_row": self.site_row,
        }
        try:
            redis_state.send(self.server, "crawl", data)
        except Exception as exc:  # Redis gone: the articles went before; this worker's crawl record is lost
            logger.error("the crawl's record was not sent to the writer: %s", exc)


@dataclass
class CrawlRecord:
    """How a spider's crawl ended: its status, its alarm, the crawls row's figures and the crawl_sites row's."""

    status: str
    alarm: str | None
    site: str
    crawl: dict
    site_figures: dict


def crawl_record(stats, reason: str, alarm_share: float, site: str) -> CrawlRecord:
    """A crawl's status from its close reason, errors and alarm, and its figures, from its stats."""
    errors = error_count(stats)
    alarm = site_alarm(stats, alarm_share)
    if reason == "finished" or str(reason).startswith("closespider_"):
        status = "ok" if errors == 0 else "finished_with_errors"
        if alarm:
            status = "alarm"
    elif reason == "shutdown":
        status = "interrupted"
    else:
        status = "failed"
    pages = stats.get("response_received_count", 0)
    new = stats.get("edunews/articles_new", 0)
    updated = stats.get("edunews/articles_updated", 0)
    duplicates = stats.get("edunews/articles_duplicate", 0)
    crawl = {"pages": pages, "articles_new": new, "articles_updated": updated, "duplicates": duplicates,
             "errors": errors}
    figures = {
        "pages": pages, "new": new, "updated": updated, "duplicates": duplicates, "errors": errors,
        "missing_title": missing_field(stats, "title"),
        "missing_date": missing_field(stats, "date"),
        "missing_body": missing_field(stats, "body"),
        "alarm": alarm,
    }
    return CrawlRecord(status, alarm, site, crawl, figures)


def in_date_range(published_at: str | None, since: str | None, until: str | None) -> bool:
    """Whether an article's date is within --since/--until (days, inclusive); undated articles are kept."""
    if not published_at:
        return True
    day = published_at[:10]
    return not ((since and day < since) or (until and day > until))


def site_alarm(stats, share: float) -> str | None:
    """Why a site's extraction looks broken, from its crawl stats; None when it looks healthy.

    Listing pages without a single article link, article pages none of which gave an article, or more than
    `share` of the articles missing a title, date or body: the signs of a template change.
    """
    get = stats.get
    listing_pages = get("edunews/listing_pages", 0)
    if listing_pages and not get("edunews/listing_links", 0):
        return f"{listing_pages} listing pages but no article links"
    rejected = failed_articles(stats)
    seen = get("edunews/articles_seen", 0)
    # Articles the server said are unchanged (304) were extracted fine before: the template still yields some.
    unchanged = get("edunews/articles_not_modified", 0)
    if listing_pages and rejected and not seen and not unchanged:
        return f"{listing_pages} listing pages but no articles ({rejected} article pages gave none)"
    # A 304 comes only for a page whose template did not change: it counts as one that still extracts.
    pages = seen + rejected + unchanged
    if pages:
        for name in ("title", "date", "body"):
            missing = missing_field(stats, name)
            if missing / pages > share:
                return f"{missing} of {pages} articles without a {name}"
    return None


def failed_articles(stats) -> int:
    """Pages fetched as articles that gave none: rejected by the page check or dropped as empty."""
    return stats.get("edunews/rejected_articles", 0) + stats.get("edunews/empty_articles", 0)


def missing_field(stats, name: str) -> int:
    """Articles without a title, date or body, counting the article pages that gave no article at all."""
    return stats.get(f"edunews/missing_{name}", 0) + failed_articles(stats)
