"""The randomized-site generator of bench/randsites.py keeps its own promises: the truth is on the pages, a seed
always gives the same site, and alias URLs answer (redirects point at the article). No crawl."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from bench import _randsite as randsite
from edunews.fixtures.server import route_key

SEEDS = range(1, 13)  # development seeds only: the reporting seeds stay unseen by tests too


def page_text(route, charset: str = "") -> str:
    """The page as a reader sees its characters: decoded by its real encoding, entities resolved, NFC."""
    if "windows-1258" in route.headers.get("Content-Type", ""):
        raw = route.body.decode("cp1258")
    elif charset == "double-utf8" and not route.body.isascii():
        raw = route.body.decode("utf-8")
        try:
            raw = raw.encode("latin-1").decode("utf-8")
        except UnicodeError:  # the print version of such a page is clean
            pass
    else:
        raw = route.body.decode("utf-8")  # every other page is UTF-8 bytes, whatever it declares
    return unicodedata.normalize("NFC", html.unescape(raw))


def day_shown(text: str, published: str) -> bool:
    y, m, d = (int(x) for x in published[:10].split("-"))
    forms = (f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}-{m:02d}-{y}", f"ngày {d} tháng {m} năm {y}")
    return any(form in text for form in forms)


@pytest.mark.parametrize("seed", SEEDS)
def test_truth_is_on_the_pages(seed: int) -> None:
    site = randsite.generate(seed, quick=True)
    assert 12 <= len(site.truth["articles"]) <= 16
    keys = [a["key"] for a in site.truth["articles"]]
    assert len(set(keys)) == len(keys)
    for article in site.truth["articles"]:
        route = site.routes[route_key(article["url"])]
        assert route.status == 200
        text = page_text(route, article["forms"]["charset"])
        assert unicodedata.is_normalized("NFC", article["title"])
        assert article["title"] in text
        for paragraph in article["body"]:
            assert paragraph in text, paragraph
        for caption in article["captions"]:
            assert caption in text
        if article["author"]:
            assert article["author"] in text
        if article["source"]:
            assert article["source"] in text
        dated = text
        if article["date_from"] == "listing":  # only the listings date it
            dated = "".join(page_text(site.routes[route_key(p)]) for p in site.truth["non_articles"])
        assert day_shown(dated, article["published"])
        if article["time_shown"]:
            assert article["published"][11:16] in re.sub(r"<[^>]+>", "", dated)
        body = "\n".join(article["body"])
        for furniture in article["furniture"]:
            assert furniture in text and furniture not in body
    for path in site.truth["non_articles"]:
        assert site.routes[route_key(path)].status == 200


@pytest.mark.parametrize("seed", SEEDS)
def test_aliases_answer(seed: int) -> None:
    site = randsite.generate(seed, quick=True)
    for article in site.truth["articles"]:
        for alias in article["aliases"]:
            route = site.routes[route_key(alias)]
            if route.status in (301, 302):
                assert route.headers["Location"] == "{{BASE}}" + article["url"]
            else:
                assert route.status == 200
                assert article["title"] in page_text(route, article["forms"]["charset"])


def test_same_seed_same_site() -> None:
    first, again = randsite.generate(7), randsite.generate(7)
    assert first.truth == again.truth
    assert first.routes == again.routes
    assert 25 <= len(first.truth["articles"]) <= 40
    assert randsite.generate(8).truth != first.truth
