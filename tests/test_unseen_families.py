"""Generic rules that the unseen fixture families (Liferay portal, school platform) exercise, each on a
real-shaped snippet; and the side-by-side scoring of bench/quality.py."""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

from crawler.extract.generic import repeats_title
from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import GENERIC
from crawler.steps import refine
from crawler.urls import canonical_url
from edunews.fixtures.server import serve_sites
from edunews.probe import probe, render
from fixture_tools.truth import load_truth
from fixture_tools.versus import Score
from spiders.profiles import families

ROOT = Path(__file__).resolve().parent.parent

LIFERAY = """<!DOCTYPE html><html lang="vi-VN"><head>
<title>Công bố điểm thi tuyển sinh vào lớp 10 năm học 2024-2025 - Sở Giáo dục và Đào tạo tỉnh Bình Định</title>
</head><body>
<header id="banner"><h1 class="site-title"><a class="logo" href="/web/sgd"><img alt="Sở GDĐT" src="/logo.png"></a>
</h1></header>
<div id="column-2"><div class="portlet-boundary portlet-asset-publisher" id="p_p_id_101_INSTANCE_aZ3k_">
<ul class="breadcrumb"><li><a href="/web/sgd">Trang chủ</a></li><li><a href="/web/sgd/tin-giao-duc">Tin giáo dục</a>
</li></ul>
<div class="asset-full-content">
<div class="taglib-header"><h3 class="header-title"><span>Công bố điểm thi tuyển sinh vào lớp 10 năm học
2024-2025</span></h3></div>
<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">21/06/2024 16:40</span></div>
<div class="asset-content"><div class="journal-content-article">
<p style="text-align: justify;">Chiều 21/6, Sở Giáo dục và Đào tạo công bố điểm thi tuyển sinh vào lớp 10 trung học
phổ thông năm học 2024-2025. Thí sinh tra cứu điểm trên cổng thông tin điện tử của Sở hoặc tại trường trung học cơ
sở nơi đã nộp hồ sơ.</p>
<figure class="image"><img alt="" src="/documents/10180/0/diem-thi-1.jpg"><figcaption>Cán bộ chấm thi làm việc tại
Hội đồng chấm thi tuyển sinh (Ảnh: Minh Tâm)</figcaption></figure>
<p style="text-align: justify;">Kỳ thi năm nay có 21.436 thí sinh dự thi, thi ba môn Ngữ văn, Toán và Tiếng Anh;
thí sinh đăng ký vào trường chuyên thi thêm môn chuyên.</p>
<p style="text-align: right;"><strong>Thanh Bình</strong></p>
</div></div>
<div class="asset-links"><h4>Tin liên quan</h4><ul><li><a href="/web/sgd/x">Khen thưởng học sinh giỏi quốc gia</a>
<span>(02/03/2024)</span></li></ul></div>
</div></div></div></body></html>"""


def test_repeats_title_whole_or_around_a_separator():
    assert repeats_title("Tin a", "Tin a")
    assert repeats_title("Công bố điểm thi - Sở GDĐT Bình Định", "Công bố điểm thi")
    assert repeats_title("Sở GDĐT Bình Định | Công bố điểm thi", "Công bố điểm thi")
    assert not repeats_title("Công bố điểm thi năm 2024 - Sở GDĐT", "Công bố điểm thi")
    assert not repeats_title("Năm học 2024-2025", "Năm học 2024")  # a hyphen without spaces is no separator


def test_heading_that_repeats_the_document_title_is_the_headline():
    url = "http://127.0.0.9:8808/web/sgd/tin-giao-duc/-/asset_publisher/aZ3k/content/cong-bo-diem-thi"
    page = ArticlePage(LIFERAY, url, GENERIC)
    assert page.title_element is not None and page.title_element.tag == "h3"
    assert page.title() == "Công bố điểm thi tuyển sinh vào lớp 10 năm học 2024-2025"
    # The headline anchors the article's region, so the date line beside it is found (with its time).
    assert ("page", "21/06/2024 16:40") in page.date_candidates()
    assert page.is_article(strict=True)
    item = refine(page_item(page, "binhdinh", "2026-11-27T01:00:00+00:00"), GENERIC.boilerplate)
    assert item.published_at == "2024-06-21T16:40:00+07:00"
    assert item.author == "Thanh Bình"
    assert [(i["caption"], i["credit"]) for i in item.images] == [
        ("Cán bộ chấm thi làm việc tại Hội đồng chấm thi tuyển sinh", "Ảnh: Minh Tâm")
    ]
    assert "Tin liên quan" not in item.body_text and "Thanh Bình" not in item.body_text


def test_section_heading_is_not_taken_for_the_headline():
    html = ("<html><head><title>Tin giáo dục - Sở GDĐT</title></head><body><h3>Tin giáo dục</h3>"
            "<div class='list'><h3><a href='/a'>Một bài viết dài về tuyển sinh lớp 10</a></h3></div></body></html>")
    assert ArticlePage(html, "http://127.0.0.9/web/sgd/tin-giao-duc", GENERIC).title_element is None


def test_versus_score_counts_missing_captions_as_zero_precision():
    article = {"title": "Tin a", "published_at": "2024-06-21T16:40:00+07:00", "author": "Thanh Bình",
               "body": ["Một hai ba.", "Bốn năm."], "images": [{"caption": "Ảnh một"}, {"caption": "Ảnh hai"}]}
    ours, theirs = Score(), Score()
    ours.add(article, "Tin a", "2024-06-21T16:40:00+07:00", "Thanh Bình", "Một hai ba.\n\nBốn năm.",
             ["Ảnh một", "Ảnh hai"])
    theirs.add(article, "Tin a", "2024-06-21", None, "Một hai ba.", [])
    assert ours.row() == {"pages": 1, "title": 1.0, "date": 1.0, "author": 1.0, "body_f1": 1.0,
                          "caption_recall": 1.0, "caption_precision": 1.0}
    row = theirs.row()
    assert (row["date"], row["author"], row["caption_recall"], row["caption_precision"]) == (1.0, 0.0, 0.0, 0.0)
    assert 0.7 < row["body_f1"] < 0.8


# -- edunews probe, over real loopback sockets against the fixture sites ------------------------------------------

def test_probe_finds_family_listing_and_article_on_every_fixture_site():
    with serve_sites() as served:
        for name, base in served.items():
            truth = load_truth(name)
            report = probe(base + "/", families())
            expected = None if truth["family"] == "generic" else truth["family"]
            assert report["family"] == expected, name  # unseen families are not taken for a shipped one
            assert report["listing"] and report["listing"].startswith(base), name
            assert report["fetches"] <= 25
            article_urls = {
                canonical_url(urljoin(base, u)) for a in truth["articles"] for u in [a["url"], *a["aliases"]]
            }
            assert canonical_url(report["article"]) in article_urls, name
            used = report["profiles"][expected or "generic"]
            assert used["title"] and used["date"] and used["body"] and used["is_article"], name
            text = render(report)
            assert f"*{expected or 'generic'}" in text and "fingerprints:" in text
        # The command: a readable table, or JSON.
        run = subprocess.run([sys.executable, "-m", "edunews", "probe", served["hoangdieu-demo"] + "/", "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        report = json.loads(run.stdout)
        assert report["family"] is None
        found = report["profiles"]["generic"]
        assert found["date"].endswith("+07:00") and found["author"] and found["captions"]


def test_probe_of_an_unreachable_site_exits_2():
    run = subprocess.run([sys.executable, "-m", "edunews", "probe", "http://127.0.0.1:9/"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "could not be fetched" in run.stdout


# -- generic mode on the unseen families, beside trafilatura ------------------------------------------------------

def test_generic_mode_on_unseen_families_meets_targets_and_beats_trafilatura(tmp_path):
    from fixture_tools.truth import compare
    from fixture_tools.versus import score_archive, score_trafilatura

    names = ["binhdinh-demo", "hoangdieu-demo"]
    with serve_sites(names) as served:
        for name in names:
            db = tmp_path / f"{name}.sqlite"
            run = subprocess.run(
                [sys.executable, "-m", "edunews", "crawl", served[name] + "/", "--db", str(db),
                 "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"],
                cwd=ROOT, capture_output=True, text=True, timeout=300,
            )
            assert run.returncode in (0, 1), run.stderr[-2000:]
            assert "looks like the" not in run.stderr  # no shipped family claimed the site
            row = compare(str(db), {name: served[name]})["generic"].row()
            assert row["found"] == 1.0 and row["junk_rows"] == 0 and row["leaks"] == 0, name
            assert row["body_f1"] >= 0.95 and row["date"] >= 0.97 and row["caption_recall"] >= 0.90, (name, row)
            ours = score_archive(str(db), name, served[name]).row()
            theirs = score_trafilatura(name, served[name]).row()
            for column in ("title", "date", "author", "body_f1", "caption_recall", "caption_precision"):
                assert ours[column] >= theirs[column], (name, column, ours, theirs)
            assert ours["body_f1"] > theirs["body_f1"] and ours["caption_recall"] > theirs["caption_recall"]
