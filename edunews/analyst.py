"""Read side of the analyst pages: search results with snippets, one article, the archive at a glance.

Plain functions over a sqlite3 connection, called by edunews.datasette_plugin through Datasette's
`execute_fn`. articles_fts is contentless, so FTS5's snippet() and highlight() have no text to cut:
snippets are cut here, matching words the way the index does (unicode61 tokens, case-folded; the
folded column also drops diacritics).
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from crawler.html import sanitize
from storage import bodies
from storage.fold import fold
from storage.search import (
    RANK_WINDOW,
    count_matches,
    is_exact,
    match_expression,
    newest_published,
    query_tokens,
    ranked_matches,
)

PAGE_SIZE = 20
SNIPPET_WORDS = 36
# Counting every match of a common word reads every matching article (seconds on a million articles): the search
# page counts up to this many and then says "more than" (plugin setting search_count_cap).
COUNT_CAP = 10_000
# A site whose newest article is older than this is listed as quiet on the dashboard.
QUIET_DAYS = 60
_TOKEN = re.compile(r"[^\W_]+")


def _key(word: str, exact: bool) -> str:
    return word.lower() if exact else fold(word).lower()


def highlight(text: str, query: str, words: int | None = None) -> Markup:
    """`text` escaped, with the words the index matched for `query` in <mark>.

    With `words`, only a window of about that many words around the first match (with … at cut ends).
    """
    text = text or ""
    exact = is_exact(query)
    wanted = {_key(token, exact) for token in query_tokens(query)}
    tokens = list(_TOKEN.finditer(text))
    hits = [i for i, m in enumerate(tokens) if _key(m.group(), exact) in wanted]
    start, end = 0, len(text)
    prefix = suffix = ""
    if words is not None and len(tokens) > words:
        first = hits[0] if hits else 0
        lo = max(0, first - words // 4)
        hi = min(len(tokens), lo + words)
        lo = max(0, hi - words)
        start = tokens[lo].start()
        end = tokens[hi - 1].end() if hi < len(tokens) else len(text)
        prefix = "… " if lo > 0 else ""
        suffix = " …" if hi < len(tokens) else ""
    parts: list[str] = [prefix]
    cursor = start
    for i in hits:
        m = tokens[i]
        if m.start() < start or m.end() > end:
            continue
        parts.append(html.escape(text[cursor:m.start()]))
        parts.append(f"<mark>{html.escape(m.group())}</mark>")
        cursor = m.end()
    parts.append(html.escape(text[cursor:end]))
    parts.append(suffix)
    return Markup("".join(parts))


def _best_text(row: Mapping[str, Any], query: str) -> str:
    """The text a snippet is cut from: the first of lead, body, captions where a query word appears."""
    exact = is_exact(query)
    wanted = {_key(token, exact) for token in query_tokens(query)}
    for text in (row["summary"], row["body_text"], row["captions"]):
        if text and any(_key(m.group(), exact) in wanted for m in _TOKEN.finditer(text)):
            return text
    return row["summary"] or row["body_text"] or ""


def search_page(
    conn: sqlite3.Connection, query: str, page: int = 1, site: str | None = None, newest: bool = False,
    count_cap: int = COUNT_CAP,
) -> dict[str, Any]:
    """One page of search results, ranked as storage.search ranks (bm25) below RANK_WINDOW matches; past it, or
    when `newest`, the latest published first (storage.search.newest_published). Exact copies are left out and
    counted apart. Counting stops past `count_cap` articles: `capped` then says there are more than `total`."""
    conn.row_factory = sqlite3.Row
    expression = match_expression(query)
    empty = {"results": [], "total": 0, "duplicates": 0, "page": 1, "pages": 0, "has_next": False,
             "capped": False, "newest": newest, "ranked": False}
    if expression is None:
        return empty
    # One count, stopped at the largest figure needed: the cap shown, or the threshold of the ranking.
    counted = count_matches(conn, expression, site, max(count_cap, RANK_WINDOW))
    matched = counted.articles + counted.copies  # copies included, as storage.search's thresholds count
    ranked = not newest and counted.complete and matched < RANK_WINDOW
    capped = not counted.complete or counted.articles > count_cap
    total = min(counted.articles, count_cap)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, page) if capped else min(max(1, page), pages)
    offset = (page - 1) * PAGE_SIZE
    # One more than a page: whether there is a next one when the count is capped.
    if ranked:
        rows = ranked_matches(conn, expression, PAGE_SIZE + 1, offset, site)
    else:
        rows = newest_published(conn, expression, PAGE_SIZE + 1, offset, site)
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    # The page's own columns (site title, text and captions to cut snippets from), for its articles only.
    marks = ", ".join("?" * len(rows))
    more = {
        row["id"]: row for row in conn.execute(
            "SELECT a.id, s.title AS site_title, a.body_text, (SELECT group_concat(caption, ' ') FROM images "
            f"WHERE article_id = a.id) AS captions FROM articles AS a LEFT JOIN sites AS s ON s.name = a.site "
            f"WHERE a.id IN ({marks})", [row["id"] for row in rows],
        )
    }
    results = []
    for row in rows:
        extra = more[row["id"]]
        texts = {"summary": row["summary"], "body_text": extra["body_text"], "captions": extra["captions"]}
        results.append({
            "id": row["id"], "site": row["site"], "site_title": extra["site_title"] or row["site"],
            "url": row["url"], "published_at": row["published_at"], "author": row["author"],
            "title": highlight(row["title"] or "(không tiêu đề — untitled)", query),
            "snippet": highlight(_best_text(texts, query), query, SNIPPET_WORDS),
        })
    return {"results": results, "total": total, "duplicates": counted.copies, "page": page, "pages": pages,
            "has_next": has_next, "capped": capped, "newest": not ranked, "ranked": ranked}


_IMG = re.compile(r"(?:<p>\s*)?<img\b[^>]*?\bsrc=\"([^\"]*)\"[^>]*>(?:\s*</p>)?", re.IGNORECASE)


def _figure(image: dict[str, Any]) -> str:
    caption = "".join(
        f'<span class="{cls}">{html.escape(text)}</span>'
        for cls, text in (("caption", image["caption"]), ("credit", image["credit"])) if text
    )
    return (
        f'<figure class="edunews-figure"><img src="{html.escape(image["src"])}" '
        f'alt="{html.escape(image["alt"] or "")}" '
        f'loading="lazy">{f"<figcaption>{caption}</figcaption>" if caption else ""}</figure>'
    )


def article_body(body_html: str | None, body_text: str | None, images: list[dict[str, Any]]) -> tuple[Markup, list]:
    """The article's body as HTML with each of its images in a <figure> with caption and credit, where the page
    had it; and the images the body does not show (to be shown after it)."""
    by_src = {image["src"]: image for image in images}
    placed: set[str] = set()

    def place(match: re.Match) -> str:
        src = html.unescape(match.group(1))
        image = by_src.get(src)
        if image is None:
            return match.group(0)
        placed.add(src)
        return _figure(image)

    if body_html:
        # Stored HTML is already sanitised; cleaning again costs little and keeps the page safe whatever wrote it.
        body = _IMG.sub(place, sanitize(body_html))
    else:
        body = "".join(f"<p>{html.escape(p)}</p>" for p in (body_text or "").split("\n") if p.strip())
    rest = [image for image in images if image["src"] not in placed]
    return Markup(body), rest


def _dicts(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone() is not None


def _web_url(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def article(conn: sqlite3.Connection, article_id: int) -> dict[str, Any] | None:
    """Everything the article page shows about one article, or None when there is no such article."""
    rows = _dicts(
        conn, "SELECT a.*, s.title AS site_title FROM articles AS a LEFT JOIN sites AS s ON s.name = a.site "
        "WHERE a.id = ?", [article_id],
    )
    if not rows:
        return None
    info = rows[0]
    images = _dicts(conn, "SELECT * FROM images WHERE article_id = ? ORDER BY position, id", [article_id])
    info["body_html"] = body_html = bodies.unpack(info.get("body_html"), info.get("body_text"))
    info["body"], info["more_images"] = article_body(body_html, info.get("body_text"), images)
    info["images"] = images
    # Links only to web addresses: a stored javascript: URL must not become a link.
    info["attachments"] = [
        f for f in _dicts(conn, "SELECT * FROM attachments WHERE article_id = ? ORDER BY id", [article_id])
        if _web_url(f["url"])
    ]
    if not _web_url(info.get("url")):
        info["url"] = None
    info["urls"] = [r["url"] for r in _dicts(
        conn, "SELECT url FROM article_urls WHERE article_id = ? ORDER BY url", [article_id])]
    info["original"] = None
    if info.get("duplicate_of"):
        found = _dicts(conn, "SELECT id, site, title, published_at, url FROM articles WHERE id = ?",
                       [info["duplicate_of"]])
        info["original"] = found[0] if found else None
    info["copies"] = _dicts(
        conn,
        "SELECT id, site, title, published_at, url FROM articles WHERE duplicate_of = ? ORDER BY published_at, id",
        [article_id],
    )
    info["revisions"] = (
        _dicts(conn, "SELECT id, fetched_at, title, length(body_text) AS length FROM revisions "
               "WHERE article_id = ? ORDER BY fetched_at DESC, id DESC", [article_id])
        if _table_exists(conn, "revisions") else []
    )
    return info


# -- The archive at a glance -----------------------------------------------------------------------------

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def stacked_bars_svg(
    categories: list[str], series: dict[str, dict[str, int]], colours: dict[str, str], label: str,
    width: int = 1100, height: int = 320,
) -> Markup:
    """A stacked bar chart as inline SVG: one bar per category, one coloured segment per series."""
    left, bottom, top, right = 44, 56, 12, 8
    totals = [sum(values.get(c, 0) for values in series.values()) for c in categories]
    # Whole-number ticks: at most five equal steps of at least 1, the last at or above the highest bar.
    tick_step = max(1, -(-max(totals, default=0) // 5))
    ticks = max(1, -(-max(totals, default=0) // tick_step))
    peak = tick_step * ticks
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(categories))
    bar = max(2.0, step * 0.8)
    out = [f'<svg class="edunews-chart" role="img" aria-label="{_esc(label)}" viewBox="0 0 {width} {height}" '
           f'width="100%" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">']
    for tick in range(ticks + 1):
        y = top + plot_h - plot_h * tick / ticks
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick_step * tick}</text>')
    label_every = max(1, len(categories) // 24)
    for i, category in enumerate(categories):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for name, values in series.items():
            count = values.get(category, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            out.append(f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{colours[name]}"><title>{_esc(name)} · {_esc(category)}: {count}</title></rect>')
        if i % label_every == 0:
            cx = x + bar / 2
            out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 10}" transform="rotate(45 {cx:.1f} '
                       f'{top + plot_h + 10})" fill="#555">{_esc(category)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def hbars_svg(items: list[tuple[str, float, str]], unit: str, label: str, width: int = 520) -> Markup:
    """Horizontal bars as inline SVG: (label, value, text shown after the bar)."""
    row, left = 22, 150
    height = row * len(items) + 8
    peak = max((v for _, v, _ in items), default=0) or 1
    out = [f'<svg class="edunews-chart" role="img" aria-label="{_esc(label)}" viewBox="0 0 {width} {height}" '
           f'width="{width}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">']
    for i, (name, value, text) in enumerate(items):
        y = 4 + i * row
        w = (width - left - 90) * value / peak
        out.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_esc(name)}</text>'
                   f'<rect class="mark" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#1f77b4">'
                   f'<title>{_esc(name)}: {_esc(text)}</title></rect>'
                   f'<text x="{left + w + 6:.1f}" y="{y + 14}" fill="#333">{_esc(text)}{_esc(unit)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        return None


def dashboard(conn: sqlite3.Connection, today: date | None = None) -> dict[str, Any]:
    """Figures and charts of the dashboard page."""
    today = today or date.today()
    per_month = _dicts(
        conn, "SELECT site, substr(published_at, 1, 7) AS month, count(*) AS n FROM articles "
        "WHERE published_at IS NOT NULL AND duplicate_of IS NULL GROUP BY site, month ORDER BY month, site",
    )
    sites = sorted({r["site"] for r in per_month})
    colours = {site: PALETTE[i % len(PALETTE)] for i, site in enumerate(sites)}
    months = _month_range([r["month"] for r in per_month])
    series: dict[str, dict[str, int]] = {site: {} for site in sites}
    for r in per_month:
        series[r["site"]][r["month"]] = r["n"]
    newest = _dicts(
        conn, "SELECT a.site, s.title AS site_title, max(a.published_at) AS newest, count(*) AS articles, "
        "count(a.duplicate_of) AS duplicates FROM articles AS a LEFT JOIN sites AS s ON s.name = a.site "
        "GROUP BY a.site ORDER BY newest",
    )
    for r in newest:
        day = _parse_day(r["newest"])
        r["age_days"] = (today - day).days if day else None
        r["quiet"] = r["age_days"] is None or r["age_days"] > QUIET_DAYS
        r["duplicate_share"] = r["duplicates"] / r["articles"] if r["articles"] else 0.0
    total = sum(r["articles"] for r in newest)
    duplicates = sum(r["duplicates"] for r in newest)
    health = _dicts(
        conn, "SELECT substr(started_at, 1, 10) AS day, count(*) AS crawls, coalesce(sum(errors), 0) AS errors, "
        "sum(status = 'alarm') AS alarm_crawls FROM crawls GROUP BY day ORDER BY day",
    )
    alarms = (
        _dicts(conn, "SELECT cs.crawl_id, cs.site, c.started_at, cs.errors, cs.alarm FROM crawl_sites AS cs "
               "JOIN crawls AS c ON c.id = cs.crawl_id WHERE coalesce(cs.alarm, '') <> '' OR cs.errors > 0 "
               "ORDER BY c.started_at DESC, cs.site LIMIT 50")
        if _table_exists(conn, "crawl_sites") else []
    )
    # Alarms per day: sites that raised one, or at least the crawls that ended with status 'alarm'.
    alarm_days: dict[str, int] = {h["day"]: h["alarm_crawls"] for h in health if h["alarm_crawls"]}
    site_alarms: dict[str, int] = {}
    for a in alarms:
        if a["alarm"]:
            day = (a["started_at"] or "")[:10]
            site_alarms[day] = site_alarms.get(day, 0) + 1
    for day, count in site_alarms.items():
        alarm_days[day] = max(count, alarm_days.get(day, 0))
    days = [h["day"] for h in health if h["day"]]
    health_series = {
        "lỗi — errors": {h["day"]: h["errors"] for h in health},
        "cảnh báo — alarms": alarm_days,
    }
    return {
        "months": months,
        "sites": [{"site": s, "colour": colours[s]} for s in sites],
        "per_month_svg": stacked_bars_svg(months, series, colours, "Số bài mỗi tháng theo trang — Articles per month "
                                          "per site"),
        "newest": newest,
        "quiet_days": QUIET_DAYS,
        "total": total,
        "duplicates": duplicates,
        "duplicate_share": duplicates / total if total else 0.0,
        "duplicates_svg": hbars_svg(
            [(r["site"], r["duplicate_share"] * 100, f"{r['duplicate_share'] * 100:.0f}") for r in newest],
            " %", "Tỉ lệ bài trùng — Duplicates share"),
        "health": health,
        "health_svg": stacked_bars_svg(days, health_series,
                                       {"lỗi — errors": "#d62728", "cảnh báo — alarms": "#ff7f0e"},
                                       "Sức khỏe thu thập — Crawl health", height=220),
        "alarms": alarms,
    }


def _month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last given (YYYY-MM), so quiet months show as gaps."""
    valid = sorted(m for m in months if re.fullmatch(r"\d{4}-\d{2}", m or ""))
    if not valid:
        return []
    year, month = map(int, valid[0].split("-"))
    last = valid[-1]
    out = []
    while True:
        current = f"{year:04d}-{month:02d}"
        out.append(current)
        if current >= last or len(out) > 600:
            return out
        month += 1
        if month == 13:
            year, month = year + 1, 1

