"""Author and source lines at the end of an article body.

'Tác giả: …', 'Bài và ảnh: …', a last short right-aligned or bold name ('Đình Vinh', 'Đình Vinh – Thanh Nhật'),
'Nguồn: …', 'Nguồn tin: …', 'Theo Báo Gia Lai'. They become fields and leave the body. No author is better than a
wrong one: a line is an author only if it reads as names, never a sentence.
"""

from __future__ import annotations

import re

import lxml.html

from crawler.html import element_text, remove_keep_tail
from crawler.text import clean_text, fold_diacritics

_AUTHOR_LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:tác giả|người viết|người đăng|người thực hiện|bài và ảnh|bài, ảnh|bài - ảnh|bài/ảnh|"
    r"bài & ảnh|tin và ảnh|tin, ảnh|tin - ảnh|tin/ảnh|tin & ảnh|bài|tin|phóng viên|pv|nhóm pv|nhóm phóng viên|"
    r"biên tập|người biên tập|thực hiện|đăng bởi|viết bởi|tác giả bài viết)\s*[:：]\s*(.+?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)
# 'Đăng bởi Hồng Nhung', 'Gửi bởi admin', 'Posted by …': WordPress and Drupal bylines, with or without a colon.
_BY_LABEL = re.compile(
    r"^\s*(?:đăng bởi|viết bởi|gửi bởi|cập nhật bởi|posted by|written by|by)\s*[:：]?\s*(.+?)\s*$", re.I
)
# Words that open the name of an institution or an office, never a person's: 'Trường THCS Nguyễn Huệ', 'Phòng GDĐT'.
_INSTITUTION = re.compile(
    r"^(?:trường|nhà trường|phòng|sở|bộ|ban|ubnd|ủy ban|uỷ ban|công đoàn|đoàn trường|đoàn thanh niên|liên đội|"
    r"chi đoàn|chi bộ|đảng bộ|tổ|hội đồng|câu lạc bộ|clb|thcs|thpt|tiểu học|mầm non|trung tâm|cổng thông tin|"
    r"báo|tạp chí|đài|văn phòng|bbt|ban biên tập|website)(?=\s|$)",
    re.IGNORECASE,
)
# What follows a name as the person's office: 'Phạm Văn Phải – Phó Hiệu trưởng Trường THPT Việt Vinh', '… - CV Phòng
# TCCB', 'Lê Thị Hoa, giáo viên Trường TH …'. The name is the author; the office is not part of it.
_ROLE_SUFFIX = re.compile(
    r"\s*[–—\-,]\s*(?:phó\s+)?(?:hiệu trưởng|hiệu phó|giáo viên|gv|cv|chuyên viên|trưởng phòng|trưởng ban|"
    r"tổ trưởng|tổ phó|tpt|tổng phụ trách|nhân viên|nv|kế toán|bí thư|chủ tịch|giám đốc|cộng tác viên|ctv|"
    r"phóng viên|học sinh|hs|trường|phòng|tổ|lớp|sở|ubnd|thcs|thpt)(?=\s|$|[.,])",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(r"^\s*[(\[]?\s*(?:nguồn|nguồn tin|nguồn bài viết|nguồn bài)\s*[:：]\s*(.+)$", re.I)
_THEO = re.compile(r"^\s*\(?\s*theo\s+(.{3,80}?)\s*\)?\s*\.?\s*$", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:[–—\-,;&/+]|\bvà\b)\s*")
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ’'.]*$")
_NOT_NAMES = frozenset(
    fold_diacritics(s)
    for s in ("admin", "administrator", "quản trị", "quản trị viên", "webmaster", "ban biên tập", "bbt", "user")
)
_TAIL_SCAN = 4
_INLINE = frozenset("span strong b em i a font small u".split())
_MAX_BYLINE = 90


def _theo_source(text: str) -> str | None:
    """'Theo Báo Gia Lai' -> 'Báo Gia Lai': a short line naming where the article comes from."""
    match = _THEO.match(text)
    if match and len(text) <= 90 and match.group(1)[:1].isupper():
        return _cut_source(match.group(1))
    return None


def _cut_source(text: str) -> str | None:
    """'Bộ GDĐT. Link xem bài viết gốc tại đây: …' -> 'Bộ GDĐT'."""
    text = re.split(r"\.\s+(?=\S)|\s+[-–]\s+link\b|\blink xem\b|\bxem bài gốc\b", text, maxsplit=1, flags=re.I)[0]
    return clean_text(text.strip(" .:;-–"))


def looks_like_names(text: str) -> bool:
    """'Đình Vinh', 'Đình Vinh – Thanh Nhật', 'NGUYỄN THỊ HỒNG NHUNG': capitalised words, no digits or clauses."""
    if not text or len(text) > 80 or re.search(r"\d|[.!?:]\s*\S+\s+\S+", text):
        return False
    if fold_diacritics(text).strip() in _NOT_NAMES:
        return False
    parts = [p for p in _NAME_SEPARATORS.split(text.strip(" .()")) if p]
    if not parts or len(parts) > 5:
        return False
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 6:
            return False
        if not all(_NAME_WORD.match(w) for w in words):
            return False
    return True


def person_name(text: str | None) -> str | None:
    """The person a byline names: an office after the name is cut ('X – Phó Hiệu trưởng …' -> 'X'); an
    institution ('Trường THCS Nguyễn Huệ', 'TRƯỜNG THCS & THPT …') or a line that does not read as names is None."""
    text = clean_text(text)
    if not text or len(text) > _MAX_BYLINE:
        return None  # 'Bà Nguyễn Thị Kim Hoa – Phó Trưởng phòng GDĐT cho biết, …' is prose, not a byline
    role = _ROLE_SUFFIX.search(text)
    if role and role.start() > 0:
        office = text[role.end() :]
        if re.search(r"[,;:]\s*\w", office) or len(office.split()) > 8:
            return None  # a clause follows the office: a sentence about the person, not a byline
        text = text[: role.start()]
    text = text.strip(" .,;-–—")
    if not text or _INSTITUTION.match(text) or not looks_like_names(text):
        return None
    return text


def _looks_signature(element: lxml.html.HtmlElement) -> bool:
    """Right-aligned or wholly bold/italic: how editors set the byline at the foot of an article."""
    for inner in element.iter():
        if inner is not element and isinstance(inner.tag, str) and inner.get("style") and _looks_signature(inner):
            return True
    style = (element.get("style") or "").replace(" ", "").lower()
    if "text-align:right" in style or (element.get("align") or "").lower() == "right":
        return True
    if re.search(r"author|tac-?gia|signature|byline|right", element.get("class") or "", re.I):
        return True
    text = element_text(element)
    return any(element_text(c) == text for c in element.iter("strong", "b", "em", "i"))


def signature_name(element: lxml.html.HtmlElement) -> str | None:
    """The person a signature line names: right-aligned or wholly bold/italic names, an office after them cut."""
    text = element_text(element)
    if not text or len(text) > _MAX_BYLINE or not _looks_signature(element):
        return None
    return person_name(_split_inline_source(text)[0])


def _data_cell(element: lxml.html.HtmlElement) -> bool:
    """A cell of a row of several cells (a prize table's 'Đồng'): data, never a signature."""
    cell = next((a for a in (element, *element.iterancestors()) if a.tag in ("td", "th")), None)
    if cell is None:
        return False
    row = cell.getparent()
    return row is not None and sum(1 for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")) > 1


def _inline_in_prose(element: lxml.html.HtmlElement) -> bool:
    """A bold or italic run inside a longer paragraph ('<p><strong>ATTEND</strong> a two-day symposium …</p>'):
    the paragraph's first words, not a signature line of its own."""
    if element.tag not in _INLINE:
        return False
    before = element.getprevious()
    parent = element.getparent()
    lead = (before.tail if before is not None else parent.text if parent is not None else "") or ""
    return bool((element.tail or "").strip() or lead.strip())


def _outermost(element: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The outermost block that holds exactly this text ('<p><strong>Đình Vinh</strong></p>' -> the <p>)."""
    text = element_text(element)
    node = element
    parent = node.getparent()
    while parent is not None and parent is not body and element_text(parent) == text:
        node = parent
        parent = node.getparent()
    return node


def _own_text(element: lxml.html.HtmlElement) -> bool:
    """True when the element holds text of its own (its .text or a child's tail), not only inside its children."""
    return bool((element.text or "").strip()) or any((c.tail or "").strip() for c in element)


def _tail_blocks(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The last few text blocks of the body, last first (innermost blocks, so nested wrappers do not hide them).

    A wrapper whose text all sits in blocks inside it is not a block of its own, and a bare label ('Tác giả:')
    belongs to the line around it: neither uses up one of the few places scanned."""
    blocks = []
    tags = ("p", "div", "span", "strong", "b", "em", "h4", "h5", "h6", "td")
    for element in body.iter(*tags):
        if element is body:
            continue
        text = element_text(element)
        if not text or (len(text) <= 30 and text.endswith((":", "："))):
            continue
        # Keep only the innermost block carrying this text.
        if any(element_text(c) == text for c in element if isinstance(c.tag, str)):
            continue
        if not _own_text(element) and any(element_text(c) for c in element.iter(*tags) if c is not element):
            continue
        blocks.append(element)
    return list(reversed(blocks))[: _TAIL_SCAN * 2]


def _split_inline_source(text: str) -> tuple[str, str | None]:
    """'Đình Vinh (Nguồn: Báo Gia Lai)' -> ('Đình Vinh', 'Báo Gia Lai')."""
    match = re.search(r"[(\[]\s*(?:nguồn|theo)\s*:?\s*([^)\]]+)[)\]]\s*$", text, re.IGNORECASE)
    if match:
        return text[: match.start()].strip(), clean_text(match.group(1))
    return text, None


def extract_author_source(
    body: lxml.html.HtmlElement, author_hint: str | None = None, source_hint: str | None = None
) -> tuple[str | None, str | None]:
    """(author, source) from the end of the body, removing their lines; hints fill what the body lacks."""
    author: str | None = None
    source: str | None = None
    scanned = 0
    for element in _tail_blocks(body):
        if element.getparent() is None:
            continue
        element = _outermost(element, body)
        text = element_text(element)
        scanned += 1
        if scanned > _TAIL_SCAN:
            break
        match = _SOURCE_LABEL.match(text)
        if match and source is None:
            source = _cut_source(match.group(1))
            remove_keep_tail(element)
            continue
        match = _AUTHOR_LABEL.match(text) or _BY_LABEL.match(text)
        if match and author is None:
            value, inline_source = _split_inline_source(match.group(1))
            if looks_like_names(value) or len(value) <= 60 and not re.search(r"[.!?]\s", value):
                # The byline leaves the body even when it names an institution, which is no author.
                author = person_name(value.strip(" ."))
                source = source or inline_source
                remove_keep_tail(element)
                if author is not None:
                    continue
                author = ""  # a byline was there: the hints below must not overrule it
                continue
        theo = _theo_source(text) if source is None else None
        if theo:
            source = theo
            remove_keep_tail(element)
            continue
        if author is None and not _inline_in_prose(element) and not _data_cell(element):
            value, inline_source = _split_inline_source(text)
            name = person_name(value)
            if name and (_looks_signature(element) or scanned <= 2):
                author = name
                source = source or inline_source
                remove_keep_tail(element)
                continue
        # A line of prose: the signature block ends here.
        if len(text) > 80:
            break
    if author is None and author_hint:
        author = author_from_hint(author_hint)
    author = author or None
    if source is None and source_hint:
        label = _SOURCE_LABEL.match(source_hint)
        source = _cut_source(label.group(1) if label else source_hint)
    return author, source


def author_from_hint(text: str | None) -> str | None:
    """An author stated outside the body (byline element, JSON-LD, meta): kept only when it reads as names,
    so a user name ('nguyendu', 'admin') or the site's name is not taken for an author."""
    hint = clean_text(text)
    if not hint:
        return None
    label = _AUTHOR_LABEL.match(hint) or _BY_LABEL.match(hint)
    if label:
        hint = _split_inline_source(label.group(1))[0].strip(" .")
    return person_name(hint)


# 'Gửi bởi Nguyễn Thị Hoa vào 23-09-2026 | 17:06': what follows the name in a meta line is the date.
_AFTER_NAME = re.compile(r"\s+(?:vào|lúc|ngày|on|at)\s+.*$|\s*[|·•]\s*.*$|\s+[-–]\s+(?=\d).*$", re.IGNORECASE)


def labelled_line(text: str) -> tuple[str, str] | None:
    """('author', 'Hồng Nhung') for 'Tác giả: Hồng Nhung', ('source', …) for 'Nguồn tin: …' and 'Theo Báo …'."""
    match = _SOURCE_LABEL.match(text)
    if match:
        value = _cut_source(match.group(1))
        return ("source", value) if value else None
    theo = _theo_source(text)
    if theo:
        return ("source", theo)
    match = _AUTHOR_LABEL.match(text) or _BY_LABEL.match(text)
    if match:
        value = _AFTER_NAME.sub("", _split_inline_source(match.group(1))[0])
        value = clean_text(value.strip(" ."))
        return ("author", value) if value and len(value) <= 80 else None
    return None
