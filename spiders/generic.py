"""Generic mode: archive a site no profile describes, from its address alone.

Discovery: sitemap.xml and RSS feeds when the site has them, else listing pages and links, never leaving the
start host, bounded by depth, a page budget and the trap guard. The first page decides whether a shipped family
fits (fingerprints); otherwise every page is judged and extracted by the generic rules.

Reruns: what each fetched URL turned out to be is kept in the archive (storage/memory.py). The next run does not
request aliases of stored articles, pages that gave no article or dead links (until they are
`EDUNEWS_RECHECK_DAYS` old), and reads listings only as far as `EDUNEWS_STOP_AFTER_KNOWN_PAGES` pages of known links.

Learning: at the end of a crawl that no shipped family fits, the site's stored article pages teach its template
(crawler/extract/learn.py, kept in `learned_sites`); the next crawl of the site uses it as its rules.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from crawler import settings as defaults
from crawler import state
from crawler.extract.learn import MAX_PAGES, MIN_PAGES, LearnedProfile, learn, learned_rules
from crawler.extract.listing import all_links, article_links, feed_links, has_clock_time, next_page, page_number
from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import GENERIC
from crawler.frontier import HOLDING
from crawler.html import parse_document
from crawler.middlewares import RedirectLoop
from crawler.urls import canonical_url, site_key
from spiders.profiles import SiteProfile, choose_rules
from spiders.site import SiteSpider, raw_page, raw_page_text, stored_response
from storage import learned, memory
from storage.archive import utc_now

# Undated article pages kept at once while waiting for a dated link to them.
MAX_UNDATED = 500
# When one URL was seen as several kinds in a run, the most specific wins.
_PRECEDENCE = {"no_article": 0, "listing": 1, "listing_page": 2, "gone": 3, "alias": 4}


class GenericSpider(SiteSpider):
    """`scrapy crawl generic -a start_url=https://example.edu.vn/` (or `edunews crawl URL`)."""

    name = "generic"

    @classmethod
    def update_settings(cls, settings) -> None:
        """Discovery's bounds: EDUNEWS_GENERIC_DEPTH and EDUNEWS_GENERIC_MAX_PAGES, at the spider's priority (an
        operator's --max-pages or -s DEPTH_LIMIT still wins)."""
        super().update_settings(settings)
        depth = settings.getint("EDUNEWS_GENERIC_DEPTH", defaults.EDUNEWS_GENERIC_DEPTH)
        pages = settings.getint("EDUNEWS_GENERIC_MAX_PAGES", defaults.EDUNEWS_GENERIC_MAX_PAGES)
        settings.set("DEPTH_LIMIT", depth, priority="spider")
        settings.set("CLOSESPIDER_PAGECOUNT", pages, priority="spider")

    def __init__(self, *args: Any, start_url: str | None = None, **kwargs: Any) -> None:
        if not start_url:
            raise ValueError("the generic spider needs a start URL: -a start_url=https://…")
        self.profile = SiteProfile(name=site_key(start_url), base_url=start_url, start_urls=(start_url,))
        super().__init__(*args, **kwargs)
        self.detected: str | None = None
        # What the archive remembers of this site's URLs (canonical URL -> kind, target), and what this run saw.
        self.remembered: dict[str, memory.Remembered] = {}
        self.seen_kinds: dict[str, tuple[str, str | None, int | None]] = {}
        self.articles_seen: set[str] = set()
        # Pages that held article links, and how many pages hold each link: a listing is a page with links of its
        # own, not only the 'latest news' box every page of the template repeats.
        self.listing_candidates: dict[str, tuple[int, bool, frozenset[str]]] = {}
        self.link_counts: Counter[str] = Counter()
        self.pages_parsed = 0
        # Article pages without a date of their own, waiting for a listing that dates them (bounded: they are kept
        # whole until then).
        self.undated: dict[str, tuple[Response, tuple[str, ...]]] = {}
        self.undated_dates: dict[str, str] = {}
        self.link_dates: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.db_path = settings.get("EDUNEWS_DB")
        # In a shared crawl the state comes from, and goes back to, the writer through Redis (crawler/state.py).
        spider.shared = bool(settings.get("EDUNEWS_FRONTIER"))
        spider.has_state = spider.shared or bool(spider.db_path)
        spider.recheck_days = settings.getint("EDUNEWS_RECHECK_DAYS", defaults.EDUNEWS_RECHECK_DAYS)
        # EDUNEWS_URL_MEMORY=False: neither read nor written (every link requested again, as before it existed).
        spider.use_memory = spider.has_state and settings.getbool("EDUNEWS_URL_MEMORY", defaults.EDUNEWS_URL_MEMORY)
        if spider.use_memory and not spider.refresh and not spider.only_url:
            spider.remembered = state.remembered(settings, spider.profile.name)
        spider.learning = settings.getbool("EDUNEWS_LEARN", defaults.EDUNEWS_LEARN)
        learns = spider.learning and spider.has_state
        selectors = state.learned_selectors(settings, spider.profile.name) if learns else None
        if selectors:
            spider.rules = learned_rules(selectors)  # a shipped family recognised on the home page still replaces it
        # A redirect to a page already requested is dropped by the duplicate filter: its source is an alias still.
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.read_undated, signal=signals.spider_idle)
        return spider

    def read_undated(self, spider=None) -> None:
        """When the crawl runs dry, the held pages that a listing dated with a day alone are read with that day.
        A spider can hand items to Scrapy only from a callback: each such page is requested once more (past the
        duplicate filter), and its callback turns the page kept from the first answer into the item."""
        if spider is not None and spider is not self:
            return
        if self.shared and self.undated:
            # Another worker's listings may have dated a page this one holds.
            for key, day in state.shared_link_dates(self.crawler.settings, self.profile.name, self.undated).items():
                known = self.undated_dates.get(key)
                if known is None or (has_clock_time(day) and not has_clock_time(known)):
                    self.undated_dates[key] = day
        dated = [(key, self.undated_dates.pop(key)) for key in list(self.undated_dates) if key in self.undated]
        if not dated:
            return
        for key, day in dated:
            held, held_urls = self.undated.pop(key)
            release(held)
            # The page travels as its raw form: a shared crawl's queue keeps requests in Redis.
            kept = raw_page(held, self.rules.name, held_urls)
            self.crawler.engine.crawl(
                scrapy.Request(
                    held.url, callback=self.parse_held, errback=self.on_error, dont_filter=True,
                    meta={"edunews_held": (kept, held_urls, day), "edunews_article": True},
                )
            )
        raise DontCloseSpider

    def parse_held(self, response: Response):
        kept, held_urls, day = response.meta["edunews_held"]
        held = stored_response(kept)
        yield self.article_item(self.article_page(held), held, tuple(held_urls), day)

    def start_requests(self):
        if self.only_url:
            yield from super().start_requests()
            return
        start = self.profile.base_url
        yield self.request(start, self.parse_page, edunews_trusted=True, home=True)
        sitemap = urljoin(start, "/sitemap.xml")
        if self.wanted(sitemap):
            yield self.request(sitemap, self.parse_sitemap, edunews_trusted=True)

    # -- URL memory -------------------------------------------------------------------------------------------
    def wanted(self, url: str) -> str | None:
        """The URL to request for a link, or None when the archive says it holds nothing new: a stored article, an
        alias (followed to its target), a page that gave no article, a dead link or a later page of a listing."""
        for _ in range(5):  # a chain of aliases, bounded
            if self.is_known(url):
                return None
            entry = self.remembered.get(canonical_url(url, self.rules.keep_params))
            if entry is None:
                return url
            if entry.kind == "alias" and entry.target:
                url = entry.target
                continue
            if entry.kind in memory.SKIPPED_KINDS:
                self.crawler.stats.inc_value(f"edunews/remembered_skipped/{entry.kind}")
                return None
            return url
        return None

    def remember(self, url: str, kind: str, target: str | None = None, status: int | None = None) -> None:
        key = canonical_url(url, self.rules.keep_params)
        if target is not None:
            target = canonical_url(target, self.rules.keep_params)
            if target == key:
                return
        found = self.seen_kinds.get(key)
        if found is None or _PRECEDENCE[kind] >= _PRECEDENCE[found[0]]:
            self.seen_kinds[key] = (kind, target, status)

    def remember_redirects(self, request_urls: tuple[str, ...], final: str) -> None:
        for source in request_urls:
            self.remember(source, "alias", final)

    def request_dropped(self, request, spider=None) -> None:
        sources = request.meta.get("redirect_urls")
        if sources and (spider is None or spider is self):
            self.remember_redirects(tuple(sources), request.url)

    def on_error(self, failure) -> None:
        if failure.check(HttpError) and failure.value.response.status in (404, 410):
            self.remember(failure.request.url, "gone", status=failure.value.response.status)
        elif failure.check(RedirectLoop):
            for url in (*failure.request.meta.get("redirect_urls", ()), failure.request.url):
                self.remember(url, "gone")
        super().on_error(failure)

    def classify_listings(self) -> None:
        """Listing or page without an article, for the pages that held article links, once all pages are in."""
        floor = max(3, self.pages_parsed / 2) if self.pages_parsed >= 4 else float("inf")
        furniture = {link for link, count in self.link_counts.items() if count >= floor}
        home = canonical_url(self.profile.base_url, self.rules.keep_params)
        # Once a listing, a listing: a rerun sees too few pages to tell its links from the template's.
        listings = {url for url, entry in self.remembered.items() if entry.kind == "listing"}
        for url, (status, paginated, links) in self.listing_candidates.items():
            # Page 2 onwards (a link to 'page 1' may be the only one to its listing), and the archive of a month or
            # year gone by ('/2019/11/'): nothing new is published there.
            if url != home and (page_number(url)[1] > 1 or _past_archive(url, utc_now())):
                self.remember(url, "listing_page", status=status)
            elif paginated or links - furniture or url in listings:
                self.remember(url, "listing", status=status)
            else:
                self.remember(url, "no_article", status=status)

    def closed(self, reason: str) -> None:
        """Write what this run learned of the site's URLs and, when worth it, of its template to the archive."""
        if not self.has_state or self.only_url:
            return
        self.classify_listings()
        for url, (response, _) in self.undated.items():  # no listing ever dated them: not news, as far as we know
            self.remember(url, "no_article", status=response.status)
        rows = [
            (url, kind, target, status)
            for url, (kind, target, status) in self.seen_kinds.items()
            if url not in self.articles_seen
        ]
        wants_learning = self.learning and self.detected is None and reason == "finished"
        if self.shared:
            state.send_memory(
                self.crawler.settings, self.profile.name, rows if self.use_memory else [], wants_learning,
                (self.profile.title,),
            )
            return
        try:
            if self.use_memory:
                _record(self.db_path, self.profile.name, rows)
            if wants_learning and worth_learning(self.db_path, self.profile.name):
                found = learn_site(self.db_path, self.profile.name, (self.profile.title,))
                if found is not None:
                    self.logger.info("learned the template of %s from %d pages", self.profile.name, found.pages)
        except sqlite3.Error as exc:  # a full disk: the articles are what matters, the memory is rebuilt next run
            self.logger.error("URL memory or learned template not written: %s", exc)

    def article_item(self, page: ArticlePage, response: Response, urls: tuple[str, ...], listing_date: str | None):
        item = page_item(page, self.profile.name, utc_now(), urls, listing_date)
        item.raw_page = raw_page(response, self.rules.name, urls)
        self.articles_seen.add(canonical_url(response.url, self.rules.keep_params))
        return item

    def parse_article(self, response: Response):
        return self.parse_page(response)

    def parse_page(self, response: Response):
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("edunews/not_html")
            return
        doc = parse_document(response.text)
        if response.meta.get("home"):
            detect = self.crawler.settings.getbool("EDUNEWS_DETECT_FAMILY", defaults.EDUNEWS_DETECT_FAMILY)
            found = choose_rules(doc) if detect else GENERIC
            if found is not GENERIC:  # a shipped family recognised: it replaces generic or learned rules
                self.rules = found
                self.detected = found.name
                self.logger.info("%s looks like the %s family", response.url, found.name)
            for feed in feed_links(doc, response.url):
                yield self.request(feed, self.parse_feed, edunews_trusted=site_key(feed) in self.allowed_hosts)
        redirects = tuple(response.meta.get("redirect_urls", ()))
        self.remember_redirects(redirects, response.url)
        page = self.article_page(response)
        links = article_links(doc, response.url, self.rules)
        following = next_page(doc, response.url, self.rules)
        keys = frozenset(canonical_url(link.url, self.rules.keep_params) for link in links)
        self.link_counts.update(keys)
        self.pages_parsed += 1
        # A date the listing showed beside the link dates a page that shows none itself (listings from sitemaps'
        # lastmod do not count: a sitemap lists every page).
        listed = bool(response.meta.get("listing_date")) and not response.meta.get("edunews_from_sitemap")
        is_article = page.is_article(strict=True, listed_date=listed)
        urls = (*redirects, response.request.url)
        if is_article:
            yield self.article_item(page, response, urls, response.meta.get("listing_date"))
        elif not listed and len(self.undated) < MAX_UNDATED and page.is_article(strict=True, listed_date=True):
            # An article but for its date, reached through a link without one ('Tin mới'): kept until a listing
            # shows its date beside a link to it (the request for that link is a duplicate and never made).
            key = canonical_url(response.url, self.rules.keep_params)
            seen = self.link_dates.get(key)
            if seen is not None and has_clock_time(seen):
                yield self.article_item(page, response, urls, seen)  # a listing read earlier dated it already
            else:
                self.undated[key] = (response, urls)
                # In a shared crawl its request stays in this worker's in-flight list meanwhile: if the worker dies,
                # another fetches the page again (crawler/frontier.py).
                response.request.meta[HOLDING] = True
                if seen is not None:
                    self.undated_dates[key] = seen
        else:
            self.crawler.stats.inc_value("edunews/not_articles")
            key = canonical_url(response.url, self.rules.keep_params)
            # Linked as an article yet none (a failed extraction, a document page): its links are related news.
            if links and not response.meta.get("edunews_article"):
                self.listing_candidates[key] = (response.status, bool(following), keys)
            else:
                self.remember(key, "no_article", status=response.status)
        shown: dict[str, str] = {}
        for link in links:
            key = canonical_url(link.url, self.rules.keep_params)
            if link.date and (key not in self.link_dates or has_clock_time(link.date)):
                self.link_dates[key] = shown[key] = link.date  # the best date a listing showed: with the time if any
            if not link.date or key not in self.undated:
                continue
            if not has_clock_time(link.date):
                # A day alone ('(25/08/2026)' in a related list): kept, in case the category listing shows the
                # time too; the page is read with it when the crawl runs dry (spider_idle).
                self.undated_dates.setdefault(key, link.date)
                continue
            held, held_urls = self.undated.pop(key)
            self.undated_dates.pop(key, None)
            release(held)
            yield self.article_item(self.article_page(held), held, held_urls, link.date)
        if self.shared and shown:
            state.share_link_dates(self.crawler.settings, self.profile.name, shown)
        fresh = 0
        for link in links:
            url = self.wanted(link.url)
            if url:
                fresh += 1
                yield self.request(url, self.parse_page, listing_date=link.date, edunews_article=True)
        # Consecutive pages of a listing whose links all lead to known pages (or that hold none, like a documents
        # register under learned rules): the rest of it is older news.
        streak = response.meta.get("known_streak", 0) + 1 if not fresh else 0
        home = canonical_url(self.profile.base_url, self.rules.keep_params)
        if following and links and not is_article and canonical_url(following) != home:
            self.remember(following, "listing_page")
        if following and not (streak and streak >= self.stop_after_known > 0):
            yield self.request(following, self.parse_page, known_streak=streak)
        elif following:
            self.crawler.stats.inc_value("edunews/listings_stopped_known")
        for url in all_links(doc, response.url):
            url = self.wanted(url)
            if url:
                yield self.request(url, self.parse_page)

    def parse_sitemap(self, response: Response):
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # not XML: a soft-404 HTML page at /sitemap.xml
            return
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield self.request(loc, self.parse_sitemap)
            elif url := self.wanted(loc):
                yield self.request(
                    url, self.parse_page, listing_date=entry.get("lastmod"), edunews_article=True,
                    edunews_from_sitemap=True,
                )

    def parse_feed(self, response: Response):
        if not isinstance(response, TextResponse):
            return
        for item in response.xpath("//item | //*[local-name()='entry']"):
            link = item.xpath("./link/text() | ./*[local-name()='link']/@href").get()
            date = item.xpath(
                "./pubDate/text() | ./*[local-name()='published']/text() | ./*[local-name()='updated']/text()"
            ).get()
            url = self.wanted(urljoin(response.url, link.strip())) if link and link.strip() else None
            if url:
                yield self.request(url, self.parse_page, listing_date=date and date.strip(), edunews_article=True)


def release(held: Response) -> None:
    """A held page is read (or given up): its request may be acknowledged."""
    if held.request is not None:
        held.request.meta.pop(HOLDING, None)


# A date archive's path: '/2019/11/', '/2019/'.
_DATE_ARCHIVE = re.compile(r"/((?:19|20)\d{2})(?:/(0?[1-9]|1[0-2]))?/?$")


def _past_archive(url: str, now: str) -> bool:
    """Whether url is the archive of a month (or year) before the one of now (ISO 8601)."""
    found = _DATE_ARCHIVE.search(urlsplit(url).path)
    if found is None:
        return False
    year, month = int(found.group(1)), int(found.group(2) or 12)
    return (year, month) < (int(now[:4]), int(now[5:7]))


def learn_site(db_path: str, site: str, site_names: tuple[str, ...] = ()) -> LearnedProfile | None:
    """Learn a site's template from the archive's stored pages of it and keep it in `learned_sites`; None when the
    archive holds fewer than MIN_PAGES article pages of the site."""
    from storage import Archive

    with Archive(db_path) as archive:
        conn = archive.db.conn
        pages = [(raw_page_text(page), page["url"]) for page in learned.latest_pages(conn, site, MAX_PAGES)]
        if len(pages) < MIN_PAGES:
            return None
        found = learn(pages, learned.other_urls(conn, site), learned.aliases(conn, site), site_names)
        if found is not None:
            stored = {"rules": found.selectors(), "furniture": found.furniture, "ignored_params": found.ignored_params}
            learned.save(conn, site, utc_now(), found.pages, stored, found.agreement)
        return found


def worth_learning(db_path: str, site: str) -> bool:
    """Not learned yet, or learned from fewer pages than the archive now holds (up to the sample size)."""
    from storage import Archive

    with Archive(db_path) as archive:
        pages = learned.article_pages(archive.db.conn, site)
        before = learned.load(archive.db.conn, site)
    return pages >= MIN_PAGES and (before is None or before.pages < min(pages, MAX_PAGES))


def _record(db_path: str, site: str, rows: list[tuple[str, str, str | None, int | None]]) -> None:
    from storage import Archive

    with Archive(db_path) as archive:
        memory.record(archive.db.conn, site, rows, utc_now())
