"""Template learning: selectors, furniture and URL rules learned from a site's own pages; the archive keeps them;
`edunews learn` writes them as a site entry that `edunews crawl --sites` takes; `edunews probe` shows them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from crawler.extract.learn import MIN_PAGES, learn, learn_urls
from crawler.extract.page import ArticlePage
from crawler.extract.rules import GENERIC
from edunews.fixtures.server import serve_sites
from edunews.probe import render
from spiders.profiles import load_sites_file

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
BASE = "https://thcs-minhkhai.edu.vn"
HEADLINES = [
    "Hội thi giáo viên dạy giỏi cấp trường năm học 2024-2025",
    "Ngoại khóa kỹ năng sống cho học sinh khối 6 và khối 7",
    "Lễ khai giảng năm học mới tại Trường THCS Minh Khai",
    "Câu lạc bộ tiếng Anh tổ chức giao lưu với trường bạn",
    "Tuyên dương học sinh đạt giải kỳ thi học sinh giỏi thành phố",
    "Chuyên đề đổi mới phương pháp dạy học môn Ngữ văn lớp 9",
    "Hội nghị cha mẹ học sinh đầu năm học 2024-2025",
]


def page(n: int) -> tuple[str, str]:
    """An article of a template no family describes: headline in a styled div, date in a span, an unmarked body."""
    sentences = " ".join(
        f"Câu thứ {k} của bài {n}: nhà trường triển khai kế hoạch giáo dục với nhiều hoạt động thiết thực." for k in
        range(8)
    )
    html = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{HEADLINES[n]} - THCS Minh Khai</title>'
        '</head><body><div class="top-menu"><a href="/">Trang chủ</a> <a href="/lien-he.html">Liên hệ</a></div>'
        f'<div id="main"><div class="news-detail"><div class="news-title">{HEADLINES[n]}</div>'
        f'<span class="news-time">Cập nhật: {10 + n}/03/2025 08:{10 + n}</span>'
        f'<div class="news-content"><p>{sentences}</p><p>{sentences[::-1][:60]} kết thúc.</p></div>'
        '<div class="news-share">Chia sẻ: Facebook | Zalo</div></div></div>'
        '<div class="footer">Trường THCS Minh Khai - Đà Nẵng</div></body></html>'
    )
    return html, f"{BASE}/tin-tuc/chi-tiet.php?cat={n % 2 + 1}&id={100 + n}"


def test_learns_selectors_that_agree_with_generic_extraction():
    pages = [page(n) for n in range(7)]
    others = [f"{BASE}/tin-tuc/", f"{BASE}/lien-he.html", f"{BASE}/van-ban/chi-tiet.php?so=3", f"{BASE}/thong-bao/"]
    aliases = [(f"{BASE}/tin-tuc/chi-tiet.php?cat=1&id=100&view=print", pages[0][1])]
    profile = learn(pages, others, aliases)
    assert profile is not None and profile.pages == 7
    assert profile.rules["article_title"] == "div.news-title"
    assert profile.rules["article_date"] == "span.news-time"
    assert profile.rules["article_body"] == "div.news-content"
    for field in ("title", "date", "body"):
        assert profile.agreement[field]["kept"] and profile.agreement[field]["agree"] >= 0.9
    assert profile.rules["identity"] == [{"param": "id"}] and profile.rules["keep_params"] == ["id"]
    assert profile.ignored_params == ["view"]
    assert "Trường THCS Minh Khai - Đà Nẵng" in profile.furniture
    rules = profile.family_rules()
    # The learned selectors locate what the generic rules did, and fail over to them on a page they miss.
    html, url = page(3)
    learned_page, generic_page = ArticlePage(html, url, rules), ArticlePage(html, url, GENERIC)
    assert learned_page.title() == generic_page.title() == HEADLINES[3]
    assert rules.article_url_re.search(url) and not any(rules.article_url_re.search(u) for u in others)
    other = html.replace('class="news-title"', 'class="tieu-de"').replace('class="news-content"', 'class="noi-dung"')
    assert ArticlePage(other, url, rules).title() == HEADLINES[3]
    assert "Câu thứ 1 của bài 3" in ArticlePage(other, url, rules).body_html()


def test_too_few_pages_teach_nothing_and_identity_must_survive_aliases():
    assert learn([page(n) for n in range(MIN_PAGES - 1)]) is None
    urls = [page(n)[1] for n in range(6)]
    # An alias whose id names another article: the parameter is no identity.
    assert "identity" not in learn_urls(urls, [], [(f"{BASE}/bai/7?id=103", urls[0])])
    nukeviet = [f"{BASE}/news/thong-bao/bai-so-{n}-{120 + n}.html" for n in range(6)]
    found = learn_urls(nukeviet, [f"{BASE}/news/thong-bao/", f"{BASE}/news/", f"{BASE}/contact/"])
    assert found["identity"] == [{"path_regex": r"-(\d+)\.html?$"}]
    assert found["article_url"] and "keep_params" not in found


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """A demo school site no shipped family fits, crawled once in generic mode."""
    tmp = tmp_path_factory.mktemp("learn")
    with serve_sites(["hoangdieu-demo"]) as served:
        base = served["hoangdieu-demo"] + "/"
        db = tmp / "archive.sqlite"
        crawled = edunews("crawl", base, "--db", str(db), *FAST)
        assert crawled.returncode in (0, 1), crawled.stderr[-2000:]
        yield base, db, tmp


def test_generic_crawl_learns_the_template_and_uses_it_next_time(school):
    base, db, _ = school
    con = sqlite3.connect(db)
    (profile, agreement), = con.execute("SELECT profile, agreement FROM learned_sites").fetchall()
    assert "article_title" in profile and '"agree": 1.0' in agreement
    # The next crawl reads the site with the learned rules: a refreshed page records them as its family.
    again = edunews("crawl", base, "--db", str(db), *FAST, "--refresh")
    assert again.returncode in (0, 1), again.stderr[-2000:]
    assert ("learned",) in con.execute("SELECT DISTINCT family FROM pages").fetchall()
    assert con.execute("SELECT count(*) FROM articles WHERE title IS NULL OR body_text IS NULL").fetchone() == (0,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_learn_writes_a_site_entry_that_crawl_accepts(school):
    base, db, tmp = school
    output = tmp / "learned.toml"
    result = edunews("learn", base, "--db", str(db), "--output", str(output), "--name", "thcs-hoang-dieu")
    assert result.returncode == 0, result.stderr
    entry = tomllib.loads(output.read_text(encoding="utf-8"))["site"][0]
    assert entry["family"] == "generic" and entry["selectors"]["article_title"]
    (profile,) = load_sites_file(output)
    assert profile.name == "thcs-hoang-dieu" and profile.rules.article_title == entry["selectors"]["article_title"]
    with serve_sites(["hoangdieu-demo"]) as served:
        # The served address may differ from the first crawl's: point the entry at this one.
        text = output.read_text(encoding="utf-8").replace(base, served["hoangdieu-demo"] + "/")
        output.write_text(text, encoding="utf-8")
        fresh = tmp / "profiled.sqlite"
        crawled = edunews("crawl", "--sites", str(output), "thcs-hoang-dieu", "--db", str(fresh), *FAST)
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    con = sqlite3.connect(fresh)
    generic = sqlite3.connect(db)
    assert {t for (t,) in con.execute("SELECT title FROM articles")} == {
        t for (t,) in generic.execute("SELECT title FROM articles")
    }
    # To standard output by default.
    printed = edunews("learn", base, "--db", str(db))
    assert printed.returncode == 0 and printed.stdout.startswith("# Learned by edunews learn")


def test_learn_needs_enough_pages(tmp_path, school):
    base, db, _ = school
    result = edunews("learn", "http://127.0.0.9:1/", "--db", str(db))
    assert result.returncode == 2 and "learning needs at least 5" in result.stderr
    assert edunews("learn", base, "--db", str(tmp_path / "none.sqlite")).returncode == 2


def test_probe_shows_what_was_learned(school):
    from edunews.learn import learned_report

    base, db, _ = school
    report = {"url": base, "home": base, "scores": {}, "profiles": {}, "learned": learned_report(str(db), base)}
    text = render(report)
    assert "learned  from" in text and "article_title" in text and "agrees on 100% of the pages" in text
