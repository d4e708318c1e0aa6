"""Article images and their captions, in every markup the sites use; captions leave the body.

Markups (cms-families.md): <figure> with <figcaption> (em/span inside); a centred or italic <p> right after the
image's <p>; a bare short paragraph right after the image's paragraph (the Gia Lai portal's form, no 'Ảnh:'
prefix); table image blocks with the caption in the next row; div.PhotoCMS_Caption, .wp-caption-text,
figure.tplCaption and figure.expNoEdit. 'Ảnh: Thanh Nhật' is a credit, kept apart from the caption.
"""

from __future__ import annotations

import re

import lxml.html

from crawler.extract.authors import looks_like_names
from crawler.html import element_text, remove_keep_tail
from crawler.text import clean_text

_DECORATIVE = re.compile(
    r"(^|[/_\-.])(logo|icon|icons|spacer|blank|pixel|transparent|share|sharing|facebook|fb|zalo|twitter|"
    r"print|email|mail|button|btn|banner|avatar|loading|loader|arrow|bullet|rss|sprite|emoji|smiley|"
    r"flag|social|qrcode|qr|ajax-loader|lazy|placeholder)([/_\-.\d]|$)",
    re.IGNORECASE,
)
# Class names that mark template images; 'lazy' or 'loading' classes mark article photos loaded late, not icons.
_DECORATIVE_CLASS = re.compile(
    r"(^|[\s_-])(logo|icon|emoji|smiley|avatar|share|social|button|btn|banner|sprite|flag)([\s_-]|$)", re.IGNORECASE
)
_CAPTION_CLASS = re.compile(
    r"caption|chu-?thich|chuthich|photocms_caption|wp-caption-text|image-?desc|img-?desc|desc-?img|photo-?desc|"
    r"note-?image|image_note|fig-?desc|expnoedit",
    re.IGNORECASE,
)
_IMAGE_BLOCK_CLASS = re.compile(
    r"wp-caption|vcsortableinpreviewmode|tplcaption|expnoedit|image|photo|picture|figure|img-?box|imgbox|"
    r"anh|hinh",
    re.IGNORECASE,
)
# 'Ảnh: Thanh Nhật', '(Ảnh: Thanh Nhật)', '- Ảnh: T.N', 'Ảnh minh họa: …', 'Nguồn ảnh: …' at the caption's end.
_CREDIT = re.compile(
    r"\s*[(\[]?\s*[-–—]?\s*((?:Nguồn\s+)?(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Photo|Hình|Hình ảnh|Nguồn ảnh)"
    r"\s*[:：]\s*[^()\[\]]{1,60}?)\s*[)\]]?\s*\.?\s*$",
    re.IGNORECASE,
)
_CREDIT_ONLY = re.compile(r"^\s*[(\[]?\s*(?:Nguồn\s+)?(?:Ảnh|Photo|Hình|Nguồn ảnh)\s*[:：]", re.IGNORECASE)
# A sentence ends and another begins: in any script (a Korean or Thai paragraph has no capitals to go by).
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+(?=\S)|[。！？](?=\S)")
_BLOCKS = ("p", "div", "center", "span", "a", "strong", "b", "em", "i", "figure", "td")
# An unmarked caption is a paragraph of its own: a link or a bold word after a photo is part of the prose around it.
_BARE_BLOCKS = ("p", "div", "center", "td")
MAX_CAPTION = 300
_QUOTES = ('"', "“", "‘", "'", "«", "„")
_SENTENCE_END = (".", "!", "?", "…", ";", '"', "”", "»")


def split_credit(text: str | None) -> tuple[str | None, str | None]:
    """('Thầy trò … khai giảng', 'Ảnh: Thanh Nhật') from 'Thầy trò … khai giảng (Ảnh: Thanh Nhật)'."""
    text = clean_text(text)
    if not text:
        return None, None
    match = _CREDIT.search(text)
    if not match:
        return text, None
    caption = clean_text(text[: match.start()].rstrip(" -–—(["))
    credit = clean_text(match.group(1))
    if caption is None and credit:
        # 'Ảnh: Đại biểu trao giấy khen cho …': a label before the caption, not a photographer's name.
        named = credit.split(":", 1)[-1].strip()
        if not looks_like_names(named) and len(named.split()) > 4:
            return named, None
    return caption, credit


def is_decorative(img: lxml.html.HtmlElement) -> bool:
    """Logos, icons, share buttons, spacers: images of the template, not of the article."""
    src = (img.get("src") or "").strip()
    if not src or src.startswith("data:"):
        return True
    name = src.split("?", 1)[0]
    if _DECORATIVE.search(name.rsplit("/", 1)[-1]) or _DECORATIVE_CLASS.search(img.get("class") or ""):
        return True
    for attr in ("width", "height"):
        value = re.sub(r"\D", "", img.get(attr) or "")
        if value and int(value) <= 40:
            return True
    return False


def _style(element: lxml.html.HtmlElement) -> str:
    return (element.get("style") or "").replace(" ", "").lower()


def _looks_styled_caption(element: lxml.html.HtmlElement) -> bool:
    """Centred, italic, small or caption-classed: how editors mark a caption without a caption element."""
    if _CAPTION_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return True
    style = _style(element)
    if "text-align:center" in style or element.get("align", "").lower() == "center" or element.tag == "center":
        return True
    if "font-style:italic" in style:
        return True
    text = element_text(element)
    for child in element.iter("em", "i", "small"):
        if element_text(child) == text:
            return True
    return False


def _is_bare_caption(text: str) -> bool:
    """A short single statement: the Gia Lai habit of an unmarked caption paragraph after the photo.

    A line of names alone is the author's signature, never a caption.
    """
    if len(text) > MAX_CAPTION or text.endswith(":") or looks_like_names(text):
        return False
    if text.startswith(_QUOTES) or text.endswith(_SENTENCE_END):
        # A quotation, or a finished sentence, after a photo is the story going on: unmarked captions are labels
        # ('Đồng chí … phát biểu tại Hội nghị'), without the full stop of prose.
        return False
    return len(_SENTENCE_BREAK.findall(text)) == 0


def _wholly_bold(element: lxml.html.HtmlElement) -> bool:
    """'<p><strong>Lan tỏa tinh thần đọc sách</strong></p>': a subheading of the article, not a caption."""
    text = element_text(element)
    return any(element_text(b) == text for b in element.iter("strong", "b", "h2", "h3", "h4"))


def _is_signature(element: lxml.html.HtmlElement) -> bool:
    style = _style(element)
    return "text-align:right" in style or (element.get("align") or "").lower() == "right"


def _image_block(img: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The outermost block around the image that holds nothing but it (the '<p><img></p>' of an editor)."""
    block = img
    node = img.getparent()
    while node is not None and node is not body:
        others = [i for i in node.iter("img") if i is not img and not is_decorative(i)]
        if others or element_text(node):
            break
        block = node
        node = node.getparent()
    return block


def _next_block(block: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    if (block.tail or "").strip():
        return None  # prose follows directly in the same parent: no caption block
    sibling = block.getnext()
    while sibling is not None and isinstance(sibling.tag, str) and sibling.tag == "br":
        sibling = sibling.getnext()
    if sibling is None or not isinstance(sibling.tag, str):
        return None
    return sibling


def _caption_in_container(img: lxml.html.HtmlElement, body: lxml.html.HtmlElement):
    """A caption element inside the image's own wrapper (figure, wp-caption div, VCCorp block, photo table)."""
    node = img.getparent()
    depth = 0
    while node is not None and node is not body and depth < 6:  # img, span, td, tr, tbody, table
        if node.tag == "figure":
            captions = node.findall(".//figcaption")
            if captions:
                return captions[0]
        if node.tag == "figure" or _IMAGE_BLOCK_CLASS.search(f"{node.get('class', '')}"):
            for child in node.iter():
                if child is not img and isinstance(child.tag, str) and _CAPTION_CLASS.search(
                    f"{child.get('class', '')}"
                ):
                    return child
        if node.tag == "table":
            return _caption_row(img, node)
        node = node.getparent()
        depth += 1
    return None


def _caption_row(img: lxml.html.HtmlElement, table: lxml.html.HtmlElement):
    """In a table image block: the row after the image's row when it is short text (or text in the same cell)."""
    rows = table.findall(".//tr")
    if len(rows) > 4:
        return None  # a data table that happens to hold a picture
    row = next((r for r in rows if img in set(r.iter("img"))), None)
    if row is None:
        return None
    index = rows.index(row)
    for following in rows[index + 1 :]:
        text = element_text(following)
        if following.find(".//img") is not None:
            return None
        if text:
            return following if len(text) <= MAX_CAPTION else None
    return None


def _marked_caption(img: lxml.html.HtmlElement, body: lxml.html.HtmlElement):
    """A caption the markup marks: inside the image's wrapper, or a styled block right after its paragraph."""
    node = _caption_in_container(img, body)
    if node is not None:
        return node
    candidate = _next_block(_image_block(img, body))
    if candidate is None or candidate.find(".//img") is not None or candidate.tag not in _BLOCKS:
        return None
    text = element_text(candidate)
    if text and len(text) <= MAX_CAPTION and _looks_styled_caption(candidate) and not _is_signature(candidate):
        # A name alone in the body's last line is the byline, even when set in italics.
        if not (looks_like_names(text) and _is_last_text(candidate)):
            return candidate
    return None


def _is_last_text(element: lxml.html.HtmlElement) -> bool:
    node = element.getnext()
    while node is not None:
        if isinstance(node.tag, str) and element_text(node):
            return False
        node = node.getnext()
    return True


def extract_images(body: lxml.html.HtmlElement) -> list[dict[str, str | None]]:
    """Images of the article in page order with caption, alt and credit; caption nodes are removed from `body`.

    `src` attributes must already be absolute (the page object does that).
    """
    images: list[dict[str, str | None]] = []
    seen: set[str] = set()
    candidates = [img for img in body.iter("img") if not is_decorative(img)]
    # Editors who mark some captions (figure, centred or italic line) mark them all: on such a page an unmarked
    # paragraph after a photo is prose. Only pages with no marked caption get the bare-paragraph rule.
    marked = {img: _marked_caption(img, body) for img in candidates}
    allow_bare = not any(node is not None for node in marked.values())
    for img in candidates:
        if img.getparent() is None:
            continue
        src = img.get("src").strip()
        caption_node = marked[img] if marked[img] is not None and marked[img].getparent() is not None else None
        if caption_node is None and allow_bare:
            candidate = _next_block(_image_block(img, body))
            if candidate is not None and candidate.find(".//img") is None and candidate.tag in _BARE_BLOCKS:
                text = element_text(candidate)
                if text and not _is_signature(candidate) and not _wholly_bold(candidate) and _is_bare_caption(text):
                    caption_node = candidate
        raw = element_text(caption_node) if caption_node is not None else None
        caption, credit = split_credit(raw)
        if caption_node is not None:
            following = _next_block(caption_node)
            if credit is None and following is not None and following.find(".//img") is None:
                follow_text = element_text(following)
                if follow_text and _CREDIT_ONLY.match(follow_text) and len(follow_text) <= 80:
                    _, credit = split_credit(follow_text)
                    remove_keep_tail(following)
            remove_keep_tail(caption_node)
        if src in seen:
            continue
        seen.add(src)
        images.append(
            {"src": src, "caption": caption, "alt": clean_text(img.get("alt")), "credit": credit}
        )
    return images
