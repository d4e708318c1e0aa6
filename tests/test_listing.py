from crawler.extract.listing import article_links, next_page
from crawler.extract.rules import GENERIC
from crawler.html import parse_document


def test_generic_listing_links_dates_and_next_page(page_html):
    url = "http://127.0.0.9:8808/tin-tuc"
    doc = parse_document(page_html("generic_listing.html"))
    links = article_links(doc, url, GENERIC)
    assert [link.url for link in links] == [
        "http://127.0.0.9:8808/tin-tuc/khai-giang.html",
        "http://127.0.0.9:8808/tin-tuc/hop-phu-huynh.html",
        "http://127.0.0.9:8808/tin-tuc/tuu-truong.html",
    ]
    assert [link.date for link in links] == ["05/09/2023", "01/09/2023", "28/08/2023"]
    assert next_page(doc, url, GENERIC) == "http://127.0.0.9:8808/tin-tuc?page=2"


def test_menu_links_are_not_articles(page_html):
    doc = parse_document(page_html("generic_listing.html"))
    urls = [link.url for link in article_links(doc, "http://127.0.0.9:8808/tin-tuc", GENERIC)]
    assert "http://127.0.0.9:8808/lien-he" not in urls


def test_offsite_links_ignored():
    doc = parse_document(
        '<div class="list"><a href="http://other.example/tin-tuc/bai-viet-rat-dai-ve-giao-duc.html">'
        "Bài viết rất dài về giáo dục trên trang khác</a></div>"
    )
    assert article_links(doc, "http://127.0.0.9:8808/", GENERIC) == []


def test_a_link_in_the_side_box_and_the_listing_keeps_the_fuller_date():
    from crawler.extract.listing import article_links
    from crawler.extract.rules import GENERIC
    from crawler.html import parse_document

    title = "Trường Tiểu học Lê Hồng Phong tổ chức hội thi kể chuyện theo sách"
    doc = parse_document(
        f"<html><body><div class='box'><ul><li><a href='/tin/1.html'>{title}</a> <span>(09/11)</span></li></ul></div>"
        f"<div class='list'><div class='item'><h3><a href='/tin/1.html'>{title}</a></h3>"
        "<span class='date'>09/11/2026 19:47</span></div></div></body></html>"
    )
    links = article_links(doc, "http://127.0.0.9/thong-bao.html", GENERIC)
    assert [(link.url, link.date) for link in links] == [("http://127.0.0.9/tin/1.html", "09/11/2026 19:47")]
