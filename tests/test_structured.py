"""Metadata in a page's head (crawler/extract/structured.py): which meta tag's content is read."""

from crawler.extract.structured import meta_content
from crawler.html import parse_document


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
