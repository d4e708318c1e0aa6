"""The archive: schema and migration, writes, URL aliases, exact duplicates, rollback, readers."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import threading
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from storage import DESCRIPTIONS, SCHEMA_VERSION, Archive, content_hash, search
from storage import schema as schema_module
from storage.dedup import SHORT_BODY_WORDS
from storage.pages import PageCodec

BASE = "http://127.0.0.1:8808"
TITLE = "Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm 2022"
BODY = (
    "Sáng 18/7, Đảng ủy Sở Giáo dục và Đào tạo đã tổ chức Hội nghị sơ kết công tác xây dựng Đảng "
    "6 tháng đầu năm và triển khai phương hướng, nhiệm vụ trọng tâm 6 tháng cuối năm 2022.\n\n"
    "Hiện nay, Đảng bộ Sở có 07 chi bộ trực thuộc, 72 đảng viên, trong đó 70 đảng viên chính thức. "
    "Toàn ngành đã hoàn thành nhiệm vụ kép, vừa dạy học đúng tiến độ vừa bảo đảm an toàn."
)
OTHER_BODY = (
    "Chiều 20/7, Sở Giáo dục và Đào tạo tổ chức hội nghị tổng kết năm học 2021-2022 và triển khai "
    "nhiệm vụ năm học mới. Ngành đã tuyển sinh lớp 10 đúng kế hoạch, tỷ lệ học sinh tốt nghiệp "
    "trung học phổ thông đạt 98,7%, tăng so với năm học trước; công tác bồi dưỡng giáo viên "
    "được chú trọng."
)
CAPTION = "Đồng chí Phạm Đăng Khoa phát biểu chỉ đạo tại Hội nghị"

CONTRACT = {
    "sites": {"name", "title", "province", "base_url", "cms"},
    "articles": {
        "id",
        "url",
        "site",
        "title",
        "summary",
        "published_at",
        "published_raw",
        "updated_at",
        "author",
        "source",
        "category",
        "body_text",
        "body_html",
        "view_count",
        "word_count",
        "content_hash",
        "duplicate_of",
        "first_seen_at",
        "last_seen_at",
        "published_source",
        "identity",
        "fetched_at",
        "crawl_id",
    },
    "images": {"id", "article_id", "position", "src", "caption", "alt", "credit"},
    "attachments": {"id", "article_id", "url", "title"},
    "article_urls": {"url", "article_id"},
    "crawls": {
        "id",
        "spider",
        "started_at",
        "finished_at",
        "status",
        "pages",
        "articles_new",
        "articles_updated",
        "duplicates",
        "errors",
    },
}


def ticking_clock():
    """A clock that moves one minute per call, so 'last_seen_at moved' is observable."""
    start = datetime(2024, 5, 1, tzinfo=UTC)
    counter = itertools.count()
    return lambda: (start + timedelta(minutes=next(counter))).isoformat(timespec="seconds")


def make_article(n: int = 1, **overrides):
    url = f"{BASE}/tin-tuc/bai-viet-{n}.html"
    article = {
        "url": url,
        "urls": [url],
        "identity": None,
        "site": "gialai",
        "title": TITLE,
        "summary": "Đảng ủy Sở GDĐT sơ kết công tác 6 tháng đầu năm.",
        "published_at": "2022-07-18T08:30:00+07:00",
        "published_raw": "18/07/2022 08:30",
        "published_source": "page",
        "author": "Minh Anh",
        "source": None,
        "category": "Tin tức - Sự kiện",
        "body_text": BODY,
        "body_html": "<p>" + BODY.replace("\n\n", "</p><p>") + "</p>",
        "view_count": 120,
        "word_count": len(BODY.split()),
        "fetched_at": "2024-05-01T00:00:00+00:00",
        "images": [
            {
                "src": f"{BASE}/uploads/hoi-nghi-{n}.jpg",
                "caption": CAPTION,
                "alt": None,
                "credit": "Ảnh: Minh Anh",
            }
        ],
        "attachments": [
            {"url": f"{BASE}/uploads/ke-hoach-{n}.pdf", "title": "Kế hoạch số 12/KH-SGDĐT"}
        ],
    }
    article.update(overrides)
    return article


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.sqlite", clock=ticking_clock()) as opened:
        yield opened


def rows(archive: Archive, table: str, skip: tuple[str, ...] = ()) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k not in skip}
        for row in archive.db.query(f"SELECT * FROM {table} ORDER BY rowid")
    ]


def snapshot(archive: Archive, skip_article: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    return {
        table: rows(archive, table, skip_article if table == "articles" else ())
        for table in ("articles", "images", "attachments", "article_urls", "sites")
    }


# Schema ----------------------------------------------------------------------------------------


def test_new_archive_has_the_contract_schema_and_settings(archive):
    db = archive.db
    for table, columns in CONTRACT.items():
        assert columns <= set(db[table].columns_dict), table
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    indexed = {
        (table, tuple(index.columns))
        for table in ("articles", "images", "attachments")
        for index in db[table].indexes
    }
    for expected in [
        ("articles", ("site", "published_at")),
        ("articles", ("published_at",)),
        ("articles", ("content_hash",)),
        ("images", ("article_id",)),
        ("attachments", ("article_id",)),
    ]:
        assert expected in indexed
    fks = {
        (fk.table, fk.column, fk.other_table)
        for t in ("articles", "images", "attachments", "article_urls")
        for fk in db[t].foreign_keys
    }
    assert ("articles", "duplicate_of", "articles") in fks
    assert ("images", "article_id", "articles") in fks
    assert ("article_urls", "article_id", "articles") in fks
    assert db["articles_fts"].exists()
    assert {"duplicate_groups", "articles_with_captions"} <= set(db.view_names())


def test_url_and_identity_are_unique(archive):
    archive.store_article(make_article(1, identity="moet.gov.vn|ItemID=8979"))
    db = archive.db.conn
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO articles(url) VALUES (?)", (make_article(1)["url"],))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO articles(url, identity) VALUES ('x', 'moet.gov.vn|ItemID=8979')")
    db.rollback()
    # Many articles may have no identity.
    archive.store_article(make_article(2, body_text=OTHER_BODY))
    archive.store_article(make_article(3, body_text=OTHER_BODY + " Thêm."))
    assert (
        archive.db.execute("SELECT count(*) FROM articles WHERE identity IS NULL").fetchone()[0]
        == 2
    )


def test_descriptions_cover_every_table_view_and_column(archive):
    db = archive.db
    # FTS5's own shadow tables aside.
    shadow = {f"articles_fts_{part}" for part in ("data", "idx", "content", "docsize", "config")}
    names = set(db.view_names()) | (set(db.table_names()) - shadow)
    assert names == set(DESCRIPTIONS)
    for name in names:
        described = DESCRIPTIONS[name]
        assert described["description"].strip()
        columns = [c.name for c in db[name].columns]
        assert set(columns) == set(described["columns"]), name
        assert all(text.strip() for text in described["columns"].values())


def test_empty_file_becomes_an_archive(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with Archive(path) as archive:
        assert archive.store_article(make_article()).status == "new"
        assert archive.integrity_ok()


def test_reopening_keeps_rows_and_index(tmp_path):
    path = tmp_path / "archive.sqlite"
    with Archive(path) as archive:
        archive.store_article(make_article())
    with Archive(path) as archive:
        assert archive.db["articles"].count == 1
        assert [r["id"] for r in search(archive.db, "xay dung dang")] == [1]
        assert archive.search_index_ok()


def _older_archive(path) -> None:
    """An archive as a version-0 program wrote it: base columns only, no index, no search."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sites (name TEXT PRIMARY KEY, title TEXT, province TEXT, base_url TEXT,
            cms TEXT);
        CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT UNIQUE, site TEXT, title TEXT,
            summary TEXT, published_at TEXT, published_raw TEXT, updated_at TEXT, author TEXT,
            source TEXT, category TEXT, body_text TEXT, body_html TEXT, view_count INTEGER,
            word_count INTEGER, content_hash TEXT, duplicate_of INTEGER REFERENCES articles(id),
            first_seen_at TEXT, last_seen_at TEXT);
        CREATE TABLE images (id INTEGER PRIMARY KEY, article_id INTEGER REFERENCES articles(id),
            position INTEGER, src TEXT, caption TEXT, alt TEXT, credit TEXT);
        """
    )
    conn.execute(
        "INSERT INTO articles(id, url, site, title, body_text, published_at) "
        "VALUES (7, ?, ?, ?, ?, ?)",
        (f"{BASE}/cu/7", "gialai", "Tập huấn bồi dưỡng giáo viên", BODY, "2021-03-02"),
    )
    conn.execute(
        "INSERT INTO images(article_id, position, src, caption) VALUES (7, 1, 'a.jpg', ?)",
        ("Quang cảnh lớp tập huấn chuyên đề",),
    )
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()


def test_migrates_an_older_archive_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    _older_archive(path)
    with Archive(path) as archive:
        db = archive.db
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for table, columns in CONTRACT.items():
            assert columns <= set(db[table].columns_dict), table
        old = db["articles"].get(7)
        assert old["title"] == "Tập huấn bồi dưỡng giáo viên" and old["identity"] is None
        # Old rows are searchable, captions included, with and without diacritics.
        assert [r["id"] for r in search(db, "boi duong")] == [7]
        assert [r["id"] for r in search(db, "quang canh")] == [7]
        assert [r["id"] for r in search(db, "Quang cảnh")] == [7]
        assert archive.integrity_ok() and archive.search_index_ok()
        assert archive.store_article(make_article(1, body_text=OTHER_BODY)).status == "new"
    with Archive(path) as archive:  # a second open has nothing left to do
        assert archive.db["articles"].count == 2
        assert archive.search_index_ok()


def test_data_migration_steps_run_once_for_older_versions(tmp_path, monkeypatch):
    path = tmp_path / "archive.sqlite"
    with Archive(path) as archive:
        archive.store_article(make_article())
    calls = []

    def backfill(conn):
        calls.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        conn.execute("UPDATE articles SET category = 'Thông báo' WHERE category IS NULL")

    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema_module.DATA_MIGRATIONS, SCHEMA_VERSION + 1, backfill)
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    with Archive(path):
        pass
    assert calls == [1]


def test_an_archive_of_version_2_gets_the_new_triggers_without_reindexing(tmp_path, monkeypatch):
    path = tmp_path / "v2.sqlite"
    with Archive(path) as archive:
        archive.store_article(make_article(1))
    # As version 2 left it: no deferred-indexing table or triggers.
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TRIGGER articles_fts_pending_bi; DROP TRIGGER articles_fts_pending_ad; "
        "DROP TABLE articles_fts_pending; PRAGMA user_version = 2;"
    )
    conn.close()

    def no_rebuild(conn):
        raise AssertionError("the index holds the same terms: it must not be rebuilt")

    monkeypatch.setattr(schema_module.fts, "create_search_index", no_rebuild)
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert archive.db["articles_fts_pending"].exists()
        assert archive.store_article(make_article(2, body_text=OTHER_BODY)).status == "new"
        # Both articles found by a caption word without diacritics: the old row kept, the new one indexed.
        assert sorted(r["id"] for r in search(archive.db, "dang khoa")) == [1, 2]
        assert archive.integrity_ok() and archive.search_index_ok()


def test_newer_archive_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        Archive(path)


# Writes ----------------------------------------------------------------------------------------


def test_new_article_is_stored_whole(archive):
    crawl = archive.start_crawl("gialai")
    result = archive.store_article(make_article(1, identity="sgddt.gialai.gov.vn|id=3051"))
    assert result.status == "new" and result.duplicate_of is None
    row = archive.db["articles"].get(result.article_id)
    assert row["url"] == f"{BASE}/tin-tuc/bai-viet-1.html"
    assert row["first_seen_at"] == row["last_seen_at"]
    assert row["crawl_id"] == crawl
    assert row["content_hash"] == content_hash(BODY)
    assert row["published_source"] == "page" and row["identity"] == "sgddt.gialai.gov.vn|id=3051"
    images = rows(archive, "images")
    assert [(i["position"], i["caption"], i["credit"]) for i in images] == [
        (1, CAPTION, "Ảnh: Minh Anh")
    ]
    assert [a["title"] for a in rows(archive, "attachments")] == ["Kế hoạch số 12/KH-SGDĐT"]
    assert [u["url"] for u in rows(archive, "article_urls")] == [row["url"]]


def test_storing_the_same_article_twice_changes_only_last_seen(archive):
    article = make_article(1, urls=[f"{BASE}/tin-tuc/bai-viet-1.html", f"{BASE}/?p=1"])
    first = archive.store_article(article)
    before = snapshot(archive)
    second = archive.store_article(article)
    assert second == type(second)("unchanged", first.article_id, None)
    after = snapshot(archive)
    moved = after["articles"][0]["last_seen_at"]
    assert moved > before["articles"][0]["last_seen_at"]
    after["articles"][0]["last_seen_at"] = before["articles"][0]["last_seen_at"]
    assert after == before
    assert archive.integrity_ok() and archive.search_index_ok()


def test_changed_text_updates_the_row_and_its_images(archive):
    first = archive.store_article(make_article(1))
    row_before = archive.db["articles"].get(first.article_id)
    changed = make_article(
        1,
        url=f"{BASE}/tin-tuc/bai-viet-1-moi.html",
        urls=[f"{BASE}/tin-tuc/bai-viet-1-moi.html", f"{BASE}/tin-tuc/bai-viet-1.html"],
        title="Sơ kết công tác xây dựng Đảng năm 2022 (cập nhật)",
        body_text=OTHER_BODY,
        images=[{"src": f"{BASE}/uploads/tong-ket.jpg", "caption": "Quang cảnh hội nghị tổng kết"}],
    )
    result = archive.store_article(changed)
    assert (result.status, result.article_id) == ("updated", first.article_id)
    row = archive.db["articles"].get(first.article_id)
    assert row["title"].endswith("(cập nhật)") and row["body_text"] == OTHER_BODY
    assert row["content_hash"] == content_hash(OTHER_BODY)
    assert row["url"] == row_before["url"] and row["first_seen_at"] == row_before["first_seen_at"]
    assert row["last_seen_at"] > row_before["last_seen_at"]
    assert [i["caption"] for i in rows(archive, "images")] == ["Quang cảnh hội nghị tổng kết"]
    assert {u["url"] for u in rows(archive, "article_urls")} == {
        f"{BASE}/tin-tuc/bai-viet-1.html",
        f"{BASE}/tin-tuc/bai-viet-1-moi.html",
    }
    # The search index follows: new words found, words only in the old text gone.
    assert [r["id"] for r in search(archive.db, "tuyen sinh lop 10")] == [first.article_id]
    assert search(archive.db, "chi bo truc thuoc") == []
    assert search(archive.db, "Phạm Đăng Khoa") == []
    assert archive.search_index_ok()


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "Tóm tắt mới của bài viết."},
        {"published_at": "2022-07-19"},
        {"author": "Hoàng Lan"},
        {"images": [{"src": f"{BASE}/uploads/hoi-nghi-1.jpg", "caption": CAPTION + " (ảnh 2)"}]},
        {"attachments": [{"url": f"{BASE}/uploads/bao-cao.pdf", "title": "Báo cáo sơ kết"}]},
    ],
    ids=["summary", "published_at", "author", "images", "attachments"],
)
def test_each_tracked_field_counts_as_an_update(archive, change):
    archive.store_article(make_article(1))
    assert archive.store_article(make_article(1, **change)).status == "updated"
    assert archive.store_article(make_article(1, **change)).status == "unchanged"


def test_untracked_fields_and_missing_values_leave_the_row_alone(archive):
    result = archive.store_article(make_article(1))
    before = archive.db["articles"].get(result.article_id)
    again = make_article(1, view_count=999, author=None, summary=None, images=[], attachments=[])
    assert archive.store_article(again).status == "unchanged"
    after = archive.db["articles"].get(result.article_id)
    assert {k: v for k, v in after.items() if k not in ("last_seen_at",)} == {
        k: v for k, v in before.items() if k not in ("last_seen_at",)
    }
    assert archive.db["images"].count == 1 and archive.db["attachments"].count == 1


def test_same_identity_under_two_urls_is_one_article(archive):
    identity = "moet.gov.vn|ItemID=8979"
    first = archive.store_article(make_article(1, identity=identity))
    second = archive.store_article(
        make_article(
            1, url=f"{BASE}/tin-tuc/Pages/tin-tong-hop.aspx?ItemID=8979", urls=[], identity=identity
        )
    )
    assert second.status == "unchanged" and second.article_id == first.article_id
    assert archive.db["articles"].count == 1
    assert archive.db["articles"].get(first.article_id)["url"] == f"{BASE}/tin-tuc/bai-viet-1.html"
    assert sorted(u["url"] for u in rows(archive, "article_urls")) == sorted(
        [f"{BASE}/tin-tuc/bai-viet-1.html", f"{BASE}/tin-tuc/Pages/tin-tong-hop.aspx?ItemID=8979"]
    )


def test_alias_url_finds_the_article_without_identity(archive):
    first = archive.store_article(
        make_article(1, urls=[f"{BASE}/tin-tuc/bai-viet-1.html", f"{BASE}/index.php?id=1"])
    )
    second = archive.store_article(
        make_article(1, url=f"{BASE}/index.php?id=1&lang=vi", urls=[f"{BASE}/index.php?id=1"])
    )
    assert second.article_id == first.article_id and archive.db["articles"].count == 1
    assert archive.db["article_urls"].count == 3


def test_identity_is_added_to_an_article_first_seen_without_it(archive):
    first = archive.store_article(make_article(1))
    second = archive.store_article(make_article(1, identity="moet.gov.vn|ItemID=1"))
    assert second.article_id == first.article_id
    assert archive.db["articles"].get(first.article_id)["identity"] == "moet.gov.vn|ItemID=1"


def test_text_is_stored_nfc_and_nfd_input_is_the_same_article(archive):
    nfd = {
        k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v
        for k, v in make_article(1).items()
    }
    nfd["images"] = [{"src": "a.jpg", "caption": unicodedata.normalize("NFD", CAPTION)}]
    assert nfd["title"] != TITLE
    result = archive.store_article(nfd)
    row = archive.db["articles"].get(result.article_id)
    for column in ("title", "summary", "body_text", "author", "category"):
        assert unicodedata.is_normalized("NFC", row[column]), column
    assert row["title"] == TITLE
    assert rows(archive, "images")[0]["caption"] == CAPTION
    again = make_article(1, images=[{"src": "a.jpg", "caption": CAPTION}])
    assert archive.store_article(again).status == "unchanged"


def test_article_without_url_is_rejected_before_writing(archive):
    with pytest.raises(ValueError):
        archive.store_article(make_article(1, url=None))
    assert archive.db["articles"].count == 0


# Content hash ----------------------------------------------------------------------------------


def test_content_hash_normalises_case_space_and_composition():
    expected = hashlib.sha256(" ".join(BODY.lower().split()).encode()).hexdigest()
    assert content_hash(BODY) == expected
    variants = [
        BODY.upper(),
        "  " + BODY.replace(" ", " \n\t "),
        unicodedata.normalize("NFD", BODY),
    ]
    assert {content_hash(v) for v in variants} == {expected}
    assert content_hash(BODY, title="Một tiêu đề khác") == expected  # a long body ignores the title
    assert content_hash(OTHER_BODY) != expected
    assert content_hash("") is None and content_hash(" \n ") is None and content_hash(None) is None


def test_short_bodies_are_told_apart_by_title():
    notice = "Chi tiết xem tại file đính kèm."
    assert len(notice.split()) < SHORT_BODY_WORDS
    one = content_hash(notice, title="Thông báo tuyển dụng giáo viên năm 2024")
    other = content_hash(notice, title="Kế hoạch tổ chức kỳ thi tuyển sinh lớp 10")
    assert one != other
    assert one == content_hash(notice.upper(), title="THÔNG BÁO TUYỂN DỤNG GIÁO VIÊN NĂM 2024")


# Exact duplicates --------------------------------------------------------------------------------


def _copy(n: int, site: str, published_at: str | None, **extra):
    return make_article(n, site=site, published_at=published_at, title=f"{TITLE} ({site})", **extra)


def _pointers(archive: Archive) -> dict[str, int | None]:
    by_id = {r["id"]: r["url"] for r in rows(archive, "articles")}
    return {
        r["url"]: (by_id[r["duplicate_of"]] if r["duplicate_of"] else None)
        for r in rows(archive, "articles")
    }


def test_later_copy_is_marked_duplicate(archive):
    original = archive.store_article(_copy(1, "gialai", "2022-07-18T08:30:00+07:00"))
    copy = archive.store_article(_copy(2, "moet", "2022-07-19T10:00:00+07:00"))
    assert original.status == "new"
    assert (copy.status, copy.duplicate_of) == ("duplicate", original.article_id)
    groups = rows(archive, "duplicate_groups")
    assert [(g["original_id"], g["copy_id"], g["copy_site"]) for g in groups] == [
        (original.article_id, copy.article_id, "moet")
    ]
    # Duplicates are hidden from search unless asked for.
    assert [r["id"] for r in search(archive.db, "chi bo")] == [original.article_id]
    found = {r["id"] for r in search(archive.db, "chi bo", include_duplicates=True)}
    assert found == {original.article_id, copy.article_id}


def test_earlier_published_copy_arriving_later_becomes_the_original(archive):
    late = archive.store_article(_copy(1, "phonggd", "2022-07-20"))
    early = archive.store_article(_copy(2, "gialai", "2022-07-18T08:30:00+07:00"))
    assert early.status == "new" and early.duplicate_of is None
    assert archive.db["articles"].get(late.article_id)["duplicate_of"] == early.article_id
    # Storing the former original again reports it as the duplicate it now is.
    assert archive.store_article(_copy(1, "phonggd", "2022-07-20")).status == "duplicate"


def test_date_only_sorts_before_a_time_on_the_same_day_and_undated_sorts_last(archive):
    undated = archive.store_article(_copy(1, "truong-a", None))
    timed = archive.store_article(_copy(2, "gialai", "2022-07-18T08:30:00+07:00"))
    dated = archive.store_article(_copy(3, "moet", "2022-07-18"))
    originals = archive.db.execute("SELECT id FROM articles WHERE duplicate_of IS NULL").fetchall()
    assert originals == [(dated.article_id,)]
    assert {undated.article_id, timed.article_id} == {
        r[0]
        for r in archive.db.execute(
            "SELECT id FROM articles WHERE duplicate_of = ?", (dated.article_id,)
        )
    }


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_three_copies_group_the_same_whatever_the_arrival_order(tmp_path, order):
    copies = [
        _copy(1, "gialai", "2022-07-18T08:30:00+07:00"),
        _copy(2, "moet", "2022-07-18T15:00:00+07:00"),
        _copy(3, "truong-thpt", "2022-07-21"),
    ]
    with Archive(tmp_path / "a.sqlite") as archive:
        statuses = {}
        for i in order:
            statuses[i] = archive.store_article(copies[i]).status
        original_url = copies[0]["url"]
        assert _pointers(archive) == {
            copies[0]["url"]: None,
            copies[1]["url"]: original_url,
            copies[2]["url"]: original_url,
        }
        # At arrival a copy is a duplicate exactly when an earlier-published one is already stored.
        for k, i in enumerate(order):
            expected = "duplicate" if any(j < i for j in order[:k]) else "new"
            assert statuses[i] == expected, (order, i)
        assert archive.integrity_ok()


def test_copy_whose_text_changes_leaves_its_group(archive):
    first = archive.store_article(_copy(1, "gialai", "2022-07-18"))
    second = archive.store_article(_copy(2, "moet", "2022-07-19"))
    third = archive.store_article(_copy(3, "phonggd", "2022-07-20"))
    # The original is rewritten: the next earliest copy takes over the group.
    changed = archive.store_article(_copy(1, "gialai", "2022-07-18", body_text=OTHER_BODY))
    assert (changed.status, changed.duplicate_of) == ("updated", None)
    assert archive.db["articles"].get(second.article_id)["duplicate_of"] is None
    assert archive.db["articles"].get(third.article_id)["duplicate_of"] == second.article_id
    assert archive.db["articles"].get(first.article_id)["duplicate_of"] is None


def test_empty_bodies_are_never_duplicates(archive):
    a = archive.store_article(make_article(1, body_text=None, title="Lịch công tác tuần 12"))
    b = archive.store_article(make_article(2, body_text="  ", title="Lịch công tác tuần 12"))
    assert a.status == b.status == "new"
    assert (
        archive.db.execute("SELECT count(*) FROM articles WHERE content_hash IS NULL").fetchone()[0]
        == 2
    )


# Transactions ----------------------------------------------------------------------------------


def test_failing_write_leaves_nothing_behind(archive, monkeypatch):
    def broken(*args):
        raise OSError("disk vanished")

    monkeypatch.setattr(Archive, "_write_attachments", broken)
    with pytest.raises(OSError):
        archive.store_article(make_article(1))
    for table in ("articles", "images", "attachments", "article_urls"):
        assert archive.db[table].count == 0, table
    assert search(archive.db, "dang") == [] and archive.search_index_ok()
    monkeypatch.undo()
    assert archive.store_article(make_article(1)).status == "new"  # the connection is usable again


def test_article_and_its_raw_page_are_written_together(archive, monkeypatch):
    page = {"url": make_article(1)["url"], "status": 200, "headers": {"Content-Type": "text/html"},
            "body": "<p>Hội nghị sơ kết</p>".encode(), "family": "provincial", "urls": [], "site": "gialai"}
    assert archive.store_article(make_article(1), page).status == "new"
    stored = list(archive.pages())
    assert [p["url"] for p in stored] == [page["url"]] and stored[0]["body"] == page["body"]

    def broken(*args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(PageCodec, "write", broken)
    with pytest.raises(sqlite3.OperationalError):
        archive.store_article(make_article(2, body_text=OTHER_BODY), {**page, "url": make_article(2)["url"]})
    # Neither the article nor its page: reparse never meets an article without its page.
    assert archive.db["articles"].count == 1 and archive.db["pages"].count == 1
    assert archive.db["articles_fts_pending"].count == 0
    assert archive.integrity_ok() and archive.search_index_ok()


def test_articles_with_images_are_indexed_once_and_nothing_stays_pending(archive):
    images = [{"src": f"{BASE}/anh-{n}.jpg", "caption": f"Ảnh {n}: học sinh Trường THCS Nguyễn Du"} for n in range(4)]
    first = archive.store_article(make_article(1, images=images)).article_id
    # An update changing text and images at once goes through the same deferred index.
    archive.store_article(make_article(1, body_text=OTHER_BODY, images=images[:2]))
    second = archive.store_article(make_article(2, images=images[1:])).article_id
    assert archive.db["articles_fts_pending"].count == 0
    assert {r["id"] for r in search(archive.db, "nguyen du")} == {first, second}
    assert archive.search_index_ok()
    # A plain client changing captions afterwards still keeps the index exact (the triggers work on their own).
    conn = sqlite3.connect(archive.path)
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute("UPDATE images SET caption = 'Giáo viên Trường Tiểu học Kim Đồng' WHERE article_id = ?", (first,))
    conn.commit()
    conn.close()
    assert [r["id"] for r in search(archive.db, "kim dong")] == [first]
    assert archive.search_index_ok()


def test_failing_update_keeps_the_previous_version(archive, monkeypatch):
    archive.store_article(make_article(1))
    before = snapshot(archive)

    def broken(*args):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(Archive, "_write_images", broken)
    with pytest.raises(RuntimeError):
        archive.store_article(
            make_article(1, body_text=OTHER_BODY, images=[{"src": "b.jpg", "caption": "Ảnh mới"}])
        )
    assert snapshot(archive) == before
    assert archive.search_index_ok()
    assert [r["id"] for r in search(archive.db, "chi bo truc thuoc")] == [1]


def test_reader_is_not_blocked_while_an_article_is_being_written(tmp_path, monkeypatch):
    path = tmp_path / "archive.sqlite"
    with Archive(path) as archive:
        archive.store_article(make_article(1))
    inside, release = threading.Event(), threading.Event()
    original = Archive._write_images
    outcome: list = []

    def paused(self, conn, article_id, images):
        original(conn, article_id, images)
        inside.set()
        release.wait(30)

    monkeypatch.setattr(Archive, "_write_images", paused)

    def writer():
        try:
            with Archive(path) as w:
                outcome.append(w.store_article(make_article(2, body_text=OTHER_BODY)))
        except Exception as error:  # reported to the main thread
            outcome.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(30)
        # A plain client that would fail at once on a lock (timeout 0) still reads the last commit.
        plain = sqlite3.connect(path, timeout=0)
        assert plain.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        plain.close()
        with Archive(path) as reader:
            assert [r["id"] for r in search(reader.db, "tuyen sinh")] == []
            assert reader.stats()[0]["articles"] == 1
    finally:
        release.set()
        thread.join(30)
    assert outcome and outcome[0].status == "new"
    with Archive(path) as archive:
        assert [r["id"] for r in search(archive.db, "tuyen sinh")] == [2]


# Sites, crawls, stats ----------------------------------------------------------------------------


def test_sites_upsert_by_name(archive):
    site = {
        "name": "gialai",
        "title": "Sở Giáo dục và Đào tạo tỉnh Gia Lai",
        "province": "Gia Lai",
        "base_url": "https://sgddt.gialai.gov.vn",
        "cms": "vnpt-portal",
    }
    archive.upsert_sites([site])
    archive.upsert_sites([site])
    archive.upsert_sites([{**site, "title": unicodedata.normalize("NFD", "Sở GDĐT Gia Lai")}])
    stored = rows(archive, "sites")
    assert len(stored) == 1 and stored[0]["title"] == "Sở GDĐT Gia Lai"
    with pytest.raises(ValueError):
        archive.upsert_sites([{"title": "không có tên"}])


def test_crawl_is_recorded_and_stamped_on_articles(archive):
    crawl = archive.start_crawl("gialai")
    assert archive.db["crawls"].get(crawl)["status"] == "running"
    archive.store_article(make_article(1))
    archive.finish_crawl(
        crawl,
        "ok",
        {
            "pages": 12,
            "articles_new": 1,
            "articles_updated": 0,
            "duplicates": 0,
            "errors": 0,
            "other": 5,
        },
    )
    row = archive.db["crawls"].get(crawl)
    assert row["status"] == "ok" and row["pages"] == 12 and row["articles_new"] == 1
    assert row["finished_at"] > row["started_at"]
    assert archive.db["articles"].get(1)["crawl_id"] == crawl
    later = archive.start_crawl("gialai")
    archive.store_article(make_article(1))  # unchanged: still credited to the crawl that stored it
    assert archive.db["articles"].get(1)["crawl_id"] == crawl
    archive.store_article(make_article(1, body_text=OTHER_BODY))
    assert archive.db["articles"].get(1)["crawl_id"] == later


def test_stats_count_per_site(archive):
    archive.upsert_sites([{"name": "moet"}, {"name": "gialai"}, {"name": "chua-co-bai"}])
    archive.store_article(make_article(1))
    archive.store_article(
        make_article(
            2,
            site="moet",
            published_at="2022-08-01",
            author=None,
            images=[
                {"src": "x.jpg", "caption": None},
                {"src": "y.jpg", "caption": "Học sinh dự thi"},
            ],
        )
    )
    archive.store_article(
        make_article(3, site="gialai", body_text=OTHER_BODY, published_at=None, images=[])
    )
    stats = {row["site"]: row for row in archive.stats()}
    assert stats["gialai"] == {
        "site": "gialai",
        "articles": 2,
        "duplicates": 0,
        "with_date": 1,
        "with_author": 2,
        "images": 1,
        "captions": 1,
    }
    assert stats["moet"] == {
        "site": "moet",
        "articles": 1,
        "duplicates": 1,
        "with_date": 1,
        "with_author": 0,
        "images": 2,
        "captions": 1,
    }
    assert stats["chua-co-bai"]["articles"] == 0


def test_the_reader_never_writes_nor_creates_an_archive(tmp_path):
    import sqlite3 as sqlite

    from storage import reader

    missing = tmp_path / "none.sqlite"
    assert reader.articles_per_site(missing) == {}
    with pytest.raises(sqlite.OperationalError):
        reader.site_overview(missing)
    assert not missing.exists()
    path = tmp_path / "archive.sqlite"
    with Archive(path) as archive:
        archive.store_article({"url": "http://127.0.0.1/tin/1.html", "site": "truong", "title": "Khai giảng",
                               "body_text": "Học sinh dự lễ khai giảng năm học mới.", "published_at": "2024-09-05"})
    before = path.read_bytes()
    assert reader.articles_per_site(path) == {"truong": 1}
    overview = reader.site_overview(path)
    assert overview["counts"] == {"truong": (1, "2024-09-05")} and "truong" in overview["sites"]
    assert [row["title"] for row in reader.export_rows(path, since="2024-01-01", site="truong")] == ["Khai giảng"]
    assert list(reader.export_rows(path, since="2025-01-01")) == []
    with reader.read_only(path) as conn, pytest.raises(sqlite.OperationalError):
        conn.execute("DELETE FROM articles")
    assert path.read_bytes() == before
