"""What a CMS family (or one site) tells the extractors: selectors and URL rules, as plain data.

Families are written in TOML under ``spiders/families/``; every field is optional, and a field a family leaves out
(or whose selector finds nothing on a page) falls back to the generic extractor, so a half-right profile still
archives the site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

from crawler.urls import IdentityRule


@dataclass(frozen=True)
class FamilyRules:
    name: str = "generic"
    title: str = ""
    # How to recognise the family on an unknown site: CSS selectors that match its pages, and substrings of the
    # generator meta tag. A family is detected when `min_fingerprints` of them match.
    fingerprints: tuple[str, ...] = ()
    generator: tuple[str, ...] = ()
    min_fingerprints: int = 2
    # Listing pages.
    listing_links: str = ""
    next_page: str = ""
    listing_item: str = ""
    listing_date: str = ""
    # Article URLs: a regex searched in the URL (path and query); empty = decided by the page itself.
    article_url: str = ""
    # Links never followed (regex over the URL): search, print, login, calendars.
    skip_url: str = ""
    # Article pages.
    article_title: str = ""
    article_date: str = ""
    article_updated: str = ""
    article_summary: str = ""
    article_body: str = ""
    article_author: str = ""
    article_source: str = ""
    article_category: str = ""
    article_view_count: str = ""
    lead_image: str = ""
    boilerplate: tuple[str, ...] = ()
    # The body selector is a guess to be checked against the page's second opinion (crawler/extract/opinion.py):
    # set on a family detected by fingerprints on a site no profile describes, where a look-alike template's
    # selector may name a wrapper holding the comments and the ratings as well.
    check_body: bool = False
    identity: tuple[IdentityRule, ...] = ()
    keep_params: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: FamilyRules | None = None) -> FamilyRules:
        """Build from TOML data (tables `listing` and `article` flattened), over `base` when given."""
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("listing", "article") and isinstance(value, Mapping):
                for sub, subvalue in value.items():
                    name = f"{key}_{sub}" if f"{key}_{sub}" in _FIELD_NAMES else sub
                    flat[name] = subvalue
            else:
                flat[key] = value
        unknown = set(flat) - _FIELD_NAMES
        if unknown:
            raise ValueError(f"unknown family keys: {', '.join(sorted(unknown))}")
        for key in ("fingerprints", "generator", "boilerplate", "keep_params", "feeds"):
            if key in flat:
                value = flat[key]
                flat[key] = (value,) if isinstance(value, str) else tuple(value)
        if "identity" in flat:
            items = flat["identity"]
            items = [items] if isinstance(items, Mapping) else items
            flat["identity"] = tuple(IdentityRule(**dict(i)) for i in items)
        for key in ("article_url", "skip_url"):
            if flat.get(key):
                re.compile(flat[key])  # fail at load time, not mid-crawl
        return replace(base or cls(), **flat)

    @cached_property
    def article_url_re(self) -> re.Pattern[str] | None:
        return re.compile(self.article_url) if self.article_url else None

    @cached_property
    def skip_url_re(self) -> re.Pattern[str] | None:
        return re.compile(self.skip_url) if self.skip_url else None


_FIELD_NAMES = {f.name for f in fields(FamilyRules)}
GENERIC = FamilyRules()

__all__ = ["FamilyRules", "GENERIC", "IdentityRule"]
