"""The analyst's pages on an archive crawled from the fixture sites: search results with highlighted snippets,
the article page, the dashboard; in headless Chromium at 1400×1000 (screenshots kept as test artifacts) and
under plain `datasette archive.sqlite` with the plugin installed."""

from __future__ import annotations

import html
import importlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_serve import ROOT, _browser_tools, archive, datasette, free_port  # noqa: F401 (fixtures)

from edunews import analyst
from edunews.analyst import dashboard, highlight, search_page
from storage import Archive, bodies, search
from storage.fold import fold
from storage.search import dense, match_expression, newest_published

WIDTH, HEIGHT = 1400, 1000
# The module: storage exports a function of the same name.
search_module = importlib.import_module("storage.search")


def get(url: str) -> tuple[str, str]:
    """(final URL, body) of a page, following redirects."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.geturl(), response.read().decode()


def test_highlight_marks_folded_and_exact_words():
    text = "Sở Giáo dục và Đào tạo tổ chức đào tạo; ĐẢO tạo <b>"
    assert str(highlight(text, "dao tao")).count("<mark>") == 6
    exact = str(highlight(text, "đào tạo"))
    assert "<mark>Đào</mark> <mark>tạo</mark>" in exact and "<mark>ĐẢO</mark>" not in exact
    assert "&lt;b&gt;" in exact
    long = " ".join(["chữ"] * 100 + ["đào", "tạo"] + ["chữ"] * 100)
    cut = str(highlight(long, "dao tao", words=20))
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>đào</mark>" in cut


def test_search_page_function_ranks_and_pages(archive):  # noqa: F811
    con = sqlite3.connect(archive)
    found = search_page(con, "dao tao")
    assert found["total"] > 0 and found["results"]
    assert all("<mark>" in str(r["snippet"]) for r in found["results"])
    assert search_page(con, '"(*')["results"] == []


def test_dashboard_figures(archive):  # noqa: F811
    con = sqlite3.connect(archive)
    data = dashboard(con)
    per_site = dict(con.execute("select site, count(*) from articles group by site"))
    assert {r["site"]: r["articles"] for r in data["newest"]} == per_site
    marks = str(data["per_month_svg"]).count('class="mark"')
    assert marks == con.execute(
        "select count(distinct site || substr(published_at, 1, 7)) from articles "
        "where published_at is not null and duplicate_of is null").fetchone()[0]


def test_list_pages_leave_long_columns_out(datasette):  # noqa: F811
    url, page = get(f"{datasette}/archive/articles")
    assert "_nocol=body_text" in url and "_nocol=body_html" in url
    assert 'class="col-body_text' not in page and 'class="col-title' in page
    # Column descriptions folded away, not a wall above the rows.
    assert '<details class="edunews-columns">' in page
    # One click away.
    link = re.search(r'<p class="edunews-all-columns">.*?href="([^"]+)"', page, re.S).group(1)
    url, page = get(f"{datasette}/archive/articles" + link.replace("&amp;", "&"))
    assert "_nocol" not in url and 'class="col-body_text' in page
    # One `_col=` away.
    url, page = get(f"{datasette}/archive/articles?_col=title&_col=body_text")
    assert "_nocol" not in url and 'class="col-body_text' in page
    # The JSON API is left alone.
    _, data = get(f"{datasette}/archive/articles.json?_shape=array&_size=1")
    assert '"body_text"' in data


def test_the_stored_html_reads_in_sql_and_in_the_table(datasette, archive):  # noqa: F811
    """body_html is kept as a delta against body_text (storage/bodies.py): Datasette's SQL reads it with
    article_html(), and the table shows it as text, not as a binary download."""
    con = sqlite3.connect(archive)
    article_id, packed, text = con.execute(
        "select id, body_html, body_text from articles where body_html is not null limit 1").fetchone()
    expected = bodies.unpack(packed, text)
    assert isinstance(packed, bytes) and expected.startswith("<")
    query = urllib.parse.urlencode({"sql": f"select article_html(body_html, body_text) as html from articles "
                                    f"where id = {article_id}", "_shape": "array"})
    _, data = get(f"{datasette}/archive.json?{query}")
    assert json.loads(data) == [{"html": expected}]
    _, page = get(f"{datasette}/archive/articles?id={article_id}&_col=body_text&_col=body_html")
    assert html.escape(expected[:60], quote=False) in page and "&lt;Binary" not in page


def test_search_page_html(datasette, archive):  # noqa: F811
    _, page = get(f"{datasette}/archive/articles?_search=dao+tao")
    found = search_page(sqlite3.connect(archive), "dao tao")
    assert page.count('class="edunews-result"') == len(found["results"]) > 0 and "<mark>" in page
    # Exact copies are left out, as the archive's own search does, and counted.
    assert f"{found['duplicates']} bản trùng ẩn" in page
    assert 'class="col-body_text' not in page and 'name="_search"' in page
    # The table is still there when asked for.
    _, table = get(f"{datasette}/archive/articles?_search=dao+tao&_view=table")
    assert 'class="rows-and-columns"' in table and 'class="edunews-result"' not in table


def _serve_plain(archive_path: Path, *args: str):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(archive_path), "--port", str(port), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return proc, base
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("datasette did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)


def test_plain_datasette_with_the_plugin(archive):  # noqa: F811
    con = sqlite3.connect(archive)
    article_id = con.execute("select article_id from images where caption <> '' limit 1").fetchone()[0]
    proc, base = _serve_plain(archive)
    try:
        _, page = get(f"{base}/archive/articles?_search=dao+tao")
        assert 'class="edunews-result"' in page and "<mark>" in page
        _, page = get(f"{base}/archive/articles/{article_id}")
        assert "<figcaption>" in page and 'class="edunews edunews-article"' in page
        _, page = get(f"{base}/-/dashboard")
        assert 'class="mark"' in page
        _, meta = get(f"{base}/-/metadata.json")
        assert "articles_fts" in meta
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _result_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="edunews-result">\s*<h3><a href="/archive/articles/(\d+)"', page)]


@pytest.fixture
def capped(archive, tmp_path):  # noqa: F811
    """Plain `datasette archive.sqlite` whose search page counts up to 3 matches (plugin setting)."""
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps({"plugins": {"edunews": {"search_count_cap": 3}}}), encoding="utf-8")
    proc, base = _serve_plain(archive, "--metadata", str(metadata))
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_search_page_counts_up_to_the_cap(capped, archive):  # noqa: F811
    con = sqlite3.connect(archive)
    expected = [row["id"] for row in search(con, "dao tao")]
    assert len(expected) > 3
    _, page = get(f"{capped}/archive/articles?_search=dao+tao")
    # The count stops at the cap and says so; the first page is storage.search's, in its order.
    assert "hơn 3 bài — more than 3 articles" in page
    assert _result_ids(page) == expected and page.count("<mark>") >= len(expected)
    # Uncapped, the same page gives the full count.
    _, full = get(f"{capped}/archive/articles?_search=dao+tao&_sort_desc=published_at")
    assert "hơn 3 bài" in full and len(_result_ids(full)) == len(expected)
    total = search_page(con, "dao tao")["total"]
    assert total > 3 and f"{total:,} bài — articles" not in page


def test_search_page_keeps_the_table_view_and_permissions(capped):
    # Datasette's table, as before, when asked for; JSON is Datasette's own.
    _, table = get(f"{capped}/archive/articles?_search=dao+tao&_view=table")
    assert 'class="rows-and-columns"' in table and 'class="edunews-result"' not in table
    _, rows = get(f"{capped}/archive/articles.json?_search=dao+tao&_shape=array")
    assert json.loads(rows)


# -- The page's orders, on an archive of known dates -------------------------------------------------------

WORDS = ("hội nghị", "kế hoạch", "năm học", "giáo viên", "học sinh", "thi đua", "khen thưởng", "trường", "lớp",
         "chương trình", "báo cáo", "phong trào", "văn nghệ", "thể thao", "an toàn", "giao thông")


def _dated_archive(path: Path) -> tuple[sqlite3.Connection, list[int]]:
    """60 articles mentioning 'tuyển sinh' (some undated, some sharing a date, some marked as copies) and 20 that
    do not; and the matching originals, latest published first (undated last, highest id first)."""
    pick = random.Random(5)
    with Archive(str(path)) as writer:
        for n in range(80):
            words = " ".join(pick.choice(WORDS) for _ in range(40))
            body = f"Bài số {n}: {words}" + (" Công tác tuyển sinh năm nay." if n < 60 else "")
            day = None if n % 9 == 4 else f"2024-{n % 5 + 1:02d}-{n % 7 + 10}"
            writer.store_article({
                "url": f"http://127.0.0.1:8808/tin/{n}", "urls": [f"http://127.0.0.1:8808/tin/{n}"],
                "site": "gialai" if n % 3 else "kontum", "title": f"Thông báo {n} {pick.choice(WORDS)}",
                "summary": None, "body_text": body, "published_at": day, "images": [],
            })
    con = sqlite3.connect(path)
    con.execute("UPDATE articles SET duplicate_of = id - 1 WHERE id % 10 = 3")
    con.commit()
    rows = con.execute(
        "SELECT id, published_at FROM articles WHERE body_text LIKE '%tuyển sinh%' AND duplicate_of IS NULL"
    ).fetchall()
    rows.sort(key=lambda r: r[0], reverse=True)
    rows.sort(key=lambda r: r[1] or "", reverse=True)
    rows.sort(key=lambda r: r[1] is None)
    return con, [r[0] for r in rows]


def test_newest_published_walks_or_sorts_to_the_same_order(tmp_path):
    con, expected = _dated_archive(tmp_path / "a.sqlite")
    expression = match_expression("tuyen sinh")
    assert len(expected) > 40
    for walk in (True, False):
        for offset in range(0, len(expected) + 10, 7):
            found = newest_published(con, expression, 10, offset, walk=walk)
            assert [r["id"] for r in found] == expected[offset:offset + 10], (walk, offset)
        kontum = newest_published(con, expression, 100, site="kontum", walk=walk)
        assert [r["id"] for r in kontum] == [
            i for i in expected if con.execute("select site from articles where id = ?", [i]).fetchone()[0] == "kontum"]


def test_search_page_orders_and_counts(tmp_path, monkeypatch):
    con, expected = _dated_archive(tmp_path / "a.sqlite")
    copies = con.execute(
        "SELECT count(*) FROM articles WHERE body_text LIKE '%tuyển sinh%' AND duplicate_of IS NOT NULL").fetchone()[0]
    # Few matches: ranked as storage.search ranks, counted in full.
    found = search_page(con, "tuyen sinh")
    assert found["ranked"] and not found["capped"]
    assert [r["id"] for r in found["results"]] == [r["id"] for r in search(con, "tuyen sinh")]
    assert (found["total"], found["duplicates"], found["pages"]) == (len(expected), copies, 3)
    # Many matches (thresholds lowered): the latest published first, through either plan, page after page.
    monkeypatch.setattr(analyst, "RANK_WINDOW", 5)
    for walk_from in (10, 10_000):
        monkeypatch.setattr(search_module, "DATE_WALK_MATCHES", walk_from)
        monkeypatch.setattr(search_module, "DATE_WALK_COST", 0)
        assert dense(con, match_expression("tuyen sinh")) == (walk_from == 10)
        shown = []
        for number in (1, 2, 3):
            page = search_page(con, "tuyen sinh", page=number)
            assert not page["ranked"] and page["page"] == number
            shown += [r["id"] for r in page["results"]]
        assert shown == expected
    # Capped: says so, and still lists the same first page and offers the next.
    page = search_page(con, "tuyen sinh", count_cap=7)
    assert page["capped"] and page["total"] == 7 and page["has_next"]
    assert [r["id"] for r in page["results"]] == expected[:20]
    assert [r["id"] for r in search_page(con, "tuyen sinh", page=3, count_cap=7)["results"]] == expected[40:]


# -- In a real browser -------------------------------------------------------------------------------------

@pytest.fixture
def browser():
    tools = _browser_tools()
    if tools is None:
        pytest.skip("needs selenium, chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = tools
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={WIDTH},{HEIGHT}", "--lang=vi"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_window_size(WIDTH, HEIGHT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    # Set EDUNEWS_TEST_ARTIFACTS to keep the screenshots (CI uploads that folder).
    folder = Path(os.environ.get("EDUNEWS_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshot(browser, artifacts: Path, name: str) -> None:
    path = artifacts / name
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


def test_browser_search_results(datasette, browser, artifacts):  # noqa: F811
    _first_result_above_the_fold(browser, datasette)
    _screenshot(browser, artifacts, "search-dao-tao.png")


def test_browser_search_results_capped(capped, archive, browser, artifacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    first = _first_result_above_the_fold(browser, capped)
    count = browser.find_element(By.CSS_SELECTOR, ".edunews-summary-line .edunews-count")
    assert count.text == "hơn 3 bài — more than 3 articles" and count.is_displayed()
    expected = search(sqlite3.connect(archive), "dao tao")[0]["id"]
    assert first.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href").endswith(f"/archive/articles/{expected}")
    _screenshot(browser, artifacts, "search-dao-tao-capped.png")


def _first_result_above_the_fold(browser, base: str):
    """The first result of `dao tao`, checked: above the fold, linked, with its words highlighted."""
    from selenium.webdriver.common.by import By

    browser.get(f"{base}/archive/articles?_search=dao+tao")
    results = browser.find_elements(By.CSS_SELECTOR, "li.edunews-result")
    assert results
    first = results[0]
    viewport = browser.execute_script("return window.innerHeight")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().bottom", first)
    assert top < viewport, "the first result is below the fold"
    title = first.find_element(By.CSS_SELECTOR, "h3 a")
    assert re.search(r"/archive/articles/\d+$", title.get_attribute("href"))
    marks = first.find_elements(By.CSS_SELECTOR, ".snippet mark")
    assert marks and all(fold(m.text).lower() in {"dao", "tao"} for m in marks)
    assert browser.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", marks[0]) != "rgba(0, 0, 0, 0)"
    assert first.find_element(By.CSS_SELECTOR, ".meta .site").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".col-body_text, .col-body_html")
    return first


def test_browser_article_page(datasette, archive, browser, artifacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    con = sqlite3.connect(archive)
    article_id = con.execute(
        "select article_id from images where caption <> '' group by article_id order by count(*) desc, article_id"
    ).fetchone()[0]
    captions = [c for (c,) in con.execute(
        "select caption from images where article_id = ? order by position, id", [article_id]) if c]
    title = con.execute("select title from articles where id = ?", [article_id]).fetchone()[0]
    browser.get(f"{datasette}/archive/articles/{article_id}")
    assert browser.find_element(By.CSS_SELECTOR, "article.edunews-article h1").text == title
    figures = browser.find_elements(By.CSS_SELECTOR, "article figure.edunews-figure")
    shown = []
    for figure in figures:
        image = figure.find_element(By.TAG_NAME, "img")
        for caption in figure.find_elements(By.CSS_SELECTOR, "figcaption .caption"):
            # The caption sits under its image.
            assert caption.rect["y"] >= image.rect["y"] + image.rect["height"] - 1
            assert abs(caption.rect["x"] - image.rect["x"]) < 5
            shown.append(caption.text)
    assert shown == captions
    paragraphs = browser.find_elements(By.CSS_SELECTOR, "article .body p")
    assert len([p for p in paragraphs if p.text.strip()]) >= 2
    assert not browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns")
    _screenshot(browser, artifacts, "article.png")


def test_browser_dashboard(datasette, archive, browser, artifacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(f"{datasette}/-/dashboard")
    chart = browser.find_element(By.CSS_SELECTOR, "#per-month svg")
    assert chart.size["width"] > 800 and chart.size["height"] > 150
    marks = chart.find_elements(By.CSS_SELECTOR, "rect.mark")
    sites = {m.get_attribute("fill") for m in marks}
    expected_sites = sqlite3.connect(archive).execute(
        "select count(distinct site) from articles where published_at is not null and duplicate_of is null"
    ).fetchone()[0]
    assert len(sites) == expected_sites
    drawn = [m for m in marks if m.size["height"] > 0 and m.size["width"] > 0]
    assert len(drawn) == len(marks) > expected_sites
    assert browser.find_elements(By.CSS_SELECTOR, "#newest tr.quiet, #newest tr")
    _screenshot(browser, artifacts, "dashboard.png")
