"""The generic path's second opinion (trafilatura's text mapped onto our own elements) and what it decides:
which element is the body, which blocks inside it are furniture, and when a detected family's selector is wrong.
The pages are small ones written for these tests; bench/aeb.py and bench/real_articles.py measure real pages."""

import unicodedata

import lxml.html

from crawler.extract import opinion
from crawler.extract.detect import detect_family
from crawler.extract.page import ArticlePage
from crawler.extract.rules import GENERIC, FamilyRules
from crawler.items import ArticleItem
from crawler.steps import normalise_step

PARAS = [
    "Sáng 5/9, thầy và trò Trường THCS Hòa Bình long trọng tổ chức Lễ khai giảng năm học 2023-2024 trong không "
    "khí tưng bừng của ngày hội toàn dân đưa trẻ đến trường.",
    "Năm học 2023-2024, nhà trường có 24 lớp với 986 học sinh; đội ngũ 52 cán bộ, giáo viên, nhân viên, trong đó "
    "100% đạt chuẩn và trên chuẩn về trình độ đào tạo.",
    "Phát biểu tại buổi lễ, thầy Hiệu trưởng đề nghị mỗi thầy cô giáo tiếp tục đổi mới phương pháp dạy học, mỗi "
    "học sinh chăm ngoan, học giỏi, rèn luyện kỹ năng sống.",
]


def _page(body: str, head: str = "<title>Lễ khai giảng năm học mới - Trường THCS Hòa Bình</title>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_votes_count_a_repeated_copy_of_the_article_once():
    doc = lxml.html.document_fromstring(
        _page("<div id='a'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
              "<div id='b'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    )
    text = " ".join(PARAS)
    counts = opinion.votes(doc, text)
    first, second = doc.get_element_by_id("a"), doc.get_element_by_id("b")
    assert counts[first][0] == counts[first][1] > 0
    assert counts[second][0] == 0  # the second copy is not what the opinion read
    assert opinion.best_element(doc, counts).element is first


def test_without_an_opinion_our_scorer_decides():
    html = _page("<div class='noi-dung'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    page = ArticlePage(html, "http://127.0.0.9/a.html", GENERIC)
    page.__dict__["opinion"] = opinion.Opinion(None, {})  # trafilatura found no text
    assert page.body_element.get("class") == "noi-dung"


def test_votes_fold_nfd_text():
    nfd = unicodedata.normalize("NFD", PARAS[0])
    doc = lxml.html.document_fromstring(_page(f"<div><p>{nfd}</p></div>"))
    counts = opinion.votes(doc, PARAS[0])
    assert counts[doc.find(".//p")][0] > 0


def test_opinion_replaces_a_wrapper_and_prunes_teasers_inside_the_body():
    teaser = "Đọc thêm: Hội nghị tổng kết năm học 2022-2023 của ngành giáo dục huyện diễn ra thành công tốt đẹp"
    html = _page(
        "<div class='main'><h1>Lễ khai giảng năm học mới</h1>"
        "<div class='post'>" + "".join(f"<p>{p}</p>" for p in PARAS)
        + f"<div class='teaser'><a href='/tin-khac'>{teaser}</a></div>"
        + "<p style='text-align:right'><strong>Tác giả: Nguyễn Văn An</strong></p></div>"
        "<div class='sidebar'>" + "".join(f"<p><a href='/t{i}'>Tin tức số {i} của nhà trường trong tuần qua</a></p>"
                                          for i in range(12)) + "</div></div>"
    )
    page = ArticlePage(html, "http://127.0.0.9/tin-tuc/khai-giang.html", GENERIC)
    assert page.opinion.confident
    assert page.body_element.get("class") == "post"
    body = page.body_html()
    assert "Hội nghị tổng kết" not in body
    assert "Nguyễn Văn An" in body  # a labelled byline stays for the author step


def test_detected_family_selector_is_checked_against_the_opinion():
    rules = FamilyRules(name="lookalike", article_body="div.wrapper",
                        fingerprints=("div.wrapper", "div.post"), min_fingerprints=2)
    comments = "".join(f"<p>Bình luận số {i}: bài viết rất hay, cảm ơn nhà trường đã chia sẻ thông tin hữu ích</p>"
                       for i in range(30))
    html = _page("<div class='wrapper'><div class='post'>" + "".join(f"<p>{p}</p>" for p in PARAS)
                 + f"</div><div class='comments'>{comments}</div></div>")
    detected = detect_family(lxml.html.document_fromstring(html), [rules])
    assert detected is not None and detected.check_body
    page = ArticlePage(html, "http://127.0.0.9/a.html", detected)
    trusted = ArticlePage(html, "http://127.0.0.9/a.html", rules)
    assert trusted.body_element.get("class") == "wrapper"  # a configured profile's selector is taken as it is
    assert page.opinion.confident and page.body_element.get("class") == "post"


def test_escaped_markup_in_attributes_stays_escaped_while_text_entities_are_decoded():
    item = ArticleItem(
        url="http://127.0.0.9/a.html", site="t", title="T",
        body_html='<div data-x="&lt;p&gt;Bản sao&lt;/p&gt;">'
        "<p>Gi&amp;aacute;o d&#7909;c &amp; đ&agrave;o tạo</p></div>",
    )
    normalise_step(item)
    doc = lxml.html.fragment_fromstring(item.body_html)
    assert doc.find(".//p").text_content() == "Giáo dục & đào tạo"
    assert len(doc.findall(".//p")) == 1  # the attribute's escaped <p> did not become markup


def test_a_detected_familys_body_inside_the_opinions_choice_stands():
    rules = FamilyRules(name="lookalike", article_body="div.post", check_body=True)
    sapo = "<p class='lead'>Lễ khai giảng năm học mới diễn ra trang trọng với sự tham dự của lãnh đạo địa phương.</p>"
    html = _page("<div class='wrap'><h1>Lễ khai giảng năm học mới</h1>" + sapo + "<div class='post'>"
                 + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div>")
    page = ArticlePage(html, "http://127.0.0.9/a.html", rules)
    assert page.opinion.confident
    assert page.body_element.get("class") == "post"
