"""Tolerant parsing, text by paragraphs, and the safety of stored HTML."""

import pytest

from crawler.html import element_text, paragraphs, parse_document, parse_fragment, sanitize, to_html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="http://evil.example/"></iframe>',
        '<a href="javascript:alert(1)">bấm</a>',
        '<img src="x.jpg" onerror="alert(1)">',
        '<p onclick="steal()">Đoạn văn</p>',
        '<object data="x.swf"></object>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    ],
)
def test_sanitize_removes_active_content(dangerous):
    clean = sanitize(f"<p>Sở GDĐT Gia Lai</p>{dangerous}")
    for needle in ("<script", "<style", "<iframe", "javascript:", "onerror", "onclick", "<object", "data:text"):
        assert needle not in clean.lower()
    assert "Sở GDĐT Gia Lai" in clean


def test_sanitize_keeps_article_markup():
    html = (
        '<p>Đoạn <strong>đậm</strong> <em>nghiêng</em></p><figure><img src="http://x.vn/a.jpg" alt="Ảnh">'
        '<figcaption>Chú thích</figcaption></figure><table><tr><td colspan="2">Ô</td></tr></table>'
        '<a href="http://x.vn/b">liên kết</a>'
    )
    clean = sanitize(html)
    for kept in ("<strong>", "<em>", "<figure>", "<figcaption>", 'colspan="2"', 'src="http://x.vn/a.jpg"'):
        assert kept in clean
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_paragraphs_tables_lists_and_breaks():
    body = parse_fragment(
        "<p>Dòng một<br>dòng hai</p><div>Khối <span>nội tuyến</span></div>"
        "<table><tr><th>STT</th><th>Đơn vị</th></tr><tr><td>1</td><td>THCS Lê Lợi</td></tr></table>"
        "<ul><li>Mục một</li><li>Mục hai</li></ul>"
    )
    assert paragraphs(body) == [
        "Dòng một\ndòng hai",
        "Khối nội tuyến",
        "STT | Đơn vị",
        "1 | THCS Lê Lợi",
        "Mục một",
        "Mục hai",
    ]


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "   ",
        "<html><body><p>unclosed <b>bold",
        "<<<>>>",
        "\x00\x01",
        "<?xml version='1.0' encoding='utf-8'?><p>x</p>",
    ],
)
def test_parsing_never_raises(broken):
    doc = parse_document(broken)
    assert doc is not None
    assert isinstance(element_text(doc), str)
    assert isinstance(to_html(parse_fragment(broken)), str)


def test_adjacent_links_keep_their_words_apart():
    fragment = parse_fragment("<p><a href='#a'>học đường</a><a href='#b'>thời gian</a> và <b>H</b>ọc sinh</p>")
    assert paragraphs(fragment) == ["học đường thời gian và Học sinh"]


def test_text_between_brs_becomes_paragraphs():
    from crawler.html import wrap_loose_lines

    fragment = parse_fragment("<div>Một <b>hai</b> ba.<br><br>Bốn năm.<br><img src='x.jpg'><br><p>Sáu</p>Bảy</div>")
    wrap_loose_lines(fragment)
    assert to_html(fragment) == (
        "<div><p>Một <b>hai</b> ba.</p><p>Bốn năm.</p><p><img src=\"x.jpg\"></p><p>Sáu</p><p>Bảy</p></div>"
    )
    inside_p = parse_fragment("<p>Dòng một<br>Dòng hai</p>")
    wrap_loose_lines(inside_p)
    assert paragraphs(inside_p) == ["Dòng một\nDòng hai"]


BODY = (
    "<p>Sáng 18/7, Sở Giáo dục và Đào tạo tổ chức hội nghị.</p>"
    "<table><tr><td>Trường</td><td>Số học sinh</td></tr><tr><td>THPT Pleiku</td><td>1.250</td></tr></table>"
    "<div><p>Đoạn hai<br>dòng hai</p><ul><li>Mục một</li><li>Mục hai</li></ul></div>"
)


@pytest.mark.parametrize("html", [BODY, "<table><tr><td>a</td><td>b</td></tr></table><p>sau</p>", "<p> </p>", ""])
@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_paragraphs_with_a_limit_are_the_first_of_all(html, limit):
    body = parse_fragment(html)
    assert paragraphs(body, limit=limit) == paragraphs(body)[:limit]
