"""edunews and trafilatura on trafilatura's own evaluation corpus (about 990 web pages, mostly German, English,
Polish and French: articles, blogs, shops, forums), scored as that corpus is scored.

    git clone https://github.com/adbar/trafilatura ../trafilatura
    python -m bench.trafilatura_eval               # both; 1-2 minutes on 2 cores
    python -m bench.trafilatura_eval --limit 200   # a fixed spread of 200 pages (every n-th URL in sorted order)
    python -m bench.trafilatura_eval --show 10     # the 10 pages where edunews misses most
    python -m bench.trafilatura_eval --repo PATH   # a clone elsewhere (or EDUNEWS_TRAFILATURA_REPO); a git dir works

The pages (tests/cache/ first, then tests/eval/, as tests/eval_common.py resolves them) and tests/evaldata.json
are read from that repository, never copied here; without it the script says so in one line and exits 0.
Scoring is tests/eval_common.py's: per page, each 'with' snippet found in the whitespace-normalised output is a true
positive (else a false negative), each 'without' snippet found is a false positive (else a true negative);
precision, recall, accuracy and F1 over the summed counts. trafilatura runs as the corpus's evaluate.py runs it
(`extract(bytes, include_comments=False, include_tables=True, include_formatting=False)`). edunews: the page's
bytes decoded as a crawl would, the annotation's URL, `edunews extract`'s defaults (no profile, family detection);
`edunews` scores its body_text, `edunews all` the title, summary, body and captions together, which tells text
edunews lost from text it moved to another field.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from bench._pages import (
    Corpus,
    cache_put,
    corpus_path,
    decode,
    edunews_record,
    norm,
    pool_map,
    timed,
    trafilatura_text,
)

ENV = "EDUNEWS_TRAFILATURA_REPO"
DEFAULT = "../trafilatura"
EVALDATA = "tests/evaldata.json"
# the settings of trafilatura's tests/eval_common.py EXTRACT_OPTS, for its "trafilatura" row (fast=False)
TRAFILATURA_OPTIONS = {"include_comments": False, "include_tables": True, "include_formatting": False}


def count_item(item: dict[str, Any], result: str | None) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) by whitespace-normalised substring matching, as eval_common.count_item."""
    if isinstance(result, str):
        text = " ".join(result.split())
        tp = sum(1 for w in item["with"] if " ".join(w.split()) in text)
        fp = sum(1 for w in item["without"] if " ".join(w.split()) in text)
    else:
        tp = fp = 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def scores(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    tp, fp, fn, tn = (sum(c[i] for c in counts) for i in range(4))
    total = tp + fp + fn + tn
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "accuracy": (tp + tn) / total if total else 0.0,
            "f1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0}


def _resolve(corpus: Corpus, filename: str) -> bytes | None:
    for subdir in ("cache", "eval"):
        data = corpus.read(f"tests/{subdir}/{filename}")
        if data is not None:
            return data
    return None


def _run(job: tuple[str, bytes, bool]) -> dict[str, Any]:
    url, data, versus = job
    html = decode(data)
    record, ms = timed(edunews_record, html, url)
    captions = [image.get("caption") or "" for image in record.get("images") or []]
    whole = "\n".join([record.get("title") or "", record.get("summary") or "", record.get("body_text") or "",
                       *captions])
    result = {"url": url, "edunews": record.get("body_text") or "", "edunews all": whole, "ms": ms,
              "error": record.get("error")}
    if versus:
        result["trafilatura"], result["traf_ms"] = timed(trafilatura_text, data, **TRAFILATURA_OPTIONS)
    return result


def select(urls: list[str], limit: int | None) -> list[str]:
    """A fixed spread of `limit` URLs: every n-th in sorted order, so a limited run is the same run every time."""
    urls = sorted(urls)
    if not limit or limit >= len(urls):
        return urls
    step = len(urls) / limit
    return [urls[int(i * step)] for i in range(limit)]


def run(repo: Path, versus: bool = True, limit: int | None = None,
        workers: int = 2) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(figures, per-page rows), or None when the corpus is not there."""
    corpus = Corpus.open(repo, EVALDATA)
    if corpus is None:
        return None
    try:
        evaldata = json.loads(corpus.read(EVALDATA) or b"{}")
        urls = select(list(evaldata), limit)
        start = time.perf_counter()
        missing: list[str] = []

        def jobs():
            for url in urls:
                data = _resolve(corpus, evaldata[url]["file"])
                if data is None:
                    missing.append(url)
                else:
                    yield url, data, versus

        rows = list(pool_map(_run, jobs(), workers))
        figures: dict[str, Any] = {"pages": len(rows), "missing": len(missing), "seconds": time.perf_counter() - start,
                                   "limit": limit}
        for who in ("edunews", "edunews all", "trafilatura") if versus else ("edunews", "edunews all"):
            counts = []
            for row in rows:
                row[f"{who} counts"] = count_item(evaldata[row["url"]], row[who])
                counts.append(row[f"{who} counts"])
            figures[who] = {**scores(counts), "empty": sum(1 for row in rows if not norm(row[who]))}
            if who != "edunews all":
                figures[who]["ms_per_page"] = statistics.mean(row["ms" if who == "edunews" else "traf_ms"]
                                                              for row in rows) if rows else 0.0
        figures["edunews"]["errors"] = sum(1 for row in rows if row["error"])
        for row in rows:
            row["item"] = evaldata[row["url"]]
        if versus:
            cache_put(f"trafilatura_eval-{limit or 'all'}", corpus, figures["trafilatura"])
    finally:
        corpus.close()
    return figures, rows


def figures(repo: str | Path | None = None, versus: bool = True, limit: int | None = None,
            workers: int = 2) -> dict[str, Any] | None:
    """{"pages", "missing", "seconds", "limit", "edunews": {precision, recall, accuracy, f1, empty, ms_per_page,
    errors}, "edunews all": {...}, "trafilatura": {...}}; None when the corpus is not there."""
    done = run(corpus_path(str(repo) if repo else None, ENV, DEFAULT), versus, limit, workers)
    return done[0] if done else None


def show(rows: list[dict[str, Any]], count: int) -> None:
    print(f"\n{count} pages where edunews misses most ('with' snippets absent from body_text; 'without' present)")

    def badness(row: dict[str, Any]) -> tuple[int, int]:
        tp, fp, fn, tn = row["edunews counts"]
        return -(fn + fp), tp

    for row in sorted(rows, key=badness)[:count]:
        tp, fp, fn, tn = row["edunews counts"]
        traf = row.get("trafilatura counts")
        versus = f"  trafilatura tp {traf[0]} fp {traf[1]}" if traf else ""
        print(f"{row['url']}  edunews tp {tp} fp {fp} fn {fn}{versus}  {len(row['edunews'].split())} words")
        text = " ".join(row["edunews"].split())
        for snippet in row["item"]["with"]:
            if " ".join(snippet.split()) not in text:
                print(f"    missed: {snippet[:100]}")
        for snippet in row["item"]["without"]:
            if " ".join(snippet.split()) in text:
                print(f"    added:  {snippet[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", help=f"trafilatura's clone or git directory (default ${ENV}, else {DEFAULT})")
    parser.add_argument("--limit", type=int, help="score a fixed spread of N pages")
    parser.add_argument("--show", type=int, default=0, help="print the N pages where edunews misses most")
    parser.add_argument("--no-versus", action="store_true", help="edunews only")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    options = parser.parse_args()
    repo = corpus_path(options.repo, ENV, DEFAULT)
    done = run(repo, not options.no_versus, options.limit, options.workers)
    if done is None:
        print(f"trafilatura_eval: trafilatura's evaluation corpus not found at {repo} (set {ENV} or --repo); skipped")
        return
    result, rows = done
    missing = f", {result['missing']} files missing" if result["missing"] else ""
    print(f"trafilatura evaluation corpus: {result['pages']} pages{missing}, {result['seconds']:.1f} s")
    print(f"{'':<13}{'F1':>7}{'prec':>7}{'recall':>7}{'acc':>7}{'empty':>7}{'ms/page':>9}")
    for who in ("edunews", "edunews all", "trafilatura"):
        if who in result:
            f = result[who]
            ms = f"{f['ms_per_page']:>9.1f}" if "ms_per_page" in f else ""
            print(f"{who:<13}{f['f1']:>7.3f}{f['precision']:>7.3f}{f['recall']:>7.3f}{f['accuracy']:>7.3f}"
                  f"{f['empty']:>7d}{ms}")
    if result["edunews"]["errors"]:
        print(f"edunews raised on {result['edunews']['errors']} pages (scored as empty)")
    if options.show:
        show(rows, options.show)


if __name__ == "__main__":
    main()
