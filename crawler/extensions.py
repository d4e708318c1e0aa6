"""A one-line progress display for people watching a crawl in a terminal."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler import settings as defaults
from crawler.crawlstats import error_count


class ProgressLine:
    """Rewrites one stderr line every second: pages, articles new/updated/duplicate, errors.

    Only on a terminal; under cron the regular log lines (LogStats) are the record.
    """

    def __init__(self, stats, interval: float = 1.0) -> None:
        self.stats = stats
        self.interval = interval
        self.task: task.LoopingCall | None = None
        self.name = ""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("EDUNEWS_PROGRESS", defaults.EDUNEWS_PROGRESS) or not sys.stderr.isatty():
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def line(self) -> str:
        get = self.stats.get_value
        errors = error_count(self.stats.get_stats())
        return (
            f"{self.name}: {get('response_received_count', 0)} pages, "
            f"{get('edunews/articles_new', 0)} new, {get('edunews/articles_updated', 0)} updated, "
            f"{get('edunews/articles_duplicate', 0)} duplicates, {errors} errors"
        )

    def show(self) -> None:
        sys.stderr.write("\r\033[K" + self.line())
        sys.stderr.flush()

    def spider_opened(self, spider) -> None:
        self.name = spider.name
        self.task = task.LoopingCall(self.show)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.show()
        sys.stderr.write("\n")
