"""Template furniture never reaches body_text."""

import pytest

from crawler.extract.boilerplate import clean_body, is_furniture
from crawler.html import paragraphs, parse_fragment

PROSE = "Sáng 18/7, Đảng ủy Sở Giáo dục và Đào tạo (GDĐT) đã tổ chức Hội nghị sơ kết công tác xây dựng Đảng."
PROSE2 = "Hiện nay, Đảng bộ Sở GDĐT có 07 chi bộ trực thuộc, 72 đảng viên, trong đó 70 đảng viên chính thức."


@pytest.mark.parametrize(
    "text",
    ["Lượt xem:", "Lượt xem: 1.234", "Đọc bài viết", "In bài viết", "In ra", "Lưu bài viết này", "Đã xem: 87",
     "Đóng cửa sổ này", "Chia sẻ", "Giới thiệu bài viết cho bạn bè", "LƯỢT XEM: 12"],
)
def test_furniture_lines(text):
    assert is_furniture(text)


@pytest.mark.parametrize("text", [PROSE, "Lượt xem bài giảng trực tuyến tăng mạnh trong năm học 2021-2022", ""])
def test_prose_is_not_furniture(text):
    assert not is_furniture(text)


def test_clean_body_removes_furniture_widgets_and_trailing_lists():
    body = parse_fragment(
        '<div class="post-view">Lượt xem: <span id="view"></span></div>'
        '<div class="tts"><button>Đọc bài viết</button><audio src="x.mp3"></audio></div>'
        f"<p>{PROSE}</p><script>var x = 1;</script><style>p{{}}</style>"
        '<div class="social-share"><a href="#">Facebook</a><a href="#">Zalo</a></div>'
        f"<p>{PROSE2}</p>"
        "<h3>Tin liên quan</h3><ul><li><a href='/a'>Hội nghị tổng kết năm học (18/07/2022)</a></li></ul>"
        "<p>Ý kiến của bạn</p>"
    )
    clean_body(body)
    assert paragraphs(body) == [PROSE, PROSE2]


def test_family_selectors_removed():
    body = parse_fragment(f'<p>{PROSE}</p><div class="news-download-file">Tải về</div><p>{PROSE2}</p>')
    clean_body(body, [".news-download-file"])
    assert paragraphs(body) == [PROSE, PROSE2]


def test_widget_class_on_a_block_with_prose_and_photo_is_kept():
    long = PROSE * 3
    body = parse_fragment(f'<div class="content-audio-wrapper"><p>{long}</p><p><img src="/a.jpg"></p></div>')
    clean_body(body)
    assert paragraphs(body) == [long]


def test_table_of_contents_and_copy_link_leave_the_body():
    body = parse_fragment(
        f"<div class='ez-toc-container'><p>Mục lục</p><ul><li><a href='#1'>Phần 1</a></li></ul></div>"
        f"<p>{PROSE}</p><p>{PROSE2}</p><span>Copy link</span>"
    )
    clean_body(body)
    assert paragraphs(body) == [PROSE, PROSE2]


def test_widget_words_on_table_rows_and_embedded_posts_are_not_widgets():
    body = parse_fragment(
        f"<p>{PROSE}</p><table><tr class='oddrow player-2020-580'><td>1</td><td>Nguyễn Văn An</td><td>28,5</td></tr>"
        "</table><blockquote class='twitter-tweet'><p>Bộ GDĐT công bố lịch thi tốt nghiệp THPT năm 2026.</p>"
        "</blockquote>"
    )
    clean_body(body)
    assert paragraphs(body) == [PROSE, "1 | Nguyễn Văn An | 28,5", "Bộ GDĐT công bố lịch thi tốt nghiệp THPT năm 2026."]
