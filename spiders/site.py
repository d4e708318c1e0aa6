"""The spider of one configured site: listing pages -> article pages -> items, by the site's family rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract.listing import article_links, next_page
from crawler.extract.page import ArticlePage, page_item
from crawler.html import parse_document
from crawler.urls import canonical_url, site_key
from spiders.profiles import SiteProfile


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SiteSpider(scrapy.Spider):
    """Crawls one site profile. `scrapy crawl NAME -a url=URL` refetches one article only."""

    name = "site"
    profile: SiteProfile

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = self.profile.rules
        self.only_url = url
        starts = [self.profile.base_url, *self.profile.absolute_start_urls()]
        self.allowed_hosts = {site_key(u) for u in starts}
        self.max_listing_pages = int(
            self.profile.max_listing_pages
            or kwargs.get("max_listing_pages")
            or 0
        )

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.max_listing_pages:
            spider.max_listing_pages = crawler.settings.getint("EDUNEWS_MAX_LISTING_PAGES", 50)
        return spider

    # -- requests ---------------------------------------------------------------------------------------------
    def request(self, url: str, callback, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            canonical_url(url, self.rules.keep_params), callback=callback, errback=self.on_error, meta=meta
        )

    def start_requests(self):
        if self.only_url:
            yield self.request(self.only_url, self.parse_article, edunews_trusted=True).replace(
                dont_filter=True
            )
            return
        for url in self.profile.absolute_start_urls():
            yield self.request(url, self.parse_listing, listing_page=1, edunews_trusted=True)

    async def start(self):
        for request in self.start_requests():
            yield request

    def on_error(self, failure) -> None:
        """Count every request that failed, by kind; the crawl record and exit status are built from these."""
        stats = self.crawler.stats
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            stats.inc_value(f"edunews/errors/http_{status}")
            self.logger.warning("HTTP %s on %s", status, request.url)
            return
        message = str(failure.value)
        if "robots.txt" in message:
            stats.inc_value("edunews/robots_forbidden")
            return
        if "redirect" in message.lower():
            stats.inc_value("edunews/errors/redirect_loop")
            self.logger.warning("too many redirects from %s", request.url)
            return
        kind = failure.type.__name__ if failure.type else "unknown"
        stats.inc_value(f"edunews/errors/{kind}")
        self.logger.warning("%s on %s: %s", kind, request.url, message)

    # -- callbacks --------------------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any):
        return self.parse_listing(response)

    def parse_listing(self, response: Response):
        if not isinstance(response, TextResponse):
            return
        doc = parse_document(response.text)
        links = article_links(doc, response.url, self.rules)
        self.crawler.stats.inc_value("edunews/listing_pages")
        if not links:
            self.crawler.stats.inc_value("edunews/listing_pages_without_links")
        for link in links:
            yield self.request(link.url, self.parse_article, listing_date=link.date)
        page = response.meta.get("listing_page", 1)
        following = next_page(doc, response.url, self.rules)
        if following and page < self.max_listing_pages:
            yield self.request(following, self.parse_listing, listing_page=page + 1)

    def parse_article(self, response: Response):
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("edunews/not_html")
            return
        page = ArticlePage(response.text, response.url, self.rules, site_names=(self.profile.title,))
        if not page.is_article():
            self.crawler.stats.inc_value("edunews/not_articles")
            self.logger.debug("not an article: %s", response.url)
            return
        urls = (*response.meta.get("redirect_urls", ()), response.request.url)
        yield page_item(page, self.name, utc_now(), urls, response.meta.get("listing_date"))
