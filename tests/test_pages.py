"""Raw pages compressed against their site (storage/pages.py), `edunews compact`, and an archive of the previous
schema opened and upgraded in place: tests/data/archive-v4.sql.gz is a crawl of two fixture sites by schema 4,
dumped with sqlite3 .dump (which leaves out the user_version, so the file ends by setting it)."""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage import Archive, bodies, pages
from storage.schema import PAGE_SIZE, SCHEMA_VERSION

OLD_ARCHIVE = Path(__file__).parent / "data" / "archive-v4.sql.gz"
SITE = "truong-thcs-le-loi"


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edunews", *args], capture_output=True, text=True, timeout=300)


def old_archive(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(gzip.decompress(OLD_ARCHIVE.read_bytes()).decode("utf-8"))
    return path


def article_page(n: int, site: str = SITE) -> dict:
    """A school site's article page: the same template around a different Vietnamese article each time."""
    body = "".join(
        f"<p>Sáng ngày {n % 28 + 1}/9/2024, Trường THCS Lê Lợi tổ chức lễ khai giảng năm học 2024-2025 lần {n}, "
        f"đoạn {k}: thầy cô và {n * 7 + k} học sinh cùng dự, đại diện Phòng Giáo dục và Đào tạo phát biểu.</p>"
        for k in range(n % 5 + 3)
    )
    html = (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Tin tức - Trường THCS Lê Lợi</title>"
        "<link rel='stylesheet' href='/css/style.css'></head><body><header><div class='logo'>TRƯỜNG THCS LÊ LỢI"
        "</div><nav><ul><li><a href='/'>Trang chủ</a></li><li><a href='/gioi-thieu'>Giới thiệu</a></li>"
        "<li><a href='/tin-tuc'>Tin tức - Sự kiện</a></li><li><a href='/van-ban'>Văn bản</a></li></ul></nav>"
        f"</header><main><article><h1>Khai giảng năm học mới, bài {n}</h1><div class='date'>Ngày đăng: "
        f"{n % 28 + 1:02d}/09/2024</div><div class='content'>{body}</div></article></main><footer>Địa chỉ: "
        "số 1 đường Lê Lợi, Pleiku, Gia Lai. Điện thoại: 0269 3824 000. Bản quyền thuộc Trường THCS Lê Lợi."
        "</footer></body></html>"
    )
    return {
        "url": f"http://127.0.0.1:8000/{site}/tin-tuc/bai-{n}.html", "fetched_at": f"2024-09-{n % 28 + 1:02d}T01:00:00",
        "status": 200, "headers": {"Content-Type": ["text/html; charset=utf-8"]}, "body": html.encode("utf-8"),
        "site": site, "family": None, "urls": [], "listing_date": None, "encoding": "utf-8",
    }


def stored_pages(archive: Archive) -> dict[str, dict]:
    return {page["url"]: page for page in archive.pages()}


def dictionary_ids(archive: Archive, site: str = SITE) -> list[int | None]:
    return [row[0] for row in archive.db.execute("SELECT dictionary_id FROM pages WHERE site = ? ORDER BY url", [site])]


def test_a_site_first_compresses_against_its_first_page_then_a_dictionary_trained_on_its_pages(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        assert archive.db.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,)
        written = [article_page(n) for n in range(pages.SAMPLE_PAGES + 5)]
        archive.store_page(written[0])
        archive.store_page(article_page(0, site="so-gddt-gia-lai"))
        first = archive.page_codec.current(SITE)
        # The first page is the site's dictionary at once, as raw content: no page of a site is left as zlib.
        assert dictionary_ids(archive) == [first.id] and first.pages == 1
        assert dictionary_ids(archive, "so-gddt-gia-lai") not in ([first.id], [None])
        for page in written[1 : pages.SAMPLE_PAGES - 1]:
            archive.store_page(page)
        assert set(dictionary_ids(archive)) == {first.id}
        for page in written[pages.SAMPLE_PAGES - 1 :]:
            archive.store_page(page)
        trained = archive.page_codec.current(SITE)
        assert trained.id != first.id and trained.pages == pages.SAMPLE_PAGES
        # Every page moved onto the trained dictionary and the first one, unused, is gone.
        assert set(dictionary_ids(archive)) == {trained.id}
        rows = archive.db.execute("SELECT id, site, pages, level FROM page_dictionaries ORDER BY id").fetchall()
        assert [row for row in rows if row[1] == SITE] == [(trained.id, SITE, pages.SAMPLE_PAGES, pages.LEVEL)]
        got = stored_pages(archive)
        for page in written:
            assert got[page["url"]]["body"] == page["body"]
            assert got[page["url"]]["headers"] == page["headers"]
        zlib_size = sum(len(zlib.compress(page["body"], 6)) for page in written)
        stored_size = archive.db.execute("SELECT sum(length(body)) FROM pages WHERE site = ?", [SITE]).fetchone()[0]
        assert stored_size < zlib_size / 4


def test_a_page_stays_readable_with_the_dictionary_it_was_written_with(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        for n in range(10):
            archive.store_page(article_page(n))
        first = archive.page_codec.current(SITE)
        # A newer dictionary (as compact makes) does not move or break the pages already written.
        with archive.db.conn:
            newer = archive.page_codec.adopt(archive.db.conn, SITE, article_page(5)["body"], 1)
        assert newer.id != first.id
        archive.store_page(article_page(100))
        assert dictionary_ids(archive).count(first.id) == 10
        assert dictionary_ids(archive).count(newer.id) == 1
    # A fresh reader finds each page's own dictionary.
    with Archive(tmp_path / "a.sqlite") as archive:
        got = stored_pages(archive)
        for n in [*range(10), 100]:
            page = article_page(n)
            assert got[page["url"]]["body"] == page["body"]


def test_a_training_rolled_back_with_its_article_leaves_nothing_behind(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        article = {"url": article_page(50)["url"], "site": SITE, "title": "Khai giảng năm học mới",
                   "body_text": "Sáng ngày 5/9/2024, Trường THCS Lê Lợi tổ chức lễ khai giảng."}

        def killed(conn):
            raise OSError("killed after the dictionary was trained, before the commit")

        with pytest.raises(OSError):
            archive.store_article(article, article_page(50), then=killed)
        assert archive.db["page_dictionaries"].count == 0 and archive.db["articles"].count == 0
        assert archive.db["pages"].count == 0
        # The archive object goes on with what the archive holds, not the dictionary that was rolled back.
        archive.store_article(article, article_page(50))
        archive.store_page(article_page(51))
        assert archive.db["page_dictionaries"].count == 1
        got = stored_pages(archive)
        assert all(got[article_page(n)["url"]]["body"] == article_page(n)["body"] for n in (50, 51))
        assert archive.integrity_ok()


def test_an_archive_of_the_previous_schema_is_upgraded_in_place_and_compacted(tmp_path):
    db = old_archive(tmp_path / "old.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (4,)
        before = {url: zlib.decompress(body) for url, body in conn.execute("SELECT url, body FROM pages")}
        articles = conn.execute("SELECT id, url, title, body_text FROM articles ORDER BY id").fetchall()
        html = conn.execute("SELECT id, body_html FROM articles ORDER BY id").fetchall()
    assert all(isinstance(value, str) for _, value in html)
    with Archive(db) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert archive.db.execute("SELECT id, url, title, body_text FROM articles ORDER BY id").fetchall() == articles
        assert {url: page["body"] for url, page in stored_pages(archive).items()} == before
        assert archive.integrity_ok() and archive.search_index_ok()
        assert archive.db.execute("PRAGMA page_size").fetchone() == (4096,)
    warc_before = tmp_path / "before.warc.gz"
    assert edunews("export-warc", str(warc_before), "--db", str(db)).returncode == 0

    done = edunews("compact", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "gialai-demo: new dictionary, 10 pages recompressed" in done.stdout
    assert "nguyendu-demo: new dictionary, 8 pages recompressed" in done.stdout
    assert "saved" in done.stdout and "18 articles' HTML packed" in done.stdout
    with Archive(db) as archive:
        assert archive.db.execute("SELECT count(*) FROM pages WHERE dictionary_id IS NULL").fetchone() == (0,)
        assert archive.db.execute("SELECT count(DISTINCT site) FROM page_dictionaries").fetchone() == (2,)
        # Moved to the larger pages new archives get, and back in WAL mode.
        assert archive.db.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,)
        assert archive.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert {url: page["body"] for url, page in stored_pages(archive).items()} == before
        assert archive.integrity_ok() and archive.search_index_ok()
        assert archive.db.execute("SELECT id, url, title, body_text FROM articles ORDER BY id").fetchall() == articles
        # Older rows' HTML packed against their text, and the same HTML read back.
        packed = archive.db.execute("SELECT id, body_html, body_text FROM articles ORDER BY id").fetchall()
        assert all(isinstance(value, bytes) for _, value, _ in packed)
        assert [(row_id, bodies.unpack(value, text)) for row_id, value, text in packed] == html
    # export-warc writes the same records; a second compact finds nothing to do.
    warc_after = tmp_path / "after.warc.gz"
    assert edunews("export-warc", str(warc_after), "--db", str(db)).returncode == 0
    assert warc_records(warc_after) == warc_records(warc_before)
    again = edunews("compact", "--db", str(db))
    assert "gialai-demo: 0 pages recompressed" in again.stdout and "new dictionary" not in again.stdout


def test_reparse_reads_compressed_pages_as_it_read_zlib_ones(tmp_path):
    plain = old_archive(tmp_path / "plain.sqlite")
    packed = old_archive(tmp_path / "packed.sqlite")
    assert edunews("compact", "--db", str(packed)).returncode == 0
    for db in (plain, packed):
        done = edunews("reparse", "--db", str(db))
        assert done.returncode == 0, done.stderr
        assert "reparsed 18 pages" in done.stdout
    rows = "SELECT url, title, published_at, author, summary, body_text, body_html FROM articles ORDER BY url"
    with sqlite3.connect(plain) as one, sqlite3.connect(packed) as other:
        # The compacted archive holds body_html packed against the text; the same HTML either way.
        read = [[(*row[:-1], bodies.unpack(row[-1], row[-2])) for row in db.execute(rows)] for db in (one, other)]
        assert read[0] == read[1]


def test_compact_needs_an_archive_and_waits_for_no_crawl(tmp_path):
    missing = edunews("compact", "--db", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 2 and "no archive" in missing.stderr
    db = old_archive(tmp_path / "old.sqlite")
    from edunews.lock import archive_lock

    with archive_lock(str(db)):
        locked = edunews("compact", "--db", str(db))
    assert locked.returncode == 3, locked.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (4,)  # not even opened


def warc_records(path: Path) -> list[tuple]:
    with path.open("rb") as stream:
        return [
            (record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
            for record in ArchiveIterator(stream)
        ]


def test_compact_with_a_reader_open_does_the_rest_and_keeps_the_page_size(tmp_path):
    """Datasette left running on the archive: leaving WAL mode (to change the page size) needs the archive alone, so
    those pages wait for the next compact; the rest is done and readable by the reader."""
    db = old_archive(tmp_path / "old.sqlite")
    with Archive(db):
        pass
    reader = sqlite3.connect(db)
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (18,)
    with Archive(db) as archive:
        report = archive.compact()
        assert report["bytes_after"] < report["bytes_before"]
        assert archive.db.execute("PRAGMA page_size").fetchone() == (4096,)
        assert archive.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert archive.integrity_ok()
    assert reader.execute("SELECT count(*) FROM pages WHERE dictionary_id IS NULL").fetchone() == (0,)
    reader.close()
    with Archive(db) as archive:
        archive.compact()
        assert archive.db.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,)
