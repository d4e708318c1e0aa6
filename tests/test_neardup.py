"""Near duplicates: word folding, signatures, the index in the archive, grouping rules, migration, end to end."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from edunews.demo import sites_toml
from edunews.fixtures.server import serve_sites, site_names
from fixture_tools.build import load_corpus, make_articles
from fixture_tools.families.base import body_text
from storage import Archive, neardup
from storage.dedup import SHORT_BODY_WORDS

ROOT = Path(__file__).resolve().parent.parent

# Fixture pairs (fixture_tools/corpus.json): edited reposts and the hard negatives they must be told from.
NEAR_REPOSTS = {
    "locninh-dang-lai-phong-chong-duoi-nuoc-2023": "moet-phong-chong-duoi-nuoc-he-2023",
    "leloi-dang-lai-dang-ky-xet-tuyen-2023": "moet-dang-ky-xet-tuyen-dai-hoc-2023",
    "locninh-dang-lai-tuyen-duong-nha-giao-2024": "moet-tuyen-duong-nha-giao-tieu-bieu-2024",
}
HARD_NEGATIVES = [
    ("locninh-lich-cong-tac-thang-10-2023", "locninh-lich-cong-tac-thang-11-2023"),
    ("locninh-lich-cong-tac-thang-10-2023", "locninh-lich-cong-tac-thang-12-2023"),
    ("locninh-lich-cong-tac-thang-11-2023", "locninh-lich-cong-tac-thang-12-2023"),
    ("moet-ke-hoach-chuyen-doi-so-2024", "hoangdieu-chuyen-de-hoc-lieu-so-2024"),
    ("nguyendu-khai-giang-2023", "leloi-khai-giang-2023"),
    (
        "hoangdieu-hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2023-2024",
        "hoangdieu-hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2024-2025",
    ),
]


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    """Each fixture article as the archive would get it (reposts carrying their own or the original's text)."""
    out = {}
    for articles in make_articles(load_corpus()).values():
        for art in articles:
            out[art.key] = {
                "url": f"https://{art.site}.example/{art.key}",
                "site": art.site,
                "title": art.title,
                "published_at": art.published.isoformat(),
                "body_text": "\n\n".join(body_text(art.blocks)),
            }
    return out


def text(seed: int, words: int = 200) -> str:
    """A body of its own: sentences of the fixture corpus, picked by a seed (the same seed, the same text)."""
    sentences = [
        block["p"] for item in load_corpus() for block in item.get("body") or [] if "p" in block
    ]
    picked, count, step = [], 0, 7 + seed % 5
    index = seed * 13
    while count < words:
        sentence = sentences[index % len(sentences)]
        picked.append(sentence)
        count += len(sentence.split())
        index += step
    return " ".join(picked)


def item(url: str, body: str, published: str | None, site: str = "gialai-demo", title: str = "Tin") -> dict:
    return {"url": url, "site": site, "title": title, "published_at": published, "body_text": body}


def pointers(archive: Archive) -> dict[str, str | None]:
    """url -> url of its original (None for originals)."""
    rows = archive.db.execute(
        "SELECT a.url, o.url FROM articles AS a LEFT JOIN articles AS o ON o.id = a.duplicate_of"
    ).fetchall()
    return dict(rows)


# -- Words, shingles, signatures ----------------------------------------------------------------------


def test_words_are_nfc_lower_case_with_one_tone_placement():
    assert neardup.words("Hòa bình, THỦY lợi!") == ["hoà", "bình", "thuỷ", "lợi"]
    assert neardup.words(unicodedata.normalize("NFD", "Hoà Bình")) == ["hoà", "bình"]
    assert neardup.words("khoẻ khỏe hoè hòe") == ["khoẻ", "khoẻ", "hoè", "hoè"]
    # Other tones are other words: only the placement is folded.
    assert neardup.words("hoa hoà hoá hoả hoạ") == ["hoa", "hoà", "hoá", "hoả", "hoạ"]
    assert neardup.shingles(["a", "b", "c", "d"]) == {"a b c", "b c d"}


def test_signature_ignores_spelling_variants_and_normal_form():
    body = text(1)
    assert "hóa" in body or "hoá" in body or "hòa" in body or "hoà" in body
    old_style = body.replace("hoá", "hóa").replace("hoà", "hòa").replace("uỷ", "ủy")
    new_style = body.replace("hóa", "hoá").replace("hòa", "hoà").replace("ủy", "uỷ")
    assert old_style != new_style
    sig = neardup.signature(new_style)
    assert sig is not None and len(sig) == neardup.BINS * 2
    assert neardup.signature(old_style) == sig
    assert neardup.signature(unicodedata.normalize("NFD", old_style)) == sig
    assert neardup.similarity(sig, sig) == 1.0


def test_signature_is_the_same_in_another_process():
    body = text(2)
    code = "import sys; from storage import neardup; sys.stdout.write(neardup.signature(sys.stdin.read()).hex())"
    other = subprocess.run(
        [sys.executable, "-c", code], input=body, capture_output=True, text=True, cwd=ROOT, check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    ).stdout
    assert bytes.fromhex(other) == neardup.signature(body)


def test_short_bodies_get_no_signature():
    short = " ".join(["Chi tiết xem tại file đính kèm."] * ((SHORT_BODY_WORDS - 1) // 6))
    assert len(neardup.words(short)) < SHORT_BODY_WORDS
    assert neardup.signature(short) is None
    assert neardup.signature(None) is None


def test_fixture_near_reposts_pass_the_threshold_and_hard_negatives_do_not(corpus):
    def sim(a: str, b: str) -> float:
        return neardup.similarity(
            neardup.signature(corpus[a]["body_text"]), neardup.signature(corpus[b]["body_text"])
        )

    for copy, original in NEAR_REPOSTS.items():
        assert corpus[copy]["body_text"] != corpus[original]["body_text"]
        assert sim(copy, original) >= neardup.THRESHOLD, copy
    for a, b in HARD_NEGATIVES:
        assert sim(a, b) < neardup.THRESHOLD, (a, b)


# -- The index in the archive -------------------------------------------------------------------------


def test_near_and_exact_copies_form_one_group(tmp_path, corpus):
    original = corpus["moet-tuyen-duong-nha-giao-tieu-bieu-2024"]
    near = corpus["locninh-dang-lai-tuyen-duong-nha-giao-2024"]
    exact = corpus["leloi-dang-lai-tuyen-duong-nha-giao-2024"]
    with Archive(tmp_path / "a.sqlite") as archive:
        first = archive.store_article(original)
        assert first.status == "new" and first.duplicate_of is None
        copy = archive.store_article(near)
        assert copy.status == "duplicate" and copy.duplicate_of == first.article_id
        same = archive.store_article(exact)
        assert same.status == "duplicate" and same.duplicate_of == first.article_id
        rows = archive.db.execute(
            "SELECT original_id, copy_id, copy_site, copy_published_at, duplicate_kind FROM duplicate_groups"
        ).fetchall()
        assert sorted(rows) == sorted([
            (first.article_id, copy.article_id, "locninh-demo", near["published_at"], "near"),
            (first.article_id, same.article_id, "leloi-demo", exact["published_at"], "exact"),
        ])
        bands = archive.db.execute("SELECT count(*) FROM near_bands").fetchone()[0]
        assert bands == 3 * neardup.BANDS


def test_hard_negatives_and_other_articles_stay_apart(tmp_path, corpus):
    keys = sorted({key for pair in HARD_NEGATIVES for key in pair})
    with Archive(tmp_path / "a.sqlite") as archive:
        results = [archive.store_article(corpus[key]) for key in keys]
        assert [r.status for r in results] == ["new"] * len(keys)
        assert archive.db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone() == (0,)


def test_short_notices_are_not_near_matched_on_their_body(tmp_path):
    body = "Phòng GDĐT thông báo đến các đơn vị trường học trên địa bàn huyện. Chi tiết xem tại file đính kèm."
    assert len(body.split()) < SHORT_BODY_WORDS
    with Archive(tmp_path / "a.sqlite") as archive:
        a = archive.store_article(item("https://a.example/1", body, "2024-01-02", title="Lịch thi học kỳ I"))
        b = archive.store_article(item("https://b.example/1", body + " Trân trọng.", "2024-01-03",
                                       site="locninh-demo", title="Lịch thi học kỳ I"))
        c = archive.store_article(item("https://c.example/1", body, "2024-01-04", site="leloi-demo",
                                       title="Kế hoạch tuyển sinh lớp 6"))
        assert b.duplicate_of is None and c.duplicate_of is None
        # The same short notice under the same title is still an exact copy.
        d = archive.store_article(item("https://d.example/1", body, "2024-01-05", site="moet-demo",
                                       title="Lịch thi học kỳ I"))
        assert d.duplicate_of == a.article_id
        assert archive.db.execute("SELECT count(*) FROM near_signatures WHERE signature IS NULL").fetchone() == (4,)


def family() -> list[dict]:
    """An original, two edited copies and an exact copy of one of them, with their publication dates."""
    base = text(3, 260)
    sentences = base.split(". ")
    edited = ". ".join(["Thực hiện chỉ đạo của Sở GDĐT, nhà trường đăng lại bài viết sau", *sentences[1:]])
    trimmed = ". ".join(sentences[:-1]) + ". Nguồn tin: Bộ Giáo dục và Đào tạo"
    return [
        item("https://moet.example/goc", base, "2024-03-01T08:00:00+07:00", site="moet-demo"),
        item("https://locninh.example/lai", edited, "2024-03-02", site="locninh-demo"),
        item("https://leloi.example/lai", trimmed, "2024-03-04", site="leloi-demo"),
        item("https://nguyendu.example/lai", edited, None, site="nguyendu-demo"),
    ]


def test_arrival_order_does_not_matter(tmp_path):
    articles = family()
    outcomes = set()
    for n, order in enumerate(itertools.permutations(articles)):
        with Archive(tmp_path / f"{n}.sqlite") as archive:
            for article in order:
                archive.store_article(article)
            outcomes.add(tuple(sorted(pointers(archive).items(), key=lambda kv: kv[0])))
    assert len(outcomes) == 1
    (outcome,) = outcomes
    # The earliest-published is the original; every copy points at it (the undated one too), never a chain.
    assert dict(outcome) == {
        "https://moet.example/goc": None,
        "https://locninh.example/lai": "https://moet.example/goc",
        "https://leloi.example/lai": "https://moet.example/goc",
        "https://nguyendu.example/lai": "https://moet.example/goc",
    }


def snapshot(archive: Archive) -> list:
    db = archive.db
    return [
        db.execute("SELECT id, duplicate_of, content_hash FROM articles ORDER BY id").fetchall(),
        db.execute("SELECT * FROM near_signatures ORDER BY article_id").fetchall(),
        db.execute("SELECT * FROM near_bands ORDER BY band, bucket, article_id").fetchall(),
    ]


def test_storing_twice_changes_nothing(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        first = [archive.store_article(a) for a in family()]
        before = snapshot(archive)
        again = [archive.store_article(a) for a in family()]
        assert snapshot(archive) == before
    assert [r.status for r in first] == ["new", "duplicate", "duplicate", "duplicate"]
    assert [r.status for r in again] == ["unchanged", "duplicate", "duplicate", "duplicate"]


def test_a_text_change_makes_and_breaks_a_near_match(tmp_path):
    original, copy, other, _ = family()
    unrelated = item(copy["url"], text(40, 260), copy["published_at"], site=copy["site"])
    with Archive(tmp_path / "a.sqlite") as archive:
        a = archive.store_article(original)
        b = archive.store_article(unrelated)
        assert b.duplicate_of is None
        # The page was edited into a copy of the original: it joins the group.
        assert archive.store_article(copy) == type(b)("duplicate", b.article_id, a.article_id)
        c = archive.store_article(other)
        assert c.duplicate_of == a.article_id
        # And back: it leaves the group, which keeps its other copy.
        assert archive.store_article(unrelated).duplicate_of is None
        assert pointers(archive)[other["url"]] == original["url"]
        # The original itself rewritten: its copies are released (each now stands alone or with its own copies).
        archive.store_article({**original, "body_text": text(77, 260)})
        assert set(pointers(archive).values()) == {None}


def test_an_earlier_copy_arriving_later_becomes_the_original(tmp_path):
    original, copy, other, _ = family()
    with Archive(tmp_path / "a.sqlite") as archive:
        b = archive.store_article(copy)
        c = archive.store_article(other)
        assert b.duplicate_of is None and c.duplicate_of == b.article_id
        a = archive.store_article(original)
        assert a.duplicate_of is None
        assert pointers(archive) == {original["url"]: None, copy["url"]: original["url"], other["url"]: original["url"]}


def test_an_archive_without_the_index_gains_it_on_open(tmp_path, corpus):
    path = tmp_path / "old.sqlite"
    keys = ["moet-dang-ky-xet-tuyen-dai-hoc-2023", "leloi-dang-lai-dang-ky-xet-tuyen-2023",
            "locninh-lich-cong-tac-thang-10-2023", "locninh-lich-cong-tac-thang-11-2023"]
    with Archive(path) as archive:
        ids = [archive.store_article(corpus[key]).article_id for key in keys]
    # As an archive of the previous schema version: no index tables, only exact copies marked.
    con = sqlite3.connect(path)
    con.executescript(
        "DROP TABLE near_bands; DROP TABLE near_signatures; UPDATE articles SET duplicate_of = NULL; "
        "PRAGMA user_version = 1;"
    )
    con.close()
    with Archive(path) as archive:
        db = archive.db
        assert db.execute("SELECT count(*) FROM near_signatures").fetchone() == (4,)
        assert db.execute("SELECT count(*) FROM near_bands").fetchone() == (4 * neardup.BANDS,)
        marked = dict(db.execute("SELECT id, duplicate_of FROM articles").fetchall())
        assert marked == {ids[0]: None, ids[1]: ids[0], ids[2]: None, ids[3]: None}
        assert "duplicate_kind" in {c.name for c in db["duplicate_groups"].columns}
    # Backfilling in small batches gives the same.
    con = sqlite3.connect(path)
    con.executescript("DELETE FROM near_bands; DELETE FROM near_signatures; UPDATE articles SET duplicate_of = NULL;")
    assert neardup.backfill(con, batch=1) == 4
    assert dict(con.execute("SELECT id, duplicate_of FROM articles").fetchall()) == marked
    con.close()


# -- End to end: the fixture sites crawled, then reparsed -----------------------------------------------


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "EDUNEWS_PROGRESS": "0"},
    )


def test_crawl_marks_the_near_reposts_and_reparse_keeps_them(tmp_path):
    with serve_sites() as served:
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_toml(dict(served)), encoding="utf-8")
        db = tmp_path / "archive.sqlite"
        run = edunews("crawl", *site_names(), "--sites", str(sites), "--db", str(db),
                      "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0")
        assert run.returncode in (0, 1), run.stderr[-2000:]
    con = sqlite3.connect(db)
    groups = con.execute(
        "SELECT g.original_title, g.copy_site, g.duplicate_kind FROM duplicate_groups AS g"
    ).fetchall()
    corpus = {a["key"]: a for a in load_corpus()}
    near = {(corpus[original]["title"], corpus[copy]["site"])
            for copy, original in NEAR_REPOSTS.items()}
    assert {(title, site) for title, site, kind in groups if kind == "near"} == near
    assert sum(1 for *_, kind in groups if kind == "exact") == 4
    before = con.execute("SELECT id, duplicate_of FROM articles ORDER BY id").fetchall()
    con.close()
    again = edunews("reparse", "--db", str(db), "--sites", str(sites))
    assert again.returncode == 0, again.stderr[-2000:]
    con = sqlite3.connect(db)
    assert con.execute("SELECT id, duplicate_of FROM articles ORDER BY id").fetchall() == before
    con.close()


def test_one_by_one_grouping_agrees_with_the_whole_group_worked_out(tmp_path):
    # Stores articles one at a time in shuffled order (each regrouped from its own copies), then works every
    # group out from scratch: nothing may change.
    import random

    vocabulary = ("giáo dục đào tạo học sinh trường tỉnh năm học hội nghị tổng kết triển khai nhiệm vụ chất lượng "
                  "dạy và học giáo viên").split()
    copies = 0
    for trial in range(6):
        rnd = random.Random(trial)
        bases = [[rnd.choice(vocabulary) for _ in range(80)] for _ in range(3)]
        articles = []
        for i in range(30):
            body = list(bases[i % 3])
            for _ in range(rnd.randint(0, 4)):
                body[rnd.randrange(len(body))] = rnd.choice(vocabulary) + str(rnd.randint(0, 9))
            day = f"2024-0{rnd.randint(1, 9)}-{rnd.randint(10, 28)}"
            articles.append({"url": f"http://127.0.0.1/{trial}/{i}", "site": "s", "title": f"Bài {i}",
                             "body_text": " ".join(body), "published_at": day})
        rnd.shuffle(articles)
        with Archive(tmp_path / f"{trial}.sqlite") as archive:
            for item in articles:
                archive.store_article(item)
            conn = archive.db.conn
            before = dict(conn.execute("SELECT id, duplicate_of FROM articles"))
            conn.execute("BEGIN")
            neardup.regroup(conn, list(before))  # several seeds: the whole groups
            after = dict(conn.execute("SELECT id, duplicate_of FROM articles"))
            conn.execute("ROLLBACK")
        assert before == after, trial
        copies += sum(value is not None for value in before.values())
    assert copies > 30  # the check is about groups, so there must be some
