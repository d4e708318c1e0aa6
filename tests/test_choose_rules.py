"""choose_rules: the one place that picks a page's extraction rules for the generic spider, `edunews extract` and
`edunews reparse`, in its documented order (site profile, named family, the page's fingerprints, generic)."""

from __future__ import annotations

from crawler.extract.rules import GENERIC, FamilyRules
from crawler.html import parse_document
from spiders.profiles import choose_rules, families

# NukeViet's generator meta and body container: enough fingerprints to be recognised.
NUKEVIET_PAGE = (
    '<html><head><meta name="generator" content="NukeViet v4.5"></head>'
    '<body><h1 class="title" itemprop="headline">Tin</h1><div id="news-bodyhtml"><p>Nội dung.</p></div></body></html>'
)
PLAIN_PAGE = "<html><body><h1>Tin</h1><p>Nội dung bài viết.</p></body></html>"
SITE_RULES = FamilyRules.from_mapping({"article_body": ".noi-dung"}, base=families()["provincial"])


def test_site_rules_come_first():
    assert choose_rules(NUKEVIET_PAGE, None, SITE_RULES) is SITE_RULES
    # An operator's family does not override a configured site (`edunews extract --site … --family …`).
    assert choose_rules(NUKEVIET_PAGE, "wordpress", SITE_RULES) is SITE_RULES


def test_a_stored_page_keeps_its_site_rules_while_its_family_is_the_sites():
    assert choose_rules(site_rules=SITE_RULES, extracted_with=SITE_RULES.name) is SITE_RULES


def test_a_stored_page_another_family_extracted_keeps_that_family():
    assert choose_rules(site_rules=SITE_RULES, extracted_with="joomla") is families()["joomla"]


def test_named_families_in_order_operator_then_stored_page_then_site_row():
    assert choose_rules(family="wordpress", extracted_with="joomla", cms="nukeviet").name == "wordpress"
    assert choose_rules(extracted_with="joomla", cms="nukeviet").name == "joomla"
    assert choose_rules(cms="nukeviet").name == "nukeviet"


def test_a_named_family_wins_over_the_pages_fingerprints():
    assert choose_rules(NUKEVIET_PAGE, "generic") is GENERIC
    assert choose_rules(NUKEVIET_PAGE, "wordpress") is families()["wordpress"]


def test_names_that_are_no_shipped_family_are_passed_over():
    # "learned" is the name of a site's learned rules: not a shipped family, so the site's cms decides.
    assert choose_rules(extracted_with="learned", cms="joomla").name == "joomla"
    assert choose_rules(extracted_with="learned", cms="generic") is GENERIC


def test_the_page_fingerprints_a_family_when_nothing_names_one():
    found = choose_rules(NUKEVIET_PAGE)
    assert found.name == "nukeviet"
    assert found.check_body  # recognised, not configured: the body selector gets a second opinion
    assert choose_rules(parse_document(NUKEVIET_PAGE)).name == "nukeviet"  # a parsed tree does as well


def test_generic_when_nothing_applies():
    assert choose_rules(PLAIN_PAGE) is GENERIC
    assert choose_rules() is GENERIC
    # Without the page (reparse), markup is never guessed from: generic, even for an unknown cms.
    assert choose_rules(extracted_with="learned", cms="drupal") is GENERIC
