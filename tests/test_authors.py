"""Author and source lines leave the body and become fields; a sentence is never an author."""

import pytest

from crawler.extract.authors import extract_author_source, looks_like_names
from crawler.html import paragraphs, parse_fragment

PROSE = (
    "Với sự tán thành, nhất trí cao của các đại biểu tham dự Hội nghị, toàn Đảng bộ Sở GDĐT thể hiện sự quyết "
    "tâm trong việc thực hiện thắng lợi các nhiệm vụ, chỉ tiêu năm 2022 đã đề ra."
)


@pytest.mark.parametrize(
    "tail,author,source",
    [
        ('<p style="text-align: right;"><strong>Đình Vinh</strong></p>', "Đình Vinh", None),
        ('<p style="text-align:right"><b>Đình Vinh – Thanh Nhật</b></p>', "Đình Vinh – Thanh Nhật", None),
        ("<p><strong>Tác giả: </strong>Nguyễn Thị Hồng Nhung</p>", "Nguyễn Thị Hồng Nhung", None),
        ("<p>Bài và ảnh: Thanh Nhật</p>", "Thanh Nhật", None),
        ("<p>Người viết: Trần Văn Nam</p>", "Trần Văn Nam", None),
        (
            "<p><strong>Tác giả: </strong>Lê Minh</p><p><strong>Nguồn tin: </strong>Phòng GDĐT Lộc Ninh</p>",
            "Lê Minh",
            "Phòng GDĐT Lộc Ninh",
        ),
        (
            "<p>Nguồn tin: Bộ Giáo dục và Đào tạo. Link xem bài viết gốc tại đây: "
            '<a href="http://moet.gov.vn/x">http://moet.gov.vn/x</a></p>',
            None,
            "Bộ Giáo dục và Đào tạo",
        ),
        (
            '<p style="text-align:right"><strong>Đình Vinh</strong></p><p>Theo Báo Gia Lai</p>',
            "Đình Vinh",
            "Báo Gia Lai",
        ),
        ('<p align="right"><em>NGUYỄN HOÀNG CHƯƠNG</em></p>', "NGUYỄN HOÀNG CHƯƠNG", None),
        ("<p><strong>Đình Vinh (Nguồn: Báo Gia Lai)</strong></p>", "Đình Vinh", "Báo Gia Lai"),
    ],
)
def test_signature_lines(tail, author, source):
    body = parse_fragment(f"<p>{PROSE}</p>{tail}")
    assert extract_author_source(body) == (author, source)
    assert paragraphs(body) == [PROSE]


@pytest.mark.parametrize(
    "tail",
    [
        "<p><strong>Hội nghị kết thúc tốt đẹp.</strong></p>",
        '<p style="text-align:right">Sở GDĐT đề nghị các đơn vị thực hiện nghiêm túc.</p>',
        "<p><strong>Trân trọng thông báo!</strong></p>",
        "<p>Lớp 10/3 đạt giải nhất</p>",
        "<p><b>Quyết định số 1234/QĐ-SGDĐT</b></p>",
    ],
)
def test_sentences_are_never_authors(tail):
    body = parse_fragment(f"<p>{PROSE}</p>{tail}")
    author, _ = extract_author_source(body)
    assert author is None
    assert len(paragraphs(body)) == 2


def test_hint_used_when_body_has_no_signature_and_admin_ignored():
    body = parse_fragment(f"<p>{PROSE}</p>")
    assert extract_author_source(body, author_hint="Thanh Nhật") == ("Thanh Nhật", None)
    body = parse_fragment(f"<p>{PROSE}</p>")
    assert extract_author_source(body, author_hint="admin") == (None, None)


def test_signature_in_body_beats_meta_hint():
    body = parse_fragment(f'<p>{PROSE}</p><p style="text-align:right"><strong>Đình Vinh</strong></p>')
    assert extract_author_source(body, author_hint="Ban biên tập") == ("Đình Vinh", None)


@pytest.mark.parametrize(
    "text,ok",
    [
        ("Đình Vinh", True),
        ("Nay H’Ban", True),
        ("Đình Vinh - Thanh Nhật", True),
        ("Đình Vinh và Thanh Nhật", True),
        ("N.T.H", True),
        ("Sở GDĐT đề nghị các đơn vị", False),
        ("admin", False),
        ("Năm học 2022", False),
        ("", False),
    ],
)
def test_looks_like_names(text, ok):
    assert looks_like_names(text) is ok
