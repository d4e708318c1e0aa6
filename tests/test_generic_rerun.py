"""Generic mode reruns: real crawls over loopback of a generated school site no profile describes.

The second run over the unchanged site requests no alias (redirecting short link, print or session variant) and no
page that gave no article; a third run after the site publishes articles finds them; the archive stays sound.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import generic_rerun as _bench
from edunews.fixtures.server import ServedSites, serve_sites
from storage import Archive, memory
from storage.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


NEW, SITE, GeneratedSite = _bench.NEW, _bench.SITE, _bench.GeneratedSite

FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
ARTICLES = 40


class Served:
    def __init__(self, site: GeneratedSite, served: ServedSites, db: Path) -> None:
        self.site = site
        self.served = served
        self.db = db
        self._seen = 0

    def crawl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "edunews", "crawl", self.served[SITE] + "/", "--db", str(self.db), *FAST, *args],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )

    def requests(self) -> list[tuple[str, int]]:
        log = self.served.requests(SITE)
        fresh, self._seen = log[self._seen :], len(log)
        return [(r.target, r.status) for r in fresh]


@pytest.fixture
def school(tmp_path) -> Iterator[Served]:
    root = tmp_path / "sites"
    site = GeneratedSite(root / SITE, ARTICLES)
    with serve_sites([SITE], root=root) as served:
        yield Served(site, served, tmp_path / "archive.sqlite")


def _no_article(target: str) -> bool:
    path = target.split("?")[0]
    return path in ("/lien-he.html", "/gioi-thieu.html", "/sitemap.xml") or path == "/van-ban/chi-tiet.php"


def test_second_generic_run_skips_aliases_and_pages_without_article(school):
    first = school.crawl()
    assert first.returncode == 1, first.stderr[-2000:]  # the site has no /sitemap.xml: a 404, remembered
    first_requests = school.requests()
    # The first run met every kind: short links (301), pages without an article, listings' later pages.
    assert any(status == 301 for _, status in first_requests)
    assert any(_no_article(t) for t, _ in first_requests)
    with Archive(school.db) as archive:
        assert archive.db["articles"].count == ARTICLES
        site = archive.db.execute("SELECT name FROM sites").fetchone()[0]
        kinds = memory.counts(archive.db.conn, site)
        aliases = archive.db.execute(
            "SELECT count(*) FROM url_memory WHERE kind = 'alias' AND article_id IS NOT NULL"
        ).fetchone()[0]
    assert kinds["alias"] >= 10 and kinds["no_article"] >= 10 and kinds["listing_page"] >= 1, kinds
    assert aliases == kinds["alias"]  # each short link maps to its stored article

    second = school.crawl()
    assert second.returncode == 0, second.stderr[-2000:]
    targets = [t for t, _ in school.requests()]
    assert not [t for t in targets if t.startswith("/bai/")]  # no alias
    assert not [t for t in targets if _no_article(t)]  # no page that gave no article
    assert not [t for t in targets if "chi-tiet.php" in t]  # no stored article
    # Only the home page and the listings' first pages (the 5 % of bench/generic_rerun.py is on a 1,000-article site).
    assert {t.split("?")[0] for t in targets} <= {"/robots.txt", "/", "/tin-tuc/", "/thong-bao/", "/van-ban/"}, targets
    assert len(targets) <= 0.1 * len(first_requests), targets
    assert "0 new" in second.stderr

    fresh = school.site.publish()
    third = school.crawl()
    assert third.returncode == 0, third.stderr[-2000:]
    assert f"{NEW} new" in third.stderr, third.stderr[-500:]
    with Archive(school.db) as archive:
        titles = {title for (title,) in archive.db.execute("SELECT title FROM articles")}
        assert {school.site.titles[n] for n in fresh} <= titles
        assert archive.db["articles"].count == ARTICLES + NEW
        assert archive.integrity_ok() and archive.search_index_ok()


def test_remembered_pages_are_rechecked_when_old(school):
    assert school.crawl().returncode == 1
    school.requests()
    # A month later every remembered page is judged again, so a changed site is noticed.
    con = sqlite3.connect(school.db)
    with con:
        con.execute("UPDATE url_memory SET checked_at = '2000-01-01T00:00:00+00:00'")
    con.close()
    assert school.crawl().returncode == 1
    targets = [t for t, _ in school.requests()]
    assert any(_no_article(t) for t in targets)
    # --set EDUNEWS_URL_MEMORY=False leaves the memory alone: every page is requested again.
    school.crawl()
    school.requests()
    assert school.crawl("--set", "EDUNEWS_URL_MEMORY=False").returncode == 1
    assert any(_no_article(t) for t, _ in school.requests())


def test_memory_tables_added_to_an_old_archive_in_place(tmp_path):
    db = tmp_path / "old.sqlite"
    with Archive(db):
        pass
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE url_memory; DROP TABLE learned_sites; PRAGMA user_version = 3;")
    con.close()
    with Archive(db) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert archive.db["url_memory"].exists() and archive.db["learned_sites"].exists()
        memory.record(archive.db.conn, "s", [("http://s/a", "no_article", None, 200)], "2025-01-01T00:00:00+00:00")
        assert memory.load(archive.db.conn, "s", "2025-01-15T00:00:00+00:00") == {
            "http://s/a": memory.Remembered("no_article", None)
        }
        assert memory.load(archive.db.conn, "s", "2025-03-01T00:00:00+00:00") == {}
        assert archive.integrity_ok()
    with pytest.raises(ValueError):
        with Archive(db) as archive:
            memory.record(archive.db.conn, "s", [("http://s/b", "article", None, 200)], "2025-01-01")


def test_archives_of_months_gone_by_are_not_read_again():
    from spiders.generic import _past_archive

    now = "2026-12-03T09:00:00+00:00"
    assert _past_archive("https://thpt.edu.vn/2019/11/", now) and _past_archive("https://thpt.edu.vn/2025/", now)
    assert not _past_archive("https://thpt.edu.vn/2026/12/", now)
    assert not _past_archive("https://thpt.edu.vn/2026/", now)
    # An article's path with a month in it is no archive.
    assert not _past_archive("https://thpt.edu.vn/2024/05/le-tong-ket-nam-hoc/", now)
