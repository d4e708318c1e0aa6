"""Recognising a CMS family on a site no profile describes, from fingerprints the family declares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import lxml.html

from crawler.extract.rules import FamilyRules
from crawler.extract.selectors import select


def family_score(doc: lxml.html.HtmlElement, rules: FamilyRules) -> int:
    """Matched fingerprints: a generator meta naming the CMS counts 2, each matching selector 1."""
    score = 0
    generator = " ".join(doc.xpath('//meta[@name="generator"]/@content')).lower()
    if generator and any(g.lower() in generator for g in rules.generator):
        score += 2
    for selector in rules.fingerprints:
        if select(doc, selector):
            score += 1
    return score


def detect_family(doc: lxml.html.HtmlElement, families: Iterable[FamilyRules]) -> FamilyRules | None:
    """The family whose fingerprints the page matches best, when it reaches that family's threshold; its body
    selector is then checked against the page's second opinion (`check_body`), as the site may only look alike."""
    best, best_score = None, 0
    for rules in families:
        if not rules.fingerprints and not rules.generator:
            continue
        score = family_score(doc, rules)
        if score >= rules.min_fingerprints and score > best_score:
            best, best_score = rules, score
    return replace(best, check_body=True) if best is not None else None
