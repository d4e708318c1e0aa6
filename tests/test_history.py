"""Raw pages, revisions, offline re-extraction and WARC export, over real crawls of copied fixture sites."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names
from storage import Archive

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
EDITED_SITE = "gialai-demo"
EDITED_PATH = "/tin-tuc/tin-hoat-dong-nganh/tham-tang-qua-tet-cho-hoc-sinh-va-giao-vien-vung-kho-huyen-kong-chro.html"
EDITED_FROM = "Sáng 3/1, đoàn công tác"
EDITED_TO = "Sáng thứ Sáu 3/1, đoàn công tác"
# What must come out of a re-extraction exactly as the crawl stored it.
ARTICLE_COLUMNS = (
    "id, url, site, title, summary, published_at, published_source, author, source, category, body_text, "
    "body_html, view_count, word_count, content_hash, duplicate_of, identity"
)


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "EDUNEWS_PROGRESS": "0"},
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every fixture site, copied so a page can be edited, served and crawled once."""
    tmp = tmp_path_factory.mktemp("history")
    root = tmp / "sites"
    shutil.copytree(SITES_ROOT, root)
    with serve_sites(site_names(root), root=root) as served:
        sites = tmp / "sites.toml"
        sites.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
        db = tmp / "archive.sqlite"
        run = edunews("crawl", *site_names(root), "--sites", str(sites), "--db", str(db), *FAST)
        assert run.returncode in (0, 1), run.stderr[-2000:]
        yield {"db": db, "root": root, "sites": sites, "served": dict(served), "tmp": tmp}


def copy_archive(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def snapshot(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as conn:
        return {
            "articles": conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id").fetchall(),
            "images": conn.execute(
                "SELECT article_id, position, src, caption, alt, credit FROM images ORDER BY article_id, position"
            ).fetchall(),
            "attachments": conn.execute("SELECT article_id, url, title FROM attachments ORDER BY id").fetchall(),
            "article_urls": conn.execute("SELECT url, article_id FROM article_urls ORDER BY url").fetchall(),
        }


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_every_stored_article_keeps_its_raw_page(crawled):
    db = crawled["db"]
    with Archive(db) as archive:
        pages = list(archive.pages())
        article_urls = {
            article_id: {url for (url,) in archive.db.conn.execute(
                "SELECT url FROM article_urls WHERE article_id = ?", (article_id,)
            )}
            for (article_id,) in archive.db.conn.execute("SELECT id FROM articles")
        }
    assert len(article_urls) > 40
    seen = {url for page in pages for url in (page["url"], *page["urls"])}
    for article_id, urls in article_urls.items():
        assert urls & seen, f"article {article_id} has no stored page"
    for page in pages:
        assert page["status"] == 200
        assert page["site"] in site_names(crawled["root"])
        assert page["family"]
        assert b"<html" in page["body"].lower()
        assert any(name.lower() == "content-type" for name in page["headers"])
    # Stored compressed: the blobs take well under half the pages' size.
    assert count(db, "SELECT sum(length(body)) FROM pages") < sum(len(page["body"]) for page in pages) / 2


def test_reparse_reproduces_the_articles_and_is_idempotent(crawled, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "copy.sqlite")
    before = snapshot(db)
    first = edunews("reparse", "--db", str(db), "--sites", str(crawled["sites"]))
    assert first.returncode == 0, first.stderr[-2000:]
    assert snapshot(db) == before
    assert count(db, "SELECT count(*) FROM revisions") == 0
    assert "updated" not in first.stdout and " new" not in first.stdout, first.stdout
    second = edunews("reparse", "--db", str(db), "--sites", str(crawled["sites"]))
    assert second.returncode == 0, second.stderr[-2000:]
    assert snapshot(db) == before
    assert "updated" not in second.stdout and " new" not in second.stdout, second.stdout


def test_reparse_narrowed_to_a_site_and_a_day(crawled, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "copy.sqlite")
    before = snapshot(db)
    pages = count(db, f"SELECT count(*) FROM pages WHERE site = '{EDITED_SITE}'")
    assert 0 < pages < count(db, "SELECT count(*) FROM pages")
    run = edunews("reparse", "--db", str(db), "--site", EDITED_SITE, "--sites", str(crawled["sites"]))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith(f"reparsed {pages} pages: {pages} unchanged;"), run.stdout
    later = edunews("reparse", "--db", str(db), "--since", "2999-01-01")
    assert later.returncode == 0, later.stderr[-2000:]
    assert later.stdout.startswith("reparsed 0 pages"), later.stdout
    assert snapshot(db) == before


def test_export_warc_reads_back_with_warcio(crawled, tmp_path):
    out = tmp_path / "pages.warc.gz"
    run = edunews("export-warc", str(out), "--db", str(crawled["db"]))
    assert run.returncode == 0, run.stderr[-2000:]
    with Archive(crawled["db"]) as archive:
        expected = {page["url"]: page["body"] for page in archive.pages()}
    found: dict[str, bytes] = {}
    with open(out, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                assert record.http_headers.get_statuscode() == "200"
                found[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
    assert found == expected
    assert len(found) > 40


def test_recrawl_after_an_edit_keeps_exactly_one_revision(crawled, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "copy.sqlite")
    url = crawled["served"][EDITED_SITE].rstrip("/") + EDITED_PATH
    manifest = json.loads((crawled["root"] / EDITED_SITE / "manifest.json").read_text(encoding="utf-8"))
    page_file = crawled["root"] / EDITED_SITE / manifest["routes"][EDITED_PATH]["file"]
    original = page_file.read_bytes()
    assert original.count(EDITED_FROM.encode()) == 1
    with sqlite3.connect(db) as conn:
        article_id, old_body, old_hash, old_fetched = conn.execute(
            "SELECT id, body_text, content_hash, fetched_at FROM articles WHERE url = ?", (url,)
        ).fetchone()
    crawl = ["crawl", EDITED_SITE, "--refresh", "--sites", str(crawled["sites"]), "--db", str(db), *FAST]
    try:
        page_file.write_bytes(original.replace(EDITED_FROM.encode(), EDITED_TO.encode()))
        run = edunews(*crawl)
        assert run.returncode in (0, 1), run.stderr[-2000:]
        again = edunews(*crawl)
        assert again.returncode in (0, 1), again.stderr[-2000:]
    finally:
        page_file.write_bytes(original)
    with sqlite3.connect(db) as conn:
        revisions = conn.execute(
            "SELECT article_id, fetched_at, body_text, content_hash FROM revisions"
        ).fetchall()
        body, digest = conn.execute(
            "SELECT body_text, content_hash FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        page_body = conn.execute("SELECT body FROM pages WHERE url = ?", (url,)).fetchone()[0]
    assert revisions == [(article_id, old_fetched, old_body, old_hash)]
    assert EDITED_TO in body and EDITED_TO not in old_body and EDITED_FROM in old_body
    assert digest != old_hash
    # The stored page is the latest fetch.
    with Archive(db) as archive:
        page_body = next(page["body"] for page in archive.pages(site=EDITED_SITE) if page["url"] == url)
    assert EDITED_TO.encode() in page_body


def test_pages_can_be_switched_off(tmp_path):
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / EDITED_SITE, root / EDITED_SITE)
    with serve_sites([EDITED_SITE], root=root) as served:
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
        db = tmp_path / "archive.sqlite"
        run = edunews(
            "crawl", EDITED_SITE, "--sites", str(sites), "--db", str(db), *FAST,
            "--set", "EDUNEWS_STORE_PAGES=False",
        )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert count(db, "SELECT count(*) FROM articles") > 5
    assert count(db, "SELECT count(*) FROM pages") == 0


def test_store_article_keeps_the_old_title_and_text_only_when_they_change(tmp_path):
    times = iter(f"2024-01-0{day}T00:00:00+00:00" for day in range(1, 10))
    with Archive(tmp_path / "a.sqlite", clock=lambda: next(times)) as archive:
        article = {
            "url": "http://127.0.0.2/bai-1.html", "site": "s", "title": "Hội nghị tổng kết",
            "body_text": "Sáng nay, Sở GDĐT tổ chức hội nghị.", "fetched_at": "2024-01-01T00:00:00+00:00",
        }
        first = archive.store_article(article)
        assert archive.store_article({**article, "fetched_at": "2024-01-02T00:00:00+00:00"}).status == "unchanged"
        # A change outside title and text updates the article without a revision.
        authored = {**article, "author": "Minh Anh", "fetched_at": "2024-01-03T00:00:00+00:00"}
        assert archive.store_article(authored).status == "updated"
        edited = {
            **article, "body_text": "Sáng 3/1, Sở GDĐT tổ chức hội nghị.", "fetched_at": "2024-01-05T00:00:00+00:00",
        }
        assert archive.store_article(edited).status == "updated"
        assert archive.store_article(edited).status == "unchanged"
        rows = archive.db.conn.execute(
            "SELECT article_id, fetched_at, title, body_text FROM revisions"
        ).fetchall()
        last_seen = archive.db.conn.execute("SELECT last_seen_at FROM articles").fetchone()[0]
    assert rows == [(first.article_id, "2024-01-03T00:00:00+00:00", article["title"], article["body_text"])]
    assert last_seen == "2024-01-05T00:00:00+00:00"
