"""The fixture sites over real loopback sockets: routes, traps, placeholders, encodings, truth."""

from __future__ import annotations

import html
import json
import re
import shutil
import tomllib
import unicodedata
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from edunews.fixtures.server import SITES_DIR, route_key, serve_sites, site_names
from fixture_tools import build as builder

NAMES = site_names()
CORPUS = builder.CORPUS


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
_FOLLOW = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, method: str = "GET", follow: bool = False) -> tuple[int, dict, bytes, str]:
    """(status, headers, body, final url) without raising on HTTP errors."""
    opener = _FOLLOW if follow else _DIRECT
    request = urllib.request.Request(url, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), url


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def decode_page(body: bytes) -> str:
    """Text as a reader sees it: UTF-8 bytes, mojibake undone, entities resolved, NFC."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    if re.search("[ÃÄá][\x80-\xbf]|á»", text):
        try:
            text = text.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return nfc(html.unescape(text))


def visible_text(page: str) -> str:
    tree = lxml.html.fromstring(page)
    for node in tree.xpath("//script|//style|//noscript"):
        node.drop_tree()
    return re.sub(r"\s+", " ", nfc(tree.text_content()))


def load(name: str, what: str, root: Path = SITES_DIR) -> dict:
    return json.loads((root / name / what).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served():
    with serve_sites() as sites:
        yield sites


def test_every_site_is_served_on_its_own_loopback_address(served):
    assert set(served) == set(NAMES) and len(NAMES) == 7
    hosts = set()
    for base in served.values():
        parts = urlsplit(base)
        assert parts.scheme == "http" and parts.hostname.startswith("127.")
        hosts.add((parts.hostname, parts.port))
    assert len(hosts) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_manifest_route_answers_with_its_status(served, name):
    manifest = load(name, "manifest.json")
    base = served[name]
    for key, route in manifest["routes"].items():
        status, headers, body, _ = fetch(base + key)
        assert status == route.get("status", 200), key
        for header, value in route.get("headers", {}).items():
            expected = value.replace("{{BASE}}", base)
            assert headers[header] == expected, (key, header)
        assert b"{{" not in body, f"unfilled placeholder in {key}"
        if "file" in route:
            assert len(body) > 0


@pytest.mark.parametrize("name", NAMES)
def test_query_order_does_not_matter(served, name):
    keys = [k for k in load(name, "manifest.json")["routes"] if k.count("&") >= 1]
    for key in keys[:10]:
        path, query = key.split("?", 1)
        shuffled = path + "?" + "&".join(reversed(query.split("&")))
        assert shuffled != key
        assert fetch(served[name] + shuffled)[2] == fetch(served[name] + key)[2]


def test_route_key_sorts_parameters_and_keeps_blank_values():
    assert route_key("/a.aspx?Page=2&date=&EventID=0") == "/a.aspx?EventID=0&Page=2&date="
    assert route_key("/p?b=1&a=2#frag") == "/p?a=2&b=1"
    assert route_key("/p?") == "/p"


@pytest.mark.parametrize("name", NAMES)
def test_unknown_path_is_an_html_404(served, name):
    status, headers, body, _ = fetch(served[name] + "/khong-co-trang-nay-123.html")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert "404" in decode_page(body)


def test_head_has_the_headers_of_get_and_no_body(served):
    url = served["gialai-demo"] + "/robots.txt"
    get_status, get_headers, get_body, _ = fetch(url)
    status, headers, body, _ = fetch(url, method="HEAD")
    assert (status, body) == (get_status, b"")
    assert headers["Content-Length"] == str(len(get_body)) == get_headers["Content-Length"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append((self._href or "", ""))

    def handle_data(self, data):
        if self._href is not None and self.links:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def links_of(page: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page)
    return [(h, t.strip()) for h, t in parser.links if h]


def test_traps_link_onward_forever(served):
    traps = [(n, p, k) for n in NAMES for p, k in load(n, "manifest.json")["traps"].items()]
    assert {k for _, _, k in traps} >= {"calendar", "pager"}
    for name, prefix, kind in traps:
        entry = {"calendar": prefix, "pager": prefix + "?trang=1"}.get(kind, prefix + "2022-07/")
        url = served[name] + entry
        seen = set()
        for _ in range(25):
            status, _, body, _ = fetch(url)
            assert status == 200
            seen.add(url)
            onward = [h for h, t in links_of(body.decode()) if "sau" in t.lower()]
            assert onward, f"no onward link at {url}"
            url = urljoin(url, html.unescape(onward[0]))
        assert len(seen) == 25, f"{name} trap repeats itself"


def test_base_placeholders_are_filled_with_the_sites_own_address(served):
    truth = load("nguyendu-demo", "truth.json")
    base = served["nguyendu-demo"]
    body = fetch(base + truth["articles"][0]["url"])[2].decode()
    assert f'href="{base}/' in body and "{{" not in body
    home = fetch(served["moet-demo"] + "/Pages/home.aspx")[2].decode()
    assert served["moet-demo"].upper() + "/tintuc/Pages/" in home


def test_cross_site_links_point_at_the_other_served_site(served):
    body = fetch(served["gialai-demo"] + "/")[2].decode()
    assert served["moet-demo"] + "/" in body


@pytest.mark.parametrize("name", NAMES)
def test_truth_article_urls_and_aliases_serve_the_article(served, name):
    truth = load(name, "truth.json")
    assert truth["site"] == name and truth["articles"]
    for article in truth["articles"]:
        assert article["title"] == nfc(article["title"])
        for url in [article["url"], *article["aliases"]]:
            status, _, body, final = fetch(served[name] + url, follow=True)
            assert status == 200, url
            text = visible_text(decode_page(body))
            assert article["title"] in text, url


@pytest.mark.parametrize("name", NAMES)
def test_truth_text_is_what_the_page_shows(served, name):
    for article in load(name, "truth.json")["articles"]:
        page = decode_page(fetch(served[name] + article["url"])[2])
        text = visible_text(page)
        for line in article["body"]:
            # A table row is its cells joined by ' | '; on the page the cells are separate.
            assert all(cell in text for cell in line.split(" | ")), (article["key"], line)
        for field in ("summary", "author", "source"):
            if article[field]:
                assert article[field] in text, (article["key"], field)
        captions = [i["caption"] for i in article["images"] if i["caption"]]
        for caption in captions:
            assert caption in text
            assert all(caption not in line for line in article["body"])
        for credit in (i["credit"] for i in article["images"] if i["credit"]):
            assert credit in text
        for image in article["images"]:
            assert image["src"].split("?")[0].rsplit("/", 1)[1] in page
        if article["view_count"] is not None:
            shown = re.search(r"Lượt xem: ?([\d.]+)", text)
            assert shown and int(shown.group(1).replace(".", "")) == article["view_count"]
        day = article["published_at"][:10]
        y, m, d = day.split("-")
        assert f"{d}/{m}/{y}" in text or f"{d} Tháng {int(m)} {y}" in text, article["key"]


@pytest.mark.parametrize("name", NAMES)
def test_truth_images_and_attachments_are_served(served, name):
    for article in load(name, "truth.json")["articles"]:
        for image in article["images"]:
            status, headers, body, _ = fetch(served[name] + image["src"])
            assert status == 200 and headers["Content-Type"].startswith("image/")
        for attachment in article["attachments"]:
            status, headers, body, _ = fetch(served[name] + attachment["url"])
            assert status == 200 and headers["Content-Type"] == "application/pdf"
            assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("name", NAMES)
def test_errors_answer_their_status(served, name):
    for url, expected in load(name, "truth.json")["errors"].items():
        assert fetch(served[name] + url)[0] == expected, url


def test_redirect_chain_and_loop(served):
    truth = load("nguyendu-demo", "truth.json")
    chained = [a for a in truth["articles"] if any(x.endswith(".html") for x in a["aliases"])]
    assert chained
    old = next(x for x in chained[0]["aliases"] if x.endswith(".html"))
    first = fetch(served["nguyendu-demo"] + old)
    second = fetch(first[1]["Location"])
    assert (first[0], second[0]) == (301, 302)
    assert fetch(second[1]["Location"])[0] == 200
    loops = [u for u, s in load("locninh-demo", "truth.json")["errors"].items() if s == 301]
    assert loops
    hop = fetch(served["locninh-demo"] + loops[0])
    back = fetch(urljoin(served["locninh-demo"], hop[1]["Location"]))
    assert urljoin(served["locninh-demo"], back[1]["Location"]) == served["locninh-demo"] + loops[0]


def crawl(base: str, name: str) -> set[str]:
    """Every same-host URL reachable from the start URLs, robots.txt obeyed, traps not entered."""
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetch(base + "/robots.txt")[2].decode().splitlines())
    traps = list(load(name, "manifest.json")["traps"])
    starts = tomllib.loads((SITES_DIR / name / "site.toml").read_text())["site"][0]["start_urls"]
    queue = deque(["/", *starts])
    seen: set[str] = set()
    host = urlsplit(base).netloc.lower()
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        status, headers, body, final = fetch(base + path, follow=True)
        if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
            continue
        for href, _ in links_of(decode_page(body)):
            absolute = urljoin(base + path, href.strip())
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if any(parts.path.startswith(t) for t in traps):
                continue
            if not robots.can_fetch("*", absolute):
                continue
            queue.append(target)
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_articles_and_non_articles_are_reachable_by_links(served, name):
    truth = load(name, "truth.json")
    seen = {route_key(u) for u in crawl(served[name], name)}
    for article in truth["articles"]:
        urls = {route_key(u) for u in [article["url"], *article["aliases"]]}
        assert urls & seen, article["key"]
    for url in truth["non_articles"]:
        assert route_key(url) in seen, url
    for url in truth["disallowed"]:
        assert route_key(url) not in seen


def test_robots_forbid_a_linked_article_looking_page(served):
    truth = load("gialai-demo", "truth.json")
    assert truth["disallowed"]
    robots = urllib.robotparser.RobotFileParser()
    base = served["gialai-demo"]
    robots.parse(fetch(base + "/robots.txt")[2].decode().splitlines())
    listing = fetch(base + truth["non_articles"][0])[2].decode()
    for url in truth["disallowed"]:
        assert not robots.can_fetch("*", base + url)
        linked = [p for p in truth["non_articles"] if url in fetch(base + p)[2].decode()]
        assert url in listing or linked
        assert fetch(base + url)[0] == 200


def test_encoding_nastiness_is_there(served):
    pages = {}
    for name in NAMES:
        for article in load(name, "truth.json")["articles"]:
            status, headers, body, _ = fetch(served[name] + article["url"])
            pages[(name, article["key"])] = (headers["Content-Type"], body)
    raw = [body for _, body in pages.values()]
    assert any(b"&agrave;" in b or b"&aacute;" in b for b in raw) and any(b"&#78" in b for b in raw)
    assert any(re.search("[\u0300-\u036f]", b.decode("utf-8", "replace")) for b in raw)
    assert any("GiÃ¡o dá»¥c".encode() in b or "Ã".encode() in b and "á»".encode() in b for b in raw)
    types = [ctype for ctype, _ in pages.values()]
    assert "text/html" in types
    no_charset = next(b for (c, b) in pages.values() if c == "text/html")
    assert b"charset" not in no_charset.lower()
    assert "text/html; charset=iso-8859-1" in types
    wrong = next(b for (c, b) in pages.values() if c.endswith("iso-8859-1"))
    assert b"charset=utf-8" in wrong.lower()


def test_each_site_has_paginated_listings(served):
    for name in NAMES:
        non_articles = load(name, "truth.json")["non_articles"]
        paged = [u for u in non_articles if re.search(r"page[-=/]?2|Page=2|start=\d|_cur=2", u)]
        assert paged, name


FAMILY_MARKUP = {
    "provincial": (
        ["h1.title-detail", ".post-date", ".article-content", "span#viewCount"],
        ["a.article-title.common-title", ".wrapper-pagination a.next-pages"],
    ),
    "nukeviet": (
        ['meta[name="generator"][content="NukeViet v4.5"]', 'h1.title[itemprop="headline"]',
         "span.h5", "div.hometext", "#news-bodyhtml.bodytext"],
        ["ul.pagination a"],
    ),
    "sharepoint2013": (
        ["#news-title", "#news-des", "#news-detail", '[id^="ctl00_ctl24_g_"]'],
        ['[id^="ctl00_ctl24_g_"] .item-news a', ".paging a"],
    ),
    "wordpress": (
        ["time.entry-date.published[datetime]", "time.updated", ".entry-content",
         'meta[property="article:published_time"]', 'script[type="application/ld+json"]',
         ".header-date"],
        ['link[rel="next"]', "a.next.page-numbers"],
    ),
    "joomla": (
        ['.item-page [itemprop="articleBody"]', "dl.article-info dd.published time",
         "dd.hits", "li.print-icon a"],
        [".items-row h2 a", ".pagination a.pagenav"],
    ),
    # Sites of families no profile describes (family = "generic"): keyed by site name.
    "binhdinh-demo": (
        ["h3.header-title", "span.metadata-publish-date", ".journal-content-article", "figure figcaption",
         ".asset-links"],
        [".asset-abstract h3.asset-title a", ".taglib-page-iterator a[href*='_INSTANCE_'][href*='_cur=2']"],
    ),
    "hoangdieu-demo": (
        ["h1.title-detail", ".info-detail .post-date", "div.content-detail", ".news-other"],
        ["h3.news-title a", "ul.pagination a[href*='?page=2']"],
    ),
}


@pytest.mark.parametrize("name", NAMES)
def test_pages_carry_their_familys_markup(served, name):
    truth = load(name, "truth.json")
    article_css, listing_css = FAMILY_MARKUP.get(name) or FAMILY_MARKUP[truth["family"]]
    own = next(a for a in truth["articles"] if not a["duplicate_of"])
    page = lxml.html.fromstring(decode_page(fetch(served[name] + own["url"])[2]))
    for css in article_css:
        assert page.cssselect(css), css
    starts = tomllib.loads((SITES_DIR / name / "site.toml").read_text())["site"][0]["start_urls"]
    listing = lxml.html.fromstring(fetch(served[name] + starts[0])[2].decode())
    for css in listing_css:
        assert listing.cssselect(css), css


def test_truth_covers_the_corpus():
    assert CORPUS.exists(), f"{CORPUS} is committed: the fixture sites are built from it"
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))["articles"]
    for name in NAMES:
        expected = {a["key"] for a in corpus if a["site"] == name}
        truth = {a["key"] for a in load(name, "truth.json")["articles"]}
        assert truth >= expected and len(truth) >= len(expected)
    reposts = {a["key"]: a["republish_of"] for a in corpus if a.get("republish_of")}
    for name in NAMES:
        for article in load(name, "truth.json")["articles"]:
            if article["key"] in reposts:
                assert article["duplicate_of"]["key"] == reposts[article["key"]]


def test_build_is_deterministic_and_committed_output_is_current(tmp_path):
    assert CORPUS.exists(), f"{CORPUS} is committed: the fixture sites are built from it"
    raw = builder.load_corpus()
    first, second = tmp_path / "a", tmp_path / "b"
    builder.write_all(builder.build_sites(raw), first, tmp_path / "static")
    builder.write_all(builder.build_sites(raw), second, tmp_path / "static")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes()
        assert (SITES_DIR / rel).read_bytes() == (first / rel).read_bytes(), f"stale {rel}"


def test_serves_an_edited_copy_and_logs_requests(tmp_path):
    shutil.copytree(SITES_DIR / "leloi-demo", tmp_path / "leloi-demo")
    routes = load("leloi-demo", "manifest.json")["routes"]
    robots = tmp_path / "leloi-demo" / routes["/robots.txt"]["file"]
    robots.write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    with serve_sites(root=tmp_path, addresses="shared") as sites:
        assert list(sites) == ["leloi-demo"]
        assert urlsplit(sites["leloi-demo"]).hostname == "127.0.0.1"
        assert fetch(sites["leloi-demo"] + "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
        fetch(sites["leloi-demo"] + "/nope?b=2&a=1", method="HEAD")
        log = sites.requests("leloi-demo")
        home = fetch(sites["leloi-demo"] + "/")[2].decode()
        # Links to a fixture site that is not being served go to loopback's discard port.
        assert 'href="http://127.0.0.1:9/"' in home
    assert [(r.method, r.target, r.status) for r in log[:2]] == [
        ("GET", "/robots.txt", 200), ("HEAD", "/nope?b=2&a=1", 404)
    ]
    with pytest.raises(OSError):
        fetch(sites["leloi-demo"] + "/robots.txt")
    with pytest.raises(ValueError), serve_sites(addresses="public"):
        pass
