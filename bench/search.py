"""Full-text search latency on a synthetic archive of 1M articles.

Builds an archive through the storage layer's schema and FTS triggers (storage/schema.py, storage/fts.py: the
triggers fold and index every inserted article), inserting articles with executemany, one transaction per batch.
Article text is Vietnamese drawn from the fixture corpus's vocabulary (fixture_tools/corpus.json): words picked
with their corpus frequencies, so common words are common and rare ones rare; titles of 8-16 words, summaries of
25-40, bodies of 300-600 words in paragraphs. Then times storage/search.py search() over a mix of single words,
two-word queries, queries without diacritics ('dao tao'), rare and common terms, and prints p50/p95/max, the
build time and the archive size. Target: p95 <= 50 ms. With --datasette, also times the search page analysts
open in Datasette (/DB/articles?_search=, the edunews plugin's results page) on the same 42 queries: target p95
<= 1 s.

When a trial build says full bodies would take longer than --budget minutes, bodies are shortened to fit and the
sizes used are printed.

    python -m bench.search [--articles 1000000] [--budget 15] [--db PATH] [--reuse] [--datasette]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from storage import Archive
from storage.fold import fold
from storage.fts import FTS_TABLE
from storage.search import match_expression, search

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixture_tools" / "corpus.json"
BATCH = 5000
SITES = ("gialai", "moet", "locninh", "nguyendu", "leloi", "binhdinh", "hoangdieu", "kontum")
_WORD = re.compile(r"[^\W\d_]+")
INSERT = (
    "INSERT INTO articles (url, site, title, summary, published_at, body_text, word_count, first_seen_at, "
    "last_seen_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def corpus_texts() -> list[str]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    texts = []
    for item in data["articles"]:
        texts += [item.get("title") or "", item.get("summary") or ""]
        for block in item.get("body") or []:
            texts.append(block.get("p") or "")
            texts += [str(cell) for row in block.get("table") or [] for cell in row]
            texts += block.get("list") or []
    return [unicodedata.normalize("NFC", t) for t in texts if t]


class Writer:
    """Vietnamese-looking text from the corpus's word frequencies (a seeded generator: the same every run)."""

    def __init__(self, seed: int = 8) -> None:
        words = Counter(w.lower() for text in corpus_texts() for w in _WORD.findall(text))
        self.vocabulary = sorted(words)
        self.weights = [words[w] for w in self.vocabulary]
        self.counts = words
        self.random = random.Random(seed)

    def words(self, count: int) -> list[str]:
        return self.random.choices(self.vocabulary, self.weights, k=count)

    def sentence(self, words: list[str]) -> str:
        return " ".join(words).capitalize() + "."

    def text(self, count: int) -> str:
        """`count` words in sentences of 8-24 words and paragraphs of 3-6 sentences (blank line between)."""
        words = self.words(count)
        paragraphs, current, start = [], [], 0
        while start < count:
            length = self.random.randint(8, 24)
            current.append(self.sentence(words[start : start + length]))
            start += length
            if len(current) >= self.random.randint(3, 6):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        return "\n\n".join(paragraphs)


def build(path: Path, articles: int, body_words: tuple[int, int], writer: Writer, report: bool = True) -> float:
    """Create the archive and insert the articles; seconds taken."""
    started = time.monotonic()
    with Archive(str(path)) as archive:
        conn: sqlite3.Connection = archive.db.conn
        now = "2025-07-01T00:00:00+00:00"
        done = 0
        while done < articles:
            rows = []
            for number in range(done, min(done + BATCH, articles)):
                body = writer.text(writer.random.randint(*body_words))
                day = f"{2010 + number % 16}-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
                site = SITES[number % len(SITES)]
                rows.append((f"https://{site}.example.edu.vn/tin-tuc/bai-{number}.html", site,
                             writer.sentence(writer.words(writer.random.randint(8, 16))),
                             writer.sentence(writer.words(writer.random.randint(25, 40))),
                             day, body, len(body.split()), now, now, now))
            conn.execute("BEGIN")
            conn.executemany(INSERT, rows)
            conn.execute("COMMIT")
            done += len(rows)
            if report and done % (BATCH * 20) == 0:
                print(f"  {done} articles, {time.monotonic() - started:.0f} s", flush=True)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.monotonic() - started


def queries(writer: Writer) -> list[tuple[str, str]]:
    """(kind, query): common and rare single words, two-word queries with and without diacritics."""
    by_count = sorted(writer.counts, key=lambda w: (-writer.counts[w], w))
    longer = [w for w in by_count if len(w) >= 3]
    rare = [w for w in by_count if writer.counts[w] == 1 and len(w) >= 4]
    mid = [w for w in longer if 5 <= writer.counts[w] <= 20]
    pick = random.Random(3)
    found = [("common word", w) for w in longer[:6]]
    found += [("mid word", w) for w in pick.sample(mid, 6)]
    found += [("rare word", w) for w in pick.sample(rare, 6)]
    pairs = ["đào tạo", "học sinh", "giáo viên", "năm học", "giáo dục", "tuyển sinh", "chuyển đổi số",
             "kỳ thi", "cơ sở vật chất", "khai giảng"]
    found += [("phrase", p) for p in pairs]
    found += [("no diacritics", fold(p)) for p in pairs]
    found += [("no diacritics", fold(w)) for w in pick.sample(mid, 4)]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--budget", type=float, default=15.0, help="minutes the build may take")
    parser.add_argument("--db", type=Path, help="keep the archive here (default: a temporary file)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--reuse", action="store_true", help="time the queries on the archive --db already holds")
    parser.add_argument("--datasette", action="store_true",
                        help="also time Datasette's own search page (articles?_search=) as `edunews serve` sets it up")
    options = parser.parse_args()
    writer = Writer()
    body_words = (300, 600)
    with tempfile.TemporaryDirectory() as tmp:
        if options.reuse and options.db and options.db.exists():
            return timed_queries(sqlite3.connect(options.db), writer, options, options.db)
        # Two trial builds, full and quarter-length bodies: the cost per article is partly per word (tokens
        # indexed twice, folded) and partly fixed (the triggers' statements), so a line through both predicts.
        trial = min(10_000, options.articles)
        full = build(Path(tmp) / "trial1.sqlite", trial, body_words, Writer(seed=1), report=False) / trial
        short = build(Path(tmp) / "trial2.sqlite", trial, (75, 150), Writer(seed=2), report=False) / trial
        per_word = max((full - short) / (450 - 112.5), 0.0)
        fixed = max(full - per_word * 450, 0.0)
        projected = full * options.articles
        print(f"trial: {trial} articles of 300-600 words at {full * 1000:.2f} ms each, of 75-150 words at "
              f"{short * 1000:.2f} ms; {options.articles} full-length would take about {projected / 60:.1f} min")
        if projected > options.budget * 60:
            words = (options.budget * 60 / options.articles - fixed) / per_word if per_word else 0
            mean = max(30, min(450, int(words)))
            body_words = (mean * 2 // 3, mean * 4 // 3)
            print(f"over the {options.budget:.0f} min budget: bodies of {body_words[0]}-{body_words[1]} words "
                  f"(about {(fixed + per_word * mean) * options.articles / 60:.1f} min)")
        path = options.db or Path(tmp) / "search.sqlite"
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        seconds = build(path, options.articles, body_words, writer)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        conn = sqlite3.connect(path)
        words = conn.execute("select sum(word_count), avg(word_count) from articles").fetchone()
        print(f"built {options.articles} articles (bodies {body_words[0]}-{body_words[1]} words, "
              f"{words[0]} words in all, {words[1]:.0f} a body) in {seconds / 60:.1f} min "
              f"({options.articles / seconds:.0f} articles/s); archive {size / 1e9:.2f} GB "
              f"({size / options.articles / 1024:.1f} KB an article)")
        return timed_queries(conn, writer, options, path)


def timed_queries(conn: sqlite3.Connection, writer: Writer, options: argparse.Namespace, path: Path) -> int:
    timings: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    newest: dict[str, float] = {}
    for kind, query in queries(writer):
        started = time.perf_counter()
        found = search(conn, query)  # the first run reads the pages in; the timed runs follow
        # A query slower than a second is timed once more, not `repeat` times.
        repeat = options.repeat if time.perf_counter() - started < 1 else 1
        for _ in range(repeat):
            started = time.perf_counter()
            found = search(conn, query)
            timings.setdefault(f"{kind}\t{query}", []).append((time.perf_counter() - started) * 1000)
        hits[f"{kind}\t{query}"] = len(found)
        # For comparison: the same match, newest 20 by rowid instead of all matches ranked by bm25.
        started = time.perf_counter()
        conn.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rowid DESC LIMIT 20",
                     [match_expression(query)]).fetchall()
        newest[f"{kind}\t{query}"] = (time.perf_counter() - started) * 1000
    conn.close()
    everything = sorted(t for runs in timings.values() for t in runs)
    print(f"{len(timings)} queries x {options.repeat} runs, ms: p50 {statistics.median(everything):.1f}  "
          f"p95 {everything[int(len(everything) * 0.95)]:.1f}  max {everything[-1]:.1f}  (target p95 <= 50)")
    print("  median ms of search(); beside it, the same match's newest 20 by rowid (no bm25 over all matches)")
    for key, runs in sorted(timings.items(), key=lambda kv: -statistics.median(kv[1])):
        kind, query = key.split("\t")
        print(f"  {statistics.median(runs):8.1f} ms  {newest[key]:7.1f} ms  {kind:14} {query!r} "
              f"({hits[key]} results)")
    ordered = sorted(newest.values())
    print(f"newest-20 by rowid, ms: p50 {statistics.median(ordered):.1f}  p95 {ordered[int(len(ordered) * 0.95)]:.1f}"
          f"  max {ordered[-1]:.1f}")
    if options.datasette:
        datasette_pages(path, [query for _, query in queries(writer)])
    return 0


def datasette_pages(path: Path, texts: list[str]) -> None:
    """Time the search page an analyst gets from Datasette's search box, /DB/articles?_search= (HTML, redirects
    followed), as `edunews serve` sets Datasette up: the edunews plugin's results page. Each query is opened once
    to read the pages in, then timed once. Target: p95 <= 1 s."""
    import asyncio
    from urllib.parse import quote

    from edunews.serve import make_datasette

    app = make_datasette(str(path))
    database = path.stem
    summary = re.compile(r'<p class="edunews-summary-line">\s*(.*?)\s*·', re.S)

    async def run() -> list[tuple[float, str, int, str]]:
        out = []
        for text in texts:
            url = f"/{database}/articles?_search={quote(text)}"
            await app.client.get(url, follow_redirects=True)  # pages read in
            started = time.perf_counter()
            response = await app.client.get(url, follow_redirects=True)
            ms = (time.perf_counter() - started) * 1000
            found = summary.search(response.text)
            count = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))) if found else "no results list"
            out.append((ms, text, response.status_code, count))
        return out

    pages = asyncio.run(run())
    ordered = sorted(ms for ms, *_ in pages)
    print(f"Datasette search page (articles?_search=), {len(pages)} queries, ms: p50 {statistics.median(ordered):.0f}"
          f"  p95 {ordered[int(len(ordered) * 0.95)]:.0f}  max {ordered[-1]:.0f}  (target p95 <= 1000; "
          f"statuses {sorted({status for _, _, status, _ in pages})})")
    for ms, text, _, count in sorted(pages, reverse=True)[:5]:
        print(f"  {ms:8.0f} ms  {text!r}: {count}")


if __name__ == "__main__":
    sys.exit(main())
