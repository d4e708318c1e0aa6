import pytest

from crawler.urls import IdentityRule, canonical_url, identity, same_site, site_key


@pytest.mark.parametrize(
    "variant",
    [
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html",
        "HTTP://GiaLai.Gov.VN/tin-tuc/hoi-nghi.html",
        "http://gialai.gov.vn:80/tin-tuc/hoi-nghi.html",
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html#binh-luan",
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html?utm_source=zalo&utm_medium=social",
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html?fbclid=IwAR0abc&zarsrc=10",
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html;jsessionid=ABC123",
        "http://gialai.gov.vn/tin-tuc/hoi-nghi.html?print=1",
        "http://gialai.gov.vn/tin-tuc/hoi%2Dnghi.html",
    ],
)
def test_variants_share_one_canonical_url(variant):
    assert canonical_url(variant) == "http://gialai.gov.vn/tin-tuc/hoi-nghi.html"


def test_query_sorted_and_padding_trimmed():
    a = canonical_url("https://moet.gov.vn:443/tintuc/Pages/a.aspx?ItemID=8979+++&date=&EventID=0")
    b = canonical_url("https://moet.gov.vn/tintuc/Pages/a.aspx?EventID=0&date=&ItemID=8979")
    assert a == b == "https://moet.gov.vn/tintuc/Pages/a.aspx?EventID=0&ItemID=8979&date="


def test_joomla_print_view_is_the_article():
    printed = "http://thcs.edu.vn/index.php?option=com_content&view=article&id=12&catid=3&tmpl=component&print=1"
    normal = "http://thcs.edu.vn/index.php?option=com_content&view=article&id=12&catid=3"
    assert canonical_url(printed) == canonical_url(normal)


def test_keep_params_overrides_tracking_list():
    url = "http://x.edu.vn/bai-viet?ref=42"
    assert canonical_url(url) == "http://x.edu.vn/bai-viet"
    assert canonical_url(url, keep_params=("ref",)) == "http://x.edu.vn/bai-viet?ref=42"


def test_non_http_left_alone():
    assert canonical_url("mailto:sogd@gialai.gov.vn") == "mailto:sogd@gialai.gov.vn"
    assert canonical_url("http://[bad") == "http://[bad"


def test_identity_by_param_ignores_category_path():
    rules = [IdentityRule(param="ItemID")]
    a = identity("https://moet.gov.vn/tintuc/Pages/tin-tong-hop.aspx?ItemID=8979", rules)
    b = identity("https://www.moet.gov.vn/tintuc/Pages/tin-hoat-dong-cua-bo.aspx?itemid=8979+", rules)
    assert a == b == "moet.gov.vn|ItemID=8979"
    assert identity("https://moet.gov.vn/tintuc/Pages/tin-tong-hop.aspx?Page=2", rules) is None


def test_identity_by_path():
    rules = [IdentityRule(path_regex=r"-(\d+)\.html$")]
    a = identity("http://locninh.edu.vn/news/tin-tuc/hoi-thi-giao-vien-gioi-1234.html", rules)
    b = identity("http://locninh.edu.vn/vi/news/hoat-dong/hoi-thi-giao-vien-gioi-1234.html", rules)
    assert a == b == "locninh.edu.vn|id=1234"


def test_site_key_and_same_site():
    assert site_key("http://WWW.gialai.gov.vn/x") == "gialai.gov.vn"
    assert site_key("http://127.0.0.2:8808/x") == "127.0.0.2:8808"
    assert same_site("http://127.0.0.2:8808/a", "http://127.0.0.2:8808/b")
    assert not same_site("http://127.0.0.2:8808/a", "http://127.0.0.3:8808/a")
    assert not same_site("http://gialai.gov.vn/", "http://gialai.gov.vn.evil.com/")
