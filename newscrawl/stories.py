"""The story index: which exported articles are the same story, republished across the network.

Pure Python, no Scrapy import. Every article gets a ``story_id`` (the same for every copy of one
story) and ``copy_of`` (the identity of the story's first-seen copy, None for that copy itself):

1. an article the index already holds keeps its story (a changed version is added to the index);
2. an article whose normalized text is identical to a known one (same :func:`exact_hash`) joins
   that one's story;
3. else the LSH bands of its MinHash find candidates, the candidates most bands point at are
   checked with :func:`~newscrawl.signature.near_copy`, and the article joins the story of the best;
4. else it starts a story whose id is derived from its own text: the first 16 hex digits of its
   exact hash.

So ``story_id`` is stable across runs in two ways: with a state (the index is kept in it) an
article keeps its story for good, whatever order later runs meet the copies in; without one, a
story met through identical copies only gets the same id in every run (derived from the text), while
a story with edited copies takes the id of whichever copy the run met first.

The index lives in a :class:`StoryBackend`: the SQLite state (:mod:`newscrawl.stories_sqlite`; an
in-memory SQLite database for a run without state) or the Redis one in distributed mode
(:mod:`newscrawl.stories_redis`, where :meth:`StoryBackend.atomically` makes the decision and its
writes one transaction against the other crawl processes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

from newscrawl.signature import Signature, near_copy, similarities

#: ``NEWSCRAWL_STORY_COPIES``: what becomes of an article that is a copy of a story already met —
#: exported with ``copy_of`` set, or left out of the feed and only counted.
COPY_MODES = ("export", "count")
#: At most this many candidates (those sharing the most LSH bands) are checked per article: a copy
#: shares 9 bands of 42 on average at similarity 0.6, a different story 2 at 0.35.
MAX_CANDIDATES = 8
STORY_ID_DIGITS = 16


def copy_mode(value: object) -> str:
    """The ``NEWSCRAWL_STORY_COPIES`` setting, checked: a ValueError names the setting and its values."""
    mode = str(value or "export").strip().lower()
    if mode not in COPY_MODES:
        raise ValueError(f"-s NEWSCRAWL_STORY_COPIES={value!r}: expected one of {', '.join(COPY_MODES)}")
    return mode


@dataclass(frozen=True)
class Member:
    """One article of the index: its identity, story, first-seen copy and latest signature."""

    identity: str
    story_id: str
    copy_of: str | None
    signature: Signature

    @property
    def origin(self) -> str:
        """The identity of its story's first-seen copy."""
        return self.copy_of or self.identity


@dataclass(frozen=True)
class Assignment:
    """The story of one article, and how it was found."""

    story_id: str
    copy_of: str | None
    match: str  # "original" (a new story), "known" (already indexed), "exact" or "near" (a copy)
    similarity: float = 1.0  # estimated Jaccard similarity with the copy it matched

    @property
    def is_copy(self) -> bool:
        return self.copy_of is not None


class StoryView(Protocol):
    """What the decision reads of the index."""

    def member(self, identity: str) -> Member | None: ...

    def by_exact(self, exact: str) -> Member | None: ...

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        """The (at most ``limit``) indexed articles sharing the most of ``bands``, with how many."""
        ...

    def members(self, identities: Iterable[str]) -> list[Member]: ...


#: A decision: reads the index, returns the assignment and the member to write (None: no write).
Decision = Callable[[StoryView], tuple[Assignment, Member | None]]


class StoryBackend(StoryView, Protocol):
    def atomically(self, identity: str, signature: Signature, decide: Decision) -> Assignment:
        """Run ``decide`` and write its member (its exact hash and bands too) as one unit."""
        ...

    def flush(self) -> int:
        """Make the decisions durable (a batching backend writes them now); returns how many."""
        ...


def decide(identity: str, signature: Signature) -> Decision:
    """The decision for one article (see the module docstring)."""

    def run(view: StoryView) -> tuple[Assignment, Member | None]:
        known = view.member(identity)
        if known is not None:
            changed = known.signature.exact != signature.exact
            member = Member(identity, known.story_id, known.copy_of, signature) if changed else None
            return Assignment(known.story_id, known.copy_of, "known"), member
        twin = view.by_exact(signature.exact)
        if twin is not None:
            member = Member(identity, twin.story_id, twin.origin, signature)
            return Assignment(twin.story_id, twin.origin, "exact"), member
        best, score = _best_candidate(view, identity, signature)
        if best is not None:
            member = Member(identity, best.story_id, best.origin, signature)
            return Assignment(best.story_id, best.origin, "near", score), member
        story_id = signature.exact[:STORY_ID_DIGITS]
        return Assignment(story_id, None, "original"), Member(identity, story_id, None, signature)

    return run


def _best_candidate(view: StoryView, identity: str, signature: Signature) -> tuple[Member | None, float]:
    """The indexed article most like ``signature`` among those sharing LSH bands with it."""
    counts = view.by_bands(signature.bands, MAX_CANDIDATES + 1)
    counts.pop(identity, None)
    candidates = view.members(key for key, _ in counts.most_common(MAX_CANDIDATES))
    estimates = similarities(signature.sketch, [c.signature.sketch for c in candidates])
    best, best_score = None, 0.0
    for candidate, j in zip(candidates, estimates, strict=True):
        score = near_copy(signature, candidate.signature, j)
        if score > best_score:
            best, best_score = candidate, score
    return best, best_score


class StoryIndex:
    """Assign stories to articles, in a backend."""

    def __init__(self, backend: StoryBackend) -> None:
        self.backend = backend

    def assign(self, identity: str, signature: Signature) -> Assignment:
        return self.backend.atomically(identity, signature, decide(identity, signature))


class MemoryStoryStore:
    """An index in dictionaries: the pending decisions of the SQLite store (a few hundred articles
    at a time), and the reference the other backends are tested against. A run without state keeps
    its index in a temporary SQLite database on disk instead (:func:`newscrawl.stories_sqlite.memory_store`):
    flat memory, whatever the number of articles."""

    def __init__(self) -> None:
        self._members: dict[str, Member] = {}
        self._exact: dict[str, str] = {}  # exact hash -> identity of the first article with it
        self._bands: dict[int, set[str]] = {}

    def member(self, identity: str) -> Member | None:
        return self._members.get(identity)

    def by_exact(self, exact: str) -> Member | None:
        identity = self._exact.get(exact)
        return None if identity is None else self._members[identity]

    def by_bands(self, bands: Iterable[int], limit: int) -> Counter[str]:
        index = self._bands
        counts = Counter(chain.from_iterable(index[band] for band in bands if band in index))
        return Counter(dict(counts.most_common(limit)))

    def members(self, identities: Iterable[str]) -> list[Member]:
        return [self._members[i] for i in identities if i in self._members]

    def atomically(self, identity: str, signature: Signature, decide: Decision) -> Assignment:
        assignment, member = decide(self)
        if member is not None:
            self.put(member)
        return assignment

    def put(self, member: Member) -> None:
        """Add or replace a member; its exact hash and bands point at it from now on."""
        self._members[member.identity] = member
        self._exact.setdefault(member.signature.exact, member.identity)
        for band in member.signature.bands:
            self._bands.setdefault(band, set()).add(member.identity)

    def all(self) -> list[Member]:
        return list(self._members.values())

    def flush(self) -> int:
        return 0  # nothing to make durable

    def count(self) -> int:
        return len(self._members)
