"""Incremental runs: a second crawl fetches listings and new articles only, in profile and generic mode, and a
crawl killed half way is taken up by the next one without losing or duplicating an article.

Real crawls in subprocesses against a copy of a fixture site served over loopback, which a test edits between
runs as a site would change between nights.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from editable_site import FAST, LISTING, NEW_ARTICLES, ROOT, SITE, edunews, is_listing

from edunews import run
from edunews.fixtures.server import serve_sites
from storage import Archive


def test_second_run_fetches_only_listings_and_new_articles(site):
    first = site.crawl()
    assert first.returncode == run.EXIT_ERRORS, first.stderr
    first_requests = site.requests()
    failed = {target for target, status in first_requests if status != 200}
    new_paths = [site.add_article(*article) for article in NEW_ARTICLES]

    second = site.crawl()
    assert second.returncode == run.EXIT_ERRORS, second.stderr
    targets = {target for target, _ in site.requests()}
    others = {t for t in targets if not is_listing(t.split("?")[0]) and t != "/robots.txt"}
    # Only the new articles, and the one page the first run could not fetch (the archive still lacks it).
    assert others == set(new_paths) | failed
    assert len(failed) == 1
    assert "2 new" in second.stderr and "known skipped" in second.stderr
    with Archive(site.db) as archive:
        titles = {r["title"] for r in archive.db["articles"].rows}
        assert {title for _, title, _ in NEW_ARTICLES} <= titles
        assert archive.db["articles"].count == 12
        assert archive.integrity_ok()

    # --url still refetches one stored article; --refresh refetches them all.
    known = f"{LISTING}/gan-900-thi-sinh-tham-du-ky-thi-chon-hoc-sinh-gioi-lop-12-cap-tinh-nam-hoc-2023.html"
    base = site.served[SITE].rstrip("/")
    assert site.crawl("--url", base + known).returncode == run.EXIT_OK
    assert [t for t, _ in site.requests() if t != "/robots.txt"] == [known]
    refreshed = site.crawl("--refresh")
    assert "12 unchanged" in refreshed.stderr, refreshed.stderr
    assert set(new_paths) | {known} <= {t for t, _ in site.requests()}


def test_unchanged_listing_pages_stop_pagination(site):
    site.crawl()
    site.requests()
    result = site.crawl("--set", "EDUNEWS_STOP_AFTER_KNOWN_PAGES=1")
    targets = {t for t, _ in site.requests()}
    # This listing's first page holds only stored articles: its second page is not fetched. The other listing's
    # first page links the article the archive lacks (it failed), so that listing goes on.
    assert LISTING in targets and f"{LISTING}?page=2" not in targets, targets
    assert "/tin-tuc/thong-tin-chi-dao-dieu-hanh?page=2" in targets
    assert "0 new" in result.stderr


def test_generic_mode_skips_stored_articles(tmp_path):
    db = tmp_path / "archive.sqlite"
    name = "nguyendu-demo"
    with serve_sites([name]) as served:
        url = served[name] + "/"
        first = edunews("crawl", url, "--db", str(db), *FAST)
        fetched_first = len(served.requests(name))
        second = edunews("crawl", url, "--db", str(db), *FAST)
        fetched_second = len(served.requests(name)) - fetched_first
    assert first.returncode == second.returncode == run.EXIT_OK, second.stderr
    assert "8 new" in first.stderr
    assert "0 new" in second.stderr and "8 known skipped" in second.stderr
    assert fetched_second <= fetched_first - 8


def _stored_urls(db: Path) -> set[str]:
    if not db.exists():
        return set()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {url for (url,) in con.execute("SELECT url FROM articles")}
    except sqlite3.OperationalError:  # the schema is not there yet
        return set()
    finally:
        con.close()


def test_killed_crawl_then_rerun_loses_and_duplicates_nothing(site):
    slow = ["--set", "DOWNLOAD_DELAY=0.4"]
    args = ["crawl", SITE, "--sites", str(site.sites_file), "--db", str(site.db), *FAST, *slow]
    proc = subprocess.Popen([sys.executable, "-m", "edunews", *args], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(_stored_urls(site.db)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    proc.kill()  # SIGKILL: no handler runs, the crawl row stays 'running'
    proc.wait(timeout=30)
    stored = _stored_urls(site.db)
    assert 3 <= len(stored) < 10
    site.requests()

    rerun = site.crawl()
    assert rerun.returncode == run.EXIT_ERRORS, rerun.stderr  # the lock died with the killed run
    base = site.served[SITE].rstrip("/")
    assert all(url.startswith(base + "/tin-tuc/") for url in stored)
    refetched = {base + t for t, _ in site.requests()}
    assert not refetched & stored  # what was stored is not fetched again
    assert f"{10 - len(stored)} new" in rerun.stderr
    with Archive(site.db) as archive:
        urls = [r["url"] for r in archive.db["articles"].rows]
        assert len(urls) == len(set(urls)) == 10 and stored <= set(urls)
        assert archive.integrity_ok() and archive.search_index_ok()
        statuses = [r["status"] for r in archive.db["crawls"].rows]
    assert statuses == ["running", "finished_with_errors"]
