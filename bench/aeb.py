"""edunews and trafilatura on the public article-extraction benchmark (181 news pages in several languages).

    git clone https://github.com/scrapinghub/article-extraction-benchmark ../article-extraction-benchmark
    python -m bench.aeb                   # F1, precision, recall, accuracy of both; empty bodies; pages under F1 0.5
    python -m bench.aeb --show 10         # also the 10 worst pages for edunews: what it missed and what it added
    python -m bench.aeb --repo PATH       # a clone elsewhere (or EDUNEWS_AEB=PATH); a bare git directory works too

The pages (html/<id>.html.gz, utf-8) and ground-truth.json are read from that repository, never copied here;
without it the script says so in one line and exits 0. Scoring is the benchmark's evaluate.py: 4-token shingles over
its \\w+ tokens, per-page tp/fp/fn normalised to sum 1, precision and recall averaged over the pages, F1 from the
two means, accuracy = identical token sequences. edunews: its body_text, as `edunews extract FILE --url URL` gives
it (no profile, family detection on), the page's URL from the ground truth. trafilatura: `extract(html,
include_comments=False)`, as the benchmark's extractors/run_trafilatura.py calls it. About 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench._pages import Corpus, cache_put, corpus_path, edunews_record, pool_map, timed, trafilatura_text

ENV = "EDUNEWS_AEB"
DEFAULT = "../article-extraction-benchmark"

# The benchmark's evaluate.py, to the letter.
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    return Counter(s for s in (tuple(tokens[i: i + n]) for i in range(0, max(1, len(tokens) - n + 1))) if s)


def shingle_matching(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over 4-token shingles, normalised so that longer texts do not weigh more."""
    true_shingles, pred_shingles = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in set(true_shingles) | set(pred_shingles):
        t, p = true_shingles.get(key, 0), pred_shingles.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total > 0 else (tp, fp, fn)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(tp_fp_fns: list[tuple[float, float, float]], accuracies: list[float]) -> dict[str, float]:
    """metrics_from_tp_fp_fns: mean precision over pages with a prediction, mean recall over pages with a truth."""
    precision = statistics.mean([precision_score(*c) for c in tp_fp_fns if c[0] + c[1] > 0])
    recall = statistics.mean([recall_score(*c) for c in tp_fp_fns if c[0] + c[2] > 0])
    return {"f1": 2 * precision * recall / (precision + recall), "precision": precision, "recall": recall,
            "accuracy": statistics.mean(accuracies)}


def page_f1(counts: tuple[float, float, float]) -> float:
    p, r = precision_score(*counts), recall_score(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def _run(job: tuple[str, str, str, bool]) -> dict[str, Any]:
    ident, url, html, versus = job
    record, ms = timed(edunews_record, html, url)
    result = {"id": ident, "edunews": record.get("body_text") or "", "ms": ms, "error": record.get("error")}
    if versus:
        result["trafilatura"], result["traf_ms"] = timed(trafilatura_text, html, include_comments=False)
    return result


def load(repo: Path) -> tuple[Corpus, dict[str, dict[str, Any]]] | None:
    corpus = Corpus.open(repo, "ground-truth.json")
    if corpus is None:
        return None
    truth = json.loads(corpus.read("ground-truth.json") or b"{}")
    return corpus, truth


def _pages(corpus: Corpus, truth: dict[str, dict[str, Any]], versus: bool):
    for ident, item in truth.items():
        data = corpus.read(f"html/{ident}.html.gz")
        html = gzip.decompress(data).decode("utf-8") if data else ""
        yield ident, item.get("url") or f"http://localhost/{ident}.html", html, versus


def run(repo: Path, versus: bool = True, workers: int = 2) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(figures, per-page rows), or None when the benchmark is not there."""
    loaded = load(repo)
    if loaded is None:
        return None
    corpus, truth = loaded
    start = time.perf_counter()
    try:
        results = list(pool_map(_run, _pages(corpus, truth, versus), workers))
        seconds = time.perf_counter() - start
        figures: dict[str, Any] = {"pages": len(results), "seconds": seconds}
        rows = [{"id": r["id"], "url": truth[r["id"]].get("url", ""), "truth": truth[r["id"]].get("articleBody") or "",
                 **r} for r in results]
        for who in ("edunews", "trafilatura") if versus else ("edunews",):
            counts = [shingle_matching(row["truth"], row[who]) for row in rows]
            accuracies = [float(tokenize(row["truth"]) == tokenize(row[who])) for row in rows]
            for row, c in zip(rows, counts, strict=True):
                row[f"{who}_f1"] = page_f1(c)
            figures[who] = {
                **metrics(counts, accuracies),
                "empty": sum(1 for row in rows if tokenize(row["truth"]) and not tokenize(row[who])),
                "under_half": sum(1 for row in rows if row[f"{who}_f1"] < 0.5),
                "ms_per_page": statistics.mean(row["ms" if who == "edunews" else "traf_ms"] for row in rows),
            }
        figures["edunews"]["errors"] = sum(1 for row in rows if row["error"])
        if versus:
            cache_put("aeb", corpus, figures["trafilatura"])
    finally:
        corpus.close()
    return figures, rows


def figures(repo: str | Path | None = None, versus: bool = True, workers: int = 2) -> dict[str, Any] | None:
    """The benchmark's figures: {"pages", "seconds", "edunews": {f1, precision, recall, accuracy, empty,
    under_half, ms_per_page, errors}, "trafilatura": {...}}; None when the benchmark is not there."""
    done = run(corpus_path(str(repo) if repo else None, ENV, DEFAULT), versus, workers)
    return done[0] if done else None


def _first_difference(source: str, other: str, width: int = 14) -> str:
    """Some words around the first shingle of `source` that `other` lacks ('' when none)."""
    tokens, present = tokenize(source), _shingles(other)
    for i in range(max(1, len(tokens) - 3)):
        if tuple(tokens[i: i + 4]) not in present:
            return " ".join(tokens[i: i + width])
    return ""


def _share(part: str, whole: str) -> str:
    shingles = _shingles(whole)
    total = sum(shingles.values())
    if not total:
        return "0%"
    mine = _shingles(part)
    return f"{100 * sum(min(c, mine[k]) for k, c in shingles.items()) / total:.0f}%"


def show(rows: list[dict[str, Any]], count: int, versus: bool) -> None:
    print(f"\nworst {count} pages for edunews (page F1; missed = first truth words it lacks, added = first words of "
          "its own the truth lacks)")
    for row in sorted(rows, key=lambda r: r["edunews_f1"])[:count]:
        traf = f"  trafilatura {row['trafilatura_f1']:.3f}" if versus else ""
        words, truth_words = len(tokenize(row["edunews"])), len(tokenize(row["truth"]))
        print(f"{row['id'][:12]}  edunews {row['edunews_f1']:.3f}{traf}  {words} words (truth {truth_words},"
              f" {_share(row['edunews'], row['truth'])} of it found)  {row['url']}")
        if row["error"]:
            print(f"    error: {row['error']}")
        missed, added = _first_difference(row["truth"], row["edunews"]), _first_difference(row["edunews"], row["truth"])
        if missed:
            print(f"    missed: {missed}")
        if added:
            print(f"    added:  {added}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", help=f"the benchmark's clone or git directory (default ${ENV}, else {DEFAULT})")
    parser.add_argument("--show", type=int, default=0, help="print the N worst pages for edunews")
    parser.add_argument("--no-versus", action="store_true", help="edunews only (about half the time)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    options = parser.parse_args()
    repo = corpus_path(options.repo, ENV, DEFAULT)
    done = run(repo, not options.no_versus, options.workers)
    if done is None:
        print(f"aeb: article-extraction-benchmark not found at {repo} (set {ENV} or --repo); skipped")
        return
    result, rows = done
    print(f"article-extraction-benchmark: {result['pages']} pages, {result['seconds']:.1f} s")
    print(f"{'':<12}{'F1':>7}{'prec':>7}{'recall':>7}{'acc':>7}{'empty':>7}{'F1<.5':>7}{'ms/page':>9}")
    for who in ("edunews", "trafilatura"):
        if who in result:
            f = result[who]
            print(f"{who:<12}{f['f1']:>7.3f}{f['precision']:>7.3f}{f['recall']:>7.3f}{f['accuracy']:>7.3f}"
                  f"{f['empty']:>7d}{f['under_half']:>7d}{f['ms_per_page']:>9.1f}")
    if result["edunews"]["errors"]:
        print(f"edunews raised on {result['edunews']['errors']} pages (scored as empty)")
    if options.show:
        show(rows, options.show, "trafilatura" in result)


if __name__ == "__main__":
    main()
