"""The shared Redis of distributed mode: one process's link to it, its worker identity, and the
incremental state kept there.

Why Redis: distributed mode already keeps its frontier (scrapy-redis's queue and duplicate filter) in
one Redis that every process reaches, so the state goes beside it rather than into a second shared
service. A SQLite file (:class:`newscrawl.state.StateStore`, the default) cannot be shared between
machines, and two processes writing it could both export the same article.

* :class:`Link`: the connection, riding out outages. Every call goes through :meth:`Link.call`; a
  lost connection makes it reconnect with backoff for at most ``NEWSCRAWL_REDIS_WAIT`` seconds, then
  the link is *gone* and the run stops with status 1 (see :mod:`newscrawl.frontier`).
* :class:`Worker`: one crawl process as the others see it — a heartbeat key with a TTL, and a counter
  of its writes kept in Redis beside it. A write this process made and Redis acknowledged is counted
  in the same script or MULTI as the write; a counter found lower than the writes made means Redis
  lost some (restarted without persistence, or from a snapshot older than its last writes).
* :class:`RedisStateStore`: the SQLite store's methods, plus :meth:`RedisStateStore.claim`: an atomic
  check-and-set (a Lua script) on the article's identity and content fingerprint, so that of two
  processes holding the same article version only one exports it. A claim belongs to a worker: the
  claims of a process killed mid-crawl lapse with it, and whoever fetches those articles again may
  export them.

State keys (prefix ``newscrawl:state``): ``:articles`` hash key → JSON of the exported state;
``:claims`` hash key → ``worker|content_fp``; ``:failures`` hash url → JSON of the failure;
``:runs:<spider>`` list of the run reports (JSON), oldest first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any, TypeVar

import redis
import redis.asyncio as aredis
from redis.asyncio.retry import Retry as AsyncRetry

from newscrawl.frontier_keys import WORKER_KEY_PREFIX, WRITES_KEY_PREFIX, RedisUnavailable
from newscrawl.state import ArticleState, Failure, _now

if TYPE_CHECKING:
    from newscrawl.signature import Signature
    from newscrawl.stories import Assignment
    from newscrawl.stories_redis import RedisStoryStore

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "newscrawl:state"
#: Seconds between reconnection attempts while Redis is unreachable; the last one repeats.
BACKOFF = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
T = TypeVar("T")

# The claim as a Lua function: the claim script's, and the one that rides with a story decision
# (:meth:`RedisStateStore.claim_with_story_async`). When won (written and counted), the writes
# counter after this write (1 or more), else 0.
CLAIM_FN = """
local function claim(articles, claims, writes, key, fp, worker, worker_prefix, force)
  local known = redis.call('HGET', articles, key)
  if force ~= '1' and known and cjson.decode(known)['content_fp'] == fp then return 0 end
  local owner = redis.call('HGET', claims, key)
  if owner then
    local who = string.sub(owner, 1, string.find(owner, '|', 1, true) - 1)
    if who ~= worker and redis.call('EXISTS', worker_prefix .. who) == 1 then return 0 end
  end
  redis.call('HSET', claims, key, worker .. '|' .. fp)
  return redis.call('INCR', writes)
end
"""

# KEYS: articles, claims, writes counter. ARGV: key, content fp, worker, worker key prefix, force.
_CLAIM = CLAIM_FN + "return claim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])\n"

# Delete the claims in ARGV[2..] that ARGV[1] still holds (another process may have taken them over).
# KEYS: claims, writes counter.
_RELEASE = """
local n = 0
for i = 2, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and string.sub(owner, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
redis.call('INCR', KEYS[2])
return n
"""

# KEYS: failures, writes counter.
_RECORD_FAILURE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local attempts = tonumber(ARGV[3])
if old then attempts = attempts + cjson.decode(old)['attempts'] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({reason = ARGV[2], attempts = attempts,
                                                   last_seen = ARGV[4], meta = ARGV[5]}))
redis.call('INCR', KEYS[2])
return attempts
"""

_STATE_FIELDS = tuple(f.name for f in fields(ArticleState))


def connect(url: str, client: Any = redis.Redis) -> Any:
    """A client for ``url`` that reports a lost server at once (:class:`Link` decides what to do):
    socket timeouts so a hung server fails a call rather than hanging it, no retries of its own.
    ``client``: :class:`redis.Redis`, or :class:`redis.asyncio.Redis` (its own Retry class)."""
    retry = (AsyncRetry if client is aredis.Redis else redis.retry.Retry)(redis.backoff.NoBackoff(), 0)
    return client.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30,
                           retry=retry)


class Link:
    """One process's connection to a Redis, riding out outages.

    :meth:`call` runs a Redis call; when the connection fails (refused, reset, timed out, or Redis
    still loading its data) it pings with backoff (:data:`BACKOFF`) until Redis answers, runs the
    ``on_reconnect`` callbacks (the worker beats again and checks that nothing it wrote was lost),
    and runs the call again. After ``wait`` seconds without Redis, counted from the first failure,
    or when a callback finds data lost (:meth:`fail`), the link is *gone*: that call and every later
    one raise :class:`RedisUnavailable` at once, and the ``on_gone`` callbacks run once with the
    one-line reason.

    The wait blocks the calling thread, the reactor's: while the shared frontier is unreachable no
    request can be queued, popped or released, so nothing useful could run meanwhile; in-flight
    downloads are read once it ends. A call retried after a failure may run twice (its first run
    may have reached Redis): every write here is idempotent or counted (:class:`Worker`).
    """

    def __init__(self, url: str, wait: float = 120.0) -> None:
        self.url = url
        self.server = connect(url)
        self.wait = max(float(wait), 0.0)
        self.gone: str | None = None
        self.outages = 0
        self.reconnected_at: float | None = None  # time.monotonic() of the last reconnection
        self.on_reconnect: list[Callable[[], None]] = []
        self.on_gone: list[Callable[[str], None]] = []

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        started: float | None = None
        while True:
            if self.gone is not None:
                raise RedisUnavailable(self.gone)
            try:
                return fn(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if started is None:
                    started = time.monotonic()
                    self.outages += 1
                    logger.warning("Redis at %s unreachable (%s): reconnecting for up to %.0f s"
                                   " (NEWSCRAWL_REDIS_WAIT)", redacted(self.url), _one_line(exc), self.wait)
                self._reconnect(started, exc)

    def _reconnect(self, started: float, exc: Exception) -> None:
        """Return once Redis answers again and the reconnection callbacks passed; raise when gone."""
        attempt = 0
        while True:
            waited = time.monotonic() - started
            if waited >= self.wait:
                raise self.fail(f"Redis at {redacted(self.url)} unreachable for {waited:.0f} s"
                                f" (NEWSCRAWL_REDIS_WAIT={self.wait:g}): {_one_line(exc)}")
            time.sleep(min(BACKOFF[min(attempt, len(BACKOFF) - 1)], self.wait - waited))
            attempt += 1
            try:
                self.server.ping()
                for callback in self.on_reconnect:
                    callback()
            except (redis.ConnectionError, redis.TimeoutError) as again:
                exc = again
                continue
            self.reconnected_at = time.monotonic()
            logger.warning("Redis at %s is back after %.1f s", redacted(self.url),
                           self.reconnected_at - started)
            return

    def fail(self, reason: str) -> RedisUnavailable:
        """Declare the link gone (once) with ``reason``; the error to raise."""
        if self.gone is None:
            self.gone = reason
            logger.error("%s", reason)
            for callback in self.on_gone:
                callback(reason)
        return RedisUnavailable(self.gone)


class Worker:
    """One crawl process as the others see it: an id, a key that expires ``ttl`` s after its last
    beat, and the count of its writes (``writes``: acknowledged by Redis; ``writes_key``: counted
    there, in the same script or MULTI as each write).

    The beat runs on the reactor (a LoopingCall): a process whose reactor is stuck for ``ttl`` seconds
    counts as dead, and its leases and claims go to the others. After a reconnection the worker beats
    at once, and checks its counter (:meth:`check_writes`).
    """

    def __init__(self, link: Link | redis.Redis, ttl: float = 30.0) -> None:
        self.link = link if isinstance(link, Link) else _link_of(link)
        self.ttl = max(float(ttl), 1.0)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.writes = 0
        self._loop: Any = None
        self.link.on_reconnect.insert(0, self._rejoin)

    @property
    def server(self) -> redis.Redis:
        return self.link.server

    @property
    def key(self) -> str:
        return WORKER_KEY_PREFIX + self.id

    @property
    def writes_key(self) -> str:
        return WRITES_KEY_PREFIX + self.id

    def beat(self) -> None:
        self.server.set(self.key, _now(), px=int(self.ttl * 1000))

    def check_writes(self, counted: int | bytes | None) -> None:
        """``counted``: the counter as read from Redis. Lower than the writes made: some were lost."""
        counted = int(counted or 0)
        if counted < self.writes:
            raise self.link.fail(f"Redis at {redacted(self.link.url)} lost {self.writes - counted} of the"
                                 f" {self.writes} writes of this process (restarted without persistence,"
                                 f" or from an older snapshot): the shared frontier is incomplete")
        self.writes = counted  # a write retried after a lost reply may have run twice

    def _rejoin(self) -> None:
        self.beat()
        self.check_writes(self.server.get(self.writes_key))

    def start(self) -> None:
        """Beat now and every ttl/3 seconds (needs a running reactor)."""
        if self._loop is not None:
            return
        from twisted.internet.task import LoopingCall

        self._loop = LoopingCall(self._safe_beat)
        self._loop.start(self.ttl / 3, now=True)

    def _safe_beat(self) -> None:
        if self.link.gone is not None:
            return
        try:
            self.beat()
        except redis.RedisError as exc:  # a missed beat is not fatal; the next call reconnects
            logger.warning("Worker heartbeat failed: %s", _one_line(exc))

    def stop(self) -> None:
        """Stop beating and leave: the key goes at once, so the others need not wait for ``ttl``."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        if self.link.gone is None:
            self.link.call(self.server.delete, self.key, self.writes_key)


def _link_of(server: redis.Redis) -> Link:
    """A :class:`Link` around an existing client (tests, and callers that made their own)."""
    kwargs = server.connection_pool.connection_kwargs
    link = Link(f"redis://{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}")
    link.server = server
    return link


class LinkedCalls:
    """``target`` whose methods named in ``calls`` (those that talk to Redis) run through
    ``link.call``: each call, as a whole, rides out an outage (an optimistic transaction is made
    again from the start). Everything else is the target's own."""

    def __init__(self, target: Any, link: Link, calls: Iterable[str]) -> None:
        self._target = target
        self._link = link
        self._calls = frozenset(calls)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name not in self._calls:
            return value
        return lambda *args, **kwargs: self._link.call(value, *args, **kwargs)


def worker_alive(server: redis.Redis, worker_id: str) -> bool:
    """A crawl process is alive while its heartbeat key exists."""
    return bool(server.exists(WORKER_KEY_PREFIX + worker_id))


def state_keys(prefix: str = DEFAULT_PREFIX) -> tuple[str, str, str]:
    """The Redis keys of the state: exported articles, claims, failures."""
    return f"{prefix}:articles", f"{prefix}:claims", f"{prefix}:failures"


class RedisStateStore:
    """The incremental state in Redis (see the module docstring); the SQLite store's methods + claim.

    Once the link is gone, reads answer "nothing known" and the other writes are skipped, with a
    warning for exported articles not recorded (the run stops with status 1 anyway, and the next run
    exports them again); a claim raises :class:`RedisUnavailable`, so nothing is exported unclaimed.
    """

    RECENT = 4096  # states read before download, kept for the export-time read of the same article

    def __init__(self, url: str, worker: Worker | None = None, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.worker = worker or Worker(Link(url))
        self.link = self.worker.link
        self.server = self.link.server
        self._owns_worker = worker is None  # then close() stops it; whoever starts it decides when
        self.prefix = prefix
        self.articles_key, self.claims_key, self.failures_key = state_keys(prefix)
        self.runs_key = f"{prefix}:runs"  # + :<spider>
        self._claim = self.server.register_script(_CLAIM)
        self._release = self.server.register_script(_RELEASE)
        self._record_failure = self.server.register_script(_RECORD_FAILURE)
        self._claimed: set[str] = set()  # claims this process holds and has not committed
        self._recent: OrderedDict[str, bytes | None] = OrderedDict()
        self._prefetched: dict[str, bytes | None] = {}  # the states of the last listing page's articles
        self._stories: RedisStoryStore | None = None
        self._claimed_assign: Any = None  # the claim and the story decision in one script
        self._aclient: tuple[asyncio.AbstractEventLoop, aredis.Redis] | None = None  # (its loop, the client)

    def close(self) -> None:
        """Give up the claims never committed (their feed was not stored), so others may export them."""
        if self.link.gone is None:
            self.release_claims()
        if self._owns_worker:
            self.worker.stop()
        self._close_async_client()

    def _close_async_client(self) -> None:
        """Close the asyncio client's connections on its loop, if that loop still runs."""
        if self._aclient is None:
            return
        loop, client = self._aclient
        self._aclient = None
        if loop.is_running() and not loop.is_closed():
            loop.create_task(client.aclose())

    def get(self, key: str) -> ArticleState | None:
        """The exported state of ``key``. The answer read before the download is kept for the read
        at export time (one round trip per article, not two): exported states only ever move on, and
        the claim that follows that read checks the stored version again, atomically."""
        if key in self._recent:
            raw = self._recent.pop(key)
        else:
            try:
                raw = self._prefetched.pop(key) if key in self._prefetched else \
                    self.link.call(self.server.hget, self.articles_key, key)
            except RedisUnavailable:
                return None
            self._recent[key] = raw
            if len(self._recent) > self.RECENT:
                self._recent.popitem(last=False)
        if raw is None:
            return None
        data = json.loads(raw)
        return ArticleState(**{name: data.get(name) for name in _STATE_FIELDS})

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the states of ``keys`` in one round trip, for the :meth:`get` of each that follows
        (the articles of a listing page, before their requests are made); replaces the last batch."""
        keys = list(dict.fromkeys(k for k in keys if k not in self._recent))
        try:
            found = self.link.call(self.server.hmget, self.articles_key, keys) if keys else []
        except RedisUnavailable:
            found = []
        self._prefetched = dict(zip(keys, found, strict=False))

    def count(self) -> int:
        try:
            return int(self.link.call(self.server.hlen, self.articles_key))
        except RedisUnavailable:
            return 0

    def claim(self, key: str, content_fp: str, force: bool = False) -> bool:
        """Atomically take the right to export this version of ``key``.

        False when this very version was exported already (unless ``force``, the ``full`` mode) or
        when another live process holds the claim; a dead process's claim is taken over.
        """
        won = self.link.call(self._claim, keys=[self.articles_key, self.claims_key, self.worker.writes_key],
                             args=[key, content_fp, self.worker.id, WORKER_KEY_PREFIX, "1" if force else "0"])
        if won:
            self.worker.writes += 1
            self._claimed.add(key)
        return bool(won)

    async def claim_with_story_async(self, key: str, content_fp: str, signature: Signature,
                                     force: bool = False) -> Assignment | None:
        """:meth:`claim`, and when won the story decision of the article (the standard one, made on
        the server: :meth:`~newscrawl.stories_redis.RedisStoryStore.atomically`), in one script and one
        round trip instead of two: None when the claim is lost, and then the story index is left as
        it was, as when the story pipeline never sees an article claimed elsewhere.

        Awaited, not blocking the reactor: the process parses other pages while Redis runs the
        script. Anything the async client cannot do — the script not loaded
        yet (or lost with a restart of Redis), a lost connection, a timeout — goes to the blocking
        call, which loads the script or rides out the outage as every other call does (:class:`Link`;
        the claim and the decision are the same when run twice by this worker)."""
        if self.link.gone is not None:
            raise RedisUnavailable(self.link.gone)
        stories = self._story_store()
        keys, args = self.link.call(self._claim_call, stories, key, content_fp, signature, force)
        try:
            reply = await self._async_client().evalsha(self._claimed_assign.sha, len(keys), *keys, *args)
        except (redis.ConnectionError, redis.TimeoutError, redis.exceptions.NoScriptError):
            reply = self.link.call(self._claimed_assign, keys=keys, args=args)
        return self._claimed_reply(key, stories, reply)

    def _claim_call(self, stories: RedisStoryStore, key: str, content_fp: str, signature: Signature,
                    force: bool) -> tuple[list[str], list[Any]]:
        keys, args = stories.assign_call(key, signature)
        keys += [self.articles_key, self.claims_key, self.worker.writes_key]
        args += [key, content_fp, self.worker.id, WORKER_KEY_PREFIX, "1" if force else "0"]
        return keys, args

    def _claimed_reply(self, key: str, stories: RedisStoryStore, reply: Any) -> Assignment | None:
        if reply[0] == b"lost":
            return None
        # The counter as this write left it, not +1: a sync that ran while the reply was on its way
        # (awaited) counted this write already (Worker.check_writes).
        self.worker.writes = max(self.worker.writes, int(reply[-1]))
        self._claimed.add(key)
        return stories.assignment_of(reply[:-1])

    def _async_client(self) -> aredis.Redis:
        """An asyncio client on this event loop (a new loop, e.g. a test's, gets its own)."""
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient[0] is not loop:
            self._aclient = (loop, connect(self.url, client=aredis.Redis))
        return self._aclient[1]

    def release_claims(self, keys: Iterable[str] | None = None) -> int:
        keys = list(self._claimed if keys is None else keys)
        if not keys:
            return 0
        released = int(self.link.call(self._release, keys=[self.claims_key, self.worker.writes_key],
                                      args=[self.worker.id, *keys]))
        self.worker.writes += 1
        self._claimed.difference_update(keys)
        return released

    def mark_exported(self, states: Iterable[ArticleState]) -> int:
        """Record articles as exported and drop their failures and claims, in one MULTI/EXEC."""
        now = _now()
        states = list(states)
        if not states:
            return 0
        if self.link.gone is not None:
            logger.warning("%d exported articles not recorded in the state (%s): the next run exports"
                           " them again", len(states), self.link.gone)
            return 0

        def write() -> None:
            with self.server.pipeline(transaction=True) as pipe:
                pipe.hset(self.articles_key, mapping={
                    s.key: json.dumps({**asdict(s), "exported_at": now}, ensure_ascii=False) for s in states
                })
                pipe.hdel(self.failures_key, *{s.url for s in states})
                pipe.incr(self.worker.writes_key)
                pipe.execute()

        self.link.call(write)
        self.worker.writes += 1
        for state in states:
            self._recent.pop(state.key, None)
        self.release_claims([s.key for s in states])
        return len(states)

    def stories(self) -> RedisStoryStore:
        """The story index beside this state, shared by every process (:mod:`newscrawl.stories_redis`),
        each of its calls riding out Redis outages on this store's link."""
        calls = ("member", "by_exact", "by_bands", "members", "atomically", "count")
        return LinkedCalls(self._story_store(), self.link, calls)  # type: ignore[return-value]

    def _story_store(self) -> RedisStoryStore:
        if self._stories is None:
            from newscrawl.stories_redis import RedisStoryStore, claimed_assign_script

            self._stories = RedisStoryStore(self.server, f"{self.prefix}:story")
            self._claimed_assign = self.server.register_script(claimed_assign_script(CLAIM_FN))
        return self._stories

    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None:
        """Kept for the next run; not once Redis is gone (the request's lease stays, and comes back)."""
        try:
            self.link.call(self._record_failure, keys=[self.failures_key, self.worker.writes_key],
                           args=[url, reason, attempts, _now(), json.dumps(meta, ensure_ascii=False)])
        except RedisUnavailable:
            return
        self.worker.writes += 1

    def clear_failure(self, url: str) -> None:
        try:
            self.link.call(self.server.hdel, self.failures_key, url)
        except RedisUnavailable:
            return

    def failures(self) -> list[Failure]:
        try:
            found = self.link.call(self.server.hgetall, self.failures_key)
        except RedisUnavailable:
            return []
        rows = []
        for url, raw in found.items():
            data = json.loads(raw)
            meta = data.get("meta") or "{}"
            meta = json.loads(meta) if isinstance(meta, str) else meta
            failure = Failure(url.decode(), data["reason"], int(data["attempts"]), meta)
            rows.append((data.get("last_seen") or "", failure))
        return [failure for _, failure in sorted(rows, key=lambda row: row[0])]

    def add_run(self, spider: str, report: dict[str, Any]) -> None:
        try:
            self.link.call(self.server.rpush, f"{self.runs_key}:{spider}",
                           json.dumps(report, ensure_ascii=False, default=str))
        except RedisUnavailable:
            logger.warning("The run report was not added to the run history: %s", self.link.gone)

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
        """The reports of the last ``limit`` runs of ``spider`` (kept per spider), oldest first."""
        if not spider:
            return []
        try:
            raw = self.link.call(self.server.lrange, f"{self.runs_key}:{spider}", -limit, -1)
        except RedisUnavailable:
            return []
        return [json.loads(item) for item in raw]


def check_persistence(server: redis.Redis, stats: Any, url: str) -> str:
    """Warn when the frontier would not survive a restart of Redis; the stat
    ``frontier/redis_persistence`` (``aof``, ``rdb``, ``none`` or ``unknown`` when CONFIG is refused)."""
    try:
        config = {name: _config(server, name) for name in ("appendonly", "save", "maxmemory-policy")}
    except redis.ResponseError as exc:  # CONFIG disabled or not allowed (managed Redis, ACL)
        kind = "unknown"
        try:
            if str(server.info("persistence").get("aof_enabled", 0)) == "1":
                kind = "aof"
        except redis.ResponseError:
            pass
        if kind == "unknown":
            logger.info("Could not check the persistence of Redis at %s (%s): the frontier survives a"
                        " restart of Redis only with appendonly yes (README, Scaling out)", redacted(url),
                        " ".join(str(exc).split()))
        config = {}
    else:
        if config["appendonly"] == "yes":
            kind = "aof"
        elif config["save"].strip():
            kind = "rdb"
            logger.info("Redis at %s saves snapshots only (save %s): a crash of Redis loses the writes"
                        " since the last one, and stops the run with status 1; appendonly yes keeps"
                        " them (README, Scaling out)", redacted(url), config["save"])
        else:
            kind = "none"
            logger.warning("Redis at %s has no persistence (save '' and appendonly no): if it restarts,"
                           " the frontier is lost and every crawl process stops with status 1. Use"
                           " appendonly yes (README, Scaling out)", redacted(url))
    policy = config.get("maxmemory-policy", "noeviction")
    if policy != "noeviction":
        logger.warning("Redis at %s may evict keys when full (maxmemory-policy %s): the frontier would"
                       " lose requests; set maxmemory-policy noeviction", redacted(url), policy)
    stats.set_value("frontier/redis_persistence", kind)
    return kind


def _config(server: redis.Redis, name: str) -> str:
    value = server.config_get(name).get(name, "")
    return value.decode() if isinstance(value, bytes) else str(value)


def redacted(url: str) -> str:
    """``url`` without its password, for the log."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
