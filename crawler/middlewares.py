"""Middlewares that keep the crawl out of traps and on the site's own hosts, and mend misdeclared charsets."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from w3lib.url import safe_url_string

from crawler import settings as defaults
from crawler.urls import site_key

logger = logging.getLogger(__name__)

# Links that never lead to news: search, login, feeds of comments, calendars and sort/filter views.
_NEVER_FOLLOW = re.compile(
    r"(/wp-admin|/wp-login|/wp-json|/xmlrpc|/login|/dang-?nhap|/logout|/register|/dang-?ky|/cart|/search|"
    r"/tim-?kiem|/timkiem|[?&](s|q|keyword|tukhoa|search)=|/comment|/feed/?$|/trackback|replytocom=|"
    r"[?&](sort|order|orderby|filter|month|year|day|date|ngay|thang|nam|calendar|lich)=[^&]+|"
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|docx?|xlsx?|pptx?|zip|rar|7z|mp3|mp4|avi|wmv|flv|swf)(\?|$))",
    re.IGNORECASE,
)


class TrapGuardMiddleware:
    """Drops requests a crawler should not make: other hosts (when the spider is bound to its hosts), never-news
    links, and paths whose query-string variants have run past a bound (endless calendars, filters)."""

    def __init__(self, max_variants: int, stats, crawler=None) -> None:
        self.crawler = crawler
        self.max_variants = max_variants
        self.stats = stats
        self.variants: dict[tuple[str, str], set[str]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler):
        bound = crawler.settings.getint("EDUNEWS_MAX_QUERY_VARIANTS", defaults.EDUNEWS_MAX_QUERY_VARIANTS)
        return cls(bound, crawler.stats, crawler)

    def _allowed(self, request: Request, spider) -> bool:
        if request.meta.get("edunews_trusted"):
            return True  # start URLs, feeds and sitemaps the profile names
        hosts = getattr(spider, "allowed_hosts", None)
        if hosts and site_key(request.url) not in hosts:
            self.stats.inc_value("edunews/dropped/offsite")
            return False
        if _NEVER_FOLLOW.search(request.url):
            self.stats.inc_value("edunews/dropped/never_follow")
            return False
        rules = getattr(spider, "rules", None)
        skip = rules.skip_url_re if rules is not None else None
        if skip is not None and skip.search(request.url):
            # The family's or profile's own never-news links (skip_url).
            self.stats.inc_value("edunews/dropped/skip_url")
            return False
        if request.meta.get("edunews_article"):
            # A link a listing, sitemap or feed gave as an article: one script serving every article by its id
            # ('Pages/tin-tuc.aspx?ItemID=8979', 'index.php?option=com_content&id=…') is no trap.
            return True
        parts = urlsplit(request.url)
        if parts.query:
            seen = self.variants[(parts.netloc, parts.path)]
            if parts.query not in seen:
                if len(seen) >= self.max_variants:
                    self.stats.inc_value("edunews/dropped/query_variants")
                    return False
                seen.add(parts.query)
        return True

    def process_spider_output(self, response, result, spider=None):
        spider = spider or self.crawler.spider
        for entry in result:
            if isinstance(entry, Request) and not self._allowed(entry, spider):
                logger.debug("not following %s", entry.url)
                continue
            yield entry

    async def process_spider_output_async(self, response, result, spider=None):
        spider = spider or self.crawler.spider
        async for entry in result:
            if isinstance(entry, Request) and not self._allowed(entry, spider):
                logger.debug("not following %s", entry.url)
                continue
            yield entry


class Utf8DeclaredLatin1Middleware:
    """Downloader middleware: a page declared ISO-8859-1/cp1252/cp1258/ASCII whose bytes are valid UTF-8 is UTF-8.

    Misconfigured servers send 'charset=iso-8859-1' (or Vietnamese 'windows-1258') for UTF-8 pages; decoded as
    declared, the bytes that cp1252 leaves undefined (Đ is C4 90) are lost for good, and cp1258 turns 'Ã' into 'Ă',
    which no repair of double encoding recognises. Valid multi-byte UTF-8 is practically never single-byte prose:
    cp1258 writes tone marks as bytes CC, D2, DE, EC, F2 (UTF-8 lead bytes) followed by plain letters, never by the
    continuation bytes UTF-8 would need.
    """

    LATIN = {
        "cp1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "ascii", "us-ascii", "windows-1252",
        "cp1258", "windows-1258",
    }

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or response.encoding.lower() not in self.LATIN:
            return response
        body = response.body
        if body.isascii():
            return response
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="utf-8")


class OffsiteRedirect(IgnoreRequest):
    """A redirect that leaves the site's hosts, refused."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited on the way."""


def resolve_addresses(host: str) -> list[str]:
    """The addresses a name resolves to, as the download will resolve it (hosts file, then DNS); [] when none."""
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
    except (OSError, UnicodeError):
        return []  # an unknown name: the fetch itself will fail


def _private_address(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone id is no part of the address
    except ValueError:
        return False
    return (
        address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
        or address.is_unspecified or address.is_multicast
    )


def _private_host(host: str, resolve: Callable[[str], list[str]] | None = None) -> bool:
    """Whether host names this machine or a private, link-local or reserved network: IP literals, localhost, and
    (given a resolver) a name any of whose addresses is one."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # A name: an intranet name or one pointed at 127.0.0.1 leads inside as surely as the address does.
        return resolve is not None and any(_private_address(a) for a in resolve(host))
    return _private_address(host)


class OffsiteRedirectMiddleware:
    """Downloader middleware: a request reached through a redirect (HTTP 3xx or meta refresh) that leaves the
    spider's hosts is refused before anything is sent, robots.txt included (so it sits before RobotsTxt).

    EDUNEWS_ALLOW_OFFSITE_REDIRECTS lets a site that moved domain be followed, but never into a private, loopback
    or link-local address: a public page must not steer the crawler into the network it runs in.
    """

    def __init__(
        self, allow_offsite: bool, stats, crawler=None, resolve: Callable[[str], list[str]] | None = None
    ) -> None:
        self.allow_offsite = allow_offsite
        self.stats = stats
        self.crawler = crawler
        # None judges names by their spelling only (no lookups); a crawl resolves them.
        self.resolve = resolve

    @classmethod
    def from_crawler(cls, crawler):
        allow = crawler.settings.getbool("EDUNEWS_ALLOW_OFFSITE_REDIRECTS", defaults.EDUNEWS_ALLOW_OFFSITE_REDIRECTS)
        return cls(allow, crawler.stats, crawler, resolve=resolve_addresses)

    def process_request(self, request, spider=None):
        sources = request.meta.get("redirect_urls")
        spider = spider or (self.crawler.spider if self.crawler else None)
        hosts = getattr(spider, "allowed_hosts", None)
        if not sources or not hosts:
            return None
        target = site_key(request.url)
        if target in hosts or target == site_key(sources[0]):
            return None
        hostname = urlsplit(request.url).hostname or ""
        if self.allow_offsite and not _private_host(hostname, self.resolve):
            return None
        self.stats.inc_value("edunews/dropped/offsite_redirect")
        logger.warning("not following the redirect from %s to %s (another host)", sources[-1], request.url)
        raise OffsiteRedirect(f"offsite: {sources[-1]} leads to {request.url}")


class RedirectLoopMiddleware:
    """Downloader middleware (before Redirect): a 3xx back to a URL already on its chain is a loop, recorded as a
    failed request; otherwise the duplicate filter would drop the looping request without a word."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        if request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        visited = {*request.meta.get("redirect_urls", ()), request.url}
        if target in visited:
            raise RedirectLoop(f"redirect loop: {request.url} leads back to {target}")
        return response
