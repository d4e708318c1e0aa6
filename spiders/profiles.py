"""Site and family profiles: TOML data in, typed profiles out.

A family (spiders/families/NAME.toml) describes a CMS: listing links, pagination, article URL pattern and
identity, where title, date, sapo, body, author and boilerplate sit. A site (spiders/sites/*.toml, or any file
given with --sites / EDUNEWS_SITES) names a family and its start URLs, and may override selectors and politeness:

    [[site]]
    name = "gialai"
    title = "Sở Giáo dục và Đào tạo tỉnh Gia Lai"
    province = "Gia Lai"
    base_url = "https://gialai.gov.vn/"
    family = "provincial"
    start_urls = ["/tin-tuc/thong-tin-chi-dao-dieu-hanh"]
    [site.selectors]            # optional: any family key, e.g. article_body = ".noi-dung"
    [site.settings]             # optional: Scrapy settings for this site, e.g. DOWNLOAD_DELAY = 2
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import lxml.html

from crawler.extract.detect import detect_family
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.html import parse_document

PACKAGE_DIR = Path(__file__).resolve().parent
FAMILIES_DIR = PACKAGE_DIR / "families"
SITES_DIR = PACKAGE_DIR / "sites"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ProfileError(ValueError):
    """A site or family file that cannot be used; the message says which file and what is wrong."""


@cache
def families() -> dict[str, FamilyRules]:
    """Every shipped family, by name (the generic one included)."""
    found = {"generic": GENERIC}
    for path in sorted(FAMILIES_DIR.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            rules = FamilyRules.from_mapping(data)
        except (tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
            raise ProfileError(f"{path.name}: {exc}") from exc
        found[rules.name] = rules
    return found


def choose_rules(
    page: str | lxml.html.HtmlElement | None = None,
    family: str | None = None,
    site_rules: FamilyRules | None = None,
    *,
    extracted_with: str | None = None,
    cms: str | None = None,
) -> FamilyRules:
    """A page's extraction rules, for a crawl, `edunews extract` and `edunews reparse` alike; the first that applies:

    1. its site's configured rules (`site_rules`: the site's family with its selector overrides), unless the page
       is a stored one that another family extracted (`extracted_with`: the site changed family since);
    2. a shipped family named by the operator (`family`), by the stored page (`extracted_with`), or by the site's
       archived row (`cms`), in that order;
    3. when the page (HTML or its parsed tree) is given, the shipped family whose fingerprints it shows;
    4. the generic rules.
    """
    known = families()
    if site_rules is not None and extracted_with in (None, site_rules.name):
        return site_rules
    for name in (family, extracted_with, cms):
        if name and name in known:
            return known[name]
    if page is None:
        return GENERIC
    doc = parse_document(page) if isinstance(page, str) else page
    return detect_family(doc, known.values()) or GENERIC


@dataclass(frozen=True)
class SiteProfile:
    name: str
    base_url: str
    family: str = "generic"
    title: str = ""
    province: str = ""
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    rules: FamilyRules = GENERIC
    settings: Mapping[str, Any] = field(default_factory=dict)
    max_listing_pages: int | None = None
    verified: bool = True
    notes: str = ""

    def absolute_start_urls(self) -> list[str]:
        urls = self.start_urls or ("/",)
        return [urljoin(self.base_url, u) for u in urls]

    def site_row(self) -> dict[str, str]:
        """The `sites` table row."""
        return {
            "name": self.name,
            "title": self.title,
            "province": self.province,
            "base_url": self.base_url,
            "cms": self.family,
        }


def site_from_mapping(data: Mapping[str, Any], origin: str = "") -> SiteProfile:
    where = f"{origin}: " if origin else ""
    data = dict(data)
    name = str(data.pop("name", "")).strip()
    if not _NAME.match(name):
        raise ProfileError(f"{where}site name {name!r} must be lower-case letters, digits, '-' or '_'")
    base_url = str(data.pop("base_url", "")).strip()
    if not base_url.startswith(("http://", "https://")):
        raise ProfileError(f"{where}site {name!r} needs a base_url starting with http:// or https://")
    if not base_url.endswith("/") and base_url.count("/") == 2:
        base_url += "/"
    family_name = str(data.pop("family", data.pop("cms", "generic")))
    known = families()
    if family_name not in known:
        raise ProfileError(f"{where}site {name!r}: unknown family {family_name!r} ({', '.join(known)})")
    selectors = data.pop("selectors", {})
    try:
        rules = FamilyRules.from_mapping(selectors, base=known[family_name]) if selectors else known[family_name]
    except ValueError as exc:
        raise ProfileError(f"{where}site {name!r}: {exc}") from exc
    start = data.pop("start_urls", [])
    feeds = data.pop("feeds", [])
    profile = SiteProfile(
        name=name,
        base_url=base_url,
        family=family_name,
        title=str(data.pop("title", "")),
        province=str(data.pop("province", "")),
        start_urls=tuple([start] if isinstance(start, str) else start),
        feeds=tuple([feeds] if isinstance(feeds, str) else feeds),
        rules=rules,
        settings=dict(data.pop("settings", {})),
        max_listing_pages=data.pop("max_listing_pages", None),
        verified=bool(data.pop("verified", True)),
        notes=str(data.pop("notes", "")),
    )
    if data:
        raise ProfileError(f"{where}site {name!r}: unknown keys {', '.join(sorted(data))}")
    return profile


def load_sites_file(path: str | Path) -> list[SiteProfile]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: no such sites file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    entries = data.get("site", [])
    if not isinstance(entries, list):
        raise ProfileError(f"{path}: expected [[site]] tables")
    return [site_from_mapping(entry, path.name) for entry in entries]


def load_sites(extra_files: Iterable[str | Path] = (), packaged: bool = True) -> dict[str, SiteProfile]:
    """The packaged registry, then each extra file in order; a later site with the same name replaces one."""
    sites: dict[str, SiteProfile] = {}
    paths = sorted(SITES_DIR.glob("*.toml")) if packaged else []
    for path in [*paths, *map(Path, extra_files)]:
        for site in load_sites_file(path):
            sites[site.name] = site
    return sites
