"""The page object and the refining steps on whole, real-shaped pages (no Scrapy, no database)."""

from crawler.extract.page import ArticlePage, page_item
from crawler.steps import refine
from spiders.profiles import families

URL = "http://127.0.0.2:8808/tin-tuc/thong-tin-chi-dao-dieu-hanh/hoi-nghi-so-ket.html?utm_source=zalo"


def _item(html, url, family="generic", fetched_at="2026-11-27T01:00:00+00:00"):
    rules = families()[family]
    page = ArticlePage(html, url, rules)
    return page, refine(page_item(page, "test-site", fetched_at), rules.boilerplate)


def test_provincial_page(page_html):
    page, item = _item(page_html("provincial_seed_like.html"), URL, "provincial")
    assert page.is_article()
    assert item.url == "http://127.0.0.2:8808/tin-tuc/thong-tin-chi-dao-dieu-hanh/hoi-nghi-so-ket.html"
    assert item.title == "Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm 2022"
    assert item.published_at == "2022-07-18"
    assert item.published_source == "page"
    assert item.author == "Đình Vinh"
    assert item.category == "Thông tin chỉ đạo điều hành"
    assert [i["caption"] for i in item.images] == [
        "Đồng chí Phạm Đăng Khoa – Tỉnh ủy viên, Bí thư Đảng bộ, Giám đốc Sở GDĐT, chủ trì Hội nghị phát biểu "
        "chỉ đạo tại Hội nghị",
        "Đồng chí Nguyễn Hữu Quát – Phó Bí thư Đảng bộ phát biểu tại Hội nghị",
    ]
    assert item.images[0]["src"] == "http://127.0.0.2:8808/uploads/2022/07/hoi-nghi-1.jpg"
    paragraphs = item.body_text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Sáng 18/7, Đảng ủy Sở")
    for junk in ("Lượt xem", "Đọc bài viết", "Tin liên quan", "Ý kiến", "Đình Vinh", "Đồng chí Phạm Đăng Khoa"):
        assert junk not in item.body_text
    assert "<script" not in item.body_html and "Đình Vinh" not in item.body_html


def test_generic_article_without_profile(page_html):
    url = "http://127.0.0.9:8808/tin-tuc/khai-giang.html"
    page, item = _item(page_html("generic_school.html"), url)
    assert page.is_article()
    assert item.title == "Trường THCS Hòa Bình long trọng tổ chức Lễ khai giảng năm học 2023-2024"
    # The top bar shows today's date; the article's own date line is the one near the title.
    assert item.published_at == "2023-09-05T07:45:00+07:00"
    assert item.summary.startswith("Sáng 5/9, trong không khí tưng bừng")
    assert item.author == "Lê Thị Thu Hà"
    assert [(i["src"], i["caption"]) for i in item.images] == [
        (
            "http://127.0.0.9:8808/upload/2023/09/khai-giang.jpg",
            "Học sinh lớp 6 được đón vào trường trong ngày khai giảng",
        )
    ]
    assert item.body_text.startswith("Tới dự buổi lễ")
    assert "Các tin khác" not in item.body_text and "Họp phụ huynh" not in item.body_text
    assert item.word_count > 50


def test_listing_is_not_an_article(page_html):
    page = ArticlePage(page_html("generic_listing.html"), "http://127.0.0.9:8808/tin-tuc")
    assert not page.is_article()


def test_empty_and_broken_pages_are_not_articles():
    for html in ("", "   ", "<html><body><p>Liên hệ: 0269.3824.123</p></body></html>", "<div><p>unclosed"):
        assert not ArticlePage(html, "http://127.0.0.9/x").is_article()


def test_generic_lead_figure_above_body_is_an_article_image():
    html = (
        "<html><body><div class='news'><h1>Hội thi giáo viên dạy giỏi cấp huyện năm học 2019-2020</h1>"
        "<span class='time'>Thứ sáu - 22/11/2019 08:30</span>"
        "<figure class='lead'><img src='/uploads/hoi-thi-1.jpg'>"
        "<figcaption>Cô giáo trong tiết dạy</figcaption></figure>"
        "<div class='related'><figure><a href='/tin-khac.html'><img src='/uploads/khac.jpg'></a></figure></div>"
        "<div class='bodytext'><p>" + "Từ ngày 18 đến 21/11/2019, Phòng GDĐT tổ chức Hội thi giáo viên dạy giỏi. " * 6
        + "</p></div></div></body></html>"
    )
    page, item = _item(html, "http://127.0.0.9/tin/hoi-thi.html")
    assert [(i["src"], i["caption"]) for i in item.images] == [
        ("http://127.0.0.9/uploads/hoi-thi-1.jpg", "Cô giáo trong tiết dạy")
    ]


# -- generic headline and dateline on layouts no profile describes ---------------------------------------------------

_PROSE = ("<p>Sáng 18/10, Phòng Giáo dục và Đào tạo huyện tổ chức hội nghị triển khai nhiệm vụ năm học 2026-2027 "
          "cho cán bộ quản lý các trường mầm non, tiểu học và trung học cơ sở trên địa bàn huyện, với sự tham dự "
          "của hơn một trăm đại biểu.</p>") * 3


def test_headline_in_a_styled_block_under_a_banner_h1_and_a_portal_title():
    html = ("<html><head><title>Cổng thông tin điện tử Sở GD&amp;ĐT</title></head><body>"
            "<div id='banner'><h1>SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG</h1></div>"
            "<div class='col-left'><h3>Tin mới</h3></div>"
            "<div class='ArticleHeader'>Khởi công xây dựng lớp học điểm trường thôn Giàn Thượng</div>"
            "<div class='PostDate'>28/05/2021 15:24:00</div>"
            f"<div class='ArticleContent'>{_PROSE}</div></body></html>")
    page = ArticlePage(html, "http://127.0.0.9/Pages/news.aspx?ItemID=15", families()["generic"])
    assert page.title() == "Khởi công xây dựng lớp học điểm trường thôn Giàn Thượng"
    assert ("page", "28/05/2021 15:24:00") in page.date_candidates()


def test_legacy_table_layout_with_bold_headline_and_update_line():
    html = ("<html><body><table><tr><td><h1 class='logo'><img src='/logo.gif'>PHÒNG GD&amp;ĐT HUYỆN ĐỨC THỌ</h1>"
            "</td></tr><tr><td><span style='font-size:18px;font-weight:bold'>Hội nghị triển khai nhiệm vụ năm học "
            "2026-2027</span><br><i>(Cập nhật: 18/10/2026)</i><br><br>"
            + _PROSE.replace("<p>", "").replace("</p>", "<br><br>") + "</td></tr></table></body></html>")
    page = ArticlePage(html, "http://127.0.0.9/index.php?mod=news&id=12", families()["generic"])
    assert page.title() == "Hội nghị triển khai nhiệm vụ năm học 2026-2027"
    assert any(raw == "(Cập nhật: 18/10/2026)" for _, raw in page.date_candidates())
    assert page.is_article(strict=True)


def test_another_articles_headline_with_a_date_is_no_dateline():
    html = ("<html><body><h1>Nữ sinh Trường Sa và ước mơ thành chiến sĩ hải quân</h1>"
            f"<div class='noidung'>{_PROSE}</div>"
            "<div class='other'><div>THÔNG BÁO TRẢ HỌC PHÍ NĂM HỌC 2023-2024 CHO HỌC SINH (29.07.2024)</div></div>"
            "</body></html>")
    page = ArticlePage(html, "http://127.0.0.9/tin-tuc/nu-sinh.html", families()["generic"])
    assert not [c for c in page.date_candidates() if c[0] == "page"]


def test_register_of_documents_is_no_article_but_an_announcement_with_its_documents_is():
    rows = "".join(f"<tr><td>{n}/SGDĐT-VP</td><td>0{n}/07/2026</td><td>Về việc triển khai nhiệm vụ năm học mới</td>"
                   f"<td><a href='/uploads/{n}.pdf'>Tải về</a></td></tr>" for n in range(1, 9))
    register = (f"<html><body><div class='main'><h2>Văn bản chỉ đạo điều hành</h2><table>{rows}</table></div>"
                "</body></html>")
    page = ArticlePage(register, "http://127.0.0.9/van-ban.html", families()["generic"])
    assert page.looks_like_listing() and not page.is_article(strict=True)
    announcement = ("<html><body><h1>Thông báo tuyển sinh lớp 10 năm học 2026-2027</h1>"
                    f"<div class='noi-dung'><p>Ngày đăng: 18/10/2026</p>{_PROSE}{_PROSE}<table>{rows[:400]}</table>"
                    "</div></body></html>")
    page = ArticlePage(announcement, "http://127.0.0.9/tin-tuc/tuyen-sinh.html", families()["generic"])
    assert not page.looks_like_listing()


def test_a_page_whose_only_prose_is_its_footer_is_no_article():
    footer = ("<div class='footer'><p>Phòng Giáo dục và Đào tạo huyện Hậu Lộc. Địa chỉ: Số 138 đường Lê Lợi, huyện Hậu "
              "Lộc. Điện thoại: 0243.3806998. Bản quyền thuộc về đơn vị, ghi rõ nguồn khi phát hành lại thông tin từ "
              "website này.</p></div>")
    html = ("<html><body><div class='top'>Hôm nay: Thứ Năm, 03/12/2026</div><div class='gallery'>"
            "<h2 class='block-title'>Thống kê truy cập</h2><img src='/a.jpg'><img src='/b.jpg'></div>"
            f"{footer}</body></html>")
    page = ArticlePage(html, "http://127.0.0.9/thu-vien-anh.html", families()["generic"])
    assert not page.is_article(strict=True)
    assert not [c for c in page.date_candidates() if c[0] == "page"]
    without_clock = ArticlePage(html.replace("Hôm nay: Thứ Năm, 03/12/2026", ""), page.url, families()["generic"])
    assert without_clock.body_element is None


def test_headline_beside_side_boxes_sapo_headings_and_section_names():
    side = ("<div class='col-md-3 left-col'><div class='block'><h2 class='block-title'>Liên kết website</h2><ul>"
            "<li><a href='https://moet.gov.vn'>Bộ Giáo dục và Đào tạo</a></li></ul></div></div>")
    html = ("<html><head><title>Cổng thông tin Phòng GDĐT</title></head><body>"
            "<nav><a href='/tin-tuc'>Hoạt động chuyên môn</a></nav>"
            f"<div class='row'>{side}<div class='col-md-9 columns-widget'>"
            "<h2 class='cat-name'>Hoạt động chuyên môn</h2>"
            "<p><span style='font-weight:bold;font-size:16px'>Sôi nổi ngày hội STEM tại Trường Mầm non Nguyễn Huệ"
            "</span></p><h2 class='sapo'>Ngày hội giúp học sinh trải nghiệm khoa học, công nghệ, kỹ thuật và toán "
            f"học qua 30 gian trưng bày.</h2><div class='noi-dung'>{_PROSE}</div></div></div></body></html>")
    page = ArticlePage(html, "http://127.0.0.9/Default.aspx?tabid=89&ID=5335", families()["generic"])
    assert page.title() == "Sôi nổi ngày hội STEM tại Trường Mầm non Nguyễn Huệ"


def test_date_candidates_are_a_fresh_list_each_time():
    html = (
        '<html><head><meta property="article:published_time" content="2022-07-18T08:30:00+07:00"></head>'
        '<body><h1 class="title-detail">Hội nghị tổng kết năm học</h1><div class="article-content"><p>'
        + "Nội dung bài viết. " * 30
        + "</p></div></body></html>"
    )
    page = ArticlePage(html, "http://127.0.0.2/tin-tuc/hoi-nghi.html", families()["provincial"])
    first = page.date_candidates()
    first.insert(0, ("listing", "18/07/2022"))
    assert page.date_candidates() == [("meta", "2022-07-18T08:30:00+07:00")]
    assert page.is_article()
    assert page.title() == "Hội nghị tổng kết năm học"


def test_canonical_link_and_time_elements_without_xpath():
    html = (
        '<html><head><link rel="alternate" href="/feed"><link rel="canonical" href="/tin-tuc/bai-1.html"></head>'
        '<body><h1 class="title-detail">Tin một</h1><time datetime="2022-07-18">18/07</time>'
        '<div class="article-content"><time class="updated" datetime="2022-07-20">20/07</time><p>Nội dung.</p>'
        "</div></body></html>"
    )
    page = ArticlePage(html, "http://127.0.0.2/tin-tuc/bai-1.html?utm_source=zalo", families()["provincial"])
    assert page.canonical_url() == "http://127.0.0.2/tin-tuc/bai-1.html"
    assert ("time", "2022-07-18") in page.date_candidates()
