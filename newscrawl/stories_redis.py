"""The story index in Redis, shared by the crawl processes of a distributed run.

Keys (prefix ``newscrawl:state:story``, beside the Redis state's): ``:members`` hash identity →
packed member (story, first-seen copy, exact hash, shingle count, sketch); ``:exact`` hash exact hash
→ identity; ``:bands`` hash LSH band key → identities; ``:version`` a counter every write increments.

Two processes may meet two copies of one story at the same moment; each must see the other's or
wait for it. A decision is an optimistic transaction: the process WATCHes ``:version``, reads what
it needs (batched, on another connection), decides, and writes in MULTI/EXEC with an INCR of
``:version``; if any other process wrote in between, EXEC fails and the decision is made again on
what is there now. Nothing is locked, so a process killed mid-decision blocks nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import redis

from newscrawl.signature import Signature
from newscrawl.stories import Assignment, Decision, Member

DEFAULT_PREFIX = "newscrawl:state:story"
_SEP = b"\x1f"
_MAX_ATTEMPTS = 100


def pack(member: Member) -> bytes:
    sig = member.signature
    parts = (member.story_id, member.copy_of or "", sig.exact, str(sig.size))
    head = _SEP.join(part.encode() for part in parts)
    return head + _SEP + sig.sketch


def unpack(identity: str, raw: bytes) -> Member:
    story_id, copy_of, exact, size, sketch = raw.split(_SEP, 4)
    return Member(identity, story_id.decode(), copy_of.decode() or None,
                  Signature(exact.decode(), sketch, int(size)))


class RedisStoryStore:
    """:class:`~newscrawl.stories.StoryBackend` in Redis (see the module docstring)."""

    def __init__(self, server: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.server = server
        self.members_key, self.exact_key = f"{prefix}:members", f"{prefix}:exact"
        self.bands_key, self.version_key = f"{prefix}:bands", f"{prefix}:version"
        self.retries = 0  # decisions made again because another process wrote meanwhile

    def member(self, identity: str) -> Member | None:
        raw = self.server.hget(self.members_key, identity)
        return None if raw is None else unpack(identity, raw)

    def by_exact(self, exact: str) -> Member | None:
        identity = self.server.hget(self.exact_key, exact)
        return None if identity is None else self.member(identity.decode())

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        keys = [str(b) for b in bands]
        counts: Counter[str] = Counter()
        for postings in self.server.hmget(self.bands_key, keys):
            if postings:
                counts.update(postings.decode().split("\n"))
        return Counter(dict(counts.most_common(limit)))

    def members(self, identities: Iterable[str]) -> list[Member]:
        keys = list(identities)
        if not keys:
            return []
        rows = self.server.hmget(self.members_key, keys)
        return [unpack(identity, raw) for identity, raw in zip(keys, rows, strict=True) if raw is not None]

    def atomically(self, identity: str, signature: Signature, decide: Decision) -> Assignment:
        for _ in range(_MAX_ATTEMPTS):
            with self.server.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(self.version_key)
                    assignment, member = decide(self)  # reads on the pool's other connections
                    pipe.multi()
                    if member is not None:
                        self._write(pipe, member)
                        pipe.incr(self.version_key)
                    pipe.execute()
                    return assignment
                except redis.WatchError:
                    self.retries += 1
        raise RuntimeError(f"story of {identity}: the index kept changing for {_MAX_ATTEMPTS} attempts")

    def _write(self, pipe: Any, member: Member) -> None:
        """Queue the member's writes. The bands' postings are read now (the WATCH on ``:version``
        guarantees nobody changes them before EXEC) and written back with the member added."""
        sig = member.signature
        keys = [str(b) for b in sig.bands]
        current = self.server.hmget(self.bands_key, keys)
        updated = {}
        for key, postings in zip(keys, current, strict=True):
            members = postings.decode().split("\n") if postings else []
            if member.identity not in members:
                updated[key] = "\n".join([*members, member.identity])
        pipe.hset(self.members_key, member.identity, pack(member))
        pipe.hsetnx(self.exact_key, sig.exact, member.identity)
        if updated:
            pipe.hset(self.bands_key, mapping=updated)

    def flush(self) -> int:
        return 0  # every decision is written by its own transaction

    def count(self) -> int:
        return int(self.server.hlen(self.members_key))
