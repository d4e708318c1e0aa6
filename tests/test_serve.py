"""`edunews serve` and `edunews export` over an archive crawled from the fixture sites.

The Datasette test runs the real server (`edunews serve` in a subprocess) on a free loopback port and
checks it through its JSON API.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from edunews.datasette_plugin import NO_MATCH, diacritic_aware_fts
from edunews.demo import sites_toml
from edunews.fixtures.server import serve_sites, site_names
from edunews.serve import QUERIES, build_metadata
from storage import DESCRIPTIONS, search
from storage.search import match_expression

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
# Parameters for the canned queries that take some.
QUERY_PARAMS = {"search_articles": {"q": "dao tao"}, "search_latest": {"q": "dao tao"},
                "article_with_images": {"id": "1"}}


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("serve")
    db = tmp / "archive.sqlite"
    with serve_sites() as servers:
        sites = tmp / "sites.toml"
        sites.write_text(sites_toml(dict(servers)), encoding="utf-8")
        edunews("crawl", *site_names(), "--sites", str(sites), "--db", str(db), *FAST)
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] >= 40
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(archive):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "edunews", "serve", "--db", str(archive), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("datasette did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def get_json(base: str, path: str, **params: str):
    url = f"{base}/archive/{path}.json"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())


def search_ids(base: str, query: str) -> set[int]:
    rows = get_json(base, "articles", _search=query, _shape="array", _col="title", _size="max")
    return {row["id"] for row in rows}


def test_search_with_and_without_diacritics(datasette, archive):
    folded, exact = search_ids(datasette, "dao tao"), search_ids(datasette, "đào tạo")
    assert exact and exact <= folded
    # The same sets as the archive's own search (duplicates included).
    con = sqlite3.connect(archive)
    assert folded == {h["id"] for h in search(con, "dao tao", limit=None, include_duplicates=True)}
    assert exact == {h["id"] for h in search(con, "đào tạo", limit=None, include_duplicates=True)}
    # One accented word makes the whole query exact, as in storage.search.
    mixed = {h["id"] for h in search(con, "dao tạo", limit=None, include_duplicates=True)}
    assert search_ids(datasette, "dao tạo") == mixed != folded
    # 'Đảng' matches exactly: no article found only through 'đang'.
    party, being = search_ids(datasette, "Đảng"), search_ids(datasette, "đang")
    assert party and being
    captions = "(select group_concat(caption, ' ') from images where article_id = a.id)"
    texts = {
        row[0]: " ".join(filter(None, row[1:]))
        for row in con.execute(f"select a.id, a.title, a.summary, a.body_text, {captions} from articles a")
    }
    assert all("đảng" in texts[i].lower() for i in party)
    only_being = {i for i in being if "đảng" not in texts[i].lower()}
    assert only_being and not only_being & party


@pytest.mark.parametrize("query", ['"', 'AND (', "*", ":", "đào-tạo: (\"", "NEAR(a b", "^title", "''", "   "])
def test_punctuation_in_search_is_no_error(datasette, query):
    rows = get_json(datasette, "articles", _search=query, _shape="array")
    assert isinstance(rows, list)
    url = f"{datasette}/archive/articles?" + urllib.parse.urlencode({"_search": query})
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200


def test_search_box_on_articles_page(datasette):
    with urllib.request.urlopen(f"{datasette}/archive/articles?_search=dao+tao", timeout=30) as response:
        page = response.read().decode()
    assert 'name="_search"' in page and 'value="dao tao"' in page


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_runs(datasette, name):
    data = get_json(datasette, name, **QUERY_PARAMS.get(name, {}))
    assert data["ok"] is not False
    assert data["rows"], name


def test_canned_search_filters(datasette):
    rows = get_json(datasette, "search_articles", q="dao tao", _shape="array")
    assert rows
    site = rows[0]["site"]
    filtered = get_json(datasette, "search_articles", q="dao tao", site=site, _shape="array")
    assert filtered and {r["site"] for r in filtered} == {site}
    dated = [r["published_at"][:10] for r in rows if r["published_at"]]
    middle = sorted(dated)[len(dated) // 2]
    since = get_json(datasette, "search_articles", q="dao tao", since=middle, _shape="array")
    until = get_json(datasette, "search_articles", q="dao tao", until=middle, _shape="array")
    assert since and all(r["published_at"][:10] >= middle for r in since)
    assert until and all(r["published_at"][:10] <= middle for r in until)
    assert get_json(datasette, "search_articles", q="!!", _shape="array") == []


def test_canned_latest_search_is_the_newest_stored_matches(datasette, archive):
    rows = get_json(datasette, "search_latest", q="dao tao", _shape="array")
    con = sqlite3.connect(archive)
    expected = [i for (i,) in con.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 100",
        [match_expression("dao tao")],
    )]
    assert rows and [r["id"] for r in rows] == expected
    # The same articles as the full search, newest stored first.
    everything = {r["id"] for r in get_json(datasette, "search_articles", q="dao tao", _shape="array", _size="max")}
    assert set(expected) <= everything


def test_article_with_images(datasette, archive):
    con = sqlite3.connect(archive)
    article_id, images = con.execute(
        "select article_id, count(*) from images where caption <> '' group by article_id order by 2 desc"
    ).fetchone()
    rows = get_json(datasette, "article_with_images", id=str(article_id), _shape="array")
    assert len(rows) == images and all(r["id"] == article_id for r in rows)
    assert [r["position"] for r in rows] == sorted(r["position"] for r in rows)


def test_facets_and_views(datasette, archive):
    data = get_json(datasette, "articles", _facet="site", _size="0")
    counts = {r["value"]: r["count"] for r in data["facet_results"]["site"]["results"]}
    con = sqlite3.connect(archive)
    assert counts == dict(con.execute("select site, count(*) from articles group by site"))
    view = get_json(datasette, "articles_view", _facet="year", _size="0")
    years = {r["value"]: r["count"] for r in view["facet_results"]["year"]["results"]}
    assert years == dict(
        con.execute("select substr(published_at, 1, 4), count(*) from articles "
                    "where published_at is not null group by 1")
    )
    captions = get_json(datasette, "captions", _shape="array", _size="max")
    assert len(captions) == con.execute("select count(*) from images where caption <> ''").fetchone()[0]
    assert all(c["caption"] and c["article_title"] for c in captions)


def test_configured_facets_without_suggestions(datasette):
    # Suggested facets (one trial query per column) are off; the configured ones are computed with a search.
    data = get_json(datasette, "articles", _search="giao duc", _size="1")
    assert set(data["facet_results"]) == {"site", "category", "author"}
    assert data["suggested_facets"] == []
    settings = json.loads(urllib.request.urlopen(f"{datasette}/-/settings.json", timeout=10).read())
    assert settings["suggest_facets"] is False


def test_metadata_served(datasette):
    with urllib.request.urlopen(f"{datasette}/-/metadata.json", timeout=30) as response:
        meta = json.loads(response.read())
    tables = meta["databases"]["archive"]["tables"]
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert "ngày đăng" in tables["articles"]["columns"]["published_at"]
    assert set(QUERIES) <= set(meta["databases"]["archive"]["queries"])


def test_metadata_describes_every_table_and_column():
    meta = build_metadata("archive")
    tables = meta["databases"]["archive"]["tables"]
    assert set(tables) == set(DESCRIPTIONS)
    for name, info in DESCRIPTIONS.items():
        assert set(tables[name]["columns"]) == set(info["columns"])
        # English and Vietnamese, for every table and every column.
        assert " — " in tables[name]["description"], name
        for column, text in tables[name]["columns"].items():
            assert " — " in text, (name, column)
    assert "year" in tables["articles_view"]["facets"]
    assert {"site", "category", "author"} <= set(tables["articles"]["facets"])


def test_escape_function_routes_columns():
    assert diacritic_aware_fts("dao tao") == '{folded} : ("dao" "tao")'
    assert diacritic_aware_fts("Đảng") == '{title summary body_text captions} : ("Đảng")'
    assert diacritic_aware_fts('"(*') == NO_MATCH
    assert diacritic_aware_fts(None) == NO_MATCH


def test_export_jsonl_and_csv(archive, tmp_path):
    run = edunews("export", "--db", str(archive))
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    con = sqlite3.connect(archive)
    assert len(records) == con.execute("select count(*) from articles").fetchone()[0]
    assert any("Đ" in (r["title"] or "") for r in records)
    with_captions = [r for r in records if r["captions"]]
    assert with_captions and all(isinstance(c, str) for r in with_captions for c in r["captions"])

    site = records[0]["site"]
    out = tmp_path / "site.csv"
    run = edunews("export", "--db", str(archive), "--format", "csv", "--site", site, "--output", str(out))
    assert run.returncode == 0 and run.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {r["site"] for r in rows} == {site}
    assert len(rows) == con.execute("select count(*) from articles where site = ?", [site]).fetchone()[0]

    dates = sorted(r["published_at"][:10] for r in records if r["published_at"])
    since = dates[len(dates) // 2]
    run = edunews("export", "--db", str(archive), "--since", since)
    later = [json.loads(line) for line in run.stdout.splitlines()]
    assert later and all(r["published_at"][:10] >= since for r in later)
    assert len(later) == sum(1 for d in dates if d >= since)


def test_export_and_serve_need_an_archive(tmp_path):
    missing = str(tmp_path / "none.sqlite")
    for command in ("export", "serve"):
        run = edunews(command, "--db", missing)
        assert run.returncode == 2 and "no archive" in run.stderr


def _browser_tools() -> tuple[str, str] | None:
    """(chromium, chromedriver) when Selenium and Debian's chromium and chromium-driver are installed."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.mark.skipif(_browser_tools() is None, reason="needs selenium, chromium and chromium-driver")
def test_browser_search_box(datasette, archive, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, driver_path = _browser_tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,2000"):
        options.add_argument(flag)
    expected = sqlite3.connect(archive).execute(
        "select title from articles where title like 'Hội nghị sơ kết công tác xây dựng Đảng%'"
    ).fetchone()[0]
    # Set EDUNEWS_TEST_ARTIFACTS to keep the screenshot (CI uploads that folder).
    artifacts = Path(os.environ.get("EDUNEWS_TEST_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        browser.get(f"{datasette}/archive/articles")
        box = browser.find_element(By.NAME, "_search")
        box.send_keys("dao tao")
        box.submit()
        WebDriverWait(browser, 20).until(expected_conditions.url_contains("_search="))
        WebDriverWait(browser, 20).until(
            # The plugin shows a search on articles as a list of results, not a table.
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "ol.edunews-results"))
        )
        browser.save_screenshot(str(artifacts / "articles-search-dao-tao.png"))
        assert browser.find_element(By.NAME, "_search").get_attribute("value") == "dao tao"
        assert expected in browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.quit()
    assert (artifacts / "articles-search-dao-tao.png").stat().st_size > 10_000
