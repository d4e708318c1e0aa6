"""URL canonicalisation and article identity.

One article is served under many URLs: with tracking parameters, session ids, print versions, an explicit default
port, upper-case hosts, a reordered query. :func:`canonical_url` maps them to one string; families whose article id
lives in a parameter or the path (SharePoint ``ItemID``, NukeViet ``-123.html``) also give an :func:`identity` that
survives a change of category path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that never change what a page says. Matched case-insensitively; entries ending in '_' are prefixes.
TRACKING_PARAMS = frozenset(
    {
        "utm_", "fbclid", "gclid", "dclid", "msclkid", "yclid", "zarsrc", "zalo_source", "_hsenc", "_hsmi",
        "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "sharetype", "cmp",
        "phpsessid", "jsessionid", "sid", "sessionid", "session_id", "aspsessionid", "cfid", "cftoken",
        "print", "tmpl", "printable", "_ga", "_gl", "replytocom",
    }
)
# Layout-only parameters dropped only when they carry these values (Joomla's print layout).
_LAYOUT_VALUES = {"layout": {"print"}}
_SESSION_IN_PATH = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    key = name.lower()
    if key in TRACKING_PARAMS:
        return True
    return any(key.startswith(p) for p in TRACKING_PARAMS if p.endswith("_"))


def _drop_param(name: str, value: str, keep: Iterable[str]) -> bool:
    if name in keep:
        return False
    if _is_tracking(name):
        return True
    values = _LAYOUT_VALUES.get(name.lower())
    return values is not None and value.lower() in values


def _normalise_host(parts) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    port = parts.port if parts.port is not None else None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def _normalise_path(path: str) -> str:
    path = _SESSION_IN_PATH.sub("", path) or "/"
    # Re-quote so '%7e' and '~', or a raw space and '%20', give one string.
    return quote(unquote(path), safe="/:@!$&'()*+,;=-._~")


def canonical_url(url: str, keep_params: Sequence[str] = ()) -> str:
    """The one string that stands for every variant of ``url``.

    Lower-case scheme and host, no default port, no fragment, no session id in the path, no tracking or print
    parameters (except those in ``keep_params``), remaining parameters sorted, values with padding '+' trimmed.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if parts.scheme.lower() not in ("http", "https"):
        return url.strip()
    try:
        host = _normalise_host(parts)
    except ValueError:  # a port that is not a number
        return url.strip()
    query = [
        (k, v.strip(" +"))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _drop_param(k, v, keep_params)
    ]
    query.sort()
    return urlunsplit(
        (parts.scheme.lower(), host, _normalise_path(parts.path), urlencode(query, doseq=True), "")
    )


@dataclass(frozen=True)
class IdentityRule:
    """Where a family keeps the article id: a query parameter, or a regex group over the path."""

    param: str | None = None
    path_regex: str | None = None

    def extract(self, url: str) -> str | None:
        parts = urlsplit(url)
        if self.param:
            for k, v in parse_qsl(parts.query):
                if k.lower() == self.param.lower() and v.strip(" +"):
                    return f"{self.param}={v.strip(' +')}"
        if self.path_regex:
            m = re.search(self.path_regex, unquote(parts.path))
            if m:
                return f"id={m.group(1)}"
        return None


def site_key(url: str) -> str:
    """Host (with a non-default port) without 'www.': the part of an identity that names the site."""
    parts = urlsplit(url)
    try:
        host = _normalise_host(parts)
    except ValueError:
        host = (parts.hostname or "").lower()
    return host.removeprefix("www.")


def identity(url: str, rules: Sequence[IdentityRule]) -> str | None:
    """'host|ItemID=8979' for a URL that a family rule recognises, else None."""
    for rule in rules:
        found = rule.extract(url)
        if found:
            return f"{site_key(url)}|{found}"
    return None


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on one host, ignoring 'www.' (the boundary generic mode never crosses)."""
    return site_key(url) == site_key(other)
