"""FEEDS presets: named feed configurations a scheduled run selects with one setting."""

from __future__ import annotations

from scrapy.settings import BaseSettings


def apply_feed_preset(settings: BaseSettings) -> None:
    """Set ``FEEDS`` from ``NEWSCRAWL_FEED_PRESET`` unless the user gave feeds (``-o``/``-O``/FEEDS)."""
    name = settings.get("NEWSCRAWL_FEED_PRESET")
    if not name or settings.getdict("FEEDS"):
        return
    presets = settings.getdict("NEWSCRAWL_FEED_PRESETS")
    if name not in presets:
        raise ValueError(
            f"NEWSCRAWL_FEED_PRESET={name!r} is not a preset; known: {', '.join(sorted(presets))}"
        )
    settings.set("FEEDS", presets[name], priority="spider")
