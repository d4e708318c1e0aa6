import unicodedata

import pytest

from crawler.text import clean_block, clean_text, fold_diacritics, normalise, repair_mojibake, word_count

NFC = "Sở Giáo dục và Đào tạo tổ chức Hội nghị"


def test_nfd_becomes_nfc():
    nfd = unicodedata.normalize("NFD", NFC)
    assert nfd != NFC
    assert clean_text(nfd) == NFC


@pytest.mark.parametrize(
    "raw",
    [
        "S&#7903; Gi&aacute;o d&#7909;c v&agrave; &#272;&agrave;o t&#7841;o t&#7893; ch&#7913;c H&#7897;i ngh&#7883;",
        "S&amp;#7903; Gi&amp;aacute;o d&#7909;c v&agrave; &#x110;&agrave;o "
        "t&#7841;o t&#7893; ch&#7913;c H&#7897;i ngh&#7883;",
    ],
)
def test_entities_decoded_including_double_escaped(raw):
    assert clean_text(raw) == NFC


def test_double_encoded_utf8_is_repaired():
    mojibake = NFC.encode("utf-8").decode("latin-1")
    assert "Ã" in mojibake or "á»" in mojibake
    assert repair_mojibake(mojibake) == NFC
    assert clean_text(mojibake) == NFC


def test_clean_vietnamese_is_left_alone():
    # Upper-case Vietnamese uses Â, Ã next to other letters: never mistaken for mojibake.
    for text in ("NGÃ BA CÂY XĂNG", "Trường THCS Lê Lợi", "ĐẢNG BỘ SỞ GDĐT", "Ngày 20/11 – Tôn sư trọng đạo"):
        assert repair_mojibake(text) == text


def test_invisible_and_odd_spaces():
    assert clean_text("\ufeffĐào\u00a0tạo\u200b  học\u2009sinh \n") == "Đào tạo học sinh"
    assert clean_text("   ") is None
    assert clean_text(None) is None


def test_clean_block_keeps_paragraphs():
    text = "Đoạn một\u00a0 dài.\r\n\r\n\r\n  Đoạn hai\ndòng hai  \n\n"
    assert clean_block(text) == "Đoạn một dài.\n\nĐoạn hai\ndòng hai"


def test_fold_diacritics():
    assert fold_diacritics("Đào tạo ĐẢNG hoà hòa") == "dao tao dang hoa hoa"


def test_normalise_keeps_whitespace():
    assert normalise("a\n\nb") == "a\n\nb"


def test_word_count():
    assert word_count("Sáng 18/7, Đảng ủy Sở") == 5
    assert word_count(None) == 0


def test_clean_text_gives_the_same_answer_every_time():
    nfd = unicodedata.normalize("NFD", "  Giáo dục\u200b và  Đào tạo ")
    for _ in range(3):
        assert clean_text(nfd) == "Giáo dục và Đào tạo"
        assert clean_text("H&agrave; N&#7897;i") == "Hà Nội"
        assert clean_text("GiÃ¡o dá»¥c") == "Giáo dục"
    assert clean_text("   ") is None
    assert clean_text(None) is None
