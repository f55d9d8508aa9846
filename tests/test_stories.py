"""The story index on its own, in each backend: memory (no state), SQLite state, Redis state."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newscrawl.replica import Catalogue
from newscrawl.signature import JACCARD_MIN, Signature, signature
from newscrawl.state import StateStore
from newscrawl.stories import MemoryStoryStore, StoryBackend, StoryIndex, copy_mode
from newscrawl.stories_sqlite import SqliteStoryStore, memory_store
from tests.servers import RedisServer, start_redis

CAT = Catalogue(articles=12, seed=9)


def text(index: int, title: str | None = None, extra: str | None = None) -> Signature:
    art = CAT.article(index)
    body = list(art.body) + ([extra] if extra else [])
    return signature(title or art.head.title, "\n\n".join(body))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["memory", "sqlite-memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], StoryBackend]]:
    """A factory of backends over one index (the SQLite and Redis ones reopen the same state)."""
    if request.param in ("memory", "sqlite-memory"):  # the latter: a run without state
        store = MemoryStoryStore() if request.param == "memory" else memory_store()
        yield lambda: store
    elif request.param == "sqlite":
        opened: list[StateStore] = []

        def sqlite() -> StoryBackend:
            for earlier in opened:  # a later run: the earlier one has ended (one run holds a state)
                earlier.close()
            opened.append(StateStore(tmp_path / "state.sqlite"))
            return opened[-1].stories()

        yield sqlite
        opened[-1].close()
    else:
        from newscrawl.state_redis import RedisStateStore

        server: RedisServer = request.getfixturevalue("redis_server")
        server.client().flushdb()
        yield lambda: RedisStateStore(server.url).stories()


def test_original_exact_near_and_known(backend: Callable[[], StoryBackend]) -> None:
    index = StoryIndex(backend())
    first = index.assign("a:1/100", text(0))
    assert (first.match, first.copy_of) == ("original", None)
    assert first.story_id == text(0).exact[:16]  # derived from the text: the same without a state
    exact = index.assign("b:2/200", text(0))
    assert (exact.match, exact.story_id, exact.copy_of) == ("exact", first.story_id, "a:1/100")
    retitled = index.assign("c:3/300", text(0, title=CAT.article(5).head.title))
    assert (retitled.match, retitled.story_id, retitled.copy_of) == ("near", first.story_id, "a:1/100")
    added = index.assign("d:4/400", text(0, extra=CAT.article(6).body[0]))
    assert (added.match, added.story_id, added.copy_of) == ("near", first.story_id, "a:1/100")
    other = index.assign("e:5/500", text(1))
    assert other.match == "original" and other.story_id != first.story_id
    again = index.assign("c:3/300", text(0, title=CAT.article(5).head.title))
    assert (again.match, again.story_id, again.copy_of) == ("known", first.story_id, "a:1/100")
    # a later run (a reopened state) links its copies to the same stories
    index.backend.flush()  # as the pipeline does when the spider closes
    later = StoryIndex(backend())
    copy = later.assign("f:6/600", text(1, extra=CAT.article(7).body[0]))
    assert (copy.story_id, copy.copy_of) == (other.story_id, "e:5/500")
    assert later.assign("a:1/100", text(0)).match == "known"


def test_a_changed_article_keeps_its_story(backend: Callable[[], StoryBackend]) -> None:
    index = StoryIndex(backend())
    story = index.assign("a:1/100", text(2)).story_id
    edited = text(2, extra=CAT.article(8).body[0])
    assert index.assign("a:1/100", edited).story_id == story  # its content changed: same story
    assert index.assign("b:1/100", edited).story_id == story  # an identical copy of the new text
    assert index.assign("c:1/100", text(2)).story_id == story  # and of the old one


def test_boilerplate_decoys_are_separate_stories(backend: Callable[[], StoryBackend]) -> None:
    from newscrawl.replica.corpus import BOILERPLATES

    index = StoryIndex(backend())
    stories = {index.assign(f"s:1/{k}", text(k, extra=BOILERPLATES[1])).story_id for k in range(10)}
    assert len(stories) == 10


def test_sqlite_decisions_are_written_in_batches(tmp_path: Path) -> None:
    state = StateStore(tmp_path / "state.sqlite")
    store = state.stories()
    store.flush_every = 3
    index = StoryIndex(store)
    index.assign("a:1/1", text(0))
    index.assign("b:1/1", text(0))  # found through the pending decisions
    assert store.member("b:1/1").copy_of == "a:1/1"
    # what another process would read beside the run (which holds the state: a plain connection)
    reader = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    reopened = SqliteStoryStore(reader)
    assert reopened.count() == 0  # not written yet: a killed run decides them again
    index.assign("c:1/1", text(1))  # the third: the batch is written
    assert reopened.count() == 3
    assert reopened.member("b:1/1") == store.member("b:1/1")
    index.assign("c:1/1", text(1, extra=CAT.article(3).body[0]))  # a new version of a stored one
    assert store.by_bands(text(1, extra=CAT.article(3).body[0]).bands, 5)["c:1/1"] == len(text(0).bands)
    assert store.count() == 3 and store.flush() == 1 and reopened.count() == 3
    state.close()
    reader.close()


def decoy(signature: Signature) -> Signature:
    """Another text that shares one LSH band with ``signature`` and nothing else: a candidate for it
    that the similarity check rejects."""
    rows = 4 * 3  # the first band's rows
    other = random.Random(signature.exact).randbytes(len(signature.sketch) - rows)
    return Signature(signature.exact[::-1], signature.sketch[:rows] + other, signature.size)


@pytest.mark.parametrize("decoys", [False, True], ids=["empty-index", "candidates-rejected"])
def test_two_processes_meeting_copies_at_once_make_one_story(redis_server: RedisServer, decoys: bool) -> None:
    """Processes racing on the shared Redis index: each copy sees the story another process just
    started (never two stories for one text). On an index that holds nothing of the story, the first
    copy is written only if that is still so; with a decoy indexed (a candidate each process reads,
    and rejects), a decision is written only if what it read has not changed meanwhile."""
    from newscrawl.state_redis import RedisStateStore

    redis_server.client().flushdb()
    if decoys:
        index = StoryIndex(RedisStateStore(redis_server.url).stories())
        for k in range(6):
            assert index.assign(f"decoy:1/{k}", decoy(text(k))).match == "original"
            assert index.assign(f"decoy:2/{k}", decoy(text(k, title=CAT.article(11).head.title))).match \
                == "original"
    results: dict[str, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            index = StoryIndex(RedisStateStore(redis_server.url).stories())
            barrier.wait()
            for k in range(6):  # each worker meets its own copy of the same six stories
                title = CAT.article(11).head.title if n % 2 else None
                results[f"w{n}:{k}"] = index.assign(f"w{n}:1/{k}", text(k, title=title)).story_id
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for k in range(6):
        assert len({results[f"w{n}:{k}"] for n in range(4)}) == 1, k
    assert len({results[f"w0:{k}"] for k in range(6)}) == 6


def test_the_redis_decision_made_on_the_server_is_the_python_decision(redis_server: RedisServer) -> None:
    """The standard decision runs in one Lua script (one round trip); the same articles assigned through
    the Python decision (the digest protocol, any other decision) and the memory index give the same
    stories, matches, similarities and stored members, case by case: originals, exact twins, near
    copies by similarity and by containment, decoys rejected, known articles changed and unchanged."""
    from newscrawl.replica.corpus import BOILERPLATES
    from newscrawl.state_redis import RedisStateStore
    from newscrawl.stories import decide

    redis_server.client().flushdb()
    fast = RedisStateStore(redis_server.url).stories()
    slow = RedisStateStore(redis_server.url, prefix="other:state").stories()
    memory = MemoryStoryStore()

    def digest_protocol(*args: object, **kwargs: object) -> object:
        raise AssertionError("the standard decision went through the digest protocol")

    fast._target._decide = digest_protocol  # type: ignore[attr-defined]
    articles = [(f"s:{k}/1", text(k)) for k in range(6)]
    articles += [(f"t:{k}/2", text(k, title=CAT.article(11).head.title)) for k in range(3)]
    articles += [(f"u:{k}/3", text(k, extra=CAT.article(k + 6).body[0])) for k in range(3)]
    articles += [(f"v:{k}/4", text(k)) for k in range(2)]  # exact twins
    articles += [(f"w:{k}/5", decoy(text(k))) for k in range(4)]
    articles += [(f"y:{k}/7", text(k, extra="\n\n".join(CAT.article(k + 7).body))) for k in range(2)]
    articles += [(f"x:{k}/6", text(k + 6, extra=BOILERPLATES[0])) for k in range(4)]
    articles += [("t:1/2", text(1, title=CAT.article(11).head.title)), ("s:2/1", text(2, extra="خبر"))]
    articles += [("s:2/1", text(2, extra="خبر")), ("s:3/1", text(3))]  # known: changed, unchanged
    matches, contained = set(), 0
    for identity, sig in articles:
        found = StoryIndex(fast).assign(identity, sig)
        other = slow.atomically(identity, sig, lambda view, i=identity, g=sig: decide(i, g)(view))
        assert found == other == StoryIndex(memory).assign(identity, sig), identity
        assert fast.member(identity) == slow.member(identity) == memory.member(identity), identity
        matches.add(found.match)
        contained += found.match == "near" and found.similarity < JACCARD_MIN  # by containment
    assert matches == {"original", "exact", "near", "known"} and contained > 0
    assert fast.count() == slow.count() == len(memory.all())


def test_an_index_of_the_first_redis_layout_is_moved_once(redis_server: RedisServer) -> None:
    """The first Redis layout kept whole posting lists per band (``:bands``); a store that opens on it
    moves its members (stories, first copies, exact hashes) to the current layout before deciding."""
    from newscrawl.state_redis import RedisStateStore
    from newscrawl.stories_redis import DEFAULT_PREFIX

    client = redis_server.client()
    client.flushdb()
    first = {"a:1/100": (text(0), None), "b:2/200": (text(0), "a:1/100"), "e:5/500": (text(1), None)}
    for identity, (sig, copy_of) in first.items():  # as the first layout wrote them
        origin = copy_of or identity
        story = first[origin][0].exact[:16]
        client.hset(f"{DEFAULT_PREFIX}:members", identity,
                    b"\x1f".join([story.encode(), (copy_of or "").encode(), sig.exact.encode(),
                                  str(sig.size).encode(), sig.sketch]))
        client.hsetnx(f"{DEFAULT_PREFIX}:exact", sig.exact, identity)
        for band in sig.bands:
            postings = client.hget(f"{DEFAULT_PREFIX}:bands", str(band))
            postings = (postings + b"\n" if postings else b"") + identity.encode()
            client.hset(f"{DEFAULT_PREFIX}:bands", str(band), postings)
    client.incr(f"{DEFAULT_PREFIX}:version", 3)

    index = StoryIndex(RedisStateStore(redis_server.url).stories())
    copy = index.assign("f:6/600", text(1, extra=CAT.article(7).body[0]))
    assert (copy.match, copy.story_id, copy.copy_of) == ("near", text(1).exact[:16], "e:5/500")
    twin = index.assign("g:7/700", text(0))
    assert (twin.match, twin.story_id, twin.copy_of) == ("exact", text(0).exact[:16], "a:1/100")
    assert index.assign("b:2/200", text(0)).copy_of == "a:1/100"  # known, as it was
    assert index.backend.count() == 5
    assert not client.exists(*(f"{DEFAULT_PREFIX}:{key}" for key in ("members", "exact", "bands", "version")))
    assert index.backend.member("a:1/100").signature == text(0)


def test_copy_mode_setting() -> None:
    assert copy_mode(None) == "export" and copy_mode(" Count ") == "count"
    with pytest.raises(ValueError, match="NEWSCRAWL_STORY_COPIES='drop': expected one of export, count"):
        copy_mode("drop")
