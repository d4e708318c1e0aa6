"""`edunews store --from redis://… --db PATH`: the one writer of a shared crawl.

Workers (`edunews crawl … --frontier redis://…`) never open the archive: they send finished articles with their
raw pages, their crawl records and generic mode's URL memory to the Redis stream `edunews:items`. This process
owns the archive and stores them in arrival order through `Archive.store_article` (the same dedup,
near-duplicates, revisions and search index as a crawl of one process).

Exactly once: the id of the last stored message is written in the article's own transaction
(`inbox_positions`), and reading resumes after it, so a writer killed between reading and committing stores the
message on restart, and one killed after committing never stores it again. Messages are dropped from Redis once
stored. The other messages (crawl records, URL memory) are upserts: storing one twice changes nothing.

The writer also publishes what workers need to crawl incrementally (storage/redis_state.py): known article URLs,
HTTP validators, URL memory and learned templates, at start and as it stores.
"""

from __future__ import annotations

import logging
import signal
import time
from collections import Counter
from typing import Any

from storage import Archive, learned, memory, redis_state, validators
from storage.archive import utc_now

logger = logging.getLogger("edunews.store")
# Messages read at once; each is still stored in its own transaction.
BATCH = 50
# The writer's figures in Redis (for `edunews status`) are refreshed this often while it stores.
BEAT_SECONDS = 0.2


class Writer:
    """Stores the workers' stream into one archive (see the module docstring)."""

    def __init__(self, client, archive: Archive, recheck_days: int = memory.RECHECK_DAYS) -> None:
        self.client = client
        self.archive = archive
        self.recheck_days = recheck_days
        self.position = archive.inbox_position(redis_state.ITEMS_STREAM) or "0-0"
        if self.position != "0-0":
            redis_state.forget_upto(client, self.position)
        self.stored: Counter[str] = Counter()
        # Store results per worker crawl (crawls.spider label), for the crawl's record when it arrives.
        self.tally: dict[str, Counter[str]] = {}
        # Open crawls of workers, by label; those a killed writer left open are taken over.
        self.crawl_ids: dict[str, int] = dict(
            archive.db.conn.execute("SELECT spider, max(id) FROM crawls WHERE status = 'running' AND spider LIKE '%@%' "
                                    "GROUP BY spider")
        )
        self.sites_known: set[str] = set()
        self.stopping = False
        self.started = time.time()
        self.last_beat = 0.0

    # -- state for the workers --------------------------------------------------------------------------------

    def publish_state(self) -> None:
        """Everything the workers read when a spider opens, from the archive as it is now."""
        conn = self.archive.db.conn
        sites = [name for (name,) in conn.execute("SELECT DISTINCT site FROM articles WHERE site IS NOT NULL")]
        for site in sites:
            redis_state.publish_known(self.client, site, self.archive.known_urls(site), replace=True)
        redis_state.publish_validators(
            self.client, conn.execute("SELECT url, etag, last_modified FROM http_validators")
        )
        for (site,) in conn.execute("SELECT DISTINCT site FROM url_memory").fetchall():
            self._publish_memory(site)
        for (site,) in conn.execute("SELECT site FROM learned_sites").fetchall():
            self._publish_learned(site)
        self.beat(ready=True)
        logger.info("published the incremental state of %d sites", len(sites))

    def _publish_memory(self, site: str) -> None:
        found = memory.load(self.archive.db.conn, site, utc_now(), self.recheck_days)
        redis_state.publish_memory(self.client, site, {url: tuple(value) for url, value in found.items()})

    def _publish_learned(self, site: str) -> None:
        found = learned.load(self.archive.db.conn, site)
        redis_state.publish_learned(self.client, site, found.profile.get("rules") if found else None)

    def beat(self, ready: bool = True) -> None:
        self.last_beat = time.monotonic()
        redis_state.publish_writer(
            self.client,
            {
                "ready": ready, "db": self.archive.path, "position": self.position, "stored": dict(self.stored),
                "started": self.started,
            },
        )

    # -- the loop ---------------------------------------------------------------------------------------------

    def run(self) -> None:
        """Store messages until stopped (SIGTERM, SIGINT or `stopping`); the message in hand is finished first."""
        while not self.stopping:
            messages = redis_state.read(self.client, self.position, count=BATCH, block_ms=1000)
            for message in messages:
                self.apply(message)
                if time.monotonic() - self.last_beat > BEAT_SECONDS:
                    self.beat()
                if self.stopping:
                    break
            if not messages:
                # Caught up: a dead worker's messages are all stored, so its open crawls can be closed.
                self.close_dead_crawls()
                self.beat()
        if not redis_state.backlog(self.client):
            self.close_dead_crawls()
        self.beat()

    def close_dead_crawls(self) -> int:
        """Close, as 'interrupted', the crawls of workers that died before sending their crawl's record (a
        killed worker's crawl would otherwise stay 'running')."""
        closed = 0
        for label, crawl_id in list(self.crawl_ids.items()):
            worker = label.split("@", 1)[1]
            if redis_state.is_alive(self.client, worker):
                continue
            self.archive.finish_crawl(crawl_id, "interrupted", self._stored_figures(label))
            del self.crawl_ids[label]
            logger.warning("worker %s died during its crawl %s: recorded as interrupted", worker, label)
            closed += 1
        return closed

    def apply(self, message: redis_state.Message) -> None:
        """Store one message and move past it."""
        stream = redis_state.ITEMS_STREAM
        if message.kind == "article":
            self._article(message)
        else:
            if message.kind == "crawl":
                self._crawl(message.data)
            elif message.kind == "memory":
                self._memory(message.data)
            else:
                logger.warning("unknown message %s of kind %r: skipped", message.id, message.kind)
            self.archive.record_inbox_position(stream, message.id)
        self.position = message.id
        self.stored[message.kind] += 1
        redis_state.forget(self.client, message.id)

    def _label(self, data: dict[str, Any]) -> str:
        """A worker's crawl of one spider: its crawls.spider value."""
        return f"{data.get('spider')}@{data.get('worker')}"

    def _crawl_id(self, label: str, started_at: str | None) -> int:
        if label not in self.crawl_ids:
            self.crawl_ids[label] = self.archive.start_crawl(label, started_at)
        return self.crawl_ids[label]

    def _site(self, row: dict[str, Any] | None) -> None:
        if row and row.get("name") and row["name"] not in self.sites_known:
            self.archive.upsert_sites([row])
            self.sites_known.add(row["name"])

    def _article(self, message: redis_state.Message) -> None:
        data = message.data
        self._site(data.get("site_row"))
        label = self._label(data)
        self.archive.crawl_id = self._crawl_id(label, data.get("started_at"))
        page = data.get("page")
        if page is not None:
            page = {**page, "body": message.body or b""}
        record = data["record"]
        position = message.id

        def mark(conn) -> None:
            self.archive.record_inbox_position(redis_state.ITEMS_STREAM, position, conn)

        result = self.archive.store_article(record, page, then=mark)
        self.tally.setdefault(label, Counter())[result.status] += 1
        site = record.get("site")
        urls = [record["url"], *(record.get("urls") or [])]
        redis_state.publish_known(self.client, site, urls)
        if page is not None:
            self._validators(page, site)

    def _validators(self, page: dict[str, Any], site: str | None) -> None:
        """An article's validators, recorded once it is stored (as the conditional-GET middleware does)."""
        headers = {key.lower(): values for key, values in (page.get("headers") or {}).items()}
        etag = (headers.get("etag") or [None])[0]
        last_modified = (headers.get("last-modified") or [None])[0]
        if not (etag or last_modified):
            return
        validators.record(self.archive.db.conn, [(page["url"], etag, last_modified, site)], utc_now())
        redis_state.publish_validators(self.client, [(page["url"], etag, last_modified)])

    def _stored_figures(self, label: str) -> dict[str, int]:
        """What storing a worker crawl's articles did (the crawls row's counters), its tally then forgotten."""
        tally = self.tally.pop(label, Counter())
        return {"articles_new": tally["new"], "articles_updated": tally["updated"], "duplicates": tally["duplicate"]}

    def _crawl(self, data: dict[str, Any]) -> None:
        self._site(data.get("site_row"))
        label = self._label(data)
        crawl_id = self._crawl_id(label, data.get("started_at"))
        stored = self._stored_figures(label)
        self.archive.finish_crawl(crawl_id, data["status"], {**data["crawl"], **stored})
        site_figures = {
            **data["site_figures"], "new": stored["articles_new"], "updated": stored["articles_updated"],
            "duplicates": stored["duplicates"],
        }
        self.archive.record_crawl_site(crawl_id, data["site"], site_figures)
        self.crawl_ids.pop(label, None)
        self.archive.crawl_id = None

    def _memory(self, data: dict[str, Any]) -> None:
        site = data["site"]
        conn = self.archive.db.conn
        if data["rows"]:
            memory.record(conn, site, [tuple(row) for row in data["rows"]], utc_now())
            self._publish_memory(site)
        if data.get("learn"):
            from spiders.generic import learn_site, worth_learning

            if worth_learning(self.archive.path, site):
                found = learn_site(self.archive.path, site, tuple(data.get("site_names") or ()))
                if found is not None:
                    logger.info("learned the template of %s from %d pages", site, found.pages)
                    self._publish_learned(site)


def store_from(url: str, db: str) -> Writer:
    """Run the writer on the Redis at url and the archive at db until SIGTERM or SIGINT."""
    client = redis_state.connect(url)
    with Archive(db) as archive:
        writer = Writer(client, archive)

        def stop(signum, frame) -> None:
            logger.info("signal %d: stopping after the message in hand", signum)
            writer.stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            writer.publish_state()
            writer.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return writer
