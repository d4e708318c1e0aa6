"""Recognising a CMS family from its fingerprints (crawler/extract/detect.py), on small inline pages."""

from __future__ import annotations

import lxml.html

from crawler.extract.detect import detect_family, family_score
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.html import parse_document
from spiders.profiles import families

ALPHA = FamilyRules(name="alpha", generator=("AlphaCMS",), fingerprints=("div.alpha-body", "span.alpha-date"))
BETA = FamilyRules(name="beta", fingerprints=("div.beta", "ul.beta-list", "p.beta-note"), min_fingerprints=2)


def page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return parse_document(f"<html><head>{head}</head><body>{body}<p>Nội dung.</p></body></html>")


def test_a_generator_meta_counts_two_and_each_selector_one():
    assert family_score(page(), ALPHA) == 0
    assert family_score(page('<meta name="generator" content="alphacms 4.2">'), ALPHA) == 2  # any case, a part
    assert family_score(page(body='<div class="alpha-body"></div>'), ALPHA) == 1
    both = page('<meta name="generator" content="AlphaCMS">', '<div class="alpha-body"><span class="alpha-date">')
    assert family_score(both, ALPHA) == 4


def test_a_family_is_detected_only_at_its_threshold():
    assert detect_family(page(body='<div class="beta"></div>'), [BETA]) is None
    found = detect_family(page(body='<div class="beta"></div><ul class="beta-list"></ul>'), [BETA])
    assert found is not None and found.name == "beta"


def test_the_best_score_wins_and_a_tie_goes_to_the_first():
    doc = page('<meta name="generator" content="AlphaCMS">',
               '<div class="beta"></div><ul class="beta-list"></ul><p class="beta-note"></p>')
    assert detect_family(doc, [ALPHA, BETA]).name == "beta"  # 3 beats 2
    tie = page('<meta name="generator" content="AlphaCMS">', '<div class="beta"></div><ul class="beta-list"></ul>')
    assert detect_family(tie, [ALPHA, BETA]).name == "alpha"
    assert detect_family(tie, [BETA, ALPHA]).name == "beta"


def test_a_detected_family_gets_its_body_selector_checked():
    found = detect_family(page(body='<div class="beta"></div><ul class="beta-list"></ul>'), [BETA])
    assert found.check_body and not BETA.check_body  # a copy: the shipped rules stay as they are


def test_families_without_fingerprints_are_never_detected():
    assert detect_family(page(), [GENERIC]) is None


def test_the_shipped_families_on_their_markers():
    theme = "<link rel='stylesheet' href='/wp-content/themes/x/style.css'>"
    wordpress = page(theme, '<article class="post"><div class="entry-content">')
    assert detect_family(wordpress, families().values()).name == "wordpress"
    nukeviet = page('<meta name="generator" content="NukeViet v4.5">', '<div id="news-bodyhtml"></div>')
    assert detect_family(nukeviet, families().values()).name == "nukeviet"
    assert detect_family(page(body="<h1>Trường Tiểu học</h1>"), families().values()) is None
