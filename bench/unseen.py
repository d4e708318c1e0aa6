"""One summary of edunews on pages nobody in this project wrote, each figure with its target beside.

    python -m bench.unseen                  # about 20-40 s on 2 cores: edunews on each corpus present
    python -m bench.unseen --versus         # trafilatura computed afresh beside (about twice as long)
    python -m bench.unseen --sites          # and the randomized generated sites (bench/randsites.py: minutes)
    timeout 60 python -m bench.unseen | tail -n 15

One or two lines per corpus; a corpus whose pages are absent gets a one-line 'skipped':
  aeb          the public article-extraction benchmark (bench/aeb.py, all 181 pages): shingle F1, empty bodies
  real         real Vietnamese article pages with hand-made truth (bench/real_articles.py): title, day, author,
               body first/last words found, furniture leaked; trafilatura on the second line
  traf-eval    trafilatura's evaluation corpus (bench/trafilatura_eval.py), a fixed spread of --eval-limit pages
               (default 200; 0 = all 990, one to two minutes): snippet F1
  sites        bench/randsites.py's figures(), only with --sites

trafilatura's figures beside aeb and traf-eval come from the last `bench/aeb.py` / `bench/trafilatura_eval.py`
run on the same corpus commit and trafilatura version (a cache outside the repository: $EDUNEWS_BENCH_CACHE, else
~/.cache/edunews-bench), or are computed with --versus; '-' when neither. The corpora are found as each script
finds them (--repo / --path options there; here the environment variables EDUNEWS_AEB, EDUNEWS_REAL_ARTICLES,
EDUNEWS_TRAFILATURA_REPO or their default locations).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if not __package__:
    # Run as a file (`python bench/unseen.py`, as tools that show its last lines do): the checkout, not bench/, first
    # on the path, so that the benches import as the package they are (and bench/incremental.py shadows nothing).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import aeb, real_articles, trafilatura_eval  # noqa: E402
from bench._pages import ROOT, Corpus, cache_get, corpus_path  # noqa: E402


def mark(value: float, target: float, higher: bool = True) -> str:
    ok = value >= target if higher else value <= target
    return f"{'ok' if ok else 'BELOW' if higher else 'ABOVE'}"


def cached(name: str, env: str, default: str, marker: str) -> dict[str, Any] | None:
    corpus = Corpus.open(corpus_path(None, env, default), marker)
    if corpus is None:
        return None
    try:
        return cache_get(name, corpus)
    finally:
        corpus.close()


def aeb_lines(versus: bool) -> list[str]:
    result = aeb.figures(versus=versus)
    if result is None:
        return [f"aeb        skipped: article-extraction-benchmark not found (${aeb.ENV}, default {aeb.DEFAULT})"]
    e = result["edunews"]
    theirs = result.get("trafilatura") or cached("aeb", aeb.ENV, aeb.DEFAULT, "ground-truth.json")
    traf = f"{theirs['f1']:.3f}" if theirs else "-"
    return [f"aeb        {result['pages']} pages  F1 {e['f1']:.3f} (>=0.96 {mark(e['f1'], 0.96)}; trafilatura {traf})"
            f"  empty {e['empty']} (=0 {mark(e['empty'], 0, False)})  F1<0.5 {e['under_half']}"
            f"  P {e['precision']:.3f} R {e['recall']:.3f}  {e['ms_per_page']:.0f} ms/page"]


def real_lines() -> list[str]:
    result = real_articles.figures()
    if result is None:
        return [f"real       skipped: no truth.jsonl (${real_articles.ENV}, default {real_articles.DEFAULT})"]
    lines = []
    for who in ("edunews", "trafilatura"):
        f = result[who]
        cells = []
        for name, label in (("title", "title"), ("day", "day"), ("author", "author"), ("first", "first"),
                            ("last", "last"), ("leaked", "leaked")):
            target, higher = real_articles.TARGETS[name]
            note = ""
            if who == "edunews":
                note = f" ({'>=' if higher else '<='}{target:.2f} {mark(f[name], target, higher)})"
            cells.append(f"{label} {f[name]:.2f}{note}")
        cells.append(f"no-author {f['no_author']:.2f} minute {f['minute']:.2f} cap-R {f['cap_recall']:.2f}")
        head = f"real       {result['pages']} pages " if who == "edunews" else "  trafilatura   "
        lines.append(head + "  ".join(cells))
    return lines


def eval_lines(versus: bool, limit: int | None) -> list[str]:
    result = trafilatura_eval.figures(versus=versus, limit=limit)
    if result is None:
        return [f"traf-eval  skipped: trafilatura's repository not found (${trafilatura_eval.ENV}, "
                f"default {trafilatura_eval.DEFAULT})"]
    e, whole = result["edunews"], result["edunews all"]
    theirs = result.get("trafilatura") or cached(f"trafilatura_eval-{limit or 'all'}", trafilatura_eval.ENV,
                                                 trafilatura_eval.DEFAULT, trafilatura_eval.EVALDATA)
    traf = f"{theirs['f1']:.3f}" if theirs else "-"
    return [f"traf-eval  {result['pages']} pages  F1 {e['f1']:.3f} (trafilatura {traf})  P {e['precision']:.3f}"
            f" R {e['recall']:.3f}  empty {e['empty']}  all fields F1 {whole['f1']:.3f}"
            f"  {e['ms_per_page']:.0f} ms/page"]


def _sites_function() -> Callable[..., dict[str, Any]] | None:
    if not (ROOT / "bench" / "randsites.py").is_file():
        return None
    try:
        module = importlib.import_module("bench.randsites")
    except Exception:  # someone else's script, maybe half written: say so rather than fail the summary
        return None
    function = getattr(module, "figures", None)
    return function if callable(function) else None


def sites_lines(quick: bool) -> list[str]:
    function = _sites_function()
    if function is None:
        return ["sites      skipped: bench/randsites.py or its figures() not there"]
    kwargs = {"quick": True} if quick and "quick" in inspect.signature(function).parameters else {}
    row = function(**kwargs)
    ours = {k: v for k, v in row.items() if not k.startswith("trafilatura_")}
    theirs = {k.removeprefix("trafilatura_"): v for k, v in row.items() if k.startswith("trafilatura_")}

    def cells(values: dict[str, Any]) -> str:
        return "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items())

    lines = [f"sites      {cells(ours)}"]
    if theirs:
        lines.append(f"  trafilatura   {cells(theirs)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versus", action="store_true", help="compute trafilatura's figures afresh (slower)")
    parser.add_argument("--eval-limit", type=int, default=200, help="traf-eval pages (default 200, 0 = all)")
    parser.add_argument("--sites", action="store_true", help="also bench/randsites.py's generated sites (slow)")
    parser.add_argument("--quick", action="store_true", help="with --sites: the smaller sites")
    options = parser.parse_args()
    start = time.perf_counter()
    parts: list[tuple[str, Callable[[], list[str]]]] = [
        ("aeb", lambda: aeb_lines(options.versus)),
        ("real", real_lines),
        ("traf-eval", lambda: eval_lines(options.versus, options.eval_limit or None)),
    ]
    if options.sites:
        parts.append(("sites", lambda: sites_lines(options.quick)))
    print("edunews on pages nobody here wrote (target and ok/BELOW in brackets)")
    for name, part in parts:
        began = time.perf_counter()
        try:
            lines = part()
        except Exception as exc:  # one broken corpus must not hide the others' lines
            lines = [f"{name:<10} failed: {type(exc).__name__}: {exc}"]
        lines[-1] += f"  [{time.perf_counter() - began:.0f} s]"
        for line in lines:
            print(line, flush=True)
    print(f"unseen: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
