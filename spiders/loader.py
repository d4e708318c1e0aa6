"""Scrapy spider loader: one spider per configured site, plus `generic`.

Set as SPIDER_LOADER_CLASS, so `scrapy list` lists every site of the packaged registry and of the files named in
EDUNEWS_SITES, and `scrapy crawl NAME` crawls one, as in any Scrapy project.
"""

from __future__ import annotations

import warnings

from scrapy.settings import BaseSettings
from zope.interface import implementer

with warnings.catch_warnings():
    # Older Scrapy verifies loaders against this interface; newer Scrapy deprecates the module.
    warnings.simplefilter("ignore")
    try:
        from scrapy.interfaces import ISpiderLoader
    except ImportError:  # pragma: no cover
        ISpiderLoader = None

from crawler import settings as defaults
from spiders.generic import GenericSpider
from spiders.profiles import SiteProfile, load_sites
from spiders.site import SiteSpider


def spider_class(profile: SiteProfile) -> type[SiteSpider]:
    """A SiteSpider subclass bound to one profile, with the profile's own Scrapy settings."""
    attrs = {
        "name": profile.name,
        "profile": profile,
        "custom_settings": dict(profile.settings),
        "__doc__": f"{profile.title or profile.name} ({profile.family})",
    }
    return type(f"Site_{profile.name.replace('-', '_')}", (SiteSpider,), attrs)


def _loader(cls):
    return implementer(ISpiderLoader)(cls) if ISpiderLoader is not None else cls


@_loader
class SiteSpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        files = settings.getlist("EDUNEWS_SITES")
        packaged = settings.getbool("EDUNEWS_PACKAGED_SITES", defaults.EDUNEWS_PACKAGED_SITES)
        self.profiles = load_sites(files, packaged=packaged)
        self._spiders: dict[str, type] = {name: spider_class(p) for name, p in self.profiles.items()}
        self._spiders["generic"] = GenericSpider

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SiteSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request) -> list[str]:
        from crawler.urls import site_key

        host = site_key(request.url)
        return [
            name for name, profile in self.profiles.items() if site_key(profile.base_url) == host
        ]
