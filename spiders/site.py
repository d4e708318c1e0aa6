"""The spider of one configured site: listing pages -> article pages -> items, by the site's family rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import settings as defaults
from crawler import state
from crawler.dates import parse_datetime
from crawler.extract.listing import article_links, next_page
from crawler.extract.page import ArticlePage, page_item
from crawler.html import parse_document
from crawler.middlewares import OffsiteRedirect
from crawler.urls import canonical_url, site_key
from spiders.profiles import SiteProfile
from storage.archive import utc_now


class SiteSpider(scrapy.Spider):
    """Crawls one site profile. `scrapy crawl NAME -a url=URL` refetches one article only."""

    name = "site"
    profile: SiteProfile
    # Listing pages and refreshed articles are fetched with the validators the archive holds (crawler/conditional.py).
    conditional_get = True

    def __init__(
        self, *args: Any, url: str | None = None, refresh: bool | str = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rules = self.profile.rules
        self.only_url = url
        self.refresh = str(refresh).lower() in ("1", "true", "yes")
        # Canonical URLs of this site's stored articles: not requested again unless refreshing.
        self.known_urls: frozenset[str] = frozenset()
        self._skipped: set[str] = set()
        self.stop_after_known = 2
        self.since: date | None = None
        self.revalidate_listings = True
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
        settings = crawler.settings
        if not spider.max_listing_pages:
            spider.max_listing_pages = settings.getint("EDUNEWS_MAX_LISTING_PAGES", defaults.EDUNEWS_MAX_LISTING_PAGES)
        spider.refresh = spider.refresh or settings.getbool("EDUNEWS_REFRESH", defaults.EDUNEWS_REFRESH)
        spider.stop_after_known = settings.getint(
            "EDUNEWS_STOP_AFTER_KNOWN_PAGES", defaults.EDUNEWS_STOP_AFTER_KNOWN_PAGES
        )
        since = settings.get("EDUNEWS_SINCE")
        spider.since = date.fromisoformat(since) if since else None
        # A refresh or a date-range rerun must walk the listings, not stop at "unchanged since last night".
        spider.revalidate_listings = not (spider.refresh or since or settings.get("EDUNEWS_UNTIL"))
        if not spider.refresh:
            spider.known_urls = state.known_urls(settings, spider.profile.name)
        return spider

    def article_page(self, response: TextResponse) -> ArticlePage:
        """The page object of a fetched page, with this site's rules and name."""
        return ArticlePage(response.text, response.url, self.rules, site_names=(self.profile.title,))

    def is_known(self, url: str) -> bool:
        """Whether url is a stored article of this site that an incremental run leaves alone (and count it)."""
        url = canonical_url(url, self.rules.keep_params)
        if self.refresh or url not in self.known_urls:
            return False
        # Counted once per article, however many pages link it.
        if url not in self._skipped:
            self._skipped.add(url)
            self.crawler.stats.inc_value("edunews/known_skipped")
        return True

    def before_since(self, listing_date: str | None) -> bool:
        """Whether a listing date is older than --since (undated or unreadable: no)."""
        if self.since is None or not listing_date:
            return False
        found = parse_datetime(listing_date)
        if found is None:
            return False
        day = found.date() if isinstance(found, datetime) else found
        return day < self.since

    # -- requests ---------------------------------------------------------------------------------------------
    def request(self, url: str, callback, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            canonical_url(url, self.rules.keep_params), callback=callback, errback=self.on_error, meta=meta,
            # Articles before the next listing page: the queue holds one page of articles, not the whole site's.
            priority=1 if meta.get("edunews_article") else 0,
        )

    def listing_request(self, url: str, page: int, **meta: Any) -> scrapy.Request:
        return self.request(
            url, self.parse_listing, listing_page=page, edunews_unconditional=not self.revalidate_listings, **meta
        )

    def start_requests(self):
        if self.only_url:
            # Asked for by hand: always the whole page, whatever the archive's validators say.
            yield self.request(
                self.only_url, self.parse_article, edunews_trusted=True, edunews_unconditional=True
            ).replace(dont_filter=True)
            return
        for url in self.profile.absolute_start_urls():
            yield self.listing_request(url, 1, edunews_trusted=True)

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
        if failure.check(OffsiteRedirect):
            return  # a refusal, counted by the middleware, not a failure of the site
        message = str(failure.value)
        if "DOWNLOAD_MAXSIZE" in message or "download max size" in message:
            # Over the size limit on the wire or once decompressed (a gzip bomb): one kind, whatever raised it.
            stats.inc_value("edunews/errors/too_large")
            self.logger.warning("too large, not stored: %s", request.url)
            return
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
        if response.status == 304:
            # Unchanged since the last complete run: every article it links was handled then; older pages too.
            self.crawler.stats.inc_value("edunews/listings_not_modified")
            return
        if not isinstance(response, TextResponse):
            return
        doc = parse_document(response.text)
        links = article_links(doc, response.url, self.rules)
        self.crawler.stats.inc_value("edunews/listing_pages")
        if not links:
            self.crawler.stats.inc_value("edunews/listing_pages_without_links")
        self.crawler.stats.inc_value("edunews/listing_links", len(links))
        fresh = 0
        old = [self.before_since(link.date) for link in links]
        for link, too_old in zip(links, old, strict=True):
            if self.is_known(link.url):
                continue
            fresh += 1
            if too_old:
                self.crawler.stats.inc_value("edunews/before_since_skipped")
                continue
            yield self.request(link.url, self.parse_article, listing_date=link.date, edunews_article=True)
        page = response.meta.get("listing_page", 1)
        # Consecutive pages of this listing holding only stored articles: the rest of it is older news.
        streak = response.meta.get("known_streak", 0) + 1 if links and not fresh else 0
        if streak and streak >= self.stop_after_known > 0:
            self.crawler.stats.inc_value("edunews/listings_stopped_known")
            return
        if links and all(old):
            self.crawler.stats.inc_value("edunews/listings_stopped_since")
            return
        following = next_page(doc, response.url, self.rules)
        if following and page < self.max_listing_pages:
            yield self.listing_request(following, page + 1, known_streak=streak)

    def parse_article(self, response: Response):
        if response.status == 304:
            # A refreshed article the server says is unchanged: the archive copy stands (its last_seen_at moves).
            self.crawler.stats.inc_value("edunews/articles_not_modified")
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("edunews/not_html")
            return
        page = self.article_page(response)
        if not page.is_article():
            self.crawler.stats.inc_value("edunews/not_articles")
            # Linked as an article yet none: what a changed article template looks like.
            self.crawler.stats.inc_value("edunews/rejected_articles")
            self.logger.debug("not an article: %s", response.url)
            return
        urls = (*response.meta.get("redirect_urls", ()), response.request.url)
        item = page_item(page, self.name, utc_now(), urls, response.meta.get("listing_date"))
        item.raw_page = raw_page(response, self.rules.name, urls)
        yield item


def raw_page(response: Response, family: str, urls: tuple[str, ...]) -> dict[str, Any]:
    """What the archive keeps of a fetched article page, so it can be re-extracted without the network."""
    headers = {
        key.decode("latin-1"): [value.decode("latin-1") for value in values]
        for key, values in response.headers.items()
    }
    return {
        "url": response.url,
        "status": response.status,
        "headers": headers,
        "body": response.body,
        "family": family,
        "urls": list(urls),
        "listing_date": response.meta.get("listing_date"),
        # The encoding the crawl settled on (the charset repair may have overruled the header).
        "encoding": getattr(response, "encoding", None),
    }


def stored_response(stored: dict[str, Any]) -> HtmlResponse:
    """A kept raw page (raw_page) as Scrapy's own response again: it decodes exactly as it did in the crawl."""
    request = scrapy.Request(stored["url"], meta={"listing_date": stored.get("listing_date")})
    return HtmlResponse(
        stored["url"], headers=stored["headers"], body=stored["body"], encoding=stored["encoding"], request=request
    )


def raw_page_text(stored: dict[str, Any]) -> str:
    """A kept raw page (raw_page) as text, read as in the crawl (edunews reparse, template learning)."""
    return stored_response(stored).text
