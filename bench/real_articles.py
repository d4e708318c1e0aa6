"""edunews and trafilatura on real Vietnamese article pages with hand-made truth (school and department portals,
newspapers), kept outside the repository.

    python -m bench.real_articles              # figures of both, targets beside
    python -m bench.real_articles --show       # also every mismatch of edunews, page by page
    python -m bench.real_articles --path DIR   # the pages elsewhere (or EDUNEWS_REAL_ARTICLES=DIR)

The directory (default ../shared/real_articles next to the repository) holds the pages, SOURCES.tsv (each page's
original URL, given to both extractors) and truth.jsonl; without it the script says so in one line and exits 0.
The pages are never copied here. edunews runs as `edunews extract FILE --url URL` does (no profile, family
detection on); trafilatura as `bare_extraction(html, url=url, with_metadata=True)`.

Figures, each a share of the pages it applies to (n in brackets):
  title        NFC, whitespace-folded, exact
  day          the first 10 characters of the date, over pages whose truth shows a date
  minute       YYYY-MM-DDTHH:MM (the page's local time as shown), over pages whose truth shows a time
  author       exact (normalised) over pages whose truth names a person; `no author` is the share of pages whose
               truth has none (an account or an institution signs, or nobody) where the extractor gave none
  summary      exact (normalised) over pages whose truth has a lead styled apart (no target)
  first, last  body_first / body_last found: both texts NFC, casefolded, punctuation to spaces, split into words;
               found when the truth's words (allowing one word fewer at either end, where an extractor may cut a
               word differently) occur in a row within the first (last) 15 words of body_text, or right after a lead
               the body begins with (the truth's summary): a body that keeps its lead still begins at the right place
  captions     recall and precision of the truth's captions among the extractor's captions, normalised as for the
               body (a caption with its credit split off matches with the credit put back); trafilatura gives none
  leaked       share of pages whose body_text contains any of the truth's `boilerplate` strings (NFC,
               whitespace-folded, case kept), but for strings the truth's own title, lead, captions, first or last
               words contain
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from bench._pages import corpus_path, decode, edunews_record, norm, pool_map, timed, trafilatura_fields

ENV = "EDUNEWS_REAL_ARTICLES"
DEFAULT = "../shared/real_articles"
REGION = 15  # words: where the body's first (last) words must start (end)
# (figure, target, higher is better)
TARGETS = {"title": (0.95, True), "day": (0.95, True), "author": (0.90, True), "first": (0.95, True),
           "last": (0.95, True), "leaked": (0.02, False)}
COLUMNS = ("title", "day", "minute", "author", "no_author", "summary", "first", "last", "cap_recall",
           "cap_precision", "leaked")


def words(text: str | None) -> list[str]:
    """NFC, casefolded, punctuation to spaces, split."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return re.sub(r"[^\w]+", " ", text).split()


def _find(needle: list[str], hay: list[str]) -> list[int]:
    """Positions where needle occurs in hay."""
    n = len(needle)
    return [i for i in range(len(hay) - n + 1) if hay[i: i + n] == needle] if n else []


def _variants(needle: list[str]) -> list[list[str]]:
    """The words, then one fewer at either end (never under 4 words)."""
    out = [needle]
    if len(needle) > 4:
        out += [needle[1:], needle[:-1]]
    return out


def first_found(body: str, first: str, summary: str | None) -> bool:
    hay = words(body)
    starts = {0}
    lead = words(summary)
    if lead and hay[: len(lead)] == lead:
        starts.add(len(lead))
    for needle in _variants(words(first)):
        for position in _find(needle, hay):
            if any(start <= position <= start + REGION + 1 for start in starts):
                return True
    return False


def last_found(body: str, last: str) -> bool:
    hay = words(body)
    for needle in _variants(words(last)):
        for position in _find(needle, hay):
            if len(hay) - (position + len(needle)) <= REGION:
                return True
    return False


def leaks(body: str, truth: dict[str, Any]) -> list[str]:
    """The truth's boilerplate strings in the body, but for those its own article text contains (a lead that
    names 'Ban Giám đốc' does not make the menu entry 'Ban Giám đốc' a leak)."""
    text = norm(body)
    article = norm(" ".join([truth.get("title") or "", truth.get("summary") or "", *(truth.get("captions") or []),
                             truth.get("body_first") or "", truth.get("body_last") or ""]))
    return [b for b in truth.get("boilerplate") or [] if norm(b) and norm(b) in text and norm(b) not in article]


def _run(job: tuple[str, str, bytes]) -> dict[str, Any]:
    name, url, data = job
    html = decode(data)
    record, ms = timed(edunews_record, html, url)
    captions = []
    for image in record.get("images") or []:
        if image.get("caption"):
            caption = image["caption"]
            captions.append((caption, f"{caption} {image['credit']}" if image.get("credit") else caption))
    edunews = {"title": record.get("title"), "published": record.get("published_at"), "author": record.get("author"),
               "summary": record.get("summary"), "body": record.get("body_text") or "", "captions": captions,
               "ms": ms, "error": record.get("error"), "family": record.get("family")}
    fields, traf_ms = timed(trafilatura_fields, html, url)
    trafilatura = {"title": fields.get("title"), "published": fields.get("date"), "author": fields.get("author"),
                   "summary": None, "body": fields.get("text") or "", "captions": [], "ms": traf_ms}
    return {"file": name, "url": url, "edunews": edunews, "trafilatura": trafilatura}


class Tally:
    """Hits and counts per figure, and each page's mismatches."""

    def __init__(self) -> None:
        self.hits: dict[str, float] = dict.fromkeys(COLUMNS, 0)
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.captions = [0, 0, 0]  # expected, given, right
        self.mismatches: list[tuple[str, str]] = []

    def check(self, name: str, ok: bool, page: str, detail: str) -> None:
        self.counts[name] += 1
        self.hits[name] += ok
        if not ok:
            self.mismatches.append((page, f"{name}: {detail}"))

    def add(self, truth: dict[str, Any], got: dict[str, Any]) -> None:
        page = truth["file"]
        self.check("title", norm(got["title"]) == norm(truth["title"]), page,
                   f"{norm(got['title'])!r} != {norm(truth['title'])!r}")
        shown, published = truth.get("published"), got["published"] or ""
        if shown:
            self.check("day", published[:10] == shown[:10], page, f"{published or None!r} != {shown!r}")
            if "T" in shown:
                self.check("minute", published[:16] == shown[:16], page, f"{published or None!r} != {shown!r}")
        elif published:
            self.mismatches.append((page, f"date: {published!r}, the page shows none (not scored)"))
        if truth.get("author"):
            self.check("author", norm(got["author"]) == norm(truth["author"]), page,
                       f"{norm(got['author']) or None!r} != {truth['author']!r}")
        else:
            self.check("no_author", not norm(got["author"]), page, f"{norm(got['author'])!r}, the truth has none")
        if truth.get("summary"):
            self.check("summary", norm(got["summary"]) == norm(truth["summary"]), page,
                       f"{norm(got['summary'])[:70] or None!r} != {norm(truth['summary'])[:70]!r}")
        body = got["body"]
        self.check("first", first_found(body, truth["body_first"], truth.get("summary")), page,
                   f"body starts {norm(body)[:90]!r}, truth {truth['body_first']!r}")
        self.check("last", last_found(body, truth["body_last"]), page,
                   f"body ends {norm(body)[-90:]!r}, truth {truth['body_last']!r}")
        if truth.get("summary") and words(body)[: len(words(truth["summary"]))] == words(truth["summary"]):
            self.mismatches.append((page, "lead kept at the start of the body (scored as found for first)"))
        leaked = leaks(body, truth)
        self.check("leaked", not leaked, page, f"furniture in the body: {leaked}")
        expected = [words(c) for c in truth.get("captions") or []]
        given = [(words(c), words(full)) for c, full in got["captions"]]
        right = sum(1 for e in expected if any(e in pair for pair in given))
        self.captions[0] += len(expected)
        self.captions[1] += len(given)
        self.captions[2] += sum(1 for pair in given if any(e in pair for e in expected))
        if right < len(expected):
            self.mismatches.append((page, f"captions: {right} of {len(expected)} found, {len(given)} given"))

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in COLUMNS:
            if name in ("cap_recall", "cap_precision"):
                continue
            share = self.hits[name] / self.counts[name] if self.counts[name] else 1.0
            # leaked counts pages without a leak: report the share with one
            out[name] = 1 - share if name == "leaked" else share
            out[f"{name}_n"] = self.counts[name]
        expected, given, right = self.captions
        out["cap_recall"] = right / expected if expected else 1.0
        out["cap_precision"] = (right / given if given else 0.0) if expected else (1.0 if not given else 0.0)
        return out


def run(path: Path, workers: int = 2) -> tuple[dict[str, Any], dict[str, Tally]] | None:
    """(figures, tallies), or None when the pages are not there."""
    truth_file = path / "truth.jsonl"
    if not truth_file.is_file():
        return None
    truths = [json.loads(line) for line in truth_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    urls: dict[str, str] = {}
    sources = path / "SOURCES.tsv"
    if sources.is_file():
        with sources.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                urls[row["file"]] = row["original_url"].split(" ")[0]
    start = time.perf_counter()
    jobs = [(t["file"], urls.get(t["file"]) or f"http://localhost/{t['file']}", (path / t["file"]).read_bytes())
            for t in truths if (path / t["file"]).is_file()]
    results = {r["file"]: r for r in pool_map(_run, jobs, min(workers, len(jobs)))}
    tallies = {"edunews": Tally(), "trafilatura": Tally()}
    for truth in truths:
        if truth["file"] not in results:
            continue
        for who, tally in tallies.items():
            tally.add(truth, results[truth["file"]][who])
    figures: dict[str, Any] = {"pages": len(results), "seconds": time.perf_counter() - start}
    for who, tally in tallies.items():
        figures[who] = tally.row()
        figures[who]["ms_per_page"] = (sum(r[who]["ms"] for r in results.values()) / len(results)) if results else 0.0
    figures["edunews"]["errors"] = sum(1 for r in results.values() if r["edunews"]["error"])
    figures["families"] = {r["file"]: r["edunews"]["family"] for r in results.values()}
    return figures, tallies


def figures(path: str | Path | None = None, workers: int = 2) -> dict[str, Any] | None:
    """{"pages", "seconds", "edunews": {title, day, minute, author, no_author, summary, first, last, cap_recall,
    cap_precision, leaked (a share of pages), <name>_n, ms_per_page, errors}, "trafilatura": {...}, "families"};
    None when the pages are not there."""
    done = run(corpus_path(str(path) if path else None, ENV, DEFAULT), workers)
    return done[0] if done else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", help=f"the pages' directory (default ${ENV}, else {DEFAULT})")
    parser.add_argument("--show", action="store_true", help="print each page's mismatches (edunews)")
    parser.add_argument("--show-trafilatura", action="store_true", help="and trafilatura's")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    options = parser.parse_args()
    path = corpus_path(options.path, ENV, DEFAULT)
    done = run(path, options.workers)
    if done is None:
        print(f"real_articles: no truth.jsonl in {path} (set {ENV} or --path); skipped")
        return
    result, tallies = done
    print(f"real articles: {result['pages']} pages, {result['seconds']:.1f} s")
    e = result["edunews"]
    print(f"{'':<12}" + "".join(f"{c[:9]:>10}" for c in COLUMNS) + f"{'ms/page':>9}")
    print(f"{'(n)':<12}" + "".join(f"{e.get(c + '_n', ''):>10}" for c in COLUMNS))
    for who in ("edunews", "trafilatura"):
        f = result[who]
        print(f"{who:<12}" + "".join(f"{f[c]:>10.2f}" for c in COLUMNS) + f"{f['ms_per_page']:>9.1f}")
    print(f"{'target':<12}" + "".join(
        f"{('>=' if TARGETS[c][1] else '<=') + format(TARGETS[c][0], '.2f') if c in TARGETS else '':>10}"
        for c in COLUMNS))
    if e["errors"]:
        print(f"edunews raised on {e['errors']} pages (scored as empty)")
    for who in ("edunews", "trafilatura") if options.show_trafilatura else ("edunews",) if options.show else ():
        print(f"\n{who} mismatches")
        for page, mismatch in tallies[who].mismatches:
            family = f" [{result['families'].get(page)}]" if who == "edunews" else ""
            print(f"{page}{family}  {mismatch}")


if __name__ == "__main__":
    main()
