"""The command line without a crawl: sites, extract, search."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_sites_lists_registry():
    run = edunews("sites", "--json")
    assert run.returncode == 0
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    by_name = {r["name"]: r for r in rows}
    assert by_name["moet"]["cms"] == "sharepoint2013" and by_name["moet"]["verified"] is False


def test_extract_saved_page_recognises_family():
    run = edunews("extract", str(ROOT / "tests/pages/provincial_seed_like.html"), "--url", "http://127.0.0.2/a.html")
    assert run.returncode == 0, run.stderr
    item = json.loads(run.stdout)
    assert item["family"] == "provincial" and item["is_article"] is True
    assert item["published_at"] == "2022-07-18" and item["author"] == "Đình Vinh"
    assert item["images"][1]["caption"] == "Đồng chí Nguyễn Hữu Quát – Phó Bí thư Đảng bộ phát biểu tại Hội nghị"


def test_extract_unknown_family_is_a_config_error():
    run = edunews("extract", str(ROOT / "tests/pages/generic_school.html"), "--family", "drupal")
    assert run.returncode == 2 and "drupal" in run.stderr


def test_extract_fetches_as_a_crawl_does_robots_txt_obeyed():
    from test_faults import html, serve

    article = (ROOT / "tests/pages/provincial_seed_like.html").read_text(encoding="utf-8")
    routes = {
        "/robots.txt": lambda h: (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /noi-bo/\n"),
        "/tin-tuc/hoi-nghi.html": lambda h: html(article),
        "/noi-bo/hoi-nghi.html": lambda h: html(article),
    }
    with serve(routes, []) as site:
        allowed = edunews("extract", site.base + "/tin-tuc/hoi-nghi.html")
        refused = edunews("extract", site.base + "/noi-bo/hoi-nghi.html")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["author"] == "Đình Vinh"
    assert refused.returncode == 2 and "robots.txt" in refused.stderr
    assert site.hits["/noi-bo/hoi-nghi.html"] == 0 and site.hits["/robots.txt"] == 2


def test_search_without_archive(tmp_path):
    run = edunews("search", "dao tao", "--db", str(tmp_path / "none.sqlite"))
    assert run.returncode == 2 and "no archive" in run.stderr
