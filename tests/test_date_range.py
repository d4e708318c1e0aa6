"""--since / --until: only the articles of the range are kept, and listings stop where the range ends."""

from __future__ import annotations

from crawler.pipelines import in_date_range
from edunews import run
from storage import Archive


def test_since_until_keeps_only_articles_of_the_range(site):
    result = site.crawl("--since", "2023-01-01", "--until", "2024-12-31")
    assert result.returncode in (run.EXIT_OK, run.EXIT_ERRORS), result.stderr
    with Archive(site.db) as archive:
        days = [r["published_at"][:10] for r in archive.db["articles"].rows if r["published_at"]]
    assert days and all("2023-01-01" <= day <= "2024-12-31" for day in days), days
    assert len(days) < 10
    # The 2025 article was fetched (only --since skips by listing date) but not stored, and counted.
    assert "2025-01-03" not in days
    assert "outside the dates" in result.stderr


def test_since_stops_listings_older_than_it(site):
    result = site.crawl("--since", "2026-01-01")
    targets = {t for t, _ in site.requests()}
    assert not any("page=2" in t for t in targets), targets
    assert not [t for t in targets if t.endswith(".html")], targets  # no article page was worth fetching
    assert "0 new" in result.stderr


def test_since_after_until_is_a_configuration_error(site):
    result = site.crawl("--since", "2024-02-01", "--until", "2024-01-01")
    assert result.returncode == run.EXIT_CONFIG
    assert "--since is after --until" in result.stderr


# -- in_date_range, the rule the pipeline applies ----------------------------------------------------------------


def test_an_undated_article_is_kept_whatever_the_range():
    assert in_date_range(None, "2024-01-01", "2024-12-31")
    assert in_date_range("", "2024-01-01", None)


def test_the_range_is_of_days_and_inclusive():
    assert in_date_range("2024-03-12", "2024-03-12", "2024-03-12")
    # A time of day (any zone) on the last day is still that day.
    assert in_date_range("2024-03-12T23:59:00+07:00", None, "2024-03-12")
    assert in_date_range("2024-03-12T00:00:00+07:00", "2024-03-12", None)


def test_outside_either_bound_is_dropped():
    assert not in_date_range("2024-03-11", "2024-03-12", None)
    assert not in_date_range("2024-03-13T08:00:00+07:00", None, "2024-03-12")
    assert not in_date_range("2023-12-31", "2024-01-01", "2024-12-31")


def test_no_bounds_keep_everything():
    assert in_date_range("1999-01-01", None, None)
