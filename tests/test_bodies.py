"""articles.body_html stored as a zstd delta against the row's body_text (storage/bodies.py)."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest

from storage import Archive, bodies

BASE = "http://127.0.0.1:8808"
TEXT = (
    "Sáng 18/7, Sở Giáo dục và Đào tạo tổ chức hội nghị sơ kết công tác 6 tháng đầu năm.\n\n"
    "Tham dự có đại diện lãnh đạo các phòng, ban và hiệu trưởng các trường trung học phổ thông."
)
HTML = (
    "<p>Sáng 18/7, Sở Giáo dục và Đào tạo tổ chức hội nghị sơ kết công tác 6 tháng đầu năm.</p>"
    "<figure><img src='http://127.0.0.1:8808/anh-1.jpg' alt='Quang cảnh hội nghị'></figure>"
    "<p>Tham dự có đại diện lãnh đạo các phòng, ban và hiệu trưởng các trường trung học phổ thông.</p>"
)


def article(**overrides) -> dict:
    return {"url": f"{BASE}/tin-tuc/hoi-nghi-so-ket.html", "site": "gialai", "title": "Hội nghị sơ kết",
            "body_text": TEXT, "body_html": HTML, **overrides}


def stored(archive: Archive) -> tuple:
    return archive.db.execute("SELECT body_html, body_text FROM articles").fetchone()


def test_the_html_is_kept_as_a_small_delta_against_the_text(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        # NFD in, as some sites send it: the archive keeps NFC, and the HTML reads back against the stored text.
        archive.store_article(article(body_text=unicodedata.normalize("NFD", TEXT),
                                      body_html=unicodedata.normalize("NFD", HTML)))
        packed, text = stored(archive)
        assert isinstance(packed, bytes) and text == TEXT
        assert bodies.unpack(packed, text) == HTML
        assert len(packed) < len(HTML.encode("utf-8")) / 2


def test_new_text_repacks_the_html_and_html_alone_stays_as_before(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.store_article(article())
        new_text = TEXT.replace("Sáng 18/7", "Sáng thứ Hai 18/7")
        new_html = HTML.replace("Sáng 18/7", "Sáng thứ Hai 18/7")
        assert archive.store_article(article(body_text=new_text, body_html=new_html)).status == "updated"
        assert bodies.unpack(*stored(archive)) == new_html
        # The text changed, the crawl found no HTML: the stored HTML is kept, re-packed against the new text.
        newer_text = new_text + "\n\nHội nghị kết thúc lúc 11 giờ."
        assert archive.store_article(article(body_text=newer_text, body_html=None)).status == "updated"
        packed, text = stored(archive)
        assert text == newer_text and bodies.unpack(packed, text) == new_html
        # An HTML-only difference is no change of the article, as it never was.
        assert archive.store_article(article(body_text=newer_text, body_html=HTML)).status == "unchanged"
        assert bodies.unpack(*stored(archive)) == new_html
        assert archive.integrity_ok() and archive.search_index_ok()


def test_plain_sql_cannot_change_the_text_under_the_html(tmp_path):
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.store_article(article())
        with pytest.raises(sqlite3.IntegrityError, match="body_html is stored against body_text"):
            archive.db.execute("UPDATE articles SET body_text = 'sửa tay'")
        # Both at once, as the archive writes them, is allowed.
        with archive.db.conn:
            archive.db.execute("UPDATE articles SET body_text = ?, body_html = ?",
                               ["Đã sửa.", bodies.pack("<p>Đã sửa.</p>", "Đã sửa.")])
        assert bodies.unpack(*stored(archive)) == "<p>Đã sửa.</p>"


def test_the_wrong_text_fails_loudly_instead_of_giving_wrong_html():
    packed = bodies.pack(HTML, TEXT)
    with pytest.raises(Exception, match="[Cc]orrupt|error"):
        bodies.unpack(packed, TEXT.replace("Sáng", "Chiều"))
    assert bodies.unpack("<p>Một hàng cũ</p>", "bất kỳ") == "<p>Một hàng cũ</p>"  # plain HTML of older rows
    assert bodies.pack(None, TEXT) is None and bodies.unpack(None, TEXT) is None
    assert bodies.unpack(bodies.pack("<p></p>", None), None) == "<p></p>"
