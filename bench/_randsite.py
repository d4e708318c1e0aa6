"""One randomized Vietnamese school / district / department news site per seed, with its ground truth.

Every element is drawn per seed (some per page) from markup variants seen on real Vietnamese CMSs:
- headline: h1 (various classes), h2, a styled div/span/td with <title> holding only the portal's name, only
  og:title; a banner h1 with the office's name and a category heading above the article on some sites;
- byline and source: 'Tác giả: X', 'Người viết: X', 'Bài, ảnh: X', 'X - Trường THCS …' or a bare bold name as a
  right-aligned last paragraph, span.author/by-line in the meta line, WordPress 'Đăng bởi X', Drupal 'Gửi bởi X
  vào …' (accounts such as 'admin' are no author), names in capitals; 'Nguồn: X', 'Theo X', 'Nguồn tin: X';
- dates: thirteen forms ('(Cập nhật: …)', 'Thứ Hai, 15/05/2024 08:30', '15-05-2024 | 08:30', 'ngày 15 tháng 5
  năm 2024', <time datetime>, …) above or below the title or after the body, meta article:published_time and
  JSON-LD on some pages, or a date only on the listings; distractors: today's date in the header, comment dates,
  sidebar dates, dates inside the text;
- captions: figure/figcaption, table.image, <p><img></p><p><em>…</em></p>, div.caption, '<i>Ảnh: …</i>', with or
  without a credit; images without caption (alt empty, a file name or the title);
- paragraphs: p, p>span with styles, Word's MsoNormal, div, <br><br>, table rows, capital unclosed <P>; entities,
  NFD pages, agency prefixes ('(GDĐT) - ');
- furniture: menus, banner, sidebars (Tin mới, Tin xem nhiều, Văn bản mới, Liên kết website, counters), related
  lists, share bars, view counters, print/email/listen links, tags, comments, footers with address and phone;
- charset: UTF-8 with meta and header, header only, meta only, neither; odd pages in Windows-1258, declared
  ISO-8859-1 but UTF-8, or double-encoded UTF-8;
- URLs: '/tin-tuc/cat/slug-123.html', '/news/123/slug', Joomla 'index.php?option=com_content&view=article&id=..'
  (parameters in another order, an extra Itemid), '/Default.aspx?tabid=..&ID=..', WordPress dated paths, cut slugs
  without id; aliases: '?print=1', ';jsessionid=', 'PHPSESSID=', ASP.NET '(S(…))' sessions, RSS links with utm
  parameters, and old URLs that answer 301/302; RSS feeds and sitemaps on some sites;
- non-articles: home, paginated listings (three pagination styles), contact, 'Giới thiệu', a document list, a
  search page, a photo gallery.
bench/randsites.py serves the site on loopback, crawls it and scores the archive against `RandSite.truth`.

The generator knows nothing of the extractor: variants come from what real pages look like, not from what the
extractor handles.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from html.entities import codepoint2name
from pathlib import Path
from typing import Any

from bench._randsite_text import (
    ACCOUNTS,
    AUTHORS,
    DISTRICTS,
    OUTLETS,
    PRIZES,
    PROVINCES,
    SCHOOL_KINDS,
    SCHOOL_NAMES,
    STUDENTS,
    WEEKDAYS,
    caption,
    opening,
    sentence,
    subhead,
    title,
)
from edunews.fixtures.server import route_key

# The crawl happens "today": some themes print today's date in the header, which is never an article's date.
TODAY = datetime(2026, 12, 3, 9, 15)
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass
class Route:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Article:
    ident: int
    slug: str
    category: int
    title: str
    when: datetime
    author: str | None
    source: str | None
    sapo: str | None
    blocks: list[tuple[str, ...]]  # ("p", text) | ("h", text) | ("img", src, caption or "", credit or "")
    forms: dict[str, str] = field(default_factory=dict)
    time_shown: bool = False
    path: str = ""
    aliases: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)


@dataclass
class RandSite:
    seed: int
    routes: dict[str, Route]
    truth: dict[str, Any]
    choices: dict[str, str]

    def write(self, directory: Path) -> None:
        """The site as fixture-server files: pages/N.bin and a manifest.json (serve_sites(root=...))."""
        pages = directory / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = {"routes": {}}
        for n, (key, route) in enumerate(sorted(self.routes.items())):
            name = f"pages/{n}.bin"
            (directory / name).write_bytes(route.body)
            manifest["routes"][key] = {"status": route.status, "headers": route.headers, "file": name}
        (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        (directory / "truth.json").write_text(json.dumps(self.truth, ensure_ascii=False, indent=1), encoding="utf-8")


# --------------------------------------------------------------------------------------------------- helpers


def pick(rng: random.Random, weighted: dict[str, float]) -> str:
    names = list(weighted)
    return rng.choices(names, weights=[weighted[n] for n in names])[0]


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    out = "".join(c if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def entities(text: str) -> str:
    """Escaped text with Latin-1 letters as named entities, as old editors wrote Vietnamese."""
    return "".join(f"&{codepoint2name[ord(c)]};" if ord(c) > 127 and ord(c) in codepoint2name else c
                   for c in escape(text, quote=False))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed where the code page has the letter, else base letter plus tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        for cut in range(len(parts), 0, -1):
            try:
                head = unicodedata.normalize("NFC", parts[:cut]).encode("cp1258")
                tail = parts[cut:].encode("cp1258")
            except UnicodeEncodeError:
                continue
            out += head + tail
            break
        else:
            out += f"&#{ord(char)};".encode("ascii")
    return bytes(out)


def dmy(when: datetime, pad: bool = True, sep: str = "/") -> str:
    if pad:
        return f"{when.day:02d}{sep}{when.month:02d}{sep}{when.year}"
    return f"{when.day}{sep}{when.month}{sep}{when.year}"


def hm(when: datetime) -> str:
    return f"{when.hour:02d}:{when.minute:02d}"


def weekday(when: datetime, lower: bool = False) -> str:
    name = WEEKDAYS[when.weekday()]
    return name[:4] + name[4:].lower() if lower else name


# Date forms: (text, shows the time). The label strings go into the article's furniture list.
DATE_FORMS: dict[str, float] = {
    "cap-nhat": 1, "weekday": 2, "dash-pipe": 1, "ngay-dang": 1.5, "dang-luc": 1, "time-first": 1, "long": 1,
    "time-tag": 1.5, "nukeviet": 1.5, "paren-ngay": 1, "ngay-dang-bai": 1, "gmt": 1, "plain": 1,
}


def date_text(form: str, when: datetime) -> tuple[str, bool]:
    if form == "cap-nhat":
        return f"(Cập nhật: {dmy(when)})", False
    if form == "weekday":
        return f"{weekday(when)}, {dmy(when)} {hm(when)}", True
    if form == "dash-pipe":
        return f"{dmy(when, sep='-')} | {hm(when)}", True
    if form == "ngay-dang":
        return f"Ngày đăng: {dmy(when)}", False
    if form == "dang-luc":
        return f"Đăng lúc {hm(when)} ngày {dmy(when, pad=False)}", True
    if form == "time-first":
        return f"{hm(when)} {dmy(when)}", True
    if form == "long":
        return f"{weekday(when)}, ngày {when.day} tháng {when.month} năm {when.year}", False
    if form == "nukeviet":
        return f"{weekday(when, lower=True)} - {dmy(when)} {hm(when)}", True
    if form == "paren-ngay":
        return f"( Ngày {dmy(when, sep='-')} )", False
    if form == "ngay-dang-bai":
        return f"Ngày đăng bài: {dmy(when)} {hm(when)}:{when.second:02d}", True
    if form == "gmt":
        return f"{weekday(when, lower=True)}, {dmy(when, pad=False)}, {hm(when)} (GMT+7)", True
    if form == "time-tag":
        return f"{dmy(when)} lúc {hm(when)}", True
    return dmy(when), False  # "plain"


DATE_LABELS = ("Cập nhật:", "Ngày đăng", "Đăng lúc", "(GMT+7)")


def date_html(rng: random.Random, form: str, when: datetime) -> tuple[str, bool]:
    text, timed = date_text(form, when)
    if form == "time-tag":
        iso = when.strftime("%Y-%m-%dT%H:%M:%S+07:00")
        return f'<time class="entry-date published" datetime="{iso}">{escape(text)}</time>', timed
    cls = rng.choice(("date", "post-date", "news-date", "time", "ngaydang", "meta-date", "date-time", ""))
    icon = rng.choice(("", "", '<i class="fa fa-calendar"></i> ', '<img src="/images/icon_date.gif" alt=""> '))
    tag = rng.choice(("span", "span", "div", "em", "p"))
    attr = f' class="{cls}"' if cls else (' style="color:#888;font-size:11px"' if rng.random() < 0.5 else "")
    return f"<{tag}{attr}>{icon}{escape(text)}</{tag}>", timed


# --------------------------------------------------------------------------------------------------- the site


class Builder:
    def __init__(self, seed: int, count: int | None, quick: bool) -> None:
        self.seed = seed
        self.rng = rng = random.Random(f"randsite-{seed}")  # a string seed: neighbouring seeds share no draws
        full = rng.randint(25, 40)  # drawn in quick mode too, so that --quick keeps the seed's variants
        self.count = count or (12 + full % 5 if quick else full)
        self.routes: dict[str, Route] = {}
        self.non_articles: list[str] = []
        c: dict[str, str] = {}
        c["office"] = pick(rng, {"so": 1, "phong": 1.2, "truong": 1.5})
        province, district = rng.choice(PROVINCES), rng.choice(DISTRICTS)
        if c["office"] == "so":
            self.office = f"Sở Giáo dục và Đào tạo tỉnh {province}"
            self.portal = rng.choice((f"Cổng thông tin điện tử Sở GDĐT {province}", self.office,
                                      f"Sở GD&ĐT {province} - Trang thông tin điện tử"))
        elif c["office"] == "phong":
            self.office = f"Phòng Giáo dục và Đào tạo huyện {district}"
            self.portal = rng.choice((self.office, f"Phòng GD&ĐT {district}", f"Website Phòng GDĐT huyện {district}"))
        else:
            self.office = f"{rng.choice(SCHOOL_KINDS)} {rng.choice(SCHOOL_NAMES)}"
            self.portal = rng.choice((self.office, f"Website {self.office}",
                                      f"{self.office} - {district} - {province}"))
        self.address = (f"Địa chỉ: Số {rng.randint(2, 250)} đường {rng.choice(SCHOOL_NAMES)}, huyện {district}, "
                        f"tỉnh {province}")
        self.phone = f"Điện thoại: 0{rng.randint(203, 299)}.{rng.randint(3800000, 3899999)}"
        c["layout"] = pick(rng, {"div": 2, "table": 1.5, "wordpress": 1, "drupal": 0.7, "portal": 1.2})
        c["scheme"] = pick(rng, {"slug-id": 2, "news-id": 1, "joomla": 1.2, "dnn": 1, "wp": 0.8, "cat-slug": 1})
        if c["layout"] == "wordpress" and rng.random() < 0.6:
            c["scheme"] = "wp"
        c["headline"] = pick(rng, {"h1": 3, "h2": 1.5, "div-class": 1.2, "span-style": 0.8, "td-style": 0.6,
                                   "og-only": 0.4})
        if c["headline"] == "td-style" and c["layout"] != "table":
            c["headline"] = "div-class"
        elif c["headline"] == "div-class" and c["layout"] == "table" and rng.random() < 0.5:
            c["headline"] = "td-style"
        c["title_tag"] = pick(rng, {"title": 1, "title-portal": 2, "portal-title": 1, "portal": 1})
        if c["headline"] in ("div-class", "span-style", "td-style", "og-only"):
            c["title_tag"] = "portal"
        c["banner_h1"] = rng.choice(("yes", "no"))
        c["og_title"] = "yes" if c["headline"] == "og-only" else rng.choice(("yes", "no", "no"))
        forms = list(DATE_FORMS)
        c["date"] = pick(rng, DATE_FORMS)
        c["date2"] = rng.choice(forms)
        c["date_pos"] = pick(rng, {"below": 3, "above": 1, "after": 1})
        c["meta_time"] = pick(rng, {"none": 2, "some": 1, "all": 1})
        bylines = {"tac-gia": 1, "nguoi-viet": 1, "bai-anh": 1, "x-truong": 1, "right-bold": 1.5, "span-author": 1,
                   "wp": 1 if c["layout"] == "wordpress" else 0.2, "drupal": 1 if c["layout"] == "drupal" else 0.2}
        c["byline"] = pick(rng, bylines)
        c["byline2"] = pick(rng, bylines)
        c["author_missing"] = rng.choice(("0.1", "0.25", "0.4"))
        captions = {"figure": 1.5, "table-image": 1.2, "p-em": 1.5, "div-caption": 1, "p-i-anh": 1}
        c["caption"] = pick(rng, captions)
        c["caption2"] = pick(rng, captions)
        c["paragraphs"] = pick(rng, {"p": 3, "div": 1, "br": 1, "table": 1 if c["layout"] == "table" else 0.3,
                                     "p-span": 1.5, "mso": 1})
        c["charset"] = pick(rng, {"meta+header": 3, "header": 1, "meta": 1.5, "none": 1})
        c["odd_charset"] = rng.choice(("none", "none", "cp1258", "latin1-header", "double-utf8"))
        c["entities"] = rng.choice(("no", "no", "no", "yes"))
        c["canonical_link"] = rng.choice(("yes", "no"))
        c["print_alias"] = rng.choice(("yes", "no"))
        c["session_alias"] = rng.choice(("yes", "no", "no"))
        c["redirect_alias"] = rng.choice(("yes", "no"))
        c["sapo"] = pick(rng, {"none": 1, "strong-p": 1, "div": 1, "h2": 0.4})
        c["related"] = rng.choice(("Tin liên quan", "Các tin khác", "Tin cùng chuyên mục", "Các bài viết khác"))
        c["counter"] = rng.choice(("Lượt xem: {n}", "Số lần xem: {n}", "Đã xem: {n}", "Lượt đọc: {n}", ""))
        c["share"] = rng.choice(("yes", "no"))
        c["today_header"] = rng.choice(("yes", "no"))
        c["pagination"] = pick(rng, {"numbers": 2, "next-only": 1, "ul": 1.5})
        c["agency"] = rng.choice(("", "", "", "(GDĐT) - ", "(PGD) – ", "(GD&TĐ) - ", "CTTĐT - "))
        c["own_in_sidebar"] = rng.choice(("yes", "no"))
        c["comments"] = rng.choice(("yes", "no", "no"))
        c["tags"] = rng.choice(("yes", "no"))
        c["jsonld"] = pick(rng, {"none": 3, "yes": 1})
        c["sloppy"] = rng.choice(("yes", "no", "no", "no"))
        c["title_space"] = rng.choice(("yes", "no", "no"))
        c["cat_heading"] = rng.choice(("yes", "no"))
        c["upper_author"] = rng.choice(("yes", "no", "no", "no", "no"))
        c["nfd"] = rng.choice(("yes", "no", "no", "no", "no"))
        c["feed"] = rng.choice(("rss", "sitemap", "none", "none"))
        # Some school platforms print no date on the article page: only the listings date it.
        c["date_on_page"] = rng.choice(("yes",) * 9 + ("no",))
        c["lazy_images"] = rng.choice(("yes", "no", "no"))
        c["absolute_links"] = rng.choice(("yes", "no", "no"))
        c["listing_date"] = "mixed"
        if c["date_on_page"] == "no":
            c["meta_time"], c["jsonld"] = "none", "none"
            c["listing_date"] = rng.choice(("paren", "timed", "weekday"))
        self.c = c
        self.categories = rng.sample(
            ["Tin tức - Sự kiện", "Hoạt động chuyên môn", "Thông báo", "Công tác Đoàn - Đội", "Tin giáo dục",
             "Hoạt động ngành", "Gương người tốt việc tốt", "Chuyển đổi số"], rng.randint(2, 3))
        self.cat_ids = [rng.randint(2, 40) for _ in self.categories]
        self.per_page = rng.randint(6, 10)
        self.documents: set[int] = set()
        self.archives: dict[str, str] = {}  # author and tag archive pages the articles link to: path -> heading
        self.session = "".join(rng.choice("0123456789ABCDEF") for _ in range(24))
        self.articles = self._articles()

    # ---------------------------------------------------------------- articles

    def _articles(self) -> list[Article]:
        rng, c = self.rng, self.c
        when = TODAY - timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 10))
        first_id = rng.randint(40, 9000)
        articles: list[Article] = []
        seen: set[str] = set()
        for n in range(self.count):
            when -= timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
            when = when.replace(hour=rng.randint(6, 21), second=rng.randint(0, 59))
            head = title(rng, when.year, when.month)
            while head in seen:
                head = title(rng, when.year, when.month)
            seen.add(head)
            missing = rng.random() < float(c["author_missing"])
            form = c["byline"] if rng.random() < 0.7 else c["byline2"]
            author: str | None = None if missing else rng.choice(AUTHORS)
            if form in ("wp", "drupal") and (missing or rng.random() < 0.3):
                author = None  # an account, not a person: shown, but no author
                form += "-account"
            elif missing:
                form = "none"
            source = rng.choice(OUTLETS) if rng.random() < 0.2 else None
            if author and c["upper_author"] == "yes":
                author = author.upper()  # bylines typed in capitals, as some newspapers print them
            blocks: list[tuple[str, ...]] = [("p", c["agency"] + opening(rng, when.year, when.month, when.day))]
            images = 0
            for _ in range(rng.randint(3, 9)):
                roll = rng.random()
                if roll < 0.18 and images < 3:
                    images += 1
                    src = f"/uploads/{when.year}/{when.month:02d}/anh-{first_id + 3 * n}-{images}.jpg"
                    if rng.random() < 0.2:
                        blocks.append(("img", src, "", ""))
                    else:
                        credit = f"Ảnh: {rng.choice(AUTHORS)}" if rng.random() < 0.3 else ""
                        text = caption(rng, when.year, when.month)
                        while any(len(b) > 2 and b[2] == text for b in blocks):  # one caption per image
                            text = caption(rng, when.year, when.month)
                        blocks.append(("img", src, text, credit))
                elif roll < 0.26:
                    blocks.append(("h", subhead(rng)))
                elif roll < 0.30 and not any(b[0] == "grid" for b in blocks):  # a list of prize winners
                    blocks.append(("p", "Danh sách học sinh đạt giải như sau:"))
                    names = rng.sample(STUDENTS, rng.randint(3, 6))
                    rows = [["STT", "Họ và tên", "Lớp", "Giải"]] + [
                        [str(k), name, f"{rng.randint(6, 12)}A{rng.randint(1, 6)}", rng.choice(PRIZES)]
                        for k, name in enumerate(names, 1)]
                    blocks.append(("grid", json.dumps(rows, ensure_ascii=False)))
                else:
                    blocks.append(("p", " ".join(sentence(rng, when.year, when.month)
                                                 for _ in range(rng.randint(1, 4)))))
            if blocks[-1][0] != "p":
                blocks.append(("p", sentence(rng, when.year, when.month)))
            sapo = None
            if c["sapo"] != "none" and rng.random() < 0.6:
                sapo = " ".join(sentence(rng, when.year, when.month) for _ in range(2))
            article = Article(first_id + n * 3 + rng.randint(0, 2), "", rng.randrange(len(self.categories)), head,
                              when, author, source, sapo, blocks)
            article.slug = slugify(head)
            article.forms["byline"] = form
            article.forms["date"] = c["date"] if rng.random() < 0.85 else c["date2"]
            article.forms["headline"] = c["headline"]
            if c["headline"] == "h1" and rng.random() < 0.1:
                article.forms["headline"] = "h2"  # a template for one category differs
            article.forms["charset"] = c["charset"]
            if c["odd_charset"] != "none" and rng.random() < 0.15:
                article.forms["charset"] = c["odd_charset"]
            articles.append(article)
        for article in articles:
            self._urls(article)
        return articles

    # ---------------------------------------------------------------- URLs

    def _urls(self, a: Article) -> None:
        """Canonical path and aliases: alias routes are registered when the article page is."""
        c = self.c
        scheme, cat = c["scheme"], self.cat_ids[a.category]
        catslug = slugify(self.categories[a.category])
        aliases: list[str] = []
        redirects: list[str] = []
        if scheme == "slug-id":
            a.path = f"/tin-tuc/{catslug}/{a.slug}-{a.ident}.html"
            redirects.append(f"/index.php?newsid={a.ident}")
            session = f"{a.path};jsessionid={self.session}"
        elif scheme == "news-id":
            a.path = f"/news/{a.ident}/{a.slug}"
            redirects.append(f"/news/{a.ident}")
            session = f"{a.path};jsessionid={self.session}"
        elif scheme == "joomla":
            a.path = f"/index.php?option=com_content&view=article&id={a.ident}&catid={cat}"
            aliases.append(f"/index.php?option=com_content&view=article&id={a.ident}&catid={cat}&Itemid={100 + cat}")
            redirects.append(f"/index.php/{catslug}/{a.ident}-{a.slug}")
            session = f"{a.path}&PHPSESSID={self.session.lower()}"
        elif scheme == "dnn":
            a.path = f"/Default.aspx?tabid={60 + cat}&ID={a.ident}"
            redirects.append(f"/tin-tuc/{a.ident}.aspx")
            session = f"/(S({self.session.lower()}))/Default.aspx?tabid={60 + cat}&ID={a.ident}"
        elif scheme == "wp":
            a.path = f"/{a.when.year}/{a.when.month:02d}/{a.when.day:02d}/{a.slug}/"
            redirects.append(f"/?p={a.ident}")
            session = f"{a.path}?PHPSESSID={self.session.lower()}"
        else:  # cat-slug: no id, slug cut at 60 characters as multi-tenant platforms do
            a.path = f"/{catslug}/{a.slug[:60]}.html"
            redirects.append(f"/{catslug}/{a.slug[:60]}")
            session = f"{a.path};jsessionid={self.session}"
        if c["print_alias"] == "yes":
            aliases.append(a.path + ("&" if "?" in a.path else "?") + "print=1")
        if c["session_alias"] == "yes":
            aliases.append(session)
        if c["feed"] == "rss":  # feed readers' links carry tracking parameters
            aliases.append(a.path + ("&" if "?" in a.path else "?") + "utm_source=rss&utm_medium=rss")
        a.aliases = aliases + (redirects if c["redirect_alias"] == "yes" else [])
        a.forms["redirect"] = redirects[0]
        a.forms["session"] = session

    def link(self, a: Article, where: str) -> str:
        """The href a page uses for an article: the canonical URL, or an alias on some pages."""
        c = self.c
        if c["absolute_links"] == "yes" and where in ("home", "listing1", "listing"):
            return "{{BASE}}" + self._link(a, where)
        return self._link(a, where)

    def _link(self, a: Article, where: str) -> str:
        c = self.c
        if where == "listing1" and c["session_alias"] == "yes":
            return a.forms["session"]
        if where == "sidebar" and c["redirect_alias"] == "yes":
            return a.forms["redirect"]
        if where == "home" and c["scheme"] == "joomla":  # another parameter order, same article
            return f"/index.php?option=com_content&catid={self.cat_ids[a.category]}&id={a.ident}&view=article"
        if where == "home" and c["scheme"] == "dnn":
            return f"/Default.aspx?ID={a.ident}&tabid={60 + self.cat_ids[a.category]}"
        if where == "related" and c["scheme"] == "joomla":
            return next(x for x in a.aliases if "Itemid" in x)
        return a.path

    def listing_path(self, cat: int, page: int) -> str:
        c, cid = self.c, self.cat_ids[cat]
        slug = slugify(self.categories[cat])
        if c["scheme"] == "joomla":
            base = f"/index.php?option=com_content&view=category&id={cid}"
            return base if page == 1 else f"{base}&start={(page - 1) * self.per_page}"
        if c["scheme"] == "dnn":
            base = f"/Default.aspx?tabid={60 + cid}"
            return base if page == 1 else f"{base}&pageindex={page}"
        if c["scheme"] == "wp":
            return f"/category/{slug}/" if page == 1 else f"/category/{slug}/page/{page}/"
        if c["scheme"] == "news-id":
            return f"/news/category/{cid}" if page == 1 else f"/news/category/{cid}?page={page}"
        return f"/{slug}.html" if page == 1 else f"/{slug}/trang-{page}.html"

    def other_path(self, name: str) -> str:
        if self.c["scheme"] == "joomla":
            return {"contact": "/index.php?option=com_contact&view=contact&id=1",
                    "about": "/index.php?option=com_content&view=article&id=1&Itemid=2",
                    "docs": "/index.php?option=com_docman&view=list", "search": "/index.php?option=com_search",
                    "gallery": "/index.php?option=com_phocagallery&view=categories"}[name]
        if self.c["scheme"] == "dnn":
            return {"contact": "/Default.aspx?tabid=30", "about": "/Default.aspx?tabid=31",
                    "docs": "/Default.aspx?tabid=32", "search": "/Default.aspx?tabid=33&q=",
                    "gallery": "/Default.aspx?tabid=34"}[name]
        return {"contact": "/lien-he.html", "about": "/gioi-thieu.html", "docs": "/van-ban.html",
                "search": "/tim-kiem.html?q=", "gallery": "/thu-vien-anh.html"}[name]

    # ---------------------------------------------------------------- furniture

    def menu(self) -> str:
        items = [("/", "Trang chủ"), (self.other_path("about"), "Giới thiệu")]
        items += [(self.listing_path(i, 1), name) for i, name in enumerate(self.categories)]
        items += [(self.other_path("docs"), "Văn bản"), (self.other_path("gallery"), "Thư viện ảnh"),
                  (self.other_path("contact"), "Liên hệ")]
        lis = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in items)
        if self.c["layout"] == "table":
            return ('<table width="100%" class="menu" bgcolor="#1a5fb4"><tr>' + "".join(
                f'<td align="center"><a href="{escape(h)}" class="menu">{escape(t)}</a></td>' for h, t in items)
                + "</tr></table>")
        return f'<nav class="{self.rng.choice(("main-menu", "navbar", "menu-top", "nav"))}"><ul>{lis}</ul></nav>'

    def banner(self) -> str:
        today = ""
        if self.c["today_header"] == "yes":
            today = f'<div class="today">Hôm nay: {weekday(TODAY)}, {dmy(TODAY)}</div>'
        name = escape(self.office)
        if self.c["banner_h1"] == "yes":
            logo = f'<h1 class="logo"><a href="/">{name}</a></h1>'
        else:
            logo = (f'<div class="logo"><a href="/"><img src="/images/logo.png" alt="{name}"></a>'
                    f"<span>{name}</span></div>")
        return f'<div id="banner" class="header">{logo}{today}</div>'

    def sidebar(self, exclude: Article | None = None) -> str:
        rng = self.rng
        others = [a for a in self.articles if a is not exclude or self.c["own_in_sidebar"] == "yes"]
        blocks = []
        tag = rng.choice(("h2", "h3", "div"))

        def box(name: str, inner: str) -> str:
            return f'<div class="block"><{tag} class="block-title">{name}</{tag}>{inner}</div>'

        newest = others[:5]
        blocks.append(box("Tin mới", "<ul>" + "".join(
            f'<li><a href="{escape(self.link(a, "sidebar"))}">{escape(a.title)}</a> '
            f'<span class="date">({a.when.day:02d}/{a.when.month:02d})</span></li>' for a in newest) + "</ul>"))
        if rng.random() < 0.7 and len(others) > 8:
            popular = rng.sample(others, 4)
            blocks.append(box("Tin xem nhiều", "<ol>" + "".join(
                f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in popular) + "</ol>"))
        numbers = rng.sample(range(100, 999), 3)
        self.documents.update(numbers)
        docs = "".join(
            f'<li><a href="/uploads/vanban/{n}.pdf">Số {n}/SGDĐT-VP ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}'
            f'/2026 về việc triển khai nhiệm vụ năm học</a></li>' for n in numbers)
        blocks.append(box("Văn bản mới", f"<ul>{docs}</ul>"))
        options = "".join(f'<option value="{u}">{t}</option>' for u, t in (
            ("https://moet.gov.vn", "Bộ Giáo dục và Đào tạo"), ("https://thuvienphapluat.vn", "Thư viện pháp luật"),
            ("https://temis.csdl.edu.vn", "Hệ thống TEMIS")))
        blocks.append(box("Liên kết website", f'<select onchange="window.open(this.value)"><option>-- Chọn --'
                                              f"</option>{options}</select>"))
        if rng.random() < 0.5:
            blocks.append(box("Thống kê truy cập", f"<p>Đang truy cập: {rng.randint(3, 60)}</p>"
                                                   f"<p>Hôm nay: {rng.randint(100, 900)}</p>"
                                                   f"<p>Tổng lượt truy cập: {rng.randint(100000, 900000)}</p>"))
        return "".join(blocks)

    def footer(self) -> str:
        return (f'<div class="footer"><p><strong>{escape(self.office)}</strong></p><p>{escape(self.address)}</p>'
                f"<p>{escape(self.phone)} - Email: vanphong@{slugify(self.office)[:20]}.edu.vn</p>"
                "<p>Bản quyền thuộc về đơn vị. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></div>")

    FOOTER_STRINGS = ("Bản quyền thuộc về", "Ghi rõ nguồn khi phát hành lại", "Liên kết website", "Văn bản mới",
                      "Tin mới", "Tin xem nhiều", "Thống kê truy cập", "Đang truy cập", "Trang chủ")

    # ---------------------------------------------------------------- page shell

    def shell(self, head_title: str, main: str, side: str, head_extra: str = "", charset: str = "") -> str:
        c = self.c
        charset = charset or c["charset"]
        meta = ""
        if charset in ("meta+header", "meta"):
            meta = self.rng.choice(('<meta charset="utf-8">', '<meta charset="UTF-8">',
                                    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'))
        elif charset == "cp1258":
            meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        head = (f'<!DOCTYPE html><html lang="vi"><head>{meta}<title>{escape(head_title)}</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">{head_extra}'
                '<link rel="stylesheet" href="/css/style.css">' + (
                    '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed/">'
                    if c["feed"] == "rss" else "") + "</head><body>")
        banner, menu, footer = self.banner(), self.menu(), self.footer()
        layout = c["layout"]
        if layout == "table":
            body = ('<table width="980" align="center" cellpadding="0" cellspacing="0" border="0">'
                    f'<tr><td colspan="2">{banner}</td></tr><tr><td colspan="2">{menu}</td></tr>'
                    f'<tr><td valign="top" width="720">{main}</td><td valign="top" width="260" class="right">'
                    f'{side}</td></tr><tr><td colspan="2" bgcolor="#eeeeee">{footer}</td></tr></table>')
        elif layout == "wordpress":
            body = (f'<div id="page" class="site"><header id="masthead" class="site-header">{banner}{menu}</header>'
                    f'<div id="content" class="site-content"><div id="primary" class="content-area">'
                    f'<main id="main" class="site-main">{main}</main></div><aside id="secondary" '
                    f'class="widget-area">{side}</aside></div><footer id="colophon" class="site-footer">{footer}'
                    "</footer></div>")
        elif layout == "drupal":
            body = (f'<div id="page-wrapper"><div id="page"><div id="header">{banner}</div><div id="navigation">'
                    f'{menu}</div><div id="main-wrapper"><div id="main" class="clearfix"><div id="content" '
                    f'class="column"><div class="section">{main}</div></div><div id="sidebar-second" '
                    f'class="column sidebar"><div class="section">{side}</div></div></div></div>'
                    f'<div id="footer">{footer}</div></div></div>')
        elif layout == "portal":
            body = (f'<div class="wrapper">{banner}{menu}<div class="container"><div class="row">'
                    f'<div class="col-md-3 left-col">{side}</div><div class="col-md-9 center-col">{main}</div>'
                    f"</div></div>{footer}</div>")
        else:
            body = (f'<div id="wrapper">{banner}{menu}<div class="container"><div class="main-content">{main}'
                    f'</div><div class="sidebar">{side}</div></div>{footer}</div>')
        return head + body + "</body></html>"

    def encode(self, html: str, charset: str) -> tuple[dict[str, str], bytes]:
        if charset == "cp1258":
            return {"Content-Type": "text/html; charset=windows-1258"}, to_cp1258(html)
        if charset == "double-utf8":  # UTF-8 bytes once read as Latin-1 and saved again as UTF-8 ('GiÃ¡o dá»¥c')
            return {"Content-Type": HTML_UTF8}, html.encode("utf-8").decode("latin-1").encode("utf-8")
        if charset == "latin1-header":
            return {"Content-Type": "text/html; charset=iso-8859-1"}, html.encode("utf-8")
        if charset in ("meta+header", "header"):
            return {"Content-Type": HTML_UTF8}, html.encode("utf-8")
        return {"Content-Type": "text/html"}, html.encode("utf-8")

    def add(self, path: str, html: str, charset: str = "") -> None:
        headers, body = self.encode(html, charset or self.c["charset"])
        self.routes[route_key(path)] = Route(200, headers, body)

    # ---------------------------------------------------------------- article page

    def text(self, value: str) -> str:
        return entities(value) if self.c["entities"] == "yes" else escape(value, quote=False)

    def image_html(self, block: tuple[str, ...], form: str, a: Article) -> tuple[str, str | None]:
        _, src, cap, credit = block
        rng = self.rng
        alt = rng.choice(("", "", escape(cap), f"anh-{rng.randint(1, 99)}.jpg", escape(a.title)))
        width = rng.choice((500, 600, 640))
        img = f'<img src="{src}" alt="{alt}" width="{width}">'
        if self.c["lazy_images"] == "yes":  # lazy loading: a placeholder in src, the picture in data-src
            img = f'<img class="lazy" src="/images/loading.gif" data-src="{src}" alt="{alt}" width="{width}">'
        if not cap:
            return f'<p style="text-align:center">{img}</p>', None
        shown = self.text(cap)
        if credit:
            shown += rng.choice((f" ({escape(credit)})", f"<strong> {escape(credit)}</strong>", f". {escape(credit)}"))
        if form == "figure":
            cls = rng.choice(("image", "tplCaption", "caption", "align-center", "wp-caption"))
            return f'<figure class="{cls}">{img}<figcaption>{shown}</figcaption></figure>', cap
        if form == "table-image":
            cls = rng.choice(('class="image"', 'class="image"', 'align="center" style="width:600px"'))
            return (f'<table {cls}><tbody><tr><td>{img}</td></tr><tr><td class="image_desc" style="text-align:center">'
                    f"{shown}</td></tr></tbody></table>"), cap
        if form == "p-em":
            return f'<p style="text-align:center">{img}</p><p style="text-align:center"><em>{shown}</em></p>', cap
        if form == "div-caption":
            return f'<div class="image-wrap">{img}<div class="caption">{shown}</div></div>', cap
        # p-i-anh: the caption opens with 'Ảnh:', the credit never follows it
        return (f'<p style="text-align:center">{img}</p><p style="text-align:center"><i>Ảnh: {self.text(cap)}</i>'
                "</p>"), cap

    def body_html(self, a: Article) -> tuple[str, list[str], list[str]]:
        """The body markup, the paragraphs' texts (truth) and the captions (truth)."""
        c, rng = self.c, self.rng
        form = c["paragraphs"]
        texts: list[str] = []
        captions: list[str] = []
        parts: list[str] = []
        run: list[str] = []  # text paragraphs waiting to be joined by <br><br>

        def flush() -> None:
            if run:
                parts.append("<br><br>".join(run) + "<br>")
                run.clear()

        if a.sapo and c["sapo"] == "strong-p":
            parts.append(f"<p><strong>{self.text(a.sapo)}</strong></p>")
        for block in a.blocks:
            if block[0] == "img":
                flush()
                html, cap = self.image_html(block, c["caption"] if rng.random() < 0.7 else c["caption2"], a)
                parts.append(html)
                if cap:
                    captions.append(cap)
                continue
            if block[0] == "grid":
                flush()
                rows = json.loads(block[1])
                texts.extend(cell for row in rows for cell in row)
                cells = "".join("<tr>" + "".join(f"<td>{self.text(cell)}</td>" for cell in row) + "</tr>"
                                for row in rows)
                parts.append(f'<table border="1" cellpadding="4" style="border-collapse:collapse">{cells}</table>')
                continue
            value = self.text(block[1])
            texts.append(block[1])
            if block[0] == "h":
                value = f"<strong>{value}</strong>"
            if form == "p" and c["sloppy"] == "yes":  # legacy editors: capitals, no closing tags
                parts.append(f"<P>{value}\n")
            elif form == "p":
                heading = block[0] == "h" and rng.random() < 0.5
                parts.append(f"<h3>{self.text(block[1])}</h3>" if heading else f"<p>{value}</p>")
            elif form == "mso":  # pasted from Word
                parts.append('<p class="MsoNormal" style="margin-bottom:6.0pt;text-align:justify;line-height:150%">'
                             '<span lang="VI" style="font-size:14.0pt;line-height:150%;font-family:&quot;Times New '
                             f'Roman&quot;,serif">{value}<o:p></o:p></span></p>')
            elif form == "p-span":
                style = rng.choice(("font-size:14pt;font-family:Times New Roman", "font-size:16px",
                                    "font-family:arial,helvetica,sans-serif;font-size:13px"))
                parts.append(f'<p style="text-align:justify"><span style="{style}">{value}</span></p>')
            elif form == "div":
                parts.append(f'<div style="text-align:justify">{value}</div>')
            elif form == "br":
                run.append(value)
            else:  # table: one row per paragraph, as legacy editors pasted from Word
                parts.append(f'<tr><td style="text-align:justify">{value}</td></tr>')
        flush()
        if form == "table":
            joined, rows = [], []
            for part in parts:
                if part.startswith("<tr>"):
                    rows.append(part)
                else:
                    rows.append(f"<tr><td>{part}</td></tr>")
            joined.append('<table width="100%" border="0" cellpadding="2">' + "".join(rows) + "</table>")
            parts = joined
        return "".join(parts), texts, captions

    def byline(self, a: Article) -> tuple[str, str, list[str]]:
        """(markup in the meta line, markup after the body, furniture strings)."""
        form, name = a.forms["byline"], a.author
        rng = self.rng
        if form == "none":
            return "", "", []
        if form.endswith("-account"):
            account = rng.choice(ACCOUNTS)
            if form.startswith("wp"):
                self.archives[f"/author/{slugify(account)}/"] = f"Tác giả: {account}"
                return (f'<span class="byline">Đăng bởi <span class="author vcard"><a href="/author/'
                        f'{slugify(account)}/">{escape(account)}</a></span></span>'), "", ["Đăng bởi"]
            return f'<span class="username">Gửi bởi {escape(account)}</span>', "", ["Gửi bởi"]
        assert name is not None
        n = escape(name)
        if form == "tac-gia":
            if rng.random() < 0.5:
                return "", f"<p><strong>Tác giả:</strong> {n}</p>", ["Tác giả:"]
            return "", f'<div class="author"><strong>Tác giả: </strong>{n}</div>', ["Tác giả:"]
        if form == "nguoi-viet":
            return "", f'<p style="text-align:right">Người viết: {n}</p>', ["Người viết:"]
        if form == "bai-anh":
            return "", f'<p style="text-align: right;"><strong><em>Bài, ảnh: {n}</em></strong></p>', ["Bài, ảnh:"]
        if form == "x-truong":
            unit = f"{rng.choice(SCHOOL_KINDS)} {rng.choice(SCHOOL_NAMES)}"
            return "", f'<p style="text-align:right"><strong>{n} - {escape(unit)}</strong></p>', [f"{name} - {unit}"]
        if form == "right-bold":
            markup = rng.choice((f'<p style="text-align:right"><strong>{n}</strong></p>',
                                 f'<p align="right"><b>{n}</b></p>'))
            return "", markup, [name]
        if form == "span-author":
            cls = rng.choice(("author", "by-line", "news-author"))
            return f'<span class="{cls}"><i class="fa fa-user"></i> {n}</span>', "", [name]
        if form == "wp":
            self.archives[f"/author/{slugify(name)}/"] = f"Tác giả: {name}"
            return (f'<span class="byline">Đăng bởi <span class="author vcard"><a class="url fn n" '
                    f'href="/author/{slugify(name)}/">{n}</a></span></span>'), "", ["Đăng bởi", name]
        return f'<span class="username">Gửi bởi {n}</span>', "", ["Gửi bởi", name]  # drupal

    def source_html(self, a: Article) -> tuple[str, list[str]]:
        if not a.source:
            return "", []
        s = escape(a.source)
        form = a.forms.setdefault("source", self.rng.choice(("nguon", "theo", "nguon-tin")))
        if form == "nguon":
            return f'<p style="text-align:right"><em>Nguồn: {s}</em></p>', [f"Nguồn: {a.source}"]
        if form == "theo":
            return f"<p><em>Theo {s}</em></p>", [f"Theo {a.source}"]
        return f'<div class="source"><strong>Nguồn tin: </strong>{s}</div>', ["Nguồn tin:"]

    def headline(self, a: Article) -> tuple[str, str]:
        """(headline markup, og:title meta)."""
        form, rng, t = a.forms["headline"], self.rng, escape(a.title)
        if self.c["title_space"] == "yes":
            t = f"\n\t\t\t{t}&nbsp;\n\t\t"
        og = f'<meta property="og:title" content="{escape(a.title)}">' if self.c["og_title"] == "yes" else ""
        if form == "h1":
            cls = rng.choice(("title", "news-title", "title-detail", "entry-title", "article-title", "", "page-header"))
            return (f'<h1 class="{cls}">{t}</h1>' if cls else f"<h1>{t}</h1>"), og
        if form == "h2":
            return f'<h2 class="{rng.choice(("title", "news-title", "contentheading", "post-title"))}">{t}</h2>', og
        if form == "div-class":
            return f'<div class="{rng.choice(("title", "news-title", "tieude", "detail-title"))}">{t}</div>', og
        if form == "span-style":
            return (f'<p><span style="font-weight:bold;font-size:{rng.choice((16, 18, 20))}px;color:#00529c">{t}'
                    "</span></p>"), og
        if form == "td-style":
            return (f'<table width="100%"><tr><td class="title" style="font-size:16px;font-weight:bold;'
                    f'color:#c00">{t}</td></tr></table>'), og
        return "", og  # og-only

    def article_page(self, a: Article, printing: bool = False) -> tuple[str, dict[str, Any]]:
        c, rng = self.c, self.rng
        body, texts, captions = self.body_html(a)
        furniture: list[str] = []
        head, og = self.headline(a)
        dform = a.forms["date"]
        if a.forms["byline"].startswith("drupal"):
            dform = "dash-pipe"  # Drupal's submitted line: 'Gửi bởi X vào 15-05-2024 | 08:30'
        date, timed = date_html(rng, dform, a.when)
        if c["date_on_page"] == "no":
            date, timed = "", c["listing_date"] == "timed"
        else:
            furniture += [label for label in DATE_LABELS if label in date_text(dform, a.when)[0]]
        a.time_shown = timed
        by_meta, by_end, by_strings = self.byline(a)
        if a.forms["byline"].startswith("drupal"):
            by_meta = by_meta.replace("</span>", f" vào {date}</span>" if date else "</span>")
            date_pos = "drupal"
        else:
            date_pos = c["date_pos"]
        furniture += by_strings
        source, source_strings = self.source_html(a)
        furniture += source_strings
        counter = ""
        if c["counter"]:
            counter = f'<span class="views">{escape(c["counter"].format(n=rng.randint(12, 4800)))}</span>'
            furniture.append(c["counter"].split(":")[0])
        tools = []
        if c["print_alias"] == "yes":
            tools.append(f'<a href="{escape(a.aliases[0])}" target="_blank">In bài viết</a>')
            furniture.append("In bài viết")
        if rng.random() < 0.5:
            tools.append('<a href="javascript:void(0)" onclick="sendMail()">Gửi email</a>')
            furniture.append("Gửi email")
        if rng.random() < 0.3:
            tools.insert(0, '<a href="javascript:void(0)" class="tts" onclick="readArticle()">Nghe đọc bài viết</a>')
            furniture.append("Nghe đọc bài viết")
        tags = comments = ""
        if c["tags"] == "yes":
            words = rng.sample(("giáo dục", "học sinh", "giáo viên", "năm học mới", "chuyển đổi số", "thi đua"), 3)
            self.archives.update({f"/tag/{slugify(w)}": f"Từ khóa: {w}" for w in words})
            tags = '<div class="tags"><strong>Từ khóa:</strong> ' + ", ".join(
                f'<a href="/tag/{slugify(w)}">{w}</a>' for w in words) + "</div>"
            furniture.append("Từ khóa:")
        if c["comments"] == "yes":
            who = rng.choice(("Nguyễn Văn Nam", "Phụ huynh lớp 5A", "Trần Thị Lệ"))
            later = a.when + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 9))
            comments = (f'<div class="comments"><h3>Ý kiến bạn đọc</h3><div class="comment"><b>{who}</b> - '
                        f"{dmy(later)} {hm(later)}<p>Bài viết rất ý nghĩa, cảm ơn nhà trường.</p></div>"
                        '<form><textarea name="comment"></textarea><input type="submit" value="Gửi ý kiến">'
                        "</form></div>")
            furniture += ["Ý kiến bạn đọc", "Bài viết rất ý nghĩa"]
        share = ""
        if c["share"] == "yes":
            share = ('<div class="share"><span>Chia sẻ:</span> <a href="#" class="fb">Facebook</a> '
                     '<a href="#" class="zalo">Zalo</a> <a href="#">Tweet</a></div>')
            furniture.append("Chia sẻ:")
        meta_line = " ".join(x for x in (date if date_pos == "below" else "", by_meta, counter) if x)
        meta_html = f'<div class="{rng.choice(("meta", "post-info", "entry-meta", "info"))}">{meta_line}</div>'
        sapo = ""
        if a.sapo and c["sapo"] == "div":
            sapo = f'<div class="{rng.choice(("sapo", "brief", "hometext", "summary"))}">{self.text(a.sapo)}</div>'
        elif a.sapo and c["sapo"] == "h2":
            sapo = f'<h2 class="sapo">{self.text(a.sapo)}</h2>'
        body_cls = {"wordpress": "entry-content", "drupal": "field-item even"}.get(
            c["layout"], rng.choice(("content", "news-content", "noidung", "detail-content", "bodytext",
                                     "content-detail", "chitiet", "")))
        # The byline usually sits inside the body's container, as the last paragraphs the editor typed.
        end = by_end + source
        inner = body + end if rng.random() < 0.7 else body
        outer_end = "" if inner.endswith(end) and end else end
        body_div = f'<div class="{body_cls}">{inner}</div>' if body_cls else f"<div>{inner}</div>"
        after_date = f'<p class="date-after">{date}</p>' if date_pos == "after" and date else ""
        others = [x for x in self.articles if x is not a and x.category == a.category][:5]
        related = ""
        if others:
            related = (f'<div class="related"><h3>{c["related"]}</h3><ul>' + "".join(
                f'<li><a href="{escape(self.link(x, "related"))}">{escape(x.title)}</a> '
                f'<span>({dmy(x.when)})</span></li>' for x in others) + "</ul></div>")
            furniture.append(c["related"])
            furniture += [x.title for x in others[:2]]
        if c["cat_heading"] == "yes":  # the category's name as a heading above the article
            tag = rng.choice(("h1", "h2", "div")) if c["banner_h1"] == "no" else rng.choice(("h2", "div"))
            parts_head = f'<{tag} class="cat-name">{escape(self.categories[a.category])}</{tag}>'
        else:
            parts_head = ""
        crumbs = parts_head + (f'<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="'
                  f'{escape(self.listing_path(a.category, 1))}">{escape(self.categories[a.category])}</a></div>')
        parts = [crumbs]
        if date_pos == "above":
            parts.append(date)
        parts += [head, meta_html, sapo, body_div, outer_end, after_date]
        if tools:
            parts.append('<div class="tools">' + " | ".join(tools) + "</div>")
        parts += [tags, share, related, comments]
        main = f'<div class="{rng.choice(("news-detail", "article", "post", "node node-article", "detail"))}">' + \
            "".join(parts) + "</div>"
        if printing:
            main = f'<div class="print">{head or "<h1>" + escape(a.title) + "</h1>"}{date}{body}{end}</div>'
        extra = og
        if c["jsonld"] == "yes":
            by = ({"@type": "Person", "name": a.author} if a.author else
                  {"@type": "Organization", "name": self.office})
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                    "datePublished": a.when.strftime("%Y-%m-%dT%H:%M:%S+07:00") if timed else
                    a.when.strftime("%Y-%m-%d"), "author": by}
            extra += ('<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>")
        meta_time = c["meta_time"] == "all" or (c["meta_time"] == "some" and rng.random() < 0.5)
        if meta_time:
            value = a.when.strftime("%Y-%m-%dT%H:%M:%S+07:00") if timed else a.when.strftime("%Y-%m-%d")
            extra += f'<meta property="article:published_time" content="{value}">'
        if c["canonical_link"] == "yes":
            extra += '<link rel="canonical" href="{{BASE}}' + escape(a.path) + '">'
        head_title = {"title": a.title, "title-portal": f"{a.title} - {self.portal}",
                      "portal-title": f"{self.portal} | {a.title}", "portal": self.portal}[c["title_tag"]]
        side = "" if printing else self.sidebar(a)
        if printing:
            html = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(head_title)}</title></head>' \
                   f"<body>{main}</body></html>"
        else:
            html = self.shell(head_title, main, side, extra, a.forms["charset"])
            if c["nfd"] == "yes" and a.forms["charset"] != "cp1258" and rng.random() < 0.5:
                html = unicodedata.normalize("NFD", html)  # text copied from macOS: decomposed
        furniture += [s for s in self.FOOTER_STRINGS if s in html]
        furniture += [self.address, self.phone]
        if c["today_header"] == "yes":
            furniture.append("Hôm nay:")
        furniture += captions
        expected = "\n".join(texts + ([a.sapo] if a.sapo else []))
        truth = {
            "body": texts, "captions": captions,
            "furniture": sorted({f for f in furniture if f and f not in expected}),
        }
        return html, truth

    # ---------------------------------------------------------------- listings and other pages

    def listing_item(self, a: Article, href: str) -> str:
        rng, t = self.rng, escape(a.title)
        forms = {"paren": f"({dmy(a.when)})", "timed": f"{dmy(a.when)} {hm(a.when)}",
                 "weekday": f"{weekday(a.when)}, {dmy(a.when)}"}
        shown = forms.get(self.c["listing_date"]) or rng.choice(list(forms.values()))
        excerpt = escape(" ".join(a.sapo.split()[:20]) + "...") if a.sapo else ""
        style = self.listing_style
        if style == "div":
            return (f'<div class="news-item"><a href="{escape(href)}"><img src="/uploads/thumb/{a.ident}.jpg" '
                    f'alt=""></a><h3><a href="{escape(href)}">{t}</a></h3><span class="date">{shown}</span>'
                    f'<p>{excerpt}</p><a class="readmore" href="{escape(href)}">Xem tiếp</a></div>')
        if style == "table":
            return (f'<tr><td width="110"><img src="/uploads/thumb/{a.ident}.jpg" width="100"></td><td>'
                    f'<a class="title" href="{escape(href)}"><b>{t}</b></a> <span style="color:#999">{shown}</span>'
                    f"<br>{excerpt}</td></tr>")
        if style == "li":
            return f'<li><a href="{escape(href)}">{t}</a> <i>{shown}</i></li>'
        return (f'<article class="post"><h2 class="entry-title"><a href="{escape(href)}" rel="bookmark">{t}</a></h2>'
                f'<div class="entry-meta"><time datetime="{a.when.strftime("%Y-%m-%dT%H:%M:%S+07:00")}">'
                f"{dmy(a.when)}</time></div><div class=\"entry-summary\"><p>{excerpt}</p></div></article>")

    def listing_wrap(self, items: list[str]) -> str:
        if self.listing_style == "table":
            return '<table class="list" width="100%">' + "".join(items) + "</table>"
        if self.listing_style == "li":
            return '<ul class="list-news">' + "".join(items) + "</ul>"
        return '<div class="list-news">' + "".join(items) + "</div>"

    def pagination(self, cat: int, page: int, last: int) -> str:
        if last == 1:
            return ""
        form = self.c["pagination"]
        href = lambda n: escape(self.listing_path(cat, n))  # noqa: E731
        if form == "next-only":
            return f'<div class="pager"><a href="{href(page + 1)}">Xem tiếp »</a></div>' if page < last else ""
        if form == "ul":
            lis = "".join(f'<li class="active"><span>{n}</span></li>' if n == page else
                          f'<li><a href="{href(n)}">{n}</a></li>' for n in range(1, last + 1))
            if page < last:
                lis += f'<li><a href="{href(page + 1)}" title="Trang sau" rel="next">›</a></li>'
            return f'<ul class="pagination">{lis}</ul>'
        links = " ".join(f"<b>{n}</b>" if n == page else f'<a href="{href(n)}">{n}</a>' for n in range(1, last + 1))
        more = f' <a href="{href(page + 1)}">Tiếp »</a>' if page < last else ""
        return f'<div class="pagination">Trang: {links}{more}</div>'

    def build(self) -> RandSite:
        rng, c = self.rng, self.c
        self.listing_style = rng.choice(("div", "table", "li", "wp") if c["layout"] == "wordpress"
                                        else ("div", "table", "li"))
        c["listing"] = self.listing_style
        truths = []
        for a in self.articles:
            html, extra = self.article_page(a)
            self.add(a.path, html, a.forms["charset"])
            redirect = a.forms["redirect"]
            for alias in a.aliases:
                if alias == redirect:
                    status = rng.choice((301, 302))
                    self.routes[route_key(alias)] = Route(status, {"Location": "{{BASE}}" + a.path,
                                                                   "Content-Type": HTML_UTF8}, b"")
                elif alias.endswith("print=1"):
                    page, _ = self.article_page(a, printing=True)
                    self.add(alias, page, "meta+header")
                else:
                    self.add(alias, html, a.forms["charset"])
            published = a.when.strftime("%Y-%m-%dT%H:%M") if a.time_shown else a.when.strftime("%Y-%m-%d")
            truths.append({
                "key": f"a{a.ident}", "url": a.path, "aliases": a.aliases, "title": a.title,
                "published": published, "time_shown": a.time_shown, "author": a.author, "source": a.source,
                "date_from": "page" if c["date_on_page"] == "yes" else "listing",
                "summary": a.sapo, "category": self.categories[a.category], "forms": dict(a.forms), **extra,
            })
        # Listings: newest first, per category, paginated.
        for cat in range(len(self.categories)):
            items = [a for a in self.articles if a.category == cat]
            pages = [items[i:i + self.per_page] for i in range(0, len(items), self.per_page)] or [[]]
            for number, chunk in enumerate(pages, 1):
                where = "listing1" if number == 1 else "listing"
                inner = self.listing_wrap([self.listing_item(a, self.link(a, where)) for a in chunk])
                main = (f'<div class="category"><h2 class="cat-title">{escape(self.categories[cat])}</h2>{inner}'
                        f"{self.pagination(cat, number, len(pages))}</div>")
                path = self.listing_path(cat, number)
                self.add(path, self.shell(f"{self.categories[cat]} - {self.portal}", main, self.sidebar()))
                self.non_articles.append(path)
        # Home: the newest articles, then a block per category.
        featured = self.listing_wrap([self.listing_item(a, self.link(a, "home")) for a in self.articles[:6]])
        blocks = "".join(
            f'<div class="home-cat"><h2><a href="{escape(self.listing_path(i, 1))}">{escape(name)}</a></h2><ul>'
            + "".join([f'<li><a href="{escape(self.link(a, "home"))}">{escape(a.title)}</a></li>'
                       for a in self.articles if a.category == i][:4]) + "</ul></div>"
            for i, name in enumerate(self.categories))
        self.add("/", self.shell(self.portal, f'<div class="home"><div class="featured">{featured}</div>{blocks}</div>',
                                 self.sidebar()))
        self.non_articles.append("/")
        self._other_pages()
        for path, heading in sorted(self.archives.items()):  # WordPress-style archives: a few articles each
            chosen = rng.sample(self.articles, min(5, len(self.articles)))
            chosen.sort(key=lambda a: a.when, reverse=True)
            inner = self.listing_wrap([self.listing_item(a, a.path) for a in chosen])
            self.add(path, self.shell(f"{heading} - {self.portal}", f"<h2>{escape(heading)}</h2>{inner}",
                                      self.sidebar()))
            self.non_articles.append(path)
        robots = "User-agent: *\nDisallow: /administrator/\nDisallow: /admin/\n"
        if c["feed"] == "sitemap":
            robots += "Sitemap: {{BASE}}/sitemap.xml\n"
            urls = "".join(f"<url><loc>{{{{BASE}}}}{escape(a.path)}</loc><lastmod>{a.when.strftime('%Y-%m-%d')}"
                           "</lastmod></url>" for a in self.articles)
            self.routes["/sitemap.xml"] = Route(200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode())
        elif c["feed"] == "rss":
            items = "".join(
                f"<item><title>{escape(a.title)}</title><link>{{{{BASE}}}}{escape(a.path)}"
                f"{'&amp;' if '?' in a.path else '?'}utm_source=rss&amp;utm_medium=rss</link>"
                f"<pubDate>{a.when.strftime('%a, %d %b %Y %H:%M:%S')} +0700</pubDate></item>"
                for a in self.articles[:10])
            self.routes["/feed/"] = Route(200, {"Content-Type": "application/rss+xml; charset=utf-8"}, (
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{escape(self.portal)}</title><link>{{{{BASE}}}}/</link>{items}</channel></rss>").encode())
        self.routes["/robots.txt"] = Route(200, {"Content-Type": "text/plain"}, robots.encode())
        truth = {"seed": self.seed, "choices": dict(c), "office": self.office, "portal": self.portal,
                 "articles": truths, "non_articles": self.non_articles}
        return RandSite(self.seed, self.routes, truth, dict(c))

    def _other_pages(self) -> None:
        rng = self.rng
        doc_numbers = rng.sample(range(100, 999), 8)
        self.documents.update(doc_numbers)
        pages = {
            "contact": ("Liên hệ", f"<h2>Liên hệ</h2><p>{escape(self.office)}</p><p>{escape(self.address)}</p>"
                                   f"<p>{escape(self.phone)}</p><form action=\"#\" method=\"post\"><p>Họ và tên: "
                                   "<input name=\"name\"></p><p>Nội dung: <textarea name=\"msg\"></textarea></p>"
                                   "<input type=\"submit\" value=\"Gửi\"></form>"),
            "about": ("Giới thiệu", f"<h1>Giới thiệu chung</h1><p>{escape(self.office)} được thành lập năm "
                                    f"{rng.randint(1960, 2005)}. Trải qua nhiều năm xây dựng và phát triển, đơn vị "
                                    "luôn hoàn thành tốt nhiệm vụ được giao, nhiều năm liền đạt danh hiệu tập thể lao "
                                    "động xuất sắc.</p><p>Hiện nay, đội ngũ cán bộ, giáo viên, nhân viên có "
                                    f"{rng.randint(20, 90)} người, 100% đạt chuẩn trình độ đào tạo.</p><p>Sứ mệnh: "
                                    "xây dựng môi trường giáo dục thân thiện, chất lượng và hội nhập.</p>"),
            "docs": ("Văn bản", "<h2>Văn bản chỉ đạo điều hành</h2><table class=\"docs\" border=\"1\"><tr><th>Số hiệu"
                                "</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Tải về</th></tr>" + "".join(
                f"<tr><td>{n}/SGDĐT-VP</td><td>{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026</td>"
                f"<td>Về việc triển khai nhiệm vụ năm học {2025 + k % 2}-{2026 + k % 2}</td><td><a href=\"/uploads/"
                f"vanban/{n}.pdf\">Tải về</a></td></tr>" for k, n in enumerate(doc_numbers))
                + "</table>"),
            "search": ("Tìm kiếm", "<h2>Tìm kiếm</h2><form action=\"\" method=\"get\"><input name=\"q\" value=\"\">"
                                   "<input type=\"submit\" value=\"Tìm\"></form><p>Không tìm thấy kết quả nào phù hợp."
                                   "</p>"),
            "gallery": ("Thư viện ảnh", "<h2>Thư viện ảnh</h2>" + "".join(
                f'<div class="album"><img src="/uploads/album/{n}.jpg" alt=""><p>Album {n}</p></div>'
                for n in range(1, 7))),
        }
        for name, (label, main) in pages.items():
            path = self.other_path(name)
            self.add(path, self.shell(f"{label} - {self.portal}", main, self.sidebar()))
            self.non_articles.append(path)
        for n in sorted(self.documents):  # the documents linked from sidebars and the document list
            key = f"/uploads/vanban/{n}.pdf"
            self.routes[key] = Route(200, {"Content-Type": "application/pdf"},
                                     b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def generate(seed: int, articles: int | None = None, quick: bool = False) -> RandSite:
    """The site for `seed` (deterministic): routes keyed as the fixture server looks them up, and its truth."""
    return Builder(seed, articles, quick).build()
