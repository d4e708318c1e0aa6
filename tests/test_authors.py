"""Author and source lines leave the body and become fields; a sentence is never an author."""

import unicodedata

import pytest

from crawler.extract.authors import extract_author_source, looks_like_names, person_name
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


@pytest.mark.parametrize(
    "text,name",
    [
        ("Phạm Văn Phải – Phó Hiệu trưởng Trường THPT Việt Vinh", "Phạm Văn Phải"),
        ("Phạm Văn Phải - CV Phòng TCCB", "Phạm Văn Phải"),
        ("Lê Thị Hoa, giáo viên Trường TH Kim Đồng", "Lê Thị Hoa"),
        ("ANH NHÀN - ANH TÚ", "ANH NHÀN - ANH TÚ"),
        ("Thanh Tú - Thuận Cẩm", "Thanh Tú - Thuận Cẩm"),
        ("Trường THCS Nguyễn Huệ", None),
        ("TRƯỜNG THCS & THPT BÁN TRÚ - NỘI TRÚ HỒNG HÀ", None),
        ("Phòng GD&ĐT Lộc Ninh", None),
        ("Ban biên tập", None),
        ("Bà Nguyễn Thị Kim Hoa – Phó Trưởng phòng GDĐT cho biết, năm nay Phòng mời 12 báo cáo viên", None),
        ("Đoàn Văn Minh", "Đoàn Văn Minh"),  # Đoàn is a family name too, not only the Youth Union
    ],
)
def test_person_name(text, name):
    assert person_name(text) == name


def test_person_name_reads_nfd_and_entities():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung – Giáo viên Trường MN Hoa Sen")
    assert person_name(nfd) == "Nguyễn Thị Hồng Nhung"
    assert person_name("Nguy&#7877;n V&#259;n An") == "Nguyễn Văn An"


@pytest.mark.parametrize(
    "tail,author,source",
    [
        # The byline after a rating widget's label and a source line: labels do not use up the places scanned.
        ('<div class="author"><span><b>Tác giả:</b></span> Thanh Tú - Thuận Cẩm </div>'
         '<div class="source"><span><b>Nguồn:</b>Cổng thông tin Báo Bắc Ninh</span><span> Copy link</span></div>',
         "Thanh Tú - Thuận Cẩm", "Cổng thông tin Báo Bắc Ninh"),
        ("<p>Tác giả: Trường THCS Nguyễn Huệ</p>", None, None),  # an institution: no author, and the line leaves
        ("<p>Đăng bởi Hồng Nhung</p>", "Hồng Nhung", None),
        ('<span style="font-size:14pt">Phạm Văn Phải – Phó Hiệu trưởng Trường THPT Việt Vinh</span>',
         "Phạm Văn Phải", None),
    ],
)
def test_bylines_in_portal_markups(tail, author, source):
    body = parse_fragment(f"<p>{PROSE}</p>{tail}")
    assert extract_author_source(body) == (author, source)
    assert paragraphs(body)[-1] in (PROSE, "Copy link")
    assert "Tác giả" not in " ".join(paragraphs(body))


def test_source_line_in_theo_form_is_labelled():
    from crawler.extract.authors import labelled_line

    assert labelled_line("Theo Báo Dân trí") == ("source", "Báo Dân trí")
    assert labelled_line("Gửi bởi Nguyễn Thị Hoa vào 23-09-2026 | 17:06") == ("author", "Nguyễn Thị Hoa")
    assert labelled_line("theo kế hoạch của nhà trường, các lớp đã hoàn thành") is None
