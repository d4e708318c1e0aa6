"""A generated loopback site per CMS family, N articles in all, served from memory.

Article pages come from the fixture renderers (fixture_tools/families), so their markup is what the family
profiles expect. The renderers build a whole site at once and some of their parts grow with the square of the
article count (sidebars of every month), so articles are rendered in chunks of CHUNK and only the article pages
are kept (zlib-compressed, in memory). Each family's listing is one chain of pages, PER_PAGE links each, through
all of its articles, written here with the family's listing markup (the profile's link and next-page selectors).

Articles are drawn from the fixture corpus: the title of a corpus article behind a running number, paragraphs,
list items and table cells refilled with corpus sentences picked per article (so bodies differ, as the dedup
index would otherwise see copies), images kept, one in a hundred with its text mangled as the demo sites do.
"""

from __future__ import annotations

import random
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from edunews.fixtures.server import route_key
from fixture_tools.build import load_corpus
from fixture_tools.families import RENDERERS
from fixture_tools.families.base import Article, SiteBuild, SiteMeta

CHUNK = 40
PER_PAGE = 20
NEWEST = datetime(2025, 6, 30, 16, 30)
# Family -> (site title, province); one generated site each.
FAMILIES = {
    "provincial": ("Sở Giáo dục và Đào tạo tỉnh Kon Tum", "Kon Tum"),
    "nukeviet": ("Phòng Giáo dục và Đào tạo huyện Đồng Phú", "Bình Phước"),
    "sharepoint2013": ("Bộ Giáo dục và Đào tạo (bản thử tải)", ""),
    "wordpress": ("Trường THPT Phan Bội Châu", "Đắk Lắk"),
    "joomla": ("Trường THCS Trần Phú", "Quảng Trị"),
}
ID_BASE = {"provincial": 5000, "nukeviet": 900, "sharepoint2013": 20000, "wordpress": 3000, "joomla": 700}
MANGLES = ("entities", "nfd", "mojibake")
_SITE_REF = re.compile(rb"\{\{SITE:[a-z0-9-]+\}\}")


def site_name(family: str) -> str:
    return f"bench-{family}"


def listing_path(page: int) -> str:
    return "/bench/tin-tuc/" if page == 1 else f"/bench/tin-tuc/trang-{page}/"


def _sentences(corpus: list[dict[str, Any]]) -> list[str]:
    pool: list[str] = []
    for item in corpus:
        for block in item.get("body") or []:
            text = block.get("p")
            if text:
                pool.extend(s.strip() for s in re.split(r"(?<=[.;!?])\s+", text) if len(s.strip()) > 20)
    return pool


# Share of a picked sentence's words swapped for other corpus words. The pool holds about 440 sentences, so among
# tens of thousands of articles many pairs would pick half their sentences alike and be near copies by chance
# (6.8 % of 41,700 articles were marked): with a quarter of the words varied per article, a shared sentence keeps
# only about a fifth of its three-word shingles in common.
VARIED_WORDS = 0.25


def _vary(rng: random.Random, sentence: str, vocabulary: list[str]) -> str:
    return " ".join(rng.choice(vocabulary) if rng.random() < VARIED_WORDS else word for word in sentence.split())


def make_articles(family: str, count: int, corpus: list[dict[str, Any]]) -> list[Article]:
    """The family's articles, newest first, with unique titles, numbers and bodies."""
    pool = _sentences(corpus)
    vocabulary = sorted({word.strip(".,;:!?()\"") for sentence in pool for word in sentence.split()} - {""})
    meta_name = site_name(family)
    offset = list(FAMILIES).index(family)
    out = []
    for i in range(count):
        base = corpus[(i * 7 + offset * 11) % len(corpus)]
        rng = random.Random(f"{family}:{i}")
        blocks = []
        for block in base.get("body") or []:
            if "p" in block:
                sentences = max(1, len(re.split(r"(?<=[.;!?])\s+", block["p"])))
                blocks.append({"p": " ".join(_vary(rng, rng.choice(pool), vocabulary) for _ in range(sentences))})
            elif "list" in block:
                blocks.append({"list": [_vary(rng, rng.choice(pool), vocabulary) for _ in block["list"]]})
            elif "table" in block:
                # The header row kept, the rest refilled: copies of one long table would all be near-duplicates.
                head, *rows = block["table"]
                blocks.append({"table": [head, *([_cell(rng, pool, cell) for cell in row] for row in rows)]})
            else:
                blocks.append(block)
        art = Article(
            key=f"{family}-{i}", site=meta_name, category=base.get("category") or "Tin tức",
            title=f"Tin số {count - i}: {base['title']}", summary=base.get("summary") or None,
            published=NEWEST - timedelta(minutes=263 * i), blocks=blocks,
            author=base.get("author") or None, source=base.get("source") or None,
            attachments=base.get("attachments") or [],
        )
        art.number = ID_BASE[family] + (count - i) * 3
        if i % 100 == 37:
            art.mangle = MANGLES[(i // 100) % len(MANGLES)]
        out.append(art)
    return out


def _cell(rng: random.Random, pool: list[str], cell: object) -> str:
    """A table cell like the one it replaces: a number for a number, else a few words of a corpus sentence."""
    text = str(cell)
    if re.fullmatch(r"[\d.,%/ -]+", text):
        return re.sub(r"\d", lambda _: str(rng.randint(0, 9)), text)
    words = rng.choice(pool).split()
    start = rng.randint(0, max(0, len(words) - 3))
    return " ".join(words[start : start + rng.randint(2, 6)]).strip(" .,;")


@dataclass
class FamilySite:
    family: str
    base: str = ""
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # route -> (content type, zlib body)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (url, title, dd/mm/yyyy), newest first

    @property
    def name(self) -> str:
        return site_name(self.family)

    def render(self, articles: list[Article]) -> None:
        """Render the article pages chunk by chunk, filling the site's address into them."""
        base = self.base.encode("ascii")
        meta = SiteMeta(self.name, self.family, *FAMILIES[self.family], "Số 1 đường Trường Chinh",
                        "0260 3862 123", "vanphong@example.edu.vn")
        by_key = {art.key: art for art in articles}
        for start in range(0, len(articles), CHUNK):
            build = SiteBuild(meta)
            RENDERERS[self.family](build, articles[start : start + CHUNK])
            for record in build.truth:
                art = by_key[record["key"]]
                self.links.append((record["url"], art.title, art.published.strftime("%d/%m/%Y")))
                route = build.routes[route_key(record["url"])]
                data = build.files[route["file"]].replace(b"{{BASE}}", base)
                data = data.replace(b"{{BASE_UPPER}}", base.upper())
                data = _SITE_REF.sub(b"http://127.0.0.1:9", data)
                ctype = route.get("headers", {}).get("Content-Type", "text/html; charset=utf-8")
                self.pages[route_key(record["url"])] = (ctype, zlib.compress(data, 1))

    def listing(self, page: int) -> bytes | None:
        """Listing page `page` (from 1) in the family's markup; None past the last."""
        last = max(1, -(-len(self.links) // PER_PAGE))
        if not 1 <= page <= last:
            return None
        chunk = self.links[(page - 1) * PER_PAGE : page * PER_PAGE]
        following = listing_path(page + 1) if page < last else None
        return _LISTINGS[self.family](chunk, following).encode("utf-8")


def _page(title: str, main: str) -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><div id="content" class="container">{main}</div></body></html>')


def _provincial(links: list[tuple[str, str, str]], following: str | None) -> str:
    items = "".join(
        f'<div class="item-news"><div class="info"><a class="article-title common-title" href="{escape(u)}">'
        f'{escape(t)}</a><div class="post-date">{d}</div></div></div>' for u, t, d in links)
    nav = f'<div class="wrapper-pagination"><a class="next-pages" href="{following}">»</a></div>' if following else ""
    return _page("Tin tức", f'<div class="list-news">{items}</div>{nav}')


def _nukeviet(links: list[tuple[str, str, str]], following: str | None) -> str:
    items = "".join(f'<div class="news_column"><h3><a href="{escape(u)}">{escape(t)}</a></h3>'
                    f'<span class="time">{d}</span></div>' for u, t, d in links)
    nav = f'<ul class="pagination"><li><a rel="next" href="{following}">»</a></li></ul>' if following else ""
    return _page("Tin tức", f"{items}{nav}")


def _sharepoint(links: list[tuple[str, str, str]], following: str | None) -> str:
    items = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a> <span>({d})</span></li>' for u, t, d in links)
    nav = f'<a class="next" title="Trang sau" href="{following}">Trang sau</a>' if following else ""
    return _page("Tin tổng hợp", f'<ul class="list-news">{items}</ul>{nav}')


def _wordpress(links: list[tuple[str, str, str]], following: str | None) -> str:
    items = "".join(f'<article class="post"><h2 class="entry-title"><a href="{escape(u)}">{escape(t)}</a></h2>'
                    f'<span class="posted-on">{d}</span></article>' for u, t, d in links)
    nav = f'<a class="next page-numbers" href="{following}">Trang sau »</a>' if following else ""
    return _page("Tin tức", f"{items}{nav}")


def _joomla(links: list[tuple[str, str, str]], following: str | None) -> str:
    items = "".join(f'<div class="items-row"><h2 class="item-title"><a href="{escape(u)}">{escape(t)}</a>'
                    f"</h2><dd>{d}</dd></div>" for u, t, d in links)
    nav = (f'<div class="pagination"><ul><li class="pagination-next"><a title="Tiếp" href="{following}">Tiếp</a>'
           "</li></ul></div>" if following else "")
    return _page("Tin tức", f'<div class="blog">{items}</div>{nav}')


_LISTINGS = {"provincial": _provincial, "nukeviet": _nukeviet, "sharepoint2013": _sharepoint,
             "wordpress": _wordpress, "joomla": _joomla}
_LISTING_ROUTE = re.compile(r"^/bench/tin-tuc/(?:trang-(\d+)/)?$")
ROBOTS = b"User-agent: *\nAllow: /\n"


def _handler_for(site: FamilySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the crawler reuses its connections

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            key = route_key(self.path)
            ctype, body, status = "text/html; charset=utf-8", None, 200
            if key == "/robots.txt":
                ctype, body = "text/plain", ROBOTS
            elif key in site.pages:
                ctype, packed = site.pages[key]
                body = zlib.decompress(packed)
            else:
                match = _LISTING_ROUTE.match(key)
                if match:
                    body = site.listing(int(match.group(1) or 1))
            if body is None:
                status, body = 404, b"<html><body><h1>404</h1></body></html>"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def serve_generated(articles: int, families: tuple[str, ...] = tuple(FAMILIES)) -> Iterator[list[FamilySite]]:
    """Render `articles` articles spread over the families and serve each family on its own loopback address."""
    corpus = load_corpus()
    sites: list[FamilySite] = []
    with ExitStack() as stack:
        for index, family in enumerate(families):
            count = articles // len(families) + (1 if index < articles % len(families) else 0)
            site = FamilySite(family)
            server = ThreadingHTTPServer((f"127.0.0.{index + 2}", 0), _handler_for(site))
            server.daemon_threads = True
            host, port = server.server_address[:2]
            site.base = f"http://{host}:{port}"
            arts = make_articles(family, count, corpus)
            site.render(arts)
            sites.append(site)
            thread = threading.Thread(target=server.serve_forever, name=f"bench-{family}", daemon=True)
            thread.start()
            stack.callback(_stop, server, thread)
        yield sites


def _stop(server: ThreadingHTTPServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def sites_toml(sites: list[FamilySite]) -> str:
    """A sites file with one profile per generated site."""
    out = []
    for site in sites:
        title = FAMILIES[site.family][0]
        out.append(f'[[site]]\nname = "{site.name}"\ntitle = "{title}"\nprovince = "{FAMILIES[site.family][1]}"\n'
                   f'base_url = "{site.base}/"\nfamily = "{site.family}"\nstart_urls = ["{listing_path(1)}"]\n')
    return "\n".join(out)
