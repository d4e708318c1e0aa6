"""`edunews status` (each site's last crawl and its health) and the exit code of a run of several crawls."""

from __future__ import annotations

import json

from editable_site import SITE, edunews

from edunews import run


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
