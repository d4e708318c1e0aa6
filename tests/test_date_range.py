"""--since / --until: only the articles of the range are kept, and listings stop where the range ends."""

from __future__ import annotations

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
