"""Captions in every markup the sites use, paired with their image, and removed from the body."""

import pytest

from crawler.extract.images import extract_images, is_decorative, split_credit
from crawler.html import paragraphs, parse_fragment

CAPTION = "Đồng chí Phạm Đăng Khoa phát biểu chỉ đạo tại Hội nghị"
PROSE = (
    "Hiện nay, Đảng bộ Sở GDĐT có 07 chi bộ trực thuộc, 72 đảng viên, trong đó 70 đảng viên chính thức. "
    "Trong 6 tháng đầu năm, Đảng bộ đã không ngừng nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức."
)
SRC = "http://127.0.0.2/uploads/2022/07/hoi-nghi-1.jpg"

MARKUPS = {
    "figcaption": f'<figure class="image"><img src="{SRC}"><figcaption><em>{CAPTION}</em></figcaption></figure>'
    f"<p>{PROSE}</p>",
    "centred p after image p": f'<p style="text-align: center;"><img src="{SRC}"></p>'
    f'<p style="text-align: center;"><em>{CAPTION}</em></p><p>{PROSE}</p>',
    "bare short p (Gia Lai)": f'<p><img src="{SRC}" alt=""></p><p>{CAPTION}</p><p>{PROSE}</p>',
    "table block": f'<table class="image-block"><tr><td><img src="{SRC}"></td></tr>'
    f"<tr><td>{CAPTION}</td></tr></table><p>{PROSE}</p>",
    "PhotoCMS": f'<div class="VCSortableInPreviewMode" type="Photo"><div><img src="{SRC}"></div>'
    f'<div class="PhotoCMS_Caption"><p>{CAPTION}</p></div></div><p>{PROSE}</p>',
    "tplCaption": f'<figure class="tplCaption"><img src="{SRC}"><figcaption><p class="Image">{CAPTION}</p>'
    f"</figcaption></figure><p>{PROSE}</p>",
    "wp-caption": f'<div class="wp-caption aligncenter"><img src="{SRC}">'
    f'<p class="wp-caption-text">{CAPTION}</p></div><p>{PROSE}</p>',
    "img then br then em in one p": f'<p style="text-align:center"><img src="{SRC}"><br><em>{CAPTION}</em></p>'
    f"<p>{PROSE}</p>",
}


@pytest.mark.parametrize("markup", MARKUPS.values(), ids=MARKUPS.keys())
def test_caption_found_and_removed_from_body(markup):
    body = parse_fragment(markup)
    images = extract_images(body)
    assert [(i["src"], i["caption"]) for i in images] == [(SRC, CAPTION)]
    assert paragraphs(body) == [PROSE]


def test_long_paragraph_after_image_is_prose_not_caption():
    body = parse_fragment(f'<p><img src="{SRC}"></p><p>{PROSE}</p>')
    images = extract_images(body)
    assert images[0]["caption"] is None
    assert paragraphs(body) == [PROSE]


def test_credit_split_from_caption():
    body = parse_fragment(
        f'<figure><img src="{SRC}"><figcaption>Thầy trò Trường THPT Pleiku dự lễ khai giảng '
        f"(Ảnh: Thanh Nhật)</figcaption></figure>"
    )
    (image,) = extract_images(body)
    assert image["caption"] == "Thầy trò Trường THPT Pleiku dự lễ khai giảng"
    assert image["credit"] == "Ảnh: Thanh Nhật"


def test_credit_line_after_caption():
    body = parse_fragment(
        f'<p><img src="{SRC}"></p><p style="text-align:center"><em>{CAPTION}</em></p>'
        f'<p style="text-align:center">Ảnh: Đình Vinh</p><p>{PROSE}</p>'
    )
    (image,) = extract_images(body)
    assert (image["caption"], image["credit"]) == (CAPTION, "Ảnh: Đình Vinh")
    assert paragraphs(body) == [PROSE]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Học sinh dự thi - Ảnh: T.N", ("Học sinh dự thi", "Ảnh: T.N")),
        ("Ảnh: Thanh Nhật", (None, "Ảnh: Thanh Nhật")),
        ("Lễ khai giảng năm học mới", ("Lễ khai giảng năm học mới", None)),
        ("  ", (None, None)),
    ],
)
def test_split_credit(text, expected):
    assert split_credit(text) == expected


def test_images_in_page_order_with_several_captions():
    srcs = [f"http://127.0.0.2/uploads/anh-{i}.jpg" for i in range(3)]
    html = "".join(
        f'<p><img src="{s}"></p><p style="text-align:center"><em>Chú thích ảnh số {i}</em></p><p>{PROSE}</p>'
        for i, s in enumerate(srcs)
    )
    body = parse_fragment(html)
    images = extract_images(body)
    assert [i["src"] for i in images] == srcs
    assert [i["caption"] for i in images] == [f"Chú thích ảnh số {i}" for i in range(3)]
    assert paragraphs(body) == [PROSE] * 3


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/images/logo.png">',
        '<img src="/themes/default/images/icons/print.gif">',
        '<img src="/upload/share-facebook.png">',
        '<img src="/images/spacer.gif" width="1" height="1">',
        '<img src="data:image/gif;base64,R0lGOD">',
        '<img src="/uploads/x.jpg" width="16" height="16">',
    ],
)
def test_decorative_images(img):
    assert is_decorative(parse_fragment(img).find(".//img"))


def test_decorative_images_are_skipped():
    body = parse_fragment(f'<p><img src="/images/icon-print.png"> In bài</p><p><img src="{SRC}"></p>')
    assert [i["src"] for i in extract_images(body)] == [SRC]


@pytest.mark.parametrize(
    "text,caption,credit",
    [
        ("Ảnh: Đại biểu trao giấy khen cho các tập thể xuất sắc", "Đại biểu trao giấy khen cho các tập thể xuất sắc",
         None),
        ("Ảnh: Thanh Nhật", None, "Ảnh: Thanh Nhật"),
        ("Quang cảnh buổi làm việc. Ảnh: Đức Thụy", "Quang cảnh buổi làm việc.", "Ảnh: Đức Thụy"),
    ],
)
def test_a_labelled_caption_is_no_credit(text, caption, credit):
    assert split_credit(text) == (caption, credit)


def test_table_image_block_caption_row_through_wrappers():
    body = parse_fragment(
        f"<p>{PROSE}</p><table align='center'><tbody><tr><td><span><img src='http://127.0.0.9/a.jpg'></span></td>"
        f"</tr><tr><td style='text-align:center'><span>{CAPTION}.<strong> Ảnh: Đức Thụy</strong></span></td></tr>"
        "</tbody></table>"
    )
    images = extract_images(body)
    assert [(i["caption"], i["credit"]) for i in images] == [(CAPTION + ".", "Ảnh: Đức Thụy")]
    assert paragraphs(body) == [PROSE]


@pytest.mark.parametrize(
    "after",
    [
        "“Buổi diễn rất tuyệt, chúng tôi sẽ quay lại.”",  # a quotation goes on with the story
        "Năm học này trường có 24 lớp. Tỷ lệ chuyên cần đạt 98%.",  # two sentences
        "그 때문에 드라마의 승부수가 금방 읽힌다. 하지만 이유리의 연기는 여전히 시선을 끈다.",  # any script
    ],
)
def test_prose_after_a_photo_is_no_bare_caption(after):
    body = parse_fragment(f"<p>{PROSE}</p><p><img src='http://127.0.0.9/a.jpg'></p><p>{after}</p>")
    assert [i["caption"] for i in extract_images(body)] == [None]
    assert paragraphs(body)[-1] == after
