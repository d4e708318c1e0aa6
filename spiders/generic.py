"""Generic mode: archive a site no profile describes, from its address alone.

Discovery: sitemap.xml and RSS feeds when the site has them, else listing pages and links, never leaving the
start host, bounded by depth, a page budget and the trap guard. The first page decides whether a shipped family
fits (fingerprints); otherwise every page is judged and extracted by the generic rules.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap

from crawler.extract.detect import detect_family
from crawler.extract.listing import all_links, article_links, feed_links, next_page
from crawler.extract.page import ArticlePage, page_item
from crawler.html import parse_document
from crawler.urls import site_key
from spiders.profiles import SiteProfile, families
from spiders.site import SiteSpider, raw_page, utc_now


class GenericSpider(SiteSpider):
    """`scrapy crawl generic -a start_url=https://example.edu.vn/` (or `edunews crawl URL`)."""

    name = "generic"
    custom_settings = {"DEPTH_LIMIT": 4, "CLOSESPIDER_PAGECOUNT": 2000}

    def __init__(self, *args: Any, start_url: str | None = None, **kwargs: Any) -> None:
        if not start_url:
            raise ValueError("the generic spider needs a start URL: -a start_url=https://…")
        self.profile = SiteProfile(name=site_key(start_url), base_url=start_url, start_urls=(start_url,))
        super().__init__(*args, **kwargs)
        self.detected: str | None = None

    def start_requests(self):
        if self.only_url:
            yield from super().start_requests()
            return
        start = self.profile.base_url
        yield self.request(start, self.parse_page, edunews_trusted=True, home=True)
        yield self.request(urljoin(start, "/sitemap.xml"), self.parse_sitemap, edunews_trusted=True)

    def parse_article(self, response: Response):
        return self.parse_page(response)

    def parse_page(self, response: Response):
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("edunews/not_html")
            return
        doc = parse_document(response.text)
        if response.meta.get("home"):
            detect = self.crawler.settings.getbool("EDUNEWS_DETECT_FAMILY", True)
            found = detect_family(doc, families().values()) if detect else None
            if found is not None:
                self.rules = found
                self.detected = found.name
                self.logger.info("%s looks like the %s family", response.url, found.name)
            for feed in feed_links(doc, response.url):
                yield self.request(feed, self.parse_feed, edunews_trusted=site_key(feed) in self.allowed_hosts)
        page = ArticlePage(response.text, response.url, self.rules, site_names=(self.profile.title,))
        if page.is_article(strict=True):
            urls = (*response.meta.get("redirect_urls", ()), response.request.url)
            item = page_item(page, self.profile.name, utc_now(), urls, response.meta.get("listing_date"))
            item.raw_page = raw_page(response, self.rules.name, urls)
            yield item
        else:
            self.crawler.stats.inc_value("edunews/not_articles")
        for link in article_links(doc, response.url, self.rules):
            if not self.is_known(link.url):
                yield self.request(link.url, self.parse_page, listing_date=link.date, edunews_article=True)
        following = next_page(doc, response.url, self.rules)
        if following:
            yield self.request(following, self.parse_page)
        for url in all_links(doc, response.url):
            if not self.is_known(url):
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
            elif not self.is_known(loc):
                yield self.request(loc, self.parse_page, listing_date=entry.get("lastmod"), edunews_article=True)

    def parse_feed(self, response: Response):
        if not isinstance(response, TextResponse):
            return
        for item in response.xpath("//item | //*[local-name()='entry']"):
            link = item.xpath("./link/text() | ./*[local-name()='link']/@href").get()
            date = item.xpath(
                "./pubDate/text() | ./*[local-name()='published']/text() | ./*[local-name()='updated']/text()"
            ).get()
            if link and link.strip() and not self.is_known(urljoin(response.url, link.strip())):
                yield self.request(
                    urljoin(response.url, link.strip()), self.parse_page, listing_date=date and date.strip(),
                    edunews_article=True,
                )
