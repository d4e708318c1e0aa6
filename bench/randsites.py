"""Generic mode on randomized sites nobody tuned the code on.

    python -m bench.randsites                  # the reporting seeds (9001-9010)
    python -m bench.randsites --seeds 1-5      # development seeds
    python -m bench.randsites --seeds 3,7 --show 5 --quick

Seeds: 9001-9010 are the reporting seeds: quote their figures, never tune the extractor on them. 1-99 are the
development seeds: use them (with --show) while improving the extractor. New reporting seeds, if ever needed,
come from 9011 on.

Per seed, bench/_randsite.py generates one site (25-40 articles; --quick: 12-16, same variants) whose every element
is drawn from markup variants of real Vietnamese school, district and department CMSs, with its ground truth (its
docstring lists the variants). The site is served on loopback (127.0.0.1, an ephemeral port), crawled in generic
mode with `edunews crawl http://127.0.0.1:PORT/` into a temporary archive, crawled a second time (incremental) into
the same archive, and the archive is scored:

  cover    share of truth articles archived (under their URL or any alias)
  junk     archived rows that are no truth article (home, listings, contact, document list, ...)
  dup      extra rows for one truth article (print, session, parameter-order and redirect aliases)
  title    title exact (NFC, whitespace collapsed)
  date     published day exact
  minute   hour and minute exact, over articles whose page shows a time
  author   author exact, over articles that show a person's byline
  auth_fp  share of articles without a byline (none, or an account such as 'admin') given an author
  source   source exact ('Nguồn: X', 'Theo X': X), over all articles (null where there is none)
  cap_rec, cap_prec   caption recall and precision (credits 'Ảnh: X' and a leading 'Ảnh:' ignored on both sides)
  body_f1  token F1 of summary + body against the truth's lead + paragraphs
  leaks    share of articles whose body holds a furniture string of their page (menus, sidebars, byline or
           date labels, related lists, counters, footer, captions)
  incr     requests of the second (incremental) run / requests of the first, from the server's log

A second table puts edunews beside trafilatura (bare_extraction with metadata, on the same article pages' bytes):
title, date, minute, author, body_f1, leaks; an article edunews did not archive counts as wrong for edunews.

`figures(seeds)` returns the overall figures as a dict (bench/unseen.py prints them in one line). A site is the
same on every run; the crawl's order is not (two concurrent requests), so a figure can move by an article between
runs. --keep DIR leaves each seed's pages, truth.json and archive for inspection.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from bench._randsite import RandSite, generate
from crawler.urls import canonical_url
from edunews.fixtures.server import route_key, serve_sites
from fixture_tools.truth import token_f1 as truth_token_f1

ROOT = Path(__file__).resolve().parent.parent

REPORT_SEEDS = list(range(9001, 9011))
DEV_SEEDS = range(1, 100)
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "LOG_LEVEL=WARNING"]
COLUMNS = ("cover", "junk", "dup", "title", "date", "minute", "author", "auth_fp", "source", "cap_rec", "cap_prec",
           "body_f1", "leaks", "incr")
VERSUS = ("title", "date", "minute", "author", "body_f1", "leaks")
SITE = "randsite"


def norm(text: Any) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()
    return text or None


def _words(text: str | None) -> str:
    return " ".join(t for t in (text or "").split() if re.search(r"\w", t))


def token_f1(expected: str | None, got: str | None) -> float:
    """truth.py's token F1 over words only: tokens without a letter or digit ('|' between table cells, '-') do not
    count, so the way an extractor joins table cells costs nothing."""
    return truth_token_f1(_words(expected), _words(got))


_CREDIT = re.compile(r"\s*(?:\(\s*Ảnh\s*:[^()]*\)|[.,]?\s*Ảnh\s*:[^()]*)\s*$", re.IGNORECASE)


def caption_key(text: str | None) -> str | None:
    """A caption without its credit and a leading 'Ảnh:', so either convention of storing them compares equal."""
    text = norm(text)
    if not text:
        return None
    text = re.sub(r"^Ảnh\s*:\s*", "", text, flags=re.IGNORECASE)
    text = _CREDIT.sub("", text).strip(" .")
    return text or None


class Tally:
    """Counts for one extractor over a set of articles; `row()` turns them into shares."""

    def __init__(self) -> None:
        self.n = self.found = self.junk = self.dup = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.f1 = 0.0
        self.mismatches: dict[str, list[str]] = defaultdict(list)

    def judge(self, seed: int, article: dict[str, Any], got: dict[str, Any] | None) -> None:
        c = self.counts
        self.n += 1
        label = f"[{seed} {article['key']}]"
        if got is None:
            self.mismatches["cover"].append(f"{label} not archived: {article['url']}")
            got = {}
        else:
            self.found += 1

        def check(name: str, expected: Any, value: Any, forms: str) -> None:
            if expected == value:
                c[name] += 1
            elif got:
                self.mismatches[name].append(f"{label} ({forms}) expected {expected!r}, got {value!r}")

        forms = article["forms"]
        dated = f"date={forms['date']}" if article.get("date_from") != "listing" else "date only on the listings"
        check("title", article["title"], norm(got.get("title")), f"headline={forms['headline']}")
        published = got.get("published") or ""
        check("date", article["published"][:10], published[:10] or None, dated)
        if article["time_shown"]:
            c["minute_n"] += 1
            check("minute", article["published"][11:16], published[11:16] or None, dated)
        author = norm(got.get("author"))
        if article["author"]:
            c["author_n"] += 1
            check("author", article["author"], author, f"byline={forms['byline']}")
        else:
            c["no_author_n"] += 1
            if author:
                c["auth_fp"] += 1
                self.mismatches["auth_fp"].append(f"{label} (byline={forms['byline']}) expected None, got {author!r}")
        if "source" in got:
            check("source", article["source"], norm(got.get("source")), f"source={forms.get('source', '-')}")
        expected = "\n".join(([article["summary"]] if article["summary"] else []) + article["body"])
        body = "\n".join(x for x in (got.get("summary"), got.get("body")) if x)
        f1 = token_f1(expected, body) if got else 0.0
        self.f1 += f1
        if got and f1 < 0.98:
            self.mismatches["body_f1"].append(f"{label} (paragraphs={article['choices']['paragraphs']}, "
                                              f"layout={article['choices']['layout']}) F1 {f1:.2f}: "
                                              f"{(got.get('body') or '')[:160]!r}")
        leaked = [s for s in article["furniture"] if s in (got.get("body") or "")]
        if leaked:
            c["leaks"] += 1
            self.mismatches["leaks"].append(f"{label} {leaked[:4]}")
        if "captions" in got:
            want = {caption_key(x) for x in article["captions"]} - {None}
            have = [k for k in (caption_key(x) for x in got["captions"]) if k]
            c["cap_want"] += len(want)
            c["cap_have"] += len(have)
            right = len(want & set(have))
            c["cap_right"] += right
            if right < len(want) or right < len(have):
                self.mismatches["captions"].append(f"{label} (caption={article['choices']['caption']}/"
                                                   f"{article['choices']['caption2']}) expected {sorted(want)!r}, "
                                                   f"got {have!r}")

    def merge(self, other: Tally) -> None:
        self.n += other.n
        self.found += other.found
        self.junk += other.junk
        self.dup += other.dup
        self.f1 += other.f1
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, values in other.mismatches.items():
            self.mismatches[key].extend(values)

    def row(self) -> dict[str, float]:
        c, n = self.counts, self.n or 1

        def share(part: float, whole: int, empty: float = 1.0) -> float:
            return part / whole if whole else empty

        return {
            "n": self.n, "cover": self.found / n, "junk": self.junk, "dup": self.dup, "title": c["title"] / n,
            "date": c["date"] / n, "minute": share(c["minute"], c["minute_n"]),
            "author": share(c["author"], c["author_n"]), "auth_fp": share(c["auth_fp"], c["no_author_n"], 0.0),
            "source": c["source"] / n, "cap_rec": share(c["cap_right"], c["cap_want"]),
            "cap_prec": share(c["cap_right"], c["cap_have"], 0.0 if c["cap_want"] else 1.0),
            "body_f1": self.f1 / n, "leaks": c["leaks"] / n,
        }


# --------------------------------------------------------------------------------------------------- archive


def archived(db: Path, base: str, truth: dict[str, Any]) -> tuple[dict[str, dict[str, Any] | None], list[str],
                                                                  list[str]]:
    """Per truth article key, what the archive holds (None when not archived); the URLs of junk rows; the URLs of
    duplicate rows (a second row for one truth article)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = {r["id"]: dict(r) for r in con.execute("select * from articles")}
        owner: dict[str, int] = {}
        for r in con.execute("select url, article_id from article_urls"):
            owner[r["url"]] = r["article_id"]
            owner.setdefault(canonical_url(r["url"]), r["article_id"])
        for ident, row in rows.items():
            owner.setdefault(row["url"], ident)
            owner.setdefault(canonical_url(row["url"]), ident)
        captions: dict[int, list[str]] = defaultdict(list)
        for r in con.execute("select article_id, caption from images where caption is not null order by position"):
            captions[r["article_id"]].append(r["caption"])
    finally:
        con.close()
    found: dict[str, dict[str, Any] | None] = {}
    matched: set[int] = set()
    duplicates: list[str] = []
    for article in truth["articles"]:
        ids: list[int] = []
        for path in [article["url"], *article["aliases"]]:
            url = urljoin(base + "/", path)
            for key in (url, canonical_url(url)):
                if key in owner and owner[key] not in ids:
                    ids.append(owner[key])
        matched.update(ids)
        duplicates += [f"[{article['key']}] {rows[i]['url']}" for i in ids[1:]]
        if not ids:
            found[article["key"]] = None
            continue
        canonical = canonical_url(urljoin(base + "/", article["url"]))
        ident = next((i for i in ids if canonical_url(rows[i]["url"]) == canonical), ids[0])
        row = rows[ident]
        found[article["key"]] = {
            "title": row["title"], "published": row["published_at"], "author": row["author"],
            "source": row["source"], "summary": row["summary"], "body": row["body_text"],
            "captions": captions.get(ident, []),
        }
    junk = [f"{rows[i]['url']} {rows[i]['title']!r}" for i in sorted(set(rows) - matched)]
    return found, junk, duplicates


def trafilatura_view(html: bytes, url: str) -> dict[str, Any]:
    import trafilatura

    result = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if result is None:
        return {"title": None, "published": None, "author": None, "body": None}
    data = result if isinstance(result, dict) else result.as_dict()
    return {"title": data.get("title"), "published": data.get("date"), "author": data.get("author"),
            "body": data.get("text")}


# --------------------------------------------------------------------------------------------------- runs


def crawl(base: str, db: Path) -> None:
    command = [sys.executable, "-m", "edunews", "crawl", base + "/", "--db", str(db), *FAST]
    subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_seed(seed: int, quick: bool = False, keep: Path | None = None) -> dict[str, Any]:
    """Generate, serve, crawl twice and score one seed: {'edunews': Tally, 'trafilatura': Tally, ...}.

    keep: a directory to leave the site (pages, manifest.json, truth.json) and its archive in, for inspection."""
    site: RandSite = generate(seed, quick=quick)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = keep / f"seed-{seed}" if keep else Path(scratch)
        root = Path(tmp) / "sites"
        site.write(root / SITE)
        with serve_sites([SITE], root=root, addresses="shared") as served:
            base = served[SITE]
            db = Path(tmp) / "archive.sqlite"
            crawl(base, db)
            first = len(served.requests(SITE))
            crawl(base, db)
            second = len(served.requests(SITE)) - first
        found, junk, duplicates = archived(db, base, site.truth)
    ours, theirs = Tally(), Tally()
    ours.junk, ours.dup = len(junk), len(duplicates)
    ours.mismatches["junk"] += [f"[{seed}] {line}" for line in junk]
    ours.mismatches["dup"] += [f"[{seed}] {line}" for line in duplicates]
    for article in site.truth["articles"]:
        article = {**article, "choices": site.choices}
        ours.judge(seed, article, found[article["key"]])
        page = site.routes[route_key(article["url"])].body.replace(b"{{BASE}}", base.encode())
        theirs.judge(seed, article, trafilatura_view(page, urljoin(base + "/", article["url"])))
    return {"seed": seed, "edunews": ours, "trafilatura": theirs, "requests": (first, second),
            "choices": site.choices, "seconds": time.monotonic() - started}


def run(seeds: list[int], quick: bool = False, progress: bool = False, keep: Path | None = None) -> dict[str, Any]:
    """Every seed's results and the pooled tallies."""
    results = []
    total, versus = Tally(), Tally()
    requests = [0, 0]
    for seed in seeds:
        result = run_seed(seed, quick, keep)
        results.append(result)
        total.merge(result["edunews"])
        versus.merge(result["trafilatura"])
        requests[0] += result["requests"][0]
        requests[1] += result["requests"][1]
        if progress:
            print(f"seed {seed}: {result['seconds']:.0f} s", file=sys.stderr, flush=True)
    return {"results": results, "edunews": total, "trafilatura": versus, "requests": tuple(requests)}


def _overall(outcome: dict[str, Any]) -> dict[str, float]:
    row = outcome["edunews"].row()
    first, second = outcome["requests"]
    row["incr"] = second / first if first else 1.0
    for key, value in outcome["trafilatura"].row().items():
        if key in VERSUS:
            row[f"trafilatura_{key}"] = value
    return row


def figures(seeds: list[int] | None = None, quick: bool = False) -> dict[str, float]:
    """Overall figures over `seeds` (default: the reporting seeds), trafilatura's as trafilatura_<column>."""
    return _overall(run(seeds if seeds is not None else REPORT_SEEDS, quick))


# --------------------------------------------------------------------------------------------------- printing


def _cells(row: dict[str, float], columns: tuple[str, ...]) -> str:
    out = []
    for column in columns:
        value = row[column]
        out.append(f"{value:>8d}" if isinstance(value, int) else f"{value:>8.3f}")
    return " ".join(out)


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds.extend(range(int(low), int(high or low) + 1))
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="9001-9010", help="e.g. 1-5 or 3,7,9 (default: the reporting seeds)")
    parser.add_argument("--show", type=int, default=0, help="print the first N mismatches of each field")
    parser.add_argument("--quick", action="store_true", help="12-16 articles a site instead of 25-40")
    parser.add_argument("--keep", type=Path, help="leave each seed's site and archive in DIR/seed-N")
    options = parser.parse_args()
    seeds = parse_seeds(options.seeds)
    outcome = run(seeds, options.quick, progress=True, keep=options.keep)
    print(f"{'seed':<6}{'n':>4} " + " ".join(f"{c[:8]:>8}" for c in COLUMNS) + "  variants")
    for result in outcome["results"]:
        row = result["edunews"].row()
        first, second = result["requests"]
        row["incr"] = second / first if first else 1.0
        ch = result["choices"]
        variants = (f"{ch['layout']}/{ch['scheme']} h={ch['headline']} d={ch['date']}@{ch['date_pos']} "
                    f"by={ch['byline']} cap={ch['caption']} p={ch['paragraphs']} cs={ch['charset']}")
        print(f"{result['seed']:<6}{row['n']:>4} " + _cells(row, COLUMNS) + "  " + variants)
    row = _overall(outcome)
    print(f"{'all':<6}{row['n']:>4} " + _cells(row, COLUMNS))
    print(f"\nedunews vs trafilatura, same article pages ({outcome['edunews'].n} articles)")
    print(f"{'':<14}" + " ".join(f"{c[:8]:>8}" for c in VERSUS))
    for who in ("edunews", "trafilatura"):
        print(f"{who:<14}" + _cells(outcome[who].row(), VERSUS))
    if options.show:
        for who in ("edunews", "trafilatura") if options.show else ():
            mismatches = outcome[who].mismatches
            for name in sorted(mismatches):
                if who == "trafilatura" and name not in VERSUS:
                    continue
                print(f"\n-- {who}: {name} ({len(mismatches[name])})")
                for line in mismatches[name][: options.show]:
                    print("  " + line)
            if who == "edunews":
                print("\n(trafilatura mismatches follow)")


if __name__ == "__main__":
    main()
