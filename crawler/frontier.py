"""A crawl shared by several worker processes (on several machines) through one Redis: the frontier.

`EDUNEWS_FRONTIER = "redis://HOST:PORT/N"` (`edunews crawl … --frontier URL`) turns every spider into a worker of a
shared crawl. Taken from scrapy-redis: its scheduler, its priority queue and request serialisation, and its
duplicate filter (a Redis set of request fingerprints), so a URL is requested once across all workers. Added here,
because scrapy-redis loses what a dead worker was fetching and keeps one frontier per spider class:

- one frontier per *site* (the generic spider crawls many sites under one name);
- the duplicate check and the queueing are one atomic step (scrapy-redis makes two calls: a worker killed between
  them loses the page for everyone);
- a request taken from the queue is kept in the worker's in-flight hash until Scrapy has finished with it (its
  items through the pipelines, its new requests queued); a worker that stops beating is dead, and its in-flight
  requests go back to the queue, taken by whichever worker next looks;
- a worker whose queue runs dry stays open while other workers hold requests in flight (they may queue more);
- the first worker of a new crawl starts it afresh (the previous night's fingerprints are cleared); a worker that
  joins a crawl under way takes from its queue.

The spiders are this project's own, with Scrapy's current `start()` API (scrapy-redis's RedisSpider reads start
URLs from Redis instead; not used). Items do not go to the archive from here: crawler/pipelines.StreamPipeline
sends them to the one writer (`edunews store`). Redis keys and messages: storage/redis_state.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro, deferred_to_future
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import settings as defaults
from crawler.crawlstats import error_count
from storage import redis_state

logger = logging.getLogger(__name__)

# Take a request: the best-scored one leaves the queue and enters the worker's in-flight hash, atomically.
_TAKE = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], found[1], found[2])
return found[1]
"""
# Queue a request unless its fingerprint was seen, atomically: a worker killed between the two steps must not leave
# a fingerprint seen whose request was never queued (its page would be lost to every worker).
_ADD = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""
# Give back a worker's in-flight requests (it died, or is leaving unfinished).
_GIVE_BACK = """
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do redis.call('ZADD', KEYS[2], entries[i + 1], entries[i]) end
redis.call('DEL', KEYS[1])
return #entries / 2
"""


# request.meta key a spider sets while it keeps the page of that request for later (generic mode's undated pages):
# the request stays in flight, so that a worker dying meanwhile does not lose the page.
HOLDING = "edunews_holding"


async def pause(seconds: float) -> None:
    """Wait without blocking the crawl (on the reactor Scrapy installed, imported late so as not to install one)."""
    from twisted.internet import reactor, task

    await deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


def frontier_url(settings) -> str | None:
    return settings.get("EDUNEWS_FRONTIER") or None


def site_of(spider) -> str:
    """The frontier's name: the site, not the spider class (generic mode crawls any site under one name)."""
    profile = getattr(spider, "profile", None)
    return profile.name if profile is not None else spider.name


class FrontierAddon:
    """Scrapy add-on: with EDUNEWS_FRONTIER set, the shared scheduler replaces Scrapy's. The other frontier
    components (StreamPipeline, FrontierWorker, SharedPoliteness) are always listed and switch themselves on."""

    def update_settings(self, settings) -> None:
        if frontier_url(settings):
            settings.set("SCHEDULER", "crawler.frontier.FrontierScheduler", priority="addon")


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop keeps the request in the worker's in-flight hash until acked."""

    def __init__(self, server, spider, key: str, inflight: str, serializer=None) -> None:
        super().__init__(server, spider, key, serializer=serializer)
        self.inflight = inflight
        self._take = server.register_script(_TAKE)
        self._add = server.register_script(_ADD)
        self._give_back = server.register_script(_GIVE_BACK)
        # Requests handed to the engine (by identity) -> their encoded form, the in-flight hash's field.
        self.handed: dict[int, tuple[Request, bytes]] = {}

    def add(self, request: Request, seen: str, fingerprint: str | None) -> bool:
        """Queue request unless `fingerprint` (None: never filtered) is already in the set `seen`."""
        data = self._encode_request(request)
        return bool(self._add(keys=[self.key, seen], args=[fingerprint or "", -request.priority, data]))

    def taking(self) -> int:
        """Requests handed out and being fetched or processed (not those the spider holds for later)."""
        return sum(1 for request, _ in self.handed.values() if not request.meta.get(HOLDING))

    def pop(self, timeout: int = 0) -> Request | None:
        data = self._take(keys=[self.key, self.inflight])
        if not data:
            return None
        request = self._decode_request(data)
        self.handed[id(request)] = (request, data)
        return request

    def ack(self, busy: set[Request], holding_too: bool = False) -> int:
        """Acknowledge the handed requests Scrapy no longer holds (processed, their output sent on) and the spider
        does not keep for later (HOLDING; `holding_too` at the end of a crawl, when it gave them up)."""
        done = [
            key for key, (request, _) in self.handed.items()
            if request not in busy and (holding_too or not request.meta.get(HOLDING))
        ]
        if done:
            self.server.hdel(self.inflight, *(self.handed[key][1] for key in done))
            for key in done:
                del self.handed[key]
        return len(done)

    def give_back(self, inflight: str | None = None) -> int:
        """Put a worker's in-flight requests (this one's by default) back in the queue."""
        if inflight is None or inflight == self.inflight:
            self.handed.clear()
        return int(self._give_back(keys=[inflight or self.inflight, self.key]))


class SiteDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis-set filter, with Scrapy's own request fingerprints (the same as a local crawl's)."""

    def __init__(self, server, key: str, fingerprinter) -> None:
        super().__init__(server, key)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler on one site's frontier, with acknowledged pops and dead workers' requests
    recovered (see the module docstring)."""

    def __init__(self, server, crawler, worker: str, timeout: int) -> None:
        super().__init__(server, persist=True, serializer=picklecompat)
        self.crawler = crawler
        # Requests of this site a worker holds at once: two per download slot it may use.
        self.prefetch = 2 * max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.stats = crawler.stats
        self.worker = worker
        self.timeout = timeout
        self.keys: redis_state.SiteKeys | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        server = redis_state.shared_client(frontier_url(settings))
        timeout = settings.getint("EDUNEWS_WORKER_TIMEOUT", defaults.EDUNEWS_WORKER_TIMEOUT)
        return cls(server, crawler, worker_of(settings), timeout)

    def open(self, spider) -> None:
        self.spider = spider
        self.keys = keys = redis_state.SiteKeys(site_of(spider))
        self.queue = ReliableQueue(
            self.server, spider, keys.requests, keys.inflight(self.worker), serializer=self.serializer
        )
        self.df = SiteDupeFilter(self.server, keys.seen, self.crawler.request_fingerprinter)
        with self.server.lock(keys.lock, timeout=30, blocking_timeout=60):
            self.recover()
            # Joining and leaving are under the site's lock, and a worker is in the site's set from the moment it
            # joins (before its start requests are queued): a second worker starting at the same moment joins.
            if not len(self.queue) and not self.others_alive():
                # Nothing queued and nobody else on it: the last crawl of this site is over (or was abandoned).
                self.clear()
                logger.info("%s: starting a new shared crawl", keys.site)
            else:
                logger.info("%s: joining the shared crawl (%d requests queued)", keys.site, len(self.queue))
            redis_state.beat(self.server, self.worker, {}, self.timeout)
            self.server.sadd(keys.workers, self.worker)

    def close(self, reason: str) -> None:
        if self.keys is None:
            return
        with self.server.lock(self.keys.lock, timeout=30, blocking_timeout=60):
            if reason == "finished":
                self.queue.ack(set(), holding_too=True)  # pages still held were never dated: given up, as alone
            # Requests taken and not finished (a stop by signal or page budget) are left for the other workers.
            self.queue.give_back()
            self.server.srem(self.keys.workers, self.worker)
            if not len(self.queue) and not self.others_alive():
                self.clear()  # the crawl is over: the next one starts from its start URLs again

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        try:
            added = self.queue.add(request, self.df.key, fingerprint)
        except RedisError as exc:
            # What a page led to cannot be handed on: this worker stops and acknowledges nothing more, so the
            # requests it holds (the page that found this link among them) are redone by another worker.
            stop_worker(self.crawler, f"the frontier could not take a request ({exc})")
            return False
        if not added:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True

    def clear(self) -> None:
        """Forget a finished crawl's seen requests and shared link dates."""
        self.df.clear()
        self.server.delete(self.keys.link_dates)

    def next_request(self) -> Request | None:
        try:
            self.acknowledge()
            if self.queue.taking() >= self.prefetch:
                # Scrapy would take up to CONCURRENT_REQUESTS into its own queues, where they wait for the host's two
                # slots while other workers idle; a worker holds only what it can start soon.
                return None
            return super().next_request()
        except RedisError as exc:  # Redis away: nothing to take now; the heartbeat decides when to give up
            logger.warning("%s: the frontier did not answer: %s", self.keys.site, exc)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return super().has_pending_requests()
        except RedisError:
            return False

    def acknowledge(self) -> int:
        """Acknowledge what the engine has finished with (nothing once the worker is stopping for a lost frontier:
        what it holds is then redone by the others)."""
        if getattr(self.crawler, STOPPED, False):
            return 0
        engine = self.crawler.engine
        # Scrapy keeps a request in its engine slot's `inprogress` from download until its callback's output has
        # gone through the pipelines and scheduler; no signal marks that moment.
        slot = getattr(engine, "_slot", None) if engine is not None else None
        busy = slot.inprogress if slot is not None else set()
        return self.queue.ack(busy)

    def recover(self) -> int:
        """Give the requests of dead workers of this site back to the queue."""
        recovered = 0
        for name in self.server.smembers(self.keys.workers):
            worker = name.decode()
            if worker != self.worker and not redis_state.is_alive(self.server, worker):
                count = self.queue.give_back(self.keys.inflight(worker))
                self.server.srem(self.keys.workers, worker)
                if count:
                    logger.warning("%s: worker %s is gone; %d of its requests requeued", self.keys.site, worker, count)
                    self.stats.inc_value("edunews/frontier_recovered", count)
                recovered += count
        # A worker that died before it joined the set still left its hash behind.
        for key in self.server.scan_iter(match=self.keys.inflight("*"), count=500):
            worker = key.decode().rsplit(":inflight:", 1)[1]
            if worker != self.worker and not redis_state.is_alive(self.server, worker):
                recovered += self.queue.give_back(key.decode())
        return recovered

    def others_alive(self) -> bool:
        """Whether another live worker is on this site's crawl."""
        return any(
            name.decode() != self.worker and redis_state.is_alive(self.server, name.decode())
            for name in self.server.smembers(self.keys.workers)
        )

    def others_in_flight(self) -> bool:
        """Whether a live worker other than this one holds requests of this site."""
        for key in self.server.scan_iter(match=self.keys.inflight("*"), count=500):
            worker = key.decode().rsplit(":inflight:", 1)[1]
            if worker != self.worker and self.server.hlen(key):
                return True
        return False


# The close reason of a worker whose Redis stopped answering; its crawl's status is 'failed' (exit 6).
FRONTIER_LOST = "frontier_lost"
# Set on a crawler whose worker stops for a lost frontier.
STOPPED = "edunews_frontier_lost"


def stop_worker(crawler, why: str) -> None:
    """Close the crawler's spider for a lost frontier (once): its status is failed, and what it holds in Redis is
    given back by the next worker that finds it dead."""
    if getattr(crawler, STOPPED, False) or crawler.engine is None or crawler.engine.spider is None:
        return
    setattr(crawler, STOPPED, True)
    crawler.stats.inc_value("edunews/errors/frontier_lost")
    logger.error("%s: this worker stops", why)
    deferred_from_coro(crawler.engine.close_spider_async(reason=FRONTIER_LOST))


# How often a worker with nothing to do looks at the shared queue again.
POLL_SECONDS = 0.5


def worker_of(settings) -> str:
    return settings.get("EDUNEWS_WORKER") or _PROCESS_WORKER


_PROCESS_WORKER = redis_state.worker_name()


class FrontierWorker:
    """Extension: the worker's heartbeat (and figures for `edunews status`), and the shared crawl's end: a worker
    with nothing queued stays while others hold requests in flight, and takes over those of dead workers."""

    # All crawlers of this process (one worker, one heartbeat, figures summed), and those still open.
    crawlers: dict[int, Any] = {}
    running: set[int] = set()

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.server = redis_state.shared_client(frontier_url(settings))
        self.worker = worker_of(settings)
        self.timeout = settings.getint("EDUNEWS_WORKER_TIMEOUT", defaults.EDUNEWS_WORKER_TIMEOUT)
        self.loop: task.LoopingCall | None = None
        self.answered = time.monotonic()  # when Redis last took a heartbeat

    @classmethod
    def from_crawler(cls, crawler):
        if not frontier_url(crawler.settings):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        FrontierWorker.crawlers[id(self.crawler)] = self.crawler
        FrontierWorker.running.add(id(self.crawler))
        # Scrapy asks an empty scheduler again only at its slot heartbeat (5 s); other workers fill the shared
        # queue at any moment, so a worker waiting for work asks more often.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = POLL_SECONDS
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(max(0.5, self.timeout / 3), now=True)

    def spider_idle(self, spider) -> None:
        scheduler = self._scheduler()
        if scheduler is None or self.stopping:
            return
        self.beat()
        try:
            scheduler.acknowledge()
            scheduler.recover()
            busy = len(scheduler.queue) or scheduler.others_in_flight()
        except RedisError as exc:
            self.lost(exc)
            busy = not self.stopping  # wait for Redis, up to EDUNEWS_WORKER_TIMEOUT
        if busy:
            raise DontCloseSpider
        logger.info("%s: nothing queued or in flight: this worker's part is done", site_of(spider))

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        FrontierWorker.running.discard(id(self.crawler))
        self.beat(state="crawling" if FrontierWorker.running else "stopped")

    def beat(self, state: str = "crawling") -> None:
        figures: dict[str, Any] = {"pages": 0, "items": 0, "errors": 0, "sites": []}
        for key, crawler in FrontierWorker.crawlers.items():
            stats = crawler.stats.get_stats()
            figures["pages"] += stats.get("response_received_count", 0)
            figures["items"] += stats.get("item_scraped_count", 0)
            figures["errors"] += error_count(stats)
            if key in FrontierWorker.running and crawler.spider is not None:
                figures["sites"].append(site_of(crawler.spider))
        figures["state"] = state
        try:
            redis_state.beat(self.server, self.worker, figures, self.timeout)
            self.answered = time.monotonic()
        except Exception as exc:  # Redis away for a moment: the next beat tries again
            logger.warning("worker heartbeat not sent: %s", exc)
            self.lost(exc)

    def lost(self, exc: Exception) -> None:
        """Redis silent for longer than a worker may be: the others (and the writer) count this worker dead, and it
        cannot take, finish or hand on anything. It stops (status failed) rather than wait for ever."""
        if time.monotonic() - self.answered > self.timeout:
            stop_worker(self.crawler, f"the frontier's Redis has not answered for {self.timeout} s ({exc})")

    @property
    def stopping(self) -> bool:
        return getattr(self.crawler, STOPPED, False)

    def _scheduler(self) -> FrontierScheduler | None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        scheduler = getattr(slot, "scheduler", None)
        return scheduler if isinstance(scheduler, FrontierScheduler) else None
