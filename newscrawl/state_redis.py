"""The incremental state in Redis, shared by every crawl process of a distributed run.

Why Redis: distributed mode already keeps its frontier (scrapy-redis's queue and duplicate filter) in
one Redis that every process reaches, so the state goes beside it rather than into a second shared
service. A SQLite file (:class:`newscrawl.state.StateStore`, the default) cannot be shared between
machines, and two processes writing it could both export the same article.

Same methods as the SQLite store, plus :meth:`RedisStateStore.claim`: an atomic check-and-set (a Lua
script, so no other client runs between the check and the set) on the article's identity and content
fingerprint, so that of two processes holding the same article version only one exports it. A claim
belongs to a :class:`Worker`, a key that lives while its process does: the claims of a process killed
mid-crawl lapse with it, and whoever fetches those articles again may export them.

Keys (prefix ``newscrawl:state``): ``:articles`` hash key → JSON of the exported state;
``:claims`` hash key → ``worker|content_fp``; ``:failures`` hash url → JSON of the failure;
``:runs:<spider>`` list of the run reports (JSON), oldest first.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

import redis

from newscrawl.state import ArticleState, Failure, _now

if TYPE_CHECKING:
    from newscrawl.stories_redis import RedisStoryStore

WORKER_KEY_PREFIX = "newscrawl:worker:"
DEFAULT_PREFIX = "newscrawl:state"

_CLAIM = """
local known = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[5] ~= '1' and known and cjson.decode(known)['content_fp'] == ARGV[2] then return 0 end
local owner = redis.call('HGET', KEYS[2], ARGV[1])
if owner then
  local who = string.sub(owner, 1, string.find(owner, '|', 1, true) - 1)
  if who ~= ARGV[3] and redis.call('EXISTS', ARGV[4] .. who) == 1 then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. '|' .. ARGV[2])
return 1
"""

# Delete the claims in ARGV[2..] that ARGV[1] still holds (another process may have taken them over).
_RELEASE = """
local n = 0
for i = 2, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and string.sub(owner, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
"""

_RECORD_FAILURE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local attempts = tonumber(ARGV[3])
if old then attempts = attempts + cjson.decode(old)['attempts'] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({reason = ARGV[2], attempts = attempts,
                                                   last_seen = ARGV[4], meta = ARGV[5]}))
return attempts
"""

_STATE_FIELDS = tuple(f.name for f in fields(ArticleState))


def connect(url: str) -> redis.Redis:
    """A client for ``url``; socket timeouts so a lost server fails a call rather than hanging it."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=30, health_check_interval=30)


class Worker:
    """One crawl process as the others see it: an id and a key that expires ``ttl`` s after its last beat.

    The beat runs on the reactor (a LoopingCall): a process whose reactor is stuck for ``ttl`` seconds
    counts as dead, and its leases and claims go to the others.
    """

    def __init__(self, server: redis.Redis, ttl: float = 30.0) -> None:
        self.server = server
        self.ttl = max(float(ttl), 1.0)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._loop: Any = None

    @property
    def key(self) -> str:
        return WORKER_KEY_PREFIX + self.id

    def beat(self) -> None:
        self.server.set(self.key, _now(), px=int(self.ttl * 1000))

    def start(self) -> None:
        """Beat now and every ttl/3 seconds (needs a running reactor)."""
        if self._loop is not None:
            return
        from twisted.internet.task import LoopingCall

        self._loop = LoopingCall(self._safe_beat)
        self._loop.start(self.ttl / 3, now=True)

    def _safe_beat(self) -> None:
        try:
            self.beat()
        except redis.RedisError as exc:  # a missed beat is not fatal; ttl/3 leaves two more chances
            import logging

            logging.getLogger(__name__).warning("Worker heartbeat failed: %s", exc)

    def stop(self) -> None:
        """Stop beating and leave: the key goes at once, so the others need not wait for ``ttl``."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = None
        self.server.delete(self.key)

def worker_alive(server: redis.Redis, worker_id: str) -> bool:
    """A crawl process is alive while its heartbeat key exists."""
    return bool(server.exists(WORKER_KEY_PREFIX + worker_id))


def state_keys(prefix: str = DEFAULT_PREFIX) -> tuple[str, str, str]:
    """The Redis keys of the state: exported articles, claims, failures."""
    return f"{prefix}:articles", f"{prefix}:claims", f"{prefix}:failures"


class RedisStateStore:
    """The incremental state in Redis (see the module docstring); the SQLite store's methods + claim."""

    def __init__(self, url: str, worker: Worker | None = None, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.server = worker.server if worker is not None else connect(url)
        self.worker = worker or Worker(self.server)
        self._owns_worker = worker is None  # then close() stops it; whoever starts it decides when
        self.prefix = prefix
        self.articles_key, self.claims_key, self.failures_key = state_keys(prefix)
        self.runs_key = f"{prefix}:runs"  # + :<spider>
        self._claim = self.server.register_script(_CLAIM)
        self._release = self.server.register_script(_RELEASE)
        self._record_failure = self.server.register_script(_RECORD_FAILURE)
        self._claimed: set[str] = set()  # claims this process holds and has not committed

    def close(self) -> None:
        """Give up the claims never committed (their feed was not stored), so others may export them."""
        self.release_claims()
        if self._owns_worker:
            self.worker.stop()

    def get(self, key: str) -> ArticleState | None:
        raw = self.server.hget(self.articles_key, key)
        if raw is None:
            return None
        data = json.loads(raw)
        return ArticleState(**{name: data.get(name) for name in _STATE_FIELDS})

    def count(self) -> int:
        return int(self.server.hlen(self.articles_key))

    def claim(self, key: str, content_fp: str, force: bool = False) -> bool:
        """Atomically take the right to export this version of ``key``.

        False when this very version was exported already (unless ``force``, the ``full`` mode) or
        when another live process holds the claim; a dead process's claim is taken over.
        """
        won = self._claim(keys=[self.articles_key, self.claims_key],
                          args=[key, content_fp, self.worker.id, WORKER_KEY_PREFIX, "1" if force else "0"])
        if won:
            self._claimed.add(key)
        return bool(won)

    def release_claims(self, keys: Iterable[str] | None = None) -> int:
        keys = list(self._claimed if keys is None else keys)
        if not keys:
            return 0
        released = int(self._release(keys=[self.claims_key], args=[self.worker.id, *keys]))
        self._claimed.difference_update(keys)
        return released

    def mark_exported(self, states: Iterable[ArticleState]) -> int:
        """Record articles as exported and drop their failures and claims, in one MULTI/EXEC."""
        now = _now()
        states = list(states)
        if not states:
            return 0
        with self.server.pipeline(transaction=True) as pipe:
            pipe.hset(self.articles_key, mapping={
                s.key: json.dumps({**asdict(s), "exported_at": now}, ensure_ascii=False) for s in states
            })
            pipe.hdel(self.failures_key, *{s.url for s in states})
            pipe.execute()
        self.release_claims([s.key for s in states])
        return len(states)

    def stories(self) -> RedisStoryStore:
        """The story index beside this state, shared by every process (:mod:`newscrawl.stories_redis`)."""
        from newscrawl.stories_redis import RedisStoryStore

        return RedisStoryStore(self.server, f"{self.prefix}:story")

    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None:
        self._record_failure(keys=[self.failures_key],
                             args=[url, reason, attempts, _now(), json.dumps(meta, ensure_ascii=False)])

    def clear_failure(self, url: str) -> None:
        self.server.hdel(self.failures_key, url)

    def failures(self) -> list[Failure]:
        rows = []
        for url, raw in self.server.hgetall(self.failures_key).items():
            data = json.loads(raw)
            meta = data.get("meta") or "{}"
            meta = json.loads(meta) if isinstance(meta, str) else meta
            failure = Failure(url.decode(), data["reason"], int(data["attempts"]), meta)
            rows.append((data.get("last_seen") or "", failure))
        return [failure for _, failure in sorted(rows, key=lambda row: row[0])]



    def add_run(self, spider: str, report: dict[str, Any]) -> None:
        self.server.rpush(f"{self.runs_key}:{spider}",
                          json.dumps(report, ensure_ascii=False, default=str))

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]:
        """The reports of the last ``limit`` runs of ``spider`` (kept per spider), oldest first."""
        if not spider:
            return []
        raw = self.server.lrange(f"{self.runs_key}:{spider}", -limit, -1)
        return [json.loads(item) for item in raw]
