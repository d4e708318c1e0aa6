"""Scrapy item pipelines, in order. Each is a thin component over one step of :mod:`crawler.steps`.

ITEM_PIPELINES in crawler/settings.py wires them: normalise (100) -> clean (200) -> dates (300) -> images (400)
-> author (500) -> dedup (600) -> store (900).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler import steps
from crawler.items import ArticleItem
from storage import Archive

logger = logging.getLogger(__name__)


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


class ImagesPipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        return steps.images_step(item)


class AuthorPipeline(StepPipeline):
    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        return steps.author_step(item)


class DedupPipeline(StepPipeline):
    """The last check before the archive, whose dedup index does the rest.

    A page that yielded neither title nor body is dropped here (and counted). Canonical URLs and identities are
    set by the page object; the archive merges every URL of one identity into one row and marks exact copies
    (same content hash) as duplicates of the first-published one.
    """

    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        if not item.title and not item.body_text:
            if self.crawler is not None:
                self.crawler.stats.inc_value("edunews/empty_articles")
            raise DropItem(f"no title and no body: {item.fetched_url}")
        return item


class StorePipeline:
    """Writes each article to the SQLite archive in its own transaction and records the crawl."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.archive: Archive | None = None
        self.crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("EDUNEWS_DB")
        if not path:
            raise NotConfigured("EDUNEWS_DB is not set")
        pipeline = cls(path)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        self.archive = Archive(self.db_path)
        profile = getattr(spider, "profile", None)
        if profile is not None:
            self.archive.upsert_sites([profile.site_row()])
        self.crawl_id = self.archive.start_crawl(spider.name if spider else "unknown")

    def process_item(self, item: ArticleItem, spider=None) -> ArticleItem:
        result = self.archive.store_article(item.record())
        stats = self.crawler.stats
        stats.inc_value(f"edunews/articles_{result.status}")
        return item

    def spider_closed(self, spider, reason: str) -> None:
        """Record the crawl once Scrapy knows why it ended (pipelines close before the reason is known)."""
        if self.archive is None:
            return
        stats = self.crawler.stats.get_stats()
        errors = sum(
            v for k, v in stats.items() if k.startswith(("edunews/errors/", "spider_exceptions/"))
        )
        if reason == "finished" or str(reason).startswith("closespider_"):
            status = "ok" if errors == 0 else "finished_with_errors"
        elif reason == "shutdown":
            status = "interrupted"
        else:
            status = "failed"
        self.archive.finish_crawl(
            self.crawl_id,
            status,
            {
                "pages": stats.get("response_received_count", 0),
                "articles_new": stats.get("edunews/articles_new", 0),
                "articles_updated": stats.get("edunews/articles_updated", 0),
                "duplicates": stats.get("edunews/articles_duplicate", 0),
                "errors": errors,
            },
        )
        self.crawler.stats.set_value("edunews/crawl_status", status)
        self.archive.close()
        self.archive = None
