"""FamilyRules.from_mapping: TOML family data in, typed rules out, with the errors a profile author sees."""

from __future__ import annotations

import re

import pytest

from crawler.extract.rules import GENERIC, FamilyRules
from crawler.urls import IdentityRule


def test_listing_and_article_tables_are_flattened():
    rules = FamilyRules.from_mapping({
        "name": "demo",
        "listing": {"links": "a.title", "next_page": "a.next", "item": "li", "date": ".ngay"},
        "article": {"title": "h1", "body": ".noi-dung", "author": ".tac-gia", "boilerplate": [".share"]},
    })
    assert (rules.listing_links, rules.next_page, rules.listing_item, rules.listing_date) == (
        "a.title", "a.next", "li", ".ngay")
    # Keys of their own in a table keep their name (boilerplate is no article_ field).
    assert (rules.article_title, rules.article_body, rules.article_author) == ("h1", ".noi-dung", ".tac-gia")
    assert rules.boilerplate == (".share",)


def test_a_single_string_where_a_list_goes_becomes_a_one_item_tuple():
    rules = FamilyRules.from_mapping({"fingerprints": "div.x", "generator": ["NukeViet"], "keep_params": "id"})
    assert rules.fingerprints == ("div.x",)
    assert rules.generator == ("NukeViet",)
    assert rules.keep_params == ("id",)


def test_identity_takes_one_table_or_a_list():
    one = FamilyRules.from_mapping({"identity": {"param": "ItemID"}})
    assert one.identity == (IdentityRule(param="ItemID"),)
    two = FamilyRules.from_mapping({"identity": [{"param": "id"}, {"path_regex": r"-(\d+)\.html$"}]})
    assert two.identity == (IdentityRule(param="id"), IdentityRule(path_regex=r"-(\d+)\.html$"))


def test_over_a_base_only_the_keys_given_change():
    base = FamilyRules.from_mapping({"name": "demo", "article": {"title": "h1", "body": ".a"}})
    site = FamilyRules.from_mapping({"article_body": ".b"}, base=base)
    assert (site.name, site.article_title, site.article_body) == ("demo", "h1", ".b")
    assert base.article_body == ".a"  # the base is left as it was
    assert FamilyRules.from_mapping({}) == GENERIC


def test_unknown_keys_are_named_in_the_error():
    with pytest.raises(ValueError, match="^unknown family keys: colour, titel$"):
        FamilyRules.from_mapping({"titel": "h1", "colour": "red"})
    # Inside a table, the key is reported as written there.
    with pytest.raises(ValueError, match="^unknown family keys: bodyy$"):
        FamilyRules.from_mapping({"article": {"bodyy": ".x"}})


def test_a_bad_url_regex_fails_at_load_not_mid_crawl():
    with pytest.raises(re.error, match="unterminated subpattern"):
        FamilyRules.from_mapping({"article_url": "/tin-tuc/(\\d+"})
    with pytest.raises(re.error):
        FamilyRules.from_mapping({"skip_url": "[a-"})
    assert FamilyRules.from_mapping({"article_url": r"-\d+\.html$"}).article_url_re.search("/a-12.html")


def test_an_identity_rule_with_an_unknown_key_is_refused():
    with pytest.raises(TypeError, match="pram"):
        FamilyRules.from_mapping({"identity": {"pram": "id"}})
