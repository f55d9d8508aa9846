"""The shared frontier of distributed mode: scrapy-redis's scheduler and duplicate filter, plus leases.

scrapy-redis pops a request from its Redis queue and forgets it: a process killed while the request
is downloading, being parsed, or sitting in a feed that was never stored loses it for good. Here a
pop is a *lease* instead, taken in the same Lua script as the pop:

* ``<spider>:processing`` (hash) keeps ``lease id → score|request`` and ``<spider>:leases:<worker>``
  the ids the worker holds;
* a lease ends when the request's work is over: its callback's output consumed, every request it
  produced in the shared queue (Scrapy hands a callback's output to up to CONCURRENT_ITEMS workers
  through a buffer, so "consumed" is not "queued"; a child refused when scheduled — Scrapy's offsite
  filter drops a link to a host the crawl does not cover before the scheduler sees it — is settled
  too, counted as ``frontier/children_refused``), and every item it produced dropped, or written
  to a feed *that has been stored* (until then the lease moves to ``<spider>:done:<worker>``); a
  retry or redirect, pushed back to the queue, ends it in the same Lua script as the push;
* the duplicate filter's check (scrapy-redis's fingerprints and key) and the push are one script
  too: scrapy-redis's two calls would let a kill between them mark a request seen, never queued;
* a worker is alive while its key ``newscrawl:worker:<id>`` is (a heartbeat, ``NEWSCRAWL_LEASE_TTL``);
  every process, on start and whenever it is idle, puts the leases of dead workers back in the queue,
  and a process that closes puts back the leases it still holds (shutdown, a feed not stored).

**One round trip per batch.** What a process has to tell the frontier — requests to queue, leases
that ended or wait for their feed, seeds consumed — is staged in memory and sent in one Lua script
(:data:`_SYNC`) before the next pop, which takes up to :data:`POP_BATCH` requests in the same
script; requests to queue get a sync of their own on the next turn of the reactor if no pop came,
lease ends within :data:`ENDS_DELAY`. A request and the end of the lease that produced it
are always in the same script (the parent's lease is settled when its last child is *staged*), so a
kill between two scripts loses nothing: whatever was staged and not sent, its lease was not ended
either, and the lease comes back.

So a killed process's in-flight requests are crawled again by the others or by the next start, and
its unstored articles exported again: the export is at-least-once, and the Redis state's claims
(:mod:`newscrawl.state_redis`) keep two live processes from exporting the same article.

**Redis outages** (:class:`newscrawl.state_redis.Link`): a lost connection is retried with backoff
for ``NEWSCRAWL_REDIS_WAIT`` seconds, leases kept. Redis that comes back with its data: the crawl goes
on (the worker beats again at once, and nobody recovers another's leases for a TTL after a
reconnection, so live processes keep theirs). Every sync checks the run's *epoch* key (written by
``scrapy push-seeds``) and this process's write counter: a Redis that lost the frontier, or some of
the writes it acknowledged, stops the run. Either way — Redis gone too long, or data lost — the
process sets ``verdict/fatal`` to a one-line reason (status 1), writes nothing more, and closes: what
Redis still holds (queue, leases) is left as it is for the next start.

A process closes once the whole frontier has been idle for ``NEWSCRAWL_IDLE_CLOSE`` seconds: no
queued request, no seed, no request in flight in another live process (it may still add some), no
lease of a dead one left to recover.
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response
from scrapy.utils.reactor import CallLaterOnce
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from newscrawl.extract import ListingEntry, article_key
from newscrawl.feeds import AwaitingStorage, feed_slots, slot_stored
from newscrawl.frontier_keys import (
    FATAL_STAT,
    LEASE_META,
    PARENT_META,
    WORKER_KEY_PREFIX,
    WRITES_KEY_PREFIX,
    FrontierKeys,
    RedisUnavailable,
)
from newscrawl.state_redis import BACKOFF, Link, Worker, check_persistence, redacted

logger = logging.getLogger(__name__)

#: Requests leased per pop: the round trip is shared by this many; they wait here, leased, until the
#: engine asks for them (other processes see them in flight, and get them back if this one dies).
#: CONCURRENT_REQUESTS (16 by default): one pop refills the downloader.
POP_BATCH = 16
#: Seconds a lease end (or a move to done) may wait for the next sync before it gets one of its own:
#: most ride with the next pop. Pushes are sent on the next turn of the reactor (the other processes
#: want them); an end only tells the frontier that a request need not come back after a kill.
ENDS_DELAY = 0.25

# One round trip: check that the frontier is still this run's, apply what was staged (pushes, ended
# leases, leases moved to done, seeds consumed), pop up to ARGV[3] requests as leases, count the write.
# KEYS: 1 queue, 2 processing, 3 leases:<me>, 4 done:<me>, 5 dupefilter, 6 lease sequence, 7 epoch,
#       8 writes:<me>, 9 seeds.
# ARGV: 1 worker id, 2 epoch, 3 how many to pop, then P and P x (fingerprint or '', score, request),
#       then E and E lease ids ended, then M and M lease ids moved to done, then S and S seeds.
# Returns {-1, epoch found} when the epoch is not ARGV[2]; else {writes counted, wrote, {1 = queued,
# 0 = duplicate per push}, {lease id, request, ...} popped}.
_SYNC = """
local epoch = redis.call('GET', KEYS[7])
if epoch ~= ARGV[2] then return {-1, epoch or ''} end
local i, wrote, new, popped = 4, 0, {}, {}
for _ = 1, tonumber(ARGV[i]) do
  local n = 1
  if ARGV[i + 1] ~= '' then n = redis.call('SADD', KEYS[5], ARGV[i + 1]) end
  if n == 1 then redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i + 3]) end
  new[#new + 1] = n
  i = i + 3
end
i = i + 1
for _ = 1, tonumber(ARGV[i]) do
  i = i + 1
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('SREM', KEYS[3], ARGV[i])
  redis.call('SREM', KEYS[4], ARGV[i])
end
i = i + 1
for _ = 1, tonumber(ARGV[i]) do
  i = i + 1
  redis.call('SMOVE', KEYS[3], KEYS[4], ARGV[i])
end
i = i + 1
for _ = 1, tonumber(ARGV[i]) do
  i = i + 1
  redis.call('LREM', KEYS[9], 1, ARGV[i])
end
if i > 7 then wrote = 1 end  -- i is the index of the last argument read: 7 when nothing was staged
local want = tonumber(ARGV[3])
if want > 0 then
  local r = redis.call('ZRANGE', KEYS[1], 0, want - 1, 'WITHSCORES')
  if #r > 0 then
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #r / 2 - 1)
    wrote = 1
  end
  for j = 1, #r, 2 do
    local id = ARGV[1] .. '#' .. redis.call('INCR', KEYS[6])
    redis.call('HSET', KEYS[2], id, r[j + 1] .. '|' .. r[j])
    redis.call('SADD', KEYS[3], id)
    popped[#popped + 1] = id
    popped[#popped + 1] = r[j]
  end
end
local writes
if wrote == 1 then writes = redis.call('INCR', KEYS[8]) else writes = redis.call('GET', KEYS[8]) or 0 end
return {tonumber(writes), wrote, new, popped}
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

# KEYS: queue, processing, workers registry; ARGV: lease prefix, done prefix, worker key prefix,
# writes counter prefix.
_RECOVER = _REQUEUE_FN + """
local n = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[3] .. w) == 0 then
    n = n + requeue(w, KEYS[1], KEYS[2], ARGV[1], ARGV[2])
    redis.call('SREM', KEYS[3], w)
    redis.call('DEL', ARGV[4] .. w)
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

# Start or join the run: its epoch (made here when no `scrapy push-seeds` made one yet), registration.
# KEYS: epoch, workers registry; ARGV: a new epoch, worker id.
_JOIN = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
redis.call('SADD', KEYS[2], ARGV[2])
return redis.call('GET', KEYS[1])
"""


@dataclass
class _Work:
    """What is left of one leased request: what it produced and is not settled yet (items in the
    pipelines, requests not yet staged), and whether its callback's output is consumed."""

    pending: int = 0
    output_done: bool = False
    failed: bool = False  # an item of it failed in the pipelines: not exported, so the lease is kept
    slots: tuple[Any, ...] = ()  # the feed slots holding its item: the lease waits for them all


@dataclass
class _Staged:
    """What this process has to tell the frontier, sent in the next sync."""

    pushes: list[tuple[str, float, bytes, Request]] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    seeds: list[bytes] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.pushes or self.ends or self.moves or self.seeds)

    def args(self) -> list[Any]:
        args: list[Any] = [len(self.pushes)]
        for fingerprint, score, data, _ in self.pushes:
            args += [fingerprint, score, data]
        for ids in (self.ends, self.moves, self.seeds):
            args += [len(ids), *ids]
        return args


class DistributedCrawl:
    """This process's part in a distributed crawl: its worker, its leases, seeds and idle closing."""

    def __init__(self, crawler: Crawler, spider: Any, url: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.spider = spider
        self.url = url
        self.link = Link(url, settings.getfloat("NEWSCRAWL_REDIS_WAIT", 120.0))
        self.server = self.link.server
        self.worker = Worker(self.link, settings.getfloat("NEWSCRAWL_LEASE_TTL", 30.0))
        self.keys = FrontierKeys.from_settings(settings, spider.name)
        self.dupefilter_key = self.keys.dupefilter
        self.idle_close = settings.getfloat("NEWSCRAWL_IDLE_CLOSE", 10.0)
        self.poll = settings.getfloat("NEWSCRAWL_FRONTIER_POLL", 0.5)
        self.seed_batch = settings.getint("CONCURRENT_REQUESTS", 16)
        self.epoch: str | None = None
        self.dupefilter: Any = None  # scrapy-redis's, set when the scheduler opens (logs duplicates)
        self._sync = self.server.register_script(_SYNC)
        self._recover = self.server.register_script(_RECOVER)
        self._leave = self.server.register_script(_LEAVE)
        self._join = self.server.register_script(_JOIN)
        self._work: dict[str, _Work] = {}
        self._awaiting = AwaitingStorage()  # exported leases, until every feed holding them is stored
        self._staged = _Staged()
        self._popped: deque[tuple[str, bytes]] = deque()
        self._empty_until = 0.0  # no pop before this time.monotonic() unless something was staged
        self._flush = CallLaterOnce(self._flush_staged)
        self._flush_later = CallLaterOnce(self._flush_staged)
        self._scheduling: list[Request] = []  # children handed to the engine, not yet seen queued
        self._check_scheduled = CallLaterOnce(self.settle_unqueued)
        self._idle_since: float | None = None
        self._left = False
        self.link.on_reconnect.append(self._rejoin)
        self.link.on_gone.append(self._stop)
        for handler, signal in ((self._spider_idle, signals.spider_idle),
                                (self._request_scheduled, signals.request_scheduled),
                                (self._item_scraped, signals.item_scraped),
                                (self._item_dropped, signals.item_dropped),
                                (self._item_failed, signals.item_error),
                                (self._feed_slot_closed, signals.feed_slot_closed),
                                (self._engine_stopped, signals.engine_stopped)):
            crawler.signals.connect(handler, signal=signal)
        logger.info("Distributed mode: frontier %s, worker %s", redacted(url), self.worker.id)

    # -- joining and leaving ------------------------------------------------------------------------

    def join(self) -> None:
        """Register, start beating, and put back what dead workers held (the scheduler opens)."""
        try:
            self.register()
            self.link.call(check_persistence, self.server, self.crawler.stats, self.url)
        except RedisUnavailable:
            return
        self.worker.start()
        # An idle engine looks at its scheduler only on its heartbeat, every 5 s: too slow to notice
        # work that other processes queue. Scrapy reads this (private) interval when the engine
        # starts, just after the scheduler opens.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = self.poll
        recovered = self.recover()
        if recovered:
            logger.info("Recovered %d requests leased by processes that died", recovered)

    def register(self) -> None:
        """Beat, take the run's epoch (made here if no ``scrapy push-seeds`` made one yet), register."""
        self.link.call(self.worker.beat)
        epoch = self.link.call(self._join, keys=[self.keys.epoch, self.keys.workers],
                               args=[secrets.token_hex(8), self.worker.id])
        self.epoch = epoch.decode() if isinstance(epoch, bytes) else str(epoch)

    def _rejoin(self) -> None:
        """After a reconnection (the worker already beat again): registered again, in case a
        process recovered this one's leases meanwhile. The next sync checks the epoch."""
        self.server.sadd(self.keys.workers, self.worker.id)

    def recover(self) -> int:
        """Put the leases of dead workers back in the queue; how many requests went back.

        Not for a TTL after Redis came back: until then a live process may not have beaten again."""
        reconnected = self.link.reconnected_at
        if reconnected is not None and time.monotonic() - reconnected < self.worker.ttl + BACKOFF[-1]:
            return 0
        moved = int(self.link.call(
            self._recover, keys=[self.keys.queue, self.keys.processing, self.keys.workers],
            args=[self.keys.leases(""), self.keys.done(""), WORKER_KEY_PREFIX, WRITES_KEY_PREFIX]))
        if moved:
            self.crawler.stats.inc_value("frontier/recovered", moved)
        return moved

    def leave(self) -> int:
        """Send what is staged, put back every lease still held, stop beating, unregister; how many
        requests went back. Nothing at all once Redis is gone: what it holds stays for the next start."""
        if self._left:
            return 0
        self._left = True
        self.settle_unqueued()
        try:
            self.sync()
            moved = int(self.link.call(self._leave, keys=[self.keys.queue, self.keys.processing,
                                                          self.keys.workers],
                                       args=[self.keys.leases(""), self.keys.done(""), self.worker.id]))
            self.worker.stop()
        except RedisUnavailable:
            self.worker.stop()
            return 0
        if moved:
            self.crawler.stats.set_value("frontier/requeued_at_exit", moved)
            logger.warning("%d leased requests were not finished (or their feed not stored): back in the"
                           " queue for the other processes or the next run", moved)
        return moved

    def _stop(self, reason: str) -> None:
        """Redis is gone (too long, or it lost data): status 1. Nothing is popped or queued any more,
        so the engine soon goes idle, and the idle handler closes the spider (``redis_unavailable``)."""
        if not self.crawler.stats.get_value(FATAL_STAT):  # the first reason is the run's
            self.crawler.stats.set_value(FATAL_STAT, reason)
        self.crawler.stats.set_value("frontier/redis_outages", self.link.outages)

    # -- the queue --------------------------------------------------------------------------------

    def sync(self, pop: int = 0) -> None:
        """Send what is staged and pop up to ``pop`` requests, in one round trip; check the epoch and
        the write counter. Raises :class:`RedisUnavailable` once Redis is gone."""
        staged, self._staged = self._staged, _Staged()
        me = self.worker.id
        result = self.link.call(
            self._sync,
            keys=[self.keys.queue, self.keys.processing, self.keys.leases(me), self.keys.done(me),
                  self.dupefilter_key, self.keys.lease_seq, self.keys.epoch, self.worker.writes_key,
                  self.keys.start],
            args=[me, self.epoch or "", pop, *staged.args()])
        if int(result[0]) == -1:
            found = result[1].decode() if isinstance(result[1], bytes) else str(result[1])
            what = ("lost the frontier (restarted without persistence, or flushed)" if not found else
                    "holds another run's frontier (reset by scrapy push-seeds --force)")
            raise self.link.fail(f"Redis at {redacted(self.url)} {what}: this run's queue, leases and"
                                 f" duplicate filter are gone; the run is incomplete")
        writes, wrote, new, popped = result
        if wrote:
            self.worker.writes += 1
        self.worker.check_writes(writes)
        self._after_sync(staged, new, popped)

    def _after_sync(self, staged: _Staged, new: list[int], popped: list[bytes]) -> None:
        stats = self.crawler.stats
        queued = sum(int(n) for n in new)
        if queued:
            stats.inc_value("scheduler/enqueued/redis", queued)
        for (_, _, _, request), n in zip(staged.pushes, new, strict=True):
            if not int(n) and self.dupefilter is not None:
                self.dupefilter.log(request, self.spider)
        if staged.ends:
            stats.inc_value("frontier/released", len(staged.ends))
        for i in range(0, len(popped), 2):
            lease = popped[i].decode() if isinstance(popped[i], bytes) else str(popped[i])
            self._work[lease] = _Work()
            self._popped.append((lease, popped[i + 1]))
        if popped:
            stats.inc_value("frontier/leased", len(popped) // 2)
            stats.inc_value("frontier/pops")

    def pop(self) -> tuple[str, bytes] | None:
        """The next leased request (a round trip only for every :data:`POP_BATCH`, or when requests
        were staged; after an empty pop, none before ``NEWSCRAWL_FRONTIER_POLL``)."""
        if not self._popped and (self._staged.pushes or time.monotonic() >= self._empty_until):
            self.sync(POP_BATCH)
            if not self._popped:
                self._empty_until = time.monotonic() + self.poll
        return self._popped.popleft() if self._popped else None

    def pending(self) -> bool:
        """Requests are waiting: popped here, staged here, or in the shared queue."""
        if self._popped or self._staged.pushes:
            return True
        return bool(self.link.call(self.server.zcard, self.keys.queue))

    def push(self, data: bytes, score: float, lease: str | None, fingerprint: str | None,
             request: Request, parent: str | None = None) -> None:
        """Stage a request (queued unless ``fingerprint`` was seen), the end of ``lease`` (a retry's,
        a redirect's) and its parent's child count, all for the same sync."""
        self._staged.pushes.append((fingerprint or "", score, data, request))
        if lease:
            self._work.pop(lease, None)
            self._staged.ends.append(lease)
        self.child_done(parent)
        self._schedule_flush()

    def release(self, request: Request) -> None:
        """The work of a leased request is over (no item of it awaits a feed)."""
        lease = request.meta.get(LEASE_META)
        if lease:
            self._end(lease)

    def _end(self, lease: str) -> None:
        self._work.pop(lease, None)
        self._staged.ends.append(lease)
        self._schedule_flush(now=False)

    def _schedule_flush(self, now: bool = True) -> None:
        """A sync on the next turn of the reactor (``now``: pushes), or within :data:`ENDS_DELAY`."""
        if getattr(self.crawler, "crawling", False):  # a reactor runs (not in a unit test)
            if now:
                self._flush.schedule()
            else:
                self._flush_later.schedule(ENDS_DELAY)

    def _flush_staged(self) -> None:
        if self._staged and self.link.gone is None:
            try:
                self.sync()
            except RedisUnavailable:
                pass  # the link's on_gone closes the spider

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

    def _item_failed(self, item: Any, response: Response | None = None) -> None:
        """A pipeline raised on an item of this lease: it was not exported, so the lease is not
        ended. It stays held, and goes back to the queue when this process leaves."""
        lease = _lease_of(response)
        work = self._work.get(lease) if lease else None
        if work is None:
            return
        work.failed = True
        self._item_dropped(item, response)

    def child_done(self, parent: str | None) -> None:
        """A request produced by a leased response was staged for the queue."""
        work = self._work.get(parent) if parent else None
        if work is not None:
            work.pending -= 1
            self._settle(parent, work)  # type: ignore[arg-type]

    def _request_scheduled(self, request: Request, spider: Any = None) -> None:
        """A child of a leased response goes to the engine's scheduling. A ``request_scheduled``
        handler may refuse it (Scrapy's offsite filter raises IgnoreRequest there, for a link to a
        host the crawl does not cover), and then the scheduler never sees it: that is checked on the
        next turn of the reactor, once the engine's (synchronous) scheduling of it is over."""
        if PARENT_META in request.meta:
            self._scheduling.append(request)
            if getattr(self.crawler, "crawling", False):
                self._check_scheduled.schedule()

    def settle_unqueued(self) -> None:
        """Children that never reached the scheduler (refused when scheduled) count as settled for
        their parent's lease: nothing of them is to be queued (``frontier/children_refused``)."""
        scheduling, self._scheduling = self._scheduling, []
        for request in scheduling:
            parent = request.meta.pop(PARENT_META, None)  # the scheduler pops it from what it queues
            if parent is not None:
                self.crawler.stats.inc_value("frontier/children_refused")
                self.child_done(parent)

    def _settle(self, lease: str, work: _Work) -> None:
        if not work.output_done or work.pending > 0:
            return
        if work.failed:
            del self._work[lease]
            self.crawler.stats.inc_value("frontier/kept_after_item_error")
            return
        if not work.slots:
            self._end(lease)
            return
        # Exported: the lease waits for the feed to be stored, out of the in-flight set.
        self._staged.moves.append(lease)
        self._schedule_flush(now=False)
        self._awaiting.add(lease, list(work.slots))
        del self._work[lease]

    def _feed_slot_closed(self, slot: Any) -> None:
        # Leases of a feed that failed to store stay with this process, which puts them back in the
        # queue when it leaves.
        leases, _ = self._awaiting.closed(slot, slot_stored(slot))
        if not leases or self.link.gone is not None:
            return
        self._staged.ends.extend(sorted(leases))
        try:
            self.sync()  # now: the reactor may stop before another turn
        except RedisUnavailable:
            pass

    # -- seeds and idling ---------------------------------------------------------------------------

    def seed_requests(self, limit: int | None = None) -> Iterator[Request]:
        """The seeds pushed by ``scrapy push-seeds`` (all of them, or ``limit``), as requests.

        A seed leaves Redis in the same sync as its request enters the queue (the caller queues each
        yielded request before asking for the next): a process killed in between leaves it for the
        others, and a seed read by two processes is queued once (the duplicate filter).
        """
        done = 0
        try:
            while limit is None or done < limit:
                batch = self.link.call(self.server.lrange, self.keys.start, 0, self.seed_batch - 1)
                if not batch:
                    return
                for data in batch:
                    request = self._seed_request(data)
                    if request is not None:
                        self.crawler.stats.inc_value("frontier/seeds")
                        yield request
                    self._staged.seeds.append(data)
                    done += 1
                self.sync()
        except RedisUnavailable:
            return

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
        if self.link.gone is not None:
            raise CloseSpider("redis_unavailable")
        try:
            self.sync()  # what is staged, and the epoch and write checks: nothing lost so far
            moved = self.recover()
            seeds = 0
            for request in self.seed_requests(self.seed_batch):
                self.crawler.engine.crawl(request)
                seeds += 1
            busy = moved or seeds or self._frontier_busy()
        except RedisUnavailable:
            raise CloseSpider("redis_unavailable") from None
        if busy:
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
        def look() -> bool:
            if self.server.zcard(self.keys.queue) or self.server.llen(self.keys.start):
                return True
            for raw in self.server.smembers(self.keys.workers):
                other = raw.decode()
                if other != self.worker.id and self.server.scard(self.keys.leases(other)):
                    return True  # requests in flight elsewhere: they may add more (or die and come back)
            return False

        return bool(self._popped) or self.link.call(look)

    def _engine_stopped(self) -> None:
        self.leave()


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop is a lease (see the module docstring), and whose
    requests are encoded as ``Request.to_dict`` does, without its search of the spider's members
    for each callback's name (the callback → name map is kept)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.crawl: DistributedCrawl = spider.distributed
        self._names: dict[Any, str] = {}

    def __len__(self) -> int:
        try:
            return int(self.crawl.link.call(self.crawl.server.zcard, self.key))
        except RedisUnavailable:
            return 0

    def push(self, request: Request, fingerprint: str | None = None, parent: str | None = None) -> None:
        """Stage ``request`` for the queue (unless ``fingerprint`` was seen)."""
        lease = request.meta.pop(LEASE_META, None)
        request.meta.pop(PARENT_META, None)
        self.crawl.push(self._encode_request(request), -request.priority, lease, fingerprint, request, parent)

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.crawl.pop()
        if found is None:
            return None
        lease, data = found
        request = self._decode_request(data)
        request.meta[LEASE_META] = lease
        return request

    def _encode_request(self, request: Request) -> bytes:
        names = [self._name(request.callback), self._name(request.errback)]
        if None in names:  # not a method of the spider: Scrapy's own search (and its error)
            return self.serializer.dumps(request.to_dict(spider=self.spider))
        data = {"url": request.url, "callback": names[0], "errback": names[1],
                "headers": dict(request.headers)}
        for attr in request.attributes:
            data.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        return self.serializer.dumps(data)

    def _name(self, method: Any) -> str | None:
        """The spider's name for ``method`` ("" for none); None when it is not one of the spider's."""
        if method is None:
            return ""
        func = getattr(method, "__func__", None)
        if func is None or getattr(method, "__self__", None) is not self.spider:
            return None
        name = self._names.get(func)
        if name is None:
            bound = getattr(self.spider, func.__name__, None)
            if getattr(bound, "__func__", None) is not func:
                return None
            name = self._names[func] = func.__name__
        return name


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler with its duplicate filter, whose check and push are one atomic step,
    batched (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        """scrapy-redis's ``from_settings`` without its PING, on this process's link: a process
        started while Redis is down waits for it (``NEWSCRAWL_REDIS_WAIT``) like any other call."""
        settings = crawler.settings
        kwargs = {name: settings.get(setting) for name, setting in (
            ("queue_key", "SCHEDULER_QUEUE_KEY"), ("queue_cls", "SCHEDULER_QUEUE_CLASS"),
            ("dupefilter_key", "SCHEDULER_DUPEFILTER_KEY"), ("dupefilter_cls", "DUPEFILTER_CLASS"),
            ("serializer", "SCHEDULER_SERIALIZER")) if settings.get(setting)}
        if isinstance(kwargs.get("serializer"), str):
            kwargs["serializer"] = importlib.import_module(kwargs["serializer"])
        scheduler = cls(server=crawler.spider.distributed.server, persist=True, idle_before_close=0,
                        **kwargs)
        scheduler.stats = crawler.stats
        return scheduler

    def open(self, spider: Any) -> None:
        super().open(spider)
        crawl: DistributedCrawl = spider.distributed
        crawl.dupefilter_key = self.df.key
        crawl.dupefilter = self.df
        crawl.join()

    def __len__(self) -> int:
        return len(self.queue)

    def enqueue_request(self, request: Request) -> bool:
        """Staged for the next sync: True, as Scrapy asks (a duplicate is known, and logged, then)."""
        parent = request.meta.pop(PARENT_META, None)
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        self.queue.push(request, fingerprint, parent)
        return True

    def next_request(self) -> Request | None:
        try:
            request = self.queue.pop()
        except RedisUnavailable:
            return None
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return self.spider.distributed.pending()
        except RedisUnavailable:
            return False


class LeaseMiddleware:
    """Spider middleware: count the items a leased response produced, and see its output end.

    Both forms, sync and async (a "universal" middleware): an async-only one would make Scrapy turn
    every callback's output into an async iterable, a cost per element the plain crawl does not pay."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseMiddleware:
        return cls(crawler)

    def _started(self, response: Response) -> tuple[DistributedCrawl, str, _Work] | None:
        crawl: DistributedCrawl | None = getattr(self.crawler.spider, "distributed", None)
        lease = _lease_of(response)
        if crawl is None or lease is None:
            return None
        return crawl, lease, crawl.output_started(lease)

    def process_spider_output(self, response: Response, result: Any) -> Any:
        started = self._started(response)
        if started is None:
            yield from result
            return
        crawl, lease, work = started
        try:
            for element in result:
                yield _counted(element, lease, work)
        finally:
            crawl.output_done(lease)

    async def process_spider_output_async(self, response: Response, result: Any) -> Any:
        started = self._started(response)
        if started is None:
            async for element in result:
                yield element
            return
        crawl, lease, work = started
        try:
            async for element in result:
                yield _counted(element, lease, work)
        finally:
            crawl.output_done(lease)


def _counted(element: Any, lease: str, work: _Work) -> Any:
    """One more thing the leased response produced, settled by the item signals, or when the request
    is staged; a new request is not leased (meta=response.meta), its parent's lease noted."""
    work.pending += 1
    if isinstance(element, Request):
        element.meta.pop(LEASE_META, None)
        element.meta[PARENT_META] = lease
    return element


def _lease_of(response: Any) -> str | None:
    request = getattr(response, "request", None)
    return request.meta.get(LEASE_META) if request is not None else None
