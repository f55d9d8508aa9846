"""Which incremental-state store a crawl uses: the interface, and the choice made from settings.

Two stores implement :class:`StateBackend`: :class:`newscrawl.state.StateStore` (SQLite, one file,
the default for single-machine scheduled runs) and :class:`newscrawl.state_redis.RedisStateStore`
(shared by the processes of a distributed run). The Redis one is imported only when chosen, so a
single-machine crawl needs no redis package.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from newscrawl.frontier_keys import REDIS_SCHEMES
from newscrawl.state import ArticleState, Failure, StateStore

if TYPE_CHECKING:
    from newscrawl.state_redis import Worker
    from newscrawl.stories import StoryBackend



class StateBackend(Protocol):
    """What :class:`newscrawl.incremental.IncrementalState` needs of a store."""

    def get(self, key: str) -> ArticleState | None: ...

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read ahead the states the next :meth:`get` calls will ask for (a listing page's)."""
        ...

    def count(self) -> int: ...

    def claim(self, key: str, content_fp: str, force: bool = False) -> bool: ...

    def mark_exported(self, states: Iterable[ArticleState]) -> int: ...

    def record_failure(self, url: str, reason: str, attempts: int, meta: dict[str, Any]) -> None: ...

    def clear_failure(self, url: str) -> None: ...

    def failures(self) -> list[Failure]: ...

    def add_run(self, spider: str, report: dict[str, Any]) -> None: ...

    def last_runs(self, limit: int, spider: str | None = None) -> list[dict[str, Any]]: ...

    def stories(self) -> StoryBackend: ...

    def close(self) -> None: ...


@runtime_checkable
class BackfillLedger(Protocol):
    """What a resumable back-fill by id needs of a store (the SQLite one has it; a distributed crawl
    takes its seeds from Redis and never back-fills from ``start``)."""

    def record_missing(self, family: str, ids: Iterable[int]) -> None: ...

    def settled_ids(self, family: str) -> Iterable[int]: ...


def is_redis_location(location: str | None) -> bool:
    return bool(location) and str(location).startswith(REDIS_SCHEMES)


def open_store(location: str | None, frontier_url: str | None = None,
               worker: Worker | None = None, wait: float = 0.0) -> StateBackend | None:
    """The store for ``-a state=``/``NEWSCRAWL_STATE`` (``location``) in this crawl, or None (no state).

    * ``redis://…``: the Redis store there;
    * empty in distributed mode (``frontier_url`` set): the Redis store beside the frontier;
    * a path: the SQLite store, refused in distributed mode since other machines cannot share it;
      a file that is damaged, foreign, read-only or held by another run for ``wait`` seconds is
      refused (:class:`~newscrawl.state.StateRefused`).
    """
    if is_redis_location(location):
        from newscrawl.state_redis import RedisStateStore

        if location != frontier_url:
            worker = None  # another server (or no frontier): its own connection and worker key
        store = RedisStateStore(str(location), worker=worker)
        if worker is None:
            store.worker.start()  # its claims hold only while it beats
        return store
    if location:
        if frontier_url:
            raise ValueError(f"state={location!r}: a SQLite file cannot be shared by the processes of a"
                             f" distributed crawl; leave it empty (the state then goes to the frontier's"
                             f" Redis) or give a redis:// URL")
        return StateStore(location, wait=wait)
    if frontier_url:
        from newscrawl.state_redis import RedisStateStore

        return RedisStateStore(frontier_url, worker=worker)
    return None
