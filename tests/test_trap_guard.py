"""What keeps a crawl out of traps: the trap guard's bounds on query-string variants (except for links given as
articles), a family's own skip_url links, and generic discovery's depth and page budget."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request
from scrapy.statscollectors import StatsCollector

from crawler.middlewares import TrapGuardMiddleware


def _guard(max_variants: int = 5) -> tuple[TrapGuardMiddleware, StatsCollector]:
    from scrapy.utils.test import get_crawler

    stats = StatsCollector(get_crawler())
    return TrapGuardMiddleware(max_variants, stats), stats


def _passed(guard, requests) -> list[Request]:
    spider = SimpleNamespace(allowed_hosts={"127.0.0.1"})
    return list(guard.process_spider_output(None, requests, spider))


def test_calendar_variants_are_bounded():
    guard, stats = _guard()
    calendar = [Request(f"http://127.0.0.1/lich-cong-tac.aspx?tuan={n}") for n in range(40)]
    assert len(_passed(guard, calendar)) == 5
    assert stats.get_value("edunews/dropped/query_variants") == 35


def test_articles_served_by_one_script_are_not_a_trap():
    # SharePoint and Joomla serve every article from one path with an id in the query string.
    guard, stats = _guard()
    articles = [
        Request(f"http://127.0.0.1/tintuc/Pages/tin-tong-hop.aspx?ItemID={n}", meta={"edunews_article": True})
        for n in range(500)
    ]
    assert len(_passed(guard, articles)) == 500
    assert not stats.get_value("edunews/dropped/query_variants")
    # Still kept on the site's hosts.
    away = Request("http://127.0.0.9/tin.aspx?ItemID=1", meta={"edunews_article": True})
    assert _passed(guard, [away]) == []


def test_a_family_s_skip_url_links_are_not_followed():
    from crawler.extract.rules import FamilyRules

    guard, stats = _guard()
    rules = FamilyRules.from_mapping({"skip_url": r"/(lich-cong-tac|thu-vien-anh)/"})
    spider = SimpleNamespace(allowed_hosts={"127.0.0.1"}, rules=rules)
    requests = [
        Request("http://127.0.0.1/lich-cong-tac/tuan-12.html"),
        Request("http://127.0.0.1/thu-vien-anh/album-1.html", meta={"edunews_article": True}),
        Request("http://127.0.0.1/tin-tuc/hoi-nghi-tong-ket.html"),
        # A start URL the profile names is followed whatever the rules say.
        Request("http://127.0.0.1/lich-cong-tac/", meta={"edunews_trusted": True}),
    ]
    passed = [r.url for r in guard.process_spider_output(None, requests, spider)]
    assert passed == ["http://127.0.0.1/tin-tuc/hoi-nghi-tong-ket.html", "http://127.0.0.1/lich-cong-tac/"]
    assert stats.get_value("edunews/dropped/skip_url") == 2


def test_generic_discovery_bounds_come_from_their_settings():
    from scrapy.settings import Settings

    from spiders.generic import GenericSpider

    settings = Settings({"EDUNEWS_GENERIC_DEPTH": 6, "EDUNEWS_GENERIC_MAX_PAGES": 300})
    GenericSpider.update_settings(settings)
    assert (settings.getint("DEPTH_LIMIT"), settings.getint("CLOSESPIDER_PAGECOUNT")) == (6, 300)
    operator = Settings()
    operator.set("CLOSESPIDER_PAGECOUNT", 50, priority="cmdline")  # --max-pages 50
    GenericSpider.update_settings(operator)
    assert (operator.getint("DEPTH_LIMIT"), operator.getint("CLOSESPIDER_PAGECOUNT")) == (4, 50)
