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
