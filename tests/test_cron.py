"""Nightly operation: one run per archive, incremental crawls, date ranges, site alarms and `edunews status`.

Real crawls in subprocesses against a copy of a fixture site served over loopback, which a test edits between
runs as a site would change between nights.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from edunews import run
from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, ServedSites, serve_sites
from edunews.lock import ArchiveLocked, archive_lock
from storage import Archive

ROOT = Path(__file__).resolve().parent.parent
SITE = "gialai-demo"
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
LISTING = "/tin-tuc/tin-hoat-dong-nganh"
LISTING_FILE = "pages/tin-tuc_tin-hoat-dong-nganh.html"
TEMPLATE_ARTICLE = (
    "pages/tin-tuc_tin-hoat-dong-nganh_gan-900-thi-sinh-tham-du-ky-thi-chon-hoc-sinh-gioi-l_19e66bed.html"
)
TEMPLATE_TITLE = "Gần 900 thí sinh tham dự Kỳ thi chọn học sinh giỏi lớp 12 cấp tỉnh năm học 2023-2024"
NEW_ARTICLES = [
    ("hoi-thi-giao-vien-day-gioi-cap-tinh-2025", "Hội thi giáo viên dạy giỏi cấp tỉnh năm 2025", "12/03/2025"),
    ("trao-hoc-bong-cho-hoc-sinh-ngheo-vuot-kho", "Trao học bổng cho học sinh nghèo vượt khó", "14/03/2025"),
]


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


class Site:
    """A served, editable copy of a fixture site and the archive crawls of it go to."""

    def __init__(self, tmp: Path, served: ServedSites, root: Path) -> None:
        self.tmp = tmp
        self.served = served
        self.dir = root / SITE
        self.db = tmp / "archive.sqlite"
        self.sites_file = tmp / "sites.toml"
        self.sites_file.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
        self._seen = 0

    def crawl(self, *args: str) -> subprocess.CompletedProcess:
        return edunews("crawl", SITE, "--sites", str(self.sites_file), "--db", str(self.db), *FAST, *args)

    def requests(self) -> list[tuple[str, int]]:
        """Requests answered since the previous call: (target, status)."""
        log = self.served.requests(SITE)
        fresh, self._seen = log[self._seen :], len(log)
        return [(r.target, r.status) for r in fresh]

    def add_article(self, slug: str, title: str, day: str) -> str:
        """Publish a prepared article: link it at the top of the listing, as the site would; its path."""
        path = f"{LISTING}/{slug}.html"
        listing = self.dir / LISTING_FILE
        item = (
            f'<div class="item-news"><div class="info"><a class="article-title common-title" href="{path}">'
            f'{title}</a><div class="post-date">{day}</div></div></div>\n'
        )
        html = listing.read_text(encoding="utf-8")
        listing.write_text(html.replace('<div class="list-news">', '<div class="list-news">' + item, 1), "utf-8")
        return path

    def edit_articles(self, edit) -> None:
        """Apply edit to the HTML of every article page (a template change)."""
        for page in (self.dir / "pages").glob("tin-tuc_*_*.html"):
            if "_page_" not in page.name:
                page.write_text(edit(page.read_text(encoding="utf-8")), encoding="utf-8")


def prepare_articles(directory: Path) -> None:
    """The pages of NEW_ARTICLES, routed but linked from nowhere until a test publishes them.

    The server reads its routes once; page files are read per request, so listings can change between runs.
    """
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    template = (directory / TEMPLATE_ARTICLE).read_text(encoding="utf-8")
    for slug, title, day in NEW_ARTICLES:
        html = template.replace(TEMPLATE_TITLE, title).replace("28/12/2023", day)
        # Text of its own: the template's paragraphs kept would make it a near copy of the template article.
        html = re.sub(r'<p style="text-align: justify;">.*?</p>', "", html)
        html = html.replace('<div class="article-content">', f'<div class="article-content">\n<p>{title}.</p>', 1)
        file = f"pages/{slug}.html"
        (directory / file).write_text(html, encoding="utf-8")
        manifest["routes"][f"{LISTING}/{slug}.html"] = {
            "file": file,
            "headers": {"Content-Type": "text/html; charset=utf-8"},
        }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / SITE, root / SITE)
    prepare_articles(root / SITE)
    with serve_sites([SITE], root=root) as served:
        yield Site(tmp_path, served, root)


def is_listing(target: str) -> bool:
    return target.startswith("/tin-tuc/") and target.count("/") == 2


# -- one run per archive -----------------------------------------------------------------------------------


def test_lock_is_exclusive_and_released(tmp_path):
    db = tmp_path / "archive.sqlite"
    with archive_lock(db):
        with pytest.raises(ArchiveLocked, match=str(os.getpid())), archive_lock(db):
            pass
    with archive_lock(db):  # released when the first run ended
        pass


def test_crawl_refuses_a_locked_archive_at_once(site):
    with archive_lock(site.db):
        started = time.monotonic()
        result = site.crawl()
    assert result.returncode == run.EXIT_LOCKED == 3, result.stderr
    assert "another run is using" in result.stderr
    assert time.monotonic() - started < 30
    assert site.requests() == []  # nothing was fetched


def test_demo_refuses_a_locked_archive(tmp_path):
    db = tmp_path / "demo.sqlite"
    with archive_lock(db):
        result = edunews("demo", "--db", str(db), "--port", "0")
    assert result.returncode == run.EXIT_LOCKED, result.stderr


def test_two_crawls_started_at_once_one_refuses(site):
    # A delay keeps the first crawl running while the second starts.
    slow = ["--set", "DOWNLOAD_DELAY=0.3"]
    args = ["crawl", SITE, "--sites", str(site.sites_file), "--db", str(site.db), *FAST, *slow]
    procs = [
        subprocess.Popen([sys.executable, "-m", "edunews", *args], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    codes = sorted(p.wait(timeout=300) for p in procs)
    errors = [p.stderr.read() for p in procs]
    assert codes == [run.EXIT_ERRORS, run.EXIT_LOCKED], errors  # the fixture site serves one broken page
    with Archive(site.db) as archive:
        assert archive.integrity_ok()
        assert archive.db["crawls"].count == 1
        assert archive.db["articles"].count == 10


# -- incremental runs ----------------------------------------------------------------------------------------


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


# -- --since / --until ---------------------------------------------------------------------------------------


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


# -- site alarm -----------------------------------------------------------------------------------------------


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


# -- edunews status -------------------------------------------------------------------------------------------


def test_status_reports_each_site(site):
    site.crawl()
    other = site.tmp / "other.toml"
    other.write_text(
        '[[site]]\nname = "never-demo"\ntitle = "Trường chưa thu thập"\nprovince = ""\nfamily = "generic"\n'
        'base_url = "http://127.0.0.1:9/"\nstart_urls = ["/"]\n',
        encoding="utf-8",
    )
    result = edunews("status", "--db", str(site.db), "--sites", str(other), "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["site"]: r for r in map(json.loads, result.stdout.splitlines())}
    gialai = rows[SITE]
    assert gialai["articles"] == 10 and gialai["newest"].startswith("2025-01-03")
    assert gialai["last_status"] == "finished_with_errors" and gialai["errors"] == 1
    assert gialai["health"] == "errors" and gialai["last_run"]
    assert rows["never-demo"]["health"] == "never crawled" and rows["never-demo"]["articles"] == 0

    table = edunews("status", "--db", str(site.db))
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split()[:2] == ["site", "health"]
    assert any(line.startswith(SITE) and " errors " in line for line in table.stdout.splitlines())


def test_status_health_rules():
    from edunews.status import health

    assert health(None, 0, None) == "never crawled"
    assert health("ok", 0, None) == "ok"
    assert health("finished_with_errors", 3, None) == "errors"
    assert health("failed", 0, None) == "errors"
    assert health("alarm", 0, "no article links") == "alarm"


def test_status_without_archive(tmp_path):
    result = edunews("status", "--db", str(tmp_path / "none.sqlite"))
    assert result.returncode == run.EXIT_CONFIG


def test_exit_status_order():
    outcome = run.CrawlOutcome
    assert run.exit_status([outcome("a", "ok"), outcome("b", "alarm")]) == run.EXIT_ALARM
    assert run.exit_status([outcome("a", "finished_with_errors"), outcome("b", "alarm")]) == run.EXIT_ALARM
    assert run.exit_status([outcome("a", "failed"), outcome("b", "alarm")]) == run.EXIT_FAILED
    assert run.exit_status([outcome("a", "interrupted"), outcome("b", "alarm")]) == run.EXIT_INTERRUPTED


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
