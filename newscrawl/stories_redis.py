"""The story index in Redis, shared by the crawl processes of a distributed run.

Keys (prefix ``newscrawl:state:story``, beside the Redis state's):

* ``:ids`` hash identity → member number (``:seq`` counts them);
* ``:m`` hash member number → packed member (identity, story, first-seen copy, exact hash, shingle
  count, 512-byte sketch);
* ``:x`` hash exact hash → number of the first member with that text;
* ``:b:<bucket>`` hashes, the LSH bands: band field → member numbers (``12`` or ``12,345``). A band
  key is 63 bits; its top 20 bits choose one of 2²⁰ bucket hashes and its low 32 bits are the field
  (the 11 bits between are dropped: two different bands meeting in 52 bits only add a candidate,
  which the similarity check rejects). At two million articles (84 million band entries) a bucket
  holds ~80 fields, so Redis keeps each one a listpack (``hash-max-listpack-entries``, 128 by
  default): ~11 bytes a band entry instead of ~60 for a key or field of its own. Adding an article
  writes one field per band, whatever the index holds — nothing is read back and rewritten.

One Lua script and one round trip per decision. The standard decision
(:func:`newscrawl.stories.decide`, what every crawl makes) runs on the server (:data:`_ASSIGN`): the
script reads the article's own member, its exact twin and the members sharing the most bands, checks
the candidates as :func:`newscrawl.signature.near_copy` does (equal sketch slots), and writes the
result — atomic by construction, so two processes meeting copies of one story at once never make two
stories of it, and nothing is locked. A test holds it to the Python decision, case by case.

Any other decision runs in the process, with :data:`_DECIDE`:

* when the index holds nothing of the article, writes it at once as the decision on an empty index
  (the decision applied to nothing);
* else returns what it read, with a digest of it; the process decides, and sends the member with
  that digest: the script writes it only if what it reads *now* has the same digest, else it returns
  the new reading and the process decides again. A process killed mid-decision blocks nobody, and
  writes elsewhere in the index (other stories) never make a decision start again.

:func:`migrate` moves an index of the first layout (``:members``, ``:exact``, ``:bands``: whole
posting lists rewritten on every write) to this one, once, when a store opens on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import redis

from newscrawl.signature import CONTAINMENT_MIN, JACCARD_MIN, MIN_SHARED, Signature
from newscrawl.stories import MAX_CANDIDATES, STORY_ID_DIGITS, Assignment, Decision, Member, decide

DEFAULT_PREFIX = "newscrawl:state:story"
_SEP = b"\x1f"
_MAX_ATTEMPTS = 100
BUCKET_SHIFT = 43  # a 63-bit band key: its top 20 bits are the bucket
FIELD_MASK = 0xFFFFFFFF  # its low 32 bits the field
#: Candidates read per decision: what :func:`newscrawl.stories.decide` asks for.
CANDIDATES = MAX_CANDIDATES + 1

# Shared by the scripts. KEYS: 1 :ids, 2 :m, 3 :x, 4 :seq. ARGV: 1 the bucket key prefix, 2 identity,
# 3 exact hash, 4 the bands ("bucket field bucket field …").
_COMMON = """
local bands = {}
for bucket, field in string.gmatch(ARGV[4], '(%d+) (%d+)') do
  bands[#bands + 1] = {ARGV[1] .. bucket, field}
end
local function put(packed)
  local n = redis.call('HGET', KEYS[1], ARGV[2])
  if not n then
    n = tostring(redis.call('INCR', KEYS[4]))
    redis.call('HSET', KEYS[1], ARGV[2], n)
  end
  redis.call('HSET', KEYS[2], n, packed)
  redis.call('HSETNX', KEYS[3], ARGV[3], n)
  for _, band in ipairs(bands) do
    local postings = redis.call('HGET', band[1], band[2])
    if not postings then
      redis.call('HSET', band[1], band[2], n)
    elseif not string.find(',' .. postings .. ',', ',' .. n .. ',', 1, true) then
      redis.call('HSET', band[1], band[2], postings .. ',' .. n)
    end
  end
end
-- The members sharing bands with the article, those sharing the most first (then the oldest), and how
-- many bands each shares.
local function sharing()
  local counts, numbers = {}, {}
  for _, band in ipairs(bands) do
    local postings = redis.call('HGET', band[1], band[2])
    if postings then
      for n in string.gmatch(postings, '%d+') do
        if not counts[n] then numbers[#numbers + 1] = n; counts[n] = 0 end
        counts[n] = counts[n] + 1
      end
    end
  end
  table.sort(numbers, function(a, b)
    if counts[a] ~= counts[b] then return counts[a] > counts[b] end
    return tonumber(a) < tonumber(b)
  end)
  return numbers, counts
end
"""

# One decision. Reads the member of ARGV[2] (the article's own, if indexed), the member ARGV[3] (its
# exact hash) points at, and the members sharing the most of its bands (at most ARGV[5]); then
#   ARGV[6] == '' : writes ARGV[7] (a packed member, or '' for nothing) only when all three are none;
#   ARGV[6] == d  : writes ARGV[7] only when the digest of what it read is d.
# Returns {'w'} when it wrote (or had nothing to write), else {'r', digest, own, twin, member, count, …}
# (own and twin '' when none).
_DECIDE = _COMMON + """
local function member_of(n)
  if not n then return '' end
  return redis.call('HGET', KEYS[2], n) or ''
end
local own = member_of(redis.call('HGET', KEYS[1], ARGV[2]))
local twin = member_of(redis.call('HGET', KEYS[3], ARGV[3]))
local numbers, counts = sharing()
local reading = {own, twin}
for i = 1, math.min(#numbers, tonumber(ARGV[5])) do
  reading[#reading + 1] = member_of(numbers[i])
  reading[#reading + 1] = tostring(counts[numbers[i]])
end
local parts = {}
for i, s in ipairs(reading) do parts[i] = #s .. ':' .. s end
local digest = redis.sha1hex(table.concat(parts))
local write = ARGV[6] == digest
if ARGV[6] == '' then write = own == '' and twin == '' and #numbers == 0 end
if not write then
  local reply = {'r', digest}
  for _, s in ipairs(reading) do reply[#reply + 1] = s end
  return reply
end
if ARGV[7] ~= '' then put(ARGV[7]) end
return {'w'}
"""

# The standard decision (:func:`newscrawl.stories.decide`) made on the server, and written: one round
# trip per article whatever the index holds, atomic by construction. The same steps as the Python
# one, on what the script above reads: the article's own member ("known": its story, rewritten only if
# its text changed), its exact twin ("exact"), else the at most ARGV[5] members sharing the most
# bands (most bands first, then the oldest), checked as :func:`newscrawl.signature.near_copy` does
# from the estimated Jaccard similarity (equal sketch slots / slots), the first best one ("near"),
# else a new story named by its exact hash ("original"). ARGV: 6 shingle count, 7 sketch, 8 story id
# digits, 9 JACCARD_MIN, 10 CONTAINMENT_MIN, 11 MIN_SHARED. Returns {match, story, copy of, equal
# slots (-1: the same text), slots}.
_ASSIGN_STEPS = """
local SEP = string.char(31)
local function fields(raw)  -- identity, story, copy of, exact, size, sketch of a packed member
  local out, pos = {}, 1
  for _ = 1, 5 do
    local stop = string.find(raw, SEP, pos, true)
    out[#out + 1] = string.sub(raw, pos, stop - 1)
    pos = stop + 1
  end
  out[6] = string.sub(raw, pos)
  return out
end
local function member_of(n)
  if not n then return nil end
  local raw = redis.call('HGET', KEYS[2], n)
  if not raw then return nil end
  return fields(raw)
end
local function write(story, copy_of)
  put(table.concat({ARGV[2], story, copy_of, ARGV[3], ARGV[6], ARGV[7]}, SEP))
end
local own = member_of(redis.call('HGET', KEYS[1], ARGV[2]))
if own then
  if own[4] ~= ARGV[3] then write(own[2], own[3]) end
  return {'known', own[2], own[3], 0, 0}
end
local twin = member_of(redis.call('HGET', KEYS[3], ARGV[3]))
if twin then
  local origin = twin[3]
  if origin == '' then origin = twin[1] end
  write(twin[2], origin)
  return {'exact', twin[2], origin, 0, 0}
end
local numbers, counts = sharing()
local byte = string.byte
local mine = {byte(ARGV[7], 1, -1)}  -- compared byte by byte: cheaper in Lua than 4-byte substrings
local slots = #mine / 4
local size = tonumber(ARGV[6])
local jmin, cmin, smin = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local best, best_equal, best_score = nil, 0, 0
for i = 1, math.min(#numbers, tonumber(ARGV[5])) do
  local m = member_of(numbers[i])
  if m then
    local equal, score = -1, 1
    if m[4] ~= ARGV[3] then
      local theirs = {byte(m[6], 1, -1)}
      equal = 0
      for k = 1, #mine, 4 do
        if mine[k] == theirs[k] and mine[k + 1] == theirs[k + 1] and mine[k + 2] == theirs[k + 2]
           and mine[k + 3] == theirs[k + 3] then equal = equal + 1 end
      end
      local j = equal / slots
      score = 0
      if j >= jmin then
        score = j
      else
        local other = tonumber(m[5])
        local shared = j * (size + other) / (1 + j)
        local smaller = math.min(size, other)
        if smaller > 0 and shared >= smin and shared / smaller >= cmin then score = j end
      end
    end
    if score > best_score then best, best_equal, best_score = m, equal, score end
  end
end
if best then
  local origin = best[3]
  if origin == '' then origin = best[1] end
  write(best[2], origin)
  return {'near', best[2], origin, best_equal, slots}
end
local story = string.sub(ARGV[3], 1, tonumber(ARGV[8]))
write(story, '')
return {'original', story, '', 0, 0}
"""
_ASSIGN = _COMMON + _ASSIGN_STEPS


def claimed_assign_script(claim_fn: str) -> str:
    """The standard decision preceded by a claim (the Lua function ``claim`` that ``claim_fn``
    defines: :data:`newscrawl.state_redis.CLAIM_FN`), in one script: {'lost'} and nothing written when
    the claim is lost, else :data:`_ASSIGN`'s reply and the writes counter as the claim left it.
    KEYS and ARGV: :data:`_ASSIGN`'s, then the claim's (KEYS 5 articles, 6 claims, 7 writes counter;
    ARGV 12 key, 13 content fp, 14 worker, 15 worker key prefix, 16 force)."""
    return (_COMMON + claim_fn
            + "local counted = claim(KEYS[5], KEYS[6], KEYS[7], ARGV[12], ARGV[13], ARGV[14], ARGV[15],"
              " ARGV[16])\nif counted == 0 then return {'lost'} end\nlocal function assign()\n"
            + _ASSIGN_STEPS
            + "end\nlocal reply = assign()\nreply[#reply + 1] = counted\nreturn reply\n")

# A member of an index of the first layout, moved (unless its identity is indexed already). ARGV: 5 packed.
_PUT = _COMMON + """
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
put(ARGV[5])
return 1
"""


def pack(member: Member) -> bytes:
    sig = member.signature
    parts = (member.identity, member.story_id, member.copy_of or "", sig.exact, str(sig.size))
    return _SEP.join(part.encode() for part in parts) + _SEP + sig.sketch


def unpack(raw: bytes) -> Member:
    identity, story_id, copy_of, exact, size, sketch = raw.split(_SEP, 5)
    return Member(identity.decode(), story_id.decode(), copy_of.decode() or None,
                  Signature(exact.decode(), sketch, int(size)))


def _is_standard(decision: Decision, identity: str, signature: Signature) -> bool:
    """Whether ``decision`` is :func:`newscrawl.stories.decide` for this article (the one
    :data:`_ASSIGN` makes on the server); any other runs in the process (the digest protocol)."""
    if getattr(decision, "__code__", None) is not _STANDARD_CODE:
        return False
    cells = dict(zip(decision.__code__.co_freevars, decision.__closure__ or (), strict=True))
    return cells["identity"].cell_contents == identity and cells["signature"].cell_contents == signature


_STANDARD_CODE = decide("", Signature("", b"", 0)).__code__  # type: ignore[attr-defined]


def band_fields(bands: Iterable[int]) -> list[tuple[int, int]]:
    """(bucket, field) of each band key (see the module docstring)."""
    return [(band >> BUCKET_SHIFT, band & FIELD_MASK) for band in bands]


def _bands_arg(bands: Iterable[int]) -> str:
    return " ".join(f"{bucket} {field}" for bucket, field in band_fields(bands))


class _Reading:
    """What the decision script read for one article: a :class:`~newscrawl.stories.StoryView` that
    answers the decision's questions about that article (its identity, exact hash and bands)."""

    def __init__(self, identity: str, reply: Sequence[bytes]) -> None:
        self.identity = identity
        self.digest = reply[1]
        self.own = unpack(reply[2]) if reply[2] else None
        self.twin = unpack(reply[3]) if reply[3] else None
        found = [unpack(raw) for raw in reply[4::2]]
        self.counts = Counter({m.identity: int(n) for m, n in zip(found, reply[5::2], strict=True)})
        self._members = {m.identity: m for m in found}

    def member(self, identity: str) -> Member | None:
        if identity != self.identity:
            raise KeyError(f"the reading is about {self.identity}, not {identity}")
        return self.own

    def by_exact(self, exact: str) -> Member | None:
        return self.twin

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        if limit > CANDIDATES:
            raise ValueError(f"the reading holds {CANDIDATES} candidates, not {limit}")
        return Counter(dict(self.counts.most_common(limit)))

    def members(self, identities: Iterable[str]) -> list[Member]:
        return [self._members[i] for i in identities if i in self._members]


class _Nothing:
    """An empty index: what a decision makes of an article the index holds nothing of."""

    def member(self, identity: str) -> Member | None:
        return None

    def by_exact(self, exact: str) -> Member | None:
        return None

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        return Counter()

    def members(self, identities: Iterable[str]) -> list[Member]:
        return []


class RedisStoryStore:
    """:class:`~newscrawl.stories.StoryBackend` in Redis (see the module docstring)."""

    def __init__(self, server: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.server = server
        self.prefix = prefix
        self.ids_key, self.members_key = f"{prefix}:ids", f"{prefix}:m"
        self.exact_key, self.seq_key = f"{prefix}:x", f"{prefix}:seq"
        self.bucket_prefix = f"{prefix}:b:"
        self.retries = 0  # decisions made again because another process wrote what they read
        self._decide = server.register_script(_DECIDE)
        self._assign_script = server.register_script(_ASSIGN)
        self._migrated = False

    def _keys(self) -> list[str]:
        return [self.ids_key, self.members_key, self.exact_key, self.seq_key]

    def atomically(self, identity: str, signature: Signature, decide: Decision) -> Assignment:
        if not self._migrated:
            migrate(self)
        if _is_standard(decide, identity, signature):
            return self._assign(identity, signature)
        args: list[Any] = [self.bucket_prefix, identity, signature.exact, _bands_arg(signature.bands),
                           CANDIDATES]
        assignment, member = decide(_Nothing())
        reply = self._decide(keys=self._keys(), args=[*args, "", pack(member) if member else ""])
        for _ in range(_MAX_ATTEMPTS):
            if reply[0] == b"w":
                return assignment
            reading = _Reading(identity, reply)
            assignment, member = decide(reading)
            if member is None:  # nothing to write: the reading was one atomic look
                return assignment
            reply = self._decide(keys=self._keys(), args=[*args, reading.digest, pack(member)])
            if reply[0] != b"w":
                self.retries += 1
        raise RuntimeError(f"story of {identity}: the index kept changing for {_MAX_ATTEMPTS} attempts")

    def _assign(self, identity: str, signature: Signature) -> Assignment:
        """The standard decision, made and written by :data:`_ASSIGN` in one round trip."""
        keys, args = self.assign_call(identity, signature)
        return self.assignment_of(self._assign_script(keys=keys, args=args))

    def assign_call(self, identity: str, signature: Signature) -> tuple[list[str], list[Any]]:
        """The keys and arguments of :data:`_ASSIGN` for this article (an index of the first layout
        moved first): its own script's, or the one a claim rides with (:func:`claimed_assign_script`)."""
        if not self._migrated:
            migrate(self)
        return self._keys(), [self.bucket_prefix, identity, signature.exact, _bands_arg(signature.bands),
                              MAX_CANDIDATES, signature.size, signature.sketch, STORY_ID_DIGITS, JACCARD_MIN,
                              CONTAINMENT_MIN, MIN_SHARED]

    @staticmethod
    def assignment_of(reply: Sequence[bytes]) -> Assignment:
        """The :class:`~newscrawl.stories.Assignment` in :data:`_ASSIGN`'s reply."""
        match, story, copy_of, equal, slots = reply
        similarity = int(equal) / int(slots) if int(equal) > 0 else 1.0
        return Assignment(story.decode(), copy_of.decode() or None, match.decode(), similarity)

    # -- reads, one at a time (the decision reads through its script) ----------------------------------

    def member(self, identity: str) -> Member | None:
        number = self.server.hget(self.ids_key, identity)
        return self._member(number)

    def by_exact(self, exact: str) -> Member | None:
        return self._member(self.server.hget(self.exact_key, exact))

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        pipe = self.server.pipeline(transaction=False)
        for bucket, field in band_fields(bands):
            pipe.hget(f"{self.bucket_prefix}{bucket}", str(field))
        counts: Counter[bytes] = Counter()
        for postings in pipe.execute():
            if postings:
                counts.update(postings.split(b","))
        top = counts.most_common(limit)
        rows = self.server.hmget(self.members_key, [n for n, _ in top]) if top else []
        return Counter({unpack(raw).identity: n for raw, (_, n) in zip(rows, top, strict=True) if raw})

    def members(self, identities: Iterable[str]) -> list[Member]:
        keys = list(identities)
        numbers = self.server.hmget(self.ids_key, keys) if keys else []
        return [m for m in (self._member(n) for n in numbers) if m is not None]

    def _member(self, number: bytes | None) -> Member | None:
        raw = self.server.hget(self.members_key, number) if number is not None else None
        return unpack(raw) if raw else None

    def flush(self) -> int:
        return 0  # every decision is written by its own script

    def count(self) -> int:
        return int(self.server.hlen(self.ids_key))


def migrate(store: RedisStoryStore) -> int:
    """Move an index of the first layout (``:members`` identity → packed member without its identity,
    ``:exact`` exact hash → identity, ``:bands`` whole posting lists, ``:version``) into this one, before
    this process's first decision; how many members it moved. Members keep their stories, and each
    exact hash its first article. Processes starting together may all do it: each member moves in
    one script, once, and the old keys go only after a whole pass."""
    server, prefix = store.server, store.prefix
    old_members, old_exact = f"{prefix}:members", f"{prefix}:exact"
    store._migrated = True
    if not server.exists(old_members):
        return 0
    put = server.register_script(_PUT)
    moved = 0
    for identity, raw in server.hscan_iter(old_members):
        story_id, copy_of, exact, size, sketch = raw.split(_SEP, 4)
        member = Member(identity.decode(), story_id.decode(), copy_of.decode() or None,
                        Signature(exact.decode(), sketch, int(size)))
        sig = member.signature
        moved += int(put(keys=store._keys(), args=[store.bucket_prefix, member.identity, sig.exact,
                                                   _bands_arg(sig.bands), pack(member)]))
    for exact, identity in server.hscan_iter(old_exact):  # the first article of each text, as it was
        number = server.hget(store.ids_key, identity)
        if number is not None:
            server.hset(store.exact_key, exact, number)
    server.delete(old_members, old_exact, f"{prefix}:bands", f"{prefix}:version")
    return moved
