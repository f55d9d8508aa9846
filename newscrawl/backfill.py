"""A back-fill by article id as a long, resumable operation: which ids are left, and in what order.

Pure Python (no Scrapy): :mod:`newscrawl.discovery` turns what this module yields into requests.

* **Resumable**: an id is *settled* once the state holds its article (exported, and its feed stored)
  or knows it has none (a 404 recorded in ``missing_ids``). A run asks only for the ids of its range
  that are not settled, so a run killed at any point (SIGKILL included) and started again asks for
  what is left, and never fetches again an article that was already exported. The settled ids of a
  site are read once into a compressed bitmap (a few bytes an id).
* **Lazy and fair**: the ids are generated as the crawl goes, never queued whole, and
  :class:`FairFeeder` takes them from the sites in turn, with at most ``cap`` look-ups of one site
  outstanding: the scheduler holds a few dozen requests at any N, every site advances at the pace its
  own host allows (per-host politeness is Scrapy's per-domain slots), and a slow site does not
  hold back the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Generic, TypeVar

from pyroaring import BitMap

T = TypeVar("T")


class SiteIds:
    """The ids of ``[id_from, id_to]`` of one site that are not settled yet, in increasing order."""

    def __init__(self, id_from: int, id_to: int, settled: Iterable[int] = ()) -> None:
        self.id_from, self.id_to = id_from, id_to
        self.settled = BitMap(n for n in settled if id_from <= n <= id_to)

    def __len__(self) -> int:
        return self.id_to - self.id_from + 1 - len(self.settled)

    def __iter__(self) -> Iterator[int]:
        settled = self.settled
        for number in range(self.id_from, self.id_to + 1):
            if number not in settled:
                yield number


class FairFeeder(Generic[T]):
    """Round robin over several sources, with at most ``cap`` values of each outstanding.

    :meth:`values` yields ``(key, value)``; the consumer calls :meth:`done` when a value's work is
    over (its answer parsed, or failed for good). While every source is at its cap, :meth:`values`
    waits for a :meth:`done`.
    """

    def __init__(self, sources: dict[str, Iterable[T]], cap: int) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self._sources = {key: iter(source) for key, source in sources.items()}
        self._outstanding: dict[str, set[T]] = {key: set() for key in sources}
        self._freed = asyncio.Event()

    def outstanding(self, key: str) -> int:
        return len(self._outstanding.get(key, ()))

    def done(self, key: str, value: T) -> None:
        """``value`` of ``key`` is finished (a value this feeder did not hand out is ignored)."""
        waiting = self._outstanding.get(key)
        if waiting is not None and value in waiting:
            waiting.discard(value)
            self._freed.set()

    async def values(self) -> AsyncIterator[tuple[str, T]]:
        end = object()
        while self._sources:
            progressed = False
            for key in list(self._sources):
                if len(self._outstanding[key]) >= self.cap:
                    continue
                value = next(self._sources[key], end)
                if value is end:
                    del self._sources[key]
                    continue
                self._outstanding[key].add(value)  # type: ignore[arg-type]
                progressed = True
                yield key, value  # type: ignore[misc]
            if not progressed and self._sources:
                # nothing changed since the pass began (no await in it): wait for a done()
                self._freed.clear()
                await self._freed.wait()
