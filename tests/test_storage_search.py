"""Diacritic folding, full-text search, and the invariant that keeps the contentless index right."""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata

import pytest

from storage import Archive, fold, search
from storage.fold import FOLD_MAP, MAX_NESTING, fold_steps
from storage.search import match_expression

BASE = "http://127.0.0.1:8808"


def article(
    n: int,
    title: str,
    body: str = "",
    summary: str | None = None,
    captions=(),
    site: str = "gialai",
    published_at: str | None = "2024-03-01",
):
    url = f"{BASE}/tin/{n}"
    return {
        "url": url,
        "urls": [url],
        "site": site,
        "title": title,
        "summary": summary,
        "body_text": body or None,
        "published_at": published_at,
        "images": [
            {"src": f"{BASE}/anh/{n}-{i}.jpg", "caption": c} for i, c in enumerate(captions)
        ],
    }


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.sqlite") as opened:
        yield opened


def ids(results) -> list[int]:
    return [r["id"] for r in results]


# Fold ------------------------------------------------------------------------------------------

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng


def _vietnamese_letters() -> dict[str, str]:
    """Every accented Vietnamese letter -> bare letter, built from Unicode decomposition."""
    expected = {}
    for vowel in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            bare = "".join(
                c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c)
            )
            if letter != bare:
                expected[letter] = bare
                expected[letter.upper()] = bare.upper()
    expected["đ"], expected["Đ"] = "d", "D"
    return expected


def test_fold_map_is_exactly_the_vietnamese_letters():
    assert FOLD_MAP == _vietnamese_letters()
    assert len(FOLD_MAP) == 134


def test_fold_in_python():
    assert fold("Đào tạo ĐẢNG BỘ Ứng dụng, năm 2024!") == "Dao tao DANG BO Ung dung, nam 2024!"
    nfd = unicodedata.normalize("NFD", "Trường THPT Lê Quý Đôn")
    assert fold(nfd) == "Truong THPT Le Quy Don"
    assert fold("plain ASCII: a-z 0-9") == "plain ASCII: a-z 0-9"


def test_fold_steps_cover_the_map_in_small_parts():
    steps = fold_steps()
    assert all(len(step) <= MAX_NESTING for step in steps)
    merged = {k: v for step in steps for k, v in step.items()}
    assert merged == FOLD_MAP


def test_sql_fold_equals_python_fold(archive):
    rng = random.Random(7)
    alphabet = list(FOLD_MAP) + list("abcdđxyzABCDXYZ0189 ,.-–“”")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400))) for _ in range(25)]
    for n, text in enumerate(texts):
        archive.store_article(
            article(n, title=text, body=text[::-1], summary=text[:50], captions=[text[:30]])
        )
    for row in archive.db.query(
        "SELECT a.title, a.summary, a.body_text, f.title_f, f.summary_f, "
        "f.body_text_f FROM articles a JOIN articles_fts_fold f USING (id)"
    ):
        assert row["title_f"] == fold(row["title"])
        assert row["summary_f"] == fold(row["summary"])
        assert row["body_text_f"] == fold(row["body_text"])
    for row in archive.db.query("SELECT caption, caption_f FROM images_fts_fold"):
        assert row["caption_f"] == fold(row["caption"])


# Search ----------------------------------------------------------------------------------------


def test_unaccented_query_finds_accented_words_in_title_body_and_caption(archive):
    in_title = archive.store_article(article(1, "Kế hoạch đào tạo giáo viên năm 2024")).article_id
    in_body = archive.store_article(
        article(2, "Hội nghị cán bộ", body="Sở tổ chức lớp ĐÀO TẠO kỹ năng số.")
    ).article_id
    in_caption = archive.store_article(
        article(3, "Tin ảnh", body="Quang cảnh buổi lễ.", captions=["Lớp đào tạo tại Pleiku"])
    ).article_id
    archive.store_article(
        article(4, "Đảo Lý Sơn", body="Đạo đức nhà giáo.")
    )  # đảo / đạo: not 'dao tao'
    assert set(ids(search(archive.db, "dao tao"))) == {in_title, in_body, in_caption}
    assert set(ids(search(archive.db, "DAO TAO"))) == {in_title, in_body, in_caption}
    assert set(ids(search(archive.db, "đào tạo"))) == {in_title, in_body, in_caption}
    assert ids(search(archive.db, "tai Pleiku")) == [in_caption]


def test_accented_query_matches_exactly(archive):
    dang_party = archive.store_article(article(1, "Đại hội Đảng bộ Sở GDĐT")).article_id
    dang_now = archive.store_article(article(2, "Học sinh đang ôn thi tốt nghiệp")).article_id
    assert ids(search(archive.db, "Đảng")) == [dang_party]
    assert ids(search(archive.db, "đảng")) == [dang_party]  # case still folds
    assert ids(search(archive.db, "đang")) == [dang_now]
    assert set(ids(search(archive.db, "dang"))) == {dang_party, dang_now}
    # A query typed in NFD is the same query.
    assert ids(search(archive.db, unicodedata.normalize("NFD", "Đảng"))) == [dang_party]
    # One accented word makes the whole query exact.
    assert ids(search(archive.db, "Đảng bo")) == []
    assert ids(search(archive.db, "Đảng bộ")) == [dang_party]


def test_exact_query_does_not_match_the_folded_column(archive):
    archive.store_article(article(1, "Trường THPT Lê Lợi"))
    assert ids(search(archive.db, "truong")) == [1]
    assert ids(search(archive.db, "Trương")) == []
    assert ids(search(archive.db, "Trường")) == [1]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND (",
        "*",
        ":",
        "'",
        "NEAR(",
        "^",
        "-",
        "(",
        ")",
        "OR",
        "NOT",
        "title:",
        "{title}",
        '"đào',
        'dao"tao',
        "đào*",
        "-tạo",
        "a AND (b",
        "",
        "   ",
        "\u200b",
    ],
)
def test_punctuation_never_raises(archive, query):
    archive.store_article(article(1, "Đào tạo và bồi dưỡng", body="OR NOT AND title"))
    results = search(archive.db, query)
    words = re.findall(r"[^\W_]+", query)
    if not words:
        assert results == [] and match_expression(query) is None
    else:
        assert ids(results) in ([], [1])


def test_operators_are_searched_as_words(archive):
    archive.store_article(article(1, "Đào tạo và bồi dưỡng", body="Lưu ý: OR không phải toán tử"))
    archive.store_article(article(2, "Tạo đào"))
    assert set(ids(search(archive.db, 'dao"tao'))) == {1, 2}
    assert ids(search(archive.db, "OR không")) == [1]
    assert set(ids(search(archive.db, "đào*"))) == {1, 2}
    assert ids(search(archive.db, "title:")) == []  # a column filter typed by hand is just a word


def test_site_filter_limit_and_ranking(archive):
    strong = archive.store_article(
        article(
            1,
            "Tuyển sinh lớp 10 năm học 2024-2025",
            body="Kế hoạch tuyển sinh lớp 10. Lịch tuyển sinh và chỉ tiêu tuyển sinh từng trường.",
            site="gialai",
        )
    ).article_id
    weak = archive.store_article(
        article(
            2,
            "Hội nghị tổng kết năm học",
            body=" ".join(["Ngành giáo dục tổng kết năm học với nhiều kết quả nổi bật."] * 8)
            + " Công tác tuyển sinh diễn ra an toàn.",
            site="gialai",
        )
    ).article_id
    other = archive.store_article(
        article(3, "Tuyển sinh đầu cấp", body="Thông báo tuyển sinh.", site="kontum")
    ).article_id
    results = search(archive.db, "tuyen sinh", site="gialai")
    assert ids(results) == [strong, weak]
    assert results[0]["rank"] < results[1]["rank"]
    assert {"id", "site", "url", "title", "published_at", "rank"} <= set(results[0])
    assert ids(search(archive.db, "tuyen sinh", site="kontum")) == [other]
    assert len(search(archive.db, "tuyen sinh", limit=2)) == 2
    assert len(search(archive.db, "tuyen sinh", limit=None)) == 3


# The index invariant ---------------------------------------------------------------------------

WORDS = (
    "đào tạo Đảng đang dang giáo dục viên học sinh Hội nghị ĐÀO TẠO tuyển lớp 10 năm 2024 trường "
    "Trường THPT điểm Điểm diem thi tốt nghiệp ưu tú Ứng dụng ứng cử đồng chí đông chi dong Đông "
    "Quảng Ngãi Lâm Đồng bồi dưỡng"
).split()
QUERIES = [
    "dao tao",
    "Đảng",
    "đang",
    "dang",
    "ĐÀO",
    "diem thi",
    "Điểm",
    "ung dung",
    "dong chi",
    "Đồng",
    "truong THPT",
    "2024",
    "lop 10",
    "boi duong",
    "ưu tú",
    "Quang Ngai",
]
_TOKEN = re.compile(r"[^\W_]+")


def _phrase(rng: random.Random, low: int = 1, high: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(w + rng.choice(["", "", ",", ".", " –", ":"]) for w in words)


def _brute_force(conn: sqlite3.Connection, query: str) -> set[int]:
    """The articles a query should find, computed in Python from the rows themselves."""
    query = unicodedata.normalize("NFC", query)
    wanted = {t.lower() for t in _TOKEN.findall(query)}
    exact = any(c.isalpha() and not c.isascii() for c in query)
    found = set()
    for article_id, title, summary, body in conn.execute(
        "SELECT id, title, summary, body_text FROM articles"
    ):
        captions = [
            c
            for (c,) in conn.execute(
                "SELECT caption FROM images WHERE article_id = ? ORDER BY position, id",
                (article_id,),
            )
        ]
        text = " ".join(t for t in (title, summary, body, *captions) if t)
        words = {t.lower() for t in _TOKEN.findall(text if exact else fold(text))}
        if wanted <= words:
            found.add(article_id)
    return found


class Mutator:
    """Random edits through the archive, sqlite-utils and a plain client, as other tools do."""

    def __init__(self, archive: Archive, plain: sqlite3.Connection, rng: random.Random) -> None:
        self.archive, self.plain, self.rng = archive, plain, rng
        self.counter = 0

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.plain.execute("SELECT id FROM articles ORDER BY id")]

    def image_ids(self) -> list[int]:
        return [r[0] for r in self.plain.execute("SELECT id FROM images ORDER BY id")]

    def new_article(self) -> None:
        self.counter += 1
        rng = self.rng
        body = _phrase(rng, 3, 40)
        existing = self.plain.execute(
            "SELECT body_text FROM articles WHERE body_text IS NOT NULL ORDER BY random() LIMIT 1"
        ).fetchone()
        if existing and rng.random() < 0.3:
            body = existing[0]  # an exact copy, to exercise duplicate marking alongside the index
        self.archive.store_article(
            article(
                1000 + self.counter,
                _phrase(rng, 1, 6),
                body=body,
                summary=_phrase(rng) if rng.random() < 0.5 else None,
                captions=[
                    _phrase(rng, 1, 5) if rng.random() < 0.8 else None
                    for _ in range(rng.randint(0, 3))
                ],
                published_at=rng.choice(
                    [None, "2024-03-01", "2024-03-01T07:00:00+07:00", "2023-12-31"]
                ),
            )
        )

    def restore_article(self) -> None:
        rows = self.plain.execute(
            "SELECT url, title, body_text FROM articles ORDER BY random() LIMIT 1"
        )
        row = rows.fetchone()
        if row is None:
            return
        url, title, body = row
        rng = self.rng
        changed = rng.random() < 0.7
        self.archive.store_article(
            {
                "url": url,
                "urls": [url],
                "site": "gialai",
                "title": _phrase(rng, 1, 6) if changed else title,
                "body_text": _phrase(rng, 3, 30) if changed and rng.random() < 0.5 else body,
                "images": [
                    {"src": f"{BASE}/anh/{i}.jpg", "caption": _phrase(rng, 1, 4)}
                    for i in range(rng.randint(0, 2))
                ]
                if changed
                else [],
            }
        )

    def sql_edit(self) -> None:
        rng, db = self.rng, self.plain
        articles, images = self.article_ids(), self.image_ids()
        if not articles:
            return
        target = rng.choice(articles)
        choice = rng.randrange(11)
        if choice == 0:
            db.execute("UPDATE articles SET title = ? WHERE id = ?", (_phrase(rng, 1, 6), target))
        elif choice == 1:
            db.execute(
                "UPDATE articles SET body_text = ?, summary = ? WHERE id = ?",
                (_phrase(rng, 0, 20) or None, rng.choice([None, _phrase(rng)]), target),
            )
        elif choice == 2:
            db.execute(
                "INSERT INTO images(article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                (target, rng.randint(0, 4), "x.jpg", rng.choice([None, "", _phrase(rng, 1, 5)])),
            )
        elif choice == 3 and images:
            db.execute(
                "UPDATE images SET caption = ? WHERE id = ?",
                (rng.choice([None, _phrase(rng, 1, 5)]), rng.choice(images)),
            )
        elif choice == 4 and images:
            db.execute(
                "UPDATE images SET position = ? WHERE id = ?",
                (rng.randint(0, 4), rng.choice(images)),
            )
        elif choice == 5 and images:
            db.execute(
                "UPDATE images SET article_id = ? WHERE id = ?", (target, rng.choice(images))
            )
        elif choice == 6 and images:
            db.execute("DELETE FROM images WHERE id = ?", (rng.choice(images),))
        elif choice == 7:
            # Deleting an article the way a careful client must, children first.
            db.execute("BEGIN")
            db.execute("DELETE FROM images WHERE article_id = ?", (target,))
            db.execute("DELETE FROM attachments WHERE article_id = ?", (target,))
            db.execute("DELETE FROM article_urls WHERE article_id = ?", (target,))
            db.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = ?", (target,))
            db.execute("DELETE FROM articles WHERE id = ?", (target,))
            db.execute("COMMIT")
        elif choice == 8:
            self.archive.db["articles"].upsert({"id": target, "title": _phrase(rng, 1, 4)}, pk="id")
        elif choice == 9:
            db.execute(
                "INSERT OR IGNORE INTO articles(id, url, title) VALUES (?, ?, ?)",
                (target, f"{BASE}/khac/{target}", _phrase(rng)),
            )
        elif choice == 10 and images:
            # REPLACE from a connection with recursive_triggers on (the archive's own).
            conn = self.archive.db.conn
            conn.execute(
                "INSERT OR REPLACE INTO images(id, article_id, position, src, caption) "
                "VALUES (?, ?, ?, 'y.jpg', ?)",
                (rng.choice(images), target, rng.randint(0, 4), _phrase(rng, 1, 3)),
            )
            conn.commit()

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.3:
            self.new_article()
        elif roll < 0.45:
            self.restore_article()
        else:
            self.sql_edit()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_index_equals_brute_force_after_random_mutations(tmp_path, seed):
    path = tmp_path / "archive.sqlite"
    rng = random.Random(seed)
    with Archive(path) as archive:
        plain = sqlite3.connect(path, isolation_level=None, timeout=30)
        plain.execute("PRAGMA foreign_keys = ON")
        mutator = Mutator(archive, plain, rng)
        try:
            for step in range(160):
                mutator.step()
                assert archive.search_index_ok(), f"seed {seed}, step {step}"
                if step % 8 == 7:
                    for query in QUERIES:
                        got = set(
                            ids(search(archive.db, query, limit=None, include_duplicates=True))
                        )
                        assert got == _brute_force(plain, query), (seed, step, query)
            assert plain.execute("SELECT count(*) FROM articles").fetchone()[0] > 5
            assert archive.integrity_ok()
        finally:
            plain.close()


def _index_pages(archive: Archive) -> list[tuple]:
    return archive.db.execute("SELECT id, block FROM articles_fts_data ORDER BY id").fetchall()


def test_updates_outside_the_indexed_columns_leave_the_index_untouched(archive):
    for n in range(3):
        archive.store_article(article(n, f"Bài {n} về đào tạo", body="Nội dung bài viết " * 5))
    before = _index_pages(archive)
    conn = archive.db.conn
    conn.execute(
        "UPDATE articles SET last_seen_at = '2030-01-01', view_count = 5, duplicate_of = NULL"
    )
    conn.execute("UPDATE images SET src = 'moi.jpg', alt = 'ảnh', credit = 'Ảnh: TL'")
    conn.commit()
    archive.store_article(
        article(1, "Bài 1 về đào tạo", body="Nội dung bài viết " * 5)
    )  # unchanged
    assert _index_pages(archive) == before


def test_plain_client_edits_keep_the_index(archive, tmp_path):
    first = archive.store_article(article(1, "Khai giảng năm học mới", captions=["Lễ chào cờ"]))
    plain = sqlite3.connect(archive.path, isolation_level=None)
    try:
        plain.execute(
            "UPDATE articles SET title = 'Bế giảng năm học' WHERE id = ?", (first.article_id,)
        )
        plain.execute(
            "INSERT INTO images(article_id, position, src, caption) VALUES (?, 2, 'b.jpg', "
            "'Học sinh nhận giấy khen')",
            (first.article_id,),
        )
        plain.execute("UPDATE images SET caption = 'Lễ thượng cờ' WHERE position = 1")
    finally:
        plain.close()
    assert ids(search(archive.db, "be giang")) == [first.article_id]
    assert ids(search(archive.db, "khai giang")) == []
    assert ids(search(archive.db, "giay khen")) == [first.article_id]
    assert ids(search(archive.db, "chao co")) == []
    assert ids(search(archive.db, "thuong co")) == [first.article_id]
    assert archive.search_index_ok()


def test_integrity_checks(archive):
    for n in range(4):
        archive.store_article(
            article(
                n,
                f"Thông báo số {n}",
                body="Học sinh nghỉ học do mưa bão.",
                captions=["Sân trường ngập nước"],
            )
        )
    assert archive.integrity_ok() and archive.search_index_ok()
    conn = archive.db.conn
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # FTS5's own check runs on a contentless table in SQLite 3.40 ...
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    conn.commit()
    # ... but only the term-by-term comparison sees an index that disagrees with the rows.
    conn.execute(
        "INSERT INTO articles_fts(articles_fts, rowid, title, summary, body_text, captions, "
        "folded) VALUES('delete', 1, 'Thông báo số 1', NULL, NULL, NULL, 'Thong bao so 1')"
    )
    conn.commit()
    assert not archive.search_index_ok()
    archive.rebuild_search_index()
    assert archive.search_index_ok()
    assert len(search(archive.db, "mua bao", include_duplicates=True)) == 4


def test_replace_without_recursive_triggers_is_caught_and_repaired(archive):
    """A client that uses REPLACE without recursive_triggers leaves stale terms (documented)."""
    archive.store_article(article(1, "Tập huấn chuyển đổi số", captions=["Giáo viên thực hành"]))
    plain = sqlite3.connect(archive.path, isolation_level=None)
    try:
        plain.execute(
            "INSERT OR REPLACE INTO articles(id, url, title) "
            "VALUES (1, ?, 'Hội thi giáo viên giỏi')",
            (f"{BASE}/tin/1",),
        )
    finally:
        plain.close()
    assert not archive.search_index_ok()
    archive.rebuild_search_index()
    assert archive.search_index_ok()
    assert ids(search(archive.db, "chuyen doi so")) == []
    assert ids(search(archive.db, "hoi thi")) == [1]


def test_common_words_list_the_newest_first(tmp_path, monkeypatch):
    import importlib

    # storage.search is also the name of the function the package exports; the module is wanted here.
    module = importlib.import_module("storage.search")
    with Archive(tmp_path / "a.sqlite") as archive:
        # The oldest article is the best match; nine newer ones mention the words once. Titles and bodies differ
        # enough that no two are duplicates.
        archive.store_article(article(0, "Tuyển sinh tuyển sinh tuyển sinh", "tuyển sinh " * 5 + "đợt đầu",
                                      site="moet"))
        for n in range(1, 10):
            archive.store_article(article(n, f"Thông báo số {n} của trường", f"Kế hoạch {n}: tuyển sinh lớp {n}."))
        # Fewer matches than the window: ranked by relevance, the best first.
        ranked = search(archive.db, "tuyen sinh", limit=3)
        assert ranked[0]["site"] == "moet" and ranked[0]["rank"] is not None
        monkeypatch.setattr(module, "RANK_WINDOW", 5)
        # More: the newest first, unranked.
        newest = search(archive.db, "tuyen sinh", limit=3)
        assert [row["rank"] for row in newest] == [None] * 3
        assert [row["id"] for row in newest] == sorted((row["id"] for row in newest), reverse=True)
        assert newest[0]["id"] == max(row["id"] for row in search(archive.db, "tuyen sinh", limit=None))
        # Filters still reach older articles.
        assert [row["site"] for row in search(archive.db, "tuyen sinh", limit=3, site="moet")] == ["moet"]
        # Without a limit every match is ranked: the best comes first.
        everything = search(archive.db, "tuyen sinh", limit=None)
        assert len(everything) == 10 and everything[0]["site"] == "moet"
