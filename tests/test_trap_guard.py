"""The trap guard bounds query-string variants per path, except for links given as articles."""

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
