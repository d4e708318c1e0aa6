"""The analyst's pages on an archive crawled from the fixture sites: search results with highlighted snippets,
the article page, the dashboard; in headless Chromium at 1400×1000 (screenshots kept as test artifacts) and
under plain `datasette archive.sqlite` with the plugin installed."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_serve import ROOT, _browser_tools, archive, datasette, free_port  # noqa: F401 (fixtures)

from edunews.analyst import dashboard, highlight, search_page
from storage.fold import fold

WIDTH, HEIGHT = 1400, 1000


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


def _serve_plain(archive_path: Path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(archive_path), "--port", str(port)],
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
    from selenium.webdriver.common.by import By

    browser.get(f"{datasette}/archive/articles?_search=dao+tao")
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
    _screenshot(browser, artifacts, "search-dao-tao.png")


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
