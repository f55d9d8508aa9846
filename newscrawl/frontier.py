"""The shared frontier of distributed mode: scrapy-redis's scheduler and duplicate filter, plus leases.

scrapy-redis pops a request from its Redis queue and forgets it: a process killed while the request
is downloading, being parsed, or sitting in a feed that was never stored loses it for good. Here a
pop is a *lease* instead, taken in the same Lua script as the pop:

* ``<spider>:processing`` (hash) keeps ``lease id → score|request`` and ``<spider>:leases:<worker>``
  the ids the worker holds;
* a lease ends when the request's work is over: its callback's output consumed, every request it
  produced in the shared queue (Scrapy hands a callback's output to up to CONCURRENT_ITEMS workers
  through a buffer, so "consumed" is not "queued"), and every item it produced dropped, or written
  to a feed *that has been stored* (until then the lease moves to ``<spider>:done:<worker>``); a
  retry or redirect, pushed back to the queue, ends it in the same Lua script as the push;
* the duplicate filter's check (scrapy-redis's fingerprints and key) and the push are one script
  too: scrapy-redis's two calls would let a kill between them mark a request seen, never queued;
* a worker is alive while its key ``newscrawl:worker:<id>`` is (a heartbeat, ``NEWSCRAWL_LEASE_TTL``);
  every process, on start and whenever it is idle, puts the leases of dead workers back in the queue,
  and a process that closes puts back the leases it still holds (shutdown, a feed not stored).

So a killed process's in-flight requests are crawled again by the others or by the next start, and
its unstored articles exported again: the export is at-least-once, and the Redis state's claims
(:mod:`newscrawl.state_redis`) keep two live processes from exporting the same article.

A process closes once the whole frontier has been idle for ``NEWSCRAWL_IDLE_CLOSE`` seconds: no
queued request, no seed, no request in flight in another live process (it may still add some), no
lease of a dead one left to recover.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from newscrawl.extract import ListingEntry, article_key
from newscrawl.feeds import AwaitingStorage, feed_slots, slot_stored
from newscrawl.frontier_keys import LEASE_META, PARENT_META, FrontierKeys
from newscrawl.state_redis import WORKER_KEY_PREFIX, Worker, connect

logger = logging.getLogger(__name__)

# Pop the best request and lease it to ARGV[1], atomically.
# KEYS: queue, processing, this worker's leases, lease sequence.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local id = ARGV[1] .. '#' .. redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], id, r[2] .. '|' .. r[1])
redis.call('SADD', KEYS[3], id)
return {id, r[1]}
"""

# Queue a request unless its fingerprint (ARGV[1], '' for dont_filter) was seen, and end the lease it
# was popped under (ARGV[4], '' if none: a retry or redirect carries its original's) — one atomic
# step, so no kill can leave a request marked seen but never queued.
# KEYS: dupefilter, queue, processing, this worker's leases, its done set.
_PUSH = """
local new = 1
if ARGV[1] ~= '' then new = redis.call('SADD', KEYS[1], ARGV[1]) end
if new == 1 then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[4])
  redis.call('SREM', KEYS[4], ARGV[4])
  redis.call('SREM', KEYS[5], ARGV[4])
end
return new
"""

# Lua: put every lease of worker `w` back in the queue; `lease_prefix`/`done_prefix` + w are its sets.
_REQUEUE_FN = """
local function requeue(w, queue, processing, lease_prefix, done_prefix)
  local n = 0
  for _, set in ipairs({lease_prefix .. w, done_prefix .. w}) do
    for _, id in ipairs(redis.call('SMEMBERS', set)) do
      local v = redis.call('HGET', processing, id)
      if v then
        local sep = string.find(v, '|', 1, true)
        redis.call('ZADD', queue, tonumber(string.sub(v, 1, sep - 1)), string.sub(v, sep + 1))
        redis.call('HDEL', processing, id)
        n = n + 1
      end
    end
    redis.call('DEL', set)
  end
  return n
end
"""

# KEYS: queue, processing, workers registry; ARGV: lease prefix, done prefix, worker key prefix.
_RECOVER = _REQUEUE_FN + """
local n = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[3] .. w) == 0 then
    n = n + requeue(w, KEYS[1], KEYS[2], ARGV[1], ARGV[2])
    redis.call('SREM', KEYS[3], w)
  end
end
return n
"""

# KEYS: queue, processing, workers registry; ARGV: lease prefix, done prefix, worker id.
_LEAVE = _REQUEUE_FN + """
local n = requeue(ARGV[3], KEYS[1], KEYS[2], ARGV[1], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3])
return n
"""


@dataclass
class _Work:
    """What is left of one leased request: what it produced and is not settled yet (items in the
    pipelines, requests not yet queued), and whether its callback's output is consumed."""

    pending: int = 0
    output_done: bool = False
    slots: tuple[Any, ...] = ()  # the feed slots holding its item: the lease waits for them all


class DistributedCrawl:
    """This process's part in a distributed crawl: its worker, its leases, seeds and idle closing."""

    def __init__(self, crawler: Crawler, spider: Any, url: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.spider = spider
        self.url = url
        self.server = connect(url)
        self.worker = Worker(self.server, settings.getfloat("NEWSCRAWL_LEASE_TTL", 30.0))
        self.keys = FrontierKeys.from_settings(settings, spider.name)
        self.idle_close = settings.getfloat("NEWSCRAWL_IDLE_CLOSE", 10.0)
        self.poll = settings.getfloat("NEWSCRAWL_FRONTIER_POLL", 0.5)
        self.seed_batch = settings.getint("CONCURRENT_REQUESTS", 16)
        self._pop = self.server.register_script(_POP)
        self._push = self.server.register_script(_PUSH)
        self._recover = self.server.register_script(_RECOVER)
        self._leave = self.server.register_script(_LEAVE)
        self._work: dict[str, _Work] = {}
        self._awaiting = AwaitingStorage()  # exported leases, until every feed holding them is stored
        self._to_done: list[str] = []  # exported leases not yet moved to done:<worker> (batched)
        self._idle_since: float | None = None
        self._left = False
        for handler, signal in ((self._spider_idle, signals.spider_idle),
                                (self._item_scraped, signals.item_scraped),
                                (self._item_dropped, signals.item_dropped),
                                (self._item_dropped, signals.item_error),
                                (self.child_queued, signals.request_dropped),
                                (self._feed_slot_closed, signals.feed_slot_closed),
                                (self._engine_stopped, signals.engine_stopped)):
            crawler.signals.connect(handler, signal=signal)
        logger.info("Distributed mode: frontier %s, worker %s", _redacted(url), self.worker.id)

    # -- joining and leaving ------------------------------------------------------------------------

    def join(self) -> None:
        """Start beating, register, and put back what dead workers held (the scheduler opens)."""
        self.worker.start()
        self.server.sadd(self.keys.workers, self.worker.id)
        # An idle engine looks at its scheduler only on its heartbeat, every 5 s: too slow to notice
        # work that other processes queue. Scrapy reads this (private) interval when the engine
        # starts, just after the scheduler opens.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = self.poll
        recovered = self.recover()
        if recovered:
            logger.info("Recovered %d requests leased by processes that died", recovered)

    def recover(self) -> int:
        """Put the leases of dead workers back in the queue; how many requests went back."""
        moved = int(self._recover(keys=[self.keys.queue, self.keys.processing, self.keys.workers],
                                  args=[self.keys.leases(""), self.keys.done(""), WORKER_KEY_PREFIX]))
        if moved:
            self.crawler.stats.inc_value("frontier/recovered", moved)
        return moved

    def leave(self) -> int:
        """Put back every lease still held, stop beating, unregister; how many requests went back."""
        if self._left:
            return 0
        self._left = True
        moved = int(self._leave(keys=[self.keys.queue, self.keys.processing, self.keys.workers],
                                args=[self.keys.leases(""), self.keys.done(""), self.worker.id]))
        self.worker.stop()
        if moved:
            logger.warning("%d leased requests were not finished (or their feed not stored): back in the"
                           " queue for the other processes or the next run", moved)
        return moved

    # -- the queue --------------------------------------------------------------------------------

    def pop(self) -> tuple[str, bytes] | None:
        found = self._pop(keys=[self.keys.queue, self.keys.processing, self.keys.leases(self.worker.id),
                                self.keys.lease_seq], args=[self.worker.id])
        if not found:
            return None
        lease, data = found
        lease = lease.decode() if isinstance(lease, bytes) else str(lease)
        self._work[lease] = _Work()
        self.crawler.stats.inc_value("frontier/leased")
        return lease, data

    def push(self, data: bytes, score: float, lease: str | None, fingerprint: str | None = None,
             dupefilter: str = "") -> bool:
        """Queue a request unless ``fingerprint`` is in ``dupefilter``; end ``lease`` (a retry's, a
        redirect's) in the same step. True when it was queued."""
        me = self.worker.id
        queued = self._push(keys=[dupefilter or self.keys.dupefilter, self.keys.queue, self.keys.processing,
                                  self.keys.leases(me), self.keys.done(me)],
                            args=[fingerprint or "", score, data, lease or ""])
        if lease:
            self._work.pop(lease, None)
        return bool(queued)

    def release(self, request: Request) -> None:
        """The work of a leased request is over (no item of it awaits a feed)."""
        lease = request.meta.get(LEASE_META)
        if lease:
            self._release([lease])

    def _release(self, leases: list[str]) -> None:
        with self.server.pipeline(transaction=True) as pipe:
            for lease in leases:
                self._end_lease(pipe, lease)
            pipe.execute()
        for lease in leases:
            self._work.pop(lease, None)
        self.crawler.stats.inc_value("frontier/released", len(leases))

    def _end_lease(self, pipe: Any, lease: str) -> None:
        pipe.hdel(self.keys.processing, lease)
        pipe.srem(self.keys.leases(self.worker.id), lease)
        pipe.srem(self.keys.done(self.worker.id), lease)

    # -- when is a lease's work over ----------------------------------------------------------------

    def output_started(self, lease: str) -> _Work:
        return self._work.setdefault(lease, _Work())

    def output_done(self, lease: str) -> None:
        work = self._work.get(lease)
        if work is None:
            return
        work.output_done = True
        self._settle(lease, work)

    def _item_scraped(self, item: Any, response: Response) -> None:
        lease = _lease_of(response)
        work = self._work.get(lease) if lease else None
        if work is None:
            return
        work.pending -= 1
        slots = feed_slots(self.crawler)
        if slots and not work.slots:
            work.slots = tuple(slots)
        self._settle(lease, work)  # type: ignore[arg-type]

    def _item_dropped(self, item: Any, response: Response | None = None) -> None:
        lease = _lease_of(response)
        work = self._work.get(lease) if lease else None
        if work is None:
            return
        work.pending -= 1
        self._settle(lease, work)  # type: ignore[arg-type]

    def child_queued(self, request: Request) -> None:
        """A request produced by a leased response reached the shared queue (or was filtered)."""
        self.child_done(request.meta.pop(PARENT_META, None))

    def child_done(self, parent: str | None) -> None:
        work = self._work.get(parent) if parent else None
        if work is not None:
            work.pending -= 1
            self._settle(parent, work)  # type: ignore[arg-type]

    def _settle(self, lease: str, work: _Work) -> None:
        if not work.output_done or work.pending > 0:
            return
        if not work.slots:
            self._release([lease])
            return
        # Exported: the lease waits for the feed to be stored, out of the in-flight set (moved in
        # batches: until then the others merely see this process as busy a little longer).
        self._to_done.append(lease)
        if len(self._to_done) >= 64:
            self._flush_done()
        self._awaiting.add(lease, list(work.slots))
        del self._work[lease]

    def _flush_done(self) -> None:
        if not self._to_done:
            return
        with self.server.pipeline(transaction=False) as pipe:
            for lease in self._to_done:
                pipe.smove(self.keys.leases(self.worker.id), self.keys.done(self.worker.id), lease)
            pipe.execute()
        self._to_done.clear()

    def _feed_slot_closed(self, slot: Any) -> None:
        # Leases of a feed that failed to store stay with this process, which puts them back in the
        # queue when it leaves.
        stored, _ = self._awaiting.closed(slot, slot_stored(slot))
        if stored:
            self._release(sorted(stored))

    # -- seeds and idling ---------------------------------------------------------------------------

    def seed_requests(self, limit: int | None = None) -> Iterator[Request]:
        """The seeds pushed by ``scrapy push-seeds`` (all of them, or ``limit``), as requests.

        A seed leaves Redis only once its request is queued (the caller queues each yielded request
        before asking for the next): a process killed in between leaves it for the others, and a
        seed read by two processes is queued once (the duplicate filter).
        """
        done = 0
        while limit is None or done < limit:
            batch = self.server.lrange(self.keys.start, 0, self.seed_batch - 1)
            if not batch:
                return
            for data in batch:
                request = self._seed_request(data)
                if request is not None:
                    self.crawler.stats.inc_value("frontier/seeds")
                    yield request
                self.server.lrem(self.keys.start, 1, data)
                done += 1

    def _seed_request(self, data: bytes) -> Request | None:
        spider = self.spider
        try:
            seed = json.loads(data)
            url = seed["url"]
        except (ValueError, KeyError, TypeError):
            logger.warning("Not a seed (expected JSON with a url): %r", data[:200])
            return None
        if seed.get("kind") == "article" or (seed.get("kind") is None and article_key(spider.site, url)):
            entry = ListingEntry(url=url, section=seed.get("section") or None, title=None, summary=None,
                                 thumbnail=None, stamp=None, site=spider.site.key)
            return spider._article_request(entry)
        try:
            section = spider.site.section(seed["section"])
        except KeyError:
            logger.warning("Seed of an unknown section: %r", data[:200])
            return None
        request = spider._listing_request(section, page=int(seed.get("page", 1)))
        return request if request.url == url else request.replace(url=url)

    def _spider_idle(self) -> None:
        """Take new seeds, recover dead workers' leases; close once the whole frontier is idle."""
        self._flush_done()
        moved = self.recover()
        seeds = 0
        for request in self.seed_requests(self.seed_batch):
            self.crawler.engine.crawl(request)
            seeds += 1
        if moved or seeds or self._frontier_busy():
            self._idle_since = None
            raise DontCloseSpider
        if self.idle_close <= 0:
            raise DontCloseSpider  # a standing worker: waits for seeds for ever
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_close:
            raise DontCloseSpider
        logger.info("The frontier has been idle for %.0f s: closing", now - self._idle_since)

    def _frontier_busy(self) -> bool:
        if self.server.zcard(self.keys.queue) or self.server.llen(self.keys.start):
            return True
        for raw in self.server.smembers(self.keys.workers):
            other = raw.decode()
            if other != self.worker.id and self.server.scard(self.keys.leases(other)):
                return True  # requests in flight elsewhere: they may add more (or die and come back)
        return False

    def _engine_stopped(self) -> None:
        self.leave()


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop is a lease (see the module docstring)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.crawl: DistributedCrawl = spider.distributed

    def push(self, request: Request, fingerprint: str | None = None, dupefilter: str = "") -> bool:
        """Queue ``request`` (unless ``fingerprint`` was seen); False when it was a duplicate."""
        lease = request.meta.pop(LEASE_META, None)
        request.meta.pop(PARENT_META, None)
        return self.crawl.push(self._encode_request(request), -request.priority, lease, fingerprint,
                               dupefilter)

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.crawl.pop()
        if found is None:
            return None
        lease, data = found
        request = self._decode_request(data)
        request.meta[LEASE_META] = lease
        return request


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler with its duplicate filter, whose check and push are one atomic step."""

    def open(self, spider: Any) -> None:
        super().open(spider)
        spider.distributed.join()

    def enqueue_request(self, request: Request) -> bool:
        crawl: DistributedCrawl = self.spider.distributed
        parent = request.meta.pop(PARENT_META, None)
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        queued = self.queue.push(request, fingerprint, self.df.key)
        if queued:
            if self.stats:
                self.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.df.log(request, self.spider)
        crawl.child_done(parent)
        return queued

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class LeaseMiddleware:
    """Spider middleware: count the items a leased response produced, and see its output end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseMiddleware:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: Any) -> Any:
        crawl: DistributedCrawl | None = getattr(self.crawler.spider, "distributed", None)
        lease = _lease_of(response)
        if crawl is None or lease is None:
            async for element in result:
                yield element
            return
        work = crawl.output_started(lease)
        try:
            async for element in result:
                work.pending += 1  # settled by the item signals, or when the request is queued
                if isinstance(element, Request):
                    element.meta.pop(LEASE_META, None)  # a new request: not leased (meta=response.meta)
                    element.meta[PARENT_META] = lease
                yield element
        finally:
            crawl.output_done(lease)


def _lease_of(response: Any) -> str | None:
    request = getattr(response, "request", None)
    return request.meta.get(LEASE_META) if request is not None else None


def _redacted(url: str) -> str:
    """``url`` without its password, for the log."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
