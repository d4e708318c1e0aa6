"""End to end: real Scrapy crawls over loopback sockets against the fixture sites, judged by their truth.json."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names
from fixture_tools.truth import compare, load_truth
from storage import Archive, search

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
SEED_KEY = "gialai-hoi-nghi-so-ket-dang-2022"
SEED_CAPTIONS = [
    "Đồng chí Phạm Đăng Khoa – Tỉnh ủy viên, Bí thư Đảng bộ, Giám đốc Sở GDĐT, chủ trì Hội nghị phát biểu chỉ đạo "
    "tại Hội nghị",
    "Đồng chí Nguyễn Hữu Quát – Phó Bí thư Đảng bộ phát biểu tại Hội nghị",
    "Đồng chí Lưu Tiến Quang, Ủy viên Ban Thường vụ, Phó Chủ nhiệm UBKT Đảng ủy trình bày Báo cáo kết quả công tác "
    "kiểm tra, giám sát 6 tháng đầu năm và phướng hướng, nhiệm vụ công tác 6 tháng cuối năm 2022.",
    "Đồng chí Nguyễn Hoàng Chương, Ủy viên Ban Thường vụ Đảng ủy trình bày Báo cáo Kết quả công tác xây dựng Đảng "
    "6 tháng đầu năm và phướng hướng, nhiệm vụ công tác 6 tháng cuối năm 2022.",
    "Đồng chí Biện Văn Minh – Bí thư Chi bộ 3 phát biểu tại Hội nghị",
    "Đồng chí Nay H’Ban – Bí thư Chi bộ 7 tham gia ý kiến tại Hội nghị",
    "Đồng chí Phạm Thị Tuyết – Bí thư Chi bộ 8 phát biểu tại Hội nghị",
    "Hội nghị biểu quyết về dự thảo báo cáo 6 tháng đầu năm và các chỉ tiêu 6 tháng cuối năm 2022",
]


def edunews(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def served():
    with serve_sites() as servers:
        yield servers


@pytest.fixture(scope="module")
def crawled(served, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    sites = tmp / "sites.toml"
    sites.write_text(sites_toml(dict(served)), encoding="utf-8")
    db = tmp / "archive.sqlite"
    first = edunews("crawl", *site_names(), "--sites", str(sites), "--db", str(db), *FAST)
    return {"db": db, "sites": sites, "run": first, "bases": dict(served)}


def test_archive_matches_ground_truth(crawled):
    results = compare(str(crawled["db"]), crawled["bases"])
    mismatches = [str(m) for figures in results.values() for m in figures.mismatches]
    assert mismatches == [], "\n".join(mismatches[:20])
    assert sum(f.articles for f in results.values()) >= 40
    for family, figures in results.items():
        row = figures.row()
        assert row["found"] == row["title"] == row["date"] == row["author"] == 1.0, family
        assert row["leaks"] == row["junk_rows"] == 0, family


def test_seed_article_golden(crawled):
    truth = load_truth("gialai-demo")
    (article,) = [a for a in truth["articles"] if a["key"] == SEED_KEY]
    con = sqlite3.connect(crawled["db"])
    con.row_factory = sqlite3.Row
    row = con.execute(
        "select a.* from articles a join article_urls u on u.article_id = a.id where u.url like ?",
        ["%" + article["url"]],
    ).fetchone()
    assert row["title"].startswith("Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm")
    assert row["published_at"] == "2022-07-18"
    assert row["author"] == "Đình Vinh"
    query = "select caption from images where article_id = ? order by position"
    captions = [r[0] for r in con.execute(query, [row["id"]])]
    assert captions == SEED_CAPTIONS
    body = row["body_text"]
    assert body.startswith("Sáng 18/7, Đảng ủy Sở Giáo dục và Đào tạo (GDĐT)")
    for junk in ("Lượt xem", "Đọc bài viết", "Đình Vinh", *SEED_CAPTIONS):
        assert junk not in body
    assert row["published_source"] in ("page", "meta", "time", "jsonld")


def test_crawl_run_records_errors_and_exit_status(crawled):
    run = crawled["run"]
    assert run.returncode == 1, run.stderr[-2000:]  # the fixtures hold an article that always answers 500
    assert "http_500" in run.stderr
    con = sqlite3.connect(crawled["db"])
    rows = con.execute("select spider, status, pages, articles_new, errors from crawls").fetchall()
    assert {r[0] for r in rows} == set(site_names())
    by_site = {r[0]: r for r in rows}
    assert by_site["gialai-demo"][1] == "finished_with_errors" and by_site["gialai-demo"][4] >= 1
    assert all(r[2] > 0 for r in rows)
    sites = {r[0] for r in con.execute("select name from sites")}
    assert sites == set(site_names())


def test_archive_consistent_and_searchable(crawled):
    archive = Archive(crawled["db"])
    try:
        assert archive.integrity_ok()
        assert archive.search_index_ok()
        hits = search(archive.db, "dao tao", limit=100)
        accented = search(archive.db, "đào tạo", limit=100)
        assert accented and {h["id"] for h in accented} <= {h["id"] for h in hits}
    finally:
        archive.close()


def test_robots_and_traps_respected(crawled, served):
    for name in site_names():
        truth = load_truth(name)
        requested = [r.target for r in served.requests(name)]
        for path in truth.get("disallowed", []):
            assert path not in requested, f"{name} fetched {path} against robots.txt"
        manifest = json.loads((SITES_ROOT / name / "manifest.json").read_text(encoding="utf-8"))
        for prefix in manifest.get("traps", {}):
            in_trap = [t for t in requested if t.startswith(prefix)]
            assert len(in_trap) <= 70, f"{name}: {len(in_trap)} requests into the trap {prefix}"
        assert len(requested) < 400, name


def test_rerun_is_idempotent(crawled):
    db = crawled["db"]
    con = sqlite3.connect(db)
    before = con.execute("select id, url, title, body_text, duplicate_of from articles order by id").fetchall()
    images_before = con.execute("select count(*) from images").fetchone()[0]
    con.close()
    again = edunews("crawl", *site_names(), "--sites", str(crawled["sites"]), "--db", str(db), *FAST)
    assert again.returncode == 1, again.stderr[-2000:]
    con = sqlite3.connect(db)
    after = con.execute("select id, url, title, body_text, duplicate_of from articles order by id").fetchall()
    assert after == before
    assert con.execute("select count(*) from images").fetchone()[0] == images_before
    last = con.execute("select sum(articles_new) from crawls where id > (select count(*) / 2 from crawls)").fetchone()
    assert last[0] == 0
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_generic_mode_without_profile(served, tmp_path):
    db = tmp_path / "generic.sqlite"
    base = served["leloi-demo"]
    run = edunews("crawl", base + "/", "--db", str(db), *FAST, "--set", "EDUNEWS_DETECT_FAMILY=False")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    figures = compare(str(db), {"leloi-demo": base})["joomla"]
    assert figures.found == figures.articles
    assert figures.junk_rows == 0, [str(m) for m in figures.mismatches]
    # Generic mode never leaves the start host.
    con = sqlite3.connect(db)
    assert all(url.startswith(base) for (url,) in con.execute("select url from articles"))


def test_scrapy_list_and_crawl(served, tmp_path, crawled):
    env = {"EDUNEWS_SITES": str(crawled["sites"]), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **env}, timeout=120,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = listed.stdout.split()
    assert {"moet", "gialai", "generic", *site_names()} <= set(names)
    db = tmp_path / "scrapy.sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "moet-demo", "-s", f"EDUNEWS_DB={db}",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    figures = compare(str(db), {"moet-demo": served["moet-demo"]})["sharepoint2013"]
    assert figures.found == figures.articles == len(load_truth("moet-demo")["articles"])


def test_demo_command(tmp_path):
    db = tmp_path / "demo.sqlite"
    run = edunews("demo", "--db", str(db), "--port", "0")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "serve --db" in run.stdout and "Datasette" in run.stdout
    for name in site_names():
        assert name in run.stdout
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] >= 40


def test_config_errors_exit_2(tmp_path):
    assert edunews("crawl", "no-such-site", "--db", str(tmp_path / "x.sqlite")).returncode == 2
    assert edunews("crawl", "--db", str(tmp_path / "x.sqlite")).returncode == 2
    assert edunews("crawl", "moet", "--set", "NOEQUALS", "--db", str(tmp_path / "x.sqlite")).returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('[[site]]\nname = "Bad Name"\nbase_url = "ftp://x"\n', encoding="utf-8")
    run = edunews("crawl", "x", "--sites", str(bad), "--db", str(tmp_path / "x.sqlite"))
    assert run.returncode == 2 and "bad.toml" in run.stderr


def test_datasette_opens_the_archive(crawled):
    """The archive as analysts open it: Datasette's own app, its JSON API, the contract tables."""
    import asyncio

    from datasette.app import Datasette

    async def check():
        ds = Datasette([str(crawled["db"])])
        name = crawled["db"].stem
        tables = (await ds.client.get(f"/{name}.json")).json()["tables"]
        names = {t["name"] for t in tables}
        assert {"sites", "articles", "images", "attachments", "article_urls", "crawls"} <= names
        rows = (await ds.client.get(f"/{name}/articles.json?_shape=array&_size=5&site=gialai-demo")).json()
        assert len(rows) == 5 and all(r["site"] == "gialai-demo" for r in rows)
        sql = "select count(*) as n from images where caption is not null"
        counted = (await ds.client.get(f"/{name}.json", params={"sql": sql, "_shape": "array"})).json()
        assert counted[0]["n"] > 50

    asyncio.run(check())
