"""Duplicate marking: precision and recall, insert time at scale, memory and reparse throughput.

    python -m bench.dedup            # 10k, 100k and 1M archived articles (about 6 minutes)
    python -m bench.dedup --quick    # 10k and 100k only

1. Quality. Fixture-style articles (sentences of fixture_tools/corpus.json with their numbers, names and
   some words changed, so no two generated articles share text by accident) are stored with store_article in
   a shuffled order, together with copies of some of them under controlled edits: exact reposts, another
   header, a changed first sentence, an added 'Nguồn tin: …' line, a dropped or an added paragraph,
   'hoà'/'hòa' spellings, and 5-30 % of the words edited in runs (words replaced, deleted or inserted), and
   with hard negatives: monthly announcements written from one template with other dates and names, pairs
   quoting the same long decision passage about other things, two reports of the same event. Pairs in one
   marked group are compared with pairs in one true group.
2. Insert time: the median of store_article over 200 new 600-word articles with 10k, 100k and 1M articles
   already archived, and the near-duplicate part of it (signature, band rows, candidates, verification,
   grouping). To get there in minutes, the archived articles and their index rows are bulk-filled with
   executemany (search-index triggers off meanwhile, so those rows are not searchable); their signatures are
   random, except that a share of the bins take common values, so unrelated articles collide on bins as
   often as unrelated fixture articles do.
3. Peak memory (ru_maxrss) and reparse throughput over a crawl of the fixture sites with raw pages stored.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

from fixture_tools.build import load_corpus
from storage import Archive, fts, neardup

ROOT = Path(__file__).resolve().parent.parent

SITES = ["gialai", "locninh", "moet", "nguyendu", "leloi", "binhdinh", "hoangdieu", "thpt-a", "thcs-b"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang",
         "Đặng Minh Hải", "Bùi Thị Hoa", "Đỗ Quang Huy", "Ngô Thị Lan", "Dương Văn Long", "Lý Thị Mai"]
PLACES = ["Trường THCS Lộc Hưng", "Trường Tiểu học Lộc Thái A", "Hội trường UBND huyện", "Phòng họp số 2",
          "Trường THPT Nguyễn Du", "Trường Mầm non Hoa Sen", "Trung tâm GDNN-GDTX huyện", "Nhà văn hoá xã"]
HEADERS = ["Phòng GDĐT đăng lại bài viết để các đơn vị tham khảo.", "Tin từ Cổng thông tin điện tử Bộ GDĐT.",
           "Nhà trường trân trọng giới thiệu bài viết sau tới cán bộ, giáo viên và cha mẹ học sinh."]
SPELLINGS = {"hoá": "hóa", "hoà": "hòa", "thuỷ": "thủy", "uỷ": "ủy", "khoẻ": "khỏe", "hoạ": "họa", "quý": "quý"}
NUMBER = re.compile(r"\d+")


def corpus_sentences() -> tuple[list[str], list[str]]:
    sentences, words = [], []
    for article in load_corpus():
        for block in article.get("body") or []:
            texts = [block["p"]] if "p" in block else block.get("list", [])
            for text in texts:
                for sentence in re.split(r"(?<=[.;:!?])\s+", text):
                    if len(sentence.split()) >= 6:
                        sentences.append(sentence)
                        words.extend(sentence.split())
    return sentences, words


class Generator:
    """Fixture-style articles and their copies, from the corpus sentences, reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.sentences, self.vocab = corpus_sentences()

    def sentence(self) -> str:
        rnd = self.rnd
        words = rnd.choice(self.sentences).split()
        # Numbers, a name and a few words changed: the corpus has a few hundred sentences, the archive more.
        words = [NUMBER.sub(lambda _: str(rnd.randint(1, 99)), w) for w in words]
        for _ in range(max(1, len(words) // 6)):
            words[rnd.randrange(len(words))] = rnd.choice(self.vocab)
        if rnd.random() < 0.3:
            words.insert(rnd.randrange(len(words)), rnd.choice(NAMES))
        return " ".join(words)

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rnd.randint(2, 4)))

    def body(self, words: int) -> list[str]:
        paragraphs: list[str] = []
        while sum(len(p.split()) for p in paragraphs) < words:
            paragraphs.append(self.paragraph())
        return paragraphs

    # -- copies -----------------------------------------------------------------------------------

    def edit_words(self, paragraphs: list[str], share: float) -> list[str]:
        """About `share` of the words replaced, deleted or inserted, in runs of 1-6 words."""
        rnd = self.rnd
        split = [p.split() for p in paragraphs]
        total = sum(len(p) for p in split)
        budget = int(total * share)
        while budget > 0:
            para = rnd.choice([p for p in split if p])
            run = min(rnd.randint(1, 6), budget)
            at = rnd.randrange(len(para))
            kind = rnd.random()
            if kind < 0.5:
                para[at : at + run] = [rnd.choice(self.vocab) for _ in range(run)]
            elif kind < 0.75:
                del para[at : at + run]
            else:
                para[at:at] = [rnd.choice(self.vocab) for _ in range(run)]
            budget -= run
        return [" ".join(p) for p in split if p]

    def near_copy(self, paragraphs: list[str]) -> tuple[list[str], str]:
        rnd = self.rnd
        copy = list(paragraphs)
        kind = rnd.choice(["header", "first", "source", "drop", "add", "spelling", "words", "words", "words"])
        if kind == "header":
            copy.insert(0, rnd.choice(HEADERS))
        elif kind == "first":
            first = re.split(r"(?<=[.;:!?])\s+", copy[0], maxsplit=1)
            copy[0] = " ".join([self.sentence(), *first[1:]])
        elif kind == "source":
            copy.append(f"Nguồn tin: {rnd.choice(['Bộ GDĐT', 'Sở GDĐT Gia Lai', 'Báo Giáo dục và Thời đại'])}")
        elif kind == "drop" and len(copy) > 3:
            del copy[rnd.randrange(1, len(copy))]
        elif kind == "add":
            copy.insert(rnd.randrange(len(copy) + 1), self.paragraph())
        elif kind == "spelling":
            text = "\n".join(copy)
            for new, old in SPELLINGS.items():
                text = text.replace(new, old) if rnd.random() < 0.5 else text.replace(old, new)
            copy = text.split("\n")
            copy[0] = copy[0] + " " + self.sentence()
        share = rnd.choice([0.05, 0.10, 0.15, 0.20, 0.25, 0.30]) if kind == "words" else rnd.uniform(0.0, 0.05)
        return self.edit_words(copy, share), f"{kind}{share:.2f}"

    # -- hard negatives -------------------------------------------------------------------------------

    def template(self) -> dict[str, str]:
        """One office's template for its monthly schedules: its own standing sentences."""
        return {"office": self.rnd.choice(["Phòng GDĐT", "Sở GDĐT", "Nhà trường", "Văn phòng Sở"]),
                "standing": self.sentence(), "closing": self.sentence()}

    def monthly(self, month: int, year: int, template: dict[str, str]) -> list[str]:
        """A monthly work schedule from an office's template: other dates, names and items."""
        rnd = self.rnd
        # Two standing items recur every month; three are the month's own events.
        items = [
            f"Ngày {rnd.randint(1, 7)}/{month}: Họp giao ban hiệu trưởng các trường tại {rnd.choice(PLACES)} "
            f"(bắt đầu lúc {rnd.randint(7, 15)} giờ).",
            f"Ngày {rnd.randint(10, 20)}/{month}: Hạn cuối các trường nộp báo cáo "
            f"{rnd.choice(['thống kê', 'sơ kết', 'tổng kết', 'kiểm định'])} trên phần mềm cơ sở dữ liệu ngành.",
        ]
        for _ in range(3):
            items.append(f"Ngày {rnd.randint(1, 28)}/{month}: {self.sentence()}")
        return [
            f"Căn cứ kế hoạch năm học {year}-{year + 1} và chỉ đạo của UBND huyện, {template['office']} thông báo "
            f"lịch công tác trọng tâm tháng {month}/{year} như sau:",
            *items,
            "Lãnh đạo tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở, trừ các ngày trùng lịch họp của UBND "
            "huyện. " + template["standing"],
            template["closing"],
            f"Mọi thắc mắc liên hệ đồng chí {rnd.choice(NAMES)}, chuyên viên Văn phòng, số điện thoại "
            f"0271.3566.{rnd.randint(100, 999)}.",
        ]

    def quoting(self, quote: list[str]) -> list[str]:
        """An article of its own that quotes a long decision passage (about a third of its text)."""
        return [self.paragraph(), *quote, *self.body(len(" ".join(quote).split()) + 60)]

    def same_event(self, paragraphs: list[str]) -> list[str]:
        """Another report of the same event: a sentence or two in common, the rest its own."""
        shared = re.split(r"(?<=[.;:!?])\s+", paragraphs[0])[:2]
        return [" ".join(shared) + " " + self.sentence(), *self.body(sum(len(p.split()) for p in paragraphs) - 40)]


def article(url: str, site: str, paragraphs: list[str], published: str, title: str) -> dict:
    return {"url": url, "site": site, "title": title, "published_at": published, "body_text": "\n\n".join(paragraphs)}


def quality(seed: int, originals: int) -> None:
    gen = Generator(seed)
    rnd = gen.rnd
    docs: list[tuple[dict, int]] = []  # (article, true group)
    kinds: dict[int, str] = {}
    group = 0
    for n in range(originals):
        group += 1
        body = gen.body(rnd.randint(120, 600))
        month = rnd.randint(1, 11)
        day = f"2024-{month:02d}-{rnd.randint(1, 28):02d}"
        docs.append((article(f"https://o{n}.edu.vn/a", rnd.choice(SITES), body, day, f"Bài {n}"), group))
        if n % 2 == 0:  # half the originals are republished, some of them more than once
            for c in range(rnd.choice([1, 1, 2, 3])):
                if rnd.random() < 0.15:
                    copy, kind = list(body), "exact"
                else:
                    copy, kind = gen.near_copy(body)
                # Republished later: a month or more after the original.
                later = f"2024-{rnd.randint(month + 1, 12):02d}-{rnd.randint(1, 28):02d}"
                docs.append((article(f"https://c{n}-{c}.edu.vn/a", rnd.choice(SITES), copy, later, f"Tin {n}.{c}"),
                             group))
                kinds[len(docs) - 1] = kind
    negatives = 0
    kinds_of_group: dict[int, str] = {}
    for n in range(originals // 10):
        if n % 2 == 0:  # an office's eight monthly schedules, one template
            template = gen.template()
            for month in range(5, 13):
                group += 1
                negatives += 1
                kinds_of_group[group] = "monthly"
                docs.append((article(f"https://m{n}-{month}.edu.vn/a", "locninh", gen.monthly(month, 2023, template),
                                     f"2023-{month:02d}-01", f"Lịch công tác tháng {month}/2023"), group))
        quote = gen.body(90)
        for k in range(2):
            group += 1
            negatives += 1
            kinds_of_group[group] = "quote"
            docs.append((article(f"https://q{n}-{k}.edu.vn/a", rnd.choice(SITES), gen.quoting(quote),
                                 f"2024-02-{k + 10}", f"Triển khai quyết định {n}.{k}"), group))
        group += 1
        negatives += 1
        kinds_of_group[group] = kinds_of_group[group + 1] = "event"
        base = gen.body(300)
        docs.append((article(f"https://e{n}-0.edu.vn/a", "leloi", base, "2023-09-05", f"Khai giảng {n}"), group))
        group += 1
        docs.append((article(f"https://e{n}-1.edu.vn/a", "nguyendu", gen.same_event(base), "2023-09-05",
                             f"Lễ khai giảng {n}"), group))
    order = list(range(len(docs)))
    rnd.shuffle(order)
    with tempfile.TemporaryDirectory() as tmp:
        with Archive(Path(tmp) / "q.sqlite") as archive:
            ids = {}
            for index in order:
                ids[index] = archive.store_article(docs[index][0]).article_id
            marked = dict(archive.db.execute("SELECT id, coalesce(duplicate_of, id) FROM articles").fetchall())
    true_groups: dict[int, list[int]] = {}
    pred_groups: dict[int, list[int]] = {}
    for index, (_, g) in enumerate(docs):
        true_groups.setdefault(g, []).append(index)
        pred_groups.setdefault(marked[ids[index]], []).append(index)
    true_pairs = {p for members in true_groups.values() for p in combinations(sorted(members), 2)}
    pred_pairs = {p for members in pred_groups.values() for p in combinations(sorted(members), 2)}
    right = true_pairs & pred_pairs
    precision = len(right) / len(pred_pairs) if pred_pairs else 1.0
    recall = len(right) / len(true_pairs) if true_pairs else 1.0
    copies = len(kinds)
    print(f"quality: {len(docs)} articles ({originals} originals, {copies} copies, {negatives} hard negatives), "
          f"shingles {neardup.SHINGLE_WORDS} words, {neardup.BINS} bins, {neardup.BANDS}x{neardup.ROWS} bands, "
          f"threshold {neardup.THRESHOLD}")
    print(f"  pairs: true {len(true_pairs)}, marked {len(pred_pairs)}, right {len(right)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}")
    missed: dict[str, int] = {}
    for index, kind in kinds.items():
        bucket = kind if kind == "exact" else kind[:-4] if not kind.startswith("words") else kind
        original = next(i for i in true_groups[docs[index][1]] if i not in kinds)
        if marked[ids[index]] != marked[ids[original]]:
            missed[bucket] = missed.get(bucket, 0) + 1
    if missed:
        print("  copies not joined to their original, by edit:", dict(sorted(missed.items())))
    wrong: dict[str, int] = {}
    for a, b in pred_pairs - true_pairs:
        kind = "/".join(sorted({kinds_of_group.get(docs[i][1], "article") for i in (a, b)}))
        wrong[kind] = wrong.get(kind, 0) + 1
    print(f"  wrongly joined pairs, by kind: {dict(sorted(wrong.items())) or 0}")


# -- scale --------------------------------------------------------------------------------------------


def fake_signature(rnd: random.Random, common: list[list[int]]) -> bytes:
    values = []
    for b in range(neardup.BINS):
        # A third of the bins from a small pool of common values: unrelated articles then agree on about
        # 0.5 % of their bins, as unrelated fixture articles do.
        values.append(rnd.choice(common[b]) if rnd.random() < 0.33 else rnd.getrandbits(16))
    return neardup._SIG.pack(*values)


def bulk_fill(archive: Archive, size: int, rnd: random.Random, common: list[list[int]]) -> None:
    """Add rows until the archive holds `size` articles."""
    conn = archive.db.conn
    held, top = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM articles").fetchone()
    start, stop = top, top + size - held
    for name in fts.TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("PRAGMA cache_size = -400000")
    step = 100_000
    for low in range(start, stop, step):
        high = min(stop, low + step)
        sigs = [fake_signature(rnd, common) for _ in range(low, high)]
        with conn:
            conn.executemany(
                "INSERT INTO articles (id, url, site, title, published_at, body_text, content_hash, first_seen_at) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?, '2025-01-01T00:00:00+00:00')",
                ((i + 1, f"https://bulk.edu.vn/{i}", SITES[i % len(SITES)], f"Bài {i}", "2024-01-01", f"h{i}")
                 for i in range(low, high)),
            )
            conn.executemany("INSERT INTO near_signatures (article_id, signature) VALUES (?, ?)",
                             ((low + k + 1, s) for k, s in enumerate(sigs)))
            width = neardup._BAND.size
            for band in range(neardup.BANDS):
                rows = sorted(
                    (band, neardup.zlib.crc32(s[band * width : (band + 1) * width]), low + k + 1)
                    for k, s in enumerate(sigs)
                )
                conn.executemany("INSERT INTO near_bands (band, bucket, article_id) VALUES (?, ?, ?)", rows)
    for name, body in fts.TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER {name} {body}")


def time_inserts(archive: Archive, gen: Generator, tag: str, count: int = 200) -> tuple[float, float, float]:
    """Medians (ms) of store_article (wall clock, and this process's CPU time, which other programs on the
    machine do not disturb) and of its near-duplicate part (index_article + regroup)."""
    items = []
    for n in range(count + 20):
        words = " ".join(gen.body(600)).split()[:600]
        items.append(article(f"https://new.edu.vn/{tag}/{n}", "gialai", [" ".join(words)], "2025-02-01", f"Tin {n}"))
    # The bulk fill's write-ahead log written back and the kernel's dirty pages flushed first, and a few inserts
    # to warm the cache: what is timed is an insert into an archive at rest, not the writeback of the fill
    # (measured: it triples the commit time of the first hundreds of inserts after a 90k-row fill).
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()
    for warm in items[:20]:
        archive.store_article(warm)
    totals, cpu, near = [], [], []
    spent = [0.0]
    # New articles go through place(), which falls back to regroup() itself: timing place() counts both once.
    index_article, place = neardup.index_article, neardup.place

    def timed(function):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started
        return run

    neardup.index_article, neardup.place = timed(index_article), timed(place)
    try:
        for item in items[20:]:
            spent[0] = 0.0
            started, started_cpu = time.perf_counter(), time.process_time()
            archive.store_article(item)
            totals.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            near.append(spent[0])
    finally:
        neardup.index_article, neardup.place = index_article, place
    return statistics.median(totals) * 1000, statistics.median(cpu) * 1000, statistics.median(near) * 1000


def scale(sizes: list[int]) -> dict[int, tuple[float, float, float]]:
    rnd = random.Random(7)
    gen = Generator(11)
    common = [[rnd.getrandbits(16) for _ in range(20)] for _ in range(neardup.BINS)]
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Archive(Path(tmp) / "scale.sqlite") as archive:
            for size in sizes:
                started = time.perf_counter()
                bulk_fill(archive, size, rnd, common)
                fill = time.perf_counter() - started
                total, cpu, near = time_inserts(archive, gen, str(size))
                figures[size] = (total, cpu, near)
                db_mb = os.path.getsize(Path(tmp) / "scale.sqlite") / 1e6
                print(f"  {size:>9,} archived: store_article median {total:5.2f} ms (CPU {cpu:5.2f} ms), of which "
                      f"near-duplicate index and grouping {near:5.3f} ms  (bulk fill {fill:5.1f} s, {db_mb:,.0f} MB)")
    return figures


def reparse_throughput() -> None:
    from edunews.demo import sites_toml
    from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names
    from edunews.reparse import reparse

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sites"
        shutil.copytree(SITES_ROOT, root)
        with serve_sites(site_names(root), root=root) as served:
            sites = Path(tmp) / "sites.toml"
            sites.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
            db = Path(tmp) / "archive.sqlite"
            subprocess.run(
                [sys.executable, "-m", "edunews", "crawl", *site_names(root), "--sites", str(sites), "--db", str(db),
                 "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"],
                cwd=ROOT, capture_output=True, env={**os.environ, "EDUNEWS_PROGRESS": "0"}, check=False,
            )
            rounds, pages, started = 5, 0, time.perf_counter()
            for _ in range(rounds):
                pages += reparse(db, sites_files=[str(sites)]).pages
            elapsed = time.perf_counter() - started
            with sqlite3.connect(db) as con:
                dupes = con.execute("SELECT duplicate_kind, count(*) FROM duplicate_groups GROUP BY 1").fetchall()
        print(f"reparse: {pages} pages in {elapsed:.1f} s = {pages / elapsed:.0f} articles/s "
              f"(fixture sites, {rounds} runs); duplicate_groups by kind: {dict(dupes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k archived articles only")
    parser.add_argument("--originals", type=int, default=1000, help="originals in the quality corpus")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    quality(args.seed, args.originals)
    print(f"peak memory after quality: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("insert time (200 new 600-word articles per size):")
    figures = scale(sizes)
    largest = max(figures)
    ratios = [figures[largest][k] / figures[10_000][k] for k in range(3)]
    print(f"  ratio {largest:,} / 10,000: store_article {ratios[0]:.2f} (CPU {ratios[1]:.2f}), "
          f"near-duplicate part {ratios[2]:.2f}")
    print(f"peak memory (ru_maxrss, includes the bulk-fill buffers): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    reparse_throughput()


if __name__ == "__main__":
    main()
