"""The story index in Redis (distributed mode): CPU and round trips per decision, memory per article.

    python -m bench.stories_redis [--articles 300] [--seed 5] [--fill 0,100000,1000000,2000000]

Starts a private ``redis-server`` on loopback (no persistence), then:

1. **Decisions**: the texts of a ``--site all`` replica (every site, ``--articles`` each, a fifth of
   them copies; as ``bench.stories``), signatures computed beforehand, assigned in crawl order by the
   index a crawl without Redis uses (a temporary SQLite database) and by the Redis one: the crawl
   process's CPU microseconds per article (``time.process_time``: what the distributed overhead
   counts; Redis's own CPU is another process), round trips to Redis per article, and the pairwise
   precision and recall of both groupings.
2. **Memory**: the index filled with synthetic articles (random sketches: every one a new story, the
   common case) up to each ``--fill`` count, written in pipelined batches of the migration's
   per-member script; Redis's ``used_memory`` per article at each count, and how many band buckets
   are still listpacks (``OBJECT ENCODING`` of a sample).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import command_line, machine  # noqa: E402
from bench.stories import network_articles  # noqa: E402
from newscrawl.replica.republish import score_grouping  # noqa: E402
from newscrawl.signature import NUM_PERM, Signature, bands, signature  # noqa: E402
from newscrawl.stories import Member, StoryBackend, StoryIndex  # noqa: E402
from newscrawl.stories_redis import _PUT, RedisStoryStore, _bands_arg, pack  # noqa: E402
from newscrawl.stories_sqlite import memory_store  # noqa: E402
from tests.servers import start_redis  # noqa: E402


class RoundTrips:
    """Counts what this process sends to Redis: one packed send is one round trip (a pipeline's
    commands, or a MULTI/EXEC block, go in one)."""

    def __init__(self) -> None:
        from redis.connection import AbstractConnection

        self.count = 0
        send = AbstractConnection.send_packed_command

        def counted(connection: Any, command: Any, check_health: bool = True) -> None:
            self.count += 1
            send(connection, command, check_health)

        AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


ROUND_TRIPS = RoundTrips()


def decisions(records: list[dict[str, Any]], sigs: list[Signature], backend: StoryBackend,
              client: Any = None) -> dict[str, Any]:
    """Assign every record in order; CPU µs per article (this process), commands per article."""
    index = StoryIndex(backend)
    before = ROUND_TRIPS.count
    started, wall = time.process_time(), time.perf_counter()
    assigned = [index.assign(r["identity"], sig) for r, sig in zip(records, sigs, strict=True)]
    backend.flush()
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    score = score_grouping({r["identity"]: a.story_id for r, a in zip(records, assigned, strict=True)},
                           {r["identity"]: r["story"] for r in records})
    figures = {"cpu_us": round(cpu / len(records) * 1e6, 1), "wall_us": round(wall / len(records) * 1e6, 1),
               "precision": round(score.precision, 4), "recall": round(score.recall, 4)}
    if client is not None:
        figures["round_trips_per_article"] = round((ROUND_TRIPS.count - before) / len(records), 2)
    return figures


def compare(articles: int, seed: int, redis_backend: Callable[[], StoryBackend], client: Any,
            repeat: int = 3) -> dict[str, Any]:
    """The SQLite index against the Redis one on the same records, alternated ``repeat`` times (the
    best of each)."""
    records = list(network_articles(articles, seed))
    sigs = [signature(r["title"], r["body"]) for r in records]
    runs: dict[str, list[dict[str, Any]]] = {"sqlite": [], "redis": []}
    for _ in range(repeat):
        runs["sqlite"].append(decisions(records, sigs, memory_store()))
        client.flushdb()
        runs["redis"].append(decisions(records, sigs, redis_backend(), client))
    best = {name: min(found, key=lambda f: f["cpu_us"]) for name, found in runs.items()}
    return {"records": len(records), "copies": sum(1 for r in records if r["kind"]), **best,
            "cpu_ratio": round(best["redis"]["cpu_us"] / best["sqlite"]["cpu_us"], 2)}


def fill(client: Any, counts: list[int], batch: int = 2000) -> list[dict[str, Any]]:
    """Synthetic originals written up to each count; used_memory per article at each."""
    client.flushdb()
    store = RedisStoryStore(client)
    put = client.register_script(_PUT)
    rng = random.Random(7)
    base = int(client.info("memory")["used_memory"])
    rows, written = [], 0
    for target in sorted(c for c in counts if c > 0):
        while written < target:
            pipe = client.pipeline(transaction=False)
            for _ in range(min(batch, target - written)):
                sketch = rng.randbytes(4 * NUM_PERM)
                sig = Signature(f"{rng.getrandbits(128):032x}", sketch, 300)
                identity = f"site:{rng.randrange(1000)}/{written:06d}"
                member = Member(identity, sig.exact[:16], None, sig)
                args = [store.bucket_prefix, identity, sig.exact, _bands_arg(bands(sketch)), pack(member)]
                put(keys=store._keys(), args=args, client=pipe)
                written += 1
            pipe.execute()
        used = int(client.info("memory")["used_memory"]) - base
        sample = [client.randomkey() for _ in range(200)]
        buckets = [k for k in sample if k and k.startswith(store.bucket_prefix.encode())]
        listpacks = sum(1 for k in buckets if client.object("encoding", k) == b"listpack")
        rows.append({"articles": target, "used_mb": round(used / 2**20, 1),
                     "bytes_per_article": round(used / target), "keys": client.dbsize(),
                     "buckets_listpack": f"{listpacks}/{len(buckets)}"})
    return rows


def run(articles: int = 300, seed: int = 5, counts: tuple[int, ...] = (100_000, 1_000_000),
        quiet: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_redis(Path(tmp) / "redis")
        try:
            client = server.client()
            figures = {"command": command_line(), "machine": machine(),
                       "decisions": compare(articles, seed, lambda: RedisStoryStore(client), client),
                       "memory": fill(client, list(counts))}
        finally:
            server.stop()
    if not quiet:
        print_figures(figures)
    return figures


def print_figures(f: dict[str, Any]) -> None:
    print(f"$ {f['command']}\nmachine: {f['machine']}")
    d = f["decisions"]
    print(f"\ndecisions: {d['records']} articles ({d['copies']} copies), best of 3 alternated")
    for name in ("sqlite", "redis"):
        r = d[name]
        print(f"  {name:<7} CPU {r['cpu_us']:>8} us/article  wall {r['wall_us']:>8} us/article"
              f"  round trips/article {r.get('round_trips_per_article', '-')}  precision {r['precision']}"
              f"  recall {r['recall']}")
    print(f"  Redis / SQLite CPU per article: {d['cpu_ratio']}")
    print("\nmemory (synthetic new stories):")
    for row in f["memory"]:
        print(f"  {row['articles']:>9} articles  {row['used_mb']:>8} MB"
              f"  {row['bytes_per_article']:>6} B/article  {row['keys']:>9} keys"
              f"  band buckets still listpacks (sample): {row['buckets_listpack']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per site of the replica texts")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--fill", default="100000,1000000", help="comma list of index sizes (0: none)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.articles, args.seed, tuple(int(n) for n in args.fill.split(",") if n.strip()))
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
