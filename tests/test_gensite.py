"""The generated benchmark sites (bench/_gensite.py) are what the family profiles read: listings, pagination and
article pages as each family's rules expect them."""

from __future__ import annotations

import zlib

import lxml.html
import pytest

from bench import _gensite as gensite
from crawler.extract.listing import article_links, next_page
from crawler.extract.page import ArticlePage
from crawler.urls import canonical_url
from fixture_tools.build import load_corpus
from spiders.profiles import families


@pytest.mark.parametrize("family", ["provincial", "nukeviet", "sharepoint2013", "wordpress", "joomla"])
def test_generated_benchmark_site_reads_as_its_family(family):
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
