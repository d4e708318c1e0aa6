"""Conditional GETs: ask a server whether a page changed since the archive last saw it.

Scrapy's HTTP cache (RFC2616Policy) also revalidates, but it keeps whole responses in a cache directory beside the
project. Our validators live in the archive (storage/validators.py), so the incremental state moves with the
archive file, and only the two headers are kept, not the pages twice.

Which validators are recorded, so that a 304 never hides something the archive lacks:
- article pages: only once the article is stored (a page that failed extraction is fetched in full next time);
- listing pages: only after a complete, error-free, unrestricted run (no --since/--until/--url/--max-pages), since
  a listing answered 304 is not read again, and an article it links that failed tonight must be retried tomorrow.

In a shared crawl (EDUNEWS_FRONTIER) the workers never open the archive: validators are read from what the writer
publishes in Redis, and the writer records an article's validators when it stores the article (from the raw
page's headers). Listing validators are not recorded there: no one worker knows the whole crawl was complete.

Only spiders that set `conditional_get = True` take part: the site spiders, whose listings stop at known articles
anyway. Generic discovery pages are always read in full, as their links are how unknown articles are found.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler import settings as defaults
from crawler.crawlstats import error_count
from storage import redis_state, validators
from storage.archive import utc_now

logger = logging.getLogger(__name__)

NOT_MODIFIED = 304
# Article validators are written (and 304'd articles touched) in batches of this size, bounding what is held.
FLUSH_EVERY = 200


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    if not value:
        return None
    return value.decode("latin-1").strip() or None


class ConditionalGetMiddleware:
    """Downloader middleware: adds If-None-Match / If-Modified-Since from the archive, lets 304s through to the
    spider (which treats them as "unchanged"), and records the validators of full responses."""

    def __init__(self, crawler, db_path: str | None, shared=None) -> None:
        self.crawler = crawler
        self.db_path = db_path
        # A shared crawl's Redis (read only), else None.
        self.shared = shared
        self.conn = None
        # (url, etag, last_modified, site) of full article responses, waiting for their article to be stored.
        self.articles: list[tuple[str, str | None, str | None, str | None]] = []
        self.waited: set[str] = set()
        self.listings: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.unchanged: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("EDUNEWS_CONDITIONAL_GET", defaults.EDUNEWS_CONDITIONAL_GET):
            raise NotConfigured
        if settings.get("EDUNEWS_FRONTIER"):
            return cls(crawler, None, shared=redis_state.shared_client(settings.get("EDUNEWS_FRONTIER")))
        if not settings.get("EDUNEWS_DB"):
            raise NotConfigured
        middleware = cls(crawler, settings.get("EDUNEWS_DB"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _conn(self):
        if self.conn is None:
            # The store pipeline opens the archive first (creating or migrating its schema).
            self.conn = validators.connect(self.db_path)
        return self.conn

    @staticmethod
    def _takes_part(request: Request, spider) -> bool:
        return (
            getattr(spider, "conditional_get", False)
            and request.method == "GET"
            and not request.meta.get("edunews_unconditional")
        )

    def process_request(self, request: Request, spider=None):
        spider = spider or self.crawler.spider
        if not self._takes_part(request, spider) or b"If-None-Match" in request.headers:
            return None
        known = self._lookup(request.url)
        if known is None:
            return None
        if known.etag:
            request.headers[b"If-None-Match"] = known.etag
        if known.last_modified:
            request.headers[b"If-Modified-Since"] = known.last_modified
        # The spider, not HttpErrorMiddleware, decides what a 304 means.
        request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", ()), NOT_MODIFIED]
        request.meta["edunews_conditional"] = True
        return None

    def _lookup(self, url: str) -> validators.Validators | None:
        if self.shared is None:
            return validators.lookup(self._conn(), url)
        found = redis_state.validators(self.shared, url)
        return validators.Validators(*found) if found else None

    def process_response(self, request: Request, response: Response, spider=None):
        spider = spider or self.crawler.spider
        if not self._takes_part(request, spider):
            return response
        if response.status == NOT_MODIFIED and request.meta.get("edunews_conditional"):
            self.crawler.stats.inc_value("edunews/not_modified")
            if self.shared is not None:
                return response  # the writer records validators (and what was unchanged) in a shared crawl
            if "listing_page" not in request.meta:
                self.unchanged.append(request.url)
        elif response.status == 200 and self.shared is None:
            entry = (
                request.url, _header(response, b"ETag"), _header(response, b"Last-Modified"),
                getattr(getattr(spider, "profile", None), "name", None),
            )
            if entry[1] or entry[2]:
                if "listing_page" in request.meta:
                    self.listings[request.url] = entry
                else:
                    self.articles.append(entry)
        if len(self.articles) + len(self.unchanged) >= FLUSH_EVERY:
            self._flush()
        return response

    def _flush(self, final: bool = False) -> None:
        now = utc_now()
        conn = self._conn()
        done = validators.stored(conn, [entry[0] for entry in self.articles])
        validators.record(conn, [entry for entry in self.articles if entry[0] in done], now)
        # A page still in the pipeline gets one more flush to be stored; after that it failed extraction.
        pending = [e for e in self.articles if e[0] not in done and e[0] not in self.waited and not final]
        self.waited = {entry[0] for entry in pending}
        self.articles = pending
        validators.touch_articles(conn, self.unchanged, now)
        self.unchanged.clear()

    def spider_closed(self, spider, reason: str) -> None:
        if self.conn is None and not (self.articles or self.unchanged or self.listings):
            return
        try:
            self._flush(final=True)
            if self.listings and self._complete_run(spider, reason):
                validators.record(self._conn(), self.listings.values(), utc_now())
        finally:
            if self.conn is not None:
                self.conn.close()
                self.conn = None

    def _complete_run(self, spider, reason: str) -> bool:
        settings = self.crawler.settings
        return (
            reason == "finished"
            and error_count(self.crawler.stats.get_stats()) == 0
            and not settings.get("EDUNEWS_SINCE")
            and not settings.get("EDUNEWS_UNTIL")
            and not getattr(spider, "only_url", None)
        )
