"""The export schema: one :class:`Article` per canonical article, fields in export order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import scrapy
from itemadapter import ItemAdapter

#: Export order of the fields (``FEED_EXPORT_FIELDS``); also the README's fields table.
ARTICLE_FIELDS: tuple[str, ...] = (
    "url",
    "other_urls",
    "article_id",
    "site",
    "brand",
    "section",
    "title",
    "subtitle",
    "author",
    "dateline",
    "image_url",
    "image_caption",
    "body",
    "summary",
    "published_raw",
    "updated_raw",
    "published_at",
    "updated_at",
    "date_issues",
    "related",
    "language",
    "change",
    "story_id",
    "copy_of",
    "crawled_at",
)


class Article(scrapy.Item):
    """A news article or opinion column as exported. See the README's fields table."""

    url = scrapy.Field()
    other_urls = scrapy.Field()  # list: the same article met under other URLs (mirror hosts, AMP copies)
    article_id = scrapy.Field()
    site = scrapy.Field()
    brand = scrapy.Field()  # the brand label the page prints (``العرب اليوم``), whatever the host
    section = scrapy.Field()
    title = scrapy.Field()
    subtitle = scrapy.Field()
    author = scrapy.Field()
    dateline = scrapy.Field()
    image_url = scrapy.Field()
    image_caption = scrapy.Field()
    body = scrapy.Field()
    summary = scrapy.Field()
    published_raw = scrapy.Field()
    updated_raw = scrapy.Field()
    published_at = scrapy.Field()
    updated_at = scrapy.Field()
    date_issues = scrapy.Field()
    related = scrapy.Field()  # list of {"title", "url", "stamp", "published_at"}
    language = scrapy.Field()
    change = scrapy.Field()  # "new" or "updated" since the last run with the same state
    story_id = scrapy.Field()  # the same for every copy of one story across the network
    copy_of = scrapy.Field()  # identity of the story's first-seen copy; None for that copy
    crawled_at = scrapy.Field()


def item_values(item: Any) -> Mapping[str, Any]:
    """What an item holds, to read: a ``scrapy.Item``'s own dict of values (no copy: an ItemAdapter
    costs three calls a field read, ~25 reads a record in each pipeline), else its ItemAdapter.
    Read only: writes go through the item."""
    values = getattr(item, "_values", None) if isinstance(item, scrapy.Item) else None
    return values if type(values) is dict else ItemAdapter(item)
