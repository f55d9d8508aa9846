"""newscrawl.feeds: settings derived at start-up (FEEDS presets, User-Agent)."""

import pytest
from scrapy.settings import Settings

from newscrawl.feeds import apply_feed_preset, apply_user_agent


def project_settings(**cmdline) -> Settings:
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.setdict(cmdline, priority="cmdline")
    return settings


def test_user_agent_follows_the_contact_setting():
    settings = project_settings(NEWSCRAWL_CONTACT="mailto:archive@example.org")
    apply_user_agent(settings)
    assert settings["USER_AGENT"] == ("newscrawl/0.1 (+mailto:archive@example.org;"
                                      " Arabic news archiving crawler)")


def test_a_user_agent_given_by_the_user_is_kept():
    settings = project_settings(USER_AGENT="my-archive-bot/2")
    apply_user_agent(settings)
    assert settings["USER_AGENT"] == "my-archive-bot/2"


def test_scheduled_preset_and_explicit_feeds():
    settings = project_settings(NEWSCRAWL_FEED_PRESET="scheduled")
    apply_feed_preset(settings)
    assert list(settings.getdict("FEEDS")) == ["exports/%(name)s/%(time)s.jsonl"]
    given = project_settings(NEWSCRAWL_FEED_PRESET="scheduled", FEEDS={"out.csv": {"format": "csv"}})
    apply_feed_preset(given)
    assert list(given.getdict("FEEDS")) == ["out.csv"]
    with pytest.raises(ValueError, match="not a preset"):
        apply_feed_preset(project_settings(NEWSCRAWL_FEED_PRESET="hourly"))


class _Slot:
    def __init__(self, stored: bool | None = None) -> None:
        self.storage = type("Storage", (), {})()
        if stored is not None:
            self.storage.stored = stored


def test_a_value_waits_for_every_feed_its_item_went_to() -> None:
    from newscrawl.feeds import AwaitingStorage, slot_stored

    jsonl, database, batch2 = _Slot(), _Slot(stored=True), _Slot(stored=False)
    waiting = AwaitingStorage()
    waiting.add("a", [jsonl, database])
    waiting.add("b", [jsonl, batch2])
    waiting.add("c", [database])
    assert waiting.pending() == 3
    assert waiting.closed(database, slot_stored(database)) == (["c"], [])  # "a" still waits for jsonl
    assert waiting.closed(batch2, slot_stored(batch2)) == ([], [])  # "b" too, and is lost already
    assert waiting.closed(jsonl, slot_stored(jsonl)) == (["a"], ["b"])
    assert waiting.pending() == 0
    assert waiting.closed(jsonl, True) == ([], [])  # a slot closes once; nothing left for it


def test_spooled_values_wait_on_disk_exactly_as_in_memory() -> None:
    from newscrawl.feeds import SpooledAwaitingStorage, slot_stored
    from newscrawl.state import ArticleState

    def closed(slot):
        chunks = list(waiting.closed(slot, slot_stored(slot), chunk=2))
        assert all(len(stored) + len(lost) <= 2 for stored, lost in chunks)
        return [v for s, _ in chunks for v in s], [v for _, lost in chunks for v in lost]

    jsonl, database, batch2 = _Slot(), _Slot(stored=True), _Slot(stored=False)
    waiting = SpooledAwaitingStorage()
    state = ArticleState(key="arabstoday:4/1", url="http://x/4/1", listing_fp=None, content_fp="f")
    waiting.add(state, [jsonl, database])
    waiting.add("b", [jsonl, batch2])
    waiting.add("c", [database])
    for n in range(5):
        waiting.add(n, [jsonl])
    assert waiting.pending() == 8
    assert closed(database) == (["c"], [])
    assert closed(batch2) == ([], [])
    assert closed(jsonl) == ([state, 0, 1, 2, 3, 4], ["b"])  # in the order they were exported
    assert waiting.pending() == 0
    assert closed(jsonl) == ([], [])
    waiting.close()
