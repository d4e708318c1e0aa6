"""The faster article path gives what the plain one gave, and the generated benchmark site is what the profiles read."""

from __future__ import annotations

import importlib
import unicodedata
import zlib
from pathlib import Path

import lxml.html
import pytest

from crawler.extract.listing import article_links, next_page
from crawler.extract.page import ArticlePage
from crawler.extract.structured import meta_content
from crawler.html import paragraphs, parse_document, parse_fragment
from crawler.text import clean_text
from crawler.urls import canonical_url
from spiders.profiles import families

ROOT = Path(__file__).resolve().parent.parent

BODY = (
    "<p>Sáng 18/7, Sở Giáo dục và Đào tạo tổ chức hội nghị.</p>"
    "<table><tr><td>Trường</td><td>Số học sinh</td></tr><tr><td>THPT Pleiku</td><td>1.250</td></tr></table>"
    "<div><p>Đoạn hai<br>dòng hai</p><ul><li>Mục một</li><li>Mục hai</li></ul></div>"
)


@pytest.mark.parametrize("html", [BODY, "<table><tr><td>a</td><td>b</td></tr></table><p>sau</p>", "<p> </p>", ""])
@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_paragraphs_with_a_limit_are_the_first_of_all(html, limit):
    body = parse_fragment(html)
    assert paragraphs(body, limit=limit) == paragraphs(body)[:limit]


def test_meta_content_keeps_key_then_attribute_then_document_order():
    doc = parse_document(
        "<html><head>"
        '<meta name="date" content="2022-07-01">'
        '<meta property="article:published_time" content="  ">'
        '<meta itemprop="article:published_time" content="2022-07-03">'
        '<meta property="article:published_time" content="2022-07-02">'
        "</head><body><p>x</p></body></html>"
    )
    # The first key wins over a later one; for one key, property before itemprop; blank contents are skipped.
    assert meta_content(doc, "article:published_time", "date") == "2022-07-02"
    assert meta_content(doc, "date") == "2022-07-01"
    assert meta_content(doc, "og:type") is None


def test_meta_content_searches_the_whole_document_from_any_element():
    doc = parse_document('<html><head><meta property="og:type" content="article"></head><body><p>x</p></body></html>')
    body = doc.find("body")
    assert meta_content(body, "og:type") == "article"


def test_date_candidates_are_a_fresh_list_each_time():
    html = (
        '<html><head><meta property="article:published_time" content="2022-07-18T08:30:00+07:00"></head>'
        '<body><h1 class="title-detail">Hội nghị tổng kết năm học</h1><div class="article-content"><p>'
        + "Nội dung bài viết. " * 30
        + "</p></div></body></html>"
    )
    page = ArticlePage(html, "http://127.0.0.2/tin-tuc/hoi-nghi.html", families()["provincial"])
    first = page.date_candidates()
    first.insert(0, ("listing", "18/07/2022"))
    assert page.date_candidates() == [("meta", "2022-07-18T08:30:00+07:00")]
    assert page.is_article()
    assert page.title() == "Hội nghị tổng kết năm học"


def test_clean_text_gives_the_same_answer_every_time():
    nfd = unicodedata.normalize("NFD", "  Giáo dục\u200b và  Đào tạo ")
    for _ in range(3):
        assert clean_text(nfd) == "Giáo dục và Đào tạo"
        assert clean_text("H&agrave; N&#7897;i") == "Hà Nội"
        assert clean_text("GiÃ¡o dá»¥c") == "Giáo dục"
    assert clean_text("   ") is None
    assert clean_text(None) is None


def test_canonical_link_and_time_elements_without_xpath():
    html = (
        '<html><head><link rel="alternate" href="/feed"><link rel="canonical" href="/tin-tuc/bai-1.html"></head>'
        '<body><h1 class="title-detail">Tin một</h1><time datetime="2022-07-18">18/07</time>'
        '<div class="article-content"><time class="updated" datetime="2022-07-20">20/07</time><p>Nội dung.</p>'
        "</div></body></html>"
    )
    page = ArticlePage(html, "http://127.0.0.2/tin-tuc/bai-1.html?utm_source=zalo", families()["provincial"])
    assert page.canonical_url() == "http://127.0.0.2/tin-tuc/bai-1.html"
    assert ("time", "2022-07-18") in page.date_candidates()


def _gensite():
    return importlib.import_module("bench._gensite")


@pytest.mark.parametrize("family", ["provincial", "nukeviet", "sharepoint2013", "wordpress", "joomla"])
def test_generated_benchmark_site_reads_as_its_family(family):
    gensite = _gensite()
    from fixture_tools.build import load_corpus

    site = gensite.FamilySite(family, base="http://127.0.0.2:8000")
    count = gensite.PER_PAGE + 5
    site.render(gensite.make_articles(family, count, load_corpus()))
    rules = families()[family]
    assert len(site.links) == count == len(site.pages)
    assert len({title for _, title, _ in site.links}) == count  # every article its own title

    first = lxml.html.document_fromstring(site.listing(1).decode("utf-8"))
    listed = article_links(first, site.base + gensite.listing_path(1), rules)
    assert [canonical_url(link.url) for link in listed] == [canonical_url(site.base + u) for u, _, _ in site.links[:20]]
    if family == "provincial":  # the one listing markup here that prints each item's date for the spider
        assert listed[0].date == site.links[0][2]
    assert next_page(first, site.base + gensite.listing_path(1), rules) == site.base + gensite.listing_path(2)
    last = lxml.html.document_fromstring(site.listing(2).decode("utf-8"))
    assert len(article_links(last, site.base + gensite.listing_path(2), rules)) == 5
    assert next_page(last, site.base + gensite.listing_path(2), rules) is None
    assert site.listing(3) is None

    url, title, _ = site.links[0]
    ctype, packed = site.pages[gensite.route_key(url)]
    html = zlib.decompress(packed).decode("utf-8")
    assert "{{BASE}}" not in html
    page = ArticlePage(html, site.base + url, rules)
    assert page.is_article()
    assert page.title() == title
