"""Crawl speed, pipeline CPU, memory and archive size on a generated loopback site of N articles.

Five generated sites (one per shipped CMS family, article pages from the fixture renderers, see bench/_gensite.py)
are served from memory on 127.0.0.x; `edunews crawl` crawls them in a child process with politeness off into a
fresh archive (raw pages stored, the default). Then `scrapy bench` (the stock command, its own loopback server) runs
for the ratio. Prints pages/s, the median CPU ms per article in our pipelines (each pipeline's process_item timed
with time.process_time by bench/_timing.py), the child's peak RSS (its own VmHWM) and the archive's bytes per
original article, after the crawl and after `edunews compact` (bench/archive_size.py: the same on sites of more
varied make).

    python -m bench.crawl --articles 5000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._gensite import PER_PAGE, serve_generated, sites_toml
from bench._timing import ITEM_PIPELINES, STEPS

ROOT = Path(__file__).resolve().parent.parent

# Politeness off: this is our own loopback server.
FAST = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "64",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "64",
    "ROBOTSTXT_OBEY": "True",  # the generated robots.txt allows everything
    "EDUNEWS_PROGRESS": "False",
    "LOG_LEVEL": "INFO",
    # Article URLs of SharePoint (?ItemID=) and Joomla (?option=...&id=) are query variants of one path.
    "EDUNEWS_MAX_QUERY_VARIANTS": "100000000",
}
_STOCK_RATE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\), scraped (\d+) items")


def run_child(command: list[str], log: Path, env: dict[str, str]) -> tuple[int, float, object]:
    """Run a command with its output in a log file; (exit status, wall seconds, its own resource usage)."""
    started = time.monotonic()
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, time.monotonic() - started, usage


def scrapy_bench(tmp: Path) -> tuple[float, list[int]]:
    """Pages per second of the stock `scrapy bench` (outside the project, so with Scrapy's own settings)."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    where = tmp / "stock"
    where.mkdir()
    done = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=where, env=env, capture_output=True,
                          text=True, check=False)
    rates = [int(m.group(2)) for m in _STOCK_RATE.finditer(done.stderr)]
    # The first line is the start-up second; the rest are steady state.
    steady = [r for r in rates[1:] if r > 0] or rates
    return (statistics.median(steady) / 60 if steady else 0.0), rates


def archive_figures(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("select count(*) from articles"),
            "duplicates": one("select count(*) from articles where duplicate_of is not null"),
            "pages_stored": one("select count(*) from pages"),
            "pages_fetched": one("select coalesce(sum(pages), 0) from crawls"),
            "errors": one("select coalesce(sum(errors), 0) from crawls"),
            # The crawling itself, without the process start (timestamps are whole seconds).
            "seconds": one("select (julianday(max(finished_at)) - julianday(min(started_at))) * 86400 from crawls"),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--no-scrapy-bench", action="store_true", help="skip the stock `scrapy bench` run")
    parser.add_argument("--keep", type=Path, help="write the archive and logs to this directory")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        help="another Scrapy setting for the crawl (to compare one change)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = options.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        stock_rate, stock_lines = (0.0, []) if options.no_scrapy_bench else scrapy_bench(Path(scratch))
        started = time.monotonic()
        with serve_generated(options.articles) as sites:
            print(f"generated {options.articles} articles on {len(sites)} sites in {time.monotonic() - started:.1f} s")
            sites_file = tmp / "bench-sites.toml"
            sites_file.write_text(sites_toml(sites), encoding="utf-8")
            db = tmp / "archive.sqlite"
            for leftover in tmp.glob("archive.sqlite*"):
                leftover.unlink()
            timing = tmp / "timing.json"
            settings = {
                **FAST,
                "EDUNEWS_MAX_LISTING_PAGES": str(options.articles // PER_PAGE + 10),
                "ITEM_PIPELINES": json.dumps(ITEM_PIPELINES),
            }
            command = [sys.executable, "-m", "edunews", "crawl", *(s.name for s in sites), "--sites", str(sites_file),
                       "--db", str(db)]
            for name, value in settings.items():
                command += ["--set", f"{name}={value}"]
            for extra in options.extra:
                command += ["--set", extra]
            env = {**os.environ, "BENCH_TIMING_FILE": str(timing)}
            status, wall, usage = run_child(command, tmp / "crawl.log", env)
        figures = archive_figures(db)
        size = sum(p.stat().st_size for p in tmp.glob("archive.sqlite*") if not p.name.endswith(".lock"))
        timed = json.loads(timing.read_text(encoding="utf-8")) if timing.exists() else {}
        rows = timed.get("articles", [])
        pages_per_s = figures["pages_fetched"] / wall
        totals = [sum(row) for row in rows]
        median_ms = statistics.median(totals) if totals else float("nan")
        # The child's own peak (VmHWM): wait4's ru_maxrss also counts this process's size at the fork.
        own_peak = timed.get("peak_rss_kib")
        rss_mb = (own_peak or usage.ru_maxrss) / 1024
        originals = figures["articles"] - figures["duplicates"]
        per_article = size / max(originals, 1)
        print(f"crawl exit status {status}; {figures['pages_fetched']} pages fetched, {figures['articles']} articles "
              f"({figures['duplicates']} marked duplicate), {figures['pages_stored']} raw pages stored, "
              f"{figures['errors']} errors")
        print(f"wall {wall:.1f} s (process start to exit), child CPU {usage.ru_utime + usage.ru_stime:.1f} s")
        window = figures["seconds"] or wall
        print(f"pages per second: {pages_per_s:.1f} over the process's life; "
              f"{figures['pages_fetched'] / window:.1f} over the crawl ({window:.0f} s, crawls rows)")
        if stock_rate:
            print(f"scrapy bench: {stock_rate:.1f} pages/s (median of its per-second lines, pages/min: "
                  f"{stock_lines}); ratio {pages_per_s / stock_rate:.2f} (target >= 0.5)")
        print(f"CPU ms per article in our pipelines, median: {median_ms:.2f} (target <= 5), over {len(rows)} articles")
        for index, name in enumerate(STEPS):
            column = [row[index] for row in rows]
            if column:
                print(f"  {name:10} median {statistics.median(column):6.2f} ms   "
                      f"p95 {sorted(column)[int(len(column) * 0.95)]:6.2f} ms")
        print(f"peak RSS of the crawl process: {rss_mb:.0f} MB "
              f"({'VmHWM' if own_peak else 'ru_maxrss, includes the bench at the fork'}; "
              f"wait4 ru_maxrss {usage.ru_maxrss / 1024:.0f} MB)")
        print(f"archive: {size / 1e6:.1f} MB, {per_article / 1024:.1f} KB per original article (target <= 10 KB)")
        subprocess.run([sys.executable, "-m", "edunews", "compact", "--db", str(db)], cwd=ROOT, check=False,
                       stdout=subprocess.DEVNULL)
        compacted = sum(p.stat().st_size for p in tmp.glob("archive.sqlite*") if not p.name.endswith(".lock"))
        print(f"after edunews compact: {compacted / 1e6:.1f} MB, {compacted / max(originals, 1) / 1024:.1f} KB per "
              "original article")
        return 0 if status in (0, 1) else status


if __name__ == "__main__":
    sys.exit(main())
