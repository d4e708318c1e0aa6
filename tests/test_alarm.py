"""Site alarms: a crawl whose pages stop giving what the site's template gave turns its status into `alarm`."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from editable_site import LISTING_FILE, SITE

from crawler.pipelines import site_alarm
from edunews import run
from storage import Archive


def _crawl_sites(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM crawl_sites ORDER BY crawl_id")]
    finally:
        con.close()


def test_template_change_raises_the_alarm(site):
    first = site.crawl()
    assert first.returncode == run.EXIT_ERRORS
    (healthy,) = _crawl_sites(site.db)
    assert healthy["site"] == SITE and healthy["alarm"] is None
    assert healthy["new"] == 10 and healthy["errors"] == 1 and healthy["missing_title"] == 0

    # The CMS is upgraded: the body class is renamed and the headline is gone.
    site.edit_articles(
        lambda html: re.sub(r"<h1 class=\"title-detail\">.*?</h1>", "", html, flags=re.S)
        .replace("article-content", "noi-dung-bai")
        .replace("post-date", "ngay-dang")
    )
    second = site.crawl("--refresh")
    assert second.returncode == run.EXIT_ALARM == 5, second.stderr
    assert "ALARM" in second.stderr
    rows = _crawl_sites(site.db)
    assert rows[-1]["alarm"] and rows[-1]["missing_title"] + rows[-1]["missing_body"] > 0
    with Archive(site.db) as archive:
        crawl = list(archive.db["crawls"].rows)[-1]
        assert crawl["status"] == "alarm"
        assert archive.integrity_ok()


def test_listing_template_change_raises_the_alarm(site):
    site.crawl()
    listing = site.dir / LISTING_FILE
    listing.write_text(listing.read_text(encoding="utf-8").replace("article-title common-title", "tieu-de"),
                       encoding="utf-8")
    for page in (site.dir / "pages").glob("tin-tuc_*.html"):
        if page.name.count("_") == 1 or "_page_" in page.name:
            page.write_text(re.sub(r'href="/tin-tuc/[^"]+\.html"', 'href="#"', page.read_text(encoding="utf-8")),
                            encoding="utf-8")
    result = site.crawl()
    assert result.returncode == run.EXIT_ALARM, result.stderr
    assert "no article links" in result.stderr


def test_alarm_share_setting(site):
    # Dates gone from article and listing pages alike: only the datelines of four articles give a day.
    for page in (site.dir / "pages").glob("tin-tuc_*.html"):
        html = re.sub(r'<(div|span) class="post-date">[^<]*</\1>', "", page.read_text(encoding="utf-8"))
        page.write_text(html, encoding="utf-8")
    default = site.crawl()  # 4 of 10 undated: under the default share of 0.5
    assert default.returncode == run.EXIT_ERRORS, default.stderr
    assert _crawl_sites(site.db)[-1]["missing_date"] == 4
    strict = site.crawl("--refresh", "--set", "EDUNEWS_ALARM_SHARE=0.3")
    assert strict.returncode == run.EXIT_ALARM, strict.stderr
    assert "ALARM: 4 of 10 articles without a date" in strict.stderr
    assert _crawl_sites(site.db)[-1]["alarm"] == "4 of 10 articles without a date"


# -- site_alarm on crawl stats, without a crawl ----------------------------------------------------------------

HEALTHY = {
    "edunews/listing_pages": 3,
    "edunews/listing_links": 60,
    "edunews/articles_seen": 10,
    "edunews/missing_date": 1,
}


def test_a_healthy_crawl_raises_no_alarm():
    assert site_alarm(HEALTHY, 0.3) is None
    assert site_alarm({}, 0.3) is None  # nothing crawled: nothing to judge


def test_listing_pages_without_article_links():
    stats = {**HEALTHY, "edunews/listing_links": 0}
    assert site_alarm(stats, 0.3) == "3 listing pages but no article links"


def test_article_pages_none_of_which_gave_an_article():
    stats = {**HEALTHY, "edunews/articles_seen": 0, "edunews/missing_date": 0,
             "edunews/rejected_articles": 4, "edunews/empty_articles": 2}
    assert site_alarm(stats, 0.3) == "3 listing pages but no articles (6 article pages gave none)"


def test_unchanged_articles_count_as_pages_that_still_extract():
    # Answered 304: their template did not change, so two rejected pages out of ten are below the share.
    stats = {**HEALTHY, "edunews/articles_seen": 0, "edunews/missing_date": 0,
             "edunews/rejected_articles": 2, "edunews/articles_not_modified": 8}
    assert site_alarm(stats, 0.3) is None


def test_a_share_of_articles_missing_a_field_above_the_setting():
    assert site_alarm({**HEALTHY, "edunews/missing_date": 3}, 0.3) is None  # 3 of 10 is not above 0.3
    assert site_alarm({**HEALTHY, "edunews/missing_date": 4}, 0.3) == "4 of 10 articles without a date"
    assert site_alarm({**HEALTHY, "edunews/missing_date": 4}, 0.5) is None


def test_pages_that_gave_no_article_count_as_missing_every_field():
    stats = {**HEALTHY, "edunews/articles_seen": 6, "edunews/missing_date": 0, "edunews/empty_articles": 4}
    assert site_alarm(stats, 0.3) == "4 of 10 articles without a title"  # title is judged first
