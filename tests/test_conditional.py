"""Conditional GETs: validators kept in the archive, 304s for unchanged listings and refreshed articles.

Real crawls in subprocesses against a copy of a fixture site served over loopback by a server that sends ETag and
Last-Modified and answers matching conditional requests with 304, as nginx does for static files.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from editable_site import LISTING, SITE, Site, is_listing

from edunews import run
from edunews.fixtures.server import SITES_ROOT, serve_sites
from storage import Archive, validators

BROKEN = "/tin-tuc/thong-tin-chi-dao-dieu-hanh/thong-bao-lich-tiep-cong-dan-thang-8-2022.html"


@contextmanager
def conditional_site(tmp_path: Path, mend: bool) -> Iterator[Site]:
    """The site with ETags; mend=True turns its one failing page (a 500) into a page, so a run can finish clean."""
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / SITE, root / SITE)
    if mend:
        manifest_path = root / SITE / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["routes"][BROKEN] = dict(manifest["routes"][LISTING], status=200)
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with serve_sites([SITE], root=root, conditional=True) as served:
        yield Site(tmp_path, served, root)


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    with conditional_site(tmp_path, mend=True) as served:
        yield served


def validator_rows(db) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        return {row[0]: row[1:] for row in conn.execute("SELECT url, etag, last_modified FROM http_validators")}


def test_unchanged_listings_answer_304_and_stop(site):
    first = site.crawl()
    assert first.returncode == run.EXIT_OK, first.stderr
    stored = validator_rows(site.db)
    base = site.served[SITE].rstrip("/")
    # Every stored article and every listing page of a clean full run has its validators.
    assert base + LISTING in stored
    assert all(etag and etag.startswith('"') for etag, _ in stored.values())
    with Archive(site.db) as archive:
        article_urls = {row["url"] for row in archive.db["articles"].rows}
    assert article_urls <= set(stored)
    site.requests()

    second = site.crawl()
    assert second.returncode == run.EXIT_OK, second.stderr
    answered = [(t, s) for t, s in site.requests() if t != "/robots.txt"]
    listings = [(t, s) for t, s in answered if is_listing(t.split("?")[0])]
    # Each listing's first page: 304, and nothing after it.
    assert listings and all(status == 304 for _, status in listings), listings
    assert not any("page=2" in t for t, _ in listings)
    assert "0 new" in second.stderr and "not modified" in second.stderr
    with Archive(site.db) as archive:
        assert archive.db["articles"].count == len(article_urls)
        assert archive.integrity_ok()


def test_changed_listing_is_read_in_full(site):
    assert site.crawl().returncode == run.EXIT_OK
    site.requests()
    site.add_article("hoi-thi-giao-vien-day-gioi-cap-tinh-2025", "Hội thi giáo viên dạy giỏi cấp tỉnh năm 2025",
                     "12/03/2025")
    site.crawl()
    answered = dict(site.requests())
    # The edited listing's ETag no longer matches: a full 200 whose new link is followed.
    assert answered[LISTING] == 200
    assert f"{LISTING}/hoi-thi-giao-vien-day-gioi-cap-tinh-2025.html" in answered


def test_refresh_revalidates_articles_and_touches_them(site):
    assert site.crawl().returncode == run.EXIT_OK
    with Archive(site.db) as archive:
        before = {row["url"]: row["last_seen_at"] for row in archive.db["articles"].rows}
        archive.db.conn.execute("UPDATE articles SET last_seen_at = '2000-01-01T00:00:00+00:00'")
        archive.db.conn.commit()
    site.requests()
    refreshed = site.crawl("--refresh")
    assert refreshed.returncode == run.EXIT_OK, refreshed.stderr
    articles = [(t, s) for t, s in site.requests() if t.endswith(".html") and not is_listing(t.split("?")[0])]
    # The page that is linked as an article but is none was never stored, so it has no validators: a full 200.
    assert (BROKEN, 200) in articles
    articles.remove((BROKEN, 200))
    assert len(articles) == len(before)
    assert {s for _, s in articles} == {304}
    with Archive(site.db) as archive:
        seen = {row["url"]: row["last_seen_at"] for row in archive.db["articles"].rows}
        assert set(seen) == set(before)
        # A 304 is evidence the article is still there.
        assert all(value > "2000-01-01T00:00:00+00:00" for value in seen.values())
        assert archive.db["revisions"].count == 0


def test_url_refetch_is_unconditional(site):
    assert site.crawl().returncode == run.EXIT_OK
    site.requests()
    known = f"{LISTING}/gan-900-thi-sinh-tham-du-ky-thi-chon-hoc-sinh-gioi-lop-12-cap-tinh-nam-hoc-2023.html"
    result = site.crawl("--url", site.served[SITE].rstrip("/") + known)
    assert result.returncode == run.EXIT_OK, result.stderr
    assert [(t, s) for t, s in site.requests() if t != "/robots.txt"] == [(known, 200)]


def test_no_listing_validators_after_a_run_with_errors(tmp_path):
    # A run with a failed page records no listing validators: tomorrow's run must read the listings in full (a
    # listing answered 304 is not read, and the failed article it links would never be retried).
    with conditional_site(tmp_path, mend=False) as site:
        first = site.crawl()
        assert first.returncode == run.EXIT_ERRORS, first.stderr
        stored = validator_rows(site.db)
        base = site.served[SITE].rstrip("/")
        assert base + LISTING not in stored and base + BROKEN not in stored
        # The articles that were stored do have theirs.
        assert any(url.endswith(".html") for url in stored)
        site.requests()
        site.crawl()
        listings = [(t, s) for t, s in site.requests() if is_listing(t.split("?")[0])]
        assert listings and all(status == 200 for _, status in listings)


def test_conditional_get_can_be_switched_off(site):
    assert site.crawl().returncode == run.EXIT_OK
    site.requests()
    site.crawl("--set", "EDUNEWS_CONDITIONAL_GET=False")
    assert all(status == 200 for t, status in site.requests() if t != "/robots.txt")


def test_validators_store_round_trip(tmp_path):
    db = tmp_path / "a.sqlite"
    with Archive(db) as archive:
        archive.store_article({"url": "http://127.0.0.1/a.html", "site": "s", "title": "Tiêu đề",
                               "body_text": "Nội dung bài viết."})
    conn = validators.connect(str(db))
    try:
        assert validators.lookup(conn, "http://127.0.0.1/a.html") is None
        urls = ["http://127.0.0.1/a.html", "http://127.0.0.1/b.html"]
        assert validators.stored(conn, urls) == {"http://127.0.0.1/a.html"}
        validators.record(conn, [("http://127.0.0.1/a.html", '"x1"', None, "s"),
                                 ("http://127.0.0.1/c.html", None, None, "s")], "2026-01-01T00:00:00+00:00")
        assert validators.lookup(conn, "http://127.0.0.1/a.html") == ("\"x1\"", None)
        # No validators, no row: a page without them is always fetched in full.
        assert validators.lookup(conn, "http://127.0.0.1/c.html") is None
        validators.record(conn, [("http://127.0.0.1/a.html", None, "Mon, 18 Jul 2022 01:30:00 GMT", "s")], "t2")
        assert validators.lookup(conn, "http://127.0.0.1/a.html") == (None, "Mon, 18 Jul 2022 01:30:00 GMT")
        assert validators.touch_articles(conn, ["http://127.0.0.1/a.html"], "2030-01-01T00:00:00+00:00") == 1
    finally:
        conn.close()
