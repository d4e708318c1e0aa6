"""CPU per article on the path a crawl takes after the download, over the fixture sites' article pages.

Each fixture article page goes through the page object (crawler/extract/page.py), each refining step
(crawler/steps.py), and the archive write (storage/archive.py store_article, raw page included) into a fresh
temporary archive, ROUNDS times. Prints the median CPU ms per article of each stage (time.process_time);
--profile prints the functions that dominate (cProfile, cumulative, our modules only).

    python -m bench.article_path [--rounds 20] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from crawler import steps
from crawler.extract.page import ArticlePage, page_item
from crawler.extract.rules import GENERIC
from edunews.extract import decode
from edunews.fixtures.server import SITES_DIR, route_key, site_names
from spiders.profiles import families
from storage import Archive

ROOT = Path(__file__).resolve().parent.parent

BASE = "http://127.0.0.2:8000"
STAGES = ("extract", "normalise", "clean", "dates", "images", "author", "store")


def fixture_pages() -> list[tuple[str, str, object, bytes]]:
    """(site, url, rules, body bytes) of every fixture article page."""
    known = families()
    out = []
    for name in site_names():
        directory = SITES_DIR / name
        truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
        routes = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["routes"]
        rules = known.get(truth["family"], GENERIC)
        for record in truth["articles"]:
            route = routes[route_key(record["url"])]
            body = (directory / route["file"]).read_bytes().replace(b"{{BASE}}", BASE.encode())
            ctype = route.get("headers", {}).get("Content-Type")
            out.append((name, BASE + record["url"], rules, decode(body, ctype), body))
    return out


def one_round(pages: list, archive: Archive, times: dict[str, list[float]]) -> None:
    clock = time.process_time
    for site, url, rules, html, body in pages:
        t0 = clock()
        page = ArticlePage(html, url, rules)
        page.is_article()
        item = page_item(page, site, "2025-07-01T00:00:00+00:00", (url,))
        t1 = clock()
        steps.normalise_step(item)
        t2 = clock()
        steps.clean_step(item, rules.boilerplate)
        t3 = clock()
        steps.dates_step(item)
        t4 = clock()
        steps.images_step(item)
        t5 = clock()
        steps.author_step(item)
        t6 = clock()
        if item.title or item.body_text:
            # As the store pipeline does: the raw page in the article's own transaction.
            archive.store_article(item.record(), {"url": url, "status": 200, "headers": {}, "body": body,
                                                  "family": rules.name, "urls": [url], "listing_date": None,
                                                  "encoding": "utf-8", "fetched_at": item.fetched_at, "site": site})
        t7 = clock()
        marks = (t0, t1, t2, t3, t4, t5, t6, t7)
        for index, stage in enumerate(STAGES):
            times[stage].append((marks[index + 1] - marks[index]) * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print where the time goes (cProfile)")
    options = parser.parse_args()
    pages = fixture_pages()
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    profiler = cProfile.Profile() if options.profile else None
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(options.rounds):
            with Archive(str(Path(tmp) / f"round{number}.sqlite")) as archive:
                if profiler:
                    profiler.enable()
                one_round(pages, archive, times)
                if profiler:
                    profiler.disable()
    print(f"{len(pages)} fixture article pages x {options.rounds} rounds; CPU ms per article (median, mean)")
    totals = [sum(times[s][i] for s in STAGES) for i in range(len(times["extract"]))]
    for stage in STAGES:
        print(f"  {stage:10} {statistics.median(times[stage]):6.3f}  {statistics.mean(times[stage]):6.3f}")
    steps_only = [sum(times[s][i] for s in STAGES[1:6]) for i in range(len(totals))]
    print(f"  {'steps':10} {statistics.median(steps_only):6.3f}  {statistics.mean(steps_only):6.3f}"
          "   (normalise..author: the pipelines before the store)")
    print(f"  {'total':10} {statistics.median(totals):6.3f}  {statistics.mean(totals):6.3f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(r"work/main/(crawler|storage)|lxml|sqlite|nh3|ftfy", 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
