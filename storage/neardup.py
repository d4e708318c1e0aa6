"""Near-duplicate index: republished articles whose text was edited (another header, a changed first
sentence, an added source line, a dropped paragraph, 'hoà' spelt 'hòa').

Text -> words: NFC, lower case, old- and new-style tone placement made one ('hòa' -> 'hoà', 'thủy' ->
'thuỷ'), runs of letters and digits. Words -> shingles of SHINGLE_WORDS consecutive words. Shingles ->
a one-permutation MinHash signature: each shingle is hashed once (crc32), the hash's top bits pick one
of BINS bins and the bin keeps its smallest hash; empty bins
borrow from the next filled bin (rotation densification), so two signatures agree bin by bin with a
probability close to the texts' Jaccard similarity. Each bin keeps 16 bits (a false agreement costs
1/65536 per bin), so a signature is BINS * 2 bytes.

Why pure Python and one permutation: datasketch's MinHash needs numpy and computes BINS hash
permutations per shingle; one crc32 per shingle keeps signature plus lookup well under a millisecond on
a 600-word body (bench/dedup.py measures it), with no dependency. Python's hash() is salted per process,
so it is never used: signatures and buckets must be the same in every process that opens the archive.

Lookup is LSH banding: the signature is cut into BANDS bands of ROWS bins; each band's crc32 is a
bucket in `near_bands(band, bucket, article_id)`. Articles sharing a bucket in any band are
candidates, kept when the estimated Jaccard of the stored signatures reaches THRESHOLD. The cost per
article is constant (BANDS index probes), whatever the archive's size.

Bodies shorter than dedup.SHORT_BODY_WORDS words get no signature: unrelated short notices share
their boilerplate ("Chi tiết xem tại file đính kèm"), and those are matched exactly, title included,
by content_hash only.

Groups: exact copies (same content_hash) and near copies (signatures over THRESHOLD) are the edges of
a graph. Within a connected part, articles are taken earliest-published first (dedup._original_key; published
the same day, the one seen on an earlier day, then the smaller URL):
each joins the earliest original it is itself a copy of, else it is an original; every copy points at
its original through `duplicate_of` (never a chain). The result depends only on the articles, not on
the order they arrived in, and storing the same thing again changes nothing.
"""

from __future__ import annotations

import re
import sqlite3
import struct
import unicodedata
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from operator import eq

from storage.dedup import SHORT_BODY_WORDS, _original_key

# Chosen by measurement (bench/dedup.py and the fixture pairs in tests/test_neardup.py). Three-word shingles
# keep template announcements and shared quotations apart from edited copies better than one or two words.
SHINGLE_WORDS = 3
BINS = 128
# 42 bands of 3 bins (126 of the 128 bins): a pair at the threshold shares a band with probability 0.98, two
# (MIN_BANDS below) with 0.91; unrelated articles (about 0.5 % of bins in common) almost never share one.
BANDS = 42
ROWS = 3
# How many times a shingle holding a number counts: it pushes monthly notices written from one template
# (other dates, same sentences) under the threshold, while copies keep their figures.
NUMBER_WEIGHT = 5
# Estimated Jaccard at which two bodies are near copies. The fixture's edited reposts score 0.77-0.87, its
# hard negatives at most 0.37. On bench/dedup.py's generated corpus, 0.40 joined template notices
# (precision 0.981) and 0.50 missed copies with a quarter of their words edited (recall 0.983); 0.45 gave
# precision 0.996 and recall 0.993.
THRESHOLD = 0.45
_BIN_SHIFT = 32 - (BINS.bit_length() - 1)
_SIG = struct.Struct(f"<{BINS}H")
_DIGIT = re.compile(rb"[0-9]")
_WEIGHT_MARKS = [bytes([k]) for k in range(1, NUMBER_WEIGHT)]
_BAND = struct.Struct(f"<{ROWS}H")

# Old-style tone placement (on the first vowel of oa, oe, uy) -> new style (on the second).
_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng
_PLACEMENT: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _mark in _TONE_MARKS:
        _PLACEMENT[unicodedata.normalize("NFC", _first + _mark) + _second] = _first + unicodedata.normalize(
            "NFC", _second + _mark
        )
_PLACEMENT_RE = re.compile("|".join(sorted(_PLACEMENT)))
_WORD_RE = re.compile(r"\w+")


def words(text: str | None) -> list[str]:
    """The words of `text` as the index compares them: NFC, lower case, one tone placement."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text).lower()
    text = _PLACEMENT_RE.sub(lambda m: _PLACEMENT[m.group()], text)
    return _WORD_RE.findall(text)


def shingles(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The distinct runs of `size` consecutive words (the whole text when it is shorter)."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def signature(text: str | None) -> bytes | None:
    """The MinHash signature of a body (BINS little-endian 16-bit values), None when too short to index."""
    tokens = words(text)
    if len(tokens) < SHORT_BODY_WORDS:
        return None
    encoded = " ".join(tokens).encode().split(b" ")
    # One crc32 per shingle; sorted, the hashes of a bin (their top bits) are one contiguous run, so the
    # bin's minimum is found by bisection instead of a Python loop over every shingle.
    runs = [encoded[i:] for i in range(SHINGLE_WORDS)]
    shingled = list(map(b" ".join, zip(*runs, strict=False)))
    # Shingles with a number count NUMBER_WEIGHT times (as salted variants): announcements written from one
    # template differ mostly in their dates and figures, which copies keep.
    shingled += [s + mark for s in shingled if _DIGIT.search(s) for mark in _WEIGHT_MARKS]
    hashed = sorted(map(zlib.crc32, shingled))
    values = []
    for b in range(BINS):
        i = bisect_left(hashed, b << _BIN_SHIFT)
        values.append(hashed[i] & 0xFFFF if i < len(hashed) and hashed[i] >> _BIN_SHIFT == b else -1)
    if -1 in values:
        _densify(values)
    return _SIG.pack(*values)


def _densify(values: list[int]) -> None:
    """Fill empty bins (-1) from the next bin to the right that a shingle filled, shifted by the distance."""
    filled = list(values)
    n = len(values)
    for b in range(n):
        if filled[b] >= 0:
            continue
        distance = 1
        while filled[(b + distance) % n] < 0:
            distance += 1
        values[b] = (filled[(b + distance) % n] + 0x9E37 * distance) & 0xFFFF


def bands(sig: bytes) -> list[tuple[int, int]]:
    """(band, bucket) of each band of a signature: the crc32 of its ROWS bins."""
    width = _BAND.size
    return [(band, zlib.crc32(sig[band * width : (band + 1) * width])) for band in range(BANDS)]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of bins on which two signatures agree."""
    if a == b:
        return 1.0
    return sum(map(eq, _SIG.unpack(a), _SIG.unpack(b))) / BINS


# -- The index in the archive ------------------------------------------------------------------------


def index_article(conn: sqlite3.Connection, article_id: int, body_text: str | None) -> bytes | None:
    """Write (or rewrite) an article's signature and band buckets; returns the signature."""
    sig = signature(body_text)
    old = conn.execute("SELECT signature FROM near_signatures WHERE article_id = ?", (article_id,)).fetchone()
    if old is not None and old[0] == sig:
        return sig
    if old is not None and old[0] is not None:
        conn.executemany(
            "DELETE FROM near_bands WHERE band = ? AND bucket = ? AND article_id = ?",
            [(band, bucket, article_id) for band, bucket in bands(old[0])],
        )
    conn.execute(
        "INSERT INTO near_signatures (article_id, signature) VALUES (?, ?) "
        "ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature",
        (article_id, sig),
    )
    if sig is not None:
        conn.executemany(
            "INSERT OR IGNORE INTO near_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in bands(sig)],
        )
    return sig


# Candidates share at least MIN_BANDS buckets. A pair at the threshold shares 3.8 of the 42 bands on average and
# at least two with probability 0.91 (0.97 at 0.5, 0.9996 at 0.6); but articles written in one register (the same
# formulas, names and school years) often resemble each other at 0.1-0.3 and share one band by chance: with one
# band enough, a generated corpus of 43,000 such articles gave 123 candidates per new article, 9 in 10 of them on
# a single band, and the lookup grew with the archive. Two bands cut those about tenfold.
MIN_BANDS = 2
_CANDIDATES_SQL = (
    "SELECT s.article_id, s.signature FROM near_signatures AS s WHERE s.article_id IN ("
    f"SELECT n.article_id FROM (VALUES {', '.join(['(?, ?)'] * BANDS)}) AS v "
    "JOIN near_bands AS n ON n.band = v.column1 AND n.bucket = v.column2 "
    f"GROUP BY n.article_id HAVING count(*) >= {MIN_BANDS})"
)


def near_matches(conn: sqlite3.Connection, sig: bytes | None, exclude: int | None = None) -> list[int]:
    """Articles whose stored signature is at least THRESHOLD similar to `sig` (never `exclude`)."""
    if sig is None:
        return []
    params = [x for pair in bands(sig) for x in pair]
    return [
        article_id
        for article_id, other in conn.execute(_CANDIDATES_SQL, params)
        if article_id != exclude and other is not None and similarity(sig, other) >= THRESHOLD
    ]


def _text_keys(conn: sqlite3.Connection, article_id: int) -> tuple[str | None, bytes | None] | None:
    """An article's content_hash and signature; None when there is no such article."""
    return conn.execute(
        "SELECT a.content_hash, s.signature FROM articles AS a "
        "LEFT JOIN near_signatures AS s ON s.article_id = a.id WHERE a.id = ?",
        (article_id,),
    ).fetchone()


def neighbours(conn: sqlite3.Connection, article_id: int) -> set[int]:
    """Exact copies (same content_hash) and near copies of an article, as stored now."""
    row = _text_keys(conn, article_id)
    if row is None:
        return set()
    return _neighbours(conn, article_id, row[0], row[1])


def _neighbours(conn: sqlite3.Connection, article_id: int, digest: str | None, sig: bytes | None) -> set[int]:
    found = set(near_matches(conn, sig, exclude=article_id))
    if digest is not None:
        found.update(i for (i,) in conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)))
    found.discard(article_id)
    return found


def _adjacency(conn: sqlite3.Connection, seeds: Iterable[int]) -> dict[int, set[int]]:
    """Every article connected to `seeds` by exact or near copies, with its copies (breadth first).

    Members sharing a content_hash share their text, so each hash is looked up once.
    """
    adjacency: dict[int, set[int]] = {}
    by_hash: dict[str, set[int]] = {}
    todo = list(seeds)
    while todo:
        article_id = todo.pop()
        if article_id in adjacency:
            continue
        row = _text_keys(conn, article_id)
        if row is None:
            continue
        digest, sig = row
        if digest is not None and digest in by_hash:
            found = by_hash[digest] - {article_id}
        else:
            found = _neighbours(conn, article_id, digest, sig)
            if digest is not None:
                by_hash[digest] = found | {article_id}
        adjacency[article_id] = found
        todo.extend(found - adjacency.keys())
    return adjacency


def _rows(conn: sqlite3.Connection, columns: str, ids: Sequence[int]) -> Iterator[tuple]:
    """`columns` of the articles with these ids, read in chunks that stay under SQLite's parameter limit."""
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from conn.execute(f"SELECT {columns} FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk)


def _keys(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[bool, str, str, str, int]]:
    """The articles' ordering keys (dedup._original_key), earliest-published first."""
    return sorted(map(_original_key, _rows(conn, "id, published_at, first_seen_at, url", ids)))


def _stored_pointers(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int | None]:
    return dict(_rows(conn, "id, duplicate_of", ids))


def regroup(conn: sqlite3.Connection, seeds: Iterable[int]) -> set[int]:
    """Work out the groups of everything connected to `seeds` again; returns the articles it saw.

    Members are taken earliest-published first (dedup._original_key): each joins the earliest original it
    is a direct (exact or near) copy of, else it is an original itself. So every copy points at an original
    it resembles, never along a chain of resemblances (announcements from one template, each a little like
    the next, do not melt into one group), and the result depends only on the articles, not on the order
    they arrived in. Only pointers that change are written.
    """
    adjacency = _adjacency(conn, seeds)
    if not adjacency:
        return set()
    originals: list[int] = []
    target: dict[int, int | None] = {}
    for key in _keys(conn, list(adjacency)):
        article_id = key[-1]
        copies_of = adjacency[article_id]
        original = next((o for o in originals if o in copies_of), None)
        target[article_id] = original
        if original is None:
            originals.append(article_id)
    stored = _stored_pointers(conn, list(target))
    changes = [(new, article_id) for article_id, new in target.items() if stored.get(article_id) != new]
    conn.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?", changes)
    return set(adjacency)


def place(conn: sqlite3.Connection, article_id: int) -> set[int]:
    """Group a newly inserted article (nothing points at it yet); returns the articles it saw.

    Only a new article: the local rule below trusts every other stored pointer, which a changed text or a
    backfill does not allow (those call regroup).
    """
    seen = _place_locally(conn, article_id)
    return seen if seen is not None else regroup(conn, [article_id])


def _place_locally(conn: sqlite3.Connection, article_id: int) -> set[int] | None:
    """A newcomer grouped from its own copies alone, in time bounded by how many copies it has.

    Members sorted before it decide without it (their stored pointers stand). It joins the earliest original
    among them. If it is an original itself, every later copy of it whose original is later than it moves to it,
    and so do the copies of an original that thereby becomes a copy, if they resemble the newcomer (then it is
    their earliest original). Crawls meet listings newest first, so an older article arriving after its copies
    is the usual case, not the exception. Returns None when some copy of a demoted original does not resemble
    the newcomer: only the whole group worked out again is right then.
    """
    direct = neighbours(conn, article_id)
    keys = _keys(conn, [article_id, *direct])
    order = {key[-1]: position for position, key in enumerate(keys)}
    if article_id not in order:
        return None
    mine = order[article_id]
    stored = _stored_pointers(conn, list(order))
    original = next((k[-1] for k in keys[:mine] if stored.get(k[-1]) is None), None)
    changes: dict[int, int | None] = {}
    if stored.get(article_id) != original:
        changes[article_id] = original
    if original is None:
        for key in keys[mine + 1 :]:
            later = key[-1]
            current = stored.get(later)
            if current is not None:
                # Its original may not be among the newcomer's copies: then its key is read.
                earlier = order[current] < mine if current in order else _keys(conn, [current]) < [keys[mine]]
                if earlier:
                    continue  # already a copy of an earlier original
            changes[later] = article_id
            if current is None:
                # A demoted original: its copies follow it to the newcomer, which they must resemble.
                for (dependent,) in conn.execute("SELECT id FROM articles WHERE duplicate_of = ?", (later,)):
                    if dependent not in order:
                        return None
                    changes[dependent] = article_id
    if changes:
        conn.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?", [(o, i) for i, o in changes.items()])
    return {article_id, *direct}


# -- Backfill of archives that predate the index ----------------------------------------------------


def backfill(conn: sqlite3.Connection, batch: int = 2000) -> int:
    """Index every article that has no signature row yet, then regroup the archive; returns how many.

    Read in batches of `batch` rows by id, so memory stays flat on a large archive.
    """
    done = 0
    last = 0
    while True:
        rows = conn.execute(
            "SELECT a.id, a.body_text FROM articles AS a "
            "WHERE a.id > ? AND NOT EXISTS (SELECT 1 FROM near_signatures AS s WHERE s.article_id = a.id) "
            "ORDER BY a.id LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            break
        for article_id, body in rows:
            index_article(conn, article_id, body)
        done += len(rows)
        last = rows[-1][0]
    if done:
        regroup_all(conn, batch)
    return done


def regroup_all(conn: sqlite3.Connection, batch: int = 2000) -> None:
    """Work out every group of the archive again, one connected set of copies at a time."""
    seen: set[int] = set()
    last = 0
    while True:
        ids = [i for (i,) in conn.execute("SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
        if not ids:
            break
        for article_id in ids:
            if article_id not in seen:
                seen |= regroup(conn, [article_id])
        last = ids[-1]
